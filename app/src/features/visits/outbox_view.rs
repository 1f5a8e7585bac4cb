//! What the outbox shows: the "offline" banner, the visits not sent yet (all of them on the
//! start page, one household's on its page), the "waiting to send" badge of a household's
//! card, and what happened to the last visit saved. Server-rendered empty and hidden; the
//! browser fills them from the phone's outbox (`outbox_browser`).

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::outbox::{Entry, EntryState, Failure};
use super::widgets::kind_label;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text::error_text;

/// What the outbox has to say about the last visit saved or sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    Saving,
    /// Stored by the server.
    Saved {
        day: String,
    },
    /// Kept on the phone: there is no network.
    Kept {
        day: String,
    },
    /// A visit kept earlier has now been stored.
    SentLater {
        day: String,
        household: String,
    },
    /// The server would not take it; `fix`: it is back in the form to be corrected.
    Refused {
        failure: Failure,
        fix: bool,
    },
}

#[cfg(feature = "hydrate")]
use super::outbox_browser as browser;

fn entries() -> RwSignal<Vec<Entry>> {
    #[cfg(feature = "hydrate")]
    let arc = browser::entries();
    #[cfg(not(feature = "hydrate"))]
    let arc = ArcRwSignal::new(Vec::new());
    arc.into()
}

pub(super) fn notice() -> RwSignal<Option<Notice>> {
    #[cfg(feature = "hydrate")]
    let arc = browser::notice();
    #[cfg(not(feature = "hydrate"))]
    let arc = ArcRwSignal::new(None);
    arc.into()
}

/// Why a kept visit was not stored, in the page's language.
pub fn reason(i18n: I18nContext<Locale>, failure: &Failure) -> String {
    let l = i18n.get_locale();
    match failure {
        Failure::Signin
        | Failure::Refused {
            body: AppError::Unauthenticated,
        } => td_string!(l, visits.outbox_signin).to_string(),
        Failure::Server => td_string!(l, visits.outbox_server).to_string(),
        Failure::Refused {
            body: AppError::Forbidden | AppError::NotFound,
        } => td_string!(l, visits.outbox_forbidden).to_string(),
        Failure::Refused { body } => error_text(i18n, body),
    }
}

/// The banner shown while the phone has no network, and the outbox started for the member
/// on every page they open.
#[island]
pub fn OfflineKeeper(user: i64) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    #[cfg(feature = "hydrate")]
    let online: RwSignal<bool> = browser::online().into();
    #[cfg(not(feature = "hydrate"))]
    let online = RwSignal::new(true);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            browser::set_sign_out_question(move |count| {
                t_string!(i18n, visits.confirm_sign_out, count).to_string()
            });
            browser::start(user);
        }
        let _ = user;
    });
    view! {
        <p class="offline-banner" data-offline-banner role="status" hidden=move || online.get()>
            {t!(i18n, visits.offline)}
        </p>
    }
}

/// The start page's outbox: every visit not sent yet, and what happened to the last one.
#[island]
pub fn MyOutbox() -> impl IntoView {
    let _ = crate::ui::i18n::provide_i18n();
    view! {
        <NoticeRegion />
        <OutboxList household=None />
    }
}

/// "2 visits waiting to send" on a household's card on the start page.
#[island]
pub fn PendingBadge(household: i64) -> impl IntoView {
    let i18n = crate::ui::i18n::provide_i18n();
    let entries = entries();
    let count = move || entries.with(|l| l.iter().filter(|e| e.household == household).count());
    view! {
        <p class="visit-card__pending" hidden=move || count() == 0>
            {move || {
                let count = count();
                (count > 0).then(|| t_string!(i18n, visits.outbox_pending_here, count).to_string())
            }}
        </p>
    }
}

/// Where what happened to the last visit is said (a live region).
#[component]
pub fn NoticeRegion() -> impl IntoView {
    let i18n = use_i18n();
    let notice = notice();
    view! {
        <div class="visit-log__status" role="status" aria-live="polite">
            {move || notice.get().map(|n| notice_view(i18n, n))}
        </div>
    }
}

fn notice_view(i18n: I18nContext<Locale>, notice: Notice) -> impl IntoView {
    let l = i18n.get_locale_untracked();
    let (tone, text, back) = match notice {
        Notice::Saving => ("info", td_string!(l, visits.saving).to_string(), false),
        Notice::Saved { day } => (
            "ok",
            td_string!(l, visits.saved, date = day).to_string(),
            true,
        ),
        Notice::Kept { day } => (
            "info",
            td_string!(l, visits.saved_offline, date = day).to_string(),
            true,
        ),
        Notice::SentLater { day, household } => (
            "ok",
            td_string!(l, visits.sent_later, date = day, household).to_string(),
            false,
        ),
        Notice::Refused { failure, fix } => {
            let mut text = reason(i18n, &failure);
            if fix {
                text = format!("{text} {}", td_string!(l, visits.outbox_fix_hint));
            }
            ("error", text, false)
        }
    };
    view! {
        <p class=format!("notice visit-notice--{tone}")>
            {text}
            {back.then(|| view! { " "<a href="/my">{td_string!(l, visits.back_to_list)}</a> })}
        </p>
    }
}

