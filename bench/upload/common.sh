# Shared by run.sh and tus.sh (sourced): the input video and the server under test.

# make_video WORK SIZE_MIB: $WORK/big.mp4, a real MP4 (ffmpeg testsrc, 1 s, moov first) followed by one ISO-BMFF
# `free` box of padding, exactly SIZE_MIB MiB, so it sniffs, streams and probes like a real video of that size.
make_video() {
    ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 1 -pix_fmt yuv420p \
        -c:v libx264 -movflags +faststart "$1/head.mp4"
    python3 - "$1/head.mp4" "$1/big.mp4" "$2" <<'PY'
import struct, sys
head = open(sys.argv[1], 'rb').read()
total = int(sys.argv[3]) << 20
pad = total - len(head)
assert 8 <= pad < 1 << 32, "size out of range for a 32-bit free box"
with open(sys.argv[2], 'wb') as out:
    out.write(head)
    out.write(struct.pack('>I', pad) + b'free')
    zero = bytes(1 << 20)
    left = pad - 8
    while left:
        n = min(left, len(zero))
        out.write(zero[:n])
        left -= n
PY
    cat "$1/big.mp4" >/dev/null  # into the page cache: the client's reads should not compete for the disk
}

# start_server BIN WORK: the server on a free port over $WORK/data, log in $WORK/log, a user signed in. Sets
# server (pid), port, url and token. Fast argon2id so that signing in does not dominate the process's peak.
start_server() {
    OBSCURA_LOG_ACCESS_LOG=false OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 \
        OBSCURA_SERVER_HOST=127.0.0.1 "$1" serve --port 0 --data-dir "$2/data" 2>"$2/log" &
    server=$!
    port=""
    for _ in $(seq 100); do
        port="$(grep -o 'listening on [^ ]*:[0-9]*' "$2/log" | grep -o '[0-9]*$' || true)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$2/log" >&2; echo "the server did not start" >&2; exit 1; }
    url="http://127.0.0.1:$port"
    curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
        "$url/api/auth/register" >/dev/null
    token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"
}

status_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server/status"; }
