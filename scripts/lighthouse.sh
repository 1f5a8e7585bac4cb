#!/usr/bin/env bash
# Lighthouse (mobile) scores of a member's start page, /my, on the release build with a fresh
# demo ward: signs in as member1, then audits the page with that session.
# usage: scripts/lighthouse.sh [port=3290] [page=/my]
# Writes target/lighthouse/report.html and report.json and prints the four scores.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-3290}
PAGE=${2:-/my}
BASE="http://127.0.0.1:$PORT"
OUT=target/lighthouse
mkdir -p "$OUT"
rm -f "$OUT"/ganbo.sqlite*

[ -x target/release/ganbo ] || { echo "build first: cargo leptos build --release && node scripts/precompress.mjs"; exit 1; }
[ -x end2end/node_modules/.bin/lighthouse ] || { echo "install first: ./scripts/setup.sh --test"; exit 1; }

DATABASE_URL="sqlite://$OUT/ganbo.sqlite" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn \
  ./target/release/ganbo serve --demo >"$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$BASE/health" >/dev/null 2>&1 && break
  sleep 0.3
done

cookie=$(curl -fsS -o /dev/null -D - -X POST "$BASE/api/auth/sign_in" \
  -H 'Accept: application/json' \
  --data-urlencode 'form[username]=member1' --data-urlencode 'form[password]=ganbo-demo' |
  awk 'tolower($1) == "set-cookie:" { split($2, a, ";"); print a[1] }')
[ -n "$cookie" ] || { echo "could not sign in"; exit 1; }

CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} end2end/node_modules/.bin/lighthouse "$BASE$PAGE" \
  --quiet \
  --form-factor=mobile \
  --only-categories=performance,accessibility,best-practices,seo \
  --extra-headers="{\"Cookie\":\"$cookie\"}" \
  --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" \
  --output=json --output=html --output-path="$OUT/report"

node -e '
  const r = require(process.argv[1]);
  for (const [k, c] of Object.entries(r.categories)) console.log(`${c.title}: ${Math.round(c.score * 100)}`);
  for (const id of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"])
    console.log(`  ${r.audits[id].title}: ${r.audits[id].displayValue}`);
' "$PWD/$OUT/report.report.json"
