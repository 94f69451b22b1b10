use super::*;
use proptest::prelude::*;
use proptest::sample::select;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn terms(method: Method, principal: i64, months: u32, bp: u32) -> LoanTerms {
    LoanTerms {
        method,
        principal,
        months,
        annual_rate_bp: bp,
        disbursed_on: d("2026-01-31"),
    }
}

#[test]
fn flat_charges_the_same_interest_on_the_original_principal() {
    let s = schedule(&terms(Method::Flat, 1_200_000, 12, 1_800)).unwrap();
    assert_eq!(s.instalments.len(), 12);
    for i in &s.instalments {
        assert_eq!(
            (i.principal, i.interest, i.total),
            (100_000, 18_000, 118_000)
        );
    }
    assert_eq!(s.total_interest(), 216_000);
    assert_eq!(s.instalments[11].balance_after, 0);
}

#[test]
fn flat_remainders_land_in_the_last_instalment() {
    // 1.000.000 over 3 months at 10 %: interest 25.000 in total (8.333 ×2 + 8.334).
    let s = schedule(&terms(Method::Flat, 1_000_000, 3, 1_000)).unwrap();
    let p: Vec<i64> = s.instalments.iter().map(|i| i.principal).collect();
    let r: Vec<i64> = s.instalments.iter().map(|i| i.interest).collect();
    assert_eq!(p, vec![333_333, 333_333, 333_334]);
    assert_eq!(r, vec![8_333, 8_333, 8_334]);
}

#[test]
fn equal_principal_interest_falls_with_the_balance() {
    let s = schedule(&terms(Method::EqualPrincipal, 1_200_000, 12, 1_200)).unwrap();
    let r: Vec<i64> = s.instalments.iter().map(|i| i.interest).collect();
    assert_eq!(r, (1..=12).rev().map(|k| k * 1_000).collect::<Vec<_>>());
    assert!(s.instalments.iter().all(|i| i.principal == 100_000));
}

#[test]
fn annuity_matches_the_textbook_payment_to_the_rupiah() {
    // 10.000.000 over 12 months at 1 % a month: the textbook payment is 888.487,88.
    let s = schedule(&terms(Method::Annuity, 10_000_000, 12, 1_200)).unwrap();
    let first = s.instalments[0];
    assert_eq!(first.interest, 100_000);
    assert_eq!(first.total, 888_488);
    assert!(s.instalments[..11].iter().all(|i| i.total == 888_488));
    let last = s.instalments[11];
    assert!(last.total <= 888_488 && last.total > 888_400, "{last:?}");
    assert_eq!(last.balance_after, 0);
}

#[test]
fn due_dates_keep_the_day_or_fall_on_the_month_end() {
    let s = schedule(&terms(Method::Flat, 300_000, 3, 0)).unwrap();
    let dates: Vec<NaiveDate> = s.instalments.iter().map(|i| i.due_on).collect();
    assert_eq!(
        dates,
        vec![d("2026-02-28"), d("2026-03-31"), d("2026-04-30")]
    );
}

#[test]
fn out_of_range_terms_are_refused_in_indonesian() {
    let e = schedule(&terms(Method::Flat, 50_000, 12, 1_200)).unwrap_err();
    assert!(e.message.contains("Rp100.000"), "{e}");
    assert!(schedule(&terms(Method::Flat, 500_000, 0, 1_200)).is_err());
    assert!(schedule(&terms(Method::Flat, 500_000, 121, 1_200)).is_err());
    assert!(schedule(&terms(Method::Flat, 500_000, 12, 6_001)).is_err());
}

#[test]
fn fees_are_fixed_or_a_share_of_the_principal() {
    let product = LoanProduct {
        code: "PRODUKTIF".into(),
        name: "Pinjaman usaha produktif".into(),
        method: Method::Annuity,
        annual_rate_bp: 1_800,
        min_amount: 500_000,
        max_amount: 20_000_000,
        max_term: 24,
        fees: vec![
            LoanFee {
                kind: FeeKind::Provision,
                basis: FeeBasis::Bp(100),
            },
            LoanFee {
                kind: FeeKind::Administration,
                basis: FeeBasis::Fixed(25_000),
            },
        ],
        penalty_bp_per_day: 10,
        order: AllocationOrder::default(),
    };
    assert_eq!(product.validate(), Ok(()));
    assert_eq!(
        product.fees_for(3_333_350),
        vec![
            (FeeKind::Provision, 33_334),
            (FeeKind::Administration, 25_000)
        ]
    );
    let bad = LoanProduct {
        min_amount: 30_000_000,
        max_term: 0,
        annual_rate_bp: 9_000,
        ..product
    };
    let fields: Vec<&str> = bad
        .validate()
        .unwrap_err()
        .iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, vec!["bunga", "plafon", "tenor"]);
}

#[test]
fn penalty_is_per_day_late_only() {
    assert_eq!(penalty(118_000, 0, 10), 0);
    assert_eq!(penalty(118_000, -3, 10), 0);
    // 0,1 % a day for 5 days of 118.000 = 590.
    assert_eq!(penalty(118_000, 5, 10), 590);
}

