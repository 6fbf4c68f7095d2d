#!/usr/bin/env bash
# Builds Obscura and runs every test tier. The README's test command; CI runs exactly this.
# Installs what it needs (Debian 12, as root), so a fresh machine passes with nothing done by hand.
set -euo pipefail

# Usage: scripts/test.sh [--no-sanitize | --sanitize-only]
#   --no-sanitize    skip the AddressSanitizer + UBSan tree (build-asan/): half the time, for a quick local run
#   --sanitize-only  only that tree: build it and run its unit, conformance and integration tiers
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${OBSCURA_BUILD_DIR:-$here/build}"
asan_dir="${OBSCURA_ASAN_BUILD_DIR:-$here/build-asan}"
release=1
sanitize=1
case "${1:-}" in
    "") ;;
    --no-sanitize) sanitize=0 ;;
    --sanitize-only) release=0 ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
esac
cd "$here"

stage_start=0
stage() { stage_start=$(date +%s); echo "=== $1"; }
stage_end() { echo "=== $1 took $(( $(date +%s) - stage_start ))s"; }

stage "dependencies"
bash scripts/setup.sh --deps-only --test-deps
stage_end "dependencies"

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [ "$release" = 1 ]; then
    stage "configure + build (Release, -Werror)"
    # Unity (jumbo) build, as the container's and the ASan tree's: a cold build (CI's every run) parses each header
    # once per 8 sources instead of once per source. For quick edit-compile loops use a build dir of your own
    # without it (docs/ci.md).
    # With the ASan + UBSan tree to follow, this tree builds only the test tiers it runs (see "tests" below): the
    # unit, conformance and fuzz-replay binaries are built and run there.
    tiers="unit;conformance;integration;e2e;fuzz"
    [ "$sanitize" = 1 ] && tiers="integration;e2e"
    rm -f "$build_dir/.release-built"
    cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DOBSCURA_UNITY_BUILD=ON \
        "-DOBSCURA_TEST_TIERS=$tiers" >/dev/null
    cmake --build "$build_dir" --parallel "$(nproc)"
    # CI's container image build starts when this file appears (its compiles are hits on this tree's ccache).
    touch "$build_dir/.release-built"
    stage_end "configure + build (Release, -Werror)"

    stage "static checks"
    # The executable reaches storage only through dlopen'd plugins.
    if ldd "$build_dir/bin/obscura" | grep -Ei 'sqlite|mysql|mariadb|rabbitmq'; then
        echo "FAIL: obscura links a database or broker library directly" >&2
        exit 1
    fi
    echo "ldd: obscura links no sqlite/mysql/rabbitmq library"
    stage_end "static checks"
fi

stage "MariaDB test server"
# The MySQL plugin's conformance run and the *_mysql integration entries need a server: a private mariadbd
# (own datadir, socket and free port on 127.0.0.1; no systemd), stopped by its pid when this script exits.
# A server given from outside (OBSCURA_TEST_MYSQL_URL already set) is used as it is.
if [ -z "${OBSCURA_TEST_MYSQL_URL:-}" ]; then
    mariadb_dir="$(mktemp -d -t obscura-mariadb.XXXXXX)"
    stop_mariadb() { bash "$here/scripts/mariadb-test-server.sh" stop "$mariadb_dir" || true; rm -rf "$mariadb_dir"; }
    trap stop_mariadb EXIT
    bash scripts/mariadb-test-server.sh start "$mariadb_dir"
    mariadb_password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
    bash scripts/mariadb-test-server.sh create-db "$mariadb_dir" obscura_test obscura "$mariadb_password"
    export OBSCURA_TEST_MYSQL_URL="mysql://obscura@127.0.0.1:$(cat "$mariadb_dir/port")/obscura_test"
    export OBSCURA_TEST_MYSQL_PASSWORD="$mariadb_password"
fi
echo "MySQL tests against ${OBSCURA_TEST_MYSQL_URL}"
stage_end "MariaDB test server"

