//! Reports from the public (`/lapor`): what a report must contain, what is refused as abuse, and
//! the few states an intake item passes through before a case worker takes it further.

use crate::Invalid;
use std::fmt;
use std::str::FromStr;

/// What the report is about; decides nothing yet but the queue's filter and the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportCategory {
    /// A fake job offer, fake aid, a fee taken for nothing.
    Scam,
    /// Someone recruiting without a licence (calo, sponsor, PL).
    Broker,
    /// A worker in trouble abroad: unpaid, held, sick, out of contact.
    ProblemAbroad,
}

impl ReportCategory {
    pub const ALL: [ReportCategory; 3] = [
        ReportCategory::Scam,
        ReportCategory::Broker,
        ReportCategory::ProblemAbroad,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportCategory::Scam => "penipuan",
            ReportCategory::Broker => "calo",
            ReportCategory::ProblemAbroad => "masalah_luar_negeri",
        }
    }
}

impl FromStr for ReportCategory {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        ReportCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| Invalid::new("kategori", "pilih jenis laporan"))
    }
}

/// Where an intake item stands. The reporter sees this and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportStatus {
    Received,
    InReview,
    Closed,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 3] = [
        ReportStatus::Received,
        ReportStatus::InReview,
        ReportStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Received => "received",
            ReportStatus::InReview => "in_review",
            ReportStatus::Closed => "closed",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            ReportStatus::Received => "Diterima, menunggu ditangani",
            ReportStatus::InReview => "Sedang ditangani petugas",
            ReportStatus::Closed => "Selesai ditangani",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportStatus::Received => "Received, waiting to be handled",
            ReportStatus::InReview => "Being handled by staff",
            ReportStatus::Closed => "Handled and closed",
        }
    }

    /// Forward, or a closed report reopened for review; never back to "received".
    pub fn can_move_to(self, to: ReportStatus) -> bool {
        use ReportStatus::*;
        matches!(
            (self, to),
            (Received, InReview) | (Received, Closed) | (InReview, Closed) | (Closed, InReview)
        )
    }
}

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        ReportStatus::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| Invalid::new("status", "status laporan tidak dikenal"))
    }
}

/// Length limits, in characters: long enough for a real account, short enough that the form
/// cannot be used to store bulk data.
pub const DETAILS_MIN: usize = 20;
pub const DETAILS_MAX: usize = 4000;
pub const ACCUSED_MAX: usize = 200;
pub const WHEN_WHERE_MAX: usize = 300;
pub const CONTACT_MAX: usize = 200;

/// A form filled faster than this was filled by a program.
pub const MIN_FILL_SECONDS: i64 = 3;
/// A form older than this is stale (and its stamp may have been harvested).
pub const MAX_FILL_SECONDS: i64 = 24 * 3600;

/// A report as typed, before checks. `region_code` is resolved by the caller from the village or
/// kabupaten the reporter picked.
#[derive(Debug, Clone, Default)]
pub struct RawReport {
    pub category: String,
    pub country: String,
    pub details: String,
    pub accused: String,
    pub when_where: String,
    pub contact: String,
}

/// A checked report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportInput {
    pub region_code: String,
    pub category: ReportCategory,
    /// ISO2, or empty when not about a country.
    pub country: String,
    pub details: String,
    pub accused: String,
    pub when_where: String,
    /// `None`: anonymous.
    pub contact: Option<String>,
}

/// Text that looks like markup or carries control characters is refused rather than cleaned:
/// a person never needs `<script>` to describe a scam, and silently changing what they wrote
/// would change their account.
pub fn markup_or_control(s: &str) -> bool {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            return true;
        }
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            return true;
        }
    }
    s.to_ascii_lowercase().contains("javascript:")
}

fn text(
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
    errors: &mut Vec<Invalid>,
    what: &str,
) -> String {
    let t = raw.trim().replace("\r\n", "\n");
    let n = t.chars().count();
    if markup_or_control(&t) {
        errors.push(Invalid::new(
            field,
            format!("{what} berisi kode atau tanda < > yang tidak diterima; tulis dengan kata-kata biasa"),
        ));
    } else if n < min {
        errors.push(Invalid::new(
            field,
            format!("{what} terlalu pendek; ceritakan paling sedikit {min} huruf"),
        ));
    } else if n > max {
        errors.push(Invalid::new(
            field,
            format!("{what} terlalu panjang ({n} huruf); paling banyak {max} huruf"),
        ));
    }
    t
}

