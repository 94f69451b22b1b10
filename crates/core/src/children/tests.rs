use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-08-17")
}

fn bare(year: &str) -> RawChild {
    RawChild {
        nama: "Dewi Lestari".into(),
        tahun_lahir: year.into(),
        ..RawChild::default()
    }
}

fn consented() -> RawChild {
    RawChild {
        persetujuan: "wali".into(),
        nama_pemberi: "Sumarni".into(),
        hubungan: "nenek".into(),
        tanggal_persetujuan: "2026-08-01".into(),
        cara: "lisan".into(),
        jenjang: "sd".into(),
        nama_sekolah: "SDN 1 Sukamaju".into(),
        status_sekolah: "sekolah".into(),
        kebutuhan: "Les membaca".into(),
        pengasuh: "Nenek Sumarni".into(),
        ..bare("2017")
    }
}

fn fields(r: Result<ChildInput, Vec<Invalid>>) -> Vec<&'static str> {
    r.err()
        .map(|e| e.iter().map(|e| e.field).collect())
        .unwrap_or_default()
}

#[test]
fn name_and_birth_year_alone_need_no_consent() {
    let child = bare("2019").check(today()).unwrap();
    assert_eq!(child.name, "Dewi Lestari");
    assert_eq!(child.birth_year, 2019);
    assert_eq!(child.consent, None);
    assert_eq!(child.status, None);
}

#[test]
fn every_other_field_needs_consent_first() {
    type Set = fn(&mut RawChild);
    let cases: [(Set, &str); 11] = [
        (|c| c.hubungan = "nenek".into(), "Orang tua atau Wali"),
        (|c| c.cara = "lisan".into(), "Orang tua atau Wali"),
        (
            |c| c.nik_orang_tua = "3212164507980001".into(),
            "NIK orang tua",
        ),
        (
            |c| c.nik_pengasuh = "3212164507980001".into(),
            "NIK pengasuh",
        ),
        (|c| c.jenjang = "sd".into(), "jenjang sekolah"),
        (|c| c.nama_sekolah = "SDN 1".into(), "nama sekolah"),
        (|c| c.status_sekolah = "sekolah".into(), "status sekolah"),
        (|c| c.kebutuhan = "seragam".into(), "kebutuhan"),
        (|c| c.pengasuh = "Nenek".into(), "pengasuh"),
        (|c| c.nama_pemberi = "Sumarni".into(), "Orang tua atau Wali"),
        (
            |c| c.tanggal_persetujuan = "2026-08-01".into(),
            "Orang tua atau Wali",
        ),
    ];
    for (set, named) in cases {
        let mut raw = bare("2017");
        set(&mut raw);
        let errors = raw.check(today()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, "persetujuan");
        assert!(errors[0].message.contains(named), "{}", errors[0].message);
    }
}

#[test]
fn fields_without_consent_are_listed_in_one_error() {
    let raw = RawChild {
        jenjang: "sd".into(),
        pengasuh: "Nenek".into(),
        ..bare("2017")
    };
    let errors = raw.check(today()).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.ends_with("jenjang sekolah, pengasuh"));
}

#[test]
fn consent_rules() {
    type Set = fn(&mut RawChild);
    let cases: [(&str, Set, &[&str]); 13] = [
        ("complete", |_| {}, &[]),
        ("no relation", |c| c.hubungan.clear(), &["hubungan"]),
        ("unknown way", |c| c.cara = "sms".into(), &["cara"]),
        (
            "bad parent NIK",
            |c| c.nik_orang_tua = "123".into(),
            &["nik_orang_tua"],
        ),
        (
            "linked NIKs",
            |c| {
                c.nik_orang_tua = "3212164507980001".into();
                c.nik_pengasuh = "3212 1661 0201 0003".into();
            },
            &[],
        ),
        ("parent", |c| c.persetujuan = "orang_tua".into(), &[]),
        (
            "unknown giver kind",
            |c| c.persetujuan = "tetangga".into(),
            &["persetujuan"],
        ),
        (
            "no giver name",
            |c| c.nama_pemberi = " ".into(),
            &["nama_pemberi"],
        ),
        (
            "giver name too short",
            |c| c.nama_pemberi = "S".into(),
            &["nama_pemberi"],
        ),
        (
            "future consent",
            |c| c.tanggal_persetujuan = "2026-08-18".into(),
            &["tanggal_persetujuan"],
        ),
        (
            "no consent date",
            |c| c.tanggal_persetujuan.clear(),
            &["tanggal_persetujuan"],
        ),
        (
            "no school status",
            |c| c.status_sekolah.clear(),
            &["status_sekolah"],
        ),
        (
            "in school but no level",
            |c| c.jenjang = "belum".into(),
            &["jenjang"],
        ),
    ];
    for (what, set, expected) in cases {
        let mut raw = consented();
        set(&mut raw);
        assert_eq!(fields(raw.check(today())), expected, "{what}");
    }
}

