//! An [`AppError`] in the reader's language.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::error::{AppError, Problem};
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// The translated name of a field named in an error.
pub fn field_label(i18n: I18nContext<Locale>, field: &str) -> String {
    let l = i18n.get_locale();
    match field {
        "username" => td_string!(l, fields.username).to_string(),
        "password" => td_string!(l, fields.password).to_string(),
        "current_password" => td_string!(l, fields.current_password).to_string(),
        "new_password" => td_string!(l, fields.new_password).to_string(),
        "code" => td_string!(l, fields.code).to_string(),
        "display_name" => td_string!(l, fields.display_name).to_string(),
        "token" => td_string!(l, fields.token).to_string(),
        "province_name" => td_string!(l, fields.province_name).to_string(),
        "province_code" => td_string!(l, fields.province_code).to_string(),
        "district_name" => td_string!(l, fields.district_name).to_string(),
        "district_code" => td_string!(l, fields.district_code).to_string(),
        "ward_kind" => td_string!(l, fields.ward_kind).to_string(),
        "ward_name" => td_string!(l, fields.ward_name).to_string(),
        "ward_code" => td_string!(l, fields.ward_code).to_string(),
        "query" => td_string!(l, fields.query).to_string(),
        "page" => td_string!(l, fields.page).to_string(),
        "request" => td_string!(l, fields.request).to_string(),
        "file" => td_string!(l, fields.file).to_string(),
        "sheet" => td_string!(l, fields.sheet).to_string(),
        "data_kind" => td_string!(l, fields.data_kind).to_string(),
        "encoding" => td_string!(l, fields.encoding).to_string(),
        "mapping" => td_string!(l, fields.mapping).to_string(),
        "cell" => td_string!(l, fields.cell).to_string(),
        "reason" => td_string!(l, fields.reason).to_string(),
        "member" => td_string!(l, fields.member).to_string(),
        "household" => td_string!(l, fields.household).to_string(),
        "date" => td_string!(l, fields.date).to_string(),
        "picks" => td_string!(l, fields.picks).to_string(),
        "client_id" => td_string!(l, fields.client_id).to_string(),
        "visited_on" => td_string!(l, fields.visited_on).to_string(),
        "kind" => td_string!(l, fields.kind).to_string(),
        "topics" => td_string!(l, fields.topics).to_string(),
        "note" => td_string!(l, fields.note).to_string(),
        "mediation" => td_string!(l, fields.mediation).to_string(),
        "hot_spot" => td_string!(l, fields.hot_spot).to_string(),
        "feedback" => td_string!(l, fields.feedback).to_string(),
        "feedback_rating" => td_string!(l, fields.feedback_rating).to_string(),
        "concerns" => td_string!(l, fields.concerns).to_string(),
        "concern_category" => td_string!(l, fields.concern_category).to_string(),
        "concern_body" => td_string!(l, fields.concern_body).to_string(),
        "concern_urgency" => td_string!(l, fields.concern_urgency).to_string(),
        "category" => td_string!(l, fields.category).to_string(),
        "urgency" => td_string!(l, fields.urgency).to_string(),
        "body" => td_string!(l, fields.body).to_string(),
        "step" => td_string!(l, fields.step).to_string(),
        "text" => td_string!(l, fields.text).to_string(),
        "target" => td_string!(l, fields.target).to_string(),
        "on_day" => td_string!(l, fields.on_day).to_string(),
        "concern" => td_string!(l, fields.concern).to_string(),
        "version" => td_string!(l, fields.version).to_string(),
        "unit_name" => td_string!(l, fields.unit_name).to_string(),
        "unit_code" => td_string!(l, fields.unit_code).to_string(),
        "party_group" => td_string!(l, fields.party_group).to_string(),
        "target_cell" => td_string!(l, fields.target_cell).to_string(),
        "account" => td_string!(l, fields.account).to_string(),
        "role" => td_string!(l, fields.role).to_string(),
        "unit" => td_string!(l, fields.unit).to_string(),
        "alley" => td_string!(l, fields.alley).to_string(),
        "age" => td_string!(l, fields.age).to_string(),
        "day_kind" => td_string!(l, fields.day_kind).to_string(),
        "held_on" => td_string!(l, fields.held_on).to_string(),
        "chair" => td_string!(l, fields.chair).to_string(),
        "recorder" => td_string!(l, fields.recorder).to_string(),
        "notes" => td_string!(l, fields.notes).to_string(),
        "decision" => td_string!(l, fields.decision).to_string(),
        "month" => td_string!(l, fields.month).to_string(),
        "year" => td_string!(l, fields.year).to_string(),
        "period" => td_string!(l, fields.period).to_string(),
        "half" => td_string!(l, fields.half).to_string(),
        "topic" => td_string!(l, fields.topic).to_string(),
        "contact" => td_string!(l, fields.contact).to_string(),
        "civic" => td_string!(l, fields.civic).to_string(),
        "comment" => td_string!(l, fields.comment).to_string(),
        "day" => td_string!(l, fields.day).to_string(),
        "name" => td_string!(l, fields.name).to_string(),
        "state" => td_string!(l, fields.state).to_string(),
        "raised" => td_string!(l, fields.raised).to_string(),
        "reported" => td_string!(l, fields.reported).to_string(),
        "referred_to_committee" => td_string!(l, fields.referred_to_committee).to_string(),
        "referred_outside" => td_string!(l, fields.referred_outside).to_string(),
        "answered_by_cell" => td_string!(l, fields.answered_by_cell).to_string(),
        "answered_in_writing" => td_string!(l, fields.answered_in_writing).to_string(),
        other => other.to_string(),
    }
}

