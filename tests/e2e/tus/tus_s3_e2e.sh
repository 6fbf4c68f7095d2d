#!/usr/bin/env bash
# Resumable uploads on replicas that share no disk (issue 20): two servers on one MariaDB and one S3 store (the
# real Ceph radosgw of scripts/ceph-test-server.sh), each with a data dir of its own. tus-js-client (npm, pinned)
# starts an upload on one replica, the connection is cut and it goes on on the other, which is then killed (-9)
# and restarted on an empty data dir, and the client finishes: the bytes live in the store as the parts of one
# multipart upload (and a small tail object) while the upload is open. The asset's bytes must be identical, and
# the store must hold nothing of the upload afterwards (no parts, no tail). A second upload in chunks smaller than
# an S3 part moves between the replicas on tails alone.
# Usage: tus_s3_e2e.sh <obscura-binary> <source-dir of this test> <cache-dir> <repo-root>
# Uses the S3 store named by OBSCURA_TEST_S3_* when set (scripts/test.sh), else starts a Ceph of its own.
# Exits 77 (skipped) when npm cannot reach its registry, or neither MariaDB nor Ceph can start here.
set -euo pipefail

obscura="$1"
here="$2"
cache="$3"
repo="$4"
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in npm node curl jq python3 ffmpeg cmp; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/setup.sh --test-deps installs it)"
done

work="$(mktemp -d -t obscura-tus-s3.XXXXXX)"
pids=()
mariadb_dir=""
ceph_dir=""
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    [ -n "$mariadb_dir" ] && bash "$repo/scripts/mariadb-test-server.sh" stop "$mariadb_dir" >/dev/null 2>&1 || true
    [ -n "$ceph_dir" ] && bash "$repo/scripts/ceph-test-server.sh" stop "$ceph_dir" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
. "$here/tus_lib.sh"
install_tus_client

# --- the store and the database
if [ -z "${OBSCURA_TEST_S3_ENDPOINT:-}" ]; then
    command -v radosgw >/dev/null || { echo "e2e: tus s3: no Ceph here: SKIPPED"; exit 77; }
    ceph_dir="$work/ceph"
    bash "$repo/scripts/ceph-test-server.sh" start "$ceph_dir" >"$work/ceph.out" 2>&1 || { cat "$work/ceph.out"; fail "Ceph did not start"; }
    eval "$(bash "$repo/scripts/ceph-test-server.sh" env "$ceph_dir")"
fi
mariadb_dir="$work/mariadb"
if ! bash "$repo/scripts/mariadb-test-server.sh" start "$mariadb_dir" >"$work/mariadb.out" 2>&1; then
    mariadb_dir=""
    echo "e2e: tus s3: MariaDB cannot start here: SKIPPED"
    exit 77
fi
bash "$repo/scripts/mariadb-test-server.sh" create-db "$mariadb_dir" tus tus tuspw >/dev/null
prefix="tus-e2e-$(date +%s)-$$/"
shared=(OBSCURA_STORAGE_PLUGIN=mysql "OBSCURA_DATABASE_URL=mysql://tus@127.0.0.1:$(cat "$mariadb_dir/port")/tus"
        OBSCURA_DATABASE_PASSWORD=tuspw OBSCURA_BLOBS_PLUGIN=s3
        "OBSCURA_BLOBS_S3_ENDPOINT=$OBSCURA_TEST_S3_ENDPOINT" "OBSCURA_BLOBS_S3_REGION=$OBSCURA_TEST_S3_REGION"
        "OBSCURA_BLOBS_S3_BUCKET=$OBSCURA_TEST_S3_BUCKET" "OBSCURA_BLOBS_S3_ACCESS_KEY_ID=$OBSCURA_TEST_S3_ACCESS_KEY"
        "OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY=$OBSCURA_TEST_S3_SECRET_KEY" "OBSCURA_BLOBS_S3_PREFIX=$prefix"
        # Replicas share the signing secret (with a shared data dir it comes from there).
        "OBSCURA_AUTH_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')")
s3_get() {  # query → the bucket's answer (XML)
    curl -fsS --aws-sigv4 "aws:amz:$OBSCURA_TEST_S3_REGION:s3" \
        --user "$OBSCURA_TEST_S3_ACCESS_KEY:$OBSCURA_TEST_S3_SECRET_KEY" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
        "$OBSCURA_TEST_S3_ENDPOINT/$OBSCURA_TEST_S3_BUCKET?$1"
}
nothing_left() {  # label: no object and no multipart upload under <prefix>uploads/
    local objects uploads
    # The query as SigV4 signs it: sorted, '/' encoded (curl does not canonicalise it).
    local under="${prefix//\//%2F}uploads%2F"
    objects="$(s3_get "list-type=2&prefix=$under")"
    uploads="$(s3_get "prefix=$under&uploads=")"
    grep -q "<Key>" <<<"$objects" && fail "$1: objects of the upload are left in the store: $objects"
    grep -q "<UploadId>" <<<"$uploads" && fail "$1: a multipart upload is left in the store: $uploads"
    echo "e2e: tus s3: $1: nothing of the upload is left in the store"
}

port_a="$(free_port)"
port_b="$(free_port)"
start_server "$port_a" "$work/data-a" "$work/replica-a.log" "${shared[@]}"
start_server "$port_b" "$work/data-b" "$work/replica-b.log" "${shared[@]}"
pid_b=$server_pid
token="$(token_for "http://127.0.0.1:$port_a" carol)"

# --- 1. 120 MB in 16 MiB chunks: begun on A, cut over to B, B killed -9 and restarted on an empty data dir
make_video $((120 * 1000 * 1000))
mark 1
tus_client --file "$video" --token "$token" --target "127.0.0.1:$port_a,127.0.0.1:$port_b" --chunk $((16 << 20)) \
    --cut 0.3 --progress "$work/progress" >"$work/moved.json" &
client_pid=$!
pids+=($client_pid)
for _ in $(seq 1 1200); do
    [ -f "$work/progress" ] && [ "$(awk '{print ($1 > $2 * 0.6)}' "$work/progress")" = 1 ] && break
    sleep 0.1
done
kill -9 "$pid_b"
wait "$pid_b" 2>/dev/null || true
echo "e2e: tus s3: killed replica B (-9) at $(cat "$work/progress")"
start_server "$port_b" "$work/data-c" "$work/replica-b.log" "${shared[@]}"
wait "$client_pid" || fail "the client did not finish: $(cat "$work/moved.json")"
cat "$work/moved.json"
[ "$(jq -r .cuts "$work/moved.json")" = 1 ] || fail "the proxy did not move the upload to replica B"
grep -q "uploads" "$work/replica-b.log" || true
check_asset "http://127.0.0.1:$port_a" "$token" "$(jq -r .assetId "$work/moved.json")" "A → B → B killed, new data dir"
nothing_left "moved and killed"

# --- 2. 20 MB in 3 MiB chunks (below S3's 5 MiB part): the bytes between parts travel as tails
make_video $((20 * 1000 * 1000))
mark 2
result="$(tus_client --file "$video" --token "$token" --target "127.0.0.1:$port_b,127.0.0.1:$port_a" \
    --chunk $((3 << 20)) --cut 0.5)"
echo "$result"
check_asset "http://127.0.0.1:$port_b" "$token" "$(jq -r .assetId <<<"$result")" "small chunks across replicas"
nothing_left "small chunks"
echo "e2e: tus s3: all cases passed"
