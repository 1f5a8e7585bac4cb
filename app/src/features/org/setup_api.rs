//! The set-up page's server functions: anyone may call them, and they do nothing unless the
//! database waits for its first set-up and the caller holds the one-time token.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What the set-up page may show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupStage {
    /// A ward is set up: the page sends people to sign in.
    Done,
    /// Set-up is pending, but this token does not open it.
    NeedsToken,
    /// The token opens the form.
    Open,
}

/// The set-up form as posted; the non-secret values go back to the page with a refusal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupForm {
    pub token: String,
    pub province: String,
    pub province_code: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub district_code: String,
    pub kind: String,
    pub ward: String,
    pub ward_code: String,
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    pub password_again: String,
}

impl SetupForm {
    /// The values typed in, without the token and the passwords, as `(name, value)` for
    /// the page's query.
    pub fn typed(&self) -> [(&'static str, &str); 9] {
        [
            ("province", &self.province),
            ("province_code", &self.province_code),
            ("district", &self.district),
            ("district_code", &self.district_code),
            ("kind", &self.kind),
            ("ward", &self.ward),
            ("ward_code", &self.ward_code),
            ("username", &self.username),
            ("display_name", &self.display_name),
        ]
    }
}

/// Where set-up stands for this token.
#[server(endpoint = "setup/state")]
pub async fn setup_state(token: String) -> Result<SetupStage, AppError> {
    use super::setup;
    use crate::server::{scope::answer, state::pool};
    answer(async move {
        let pool = pool()?;
        if !setup::needs_setup(&pool).await? {
            return Ok(SetupStage::Done);
        }
        Ok(if setup::token_opens_setup(&pool, &token).await? {
            SetupStage::Open
        } else {
            SetupStage::NeedsToken
        })
    })
    .await
}

/// Sets the ward up and signs its first committee account in. A plain form post lands on
/// the committee's start page, or back on the set-up page with the reason and what was
/// typed (never the passwords).
#[server(endpoint = "setup/set_up")]
pub async fn set_up_ward(form: SetupForm) -> Result<(), AppError> {
    use super::model::WardKind;
    use super::setup::{self, SetupError, SetupInput, UnitInput};
    use crate::error::Problem;
    use crate::server::{auth, scope::*, state::clock, state::pool};

    let result = answer(async {
        let pool = pool()?;
        if !setup::needs_setup(&pool).await? {
            return Err(AppError::Conflict);
        }
        if !setup::token_opens_setup(&pool, &form.token).await? {
            return Err(AppError::Forbidden);
        }
        let kind = WardKind::from_typed(&form.kind)
            .ok_or_else(|| AppError::invalid("ward_kind", Problem::UnknownChoice))?;
        if form.password != form.password_again {
            return Err(AppError::invalid("password", Problem::Mismatch));
        }
        let district = (!form.district.trim().is_empty() || !form.district_code.trim().is_empty())
            .then(|| UnitInput {
                name: form.district.clone(),
                code: form.district_code.clone(),
            });
        let input = SetupInput {
            province: UnitInput {
                name: form.province.clone(),
                code: form.province_code.clone(),
            },
            district,
            kind,
            ward: UnitInput {
                name: form.ward.clone(),
                code: form.ward_code.clone(),
            },
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            password: form.password.clone(),
        };
        let now = clock()?.now();
        let done = match setup::set_up(&pool, now, &input).await {
            Ok(done) => done,
            Err(SetupError::AlreadySetUp) => return Err(AppError::Conflict),
            Err(SetupError::Refused(e)) => return Err(e),
        };
        tracing::info!(ward = done.ward_id, username = %done.username, "ward set up from the set-up page");
        let mut session = auth_session().await?;
        let user = session
            .authenticate(auth::Credentials {
                username: done.username.clone(),
                password: form.password.clone(),
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "sign-in backend error");
                AppError::Internal
            })?
            .ok_or(AppError::Internal)?;
        auth::start_session(&mut session, &user, now).await?;
        Ok(user.me.home_path())
    })
    .await;
    let plain = crate::core::form_post::is_plain_form_post();
    match result {
        Ok(home) => {
            if plain {
                leptos_axum::redirect(&home);
            }
            Ok(())
        }
        Err(e) => {
            if plain {
                leptos_axum::redirect(&back_to_form(&form, &e));
            }
            Err(e)
        }
    }
}

/// The set-up page again, with the refusal and the values typed (not the passwords).
#[cfg(feature = "ssr")]
fn back_to_form(form: &SetupForm, err: &AppError) -> String {
    use leptos_router::location::Url;
    let mut url = format!("/setup?token={}", Url::escape(&form.token));
    url.push_str("&error=");
    url.push_str(&err.to_query());
    for (name, value) in form.typed() {
        if !value.is_empty() {
            url.push_str(&format!("&{name}={}", Url::escape(value)));
        }
    }
    url
}
