//! Small pieces shared by the concern pages: labels, the deadline chip, cards.

use leptos::prelude::*;

use super::model::*;
use crate::i18n::*;
use crate::ui::format;
use crate::ui::i18n::ward_word;
use crate::ui::layout::ward_kind_now;

pub fn state_label(l: Locale, s: State) -> &'static str {
    match s {
        State::Raised => td_string!(l, visits.state.raised),
        State::Reported => td_string!(l, visits.state.reported),
        State::AnsweredByCell => td_string!(l, visits.state.answered_by_cell),
        State::ReferredToCommittee => td_string!(l, visits.state.referred_to_committee),
        State::ReferredOutside => td_string!(l, visits.state.referred_outside),
        State::AnsweredInWriting => td_string!(l, visits.state.answered_in_writing),
        State::HouseholdInformed => td_string!(l, visits.state.household_informed),
        State::Closed => td_string!(l, visits.state.closed),
    }
}

/// A step's name; referring to the committee names the ward's kind.
pub fn step_label(l: Locale, s: Step) -> String {
    let kind = ward_word(l, ward_kind_now());
    match s {
        Step::Raise => td_string!(l, concerns.steps.raise).to_string(),
        Step::Report => td_string!(l, concerns.steps.report).to_string(),
        Step::Answer => td_string!(l, concerns.steps.answer).to_string(),
        Step::Refer => td_string!(l, concerns.steps.refer, kind = kind).to_string(),
        Step::ReferOutside => td_string!(l, concerns.steps.refer_outside).to_string(),
        Step::AnswerInWriting => td_string!(l, concerns.steps.answer_in_writing).to_string(),
        Step::RecordOutsideAnswer => {
            td_string!(l, concerns.steps.record_outside_answer).to_string()
        }
        Step::Inform => td_string!(l, concerns.steps.inform).to_string(),
        Step::Close => td_string!(l, concerns.steps.close).to_string(),
        Step::Reopen => td_string!(l, concerns.steps.reopen).to_string(),
    }
}

/// What a step's text box is called.
pub fn step_text_label(l: Locale, s: Step) -> &'static str {
    match s {
        Step::Answer => td_string!(l, concerns.text_labels.answer),
        Step::AnswerInWriting | Step::RecordOutsideAnswer => {
            td_string!(l, concerns.text_labels.written)
        }
        Step::Reopen => td_string!(l, concerns.text_labels.reopen),
        Step::ReferOutside => td_string!(l, concerns.text_labels.refer_outside),
        Step::Inform => td_string!(l, concerns.text_labels.inform),
        _ => td_string!(l, concerns.text_labels.note),
    }
}

pub fn category_label(l: Locale, c: Category) -> &'static str {
    match c {
        Category::Infrastructure => td_string!(l, visits.category.infrastructure),
        Category::Environment => td_string!(l, visits.category.environment),
        Category::Security => td_string!(l, visits.category.security),
        Category::SocialPolicy => td_string!(l, visits.category.social_policy),
        Category::LandConstruction => td_string!(l, visits.category.land_construction),
        Category::HealthEducation => td_string!(l, visits.category.health_education),
        Category::Other => td_string!(l, visits.category.other),
    }
}

pub fn urgency_label(l: Locale, u: Urgency) -> &'static str {
    match u {
        Urgency::Normal => td_string!(l, concerns.urgency.normal),
        Urgency::Urgent => td_string!(l, concerns.urgency.urgent),
    }
}

/// A body's name; the ward's own bodies name its kind.
pub fn body_label(l: Locale, b: OutsideBody) -> String {
    let kind = ward_word(l, ward_kind_now());
    match b {
        OutsideBody::FatherlandFront => {
            td_string!(l, concerns.bodies.fatherland_front, kind = kind).to_string()
        }
        OutsideBody::WomensUnion => td_string!(l, concerns.bodies.womens_union).to_string(),
        OutsideBody::VeteransAssociation => {
            td_string!(l, concerns.bodies.veterans_association).to_string()
        }
        OutsideBody::YouthUnion => td_string!(l, concerns.bodies.youth_union).to_string(),
        OutsideBody::FarmersAssociation => {
            td_string!(l, concerns.bodies.farmers_association).to_string()
        }
        OutsideBody::ElderlyAssociation => {
            td_string!(l, concerns.bodies.elderly_association).to_string()
        }
        OutsideBody::PeoplesCommittee => {
            td_string!(l, concerns.bodies.peoples_committee, kind = kind).to_string()
        }
        OutsideBody::Police => td_string!(l, concerns.bodies.police, kind = kind).to_string(),
        OutsideBody::Other => td_string!(l, concerns.bodies.other).to_string(),
    }
}

pub fn age_bucket_label(l: Locale, a: AgeBucket) -> &'static str {
    match a {
        AgeBucket::Week => td_string!(l, concerns.ages.week),
        AgeBucket::Month => td_string!(l, concerns.ages.month),
        AgeBucket::Quarter => td_string!(l, concerns.ages.quarter),
        AgeBucket::Older => td_string!(l, concerns.ages.older),
    }
}

/// A concern's state as a badge.
#[component]
pub fn StateBadge(state: State) -> impl IntoView {
    let i18n = use_i18n();
    let tone = match state {
        State::Raised | State::Reported => "info",
        State::ReferredToCommittee | State::ReferredOutside => "warn",
        State::AnsweredByCell | State::AnsweredInWriting => "ok",
        State::HouseholdInformed | State::Closed => "muted",
    };
    view! { <span class=format!("badge badge--{tone}")>{move || state_label(i18n.get_locale(), state)}</span> }
}

