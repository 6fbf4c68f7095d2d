#!/usr/bin/env bash
# `obscura import` throughput against POST /api/assets of the same files, in the same run (issue 23).
# Usage: bench/import/run.sh [OBSCURA_BINARY] [CORPUS_DIR] [ROUNDS] [JOBS]
#   defaults: build/bin/obscura (Release), /tmp/obscura-corpus (/work/shared/corpus/make-corpus.sh), 3 rounds, 2.
# Each round, alternating which goes first: (a) `obscura import CORPUS --jobs JOBS` into a fresh data dir with no
# server (derivatives excluded), then a server on that data dir until every thumbnail and preview is ready
# (included = import + that); (b) a server on another fresh data dir and JOBS curl processes posting the same files
# (excluded: until the last 201; included: until every derivative is ready). Ratio = import rate / POST rate.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/../../build/bin/obscura}"
corpus="${2:-/tmp/obscura-corpus}"
rounds="${3:-3}"
jobs="${4:-2}"
[ -x "$bin" ] || { echo "run.sh: no executable at $bin" >&2; exit 2; }
[ -d "$corpus" ] || { echo "run.sh: no corpus at $corpus (make it with make-corpus.sh)" >&2; exit 2; }
. "$here/../upload/common.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/obscura-import-bench-XXXXXX")"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2

files=$(find "$corpus" -maxdepth 1 -type f -name '*.jpg' | wc -l)
bytes=$(find "$corpus" -maxdepth 1 -type f -name '*.jpg' -printf '%s\n' | awk '{ s += $1 } END { print s }')
cat "$corpus"/*.jpg >/dev/null  # page cache: both sides read warm files
now() { date +%s.%N; }

# Waits until every asset of the signed-in user has its thumbnail and preview settled.
wait_derivatives() {
    while :; do
        left=$(curl -sf -H "Authorization: Bearer $token" "$url/api/assets?limit=500" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for a in items if "pending" in (a["derivatives"]["thumbnail"], a["derivatives"]["preview"])))')
        [ "$left" = 0 ] && return
        sleep 0.2
    done
}

stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

run_import() {  # prints: excluded_s included_s
    local w="$work/import-$1"
    mkdir -p "$w"
    OBSCURA_USER_PASSWORD='bench password 123' "$bin" user create --username bench --data-dir "$w/data" >/dev/null 2>&1
    local t0 t1 t2
    t0=$(now)
    OBSCURA_LOG_LEVEL=warn "$bin" import --user bench --jobs "$jobs" --data-dir "$w/data" "$corpus" >"$w/summary.json" 2>"$w/import.log"
    t1=$(now)
    start_server "$bin" "$w" || true  # its registration fails: the user exists; it signs in
    token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
    wait_derivatives
    t2=$(now)
    stop_server
    python3 -c "import json; s = json.load(open('$w/summary.json')); assert s['imported'] == $files, s"
    echo "$(python3 -c "print(f'{$t1 - $t0:.2f} {$t2 - $t0:.2f}')")"
    rm -rf "$w"
}

run_post() {  # prints: excluded_s included_s
    local w="$work/post-$1"
    mkdir -p "$w"
    start_server "$bin" "$w"
    local t0 t1 t2
    t0=$(now)
    find "$corpus" -maxdepth 1 -type f -name '*.jpg' -print0 |
        xargs -0 -P "$jobs" -I{} curl -sf -o /dev/null -H "Authorization: Bearer $token" -F 'assetData=@{}' \
            "$url/api/assets"
    t1=$(now)
    wait_derivatives
    t2=$(now)
    stop_server
    echo "$(python3 -c "print(f'{$t1 - $t0:.2f} {$t2 - $t0:.2f}')")"
    rm -rf "$w"
}

echo "corpus: $files files, $bytes bytes; jobs $jobs; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
ex_ratios=() in_ratios=()
rate() { python3 -c "print(f'{$files / $1:.1f} files/s, {$bytes / $1 / 1e6:.1f} MB/s')"; }
for r in $(seq "$rounds"); do
    if [ $((r % 2)) = 1 ]; then i=$(run_import "$r"); p=$(run_post "$r"); else p=$(run_post "$r"); i=$(run_import "$r"); fi
    read -r ie ii <<<"$i"
    read -r pe pi <<<"$p"
    exr=$(python3 -c "print(f'{$pe / $ie:.2f}')")
    inr=$(python3 -c "print(f'{$pi / $ii:.2f}')")
    ex_ratios+=("$exr")
    in_ratios+=("$inr")
    echo "round $r (load $(cut -d' ' -f1 /proc/loadavg)): import ${ie}s = $(rate "$ie") | POST ${pe}s = $(rate "$pe") | ratio ${exr}x;" \
        "with derivatives: import ${ii}s = $(rate "$ii") | POST ${pi}s = $(rate "$pi") | ratio ${inr}x"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "RESULT import/POST median ratio: derivatives excluded $(median "${ex_ratios[@]}")x, included $(median "${in_ratios[@]}")x over $rounds rounds"
