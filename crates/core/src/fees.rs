//! Placement costs and fees: dated, sourced rules, and the verdict of the `/biaya` check.
//!
//! A villager asks "I am going to Taiwan as a housekeeper and am asked Rp15.000.000 + NT$20.000
//! for placement: is that legal?". The answer has to cite the rule it rests on, because fee rules
//! change (Taiwan left the zero-cost policy in July 2022) and some are known only from secondary
//! sources. So rules are data, not code: each [`FeeRule`] carries its regulation, where it was
//! read, the days it holds and a "to verify" flag. National staff edit them through
//! [`RawFeeRule`]; [`seed_rules`] are the ones DOMAIN.md §2 documents.
//!
//! Money is `i64` in whole units of its currency (rupiah, NT$, HK$…): limits are whole amounts,
//! and integers compare exactly.

use crate::Invalid;
use crate::catalog::{self, Choice};
use crate::registry::{parse_date, parse_optional_date};
use crate::text::clean_spaces;
use chrono::NaiveDate;
use std::fmt;
use std::str::FromStr;

/// What the money is for; different rules govern each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FeeKind {
    /// Placement costs paid before departure, in Indonesia (UU 18/2017 Pasal 30).
    #[serde(rename = "penempatan")]
    Placement,
    /// A one-off fee charged by the agency in the destination.
    #[serde(rename = "komisi_agensi")]
    AgencyFee,
    /// A monthly service fee charged by the broker in the destination.
    #[serde(rename = "jasa_bulanan")]
    MonthlyServiceFee,
}

/// Every kind, in the order a form lists them.
pub const FEE_KINDS: &[FeeKind] = &[
    FeeKind::Placement,
    FeeKind::AgencyFee,
    FeeKind::MonthlyServiceFee,
];

impl FeeKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Placement => "penempatan",
            FeeKind::AgencyFee => "komisi_agensi",
            FeeKind::MonthlyServiceFee => "jasa_bulanan",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            FeeKind::Placement => "Biaya penempatan (dibayar sebelum berangkat, di Indonesia)",
            FeeKind::AgencyFee => "Komisi agensi di negara tujuan (sekali bayar)",
            FeeKind::MonthlyServiceFee => "Biaya jasa bulanan broker di negara tujuan",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            FeeKind::Placement => "Placement costs (paid before departure, in Indonesia)",
            FeeKind::AgencyFee => "One-off fee charged by the agency in the destination",
            FeeKind::MonthlyServiceFee => {
                "Monthly service fee charged by the broker in the destination"
            }
        }
    }
}

impl fmt::Display for FeeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeeKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<FeeKind, Invalid> {
        let s = s.trim();
        FEE_KINDS
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let known = FEE_KINDS
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                Invalid::new(
                    "jenis_biaya",
                    format!("jenis biaya «{s}» tidak dikenal; pilih salah satu: {known}"),
                )
            })
    }
}

/// The largest amount accepted anywhere here (10^13, ten trillion): far above any real fee or
/// wage in any of the currencies, so a larger number is a typing error.
pub const MAX_MONEY: i64 = 10_000_000_000_000;

/// A currency: ISO 4217 code and the symbol people know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Currency {
    pub code: &'static str,
    pub symbol: &'static str,
}

impl Currency {
    /// An amount as Indonesians read it: "Rp9.622.000", "NT$20.000", "SAR 1.500" (a symbol that
    /// is the code itself is set apart by a space, or it would run into the digits).
    pub fn format(self, amount: i64) -> String {
        let gap = if self.symbol == self.code { " " } else { "" };
        format!("{}{gap}{}", self.symbol, format_amount(amount))
    }
}

/// The rupiah: every placement cost paid in Indonesia is in it.
pub const RUPIAH: Currency = cur("IDR", "Rp");

const fn cur(code: &'static str, symbol: &'static str) -> Currency {
    Currency { code, symbol }
}

/// The currency of each destination in [`catalog::COUNTRIES`].
const CURRENCIES: &[(&str, Currency)] = &[
    ("TW", cur("TWD", "NT$")),
    ("HK", cur("HKD", "HK$")),
    ("MY", cur("MYR", "RM")),
    ("SG", cur("SGD", "S$")),
    ("SA", cur("SAR", "SAR")),
    ("KR", cur("KRW", "₩")),
    ("JP", cur("JPY", "¥")),
    ("BN", cur("BND", "B$")),
    ("AE", cur("AED", "AED")),
    ("QA", cur("QAR", "QAR")),
    ("KW", cur("KWD", "KWD")),
    ("OM", cur("OMR", "OMR")),
    ("BH", cur("BHD", "BHD")),
    ("TR", cur("TRY", "₺")),
    ("DE", cur("EUR", "€")),
    ("PL", cur("PLN", "zł")),
    ("AU", cur("AUD", "A$")),
    ("NZ", cur("NZD", "NZ$")),
    ("US", cur("USD", "US$")),
    ("IT", cur("EUR", "€")),
    ("NL", cur("EUR", "€")),
    ("GB", cur("GBP", "£")),
    ("CN", cur("CNY", "CN¥")),
    ("MO", cur("MOP", "MOP$")),
];

/// The currency of a destination, by ISO2 code (case-insensitive, like [`catalog::country`]).
pub fn currency_of(iso2: &str) -> Option<Currency> {
    let iso2 = iso2.trim();
    CURRENCIES
        .iter()
        .find(|(country, _)| country.eq_ignore_ascii_case(iso2))
        .map(|&(_, currency)| currency)
}

