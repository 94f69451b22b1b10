//! Registry query timings against a database filled by `desmigratif synth`, for
//! `scripts/bench-registry`. It calls the same `desmigratif_db::registry` functions the pages
//! call (`/app/penduduk`, `/app/pemantauan`), in process: the time is what the server spends in
//! the database for a page, without network, session check or template rendering.
//!
//! ```sh
//! cargo run --release -p desmigratif --example bench_registry -- \
//!     --database-url sqlite:///tmp/x/desmigratif.db --key-file /tmp/x/desmigratif.key
//! ```
//!
//! Prints a Markdown table: p50/p95/max over `--requests` calls per case (after a warm-up),
//! for a village, a kabupaten and the national scope. A case that would take longer than
//! `--max-seconds` stops early and says how many calls it made.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use clap::Parser;
use desmigratif_core::crypto::Keys;
use desmigratif_core::text::name_key;
use desmigratif_db::registry::{self, NIK_CONTEXT, PersonFilter, Watch};
use desmigratif_db::{ConnectOptions, Db, on_pool};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    database_url: String,
    #[arg(long)]
    key_file: std::path::PathBuf,
    /// Timed calls per case.
    #[arg(long, default_value_t = 200)]
    requests: usize,
    /// Upper bound of one case's timed loop.
    #[arg(long, default_value_t = 60)]
    max_seconds: u64,
    /// The date the monitoring windows count from (the `--as-of` of synth).
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Parts of common names to search for, in turn.
    #[arg(long, default_value = "siti,nur,agus,hidayat,sri,wati")]
    names: String,
    /// Only these scopes (village, kabupaten, national).
    #[arg(long, default_value = "village,kabupaten,national")]
    scopes: String,
}

/// The page sizes of the person list and the monitoring list.
const PAGE: i64 = 50;

