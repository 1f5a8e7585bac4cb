//! `ganbo`: the Gắn Bó server and its maintenance commands.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    ganbo_server::cli::run().await
}