/// Digits grouped by dots, the Indonesian way: 9622000 → "9.622.000".
pub fn format_amount(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// The limit a rule sets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind")]
pub enum Limit {
    /// Nothing may be charged to the worker.
    #[serde(rename = "zero")]
    Zero,
    /// At most this much; each part is compared on its own (the rupiah part and the foreign
    /// part), because a rupiah overcharge is not made good by asking less in NT$. A `None` part
    /// means that part must be zero.
    #[serde(rename = "ceiling")]
    Ceiling {
        idr: Option<i64>,
        /// Currency code and amount.
        foreign: Option<(String, i64)>,
    },
    /// At most `basis_points`/10,000 of the first month's wage (Hong Kong: 1,000 = 10 %),
    /// rounded down to a whole unit.
    #[serde(rename = "percent")]
    PercentOfFirstMonthWage { basis_points: u32, currency: String },
    /// A monthly cap by contract year: caps[0] for year 1, caps[1] year 2, …, the last cap for
    /// every later year.
    #[serde(rename = "monthly")]
    MonthlyByContractYear { currency: String, caps: Vec<i64> },
}

/// The kinds of [`Limit`] as the staff form offers them; `code` is [`Limit::kind`].
pub const LIMIT_KINDS: &[Choice] = &[
    Choice {
        code: "zero",
        id: "Nol: pekerja tidak boleh dibebani biaya ini",
        en: "Zero: nothing may be charged to the worker",
    },
    Choice {
        code: "ceiling",
        id: "Batas jumlah (rupiah dan/atau mata uang negara tujuan)",
        en: "Ceiling (rupiah and/or the destination's currency)",
    },
    Choice {
        code: "percent",
        id: "Persen dari gaji bulan pertama",
        en: "Percentage of the first month's wage",
    },
    Choice {
        code: "monthly",
        id: "Batas per bulan menurut tahun kontrak",
        en: "Monthly cap by contract year",
    },
];

impl Limit {
    /// The code of the kind of limit (`zero`, `ceiling`, `percent`, `monthly`).
    pub fn kind(&self) -> &'static str {
        match self {
            Limit::Zero => "zero",
            Limit::Ceiling { .. } => "ceiling",
            Limit::PercentOfFirstMonthWage { .. } => "percent",
            Limit::MonthlyByContractYear { .. } => "monthly",
        }
    }

    /// The foreign currency the limit is set in, if any.
    pub fn currency(&self) -> Option<&str> {
        match self {
            Limit::Zero | Limit::Ceiling { foreign: None, .. } => None,
            Limit::Ceiling {
                foreign: Some((code, _)),
                ..
            } => Some(code),
            Limit::PercentOfFirstMonthWage { currency, .. }
            | Limit::MonthlyByContractYear { currency, .. } => Some(currency),
        }
    }

    /// A percentage or monthly limit exists only in the destination's currency: a rupiah amount
    /// cannot be compared with it without an exchange rate we do not have.
    fn foreign_only(&self) -> bool {
        matches!(
            self,
            Limit::PercentOfFirstMonthWage { .. } | Limit::MonthlyByContractYear { .. }
        )
    }
}

/// One rule about what may be charged, as national staff maintain it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FeeRule {
    /// Stable slug, e.g. `perban-9-2020-zero-cost`.
    pub code: String,
    /// Indonesian title.
    pub title: String,
    /// ISO2 upper case; `None` = every destination.
    pub destination: Option<String>,
    /// Destinations a rule for every destination does not reach (ISO2 upper case): Perban
    /// 9/2020 stopped reaching Taiwan in July 2022 while still reaching everywhere else. Always
    /// empty when `destination` is set.
    pub excluded_destinations: Vec<String>,
    /// Catalog occupation codes; empty = every occupation.
    pub occupations: Vec<String>,
    pub fee_kind: FeeKind,
    pub limit: Limit,
    /// E.g. "Perban BP2MI 9/2020 Pembebasan Biaya Penempatan PMI".
    pub regulation: String,
    /// Where it was read, e.g. "Kompas.com, 17 Agustus 2020; pripos.id, 15 Januari 2021".
    pub source: String,
    pub effective_from: NaiveDate,
    /// Inclusive last day; `None` = open-ended.
    pub effective_until: Option<NaiveDate>,
    /// DOMAIN.md marks the fact [verify]: shown to users as "belum diverifikasi".
    pub to_verify: bool,
    /// Short Indonesian explanation shown with the verdict.
    pub note: String,
}

impl FeeRule {
    /// Whether the rule holds on `on` (both ends inclusive).
    pub fn in_force(&self, on: NaiveDate) -> bool {
        self.effective_from <= on && self.effective_until.is_none_or(|until| on <= until)
    }

    /// The sort key of [`applicable`]: a larger key is more specific.
    fn specificity(&self) -> (bool, bool, NaiveDate) {
        (
            self.destination.is_some(),
            !self.occupations.is_empty(),
            self.effective_from,
        )
    }
}

/// What a villager asks: "I am going to `destination` as `occupation`; I am asked this much for
/// this kind of fee. Is that legal?"
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeQuestion {
    /// ISO2 code of the destination.
    pub destination: String,
    /// Catalog occupation code.
    pub occupation: String,
    pub fee_kind: FeeKind,
    /// The day the question is about (usually today; earlier for a fee already paid).
    pub on: NaiveDate,
    pub amount_idr: Option<i64>,
    /// In the destination's currency.
    pub amount_foreign: Option<i64>,
    /// In the destination's currency; needed by percentage rules.
    pub first_month_wage: Option<i64>,
    /// 1 for the first year; needed by monthly rules.
    pub contract_year: Option<u32>,
}

/// The answer to a [`FeeQuestion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// Allowed: within the ceiling (or zero where zero is required).
    Within,
    /// Above the legal ceiling by this much (each part; 0 where that part is fine).
    Above {
        excess_idr: i64,
        excess_foreign: i64,
    },
    /// The rule says nothing may be charged, and something is asked.
    MustBeZero,
    /// No rule in force covers this destination, occupation and kind: NOT a statement that it
    /// is legal.
    NoRule,
}

/// No rule is not a green light: the villager is told so, and where to ask.
const NO_RULE_MESSAGE: &str = "Belum ada aturan tercatat untuk biaya ini di negara dan jabatan \
    tersebut. Ini BUKAN berarti biaya itu sah: tanyakan ke KP2MI (telepon gratis 0800-1000) \
    sebelum membayar.";

/// A verdict with what explains it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome<'r> {
    /// The rule the verdict rests on; `None` with [`Verdict::NoRule`].
    pub rule: Option<&'r FeeRule>,
    pub verdict: Verdict,
    /// The most that may be asked in rupiah; `None` when the rule sets no rupiah limit (it is
    /// set in the destination's currency only) or no rule applies.
    pub limit_idr: Option<i64>,
    /// The most that may be asked in the destination's currency (for this wage or contract
    /// year); `None` when no rule applies or the destination has no currency on record.
    pub limit_foreign: Option<i64>,
    /// The destination's currency, to display foreign amounts.
    pub currency: Option<Currency>,
}

