//! The village product catalogue. Anyone browses `/produk` (the villages with products), a
//! village's list and a product's page, and may send the producer a question from it; the
//! facilitator of the village (business compartment) keeps the catalogue under `/app/produk`.
//!
//! Photos are decoded, turned upright, shrunk and re-encoded on upload (`core::photo`), so what
//! is served carries no metadata; each photo id is new, so its address is cached for a year.
//! Questions are held off like `/lapor`: a per-address limit, a hidden field, a signed time.

use super::FieldErrors;
use crate::AppState;
use crate::auth::{Ctx, Staff, Target, guarded};
use crate::error::AppError;
use crate::limits::Limited;
use crate::page::{Page, render, render_form, render_public};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use desmigratif_core::access::{Action, Compartment, Place};
use desmigratif_core::fees::{RUPIAH, format_amount};
use desmigratif_core::id::Id;
use desmigratif_core::photo;
use desmigratif_core::products::{
    Channel, ProductInput, RawInquiry, RawProduct, tel_link, whatsapp_link,
};
use desmigratif_core::region::Scope;
use desmigratif_db::audit::{self, Actor, Event};
use desmigratif_db::products::{self, Inquiry, ProductRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const PUBLIC_PAGE: i64 = 24;
const STAFF_PAGE: i64 = 30;
/// A question is a few lines; the limit bounds a flood.
pub(crate) const INQUIRY_BODY_LIMIT: usize = 16 * 1024;
/// A photo is re-encoded, so the address of one never changes what it shows.
const PHOTO_CACHE: &str = "public, max-age=31536000, immutable";

/// A product as every page shows it.
pub struct Card {
    pub id: String,
    pub href: String,
    pub name: String,
    pub description: String,
    pub price: String,
    pub unit: String,
    pub phone: String,
    pub tel: String,
    pub whatsapp: Option<String>,
    pub region_code: String,
    pub village: String,
    pub published: bool,
    /// (address, width, height) of the thumbnail and of the detail picture.
    pub thumb: Option<(String, i32, i32)>,
    pub photo: Option<(String, i32, i32)>,
}

impl Card {
    fn of(r: &ProductRow, village: &str) -> Card {
        let photo = r.photo_id.map(|p| p.to_string());
        Card {
            id: r.id.to_string(),
            href: format!("/produk/{}/{}", r.region_code, r.id),
            name: r.name.clone(),
            description: r.description.clone(),
            price: RUPIAH.format(r.price),
            unit: r.unit.clone(),
            phone: r.phone.clone(),
            tel: tel_link(&r.phone),
            whatsapp: r.whatsapp.then(|| whatsapp_link(&r.phone)),
            region_code: r.region_code.clone(),
            village: village.to_owned(),
            published: r.published,
            thumb: photo.as_ref().map(|p| {
                (
                    format!("/produk/foto/{p}/kecil"),
                    r.thumb_width.unwrap_or(0),
                    r.thumb_height.unwrap_or(0),
                )
            }),
            photo: photo.map(|p| {
                (
                    format!("/produk/foto/{p}"),
                    r.width.unwrap_or(0),
                    r.height.unwrap_or(0),
                )
            }),
        }
    }
}

/// The deployment's villages: (code, name, place).
async fn villages(state: &AppState) -> Result<Vec<(String, String, String)>, AppError> {
    Ok(desmigratif_db::villages::list(&state.db)
        .await?
        .into_iter()
        .map(|v| {
            let place = super::dashboard::place_of(&v.code, &state.regions);
            (v.code, v.name, place)
        })
        .collect())
}

async fn village_name(state: &AppState, code: &str) -> Result<Option<String>, AppError> {
    Ok(villages(state)
        .await?
        .into_iter()
        .find(|(c, _, _)| c == code)
        .map(|(_, name, _)| name))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct PageQuery {
    halaman: Option<i64>,
}

impl PageQuery {
    fn page_no(&self) -> i64 {
        self.halaman.unwrap_or(1).max(1)
    }
}

pub(crate) mod api;
pub(crate) mod public;
pub(crate) mod staff;
pub use api::api;
use staff::*;
