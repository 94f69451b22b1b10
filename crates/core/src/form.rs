//! Shared pieces of the domain's form checks: closed pick lists (stored name, Indonesian and
//! English labels) and the text and date checks every "raw input → checked input" uses, so each
//! form reports every problem at once in the same words.

use crate::Invalid;
use crate::registry::parse_date;
use crate::reports::markup_or_control;
use crate::text::clean_spaces;
use chrono::NaiveDate;

/// A closed list stored by a short name and shown by its Indonesian or English label. The
/// refusal of an unknown value lists the labels, because that is what the form's pick list shows.
macro_rules! choices {
    (
        $(#[$m:meta])*
        $name:ident, field = $field:literal, what = $what:literal,
        { $($(#[$vm:meta])* $variant:ident = $s:literal, $id:literal, $en:literal;)+ }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $variant),+ }

        impl $name {
            /// Every value, in the order of the pick list.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            pub fn label_id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                let s = s.trim();
                if let Some(&v) = $name::ALL.iter().find(|v| v.as_str() == s) {
                    return Ok(v);
                }
                let message = if s.is_empty() {
                    format!("pilih {} dari daftar", $what)
                } else {
                    format!(
                        "«{s}» bukan {} yang dikenal; pilih salah satu: {}",
                        $what,
                        [$($id),+].join(", ")
                    )
                };
                Err(Invalid::new($field, message))
            }
        }
    };
}
pub(crate) use choices;

pub(crate) fn ok_or_push<T>(result: Result<T, Invalid>, errors: &mut Vec<Invalid>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// The text as cleaned even when it was refused, so the caller can keep collecting problems.
pub(crate) fn push_err(
    result: Result<String, (String, Invalid)>,
    errors: &mut Vec<Invalid>,
) -> String {
    result.unwrap_or_else(|(text, e)| {
        errors.push(e);
        text
    })
}

/// One-line text (names, offices, contacts): runs of spaces collapse, because names pasted from
/// chats and documents carry tabs and double spaces.
pub(crate) fn line(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, (String, Invalid)> {
    bounded(field, raw, clean_spaces(raw), min, max, what)
}

/// Multi-line text (chronology, notes, reasons): line breaks are the writer's and are kept.
pub(crate) fn block(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, (String, Invalid)> {
    bounded(field, raw, raw.trim().replace("\r\n", "\n"), min, max, what)
}

/// Markup is refused rather than cleaned, for the reason given at
/// [`crate::reports::markup_or_control`]; lengths are counted in characters.
fn bounded(
    field: &'static str,
    raw: &str,
    text: String,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, (String, Invalid)> {
    let n = text.chars().count();
    let problem = if markup_or_control(raw) {
        format!(
            "{what} berisi kode atau tanda < > yang tidak diterima; tulis dengan kata-kata biasa"
        )
    } else if n == 0 && min > 0 {
        format!("{what} wajib diisi")
    } else if n < min {
        format!("{what} terlalu pendek; tulis paling sedikit {min} huruf")
    } else if n > max {
        format!("{what} terlalu panjang ({n} huruf); paling banyak {max} huruf")
    } else {
        return Ok(text);
    };
    Err((text, Invalid::new(field, problem)))
}

/// A required date that cannot lie in the future: consent not yet given, or an outcome not yet
/// reached, is not a fact to record.
pub(crate) fn past_date(
    field: &'static str,
    raw: &str,
    today: NaiveDate,
    what: &str,
) -> Result<NaiveDate, Invalid> {
    if raw.trim().is_empty() {
        return Err(Invalid::new(field, format!("{what} wajib diisi")));
    }
    let date = parse_date(field, raw)?;
    if date > today {
        return Err(Invalid::new(
            field,
            format!("{what} tidak boleh sesudah hari ini; periksa tanggalnya"),
        ));
    }
    Ok(date)
}
