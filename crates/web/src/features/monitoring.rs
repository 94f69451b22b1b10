//! Pillar 1 — monitoring (UU 18/2017 Pasal 42 d): who is abroad where, whose contract or
//! passport is about to end, who has not been heard from, who came back without a handover.

use super::persons::today;
use crate::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::page::{Page, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use desmigratif_core::access::{Action, Compartment};
use desmigratif_core::catalog;
use desmigratif_core::migration::{self, Stage};
use desmigratif_db::registry::{self, Watch};

const PAGE_SIZE: i64 = 50;

pub struct Row {
    pub person_id: String,
    pub name: String,
    pub destination: String,
    pub stage: &'static str,
    pub due: String,
}

#[derive(Template)]
#[template(path = "monitoring.html")]
struct MonitoringPage {
    page: Page,
    counts: Vec<(&'static str, &'static str, i64, bool)>,
    by_country: Vec<(String, i64)>,
    list_label: &'static str,
    rows: Vec<Row>,
    total: i64,
    more: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct MonitoringQuery {
    daftar: String,
    halaman: Option<i64>,
}

pub(crate) async fn monitoring(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MonitoringQuery>,
) -> Result<Response, AppError> {
    staff
        .allow_here(
            &state,
            Action::Read(Compartment::Registry),
            "monitoring.read",
        )
        .await?;
    let lang = staff.ctx.lang;
    let scope = staff.principal().scope.as_stored().to_owned();
    let watch = Watch::parse(&q.daftar).unwrap_or(Watch::ContractEnding);
    let (counts, by_country) = registry::monitoring_counts(&state.db, &scope, today()).await?;
    let page_no = q.halaman.unwrap_or(1).max(1);
    let (rows, total) = registry::watch_list(
        &state.db,
        &scope,
        watch,
        today(),
        (page_no - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await?;
    render(MonitoringPage {
        page: Page::new(&staff.ctx, "monitoring.title"),
        counts: counts
            .into_iter()
            .map(|(w, n)| {
                (
                    w.code(),
                    lang.t(&format!("monitoring.{}", w.code())),
                    n,
                    w == watch,
                )
            })
            .collect(),
        by_country: by_country
            .into_iter()
            .map(|(iso, n)| {
                (
                    catalog::country(&iso)
                        .map(|c| c.id.to_owned())
                        .unwrap_or(iso),
                    n,
                )
            })
            .collect(),
        list_label: lang.t(&format!("monitoring.{}", watch.code())),
        rows: rows
            .into_iter()
            .map(|r| Row {
                person_id: r.person_id.to_string(),
                destination: catalog::country(&r.destination)
                    .map(|c| c.id.to_owned())
                    .unwrap_or(r.destination),
                stage: Stage::parse(&r.stage)
                    .map(if lang == crate::Lang::En {
                        migration::label_en
                    } else {
                        migration::label_id
                    })
                    .unwrap_or("?"),
                due: r
                    .due
                    .map(|d| d.format("%d-%m-%Y").to_string())
                    .unwrap_or_else(|| "—".into()),
                name: r.name,
            })
            .collect(),
        more: (page_no * PAGE_SIZE < total).then(|| {
            format!(
                "/app/pemantauan?daftar={}&halaman={}",
                watch.code(),
                page_no + 1
            )
        }),
        total,
    })
}
