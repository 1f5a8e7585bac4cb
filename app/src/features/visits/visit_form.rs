//! Logging a visit on a household's page: the quick "visited, nothing to report" button
//! and the full form, for the member who looks after the household.
//!
//! Server-rendered as plain forms that post to `log_visit` and come back to the page. In
//! the browser a visit is first kept in the phone's outbox under an id made on the phone,
//! then sent (see `outbox`); a refused one stays in the form, as typed, to be corrected.

use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use super::api::LogVisit;
use super::model::*;
use super::outbox_view::{NoticeRegion, OutboxList};
use super::widgets::*;
use crate::core::client_id::fresh_id;
use crate::error::AppError;
use crate::features::concerns::model::Category as ConcernCategory;
use crate::features::concerns::widgets::category_label;
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
use crate::ui::format;

/// The form's state in the browser: the id the next visit is sent under (shared by the
/// quick and the full form: one visit, however it is saved), the concern rows, the day.
#[derive(Clone, Copy)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
struct Log {
    household: i64,
    label: StoredValue<String>,
    day: RwSignal<chrono::NaiveDate>,
    ready: RwSignal<bool>,
    busy: RwSignal<bool>,
    visit_id: StoredValue<String>,
    rows: RwSignal<Vec<u32>>,
    next_row: StoredValue<u32>,
    full: NodeRef<html::Form>,
    details: NodeRef<html::Details>,
}

impl Log {
    fn add_row(self) {
        if self.rows.with_untracked(Vec::len) >= MAX_CONCERNS {
            return;
        }
        let key = self.next_row.get_value();
        self.next_row.set_value(key + 1);
        self.rows.update(|r| r.push(key));
    }

    /// Back to a blank form for the next visit: one empty concern row, a new id.
    #[cfg(feature = "hydrate")]
    fn reset(self) {
        if let Some(form) = self.full.get_untracked() {
            form.reset();
        }
        self.rows.set(Vec::new());
        self.add_row();
        self.visit_id.set_value(super::outbox_browser::new_id());
        if let Some(d) = self.details.get_untracked() {
            d.set_open(false);
        }
    }
}

/// The visit forms of a household's page, with the visits of this household not sent yet.
#[island]
pub fn VisitLog(
    household: i64,
    label: String,
    today: chrono::NaiveDate,
    hot_spot: i64,
    campaigns: Vec<Campaign>,
    saved: Option<chrono::NaiveDate>,
    refused: Option<AppError>,
) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    let log = Log {
        household,
        label: StoredValue::new(label.clone()),
        day: RwSignal::new(today),
        ready: RwSignal::new(false),
        busy: RwSignal::new(false),
        visit_id: StoredValue::new(String::new()),
        rows: RwSignal::new(vec![0]),
        next_row: StoredValue::new(1),
        full: NodeRef::new(),
        details: NodeRef::new(),
    };
    let (earliest, latest) = visit_date_range(today);
    let has_campaigns = !campaigns.is_empty();
    // In the browser: a fresh id, the phone's day if the page was kept from an earlier one,
    // and a kept visit to correct when the page was opened for it (`?fix=`).
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use super::outbox::default_day;
            use super::outbox_browser::{new_id, phone_today};
            log.visit_id.set_value(new_id());
            log.day.set(default_day(today, phone_today()));
            log.ready.set(true);
            let fix = window()
                .location()
                .search()
                .ok()
                .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
                .and_then(|q| q.get("fix"));
            if let Some(fix) = fix {
                leptos::task::spawn_local(browser::correct(log, fix));
            }
        }
    });
    let on_fix = Callback::new(move |id: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(browser::correct(log, id));
        let _ = id;
    });
    let latest = move || log.day.get().max(latest).to_string();
    view! {
        <section id="visit" class="visit-log" aria-labelledby="visit-title">
            <h2 id="visit-title" class="visually-hidden">{t!(i18n, visits.form_title)}</h2>
            {saved.map(|d| view! {
                <p class="notice visit-notice--ok" role="status">
                    {t!(i18n, visits.saved, date = format::date(d))}" "
                    <a href="/my">{t!(i18n, visits.back_to_list)}</a>
                </p>
            })}
            {refused.map(|err| view! { <ErrorNotice err /> })}
            <NoticeRegion />
            <form method="post" action=LogVisit::url() class="visit-quick" on:submit=move |ev| submit(log, ev)>
                <input type="hidden" name="visit[client_id]" value=fresh_id() />
                <input type="hidden" name="visit[household]" value=household.to_string() />
                <input type="hidden" name="visit[visited_on]" value=move || log.day.get().to_string() />
                <input type="hidden" name="visit[kind]" value="home" />
                <button type="submit" class="button button--primary button--big button--wide" disabled=move || log.busy.get()>
                    {t!(i18n, visits.quick)}
                </button>
                <p class="visit-quick__hint">
                    {move || t_string!(i18n, visits.quick_hint, date = format::date(log.day.get())).to_string()}
                </p>
            </form>
            <details class="visit-full" node_ref=log.details>
                <summary class="button button--wide visit-full__summary">{t!(i18n, visits.full)}</summary>
                <form method="post" action=LogVisit::url() class="form visit-form" node_ref=log.full on:submit=move |ev| submit(log, ev)>
                    <input type="hidden" name="visit[client_id]" value=fresh_id() />
                    <input type="hidden" name="visit[household]" value=household.to_string() />
                    <label class="field">
                        <span class="field__label">{t!(i18n, visits.date)}</span>
                        <input
                            type="date"
                            name="visit[visited_on]"
                            value=move || log.day.get().to_string()
                            min=earliest.to_string()
                            max=latest
                            required
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
                        <div>
                            <For each=move || log.rows.get() key=|k| *k let:key>
                                <ConcernSlot log key />
                            </For>
                        </div>
                        <button
                            type="button"
                            class="button"
                            hidden=move || !log.ready.get() || (log.rows.with(Vec::len) >= MAX_CONCERNS)
                            on:click=move |_| log.add_row()
                        >
                            "+ "{t!(i18n, visits.add_concern)}
                        </button>
                    </fieldset>
                    <button type="submit" class="button button--primary button--big button--wide" disabled=move || log.busy.get()>
                        {t!(i18n, visits.save)}
                    </button>
                </form>
            </details>
            <OutboxList household=Some(household) on_fix />
        </section>
    }
}

