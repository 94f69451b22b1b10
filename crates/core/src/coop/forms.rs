//! The co-op's staff forms, as typed, and their checks: every problem at once, in Indonesian,
//! saying what to fix (the same shape as [`crate::cases`]).

use super::arrears::AgeingThresholds;
use super::ledger::{Account, JournalEntry, Line, MemberCapital};
use super::loan::{
    AllocationOrder, FeeBasis, FeeKind, LoanFee, LoanProduct, MAX_TERM, Method, Part,
};
use super::savings::SavingsKind;
use super::shu::{ShuPart, ShuPlan, percent};
use crate::Invalid;
use crate::cases::{NAME_MAX, NAME_MIN};
use crate::fees::{RUPIAH, parse_money};
use crate::form::{choices, line, ok_or_push, past_date, push_err};
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A member number: the co-op's code of 2 to 6 letters, a hyphen and 3 to 6 digits, e.g.
/// `KDM-0042`. Typed in any case and with spaces around; stored in capitals.
pub fn member_number(raw: &str) -> Result<String, Invalid> {
    let n = raw.trim().to_uppercase();
    let ok = n.split_once('-').is_some_and(|(code, digits)| {
        (2..=6).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase())
            && (3..=6).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if ok {
        Ok(n)
    } else if n.is_empty() {
        Err(Invalid::new("nomor", "nomor anggota wajib diisi"))
    } else {
        Err(Invalid::new(
            "nomor",
            format!(
                "nomor anggota «{}» tidak sesuai format; tulis kode koperasi (2–6 huruf), tanda \
                 hubung, lalu 3–6 angka, mis. KDM-0042",
                raw.trim()
            ),
        ))
    }
}

/// A member joining, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawMember {
    pub nomor: String,
    pub nama: String,
    pub tanggal_masuk: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    pub number: String,
    pub name: String,
    pub joined: NaiveDate,
}

impl RawMember {
    pub fn check(&self, today: NaiveDate) -> Result<MemberInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let number = ok_or_push(member_number(&self.nomor), &mut errors);
        let name = push_err(
            line("nama", &self.nama, NAME_MIN, NAME_MAX, "nama anggota"),
            &mut errors,
        );
        let joined = ok_or_push(
            past_date("tanggal_masuk", &self.tanggal_masuk, today, "tanggal masuk"),
            &mut errors,
        );
        match (number, joined) {
            (Some(number), Some(joined)) if errors.is_empty() => Ok(MemberInput {
                number,
                name,
                joined,
            }),
            _ => Err(errors),
        }
    }
}

/// A villager joining, as typed (the person is picked from the registry separately).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawJoin {
    pub nomor: String,
    pub tanggal_masuk: String,
}

impl RawJoin {
    /// The member number in its one format and a joining day not in the future.
    pub fn check(&self, today: NaiveDate) -> Result<(String, NaiveDate), Vec<Invalid>> {
        let mut errors = Vec::new();
        let number = ok_or_push(member_number(&self.nomor), &mut errors);
        let joined = ok_or_push(
            past_date("tanggal_masuk", &self.tanggal_masuk, today, "tanggal masuk"),
            &mut errors,
        );
        match (number, joined) {
            (Some(n), Some(j)) => Ok((n, j)),
            _ => Err(errors),
        }
    }
}

choices!(
    /// Money in or out of a savings account.
    Direction, field = "arah", what = "jenis transaksi", {
        Deposit = "setor", "Setor", "Deposit";
        Withdrawal = "tarik", "Tarik", "Withdrawal";
    }
);

/// A savings transaction, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawSavingsTxn {
    pub jenis: String,
    pub arah: String,
    pub jumlah: String,
    pub tanggal: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavingsTxnInput {
    pub kind: SavingsKind,
    pub direction: Direction,
    pub amount: i64,
    pub on: NaiveDate,
}

