//! `cargo bench -p desmigratif-pdf`: one letter rendered to PDF (after the first, which loads the
//! fonts and the standard library), a check of an edited template, the text of a letter, a QR code.

use criterion::{Criterion, criterion_group, criterion_main};
use desmigratif_pdf::{TEMPLATES, check, qr_svg, render, sample_data, text};
use std::hint::black_box;

fn letters(c: &mut Criterion) {
    // The first letter of a process also parses the fonts and builds Typst's standard library.
    let (kind, template) = TEMPLATES[0];
    let started = std::time::Instant::now();
    render(template, &sample_data(kind), "https://desa.example/v/first").unwrap();
    println!("letter/first of the process: {:.1?}", started.elapsed());

    let mut group = c.benchmark_group("letter");
    for (kind, template) in TEMPLATES {
        let data = sample_data(kind);
        let url = data["verify"]["url"].as_str().unwrap().to_owned();
        group.bench_function(format!("render/{kind}"), |b| {
            b.iter(|| render(black_box(template), black_box(&data), &url).unwrap())
        });
    }
    // Every letter different (another person each time), as when a desk prints a queue.
    let mut data = sample_data(kind);
    let mut n = 0u64;
    group.bench_function("render/izin_keluarga, new person each time", |b| {
        b.iter(|| {
            n += 1;
            data["subject"]["name"] = format!("Warga Nomor {n}").into();
            data["verify"]["code"] = format!("KODE{n:08}").into();
            let url = format!("https://desa.example/v/KODE{n:08}");
            render(template, &data, &url).unwrap()
        })
    });
    let edited = format!("{template}\n// diubah\n");
    group.bench_function("check/izin_keluarga, edited", |b| {
        b.iter(|| check(black_box(&edited), &sample_data(kind)).unwrap())
    });
    let pdf = render(template, &sample_data(kind), "https://desa.example/v/x").unwrap();
    group.bench_function("text", |b| b.iter(|| text(black_box(&pdf)).unwrap()));
    group.bench_function("qr_svg", |b| {
        b.iter(|| qr_svg(black_box("https://desa.example/v/Q7mK2xN4pR8s")))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = letters
}
criterion_main!(benches);
