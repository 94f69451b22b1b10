//! The village product catalogue: what a product entry must say before the facilitator may
//! save it, what a visitor's question must say, and how a phone number becomes a WhatsApp link.

use crate::Invalid;
use crate::fees::parse_money;
use crate::form::{block, choices, line, ok_or_push, push_err};
use crate::id::Id;
use std::fmt;
use std::str::FromStr;

/// A price above this is a typing error for a village product (ten million rupiah).
pub const MAX_PRICE: i64 = 10_000_000;

/// A product as typed in the staff form or sent to the API, before checks.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawProduct {
    pub nama: String,
    pub deskripsi: String,
    /// Rupiah as people write it: "15.000", "Rp 15.000".
    pub harga: String,
    /// What the price buys: "bungkus 250 g", "botol", "kg", "lembar".
    pub satuan: String,
    pub telepon: String,
    /// "ya" when the number takes WhatsApp.
    pub whatsapp: String,
    /// The producing business (an id), or empty.
    pub usaha: String,
}

/// A checked product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInput {
    pub name: String,
    pub description: String,
    pub price: i64,
    pub unit: String,
    pub phone: String,
    pub whatsapp: bool,
    pub business_id: Option<Id>,
}

impl RawProduct {
    /// Every problem at once; whether `usaha` names a business of the village is the caller's
    /// check (it needs the database).
    pub fn check(&self) -> Result<ProductInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = push_err(line("nama", &self.nama, 3, 120, "nama produk"), &mut errors);
        let description = push_err(
            block("deskripsi", &self.deskripsi, 0, 1000, "keterangan"),
            &mut errors,
        );
        let unit = push_err(line("satuan", &self.satuan, 1, 40, "satuan"), &mut errors);
        let price = match parse_money(&self.harga, "harga") {
            Ok(Some(p)) if p > 0 && p <= MAX_PRICE => Some(p),
            Ok(Some(p)) if p > MAX_PRICE => {
                errors.push(Invalid::new(
                    "harga",
                    "harga lebih dari Rp10.000.000; periksa jumlah angkanya",
                ));
                None
            }
            Ok(_) => {
                errors.push(Invalid::new(
                    "harga",
                    "tulis harga dalam rupiah, lebih dari nol (mis. 15.000)",
                ));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let phone = ok_or_push(phone_number(&self.telepon), &mut errors);
        let whatsapp = self.whatsapp.trim() == "ya";
        if whatsapp && phone.as_deref().is_some_and(|p| !is_mobile(p)) {
            errors.push(Invalid::new(
                "whatsapp",
                "WhatsApp hanya untuk nomor HP (diawali 08 atau +628); hapus centangnya atau tulis nomor HP",
            ));
        }
        let business_id = match self.usaha.trim() {
            "" => None,
            s => ok_or_push(
                s.parse::<Id>()
                    .map_err(|_| Invalid::new("usaha", "pilih usaha dari daftar")),
                &mut errors,
            ),
        };
        match (price, phone) {
            (Some(price), Some(phone)) if errors.is_empty() => Ok(ProductInput {
                name,
                description,
                price,
                unit,
                phone,
                whatsapp,
                business_id,
            }),
            _ => Err(errors),
        }
    }
}

/// A phone number as it is stored and shown: digits in groups of four after the leading
/// `0` or `+`, so "0812-0000-0101" and "+62 812 0000 0101" are both readable.
pub fn phone_number(raw: &str) -> Result<String, Invalid> {
    let v = raw.trim();
    let bad = || {
        Invalid::new(
            "telepon",
            "nomor telepon 9–15 angka, diawali 0 atau +62 (mis. 0812 0000 0101)",
        )
    };
    if v.is_empty() {
        return Err(Invalid::new("telepon", "nomor telepon wajib diisi"));
    }
    let ok_chars = v
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (i == 0 && c == '+'));
    let digits: String = v.chars().filter(char::is_ascii_digit).collect();
    let plus = v.starts_with('+');
    let prefix_ok = if plus {
        digits.starts_with("62")
    } else {
        digits.starts_with('0')
    };
    if !ok_chars || !prefix_ok || !(9..=15).contains(&digits.len()) {
        return Err(bad());
    }
    let (lead, rest) = if plus {
        ("+62 ", &digits[2..])
    } else {
        ("", digits.as_str())
    };
    let groups: Vec<&str> = rest
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    Ok(format!("{lead}{}", groups.join(" ")))
}

/// The number in international form without "+" (62…), as WhatsApp's links want it.
pub fn international(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) if !phone.trim_start().starts_with('+') => format!("62{rest}"),
        _ => digits,
    }
}

/// Indonesian mobile numbers start 08 (62 8 internationally); only they take WhatsApp.
pub fn is_mobile(phone: &str) -> bool {
    international(phone).starts_with("628")
}

