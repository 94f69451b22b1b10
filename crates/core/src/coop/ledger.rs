//! The co-op's books: a chart of accounts for a savings-and-loan co-op (SAK EP, which
//! Permenkop UKM 2/2024 sets for co-ops), the mapping from products to accounts, journal entries
//! that cannot exist unbalanced, the posting rule of every transaction kind, the period close,
//! and the trial balance, the *neraca* and the *PHU* (*perhitungan hasil usaha*) computed from
//! account balances.
//!
//! Codes have four digits; the first is the type (1 asset, 2 liability, 3 equity, 4 income,
//! 5 expense). Amounts are whole rupiah, always positive on a line; the side says which way.

use super::loan::{FeeKind, Parts};
use super::savings::SavingsKind;
use super::shu::ShuPart;
use crate::Invalid;
use crate::fees::RUPIAH;
use crate::form::choices;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

choices!(
    AccountType, field = "jenis_akun", what = "jenis akun", {
        Asset = "aset", "Aset", "Asset";
        Liability = "kewajiban", "Kewajiban", "Liability";
        Equity = "ekuitas", "Ekuitas", "Equity";
        Income = "pendapatan", "Pendapatan", "Income";
        Expense = "beban", "Beban", "Expense";
    }
);

choices!(
    Side, field = "posisi", what = "posisi", {
        Debit = "debit", "Debit", "Debit";
        Credit = "kredit", "Kredit", "Credit";
    }
);

impl AccountType {
    /// The side an account of this type normally grows on.
    pub fn normal(self) -> Side {
        match self {
            AccountType::Asset | AccountType::Expense => Side::Debit,
            _ => Side::Credit,
        }
    }
}

choices!(
    /// Where simpanan pokok and simpanan wajib are shown. UU 25/1992 Pasal 41 counts them as the
    /// co-op's own capital (equity, the default); under SAK EP savings a member can take back on
    /// leaving may have to be shown as a liability **[verify with the co-op's accountant]**. Both
    /// are supported so the choice is the co-op's, not the software's.
    MemberCapital, field = "simpanan_anggota", what = "penyajian simpanan pokok dan wajib", {
        Equity = "ekuitas", "Ekuitas", "Equity";
        Liability = "kewajiban", "Kewajiban", "Liability";
    }
);

/// One account of the chart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: AccountType,
    /// Usually the type's side; a contra account (the loan-loss allowance, depreciation) is the
    /// other way.
    pub normal: Side,
}

const fn acct(code: &'static str, name: &'static str, kind: AccountType, normal: Side) -> Account {
    Account {
        code,
        name,
        kind,
        normal,
    }
}

use AccountType::{Asset, Equity, Expense, Income, Liability};
use Side::{Credit, Debit};

const COMMON: &[Account] = &[
    acct("1101", "Kas", Asset, Debit),
    acct("1102", "Bank", Asset, Debit),
    acct("1201", "Piutang pinjaman anggota", Asset, Debit),
    acct("1202", "Penyisihan piutang tak tertagih", Asset, Credit),
    acct("1301", "Peralatan dan inventaris", Asset, Debit),
    acct("1302", "Akumulasi penyusutan peralatan", Asset, Credit),
    acct("2101", "Simpanan sukarela", Liability, Credit),
    acct(
        "2201",
        "Titipan anggota (kelebihan bayar)",
        Liability,
        Credit,
    ),
    acct(
        "2301",
        "SHU bagian anggota belum dibayar",
        Liability,
        Credit,
    ),
    acct("2302", "Dana pengurus", Liability, Credit),
    acct("2303", "Dana karyawan", Liability, Credit),
    acct("2304", "Dana pendidikan", Liability, Credit),
    acct("2305", "Dana sosial", Liability, Credit),
    acct("2306", "Dana pembangunan daerah kerja", Liability, Credit),
    acct("3201", "Cadangan", Equity, Credit),
    acct("3301", "Hibah dan donasi", Equity, Credit),
    acct("3401", "SHU tahun berjalan", Equity, Credit),
    acct("4101", "Pendapatan jasa pinjaman", Income, Credit),
    acct("4102", "Pendapatan provisi", Income, Credit),
    acct("4103", "Pendapatan administrasi", Income, Credit),
    acct("4104", "Pendapatan denda", Income, Credit),
    acct("4901", "Pendapatan lain-lain", Income, Credit),
    acct("5101", "Beban jasa simpanan", Expense, Debit),
    acct("5201", "Beban gaji dan honor", Expense, Debit),
    acct("5202", "Beban umum dan administrasi", Expense, Debit),
    acct("5203", "Beban penyisihan piutang", Expense, Debit),
    acct("5204", "Beban penyusutan", Expense, Debit),
    acct("5205", "Beban rapat anggota tahunan", Expense, Debit),
];

