//! The NIK (*Nomor Induk Kependudukan*), 16 digits `PP KK CC DD MM YY SSSS`: province,
//! kabupaten/kota and kecamatan where it was first issued, the birth date (day + 40 for women)
//! and a serial (DOMAIN.md §6.2).
//!
//! [`Nik::parse`] refuses only what cannot be a NIK. A NIK is never changed, not even when a
//! birth date is corrected or a region is recoded, so disagreements with the rest of a record
//! are [`warnings`] for the operator to confirm.

use crate::Invalid;
use crate::region::{RegionCode, RegionTree};
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// Sex as written on the KTP: the NIK encodes it in the day of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Sex {
    /// Laki-laki.
    L,
    /// Perempuan.
    P,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::L => "L",
            Sex::P => "P",
        }
    }

    /// Case-insensitive, because forms and spreadsheets use both.
    pub fn parse(s: &str) -> Result<Sex, Invalid> {
        match s.trim() {
            "L" | "l" => Ok(Sex::L),
            "P" | "p" => Ok(Sex::P),
            other => Err(Invalid::new(
                "jenis_kelamin",
                format!("«{other}» tidak dikenal; isi L (laki-laki) atau P (perempuan)"),
            )),
        }
    }

    fn word(self) -> &'static str {
        match self {
            Sex::L => "laki-laki",
            Sex::P => "perempuan",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sex {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Sex, Invalid> {
        Sex::parse(s)
    }
}

/// Province codes of the Kemendagri list; 91–96 are the Papua provinces after the 2022 split.
const PROVINCES: &[u32] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// Women's NIKs carry the day of birth plus this.
const WOMAN_DAY_OFFSET: u32 = 40;

/// The minimum age of a migrant worker (UU 18/2017 Pasal 5 huruf a).
const MINIMUM_AGE: u32 = 18;

/// Indonesian month names (for messages here and dates on letters).
pub(crate) const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A NIK that passed [`Nik::parse`]: always 16 ASCII digits.
///
/// `Debug` shows only the masked form (the six region digits), so a NIK cannot leak into logs by
/// accident; use [`Nik::as_str`] where the full number is really needed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nik(String);

fn invalid(message: impl Into<String>) -> Invalid {
    Invalid::new("nik", message)
}

impl Nik {
    /// Accepts the spaces, dots and dashes people type to group the digits.
    pub fn parse(raw: &str) -> Result<Nik, Invalid> {
        let digits: String = raw
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-')))
            .collect();
        if digits.is_empty() {
            return Err(invalid("NIK wajib diisi: 16 digit angka sesuai KTP/KK"));
        }
        if let Some(bad) = digits.chars().find(|c| !c.is_ascii_digit()) {
            let hint = match bad {
                'O' | 'o' => " (huruf O? NIK memakai angka 0)",
                'I' | 'l' => " (huruf I/l? NIK memakai angka 1)",
                _ => "",
            };
            return Err(invalid(format!(
                "NIK hanya berisi angka, tetapi ada «{bad}»{hint}"
            )));
        }
        if digits.len() != 16 {
            return Err(invalid(format!(
                "NIK harus 16 digit; yang terisi {} digit",
                digits.len()
            )));
        }
        let nik = Nik(digits);

        let province = nik.number(0);
        if !PROVINCES.contains(&province) {
            return Err(invalid(format!(
                "kode provinsi {province:02} (2 digit pertama NIK) tidak ada dalam daftar Kemendagri"
            )));
        }
        let kabupaten = nik.number(2);
        if !matches!(kabupaten, 1..=69 | 71..=99) {
            return Err(invalid(format!(
                "kode kabupaten/kota {kabupaten:02} (digit ke-3 dan ke-4 NIK) tidak sah: kabupaten 01–69, kota 71–99"
            )));
        }
        if nik.number(4) == 0 {
            return Err(invalid(
                "kode kecamatan (digit ke-5 dan ke-6 NIK) tidak boleh 00",
            ));
        }
        let coded_day = nik.number(6);
        if !matches!(coded_day, 1..=31 | 41..=71) {
            return Err(invalid(format!(
                "tanggal lahir {coded_day:02} (digit ke-7 dan ke-8 NIK) tidak sah: 01–31 untuk laki-laki, 41–71 untuk perempuan (tanggal ditambah 40)"
            )));
        }
        let month = nik.number(8);
        if !(1..=12).contains(&month) {
            return Err(invalid(format!(
                "bulan lahir {month:02} (digit ke-9 dan ke-10 NIK) tidak sah: harus 01–12"
            )));
        }
        let (day, month, yy) = nik.birth_parts();
        let exists_in = |century: i32| NaiveDate::from_ymd_opt(century + yy, month, day).is_some();
        if !exists_in(1900) && !exists_in(2000) {
            let month_name = MONTHS[month as usize - 1];
            return Err(invalid(if month == 2 && day == 29 {
                format!(
                    "tanggal lahir pada NIK tidak ada di kalender: 29 Februari, padahal 19{yy:02} dan 20{yy:02} bukan tahun kabisat"
                )
            } else {
                format!(
                    "tanggal lahir pada NIK tidak ada di kalender: bulan {month_name} tidak punya tanggal {day}"
                )
            }));
        }
        if nik.number(12) == 0 && nik.number(14) == 0 {
            return Err(invalid(
                "nomor urut NIK (4 digit terakhir) tidak boleh 0000",
            ));
        }
        Ok(nik)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six region digits (province, kabupaten/kota, kecamatan of first issue): what is
    /// stored in clear and shown. The serial is never shown: with the birth date and the village
    /// on the same record, the last four digits are all that is missing to rebuild the NIK.
    pub fn prefix(&self) -> &str {
        &self.0[..PREFIX_LEN]
    }

    /// For screens, lists, exports and letters where the person must be recognisable but the
    /// number not copied: `321216••••••••••`.
    pub fn masked(&self) -> String {
        masked(self.prefix())
    }

    pub fn sex(&self) -> Sex {
        if self.number(6) > WOMAN_DAY_OFFSET {
            Sex::P
        } else {
            Sex::L
        }
    }

    /// The NIK holds only two digits of the year, so the century is the latest one that puts the
    /// birth on or before `today` (`None` only if no such date exists, which no real NIK hits).
    pub fn birth_date(&self, today: NaiveDate) -> Option<NaiveDate> {
        let (day, month, yy) = self.birth_parts();
        let century = today.year().div_euclid(100) * 100;
        [century, century - 100]
            .into_iter()
            .filter_map(|c| NaiveDate::from_ymd_opt(c + yy, month, day))
            .find(|date| *date <= today)
    }

    /// The kecamatan of first issue, "32.12.16", in the notation of [`RegionCode`].
    pub fn region_prefix(&self) -> String {
        format!("{}.{}.{}", &self.0[0..2], &self.0[2..4], &self.0[4..6])
    }

    /// The two-digit number starting at byte `at`.
    fn number(&self, at: usize) -> u32 {
        let b = self.0.as_bytes();
        u32::from(b[at] - b'0') * 10 + u32::from(b[at + 1] - b'0')
    }

    /// Day (without the +40), month and two-digit year.
    fn birth_parts(&self) -> (u32, u32, i32) {
        let coded_day = self.number(6);
        let day = if coded_day > WOMAN_DAY_OFFSET {
            coded_day - WOMAN_DAY_OFFSET
        } else {
            coded_day
        };
        (day, self.number(8), self.number(10) as i32)
    }

    /// Whether `date` is the NIK's birth date in some century.
    fn encodes(&self, date: NaiveDate) -> bool {
        let (day, month, yy) = self.birth_parts();
        date.day() == day && date.month() == month && date.year().rem_euclid(100) == yy
    }
}

impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

/// How many leading digits of a NIK (or KK number) are stored in clear and shown.
pub const PREFIX_LEN: usize = 6;

/// The masked form of a 16-digit number from its stored prefix (or from the whole number):
/// the first six digits, then bullets. Anything that is not six leading digits (a row whose
/// prefix is not filled in yet) shows as bullets only, so nothing else can leak through here.
pub fn masked(prefix_or_number: &str) -> String {
    let head = prefix_or_number
        .get(..PREFIX_LEN)
        .filter(|h| h.bytes().all(|b| b.is_ascii_digit()));
    match head {
        Some(h) => format!("{h}{}", "•".repeat(16 - PREFIX_LEN)),
        None => "•".repeat(16),
    }
}

fn dmy(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// For `#[serde(serialize_with)]` on a stored prefix: serialises its [`masked`] form.
pub fn serialize_masked<S: serde::Serializer>(prefix: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&masked(prefix))
}

/// A NIK that parses may still disagree with what the operator typed: these are warnings the
/// operator confirms, never blocks.
///
/// When the typed birth date matches the NIK's day, month and two-digit year, its century is
/// trusted over the guess of [`Nik::birth_date`] (the NIK cannot tell 1925 from 2025).
pub fn warnings(
    nik: &Nik,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
    tree: &RegionTree,
    today: NaiveDate,
) -> Vec<String> {
    let mut warnings = Vec::new();

    let nik_birth = match birth_date {
        Some(typed) if nik.encodes(typed) && typed <= today => Some(typed),
        Some(typed) => {
            let from_nik = nik.birth_date(today);
            let shown = from_nik.map(dmy).unwrap_or_else(|| {
                let (day, month, yy) = nik.birth_parts();
                format!("{day:02}-{month:02}-..{yy:02}")
            });
            warnings.push(format!(
                "Tanggal lahir yang diisi ({}) berbeda dengan tanggal lahir pada NIK ({shown}). \
                 NIK tidak diubah ketika tanggal lahir dikoreksi, jadi cocokkan dengan akta \
                 kelahiran atau KTP sebelum melanjutkan.",
                dmy(typed)
            ));
            from_nik
        }
        None => nik.birth_date(today),
    };

    if let Some(typed) = sex
        && typed != nik.sex()
    {
        let how = match nik.sex() {
            Sex::L => "tanggal lahirnya tidak ditambah 40",
            Sex::P => "tanggal lahirnya ditambah 40",
        };
        warnings.push(format!(
            "Jenis kelamin yang diisi ({}) berbeda dengan NIK: pada NIK ini {how}, tanda {}.",
            typed.word(),
            nik.sex().word()
        ));
    }

    let kecamatan = nik.region_prefix();
    let known = kecamatan
        .parse::<RegionCode>()
        .is_ok_and(|code| tree.get(&code).is_some());
    if !known {
        warnings.push(format!(
            "Kode kecamatan {kecamatan} pada NIK tidak ada dalam daftar wilayah Kemendagri saat \
             ini. Ini hanya peringatan, bukan kesalahan: NIK tetap memakai kode wilayah tempat pertama kali diterbitkan, \
             dan kode wilayah bisa berubah setelah pemekaran. Periksa kembali angka NIK dengan KTP."
        ));
    }

    if let Some(born) = nik_birth
        && let Some(age) = today.years_since(born)
        && age < MINIMUM_AGE
    {
        warnings.push(format!(
            "Menurut tanggal lahir pada NIK ({}), umurnya baru {age} tahun. UU 18/2017 Pasal 5: \
             pekerja migran berusia minimal {MINIMUM_AGE} tahun.",
            dmy(born)
        ));
    }

    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    /// Just the Kenanga branch of the tree: enough for the region warning, quick to build.
    static TREE: LazyLock<RegionTree> = LazyLock::new(|| {
        RegionTree::parse(
            "kode,nama\n32,Jawa Barat\n32.12,Kabupaten Indramayu\n32.12.16,Sindang\n32.12.16.2004,Kenanga\n",
        )
        .unwrap()
    });

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2026, 5, 1)
    }

    fn nik(s: &str) -> Nik {
        Nik::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    const WOMAN: &str = "3212164507980001";
    const MAN: &str = "3212160507980001";

    #[test]
    fn valid_niks_give_sex_birth_date_and_region() {
        for (raw, sex, born) in [
            (WOMAN, Sex::P, date(1998, 7, 5)),
            (MAN, Sex::L, date(1998, 7, 5)),
            ("3212167112850123", Sex::P, date(1985, 12, 31)),
            ("3212160101000002", Sex::L, date(2000, 1, 1)),
            ("3212162902960001", Sex::L, date(1996, 2, 29)),
            ("3212166902000001", Sex::P, date(2000, 2, 29)),
            ("3212163112059999", Sex::L, date(2005, 12, 31)),
        ] {
            let n = nik(raw);
            assert_eq!(n.as_str(), raw);
            assert_eq!(n.sex(), sex, "{raw}");
            assert_eq!(n.birth_date(today()), Some(born), "{raw}");
            assert_eq!(n.region_prefix(), "32.12.16");
        }
    }

    #[test]
    fn typed_separators_are_removed() {
        for raw in [
            " 3212164507980001 ",
            "32 12 16 450798 0001",
            "32.12.16.450798.0001",
            "3212-1645-0798-0001",
            "3212\u{a0}1645\t07980001",
        ] {
            assert_eq!(nik(raw).as_str(), WOMAN, "{raw:?}");
        }
    }

    #[test]
    fn every_province_of_the_list_is_accepted() {
        for p in PROVINCES {
            nik(&format!("{p:02}12164507980001"));
        }
        // kota codes and the edges of kabupaten codes
        for kk in ["01", "69", "71", "99"] {
            nik(&format!("32{kk}164507980001"));
        }
    }

    #[test]
    fn impossible_niks_are_refused_with_their_own_message() {
        for (raw, expected) in [
            ("", "wajib diisi"),
            ("  - . ", "wajib diisi"),
            ("321216450798001", "yang terisi 15 digit"),
            ("32121645079800011", "yang terisi 17 digit"),
            ("3212", "yang terisi 4 digit"),
            ("32121645O7980001", "ada «O» (huruf O? NIK memakai angka 0)"),
            ("3212164507980OO1", "«O»"),
            ("32121645O798000", "«O»"),
            ("3212I64507980001", "«I» (huruf I/l?"),
            ("ABCDEFGHIJKLMNOP", "hanya berisi angka"),
            ("3212/164507980001", "«/»"),
            ("1012164507980001", "kode provinsi 10"),
            ("2012164507980001", "kode provinsi 20"),
            ("9912164507980001", "kode provinsi 99"),
            ("0012164507980001", "kode provinsi 00"),
            ("3700164507980001", "kode provinsi 37"),
            ("3200164507980001", "kode kabupaten/kota 00"),
            ("3270164507980001", "kode kabupaten/kota 70"),
            ("3212004507980001", "kode kecamatan"),
            ("3212160007980001", "tanggal lahir 00"),
            ("3212163207980001", "tanggal lahir 32"),
            ("3212164007980001", "tanggal lahir 40"),
            ("3212167207980001", "tanggal lahir 72"),
            ("3212169907980001", "tanggal lahir 99"),
            ("3212160500980001", "bulan lahir 00"),
            ("3212160513980001", "bulan lahir 13"),
            ("3212163104980001", "bulan April tidak punya tanggal 31"),
            ("3212167104980001", "bulan April tidak punya tanggal 31"),
            ("3212163002960001", "bulan Februari tidak punya tanggal 30"),
            ("3212162902990001", "1999 dan 2099 bukan tahun kabisat"),
            ("3212166902970001", "1997 dan 2097 bukan tahun kabisat"),
            ("3212164507980000", "nomor urut"),
        ] {
            let err = Nik::parse(raw).expect_err(raw);
            assert_eq!(err.field, "nik");
            assert!(
                err.message.contains(expected),
                "{raw:?}: «{}» should contain «{expected}»",
                err.message
            );
        }
    }

    #[test]
    fn messages_never_repeat_the_whole_number() {
        for raw in ["3212163104980001", "9912164507980001", "3212164507980000"] {
            let err = Nik::parse(raw).unwrap_err();
            assert!(!err.message.contains(raw), "{}", err.message);
        }
    }

    #[test]
    fn masking_and_debug_show_only_the_region_digits() {
        let n = nik("3212164507981234");
        assert_eq!(n.prefix(), "321216");
        assert_eq!(n.masked(), "321216••••••••••");
        assert_eq!(n.masked().chars().count(), 16);
        assert_eq!(format!("{n:?}"), "Nik(321216••••••••••)");
        assert_eq!(format!("{:?}", Some(&n)), "Some(Nik(321216••••••••••))");
        // Neither the birth date nor any digit of the serial is left.
        for part in ["450798", "1234", "234", "0798"] {
            assert!(!n.masked().contains(part) && !format!("{n:?}").contains(part));
        }
        // From a stored prefix, the whole number, or a row whose prefix is not filled in yet.
        assert_eq!(masked("321216"), "321216••••••••••");
        assert_eq!(masked("3212164507981234"), "321216••••••••••");
        for nothing in ["", "3212", "32.12.16", "••••••••••••1234"] {
            assert_eq!(masked(nothing), "•".repeat(16), "{nothing}");
        }
    }

    #[test]
    fn the_century_is_the_latest_not_after_today() {
        for (raw, today, born) in [
            // 98 can only be 1998 in 2026
            (WOMAN, date(2026, 5, 1), Some(date(1998, 7, 5))),
            // 10 is 2010, not 1910
            ("3212164507100001", date(2026, 5, 1), Some(date(2010, 7, 5))),
            // 26: April 2026 has passed on 1 May 2026, December 2026 has not
            ("3212160104260001", date(2026, 5, 1), Some(date(2026, 4, 1))),
            (
                "3212160112260001",
                date(2026, 5, 1),
                Some(date(1926, 12, 1)),
            ),
            // the day itself counts as not after today
            ("3212160105260001", date(2026, 5, 1), Some(date(2026, 5, 1))),
            // 29 Feb 00 exists only in 2000
            (
                "3212162902000001",
                date(2026, 5, 1),
                Some(date(2000, 2, 29)),
            ),
            ("3212162902000001", date(2000, 2, 28), None),
            // the rule keeps working after 2099
            ("3212160101050001", date(2104, 6, 1), Some(date(2005, 1, 1))),
            ("3212160101030001", date(2104, 6, 1), Some(date(2103, 1, 1))),
            (
                "3212162902000001",
                date(2101, 1, 1),
                Some(date(2000, 2, 29)),
            ),
        ] {
            assert_eq!(nik(raw).birth_date(today), born, "{raw} on {today}");
        }
    }

    #[test]
    fn sex_is_parsed_case_insensitively_and_serialised_as_one_letter() {
        for (raw, sex) in [("L", Sex::L), ("l", Sex::L), (" P ", Sex::P), ("p", Sex::P)] {
            assert_eq!(Sex::parse(raw).unwrap(), sex);
            assert_eq!(raw.parse::<Sex>().unwrap(), sex);
        }
        for bad in ["", "X", "LP", "laki-laki", "W"] {
            let err = Sex::parse(bad).unwrap_err();
            assert_eq!(err.field, "jenis_kelamin");
        }
        assert_eq!(Sex::P.as_str(), "P");
        assert_eq!(Sex::L.to_string(), "L");
        assert_eq!(serde_json::to_string(&Sex::P).unwrap(), "\"P\"");
        assert_eq!(serde_json::from_str::<Sex>("\"L\"").unwrap(), Sex::L);
    }

    #[test]
    fn a_record_that_agrees_with_its_nik_has_no_warnings() {
        let n = nik(WOMAN);
        assert!(warnings(&n, Some(date(1998, 7, 5)), Some(Sex::P), &TREE, today()).is_empty());
        assert!(warnings(&n, None, None, &TREE, today()).is_empty());
    }

    #[test]
    fn kenanga_is_in_the_official_tree() {
        let tree = RegionTree::official();
        assert!(warnings(&nik(MAN), None, Some(Sex::L), &tree, today()).is_empty());
    }

    #[test]
    fn each_disagreement_gives_its_own_warning() {
        let check = |raw: &str, born: Option<NaiveDate>, sex: Option<Sex>, expected: &[&str]| {
            let found = warnings(&nik(raw), born, sex, &TREE, today());
            assert_eq!(found.len(), 1, "{raw}: {found:?}");
            for part in expected {
                assert!(found[0].contains(part), "«{}» lacks «{part}»", found[0]);
            }
        };
        check(
            WOMAN,
            Some(date(1995, 3, 12)),
            Some(Sex::P),
            &["12-03-1995", "05-07-1998", "tidak diubah"],
        );
        // same day and month, different year
        check(
            WOMAN,
            Some(date(1999, 7, 5)),
            None,
            &["05-07-1999", "05-07-1998"],
        );
        check(
            WOMAN,
            None,
            Some(Sex::L),
            &["(laki-laki)", "ditambah 40", "tanda perempuan"],
        );
        check(
            MAN,
            None,
            Some(Sex::P),
            &["(perempuan)", "tidak ditambah 40", "tanda laki-laki"],
        );
        check(
            "3212994507980001",
            None,
            None,
            &["32.12.99", "pertama kali diterbitkan", "peringatan"],
        );
        check(
            "3212164507100001",
            Some(date(2010, 7, 5)),
            None,
            &[
                "05-07-2010",
                "15 tahun",
                "UU 18/2017 Pasal 5",
                "minimal 18 tahun",
            ],
        );
    }

    #[test]
    fn the_age_warning_ends_on_the_eighteenth_birthday() {
        let n = nik("3212160205080001"); // born 2 May 2008
        let on = |day| warnings(&n, None, None, &TREE, day);
        assert_eq!(on(date(2026, 5, 1)).len(), 1);
        assert!(on(date(2026, 5, 1))[0].contains("17 tahun"));
        assert!(on(date(2026, 5, 2)).is_empty());
    }

    #[test]
    fn the_age_warning_follows_the_nik_even_when_the_typed_date_differs() {
        let n = nik("3212164507100001"); // NIK says 5 July 2010
        let found = warnings(&n, Some(date(1990, 7, 5)), None, &TREE, today());
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].contains("15 tahun"));
    }

    #[test]
    fn a_typed_century_that_matches_the_nik_is_trusted() {
        // 01-03-25 is 2025 by the century rule, but the operator typed 1925: no mismatch, no minor.
        let n = nik("3212160103250001");
        assert!(warnings(&n, Some(date(1925, 3, 1)), None, &TREE, today()).is_empty());
        // a typed date in the future is not trusted
        let found = warnings(&n, Some(date(2125, 3, 1)), None, &TREE, today());
        assert!(found[0].contains("01-03-2125") && found[0].contains("01-03-2025"));
    }

    #[test]
    fn all_warnings_can_come_together() {
        let n = nik("3212994507100001");
        let found = warnings(&n, Some(date(1990, 1, 1)), Some(Sex::L), &TREE, today());
        assert_eq!(found.len(), 4, "{found:?}");
    }
}
