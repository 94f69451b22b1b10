//! `desmigratif`: the one binary. Serves the web application, runs migrations, loads the demo,
//! manages accounts and villages, backs up and restores, and checks the audit chain.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use desmigratif_core::crypto::Keys;
use desmigratif_core::password::{self, Cost};
use desmigratif_core::region::RegionTree;
use desmigratif_core::{user, village};
use desmigratif_db::audit::Actor;
use desmigratif_db::{ConnectOptions, Db, default_sqlite_url, demo, users, villages};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod accounts;
use accounts::{UserCommand, user_command};
mod imports;
mod safekeeping;

#[derive(Parser)]
#[command(
    name = "desmigratif",
    version,
    about = "Desa Migran Produktif: layanan desa untuk pekerja migran dan keluarganya"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// Address to listen on.
    #[arg(
        long,
        env = "DESMIGRATIF_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    listen: String,
    /// Folder for the SQLite database and the server lock.
    #[arg(
        long,
        env = "DESMIGRATIF_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB; default: SQLite in the data dir.
    #[arg(
        long,
        env = "DESMIGRATIF_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// File holding the encryption key for personal numbers and scans; created on first start.
    /// Back it up apart from the database backups: without it the encrypted data cannot be read.
    #[arg(long, env = "DESMIGRATIF_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
}

impl Global {
    /// The deployment's keys: from `DESMIGRATIF_KEY` (several servers sharing one PostgreSQL),
    /// else the key file (created when missing). Never from an argument: the command line of a
    /// running process is readable by every user of the machine (`ps`, `/proc`).
    fn keys(&self) -> Result<Keys> {
        self.load_keys(true)
    }

    /// The keys, but never a new key file: for restoring, where a new key could match nothing.
    fn existing_keys(&self) -> Result<Keys> {
        self.load_keys(false)
    }

    fn load_keys(&self, create: bool) -> Result<Keys> {
        if let Ok(text) = std::env::var("DESMIGRATIF_KEY")
            && !text.trim().is_empty()
        {
            return Ok(Keys::from_text(&text)?);
        }
        let path = self
            .key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("desmigratif.key"));
        Ok(Keys::load_or_create(&path, create)?)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web application.
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Load the two pilot villages with demo accounts (first run only), print the logins and serve.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Allow the demo (with its published password) on a non-loopback address.
        #[arg(long)]
        allow_public_demo: bool,
        /// Load the demo data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Also load this many synthetic people into the two pilot villages (when they have none).
        #[arg(long, default_value_t = 0)]
        persons: usize,
    },
    /// Load synthetic people (households, NIKs, migration episodes) for demos and benchmarks.
    Synth(SynthArgs),
    /// Villages this deployment serves.
    #[command(subcommand)]
    Village(VillageCommand),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent backup, signed with the key file (works while the server runs).
    Backup { file: PathBuf },
    /// Restore a backup signed with this key file into an empty database (SQLite: the server
    /// must be stopped); a doctored, unsigned or foreign-signed file is refused untouched.
    Restore { file: PathBuf },
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Import people (and migration episodes) from an .xlsx or .csv file into one village.
    Import {
        file: PathBuf,
        /// Code of the village the people live in (e.g. 32.12.16.2004); it must be served here.
        #[arg(long)]
        village: String,
        /// dry-run (check only), all-or-nothing, or valid-only.
        #[arg(long, default_value = "dry-run")]
        mode: String,
    },
    /// Import licensed placement companies (P3MI) from an .xlsx or .csv file of the official list:
    /// new licence numbers are added, known ones updated, status changes kept in their history.
    Agencies {
        file: PathBuf,
        /// dry-run (check only), all-or-nothing, or valid-only.
        #[arg(long, default_value = "dry-run")]
        mode: String,
    },
}

