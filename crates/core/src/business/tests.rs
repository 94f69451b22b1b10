use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
const TODAY: &str = "2026-11-28";

fn fields(r: Result<impl fmt::Debug, Vec<Invalid>>) -> Vec<&'static str> {
    r.expect_err("should be refused")
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_business_needs_a_name_sector_and_products() {
    let raw = RawBusiness {
        nama: "  Kerupuk   Bu Tarsih ".into(),
        sektor: "olahan_pangan".into(),
        produk: "kerupuk kulit ikan".into(),
        telepon: "0812 0000 0101".into(),
        mulai: "2024-03-01".into(),
        ..Default::default()
    };
    let b = raw.check(d(TODAY)).unwrap();
    assert_eq!(b.name, "Kerupuk Bu Tarsih");
    assert_eq!(b.sector, Sector::FoodProcessing);
    assert!(b.active);
    assert_eq!(RawBusiness::of(&b).check(d(TODAY)).unwrap(), b);

    let bad = RawBusiness {
        sektor: "tambang".into(),
        telepon: "call me".into(),
        mulai: "2027-01-01".into(),
        ..Default::default()
    };
    assert_eq!(
        fields(bad.check(d(TODAY))),
        ["nama", "sektor", "produk", "telepon", "mulai"]
    );
}

#[test]
fn permit_numbers_have_their_shapes() {
    let ok = |jenis: &str, nomor: &str| {
        RawPermit {
            jenis: jenis.into(),
            nomor: nomor.into(),
            terbit: "2025-01-10".into(),
            berlaku_sampai: String::new(),
        }
        .check(d(TODAY))
    };
    assert_eq!(
        ok("nib", "9120 0012 3456 7").unwrap().number,
        "9120 0012 3456 7"
    );
    assert!(ok("nib", "912001234567").is_err(), "12 digits");
    assert!(ok("pirt", "P-IRT No. 2063212010123-27").is_ok());
    assert!(ok("pirt", "1234").is_err());
    assert!(ok("halal", "ID32110000123450822").is_ok());
    assert!(ok("halal", "<b>").is_err());
    let backwards = RawPermit {
        jenis: "pirt".into(),
        nomor: "206321201012327".into(),
        terbit: "2025-01-10".into(),
        berlaku_sampai: "2024-01-10".into(),
    };
    assert_eq!(fields(backwards.check(d(TODAY))), ["berlaku_sampai"]);
}

#[test]
fn permit_standing_warns_sixty_days_ahead() {
    let today = d(TODAY);
    assert_eq!(permit_standing(None, today), PermitStanding::Valid);
    assert_eq!(
        permit_standing(Some(d("2026-11-27")), today),
        PermitStanding::Expired
    );
    assert_eq!(
        permit_standing(Some(d("2027-01-27")), today),
        PermitStanding::ExpiresSoon
    );
    assert_eq!(
        permit_standing(Some(d("2027-01-28")), today),
        PermitStanding::Valid
    );
}

#[test]
fn months_parse_count_back_and_label() {
    let m: Month = "2026-03".parse().unwrap();
    assert_eq!(m.to_string(), "2026-03");
    assert_eq!(m.back(3).to_string(), "2025-12");
    assert_eq!(
        m.last(3).iter().map(Month::to_string).collect::<Vec<_>>(),
        ["2026-01", "2026-02", "2026-03"]
    );
    assert_eq!(m.short_label(), "Mar 2026");
    assert!("2026-13".parse::<Month>().is_err());
    assert!("Maret".parse::<Month>().is_err());
}

#[test]
fn monthly_reports_take_rupiah_and_refuse_future_months() {
    let raw = RawMonthlyReport {
        bulan: "2026-10".into(),
        omzet: "Rp 4.250.000".into(),
        biaya: "2.100.000".into(),
        pekerja: "3".into(),
        catatan: String::new(),
    };
    let r = raw.check(d(TODAY)).unwrap();
    assert_eq!((r.revenue, r.costs, r.workers), (4_250_000, 2_100_000, 3));
    assert_eq!(r.profit(), 2_150_000);
    let zero = RawMonthlyReport {
        omzet: "0".into(),
        biaya: "0".into(),
        ..raw.clone()
    };
    assert_eq!(zero.check(d(TODAY)).unwrap().revenue, 0);
    let bad = RawMonthlyReport {
        bulan: "2026-12".into(),
        omzet: String::new(),
        biaya: "-5".into(),
        pekerja: "banyak".into(),
        catatan: String::new(),
    };
    assert_eq!(
        fields(bad.check(d(TODAY))),
        ["bulan", "omzet", "biaya", "pekerja"]
    );
    let old = RawMonthlyReport {
        bulan: "2023-10".into(),
        ..raw
    };
    assert_eq!(fields(old.check(d(TODAY))), ["bulan"]);
}

#[test]
fn missing_months_are_the_unreported_past_months() {
    let reported = ["2026-09".parse().unwrap(), "2026-10".parse().unwrap()];
    let missing: Vec<String> = missing_months(&reported, d(TODAY), 4)
        .iter()
        .map(Month::to_string)
        .collect();
    assert_eq!(missing, ["2026-07", "2026-08"]);
}

