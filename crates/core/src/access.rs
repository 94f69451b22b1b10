//! Who may do what, where. Every request is decided by [`authorize`]: one function, so the rule is
//! the same for pages, the API and the CLI and can be tested exhaustively here.
//!
//! Three independent gates must all open: the **role** allows the action, the user holds the
//! **compartment** the data lives in, and the user's **scope** (a region-code prefix) covers the
//! region of the record.

use crate::Invalid;
use crate::id::Id;
use crate::region::Scope;
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

impl Role {
    /// The compartments a user of this role may ever hold; the defaults for a new user.
    pub fn compartments(self) -> &'static [Compartment] {
        use Compartment::*;
        match self {
            Role::Admin => &[Letters, Reports],
            Role::Pusat | Role::Provinsi | Role::Kabupaten | Role::Kecamatan => {
                &[Registry, Cases, Reports]
            }
            Role::OperatorDesa | Role::KepalaDesa => &[Registry, Letters, Reports],
            Role::Pendamping => &[Business, Children, Registry, Reports],
            Role::CaseWorker => &[Cases, Registry, Reports],
            Role::BendaharaKoperasi => &[Cooperative],
        }
    }

    /// The compartments a user of this role may be granted: the defaults and the grants that
    /// must be given explicitly.
    pub fn may_hold(self) -> Vec<Compartment> {
        let mut all = self.compartments().to_vec();
        if self == Role::CaseWorker {
            all.push(Compartment::ConsentOverride);
        }
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
            Action::Read(c) => self.compartments().contains(&c),
            Action::Write(c) => {
                c != Compartment::Reports
                    && self.edits_village_records()
                    && self.compartments().contains(&c)
            }
            Action::ManageUsers => self == Role::Admin,
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

    /// The narrowest scope this role makes sense with, for checks when accounts are created.
    pub fn valid_scope(self, scope: &Scope) -> Result<(), Invalid> {
        use crate::region::Level;
        let level = match scope {
            Scope::National => None,
            Scope::Region(r) => Some(r.level()),
        };
        let ok = match self {
            Role::Admin | Role::Pusat => true,
            Role::Provinsi => level == Some(Level::Provinsi),
            Role::Kabupaten => level == Some(Level::Kabupaten),
            Role::Kecamatan => level == Some(Level::Kecamatan),
            _ => level == Some(Level::Desa),
        };
        if ok {
            Ok(())
        } else {
            let need = match self {
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

/// The one decision. `place` is where the record lives or the action is aimed at (a region, or the
/// whole nation for national records such as national staff accounts); `None` only for actions
/// that are not about a place (opening a menu, reading one's own account).
pub fn authorize(p: &Principal, action: Action, place: Option<&Scope>) -> Result<(), Denial> {
    if !p.role.allows(action) {
        return Err(Denial::Role);
    }
    let compartment = match action {
        Action::Read(c) | Action::Write(c) => Some(c),
        Action::SignLetters | Action::EditLetterKinds => Some(Compartment::Letters),
        Action::HandleReports => Some(Compartment::Cases),
        Action::OverrideConsent => Some(Compartment::ConsentOverride),
        _ => None,
    };
    if let Some(c) = compartment.filter(|c| !p.compartments.contains(*c)) {
        return Err(Denial::Compartment(c));
    }
    match place {
        Some(place) if !p.scope.encloses(place) => Err(Denial::Scope),
        _ => Ok(()),
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

    fn code(s: &str) -> Scope {
        Scope::Region(s.parse().unwrap())
    }

    const KENANGA: &str = "32.12.16.2004";
    const KURIPAN: &str = "33.07.10.2004";

    #[test]
    fn village_operator_sees_only_her_village() {
        let op = principal(Role::OperatorDesa, KENANGA);
        assert_eq!(
            authorize(&op, Action::Read(Registry), Some(&code(KENANGA))),
            Ok(())
        );
        assert_eq!(
            authorize(&op, Action::Write(Letters), Some(&code(KENANGA))),
            Ok(())
        );
        assert_eq!(
            authorize(&op, Action::Read(Registry), Some(&code(KURIPAN))),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&op, Action::Read(Cases), Some(&code(KENANGA))),
            Err(Denial::Role)
        );
    }

    #[test]
    fn compartments_are_checked_even_when_the_role_allows() {
        let mut worker = principal(Role::CaseWorker, KENANGA);
        worker.compartments = Compartments::new(vec![Registry]);
        assert_eq!(
            authorize(&worker, Action::Read(Cases), Some(&code(KENANGA))),
            Err(Denial::Compartment(Cases))
        );
    }

    #[test]
    fn treasurer_never_sees_cases_or_children() {
        let t = principal(Role::BendaharaKoperasi, KENANGA);
        for c in [Cases, Children, Registry, Letters] {
            assert!(
                authorize(&t, Action::Read(c), Some(&code(KENANGA))).is_err(),
                "{c}"
            );
        }
        assert_eq!(
            authorize(&t, Action::Write(Cooperative), Some(&code(KENANGA))),
            Ok(())
        );
        assert!(
            Compartments::new(vec![Cases])
                .check_for(Role::BendaharaKoperasi)
                .is_err()
        );
    }

    #[test]
    fn district_reads_its_villages_and_edits_none() {
        let kab = principal(Role::Kabupaten, "32.12");
        assert_eq!(
            authorize(&kab, Action::Read(Registry), Some(&code(KENANGA))),
            Ok(())
        );
        assert_eq!(
            authorize(&kab, Action::Read(Registry), Some(&code(KURIPAN))),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&kab, Action::Write(Registry), Some(&code(KENANGA))),
            Err(Denial::Role)
        );
    }

    #[test]
    fn only_admins_manage_users_and_audit_is_for_admin_and_pusat() {
        for role in Role::ALL {
            let p = principal(*role, "");
            assert_eq!(
                authorize(&p, Action::ManageUsers, None).is_ok(),
                *role == Role::Admin,
                "{role}"
            );
            assert_eq!(
                authorize(&p, Action::ReadAudit, None).is_ok(),
                matches!(role, Role::Admin | Role::Pusat),
                "{role}"
            );
        }
    }

    #[test]
    fn national_records_are_only_for_national_scopes() {
        let kab_admin = principal(Role::Admin, "32.12");
        assert_eq!(
            authorize(&kab_admin, Action::ManageUsers, Some(&Scope::National)),
            Err(Denial::Scope)
        );
        assert_eq!(
            authorize(&kab_admin, Action::ManageUsers, Some(&code(KENANGA))),
            Ok(())
        );
        assert_eq!(
            authorize(
                &principal(Role::Admin, ""),
                Action::ManageUsers,
                Some(&Scope::National)
            ),
            Ok(())
        );
    }

    #[test]
    fn only_national_staff_edit_reference_data() {
        for role in Role::ALL {
            assert_eq!(
                authorize(&principal(*role, ""), Action::EditReference, None).is_ok(),
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
                    Some(&code(KENANGA))
                )
                .is_ok(),
                *role == Role::KepalaDesa,
                "{role}"
            );
        }
        let head = principal(Role::KepalaDesa, KENANGA);
        assert_eq!(
            authorize(&head, Action::SignLetters, Some(&code(KURIPAN))),
            Err(Denial::Scope)
        );
        let mut without_letters = head.clone();
        without_letters.compartments = Compartments::new(vec![Registry]);
        assert_eq!(
            authorize(&without_letters, Action::SignLetters, Some(&code(KENANGA))),
            Err(Denial::Compartment(Letters))
        );
        assert!(authorize(&principal(Role::Admin, ""), Action::EditLetterKinds, None).is_ok());
        assert!(
            authorize(
                &principal(Role::OperatorDesa, KENANGA),
                Action::EditLetterKinds,
                None
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
            authorize(&worker, Action::OverrideConsent, Some(&code(KENANGA))),
            Err(Denial::Compartment(ConsentOverride)),
            "not by default"
        );
        worker.compartments = Compartments::new(vec![Cases, Registry, ConsentOverride]);
        assert_eq!(
            authorize(&worker, Action::OverrideConsent, Some(&code(KENANGA))),
            Ok(())
        );
        assert!(
            Compartments::new(vec![ConsentOverride])
                .check_for(Role::OperatorDesa)
                .is_err()
        );
        let kab = principal(Role::Kabupaten, "32.12");
        assert_eq!(
            authorize(&kab, Action::OverrideConsent, None),
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