impl RawSavingsTxn {
    /// The form's own rules; the balance (sukarela never below zero, pokok once) is checked by
    /// [`super::savings`] against the account. `leaving` is true on the page that ends a
    /// membership, the only place simpanan pokok and wajib are paid back.
    pub fn check(&self, today: NaiveDate, leaving: bool) -> Result<SavingsTxnInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ok_or_push(self.jenis.parse::<SavingsKind>(), &mut errors);
        let direction = ok_or_push(self.arah.parse::<Direction>(), &mut errors);
        let amount = positive_money(&self.jumlah, "jumlah", &mut errors);
        if let (Some(kind), Some(Direction::Withdrawal)) = (kind, direction)
            && kind != SavingsKind::Voluntary
            && !leaving
        {
            errors.push(Invalid::new(
                "jenis",
                format!(
                    "{} hanya dikembalikan ketika keanggotaan berakhir; yang bisa ditarik \
                     sewaktu-waktu adalah simpanan sukarela",
                    kind.label_id()
                ),
            ));
        }
        let on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal transaksi"),
            &mut errors,
        );
        match (kind, direction, amount, on) {
            (Some(kind), Some(direction), Some(amount), Some(on)) if errors.is_empty() => {
                Ok(SavingsTxnInput {
                    kind,
                    direction,
                    amount,
                    on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A required amount above zero, read by [`parse_money`].
fn positive_money(raw: &str, field: &'static str, errors: &mut Vec<Invalid>) -> Option<i64> {
    match ok_or_push(parse_money(raw, field), errors)? {
        Some(a) if a > 0 => Some(a),
        _ => {
            errors.push(Invalid::new(
                field,
                "tulis jumlah dalam rupiah, lebih dari nol",
            ));
            None
        }
    }
}

/// A loan application, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawLoanApplication {
    /// The product's code.
    pub produk: String,
    pub jumlah: String,
    /// Months.
    pub tenor: String,
    pub keperluan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanApplicationInput {
    pub product: String,
    pub amount: i64,
    pub months: u32,
    pub purpose: String,
}

/// What the loan is for: enough words for the *pengurus* to judge it.
pub const PURPOSE_MIN: usize = 5;
pub const PURPOSE_MAX: usize = 500;

impl RawLoanApplication {
    /// Checked against the co-op's products: the amount within the product's limits, the term
    /// within its longest.
    pub fn check(&self, products: &[LoanProduct]) -> Result<LoanApplicationInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let code = self.produk.trim();
        let product = products.iter().find(|p| p.code == code);
        if product.is_none() {
            let names: Vec<&str> = products.iter().map(|p| p.name.as_str()).collect();
            errors.push(Invalid::new(
                "produk",
                if code.is_empty() {
                    "pilih produk pinjaman dari daftar".to_string()
                } else {
                    format!(
                        "produk «{code}» tidak ada; pilih salah satu: {}",
                        names.join(", ")
                    )
                },
            ));
        }
        let amount = positive_money(&self.jumlah, "jumlah", &mut errors);
        if let (Some(p), Some(a)) = (product, amount)
            && !(p.min_amount..=p.max_amount).contains(&a)
        {
            errors.push(Invalid::new(
                "jumlah",
                format!(
                    "pinjaman {} antara {} dan {}",
                    p.name,
                    RUPIAH.format(p.min_amount),
                    RUPIAH.format(p.max_amount)
                ),
            ));
        }
        let longest = product.map_or(MAX_TERM, |p| p.max_term);
        let months = match self
            .tenor
            .trim()
            .trim_end_matches("bulan")
            .trim()
            .parse::<u32>()
        {
            Ok(m) if (1..=longest).contains(&m) => Some(m),
            _ => {
                errors.push(Invalid::new(
                    "tenor",
                    format!("jangka waktu ditulis dalam bulan, dari 1 sampai {longest}"),
                ));
                None
            }
        };
        let purpose = push_err(
            line(
                "keperluan",
                &self.keperluan,
                PURPOSE_MIN,
                PURPOSE_MAX,
                "keperluan pinjaman",
            ),
            &mut errors,
        );
        match (product, amount, months) {
            (Some(p), Some(amount), Some(months)) if errors.is_empty() => {
                Ok(LoanApplicationInput {
                    product: p.code.clone(),
                    amount,
                    months,
                    purpose,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A loan product as the *pengurus* type it: rates and fees as percentages ("18" or "1,5"),
/// amounts in rupiah, the repayment order as the parts' names joined by commas.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawProduct {
    pub kode: String,
    pub nama: String,
    /// `flat`, `anuitas` or `efektif`.
    pub metode: String,
    /// Annual interest, percent.
    pub bunga: String,
    pub minimal: String,
    pub maksimal: String,
    /// Longest term, months.
    pub tenor: String,
    /// Provision fee, percent of the principal (may be empty).
    pub provisi: String,
    /// Administration fee, rupiah (may be empty).
    pub administrasi: String,
    /// Late-payment penalty per day, percent of the overdue instalment (may be empty).
    pub denda: String,
    /// e.g. `denda,bunga,pokok` (the default when empty).
    pub urutan: String,
}

impl RawProduct {
    pub fn check(&self) -> Result<LoanProduct, Vec<Invalid>> {
        let mut errors = Vec::new();
        let code = self.kode.trim().to_uppercase();
        if !(2..=20).contains(&code.len())
            || !code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            errors.push(Invalid::new(
                "kode",
                "kode produk 2–20 huruf besar, angka atau garis bawah, mis. MODAL_USAHA",
            ));
        }
        let name = push_err(line("nama", &self.nama, 3, 100, "nama produk"), &mut errors);
        let method = ok_or_push(self.metode.parse::<Method>(), &mut errors);
        let rate = ok_or_push(parse_percent(&self.bunga, "bunga"), &mut errors);
        let min_amount = positive_money(&self.minimal, "minimal", &mut errors);
        let max_amount = positive_money(&self.maksimal, "maksimal", &mut errors);
        let max_term = match self.tenor.trim().parse::<u32>() {
            Ok(m) if (1..=MAX_TERM).contains(&m) => Some(m),
            _ => {
                errors.push(Invalid::new(
                    "tenor",
                    format!("jangka waktu paling lama ditulis dalam bulan, 1 sampai {MAX_TERM}"),
                ));
                None
            }
        };
        let provision = ok_or_push(parse_percent(&self.provisi, "provisi"), &mut errors);
        let administration =
            ok_or_push(parse_money(&self.administrasi, "administrasi"), &mut errors);
        let penalty = ok_or_push(parse_percent(&self.denda, "denda"), &mut errors);
        let order = match self.urutan.trim() {
            "" => Some(AllocationOrder::default()),
            typed => typed
                .split(',')
                .map(|p| p.trim().parse::<Part>())
                .collect::<Result<Vec<_>, _>>()
                .and_then(AllocationOrder::new)
                .map_err(|_| {
                    errors.push(Invalid::new(
                        "urutan",
                        "urutan pembayaran memuat denda, bunga dan pokok masing-masing sekali, \
                         mis. denda,bunga,pokok",
                    ))
                })
                .ok(),
        };
        let (
            Some(method),
            Some(rate),
            Some(min_amount),
            Some(max_amount),
            Some(max_term),
            Some(provision),
            Some(administration),
            Some(penalty),
            Some(order),
        ) = (
            method,
            rate,
            min_amount,
            max_amount,
            max_term,
            provision,
            administration,
            penalty,
            order,
        )
        else {
            return Err(errors);
        };
        let mut fees = Vec::new();
        if provision > 0 {
            fees.push(LoanFee {
                kind: FeeKind::Provision,
                basis: FeeBasis::Bp(provision),
            });
        }
        if let Some(a) = administration.filter(|&a| a > 0) {
            fees.push(LoanFee {
                kind: FeeKind::Administration,
                basis: FeeBasis::Fixed(a),
            });
        }
        let product = LoanProduct {
            code,
            name,
            method,
            annual_rate_bp: rate,
            min_amount,
            max_amount,
            max_term,
            fees,
            penalty_bp_per_day: penalty,
            order,
        };
        if let Err(e) = product.validate() {
            errors.extend(e);
        }
        if errors.is_empty() {
            Ok(product)
        } else {
            Err(errors)
        }
    }
}

/// How a village sets up its co-op, as typed: the amounts and the two choices the articles make.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawSetup {
    /// Simpanan pokok, paid once on joining.
    pub pokok: String,
    /// Simpanan wajib per month.
    pub wajib: String,
    /// `ekuitas` or `kewajiban`: where pokok and wajib are shown.
    pub simpanan_anggota: String,
    /// Any non-empty value: disbursements and approvals need a second person.
    pub dua_petugas: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetupInput {
    pub capital: MemberCapital,
    pub principal_savings: i64,
    pub mandatory_monthly: i64,
    pub maker_checker: bool,
}

impl RawSetup {
    pub fn check(&self) -> Result<SetupInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let principal_savings = positive_money(&self.pokok, "pokok", &mut errors);
        let mandatory_monthly = positive_money(&self.wajib, "wajib", &mut errors);
        let capital = ok_or_push(self.simpanan_anggota.parse::<MemberCapital>(), &mut errors);
        match (principal_savings, mandatory_monthly, capital) {
            (Some(principal_savings), Some(mandatory_monthly), Some(capital))
                if errors.is_empty() =>
            {
                Ok(SetupInput {
                    capital,
                    principal_savings,
                    mandatory_monthly,
                    maker_checker: !self.dua_petugas.trim().is_empty(),
                })
            }
            _ => Err(errors),
        }
    }
}

/// The co-op's rules that may change as it goes: the collectibility thresholds (days past due)
/// and whether a second person approves loans.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawRules {
    pub kurang_lancar: String,
    pub diragukan: String,
    pub macet: String,
    pub dua_petugas: String,
}

impl RawRules {
    pub fn of(t: AgeingThresholds, maker_checker: bool) -> RawRules {
        let [a, b, c] = t.days();
        RawRules {
            kurang_lancar: a.to_string(),
            diragukan: b.to_string(),
            macet: c.to_string(),
            dua_petugas: if maker_checker {
                "ya".into()
            } else {
                String::new()
            },
        }
    }

    pub fn check(&self) -> Result<(AgeingThresholds, bool), Vec<Invalid>> {
        let mut errors = Vec::new();
        let mut days = |raw: &str, field: &'static str| match raw.trim().parse::<u32>() {
            Ok(d) if (1..=3_650).contains(&d) => Some(d),
            _ => {
                errors.push(Invalid::new(
                    field,
                    "tulis jumlah hari tunggakan, 1 sampai 3650",
                ));
                None
            }
        };
        let (a, b, c) = (
            days(&self.kurang_lancar, "kurang_lancar"),
            days(&self.diragukan, "diragukan"),
            days(&self.macet, "macet"),
        );
        let (Some(a), Some(b), Some(c)) = (a, b, c) else {
            return Err(errors);
        };
        AgeingThresholds::new(a, b, c)
            .map(|t| (t, !self.dua_petugas.trim().is_empty()))
            .map_err(|e| vec![e])
    }
}

/// A payment or a disbursement as typed: an amount (not for a disbursement) and its date.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawPayment {
    pub jumlah: String,
    pub tanggal: String,
}

impl RawPayment {
    /// A repayment: a positive amount on a day not in the future.
    pub fn check(&self, today: NaiveDate) -> Result<(i64, NaiveDate), Vec<Invalid>> {
        let mut errors = Vec::new();
        let amount = positive_money(&self.jumlah, "jumlah", &mut errors);
        let on = self.day(today, &mut errors);
        match (amount, on) {
            (Some(a), Some(on)) if errors.is_empty() => Ok((a, on)),
            _ => Err(errors),
        }
    }

    /// A disbursement: only the day.
    pub fn check_day(&self, today: NaiveDate) -> Result<NaiveDate, Vec<Invalid>> {
        let mut errors = Vec::new();
        self.day(today, &mut errors).ok_or(errors)
    }

    fn day(&self, today: NaiveDate, errors: &mut Vec<Invalid>) -> Option<NaiveDate> {
        ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal transaksi"),
            errors,
        )
    }
}

/// One line of a journal typed by the bookkeeper: an account and an amount on one side.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct RawJournalLine {
    pub akun: String,
    pub debit: String,
    pub kredit: String,
}

/// A manual journal entry as typed; blank lines are ignored.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawJournal {
    pub tanggal: String,
    pub keterangan: String,
    pub baris: Vec<RawJournalLine>,
}

