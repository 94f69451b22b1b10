//! The co-op's staff forms, as typed, and their checks: every problem at once, in Indonesian,
//! saying what to fix (the same shape as [`crate::cases`]).

use super::loan::{LoanProduct, MAX_TERM};
use super::savings::SavingsKind;
use super::shu::{ShuPart, ShuPlan, percent};
use crate::Invalid;
use crate::cases::{NAME_MAX, NAME_MIN};
use crate::fees::{RUPIAH, parse_money};
use crate::form::{choices, line, ok_or_push, past_date, push_err};
use chrono::{Datelike, NaiveDate};
use std::fmt;
use std::str::FromStr;

/// A member number: the co-op's code of 2 to 6 letters, a hyphen and 3 to 6 digits, e.g.
/// `KDM-0042`. Typed in any case and with spaces around; stored in capitals.
pub fn member_number(raw: &str) -> Result<String, Invalid> {
    let n = raw.trim().to_uppercase();
    let ok = n.split_once('-').is_some_and(|(code, digits)| {
        (2..=6).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_uppercase())
            && (3..=6).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
    });
    if ok {
        Ok(n)
    } else if n.is_empty() {
        Err(Invalid::new("nomor", "nomor anggota wajib diisi"))
    } else {
        Err(Invalid::new(
            "nomor",
            format!(
                "nomor anggota «{}» tidak sesuai format; tulis kode koperasi (2–6 huruf), tanda \
                 hubung, lalu 3–6 angka, mis. KDM-0042",
                raw.trim()
            ),
        ))
    }
}

/// A member joining, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawMember {
    pub nomor: String,
    pub nama: String,
    pub tanggal_masuk: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    pub number: String,
    pub name: String,
    pub joined: NaiveDate,
}

impl RawMember {
    pub fn check(&self, today: NaiveDate) -> Result<MemberInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let number = ok_or_push(member_number(&self.nomor), &mut errors);
        let name = push_err(
            line("nama", &self.nama, NAME_MIN, NAME_MAX, "nama anggota"),
            &mut errors,
        );
        let joined = ok_or_push(
            past_date("tanggal_masuk", &self.tanggal_masuk, today, "tanggal masuk"),
            &mut errors,
        );
        match (number, joined) {
            (Some(number), Some(joined)) if errors.is_empty() => Ok(MemberInput {
                number,
                name,
                joined,
            }),
            _ => Err(errors),
        }
    }
}

choices!(
    /// Money in or out of a savings account.
    Direction, field = "arah", what = "jenis transaksi", {
        Deposit = "setor", "Setor", "Deposit";
        Withdrawal = "tarik", "Tarik", "Withdrawal";
    }
);

/// A savings transaction, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawSavingsTxn {
    pub jenis: String,
    pub arah: String,
    pub jumlah: String,
    pub tanggal: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavingsTxnInput {
    pub kind: SavingsKind,
    pub direction: Direction,
    pub amount: i64,
    pub on: NaiveDate,
}