#[derive(Args, Clone)]
struct SynthArgs {
    /// How many people to make.
    #[arg(long)]
    persons: usize,
    /// How many villages to spread them over (drawn with the seed); default: every desa of
    /// --kabupaten, or the villages served here when neither option is given.
    #[arg(long)]
    villages: Option<usize>,
    /// Region codes (comma-separated, e.g. 32.12 or 32.12,33.07) to draw the villages from;
    /// with only --villages, the top sending provinces 32, 33, 35 and 52.
    #[arg(long)]
    kabupaten: Option<String>,
    /// Seed: the same seed, villages, count and --as-of give the same people.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The date the data is as of (YYYY-MM-DD); default: today (WIB).
    #[arg(long)]
    as_of: Option<chrono::NaiveDate>,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Mark cookies Secure (set when served over HTTPS).
    #[arg(long, env = "DESMIGRATIF_SECURE_COOKIES")]
    secure_cookies: bool,
    /// The addresses (or CIDR ranges) of your own reverse proxies, comma-separated: only their
    /// X-Forwarded-For hops are believed. Without it the header is ignored.
    #[arg(long, env = "DESMIGRATIF_TRUST_PROXY", value_parser = parse_proxies)]
    trust_proxy: Option<desmigratif_core::net::TrustedProxies>,
    /// Lets a scraper on another machine read /metrics with the header `X-Metrics-Token: <token>`;
    /// without it only this machine (loopback, not forwarded) may.
    #[arg(long, env = "DESMIGRATIF_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// The public address of this deployment (e.g. https://desa.example), printed on letters and
    /// in their QR codes; without it, the address this server listens on (fine for a demo, not for
    /// letters handed to residents).
    #[arg(long, env = "DESMIGRATIF_PUBLIC_URL")]
    public_url: Option<String>,
    /// Public lookups (letter verification, tracking, resident requests) allowed per client
    /// address per minute.
    #[arg(
        long,
        env = "DESMIGRATIF_PUBLIC_LOOKUPS_PER_MINUTE",
        default_value_t = 60
    )]
    public_lookups_per_minute: usize,
    /// Public reports (/lapor) accepted per client address per hour.
    #[arg(long, env = "DESMIGRATIF_PUBLIC_REPORTS_PER_HOUR", default_value_t = 5)]
    public_reports_per_hour: usize,
    /// Letters residents may request from the public page per client address per hour.
    #[arg(
        long,
        env = "DESMIGRATIF_PUBLIC_LETTER_REQUESTS_PER_HOUR",
        default_value_t = 3
    )]
    public_letter_requests_per_hour: usize,
    /// Password checks run at once (each holds the hash's memory); more logins wait, then get 503.
    #[arg(long, env = "DESMIGRATIF_PASSWORD_CHECKS", default_value_t = default_password_checks())]
    password_checks: usize,
    /// Seconds a whole request may take, its upload included (408 after); raise it for very
    /// large imports over slow lines.
    #[arg(long, env = "DESMIGRATIF_REQUEST_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=3600))]
    request_timeout: u64,
}

#[derive(Subcommand)]
enum VillageCommand {
    /// Serve one more village (by its Kemendagri code, e.g. 32.12.16.2004).
    Add {
        code: String,
        /// Local title of the village head (Kepala Desa, Kuwu, Lurah…).
        #[arg(long, default_value = "Kepala Desa")]
        head_title: String,
    },
    /// List the villages served.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check that no audit entry was changed or removed (the chain is keyed with the key file).
    Verify {
        /// A head exported earlier with `audit head`: also check the chain still holds it.
        #[arg(long)]
        head: Option<PathBuf>,
    },
    /// Print the chain's last link as JSON {"seq","hash","at"}, to keep outside the database.
    Head,
}

/// glibc raises its mmap threshold to the largest block freed so far, so after the first login
/// every argon2 block (19 MiB) is taken from a thread's arena and kept there when freed: 500
/// concurrent logins peaked at 520 MiB. A fixed threshold hands such blocks back to the system
/// when they are freed (the same run: 110 MiB), for the cost of one mmap per password check.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    // SAFETY: mallopt only tunes the allocator; it runs once, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}

fn main() {
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DESMIGRATIF_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    if let Err(e) = runtime.block_on(run(cli)) {
        // One clear line; the chain of causes only where it adds something.
        eprintln!("desmigratif: {e:#}");
        std::process::exit(1);
    }
}

/// Where the database is and whether it is the default SQLite file in the data dir.
fn database_url(g: &Global) -> (String, bool) {
    match &g.database_url {
        Some(url) if !url.trim().is_empty() => (url.clone(), false),
        _ => (default_sqlite_url(&g.data_dir), true),
    }
}

fn ensure_data_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("folder data {} tidak dapat dibuat", dir.display()))?;
    desmigratif_db::connect::check_writable(dir)?;
    Ok(())
}

