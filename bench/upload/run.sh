#!/usr/bin/env bash
# Upload memory and throughput (issue 5's note): the server's resident memory while one large file uploads
# (target: peak < 64 MiB above idle) and its upload speed against `dd conv=fsync` writing as many bytes to
# the same file system in the same run (target: >= 0.8x).
# Usage: bench/upload/run.sh [OBSCURA_BINARY] [SIZE_MIB] [RUNS] [WORK_DIR]
#   defaults: build/bin/obscura (build it as Release), 1024 MiB, 3 runs, a fresh directory under $TMPDIR.
# The file is a real MP4 (ffmpeg testsrc, 1 s) followed by one ISO-BMFF `free` box of padding, so it sniffs,
# streams and probes like a real video of that size. curl posts it as multipart/form-data (-F), which also
# makes curl send `Expect: 100-continue`. Memory is sampled from /proc/<pid>/status (VmRSS) every 20 ms
# during the upload; VmHWM (the process's lifetime peak) is reported beside it.
#
# With OBSCURA_BENCH_BLOBS=s3 and a gateway in OBSCURA_TEST_S3_* (scripts/ceph-test-server.sh start DIR, then
# eval "$(scripts/ceph-test-server.sh env DIR)"), the server keeps its bytes there (blobs.plugin=s3) and the
# comparison is a bare `curl --aws-sigv4 -T` of the same file to the same gateway instead of dd.
# OBSCURA_BENCH_GATEWAY_PIDS="$(cat DIR/rgw.pid DIR/osd.pid)" adds the gateway's CPU seconds to each line, beside
# the server's and the client's: on a loaded machine the ratio follows the CPU each path needs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/../../build/bin/obscura}"
size_mib="${2:-1024}"
runs="${3:-3}"
base="${4:-${TMPDIR:-/tmp}}"
[ -x "$bin" ] || { echo "run.sh: no executable at $bin" >&2; exit 2; }
for tool in curl ffmpeg python3 dd; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 2; }
done

work="$(mktemp -d "$base/obscura-upload-bench-XXXXXX")"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# The input: MP4 + padding box, exactly size_mib MiB.
. "$here/common.sh"
make_video "$work" "$size_mib"
bytes=$(stat -c %s "$work/big.mp4")

s3_prefix="bench-$(date +%s)-$$/"
if [ "${OBSCURA_BENCH_BLOBS:-local}" = s3 ]; then
    [ -n "${OBSCURA_TEST_S3_ENDPOINT:-}" ] || { echo "run.sh: OBSCURA_BENCH_BLOBS=s3 needs OBSCURA_TEST_S3_*" >&2; exit 2; }
    export OBSCURA_BLOBS_PLUGIN=s3 OBSCURA_BLOBS_S3_ENDPOINT="$OBSCURA_TEST_S3_ENDPOINT"
    export OBSCURA_BLOBS_S3_REGION="$OBSCURA_TEST_S3_REGION" OBSCURA_BLOBS_S3_BUCKET="$OBSCURA_TEST_S3_BUCKET"
    export OBSCURA_BLOBS_S3_ACCESS_KEY_ID="$OBSCURA_TEST_S3_ACCESS_KEY" OBSCURA_BLOBS_S3_PREFIX="$s3_prefix"
    export OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY="$OBSCURA_TEST_S3_SECRET_KEY"
fi
start_server "$bin" "$work"

# CPU seconds used so far by running processes (utime + stime), and by this shell's waited-for children.
cpu_of() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
children_cpu() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
gateway=(${OBSCURA_BENCH_GATEWAY_PIDS:-})  # radosgw and ceph-osd pids, to count the store's CPU too
hz=$(getconf CLK_TCK)
secs() { python3 -c "print(f'{$1 / $hz:.1f}')"; }


