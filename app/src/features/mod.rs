//! The product, one folder per feature: `model.rs` (shared types and pure rules),
//! `api.rs` (server functions: the only door), `repo.rs` (SQL, server only) and views.

pub mod auth;
pub mod board;
pub mod concerns;
pub mod meetings;
pub mod org;
pub mod reviews;
pub mod transfer;
pub mod visits;
