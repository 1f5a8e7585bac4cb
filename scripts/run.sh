#!/usr/bin/env bash
# Installs what is missing, builds Gắn Bó in release mode and serves it at
# http://127.0.0.1:3000 on data/ganbo.sqlite, seeded with the demo ward when empty.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo leptos build --release
node scripts/precompress.mjs
exec ./target/release/ganbo serve --demo
