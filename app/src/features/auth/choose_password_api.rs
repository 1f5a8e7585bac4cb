//! Choosing one's own password after signing in with a one-time code.

use leptos::prelude::*;

use super::model::ChoosePasswordForm;
use crate::error::AppError;

/// Chooses one's own password after signing in with a one-time code: the same rules as
/// any new password. Then every page opens; this session goes on. A plain form post goes
/// on to the person's start page, or back to the screen with the reason.
#[server(endpoint = "auth/choose_password")]
pub async fn choose_password(form: ChoosePasswordForm) -> Result<String, AppError> {
    use crate::core::form_post::is_plain_form_post;
    use crate::server::scope::answer;
    let result = answer(choose_checked(form)).await;
    if is_plain_form_post() {
        leptos_axum::redirect(&match &result {
            Ok(home) => home.clone(),
            Err(e) => format!(
                "{}?error={}",
                super::model::CHOOSE_PASSWORD_PATH,
                e.to_query()
            ),
        });
    }
    result
}

#[cfg(feature = "ssr")]
async fn choose_checked(form: ChoosePasswordForm) -> Result<String, AppError> {
    use super::password::check_new_password;
    use crate::error::Problem;
    use crate::server::audit::{self, Entry};
    use crate::server::db::begin_write;
    use crate::server::{
        auth,
        scope::*,
        state::{clock, pool},
    };

    let caller = Caller::require_even_without_password().await?;
    if !caller.me.must_choose_password {
        return Err(AppError::Forbidden);
    }
    check_new_password(
        &form.password,
        &caller.me.username,
        &[&caller.me.display_name],
    )?;
    if form.password != form.password_again {
        return Err(AppError::invalid("password", Problem::Mismatch));
    }
    let pool = pool()?;
    let now = clock()?.now();
    let hash = auth::hash_password(form.password)
        .await
        .map_err(|_| AppError::Internal)?;
    let mut tx = begin_write(&pool).await?;
    // Only while the account still waits for it: a reset meanwhile wins.
    let chosen = sqlx::query(
        "UPDATE users SET password_hash = $1, must_choose_password = 0 \
         WHERE id = $2 AND must_choose_password = 1 AND active = 1 \
         AND NOT EXISTS (SELECT 1 FROM sign_in_codes WHERE user_id = $2)",
    )
    .bind(&hash)
    .bind(caller.user_id())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if chosen != 1 {
        return Err(AppError::Conflict);
    }
    audit::write(
        &mut tx,
        Entry::<(), ()> {
            ward_id: None,
            user_id: Some(caller.user_id()),
            action: "user.password_chosen",
            entity: "user",
            entity_id: Some(caller.user_id()),
            before: None,
            after: None,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    let user = auth::renew_session(&mut auth_session().await?, caller.user_id()).await?;
    tracing::info!(user.id = caller.user_id(), "first password chosen");
    Ok(user.me.home_path())
}