struct Case {
    what: String,
    scope: String,
    times: Vec<Duration>,
    matches: i64,
    stopped_early: bool,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs `f` a few times untimed, then `requests` times timed (or until `max` has passed).
async fn measure<F, Fut>(
    what: &str,
    scope: &str,
    requests: usize,
    max: Duration,
    mut f: F,
) -> Result<Case>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<i64>>,
{
    let mut matches = 0;
    for i in 0..5 {
        matches = f(i).await?;
    }
    let mut times = Vec::with_capacity(requests);
    let started = Instant::now();
    let mut stopped_early = false;
    for i in 0..requests {
        if started.elapsed() > max {
            stopped_early = true;
            break;
        }
        let t = Instant::now();
        matches = f(i).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let case = Case {
        what: what.to_owned(),
        scope: scope.to_owned(),
        times,
        matches,
        stopped_early,
    };
    eprintln!(
        "  {:<32} {:<14} n={:<4} p50 {:>8.2} ms  p95 {:>8.2} ms",
        case.what,
        case.scope,
        case.times.len(),
        ms(quantile(&case.times, 0.5)),
        ms(quantile(&case.times, 0.95))
    );
    Ok(case)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let db = Db::connect(ConnectOptions {
        url: &args.database_url,
        create: false,
        max_connections: 4,
    })
    .await?;
    let text = std::fs::read_to_string(&args.key_file)
        .with_context(|| format!("{}", args.key_file.display()))?;
    let keys = Keys::from_text(&text)?;
    desmigratif_db::audit::install_key(&keys);
    let today = args
        .as_of
        .unwrap_or_else(|| (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive());
    let max = Duration::from_secs(args.max_seconds);
    let n = args.requests;

    if let Db::Postgres(pool) = &db {
        // The state autovacuum leaves a table in (statistics, visibility map for index-only scans).
        let t = Instant::now();
        sqlx::query("VACUUM (ANALYZE) persons, households, episodes")
            .execute(pool)
            .await?;
        eprintln!("VACUUM (ANALYZE): {:.1} s", t.elapsed().as_secs_f64());
    }
    let persons: i64 =
        on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM persons").fetch_one(p).await)?;
    if persons == 0 {
        bail!("the database has no people; run `desmigratif synth` first");
    }
    // The busiest village, and its kabupaten.
    let village: String = on_pool!(&db, p => sqlx::query_scalar(
        "SELECT village_code FROM persons GROUP BY village_code ORDER BY COUNT(*) DESC, village_code LIMIT 1"
    ).fetch_one(p).await)?;
    let kabupaten = village.split('.').take(2).collect::<Vec<_>>().join(".");
    // NIKs of people spread over the table (the blind index is random), opened with the key.
    let sealed: Vec<String> = on_pool!(&db, p => sqlx::query_scalar("SELECT nik_enc FROM persons ORDER BY nik_index LIMIT 1000").fetch_all(p).await)?;
    let niks: Vec<String> = sealed
        .iter()
        .map(|s| keys.decrypt_str(NIK_CONTEXT, s))
        .collect::<Result<_, _>>()?;
    let names: Vec<String> = args
        .names
        .split(',')
        .map(name_key)
        .filter(|k| !k.is_empty())
        .collect();
    eprintln!(
        "{persons} people; village {village}, kabupaten {kabupaten}; as of {today}; {n} calls per case"
    );

    let mut cases = Vec::new();
    for (label, scope) in [
        ("village", village.as_str()),
        ("kabupaten", kabupaten.as_str()),
        ("national", ""),
    ] {
        if !args.scopes.split(',').any(|s| s == label) {
            continue;
        }
        let shown = if scope.is_empty() {
            "nasional".to_owned()
        } else {
            format!("{label} {scope}")
        };
        let base = PersonFilter {
            scope: scope.to_owned(),
            limit: PAGE,
            ..Default::default()
        };

        cases.push(
            measure("person list, first page", &shown, n, max, |_| {
                let f = base.clone();
                let db = &db;
                async move { Ok(registry::search_persons(db, &f).await?.1) }
            })
            .await?,
        );
        cases.push(
            measure("name search (?q=)", &shown, n, max, |i| {
                let f = PersonFilter {
                    name_key: names[i % names.len()].clone(),
                    ..base.clone()
                };
                let db = &db;
                async move { Ok(registry::search_persons(db, &f).await?.1) }
            })
            .await?,
        );
        cases.push(
            measure("NIK exact (?nik=)", &shown, n, max, |i| {
                // The page's work: parse, blind index, search.
                let nik = desmigratif_core::nik::Nik::parse(&niks[i % niks.len()]);
                let db = &db;
                let keys = &keys;
                let base = base.clone();
                async move {
                    let nik = nik.map_err(|e| anyhow::anyhow!(e.message))?;
                    let f = PersonFilter {
                        nik_index: keys.blind_index(NIK_CONTEXT, nik.as_str()),
                        ..base
                    };
                    Ok(registry::search_persons(db, &f).await?.1)
                }
            })
            .await?,
        );
        cases.push(
            measure("monitoring (counts + first list)", &shown, n, max, |_| {
                let db = &db;
                let scope = scope.to_owned();
                async move {
                    let (counts, _) = registry::monitoring_counts(db, &scope, today).await?;
                    let (_, total) =
                        registry::watch_list(db, &scope, Watch::ContractEnding, today, 0, PAGE)
                            .await?;
                    Ok(counts.iter().map(|(_, c)| c).sum::<i64>().max(total))
                }
            })
            .await?,
        );
    }

    println!("| query | scope | calls | p50 | p95 | max | rows matched (last call) |");
    println!("|---|---|---|---|---|---|---|");
    for c in &cases {
        println!(
            "| {} | {} | {}{} | {:.2} ms | {:.2} ms | {:.2} ms | {} |",
            c.what,
            c.scope,
            c.times.len(),
            if c.stopped_early { " (time bound)" } else { "" },
            ms(quantile(&c.times, 0.5)),
            ms(quantile(&c.times, 0.95)),
            ms(*c.times.last().unwrap_or(&Duration::ZERO)),
            c.matches
        );
    }
    db.close().await;
    Ok(())
}
