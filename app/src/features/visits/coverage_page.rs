//! A cell's visit coverage, for its secretary and the committee: this month against the
//! households due, who has gone quiet, and month by month.

use leptos::prelude::*;

use super::api::get_cell_coverage;
use super::model::*;
use super::widgets::month_label;
use crate::features::org::model::percent;
use crate::features::org::widgets::{CellFrame, CellTab, StatusBadge, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn CoveragePage() -> impl IntoView {
    let cell = id_param("cell");
    let coverage = Resource::new(move || cell.get(), get_cell_coverage);
    view! {
        <CellFrame tab=CellTab::Visits>
            <Loaded res=coverage let:c>
                <CoverageView c />
            </Loaded>
        </CellFrame>
    }
}

/// A rate as a bar, coloured by how it reads (`tone`; by the rate alone when not given).
#[component]
pub fn RateBar(
    percent: i64,
    label: String,
    #[prop(optional)] tone: Option<RateTone>,
) -> impl IntoView {
    let tone = tone.unwrap_or_else(|| RateTone::of_rate(percent)).code();
    view! {
        <div
            class=format!("coverage__bar coverage__bar--{tone}")
            role="progressbar"
            aria-valuemin="0"
            aria-valuemax="100"
            aria-valuenow=percent
            aria-label=label
        >
            <span class="coverage__fill" style:width=format!("{percent}%")></span>
        </div>
    }
}

#[component]
fn CoverageView(c: CellCoverage) -> impl IntoView {
    let i18n = use_i18n();
    let month = month_label(
        chrono::Datelike::year(&c.today),
        chrono::Datelike::month(&c.today),
    );
    let pct = percent(c.visited, c.due);
    let today = c.today;
    let this_month = month_start(today, 0);
    let tone = RateTone::of(pct, this_month, today);
    let quiet = c.quiet_members.len();
    view! {
        <section class="visit-coverage">
            <div class="stat-grid">
                <div class="stat">
                    <span class="stat__value">{format::int(c.visited)}</span>
                    <span class="stat__label">
                        {t!(i18n, visits.coverage_month, month = month.clone())}" "
                        {t!(i18n, visits.coverage_of, count = format::int(c.due))}
                    </span>
                </div>
                <div class="stat" class:stat--alert={c.never_visited > 0}>
                    <span class="stat__value">{format::int(c.never_visited)}</span>
                    <span class="stat__label">{t!(i18n, visits.coverage_never)}</span>
                </div>
                <div class="stat" class:stat--alert={c.overdue > 0}>
                    <span class="stat__value">{format::int(c.overdue)}</span>
                    <span class="stat__label">{t!(i18n, visits.coverage_overdue)}</span>
                </div>
                <a href="#quiet" class="stat" class:stat--alert={quiet > 0}>
                    <span class="stat__value">{quiet}</span>
                    <span class="stat__label">{t!(i18n, visits.coverage_quiet)}</span>
                </a>
            </div>
            <div class="coverage">
                <div class="coverage__label">
                    <span>{t!(i18n, visits.coverage_bar)}</span>
                    <strong>
                        {pct}"%"
                        {(tone == RateTone::New).then(|| view! { <span class="badge badge--info">{t!(i18n, visits.month_begun)}</span> })}
                    </strong>
                </div>
                <RateBar percent=pct tone label=t_string!(i18n, visits.coverage_bar).to_string() />
            </div>

            <h2 class="visit-coverage__heading">{t!(i18n, visits.by_month)}</h2>
            <table class="table table--cards visit-months">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, visits.month)}</th>
                        <th scope="col" class="num">{t!(i18n, visits.due)}</th>
                        <th scope="col" class="num">{t!(i18n, visits.visited)}</th>
                        <th scope="col">{t!(i18n, visits.rate)}</th>
                        <th scope="col" class="num">{t!(i18n, visits.visits_count)}</th>
                        <th scope="col" class="num">{t!(i18n, visits.concerns_count)}</th>
                    </tr>
                </thead>
                <tbody>
                    {c.months.into_iter().map(|m| {
                        let p = percent(m.visited, m.due);
                        let label = month_label(m.year, m.month);
                        let start = chrono::NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap_or(today);
                        let tone = RateTone::of(p, start, today);
                        view! {
                            <tr>
                                <th scope="row" class="table__title">{label.clone()}</th>
                                <td class="num" data-label=move || t_string!(i18n, visits.due)>{format::int(m.due)}</td>
                                <td class="num" data-label=move || t_string!(i18n, visits.visited)>{format::int(m.visited)}</td>
                                <td data-label=move || t_string!(i18n, visits.rate)>
                                    <span class="visit-months__rate">
                                        <strong>{p}"%"</strong>
                                        <RateBar percent=p tone label=format!("{} {label}", t_string!(i18n, visits.rate)) />
                                        {(tone == RateTone::New).then(|| view! { <span class="badge badge--info">{t!(i18n, visits.month_begun)}</span> })}
                                    </span>
                                </td>
                                <td class="num" data-label=move || t_string!(i18n, visits.visits_count)>{format::int(m.visits)}</td>
                                <td class="num" data-label=move || t_string!(i18n, visits.concerns_count)>{format::int(m.concerns)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>

            <h2 id="quiet" class="visit-coverage__heading">{t!(i18n, visits.quiet_title)}</h2>
            {if c.quiet_members.is_empty() {
                view! { <p class="muted">{t!(i18n, visits.quiet_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="table table--cards">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, visits.member)}</th>
                                <th scope="col">{t!(i18n, members.status)}</th>
                                <th scope="col" class="num">{t!(i18n, visits.households_count)}</th>
                                <th scope="col">{t!(i18n, households.last_visit)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {c.quiet_members.into_iter().map(|m| view! {
                                <tr>
                                    <th scope="row" class="table__title">
                                        <a href=format!("/members/{}", m.id)>{m.full_name.clone()}</a>
                                    </th>
                                    <td data-label=move || t_string!(i18n, members.status)><StatusBadge status=m.status /></td>
                                    <td class="num" data-label=move || t_string!(i18n, visits.households_count)>{m.households}</td>
                                    <td data-label=move || t_string!(i18n, households.last_visit)>
                                        {match m.last_visit {
                                            Some(d) => view! {
                                                <span class="badge badge--warn">
                                                    {t!(i18n, visits.days_ago, date = format::date(d), days = (today - d).num_days())}
                                                </span>
                                            }.into_any(),
                                            None => view! { <span class="badge badge--alert">{t!(i18n, visits.never)}</span> }.into_any(),
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}
