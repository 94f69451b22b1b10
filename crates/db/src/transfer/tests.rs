use super::*;

#[test]
fn headers_are_matched_loosely() {
    assert_eq!(normalise_header(" Tanggal Lahir "), "tanggal_lahir");
    assert_eq!(normalise_header("JENIS-KELAMIN"), "jenis_kelamin");
    assert_eq!(
        normalise_header("paspor__berlaku  sampai"),
        "paspor_berlaku_sampai"
    );
    assert_eq!(code_text("Belum Kawin"), "belum_kawin");
}

#[test]
fn every_checked_field_has_a_column() {
    for f in [
        "nik",
        "name",
        "sex",
        "birth_place",
        "birth_date",
        "dusun",
        "rt",
        "rw",
        "address",
        "phone",
        "education",
        "marital_status",
        "skills",
        "passport_number",
        "passport_expiry",
        "destination",
        "occupation",
        "employer",
        "agency",
        "route",
        "siapkerja_id",
        "contract_start",
        "contract_end",
    ] {
        let col = column_of(f);
        assert!(
            PERSON_COLUMNS.contains(&col) || EPISODE_COLUMNS.contains(&col),
            "{f} → {col:?}"
        );
    }
}

#[test]
fn modes_by_their_codes() {
    for m in Mode::ALL {
        assert_eq!(Mode::parse(m.code()), Some(m));
    }
    assert_eq!(Mode::parse("semua"), None);
}

const KENANGA: &str = "32.12.16.2004";

/// A migrated SQLite database in a new directory, serving Kenanga.
async fn kenanga_db() -> (Db, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("desmigratif-transfer-{}", Id::new()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = crate::default_sqlite_url(&dir);
    let options = crate::ConnectOptions {
        url: &url,
        create: true,
        max_connections: 4,
    };
    let db = Db::connect(options).await.unwrap();
    db.migrate().await.unwrap();
    crate::test_keys();
    let mut tx = db.begin().await.unwrap();
    let profile = desmigratif_core::village::VillageProfile::default();
    let code = KENANGA.parse().unwrap();
    crate::villages::add(&mut tx, &Actor::system("uji"), &code, "Kenanga", &profile)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (db, dir)
}

/// A row of the columns nik, nama, jenis_kelamin, tanggal_lahir, negara_tujuan, jabatan,
/// jalur: a man born on `day` January 1990, leaving for Taiwan when `leaves`.
fn row(day: u32, leaves: bool) -> Vec<String> {
    let episode = |v: &str| if leaves { v.to_owned() } else { String::new() };
    vec![
        format!("321216{day:02}0190{day:04}"),
        format!("Warga {day}"),
        "L".into(),
        format!("1990-01-{day:02}"),
        episode("TW"),
        episode("pengasuh_lansia"),
        episode("p3mi"),
    ]
}

fn table(rows: Vec<Vec<String>>) -> Table {
    let headers = [
        "nik",
        "nama",
        "jenis_kelamin",
        "tanggal_lahir",
        "negara_tujuan",
        "jabatan",
        "jalur",
    ];
    Table {
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i + 2, r))
            .collect(),
        unreadable: Vec::new(),
    }
}

