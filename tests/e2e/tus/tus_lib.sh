# Shared by the tus e2e scripts (tus_e2e.sh, tus_s3_e2e.sh): a server started and awaited, a user's token, a
# video of a given size that imports as a video, and the check that an asset holds exactly its bytes. The caller
# sets obscura, work, pids (an array), cache and fail().
# tus-js-client, exactly as locked, into $cache; exits 77 (skipped) only when npm cannot reach its registry.
install_tus_client() {
    mkdir -p "$cache"
    if ! cmp -s "$here/package-lock.json" "$cache/package-lock.json" || [ ! -d "$cache/node_modules/tus-js-client" ]; then
        cp "$here/package.json" "$here/package-lock.json" "$cache/"
        if ! (cd "$cache" && npm ci --no-audit --no-fund --loglevel=error --cache "$cache/npm-cache"); then
            npm ping --cache "$cache/npm-cache" >/dev/null 2>&1 || { echo "e2e: tus: npm registry unreachable: SKIPPED"; exit 77; }
            fail "npm ci failed"
        fi
    fi
    cp "$here/tus_upload.mjs" "$cache/"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# make_video SIZE: $work/video.mp4 of SIZE bytes — two seconds of real MP4 (moov first), then a 'free' box of
# padding. mark N rewrites the padding's last bytes, so every upload is new bytes (not a duplicate of the last).
make_video() {
    video="$work/video.mp4"
    ffmpeg -y -loglevel error -f lavfi -i testsrc=size=320x240:rate=10 -t 2 -pix_fmt yuv420p -movflags +faststart "$work/small.mp4"
    python3 - "$work/small.mp4" "$video" "$1" <<'PY'
import os, struct, sys
small = open(sys.argv[1], 'rb').read()
pad = int(sys.argv[3]) - len(small) - 8
with open(sys.argv[2], 'wb') as out:
    out.write(small)
    out.write(struct.pack('>I', pad + 8) + b'free')
    block = os.urandom(1 << 20)
    left = pad
    while left > 0:
        out.write(block[: min(left, len(block))])
        left -= len(block)
PY
    size="$(stat -c %s "$video")"
    echo "--- made $video ($size bytes)"
}
mark() { printf '%016d' "$1" | dd of="$video" bs=1 seek=$(( $(stat -c %s "$video") - 16 )) conv=notrunc status=none; }

env_common=(OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2
            OBSCURA_AUTH_REGISTRATION=open)
start_server() {  # port data-dir log [env…]
    local port="$1" data="$2" log="$3"; shift 3
    env "${env_common[@]}" "$@" "$obscura" serve --data-dir "$data" --port "$port" >>"$log" 2>&1 &
    pids+=($!)
    server_pid=$!
    for _ in $(seq 1 200); do
        curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; fail "the server on $port exited"; }
        sleep 0.1
    done
    fail "the server on $port did not start"
}
token_for() {  # base user → access token (registers the user first when needed)
    curl -sS -o /dev/null -X POST "$1/api/auth/register" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$2\",\"password\":\"correct horse battery\"}"
    curl -fsS -X POST "$1/api/auth/login" -H 'Content-Type: application/json' \
        -d "{\"username\":\"$2\",\"password\":\"correct horse battery\"}" | jq -r .accessToken
}
check_asset() {  # base token assetId label
    local asset
    asset="$(curl -fsS "$1/api/assets/$3" -H "Authorization: Bearer $2")"
    [ "$(jq -r .type <<<"$asset")" = video ] || fail "$4: the asset is not a video: $asset"
    [ "$(jq -r .sizeBytes <<<"$asset")" = "$size" ] || fail "$4: size $(jq -r .sizeBytes <<<"$asset") != $size"
    curl -fsS "$1/api/assets/$3/original" -H "Authorization: Bearer $2" -o "$work/downloaded"
    cmp -s "$video" "$work/downloaded" || fail "$4: the stored bytes differ from the file sent"
    rm -f "$work/downloaded"
    echo "e2e: tus: $4: asset $3 is a video of $size bytes, identical to the file sent"
}
tus_client() { node "$cache/tus_upload.mjs" "$@"; }

