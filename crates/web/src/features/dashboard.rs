//! The staff home: what the user may do, over which villages.

use crate::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::page::{Page, render, when};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::region::{RegionTree, Scope};

pub struct VillageLink {
    pub code: String,
    pub name: String,
    pub place: String,
    pub can_open: bool,
}

pub struct AuditLine {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    page: Page,
    scope_label: String,
    compartments: Vec<&'static str>,
    villages: Vec<VillageLink>,
    users_by_role: Vec<(&'static str, i64)>,
    recent_audit: Vec<AuditLine>,
    /// (list code, label, count) of the monitoring lists, for registry users.
    watch: Vec<(&'static str, &'static str, i64)>,
}

/// "Nasional" or the full name of the region a scope covers.
pub fn scope_label(scope: &Scope, tree: &RegionTree, lang: crate::Lang) -> String {
    match scope {
        Scope::National => lang.t("scope.national").to_owned(),
        Scope::Region(code) => tree
            .view(code)
            .map(|v| v.full_name())
            .unwrap_or_else(|| code.to_string()),
    }
}

/// The name of a region by its stored code ("" when the code is not in the tree).
pub fn region_name(code: &str, tree: &RegionTree) -> String {
    code.parse()
        .ok()
        .and_then(|c| tree.get(&c))
        .map(|r| r.name.clone())
        .unwrap_or_default()
}

/// The parent regions of a village, for display beside its name.
pub fn place_of(code: &str, tree: &RegionTree) -> String {
    code.parse()
        .ok()
        .and_then(|c| tree.view(&c))
        .map(|r| {
            r.path
                .iter()
                .rev()
                .skip(1)
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let p = staff.principal();
    let lang = staff.ctx.lang;
    let villages = desmigratif_db::villages::list_within(&state.db, &p.scope)
        .await?
        .into_iter()
        .map(|v| VillageLink {
            can_open: p.may_in_village(Action::Read(Compartment::Letters), &v.code),
            place: place_of(&v.code, &state.regions),
            code: v.code,
            name: v.name,
        })
        .collect();
    let users_by_role = if p.may_here(Action::ManageUsers) {
        desmigratif_db::users::count_by_role(&state.db, &p.scope)
            .await?
            .into_iter()
            .map(|(role, n)| (lang.t(&format!("role.{role}")), n))
            .collect()
    } else {
        Vec::new()
    };
    let recent_audit = if p.may(Action::ReadAudit, &Place::National) {
        desmigratif_db::audit::list(&state.db, p.scope.as_stored(), None, 5)
            .await?
            .into_iter()
            .map(|e| AuditLine {
                when: when(&e.at),
                actor: e.actor,
                action: e.action,
                outcome: e.outcome,
            })
            .collect()
    } else {
        Vec::new()
    };
    let watch = if p.may_here(Action::Read(Compartment::Registry)) {
        desmigratif_db::registry::monitoring_counts(
            &state.db,
            p.scope.as_stored(),
            super::persons::today(),
        )
        .await?
        .0
        .into_iter()
        .map(|(w, n)| (w.code(), lang.t(&format!("monitoring.{}", w.code())), n))
        .collect()
    } else {
        Vec::new()
    };
    render(DashboardPage {
        watch,
        page: Page::new(&staff.ctx, "dashboard.title"),
        scope_label: scope_label(&p.scope, &state.regions, lang),
        compartments: p
            .compartments
            .iter()
            .map(|c| lang.t(&format!("compartment.{c}")))
            .collect(),
        villages,
        users_by_role,
        recent_audit,
    })
}
