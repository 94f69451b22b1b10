//! Synthetic people for demos and benchmarks: households of 2–6 people in real villages of the
//! official region tree, with valid NIKs of the village's kecamatan (day + 40 for women, unique
//! serials), dusun/RT/RW, and for about 15% of adults a migration episode whose destination,
//! occupation, stage and dates follow the national figures (DOMAIN.md §5), with the transition
//! history and document checklist a real episode would have.
//!
//! Deterministic: the same seed, villages, count and `today` give the same people (names, NIKs,
//! KK numbers, dates, stages). Record ids (UUIDv7) and ciphertexts (random nonces) differ per run.
//!
//! Fast: a generator thread builds and seals (encrypts and indexes) the personal numbers while the
//! database task writes the previous batch through the batch writer the import uses too
//! ([`crate::bulk`]: multi-row INSERTs on SQLite, `COPY` on PostgreSQL).
//!
//! Audit: the load is ONE transaction with ONE audit entry (`synth.load`, by the system actor,
//! with the counts) instead of an entry and a change-log row per record: it is not a user action,
//! and synthetic people must never be picked up by synchronisation, so no change-log rows are
//! written. Villages not yet served are added through [`villages::add`], audited as usual.

use crate::audit::{self, Actor, Event};
use crate::bulk::{
    self, BATCH_PERSONS, Batch, DocumentOut, HouseholdOut, PersonOut, TransitionOut,
};
use crate::registry::{
    EpisodeRow, HouseholdRecord, KK_CONTEXT, NIK_CONTEXT, PersonRecord, RequirementRow,
};
use crate::{Db, DbError, Result, Tx, villages};
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use desmigratif_core::crypto::Keys;
use desmigratif_core::id::Id;
use desmigratif_core::migration::Stage;
use desmigratif_core::nik::{self, Nik, Sex};
use desmigratif_core::region::{Level, RegionCode, RegionTree};
use desmigratif_core::registry::ValidPerson;
use desmigratif_core::village::VillageProfile;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The top sending provinces (DOMAIN.md §5: East, West and Central Java, NTB): where villages
/// are drawn from when no region is given.
pub const SENDING_PROVINCES: [&str; 4] = ["32", "33", "35", "52"];

// ---------------------------------------------------------------------------------------------
// Choosing villages

/// Every desa (not kelurahan) within `prefix`, in code order. Desa codes have 2 or 3 as the first
/// of their last four digits (DOMAIN.md §6.2); kelurahan have 1 and are not rural villages.
pub fn desa_within(tree: &RegionTree, prefix: &RegionCode) -> Vec<RegionCode> {
    let mut out = Vec::new();
    let mut stack = vec![prefix.clone()];
    if prefix.level() == Level::Desa {
        return if tree.get(prefix).is_some() {
            vec![prefix.clone()]
        } else {
            Vec::new()
        };
    }
    while let Some(code) = stack.pop() {
        for child in tree.children(Some(&code)) {
            if child.level == Level::Desa {
                let last = child.code.as_str().rsplit('.').next().unwrap_or_default();
                if last.starts_with('2') || last.starts_with('3') {
                    out.push(child.code.clone());
                }
            } else {
                stack.push(child.code.clone());
            }
        }
    }
    out.sort();
    out
}

/// `k` desa within the prefixes (all of them when `k` is `None` or larger), drawn with `seed`
/// and returned in code order.
pub fn pick_villages(
    tree: &RegionTree,
    prefixes: &[RegionCode],
    k: Option<usize>,
    seed: u64,
) -> Vec<RegionCode> {
    let mut all: Vec<RegionCode> = prefixes.iter().flat_map(|p| desa_within(tree, p)).collect();
    all.sort();
    all.dedup();
    if let Some(k) = k
        && k < all.len()
    {
        let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_u64);
        // Partial Fisher–Yates: the first k are a uniform sample.
        for i in 0..k {
            let j = rng.random_range(i..all.len());
            all.swap(i, j);
        }
        all.truncate(k);
        all.sort();
    }
    all
}

// ---------------------------------------------------------------------------------------------
// Plain synthetic data (no keys, no database)

