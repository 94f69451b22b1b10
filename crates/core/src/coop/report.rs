//! The cooperative's printable reports: the member statement (*rekening anggota*) and the pack
//! for the members' annual meeting (*RAT*). Each is a document model built from typed inputs;
//! the web layer fills the inputs from the database, gives [`MemberStatement::to_json`] or
//! [`RatPack::to_json`] to the PDF templates, and [`RatPack::tables`] to the spreadsheet writer.
//!
//! Every amount is a [`Money`]: the whole rupiah (what the spreadsheet sums) next to the text
//! printed on paper, made here once so the PDF and the pages cannot round or format differently.
//! Names and other values are plain data: the templates receive them as JSON text, never as
//! Typst source.

use super::forms::Direction;
use super::ledger::{Neraca, Phu, Row};
use super::loan::LoanStatus;
use super::savings::SavingsKind;
use super::shu::{ShuPart, ShuStatus, percent};
use crate::fees::{RUPIAH, format_amount};
use crate::letters::indonesian_date;
use chrono::NaiveDate;
use serde::Serialize;

/// An amount in whole rupiah and as printed ("Rp1.250.000").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Money {
    pub amount: i64,
    pub text: String,
}

impl Money {
    pub fn new(amount: i64) -> Money {
        // The sign before the symbol, so a loss or a contra account reads "-Rp200.000".
        let digits = format_amount(amount);
        let text = match digits.strip_prefix('-') {
            Some(d) => format!("-{}{d}", RUPIAH.symbol),
            None => format!("{}{digits}", RUPIAH.symbol),
        };
        Money { amount, text }
    }
}

/// Who prints, for whom and when: the heading and footer of every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// The cooperative's name, e.g. "Koperasi Desa Kenanga".
    pub cooperative: String,
    pub village: String,
    /// The printing day as Indonesians write it ("27 November 2026").
    pub printed_on: String,
    /// The staff member's display name.
    pub printed_by: String,
}

impl Heading {
    pub fn new(cooperative: &str, village: &str, printed_on: NaiveDate, printed_by: &str) -> Self {
        Heading {
            cooperative: cooperative.to_owned(),
            village: village.to_owned(),
            printed_on: indonesian_date(printed_on),
            printed_by: printed_by.to_owned(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Member statement
// ---------------------------------------------------------------------------------------------

/// The member a statement is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub number: String,
    pub name: String,
    pub joined_on: NaiveDate,
}

/// One savings transaction with the running balances after it, oldest first (what the
/// database's statement query gives).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementLine {
    pub on: NaiveDate,
    pub kind: SavingsKind,
    pub direction: Direction,
    pub amount: i64,
    /// The balance of this kind of savings after the line.
    pub balance: i64,
    /// All the member's savings after the line.
    pub total: i64,
}

/// One of the member's loans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLoan {
    pub product: String,
    pub principal: i64,
    pub status: LoanStatus,
    /// Principal still owed (zero once paid off).
    pub outstanding: i64,
}

/// A savings kind's balance on the statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindBalance {
    pub kind: SavingsKind,
    pub label: &'static str,
    pub balance: Money,
}

/// A statement line as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    pub date: String,
    pub kind: &'static str,
    pub direction: &'static str,
    pub amount: Money,
    pub balance: Money,
    pub total: Money,
}

/// A loan as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanRow {
    pub product: String,
    pub principal: Money,
    pub status: &'static str,
    pub outstanding: Money,
}

/// The member statement (*rekening anggota*): balances per savings kind, every savings
/// transaction, and the member's loans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberStatement {
    #[serde(flatten)]
    pub heading: Heading,
    pub member_number: String,
    pub member_name: String,
    pub joined_on: String,
    /// Pokok, wajib and sukarela, in that order, each after the member's last line.
    pub balances: Vec<KindBalance>,
    pub total: Money,
    pub lines: Vec<StatementRow>,
    pub loans: Vec<LoanRow>,
    /// Principal still owed on all loans.
    pub outstanding: Money,
}

