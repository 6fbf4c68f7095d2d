#!/usr/bin/env bash
# A private, throw-away RabbitMQ (Debian's 3.10) for the tests: the broker as a plain process (not
# /usr/sbin/rabbitmq-server, which switches user and logs to /var/log), with its own mnesia, logs, config, Erlang
# cookie (a private HOME) and its own epmd on 127.0.0.1 (a shared epmd would daemonise on 0.0.0.0 and outlive the
# test). Everything listens on 127.0.0.1 only and is stopped by its pid. Used by scripts/test.sh (one broker per
# run, like Ceph) and by the AMQP integration tests, which start a private one to kill and restart.
#
#   rabbitmq-test-server.sh start DIR   node rabbit-<random>@localhost on a free AMQP port (or the previous start's);
#                                       prints "port=N pid=N" once `rabbitmqctl await_startup` answers (3-5 s).
#   rabbitmq-test-server.sh stop DIR    SIGTERM to the broker VM (pid in DIR/server.pid), its launcher, then epmd.
#   rabbitmq-test-server.sh env DIR     `export OBSCURA_TEST_AMQP_URL=amqp://guest@127.0.0.1:PORT/` (eval it).
set -euo pipefail

die() { echo "rabbitmq-test-server: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 start|stop|env DIR"
cmd="$1"
dir="$2"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The environment every rabbitmq command of this node needs (server, rabbitmqctl, epmd).
node_env() {
    export HOME="$dir/home"
    export RABBITMQ_NODENAME="$(cat "$dir/nodename")"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$(cat "$dir/port")"
    export RABBITMQ_DIST_PORT="$(cat "$dir/dist_port")"
    export RABBITMQ_MNESIA_BASE="$dir/mnesia"
    export RABBITMQ_LOG_BASE="$dir/log"
    export RABBITMQ_CONFIG_FILE="$dir/rabbitmq"  # .conf is appended
    export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
    export ERL_EPMD_PORT="$(cat "$dir/epmd_port")"
    export ERL_EPMD_ADDRESS=127.0.0.1
    # Erlang distribution (rabbitmqctl's way in) on loopback too; it listens on every address otherwise.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

stop_pid() {
    local pid="$1"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

case "$cmd" in
start)
    [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || die "RabbitMQ not found (apt-get install rabbitmq-server)"
    [ -f "$dir/nodename" ] || echo "rabbit-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')@localhost" \
        >"$dir/nodename"
    [ -f "$dir/port" ] || free_port >"$dir/port"
    [ -f "$dir/dist_port" ] || free_port >"$dir/dist_port"
    [ -f "$dir/epmd_port" ] || free_port >"$dir/epmd_port"
    mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
    # The guest user may sign in over 127.0.0.1 (its default loopback-only rule); no management plugin.
    cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$(cat "$dir/port")
loopback_users.guest = true
log.console = false
log.file.level = warning
disk_free_limit.absolute = 50MB
CONF
    echo "[]." >"$dir/enabled_plugins"
    node_env
    # A restart after a crash (tests kill the broker) keeps the epmd that is still running.
    if ! { [ -f "$dir/epmd.pid" ] && kill -0 "$(cat "$dir/epmd.pid")" 2>/dev/null; }; then
        epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" </dev/null >"$dir/epmd.log" 2>&1 &
        echo $! >"$dir/epmd.pid"
    fi
    /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$dir/server.out" 2>&1 &
    launcher=$!
    echo "$launcher" >"$dir/launcher.pid"
    short="${RABBITMQ_NODENAME%@*}"
    # await_startup fails at once until the node is registered with epmd: wait for that first.
    for _ in $(seq 1 600); do
        kill -0 "$launcher" 2>/dev/null || { tail -30 "$dir/server.out" >&2; die "rabbitmq-server exited during start"; }
        if epmd -port "$ERL_EPMD_PORT" -names 2>/dev/null | grep -q "name $short "; then break; fi
        sleep 0.1
    done
    # The launcher is a shell script that runs the Erlang VM as its child: the VM's pid is the broker's (SIGTERM
    # stops it cleanly, SIGKILL is a crash).
    pid="$(ps -o pid= --ppid "$launcher" | tr -d ' ' | head -1)"
    [ -n "$pid" ] && echo "$pid" >"$dir/server.pid"
    if ! timeout 120 /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBITMQ_NODENAME" await_startup >"$dir/await.log" 2>&1; then
        cat "$dir/await.log" >&2
        [ -n "$pid" ] && stop_pid "$pid"
        stop_pid "$launcher"
        stop_pid "$(cat "$dir/epmd.pid")"
        die "rabbitmq did not start (see $dir/log and $dir/server.out)"
    fi
    echo "port=$RABBITMQ_NODE_PORT pid=$pid"
    ;;
stop)
    for f in server.pid launcher.pid epmd.pid; do
        if [ -f "$dir/$f" ]; then stop_pid "$(cat "$dir/$f")"; fi
    done
    rm -f "$dir/server.pid" "$dir/launcher.pid" "$dir/epmd.pid"
    ;;
env)
    [ -f "$dir/port" ] || die "no $dir/port (start first)"
    echo "export OBSCURA_TEST_AMQP_URL=amqp://guest@127.0.0.1:$(cat "$dir/port")/"
    ;;
*)
    die "unknown command '$cmd' (start, stop, env)"
    ;;
esac
