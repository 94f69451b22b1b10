//! Encryption at rest for personal numbers (NIK, passport numbers) and document scans.
//!
//! A leaked database or backup must not leak who the migrant workers are, so those values are
//! stored sealed with a key the database never holds: one key file per deployment. Exact lookups
//! ("is this NIK already registered?") still work through a keyed blind index, because equal
//! values give equal indexes while the index alone reveals nothing without the key.
//!
//! Unlike the rest of this crate, [`Keys::load_or_create`] touches the file system: the key file
//! format belongs next to the code that reads it, so the server and the CLI cannot disagree.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fmt;
use std::io::Write;
use std::path::Path;

/// Marks the text form of a key, so a key pasted into the wrong variable is caught early and a
/// future key format can live beside this one.
const KEY_PREFIX: &str = "dmk1:";
/// Marks a sealed value; a future scheme gets a new prefix and old rows stay readable.
const SEALED_PREFIX: &str = "v1.";
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Encrypted data could not be opened, or a key could not be read.
/// The messages are Indonesian because they reach operators; none of them ever quotes key material.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Not something [`Keys::encrypt`] produced (wrong prefix, bad base64, too short, not UTF-8).
    #[error("data terenkripsi tidak berformat benar")]
    Malformed,
    /// Well-formed but fails authentication: changed, moved to another column, or another key.
    #[error("data terenkripsi rusak atau diubah (atau kuncinya berbeda)")]
    Tampered,
    #[error("kunci enkripsi tidak valid: {0}")]
    KeyFile(String),
}

/// The deployment's secret keys: one for encryption, one for blind indexes (independent, so an
/// index leak says nothing about ciphertexts).
#[derive(Clone)]
pub struct Keys {
    enc: [u8; KEY_LEN],
    index: [u8; KEY_LEN],
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(…)")
    }
}

impl Keys {
    /// Fresh random keys from the operating system's generator.
    pub fn generate() -> Keys {
        let mut enc = [0u8; KEY_LEN];
        let mut index = [0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut enc);
        rand::rng().fill_bytes(&mut index);
        Keys { enc, index }
    }

    /// Text form for a key file or an environment variable: "dmk1:" + base64url(enc || index),
    /// 64 bytes.
    pub fn to_text(&self) -> String {
        let mut raw = [0u8; 2 * KEY_LEN];
        raw[..KEY_LEN].copy_from_slice(&self.enc);
        raw[KEY_LEN..].copy_from_slice(&self.index);
        format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
    }

