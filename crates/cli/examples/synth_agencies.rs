//! Writes a CSV of N fictional placement companies in the import format of `desmigratif
//! agencies`, for `scripts/bench-portal`: deterministic names (`core::agencies::synthetic_names`),
//! unique licence numbers, a spread of licence states and dates.
//!
//! ```sh
//! cargo run --release -p desmigratif --example synth_agencies -- 10000 > p3mi.csv
//! ```

use std::io::Write;

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "nama,nomor_izin,alamat,berlaku_mulai,berlaku_sampai,status,cabang"
    )?;
    for (i, name) in desmigratif_core::agencies::synthetic_names(n, 7)
        .into_iter()
        .enumerate()
    {
        // One in twenty suspended, one in fifty revoked, one in ten expired.
        let status = match i % 100 {
            0..=4 => "dibekukan",
            5 | 6 => "dicabut",
            _ => "aktif",
        };
        let until = today
            + chrono::Duration::days(if i % 10 == 9 {
                -20
            } else {
                30 + (i % 700) as i64
            });
        writeln!(
            out,
            "{name},KEP.{i:05}/SINTETIS/2026,\"Jl. Contoh No. {}, Jakarta (fiktif)\",,{until},{status},",
            i % 200 + 1
        )?;
    }
    out.flush()
}
