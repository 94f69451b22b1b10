//! What an operator types about a person or a migration episode, checked into values the
//! registry can store. Every problem is reported at once, in Indonesian, by field; NIK
//! inconsistencies are warnings the operator confirms, never blocks (a NIK keeps the data it was
//! issued with, even after a birth date is corrected).

use crate::Invalid;
use crate::catalog::{self, COUNTRIES, EDUCATION, MARITAL, ROUTES};
use crate::nik::{self, Nik, Sex};
use crate::region::RegionTree;
use crate::text::clean_spaces;
use chrono::NaiveDate;

/// Accepts the browser's `YYYY-MM-DD` and the spreadsheet habits `DD-MM-YYYY` / `DD/MM/YYYY`.
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, Invalid> {
    let s = raw.trim();
    ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .ok_or_else(|| {
            Invalid::new(
                field,
                format!("tanggal «{s}» tidak dikenali; tulis seperti 2026-08-17 atau 17-08-2026"),
            )
        })
}

/// An optional date: empty is `None`.
pub fn parse_optional_date(field: &'static str, raw: &str) -> Result<Option<NaiveDate>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, raw).map(Some)
    }
}

fn required(
    field: &'static str,
    raw: &str,
    label: &str,
    max: usize,
    errors: &mut Vec<Invalid>,
) -> String {
    let v = clean_spaces(raw);
    if v.is_empty() {
        errors.push(Invalid::new(field, format!("{label} wajib diisi")));
    } else if v.chars().count() > max {
        errors.push(Invalid::new(
            field,
            format!("{label} paling banyak {max} karakter"),
        ));
    }
    v
}

fn optional(
    field: &'static str,
    raw: &str,
    label: &str,
    max: usize,
    errors: &mut Vec<Invalid>,
) -> String {
    let v = clean_spaces(raw);
    if v.chars().count() > max {
        errors.push(Invalid::new(
            field,
            format!("{label} paling banyak {max} karakter"),
        ));
    }
    v
}

/// RT/RW as the three digits printed on a KK ("1" → "001"); empty stays empty.
fn rt_rw(field: &'static str, raw: &str, errors: &mut Vec<Invalid>) -> String {
    let v = raw.trim();
    if v.is_empty() {
        return String::new();
    }
    match v.parse::<u16>() {
        Ok(n) if (1..=999).contains(&n) && v.len() <= 3 => format!("{n:03}"),
        _ => {
            errors.push(Invalid::new(
                field,
                format!("{} berupa angka 1–999", field.to_uppercase()),
            ));
            String::new()
        }
    }
}

fn code_in(
    field: &'static str,
    raw: &str,
    list: &'static [catalog::Choice],
    label: &str,
    errors: &mut Vec<Invalid>,
) -> String {
    let v = raw.trim();
    if v.is_empty() || catalog::choice(list, v).is_some() {
        v.to_owned()
    } else {
        let allowed = list.iter().map(|c| c.code).collect::<Vec<_>>().join(", ");
        errors.push(Invalid::new(
            field,
            format!("{label} «{v}» tidak dikenal; pilih salah satu: {allowed}"),
        ));
        String::new()
    }
}

/// A phone number people can call or message: digits with an optional leading +.
fn phone(raw: &str, errors: &mut Vec<Invalid>) -> String {
    let v = clean_spaces(raw);
    if v.is_empty() {
        return v;
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let ok = v
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    if !ok || !(8..=15).contains(&digits) {
        errors.push(Invalid::new(
            "phone",
            "nomor telepon 8–15 angka, boleh diawali + (mis. 0812 3456 7890)",
        ));
    }
    v
}

/// The fields of the person form and of an import row.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PersonInput {
    pub nik: String,
    pub name: String,
    pub sex: String,
    pub birth_place: String,
    pub birth_date: String,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub phone: String,
    pub education: String,
    pub marital_status: String,
    pub skills: String,
    pub passport_number: String,
    pub passport_expiry: String,
    /// "ya" once the operator has seen and accepted the NIK warnings.
    pub confirm_warnings: String,
}

#[derive(Debug, Clone)]
pub struct ValidPerson {
    pub nik: Nik,
    pub name: String,
    pub sex: Sex,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub phone: String,
    pub education: String,
    pub marital_status: String,
    pub skills: String,
    pub passport: Option<String>,
    pub passport_expiry: Option<NaiveDate>,
    /// NIK inconsistencies found; stored with the record once confirmed.
    pub warnings: Vec<String>,
}

