use super::*;
use crate::coop::ledger::{MemberCapital, Totals, chart_of_accounts, neraca, phu};
use crate::coop::shu::{MemberBasis, ShuPlan, distribute};

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

/// A year's books that balance: Rp12.850.000 of assets, a result of Rp2.000.000.
fn books() -> (Neraca, Phu) {
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

fn run(names: &[&str]) -> ShuRun {
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
    let basis: Vec<MemberBasis> = (0..names.len() as i64)
        .map(|i| MemberBasis {
            member: format!("{:04}", i + 1),
            savings: 500_000 + 100_000 * i,
            // Every third member borrowed nothing: no jasa anggota.
            interest_paid: if i % 3 == 0 { 0 } else { 30_000 + 7_000 * i },
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
            .zip(names)
            .map(|((share, b), name)| ShuMemberLine {
                number: share.member.clone(),
                name: (*name).to_owned(),
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

fn money(cell: &Cell) -> i64 {
    match cell {
        Cell::Money(m) => *m,
        Cell::Text(t) => panic!("{t:?} is not money"),
    }
}

fn label(row: &[Cell]) -> &str {
    match &row[2] {
        Cell::Text(t) => t,
        Cell::Money(m) => panic!("{m} is not a label"),
    }
}

#[test]
fn money_is_printed_the_indonesian_way_with_the_sign_first() {
    assert_eq!(Money::new(1_250_000).text, "Rp1.250.000");
    assert_eq!(Money::new(-150_000).text, "-Rp150.000");
    assert_eq!(Money::new(0).text, "Rp0");
    assert_eq!(Money::new(-150_000).amount, -150_000);
}

#[test]
fn a_member_statement_shows_the_last_balance_of_each_kind_and_the_loans() {
    let line = |on: &str, kind, direction, amount, balance, total| StatementLine {
        on: d(on),
        kind,
        direction,
        amount,
        balance,
        total,
    };
    use Direction::*;
    use SavingsKind::*;
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
        line("2026-02-05", Mandatory, Deposit, 50_000, 100_000, 1_450_000),
        line(
            "2026-03-10",
            Voluntary,
            Withdrawal,
            250_000,
            1_000_000,
            1_200_000,
        ),
    ];
    let loans = [
        MemberLoan {
            product: "Pinjaman usaha".into(),
            principal: 5_000_000,
            status: LoanStatus::Disbursed,
            outstanding: 3_750_000,
        },
        MemberLoan {
            product: "Pinjaman darurat".into(),
            principal: 1_000_000,
            status: LoanStatus::PaidOff,
            outstanding: 0,
        },
    ];
    let member = Member {
        number: "0007".into(),
        name: "#exit() *x*".into(),
        joined_on: d("2026-01-05"),
    };
    let s = MemberStatement::new(heading(), &member, &lines, &loans);
    let balances: Vec<(&str, i64)> = s
        .balances
        .iter()
        .map(|b| (b.label, b.balance.amount))
        .collect();
    assert_eq!(
        balances,
        [
            ("Simpanan pokok", 100_000),
            ("Simpanan wajib", 100_000),
            ("Simpanan sukarela", 1_000_000)
        ]
    );
    assert_eq!(s.total.amount, lines.last().unwrap().total);
    assert_eq!(s.outstanding.text, "Rp3.750.000");
    let json = s.to_json();
    assert_eq!(json["cooperative"], "Koperasi Desa Kenanga");
    assert_eq!(json["printed_on"], "15 Februari 2027");
    assert_eq!(json["joined_on"], "5 Januari 2026");
    assert_eq!(json["member_name"], "#exit() *x*", "a name is only data");
    assert_eq!(json["lines"][4]["direction"], "Tarik");
    assert_eq!(json["lines"][4]["balance"]["text"], "Rp1.000.000");
    assert_eq!(json["loans"][0]["status"], "Berjalan");
    assert_eq!(json["loans"][1]["outstanding"]["text"], "Rp0");
}

#[test]
fn the_tables_add_up_and_the_members_share_the_members_pool() {
    let (n, p) = books();
    let names = [
        "Siti Nurjanah",
        "#exit() *x*",
        "Tarsono",
        "Dewi Kartika",
        "Rasinah",
    ];
    let run = run(&names);
    let pack = RatPack::new(heading(), 2026, &n, &p, Some(&run));
    assert!(pack.neraca.balanced);
    let tables = pack.tables();
    let names_of: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names_of,
        [
            "Neraca 2026",
            "PHU 2026",
            "Pembagian SHU 2026",
            "SHU per anggota 2026"
        ]
    );
    for t in &tables {
        assert!(t.name.chars().count() <= 31, "{}", t.name);
        assert!(
            t.rows.iter().all(|r| r.len() == t.headers.len()),
            "{}",
            t.name
        );
    }

    // Each group's accounts sum to its total row; the sides of the neraca meet.
    let group_sum = |t: &Table, group: &str| -> i64 {
        t.rows
            .iter()
            .filter(|r| r[0] == Cell::Text(group.into()) && r[1] != Cell::Text(String::new()))
            .map(|r| money(&r[3]))
            .sum()
    };
    let row = |t: &Table, what: &str| -> i64 {
        money(&t.rows.iter().find(|r| label(r) == what).unwrap()[3])
    };
    let neraca = &tables[0];
    assert_eq!(group_sum(neraca, "Aset"), row(neraca, "Jumlah aset"));
    assert_eq!(row(neraca, "Jumlah aset"), 12_850_000);
    assert_eq!(
        group_sum(neraca, "Kewajiban"),
        row(neraca, "Jumlah kewajiban")
    );
    assert_eq!(group_sum(neraca, "Ekuitas"), row(neraca, "Jumlah ekuitas"));
    assert_eq!(
        row(neraca, "Jumlah kewajiban")
            + row(neraca, "Jumlah ekuitas")
            + row(neraca, "SHU tahun berjalan (belum tutup buku)"),
        row(neraca, "Jumlah kewajiban dan ekuitas")
    );
    assert_eq!(
        row(neraca, "Jumlah kewajiban dan ekuitas"),
        row(neraca, "Jumlah aset")
    );
    let phu = &tables[1];
    assert_eq!(group_sum(phu, "Pendapatan"), row(phu, "Jumlah pendapatan"));
    assert_eq!(group_sum(phu, "Beban"), row(phu, "Jumlah beban"));
    assert_eq!(
        row(phu, "Jumlah pendapatan") - row(phu, "Jumlah beban"),
        row(phu, "Sisa hasil usaha")
    );

    // The parts sum to the result; the members' rows to the members' pool.
    let parts = &tables[2].rows;
    let (total, rest) = parts.split_last().unwrap();
    assert_eq!(
        rest.iter().map(|r| money(&r[2])).sum::<i64>(),
        money(&total[2])
    );
    assert_eq!(money(&total[2]), 2_000_000);
    assert_eq!(rest[0][1], Cell::Text("25 %".into()));
    let shu = pack.shu.as_ref().unwrap();
    assert_eq!(shu.members_pool.amount, 900_000);
    assert_eq!(shu.status_label, "Disetujui, belum dibukukan");
    let members = &tables[3].rows;
    let (totals, rows) = members.split_last().unwrap();
    assert_eq!(totals[1], Cell::Text("Jumlah".into()));
    for c in 2..8 {
        assert_eq!(
            rows.iter().map(|r| money(&r[c])).sum::<i64>(),
            money(&totals[c]),
            "column {c}"
        );
    }
    assert_eq!(
        money(&totals[7]) + shu.unclaimed.amount,
        shu.members_pool.amount
    );
    assert_eq!(shu.unclaimed.amount, 0);
    for r in rows {
        assert_eq!(money(&r[5]) + money(&r[6]), money(&r[7]));
    }
    assert_eq!(rows[1][1], Cell::Text("#exit() *x*".into()));
    assert_eq!(pack.to_json()["shu"]["members"][1]["name"], "#exit() *x*");
}

#[test]
fn a_pack_before_the_shu_is_computed_says_so() {
    let (n, p) = books();
    let pack = RatPack::new(heading(), 2026, &n, &p, None);
    let json = pack.to_json();
    assert!(json["shu"].is_null());
    assert_eq!(json["year"], 2026);
    assert_eq!(json["neraca"]["total_assets"]["text"], "Rp12.850.000");
    assert_eq!(json["neraca"]["assets"][3]["amount"]["text"], "-Rp150.000");
    assert_eq!(json["phu"]["result_label"], "Sisa hasil usaha");
    let tables = pack.tables();
    assert_eq!(tables.len(), 3);
    assert_eq!(
        tables[2].rows,
        [[Cell::Text("SHU tahun 2026 belum dihitung".into())]]
    );
}
