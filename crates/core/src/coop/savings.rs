//! Members' savings: *simpanan pokok* (once, on joining), *simpanan wajib* (every month while a
//! member) and *simpanan sukarela* (voluntary, withdrawable). UU 25/1992 Pasal 41 counts pokok
//! and wajib as the co-op's own capital; whether the books show them as equity or as a liability
//! is a setting of the ledger ([`super::ledger::MemberCapital`]).

use crate::Invalid;
use crate::fees::RUPIAH;
use crate::form::choices;
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

choices!(
    /// The kinds of member savings.
    SavingsKind, field = "jenis", what = "jenis simpanan", {
        /// Paid once, when joining; returned only when membership ends.
        Principal = "pokok", "Simpanan pokok", "Principal savings";
        /// A fixed amount every month; returned only when membership ends.
        Mandatory = "wajib", "Simpanan wajib", "Mandatory savings";
        /// Any amount, any time; withdrawable down to zero.
        Voluntary = "sukarela", "Simpanan sukarela", "Voluntary savings";
    }
);

/// Simpanan pokok: exactly the amount the articles set, once. `already_paid` is what the member
/// has paid of it so far.
pub fn check_principal_deposit(
    required: i64,
    already_paid: i64,
    amount: i64,
) -> Result<(), Invalid> {
    if already_paid >= required {
        return Err(Invalid::new(
            "jenis",
            "simpanan pokok sudah lunas; simpanan pokok hanya dibayar sekali",
        ));
    }
    if amount != required - already_paid {
        return Err(Invalid::new(
            "jumlah",
            format!(
                "simpanan pokok harus dibayar {}, tidak lebih dan tidak kurang",
                RUPIAH.format(required - already_paid)
            ),
        ));
    }
    Ok(())
}

/// Simpanan sukarela withdrawal: the new balance, or a refusal when the balance would go below
/// zero. This is the rule; the database step must also hold a lock (or a conditional update) so
/// two withdrawals at once cannot both pass it.
pub fn withdraw(balance: i64, amount: i64) -> Result<i64, Invalid> {
    if amount <= 0 {
        return Err(Invalid::new(
            "jumlah",
            "jumlah penarikan harus lebih dari nol",
        ));
    }
    if amount > balance {
        return Err(Invalid::new(
            "jumlah",
            format!(
                "saldo simpanan sukarela hanya {}; penarikan tidak boleh melebihi saldo",
                RUPIAH.format(balance.max(0))
            ),
        ));
    }
    Ok(balance - amount)
}

/// Where a member stands with simpanan wajib on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MandatoryStatus {
    /// Calendar months owed so far, the joining month included.
    pub months_due: i64,
    /// Months fully covered by what was paid.
    pub months_paid: i64,
    /// Months owed and not covered (0 when the member is ahead).
    pub arrears_months: i64,
    pub arrears_amount: i64,
    /// Paid beyond the months due: whole months ahead plus a part month, in rupiah.
    pub paid_ahead: i64,
}