/// The most lines a typed journal has (a correction or an expense needs a few).
pub const JOURNAL_LINES_MAX: usize = 12;

impl RawJournal {
    /// Every line names an account of `chart` and an amount on exactly one side; the entry
    /// balances ([`JournalEntry::new`] decides). Errors name the line (`baris_3`).
    pub fn check(&self, chart: &[Account], today: NaiveDate) -> Result<JournalEntry, Vec<Invalid>> {
        let mut errors = Vec::new();
        let on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal jurnal"),
            &mut errors,
        );
        let memo = push_err(
            line("keterangan", &self.keterangan, 3, 200, "keterangan jurnal"),
            &mut errors,
        );
        let typed: Vec<(usize, &RawJournalLine)> = self
            .baris
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                [&l.akun, &l.debit, &l.kredit]
                    .iter()
                    .any(|f| !f.trim().is_empty())
            })
            .map(|(i, l)| (i + 1, l))
            .collect();
        if typed.len() > JOURNAL_LINES_MAX {
            errors.push(Invalid::new(
                "baris",
                format!("paling banyak {JOURNAL_LINES_MAX} baris dalam satu jurnal"),
            ));
        }
        let mut lines = Vec::new();
        for (n, l) in &typed {
            let field = LINE_FIELDS.get(n - 1).copied().unwrap_or("baris");
            let code = l.akun.trim();
            if !chart.iter().any(|a| a.code == code) {
                errors.push(Invalid::new(
                    field,
                    format!("baris {n}: pilih akun dari bagan akun koperasi"),
                ));
                continue;
            }
            let debit = ok_or_push(parse_money(&l.debit, field), &mut errors).flatten();
            let credit = ok_or_push(parse_money(&l.kredit, field), &mut errors).flatten();
            match (debit.filter(|&d| d > 0), credit.filter(|&c| c > 0)) {
                (Some(d), None) => lines.push(Line::debit(code, d)),
                (None, Some(c)) => lines.push(Line::credit(code, c)),
                _ => errors.push(Invalid::new(
                    field,
                    format!("baris {n}: isi jumlah di debit atau di kredit, tidak keduanya"),
                )),
            }
        }
        if typed.len() < 2 && errors.is_empty() {
            errors.push(Invalid::new(
                "baris",
                "jurnal paling sedikit dua baris: satu debit dan satu kredit",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let on = on.expect("checked above");
        JournalEntry::new(on, &memo, lines).map_err(|e| vec![Invalid::new("baris", e.message)])
    }
}

/// The field each journal line's error is shown beside.
pub const LINE_FIELDS: [&str; JOURNAL_LINES_MAX] = [
    "baris_1", "baris_2", "baris_3", "baris_4", "baris_5", "baris_6", "baris_7", "baris_8",
    "baris_9", "baris_10", "baris_11", "baris_12",
];

/// A percentage as typed: "25", "12,5", "12.5 %", "0,25"; at most two decimals. Empty is 0.
pub fn parse_percent(raw: &str, field: &'static str) -> Result<u32, Invalid> {
    let s = raw.trim().trim_end_matches('%').trim();
    if s.is_empty() {
        return Ok(0);
    }
    let (whole, frac) = s.split_once([',', '.']).unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let bp =
        (!whole.is_empty() && whole.len() <= 3 && digits(whole) && frac.len() <= 2 && digits(frac))
            .then(|| {
                let w: u32 = whole.parse().ok()?;
                let f: u32 = format!("{frac:0<2}").parse().ok()?;
                Some(w * 100 + f)
            })
            .flatten()
            .filter(|&bp| bp <= 10_000);
    bp.ok_or_else(|| {
        Invalid::new(
            field,
            format!("persentase «{}» tidak dikenali; tulis angka 0 sampai 100, paling banyak dua angka di belakang koma, mis. 12,5", raw.trim()),
        )
    })
}

/// The RAT's SHU allocation for one year, as typed: one percentage per part, named by the
/// part's stored name ([`ShuPart::as_str`]), and the share of *jasa anggota* that goes by
/// interest paid (the rest by transactions).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawShuPlan {
    pub tahun: String,
    pub cadangan: String,
    pub jasa_modal: String,
    pub jasa_anggota: String,
    pub dana_pengurus: String,
    pub dana_karyawan: String,
    pub dana_pendidikan: String,
    pub dana_sosial: String,
    pub dana_pembangunan_daerah_kerja: String,
    pub jasa_anggota_bunga: String,
}

