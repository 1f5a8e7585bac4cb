use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::db::Pool;
use crate::core::clock::Clock;
use crate::error::{AppError, AppResult};

/// Everything a request handler or server function needs, cloned cheaply per request.
#[derive(Clone, Debug)]
pub struct AppState {
    pub pool: Pool,
    pub leptos_options: LeptosOptions,
    pub live: super::live::LiveHub,
    /// The one clock: every "now" and "today" of a request comes from here.
    pub clock: Clock,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: super::client_addr::TrustedProxies,
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

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Self {
        state.clock
    }
}

fn state() -> AppResult<AppState> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The pool of the running app, from the server function's context.
pub fn pool() -> AppResult<Pool> {
    state().map(|s| s.pool)
}

/// The state of the running app, from the server function's context.
pub fn app_state() -> AppResult<AppState> {
    state()
}

/// The clock of the running app, from the server function's context.
pub fn clock() -> AppResult<Clock> {
    state().map(|s| s.clock)
}

/// Today's date in Vietnam, by the app's clock.
pub fn today() -> AppResult<chrono::NaiveDate> {
    clock().map(|c| c.today())
}