    /// Parses [`Keys::to_text`]; surrounding whitespace (a trailing newline in a file) is ignored.
    pub fn from_text(s: &str) -> Result<Keys, CryptoError> {
        let body = s
            .trim()
            .strip_prefix(KEY_PREFIX)
            .ok_or_else(|| CryptoError::KeyFile(format!("harus diawali \"{KEY_PREFIX}\"")))?;
        let raw = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::KeyFile("bukan base64url yang sah".into()))?;
        if raw.len() != 2 * KEY_LEN {
            return Err(CryptoError::KeyFile(format!(
                "panjang kunci {} byte, seharusnya {} byte",
                raw.len(),
                2 * KEY_LEN
            )));
        }
        let mut keys = Keys {
            enc: [0; KEY_LEN],
            index: [0; KEY_LEN],
        };
        keys.enc.copy_from_slice(&raw[..KEY_LEN]);
        keys.index.copy_from_slice(&raw[KEY_LEN..]);
        Ok(keys)
    }

    /// Loads the key file, or creates it (mode 0600 on unix, written to a temp file then renamed,
    /// fsync'd) when it does not exist and `create` is true.
    ///
    /// Creation never replaces a file that appeared meanwhile: two processes starting together
    /// end up with the same keys, because a second key would make the first one's data unreadable.
    pub fn load_or_create(path: &Path, create: bool) -> Result<Keys, CryptoError> {
        match std::fs::read_to_string(path) {
            Ok(text) => return Keys::from_text(&text).map_err(|e| in_file(path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(CryptoError::KeyFile(format!(
                    "berkas {} tidak ditemukan",
                    path.display()
                )));
            }
            Err(e) => return Err(io_error(path, "tidak dapat dibaca", e)),
        }

        let keys = Keys::generate();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "folder tidak dapat dibuat", e))?;
        let name = path
            .file_name()
            .ok_or_else(|| CryptoError::KeyFile(format!("{} bukan nama berkas", path.display())))?;
        let mut nonce = [0u8; 8];
        rand::rng().fill_bytes(&mut nonce);
        let tmp = dir.join(format!(
            ".{}.tmp-{}-{}",
            name.to_string_lossy(),
            std::process::id(),
            hex::encode(nonce)
        ));

        let written = write_private(&tmp, format!("{}\n", keys.to_text()).as_bytes())
            .and_then(|()| publish(&tmp, path));
        let _ = std::fs::remove_file(&tmp);
        match written {
            Ok(true) => {
                sync_dir(dir);
                Ok(keys)
            }
            // Someone else created it first: theirs is the key in use.
            Ok(false) => Keys::load_or_create(path, false),
            Err(e) => Err(io_error(path, "tidak dapat dibuat", e)),
        }
    }

    /// XChaCha20-Poly1305 with a random 24-byte nonce; `context` is bound as associated data
    /// (e.g. "person.nik") so a ciphertext cannot be moved to another column. Output: "v1." +
    /// base64url(nonce || ciphertext), TEXT-safe for both SQLite and PostgreSQL and for JSON
    /// backups.
    pub fn encrypt(&self, context: &str, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            // Only fails beyond 256 GiB, far past anything a request can carry.
            .expect("XChaCha20-Poly1305 encryption cannot fail for in-memory sizes");
        let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
        raw.extend_from_slice(&nonce);
        raw.extend_from_slice(&sealed);
        format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw))
    }

    /// Opens what [`Keys::encrypt`] sealed under the same `context`.
    pub fn decrypt(&self, context: &str, sealed: &str) -> Result<Vec<u8>, CryptoError> {
        let body = sealed
            .strip_prefix(SEALED_PREFIX)
            .ok_or(CryptoError::Malformed)?;
        let raw = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| CryptoError::Malformed)?;
        if raw.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed);
        }
        let (nonce, ciphertext) = raw.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at NONCE_LEN");
        self.cipher()
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Tampered)
    }

    pub fn encrypt_str(&self, context: &str, s: &str) -> String {
        self.encrypt(context, s.as_bytes())
    }

    pub fn decrypt_str(&self, context: &str, sealed: &str) -> Result<String, CryptoError> {
        String::from_utf8(self.decrypt(context, sealed)?).map_err(|_| CryptoError::Malformed)
    }

    /// HMAC-SHA256(index key, context || 0x00 || value) as lowercase hex: equal values give equal
    /// indexes, nothing else is learnt without the key.
    ///
    /// The value is taken as given: normalise it first (e.g. a NIK to its 16 digits), or the same
    /// number typed two ways gets two indexes.
    pub fn blind_index(&self, context: &str, value: &str) -> String {
        debug_assert!(!context.contains('\0'), "a context never contains NUL");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index)
            .expect("HMAC accepts keys of any length");
        mac.update(context.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        <XChaCha20Poly1305 as KeyInit>::new((&self.enc).into())
    }

    /// The key for one [`Purpose`]: HMAC-SHA256(enc || index, "desmigratif.subkey.v1" || 0x00 ||
    /// purpose). The key file keeps its format; every purpose gets a key of its own, so a MAC made
    /// for the audit chain can never pass as a backup signature, and neither reveals the
    /// encryption or index keys.
    pub fn derive(&self, purpose: Purpose) -> SubKey {
        let mut master = [0u8; 2 * KEY_LEN];
        master[..KEY_LEN].copy_from_slice(&self.enc);
        master[KEY_LEN..].copy_from_slice(&self.index);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&master)
            .expect("HMAC accepts keys of any length");
        mac.update(b"desmigratif.subkey.v1\0");
        mac.update(purpose.label().as_bytes());
        SubKey(mac.finalize().into_bytes().into())
    }
}

/// What a derived key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The keyed hash chain of the audit log.
    Audit,
    /// The signature on backup files.
    Backup,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::Audit => "audit",
            Purpose::Backup => "backup",
        }
    }
}

/// A key derived from the key file for one purpose ([`Keys::derive`]).
#[derive(Clone)]
pub struct SubKey([u8; KEY_LEN]);

impl fmt::Debug for SubKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SubKey(…)")
    }
}

impl SubKey {
    /// An HMAC-SHA256 over what is fed to it.
    pub fn signer(&self) -> Signer {
        Signer(
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
                .expect("HMAC accepts keys of any length"),
        )
    }

    /// HMAC-SHA256 of `bytes` as lowercase hex.
    pub fn mac_hex(&self, bytes: &[u8]) -> String {
        let mut s = self.signer();
        s.update(bytes);
        hex::encode(s.finish())
    }

