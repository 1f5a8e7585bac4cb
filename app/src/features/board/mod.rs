//! The assignment board: members as columns, households as cards, rules shown live,
//! suggestions, registrations and the register.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod suggest;