impl RawReport {
    /// Every problem at once, so the reporter corrects the form in one go.
    pub fn check(&self, region_code: &str) -> Result<ReportInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let category = self
            .category
            .parse::<ReportCategory>()
            .map_err(|e| errors.push(e))
            .ok();
        let country = self.country.trim().to_uppercase();
        if !country.is_empty() && crate::catalog::country(&country).is_none() {
            errors.push(Invalid::new(
                "negara",
                "pilih negara dari daftar, atau kosongkan",
            ));
        }
        let details = text(
            "isi",
            &self.details,
            DETAILS_MIN,
            DETAILS_MAX,
            &mut errors,
            "cerita kejadian",
        );
        let accused = text(
            "pihak",
            &self.accused,
            0,
            ACCUSED_MAX,
            &mut errors,
            "nama orang/perusahaan",
        );
        let when_where = text(
            "waktu_tempat",
            &self.when_where,
            0,
            WHEN_WHERE_MAX,
            &mut errors,
            "waktu dan tempat",
        );
        let contact = text(
            "kontak",
            &self.contact,
            0,
            CONTACT_MAX,
            &mut errors,
            "kontak",
        );
        match category {
            Some(category) if errors.is_empty() => Ok(ReportInput {
                region_code: region_code.to_owned(),
                category,
                country,
                details,
                accused,
                when_where,
                contact: Some(contact).filter(|c| !c.is_empty()),
            }),
            _ => Err(errors),
        }
    }
}

/// Whether a form stamped at `started` (seconds) may be accepted at `now`.
pub fn fill_time_ok(started: i64, now: i64) -> Result<(), Invalid> {
    let age = now - started;
    if age < MIN_FILL_SECONDS {
        Err(Invalid::new(
            "formulir",
            "formulir dikirim terlalu cepat; baca lagi isian Anda lalu kirim ulang",
        ))
    } else if age > MAX_FILL_SECONDS {
        Err(Invalid::new(
            "formulir",
            "formulir ini sudah terlalu lama terbuka; isian Anda masih ada, kirim ulang",
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawReport {
        RawReport {
            category: "calo".into(),
            country: "tw".into(),
            details: "Ada sponsor menawarkan kerja ke Taiwan dengan biaya Rp40 juta.".into(),
            accused: "Pak X dari desa sebelah".into(),
            when_where: "Oktober 2026, di balai desa".into(),
            contact: String::new(),
        }
    }

    #[test]
    fn a_plain_report_passes_and_is_anonymous_without_contact() {
        let r = raw().check("32.12.16.2004").unwrap();
        assert_eq!(r.category, ReportCategory::Broker);
        assert_eq!(r.country, "TW");
        assert_eq!(r.contact, None);
        let mut with = raw();
        with.contact = " Ibu Sari 0812 3456 7890 ".into();
        assert_eq!(
            with.check("32.12").unwrap().contact.as_deref(),
            Some("Ibu Sari 0812 3456 7890")
        );
    }

    #[test]
    fn markup_and_control_characters_are_refused() {
        for bad in [
            "<script>alert(1)</script> ada penipuan di sini",
            "penipuan <img src=x onerror=alert(1)> di desa kami",
            "lihat <a href='x'>tautan</a> ini penipuan besar",
            "<!-- komentar --> penipuan lowongan palsu sekali",
            "klik javascript:alert(1) untuk penipuan lowongan",
            "penipuan lowongan palsu sekali\u{0}dengan nol",
        ] {
            assert!(markup_or_control(bad), "{bad}");
            let mut r = raw();
            r.details = bad.into();
            let errors = r.check("32.12").unwrap_err();
            assert!(errors.iter().any(|e| e.field == "isi"), "{bad}");
        }
        for good in [
            "biaya < 10 juta katanya",
            "umur 3<4 tahun",
            "baris satu\nbaris dua\tdengan tab",
        ] {
            assert!(!markup_or_control(good), "{good}");
        }
    }

    #[test]
    fn sizes_are_bounded_and_every_problem_is_reported() {
        let r = RawReport {
            category: "lain".into(),
            country: "XX".into(),
            details: "pendek".into(),
            accused: "a".repeat(ACCUSED_MAX + 1),
            when_where: "b".repeat(WHEN_WHERE_MAX + 1),
            contact: "c".repeat(CONTACT_MAX + 1),
        };
        let fields: Vec<&str> = r.check("32").unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "kategori",
                "negara",
                "isi",
                "pihak",
                "waktu_tempat",
                "kontak"
            ]
        );
        let mut long = raw();
        long.details = "x".repeat(DETAILS_MAX + 1);
        assert!(long.check("32").is_err());
        long.details = "x".repeat(DETAILS_MAX);
        assert!(long.check("32").is_ok());
    }

    #[test]
    fn fill_time_window() {
        assert!(fill_time_ok(100, 102).is_err());
        assert!(fill_time_ok(100, 103).is_ok());
        assert!(fill_time_ok(100, 100 + MAX_FILL_SECONDS).is_ok());
        assert!(fill_time_ok(100, 101 + MAX_FILL_SECONDS).is_err());
        assert!(fill_time_ok(100, 50).is_err());
    }

    #[test]
    fn statuses_move_forward_or_reopen() {
        use ReportStatus::*;
        assert!(Received.can_move_to(InReview));
        assert!(InReview.can_move_to(Closed));
        assert!(Closed.can_move_to(InReview));
        assert!(!InReview.can_move_to(Received));
        assert!(!Closed.can_move_to(Received));
        assert!(!Closed.can_move_to(Closed));
        for s in ReportStatus::ALL {
            assert_eq!(s.as_str().parse::<ReportStatus>(), Ok(s));
        }
    }
}
