//! `cargo bench -p desmigratif-core --bench agency_search`: the public company search over a
//! registry of 10,000 synthetic companies (far more than the few hundred licensed today, so the
//! numbers hold as the registry grows): building the index, and one query of each kind.

use criterion::{Criterion, criterion_group, criterion_main};
use desmigratif_core::agencies::{AgencyIndex, IndexEntry, synthetic_names};
use desmigratif_core::id::Id;
use std::hint::black_box;

const COMPANIES: usize = 10_000;

fn licence_number(n: usize) -> String {
    format!("KEP.{}/PPTKIS/{}", 1000 + n, 2015 + n % 10)
}

/// The name with the second and third letters of its first word swapped, as a typo would.
fn swapped_letters(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    chars.swap(4, 5);
    chars.into_iter().collect()
}

fn agency_search(c: &mut Criterion) {
    let names = synthetic_names(COMPANIES, 2026);
    let entries: Vec<IndexEntry> = names
        .iter()
        .enumerate()
        .map(|(n, name)| IndexEntry {
            id: Id::new(),
            name: name.clone(),
            licence_number: licence_number(n),
        })
        .collect();
    let index = AgencyIndex::new(entries.clone());

    let exact = names[4321].clone();
    let look_alike = swapped_letters(&names[1234]);
    let licence = licence_number(777).replace(['.', '/'], " ").to_lowercase();
    let queries = [
        ("exact name", exact.as_str()),
        ("look-alike", look_alike.as_str()),
        ("one word", "Mandiri"),
        // The most candidates: every word is in hundreds of names.
        ("common words only", "PT Jaya Mandiri Sejahtera Abadi"),
        ("licence number", licence.as_str()),
        ("junk", "zq!! 12 ﷽ qwertyuiop asdf"),
    ];
    println!("sample names: {:?}", &names[..8]);
    for (what, query) in queries {
        let found = index.search(query, 20);
        println!(
            "{what} «{query}»: {} exact, {} matches, {} look-alikes",
            found.exact.len(),
            found.matches.len(),
            found.look_alikes.len()
        );
    }
    assert_eq!(
        index.search(&look_alike, 20).look_alikes[0].0,
        entries[1234].id
    );

    let mut group = c.benchmark_group("agencies");
    group.bench_function(format!("index/build {COMPANIES}"), |b| {
        b.iter(|| AgencyIndex::new(black_box(entries.clone())))
    });
    for (what, query) in queries {
        group.bench_function(format!("search/{what}"), |b| {
            b.iter(|| index.search(black_box(query), 20))
        });
    }
    group.finish();
}

criterion_group!(benches, agency_search);
criterion_main!(benches);
