//! The import commands: people (with their migration episodes) into one village, and the official
//! list of placement companies; the same checks and modes as the import pages.

use crate::{Global, cli_actor, open};
use anyhow::{Context, Result, bail};
use desmigratif_core::region::RegionTree;
use desmigratif_core::village;
use desmigratif_db::villages;
use std::path::Path;

/// `desmigratif import`: the same checks and modes as the import page, with a progress counter
/// on stderr and the report on stdout. Fails (exit 1) when the file has errors and nothing was
/// written, so scripts notice.
pub async fn import(g: &Global, file: &Path, village: &str, mode: &str) -> Result<()> {
    use desmigratif_db::transfer::{self, Mode};
    use std::io::{IsTerminal, Write};
    let mode = Mode::parse(mode).with_context(|| {
        format!("--mode «{mode}» tidak dikenal; pilih dry-run, all-or-nothing atau valid-only")
    })?;
    let regions = RegionTree::official();
    let code = village::parse_village_code(village, &regions)
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let (name, table) = read_table(file)?;
    let db = open(g, false).await?;
    let Some(served) = villages::by_code(&db, &code).await? else {
        bail!(
            "desa {code} tidak dilayani deployment ini; tambahkan dulu dengan: desmigratif village add {code}"
        );
    };
    let keys = g.keys()?;
    let show_progress = std::io::stderr().is_terminal();
    let progress = move |phase: &str, done: usize, total: usize| {
        if show_progress {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{phase}: {done}/{total} baris   ");
            if done == total {
                let _ = writeln!(err);
            }
            let _ = err.flush();
        }
    };
    let actor = cli_actor();
    let target = transfer::Target {
        village: &code,
        actor: &actor,
        keys: &keys,
        regions: &regions,
        today: (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive(),
    };
    let report = transfer::import(&db, &target, &table, mode, &progress).await?;
    db.close().await;
    print_import_report(&name, &served.name, &code.to_string(), &report);
    if report.has_errors() && !report.wrote() {
        bail!(
            "{} baris bermasalah; tidak ada yang disimpan",
            report.invalid
        );
    }
    Ok(())
}

/// A spreadsheet file as an import table, with its name for the report.
fn read_table(file: &Path) -> Result<(String, desmigratif_db::transfer::Table)> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("berkas {} tidak dapat dibaca", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sheet = desmigratif_docs::read(&bytes, &name)?;
    let table = desmigratif_db::transfer::Table {
        headers: sheet.headers,
        rows: sheet.rows,
        unreadable: sheet
            .problems
            .into_iter()
            .map(|p| (p.row, p.column, p.message))
            .collect(),
    };
    Ok((name, table))
}

/// `desmigratif agencies FILE`: the checks and modes of the agency import page; fails when the
/// file has errors and nothing was written.
pub async fn import_agencies(g: &Global, file: &Path, mode: &str) -> Result<()> {
    use desmigratif_db::transfer::Mode;
    let mode = Mode::parse(mode).with_context(|| {
        format!("--mode «{mode}» tidak dikenal; pilih dry-run, all-or-nothing atau valid-only")
    })?;
    let (name, table) = read_table(file)?;
    let db = open(g, false).await?;
    let r = desmigratif_db::agencies::import(&db, &cli_actor(), &table, mode).await?;
    db.close().await;
    println!("berkas {name}, cara: {}", r.mode.code());
    println!(
        "baris data: {}, benar: {}, bermasalah: {}; ditambahkan: {}, diperbarui: {}, tidak berubah: {}",
        r.rows, r.valid, r.invalid, r.created, r.updated, r.unchanged
    );
    for p in &r.problems {
        println!("  baris {} kolom {}: {}", p.row, p.column, p.message);
    }
    if r.invalid > 0 && !r.wrote() {
        bail!("{} baris bermasalah; tidak ada yang disimpan", r.invalid);
    }
    Ok(())
}

fn print_import_report(
    file: &str,
    village: &str,
    code: &str,
    r: &desmigratif_db::transfer::Report,
) {
    println!(
        "berkas {file} → desa {village} ({code}), cara: {}",
        r.mode.code()
    );
    println!(
        "baris data: {}, benar: {}, bermasalah: {}, diterima dengan catatan NIK: {}, membuka episode migrasi: {}",
        r.rows, r.valid, r.invalid, r.warned, r.valid_episodes
    );
    for (title, list) in [
        (
            "KESALAHAN (baris tidak diimpor)",
            r.errors().collect::<Vec<_>>(),
        ),
        ("CATATAN (tidak menghalangi impor)", r.warnings().collect()),
    ] {
        if list.is_empty() {
            continue;
        }
        println!("{title}:");
        for p in list {
            let at = if p.row == 0 {
                "berkas".to_owned()
            } else {
                format!("baris {}", p.row)
            };
            let column = if p.column.is_empty() {
                String::new()
            } else {
                format!(", kolom {}", p.column)
            };
            println!("  {at}{column}: {}", p.message);
        }
    }
    println!(
        "tersimpan: {} penduduk, {} episode migrasi",
        r.persons_written, r.episodes_written
    );
}