/// Opens (and for the default SQLite file, creates) the database and brings the schema up to date.
async fn open(g: &Global, create_explicit: bool) -> Result<Db> {
    let (url, is_default) = database_url(g);
    if is_default {
        ensure_data_dir(&g.data_dir)?;
    }
    let db = Db::connect(ConnectOptions {
        url: &url,
        create: is_default || create_explicit,
        max_connections: 16,
    })
    .await?;
    db.migrate().await?;
    // Before anything is written: every audit entry from now on is keyed with the key file.
    desmigratif_db::audit::install_key(&g.keys()?);
    desmigratif_web::seed(&db).await?;
    fill_nik_prefixes(g, &db).await?;
    Ok(db)
}

/// People and households stored before migration 0014 get the region digits of their NIK or KK
/// number from the sealed number, which needs the key (so the key is only loaded when some are
/// missing).
async fn fill_nik_prefixes(g: &Global, db: &Db) -> Result<()> {
    if desmigratif_db::prefixes::missing(db).await? == 0 {
        return Ok(());
    }
    let done = desmigratif_db::prefixes::fill(db, &g.keys()?).await?;
    if done.unreadable > 0 {
        eprintln!(
            "peringatan: {} NIK/nomor KK tidak dapat dibuka dengan kunci ini; bentuk tersamarnya tampil tanpa kode wilayah",
            done.unreadable
        );
    }
    Ok(())
}

fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("kata sandi tidak dapat dibaca dari input")?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if pw.is_empty() {
        bail!(
            "kata sandi kosong; kirim kata sandi lewat input standar, mis.: echo 'kata-sandi-baru' | desmigratif user ..."
        );
    }
    Ok(pw)
}

fn hash_password(pw: &str, username: &str) -> Result<String> {
    user::check_new_password(pw, username).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    Ok(password::hash(pw, Cost::Standard))
}

async fn user_named(db: &Db, username: &str) -> Result<users::UserRow> {
    users::by_username(db, &username.trim().to_lowercase())
        .await?
        .with_context(|| format!("pengguna «{username}» tidak ada"))
}

fn cli_actor() -> Actor {
    let who = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "?".into());
    Actor::system(&format!("cli:{who}"))
}

async fn run(cli: Cli) -> Result<()> {
    let g = cli.global.clone();
    match cli.command {
        Command::Serve(args) => {
            let db = open(&g, false).await?;
            serve(&g, db, &args, None).await
        }
        Command::Migrate => {
            let db = open(&g, true).await?;
            println!(
                "skema database versi {} siap",
                db.applied_schema_version().await?
            );
            Ok(())
        }
        Command::Demo {
            serve: args,
            allow_public_demo,
            no_serve,
            persons,
        } => {
            let addr = parse_listen(&g.listen)?;
            if !addr.ip().is_loopback() && !allow_public_demo {
                bail!(
                    "demo memakai kata sandi yang diumumkan; menolak mendengarkan di {addr} (bukan loopback). Tambahkan --allow-public-demo bila memang disengaja"
                );
            }
            let db = open(&g, false).await?;
            let regions = RegionTree::official();
            let fresh = demo::load(&db, &regions, &g.keys()?, Cost::Standard).await?;
            if !fresh {
                eprintln!("database sudah berisi akun; data demo tidak dimuat ulang");
            }
            if persons > 0 && fresh {
                demo_persons(&g, &db, &regions, persons).await?;
            } else if persons > 0 {
                eprintln!(
                    "data sintetis hanya dimuat bersama demo yang baru; untuk menambah orang pakai `desmigratif synth`"
                );
            }
            demo::print_logins();
            if no_serve {
                return Ok(());
            }
            serve(&g, db, &args, Some(demo::PASSWORD.to_owned())).await
        }
        Command::Village(VillageCommand::Add { code, head_title }) => {
            let db = open(&g, false).await?;
            let regions = RegionTree::official();
            let code = village::parse_village_code(&code, &regions)
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let name = regions
                .get(&code)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            let profile = village::VillageProfile {
                head_title,
                ..Default::default()
            }
            .validated()
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    e.iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
            let mut tx = db.begin().await?;
            villages::add(&mut tx, &cli_actor(), &code, &name, &profile).await?;
            tx.commit().await?;
            println!("desa {name} ({code}) kini dilayani");
            Ok(())
        }
        Command::Village(VillageCommand::List) => {
            let db = open(&g, false).await?;
            let regions = RegionTree::official();
            for v in villages::list(&db).await? {
                let full = v
                    .code
                    .parse()
                    .ok()
                    .and_then(|c| regions.view(&c))
                    .map(|r| r.full_name())
                    .unwrap_or_default();
                println!("{}\t{}", v.code, full);
            }
            Ok(())
        }
        Command::User(cmd) => user_command(&g, cmd).await,
        Command::Backup { file } => safekeeping::backup(&g, &file).await,
        Command::Restore { file } => safekeeping::restore(&g, &file).await,
        Command::Synth(args) => synth(&g, &args).await,
        Command::Import {
            file,
            village,
            mode,
        } => imports::import(&g, &file, &village, &mode).await,
        Command::Agencies { file, mode } => imports::import_agencies(&g, &file, &mode).await,
        Command::Audit(AuditCommand::Verify { head }) => {
            safekeeping::verify(&g, head.as_deref()).await
        }
        Command::Audit(AuditCommand::Head) => safekeeping::head(&g).await,
    }
}

