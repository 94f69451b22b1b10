//! The Kepmendagri region tree (province → kabupaten/kota → kecamatan → desa/kelurahan).
//!
//! Codes are hierarchical (`32`, `32.12`, `32.12.16`, `32.12.16.2004`), so the parent and the whole
//! ancestor path follow from the code itself; the tree only adds names.

use crate::Invalid;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// The official tree shipped inside the binary (Kepmendagri 300.2.2-2138/2025, MIT licence in
/// `crates/core/data/wilayah/LICENSE`).
pub const OFFICIAL_CSV: &str = include_str!("../data/wilayah/wilayah.csv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Provinsi,
    Kabupaten,
    Kecamatan,
    Desa,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Provinsi => "provinsi",
            Level::Kabupaten => "kabupaten",
            Level::Kecamatan => "kecamatan",
            Level::Desa => "desa",
        }
    }
}

/// A syntactically valid region code at any level.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

impl RegionCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        match self.0.len() {
            2 => Level::Provinsi,
            5 => Level::Kabupaten,
            8 => Level::Kecamatan,
            _ => Level::Desa,
        }
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.0
            .rfind('.')
            .map(|i| RegionCode(self.0[..i].to_owned()))
    }

    /// From the province down to this code itself.
    pub fn path(&self) -> Vec<RegionCode> {
        let mut path = vec![self.clone()];
        while let Some(parent) = path.last().and_then(RegionCode::parent) {
            path.push(parent);
        }
        path.reverse();
        path
    }

    /// Whether `other` is this region or lies inside it.
    pub fn contains(&self, other: &RegionCode) -> bool {
        other.0 == self.0
            || (other.0.starts_with(&self.0) && other.0.as_bytes()[self.0.len()] == b'.')
    }
}

impl FromStr for RegionCode {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        let parts: Vec<&str> = s.split('.').collect();
        let widths = [2, 2, 2, 4];
        let well_formed = !parts.is_empty()
            && parts.len() <= 4
            && parts
                .iter()
                .zip(widths)
                .all(|(p, w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
        if well_formed {
            Ok(RegionCode(s.to_owned()))
        } else {
            Err(Invalid::new(
                "kode_wilayah",
                format!(
                    "«{s}» bukan kode wilayah Kemendagri; contoh: 32, 32.12, 32.12.16 atau 32.12.16.2004"
                ),
            ))
        }
    }
}

impl TryFrom<String> for RegionCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        s.parse()
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Region {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
}

/// The whole tree in memory: lookups by code in O(1) and name search over ~92,000 names.
pub struct RegionTree {
    regions: Vec<Region>,
    folded_names: Vec<String>,
    by_code: HashMap<String, usize>,
}

/// A region with the names of its ancestors, for display and the API.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RegionView {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<RegionCode>,
    /// Ancestors from the province down, then the region itself.
    pub path: Vec<PathStep>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PathStep {
    pub code: RegionCode,
    pub name: String,
}

impl RegionView {
    /// "Kenanga, Sindang, Kabupaten Indramayu, Jawa Barat".
    pub fn full_name(&self) -> String {
        self.path
            .iter()
            .rev()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl RegionTree {
    pub fn official() -> Self {
        Self::parse(OFFICIAL_CSV).expect("the shipped region tree is valid")
    }

    /// Parses `kode,nama` lines (names may be double-quoted when they contain commas).
    pub fn parse(csv: &str) -> Result<Self, String> {
        let mut regions = Vec::with_capacity(92_000);
        for (n, line) in csv.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let (code, name) = line
                .split_once(',')
                .ok_or_else(|| format!("baris {}: tidak ada koma", n + 1))?;
            let code: RegionCode = code
                .parse()
                .map_err(|e: Invalid| format!("baris {}: {}", n + 1, e.message))?;
            let name = name.trim().trim_matches('"').to_owned();
            regions.push(Region {
                level: code.level(),
                code,
                name,
            });
        }
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        let by_code = regions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.0.clone(), i))
            .collect();
        let folded_names = regions.iter().map(|r| fold(&r.name)).collect();
        Ok(RegionTree {
            regions,
            folded_names,
            by_code,
        })
    }

    pub fn len(&self) -> usize {
        self.regions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    pub fn count(&self, level: Level) -> usize {
        self.regions.iter().filter(|r| r.level == level).count()
    }

    pub fn get(&self, code: &RegionCode) -> Option<&Region> {
        self.by_code.get(code.as_str()).map(|&i| &self.regions[i])
    }

    pub fn view(&self, code: &RegionCode) -> Option<RegionView> {
        let region = self.get(code)?;
        let path = code
            .path()
            .into_iter()
            .map(|c| PathStep {
                name: self.get(&c).map(|r| r.name.clone()).unwrap_or_default(),
                code: c,
            })
            .collect();
        Some(RegionView {
            code: region.code.clone(),
            name: region.name.clone(),
            level: region.level,
            parent: code.parent(),
            path,
        })
    }

    /// Direct children of a region, or the provinces when `parent` is `None`.
    pub fn children(&self, parent: Option<&RegionCode>) -> Vec<&Region> {
        match parent {
            None => self
                .regions
                .iter()
                .filter(|r| r.level == Level::Provinsi)
                .collect(),
            Some(p) => {
                let start = self.regions.partition_point(|r| r.code <= *p);
                self.regions[start..]
                    .iter()
                    .take_while(|r| p.contains(&r.code))
                    .filter(|r| r.code.parent().as_ref() == Some(p))
                    .collect()
            }
        }
    }

    /// Regions whose name contains every word of the query; whole-name matches first, then
    /// name-starts-with, then the rest, higher levels before lower ones.
    pub fn search(&self, query: &str, level: Option<Level>, limit: usize) -> Vec<&Region> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, usize)> = self
            .folded_names
            .iter()
            .enumerate()
            .filter(|(i, name)| {
                level.is_none_or(|l| self.regions[*i].level == l)
                    && words.iter().all(|w| name.contains(w))
            })
            .map(|(i, name)| {
                let rank = if *name == query {
                    0
                } else if name.starts_with(&query) {
                    1
                } else {
                    2
                };
                (rank, i)
            })
            .collect();
        hits.sort_by_key(|&(rank, i)| (rank, self.regions[i].level, i));
        hits.into_iter()
            .take(limit)
            .map(|(_, i)| &self.regions[i])
            .collect()
    }
}

