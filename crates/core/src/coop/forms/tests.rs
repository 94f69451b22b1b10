use super::*;
use crate::coop::loan::{AllocationOrder, Method};
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2026-11-28";

fn fields(e: &[Invalid]) -> Vec<&str> {
    e.iter().map(|e| e.field).collect()
}

#[test]
fn a_product_is_typed_in_percentages_and_rupiah() {
    let raw = RawProduct {
        kode: "modal_usaha".into(),
        nama: "Modal usaha".into(),
        metode: "efektif".into(),
        bunga: "12".into(),
        minimal: "500.000".into(),
        maksimal: "10.000.000".into(),
        tenor: "24".into(),
        provisi: "1,5".into(),
        administrasi: "25.000".into(),
        denda: "0,1".into(),
        urutan: "bunga, pokok, denda".into(),
    };
    let p = raw.check().unwrap();
    assert_eq!(p.code, "MODAL_USAHA");
    assert_eq!(p.method, Method::EqualPrincipal);
    assert_eq!((p.annual_rate_bp, p.penalty_bp_per_day), (1_200, 10));
    assert_eq!(p.fees.len(), 2);
    assert_eq!(p.fees[0].amount(1_000_000), 15_000);
    assert_eq!(
        p.order.parts(),
        [Part::Interest, Part::Principal, Part::Penalty]
    );
    let e = RawProduct {
        kode: "x".into(),
        metode: "bulanan".into(),
        bunga: "75".into(),
        minimal: "5.000.000".into(),
        maksimal: "1.000.000".into(),
        tenor: "0".into(),
        urutan: "pokok".into(),
        ..raw
    }
    .check()
    .unwrap_err();
    assert_eq!(fields(&e), ["kode", "metode", "tenor", "urutan"]);
    let late = RawProduct {
        bunga: "75".into(),
        minimal: "5.000.000".into(),
        maksimal: "1.000.000".into(),
        ..RawProduct {
            kode: "OK".into(),
            nama: "Produk".into(),
            metode: "flat".into(),
            tenor: "12".into(),
            ..Default::default()
        }
    }
    .check()
    .unwrap_err();
    assert_eq!(
        fields(&late),
        ["bunga", "plafon"],
        "the product's own rules come after the form's"
    );
}

#[test]
fn the_rules_keep_the_classes_in_order() {
    let t = AgeingThresholds::new(30, 60, 90).unwrap();
    let raw = RawRules::of(t, true);
    assert_eq!(raw.check().unwrap(), (t, true));
    let backwards = RawRules {
        macet: "45".into(),
        ..raw.clone()
    }
    .check()
    .unwrap_err();
    assert_eq!(fields(&backwards), ["kolektibilitas"]);
    let unread = RawRules {
        kurang_lancar: "sebulan".into(),
        diragukan: "0".into(),
        ..raw
    }
    .check()
    .unwrap_err();
    assert_eq!(fields(&unread), ["kurang_lancar", "diragukan"]);
}

#[test]
fn a_setup_needs_both_amounts_and_a_capital_choice() {
    let ok = RawSetup {
        pokok: "100.000".into(),
        wajib: "20000".into(),
        simpanan_anggota: "ekuitas".into(),
        dua_petugas: "ya".into(),
    }
    .check()
    .unwrap();
    assert_eq!(ok.principal_savings, 100_000);
    assert_eq!(ok.mandatory_monthly, 20_000);
    assert_eq!(ok.capital, MemberCapital::Equity);
    assert!(ok.maker_checker);
    let e = RawSetup::default().check().unwrap_err();
    assert_eq!(fields(&e), ["pokok", "wajib", "simpanan_anggota"]);
}

fn journal(lines: &[(&str, &str, &str)]) -> RawJournal {
    RawJournal {
        tanggal: "2026-03-01".into(),
        keterangan: "Biaya alat tulis".into(),
        baris: lines
            .iter()
            .map(|(a, d, k)| RawJournalLine {
                akun: a.to_string(),
                debit: d.to_string(),
                kredit: k.to_string(),
            })
            .collect(),
    }
}

