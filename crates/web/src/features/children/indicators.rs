//! Children: indicators.

use super::*;

/// One row of figures; a count of `None` is hidden (shown as "<5").
pub(super) struct VillageView {
    pub(super) name: String,
    pub(super) children: Option<i64>,
    pub(super) in_school: Option<i64>,
    pub(super) at_risk: Option<i64>,
    pub(super) in_school_percent: String,
    pub(super) attendance_percent: String,
    pub(super) sessions: i64,
}

/// A village by its name and where it is.
pub(super) fn village_name(state: &AppState, code: &str) -> String {
    let name = code
        .parse()
        .ok()
        .and_then(|c| state.regions.get(&c).map(|r| r.name.clone()))
        .unwrap_or_default();
    format!(
        "{name} ({})",
        crate::features::dashboard::place_of(code, &state.regions)
    )
}

pub(super) fn pct(n: Option<u32>) -> String {
    n.map_or("–".into(), |n| format!("{n}%"))
}

#[derive(Template)]
#[template(path = "children_indicators.html")]
pub(super) struct IndicatorsPage {
    pub(super) page: Page,
    /// The village view: every figure and the names of the children at risk.
    pub(super) village: Option<VillageView>,
    pub(super) without_consent: i64,
    pub(super) at_risk: Vec<(String, String, String)>,
    /// Above the village: one row per village and the total, counts only.
    pub(super) rows: Vec<VillageView>,
    pub(super) small: i64,
}

pub(super) fn exact(name: String, i: &Indicators) -> VillageView {
    VillageView {
        name,
        children: Some(i.children),
        in_school: Some(i.in_school),
        at_risk: Some(i.at_risk),
        in_school_percent: pct(i.in_school_percent()),
        attendance_percent: pct(i.attendance_percent()),
        sessions: i.sessions,
    }
}

pub(super) fn public(name: String, i: &Indicators) -> VillageView {
    let p = i.public();
    VillageView {
        name,
        children: p.children,
        in_school: p.in_school,
        at_risk: p.at_risk,
        in_school_percent: pct(p.in_school_percent),
        attendance_percent: pct(p.attendance_percent),
        sessions: i.sessions,
    }
}

/// A village's own team (the children compartment, a village scope) sees its figures and who is
/// at risk; everyone else with the reports permission sees counts per village, small ones hidden.
pub(crate) async fn indicators(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    let p = staff.principal();
    let village_team = match &p.scope {
        Scope::Region(code) if code.level() == Level::Desa => {
            p.may(READ, &Place::of(&p.scope)).then(|| code.to_string())
        }
        _ => None,
    };
    let small = desmigratif_core::cases::SMALL_COUNT;
    let page = Page::new(&staff.ctx, "children.indicators");
    if let Some(code) = village_team {
        let f = db::figures(&state.db, Some(code.as_str())).await?;
        let here = f.into_iter().find(|v| v.region_code == code);
        audit::log(
            &state.db,
            &staff.actor(),
            &Event::new("child.indicators", "child", "", &code),
        )
        .await?;
        let name = village_name(&state, &code);
        let (indicators, at_risk, without) = here
            .map(|v| (v.indicators, v.at_risk, v.without_consent))
            .unwrap_or_default();
        return render(IndicatorsPage {
            page,
            village: Some(exact(name, &indicators)),
            without_consent: without,
            at_risk: at_risk
                .into_iter()
                .map(|a| {
                    (
                        a.id.to_string(),
                        a.name,
                        a.flags
                            .iter()
                            .map(|f| f.label_id())
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
                .collect(),
            rows: Vec::new(),
            small,
        });
    }
    staff
        .allow_here(
            &state,
            Action::Read(Compartment::Reports),
            "child.indicators",
        )
        .await?;
    let scope = p.scope.as_stored().to_owned();
    let figures = db::figures(&state.db, Some(scope.as_str()).filter(|s| !s.is_empty())).await?;
    let mut total = Indicators::default();
    let mut rows: Vec<VillageView> = figures
        .iter()
        .map(|v| {
            let i = &v.indicators;
            total.children += i.children;
            total.in_school += i.in_school;
            total.at_risk += i.at_risk;
            total.sessions += i.sessions;
            total.attendances += i.attendances;
            total.expected += i.expected;
            public(village_name(&state, &v.region_code), i)
        })
        .collect();
    rows.push(public(page.t("cases.total").to_owned(), &total));
    render(IndicatorsPage {
        page,
        village: None,
        without_consent: 0,
        at_risk: Vec::new(),
        rows,
        small,
    })
}
