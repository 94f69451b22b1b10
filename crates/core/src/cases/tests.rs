use super::*;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use std::collections::HashSet;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const WHY: &str = "pekerja dideportasi lagi";

/// The allowed status moves written out independently of `CASE_EDGES`, by stored name.
const EXPECTED_MOVES: &[(&str, &str)] = &[
    ("new", "assessed"),
    ("new", "closed"),
    ("assessed", "in_progress"),
    ("assessed", "referred"),
    ("assessed", "closed"),
    ("in_progress", "referred"),
    ("in_progress", "resolved"),
    ("referred", "in_progress"),
    ("referred", "resolved"),
    ("resolved", "closed"),
    ("resolved", "in_progress"),
    ("closed", "in_progress"),
];

#[test]
fn every_status_pair_is_allowed_exactly_when_listed() {
    let mut allowed = 0;
    for &from in CaseStatus::ALL {
        for &to in CaseStatus::ALL {
            let expected = EXPECTED_MOVES.contains(&(from.as_str(), to.as_str()));
            assert_eq!(from.can_move_to(to), expected, "{from} → {to}");
            assert_eq!(check_move(from, to, WHY).is_ok(), expected, "{from} → {to}");
            assert_eq!(from.next().contains(&to), expected, "{from} → {to}");
            allowed += usize::from(expected);
        }
    }
    assert_eq!(allowed, EXPECTED_MOVES.len());
}

#[test]
fn open_states_are_all_but_resolved_and_closed() {
    use CaseStatus::*;
    let open: Vec<CaseStatus> = CaseStatus::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    assert_eq!(open, [New, Assessed, InProgress, Referred]);
}

#[test]
fn refused_moves_name_both_states() {
    use CaseStatus::*;
    let err = check_move(New, Resolved, "").unwrap_err();
    assert_eq!(err.field, "status");
    assert_eq!(
        err.message,
        "status «Baru» tidak bisa pindah ke «Selesai»; dari «Baru» yang boleh: \
         «Dinilai», «Ditutup»"
    );
    let err = check_move(Referred, Referred, "").unwrap_err();
    assert!(
        err.message.contains("sudah berstatus «Dirujuk»"),
        "{}",
        err.message
    );
}

#[test]
fn a_reopen_needs_a_reason_and_other_moves_do_not() {
    use CaseStatus::*;
    for from in [Resolved, Closed] {
        for note in ["", "   ", "lagi", "123456789"] {
            let err = check_move(from, InProgress, note).unwrap_err();
            assert_eq!(err.field, "catatan", "{from} {note:?}");
            assert!(
                err.message.contains("alasan membuka kembali"),
                "{}",
                err.message
            );
        }
        assert!(check_move(from, InProgress, "1234567890").is_ok());
        assert!(check_move(from, InProgress, "  gaji belum dibayar lagi  ").is_ok());
    }
    assert!(check_move(New, Assessed, "").is_ok());
    assert!(check_move(Resolved, Closed, "").is_ok());
    assert!(check_move(Referred, InProgress, "").is_ok());
    let err = check_move(New, Assessed, "<script>x</script>").unwrap_err();
    assert_eq!(err.field, "catatan");
    assert!(check_move(New, Assessed, &"x".repeat(NOTE_MAX + 1)).is_err());
}

fn reachable_from(start: CaseStatus) -> HashSet<CaseStatus> {
    let mut seen = HashSet::from([start]);
    let mut todo = vec![start];
    while let Some(s) = todo.pop() {
        for to in s.next() {
            if seen.insert(to) {
                todo.push(to);
            }
        }
    }
    seen
}

#[test]
fn referral_status_table() {
    use ReferralStatus::*;
    let expected = [
        (InProgress, Accepted),
        (InProgress, Rejected),
        (InProgress, Revoked),
        (Accepted, Done),
        (Accepted, Revoked),
    ];
    for &from in ReferralStatus::ALL {
        for &to in ReferralStatus::ALL {
            let ok = expected.contains(&(from, to));
            assert_eq!(from.can_move_to(to), ok, "{from} → {to}");
            assert_eq!(
                check_referral_move(from, to, "unit tidak menangani kasus ini").is_ok(),
                ok,
                "{from} → {to}"
            );
        }
    }
    let err = check_referral_move(Done, InProgress, "").unwrap_err();
    assert_eq!(err.field, "status");
    assert!(
        err.message.contains("«Selesai» sudah final"),
        "{}",
        err.message
    );
}

