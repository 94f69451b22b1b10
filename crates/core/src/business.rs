//! Pillar 2, productive business: the family businesses a facilitator follows (owned by migrant
//! workers' families and returnees), their permits, monthly results, mentoring visits, equipment
//! aid and KUR (people's business credit) referrals. Rules only, so pages, the API and the CLI
//! refuse the same things. Money is integer rupiah, typed the way people write it
//! (`fees::parse_money`: "1.250.000", "Rp 1.250.000").

use crate::Invalid;
use crate::fees::parse_money;
use crate::form::{block, choices, line, ok_or_push, past_date, push_err};
use crate::registry::parse_date;
use chrono::{Datelike, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

choices!(
    /// What a business does, as the programme reports it.
    Sector, field = "sektor", what = "bidang usaha", {
        FoodProcessing = "olahan_pangan", "Olahan pangan", "Food processing";
        Crafts = "kerajinan", "Kerajinan", "Crafts";
        Farming = "pertanian", "Pertanian", "Farming";
        Livestock = "peternakan", "Peternakan", "Livestock";
        Fishery = "perikanan", "Perikanan", "Fishery";
        Trade = "perdagangan", "Perdagangan", "Trade";
        Services = "jasa", "Jasa", "Services";
    }
);

choices!(
    /// The permits a small business in the programme usually needs.
    PermitKind, field = "jenis", what = "jenis izin", {
        /// Nomor Induk Berusaha from OSS: every business's identity number.
        Nib = "nib", "NIB (Nomor Induk Berusaha)", "Business identification number (NIB)";
        /// Sertifikat Produksi Pangan Industri Rumah Tangga, for home-made packaged food.
        Pirt = "pirt", "SPP-IRT (PIRT)", "Home-industry food permit (PIRT)";
        Halal = "halal", "Sertifikat halal", "Halal certificate";
    }
);

choices!(
    /// Who paid for a piece of equipment.
    AidSource, field = "sumber", what = "sumber bantuan", {
        Kemnaker = "kemnaker", "Kemnaker", "Ministry of Manpower";
        Kemendes = "kemendes", "Kemendes PDT", "Ministry of Villages";
        Csr = "csr", "CSR perusahaan", "Company CSR";
        /// Named in the detail field: a regency office, a bank, the village fund.
        Other = "lainnya", "Lainnya", "Other";
    }
);

choices!(
    /// The state a piece of equipment was found in at a check.
    AidCondition, field = "kondisi", what = "kondisi barang", {
        Good = "baik", "Baik, dipakai", "Good, in use";
        MinorDamage = "rusak_ringan", "Rusak ringan", "Minor damage";
        MajorDamage = "rusak_berat", "Rusak berat", "Major damage";
        Unused = "tidak_dipakai", "Tidak dipakai", "Not in use";
        Lost = "hilang", "Hilang / dijual", "Lost or sold";
    }
);

choices!(
    /// Where a KUR application stands at the bank.
    KurStatus, field = "status", what = "status KUR", {
        Submitted = "diajukan", "Diajukan ke bank", "Submitted to the bank";
        Approved = "disetujui", "Disetujui", "Approved";
        Rejected = "ditolak", "Ditolak", "Rejected";
        Disbursed = "dicairkan", "Dicairkan", "Disbursed";
        Withdrawn = "dibatalkan", "Dibatalkan pemohon", "Withdrawn by the applicant";
    }
);

impl KurStatus {
    /// A bank's decision (or the applicant's withdrawal) is the end of the wait: it carries a date.
    pub fn is_decision(self) -> bool {
        !matches!(self, KurStatus::Submitted)
    }

    /// The moves a referral can make: the bank decides a submitted application, an approved one is
    /// disbursed (or given up); a rejection, a disbursement and a withdrawal are final.
    pub fn can_move_to(self, to: KurStatus) -> bool {
        use KurStatus::*;
        matches!(
            (self, to),
            (Submitted, Approved | Rejected | Withdrawn) | (Approved, Disbursed | Withdrawn)
        )
    }
}

/// The ceiling of KUR per debtor (Permenko Perekonomian 1/2023: KUR Kecil up to Rp500 juta); a
/// larger amount is a typing slip, not a KUR.
pub const KUR_MAX: i64 = 500_000_000;

/// The banks that channel KUR, offered as suggestions; others can be typed.
pub const KUR_BANKS: &[&str] = &[
    "BRI",
    "BNI",
    "Bank Mandiri",
    "BSI",
    "BTN",
    "Bank Jateng",
    "bank bjb",
    "BPD lainnya",
];

pub const NAME_MAX: usize = 200;
pub const NOTE_MAX: usize = 2000;
/// How far back a monthly report may be entered: older figures are rarely remembered well.
pub const REPORT_MONTHS_BACK: u32 = 36;
/// A follow-up is planned within a year of the visit; further is not a follow-up.
pub const FOLLOW_UP_DAYS_MAX: i64 = 366;
/// A piece of equipment worth more than this is a typing slip for a village programme.
pub const AID_VALUE_MAX: i64 = 1_000_000_000;
pub const WORKERS_MAX: i32 = 1000;

fn money(raw: &str, field: &'static str, what: &str, max: i64) -> Result<i64, Invalid> {
    match parse_money(raw, field)? {
        None => Err(Invalid::new(field, format!("{what} wajib diisi"))),
        Some(n) if n <= 0 => Err(Invalid::new(field, format!("{what} harus lebih dari nol"))),
        Some(n) if n > max => Err(Invalid::new(
            field,
            format!(
                "{what} Rp{} melebihi batas Rp{}; periksa angka nolnya",
                crate::fees::format_amount(n),
                crate::fees::format_amount(max)
            ),
        )),
        Some(n) => Ok(n),
    }
}

/// Zero is a real monthly figure (a month without sales); an empty field is not.
fn money_or_zero(raw: &str, field: &'static str, what: &str) -> Result<i64, Invalid> {
    match parse_money(raw, field)? {
        None => Err(Invalid::new(
            field,
            format!("{what} wajib diisi; tulis 0 bila tidak ada"),
        )),
        Some(n) if n < 0 => Err(Invalid::new(field, format!("{what} tidak boleh negatif"))),
        Some(n) if n > AID_VALUE_MAX => Err(Invalid::new(
            field,
            format!("{what} sebulan melebihi Rp1 miliar; periksa angka nolnya"),
        )),
        Some(n) => Ok(n),
    }
}

fn optional_date(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, raw).map(Some)
    }
}