impl Outcome<'_> {
    /// The verdict in Indonesian, with the limit in each currency and the rule's verification
    /// status, so pages, the API and the CLI say the same thing.
    pub fn message_id(&self) -> String {
        let Some(rule) = self.rule else {
            return NO_RULE_MESSAGE.to_owned();
        };
        let per_month = if rule.fee_kind == FeeKind::MonthlyServiceFee {
            " per bulan"
        } else {
            ""
        };
        let limit = self.amounts(self.limit_idr, self.limit_foreign);
        let mut message = match self.verdict {
            Verdict::NoRule => return NO_RULE_MESSAGE.to_owned(),
            Verdict::Within if rule.limit == Limit::Zero => {
                "Tidak ada yang diminta, sesuai aturan: pekerja tidak boleh dibebani biaya ini."
                    .to_owned()
            }
            Verdict::Within => {
                format!("Jumlah yang diminta masih dalam batas resmi ({limit}{per_month}).")
            }
            Verdict::Above {
                excess_idr,
                excess_foreign,
            } => format!(
                "Jumlah yang diminta MELEBIHI batas resmi ({limit}{per_month}) sebesar {}. \
                 Kelebihan itu pungutan yang tidak sah.",
                self.amounts(Some(excess_idr), Some(excess_foreign))
            ),
            Verdict::MustBeZero => "Pekerja tidak boleh dibebani biaya ini sama sekali: berapa \
                                    pun yang diminta untuk biaya ini tidak sah."
                .to_owned(),
        };
        if rule.to_verify {
            message.push_str(" Catatan: aturan ini belum diverifikasi.");
        }
        message
    }

    /// The positive parts, e.g. "Rp9.622.000 + NT$20.000"; "nol" when there are none.
    fn amounts(&self, idr: Option<i64>, foreign: Option<i64>) -> String {
        let mut parts = Vec::new();
        if let Some(n) = idr.filter(|&n| n > 0) {
            parts.push(RUPIAH.format(n));
        }
        if let (Some(n), Some(currency)) = (foreign.filter(|&n| n > 0), self.currency) {
            parts.push(currency.format(n));
        }
        if parts.is_empty() {
            "nol".to_owned()
        } else {
            parts.join(" + ")
        }
    }
}

/// Picks the rule in force on `q.on` for the kind, destination and occupation. Precedence, most
/// specific first: a rule for this destination beats one for every destination; a rule listing
/// occupations beats one for every occupation; then the later `effective_from`; then the `code`
/// first in alphabetical order, so the choice never depends on the order rules are stored in.
///
/// A rule whose foreign part is in another currency than the destination's is skipped: it
/// cannot judge amounts asked in the destination's currency.
pub fn applicable<'r>(rules: &'r [FeeRule], q: &FeeQuestion) -> Option<&'r FeeRule> {
    let destination = q.destination.trim();
    let occupation = q.occupation.trim();
    let currency = currency_of(destination).map(|c| c.code);
    rules
        .iter()
        .filter(|r| r.fee_kind == q.fee_kind && r.in_force(q.on))
        .filter(|r| {
            r.destination
                .as_deref()
                .is_none_or(|d| d.eq_ignore_ascii_case(destination))
        })
        .filter(|r| {
            !r.excluded_destinations
                .iter()
                .any(|d| d.eq_ignore_ascii_case(destination))
        })
        .filter(|r| r.occupations.is_empty() || r.occupations.iter().any(|o| o == occupation))
        .filter(|r| r.limit.currency().is_none_or(|c| Some(c) == currency))
        .max_by(|a, b| {
            a.specificity()
                .cmp(&b.specificity())
                .then_with(|| b.code.cmp(&a.code))
        })
}

/// Checks the question, then judges it by the [`applicable`] rule. Every problem is reported at
/// once, at most one per field of the `/biaya` form: `negara`, `jabatan`, `biaya_rupiah`,
/// `biaya_asing`, `gaji_bulan_pertama`, `tahun_kontrak`.
pub fn check<'r>(rules: &'r [FeeRule], q: &FeeQuestion) -> Result<Outcome<'r>, Vec<Invalid>> {
    let mut errors = question_problems(
        &q.destination,
        &q.occupation,
        q.amount_idr,
        q.amount_foreign,
        q.first_month_wage,
    );
    let place_known = !errors
        .iter()
        .any(|e| matches!(e.field, "negara" | "jabatan"));
    let rule = if place_known {
        applicable(rules, q)
    } else {
        None
    };
    if let Some(rule) = rule {
        for e in rule_problems(rule, q) {
            push_once(&mut errors, e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(judge(rule, q))
}

/// What is wrong with a question whatever rule applies.
fn question_problems(
    destination: &str,
    occupation: &str,
    amount_idr: Option<i64>,
    amount_foreign: Option<i64>,
    first_month_wage: Option<i64>,
) -> Vec<Invalid> {
    let mut errors = Vec::new();
    let country = catalog::country(destination);
    if destination.trim().is_empty() {
        errors.push(Invalid::new("negara", "pilih negara tujuan"));
    } else if country.is_none() {
        errors.push(Invalid::new(
            "negara",
            format!(
                "negara «{}» tidak dikenal; pilih dari daftar negara tujuan",
                destination.trim()
            ),
        ));
    }
    let occupation = occupation.trim();
    if occupation.is_empty() {
        errors.push(Invalid::new("jabatan", "pilih jabatan/pekerjaan"));
    } else if catalog::occupation(occupation).is_none() {
        errors.push(Invalid::new(
            "jabatan",
            format!("jabatan «{occupation}» tidak ada dalam daftar; pilih dari daftar jabatan"),
        ));
    }
    for (field, amount, what) in [
        ("biaya_rupiah", amount_idr, "biaya"),
        ("biaya_asing", amount_foreign, "biaya"),
        ("gaji_bulan_pertama", first_month_wage, "gaji"),
    ] {
        match amount {
            Some(n) if n < 0 => errors.push(Invalid::new(
                field,
                format!("{what} tidak boleh negatif; tulis jumlahnya tanpa tanda minus"),
            )),
            Some(n) if n > MAX_MONEY => errors.push(Invalid::new(
                field,
                format!(
                    "{what} terlalu besar (paling banyak {}); periksa jumlah angkanya",
                    format_amount(MAX_MONEY)
                ),
            )),
            _ => {}
        }
    }
    if amount_idr.is_none() && amount_foreign.is_none() {
        let foreign = country
            .and_then(|c| currency_of(c.iso2))
            .map(|c| format!(", dalam {}, atau keduanya", c.symbol))
            .unwrap_or_default();
        errors.push(Invalid::new(
            "biaya_rupiah",
            format!("isi jumlah yang diminta: dalam rupiah{foreign}"),
        ));
    }
    if let Some(country) = country
        && amount_foreign.is_some()
        && currency_of(country.iso2).is_none()
    {
        errors.push(Invalid::new(
            "biaya_asing",
            format!(
                "mata uang {} belum tercatat; tulis jumlahnya dalam rupiah",
                country.id
            ),
        ));
    }
    errors
}

/// One message per field is enough: a second one about a field already wrong is noise.
fn push_once(errors: &mut Vec<Invalid>, e: Invalid) {
    if !errors.iter().any(|known| known.field == e.field) {
        errors.push(e);
    }
}

/// What the chosen rule needs that the question does not give.
fn rule_problems(rule: &FeeRule, q: &FeeQuestion) -> Vec<Invalid> {
    let mut errors = Vec::new();
    let symbol = currency_of(&q.destination).map_or("mata uang negara tujuan", |c| c.symbol);
    if rule.limit.foreign_only() && q.amount_idr.is_some_and(|n| n > 0) {
        errors.push(Invalid::new(
            "biaya_rupiah",
            format!(
                "batas biaya ini dihitung dalam {symbol}; tulis jumlah yang diminta dalam \
                 {symbol} di kolom biaya asing dan kosongkan kolom rupiah"
            ),
        ));
    }
    match rule.limit {
        Limit::PercentOfFirstMonthWage { .. } => match q.first_month_wage {
            None => errors.push(Invalid::new(
                "gaji_bulan_pertama",
                format!(
                    "isi gaji bulan pertama (dalam {symbol}): batas biaya ini dihitung dari \
                     gaji itu"
                ),
            )),
            Some(0) => errors.push(Invalid::new(
                "gaji_bulan_pertama",
                "gaji bulan pertama harus lebih dari 0",
            )),
            Some(_) => {}
        },
        Limit::MonthlyByContractYear { .. } if matches!(q.contract_year, None | Some(0)) => {
            errors.push(Invalid::new(
                "tahun_kontrak",
                "isi tahun kontrak (1 untuk tahun pertama, 2, 3, …): batasnya berbeda tiap tahun",
            ));
        }
        _ => {}
    }
    errors
}

/// The verdict on a checked question.
fn judge<'r>(rule: Option<&'r FeeRule>, q: &FeeQuestion) -> Outcome<'r> {
    let currency = currency_of(&q.destination);
    let Some(rule) = rule else {
        return Outcome {
            rule: None,
            verdict: Verdict::NoRule,
            limit_idr: None,
            limit_foreign: None,
            currency,
        };
    };
    let (limit_idr, limit_foreign) = match &rule.limit {
        Limit::Zero => (Some(0), currency.map(|_| 0)),
        Limit::Ceiling { idr, foreign } => (
            Some(idr.unwrap_or(0)),
            currency.map(|_| foreign.as_ref().map_or(0, |(_, n)| *n)),
        ),
        Limit::PercentOfFirstMonthWage { basis_points, .. } => {
            let wage = i128::from(q.first_month_wage.unwrap_or(0));
            let cap = wage * i128::from(*basis_points) / 10_000;
            (None, Some(i64::try_from(cap).unwrap_or(i64::MAX)))
        }
        Limit::MonthlyByContractYear { caps, .. } => {
            let year = q.contract_year.unwrap_or(1).max(1) as usize;
            // An empty list (only possible for a rule not made by `RawFeeRule::check`) allows
            // nothing.
            let cap = caps.get(year - 1).or(caps.last()).copied().unwrap_or(0);
            (None, Some(cap))
        }
    };
    let asked_idr = q.amount_idr.unwrap_or(0);
    let asked_foreign = q.amount_foreign.unwrap_or(0);
    let verdict = if rule.limit == Limit::Zero {
        if asked_idr > 0 || asked_foreign > 0 {
            Verdict::MustBeZero
        } else {
            Verdict::Within
        }
    } else {
        let excess_idr = (asked_idr - limit_idr.unwrap_or(0)).max(0);
        let excess_foreign = (asked_foreign - limit_foreign.unwrap_or(0)).max(0);
        if excess_idr == 0 && excess_foreign == 0 {
            Verdict::Within
        } else {
            Verdict::Above {
                excess_idr,
                excess_foreign,
            }
        }
    };
    Outcome {
        rule: Some(rule),
        verdict,
        limit_idr,
        limit_foreign,
        currency,
    }
}

