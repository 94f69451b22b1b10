//! Licensed placement companies (P3MI) and the names that only look like theirs.
//!
//! Before paying a recruiter, a villager looks the company up at `/agensi` by its name or its
//! licence number. Scammers borrow a licensed company's standing with a name one letter or one
//! word away from it ("PT Bina Karja Mandiri" for "PT Bina Karya Mandiri Sejahtera"), so besides
//! the plain search, [`AgencyIndex::search`] warns about licensed names that are close to — but
//! not the same as — what was typed.
//!
//! Indonesian company names share a small stock of generic words (jaya, mandiri, sejahtera,
//! abadi, …), so a word counts by how rare it is in the registry itself (its inverse document
//! frequency): "PT Sinar Jaya Abadi" and "PT Bintang Jaya Abadi" share only common words and are
//! not confused, while one letter changed in a rare word is.

use crate::Invalid;
use crate::id::Id;
use crate::registry::{parse_date, parse_optional_date};
use crate::text::clean_spaces;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Licence status as recorded by the ministry. Stored as these snake_case strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyStatus {
    Active,
    Suspended,
    Revoked,
}

impl AgencyStatus {
    pub const ALL: &'static [AgencyStatus] = &[
        AgencyStatus::Active,
        AgencyStatus::Suspended,
        AgencyStatus::Revoked,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyStatus::Active => "active",
            AgencyStatus::Suspended => "suspended",
            AgencyStatus::Revoked => "revoked",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            AgencyStatus::Active => "Aktif",
            AgencyStatus::Suspended => "Dibekukan",
            AgencyStatus::Revoked => "Dicabut",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AgencyStatus::Active => "Active",
            AgencyStatus::Suspended => "Suspended",
            AgencyStatus::Revoked => "Revoked",
        }
    }
}

impl fmt::Display for AgencyStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Accepts the stored names and the words of the ministry's lists and of spreadsheets ("Aktif",
/// "Dibekukan", "Skors", "Dicabut"), in any case.
impl FromStr for AgencyStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<AgencyStatus, Invalid> {
        let word = s.trim();
        match word.to_lowercase().as_str() {
            "active" | "aktif" => Ok(AgencyStatus::Active),
            "suspended" | "dibekukan" | "beku" | "skors" => Ok(AgencyStatus::Suspended),
            "revoked" | "dicabut" | "cabut" => Ok(AgencyStatus::Revoked),
            _ => Err(Invalid::new(
                "status",
                format!(
                    "status «{word}» tidak dikenal; pilih salah satu: aktif, dibekukan, dicabut"
                ),
            )),
        }
    }
}

/// What a villager is told about a company today: only `Licensed` may recruit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Licensed,
    Expired,
    Suspended,
    Revoked,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Licensed => "licensed",
            Standing::Expired => "expired",
            Standing::Suspended => "suspended",
            Standing::Revoked => "revoked",
        }
    }

    pub fn may_recruit(self) -> bool {
        self == Standing::Licensed
    }

    /// What the public page says, in the words a villager would repeat to a recruiter.
    pub fn label_id(self) -> &'static str {
        match self {
            Standing::Licensed => "Berizin",
            Standing::Expired => "Izin sudah habis",
            Standing::Suspended => "Izin dibekukan",
            Standing::Revoked => "Izin dicabut",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Standing::Licensed => "Licensed",
            Standing::Expired => "Licence expired",
            Standing::Suspended => "Licence suspended",
            Standing::Revoked => "Licence revoked",
        }
    }
}

/// Revoked and suspended win over dates; an active licence past `valid_until` is Expired (valid
/// through the whole `valid_until` day).
pub fn standing(status: AgencyStatus, valid_until: NaiveDate, today: NaiveDate) -> Standing {
    match status {
        AgencyStatus::Revoked => Standing::Revoked,
        AgencyStatus::Suspended => Standing::Suspended,
        AgencyStatus::Active if today > valid_until => Standing::Expired,
        AgencyStatus::Active => Standing::Licensed,
    }
}

/// Words naming the legal form, not the company: "PT Maju" and "CV Maju" are the same name to a
/// villager, and the form is written before, after or in brackets ("Maju (Persero) Tbk").
const LEGAL_FORMS: &[&str] = &["pt", "cv", "tbk", "persero"];

