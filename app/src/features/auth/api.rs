//! Signing in and out, and who is signed in.

use leptos::prelude::*;

use super::model::{PasswordChangeForm, SignInForm};
use crate::core::access::Me;
use crate::error::AppError;

/// Who is signed in, if anyone.
#[server(endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use crate::server::scope::{Caller, answer};
    answer(async { Ok(Caller::optional().await?.map(|c| c.me)) }).await
}

/// Signs in with a username and password. Works as a plain HTML form too: on success it
/// redirects to the person's landing page (or `next`), on failure back to the sign-in page.
#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(form: SignInForm) -> Result<Me, AppError> {
    use super::model::safe_next;
    use crate::error::Problem;
    use crate::server::{
        auth,
        scope::*,
        state::{clock, pool},
    };

    answer(async move {
        let username = form.username.trim().to_lowercase();
        if username.is_empty() {
            return fail_to_form(AppError::invalid("username", Problem::Required), &form.next);
        }
        if username.chars().count() > 64 {
            return fail_to_form(
                AppError::invalid("username", Problem::TooLong { max: 64 }),
                &form.next,
            );
        }
        if form.password.is_empty() {
            return fail_to_form(AppError::invalid("password", Problem::Required), &form.next);
        }
        if form.password.len() > 1024 {
            return fail_to_form(
                AppError::invalid("password", Problem::TooLong { max: 1024 }),
                &form.next,
            );
        }
        let pool = pool()?;
        let now = clock()?.now();
        let addr = remote_addr()?;
        // A turn to check a password first: a flood waits here, not in memory.
        let Some(_turn) = auth::verification_turn().await else {
            tracing::warn!(%username, %addr, "sign-in refused: every password check is busy");
            return fail_to_form(AppError::Busy { seconds: 2 }, &form.next);
        };
        let attempt = match auth::begin_attempt(&pool, &username, &addr, now).await? {
            auth::Attempt::Allowed(id) => id,
            auth::Attempt::Locked(lock) => {
                tracing::warn!(%username, %addr, "sign-in throttled");
                return fail_to_form(
                    AppError::TooManyAttempts {
                        minutes: lock.minutes,
                        until: lock.until_text(),
                    },
                    &form.next,
                );
            }
        };
        let mut session = auth_session().await?;
        let user = session
            .authenticate(auth::Credentials {
                username: username.clone(),
                password: form.password.clone(),
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "sign-in backend error");
                AppError::Internal
            })?;
        // Not the password: perhaps a one-time code, which signs in once.
        let user = match user {
            Some(user) => Some(user),
            None => match super::codes::redeem(&pool, &username, &form.password, now).await {
                Ok(Some(id)) => Some(auth::account(&session, id).await?),
                Ok(None) => None,
                Err(e) => return fail_to_form(e, &form.next),
            },
        };
        if user.is_some() {
            auth::attempt_succeeded(&pool, attempt).await?;
        }
        let Some(user) = user else {
            tracing::info!(%username, %addr, "sign-in refused");
            return fail_to_form(AppError::BadCredentials, &form.next);
        };
        auth::start_session(&mut session, &user, clock()?.now()).await?;
        tracing::info!(user.id = user.me.user_id, %username, "signed in");
        // After a one-time code, the screen that asks for a password comes first.
        let target = safe_next(&form.next)
            .filter(|_| !user.me.must_choose_password)
            .map(str::to_string)
            .unwrap_or_else(|| user.me.home_path());
        leptos_axum::redirect(&target);
        Ok(user.me)
    })
    .await
}

/// Ends the session and goes back to the sign-in page.
#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::scope::*;
    answer(async {
        let mut session = auth_session().await?;
        session.logout().await.map_err(|e| {
            tracing::error!(error = %e, "cannot end the session");
            AppError::Internal
        })?;
        leptos_axum::redirect("/login");
        Ok(())
    })
    .await
}

/// Changes the caller's own password: the current one first (throttled like a sign-in, so
/// a session left open does not let anyone guess it), then a new one that passes
/// [`check_new_password`](super::password::check_new_password). Every other session of
/// the person ends (each is tied to the password); this one stays signed in. A plain form
/// post comes back to the account page with what happened.
#[server(endpoint = "auth/change_password")]
pub async fn change_password(form: PasswordChangeForm) -> Result<(), AppError> {
    use crate::core::form_post::is_plain_form_post;
    use crate::server::scope::answer;
    let result = answer(change_password_checked(form)).await;
    if is_plain_form_post() {
        let to = match &result {
            Ok(()) => super::model::ACCOUNT_CHANGED.to_string(),
            Err(e) => format!("{}?error={}", super::model::ACCOUNT_PATH, e.to_query()),
        };
        leptos_axum::redirect(&to);
    }
    result
}

