//! Pillar 3, community parenting: the children of migrant workers, who stay in the village with a
//! grandparent or another relative, and the village's learning centre (sessions for the children,
//! parenting classes for their caregivers). This module holds the rules only — what a child's
//! record may contain, which children need a visit, and which figures may leave the village — so
//! pages, the API and the CLI refuse the same things.
//!
//! A child's data is specific personal data under UU 27/2022, and Pasal 25 requires the consent of
//! a parent or guardian to process it. The village still needs to know that a child exists to
//! plan for them, so without consent only the name and the birth year are kept.

use crate::Invalid;
use crate::cases::suppress;
use crate::form::{block, choices, line, ok_or_push, past_date, push_err};
use crate::nik::Nik;
use crate::registry::parse_date;
use chrono::{Datelike, Months, NaiveDate};
use std::fmt;
use std::str::FromStr;

choices!(
    /// Where a child stands with school.
    SchoolStatus, field = "status_sekolah", what = "status sekolah", {
        InSchool = "sekolah", "Sekolah", "In school";
        /// Dropped out or never enrolled: the first reason a child is visited.
        NotInSchool = "tidak_sekolah", "Tidak sekolah", "Not in school";
        Graduated = "lulus", "Lulus", "Graduated";
    }
);

choices!(
    /// The school level, by the names families use (general and madrasah schools together).
    SchoolLevel, field = "jenjang", what = "jenjang sekolah", {
        Paud = "paud", "PAUD/TK", "Early childhood (PAUD/kindergarten)";
        Sd = "sd", "SD/MI", "Primary (SD/MI)";
        Smp = "smp", "SMP/MTs", "Lower secondary (SMP/MTs)";
        Sma = "sma", "SMA/SMK/MA", "Upper secondary (SMA/SMK/MA)";
        /// Too young for any school yet.
        None = "belum", "Belum sekolah", "Not yet in school";
    }
);

choices!(
    /// Who gave consent for the child's data.
    ConsentBy, field = "persetujuan", what = "pemberi persetujuan", {
        Parent = "orang_tua", "Orang tua", "Parent";
        /// The person legally responsible while the parents work abroad.
        Guardian = "wali", "Wali", "Guardian";
    }
);

choices!(
    /// How consent was given: what the village can show if it is ever asked.
    ConsentHow, field = "cara", what = "cara persetujuan", {
        Written = "tertulis", "Tertulis (formulir bertanda tangan)", "In writing (signed form)";
        /// Many grandparents cannot write: spoken consent in front of a village officer counts.
        Oral = "lisan", "Lisan, disaksikan petugas", "Spoken, witnessed by an officer";
    }
);

/// Guardian consent, recorded before anything beyond name and age is stored: who gave it, their
/// relation to the child, the day and how (UU 27/2022 Pasal 25).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianConsent {
    pub by: ConsentBy,
    pub name: String,
    /// In the giver's words: "nenek", "ibu", "paman".
    pub relation: String,
    pub on: NaiveDate,
    pub how: ConsentHow,
}

/// Length limits, in characters.
pub const NAME_MIN: usize = 2;
pub const NAME_MAX: usize = 200;
pub const NEEDS_MAX: usize = 1000;
/// The oldest age, in years, of a child record: from 18 a person is an adult (UU 35/2014 on
/// child protection) and belongs in the registry, not here.
pub const CHILD_AGE_MAX: i32 = 17;

/// A child as typed. Without consent only the name and the birth year may be stored (the minimum
/// to know the child exists and count them); every other field present without consent is an
/// error naming the consent (field "persetujuan").
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawChild {
    pub nama: String,
    pub tahun_lahir: String,
    /// "", "orang_tua" or "wali".
    pub persetujuan: String,
    pub nama_pemberi: String,
    /// The giver's relation to the child ("nenek", "ibu").
    pub hubungan: String,
    pub tanggal_persetujuan: String,
    /// "tertulis" or "lisan".
    pub cara: String,
    /// The NIK of a parent working abroad, when registered in the village.
    pub nik_orang_tua: String,
    /// The NIK of the caregiver at home, when registered in the village.
    pub nik_pengasuh: String,
    pub jenjang: String,
    pub nama_sekolah: String,
    pub status_sekolah: String,
    /// What the child needs (tutoring, a school uniform, a health check…).
    pub kebutuhan: String,
    /// Who looks after the child at home.
    pub pengasuh: String,
}

/// A checked child. Without consent every field after `consent` is empty or `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildInput {
    pub name: String,
    pub birth_year: i32,
    pub consent: Option<GuardianConsent>,
    pub level: Option<SchoolLevel>,
    pub school: String,
    pub status: Option<SchoolStatus>,
    pub needs: String,
    pub caregiver: String,
    pub parent_nik: Option<Nik>,
    pub caregiver_nik: Option<Nik>,
}

