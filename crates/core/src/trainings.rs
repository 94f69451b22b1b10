//! Pillar 2, productive skills: the trainings a village facilitator (pendamping) runs for
//! returnees and the spouses of migrant workers — who teaches, when the sessions are, who came —
//! and the one rule that decides who has completed a training and may get its certificate.
//!
//! The certificate itself is a village letter (kind [`CERTIFICATE_KIND`]): signed by the village
//! head with the village key and verifiable at `/v/{code}` like every letter (`core::letters`).

use crate::Invalid;
use crate::form::{line, ok_or_push, push_err};
use crate::registry::parse_date;
use chrono::NaiveDate;

/// The letter kind of a training certificate.
pub const CERTIFICATE_KIND: &str = "sertifikat_pelatihan";

/// Whether a letter kind is issued only from a training's completion (never asked for by a
/// resident or drafted by an operator), so the completion rule cannot be bypassed.
pub fn only_from_training(kind: &str) -> bool {
    kind == CERTIFICATE_KIND
}

/// The completion rule: a participant completes a training by attending at least this share of
/// its sessions, in percent (three of four sessions, six of eight).
pub const MIN_ATTENDANCE_PERCENT: u32 = 75;

/// Length limits, in characters.
pub const TOPIC_MIN: usize = 3;
pub const TEXT_MAX: usize = 200;
/// The longest training a village records: a year (longer programmes are several trainings).
pub const MAX_DAYS: i64 = 366;

/// A training as typed in the form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawTraining {
    /// What is taught, e.g. "Pengolahan hasil laut".
    pub topik: String,
    /// The provider (see the suggestions; free text allowed).
    pub lembaga: String,
    /// Village code (13 characters).
    pub desa: String,
    /// First day, YYYY-MM-DD (or DD-MM-YYYY).
    pub mulai: String,
    /// Last day, on or after the first.
    pub selesai: String,
}

/// A checked training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingInput {
    pub topic: String,
    pub institution: String,
    pub village_code: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl RawTraining {
    /// Every problem at once. The village code is only checked for shape here; whether the
    /// caller may work there is `access::authorize`'s business.
    pub fn check(&self) -> Result<TrainingInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let topic = push_err(
            line("topik", &self.topik, TOPIC_MIN, TEXT_MAX, "topik pelatihan"),
            &mut errors,
        );
        let institution = push_err(
            line(
                "lembaga",
                &self.lembaga,
                2,
                TEXT_MAX,
                "lembaga penyelenggara",
            ),
            &mut errors,
        );
        let village_code = self.desa.trim().to_owned();
        if village_code
            .parse::<crate::region::RegionCode>()
            .map(|c| c.as_str().len())
            != Ok(13)
        {
            errors.push(Invalid::new("desa", "pilih desa tempat pelatihan"));
        }
        let starts_on = ok_or_push(
            required_date("mulai", &self.mulai, "tanggal mulai"),
            &mut errors,
        );
        let ends_on = ok_or_push(
            required_date("selesai", &self.selesai, "tanggal selesai"),
            &mut errors,
        );
        if let (Some(start), Some(end)) = (starts_on, ends_on) {
            if end < start {
                errors.push(Invalid::new(
                    "selesai",
                    "tanggal selesai sebelum tanggal mulai; periksa urutan tanggalnya",
                ));
            } else if (end - start).num_days() > MAX_DAYS {
                errors.push(Invalid::new(
                    "selesai",
                    "pelatihan lebih dari setahun; catat sebagai beberapa pelatihan",
                ));
            }
        }
        match (starts_on, ends_on) {
            (Some(starts_on), Some(ends_on)) if errors.is_empty() => Ok(TrainingInput {
                topic,
                institution,
                village_code,
                starts_on,
                ends_on,
            }),
            _ => Err(errors),
        }
    }
}

fn required_date(field: &'static str, raw: &str, what: &str) -> Result<NaiveDate, Invalid> {
    if raw.trim().is_empty() {
        return Err(Invalid::new(field, format!("{what} wajib diisi")));
    }
    parse_date(field, raw)
}

/// One session as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawSession {
    pub tanggal: String,
    pub materi: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInput {
    pub held_on: NaiveDate,
    pub subject: String,
}

