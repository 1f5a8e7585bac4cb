use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::db::Pool;

/// Everything a request handler or server function needs, cloned cheaply per request.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    pub leptos_options: LeptosOptions,
    pub live: super::live::LiveHub,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Pool {
    fn from_ref(state: &AppState) -> Self {
        state.pool.clone()
    }
}

/// The pool of the running app, from the server function's context.
pub fn pool() -> Result<Pool, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .map(|s| s.pool)
        .ok_or_else(|| {
            tracing::error!("AppState missing from context");
            crate::error::AppError::Internal
        })
}