#[derive(Debug, Clone, PartialEq)]
pub struct SynthHousehold {
    pub village_code: String,
    /// The 16-digit Kartu Keluarga number: kecamatan, issue date, serial.
    pub kk: String,
    pub dusun: String,
    pub rt: String,
    pub rw: String,
    pub address: String,
    pub members: Vec<SynthPerson>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SynthPerson {
    pub nik: Nik,
    pub name: String,
    pub sex: Sex,
    pub birth_place: String,
    pub birth_date: NaiveDate,
    /// A code of `catalog::RELATIONSHIPS`.
    pub relationship: &'static str,
    pub phone: String,
    pub education: &'static str,
    pub marital_status: &'static str,
    pub skills: String,
    pub passport: Option<String>,
    pub passport_expiry: Option<NaiveDate>,
    /// What `nik::warnings` says about this person (only the under-18 warning, for children).
    pub warnings: Vec<String>,
    /// Oldest first, so the last one is the latest (ids are made in this order).
    pub episodes: Vec<SynthEpisode>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SynthEpisode {
    pub stage: Stage,
    pub destination: &'static str,
    pub occupation: &'static str,
    pub employer: String,
    pub agency: String,
    pub route: &'static str,
    pub procedural: bool,
    pub siapkerja_id: String,
    pub contract_start: Option<NaiveDate>,
    pub contract_end: Option<NaiveDate>,
    pub departed_on: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    pub last_contact_on: Option<NaiveDate>,
    pub handover_on: Option<NaiveDate>,
    pub handover_note: String,
    /// Every stage the episode went through, with its date, from `interested` to `stage`.
    pub path: Vec<(Stage, NaiveDate)>,
    /// When the documents stage began, for the checklist dates.
    pub documents_on: Option<NaiveDate>,
}

/// Next free serial per NIK (or KK) prefix of 12 digits (kecamatan + date). Shared between the
/// generator and the loader, which renumbers a NIK that turns out to be registered already.
#[derive(Debug, Default)]
pub struct Serials {
    nik: HashMap<u64, u16>,
    kk: HashMap<u64, u16>,
}

impl Serials {
    fn next(map: &mut HashMap<u64, u16>, first12: &str) -> Option<String> {
        let key: u64 = first12.parse().ok()?;
        // Serials count every number ever issued there that day, including people who moved
        // away or died, so they start somewhere in the first few dozen rather than always at 1.
        let serial = map
            .entry(key)
            .or_insert((key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as u16);
        if *serial >= 9999 {
            return None;
        }
        *serial += 1;
        Some(format!("{first12}{:04}", *serial))
    }
}

type SharedSerials = Arc<Mutex<Serials>>;

fn next_number(serials: &SharedSerials, kk: bool, first12: &str) -> Result<String> {
    let mut s = serials.lock().unwrap_or_else(|e| e.into_inner());
    let map = if kk { &mut s.kk } else { &mut s.nik };
    Serials::next(map, first12)
        .ok_or_else(|| DbError::Conflict(format!("nomor urut untuk {first12}… sudah habis (9999)")))
}

struct VillageCtx {
    code: String,
    /// "321216": the kecamatan part of NIK and KK numbers.
    nik_prefix: String,
    village_name: String,
    birth_place: String,
    /// (dusun, [(rw, number of RTs)])
    dusuns: Vec<(String, Vec<(u16, u16)>)>,
    quota: usize,
}

/// Makes households village after village until the requested number of people is reached.
pub struct Generator {
    rng: StdRng,
    today: NaiveDate,
    villages: Vec<VillageCtx>,
    village: usize,
    made_in_village: usize,
    /// Just the kecamatan of the villages, for `nik::warnings`.
    tree: RegionTree,
    serials: SharedSerials,
}

impl Generator {
    /// `villages` must be desa codes of `tree`; `persons` is spread over them with some variation
    /// in size.
    pub fn new(
        tree: &RegionTree,
        villages: &[RegionCode],
        persons: usize,
        seed: u64,
        today: NaiveDate,
    ) -> Result<Generator> {
        if villages.is_empty() {
            return Err(DbError::Setup(
                "tidak ada desa untuk diisi data sintetis".into(),
            ));
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let mut mini = String::from("kode,nama\n");
        let mut ctx = Vec::with_capacity(villages.len());
        let mut weights = Vec::with_capacity(villages.len());
        for code in villages {
            let view = tree
                .view(code)
                .filter(|v| v.level == Level::Desa)
                .ok_or_else(|| {
                    DbError::Setup(format!(
                        "{code} bukan kode desa dalam daftar wilayah Kemendagri"
                    ))
                })?;
            let kecamatan = code.parent().expect("a desa has a kecamatan");
            for step in &view.path[..view.path.len() - 1] {
                let _ = writeln!(mini, "{},\"{}\"", step.code, step.name.replace('"', ""));
            }
            let kabupaten = view
                .path
                .get(1)
                .map(|s| s.name.as_str())
                .unwrap_or_default();
            let birth_place = kabupaten
                .trim_start_matches("Kabupaten ")
                .trim_start_matches("Kota ")
                .trim_start_matches("Kab. ")
                .to_owned();
            let dusuns = make_dusuns(&mut rng, &view.name);
            weights.push(rng.random_range(0.6..1.4f64));
            ctx.push(VillageCtx {
                code: code.as_str().to_owned(),
                nik_prefix: kecamatan.as_str().replace('.', ""),
                village_name: view.name.clone(),
                birth_place,
                dusuns,
                quota: 0,
            });
        }
        // Quotas proportional to the weights, summing exactly to `persons`.
        let total: f64 = weights.iter().sum();
        let mut given = 0usize;
        let mut acc = 0f64;
        for (c, w) in ctx.iter_mut().zip(&weights) {
            acc += w;
            let upto = ((acc / total) * persons as f64).round() as usize;
            c.quota = upto.saturating_sub(given);
            given = upto;
        }
        if let Some(last) = ctx.last_mut() {
            last.quota += persons - given.min(persons);
        }
        let tree = RegionTree::parse(&mini).map_err(DbError::Setup)?;
        Ok(Generator {
            rng,
            today,
            villages: ctx,
            village: 0,
            made_in_village: 0,
            tree,
            serials: Arc::default(),
        })
    }

    pub fn serials(&self) -> SharedSerials {
        self.serials.clone()
    }

    fn household(&mut self) -> Option<SynthHousehold> {
        while self.village < self.villages.len()
            && self.made_in_village >= self.villages[self.village].quota
        {
            self.village += 1;
            self.made_in_village = 0;
        }
        let vi = self.village;
        let left = self.villages.get(vi)?.quota - self.made_in_village;
        let size = (*pick(
            &mut self.rng,
            &[(2usize, 15), (3, 25), (4, 28), (5, 20), (6, 12)],
        ))
        .min(left);
        self.made_in_village += size;
        let today = self.today;
        let rng = &mut self.rng;
        let v = &self.villages[vi];

        // Where the family lives.
        let (dusun, rws) = &v.dusuns[rng.random_range(0..v.dusuns.len())];
        let dusun = dusun.clone();
        let (rw, rts) = rws[rng.random_range(0..rws.len())];
        let rt = rng.random_range(1..=rts);
        let address = if rng.random_bool(0.5) {
            format!(
                "Jl. {} No. {}",
                pick(rng, STREETS).replace("{desa}", &v.village_name),
                rng.random_range(1..=150)
            )
        } else {
            format!("{} RT {rt:03}/RW {rw:03}", dusun)
        };

        // Who lives there: a head, usually a spouse, children, sometimes a parent or a grandchild.
        let mut plan: Vec<(Sex, u32, &'static str)> = Vec::with_capacity(size);
        let head_age = rng.random_range(24..=48) + rng.random_range(0..=22);
        let female_head = rng.random_bool(0.13);
        let head_sex = if female_head { Sex::P } else { Sex::L };
        plan.push((head_sex, head_age, "kepala_keluarga"));
        let mother_age = if !female_head && size >= 2 {
            let age = head_age.saturating_sub(rng.random_range(0..=8)).max(19);
            plan.push((Sex::P, age, "istri"));
            age
        } else {
            head_age
        };
        if plan.len() < size && head_age < 56 && rng.random_bool(0.12) {
            let parent_sex = if rng.random_bool(0.7) { Sex::P } else { Sex::L };
            let rel = if rng.random_bool(0.5) {
                "orang_tua"
            } else {
                "mertua"
            };
            plan.push((
                parent_sex,
                (head_age + rng.random_range(20..=30)).min(92),
                rel,
            ));
        }
        if plan.len() + 2 <= size && head_age >= 52 && rng.random_bool(0.3) {
            let sex = if rng.random_bool(0.5) { Sex::P } else { Sex::L };
            plan.push((sex, rng.random_range(21..=33), "menantu"));
            let grandchild_sex = if rng.random_bool(0.5) { Sex::P } else { Sex::L };
            plan.push((grandchild_sex, rng.random_range(0..=9), "cucu"));
        }
        while plan.len() < size {
            let sex = if rng.random_bool(0.5) { Sex::P } else { Sex::L };
            let max = mother_age.saturating_sub(18).clamp(0, 30);
            plan.push((sex, rng.random_range(0..=max), "anak"));
        }

        // The KK was issued when the family was formed (or re-issued since 2010).
        let kk_issue = today - Days::new(rng.random_range(30..=365 * 14));
        let kk_first12 = format!("{}{}", v.nik_prefix, kk_issue.format("%d%m%y"));
        let kk = next_number(&self.serials, true, &kk_first12).ok()?;

        let mut members = Vec::with_capacity(size);
        for (sex, age, relationship) in plan {
            members.push(self.person(vi, sex, age, relationship)?);
        }
        Some(SynthHousehold {
            village_code: self.villages[vi].code.clone(),
            kk,
            dusun,
            rt: format!("{rt:03}"),
            rw: format!("{rw:03}"),
            address,
            members,
        })
    }

    fn person(
        &mut self,
        vi: usize,
        sex: Sex,
        age: u32,
        relationship: &'static str,
    ) -> Option<SynthPerson> {
        let today = self.today;
        let rng = &mut self.rng;
        let v = &self.villages[vi];
        let birth_date = birth_date(today, age, rng.random_range(0..365));
        let day = birth_date.day() + if sex == Sex::P { 40 } else { 0 };
        let first12 = format!("{}{day:02}{}", v.nik_prefix, birth_date.format("%m%y"));
        let nik = next_number(&self.serials, false, &first12).ok()?;
        let nik = Nik::parse(&nik).ok()?;
        let name = person_name(rng, sex, age);
        let birth_place = if rng.random_bool(0.86) {
            v.birth_place.clone()
        } else {
            (*pick(rng, BIRTH_PLACES)).to_owned()
        };
        let adult = age >= 17;
        let phone = if age >= 15 && rng.random_bool(0.75) {
            format!(
                "08{}{:08}",
                pick(rng, PHONE_PREFIXES),
                rng.random_range(0..100_000_000u32)
            )
        } else {
            String::new()
        };
        let education = match age {
            0..=6 => "tidak_sekolah",
            7..=12 => "tidak_sekolah",
            13..=15 => "sd",
            16..=18 => "smp",
            19..=40 => *pick(
                rng,
                &[
                    ("sd", 15),
                    ("smp", 33),
                    ("sma", 38),
                    ("d3", 5),
                    ("s1", 8),
                    ("s2", 1),
                ],
            ),
            _ => *pick(
                rng,
                &[
                    ("tidak_sekolah", 8),
                    ("sd", 42),
                    ("smp", 27),
                    ("sma", 18),
                    ("d3", 2),
                    ("s1", 3),
                ],
            ),
        };
        let marital_status = match relationship {
            "kepala_keluarga" if sex == Sex::P => *pick(
                rng,
                &[("cerai_mati", 55), ("cerai_hidup", 35), ("kawin", 10)],
            ),
            "kepala_keluarga" | "istri" | "suami" | "menantu" => "kawin",
            "orang_tua" | "mertua" => *pick(rng, &[("kawin", 50), ("cerai_mati", 50)]),
            _ if age >= 22 && rng.random_bool(0.25) => {
                *pick(rng, &[("kawin", 70), ("cerai_hidup", 30)])
            }
            _ => "belum_kawin",
        };
        let mut p = SynthPerson {
            warnings: nik::warnings(&nik, Some(birth_date), Some(sex), &self.tree, today),
            nik,
            name,
            sex,
            birth_place,
            birth_date,
            relationship,
            phone,
            education,
            marital_status,
            skills: String::new(),
            passport: None,
            passport_expiry: None,
            episodes: Vec::new(),
        };
        if adult {
            self.migration(&mut p, age);
        }
        Some(p)
    }

    /// About 15% of adults: women of 18–45 most, then men of that age, few older people (mostly
    /// returned).
    fn migration(&mut self, p: &mut SynthPerson, age: u32) {
        let rng = &mut self.rng;
        let chance = match (p.sex, age) {
            (_, 0..=17) => 0.0,
            (Sex::P, 18..=45) => 0.30,
            (Sex::L, 18..=45) => 0.17,
            (_, 46..=55) => 0.10,
            _ => 0.04,
        };
        if !rng.random_bool(chance) {
            return;
        }
        let today = self.today;
        let stage = if age > 50 {
            *pick(
                rng,
                &[
                    (Stage::Returned, 75),
                    (Stage::Working, 20),
                    (Stage::LostContact, 3),
                    (Stage::Deceased, 2),
                ],
            )
        } else {
            *pick(rng, STAGES)
        };
        // Some who are abroad or preparing again went before and came back.
        if age >= 28
            && !matches!(stage, Stage::Returned | Stage::Cancelled | Stage::Deceased)
            && rng.random_bool(0.2)
        {
            let back = today - Days::new(rng.random_range(200..=1500));
            let earlier = episode(rng, p.sex, age, Stage::Returned, today, Some(back));
            p.episodes.push(earlier);
        }
        let current = episode(rng, p.sex, age, stage, today, None);
        if p.skills.is_empty() && rng.random_bool(0.5) {
            p.skills = skill_for(current.occupation).to_owned();
        }
        p.episodes.push(current);

        // A passport from the documents stage on, renewed abroad when it ran out; a few expire soon.
        let docs = p.episodes.iter().rev().find_map(|e| e.documents_on);
        if let Some(on) = docs {
            let issued = on + Days::new(rng.random_range(5..=30));
            let mut expiry = passport_expiry(issued);
            let abroad = stage.is_abroad();
            while abroad && expiry < today {
                expiry = passport_expiry(expiry - Days::new(rng.random_range(30..=120)));
            }
            if !stage.is_final() && rng.random_bool(0.06) {
                expiry = today + Days::new(rng.random_range(0..=180));
            }
            p.passport = Some(format!(
                "{}{:07}",
                pick(rng, &[('C', 30), ('E', 40), ('X', 30)]),
                rng.random_range(0..10_000_000u32)
            ));
            p.passport_expiry = Some(expiry);
        }
    }
}

impl Iterator for Generator {
    type Item = SynthHousehold;
    fn next(&mut self) -> Option<SynthHousehold> {
        self.household()
    }
}

/// Indonesian passports issued since 12 October 2022 are valid for 10 years, before for 5.
fn passport_expiry(issued: NaiveDate) -> NaiveDate {
    let years = if issued >= NaiveDate::from_ymd_opt(2022, 10, 12).expect("valid date") {
        10
    } else {
        5
    };
    issued
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(issued)
}

fn birth_date(today: NaiveDate, age: u32, extra_days: u64) -> NaiveDate {
    let year_ago = today
        .checked_sub_months(Months::new(12 * age))
        .unwrap_or(today);
    year_ago - Days::new(extra_days.min(364) + 1)
}

fn days(rng: &mut StdRng, lo: u64, hi: u64) -> Days {
    Days::new(rng.random_range(lo..=hi))
}

fn contract_months(destination: &str) -> u32 {
    match destination {
        "TW" | "JP" | "KR" => 36,
        _ => 24,
    }
}

/// One episode ending in `stage`, with dates consistent with `today`. `returned_by` forces an
/// earlier, finished episode to end before that date.
fn episode(
    rng: &mut StdRng,
    sex: Sex,
    age: u32,
    stage: Stage,
    today: NaiveDate,
    returned_by: Option<NaiveDate>,
) -> SynthEpisode {
    use Stage::*;
    let destination = *pick(
        rng,
        if sex == Sex::P {
            DESTINATIONS_WOMEN
        } else {
            DESTINATIONS_MEN
        },
    );
    let occupation = *pick(rng, occupations(sex, destination));
    let route = match destination {
        "KR" => *pick(rng, &[("g2g", 70), ("p3mi", 30)]),
        "JP" => *pick(rng, &[("p3mi", 70), ("g2g", 30)]),
        _ => *pick(rng, &[("p3mi", 88), ("mandiri", 12)]),
    };
    let procedural = route != "mandiri" || rng.random_bool(0.5);
    let months = contract_months(destination);
    let mut e = SynthEpisode {
        stage,
        destination,
        occupation,
        employer: String::new(),
        agency: match route {
            "p3mi" => (*pick(rng, AGENCIES)).to_owned(),
            "g2g" => "BP2MI (Government to Government)".to_owned(),
            _ => String::new(),
        },
        route,
        procedural,
        siapkerja_id: String::new(),
        contract_start: None,
        contract_end: None,
        departed_on: None,
        returned_on: None,
        last_contact_on: None,
        handover_on: None,
        handover_note: String::new(),
        path: Vec::new(),
        documents_on: None,
    };
    let goes_abroad = matches!(
        stage,
        Departed | Working | LostContact | Returned | Deceased
    );
    if goes_abroad {
        // The departure date, then the pre-departure steps counted back from it.
        let departed = match (stage, returned_by) {
            (_, Some(by)) => by - Days::new(u64::from(months) * 30 + rng.random_range(0..=60)),
            (Departed, _) => today - days(rng, 0, 25),
            (Working, _) => today - days(rng, 20, if age < 30 { 1400 } else { 2400 }),
            (LostContact, _) => today - days(rng, 200, 2500),
            (Deceased, _) => today - days(rng, 100, 2000),
            _ => {
                today
                    - days(
                        rng,
                        400,
                        3650.min(u64::from(age.saturating_sub(18)) * 365 + 400),
                    )
            }
        };
        let registered = departed - days(rng, 7, 40);
        let training = rng.random_bool(0.7).then(|| registered - days(rng, 20, 60));
        let documents = training.unwrap_or(registered) - days(rng, 10, 40);
        let counselled = documents - days(rng, 3, 20);
        let interested = counselled - days(rng, 1, 30);
        e.path = vec![
            (Interested, interested),
            (Counselled, counselled),
            (Documents, documents),
        ];
        if let Some(t) = training {
            e.path.push((Training, t));
        }
        e.path.push((Registered, registered));
        e.path.push((Departed, departed));
        e.documents_on = Some(documents);
        e.departed_on = Some(departed);
        e.employer = employer(rng, destination, occupation);
        if procedural {
            e.siapkerja_id = format!(
                "PMI{}{:08}",
                departed.format("%y"),
                rng.random_range(0..100_000_000u32)
            );
        }
        let start = departed + days(rng, 1, 10);
        let mut end = start
            .checked_add_months(Months::new(months))
            .unwrap_or(start);
        let mut start = start;
        let arrived = departed + days(rng, 1, 10);
        match stage {
            Departed => {
                e.last_contact_on = Some(departed);
            }
            Working => {
                // Contracts renewed while still working: the current one ends in the coming months.
                while end < today {
                    start = end + Days::new(1);
                    end = start
                        .checked_add_months(Months::new(months))
                        .unwrap_or(start);
                }
                let contact = if rng.random_bool(0.1) {
                    today - days(rng, 92, 400)
                } else {
                    today - days(rng, 0, 60)
                };
                e.last_contact_on = Some(contact.max(arrived));
                e.path.push((Working, arrived.min(today)));
            }
            LostContact => {
                let contact = (today - days(rng, 100, 900)).max(arrived);
                e.last_contact_on = Some(contact);
                e.path.push((Working, arrived.min(contact)));
                e.path
                    .push((LostContact, (contact + days(rng, 60, 120)).min(today)));
            }
            Deceased => {
                let died = (today - days(rng, 0, 700))
                    .max(arrived + Days::new(30))
                    .min(today);
                e.last_contact_on = Some(died);
                e.path.push((Working, arrived.min(died)));
                e.path.push((Deceased, died));
            }
            _ => {
                // Returned: at the end of the contract, a few early; handover recorded for most.
                let limit = returned_by.unwrap_or(today);
                let mut back = if rng.random_bool(0.1) {
                    arrived + days(rng, 30, 300)
                } else {
                    end + days(rng, 0, 20)
                };
                if back > limit {
                    back = limit - days(rng, 0, 30);
                }
                let back = back.max(arrived + Days::new(1));
                e.returned_on = Some(back);
                e.last_contact_on = Some(back);
                e.path.push((Working, arrived));
                e.path.push((Returned, back));
                if returned_by.is_some() || rng.random_bool(0.7) {
                    let on = (back + days(rng, 0, 40)).min(today);
                    e.handover_on = Some(on);
                    e.handover_note =
                        "Serah terima kepada keluarga dan pemerintah desa; kondisi sehat".into();
                }
            }
        }
        e.contract_start = Some(start);
        e.contract_end = Some(end);
    } else {
        // Still preparing, or stopped before leaving.
        let (last, ended) = match stage {
            Cancelled => (
                *pick(
                    rng,
                    &[
                        (Interested, 40),
                        (Counselled, 35),
                        (Documents, 15),
                        (Training, 5),
                        (Registered, 5),
                    ],
                ),
                Some(Cancelled),
            ),
            FailedDeparture => (
                *pick(rng, &[(Documents, 40), (Training, 30), (Registered, 30)]),
                Some(FailedDeparture),
            ),
            other => (other, None),
        };
        let span = if ended.is_some() { 900 } else { 240 };
        let mut on = today - days(rng, 0, span);
        let steps = [Interested, Counselled, Documents, Training, Registered];
        for s in steps {
            if s == Training && last != Training && rng.random_bool(0.3) {
                continue;
            }
            e.path.push((s, on));
            if s == Documents {
                e.documents_on = Some(on);
            }
            if s == last {
                break;
            }
            on = (on + days(rng, 5, 35)).min(today);
        }
        if let Some(end_stage) = ended {
            e.path.push((end_stage, (on + days(rng, 1, 30)).min(today)));
        }
        if matches!(last, Documents | Training | Registered) {
            e.employer = employer(rng, destination, occupation);
        }
        if last == Registered {
            if procedural {
                e.siapkerja_id = format!(
                    "PMI{}{:08}",
                    on.format("%y"),
                    rng.random_range(0..100_000_000u32)
                );
            }
            if ended.is_none() {
                let start = today + days(rng, 7, 90);
                e.contract_start = Some(start);
                e.contract_end = start.checked_add_months(Months::new(months));
            }
        }
    }
    e
}

fn employer(rng: &mut StdRng, destination: &str, occupation: &str) -> String {
    let household = matches!(
        occupation,
        "pengurus_rumah_tangga"
            | "pengasuh_bayi"
            | "pengasuh_lansia"
            | "pengasuh_anak"
            | "juru_masak"
            | "sopir_keluarga"
            | "perawat_taman"
    );
    let family = match destination {
        "TW" => pick(
            rng,
            &[
                ("Chen", 3),
                ("Lin", 3),
                ("Huang", 2),
                ("Chang", 2),
                ("Wang", 2),
                ("Li", 1),
                ("Wu", 1),
                ("Tsai", 1),
            ],
        ),
        "HK" => pick(
            rng,
            &[
                ("Chan", 3),
                ("Wong", 3),
                ("Lee", 2),
                ("Cheung", 2),
                ("Lau", 1),
                ("Ng", 1),
                ("Leung", 1),
            ],
        ),
        "SG" => pick(
            rng,
            &[("Tan", 3), ("Lim", 3), ("Ng", 1), ("Ong", 1), ("Goh", 1)],
        ),
        "MY" => pick(
            rng,
            &[
                ("Tan", 2),
                ("Ahmad", 2),
                ("Wong", 1),
                ("Ismail", 1),
                ("Lim", 1),
            ],
        ),
        "SA" => pick(
            rng,
            &[
                ("Al-Harbi", 2),
                ("Al-Qahtani", 2),
                ("Al-Ghamdi", 1),
                ("Al-Otaibi", 1),
            ],
        ),
        "JP" => pick(
            rng,
            &[
                ("Sato", 2),
                ("Suzuki", 2),
                ("Takahashi", 1),
                ("Tanaka", 1),
                ("Yamamoto", 1),
            ],
        ),
        _ => pick(rng, &[("Kim", 3), ("Lee", 2), ("Park", 2), ("Choi", 1)]),
    };
    if household {
        format!("Keluarga {family}")
    } else {
        let kind = match destination {
            "TW" | "HK" => pick(
                rng,
                &[("Co., Ltd.", 3), ("Industrial Co.", 1), ("Fishery Co.", 1)],
            ),
            "MY" => pick(rng, &[("Sdn. Bhd.", 3), ("Plantation Sdn. Bhd.", 2)]),
            "JP" => pick(rng, &[("Kabushiki Kaisha", 2), ("Care Center", 1)]),
            "KR" => pick(rng, &[("Co., Ltd.", 2), ("Industrial", 1)]),
            _ => pick(rng, &[("Company", 1), ("Trading", 1)]),
        };
        format!("{family} {kind}")
    }
}

fn skill_for(occupation: &str) -> &'static str {
    match occupation {
        "pengasuh_lansia" | "caregiver_institusi" => "Merawat lansia",
        "pengasuh_bayi" | "pengasuh_anak" => "Mengasuh anak",
        "pengurus_rumah_tangga" | "juru_masak" => "Memasak, membersihkan rumah",
        "sopir_keluarga" => "Mengemudi (SIM A)",
        "operator_pabrik" => "Operator mesin",
        "konstruksi" => "Pertukangan, las",
        "awak_kapal_perikanan" => "Melaut",
        "petugas_ladang" | "perawat_taman" => "Bertani, berkebun",
        _ => "Menjahit",
    }
}

fn make_dusuns(rng: &mut StdRng, village: &str) -> Vec<(String, Vec<(u16, u16)>)> {
    let n = rng.random_range(3..=6usize);
    let numbered = rng.random_bool(0.4);
    let mut names: Vec<String> = if numbered {
        const ROMAN: [&str; 6] = ["I", "II", "III", "IV", "V", "VI"];
        ROMAN[..n].iter().map(|r| format!("Dusun {r}")).collect()
    } else {
        let mut pool: Vec<&str> = DUSUN_NAMES.to_vec();
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let i = rng.random_range(0..pool.len());
            out.push(pool.swap_remove(i).replace("{desa}", village));
        }
        out
    };
    names.dedup();
    let mut rw = 0u16;
    names
        .into_iter()
        .map(|name| {
            let rws = (0..rng.random_range(1..=3))
                .map(|_| {
                    rw += 1;
                    (rw, rng.random_range(2..=6u16))
                })
                .collect();
            (name, rws)
        })
        .collect()
}

fn person_name(rng: &mut StdRng, sex: Sex, age: u32) -> String {
    let (first, second) = match sex {
        Sex::P => (WOMEN_FIRST, WOMEN_SECOND),
        Sex::L => (MEN_FIRST, MEN_SECOND),
    };
    let first = *pick(rng, first);
    // Older Javanese and Sundanese villagers often have one name only.
    let single = if age >= 45 { 0.45 } else { 0.2 };
    if rng.random_bool(single) || first.contains(' ') {
        first.to_owned()
    } else {
        format!("{first} {}", pick(rng, second))
    }
}

/// A weighted choice; the lists are short, so a linear scan.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut at = rng.random_range(0..total);
    for (item, w) in items {
        if at < *w {
            return item;
        }
        at -= w;
    }
    &items[items.len() - 1].0
}

// --- reference lists (fictional combinations of common names) ---------------------------------

#[rustfmt::skip]
const WOMEN_FIRST: &[(&str, u32)] = &[
    ("Siti", 40), ("Sri", 25), ("Nur", 12), ("Dewi", 10), ("Tarsih", 6), ("Wartini", 6), ("Kartini", 5), ("Rina", 6), ("Yuli", 6), ("Eni", 5),
    ("Nurhayati", 8), ("Sumiati", 6), ("Suminah", 4), ("Casmini", 4), ("Darsih", 4), ("Castini", 3), ("Rasminah", 3), ("Karsih", 4), ("Titin", 5),
    ("Lilis", 5), ("Euis", 4), ("Neneng", 4), ("Imas", 3), ("Yati", 5), ("Endang", 5), ("Ratna", 5), ("Fitri", 7), ("Indah", 6), ("Ayu", 6),
    ("Nia", 5), ("Lestari", 4), ("Maria", 3), ("Désy", 2), ("Renée", 1), ("Nur'aini", 4), ("Sa'adah", 2), ("Ruqayyah", 1), ("Khadijah", 3),
    ("Fatimah", 4), ("Aisyah", 5), ("Umi", 4), ("Erna", 4), ("Mimin", 3), ("Tuti", 4), ("Wulan", 4), ("Puji", 3), ("Ningsih", 4), ("Sulastri", 3),
    ("Kusmiati", 2), ("Rohayati", 3), ("Mu'minah", 2), ("Zulaikhâ", 1), ("Chusnul", 2), ("Anisa", 5),
];
#[rustfmt::skip]
const WOMEN_SECOND: &[(&str, u32)] = &[
    ("Aminah", 6), ("Rahayu", 6), ("Lestari", 5), ("Wulandari", 5), ("Susanti", 4), ("Hidayah", 4), ("Nurhaliza", 3), ("Permata", 2),
    ("Handayani", 4), ("Rohmah", 4), ("Hasanah", 4), ("Mu'awanah", 2), ("Kusuma", 2), ("Anggraini", 4), ("Safitri", 4), ("Oktaviani", 3),
    ("Utami", 4), ("Fatimah", 3), ("Maryam", 2), ("Khotimah", 3), ("Sholihah", 2), ("Ma'rifah", 1), ("Sari", 5), ("Purwanti", 3),
    ("Rahmawati", 4), ("Yuliani", 3), ("Marlina", 3), ("Zahrotun Ni'mah", 1),
];
#[rustfmt::skip]
const MEN_FIRST: &[(&str, u32)] = &[
    ("Agus", 12), ("Budi", 10), ("Slamet", 10), ("Joko", 7), ("Bambang", 6), ("Eko", 8), ("Dedi", 7), ("Asep", 8), ("Ujang", 5), ("Cecep", 4),
    ("Dadang", 4), ("Yusuf", 5), ("Ahmad", 10), ("Muhammad", 14), ("Abdul", 6), ("Rudi", 6), ("Hendra", 5), ("Wahyu", 6), ("Sutrisno", 4),
    ("Warsono", 4), ("Carsono", 3), ("Darto", 3), ("Tarno", 3), ("Sugeng", 4), ("Heri", 5), ("Iwan", 5), ("Andi", 6), ("Rizky", 6), ("Fajar", 5),
    ("Dimas", 4), ("Arif", 5), ("Ma'ruf", 3), ("Syafi'i", 2), ("Mu'min", 1), ("Ridwan", 4), ("Imam", 4), ("Lukman", 3), ("Fransiskus", 1),
    ("Yohanes", 1), ("André", 1), ("José", 1), ("Kasim", 2), ("Rohmat", 3), ("Taufik", 4), ("Zainal", 3), ("Anwar", 3), ("Nur Hidayat", 2),
    ("Casmadi", 2), ("Wartono", 2), ("Kusnadi", 3), ("Sa'id", 1),
];
#[rustfmt::skip]
const MEN_SECOND: &[(&str, u32)] = &[
    ("Hidayat", 6), ("Santoso", 6), ("Saputra", 6), ("Kurniawan", 5), ("Prasetyo", 5), ("Setiawan", 5), ("Maulana", 4), ("Ramadhan", 4),
    ("Wijaya", 3), ("Purnomo", 3), ("Fauzi", 4), ("Hakim", 3), ("Syahputra", 3), ("Ma'arif", 2), ("Pratama", 5), ("Susilo", 3), ("Riyadi", 3),
    ("Firmansyah", 4), ("Nugroho", 4), ("Gunawan", 3), ("Sholeh", 2), ("Mustofa", 3), ("Ni'am", 1), ("Hermawan", 3), ("Supriyadi", 3),
];
#[rustfmt::skip]
const DUSUN_NAMES: &[&str] = &[
    "Krajan", "Karangsari", "Sukamaju", "Tegalrejo", "Kidul", "Lor", "Wetan", "Kulon", "Sidomulyo", "Mekarsari", "Babakan", "Cikoneng",
    "Sukajadi", "Karanganyar", "Blok {desa}", "Pesisir", "Kaliwon", "Sumberagung", "Tanjungsari", "Gunungsari",
];
#[rustfmt::skip]
const STREETS: &[(&str, u32)] = &[
    ("Raya {desa}", 4), ("Mawar", 2), ("Melati", 2), ("Kenanga", 1), ("Masjid", 2), ("Pesantren", 1), ("Balai Desa", 2), ("Pasar", 1),
    ("Irigasi", 1), ("Merdeka", 1), ("Pahlawan", 1), ("Sawah", 1),
];
#[rustfmt::skip]
const BIRTH_PLACES: &[(&str, u32)] = &[
    ("Jakarta", 5), ("Bandung", 3), ("Semarang", 2), ("Surabaya", 2), ("Cirebon", 3), ("Batam", 1), ("Malang", 1), ("Bekasi", 2), ("Taipei", 1),
    ("Hong Kong", 1), ("Kuala Lumpur", 1),
];
#[rustfmt::skip]
const PHONE_PREFIXES: &[(&str, u32)] = &[
    ("12", 5), ("13", 4), ("21", 3), ("22", 3), ("52", 3), ("53", 2), ("57", 2), ("58", 1), ("77", 2), ("78", 1), ("81", 2), ("82", 1),
    ("85", 3), ("95", 2), ("96", 1),
];
#[rustfmt::skip]
const AGENCIES: &[(&str, u32)] = &[
    ("PT Sinar Mitra Sejahtera", 3), ("PT Bina Karya Mandiri", 3), ("PT Cahaya Abadi Nusantara", 2), ("PT Duta Putra Indah", 2),
    ("PT Mitra Jasa Utama", 2), ("PT Arta Graha Lestari", 1), ("PT Sumber Rejeki Insani", 1), ("PT Kasih Ibu Sejati", 1),
];
/// Destinations, per sex, so that together they follow the 2024–2025 placements (DOMAIN.md §5):
/// Hong Kong and Taiwan first, Malaysia, then Japan, Singapore, Korea and Saudi Arabia.
#[rustfmt::skip]
const DESTINATIONS_WOMEN: &[(&str, u32)] = &[("HK", 36), ("TW", 28), ("MY", 13), ("SG", 6), ("SA", 4), ("JP", 4), ("KR", 1)];
#[rustfmt::skip]
const DESTINATIONS_MEN: &[(&str, u32)] = &[("TW", 32), ("MY", 30), ("KR", 16), ("JP", 13), ("SA", 4), ("SG", 2), ("HK", 1)];
/// Where current episodes stand: most abroad, many back, some preparing or stopped.
const STAGES: &[(Stage, u32)] = &[
    (Stage::Working, 440),
    (Stage::Departed, 30),
    (Stage::LostContact, 30),
    (Stage::Returned, 220),
    (Stage::Deceased, 3),
    (Stage::Interested, 50),
    (Stage::Counselled, 40),
    (Stage::Documents, 60),
    (Stage::Training, 30),
    (Stage::Registered, 30),
    (Stage::Cancelled, 40),
    (Stage::FailedDeparture, 20),
];

/// Occupations by sex and destination, weighted towards the zero-cost domestic ones (Perban
/// BP2MI 9/2020; housemaids 33.7% and caregivers 17.5% of 2024 placements).
#[rustfmt::skip]
fn occupations(sex: Sex, destination: &str) -> &'static [(&'static str, u32)] {
    match (sex, destination) {
        (Sex::P, "HK" | "SG" | "SA") => &[("pengurus_rumah_tangga", 60), ("pengasuh_lansia", 15), ("pengasuh_bayi", 12), ("pengasuh_anak", 10), ("juru_masak", 3)],
        (Sex::P, "TW") => &[("pengasuh_lansia", 50), ("pengurus_rumah_tangga", 20), ("operator_pabrik", 25), ("caregiver_institusi", 5)],
        (Sex::P, "MY") => &[("pengurus_rumah_tangga", 45), ("operator_pabrik", 35), ("petugas_ladang", 10), ("perhotelan", 5), ("petugas_kebersihan", 5)],
        (Sex::P, "JP") => &[("caregiver_institusi", 50), ("operator_pabrik", 35), ("perawat", 10), ("perhotelan", 5)],
        (Sex::P, _) => &[("operator_pabrik", 90), ("lainnya", 10)],
        (Sex::L, "TW") => &[("operator_pabrik", 45), ("awak_kapal_perikanan", 30), ("konstruksi", 10), ("pengasuh_lansia", 10), ("petugas_ladang", 5)],
        (Sex::L, "MY") => &[("petugas_ladang", 45), ("konstruksi", 25), ("operator_pabrik", 20), ("sopir_keluarga", 5), ("perawat_taman", 5)],
        (Sex::L, "KR") => &[("operator_pabrik", 70), ("awak_kapal_perikanan", 20), ("konstruksi", 10)],
        (Sex::L, "JP") => &[("operator_pabrik", 45), ("konstruksi", 20), ("awak_kapal_perikanan", 15), ("petugas_ladang", 10), ("caregiver_institusi", 10)],
        (Sex::L, _) => &[("sopir_keluarga", 55), ("perawat_taman", 25), ("juru_masak", 10), ("petugas_kebersihan", 10)],
    }
}