ratios=() growths=()
echo "file: $bytes bytes; server pid $server; data dir on $(df --output=source "$work" | tail -1); $(nproc) cores"
for run in $(seq "$runs"); do
    sleep 1
    idle=$(status_kib VmRSS)
    : >"$work/samples"
    ( while kill -0 "$server" 2>/dev/null; do status_kib VmRSS >>"$work/samples"; sleep 0.02; done ) &
    sampler=$!
    cpu0=$(cpu_of "$server"); gw0=$(cpu_of "${gateway[@]}"); kid0=$(children_cpu)
    result="$(curl -sS -o "$work/response" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $token" \
        -F "assetData=@$work/big.mp4;type=video/mp4" "$url/api/assets")"
    kid1=$(children_cpu); cpu1=$(cpu_of "$server"); gw1=$(cpu_of "${gateway[@]}")
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    cpu_note="CPU s: server $(secs $((cpu1 - cpu0))), client $(secs $((kid1 - kid0)))"
    [ ${#gateway[@]} -gt 0 ] && cpu_note+=", gateway $(secs $((gw1 - gw0)))"
    code=${result% *}
    seconds=${result#* }
    [ "$code" = 201 ] || { echo "run $run: upload answered $code: $(cat "$work/response")" >&2; exit 1; }
    peak=$(sort -n "$work/samples" | tail -1)
    hwm=$(status_kib VmHWM)
    upload_mbs=$(python3 -c "print(f'{$bytes / $seconds / 1e6:.1f}')")

    if [ "${OBSCURA_BENCH_BLOBS:-local}" = s3 ]; then
        # The same file straight to the same gateway with curl's own SigV4: what the store itself can take.
        probe="$OBSCURA_TEST_S3_ENDPOINT/$OBSCURA_TEST_S3_BUCKET/${s3_prefix}curl-probe"
        sig=(--aws-sigv4 "aws:amz:$OBSCURA_TEST_S3_REGION:s3" --user "$OBSCURA_TEST_S3_ACCESS_KEY:$OBSCURA_TEST_S3_SECRET_KEY"
            -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
        gw0=$(cpu_of "${gateway[@]}"); kid0=$(children_cpu)
        dd_seconds="$(curl -sS -o /dev/null -w '%{time_total}' "${sig[@]}" -T "$work/big.mp4" "$probe")"
        kid1=$(children_cpu); gw1=$(cpu_of "${gateway[@]}")
        cpu_note+="; curl alone: client $(secs $((kid1 - kid0)))"
        [ ${#gateway[@]} -gt 0 ] && cpu_note+=", gateway $(secs $((gw1 - gw0)))"
        curl -sS -o /dev/null -X DELETE "${sig[@]}" "$probe"
        label="curl --aws-sigv4 -T"
    else
        # The same number of bytes through the kernel to the same file system, made durable the same way.
        dd_out="$(dd if=/dev/zero of="$work/data/dd-probe" bs=1M count="$size_mib" conv=fsync 2>&1 | tail -1)"
        rm -f "$work/data/dd-probe"
        dd_seconds="$(echo "$dd_out" | sed -E 's/.* copied, ([0-9.]+) s.*/\1/')"
        label="dd conv=fsync"
    fi
    dd_mbs=$(python3 -c "print(f'{$bytes / $dd_seconds / 1e6:.1f}')")
    ratio=$(python3 -c "print(f'{$dd_seconds / $seconds:.2f}')")
    ratios+=("$ratio")
    growths+=($(((peak - idle) / 1024)))
    echo "run $run: upload ${seconds}s = ${upload_mbs} MB/s; $label ${dd_seconds}s = ${dd_mbs} MB/s;" \
        "ratio ${ratio}x; RSS idle $((idle / 1024)) MiB, peak while uploading $((peak / 1024)) MiB" \
        "(+$(((peak - idle) / 1024)) MiB), VmHWM $((hwm / 1024)) MiB; samples $(wc -l <"$work/samples"); $cpu_note"

    # Delete it for good so the next run is not a duplicate and the disk does not fill.
    id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/response")"
    curl -sf -X DELETE -H "Authorization: Bearer $token" "$url/api/assets/$id?permanent=true" >/dev/null
    sleep 2
done
if [ "${OBSCURA_BENCH_BLOBS:-local}" = s3 ]; then
    # What the staged put costs after the body has arrived: the parts still unsent then, and the copy under the key.
    curl -sf "$url/metrics" | grep -E '^obscura_blob_operation_seconds_(sum|count)\{op="(staged-wait|staged-copy|put)"' || true
fi
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "RESULT upload median ratio $(median "${ratios[@]}")x over $runs runs; largest RSS growth while uploading" \
    "$(printf '%s\n' "${growths[@]}" | sort -n | tail -1) MiB"
grep -o '"msg":"obscura [^"]*"' "$work/log" | head -1
