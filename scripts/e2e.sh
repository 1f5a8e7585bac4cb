#!/usr/bin/env bash
# Runs the Playwright tests against the release build on a fresh demo database.
# Playwright starts the server (see end2end/playwright.config.ts) and stops it afterwards;
# a server left listening on the test port by an interrupted run is stopped first.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${E2E_PORT:-3100}
# The demo server and the empty one (for the first set-up), each with its pid file.
for pidfile in target/e2e/server.pid target/e2e-setup/server.pid; do
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null && grep -q ganbo "/proc/$pid/cmdline" 2>/dev/null; then
      echo "stopping a server left over from an earlier run (pid $pid)"
      kill "$pid" || true
      sleep 1
    fi
    rm -f "$pidfile"
  fi
done
cd end2end
E2E_PORT=$PORT npx playwright test "$@"
