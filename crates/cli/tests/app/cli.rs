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

/// The operator's round: create, use and back up; restore elsewhere; verify.
fn operator_round(source: &[&str], target: &[&str], dir: &std::path::Path) {
    let with = |base: &[&str], rest: &[&str]| -> Vec<String> {
        base.iter().chain(rest).map(|s| s.to_string()).collect()
    };
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
    let file = dir.join("cadangan.dmbak");
    let file = file.to_str().unwrap();
    ok(with(source, &["backup", file]), None);
    ok(with(target, &["restore", file]), None);
    assert!(
        ok(with(target, &["village", "list"]), None)
            .contains("Kenanga, Sindang, Kabupaten Indramayu")
    );
    assert!(ok(with(target, &["audit", "verify"]), None).contains("rantai audit utuh"));
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
    operator_round(
        &["--data-dir", a.to_str().unwrap()],
        &["--data-dir", b.to_str().unwrap()],
        dir.path(),
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
    tokio::task::spawn_blocking(move || {
        operator_round(&["--database-url", &s], &["--database-url", &t], &d)
    })
    .await
    .unwrap();
}