impl RawChild {
    /// Every problem at once. The age is counted by years only (`today`'s year minus the birth
    /// year), because the birth year is all that is kept without consent.
    pub fn check(&self, today: NaiveDate) -> Result<ChildInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = push_err(
            line("nama", &self.nama, NAME_MIN, NAME_MAX, "nama anak"),
            &mut errors,
        );
        let birth_year = ok_or_push(birth_year(&self.tahun_lahir, today), &mut errors);

        if self.persetujuan.trim().is_empty() {
            if let Some(problem) = self.needs_consent() {
                errors.push(Invalid::new("persetujuan", problem));
            }
            return match birth_year {
                Some(birth_year) if errors.is_empty() => Ok(ChildInput {
                    name,
                    birth_year,
                    consent: None,
                    level: None,
                    school: String::new(),
                    status: None,
                    needs: String::new(),
                    caregiver: String::new(),
                    parent_nik: None,
                    caregiver_nik: None,
                }),
                _ => Err(errors),
            };
        }

        let by = ok_or_push(self.persetujuan.parse::<ConsentBy>(), &mut errors);
        let giver = push_err(
            line(
                "nama_pemberi",
                &self.nama_pemberi,
                NAME_MIN,
                NAME_MAX,
                "nama yang memberi persetujuan",
            ),
            &mut errors,
        );
        let relation = push_err(
            line(
                "hubungan",
                &self.hubungan,
                NAME_MIN,
                NAME_MAX,
                "hubungan pemberi persetujuan dengan anak",
            ),
            &mut errors,
        );
        let how = ok_or_push(self.cara.parse::<ConsentHow>(), &mut errors);
        let consent_on = ok_or_push(
            past_date(
                "tanggal_persetujuan",
                &self.tanggal_persetujuan,
                today,
                "tanggal persetujuan",
            ),
            &mut errors,
        );
        let level = if self.jenjang.trim().is_empty() {
            None
        } else {
            ok_or_push(self.jenjang.parse::<SchoolLevel>(), &mut errors)
        };
        let status = ok_or_push(self.status_sekolah.parse::<SchoolStatus>(), &mut errors);
        if status == Some(SchoolStatus::InSchool) && level == Some(SchoolLevel::None) {
            errors.push(Invalid::new(
                "jenjang",
                "anak berstatus «Sekolah» tetapi jenjangnya «Belum sekolah»; pilih jenjang \
                 sekolahnya, atau ubah statusnya",
            ));
        }
        let school = push_err(
            line(
                "nama_sekolah",
                &self.nama_sekolah,
                0,
                NAME_MAX,
                "nama sekolah",
            ),
            &mut errors,
        );
        let needs = push_err(
            block("kebutuhan", &self.kebutuhan, 0, NEEDS_MAX, "kebutuhan anak"),
            &mut errors,
        );
        let caregiver = push_err(
            line("pengasuh", &self.pengasuh, 0, NAME_MAX, "nama pengasuh"),
            &mut errors,
        );
        let parent_nik = ok_or_push(
            optional_nik("nik_orang_tua", &self.nik_orang_tua),
            &mut errors,
        );
        let caregiver_nik = ok_or_push(
            optional_nik("nik_pengasuh", &self.nik_pengasuh),
            &mut errors,
        );
        match (birth_year, by, consent_on, status, how) {
            (Some(birth_year), Some(by), Some(on), Some(status), Some(how))
                if errors.is_empty() =>
            {
                Ok(ChildInput {
                    name,
                    birth_year,
                    consent: Some(GuardianConsent {
                        by,
                        name: giver,
                        relation,
                        on,
                        how,
                    }),
                    level,
                    school,
                    status: Some(status),
                    needs,
                    caregiver,
                    parent_nik: parent_nik.flatten(),
                    caregiver_nik: caregiver_nik.flatten(),
                })
            }
            _ => Err(errors),
        }
    }

    /// Why this record cannot be stored without consent, or `None` when it holds only the name
    /// and the birth year. The fields are listed so the person typing knows what to empty (or
    /// that consent must be recorded first).
    fn needs_consent(&self) -> Option<String> {
        if [
            &self.nama_pemberi,
            &self.hubungan,
            &self.tanggal_persetujuan,
            &self.cara,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
        {
            return Some(
                "nama pemberi, hubungan, tanggal atau cara persetujuan sudah diisi; pilih juga \
                 siapa yang memberi persetujuan: Orang tua atau Wali"
                    .to_owned(),
            );
        }
        let filled: Vec<&str> = [
            (&self.jenjang, "jenjang sekolah"),
            (&self.nama_sekolah, "nama sekolah"),
            (&self.status_sekolah, "status sekolah"),
            (&self.kebutuhan, "kebutuhan"),
            (&self.pengasuh, "pengasuh"),
            (&self.nik_orang_tua, "NIK orang tua"),
            (&self.nik_pengasuh, "NIK pengasuh"),
        ]
        .into_iter()
        .filter(|(value, _)| !value.trim().is_empty())
        .map(|(_, label)| label)
        .collect();
        if filled.is_empty() {
            return None;
        }
        Some(format!(
            "tanpa persetujuan orang tua atau wali hanya nama dan tahun lahir anak yang boleh \
             dicatat (UU 27/2022 Pasal 25); catat dulu persetujuannya, atau kosongkan: {}",
            filled.join(", ")
        ))
    }
}

