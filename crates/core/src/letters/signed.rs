//! The bytes a village signs on a letter and the keys that sign them. Two formats: v1 (the
//! header: number, date, village, person, signer) for letters issued before v2, and v2, which adds
//! every field the letter prints — the consenter, the relationship, the destination, the agency, the
//! person's birth date and address — so that changing any printed fact breaks the signature.

use crate::Invalid;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDate;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use unicode_normalization::UnicodeNormalization;
/// What the village signs: the facts printed on the letter that a verifier can compare.
///
/// `Debug` shows only the last four digits of a NIK (the person's and any NIK among the fields),
/// so a payload cannot leak a NIK into logs.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Payload {
    /// The format of the signed bytes: [`V1`] or [`V2`], written as `"v"`.
    #[serde(rename = "v")]
    pub version: u32,
    /// The kind of letter, as stored (e.g. `izin_keluarga`).
    pub kind: String,
    /// The letter number of [`super::format_number`].
    pub number: String,
    pub issued_on: NaiveDate,
    /// The Kemendagri village code, e.g. `32.12.16.2004`.
    pub village_code: String,
    pub village_name: String,
    pub subject_name: String,
    pub subject_nik: String,
    pub signer_name: String,
    pub signer_title: String,
    /// The verification code of `/v/{code}` ([`super::new_code`]).
    pub code: String,
    /// The [`KeyPair::key_id`] of the key that signs, so a verifier picks the right public key
    /// after the village rotates its key.
    pub key_id: String,
    /// v2: the kind's own fields exactly as printed (dates as "17 Agustus 2026"), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// v2: what the letter prints about the person beyond the name and NIK ([`SUBJECT_FACTS`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subject: BTreeMap<String, String>,
}

/// The first format: the header only. Letters issued before v2 keep verifying under it.
pub const V1: u32 = 1;
/// The format of new letters: the header and every printed field.
pub const V2: u32 = 2;

/// The facts about the person every letter prints, signed under `subject` in v2.
pub const SUBJECT_FACTS: [&str; 6] = [
    "address",
    "birth_date",
    "birth_place",
    "marital_status",
    "occupation",
    "sex",
];

/// Whether a field holds a NIK (`consenter_nik`, …): signed, but never shown or logged whole.
pub fn is_nik_field(name: &str) -> bool {
    name == "nik" || name.ends_with("_nik")
}

