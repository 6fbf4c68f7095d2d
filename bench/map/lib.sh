# Shared by bench/map/run.sh (SQLite) and bench/map/mysql.sh (MariaDB); sourced, not run. The caller sets work (a
# temp dir), data (the data dir) and server_env (extra ENV=VALUE for every server, e.g. the database), and traps
# EXIT to stop_servers.
servers=()
load() { uptime | sed 's/.*load average: //'; }

# start_server NAME BINARY [ENV=VALUE…]: a server on a free port; its pid in pid_NAME and servers, its URL in url_NAME.
start_server() {
    local name="$1" binary="$2" port="" log="$work/log-$1"
    shift 2
    : >"$log"
    env OBSCURA_LOG_ACCESS_LOG=false OBSCURA_SERVER_HOST=127.0.0.1 OBSCURA_AUTH_REGISTRATION=open \
        "${server_env[@]}" "$@" "$binary" serve --port 0 --data-dir "$data" 2>"$log" &
    servers+=($!)
    eval "pid_$name=$!"
    for _ in $(seq 600); do
        port="$(grep -o 'listening on [^ ]*:[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)"
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$log" >&2; exit 1; }
    eval "url_$name=http://127.0.0.1:$port"
}
stop_servers() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    servers=()
}
# The environment that turns a build's rendered-answer caches off (images.mapCacheBytes only where the build has it).
caches_off() {
    echo OBSCURA_IMAGES_LISTING_CACHE_BYTES=0
    if grep -q images.mapCacheBytes "$1"; then echo OBSCURA_IMAGES_MAP_CACHE_BYTES=0; fi
}
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
login() { curl -sf -u "$2:$3" -X POST "$1/api/auth/login" | json_field '["accessToken"]'; }

# timed URL TOKEN PATH: time_total of one GET in ms. count URL TOKEN PATH: the answer's items.
timed() {
    curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $2" "$1$3" |
        python3 -c 'import sys; print(round(float(sys.stdin.read()) * 1000, 1))'
}
count() {
    curl -s -H "Authorization: Bearer $2" "$1$3" |
        python3 -c 'import json,sys; b=json.load(sys.stdin); print(len(b) if isinstance(b, list) else len(b["items"]))'
}
# medians FILE: "name ms" lines → median, min, max per name, in first-seen order.
medians() {
    python3 - "$1" <<'PY'
import sys, statistics, collections
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, ms = line.split()
    t[name].append(float(ms))
for name, ms in t.items():
    print(f"{name:24s} median {statistics.median(ms):8.1f}  min {min(ms):8.1f}  max {max(ms):8.1f}")
PY
}
# per_request_cpu PID URL TOKEN PATH [N]: the server's CPU (user + system, every thread, from /proc) per request in
# ms over N requests in a row (default 20). Unlike the wall time it hardly moves with the machine's load.
per_request_cpu() {
    local pid="$1" url="$2" token="$3" path="$4" n="${5:-20}" before after
    before="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    for _ in $(seq "$n"); do curl -s -o /dev/null -H "Authorization: Bearer $token" "$url$path"; done
    after="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
    python3 -c "print(round(($after - $before) * 1000 / $(getconf CLK_TCK) / $n, 1))"
}