#[test]
fn rejection_and_revocation_need_a_reason() {
    use ReferralStatus::*;
    for (from, to) in [
        (InProgress, Rejected),
        (InProgress, Revoked),
        (Accepted, Revoked),
    ] {
        for short in ["", "tidak", "123456789"] {
            let err = check_referral_move(from, to, short).unwrap_err();
            assert_eq!(err.field, "alasan", "{from} → {to}");
        }
        assert!(check_referral_move(from, to, "1234567890").is_ok());
    }
    assert!(check_referral_move(InProgress, Accepted, "").is_ok());
    assert!(check_referral_move(Accepted, Done, "").is_ok());
}

#[test]
fn access_follows_the_referral_state() {
    use ReferralStatus::*;
    for (status, access) in [
        (InProgress, true),
        (Accepted, true),
        (Rejected, false),
        (Done, true),
        (Revoked, false),
    ] {
        assert_eq!(status.grants_access(), access, "{status}");
    }
}

const TODAY: &str = "2026-03-10";

fn referral() -> RawReferral {
    RawReferral {
        tujuan: "bp3mi".into(),
        unit: " BP3MI  Jawa Barat ".into(),
        persetujuan: "pekerja".into(),
        nama_pemberi: "Siti Aminah".into(),
        tanggal_persetujuan: "09-03-2026".into(),
        alasan_pengecualian: String::new(),
        catatan: "Mohon bantu klaim gaji.".into(),
    }
}

#[test]
fn a_referral_with_the_workers_consent_passes() {
    let r = referral().check(d(TODAY), false).unwrap();
    assert_eq!(
        r,
        ReferralInput {
            target: ReferralTarget::Bp3mi,
            unit: "BP3MI Jawa Barat".into(),
            consent: Consent::Worker,
            consent_by: "Siti Aminah".into(),
            consent_on: Some(d("2026-03-09")),
            override_reason: String::new(),
            note: "Mohon bantu klaim gaji.".into(),
        }
    );
}

/// Consent, name, date, override reason, permission, and the fields refused.
type ConsentCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
);

#[test]
fn consent_rules() {
    let long_reason = "pekerja disekap majikan, nyawa terancam";
    let cases: &[ConsentCase] = &[
        ("pekerja", "Siti", TODAY, "", false, &[]),
        (
            "keluarga",
            "Bapak Karto (ayah)",
            "2026-01-01",
            "",
            false,
            &[],
        ),
        ("keluarga", "Bapak Karto", TODAY, "", true, &[]),
        ("pekerja", "", TODAY, "", false, &["nama_pemberi"]),
        ("keluarga", "Karto", "", "", false, &["tanggal_persetujuan"]),
        (
            "keluarga",
            "Karto",
            "2026-03-11",
            "",
            false,
            &["tanggal_persetujuan"],
        ),
        (
            "pekerja",
            "Siti",
            "kemarin",
            "",
            false,
            &["tanggal_persetujuan"],
        ),
        (
            "pekerja",
            "",
            "2027-01-01",
            "",
            false,
            &["nama_pemberi", "tanggal_persetujuan"],
        ),
        ("", "", "", "", false, &["persetujuan"]),
        ("", "Siti", TODAY, "", true, &["persetujuan"]),
        ("setuju", "Siti", TODAY, "", false, &["persetujuan"]),
        ("pengecualian", "", "", long_reason, false, &["persetujuan"]),
        ("pengecualian", "", "", "", true, &["alasan_pengecualian"]),
        (
            "pengecualian",
            "",
            "",
            "nyawa terancam",
            true,
            &["alasan_pengecualian"],
        ),
        ("pengecualian", "", "", "12345678901234567890", true, &[]),
        ("pengecualian", "", "", long_reason, true, &[]),
    ];
    for &(consent, name, date, reason, allowed, refused) in cases {
        let raw = RawReferral {
            persetujuan: consent.into(),
            nama_pemberi: name.into(),
            tanggal_persetujuan: date.into(),
            alasan_pengecualian: reason.into(),
            ..referral()
        };
        let fields: Vec<&str> = match raw.check(d(TODAY), allowed) {
            Ok(_) => vec![],
            Err(errors) => errors.iter().map(|e| e.field).collect(),
        };
        assert_eq!(
            fields, refused,
            "{consent:?} {name:?} {date:?} {reason:?} {allowed}"
        );
    }
}

