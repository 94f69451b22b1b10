//! Advocacy cases in the database layer, on SQLite and PostgreSQL: a case opened from a public
//! report, its states and timeline (notes sealed), a referral that needs consent, the receiving
//! office's access from referral to revocation, the outcome, and counts with small cells hidden.

use crate::support::{KEYS, TestApp, today};
use desmigratif_core::cases::{
    CaseStatus, RawCase, RawOutcome, RawReferral, ReferralStatus, suppress_table,
};
use desmigratif_db::audit::Actor;
use desmigratif_db::cases::{self, NewCase};

const KENANGA: &str = "32.12.16.2004";
const SINDANG: &str = "32.12.16";

fn intake() -> RawCase {
    RawCase {
        sumber: "laporan_publik".into(),
        kategori: "gaji_tidak_dibayar".into(),
        urgensi: "tinggi".into(),
        nama_pekerja: "Rasminah (fiktif)".into(),
        negara: "TW".into(),
        agensi: "PT Cahaya Lintas Samudra".into(),
        pemberi_kerja: "Keluarga di Taichung".into(),
        kronologi: "Gaji tiga bulan terakhir belum dibayar; pekerja dilarang memegang ponsel."
            .into(),
        pelapor: "Ibu kandung".into(),
        kontak_pelapor: "0812 0000 2222".into(),
    }
}