/// What the batched writer stores is what the forms store: the same checklist and first
/// transition as `registry::create_episode`, a change-log row and an audit entry per record
/// in one unbroken chain; a NIK registered between the checks and the write stops the whole
/// write, names its row and leaves the chain as it was.
#[tokio::test]
async fn batched_rows_are_written_and_audited_as_the_forms_write_them() {
    let (db, dir) = kenanga_db().await;
    let (keys, regions) = (Keys::generate(), RegionTree::official());
    let (village, actor) = (KENANGA.parse().unwrap(), Actor::system("uji"));
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let target = Target {
        village: &village,
        actor: &actor,
        keys: &keys,
        regions: &regions,
        today,
    };
    let phases = std::sync::Mutex::new(Vec::new());
    let progress = |phase: &str, done: usize, total: usize| {
        phases.lock().unwrap().push((phase.to_owned(), done, total));
    };
    let file = table(vec![row(1, true), row(2, false), row(3, true)]);
    let report = import(&db, &target, &file, Mode::ValidOnly, &progress)
        .await
        .unwrap();
    assert_eq!((report.persons_written, report.episodes_written), (3, 2));
    assert!(phases.lock().unwrap().contains(&("menyimpan".into(), 3, 3)));
    assert!(
        audit::verify(&db, crate::test_keys())
            .await
            .unwrap()
            .is_ok()
    );

    let person = |day: u32| {
        let index = keys.blind_index(NIK_CONTEXT, &row(day, false)[0]);
        let db = db.clone();
        async move {
            crate::registry::person_by_nik_index(&db, &index)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let one = person(1).await;
    assert_eq!(
        (one.village_code.as_str(), one.relationship.as_str()),
        (KENANGA, "")
    );
    let created = |fields: &str| vec![("create".to_owned(), fields.to_owned())];
    let id = one.id.to_string();
    assert_eq!(
        audit::changes_of(&db, "person", &id).await.unwrap(),
        created("nik,name,birth_date,address")
    );
    let imported = crate::registry::episodes_of(&db, one.id).await.unwrap();
    let episode = &imported[0];
    assert_eq!((imported.len(), episode.stage.as_str()), (1, "interested"));
    let id = episode.id.to_string();
    assert_eq!(
        audit::changes_of(&db, "episode", &id).await.unwrap(),
        created("destination,occupation,route")
    );
    let steps = crate::registry::transitions_of(&db, episode.id)
        .await
        .unwrap();
    assert_eq!(steps.len(), 1);
    assert_eq!(
        (
            steps[0].to_stage.as_str(),
            steps[0].actor.as_str(),
            steps[0].note.as_str()
        ),
        ("interested", "uji", "episode dibuka")
    );
    assert_eq!(
        audit::count(&db, "person.create", Outcome::Ok)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        audit::count(&db, "episode.create", Outcome::Ok)
            .await
            .unwrap(),
        2
    );

    // The same episode opened through the form has the same checklist.
    let mut tx = db.begin().await.unwrap();
    let two = person(2).await;
    let details = crate::registry::EpisodeDetails {
        destination: episode.destination.clone(),
        occupation: episode.occupation.clone(),
        route: episode.route.clone(),
        ..Default::default()
    };
    let by_form = crate::registry::create_episode(&mut tx, &actor, &two, &details)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let codes = |id: Id| {
        let db = db.clone();
        async move {
            let list = crate::registry::checklist(&db, id).await.unwrap();
            list.into_iter()
                .map(|d| (d.requirement_code, d.label, d.expires, d.status))
                .collect::<Vec<_>>()
        }
    };
    let listed = codes(episode.id).await;
    assert!(!listed.is_empty());
    assert_eq!(listed, codes(by_form).await);

    // Row 3 of a new file is registered between the checks and the write.
    let head = audit::verify(&db, crate::test_keys())
        .await
        .unwrap()
        .unwrap();
    let rows: Vec<Accepted> = [(2, 4), (3, 1), (4, 5)]
        .into_iter()
        .map(|(at, day)| {
            let cells = row(day, false);
            let input = PersonInput {
                nik: cells[0].clone(),
                name: cells[1].clone(),
                sex: cells[2].clone(),
                birth_date: cells[3].clone(),
                ..Default::default()
            };
            let person = input.check(&regions, today).unwrap();
            Accepted {
                row: at,
                nik_index: keys.blind_index(NIK_CONTEXT, person.nik.as_str()),
                person,
                episode: None,
            }
        })
        .collect();
    let Err((at, DbError::Conflict(_))) = write_rows(&db, &target, rows, &progress).await else {
        panic!("the duplicate is not reported as a conflict");
    };
    assert_eq!(at, 3);
    let persons: i64 =
        on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM persons").fetch_one(p).await)
            .unwrap();
    assert_eq!(persons, 3, "nothing of the refused write is stored");
    assert_eq!(
        audit::verify(&db, crate::test_keys()).await.unwrap(),
        Ok(head)
    );
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
