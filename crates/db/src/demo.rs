//! The demo: the two Desmigratif pilot villages (real codes) with one fictional staff account per
//! role, all sharing one published password. Loaded once, into an empty database.

use crate::audit::Actor;
use crate::registry;
use crate::{Db, DbError, Result, settings, users, villages};
use desmigratif_core::access::{Compartment, Compartments, Role};
use desmigratif_core::crypto::Keys;
use desmigratif_core::migration::Stage;
use desmigratif_core::password::{self, Cost};
use desmigratif_core::region::{RegionTree, Scope};
use desmigratif_core::registry::PersonInput;
use desmigratif_core::village::VillageProfile;

/// Documented in README.md; the demo refuses non-loopback addresses because of it.
pub const PASSWORD: &str = "desmigratif-demo";

pub const KENANGA: &str = "32.12.16.2004";
pub const KURIPAN: &str = "33.07.10.2004";

/// (username, name, role, scope). Names are fictional.
pub const ACCOUNTS: &[(&str, &str, Role, &str)] = &[
    ("admin", "Admin Sistem", Role::Admin, ""),
    ("pusat", "Rina Wulandari", Role::Pusat, ""),
    ("prov.jabar", "Dedi Kurniawan", Role::Provinsi, "32"),
    (
        "admin.indramayu",
        "Wawan Setiawan",
        Role::AdminWilayah,
        "32.12",
    ),
    ("kab.indramayu", "Hendra Saputra", Role::Kabupaten, "32.12"),
    ("kab.wonosobo", "Sri Rahayu", Role::Kabupaten, "33.07"),
    ("kec.sindang", "Yusuf Hidayat", Role::Kecamatan, "32.12.16"),
    (
        "operator.kenanga",
        "Siti Aminah",
        Role::OperatorDesa,
        KENANGA,
    ),
    ("kades.kenanga", "Carsono", Role::KepalaDesa, KENANGA),
    ("pendamping.kenanga", "Nurhayati", Role::Pendamping, KENANGA),
    ("advokasi.kenanga", "Ahmad Fauzi", Role::CaseWorker, KENANGA),
    (
        "bendahara.kenanga",
        "Tarsih",
        Role::BendaharaKoperasi,
        KENANGA,
    ),
    // The co-op's chair: the second pair of eyes that approves loans and the SHU.
    ("ketua.kenanga", "Darmi", Role::BendaharaKoperasi, KENANGA),
    (
        "operator.kuripan",
        "Budi Santoso",
        Role::OperatorDesa,
        KURIPAN,
    ),
    ("kades.kuripan", "Sutrisno", Role::KepalaDesa, KURIPAN),
    (
        "pendamping.kuripan",
        "Endang Lestari",
        Role::Pendamping,
        KURIPAN,
    ),
    (
        "advokasi.kuripan",
        "Agus Prasetyo",
        Role::CaseWorker,
        KURIPAN,
    ),
    (
        "bendahara.kuripan",
        "Wartini",
        Role::BendaharaKoperasi,
        KURIPAN,
    ),
];