// ---------------------------------------------------------------------------------------------
// Sealing and loading

/// What to load.
#[derive(Debug, Clone)]
pub struct Options {
    /// Desa codes; people are spread over them (see [`pick_villages`]).
    pub villages: Vec<RegionCode>,
    pub persons: usize,
    pub seed: u64,
    /// The date the data is "as of": ages, contracts and the monitoring windows count from it.
    pub today: NaiveDate,
}

/// What a load wrote and how long it took.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub villages: usize,
    /// Villages that were not served yet and were added.
    pub villages_added: usize,
    pub households: usize,
    pub persons: usize,
    pub episodes: usize,
    pub transitions: usize,
    pub documents: usize,
    /// NIKs and KK numbers given another serial because they were registered already.
    pub renumbered: usize,
    /// From start to commit, including the final ANALYZE.
    pub elapsed: Duration,
    /// Time of the generator thread (making the people and sealing them).
    pub generating: Duration,
    /// Part of `generating` spent sealing: encrypting and blind-indexing NIK, KK and passport
    /// numbers (`PersonRecord::seal`, which also makes the name key).
    pub sealing: Duration,
}

impl Summary {
    /// Rows written to the registry tables.
    pub fn rows(&self) -> usize {
        self.households + self.persons + self.episodes + self.transitions + self.documents
    }
}

