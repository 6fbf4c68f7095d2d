#!/usr/bin/env bash
# Search at a million assets through the API (issue 21 target 3: a word every asset holds, first page < 20 ms).
# Starts the server on an existing library (bench/listing/seed-sqlite.sh, or a MariaDB filled as bench/RESULTS.md
# says) with the listing cache off, so every request is planned, read and rendered; signs in as `bench`; then asks
# `GET /api/search?q=WORD&limit=100` RUNS times per word, alternating the words, and prints the median and p99 of
# curl's total time per word (loopback; the HTTP part is ~0.3 ms of it).
# Usage: bench/search/run.sh OBSCURA_BINARY DATA_DIR [RUNS]
#   MariaDB: OBSCURA_STORAGE_PLUGIN=mysql OBSCURA_DATABASE_URL=mysql://USER@127.0.0.1:PORT/DB
#            OBSCURA_DATABASE_PASSWORD=… bench/search/run.sh BIN DATA_DIR   (DATA_DIR then holds only blobs)
# WORDS overrides the words (default: canon — every asset; beach — 3 %; img_12345 — 11 assets).
set -euo pipefail

bin="${1:?usage: run.sh OBSCURA_BINARY DATA_DIR [RUNS]}"
data="${2:?usage: run.sh OBSCURA_BINARY DATA_DIR [RUNS]}"
runs="${3:-50}"
words=(${WORDS:-canon beach img_12345})
[ -x "$bin" ] || { echo "run.sh: no executable at $bin" >&2; exit 2; }
work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

OBSCURA_LOG_ACCESS_LOG=false OBSCURA_IMAGES_LISTING_CACHE_BYTES=0 OBSCURA_SERVER_HOST=127.0.0.1 \
    "$bin" serve --port 0 --data-dir "$data" 2>"$work/log" &
server=$!
port=""
for _ in $(seq 3000); do  # a first start may migrate a million rows
    port="$(grep -o 'listening on [^ ]*:[0-9]*' "$work/log" | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.2
done
[ -n "$port" ] || { cat "$work/log" >&2; echo "the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"
token="$(curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')"

echo "load: $(uptime | sed 's/.*load average: //')"
for word in "${words[@]}"; do  # one warm-up each: the first touch reads the pages from disk
    curl -sf -o /dev/null -H "Authorization: Bearer $token" "$url/api/search?q=$word&limit=100"
done
for _ in $(seq "$runs"); do
    for word in "${words[@]}"; do
        curl -sf -o "$work/body" -w "$word %{time_total}\n" -H "Authorization: Bearer $token" \
            "$url/api/search?q=$word&limit=100" >>"$work/times"
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[2], len(d["items"]))' \
            "$work/body" "$word" >>"$work/counts"
    done
done
python3 - "$work/times" "$work/counts" <<'PY'
import statistics, sys
times, counts = {}, {}
for line in open(sys.argv[1]):
    w, t = line.split(); times.setdefault(w, []).append(float(t) * 1000)
for line in open(sys.argv[2]):
    w, n = line.split(); counts[w] = int(n)
for w, ts in times.items():
    ts.sort()
    print(f'{w}: {len(ts)} requests, {counts[w]} items on the page, median {statistics.median(ts):.1f} ms, '
          f'p99 {ts[min(len(ts) - 1, int(len(ts) * 0.99))]:.1f} ms')
PY
echo "load after: $(uptime | sed 's/.*load average: //')"
