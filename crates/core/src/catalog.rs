//! Code lists kept in code rather than in settings: they are reference data with legal meaning,
//! so a change is a reviewed code change, and every stored code keeps its meaning.
//!
//! Codes are what the database stores; `id` and `en` are the Indonesian and English labels.

/// A kind of work a migrant worker is placed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Occupation {
    pub code: &'static str,
    pub id: &'static str,
    pub en: &'static str,
    /// One of the ten occupations exempted from placement costs by Perban BP2MI 9/2020.
    pub zero_cost: bool,
}

/// Occupations, the ten zero-cost ones of **Perban BP2MI 9/2020** *Pembebasan Biaya Penempatan
/// PMI* first (DOMAIN.md §2.1).
///
/// `zero_cost` is a property of the occupation under that Perban only. Taiwan's exemption from the
/// zero-cost policy (DOMAIN.md §2.2) depends on the destination, so it belongs to the fee rules,
/// not here: a housekeeper is a zero-cost occupation even when placed in Taiwan.
pub const OCCUPATIONS: &[Occupation] = &[
    zero_cost(
        "pengurus_rumah_tangga",
        "Pengurus rumah tangga",
        "Housekeeper",
    ),
    zero_cost("pengasuh_bayi", "Pengasuh bayi", "Baby sitter"),
    zero_cost(
        "pengasuh_lansia",
        "Pengasuh lanjut usia",
        "Elderly caretaker",
    ),
    zero_cost("juru_masak", "Juru masak", "Cook"),
    zero_cost("sopir_keluarga", "Sopir keluarga", "Family driver"),
    zero_cost("perawat_taman", "Perawat taman", "Gardener"),
    zero_cost("pengasuh_anak", "Pengasuh anak", "Child care"),
    zero_cost("petugas_kebersihan", "Petugas kebersihan", "Cleaner"),
    zero_cost(
        "petugas_ladang",
        "Petugas ladang/perkebunan",
        "Farm/plantation worker",
    ),
    zero_cost(
        "awak_kapal_perikanan",
        "Awak kapal perikanan migran",
        "Migrant fishing crew",
    ),
    paid(
        "caregiver_institusi",
        "Perawat di panti (caregiver institusi)",
        "Caregiver in a care institution",
    ),
    paid(
        "operator_pabrik",
        "Operator pabrik/manufaktur",
        "Factory/manufacturing operator",
    ),
    paid("konstruksi", "Pekerja konstruksi", "Construction worker"),
    paid(
        "perawat",
        "Perawat (tenaga kesehatan)",
        "Nurse (health worker)",
    ),
    paid(
        "perhotelan",
        "Perhotelan dan restoran",
        "Hospitality and restaurant worker",
    ),
    paid("awak_kapal_niaga", "Awak kapal niaga", "Merchant ship crew"),
    paid("lainnya", "Lainnya", "Other"),
];

const fn zero_cost(code: &'static str, id: &'static str, en: &'static str) -> Occupation {
    Occupation {
        code,
        id,
        en,
        zero_cost: true,
    }
}

const fn paid(code: &'static str, id: &'static str, en: &'static str) -> Occupation {
    Occupation {
        code,
        id,
        en,
        zero_cost: false,
    }
}

pub fn occupation(code: &str) -> Option<&'static Occupation> {
    OCCUPATIONS.iter().find(|o| o.code == code)
}

/// A destination country, by its ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Country {
    pub iso2: &'static str,
    pub id: &'static str,
    pub en: &'static str,
}

const fn c(iso2: &'static str, id: &'static str, en: &'static str) -> Country {
    Country { iso2, id, en }
}

/// The main destinations of Indonesian migrant workers.
pub const COUNTRIES: &[Country] = &[
    c("TW", "Taiwan", "Taiwan"),
    c("HK", "Hong Kong", "Hong Kong"),
    c("MY", "Malaysia", "Malaysia"),
    c("SG", "Singapura", "Singapore"),
    c("SA", "Arab Saudi", "Saudi Arabia"),
    c("KR", "Korea Selatan", "South Korea"),
    c("JP", "Jepang", "Japan"),
    c("BN", "Brunei Darussalam", "Brunei Darussalam"),
    c("AE", "Uni Emirat Arab", "United Arab Emirates"),
    c("QA", "Qatar", "Qatar"),
    c("KW", "Kuwait", "Kuwait"),
    c("OM", "Oman", "Oman"),
    c("BH", "Bahrain", "Bahrain"),
    c("TR", "Turki", "Türkiye"),
    c("DE", "Jerman", "Germany"),
    c("PL", "Polandia", "Poland"),
    c("AU", "Australia", "Australia"),
    c("NZ", "Selandia Baru", "New Zealand"),
    c("US", "Amerika Serikat", "United States"),
    c("IT", "Italia", "Italy"),
    c("NL", "Belanda", "Netherlands"),
    c("GB", "Inggris", "United Kingdom"),
    c("CN", "Tiongkok", "China"),
    c("MO", "Makau", "Macao"),
];

