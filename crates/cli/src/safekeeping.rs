//! Keeping the data safe: signed backups and their restore, and the audit chain's check and head.

use crate::{Global, database_url, ensure_data_dir, lock_data_dir, open};
use anyhow::{Context, Result, bail};
use desmigratif_db::{ConnectOptions, Db};
use std::path::{Path, PathBuf};

/// `desmigratif backup FILE`: written beside the target, fsync'd, then renamed into place.
pub async fn backup(g: &Global, file: &Path) -> Result<()> {
    let db = open(g, false).await?;
    let keys = g.keys()?;
    let tmp = file.with_extension("partial");
    let out = std::fs::File::create(&tmp)
        .with_context(|| format!("berkas {} tidak dapat dibuat", tmp.display()))?;
    let summary = desmigratif_db::backup::backup(&db, &keys, std::io::BufWriter::new(out)).await?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, file)?;
    println!(
        "cadangan ditulis ke {} (bertanda tangan kunci deployment): {} baris dari {} tabel",
        file.display(),
        summary.rows,
        summary.tables
    );
    Ok(())
}

/// SQLite: restore into a new file beside the database, then swap it in (the old one is kept);
/// PostgreSQL: restore into the (empty, migrated) database the URL names.
///
/// The signature is checked first, with the key file that must already exist (a new one could
/// never match), so a refused file leaves no trace: no staging file, no migration.
pub async fn restore(g: &Global, file: &Path) -> Result<()> {
    let input = || {
        std::fs::File::open(file)
            .with_context(|| format!("berkas cadangan {} tidak dapat dibuka", file.display()))
    };
    let keys = g.existing_keys().context(
        "cadangan bertanda tangan kunci deployment; pulihkan dengan berkas kunci itu (--key-file atau DESMIGRATIF_KEY)",
    )?;
    desmigratif_db::backup::check(&keys, std::io::BufReader::new(input()?))?;
    let (url, is_default) = database_url(g);
    if !is_default && !url.starts_with("sqlite:") {
        let db = open(g, false).await?;
        let s =
            desmigratif_db::backup::restore(&db, &keys, std::io::BufReader::new(input()?)).await?;
        println!("dipulihkan: {} baris", s.rows);
        return Ok(());
    }
    let target = PathBuf::from(
        url.trim_start_matches("sqlite:")
            .trim_start_matches("//")
            .split('?')
            .next()
            .unwrap_or_default(),
    );
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    ensure_data_dir(&dir)?;
    let _lock = if is_default {
        Some(lock_data_dir(&g.data_dir)?)
    } else {
        None
    };
    let staging = target.with_extension("db.restoring");
    let remove_staging = || {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", staging.display()));
        }
    };
    remove_staging();
    let staging_url = format!("sqlite://{}", staging.display());
    let db = Db::connect(ConnectOptions {
        url: &staging_url,
        create: true,
        max_connections: 2,
    })
    .await?;
    db.migrate().await?;
    let restored =
        desmigratif_db::backup::restore(&db, &keys, std::io::BufReader::new(input()?)).await;
    db.close().await;
    let summary = match restored {
        Ok(s) => s,
        Err(e) => {
            remove_staging();
            return Err(e.into());
        }
    };
    if target.exists() {
        let keep = format!(
            "{}.before-restore-{}",
            target.display(),
            chrono::Utc::now().format("%Y%m%d%H%M%S")
        );
        for ext in ["", "-wal", "-shm"] {
            let from = format!("{}{ext}", target.display());
            if Path::new(&from).exists() {
                std::fs::rename(&from, format!("{keep}{ext}"))?;
            }
        }
        println!("database lama disimpan sebagai {keep}");
    }
    std::fs::rename(&staging, &target)?;
    println!("dipulihkan ke {}: {} baris", target.display(), summary.rows);
    Ok(())
}

/// `desmigratif audit verify [--head FILE]`: the whole chain against the key file's audit key,
/// and, given an exported head, that the chain still holds that link.
pub async fn verify(g: &Global, exported: Option<&Path>) -> Result<()> {
    let db = open(g, false).await?;
    let keys = g.keys()?;
    let n = match desmigratif_db::audit::verify(&db, &keys).await? {
        Ok(n) => n,
        Err(b) => bail!("RANTAI AUDIT RUSAK: {b}"),
    };
    let head = desmigratif_db::audit::head(&db).await?;
    if let Some(path) = exported {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("kepala rantai {} tidak dapat dibaca", path.display()))?;
        let kept: desmigratif_db::audit::Head = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} bukan kepala rantai dari `desmigratif audit head`",
                path.display()
            )
        })?;
        if kept.seq > head.seq {
            bail!(
                "RANTAI AUDIT RUSAK: kepala yang disimpan menunjuk entri #{}, tetapi rantai kini berakhir di #{} (entri dihapus)",
                kept.seq,
                head.seq
            );
        }
        if kept.seq > 0 && !desmigratif_db::audit::has_link(&db, kept.seq, &kept.hash).await? {
            bail!(
                "RANTAI AUDIT RUSAK: entri #{} tidak lagi sama dengan kepala rantai yang disimpan (rantai ditulis ulang)",
                kept.seq
            );
        }
    }
    let keyed = if head.keyed_from > 1 {
        format!(
            "; #1–#{} SHA-256 (sebelum rantai berkunci), sejak #{} HMAC kunci deployment",
            head.keyed_from - 1,
            head.keyed_from
        )
    } else {
        "; semua entri HMAC kunci deployment".to_owned()
    };
    println!("rantai audit utuh: {n} entri diperiksa{keyed}");
    Ok(())
}

/// `desmigratif audit head`: the last link as JSON, to keep somewhere the database is not.
pub async fn head(g: &Global) -> Result<()> {
    let db = open(g, false).await?;
    let head = desmigratif_db::audit::head(&db).await?;
    println!("{}", serde_json::to_string(&head)?);
    Ok(())
}