/// Lower case with "Kabupaten"/"Kota" prefixes kept: people type "indramayu" and "kab indramayu".
fn fold(s: &str) -> String {
    s.to_lowercase()
        .replace("kab.", "kabupaten")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What part of the tree a user may see: the whole nation or one region with everything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    National,
    Region(RegionCode),
}

impl Scope {
    pub fn covers(&self, code: &RegionCode) -> bool {
        match self {
            Scope::National => true,
            Scope::Region(r) => r.contains(code),
        }
    }

    /// Whether everything `inner` covers is covered by this scope.
    pub fn encloses(&self, inner: &Scope) -> bool {
        match inner {
            Scope::National => *self == Scope::National,
            Scope::Region(r) => self.covers(r),
        }
    }

    /// The stored form: an empty string for the nation, otherwise the region code.
    pub fn as_stored(&self) -> &str {
        match self {
            Scope::National => "",
            Scope::Region(r) => r.as_str(),
        }
    }

    pub fn from_stored(s: &str) -> Result<Scope, Invalid> {
        if s.trim().is_empty() {
            Ok(Scope::National)
        } else {
            Ok(Scope::Region(s.parse()?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static TREE: LazyLock<RegionTree> = LazyLock::new(RegionTree::official);

    fn code(s: &str) -> RegionCode {
        s.parse().unwrap()
    }

    #[test]
    fn the_official_tree_is_complete() {
        assert_eq!(TREE.count(Level::Provinsi), 38);
        assert_eq!(TREE.count(Level::Kabupaten), 514);
        assert_eq!(TREE.count(Level::Kecamatan), 7_285);
        assert_eq!(TREE.count(Level::Desa), 83_762);
    }

    #[test]
    fn pilot_villages_have_their_paths() {
        let kenanga = TREE.view(&code("32.12.16.2004")).unwrap();
        assert_eq!(kenanga.name, "Kenanga");
        assert_eq!(
            kenanga.full_name(),
            "Kenanga, Sindang, Kabupaten Indramayu, Jawa Barat"
        );
        let kuripan = TREE.view(&code("33.07.10.2004")).unwrap();
        assert_eq!(kuripan.path[2].name, "Watumalang");
        assert_eq!(kuripan.parent, Some(code("33.07.10")));
    }

    #[test]
    fn quoted_names_keep_their_commas() {
        assert_eq!(
            TREE.get(&code("12.07.28.1007")).unwrap().name,
            "Lubuk Pakam I,II"
        );
    }

    #[test]
    fn codes_are_parsed_strictly() {
        for bad in [
            "",
            "3",
            "321",
            "32.1",
            "32.12.16.204",
            "32.12.16.20045",
            "32-12",
            "ab",
            "32.12.16.2004.1",
        ] {
            assert!(
                bad.parse::<RegionCode>().is_err(),
                "{bad} should be refused"
            );
        }
        assert_eq!(code("32.12").level(), Level::Kabupaten);
        assert_eq!(code(" 32.12.16 ").as_str(), "32.12.16");
    }

    #[test]
    fn containment_respects_segment_boundaries() {
        assert!(code("32.12").contains(&code("32.12.16.2004")));
        assert!(code("32.12").contains(&code("32.12")));
        assert!(!code("32.12.16.2004").contains(&code("32.12.16")));
        assert!(!code("33").contains(&code("32.12")));
    }

    #[test]
    fn search_ranks_exact_names_first() {
        let hits = TREE.search("kenanga", Some(Level::Desa), 100);
        assert!(hits.iter().any(|r| r.code.as_str() == "32.12.16.2004"));
        assert!(
            hits.iter()
                .all(|r| r.name.to_lowercase().contains("kenanga"))
        );
        let kab = TREE.search("kab indramayu", None, 5);
        assert_eq!(kab[0].code.as_str(), "32.12");
        assert!(TREE.search("   ", None, 5).is_empty());
        assert!(TREE.search("tidakadadesaini", None, 5).is_empty());
    }

    #[test]
    fn children_of_a_kecamatan_are_its_villages() {
        let villages = TREE.children(Some(&code("32.12.16")));
        assert!(villages.iter().any(|r| r.name == "Kenanga"));
        assert!(
            villages
                .iter()
                .all(|r| r.code.parent() == Some(code("32.12.16")))
        );
        assert_eq!(TREE.children(None).len(), 38);
    }

    #[test]
    fn scopes() {
        let kab = Scope::Region(code("32.12"));
        assert!(kab.covers(&code("32.12.16.2004")));
        assert!(!kab.covers(&code("33.07.10.2004")));
        assert!(Scope::National.encloses(&kab));
        assert!(!kab.encloses(&Scope::National));
        assert!(kab.encloses(&Scope::Region(code("32.12.16"))));
        assert_eq!(Scope::from_stored("").unwrap(), Scope::National);
        assert_eq!(Scope::from_stored("32.12").unwrap(), kab);
    }
}