/// Progress reported after every batch.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub persons: usize,
    pub total: usize,
    pub rows: usize,
}

/// A sealed batch and the plain numbers of its people and households (in the same order), for
/// giving another serial to numbers that turn out to be registered already.
#[derive(Default)]
struct Sealed {
    rows: Batch,
    niks: Vec<String>,
    kks: Vec<String>,
}

/// Seals one household into rows; `sealing` accumulates the time spent on the personal numbers.
struct Sealer {
    keys: Keys,
    requirements: Vec<RequirementRow>,
    rng: StdRng,
    today: NaiveDate,
    sealing: Duration,
}

impl Sealer {
    fn household(&mut self, h: SynthHousehold, sealed: &mut Sealed) {
        let now = desmigratif_core::now();
        let started = Instant::now();
        let hid = Id::new();
        let rec = HouseholdRecord {
            village_code: h.village_code.clone(),
            kk_enc: self.keys.encrypt_str(KK_CONTEXT, &h.kk),
            kk_index: self.keys.blind_index(KK_CONTEXT, &h.kk),
            kk_prefix: h.kk[..6].to_owned(),
            dusun: h.dusun.clone(),
            rt: h.rt.clone(),
            rw: h.rw.clone(),
            address: h.address.clone(),
        };
        self.sealing += started.elapsed();
        sealed.rows.households.push(HouseholdOut { id: hid, rec });
        sealed.kks.push(h.kk);
        for p in h.members {
            let valid = ValidPerson {
                nik: p.nik.clone(),
                name: p.name,
                sex: p.sex,
                birth_place: p.birth_place,
                birth_date: p.birth_date,
                dusun: h.dusun.clone(),
                rt: h.rt.clone(),
                rw: h.rw.clone(),
                address: h.address.clone(),
                phone: p.phone,
                education: p.education.to_owned(),
                marital_status: p.marital_status.to_owned(),
                skills: p.skills,
                passport: p.passport,
                passport_expiry: p.passport_expiry,
                warnings: p.warnings,
            };
            let started = Instant::now();
            let rec = PersonRecord::seal(&h.village_code, &valid, &self.keys);
            self.sealing += started.elapsed();
            let pid = Id::new();
            sealed.rows.persons.push(PersonOut {
                id: pid,
                household_id: Some(hid),
                relationship: p.relationship,
                rec,
            });
            sealed.niks.push(p.nik.as_str().to_owned());
            for e in p.episodes {
                self.episode(
                    pid,
                    &h.village_code,
                    p.passport_expiry,
                    e,
                    now,
                    &mut sealed.rows,
                );
            }
        }
    }