fn parse_listen(listen: &str) -> Result<SocketAddr> {
    listen
        .parse()
        .with_context(|| format!("alamat --listen «{listen}» tidak valid; contoh: 127.0.0.1:8080"))
}

/// Holds an exclusive lock on the data dir while serving, so a restore cannot swap the database
/// file under a running server.
fn lock_data_dir(dir: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(dir)?;
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("desmigratif.lock"))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(_) => bail!(
            "server lain sedang memakai folder data {}; hentikan dulu",
            dir.display()
        ),
    }
}

async fn serve(g: &Global, db: Db, args: &ServeArgs, demo_password: Option<String>) -> Result<()> {
    let addr = parse_listen(&g.listen)?;
    let _lock = if database_url(g).1 {
        Some(lock_data_dir(&g.data_dir)?)
    } else {
        None
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
                "alamat {addr} sudah dipakai program lain; pilih port lain dengan --listen"
            ),
            _ => anyhow::anyhow!("tidak dapat mendengarkan di {addr}: {e}"),
        })?;
    let config = desmigratif_web::WebConfig {
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trust_proxy.clone().unwrap_or_default(),
        metrics_token: args.metrics_token.clone().filter(|t| !t.trim().is_empty()),
        public_url: match &args.public_url {
            Some(url) => url.clone(),
            None => {
                eprintln!(
                    "peringatan: tanpa --public-url, kode QR pada surat menunjuk ke http://{addr}"
                );
                format!("http://{addr}")
            }
        },
        public_lookups_per_minute: args.public_lookups_per_minute,
        public_reports_per_hour: args.public_reports_per_hour,
        public_letter_requests_per_hour: args.public_letter_requests_per_hour,
        password_checks: args.password_checks,
        password_cost: Cost::Standard,
        demo_password,
        timeouts: desmigratif_web::serve::Timeouts {
            request: std::time::Duration::from_secs(args.request_timeout),
            ..Default::default()
        },
    };
    let timeouts = config.timeouts;
    let state = desmigratif_web::AppState::new(
        db.clone(),
        Arc::new(RegionTree::official()),
        g.keys()?,
        config,
    );
    tokio::spawn(desmigratif_web::housekeeping(db.clone()));
    let app = desmigratif_web::router(state);
    println!(
        "desmigratif mendengarkan di http://{}",
        listener.local_addr()?
    );
    desmigratif_web::serve::serve(listener, app, timeouts, shutdown_signal()).await;
    db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Today in Indonesia (WIB), as the pages count it.
fn today_wib() -> chrono::NaiveDate {
    (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive()
}

/// `demo --persons N`: synthetic people in the two pilot villages (beside the demo's own five).
async fn demo_persons(g: &Global, db: &Db, regions: &RegionTree, persons: usize) -> Result<()> {
    let villages = [demo::KENANGA, demo::KURIPAN]
        .iter()
        .map(|c| c.parse())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e: desmigratif_core::Invalid| anyhow::anyhow!("{}", e.message))?;
    let opts = desmigratif_db::synth::Options {
        villages,
        persons,
        seed: 1,
        today: today_wib(),
    };
    run_synth(db, &g.keys()?, regions, &opts).await
}

