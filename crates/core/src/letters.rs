//! Signed village letters: the statements a village office issues to a prospective migrant
//! worker (the consent letter of UU 18/2017 Pasal 13, a certificate of domicile, …).
//!
//! A paper letter is easy to forge and hard to check from abroad, so every issued letter carries
//! a random verification code and an Ed25519 signature of the village over the facts printed on
//! it. Anyone — an agency, an embassy officer, the worker — can check the letter at `/v/{code}`,
//! or offline with the village's published public key and [`Payload::canonical`].
//!
//! Everything here is pure: the letter's life ([`LetterStatus`], [`check_step`]), its number and
//! date as printed, the signed bytes, the codes, and the preconditions of issuing.

use crate::Invalid;
use crate::id::Secret;
use crate::text::clean_spaces;
use chrono::{Datelike, NaiveDate};
use rand::RngCore;
use std::fmt;
use std::str::FromStr;

mod signed;
pub use signed::*;

/// Where a letter is in its life. Stored as these snake_case strings.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LetterStatus {
    /// A resident (or an operator on their behalf) asked for the letter.
    Requested,
    /// An operator checks the request against the registry.
    InReview,
    /// Checked and drafted; waits for the village head to sign.
    AwaitingSignature,
    /// Signed and valid; the resident may collect it.
    Issued,
    /// Handed to the resident; still valid.
    Collected,
    /// Refused before it was signed.
    Rejected,
    /// Withdrawn after issue (an error in the facts, or obtained on false grounds).
    Revoked,
    /// Replaced by a corrected letter; the verifier no longer accepts it.
    Superseded,
}

use LetterStatus::*;

impl LetterStatus {
    /// Every status, main line first.
    pub const ALL: [LetterStatus; 8] = [
        Requested,
        InReview,
        AwaitingSignature,
        Issued,
        Collected,
        Rejected,
        Revoked,
        Superseded,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Requested => "requested",
            InReview => "in_review",
            AwaitingSignature => "awaiting_signature",
            Issued => "issued",
            Collected => "collected",
            Rejected => "rejected",
            Revoked => "revoked",
            Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Result<LetterStatus, Invalid> {
        let s = s.trim();
        LetterStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                let known = LetterStatus::ALL.map(LetterStatus::as_str).join(", ");
                Invalid::new(
                    "status",
                    format!("«{s}» tidak dikenal; pilih salah satu: {known}"),
                )
            })
    }

    /// The Indonesian label shown to operators and residents.
    pub fn label_id(self) -> &'static str {
        match self {
            Requested => "Diminta",
            InReview => "Ditinjau",
            AwaitingSignature => "Menunggu tanda tangan",
            Issued => "Terbit",
            Collected => "Sudah diambil",
            Rejected => "Ditolak",
            Revoked => "Dicabut",
            Superseded => "Digantikan",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Requested => "Requested",
            InReview => "In review",
            AwaitingSignature => "Awaiting signature",
            Issued => "Issued",
            Collected => "Collected",
            Rejected => "Rejected",
            Revoked => "Revoked",
            Superseded => "Superseded",
        }
    }

    /// A letter that a verifier should accept: issued or collected. Collecting the paper does
    /// not change what it says, so a collected letter stays valid until revoked or superseded.
    pub fn is_valid_letter(self) -> bool {
        matches!(self, Issued | Collected)
    }

    /// Statuses with no way out: a corrected or renewed letter is a new request.
    pub fn is_final(self) -> bool {
        matches!(self, Rejected | Revoked | Superseded)
    }

    /// The statuses this one may move to, the main line first.
    pub fn next(self) -> Vec<LetterStatus> {
        EDGES
            .iter()
            .filter(|(from, _)| *from == self)
            .map(|&(_, to)| to)
            .collect()
    }
}

impl fmt::Display for LetterStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LetterStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<LetterStatus, Invalid> {
        LetterStatus::parse(s)
    }
}

/// The allowed moves, each status's main-line successor first; everything else is refused.
const EDGES: &[(LetterStatus, LetterStatus)] = &[
    (Requested, InReview),
    (Requested, Rejected),
    (InReview, AwaitingSignature),
    (InReview, Rejected),
    (AwaitingSignature, Issued),
    // The village head sends the draft back for corrections.
    (AwaitingSignature, InReview),
    (AwaitingSignature, Rejected),
    (Issued, Collected),
    (Issued, Revoked),
    (Issued, Superseded),
    (Collected, Revoked),
    (Collected, Superseded),
];

