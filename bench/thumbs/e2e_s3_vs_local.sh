#!/usr/bin/env bash
# bench/thumbs/e2e_s3_vs_local.sh OBSCURA_BINARY CORPUS_DIR [ROUNDS] [WORKERS] — the end-to-end thumbnail bench
# (e2e.sh: every photo uploaded, until every thumbnail and preview is ready) with blobs.plugin=s3 against itself on
# local, alternating local and s3 rounds in one run so both see the same machine load. Needs a gateway in
# OBSCURA_TEST_S3_* (scripts/ceph-test-server.sh start DIR; set -a; . DIR/env; set +a). Prints each round, then
#   RESULT e2e local median <s> s3 median <s> ratio <local/s3>   (ratio = s3's throughput relative to local's)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$1 corpus=$2 rounds=${3:-3} workers=${4:-2}
[ -n "${OBSCURA_TEST_S3_ENDPOINT:-}" ] || { echo "e2e_s3_vs_local: OBSCURA_TEST_S3_* not set" >&2; exit 2; }
local_s=() s3_s=()
for round in $(seq "$rounds"); do
    for blobs in local s3; do
        line=$(OBSCURA_BENCH_BLOBS=$blobs "$here/e2e.sh" "$bin" "$corpus" "$workers" | grep '^RESULT e2e')
        seconds=$(echo "$line" | awk '{ print $5 }')
        echo "round $round $blobs: $line (load $(cut -d' ' -f1-3 /proc/loadavg))"
        if [ "$blobs" = local ]; then local_s+=("$seconds"); else s3_s+=("$seconds"); fi
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ml=$(median "${local_s[@]}")
ms=$(median "${s3_s[@]}")
echo "RESULT e2e local median $ml s3 median $ms ratio $(awk -v l="$ml" -v s="$ms" 'BEGIN { printf "%.2f", l / s }')"
