//! Who may do what, where. Every request is decided by [`authorize`]: one function, so the rule is
//! the same for pages, the API and the CLI and can be tested exhaustively here.
//!
//! Three independent gates must all open: the **role** allows the action, the user holds the
//! **compartment** the data lives in, and the user's **scope** (a region-code prefix) covers the
//! [`Place`] the decision is about. Every decision names a place: a village, a region or the
//! nation (deployment-wide reference data); there is no decision about "nowhere".
//!
//! Named people are a village's business: above the village, accounts hold only the aggregate
//! `reports` compartment unless a person-level compartment is granted to them by name, and every
//! such read is audited by the web layer.

use crate::Invalid;
use crate::id::Id;
use crate::region::{Level, RegionCode, Scope};
use std::fmt;
use std::str::FromStr;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                match s.trim() {
                    $($s => Ok($name::$variant),)+
                    other => Err(Invalid::new(stringify!($name), format!(
                        "«{other}» tidak dikenal; pilih salah satu: {}",
                        [$($s),+].join(", ")
                    ))),
                }
            }
        }
    };
}

string_enum!(
    /// A user's job. Fixes which actions are possible and which compartments may be granted.
    Role {
        Admin = "admin",
        // Manages the accounts of one province, district or sub-district.
        AdminWilayah = "admin_wilayah",
        Pusat = "pusat",
        Provinsi = "provinsi",
        Kabupaten = "kabupaten",
        Kecamatan = "kecamatan",
        OperatorDesa = "operator_desa",
        KepalaDesa = "kepala_desa",
        Pendamping = "pendamping",
        CaseWorker = "case_worker",
        BendaharaKoperasi = "bendahara_koperasi",
    }
);

string_enum!(
    /// A separately guarded body of data: holding one says nothing about the others.
    Compartment {
        Registry = "registry",
        Letters = "letters",
        Cases = "cases",
        Children = "children",
        Business = "business",
        Cooperative = "cooperative",
        Reports = "reports",
        // Not data but a grant: refer a case without the worker's or family's consent, with a
        // written reason. Never given by default; an admin grants it to named case workers.
        ConsentOverride = "consent_override",
    }
);

/// Everything a request can ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Read(Compartment),
    Write(Compartment),
    /// Create, change and disable user accounts.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// Change national reference data that has legal meaning (document requirement sets).
    EditReference,
    /// Approve and sign a village letter: the village head's act (it carries the village's
    /// signature), never the operator's who prepared it.
    SignLetters,
    /// Change the deployment's letter kinds and their templates.
    EditLetterKinds,
    /// Publish and withdraw job orders: district and national labour offices, which receive
    /// job demand (UU 18/2017 Pasal 42 gives villages only the passing on of it).
    PublishJobs,
    /// Take up reports from the public: the case workers of a village and the offices above it,
    /// since a report may name only a kabupaten.
    HandleReports,
    /// Refer a case without recorded consent (a written reason is still required).
    OverrideConsent,
}

impl Compartment {
    /// Whether the compartment holds named people (everything but the aggregate reports and the
    /// consent-override grant).
    pub fn names_people(self) -> bool {
        !matches!(self, Compartment::Reports | Compartment::ConsentOverride)
    }
}

/// Where an authorisation decision applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// One village's records.
    Village(RegionCode),
    /// A province, district or sub-district: its lists and figures.
    Region(RegionCode),
    /// Deployment-wide data: agencies, fee ceilings, guides, alerts, requirement sets, letter
    /// kinds and templates, counselling settings, national accounts.
    National,
}

impl Place {
    /// The place of a record stored with its village's code.
    pub fn village(code: &str) -> Result<Place, Invalid> {
        let code: RegionCode = code.parse()?;
        if code.level() != Level::Desa {
            return Err(Invalid::new("desa", format!("{code} bukan kode desa")));
        }
        Ok(Place::Village(code))
    }

    /// The place a scope stands for: the nation, a village, or a region.
    pub fn of(scope: &Scope) -> Place {
        match scope {
            Scope::National => Place::National,
            Scope::Region(r) if r.level() == Level::Desa => Place::Village(r.clone()),
            Scope::Region(r) => Place::Region(r.clone()),
        }
    }