/// Simpanan wajib by calendar month: owed for every month from the joining month through the
/// month of `on`, or of leaving if earlier (a member who joins on the 28th owes that month; one
/// who leaves on the 2nd owes that month too — the month is the unit, as the articles write it).
/// Payments are summed and cover the oldest months first, so their dates do not matter; a part
/// payment covers no month until it is whole.
///
/// One amount for the whole membership; a change of the amount by the RAT is a dated list the
/// db step adds by calling this once per stretch of months.
pub fn mandatory_status(
    monthly: i64,
    joined: NaiveDate,
    left: Option<NaiveDate>,
    on: NaiveDate,
    paid_total: i64,
) -> MandatoryStatus {
    assert!(monthly > 0 && paid_total >= 0);
    let end = left.map_or(on, |l| l.min(on));
    let month_no = |d: NaiveDate| d.year() as i64 * 12 + d.month0() as i64;
    let months_due = (month_no(end) - month_no(joined) + 1).max(0);
    let owed = monthly * months_due;
    let months_paid = paid_total / monthly;
    let arrears_months = (months_due - months_paid).max(0);
    MandatoryStatus {
        months_due,
        months_paid,
        arrears_months,
        arrears_amount: (owed - paid_total).max(0),
        paid_ahead: (paid_total - owed).max(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn principal_savings_are_paid_once_and_exactly() {
        assert!(check_principal_deposit(100_000, 0, 100_000).is_ok());
        assert!(check_principal_deposit(100_000, 40_000, 60_000).is_ok());
        let e = check_principal_deposit(100_000, 0, 50_000).unwrap_err();
        assert!(e.message.contains("Rp100.000"), "{e}");
        assert!(
            check_principal_deposit(100_000, 100_000, 100_000)
                .unwrap_err()
                .message
                .contains("sekali")
        );
    }

    #[test]
    fn voluntary_withdrawal_stops_at_zero() {
        assert_eq!(withdraw(50_000, 50_000), Ok(0));
        assert_eq!(withdraw(50_000, 20_000), Ok(30_000));
        assert!(
            withdraw(50_000, 50_001)
                .unwrap_err()
                .message
                .contains("Rp50.000")
        );
        assert!(withdraw(50_000, 0).is_err());
        assert!(withdraw(50_000, -5).is_err());
    }

    #[test]
    fn mandatory_savings_count_calendar_months() {
        // Joined 28 Jan, on 2 Apr: January, February, March, April are owed.
        let s = mandatory_status(20_000, d("2026-01-28"), None, d("2026-04-02"), 50_000);
        assert_eq!(s.months_due, 4);
        assert_eq!(s.months_paid, 2);
        assert_eq!(s.arrears_months, 2);
        assert_eq!(s.arrears_amount, 30_000);
        assert_eq!(s.paid_ahead, 0);
        // Left in February: nothing owed after it.
        let s = mandatory_status(
            20_000,
            d("2026-01-28"),
            Some(d("2026-02-02")),
            d("2026-12-31"),
            40_000,
        );
        assert_eq!(
            (s.months_due, s.arrears_months, s.arrears_amount),
            (2, 0, 0)
        );
        // Paid ahead across a year end.
        let s = mandatory_status(20_000, d("2025-12-01"), None, d("2026-01-15"), 100_000);
        assert_eq!((s.months_due, s.months_paid, s.paid_ahead), (2, 5, 60_000));
        // Not a member yet.
        assert_eq!(
            mandatory_status(20_000, d("2026-03-01"), None, d("2026-02-01"), 0).months_due,
            0
        );
    }

    proptest! {
        #[test]
        fn withdrawals_never_leave_a_negative_balance(
            start in 0i64..10_000_000,
            amounts in prop::collection::vec(-10i64..3_000_000, 0..20),
        ) {
            let mut balance = start;
            for a in amounts {
                match withdraw(balance, a) {
                    Ok(b) => { prop_assert!(a > 0 && b == balance - a); balance = b; }
                    Err(_) => prop_assert!(a <= 0 || a > balance),
                }
                prop_assert!(balance >= 0);
            }
        }

        #[test]
        fn mandatory_arrears_and_advance_are_what_was_owed_minus_what_was_paid(
            monthly in 1i64..500_000,
            joined_days in 0i64..3_000,
            span in -100i64..3_000,
            paid in 0i64..100_000_000,
        ) {
            let joined = d("2018-01-01") + chrono::Duration::days(joined_days);
            let on = joined + chrono::Duration::days(span);
            let s = mandatory_status(monthly, joined, None, on, paid);
            prop_assert!(s.months_due >= 0 && s.arrears_months >= 0);
            prop_assert_eq!(s.arrears_amount - s.paid_ahead, monthly * s.months_due - paid);
            prop_assert!(s.arrears_amount == 0 || s.paid_ahead == 0);
            prop_assert_eq!(s.arrears_months == 0, s.months_paid >= s.months_due);
        }
    }
}