impl PersonInput {
    pub fn check(&self, tree: &RegionTree, today: NaiveDate) -> Result<ValidPerson, Vec<Invalid>> {
        let mut errors = Vec::new();
        let nik = Nik::parse(&self.nik).map_err(|e| errors.push(e)).ok();
        let name = required("name", &self.name, "nama", 100, &mut errors);
        let sex = if self.sex.trim().is_empty() {
            errors.push(Invalid::new(
                "sex",
                "jenis kelamin wajib dipilih (L atau P)",
            ));
            None
        } else {
            Sex::parse(&self.sex)
                .map_err(|e| errors.push(Invalid::new("sex", e.message)))
                .ok()
        };
        let birth_place = optional(
            "birth_place",
            &self.birth_place,
            "tempat lahir",
            60,
            &mut errors,
        );
        let birth_date = if self.birth_date.trim().is_empty() {
            errors.push(Invalid::new("birth_date", "tanggal lahir wajib diisi"));
            None
        } else {
            match parse_date("birth_date", &self.birth_date) {
                Ok(d) if d > today => {
                    errors.push(Invalid::new(
                        "birth_date",
                        "tanggal lahir tidak boleh di masa depan",
                    ));
                    None
                }
                Ok(d) if d < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") => {
                    errors.push(Invalid::new(
                        "birth_date",
                        "tanggal lahir sebelum tahun 1900 tidak mungkin",
                    ));
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        let dusun = optional("dusun", &self.dusun, "dusun", 60, &mut errors);
        let rt = rt_rw("rt", &self.rt, &mut errors);
        let rw = rt_rw("rw", &self.rw, &mut errors);
        let address = optional("address", &self.address, "alamat", 200, &mut errors);
        let phone = phone(&self.phone, &mut errors);
        let education = code_in(
            "education",
            &self.education,
            EDUCATION,
            "pendidikan",
            &mut errors,
        );
        let marital_status = code_in(
            "marital_status",
            &self.marital_status,
            MARITAL,
            "status perkawinan",
            &mut errors,
        );
        let skills = optional("skills", &self.skills, "keterampilan", 300, &mut errors);
        let passport = clean_spaces(&self.passport_number)
            .to_uppercase()
            .replace(' ', "");
        let passport = if passport.is_empty() {
            None
        } else if passport.len() < 6
            || passport.len() > 12
            || !passport.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errors.push(Invalid::new(
                "passport_number",
                "nomor paspor 6–12 huruf/angka (mis. E1234567)",
            ));
            None
        } else {
            Some(passport)
        };
        let passport_expiry = parse_optional_date("passport_expiry", &self.passport_expiry)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if passport_expiry.is_some()
            && passport.is_none()
            && errors.iter().all(|e| e.field != "passport_number")
        {
            errors.push(Invalid::new(
                "passport_number",
                "isi nomor paspor bila masa berlakunya diisi",
            ));
        }
        match (nik, sex, birth_date, errors.is_empty()) {
            (Some(nik), Some(sex), Some(birth_date), true) => {
                let warnings = nik::warnings(&nik, Some(birth_date), Some(sex), tree, today);
                Ok(ValidPerson {
                    nik,
                    name,
                    sex,
                    birth_place,
                    birth_date,
                    dusun,
                    rt,
                    rw,
                    address,
                    phone,
                    education,
                    marital_status,
                    skills,
                    passport,
                    passport_expiry,
                    warnings,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn confirmed(&self) -> bool {
        self.confirm_warnings == "ya"
    }
}

/// The fields of the episode form and of an import row.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct EpisodeInput {
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub agency: String,
    pub route: String,
    /// "ya" when the migration follows the legal procedure.
    pub procedural: String,
    pub siapkerja_id: String,
    pub contract_start: String,
    pub contract_end: String,
    pub last_contact_on: String,
    pub handover_on: String,
    pub handover_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEpisode {
    pub destination: String,
    pub occupation: String,
    pub employer: String,
    pub agency: String,
    pub route: String,
    pub procedural: bool,
    pub siapkerja_id: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub handover_on: Option<NaiveDate>,
    pub handover_note: String,
}

impl EpisodeInput {
    pub fn check(&self) -> Result<ValidEpisode, Vec<Invalid>> {
        let mut errors = Vec::new();
        let destination = self.destination.trim().to_uppercase();
        if destination.is_empty() {
            errors.push(Invalid::new("destination", "negara tujuan wajib dipilih"));
        } else if catalog::country(&destination).is_none() {
            let known = COUNTRIES
                .iter()
                .map(|c| c.iso2)
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(Invalid::new(
                "destination",
                format!("negara «{destination}» tidak dikenal; pakai kode ISO 2 huruf: {known}"),
            ));
        }
        let occupation = self.occupation.trim().to_owned();
        if occupation.is_empty() {
            errors.push(Invalid::new(
                "occupation",
                "jabatan/pekerjaan wajib dipilih",
            ));
        } else if catalog::occupation(&occupation).is_none() {
            errors.push(Invalid::new(
                "occupation",
                format!("jabatan «{occupation}» tidak ada dalam daftar"),
            ));
        }
        let employer = optional(
            "employer",
            &self.employer,
            "pemberi kerja",
            150,
            &mut errors,
        );
        let agency = optional("agency", &self.agency, "P3MI/agensi", 150, &mut errors);
        let route = if self.route.trim().is_empty() {
            errors.push(Invalid::new("route", "jalur penempatan wajib dipilih"));
            String::new()
        } else {
            code_in(
                "route",
                &self.route,
                ROUTES,
                "jalur penempatan",
                &mut errors,
            )
        };
        let siapkerja_id = optional(
            "siapkerja_id",
            &self.siapkerja_id,
            "nomor SIAPkerja/ID PMI",
            40,
            &mut errors,
        );
        let mut date = |field: &'static str, raw: &str| {
            parse_optional_date(field, raw)
                .map_err(|e| errors.push(e))
                .ok()
                .flatten()
        };
        let contract_start = date("contract_start", &self.contract_start);
        let contract_end = date("contract_end", &self.contract_end);
        let last_contact_on = date("last_contact_on", &self.last_contact_on);
        let handover_on = date("handover_on", &self.handover_on);
        if let (Some(s), Some(e)) = (contract_start, contract_end)
            && e < s
        {
            errors.push(Invalid::new(
                "contract_end",
                "akhir kontrak tidak boleh sebelum awal kontrak",
            ));
        }
        let handover_note = optional(
            "handover_note",
            &self.handover_note,
            "berita acara serah terima",
            500,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidEpisode {
            destination,
            occupation,
            employer,
            agency,
            route,
            procedural: matches!(self.procedural.trim(), "ya" | "true" | "1" | "on"),
            siapkerja_id,
            contract_start,
            contract_end,
            last_contact_on,
            handover_on,
            handover_note,
        })
    }
}

/// The content type of an uploaded scan, judged from its first bytes (never from its name):
/// PDF, JPEG or PNG, the formats a village scanner or phone produces.
pub fn sniff_scan(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static TREE: LazyLock<RegionTree> = LazyLock::new(RegionTree::official);

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    fn siti() -> PersonInput {
        PersonInput {
            nik: "3212164507980001".into(),
            name: "  Siti   Aminah ".into(),
            sex: "P".into(),
            birth_place: "Indramayu".into(),
            birth_date: "1998-07-05".into(),
            dusun: "Dusun I".into(),
            rt: "2".into(),
            rw: "10".into(),
            phone: "0812 3456 7890".into(),
            education: "smp".into(),
            marital_status: "kawin".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_consistent_person_passes_without_warnings() {
        let p = siti().check(&TREE, today()).unwrap();
        assert_eq!(p.name, "Siti Aminah");
        assert_eq!((p.rt.as_str(), p.rw.as_str()), ("002", "010"));
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn a_birth_date_that_disagrees_with_the_nik_is_a_warning() {
        let p = PersonInput {
            birth_date: "06-07-1998".into(),
            ..siti()
        }
        .check(&TREE, today())
        .unwrap();
        assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = PersonInput {
            nik: "12345".into(),
            name: " ".into(),
            sex: "X".into(),
            birth_date: "kemarin".into(),
            rt: "abc".into(),
            phone: "12".into(),
            education: "profesor".into(),
            passport_expiry: "2030-01-01".into(),
            ..Default::default()
        };
        let fields: Vec<_> = bad
            .check(&TREE, today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "nik",
            "name",
            "sex",
            "birth_date",
            "rt",
            "phone",
            "education",
            "passport_number",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
    }

    #[test]
    fn scans_are_recognised_by_content() {
        assert_eq!(sniff_scan(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff_scan(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_scan(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_scan(b"MZ\x90\x00 a renamed program"), None);
        assert_eq!(sniff_scan(b""), None);
    }

    #[test]
    fn dates_in_three_spellings() {
        let d = NaiveDate::from_ymd_opt(2026, 8, 17).unwrap();
        for s in ["2026-08-17", "17-08-2026", "17/08/2026"] {
            assert_eq!(parse_date("x", s).unwrap(), d);
        }
        assert!(parse_date("x", "17 Agustus").is_err());
        assert!(
            PersonInput {
                birth_date: "2030-01-01".into(),
                ..siti()
            }
            .check(&TREE, today())
            .is_err()
        );
    }

    #[test]
    fn episodes_need_a_known_destination_occupation_and_route() {
        let e = EpisodeInput {
            destination: "tw".into(),
            occupation: "pengasuh_lansia".into(),
            route: "p3mi".into(),
            procedural: "ya".into(),
            contract_start: "2026-01-01".into(),
            contract_end: "2028-12-31".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(e.destination, "TW");
        assert!(e.procedural);
        let errs = EpisodeInput {
            destination: "XX".into(),
            contract_start: "2026-01-01".into(),
            contract_end: "2025-01-01".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["destination", "occupation", "route", "contract_end"]
        );
    }
}