#[test]
fn next_steps_need_a_follow_up_after_the_visit() {
    let raw = RawVisit {
        tanggal: "2026-11-20".into(),
        catatan: "Kemasan kerupuk bocor; dicoba plastik lebih tebal.".into(),
        langkah: "Coba sealer baru".into(),
        tindak_lanjut: "2026-12-20".into(),
    };
    assert!(raw.check(d(TODAY)).is_ok());
    let no_date = RawVisit {
        tindak_lanjut: String::new(),
        ..raw.clone()
    };
    assert_eq!(fields(no_date.check(d(TODAY))), ["tindak_lanjut"]);
    let before = RawVisit {
        tindak_lanjut: "2026-11-19".into(),
        ..raw.clone()
    };
    assert_eq!(fields(before.check(d(TODAY))), ["tindak_lanjut"]);
    let future = RawVisit {
        tanggal: "2026-12-01".into(),
        catatan: "pendek".into(),
        ..raw
    };
    assert_eq!(fields(future.check(d(TODAY))), ["tanggal", "catatan"]);
}

#[test]
fn follow_ups_fall_due_until_a_later_visit() {
    let today = d(TODAY);
    let visit = d("2026-10-01");
    assert!(follow_up_due(Some(d("2026-11-01")), visit, visit, today));
    assert!(!follow_up_due(Some(d("2026-12-01")), visit, visit, today));
    assert!(!follow_up_due(
        Some(d("2026-11-01")),
        d("2026-11-05"),
        visit,
        today
    ));
    assert!(!follow_up_due(None, visit, visit, today));
}

#[test]
fn aid_needs_a_value_and_names_other_sources() {
    let raw = RawAid {
        barang: "Mesin press kemasan".into(),
        nilai: "Rp 7.500.000".into(),
        sumber: "kemnaker".into(),
        sumber_lain: String::new(),
        tanggal: "2026-02-14".into(),
    };
    assert_eq!(raw.check(d(TODAY)).unwrap().value, 7_500_000);
    let other = RawAid {
        sumber: "lainnya".into(),
        ..raw.clone()
    };
    assert_eq!(fields(other.check(d(TODAY))), ["sumber_lain"]);
    let bad = RawAid {
        nilai: "0".into(),
        tanggal: "2027-01-01".into(),
        ..raw
    };
    assert_eq!(fields(bad.check(d(TODAY))), ["nilai", "tanggal"]);
}

#[test]
fn a_bad_finding_needs_a_note_and_checks_follow_receipt() {
    let received = d("2026-02-14");
    let ok = RawAidCheck {
        tanggal: "2026-08-14".into(),
        kondisi: "baik".into(),
        catatan: String::new(),
    };
    assert!(ok.check(d(TODAY), received).is_ok());
    let broken = RawAidCheck {
        kondisi: "rusak_berat".into(),
        ..ok.clone()
    };
    assert_eq!(fields(broken.check(d(TODAY), received)), ["catatan"]);
    let early = RawAidCheck {
        tanggal: "2026-01-01".into(),
        ..ok
    };
    assert_eq!(fields(early.check(d(TODAY), received)), ["tanggal"]);
    assert!(aid_check_due(d("2025-11-01"), None, d(TODAY)));
    assert!(!aid_check_due(
        d("2025-11-01"),
        Some(d("2026-06-01")),
        d(TODAY)
    ));
}

#[test]
fn kur_moves_and_decisions() {
    use KurStatus::*;
    assert!(Submitted.can_move_to(Approved));
    assert!(Approved.can_move_to(Disbursed));
    assert!(!Rejected.can_move_to(Approved));
    assert!(!Submitted.can_move_to(Disbursed));
    assert!(!Disbursed.can_move_to(Withdrawn));

    let referred = d("2026-10-01");
    let approve = RawKurDecision {
        status: "disetujui".into(),
        tanggal: "2026-10-20".into(),
        disetujui: "20.000.000".into(),
    };
    let k = approve
        .check(Submitted, referred, 25_000_000, d(TODAY))
        .unwrap();
    assert_eq!(k.approved_amount, Some(20_000_000));
    let too_much = RawKurDecision {
        disetujui: "30.000.000".into(),
        ..approve.clone()
    };
    assert_eq!(
        fields(too_much.check(Submitted, referred, 25_000_000, d(TODAY))),
        ["disetujui"]
    );
    let early = RawKurDecision {
        tanggal: "2026-09-01".into(),
        ..approve.clone()
    };
    assert_eq!(
        fields(early.check(Submitted, referred, 25_000_000, d(TODAY))),
        ["tanggal"]
    );
    assert_eq!(
        fields(approve.check(Rejected, referred, 25_000_000, d(TODAY))),
        ["status"]
    );
    let kur = RawKur {
        bank: "BRI".into(),
        jumlah: "600.000.000".into(),
        tanggal: "2026-10-01".into(),
        catatan: String::new(),
    };
    assert_eq!(fields(kur.check(d(TODAY))), ["jumlah"]);
}
