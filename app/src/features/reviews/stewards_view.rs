//! The committee members and their cells, as the committee's start page and the ward
//! report show them.

use leptos::prelude::*;

use super::stewards::{CellStanding, StewardLine, Stewardship, ward_stewards};
use crate::core::access::{Me, Role, UnitKind};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

/// On the start page of whoever reads a whole ward: each of those wards' committee members
/// and their cells.
#[component]
pub fn CommitteeStewards() -> impl IntoView {
    let wards = |me: Me| {
        let mut ids: Vec<i64> = me
            .grants
            .iter()
            .filter(|g| {
                g.role.reads_units() && g.role != Role::Member && g.unit_kind == UnitKind::Commune
            })
            .map(|g| g.unit_id)
            .collect();
        ids.dedup();
        ids.into_iter()
            .map(|ward| view! { <WardStewards ward /> })
            .collect_view()
    };
    view! {
        <Suspense>
            {move || Suspend::new(async move { crate::ui::layout::signed_in().await.map(wards) })}
        </Suspense>
    }
}

/// One ward's committee members and their cells, loaded on their own.
#[component]
pub fn WardStewards(ward: i64) -> impl IntoView {
    let data = Resource::new(move || ward, ward_stewards);
    view! {
        <Loaded res=data let:s>
            <StewardsSection s />
        </Loaded>
    }
}

#[component]
fn StewardsSection(s: Stewardship) -> impl IntoView {
    let i18n = use_i18n();
    let heading = format!("stewards-{}", s.ward_id);
    let labelled_by = heading.clone();
    let units = format!("/wards/{}/units", s.ward_id);
    view! {
        <section class="report-section stewards" aria-labelledby=labelled_by>
            <h2 id=heading>{t!(i18n, stewards.title)}</h2>
            <p class="stewards__intro">
                {t!(i18n, stewards.intro, ward = s.ward_name.clone(), date = format::date(s.today))}
                {s.can_edit.then(|| view! {
                    " " <a class="no-print" href=units>{t!(i18n, stewards.give)}</a>
                })}
            </p>
            <div class="stewards__lines">
                {s.lines.into_iter().map(|line| view! { <Line line /> }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn Line(line: StewardLine) -> impl IntoView {
    let i18n = use_i18n();
    let nobody = line.user_id.is_none();
    let count = line.cells.len();
    let name = line.name.clone();
    view! {
        <div class="steward" class:steward--nobody=nobody class:steward--me=line.is_me>
            <h3 class="steward__name">
                {if nobody {
                    view! { {t!(i18n, stewards.nobody)} }.into_any()
                } else {
                    view! {
                        {name}
                        {line.is_me.then(|| view! { " " <span class="muted">{t!(i18n, accounts.you)}</span> })}
                    }
                    .into_any()
                }}
                " "
                <span class="steward__count">{t!(i18n, stewards.cells_n, n = count)}</span>
            </h3>
            {if line.cells.is_empty() {
                view! { <p class="muted">{t!(i18n, stewards.no_cells)}</p> }.into_any()
            } else {
                view! { <CellsTable cells=line.cells /> }.into_any()
            }}
        </div>
    }
}

/// A figure of a cell, marked when it is not zero.
fn flag(n: i64, tone: &'static str) -> impl IntoView {
    if n > 0 {
        view! { <span class=format!("badge badge--{tone}")>{format::int(n)}</span> }.into_any()
    } else {
        view! { <span>"0"</span> }.into_any()
    }
}

#[component]
fn CellsTable(cells: Vec<CellStanding>) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! {
        <table class="table table--cards stewards__table">
            <thead>
                <tr>
                    <th scope="col">{td_string!(l, stewards.cell)}</th>
                    <th scope="col">{td_string!(l, stewards.coverage)}</th>
                    <th scope="col" class="num">{td_string!(l, stewards.overdue)}</th>
                    <th scope="col" class="num">{td_string!(l, stewards.stale)}</th>
                    <th scope="col" class="num">{td_string!(l, stewards.excluded)}</th>
                </tr>
            </thead>
            <tbody>
                {cells.into_iter().map(|c| {
                    let pct = c.coverage_percent();
                    let tone = if c.assigned >= c.households { "ok" } else if pct >= 75 { "warn" } else { "alert" };
                    view! {
                        <tr class:stewards__row--attention=c.needs_attention()>
                            <th scope="row" class="table__title">
                                <a href=format!("/cells/{}", c.cell_id)>{c.name.clone()}</a>
                            </th>
                            <td data-label=td_string!(l, stewards.coverage)>
                                {format::int(c.assigned)} " / " {format::int(c.households)} " "
                                <span class=format!("badge badge--{tone}")>{pct}"%"</span>
                            </td>
                            <td class="num" data-label=td_string!(l, stewards.overdue)>{flag(c.overdue, "alert")}</td>
                            <td class="num" data-label=td_string!(l, stewards.stale)>{flag(c.stale, "warn")}</td>
                            <td class="num" data-label=td_string!(l, stewards.excluded)>{flag(c.excluded_holding, "alert")}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
