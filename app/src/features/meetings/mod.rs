//! The monthly cell meeting on a shared screen: the agenda built from the month's visits,
//! concerns, hot spots and the board; attendance and decisions recorded; the minutes.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;

pub mod list_page;
pub mod meeting_page;
pub mod minutes_page;
pub mod screen;
pub mod widgets;
