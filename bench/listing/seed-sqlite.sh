#!/usr/bin/env bash
# Fills a kept data dir for bench/listing/run.sh (KEEP_DATA=DIR COLLECT_KEYS=1) with ASSETS assets of the bench
# account by SQL straight into SQLite, in one transaction with a 3 GB page cache: about 2 minutes on the 2-core VM
# where the repository path (obscura_bench_listing's createAsset, 2 MB cache) took 8 minutes idle and 30+ loaded.
# The rows are shaped like the bench's own (IMG_n.JPG/.MP4 names, 10 % videos, 5 % favourites, 1 % archived, 3 %
# tagged beach+family, Canon EOS R5 EXIF, taken over fifteen years); the schema's triggers fill the search index,
# and the library version as for uploads; the usage totals are written at the end. No ANALYZE (the server runs none).
# Usage: bench/listing/seed-sqlite.sh BUILD_DIR DATA_DIR [ASSETS]
set -euo pipefail
build="$1"
data="$2"
assets="${3:-1000000}"
[ -e "$data/obscura.db" ] && { echo "seed-sqlite.sh: $data already holds a database" >&2; exit 2; }
mkdir -p "$data"
log="$(mktemp)"
OBSCURA_SERVER_HOST=127.0.0.1 "$build/bin/obscura" serve --port 0 --data-dir "$data" 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 300); do grep -q 'listening on' "$log" && break; sleep 0.1; done
port="$(grep -o 'listening on [^ ]*:[0-9]*' "$log" | grep -o '[0-9]*$')"
curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
    "http://127.0.0.1:$port/api/auth/register" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' \
    >"$data/bench-owner"
kill "$server" && wait "$server" 2>/dev/null || true
owner="$(cat "$data/bench-owner")"
time sqlite3 "$data/obscura.db" <<SQL
PRAGMA cache_size=-3000000; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;
BEGIN;
INSERT INTO assets (id, owner_id, type, original_file_name, mime_type, size_bytes, checksum, width, height, taken_at,
  taken_at_us, created_at, created_at_us, updated_at, tags, is_favorite, is_archived, exif, storage_path)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)
       || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
  '$owner', CASE WHEN value % 10 = 0 THEN 'video' ELSE 'image' END,
  'IMG_' || value || CASE WHEN value % 10 = 0 THEN '.MP4' ELSE '.JPG' END,
  CASE WHEN value % 10 = 0 THEN 'video/mp4' ELSE 'image/jpeg' END, 2000000 + abs(random()) % 4000000,
  lower(hex(randomblob(20))), 4032, 3024, strftime('%Y-%m-%dT%H:%M:%SZ', t / 1000000, 'unixepoch'), t,
  '2024-05-01T12:00:00Z', 1714564800000000, '2024-05-01T12:00:00Z',
  CASE WHEN value % 33 = 0 THEN '["beach","family"]' ELSE '[]' END, value % 20 = 0, value % 100 = 99,
  '{"make":"Canon","model":"EOS R5"}', 'library/x/' || value || '.jpg'
FROM (SELECT value, 1262304000000000 + abs(random()) % 473040000000000 AS t FROM generate_series(1, $assets));
INSERT INTO asset_tags (asset_id, owner_id, tag, taken_at_us)
  SELECT id, owner_id, 'beach', taken_at_us FROM assets WHERE tags <> '[]';
INSERT INTO asset_tags (asset_id, owner_id, tag, taken_at_us)
  SELECT id, owner_id, 'family', taken_at_us FROM assets WHERE tags <> '[]';
-- The usage totals are kept in code by the repository's writes, which this bypasses.
INSERT INTO asset_usage (owner_id, assets, images, videos, live_images, live_videos, bytes_originals)
  SELECT owner_id, count(*), sum(type = 'image'), sum(type = 'video'), sum(type = 'image' AND is_trashed = 0),
         sum(type = 'video' AND is_trashed = 0), sum(size_bytes) FROM assets GROUP BY owner_id
  ON CONFLICT (owner_id) DO UPDATE SET assets = excluded.assets, images = excluded.images, videos = excluded.videos,
    live_images = excluded.live_images, live_videos = excluded.live_videos, bytes_originals = excluded.bytes_originals;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
