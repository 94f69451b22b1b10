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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn today() -> NaiveDate {
        day(2026, 1, 15)
    }

    fn ask(destination: &str, occupation: &str, fee_kind: FeeKind) -> FeeQuestion {
        FeeQuestion {
            destination: destination.into(),
            occupation: occupation.into(),
            fee_kind,
            on: today(),
            amount_idr: None,
            amount_foreign: None,
            first_month_wage: None,
            contract_year: None,
        }
    }

    fn with(mut q: FeeQuestion, idr: Option<i64>, foreign: Option<i64>) -> FeeQuestion {
        q.amount_idr = idr;
        q.amount_foreign = foreign;
        q
    }

    fn fields(errors: &[Invalid]) -> Vec<&'static str> {
        errors.iter().map(|e| e.field).collect()
    }

    fn rule_code<'r>(outcome: &Outcome<'r>) -> Option<&'r str> {
        outcome.rule.map(|r| r.code.as_str())
    }

    #[test]
    fn fee_kinds_round_trip_and_have_labels() {
        let mut labels = HashSet::new();
        for &kind in FEE_KINDS {
            assert_eq!(kind.as_str().parse::<FeeKind>().unwrap(), kind);
            assert_eq!(format!(" {kind} ").parse::<FeeKind>().unwrap(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<FeeKind>(&json).unwrap(), kind);
            assert!(labels.insert(kind.label_id()) && labels.insert(kind.label_en()));
        }
        assert_eq!(
            FEE_KINDS.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            ["penempatan", "komisi_agensi", "jasa_bulanan"]
        );
        let e = "placement".parse::<FeeKind>().unwrap_err();
        assert_eq!(e.field, "jenis_biaya");
        assert!(e.message.contains("«placement»"), "{}", e.message);
        assert!(
            e.message
                .contains("penempatan, komisi_agensi, jasa_bulanan")
        );
    }

    #[test]
    fn every_destination_has_a_currency() {
        for country in catalog::COUNTRIES {
            let c = currency_of(country.iso2)
                .unwrap_or_else(|| panic!("{} has no currency", country.iso2));
            assert!(
                c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                c.code
            );
            assert!(!c.symbol.is_empty());
        }
        assert_eq!(CURRENCIES.len(), catalog::COUNTRIES.len());
        for (iso2, code, symbol) in [
            ("TW", "TWD", "NT$"),
            ("HK", "HKD", "HK$"),
            ("MY", "MYR", "RM"),
            ("SG", "SGD", "S$"),
            ("SA", "SAR", "SAR"),
            ("KR", "KRW", "₩"),
            ("JP", "JPY", "¥"),
            ("DE", "EUR", "€"),
            ("MO", "MOP", "MOP$"),
        ] {
            assert_eq!(currency_of(iso2), Some(Currency { code, symbol }));
        }
        assert_eq!(currency_of(" tw ").unwrap().code, "TWD");
        assert_eq!(currency_of("ID"), None, "Indonesia is not a destination");
        assert_eq!(currency_of(""), None);
    }

    #[test]
    fn amounts_are_printed_the_indonesian_way() {
        for (n, printed) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1.000"),
            (20_000, "20.000"),
            (9_622_000, "9.622.000"),
            (MAX_MONEY, "10.000.000.000.000"),
            (-1_234, "-1.234"),
        ] {
            assert_eq!(format_amount(n), printed);
        }
        assert_eq!(RUPIAH.format(9_622_000), "Rp9.622.000");
        assert_eq!(currency_of("TW").unwrap().format(20_000), "NT$20.000");
        assert_eq!(currency_of("SA").unwrap().format(1_500), "SAR 1.500");
        assert_eq!(currency_of("HK").unwrap().format(510), "HK$510");
    }

    #[test]
    fn limit_kinds_match_the_form_list() {
        let limits = [
            Limit::Zero,
            Limit::Ceiling {
                idr: Some(1),
                foreign: None,
            },
            Limit::PercentOfFirstMonthWage {
                basis_points: 1,
                currency: "HKD".into(),
            },
            Limit::MonthlyByContractYear {
                currency: "TWD".into(),
                caps: vec![1],
            },
        ];
        assert_eq!(
            limits.iter().map(Limit::kind).collect::<Vec<_>>(),
            LIMIT_KINDS.iter().map(|c| c.code).collect::<Vec<_>>()
        );
        assert_eq!(
            limits.iter().map(Limit::currency).collect::<Vec<_>>(),
            [None, None, Some("HKD"), Some("TWD")]
        );
        for limit in limits {
            let json = serde_json::to_value(&limit).unwrap();
            assert_eq!(json["kind"], limit.kind());
            assert_eq!(serde_json::from_value::<Limit>(json).unwrap(), limit);
        }
    }

    /// One boundary of one seeded rule.
    struct Case {
        question: FeeQuestion,
        rule: Option<&'static str>,
        verdict: Verdict,
        limit_idr: Option<i64>,
        limit_foreign: Option<i64>,
    }

    fn case(
        question: FeeQuestion,
        rule: Option<&'static str>,
        verdict: Verdict,
        limit_idr: Option<i64>,
        limit_foreign: Option<i64>,
    ) -> Case {
        Case {
            question,
            rule,
            verdict,
            limit_idr,
            limit_foreign,
        }
    }

    fn on(mut q: FeeQuestion, date: NaiveDate) -> FeeQuestion {
        q.on = date;
        q
    }

    fn wage(mut q: FeeQuestion, wage: i64) -> FeeQuestion {
        q.first_month_wage = Some(wage);
        q
    }

    fn year(mut q: FeeQuestion, year: u32) -> FeeQuestion {
        q.contract_year = Some(year);
        q
    }

    fn above(excess_idr: i64, excess_foreign: i64) -> Verdict {
        Verdict::Above {
            excess_idr,
            excess_foreign,
        }
    }

    fn boundary_cases() -> Vec<Case> {
        use FeeKind::*;
        use Verdict::*;
        let zero = Some("perban-9-2020-zero-cost");
        let zero_until_2022 = Some("perban-9-2020-zero-cost-until-2022-07");
        let kepka = Some("kepka-bp2mi-50-2023-taiwan-informal");
        let monthly = Some("taiwan-broker-service-fee");
        let no_brokerage = Some("taiwan-no-brokerage-fee");
        let hk = Some("hong-kong-agency-commission");
        let my_prt = || ask("MY", "pengurus_rumah_tangga", Placement);
        let tw_prt = || ask("TW", "pengurus_rumah_tangga", Placement);
        let tw_monthly = |y| year(ask("TW", "operator_pabrik", MonthlyServiceFee), y);
        let hk_agency = |w| wage(ask("HK", "pengurus_rumah_tangga", AgencyFee), w);
        let tw_agency = || ask("TW", "operator_pabrik", AgencyFee);
        let zero_limits = (Some(0), Some(0));
        let mut cases = vec![
            // Perban 9/2020, every destination but Taiwan since 7 July 2022.
            case(
                with(my_prt(), Some(0), None),
                zero,
                Within,
                Some(0),
                Some(0),
            ),
            case(
                with(my_prt(), Some(1), None),
                zero,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(my_prt(), None, Some(1)),
                zero,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(my_prt(), Some(0), Some(0)),
                zero,
                Within,
                Some(0),
                Some(0),
            ),
            case(
                with(ask("KR", "awak_kapal_perikanan", Placement), Some(1), None),
                zero,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(on(my_prt(), day(2022, 7, 7)), Some(0), None),
                zero,
                Within,
                Some(0),
                Some(0),
            ),
            // Perban 9/2020 before Taiwan's exemption, Taiwan included.
            case(
                with(on(tw_prt(), day(2021, 7, 16)), Some(0), None),
                zero_until_2022,
                Within,
                Some(0),
                Some(0),
            ),
            case(
                with(on(tw_prt(), day(2021, 7, 16)), Some(1), None),
                zero_until_2022,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(on(my_prt(), day(2020, 6, 15)), Some(1), None),
                zero_until_2022,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(on(my_prt(), day(2022, 7, 6)), Some(0), None),
                zero_until_2022,
                Within,
                Some(0),
                Some(0),
            ),
            // Kepka BP2MI 50/2023: Rp9.622.000 + NT$20.000, each part on its own.
            case(
                with(tw_prt(), Some(9_622_000), Some(20_000)),
                kepka,
                Within,
                Some(9_622_000),
                Some(20_000),
            ),
            case(
                with(tw_prt(), Some(9_622_001), Some(20_000)),
                kepka,
                above(1, 0),
                Some(9_622_000),
                Some(20_000),
            ),
            case(
                with(tw_prt(), Some(9_622_000), Some(20_001)),
                kepka,
                above(0, 1),
                Some(9_622_000),
                Some(20_000),
            ),
            case(
                with(tw_prt(), Some(9_622_001), Some(20_001)),
                kepka,
                above(1, 1),
                Some(9_622_000),
                Some(20_000),
            ),
            case(
                with(tw_prt(), Some(0), Some(45_000)),
                kepka,
                above(0, 25_000),
                Some(9_622_000),
                Some(20_000),
            ),
            case(
                with(tw_prt(), Some(9_622_000), None),
                kepka,
                Within,
                Some(9_622_000),
                Some(20_000),
            ),
            // Taiwan broker's monthly service fee by contract year.
            case(
                with(tw_monthly(1), None, Some(1_800)),
                monthly,
                Within,
                None,
                Some(1_800),
            ),
            case(
                with(tw_monthly(1), None, Some(1_801)),
                monthly,
                above(0, 1),
                None,
                Some(1_800),
            ),
            case(
                with(tw_monthly(2), None, Some(1_700)),
                monthly,
                Within,
                None,
                Some(1_700),
            ),
            case(
                with(tw_monthly(2), None, Some(1_701)),
                monthly,
                above(0, 1),
                None,
                Some(1_700),
            ),
            case(
                with(tw_monthly(3), None, Some(1_500)),
                monthly,
                Within,
                None,
                Some(1_500),
            ),
            case(
                with(tw_monthly(3), None, Some(1_501)),
                monthly,
                above(0, 1),
                None,
                Some(1_500),
            ),
            case(
                with(tw_monthly(7), None, Some(1_500)),
                monthly,
                Within,
                None,
                Some(1_500),
            ),
            case(
                with(tw_monthly(7), None, Some(1_501)),
                monthly,
                above(0, 1),
                None,
                Some(1_500),
            ),
            case(
                with(
                    year(ask("TW", "pengasuh_lansia", MonthlyServiceFee), 1),
                    Some(0),
                    Some(1_800),
                ),
                monthly,
                Within,
                None,
                Some(1_800),
            ),
            // Taiwan: no brokerage or transfer fee.
            case(
                with(tw_agency(), None, Some(0)),
                no_brokerage,
                Within,
                Some(0),
                Some(0),
            ),
            case(
                with(tw_agency(), None, Some(1)),
                no_brokerage,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            case(
                with(tw_agency(), Some(1), None),
                no_brokerage,
                MustBeZero,
                Some(0),
                Some(0),
            ),
            // Hong Kong: 10 % of the first month's wage, rounded down.
            case(
                with(hk_agency(5_100), None, Some(510)),
                hk,
                Within,
                None,
                Some(510),
            ),
            case(
                with(hk_agency(5_100), None, Some(511)),
                hk,
                above(0, 1),
                None,
                Some(510),
            ),
            case(
                with(hk_agency(5_105), None, Some(510)),
                hk,
                Within,
                None,
                Some(510),
            ),
            case(
                with(hk_agency(5_105), None, Some(511)),
                hk,
                above(0, 1),
                None,
                Some(510),
            ),
            case(
                with(hk_agency(5_109), None, Some(510)),
                hk,
                Within,
                None,
                Some(510),
            ),
            case(
                with(hk_agency(5_110), None, Some(511)),
                hk,
                Within,
                None,
                Some(511),
            ),
            case(
                with(hk_agency(5_100), Some(0), Some(0)),
                hk,
                Within,
                None,
                Some(510),
            ),
            // No rule: not a statement that it is legal.
            case(
                with(
                    ask("TW", "operator_pabrik", Placement),
                    Some(50_000_000),
                    None,
                ),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(ask("TW", "juru_masak", Placement), Some(1), None),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(on(tw_prt(), day(2022, 8, 1)), Some(1), None),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(on(my_prt(), day(2020, 6, 14)), Some(1), None),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(on(hk_agency(5_100), day(2018, 2, 8)), None, Some(510)),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(on(tw_monthly(1), day(2017, 4, 9)), None, Some(1_800)),
                None,
                NoRule,
                None,
                None,
            ),
            case(
                with(
                    ask("MY", "operator_pabrik", MonthlyServiceFee),
                    None,
                    Some(1),
                ),
                None,
                NoRule,
                None,
                None,
            ),
        ];
        // The first day of each dated rule.
        cases.push(case(
            with(on(tw_prt(), day(2023, 1, 1)), Some(9_622_000), Some(20_000)),
            kepka,
            Within,
            Some(9_622_000),
            Some(20_000),
        ));
        cases.push(case(
            with(on(hk_agency(5_100), day(2018, 2, 9)), None, Some(510)),
            hk,
            Within,
            None,
            Some(510),
        ));
        cases.push(case(
            with(on(tw_monthly(1), day(2017, 4, 10)), None, Some(1_800)),
            monthly,
            Within,
            None,
            Some(1_800),
        ));
        cases.push(case(
            with(on(tw_agency(), day(2017, 4, 10)), None, Some(1)),
            no_brokerage,
            MustBeZero,
            zero_limits.0,
            zero_limits.1,
        ));
        cases
    }

    #[test]
    fn every_seeded_rule_at_its_boundaries() {
        let rules = seed_rules();
        let cases = boundary_cases();
        for (i, c) in cases.iter().enumerate() {
            let outcome = check(&rules, &c.question)
                .unwrap_or_else(|e| panic!("case {i} {:?}: {e:?}", c.question));
            let what = format!("case {i}: {:?}", c.question);
            assert_eq!(rule_code(&outcome), c.rule, "{what}");
            assert_eq!(outcome.verdict, c.verdict, "{what}");
            assert_eq!(outcome.limit_idr, c.limit_idr, "{what}");
            assert_eq!(outcome.limit_foreign, c.limit_foreign, "{what}");
            assert_eq!(
                outcome.currency,
                currency_of(&c.question.destination),
                "{what}"
            );
            assert_eq!(
                applicable(&rules, &c.question).map(|r| r.code.as_str()),
                c.rule,
                "{what}"
            );
        }
        let covered: HashSet<&str> = cases.iter().filter_map(|c| c.rule).collect();
        for rule in &rules {
            assert!(
                covered.contains(rule.code.as_str()),
                "{} untested",
                rule.code
            );
        }
    }

    #[test]
    fn seeded_rules_are_what_domain_says() {
        let rules = seed_rules();
        let codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "perban-9-2020-zero-cost-until-2022-07",
                "perban-9-2020-zero-cost",
                "kepka-bp2mi-50-2023-taiwan-informal",
                "taiwan-broker-service-fee",
                "taiwan-no-brokerage-fee",
                "hong-kong-agency-commission",
            ]
        );
        let zero_cost: Vec<&str> = catalog::OCCUPATIONS
            .iter()
            .filter(|o| o.zero_cost)
            .map(|o| o.code)
            .collect();
        for rule in &rules[..2] {
            assert_eq!(rule.occupations, zero_cost);
            assert!(rule.regulation.contains("Pasal 30 ayat (1)"));
            assert!(rule.regulation.contains("Perban BP2MI 9/2020"));
            assert!(rule.note.contains("15 Juli 2021"), "transition in the note");
        }
        assert_eq!(rules[0].effective_from, day(2020, 6, 15));
        assert_eq!(rules[1].excluded_destinations, ["TW"]);
        let kepka = &rules[2];
        assert!(kepka.to_verify, "DOMAIN marks Kepka 50/2023 [verify]");
        assert!(kepka.note.contains("anggapan"), "the assumed date is said");
        assert!(
            rules.iter().filter(|r| r.to_verify).count() == 1,
            "only Kepka 50/2023 is marked [verify]"
        );
        assert!(rules[3].note.contains("brokerage fee") && rules[3].note.contains("transfer fee"));
        assert!(rules[5].note.contains("HK$350.000") && rules[5].note.contains("3 tahun"));
        for rule in &rules {
            assert!(
                !rule.source.is_empty() && !rule.regulation.is_empty(),
                "{}",
                rule.code
            );
            assert!(
                !rule.note.is_empty() && !rule.title.is_empty(),
                "{}",
                rule.code
            );
        }
    }

    #[test]
    fn every_seeded_rule_survives_the_edit_form() {
        for rule in seed_rules() {
            let raw = RawFeeRule::from_rule(&rule);
            assert_eq!(raw.check(), Ok(rule.clone()), "{}", rule.code);
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(serde_json::from_str::<FeeRule>(&json).unwrap(), rule);
        }
        let monthly = RawFeeRule::from_rule(&seed_rules()[3]);
        assert_eq!(monthly.year_caps, "1.800, 1.700, 1.500");
        assert_eq!(monthly.currency, "TWD");
        let kepka = RawFeeRule::from_rule(&seed_rules()[2]);
        assert_eq!(
            (kepka.max_idr.as_str(), kepka.max_foreign.as_str()),
            ("9.622.000", "20.000")
        );
        assert_eq!(kepka.to_verify, "ya");
        assert_eq!(kepka.effective_from, "2023-01-01");
    }

    fn rule(
        code: &str,
        destination: Option<&str>,
        occupations: &[&str],
        from: NaiveDate,
    ) -> FeeRule {
        FeeRule {
            code: code.into(),
            title: code.into(),
            destination: destination.map(String::from),
            excluded_destinations: vec![],
            occupations: occupations.iter().map(|o| o.to_string()).collect(),
            fee_kind: FeeKind::Placement,
            limit: Limit::Zero,
            regulation: "Peraturan uji".into(),
            source: "uji".into(),
            effective_from: from,
            effective_until: None,
            to_verify: false,
            note: String::new(),
        }
    }

    fn pick(rules: &[FeeRule], destination: &str, occupation: &str) -> Option<String> {
        applicable(rules, &ask(destination, occupation, FeeKind::Placement)).map(|r| r.code.clone())
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let old = day(2020, 1, 1);
        let new = day(2024, 1, 1);
        let rules = vec![
            rule("every-place-every-job", None, &[], new),
            rule("every-place-cooks", None, &["juru_masak"], old),
            rule("taiwan-every-job", Some("TW"), &[], old),
            rule("taiwan-cooks", Some("TW"), &["juru_masak"], old),
        ];
        assert_eq!(pick(&rules, "TW", "juru_masak").unwrap(), "taiwan-cooks");
        assert_eq!(pick(&rules, "tw", "juru_masak").unwrap(), "taiwan-cooks");
        // Destination beats occupations.
        assert_eq!(
            pick(&rules, "TW", "sopir_keluarga").unwrap(),
            "taiwan-every-job"
        );
        // Occupations beat a later effective_from.
        assert_eq!(
            pick(&rules, "MY", "juru_masak").unwrap(),
            "every-place-cooks"
        );
        assert_eq!(
            pick(&rules, "MY", "sopir_keluarga").unwrap(),
            "every-place-every-job"
        );
    }

    #[test]
    fn between_equally_specific_rules_the_newer_then_the_first_code_wins() {
        let mut rules = vec![
            rule("b-old", Some("MY"), &[], day(2020, 1, 1)),
            rule("c-new", Some("MY"), &[], day(2024, 1, 1)),
        ];
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "c-new");
        rules.reverse();
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "c-new");
        rules.push(rule("a-new", Some("MY"), &[], day(2024, 1, 1)));
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "a-new");
        rules.reverse();
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "a-new");
        // The newer rule does not apply before its first day.
        let mut q = ask("MY", "lainnya", FeeKind::Placement);
        q.on = day(2023, 12, 31);
        assert_eq!(applicable(&rules, &q).unwrap().code, "b-old");
    }

    #[test]
    fn rules_apply_only_on_their_days() {
        let mut ended = rule("ended-yesterday", Some("MY"), &[], day(2020, 1, 1));
        ended.effective_until = Some(today().pred_opt().unwrap());
        let mut ends_today = rule("ends-today", None, &[], day(2020, 1, 1));
        ends_today.effective_until = Some(today());
        let starts_tomorrow = rule(
            "starts-tomorrow",
            Some("MY"),
            &["lainnya"],
            today().succ_opt().unwrap(),
        );
        let rules = vec![ended, ends_today, starts_tomorrow];
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "ends-today");
        let mut q = ask("MY", "lainnya", FeeKind::Placement);
        q.on = today().succ_opt().unwrap();
        assert_eq!(applicable(&rules, &q).unwrap().code, "starts-tomorrow");
        q.on = today().pred_opt().unwrap();
        assert_eq!(applicable(&rules, &q).unwrap().code, "ended-yesterday");
        q.on = day(2019, 12, 31);
        assert_eq!(applicable(&rules, &q), None);
        assert!(rules[1].in_force(today()) && !rules[1].in_force(today().succ_opt().unwrap()));
    }

    #[test]
    fn rules_apply_only_to_their_kind_and_not_to_excluded_destinations() {
        let mut everywhere_but_taiwan = rule("not-taiwan", None, &[], day(2020, 1, 1));
        everywhere_but_taiwan.excluded_destinations = vec!["TW".into()];
        let rules = vec![everywhere_but_taiwan];
        assert_eq!(pick(&rules, "MY", "lainnya").unwrap(), "not-taiwan");
        assert_eq!(pick(&rules, "TW", "lainnya"), None);
        assert_eq!(pick(&rules, "tw", "lainnya"), None);
        assert_eq!(
            applicable(&rules, &ask("MY", "lainnya", FeeKind::AgencyFee)),
            None
        );
    }

    #[test]
    fn a_rule_in_another_currency_than_the_destinations_is_skipped() {
        let mut twd_everywhere = rule("twd-everywhere", None, &[], day(2020, 1, 1));
        twd_everywhere.limit = Limit::Ceiling {
            idr: Some(1_000),
            foreign: Some(("TWD".into(), 100)),
        };
        let rules = vec![twd_everywhere];
        assert_eq!(pick(&rules, "TW", "lainnya").unwrap(), "twd-everywhere");
        assert_eq!(pick(&rules, "MY", "lainnya"), None);
    }

    #[test]
    fn a_missing_part_of_a_ceiling_must_be_zero() {
        let mut rupiah_only = rule("rupiah-only", Some("MY"), &[], day(2020, 1, 1));
        rupiah_only.limit = Limit::Ceiling {
            idr: Some(5_000_000),
            foreign: None,
        };
        let rules = vec![rupiah_only];
        let q = ask("MY", "lainnya", FeeKind::Placement);
        let outcome = check(&rules, &with(q.clone(), Some(5_000_000), Some(300))).unwrap();
        assert_eq!(outcome.verdict, above(0, 300));
        assert_eq!(
            (outcome.limit_idr, outcome.limit_foreign),
            (Some(5_000_000), Some(0))
        );
        let outcome = check(&rules, &with(q.clone(), Some(5_000_000), Some(0))).unwrap();
        assert_eq!(outcome.verdict, Verdict::Within);
        let outcome = check(&rules, &with(q, Some(5_000_001), None)).unwrap();
        assert_eq!(outcome.verdict, above(1, 0));
    }

    #[test]
    fn a_monthly_rule_with_no_caps_allows_nothing() {
        let mut empty = rule("empty-caps", Some("TW"), &[], day(2020, 1, 1));
        empty.fee_kind = FeeKind::MonthlyServiceFee;
        empty.limit = Limit::MonthlyByContractYear {
            currency: "TWD".into(),
            caps: vec![],
        };
        let rules = vec![empty];
        let q = year(ask("TW", "lainnya", FeeKind::MonthlyServiceFee), 1);
        let outcome = check(&rules, &with(q, None, Some(1))).unwrap();
        assert_eq!(outcome.verdict, above(0, 1));
    }

    #[test]
    fn every_problem_of_a_question_is_reported_at_once() {
        let rules = seed_rules();
        let q = with(ask("XX", "pilot", FeeKind::Placement), Some(-1), Some(-5));
        let errors = check(&rules, &q).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["negara", "jabatan", "biaya_rupiah", "biaya_asing"]
        );
        assert!(errors[0].message.contains("«XX»"));
        assert!(errors[1].message.contains("«pilot»"));
        assert!(errors[2].message.contains("negatif"));

        let errors = check(&rules, &ask("", "", FeeKind::Placement)).unwrap_err();
        assert_eq!(fields(&errors), ["negara", "jabatan", "biaya_rupiah"]);

        // Nothing asked: the message names the destination's currency.
        let errors = check(&rules, &ask("TW", "operator_pabrik", FeeKind::Placement)).unwrap_err();
        assert_eq!(fields(&errors), ["biaya_rupiah"]);
        assert!(errors[0].message.contains("NT$"), "{}", errors[0].message);

        let too_big = with(
            wage(ask("HK", "lainnya", FeeKind::AgencyFee), MAX_MONEY + 1),
            Some(MAX_MONEY + 1),
            Some(MAX_MONEY),
        );
        let errors = check(&rules, &too_big).unwrap_err();
        assert_eq!(
            fields(&errors),
            ["biaya_rupiah", "gaji_bulan_pertama"],
            "one message per field: {errors:?}"
        );
    }

    #[test]
    fn a_percentage_rule_needs_the_wage_and_the_foreign_amount() {
        let rules = seed_rules();
        let hk = ask("HK", "pengurus_rumah_tangga", FeeKind::AgencyFee);
        let errors = check(&rules, &with(hk.clone(), Some(1_000_000), None)).unwrap_err();
        assert_eq!(fields(&errors), ["biaya_rupiah", "gaji_bulan_pertama"]);
        assert!(errors[0].message.contains("HK$"), "{}", errors[0].message);
        assert!(errors[1].message.contains("HK$"), "{}", errors[1].message);
        let errors = check(&rules, &with(wage(hk.clone(), 0), None, Some(1))).unwrap_err();
        assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
        let errors = check(&rules, &with(wage(hk, -5_100), None, Some(1))).unwrap_err();
        assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
        assert!(errors[0].message.contains("negatif"));
    }

    #[test]
    fn a_monthly_rule_needs_the_contract_year() {
        let rules = seed_rules();
        let tw = with(
            ask("TW", "operator_pabrik", FeeKind::MonthlyServiceFee),
            None,
            Some(1_800),
        );
        for contract_year in [None, Some(0)] {
            let mut q = tw.clone();
            q.contract_year = contract_year;
            let errors = check(&rules, &q).unwrap_err();
            assert_eq!(fields(&errors), ["tahun_kontrak"], "{contract_year:?}");
        }
        let errors = check(
            &rules,
            &with(year(tw.clone(), 1), Some(50_000), Some(1_800)),
        )
        .unwrap_err();
        assert_eq!(fields(&errors), ["biaya_rupiah"]);
        // A zero rupiah amount is no rupiah amount.
        assert!(check(&rules, &with(year(tw, 1), Some(0), Some(1_800))).is_ok());
    }

    #[test]
    fn wage_and_year_are_not_needed_where_the_rule_does_not_use_them() {
        let rules = seed_rules();
        let mut q = with(ask("MY", "juru_masak", FeeKind::Placement), Some(0), None);
        q.contract_year = Some(0);
        assert_eq!(check(&rules, &q).unwrap().verdict, Verdict::Within);
        let q = with(
            ask("TW", "operator_pabrik", FeeKind::Placement),
            Some(5),
            None,
        );
        assert_eq!(check(&rules, &q).unwrap().verdict, Verdict::NoRule);
    }

    #[test]
    fn verdicts_read_in_indonesian() {
        let rules = seed_rules();
        let message = |q: FeeQuestion| check(&rules, &q).unwrap().message_id();
        let tw_prt = ask("TW", "pengurus_rumah_tangga", FeeKind::Placement);
        let within = message(with(tw_prt.clone(), Some(9_622_000), Some(20_000)));
        assert!(
            within.contains("masih dalam batas resmi (Rp9.622.000 + NT$20.000)"),
            "{within}"
        );
        assert!(
            within.contains("belum diverifikasi"),
            "Kepka 50/2023 is [verify]"
        );
        let above = message(with(tw_prt, Some(15_000_000), Some(20_000)));
        assert!(
            above.contains("MELEBIHI") && above.contains("sebesar Rp5.378.000."),
            "{above}"
        );
        let monthly = message(with(
            year(ask("TW", "operator_pabrik", FeeKind::MonthlyServiceFee), 2),
            None,
            Some(1_800),
        ));
        assert!(
            monthly.contains("(NT$1.700 per bulan) sebesar NT$100"),
            "{monthly}"
        );
        assert!(!monthly.contains("belum diverifikasi"));
        let my_prt = ask("MY", "pengurus_rumah_tangga", FeeKind::Placement);
        let zero = message(with(my_prt.clone(), Some(0), None));
        assert!(zero.starts_with("Tidak ada yang diminta"), "{zero}");
        let must = message(with(my_prt, Some(1), None));
        assert!(
            must.contains("tidak boleh dibebani biaya ini sama sekali"),
            "{must}"
        );
        let none = message(with(
            ask("TW", "operator_pabrik", FeeKind::Placement),
            Some(1),
            None,
        ));
        assert!(none.contains("BUKAN berarti biaya itu sah") && none.contains("0800-1000"));
    }

    #[test]
    fn verdicts_serialise_with_a_tag() {
        assert_eq!(
            serde_json::to_value(above(1, 0)).unwrap(),
            serde_json::json!({"verdict": "above", "excess_idr": 1, "excess_foreign": 0})
        );
        assert_eq!(
            serde_json::to_value(Verdict::NoRule).unwrap(),
            serde_json::json!({"verdict": "no_rule"})
        );
        let rules = seed_rules();
        let q = with(
            wage(
                ask("HK", "pengurus_rumah_tangga", FeeKind::AgencyFee),
                5_100,
            ),
            None,
            Some(600),
        );
        let json = serde_json::to_value(check(&rules, &q).unwrap()).unwrap();
        assert_eq!(json["rule"]["code"], "hong-kong-agency-commission");
        assert_eq!(json["verdict"]["excess_foreign"], 90);
        assert_eq!(json["limit_foreign"], 510);
        assert_eq!(json["currency"]["symbol"], "HK$");
    }

    #[test]
    fn money_as_people_type_it() {
        for (typed, value) in [
            ("", None),
            ("   ", None),
            ("Rp", None),
            ("0", Some(0)),
            ("Rp 9.622.000", Some(9_622_000)),
            ("Rp9.622.000", Some(9_622_000)),
            ("Rp. 9.622.000", Some(9_622_000)),
            ("rp 9.622.000,-", Some(9_622_000)),
            ("IDR 9,622,000", Some(9_622_000)),
            ("9622000", Some(9_622_000)),
            ("9.622.000,00", Some(9_622_000)),
            ("9,622,000.00", Some(9_622_000)),
            ("NT$20,000", Some(20_000)),
            ("NT$ 20.000", Some(20_000)),
            ("20.000 NT$", Some(20_000)),
            ("HK$510", Some(510)),
            ("TWD 1800", Some(1_800)),
            ("SAR 1.500", Some(1_500)),
            ("RM1,500", Some(1_500)),
            ("₩2.000.000", Some(2_000_000)),
            ("20.000", Some(20_000)),
            ("1,000", Some(1_000)),
            ("  1 500 ", Some(1_500)),
            ("1\u{a0}500", Some(1_500)),
            ("12 345 678", Some(12_345_678)),
            ("1.00", Some(1)),
            ("007", Some(7)),
            ("10.000.000.000.000", Some(MAX_MONEY)),
        ] {
            assert_eq!(parse_money(typed, "biaya_rupiah"), Ok(value), "«{typed}»");
        }
    }

    #[test]
    fn money_that_is_refused() {
        for (typed, says) in [
            ("12,5", "tidak dikenali"),
            ("1.5", "tidak dikenali"),
            ("1,50", "tidak dikenali"),
            ("9.622.000,50", "tidak dikenali"),
            ("9.62.000", "tidak dikenali"),
            ("9622.000", "tidak dikenali"),
            ("1.234,567", "tidak dikenali"),
            ("1 500.000", "tidak dikenali"),
            ("abc", "tidak dikenali"),
            ("12a", "tidak dikenali"),
            ("1e6", "tidak dikenali"),
            ("Rp 5 juta", "tidak dikenali"),
            (",00", "tidak dikenali"),
            ("1..000", "tidak dikenali"),
            ("-5000", "negatif"),
            ("Rp -5.000", "negatif"),
            ("-Rp5.000", "negatif"),
            ("\u{2212}5", "negatif"),
            ("10.000.000.000.001", "terlalu besar"),
            ("99999999999999999999999", "terlalu besar"),
        ] {
            let e = parse_money(typed, "biaya_asing").unwrap_err();
            assert_eq!(e.field, "biaya_asing");
            assert!(e.message.contains(says), "«{typed}»: {}", e.message);
        }
    }

    proptest! {
        #[test]
        fn printed_amounts_read_back(n in 0..=MAX_MONEY) {
            let printed = format_amount(n);
            prop_assert_eq!(parse_money(&printed, "x"), Ok(Some(n)));
            prop_assert_eq!(parse_money(&RUPIAH.format(n), "x"), Ok(Some(n)));
            prop_assert_eq!(parse_money(&format!("Rp {printed},00"), "x"), Ok(Some(n)));
            prop_assert_eq!(parse_money(&n.to_string(), "x"), Ok(Some(n)));
            prop_assert_eq!(
                parse_money(&currency_of("TW").unwrap().format(n).replace('.', ","), "x"),
                Ok(Some(n))
            );
        }

        #[test]
        fn parse_money_never_panics(s in "\\PC{0,30}") {
            if let Ok(Some(n)) = parse_money(&s, "x") {
                prop_assert!((0..=MAX_MONEY).contains(&n));
            }
        }
    }

    fn raw_ceiling() -> RawFeeRule {
        RawFeeRule {
            code: "Contoh-Taiwan".into(),
            title: "  Batas   contoh ".into(),
            destination: "tw".into(),
            occupations: "juru_masak, sopir_keluarga, juru_masak".into(),
            fee_kind: "penempatan".into(),
            limit_kind: "ceiling".into(),
            max_idr: "Rp 5.000.000".into(),
            max_foreign: "10,000".into(),
            currency: "twd".into(),
            regulation: "Peraturan contoh".into(),
            source: "contoh.go.id".into(),
            effective_from: "01-02-2024".into(),
            to_verify: "Ya".into(),
            ..RawFeeRule::default()
        }
    }

    #[test]
    fn a_typed_rule_is_normalised() {
        let rule = raw_ceiling().check().unwrap();
        assert_eq!(rule.code, "contoh-taiwan");
        assert_eq!(rule.title, "Batas contoh");
        assert_eq!(rule.destination.as_deref(), Some("TW"));
        assert_eq!(rule.occupations, ["juru_masak", "sopir_keluarga"]);
        assert_eq!(
            rule.limit,
            Limit::Ceiling {
                idr: Some(5_000_000),
                foreign: Some(("TWD".into(), 10_000)),
            }
        );
        assert_eq!(rule.effective_from, day(2024, 2, 1));
        assert_eq!(rule.effective_until, None);
        assert!(rule.to_verify);
        assert_eq!(RawFeeRule::from_rule(&rule).check(), Ok(rule));

        let everywhere = RawFeeRule {
            destination: String::new(),
            excluded_destinations: "tw, HK, tw".into(),
            max_foreign: String::new(),
            currency: String::new(),
            to_verify: "tidak".into(),
            ..raw_ceiling()
        }
        .check()
        .unwrap();
        assert_eq!(everywhere.destination, None);
        assert_eq!(everywhere.excluded_destinations, ["TW", "HK"]);
        assert_eq!(
            everywhere.limit,
            Limit::Ceiling {
                idr: Some(5_000_000),
                foreign: None
            }
        );
        assert!(!everywhere.to_verify);
        assert_eq!(RawFeeRule::from_rule(&everywhere).check(), Ok(everywhere));
    }

    #[test]
    fn every_problem_of_a_typed_rule_is_reported_at_once() {
        let raw = RawFeeRule {
            code: "a b".into(),
            title: String::new(),
            destination: "XX".into(),
            occupations: "juru_masak, pilot".into(),
            fee_kind: "biaya".into(),
            limit_kind: "zero".into(),
            max_idr: "100".into(),
            regulation: " ".into(),
            source: String::new(),
            effective_from: "31-02-2024".into(),
            effective_until: "kemarin".into(),
            to_verify: "mungkin".into(),
            note: "x".repeat(1001),
            ..RawFeeRule::default()
        };
        let errors = raw.check().unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "code",
                "title",
                "regulation",
                "source",
                "note",
                "destination",
                "occupations",
                "fee_kind",
                "max_idr",
                "effective_from",
                "effective_until",
                "to_verify",
            ]
        );
        assert!(errors[6].message.contains("«pilot»"));
        assert!(errors[7].message.contains("«biaya»"));

        let errors = RawFeeRule::default().check().unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "code",
                "title",
                "regulation",
                "source",
                "fee_kind",
                "limit_kind",
                "effective_from"
            ]
        );
    }

    #[test]
    fn codes_of_typed_rules() {
        for (code, ok) in [
            ("abc", true),
            ("perban-9-2020-zero-cost", true),
            (&"a".repeat(60), true),
            ("ab", false),
            (&"a".repeat(61), false),
            ("-abc", false),
            ("abc-", false),
            ("a_b_c", false),
            ("kode baru", false),
        ] {
            let raw = RawFeeRule {
                code: code.to_owned(),
                ..raw_ceiling()
            };
            assert_eq!(raw.check().is_ok(), ok, "{code}");
        }
    }

    #[test]
    fn dates_of_typed_rules() {
        let until = |from: &str, until: &str| {
            RawFeeRule {
                effective_from: from.into(),
                effective_until: until.into(),
                ..raw_ceiling()
            }
            .check()
        };
        assert_eq!(
            until("2024-01-01", "2024-01-01").unwrap().effective_until,
            Some(day(2024, 1, 1))
        );
        let errors = until("2024-01-02", "2024-01-01").unwrap_err();
        assert_eq!(fields(&errors), ["effective_until"]);
        let errors = until("", "").unwrap_err();
        assert_eq!(fields(&errors), ["effective_from"]);
    }

    fn limit_errors(raw: RawFeeRule) -> Vec<&'static str> {
        fields(&raw.check().unwrap_err())
    }

    #[test]
    fn the_limit_of_a_typed_rule() {
        let zero = RawFeeRule {
            limit_kind: "zero".into(),
            max_idr: String::new(),
            max_foreign: String::new(),
            currency: String::new(),
            ..raw_ceiling()
        };
        assert_eq!(zero.clone().check().unwrap().limit, Limit::Zero);
        // Fields the kind does not use must be empty.
        assert_eq!(
            limit_errors(RawFeeRule {
                basis_points: "1000".into(),
                year_caps: "1".into(),
                currency: "TWD".into(),
                ..zero.clone()
            }),
            ["basis_points", "year_caps", "currency"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                limit_kind: "batas".into(),
                ..zero.clone()
            }),
            ["limit_kind"]
        );

        // Ceiling: at least one part, not all zero, foreign part needs the destination's currency.
        let ceiling = raw_ceiling();
        assert_eq!(
            limit_errors(RawFeeRule {
                max_idr: String::new(),
                max_foreign: String::new(),
                currency: String::new(),
                ..ceiling.clone()
            }),
            ["max_idr"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                max_idr: "0".into(),
                max_foreign: "0".into(),
                ..ceiling.clone()
            }),
            ["limit_kind"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                max_idr: "lima juta".into(),
                max_foreign: "-1".into(),
                ..ceiling.clone()
            }),
            ["max_idr", "max_foreign"]
        );
        let errors = RawFeeRule {
            currency: "HKD".into(),
            ..ceiling.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(fields(&errors), ["currency"]);
        assert!(errors[0].message.contains("TWD") && errors[0].message.contains("«HKD»"));
        let errors = RawFeeRule {
            currency: String::new(),
            ..ceiling.clone()
        }
        .check()
        .unwrap_err();
        assert!(
            errors[0].message.contains("isi TWD"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                destination: String::new(),
                ..ceiling.clone()
            }),
            ["destination"],
            "a foreign limit needs one destination"
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                destination: "XX".into(),
                ..ceiling.clone()
            }),
            ["destination"],
            "an unknown destination is reported once"
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                excluded_destinations: "MY".into(),
                ..ceiling.clone()
            }),
            ["excluded_destinations"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                destination: String::new(),
                excluded_destinations: "Narnia".into(),
                max_foreign: String::new(),
                currency: String::new(),
                ..ceiling.clone()
            }),
            ["excluded_destinations"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                max_foreign: String::new(),
                ..ceiling
            }),
            ["currency"],
            "a currency without a foreign part"
        );
    }

    #[test]
    fn percentage_and_monthly_limits_of_typed_rules() {
        let percent = RawFeeRule {
            destination: "HK".into(),
            fee_kind: "komisi_agensi".into(),
            limit_kind: "percent".into(),
            max_idr: String::new(),
            max_foreign: String::new(),
            currency: "HKD".into(),
            basis_points: "1000".into(),
            ..raw_ceiling()
        };
        for (typed, ok) in [
            ("1", true),
            ("10000", true),
            ("0", false),
            ("10001", false),
            ("10%", false),
            ("", false),
        ] {
            let raw = RawFeeRule {
                basis_points: typed.into(),
                ..percent.clone()
            };
            assert_eq!(raw.check().is_ok(), ok, "{typed}");
        }
        assert_eq!(
            limit_errors(RawFeeRule {
                currency: String::new(),
                ..percent.clone()
            }),
            ["currency"]
        );
        assert_eq!(
            limit_errors(RawFeeRule {
                max_idr: "1".into(),
                ..percent
            }),
            ["max_idr"]
        );

        let monthly = RawFeeRule {
            fee_kind: "jasa_bulanan".into(),
            limit_kind: "monthly".into(),
            max_idr: String::new(),
            max_foreign: String::new(),
            year_caps: "1800,1700, 1500".into(),
            ..raw_ceiling()
        };
        let caps = |typed: &str| {
            RawFeeRule {
                year_caps: typed.into(),
                ..monthly.clone()
            }
            .check()
            .map(|r| r.limit)
        };
        let caps_of = |v: Vec<i64>| {
            Ok(Limit::MonthlyByContractYear {
                currency: "TWD".into(),
                caps: v,
            })
        };
        assert_eq!(caps("1800,1700, 1500"), caps_of(vec![1_800, 1_700, 1_500]));
        assert_eq!(
            caps("1.800, 1.700, 1.500,"),
            caps_of(vec![1_800, 1_700, 1_500])
        );
        assert_eq!(caps("500, 400, 300"), caps_of(vec![500, 400, 300]));
        assert_eq!(caps("1500"), caps_of(vec![1_500]));
        assert_eq!(
            caps("1500, 1700"),
            caps_of(vec![1_500, 1_700]),
            "increasing is allowed"
        );
        for bad in ["", " , ", "1,800, 1,700", "500,400", "1800, banyak"] {
            let errors = caps(bad).unwrap_err();
            assert_eq!(fields(&errors), ["year_caps"], "«{bad}»");
        }
    }

    fn form(destination: &str, occupation: &str, kind: &str) -> RawFeeQuestion {
        RawFeeQuestion {
            destination: destination.into(),
            occupation: occupation.into(),
            fee_kind: kind.into(),
            ..RawFeeQuestion::default()
        }
    }

    #[test]
    fn the_biaya_form_is_read_and_judged() {
        let rules = seed_rules();
        let outcome = RawFeeQuestion {
            amount_idr: "Rp 9.622.000".into(),
            amount_foreign: "NT$20,000".into(),
            ..form(" tw ", "pengurus_rumah_tangga", "penempatan")
        }
        .check(&rules, today())
        .unwrap();
        assert_eq!(
            rule_code(&outcome),
            Some("kepka-bp2mi-50-2023-taiwan-informal")
        );
        assert_eq!(outcome.verdict, Verdict::Within);

        // A past date: a fee paid before Taiwan's exemption.
        let outcome = RawFeeQuestion {
            on: "16-07-2021".into(),
            amount_idr: "1.000.000".into(),
            ..form("TW", "pengurus_rumah_tangga", "penempatan")
        }
        .check(&rules, today())
        .unwrap();
        assert_eq!(
            rule_code(&outcome),
            Some("perban-9-2020-zero-cost-until-2022-07")
        );
        assert_eq!(outcome.verdict, Verdict::MustBeZero);

        let outcome = RawFeeQuestion {
            amount_foreign: "1.700".into(),
            contract_year: " 2 ".into(),
            ..form("TW", "operator_pabrik", "jasa_bulanan")
        }
        .check(&rules, today())
        .unwrap();
        assert_eq!(outcome.verdict, Verdict::Within);

        let outcome = RawFeeQuestion {
            amount_foreign: "HK$600".into(),
            first_month_wage: "HK$5.100".into(),
            ..form("HK", "pengasuh_lansia", "komisi_agensi")
        }
        .check(&rules, today())
        .unwrap();
        assert_eq!(outcome.verdict, above(0, 90));
    }

    #[test]
    fn the_biaya_form_reports_each_field_once() {
        let rules = seed_rules();
        // An unreadable rupiah amount is not also "missing".
        let errors = RawFeeQuestion {
            amount_idr: "sembilan juta".into(),
            ..form("TW", "pengurus_rumah_tangga", "penempatan")
        }
        .check(&rules, today())
        .unwrap_err();
        assert_eq!(fields(&errors), ["biaya_rupiah"]);
        assert!(errors[0].message.contains("«sembilan juta»"));

        // With no fee kind, the rest is still checked.
        let errors = RawFeeQuestion {
            amount_idr: "-1".into(),
            ..form("XX", "", "")
        }
        .check(&rules, today())
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            ["biaya_rupiah", "jenis_biaya", "negara", "jabatan"]
        );

        let errors = RawFeeQuestion {
            on: "kemarin".into(),
            contract_year: "kedua".into(),
            amount_foreign: "1.800".into(),
            ..form("TW", "operator_pabrik", "jasa_bulanan")
        }
        .check(&rules, today())
        .unwrap_err();
        assert_eq!(fields(&errors), ["tanggal", "tahun_kontrak"]);

        let errors = RawFeeQuestion {
            first_month_wage: "5,1".into(),
            amount_foreign: "510".into(),
            ..form("HK", "pengurus_rumah_tangga", "komisi")
        }
        .check(&rules, today())
        .unwrap_err();
        assert_eq!(fields(&errors), ["gaji_bulan_pertama", "jenis_biaya"]);

        let errors = RawFeeQuestion {
            amount_foreign: "510".into(),
            ..form("HK", "pengurus_rumah_tangga", "komisi_agensi")
        }
        .check(&rules, today())
        .unwrap_err();
        assert_eq!(fields(&errors), ["gaji_bulan_pertama"]);
    }

    #[test]
    fn the_biaya_form_reads_its_own_field_names() {
        let raw: RawFeeQuestion = serde_json::from_value(serde_json::json!({
            "negara": "TW",
            "jabatan": "operator_pabrik",
            "jenis_biaya": "jasa_bulanan",
            "biaya_asing": "1.800",
            "tahun_kontrak": "1",
        }))
        .unwrap();
        assert_eq!(raw.destination, "TW");
        assert_eq!(raw.contract_year, "1");
        assert_eq!(raw.amount_idr, "");
        assert_eq!(
            raw.check(&seed_rules(), today()).unwrap().verdict,
            Verdict::Within
        );
    }
}