#[test]
fn allocation_order_must_name_each_part_once() {
    assert!(AllocationOrder::new(vec![Part::Principal, Part::Interest, Part::Penalty]).is_ok());
    assert!(AllocationOrder::new(vec![Part::Principal, Part::Principal, Part::Penalty]).is_err());
    assert!(AllocationOrder::new(vec![Part::Interest, Part::Penalty]).is_err());
    let json = serde_json::to_string(&AllocationOrder::default()).unwrap();
    assert_eq!(json, r#"["denda","bunga","pokok"]"#);
    assert!(serde_json::from_str::<AllocationOrder>(r#"["denda","bunga"]"#).is_err());
}

#[test]
fn a_payment_clears_the_oldest_instalment_first_penalty_interest_principal() {
    let due = [
        DueItem {
            no: 1,
            owed: Parts {
                penalty: 500,
                interest: 18_000,
                principal: 100_000,
            },
        },
        DueItem {
            no: 2,
            owed: Parts {
                penalty: 0,
                interest: 18_000,
                principal: 100_000,
            },
        },
    ];
    let a = allocate(&due, &AllocationOrder::default(), 150_000);
    assert_eq!(
        a.items,
        vec![
            (
                1,
                Parts {
                    penalty: 500,
                    interest: 18_000,
                    principal: 100_000
                }
            ),
            (
                2,
                Parts {
                    penalty: 0,
                    interest: 18_000,
                    principal: 13_500
                }
            ),
        ]
    );
    assert_eq!(a.rest, 0);
    let order = AllocationOrder::new(vec![Part::Principal, Part::Interest, Part::Penalty]).unwrap();
    let a = allocate(&due[..1], &order, 100_100);
    assert_eq!(
        a.items,
        vec![(
            1,
            Parts {
                penalty: 0,
                interest: 100,
                principal: 100_000
            }
        )]
    );
}

#[test]
fn prepayment_recomputes_the_rest_with_the_same_dates_and_end() {
    let mut loan = Loan::new(&terms(Method::Flat, 1_200_000, 12, 1_800)).unwrap();
    let original = loan.schedule.clone();
    let order = AllocationOrder::default();
    // On the first due date: instalment 1 (118.000) plus 330.000 ahead.
    let on = original.instalments[0].due_on;
    let r = loan.repay(&order, on, 448_000);
    assert_eq!(r.allocation.paid.total(), 118_000);
    assert_eq!(r.prepaid_principal, 330_000);
    assert_eq!(r.overpayment, 0);
    let rest = r.recomputed.clone().unwrap();
    assert_eq!(rest.from_no, 2);
    let rest = &rest.instalments;
    assert_eq!(rest.len(), 11);
    assert_eq!(rest[0].no, 2);
    assert_eq!(rest[10].due_on, original.instalments[11].due_on);
    assert_eq!(rest.iter().map(|i| i.principal).sum::<i64>(), 770_000);
    assert_eq!(rest[0].principal, 70_000);
    // Paying everything and more settles the loan and returns the excess.
    let all = loan.repay(&order, on, 2_000_000);
    assert_eq!(all.prepaid_principal, 1_100_000);
    assert_eq!(all.overpayment, 2_000_000 - 118_000 - 1_100_000);
    assert_eq!(all.recomputed.unwrap().instalments, vec![]);

    loan.apply(&r);
    assert_eq!(loan.schedule.instalments.len(), 12);
    assert_eq!(loan.prepaid, 330_000);
    assert_eq!(loan.outstanding_principal(), 770_000);
    assert!(loan.due_items(on).is_empty());
    let next = loan.schedule.instalments[1];
    assert_eq!(loan.due_items(next.due_on)[0].owed.total(), next.total);
}

fn loan() -> impl Strategy<Value = LoanTerms> {
    (
        select(Method::ALL),
        prop_oneof![MIN_PRINCIPAL..=10_000_000, MIN_PRINCIPAL..=MAX_PRINCIPAL],
        prop_oneof![1u32..=24, 1u32..=MAX_TERM],
        prop_oneof![Just(0u32), Just(MAX_RATE_BP), 0u32..=MAX_RATE_BP],
    )
        .prop_map(|(m, p, n, bp)| terms(m, p, n, bp))
}

proptest! {
    #[test]
    fn every_schedule_repays_exactly_what_was_lent(t in loan()) {
        let s = schedule(&t).unwrap();
        let rows = &s.instalments;
        prop_assert_eq!(rows.len(), t.months as usize);
        prop_assert_eq!(rows.iter().map(|i| i.principal).sum::<i64>(), t.principal);
        prop_assert_eq!(rows.last().unwrap().balance_after, 0);
        let mut balance = t.principal;
        let mut previous = t.disbursed_on;
        for i in rows {
            prop_assert!(i.principal >= 0 && i.interest >= 0 && i.balance_after >= 0, "{:?}", i);
            prop_assert_eq!(i.total, i.principal + i.interest);
            balance -= i.principal;
            prop_assert_eq!(i.balance_after, balance);
            prop_assert!(i.due_on > previous);
            previous = i.due_on;
        }
        if t.method == Method::Annuity {
            let a = rows[0].total;
            prop_assert!(rows[..rows.len() - 1].iter().all(|i| i.total == a));
            prop_assert!(rows.last().unwrap().total <= a);
        }
        if t.method == Method::EqualPrincipal || t.method == Method::Flat {
            let p = t.principal / t.months as i64;
            prop_assert!(rows[..rows.len() - 1].iter().all(|i| i.principal == p));
        }
        // Declining balance never charges more than flat.
        if t.method != Method::Flat {
            let flat = schedule(&LoanTerms { method: Method::Flat, ..t }).unwrap();
            prop_assert!(s.total_interest() <= flat.total_interest() + t.months as i64);
        }
    }

    #[test]
    fn allocation_never_loses_or_invents_a_rupiah(
        owed in prop::collection::vec((0i64..50_000, 0i64..200_000, 0i64..2_000_000), 0..8),
        payment in 0i64..20_000_000,
        order in Just(Part::ALL.to_vec()).prop_shuffle(),
    ) {
        let due: Vec<DueItem> = owed.iter().enumerate().map(|(k, &(penalty, interest, principal))| {
            DueItem { no: k as u32 + 1, owed: Parts { penalty, interest, principal } }
        }).collect();
        let order = AllocationOrder::new(order).unwrap();
        let a = allocate(&due, &order, payment);
        prop_assert_eq!(a.paid.total() + a.rest, payment);
        prop_assert!(a.rest >= 0);
        let sum = a.items.iter().fold(Parts::default(), |s, (_, p)| s.add(p));
        prop_assert_eq!(sum, a.paid);
        let owed_total: i64 = due.iter().map(|d| d.owed.total()).sum();
        prop_assert_eq!(a.paid.total(), payment.min(owed_total));
        for (no, got) in &a.items {
            let item = due[*no as usize - 1];
            let mut short = false;
            for &part in order.parts() {
                prop_assert!(got.get(part) >= 0 && got.get(part) <= item.owed.get(part));
                // A later part only gets money once the earlier ones are settled.
                prop_assert!(!short || got.get(part) == 0);
                short |= got.get(part) < item.owed.get(part);
            }
        }
        // Only the last instalment touched may be left partly unpaid.
        for (no, got) in a.items.iter().rev().skip(1) {
            prop_assert_eq!(got.total(), due[*no as usize - 1].owed.total());
        }
    }

    #[test]
    fn payments_are_fully_accounted_for_and_the_loan_always_repays_exactly_what_was_lent(
        t in loan(),
        payments in prop::collection::vec(
            (0i64..70, prop_oneof![0i64..1_000_000, 0i64..=MAX_PRINCIPAL / 4]),
            0..12,
        ),
    ) {
        let mut loan = Loan::new(&t).unwrap();
        let order = AllocationOrder::default();
        let mut on = t.disbursed_on;
        let mut received = 0i64;
        let mut accounted = 0i64;
        for (days, amount) in payments {
            on += chrono::Duration::days(days);
            let r = loan.repay(&order, on, amount);
            prop_assert_eq!(r.total(), amount);
            prop_assert!(r.prepaid_principal >= 0 && r.overpayment >= 0);
            if let Some(rest) = &r.recomputed {
                let left = loan.outstanding_principal() - r.allocation.paid.principal - r.prepaid_principal;
                prop_assert_eq!(rest.instalments.iter().map(|i| i.principal).sum::<i64>(), left);
                prop_assert!(rest.instalments.iter().all(|i| i.principal >= 0 && i.interest >= 0 && i.due_on > on));
                if left > 0 {
                    prop_assert_eq!(rest.instalments.last().unwrap().balance_after, 0);
                }
            }
            received += amount;
            accounted += r.allocation.paid.total() + r.prepaid_principal + r.overpayment;
            loan.apply(&r);
            // The invariant: what the schedule still asks plus what was prepaid is the loan.
            let scheduled: i64 = loan.schedule.instalments.iter().map(|i| i.principal).sum();
            prop_assert_eq!(scheduled + loan.prepaid, t.principal);
            for (i, p) in loan.schedule.instalments.iter().zip(&loan.paid) {
                prop_assert!(p.principal <= i.principal && p.interest <= i.interest);
            }
        }
        prop_assert_eq!(received, accounted);
        // Whatever happened, paying the whole balance after the end settles it.
        let end = loan.schedule.instalments.last().map_or(on, |i| i.due_on.max(on));
        let owed: i64 = loan.due_items(end).iter().map(|d| d.owed.total()).sum();
        let r = loan.repay(&order, end, owed);
        prop_assert_eq!(r.overpayment + r.prepaid_principal, 0);
        loan.apply(&r);
        prop_assert_eq!(loan.outstanding_principal(), 0);
        prop_assert!(loan.due_items(end).is_empty());
    }
}
