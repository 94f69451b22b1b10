use super::*;

#[test]
fn cash_covers_a_payout_or_names_what_it_holds() {
    assert!(cover(500_000, 500_000).is_ok());
    let e = cover(300_000, 500_000).unwrap_err();
    assert!(
        e.message.contains("300.000") && e.message.contains("500.000"),
        "{}",
        e.message
    );
    assert!(cover(-5, 1).unwrap_err().message.contains("Rp 0;"));
}
use crate::coop::shu::{MemberBasis, ShuPlan, distribute};
use proptest::prelude::*;
use proptest::sample::select;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn map() -> AccountMap {
    AccountMap::standard(MemberCapital::Equity)
}

fn post(txn: Txn) -> JournalEntry {
    posting(&txn, &map(), d("2026-03-01"), "uji").unwrap()
}

fn lines(e: &JournalEntry) -> Vec<(&str, Side, i64)> {
    e.lines()
        .iter()
        .map(|l| (l.account.as_str(), l.side, l.amount))
        .collect()
}

#[test]
fn the_chart_is_well_formed_under_both_settings_and_the_standard_map_fits_it() {
    for capital in MemberCapital::ALL {
        let chart = chart_of_accounts(*capital);
        for (i, a) in chart.iter().enumerate() {
            assert_eq!(a.code.len(), 4);
            let digit =
                (AccountType::ALL.iter().position(|k| *k == a.kind).unwrap() + 1).to_string();
            assert!(a.code.starts_with(&digit), "{} is a {}", a.code, a.kind);
            assert!(
                chart[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
        }
        let pokok = chart.iter().find(|a| a.name == "Simpanan pokok").unwrap();
        let want = match capital {
            MemberCapital::Equity => AccountType::Equity,
            MemberCapital::Liability => AccountType::Liability,
        };
        assert_eq!(pokok.kind, want);
        assert_eq!(AccountMap::standard(*capital).validate(&chart), Ok(()));
    }
    // The map of one setting does not fit the other chart.
    let e = map()
        .validate(&chart_of_accounts(MemberCapital::Liability))
        .unwrap_err();
    assert_eq!(e.len(), 2);
    assert!(e[0].message.contains("3101 tidak ada"), "{e:?}");
}

#[test]
fn products_may_have_their_own_loan_accounts_only() {
    let chart = chart_of_accounts(MemberCapital::Equity);
    let m = map().with_product("KONSUMTIF", Role::InterestIncome, "4901");
    assert_eq!(m.validate(&chart), Ok(()));
    assert_eq!(m.account(Role::InterestIncome, Some("KONSUMTIF")), "4901");
    assert_eq!(m.account(Role::InterestIncome, Some("PRODUKTIF")), "4101");
    let e = m
        .clone()
        .with_product("KONSUMTIF", Role::LoanReceivable, "4101")
        .with_product("KONSUMTIF", Role::Cash, "1102")
        .validate(&chart)
        .unwrap_err();
    let messages: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 2);
    assert!(
        messages.iter().any(|m| m.contains(
            "«Piutang pinjaman»: akun 4101 Pendapatan jasa pinjaman \
                                 berjenis Pendapatan, padahal harus Aset"
        )),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("«Kas» tidak bisa diatur per produk")),
        "{messages:?}"
    );
}

#[test]
fn an_entry_that_does_not_balance_cannot_be_made() {
    let on = d("2026-03-01");
    let e = JournalEntry::new(on, "", vec![Line::debit("1101", 5)]).unwrap_err();
    assert!(e.message.contains("dua baris"));
    let e = JournalEntry::new(
        on,
        "",
        vec![Line::debit("1101", 5), Line::credit("2101", 4)],
    )
    .unwrap_err();
    assert!(e.message.contains("debit Rp5 dan kredit Rp4"), "{e}");
    let e = JournalEntry::new(
        on,
        "",
        vec![Line::debit("1101", 0), Line::credit("2101", 0)],
    )
    .unwrap_err();
    assert!(e.message.contains("lebih dari nol"));
    assert!(
        JournalEntry::new(
            on,
            "",
            vec![Line::debit("1101", -5), Line::credit("2101", -5)]
        )
        .is_err()
    );
    let ok = JournalEntry::new(
        on,
        "setor",
        vec![Line::debit("1101", 5), Line::credit("2101", 5)],
    )
    .unwrap();
    assert_eq!(ok.total(), 5);
}

