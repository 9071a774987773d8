#!/usr/bin/env bash
# Times roundtable on synthetic cohort sites and prints a Markdown table (also appended to
# bench/results-<date>.md).
#
#   bench/run.sh [S|M|L|tiny|<readings>x<comments> ...]     (default: S M)
#
# Environment: RUNS (timed runs per build kind, default 5), EDITS (one-comment edits timed in
# `serve`, default 5), SEED (generator seed, default 1), HUGO (yes/no, default yes: the pairing
# with Hugo below), COMPARE_HUGO (default ../shared/bench/compare_hugo.py).
#
# For each size the site is generated once into target/bench-sites/<size> (again only when the
# generator's source or the seed changed), then these are timed, median of RUNS:
#   cold       no cache, no output: the first build of a fresh checkout
#   warm       cache present, output folder removed: every page rendered and written again
#   no-change  cache and output present, nothing edited since the last build
#   one thread cache and output present, one thread file edited before each build
#   edit       `roundtable serve`: one comment's body edited, time from the watcher seeing the
#              save to the last file in place ("rebuilt N of M pages in X ms, Y ms after the edit")
#
# Then, for S, M and L, the pairing with Hugo: COMPARE_HUGO generates the same cohort as a
# roundtable site and a Hugo site and times cold builds of the two in alternating pairs (RUNS
# pairs); on that same site, RUNS roundtable builds after one thread file changed are timed and
# set against Hugo's cold build. Hugo is installed with apt-get when missing (as root).
# And the search index: its size on disk, the time `build` spent making it (from the cold builds'
# "(search index X s)"), and the bytes Chromium fetches for the search page, a first query and a
# later one (bench/search-bytes.mjs, served by python3 -m http.server, which does not compress;
# needs /usr/bin/chromium and `npm ci` in tests/browser, else n/a).
# warm and no-change need `build --no-cache` and edit needs `serve`; with an older roundtable
# they are reported as n/a. Wall and CPU time (user + sys) and peak memory come from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
EDITS=${EDITS:-5}
SEED=${SEED:-1}
if [ $# -gt 0 ]; then SIZES=("$@"); else SIZES=(S M); fi

if [ ! -x /usr/bin/time ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else
        echo "bench/run.sh: /usr/bin/time is missing; install the 'time' package" >&2
        exit 2
    fi
fi

cargo build --quiet --release --bin roundtable --example gen_cohort
# ROUNDTABLE=path times another roundtable binary, such as a build of another branch.
BIN=${ROUNDTABLE:-$PWD/target/release/roundtable}
GEN=$PWD/target/release/examples/gen_cohort
WORK=$(mktemp -d)
SERVE_PID=
EDITED=
# Stops the serve this script started and puts back the thread file it edited.
stop_serve() {
    if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null || true; wait "$SERVE_PID" 2>/dev/null || true; fi
    if [ -n "$EDITED" ]; then cp -p "$WORK/edited.bak" "$EDITED"; fi
    SERVE_PID=
    EDITED=
}
# Outputs and caches a timed build must not find are moved here, and deleted only after the size's
# runs (or when the script ends): on ext4 without a journal (this project's machines) a file created
# within about 30 s of thousands being deleted costs the kernel a scan past every one of them, which
# made a warm M build 5.8-8.1 s after `rm -rf` of its output and 3.9 s after moving it aside (see
# the README). Hugo's pairing (compare_hugo.py) moves its outputs aside the same way.
mkdir -p target
TRASH=$(mktemp -d "$PWD/target/bench-trash.XXXXXX")
set_aside() {
    local path
    for path in "$@"; do
        if [ -e "$path" ]; then mv "$path" "$(mktemp -d "$TRASH/XXXXXX")/"; fi
    done
}
trap 'stop_serve; rm -rf "$WORK" "$TRASH"' EXIT

HAS_CACHE=no
"$BIN" build --help | grep -q -- --no-cache && HAS_CACHE=yes
# The generated weeks run past today at L size; --future publishes them all.
FUTURE=()
"$BIN" build --help | grep -q -- --future && FUTURE=(--future)
HAS_SERVE=no
"$BIN" serve --help >/dev/null 2>&1 && HAS_SERVE=yes
# Other work on the machine slows wall time (not CPU time much): say how busy it was.
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
STAMP="$(cat examples/gen_cohort/*.rs | sha256sum | cut -c1-16) seed $SEED"

median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Runs one build under /usr/bin/time and appends "wall cpu rss_kib" to $WORK/<kind>.
timed() {
    local kind=$1
    shift
    if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$BIN" build "${FUTURE[@]}" "$@" >"$WORK/summary" 2>"$WORK/stderr"; then
        echo "bench/run.sh: the $kind build failed:" >&2
        cat "$WORK/stderr" "$WORK/time" >&2
        exit 1
    fi
    awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$WORK/time" >>"$WORK/$kind"
}

# Prints one table row from $WORK/<kind>: wall, CPU, peak memory, pages/s, input MB/s.
row() {
    local size=$1 kind=$2 label=$3
    if [ ! -s "$WORK/$kind" ]; then
        echo "| $size | $label | n/a | n/a | n/a | n/a | n/a |"
        return
    fi
    local wall cpu rss
    wall=$(cut -d' ' -f1 "$WORK/$kind" | median)
    cpu=$(cut -d' ' -f2 "$WORK/$kind" | median)
    rss=$(cut -d' ' -f3 "$WORK/$kind" | median)
    awk -v s="$size" -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v p="$PAGES" -v b="$INPUT_BYTES" \
        'BEGIN {w0 = (w > 0.005) ? w : 0.005;
                printf "| %s | %s | %.2f s | %.2f s | %.0f MiB | %.0f | %.1f |\n", s, l, w, c, r / 1024, p / w0, b / 1e6 / w0}'
}

# Extends the last comment of the middle thread file of site $1 by one line (its file ends inside that
# comment's body); the first call keeps a copy, put back by stop_serve.
edit_thread() {
    local site=$1 k=$2 thread
    thread=$(find "$site/content" -name '*.comments.yaml' | sort | awk '{f[NR] = $0} END {print f[int((NR + 1) / 2)]}')
    if [ -z "$EDITED" ]; then
        cp -p "$thread" "$WORK/edited.bak"
        EDITED=$thread
    fi
    printf '    Edited for the benchmark, round %d.\n' "$k" >>"$thread"
}

# Times EDITS one-comment edits in `serve`; prints the median and the slowest, in ms.
serve_edits() {
    local site=$1 log=$WORK/serve.log port thread
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$BIN" serve "${FUTURE[@]}" --root "$site" --port "$port" >"$log" 2>&1 &
    SERVE_PID=$!
    wait_rebuilt "$log" 1 600 || return 1
    local seen k
    for k in $(seq "$EDITS"); do
        sleep 1 # let the watcher settle, so each edit is one change
        seen=$(rebuilt_lines "$log" | wc -l)
        edit_thread "$site" "$k"
        wait_rebuilt "$log" $((seen + 1)) 60 || return 1
        # From the save to the last file in place; older builds print only the build's own time.
        rebuilt_lines "$log" | sed -n "$((seen + 1))p" |
            sed -E 's/.* ([0-9.]+) ms after the edit.*/\1/; s/.* in ([0-9.]+) ms.*/\1/' >>"$WORK/edit"
    done
}

rebuilt_lines() { grep -E 'rebuilt [0-9]+ of [0-9]+ pages in [0-9.]+ ms' "$1" || true; }

# Waits until the serve log holds at least $2 "rebuilt" lines, for at most $3 seconds.
wait_rebuilt() {
    local log=$1 want=$2 limit=$3 waited=0
    while [ "$(rebuilt_lines "$log" | wc -l)" -lt "$want" ]; do
        if ! kill -0 "$SERVE_PID" 2>/dev/null; then
            echo "bench/run.sh: serve stopped:" >&2
            cat "$log" >&2
            return 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "bench/run.sh: no 'rebuilt' line from serve after $limit s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# Prints one row of the search table for the site built in $2.
search_row() {
    local size=$1 out=$2 files bytes largest indexing cold share fetched="n/a"
    # The index is every file under search/ but the search page itself.
    files=$(find "$out/search" -type f ! -path "$out/search/index.html" | wc -l)
    bytes=$(find "$out/search" -type f ! -path "$out/search/index.html" -printf '%s\n' | awk '{s += $1} END {print s}')
    largest=$(find "$out/search" -type f ! -path "$out/search/index.html" -printf '%s\n' | sort -g | tail -1)
    indexing=$(median <"$WORK/indexing")
    cold=$(cut -d' ' -f1 "$WORK/cold" | median)
    share=$(awk -v i="$indexing" -v c="$cold" 'BEGIN {if (c > 0 && i != "n/a") printf "%.0f%%", 100 * i / c; else print "n/a"}')
    if [ -x /usr/bin/chromium ] && [ -d tests/browser/node_modules/playwright-core ]; then
        local www=$WORK/www port server
        mkdir -p "$www" && rm -f "$www/cohort" && ln -s "$out" "$www/cohort"
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        python3 -m http.server --bind 127.0.0.1 --directory "$www" "$port" >/dev/null 2>&1 &
        server=$!
        for _ in $(seq 50); do
            python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/cohort/')" 2>/dev/null && break
            sleep 0.1
        done
        fetched=$(node bench/search-bytes.mjs "http://127.0.0.1:$port/cohort/search/" trust feedback 2>&1 |
            awk '/^page/ {printf "%.0f KB | %.0f KB (%.0f KB with the page) | %.0f KB", $2 / 1000, $4 / 1000, ($2 + $4) / 1000, $6 / 1000}')
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    [ -n "$fetched" ] || fetched="n/a | n/a | n/a"
    [ "$fetched" = n/a ] && fetched="n/a | n/a | n/a"
    awk -v s="$size" -v f="$files" -v b="$bytes" -v l="$largest" -v i="$indexing" -v sh="$share" -v q="$fetched" \
        'BEGIN {printf "| %s | %.1f MB in %d files (largest %.0f KB) | %s s | %s | %s |\n", s, b / 1e6, f, l / 1000, i, sh, q}'
}

SEARCH_TABLE="| size | index on disk | indexing (median) | of a cold build | search page | first query | later query |
|---|---|---|---|---|---|---|"
TABLE="| size | build | wall (median) | CPU user+sys | peak memory | pages/s | input MB/s |
|---|---|---|---|---|---|---|"
SITES=""
for size in "${SIZES[@]}"; do
    site=$PWD/target/bench-sites/$size
    out=$PWD/target/bench-out/$size
    if [ "$(cat "$site/.gen-stamp" 2>/dev/null)" != "$STAMP" ]; then
        rm -rf "$site" "$site.tmp"
        "$GEN" --size "$size" --seed "$SEED" --out "$site.tmp" >&2
        echo "$STAMP" >"$site.tmp/.gen-stamp"
        mv "$site.tmp" "$site"
    fi
    rm -f "$WORK"/cold "$WORK"/warm "$WORK"/nochange "$WORK"/onethread "$WORK"/edit "$WORK"/indexing
    INPUT_BYTES=$(find "$site/content" "$site/site.yaml" "$site/authors.yaml" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    no_cache=()
    [ "$HAS_CACHE" = yes ] && no_cache=(--no-cache)
    for _ in $(seq "$RUNS"); do
        set_aside "$site/.roundtable" "$out"
        timed cold --root "$site" --output "$out" "${no_cache[@]}"
        sed -nE 's/.*\(search index ([0-9.]+) s\).*/\1/p' "$WORK/summary" >>"$WORK/indexing"
    done
    SEARCH_TABLE="$SEARCH_TABLE
$(search_row "$size" "$out")"
    PAGES=$(find "$out" -type f \( -name '*.html' -o -name '*.xml' \) | wc -l)
    cp "$WORK/summary" "$WORK/cold-summary"
    if [ "$HAS_CACHE" = yes ]; then
        "$BIN" -q build "${FUTURE[@]}" --root "$site" --output "$out" # fills the cache
        for _ in $(seq "$RUNS"); do
            set_aside "$out"
            timed warm --root "$site" --output "$out"
        done
        for _ in $(seq "$RUNS"); do
            timed nochange --root "$site" --output "$out"
        done
        for k in $(seq "$RUNS"); do
            edit_thread "$site" "$k"
            timed onethread --root "$site" --output "$out"
        done
        stop_serve
    fi
    edit_row="| $size | one-comment edit in serve | n/a | | | | |"
    if [ "$HAS_SERVE" = yes ] && serve_edits "$site"; then
        edit_row="| $size | one-comment edit in serve | $(median <"$WORK/edit") ms (slowest $(sort -g "$WORK/edit" | tail -1) ms) | | | | |"
    fi
    stop_serve
    SITES="$SITES
- $size: $(sed -E 's/^Built ([^:]*):.*/\1/' "$WORK/cold-summary"), $(awk -v b="$INPUT_BYTES" 'BEGIN {printf "%.1f", b / 1e6}') MB of input, $PAGES pages and feeds"
    TABLE="$TABLE
$(row "$size" cold cold)
$(row "$size" warm warm)
$(row "$size" nochange no-change)
$(row "$size" onethread "one thread changed")
$edit_row"
    # Removed only when the script ends: on ext4 without a journal (this machine's), every file made
    # in the minutes after thousands were deleted is slower for each of them, and waiting for that
    # to pass took longer than the runs (see the README's Benchmark section).
    set_aside "$out"
done

# The pairing with Hugo: its cold build against roundtable's cold build and its build after one
# thread file changed, on the same generated cohort.
HUGO=${HUGO:-yes}
COMPARE_HUGO=${COMPARE_HUGO:-../shared/bench/compare_hugo.py}
HUGO_TABLE=""
if [ "$HUGO" = yes ] && [ ! -f "$COMPARE_HUGO" ]; then
    echo "bench/run.sh: $COMPARE_HUGO is missing; set COMPARE_HUGO to pair with Hugo" >&2
    HUGO=no
fi
if [ "$HUGO" = yes ] && ! command -v hugo >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y -qq hugo >/dev/null || { apt-get update -qq && apt-get install -y -qq hugo >/dev/null; }
    else
        echo "bench/run.sh: hugo is missing; install it (apt-get install -y hugo) to pair with Hugo" >&2
        HUGO=no
    fi
fi
if [ "$HUGO" = yes ]; then
    HUGO_TABLE="| size | Hugo cold | roundtable cold | ratio (median of pairs) | roundtable, one thread changed | ratio to Hugo cold | roundtable peak |
|---|---|---|---|---|---|---|"
    for size in "${SIZES[@]}"; do
        case $size in S | M | L) ;; *) continue ;; esac
        python3 "$COMPARE_HUGO" --bin "$BIN" --size "$size" --runs "$RUNS" --root "$PWD/target/bench-hugo" >"$WORK/hugo" 2>"$WORK/hugo.err" || {
            echo "bench/run.sh: compare_hugo.py failed:" >&2
            cat "$WORK/hugo.err" >&2
            continue
        }
        corpus=$(sed -n 's/.*corpus \(.*\)$/\1/p' "$WORK/hugo")
        hugo_wall=$(awk '$1 == "hugo" {print $2}' "$WORK/hugo")
        rt_wall=$(awk '$1 == "roundtable" {print $2}' "$WORK/hugo")
        rt_peak=$(awk '$1 == "roundtable" {print $4}' "$WORK/hugo")
        ratio=$(sed -n 's/^ratio roundtable\/hugo wall median: //p' "$WORK/hugo")
        site=$corpus/site
        out=$WORK/hugo-out
        rm -f "$WORK/onethread"
        "$BIN" -q build "${FUTURE[@]}" --root "$site" --output "$out" 2>/dev/null # fills the cache
        for k in $(seq "$RUNS"); do
            edit_thread "$site" "$k"
            timed onethread --root "$site" --output "$out"
        done
        stop_serve
        set_aside "$out" "$site/.roundtable"
        one=$(cut -d' ' -f1 "$WORK/onethread" | median)
        HUGO_TABLE="$HUGO_TABLE
$(awk -v s="$size" -v h="$hugo_wall" -v c="$rt_wall" -v r="$ratio" -v o="$one" -v p="$rt_peak" \
            'BEGIN {printf "| %s | %.2f s | %.2f s | %s | %.2f s | %.3f | %.0f MiB |", s, h, c, r, o, o / h, p}')"
    done
fi

MEMORY=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
MODEL=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
REPORT="## Benchmark results, $(date -u '+%Y-%m-%d %H:%M UTC')

roundtable $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)'); \
$(nproc) cores ($MODEL), $MEMORY of memory; median of $RUNS runs, $EDITS edits; seed $SEED;
load average $LOAD_BEFORE before and $(cut -d' ' -f1 /proc/loadavg) after.
$SITES

$TABLE

Search (bytes on the wire, uncompressed by the server; first query \`trust\`, later \`feedback\`):

$SEARCH_TABLE
${HUGO_TABLE:+
Paired with Hugo ($(hugo version 2>/dev/null | cut -d' ' -f2); \`$COMPARE_HUGO\`, its own generated cohort; wall times, medians of $RUNS):

$HUGO_TABLE}"
echo "$REPORT"
mkdir -p bench
# Appended, so that runs of different sizes on one day stay side by side.
RESULTS=bench/results-$(date -u +%F).md
[ -s "$RESULTS" ] && echo >>"$RESULTS"
echo "$REPORT" >>"$RESULTS"
