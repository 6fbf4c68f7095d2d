#!/usr/bin/env bash
# Idle memory of a server on the default configuration (SQLite, a fresh data dir): VmRSS once /readyz answers, split
# into file-backed pages (shared libraries, our own text) and anonymous ones; then, with LOGINS > 0, the same after
# that many sign-ins 4 at a time (argon2id's 64 MiB buffers must be given back) and the lifetime peak (VmHWM).
# Usage: bench/memory/idle_rss.sh [OBSCURA_BINARY] [LOGINS]
#   defaults: build/bin/obscura, 0. Prints one line: idle VmRSS RssFile RssAnon [after-logins VmRSS VmHWM] (KiB).
# Compare two binaries by alternating them in one sitting (the machine's load moves file-backed pages little).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/../../build/bin/obscura}"
logins="${2:-0}"
[ -x "$bin" ] || { echo "idle_rss.sh: no executable at $bin" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

OBSCURA_SERVER_HOST=127.0.0.1 "$bin" serve --port 0 --data-dir "$work/data" 2>"$work/log" >/dev/null &
server=$!
port=""
for _ in $(seq 300); do
    port="$(grep -o 'listening on [^ ]*:[0-9]*' "$work/log" | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/log" >&2; echo "idle_rss.sh: the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"
for _ in $(seq 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && break
    sleep 0.1
done
sleep 1  # let start-up work (migrations, the first job poll) settle

field() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server/status"; }
line="idle $(field VmRSS) $(field RssFile) $(field RssAnon)"

if [ "$logins" -gt 0 ]; then
    curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
        "$url/api/auth/register" >/dev/null
    seq "$logins" | xargs -P 4 -I{} curl -s -o /dev/null -u 'bench:bench password 123' -X POST "$url/api/auth/login"
    sleep 1
    line="$line after-$logins-logins $(field VmRSS) $(field VmHWM)"
fi
echo "$line"
