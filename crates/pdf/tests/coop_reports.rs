//! The cooperative's reports rendered from the core's document models, read back as text.

use chrono::NaiveDate;
use desmigratif_core::coop::forms::Direction;
use desmigratif_core::coop::ledger::{MemberCapital, Totals, chart_of_accounts, neraca, phu};
use desmigratif_core::coop::loan::LoanStatus;
use desmigratif_core::coop::report::{
    Heading, Member, MemberLoan, MemberStatement, RatPack, ShuMemberLine, ShuRun, StatementLine,
};
use desmigratif_core::coop::savings::SavingsKind;
use desmigratif_core::coop::shu::{MemberBasis, ShuPart, ShuPlan, ShuStatus, distribute};
use desmigratif_pdf::{MEMBER_STATEMENT, RAT_PACK, render, text};
use std::time::Instant;

/// Reports carry no verification code; the QR image is not used.
const NO_QR: &str = "-";

/// Text as a reader sees it: whitespace runs (line ends, justified spaces) count as one space.
fn words(pdf: &[u8]) -> String {
    text(pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf).unwrap().get_pages().len()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn heading() -> Heading {
    Heading::new(
        "Koperasi Desa Kenanga",
        "Kenanga",
        d("2027-02-15"),
        "Wartini",
    )
}

fn assert_says(said: &str, expected: &[&str]) {
    for e in expected {
        assert!(said.contains(e), "{e:?} is not in:\n{said}");
    }
}

#[test]
fn a_member_statement_prints_balances_lines_and_loans() {
    use Direction::*;
    use SavingsKind::*;
    let line = |on: &str, kind, direction, amount, balance, total| StatementLine {
        on: d(on),
        kind,
        direction,
        amount,
        balance,
        total,
    };
    let lines = [
        line("2026-01-05", Principal, Deposit, 100_000, 100_000, 100_000),
        line("2026-01-05", Mandatory, Deposit, 50_000, 50_000, 150_000),
        line(
            "2026-02-05",
            Voluntary,
            Deposit,
            1_250_000,
            1_250_000,
            1_400_000,
        ),
        line(
            "2026-03-10",
            Voluntary,
            Withdrawal,
            250_000,
            1_000_000,
            1_150_000,
        ),
    ];
    let loans = [MemberLoan {
        product: "Pinjaman usaha mikro".into(),
        principal: 5_000_000,
        status: LoanStatus::Disbursed,
        outstanding: 3_750_000,
    }];
    let member = Member {
        number: "KDK-0007".into(),
        name: "#exit() *Siti* Nurjanah".into(),
        joined_on: d("2026-01-05"),
    };
    let statement = MemberStatement::new(heading(), &member, &lines, &loans);
    let pdf = render(MEMBER_STATEMENT, &statement.to_json(), NO_QR).unwrap();
    let said = words(&pdf);
    assert_says(
        &said,
        &[
            "REKENING ANGGOTA",
            "Koperasi Desa Kenanga, Desa Kenanga",
            "KDK-0007",
            // Markup in a name is printed as typed, never run.
            "#exit() *Siti* Nurjanah",
            "5 Januari 2026",
            "Simpanan sukarela Rp1.000.000",
            "Jumlah simpanan Rp1.150.000",
            "10 Maret 2026 Simpanan sukarela Tarik Rp250.000 Rp1.000.000 Rp1.150.000",
            "Pinjaman usaha mikro Rp5.000.000 Berjalan Rp3.750.000",
            "Dicetak 15 Februari 2027 oleh Wartini",
            "Halaman 1 dari 1",
        ],
    );
}

#[test]
fn a_member_without_transactions_or_loans_gets_a_statement_that_says_so() {
    let member = Member {
        number: "KDK-0100".into(),
        name: "Rasinah".into(),
        joined_on: d("2027-02-14"),
    };
    let statement = MemberStatement::new(heading(), &member, &[], &[]);
    let said = words(&render(MEMBER_STATEMENT, &statement.to_json(), NO_QR).unwrap());
    assert_says(
        &said,
        &[
            "Jumlah simpanan Rp0",
            "Tidak ada pinjaman.",
            "Belum ada transaksi simpanan.",
        ],
    );
}

/// A year's books that balance: Rp12.850.000 of assets, a result of Rp2.000.000.
fn books() -> (
    desmigratif_core::coop::ledger::Neraca,
    desmigratif_core::coop::ledger::Phu,
) {
    let totals: Totals = [
        ("1101", (10_000_000, 2_000_000)),
        ("1201", (5_000_000, 0)),
        ("1202", (0, 150_000)),
        ("2101", (0, 5_150_000)),
        ("3101", (0, 1_500_000)),
        ("3102", (0, 4_200_000)),
        ("4101", (0, 2_500_000)),
        ("5202", (350_000, 0)),
        ("5203", (150_000, 0)),
    ]
    .into_iter()
    .map(|(code, dc)| (code.to_owned(), dc))
    .collect();
    let chart = chart_of_accounts(MemberCapital::Equity);
    (neraca(&chart, &totals), phu(&chart, &totals))
}

/// The SHU of Rp2.000.000 shared over `count` members, the second one named with markup.
fn shu_run(count: usize) -> ShuRun {
    use ShuPart::*;
    let plan = ShuPlan::new(
        2026,
        vec![
            (Reserve, 2_500),
            (CapitalService, 2_000),
            (PatronageService, 2_500),
            (Board, 1_000),
            (Staff, 500),
            (Education, 500),
            (Social, 500),
            (WorkingArea, 500),
        ],
        10_000,
    )
    .unwrap();
    let basis: Vec<MemberBasis> = (0..count as i64)
        .map(|i| MemberBasis {
            member: format!("KDK-{:04}", i + 1),
            savings: 500_000 + 25_000 * i,
            interest_paid: if i % 3 == 0 { 0 } else { 30_000 + 700 * i },
            transactions: 0,
        })
        .collect();
    let dist = distribute(2_000_000, &plan, &basis).unwrap();
    ShuRun {
        status: ShuStatus::Approved,
        result: dist.result,
        unclaimed: dist.unclaimed,
        parts: dist
            .parts
            .iter()
            .map(|&(part, amount)| {
                let bp = plan.shares().iter().find(|(p, _)| *p == part).unwrap().1;
                (part, bp, amount)
            })
            .collect(),
        members: dist
            .members
            .iter()
            .zip(&basis)
            .enumerate()
            .map(|(i, (share, b))| ShuMemberLine {
                number: share.member.clone(),
                name: match i {
                    0 => "Siti Nurjanah".to_owned(),
                    1 => "#exit() *x*".to_owned(),
                    _ => format!("Anggota {}", i + 1),
                },
                savings: b.savings,
                interest_paid: b.interest_paid,
                transactions: b.transactions,
                capital: share.capital,
                patronage: share.patronage,
                total: share.total,
            })
            .collect(),
    }
}

#[test]
fn a_rat_pack_prints_the_neraca_phu_and_shu_with_their_totals() {
    let (n, p) = books();
    let run = shu_run(3);
    let pack = RatPack::new(heading(), 2026, &n, &p, Some(&run));
    let pdf = render(RAT_PACK, &pack.to_json(), NO_QR).unwrap();
    let said = words(&pdf);
    let shu = pack.shu.as_ref().unwrap();
    let totals = &shu.totals;
    assert_says(
        &said,
        &[
            "LAPORAN RAPAT ANGGOTA TAHUNAN",
            "Tahun buku 2026",
            "Laporan RAT tahun buku 2026",
            "Neraca per 31 Desember 2026",
            "1101 Kas Rp8.000.000",
            "1202 Penyisihan piutang tak tertagih -Rp150.000",
            "Jumlah aset Rp12.850.000",
            "Jumlah kewajiban Rp5.150.000",
            "Jumlah ekuitas Rp5.700.000",
            "SHU tahun berjalan (belum tutup buku) Rp2.000.000",
            "Jumlah kewajiban dan ekuitas Rp12.850.000",
            "Jumlah pendapatan Rp2.500.000",
            "Jumlah beban Rp500.000",
            "Sisa hasil usaha Rp2.000.000",
            "Status: Disetujui, belum dibukukan.",
            "Cadangan 25 % Rp500.000",
            "Jasa modal 20 % Rp400.000",
            "Jumlah 100 % Rp2.000.000",
            "Bagian anggota (jasa modal dan jasa anggota): Rp900.000.",
            "SHU per anggota tahun 2026",
            "KDK-0001 Siti Nurjanah",
            "KDK-0002 #exit() *x*",
            "Dicetak 15 Februari 2027 oleh Wartini",
        ],
    );
    assert_eq!(totals.total.amount, 900_000);
    let total_row = format!(
        "Jumlah {} {} {} {} {} {}",
        totals.savings.text,
        totals.interest_paid.text,
        totals.transactions.text,
        totals.capital.text,
        totals.patronage.text,
        totals.total.text
    );
    assert_says(&said, &[&total_row, "Rp900.000"]);
    assert!(!said.contains("tidak seimbang"), "{said}");
    // The members' table is on its own landscape page.
    let count = pages(&pdf);
    assert!(count >= 2, "{count} pages");
    assert_says(&said, &[&format!("Halaman {count} dari {count}")]);
}

#[test]
fn a_rat_pack_before_the_shu_is_computed_says_so() {
    let (n, p) = books();
    let pack = RatPack::new(heading(), 2026, &n, &p, None);
    let said = words(&render(RAT_PACK, &pack.to_json(), NO_QR).unwrap());
    assert_says(
        &said,
        &[
            "Sisa hasil usaha Rp2.000.000",
            "SHU tahun 2026 belum dihitung",
        ],
    );
    assert!(!said.contains("SHU per anggota"), "{said}");
}

#[test]
fn a_rat_pack_of_three_hundred_members_runs_over_many_pages() {
    let (n, p) = books();
    let run = shu_run(300);
    let pack = RatPack::new(heading(), 2026, &n, &p, Some(&run));
    let started = Instant::now();
    let pdf = render(RAT_PACK, &pack.to_json(), NO_QR).unwrap();
    let took = started.elapsed();
    let count = pages(&pdf);
    println!(
        "RAT pack, 300 members: {count} pages, {} KB, rendered in {took:.2?}",
        pdf.len() / 1024
    );
    assert!(count > 3, "{count} pages");
    let said = words(&pdf);
    let totals = &pack.shu.as_ref().unwrap().totals;
    assert_says(
        &said,
        &[
            "KDK-0300 Anggota 300",
            &format!("Jumlah {}", totals.savings.text),
            &format!("Halaman {count} dari {count}"),
            // The header row is repeated on every page of the members' table.
            "No. anggota Nama Simpanan",
        ],
    );
    let headers = said.matches("No. anggota Nama Simpanan").count();
    assert!(
        headers > 1,
        "the members' header is printed {headers} times"
    );
}