impl MemberStatement {
    pub fn new(
        heading: Heading,
        member: &Member,
        lines: &[StatementLine],
        loans: &[MemberLoan],
    ) -> MemberStatement {
        let balances: Vec<KindBalance> = SavingsKind::ALL
            .iter()
            .map(|&kind| KindBalance {
                kind,
                label: kind.label_id(),
                balance: Money::new(
                    lines
                        .iter()
                        .rfind(|l| l.kind == kind)
                        .map_or(0, |l| l.balance),
                ),
            })
            .collect();
        MemberStatement {
            heading,
            member_number: member.number.clone(),
            member_name: member.name.clone(),
            joined_on: indonesian_date(member.joined_on),
            total: Money::new(balances.iter().map(|b| b.balance.amount).sum()),
            balances,
            lines: lines
                .iter()
                .map(|l| StatementRow {
                    date: indonesian_date(l.on),
                    kind: l.kind.label_id(),
                    direction: l.direction.label_id(),
                    amount: Money::new(l.amount),
                    balance: Money::new(l.balance),
                    total: Money::new(l.total),
                })
                .collect(),
            loans: loans
                .iter()
                .map(|l| LoanRow {
                    product: l.product.clone(),
                    principal: Money::new(l.principal),
                    status: l.status.label_id(),
                    outstanding: Money::new(l.outstanding),
                })
                .collect(),
            outstanding: Money::new(loans.iter().map(|l| l.outstanding).sum()),
        }
    }

    /// The data of the `rekening_anggota` template.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a statement serialises")
    }
}

// ---------------------------------------------------------------------------------------------
// RAT pack
// ---------------------------------------------------------------------------------------------

/// A year's SHU run as stored: its status, the parts and every member's share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShuRun {
    pub status: ShuStatus,
    /// The year's result that was shared.
    pub result: i64,
    /// Members' pool nobody had a weight for, added to the reserve.
    pub unclaimed: i64,
    /// (part, basis points, amount), in the plan's order.
    pub parts: Vec<(ShuPart, u32, i64)>,
    pub members: Vec<ShuMemberLine>,
}

/// One member's share in a run, with what it was weighed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShuMemberLine {
    pub number: String,
    pub name: String,
    pub savings: i64,
    pub interest_paid: i64,
    pub transactions: i64,
    /// *Jasa modal*.
    pub capital: i64,
    /// *Jasa anggota*.
    pub patronage: i64,
    pub total: i64,
}

/// An account's balance as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub code: &'static str,
    pub name: &'static str,
    pub amount: Money,
}

fn account_rows(rows: &[Row]) -> Vec<AccountRow> {
    rows.iter()
        .map(|r| AccountRow {
            code: r.code,
            name: r.name,
            amount: Money::new(r.amount),
        })
        .collect()
}

/// The neraca at the year's end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeracaReport {
    pub assets: Vec<AccountRow>,
    pub liabilities: Vec<AccountRow>,
    pub equity: Vec<AccountRow>,
    pub total_assets: Money,
    pub total_liabilities: Money,
    pub total_equity: Money,
    /// The year's result not yet closed into equity (zero once the year is closed). Printed
    /// apart from the account of the same name, which holds the result once it is closed.
    pub current_result: Money,
    /// Liabilities + equity + the current result: equals the assets when `balanced`.
    pub total_liabilities_equity: Money,
    pub balanced: bool,
}

/// The PHU of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhuReport {
    pub income: Vec<AccountRow>,
    pub expense: Vec<AccountRow>,
    pub total_income: Money,
    pub total_expense: Money,
    /// Income minus expense; negative is a loss.
    pub result: Money,
    /// "Sisa hasil usaha" or "Rugi".
    pub result_label: &'static str,
}

/// A part of the SHU as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartRow {
    pub part: ShuPart,
    pub label: &'static str,
    /// "12,5 %".
    pub percent: String,
    pub amount: Money,
}

/// A member's SHU as printed; also the totals row (empty number, name "Jumlah").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShuMemberRow {
    pub number: String,
    pub name: String,
    pub savings: Money,
    pub interest_paid: Money,
    pub transactions: Money,
    pub capital: Money,
    pub patronage: Money,
    pub total: Money,
}