    /// Eight bytes that name the key without revealing it: a backup carries them, so restoring
    /// with another key file can say so instead of calling the file doctored.
    pub fn id(&self) -> [u8; 8] {
        let mut s = self.signer();
        s.update(b"key-id");
        let tag = s.finish();
        tag[..8].try_into().expect("32 bytes")
    }
}

/// A running HMAC-SHA256 ([`SubKey::signer`]), for data signed as it streams.
#[derive(Clone)]
pub struct Signer(Hmac<Sha256>);

impl Signer {
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn finish(self) -> [u8; 32] {
        self.0.finalize().into_bytes().into()
    }

    /// Whether `tag` is the MAC of what was fed, compared in constant time.
    pub fn verify(self, tag: &[u8]) -> bool {
        self.0.verify_slice(tag).is_ok()
    }
}

/// Writes a new file readable by its owner only, and waits until it is on disk.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Moves the finished temp file into place without replacing an existing key file.
/// Returns false when the key file already exists.
fn publish(tmp: &Path, path: &Path) -> std::io::Result<bool> {
    // A hard link is an atomic "create if absent"; a plain rename would silently replace.
    match std::fs::hard_link(tmp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        // File systems without hard links: rename, after a last check.
        Err(_) => {
            if path.exists() {
                return Ok(false);
            }
            std::fs::rename(tmp, path)?;
            Ok(true)
        }
    }
}

/// Makes the new directory entry durable too; best effort, since not every platform allows it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

