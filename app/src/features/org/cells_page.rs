//! The cells in the caller's scope, and one cell's overview.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{get_cell_summary, list_cells};
use super::model::*;
use super::widgets::{CellFrame, CellTab, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn CellsPage() -> impl IntoView {
    let i18n = use_i18n();
    let cells = Resource::new(|| (), |_| list_cells());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), cells.title).to_string() />
        <header class="page-header">
            <h1>{t!(i18n, cells.title)}</h1>
            <p class="page-header__intro">{t!(i18n, cells.intro)}</p>
        </header>
        <Loaded res=cells let:list>
            {if list.is_empty() {
                view! { <p class="empty">{t!(i18n, cells.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="cell-cards">
                        {list.into_iter().map(|c| view! { <li><CellCard cell=c /></li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </Loaded>
    }
}

#[component]
fn CellCard(cell: CellSummary) -> impl IntoView {
    let i18n = use_i18n();
    let pct = cell.coverage_percent();
    let unassigned = cell.households - cell.assigned_households;
    view! {
        <article class="cell-card">
            <h2 class="cell-card__name">
                <a href=format!("/cells/{}", cell.id)>{cell.name.clone()}</a>
            </h2>
            <p class="cell-card__ward">{cell.ward_name.clone()}</p>
            <dl class="figures">
                <div>
                    <dt>{t!(i18n, cells.members)}</dt>
                    <dd>
                        {format::int(cell.members)}
                        <small>" (" {format::int(cell.assignable_members)} " " {t!(i18n, cells.assignable)} ")"</small>
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, cells.households)}</dt>
                    <dd>{format::int(cell.households)}</dd>
                </div>
                <div>
                    <dt>{t!(i18n, cells.unassigned)}</dt>
                    <dd class:figure--alert=move || unassigned.gt(&0)>{format::int(unassigned)}</dd>
                </div>
            </dl>
            <CoverageBar percent=pct />
        </article>
    }
}

/// A labelled progress bar of how many households have someone responsible.
#[component]
pub fn CoverageBar(percent: i64) -> impl IntoView {
    let i18n = use_i18n();
    let tone = if percent >= 95 {
        "ok"
    } else if percent >= 75 {
        "warn"
    } else {
        "alert"
    };
    view! {
        <div class="coverage">
            <div class="coverage__label">
                <span>{t!(i18n, cells.coverage)}</span>
                <strong>{percent}"%"</strong>
            </div>
            <div
                class=format!("coverage__bar coverage__bar--{tone}")
                role="progressbar"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent
                aria-label=move || t_string!(i18n, cells.coverage)
            >
                <span class="coverage__fill" style:width=format!("{percent}%")></span>
            </div>
        </div>
    }
}

#[component]
pub fn CellPage() -> impl IntoView {
    let i18n = use_i18n();
    let cell = id_param("cell");
    let summary = Resource::new(move || cell.get(), get_cell_summary);
    view! {
        <CellFrame tab=CellTab::Overview>
            <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    summary.await.ok().map(|s| {
                        let id = s.id;
                        let unassigned = s.households - s.assigned_households;
                        view! {
                            <section class="overview">
                                <div class="stat-grid">
                                    <a href=format!("/cells/{id}/members") class="stat">
                                        <span class="stat__value">{format::int(s.members)}</span>
                                        <span class="stat__label">{t!(i18n, cells.members)}</span>
                                    </a>
                                    <a href=format!("/cells/{id}/households") class="stat">
                                        <span class="stat__value">{format::int(s.households)}</span>
                                        <span class="stat__label">{t!(i18n, cells.households)}</span>
                                    </a>
                                    <a href=format!("/cells/{id}/households?assigned=no") class="stat stat--alert">
                                        <span class="stat__value">{format::int(unassigned)}</span>
                                        <span class="stat__label">{t!(i18n, cells.unassigned)}</span>
                                    </a>
                                </div>
                                <CoverageBar percent=s.coverage_percent() />
                            </section>
                        }
                    })
                })}
            </Suspense>
        </CellFrame>
    }
}