/// The `/biaya` form as typed, before checks; field names are the form's.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawFeeQuestion {
    #[serde(rename = "negara")]
    pub destination: String,
    #[serde(rename = "jabatan")]
    pub occupation: String,
    #[serde(rename = "jenis_biaya")]
    pub fee_kind: String,
    /// Empty = today; a past date for a fee already paid.
    #[serde(rename = "tanggal")]
    pub on: String,
    #[serde(rename = "biaya_rupiah")]
    pub amount_idr: String,
    #[serde(rename = "biaya_asing")]
    pub amount_foreign: String,
    #[serde(rename = "gaji_bulan_pertama")]
    pub first_month_wage: String,
    #[serde(rename = "tahun_kontrak")]
    pub contract_year: String,
}

impl RawFeeQuestion {
    /// Reads the form and [`check`]s the question, reporting every problem at once (one per
    /// field: a field that cannot be read is not also reported as missing).
    pub fn check<'r>(
        &self,
        rules: &'r [FeeRule],
        today: NaiveDate,
    ) -> Result<Outcome<'r>, Vec<Invalid>> {
        let mut errors = Vec::new();
        let mut money = |field: &'static str, raw: &str| {
            parse_money(raw, field)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let amount_idr = money("biaya_rupiah", &self.amount_idr);
        let amount_foreign = money("biaya_asing", &self.amount_foreign);
        let first_month_wage = money("gaji_bulan_pertama", &self.first_month_wage);
        let fee_kind = if self.fee_kind.trim().is_empty() {
            errors.push(Invalid::new("jenis_biaya", "pilih jenis biaya"));
            None
        } else {
            self.fee_kind
                .parse::<FeeKind>()
                .map_err(|e| errors.push(e))
                .ok()
        };
        let on = parse_optional_date("tanggal", &self.on)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten()
            .unwrap_or(today);
        let year = self.contract_year.trim();
        let contract_year = if year.is_empty() {
            None
        } else if let Ok(n) = year.parse::<u32>() {
            Some(n)
        } else {
            errors.push(Invalid::new(
                "tahun_kontrak",
                format!("tahun kontrak «{year}» bukan angka; tulis 1, 2, 3, …"),
            ));
            None
        };
        let found = match fee_kind {
            Some(fee_kind) => {
                let q = FeeQuestion {
                    destination: self.destination.trim().to_uppercase(),
                    occupation: self.occupation.trim().to_owned(),
                    fee_kind,
                    on,
                    amount_idr,
                    amount_foreign,
                    first_month_wage,
                    contract_year,
                };
                check(rules, &q)
            }
            None => Err(question_problems(
                &self.destination,
                &self.occupation,
                amount_idr,
                amount_foreign,
                first_month_wage,
            )),
        };
        match found {
            Ok(outcome) if errors.is_empty() => Ok(outcome),
            Ok(_) => Err(errors),
            Err(more) => {
                for e in more {
                    push_once(&mut errors, e);
                }
                Err(errors)
            }
        }
    }
}

