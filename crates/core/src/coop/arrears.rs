//! Arrears ageing: how many days a loan is past due, and the collectibility class
//! (*kolektibilitas*) that follows — the figure the *pengawas* reads first and the one the early
//! warning across modules watches.
//!
//! Days past due count from the oldest instalment that is due and not fully paid (principal or
//! interest; an unpaid penalty alone does not age a loan, or a fine would keep a repaid loan in
//! arrears forever). A loan due today is not late; paid one day after the due date it was one day
//! past due.

use super::loan::{Parts, Schedule};
use crate::Invalid;
use crate::form::choices;
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

choices!(
    /// The four classes a savings-and-loan co-op reports its loans in.
    Collectibility, field = "kolektibilitas", what = "kolektibilitas", {
        Current = "lancar", "Lancar", "Current";
        Substandard = "kurang_lancar", "Kurang lancar", "Substandard";
        Doubtful = "diragukan", "Diragukan", "Doubtful";
        Loss = "macet", "Macet", "Loss";
    }
);

/// The first day past due of each class after *lancar*; data, because each co-op's policy (and
/// the supervising office) sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgeingThresholds {
    substandard_from: u32,
    doubtful_from: u32,
    loss_from: u32,
}

impl AgeingThresholds {
    /// Refused unless `0 < substandard < doubtful < loss`: a class that starts on day 0 would
    /// call a loan due today bad, and crossing thresholds would make a class empty or backwards.
    pub fn new(substandard_from: u32, doubtful_from: u32, loss_from: u32) -> Result<Self, Invalid> {
        if substandard_from == 0 || substandard_from >= doubtful_from || doubtful_from >= loss_from
        {
            return Err(Invalid::new(
                "kolektibilitas",
                "batas hari tunggakan harus naik: kurang lancar lebih dari 0 hari, diragukan \
                 sesudah kurang lancar, macet sesudah diragukan",
            ));
        }
        Ok(AgeingThresholds {
            substandard_from,
            doubtful_from,
            loss_from,
        })
    }

    pub fn days(&self) -> [u32; 3] {
        [self.substandard_from, self.doubtful_from, self.loss_from]
    }

    pub fn classify(&self, days_past_due: i64) -> Collectibility {
        match days_past_due {
            d if d >= self.loss_from as i64 => Collectibility::Loss,
            d if d >= self.doubtful_from as i64 => Collectibility::Doubtful,
            d if d >= self.substandard_from as i64 => Collectibility::Substandard,
            _ => Collectibility::Current,
        }
    }
}

/// 91 / 121 / 181 days: the banks' ladder (OJK) with its "special mention" class (1–90 days)
/// folded into *lancar*. A starting point only; the co-op's own policy replaces it **[verify
/// against the supervising office's rule for KSP]**.
impl Default for AgeingThresholds {
    fn default() -> Self {
        AgeingThresholds {
            substandard_from: 91,
            doubtful_from: 121,
            loss_from: 181,
        }
    }
}

/// Days past due on `on`: from the oldest instalment due before `on` whose principal or interest
/// is not fully paid; 0 when none is.
pub fn days_past_due(schedule: &Schedule, paid: &[Parts], on: NaiveDate) -> i64 {
    schedule
        .instalments
        .iter()
        .enumerate()
        .find(|(k, i)| {
            let p = paid.get(*k).copied().unwrap_or_default();
            i.due_on < on && (p.principal < i.principal || p.interest < i.interest)
        })
        .map_or(0, |(_, i)| (on - i.due_on).num_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coop::loan::{LoanTerms, Method, schedule};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn default_ladder() {
        let t = AgeingThresholds::default();
        let class = |days| t.classify(days);
        assert_eq!(class(0), Collectibility::Current);
        assert_eq!(class(90), Collectibility::Current);
        assert_eq!(class(91), Collectibility::Substandard);
        assert_eq!(class(120), Collectibility::Substandard);
        assert_eq!(class(121), Collectibility::Doubtful);
        assert_eq!(class(181), Collectibility::Loss);
        assert_eq!(class(5000), Collectibility::Loss);
    }

    #[test]
    fn thresholds_must_increase() {
        assert!(AgeingThresholds::new(1, 2, 3).is_ok());
        assert!(AgeingThresholds::new(0, 2, 3).is_err());
        assert!(AgeingThresholds::new(30, 30, 90).is_err());
        let e = AgeingThresholds::new(90, 60, 180).unwrap_err();
        assert!(e.message.contains("harus naik"));
    }

    #[test]
    fn days_count_from_the_oldest_unpaid_due_instalment() {
        let s = schedule(&LoanTerms {
            method: Method::Flat,
            principal: 1_200_000,
            months: 12,
            annual_rate_bp: 1_200,
            disbursed_on: d("2026-01-10"),
        })
        .unwrap();
        let mut paid = vec![Parts::default(); 12];
        assert_eq!(days_past_due(&s, &paid, d("2026-02-10")), 0);
        assert_eq!(days_past_due(&s, &paid, d("2026-02-11")), 1);
        assert_eq!(days_past_due(&s, &paid, d("2026-04-11")), 60);
        paid[0] = Parts {
            penalty: 0,
            interest: 12_000,
            principal: 100_000,
        };
        assert_eq!(days_past_due(&s, &paid, d("2026-04-11")), 32);
        paid[1] = Parts {
            penalty: 0,
            interest: 12_000,
            principal: 99_999,
        };
        assert_eq!(days_past_due(&s, &paid, d("2026-04-11")), 32);
    }

    proptest! {
        #[test]
        fn classes_never_improve_as_days_pass(
            mut days in prop::collection::vec(1u32..2000, 3),
            a in -10i64..3000,
            b in -10i64..3000,
        ) {
            days.sort();
            days.dedup();
            prop_assume!(days.len() == 3);
            let t = AgeingThresholds::new(days[0], days[1], days[2]).unwrap();
            let (lo, hi) = (a.min(b), a.max(b));
            let rank = |c| Collectibility::ALL.iter().position(|x| *x == c).unwrap();
            prop_assert!(rank(t.classify(lo)) <= rank(t.classify(hi)));
            prop_assert_eq!(t.classify(lo.min(0)), Collectibility::Current);
        }
    }
}
