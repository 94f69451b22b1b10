//! Loan products, schedules, repayment allocation and prepayment.
//!
//! Interest is counted by month, not by day: each month's interest is the balance times the
//! annual rate / 12, the same for a 28-day February as for a 31-day March, because that is how a
//! co-op's members read their *kartu angsuran*. Instalments fall due on the disbursement's day of
//! the month, one month apart; a day the month does not have becomes the month's last day (a loan
//! paid out on 31 January is due on 28/29 February, then 31 March).
//!
//! Rounding (see [`super`]): each figure is rounded half up to the whole rupiah once; the last
//! instalment takes whatever the divisions left over, so principal repaid == principal lent and the
//! balance after the last instalment is zero, for every method.

use super::{BP_WHOLE, bp_of, round_div};
use crate::Invalid;
use crate::form::choices;
use chrono::{Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

choices!(
    /// How interest is charged.
    Method, field = "metode", what = "metode bunga", {
        /// Interest on the original principal every month; principal in equal parts. The
        /// easiest to explain, and the dearest: the member pays interest on money already repaid.
        Flat = "flat", "Flat (bunga tetap)", "Flat";
        /// Declining balance, equal instalments (*anuitas*): interest on the remaining balance,
        /// the instalment the same every month, the principal part growing.
        Annuity = "anuitas", "Anuitas (angsuran sama)", "Declining balance, equal instalments";
        /// Declining balance, equal principal (*efektif*): interest on the remaining balance,
        /// the principal part the same, so instalments shrink.
        EqualPrincipal = "efektif", "Efektif (pokok sama)", "Declining balance, equal principal";
    }
);

choices!(
    /// Where a loan stands, as the database stores it (`coop_loans.status`).
    LoanStatus, field = "status", what = "status pinjaman", {
        Applied = "diajukan", "Diajukan", "Applied";
        Approved = "disetujui", "Disetujui", "Approved";
        Rejected = "ditolak", "Ditolak", "Rejected";
        /// Paid out and being repaid.
        Disbursed = "dicairkan", "Berjalan", "Being repaid";
        PaidOff = "lunas", "Lunas", "Paid off";
    }
);

/// Loan limits the schedule rules are proven for (the property tests run over the whole range):
/// from Rp100.000 to Rp10 miliar, 1 to 120 months, up to 60 % a year. Larger loans or rates are
/// not a village co-op's business, and below Rp100.000 an annuity over ten years would round to
/// instalments of a few rupiah.
pub const MIN_PRINCIPAL: i64 = 100_000;
pub const MAX_PRINCIPAL: i64 = 10_000_000_000;
pub const MAX_TERM: u32 = 120;
pub const MAX_RATE_BP: u32 = 6_000;

/// Twelve months × 10 000 bp: a monthly interest of `balance × annual_bp / 120 000`.
const MONTH_BP: i128 = 12 * BP_WHOLE as i128;

fn month_interest(balance: i64, annual_bp: u32) -> i64 {
    round_div(balance as i128 * annual_bp as i128, MONTH_BP) as i64
}

choices!(
    /// What a fee charged at disbursement is for.
    FeeKind, field = "biaya", what = "jenis biaya", {
        Provision = "provisi", "Provisi", "Provision";
        Administration = "administrasi", "Administrasi", "Administration";
    }
);

/// How a fee is measured: a fixed amount or a share of the principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FeeBasis {
    Fixed(i64),
    /// Basis points of the principal, rounded half up.
    Bp(u32),
}

/// A fee of a product, charged once when the loan is paid out and paid by the member in cash
/// (not deducted from the disbursement, so the member receives the whole principal they signed
/// for and the fee is its own receipt).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoanFee {
    pub kind: FeeKind,
    pub basis: FeeBasis,
}

impl LoanFee {
    pub fn amount(&self, principal: i64) -> i64 {
        match self.basis {
            FeeBasis::Fixed(a) => a,
            FeeBasis::Bp(bp) => bp_of(principal, bp),
        }
    }
}

/// A loan product as the co-op's *pengurus* define it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LoanProduct {
    /// Short code, e.g. "PRODUKTIF".
    pub code: String,
    pub name: String,
    pub method: Method,
    pub annual_rate_bp: u32,
    pub min_amount: i64,
    pub max_amount: i64,
    pub max_term: u32,
    pub fees: Vec<LoanFee>,
    /// Late-payment penalty per day, in basis points of the overdue instalment amount.
    pub penalty_bp_per_day: u32,
    pub order: AllocationOrder,
}