/// Loads the demo unless the database already has accounts (then it is left as it is and
/// `false` is returned). `cost` is `Standard` except in test suites.
pub async fn load(db: &Db, regions: &RegionTree, keys: &Keys, cost: Cost) -> Result<bool> {
    if !users::list_within(db, &Scope::National, 0, 1)
        .await?
        .0
        .is_empty()
    {
        return Ok(false);
    }
    let actor = Actor::system("demo");
    // One hash for all demo accounts: they share one published password anyway.
    let hash = tokio::task::spawn_blocking(move || password::hash(PASSWORD, cost))
        .await
        .map_err(|e| DbError::Setup(e.to_string()))?;
    let mut tx = db.begin().await?;
    settings::set(
        &mut tx,
        &actor,
        settings::PROGRAMME_LABEL,
        settings::DEFAULT_PROGRAMME_LABEL,
    )
    .await?;
    for (code, title, head, address, phone) in [
        (
            KENANGA,
            "Kuwu",
            "Carsono",
            "Jl. Raya Kenanga, Kec. Sindang, Indramayu",
            "0234 000001",
        ),
        (
            KURIPAN,
            "Kepala Desa",
            "Sutrisno",
            "Jl. Kuripan, Kec. Watumalang, Wonosobo",
            "0286 000002",
        ),
    ] {
        let code = code
            .parse()
            .map_err(|e: desmigratif_core::Invalid| DbError::Setup(e.message))?;
        let name = regions
            .get(&code)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let profile = VillageProfile {
            head_title: title.into(),
            head_name: head.into(),
            office_address: address.into(),
            phone: phone.into(),
            email: String::new(),
        };
        villages::add(&mut tx, &actor, &code, &name, &profile).await?;
    }
    for (username, name, role, scope) in ACCOUNTS {
        let new = users::NewUser {
            username: (*username).into(),
            display_name: (*name).into(),
            password_hash: hash.clone(),
            role: *role,
            scope: Scope::from_stored(scope).map_err(|e| DbError::Setup(e.message))?,
            compartments: demo_compartments(*role),
        };
        users::create(&mut tx, &actor, &new).await?;
    }
    tx.commit().await?;
    load_people(db, regions, keys).await?;
    load_portal(db, keys).await?;
    crate::children::demo(db, keys, KENANGA, KURIPAN).await?;
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    crate::business::demo(db, today).await?;
    crate::products::demo(db, KENANGA, KURIPAN).await?;
    crate::trainings::demo(db).await?;
    crate::coop::demo(db, KENANGA, "bendahara.kenanga", "ketua.kenanga", today).await?;
    Ok(true)
}