/// Money as people type it: "Rp 9.622.000", "9622000", "9.622.000,00", "Rp9.622.000,-",
/// "NT$20,000", "20.000", "  1 500 " → whole units.
///
/// Thousands may be grouped by dots (the Indonesian way), by commas (as NT$ and HK$ amounts are
/// printed) or by spaces, one kind per amount, every group after the first of exactly three
/// digits; so "12,5" or "1.50" is refused rather than guessed. A trailing ",00"/".00" (no cents)
/// or ",-" is accepted; other fractions, letters, negative amounts and amounts above
/// [`MAX_MONEY`] are refused. A currency sign or code before or after the number ("Rp",
/// "NT$", "HKD", …) is ignored. Empty, or a currency sign alone, is `Ok(None)`.
pub fn parse_money(s: &str, field: &'static str) -> Result<Option<i64>, Invalid> {
    let typed = s.trim();
    let unreadable = || {
        Invalid::new(
            field,
            format!(
                "jumlah «{typed}» tidak dikenali; tulis angka bulat tanpa sen, dengan titik \
                 sebagai pemisah ribuan, mis. 9.622.000"
            ),
        )
    };
    let negative = |s: &str| s.starts_with(['-', '\u{2212}']);
    let rest = strip_currency(typed).trim();
    if negative(typed) || negative(rest) {
        return Err(Invalid::new(
            field,
            "jumlah tidak boleh negatif; tulis tanpa tanda minus",
        ));
    }
    if rest.is_empty() {
        return Ok(None);
    }
    let number = [",00", ".00", ",-", ".-"]
        .iter()
        .find_map(|end| rest.strip_suffix(end))
        .unwrap_or(rest)
        .trim_end();
    let mut separator = None;
    for c in number.chars().filter(|c| !c.is_ascii_digit()) {
        let kind = match c {
            '.' | ',' => c,
            c if c.is_whitespace() => ' ',
            _ => return Err(unreadable()),
        };
        if separator.is_some_and(|s| s != kind) {
            return Err(unreadable());
        }
        separator = Some(kind);
    }
    let groups: Vec<&str> = match separator {
        None => vec![number],
        Some(' ') => number.split_whitespace().collect(),
        Some(sep) => number.split(sep).collect(),
    };
    let grouped = groups.len() > 1;
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        let len_ok = match (grouped, i) {
            (false, _) => !g.is_empty(),
            (true, 0) => (1..=3).contains(&g.len()),
            (true, _) => g.len() == 3,
        };
        len_ok && g.bytes().all(|b| b.is_ascii_digit())
    });
    if !well_formed {
        return Err(unreadable());
    }
    let digits = groups.concat();
    let significant = digits.trim_start_matches('0');
    let too_big = || {
        Invalid::new(
            field,
            format!(
                "jumlah terlalu besar (paling banyak {}); periksa jumlah angkanya",
                format_amount(MAX_MONEY)
            ),
        )
    };
    if significant.len() > 14 {
        return Err(too_big());
    }
    let value: i64 = if significant.is_empty() {
        0
    } else {
        significant.parse().map_err(|_| unreadable())?
    };
    if value > MAX_MONEY {
        return Err(too_big());
    }
    Ok(Some(value))
}

/// Removes one currency sign or code typed before or after an amount, longest first so "NT$" is
/// not read as "$" after "NT".
fn strip_currency(s: &str) -> &str {
    let mut markers: Vec<&str> = ["Rp.", "Rp", "IDR", "$"]
        .into_iter()
        .chain(CURRENCIES.iter().flat_map(|(_, c)| [c.code, c.symbol]))
        .collect();
    markers.sort_by_key(|m| std::cmp::Reverse(m.len()));
    for m in markers {
        if let Some(head) = s.get(..m.len())
            && head.eq_ignore_ascii_case(m)
        {
            return &s[m.len()..];
        }
        if let Some(start) = s.len().checked_sub(m.len())
            && let Some(tail) = s.get(start..)
            && tail.eq_ignore_ascii_case(m)
        {
            return &s[..start];
        }
    }
    s
}

/// A rule as typed in the staff form, before checks. Lists are comma-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawFeeRule {
    pub code: String,
    pub title: String,
    /// Empty = every destination.
    pub destination: String,
    /// Only with an empty destination.
    pub excluded_destinations: String,
    /// Empty = every occupation.
    pub occupations: String,
    pub fee_kind: String,
    /// One of [`LIMIT_KINDS`].
    pub limit_kind: String,
    pub max_idr: String,
    pub max_foreign: String,
    pub currency: String,
    pub basis_points: String,
    /// Monthly caps by contract year, e.g. "1.800, 1.700, 1.500".
    pub year_caps: String,
    pub regulation: String,
    pub source: String,
    pub effective_from: String,
    pub effective_until: String,
    /// "ya" when the rule still needs verifying.
    pub to_verify: String,
    pub note: String,
}

impl RawFeeRule {
    /// The form prefilled with a rule, to edit it: checking it unchanged gives the rule back.
    pub fn from_rule(r: &FeeRule) -> RawFeeRule {
        let mut raw = RawFeeRule {
            code: r.code.clone(),
            title: r.title.clone(),
            destination: r.destination.clone().unwrap_or_default(),
            excluded_destinations: r.excluded_destinations.join(", "),
            occupations: r.occupations.join(", "),
            fee_kind: r.fee_kind.as_str().to_owned(),
            limit_kind: r.limit.kind().to_owned(),
            regulation: r.regulation.clone(),
            source: r.source.clone(),
            effective_from: r.effective_from.format("%Y-%m-%d").to_string(),
            effective_until: r
                .effective_until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            to_verify: if r.to_verify { "ya" } else { "" }.to_owned(),
            note: r.note.clone(),
            ..RawFeeRule::default()
        };
        match &r.limit {
            Limit::Zero => {}
            Limit::Ceiling { idr, foreign } => {
                raw.max_idr = idr.map(format_amount).unwrap_or_default();
                if let Some((currency, n)) = foreign {
                    raw.currency = currency.clone();
                    raw.max_foreign = format_amount(*n);
                }
            }
            Limit::PercentOfFirstMonthWage {
                basis_points,
                currency,
            } => {
                raw.basis_points = basis_points.to_string();
                raw.currency = currency.clone();
            }
            Limit::MonthlyByContractYear { currency, caps } => {
                raw.currency = currency.clone();
                raw.year_caps = caps
                    .iter()
                    .map(|&n| format_amount(n))
                    .collect::<Vec<_>>()
                    .join(", ");
            }
        }
        raw
    }

