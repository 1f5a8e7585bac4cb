//! The axum server: routes, sessions, static files, health, start-up and shutdown.
//! `router(state)` builds the whole app so that tests can call it without a socket.

pub mod backup;
pub mod cli;
pub mod guards;
pub mod handlers;
pub mod page_cache;
pub mod setup;
pub mod telemetry;

use std::process::ExitCode;
use std::sync::LazyLock;
use std::time::Duration;

use app::core::clock::Clock;
use app::demo;
use app::features::reviews::export as reviews;
use app::features::transfer::{export, job as imports};
use app::server::AppState;
use app::server::auth::{Backend, SESSION_IDLE_DAYS};
use app::server::client_addr::TrustedProxies;
use app::server::db::{self, Pool};
use app::{App, shell};
use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use axum_login::AuthManagerLayerBuilder;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

/// The Leptos options from the environment, with this app's defaults: production mode,
/// and hashed asset names when the build left a hash file beside the binary.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    let conf = get_configuration(None).map_err(|e| format!("bad LEPTOS_* setting: {e}"))?;
    let mut options = conf.leptos_options;
    if std::env::var_os("LEPTOS_ENV").is_none() {
        options.env = leptos::config::Env::PROD;
    }
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        let beside_binary = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join(options.hash_file.as_ref())));
        options.hash_files = beside_binary.is_some_and(|p| p.exists());
    }
    if options.output_name.is_empty() {
        options.output_name = "ganbo".into();
    }
    Ok(options)
}

/// The session store, with its table created.
pub async fn session_store(pool: &Pool) -> Result<SqliteStore, sqlx::Error> {
    let store = SqliteStore::new(pool.clone());
    store.migrate().await?;
    Ok(store)
}

/// Whether cookies are marked `Secure` (set `GANBO_SECURE_COOKIES=1` behind HTTPS).
fn secure_cookies() -> bool {
    std::env::var("GANBO_SECURE_COOKIES").is_ok_and(|v| v == "1" || v == "true")
}

/// The app's routes, listed once per process. Listing them renders the app with resource
/// loading suspended for the whole process (leptos_server's `SuppressResourceLoad`), so a
/// page rendered meanwhile would wait forever: it must never overlap a render, as it
/// would when every test builds its own router.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The whole app.
pub fn router(state: AppState, store: SqliteStore) -> Router {
    let options = state.leptos_options.clone();
    let routes = routes();

    let sessions = SessionManagerLayer::new(store.clone())
        .with_name("ganbo_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )));
    let auth = AuthManagerLayerBuilder::new(Backend::new(state.pool.clone()), sessions).build();
    let lifetime = axum::middleware::from_fn_with_state(state.clock, guards::session_lifetime);

    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let pages = Router::<AppState>::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        // Only the pages above: the routes below answer signed-out callers themselves.
        .route_layer(axum::middleware::from_fn(guards::signed_out_pages))
        .route("/api/board/events/{cell}", get(handlers::board_events))
        .route("/files/concerns/{file}", get(handlers::concern_file))
        .route(
            "/api/{*fn_name}",
            get(handlers::server_fn).post(handlers::server_fn),
        )
        .route("/export/cells/{cell}/{file}", get(export::cell_export))
        .route("/export/wards/{ward}/{file}", get(export::ward_export))
        .route(
            "/export/reports/cells/{cell}/{file}",
            get(reviews::cell_report_export),
        )
        .route(
            "/export/reports/wards/{ward}/{file}",
            get(reviews::ward_report_export),
        )
        // The site's files (service worker, manifest, icons) are served here directly;
        // only what is not a file goes to Leptos, which answers with its 404 page. (Leptos'
        // own file handler reads the response options of whatever page is rendering on the
        // same thread, and takes that page's headers away from it.)
        .fallback_service(
            ServeDir::new(&*options.site_root)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(
                    leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell)
                        .with_state(state.clone()),
                ),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::middleware::map_response(
            guards::refused_arguments_are_422,
        ))
        .layer(axum::middleware::from_fn(guards::page_redirects))
        .layer(axum::middleware::from_fn_with_state(
            guards::SetupGate::new(state.pool.clone()),
            guards::setup_first,
        ))
        .layer(axum::middleware::from_fn(guards::guard_uploads))
        .layer(axum::middleware::from_fn_with_state(
            (
                page_cache::PageCache::default(),
                state.pool.clone(),
                state.clock,
            ),
            page_cache::serve,
        ))
        .layer(lifetime)
        .layer(auth)
        .layer(axum::Extension(store))
        .layer(axum::middleware::from_fn(guards::time_limits))
        .layer(axum::middleware::from_fn(guards::body_limits))
        .layer(axum::middleware::from_fn(guards::same_origin_writes));

    let pkg_cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let pkg = Router::new()
        .nest_service(
            "/pkg",
            ServeDir::new(format!("{}/{}", options.site_root, options.site_pkg_dir))
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ));

    Router::new()
        .route("/health", get(handlers::health))
        .merge(pkg)
        .merge(pages)
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(axum::middleware::from_fn_with_state(
            secure_cookies(),
            guards::security_headers,
        ))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

