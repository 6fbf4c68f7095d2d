#!/usr/bin/env bash
# The IETF "Resumable Uploads for HTTP" draft on /api/uploads, driven by curl (issue 20), for interop versions 3
# (Upload-Incomplete) and 6, 7, 8 (Upload-Complete, application/partial-upload): create with a partial body, HEAD
# the offset, append, complete — the last request imports the file and names its asset, whose bytes must be the
# file's. Also: a wrong offset is 409, version 6 refuses an append that is not application/partial-upload (415),
# an unknown interop version is 400, and OPTIONS advertises Upload-Limit. The creating POST gets an informational
# 104 Upload Resumption Supported with the upload's Location before its final answer (curl -D shows both).
# Usage: ietf_curl_test.sh <obscura-binary>
set -euo pipefail

obscura="$1"
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in curl jq python3 ffmpeg cmp; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

work="$(mktemp -d -t obscura-ietf.XXXXXX)"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 \
    "$obscura" serve --data-dir "$work/data" --port "$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 200); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/healthz" >/dev/null || { cat "$work/server.log" >&2; fail "the server did not start"; }
curl -fsS -o /dev/null -X POST "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"username":"alice","password":"correct horse battery"}'
token="$(curl -fsS -X POST "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"username":"alice","password":"correct horse battery"}' | jq -r .accessToken)"
auth=(-H "Authorization: Bearer $token")

header() { grep -i "^$1:" "$2" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
status() { grep '^HTTP/' "$1" | tail -1 | cut -d' ' -f2; }  # the final answer's, after any 1xx

curl -sS -o /dev/null -D "$work/options" -X OPTIONS "$base/api/uploads"
[ "$(header Upload-Limit "$work/options")" != "" ] || fail "OPTIONS has no Upload-Limit"

for version in 3 6 7 8; do
    # A distinct video per version (else the later ones are duplicates of the first).
    ffmpeg -loglevel error -f lavfi -i "testsrc=size=160x120:rate=10" -t "$version" -pix_fmt yuv420p "$work/v$version.mp4"
    file="$work/v$version.mp4"
    size="$(stat -c %s "$file")"
    half=$((size / 2))
    head -c "$half" "$file" >"$work/first"
    tail -c +$((half + 1)) "$file" >"$work/rest"
    if [ "$version" = 3 ]; then more=(-H "Upload-Incomplete: ?1"); last=(-H "Upload-Incomplete: ?0"); type=(); \
    else more=(-H "Upload-Complete: ?0"); last=(-H "Upload-Complete: ?1"); type=(-H "Content-Type: application/partial-upload"); fi
    v=(-H "Upload-Draft-Interop-Version: $version")

    # create with the first half
    curl -sS -o /dev/null -D "$work/created" "${auth[@]}" "${v[@]}" "${more[@]}" -H "Content-Type: video/mp4" \
        --data-binary "@$work/first" "$base/api/uploads"
    [ "$(status "$work/created")" = 201 ] || fail "v$version create: $(cat "$work/created")"
    location="$(header Location "$work/created")"
    # the 104 came first, naming the same upload
    [ "$(grep '^HTTP/' "$work/created" | head -1 | cut -d' ' -f2-3)" = "104 Upload" ] ||
        fail "v$version create: no 104 before the answer: $(cat "$work/created")"
    [ "$(grep -ci '^Location:' "$work/created")" = 2 ] || fail "v$version create: the 104 has no Location"
    [ "$(header Upload-Offset "$work/created")" = "$half" ] || fail "v$version create: offset $(header Upload-Offset "$work/created")"

    # HEAD tells the offset and that the upload is not complete
    curl -sS -o /dev/null -D "$work/head" -I "${auth[@]}" "${v[@]}" "$base$location"
    [ "$(status "$work/head")" = 204 ] || fail "v$version HEAD: $(cat "$work/head")"
    [ "$(header Upload-Offset "$work/head")" = "$half" ] || fail "v$version HEAD offset"
    if [ "$version" = 3 ]; then [ "$(header Upload-Incomplete "$work/head")" = "?1" ] || fail "v3 HEAD Upload-Incomplete"
    else [ "$(header Upload-Complete "$work/head")" = "?0" ] || fail "v$version HEAD Upload-Complete"; fi

    # a wrong offset is 409; version 6+ insists on application/partial-upload
    code="$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH "${auth[@]}" "${v[@]}" "${last[@]}" "${type[@]}" \
        -H "Upload-Offset: 1" --data-binary "@$work/rest" "$base$location")"
    [ "$code" = 409 ] || fail "v$version wrong offset answered $code"
    if [ "$version" -ge 6 ]; then
        code="$(curl -sS -o /dev/null -w '%{http_code}' -X PATCH "${auth[@]}" "${v[@]}" "${last[@]}" \
            -H "Content-Type: application/octet-stream" -H "Upload-Offset: $half" --data-binary "@$work/rest" "$base$location")"
        [ "$code" = 415 ] || fail "v$version append without application/partial-upload answered $code"
    fi

    # append the rest and complete: the answer names the asset
    curl -sS -o "$work/done.json" -D "$work/done" -X PATCH "${auth[@]}" "${v[@]}" "${last[@]}" "${type[@]}" \
        -H "Upload-Offset: $half" --data-binary "@$work/rest" "$base$location"
    [ "$(status "$work/done")" = 200 ] || fail "v$version completing append: $(cat "$work/done" "$work/done.json")"
    asset="$(jq -r .assetId "$work/done.json")"
    [ "$(jq -r .status "$work/done.json")" = done ] || fail "v$version: $(cat "$work/done.json")"
    curl -fsS "${auth[@]}" "$base/api/assets/$asset/original" -o "$work/downloaded"
    cmp -s "$file" "$work/downloaded" || fail "v$version: the asset's bytes differ"
    [ "$(curl -fsS "${auth[@]}" "$base/api/assets/$asset" | jq -r .type)" = video ] || fail "v$version: not a video"
    echo "e2e: ietf: interop version $version: created with $half bytes, HEAD, appended, completed: asset $asset"
done

code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "${auth[@]}" -H "Upload-Draft-Interop-Version: 2" \
    --data-binary "x" "$base/api/uploads")"
[ "$code" = 400 ] || fail "interop version 2 answered $code"
echo "e2e: ietf: all cases passed"