#[test]
fn consent_messages_say_what_is_needed() {
    let raw = RawReferral {
        persetujuan: String::new(),
        ..referral()
    };
    let err = &raw.check(d(TODAY), false).unwrap_err()[0];
    assert!(
        err.message.contains("dengan persetujuan"),
        "{}",
        err.message
    );
    assert!(err.message.contains("UU 27/2022"), "{}", err.message);
    let raw = RawReferral {
        persetujuan: "pengecualian".into(),
        ..referral()
    };
    let err = &raw.check(d(TODAY), false).unwrap_err()[0];
    assert!(err.message.contains("tidak berwenang"), "{}", err.message);
}

#[test]
fn an_override_keeps_no_consent_data_and_consent_keeps_no_override_reason() {
    let raw = RawReferral {
        persetujuan: "pengecualian".into(),
        alasan_pengecualian: " pekerja disekap, keluarga tidak bisa dihubungi ".into(),
        ..referral()
    };
    let r = raw.check(d(TODAY), true).unwrap();
    assert_eq!(r.consent, Consent::Override);
    assert_eq!(r.consent_by, "");
    assert_eq!(r.consent_on, None);
    assert_eq!(
        r.override_reason,
        "pekerja disekap, keluarga tidak bisa dihubungi"
    );
    let raw = RawReferral {
        alasan_pengecualian: "tertinggal dari isian sebelumnya".into(),
        ..referral()
    };
    assert_eq!(raw.check(d(TODAY), true).unwrap().override_reason, "");
}

#[test]
fn a_referral_reports_every_problem_at_once() {
    let raw = RawReferral {
        tujuan: "gubernur".into(),
        unit: String::new(),
        persetujuan: String::new(),
        catatan: "y".repeat(NOTE_MAX + 1),
        ..referral()
    };
    let fields: Vec<&str> = raw
        .check(d(TODAY), false)
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["tujuan", "unit", "persetujuan", "catatan"]);
    let raw = RawReferral {
        unit: "a".repeat(NAME_MAX + 1),
        ..referral()
    };
    assert!(raw.check(d(TODAY), false).is_err());
}

#[test]
fn outcome_amount_rules() {
    // (kind, amount typed, accepted amount or None when refused)
    let cases: &[(&str, &str, Option<i64>)] = &[
        ("gaji_kembali", "9.622.000", Some(9_622_000)),
        ("gaji_kembali", "Rp 15.000.000", Some(15_000_000)),
        ("gaji_kembali", "", None),
        ("gaji_kembali", "0", None),
        ("gaji_kembali", "-5000", None),
        ("gaji_kembali", "lima juta", None),
        ("kompensasi", "50000000", Some(50_000_000)),
        ("kompensasi", "", None),
        ("klaim_asuransi", "", Some(0)),
        ("klaim_asuransi", "85.000.000", Some(85_000_000)),
        ("dipulangkan", "", Some(0)),
        ("dipulangkan", "0", Some(0)),
        ("dipulangkan", "1.000.000", None),
        ("proses_hukum", "", Some(0)),
        ("proses_hukum", "500", None),
        ("tidak_selesai", "", Some(0)),
        ("tidak_selesai", "100.000", None),
    ];
    for &(kind, amount, expected) in cases {
        let raw = RawOutcome {
            hasil: kind.into(),
            jumlah: amount.into(),
            tanggal: "2026-03-01".into(),
            catatan: String::new(),
        };
        match (raw.check(d(TODAY)), expected) {
            (Ok(o), Some(n)) => assert_eq!(o.amount_idr, n, "{kind} {amount:?}"),
            (Err(errors), None) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
                assert_eq!(fields, ["jumlah"], "{kind} {amount:?}");
            }
            (got, _) => panic!("{kind} {amount:?}: {got:?}"),
        }
    }
}