const CAPITAL_AS_EQUITY: &[Account] = &[
    acct("3101", "Simpanan pokok", Equity, Credit),
    acct("3102", "Simpanan wajib", Equity, Credit),
];

const CAPITAL_AS_LIABILITY: &[Account] = &[
    acct("2102", "Simpanan pokok", Liability, Credit),
    acct("2103", "Simpanan wajib", Liability, Credit),
];

/// The seed chart, by code.
pub fn chart_of_accounts(capital: MemberCapital) -> Vec<Account> {
    let extra = match capital {
        MemberCapital::Equity => CAPITAL_AS_EQUITY,
        MemberCapital::Liability => CAPITAL_AS_LIABILITY,
    };
    let mut chart: Vec<Account> = COMMON.iter().chain(extra).cloned().collect();
    chart.sort_by_key(|a| a.code);
    chart
}

choices!(
    /// What an account is used for by the posting rules; [`AccountMap`] says which account.
    Role, field = "peran", what = "peran akun", {
        Cash = "kas", "Kas", "Cash";
        LoanReceivable = "piutang_pinjaman", "Piutang pinjaman", "Loans receivable";
        InterestIncome = "pendapatan_jasa", "Pendapatan jasa pinjaman", "Interest income";
        PenaltyIncome = "pendapatan_denda", "Pendapatan denda", "Penalty income";
        ProvisionIncome = "pendapatan_provisi", "Pendapatan provisi", "Provision income";
        AdministrationIncome = "pendapatan_administrasi", "Pendapatan administrasi",
            "Administration income";
        PrincipalSavings = "simpanan_pokok", "Simpanan pokok", "Principal savings";
        MandatorySavings = "simpanan_wajib", "Simpanan wajib", "Mandatory savings";
        VoluntarySavings = "simpanan_sukarela", "Simpanan sukarela", "Voluntary savings";
        Overpayment = "titipan", "Titipan anggota", "Members' overpayments";
        CurrentResult = "shu_berjalan", "SHU tahun berjalan", "Current year's result";
        Reserve = "cadangan", "Cadangan", "Reserve";
        MembersShu = "shu_anggota", "SHU bagian anggota", "Members' SHU payable";
        BoardFund = "dana_pengurus", "Dana pengurus", "Board fund";
        StaffFund = "dana_karyawan", "Dana karyawan", "Staff fund";
        EducationFund = "dana_pendidikan", "Dana pendidikan", "Education fund";
        SocialFund = "dana_sosial", "Dana sosial", "Social fund";
        WorkingAreaFund = "dana_daerah_kerja", "Dana pembangunan daerah kerja",
            "Working-area development fund";
    }
);

impl Role {
    /// The type the mapped account must have; `None` where the setting decides (pokok, wajib).
    fn kind(self) -> Option<AccountType> {
        use Role::*;
        Some(match self {
            Cash | LoanReceivable => Asset,
            InterestIncome | PenaltyIncome | ProvisionIncome | AdministrationIncome => Income,
            PrincipalSavings | MandatorySavings => return None,
            CurrentResult | Reserve => Equity,
            _ => Liability,
        })
    }

    /// The roles a loan product may map to its own accounts.
    pub const PRODUCT: &'static [Role] = &[
        Role::LoanReceivable,
        Role::InterestIncome,
        Role::PenaltyIncome,
        Role::ProvisionIncome,
        Role::AdministrationIncome,
    ];
}

/// Which account each role posts to, with per-product overrides for the loan roles (a co-op
/// that wants the income of its *pinjaman produktif* apart from its *pinjaman konsumtif* maps
/// them to two income accounts).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountMap {
    roles: BTreeMap<Role, String>,
    products: BTreeMap<String, BTreeMap<Role, String>>,
}

impl Ord for Role {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let pos = |r: &Role| Role::ALL.iter().position(|x| x == r);
        pos(self).cmp(&pos(other))
    }
}