/// Fictional placement companies in every licence state, job orders from the Indramayu labour
/// office, and one report waiting in Kenanga's queue. No name here belongs to a real company.
async fn load_portal(db: &Db, keys: &Keys) -> Result<()> {
    use desmigratif_core::agencies::RawAgency;
    let actor = Actor::system("demo");
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    let day = |n: i64| (today + chrono::Duration::days(n)).to_string();
    // (name, licence number, valid until (days from today), status, branches)
    let agencies: [(&str, &str, i64, &str, &str); 10] = [
        (
            "PT Cahaya Lintas Samudra",
            "KEP.1021/DEMO/2026",
            240,
            "aktif",
            "Indramayu: Jl. Contoh Raya No. 7 (fiktif)",
        ),
        (
            "PT Mitra Sejahtera Andalan Nusantara",
            "KEP.1022/DEMO/2026",
            310,
            "aktif",
            "Wonosobo: Jl. Contoh Kidul No. 2 (fiktif)",
        ),
        (
            "PT Kenari Bina Karya",
            "KEP.1023/DEMO/2026",
            120,
            "aktif",
            "",
        ),
        (
            "PT Duta Rantau Mandiri",
            "KEP.1024/DEMO/2026",
            200,
            "aktif",
            "Cirebon: Jl. Contoh Lor No. 5 (fiktif)",
        ),
        (
            "PT Graha Mulia Pekerja",
            "KEP.1025/DEMO/2026",
            90,
            "aktif",
            "",
        ),
        (
            "PT Arunika Global Karya",
            "KEP.1026/DEMO/2026",
            330,
            "aktif",
            "",
        ),
        (
            "PT Permata Laut Indah",
            "KEP.1027/DEMO/2026",
            45,
            "aktif",
            "",
        ),
        (
            "PT Bintang Selatan Penempatan",
            "KEP.1028/DEMO/2025",
            150,
            "dibekukan",
            "",
        ),
        (
            "PT Sinar Harapan Rantau",
            "KEP.1029/DEMO/2025",
            60,
            "dicabut",
            "",
        ),
        (
            "PT Tirta Kencana Abadi",
            "KEP.1030/DEMO/2025",
            -30,
            "aktif",
            "",
        ),
    ];
    let mut tx = db.begin().await?;
    let mut ids = Vec::new();
    for (name, licence, until, status, branches) in agencies {
        let input = RawAgency {
            name: name.into(),
            licence_number: licence.into(),
            address: "Jl. Contoh No. 1, Jakarta Timur (data contoh fiktif)".into(),
            valid_from: day(until - 365),
            valid_until: day(until),
            status: status.into(),
            branches: branches.into(),
        }
        .check()
        .map_err(|e| DbError::Setup(format!("{e:?}")))?;
        let saved = crate::agencies::save(
            &mut tx,
            &actor,
            &input,
            crate::agencies::Via::Import,
            "data demo",
            None,
        )
        .await?;
        ids.push(saved.id());
    }
    // (agency index, title, destination, occupation, employer, wage, cost rupiah, cost foreign, quota, deadline in days)
    type Job = (
        usize,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        i64,
        i64,
        i64,
        i32,
        i64,
    );
    let jobs: [Job; 4] = [
        (
            0,
            "Perawat lansia (live-in) di Taichung",
            "TW",
            "pengasuh_lansia",
            "Keluarga di Taichung (fiktif)",
            20_000,
            9_622_000,
            20_000,
            12,
            30,
        ),
        (
            1,
            "Penata laksana rumah tangga di Hong Kong",
            "HK",
            "pengurus_rumah_tangga",
            "",
            5_100,
            0,
            0,
            8,
            21,
        ),
        (
            3,
            "Pekerja kebun sawit di Sabah",
            "MY",
            "petugas_ladang",
            "Perkebunan di Sabah (fiktif)",
            1_700,
            0,
            0,
            25,
            45,
        ),
        (
            2,
            "Operator pabrik elektronik di Taoyuan",
            "TW",
            "operator_pabrik",
            "Pabrik di Taoyuan (fiktif)",
            28_590,
            0,
            0,
            15,
            14,
        ),
    ];
    let publisher = Actor::system("kab.indramayu");
    for (
        agency,
        title,
        destination,
        occupation,
        employer,
        wage,
        cost_idr,
        cost_foreign,
        quota,
        deadline,
    ) in jobs
    {
        let input = desmigratif_core::jobs::JobInput {
            agency_id: ids[agency],
            title: title.into(),
            destination: destination.into(),
            occupation: occupation.into(),
            employer: employer.into(),
            wage,
            wage_currency: desmigratif_core::fees::currency_of(destination)
                .map(|c| c.code.to_owned())
                .unwrap_or_default(),
            cost_idr,
            cost_foreign,
            quota,
            deadline: today + chrono::Duration::days(deadline),
            requirements:
                "Usia 21–40 tahun, sehat, lulus SMP; bimbingan di desa sebelum mendaftar.".into(),
        };
        crate::jobs::create(&mut tx, &publisher, "32.12", &input).await?;
    }
    let report = desmigratif_core::reports::RawReport {
        category: "calo".into(),
        country: "TW".into(),
        details: "Ada orang yang mengaku sponsor menawarkan kerja pabrik di Taiwan dengan biaya Rp45 juta, katanya bisa berangkat dalam sebulan tanpa lewat Disnaker.".into(),
        accused: "Seorang sponsor dari luar desa (data contoh fiktif)".into(),
        when_where: "Minggu lalu, di warung dekat balai desa".into(),
        contact: String::new(),
    }
    .check(KENANGA)
    .map_err(|e| DbError::Setup(format!("{e:?}")))?;
    crate::reports::create(
        &mut tx,
        &Actor::system("demo"),
        keys,
        &report,
        &desmigratif_core::letters::new_tracking_code(),
    )
    .await?;
    // One case in Kuripan, in handling and referred to its kecamatan with the family's consent.
    let worker = Actor::system("advokasi.kuripan");
    let input = desmigratif_core::cases::RawCase {
        sumber: "keluarga".into(),
        kategori: "hilang_kontak".into(),
        urgensi: "tinggi".into(),
        nama_pekerja: "Darmini (data contoh fiktif)".into(),
        negara: "MY".into(),
        agensi: "PT Duta Rantau Mandiri".into(),
        pemberi_kerja: "Perkebunan di Sabah (fiktif)".into(),
        kronologi: "Keluarga tidak dapat menghubungi Darmini sejak tiga bulan; pesan terakhir menyebut paspornya dipegang mandor.".into(),
        pelapor: "Kakak kandung".into(),
        kontak_pelapor: String::new(),
    }
    .check(false)
    .map_err(|e| DbError::Setup(format!("{e:?}")))?;
    let case = crate::cases::create(
        &mut tx,
        &worker,
        keys,
        &crate::cases::NewCase {
            region_code: KURIPAN,
            person_id: None,
            episode_id: None,
            report_id: None,
            input: &input,
            today,
        },
    )
    .await?;
    for to in [
        desmigratif_core::cases::CaseStatus::Assessed,
        desmigratif_core::cases::CaseStatus::InProgress,
    ] {
        crate::cases::move_status(&mut tx, &worker, keys, case, to, "", today).await?;
    }
    let referral = desmigratif_core::cases::RawReferral {
        tujuan: "kecamatan".into(),
        unit: "Kecamatan Watumalang".into(),
        persetujuan: "keluarga".into(),
        nama_pemberi: "Kakak kandung".into(),
        tanggal_persetujuan: today.to_string(),
        ..Default::default()
    }
    .check(today, false)
    .map_err(|e| DbError::Setup(format!("{e:?}")))?;
    let row = crate::cases::get_in_tx(&mut tx, case).await?;
    crate::cases::refer(&mut tx, &worker, keys, &row, &referral, "33.07.10", today).await?;
    tx.commit().await
}