impl LoanProduct {
    /// Every problem at once.
    pub fn validate(&self) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        if self.annual_rate_bp > MAX_RATE_BP {
            errors.push(Invalid::new(
                "bunga",
                format!("bunga paling tinggi {} % setahun", MAX_RATE_BP / 100),
            ));
        }
        if self.min_amount < MIN_PRINCIPAL
            || self.max_amount > MAX_PRINCIPAL
            || self.min_amount > self.max_amount
        {
            errors.push(Invalid::new(
                "plafon",
                format!(
                    "batas pinjaman harus di antara {} dan {}, dan batas bawah tidak melebihi \
                     batas atas",
                    crate::fees::RUPIAH.format(MIN_PRINCIPAL),
                    crate::fees::RUPIAH.format(MAX_PRINCIPAL)
                ),
            ));
        }
        if !(1..=MAX_TERM).contains(&self.max_term) {
            errors.push(Invalid::new(
                "tenor",
                format!("jangka waktu paling lama harus 1 sampai {MAX_TERM} bulan"),
            ));
        }
        if self.fees.iter().any(|f| match f.basis {
            FeeBasis::Fixed(a) => !(0..=MAX_PRINCIPAL).contains(&a),
            FeeBasis::Bp(bp) => bp > BP_WHOLE as u32,
        }) {
            errors.push(Invalid::new(
                "biaya",
                "biaya tetap tidak boleh negatif, dan biaya persentase paling banyak 100 %",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The fees of a loan of `principal`, in the product's order.
    pub fn fees_for(&self, principal: i64) -> Vec<(FeeKind, i64)> {
        self.fees
            .iter()
            .map(|f| (f.kind, f.amount(principal)))
            .collect()
    }
}

/// What a schedule is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanTerms {
    pub method: Method,
    pub principal: i64,
    pub months: u32,
    pub annual_rate_bp: u32,
    pub disbursed_on: NaiveDate,
}

/// One line of the *kartu angsuran*.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Instalment {
    /// 1-based; kept through a recomputation, so instalment 7 stays instalment 7.
    pub no: u32,
    pub due_on: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub total: i64,
    /// Principal still owed after this instalment.
    pub balance_after: i64,
}

/// The instalments of a loan, in due order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Schedule {
    pub principal: i64,
    pub instalments: Vec<Instalment>,
}

impl Schedule {
    pub fn total_interest(&self) -> i64 {
        self.instalments.iter().map(|i| i.interest).sum()
    }
}

/// The due date of instalment `k` (1-based) of a loan paid out on `start`.
pub fn due_date(start: NaiveDate, k: u32) -> NaiveDate {
    start
        .checked_add_months(Months::new(k))
        .expect("due dates stay within chrono's range")
}

/// The schedule of a loan, refused outside the limits above.
pub fn schedule(t: &LoanTerms) -> Result<Schedule, Invalid> {
    if !(MIN_PRINCIPAL..=MAX_PRINCIPAL).contains(&t.principal) {
        return Err(Invalid::new(
            "jumlah",
            format!(
                "jumlah pinjaman harus di antara {} dan {}",
                crate::fees::RUPIAH.format(MIN_PRINCIPAL),
                crate::fees::RUPIAH.format(MAX_PRINCIPAL)
            ),
        ));
    }
    if !(1..=MAX_TERM).contains(&t.months) {
        return Err(Invalid::new(
            "tenor",
            format!("jangka waktu harus 1 sampai {MAX_TERM} bulan"),
        ));
    }
    if t.annual_rate_bp > MAX_RATE_BP {
        return Err(Invalid::new(
            "bunga",
            format!("bunga paling tinggi {} % setahun", MAX_RATE_BP / 100),
        ));
    }
    let dates: Vec<NaiveDate> = (1..=t.months)
        .map(|k| due_date(t.disbursed_on, k))
        .collect();
    build(t.method, t.principal, t.annual_rate_bp, 1, &dates).ok_or_else(|| {
        Invalid::new(
            "jumlah",
            "jadwal angsuran tidak dapat dihitung; perbesar jumlah atau perpendek jangka waktu",
        )
    })
}

