use super::*;
use proptest::prelude::*;
use std::sync::LazyLock;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Invented names of licensed companies (any likeness to a real company is chance).
const LICENSED: &[&str] = &[
    "PT Bina Karya Mandiri Sejahtera",
    "PT Bintang Jaya Abadi",
    "PT Cakrawala Bahari Mandiri",
    "PT Lembayung Sejahtera",
    "PT Rajawali Samudra Insani",
    "PT Kenari Mas Utama",
    "PT Anggrek Wungu Lestari",
    "PT Wiratama Duta Persada",
    "PT Binakarya Tenaga Mandiri",
    "PT Sekar Arum Global",
    "PT Tirta Kencana Abadi",
    "PT Gunung Sewu Perkasa",
    "PT Mutiara Timur Internasional",
    "PT Sumber Rejeki Makmur",
    "PT Delima Karsa Utama",
    "PT Cempaka Putih Sarana",
    "PT Bunga Tanjung Mitra",
    "PT Pelangi Nusa Citra",
    "PT Sinar Harapan Putra",
    "PT Kartika Bumi Bersama",
    "PT Arunika Jasa Prima",
    "PT Baswara Insan Mulia",
    "PT Candramawa Utama",
    "PT Dirgantara Karya Sukses",
    "PT Elang Perkasa Global",
    "PT Galuh Pakuan Sentosa",
    "PT Hasta Mitra Sejahtera",
    "PT Jelita Kirana Nusantara",
    "PT Kalingga Sakti Abadi",
    "PT Laksana Tata Mandiri",
    "PT Mahkota Permata Jaya",
    "PT Nawasena Sumber Daya",
    "PT Padma Sari Internasional",
    "PT Rinjani Citra Bersama",
    "PT Swarna Dwipa Makmur",
    "PT Tunas Wangi Bangsa",
    "PT Udayana Prima Sakti",
    "PT Widuri Karya Lestari",
    "PT Yasa Utama Indonesia",
    "PT Zamrud Khatulistiwa Mitra",
];

/// Names made only of common words, one in nine of all three-word combinations of twenty of
/// them, so common words are as frequent here as in the real registry.
fn filler() -> Vec<String> {
    let common = &COMMON_WORDS[..20];
    let mut names = Vec::new();
    for a in 0..common.len() {
        for b in a + 1..common.len() {
            for c in b + 1..common.len() {
                names.push(format!("PT {} {} {}", common[a], common[b], common[c]));
            }
        }
    }
    names.into_iter().step_by(9).collect()
}

struct Registry {
    index: AgencyIndex,
    ids: HashMap<&'static str, Id>,
    names: HashMap<Id, String>,
}

impl Registry {
    fn id(&self, name: &str) -> Id {
        self.ids[name]
    }
    fn name(&self, id: Id) -> &str {
        &self.names[&id]
    }
}

fn licence_number(n: usize) -> String {
    format!("KEP.{}/PPTKIS/{}", 100 + n, 2015 + n % 10)
}

fn entries() -> Vec<IndexEntry> {
    LICENSED
        .iter()
        .map(|name| name.to_string())
        .chain(filler())
        .enumerate()
        .map(|(n, name)| IndexEntry {
            id: Id::new(),
            name,
            licence_number: licence_number(n),
        })
        .collect()
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let entries = entries();
    let keys: HashSet<String> = entries.iter().map(|e| name_key(&e.name)).collect();
    assert_eq!(keys.len(), entries.len(), "fixture names must differ");
    let ids = LICENSED
        .iter()
        .zip(&entries)
        .map(|(n, e)| (*n, e.id))
        .collect();
    let names = entries.iter().map(|e| (e.id, e.name.clone())).collect();
    Registry {
        index: AgencyIndex::new(entries),
        ids,
        names,
    }
});

