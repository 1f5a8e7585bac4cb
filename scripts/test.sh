#!/usr/bin/env bash
# Installs what is missing and runs every test: format and lints (server and browser
# targets), unit, database and HTTP tests, then the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test

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

step "release build"
cargo leptos build --release
node scripts/precompress.mjs

step "browser tests"
./scripts/e2e.sh
