//! The shared core under every feature: what the whole app agrees on and nothing in it
//! depends on a feature.

pub mod access;
pub mod client_id;
pub mod clock;
pub mod code_enum;
pub mod fold;
pub mod form_post;
pub mod ward_kind;
