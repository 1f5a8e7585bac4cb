//! Bringing a cell in from its spreadsheets (import), and taking everything out again (export).

pub mod api;
pub mod model;
pub mod texts;

#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod job;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod ods;
#[cfg(feature = "ssr")]
pub mod read;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod values;
#[cfg(feature = "ssr")]
pub mod xls_check;

pub mod data_page;
pub mod import_wizard;