stage "Ceph S3 test server"
# The S3 blob plugin's conformance run and the *_s3 integration entries need a real S3 that checks signatures:
# a single-node Ceph (monitor, OSD on a sparse file, radosgw) on 127.0.0.1, started once and shared by every S3
# test, stopped by its pids when this script exits. A gateway given from outside (OBSCURA_TEST_S3_ENDPOINT
# already set, with _REGION, _BUCKET, _ACCESS_KEY and _SECRET_KEY) is used as it is.
if [ -z "${OBSCURA_TEST_S3_ENDPOINT:-}" ]; then
    ceph_dir="$(mktemp -d -t obscura-ceph.XXXXXX)"
    stop_services() {
        bash "$here/scripts/ceph-test-server.sh" stop "$ceph_dir" || true
        rm -rf "$ceph_dir"
        if [ -n "${mariadb_dir:-}" ]; then stop_mariadb; fi
    }
    trap stop_services EXIT
    bash scripts/ceph-test-server.sh start "$ceph_dir"
    eval "$(bash scripts/ceph-test-server.sh env "$ceph_dir")"
fi
echo "S3 tests against ${OBSCURA_TEST_S3_ENDPOINT}/${OBSCURA_TEST_S3_BUCKET}"
stage_end "Ceph S3 test server"

stage "RabbitMQ test server"
# The AMQP bus plugin's integration entries need a real broker: a private RabbitMQ (own node name, mnesia, cookie and
# epmd on 127.0.0.1), started once, stopped by its pids when this script exits. Tests that kill a broker start their
# own. A broker given from outside (OBSCURA_TEST_AMQP_URL already set) is used as it is.
if [ -z "${OBSCURA_TEST_AMQP_URL:-}" ]; then
    rabbitmq_dir="$(mktemp -d -t obscura-rabbitmq.XXXXXX)"
    stop_rabbitmq() { bash "$here/scripts/rabbitmq-test-server.sh" stop "$rabbitmq_dir" || true; rm -rf "$rabbitmq_dir"; }
    stop_all() {
        stop_rabbitmq
        if declare -F stop_services >/dev/null; then stop_services; elif [ -n "${mariadb_dir:-}" ]; then stop_mariadb; fi
    }
    trap stop_all EXIT
    bash scripts/rabbitmq-test-server.sh start "$rabbitmq_dir"
    eval "$(bash scripts/rabbitmq-test-server.sh env "$rabbitmq_dir")"
fi
echo "AMQP tests against ${OBSCURA_TEST_AMQP_URL}"
stage_end "RabbitMQ test server"

if [ "$release" = 1 ]; then
    stage "tests"
    skip=()
    if [ "$sanitize" = 1 ]; then
        # Each test runs once: what the ASan + UBSan tier runs (scripts/sanitize-test.sh: unit, conformance and
        # the SQLite/local integration entries) is not run again here; this tree runs the rest — the MariaDB and
        # S3 twins of the integration tier (the same test code, built optimised), e2e and cluster.
        # Fixture setups (label `fixture`, e.g. the OpenID provider's npm install) stay: tests here need them too,
        # and CTest does not add a setup that -E names.
        list_tests() { ctest --test-dir "$build_dir" -N "$@" | sed -n 's/^ *Test *#[0-9]*: //p' | sort; }
        mapfile -t asan_tests < <(comm -23 \
            <(list_tests -L "$(bash scripts/sanitize-test.sh --labels)" -E "$(bash scripts/sanitize-test.sh --exclude)") \
            <(list_tests -L '^fixture$'))
        if [ "${#asan_tests[@]}" -gt 0 ]; then
            skip=(-E "^($(IFS='|'; echo "${asan_tests[*]}"))\$")
        fi
        echo "run by the ASan + UBSan tier instead: ${#asan_tests[@]} entries"
    fi
    ctest --test-dir "$build_dir" --output-on-failure --parallel 2 --timeout 600 "${skip[@]}"
    # CTest hides a passing test's output; the suites' verdicts on which plugins they ran against must be seen in
    # every run (the conformance suites' in the ASan tier's output when it runs them).
    grep -h '^conformance:' "$build_dir/Testing/Temporary/LastTest.log" | sort -u || true
    grep -h '^integration:' "$build_dir/Testing/Temporary/LastTest.log" | sort -u || true
    grep -h '^e2e:' "$build_dir/Testing/Temporary/LastTest.log" | sort -u || true
    stage_end "tests"
fi

if [ "$sanitize" = 1 ]; then
    bash scripts/sanitize-test.sh "$asan_dir"
fi
