//! One household: who it is, logging a visit (for the member who looks after it), its open
//! concerns, and its timeline of visits, concerns and who was responsible when.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::get_household_visits;
use super::model::*;
use super::visit_form::VisitLog;
use super::widgets::*;
use crate::error::AppError;
use crate::features::concerns::model::Urgency;
use crate::features::concerns::widgets::{category_label, state_label};
use crate::features::org::api::get_household;
use crate::features::org::model::HouseholdDetail;
use crate::features::org::widgets::{HistoryTable, LastVisit, PhoneLink, TagList, id_param};
use crate::i18n::*;
use crate::ui::format;
use crate::ui::status_page::ErrorPanel;

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let household = id_param("household");
    let query = use_query_map();
    // What a plain form post (without the page's script) came back with.
    let saved = query.with_untracked(|q| {
        q.get("saved")
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
    });
    let refused = query.with_untracked(|q| {
        q.get("refused")
            .and_then(|e| serde_json::from_str::<AppError>(&e).ok())
    });
    let detail = Resource::new(move || household.get(), get_household);
    let visits = Resource::new(move || household.get(), get_household_visits);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || {
                let refused = refused.clone();
                Suspend::new(async move {
                    match (detail.await, visits.await) {
                        (Ok(d), Ok(v)) => view! { <HouseholdView d v saved refused /> }.into_any(),
                        (Err(err), _) | (_, Err(err)) => view! { <ErrorPanel err /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn HouseholdView(
    d: HouseholdDetail,
    v: HouseholdVisits,
    saved: Option<chrono::NaiveDate>,
    refused: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let h = d.household;
    let size = h.size;
    let hot = v.hot_spot;
    let open: Vec<ConcernThread> = v
        .concerns
        .iter()
        .filter(|c| c.state.is_open())
        .cloned()
        .collect();
    let can_log = v.can_log;
    view! {
        <Title text=h.head_name.clone() />
        <header class="page-header">
            {if can_log {
                view! { <p class="page-header__crumb"><a class="visit-back" href="/my">"← "{t!(i18n, my.title)}</a></p> }.into_any()
            } else {
                view! { <p class="page-header__crumb">{d.cell.name.clone()}</p> }.into_any()
            }}
            <h1>{h.head_name.clone()}</h1>
            <p class="page-header__meta">
                <span>{h.address.line()}</span>
                {h.member_id.is_some().then(|| view! { <NeedBadge need=v.need /> })}
                {(hot > 0).then(|| view! { <span class="badge badge--alert">{t!(i18n, households.hot_spot, level = hot)}</span> })}
            </p>
            <TagList tags=h.tags.clone() />
        </header>
        {can_log.then(|| {
            view! {
                <VisitLog
                    household=h.id
                    label=h.head_name.clone()
                    today=v.today
                    hot_spot=hot
                    campaigns=v.campaigns.clone()
                    saved
                    refused=refused.clone()
                />
            }
        })}
        <div class="detail-grid">
            <section class="panel">
                <dl class="facts">
                    <div><dt>{t!(i18n, households.size)}</dt><dd>{t!(i18n, households.people, count = size)}</dd></div>
                    <div><dt>{t!(i18n, members.phone)}</dt><dd><PhoneLink phone=h.phone.clone() /></dd></div>
                    <div>
                        <dt>{t!(i18n, households.member)}</dt>
                        <dd>
                            {match (h.member_id, h.member_name.clone()) {
                                (Some(_), Some(name)) if can_log => view! { <span>{name}</span> }.into_any(),
                                (Some(id), Some(name)) => view! { <a href=format!("/members/{id}")>{name}</a> }.into_any(),
                                _ => view! { <span class="badge badge--alert">{t!(i18n, households.nobody)}</span> }.into_any(),
                            }}
                        </dd>
                    </div>
                    <div><dt>{t!(i18n, households.last_visit)}</dt><dd><LastVisit date=h.last_visit /></dd></div>
                    <div><dt>{t!(i18n, households.visits)}</dt><dd>{d.visits}</dd></div>
                    {d.group_name.clone().map(|g| view! {
                        <div><dt>{t!(i18n, households.group)}</dt><dd>{g}</dd></div>
                    })}
                    {(!d.notes.is_empty()).then(|| view! {
                        <div><dt>{t!(i18n, members.notes)}</dt><dd>{d.notes.clone()}</dd></div>
                    })}
                </dl>
            </section>
            <section class="panel" aria-labelledby="open-concerns">
                <h2 id="open-concerns">{t!(i18n, visits.open_concerns)}</h2>
                <OpenConcerns concerns=open />
                {(can_log || d.cell.can_write).then(|| view! {
                    <crate::features::concerns::household_panel::RaiseForm household=h.id />
                })}
            </section>
        </div>
        <section class="panel visit-timeline-panel" aria-labelledby="timeline">
            <h2 id="timeline">{t!(i18n, visits.timeline)}</h2>
            <Timeline entries=v.timeline truncated=v.truncated />
        </section>
        <section class="panel">
            <h2>{t!(i18n, households.history)}</h2>
            <HistoryTable entries=d.history show_member=!can_log />
        </section>
    }
    .into_any()
}

#[component]
fn OpenConcerns(concerns: Vec<ConcernThread>) -> impl IntoView {
    let i18n = use_i18n();
    if concerns.is_empty() {
        return view! { <p class="muted">{t!(i18n, visits.no_open_concerns)}</p> }.into_any();
    }
    view! {
        <ul class="concern-threads">
            {concerns.into_iter().map(|c| view! {
                <li class="concern-thread">
                    <p class="concern-thread__head">
                        {(c.urgency == Urgency::Urgent).then(|| view! {
                            <span class="badge badge--alert">{t!(i18n, visits.urgent)}</span>
                        })}
                        <a href=format!("/concerns/{}", c.id)><strong>{category_label(i18n.get_locale_untracked(), c.category)}</strong></a>
                        <span class="badge badge--info">{state_label(i18n.get_locale_untracked(), c.state)}</span>
                    </p>
                    <p class="concern-thread__body">{c.body.clone()}</p>
                    <p class="concern-thread__meta muted">
                        {t!(i18n, visits.raised_on, date = format::date(c.raised_on))}
                        {c.member_name.clone().map(|n| view! { " · "{t!(i18n, visits.by, name = n.clone())} })}
                    </p>
                    <ol class="concern-steps">
                        {c.steps.iter().skip(1).map(|s| view! {
                            <li>
                                <time datetime=s.on.to_string()>{format::date(s.on)}</time>" · "
                                <strong>{state_label(i18n.get_locale_untracked(), s.to_state)}</strong>
                                {(!s.body.is_empty()).then(|| view! { ": "{s.body.clone()} })}
                            </li>
                        }).collect_view()}
                    </ol>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>, truncated: bool) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="muted">{t!(i18n, visits.timeline_empty)}</p> }.into_any();
    }
    view! {
        <ol class="visit-timeline">
            {entries.into_iter().map(|e| {
                let on = e.on();
                let (tone, body) = match e {
                    TimelineEntry::Visit(v) => ("visit", view! { <VisitItem v /> }.into_any()),
                    TimelineEntry::Concern { category, text, step, state, .. } => {
                        let title = if step == "raise" {
                            view! { <strong>{t!(i18n, visits.concern_raised)}</strong> }.into_any()
                        } else {
                            view! { <strong>{state_label(i18n.get_locale_untracked(), state)}</strong> }.into_any()
                        };
                        ("concern", view! {
                            <p class="tl__title">{title}" · "{category_label(i18n.get_locale_untracked(), category)}</p>
                            {(!text.is_empty()).then(|| view! { <p class="tl__text">{text.clone()}</p> })}
                        }.into_any())
                    }
                    TimelineEntry::Responsibility { member_name, started, reason, .. } => {
                        ("responsibility", view! {
                            <p class="tl__title">
                                {if started {
                                    t!(i18n, visits.took_over, name = member_name.clone()).into_any()
                                } else {
                                    t!(i18n, visits.handed_over, name = member_name.clone()).into_any()
                                }}
                            </p>
                            {(!reason.is_empty()).then(|| view! { <p class="tl__text muted">{reason.clone()}</p> })}
                        }.into_any())
                    }
                };
                view! {
                    <li class=format!("tl tl--{tone}")>
                        <time class="tl__date" datetime=on.to_string()>{format::date(on)}</time>
                        <div class="tl__body">{body}</div>
                    </li>
                }
            }).collect_view()}
        </ol>
        {truncated.then(|| view! { <p class="muted">{t!(i18n, visits.timeline_truncated, count = TIMELINE_LIMIT)}</p> })}
    }
    .into_any()
}

#[component]
fn VisitItem(v: VisitEntry) -> impl IntoView {
    let i18n = use_i18n();
    let kind = v.kind;
    let hot = v.hot_spot;
    let concerns = v.concerns;
    view! {
        <p class="tl__title">
            <strong>{move || kind_label(i18n, kind)}</strong>" · "{t!(i18n, visits.by, name = v.member_name.clone())}
        </p>
        {(!v.topics.is_empty()).then(|| view! {
            <p class="tl__text">{t!(i18n, visits.discussed)}" "{v.topics.join(", ")}</p>
        })}
        {(!v.note.is_empty()).then(|| view! { <p class="tl__text tl__note">{v.note.clone()}</p> })}
        {(v.mediation || hot > 0 || concerns > 0).then(|| view! {
            <p class="tl__badges">
                {v.mediation.then(|| view! { <span class="badge badge--info">{t!(i18n, visits.mediated)}</span> })}
                {(hot > 0).then(|| view! { <span class="badge badge--alert">{t!(i18n, visits.hot_spot_level, level = hot)}</span> })}
                {(concerns > 0).then(|| view! { <span class="badge badge--warn">{t!(i18n, visits.raised_n, count = concerns)}</span> })}
            </p>
        })}
        {(v.feedback_rating.is_some() || !v.feedback.is_empty()).then(|| {
            let rating = v.feedback_rating;
            view! {
                <p class="tl__text">
                    {t!(i18n, visits.feedback_line)}" "
                    {rating.map(|r| view! { <strong>{move || rating_label(i18n, r)}</strong> })}
                    {(!v.feedback.is_empty()).then(|| view! { " – "{v.feedback.clone()} })}
                </p>
            }
        })}
    }
    .into_any()
}
