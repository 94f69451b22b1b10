//! The region tree: a public lookup page and API (codes and names are public data).

use crate::AppState;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::page::{Page, render};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use desmigratif_core::region::{Level, Region, RegionCode, RegionView};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
pub(crate) struct SearchQuery {
    /// Words in the region name (`indramayu`, `kab wonosobo`).
    q: String,
    /// Only this level: `provinsi`, `kabupaten`, `kecamatan`, `desa`.
    level: Option<String>,
    /// Most results (1–200, default 20).
    limit: Option<usize>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct RegionItem {
    code: String,
    name: String,
    level: String,
    /// "Kenanga, Sindang, Kabupaten Indramayu, Jawa Barat".
    full_name: String,
}

fn level_of(s: &str) -> Result<Level, AppError> {
    match s {
        "provinsi" => Ok(Level::Provinsi),
        "kabupaten" => Ok(Level::Kabupaten),
        "kecamatan" => Ok(Level::Kecamatan),
        "desa" => Ok(Level::Desa),
        _ => Err(AppError::BadRequest(
            "level harus salah satu dari: provinsi, kabupaten, kecamatan, desa".into(),
        )),
    }
}

fn item(state: &AppState, r: &Region) -> RegionItem {
    RegionItem {
        code: r.code.to_string(),
        name: r.name.clone(),
        level: r.level.as_str().to_owned(),
        full_name: state
            .regions
            .view(&r.code)
            .map(|v| v.full_name())
            .unwrap_or_default(),
    }
}

/// Searches regions by name.
#[utoipa::path(get, path = "/api/v1/regions", tag = "regions", params(SearchQuery), responses((status = 200, body = Vec<RegionItem>), (status = 400)))]
async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<RegionItem>>, AppError> {
    let level = q
        .level
        .as_deref()
        .filter(|l| !l.is_empty())
        .map(level_of)
        .transpose()?;
    let limit = q.limit.unwrap_or(20).clamp(1, 200);
    if q.q.trim().chars().count() < 2 {
        return Err(AppError::BadRequest(
            "isi q dengan paling sedikit 2 huruf nama wilayah".into(),
        ));
    }
    Ok(Json(
        state
            .regions
            .search(&q.q, level, limit)
            .into_iter()
            .map(|r| item(&state, r))
            .collect(),
    ))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct RegionDetail {
    #[serde(flatten)]
    #[schema(inline)]
    region: RegionItem,
    parent: Option<String>,
    /// Codes and names from the province down to this region.
    #[schema(value_type = Vec<Object>)]
    path: Vec<desmigratif_core::region::PathStep>,
    /// The regions one level below.
    children: Vec<RegionItem>,
}

/// One region with its ancestors and direct children.
#[utoipa::path(get, path = "/api/v1/regions/{code}", tag = "regions", params(("code" = String, Path, description = "e.g. 32.12.16.2004")), responses((status = 200, body = RegionDetail), (status = 404)))]
async fn one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<RegionDetail>, AppError> {
    let code: RegionCode = code.parse().map_err(|_| AppError::NotFound)?;
    let view: RegionView = state.regions.view(&code).ok_or(AppError::NotFound)?;
    let region = state.regions.get(&code).ok_or(AppError::NotFound)?;
    Ok(Json(RegionDetail {
        region: item(&state, region),
        parent: view.parent.map(|p| p.to_string()),
        path: view.path,
        children: state
            .regions
            .children(Some(&code))
            .into_iter()
            .map(|r| item(&state, r))
            .collect(),
    }))
}

pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(one))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct BrowseQuery {
    q: String,
    kode: String,
}

pub struct Row {
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub full_name: String,
}

#[derive(Template)]
#[template(path = "regions.html")]
struct RegionsPage {
    page: Page,
    q: String,
    heading: Option<String>,
    breadcrumbs: Vec<(String, String)>,
    rows: Vec<Row>,
    searched: bool,
}

/// `/wilayah`: find a region by name or walk down the tree from the provinces.
pub(crate) async fn browse(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BrowseQuery>,
) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let to_row = |r: &Region| Row {
        code: r.code.to_string(),
        name: r.name.clone(),
        level: lang.t(&format!("level.{}", r.level.as_str())),
        full_name: state
            .regions
            .view(&r.code)
            .map(|v| v.full_name())
            .unwrap_or_default(),
    };
    let (rows, heading, breadcrumbs, searched) = if q.q.trim().chars().count() >= 2 {
        (
            state
                .regions
                .search(&q.q, None, 50)
                .into_iter()
                .map(to_row)
                .collect(),
            None,
            Vec::new(),
            true,
        )
    } else {
        let code = q
            .kode
            .parse::<RegionCode>()
            .ok()
            .filter(|c| state.regions.get(c).is_some());
        let view = code.as_ref().and_then(|c| state.regions.view(c));
        let crumbs = view
            .as_ref()
            .map(|v| {
                v.path
                    .iter()
                    .map(|s| (s.code.to_string(), s.name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        (
            state
                .regions
                .children(code.as_ref())
                .into_iter()
                .map(to_row)
                .collect(),
            view.map(|v| v.name),
            crumbs,
            false,
        )
    };
    render(RegionsPage {
        page: Page::new(&ctx, "regions.title"),
        q: q.q,
        heading,
        breadcrumbs,
        rows,
        searched,
    })
}
