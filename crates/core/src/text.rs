//! Text helpers for names people type in many ways: with or without accents, spaces and
//! apostrophes ("Nurhaliza", "Nur Haliza", "Ma'ruf", "Maruf").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Key for accent-, case- and space-insensitive name search: "Siti Nurhaliza" and
/// "siti nur haliza" both give "sitinurhaliza"; "Désirée" gives "desiree".
///
/// Letters of other scripts are kept (lower-cased where the script has case), so a name written
/// in Arabic or Chinese script still finds itself.
pub fn name_key(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        // Recompose what NFD split apart without being an accent (Hangul syllables), so the key of
        // such a name is the name itself.
        .nfc()
        .collect()
}

/// The keys a name is found by: the [`name_key`] of the name from each of its words to the end.
/// "Siti Nurhaliza" gives "sitinurhaliza" and "nurhaliza", so a search for a name key finds
/// every name that has a word starting with it ("nur", "siti nur haliza", "nurhal"), and an
/// index on these keys serves it in key order. Words split at spaces and at punctuation other
/// than apostrophes ("Muh. Ikhsan" → "muhikhsan", "ikhsan"; "Ma'ruf" stays one word). Only the
/// first [`MAX_NAME_WORDS`] words start a key; repeated keys are given once.
pub fn name_word_keys(name: &str) -> Vec<String> {
    let words: Vec<&str> = name
        .split(|c: char| {
            c.is_whitespace()
                || (c.is_ascii_punctuation() && c != '\'')
                || matches!(c, '\u{2013}' | '\u{2014}')
        })
        .filter(|w| !name_key(w).is_empty())
        .collect();
    let mut keys: Vec<String> = Vec::new();
    for start in 0..words.len().min(MAX_NAME_WORDS) {
        let key = name_key(&words[start..].concat());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// Names longer than this (titles and long Arabic-style chains) are still found by their
/// first words; the cap bounds the index rows per person.
pub const MAX_NAME_WORDS: usize = 6;

/// Collapses every run of white space (including tabs, new lines and non-breaking spaces pasted
/// from documents) into one space and trims both ends.
pub fn clean_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_keys_ignore_case_spaces_accents_and_punctuation() {
        for (input, key) in [
            ("Siti Nurhaliza", "sitinurhaliza"),
            ("siti nur haliza", "sitinurhaliza"),
            ("  SITI   NUR-HALIZA ", "sitinurhaliza"),
            ("Désirée", "desiree"),
            ("Ma'ruf", "maruf"),
            ("Ma’ruf Amin", "marufamin"),
            ("Muh. Ikhsan, S.Pd.", "muhikhsanspd"),
            ("Ñoño Çelik", "nonocelik"),
            ("İbrahim", "ibrahim"),
            ("Agus 2", "agus2"),
            ("", ""),
            ("'. -", ""),
        ] {
            assert_eq!(name_key(input), key, "{input:?}");
        }
    }

    #[test]
    fn non_latin_names_pass_through_lowercased() {
        for (input, key) in [
            ("王小明", "王小明"),
            ("Иван Петров", "иванпетров"),
            ("ΑΘΗΝΑ", "αθηνα"),
            ("김민지", "김민지"),
            ("عبد الله", "عبدالله"),
        ] {
            assert_eq!(name_key(input), key, "{input:?}");
        }
    }

    #[test]
    fn marks_are_dropped_in_every_script() {
        // Й is И with a breve: search treats them alike, as it treats é and e.
        assert_eq!(name_key("Сергей"), "сергеи");
    }

    #[test]
    fn equal_names_typed_differently_share_a_key() {
        let decomposed = "De\u{301}sire\u{301}e";
        assert_eq!(name_key(decomposed), name_key("Désirée"));
        assert_eq!(name_key("Nur Aini"), name_key("NURAINI"));
    }

    #[test]
    fn a_name_is_found_from_the_start_of_each_word() {
        for (name, keys) in [
            ("Siti Nurhaliza", &["sitinurhaliza", "nurhaliza"][..]),
            (
                "  Muh. Ikhsan, S.Pd.",
                &["muhikhsanspd", "ikhsanspd", "spd", "pd"],
            ),
            ("Désirée Ma'ruf", &["desireemaruf", "maruf"]),
            ("Nur Nur", &["nurnur", "nur"]),
            ("Siti Siti", &["sitisiti", "siti"]),
            (
                "Ahmad bin Abdullah",
                &["ahmadbinabdullah", "binabdullah", "abdullah"],
            ),
            ("Warga Uji 10", &["wargauji10", "uji10", "10"]),
            ("", &[]),
            ("' - .", &[]),
        ] {
            assert_eq!(name_word_keys(name), keys, "{name:?}");
        }
        // Every key is a suffix of the whole name's key, so a name key search and the list's
        // order agree on what a name is.
        let name = "Ni Luh Putu Ayu Sri Wahyuni Dewi Lestari";
        let keys = name_word_keys(name);
        assert_eq!(keys.len(), MAX_NAME_WORDS);
        assert!(keys.iter().all(|k| name_key(name).ends_with(k.as_str())));
    }

    #[test]
    fn spaces_are_collapsed_and_trimmed() {
        for (input, cleaned) in [
            ("  Siti   Nurhaliza  ", "Siti Nurhaliza"),
            ("Jl.\tMawar\nNo. 5", "Jl. Mawar No. 5"),
            ("RT\u{a0}03 / RW\u{a0}01", "RT 03 / RW 01"),
            ("Kenanga", "Kenanga"),
            ("   ", ""),
            ("", ""),
        ] {
            assert_eq!(clean_spaces(input), cleaned, "{input:?}");
        }
    }
}
