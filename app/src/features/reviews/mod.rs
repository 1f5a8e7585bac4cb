//! The reviews (rules R8, R9, R14): a cell's and the ward's 6-month and year-end reports,
//! each member's year-end evidence, the ĐV213 roster, meetings and comment sheets, and
//! which committee member answers for which cells; on screen, on A4 paper and as Excel
//! workbooks.

pub mod api;
#[cfg(feature = "ssr")]
pub mod export;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod stewards;
#[cfg(feature = "ssr")]
pub mod stewards_repo;

pub mod dv213_page;
pub mod evidence_page;
pub mod report_page;
pub mod stewards_view;
pub mod widgets;