    /// Checks every field and reports every problem at once, by field name.
    pub fn check(&self) -> Result<FeeRule, Vec<Invalid>> {
        let mut errors = Vec::new();
        let code = self.code.trim().to_lowercase();
        let code_ok = (3..=60).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !code.starts_with('-')
            && !code.ends_with('-');
        if !code_ok {
            errors.push(Invalid::new(
                "code",
                "kode 3–60 karakter: huruf kecil a–z, angka dan tanda hubung di tengah, \
                 mis. perban-9-2020-zero-cost",
            ));
        }
        let title = text("title", &self.title, "judul", true, 200, &mut errors);
        let regulation = text(
            "regulation",
            &self.regulation,
            "dasar hukum",
            true,
            300,
            &mut errors,
        );
        let source = text("source", &self.source, "sumber", true, 500, &mut errors);
        let note = text("note", &self.note, "catatan", false, 1000, &mut errors);

        let destination = match self.destination.trim() {
            "" => None,
            typed => match catalog::country(typed) {
                Some(c) => Some(c.iso2.to_owned()),
                None => {
                    errors.push(unknown_country("destination", typed));
                    None
                }
            },
        };
        let destination_typed = !self.destination.trim().is_empty();
        let mut excluded_destinations = Vec::new();
        for typed in list(&self.excluded_destinations) {
            match catalog::country(typed) {
                Some(c) if !excluded_destinations.iter().any(|d| d == c.iso2) => {
                    excluded_destinations.push(c.iso2.to_owned());
                }
                Some(_) => {}
                None => errors.push(unknown_country("excluded_destinations", typed)),
            }
        }
        if destination_typed && !excluded_destinations.is_empty() {
            errors.push(Invalid::new(
                "excluded_destinations",
                "negara yang dikecualikan hanya untuk aturan semua negara tujuan; kosongkan \
                 kolom ini atau kosongkan negara tujuan",
            ));
        }
        let mut occupations: Vec<String> = Vec::new();
        for typed in list(&self.occupations) {
            if catalog::occupation(typed).is_none() {
                errors.push(Invalid::new(
                    "occupations",
                    format!("jabatan «{typed}» tidak ada dalam daftar; pakai kode jabatan"),
                ));
            } else if !occupations.iter().any(|o| o == typed) {
                occupations.push(typed.to_owned());
            }
        }
        let fee_kind = if self.fee_kind.trim().is_empty() {
            errors.push(Invalid::new("fee_kind", "jenis biaya wajib dipilih"));
            None
        } else {
            self.fee_kind
                .parse::<FeeKind>()
                .map_err(|e| errors.push(Invalid::new("fee_kind", e.message)))
                .ok()
        };
        let limit = self.limit(destination.as_deref(), destination_typed, &mut errors);

        let effective_from = if self.effective_from.trim().is_empty() {
            errors.push(Invalid::new(
                "effective_from",
                "tanggal mulai berlaku wajib diisi",
            ));
            None
        } else {
            parse_date("effective_from", &self.effective_from)
                .map_err(|e| errors.push(e))
                .ok()
        };
        let effective_until = parse_optional_date("effective_until", &self.effective_until)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if let (Some(from), Some(until)) = (effective_from, effective_until)
            && until < from
        {
            errors.push(Invalid::new(
                "effective_until",
                "tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku",
            ));
        }
        let to_verify = match self.to_verify.trim().to_lowercase().as_str() {
            "ya" | "y" | "true" | "1" | "on" => true,
            "" | "tidak" | "false" | "0" | "off" => false,
            other => {
                errors.push(Invalid::new(
                    "to_verify",
                    format!(
                        "«{other}» tidak dikenali; isi «ya» bila aturan belum diverifikasi, \
                         atau kosongkan"
                    ),
                ));
                false
            }
        };
        match (fee_kind, limit, effective_from, errors.is_empty()) {
            (Some(fee_kind), Some(limit), Some(effective_from), true) => Ok(FeeRule {
                code,
                title,
                destination,
                excluded_destinations,
                occupations,
                fee_kind,
                limit,
                regulation,
                source,
                effective_from,
                effective_until,
                to_verify,
                note,
            }),
            _ => Err(errors),
        }
    }

    /// The limit fields: those the kind uses must be right, the others empty (a value left in
    /// an unused field would be silently dropped, and staff would believe it applies).
    fn limit(
        &self,
        destination: Option<&str>,
        destination_typed: bool,
        errors: &mut Vec<Invalid>,
    ) -> Option<Limit> {
        let kind = self.limit_kind.trim();
        let used: &[&str] = match kind {
            "zero" => &[],
            "ceiling" => &["max_idr", "max_foreign", "currency"],
            "percent" => &["basis_points", "currency"],
            "monthly" => &["year_caps", "currency"],
            "" => {
                errors.push(Invalid::new("limit_kind", "jenis batas wajib dipilih"));
                return None;
            }
            other => {
                let known = LIMIT_KINDS
                    .iter()
                    .map(|c| c.code)
                    .collect::<Vec<_>>()
                    .join(", ");
                errors.push(Invalid::new(
                    "limit_kind",
                    format!("jenis batas «{other}» tidak dikenal; pilih salah satu: {known}"),
                ));
                return None;
            }
        };
        for (field, value) in [
            ("max_idr", &self.max_idr),
            ("max_foreign", &self.max_foreign),
            ("basis_points", &self.basis_points),
            ("year_caps", &self.year_caps),
        ] {
            if !used.contains(&field) && !value.trim().is_empty() {
                errors.push(Invalid::new(
                    field,
                    format!("kosongkan kolom ini: batas «{kind}» tidak memakainya"),
                ));
            }
        }
        let needs_currency = match kind {
            "ceiling" => !self.max_foreign.trim().is_empty(),
            _ => kind != "zero",
        };
        let currency = self.currency(needs_currency, destination, destination_typed, errors);
        let mut money = |field: &'static str, raw: &str| {
            parse_money(raw, field)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let limit = match kind {
            "zero" => Limit::Zero,
            "ceiling" => {
                let idr = money("max_idr", &self.max_idr);
                let foreign = money("max_foreign", &self.max_foreign);
                if idr.is_none() && foreign.is_none() {
                    if self.max_idr.trim().is_empty() && self.max_foreign.trim().is_empty() {
                        errors.push(Invalid::new(
                            "max_idr",
                            "isi batas dalam rupiah dan/atau dalam mata uang negara tujuan",
                        ));
                    }
                    return None;
                }
                if idr.unwrap_or(0) == 0 && foreign.unwrap_or(0) == 0 {
                    errors.push(Invalid::new(
                        "limit_kind",
                        "semua batas bernilai nol: pilih jenis batas «zero» agar pengguna \
                         diberi tahu bahwa biaya ini tidak boleh dipungut",
                    ));
                    return None;
                }
                Limit::Ceiling {
                    idr,
                    foreign: match (currency?, foreign) {
                        (_, None) => None,
                        (code, Some(n)) => Some((code, n)),
                    },
                }
            }
            "percent" => {
                let typed = self.basis_points.trim();
                let basis_points = match typed.parse::<u32>() {
                    Ok(n) if (1..=10_000).contains(&n) => n,
                    _ => {
                        errors.push(Invalid::new(
                            "basis_points",
                            format!(
                                "basis poin «{typed}» tidak sah; tulis angka bulat 1–10000 \
                                 (1000 = 10 %)"
                            ),
                        ));
                        return None;
                    }
                };
                Limit::PercentOfFirstMonthWage {
                    basis_points,
                    currency: currency?,
                }
            }
            _ => {
                let caps = year_caps(&self.year_caps, errors)?;
                Limit::MonthlyByContractYear {
                    currency: currency?,
                    caps,
                }
            }
        };
        Some(limit)
    }

