#!/usr/bin/env bash
# The cost of signing in (argon2id by design): the median of 50 sequential logins, then logins per second with
# enough concurrent clients to keep every core hashing. Starts its own server on a fresh data dir.
# Usage: bench/login/run.sh [OBSCURA_BINARY] [CONNECTIONS] [SECONDS]
#   defaults: build/bin/obscura (build it as Release), 2 x cores connections, 20 seconds. Needs curl and wrk.
# The server takes the production argon2id defaults unless OBSCURA_AUTH_PASSWORD_HASH_* say otherwise.
# The reference in the same run: libsodium's own verify at the same parameters, 50 in a row (sodium_alone.c, built
# here with the system's cc and libsodium-dev), before and after the sequential logins; the ratio is login / hash.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/../../build/bin/obscura}"
connections="${2:-$((2 * $(nproc)))}"
seconds="${3:-20}"
[ -x "$bin" ] || { echo "run.sh: no executable at $bin" >&2; exit 2; }
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed" >&2; exit 2; }

work="$(mktemp -d)"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_LOG_ACCESS_LOG=false "$bin" serve --port 0 --data-dir "$work/data" 2>"$work/log" &
server=$!
port=""
for _ in $(seq 100); do
    port="$(grep -o 'listening on [^ ]*:[0-9]*' "$work/log" | grep -o '[0-9]*$' || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/log" >&2; echo "run.sh: the server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port"

curl -sf -H 'Content-Type: application/json' -d '{"username":"bench","password":"bench password 123"}' \
    "$url/api/auth/register" >/dev/null
curl -sf -u 'bench:bench password 123' -X POST "$url/api/auth/login" >/dev/null  # warm up

cc -O2 -o "$work/sodium_alone" "$here/sodium_alone.c" -lsodium
hash_args=(50 "${OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB:-65536}" "${OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS:-3}")
read -r hash_before _ _ < <("$work/sodium_alone" "${hash_args[@]}")
login_ms="$(for _ in $(seq 50); do
    curl -s -o /dev/null -w '%{time_total}\n' -u 'bench:bench password 123' -X POST "$url/api/auth/login"
done | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f %.1f %.1f\n", \
    (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) * 1000, t[1] * 1000, t[NR] * 1000 }')"
read -r hash_after _ _ < <("$work/sodium_alone" "${hash_args[@]}")
read -r login_median login_min login_max <<<"$login_ms"
echo "median login (50 sequential): $login_median ms  (min $login_min, max $login_max)"
python3 - "$login_median" "$hash_before" "$hash_after" <<'PY'
import sys
login, before, after = map(float, sys.argv[1:])
hash_ms = (before + after) / 2
print(f"libsodium's verify alone, 50 in a row: median {before} ms before, {after} ms after; "
      f"login / hash {login / hash_ms:.2f}x (+{login - hash_ms:.1f} ms)")
PY

echo "concurrent logins: $connections connections, $seconds s, $(nproc) cores"
wrk -t "$(nproc)" -c "$connections" -d "${seconds}s" --latency -s "$here/login.lua" "$url/api/auth/login" |
    grep -E 'Requests/sec|Non-2xx|50%|99%|requests in'
grep -o '"msg":"obscura [^"]*"' "$work/log" | head -1