#[test]
fn each_transaction_kind_posts_its_rule() {
    let dep = post(Txn::Deposit {
        kind: SavingsKind::Mandatory,
        amount: 20_000,
    });
    assert_eq!(
        lines(&dep),
        vec![("1101", Debit, 20_000), ("3102", Credit, 20_000)]
    );
    let wd = post(Txn::Withdrawal {
        kind: SavingsKind::Voluntary,
        amount: 5_000,
    });
    assert_eq!(
        lines(&wd),
        vec![("2101", Debit, 5_000), ("1101", Credit, 5_000)]
    );
    let out = post(Txn::Disbursement {
        product: "PRODUKTIF".into(),
        principal: 1_200_000,
    });
    assert_eq!(
        lines(&out),
        vec![("1201", Debit, 1_200_000), ("1101", Credit, 1_200_000)]
    );
    let rep = post(Txn::Repayment {
        product: "PRODUKTIF".into(),
        paid: Parts {
            penalty: 0,
            interest: 18_000,
            principal: 100_000,
        },
        prepaid_principal: 50_000,
        overpayment: 2_000,
    });
    assert_eq!(
        lines(&rep),
        vec![
            ("1101", Debit, 170_000),
            ("4101", Credit, 18_000),
            ("1201", Credit, 150_000),
            ("2201", Credit, 2_000)
        ]
    );
    let fee = post(Txn::Fee {
        product: "PRODUKTIF".into(),
        kind: FeeKind::Provision,
        amount: 12_000,
    });
    assert_eq!(
        lines(&fee),
        vec![("1101", Debit, 12_000), ("4102", Credit, 12_000)]
    );
    let shu = post(Txn::ShuPosting {
        parts: vec![
            (ShuPart::Reserve, 400),
            (ShuPart::CapitalService, 200),
            (ShuPart::PatronageService, 300),
            (ShuPart::Social, 100),
        ],
        unclaimed: 300,
    });
    assert_eq!(
        lines(&shu),
        vec![
            ("3401", Debit, 1_000),
            ("3201", Credit, 700),
            ("2301", Credit, 200),
            ("2305", Credit, 100)
        ]
    );
    // Nothing to post is refused rather than stored as an empty entry.
    assert!(
        posting(
            &Txn::Deposit {
                kind: SavingsKind::Voluntary,
                amount: 0
            },
            &map(),
            d("2026-03-01"),
            ""
        )
        .is_err()
    );
}

#[test]
fn a_closed_period_refuses_back_dated_entries_and_never_reopens() {
    let closed = Some(d("2026-03-31"));
    assert!(check_open(None, d("2000-01-01")).is_ok());
    assert!(check_open(closed, d("2026-04-01")).is_ok());
    let e = check_open(closed, d("2026-03-31")).unwrap_err();
    assert!(e.message.contains("31-03-2026"), "{e}");
    assert!(check_close(closed, d("2026-03-01"), d("2026-06-01")).is_err());
    assert!(check_close(closed, d("2026-07-01"), d("2026-06-01")).is_err());
    assert!(check_close(closed, d("2026-04-30"), d("2026-06-01")).is_ok());
}

#[test]
fn a_year_in_the_books_from_the_first_deposit_to_the_shu() {
    let chart = chart_of_accounts(MemberCapital::Equity);
    let p = "PRODUKTIF".to_string();
    let mut book = vec![
        post(Txn::Deposit {
            kind: SavingsKind::Principal,
            amount: 3_000_000,
        }),
        post(Txn::Deposit {
            kind: SavingsKind::Voluntary,
            amount: 2_000_000,
        }),
        post(Txn::Disbursement {
            product: p.clone(),
            principal: 4_000_000,
        }),
        post(Txn::Fee {
            product: p.clone(),
            kind: FeeKind::Administration,
            amount: 25_000,
        }),
        post(Txn::Repayment {
            product: p.clone(),
            paid: Parts {
                penalty: 1_000,
                interest: 60_000,
                principal: 333_333,
            },
            prepaid_principal: 0,
            overpayment: 0,
        }),
        JournalEntry::new(
            d("2026-12-20"),
            "honor",
            vec![Line::debit("5201", 36_000), Line::credit("1101", 36_000)],
        )
        .unwrap(),
    ];
    let t = totals(&book);
    let phu_ = phu(&chart, &t);
    assert_eq!(phu_.total_income, 86_000);
    assert_eq!(phu_.result, 50_000);
    let n = neraca(&chart, &t);
    assert!(n.balanced(), "{n:?}");
    assert_eq!(
        n.total_assets,
        // Savings in, the fee, interest and penalty in, the honorarium out.
        3_000_000 + 2_000_000 + 25_000 + 61_000 - 36_000
    );
    assert_eq!(n.current_result, 50_000);
    let tb = trial_balance(&chart, &t);
    assert_eq!(tb.debit, tb.credit);
    assert!(tb.unknown.is_empty());

    book.push(closing_entry(&chart, &t, &map(), d("2026-12-31")).unwrap());
    let t = totals(&book);
    let n = neraca(&chart, &t);
    assert_eq!(n.current_result, 0);
    assert!(n.balanced());
    assert_eq!(
        phu(&chart, &t)
            .income
            .iter()
            .map(|r| r.amount.abs())
            .sum::<i64>(),
        0
    );
    assert!(closing_entry(&chart, &t, &map(), d("2026-12-31")).is_none());

    let plan = ShuPlan::new(
        2026,
        vec![(ShuPart::Reserve, 5_000), (ShuPart::CapitalService, 5_000)],
        0,
    )
    .unwrap();
    let basis = [MemberBasis {
        member: "A".into(),
        savings: 3_000_000,
        interest_paid: 60_000,
        transactions: 0,
    }];
    let dist = distribute(50_000, &plan, &basis).unwrap();
    book.push(post(Txn::ShuPosting {
        parts: dist.parts.clone(),
        unclaimed: dist.unclaimed,
    }));
    let t = totals(&book);
    let n = neraca(&chart, &t);
    assert!(n.balanced());
    let row = |code| {
        n.equity
            .iter()
            .chain(&n.liabilities)
            .find(|r| r.code == code)
            .unwrap()
            .amount
    };
    assert_eq!((row("3401"), row("3201"), row("2301")), (0, 25_000, 25_000));
}