#[cfg(feature = "ssr")]
async fn change_password_checked(form: PasswordChangeForm) -> Result<(), AppError> {
    use super::model::MAX_PASSWORD_CHARS;
    use super::password::check_new_password;
    use crate::error::Problem;
    use crate::server::audit::{self, Entry};
    use crate::server::db::begin_write;
    use crate::server::{
        auth,
        scope::*,
        state::{clock, pool},
    };

    let caller = Caller::require().await?;
    if form.current.is_empty() {
        return Err(AppError::invalid("current_password", Problem::Required));
    }
    if form.current.len() > 1024 {
        return Err(AppError::invalid(
            "current_password",
            Problem::TooLong { max: 1024 },
        ));
    }
    if form.password.chars().count() as u32 > MAX_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "new_password",
            Problem::TooLong {
                max: MAX_PASSWORD_CHARS,
            },
        ));
    }
    if form.password != form.password_again {
        return Err(AppError::invalid("new_password", Problem::Mismatch));
    }
    let pool = pool()?;
    let now = clock()?.now();
    let username = caller.me.username.clone();
    let Some(_turn) = auth::verification_turn().await else {
        return Err(AppError::Busy { seconds: 2 });
    };
    let attempt = match auth::begin_attempt(&pool, &username, &remote_addr()?, now).await? {
        auth::Attempt::Allowed(id) => id,
        auth::Attempt::Locked(lock) => {
            tracing::warn!(%username, "password change throttled");
            return Err(AppError::TooManyAttempts {
                minutes: lock.minutes,
                until: lock.until_text(),
            });
        }
    };
    let stored: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND active = 1")
            .bind(caller.user_id())
            .fetch_optional(&pool)
            .await?;
    let stored = stored.ok_or(AppError::Unauthenticated)?;
    let right = auth::verify_password(form.current.clone(), stored.clone())
        .await
        .map_err(|_| AppError::Internal)?;
    if !right {
        tracing::info!(%username, "password change refused: wrong current password");
        return Err(AppError::invalid("current_password", Problem::Wrong));
    }
    auth::attempt_succeeded(&pool, attempt).await?;
    if form.password == form.current {
        return Err(AppError::invalid("new_password", Problem::Unchanged));
    }
    check_new_password(&form.password, &username, &[&caller.me.display_name]).map_err(
        |e| match e {
            AppError::Invalid { problem, .. } => AppError::invalid("new_password", problem),
            other => other,
        },
    )?;
    let hash = auth::hash_password(form.password.clone())
        .await
        .map_err(|_| AppError::Internal)?;
    let mut tx = begin_write(&pool).await?;
    // Only over the password just checked: a change made meanwhile elsewhere wins.
    let changed = sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3 AND active = 1",
    )
    .bind(&hash)
    .bind(caller.user_id())
    .bind(&stored)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Err(AppError::Conflict);
    }
    audit::write(
        &mut tx,
        Entry::<(), ()> {
            ward_id: None,
            user_id: Some(caller.user_id()),
            action: "user.password_changed",
            entity: "user",
            entity_id: Some(caller.user_id()),
            before: None,
            after: None,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    // This session follows the new password; the others no longer match it.
    auth::renew_session(&mut auth_session().await?, caller.user_id()).await?;
    tracing::info!(user.id = caller.user_id(), "password changed");
    Ok(())
}

/// For a plain HTML form post, sends the browser back to the sign-in page with the reason;
/// for a call from the app, just returns the error.
#[cfg(feature = "ssr")]
fn fail_to_form<T>(err: AppError, next: &str) -> Result<T, AppError> {
    use crate::error::Problem;
    use http::request::Parts;
    let is_form_post = use_context::<Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|s| s.contains("text/html"))
    });
    if is_form_post {
        let code = match &err {
            AppError::TooManyAttempts { minutes, until } => {
                format!("throttled-{minutes}-{}", until.replace(':', ""))
            }
            AppError::Busy { .. } => "busy".to_string(),
            AppError::Invalid {
                problem: Problem::Expired,
                ..
            } => "expired".to_string(),
            AppError::Invalid { field, .. } => format!("missing-{field}"),
            _ => "credentials".to_string(),
        };
        let mut url = format!("/login?error={code}");
        if let Some(next) = super::model::safe_next(next) {
            url.push_str("&next=");
            url.push_str(&leptos_router::location::Url::escape(next));
        }
        leptos_axum::redirect(&url);
    }
    Err(err)
}

/// The client's address, for throttling (behind a trusted proxy, the client it names);
/// empty when unknown.
#[cfg(feature = "ssr")]
fn remote_addr() -> Result<String, AppError> {
    use http::request::Parts;
    let state = crate::server::state::app_state()?;
    let Some(parts) = use_context::<Parts>() else {
        return Ok(String::new());
    };
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    Ok(state
        .trusted_proxies
        .client(peer, forwarded)
        .map(|ip| ip.to_string())
        .unwrap_or_default())
}

/// What the sign-in page needs to know before anyone signs in.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SignInPageInfo {
    /// This installation holds the demo ward: the page shows the demo accounts.
    pub demo: bool,
}

#[server(endpoint = "auth/sign_in_info")]
pub async fn sign_in_info() -> Result<SignInPageInfo, AppError> {
    use crate::server::{scope::answer, state::pool};
    answer(async {
        let demo: Option<String> =
            sqlx::query_scalar("SELECT value FROM app_settings WHERE key = 'demo'")
                .fetch_optional(&pool()?)
                .await?;
        Ok(SignInPageInfo {
            demo: demo.as_deref() == Some("1"),
        })
    })
    .await
}