    pub fn scope(&self) -> Scope {
        match self {
            Place::Village(r) | Place::Region(r) => Scope::Region(r.clone()),
            Place::National => Scope::National,
        }
    }

    /// The stored form, as in audit rows: the code, or empty for the nation.
    pub fn as_stored(&self) -> &str {
        match self {
            Place::Village(r) | Place::Region(r) => r.as_str(),
            Place::National => "",
        }
    }
}

impl Role {
    /// The compartments a new user of this role holds unless others are chosen. Above the
    /// village only the aggregate reports: named people are granted by name (`may_hold`).
    pub fn compartments(self) -> &'static [Compartment] {
        use Compartment::*;
        match self {
            Role::Admin | Role::AdminWilayah => &[Reports],
            Role::Pusat | Role::Provinsi | Role::Kabupaten | Role::Kecamatan => &[Reports],
            Role::OperatorDesa | Role::KepalaDesa => &[Registry, Letters, Reports],
            Role::Pendamping => &[Business, Children, Registry, Reports],
            Role::CaseWorker => &[Cases, Registry, Reports],
            Role::BendaharaKoperasi => &[Cooperative],
        }
    }

    /// The compartments a user of this role may be granted: the defaults and the grants that
    /// must be given explicitly.
    pub fn may_hold(self) -> Vec<Compartment> {
        use Compartment::*;
        let mut all = self.compartments().to_vec();
        match self {
            Role::CaseWorker => all.push(ConsentOverride),
            // Offices that receive referred cases, or supervise a village's registry, by grant.
            Role::Pusat | Role::Provinsi | Role::Kabupaten | Role::Kecamatan => {
                all.extend([Registry, Cases, Children])
            }
            _ => {}
        }
        all.sort();
        all
    }

    /// Supervisory levels read what villages record; they do not edit village records.
    fn edits_village_records(self) -> bool {
        matches!(
            self,
            Role::Admin
                | Role::OperatorDesa
                | Role::KepalaDesa
                | Role::Pendamping
                | Role::CaseWorker
                | Role::BendaharaKoperasi
        )
    }

    fn allows(self, action: Action) -> bool {
        match action {
            Action::Read(c) => self.may_hold().contains(&c),
            Action::Write(c) => {
                c != Compartment::Reports
                    && self.edits_village_records()
                    && self.may_hold().contains(&c)
            }
            Action::ManageUsers => matches!(self, Role::Admin | Role::AdminWilayah),
            Action::ReadAudit => matches!(self, Role::Admin | Role::Pusat),
            Action::EditReference => self == Role::Pusat,
            Action::SignLetters => self == Role::KepalaDesa,
            Action::EditLetterKinds => self == Role::Admin,
            Action::PublishJobs => matches!(self, Role::Pusat | Role::Provinsi | Role::Kabupaten),
            Action::OverrideConsent => self == Role::CaseWorker,
            Action::HandleReports => matches!(
                self,
                Role::CaseWorker | Role::Kecamatan | Role::Kabupaten | Role::Provinsi | Role::Pusat
            ),
        }
    }

    /// The scope this role makes sense with, for checks when accounts are created: national
    /// powers only with the national scope, regional ones at their level.
    pub fn valid_scope(self, scope: &Scope) -> Result<(), Invalid> {
        let level = match scope {
            Scope::National => None,
            Scope::Region(r) => Some(r.level()),
        };
        let ok = match self {
            Role::Admin | Role::Pusat => level.is_none(),
            Role::AdminWilayah => matches!(
                level,
                Some(Level::Provinsi | Level::Kabupaten | Level::Kecamatan)
            ),
            Role::Provinsi => level == Some(Level::Provinsi),
            Role::Kabupaten => level == Some(Level::Kabupaten),
            Role::Kecamatan => level == Some(Level::Kecamatan),
            _ => level == Some(Level::Desa),
        };
        if ok {
            Ok(())
        } else {
            let need = match self {
                Role::Admin | Role::Pusat => "nasional (kosongkan kode wilayah)",
                Role::AdminWilayah => "kode provinsi, kabupaten/kota atau kecamatan",
                Role::Provinsi => "kode provinsi (2 digit)",
                Role::Kabupaten => "kode kabupaten/kota (mis. 32.12)",
                Role::Kecamatan => "kode kecamatan (mis. 32.12.16)",
                _ => "kode desa (mis. 32.12.16.2004)",
            };
            Err(Invalid::new(
                "cakupan",
                format!("peran {self} memerlukan cakupan berupa {need}"),
            ))
        }
    }
}