#[test]
fn an_outcome_needs_a_kind_and_a_past_date() {
    let ok = RawOutcome {
        hasil: "dipulangkan".into(),
        jumlah: String::new(),
        tanggal: TODAY.into(),
        catatan: "Tiba di Soekarno-Hatta.".into(),
    };
    let o = ok.check(d(TODAY)).unwrap();
    assert_eq!(
        o,
        OutcomeInput {
            kind: OutcomeKind::Repatriated,
            amount_idr: 0,
            on: d(TODAY),
            note: "Tiba di Soekarno-Hatta.".into(),
        }
    );
    let bad = RawOutcome {
        hasil: String::new(),
        jumlah: "1.000".into(),
        tanggal: "2026-03-11".into(),
        catatan: "<b>tebal</b>".into(),
    };
    let fields: Vec<&str> = bad
        .check(d(TODAY))
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["hasil", "tanggal", "catatan"]);
    let missing = RawOutcome {
        tanggal: String::new(),
        ..ok
    };
    assert_eq!(missing.check(d(TODAY)).unwrap_err()[0].field, "tanggal");
}

fn case() -> RawCase {
    RawCase {
        sumber: "keluarga".into(),
        kategori: "gaji_tidak_dibayar".into(),
        urgensi: "tinggi".into(),
        nama_pekerja: " Siti  Aminah ".into(),
        negara: "tw".into(),
        agensi: "PT Contoh Jaya".into(),
        pemberi_kerja: String::new(),
        kronologi: "Gaji tiga bulan terakhir belum dibayar majikan.\r\nAgensi tidak menjawab."
            .into(),
        pelapor: "Ibu Sumi (ibu kandung)".into(),
        kontak_pelapor: "0812 3456 7890".into(),
    }
}

#[test]
fn a_plain_case_passes_and_is_cleaned() {
    let c = case().check(false).unwrap();
    assert_eq!(
        c,
        CaseInput {
            source: IntakeSource::Family,
            category: CaseCategory::UnpaidWages,
            urgency: Urgency::High,
            worker_name: "Siti Aminah".into(),
            country: "TW".into(),
            agency: "PT Contoh Jaya".into(),
            employer: String::new(),
            chronology: "Gaji tiga bulan terakhir belum dibayar majikan.\nAgensi tidak menjawab."
                .into(),
            reporter: "Ibu Sumi (ibu kandung)".into(),
            reporter_contact: "0812 3456 7890".into(),
        }
    );
}

#[test]
fn a_case_reports_every_problem_at_once() {
    let raw = RawCase {
        sumber: "telepon".into(),
        kategori: String::new(),
        urgensi: "segera".into(),
        nama_pekerja: "S".into(),
        negara: "XX".into(),
        agensi: "a".repeat(NAME_MAX + 1),
        pemberi_kerja: "b".repeat(NAME_MAX + 1),
        kronologi: "terlalu pendek".into(),
        pelapor: "c".repeat(NAME_MAX + 1),
        kontak_pelapor: "d".repeat(NAME_MAX + 1),
    };
    let fields: Vec<&str> = raw
        .check(false)
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "sumber",
            "kategori",
            "urgensi",
            "nama_pekerja",
            "negara",
            "agensi",
            "pemberi_kerja",
            "kronologi",
            "pelapor",
            "kontak_pelapor"
        ]
    );
    let long = RawCase {
        kronologi: "x".repeat(CHRONOLOGY_MAX + 1),
        ..case()
    };
    assert_eq!(long.check(false).unwrap_err()[0].field, "kronologi");
    let longest = RawCase {
        kronologi: "x".repeat(CHRONOLOGY_MAX),
        ..case()
    };
    assert!(longest.check(false).is_ok());
}

#[test]
fn the_worker_name_is_optional_only_for_a_registry_person() {
    let raw = RawCase {
        nama_pekerja: String::new(),
        ..case()
    };
    let err = &raw.check(false).unwrap_err()[0];
    assert_eq!(err.field, "nama_pekerja");
    assert_eq!(err.message, "nama pekerja wajib diisi");
    assert_eq!(raw.check(true).unwrap().worker_name, "");
    let empty_country = RawCase {
        negara: " ".into(),
        ..case()
    };
    assert_eq!(empty_country.check(true).unwrap().country, "");
}

