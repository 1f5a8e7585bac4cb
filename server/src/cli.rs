//! The command line: `ganbo setup`, `ganbo serve`, `ganbo migrate`, `ganbo demo`,
//! `ganbo backup`, `ganbo restore`.

use std::path::PathBuf;
use std::process::ExitCode;

use app::demo;
use app::server::db;

use crate::backup;
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "ganbo",
    version,
    about = "Gắn Bó: party members looking after households"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone)]
struct DbArgs {
    /// The database to use.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DATABASE_URL)]
    database_url: String,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Set up a new ward: the top of its organisation tree and the first committee account
    /// (asks for what is missing when run on a terminal). Refused once a ward is set up.
    Setup {
        #[command(flatten)]
        db: DbArgs,
        #[command(flatten)]
        args: Box<crate::setup::SetupArgs>,
    },
    /// Serve the app (address from LEPTOS_SITE_ADDR, default 127.0.0.1:3000).
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Seed the demo ward when the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Create the database if needed and apply its migrations, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Generate a synthetic ward (for trials and benchmarks) into the database.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// Number of cells.
        #[arg(long, default_value_t = 3)]
        cells: u32,
        /// Households per cell (about).
        #[arg(long, default_value_t = 380)]
        households_per_cell: u32,
        /// Members per cell (about).
        #[arg(long, default_value_t = 40)]
        members_per_cell: u32,
        /// Random seed: the same seed gives the same ward.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The day the data is made for (YYYY-MM-DD); today by default.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Write a consistent copy of the database to PATH (safe while the server runs).
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to write, or a folder to write a dated file into.
        path: PathBuf,
        /// Replace PATH if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with a backup (stop the server first).
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup to restore.
        path: PathBuf,
        /// Delete the replaced database instead of keeping it as <name>.before-restore-<time>.
        #[arg(long)]
        no_keep: bool,
    },
}

pub async fn run() -> ExitCode {
    crate::telemetry::init();
    let cli = Cli::parse();
    // The one clock: the system's, or the day GANBO_TODAY pins it to.
    let clock = match app::core::clock::Clock::from_env() {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if clock.is_pinned() {
        tracing::warn!(today = %clock.today(), "the clock is pinned");
    }
    // Every command that uses the database holds its lock file (shared) while it runs, so
    // that a restore cannot replace it under them; restore takes it exclusively.
    let _lock = match &cli.command {
        Command::Serve { db, .. }
        | Command::Migrate { db }
        | Command::Demo { db, .. }
        | Command::Setup { db, .. } => match backup::hold(&db.database_url) {
            Ok(lock) => lock,
            Err(e) => return fail(e),
        },
        Command::Backup { .. } | Command::Restore { .. } => None,
    };
    match cli.command {
        Command::Setup { db, args } => crate::setup::run(&db.database_url, *args, clock).await,
        Command::Serve { db, demo } => crate::serve(&db.database_url, demo, clock).await,
        Command::Migrate { db } => match db::open_and_migrate(&db.database_url).await {
            Ok(_) => {
                println!("ganbo: database ready at {}", db.database_url);
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        Command::Backup { db, path, force } => {
            match backup::backup(&db.database_url, &path, force, clock).await {
                Ok((file, contents)) => {
                    println!(
                        "ganbo: backup written to {} ({contents}; integrity check ok)",
                        file.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Restore { db, path, no_keep } => {
            match backup::restore(&db.database_url, &path, !no_keep, clock).await {
                Ok(r) => {
                    let before = match (&r.kept, r.replaced) {
                        (Some(kept), _) => {
                            format!("the database it replaced is kept as {}", kept.display())
                        }
                        (None, true) => "the database it replaced is deleted".to_string(),
                        (None, false) => "there was no database before".to_string(),
                    };
                    println!(
                        "ganbo: restored {} into {} ({}; migrated to this version); {before}",
                        path.display(),
                        r.database.display(),
                        r.contents
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        Command::Demo {
            db,
            cells,
            households_per_cell,
            members_per_cell,
            seed,
            today,
        } => {
            let pool = match db::open_and_migrate(&db.database_url).await {
                Ok(p) => p,
                Err(e) => return fail(e),
            };
            let today = today.unwrap_or_else(|| clock.today());
            let accounts = match demo::is_empty(&pool).await {
                Ok(empty) => empty,
                Err(e) => return fail(e),
            };
            let spec = demo::DemoSpec {
                cells,
                households_per_cell,
                members_per_cell,
                seed,
                today,
                accounts,
            };
            let started = std::time::Instant::now();
            match demo::generate(&pool, &spec).await {
                Ok(c) => {
                    println!(
                        "ganbo: generated {} cells, {} members, {} households, {} assignments, {} visits, {} concerns in {:.1} s",
                        c.cells,
                        c.members,
                        c.households,
                        c.assignments,
                        c.visits,
                        c.concerns,
                        started.elapsed().as_secs_f64()
                    );
                    if accounts {
                        crate::print_demo_accounts();
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

/// One clear line and a non-zero exit.
pub fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("ganbo: {e}");
    ExitCode::FAILURE
}
