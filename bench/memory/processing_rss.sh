#!/usr/bin/env bash
# RSS of a server processing photos (issue 21): ROUNDS rounds of the 40-photo corpus, each photo made distinct by a
# few bytes after its end (so no upload is a duplicate); after each round, once every thumbnail is ready, VmRSS.
# Usage: bench/memory/processing_rss.sh OBSCURA_BINARY [ROUNDS] [VAR=VALUE…]  (corpus: /tmp/obscura-corpus, made by
#   ../shared/corpus/make-corpus.sh; VAR=VALUE are passed to the server, e.g. MALLOC_ARENA_MAX=2)
set -euo pipefail
bin=$1; rounds=${2:-5}
shift 2 || true
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/obscura-rss.XXXXXX")"
data="$work/data"
servers=()
server_env=(OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB=19456 OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS=2)
. "$here/../map/lib.sh"
trap 'stop_servers; rm -rf "$work"' EXIT
start_server rss "$bin" "$@"
srv=$pid_rss url=$url_rss
curl -sf -H 'Content-Type: application/json' -d '{"username":"user9","password":"bench password 123"}' \
    "$url/api/auth/register" >/dev/null
tok="$(login "$url" user9 'bench password 123')"
status_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$srv/status"; }
echo "start $(status_kib VmRSS)"
for r in $(seq "$rounds"); do
    for f in /tmp/obscura-corpus/*.jpg; do
        cp "$f" "$work/p.jpg"
        printf 'round%05d' "$r" >>"$work/p.jpg"
        curl -sf -o /dev/null -H "Authorization: Bearer $tok" \
            -F "assetData=@$work/p.jpg;type=image/jpeg;filename=r${r}_$(basename "$f")" "$url/api/assets"
    done
    for _ in $(seq 600); do  # until every thumbnail of the round is made
        pending=$(curl -sf -H "Authorization: Bearer $tok" "$url/api/assets?limit=100" | python3 -c \
            'import json,sys; d=json.load(sys.stdin)["items"]; print(sum(1 for a in d if (a.get("derivatives") or {}).get("thumbnail") not in ("ready","failed")))')
        [ "$pending" = 0 ] && break
        sleep 0.5
    done
    sleep 2  # the job workers' trim when their queues run dry
    echo "round $r: rss $(status_kib VmRSS) KiB (anon $(status_kib RssAnon), file $(status_kib RssFile); pending $pending)"
done