/// The time left on the current step, green, amber or red; nothing when no one owes a step.
#[component]
pub fn DeadlineChip(clock: Clock) -> impl IntoView {
    let i18n = use_i18n();
    let (Some(due), Some(left)) = (clock.due_on, clock.days_left) else {
        return ().into_any();
    };
    let tone = Tone::of(left);
    let due_text = format::date(due);
    view! {
        <span class=format!("deadline deadline--{}", tone.class())>
            <span class="deadline__left">
                {move || match tone {
                    Tone::Overdue => t_string!(i18n, concerns.overdue_by, days = -left).to_string(),
                    _ if left == 0 => t_string!(i18n, concerns.due_today).to_string(),
                    _ => t_string!(i18n, concerns.days_left, days = left).to_string(),
                }}
            </span>
            <span class="deadline__date">{t!(i18n, concerns.due_on, date = due_text.clone())}</span>
        </span>
    }
    .into_any()
}

/// "12 ngày" since the concern was raised.
#[component]
pub fn AgeText(days: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="concern-age">{t!(i18n, concerns.age, days = days)}</span> }
}

pub use crate::ui::error_text::FormError;

/// A concern as a card, on the board, in the inbox and in lists.
#[component]
pub fn ConcernCard(
    row: ConcernRow,
    #[prop(optional)] show_cell: bool,
    /// Whether to name the concern's state (lists not already grouped by state).
    #[prop(optional)]
    show_state: bool,
    /// The steps the reader may take from the card (the board's moves).
    #[prop(optional)]
    moves: Vec<Step>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tone = row.clock.tone().map(|t| t.class()).unwrap_or("none");
    let body: String = if row.body.chars().count() > 140 {
        let cut: String = row.body.chars().take(140).collect();
        format!("{}…", cut.trim_end())
    } else {
        row.body.clone()
    };
    let id = row.id;
    let category = row.category;
    let urgent = row.urgency == Urgency::Urgent;
    let state = row.state;
    let moves_codes = moves.iter().map(|s| s.code()).collect::<Vec<_>>().join(",");
    let has_moves = !moves.is_empty();
    let version = row.version;
    view! {
        <article
            class=format!("concern-card concern-card--{tone}")
            data-concern=id
            data-version=version
            data-state=row.state.code()
            data-steps=moves_codes
            draggable=has_moves.then_some("true")
        >
            <p class="concern-card__tags">
                <span class="badge badge--info">{move || category_label(i18n.get_locale(), category)}</span>
                {urgent.then(|| view! { <span class="badge badge--alert">{t!(i18n, concerns.urgency.urgent)}</span> })}
                {show_state.then(|| view! { <span class="badge">{move || state_label(i18n.get_locale(), state)}</span> })}
                {show_cell.then(|| view! { <span class="concern-card__cell">{row.cell_name.clone()}</span> })}
            </p>
            <h3 class="concern-card__title">
                <a href=format!("/concerns/{id}")>
                    {row.household.clone()}
                    {(!row.address.is_empty()).then(|| view! { <span class="concern-card__address">" · "{row.address.clone()}</span> })}
                </a>
            </h3>
            <p class="concern-card__body">{body}</p>
            <p class="concern-card__meta">
                <DeadlineChip clock=row.clock />
                <AgeText days=row.clock.age_days />
                {row.member_name.clone().map(|m| view! { <span class="concern-card__member">{m}</span> })}
            </p>
            {has_moves.then(|| view! { <CardMoves id version moves=moves.clone() /> })}
        </article>
    }
}

/// The steps that can be taken from a card: one click for those that need no text, a
/// link to the concern's form for those that do.
#[component]
fn CardMoves(id: i64, version: i64, moves: Vec<Step>) -> impl IntoView {
    use leptos::server_fn::ServerFn as _;
    let i18n = use_i18n();
    view! {
        <details class="concern-card__moves">
            <summary>{t!(i18n, concerns.move_card)}</summary>
            <ul>
                {moves
                    .into_iter()
                    .map(|s| {
                        let label = move || step_label(i18n.get_locale(), s);
                        if s.text() == StepText::Required || s.needs_day() || s == Step::AnswerInWriting {
                            view! {
                                <li><a class="button button--quiet" href=format!("/concerns/{id}?step={}#step-{}", s.code(), s.code())>{label}"…"</a></li>
                            }
                            .into_any()
                        } else {
                            view! {
                                <li>
                                    <form method="post" action=super::api::TakeStep::url()>
                                        <input type="hidden" name="concern" value=id />
                                        <input type="hidden" name="step" value=s.code() />
                                        <input type="hidden" name="version" value=version />
                                        <input type="hidden" name="text" value="" />
                                        <button type="submit" class="button button--quiet">{label}</button>
                                    </form>
                                </li>
                            }
                            .into_any()
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

/// An on-time rate with its counts.
#[component]
pub fn OnTimeFigure(record: OnTime) -> impl IntoView {
    let i18n = use_i18n();
    let tone = match record.percent() {
        Some(p) if p >= 90 => "ok",
        Some(p) if p >= 70 => "warn",
        Some(_) => "alert",
        None => "muted",
    };
    let text = record
        .percent()
        .map(|p| format!("{p}%"))
        .unwrap_or_else(|| "—".to_string());
    view! {
        <span class=format!("on-time on-time--{tone}")>
            <strong>{text}</strong>
            <small>{t!(i18n, concerns.on_time_counts, on_time = record.on_time, total = record.total())}</small>
        </span>
    }
}
