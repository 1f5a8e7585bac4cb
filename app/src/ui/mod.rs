//! Shared UI: the page frame, error texts, lists and small widgets.

pub mod error_text;
pub mod format;
pub mod i18n;
pub mod layout;
pub mod loaded;
pub mod pager;
pub mod print;
pub mod public_panel;
pub mod status_page;