fn in_file(path: &Path, e: CryptoError) -> CryptoError {
    match e {
        CryptoError::KeyFile(m) => CryptoError::KeyFile(format!("{}: {m}", path.display())),
        other => other,
    }
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> CryptoError {
    CryptoError::KeyFile(format!("{} {what}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(label: &str) -> std::path::PathBuf {
        let mut r = [0u8; 8];
        rand::rng().fill_bytes(&mut r);
        std::env::temp_dir().join(format!(
            "desmigratif-crypto-{label}-{}-{}",
            std::process::id(),
            hex::encode(r)
        ))
    }

    #[test]
    fn round_trips() {
        let k = Keys::generate();
        for text in ["", "3201234567890123", "Siti Aminah — Hồng Kông 香港 🇮🇩"] {
            let sealed = k.encrypt_str("person.nik", text);
            assert!(sealed.starts_with("v1."));
            assert!(!sealed.contains(text) || text.is_empty());
            assert_eq!(k.decrypt_str("person.nik", &sealed).unwrap(), text);
        }
    }

    #[test]
    fn round_trips_a_large_scan() {
        let k = Keys::generate();
        let scan: Vec<u8> = (0..10 * 1024 * 1024)
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let sealed = k.encrypt("document.scan", &scan);
        assert_eq!(k.decrypt("document.scan", &sealed).unwrap(), scan);
    }

    #[test]
    fn equal_plaintexts_get_different_ciphertexts() {
        let k = Keys::generate();
        let a = k.encrypt_str("person.nik", "3201234567890123");
        let b = k.encrypt_str("person.nik", "3201234567890123");
        assert_ne!(a, b);
    }

    #[test]
    fn context_is_bound() {
        let k = Keys::generate();
        let sealed = k.encrypt_str("person.nik", "3201234567890123");
        assert!(matches!(
            k.decrypt_str("person.passport", &sealed),
            Err(CryptoError::Tampered)
        ));
    }

    #[test]
    fn any_changed_character_is_rejected() {
        let k = Keys::generate();
        let sealed = k.encrypt_str("person.nik", "3201234567890123");
        for i in 0..sealed.len() {
            let mut chars: Vec<char> = sealed.chars().collect();
            chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
            let changed: String = chars.into_iter().collect();
            assert!(
                matches!(
                    k.decrypt_str("person.nik", &changed),
                    Err(CryptoError::Tampered | CryptoError::Malformed)
                ),
                "position {i} accepted"
            );
        }
        for bad in ["", "v1.", "v1.AAAA", "v2.AAAA", "v1.!!!", "plain text"] {
            assert!(matches!(
                k.decrypt("person.nik", bad),
                Err(CryptoError::Malformed)
            ));
        }
    }

    #[test]
    fn another_key_cannot_open() {
        let sealed = Keys::generate().encrypt_str("person.nik", "3201234567890123");
        assert!(matches!(
            Keys::generate().decrypt_str("person.nik", &sealed),
            Err(CryptoError::Tampered)
        ));
    }

    #[test]
    fn blind_index_is_stable_separated_and_keyed() {
        let k = Keys::generate();
        let a = k.blind_index("person.nik", "3201234567890123");
        assert_eq!(a, k.blind_index("person.nik", "3201234567890123"));
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(a, k.blind_index("person.nik", "3201234567890124"));
        assert_ne!(a, k.blind_index("person.passport", "3201234567890123"));
        assert_ne!(
            a,
            Keys::generate().blind_index("person.nik", "3201234567890123")
        );
        // The separator keeps context and value apart.
        assert_ne!(k.blind_index("ab", "c"), k.blind_index("a", "bc"));
    }

    #[test]
    fn index_key_is_independent_of_encryption_key() {
        let k = Keys::generate();
        let mut other = k.clone();
        other.index = Keys::generate().index;
        let sealed = k.encrypt_str("person.nik", "x");
        assert_eq!(other.decrypt_str("person.nik", &sealed).unwrap(), "x");
        assert_ne!(k.blind_index("c", "x"), other.blind_index("c", "x"));
    }

    #[test]
    fn text_form_round_trips_and_rejects_garbage() {
        let k = Keys::generate();
        let text = k.to_text();
        assert!(text.starts_with("dmk1:"));
        assert_eq!(text.len(), 5 + 86);
        let back = Keys::from_text(&format!("  {text}\n")).unwrap();
        assert_eq!(back.enc, k.enc);
        assert_eq!(back.index, k.index);

        let body = &text[5..];
        for bad in [
            String::new(),
            body.to_owned(),
            format!("dmk2:{body}"),
            format!("dmk1:{}", &body[..43]),
            format!("dmk1:{body}AAAA"),
            format!("dmk1:{}!", &body[..85]),
        ] {
            match Keys::from_text(&bad) {
                Err(CryptoError::KeyFile(m)) => assert!(!m.contains(&body[..10]), "{m}"),
                other => panic!("accepted {bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn key_file_is_created_once_then_loaded() {
        let dir = temp_path("keys");
        let path = dir.join("kunci.txt");
        assert!(matches!(
            Keys::load_or_create(&path, false),
            Err(CryptoError::KeyFile(_))
        ));
        let created = Keys::load_or_create(&path, true).unwrap();
        let loaded = Keys::load_or_create(&path, true).unwrap();
        assert_eq!(created.to_text(), loaded.to_text());
        assert_eq!(
            Keys::load_or_create(&path, false).unwrap().to_text(),
            created.to_text()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No temp files left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_corrupt_key_file_is_reported_not_replaced() {
        let path = temp_path("corrupt");
        std::fs::write(&path, "bukan kunci").unwrap();
        match Keys::load_or_create(&path, true) {
            Err(CryptoError::KeyFile(m)) => assert!(m.contains("dmk1:"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "bukan kunci");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn derived_keys_are_stable_separate_and_keyed() {
        let k = Keys::generate();
        let audit = k.derive(Purpose::Audit);
        let again = Keys::from_text(&k.to_text())
            .unwrap()
            .derive(Purpose::Audit);
        assert_eq!(audit.mac_hex(b"x"), again.mac_hex(b"x"));
        assert_eq!(audit.id(), again.id());
        let backup = k.derive(Purpose::Backup);
        assert_ne!(audit.mac_hex(b"x"), backup.mac_hex(b"x"));
        assert_ne!(audit.id(), backup.id());
        let other = Keys::generate().derive(Purpose::Audit);
        assert_ne!(audit.mac_hex(b"x"), other.mac_hex(b"x"));
        assert_ne!(audit.id(), other.id());
        // Neither the encryption nor the index key is used as is.
        assert_ne!(&audit.0, &k.enc);
        assert_ne!(&audit.0, &k.index);
        let mut s = backup.signer();
        s.update(b"ab");
        s.update(b"c");
        let tag = s.clone().finish();
        assert_eq!(hex::encode(tag), backup.mac_hex(b"abc"));
        assert!(s.clone().verify(&tag));
        let mut bad = tag;
        bad[31] ^= 1;
        assert!(!s.verify(&bad));
        assert_eq!(format!("{audit:?}"), "SubKey(…)");
    }

    #[test]
    fn debug_hides_the_keys() {
        let k = Keys::generate();
        assert_eq!(format!("{k:?}"), "Keys(…)");
        assert_eq!(format!("{k:#?}"), "Keys(…)");
    }
}
