#!/usr/bin/env bash
# GET /api/map/markers on MariaDB (not a test): a private MariaDB (scripts/mariadb-test-server.sh, in a temp dir),
# migrated by the build, one account "bench" with N assets (default 100,000) put in by SQL, every one with a
# position; then, alternating rounds with the reference GET /api/assets?limit=100, the N markers from a server with
# the rendered-answer caches off and from one with the defaults (a hit after the first round), and the server's CPU
# per request. The table holds only these N assets (the SQLite bench's library has a million): the query is one
# range of the markers index per owner, so the rows of other owners would not be read.
# Usage: bench/map/mysql.sh BUILD_DIR [N] [ROUNDS]   (Release build of obscura and obscura_storage_mysql)
# REF_BUILD=DIR: also times the markers on that build (caches off) in the same rounds: before/after.
# Needs mariadbd, curl and python3.
set -euo pipefail

build="${1:?usage: mysql.sh BUILD_DIR [N] [ROUNDS]}"
n="${2:-100000}"
rounds="${3:-5}"
bin="$build/bin/obscura"
[ -x "$bin" ] || { echo "mysql.sh: $bin is missing" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mariadb="$here/../../scripts/mariadb-test-server.sh"
work="$(mktemp -d)"
data="$work/data"
mkdir -p "$data"
. "$here/lib.sh"
cleanup() {
    stop_servers
    "$mariadb" stop "$work/mariadb" || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "== $(nproc) cores; load: $(load); $n assets on MariaDB"
"$mariadb" start "$work/mariadb" >/dev/null
"$mariadb" create-db "$work/mariadb" obscura_bench obscura_bench 'bench db password'
server_env=(OBSCURA_STORAGE_PLUGIN=mysql
    "OBSCURA_DATABASE_URL=mysql://obscura_bench@127.0.0.1:$(cat "$work/mariadb/port")/obscura_bench"
    "OBSCURA_DATABASE_PASSWORD=bench db password")
env "${server_env[@]}" "$bin" migrate --data-dir "$data" >/dev/null
start_server prep "$bin"
curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
    "$url_prep/api/auth/register" >/dev/null
stop_servers

start=$(date +%s.%N)
# The same positions as bench/map/run.sh gives the SQLite library.
"$mariadb" sql "$work/mariadb" "USE obscura_bench;
SET @owner = (SELECT id FROM users WHERE username = 'bench');
SET unique_checks = 0; SET foreign_key_checks = 0;
INSERT INTO assets (id, owner_id, type, original_file_name, mime_type, size_bytes, checksum, width, height, taken_at,
  taken_at_us, created_at, created_at_us, updated_at, title, description, tags, is_favorite, is_archived, exif,
  latitude, longitude, storage_path, device_asset_id, device_id)
SELECT uuid(), @owner, 'image', CONCAT('IMG_', seq, '.JPG'), 'image/jpeg', 2000000 + (seq * 7919) % 4000000, SHA1(seq),
  4032, 3024, DATE_FORMAT(FROM_UNIXTIME(1262304000 + (seq * 2654435761) % 473040000), '%Y-%m-%dT%H:%i:%sZ'),
  (1262304000 + (seq * 2654435761) % 473040000) * 1000000 + seq % 1000000,
  '2024-05-01T12:00:00Z', 1714564800000000, '2024-05-01T12:00:00Z', '', '', '[]', seq % 20 = 0, 0,
  JSON_OBJECT('make', 'Canon', 'latitude', ((seq * 7919) % 160000) / 1000.0 - 80.0,
              'longitude', ((seq * 104729) % 358000) / 1000.0 - 179.0),
  ((seq * 7919) % 160000) / 1000.0 - 80.0, ((seq * 104729) % 358000) / 1000.0 - 179.0,
  CONCAT('library/x/', seq, '.jpg'), '', ''
FROM seq_1_to_$n;
ANALYZE TABLE assets;" >/dev/null
echo "$n assets with positions put in: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"

start_compared "$bin"
a="$(login "$url_plain" bench 'bench password 123')"
declare -A shapes=(
    [ref_assets_page]="$url_plain $a /api/assets?limit=100"
    [markers]="$url_plain $a /api/map/markers"
    [markers_cached]="$url_cached $a /api/map/markers"
)
order=(ref_assets_page markers markers_cached)
if [ -n "${REF_BUILD:-}" ]; then
    shapes[markers_ref_build]="$url_ref $a /api/map/markers"
    order+=(markers_ref_build)
fi
time_rounds "$rounds"
echo "== server CPU per request (ms; 10 requests a round, $rounds rounds alternating; the database's own CPU not"
echo "   included; load $(load)):"
cpu_shapes=("ref_assets_page $pid_plain $url_plain $a /api/assets?limit=100"
    "markers $pid_plain $url_plain $a /api/map/markers"
    "markers_cached $pid_cached $url_cached $a /api/map/markers")
[ -n "${REF_BUILD:-}" ] && cpu_shapes+=("markers_ref_build $pid_ref $url_ref $a /api/map/markers")
cpu_rounds "$rounds" 10 "${cpu_shapes[@]}"
echo "== load after: $(load)"
