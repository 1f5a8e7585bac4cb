pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod setup;
pub mod setup_api;

pub mod cells_page;
pub mod households_page;
pub mod member_page;
pub mod members_page;
pub mod setup_page;
pub mod widgets;
