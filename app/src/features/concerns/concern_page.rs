//! One concern: what the household said, where it stands, its deadline, every step taken
//! and the steps the reader may take now (plain forms, so they work on a weak phone).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;

use super::api::{AnswerInWriting, TakeStep, get_concern};
use super::model::*;
use super::widgets::*;
use crate::features::org::widgets::id_param;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::loaded::Loaded;

#[component]
pub fn ConcernPage() -> impl IntoView {
    let concern = id_param("concern");
    let detail = Resource::new(move || concern.get(), get_concern);
    view! {
        <Loaded res=detail let:d>
            <ConcernView d />
        </Loaded>
    }
}

#[component]
fn ConcernView(d: ConcernDetail) -> impl IntoView {
    let i18n = use_i18n();
    let c = d.concern.clone();
    let title = format!(
        "{} · {}",
        category_label(i18n.get_locale_untracked(), c.category),
        c.household
    );
    view! {
        <Title text=title />
        <ConcernHeader c=c.clone() ward_name=d.ward_name.clone() />
        <div class="detail-grid concern-grid">
            <section class="panel concern-main">
                <blockquote class="concern-body">{c.body.clone()}</blockquote>
                <ConcernFacts c=c.clone() allowance=d.allowance outside=d.outside_body />
                <StepForms d=d.clone() />
            </section>
            <section class="panel">
                <h2>{t!(i18n, concerns.timeline)}</h2>
                <Timeline events=d.events.clone() />
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn ConcernHeader(c: ConcernRow, ward_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let category = c.category;
    let urgent = c.urgency == Urgency::Urgent;
    view! {
        <header class="page-header concern-header">
            <p class="page-header__crumb">
                <a href=format!("/cells/{}/concerns", c.cell_id)>{c.cell_name.clone()}</a>
                " · "{ward_name}
            </p>
            <h1>
                {move || category_label(i18n.get_locale(), category)}
                {c.household_id.map(|h| view! {
                    " · "<a href=format!("/households/{h}")>{c.household.clone()}</a>
                })}
            </h1>
            <p class="page-header__meta">
                <StateBadge state=c.state />
                {urgent.then(|| view! { <span class="badge badge--alert">{t!(i18n, concerns.urgency.urgent)}</span> })}
                <span>{c.address.clone()}</span>
            </p>
        </header>
    }
    .into_any()
}

#[component]
fn ConcernFacts(
    c: ConcernRow,
    allowance: Option<u32>,
    outside: Option<OutsideBody>,
) -> impl IntoView {
    let i18n = use_i18n();
    let deadline = match c.clock.due_on {
        Some(_) => view! {
            <DeadlineChip clock=c.clock />
            {allowance.map(|n| view! { <small class="muted">" "{t!(i18n, concerns.allowance, days = n)}</small> })}
        }
        .into_any(),
        None => view! { <span class="muted">{t!(i18n, concerns.no_deadline)}</span> }.into_any(),
    };
    view! {
        <dl class="facts">
            <div>
                <dt>{t!(i18n, concerns.raised_on)}</dt>
                <dd>{format::date(c.raised_on)}" "<AgeText days=c.clock.age_days /></dd>
            </div>
            <div>
                <dt>{t!(i18n, concerns.member)}</dt>
                <dd>{c.member_name.clone().unwrap_or_else(|| "—".into())}</dd>
            </div>
            <div>
                <dt>{t!(i18n, concerns.state)}</dt>
                <dd>
                    <StateBadge state=c.state />
                    " "{t!(i18n, concerns.since, date = format::date(c.state_since))}
                </dd>
            </div>
            {outside.map(|b| view! {
                <div><dt>{t!(i18n, concerns.outside_body)}</dt><dd>{move || body_label(i18n.get_locale(), b)}</dd></div>
            })}
            <div>
                <dt>{t!(i18n, concerns.deadline)}</dt>
                <dd>{deadline}</dd>
            </div>
        </dl>
    }
    .into_any()
}

/// The forms of the steps the reader may take now.
#[component]
fn StepForms(d: ConcernDetail) -> impl IntoView {
    let i18n = use_i18n();
    if d.steps.is_empty() {
        return view! {
            <FormError />
            <p class="muted concern-wait">{t!(i18n, concerns.nothing_to_do)}</p>
        }
        .into_any();
    }
    let id = d.concern.id;
    let version = d.concern.version;
    let today = d.today;
    let since = d.concern.state_since;
    view! {
        <section class="concern-actions" aria-labelledby="next-steps">
            <h2 id="next-steps">{t!(i18n, concerns.next_steps)}</h2>
            <FormError />
            {d.steps
                .into_iter()
                .map(|s| view! { <StepForm id version step=s today since /> })
                .collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn StepForm(
    id: i64,
    version: i64,
    step: Step,
    today: chrono::NaiveDate,
    since: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = step.code();
    let anchor = format!("step-{code}");
    let required = step.text() == StepText::Required;
    let text_id = format!("text-{code}");
    let label = move || step_label(i18n.get_locale(), step);
    let text_label = move || step_text_label(i18n.get_locale(), step);
    let text_box = view! {
        <label class="field" for=text_id.clone()>
            <span class="field__label">
                {text_label}
                {(!required).then(|| view! { <small class="muted">" "{t!(i18n, concerns.optional)}</small> })}
            </span>
            <textarea id=text_id.clone() name="text" rows="3" maxlength=MAX_NOTE required=required></textarea>
        </label>
    };
    if step == Step::AnswerInWriting {
        return view! {
            <form
                id=anchor
                class="step-form step-form--written"
                method="post"
                enctype="multipart/form-data"
                action=AnswerInWriting::url()
            >
                <h3>{label}</h3>
                <input type="hidden" name="concern" value=id />
                <input type="hidden" name="version" value=version />
                {text_box}
                <label class="field">
                    <span class="field__label">
                        {t!(i18n, concerns.file)}
                        <small class="muted">" "{t!(i18n, concerns.file_hint)}</small>
                    </span>
                    <input type="file" name="file" accept="application/pdf,image/png,image/jpeg" />
                </label>
                <button type="submit" class="button button--primary">{label}</button>
            </form>
        }
        .into_any();
    }
    let primary = matches!(
        step,
        Step::Report | Step::Answer | Step::Refer | Step::Inform | Step::RecordOutsideAnswer
    );
    view! {
        <form id=anchor class=format!("step-form step-form--{code}") method="post" action=TakeStep::url()>
            <h3>{label}</h3>
            <input type="hidden" name="concern" value=id />
            <input type="hidden" name="step" value=code />
            <input type="hidden" name="version" value=version />
            {step.needs_target().then(|| view! {
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.outside_body)}</span>
                    <select name="target" required>
                        <option value="">{t!(i18n, concerns.choose)}</option>
                        {OutsideBody::ALL.iter().map(|b| {
                            let b = *b;
                            view! { <option value=b.code()>{move || body_label(i18n.get_locale(), b)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            {step.needs_day().then(|| view! {
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.informed_on)}</span>
                    <input type="date" name="on_day" value=today.to_string() min=since.to_string() max=today.to_string() required />
                </label>
            })}
            {text_box}
            <button type="submit" class=if primary { "button button--primary" } else { "button" }>{label}</button>
        </form>
    }
    .into_any()
}

/// Every step of a concern, oldest first, with who took it, when, and whether on time.
#[component]
pub fn Timeline(events: Vec<EventRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="concern-timeline">
            {events
                .into_iter()
                .map(|e| {
                    let step = e.step;
                    let on_time = e.on_time();
                    let target = e.target;
                    let day = e.on_day.map(format::date).unwrap_or_else(|| format::day_of(e.at));
                    view! {
                        <li class=format!("concern-timeline__item concern-timeline__item--{}", step.code())>
                            <p class="concern-timeline__head">
                                <strong>{move || step_label(i18n.get_locale(), step)}</strong>
                                " · "<time datetime=e.at.to_rfc3339()>{day}</time>
                                {e.actor.clone().map(|a| view! { " · "<span>{a}</span> })}
                                {match on_time {
                                    Some(true) => view! { <span class="badge badge--ok">{t!(i18n, concerns.on_time)}</span> }.into_any(),
                                    Some(false) => view! { <span class="badge badge--alert">{t!(i18n, concerns.late, date = e.due_on.map(format::date).unwrap_or_default())}</span> }.into_any(),
                                    None => ().into_any(),
                                }}
                            </p>
                            {target.map(|b| view! { <p class="concern-timeline__target">"→ "{move || body_label(i18n.get_locale(), b)}</p> })}
                            {(!e.body.is_empty()).then(|| view! { <p class="concern-timeline__body">{e.body.clone()}</p> })}
                            {(!e.files.is_empty()).then(|| view! {
                                <ul class="concern-timeline__files">
                                    {e.files.iter().map(|f| view! {
                                        <li>
                                            <a href=format!("/files/concerns/{}", f.id) download=f.name.clone()>
                                                {f.name.clone()}
                                            </a>
                                            <small class="muted">" ("{format::int((f.size + 1023) / 1024)}" KB)"</small>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}