impl PartialOrd for Role {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl AccountMap {
    /// The map onto [`chart_of_accounts`] for the given setting.
    pub fn standard(capital: MemberCapital) -> AccountMap {
        use Role::*;
        let (pokok, wajib) = match capital {
            MemberCapital::Equity => ("3101", "3102"),
            MemberCapital::Liability => ("2102", "2103"),
        };
        let roles = [
            (Cash, "1101"),
            (LoanReceivable, "1201"),
            (InterestIncome, "4101"),
            (PenaltyIncome, "4104"),
            (ProvisionIncome, "4102"),
            (AdministrationIncome, "4103"),
            (PrincipalSavings, pokok),
            (MandatorySavings, wajib),
            (VoluntarySavings, "2101"),
            (Overpayment, "2201"),
            (CurrentResult, "3401"),
            (Reserve, "3201"),
            (MembersShu, "2301"),
            (BoardFund, "2302"),
            (StaffFund, "2303"),
            (EducationFund, "2304"),
            (SocialFund, "2305"),
            (WorkingAreaFund, "2306"),
        ];
        AccountMap {
            roles: roles.iter().map(|&(r, c)| (r, c.to_string())).collect(),
            products: BTreeMap::new(),
        }
    }

    /// Maps one loan role of one product to its own account.
    pub fn with_product(mut self, product: &str, role: Role, code: &str) -> AccountMap {
        self.products
            .entry(product.to_string())
            .or_default()
            .insert(role, code.to_string());
        self
    }

    /// Every account that holds the co-op's cash: the standard one and any a product pays from.
    pub fn cash_accounts(&self) -> std::collections::BTreeSet<&str> {
        std::iter::once(&self.roles)
            .chain(self.products.values())
            .filter_map(|roles| roles.get(&Role::Cash))
            .map(String::as_str)
            .collect()
    }