/// Case-insensitive, because people and old spreadsheets write "tw" as often as "TW"; the
/// returned entry carries the canonical upper-case code to store.
pub fn country(iso2: &str) -> Option<&'static Country> {
    let iso2 = iso2.trim();
    COUNTRIES.iter().find(|c| c.iso2.eq_ignore_ascii_case(iso2))
}

/// One entry of a short pick list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub id: &'static str,
    pub en: &'static str,
}

const fn ch(code: &'static str, id: &'static str, en: &'static str) -> Choice {
    Choice { code, id, en }
}

/// How a worker is placed (UU 18/2017): the route decides who is responsible for the worker.
pub const ROUTES: &[Choice] = &[
    ch(
        "p3mi",
        "Melalui P3MI",
        "Through a licensed placement company (P3MI)",
    ),
    ch(
        "g2g",
        "Government to Government",
        "Government to Government",
    ),
    ch(
        "mandiri",
        "Perseorangan/mandiri",
        "Individual (self-arranged)",
    ),
];

/// Highest completed education, in the categories of the Kartu Keluarga.
pub const EDUCATION: &[Choice] = &[
    ch(
        "tidak_sekolah",
        "Tidak/belum sekolah",
        "No schooling / not yet in school",
    ),
    ch("sd", "SD/sederajat", "Primary school or equivalent"),
    ch(
        "smp",
        "SMP/sederajat",
        "Junior secondary school or equivalent",
    ),
    ch(
        "sma",
        "SMA/SMK/sederajat",
        "Senior secondary school (incl. vocational) or equivalent",
    ),
    ch("d3", "Diploma I/II/III", "Diploma I–III"),
    ch("s1", "Diploma IV/S1", "Diploma IV / bachelor's degree"),
    ch("s2", "S2/S3", "Master's or doctoral degree"),
];

/// Marital status as written on the KTP; it decides which consent letter Pasal 13 asks for.
pub const MARITAL: &[Choice] = &[
    ch("belum_kawin", "Belum kawin", "Never married"),
    ch("kawin", "Kawin", "Married"),
    ch("cerai_hidup", "Cerai hidup", "Divorced"),
    ch("cerai_mati", "Cerai mati", "Widowed"),
];

/// Relationship to the head of the family, in the terms of the Kartu Keluarga.
pub const RELATIONSHIPS: &[Choice] = &[
    ch("kepala_keluarga", "Kepala keluarga", "Head of family"),
    ch("suami", "Suami", "Husband"),
    ch("istri", "Istri", "Wife"),
    ch("anak", "Anak", "Child"),
    ch("menantu", "Menantu", "Son- or daughter-in-law"),
    ch("cucu", "Cucu", "Grandchild"),
    ch("orang_tua", "Orang tua", "Parent"),
    ch("mertua", "Mertua", "Parent-in-law"),
    ch("famili_lain", "Famili lain", "Other relative"),
    ch("lainnya", "Lainnya", "Other"),
];

/// What a pre-departure counselling session covered; recorded so the village can show that a
/// prospective worker heard about rights, costs, risks, the legal route and scam signs.
pub const COUNSELLING_TOPICS: &[Choice] = &[
    ch("hak", "Hak pekerja migran", "Rights of migrant workers"),
    ch("biaya", "Biaya penempatan", "Placement costs"),
    ch(
        "risiko",
        "Risiko bekerja di luar negeri",
        "Risks of working abroad",
    ),
    ch("jalur_resmi", "Jalur resmi (prosedural)", "The legal route"),
    ch(
        "tanda_bahaya",
        "Tanda bahaya penipuan",
        "Red flags and scams",
    ),
];