/// The compartments a user holds, stored as a comma-separated list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Compartments(Vec<Compartment>);

impl Compartments {
    pub fn new(mut list: Vec<Compartment>) -> Self {
        list.sort();
        list.dedup();
        Compartments(list)
    }

    pub fn contains(&self, c: Compartment) -> bool {
        self.0.contains(&c)
    }

    pub fn iter(&self) -> impl Iterator<Item = Compartment> + '_ {
        self.0.iter().copied()
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn from_stored(s: &str) -> Result<Self, Invalid> {
        s.split(',')
            .filter(|p| !p.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Compartments::new)
    }

    /// Refuses compartments the role can never hold (a treasurer never sees cases).
    pub fn check_for(&self, role: Role) -> Result<(), Invalid> {
        match self.0.iter().find(|c| !role.may_hold().contains(c)) {
            Some(c) => Err(Invalid::new(
                "kompartemen",
                format!("peran {role} tidak boleh memegang kompartemen {c}"),
            )),
            None => Ok(()),
        }
    }
}

/// The authenticated user a request acts for.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: Id,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub compartments: Compartments,
}

/// Why a request was refused; the web layer turns it into 404 (objects) or 403 (actions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    Role,
    Compartment(Compartment),
    Scope,
}

impl Denial {
    pub fn reason(&self) -> String {
        match self {
            Denial::Role => "role".into(),
            Denial::Compartment(c) => format!("compartment:{c}"),
            Denial::Scope => "scope".into(),
        }
    }
}

impl Principal {
    /// Whether the account works above a single village (and so sees named people only by grant).
    pub fn above_village(&self) -> bool {
        !matches!(&self.scope, Scope::Region(r) if r.level() == Level::Desa)
    }

    /// The place of the caller's own scope: where its lists and menus are.
    pub fn own_place(&self) -> Place {
        Place::of(&self.scope)
    }

    /// [`authorize`] as a yes/no, for showing a button or a menu entry.
    pub fn may(&self, action: Action, place: &Place) -> bool {
        authorize(self, action, place).is_ok()
    }

    /// [`Principal::may`] in the village with this stored code; never for a code that is not a
    /// village's.
    pub fn may_in_village(&self, action: Action, village_code: &str) -> bool {
        Place::village(village_code).is_ok_and(|place| self.may(action, &place))
    }

    /// [`Principal::may`] in the caller's own region.
    pub fn may_here(&self, action: Action) -> bool {
        self.may(action, &self.own_place())
    }
}

