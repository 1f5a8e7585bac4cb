//! `/cells/:cell/reports` and `/wards/:ward/reports`: the 6-month and year-end reports,
//! on screen, on A4 paper and as a workbook.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{get_cell_report, get_ward_report};
use super::model::*;
use super::stewards_view::WardStewards;
use super::widgets::*;
use crate::features::org::widgets::{CellFrame, CellTab, StatusBadge, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::i18n::ward_word;
use crate::ui::layout::ward_kind_now;
use crate::ui::loaded::Loaded;
use crate::ui::print::PrintButton;

/// The `period` of the page's query (empty: the current one).
pub fn period_query() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("period").unwrap_or_default()))
}

/// "Báo cáo sơ kết 6 tháng đầu năm 2026" or "Báo cáo tổng kết năm 2026".
pub fn report_title(l: Locale, p: Period) -> String {
    match p.kind {
        PeriodKind::Half => td_string!(l, reviews.title_half, year = p.year).to_string(),
        PeriodKind::Year => td_string!(l, reviews.title_year, year = p.year).to_string(),
    }
}

#[component]
pub fn CellReportPage() -> impl IntoView {
    let cell = id_param("cell");
    let period = period_query();
    let report = Resource::new(
        move || (cell.get(), period.get()),
        |(c, p)| get_cell_report(c, p),
    );
    view! {
        <CellFrame tab=CellTab::Reports>
            <Loaded res=report let:r>
                <CellReport r />
            </Loaded>
        </CellFrame>
    }
    .into_any()
}

#[component]
fn CellReport(r: Report) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let (cell, cell_name) = r.cell.clone().unwrap_or_default();
    let period = r.period;
    let title = report_title(l, period);
    let evidence = r.evidence.clone();
    view! {
        <Title text=format!("{title} · {cell_name}") />
        <div class="report-tools no-print">
            <PeriodPicker current=period choices=r.choices.clone() />
            <nav class="report-links" aria-label=td_string!(l, reviews.more)>
                <a class="button" href=format!("/cells/{cell}/reports/members?period={}", period.code())>{td_string!(l, reviews.evidence_link)}</a>
                <a class="button" href=format!("/cells/{cell}/reports/dv213?year={}", period.year)>{td_string!(l, reviews.dv213_link)}</a>
                <a class="button" href=cell_report_xlsx(cell, period) download>{td_string!(l, reviews.xlsx)}</a>
                <PrintButton label=td_string!(l, reviews.print).to_string() />
            </nav>
        </div>
        <article class="report" aria-labelledby="report-title">
            <PrintHead unit=format!("{} · {}", r.ward_name, cell_name) title=format!("{title} – {cell_name}") until=r.until />
            <ReportBody r=r.clone() />
            <section class="report-section">
                <h2>{td_string!(l, reviews.members_title)}</h2>
                <p class="muted">{td_string!(l, reviews.members_intro)}</p>
                <EvidenceTable rows=evidence cell period />
            </section>
        </article>
    }
    .into_any()
}

/// The figures both reports share: key figures, months, concerns.
#[component]
fn ReportBody(r: Report) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let running = r.until < r.period.last_day();
    view! {
        {running.then(|| view! {
            <p class="notice">{td_string!(l, reviews.running, date = format::date(r.until)).to_string()}</p>
        })}
        <KeyFigures r=r.clone() />
        <p class="report-note">
            {td_string!(l, reviews.people, members = r.members, assignable = r.assignable_members, households = format::int(r.coverage.households), meetings = r.meetings).to_string()}
        </p>
        <section class="report-section">
            <h2>{td_string!(l, reviews.months_title)}</h2>
            <MonthChart months=r.months.clone() />
            <MonthTable months=r.months.clone() today=r.today />
        </section>
        <section class="report-section">
            <h2>{td_string!(l, reviews.concerns_title)}</h2>
            <ConcernTables k=r.concerns.clone() />
        </section>
    }
    .into_any()
}

/// The badge tone of a visit rate: nothing due, at least 90 %, at least 60 %, below.
fn rate_tone(due: i64, rate: i64) -> &'static str {
    match (due, rate) {
        (0, _) => "muted",
        (_, 90..) => "ok",
        (_, 60..) => "warn",
        _ => "alert",
    }
}

