//! The villages a deployment serves and their public profile (used on the home page and, later,
//! on letterheads).

use crate::Invalid;
use crate::region::{Level, RegionCode, RegionTree};

/// Checks that a code names an existing desa/kelurahan in the official tree.
pub fn parse_village_code(raw: &str, tree: &RegionTree) -> Result<RegionCode, Invalid> {
    let code: RegionCode = raw.parse()?;
    if code.level() != Level::Desa {
        return Err(Invalid::new(
            "kode_desa",
            format!("{code} bukan kode desa/kelurahan (contoh: 32.12.16.2004)"),
        ));
    }
    if tree.get(&code).is_none() {
        return Err(Invalid::new(
            "kode_desa",
            format!("kode {code} tidak ada dalam daftar wilayah Kemendagri 2025"),
        ));
    }
    Ok(code)
}

/// The editable part of a village's profile.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, Default)]
#[serde(default)]
pub struct VillageProfile {
    /// The title of the village head as used locally ("Kuwu" in Indramayu, "Kepala Desa" elsewhere).
    pub head_title: String,
    pub head_name: String,
    pub office_address: String,
    pub phone: String,
    pub email: String,
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl VillageProfile {
    /// Normalises white space and checks each field; reports every problem at once.
    pub fn validated(self) -> Result<VillageProfile, Vec<Invalid>> {
        let p = VillageProfile {
            head_title: clean(&self.head_title),
            head_name: clean(&self.head_name),
            office_address: clean(&self.office_address),
            phone: clean(&self.phone),
            email: self.email.trim().to_lowercase(),
        };
        let mut errors = Vec::new();
        if p.head_title.is_empty() || p.head_title.chars().count() > 40 {
            errors.push(Invalid::new("head_title", "sebutan kepala desa wajib diisi (paling banyak 40 karakter), mis. Kepala Desa atau Kuwu"));
        }
        if p.head_name.chars().count() > 100 {
            errors.push(Invalid::new(
                "head_name",
                "nama kepala desa paling banyak 100 karakter",
            ));
        }
        if p.office_address.chars().count() > 200 {
            errors.push(Invalid::new(
                "office_address",
                "alamat kantor paling banyak 200 karakter",
            ));
        }
        let digits = p.phone.chars().filter(char::is_ascii_digit).count();
        let phone_ok = p
            .phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
        if !p.phone.is_empty() && (!phone_ok || !(6..=15).contains(&digits)) {
            errors.push(Invalid::new(
                "phone",
                "nomor telepon 6–15 angka, boleh diawali + (mis. 0234 123456)",
            ));
        }
        let email_ok = match p.email.split_once('@') {
            Some((user, host)) => {
                !user.is_empty()
                    && host.contains('.')
                    && !host.starts_with('.')
                    && !p.email.contains(' ')
            }
            None => false,
        };
        if !p.email.is_empty() && !email_ok {
            errors.push(Invalid::new(
                "email",
                "alamat surel tidak valid (contoh: desa@contoh.id)",
            ));
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn village_codes_must_be_real_villages() {
        let tree = RegionTree::official();
        assert!(parse_village_code("32.12.16.2004", &tree).is_ok());
        assert!(
            parse_village_code("32.12.16", &tree)
                .unwrap_err()
                .message
                .contains("bukan kode desa")
        );
        assert!(
            parse_village_code("32.12.16.2999", &tree)
                .unwrap_err()
                .message
                .contains("tidak ada")
        );
    }

    #[test]
    fn profile_validation_reports_every_field() {
        let bad = VillageProfile {
            head_title: " ".into(),
            head_name: "Warsono".into(),
            office_address: "Jl. Raya Kenanga".into(),
            phone: "12ab".into(),
            email: "bukan-surel".into(),
        };
        let errors = bad.validated().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["head_title", "phone", "email"]);

        let good = VillageProfile {
            head_title: "Kuwu".into(),
            head_name: "  Warsono ".into(),
            office_address: "".into(),
            phone: "+62 234 123456".into(),
            email: "Desa@Kenanga.id".into(),
        }
        .validated()
        .unwrap();
        assert_eq!(good.head_name, "Warsono");
        assert_eq!(good.email, "desa@kenanga.id");
    }
}
