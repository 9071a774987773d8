#!/usr/bin/env bash
# What one hostile comment costs: each pattern of issue 12 at n and 2n repetitions, checked by the
# release binary, with CPU time (user + sys, steadier than wall time on a busy machine), peak memory
# and the growth ratio of CPU time from n to 2n (about 2 when the cost is linear, about 4 when it is
# quadratic; a run of a few hundredths of a second is mostly start-up, so its ratio says little).
#
#   bench/hostile.sh [N [BYTES]]      (default N: 50000, BYTES: 491520)
#
# A pattern the limits refuse is timed all the same: refusing must be as cheap as building.
#
# Then memory: a comment made only of Markdown elements or tags, BYTES and 2 x BYTES long (2 x 480 KiB
# is just under the 1 MiB a text may have), built by the release binary; the memory each further
# byte of input costs is (peak at 2 x BYTES - peak at BYTES) / BYTES, which leaves out what any build
# costs, and the ratio of the two peaks above a one-word comment's says whether it grows linearly (2).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}
BYTES=${2:-491520}

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

# measure DIR [COMMAND...]: "cpu-seconds peak-KiB outcome" of one check (or the command given).
measure() {
    local outcome dir=$1
    shift
    if /usr/bin/time -f '%U %S %M' -o "$WORK/time" "$BIN" "${@:-check}" --root "$dir" -q >/dev/null 2>"$WORK/stderr"; then
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

# fill TEXT BYTES: TEXT repeated (`%i` numbered, `\n` a new line) as often as it fits in BYTES bytes.
fill() {
    LC_ALL=C awk -v s="$1" -v bytes="$2" 'BEGIN {
        gsub(/\\n/, "\n", s)
        numbered = index(s, "%i") > 0
        for (i = 0; ; i++) {
            t = s
            if (numbered) gsub(/%i/, i, t)
            if (total + length(t) > bytes) break
            printf "%s", t
            total += length(t)
        }
    }'
}

# Every build below writes its output; `--no-cache` keeps the cache's copy of the text out of the figure.
printf '\n| comment made of | input | peak memory | input 2x | peak memory 2x | growth | memory per further input byte |\n'
printf '|---|---|---|---|---|---|---|\n'
empty=$(site 'word' 1)
read -r _ m0 _ <<<"$(measure "$empty" build --no-cache)"
for pattern in '*a* ' '`a` ' '<b>x</b> ' '<span>x</span>' '<br>' 'a\n' '- a\n' '- [x] a\n' '> a\n' '[a](b) ' \
    '<http://a.b> ' '&amp;' '[x%i]: y\n' '[^a]' '@Ana '; do
    for size in "$BYTES" $((2 * BYTES)); do
        dir=$WORK/$RANDOM$RANDOM
        mkdir -p "$dir/content/r"
        printf -- '---\ntitle: A\ndate: 2011-08-08\n---\nThe reading.\n' >"$dir/content/r/2011-08-08-a.md"
        printf 'ana:\n  name: Ana Silva\n' >"$dir/authors.yaml"
        { printf -- '- id: c1\n  author: Ana\n  date: 2011-08-08\n  body: |\n'; fill "$pattern" "$size" | sed 's/^/    /'
            [ "$pattern" = '[^a]' ] && printf '\n    [^a]: a note\n'; } >"$dir/content/r/2011-08-08-a.comments.yaml"
        read -r _ m outcome <<<"$(measure "$dir" build --no-cache)"
        if [ "$size" = "$BYTES" ]; then m1=$m; else m2=$m; fi
    done
    P=$pattern awk -v b="$BYTES" -v m0="$m0" -v m1="$m1" -v m2="$m2" -v o="$outcome" 'BEGIN {
        p = ENVIRON["P"]
        shown = (index(p, "`") > 0) ? "`` " p " ``" : "`" p "`"
        growth = (m1 > m0) ? (m2 - m0) / (m1 - m0) : 0
        further = (o == "built") ? sprintf("%.0f B", (m2 - m1) * 1024 / b) : "refused at 2x"
        printf "| %s | %d B | %d MiB | %d B | %d MiB | %.1f | %s |\n", shown, b, m1 / 1024, 2 * b, m2 / 1024, growth, further
    }'
done
