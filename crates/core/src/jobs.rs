//! Job orders: what a published vacancy must say. Whether the company may recruit today is
//! checked against the agency registry by the caller; the fee verdict shown beside a vacancy is
//! `fees::check` on what the order says the worker pays.

use crate::Invalid;
use crate::fees::{currency_of, parse_money};
use crate::id::Id;
use crate::registry::parse_date;
use crate::text::clean_spaces;
use chrono::NaiveDate;

/// A job order as typed, before checks.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawJob {
    /// The company's licence number, as on its SIP3MI.
    pub agensi: String,
    pub judul: String,
    pub negara: String,
    pub jabatan: String,
    pub pemberi_kerja: String,
    pub gaji: String,
    pub biaya_rupiah: String,
    pub biaya_asing: String,
    pub kuota: String,
    pub batas_akhir: String,
    pub persyaratan: String,
}

/// A checked job order. Money in whole units: the wage and the foreign cost in the
/// destination's currency, the other cost in rupiah.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInput {
    pub agency_id: Id,
    pub title: String,
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub wage: i64,
    pub wage_currency: String,
    pub cost_idr: i64,
    pub cost_foreign: i64,
    pub quota: i32,
    pub deadline: NaiveDate,
    pub requirements: String,
}

/// How far ahead a deadline may lie: an order open for longer is not a real order.
pub const MAX_OPEN_DAYS: i64 = 366;

impl RawJob {
    /// Every problem at once. `today` bounds the deadline (today … a year ahead); `agency` is
    /// the company the licence number in `agensi` names, or why it may not be used (the caller
    /// looks it up in the registry).
    pub fn check(
        &self,
        today: NaiveDate,
        agency: Result<Id, String>,
    ) -> Result<JobInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let agency_id = agency
            .map_err(|m| errors.push(Invalid::new("agensi", m)))
            .ok();
        let title = clean_spaces(&self.judul);
        if title.chars().count() < 3 || title.chars().count() > 200 {
            errors.push(Invalid::new("judul", "judul lowongan 3–200 huruf"));
        }
        let destination = crate::catalog::country(&self.negara).map(|c| c.iso2);
        if destination.is_none() {
            errors.push(Invalid::new("negara", "pilih negara tujuan"));
        }
        let occupation = crate::catalog::occupation(self.jabatan.trim()).map(|o| o.code);
        if occupation.is_none() {
            errors.push(Invalid::new("jabatan", "pilih jabatan"));
        }
        let employer = clean_spaces(&self.pemberi_kerja);
        if employer.chars().count() > 200 {
            errors.push(Invalid::new("pemberi_kerja", "paling banyak 200 huruf"));
        }
        let currency = destination.and_then(currency_of);
        let money = |field: &'static str, raw: &str, errors: &mut Vec<Invalid>| {
            parse_money(raw, field)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let wage = money("gaji", &self.gaji, &mut errors);
        if wage.is_none_or(|w| w <= 0) && !errors.iter().any(|e| e.field == "gaji") {
            errors.push(Invalid::new(
                "gaji",
                "tulis gaji per bulan dalam mata uang negara tujuan (mis. 20000)",
            ));
        }
        let cost_idr = money("biaya_rupiah", &self.biaya_rupiah, &mut errors).unwrap_or(0);
        let cost_foreign = money("biaya_asing", &self.biaya_asing, &mut errors).unwrap_or(0);
        let quota = self
            .kuota
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|q| (1..=10_000).contains(q));
        if quota.is_none() {
            errors.push(Invalid::new("kuota", "kuota berupa angka 1–10.000"));
        }
        let deadline = parse_date("batas_akhir", &self.batas_akhir)
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(d) = deadline
            && (d < today || (d - today).num_days() > MAX_OPEN_DAYS)
        {
            errors.push(Invalid::new(
                "batas_akhir",
                "batas akhir paling cepat hari ini dan paling lambat setahun lagi",
            ));
        }
        let requirements = self.persyaratan.trim().replace("\r\n", "\n");
        if requirements.chars().count() > 2000 {
            errors.push(Invalid::new(
                "persyaratan",
                "persyaratan paling banyak 2.000 huruf",
            ));
        }
        match (
            agency_id,
            destination,
            occupation,
            wage,
            quota,
            deadline,
            currency,
        ) {
            (
                Some(agency_id),
                Some(destination),
                Some(occupation),
                Some(wage),
                Some(quota),
                Some(deadline),
                Some(currency),
            ) if errors.is_empty() => Ok(JobInput {
                agency_id,
                title,
                destination: destination.to_owned(),
                occupation: occupation.to_owned(),
                employer,
                wage,
                wage_currency: currency.code.to_owned(),
                cost_idr,
                cost_foreign,
                quota,
                deadline,
                requirements,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn raw() -> RawJob {
        RawJob {
            agensi: "KEP.0001/2026".into(),
            judul: "Perawat lansia di Taichung".into(),
            negara: "tw".into(),
            jabatan: "pengasuh_lansia".into(),
            pemberi_kerja: "Keluarga Lin".into(),
            gaji: "20.000".into(),
            biaya_rupiah: "Rp 9.622.000".into(),
            biaya_asing: "".into(),
            kuota: "5".into(),
            batas_akhir: "2026-12-31".into(),
            persyaratan: "Sehat, 21–40 tahun".into(),
        }
    }

    #[test]
    fn a_complete_order_passes_in_the_destination_currency() {
        let j = raw().check(today(), Ok(Id::new())).unwrap();
        assert_eq!(
            (j.destination.as_str(), j.wage_currency.as_str()),
            ("TW", "TWD")
        );
        assert_eq!((j.wage, j.cost_idr, j.cost_foreign), (20_000, 9_622_000, 0));
    }

    #[test]
    fn every_problem_is_reported() {
        let r = RawJob {
            batas_akhir: "2026-11-27".into(),
            ..RawJob::default()
        };
        let fields: Vec<&str> = r
            .check(today(), Err("nomor izin tidak ada di daftar".into()))
            .unwrap_err()
            .iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "agensi",
            "judul",
            "negara",
            "jabatan",
            "gaji",
            "kuota",
            "batas_akhir",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let mut far = raw();
        far.batas_akhir = "2028-01-01".into();
        assert!(far.check(today(), Ok(Id::new())).is_err());
        let mut on_day = raw();
        on_day.batas_akhir = "2026-11-28".into();
        assert!(on_day.check(today(), Ok(Id::new())).is_ok());
    }
}
