//! The keyed audit chain and signed backups, on both databases: a chain that someone with only
//! database access rewrote consistently with the old plain SHA-256 formula is caught at the edit;
//! an old plain chain keeps verifying after the upgrade; a doctored, an unsigned (old-format) and
//! a foreign-signed backup are each refused with their own message and write nothing.

use crate::support::{KEYS, PASSWORD, fresh_db, unmigrated_db};
use desmigratif_core::audit::{AuditEntry, ChainBreak, GENESIS};
use desmigratif_core::crypto::Keys;
use desmigratif_db::Db;
use desmigratif_db::backup::TRAILER_LEN;

/// Takes away what stops plain SQL from changing the log (what an attacker would do first).
async fn drop_guards(db: &Db) {
    match db {
        Db::Sqlite(p) => {
            for t in ["audit_log_no_update", "audit_log_no_delete"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {t}")))
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        Db::Postgres(p) => {
            sqlx::query("DROP TRIGGER audit_log_no_change ON audit_log")
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// The whole chain, oldest first.
async fn entries(db: &Db) -> Vec<AuditEntry> {
    let mut all = desmigratif_db::audit::list(db, "", None, i64::MAX)
        .await
        .unwrap();
    all.reverse();
    all
}

/// What someone with only the database can do: rewrite entries `from..` with the plain SHA-256
/// formula, every link and the head consistent, and store them.
async fn rewrite_plain(db: &Db, chain: &mut [AuditEntry], from: i64) {
    for i in 0..chain.len() {
        if chain[i].seq < from {
            continue;
        }
        chain[i].prev_hash = if i == 0 {
            GENESIS.to_owned()
        } else {
            chain[i - 1].hash.clone()
        };
        chain[i].hash = chain[i].compute_hash();
        let e = &chain[i];
        desmigratif_db::on_pool!(db, p => sqlx::query(
            "UPDATE audit_log SET detail = $1, prev_hash = $2, hash = $3 WHERE seq = $4",
        ).bind(&e.detail).bind(&e.prev_hash).bind(&e.hash).bind(e.seq).execute(p).await.map(|_| ()))
        .unwrap();
    }
    let last = chain.last().unwrap();
    desmigratif_db::on_pool!(db, p => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(last.seq).bind(&last.hash).execute(p).await.map(|_| ()))
    .unwrap();
}

/// The rewritten part (after `prev`) is consistent by the old rule: each link, each plain hash and
/// the head.
fn consistent_by_the_plain_rule(prev: &str, chain: &[AuditEntry], head_hash: &str) {
    let mut prev = prev.to_owned();
    for e in chain {
        assert_eq!(e.prev_hash, prev, "link before #{}", e.seq);
        assert_eq!(e.hash, e.compute_hash(), "plain hash of #{}", e.seq);
        prev = e.hash.clone();
    }
    assert_eq!(head_hash, prev);
}

/// `desmigratif audit verify` against this test's database, with this process's key.
fn cli_verify(db: &Db, dir: &std::path::Path) -> std::process::Output {
    cli_verify_with(db, dir, &[])
}

fn cli_verify_with(db: &Db, dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let url = match db {
        Db::Sqlite(p) => format!("sqlite://{}", p.connect_options().get_filename().display()),
        Db::Postgres(p) => {
            let o = p.connect_options();
            format!(
                "postgres://{}@{}:{}/{}",
                o.get_username(),
                o.get_host(),
                o.get_port(),
                o.get_database().unwrap()
            )
        }
    };
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_desmigratif"));
    for var in [
        "DESMIGRATIF_DATABASE_URL",
        "DESMIGRATIF_DATA_DIR",
        "DESMIGRATIF_KEY_FILE",
    ] {
        c.env_remove(var);
    }
    c.env("DESMIGRATIF_KEY", KEYS.to_text())
        .args(["--data-dir", dir.to_str().unwrap(), "--database-url", &url])
        .args(["audit", "verify"])
        .args(extra)
        .output()
        .unwrap()
}

/// Every table's rows: to show a refused restore wrote nothing.
async fn snapshot(db: &Db) -> Vec<(String, String)> {
    desmigratif_db::backup::dump(db).await.unwrap()
}

/// A database as a deployment from before migration 0013 has it: schema up to 0012, three plain
/// entries written by the old code.
async fn deployment_before_the_keyed_chain(
    backend: desmigratif_db::Backend,
) -> (Db, Option<tempfile::TempDir>) {
    let (db, dir) = unmigrated_db(backend).await;
    let tree = match backend {
        desmigratif_db::Backend::Sqlite => "sqlite",
        desmigratif_db::Backend::Postgres => "postgres",
    };
    let path = format!("{}/../db/migrations/{tree}", env!("CARGO_MANIFEST_DIR"));
    let mut old = sqlx::migrate::Migrator::new(std::path::Path::new(&path))
        .await
        .unwrap();
    old.migrations.to_mut().retain(|m| m.version < 13);
    assert_eq!(old.migrations.len(), 12);
    match &db {
        Db::Sqlite(p) => old.run(p).await.unwrap(),
        Db::Postgres(p) => old.run(p).await.unwrap(),
    }
    let mut prev = GENESIS.to_owned();
    for seq in 1..=3 {
        let mut e = AuditEntry {
            seq,
            at: desmigratif_core::now(),
            actor_id: None,
            actor: "cli:lama".into(),
            action: "village.create".into(),
            entity: "village".into(),
            entity_id: format!("desa-{seq}"),
            region: "32.12.16.2004".into(),
            ip: String::new(),
            outcome: "ok".into(),
            detail: String::new(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        prev = e.hash.clone();
        desmigratif_db::on_pool!(&db, p => sqlx::query(
            "INSERT INTO audit_log (seq, at, actor_id, actor, action, entity, entity_id, region, ip, outcome, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        ).bind(e.seq).bind(e.at).bind(&e.actor_id).bind(&e.actor).bind(&e.action).bind(&e.entity).bind(&e.entity_id)
        .bind(&e.region).bind(&e.ip).bind(&e.outcome).bind(&e.detail).bind(&e.prev_hash).bind(&e.hash)
        .execute(p).await.map(|_| ())).unwrap();
        desmigratif_db::on_pool!(&db, p => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(e.seq).bind(&e.hash).execute(p).await.map(|_| ())).unwrap();
    }
    (db, dir)
}

/// Upgrading a real pre-0013 database: its plain chain verifies, new entries are keyed after it.
async fn upgrade_story(backend: desmigratif_db::Backend) {
    desmigratif_db::audit::install_key(&KEYS);
    let (db, _dir) = deployment_before_the_keyed_chain(backend).await;
    db.migrate().await.unwrap();
    let head = desmigratif_db::audit::head(&db).await.unwrap();
    assert_eq!((head.seq, head.keyed_from), (3, 4));
    assert_eq!(
        desmigratif_db::audit::verify(&db, &KEYS).await.unwrap(),
        Ok(3)
    );
    let event = desmigratif_db::audit::Event::new("audit.upgraded", "audit", "0013", "");
    desmigratif_db::audit::log(&db, &desmigratif_db::audit::Actor::system("uji"), &event)
        .await
        .unwrap();
    let chain = entries(&db).await;
    assert_eq!(chain.len(), 4);
    assert_eq!(chain[3].prev_hash, chain[2].hash);
    assert_eq!(
        chain[3].hash,
        chain[3].compute_mac(&KEYS.derive(desmigratif_core::crypto::Purpose::Audit))
    );
    assert_eq!(
        desmigratif_db::audit::verify(&db, &KEYS).await.unwrap(),
        Ok(4)
    );
    // Rewriting the old plain part consistently still breaks the first keyed link.
    drop_guards(&db).await;
    let mut chain = entries(&db).await;
    chain[1].detail = "diam-diam diubah".into();
    rewrite_plain(&db, &mut chain[..3], 2).await;
    desmigratif_db::on_pool!(&db, p => sqlx::query("UPDATE audit_head SET seq = 4, hash = $1 WHERE id = 1")
        .bind(&entries(&db).await[3].hash).execute(p).await.map(|_| ())).unwrap();
    assert_eq!(
        desmigratif_db::audit::verify(&db, &KEYS).await.unwrap(),
        Err(ChainBreak::Broken { seq: 4 })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_an_old_deployment_keeps_its_chain_verifying_on_sqlite() {
    upgrade_story(desmigratif_db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_an_old_deployment_keeps_its_chain_verifying_on_postgres() {
    upgrade_story(desmigratif_db::Backend::Postgres).await;
}

both! {
    async fn an_untouched_keyed_chain_verifies_and_its_head_is_shown(app) {
        let n = desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().expect("intact chain");
        assert!(n > 20, "{n}");
        let chain = entries(&app.db).await;
        let head = desmigratif_db::audit::head(&app.db).await.unwrap();
        assert_eq!(head.seq, n);
        assert_eq!(head.keyed_from, 1, "a new database is keyed from its first entry");
        assert_eq!(head.hash, chain.last().unwrap().hash);
        assert_eq!(head.at, Some(chain.last().unwrap().at));
        // Keyed: the plain formula does not give the stored hashes, another key does not either.
        assert!(chain.iter().all(|e| e.hash != e.compute_hash()));
        assert_eq!(
            desmigratif_db::audit::verify(&app.db, &Keys::generate()).await.unwrap(),
            Err(ChainBreak::Altered { seq: 1 })
        );
        let json = serde_json::to_value(&head).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["at", "hash", "seq"]);
        // The audit page shows the head.
        let admin = app.login("admin", PASSWORD).await;
        let page = app.get("/app/audit?periksa=1", Some(&admin)).await;
        assert!(page.body.contains("Rantai audit utuh"), "{}", page.body);
        let head = desmigratif_db::audit::head(&app.db).await.unwrap();
        assert!(page.body.contains(&head.hash), "{}", page.body);
        assert!(page.body.contains("Kepala rantai"));
        // And the command line agrees.
        let dir = tempfile::tempdir().unwrap();
        let out = cli_verify(&app.db, dir.path());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("rantai audit utuh"), "{stdout}");
        assert!(stdout.contains("semua entri HMAC"), "{stdout}");
    }

    async fn a_chain_recomputed_with_the_plain_formula_is_caught_at_the_edit(app) {
        let edited = 5;
        drop_guards(&app.db).await;
        let mut chain = entries(&app.db).await;
        assert!(chain.len() > 20);
        chain[(edited - 1) as usize].detail = "diam-diam diubah".into();
        rewrite_plain(&app.db, &mut chain, edited).await;
        // The forgery is consistent by the old rule, links and head included…
        let stored = entries(&app.db).await;
        let head = desmigratif_db::audit::head(&app.db).await.unwrap();
        assert_eq!(stored[(edited - 1) as usize].detail, "diam-diam diubah");
        assert_eq!(head.seq, stored.last().unwrap().seq);
        let mut prefix_keyed = stored.clone();
        prefix_keyed.truncate((edited - 1) as usize);
        assert!(prefix_keyed.iter().all(|e| e.hash != e.compute_hash()), "the untouched prefix is keyed");
        consistent_by_the_plain_rule(&stored[(edited - 2) as usize].hash, &stored[(edited - 1) as usize..], &head.hash);
        // …and still caught, exactly at the edited entry: without the key it cannot be keyed.
        assert_eq!(
            desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap(),
            Err(ChainBreak::Altered { seq: edited })
        );
        let dir = tempfile::tempdir().unwrap();
        let out = cli_verify(&app.db, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("RANTAI AUDIT RUSAK") && err.contains(&format!("entri #{edited} telah diubah")), "{err}");
        let admin = app.login("admin", PASSWORD).await;
        assert!(app.get("/app/audit?periksa=1", Some(&admin)).await.body.contains("RANTAI AUDIT RUSAK"));
    }

    async fn an_old_plain_chain_keeps_verifying_after_the_upgrade(app) {
        // The state migration 0013 leaves on a database from before it: every entry plain, the
        // keyed form starting after the head.
        drop_guards(&app.db).await;
        let mut chain = entries(&app.db).await;
        rewrite_plain(&app.db, &mut chain, 1).await;
        let old_head = chain.last().unwrap().seq;
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_head SET keyed_from = seq + 1").execute(p).await.map(|_| ())).unwrap();
        assert_eq!(desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap(), Ok(old_head));
        // A marker further than just past the head is no state an upgrade leaves: refused.
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_head SET keyed_from = seq + 2").execute(p).await.map(|_| ())).unwrap();
        assert_eq!(
            desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap(),
            Err(ChainBreak::Marker { keyed_from: old_head + 2, head_seq: old_head })
        );
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_head SET keyed_from = seq + 1").execute(p).await.map(|_| ())).unwrap();
        // New entries are keyed, linked to the last plain one; the mixed chain verifies.
        let op = app.login("operator.kenanga", PASSWORD).await;
        assert!(app.get("/app", Some(&op)).await.status.is_success());
        let chain = entries(&app.db).await;
        assert!(chain.len() as i64 > old_head, "the login was audited");
        let first_keyed = &chain[old_head as usize];
        assert_eq!(first_keyed.prev_hash, chain[(old_head - 1) as usize].hash);
        assert_ne!(first_keyed.hash, first_keyed.compute_hash());
        let n = desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().expect("mixed chain");
        assert_eq!(n, chain.len() as i64);
        assert_eq!(desmigratif_db::audit::head(&app.db).await.unwrap().keyed_from, old_head + 1);
        let dir = tempfile::tempdir().unwrap();
        let out = cli_verify(&app.db, dir.path());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("#1–#{old_head} SHA-256")), "{stdout}");
        // The plain prefix is anchored by the first keyed entry: rewriting it breaks that link.
        let mut chain = entries(&app.db).await;
        chain[2].detail = "diam-diam diubah".into();
        rewrite_plain(&app.db, &mut chain[..old_head as usize], 3).await;
        let tail = chain[old_head as usize - 1].clone();
        // (rewrite_plain moved the head to the rewritten prefix: put it back where it was.)
        let real_head = entries(&app.db).await.last().unwrap().clone();
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(real_head.seq).bind(&real_head.hash).execute(p).await.map(|_| ())).unwrap();
        assert_ne!(tail.hash, first_keyed.prev_hash);
        assert_eq!(
            desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap(),
            Err(ChainBreak::Broken { seq: old_head + 1 })
        );
    }

    async fn an_exported_head_catches_a_chain_rewritten_as_if_never_keyed(app) {
        // The one forgery the database alone cannot show: everything rewritten plainly and the
        // marker moved to just past the head, as if the upgrade had only just happened.
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kepala.json");
        let head = desmigratif_db::audit::head(&app.db).await.unwrap();
        std::fs::write(&kept, serde_json::to_string(&head).unwrap()).unwrap();
        let kept = kept.to_str().unwrap();
        let out = cli_verify_with(&app.db, dir.path(), &["--head", kept]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        drop_guards(&app.db).await;
        let mut chain = entries(&app.db).await;
        chain[6].detail = "diam-diam diubah".into();
        rewrite_plain(&app.db, &mut chain, 1).await;
        desmigratif_db::on_pool!(&app.db, p => sqlx::query("UPDATE audit_head SET keyed_from = seq + 1").execute(p).await.map(|_| ())).unwrap();
        assert!(desmigratif_db::audit::verify(&app.db, &KEYS).await.unwrap().is_ok(), "undetectable from inside");
        let out = cli_verify_with(&app.db, dir.path(), &["--head", kept]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("entri #{} tidak lagi sama dengan kepala rantai yang disimpan", head.seq)), "{err}");
        // A head past the end of the chain: entries were cut off.
        let later = dir.path().join("nanti.json");
        std::fs::write(&later, format!("{{\"seq\":{},\"hash\":\"{}\",\"at\":null}}", head.seq + 50, head.hash)).unwrap();
        let out = cli_verify_with(&app.db, dir.path(), &["--head", later.to_str().unwrap()]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("entri dihapus"));
    }

    async fn backups_are_signed_and_doctored_unsigned_or_foreign_files_are_refused_untouched(app) {
        let mut file = Vec::new();
        desmigratif_db::backup::backup(&app.db, &KEYS, &mut file).await.unwrap();
        assert_eq!(&file[file.len() - TRAILER_LEN..][..8], desmigratif_db::backup::SIGNATURE_MAGIC);
        desmigratif_db::backup::check(&KEYS, file.as_slice()).unwrap();
        let (target, _dir) = fresh_db(app.db.backend()).await;
        let before = snapshot(&target).await;
        let refused = async |bytes: &[u8], keys: &Keys| -> String {
            let e = desmigratif_db::backup::restore(&target, keys, bytes).await.unwrap_err().to_string();
            assert!(e.contains("tidak dapat dipulihkan"), "{e}");
            // The cheap check before a restore says the same.
            let c = desmigratif_db::backup::check(keys, bytes).unwrap_err().to_string();
            assert_eq!(c, e);
            e
        };

        // Doctored file: one byte changed, anywhere (gzip header, compressed body, its end, the MAC).
        let body = file.len() - TRAILER_LEN;
        let step = (body / 120).max(1);
        let mut positions: Vec<usize> = (0..body).step_by(step).collect();
        positions.extend([1, 4, 9, body - 8, body - 1, body + 16, file.len() - 1]);
        for i in positions {
            let mut doctored = file.clone();
            doctored[i] ^= 0x01;
            let e = refused(&doctored, &KEYS).await;
            assert!(e.contains("telah diubah setelah ditandatangani"), "byte {i}: {e}");
        }
        // A changed key id reads as another key's signature, a changed magic as no signature.
        let mut id = file.clone();
        id[body + 8] ^= 0x01;
        assert!(refused(&id, &KEYS).await.contains("tidak bertanda tangan kunci deployment ini"));
        let mut magic = file.clone();
        magic[body] ^= 0x01;
        assert!(refused(&magic, &KEYS).await.contains("tidak bertanda tangan"));

        // Unsigned file: the bare gzip stream (what version 1 wrote), and a real version-1 file.
        let unsigned = refused(&file[..body], &KEYS).await;
        assert!(unsigned.contains("tidak bertanda tangan (format lama"), "{unsigned}");
        let v1 = {
            use std::io::{Read, Write};
            let mut plain = String::new();
            flate2::read::GzDecoder::new(&file[..body]).read_to_string(&mut plain).unwrap();
            let plain = plain.replacen("\"version\":2", "\"version\":1", 1);
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(plain.as_bytes()).unwrap();
            gz.finish().unwrap()
        };
        assert!(refused(&v1, &KEYS).await.contains("tidak bertanda tangan (format lama"));
        assert!(refused(b"", &KEYS).await.contains("bukan berkas cadangan"));

        // Foreign key file: restored with another deployment's key, or signed with one.
        let foreign = Keys::generate();
        let e = refused(&file, &foreign).await;
        assert!(e.contains("tidak bertanda tangan kunci deployment ini") && e.contains("--key-file"), "{e}");
        let mut theirs = Vec::new();
        desmigratif_db::backup::backup(&app.db, &foreign, &mut theirs).await.unwrap();
        assert!(refused(&theirs, &KEYS).await.contains("tidak bertanda tangan kunci deployment ini"));

        // Nothing of any of them reached the target.
        assert_eq!(snapshot(&target).await, before);
        let users: i64 = desmigratif_db::on_pool!(&target, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await).unwrap();
        assert_eq!(users, 0);
        // The file as written restores, and its chain verifies under the same key file.
        desmigratif_db::backup::restore(&target, &KEYS, file.as_slice()).await.unwrap();
        assert_eq!(snapshot(&target).await, snapshot(&app.db).await);
        assert!(desmigratif_db::audit::verify(&target, &KEYS).await.unwrap().is_ok());
    }
}
