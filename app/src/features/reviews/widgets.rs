//! Pieces the report pages share: the period picker, the key figures, the month-by-month
//! chart (inline SVG, drawn on the server) and the concerns tables.

use leptos::prelude::*;

use super::model::*;
use crate::features::concerns::widgets::{OnTimeFigure, age_bucket_label, state_label};
use crate::features::org::model::percent;
use crate::features::visits::coverage_page::RateBar;
use crate::features::visits::model::{MonthCoverage, RateTone};
use crate::i18n::*;
use crate::ui::format;

/// A period's name in the reader's language.
pub fn period_label(l: Locale, p: Period) -> String {
    match p.kind {
        PeriodKind::Half => td_string!(l, reviews.period_half, year = p.year).to_string(),
        PeriodKind::Year => td_string!(l, reviews.period_year, year = p.year).to_string(),
    }
}

/// Chooses the period: a plain GET form, so it works before any script.
#[component]
pub fn PeriodPicker(current: Period, choices: Vec<Period>) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! {
        <form method="get" class="report-picker">
            <label class="field">
                <span class="field__label">{td_string!(l, reviews.period)}</span>
                <select name="period">
                    {choices.into_iter().map(|p| view! {
                        <option value=p.code() selected={p == current}>{period_label(l, p)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="button">{td_string!(l, reviews.show)}</button>
        </form>
    }
    .into_any()
}

/// The headline figures of a report.
#[component]
pub fn KeyFigures(r: Report) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let c = r.coverage;
    let k = r.concerns.clone();
    let rate = c.rate();
    view! {
        <div class="stat-grid report-stats">
            <div class="stat" class:stat--alert={c.due > 0 && rate < 60}>
                <span class="stat__value">{rate}"%"</span>
                <span class="stat__label">{td_string!(l, reviews.monthly_rate, visited = format::int(c.visited), due = format::int(c.due)).to_string()}</span>
            </div>
            <div class="stat">
                <span class="stat__value">{format::int(c.visits)}</span>
                <span class="stat__label">{td_string!(l, reviews.visits)}</span>
            </div>
            <div class="stat" class:stat--alert={c.reached < c.looked_after}>
                <span class="stat__value">{format::int(c.reached)}"/"{format::int(c.looked_after)}</span>
                <span class="stat__label">{td_string!(l, reviews.reached)}</span>
            </div>
            <div class="stat">
                <span class="stat__value">{format::int(k.raised)}</span>
                <span class="stat__label">{td_string!(l, reviews.concerns_raised, settled = format::int(k.settled())).to_string()}</span>
            </div>
            <div class="stat" class:stat--alert={k.overdue > 0}>
                <span class="stat__value">{format::int(k.overdue)}</span>
                <span class="stat__label">{td_string!(l, reviews.concerns_overdue, open = format::int(k.open())).to_string()}</span>
            </div>
            <div class="stat">
                <span class="stat__value"><OnTimeFigure record=k.on_time /></span>
                <span class="stat__label">{td_string!(l, reviews.on_time)}</span>
            </div>
        </div>
    }
    .into_any()
}

/// Visits per month against the households due, as bars; the rate under each month.
#[component]
pub fn MonthChart(months: Vec<MonthCoverage>) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    const W: f64 = 720.0;
    const H: f64 = 260.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 48.0;
    const LEFT: f64 = 36.0;
    let n = months.len().max(1) as f64;
    let top_value = months
        .iter()
        .map(|m| m.due.max(m.visits))
        .max()
        .unwrap_or(0)
        .max(1);
    // A round step for the scale (1, 2 or 5 times a power of ten), at most five lines.
    let mut step = 1i64;
    let mut k = 0u32;
    while (top_value + step - 1) / step > 5 {
        k += 1;
        step = [1, 2, 5][(k % 3) as usize] * 10i64.pow(k / 3);
    }
    let scale_top = (top_value + step - 1) / step * step;
    let plot_h = H - TOP - BOTTOM;
    let y = move |v: i64| TOP + plot_h - (v as f64 / scale_top as f64) * plot_h;
    let slot = (W - LEFT) / n;
    let bar = (slot * 0.34).min(34.0);
    let gridlines: Vec<i64> = (0..=scale_top).step_by(step.max(1) as usize).collect();
    let title = td_string!(l, reviews.chart_title).to_string();
    let desc = months
        .iter()
        .map(|m| {
            td_string!(
                l,
                reviews.chart_month,
                month = format!("{:02}/{}", m.month, m.year),
                visits = m.visits,
                due = m.due
            )
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        // Scrolls sideways on a phone: reachable from the keyboard too.
        <figure class="report-chart" tabindex="0">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet">
                <title id="chart-title">{title.clone()}</title>
                <desc id="chart-desc">{desc}</desc>
                {gridlines.into_iter().map(|g| view! {
                    <line class="report-chart__grid" x1=num(LEFT) x2=num(W) y1=num(y(g)) y2=num(y(g)) />
                    <text class="report-chart__axis" x=num(LEFT - 6.0) y=num(y(g) + 4.0) text-anchor="end">{g}</text>
                }).collect_view()}
                {months.iter().enumerate().map(|(i, m)| {
                    let x = LEFT + slot * i as f64 + slot / 2.0;
                    let rate = percent(m.visited, m.due);
                    view! {
                        <g class="report-chart__month">
                            <rect class="report-chart__due" x=num(x - bar - 2.0) y=num(y(m.due)) width=num(bar) height=num((y(0) - y(m.due)).max(0.0)) rx="3" />
                            <rect class="report-chart__visits" x=num(x + 2.0) y=num(y(m.visits)) width=num(bar) height=num((y(0) - y(m.visits)).max(0.0)) rx="3" />
                            <text class="report-chart__value" x=num(x + 2.0 + bar / 2.0) y=num(y(m.visits) - 6.0) text-anchor="middle">{m.visits}</text>
                            <text class="report-chart__label" x=num(x) y=num(H - BOTTOM + 18.0) text-anchor="middle">{format!("{:02}/{}", m.month, m.year % 100)}</text>
                            <text class="report-chart__rate" x=num(x) y=num(H - BOTTOM + 36.0) text-anchor="middle">{format!("{rate}%")}</text>
                        </g>
                    }
                }).collect_view()}
                <line class="report-chart__base" x1=num(LEFT) x2=num(W) y1=num(y(0)) y2=num(y(0)) />
            </svg>
            <figcaption class="report-chart__legend">
                <span class="report-chart__key report-chart__key--due"></span>{td_string!(l, reviews.legend_due)}
                <span class="report-chart__key report-chart__key--visits"></span>{td_string!(l, reviews.legend_visits)}
                <span class="report-chart__note">{td_string!(l, reviews.legend_rate)}</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

/// An SVG coordinate, to one decimal.
fn num(v: f64) -> String {
    format!("{v:.1}")
}

/// The months as a table, for those who read numbers rather than bars.
#[component]
pub fn MonthTable(months: Vec<MonthCoverage>, today: chrono::NaiveDate) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! {
        <table class="table table--cards report-months">
            <thead>
                <tr>
                    <th scope="col">{td_string!(l, visits.month)}</th>
                    <th scope="col" class="num">{td_string!(l, visits.due)}</th>
                    <th scope="col" class="num">{td_string!(l, visits.visited)}</th>
                    <th scope="col">{td_string!(l, visits.rate)}</th>
                    <th scope="col" class="num">{td_string!(l, visits.visits_count)}</th>
                    <th scope="col" class="num">{td_string!(l, visits.concerns_count)}</th>
                </tr>
            </thead>
            <tbody>
                {months.into_iter().map(|m| {
                    let p = percent(m.visited, m.due);
                    let label = format!("{:02}/{}", m.month, m.year);
                    let start = chrono::NaiveDate::from_ymd_opt(m.year, m.month, 1).unwrap_or(today);
                    let tone = RateTone::of(p, start, today);
                    view! {
                        <tr>
                            <th scope="row" class="table__title">{label.clone()}</th>
                            <td class="num" data-label=td_string!(l, visits.due)>{format::int(m.due)}</td>
                            <td class="num" data-label=td_string!(l, visits.visited)>{format::int(m.visited)}</td>
                            <td data-label=td_string!(l, visits.rate)>
                                <span class="visit-months__rate">
                                    <strong>{p}"%"</strong>
                                    <RateBar percent=p tone label=format!("{} {label}", td_string!(l, visits.rate)) />
                                    {(tone == RateTone::New).then(|| view! { <span class="badge badge--info">{td_string!(l, visits.month_begun)}</span> })}
                                </span>
                            </td>
                            <td class="num" data-label=td_string!(l, visits.visits_count)>{format::int(m.visits)}</td>
                            <td class="num" data-label=td_string!(l, visits.concerns_count)>{format::int(m.concerns)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Concerns raised in the period by state, and those still open by age.
#[component]
pub fn ConcernTables(k: ConcernTotals) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let raised = k.raised;
    let open = k.open();
    view! {
        <div class="report-concerns">
            <table class="table report-small">
                <caption>{td_string!(l, reviews.by_state, count = raised).to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, reviews.state)}</th>
                        <th scope="col" class="num">{td_string!(l, reviews.count)}</th>
                    </tr>
                </thead>
                <tbody>
                    {if k.by_state.is_empty() {
                        view! { <tr><td colspan="2" class="muted">{td_string!(l, reviews.none)}</td></tr> }.into_any()
                    } else {
                        k.by_state.iter().map(|(s, n)| view! {
                            <tr><th scope="row">{state_label(l, *s)}</th><td class="num">{*n}</td></tr>
                        }).collect_view().into_any()
                    }}
                </tbody>
            </table>
            <table class="table report-small">
                <caption>{td_string!(l, reviews.by_age, count = open).to_string()}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, reviews.waited)}</th>
                        <th scope="col" class="num">{td_string!(l, reviews.count)}</th>
                    </tr>
                </thead>
                <tbody>
                    {k.open_by_age.iter().map(|(b, n)| view! {
                        <tr class:report-small--alert={*n > 0 && *b == crate::features::concerns::model::AgeBucket::Older}>
                            <th scope="row">{age_bucket_label(l, *b)}</th><td class="num">{*n}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The printed heading of a report: the party's and the nation's header lines, and the
/// report's title.
#[component]
pub fn PrintHead(unit: String, title: String, until: chrono::NaiveDate) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    view! {
        <header class="report-head">
            <div class="report-head__org">
                <p>{unit.to_uppercase()}</p>
                <p class="report-head__stars">"*"</p>
            </div>
            <div class="report-head__nation">
                <p class="report-head__party">{td_string!(l, minutes.party)}</p>
                <p><em>{td_string!(l, reviews.until, date = format::date(until)).to_string()}</em></p>
            </div>
        </header>
        <h1 class="report-title">{title}</h1>
    }
    .into_any()
}