fn any_txn() -> impl Strategy<Value = Txn> {
    let amount = 1i64..1_000_000_000;
    let product = select(vec!["PRODUKTIF".to_string(), "KONSUMTIF".to_string()]);
    prop_oneof![
        (select(SavingsKind::ALL), amount.clone())
            .prop_map(|(kind, amount)| Txn::Deposit { kind, amount }),
        (select(SavingsKind::ALL), amount.clone())
            .prop_map(|(kind, amount)| Txn::Withdrawal { kind, amount }),
        (product.clone(), amount.clone())
            .prop_map(|(product, principal)| Txn::Disbursement { product, principal }),
        (
            product.clone(),
            0i64..1_000_000,
            0i64..1_000_000,
            0i64..1_000_000,
            0i64..1_000_000,
            0i64..1_000_000
        )
            .prop_filter("something paid", |t| t.1 + t.2 + t.3 + t.4 + t.5 > 0)
            .prop_map(
                |(product, penalty, interest, principal, prepaid_principal, overpayment)| {
                    Txn::Repayment {
                        product,
                        paid: Parts {
                            penalty,
                            interest,
                            principal,
                        },
                        prepaid_principal,
                        overpayment,
                    }
                }
            ),
        (product, select(FeeKind::ALL), amount.clone()).prop_map(|(product, kind, amount)| {
            Txn::Fee {
                product,
                kind,
                amount,
            }
        }),
        (
            prop::collection::vec((select(ShuPart::ALL), 0i64..1_000_000), 1..8),
            0i64..1_000_000
        )
            .prop_filter_map("a positive SHU", |(parts, unclaimed)| {
                let members: i64 = parts
                    .iter()
                    .filter(|(p, _)| {
                        matches!(p, ShuPart::CapitalService | ShuPart::PatronageService)
                    })
                    .map(|(_, a)| a)
                    .sum();
                let total: i64 = parts.iter().map(|(_, a)| a).sum();
                (total > 0).then_some(Txn::ShuPosting {
                    parts,
                    unclaimed: unclaimed.min(members),
                })
            }),
    ]
}

proptest! {
    #[test]
    fn an_entry_exists_exactly_when_it_balances(
        raw in prop::collection::vec((select(vec!["1101", "2101", "4101"]), any::<bool>(), -5i64..1_000), 0..6),
    ) {
        let lines: Vec<Line> = raw.iter().map(|&(a, debit, amount)| {
            if debit { Line::debit(a, amount) } else { Line::credit(a, amount) }
        }).collect();
        let debit: i64 = lines.iter().filter(|l| l.side == Debit).map(|l| l.amount).sum();
        let credit: i64 = lines.iter().filter(|l| l.side == Credit).map(|l| l.amount).sum();
        let valid = lines.len() >= 2 && lines.iter().all(|l| l.amount > 0) && debit == credit;
        let made = JournalEntry::new(d("2026-01-01"), "", lines.clone());
        prop_assert_eq!(made.is_ok(), valid);
        if let Ok(e) = made {
            prop_assert_eq!(e.total(), debit);
            prop_assert_eq!(e.lines(), &lines[..]);
        }
    }

    #[test]
    fn every_posting_balances_and_the_books_always_balance(
        txns in prop::collection::vec(any_txn(), 0..40),
        capital in select(MemberCapital::ALL),
    ) {
        let chart = chart_of_accounts(capital);
        let map = AccountMap::standard(capital).with_product("KONSUMTIF", Role::InterestIncome, "4901");
        prop_assert_eq!(map.validate(&chart), Ok(()));
        let mut book = Vec::new();
        for txn in &txns {
            let e = posting(txn, &map, d("2026-05-05"), "");
            prop_assert!(e.is_ok(), "{:?}: {:?}", txn, e);
            let e = e.unwrap();
            prop_assert!(e.lines().iter().all(|l| chart.iter().any(|a| a.code == l.account)));
            book.push(e);
        }
        let t = totals(&book);
        let tb = trial_balance(&chart, &t);
        prop_assert_eq!(tb.debit, tb.credit);
        prop_assert!(tb.unknown.is_empty());
        let n = neraca(&chart, &t);
        prop_assert!(n.balanced(), "{:?}", n);
        if let Some(close) = closing_entry(&chart, &t, &map, d("2026-12-31")) {
            book.push(close);
            let t = totals(&book);
            let after = neraca(&chart, &t);
            prop_assert!(after.balanced());
            prop_assert_eq!(after.current_result, 0);
            prop_assert_eq!(after.total_assets, n.total_assets);
        }
    }
}
