#!/usr/bin/env bash
# bench/thumbs/e2e.sh OBSCURA_BINARY CORPUS_DIR WORKERS — the whole path, timed: a fresh server (SQLite, fresh
# data dir, media.workers=WORKERS), one account, every photo of the corpus uploaded (one curl process, two
# uploads in flight), until every asset's thumbnail and preview are ready — waited for as the web UI does, on
# the event stream (GET /api/events), then confirmed on GET /api/assets. Prints
#   RESULT e2e <files> seconds <s> peak-rss-MiB <server peak RSS>
set -euo pipefail
bin=$1 corpus=$2 workers=${3:-2}
work=$(mktemp -d -t obscura-thumbs-e2e.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
# OBSCURA_BENCH_BLOBS=s3 with a gateway in OBSCURA_TEST_S3_* (scripts/ceph-test-server.sh start DIR; set -a; .
# DIR/env): the server keeps every byte there (blobs.plugin=s3), under a prefix of its own.
if [ "${OBSCURA_BENCH_BLOBS:-local}" = s3 ]; then
    [ -n "${OBSCURA_TEST_S3_ENDPOINT:-}" ] || { echo "e2e: OBSCURA_BENCH_BLOBS=s3 needs OBSCURA_TEST_S3_*" >&2; exit 2; }
    export OBSCURA_BLOBS_PLUGIN=s3 OBSCURA_BLOBS_S3_ENDPOINT="$OBSCURA_TEST_S3_ENDPOINT"
    export OBSCURA_BLOBS_S3_REGION="$OBSCURA_TEST_S3_REGION" OBSCURA_BLOBS_S3_BUCKET="$OBSCURA_TEST_S3_BUCKET"
    export OBSCURA_BLOBS_S3_ACCESS_KEY_ID="$OBSCURA_TEST_S3_ACCESS_KEY" OBSCURA_BLOBS_S3_PREFIX="thumbs-$(date +%s%N)/"
    export OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY="$OBSCURA_TEST_S3_SECRET_KEY"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OBSCURA_MEDIA_WORKERS=$workers OBSCURA_LOG_ACCESS_LOG=false OBSCURA_LOG_LEVEL=warn \
OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 \
OBSCURA_SERVER_HOST=127.0.0.1 \
    "$bin" serve --port "$port" --data-dir "$work/data" 2> "$work/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api=http://127.0.0.1:$port/api
curl -sf -H 'content-type: application/json' -d '{"username":"bench","password":"bench password 1"}' "$api/auth/register" >/dev/null
token=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench","password":"bench password 1"}' \
    "$api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
files=("$corpus"/*.jpg)
count=${#files[@]}
# The client costs CPU on the same two cores as the server: one curl process for all uploads (not one per
# file), and no polling loop — one stream of events, read by tail -f (inotify) and grep.
config=$work/uploads.curl
: > "$config"
for f in "${files[@]}"; do
    [ -s "$config" ] && echo next >> "$config"
    printf 'url = "%s"\nheader = "Authorization: Bearer %s"\nform = "assetData=@%s"\noutput = /dev/null\nfail\n' \
        "$api/assets" "$token" "$f" >> "$config"
done
curl -sN -H "Authorization: Bearer $token" "$api/events" > "$work/events" &
events=$!
sleep 0.2  # the stream is open before the first upload
start=$(date +%s.%N)
# Two uploads at a time, as a phone or the Immich CLI sends them: the wait for each upload's fsync overlaps.
curl -s --no-progress-meter --parallel --parallel-max 2 -K "$config"
# A thumbnail, a preview and a video per photo: 3 × count derivative events (made or failed).
# The video derivative of a photo is reported too (failed: "photos have no video"), so three per photo. awk,
# not grep -m: grep waits for a full input buffer before it counts. Process substitution, not a pipeline: a
# pipeline would also wait for tail, which only notices awk is gone at its next write.
awk -v n=$((3 * count)) '/^event: derivative\.(created|failed)$/ { if (++seen >= n) exit }' \
    < <(exec timeout 600 tail -n +1 -f "$work/events")
end=$(date +%s.%N)
kill "$events" $! 2>/dev/null || true
# The events said so; the listing must agree (a state is recorded before its event is published).
page=$(curl -sf -H "Authorization: Bearer $token" "$api/assets?limit=500")
python3 - "$count" "$page" <<'PY' || exit 1
import json, sys
count, items = int(sys.argv[1]), json.loads(sys.argv[2])["items"]
states = [(a["derivatives"]["thumbnail"], a["derivatives"]["preview"]) for a in items]
failed = sum(1 for s in states if "failed" in s)
pending = sum(1 for s in states if "pending" in s)
if len(items) != count or failed or pending:
    sys.exit(f"e2e: {len(items)} assets of {count}, {failed} failed, {pending} not ready")
PY
rss=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
echo "RESULT e2e $count seconds $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') peak-rss-MiB $rss"