    /// The currency code, which must be the destination's: amounts asked are in the
    /// destination's currency, so a limit in another one could never be compared with them.
    /// `Some("")` when no currency is needed and none is typed.
    fn currency(
        &self,
        needed: bool,
        destination: Option<&str>,
        destination_typed: bool,
        errors: &mut Vec<Invalid>,
    ) -> Option<String> {
        let typed = self.currency.trim().to_uppercase();
        if !needed {
            if typed.is_empty() {
                return Some(String::new());
            }
            errors.push(Invalid::new(
                "currency",
                "kosongkan mata uang: batas ini tidak memakai mata uang negara tujuan",
            ));
            return None;
        }
        let Some(destination) = destination else {
            if !destination_typed {
                errors.push(Invalid::new(
                    "destination",
                    "batas dalam mata uang asing hanya untuk aturan satu negara tujuan; \
                     pilih negara tujuan",
                ));
            }
            return None;
        };
        let Some(expected) = currency_of(destination) else {
            errors.push(Invalid::new(
                "currency",
                format!("mata uang negara {destination} belum tercatat; pakai batas rupiah"),
            ));
            return None;
        };
        if typed == expected.code {
            Some(typed)
        } else {
            let message = if typed.is_empty() {
                format!(
                    "mata uang wajib diisi: untuk {destination} isi {}",
                    expected.code
                )
            } else {
                format!(
                    "mata uang {destination} adalah {}, bukan «{typed}»",
                    expected.code
                )
            };
            errors.push(Invalid::new("currency", message));
            None
        }
    }
}

/// The pieces of a comma-separated list, trimmed, without empty ones.
fn list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty())
}

fn text(
    field: &'static str,
    raw: &str,
    label: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<Invalid>,
) -> String {
    let v = clean_spaces(raw);
    if required && v.is_empty() {
        errors.push(Invalid::new(field, format!("{label} wajib diisi")));
    } else if v.chars().count() > max {
        errors.push(Invalid::new(
            field,
            format!("{label} paling banyak {max} karakter"),
        ));
    }
    v
}

fn unknown_country(field: &'static str, typed: &str) -> Invalid {
    Invalid::new(
        field,
        format!("negara «{typed}» tidak dikenal; pakai kode ISO 2 huruf, mis. TW, HK, MY"),
    )
}

