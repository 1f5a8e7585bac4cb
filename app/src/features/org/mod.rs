pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod setup;
pub mod setup_api;
pub mod sign_ins;

pub mod cells_page;
pub mod households_page;
pub mod member_page;
pub mod members_page;
pub mod setup_page;
pub mod sign_ins_page;
pub mod widgets;
