//! Home visits on a phone: a member's households by need, logging a visit (online or
//! offline, never stored twice), a household's timeline, and a cell's coverage.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;

pub mod coverage_page;
pub mod household_page;
pub mod my_page;
pub mod offline_page;
pub mod outbox;
#[cfg(feature = "hydrate")]
pub mod outbox_browser;
pub mod outbox_view;
pub mod visit_form;
pub mod widgets;