/// Monthly caps by contract year, separated by commas. A comma directly followed by exactly three
/// digits ("1,800") reads as a thousands separator, so it is refused rather than read as two
/// caps (1 and 800).
fn year_caps(raw: &str, errors: &mut Vec<Invalid>) -> Option<Vec<i64>> {
    let pieces: Vec<&str> = raw.split(',').collect();
    let ambiguous = pieces.iter().skip(1).any(|p| {
        let digits = p.trim_end();
        digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if ambiguous {
        errors.push(Invalid::new(
            "year_caps",
            "koma di sini memisahkan tahun, bukan ribuan: tulis 1800, 1700, 1500 atau \
             1.800, 1.700, 1.500 (spasi setelah koma)",
        ));
        return None;
    }
    let mut caps = Vec::new();
    for piece in pieces {
        match parse_money(piece, "year_caps") {
            Ok(Some(n)) => caps.push(n),
            Ok(None) => {}
            Err(e) => {
                errors.push(e);
                return None;
            }
        }
    }
    if caps.is_empty() {
        errors.push(Invalid::new(
            "year_caps",
            "isi batas per bulan untuk tahun kontrak pertama, lalu tahun berikutnya, mis. \
             1.800, 1.700, 1.500",
        ));
        return None;
    }
    Some(caps)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

const PERBAN_9_2020: &str =
    "UU 18/2017 Pasal 30 ayat (1); Perban BP2MI 9/2020 Pembebasan Biaya Penempatan PMI";
const PERBAN_9_2020_SOURCE: &str = "Kompas.com, 17 Agustus 2020; pripos.id, 15 Januari 2021";
const PERBAN_9_2020_NOTE: &str = "PMI tidak dapat dibebani biaya penempatan (UU 18/2017 Pasal \
    30 ayat 1). Untuk 10 jabatan ini, 14 komponen biaya (antara lain tiket, visa kerja, paspor, \
    SKCK, pemeriksaan kesehatan dan psikologi, jasa P3MI, akomodasi) ditanggung pemberi kerja; \
    pelatihan dan sertifikasi kompetensi ditanggung pemerintah. Perban bertanggal 15 Juni 2020; \
    masa transisi diperpanjang sampai 15 Juli 2021.";
const TAIWAN_MOL: &str = "Standards for Fee-charging Items and Amounts of Private Employment \
    Services Institutions, Kementerian Tenaga Kerja Taiwan (MOL/WDA)";
const TAIWAN_MOL_SOURCE: &str =
    "fw.wda.gov.tw, diperbarui 29 Juni 2025; Taipei Times, 10 April 2017";

/// The rules the product ships with, from DOMAIN.md §2, each with its regulation, source and
/// "to verify" as DOMAIN marks it. A start date DOMAIN does not give is an assumption stated in
/// the rule's note.
pub fn seed_rules() -> Vec<FeeRule> {
    let zero_cost: Vec<String> = catalog::OCCUPATIONS
        .iter()
        .filter(|o| o.zero_cost)
        .map(|o| o.code.to_owned())
        .collect();
    let taiwan = || Some("TW".to_owned());
    vec![
        // Before July 2022 the Perban reached Taiwan too (Indonesia halted caregiver
        // applications in March 2022 over it), so it is split at Taiwan's exemption.
        FeeRule {
            code: "perban-9-2020-zero-cost-until-2022-07".into(),
            title: "Pembebasan biaya penempatan untuk 10 jabatan (Perban BP2MI 9/2020), \
                    sebelum Taiwan dikecualikan"
                .into(),
            destination: None,
            excluded_destinations: vec![],
            occupations: zero_cost.clone(),
            fee_kind: FeeKind::Placement,
            limit: Limit::Zero,
            regulation: PERBAN_9_2020.into(),
            source: PERBAN_9_2020_SOURCE.into(),
            effective_from: day(2020, 6, 15),
            effective_until: Some(day(2022, 7, 6)),
            to_verify: false,
            note: format!(
                "{PERBAN_9_2020_NOTE} Sampai 6 Juli 2022 berlaku juga untuk penempatan ke Taiwan."
            ),
        },
        FeeRule {
            code: "perban-9-2020-zero-cost".into(),
            title: "Pembebasan biaya penempatan untuk 10 jabatan (Perban BP2MI 9/2020)".into(),
            destination: None,
            excluded_destinations: vec!["TW".into()],
            occupations: zero_cost,
            fee_kind: FeeKind::Placement,
            limit: Limit::Zero,
            regulation: PERBAN_9_2020.into(),
            source: format!(
                "{PERBAN_9_2020_SOURCE}; pengecualian Taiwan: Taipei Times, 6 Agustus 2022; \
                 jpnn.com, Juli 2022"
            ),
            effective_from: day(2022, 7, 7),
            effective_until: None,
            to_verify: false,
            note: format!(
                "{PERBAN_9_2020_NOTE} Taiwan dikecualikan sejak Juli 2022: penempatan ke Taiwan \
                 dibuka lagi 7 Juli 2022 tanpa merujuk Perban 9/2020, dan untuk Taiwan berlaku \
                 batas biaya tersendiri."
            ),
        },
        FeeRule {
            code: "kepka-bp2mi-50-2023-taiwan-informal".into(),
            title: "Batas biaya penempatan ke Taiwan, sektor informal (PLRT dan caregiver)".into(),
            destination: taiwan(),
            excluded_destinations: vec![],
            occupations: [
                "pengurus_rumah_tangga",
                "pengasuh_bayi",
                "pengasuh_lansia",
                "pengasuh_anak",
            ]
            .map(String::from)
            .to_vec(),
            fee_kind: FeeKind::Placement,
            limit: Limit::Ceiling {
                idr: Some(9_622_000),
                foreign: Some(("TWD".into(), 20_000)),
            },
            regulation: "Kepka BP2MI 50/2023".into(),
            source: "Analis KDEI Taipei kepada CNA, indonesia.focustaiwan.tw, 22 Agustus 2024"
                .into(),
            effective_from: day(2023, 1, 1),
            effective_until: None,
            to_verify: true,
            note: "Paling banyak Rp9.622.000 ditambah NT$20.000; bagian rupiah sudah termasuk \
                   pemeriksaan kesehatan Rp1.020.000 dan psikologi Rp550.000. Taiwan dikecualikan \
                   dari pembebasan biaya (Perban 9/2020) sejak Juli 2022. Tanggal mulai berlaku \
                   tidak tercantum di sumber; 1 Januari 2023 dipakai sebagai anggapan. Biaya di \
                   atas batas ini adalah pungutan berlebih."
                .into(),
        },
        FeeRule {
            code: "taiwan-broker-service-fee".into(),
            title: "Batas biaya jasa bulanan broker di Taiwan".into(),
            destination: taiwan(),
            excluded_destinations: vec![],
            occupations: vec![],
            fee_kind: FeeKind::MonthlyServiceFee,
            limit: Limit::MonthlyByContractYear {
                currency: "TWD".into(),
                caps: vec![1_800, 1_700, 1_500],
            },
            regulation: TAIWAN_MOL.into(),
            source: TAIWAN_MOL_SOURCE.into(),
            effective_from: day(2017, 4, 10),
            effective_until: None,
            to_verify: false,
            note: "Broker boleh memungut biaya jasa paling banyak NT$1.800 per bulan pada tahun \
                   pertama, NT$1.700 pada tahun kedua dan NT$1.500 mulai tahun ketiga. NT$1.500 \
                   juga berlaku setelah dipekerjakan kembali atau pindah majikan (isi tahun \
                   kontrak 3). Memungut «brokerage fee» atau «transfer fee» dilarang. Tanggal \
                   mulai berlaku adalah tanggal berita Taipei Times tentang perubahan aturan ini \
                   (10 April 2017). Pengaduan: 1955 (gratis, 24 jam, ada bahasa Indonesia)."
                .into(),
        },
        FeeRule {
            code: "taiwan-no-brokerage-fee".into(),
            title: "Larangan «brokerage fee» dan «transfer fee» di Taiwan".into(),
            destination: taiwan(),
            excluded_destinations: vec![],
            occupations: vec![],
            fee_kind: FeeKind::AgencyFee,
            limit: Limit::Zero,
            regulation: TAIWAN_MOL.into(),
            source: TAIWAN_MOL_SOURCE.into(),
            effective_from: day(2017, 4, 10),
            effective_until: None,
            to_verify: false,
            note: "Broker di Taiwan tidak boleh memungut «brokerage fee» (biaya perantara) atau \
                   «transfer fee» (biaya pindah majikan) dari pekerja; yang boleh dipungut hanya \
                   biaya jasa bulanan dalam batasnya. Tanggal mulai berlaku mengikuti aturan \
                   biaya jasa bulanan (Taipei Times, 10 April 2017); tanggal pastinya tidak \
                   tercantum di sumber. Pengaduan: 1955 (gratis, 24 jam, ada bahasa Indonesia)."
                .into(),
        },
        FeeRule {
            code: "hong-kong-agency-commission".into(),
            title: "Batas komisi agensi di Hong Kong: 10% gaji bulan pertama".into(),
            destination: Some("HK".into()),
            excluded_destinations: vec![],
            occupations: vec![],
            fee_kind: FeeKind::AgencyFee,
            limit: Limit::PercentOfFirstMonthWage {
                basis_points: 1_000,
                currency: "HKD".into(),
            },
            regulation: "Employment Ordinance (Cap. 57) Bagian XII dan Employment Agency \
                         Regulations (Cap. 57A), Hong Kong"
                .into(),
            source: "eaa.labour.gov.hk; info.gov.hk, 9 Februari 2018".into(),
            effective_from: day(2018, 2, 9),
            effective_until: None,
            to_verify: false,
            note: "Agensi di Hong Kong hanya boleh memungut komisi paling banyak 10% dari gaji \
                   bulan pertama, dan tidak boleh memungut biaya lain. Pelanggaran diancam denda \
                   sampai HK$350.000 dan penjara 3 tahun. Tanggal mulai berlaku adalah berlakunya \
                   ancaman hukuman itu (Employment (Amendment) Ordinance 2018, 9 Februari 2018); \
                   batas 10% sendiri sudah berlaku sebelumnya. Cek izin agensi di \
                   eaa.labour.gov.hk."
                .into(),
        },
    ]
}

#[cfg(test)]
mod tests;