impl RawSavingsTxn {
    /// The form's own rules; the balance (sukarela never below zero, pokok once) is checked by
    /// [`super::savings`] against the account. `leaving` is true on the page that ends a
    /// membership, the only place simpanan pokok and wajib are paid back.
    pub fn check(&self, today: NaiveDate, leaving: bool) -> Result<SavingsTxnInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let kind = ok_or_push(self.jenis.parse::<SavingsKind>(), &mut errors);
        let direction = ok_or_push(self.arah.parse::<Direction>(), &mut errors);
        let amount = positive_money(&self.jumlah, "jumlah", &mut errors);
        if let (Some(kind), Some(Direction::Withdrawal)) = (kind, direction)
            && kind != SavingsKind::Voluntary
            && !leaving
        {
            errors.push(Invalid::new(
                "jenis",
                format!(
                    "{} hanya dikembalikan ketika keanggotaan berakhir; yang bisa ditarik \
                     sewaktu-waktu adalah simpanan sukarela",
                    kind.label_id()
                ),
            ));
        }
        let on = ok_or_push(
            past_date("tanggal", &self.tanggal, today, "tanggal transaksi"),
            &mut errors,
        );
        match (kind, direction, amount, on) {
            (Some(kind), Some(direction), Some(amount), Some(on)) if errors.is_empty() => {
                Ok(SavingsTxnInput {
                    kind,
                    direction,
                    amount,
                    on,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A required amount above zero, read by [`parse_money`].
fn positive_money(raw: &str, field: &'static str, errors: &mut Vec<Invalid>) -> Option<i64> {
    match ok_or_push(parse_money(raw, field), errors)? {
        Some(a) if a > 0 => Some(a),
        _ => {
            errors.push(Invalid::new(
                field,
                "tulis jumlah dalam rupiah, lebih dari nol",
            ));
            None
        }
    }
}

/// A loan application, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawLoanApplication {
    /// The product's code.
    pub produk: String,
    pub jumlah: String,
    /// Months.
    pub tenor: String,
    pub keperluan: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanApplicationInput {
    pub product: String,
    pub amount: i64,
    pub months: u32,
    pub purpose: String,
}

/// What the loan is for: enough words for the *pengurus* to judge it.
pub const PURPOSE_MIN: usize = 5;
pub const PURPOSE_MAX: usize = 500;

impl RawLoanApplication {
    /// Checked against the co-op's products: the amount within the product's limits, the term
    /// within its longest.
    pub fn check(&self, products: &[LoanProduct]) -> Result<LoanApplicationInput, Vec<Invalid>> {
        let mut errors = Vec::new();
        let code = self.produk.trim();
        let product = products.iter().find(|p| p.code == code);
        if product.is_none() {
            let names: Vec<&str> = products.iter().map(|p| p.name.as_str()).collect();
            errors.push(Invalid::new(
                "produk",
                if code.is_empty() {
                    "pilih produk pinjaman dari daftar".to_string()
                } else {
                    format!(
                        "produk «{code}» tidak ada; pilih salah satu: {}",
                        names.join(", ")
                    )
                },
            ));
        }
        let amount = positive_money(&self.jumlah, "jumlah", &mut errors);
        if let (Some(p), Some(a)) = (product, amount)
            && !(p.min_amount..=p.max_amount).contains(&a)
        {
            errors.push(Invalid::new(
                "jumlah",
                format!(
                    "pinjaman {} antara {} dan {}",
                    p.name,
                    RUPIAH.format(p.min_amount),
                    RUPIAH.format(p.max_amount)
                ),
            ));
        }
        let longest = product.map_or(MAX_TERM, |p| p.max_term);
        let months = match self
            .tenor
            .trim()
            .trim_end_matches("bulan")
            .trim()
            .parse::<u32>()
        {
            Ok(m) if (1..=longest).contains(&m) => Some(m),
            _ => {
                errors.push(Invalid::new(
                    "tenor",
                    format!("jangka waktu ditulis dalam bulan, dari 1 sampai {longest}"),
                ));
                None
            }
        };
        let purpose = push_err(
            line(
                "keperluan",
                &self.keperluan,
                PURPOSE_MIN,
                PURPOSE_MAX,
                "keperluan pinjaman",
            ),
            &mut errors,
        );
        match (product, amount, months) {
            (Some(p), Some(amount), Some(months)) if errors.is_empty() => {
                Ok(LoanApplicationInput {
                    product: p.code.clone(),
                    amount,
                    months,
                    purpose,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A percentage as typed: "25", "12,5", "12.5 %", "0,25"; at most two decimals. Empty is 0.
pub fn parse_percent(raw: &str, field: &'static str) -> Result<u32, Invalid> {
    let s = raw.trim().trim_end_matches('%').trim();
    if s.is_empty() {
        return Ok(0);
    }
    let (whole, frac) = s.split_once([',', '.']).unwrap_or((s, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let bp =
        (!whole.is_empty() && whole.len() <= 3 && digits(whole) && frac.len() <= 2 && digits(frac))
            .then(|| {
                let w: u32 = whole.parse().ok()?;
                let f: u32 = format!("{frac:0<2}").parse().ok()?;
                Some(w * 100 + f)
            })
            .flatten()
            .filter(|&bp| bp <= 10_000);
    bp.ok_or_else(|| {
        Invalid::new(
            field,
            format!("persentase «{}» tidak dikenali; tulis angka 0 sampai 100, paling banyak dua angka di belakang koma, mis. 12,5", raw.trim()),
        )
    })
}

/// The RAT's SHU allocation for one year, as typed: one percentage per part, named by the
/// part's stored name ([`ShuPart::as_str`]), and the share of *jasa anggota* that goes by
/// interest paid (the rest by transactions).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct RawShuPlan {
    pub tahun: String,
    pub cadangan: String,
    pub jasa_modal: String,
    pub jasa_anggota: String,
    pub dana_pengurus: String,
    pub dana_karyawan: String,
    pub dana_pendidikan: String,
    pub dana_sosial: String,
    pub dana_pembangunan_daerah_kerja: String,
    pub jasa_anggota_bunga: String,
}

impl RawShuPlan {
    fn typed(&self, part: ShuPart) -> &str {
        match part {
            ShuPart::Reserve => &self.cadangan,
            ShuPart::CapitalService => &self.jasa_modal,
            ShuPart::PatronageService => &self.jasa_anggota,
            ShuPart::Board => &self.dana_pengurus,
            ShuPart::Staff => &self.dana_karyawan,
            ShuPart::Education => &self.dana_pendidikan,
            ShuPart::Social => &self.dana_sosial,
            ShuPart::WorkingArea => &self.dana_pembangunan_daerah_kerja,
        }
    }

    /// The RAT decides on a year that has ended or is ending: from 2000 to this year.
    pub fn check(&self, today: NaiveDate) -> Result<ShuPlan, Vec<Invalid>> {
        let mut errors = Vec::new();
        let year = match self.tahun.trim().parse::<i32>() {
            Ok(y) if (2000..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.push(Invalid::new(
                    "tahun",
                    format!("tulis tahun buku, dari 2000 sampai {}", today.year()),
                ));
                None
            }
        };
        let shares: Vec<(ShuPart, u32)> = ShuPart::ALL
            .iter()
            .filter_map(|&p| {
                ok_or_push(parse_percent(self.typed(p), p.as_str()), &mut errors).map(|bp| (p, bp))
            })
            .collect();
        let interest = ok_or_push(
            parse_percent(&self.jasa_anggota_bunga, "jasa_anggota_bunga"),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let total: u64 = shares.iter().map(|&(_, bp)| bp as u64).sum();
        let plan = ShuPlan::new(year.unwrap_or(0), shares, interest.unwrap_or(0));
        plan.map_err(|mut e| {
            if total != 10_000 {
                e.iter_mut().filter(|e| e.field == "bagian").for_each(|e| {
                    e.message = format!(
                        "jumlah semua bagian harus tepat 100 %, sekarang {}; periksa lagi \
                         persentasenya",
                        percent(total)
                    )
                });
            }
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coop::loan::{AllocationOrder, Method};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-11-28";

    fn fields(e: &[Invalid]) -> Vec<&str> {
        e.iter().map(|e| e.field).collect()
    }

    #[test]
    fn member_numbers_follow_one_format() {
        assert_eq!(member_number(" kdm-0042 "), Ok("KDM-0042".into()));
        assert_eq!(member_number("KSPMD-123456"), Ok("KSPMD-123456".into()));
        for bad in [
            "K-0042",
            "KDM0042",
            "KDM-42",
            "KDM-0042A",
            "KD1-0042",
            "KDM-1234567",
        ] {
            let e = member_number(bad).unwrap_err();
            assert!(e.message.contains("KDM-0042"), "{bad}: {e}");
        }
        assert!(member_number("  ").unwrap_err().message.contains("wajib"));
    }

    #[test]
    fn a_member_form_reports_every_problem() {
        let ok = RawMember {
            nomor: "kdm-0001".into(),
            nama: " Siti  Aminah ".into(),
            tanggal_masuk: "01-03-2026".into(),
        };
        assert_eq!(
            ok.check(d(TODAY)),
            Ok(MemberInput {
                number: "KDM-0001".into(),
                name: "Siti Aminah".into(),
                joined: d("2026-03-01")
            })
        );
        let bad = RawMember {
            nomor: "1".into(),
            nama: "".into(),
            tanggal_masuk: "2027-01-01".into(),
        };
        assert_eq!(
            fields(&bad.check(d(TODAY)).unwrap_err()),
            vec!["nomor", "nama", "tanggal_masuk"]
        );
    }

    #[test]
    fn savings_forms_withdraw_pokok_and_wajib_only_when_leaving() {
        let raw = |jenis: &str, arah: &str, jumlah: &str| RawSavingsTxn {
            jenis: jenis.into(),
            arah: arah.into(),
            jumlah: jumlah.into(),
            tanggal: "2026-11-01".into(),
        };
        let t = raw("sukarela", "tarik", "Rp50.000")
            .check(d(TODAY), false)
            .unwrap();
        assert_eq!(
            (t.kind, t.direction, t.amount),
            (SavingsKind::Voluntary, Direction::Withdrawal, 50_000)
        );
        let e = raw("wajib", "tarik", "20.000")
            .check(d(TODAY), false)
            .unwrap_err();
        assert!(
            e[0].message.contains("Simpanan wajib hanya dikembalikan"),
            "{e:?}"
        );
        assert!(
            raw("wajib", "tarik", "20.000")
                .check(d(TODAY), true)
                .is_ok()
        );
        assert!(
            raw("pokok", "setor", "100.000")
                .check(d(TODAY), false)
                .is_ok()
        );
        let e = raw("", "pinjam", "0").check(d(TODAY), false).unwrap_err();
        assert_eq!(fields(&e), vec!["jenis", "arah", "jumlah"]);
        assert!(e[2].message.contains("lebih dari nol"));
    }

    fn products() -> Vec<LoanProduct> {
        vec![LoanProduct {
            code: "PRODUKTIF".into(),
            name: "Pinjaman usaha".into(),
            method: Method::Annuity,
            annual_rate_bp: 1_800,
            min_amount: 500_000,
            max_amount: 20_000_000,
            max_term: 24,
            fees: vec![],
            penalty_bp_per_day: 10,
            order: AllocationOrder::default(),
        }]
    }

    #[test]
    fn a_loan_application_fits_its_product() {
        let raw = |produk: &str, jumlah: &str, tenor: &str| RawLoanApplication {
            produk: produk.into(),
            jumlah: jumlah.into(),
            tenor: tenor.into(),
            keperluan: "modal warung sembako".into(),
        };
        let ok = raw("PRODUKTIF", "5.000.000", "12 bulan")
            .check(&products())
            .unwrap();
        assert_eq!((ok.amount, ok.months), (5_000_000, 12));
        let e = raw("PRODUKTIF", "25.000.000", "36")
            .check(&products())
            .unwrap_err();
        assert_eq!(fields(&e), vec!["jumlah", "tenor"]);
        assert!(e[0].message.contains("Rp500.000 dan Rp20.000.000"), "{e:?}");
        assert!(e[1].message.contains("1 sampai 24"), "{e:?}");
        let e = raw("KONSUMTIF", "", "x").check(&products()).unwrap_err();
        assert!(e[0].message.contains("Pinjaman usaha"), "{e:?}");
        assert_eq!(fields(&e), vec!["produk", "jumlah", "tenor"]);
    }

    #[test]
    fn percentages_are_read_the_indonesian_way() {
        assert_eq!(parse_percent("25", "x"), Ok(2_500));
        assert_eq!(parse_percent("12,5", "x"), Ok(1_250));
        assert_eq!(parse_percent("12.55 %", "x"), Ok(1_255));
        assert_eq!(parse_percent("0,25", "x"), Ok(25));
        assert_eq!(parse_percent("", "x"), Ok(0));
        assert_eq!(parse_percent("100", "x"), Ok(10_000));
        for bad in ["100,01", "12,555", "-5", "lima", "1.000", ",5"] {
            assert!(parse_percent(bad, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_rat_form_must_add_up_to_one_hundred_percent() {
        let mut raw = RawShuPlan {
            tahun: "2025".into(),
            cadangan: "25".into(),
            jasa_modal: "20".into(),
            jasa_anggota: "25".into(),
            dana_pengurus: "10".into(),
            dana_karyawan: "5".into(),
            dana_pendidikan: "5".into(),
            dana_sosial: "5".into(),
            dana_pembangunan_daerah_kerja: "5".into(),
            jasa_anggota_bunga: "60".into(),
        };
        let plan = raw.check(d(TODAY)).unwrap();
        assert_eq!(plan.year(), 2025);
        assert_eq!(plan.shares().len(), 8);
        assert_eq!(plan.patronage_interest_bp(), 6_000);
        raw.dana_sosial = "4,5".into();
        let e = raw.check(d(TODAY)).unwrap_err();
        assert!(e[0].message.contains("sekarang 99,5 %"), "{e:?}");
        raw.dana_sosial = "lima".into();
        raw.tahun = "2030".into();
        assert_eq!(
            fields(&raw.check(d(TODAY)).unwrap_err()),
            vec!["tahun", "dana_sosial"]
        );
    }

    proptest! {
        #[test]
        fn any_two_decimal_percentage_reads_back(bp in 0u32..=10_000) {
            let typed = percent(bp as u64);
            prop_assert_eq!(parse_percent(&typed, "x"), Ok(bp));
        }
    }
}
