#!/usr/bin/env bash
# Installs what is missing and runs every test: format and lints (server and browser
# targets), unit, database and HTTP tests, then the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test

# A CI machine builds everything once from nothing: incremental caches would only take disk
# space (about a third of target/) and never be used again.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL=0; fi

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "format"
cargo fmt --all --check

step "lints: server"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p ganbo --all-targets -- -D warnings

step "lints: browser (wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "unit, database and HTTP tests"
cargo test -p app --features ssr
cargo test -p ganbo

# The same tests with the app's clock pinned to the days that break calendars: a month's
# first day, 29 February of a leap year, 31 December, and the day before Tết (5 February
# 2027). Nothing may depend on the day the suite happens to run.
for day in 2027-03-01 2028-02-29 2026-12-31 2027-02-05; do
  step "unit, database and HTTP tests on $day"
  GANBO_TODAY=$day cargo test -q -p app --features ssr
  GANBO_TODAY=$day cargo test -q -p ganbo
done

step "release build"
cargo leptos build --release
node scripts/precompress.mjs

step "browser tests"
./scripts/e2e.sh