    fn episode(
        &mut self,
        person_id: Id,
        village_code: &str,
        passport_expiry: Option<NaiveDate>,
        e: SynthEpisode,
        now: DateTime<Utc>,
        batch: &mut Batch,
    ) {
        let id = Id::new();
        let mut from = "";
        let mut first = None;
        let mut last = now;
        for (stage, on) in &e.path {
            let at = on
                .and_hms_opt(
                    self.rng.random_range(1..=9),
                    self.rng.random_range(0..60),
                    self.rng.random_range(0..60),
                )
                .expect("valid time")
                .and_utc();
            first.get_or_insert(at);
            last = at;
            batch.transitions.push(TransitionOut {
                id: Id::new(),
                episode_id: id,
                from,
                to: stage.as_str(),
                at,
                actor_id: None,
                actor: SYNTH_ACTOR.to_owned(),
                note: SYNTH_NOTE,
            });
            from = stage.as_str();
        }
        // The checklist create_episode would have made, filled in as far as the episode got.
        let reached = |s: Stage| e.path.iter().any(|(p, _)| *p == s);
        let all_verified = reached(Stage::Registered) || reached(Stage::Departed);
        for r in bulk::checklist(&self.requirements, e.destination, e.occupation) {
            let status = match (e.documents_on, all_verified, reached(Stage::Training)) {
                (None, _, _) => "missing",
                (Some(_), true, _) => "verified",
                (Some(_), false, true) => {
                    *pick(&mut self.rng, &[("verified", 85), ("submitted", 15)])
                }
                (Some(_), false, false) => *pick(
                    &mut self.rng,
                    &[("verified", 40), ("submitted", 30), ("missing", 30)],
                ),
            };
            let (mut submitted_on, mut verified_on, mut expires_on) = (None, None, None);
            if let Some(docs) = e.documents_on
                && status != "missing"
            {
                let submitted = (docs + days(&mut self.rng, 0, 20)).min(self.today);
                submitted_on = Some(submitted);
                if status == "verified" {
                    let verified = (submitted + days(&mut self.rng, 0, 10)).min(self.today);
                    verified_on = Some(verified);
                    if r.expires {
                        expires_on = match r.code.as_str() {
                            "paspor" => passport_expiry,
                            "visa_kerja" => e.contract_end,
                            _ => None,
                        }
                        .or(Some(verified + Days::new(365)));
                    }
                }
            }
            batch.documents.push(DocumentOut {
                id: Id::new(),
                episode_id: id,
                code: r.code.clone(),
                label: r.label.clone(),
                expires: r.expires,
                status,
                submitted_on,
                verified_on,
                expires_on,
                updated_at: last,
            });
        }
        batch.episodes.push(EpisodeRow {
            id,
            person_id,
            village_code: village_code.to_owned(),
            stage: e.stage.as_str().to_owned(),
            destination: e.destination.to_owned(),
            occupation: e.occupation.to_owned(),
            employer: e.employer,
            agency: e.agency,
            route: e.route.to_owned(),
            procedural: e.procedural,
            siapkerja_id: e.siapkerja_id,
            contract_start: e.contract_start,
            contract_end: e.contract_end,
            departed_on: e.departed_on,
            returned_on: e.returned_on,
            last_contact_on: e.last_contact_on,
            handover_on: e.handover_on,
            handover_note: e.handover_note,
            created_at: first.unwrap_or(now),
            updated_at: last,
        });
    }
}