#[test]
fn a_typed_journal_names_known_accounts_and_balances() {
    let chart = crate::coop::ledger::chart_of_accounts(MemberCapital::Equity);
    let cash = chart
        .iter()
        .find(|a| a.name.starts_with("Kas"))
        .unwrap()
        .code;
    let expense = chart
        .iter()
        .find(|a| a.kind == crate::coop::ledger::AccountType::Expense)
        .unwrap()
        .code;
    let today = d("2026-03-31");
    let e = journal(&[(expense, "15.000", ""), (cash, "", "15000"), ("", "", "")])
        .check(&chart, today)
        .unwrap();
    assert_eq!(e.total(), 15_000);
    assert_eq!(e.lines().len(), 2, "the blank line is ignored");
    let unbalanced = journal(&[(expense, "15.000", ""), (cash, "", "14000")])
        .check(&chart, today)
        .unwrap_err();
    assert_eq!(fields(&unbalanced), ["baris"]);
    let wrong = journal(&[("9999", "1", ""), (cash, "5", "5")])
        .check(&chart, today)
        .unwrap_err();
    assert_eq!(fields(&wrong), ["baris_1", "baris_2"]);
    assert!(wrong[0].message.contains("baris 1"));
    let single = journal(&[(cash, "5", "")])
        .check(&chart, today)
        .unwrap_err();
    assert_eq!(fields(&single), ["baris"]);
    let future = RawJournal {
        tanggal: "2026-04-01".into(),
        ..journal(&[(expense, "1", ""), (cash, "", "1")])
    }
    .check(&chart, today)
    .unwrap_err();
    assert_eq!(fields(&future), ["tanggal"]);
}

#[test]
fn a_payment_has_a_positive_amount_and_a_past_date() {
    let today = d("2026-03-31");
    let p = RawPayment {
        jumlah: "Rp 250.000".into(),
        tanggal: "2026-03-30".into(),
    };
    assert_eq!(p.check(today).unwrap(), (250_000, d("2026-03-30")));
    let e = RawPayment::default().check(today).unwrap_err();
    assert_eq!(fields(&e), ["jumlah", "tanggal"]);
    assert!(
        RawPayment {
            jumlah: String::new(),
            tanggal: "2026-03-01".into()
        }
        .check_day(today)
        .is_ok()
    );
}

#[test]
fn member_numbers_follow_one_format() {
    assert_eq!(member_number(" kdm-0042 "), Ok("KDM-0042".into()));
    assert_eq!(member_number("KSPMD-123456"), Ok("KSPMD-123456".into()));
    for bad in [
        "K-0042",
        "KDM0042",
        "KDM-42",
        "KDM-0042A",
        "KD1-0042",
        "KDM-1234567",
    ] {
        let e = member_number(bad).unwrap_err();
        assert!(e.message.contains("KDM-0042"), "{bad}: {e}");
    }
    assert!(member_number("  ").unwrap_err().message.contains("wajib"));
}

#[test]
fn a_member_form_reports_every_problem() {
    let ok = RawMember {
        nomor: "kdm-0001".into(),
        nama: " Siti  Aminah ".into(),
        tanggal_masuk: "01-03-2026".into(),
    };
    assert_eq!(
        ok.check(d(TODAY)),
        Ok(MemberInput {
            number: "KDM-0001".into(),
            name: "Siti Aminah".into(),
            joined: d("2026-03-01")
        })
    );
    let bad = RawMember {
        nomor: "1".into(),
        nama: "".into(),
        tanggal_masuk: "2027-01-01".into(),
    };
    assert_eq!(
        fields(&bad.check(d(TODAY)).unwrap_err()),
        vec!["nomor", "nama", "tanggal_masuk"]
    );
}

#[test]
fn savings_forms_withdraw_pokok_and_wajib_only_when_leaving() {
    let raw = |jenis: &str, arah: &str, jumlah: &str| RawSavingsTxn {
        jenis: jenis.into(),
        arah: arah.into(),
        jumlah: jumlah.into(),
        tanggal: "2026-11-01".into(),
    };
    let t = raw("sukarela", "tarik", "Rp50.000")
        .check(d(TODAY), false)
        .unwrap();
    assert_eq!(
        (t.kind, t.direction, t.amount),
        (SavingsKind::Voluntary, Direction::Withdrawal, 50_000)
    );
    let e = raw("wajib", "tarik", "20.000")
        .check(d(TODAY), false)
        .unwrap_err();
    assert!(
        e[0].message.contains("Simpanan wajib hanya dikembalikan"),
        "{e:?}"
    );
    assert!(
        raw("wajib", "tarik", "20.000")
            .check(d(TODAY), true)
            .is_ok()
    );
    assert!(
        raw("pokok", "setor", "100.000")
            .check(d(TODAY), false)
            .is_ok()
    );
    let e = raw("", "pinjam", "0").check(d(TODAY), false).unwrap_err();
    assert_eq!(fields(&e), vec!["jenis", "arah", "jumlah"]);
    assert!(e[2].message.contains("lebih dari nol"));
}