#[test]
fn a_consented_child_keeps_every_field() {
    let child = consented().check(today()).unwrap();
    assert_eq!(
        child,
        ChildInput {
            name: "Dewi Lestari".into(),
            birth_year: 2017,
            consent: Some(GuardianConsent {
                by: ConsentBy::Guardian,
                name: "Sumarni".into(),
                relation: "nenek".into(),
                on: d("2026-08-01"),
                how: ConsentHow::Oral,
            }),
            level: Some(SchoolLevel::Sd),
            school: "SDN 1 Sukamaju".into(),
            status: Some(SchoolStatus::InSchool),
            needs: "Les membaca".into(),
            caregiver: "Nenek Sumarni".into(),
            parent_nik: None,
            caregiver_nik: None,
        }
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let raw = RawChild {
        nama: "<b>Dewi</b>".into(),
        tahun_lahir: "dua ribu".into(),
        persetujuan: "orang_tua".into(),
        jenjang: "kuliah".into(),
        kebutuhan: "x".repeat(NEEDS_MAX + 1),
        ..RawChild::default()
    };
    assert_eq!(
        fields(raw.check(today())),
        [
            "nama",
            "tahun_lahir",
            "nama_pemberi",
            "hubungan",
            "cara",
            "tanggal_persetujuan",
            "jenjang",
            "status_sekolah",
            "kebutuhan",
        ]
    );
}

#[test]
fn age_bounds() {
    for (year, ok) in [
        ("2026", true),  // 0 years old
        ("2009", true),  // 17
        ("2008", false), // 18: an adult
        ("2027", false), // not born yet
        ("", false),
        ("2o15", false),
        (" 2015 ", true),
    ] {
        assert_eq!(bare(year).check(today()).is_ok(), ok, "{year:?}");
    }
}

#[test]
fn risk_flag_table() {
    use RiskFlag::*;
    use SchoolStatus::*;
    let cases: [(Option<SchoolStatus>, &[bool], &[RiskFlag]); 9] = [
        (None, &[true, false, false, false], &[AbsentThreeInARow]),
        (None, &[false, false, false, true], &[]),
        (None, &[false, false], &[]),
        (None, &[], &[]),
        (None, &[false, false, false], &[AbsentThreeInARow]),
        (Some(NotInSchool), &[], &[OutOfSchool]),
        (
            Some(NotInSchool),
            &[false, false, false],
            &[OutOfSchool, AbsentThreeInARow],
        ),
        (Some(InSchool), &[true, true], &[]),
        (Some(Graduated), &[false, true, false, false], &[]),
    ];
    for (status, attendance, expected) in cases {
        assert_eq!(
            risk_flags(status, attendance),
            expected,
            "{status:?} {attendance:?}"
        );
    }
}

fn ind(children: i64, in_school: i64, attendances: i64, expected: i64) -> Indicators {
    Indicators {
        children,
        in_school,
        at_risk: 0,
        sessions: 4,
        attendances,
        expected,
    }
}

#[test]
fn percentages_round_half_up() {
    for (part, whole, expected) in [
        (1, 3, Some(33)),
        (2, 3, Some(67)),
        (1, 2, Some(50)),
        (1, 8, Some(13)), // 12.5
        (0, 7, Some(0)),
        (7, 7, Some(100)),
        (1, 200, Some(1)), // 0.5
        (1, 201, Some(0)),
        (0, 0, None),
    ] {
        assert_eq!(
            ind(whole, part, 0, 0).in_school_percent(),
            expected,
            "{part}/{whole}"
        );
        assert_eq!(
            ind(0, 0, part, whole).attendance_percent(),
            expected,
            "{part}/{whole}"
        );
    }
}

#[test]
fn public_hides_small_counts_and_what_is_computed_from_them() {
    let p = |i: Indicators| i.public();
    // Everything large enough: all shown.
    assert_eq!(
        p(Indicators {
            at_risk: 6,
            ..ind(30, 20, 90, 120)
        }),
        PublicIndicators {
            children: Some(30),
            in_school: Some(20),
            at_risk: Some(6),
            in_school_percent: Some(67),
            attendance_percent: Some(75),
        }
    );
    for n in 1..=4 {
        // Few children: their count, the shares and the attendance rate are hidden.
        let few = p(ind(n, 0, 3, 4));
        assert_eq!(few.children, None, "{n}");
        // No child in school among a hidden few says all of them are out of school.
        assert_eq!(few.in_school, None);
        assert_eq!(few.in_school_percent, None);
        assert_eq!(few.attendance_percent, None);
        // Few in school among many: the count and its share are hidden.
        let few_in = p(ind(20, n, 10, 20));
        assert_eq!(few_in.in_school, None);
        assert_eq!(few_in.in_school_percent, None);
        assert_eq!(few_in.attendance_percent, Some(50));
        // Few out of school: the in-school count would give them away.
        let few_out = p(ind(20, 20 - n, 10, 20));
        assert_eq!(few_out.in_school, None);
        assert_eq!(few_out.in_school_percent, None);
        // Few at risk.
        assert_eq!(
            p(Indicators {
                at_risk: n,
                ..ind(20, 10, 0, 0)
            })
            .at_risk,
            None
        );
    }
    // Zero reveals no one; nothing expected gives no rate.
    assert_eq!(
        p(ind(0, 0, 0, 0)),
        PublicIndicators {
            children: Some(0),
            in_school: Some(0),
            at_risk: Some(0),
            in_school_percent: None,
            attendance_percent: None,
        }
    );
    assert_eq!(p(ind(12, 12, 0, 0)).in_school_percent, Some(100));
}

#[test]
fn tally_counts_consented_children_only() {
    use SchoolStatus::*;
    let absent: &[bool] = &[true, false, false, false];
    let present: &[bool] = &[true, true];
    let i = Indicators::tally(
        [
            (Some(InSchool), absent),
            (Some(InSchool), present),
            (Some(NotInSchool), present),
            (Some(Graduated), &[][..]),
            // Without consent: not counted, even with a stray attendance.
            (None, &[false, false, false][..]),
        ],
        4,
    );
    assert_eq!(
        i,
        Indicators {
            children: 4,
            in_school: 2,
            at_risk: 2,
            sessions: 4,
            attendances: 5,
            expected: 8,
        }
    );
    assert_eq!(i.attendance_percent(), Some(63));
}

#[test]
fn session_checks() {
    let ok = RawSession {
        jenis: "parenting".into(),
        tanggal: "2026-08-20".into(),
        kegiatan: "Mendampingi anak belajar".into(),
        fasilitator: "Bu Yati".into(),
    };
    assert_eq!(
        ok.check(today()).unwrap(),
        SessionInput {
            kind: SessionKind::Parenting,
            on: d("2026-08-20"),
            activity: "Mendampingi anak belajar".into(),
            facilitator: "Bu Yati".into(),
        }
    );
    type Set = fn(&mut RawSession);
    let cases: [(&str, Set, &[&str]); 10] = [
        ("30 days ahead", |s| s.tanggal = "2026-09-16".into(), &[]),
        (
            "31 days ahead",
            |s| s.tanggal = "2026-09-17".into(),
            &["tanggal"],
        ),
        ("a year back", |s| s.tanggal = "2025-08-17".into(), &[]),
        (
            "over a year back",
            |s| s.tanggal = "2025-08-16".into(),
            &["tanggal"],
        ),
        ("no date", |s| s.tanggal.clear(), &["tanggal"]),
        ("bad date", |s| s.tanggal = "besok".into(), &["tanggal"]),
        ("learning", |s| s.jenis = "belajar".into(), &[]),
        ("unknown kind", |s| s.jenis = "rapat".into(), &["jenis"]),
        ("short activity", |s| s.kegiatan = "a".into(), &["kegiatan"]),
        (
            "markup and no facilitator",
            |s| {
                s.kegiatan = "<script>".into();
                s.fasilitator.clear();
            },
            &["kegiatan", "fasilitator"],
        ),
    ];
    for (what, set, expected) in cases {
        let mut raw = ok.clone();
        set(&mut raw);
        let got: Vec<&str> = raw
            .check(today())
            .err()
            .map(|e| e.iter().map(|e| e.field).collect())
            .unwrap_or_default();
        assert_eq!(got, expected, "{what}");
    }
}

#[test]
fn stored_names_parse_back() {
    for v in SchoolStatus::ALL {
        assert_eq!(v.as_str().parse::<SchoolStatus>(), Ok(*v));
    }
    for v in SchoolLevel::ALL {
        assert_eq!(v.as_str().parse::<SchoolLevel>(), Ok(*v));
    }
    for v in ConsentBy::ALL {
        assert_eq!(v.as_str().parse::<ConsentBy>(), Ok(*v));
    }
    for v in ConsentHow::ALL {
        assert_eq!(v.as_str().parse::<ConsentHow>(), Ok(*v));
    }
    for v in RiskFlag::ALL {
        assert_eq!(v.as_str().parse::<RiskFlag>(), Ok(*v));
    }
    for v in SessionKind::ALL {
        assert_eq!(v.as_str().parse::<SessionKind>(), Ok(*v));
    }
    assert_eq!(SchoolLevel::Smp.label_id(), "SMP/MTs");
    assert_eq!(SessionKind::Learning.label_id(), "Sesi belajar");
}

proptest! {
    #[test]
    fn absence_flag_is_about_the_last_three(attendance in prop::collection::vec(any::<bool>(), 0..12)) {
        let flags = risk_flags(None, &attendance);
        let expected = attendance.len() >= 3 && attendance[attendance.len() - 3..].iter().all(|p| !p);
        prop_assert_eq!(flags.contains(&RiskFlag::AbsentThreeInARow), expected);
        prop_assert!(!flags.contains(&RiskFlag::OutOfSchool));
    }
}