type Setter = fn(&mut RawCase, &str);

#[test]
fn markup_is_refused_in_every_text_field() {
    let bad = "<script>alert(1)</script> gaji tidak dibayar";
    let setters: [(&str, Setter); 7] = [
        ("nama_pekerja", |r, s| r.nama_pekerja = s.into()),
        ("agensi", |r, s| r.agensi = s.into()),
        ("pemberi_kerja", |r, s| r.pemberi_kerja = s.into()),
        ("kronologi", |r, s| r.kronologi = s.into()),
        ("pelapor", |r, s| r.pelapor = s.into()),
        ("kontak_pelapor", |r, s| r.kontak_pelapor = s.into()),
        ("kronologi", |r, s| {
            r.kronologi = format!("{s} javascript:x")
        }),
    ];
    for (field, set) in setters {
        let mut raw = case();
        set(&mut raw, bad);
        let errors = raw.check(false).unwrap_err();
        assert_eq!(errors.len(), 1, "{field}");
        assert_eq!(errors[0].field, field);
        assert!(errors[0].message.contains("kode atau tanda < >"));
    }
    let fine = RawCase {
        kronologi: "Potongan gaji < 10% katanya, tapi ternyata separuh gaji.".into(),
        ..case()
    };
    assert!(fine.check(false).is_ok());
}

#[test]
fn deadlines_and_overdue_boundaries() {
    use CaseStatus::*;
    let last = d("2026-03-01");
    assert_eq!(due_on(Urgency::Emergency, last), d("2026-03-02"));
    assert_eq!(due_on(Urgency::High, last), d("2026-03-04"));
    assert_eq!(due_on(Urgency::Normal, last), d("2026-03-15"));
    assert_eq!(due_on(Urgency::Normal, d("2026-12-25")), d("2027-01-08"));
    for &urgency in Urgency::ALL {
        let due = due_on(urgency, last);
        for &status in CaseStatus::ALL {
            let open = status.is_open();
            assert!(!is_overdue(status, urgency, last, last));
            assert!(!is_overdue(status, urgency, last, due), "due today");
            assert_eq!(
                is_overdue(status, urgency, last, due.succ_opt().unwrap()),
                open,
                "due yesterday, {status}"
            );
        }
        assert!(!is_overdue(Closed, urgency, last, d("2030-01-01")));
        assert!(!is_overdue(Resolved, urgency, last, d("2030-01-01")));
        assert!(is_overdue(New, urgency, last, d("2030-01-01")));
    }
}