impl RawShuPlan {
    /// What was typed for one part of the plan.
    pub fn share(&self, part: ShuPart) -> &str {
        match part {
            ShuPart::Reserve => &self.cadangan,
            ShuPart::CapitalService => &self.jasa_modal,
            ShuPart::PatronageService => &self.jasa_anggota,
            ShuPart::Board => &self.dana_pengurus,
            ShuPart::Staff => &self.dana_karyawan,
            ShuPart::Education => &self.dana_pendidikan,
            ShuPart::Social => &self.dana_sosial,
            ShuPart::WorkingArea => &self.dana_pembangunan_daerah_kerja,
        }
    }

    /// The RAT decides on a year that has ended or is ending: from 2000 to this year.
    pub fn check(&self, today: NaiveDate) -> Result<ShuPlan, Vec<Invalid>> {
        let mut errors = Vec::new();
        let year = match self.tahun.trim().parse::<i32>() {
            Ok(y) if (2000..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.push(Invalid::new(
                    "tahun",
                    format!("tulis tahun buku, dari 2000 sampai {}", today.year()),
                ));
                None
            }
        };
        let shares: Vec<(ShuPart, u32)> = ShuPart::ALL
            .iter()
            .filter_map(|&p| {
                ok_or_push(parse_percent(self.share(p), p.as_str()), &mut errors).map(|bp| (p, bp))
            })
            .collect();
        let interest = ok_or_push(
            parse_percent(&self.jasa_anggota_bunga, "jasa_anggota_bunga"),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let total: u64 = shares.iter().map(|&(_, bp)| bp as u64).sum();
        let plan = ShuPlan::new(year.unwrap_or(0), shares, interest.unwrap_or(0));
        plan.map_err(|mut e| {
            if total != 10_000 {
                e.iter_mut().filter(|e| e.field == "bagian").for_each(|e| {
                    e.message = format!(
                        "jumlah semua bagian harus tepat 100 %, sekarang {}; periksa lagi \
                         persentasenya",
                        percent(total)
                    )
                });
            }
            e
        })
    }
}

#[cfg(test)]
mod tests;
