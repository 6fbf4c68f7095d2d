#!/usr/bin/env bash
# A private, throw-away MariaDB server for the tests: its own datadir, socket and port on 127.0.0.1, started
# without systemd and stopped by its pid. Used by scripts/test.sh (the server every MySQL test shares) and by
# tests that need a server of their own to stop and restart (tests/integration/mysql).
#
#   mariadb-test-server.sh start DIR [PORT]  datadir in DIR/data (made on first start), socket DIR/mariadb.sock,
#                                            log DIR/mariadb.err; PORT defaults to a free one, or the port of
#                                            the previous start in DIR. Prints "port=N pid=N" once it answers.
#   mariadb-test-server.sh stop DIR          SIGTERM to the pid in DIR/mariadb.pid, then waits for it to exit.
#   mariadb-test-server.sh sql DIR SQL       runs SQL as root over the socket.
#   mariadb-test-server.sh create-db DIR DB USER PASSWORD
#                                            database DB and USER@127.0.0.1/localhost with PASSWORD and every
#                                            privilege on databases named DB or DB_* (tests make fresh ones).
set -euo pipefail

die() { echo "mariadb-test-server: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 start|stop|sql|create-db DIR …"
cmd="$1"
dir="$2"
shift 2
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
sock="$dir/mariadb.sock"
pidfile="$dir/mariadb.pid"

root_sql() { mariadb --no-defaults --socket="$sock" -uroot --batch --skip-column-names -e "$1"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
start)
    command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] ||
        die "mariadbd not found (apt-get install mariadb-server)"
    mariadbd_bin="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
    port="${1:-}"
    [ -z "$port" ] && [ -f "$dir/port" ] && port="$(cat "$dir/port")"
    [ -z "$port" ] && port="$(free_port)"
    echo "$port" >"$dir/port"
    if [ ! -d "$dir/data/mysql" ]; then
        mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
            --skip-test-db --user="$(id -un)" >"$dir/install.log" 2>&1 ||
            { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
    fi
    # Small buffers: a test server holds little data, and CI machines are shared (benchmarks on a large library set
    # OBSCURA_MARIADB_BUFFER_POOL, e.g. 2G, as a real server's would be sized). Nothing is fsync'd and every
    # table lives in the system tablespace: a crash of mariadbd itself still loses nothing (the OS has the
    # writes), only a crash of the machine would, and each test's CREATE DATABASE + migrations + DROP runs
    # about twice as fast. Never run a real server like this.
    "$mariadbd_bin" --no-defaults --datadir="$dir/data" --socket="$sock" --port="$port" \
        --bind-address=127.0.0.1 --user="$(id -un)" --skip-log-bin --skip-name-resolve \
        --pid-file="$pidfile" --log-error="$dir/mariadb.err" \
        --innodb-buffer-pool-size="${OBSCURA_MARIADB_BUFFER_POOL:-64M}" --innodb-log-file-size=64M --max-connections=500 \
        --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 --innodb-flush-method=nosync \
        --innodb-file-per-table=0 \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_bin </dev/null >/dev/null 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile.launcher"
    for _ in $(seq 1 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -20 "$dir/mariadb.err" >&2 || true
            die "mariadbd exited during start (port $port taken?)"
        fi
        if root_sql "SELECT 1" >/dev/null 2>&1; then
            echo "$pid" >"$pidfile"
            echo "port=$port pid=$pid"
            exit 0
        fi
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    die "mariadbd did not answer within 30 s (see $dir/mariadb.err)"
    ;;
stop)
    [ -f "$pidfile" ] || [ -f "$pidfile.launcher" ] || exit 0
    pid="$(cat "$pidfile" 2>/dev/null || cat "$pidfile.launcher")"
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 300); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$pidfile" "$pidfile.launcher"
    ;;
sql)
    [ $# -ge 1 ] || die "usage: $0 sql DIR SQL"
    root_sql "$1"
    ;;
create-db)
    [ $# -ge 3 ] || die "usage: $0 create-db DIR DB USER PASSWORD"
    db="$1" user="$2" password="$3"
    [[ "$db" =~ ^[a-z0-9_]+$ && "$user" =~ ^[a-z0-9_]+$ ]] || die "database and user names: [a-z0-9_]+"
    escaped_password="${password//\\/\\\\}"
    escaped_password="${escaped_password//\'/\\\'}"
    pattern="${db//_/\\_}"
    root_sql "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
        CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$escaped_password';
        CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$escaped_password';
        GRANT ALL PRIVILEGES ON \`$pattern\`.* TO '$user'@'127.0.0.1';
        GRANT ALL PRIVILEGES ON \`$pattern\`.* TO '$user'@'localhost';
        GRANT ALL PRIVILEGES ON \`${pattern}\\_%\`.* TO '$user'@'127.0.0.1';
        GRANT ALL PRIVILEGES ON \`${pattern}\\_%\`.* TO '$user'@'localhost';"
    ;;
*)
    die "unknown command '$cmd' (start, stop, sql, create-db)"
    ;;
esac
