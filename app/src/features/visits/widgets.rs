//! Small pieces of the visit pages: labels and the need badge.

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