/// Whether a letter may move from `from` to `to`; the refusal names both statuses and tells the
/// operator what is possible instead, so pages, the API and the CLI refuse the same histories
/// (issuing without review, reviving a revoked letter).
pub fn check_step(from: LetterStatus, to: LetterStatus) -> Result<(), Invalid> {
    if EDGES.contains(&(from, to)) {
        return Ok(());
    }
    let (from_label, to_label) = (from.label_id(), to.label_id());
    let message = if from == to {
        format!("surat ini sudah berstatus «{from_label}»; itu bukan perubahan status")
    } else if from.is_final() {
        format!(
            "status «{from_label}» adalah status akhir, jadi tidak bisa menjadi «{to_label}»; \
             untuk surat baru, buat permohonan baru"
        )
    } else {
        let allowed = from
            .next()
            .into_iter()
            .map(|s| format!("«{}»", s.label_id()))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "dari status «{from_label}» tidak bisa menjadi «{to_label}»; \
             status berikutnya yang boleh: {allowed}"
        )
    };
    Err(Invalid::new("status", message))
}

/// Village letter numbers carry the month in Roman numerals, as village offices write them.
const ROMAN_MONTHS: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

/// A date as printed on a letter: "27 November 2026" (Indonesian month names, no leading zero).
pub fn indonesian_date(d: NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        crate::nik::MONTHS[d.month0() as usize],
        d.year()
    )
}

/// Village letter number:
/// "{classification}/{seq:03}/{last 4 digits of the village code}/{month in Roman numerals}/{year}",
/// e.g. `format_number("474.2", 7, "32.12.16.2004", 2026-11-27) == "474.2/007/2004/XI/2026"`.
/// The sequence is padded to three digits; 1000 and above print in full. The village part takes
/// the last four digits of the Kemendagri code, ignoring its dots (fewer digits print as they are).
pub fn format_number(
    classification: &str,
    seq: i64,
    village_code: &str,
    issued_on: NaiveDate,
) -> String {
    let digits: Vec<char> = village_code.chars().filter(char::is_ascii_digit).collect();
    let village: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!(
        "{}/{seq:03}/{village}/{}/{}",
        classification.trim(),
        ROMAN_MONTHS[issued_on.month0() as usize],
        issued_on.year()
    )
}

/// The verification code printed on a letter and used in `/v/{code}`: 128 random bits, URL-safe
/// base64 without padding (22 characters). Never derived from a row id, so codes cannot be
/// guessed or enumerated.
pub fn new_code() -> String {
    Secret::with_bytes(16).expose().to_owned()
}

/// Whether a string could be a code at all: 22 characters of the URL-safe base64 alphabet. This
/// is input hygiene only (refusing junk before it reaches a log or a query); the caller must
/// still look up every well-formed code so that the answer takes the same time either way.
pub fn looks_like_code(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Crockford's base32: no I, L, O or U, so a code survives being read over the phone.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A tracking code a resident can read over the phone to ask how a request stands: 12
/// characters of Crockford base32 in groups of four, "7K2M-9QXD-4HPT" (60 random bits).
pub fn new_tracking_code() -> String {
    let bits = rand::rng().next_u64() >> 4;
    let chars: String = (0..12)
        .rev()
        .map(|i| CROCKFORD[((bits >> (5 * i)) & 31) as usize] as char)
        .collect();
    group_tracking_code(&chars)
}

fn group_tracking_code(chars: &str) -> String {
    format!("{}-{}-{}", &chars[..4], &chars[4..8], &chars[8..])
}

/// Normalises what someone typed: upper-case, drop spaces and dashes, O→0, I and L→1; `None`
/// unless exactly 12 valid characters remain. Returns the grouped form "7K2M-9QXD-4HPT".
pub fn normalise_tracking_code(s: &str) -> Option<String> {
    let mut chars = String::with_capacity(12);
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, '-' | '\u{2010}'..='\u{2015}') {
            continue;
        }
        let c = match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !CROCKFORD.contains(&(c as u8)) || chars.len() == 12 {
            return None;
        }
        chars.push(c);
    }
    (chars.len() == 12).then(|| group_tracking_code(&chars))
}

/// The consent letter needs a recent counselling session (UU 18/2017: a prospective migrant must
/// be informed of rights, costs and risks before consenting). A session
/// exactly `max_days` ago still counts; one dated after `today` is refused as a typing error.
pub fn check_counselling(
    last_session: Option<NaiveDate>,
    today: NaiveDate,
    max_days: u32,
) -> Result<(), Invalid> {
    const WHAT_TO_DO: &str = "catat sesi bimbingan sebelum menerbitkan surat izin.";
    let message = match last_session {
        None => format!("Belum ada sesi bimbingan yang tercatat; {WHAT_TO_DO}"),
        Some(last) if last > today => format!(
            "Sesi bimbingan terakhir bertanggal {}, setelah hari ini; periksa tanggal sesi itu, \
             lalu {WHAT_TO_DO}",
            indonesian_date(last)
        ),
        Some(last) if (today - last).num_days() > i64::from(max_days) => format!(
            "Belum ada sesi bimbingan dalam {max_days} hari terakhir (terakhir: {}); {WHAT_TO_DO}",
            indonesian_date(last)
        ),
        Some(_) => return Ok(()),
    };
    Err(Invalid::new("counselling", message))
}