/// The text of an error in the current language.
pub fn error_text(i18n: I18nContext<Locale>, err: &AppError) -> String {
    let l = i18n.get_locale();
    match err {
        AppError::Unauthenticated => td_string!(l, errors.unauthenticated).to_string(),
        AppError::Forbidden => td_string!(l, errors.forbidden).to_string(),
        AppError::NotFound => td_string!(l, errors.not_found).to_string(),
        AppError::BadCredentials => td_string!(l, errors.bad_credentials).to_string(),
        AppError::TooManyAttempts { minutes, until } => td_string!(
            l,
            errors.too_many_attempts,
            minutes = *minutes,
            until = until.clone()
        )
        .to_string(),
        AppError::Busy { seconds } => td_string!(l, errors.busy, seconds = *seconds).to_string(),
        AppError::Conflict => td_string!(l, errors.conflict).to_string(),
        AppError::Internal => td_string!(l, errors.internal).to_string(),
        AppError::Transport(_) => td_string!(l, errors.transport).to_string(),
        AppError::Invalid { field, problem } => {
            let field = field_label(i18n, field);
            match problem {
                Problem::Required => td_string!(l, errors.required, field).to_string(),
                Problem::TooLong { max } => {
                    let max = *max;
                    td_string!(l, errors.too_long, field, max).to_string()
                }
                Problem::TooLarge { max_kb } => {
                    let max = crate::ui::format::int(*max_kb as i64);
                    td_string!(l, errors.too_large, field, max).to_string()
                }
                Problem::OutOfRange { min, max } => {
                    let (min, max) = (*min, *max);
                    td_string!(l, errors.out_of_range, field, min, max).to_string()
                }
                Problem::BadFormat => td_string!(l, errors.bad_format, field).to_string(),
                Problem::UnknownChoice => td_string!(l, errors.unknown_choice, field).to_string(),
                Problem::Duplicate => td_string!(l, errors.duplicate, field).to_string(),
                Problem::TooShort { min } => {
                    td_string!(l, errors.too_short, field, min = *min).to_string()
                }
                Problem::TooEasy => td_string!(l, errors.too_easy, field).to_string(),
                Problem::Taken => td_string!(l, errors.taken, field).to_string(),
                Problem::Mismatch => td_string!(l, errors.mismatch, field).to_string(),
                Problem::Wrong => td_string!(l, errors.wrong, field).to_string(),
                Problem::Unchanged => td_string!(l, errors.unchanged, field).to_string(),
                Problem::Expired => td_string!(l, errors.expired, field).to_string(),
                Problem::Transferred => td_string!(l, errors.transferred, field).to_string(),
                Problem::Deactivated => td_string!(l, errors.deactivated, field).to_string(),
                Problem::HoldsMembers { count } => {
                    td_string!(l, errors.holds_members, field, count = *count).to_string()
                }
                Problem::HoldsHouseholds { count } => {
                    td_string!(l, errors.holds_households, field, count = *count).to_string()
                }
                Problem::StillLooksAfter { count } => {
                    td_string!(l, errors.still_looks_after, field, count = *count).to_string()
                }
                Problem::LastCommittee => td_string!(l, errors.last_committee, field).to_string(),
                Problem::RoleNeedsMember => {
                    td_string!(l, errors.role_needs_member, field).to_string()
                }
                Problem::File(p) => crate::features::transfer::texts::file_problem(l, p),
                Problem::DateOutOfRange { earliest, latest } => td_string!(
                    l,
                    errors.date_out_of_range,
                    field,
                    earliest = crate::ui::format::date(*earliest),
                    latest = crate::ui::format::date(*latest)
                )
                .to_string(),
            }
        }
    }
}