enum Expect {
    /// The name itself, however written.
    Exact(&'static str),
    /// Not registered, and this registered name is the closest look-alike.
    LooksLike(&'static str),
    /// Not registered and like no registered name: shares only common words.
    NoWarning,
}
use Expect::*;

const QUERIES: &[(&str, Expect)] = &[
    // The same name, written differently.
    ("PT Tirta Kencana Abadi", Exact("PT Tirta Kencana Abadi")),
    ("CV Tirta Kencana Abadi", Exact("PT Tirta Kencana Abadi")),
    ("Tirta Kencana Abadi", Exact("PT Tirta Kencana Abadi")),
    ("tirta kencana  abadi, pt", Exact("PT Tirta Kencana Abadi")),
    (
        "P.T. Tirta-Kencana Abadi (Persero) Tbk",
        Exact("PT Tirta Kencana Abadi"),
    ),
    (
        "Perseroan Terbatas Tírta Kéncana Abadi",
        Exact("PT Tirta Kencana Abadi"),
    ),
    // A word dropped.
    (
        "PT Bina Karya Mandiri",
        LooksLike("PT Bina Karya Mandiri Sejahtera"),
    ),
    (
        "PT Cakrawala Mandiri",
        LooksLike("PT Cakrawala Bahari Mandiri"),
    ),
    ("Lembayung", LooksLike("PT Lembayung Sejahtera")),
    // A word added.
    (
        "PT Lembayung Sejahtera Abadi",
        LooksLike("PT Lembayung Sejahtera"),
    ),
    (
        "PT Cakrawala Bahari Samudra Mandiri",
        LooksLike("PT Cakrawala Bahari Mandiri"),
    ),
    (
        "PT Candramawa Utama Indonesia",
        LooksLike("PT Candramawa Utama"),
    ),
    // One letter changed, added or dropped.
    (
        "PT Bina Karja Mandiri Sejahtera",
        LooksLike("PT Bina Karya Mandiri Sejahtera"),
    ),
    (
        "PT Rajawaly Samudra Insani",
        LooksLike("PT Rajawali Samudra Insani"),
    ),
    (
        "PT Dirgantra Karya Sukses",
        LooksLike("PT Dirgantara Karya Sukses"),
    ),
    (
        "PT Gunung Sewu Perkasah",
        LooksLike("PT Gunung Sewu Perkasa"),
    ),
    (
        "PT Zamrud Katulistiwo Mitra",
        LooksLike("PT Zamrud Khatulistiwa Mitra"),
    ),
    // Two letters swapped.
    (
        "PT Wiratama Duta Presada",
        LooksLike("PT Wiratama Duta Persada"),
    ),
    (
        "PT Lembayugn Sejahtera",
        LooksLike("PT Lembayung Sejahtera"),
    ),
    // Words joined or split.
    (
        "PT Binakarya Mandiri Sejahtera",
        LooksLike("PT Bina Karya Mandiri Sejahtera"),
    ),
    (
        "PT Bina Karya Tenaga Mandiri",
        LooksLike("PT Binakarya Tenaga Mandiri"),
    ),
    (
        "PT Nawa Sena Sumber Daya",
        LooksLike("PT Nawasena Sumber Daya"),
    ),
    ("PT Sekar'arum Global", LooksLike("PT Sekar Arum Global")),
    // Words reordered.
    (
        "PT Bahari Cakrawala Mandiri",
        LooksLike("PT Cakrawala Bahari Mandiri"),
    ),
    (
        "PT Samudra Rajawali Insani",
        LooksLike("PT Rajawali Samudra Insani"),
    ),
    // Another legal form or punctuation, and a change.
    (
        "CV Tirta Kencana Abady",
        LooksLike("PT Tirta Kencana Abadi"),
    ),
    ("Kenari Mass Utama", LooksLike("PT Kenari Mas Utama")),
    (
        "P.T. Jelita-Kirana Nusantra",
        LooksLike("PT Jelita Kirana Nusantara"),
    ),
    // Only common words in common.
    ("PT Sinar Jaya Abadi", NoWarning),
    ("PT Melati Karya Mandiri", NoWarning),
    ("PT Samudra Jaya Abadi", NoWarning),
    ("PT Kencana Sejahtera", NoWarning),
    ("PT Cahaya Mitra Sejahtera", NoWarning),
    ("PT Arjuna Sukses Mandiri", NoWarning),
    ("PT Merpati Global Internasional", NoWarning),
    ("PT Harmoni Citra Lestari", NoWarning),
    ("PT Angkasa Putra Perkasa", NoWarning),
    ("PT Sakura Indonesia Jaya", NoWarning),
    ("PT Pertiwi Mitra Utama", NoWarning),
    ("CV Nusa Indah Utama", NoWarning),
    ("PT Garuda Bina Sarana", NoWarning),
    ("PT Sentosa Makmur Bersama Gemilang", NoWarning),
];

#[test]
fn each_query_of_the_table_finds_what_it_should() {
    let r = &*REGISTRY;
    let (mut exact, mut alike, mut unrelated) = (0, 0, 0);
    for (query, expect) in QUERIES {
        let found = r.index.search(query, 10);
        let alikes: Vec<String> = found
            .look_alikes
            .iter()
            .map(|&(id, score)| format!("{score:.3} {}", r.name(id)))
            .collect();
        match *expect {
            Exact(name) => {
                exact += 1;
                assert_eq!(found.exact, [r.id(name)], "{query:?}");
                assert!(found.look_alikes.is_empty(), "{query:?}: {alikes:?}");
            }
            LooksLike(name) => {
                alike += 1;
                assert!(found.exact.is_empty(), "{query:?}");
                assert_eq!(
                    found.look_alikes.first().map(|&(id, _)| id),
                    Some(r.id(name)),
                    "{query:?} should look like {name:?}: {alikes:?}"
                );
            }
            NoWarning => {
                unrelated += 1;
                assert!(found.exact.is_empty(), "{query:?}");
                assert!(found.look_alikes.is_empty(), "{query:?}: {alikes:?}");
            }
        }
    }
    assert!(exact >= 6 && alike >= 12 && unrelated >= 10);
}

#[test]
fn look_alikes_are_scored_and_capped() {
    let r = &*REGISTRY;
    let found = r.index.search("PT Bina Karya Mandiri", 10);
    let scores: Vec<f32> = found.look_alikes.iter().map(|&(_, s)| s).collect();
    assert!(scores.len() <= MAX_LOOK_ALIKES);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(
        scores
            .iter()
            .all(|s| (LOOK_ALIKE_THRESHOLD..=1.0).contains(s))
    );
    // A look-alike may also be a plain match: the page shows it once, with the warning.
    let target = r.id("PT Bina Karya Mandiri Sejahtera");
    assert!(found.matches.contains(&target));
    // Only a full-looking name is compared as a whole.
    for query in ["Cakra", "PT Kenari", "KEP 999 2020", "12345678", ""] {
        assert!(
            r.index.search(query, 10).look_alikes.is_empty(),
            "{query:?}"
        );
    }
    let found = r.index.search("Cakra", 10);
    assert_eq!(found.matches, [r.id("PT Cakrawala Bahari Mandiri")]);
}

#[test]
fn plain_search_lists_names_with_every_word_as_a_word_start() {
    let r = &*REGISTRY;
    for query in [
        "bina karya",
        "kar bin",
        "PT Mandiri",
        "sej ma",
        "a",
        "Mas",
        "zzz",
    ] {
        let words = name_words(query);
        let expected: HashSet<Id> = entries_by_name()
            .filter(|(name, _)| {
                let own = name_words(name);
                words.iter().all(|w| own.iter().any(|o| o.starts_with(w)))
            })
            .map(|(_, id)| id)
            .collect();
        let found = r.index.search(query, usize::MAX);
        let listed: HashSet<Id> = found.matches.iter().copied().collect();
        assert_eq!(listed.len(), found.matches.len(), "{query:?}: repeats");
        let exact: HashSet<Id> = found.exact.iter().copied().collect();
        assert!(listed.is_disjoint(&exact), "{query:?}");
        assert_eq!(
            listed.union(&exact).copied().collect::<HashSet<_>>(),
            expected,
            "{query:?}"
        );
    }
    let names: Vec<&str> = r
        .index
        .search("bina karya", 10)
        .matches
        .iter()
        .map(|&id| r.name(id))
        .collect();
    assert_eq!(
        names,
        ["PT Karya Bina Citra", "PT Bina Karya Mandiri Sejahtera"]
    );
    let names: Vec<&str> = r
        .index
        .search("cem put", 10)
        .matches
        .iter()
        .map(|&id| r.name(id))
        .collect();
    assert_eq!(names, ["PT Cempaka Putih Sarana"]);
    assert!(r.index.search("bina", 0).matches.is_empty());
    assert_eq!(r.index.search("a", 3).matches.len(), 3);
}

#[test]
fn plain_search_puts_whole_words_then_shorter_names_first() {
    let names = [
        "PT Karyawan Jaya",
        "PT Karya Jaya Abadi",
        "PT Karya Mulia",
        "PT Karya Abadi",
    ];
    let entries: Vec<IndexEntry> = names
        .iter()
        .map(|name| IndexEntry {
            id: Id::new(),
            name: name.to_string(),
            licence_number: String::new(),
        })
        .collect();
    let index = AgencyIndex::new(entries.clone());
    let order = |query: &str, limit: usize| -> Vec<&str> {
        let found = index.search(query, limit).matches;
        found
            .iter()
            .map(|id| names[entries.iter().position(|e| e.id == *id).unwrap()])
            .collect()
    };
    assert_eq!(
        order("karya", 10),
        [
            "PT Karya Abadi",
            "PT Karya Mulia",
            "PT Karya Jaya Abadi",
            "PT Karyawan Jaya"
        ]
    );
    assert_eq!(order("karya", 2), ["PT Karya Abadi", "PT Karya Mulia"]);
    assert_eq!(
        order("kar ja", 10),
        ["PT Karyawan Jaya", "PT Karya Jaya Abadi"]
    );
    // An entry without a licence number is not found by an empty one.
    assert!(index.search("-/-", 10).exact.is_empty());
}

fn entries_by_name() -> impl Iterator<Item = (String, Id)> {
    REGISTRY.names.iter().map(|(id, name)| (name.clone(), *id))
}

#[test]
fn licence_numbers_are_found_however_punctuated() {
    let r = &*REGISTRY;
    let id = r.id(LICENSED[7]);
    assert_eq!(licence_number(7), "KEP.107/PPTKIS/2022");
    for query in [
        "KEP.107/PPTKIS/2022",
        "kep 107 pptkis 2022",
        "KEP-107-PPTKIS-2022",
        " Kep.107 / PPTKIS / 2022 ",
    ] {
        let found = r.index.search(query, 10);
        assert_eq!(found.exact, [id], "{query:?}");
        assert!(found.look_alikes.is_empty(), "{query:?}");
    }
    assert!(r.index.search("KEP.107/PPTKIS/2023", 10).exact.is_empty());
    for (input, key) in [
        ("KEP 123/2024", "KEP1232024"),
        ("kep-123-2024", "KEP1232024"),
        ("B.5/3.2/KP.01.02/VII/2025", "B532KP0102VII2025"),
        ("", ""),
    ] {
        assert_eq!(licence_key(input), key, "{input:?}");
    }
}

#[test]
fn name_keys() {
    for (input, key) in [
        ("PT. Bina Karya Mandiri", "bina karya mandiri"),
        ("bina karya  mandiri, pt", "bina karya mandiri"),
        ("P.T. Bina Karya Mandiri", "bina karya mandiri"),
        ("P. T. Bina Karya Mandiri", "bina karya mandiri"),
        ("C.V. Bina Karya", "bina karya"),
        ("CV Bina Karya", "bina karya"),
        ("Bina Karya (Persero) Tbk", "bina karya"),
        ("PT Bina Karya (Persero), Tbk.", "bina karya"),
        ("Perseroan Terbatas Bina Karya", "bina karya"),
        ("Bina Perseroan Karya", "bina perseroan karya"),
        ("PT Bina-Karya/Mandiri", "bina karya mandiri"),
        ("PT Ma'ruf Jaya", "maruf jaya"),
        ("PT Ma’ruf Jaya", "maruf jaya"),
        ("PT Sinar Ptolemy", "sinar ptolemy"),
        ("PT Désirée Ñusa", "desiree nusa"),
        ("PT A B C Sejahtera", "abc sejahtera"),
        ("PT 88 Jaya", "88 jaya"),
        ("  PT\tJaya\u{a0}Abadi  ", "jaya abadi"),
        ("PT", ""),
        ("P.T. (Persero) Tbk", ""),
        ("", ""),
        ("!!!", ""),
    ] {
        assert_eq!(name_key(input), key, "{input:?}");
    }
}

#[test]
fn edit_distances_count_a_swap_as_one_edit() {
    let chars = |s: &str| s.chars().collect::<Vec<_>>();
    for (a, b, d) in [
        ("karya", "karya", 0),
        ("karya", "karja", 1),
        ("persada", "presada", 1),
        ("lembayung", "lembayugn", 1),
        ("dirgantara", "dirgantra", 1),
        ("khatulistiwa", "katulistiwo", 2),
        ("", "abc", 3),
        ("abc", "", 3),
        ("ca", "abc", 3),
    ] {
        assert_eq!(edit_distance(&chars(a), &chars(b), 10), d, "{a} {b}");
        assert_eq!(edit_distance(&chars(b), &chars(a), 10), d, "{b} {a}");
        // A bound below the distance only says "more than the bound".
        assert_eq!(
            edit_distance(&chars(a), &chars(b), d.saturating_sub(1)),
            if d == 0 { 0 } else { d }
        );
    }
    assert_eq!(edit_distance(&chars("abcdefgh"), &chars("zyxwvuts"), 2), 3);
}

#[test]
fn standing_on_the_boundary_days() {
    let today = date(2026, 11, 27);
    for (status, valid_until, expected) in [
        (AgencyStatus::Active, today, Standing::Licensed),
        (AgencyStatus::Active, date(2026, 11, 26), Standing::Expired),
        (AgencyStatus::Active, date(2030, 1, 1), Standing::Licensed),
        (
            AgencyStatus::Suspended,
            date(2030, 1, 1),
            Standing::Suspended,
        ),
        (
            AgencyStatus::Suspended,
            date(2020, 1, 1),
            Standing::Suspended,
        ),
        (AgencyStatus::Revoked, date(2030, 1, 1), Standing::Revoked),
        (AgencyStatus::Revoked, date(2020, 1, 1), Standing::Revoked),
    ] {
        let got = standing(status, valid_until, today);
        assert_eq!(got, expected, "{status} until {valid_until}");
        assert_eq!(got.may_recruit(), expected == Standing::Licensed);
    }
    assert_eq!(
        [
            Standing::Licensed,
            Standing::Expired,
            Standing::Suspended,
            Standing::Revoked
        ]
        .map(Standing::as_str),
        ["licensed", "expired", "suspended", "revoked"]
    );
    assert_eq!(Standing::Expired.label_id(), "Izin sudah habis");
}

#[test]
fn statuses_in_stored_form_and_in_indonesian() {
    for &status in AgencyStatus::ALL {
        assert_eq!(status.as_str().parse::<AgencyStatus>().unwrap(), status);
        let json = serde_json::to_string(&status).unwrap();
        assert_eq!(json, format!("\"{}\"", status.as_str()));
        assert_eq!(serde_json::from_str::<AgencyStatus>(&json).unwrap(), status);
    }
    for (input, status) in [
        ("aktif", AgencyStatus::Active),
        (" AKTIF ", AgencyStatus::Active),
        ("Active", AgencyStatus::Active),
        ("Dibekukan", AgencyStatus::Suspended),
        ("beku", AgencyStatus::Suspended),
        ("skors", AgencyStatus::Suspended),
        ("Dicabut", AgencyStatus::Revoked),
        ("cabut", AgencyStatus::Revoked),
        ("revoked", AgencyStatus::Revoked),
    ] {
        assert_eq!(input.parse::<AgencyStatus>().unwrap(), status, "{input:?}");
    }
    let err = " tutup ".parse::<AgencyStatus>().unwrap_err();
    assert_eq!(err.field, "status");
    assert_eq!(
        err.message,
        "status «tutup» tidak dikenal; pilih salah satu: aktif, dibekukan, dicabut"
    );
    assert_eq!(
        AgencyStatus::ALL
            .iter()
            .map(|s| s.label_id())
            .collect::<Vec<_>>(),
        ["Aktif", "Dibekukan", "Dicabut"]
    );
    assert_eq!(AgencyStatus::Suspended.label_en(), "Suspended");
}

fn raw() -> RawAgency {
    RawAgency {
        name: "  PT  Cakrawala Bahari Mandiri ".into(),
        licence_number: "KEP.101/PPTKIS/2016".into(),
        address: "Jl. Melati No. 5,\nJakarta Timur".into(),
        valid_from: "01-02-2021".into(),
        valid_until: "2026-02-01".into(),
        status: "".into(),
        branches: "Surabaya: Jl. Kenanga 3; Medan - Jl. Sisingamangaraja 10-12".into(),
    }
}

#[test]
fn a_complete_row_passes() {
    let checked = raw().check().unwrap();
    assert_eq!(
        checked,
        AgencyInput {
            name: "PT Cakrawala Bahari Mandiri".into(),
            licence_number: "KEP.101/PPTKIS/2016".into(),
            address: "Jl. Melati No. 5, Jakarta Timur".into(),
            valid_from: Some(date(2021, 2, 1)),
            valid_until: date(2026, 2, 1),
            status: AgencyStatus::Active,
            branches: vec![
                Branch {
                    city: "Surabaya".into(),
                    address: "Jl. Kenanga 3".into()
                },
                Branch {
                    city: "Medan".into(),
                    address: "Jl. Sisingamangaraja 10-12".into()
                },
            ],
        }
    );
    let minimal = RawAgency {
        valid_from: " ".into(),
        address: "".into(),
        branches: " ".into(),
        status: "Dicabut".into(),
        ..raw()
    }
    .check()
    .unwrap();
    assert_eq!(minimal.valid_from, None);
    assert_eq!(minimal.status, AgencyStatus::Revoked);
    assert!(minimal.branches.is_empty());
}

#[test]
fn every_problem_of_a_row_is_reported() {
    let fields = |raw: RawAgency| -> Vec<&'static str> {
        raw.check().unwrap_err().iter().map(|e| e.field).collect()
    };
    assert_eq!(
        fields(RawAgency {
            name: "PT".into(),
            licence_number: "1/".into(),
            address: "x".repeat(501),
            valid_from: "2027-01-01".into(),
            valid_until: "2026-01-01".into(),
            status: "tutup".into(),
            branches: ": Jl. Mawar; Bandung".into(),
        }),
        [
            "nama",
            "nomor_izin",
            "alamat",
            "berlaku_sampai",
            "status",
            "cabang"
        ]
    );
    assert_eq!(
        fields(RawAgency::default()),
        ["nama", "nomor_izin", "berlaku_sampai"]
    );
    assert_eq!(
        fields(RawAgency {
            valid_from: "kemarin".into(),
            valid_until: "31/02/2026".into(),
            ..raw()
        }),
        ["berlaku_mulai", "berlaku_sampai"]
    );
    for (name, message) in [
        ("", "nama perusahaan wajib diisi"),
        ("PT", "nama perusahaan 3–200 karakter"),
        (&"a".repeat(201), "nama perusahaan 3–200 karakter"),
        ("12345", "nama perusahaan harus mengandung huruf"),
        (
            "P.T. (Persero)",
            "nama perusahaan tidak boleh hanya bentuk badan usaha (PT, CV, Tbk); \
             tulis nama lengkapnya",
        ),
    ] {
        let errors = RawAgency {
            name: name.into(),
            ..raw()
        }
        .check()
        .unwrap_err();
        assert_eq!(errors, [Invalid::new("nama", message)], "{name:?}");
    }
    for licence in ["", "A-1", &"1".repeat(81)] {
        let errors = RawAgency {
            licence_number: licence.into(),
            ..raw()
        }
        .check()
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{licence:?}");
        assert_eq!(errors[0].field, "nomor_izin");
    }
}

#[test]
fn csv_rows_with_indonesian_columns() {
    let row: RawAgency = serde_json::from_str(
        r#"{"nama": "PT Kenari Mas Utama", "nomor_izin": "KEP 5/2020",
            "berlaku_sampai": "31-12-2027", "status": "aktif", "cabang": "Batam"}"#,
    )
    .unwrap();
    let checked = row.check().unwrap();
    assert_eq!(checked.name, "PT Kenari Mas Utama");
    assert_eq!(checked.valid_until, date(2027, 12, 31));
    assert_eq!(
        checked.branches,
        [Branch {
            city: "Batam".into(),
            address: "".into()
        }]
    );
}

