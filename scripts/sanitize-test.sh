#!/usr/bin/env bash
# The AddressSanitizer + UndefinedBehaviorSanitizer tier: builds the whole tree instrumented in its own build
# directory (default build-asan/) and runs its unit, conformance and integration tests; integration tests spawn
# that tree's (instrumented) `obscura`. scripts/test.sh runs it after the Release tests, with the MariaDB it
# started; alone (`bash scripts/sanitize-test.sh [DIR]`) the MySQL entries skip unless OBSCURA_TEST_MYSQL_URL
# and OBSCURA_TEST_MYSQL_PASSWORD name a server. The e2e tier (browser, Immich's CLI) is not run here.
set -euo pipefail

# The selection of this tier, also read by scripts/test.sh (which leaves these entries to this tier).
labels='^(unit|conformance|integration)$'
exclude='_test_(mysql|s3)$'
case "${1:-}" in
    --labels) echo "$labels"; exit 0 ;;
    --exclude) echo "$exclude"; exit 0 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
asan_dir="${1:-$here/build-asan}"
cd "$here"

stage_start=0
stage() { stage_start=$(date +%s); echo "=== $1"; }
stage_end() { echo "=== $1 took $(( $(date +%s) - stage_start ))s"; }

stage "configure + build (ASan + UBSan, $asan_dir)"
generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
# Debug = no NDEBUG (assertions run); cmake/ObscuraWarnings.cmake adds -O1 -g1. Unity: a cold build in less
# than half the time. No web UI: no test of these tiers needs it.
cmake -S . -B "$asan_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DOBSCURA_SANITIZE=ON \
    -DOBSCURA_UNITY_BUILD=ON -DOBSCURA_BUILD_WEB=OFF >/dev/null
cmake --build "$asan_dir" --parallel "$(nproc)"
stage_end "configure + build (ASan + UBSan, $asan_dir)"

stage "tests under ASan + UBSan (unit, conformance, integration)"
reports="$asan_dir/sanitizer-reports"
rm -rf "$reports"
# shellcheck source=../tests/sanitizers/env.sh
. tests/sanitizers/env.sh "$reports"
echo "ASAN_OPTIONS=$ASAN_OPTIONS"
status=0
# The subset, to keep CI within its time on 2 cores: unit, conformance on SQLite AND MariaDB (the storage plugins'
# code runs instrumented against both backends), integration on SQLite. The integration tier's MariaDB twins
# (*_test_mysql) and S3 twins (*_test_s3) run in the Release tree only: they drive the same module code as their
# SQLite/local runs. The S3 plugin itself runs instrumented (blob_conformance_s3, blobs_s3_integration_test).
ctest --test-dir "$asan_dir" -L "$labels" -E "$exclude" --output-on-failure \
    --parallel 2 --timeout 900 || status=$?
# A finding in a spawned server may not fail the test that spawned it: every report fails the tier.
if compgen -G "$reports/*" >/dev/null; then
    for f in "$reports"/*; do
        echo "--- sanitizer report $f:"
        head -c 20000 "$f"
    done
    echo "FAIL: the sanitizers reported $(ls "$reports" | wc -l) finding(s) (above)" >&2
    status=1
fi
stage_end "tests under ASan + UBSan (unit, conformance, integration)"
exit "$status"