/// The schedule of `principal` over the given due dates, numbered from `first_no`. `None` only
/// when an annuity cannot be formed without a negative part (a balance of a few rupiah spread
/// over many months; never inside the limits, see the property tests).
fn build(
    method: Method,
    principal: i64,
    bp: u32,
    first_no: u32,
    dates: &[NaiveDate],
) -> Option<Schedule> {
    let n = dates.len() as i64;
    assert!(n > 0 && principal >= 0);
    let mut balance = principal;
    let mut rows = Vec::with_capacity(dates.len());
    let flat_total = round_div(principal as i128 * bp as i128 * n as i128, MONTH_BP) as i64;
    let annuity = (method == Method::Annuity).then(|| annuity_payment(principal, bp, n));
    for (k, &due_on) in dates.iter().enumerate() {
        let last = k as i64 == n - 1;
        let (principal_part, interest) = match method {
            Method::Flat if last => (balance, flat_total - (n - 1) * (flat_total / n)),
            Method::Flat => (principal / n, flat_total / n),
            Method::EqualPrincipal if last => (balance, month_interest(balance, bp)),
            Method::EqualPrincipal => (principal / n, month_interest(balance, bp)),
            Method::Annuity if last => (balance, month_interest(balance, bp)),
            Method::Annuity => {
                let interest = month_interest(balance, bp);
                (annuity.unwrap_or(0) - interest, interest)
            }
        };
        if principal_part < 0 || interest < 0 || principal_part > balance {
            return None;
        }
        balance -= principal_part;
        rows.push(Instalment {
            no: first_no + k as u32,
            due_on,
            principal: principal_part,
            interest,
            total: principal_part + interest,
            balance_after: balance,
        });
    }
    Some(Schedule {
        principal,
        instalments: rows,
    })
}

/// What the last instalment of an annuity would come to if every earlier one were `payment`.
fn annuity_last(principal: i64, bp: u32, n: i64, payment: i64) -> i128 {
    let mut balance = principal as i128;
    for _ in 1..n {
        balance -= payment as i128 - round_div(balance * bp as i128, MONTH_BP);
    }
    balance + round_div(balance * bp as i128, MONTH_BP)
}

/// The annuity's instalment: the smallest whole rupiah such that the last instalment is not
/// larger, found by bisection (the last instalment only falls as the instalment rises). The exact
/// textbook formula needs `(1 + r)^n`, which integers cannot hold and floats cannot keep exact;
/// searching over the real month-by-month computation, with its real rounding, gives instalments
/// that are equal to the rupiah and a last one that differs by the rounding only.
fn annuity_payment(principal: i64, bp: u32, n: i64) -> i64 {
    let (mut lo, mut hi) = (0i64, principal + month_interest(principal, bp) + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if annuity_last(principal, bp, n, mid) <= mid as i128 {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Late-payment penalty: `overdue × bp_per_day × days / 10 000`, rounded half up; nothing on or
/// before the due date.
pub fn penalty(overdue: i64, days_late: i64, bp_per_day: u32) -> i64 {
    if days_late <= 0 || overdue <= 0 {
        return 0;
    }
    round_div(
        overdue as i128 * bp_per_day as i128 * days_late as i128,
        BP_WHOLE as i128,
    ) as i64
}

choices!(
    /// A part of what a member owes on an instalment.
    Part, field = "urutan", what = "bagian angsuran", {
        Penalty = "denda", "Denda", "Penalty";
        Interest = "bunga", "Bunga/jasa", "Interest";
        Principal = "pokok", "Pokok", "Principal";
    }
);

/// The order in which a payment settles the parts of each instalment: every part exactly once.
/// The default, penalty → interest → principal, is the usual one: the co-op's income is settled
/// before the member's debt shrinks, so arrears show up as unpaid principal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "Vec<Part>", into = "Vec<Part>")]
pub struct AllocationOrder(Vec<Part>);

impl AllocationOrder {
    pub fn new(parts: Vec<Part>) -> Result<Self, Invalid> {
        if parts.len() != Part::ALL.len() || Part::ALL.iter().any(|p| !parts.contains(p)) {
            return Err(Invalid::new(
                "urutan",
                "urutan pembayaran harus memuat denda, bunga dan pokok, masing-masing satu kali",
            ));
        }
        Ok(AllocationOrder(parts))
    }

    pub fn parts(&self) -> &[Part] {
        &self.0
    }
}

impl Default for AllocationOrder {
    fn default() -> Self {
        AllocationOrder(vec![Part::Penalty, Part::Interest, Part::Principal])
    }
}

impl TryFrom<Vec<Part>> for AllocationOrder {
    type Error = Invalid;
    fn try_from(parts: Vec<Part>) -> Result<Self, Invalid> {
        AllocationOrder::new(parts)
    }
}

impl From<AllocationOrder> for Vec<Part> {
    fn from(o: AllocationOrder) -> Vec<Part> {
        o.0
    }
}

/// Amounts by part: what is owed on an instalment, or what a payment settled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Parts {
    pub penalty: i64,
    pub interest: i64,
    pub principal: i64,
}

impl Parts {
    pub fn total(&self) -> i64 {
        self.penalty + self.interest + self.principal
    }

    pub fn get(&self, part: Part) -> i64 {
        match part {
            Part::Penalty => self.penalty,
            Part::Interest => self.interest,
            Part::Principal => self.principal,
        }
    }

    fn get_mut(&mut self, part: Part) -> &mut i64 {
        match part {
            Part::Penalty => &mut self.penalty,
            Part::Interest => &mut self.interest,
            Part::Principal => &mut self.principal,
        }
    }

    pub fn add(&self, o: &Parts) -> Parts {
        Parts {
            penalty: self.penalty + o.penalty,
            interest: self.interest + o.interest,
            principal: self.principal + o.principal,
        }
    }
}

/// What is still owed on one instalment that has fallen due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueItem {
    pub no: u32,
    pub owed: Parts,
}

/// How a payment was spread over the due instalments.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Allocation {
    /// Per instalment touched, oldest first.
    pub items: Vec<(u32, Parts)>,
    /// The sum of `items`.
    pub paid: Parts,
    /// What was left after every due item was settled.
    pub rest: i64,
}

