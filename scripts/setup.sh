#!/usr/bin/env bash
# Installs Obscura's build and test dependencies on Debian 12 (as root), then configures and builds.
# Idempotent: only missing packages are installed, and it says which.
# Usage: scripts/setup.sh [--deps-only] [--test-deps] [--build-dir DIR] [--build-type TYPE]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$here/build"
build_type=Release
deps_only=0
test_deps=0
while [ $# -gt 0 ]; do
    case "$1" in
        --deps-only) deps_only=1 ;;
        --test-deps) test_deps=1 ;;
        --build-dir) build_dir="$2"; shift ;;
        --build-type) build_type="$2"; shift ;;
        *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

# What the server needs to build and run.
build_pkgs=(
    build-essential cmake ninja-build ccache pkg-config git
    libboost-dev libboost-system-dev libboost-program-options-dev
    nlohmann-json3-dev libsqlite3-dev doctest-dev libcli11-dev libspdlog-dev libfmt-dev
    prometheus-cpp-dev libssl-dev liburiparser-dev
    libjwt-dev libargon2-dev libsodium-dev libexif-dev libmagic-dev libcurl4-openssl-dev
    libvips-dev libvips-tools ffmpeg libmysqlcppconn-dev
    librabbitmq-dev
    libarchive-dev
    # camera RAW and sidecars (issue 23): exiv2 reads RAW/TIFF EXIF, libraw decodes RAW in obscura-raw, expat
    # parses XMP sidecars
    libexiv2-dev libraw-dev libexpat1-dev
)
# What the test suite and benchmarks use on top: real tools making real fixtures, a real database, a real browser,
# a real S3 gateway (a single-node Ceph: scripts/ceph-test-server.sh), and clang's libFuzzer for the
# OBSCURA_FUZZ targets (tests/fuzz/). The cluster suite (tests/cluster/) puts haproxy in front of three replicas.
test_pkgs=(
    curl jq python3 mariadb-server libimage-exiftool-perl python3-aiosmtpd wrk chromium
    ceph-mon ceph-osd radosgw
    rabbitmq-server
    iproute2 procps psmisc
    haproxy
    clang libclang-rt-14-dev clang-format
    # resumable uploads' e2e test (tests/e2e/tus): a reverse proxy capping bodies at 100 MB in front of the server
    nginx-light
    # camera RAW fixtures: DNGs written by tifffile (tests/support/make_dng.py, run with /usr/bin/python3)
    python3-tifffile
)

pkgs=("${build_pkgs[@]}")
[ "$test_deps" = 1 ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup.sh: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" != 0 ] && SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "setup.sh: all ${#pkgs[@]} packages already installed"
fi

# Node builds the web UI (web/, Vite 5 needs node >= 18: Debian 12's is 18.19) and, for the tests, runs its
# browser test (playwright-core) and npm fetches Immich's CLI and the Node 22 it runs on (tests/e2e/immich_cli).
# A node already on PATH is kept (e.g. a NodeSource build, whose nodejs package bundles npm and conflicts with
# Debian's npm package).
web_pkgs=(nodejs npm)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$test_deps" = 1 ] || { [ -d "$here/web" ] && [ -f "$here/web/package.json" ]; }; then
        echo "setup.sh: installing ${web_pkgs[*]} (no node/npm on PATH)"
        SUDO=""
        [ "$(id -u)" != 0 ] && SUDO=sudo
        export DEBIAN_FRONTEND=noninteractive
        $SUDO apt-get update -qq
        $SUDO apt-get install -y -qq --no-install-recommends "${web_pkgs[@]}"
    fi
fi

[ "$deps_only" = 1 ] && exit 0

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
cmake -S "$here" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type"
cmake --build "$build_dir" --parallel "$(nproc)"
