pub mod account_page;
pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
pub mod sign_in_page;
