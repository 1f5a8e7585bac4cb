//! Concerns to written answers: a household's words travel from the member to the cell,
//! on to the commune/ward committee when needed, and back, each step on time.

#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
pub mod calendar;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;

pub mod board_moves;
pub mod board_page;
pub mod calendar_page;
pub mod concern_page;
pub mod hot_spots_page;
pub mod household_panel;
pub mod inbox_page;
pub mod my_concerns_page;
pub mod widgets;