/// Apostrophes join the letters around them ("Ma'ruf" is one word), as in [`crate::text`].
const APOSTROPHES: &[char] = &['\'', '\u{2018}', '\u{2019}', '\u{02bc}', '`'];

/// The words of a company name as [`name_key`] sees them.
///
/// Punctuation other than apostrophes separates words ("Bina-Karya" is two words); runs of
/// single letters are joined first, so the dotted "P.T." and "C.V." become "pt" and "cv" and are
/// dropped like the plain forms.
fn name_words(name: &str) -> Vec<String> {
    let folded: String = name
        .nfd()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_combining_mark(*c) && !APOSTROPHES.contains(c))
        .nfc()
        .collect();
    let mut words: Vec<String> = Vec::new();
    let mut after_initial = false;
    for piece in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|piece| !piece.is_empty())
    {
        let mut chars = piece.chars();
        let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
        match words.last_mut() {
            Some(last) if initial && after_initial => last.push_str(piece),
            _ => words.push(piece.to_owned()),
        }
        after_initial = initial;
    }
    let mut kept = Vec::with_capacity(words.len());
    let mut words = words.into_iter().peekable();
    while let Some(word) = words.next() {
        if word == "perseroan" && words.peek().is_some_and(|next| next == "terbatas") {
            words.next();
        } else if !LEGAL_FORMS.contains(&word.as_str()) {
            kept.push(word);
        }
    }
    kept
}

/// Key that decides "same name": lower case, accents folded, punctuation removed, legal-form
/// words dropped wherever they stand (pt, cv, tbk, persero, "perseroan terbatas", "p.t."),
/// spaces collapsed to one. "PT. Bina Karya Mandiri" and "bina karya  mandiri, pt" give the same
/// key "bina karya mandiri".
pub fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// Licence numbers are compared by upper-case letters and digits only ("KEP 123/2024" ==
/// "kep-123-2024"): the same number is written with dots, slashes, dashes or spaces.
pub fn licence_key(s: &str) -> String {
    s.chars()
        .flat_map(char::to_uppercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A branch office: city and address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Branch {
    pub city: String,
    pub address: String,
}

/// A company as typed in a form or a CSV row, before checks. The CSV columns may carry the
/// Indonesian names the errors use ("nama", "nomor_izin", …).
#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct RawAgency {
    #[serde(alias = "nama")]
    pub name: String,
    #[serde(alias = "nomor_izin")]
    pub licence_number: String,
    #[serde(alias = "alamat")]
    pub address: String,
    #[serde(alias = "berlaku_mulai")]
    pub valid_from: String,
    #[serde(alias = "berlaku_sampai")]
    pub valid_until: String,
    pub status: String,
    #[serde(alias = "cabang")]
    pub branches: String,
}

/// A company whose fields passed [`RawAgency::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyInput {
    pub name: String,
    pub licence_number: String,
    pub address: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: NaiveDate,
    pub status: AgencyStatus,
    pub branches: Vec<Branch>,
}

const MAX_NAME_CHARS: usize = 200;
const MAX_LICENCE_CHARS: usize = 80;
const MAX_ADDRESS_CHARS: usize = 500;
const MAX_CITY_CHARS: usize = 60;
const MAX_BRANCHES: usize = 50;

impl RawAgency {
    /// Checks every field and reports every problem at once, by CSV column, so a ministry list
    /// imported as a spreadsheet is corrected in one pass.
    pub fn check(&self) -> Result<AgencyInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let name = clean_spaces(&self.name);
        let name_chars = name.chars().count();
        let name_problem = if name.is_empty() {
            Some("nama perusahaan wajib diisi")
        } else if !(3..=MAX_NAME_CHARS).contains(&name_chars) {
            Some("nama perusahaan 3–200 karakter")
        } else if !name.chars().any(char::is_alphabetic) {
            Some("nama perusahaan harus mengandung huruf")
        } else if name_key(&name).is_empty() {
            Some(
                "nama perusahaan tidak boleh hanya bentuk badan usaha (PT, CV, Tbk); tulis nama lengkapnya",
            )
        } else {
            None
        };
        if let Some(message) = name_problem {
            errors.push(Invalid::new("nama", message));
        }

