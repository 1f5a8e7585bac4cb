pub mod account_page;
pub mod api;
pub mod choose_password_api;
pub mod choose_password_page;
#[cfg(feature = "ssr")]
pub mod codes;
mod fields;
pub mod model;
#[cfg(feature = "ssr")]
pub mod password;
pub mod sign_in_page;
