#!/usr/bin/env bash
# bench/thumbs/e2e.sh OBSCURA_BINARY CORPUS_DIR WORKERS — the whole path, timed: a fresh server (SQLite, fresh
# data dir, media.workers=WORKERS), one account, every photo of the corpus uploaded (curl, one at a time), until
# every asset's thumbnail and preview are ready (polling GET /api/assets every 100 ms). Prints
#   RESULT e2e <files> seconds <s> peak-rss-MiB <server peak RSS>
set -euo pipefail
bin=$1 corpus=$2 workers=${3:-2}
work=$(mktemp -d -t obscura-thumbs-e2e.XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
OBSCURA_MEDIA_WORKERS=$workers OBSCURA_LOG_ACCESS_LOG=false OBSCURA_LOG_LEVEL=warn \
OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 \
    "$bin" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" 2> "$work/server.log" &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
api=http://127.0.0.1:$port/api
curl -sf -H 'content-type: application/json' -d '{"username":"bench","password":"bench password 1"}' "$api/auth/register" >/dev/null
token=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench","password":"bench password 1"}' \
    "$api/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
files=("$corpus"/*.jpg)
start=$(date +%s.%N)
for f in "${files[@]}"; do
    curl -sf -o /dev/null -H "Authorization: Bearer $token" -F "assetData=@$f" "$api/assets"
done
count=${#files[@]}
while true; do
    ready=$(curl -sf -H "Authorization: Bearer $token" "$api/assets?limit=500" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(sum(1 for a in items if a["derivatives"]["thumbnail"] != "pending" and a["derivatives"]["preview"] != "pending"))')
    [ "$ready" -ge "$count" ] && break
    sleep 0.1
done
end=$(date +%s.%N)
failed=$(curl -sf -H "Authorization: Bearer $token" "$api/assets?limit=500" | python3 -c '
import json, sys
print(sum(1 for a in json.load(sys.stdin)["items"] if "failed" in (a["derivatives"]["thumbnail"], a["derivatives"]["preview"])))')
[ "$failed" -eq 0 ] || { echo "e2e: $failed assets failed" >&2; exit 1; }
rss=$(awk '/VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")
echo "RESULT e2e $count seconds $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') peak-rss-MiB $rss"
