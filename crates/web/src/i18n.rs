//! Bahasa Indonesia first, English second. Messages live in `locales/{id,en}.txt` as
//! `key = text` lines, embedded in the binary; a test checks both files have the same keys and
//! that every key the templates use exists.

use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

pub const LANG_COOKIE: &str = "dm_lang";

fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(k, v)| (k.trim(), v.trim())))
        .collect()
}

static ID: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../locales/id.txt")));
static EN: LazyLock<HashMap<&'static str, &'static str>> =
    LazyLock::new(|| parse(include_str!("../locales/en.txt")));

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }

    /// The language chosen with the switch (a cookie); Indonesian otherwise.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        crate::auth::cookie(headers, LANG_COOKIE)
            .and_then(Lang::parse)
            .unwrap_or_default()
    }

    /// One of a value's two labels (the `label_id` / `label_en` every `choices!` type has).
    pub fn pick(self, id: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }

    /// The text for `key`; a missing key shows itself, so it is noticed rather than blank.
    pub fn t(self, key: &str) -> &'static str {
        let table = match self {
            Lang::Id => &*ID,
            Lang::En => &*EN,
        };
        match table.get(key) {
            Some(v) => v,
            None => ID
                .get(key)
                .copied()
                .unwrap_or_else(|| Box::leak(key.to_owned().into_boxed_str())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let id: BTreeSet<_> = ID.keys().collect();
        let en: BTreeSet<_> = EN.keys().collect();
        assert_eq!(
            id.difference(&en).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "missing in en.txt"
        );
        assert_eq!(
            en.difference(&id).collect::<Vec<_>>(),
            Vec::<&&&str>::new(),
            "missing in id.txt"
        );
    }

    #[test]
    fn every_error_roles_and_compartments_have_texts() {
        use desmigratif_core::access::{Compartment, Role};
        let codes = [
            "not_found",
            "forbidden",
            "unauthenticated",
            "csrf",
            "too_many_requests",
            "bad_request",
            "invalid",
            "conflict",
            "internal",
        ];
        let mut keys: Vec<String> = codes
            .iter()
            .flat_map(|c| [format!("error.{c}"), format!("error.{c}.title")])
            .collect();
        keys.extend(Role::ALL.iter().map(|r| format!("role.{r}")));
        keys.extend(Compartment::ALL.iter().map(|c| format!("compartment.{c}")));
        keys.extend(
            ["provinsi", "kabupaten", "kecamatan", "desa"]
                .iter()
                .map(|l| format!("level.{l}")),
        );
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !ID.contains_key(k.as_str()))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        // Every template and every Rust source of the crate, read from disk so a new page cannot
        // be forgotten here.
        fn sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("html" | "rs")
                ) {
                    out.push((
                        path.display().to_string(),
                        std::fs::read_to_string(&path).unwrap(),
                    ));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("templates"), &mut files);
        sources(&root.join("src"), &mut files);
        assert!(
            files.len() > 100,
            "templates and sources found: {}",
            files.len()
        );
        let mut missing = Vec::new();
        for (path, src) in &files {
            for part in src.split(".t(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                if !key.is_empty() && !key.contains('{') && !ID.contains_key(key) {
                    missing.push(format!("{key} ({path})"));
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from locales: {missing:?}");
    }
}