/// The refusal a plain form post came back with, as the JSON of an [`AppError`] in the
/// page's query (`?error=…`): only what a form is refused with, each field one the app
/// knows and each text one the app would write, so a link cannot make a page say
/// anything else.
pub fn refusal_from_query(json: &str) -> Option<AppError> {
    let err = serde_json::from_str::<AppError>(json).ok()?;
    let fits = match &err {
        AppError::Invalid { field, .. } => crate::error::field_name_vi(field) != field.as_str(),
        AppError::Forbidden
        | AppError::Conflict
        | AppError::Internal
        | AppError::Unauthenticated => true,
        AppError::Busy { seconds } => *seconds <= 60,
        AppError::TooManyAttempts { minutes, until } => {
            let b = until.as_bytes();
            *minutes <= 60
                && b.len() == 5
                && b[2] == b':'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 2 || c.is_ascii_digit())
        }
        _ => false,
    };
    fits.then_some(err)
}

/// The error a plain form post came back with (`?__err=…`), if any.
#[component]
pub fn FormError() -> impl IntoView {
    let query = use_query_map();
    let err = query
        .with_untracked(|q| q.get("__err"))
        .map(|e| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(&e));
    err.map(|err| view! { <ErrorNotice err /> })
}

/// An error shown in a page, announced to screen readers.
#[component]
pub fn ErrorNotice(err: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice notice--error" role="alert">
            {move || error_text(i18n, &err)}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(err: &AppError) -> Option<AppError> {
        refusal_from_query(&serde_json::to_string(err).unwrap())
    }

    #[test]
    fn only_a_forms_own_refusals_come_back_from_the_query() {
        let taken = AppError::invalid("ward_code", Problem::Taken);
        assert_eq!(round_trip(&taken), Some(taken));
        let wrong = AppError::invalid("current_password", Problem::Wrong);
        assert_eq!(round_trip(&wrong), Some(wrong));
        assert_eq!(
            round_trip(&AppError::invalid("<b>", Problem::Required)),
            None
        );
        assert_eq!(round_trip(&AppError::Forbidden), Some(AppError::Forbidden));
        let throttled = AppError::TooManyAttempts {
            minutes: 12,
            until: "14:35".into(),
        };
        assert_eq!(round_trip(&throttled), Some(throttled));
        for until in ["<script>", "14:3x", "1435", "14:355"] {
            let forged = AppError::TooManyAttempts {
                minutes: 1,
                until: until.into(),
            };
            assert_eq!(round_trip(&forged), None, "{until}");
        }
        assert_eq!(round_trip(&AppError::Busy { seconds: 86_400 }), None);
        assert_eq!(refusal_from_query("not json"), None);
        assert_eq!(refusal_from_query(""), None);
    }
}