/// `desmigratif synth`: benchmark-scale synthetic people across many villages.
async fn synth(g: &Global, args: &SynthArgs) -> Result<()> {
    use desmigratif_db::synth::{SENDING_PROVINCES, pick_villages};
    if args.persons == 0 {
        bail!("--persons harus lebih dari 0");
    }
    let regions = RegionTree::official();
    let parse = |list: &[&str]| -> Result<Vec<desmigratif_core::region::RegionCode>> {
        list.iter()
            .map(|c| {
                let code: desmigratif_core::region::RegionCode =
                    c.trim().parse().map_err(|e: desmigratif_core::Invalid| {
                        anyhow::anyhow!("--kabupaten {c}: {}", e.message)
                    })?;
                if regions.get(&code).is_none() {
                    bail!("kode wilayah {code} tidak ada dalam daftar Kemendagri");
                }
                Ok(code)
            })
            .collect()
    };
    let db = open(g, false).await?;
    let villages = match (&args.kabupaten, args.villages) {
        (Some(list), k) => pick_villages(
            &regions,
            &parse(&list.split(',').collect::<Vec<_>>())?,
            k,
            args.seed,
        ),
        (None, Some(k)) => pick_villages(&regions, &parse(&SENDING_PROVINCES)?, Some(k), args.seed),
        (None, None) => villages::list(&db)
            .await?
            .into_iter()
            .filter_map(|v| v.code.parse().ok())
            .collect(),
    };
    if villages.is_empty() {
        bail!(
            "tidak ada desa untuk diisi: beri --villages K dan/atau --kabupaten KODE, atau tambahkan desa dengan `desmigratif village add`"
        );
    }
    let opts = desmigratif_db::synth::Options {
        villages,
        persons: args.persons,
        seed: args.seed,
        today: args.as_of.unwrap_or_else(today_wib),
    };
    run_synth(&db, &g.keys()?, &regions, &opts).await?;
    db.close().await;
    Ok(())
}

async fn run_synth(
    db: &Db,
    keys: &Keys,
    regions: &RegionTree,
    opts: &desmigratif_db::synth::Options,
) -> Result<()> {
    eprintln!(
        "membuat {} orang sintetis di {} desa (seed {}, per {})…",
        opts.persons,
        opts.villages.len(),
        opts.seed,
        opts.today
    );
    let started = std::time::Instant::now();
    let mut shown = std::time::Instant::now();
    let s = desmigratif_db::synth::load(db, keys, regions, opts, |p| {
        if shown.elapsed().as_secs_f64() >= 1.0 || p.persons == p.total {
            shown = std::time::Instant::now();
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            eprintln!(
                "  {}/{} orang ({:.0}%), {} baris, {:.0} baris/s",
                p.persons,
                p.total,
                100.0 * p.persons as f64 / p.total.max(1) as f64,
                p.rows,
                p.rows as f64 / secs
            );
        }
    })
    .await?;
    let secs = s.elapsed.as_secs_f64().max(1e-9);
    println!(
        "synth: {} orang, {} keluarga, {} episode, {} transisi, {} dokumen = {} baris; {} desa ({} baru); {} nomor diganti karena sudah terdaftar",
        s.persons,
        s.households,
        s.episodes,
        s.transitions,
        s.documents,
        s.rows(),
        s.villages,
        s.villages_added,
        s.renumbered
    );
    println!(
        "synth: {:.1} s; {:.0} orang/s; {:.0} baris/s; pembuatan {:.1} s, di antaranya enkripsi+indeks {:.1} s ({:.1} µs/orang)",
        secs,
        s.persons as f64 / secs,
        s.rows() as f64 / secs,
        s.generating.as_secs_f64(),
        s.sealing.as_secs_f64(),
        s.sealing.as_secs_f64() * 1e6 / s.persons.max(1) as f64
    );
    Ok(())
}

fn parse_proxies(s: &str) -> Result<desmigratif_core::net::TrustedProxies, String> {
    s.parse().map_err(|e: desmigratif_core::Invalid| e.message)
}

/// Two password checks per core: enough to keep the cores busy, bounded in memory.
fn default_password_checks() -> usize {
    2 * std::thread::available_parallelism().map_or(2, |n| n.get())
}
