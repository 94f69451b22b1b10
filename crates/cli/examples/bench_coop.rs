//! The cooperative's books at benchmark scale, for `scripts/bench-coop`: against a database with
//! the demo loaded and enough people in Kenanga (`desmigratif demo --no-serve --persons N`), it
//! enrols `--members` villagers, posts `--years` of monthly simpanan wajib for each (and a
//! sukarela deposit every quarter) through the same `desmigratif_db::coop` functions the pages
//! call — each posting with its idempotency key, balanced journal entry and audit entry — then
//! times the trial balance and the neraca over all of it.
//!
//! ```sh
//! cargo run --release -p desmigratif --example bench_coop -- --database-url sqlite:///tmp/x/desmigratif.db --key-file /tmp/x/desmigratif.key
//! ```
//!
//! Prints a Markdown table: posting throughput, and p50/max of the reports over `--requests` calls.

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Months, NaiveDate};
use clap::Parser;
use desmigratif_core::coop::savings::SavingsKind;
use desmigratif_db::coop;
use desmigratif_db::demo::KENANGA;
use desmigratif_db::{ConnectOptions, Db, on_pool};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long)]
    database_url: String,
    /// The deployment's key file: the audit entries of the postings are keyed with it.
    #[arg(long)]
    key_file: std::path::PathBuf,
    #[arg(long, default_value_t = 2000)]
    members: usize,
    #[arg(long, default_value_t = 5)]
    years: u32,
    /// Timed calls of each report.
    #[arg(long, default_value_t = 20)]
    requests: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let db = Db::connect(ConnectOptions {
        url: &args.database_url,
        create: false,
        max_connections: 4,
    })
    .await
    .context("connect")?;
    let text = std::fs::read_to_string(&args.key_file)
        .with_context(|| format!("{}", args.key_file.display()))?;
    desmigratif_db::audit::install_key(&desmigratif_core::crypto::Keys::from_text(&text)?);
    let clerk = coop::demo_actor(&db, "bendahara.kenanga").await?;
    let settings = coop::settings(&db, KENANGA)
        .await?
        .context("the demo's cooperative in Kenanga is missing: load the demo first")?;
    let members_before = coop::members(&db, KENANGA).await?.len();
    let people: Vec<desmigratif_core::id::Id> = on_pool!(&db, p => sqlx::query_scalar(
        "SELECT id FROM persons WHERE village_code = $1
           AND id NOT IN (SELECT person_id FROM coop_members) ORDER BY id LIMIT $2",
    ).bind(KENANGA).bind(args.members as i64).fetch_all(p).await)?;
    if people.len() < args.members {
        bail!(
            "only {} people in Kenanga are not members; load more with `demo --persons`",
            people.len()
        );
    }
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    let start = today
        .with_day(1)
        .context("first of the month")?
        .checked_sub_months(Months::new(12 * args.years))
        .context("start date")?;
    let months = 12 * args.years;
    let month = |k: u32| start.checked_add_months(Months::new(k)).expect("a date");

    // One transaction per member: joining, pokok, every month's wajib, sukarela each quarter.
    let started = Instant::now();
    let mut postings = 0usize;
    for (n, person) in people.iter().enumerate() {
        let mut tx = db.begin().await?;
        let m = coop::join(
            &mut tx,
            &clerk,
            KENANGA,
            *person,
            &format!("BNC-{:05}", n + 1),
            start,
        )
        .await?;
        let mut post = async |key: String, kind, amount, on: NaiveDate| {
            coop::deposit(&mut tx, &clerk, &key, m, kind, amount, on)
                .await
                .map(|_| ())
        };
        post(
            format!("bench-{n}-p"),
            SavingsKind::Principal,
            settings.principal_savings_amount,
            start,
        )
        .await?;
        postings += 1;
        for k in 0..months {
            post(
                format!("bench-{n}-w{k}"),
                SavingsKind::Mandatory,
                settings.mandatory_monthly,
                month(k),
            )
            .await?;
            postings += 1;
            if k % 3 == 2 {
                post(
                    format!("bench-{n}-s{k}"),
                    SavingsKind::Voluntary,
                    50_000 + (n as i64 % 7) * 10_000,
                    month(k),
                )
                .await?;
                postings += 1;
            }
        }
        tx.commit().await?;
        if (n + 1) % 200 == 0 {
            eprintln!(
                "  {} members, {postings} postings, {:.0}/s",
                n + 1,
                postings as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    let posting_time = started.elapsed();

    let time = async |what: &str| -> Result<(f64, f64)> {
        let mut times = Vec::new();
        for _ in 0..args.requests + 2 {
            let t = Instant::now();
            match what {
                "trial" => {
                    let tb = coop::trial_balance(&db, KENANGA, today).await?;
                    if tb.debit != tb.credit || !tb.unknown.is_empty() {
                        bail!("trial balance not balanced");
                    }
                }
                _ => {
                    let n = coop::neraca(&db, KENANGA, today).await?;
                    if !n.balanced() {
                        bail!("neraca not balanced");
                    }
                }
            }
            times.push(t.elapsed());
        }
        times.drain(..2);
        times.sort();
        Ok((
            ms(times[times.len() / 2]),
            ms(*times.last().expect("timed")),
        ))
    };
    let (tb50, tbmax) = time("trial").await?;
    let (nr50, nrmax) = time("neraca").await?;
    let lines: i64 = on_pool!(&db, p => sqlx::query_scalar("SELECT COUNT(*) FROM coop_journal_lines").fetch_one(p).await)?;

    println!(
        "| {} members ({} before), {} years of monthly wajib + quarterly sukarela: {postings} postings | {:.1} s, {:.0} postings/s |",
        args.members,
        members_before,
        args.years,
        posting_time.as_secs_f64(),
        postings as f64 / posting_time.as_secs_f64()
    );
    println!(
        "| trial balance over {lines} journal lines, p50 / max of {} | {tb50:.1} ms / {tbmax:.1} ms |",
        args.requests
    );
    println!(
        "| neraca over {lines} journal lines, p50 / max of {} | {nr50:.1} ms / {nrmax:.1} ms |",
        args.requests
    );
    Ok(())
}