#[test]
fn branches_are_parsed_from_one_cell() {
    let branch = |city: &str, address: &str| Branch {
        city: city.into(),
        address: address.into(),
    };
    for (text, branches) in [
        ("", vec![]),
        (" ; ; ", vec![]),
        ("Batam", vec![branch("Batam", "")]),
        (
            "Surabaya: Jl. Kenanga 3",
            vec![branch("Surabaya", "Jl. Kenanga 3")],
        ),
        (
            "Medan - Jl. Gatot Subroto 5-7; ",
            vec![branch("Medan", "Jl. Gatot Subroto 5-7")],
        ),
        (
            "Makassar:Jl. Ratulangi: Ruko 2 ;Kupang – Jl.  El Tari",
            vec![
                branch("Makassar", "Jl. Ratulangi: Ruko 2"),
                branch("Kupang", "Jl. El Tari"),
            ],
        ),
    ] {
        let parsed = parse_branches(text).unwrap();
        assert_eq!(parsed, branches, "{text:?}");
        assert_eq!(parse_branches(&branches_text(&parsed)).unwrap(), parsed);
    }
    let errors = parse_branches("Batam; : Jl. Mawar; - ; Medan: Jl. Asia").unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(errors.iter().all(|e| e.field == "cabang"));
    assert_eq!(
        errors[0].message,
        "cabang ke-2 «: Jl. Mawar»: nama kota wajib diisi; tulis «Kota: alamat»"
    );
    assert!(errors[1].message.starts_with("cabang ke-3 "));
    let long_city = format!("{} Jl. Mawar", "Kota".repeat(20));
    assert!(
        parse_branches(&long_city).unwrap_err()[0]
            .message
            .contains("nama kota paling banyak 60 karakter")
    );
    let fifty = vec!["Batam"; 50].join(";");
    assert_eq!(parse_branches(&fifty).unwrap().len(), 50);
    let errors = parse_branches(&format!("{fifty}; Medan")).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .message
            .starts_with("paling banyak 50 cabang, tertulis 51")
    );
}

