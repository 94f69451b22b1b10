//! The co-operative desk: members.

use super::*;

pub struct MemberLine {
    pub row: MemberRow,
    pub total: i64,
}

#[derive(Template)]
#[template(path = "coop_members.html")]
pub(super) struct MembersPage {
    pub(super) page: Page,
    pub(super) region: String,
    pub(super) rows: Vec<MemberLine>,
    pub(super) q: String,
    pub(super) q_enc: String,
    pub(super) number: i64,
    pub(super) more: bool,
    pub(super) can_write: bool,
    /// Villagers found for joining: (person id, name, masked NIK).
    pub(super) found: Vec<(String, String, String)>,
    pub(super) cari: String,
    pub(super) join: JoinForm,
    pub(super) arrears: Vec<(MemberRow, i64, i64)>,
    pub(super) errors: FieldErrors,
}

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub(crate) struct JoinForm {
    pub(super) desa: String,
    pub(super) orang: String,
    pub(super) nomor: String,
    pub(super) tanggal_masuk: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub(crate) struct MembersQuery {
    #[serde(flatten)]
    pub(super) at: Where,
    /// A villager's name, to find someone who joins.
    pub(super) cari: String,
}

pub(super) async fn members_page(
    state: &AppState,
    staff: &Staff,
    region: String,
    q: &MembersQuery,
    join: JoinForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let number = q.at.halaman.unwrap_or(1).max(1);
    let key = name_key(&q.at.q);
    let needle = q.at.q.trim().to_uppercase();
    let all = coop::members(&state.db, &region).await?;
    let matching: Vec<MemberRow> = all
        .into_iter()
        .filter(|m| {
            key.is_empty() || name_key(&m.name).contains(&key) || m.number.contains(&needle)
        })
        .collect();
    let start = ((number - 1) * PAGE_SIZE) as usize;
    let more = matching.len() > start + PAGE_SIZE as usize;
    let totals = coop::member_totals(&state.db, &region).await?;
    let rows = matching
        .into_iter()
        .skip(start)
        .take(PAGE_SIZE as usize)
        .map(|row| MemberLine {
            total: totals.get(&row.id).copied().unwrap_or(0),
            row,
        })
        .collect();
    let can_write = may_write(staff, &region);
    let found = if can_write && !name_key(&q.cari).is_empty() {
        let (rows, _) = registry::search_persons(
            &state.db,
            &PersonFilter {
                scope: region.clone(),
                name_key: name_key(&q.cari),
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    r.name,
                    desmigratif_core::nik::masked(&r.nik_prefix),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let arrears = coop::mandatory_arrears(&state.db, &region, today())
        .await?
        .into_iter()
        .map(|(m, st)| (m, st.arrears_months, st.arrears_amount))
        .collect();
    let needs_correction = !errors.is_empty();
    render_form(
        MembersPage {
            page: Page::new(&staff.ctx, "coop.members"),
            region,
            rows,
            q: q.at.q.clone(),
            q_enc: crate::error::urlencode(&q.at.q),
            number,
            more,
            can_write,
            found,
            cari: q.cari.clone(),
            join,
            arrears,
            errors,
        },
        needs_correction,
    )
}

pub(crate) async fn members(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<MembersQuery>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &q.at.desa, READ).await?;
    if let Err(r) = settings_of(&state, &region).await {
        return Ok(r);
    }
    let join = JoinForm {
        tanggal_masuk: today().to_string(),
        ..Default::default()
    };
    members_page(&state, &staff, region, &q, join, FieldErrors::default()).await
}

/// A villager of the registry joins: checked by `core` (number, date), stored by `db` (the person
/// must live in the co-op's village and not be a member already).
pub(super) async fn join_member(
    state: &AppState,
    staff: &Staff,
    region: &str,
    person: &str,
    number: &str,
    joined: &str,
) -> Result<Result<Id, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let person = person.parse::<Id>().ok();
    if person.is_none() {
        errors.add(
            "orang",
            "pilih warga yang menjadi anggota dari hasil pencarian",
        );
    }
    let typed = RawJoin {
        nomor: number.to_owned(),
        tanggal_masuk: joined.to_owned(),
    }
    .check(today())
    .map_err(|e| e.into_iter().for_each(|e| errors.push(e)))
    .ok();
    let (Some(person), Some((number, joined))) = (person, typed) else {
        return Ok(Err(errors));
    };
    in_books(state, "nomor", async |tx| {
        coop::join(tx, &staff.actor(), region, person, &number, joined).await
    })
    .await
}

pub(crate) async fn join(
    State(state): State<AppState>,
    staff: Staff,
    Form(f): Form<JoinForm>,
) -> Result<Response, AppError> {
    let region = village(&state, &staff, &f.desa, WRITE).await?;
    match join_member(
        &state,
        &staff,
        &region,
        &f.orang,
        &f.nomor,
        &f.tanggal_masuk,
    )
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/app/koperasi/anggota/{id}")).into_response()),
        Err(errors) => {
            let q = MembersQuery::default();
            members_page(&state, &staff, region, &q, f, errors).await
        }
    }
}
