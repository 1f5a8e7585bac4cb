pub mod api;
pub mod model;
pub mod sign_in_page;