/// A phone number people can call or message: 8–15 digits, spaces and dashes allowed, an
/// optional leading +.
pub fn phone(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let v = crate::text::clean_spaces(raw);
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let shape = v
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    if v.is_empty() || (shape && (8..=15).contains(&digits)) {
        Ok(v)
    } else {
        Err(Invalid::new(
            field,
            "nomor telepon 8–15 angka, boleh diawali + (mis. 0812 3456 7890)",
        ))
    }
}

// --- the business ------------------------------------------------------------------------------

/// The business form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawBusiness {
    pub nama: String,
    pub sektor: String,
    /// What it makes or sells, in a line ("kerupuk kulit ikan, kerupuk udang").
    pub produk: String,
    pub alamat: String,
    pub telepon: String,
    /// When it started; optional, many families do not remember the day.
    pub mulai: String,
    /// "ya" while it runs.
    pub aktif: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessInput {
    pub name: String,
    pub sector: Sector,
    pub products: String,
    pub address: String,
    pub phone: String,
    pub started_on: Option<NaiveDate>,
    pub active: bool,
}

impl RawBusiness {
    pub fn check(&self, today: NaiveDate) -> Result<BusinessInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = push_err(
            line("nama", &self.nama, 3, NAME_MAX, "nama usaha"),
            &mut errors,
        );
        let sector = ok_or_push(self.sektor.parse::<Sector>(), &mut errors);
        let products = push_err(
            line("produk", &self.produk, 3, 500, "produk usaha"),
            &mut errors,
        );
        let address = push_err(line("alamat", &self.alamat, 0, 300, "alamat"), &mut errors);
        let phone = ok_or_push(phone("telepon", &self.telepon), &mut errors).unwrap_or_default();
        let started_on = match optional_date("mulai", &self.mulai) {
            Ok(Some(d)) if d > today => {
                errors.push(Invalid::new(
                    "mulai",
                    "tanggal mulai usaha tidak boleh sesudah hari ini",
                ));
                None
            }
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        match sector {
            Some(sector) if errors.is_empty() => Ok(BusinessInput {
                name,
                sector,
                products,
                address,
                phone,
                started_on,
                active: self.aktif.trim() != "tidak",
            }),
            _ => Err(errors),
        }
    }

