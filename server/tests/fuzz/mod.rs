//! The fuzz test of every server function (see `fuzz_server_functions.rs`).

pub mod run;
pub mod table;
pub mod values;
pub mod wire;
