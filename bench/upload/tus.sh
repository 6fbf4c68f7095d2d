#!/usr/bin/env bash
# Resumable upload throughput and memory (issue 20): a tus upload of a 1 GiB video in 8 MiB PATCHes against one
# POST /api/assets of the same file, alternated in the same run (target: tus >= 0.9x the POST's speed), and the
# server's RSS growth during the tus upload (target: < 64 MiB above idle).
# Usage: bench/upload/tus.sh [OBSCURA_BINARY] [SIZE_MIB] [ROUNDS] [WORK_DIR]
#   defaults: build/bin/obscura (Release), 1024 MiB, 3 rounds, a fresh directory under $TMPDIR.
# The file is a real MP4 followed by a `free` box of padding (as run.sh); each round rewrites the padding's last
# bytes so no upload is a duplicate of an earlier one. The tus client is Python's http.client on one kept-alive
# connection with TCP_NODELAY, sending each chunk from the mapped file after its header; the POST is curl -F.
# KINDS="post tus tus-copy" adds the bench's first client in each round (each chunk pread into memory and copied
# behind the header by http.client, no TCP_NODELAY), to tell the client's share from the server's.
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

tus_upload() {  # CLIENT → "seconds assetId"
    python3 - "$port" "$token" "$work/big.mp4" "$1" <<'PY'
import http.client, mmap, os, socket, sys, time
port, token, path, client = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
size = os.path.getsize(path)
chunk = 8 << 20
fd = os.open(path, os.O_RDONLY)
view = memoryview(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))
start = time.monotonic()
conn = http.client.HTTPConnection('127.0.0.1', port)
conn.connect()
if client == 'view':
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as curl does
auth = {'Authorization': 'Bearer ' + token, 'Tus-Resumable': '1.0.0'}
conn.request('POST', '/api/uploads', headers={**auth, 'Upload-Length': str(size), 'Upload-Metadata': 'filename YmlnLm1wNA=='})
r = conn.getresponse(); r.read()
assert r.status == 201, r.status
location = r.getheader('Location')
offset = 0
asset = None
while offset < size:
    n = min(chunk, size - offset)
    headers = {**auth, 'Upload-Offset': str(offset), 'Content-Type': 'application/offset+octet-stream'}
    if client == 'copy':
        # The first client of this bench: each chunk read into a new bytes object, which http.client then copies
        # once more behind the request's header.
        conn.request('PATCH', location, body=os.pread(fd, n, offset), headers=headers)
    else:
        # The chunk straight from the mapped file (the page cache) to the socket, the header sent before it.
        conn.putrequest('PATCH', location, skip_accept_encoding=True)
        for key, value in {**headers, 'Content-Length': str(n)}.items():
            conn.putheader(key, value)
        conn.endheaders()
        conn.send(view[offset:offset + n])
    r = conn.getresponse(); body = r.read()
    assert r.status == 204, (r.status, body)
    offset = int(r.getheader('Upload-Offset'))
    asset = r.getheader('X-Asset-Id') or asset
print(f'{time.monotonic() - start:.3f} {asset}')
PY
}

echo "file: $bytes bytes; server pid $server; $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"
for round in $(seq "$rounds"); do
    kinds=(${KINDS:-post tus})
    # Every other round in reverse order (ABBA), and the disk left to settle before each upload: the host still
    # writes back the previous gigabyte for a while after its fsync, and whichever kind came second paid for it.
    [ $((round % 2)) = 0 ] && kinds=($(printf '%s\n' "${kinds[@]}" | tac))
    for kind in "${kinds[@]}"; do
        mark "$((round * 10 + ${#kind}))"
        sync
        sleep 3
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
            result="$(tus_upload "$([ "$kind" = tus-copy ] && echo copy || echo view)")"
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
growth = max(int(r[2]) for r in rows if r[0].startswith('tus'))
print(f'median POST {statistics.median(post):.2f}s, median tus {statistics.median(tus):.2f}s: '
      f'tus at {statistics.median(post) / statistics.median(tus):.2f}x the POST; tus RSS growth max +{growth} MiB')
copy = [float(r[1]) for r in rows if r[0] == 'tus-copy']
if copy:
    print(f'median tus-copy {statistics.median(copy):.2f}s: {statistics.median(post) / statistics.median(copy):.2f}x the POST')
PY
echo "load after: $(uptime | sed 's/.*load average: //')"
