#!/usr/bin/env bash
# Listing at a million assets (not a test). In one run, on one machine:
#   1. the keyset page time at the storage API (obscura_bench_listing: 1,000,000 rows inserted in one
#      transaction, pages of 100 at 90% depth), and
#   2. authenticated GET /api/assets?limit=100 requests/s with wrk against the Release server (the page comes
#      from the listing cache after the first request), again with the cache off (every page read from
#      SQLite and rendered), then against a bare Beast server (obscura_bench_bare_beast) answering the very
#      same bytes.
# Usage: bench/listing/run.sh [BUILD_DIR] [ASSETS] [SECONDS] [CONNECTIONS] [PARTNERS]
#   defaults: build (configure it with -DCMAKE_BUILD_TYPE=Release -DOBSCURA_BUILD_BENCH=ON), 1000000, 20, 32, 0.
#   PARTNERS > 0: that many more accounts share their libraries with the bench account, which puts them all in
#   its timeline; the ASSETS are dealt evenly to the 1 + PARTNERS libraries and every page (storage API and
#   HTTP, /api/assets?limit=100&withPartners=true) merges them. Also times the single-query alternative
#   (owner_id IN (…) … ORDER BY … LIMIT 101) straight on the SQLite file for comparison.
# KEEP_DATA=DIR keeps the data dir (database and the bench account) in DIR and reuses it on the next run: seeding a
# million rows takes 8-20 minutes on the 2-core VM, so rounds share one seeded library. Delete DIR to start over.
# RUNS=N: timed runs per storage-API shape (500).
# COLLECT_KEYS=1: the KEEP_DATA library was filled by SQL (bench/listing/seed-sqlite.sh); the bench reads its keys back.
# Needs curl, wrk and python3. The server runs with the access log off and server.maxConnectionsPerIp raised.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
assets="${2:-1000000}"
seconds="${3:-20}"
connections="${4:-32}"
partners="${5:-0}"
bin="$build/bin/obscura"
for program in "$bin" "$build/bin/obscura_bench_listing" "$build/bin/obscura_bench_bare_beast"; do
    [ -x "$program" ] || { echo "run.sh: $program is missing (build with -DOBSCURA_BUILD_BENCH=ON)" >&2; exit 2; }
done
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 2; }

work="$(mktemp -d)"
data="${KEEP_DATA:-$work/data}"
mkdir -p "$data"
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
        OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_IMAGES_LISTING_CACHE_BYTES="${cache_bytes:-33554432}" "$bin" serve --port 0 --data-dir "$data" 2>"$work/log" &
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
if [ -s "$data/bench-owner" ]; then
    owner="$(cat "$data/bench-owner")"
else
    owner="$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
        "$url/api/auth/register" | json_field '["id"]')"
    echo "$owner" >"$data/bench-owner"
fi
list_path="/api/assets?limit=100"
partner_ids=""
if [ "$partners" -gt 0 ]; then
    admin="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
    for i in $(seq "$partners"); do
        id="$(curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            -d "{\"username\":\"partner$i\",\"password\":\"bench password 123\"}" "$url/api/admin/users" |
            json_field '["id"]')"
        token_i="$(curl -sf -u "partner$i:bench password 123" -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
        curl -sf -o /dev/null -X POST -H "Authorization: Bearer $token_i" "$url/api/partners/$owner"
        curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
            -d '{"inTimeline":true}' "$url/api/partners/$id"
        partner_ids="${partner_ids:+$partner_ids,}$id"
    done
    list_path="/api/assets?limit=100&withPartners=true"
fi
stop_server

"$build/bin/obscura_bench_listing" --plugin-dir "$build/lib/obscura/plugins" --data-dir "$data" \
    --owner "$owner" --count "$assets" --runs "${RUNS:-500}" ${partner_ids:+--partners "$partner_ids"} \
    ${COLLECT_KEYS:+--collect-keys 1}

if [ -n "$partner_ids" ]; then
    # The alternative the repository does not use: one query over every owner, which must sort the owners' rows
    # beyond the cursor before its LIMIT (no single index range yields them in order).
    python3 - "$data/obscura.db" "$owner,$partner_ids" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
owners = sys.argv[2].split(",")
marks = ",".join("?" * len(owners))
where = f"owner_id IN ({marks}) AND is_trashed = 0 AND is_archived = 0"
(total,) = db.execute(f"SELECT COUNT(*) FROM assets WHERE {where}", owners).fetchone()
cursor = db.execute(f"SELECT taken_at_us, id FROM assets WHERE {where} ORDER BY taken_at_us DESC, id DESC"
                    f" LIMIT 1 OFFSET {total * 9 // 10}", owners).fetchone()
def timed(label, sql, args):
    times = []
    for _ in range(20):
        t0 = time.perf_counter(); rows = db.execute(sql, args).fetchall(); times.append(time.perf_counter() - t0)
    times.sort()
    plan = " | ".join(r[-1] for r in db.execute("EXPLAIN QUERY PLAN " + sql, args))
    print(f"single query owner_id IN (…), {label}: median {times[10]*1000:.3f} ms  max {times[-1]*1000:.3f} ms"
          f" ({len(rows)} rows; plan: {plan})")
order = " ORDER BY taken_at_us DESC, id DESC LIMIT 101"
timed("first page of 100", f"SELECT * FROM assets WHERE {where}" + order, owners)
timed("page of 100 at 90% depth", f"SELECT * FROM assets WHERE {where} AND (taken_at_us, id) < (?, ?)" + order,
      owners + list(cursor))
PY
fi

start_server
token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
curl -sf -o "$work/page.json" -H "Authorization: Bearer $token" "$url$list_path"
echo "GET $list_path: $(wc -c <"$work/page.json") bytes, $(python3 -c "import json;print(len(json.load(open('$work/page.json'))['items']))" ) items"

run_wrk() {
    wrk -t 2 -c "$connections" -d "${seconds}s" --latency -H "Authorization: Bearer $token" "$1" |
        grep -E 'Requests/sec|Non-2xx|Socket errors|50%|99%|requests in'
}
wrk -t 2 -c "$connections" -d 3s -H "Authorization: Bearer $token" "$url$list_path" >/dev/null  # warm up
echo "-- obscura (Release, JWT auth, SQLite; the page from the listing cache after the first request):"
run_wrk "$url$list_path" | tee "$work/obscura.txt"
stop_server
# The same with the cache off: what every request costs right after a change to the library.
cache_bytes=0 start_server
token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" | json_field '["accessToken"]')"
echo "-- obscura, listing cache off (images.listingCacheBytes=0: every page read and rendered):"
run_wrk "$url$list_path" | tee "$work/uncached.txt"
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