/// The link that opens a chat with the number in WhatsApp.
pub fn whatsapp_link(phone: &str) -> String {
    format!("https://wa.me/{}", international(phone))
}

/// The `tel:` link of a number.
pub fn tel_link(phone: &str) -> String {
    format!("tel:+{}", international(phone))
}

choices!(
    /// How a visitor wants to be answered.
    Channel, field = "lewat", what = "cara menghubungi",
    {
        WhatsApp = "whatsapp", "WhatsApp", "WhatsApp";
        Phone = "telepon", "Telepon", "Phone call";
        Sms = "sms", "SMS", "Text message";
    }
);

/// A visitor's question as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RawInquiry {
    pub pesan: String,
    pub kontak: String,
    pub lewat: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InquiryInput {
    pub channel: Channel,
    pub message: String,
    /// Empty when the visitor left none (they will call the producer themselves).
    pub contact: String,
}

impl RawInquiry {
    pub fn check(&self) -> Result<InquiryInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let message = push_err(block("pesan", &self.pesan, 5, 500, "pesan"), &mut errors);
        let contact = push_err(line("kontak", &self.kontak, 0, 100, "kontak"), &mut errors);
        let channel = ok_or_push(self.lewat.parse::<Channel>(), &mut errors);
        match channel {
            Some(channel) if errors.is_empty() => Ok(InquiryInput {
                channel,
                message,
                contact,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawProduct {
        RawProduct {
            nama: "Kerupuk  kulit ikan".into(),
            deskripsi: "Renyah, tanpa pengawet.".into(),
            harga: "Rp 15.000".into(),
            satuan: "bungkus 250 g".into(),
            telepon: "0812-0000-0101".into(),
            whatsapp: "ya".into(),
            usaha: String::new(),
        }
    }

    fn fields(e: Vec<Invalid>) -> Vec<&'static str> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_good_product_is_cleaned() {
        let p = raw().check().unwrap();
        assert_eq!(p.name, "Kerupuk kulit ikan");
        assert_eq!(p.price, 15_000);
        assert_eq!(p.phone, "0812 0000 0101");
        assert!(p.whatsapp && p.business_id.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = RawProduct {
            nama: "ab".into(),
            harga: "0".into(),
            satuan: String::new(),
            telepon: "12345".into(),
            usaha: "bukan-id".into(),
            ..raw()
        };
        assert_eq!(
            fields(bad.check().unwrap_err()),
            ["nama", "satuan", "harga", "telepon", "usaha"]
        );
        let markup = RawProduct {
            nama: "<b>Dodol</b>".into(),
            harga: "-5000".into(),
            ..raw()
        };
        let e = markup.check().unwrap_err();
        assert!(e[0].message.contains("< >"), "{}", e[0].message);
        assert!(e[1].message.contains("negatif"));
        let dear = RawProduct {
            harga: "25.000.000".into(),
            ..raw()
        };
        assert_eq!(fields(dear.check().unwrap_err()), ["harga"]);
    }

    #[test]
    fn whatsapp_needs_a_mobile_number() {
        let landline = RawProduct {
            telepon: "0234 000001".into(),
            ..raw()
        };
        assert_eq!(fields(landline.check().unwrap_err()), ["whatsapp"]);
        let ok = RawProduct {
            whatsapp: String::new(),
            ..landline
        };
        assert!(!ok.check().unwrap().whatsapp);
    }

    #[test]
    fn phone_numbers_and_links() {
        assert_eq!(
            phone_number("+62 812-0000-0101").unwrap(),
            "+62 8120 0000 101"
        );
        assert_eq!(
            whatsapp_link("0812 0000 0101"),
            "https://wa.me/6281200000101"
        );
        assert_eq!(
            whatsapp_link("+62 8120 0000 101"),
            "https://wa.me/6281200000101"
        );
        assert_eq!(tel_link("0286 000002"), "tel:+62286000002");
        assert!(is_mobile("0812 0000 0101") && !is_mobile("0234 000001"));
        for bad in [
            "",
            "0812",
            "+1 555 0100 200",
            "812 0000 0101",
            "0812 abc 0101",
        ] {
            assert!(phone_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn inquiries() {
        let ok = RawInquiry {
            pesan: "Apakah bisa kirim 20 bungkus ke Cirebon?".into(),
            kontak: String::new(),
            lewat: "whatsapp".into(),
        };
        assert_eq!(ok.check().unwrap().channel, Channel::WhatsApp);
        let bad = RawInquiry {
            pesan: "hai".into(),
            kontak: "<a href=x>".into(),
            lewat: "merpati".into(),
        };
        let e = bad.check().unwrap_err();
        assert_eq!(fields(e), ["pesan", "kontak", "lewat"]);
    }
}
