//! The assignment board: members as columns, households as cards, rules shown live,
//! suggestions, registrations and the register.

pub mod api;
pub mod board_island;
pub mod board_page;
#[cfg(feature = "hydrate")]
mod browser;
mod cards;
mod dialog;
mod drag;
pub mod model;
mod panels;
pub mod register_page;
pub mod registration_page;
#[cfg(feature = "ssr")]
pub mod repo;
mod state;
#[cfg(feature = "ssr")]
pub mod suggest;
