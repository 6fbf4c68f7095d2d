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
# cpu_rounds ROUNDS N "NAME PID URL TOKEN PATH"…: per_request_cpu of each shape, alternating, ROUNDS times; prints
# each shape's median (ms per request) over the rounds.
cpu_rounds() {
    local rounds="$1" n="$2" file="$work/cpu" shape
    shift 2
    local all=("$@")
    : >"$file"
    for _ in $(seq "$rounds"); do
        for shape in "${all[@]}"; do
            set -- $shape
            echo "$1 $(per_request_cpu "$2" "$3" "$4" "$5" "$n")" >>"$file"
        done
    done
    medians "$file"
}
# start_compared BIN: servers "plain" (BIN, caches off) and "cached" (BIN, defaults) and, with REF_BUILD, "ref" (that
# build, caches off), all on the one data dir.
start_compared() {
    local off ref_off
    mapfile -t off < <(caches_off "$1")
    start_server plain "$1" "${off[@]}"
    start_server cached "$1"
    if [ -n "${REF_BUILD:-}" ]; then
        mapfile -t ref_off < <(caches_off "$REF_BUILD/bin/obscura")
        start_server ref "$REF_BUILD/bin/obscura" "${ref_off[@]}"
    fi
}
# time_rounds ROUNDS: for the shapes named in order (shapes[NAME]="URL TOKEN PATH"), each one's size once, then
# ROUNDS rounds of one GET of each in turn, and the medians. A shape named *_cached is asked once untimed just before
# its timed GET: a kept answer lives 30 s at most, and a round with the 900,000-marker shapes takes longer.
time_rounds() {
    local name rounds="$1"
    for name in "${order[@]}"; do
        set -- ${shapes[$name]}
        echo "$name: $(count "$1" "$2" "$3") items, $(curl -s -H "Authorization: Bearer $2" "$1$3" | wc -c) bytes"
    done
    echo "== load before the rounds: $(load)"
    for _ in $(seq "$rounds"); do
        for name in "${order[@]}"; do
            set -- ${shapes[$name]}
            [[ "$name" == *_cached ]] && curl -s -o /dev/null -H "Authorization: Bearer $2" "$1$3"
            echo "$name $(timed "$1" "$2" "$3")" >>"$work/times"
        done
    done
    echo "== medians of $rounds rounds (ms, curl time_total on 127.0.0.1, alternating):"
    medians "$work/times"
}
