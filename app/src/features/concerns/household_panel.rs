//! A household's concerns on its page: a timeline of what it asked and what it was told,
//! and the form to raise a new concern (for the member who looks after it, or the cell).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use super::api::{RaiseConcern, get_household_concerns};
use super::concern_page::Timeline;
use super::model::*;
use super::widgets::*;
use crate::i18n::*;
use crate::ui::format;

/// The concerns section of a household's page.
#[component]
pub fn HouseholdConcernsPanel(household: i64) -> impl IntoView {
    let data = Resource::new(move || household, get_household_concerns);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"…"</p> }>
            {move || Suspend::new(async move {
                data.await.ok().map(|d| view! { <PanelView household d /> })
            })}
        </Suspense>
    }
}

#[component]
fn PanelView(household: i64, d: HouseholdConcerns) -> impl IntoView {
    let i18n = use_i18n();
    let can_raise = d.can_raise;
    let events = d.events;
    view! {
        <section class="panel household-concerns" aria-labelledby="household-concerns">
            <h2 id="household-concerns">{t!(i18n, concerns.household_title)}</h2>
            {can_raise.then(|| view! { <RaiseForm household /> })}
            {if d.concerns.is_empty() {
                view! { <p class="muted">{t!(i18n, concerns.household_empty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="household-concerns__list">
                        {d.concerns.into_iter().map(|c| {
                            let evs: Vec<EventRow> = events.iter().filter(|(id, _)| *id == c.id).map(|(_, e)| e.clone()).collect();
                            let category = c.category;
                            view! {
                                <li class="household-concerns__item">
                                    <p class="household-concerns__head">
                                        <a href=format!("/concerns/{}", c.id)>
                                            {move || category_label(i18n.get_locale(), category)}
                                            " · "{format::date(c.raised_on)}
                                        </a>
                                        " "<StateBadge state=c.state />
                                        " "<DeadlineChip clock=c.clock />
                                    </p>
                                    <p class="household-concerns__body">{c.body.clone()}</p>
                                    <details>
                                        <summary>{t!(i18n, concerns.timeline)}</summary>
                                        <Timeline events=evs />
                                    </details>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// A new concern, as the household said it.
#[component]
fn RaiseForm(household: i64) -> impl IntoView {
    let i18n = use_i18n();
    // A fresh id per form, so that sending the same form twice stores one concern.
    let client_id = crate::features::visits::widgets::fresh_id();
    let failed = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("__path").is_some_and(|p| p.ends_with("concerns/raise")));
    view! {
        <details class="raise" open=failed>
            <summary class="button button--primary">{t!(i18n, concerns.raise)}</summary>
            <form method="post" action=RaiseConcern::url() class="form raise__form">
                <FormError />
                <input type="hidden" name="household" value=household />
                <input type="hidden" name="client_id" value=client_id />
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.category)}</span>
                    <select name="category" required>
                        <option value="">{t!(i18n, concerns.choose)}</option>
                        {Category::ALL.iter().map(|c| {
                            let c = *c;
                            view! { <option value=c.code()>{move || category_label(i18n.get_locale(), c)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <fieldset class="field raise__urgency">
                    <legend class="field__label">{t!(i18n, concerns.urgency_label)}</legend>
                    <label><input type="radio" name="urgency" value="normal" checked /> {t!(i18n, concerns.urgency.normal)}</label>
                    <label><input type="radio" name="urgency" value="urgent" /> {t!(i18n, concerns.urgency.urgent)}</label>
                </fieldset>
                <label class="field">
                    <span class="field__label">{t!(i18n, concerns.body)}</span>
                    <textarea name="body" rows="4" maxlength=MAX_BODY required placeholder=move || t_string!(i18n, concerns.body_placeholder)></textarea>
                </label>
                <button type="submit" class="button button--primary">{t!(i18n, concerns.raise_submit)}</button>
            </form>
        </details>
    }
}