    pub fn of(b: &BusinessInput) -> RawBusiness {
        RawBusiness {
            nama: b.name.clone(),
            sektor: b.sector.as_str().to_owned(),
            produk: b.products.clone(),
            alamat: b.address.clone(),
            telepon: b.phone.clone(),
            mulai: b.started_on.map(|d| d.to_string()).unwrap_or_default(),
            aktif: if b.active { "ya" } else { "tidak" }.to_owned(),
        }
    }
}

// --- permits -----------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawPermit {
    pub jenis: String,
    pub nomor: String,
    pub terbit: String,
    /// Empty for permits that do not expire (NIB).
    pub berlaku_sampai: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermitInput {
    pub kind: PermitKind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

/// The shape of each permit's number, so a number copied into the wrong row is caught: a NIB has
/// 13 digits, an SPP-IRT number 15 or 16 digits (separators allowed), a halal certificate
/// number letters and digits (the BPJPH format has changed over the years, so only its length
/// is checked).
fn permit_number(kind: PermitKind, raw: &str) -> Result<String, Invalid> {
    let v = crate::text::clean_spaces(raw).to_uppercase();
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let only = |allowed: &str| v.chars().all(|c| c.is_ascii_digit() || allowed.contains(c));
    let ok = match kind {
        PermitKind::Nib => digits.len() == 13 && only(" "),
        PermitKind::Pirt => (15..=16).contains(&digits.len()) && only(" -.P-IRTNO"),
        PermitKind::Halal => {
            (8..=40).contains(&v.chars().count())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || " -./".contains(c))
        }
    };
    if v.is_empty() {
        return Err(Invalid::new("nomor", "nomor izin wajib diisi"));
    }
    if ok {
        Ok(v)
    } else {
        Err(Invalid::new(
            "nomor",
            match kind {
                PermitKind::Nib => "NIB terdiri dari 13 angka (lihat di OSS)",
                PermitKind::Pirt => "nomor SPP-IRT terdiri dari 15 atau 16 angka",
                PermitKind::Halal => {
                    "nomor sertifikat halal 8–40 huruf dan angka, seperti tertulis di sertifikat"
                }
            },
        ))
    }
}

impl RawPermit {
    pub fn check(&self, today: NaiveDate) -> Result<PermitInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ok_or_push(self.jenis.parse::<PermitKind>(), &mut errors);
        let number = kind.and_then(|k| ok_or_push(permit_number(k, &self.nomor), &mut errors));
        let issued_on = ok_or_push(
            past_date("terbit", &self.terbit, today, "tanggal terbit"),
            &mut errors,
        );
        let expires_on = ok_or_push(
            optional_date("berlaku_sampai", &self.berlaku_sampai),
            &mut errors,
        )
        .flatten();
        if let (Some(i), Some(e)) = (issued_on, expires_on)
            && e <= i
        {
            errors.push(Invalid::new(
                "berlaku_sampai",
                "tanggal berlaku sampai harus sesudah tanggal terbit",
            ));
        }
        match (kind, number, issued_on) {
            (Some(kind), Some(number), Some(issued_on)) if errors.is_empty() => Ok(PermitInput {
                kind,
                number,
                issued_on,
                expires_on,
            }),
            _ => Err(errors),
        }
    }
}