fn products() -> Vec<LoanProduct> {
    vec![LoanProduct {
        code: "PRODUKTIF".into(),
        name: "Pinjaman usaha".into(),
        method: Method::Annuity,
        annual_rate_bp: 1_800,
        min_amount: 500_000,
        max_amount: 20_000_000,
        max_term: 24,
        fees: vec![],
        penalty_bp_per_day: 10,
        order: AllocationOrder::default(),
    }]
}

#[test]
fn a_loan_application_fits_its_product() {
    let raw = |produk: &str, jumlah: &str, tenor: &str| RawLoanApplication {
        produk: produk.into(),
        jumlah: jumlah.into(),
        tenor: tenor.into(),
        keperluan: "modal warung sembako".into(),
    };
    let ok = raw("PRODUKTIF", "5.000.000", "12 bulan")
        .check(&products())
        .unwrap();
    assert_eq!((ok.amount, ok.months), (5_000_000, 12));
    let e = raw("PRODUKTIF", "25.000.000", "36")
        .check(&products())
        .unwrap_err();
    assert_eq!(fields(&e), vec!["jumlah", "tenor"]);
    assert!(e[0].message.contains("Rp500.000 dan Rp20.000.000"), "{e:?}");
    assert!(e[1].message.contains("1 sampai 24"), "{e:?}");
    let e = raw("KONSUMTIF", "", "x").check(&products()).unwrap_err();
    assert!(e[0].message.contains("Pinjaman usaha"), "{e:?}");
    assert_eq!(fields(&e), vec!["produk", "jumlah", "tenor"]);
}

#[test]
fn percentages_are_read_the_indonesian_way() {
    assert_eq!(parse_percent("25", "x"), Ok(2_500));
    assert_eq!(parse_percent("12,5", "x"), Ok(1_250));
    assert_eq!(parse_percent("12.55 %", "x"), Ok(1_255));
    assert_eq!(parse_percent("0,25", "x"), Ok(25));
    assert_eq!(parse_percent("", "x"), Ok(0));
    assert_eq!(parse_percent("100", "x"), Ok(10_000));
    for bad in ["100,01", "12,555", "-5", "lima", "1.000", ",5"] {
        assert!(parse_percent(bad, "x").is_err(), "{bad}");
    }
}

#[test]
fn the_rat_form_must_add_up_to_one_hundred_percent() {
    let mut raw = RawShuPlan {
        tahun: "2025".into(),
        cadangan: "25".into(),
        jasa_modal: "20".into(),
        jasa_anggota: "25".into(),
        dana_pengurus: "10".into(),
        dana_karyawan: "5".into(),
        dana_pendidikan: "5".into(),
        dana_sosial: "5".into(),
        dana_pembangunan_daerah_kerja: "5".into(),
        jasa_anggota_bunga: "60".into(),
    };
    let plan = raw.check(d(TODAY)).unwrap();
    assert_eq!(plan.year(), 2025);
    assert_eq!(plan.shares().len(), 8);
    assert_eq!(plan.patronage_interest_bp(), 6_000);
    raw.dana_sosial = "4,5".into();
    let e = raw.check(d(TODAY)).unwrap_err();
    assert!(e[0].message.contains("sekarang 99,5 %"), "{e:?}");
    raw.dana_sosial = "lima".into();
    raw.tahun = "2030".into();
    assert_eq!(
        fields(&raw.check(d(TODAY)).unwrap_err()),
        vec!["tahun", "dana_sosial"]
    );
}

proptest! {
    #[test]
    fn any_two_decimal_percentage_reads_back(bp in 0u32..=10_000) {
        let typed = percent(bp as u64);
        prop_assert_eq!(parse_percent(&typed, "x"), Ok(bp));
    }
}
