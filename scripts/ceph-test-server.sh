#!/usr/bin/env bash
# A private, throw-away single-node Ceph with an S3 gateway for the tests: one monitor, one bluestore OSD on a
# sparse file and radosgw (beast) on 127.0.0.1, all plain processes in DIR, no systemd, stopped by their pids.
# Used by scripts/test.sh (one gateway shared by every S3 test of a run). Debian 12's Ceph 16 radosgw has no
# dbstore backend, hence the monitor and OSD.
#
#   ceph-test-server.sh start DIR [PORT]  cluster in DIR (made on first start), gateway on PORT (default: a
#                                         free one, or the previous start's); a user and the bucket "obscura".
#                                         Prints "port=N" once the gateway answers; DIR/env holds
#                                         OBSCURA_TEST_S3_ENDPOINT, _REGION, _BUCKET, _ACCESS_KEY, _SECRET_KEY.
#   ceph-test-server.sh stop DIR          SIGTERM to radosgw, the OSD and the monitor (pids in DIR/*.pid).
#   ceph-test-server.sh env DIR           prints DIR/env (for `eval "$(… env DIR)"`).
# The OSD's block file is sparse: OBSCURA_CEPH_BLOCK_BYTES (default 4 GiB) bounds the data, not the disk used.
set -euo pipefail

