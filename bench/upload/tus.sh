#!/usr/bin/env bash
# Resumable upload throughput and memory (issue 20): a tus upload of a 1 GiB video in 8 MiB PATCHes against one
# POST /api/assets of the same file, alternated in the same run (target: tus >= 0.9x the POST's speed), and the
# server's RSS growth during the tus upload (target: < 64 MiB above idle).
# Usage: bench/upload/tus.sh [OBSCURA_BINARY] [SIZE_MIB] [ROUNDS] [WORK_DIR]
#   defaults: build/bin/obscura (Release), 1024 MiB, 3 rounds, a fresh directory under $TMPDIR.
# The file is a real MP4 followed by a `free` box of padding (as run.sh); each round rewrites the padding's last
# bytes so no upload is a duplicate of an earlier one. The tus client is Python's http.client on one kept-alive
# connection, reading each chunk with pread (8 MiB in memory at a time); the POST is curl -F.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/../../build/bin/obscura}"
size_mib="${2:-1024}"
rounds="${3:-3}"
base="${4:-${TMPDIR:-/tmp}}"
[ -x "$bin" ] || { echo "tus.sh: no executable at $bin" >&2; exit 2; }
work="$(mktemp -d "$base/obscura-tus-bench-XXXXXX")"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

. "$here/common.sh"
make_video "$work" "$size_mib"
bytes=$(stat -c %s "$work/big.mp4")
mark() { printf '%016d' "$1" | dd of="$work/big.mp4" bs=1 seek=$((bytes - 16)) conv=notrunc status=none; }

start_server "$bin" "$work"
delete_asset() { curl -sf -X DELETE -H "Authorization: Bearer $token" "$url/api/assets/$1?permanent=true" >/dev/null; }

tus_upload() {  # → "seconds assetId"
    python3 - "$port" "$token" "$work/big.mp4" <<'PY'
import http.client, json, os, sys, time
port, token, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
size = os.path.getsize(path)
chunk = 8 << 20
fd = os.open(path, os.O_RDONLY)
start = time.monotonic()
conn = http.client.HTTPConnection('127.0.0.1', port)
auth = {'Authorization': 'Bearer ' + token, 'Tus-Resumable': '1.0.0'}
conn.request('POST', '/api/uploads', headers={**auth, 'Upload-Length': str(size), 'Upload-Metadata': 'filename YmlnLm1wNA=='})
r = conn.getresponse(); r.read()
assert r.status == 201, r.status
location = r.getheader('Location')
offset = 0
asset = None
while offset < size:
    data = os.pread(fd, chunk, offset)
    conn.request('PATCH', location, body=data, headers={**auth, 'Upload-Offset': str(offset),
                                                         'Content-Type': 'application/offset+octet-stream'})
    r = conn.getresponse(); body = r.read()
    assert r.status == 204, (r.status, body)
    offset = int(r.getheader('Upload-Offset'))
    asset = r.getheader('X-Asset-Id') or asset
print(f'{time.monotonic() - start:.3f} {asset}')
PY
}

echo "file: $bytes bytes; server pid $server; $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for round in $(seq "$rounds"); do
    for kind in post tus; do
        mark "$((round * 10 + ${#kind}))"
        sleep 1
        idle=$(status_kib VmRSS)
        : >"$work/samples"
        ( while kill -0 "$server" 2>/dev/null; do status_kib VmRSS >>"$work/samples"; sleep 0.02; done ) &
        sampler=$!
        if [ "$kind" = post ]; then
            result="$(curl -sS -o "$work/response" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
                -F "assetData=@$work/big.mp4;type=video/mp4" "$url/api/assets")"
            [ "${result% *}" = 201 ] || { echo "POST answered ${result% *}: $(cat "$work/response")" >&2; exit 1; }
            seconds=${result#* }
            id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/response")"
        else
            result="$(tus_upload)"
            seconds=${result% *}
            id=${result#* }
        fi
        kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
        peak=$(sort -n "$work/samples" | tail -1)
        echo "round $round $kind: ${seconds}s = $(python3 -c "print(f'{$bytes / $seconds / 1e6:.1f}')") MB/s;" \
            "RSS idle $((idle / 1024)) MiB, peak $((peak / 1024)) MiB (+$(((peak - idle) / 1024)) MiB)"
        echo "$kind $seconds $(((peak - idle) / 1024))" >>"$work/results"
        delete_asset "$id"
        sleep 2
    done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
post = [float(r[1]) for r in rows if r[0] == 'post']
tus = [float(r[1]) for r in rows if r[0] == 'tus']
growth = max(int(r[2]) for r in rows if r[0] == 'tus')
print(f'median POST {statistics.median(post):.2f}s, median tus {statistics.median(tus):.2f}s: '
      f'tus at {statistics.median(post) / statistics.median(tus):.2f}x the POST; tus RSS growth max +{growth} MiB')
PY
echo "load after: $(uptime | sed 's/.*load average: //')"
