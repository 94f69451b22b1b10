//! The demo: the two Desmigratif pilot villages (real codes) with one fictional staff account per
//! role, all sharing one published password. Loaded once, into an empty database.

use crate::audit::Actor;
use crate::{Db, DbError, Result, settings, users, villages};
use desmigratif_core::access::{Compartments, Role};
use desmigratif_core::password::{self, Cost};
use desmigratif_core::region::{RegionTree, Scope};
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
    ("kab.indramayu", "Hendra Saputra", Role::Kabupaten, "32.12"),
    ("kab.wonosobo", "Sri Rahayu", Role::Kabupaten, "33.07"),
    ("kec.sindang", "Yusuf Hidayat", Role::Kecamatan, "32.12.16"),
    (
        "operator.kenanga",
        "Siti Aminah",
        Role::OperatorDesa,
        KENANGA,
    ),
    ("kades.kenanga", "Warsono", Role::KepalaDesa, KENANGA),
    ("pendamping.kenanga", "Nurhayati", Role::Pendamping, KENANGA),
    ("advokasi.kenanga", "Ahmad Fauzi", Role::CaseWorker, KENANGA),
    (
        "bendahara.kenanga",
        "Tarsih",
        Role::BendaharaKoperasi,
        KENANGA,
    ),
    (
        "operator.kuripan",
        "Budi Santoso",
        Role::OperatorDesa,
        KURIPAN,
    ),
    ("kades.kuripan", "Slamet Riyadi", Role::KepalaDesa, KURIPAN),
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
pub async fn load(db: &Db, regions: &RegionTree, cost: Cost) -> Result<bool> {
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
            compartments: Compartments::new(role.compartments().to_vec()),
        };
        users::create(&mut tx, &actor, &new).await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub fn print_logins() {
    println!("Demo Desmigratif — Desa Kenanga ({KENANGA}) dan Desa Kuripan ({KURIPAN})");
    println!("Semua akun demo memakai kata sandi: {PASSWORD}");
    for (username, name, role, scope) in ACCOUNTS {
        let scope = if scope.is_empty() { "nasional" } else { scope };
        println!("  {username:<20} {:<20} {scope:<15} {name}", role.as_str());
    }
}