/// A few fictional villagers at different points of a migration, so every list and the
/// monitoring page have something true-to-life to show.
async fn load_people(db: &Db, regions: &RegionTree, keys: &Keys) -> Result<()> {
    let actor = Actor::system("demo");
    let today = (desmigratif_core::now() + chrono::Duration::hours(7)).date_naive();
    let days = |n: i64| today + chrono::Duration::days(n);
    // (village, nik, name, sex, birth date, dusun, destination, occupation, route, stages walked, contract end, passport expiry, last contact)
    type Person = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static [Stage],
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    const PEOPLE: &[Person] = &[
        (
            KENANGA,
            "3212164507980001",
            "Siti Aminah",
            "P",
            "1998-07-05",
            "Blok Kenanga I",
            "TW",
            "pengasuh_lansia",
            "p3mi",
            &[
                Stage::Counselled,
                Stage::Documents,
                Stage::Training,
                Stage::Registered,
                Stage::Departed,
                Stage::Working,
            ],
            Some(40),
            Some(700),
            Some(-20),
        ),
        (
            KENANGA,
            "3212166203950002",
            "Rohmah",
            "P",
            "1995-03-22",
            "Blok Kenanga II",
            "HK",
            "pengurus_rumah_tangga",
            "p3mi",
            &[
                Stage::Counselled,
                Stage::Documents,
                Stage::Registered,
                Stage::Departed,
                Stage::Working,
                Stage::Returned,
            ],
            None,
            Some(900),
            None,
        ),
        (
            KENANGA,
            "3212161102010003",
            "Darsono",
            "L",
            "2001-02-11",
            "Blok Kenanga I",
            "JP",
            "operator_pabrik",
            "p3mi",
            &[Stage::Counselled],
            None,
            None,
            None,
        ),
        (
            KURIPAN,
            "3307105310920001",
            "Sri Wahyuni",
            "P",
            "1992-10-13",
            "Kuripan Krajan",
            "HK",
            "pengasuh_anak",
            "p3mi",
            &[
                Stage::Counselled,
                Stage::Documents,
                Stage::Registered,
                Stage::Departed,
                Stage::Working,
            ],
            Some(400),
            Some(500),
            Some(-130),
        ),
        (
            KURIPAN,
            "3307101708960002",
            "Joko Susilo",
            "L",
            "1996-08-17",
            "Kuripan Kidul",
            "KR",
            "operator_pabrik",
            "g2g",
            &[
                Stage::Counselled,
                Stage::Documents,
                Stage::Training,
                Stage::Registered,
                Stage::Departed,
            ],
            Some(700),
            Some(120),
            Some(-10),
        ),
    ];
    for (
        i,
        (
            village,
            nik,
            name,
            sex,
            born,
            dusun,
            destination,
            occupation,
            route,
            stages,
            contract_end,
            passport,
            contact,
        ),
    ) in PEOPLE.iter().enumerate()
    {
        let input = PersonInput {
            nik: (*nik).into(),
            name: (*name).into(),
            sex: (*sex).into(),
            birth_place: regions
                .get(
                    &village
                        .parse()
                        .map_err(|e: desmigratif_core::Invalid| DbError::Setup(e.message))?,
                )
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            birth_date: (*born).into(),
            dusun: (*dusun).into(),
            rt: "3".into(),
            rw: "2".into(),
            education: "smp".into(),
            marital_status: "kawin".into(),
            // Not made from the NIK: a masked passport shows its last four digits, which would
            // then be the NIK's serial (docs/decisions.md, "A NIK cannot be rebuilt").
            passport_number: passport
                .map(|_| format!("E{}", 5_207_311 + 1_013 * i))
                .unwrap_or_default(),
            passport_expiry: passport.map(|d| days(d).to_string()).unwrap_or_default(),
            ..Default::default()
        };
        let valid = input
            .check(regions, today)
            .map_err(|e| DbError::Setup(format!("demo {name}: {e:?}")))?;
        let mut tx = db.begin().await?;
        let id = registry::create_person(
            &mut tx,
            &actor,
            &registry::PersonRecord::seal(village, &valid, keys),
        )
        .await?;
        let person = registry::person_in_tx(&mut tx, id).await?;
        registry::add_counselling(
            &mut tx,
            &actor,
            &person,
            days(-200),
            "hak,biaya,risiko,jalur_resmi,tanda_bahaya",
            "Petugas Desmigratif",
            "",
        )
        .await?;
        let details = registry::EpisodeDetails {
            destination: (*destination).into(),
            occupation: (*occupation).into(),
            route: (*route).into(),
            procedural: true,
            agency: if *route == "p3mi" {
                "PT Contoh Penempatan Sejahtera (fiktif)".into()
            } else {
                String::new()
            },
            contract_start: contract_end.map(|_| days(-300)),
            contract_end: contract_end.map(days),
            last_contact_on: None,
            ..Default::default()
        };
        let episode = registry::create_episode(&mut tx, &actor, &person, &details).await?;
        let mut stage = Stage::Interested;
        for (i, next) in stages.iter().enumerate() {
            let e = registry::episode_in_tx(&mut tx, episode).await?;
            desmigratif_core::migration::check_transition(stage, *next)
                .map_err(|e| DbError::Setup(e.message))?;
            let on = days(-200 + 25 * i as i64);
            registry::transition(&mut tx, &actor, &e, *next, on.min(today), "").await?;
            stage = *next;
        }
        if let Some(c) = contact {
            let e = registry::episode_in_tx(&mut tx, episode).await?;
            let mut d = details.clone();
            d.last_contact_on = Some(days(*c));
            registry::update_episode(&mut tx, &actor, &e, &d, &["last_contact_on"]).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The demo's offices that receive referred cases (kecamatan, district labour office) hold the
/// cases compartment by grant, as a real deployment would give it; the others keep the defaults,
/// so the national and provincial accounts see counts, never named residents.
pub fn demo_compartments(role: Role) -> Compartments {
    let mut list = role.compartments().to_vec();
    if matches!(role, Role::Kabupaten | Role::Kecamatan) {
        list.push(Compartment::Cases);
    }
    Compartments::new(list)
}

pub fn print_logins() {
    println!("Demo Desmigratif — Desa Kenanga ({KENANGA}) dan Desa Kuripan ({KURIPAN})");
    println!("Semua akun demo memakai kata sandi: {PASSWORD}");
    for (username, name, role, scope) in ACCOUNTS {
        let scope = if scope.is_empty() { "nasional" } else { scope };
        println!("  {username:<20} {:<20} {scope:<15} {name}", role.as_str());
    }
}