die() { echo "ceph-test-server: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 start|stop|env DIR [PORT]"
cmd="$1"
dir="$2"
shift 2
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
conf="$dir/ceph.conf"
bucket=obscura
region=default

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid() {
    local file="$1" pid
    [ -f "$file" ] || return 0
    pid="$(cat "$file")"
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$file"
}

write_conf() {
    local mon_port="$1" rgw_port="$2" fsid="$3"
    # auth none on a loopback-only cluster; the crc/secure client modes are needed with it, or radosgw loops on
    # "get_initial_auth_request returned -13". Pool size 1 and chooseleaf type 0: one OSD holds everything.
    cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc secure
ms client mode = crc secure
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $dir/run
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
mon data = $dir/mon/\$cluster-\$id
osd data = $dir/osd/\$cluster-\$id
osd objectstore = bluestore
bluestore block create = true
bluestore block size = ${OBSCURA_CEPH_BLOCK_BYTES:-4294967296}
bluestore block db create = false
bluestore block wal create = false
bluestore fsck on mount = false
bluestore cache size = 134217728
osd memory target = 536870912
mon osd full ratio = 0.97
mon osd backfillfull ratio = 0.96
mon osd nearfull ratio = 0.95

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw dns name = 127.0.0.1
rgw thread pool size = 64
rgw enable usage log = false
rgw data = $dir/rgw
EOF
}

case "$cmd" in
start)
    for b in ceph-mon ceph-osd radosgw radosgw-admin monmaptool ceph; do
        command -v "$b" >/dev/null 2>&1 || die "$b not found (apt-get install ceph-mon ceph-osd radosgw)"
    done
    rgw_port="${1:-}"
    [ -z "$rgw_port" ] && [ -f "$dir/port" ] && rgw_port="$(cat "$dir/port")"
    [ -z "$rgw_port" ] && rgw_port="$(free_port)"
    echo "$rgw_port" >"$dir/port"
    mkdir -p "$dir/run" "$dir/log" "$dir/mon" "$dir/osd/ceph-0" "$dir/rgw"
    fresh=0
    if [ ! -f "$conf" ]; then
        fresh=1
        mon_port="$(free_port)"
        write_conf "$mon_port" "$rgw_port" "$(cat /proc/sys/kernel/random/uuid)"
        monmaptool --create --clobber --fsid "$(awk '/^fsid/{print $3}' "$conf")" \
            --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >"$dir/log/monmap.out" 2>&1 ||
            { cat "$dir/log/monmap.out" >&2; die "monmaptool failed"; }
        ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" >"$dir/log/mkfs-mon.out" 2>&1 ||
            { cat "$dir/log/mkfs-mon.out" >&2; die "ceph-mon --mkfs failed"; }
    fi
    ceph-mon -c "$conf" -i a >"$dir/log/mon.out" 2>&1 || die "ceph-mon did not start (see $dir/log)"
    cp "$dir/run/mon.a.pid" "$dir/mon.pid" 2>/dev/null || true
    ceph_() { timeout 30 ceph -c "$conf" "$@"; }
    if [ "$fresh" = 1 ]; then
        osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
        osd_id="$(ceph_ osd create "$osd_uuid")"
        [ "$osd_id" = 0 ] || die "expected osd id 0, got '$osd_id'"
        ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$dir/log/mkfs-osd.out" 2>&1 ||
            { tail -20 "$dir/log/mkfs-osd.out" >&2; die "ceph-osd --mkfs failed"; }
        ceph_ osd crush add-bucket node0 host >/dev/null 2>&1 || true
        ceph_ osd crush move node0 root=default >/dev/null 2>&1 || true
        ceph_ osd crush add 0 1.0 host=node0 >/dev/null 2>&1 || true
    fi
    ceph-osd -c "$conf" -i 0 >"$dir/log/osd.out" 2>&1 || die "ceph-osd did not start (see $dir/log)"
    cp "$dir/run/osd.0.pid" "$dir/osd.pid" 2>/dev/null || true
    radosgw -c "$conf" -n client.rgw >"$dir/log/rgw.out" 2>&1 || die "radosgw did not start (see $dir/log)"
    for _ in $(seq 1 20); do [ -f "$dir/run/client.rgw.pid" ] && break; sleep 0.1; done
    cp "$dir/run/client.rgw.pid" "$dir/rgw.pid" 2>/dev/null || true
    endpoint="http://127.0.0.1:$rgw_port"
    # radosgw answers once its pools exist (it creates them on first start: the slow part).
    for _ in $(seq 1 900); do
        curl -s -o /dev/null -m 2 "$endpoint/" && break
        sleep 0.2
    done
    curl -s -o /dev/null -m 2 "$endpoint/" || { tail -20 "$dir/log/client.rgw.log" >&2 || true; die "radosgw did not answer within 180 s"; }
    if [ ! -f "$dir/env" ]; then
        access_key="OBS$(head -c 16 /dev/urandom | od -An -tx1 | tr -dc '0-9a-f' | tr 'a-f' 'A-F')"
        secret_key="$(head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
        radosgw-admin -c "$conf" -n client.admin user create --uid=obscura --display-name=obscura \
            --access-key="$access_key" --secret-key="$secret_key" >"$dir/log/user.out" 2>&1 ||
            { cat "$dir/log/user.out" >&2; die "radosgw-admin user create failed"; }
        # The bucket, made with a signed request: curl's own SigV4 (the same signer the plugin uses).
        code="$(curl -s -o "$dir/log/bucket.out" -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:$region:s3" \
            --user "$access_key:$secret_key" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$endpoint/$bucket")"
        [ "$code" = 200 ] || { cat "$dir/log/bucket.out" >&2; die "bucket creation answered $code"; }
        umask 077
        cat >"$dir/env" <<EOF
OBSCURA_TEST_S3_ENDPOINT=$endpoint
OBSCURA_TEST_S3_REGION=$region
OBSCURA_TEST_S3_BUCKET=$bucket
OBSCURA_TEST_S3_ACCESS_KEY=$access_key
OBSCURA_TEST_S3_SECRET_KEY=$secret_key
EOF
    fi
    echo "port=$rgw_port endpoint=$endpoint env=$dir/env"
    ;;
stop)
    stop_pid "$dir/rgw.pid"
    stop_pid "$dir/osd.pid"
    stop_pid "$dir/mon.pid"
    ;;
env)
    [ -f "$dir/env" ] || die "no $dir/env (start first)"
    sed 's/^/export /' "$dir/env"
    ;;
*)
    die "unknown command '$cmd' (start, stop, env)"
    ;;
esac
