#!/usr/bin/env bash
# GET /api/duplicates over 1,000,000 assets (900,000 hashed images) and GET /api/assets/{id}/related for one asset,
# end to end through HTTP on SQLite. The library comes from bench/listing/seed-sqlite.sh (any obscura build can seed
# it), the hashes from seed_hashes.py; the reference in the same run is GET /api/assets?limit=100 (a listing page).
# Usage: bench/dupes/run.sh BUILD_DIR DATA_DIR [ROUNDS=3]
set -euo pipefail
build="$1"
data="$2"
rounds="${3:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
start() {
    OBSCURA_SERVER_HOST=127.0.0.1 "$build/bin/obscura" serve --port 0 --data-dir "$data" 2>"$log" &
    server=$!
    for _ in $(seq 600); do grep -q 'listening on' "$log" && break; sleep 0.1; done
    port="$(grep -o 'listening on [^ ]*:[0-9]*' "$log" | grep -o '[0-9]*$')"
}
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
if ! sqlite3 "$data/obscura.db" "SELECT 1 FROM asset_phashes LIMIT 1" 2>/dev/null | grep -q 1; then
    start  # migrates: asset_phashes exists from here on
    kill "$server" && wait "$server" 2>/dev/null || true
    python3 "$here/seed_hashes.py" "$data"
fi
start
token="$(curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
    "http://127.0.0.1:$port/api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
asset="$(sqlite3 "$data/obscura.db" "SELECT asset_id FROM asset_phashes WHERE latitude IS NOT NULL LIMIT 1")"
time_of() { curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port$1"; }
echo "load: $(uptime)"
for r in $(seq "$rounds"); do
    echo "round $r: listing $(time_of '/api/assets?limit=100') s," \
         "duplicates $(time_of '/api/duplicates') s," \
         "related $(time_of "/api/assets/$asset/related") s," \
         "listing $(time_of '/api/assets?limit=100') s"
done
groups="$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/duplicates" |
    python3 -c 'import json,sys; g=json.load(sys.stdin); print(len(g), "groups,", sum(len(x["assets"]) for x in g), "assets")')"
echo "duplicates: $groups"
echo "load: $(uptime)"
