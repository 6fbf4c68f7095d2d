#!/usr/bin/env bash
# Smoke test of a freshly started, empty Obscura at $URL — the container that container-check runs (.ci/run):
# checks the web UI is served, creates the admin (the first account), uploads a real JPEG made here with ffmpeg,
# reads the original back, and waits for its WebP thumbnail. Needs curl, python3 and ffmpeg on the host; vipsheader (libvips-tools) is used to
# check the thumbnail's size when present. Exit 0 when everything holds; else the failing step and the answer.
set -euo pipefail
: "${URL:?set URL to the base URL of the server, e.g. http://127.0.0.1:8080}"

work="$(mktemp -d -t obscura-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT
step() { echo "smoke: $*"; }
fail() { echo "smoke FAIL: $*" >&2; [ -f "$work/body" ] && head -c 400 "$work/body" >&2 && echo >&2; exit 1; }
# request METHOD PATH [curl args...]: the status code on stdout, the body in $work/body, the headers in $work/headers.
request() {
    local method=$1 path=$2; shift 2
    curl -sS --max-time 60 -X "$method" -o "$work/body" -D "$work/headers" -w '%{http_code}' "$@" "$URL$path"
}
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"d": d}))' "$work/body" "$1"; }

code=$(request GET /readyz); [ "$code" = 200 ] || fail "GET /readyz answered $code"
step "ready"

code=$(request GET /); [ "$code" = 200 ] || fail "GET / (the web UI) answered $code"
grep -qi '^content-type: text/html' "$work/headers" || fail "GET / is not the web UI's HTML page"
step "web UI served at /"

code=$(request GET /api/auth/setup); [ "$code" = 200 ] || fail "GET /api/auth/setup answered $code"
[ "$(json 'd["setupRequired"]')" = True ] || fail "a fresh container should need its first account"

password="smoke test passphrase $(date +%s)"
body=$(python3 -c 'import json,sys; print(json.dumps({"username": "admin", "password": sys.argv[1]}))' "$password")
code=$(request POST /api/auth/register -H 'Content-Type: application/json' -d "$body")
[ "$code" = 201 ] || fail "POST /api/auth/register answered $code"
[ "$(json 'd["isAdmin"]')" = True ] || fail "the first account is not an admin"
step "admin created"

code=$(request POST /api/auth/login -H 'Content-Type: application/json' -d "$body")
[ "$code" = 200 ] || fail "POST /api/auth/login answered $code"
token=$(json 'd["accessToken"]')
auth=(-H "Authorization: Bearer $token")
step "signed in"

# A real photo: ffmpeg's test pattern as a 640x480 JPEG.
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=640x480:rate=1 -frames:v 1 -q:v 3 "$work/photo.jpg" \
    || fail "ffmpeg could not make the test photo"
code=$(request POST /api/assets "${auth[@]}" -F "assetData=@$work/photo.jpg;type=image/jpeg" -F "title=Smoke test")
[ "$code" = 201 ] || fail "POST /api/assets answered $code"
[ "$(json 'd["status"]')" = created ] || fail "upload status is not created"
[ "$(json 'd["type"]')" = image ] || fail "the upload is not an image"
id=$(json 'd["id"]')
size="$(json 'd["width"]')x$(json 'd["height"]')"; mime=$(json 'd["mimeType"]')
step "uploaded $id, $size $mime"

code=$(request GET "/api/assets/$id/original" "${auth[@]}"); [ "$code" = 200 ] || fail "GET original answered $code"
cmp -s "$work/body" "$work/photo.jpg" || fail "the original read back differs from the uploaded bytes"
step "original read back byte for byte"

code=$(request GET "/api/assets/$id/thumbnail?wait=30" "${auth[@]}")
[ "$code" = 200 ] || fail "GET /api/assets/$id/thumbnail?wait=30 answered $code"
grep -qi '^content-type: image/webp' "$work/headers" || fail "thumbnail is not image/webp: $(grep -i '^content-type' "$work/headers")"
[ "$(head -c 4 "$work/body")" = RIFF ] && [ "$(tail -c +9 "$work/body" | head -c 4)" = WEBP ] || fail "thumbnail bytes are not WebP"
if command -v vipsheader >/dev/null 2>&1; then
    cp "$work/body" "$work/thumb.webp"
    w=$(vipsheader -f width "$work/thumb.webp"); h=$(vipsheader -f height "$work/thumb.webp")
    short=$(( w < h ? w : h ))
    [ "$short" = 250 ] || fail "thumbnail is ${w}x${h}, its shorter side should be 250 px"
    step "thumbnail ${w}x${h} WebP"
else
    step "thumbnail is WebP ($(wc -c <"$work/body") bytes)"
fi
echo "smoke: passed"