#[test]
fn synthetic_names_are_distinct_plausible_and_repeatable() {
    let names = synthetic_names(2_000, 7);
    assert_eq!(names, synthetic_names(2_000, 7));
    assert_ne!(names, synthetic_names(2_000, 8));
    let keys: HashSet<String> = names.iter().map(|n| name_key(n)).collect();
    assert_eq!(keys.len(), names.len());
    for name in &names {
        let words: Vec<&str> = name.split(' ').collect();
        assert_eq!(words[0], "PT", "{name}");
        assert!((3..=5).contains(&words.len()), "{name}");
        assert!(
            words[1..]
                .iter()
                .all(|w| w.chars().next().unwrap().is_uppercase()),
            "{name}"
        );
        assert!(
            RawAgency {
                name: name.clone(),
                ..raw()
            }
            .check()
            .is_ok()
        );
    }
    assert!(synthetic_names(0, 1).is_empty());
}

#[test]
fn an_empty_index_finds_nothing() {
    let index = AgencyIndex::new(Vec::new());
    assert!(index.is_empty());
    assert_eq!(index.len(), 0);
    assert_eq!(index.search("PT Bina Karya Mandiri", 10), Search::default());
    assert_eq!(REGISTRY.index.len(), LICENSED.len() + filler().len());
    assert!(!REGISTRY.index.is_empty());
}

