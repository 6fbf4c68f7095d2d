#!/usr/bin/env bash
# Search at a million assets through the API (issue 21 target 3: a word every asset holds, first page < 20 ms).
# Migrates, then starts the server (bench/map/lib.sh) on an existing library (bench/listing/seed-sqlite.sh, or a
# MariaDB filled as bench/RESULTS.md says) with the listing cache off, so every request is planned, read and
# rendered; signs in as `bench`; then asks
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
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
servers=()
server_env=()
. "$here/../map/lib.sh"
trap 'stop_servers; rm -rf "$work"' EXIT

"$bin" migrate --data-dir "$data" >/dev/null  # a first start may migrate a million rows: before the timing starts
start_server search "$bin" OBSCURA_IMAGES_LISTING_CACHE_BYTES=0
token="$(login "$url_search" bench 'bench password 123')"

echo "load: $(load)"
for word in "${words[@]}"; do  # one warm-up each: the first touch reads the pages from disk
    timed "$url_search" "$token" "/api/search?q=$word&limit=100" >/dev/null
done
for _ in $(seq "$runs"); do
    for word in "${words[@]}"; do
        echo "$word $(timed "$url_search" "$token" "/api/search?q=$word&limit=100")" >>"$work/times"
    done
done
for word in "${words[@]}"; do
    echo "$word $(count "$url_search" "$token" "/api/search?q=$word&limit=100")" >>"$work/counts"
done
python3 - "$work/times" "$work/counts" <<'PY'
import statistics, sys
times, counts = {}, {}
for line in open(sys.argv[1]):
    w, t = line.split(); times.setdefault(w, []).append(float(t))
for line in open(sys.argv[2]):
    w, n = line.split(); counts[w] = int(n)
for w, ts in times.items():
    ts.sort()
    print(f'{w}: {len(ts)} requests, {counts[w]} items on the page, median {statistics.median(ts):.1f} ms, '
          f'p99 {ts[min(len(ts) - 1, int(len(ts) * 0.99))]:.1f} ms')
PY
echo "load after: $(load)"
