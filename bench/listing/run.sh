#!/usr/bin/env bash
# Listing at a million assets (not a test). In one run, on one machine:
#   1. the keyset page time at the storage API (obscura_bench_listing: 1,000,000 rows inserted in one
#      transaction, pages of 100 at 90% depth), and
#   2. authenticated GET /api/assets?limit=100 requests/s with wrk against the Release server (the page comes
#      from the listing cache after the first request), again with the cache off (every page read from
#      SQLite and rendered), then against a bare Beast server (obscura_bench_bare_beast) answering the very
#      same bytes.
# Usage: bench/listing/run.sh [BUILD_DIR] [ASSETS] [SECONDS] [CONNECTIONS]
#   defaults: build (configure it with -DCMAKE_BUILD_TYPE=Release -DOBSCURA_BUILD_BENCH=ON), 1000000, 20, 32.
# Needs curl, wrk and python3. The server runs with the access log off and server.maxConnectionsPerIp raised.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
assets="${2:-1000000}"
seconds="${3:-20}"
connections="${4:-32}"
bin="$build/bin/obscura"
for program in "$bin" "$build/bin/obscura_bench_listing" "$build/bin/obscura_bench_bare_beast"; do
    [ -x "$program" ] || { echo "run.sh: $program is missing (build with -DOBSCURA_BUILD_BENCH=ON)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 2; }

work="$(mktemp -d)"
server=""
bare=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    [ -n "$bare" ] && kill "$bare" 2>/dev/null && wait "$bare" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start_server() {
    : >"$work/log"
    OBSCURA_LOG_ACCESS_LOG=false OBSCURA_SERVER_MAX_CONNECTIONS_PER_IP=4096 \
        OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_IMAGES_LISTING_CACHE_BYTES="${cache_bytes:-33554432}" "$bin" serve --port 0 --data-dir "$work/data" 2>"$work/log" &
    server=$!
    port=""
    for _ in $(seq 300); do
        port="$(grep -o 'listening on [^ ]*:[0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*$' || true)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$work/log" >&2; echo "run.sh: the server did not start" >&2; exit 1; }
    url="http://127.0.0.1:$port"
}
stop_server() {
    kill "$server" && wait "$server" 2>/dev/null || true
    server=""
    : >"$work/log"
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

echo "== $(nproc) cores, $(uname -r); $assets assets; wrk $connections connections for ${seconds}s"
start_server
owner="$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
    "$url/api/auth/register" | json_field '["id"]')"
stop_server

"$build/bin/obscura_bench_listing" --plugin-dir "$build/lib/obscura/plugins" --data-dir "$work/data" \
    --owner "$owner" --count "$assets" --runs 500

start_server
token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
curl -sf -o "$work/page.json" -H "Authorization: Bearer $token" "$url/api/assets?limit=100"
echo "GET /api/assets?limit=100: $(wc -c <"$work/page.json") bytes, $(python3 -c "import json;print(len(json.load(open('$work/page.json'))['items']))" ) items"

run_wrk() {
    wrk -t 2 -c "$connections" -d "${seconds}s" --latency -H "Authorization: Bearer $token" "$1" |
        grep -E 'Requests/sec|Non-2xx|Socket errors|50%|99%|requests in'
}
wrk -t 2 -c "$connections" -d 3s -H "Authorization: Bearer $token" "$url/api/assets?limit=100" >/dev/null  # warm up
echo "-- obscura (Release, JWT auth, SQLite; the page from the listing cache after the first request):"
run_wrk "$url/api/assets?limit=100" | tee "$work/obscura.txt"
stop_server
# The same with the cache off: what every request costs right after a change to the library.
cache_bytes=0 start_server
token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
echo "-- obscura, listing cache off (images.listingCacheBytes=0: every page read and rendered):"
run_wrk "$url/api/assets?limit=100" | tee "$work/uncached.txt"
stop_server

"$build/bin/obscura_bench_bare_beast" 0 "$work/page.json" "$(nproc)" >"$work/bare.log" &
bare=$!
for _ in $(seq 50); do grep -q listening "$work/bare.log" && break; sleep 0.1; done
bare_port="$(grep -o '127.0.0.1:[0-9]*' "$work/bare.log" | grep -o '[0-9]*$')"
wrk -t 2 -c "$connections" -d 3s "http://127.0.0.1:$bare_port/api/assets?limit=100" >/dev/null
echo "-- bare Beast, same bytes:"
run_wrk "http://127.0.0.1:$bare_port/api/assets?limit=100" | tee "$work/bare.txt"

python3 - "$work/obscura.txt" "$work/uncached.txt" "$work/bare.txt" <<'PY'
import re, sys
rate = lambda f: float(re.search(r"Requests/sec:\s*([\d.]+)", open(f).read()).group(1))
o, u, b = rate(sys.argv[1]), rate(sys.argv[2]), rate(sys.argv[3])
print(f"obscura / bare = {o:.0f} / {b:.0f} = {o / b:.2f}")
print(f"obscura, cache off / bare = {u:.0f} / {b:.0f} = {u / b:.2f}")
PY
