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
        let re_sources = [
            include_str!("../templates/persons.html"),
            include_str!("../templates/person_form.html"),
            include_str!("../templates/person.html"),
            include_str!("../templates/episode_form.html"),
            include_str!("../templates/episode_fields.html"),
            include_str!("../templates/episode.html"),
            include_str!("../templates/monitoring.html"),
            include_str!("../templates/households.html"),
            include_str!("../templates/household.html"),
            include_str!("../templates/requirements.html"),
            include_str!("../templates/letters.html"),
            include_str!("../templates/letter_form.html"),
            include_str!("../templates/letter.html"),
            include_str!("../templates/letter_kinds.html"),
            include_str!("../templates/letter_kind.html"),
            include_str!("../templates/letter_request.html"),
            include_str!("../templates/letter_track.html"),
            include_str!("../templates/verify.html"),
            include_str!("../templates/verify_form.html"),
            include_str!("../templates/transfer.html"),
            include_str!("../templates/base.html"),
            include_str!("../templates/home.html"),
            include_str!("../templates/login.html"),
            include_str!("../templates/dashboard.html"),
            include_str!("../templates/account.html"),
            include_str!("../templates/users.html"),
            include_str!("../templates/user_form.html"),
            include_str!("../templates/user_detail.html"),
            include_str!("../templates/villages.html"),
            include_str!("../templates/village.html"),
            include_str!("../templates/audit.html"),
            include_str!("../templates/regions.html"),
            include_str!("../templates/error.html"),
            include_str!("../templates/form_errors.html"),
            include_str!("../templates/agency_check.html"),
            include_str!("../templates/agency_public.html"),
            include_str!("../templates/agencies.html"),
            include_str!("../templates/agency_form.html"),
            include_str!("../templates/agency_import.html"),
            include_str!("../templates/fee_check.html"),
            include_str!("../templates/fee_rules.html"),
            include_str!("../templates/fee_rule_form.html"),
            include_str!("../templates/jobs.html"),
            include_str!("../templates/job.html"),
            include_str!("../templates/jobs_staff.html"),
            include_str!("../templates/guides.html"),
            include_str!("../templates/guide.html"),
            include_str!("../templates/guide_form.html"),
            include_str!("../templates/alerts.html"),
            include_str!("../templates/alerts_staff.html"),
            include_str!("../templates/alert_form.html"),
            include_str!("../templates/report_form.html"),
            include_str!("../templates/report_track.html"),
            include_str!("../templates/reports.html"),
            include_str!("../templates/report.html"),
            include_str!("../templates/cases.html"),
            include_str!("../templates/case_form.html"),
            include_str!("../templates/case.html"),
            include_str!("../templates/case_counts.html"),
            include_str!("../templates/children.html"),
            include_str!("../templates/child_form.html"),
            include_str!("../templates/child.html"),
            include_str!("../templates/children_indicators.html"),
            include_str!("../templates/learning.html"),
            include_str!("../templates/learning_form.html"),
            include_str!("../templates/learning_session.html"),
        ];
        let mut missing = Vec::new();
        for src in re_sources {
            for part in src.split("page.t(\"").skip(1) {
                let key = &part[..part.find('"').unwrap()];
                if !ID.contains_key(key) {
                    missing.push(key.to_owned());
                }
            }
        }
        assert!(missing.is_empty(), "keys missing from locales: {missing:?}");
    }
}