both! {
    async fn a_case_moves_from_intake_to_outcome_with_its_timeline_sealed(app) {
        let actor = Actor::system("advokasi.kenanga");
        let input = intake().check(false).unwrap();
        let report: desmigratif_core::id::Id = desmigratif_db::on_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM public_reports").fetch_one(p).await).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let id = cases::create(&mut tx, &actor, &KEYS, &NewCase {
            region_code: KENANGA, person_id: None, episode_id: None, report_id: Some(report), input: &input, today: today(),
        }).await.unwrap();
        tx.commit().await.unwrap();

        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert_eq!(c.status(), CaseStatus::New);
        assert!(!c.chronology_enc.contains("Gaji"), "sealed at rest");
        let (chronology, reporter) = cases::open(&KEYS, &c).unwrap();
        assert!(chronology.starts_with("Gaji tiga bulan"));
        assert_eq!(reporter["contact"], "0812 0000 2222");

        // Illegal moves are refused and change nothing.
        let mut tx = app.db.begin().await.unwrap();
        assert!(cases::move_status(&mut tx, &actor, &KEYS, id, CaseStatus::Resolved, "", today()).await.is_err());
        drop(tx);
        for to in [CaseStatus::Assessed, CaseStatus::InProgress] {
            let mut tx = app.db.begin().await.unwrap();
            cases::move_status(&mut tx, &actor, &KEYS, id, to, "ditelepon keluarga", today()).await.unwrap();
            tx.commit().await.unwrap();
        }

        // A referral without consent is refused by the rules; with the family's consent it goes,
        // and the kecamatan can read the case from then on.
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert!(!cases::referred_to(&app.db, id, SINDANG).await.unwrap());
        let no_consent = RawReferral { tujuan: "kecamatan".into(), unit: "Kecamatan Sindang".into(), ..Default::default() };
        assert!(no_consent.check(today(), false).is_err());
        let consent = RawReferral {
            persetujuan: "keluarga".into(), nama_pemberi: "Ibu kandung".into(), tanggal_persetujuan: today().to_string(),
            ..no_consent.clone()
        }.check(today(), false).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        let referral = cases::refer(&mut tx, &actor, &KEYS, &c, &consent, SINDANG, today()).await.unwrap();
        tx.commit().await.unwrap();
        assert!(cases::referred_to(&app.db, id, SINDANG).await.unwrap());
        assert!(!cases::referred_to(&app.db, id, "32.12").await.unwrap(), "only the office referred to");
        assert_eq!(cases::get(&app.db, id).await.unwrap().unwrap().status(), CaseStatus::Referred);

        // Revoked: the access ends; a revocation needs its reason.
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        let r = cases::referral(&app.db, referral).await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        assert!(cases::move_referral(&mut tx, &actor, &KEYS, &c, &r, ReferralStatus::Revoked, "").await.is_err());
        drop(tx);
        let mut tx = app.db.begin().await.unwrap();
        cases::move_referral(&mut tx, &actor, &KEYS, &c, &r, ReferralStatus::Revoked, "keluarga menarik persetujuan").await.unwrap();
        tx.commit().await.unwrap();
        assert!(!cases::referred_to(&app.db, id, SINDANG).await.unwrap());

        // An override needs the permission and a written reason, and is recorded as such.
        let override_raw = RawReferral {
            tujuan: "bp3mi".into(), unit: "BP3MI Jawa Barat".into(), persetujuan: "pengecualian".into(),
            alasan_pengecualian: "Pekerja dalam bahaya dan keluarga tidak dapat dihubungi.".into(), ..Default::default()
        };
        assert!(override_raw.check(today(), false).is_err());
        let overridden = override_raw.check(today(), true).unwrap();
        let mut tx = app.db.begin().await.unwrap();
        cases::refer(&mut tx, &actor, &KEYS, &c, &overridden, "", today()).await.unwrap();
        tx.commit().await.unwrap();
        let all = cases::referrals(&app.db, id).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].consent, "pengecualian");
        assert!(all[1].override_reason.contains("dalam bahaya"));

        // The outcome, in whole rupiah; the case is resolved.
        let outcome = RawOutcome { hasil: "gaji_kembali".into(), jumlah: "Rp 24.500.000".into(), tanggal: today().to_string(), catatan: "dibayar lewat KDEI".into() }
            .check(today()).unwrap();
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        let mut tx = app.db.begin().await.unwrap();
        cases::record_outcome(&mut tx, &actor, &KEYS, &c, &outcome, today()).await.unwrap();
        tx.commit().await.unwrap();
        let c = cases::get(&app.db, id).await.unwrap().unwrap();
        assert_eq!((c.status(), c.outcome.as_deref(), c.outcome_amount), (CaseStatus::Resolved, Some("gaji_kembali"), Some(24_500_000)));

        // The timeline: every step, notes sealed.
        let events = cases::events(&app.db, id).await.unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds.first(), Some(&"opened"));
        assert!(kinds.contains(&"referral") && kinds.contains(&"outcome"));
        assert!(events.iter().all(|e| !e.note_enc.contains("keluarga")));
        let revoked = events.iter().find(|e| e.summary.contains("revoked")).unwrap();
        assert_eq!(KEYS.decrypt_str(cases::NOTE_CONTEXT, &revoked.note_enc).unwrap(), "keluarga menarik persetujuan");
    }

    async fn case_counts_hide_small_cells(app) {
        let actor = Actor::system("advokasi.kenanga");
        let mut tx = app.db.begin().await.unwrap();
        for (i, category) in ["gaji_tidak_dibayar"; 6].into_iter().chain(["hilang_kontak"; 2]).enumerate() {
            let mut raw = intake();
            raw.kategori = category.into();
            raw.nama_pekerja = format!("Pekerja {i} (fiktif)");
            let input = raw.check(false).unwrap();
            cases::create(&mut tx, &actor, &KEYS, &NewCase {
                region_code: KENANGA, person_id: None, episode_id: None, report_id: None, input: &input, today: today(),
            }).await.unwrap();
        }
        tx.commit().await.unwrap();
        let counts = cases::counts(&app.db, Some("32.12")).await.unwrap();
        let by = |cat: &str| counts.iter().filter(|r| r.category == cat).map(|r| r.n).sum::<i64>();
        assert_eq!((by("gaji_tidak_dibayar"), by("hilang_kontak")), (6, 2));
        assert!(cases::counts(&app.db, Some("33.07")).await.unwrap().is_empty());
        let table = suppress_table(&[("Kenanga".into(), vec![by("gaji_tidak_dibayar"), by("hilang_kontak"), 0])]);
        assert_eq!(table[0].1[1], None, "2 is hidden");
        assert!(table[0].1[0].is_none(), "and a second cell with it, so the total does not give it away");
        assert_eq!(table[0].1[2], Some(0));
    }
}