#[test]
fn stored_names_labels_and_parsing() {
    fn check<T>(
        all: &[T],
        field: &str,
        name: fn(T) -> &'static str,
        id: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
    ) where
        T: Copy + PartialEq + fmt::Debug + FromStr<Err = Invalid> + serde::Serialize,
    {
        let names: HashSet<&str> = all.iter().map(|&v| name(v)).collect();
        let ids: HashSet<&str> = all.iter().map(|&v| id(v)).collect();
        let ens: HashSet<&str> = all.iter().map(|&v| en(v)).collect();
        assert_eq!(names.len(), all.len());
        assert_eq!(ids.len(), all.len());
        assert_eq!(ens.len(), all.len());
        for &v in all {
            assert_eq!(name(v).parse::<T>().unwrap(), v);
            assert_eq!(format!(" {} ", name(v)).parse::<T>().unwrap(), v);
            assert_eq!(
                serde_json::to_string(&v).unwrap(),
                format!("\"{}\"", name(v))
            );
        }
        for bad in ["", "tidak-ada", "Lainnya!"] {
            let err = bad.parse::<T>().unwrap_err();
            assert_eq!(err.field, field, "{bad:?}");
            assert!(
                err.message
                    .starts_with(if bad.is_empty() { "pilih" } else { "«" })
            );
        }
    }
    check(
        CaseCategory::ALL,
        "kategori",
        CaseCategory::as_str,
        CaseCategory::label_id,
        CaseCategory::label_en,
    );
    check(
        Urgency::ALL,
        "urgensi",
        Urgency::as_str,
        Urgency::label_id,
        Urgency::label_en,
    );
    check(
        IntakeSource::ALL,
        "sumber",
        IntakeSource::as_str,
        IntakeSource::label_id,
        IntakeSource::label_en,
    );
    check(
        CaseStatus::ALL,
        "status",
        CaseStatus::as_str,
        CaseStatus::label_id,
        CaseStatus::label_en,
    );
    check(
        ReferralTarget::ALL,
        "tujuan",
        ReferralTarget::as_str,
        ReferralTarget::label_id,
        ReferralTarget::label_en,
    );
    check(
        ReferralStatus::ALL,
        "status",
        ReferralStatus::as_str,
        ReferralStatus::label_id,
        ReferralStatus::label_en,
    );
    check(
        Consent::ALL,
        "persetujuan",
        Consent::as_str,
        Consent::label_id,
        Consent::label_en,
    );
    check(
        OutcomeKind::ALL,
        "hasil",
        OutcomeKind::as_str,
        OutcomeKind::label_id,
        OutcomeKind::label_en,
    );

    let stored: Vec<&str> = CaseCategory::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        stored,
        [
            "ingin_dipulangkan",
            "gaji_tidak_dibayar",
            "gagal_berangkat",
            "meninggal_dunia",
            "sakit",
            "penipuan",
            "biaya_berlebih",
            "dokumen_ditahan",
            "kekerasan",
            "perdagangan_orang",
            "hilang_kontak",
            "phk",
            "jaminan_sosial",
            "lainnya"
        ]
    );
    assert_eq!(CaseCategory::Fraud.label_id(), "Penipuan/lowongan palsu");
    assert_eq!(CaseCategory::Dismissal.label_id(), "PHK");
    let labels: Vec<&str> = CaseStatus::ALL.iter().map(|s| s.label_id()).collect();
    assert_eq!(
        labels,
        [
            "Baru",
            "Dinilai",
            "Ditangani",
            "Dirujuk",
            "Selesai",
            "Ditutup"
        ]
    );
    assert_eq!(ReferralTarget::KdeiOrEmbassy.as_str(), "perwakilan_ri");
    assert_eq!(
        ReferralTarget::KdeiOrEmbassy.label_id(),
        "KDEI/Kedutaan/Konsulat RI"
    );
    assert_eq!(IntakeSource::ReturningWorker.as_str(), "purna_pmi");
    assert_eq!(OutcomeKind::WagesRecovered.as_str(), "gaji_kembali");
    assert_eq!(Consent::Override.as_str(), "pengecualian");
    assert_eq!(
        serde_json::from_str::<Urgency>("\"darurat\"").unwrap(),
        Urgency::Emergency
    );
    let err = "segera".parse::<Urgency>().unwrap_err();
    assert_eq!(
        err.message,
        "«segera» bukan tingkat urgensi yang dikenal; pilih salah satu: Darurat, Tinggi, Biasa"
    );
}