const MIN_REASON_CHARS: usize = 5;
const MAX_REASON_CHARS: usize = 500;

/// A rejection or revocation reason: required, because the resident (and a verifier, for a
/// revoked letter) is told why. White space is cleaned; 5 to 500 characters.
pub fn check_reason(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let reason = clean_spaces(raw);
    let chars = reason.chars().count();
    if chars == 0 {
        Err(Invalid::new(field, "alasan wajib diisi"))
    } else if chars < MIN_REASON_CHARS {
        Err(Invalid::new(
            field,
            format!("alasan terlalu singkat: paling sedikit {MIN_REASON_CHARS} karakter"),
        ))
    } else if chars > MAX_REASON_CHARS {
        Err(Invalid::new(
            field,
            format!("alasan paling banyak {MAX_REASON_CHARS} karakter (sekarang {chars})"),
        ))
    } else {
        Ok(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};
    use std::collections::HashSet;

    /// The allowed moves written out independently of `EDGES`, by stored name.
    const EXPECTED: &[(&str, &str)] = &[
        ("requested", "in_review"),
        ("requested", "rejected"),
        ("in_review", "awaiting_signature"),
        ("in_review", "rejected"),
        ("awaiting_signature", "issued"),
        ("awaiting_signature", "in_review"),
        ("awaiting_signature", "rejected"),
        ("issued", "collected"),
        ("issued", "revoked"),
        ("issued", "superseded"),
        ("collected", "revoked"),
        ("collected", "superseded"),
    ];

    #[test]
    fn every_pair_is_allowed_exactly_when_it_is_in_the_table() {
        let mut allowed = 0;
        for from in LetterStatus::ALL {
            for to in LetterStatus::ALL {
                let expected = EXPECTED.contains(&(from.as_str(), to.as_str()));
                assert_eq!(check_step(from, to).is_ok(), expected, "{from} → {to}");
                allowed += usize::from(expected);
            }
        }
        assert_eq!(allowed, EXPECTED.len());
    }

    #[test]
    fn the_main_line_comes_first() {
        for step in [Requested, InReview, AwaitingSignature, Issued, Collected].windows(2) {
            assert_eq!(step[0].next()[0], step[1], "after {}", step[0]);
        }
        assert_eq!(AwaitingSignature.next(), [Issued, InReview, Rejected]);
    }

    #[test]
    fn final_and_valid_statuses() {
        for status in LetterStatus::ALL {
            assert_eq!(status.is_final(), status.next().is_empty(), "{status}");
        }
        let finals: Vec<_> = LetterStatus::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [Rejected, Revoked, Superseded]);
        let valid: Vec<_> = LetterStatus::ALL
            .into_iter()
            .filter(|s| s.is_valid_letter())
            .collect();
        assert_eq!(valid, [Issued, Collected]);
    }

    #[test]
    fn stored_names_round_trip() {
        let names = LetterStatus::ALL.map(LetterStatus::as_str);
        assert_eq!(
            names,
            [
                "requested",
                "in_review",
                "awaiting_signature",
                "issued",
                "collected",
                "rejected",
                "revoked",
                "superseded"
            ]
        );
        for status in LetterStatus::ALL {
            assert_eq!(LetterStatus::parse(status.as_str()).unwrap(), status);
            assert_eq!(status.to_string().parse::<LetterStatus>().unwrap(), status);
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<LetterStatus>(&json).unwrap(), status);
        }
        assert_eq!(LetterStatus::parse(" in_review ").unwrap(), InReview);
        for bad in ["", "Issued", "terbit", "in-review"] {
            let err = LetterStatus::parse(bad).unwrap_err();
            assert_eq!(err.field, "status");
            assert!(
                err.message.contains("awaiting_signature"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn labels_are_distinct_and_complete() {
        let ids: HashSet<&str> = LetterStatus::ALL.iter().map(|s| s.label_id()).collect();
        let ens: HashSet<&str> = LetterStatus::ALL.iter().map(|s| s.label_en()).collect();
        assert_eq!(ids.len(), 8);
        assert_eq!(ens.len(), 8);
        assert_eq!(
            LetterStatus::ALL.map(LetterStatus::label_id),
            [
                "Diminta",
                "Ditinjau",
                "Menunggu tanda tangan",
                "Terbit",
                "Sudah diambil",
                "Ditolak",
                "Dicabut",
                "Digantikan"
            ]
        );
        assert_eq!(AwaitingSignature.label_en(), "Awaiting signature");
    }

    #[test]
    fn refusals_name_both_statuses_and_what_is_possible() {
        let err = check_step(Requested, Issued).unwrap_err();
        assert_eq!(err.field, "status");
        assert_eq!(
            err.message,
            "dari status «Diminta» tidak bisa menjadi «Terbit»; \
             status berikutnya yang boleh: «Ditinjau», «Ditolak»"
        );
        let err = check_step(Revoked, Issued).unwrap_err();
        assert!(err.message.contains("«Dicabut» adalah status akhir"));
        assert!(err.message.contains("«Terbit»"));
        let err = check_step(Issued, Issued).unwrap_err();
        assert!(err.message.contains("sudah berstatus «Terbit»"));
    }

    fn reachable_from(start: LetterStatus) -> HashSet<LetterStatus> {
        let mut seen = HashSet::from([start]);
        let mut todo = vec![start];
        while let Some(status) = todo.pop() {
            for to in status.next() {
                if seen.insert(to) {
                    todo.push(to);
                }
            }
        }
        seen
    }

    proptest! {
        #[test]
        fn walks_along_next_are_always_accepted(picks in prop::collection::vec(any::<Index>(), 0..20)) {
            let mut status = Requested;
            for pick in picks {
                let options = status.next();
                if options.is_empty() {
                    prop_assert!(status.is_final());
                    break;
                }
                let to = options[pick.index(options.len())];
                prop_assert!(check_step(status, to).is_ok(), "{} → {}", status, to);
                prop_assert!(to != status);
                status = to;
            }
            if status.is_final() {
                for to in LetterStatus::ALL {
                    prop_assert!(check_step(status, to).is_err(), "{} → {}", status, to);
                }
            }
        }

        #[test]
        fn no_path_leads_out_of_a_final_status(from in select(&LetterStatus::ALL[..])) {
            let reachable = reachable_from(from);
            if from.is_final() {
                prop_assert_eq!(reachable, HashSet::from([from]));
            } else {
                prop_assert!(reachable.iter().any(|s| s.is_final()));
            }
            prop_assert!(reachable_from(Requested).contains(&from));
        }

        #[test]
        fn check_step_agrees_with_next(
            from in select(&LetterStatus::ALL[..]),
            to in select(&LetterStatus::ALL[..]),
        ) {
            prop_assert_eq!(check_step(from, to).is_ok(), from.next().contains(&to));
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_are_printed_in_indonesian() {
        assert_eq!(indonesian_date(date(2026, 11, 27)), "27 November 2026");
        assert_eq!(indonesian_date(date(2026, 1, 3)), "3 Januari 2026");
        assert_eq!(indonesian_date(date(2025, 8, 17)), "17 Agustus 2025");
        assert_eq!(indonesian_date(date(2024, 2, 29)), "29 Februari 2024");
    }

    #[test]
    fn letter_numbers() {
        assert_eq!(
            format_number("474.2", 7, "32.12.16.2004", date(2026, 11, 27)),
            "474.2/007/2004/XI/2026"
        );
        let romans = [
            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
        ];
        for (month, roman) in (1..=12).zip(romans) {
            assert_eq!(
                format_number("470", 12, "3212162004", date(2027, month, 1)),
                format!("470/012/2004/{roman}/2027")
            );
        }
        assert_eq!(
            format_number("474.2", 1000, "32.12.16.2004", date(2026, 1, 2)),
            "474.2/1000/2004/I/2026"
        );
        assert_eq!(
            format_number(" 474.2 ", 123, "32.12.16.2004", date(2026, 1, 2)),
            "474.2/123/2004/I/2026"
        );
        assert_eq!(
            format_number("474.2", 1, "21", date(2026, 1, 2)),
            "474.2/001/21/I/2026"
        );
    }

    #[test]
    fn verification_codes_are_random_and_well_formed() {
        let codes: HashSet<String> = (0..10_000).map(|_| new_code()).collect();
        assert_eq!(codes.len(), 10_000);
        for code in &codes {
            assert_eq!(code.len(), 22);
            assert!(looks_like_code(code), "{code}");
        }
        for bad in [
            "",
            "q7Vd2xK9mP4sT1wZ8bN3c",
            "q7Vd2xK9mP4sT1wZ8bN3cAA",
            "q7Vd2xK9mP4sT1wZ8bN3c+",
            "q7Vd2xK9mP4sT1wZ8bN3c=",
            "q7Vd2xK9mP4sT1wZ8bN3/A",
            "q7Vd2xK9mP4sT1wZ8bNé",
            "../../../../etc/passwd",
        ] {
            assert!(!looks_like_code(bad), "{bad}");
        }
        assert!(looks_like_code("q7Vd2xK9mP4sT1wZ8b-_cA"));
    }

    #[test]
    fn tracking_codes_are_grouped_crockford() {
        let codes: HashSet<String> = (0..2_000).map(|_| new_tracking_code()).collect();
        assert_eq!(codes.len(), 2_000);
        for code in &codes {
            assert_eq!(code.len(), 14);
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 3);
            assert!(groups.iter().all(|g| g.len() == 4));
            assert!(
                code.bytes()
                    .filter(|&b| b != b'-')
                    .all(|b| CROCKFORD.contains(&b))
            );
            assert_eq!(
                normalise_tracking_code(code).as_deref(),
                Some(code.as_str())
            );
        }
        // 60 random bits: the first character carries bits too.
        let firsts: HashSet<char> = codes.iter().filter_map(|c| c.chars().next()).collect();
        assert!(firsts.len() > 16);
    }

    #[test]
    fn typed_tracking_codes_are_normalised() {
        for typed in [
            "7K2M-9QXD-4HPT",
            "7k2m-9qxd-4hpt",
            "7k2m 9qxd 4hpt",
            " 7K2M9QXD4HPT ",
            "7K2M–9QXD–4HPT",
        ] {
            assert_eq!(
                normalise_tracking_code(typed).as_deref(),
                Some("7K2M-9QXD-4HPT"),
                "{typed:?}"
            );
        }
        assert_eq!(
            normalise_tracking_code("oOiI-lL01-abcd").as_deref(),
            Some("0011-1101-ABCD")
        );
        for bad in [
            "",
            "7K2M-9QXD-4HP",
            "7K2M-9QXD-4HPTX",
            "7K2M-9QXD-4HPU",
            "7K2M-9QXD-4HP!",
            "7K2M_9QXD_4HPT",
            "7K2M-9QXD-4HPÉ",
        ] {
            assert_eq!(normalise_tracking_code(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn counselling_must_be_recent() {
        let today = date(2026, 4, 3);
        assert!(check_counselling(Some(date(2026, 1, 3)), today, 90).is_ok());
        assert!(check_counselling(Some(today), today, 90).is_ok());
        let err = check_counselling(Some(date(2026, 1, 3)), date(2026, 4, 4), 90).unwrap_err();
        assert_eq!(err.field, "counselling");
        assert_eq!(
            err.message,
            "Belum ada sesi bimbingan dalam 90 hari terakhir (terakhir: 3 Januari 2026); \
             catat sesi bimbingan sebelum menerbitkan surat izin."
        );
        let err = check_counselling(None, today, 90).unwrap_err();
        assert!(
            err.message.starts_with("Belum ada sesi bimbingan"),
            "{}",
            err.message
        );
        assert!(err.message.contains("catat sesi bimbingan"));
        let err = check_counselling(Some(date(2026, 4, 4)), today, 90).unwrap_err();
        assert!(err.message.contains("4 April 2026"), "{}", err.message);
        assert!(check_counselling(Some(today), today, 0).is_ok());
        assert!(check_counselling(Some(date(2026, 4, 2)), today, 0).is_err());
    }

    #[test]
    fn reasons_are_required_cleaned_and_bounded() {
        for empty in ["", "   ", "\n\t"] {
            let err = check_reason("reason", empty).unwrap_err();
            assert_eq!(
                (err.field, err.message.as_str()),
                ("reason", "alasan wajib diisi")
            );
        }
        let err = check_reason("revoke_reason", " a b ").unwrap_err();
        assert_eq!(err.field, "revoke_reason");
        assert!(err.message.contains("paling sedikit 5"), "{}", err.message);
        assert_eq!(
            check_reason("reason", "  NIK\n salah\t ketik ").unwrap(),
            "NIK salah ketik"
        );
        assert_eq!(check_reason("reason", "a b c").unwrap(), "a b c");
        assert_eq!(
            check_reason("reason", &"é".repeat(500))
                .unwrap()
                .chars()
                .count(),
            500
        );
        let err = check_reason("reason", &"x".repeat(501)).unwrap_err();
        assert!(err.message.contains("paling banyak 500"), "{}", err.message);
        assert!(err.message.contains("501"));
    }
}