/// Codes are stored values, so the match is exact.
pub fn choice(list: &'static [Choice], code: &str) -> Option<&'static Choice> {
    list.iter().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn assert_unique<'a>(name: &str, codes: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        for code in codes {
            assert!(seen.insert(code), "{name}: code {code} appears twice");
        }
    }

    fn assert_well_formed_code(code: &str) {
        assert!(
            !code.is_empty()
                && code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{code} is not a snake_case code"
        );
    }

    #[test]
    fn codes_are_unique_in_every_list() {
        assert_unique("OCCUPATIONS", OCCUPATIONS.iter().map(|o| o.code));
        assert_unique("COUNTRIES", COUNTRIES.iter().map(|c| c.iso2));
        for (name, list) in [
            ("ROUTES", ROUTES),
            ("EDUCATION", EDUCATION),
            ("MARITAL", MARITAL),
            ("RELATIONSHIPS", RELATIONSHIPS),
            ("COUNSELLING_TOPICS", COUNSELLING_TOPICS),
        ] {
            assert_unique(name, list.iter().map(|c| c.code));
            for c in list {
                assert_well_formed_code(c.code);
                assert!(!c.id.is_empty() && !c.en.is_empty(), "{name}: {}", c.code);
            }
        }
        for o in OCCUPATIONS {
            assert_well_formed_code(o.code);
            assert!(!o.id.is_empty() && !o.en.is_empty(), "{}", o.code);
        }
    }

    #[test]
    fn exactly_the_ten_occupations_of_perban_9_2020_are_zero_cost() {
        let zero: Vec<&str> = OCCUPATIONS
            .iter()
            .filter(|o| o.zero_cost)
            .map(|o| o.code)
            .collect();
        assert_eq!(
            zero,
            [
                "pengurus_rumah_tangga",
                "pengasuh_bayi",
                "pengasuh_lansia",
                "juru_masak",
                "sopir_keluarga",
                "perawat_taman",
                "pengasuh_anak",
                "petugas_kebersihan",
                "petugas_ladang",
                "awak_kapal_perikanan",
            ]
        );
        assert!(!occupation("lainnya").unwrap().zero_cost);
        assert!(!occupation("operator_pabrik").unwrap().zero_cost);
    }

    #[test]
    fn occupations_are_found_by_exact_code() {
        assert_eq!(occupation("juru_masak").unwrap().id, "Juru masak");
        assert_eq!(
            occupation("awak_kapal_perikanan").unwrap().id,
            "Awak kapal perikanan migran"
        );
        assert!(occupation("Juru_Masak").is_none());
        assert!(occupation("pilot").is_none());
        assert!(occupation("").is_none());
    }

    #[test]
    fn countries_are_iso_codes_found_case_insensitively() {
        assert_eq!(COUNTRIES.len(), 24);
        for c in COUNTRIES {
            assert!(
                c.iso2.len() == 2 && c.iso2.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                c.iso2
            );
        }
        assert_eq!(country("TW").unwrap().id, "Taiwan");
        assert_eq!(country("hk").unwrap().iso2, "HK");
        assert_eq!(country(" sa ").unwrap().id, "Arab Saudi");
        assert_eq!(country("Kr").unwrap().en, "South Korea");
        assert!(country("ID").is_none(), "Indonesia is not a destination");
        assert!(country("TWN").is_none());
        assert!(country("").is_none());
    }

    #[test]
    fn choices_are_found_in_their_own_list_only() {
        assert_eq!(choice(ROUTES, "p3mi").unwrap().id, "Melalui P3MI");
        assert_eq!(
            choice(ROUTES, "mandiri").unwrap().id,
            "Perseorangan/mandiri"
        );
        assert_eq!(
            choice(EDUCATION, "tidak_sekolah").unwrap().id,
            "Tidak/belum sekolah"
        );
        assert_eq!(choice(MARITAL, "cerai_mati").unwrap().en, "Widowed");
        assert_eq!(choice(RELATIONSHIPS, "mertua").unwrap().id, "Mertua");
        assert_eq!(
            choice(COUNSELLING_TOPICS, "tanda_bahaya").unwrap().en,
            "Red flags and scams"
        );
        assert!(choice(MARITAL, "anak").is_none());
        assert!(choice(ROUTES, "P3MI").is_none());
        assert_eq!(
            ROUTES.iter().map(|c| c.code).collect::<Vec<_>>(),
            ["p3mi", "g2g", "mandiri"]
        );
        assert_eq!(
            EDUCATION.iter().map(|c| c.code).collect::<Vec<_>>(),
            ["tidak_sekolah", "sd", "smp", "sma", "d3", "s1", "s2"]
        );
        assert_eq!(
            COUNSELLING_TOPICS
                .iter()
                .map(|c| c.code)
                .collect::<Vec<_>>(),
            ["hak", "biaya", "risiko", "jalur_resmi", "tanda_bahaya"]
        );
    }
}
