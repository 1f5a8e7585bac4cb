//! `/cells/:cell/reports/members`: each member's evidence sheet for the year-end
//! classification, one A4 page per member (`?member=` for one).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::get_cell_report;
use super::model::*;
use super::report_page::period_query;
use super::widgets::{PrintHead, period_label};
use crate::features::org::widgets::{id_param, status_label};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;
use crate::ui::print::PrintButton;

#[component]
pub fn EvidencePage() -> impl IntoView {
    let cell = id_param("cell");
    let period = period_query();
    let query = use_query_map();
    let member =
        Memo::new(move |_| query.with(|q| q.get("member").and_then(|m| m.parse::<i64>().ok())));
    let report = Resource::new(
        move || (cell.get(), period.get()),
        |(c, p)| get_cell_report(c, p),
    );
    view! {
        <Loaded res=report let:r>
            <Sheets r member=member.get_untracked() />
        </Loaded>
    }
    .into_any()
}

#[component]
fn Sheets(r: Report, member: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let (cell, cell_name) = r.cell.clone().unwrap_or_default();
    let period = r.period;
    let rows: Vec<Evidence> = r
        .evidence
        .iter()
        .filter(|e| member.is_none_or(|m| m == e.member_id))
        .cloned()
        .collect();
    let title = match (member, rows.first()) {
        (Some(_), Some(e)) => format!(
            "{} · {}",
            td_string!(l, reviews.evidence_title),
            e.full_name
        ),
        _ => format!("{} · {cell_name}", td_string!(l, reviews.evidence_title)),
    };
    let unknown = member.is_some() && rows.is_empty();
    view! {
        <Title text=title />
        <div class="report-tools no-print">
            <a class="button button--quiet" href=format!("/cells/{cell}/reports?period={}", period.code())>"← "{td_string!(l, reviews.back)}</a>
            {member.is_some().then(|| view! {
                <a class="button" href=format!("/cells/{cell}/reports/members?period={}", period.code())>{td_string!(l, reviews.all_members)}</a>
            })}
            <PrintButton label=td_string!(l, reviews.print).to_string() />
        </div>
        {unknown.then(|| view! { <p class="notice notice--error" role="alert">{td_string!(l, reviews.unknown_member)}</p> })}
        <div class="evidence-sheets">
            {rows.into_iter().map(|e| {
                let unit = format!("{} · {cell_name}", r.ward_name);
                view! { <Sheet e unit period until=r.until /> }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[component]
fn Sheet(e: Evidence, unit: String, period: Period, until: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let l = i18n.get_locale_untracked();
    let rate = e.rate();
    let born = e
        .birth_year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "—".into());
    let rating = e
        .rating_text()
        .map(|t| td_string!(l, reviews.rating_of, mean = t, count = e.ratings).to_string())
        .unwrap_or_else(|| td_string!(l, reviews.no_rating).to_string());
    let feedback = e.feedback.clone();
    view! {
        <article class="report evidence" id=format!("member-{}", e.member_id)>
            <PrintHead unit title=td_string!(l, reviews.evidence_heading).to_string() until />
            <p class="evidence__period">{period_label(l, period)}</p>
            <dl class="evidence__who">
                <div><dt>{td_string!(l, reviews.member)}</dt><dd><strong>{e.full_name.clone()}</strong></dd></div>
                <div><dt>{td_string!(l, reviews.born)}</dt><dd>{born}</dd></div>
                <div><dt>{td_string!(l, reviews.status)}</dt><dd>{status_label(i18n, e.status)}{e.dv213.then(|| format!(" · {}", td_string!(l, reviews.dv213_kind)))}</dd></div>
            </dl>
            <table class="table evidence__table">
                <tbody>
                    <tr><th scope="row">{td_string!(l, reviews.ev_households)}</th><td class="num">{e.households}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_looked_after)}</th><td class="num">{e.looked_after}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_expected)}</th><td class="num">{e.expected}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_done)}</th><td class="num">{e.done}{(e.expected > 0).then(|| format!(" ({rate}%)"))}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_visits)}</th><td class="num">{e.visits}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_concerns)}</th><td class="num">{e.concerns_raised}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_followed)}</th><td class="num">{e.concerns_followed}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_rating)}</th><td class="num">{rating}</td></tr>
                    <tr><th scope="row">{td_string!(l, reviews.ev_meetings)}</th><td class="num">{e.meetings_present}"/"{e.meetings_held}</td></tr>
                </tbody>
            </table>
            <h2 class="evidence__sub">{td_string!(l, reviews.ev_feedback)}</h2>
            {if feedback.is_empty() {
                view! { <p class="muted">{td_string!(l, reviews.ev_no_feedback)}</p> }.into_any()
            } else {
                view! {
                    <ul class="evidence__feedback">
                        {feedback.into_iter().map(|(d, t)| view! { <li><span class="muted">{format::date(d)}": "</span>{t}</li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="evidence__note">{td_string!(l, reviews.ev_note)}</p>
            <div class="evidence__signatures">
                <div><p class="evidence__role">{td_string!(l, reviews.sign_member)}</p><p class="muted">{td_string!(l, minutes.sign)}</p></div>
                <div><p class="evidence__role">{td_string!(l, reviews.sign_secretary)}</p><p class="muted">{td_string!(l, minutes.sign)}</p></div>
            </div>
        </article>
    }
    .into_any()
}
