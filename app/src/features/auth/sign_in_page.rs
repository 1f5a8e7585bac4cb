//! The sign-in page: a plain form that works before (and without) the app's script.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::api::{SignIn, current_user, sign_in_info};
use crate::error::{AppError, Problem};
use crate::i18n::*;
use crate::ui::error_text::ErrorNotice;
use crate::ui::public_panel::PublicPanel;
use leptos::server_fn::ServerFn as _;

/// The error a plain form post was sent back with (`?error=…`).
fn error_from_query(code: &str) -> Option<AppError> {
    match code {
        "" => None,
        "credentials" => Some(AppError::BadCredentials),
        "missing-username" => Some(AppError::invalid("username", Problem::Required)),
        "missing-password" => Some(AppError::invalid("password", Problem::Required)),
        "busy" => Some(AppError::Busy { seconds: 2 }),
        "expired" => Some(AppError::invalid("code", Problem::Expired)),
        other => other
            .strip_prefix("throttled-")
            .and_then(|rest| {
                let (minutes, hhmm) = rest.split_once('-')?;
                let valid = hhmm.len() == 4 && hhmm.bytes().all(|b| b.is_ascii_digit());
                Some(AppError::TooManyAttempts {
                    minutes: minutes.parse().ok()?,
                    until: valid.then(|| format!("{}:{}", &hhmm[..2], &hhmm[2..]))?,
                })
            })
            .or(Some(AppError::BadCredentials)),
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    // A sign-in card's QR code opens this page with the username filled in.
    let username = query.with_untracked(|q| q.get("u").unwrap_or_default());
    let url_error = query.with_untracked(|q| error_from_query(&q.get("error").unwrap_or_default()));
    let me = Resource::new(|| (), |_| current_user());
    let info = Resource::new(|| (), |_| sign_in_info());

    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), sign_in.title).to_string() />
        <Suspense>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <Redirect path=me.home_path() /> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Suspense>
        <PublicPanel>
            <h1>{t!(i18n, sign_in.title)}</h1>
            <p class="sign-in__intro">{t!(i18n, sign_in.intro)}</p>
            <form method="post" action=SignIn::url() class="form sign-in__form">
                <input type="hidden" name="form[next]" value=next.clone() />
                <label class="field">
                    <span class="field__label">{t!(i18n, sign_in.username)}</span>
                    <input
                        name="form[username]"
                        value=username
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        maxlength="64"
                    />
                </label>
                <label class="field">
                    <span class="field__label">{t!(i18n, sign_in.password)}</span>
                    <input
                        type="password"
                        name="form[password]"
                        autocomplete="current-password"
                        required
                        aria-describedby="sign-in-code-hint"
                    />
                </label>
                <p class="field__hint sign-in__code-hint" id="sign-in-code-hint">{t!(i18n, sign_in.code_hint)}</p>
                {url_error.map(|err| view! { <ErrorNotice err /> })}
                <button type="submit" class="button button--primary button--wide">
                    {t!(i18n, sign_in.submit)}
                </button>
            </form>
            <Suspense>
                {move || Suspend::new(async move {
                    info.await
                        .ok()
                        .filter(|i| i.demo)
                        .map(|_| view! { <p class="sign-in__hint">{t!(i18n, sign_in.demo_hint)}</p> })
                })}
            </Suspense>
        </PublicPanel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_come_back_from_the_query() {
        assert_eq!(error_from_query(""), None);
        assert_eq!(
            error_from_query("credentials"),
            Some(AppError::BadCredentials)
        );
        assert_eq!(
            error_from_query("throttled-12-1435"),
            Some(AppError::TooManyAttempts {
                minutes: 12,
                until: "14:35".into()
            })
        );
        assert_eq!(
            error_from_query("throttled-12-<b>"),
            Some(AppError::BadCredentials)
        );
        assert_eq!(
            error_from_query("expired"),
            Some(AppError::invalid("code", Problem::Expired))
        );
        assert_eq!(
            error_from_query("busy"),
            Some(AppError::Busy { seconds: 2 })
        );
        assert_eq!(
            error_from_query("missing-username"),
            Some(AppError::invalid("username", Problem::Required))
        );
    }
}
