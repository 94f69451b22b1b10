//! Residents: list and search.

use super::*;

#[derive(serde::Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
pub struct SearchQuery {
    /// Part of the name; case, accents and spaces are ignored.
    pub q: String,
    /// An exact NIK (16 digits).
    pub nik: String,
    /// Stage of the latest migration episode (e.g. `working`).
    pub tahap: String,
    /// Destination of the latest episode (ISO code, e.g. `TW`).
    pub negara: String,
    pub dusun: String,
    /// Page number from 1.
    pub halaman: Option<i64>,
}

impl SearchQuery {
    /// Turns the query into a filter; an unparseable NIK is reported, not silently ignored.
    pub(crate) fn filter(&self, state: &AppState, scope: &Scope) -> Result<PersonFilter, AppError> {
        let nik_index = if self.nik.trim().is_empty() {
            String::new()
        } else {
            let nik = Nik::parse(&self.nik).map_err(|e| AppError::BadRequest(e.message))?;
            state.keys.blind_index(NIK_CONTEXT, nik.as_str())
        };
        let page = self.halaman.unwrap_or(1).max(1);
        Ok(PersonFilter {
            scope: scope.as_stored().to_owned(),
            name_key: name_key(&self.q),
            nik_index,
            stage: self.tahap.trim().to_owned(),
            destination: self.negara.trim().to_uppercase(),
            dusun: self.dusun.trim().to_owned(),
            offset: (page - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        })
    }
}

pub struct ListLine {
    pub id: String,
    pub name: String,
    pub nik: String,
    pub sex: String,
    pub age: i32,
    pub dusun: String,
    pub village: String,
    pub stage: String,
    pub destination: String,
}

#[derive(Template)]
#[template(path = "persons.html")]
pub(super) struct PersonsPage {
    pub(super) page: Page,
    pub(super) query: SearchQuery,
    pub(super) error: Option<String>,
    pub(super) lines: Vec<ListLine>,
    pub(super) total: i64,
    /// More matches than are counted: the page says so and asks for a narrower search.
    pub(super) capped: bool,
    pub(super) page_no: i64,
    pub(super) pages: i64,
    pub(super) stages: Vec<(&'static str, &'static str)>,
    pub(super) countries: Vec<(&'static str, &'static str)>,
    pub(super) dusuns: Vec<String>,
    pub(super) can_add: bool,
    pub(super) next_href: String,
    pub(super) prev_href: String,
}

pub(super) fn age(born: NaiveDate, today: NaiveDate) -> i32 {
    today.years_since(born).map(|y| y as i32).unwrap_or(0)
}

pub(crate) fn stage_label(lang: crate::Lang, code: &str) -> String {
    Stage::parse(code)
        .map(|s| {
            if lang == crate::Lang::En {
                migration::label_en(s)
            } else {
                migration::label_id(s)
            }
        })
        .unwrap_or(code)
        .to_owned()
}

pub(super) fn line(state: &AppState, lang: crate::Lang, r: PersonListRow) -> ListLine {
    ListLine {
        id: r.id.to_string(),
        nik: desmigratif_core::nik::masked(&r.nik_prefix),
        age: age(r.birth_date, today()),
        village: crate::features::dashboard::region_name(&r.village_code, &state.regions),
        stage: r
            .stage
            .as_deref()
            .map(|s| stage_label(lang, s))
            .unwrap_or_else(|| "—".into()),
        destination: r
            .destination
            .as_deref()
            .and_then(catalog::country)
            .map(|c| c.id.to_owned())
            .unwrap_or_default(),
        name: r.name,
        sex: r.sex,
        dusun: r.dusun,
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SearchQuery>,
) -> Result<Response, AppError> {
    staff.allow_here(&state, READ, "person.list").await?;
    let scope = staff.principal().scope.clone();
    let lang = staff.ctx.lang;
    let (lines, total, error) = match q.filter(&state, &scope) {
        Ok(f) => {
            let (rows, total) = registry::search_persons(&state.db, &f).await?;
            (
                rows.into_iter().map(|r| line(&state, lang, r)).collect(),
                total,
                None,
            )
        }
        Err(AppError::BadRequest(m)) => (Vec::new(), 0, Some(m)),
        Err(e) => return Err(e),
    };
    let page_no = q.halaman.unwrap_or(1).max(1);
    let href = |n: i64| {
        let mut q2 = q.clone();
        q2.halaman = Some(n);
        format!(
            "/app/penduduk?{}",
            serde_urlencoded::to_string([
                ("q", &q2.q),
                ("nik", &q2.nik),
                ("tahap", &q2.tahap),
                ("negara", &q2.negara),
                ("dusun", &q2.dusun),
                ("halaman", &n.to_string())
            ])
            .unwrap_or_default()
        )
    };
    render(PersonsPage {
        page: Page::new(&staff.ctx, "persons.title"),
        can_add: !writable_villages(&state, &staff).await?.is_empty(),
        dusuns: registry::dusuns(&state.db, scope.as_stored()).await?,
        stages: Stage::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    if lang == crate::Lang::En {
                        migration::label_en(*s)
                    } else {
                        migration::label_id(*s)
                    },
                )
            })
            .collect(),
        countries: catalog::COUNTRIES.iter().map(|c| (c.iso2, c.id)).collect(),
        next_href: href(page_no + 1),
        prev_href: href(page_no - 1),
        pages: ((total.min(registry::COUNT_CAP) + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        capped: total > registry::COUNT_CAP,
        query: q,
        error,
        lines,
        total,
        page_no,
    })
}
