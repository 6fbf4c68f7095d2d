#!/usr/bin/env bash
# Resumable uploads with a real tus client (issue 20): tus-js-client 4.3.1 (npm, pinned by package-lock.json, run
# by the machine's Node) sends a 300 MB video to Obscura in chunks, through a proxy of its own that cuts the
# connection twice; the client resumes each time and the asset's bytes must be identical. Then:
#   - nginx (Debian's, started here on 127.0.0.1) with client_max_body_size 100m in front: a plain 300 MB
#     POST /api/assets is 413, the same file over tus in 50 MiB chunks completes;
#   - kill -9 of the server mid-upload, restart on the same data dir and port: the client resumes;
#   - two replicas on one MariaDB and one data dir: the upload starts on one and finishes on the other
#     (skipped when MariaDB cannot start here).
# Usage: tus_e2e.sh <obscura-binary> <source-dir of this test> <cache-dir> <repo-root>
# Exits 77 (skipped) only when npm cannot reach its registry.
set -euo pipefail

obscura="$1"
here="$2"
cache="$3"
repo="$4"
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in npm node curl jq python3 ffmpeg ffprobe nginx cmp; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh --test-deps installs it)"
done

work="$(mktemp -d -t obscura-tus-e2e.XXXXXX)"
pids=()
mariadb_dir=""
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    [ -n "$mariadb_dir" ] && bash "$repo/scripts/mariadb-test-server.sh" stop "$mariadb_dir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
. "$here/tus_lib.sh"
install_tus_client

make_video $((300 * 1000 * 1000))

# --- 1. chunks of 40 MiB, the connection cut twice
port="$(free_port)"
base="http://127.0.0.1:$port"
start_server "$port" "$work/data" "$work/server.log"
first_pid=$server_pid
token="$(token_for "$base" alice)"
mark 1
result="$(tus_client --file "$video" --token "$token" --target "127.0.0.1:$port" --chunk $((40 << 20)) --cut 0.35,0.7)"
echo "$result"
[ "$(jq -r .cuts <<<"$result")" = 2 ] || fail "the proxy did not cut twice: $result"
[ "$(jq -r .status <<<"$result")" = done ] || fail "the upload did not finish: $result"
check_asset "$base" "$token" "$(jq -r .assetId <<<"$result")" "cut twice"

# --- 2. nginx with client_max_body_size 100m in front: plain POST 413, tus completes
nginx_port="$(free_port)"
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
daemon on;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
    access_log off;
    client_body_temp_path $work/nginx;
    proxy_temp_path $work/nginx;
    server {
        listen 127.0.0.1:$nginx_port;
        client_max_body_size 100m;
        location / {
            proxy_pass http://127.0.0.1:$port;
            proxy_http_version 1.1;
            proxy_request_buffering off;
            proxy_set_header Host \$host;
        }
    }
}
CONF
nginx -c "$work/nginx.conf" -p "$work/nginx" || fail "nginx did not start"
mark 2
status="$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    -F "assetData=@$video;type=video/mp4" "http://127.0.0.1:$nginx_port/api/assets")"
[ "$status" = 413 ] || fail "a plain 300 MB POST through nginx answered $status, not 413"
echo "e2e: tus: a plain POST /api/assets of $size bytes through nginx: 413"
result="$(tus_client --file "$video" --token "$token" --target "127.0.0.1:$nginx_port" --chunk $((50 << 20)))"
echo "$result"
check_asset "$base" "$token" "$(jq -r .assetId <<<"$result")" "through nginx (100m cap)"

# --- 3. kill -9 of the server mid-upload, restart, resume
mark 3
tus_client --file "$video" --token "$token" --target "127.0.0.1:$port" --chunk $((20 << 20)) \
    --progress "$work/progress" >"$work/killed.json" &
client_pid=$!
pids+=($client_pid)
for _ in $(seq 1 600); do
    [ -f "$work/progress" ] && [ "$(awk '{print ($1 > $2 * 0.4)}' "$work/progress")" = 1 ] && break
    sleep 0.1
done
kill -9 "$first_pid"
wait "$first_pid" 2>/dev/null || true
echo "e2e: tus: killed the server (-9) at $(cat "$work/progress")"
start_server "$port" "$work/data" "$work/server.log"
wait "$client_pid" || fail "the client did not finish after the restart: $(cat "$work/killed.json")"
cat "$work/killed.json"
check_asset "$base" "$token" "$(jq -r .assetId "$work/killed.json")" "kill -9 and restart"

# --- 4. two replicas on one MariaDB and one data dir: started on one, finished on the other
mariadb_dir="$work/mariadb"
if ! bash "$repo/scripts/mariadb-test-server.sh" start "$mariadb_dir" >"$work/mariadb.out" 2>&1; then
    echo "e2e: tus: MariaDB cannot start here: the replica case is SKIPPED"
    mariadb_dir=""
else
    bash "$repo/scripts/mariadb-test-server.sh" create-db "$mariadb_dir" tus tus tuspw >/dev/null
    db=(OBSCURA_STORAGE_PLUGIN=mysql "OBSCURA_DATABASE_URL=mysql://tus@127.0.0.1:$(cat "$mariadb_dir/port")/tus"
        OBSCURA_DATABASE_PASSWORD=tuspw)
    port_a="$(free_port)"
    port_b="$(free_port)"
    start_server "$port_a" "$work/shared" "$work/replica-a.log" "${db[@]}"
    start_server "$port_b" "$work/shared" "$work/replica-b.log" "${db[@]}"
    token="$(token_for "http://127.0.0.1:$port_a" bob)"
    mark 4
    result="$(tus_client --file "$video" --token "$token" --target "127.0.0.1:$port_a,127.0.0.1:$port_b" \
        --chunk $((40 << 20)) --cut 0.5)"
    echo "$result"
    grep -q "PATCH" "$work/replica-b.log" 2>/dev/null || true
    check_asset "http://127.0.0.1:$port_b" "$token" "$(jq -r .assetId <<<"$result")" "resumed on a second replica"
fi
echo "e2e: tus: all cases passed"