/// A NIK that may be left empty; the error names `field`.
fn optional_nik(field: &'static str, raw: &str) -> Result<Option<Nik>, Invalid> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Nik::parse(raw)
        .map(Some)
        .map_err(|e| Invalid::new(field, e.message))
}

/// The birth year of someone who is a child in `today`'s year: 0 to [`CHILD_AGE_MAX`] years old.
fn birth_year(raw: &str, today: NaiveDate) -> Result<i32, Invalid> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Invalid::new("tahun_lahir", "tahun lahir anak wajib diisi"));
    }
    let year: i32 = s.parse().map_err(|_| {
        Invalid::new(
            "tahun_lahir",
            format!("tahun lahir «{s}» bukan angka tahun; tulis seperti 2015"),
        )
    })?;
    let age = i64::from(today.year()) - i64::from(year);
    if age < 0 {
        Err(Invalid::new(
            "tahun_lahir",
            format!("tahun lahir {year} belum tiba; periksa tahunnya"),
        ))
    } else if age > i64::from(CHILD_AGE_MAX) {
        Err(Invalid::new(
            "tahun_lahir",
            format!(
                "lahir tahun {year}, tahun ini sudah berumur {age} tahun: bukan anak lagi; \
                 catat di data warga, bukan di data anak"
            ),
        ))
    } else {
        Ok(year)
    }
}

choices!(
    /// Why a child needs a visit from the village's parenting team.
    RiskFlag, field = "risiko", what = "tanda risiko", {
        OutOfSchool = "tidak_sekolah", "Tidak sekolah", "Out of school";
        AbsentThreeInARow = "absen_tiga_kali", "Absen tiga kali berturut-turut",
            "Absent three sessions in a row";
    }
);

/// How many missed sessions in a row make a child worth a visit: one missed session is a cold,
/// three in a row is a child drifting away.
pub const ABSENCES_IN_A_ROW: usize = 3;

/// The at-risk flags of a child, from their school status and their attendance of the sessions
/// they were expected at, oldest first (`true` = present). The absence flag is about now: it is
/// set only when the last three expected sessions were all missed, so a child who missed three
/// and then came back is no longer flagged.
pub fn risk_flags(status: Option<SchoolStatus>, attendance: &[bool]) -> Vec<RiskFlag> {
    let mut flags = Vec::new();
    if status == Some(SchoolStatus::NotInSchool) {
        flags.push(RiskFlag::OutOfSchool);
    }
    if attendance.len() >= ABSENCES_IN_A_ROW
        && attendance[attendance.len() - ABSENCES_IN_A_ROW..]
            .iter()
            .all(|present| !present)
    {
        flags.push(RiskFlag::AbsentThreeInARow);
    }
    flags
}

/// Indicators of a village (or any group): counts and shares, never names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Indicators {
    pub children: i64,
    pub in_school: i64,
    /// Children with at least one [`RiskFlag`].
    pub at_risk: i64,
    pub sessions: i64,
    /// Child-sessions attended, out of `expected`.
    pub attendances: i64,
    pub expected: i64,
}

/// `part / whole` in whole percent, rounded half up; `None` when `whole` is not positive.
fn percent(part: i64, whole: i64) -> Option<u32> {
    if whole <= 0 {
        return None;
    }
    let (part, whole) = (i128::from(part), i128::from(whole));
    u32::try_from((part * 200 + whole).div_euclid(whole * 2)).ok()
}

impl Indicators {
    /// The indicators of a group of children, each given by their school status (`None` without
    /// consent: such a child is not counted, since nothing but their name and birth year is
    /// known) and their attendance of the sessions they were expected at, oldest first.
    /// `sessions` is the number of learning sessions held.
    pub fn tally<'a>(
        children: impl IntoIterator<Item = (Option<SchoolStatus>, &'a [bool])>,
        sessions: i64,
    ) -> Indicators {
        let mut out = Indicators {
            sessions,
            ..Indicators::default()
        };
        for (status, attendance) in children {
            let Some(status) = status else { continue };
            out.children += 1;
            out.in_school += i64::from(status == SchoolStatus::InSchool);
            out.at_risk += i64::from(!risk_flags(Some(status), attendance).is_empty());
            out.expected += attendance.len() as i64;
            out.attendances += attendance.iter().filter(|p| **p).count() as i64;
        }
        out
    }