impl RawSession {
    /// A session falls within its training's days.
    pub fn check(
        &self,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> Result<SessionInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let subject = push_err(
            line("materi", &self.materi, TOPIC_MIN, TEXT_MAX, "materi sesi"),
            &mut errors,
        );
        let held_on = ok_or_push(
            required_date("tanggal", &self.tanggal, "tanggal sesi"),
            &mut errors,
        );
        if let Some(d) = held_on
            && (d < starts_on || d > ends_on)
        {
            errors.push(Invalid::new(
                "tanggal",
                format!(
                    "tanggal sesi harus di antara {} dan {} (masa pelatihan)",
                    starts_on.format("%d-%m-%Y"),
                    ends_on.format("%d-%m-%Y")
                ),
            ));
        }
        match held_on {
            Some(held_on) if errors.is_empty() => Ok(SessionInput { held_on, subject }),
            _ => Err(errors),
        }
    }
}

/// Whether a participant who attended `attended` of a training's `sessions` sessions has
/// completed it: at least [`MIN_ATTENDANCE_PERCENT`] of the sessions, and a training without
/// sessions completes nobody. `Err` says why not, in words a facilitator can act on.
pub fn check_completion(attended: u32, sessions: u32) -> Result<(), Invalid> {
    if sessions == 0 {
        return Err(Invalid::new(
            "peserta",
            "pelatihan ini belum punya sesi; catat sesi dan kehadirannya dulu",
        ));
    }
    let attended = attended.min(sessions);
    if attended * 100 >= MIN_ATTENDANCE_PERCENT * sessions {
        return Ok(());
    }
    let needed = (MIN_ATTENDANCE_PERCENT * sessions).div_ceil(100);
    Err(Invalid::new(
        "peserta",
        format!(
            "peserta hadir {attended} dari {sessions} sesi; untuk dinyatakan selesai harus hadir \
             paling sedikit {MIN_ATTENDANCE_PERCENT}% sesi ({needed} sesi)"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn raw() -> RawTraining {
        RawTraining {
            topik: "Pengolahan hasil laut".into(),
            lembaga: "BBPLK Lembang".into(),
            desa: "32.12.16.2004".into(),
            mulai: "2026-08-03".into(),
            selesai: "05-08-2026".into(),
        }
    }

    #[test]
    fn trainings_accept_a_complete_form() {
        let t = raw().check().unwrap();
        assert_eq!(t.topic, "Pengolahan hasil laut");
        assert_eq!(t.starts_on, d("2026-08-03"));
        assert_eq!(t.ends_on, d("2026-08-05"));
    }

    #[test]
    fn trainings_refuse_dates_in_the_wrong_order_and_an_empty_topic() {
        let errors = RawTraining {
            topik: "  ".into(),
            selesai: "2026-08-01".into(),
            ..raw()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["topik", "selesai"]);
        assert!(errors[0].message.contains("wajib diisi"));
        assert!(errors[1].message.contains("sebelum tanggal mulai"));
    }

    #[test]
    fn trainings_refuse_a_bad_village_and_missing_dates() {
        let errors = RawTraining {
            desa: "32.12".into(),
            mulai: "".into(),
            selesai: "kemarin".into(),
            ..raw()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["desa", "mulai", "selesai"]);
    }

    #[test]
    fn trainings_sessions_fall_within_the_training() {
        let (start, end) = (d("2026-08-03"), d("2026-08-05"));
        let ok = RawSession {
            tanggal: "2026-08-04".into(),
            materi: "Pengasapan ikan".into(),
        };
        assert_eq!(ok.check(start, end).unwrap().held_on, d("2026-08-04"));
        let late = RawSession {
            tanggal: "2026-08-06".into(),
            ..ok.clone()
        };
        assert!(
            late.check(start, end).unwrap_err()[0]
                .message
                .contains("masa pelatihan")
        );
    }

    #[test]
    fn trainings_complete_at_three_quarters_of_the_sessions() {
        assert!(check_completion(3, 4).is_ok());
        assert!(check_completion(4, 4).is_ok());
        assert!(check_completion(6, 8).is_ok());
        assert!(check_completion(1, 1).is_ok());
        let e = check_completion(2, 4).unwrap_err();
        assert!(e.message.contains("hadir 2 dari 4 sesi"), "{}", e.message);
        assert!(e.message.contains("3 sesi"), "{}", e.message);
        // 5 of 7 is 71%: not enough; 6 of 7 is.
        assert!(check_completion(5, 7).is_err());
        assert!(check_completion(6, 7).is_ok());
        assert!(check_completion(0, 1).is_err());
        // No sessions: nobody completes.
        assert!(
            check_completion(0, 0)
                .unwrap_err()
                .message
                .contains("belum punya sesi")
        );
        // Attendance counted above the sessions (a data error) does not make a completion.
        assert!(check_completion(9, 4).is_ok());
    }
}
