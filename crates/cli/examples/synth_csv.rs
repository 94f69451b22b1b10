//! Writes synthetic people of one village as an import file (the columns of the import template),
//! for timing `desmigratif import` in `scripts/bench-registry`. Same generator as
//! `desmigratif synth`; each person with a migration episode gets its latest one in the episode
//! columns.
//!
//! ```sh
//! cargo run --release -p desmigratif --example synth_csv -- --persons 100000 --village 32.12.16.2004 > people.csv
//! ```

use anyhow::Result;
use chrono::NaiveDate;
use clap::Parser;
use desmigratif_core::region::RegionTree;
use desmigratif_db::synth::Generator;
use std::io::Write;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    persons: usize,
    #[arg(long, default_value = "32.12.16.2004")]
    village: String,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value = "2026-11-27")]
    as_of: NaiveDate,
}

/// The import template's columns, in order: people, then the episode.
fn header() -> impl Iterator<Item = &'static str> {
    desmigratif_db::transfer::PERSON_COLUMNS
        .into_iter()
        .chain(desmigratif_db::transfer::EPISODE_COLUMNS)
}

/// RFC 4180 quoting, only where needed.
fn field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
    out.push(',');
}

fn main() -> Result<()> {
    let args = Args::parse();
    let tree = RegionTree::official();
    let village = args
        .village
        .parse()
        .map_err(|e: desmigratif_core::Invalid| anyhow::anyhow!(e.message))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(out, "{}", header().collect::<Vec<_>>().join(","))?;
    let date = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let mut line = String::new();
    for h in Generator::new(&tree, &[village], args.persons, args.seed, args.as_of)? {
        for p in &h.members {
            line.clear();
            for value in [
                p.nik.as_str(),
                &p.name,
                p.sex.as_str(),
                &p.birth_place,
                &date(Some(p.birth_date)),
                &h.dusun,
                &h.rt,
                &h.rw,
                &h.address,
                &p.phone,
                p.education,
                p.marital_status,
                &p.skills,
                p.passport.as_deref().unwrap_or_default(),
                &date(p.passport_expiry),
            ] {
                field(&mut line, value);
            }
            match p.episodes.last() {
                Some(e) => {
                    for value in [
                        e.destination,
                        e.occupation,
                        &e.employer,
                        &e.agency,
                        e.route,
                        if e.procedural { "ya" } else { "tidak" },
                        &e.siapkerja_id,
                        &date(e.contract_start),
                        &date(e.contract_end),
                    ] {
                        field(&mut line, value);
                    }
                }
                None => line.push_str(",,,,,,,,,"),
            }
            line.pop();
            writeln!(out, "{line}")?;
        }
    }
    out.flush()?;
    Ok(())
}
