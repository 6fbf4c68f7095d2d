#!/usr/bin/env bash
# The uncached listing (images.listingCacheBytes=0: every page read from the database and rendered) before/after,
# measured so that the machine's load hardly moves it: the server's own CPU time per request (utime + stime of the
# process from /proc over a wrk run, divided by the requests wrk completed), next to wrk's req/s and p99 and the
# same for bare Beast answering the same bytes. Servers of BUILD and REF_BUILD run on one data dir (WAL: readers do
# not block each other) and are driven in alternating rounds, the bare server in the same rounds.
# Usage: bench/listing/cpu.sh BUILD_DIR DATA_DIR [ROUNDS] [SECONDS] [CONNECTIONS]
#   DATA_DIR: a seeded library with the account "bench" (bench/listing/seed-sqlite.sh; /work/perf-state/sq1m).
#   REF_BUILD=DIR: also the server of that build (e.g. main's), caches off, in the same rounds.
#   NEW_ENV / REF_ENV="NAME=VALUE …": extra environment for the new / reference server (REF_BUILD may be BUILD_DIR
#   itself, to compare a setting such as GLIBC_TUNABLES=glibc.malloc.trim_threshold=… on one binary).
#   BARE_BUILD=DIR: where obscura_bench_bare_beast is (default BUILD_DIR).
#   PATH_QUERY: the request (default /api/assets?limit=100).
# Needs curl, wrk, python3.
set -euo pipefail

build="${1:?usage: cpu.sh BUILD_DIR DATA_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}"
data="${2:?usage: cpu.sh BUILD_DIR DATA_DIR [ROUNDS] [SECONDS] [CONNECTIONS]}"
rounds="${3:-3}"
seconds="${4:-10}"
connections="${5:-32}"
path_query="${PATH_QUERY:-/api/assets?limit=100}"
bare_bin="${BARE_BUILD:-$build}/bin/obscura_bench_bare_beast"
work="$(mktemp -d)"
server_env=(OBSCURA_SERVER_MAX_CONNECTIONS_PER_IP=4096)
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../map/lib.sh"
bare=""
cleanup() {
    stop_servers
    [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== $(nproc) cores; load: $(load); wrk -t2 -c$connections -d${seconds}s $path_query, $rounds rounds"
"$build/bin/obscura" migrate --data-dir "$data" >/dev/null
names=(new)
read -ra new_env <<<"${NEW_ENV:-}"
read -ra ref_env <<<"${REF_ENV:-}"
start_server new "$build/bin/obscura" OBSCURA_IMAGES_LISTING_CACHE_BYTES=0 "${new_env[@]}"
if [ -n "${REF_BUILD:-}" ]; then
    start_server ref "$REF_BUILD/bin/obscura" OBSCURA_IMAGES_LISTING_CACHE_BYTES=0 "${ref_env[@]}"
    names+=(ref)
fi
token="$(login "$url_new" bench 'bench password 123')"
curl -sf -o "$work/page.json" -H "Authorization: Bearer $token" "$url_new$path_query"
for name in "${names[@]}"; do
    eval "url=\$url_$name"
    # Same bytes from every build (nextCursor included): the change must not show in the answer.
    curl -sf -H "Authorization: Bearer $token" "$url$path_query" | cmp - "$work/page.json" ||
        { echo "cpu.sh: $name answers different bytes" >&2; exit 1; }
done
echo "answer: $(wc -c <"$work/page.json") bytes"
"$bare_bin" 0 "$work/page.json" "$(nproc)" >"$work/bare.log" &
bare=$!
for _ in $(seq 50); do grep -q listening "$work/bare.log" && break; sleep 0.1; done
url_bare="http://127.0.0.1:$(grep -o '127.0.0.1:[0-9]*' "$work/bare.log" | grep -o '[0-9]*$')"
pid_bare=$bare

# one NAME: a warm-up second, then a timed wrk run; appends "NAME cpu_us_per_request req_per_s p99_ms" to results.
one() {
    local name="$1" pid url before after out
    eval "pid=\$pid_$name; url=\$url_$name"
    wrk -t 2 -c "$connections" -d 1s -H "Authorization: Bearer $token" "$url$path_query" >/dev/null
    before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    out="$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency -H "Authorization: Bearer $token" "$url$path_query")"
    after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    python3 - "$name" "$before" "$after" "$(getconf CLK_TCK)" "$out" >>"$work/results" <<'PY'
import re, sys
name, before, after, tck, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
requests = int(re.search(r"(\d+) requests in", out).group(1))
rate = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
if re.search(r"Non-2xx", out): sys.exit(f"{name}: non-2xx answers")
print(name, round((after - before) / tck * 1e6 / requests, 1), rate, p99)
PY
    tail -1 "$work/results"
}
for round in $(seq "$rounds"); do
    echo "-- round $round, load $(load)"
    for name in "${names[@]}" bare; do one "$name"; done
done
echo "== medians of $rounds rounds (load after: $(load)):"
python3 - "$work/results" <<'PY'
import sys, statistics, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, cpu, rate, p99 = line.split()
    t[name].append((float(cpu), float(rate), float(p99)))
bare = statistics.median(r for _, r, _ in t["bare"])
for name, rows in t.items():
    cpu = statistics.median(c for c, _, _ in rows)
    rate = statistics.median(r for _, r, _ in rows)
    p99 = statistics.median(p for _, _, p in rows)
    ratios = " / ".join(f"{r / b:.2f}" for (_, r, _), (_, b, _) in zip(rows, t["bare"]))
    print(f"{name:5s} server CPU {cpu:7.1f} us/request  {rate:8.0f} req/s  p99 {p99:6.2f} ms  "
          f"ratio to bare (per round) {ratios}")
PY
