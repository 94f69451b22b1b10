//! The command line as an operator uses it: set-up mistakes give one clear line and a non-zero
//! exit; accounts, tokens, audit verification, backup and restore work on both databases.

use crate::support::fresh_db;
use desmigratif_db::{Backend, Db};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_desmigratif"));
    for var in [
        "DESMIGRATIF_DATABASE_URL",
        "DESMIGRATIF_DATA_DIR",
        "DESMIGRATIF_LISTEN",
    ] {
        c.env_remove(var);
    }
    c
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn fails_with(args: &[&str], needle: &str) {
    let out = run(args, None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one clear line, got: {err}");
    assert!(lines[0].contains(needle), "{args:?}: {err}");
}

#[test]
fn set_up_mistakes_get_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    fails_with(
        &["--database-url", "mysql://root@db/x", "migrate"],
        "skema URL database «mysql» tidak dikenal",
    );
    fails_with(
        &[
            "--database-url",
            &format!("sqlite://{data}/salah-ketik.db"),
            "serve",
        ],
        "tidak ada",
    );
    fails_with(
        &["--data-dir", "/proc/desmigratif-tidak-bisa", "serve"],
        "folder data /proc/desmigratif-tidak-bisa",
    );
    fails_with(
        &["--data-dir", data, "--listen", "0.0.0.0:0", "demo"],
        "bukan loopback",
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    fails_with(
        &["--data-dir", data, "--listen", &addr, "serve"],
        "sudah dipakai",
    );
    fails_with(
        &[
            "--database-url",
            "postgres://nobody@127.0.0.1:1/x",
            "migrate",
        ],
        "tidak dapat terhubung ke PostgreSQL",
    );
}

/// The operator's round: create, use and back up; restore elsewhere; verify. `source` uses the
/// key file `key`; the target is given it for the restore (a backup is signed with it), after a
/// doctored, an unsigned and a foreign-signed copy are refused leaving the target as
/// `target_untouched` says.
fn operator_round(
    source: &[&str],
    target: &[&str],
    key: &std::path::Path,
    dir: &std::path::Path,
    target_untouched: &dyn Fn() -> bool,
) {
    let with = |base: &[&str], rest: &[&str]| -> Vec<String> {
        base.iter().chain(rest).map(|s| s.to_string()).collect()
    };
    let key = key.to_str().unwrap();
    let foreign = dir.join("lain.key");
    std::fs::write(
        &foreign,
        desmigratif_core::crypto::Keys::generate().to_text(),
    )
    .unwrap();
    let foreign: Vec<&str> = target
        .iter()
        .copied()
        .chain(["--key-file", foreign.to_str().unwrap()])
        .collect();
    let target: Vec<&str> = target.iter().copied().chain(["--key-file", key]).collect();
    let target = target.as_slice();
    let ok = |args: Vec<String>, stdin: Option<&str>| -> String {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&refs, stdin);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(with(source, &["migrate"]), None);
    ok(
        with(
            source,
            &["village", "add", "32.12.16.2004", "--head-title", "Kuwu"],
        ),
        None,
    );
    let bad_village = run(
        &with(source, &["village", "add", "32.12.16"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        None,
    );
    assert!(String::from_utf8_lossy(&bad_village.stderr).contains("bukan kode desa"));
    ok(
        with(
            source,
            &[
                "user",
                "add",
                "budi",
                "--name",
                "Budi Santoso",
                "--role",
                "operator_desa",
                "--scope",
                "32.12.16.2004",
            ],
        ),
        Some("kata-sandi-petugas-1\n"),
    );
    let weak = run(
        &with(
            source,
            &[
                "user",
                "add",
                "ani",
                "--name",
                "Ani",
                "--role",
                "operator_desa",
                "--scope",
                "32.12.16.2004",
            ],
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        Some("pendek\n"),
    );
    assert!(String::from_utf8_lossy(&weak.stderr).contains("minimal 10 karakter"));
    let token = ok(with(source, &["user", "token", "budi"]), None);
    assert_eq!(token.trim().len(), 43);
    ok(
        with(source, &["user", "passwd", "budi"]),
        Some("sandi-baru-kedua-2\n"),
    );
    ok(with(source, &["user", "disable", "budi"]), None);
    assert!(ok(with(source, &["audit", "verify"]), None).contains("rantai audit utuh"));
    // The head, exported as JSON, later proves the chain still holds it.
    let head = ok(with(source, &["audit", "head"]), None);
    let json: serde_json::Value = serde_json::from_str(head.trim()).unwrap();
    assert!(json["seq"].as_i64().unwrap() > 3, "{head}");
    assert_eq!(json["hash"].as_str().unwrap().len(), 64, "{head}");
    assert!(json["at"].as_str().unwrap().ends_with('Z'), "{head}");
    assert_eq!(json.as_object().unwrap().len(), 3, "{head}");
    let head_file = dir.join("kepala.json");
    std::fs::write(&head_file, &head).unwrap();
    let head_file = head_file.to_str().unwrap();
    assert!(
        ok(
            with(source, &["audit", "verify", "--head", head_file]),
            None
        )
        .contains("rantai audit utuh")
    );
    let file = dir.join("cadangan.dmbak");
    let file = file.to_str().unwrap();
    ok(with(source, &["backup", file]), None);
    // Refused with one clear line, writing nothing: another deployment's key file, one byte
    // changed, no signature.
    let refused = |base: &[&str], path: &str, needle: &str| {
        let out = run(
            &with(base, &["restore", path])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            None,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(
            err.lines().filter(|l| !l.trim().is_empty()).count(),
            1,
            "{err}"
        );
        assert!(err.contains(needle), "{err}");
        assert!(
            target_untouched(),
            "a refused restore wrote to the target: {err}"
        );
    };
    refused(&foreign, file, "tidak bertanda tangan kunci deployment ini");
    let bytes = std::fs::read(file).unwrap();
    let mut doctored = bytes.clone();
    let middle = doctored.len() / 2;
    doctored[middle] ^= 0x20;
    let doctored_file = dir.join("diubah.dmbak");
    std::fs::write(&doctored_file, &doctored).unwrap();
    refused(
        target,
        doctored_file.to_str().unwrap(),
        "telah diubah setelah ditandatangani",
    );
    let unsigned_file = dir.join("tanpa-tanda-tangan.dmbak");
    std::fs::write(
        &unsigned_file,
        &bytes[..bytes.len() - desmigratif_db::backup::TRAILER_LEN],
    )
    .unwrap();
    refused(
        target,
        unsigned_file.to_str().unwrap(),
        "tidak bertanda tangan",
    );
    ok(with(target, &["restore", file]), None);
    assert!(
        ok(with(target, &["village", "list"]), None)
            .contains("Kenanga, Sindang, Kabupaten Indramayu")
    );
    assert!(ok(with(target, &["audit", "verify"]), None).contains("rantai audit utuh"));
    assert!(
        ok(
            with(target, &["audit", "verify", "--head", head_file]),
            None
        )
        .contains("rantai audit utuh")
    );
    let again = run(
        &with(target, &["restore", file])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        None,
    );
    if target.iter().any(|a| a.starts_with("postgres")) {
        assert!(String::from_utf8_lossy(&again.stderr).contains("sudah berisi data"));
    } else {
        // SQLite swaps in a fresh file and keeps the previous one beside it.
        assert!(again.status.success());
        assert!(std::fs::read_dir(target[1]).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .contains("before-restore")
        }));
    }
}

#[test]
fn operator_round_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let untouched = || {
        !b.join("desmigratif.db").exists()
            && !b.join("desmigratif.db.restoring").exists()
            && !b.join("desmigratif.key").exists()
    };
    operator_round(
        &["--data-dir", a.to_str().unwrap()],
        &["--data-dir", b.to_str().unwrap()],
        &a.join("desmigratif.key"),
        dir.path(),
        &untouched,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_round_on_postgres() {
    let (source, _) = fresh_db(Backend::Postgres).await;
    let (target, _) = fresh_db(Backend::Postgres).await;
    let url = |db: &Db| -> String {
        let Db::Postgres(p) = db else { unreachable!() };
        let o = p.connect_options();
        format!(
            "postgres://{}@{}:{}/{}",
            o.get_username(),
            o.get_host(),
            o.get_port(),
            o.get_database().unwrap()
        )
    };
    let (s, t) = (url(&source), url(&target));
    source.close().await;
    target.close().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    // Key files in the temp dir: the default one would land in the working directory.
    let key = d.join("sumber.key");
    let target_url = t.clone();
    tokio::task::spawn_blocking(move || {
        // Nothing but the migrations that fresh_db ran: no rows, no seeds, no audit entries.
        let untouched = || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(async {
                let db = Db::connect(desmigratif_db::ConnectOptions {
                    url: &target_url,
                    create: false,
                    max_connections: 1,
                })
                .await
                .unwrap();
                let rows: i64 = desmigratif_db::on_pool!(&db, p => sqlx::query_scalar(
                    "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM villages)
                          + (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM letter_kinds)
                          + (SELECT seq FROM audit_head)",
                )
                .fetch_one(p)
                .await)
                .unwrap();
                db.close().await;
                rows == 0
            })
        };
        operator_round(
            &["--database-url", &s, "--key-file", key.to_str().unwrap()],
            &["--database-url", &t],
            &key,
            &d,
            &untouched,
        )
    })
    .await
    .unwrap();
}