/// One concern's fields in the visit form, numbered by its place among the rows.
#[component]
fn ConcernSlot(log: Log, key: u32) -> impl IntoView {
    let i18n = use_i18n();
    let index = move || {
        log.rows
            .with(|r| r.iter().position(|k| *k == key).unwrap_or(0))
    };
    let name = move |field: &'static str| move || super::outbox::concern_field(index(), field);
    view! {
        <fieldset class="concern-slot">
            <legend class="concern-slot__title">{move || t_string!(i18n, visits.concern_n, n = index() + 1).to_string()}</legend>
            <input type="hidden" name=name("client_id") value=fresh_id() />
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
            <button
                type="button"
                class="button button--quiet"
                hidden=move || !log.ready.get()
                on:click=move |_| log.rows.update(|r| r.retain(|k| *k != key))
            >
                {t!(i18n, visits.remove_concern)}
            </button>
        </fieldset>
    }
}

/// A visit form sent: without the browser's outbox the form posts as it is.
fn submit(log: Log, ev: leptos::ev::SubmitEvent) {
    #[cfg(feature = "hydrate")]
    browser::submit(log, ev);
    #[cfg(not(feature = "hydrate"))]
    let _ = (log, ev);
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::form::FromFormData;
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    use super::super::api::LogVisit;
    use super::super::outbox::{Entry, Failure, Outcome, TOPICS, form_fields, with_ids};
    use super::super::outbox_browser as outbox;
    use super::super::outbox_view::{Notice, notice};
    use super::Log;

    pub fn submit(log: Log, ev: leptos::ev::SubmitEvent) {
        ev.prevent_default();
        if log.busy.get_untracked() {
            return;
        }
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return;
        };
        let Ok(LogVisit { visit }) = LogVisit::from_event(&ev) else {
            let _ = form.submit();
            return;
        };
        let visit = with_ids(visit, &log.visit_id.get_value());
        let entry = Entry::new(
            outbox::user(),
            log.label.get_value(),
            visit,
            js_sys::Date::now(),
        );
        let day = entry.day();
        log.busy.set(true);
        notice().set(Some(Notice::Saving));
        leptos::task::spawn_local(async move {
            match outbox::keep_and_send(entry).await {
                // The phone cannot keep anything (a private window): posted as it is.
                Err(_) => {
                    let _ = form.submit();
                }
                // Shown with why, the form kept as typed, to be corrected and saved again
                // under the same id. The visit also stays in the outbox until then.
                Ok(Outcome::Refused(err)) => {
                    let failure = Failure::Refused { body: err };
                    notice().set(Some(Notice::Refused {
                        failure,
                        fix: false,
                    }));
                }
                Ok(Outcome::Sent) => {
                    notice().set(Some(Notice::Saved { day }));
                    log.reset();
                }
                Ok(Outcome::Later(_)) => {
                    notice().set(Some(Notice::Kept { day }));
                    log.reset();
                }
            }
            log.busy.set(false);
        });
    }

    /// Puts a kept visit back into the full form to be corrected, under its own id.
    pub async fn correct(log: Log, client_id: String) {
        let Ok(Some(entry)) = outbox::get(&client_id).await else {
            return;
        };
        if entry.household != log.household {
            return;
        }
        log.rows.set(Vec::new());
        for _ in 0..entry.visit.concerns.len().max(1) {
            log.add_row();
        }
        // The rows are drawn before their fields are filled.
        leptos::task::tick().await;
        let Some(form) = log.full.get_untracked() else {
            return;
        };
        form.reset();
        fill(&form, &form_fields(&entry.visit));
        log.visit_id.set_value(entry.client_id.clone());
        if let Some(d) = log.details.get_untracked() {
            d.set_open(true);
        }
        let failure = entry.error.clone().unwrap_or(Failure::Server);
        notice().set(Some(Notice::Refused { failure, fix: true }));
        if let Ok(Some(first)) = form.query_selector("[name]:not([type=hidden])")
            && let Ok(first) = first.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = first.focus();
        }
    }

    /// Sets each field of the form from the values given by name.
    fn fill(form: &web_sys::HtmlFormElement, fields: &[(String, String)]) {
        let value_of = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let Ok(list) = form.query_selector_all("[name]") else {
            return;
        };
        for i in 0..list.length() {
            let Some(node) = list.item(i) else { continue };
            if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
                let name = input.name();
                match input.type_().as_str() {
                    "hidden" => {}
                    "checkbox" | "radio" => {
                        let wanted = if name.starts_with(TOPICS) {
                            TOPICS
                        } else {
                            name.as_str()
                        };
                        let value = input.value();
                        input.set_checked(fields.iter().any(|(k, v)| k == wanted && *v == value));
                    }
                    _ => {
                        if let Some(v) = value_of(&name) {
                            input.set_value(v);
                        }
                    }
                }
            } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                area.set_value(value_of(&area.name()).unwrap_or_default());
            } else if let Some(select) = node.dyn_ref::<web_sys::HtmlSelectElement>()
                && let Some(v) = value_of(&select.name())
            {
                select.set_value(v);
            }
        }
    }
}