/// `…` and the last four characters: enough to tell two NIKs apart in a log, not to rebuild one.
fn nik_tail(nik: &str) -> String {
    let from = nik.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    format!("…{}", &nik[from..])
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: BTreeMap<&str, String> = self
            .fields
            .iter()
            .map(|(k, v)| {
                let shown = if is_nik_field(k) {
                    nik_tail(v)
                } else {
                    v.clone()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Payload")
            .field("version", &self.version)
            .field("kind", &self.kind)
            .field("number", &self.number)
            .field("issued_on", &self.issued_on)
            .field("village_code", &self.village_code)
            .field("village_name", &self.village_name)
            .field("subject_name", &self.subject_name)
            .field(
                "subject_nik",
                &format_args!("{}", nik_tail(&self.subject_nik)),
            )
            .field("signer_name", &self.signer_name)
            .field("signer_title", &self.signer_title)
            .field("code", &self.code)
            .field("key_id", &self.key_id)
            .field("fields", &fields)
            .field("subject", &self.subject)
            .finish()
    }
}

impl Payload {
    /// The exact bytes signed. An offline verifier rebuilds them from the facts on the letter:
    ///
    /// 1. Take the eleven fields `code`, `issued_on`, `key_id`, `kind`, `number`, `signer_name`,
    ///    `signer_title`, `subject_name`, `subject_nik`, `village_code`, `village_name` as strings;
    ///    `issued_on` is the date as `YYYY-MM-DD` (four-digit year, two-digit month and day).
    /// 2. In v2, add two objects of strings: `fields`, every field of the letter's kind as printed
    ///    (a field left empty is `""`), and `subject`, the six printed facts of [`SUBJECT_FACTS`].
    /// 3. Normalise every string (names inside the objects too) to Unicode NFC. Nothing else is
    ///    changed: no trimming, no change of case.
    /// 4. Add the key `v` with the JSON number of the format, `1` or `2`.
    /// 5. Write one JSON object with every key — at the top and inside the two objects — sorted
    ///    by its bytes, with no white space anywhere:
    ///    `{"code":"…","fields":{"agency":"…",…},"issued_on":"2026-11-27",…,"subject":{…},"subject_name":"…",…,"v":2,…}`.
    ///    A v1 object has the twelve keys without `fields` and `subject`.
    /// 6. Inside strings escape only `"` as `\"`, `\` as `\\`, and the control characters
    ///    U+0000–U+001F: U+0008 as `\b`, U+0009 `\t`, U+000A `\n`, U+000C `\f`, U+000D `\r`, every
    ///    other one as `\u00xx` with lower-case hex digits. Every other character, including `/`,
    ///    U+007F and all non-ASCII letters, is written as itself.
    /// 7. Encode as UTF-8 without a byte-order mark and without a trailing new line.
    ///
    /// This is what the JSON Canonicalization Scheme (RFC 8785) gives for that object, so a JCS
    /// library serves too once the strings are NFC. The signature is plain Ed25519 (RFC 8032, no
    /// pre-hash) over these bytes.
    pub fn canonical(&self) -> Vec<u8> {
        let issued_on = self.issued_on.format("%Y-%m-%d").to_string();
        let mut entries: Vec<(&str, String)> = [
            ("code", &self.code),
            ("issued_on", &issued_on),
            ("key_id", &self.key_id),
            ("kind", &self.kind),
            ("number", &self.number),
            ("signer_name", &self.signer_name),
            ("signer_title", &self.signer_title),
            ("subject_name", &self.subject_name),
            ("subject_nik", &self.subject_nik),
            ("village_code", &self.village_code),
            ("village_name", &self.village_name),
        ]
        .into_iter()
        .map(|(key, value)| (key, canonical_string(value)))
        .collect();
        if self.version != V1 {
            entries.push(("fields", canonical_object(&self.fields)));
            entries.push(("subject", canonical_object(&self.subject)));
        }
        entries.push(("v", self.version.to_string()));
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let members: Vec<String> = entries
            .into_iter()
            .map(|(key, value)| format!("\"{key}\":{value}"))
            .collect();
        format!("{{{}}}", members.join(",")).into_bytes()
    }
}

fn canonical_string(s: &str) -> String {
    json_string(&s.nfc().collect::<String>())
}

/// An object of strings as step 5 of [`Payload::canonical`] writes it. Names are sorted as
/// they read after NFC (which can reorder them), before escaping.
fn canonical_object(map: &BTreeMap<String, String>) -> String {
    let mut members: Vec<(String, &String)> =
        map.iter().map(|(k, v)| (k.nfc().collect(), v)).collect();
    members.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let members: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("{}:{}", json_string(&k), canonical_string(v)))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// A JSON string literal escaped as step 5 of [`Payload::canonical`] says.
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A village's signing key pair. The secret stays on the village server (sealed at rest by the
/// caller); the public key is published so anyone can check letters offline.
#[derive(Clone)]
pub struct KeyPair {
    /// The Ed25519 secret key (the 32-byte seed of RFC 8032).
    pub secret: [u8; 32],
    /// The public key: its 32 bytes in standard base64 with padding (44 characters).
    pub public: String,
    /// The first 16 lower-case hex characters of the SHA-256 of the 32 public key bytes.
    pub key_id: String,
}

impl KeyPair {
    /// A new key from 256 random bits. (`rand` 0.9 and ed25519-dalek 2 use different `rand_core`
    /// versions, so the seed is drawn here and handed over as bytes.)
    pub fn generate() -> KeyPair {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        KeyPair::from_secret(secret)
    }

    pub fn from_secret(secret: [u8; 32]) -> KeyPair {
        let public = SigningKey::from_bytes(&secret).verifying_key().to_bytes();
        KeyPair {
            secret,
            public: STANDARD.encode(public),
            key_id: hex::encode(&Sha256::digest(public)[..8]),
        }
    }

    /// The signature over [`Payload::canonical`], standard base64 with padding (88 characters).
    /// The payload's `key_id` must be this key's, or verifiers would look for the wrong key.
    pub fn sign(&self, payload: &Payload) -> String {
        debug_assert_eq!(
            payload.key_id, self.key_id,
            "a payload names the key that signs it"
        );
        let signature = SigningKey::from_bytes(&self.secret).sign(&payload.canonical());
        STANDARD.encode(signature.to_bytes())
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("secret", &format_args!("…"))
            .field("public", &self.public)
            .field("key_id", &self.key_id)
            .finish()
    }
}

/// Checks a signature over a payload with a published public key (base64).
pub fn verify(public_key_b64: &str, payload: &Payload, signature_b64: &str) -> Result<(), Invalid> {
    verify_bytes(public_key_b64, &payload.canonical(), signature_b64)
}

/// Like [`verify`] but over raw canonical bytes someone reconstructed (for the offline verifier
/// CLI). Uses strict verification (RFC 8032 §5.1.7 with canonical `S` and no small-order keys),
/// so a signature cannot be altered into another that also passes.
pub fn verify_bytes(
    public_key_b64: &str,
    canonical: &[u8],
    signature_b64: &str,
) -> Result<(), Invalid> {
    let key = STANDARD
        .decode(public_key_b64.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .and_then(|bytes| VerifyingKey::from_bytes(&bytes).ok())
        .ok_or_else(|| Invalid::new("public_key", "kunci publik tidak sah"))?;
    let signature = STANDARD
        .decode(signature_b64.trim())
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .map(|bytes| Signature::from_bytes(&bytes))
        .ok_or_else(|| {
            Invalid::new(
                "signature",
                "tanda tangan tidak terbaca: harus base64 dari 64 byte (88 karakter)",
            )
        })?;
    key.verify_strict(canonical, &signature).map_err(|_| {
        Invalid::new(
            "signature",
            "tanda tangan tidak cocok — isi surat telah diubah atau bukan dari desa ini",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// The first test key of RFC 8032 §7.1.
    const RFC_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    fn rfc_key() -> KeyPair {
        let mut secret = [0u8; 32];
        hex::decode_to_slice(RFC_SECRET, &mut secret).unwrap();
        KeyPair::from_secret(secret)
    }

    /// A letter signed before v2.
    fn payload() -> Payload {
        Payload {
            version: V1,
            fields: BTreeMap::new(),
            subject: BTreeMap::new(),
            kind: "consent".into(),
            number: "474.2/007/2004/XI/2026".into(),
            issued_on: date(2026, 11, 27),
            village_code: "32.12.16.2004".into(),
            village_name: "Sukamaju".into(),
            subject_name: "Siti Nurhaliza".into(),
            subject_nik: "3212165508990001".into(),
            signer_name: "H. Ahmad Suryadi".into(),
            signer_title: "Kepala Desa".into(),
            code: "q7Vd2xK9mP4sT1wZ8bN3cA".into(),
            key_id: "21fe31dfa154a261".into(),
        }
    }

    const GOLDEN: &str = r#"{"code":"q7Vd2xK9mP4sT1wZ8bN3cA","issued_on":"2026-11-27","key_id":"21fe31dfa154a261","kind":"consent","number":"474.2/007/2004/XI/2026","signer_name":"H. Ahmad Suryadi","signer_title":"Kepala Desa","subject_name":"Siti Nurhaliza","subject_nik":"3212165508990001","v":1,"village_code":"32.12.16.2004","village_name":"Sukamaju"}"#;

    fn strings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// A consent letter as v2 signs it: every printed field.
    fn payload_v2() -> Payload {
        Payload {
            version: V2,
            kind: "izin_keluarga".into(),
            fields: strings(&[
                ("consenter_name", "Darto"),
                ("consenter_nik", "3212160101700003"),
                ("consenter_relationship", "Suami"),
                ("consenter_address", ""),
                ("destination", "Taiwan"),
                ("occupation", "Perawat lansia"),
                ("agency", "PT Maju Jaya"),
            ]),
            subject: strings(&[
                ("address", "Blok Kulon RT 002/RW 001, Desa Sukamaju"),
                ("birth_date", "15 Agustus 1999"),
                ("birth_place", "Indramayu"),
                ("marital_status", "Kawin"),
                ("occupation", "-"),
                ("sex", "Perempuan"),
            ]),
            ..payload()
        }
    }

    const GOLDEN_V2: &str = r#"{"code":"q7Vd2xK9mP4sT1wZ8bN3cA","fields":{"agency":"PT Maju Jaya","consenter_address":"","consenter_name":"Darto","consenter_nik":"3212160101700003","consenter_relationship":"Suami","destination":"Taiwan","occupation":"Perawat lansia"},"issued_on":"2026-11-27","key_id":"21fe31dfa154a261","kind":"izin_keluarga","number":"474.2/007/2004/XI/2026","signer_name":"H. Ahmad Suryadi","signer_title":"Kepala Desa","subject":{"address":"Blok Kulon RT 002/RW 001, Desa Sukamaju","birth_date":"15 Agustus 1999","birth_place":"Indramayu","marital_status":"Kawin","occupation":"-","sex":"Perempuan"},"subject_name":"Siti Nurhaliza","subject_nik":"3212165508990001","v":2,"village_code":"32.12.16.2004","village_name":"Sukamaju"}"#;

    #[test]
    fn v2_bytes_are_fixed_and_read_back_as_stored() {
        let p = payload_v2();
        assert_eq!(String::from_utf8(p.canonical()).unwrap(), GOLDEN_V2);
        // What is stored is the canonical text; read back, it signs the same bytes.
        for (text, version) in [(GOLDEN, V1), (GOLDEN_V2, V2)] {
            let back: Payload = serde_json::from_str(text).unwrap();
            assert_eq!(back.version, version);
            assert_eq!(back.canonical(), text.as_bytes());
        }
        let key = rfc_key();
        verify(&key.public, &p, &key.sign(&p)).unwrap();
    }

    #[test]
    fn in_v2_changing_adding_or_dropping_any_printed_field_fails() {
        let key = rfc_key();
        let signature = key.sign(&payload_v2());
        let mut changed: Vec<Payload> = Vec::new();
        for name in payload_v2().fields.keys() {
            let mut p = payload_v2();
            p.fields.get_mut(name).unwrap().push('x');
            changed.push(p);
            let mut p = payload_v2();
            p.fields.remove(name);
            changed.push(p);
        }
        for name in SUBJECT_FACTS {
            let mut p = payload_v2();
            p.subject.insert(name.into(), "lain".into());
            changed.push(p);
        }
        let mut p = payload_v2();
        p.fields.insert("notes".into(), String::new());
        changed.push(p);
        // The same facts under the header-only format.
        changed.push(Payload {
            version: V1,
            ..payload_v2()
        });
        assert_eq!(changed.len(), 2 * 7 + 6 + 2);
        for p in changed {
            let err = verify(&key.public, &p, &signature).unwrap_err();
            assert_eq!(err.message, MISMATCH, "{p:?}");
        }
    }

    #[test]
    fn canonical_bytes_are_fixed() {
        assert_eq!(String::from_utf8(payload().canonical()).unwrap(), GOLDEN);
        let keys: Vec<String> = serde_json::from_str::<serde_json::Value>(GOLDEN)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let position = |k: &str| GOLDEN.find(&format!("\"{k}\":")).unwrap();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys.len(), 12);
        assert!(sorted.windows(2).all(|w| position(&w[0]) < position(&w[1])));
    }

    #[test]
    fn canonical_strings_are_nfc_and_minimally_escaped() {
        let mut p = payload();
        p.subject_name = "Ma'ruf \"Acong\" \\ Re\u{301}ne\t\u{1}\u{7f}/ü\n".into();
        let text = String::from_utf8(p.canonical()).unwrap();
        assert!(
            text.contains(r#""subject_name":"Ma'ruf \"Acong\" \\ Réne\t\u0001"#),
            "{text}"
        );
        assert!(text.contains("\u{7f}/ü\\n\""), "{text}");
        p.subject_name = "Ma'ruf \"Acong\" \\ R\u{e9}ne\t\u{1}\u{7f}/\u{fc}\n".into();
        assert_eq!(p.canonical(), text.into_bytes());
    }

    proptest! {
        /// Any JSON writer that sorts keys, adds no spaces and escapes minimally agrees.
        #[test]
        fn canonical_agrees_with_serde_json(name in any::<String>(), nik in "[0-9]{16}", title in "\\PC{0,20}") {
            let mut p = payload();
            p.subject_name = name;
            p.subject_nik = nik;
            p.signer_title = title;
            let mut map = serde_json::Map::new();
            for (k, v) in [
                ("code", p.code.clone()),
                ("issued_on", "2026-11-27".to_owned()),
                ("key_id", p.key_id.clone()),
                ("kind", p.kind.clone()),
                ("number", p.number.clone()),
                ("signer_name", p.signer_name.clone()),
                ("signer_title", p.signer_title.nfc().collect()),
                ("subject_name", p.subject_name.nfc().collect()),
                ("subject_nik", p.subject_nik.clone()),
            ] {
                map.insert(k.into(), v.into());
            }
            map.insert("v".into(), 1.into());
            map.insert("village_code".into(), p.village_code.clone().into());
            map.insert("village_name".into(), p.village_name.clone().into());
            prop_assert_eq!(p.canonical(), serde_json::to_vec(&map).unwrap());
        }

        /// The same for v2's two objects, whatever the names and values.
        #[test]
        fn v2_agrees_with_serde_json(
            fields in prop::collection::btree_map("[a-z_]{1,12}", any::<String>(), 0..8),
            address in any::<String>(),
        ) {
            let mut p = payload_v2();
            p.fields = fields;
            p.subject.insert("address".into(), address);
            let nfc = |m: &BTreeMap<String, String>| -> serde_json::Map<String, serde_json::Value> {
                m.iter().map(|(k, v)| (k.clone(), v.nfc().collect::<String>().into())).collect()
            };
            let mut map: serde_json::Map<String, serde_json::Value> =
                serde_json::from_slice(&Payload { version: V1, ..p.clone() }.canonical()).unwrap();
            map.insert("v".into(), 2.into());
            map.insert("fields".into(), nfc(&p.fields).into());
            map.insert("subject".into(), nfc(&p.subject).into());
            prop_assert_eq!(p.canonical(), serde_json::to_vec(&map).unwrap());
        }
    }

    #[test]
    fn keys_are_standard_ed25519() {
        let key = rfc_key();
        assert_eq!(key.public, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        assert_eq!(key.key_id, "21fe31dfa154a261");
        // RFC 8032 §7.1 test 1: the empty message.
        let rfc_signature = "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18FlbviRlUUFDjnoQCw==";
        verify_bytes(&key.public, b"", rfc_signature).unwrap();
        // Made with another Ed25519 implementation over GOLDEN.
        assert_eq!(
            key.sign(&payload()),
            "FaObqQaURtblqXzjeshA9KUDihcM0lBRlN8e6fW3kgcUv69l4TnQoPFAEjWbo1DYN4x9xYYcqkWBxcvteCsbDQ=="
        );
        assert!(!format!("{key:?}").contains(&format!("{:?}", key.secret)));
    }

    #[test]
    fn generated_keys_sign_and_verify() {
        let key = KeyPair::generate();
        assert_eq!(key.public.len(), 44);
        assert_eq!(key.key_id.len(), 16);
        assert_ne!(key.secret, KeyPair::generate().secret);
        assert_eq!(KeyPair::from_secret(key.secret).public, key.public);
        let mut p = payload();
        p.key_id = key.key_id.clone();
        let signature = key.sign(&p);
        assert_eq!(signature.len(), 88);
        verify(&key.public, &p, &signature).unwrap();
        verify_bytes(&key.public, &p.canonical(), &signature).unwrap();
        verify(&format!(" {}\n", key.public), &p, &format!("{signature}\n")).unwrap();
    }

    const MISMATCH: &str =
        "tanda tangan tidak cocok — isi surat telah diubah atau bukan dari desa ini";

    #[test]
    fn any_changed_byte_fails() {
        let key = rfc_key();
        let p = payload();
        let signature = key.sign(&p);
        let canonical = p.canonical();
        for i in 0..canonical.len() {
            let mut changed = canonical.clone();
            changed[i] ^= 1;
            let err = verify_bytes(&key.public, &changed, &signature).unwrap_err();
            assert_eq!((err.field, err.message.as_str()), ("signature", MISMATCH));
        }
        let mut longer = canonical.clone();
        longer.push(b' ');
        assert!(verify_bytes(&key.public, &longer, &signature).is_err());
    }

    #[test]
    fn any_changed_field_fails() {
        let key = rfc_key();
        let signature = key.sign(&payload());
        let changes: [fn(&mut Payload); 11] = [
            |p| p.kind = "domicile".into(),
            |p| p.number = "474.2/008/2004/XI/2026".into(),
            |p| p.issued_on = date(2026, 11, 28),
            |p| p.village_code = "32.12.16.2005".into(),
            |p| p.village_name = "Sukamaju ".into(),
            |p| p.subject_name = "Siti Nurhalisa".into(),
            |p| p.subject_nik = "3212165508990002".into(),
            |p| p.signer_name = "H. Ahmad Suryadi, S.E.".into(),
            |p| p.signer_title = "Pj. Kepala Desa".into(),
            |p| p.code = "q7Vd2xK9mP4sT1wZ8bN3cB".into(),
            |p| p.key_id = "21fe31dfa154a262".into(),
        ];
        for change in changes {
            let mut p = payload();
            change(&mut p);
            assert_ne!(p, payload());
            let err = verify(&key.public, &p, &signature).unwrap_err();
            assert_eq!(err.message, MISMATCH, "{p:?}");
        }
        verify(&key.public, &payload(), &signature).unwrap();
    }

    #[test]
    fn another_key_fails() {
        let p = payload();
        let signature = rfc_key().sign(&p);
        let other = KeyPair::generate();
        let err = verify(&other.public, &p, &signature).unwrap_err();
        assert_eq!(err.message, MISMATCH);
    }

    #[test]
    fn malformed_keys_and_signatures_are_named() {
        let key = rfc_key();
        let p = payload();
        let signature = key.sign(&p);
        let short_key = STANDARD.encode([1u8; 31]);
        for bad_key in ["", "bukan base64!", short_key.as_str(), &signature] {
            let err = verify(bad_key, &p, &signature).unwrap_err();
            assert_eq!(
                (err.field, err.message.as_str()),
                ("public_key", "kunci publik tidak sah")
            );
        }
        let short_signature = STANDARD.encode([1u8; 63]);
        for bad_signature in ["", "%%%", short_signature.as_str(), &key.public] {
            let err = verify(&key.public, &p, bad_signature).unwrap_err();
            assert_eq!(err.field, "signature");
            assert!(err.message.contains("tidak terbaca"), "{}", err.message);
        }
    }

    #[test]
    fn payload_debug_hides_the_nik() {
        let shown = format!("{:?}", payload());
        assert!(!shown.contains("3212165508990001"), "{shown}");
        assert!(shown.contains("…0001"), "{shown}");
        assert!(shown.contains("Siti Nurhaliza"));
        let shown = format!("{:?}", payload_v2());
        assert!(!shown.contains("3212160101700003"), "{shown}");
        assert!(
            shown.contains("…0003") && shown.contains("Suami"),
            "{shown}"
        );
    }
}