    /// Share of children in school, in whole percent rounded half up; None when there are no
    /// children.
    pub fn in_school_percent(&self) -> Option<u32> {
        percent(self.in_school, self.children)
    }

    /// Attendance rate = attendances / expected, whole percent rounded half up; None when nothing
    /// was expected.
    pub fn attendance_percent(&self) -> Option<u32> {
        percent(self.attendances, self.expected)
    }

    /// The same figures as they may be shown above the village: each count through
    /// [`suppress`] (small counts hidden), and the percentages hidden when a count they are
    /// computed from is hidden. The in-school count is also hidden when the children *not* in
    /// school are few (10 children, 8 in school tells everyone that 2 are out of school), and
    /// the attendance rate when the children are few, because then it describes one or two
    /// known children.
    pub fn public(&self) -> PublicIndicators {
        let children = suppress(self.children);
        let in_school =
            suppress(self.in_school).filter(|_| suppress(self.children - self.in_school).is_some());
        let in_school_percent = match (children, in_school) {
            (Some(_), Some(_)) => self.in_school_percent(),
            _ => None,
        };
        PublicIndicators {
            children,
            in_school,
            at_risk: suppress(self.at_risk),
            in_school_percent,
            attendance_percent: children.and_then(|_| self.attendance_percent()),
        }
    }
}

/// [`Indicators`] as they may be shown outside the village; `None` is shown as "<5" for a count
/// and as "–" for a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicIndicators {
    pub children: Option<i64>,
    pub in_school: Option<i64>,
    pub at_risk: Option<i64>,
    pub in_school_percent: Option<u32>,
    pub attendance_percent: Option<u32>,
}

choices!(
    /// What a learning-centre session is.
    SessionKind, field = "jenis", what = "jenis kegiatan", {
        /// For the children: homework help, reading, play.
        Learning = "belajar", "Sesi belajar", "Learning session";
        /// For the caregivers at home, often grandparents raising a second generation.
        Parenting = "parenting", "Kelas pengasuhan", "Parenting class";
    }
);

/// How far ahead a session may be planned: a month covers the usual schedule, and a date beyond it
/// is more often a typing slip than a plan.
pub const SESSION_DAYS_AHEAD: i64 = 30;
/// How far back a session may be recorded: late entries of the past year are welcome, older ones
/// are more likely a wrong year.
pub const SESSION_MONTHS_BACK: u32 = 12;

/// A learning-centre session or a parenting class as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawSession {
    pub jenis: String,
    pub tanggal: String,
    pub kegiatan: String,
    pub fasilitator: String,
}

/// A checked session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    pub kind: SessionKind,
    pub on: NaiveDate,
    pub activity: String,
    pub facilitator: String,
}

impl RawSession {
    /// Every problem at once; the date may be up to [`SESSION_DAYS_AHEAD`] days ahead (a planned
    /// session) and up to [`SESSION_MONTHS_BACK`] months back (a late entry).
    pub fn check(&self, today: NaiveDate) -> Result<SessionInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ok_or_push(self.jenis.parse::<SessionKind>(), &mut errors);
        let on = ok_or_push(session_date(&self.tanggal, today), &mut errors);
        let activity = push_err(
            line(
                "kegiatan",
                &self.kegiatan,
                NAME_MIN,
                NAME_MAX,
                "nama kegiatan",
            ),
            &mut errors,
        );
        let facilitator = push_err(
            line(
                "fasilitator",
                &self.fasilitator,
                NAME_MIN,
                NAME_MAX,
                "nama fasilitator",
            ),
            &mut errors,
        );
        match (kind, on) {
            (Some(kind), Some(on)) if errors.is_empty() => Ok(SessionInput {
                kind,
                on,
                activity,
                facilitator,
            }),
            _ => Err(errors),
        }
    }
}

fn session_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    if raw.trim().is_empty() {
        return Err(Invalid::new("tanggal", "tanggal kegiatan wajib diisi"));
    }
    let on = parse_date("tanggal", raw)?;
    let latest = today + chrono::Duration::days(SESSION_DAYS_AHEAD);
    let earliest = today
        .checked_sub_months(Months::new(SESSION_MONTHS_BACK))
        .unwrap_or(NaiveDate::MIN);
    if on > latest {
        Err(Invalid::new(
            "tanggal",
            format!(
                "tanggal kegiatan paling jauh {SESSION_DAYS_AHEAD} hari dari hari ini; \
                 periksa tanggalnya"
            ),
        ))
    } else if on < earliest {
        Err(Invalid::new(
            "tanggal",
            "tanggal kegiatan lebih dari setahun yang lalu; periksa tahunnya",
        ))
    } else {
        Ok(on)
    }
}

#[cfg(test)]
mod tests;