#[test]
fn the_same_name_twice_is_found_twice() {
    let (a, b) = (Id::new(), Id::new());
    let index = AgencyIndex::new(vec![
        IndexEntry {
            id: a,
            name: "PT Kenari Mas Utama".into(),
            licence_number: "KEP 1/2020".into(),
        },
        IndexEntry {
            id: b,
            name: "CV Kenari Mas Utama".into(),
            licence_number: "KEP 2/2020".into(),
        },
    ]);
    assert_eq!(index.search("kenari mas utama", 10).exact, [a, b]);
    // A name and a licence number pointing at the same company give it once.
    assert_eq!(index.search("KEP 1/2020", 10).exact, [a]);
}

proptest! {
    #[test]
    fn search_never_panics_and_keeps_its_promises(query in any::<String>(), limit in 0usize..30) {
        let found = REGISTRY.index.search(&query, limit);
        prop_assert!(found.matches.len() <= limit);
        prop_assert!(found.look_alikes.len() <= MAX_LOOK_ALIKES);
        prop_assert!(found.exact.is_empty() || found.look_alikes.is_empty());
        for &(id, score) in &found.look_alikes {
            prop_assert!((0.0..=1.0).contains(&score));
            prop_assert!(!found.exact.contains(&id));
        }
        for id in &found.matches {
            prop_assert!(!found.exact.contains(id));
        }
    }

    #[test]
    fn search_survives_names_mangled_from_the_registry(
        pick in 0..LICENSED.len(),
        cut in 0usize..40,
        noise in "[ a-z.,'-]{0,6}",
    ) {
        let name = LICENSED[pick];
        let cut = name.char_indices().nth(cut).map_or(name.len(), |(i, _)| i);
        let query = format!("{}{noise}{}", &name[..cut], &name[cut..]);
        let found = REGISTRY.index.search(&query, 10);
        prop_assert!(found.look_alikes.len() <= MAX_LOOK_ALIKES);
        prop_assert!(found.look_alikes.windows(2).all(|w| w[0].1 >= w[1].1));
        // Noise that is only spaces or punctuation keeps the name itself.
        if name_key(&query) == name_key(name) {
            prop_assert_eq!(&found.exact, &[REGISTRY.id(name)]);
        }
    }

    #[test]
    fn an_entry_is_found_exactly_by_its_own_name_and_licence(
        name in any::<String>(),
        licence in "[A-Za-z0-9./ -]{3,30}",
    ) {
        prop_assume!(!name_key(&name).is_empty());
        let id = Id::new();
        let mut all = entries();
        all.push(IndexEntry { id, name: name.clone(), licence_number: licence.clone() });
        let index = AgencyIndex::new(all);
        prop_assert!(index.search(&name, 10).exact.contains(&id));
        if !licence_key(&licence).is_empty() {
            prop_assert!(index.search(&licence, 10).exact.contains(&id));
        }
    }
}
