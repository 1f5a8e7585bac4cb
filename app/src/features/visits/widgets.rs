//! Small pieces of the visit pages: labels, the need badge, and what the offline script
//! needs from the page.

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::model::*;
use crate::i18n::*;

pub fn kind_label(i18n: I18nContext<Locale>, k: VisitKind) -> &'static str {
    let l = i18n.get_locale();
    match k {
        VisitKind::Home => td_string!(l, visits.kind_home),
        VisitKind::Phone => td_string!(l, visits.kind_phone),
        VisitKind::Elsewhere => td_string!(l, visits.kind_elsewhere),
    }
}

pub fn rating_label(i18n: I18nContext<Locale>, rating: i64) -> &'static str {
    let l = i18n.get_locale();
    match rating {
        5 => td_string!(l, visits.rating_5),
        4 => td_string!(l, visits.rating_4),
        3 => td_string!(l, visits.rating_3),
        2 => td_string!(l, visits.rating_2),
        _ => td_string!(l, visits.rating_1),
    }
}

pub fn hot_spot_label(i18n: I18nContext<Locale>, level: i64) -> &'static str {
    let l = i18n.get_locale();
    match level {
        0 => td_string!(l, visits.hot_spot_0),
        1 => td_string!(l, visits.hot_spot_1),
        2 => td_string!(l, visits.hot_spot_2),
        _ => td_string!(l, visits.hot_spot_3),
    }
}

/// The tone of a need: alert, warn or ok.
pub fn need_tone(n: Need) -> &'static str {
    match n {
        Need::NeverVisited | Need::Overdue { .. } => "alert",
        Need::DueSoon { .. } => "warn",
        Need::Recent { .. } => "ok",
    }
}

pub fn need_text(i18n: I18nContext<Locale>, n: Need) -> String {
    let l = i18n.get_locale();
    match n {
        Need::NeverVisited => td_string!(l, visits.need_never).to_string(),
        Need::Overdue { days_since } => {
            td_string!(l, visits.need_overdue, days = days_since).to_string()
        }
        Need::DueSoon { days_left: 0 } => td_string!(l, visits.need_due_today).to_string(),
        Need::DueSoon { days_left } => {
            td_string!(l, visits.need_due_in, days = days_left).to_string()
        }
        Need::Recent { days_since: 0, .. } => td_string!(l, visits.need_visited_today).to_string(),
        Need::Recent { days_since, .. } => {
            td_string!(l, visits.need_recent, days = days_since).to_string()
        }
    }
}

/// A household's need as a badge: "45 ngày chưa thăm".
#[component]
pub fn NeedBadge(need: Need) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge--{} visit-need", need_tone(need)) data-need=need.code()>
            {move || need_text(i18n, need)}
        </span>
    }
}

/// "11/2026"
pub fn month_label(year: i32, month: u32) -> String {
    format!("{month:02}/{year}")
}

/// What the offline script (`/visits.js`) needs: whose visits it keeps and the texts it
/// shows, in the page's language. Rendered once per page, for members.
#[component]
pub fn OfflineScript(user_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let texts = script_texts(i18n);
    view! {
        <p class="offline-banner" data-offline-banner role="status" hidden>{t!(i18n, visits.offline)}</p>
        <div id="visits-offline" hidden data-user=user_id.to_string() data-text=texts></div>
        <script type="module" src="/visits.js"></script>
    }
}

/// The texts of the offline script as JSON, with `{name}` placeholders.
fn script_texts(i18n: I18nContext<Locale>) -> String {
    use crate::error::{AppError, Problem};
    use crate::ui::error_text::{error_text, field_label};
    let l = i18n.get_locale();
    let fields: serde_json::Map<String, serde_json::Value> = [
        "client_id",
        "household",
        "visited_on",
        "kind",
        "topics",
        "note",
        "mediation",
        "hot_spot",
        "feedback",
        "feedback_rating",
        "concerns",
        "concern_category",
        "concern_body",
        "concern_urgency",
        "request",
    ]
    .iter()
    .map(|f| (f.to_string(), field_label(i18n, f).into()))
    .collect();
    let problem = |p: Problem| {
        // The field's name is put in by the script.
        error_text(i18n, &AppError::invalid("{field}", p))
    };
    let (earliest, latest) = (
        chrono::NaiveDate::from_ymd_opt(1111, 11, 11).unwrap_or_default(),
        chrono::NaiveDate::from_ymd_opt(2222, 12, 22).unwrap_or_default(),
    );
    let date_range = error_text(
        i18n,
        &AppError::invalid("{field}", Problem::DateOutOfRange { earliest, latest }),
    )
    .replace(&crate::ui::format::date(earliest), "{earliest}")
    .replace(&crate::ui::format::date(latest), "{latest}");
    let json = serde_json::json!({
        "fields": fields,
        "required": problem(Problem::Required),
        "too_long": problem(Problem::TooLong { max: 999_999 }).replace("999999", "{max}"),
        "out_of_range": problem(Problem::OutOfRange { min: -999_998, max: 999_999 })
            .replace("-999998", "{min}")
            .replace("999999", "{max}"),
        "bad_format": problem(Problem::BadFormat),
        "unknown_choice": problem(Problem::UnknownChoice),
        "date_out_of_range": date_range,
        "forbidden": td_string!(l, visits.outbox_forbidden),
        "signin": td_string!(l, visits.outbox_signin),
        "server": td_string!(l, visits.outbox_server),
        "internal": error_text(i18n, &AppError::Internal),
        "saved": td_string!(l, visits.saved, date = "{date}").to_string(),
        "saved_offline": td_string!(l, visits.saved_offline, date = "{date}").to_string(),
        "sent_later": td_string!(l, visits.sent_later, date = "{date}", household = "{household}").to_string(),
        "saving": td_string!(l, visits.saving),
        "offline": td_string!(l, visits.offline),
        "back_to_list": td_string!(l, visits.back_to_list),
        "count": td_string!(l, visits.outbox_count, count = "{count}").to_string(),
        "pending_here": td_string!(l, visits.outbox_pending_here, count = "{count}").to_string(),
        "waiting": td_string!(l, visits.outbox_waiting),
        "sending": td_string!(l, visits.outbox_sending),
        "refused": td_string!(l, visits.outbox_refused),
        "send_now": td_string!(l, visits.outbox_send_now),
        "edit": td_string!(l, visits.outbox_edit),
        "delete": td_string!(l, visits.outbox_delete),
        "confirm_delete": td_string!(l, visits.outbox_confirm_delete),
        "fix_hint": td_string!(l, visits.outbox_fix_hint),
        "concerns": td_string!(l, visits.outbox_concerns, count = "{count}").to_string(),
        "confirm_sign_out": td_string!(l, visits.confirm_sign_out, count = "{count}").to_string(),
        "kind": {
            "home": td_string!(l, visits.kind_home),
            "phone": td_string!(l, visits.kind_phone),
            "elsewhere": td_string!(l, visits.kind_elsewhere),
        },
    });
    json.to_string()
}
