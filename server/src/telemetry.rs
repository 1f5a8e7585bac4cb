//! Structured logs: readable lines on a terminal, JSON with `LOG_FORMAT=json`.
//! The level comes from `RUST_LOG` (default: info for the app, warn for libraries).

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,ganbo=info,ganbo_server=info,app=info"));
    let json = std::env::var("LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true);
    let result = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // Already initialised (tests): keep the first.
    let _ = result;
}