        let licence_number = clean_spaces(&self.licence_number);
        let licence_problem = if licence_number.is_empty() {
            Some("nomor izin wajib diisi")
        } else if licence_number.chars().count() > MAX_LICENCE_CHARS {
            Some("nomor izin paling banyak 80 karakter")
        } else if licence_key(&licence_number).chars().count() < 3 {
            Some("nomor izin terlalu pendek; tulis lengkap seperti pada surat izin")
        } else {
            None
        };
        if let Some(message) = licence_problem {
            errors.push(Invalid::new("nomor_izin", message));
        }

        let address = clean_spaces(&self.address);
        if address.chars().count() > MAX_ADDRESS_CHARS {
            errors.push(Invalid::new("alamat", "alamat paling banyak 500 karakter"));
        }

        let valid_from = parse_optional_date("berlaku_mulai", &self.valid_from)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let valid_until = if self.valid_until.trim().is_empty() {
            errors.push(Invalid::new(
                "berlaku_sampai",
                "tanggal akhir berlakunya izin wajib diisi",
            ));
            None
        } else {
            parse_date("berlaku_sampai", &self.valid_until)
                .map_err(|e| errors.push(e))
                .ok()
        };
        if let (Some(from), Some(until)) = (valid_from, valid_until)
            && from > until
        {
            errors.push(Invalid::new(
                "berlaku_sampai",
                "tanggal berlaku sampai tidak boleh sebelum tanggal berlaku mulai",
            ));
        }

        let status = if self.status.trim().is_empty() {
            Some(AgencyStatus::Active)
        } else {
            self.status.parse().map_err(|e| errors.push(e)).ok()
        };
        let branches = parse_branches(&self.branches)
            .map_err(|mut problems| errors.append(&mut problems))
            .ok();