/// The one decision: may `p` do `action` at `place` (where the record lives or the action is
/// aimed)?
pub fn authorize(p: &Principal, action: Action, place: &Place) -> Result<(), Denial> {
    if !p.role.allows(action) {
        return Err(Denial::Role);
    }
    let compartment = match action {
        Action::Read(c) | Action::Write(c) => Some(c),
        Action::SignLetters => Some(Compartment::Letters),
        Action::HandleReports => Some(Compartment::Cases),
        Action::OverrideConsent => Some(Compartment::ConsentOverride),
        _ => None,
    };
    if let Some(c) = compartment.filter(|c| !p.compartments.contains(*c)) {
        return Err(Denial::Compartment(c));
    }
    if p.scope.encloses(&place.scope()) {
        Ok(())
    } else {
        Err(Denial::Scope)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Compartment::*;

    fn principal(role: Role, scope: &str) -> Principal {
        Principal {
            user_id: Id::new(),
            username: "u".into(),
            display_name: "U".into(),
            role,
            scope: Scope::from_stored(scope).unwrap(),
            compartments: Compartments::new(role.compartments().to_vec()),
        }
    }

    fn code(s: &str) -> Place {
        Place::of(&Scope::Region(s.parse().unwrap()))
    }

    fn granted(mut p: Principal, extra: &[Compartment]) -> Principal {
        let mut all: Vec<_> = p.compartments.iter().collect();
        all.extend_from_slice(extra);
        p.compartments = Compartments::new(all);
        p
    }

    const KENANGA: &str = "32.12.16.2004";
    const KURIPAN: &str = "33.07.10.2004";

    #[test]
    fn village_operator_sees_only_her_village() {
        let op = principal(Role::OperatorDesa, KENANGA);
        assert_eq!(
            authorize(&op, Action::Read(Registry), &code(KENANGA)),
            Ok(())
        );
        assert_eq!(
            authorize(&op, Action::Write(Letters), &code(KENANGA)),
            Ok(())
        );
        assert_eq!(
            authorize(&op, Action::Read(Registry), &code(KURIPAN)),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&op, Action::Read(Cases), &code(KENANGA)),
            Err(Denial::Role)
        );
    }

    #[test]
    fn compartments_are_checked_even_when_the_role_allows() {
        let mut worker = principal(Role::CaseWorker, KENANGA);
        worker.compartments = Compartments::new(vec![Registry]);
        assert_eq!(
            authorize(&worker, Action::Read(Cases), &code(KENANGA)),
            Err(Denial::Compartment(Cases))
        );
    }

    #[test]
    fn treasurer_never_sees_cases_or_children() {
        let t = principal(Role::BendaharaKoperasi, KENANGA);
        for c in [Cases, Children, Registry, Letters] {
            assert!(
                authorize(&t, Action::Read(c), &code(KENANGA)).is_err(),
                "{c}"
            );
        }
        assert_eq!(
            authorize(&t, Action::Write(Cooperative), &code(KENANGA)),
            Ok(())
        );
        assert!(
            Compartments::new(vec![Cases])
                .check_for(Role::BendaharaKoperasi)
                .is_err()
        );
    }

    #[test]
    fn district_reads_named_people_only_by_grant_and_edits_none() {
        let kab = principal(Role::Kabupaten, "32.12");
        assert!(kab.above_village());
        assert_eq!(
            authorize(&kab, Action::Read(Registry), &code(KENANGA)),
            Err(Denial::Compartment(Registry)),
            "aggregates by default"
        );
        assert_eq!(
            authorize(&kab, Action::Read(Reports), &code(KENANGA)),
            Ok(())
        );
        let kab = granted(kab, &[Registry]);
        assert_eq!(
            authorize(&kab, Action::Read(Registry), &code(KENANGA)),
            Ok(())
        );
        assert_eq!(
            authorize(&kab, Action::Read(Registry), &code(KURIPAN)),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&kab, Action::Write(Registry), &code(KENANGA)),
            Err(Denial::Role)
        );
        assert!(
            Compartments::new(vec![Registry, Cases, Children])
                .check_for(Role::Kabupaten)
                .is_ok()
        );
        for role in [
            Role::Pusat,
            Role::Provinsi,
            Role::Kabupaten,
            Role::Kecamatan,
            Role::Admin,
            Role::AdminWilayah,
        ] {
            assert!(
                role.compartments().iter().all(|c| !c.names_people()),
                "{role} holds no named people by default"
            );
        }
    }

    #[test]
    fn only_admins_manage_users_and_audit_is_for_admin_and_pusat() {
        for role in Role::ALL {
            let p = principal(*role, "");
            assert_eq!(
                authorize(&p, Action::ManageUsers, &Place::National).is_ok(),
                matches!(role, Role::Admin | Role::AdminWilayah),
                "{role}"
            );
            assert_eq!(
                authorize(&p, Action::ReadAudit, &Place::National).is_ok(),
                matches!(role, Role::Admin | Role::Pusat),
                "{role}"
            );
        }
    }

    #[test]
    fn national_records_are_only_for_national_scopes() {
        let kab_admin = principal(Role::AdminWilayah, "32.12");
        assert_eq!(
            authorize(&kab_admin, Action::ManageUsers, &Place::National),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&kab_admin, Action::ManageUsers, &code(KENANGA)),
            Ok(())
        );
        assert_eq!(
            authorize(&kab_admin, Action::ManageUsers, &code(KURIPAN)),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(
                &principal(Role::Admin, ""),
                Action::ManageUsers,
                &Place::National
            ),
            Ok(())
        );
    }

    #[test]
    fn only_national_staff_edit_reference_data() {
        for role in Role::ALL {
            assert_eq!(
                authorize(
                    &principal(*role, ""),
                    Action::EditReference,
                    &Place::National
                )
                .is_ok(),
                *role == Role::Pusat,
                "{role}"
            );
        }
    }

    #[test]
    fn only_the_village_head_signs_and_only_in_her_village() {
        for role in Role::ALL {
            assert_eq!(
                authorize(
                    &principal(*role, KENANGA),
                    Action::SignLetters,
                    &code(KENANGA)
                )
                .is_ok(),
                *role == Role::KepalaDesa,
                "{role}"
            );
        }
        let head = principal(Role::KepalaDesa, KENANGA);
        assert_eq!(
            authorize(&head, Action::SignLetters, &code(KURIPAN)),
            Err(Denial::Scope)
        );
        let mut without_letters = head.clone();
        without_letters.compartments = Compartments::new(vec![Registry]);
        assert_eq!(
            authorize(&without_letters, Action::SignLetters, &code(KENANGA)),
            Err(Denial::Compartment(Letters))
        );
        assert!(
            authorize(
                &principal(Role::Admin, ""),
                Action::EditLetterKinds,
                &Place::National
            )
            .is_ok()
        );
        assert!(
            authorize(
                &principal(Role::OperatorDesa, KENANGA),
                Action::EditLetterKinds,
                &Place::National
            )
            .is_err()
        );
    }

    #[test]
    fn every_role_can_hold_its_default_compartments() {
        for role in Role::ALL {
            assert!(
                Compartments::new(role.compartments().to_vec())
                    .check_for(*role)
                    .is_ok()
            );
        }
    }

    #[test]
    fn consent_override_is_an_explicit_grant_of_case_workers_only() {
        let mut worker = principal(Role::CaseWorker, KENANGA);
        assert_eq!(
            authorize(&worker, Action::OverrideConsent, &code(KENANGA)),
            Err(Denial::Compartment(ConsentOverride)),
            "not by default"
        );
        worker.compartments = Compartments::new(vec![Cases, Registry, ConsentOverride]);
        assert_eq!(
            authorize(&worker, Action::OverrideConsent, &code(KENANGA)),
            Ok(())
        );
        assert!(
            Compartments::new(vec![ConsentOverride])
                .check_for(Role::OperatorDesa)
                .is_err()
        );
        let kab = principal(Role::Kabupaten, "32.12");
        assert_eq!(
            authorize(&kab, Action::OverrideConsent, &code(KENANGA)),
            Err(Denial::Role)
        );
    }

    #[test]
    fn roles_need_scopes_of_their_level() {
        let s = |x: &str| Scope::from_stored(x).unwrap();
        assert!(Role::OperatorDesa.valid_scope(&s(KENANGA)).is_ok());
        assert!(Role::OperatorDesa.valid_scope(&s("32.12")).is_err());
        assert!(Role::Kabupaten.valid_scope(&s("32.12")).is_ok());
        assert!(Role::Kabupaten.valid_scope(&s("")).is_err());
        assert!(Role::Pusat.valid_scope(&s("")).is_ok());
        // National powers only with the national scope: a district cannot hold them.
        assert!(Role::Pusat.valid_scope(&s("32.12")).is_err());
        assert!(Role::Admin.valid_scope(&s("32.12")).is_err());
        assert!(Role::AdminWilayah.valid_scope(&s("32.12")).is_ok());
        assert!(Role::AdminWilayah.valid_scope(&s("")).is_err());
        assert!(Role::AdminWilayah.valid_scope(&s(KENANGA)).is_err());
    }

    #[test]
    fn places_are_typed_by_level() {
        assert!(matches!(code(KENANGA), Place::Village(_)));
        assert!(matches!(code("32.12"), Place::Region(_)));
        assert_eq!(Place::of(&Scope::National), Place::National);
        assert!(Place::village("32.12").is_err());
        assert_eq!(Place::village(KENANGA).unwrap().as_stored(), KENANGA);
    }

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        let c = Compartments::from_stored("reports, registry,registry").unwrap();
        assert_eq!(c.to_stored(), "registry,reports");
        assert!(Compartments::from_stored("registry,rahasia").is_err());
        assert!(
            "superuser"
                .parse::<Role>()
                .unwrap_err()
                .message
                .contains("admin")
        );
    }
}
