#!/usr/bin/env bash
# Map markers, memories and the search filters at a million assets (not a test). In one run, on one machine:
#   1. copies a seeded 1,000,000-asset SQLite library (SEED, default /work/perf-state/sq1m: bench/listing's
#      seed-sqlite.sh shape, account "bench") and migrates it (the finding migration is timed: columns, backfill,
#      two indexes on a million rows);
#   2. gives every asset a position (deterministic, spread over the world) and moves 100,000 of them to a second
#      account, which shares its library with the first (in its timeline);
#   3. times, alternating rounds with the reference GET /api/assets?limit=100: GET /api/map/markers for 100,000
#      markers (the second account), 900,000 (the first) and 1,000,000 (the first, withPartners=true); memories for
#      one day; search by make and near a place.
# Usage: bench/map/run.sh BUILD_DIR [ROUNDS]   (Release build of obscura and obscura_storage_sqlite)
# Needs curl, sqlite3, python3.
set -euo pipefail

build="${1:?usage: run.sh BUILD_DIR [ROUNDS]}"
rounds="${2:-5}"
seed="${SEED:-/work/perf-state/sq1m}"
bin="$build/bin/obscura"
[ -x "$bin" ] || { echo "run.sh: $bin is missing" >&2; exit 2; }
work="$(mktemp -d)"
data="$work/data"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== $(nproc) cores; load: $(uptime | sed 's/.*load average: //'); seed $seed"
cp -r "$seed" "$data"
rm -f "$data"/obscura.db-wal "$data"/obscura.db-shm
start=$(date +%s.%N)
"$bin" migrate --data-dir "$data" | grep -i finding
echo "migration finding 1 on 1,000,000 assets: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"

start_server() {
    : >"$work/log"
    OBSCURA_LOG_ACCESS_LOG=false OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_AUTH_REGISTRATION=open \
        "$bin" serve --port 0 --data-dir "$data" 2>"$work/log" &
    server=$!
    port=""
    for _ in $(seq 600); do
        port="$(grep -o 'listening on [^ ]*:[0-9]*' "$work/log" | tail -1 | grep -o '[0-9]*$' || true)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$work/log" >&2; exit 1; }
    url="http://127.0.0.1:$port"
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() { curl -sf -u "$1:$2" -X POST "$url/api/auth/login" | json_field '["accessToken"]'; }

start_server
owner="$(cat "$data/bench-owner")"
second="$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench2","password":"bench password 123"}' \
    "$url/api/auth/register" | json_field '["id"]')"
kill "$server" && wait "$server" 2>/dev/null || true
server=""

start=$(date +%s.%N)
sqlite3 "$data/obscura.db" <<SQL
PRAGMA synchronous=OFF;
BEGIN;
UPDATE assets SET latitude = ((seq * 7919) % 160000) / 1000.0 - 80.0, longitude = ((seq * 104729) % 358000) / 1000.0 - 179.0;
UPDATE assets SET exif = json_set(exif, '$.latitude', latitude, '$.longitude', longitude);
UPDATE assets SET owner_id = '$second' WHERE seq % 10 = 3;
INSERT INTO partners (shared_by_id, shared_with_id, in_timeline, created_at, created_at_us)
VALUES ('$second', '$owner', 1, '2024-05-01T12:00:00Z', 1714564800000000);
COMMIT;
ANALYZE;
SQL
echo "positions for 1,000,000 assets, 100,000 moved to a partner: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"

start_server
a="$(login bench 'bench password 123')"
b="$(login bench2 'bench password 123')"
# time_total in ms of one GET; the body's size and (for arrays) length checked once.
timed() { curl -s -o "$work/body" -w '%{time_total}' -H "Authorization: Bearer $1" "$url$2" | python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))'; }
count() { curl -s -H "Authorization: Bearer $1" "$url$2" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(b) if isinstance(b, list) else len(b["items"]))'; }
declare -A shapes=(
    [ref_assets_page]="$a /api/assets?limit=100"
    [markers_100k]="$b /api/map/markers"
    [markers_900k]="$a /api/map/markers"
    [markers_1m_partners]="$a /api/map/markers?withPartners=true"
    [memories_day]="$a /api/memories?for=2020-07-04"
    [search_make_page]="$a /api/search?make=canon&limit=100"
    [search_near_50km_page]="$a /api/search?near=48.85,2.29,50&limit=100"
)
order=(ref_assets_page markers_100k markers_900k markers_1m_partners memories_day search_make_page search_near_50km_page)
for name in "${order[@]}"; do
    set -- ${shapes[$name]}
    echo "$name: $(count "$1" "$2") items"
done
for r in $(seq "$rounds"); do
    for name in "${order[@]}"; do
        set -- ${shapes[$name]}
        echo "$name $(timed "$1" "$2")" >>"$work/times"
    done
done
echo "== medians of $rounds rounds (ms, curl time_total on 127.0.0.1, alternating):"
python3 - "$work/times" <<'PY'
import sys, statistics, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, ms = line.split()
    t[name].append(float(ms))
for name, ms in t.items():
    print(f"{name:24s} median {statistics.median(ms):8.1f}  min {min(ms):8.1f}  max {max(ms):8.1f}")
PY
echo "== load after: $(uptime | sed 's/.*load average: //')"