pub fn print_demo_accounts() {
    println!(
        "ganbo: demo accounts (password \"{}\"):",
        demo::DEMO_PASSWORD
    );
    for (user, what) in demo::DEMO_ACCOUNTS {
        println!("         {user:<11} {what}");
    }
}

/// `ganbo serve`.
pub async fn serve(database_url: &str, seed_demo: bool, clock: Clock) -> ExitCode {
    let options = match leptos_options() {
        Ok(o) => o,
        Err(e) => return cli::fail(e),
    };
    let trusted_proxies = match TrustedProxies::from_env() {
        Ok(t) => t,
        Err(e) => return cli::fail(e),
    };
    let pool = match db::open_and_migrate(database_url).await {
        Ok(p) => p,
        Err(e) => return cli::fail(e),
    };
    let store = match session_store(&pool).await {
        Ok(s) => s,
        Err(e) => return cli::fail(format!("cannot prepare the session table: {e}")),
    };
    if seed_demo {
        match demo::seed_if_empty(&pool, clock.today()).await {
            Ok(Some(c)) => tracing::info!(
                cells = c.cells,
                members = c.members,
                households = c.households,
                "seeded the demo ward"
            ),
            Ok(None) => tracing::info!("database not empty: demo ward not seeded"),
            Err(e) => return cli::fail(format!("cannot seed the demo ward: {e}")),
        }
    }
    if let Err(e) = imports::sweep(&pool, clock.now()).await {
        tracing::warn!(error = %e, "cannot clean up interrupted imports");
    }
    match app::features::org::setup::needs_setup(&pool).await {
        Ok(true) => match app::features::org::setup::setup_token(&pool).await {
            Ok(token) => {
                println!(
                    "ganbo: no ward is set up yet. Open http://{}/setup?token={token} to set it up (the link works once), or stop the server and run `ganbo setup`.",
                    options.site_addr
                );
                tracing::warn!("waiting for the first set-up");
            }
            Err(e) => return cli::fail(format!("cannot prepare the set-up link: {e}")),
        },
        Ok(false) => {}
        Err(e) => return cli::fail(format!("cannot read the database: {e}")),
    }
    let demo_present =
        sqlx::query_scalar::<_, String>("SELECT value FROM app_settings WHERE key = 'demo'")
            .fetch_optional(&pool)
            .await
            .ok()
            .flatten()
            .is_some();

    let deletion = tokio::task::spawn({
        use tower_sessions::ExpiredDeletion;
        store
            .clone()
            .continuously_delete_expired(Duration::from_secs(3600))
    });

    let addr = options.site_addr;
    let state = AppState {
        pool: pool.clone(),
        leptos_options: options,
        live: Default::default(),
        clock,
        trusted_proxies,
    };
    let live = state.live.clone();
    let app = router(state, store);
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => return cli::fail(format!("cannot listen on {addr}: {e}")),
    };
    println!("ganbo: serving on http://{addr}");
    if demo_present {
        print_demo_accounts();
    }
    tracing::info!(%addr, database = database_url, "listening");
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live feeds would keep their connections open: end them.
        live.close();
    })
    .await;
    deletion.abort();
    pool.close().await;
    match served {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(e) => cli::fail(format!("server error: {e}")),
    }
}

/// Resolves on Ctrl-C or SIGTERM (systemd's stop).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
