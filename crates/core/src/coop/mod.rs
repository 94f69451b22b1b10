//! Pillar 4, the village cooperative (*koperasi simpan pinjam*): members' savings, loans and their
//! schedules, the ledger, and the year's result (*SHU*) shared back to the members. This module
//! holds the rules only — no database, no pages — so the page, the API and the CLI compute the same
//! rupiah.
//!
//! # Money rules
//!
//! - **Integer rupiah.** Every amount is an `i64` of whole rupiah; there is no floating point in
//!   any money path. Intermediate products are taken in `i128`, so `amount × rate × months` cannot
//!   overflow for any amount up to [`crate::fees::MAX_MONEY`].
//! - **Rates are basis points.** 1 bp = 0.01 %; an annual rate of 18 % is `1800`. A monthly rate
//!   is the annual rate divided by 12, kept as the exact fraction `bp / 120 000` (never rounded on
//!   its own).
//! - **One rounding rule: half up to the whole rupiah**, applied once per computed figure (an
//!   instalment's interest, a fee, a penalty) — see [`round_div`]. A co-op's members check the
//!   arithmetic by hand, and half-up is what they learnt at school.
//! - **The last instalment absorbs the remainder.** Principal parts are whole rupiah; whatever the
//!   division left over lands in the last instalment, so the principal repaid equals the principal
//!   lent exactly, and the balance after the last instalment is zero ([`loan`]).
//! - **Shares use the largest-remainder method.** A pool split by weights (the SHU by savings and
//!   by interest paid, the SHU by the RAT's percentages) first gives everyone the floor of their
//!   exact share, then hands the leftover rupiah one by one to the largest fractional remainders,
//!   ties broken by the order of the keys (member id) — see [`largest_remainder`]. The parts add
//!   up to the pool exactly; nobody's share is negative; a zero weight gets zero. (Fineract's
//!   dividends are computed in floating point with the remainder dropped, on capital only; this is
//!   the rule that replaces it.)
//!
//! The submodules: [`loan`] (products, schedules, repayment allocation, prepayment), [`arrears`]
//! (collectibility), [`ledger`] (chart of accounts, balanced journal entries, posting rules, period
//! close, trial balance, neraca, PHU), [`savings`] (simpanan pokok, wajib, sukarela), [`shu`]
//! (the RAT's allocation and the members' shares), [`forms`] (the staff forms' checks) and
//! [`report`] (the member statement and the RAT pack, ready for the PDF and the spreadsheet).

pub mod arrears;
pub mod forms;
pub mod ledger;
pub mod loan;
pub mod report;
pub mod savings;
pub mod shu;

/// Basis points in one whole (100 %).
pub const BP_WHOLE: i64 = 10_000;

/// `num / den` rounded half up to a whole number (`den > 0`): 2,5 → 3, 2,49 → 2, −2,5 → −2. The
/// one rounding rule of every money figure here. Works on the exact `i128` product, so a rate and
/// an amount are multiplied before anything is dropped.
pub fn round_div(num: i128, den: i128) -> i128 {
    assert!(den > 0, "round_div needs a positive divisor");
    (2 * num + den).div_euclid(2 * den)
}

/// `amount × bp / 10 000`, rounded half up: a fee or a share given in basis points.
pub fn bp_of(amount: i64, bp: u32) -> i64 {
    round_div(amount as i128 * bp as i128, BP_WHOLE as i128) as i64
}

/// Splits `pool` rupiah between `weights` in proportion, exactly: each gets the floor of
/// `pool × weight / Σweight`, and the rupiah left over go one each to the largest fractional
/// remainders; equal remainders go to the earlier position, so callers sort by a stable key
/// (member id, the RAT's order of parts) to make ties deterministic.
///
/// Returns `None` when the weights are all zero and the pool is not: there is nobody to share
/// with, and the caller decides where the pool goes (the SHU sends it to the reserve). Negative
/// weights and a negative pool are a caller's bug and panic.
pub fn largest_remainder(pool: i64, weights: &[i64]) -> Option<Vec<i64>> {
    assert!(pool >= 0, "a negative pool cannot be shared");
    assert!(
        weights.iter().all(|&w| w >= 0),
        "weights are never negative"
    );
    let total: i128 = weights.iter().map(|&w| w as i128).sum();
    if total == 0 {
        return (pool == 0).then(|| vec![0; weights.len()]);
    }
    let exact: Vec<i128> = weights.iter().map(|&w| pool as i128 * w as i128).collect();
    let mut shares: Vec<i64> = exact.iter().map(|e| (e / total) as i64).collect();
    let given: i64 = shares.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first; the stable sort keeps the earlier position first among equals.
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % total));
    for &i in order.iter().take((pool - given) as usize) {
        shares[i] += 1;
    }
    Some(shares)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounding_is_half_up() {
        assert_eq!(round_div(5, 2), 3);
        assert_eq!(round_div(249, 100), 2);
        assert_eq!(round_div(250, 100), 3);
        assert_eq!(round_div(-5, 2), -2);
        assert_eq!(round_div(-6, 2), -3);
        assert_eq!(round_div(0, 7), 0);
        assert_eq!(bp_of(1_000_000, 150), 15_000);
        assert_eq!(bp_of(333, 5_000), 167);
    }

    #[test]
    fn largest_remainder_hands_out_the_leftover_to_the_largest_fractions_then_the_first() {
        // 100 / 3 = 33,33 each: one rupiah left, to the first of three equal remainders.
        assert_eq!(largest_remainder(100, &[1, 1, 1]), Some(vec![34, 33, 33]));
        // 10 by 1:2:3 → 1,67 / 3,33 / 5 → floors 1,3,5 (9), the leftover to the 0,67.
        assert_eq!(largest_remainder(10, &[1, 2, 3]), Some(vec![2, 3, 5]));
        assert_eq!(largest_remainder(10, &[0, 5, 0]), Some(vec![0, 10, 0]));
        assert_eq!(largest_remainder(10, &[0, 0]), None);
        assert_eq!(largest_remainder(0, &[0, 0]), Some(vec![0, 0]));
        assert_eq!(largest_remainder(0, &[]), Some(vec![]));
        assert_eq!(largest_remainder(7, &[]), None);
    }

    proptest! {
        #[test]
        fn shares_add_up_to_the_pool_and_respect_the_weights(
            pool in 0i64..10_000_000_000_000,
            weights in prop::collection::vec(prop_oneof![Just(0i64), 0i64..10_000_000_000_000], 1..40),
        ) {
            match largest_remainder(pool, &weights) {
                None => prop_assert!(pool > 0 && weights.iter().all(|&w| w == 0)),
                Some(shares) => {
                    prop_assert_eq!(shares.len(), weights.len());
                    prop_assert_eq!(shares.iter().sum::<i64>(), pool);
                    let total: i128 = weights.iter().map(|&w| w as i128).sum();
                    for (s, w) in shares.iter().zip(&weights) {
                        prop_assert!(*s >= 0);
                        if *w == 0 { prop_assert_eq!(*s, 0); }
                        // Never more than one rupiah from the exact share.
                        let exact = pool as i128 * *w as i128;
                        let floor = exact / total.max(1);
                        prop_assert!(*s as i128 == floor || *s as i128 == floor + 1);
                    }
                    // A larger weight never gets less.
                    for i in 0..weights.len() {
                        for j in 0..weights.len() {
                            if weights[i] > weights[j] { prop_assert!(shares[i] >= shares[j]); }
                        }
                    }
                }
            }
        }
    }
}
