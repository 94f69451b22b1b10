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
