//! The public home page of the deployment: who runs it, which villages it serves, which public
//! services exist.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::page::{Page, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use desmigratif_db::settings;

pub struct VillageCard {
    pub name: String,
    pub place: String,
    pub code: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    programme: String,
    villages: Vec<VillageCard>,
    alerts: Vec<super::guides::AlertView>,
    flags: Vec<String>,
}

/// How many of the newest scam alerts the home page shows.
const HOME_ALERTS: usize = 3;

pub(crate) async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let programme = settings::get(&state.db, settings::PROGRAMME_LABEL)
        .await?
        .unwrap_or_else(|| settings::DEFAULT_PROGRAMME_LABEL.to_owned());
    let villages = desmigratif_db::villages::list(&state.db)
        .await?
        .into_iter()
        .map(|v| VillageCard {
            place: super::dashboard::place_of(&v.code, &state.regions),
            name: v.name,
            code: v.code,
        })
        .collect();
    let alerts = desmigratif_db::guides::alerts(&state.db, true)
        .await?
        .into_iter()
        .take(HOME_ALERTS)
        .map(|a| super::guides::alert_view(a, ctx.lang))
        .collect();
    render(HomePage {
        programme,
        villages,
        alerts,
        flags: super::guides::flags(ctx.lang),
        page: Page::new(&ctx, "home.title"),
    })
}