/// The common region of the villages ("" when they span provinces), for the audit entry.
fn common_region(villages: &[RegionCode]) -> String {
    let mut parts: Vec<&str> = match villages.first() {
        Some(v) => v.as_str().split('.').collect(),
        None => return String::new(),
    };
    for v in &villages[1..] {
        let same = parts
            .iter()
            .zip(v.as_str().split('.'))
            .take_while(|(a, b)| *a == b)
            .count();
        parts.truncate(same);
    }
    parts.join(".")
}

/// Loads `opts.persons` synthetic people into `opts.villages` (adding villages not yet served),
/// in one transaction with one `synth.load` audit entry. `progress` is called after each batch.
pub async fn load(
    db: &Db,
    keys: &Keys,
    tree: &RegionTree,
    opts: &Options,
    mut progress: impl FnMut(Progress),
) -> Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary {
        villages: opts.villages.len(),
        ..Summary::default()
    };
    let mut generator = Generator::new(tree, &opts.villages, opts.persons, opts.seed, opts.today)?;
    let serials = generator.serials();
    let requirements = bulk::requirements(db).await?;
    // With people registered already, every batch is checked for NIK/KK numbers in use.
    let existing: Option<i32> = crate::on_pool!(db, p => sqlx::query_scalar("SELECT 1 FROM persons LIMIT 1").fetch_optional(p).await)?;
    let existing_kk: Option<i32> = crate::on_pool!(db, p => sqlx::query_scalar("SELECT 1 FROM households LIMIT 1").fetch_optional(p).await)?;
    let existing = existing.is_some() || existing_kk.is_some();
    let served: HashSet<String> = villages::list(db)
        .await?
        .into_iter()
        .map(|v| v.code)
        .collect();

    let actor = Actor::system("synth");
    let mut tx = db.begin().await?;
    for code in &opts.villages {
        if !served.contains(code.as_str()) {
            let name = tree.get(code).map(|r| r.name.clone()).unwrap_or_default();
            let profile = VillageProfile {
                head_title: "Kepala Desa".into(),
                ..VillageProfile::default()
            };
            villages::add(&mut tx, &actor, code, &name, &profile).await?;
            summary.villages_added += 1;
        }
    }

    // The generator thread makes and seals batches while this task writes the previous one.
    let mut sealer = Sealer {
        keys: keys.clone(),
        requirements,
        rng: StdRng::seed_from_u64(opts.seed ^ 0xd0c5),
        today: opts.today,
        sealing: Duration::ZERO,
    };
    let mut pipeline = bulk::Pipeline::start("synth-generator", move |feed| {
        let started = Instant::now();
        let mut batch = Sealed::default();
        for h in generator.by_ref() {
            sealer.household(h, &mut batch);
            if batch.rows.persons.len() >= BATCH_PERSONS && !feed.send(std::mem::take(&mut batch)) {
                return (started.elapsed(), sealer.sealing);
            }
        }
        if !batch.rows.persons.is_empty() {
            feed.send(batch);
        }
        (started.elapsed(), sealer.sealing)
    })?;

    while let Some(mut batch) = pipeline.next().await {
        if existing {
            summary.renumbered += renumber(&mut tx, &mut batch, keys, &serials).await?;
        }
        let rows = &batch.rows;
        bulk::write(&mut tx, rows).await?;
        summary.households += rows.households.len();
        summary.persons += rows.persons.len();
        summary.episodes += rows.episodes.len();
        summary.transitions += rows.transitions.len();
        summary.documents += rows.documents.len();
        progress(Progress {
            persons: summary.persons,
            total: opts.persons,
            rows: summary.rows(),
        });
    }
    let (generating, sealing) = pipeline.finish()?;
    summary.generating = generating;
    summary.sealing = sealing;
    if summary.persons != opts.persons {
        return Err(DbError::Conflict(format!(
            "hanya {} dari {} orang yang dapat dibuat (nomor urut NIK habis?)",
            summary.persons, opts.persons
        )));
    }
    let detail = format!(
        "persons={} households={} episodes={} transitions={} documents={} villages={} villages_added={} renumbered={} seed={} as_of={}",
        summary.persons,
        summary.households,
        summary.episodes,
        summary.transitions,
        summary.documents,
        summary.villages,
        summary.villages_added,
        summary.renumbered,
        opts.seed,
        opts.today
    );
    audit::append(
        &mut tx,
        &actor,
        &Event::new("synth.load", "person", "", &common_region(&opts.villages)).detail(detail),
    )
    .await?;
    tx.commit().await?;
    // Fresh statistics, so the planner knows the tables are no longer empty.
    for table in [
        "households",
        "persons",
        "episodes",
        "episode_transitions",
        "episode_documents",
    ] {
        let sql = format!("ANALYZE {table}");
        crate::on_pool!(db, p => sqlx::query(sqlx::AssertSqlSafe(sql)).execute(p).await.map(|r| r.rows_affected()))?;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Gives another serial to every NIK and KK number of the batch that is registered already.
async fn renumber(
    tx: &mut Tx,
    batch: &mut Sealed,
    keys: &Keys,
    serials: &SharedSerials,
) -> Result<usize> {
    let rows = &mut batch.rows;
    let persons = Numbered {
        table: "persons",
        column: "nik_index",
        context: NIK_CONTEXT,
        sealed: |p: &mut PersonOut| {
            let r = &mut p.rec;
            [&mut r.nik_enc, &mut r.nik_index, &mut r.nik_prefix]
        },
        shown: |nik| nik[..6].to_owned(),
    };
    let households = Numbered {
        table: "households",
        column: "kk_index",
        context: KK_CONTEXT,
        sealed: |h: &mut HouseholdOut| {
            let r = &mut h.rec;
            [&mut r.kk_enc, &mut r.kk_index, &mut r.kk_prefix]
        },
        shown: |kk| kk[..6].to_owned(),
    };
    let (niks, kks) = (&mut batch.niks, &mut batch.kks);
    Ok(persons
        .renumber(tx, &mut rows.persons, niks, keys, serials)
        .await?
        + households
            .renumber(tx, &mut rows.households, kks, keys, serials)
            .await?)
}

/// Rows that carry a sealed personal number, and where it is unique.
struct Numbered<T> {
    table: &'static str,
    column: &'static str,
    context: &'static str,
    /// The row's sealed number: ciphertext, blind index, the part shown in clear.
    sealed: fn(&mut T) -> [&mut String; 3],
    /// The part of a number stored in clear.
    shown: fn(&str) -> String,
}

impl<T> Numbered<T> {
    /// Gives another serial to each number (`numbers`, in the order of `rows`) that the column
    /// holds already, until none does; returns how many were changed.
    async fn renumber(
        &self,
        tx: &mut Tx,
        rows: &mut [T],
        numbers: &mut [String],
        keys: &Keys,
        serials: &SharedSerials,
    ) -> Result<usize> {
        let mut changed = 0;
        loop {
            let wanted: Vec<String> = rows
                .iter_mut()
                .map(|r| (self.sealed)(r)[1].clone())
                .collect();
            let taken = taken(tx, self.table, self.column, &wanted).await?;
            if taken.is_empty() {
                return Ok(changed);
            }
            for (row, number) in rows.iter_mut().zip(numbers.iter_mut()) {
                let [enc, index, shown] = (self.sealed)(row);
                if taken.contains(index.as_str()) {
                    *number = next_number(serials, self.context == KK_CONTEXT, &number[..12])?;
                    *enc = keys.encrypt_str(self.context, number);
                    *index = keys.blind_index(self.context, number);
                    *shown = (self.shown)(number);
                    changed += 1;
                }
            }
        }
    }
}

/// Which of `values` the column holds already.
async fn taken(
    tx: &mut Tx,
    table: &str,
    column: &str,
    values: &[String],
) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    match tx {
        Tx::Sqlite(t) => {
            for chunk in values.chunks(900) {
                let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
                    "SELECT {column} FROM {table} WHERE {column} IN ("
                ));
                let mut list = qb.separated(", ");
                for v in chunk {
                    list.push_bind(v.as_str());
                }
                qb.push(")");
                let rows: Vec<String> = qb.build_query_scalar().fetch_all(&mut **t).await?;
                found.extend(rows);
            }
        }
        Tx::Postgres(t) => {
            let sql = format!("SELECT {column} FROM {table} WHERE {column} = ANY($1)");
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(values)
                .fetch_all(&mut **t)
                .await?;
            found.extend(rows);
        }
    }
    Ok(found)
}

const SYNTH_ACTOR: &str = "synth";
const SYNTH_NOTE: &str = "data sintetis";

#[cfg(test)]
mod tests;