/// One line per member: what the record shows for the period.
#[component]
fn EvidenceTable(rows: Vec<Evidence>, cell: i64, period: Period) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    if rows.is_empty() {
        return view! { <p class="empty">{td_string!(l, reviews.no_members)}</p> }.into_any();
    }
    view! {
        <table class="table table--cards report-members">
            <thead>
                <tr>
                    <th scope="col">{td_string!(l, reviews.member)}</th>
                    <th scope="col" class="num">{td_string!(l, reviews.households)}</th>
                    <th scope="col">{td_string!(l, reviews.visit_rate)}</th>
                    <th scope="col" class="num">{td_string!(l, reviews.visits)}</th>
                    <th scope="col" class="num">{td_string!(l, reviews.concerns_followed)}</th>
                    <th scope="col" class="num">{td_string!(l, reviews.rating)}</th>
                    <th scope="col" class="num">{td_string!(l, reviews.meetings)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|e| {
                    let rate = e.rate();
                    let tone = rate_tone(e.expected, rate);
                    view! {
                        <tr>
                            <th scope="row" class="table__title">
                                <a href=format!("/cells/{cell}/reports/members?period={}&member={}", period.code(), e.member_id)>{e.full_name.clone()}</a>
                                " "<StatusBadge status=e.status />
                            </th>
                            <td class="num" data-label=td_string!(l, reviews.households)>{e.households}</td>
                            <td data-label=td_string!(l, reviews.visit_rate)>
                                {if e.expected == 0 {
                                    view! { <span class="muted">"—"</span> }.into_any()
                                } else {
                                    view! { <span class=format!("badge badge--{tone}")>{e.done}"/"{e.expected}" · "{rate}"%"</span> }.into_any()
                                }}
                            </td>
                            <td class="num" data-label=td_string!(l, reviews.visits)>{e.visits}</td>
                            <td class="num" data-label=td_string!(l, reviews.concerns_followed)>{e.concerns_followed}"/"{e.concerns_raised}</td>
                            <td class="num" data-label=td_string!(l, reviews.rating)>{e.rating_text().unwrap_or_else(|| "—".into())}</td>
                            <td class="num" data-label=td_string!(l, reviews.meetings)>{e.meetings_present}"/"{e.meetings_held}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn WardReportPage() -> impl IntoView {
    let ward = id_param("ward");
    let period = period_query();
    let report = Resource::new(
        move || (ward.get(), period.get()),
        |(w, p)| get_ward_report(w, p),
    );
    view! {
        <Loaded res=report let:r>
            <WardReport r />
        </Loaded>
    }
    .into_any()
}

#[component]
fn WardReport(r: Report) -> impl IntoView {
    let l = use_i18n().get_locale_untracked();
    let ward = r.ward_id;
    let period = r.period;
    let title = report_title(l, period);
    let cells = r.cells.clone();
    view! {
        <Title text=format!("{title} · {}", r.ward_name) />
        <header class="page-header no-print">
            <p class="page-header__crumb">{r.ward_name.clone()}</p>
            <h1>{td_string!(l, reviews.ward_title, kind = ward_word(l, ward_kind_now())).to_string()}</h1>
            <p class="page-header__intro">{td_string!(l, reviews.ward_intro)}</p>
        </header>
        <div class="report-tools no-print">
            <PeriodPicker current=period choices=r.choices.clone() />
            <nav class="report-links" aria-label=td_string!(l, reviews.more)>
                <a class="button" href=ward_report_xlsx(ward, period) download>{td_string!(l, reviews.xlsx)}</a>
                <PrintButton label=td_string!(l, reviews.print).to_string() />
            </nav>
        </div>
        <article class="report">
            <PrintHead unit=r.ward_name.clone() title=format!("{title} – {}", r.ward_name) until=r.until />
            <ReportBody r=r.clone() />
            <section class="report-section">
                <h2>{td_string!(l, reviews.cells_title)}</h2>
                <table class="table table--cards report-cells">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, reviews.cell)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.members)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.households)}</th>
                            <th scope="col">{td_string!(l, reviews.visit_rate)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.visits)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.concerns_open)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.on_time)}</th>
                            <th scope="col" class="num">{td_string!(l, reviews.meetings_held)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {cells.into_iter().map(|c| {
                            let rate = c.coverage.rate();
                            let tone = rate_tone(c.coverage.due, rate);
                            view! {
                                <tr>
                                    <th scope="row" class="table__title">
                                        <a href=format!("/cells/{}/reports?period={}", c.cell_id, period.code())>{c.name.clone()}</a>
                                    </th>
                                    <td class="num" data-label=td_string!(l, reviews.members)>{c.members}</td>
                                    <td class="num" data-label=td_string!(l, reviews.households)>{format::int(c.coverage.households)}</td>
                                    <td data-label=td_string!(l, reviews.visit_rate)>
                                        <span class=format!("badge badge--{tone}")>{rate}"%"</span>
                                    </td>
                                    <td class="num" data-label=td_string!(l, reviews.visits)>{format::int(c.coverage.visits)}</td>
                                    <td class="num" data-label=td_string!(l, reviews.concerns_open)>
                                        {c.concerns.open()}
                                        {(c.concerns.overdue > 0).then(|| view! { " " <span class="badge badge--alert">{td_string!(l, reviews.overdue_n, count = c.concerns.overdue).to_string()}</span> })}
                                    </td>
                                    <td class="num" data-label=td_string!(l, reviews.on_time)>
                                        {c.concerns.on_time.percent().map_or_else(|| "—".to_string(), |p| format!("{p}%"))}
                                    </td>
                                    <td class="num" data-label=td_string!(l, reviews.meetings_held)>{c.meetings}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <WardStewards ward />
        </article>
    }
    .into_any()
}