/// Whether a permit still holds on `today`, and whether it runs out within 60 days (time to
/// renew: an SPP-IRT renewal takes weeks).
pub fn permit_standing(expires_on: Option<NaiveDate>, today: NaiveDate) -> PermitStanding {
    match expires_on {
        None => PermitStanding::Valid,
        Some(e) if e < today => PermitStanding::Expired,
        Some(e) if (e - today).num_days() <= 60 => PermitStanding::ExpiresSoon,
        Some(_) => PermitStanding::Valid,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitStanding {
    Valid,
    ExpiresSoon,
    Expired,
}

// --- monthly reports ---------------------------------------------------------------------------

/// A month as `YYYY-MM`, the key of a business's monthly report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    /// The month `n` months earlier.
    pub fn back(self, n: u32) -> Month {
        Month::of(
            self.first_day()
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN),
        )
    }

    /// The last `n` months up to and including this one, oldest first.
    pub fn last(self, n: u32) -> Vec<Month> {
        (0..n).rev().map(|k| self.back(k)).collect()
    }

    /// "Mar 2026": short enough for a chart's axis.
    pub fn short_label(self) -> String {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
        ];
        format!("{} {}", NAMES[self.month as usize - 1], self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Month, Invalid> {
        let s = s.trim();
        let bad = || {
            Invalid::new(
                "bulan",
                format!("bulan «{s}» tidak dikenali; tulis tahun-bulan, mis. 2026-03"),
            )
        };
        if s.is_empty() {
            return Err(Invalid::new("bulan", "bulan laporan wajib diisi"));
        }
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawMonthlyReport {
    pub bulan: String,
    pub omzet: String,
    pub biaya: String,
    pub pekerja: String,
    pub catatan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyReport {
    pub month: Month,
    pub revenue: i64,
    pub costs: i64,
    pub workers: i32,
    pub note: String,
}

impl MonthlyReport {
    /// Revenue less costs: what the family kept that month (negative for a loss).
    pub fn profit(&self) -> i64 {
        self.revenue - self.costs
    }
}

impl RawMonthlyReport {
    /// A month that has begun (the current month may be reported as it stands) and lies within
    /// [`REPORT_MONTHS_BACK`] months.
    pub fn check(&self, today: NaiveDate) -> Result<MonthlyReport, Vec<Invalid>> {
        let mut errors = Vec::new();
        let this_month = Month::of(today);
        let month = match self.bulan.parse::<Month>() {
            Ok(m) if m > this_month => {
                errors.push(Invalid::new(
                    "bulan",
                    "bulan laporan belum berjalan; laporkan sesudah bulannya mulai",
                ));
                None
            }
            Ok(m) if m < this_month.back(REPORT_MONTHS_BACK) => {
                errors.push(Invalid::new(
                    "bulan",
                    format!(
                        "laporan lebih dari {REPORT_MONTHS_BACK} bulan lalu tidak dicatat; \
                         periksa tahunnya"
                    ),
                ));
                None
            }
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let revenue = ok_or_push(money_or_zero(&self.omzet, "omzet", "omzet"), &mut errors);
        let costs = ok_or_push(money_or_zero(&self.biaya, "biaya", "biaya"), &mut errors);
        let workers = match self.pekerja.trim() {
            "" => Some(0),
            s => match s.parse::<i32>() {
                Ok(n) if (0..=WORKERS_MAX).contains(&n) => Some(n),
                _ => {
                    errors.push(Invalid::new(
                        "pekerja",
                        format!("jumlah pekerja: angka bulat 0–{WORKERS_MAX}"),
                    ));
                    None
                }
            },
        };
        let note = push_err(
            block("catatan", &self.catatan, 0, 500, "catatan"),
            &mut errors,
        );
        match (month, revenue, costs, workers) {
            (Some(month), Some(revenue), Some(costs), Some(workers)) if errors.is_empty() => {
                Ok(MonthlyReport {
                    month,
                    revenue,
                    costs,
                    workers,
                    note,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The last `n` complete months without a report, oldest first: the facilitator's next questions.
pub fn missing_months(reported: &[Month], today: NaiveDate, n: u32) -> Vec<Month> {
    Month::of(today)
        .back(1)
        .last(n)
        .into_iter()
        .filter(|m| !reported.contains(m))
        .collect()
}

// --- mentoring visits --------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawVisit {
    pub tanggal: String,
    pub catatan: String,
    pub langkah: String,
    pub tindak_lanjut: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitInput {
    pub visited_on: NaiveDate,
    pub notes: String,
    pub next_steps: String,
    pub follow_up_on: Option<NaiveDate>,
}

impl RawVisit {
    /// A visit that happened (not in the future); agreed next steps need a follow-up date, and
    /// the follow-up falls after the visit and within a year.
    pub fn check(&self, today: NaiveDate) -> Result<VisitInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let visited_on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal kunjungan"),
            &mut errors,
        );
        let notes = push_err(
            block("catatan", &self.catatan, 10, NOTE_MAX, "catatan kunjungan"),
            &mut errors,
        );
        let next_steps = push_err(
            block("langkah", &self.langkah, 0, NOTE_MAX, "langkah berikutnya"),
            &mut errors,
        );
        let follow_up_on = ok_or_push(
            optional_date("tindak_lanjut", &self.tindak_lanjut),
            &mut errors,
        )
        .flatten();
        match (visited_on, follow_up_on) {
            (Some(v), Some(f)) if f <= v => errors.push(Invalid::new(
                "tindak_lanjut",
                "tanggal tindak lanjut harus sesudah tanggal kunjungan",
            )),
            (Some(v), Some(f)) if (f - v).num_days() > FOLLOW_UP_DAYS_MAX => {
                errors.push(Invalid::new(
                    "tindak_lanjut",
                    "tindak lanjut paling lambat setahun sesudah kunjungan",
                ))
            }
            (_, None) if !next_steps.is_empty() => errors.push(Invalid::new(
                "tindak_lanjut",
                "langkah berikutnya perlu tanggal tindak lanjut, agar ada yang menagihnya",
            )),
            _ => {}
        }
        match visited_on {
            Some(visited_on) if errors.is_empty() => Ok(VisitInput {
                visited_on,
                notes,
                next_steps,
                follow_up_on,
            }),
            _ => Err(errors),
        }
    }
}

/// A follow-up is due when its date has come and no later visit to the business took place.
pub fn follow_up_due(
    follow_up_on: Option<NaiveDate>,
    last_visit: NaiveDate,
    visited_on: NaiveDate,
    today: NaiveDate,
) -> bool {
    follow_up_on.is_some_and(|f| f <= today && last_visit <= visited_on)
}

// --- equipment aid -----------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawAid {
    pub barang: String,
    pub nilai: String,
    pub sumber: String,
    pub sumber_lain: String,
    pub tanggal: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AidInput {
    pub item: String,
    pub value: i64,
    pub source: AidSource,
    pub source_detail: String,
    pub received_on: NaiveDate,
}

impl RawAid {
    pub fn check(&self, today: NaiveDate) -> Result<AidInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let item = push_err(
            line("barang", &self.barang, 3, NAME_MAX, "nama barang"),
            &mut errors,
        );
        let value = ok_or_push(
            money(&self.nilai, "nilai", "nilai barang", AID_VALUE_MAX),
            &mut errors,
        );
        let source = ok_or_push(self.sumber.parse::<AidSource>(), &mut errors);
        let min = if source == Some(AidSource::Other) {
            3
        } else {
            0
        };
        let source_detail = push_err(
            line(
                "sumber_lain",
                &self.sumber_lain,
                min,
                NAME_MAX,
                "nama pemberi bantuan",
            ),
            &mut errors,
        );
        let received_on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal terima"),
            &mut errors,
        );
        match (value, source, received_on) {
            (Some(value), Some(source), Some(received_on)) if errors.is_empty() => Ok(AidInput {
                item,
                value,
                source,
                source_detail,
                received_on,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawAidCheck {
    pub tanggal: String,
    pub kondisi: String,
    pub catatan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AidCheckInput {
    pub checked_on: NaiveDate,
    pub condition: AidCondition,
    pub note: String,
}

impl RawAidCheck {
    /// A check happens on or after the day the equipment arrived, and not in the future.
    pub fn check(
        &self,
        today: NaiveDate,
        received_on: NaiveDate,
    ) -> Result<AidCheckInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let checked_on = match past_date("tanggal", &self.tanggal, today, "tanggal pemeriksaan") {
            Ok(d) if d < received_on => {
                errors.push(Invalid::new(
                    "tanggal",
                    "tanggal pemeriksaan tidak boleh sebelum barang diterima",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let condition = ok_or_push(self.kondisi.parse::<AidCondition>(), &mut errors);
        let min = match condition {
            // A bad finding needs its story, or nobody can act on it.
            Some(AidCondition::Good) | None => 0,
            Some(_) => 5,
        };
        let note = push_err(
            block(
                "catatan",
                &self.catatan,
                min,
                NOTE_MAX,
                "catatan pemeriksaan",
            ),
            &mut errors,
        );
        match (checked_on, condition) {
            (Some(checked_on), Some(condition)) if errors.is_empty() => Ok(AidCheckInput {
                checked_on,
                condition,
                note,
            }),
            _ => Err(errors),
        }
    }
}

/// Equipment is checked at least once a year after it arrives; this says whether a check is due.
pub fn aid_check_due(
    received_on: NaiveDate,
    last_check: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    let since = last_check.unwrap_or(received_on);
    (today - since).num_days() >= 365
}

// --- KUR referrals -----------------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawKur {
    pub bank: String,
    pub jumlah: String,
    pub tanggal: String,
    pub catatan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KurInput {
    pub bank: String,
    pub amount: i64,
    pub referred_on: NaiveDate,
    pub note: String,
}

impl RawKur {
    pub fn check(&self, today: NaiveDate) -> Result<KurInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let bank = push_err(line("bank", &self.bank, 2, 100, "nama bank"), &mut errors);
        let amount = ok_or_push(
            money(&self.jumlah, "jumlah", "jumlah pinjaman", KUR_MAX),
            &mut errors,
        );
        let referred_on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal pengajuan"),
            &mut errors,
        );
        let note = push_err(
            block("catatan", &self.catatan, 0, 500, "catatan"),
            &mut errors,
        );
        match (amount, referred_on) {
            (Some(amount), Some(referred_on)) if errors.is_empty() => Ok(KurInput {
                bank,
                amount,
                referred_on,
                note,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawKurDecision {
    pub status: String,
    pub tanggal: String,
    /// The amount the bank approved, when it approved less than asked.
    pub disetujui: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KurDecision {
    pub status: KurStatus,
    pub decided_on: NaiveDate,
    pub approved_amount: Option<i64>,
}

impl RawKurDecision {
    /// The move must be one [`KurStatus::can_move_to`] allows, dated on or after the referral and
    /// not in the future; an approval carries the approved amount (at most what was asked).
    pub fn check(
        &self,
        from: KurStatus,
        referred_on: NaiveDate,
        asked: i64,
        today: NaiveDate,
    ) -> Result<KurDecision, Vec<Invalid>> {
        let mut errors = Vec::new();
        let status = match self.status.parse::<KurStatus>() {
            Ok(to) if !from.can_move_to(to) => {
                errors.push(Invalid::new(
                    "status",
                    format!(
                        "pengajuan berstatus «{}» tidak bisa menjadi «{}»",
                        from.label_id(),
                        to.label_id()
                    ),
                ));
                None
            }
            Ok(to) => Some(to),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let decided_on = match past_date("tanggal", &self.tanggal, today, "tanggal keputusan") {
            Ok(d) if d < referred_on => {
                errors.push(Invalid::new(
                    "tanggal",
                    "tanggal keputusan tidak boleh sebelum tanggal pengajuan",
                ));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let approved_amount = match status {
            Some(KurStatus::Approved) => match self.disetujui.trim() {
                "" => Some(asked),
                raw => match money(raw, "disetujui", "jumlah disetujui", KUR_MAX) {
                    Ok(n) if n > asked => {
                        errors.push(Invalid::new(
                            "disetujui",
                            "jumlah disetujui tidak boleh lebih dari yang diajukan",
                        ));
                        None
                    }
                    Ok(n) => Some(n),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                },
            },
            _ => None,
        };
        match (status, decided_on) {
            (Some(status), Some(decided_on)) if errors.is_empty() => Ok(KurDecision {
                status,
                decided_on,
                approved_amount,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests;
