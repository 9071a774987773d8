#!/usr/bin/env bash
# What one hostile comment costs: each pattern of issue 12 at n and 2n repetitions, checked by the
# release binary, with CPU time (user + sys, steadier than wall time on a busy machine), peak memory
# and the growth ratio of CPU time from n to 2n (about 2 when the cost is linear, about 4 when it is
# quadratic; a run of a few hundredths of a second is mostly start-up, so its ratio says little).
#
#   bench/hostile.sh [N]          (default N: 50000)
#
# A pattern the limits refuse is timed all the same: refusing must be as cheap as building.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}

if [ ! -x /usr/bin/time ]; then
    echo "bench/hostile.sh: /usr/bin/time is missing; install the 'time' package" >&2
    exit 2
fi
cargo build --quiet --release --bin roundtable
BIN=$PWD/target/release/roundtable
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# repeat TEXT COUNT: TEXT COUNT times, `%i` in it replaced by the repetition's number, `\n` a new line.
repeat() {
    awk -v s="$1" -v n="$2" 'BEGIN {
        gsub(/\\n/, "\n", s)
        numbered = index(s, "%i") > 0
        for (i = 0; i < n; i++) { if (numbered) { t = s; gsub(/%i/, i, t); printf "%s", t } else printf "%s", s }
    }'
}

# The body of one comment for PATTERN at COUNT repetitions.
body() {
    local pattern=$1 count=$2
    case $pattern in
        table) printf '|%s\n|%s\n' "$(repeat 'a|' 500)" "$(repeat '-|' 500)"; repeat '|x\n' "$count" ;;
        quotes) repeat '>' "$count"; printf ' deep\n' ;;
        link-refs) repeat '[a][r] ' "$count"; printf '\n\n[r]: https://example.org/%s\n' "$(repeat x 2000)" ;;
        footnotes) repeat '[^a]' "$count"; printf '\n\n[^a]: a note\n' ;;
        headings) repeat '# Same\n\n' "$count" ;;
        formatting) repeat '<p><b title=%i></p>' "$count"; printf '\n' ;;
        *) repeat "$pattern" "$count"; printf '\n' ;;
    esac
}

# site PATTERN COUNT: a site whose one thread holds the pattern; prints its folder.
site() {
    local dir=$WORK/$RANDOM$RANDOM
    mkdir -p "$dir/content/r"
    printf -- '---\ntitle: A\ndate: 2011-08-08\n---\nThe reading.\n' >"$dir/content/r/2011-08-08-a.md"
    { printf -- '- id: c1\n  author: Ana\n  date: 2011-08-08\n  body: |\n'; body "$1" "$2" | sed 's/^/    /'; } \
        >"$dir/content/r/2011-08-08-a.comments.yaml"
    echo "$dir"
}

# measure DIR: "cpu-seconds peak-KiB outcome" of one check.
measure() {
    local outcome
    if /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$BIN" check --root "$1" -q >/dev/null 2>"$WORK/stderr"; then
        outcome=built
    else
        outcome=refused
    fi
    awk -v outcome="$outcome" '{ printf "%.2f %s %s\n", $1 + $2, $3, outcome }' <(tail -n 1 "$WORK/time")
}

printf '| pattern | n | input at 2n | CPU n | CPU 2n | ratio | peak memory 2n | outcome |\n|---|---|---|---|---|---|---|---|\n'
for pattern in '<div/>' '<div></p>' '<div></q>' '<div></br>' '<div title="</div>">' '<!--</div>--><div>' \
    formatting quotes table link-refs footnotes headings; do
    small=$(site "$pattern" "$N")
    large=$(site "$pattern" $((2 * N)))
    read -r t1 _ _ <<<"$(measure "$small")"
    read -r t2 m2 outcome <<<"$(measure "$large")"
    input=$(stat -c %s "$large/content/r/2011-08-08-a.comments.yaml")
    ratio=$(awk -v a="$t1" -v b="$t2" 'BEGIN { if (a < 0.01) a = 0.01; printf "%.1f", b / a }')
    printf '| `%s` | %s | %s B | %s s | %s s | %s | %s MiB | %s |\n' "$pattern" "$N" "$input" "$t1" "$t2" "$ratio" \
        $((m2 / 1024)) "$outcome"
done