        match (valid_until, status, branches) {
            (Some(valid_until), Some(status), Some(branches)) if errors.is_empty() => {
                Ok(AgencyInput {
                    name,
                    licence_number,
                    address,
                    valid_from,
                    valid_until,
                    status,
                    branches,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Branches as one spreadsheet cell: `Kota: alamat` entries separated by `;` (a dash works as
/// well as a colon, and the first of them separates, so addresses may contain either). A city
/// alone is a branch whose address is not known yet; empty entries are skipped.
pub fn parse_branches(text: &str) -> Result<Vec<Branch>, Vec<Invalid>> {
    let entries: Vec<&str> = text
        .split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .collect();
    if entries.len() > MAX_BRANCHES {
        return Err(vec![Invalid::new(
            "cabang",
            format!(
                "paling banyak {MAX_BRANCHES} cabang, tertulis {}; hapus yang tidak aktif lagi",
                entries.len()
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut branches = Vec::with_capacity(entries.len());
    for (n, entry) in entries.into_iter().enumerate() {
        let n = n + 1;
        let (city, address) = entry
            .split_once([':', '-', '\u{2013}', '\u{2014}'])
            .unwrap_or((entry, ""));
        let (city, address) = (clean_spaces(city), clean_spaces(address));
        if city.is_empty() {
            errors.push(Invalid::new(
                "cabang",
                format!("cabang ke-{n} «{entry}»: nama kota wajib diisi; tulis «Kota: alamat»"),
            ));
        } else if city.chars().count() > MAX_CITY_CHARS {
            errors.push(Invalid::new(
                "cabang",
                format!(
                    "cabang ke-{n}: nama kota paling banyak {MAX_CITY_CHARS} karakter; \
                     pisahkan kota dan alamat dengan «:»"
                ),
            ));
        } else if address.chars().count() > MAX_ADDRESS_CHARS {
            errors.push(Invalid::new(
                "cabang",
                format!("cabang ke-{n}: alamat paling banyak {MAX_ADDRESS_CHARS} karakter"),
            ));
        } else {
            branches.push(Branch { city, address });
        }
    }
    if errors.is_empty() {
        Ok(branches)
    } else {
        Err(errors)
    }
}

/// The cell [`parse_branches`] reads, so an edit form shows the branches as they were typed.
pub fn branches_text(branches: &[Branch]) -> String {
    branches
        .iter()
        .map(|b| {
            if b.address.is_empty() {
                b.city.clone()
            } else {
                format!("{}: {}", b.city, b.address)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One company as the search index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub id: Id,
    pub name: String,
    pub licence_number: String,
}

/// What [`AgencyIndex::search`] found.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Search {
    /// Entries whose name key equals the query's, or whose licence key equals the query's
    /// licence key.
    pub exact: Vec<Id>,
    /// Entries that contain every word of the query as a word prefix (a plain search: "bina
    /// karya" lists all companies with words starting "bina" and "karya"), best first, at most
    /// `limit`, excluding `exact`.
    pub matches: Vec<Id>,
    /// When nothing is exact and the query is a full-looking name (at least two non-legal-form
    /// words, or one word of ≥ 6 letters): licensed names close to but not equal to it, most
    /// similar first, with a score in 0..=1, at most 5, excluding `exact` but they MAY also
    /// appear in `matches`.
    pub look_alikes: Vec<(Id, f32)>,
}

/// Scores at or above this are look-alikes. Chosen from the test table (`QUERIES` in the
/// tests): there the true look-alikes score 0.63 and more (the lowest: a rare word dropped from a
/// three-word name), names sharing only common words 0.55 and less (the highest: a new word added
/// to a name made only of common words), and this is the middle of the gap.
pub const LOOK_ALIKE_THRESHOLD: f32 = 0.58;

/// How much of the score comes from the shared words; the rest from the spelling of the whole
/// name. Words decide because reordering them fools a reader as well as a typo does, while the
/// spelling tells a changed letter in a common word from a different word.
const WORDS_SHARE: f32 = 0.7;

/// A word that differs from a registered one by one edit counts this much less per edit.
const PER_EDIT: f32 = 0.2;

/// Two words typed as one ("Binakarya") or one split in two ("Nawa Sena") count this much.
const JOINED: f32 = 0.9;

const MAX_LOOK_ALIKES: usize = 5;

/// A query is never longer than a name; longer input is cut so a pasted page costs no more than
/// a name does.
const MAX_QUERY_WORDS: usize = 16;

/// Longer words are matched only as they are, not by their neighbours in spelling.
const MAX_FUZZY_CHARS: usize = 40;

/// Edits a word may differ by and still be the same word misspelt: none for short words (too
/// many of them are one letter apart), one from four letters, two from eight.
fn allowed_edits(chars: usize) -> usize {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The letters of a word as a set of bits: one edit changes at most two bits, so words whose
/// sets differ by more are skipped before the edit distance is computed.
fn letter_mask(chars: &[char]) -> u64 {
    chars.iter().fold(0, |mask, &c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + c as u32 % 28,
        };
        mask | 1 << bit
    })
}

/// Optimal string alignment distance (Damerau-Levenshtein where each letter is edited once):
/// swapped neighbours are one edit, as they are one slip of the finger. Returns `bound + 1` as
/// soon as the distance is known to exceed `bound`.
fn edit_distance(a: &[char], b: &[char], bound: usize) -> usize {
    if a.len().abs_diff(b.len()) > bound {
        return bound + 1;
    }
    let width = b.len() + 1;
    let mut before = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current = vec![0; width];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = i;
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
            row_min = row_min.min(d);
        }
        // Rows never get cheaper than the previous row's minimum (a swap costs as much as
        // reaching its row), so no later row can come back under the bound.
        if row_min > bound {
            return bound + 1;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[width - 1].min(bound + 1)
}

struct Token {
    text: String,
    chars: Vec<char>,
    mask: u64,
    /// ln(1 + N / df): a word in every name still counts a little, a word of one name most.
    weight: f32,
    /// Entries containing the word, each once, in index order.
    entries: Vec<u32>,
}

struct Indexed {
    id: Id,
    key: String,
    words: Vec<u32>,
    /// Sum of the weights of `words`.
    weight: f32,
    /// The key without spaces, so "Binakarya" and "Bina Karya" are spelt alike.
    letters: Vec<char>,
}

/// A word of the query, with its token when the registry has that word.
struct QueryWord {
    text: String,
    chars: Vec<char>,
    token: Option<u32>,
}

/// A way one query word reaches registered words.
enum Reach {
    /// The word itself (quality 1) or a misspelling of it.
    Word { token: u32, quality: f32 },
    /// The query word is two registered words written together, in this order.
    Split { first: u32, second: u32 },
    /// The query word and the next one are one registered word written apart.
    JoinedWithNext { token: u32 },
}

/// Query words matched to entry words, as the overlap counts them.
struct Pairing {
    /// First query word paired, and how many (two when they are one registered word).
    word: usize,
    words: usize,
    /// First entry word paired, and how many (two when the query joined them).
    at: usize,
    len: usize,
    quality: f32,
    /// Weight of the entry words paired.
    weight: f32,
}

/// The registry in memory, for the public search and the look-alike warning. Rebuilt whenever
/// the registry changes: building it for 10,000 companies takes milliseconds.
pub struct AgencyIndex {
    entries: Vec<Indexed>,
    tokens: Vec<Token>,
    token_ids: HashMap<String, u32>,
    /// Token ids in text order: the words starting with a prefix are one range.
    sorted: Vec<u32>,
    /// Token ids by length in chars: a misspelling is at most two letters longer or shorter.
    by_length: Vec<Vec<u32>>,
    by_key: HashMap<String, Vec<u32>>,
    by_licence: HashMap<String, Vec<u32>>,
    /// A word no registered name contains is as distinctive as the rarest.
    unseen_weight: f32,
}

impl fmt::Debug for AgencyIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgencyIndex")
            .field("entries", &self.entries.len())
            .field("words", &self.tokens.len())
            .finish()
    }
}

impl AgencyIndex {
    pub fn new(entries: Vec<IndexEntry>) -> AgencyIndex {
        let mut index = AgencyIndex {
            entries: Vec::with_capacity(entries.len()),
            tokens: Vec::new(),
            token_ids: HashMap::new(),
            sorted: Vec::new(),
            by_length: Vec::new(),
            by_key: HashMap::new(),
            by_licence: HashMap::new(),
            unseen_weight: 0.0,
        };
        for (n, entry) in (0u32..).zip(entries) {
            let words = name_words(&entry.name);
            let key = words.join(" ");
            let words: Vec<u32> = words.into_iter().map(|w| index.intern(w)).collect();
            for &token in &words {
                let postings = &mut index.tokens[token as usize].entries;
                if postings.last() != Some(&n) {
                    postings.push(n);
                }
            }
            if !key.is_empty() {
                index.by_key.entry(key.clone()).or_default().push(n);
            }
            let licence = licence_key(&entry.licence_number);
            if !licence.is_empty() {
                index.by_licence.entry(licence).or_default().push(n);
            }
            index.entries.push(Indexed {
                id: entry.id,
                letters: key.chars().filter(|&c| c != ' ').collect(),
                key,
                words,
                weight: 0.0,
            });
        }
        let total = index.entries.len() as f32;
        for token in &mut index.tokens {
            token.weight = (1.0 + total / token.entries.len() as f32).ln();
        }
        index.unseen_weight = (1.0 + total).ln();
        for entry in &mut index.entries {
            entry.weight = entry
                .words
                .iter()
                .map(|&t| index.tokens[t as usize].weight)
                .sum();
        }
        index.sorted = (0..index.tokens.len() as u32).collect();
        index.sorted.sort_unstable_by(|&a, &b| {
            index.tokens[a as usize]
                .text
                .cmp(&index.tokens[b as usize].text)
        });
        for (t, token) in (0u32..).zip(&index.tokens) {
            let len = token.chars.len();
            if index.by_length.len() <= len {
                index.by_length.resize_with(len + 1, Vec::new);
            }
            index.by_length[len].push(t);
        }
        index
    }

    fn intern(&mut self, word: String) -> u32 {
        if let Some(&t) = self.token_ids.get(&word) {
            return t;
        }
        let t = self.tokens.len() as u32;
        let chars: Vec<char> = word.chars().collect();
        self.tokens.push(Token {
            mask: letter_mask(&chars),
            chars,
            text: word.clone(),
            weight: 0.0,
            entries: Vec::new(),
        });
        self.token_ids.insert(word, t);
        t
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Looks a query up as a name and as a licence number at once: villagers type whichever
    /// they were shown.
    pub fn search(&self, query: &str, limit: usize) -> Search {
        let words = name_words(query);
        let key = words.join(" ");
        let licence = licence_key(query);
        // Empty keys are never indexed, so a query of punctuation finds nothing here.
        let mut exact: Vec<u32> = [self.by_key.get(&key), self.by_licence.get(&licence)]
            .into_iter()
            .flatten()
            .flatten()
            .copied()
            .collect();
        exact.sort_unstable();
        exact.dedup();

        let words: Vec<QueryWord> = words
            .into_iter()
            .take(MAX_QUERY_WORDS)
            .map(|text| QueryWord {
                chars: text.chars().collect(),
                token: self.token_ids.get(&text).copied(),
                text,
            })
            .collect();
        let matches = self.word_prefix_matches(&words, &exact, limit);
        let look_alikes = if exact.is_empty() && looks_like_a_full_name(&words) {
            self.look_alikes(&words)
        } else {
            Vec::new()
        };
        Search {
            exact: exact.iter().map(|&e| self.entries[e as usize].id).collect(),
            matches: matches
                .into_iter()
                .map(|e| self.entries[e as usize].id)
                .collect(),
            look_alikes: look_alikes
                .into_iter()
                .map(|(e, score)| (self.entries[e as usize].id, score))
                .collect(),
        }
    }

    /// Entries with a word starting with each query word. Best first: more query words matching
    /// whole words, then shorter names (the query says more of them), then by name.
    fn word_prefix_matches(&self, words: &[QueryWord], exact: &[u32], limit: usize) -> Vec<u32> {
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        // How many query words, in order, each entry has matched; an entry missing one word
        // stays behind and is not counted further.
        let mut matched = vec![0u8; self.entries.len()];
        let mut whole = vec![0u8; self.entries.len()];
        for (i, word) in (0u8..).zip(words) {
            let start = self
                .sorted
                .partition_point(|&t| self.tokens[t as usize].text < word.text);
            // The word itself sorts first among the words it starts, so whole-word matches are
            // counted before a longer word takes the entry.
            for token in self.sorted[start..]
                .iter()
                .map(|&t| &self.tokens[t as usize])
                .take_while(|token| token.text.starts_with(&word.text))
            {
                let is_whole = u8::from(token.text == word.text);
                for &e in &token.entries {
                    let e = e as usize;
                    if matched[e] == i {
                        matched[e] += 1;
                        whole[e] += is_whole;
                    }
                }
            }
        }
        let complete = words.len() as u8;
        let mut found: Vec<u32> = (0u32..)
            .zip(&matched)
            .filter(|&(e, &m)| m == complete && !exact.contains(&e))
            .map(|(e, _)| e)
            .collect();
        let order = |&a: &u32, &b: &u32| {
            let (ea, eb) = (&self.entries[a as usize], &self.entries[b as usize]);
            Reverse(whole[a as usize])
                .cmp(&Reverse(whole[b as usize]))
                .then(ea.words.len().cmp(&eb.words.len()))
                .then_with(|| ea.key.cmp(&eb.key))
                .then(a.cmp(&b))
        };
        if found.len() > limit {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        found
    }

    /// Registered names scoring at least [`LOOK_ALIKE_THRESHOLD`], best first.
    ///
    /// Score = [`WORDS_SHARE`] × weighted word overlap + the rest × spelling similarity of the
    /// whole names without spaces (1 − edits / length of the longer). Candidates are the
    /// entries reached through some query word; most are dropped by an upper bound of their
    /// overlap before anything is spelt out.
    fn look_alikes(&self, words: &[QueryWord]) -> Vec<(u32, f32)> {
        let reaches: Vec<Vec<Reach>> = (0..words.len()).map(|i| self.reaches(words, i)).collect();
        // Sum over the reached words of quality × weight: at least the overlap's numerator.
        let mut reached = vec![0f32; self.entries.len()];
        let mut candidates = Vec::new();
        let mut reach = |token: u32, quality: f32| {
            let token = &self.tokens[token as usize];
            for &e in &token.entries {
                if reached[e as usize] == 0.0 {
                    candidates.push(e);
                }
                reached[e as usize] += quality * token.weight;
            }
        };
        for reach_of_word in &reaches {
            for r in reach_of_word {
                match *r {
                    Reach::Word { token, quality } => reach(token, quality),
                    Reach::Split { first, second } => {
                        reach(first, JOINED);
                        reach(second, JOINED);
                    }
                    Reach::JoinedWithNext { token } => reach(token, JOINED),
                }
            }
        }
        let min_overlap = (LOOK_ALIKE_THRESHOLD - (1.0 - WORDS_SHARE)) / WORDS_SHARE;
        let query_letters: Vec<char> = words.iter().flat_map(|w| w.chars.iter().copied()).collect();
        let mut found: Vec<(u32, f32)> = Vec::new();
        for e in candidates {
            let entry = &self.entries[e as usize];
            // The union of the two names weighs at least the entry's words.
            if reached[e as usize] / entry.weight < min_overlap {
                continue;
            }
            let overlap = self.overlap(words, &reaches, entry);
            if overlap < min_overlap {
                continue;
            }
            let longer = query_letters.len().max(entry.letters.len());
            let min_spelling = (LOOK_ALIKE_THRESHOLD - WORDS_SHARE * overlap) / (1.0 - WORDS_SHARE);
            let allowed = ((1.0 - min_spelling.max(0.0)) * longer as f32 + 1e-4) as usize;
            let edits = edit_distance(&query_letters, &entry.letters, allowed);
            if edits > allowed {
                continue;
            }
            let spelling = 1.0 - edits as f32 / longer as f32;
            let score = (WORDS_SHARE * overlap + (1.0 - WORDS_SHARE) * spelling).clamp(0.0, 1.0);
            if score >= LOOK_ALIKE_THRESHOLD {
                found.push((e, score));
            }
        }
        found.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        found.truncate(MAX_LOOK_ALIKES);
        found
    }

    /// The registered words query word `i` may stand for: itself, its misspellings (within
    /// [`allowed_edits`], looked for only among words of nearly the same length), the two words
    /// it joins, and the word it forms with the next query word.
    fn reaches(&self, words: &[QueryWord], i: usize) -> Vec<Reach> {
        let word = &words[i];
        let mut reaches = Vec::new();
        if let Some(token) = word.token {
            reaches.push(Reach::Word {
                token,
                quality: 1.0,
            });
        }
        let len = word.chars.len();
        let allowed = allowed_edits(len);
        if allowed > 0 && len <= MAX_FUZZY_CHARS {
            let mask = letter_mask(&word.chars);
            for length in len - allowed..=len + allowed {
                for &t in self.by_length.get(length).into_iter().flatten() {
                    let token = &self.tokens[t as usize];
                    if Some(t) == word.token
                        || (token.mask ^ mask).count_ones() as usize > 2 * allowed
                    {
                        continue;
                    }
                    let edits = edit_distance(&word.chars, &token.chars, allowed);
                    if edits <= allowed {
                        reaches.push(Reach::Word {
                            token: t,
                            quality: 1.0 - PER_EDIT * edits as f32,
                        });
                    }
                }
            }
        }
        if len <= MAX_FUZZY_CHARS {
            // Both halves at least two letters: single letters are not words of a name.
            for (split, _) in word.text.char_indices().skip(2) {
                let (left, right) = word.text.split_at(split);
                if right.chars().nth(1).is_none() {
                    break;
                }
                if let (Some(&first), Some(&second)) =
                    (self.token_ids.get(left), self.token_ids.get(right))
                {
                    reaches.push(Reach::Split { first, second });
                }
            }
        }
        if let Some(next) = words.get(i + 1)
            && let Some(&token) = self.token_ids.get(&format!("{}{}", word.text, next.text))
        {
            reaches.push(Reach::JoinedWithNext { token });
        }
        reaches
    }

    /// Weighted Jaccard overlap of the query's words and the entry's: matched weight (times the
    /// quality of each match) over the weight of both names together. Each word is used once;
    /// exact matches are paired first, then misspellings, then joined words, heavier words first.
    /// Word order does not matter, so reordered names overlap fully.
    fn overlap(&self, words: &[QueryWord], reaches: &[Vec<Reach>], entry: &Indexed) -> f32 {
        let weight = |t: u32| self.tokens[t as usize].weight;
        let mut pairings = Vec::new();
        for (i, reach_of_word) in reaches.iter().enumerate() {
            for r in reach_of_word {
                for (at, &t) in entry.words.iter().enumerate() {
                    let pairing = match *r {
                        Reach::Word { token, quality } if token == t => Pairing {
                            word: i,
                            words: 1,
                            at,
                            len: 1,
                            quality,
                            weight: weight(t),
                        },
                        Reach::Split { first, second }
                            if first == t && entry.words.get(at + 1) == Some(&second) =>
                        {
                            Pairing {
                                word: i,
                                words: 1,
                                at,
                                len: 2,
                                quality: JOINED,
                                weight: weight(first) + weight(second),
                            }
                        }
                        Reach::JoinedWithNext { token } if token == t => Pairing {
                            word: i,
                            words: 2,
                            at,
                            len: 1,
                            quality: JOINED,
                            weight: weight(t),
                        },
                        _ => continue,
                    };
                    pairings.push(pairing);
                }
            }
        }
        pairings.sort_by(|a, b| {
            b.quality
                .total_cmp(&a.quality)
                .then(b.weight.total_cmp(&a.weight))
        });
        let mut word_used = vec![false; words.len()];
        let mut at_used = vec![false; entry.words.len()];
        let (mut shared, mut paired) = (0.0, 0.0);
        for p in pairings {
            let query_side = p.word..p.word + p.words;
            let entry_side = p.at..p.at + p.len;
            if word_used[query_side.clone()].iter().any(|&u| u)
                || at_used[entry_side.clone()].iter().any(|&u| u)
            {
                continue;
            }
            word_used[query_side].fill(true);
            at_used[entry_side].fill(true);
            shared += p.quality * p.weight;
            paired += p.weight;
        }
        let unpaired_query: f32 = words
            .iter()
            .zip(&word_used)
            .filter(|&(_, &used)| !used)
            .map(|(w, _)| w.token.map_or(self.unseen_weight, weight))
            .sum();
        let unpaired_entry: f32 = entry
            .words
            .iter()
            .zip(&at_used)
            .filter(|&(_, &used)| !used)
            .map(|(&t, _)| weight(t))
            .sum();
        let union = paired + unpaired_query + unpaired_entry;
        if union > 0.0 { shared / union } else { 0.0 }
    }
}

/// Only a query that could be a company's whole name is compared as one: two words with
/// letters, or one word of six letters or more. A licence number or a short word is a search.
fn looks_like_a_full_name(words: &[QueryWord]) -> bool {
    let letters: Vec<usize> = words
        .iter()
        .map(|w| w.chars.iter().filter(|c| c.is_alphabetic()).count())
        .filter(|&n| n > 0)
        .collect();
    letters.len() >= 2 || letters.iter().any(|&n| n >= 6)
}

/// Words found in many real company names. Only [`synthetic_names`] uses them: the index learns
/// which words are common from the registry itself.
pub const COMMON_WORDS: &[&str] = &[
    "Jaya",
    "Mandiri",
    "Sejahtera",
    "Abadi",
    "Indonesia",
    "Karya",
    "Utama",
    "Perkasa",
    "Sukses",
    "Makmur",
    "Global",
    "Internasional",
    "Mitra",
    "Bina",
    "Sarana",
    "Citra",
    "Putra",
    "Bersama",
    "Sentosa",
    "Lestari",
    "Persada",
    "Nusantara",
    "Gemilang",
    "Prima",
    "Mulia",
    "Sakti",
    "Raya",
    "Agung",
    "Berkah",
    "Cipta",
    "Duta",
    "Insani",
    "Tenaga",
    "Kerja",
];

const SYLLABLES: &[&str] = &[
    "ba", "bu", "ca", "da", "di", "ga", "gu", "ha", "ja", "ka", "ki", "ku", "la", "li", "ma", "mi",
    "na", "ni", "nu", "pa", "ra", "ri", "ru", "sa", "si", "su", "ta", "ti", "tu", "wa", "wi", "ya",
    "dra", "kra", "pra", "tra", "swa",
];

const ENDINGS: &[&str] = &["n", "ng", "r", "s", "t", "ya", "wati"];

/// `n` distinct, plausible, made-up company names for benchmarks and demos, the same for the
/// same seed (with this version of `rand`): "PT ", a made-up word of two or three syllables,
/// then one to three words, mostly [`COMMON_WORDS`], so common words are as frequent as in the
/// real registry and searches meet long lists of them.
pub fn synthetic_names(n: usize, seed: u64) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut keys = HashSet::with_capacity(n);
    let mut names = Vec::with_capacity(n);
    while names.len() < n {
        let count = rng.random_range(2..=4);
        let mut words = vec![made_up_word(&mut rng)];
        while words.len() < count {
            let word = if rng.random_bool(0.7) {
                (*COMMON_WORDS.choose(&mut rng).expect("common words")).to_owned()
            } else {
                made_up_word(&mut rng)
            };
            if !words.contains(&word) {
                words.push(word);
            }
        }
        let name = format!("PT {}", words.join(" "));
        if keys.insert(name_key(&name)) {
            names.push(name);
        }
    }
    names
}

fn made_up_word(rng: &mut StdRng) -> String {
    let syllables = rng.random_range(2..=3);
    let mut word: String = (0..syllables)
        .map(|_| *SYLLABLES.choose(rng).expect("syllables"))
        .collect();
    if rng.random_bool(0.3) {
        word.push_str(ENDINGS.choose(rng).expect("endings"));
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