/// Spreads `payment` over the due items, **oldest instalment first**, each instalment's parts in
/// `order`: the oldest arrears are cleared before a newer instalment is touched, so the days past
/// due fall as soon as the member pays. Invariant: `paid.total() + rest == payment`.
pub fn allocate(due: &[DueItem], order: &AllocationOrder, payment: i64) -> Allocation {
    assert!(payment >= 0, "a payment is never negative");
    let mut left = payment;
    let mut out = Allocation::default();
    for item in due {
        if left == 0 {
            break;
        }
        let mut got = Parts::default();
        for &part in order.parts() {
            let take = item.owed.get(part).max(0).min(left);
            *got.get_mut(part) += take;
            left -= take;
        }
        if got.total() > 0 {
            out.paid = out.paid.add(&got);
            out.items.push((item.no, got));
        }
    }
    out.rest = left;
    out
}

/// What is owed on the instalments due on or before `on`: the schedule minus what was paid
/// (`paid[i]` for `schedule.instalments[i]`) plus the penalty charged so far (`penalties[i]`,
/// already including what was paid of it).
pub fn due_items(
    schedule: &Schedule,
    paid: &[Parts],
    penalties: &[i64],
    on: NaiveDate,
) -> Vec<DueItem> {
    schedule
        .instalments
        .iter()
        .enumerate()
        .filter(|(_, i)| i.due_on <= on)
        .map(|(k, i)| {
            let p = paid.get(k).copied().unwrap_or_default();
            DueItem {
                no: i.no,
                owed: Parts {
                    penalty: penalties.get(k).copied().unwrap_or(0) - p.penalty,
                    interest: i.interest - p.interest,
                    principal: i.principal - p.principal,
                },
            }
        })
        .filter(|d| d.owed.total() > 0)
        .collect()
}

/// The effect of one payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repayment {
    pub allocation: Allocation,
    /// Principal paid ahead of the schedule.
    pub prepaid_principal: i64,
    /// More than the loan owed: to be returned to the member (or kept as a *titipan*).
    pub overpayment: i64,
    /// The recomputed not-yet-due instalments, when there was a prepayment.
    pub recomputed: Option<Recomputed>,
}

/// The instalments from `from_no` on, replaced after a prepayment; none when it settled the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recomputed {
    pub from_no: u32,
    pub instalments: Vec<Instalment>,
}

impl Repayment {
    pub fn total(&self) -> i64 {
        self.allocation.paid.total() + self.prepaid_principal + self.overpayment
    }
}

