use super::*;
use crate::registry;
use desmigratif_core::catalog;
use desmigratif_core::migration::check_transition;
use std::sync::LazyLock;

static TREE: LazyLock<RegionTree> = LazyLock::new(RegionTree::official);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn codes(list: &[&str]) -> Vec<RegionCode> {
    list.iter().map(|c| c.parse().unwrap()).collect()
}

/// Kenanga and two more desa of Kec. Sindang (one NIK prefix shared by three villages), and Kuripan.
fn villages() -> Vec<RegionCode> {
    let mut v = desa_within(&TREE, &"32.12.16".parse().unwrap());
    v.truncate(3);
    if !v.iter().any(|c| c.as_str() == "32.12.16.2004") {
        v.push("32.12.16.2004".parse().unwrap());
    }
    v.extend(codes(&["33.07.10.2004"]));
    v
}

fn generate(villages: &[RegionCode], persons: usize, seed: u64) -> Vec<SynthHousehold> {
    Generator::new(&TREE, villages, persons, seed, today())
        .unwrap()
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_people() {
    let v = villages();
    let a = generate(&v, 3_000, 42);
    let b = generate(&v, 3_000, 42);
    assert_eq!(a, b);
    let c = generate(&v, 3_000, 43);
    assert_ne!(a, c);
    assert_eq!(a.iter().map(|h| h.members.len()).sum::<usize>(), 3_000);
}

#[test]
fn villages_are_desa_chosen_by_seed() {
    let indramayu = desa_within(&TREE, &"32.12".parse().unwrap());
    assert!(indramayu.len() > 300, "{}", indramayu.len());
    assert!(
        indramayu
            .iter()
            .all(|c| c.as_str().starts_with("32.12.") && c.level() == Level::Desa)
    );
    let ten = pick_villages(&TREE, &codes(&["32.12"]), Some(10), 1);
    assert_eq!(ten.len(), 10);
    assert_eq!(ten, pick_villages(&TREE, &codes(&["32.12"]), Some(10), 1));
    assert_ne!(ten, pick_villages(&TREE, &codes(&["32.12"]), Some(10), 2));
    assert_eq!(common_region(&ten), "32.12");
    assert_eq!(
        common_region(&codes(&["32.12.16.2004", "33.07.10.2004"])),
        ""
    );
}

#[test]
fn niks_are_valid_unique_of_the_kecamatan_and_women_carry_plus_40() {
    let v = villages();
    let households = generate(&v, 20_000, 7);
    let mut niks = HashSet::new();
    let mut kks = HashSet::new();
    let (mut adults, mut migrants, mut women) = (0, 0, 0);
    let mut destinations: HashMap<&str, usize> = HashMap::new();
    for h in &households {
        assert!((1..=6).contains(&h.members.len()));
        assert!(kks.insert(h.kk.clone()), "KK {} twice", h.kk);
        let kecamatan = h.village_code.rsplit_once('.').unwrap().0;
        assert_eq!(&h.kk[..6], kecamatan.replace('.', ""));
        assert!(v.iter().any(|c| c.as_str() == h.village_code));
        assert_eq!(h.members[0].relationship, "kepala_keluarga");
        for p in &h.members {
            let parsed = Nik::parse(p.nik.as_str()).unwrap();
            assert!(
                niks.insert(p.nik.as_str().to_owned()),
                "NIK {} twice",
                p.nik.masked()
            );
            assert_eq!(parsed.region_prefix(), kecamatan);
            assert_eq!(parsed.sex(), p.sex);
            assert_eq!(parsed.birth_date(today()), Some(p.birth_date));
            let day: u32 = p.nik.as_str()[6..8].parse().unwrap();
            match p.sex {
                Sex::P => {
                    assert_eq!(day, p.birth_date.day() + 40);
                    women += 1;
                }
                Sex::L => assert_eq!(day, p.birth_date.day()),
            }
            assert!(catalog::choice(catalog::RELATIONSHIPS, p.relationship).is_some());
            assert!(catalog::choice(catalog::EDUCATION, p.education).is_some());
            assert!(catalog::choice(catalog::MARITAL, p.marital_status).is_some());
            assert!(!p.name.trim().is_empty() && p.name.chars().count() <= 100);
            // Only minors get a warning, the one the person form would give too.
            let age = today().years_since(p.birth_date).unwrap();
            assert_eq!(p.warnings.is_empty(), age >= 18, "{age}: {:?}", p.warnings);
            if age >= 18 {
                adults += 1;
            }
            if !p.episodes.is_empty() {
                migrants += 1;
            }
            for e in &p.episodes {
                *destinations.entry(e.destination).or_default() += 1;
                assert!(catalog::country(e.destination).is_some());
                assert!(catalog::occupation(e.occupation).is_some());
                assert!(catalog::choice(catalog::ROUTES, e.route).is_some());
                assert_eq!(e.path.first().unwrap().0, Stage::Interested);
                assert_eq!(e.path.last().unwrap().0, e.stage);
                for w in e.path.windows(2) {
                    check_transition(w[0].0, w[1].0)
                        .unwrap_or_else(|err| panic!("{:?}: {}", e.path, err.message));
                    assert!(w[0].1 <= w[1].1, "{:?}", e.path);
                }
                assert!(e.path.iter().all(|(_, on)| *on <= today()), "{:?}", e.path);
                if let (Some(s), Some(end)) = (e.contract_start, e.contract_end) {
                    assert!(s <= end);
                }
                assert_eq!(
                    e.departed_on.is_some(),
                    e.path.iter().any(|(s, _)| *s == Stage::Departed)
                );
            }
            if p.passport.is_some() {
                assert!(p.passport_expiry.is_some());
            }
        }
    }
    assert_eq!(niks.len(), 20_000);
    let share = f64::from(migrants) / f64::from(adults);
    assert!(
        (0.11..=0.19).contains(&share),
        "{migrants} of {adults} adults have an episode"
    );
    assert!((0.45..=0.55).contains(&(f64::from(women) / 20_000.0)));
    // Hong Kong and Taiwan lead, then Malaysia.
    let mut ranked: Vec<_> = destinations.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let top: HashSet<&str> = ranked[..2].iter().map(|(d, _)| *d).collect();
    assert_eq!(top, HashSet::from(["HK", "TW"]), "{ranked:?}");
    assert_eq!(ranked[2].0, "MY", "{ranked:?}");
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "desmigratif-synth-{}-{}",
        std::process::id(),
        Id::new()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn loads_into_sqlite_with_one_audit_entry_and_fills_the_monitoring_lists() {
    let dir = temp_dir();
    let url = crate::default_sqlite_url(&dir);
    let db = Db::connect(crate::ConnectOptions {
        url: &url,
        create: true,
        max_connections: 4,
    })
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let keys = crate::test_keys().clone();
    let opts = Options {
        villages: codes(&["32.12.16.2004", "33.07.10.2004"]),
        persons: 3_000,
        seed: 1,
        today: today(),
    };
    let mut reports = 0;
    let s = load(&db, &keys, &TREE, &opts, |_| reports += 1)
        .await
        .unwrap();
    assert!(reports >= 1);
    assert_eq!((s.persons, s.villages_added, s.renumbered), (3_000, 2, 0));
    assert!(
        s.episodes > 200 && s.transitions > s.episodes && s.documents > s.episodes,
        "{s:?}"
    );

    let count = |sql: &'static str| {
        let db = db.clone();
        async move {
            crate::on_pool!(&db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM persons").await, 3_000);
    assert_eq!(
        count("SELECT COUNT(*) FROM households").await as usize,
        s.households
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM episode_documents").await as usize,
        s.documents
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'synth.load'").await,
        1
    );
    // Two villages added the usual way, then the one entry for the load; no change-log rows for people.
    assert_eq!(
        count("SELECT COUNT(*) FROM change_log WHERE entity = 'person'").await,
        0
    );
    assert!(audit::verify(&db, &keys).await.unwrap().is_ok());

    // Every NIK opens with the key, is valid, unique and matches its blind index and sex.
    let rows: Vec<(String, String, String, String, String)> =
        crate::on_pool!(&db, p => sqlx::query_as(
        "SELECT nik_enc, nik_index, nik_prefix, sex, village_code FROM persons").fetch_all(p).await)
        .unwrap();
    let mut seen = HashSet::new();
    for (enc, index, prefix, sex, village) in rows {
        let nik = keys.decrypt_str(NIK_CONTEXT, &enc).unwrap();
        let parsed = Nik::parse(&nik).unwrap();
        assert_eq!(keys.blind_index(NIK_CONTEXT, &nik), index);
        assert_eq!(parsed.prefix(), prefix);
        assert_eq!(parsed.sex().as_str(), sex);
        assert!(village.starts_with(&parsed.region_prefix()));
        assert!(seen.insert(nik));
    }

    // The lists a village watches are not empty.
    let (counts, by_country) = registry::monitoring_counts(&db, "", today()).await.unwrap();
    for (watch, n) in &counts {
        assert!(*n > 0, "{watch:?} is empty: {counts:?}");
    }
    assert!(by_country.len() >= 4, "{by_country:?}");
    let (page, total) = registry::search_persons(
        &db,
        &registry::PersonFilter {
            name_key: "siti".into(),
            limit: 50,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(total > 20 && !page.is_empty(), "{total}");

    // Loading again (same seed) renumbers the NIKs and KKs already taken instead of failing.
    let again = load(&db, &keys, &TREE, &opts, |_| ()).await.unwrap();
    assert_eq!((again.persons, again.villages_added), (3_000, 0));
    assert!(again.renumbered >= 3_000, "{again:?}");
    assert_eq!(
        count("SELECT COUNT(DISTINCT nik_index) FROM persons").await,
        6_000
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'synth.load'").await,
        2
    );
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
