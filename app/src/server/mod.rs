//! Server-only plumbing: state, database, sign-in, scope, audit and demo data.
//! Compiled only with the `ssr` feature.

pub mod audit;
pub mod auth;
pub mod client_addr;
pub mod csp;
pub mod db;
pub mod live;
pub mod scope;
pub mod state;

pub use state::AppState;