#[test]
fn raw_forms_deserialize_with_missing_fields() {
    let raw: RawCase = serde_json::from_str(r#"{"kategori":"phk"}"#).unwrap();
    assert_eq!(raw.kategori, "phk");
    assert_eq!(raw.kronologi, "");
    let raw: RawReferral = serde_json::from_str("{}").unwrap();
    assert_eq!(raw.tujuan, "");
    let raw: RawOutcome = serde_json::from_str(r#"{"jumlah":"1.000"}"#).unwrap();
    assert_eq!(raw.jumlah, "1.000");
}

#[test]
fn the_document_checklist() {
    let codes: Vec<&str> = CASE_DOCUMENTS.iter().map(|d| d.0).collect();
    assert_eq!(
        codes,
        [
            "kronologi",
            "surat_kuasa",
            "paspor",
            "perjanjian_kerja",
            "perjanjian_penempatan",
            "kartu_keluarga",
            "foto"
        ]
    );
    assert_eq!(CASE_DOCUMENTS[5].1, "Kartu Keluarga");
    assert_eq!(CASE_DOCUMENTS[6].1, "Foto pendukung");
    assert!(CASE_DOCUMENTS.iter().all(|d| !d.2.is_empty()));
}

#[test]
fn suppress_small_counts() {
    for (n, shown) in [
        (0, Some(0)),
        (1, None),
        (2, None),
        (3, None),
        (4, None),
        (5, Some(5)),
        (6, Some(6)),
        (120, Some(120)),
    ] {
        assert_eq!(suppress(n), shown, "{n}");
    }
}

fn row(label: &str, cells: &[i64]) -> (String, Vec<i64>) {
    (label.to_owned(), cells.to_vec())
}

#[test]
fn suppress_table_hides_a_second_cell_beside_a_lone_small_one() {
    let out = suppress_table(&[
        row("Taiwan", &[3, 12, 7, 0]),
        row("Malaysia", &[2, 1, 40, 9]),
        row("Hong Kong", &[5, 6, 0, 8]),
        row("Jepang", &[0, 4, 0, 0]),
        row("Korea", &[]),
        row("Arab Saudi", &[6, 2, 6]),
    ]);
    assert_eq!(
        out,
        vec![
            ("Taiwan".to_owned(), vec![None, Some(12), None, Some(0)]),
            ("Malaysia".to_owned(), vec![None, None, Some(40), Some(9)]),
            (
                "Hong Kong".to_owned(),
                vec![Some(5), Some(6), Some(0), Some(8)]
            ),
            ("Jepang".to_owned(), vec![Some(0), None, Some(0), Some(0)]),
            ("Korea".to_owned(), vec![]),
            // Ties: the first of the smallest goes.
            ("Arab Saudi".to_owned(), vec![None, None, Some(6)]),
        ]
    );
    // The lone small cell of "Jepang" is its total, which `suppress` hides too.
    assert_eq!(suppress(4), None);
}

proptest! {
    #[test]
    fn every_status_is_reachable_from_new_and_a_closed_case_can_always_reopen(
        status in select(CaseStatus::ALL),
    ) {
        prop_assert!(reachable_from(CaseStatus::New).contains(&status));
        prop_assert!(reachable_from(status).contains(&CaseStatus::Closed));
        prop_assert!(check_move(CaseStatus::Closed, CaseStatus::InProgress, WHY).is_ok());
    }

    #[test]
    fn walks_along_next_are_accepted_and_always_reopenable(
        picks in prop::collection::vec(any::<Index>(), 0..30),
    ) {
        let mut status = CaseStatus::New;
        for pick in picks {
            let options = status.next();
            prop_assert!(!options.is_empty(), "{} has no way out", status);
            let to = options[pick.index(options.len())];
            prop_assert!(check_move(status, to, WHY).is_ok(), "{} → {}", status, to);
            status = to;
        }
        prop_assert!(reachable_from(status).contains(&CaseStatus::Closed));
        if status == CaseStatus::Closed {
            prop_assert!(check_move(status, CaseStatus::InProgress, WHY).is_ok());
            prop_assert!(check_move(status, CaseStatus::InProgress, "").is_err());
        }
    }

    #[test]
    fn suppressed_tables_hide_small_cells_and_never_leave_one_alone(
        rows in prop::collection::vec(prop::collection::vec(0i64..12, 0..6), 0..8),
    ) {
        let input: Vec<(String, Vec<i64>)> = rows
            .iter()
            .enumerate()
            .map(|(i, cells)| (format!("r{i}"), cells.clone()))
            .collect();
        let output = suppress_table(&input);
        prop_assert_eq!(output.len(), input.len());
        for ((label, cells), (out_label, shown)) in input.iter().zip(&output) {
            prop_assert_eq!(label, out_label);
            prop_assert_eq!(cells.len(), shown.len());
            for (&n, &s) in cells.iter().zip(shown) {
                match s {
                    Some(v) => prop_assert!(v == n && (v == 0 || v >= SMALL_COUNT)),
                    None => prop_assert!(n > 0),
                }
            }
            let hidden = shown.iter().filter(|s| s.is_none()).count();
            let non_zero = cells.iter().filter(|&&n| n != 0).count();
            if non_zero >= 2 {
                prop_assert!(hidden != 1, "{:?} → {:?}", cells, shown);
            } else if hidden == 1 {
                // The one non-zero cell is the row total, and the total is hidden too.
                let total: i64 = cells.iter().sum();
                prop_assert_eq!(suppress(total), None);
            }
        }
    }
}