/// The SHU of the year as the RAT sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShuReport {
    pub status: ShuStatus,
    pub status_label: &'static str,
    pub result: Money,
    pub parts: Vec<PartRow>,
    /// *Jasa modal* plus *jasa anggota*: what the members' rows share.
    pub members_pool: Money,
    /// Of the members' pool, what nobody had a weight for (it went to the reserve).
    pub unclaimed: Money,
    pub members: Vec<ShuMemberRow>,
    pub totals: ShuMemberRow,
}

/// The pack for the members' annual meeting (*RAT*) of a book year: neraca, PHU, and the SHU
/// (`None` until the year's SHU has been computed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatPack {
    #[serde(flatten)]
    pub heading: Heading,
    pub year: i32,
    pub neraca: NeracaReport,
    pub phu: PhuReport,
    pub shu: Option<ShuReport>,
}

/// A cell of a [`Table`]: text, or whole rupiah the spreadsheet keeps as a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Money(i64),
}

/// One sheet of the spreadsheet export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// At most 31 characters, as Excel requires of a sheet name.
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl RatPack {
    pub fn new(
        heading: Heading,
        year: i32,
        neraca: &Neraca,
        phu: &Phu,
        shu: Option<&ShuRun>,
    ) -> RatPack {
        RatPack {
            heading,
            year,
            neraca: NeracaReport {
                assets: account_rows(&neraca.assets),
                liabilities: account_rows(&neraca.liabilities),
                equity: account_rows(&neraca.equity),
                total_assets: Money::new(neraca.total_assets),
                total_liabilities: Money::new(neraca.total_liabilities),
                total_equity: Money::new(neraca.total_equity),
                current_result: Money::new(neraca.current_result),
                total_liabilities_equity: Money::new(
                    neraca.total_liabilities + neraca.total_equity + neraca.current_result,
                ),
                balanced: neraca.balanced(),
            },
            phu: PhuReport {
                income: account_rows(&phu.income),
                expense: account_rows(&phu.expense),
                total_income: Money::new(phu.total_income),
                total_expense: Money::new(phu.total_expense),
                result: Money::new(phu.result),
                result_label: if phu.result < 0 {
                    "Rugi"
                } else {
                    "Sisa hasil usaha"
                },
            },
            shu: shu.map(shu_report),
        }
    }

    /// The data of the `laporan_rat` template.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a RAT pack serialises")
    }

    /// The pack as spreadsheet sheets: neraca, PHU, the SHU's parts and the SHU per member,
    /// each with its totals rows. Before the SHU is computed the parts sheet says so in one row
    /// and there is no members' sheet.
    pub fn tables(&self) -> Vec<Table> {
        let year = self.year;
        let text = |s: &str| Cell::Text(s.to_owned());
        let account = |group: &str, r: &AccountRow| {
            vec![
                text(group),
                text(r.code),
                text(r.name),
                Cell::Money(r.amount.amount),
            ]
        };
        let total = |group: &str, label: &str, m: &Money| {
            vec![text(group), text(""), text(label), Cell::Money(m.amount)]
        };
        let ledger_headers = || {
            ["Kelompok", "Kode", "Akun", "Jumlah (Rp)"]
                .map(str::to_owned)
                .to_vec()
        };

        let n = &self.neraca;
        let mut neraca = Vec::new();
        neraca.extend(n.assets.iter().map(|r| account("Aset", r)));
        neraca.push(total("Aset", "Jumlah aset", &n.total_assets));
        neraca.extend(n.liabilities.iter().map(|r| account("Kewajiban", r)));
        neraca.push(total("Kewajiban", "Jumlah kewajiban", &n.total_liabilities));
        neraca.extend(n.equity.iter().map(|r| account("Ekuitas", r)));
        neraca.push(total("Ekuitas", "Jumlah ekuitas", &n.total_equity));
        neraca.push(total(
            "Ekuitas",
            "SHU tahun berjalan (belum tutup buku)",
            &n.current_result,
        ));
        neraca.push(total(
            "",
            "Jumlah kewajiban dan ekuitas",
            &n.total_liabilities_equity,
        ));

        let p = &self.phu;
        let mut phu = Vec::new();
        phu.extend(p.income.iter().map(|r| account("Pendapatan", r)));
        phu.push(total("Pendapatan", "Jumlah pendapatan", &p.total_income));
        phu.extend(p.expense.iter().map(|r| account("Beban", r)));
        phu.push(total("Beban", "Jumlah beban", &p.total_expense));
        phu.push(total("", p.result_label, &p.result));

        let mut tables = vec![
            Table {
                name: format!("Neraca {year}"),
                headers: ledger_headers(),
                rows: neraca,
            },
            Table {
                name: format!("PHU {year}"),
                headers: ledger_headers(),
                rows: phu,
            },
        ];
        let parts_name = format!("Pembagian SHU {year}");
        let Some(shu) = &self.shu else {
            tables.push(Table {
                name: parts_name,
                headers: vec!["Keterangan".to_owned()],
                rows: vec![vec![Cell::Text(format!("SHU tahun {year} belum dihitung"))]],
            });
            return tables;
        };
        let mut parts: Vec<Vec<Cell>> = shu
            .parts
            .iter()
            .map(|r| {
                vec![
                    text(r.label),
                    text(&r.percent),
                    Cell::Money(r.amount.amount),
                ]
            })
            .collect();
        parts.push(vec![
            text("Jumlah"),
            text("100 %"),
            Cell::Money(shu.result.amount),
        ]);
        tables.push(Table {
            name: parts_name,
            headers: ["Bagian", "Persentase", "Jumlah (Rp)"]
                .map(str::to_owned)
                .to_vec(),
            rows: parts,
        });
        let member = |m: &ShuMemberRow| {
            vec![
                text(&m.number),
                text(&m.name),
                Cell::Money(m.savings.amount),
                Cell::Money(m.interest_paid.amount),
                Cell::Money(m.transactions.amount),
                Cell::Money(m.capital.amount),
                Cell::Money(m.patronage.amount),
                Cell::Money(m.total.amount),
            ]
        };
        tables.push(Table {
            name: format!("SHU per anggota {year}"),
            headers: SHU_MEMBER_HEADERS.map(str::to_owned).to_vec(),
            rows: shu
                .members
                .iter()
                .chain([&shu.totals])
                .map(member)
                .collect(),
        });
        tables
    }
}

