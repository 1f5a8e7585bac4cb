//! One household: who it is, logging a visit (for the member who looks after it), its open
//! concerns, and its timeline of visits, concerns and who was responsible when.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{LogVisit, get_household_visits};
use super::model::*;
use super::my_page::OutboxSection;
use super::widgets::*;
use crate::core::client_id::fresh_id;
use crate::error::AppError;
use crate::features::concerns::model::{Category as ConcernCategory, Urgency};
use crate::features::concerns::widgets::{category_label, state_label};
use crate::features::org::api::get_household;
use crate::features::org::model::HouseholdDetail;
use crate::features::org::widgets::{HistoryTable, LastVisit, PhoneLink, TagList, id_param};
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
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

/// The quick "visited, nothing to report" button and the full form, for the member who
/// looks after the household. Plain forms: the offline script takes them over (keeps the
/// visit on the phone first, then sends it); without the script they post as they are.
#[component]
fn VisitLog(
    household: i64,
    label: String,
    today: chrono::NaiveDate,
    hot_spot: i64,
    campaigns: Vec<Campaign>,
    saved: Option<chrono::NaiveDate>,
    refused: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (earliest, latest) = visit_date_range(today);
    let has_campaigns = !campaigns.is_empty();
    view! {
        <section id="visit" class="visit-log" data-household=household.to_string() data-label=label data-today=today.to_string()
            aria-labelledby="visit-title">
            <h2 id="visit-title" class="visually-hidden">{t!(i18n, visits.form_title)}</h2>
            {saved.map(|d| view! {
                <p class="notice visit-notice--ok" role="status">
                    {t!(i18n, visits.saved, date = format::date(d))}" "
                    <a href="/my">{t!(i18n, visits.back_to_list)}</a>
                </p>
            })}
            {refused.map(|err| view! { <ErrorNotice err /> })}
            <div class="visit-log__status" data-visit-status role="status" aria-live="polite"></div>
            <form method="post" action=LogVisit::url() class="visit-quick" data-visit-form="quick">
                <input type="hidden" name="visit[client_id]" value=fresh_id() data-client-id />
                <input type="hidden" name="visit[household]" value=household.to_string() />
                <input type="hidden" name="visit[visited_on]" value=today.to_string() data-visit-date />
                <input type="hidden" name="visit[kind]" value="home" />
                <button type="submit" class="button button--primary button--big button--wide">
                    {t!(i18n, visits.quick)}
                </button>
                <p class="visit-quick__hint" data-hint=t_string!(i18n, visits.quick_hint, date = "{date}").to_string()>
                    {t!(i18n, visits.quick_hint, date = format::date(today))}
                </p>
            </form>
            <details class="visit-full" data-visit-details>
                <summary class="button button--wide visit-full__summary">{t!(i18n, visits.full)}</summary>
                <form method="post" action=LogVisit::url() class="form visit-form" data-visit-form="full">
                    <input type="hidden" name="visit[client_id]" value=fresh_id() data-client-id />
                    <input type="hidden" name="visit[household]" value=household.to_string() />
                    <label class="field">
                        <span class="field__label">{t!(i18n, visits.date)}</span>
                        <input
                            type="date"
                            name="visit[visited_on]"
                            value=today.to_string()
                            min=earliest.to_string()
                            max=latest.to_string()
                            required
                            data-visit-date
                        />
                    </label>
                    <fieldset class="choices">
                        <legend class="field__label">{t!(i18n, visits.kind)}</legend>
                        {VisitKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! {
                                <label class="choice">
                                    <input type="radio" name="visit[kind]" value=k.code() checked={k == VisitKind::Home} />
                                    <span>{move || kind_label(i18n, k)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <fieldset class="choices">
                        <legend class="field__label">{t!(i18n, visits.topics)}</legend>
                        {if has_campaigns {
                            campaigns.into_iter().enumerate().map(|(i, c)| view! {
                                <label class="choice">
                                    <input type="checkbox" name=format!("visit[topics][{i}]") value=c.code />
                                    <span>{c.name}</span>
                                </label>
                            }).collect_view().into_any()
                        } else {
                            view! { <p class="muted">{t!(i18n, visits.no_campaigns)}</p> }.into_any()
                        }}
                    </fieldset>
                    <label class="field">
                        <span class="field__label">{t!(i18n, visits.note)}</span>
                        <textarea
                            name="visit[note]"
                            rows="4"
                            maxlength=MAX_NOTE_LEN.to_string()
                            placeholder=move || t_string!(i18n, visits.note_hint)
                        ></textarea>
                    </label>
                    <label class="choice">
                        <input type="checkbox" name="visit[mediation]" value="true" />
                        <span>{t!(i18n, visits.mediation)}</span>
                    </label>
                    <label class="field">
                        <span class="field__label">{t!(i18n, visits.hot_spot)}</span>
                        <select name="visit[hot_spot]">
                            {(0..=3i64).map(|level| view! {
                                <option value=level.to_string() selected={level == hot_spot}>
                                    {move || hot_spot_label(i18n, level)}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                    <fieldset class="visit-form__group">
                        <legend class="field__label">{t!(i18n, visits.feedback_title)}</legend>
                        <label class="field">
                            <span class="field__label">{t!(i18n, visits.feedback_rating)}</span>
                            <select name="visit[feedback_rating]">
                                <option value="">{t!(i18n, visits.rating_none)}</option>
                                {(1..=5i64).rev().map(|r| view! {
                                    <option value=r.to_string()>{move || rating_label(i18n, r)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field__label">{t!(i18n, visits.feedback)}</span>
                            <textarea name="visit[feedback]" rows="2" maxlength=MAX_FEEDBACK_LEN.to_string()></textarea>
                        </label>
                    </fieldset>
                    <fieldset class="visit-form__group visit-concerns">
                        <legend class="field__label">{t!(i18n, visits.concerns_title)}</legend>
                        <p class="muted">{t!(i18n, visits.concerns_hint)}</p>
                        <div data-concern-list>
                            <ConcernSlot index="0".to_string() number="1".to_string() client_id=fresh_id() />
                        </div>
                        <template data-concern-template>
                            <ConcernSlot index="__N__".to_string() number="__NUM__".to_string() client_id=String::new() />
                        </template>
                        <button type="button" class="button" data-add-concern hidden>
                            "+ "{t!(i18n, visits.add_concern)}
                        </button>
                    </fieldset>
                    <button type="submit" class="button button--primary button--big button--wide">
                        {t!(i18n, visits.save)}
                    </button>
                </form>
            </details>
            <OutboxSection household=Some(household) />
        </section>
    }
    .into_any()
}

/// One concern's fields in the visit form; the script copies the template for more.
#[component]
fn ConcernSlot(index: String, number: String, client_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let name = move |field: &str| format!("visit[concerns][{index}][{field}]");
    view! {
        <fieldset class="concern-slot" data-concern-slot>
            <legend class="concern-slot__title">{t!(i18n, visits.concern_n, n = number.clone())}</legend>
            <input type="hidden" name=name("client_id") value=client_id data-concern-id />
            <label class="field">
                <span class="field__label">{t!(i18n, visits.concern_category)}</span>
                <select name=name("category")>
                    <option value="">{t!(i18n, visits.concern_choose)}</option>
                    {ConcernCategory::ALL.iter().map(|c| {
                        let c = *c;
                        view! { <option value=c.code()>{category_label(i18n.get_locale_untracked(), c)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field__label">{t!(i18n, visits.concern_body)}</span>
                <textarea name=name("body") rows="3" maxlength=MAX_CONCERN_LEN.to_string()></textarea>
            </label>
            <label class="choice">
                <input type="checkbox" name=name("urgency") value="urgent" />
                <span>{t!(i18n, visits.concern_urgent)}</span>
            </label>
            <button type="button" class="button button--quiet" data-remove-concern hidden>
                {t!(i18n, visits.remove_concern)}
            </button>
        </fieldset>
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