/// A loan as the books hold it: the schedule as it stands (recomputed after prepayments), what
/// was paid on each instalment, the penalties charged on each, and the principal prepaid.
/// Invariant: the instalments' principal plus `prepaid` is the principal lent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loan {
    pub method: Method,
    pub annual_rate_bp: u32,
    pub principal: i64,
    pub schedule: Schedule,
    /// `paid[i]` for `schedule.instalments[i]`.
    pub paid: Vec<Parts>,
    /// Penalty charged so far on each instalment (the db step charges it, e.g. with
    /// [`penalty`] when a late payment arrives).
    pub penalties: Vec<i64>,
    pub prepaid: i64,
}

impl Loan {
    /// A new loan with its first schedule.
    pub fn new(terms: &LoanTerms) -> Result<Loan, Invalid> {
        let schedule = schedule(terms)?;
        let n = schedule.instalments.len();
        Ok(Loan {
            method: terms.method,
            annual_rate_bp: terms.annual_rate_bp,
            principal: terms.principal,
            schedule,
            paid: vec![Parts::default(); n],
            penalties: vec![0; n],
            prepaid: 0,
        })
    }

    pub fn due_items(&self, on: NaiveDate) -> Vec<DueItem> {
        due_items(&self.schedule, &self.paid, &self.penalties, on)
    }

    /// Principal not yet repaid.
    pub fn outstanding_principal(&self) -> i64 {
        let scheduled: i64 = self.schedule.instalments.iter().map(|i| i.principal).sum();
        let paid: i64 = self.paid.iter().map(|p| p.principal).sum();
        scheduled - paid
    }

    /// What a payment made on `on` would do: first the due instalments ([`allocate`]); whatever
    /// is left prepays principal; beyond the whole outstanding principal it is an overpayment.
    ///
    /// **Prepayment recomputes, it does not shorten**: the not-yet-due instalments keep their
    /// numbers and due dates, and are recomputed with the same method and rate from the reduced
    /// balance. The member's monthly burden falls at once and the end date they signed stays;
    /// the next instalment's interest is on the reduced balance (no interest on money already
    /// returned). A prepayment of the whole balance ends the loan with no further interest. If
    /// an annuity cannot be formed on a tiny remaining balance (a few rupiah over many months)
    /// the rest is recomputed as equal principal, which always can be.
    pub fn repay(&self, order: &AllocationOrder, on: NaiveDate, amount: i64) -> Repayment {
        let allocation = allocate(&self.due_items(on), order, amount);
        let future: Vec<&Instalment> = self
            .schedule
            .instalments
            .iter()
            .filter(|i| i.due_on > on)
            .collect();
        let future_principal: i64 = future.iter().map(|i| i.principal).sum();
        let prepaid = allocation.rest.min(future_principal);
        let overpayment = allocation.rest - prepaid;
        let recomputed = (prepaid > 0).then(|| {
            let left = future_principal - prepaid;
            let dates: Vec<NaiveDate> = future.iter().map(|i| i.due_on).collect();
            let (from_no, bp) = (future[0].no, self.annual_rate_bp);
            let instalments = if left == 0 {
                Vec::new()
            } else {
                build(self.method, left, bp, from_no, &dates)
                    .or_else(|| build(Method::EqualPrincipal, left, bp, from_no, &dates))
                    .expect("equal principal always forms")
                    .instalments
            };
            Recomputed {
                from_no,
                instalments,
            }
        });
        Repayment {
            allocation,
            prepaid_principal: prepaid,
            overpayment,
            recomputed,
        }
    }

    /// Records a payment [`Loan::repay`] computed on this loan as it stands.
    pub fn apply(&mut self, r: &Repayment) {
        for (no, got) in &r.allocation.items {
            if let Some(k) = self.schedule.instalments.iter().position(|i| i.no == *no) {
                self.paid[k] = self.paid[k].add(got);
            }
        }
        if let Some(rest) = &r.recomputed {
            let keep = self
                .schedule
                .instalments
                .iter()
                .take_while(|i| i.no < rest.from_no)
                .count();
            self.schedule.instalments.truncate(keep);
            self.schedule
                .instalments
                .extend(rest.instalments.iter().copied());
            let n = self.schedule.instalments.len();
            self.paid.resize(n, Parts::default());
            self.penalties.resize(n, 0);
            self.prepaid += r.prepaid_principal;
        }
    }
}

#[cfg(test)]
mod tests;