/// The columns of the SHU per member sheet.
const SHU_MEMBER_HEADERS: [&str; 8] = [
    "No. anggota",
    "Nama",
    "Simpanan (Rp)",
    "Bunga pinjaman dibayar (Rp)",
    "Transaksi (Rp)",
    "Jasa modal (Rp)",
    "Jasa anggota (Rp)",
    "Jumlah SHU (Rp)",
];

fn shu_report(run: &ShuRun) -> ShuReport {
    let members: Vec<ShuMemberRow> = run
        .members
        .iter()
        .map(|m| ShuMemberRow {
            number: m.number.clone(),
            name: m.name.clone(),
            savings: Money::new(m.savings),
            interest_paid: Money::new(m.interest_paid),
            transactions: Money::new(m.transactions),
            capital: Money::new(m.capital),
            patronage: Money::new(m.patronage),
            total: Money::new(m.total),
        })
        .collect();
    let sum = |f: fn(&ShuMemberLine) -> i64| Money::new(run.members.iter().map(f).sum());
    let members_pool = run
        .parts
        .iter()
        .filter(|(p, _, _)| matches!(p, ShuPart::CapitalService | ShuPart::PatronageService))
        .map(|&(_, _, amount)| amount)
        .sum();
    ShuReport {
        status: run.status,
        status_label: run.status.label_id(),
        result: Money::new(run.result),
        parts: run
            .parts
            .iter()
            .map(|&(part, bp, amount)| PartRow {
                part,
                label: part.label_id(),
                percent: percent(bp.into()),
                amount: Money::new(amount),
            })
            .collect(),
        members_pool: Money::new(members_pool),
        unclaimed: Money::new(run.unclaimed),
        members,
        totals: ShuMemberRow {
            number: String::new(),
            name: "Jumlah".to_owned(),
            savings: sum(|m| m.savings),
            interest_paid: sum(|m| m.interest_paid),
            transactions: sum(|m| m.transactions),
            capital: sum(|m| m.capital),
            patronage: sum(|m| m.patronage),
            total: sum(|m| m.total),
        },
    }
}

#[cfg(test)]
mod tests;