    /// The account of a role, the product's own where it has one.
    pub fn account(&self, role: Role, product: Option<&str>) -> &str {
        product
            .and_then(|p| self.products.get(p))
            .and_then(|m| m.get(&role))
            .or_else(|| self.roles.get(&role))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Every role mapped, onto an account of the chart of the right type; product overrides only
    /// for loan roles. Every problem at once.
    pub fn validate(&self, chart: &[Account]) -> Result<(), Vec<Invalid>> {
        let mut errors = Vec::new();
        let check = |role: Role, code: &str, whose: &str, errors: &mut Vec<Invalid>| {
            let found = chart.iter().find(|a| a.code == code);
            let problem = match (found, role.kind()) {
                (None, _) => format!("akun {code} tidak ada di bagan akun"),
                (Some(a), Some(kind)) if a.kind != kind => format!(
                    "akun {code} {} berjenis {}, padahal harus {}",
                    a.name,
                    a.kind.label_id(),
                    kind.label_id()
                ),
                (Some(a), None) if !matches!(a.kind, Equity | Liability) => format!(
                    "akun {code} {} harus berjenis ekuitas atau kewajiban",
                    a.name
                ),
                _ => return,
            };
            errors.push(Invalid::new(
                "peran",
                format!("{whose}«{}»: {problem}", role.label_id()),
            ));
        };
        for &role in Role::ALL {
            check(role, self.account(role, None), "", &mut errors);
        }
        for (product, roles) in &self.products {
            for (&role, code) in roles {
                if Role::PRODUCT.contains(&role) {
                    check(role, code, &format!("produk {product}, "), &mut errors);
                } else {
                    errors.push(Invalid::new(
                        "peran",
                        format!(
                            "produk {product}: peran «{}» tidak bisa diatur per produk",
                            role.label_id()
                        ),
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// One line of a journal entry: a positive amount on one side of one account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub account: String,
    pub side: Side,
    pub amount: i64,
}

impl Line {
    pub fn debit(account: &str, amount: i64) -> Line {
        Line {
            account: account.to_string(),
            side: Debit,
            amount,
        }
    }

    pub fn credit(account: &str, amount: i64) -> Line {
        Line {
            account: account.to_string(),
            side: Credit,
            amount,
        }
    }
}

/// A journal entry that is balanced by construction: the only way to make one is
/// [`JournalEntry::new`], which refuses fewer than two lines, a zero or negative amount, and
/// debits that differ from credits. (No `Deserialize`: an entry read back from storage is
/// rebuilt through `new`, so a tampered row is refused too.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JournalEntry {
    date: NaiveDate,
    memo: String,
    lines: Vec<Line>,
}

impl JournalEntry {
    /// What the entry does to one account: debits minus credits.
    pub fn net_on(&self, account: &str) -> i64 {
        self.lines
            .iter()
            .filter(|l| l.account == account)
            .map(|l| match l.side {
                Side::Debit => l.amount,
                Side::Credit => -l.amount,
            })
            .sum()
    }

    pub fn new(date: NaiveDate, memo: &str, lines: Vec<Line>) -> Result<JournalEntry, Invalid> {
        let refuse = |m: String| Err(Invalid::new("jurnal", m));
        if lines.len() < 2 {
            return refuse("jurnal harus punya paling sedikit dua baris".into());
        }
        if let Some(l) = lines.iter().find(|l| l.amount <= 0) {
            return refuse(format!(
                "baris akun {} berjumlah {}; setiap baris harus lebih dari nol",
                l.account,
                RUPIAH.format(l.amount)
            ));
        }
        let sum = |side| -> i128 {
            lines
                .iter()
                .filter(|l| l.side == side)
                .map(|l| l.amount as i128)
                .sum()
        };
        let (debit, credit) = (sum(Debit), sum(Credit));
        if debit != credit {
            return refuse(format!(
                "jurnal tidak seimbang: debit {} dan kredit {}",
                RUPIAH.format(debit as i64),
                RUPIAH.format(credit as i64)
            ));
        }
        Ok(JournalEntry {
            date,
            memo: memo.to_string(),
            lines,
        })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn memo(&self) -> &str {
        &self.memo
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The sum of either side (they are equal).
    pub fn total(&self) -> i64 {
        self.lines
            .iter()
            .filter(|l| l.side == Debit)
            .map(|l| l.amount)
            .sum()
    }
}

/// A money event of the co-op, as the posting rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Txn {
    Deposit {
        kind: SavingsKind,
        amount: i64,
    },
    /// Sukarela any time; pokok and wajib only when membership ends (the caller checks).
    Withdrawal {
        kind: SavingsKind,
        amount: i64,
    },
    Disbursement {
        product: String,
        principal: i64,
    },
    /// One payment as [`super::loan::Loan::repay`] split it.
    Repayment {
        product: String,
        paid: Parts,
        prepaid_principal: i64,
        overpayment: i64,
    },
    Fee {
        product: String,
        kind: FeeKind,
        amount: i64,
    },
    /// The RAT's distribution of the closed year's result ([`super::shu::Distribution`]);
    /// `unclaimed` joins the reserve.
    ShuPosting {
        parts: Vec<(ShuPart, i64)>,
        unclaimed: i64,
    },
}

fn savings_role(kind: SavingsKind) -> Role {
    match kind {
        SavingsKind::Principal => Role::PrincipalSavings,
        SavingsKind::Mandatory => Role::MandatorySavings,
        SavingsKind::Voluntary => Role::VoluntarySavings,
    }
}

fn shu_role(part: ShuPart) -> Role {
    match part {
        ShuPart::Reserve => Role::Reserve,
        ShuPart::CapitalService | ShuPart::PatronageService => Role::MembersShu,
        ShuPart::Board => Role::BoardFund,
        ShuPart::Staff => Role::StaffFund,
        ShuPart::Education => Role::EducationFund,
        ShuPart::Social => Role::SocialFund,
        ShuPart::WorkingArea => Role::WorkingAreaFund,
    }
}

/// The balanced entry of a transaction. Every receipt and payment goes through cash (a bank
/// transfer is the db step's choice of the cash role's account). Zero parts are left out; lines
/// on the same account and side are merged, so the entry reads as a *bukti kas* does.
pub fn posting(
    txn: &Txn,
    map: &AccountMap,
    date: NaiveDate,
    memo: &str,
) -> Result<JournalEntry, Invalid> {
    let a = |role: Role, product: Option<&str>| map.account(role, product).to_string();
    let cash = a(Role::Cash, None);
    let mut lines: Vec<(String, Side, i64)> = Vec::new();
    match txn {
        Txn::Deposit { kind, amount } => {
            lines.push((cash, Debit, *amount));
            lines.push((a(savings_role(*kind), None), Credit, *amount));
        }
        Txn::Withdrawal { kind, amount } => {
            lines.push((a(savings_role(*kind), None), Debit, *amount));
            lines.push((cash, Credit, *amount));
        }
        Txn::Disbursement { product, principal } => {
            lines.push((a(Role::LoanReceivable, Some(product)), Debit, *principal));
            lines.push((cash, Credit, *principal));
        }
        Txn::Repayment {
            product,
            paid,
            prepaid_principal,
            overpayment,
        } => {
            let p = Some(product.as_str());
            let total = paid.total() + prepaid_principal + overpayment;
            lines.push((cash, Debit, total));
            lines.push((a(Role::PenaltyIncome, p), Credit, paid.penalty));
            lines.push((a(Role::InterestIncome, p), Credit, paid.interest));
            lines.push((
                a(Role::LoanReceivable, p),
                Credit,
                paid.principal + prepaid_principal,
            ));
            lines.push((a(Role::Overpayment, None), Credit, *overpayment));
        }
        Txn::Fee {
            product,
            kind,
            amount,
        } => {
            let role = match kind {
                FeeKind::Provision => Role::ProvisionIncome,
                FeeKind::Administration => Role::AdministrationIncome,
            };
            lines.push((cash, Debit, *amount));
            lines.push((a(role, Some(product)), Credit, *amount));
        }
        Txn::ShuPosting { parts, unclaimed } => {
            let total: i64 = parts.iter().map(|(_, v)| v).sum();
            lines.push((a(Role::CurrentResult, None), Debit, total));
            for &(part, amount) in parts {
                lines.push((a(shu_role(part), None), Credit, amount));
            }
            // What no member could claim moves from the members' account to the reserve.
            lines.push((a(Role::MembersShu, None), Credit, -unclaimed));
            lines.push((a(Role::Reserve, None), Credit, *unclaimed));
        }
    }
    let mut merged: Vec<Line> = Vec::new();
    for (account, side, amount) in lines {
        match merged
            .iter_mut()
            .find(|l| l.account == account && l.side == side)
        {
            Some(l) => l.amount += amount,
            None => merged.push(Line {
                account,
                side,
                amount,
            }),
        }
    }
    merged.retain(|l| l.amount != 0);
    JournalEntry::new(date, memo, merged)
}

/// The period close: no entry may be dated on or before the last closed day, so figures once
/// reported (to the RAT, to the supervising office) cannot change behind the reader's back. A
/// correction is a new entry in the open period.
pub fn check_open(closed_through: Option<NaiveDate>, date: NaiveDate) -> Result<(), Invalid> {
    match closed_through {
        Some(closed) if date <= closed => Err(Invalid::new(
            "tanggal",
            format!(
                "pembukuan sudah ditutup sampai {}; catat transaksi dengan tanggal sesudahnya, \
                 atau buat jurnal koreksi",
                closed.format("%d-%m-%Y")
            ),
        )),
        _ => Ok(()),
    }
}

/// Moving the close forward: never backwards (a close is not undone), never past `today`.
pub fn check_close(
    closed_through: Option<NaiveDate>,
    new: NaiveDate,
    today: NaiveDate,
) -> Result<(), Invalid> {
    if new > today {
        return Err(Invalid::new(
            "tanggal",
            "tutup buku tidak boleh melewati hari ini",
        ));
    }
    check_open(closed_through, new)
}

/// Debit and credit totals per account code.
pub type Totals = BTreeMap<String, (i64, i64)>;

/// The totals of a set of entries.
pub fn totals<'a>(entries: impl IntoIterator<Item = &'a JournalEntry>) -> Totals {
    let mut t = Totals::new();
    for line in entries.into_iter().flat_map(|e| &e.lines) {
        let row = t.entry(line.account.clone()).or_default();
        match line.side {
            Debit => row.0 += line.amount,
            Credit => row.1 += line.amount,
        }
    }
    t
}

/// One row of a statement: the balance, signed by the account's type (an asset's debit balance
/// is positive; a contra asset shows negative).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    pub code: &'static str,
    pub name: &'static str,
    pub amount: i64,
}

fn rows(chart: &[Account], totals: &Totals, kind: AccountType) -> Vec<Row> {
    chart
        .iter()
        .filter(|a| a.kind == kind)
        .map(|a| {
            let (d, c) = totals.get(a.code).copied().unwrap_or_default();
            let amount = match kind.normal() {
                Debit => d - c,
                Credit => c - d,
            };
            Row {
                code: a.code,
                name: a.name,
                amount,
            }
        })
        .collect()
}

fn sum(rows: &[Row]) -> i64 {
    rows.iter().map(|r| r.amount).sum()
}

/// Trial balance (*neraca saldo*): each account's balance on its debit or credit column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrialBalance {
    /// (code, name, debit, credit); one of the two is zero.
    pub rows: Vec<(&'static str, &'static str, i64, i64)>,
    pub debit: i64,
    pub credit: i64,
    /// Codes that carry amounts but are not in the chart (a data error the page must show).
    pub unknown: Vec<String>,
}

pub fn trial_balance(chart: &[Account], totals: &Totals) -> TrialBalance {
    let rows: Vec<_> = chart
        .iter()
        .map(|a| {
            let (d, c) = totals.get(a.code).copied().unwrap_or_default();
            let net = d - c;
            (a.code, a.name, net.max(0), (-net).max(0))
        })
        .collect();
    TrialBalance {
        debit: rows.iter().map(|r| r.2).sum(),
        credit: rows.iter().map(|r| r.3).sum(),
        rows,
        unknown: totals
            .keys()
            .filter(|k| !chart.iter().any(|a| a.code == k.as_str()))
            .cloned()
            .collect(),
    }
}

/// The *neraca* (balance sheet). `current_result` is income minus expense not yet closed into
/// [`Role::CurrentResult`]; once the year is closed it is zero and the result sits in equity.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Neraca {
    pub assets: Vec<Row>,
    pub liabilities: Vec<Row>,
    pub equity: Vec<Row>,
    pub total_assets: i64,
    pub total_liabilities: i64,
    pub total_equity: i64,
    pub current_result: i64,
}

impl Neraca {
    /// Assets = liabilities + equity + the current result; true whenever every entry balanced.
    pub fn balanced(&self) -> bool {
        self.total_assets == self.total_liabilities + self.total_equity + self.current_result
    }
}

pub fn neraca(chart: &[Account], totals: &Totals) -> Neraca {
    let (assets, liabilities, equity) = (
        rows(chart, totals, Asset),
        rows(chart, totals, Liability),
        rows(chart, totals, Equity),
    );
    Neraca {
        total_assets: sum(&assets),
        total_liabilities: sum(&liabilities),
        total_equity: sum(&equity),
        current_result: phu(chart, totals).result,
        assets,
        liabilities,
        equity,
    }
}

/// The *PHU* (*perhitungan hasil usaha*, income statement).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Phu {
    pub income: Vec<Row>,
    pub expense: Vec<Row>,
    pub total_income: i64,
    pub total_expense: i64,
    /// The SHU before distribution: income minus expense (negative is a loss).
    pub result: i64,
}

pub fn phu(chart: &[Account], totals: &Totals) -> Phu {
    let (income, expense) = (rows(chart, totals, Income), rows(chart, totals, Expense));
    let (total_income, total_expense) = (sum(&income), sum(&expense));
    Phu {
        result: total_income - total_expense,
        income,
        expense,
        total_income,
        total_expense,
    }
}

/// The year-end closing entry: every income and expense account back to zero, the net into
/// [`Role::CurrentResult`]. `None` when there is nothing to close.
pub fn closing_entry(
    chart: &[Account],
    totals: &Totals,
    map: &AccountMap,
    year_end: NaiveDate,
) -> Option<JournalEntry> {
    let p = phu(chart, totals);
    let mut lines = Vec::new();
    for r in &p.income {
        match r.amount {
            a if a > 0 => lines.push(Line::debit(r.code, a)),
            a if a < 0 => lines.push(Line::credit(r.code, -a)),
            _ => {}
        }
    }
    for r in &p.expense {
        match r.amount {
            a if a > 0 => lines.push(Line::credit(r.code, a)),
            a if a < 0 => lines.push(Line::debit(r.code, -a)),
            _ => {}
        }
    }
    let result = map.account(Role::CurrentResult, None);
    match p.result {
        r if r > 0 => lines.push(Line::credit(result, r)),
        r if r < 0 => lines.push(Line::debit(result, -r)),
        _ => {}
    }
    JournalEntry::new(year_end, "Tutup buku: hasil usaha tahun berjalan", lines).ok()
}

/// Cash cannot go below nothing: a payout (a loan disbursed, savings withdrawn) is refused when the
/// cash account does not hold it, with what it does hold.
pub fn cover(cash: i64, payout: i64) -> Result<(), Invalid> {
    if payout <= cash {
        return Ok(());
    }
    Err(Invalid::new(
        "jumlah",
        format!(
            "kas koperasi hanya Rp {}; Rp {} tidak dapat dibayarkan",
            crate::fees::format_amount(cash.max(0)),
            crate::fees::format_amount(payout)
        ),
    ))
}

#[cfg(test)]
mod tests;
