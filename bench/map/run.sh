#!/usr/bin/env bash
# Map markers, memories and the search filters at a million assets (not a test). In one run, on one machine:
#   1. copies a seeded 1,000,000-asset SQLite library (SEED, default /work/perf-state/sq1m: bench/listing's
#      seed-sqlite.sh shape, account "bench") and migrates it (the finding migration is timed: columns, backfill,
#      two indexes on a million rows);
#   2. gives every asset a position (deterministic, spread over the world) and moves 100,000 of them to a second
#      account, which shares its library with the first (in its timeline);
#   3. starts two servers on that library, one with the rendered-answer caches off (images.listingCacheBytes=0,
#      images.mapCacheBytes=0: every request reads and renders) and one with the defaults, and times, alternating
#      rounds with the reference GET /api/assets?limit=100: GET /api/map/markers for 100,000 markers (the second
#      account), 900,000 (the first) and 1,000,000 (the first, withPartners=true); memories for one day; search by
#      make and near a place; then the 100,000 markers again on the caching server (a hit after the first round);
#   4. measures the server's own CPU time per request for the 100,000 markers (utime+stime of the process from
#      /proc over CPU_REQUESTS requests, default 20): unlike the wall time, it hardly moves with the machine's load.
# Usage: bench/map/run.sh BUILD_DIR [ROUNDS]   (Release build of obscura and obscura_storage_sqlite)
# REF_BUILD=DIR: also times the 100,000 markers on that build (caches off) in the same rounds: before/after.
# KEEP_DATA=DIR keeps the prepared library (steps 1-2, 20+ minutes under load) in DIR and reuses it on the next run
# (migrating it if the build has new migrations). Delete DIR to start over.
# Needs curl, sqlite3, python3.
set -euo pipefail

build="${1:?usage: run.sh BUILD_DIR [ROUNDS]}"
rounds="${2:-5}"
seed="${SEED:-/work/perf-state/sq1m}"
cpu_requests="${CPU_REQUESTS:-20}"
bin="$build/bin/obscura"
[ -x "$bin" ] || { echo "run.sh: $bin is missing" >&2; exit 2; }
work="$(mktemp -d)"
data="${KEEP_DATA:-$work/data}"
server_env=()
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"
cleanup() {
    stop_servers
    rm -rf "$work"
}
trap cleanup EXIT

echo "== $(nproc) cores; load: $(load); seed $seed"
if [ -f "$data/map-second" ]; then
    echo "reusing the prepared library in $data"
    "$bin" migrate --data-dir "$data" | tail -3
else
    rm -rf "$data"
    cp -r "$seed" "$data"
    rm -f "$data"/obscura.db-wal "$data"/obscura.db-shm
    start=$(date +%s.%N)
    "$bin" migrate --data-dir "$data" | grep -i finding
    echo "migration finding on 1,000,000 assets: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"

    start_server prep "$bin"
    owner="$(cat "$data/bench-owner")"
    second="$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench2","password":"bench password 123"}' \
        "$url_prep/api/auth/register" | json_field '["id"]')"
    stop_servers

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
    echo "$second" >"$data/map-second"
fi

# Servers on the one library (WAL: readers do not block each other): caches off, the defaults, and with REF_BUILD
# (an older build, e.g. main's) that build with caches off, timed in the same rounds.
start_compared "$bin"
a="$(login "$url_plain" bench 'bench password 123')"
b="$(login "$url_plain" bench2 'bench password 123')"
declare -A shapes=(
    [ref_assets_page]="$url_plain $a /api/assets?limit=100"
    [markers_100k]="$url_plain $b /api/map/markers"
    [markers_100k_cached]="$url_cached $b /api/map/markers"
    [markers_900k]="$url_plain $a /api/map/markers"
    [markers_1m_partners]="$url_plain $a /api/map/markers?withPartners=true"
    [memories_day]="$url_plain $a /api/memories?for=2020-07-04"
    [search_make_page]="$url_plain $a /api/search?make=canon&limit=100"
    [search_near_50km_page]="$url_plain $a /api/search?near=48.85,2.29,50&limit=100"
)
order=(ref_assets_page markers_100k markers_100k_cached markers_900k markers_1m_partners memories_day search_make_page
    search_near_50km_page)
if [ -n "${REF_BUILD:-}" ]; then
    shapes[markers_100k_ref_build]="$url_ref $b /api/map/markers"
    order+=(markers_100k_ref_build)
fi
time_rounds "$rounds"

echo "== server CPU per request (ms; $cpu_requests requests a round, $rounds rounds alternating; load $(load)):"
cpu_shapes=("ref_assets_page $pid_plain $url_plain $a /api/assets?limit=100"
    "markers_100k $pid_plain $url_plain $b /api/map/markers"
    "markers_100k_cached $pid_cached $url_cached $b /api/map/markers")
[ -n "${REF_BUILD:-}" ] && cpu_shapes+=("markers_100k_ref_build $pid_ref $url_ref $b /api/map/markers")
cpu_rounds "$rounds" "$cpu_requests" "${cpu_shapes[@]}"
echo "== load after: $(load)"