/// The visits not sent yet: all of the member's (`household: None`) or one household's.
/// Hidden while there are none. `on_fix` puts a refused visit back into the page's form;
/// without it, "correct" opens the household's page.
#[component]
pub fn OutboxList(
    household: Option<i64>,
    #[prop(optional)] on_fix: Option<Callback<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let entries = entries();
    let mine = Memo::new(move |_| {
        entries.with(|l| {
            l.iter()
                .filter(|e| household.is_none_or(|h| e.household == h))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let count = move || mine.with(Vec::len);
    let waiting = move || mine.with(|m| m.iter().any(|e| e.state == EntryState::Waiting));
    view! {
        <section
            class="outbox"
            data-outbox=household.map_or("all".to_string(), |h| h.to_string())
            aria-labelledby="outbox-title"
            hidden=move || count() == 0
        >
            <div class="outbox__head">
                <h2 id="outbox-title" class="outbox__title">
                    {move || match count() {
                        0 => t_string!(i18n, visits.outbox_title).to_string(),
                        count => t_string!(i18n, visits.outbox_count, count).to_string(),
                    }}
                </h2>
                <button type="button" class="button" hidden=move || !waiting() on:click=move |_| send_now()>
                    {t!(i18n, visits.outbox_send_now)}
                </button>
            </div>
            <ul class="outbox__list">
                {move || mine.get().into_iter().map(|e| outbox_item(i18n, e, household.is_none(), on_fix)).collect_view()}
            </ul>
        </section>
    }
}

fn send_now() {
    #[cfg(feature = "hydrate")]
    browser::flush();
}

fn outbox_item(
    i18n: I18nContext<Locale>,
    e: Entry,
    all: bool,
    on_fix: Option<Callback<String>>,
) -> impl IntoView {
    let l = i18n.get_locale_untracked();
    let refused = e.state == EntryState::Refused;
    let mut parts = vec![e.day()];
    if let Some(kind) = super::model::VisitKind::parse(&e.kind) {
        parts.push(kind_label(i18n, kind).to_string());
    }
    if e.concerns > 0 {
        parts.push(td_string!(l, visits.outbox_concerns, count = e.concerns).to_string());
    }
    #[cfg(feature = "hydrate")]
    let sending = {
        let (flight, id) = (RwSignal::from(browser::in_flight()), e.client_id.clone());
        move || flight.with(|f| f.contains(&id))
    };
    #[cfg(not(feature = "hydrate"))]
    let sending = || false;
    let status = move || match (refused, sending()) {
        (true, _) => td_string!(l, visits.outbox_refused),
        (false, true) => td_string!(l, visits.outbox_sending),
        (false, false) => td_string!(l, visits.outbox_waiting),
    };
    let why = e.error.as_ref().map(|f| format!(" – {}", reason(i18n, f)));
    let id = e.client_id.clone();
    let li_id = id.clone();
    let fix = match on_fix {
        Some(on_fix) if !all => {
            let id = id.clone();
            view! {
                <button type="button" class="button" on:click=move |_| on_fix.run(id.clone())>
                    {td_string!(l, visits.outbox_edit)}
                </button>
            }
            .into_any()
        }
        _ => view! {
            <a class="button" href=format!("/households/{}?fix={}#visit", e.household, id)>
                {td_string!(l, visits.outbox_edit)}
            </a>
        }
        .into_any(),
    };
    view! {
        <li class=format!("outbox__item outbox__item--{}", if refused { "refused" } else { "waiting" }) data-client-id=li_id>
            <p class="outbox__what">
                {all.then(|| view! { <a href=format!("/households/{}", e.household)>{e.label.clone()}</a>" · " })}
                {parts.join(" · ")}
            </p>
            {(!e.note.is_empty()).then(|| view! { <p class="outbox__note">{e.note.clone()}</p> })}
            <p class=format!("outbox__status outbox__status--{}", if refused { "refused" } else { "waiting" })>
                <strong>{status}</strong>
                {why}
            </p>
            {refused.then(|| view! {
                <div class="outbox__actions">
                    {fix}
                    <button type="button" class="button button--quiet" on:click=move |_| delete(l, id.clone())>
                        {td_string!(l, visits.outbox_delete)}
                    </button>
                </div>
            })}
        </li>
    }
}

/// Deletes a kept visit for good, once the member confirms it.
fn delete(l: Locale, client_id: String) {
    #[cfg(feature = "hydrate")]
    {
        if window()
            .confirm_with_message(td_string!(l, visits.outbox_confirm_delete))
            .unwrap_or(false)
        {
            leptos::task::spawn_local(browser::forget(client_id));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (l, client_id);
}
