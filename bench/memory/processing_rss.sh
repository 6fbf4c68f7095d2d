#!/usr/bin/env bash
# RSS of a server processing photos (issue 21): ROUNDS rounds of the 40-photo corpus, each photo made distinct by a
# few bytes after its end (so no upload is a duplicate); after each round, once every thumbnail is ready, VmRSS.
# Usage: bench/memory/processing_rss.sh OBSCURA_BINARY [ROUNDS] [VAR=VALUE…]  (corpus: /tmp/obscura-corpus, made by
#   ../shared/corpus/make-corpus.sh; VAR=VALUE are passed to the server, e.g. MALLOC_ARENA_MAX=2)
set -euo pipefail
bin=$1; rounds=${2:-5}; work=$(mktemp -d ${TMPDIR:-/tmp}/obscura-rss.XXXXXX)
shift 2 || true
env "$@" OBSCURA_LOG_ACCESS_LOG=false OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2 OBSCURA_SERVER_HOST=127.0.0.1 "$bin" serve --port 0 --data-dir $work/data 2>$work/log &
srv=$!; trap 'kill $srv; wait $srv 2>/dev/null; rm -rf $work' EXIT
for i in $(seq 100); do port=$(grep -o 'listening on [^ ]*:[0-9]*' $work/log | grep -o '[0-9]*$' || true); [ -n "$port" ] && break; sleep 0.1; done
url=http://127.0.0.1:$port
curl -sf -H 'Content-Type: application/json' -d '{"username":"user9","password":"bench password 123"}' $url/api/auth/register >/dev/null
tok=$(curl -sf -u 'user9:bench password 123' -X POST $url/api/auth/login | python3 -c 'import json,sys;print(json.load(sys.stdin)["accessToken"])')
rss() { awk '/VmRSS/{print $2}' /proc/$srv/status; }
echo "start $(rss)"
for r in $(seq $rounds); do
  for f in /tmp/obscura-corpus/*.jpg; do
    cp $f $work/p.jpg; printf 'round%05d' $r >> $work/p.jpg
    curl -sf -o /dev/null -H "Authorization: Bearer $tok" -F "assetData=@$work/p.jpg;type=image/jpeg;filename=r${r}_$(basename $f)" $url/api/assets
  done
  # wait for the queue to drain
  for i in $(seq 600); do
    pending=$(curl -sf -H "Authorization: Bearer $tok" "$url/api/assets?limit=100" | python3 -c 'import json,sys;d=json.load(sys.stdin)["items"];print(sum(1 for a in d if (a.get("derivatives") or {}).get("thumbnail") not in ("ready","failed")))')
    [ "$pending" = 0 ] && break; sleep 0.5
  done
  sleep 2
  echo "round $r: rss $(rss) KiB (anon $(awk '/RssAnon/{print $2}' /proc/$srv/status), file $(awk '/RssFile/{print $2}' /proc/$srv/status); pending $pending)"
done
