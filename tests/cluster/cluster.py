"""The cluster harness (DESIGN §9): MariaDB, an S3 gateway, three replicas of the real `obscura` executable and
haproxy 2.6 in front of them, all on loopback addresses, each started and stopped by its PID.

Replicas listen on 127.0.0.2, .3 and .4 (they look like three hosts); haproxy on 127.0.0.1 checks /readyz every
250 ms and never replays a request that is not GET or HEAD (`disable-l7-retry`), so an upload is applied at most
once per client attempt. Standard library only: the suite runs wherever scripts/setup.sh ran.
"""

import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
REPLICA_HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
PASSWORD = "cluster-password-1"


def log(message):
    sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), message))
    sys.stderr.flush()


def free_port(host="127.0.0.1"):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None, timeout=60, host="127.0.0.1"):
    """One request on a fresh connection. Raises OSError / http.client errors on a transport failure."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        conn.close()


def multipart(file_name, data, fields=None):
    boundary = "cluster-" + uuid.uuid4().hex
    parts = []
    for k, v in (fields or {}).items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    parts.append(("--%s\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"%s\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n" % (boundary, file_name)).encode())
    parts.append(data)
    parts.append(("\r\n--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


class Process:
    """A child started by the harness, stopped by its PID (never by name)."""

    def __init__(self, name, argv, env=None, log_path=None, cwd=None):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.cwd = cwd
        self.proc = None

    def start(self):
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=self.cwd,
                                     start_new_session=True)
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        if self.alive():
            os.kill(self.proc.pid, sig)

    def wait(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=30):
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        if self.wait(timeout) is None:
            self.signal(signal.SIGKILL)
            self.wait(10)


class Cluster:
    """Everything one scenario needs. Use as a context manager: every process it started is stopped on exit."""

    def __init__(self, name, replicas=3, drain_delay=2, extra_config=None):
        for tool in ("haproxy", "mariadb"):
            if shutil.which(tool) is None:
                log("cluster: NOT tested, %s is not installed (scripts/setup.sh --test-deps)" % tool)
                sys.exit(77)
        self.name = name
        self.work = tempfile.mkdtemp(prefix="obscura-cluster-%s-" % name)
        self.binary = os.environ.get("OBSCURA_BINARY") or os.path.join(SOURCE, "build/bin/obscura")
        self.plugin_dir = os.environ.get("OBSCURA_PLUGIN_DIR") or os.path.join(
            os.path.dirname(os.path.dirname(self.binary)), "lib/obscura/plugins")
        self.replica_count = replicas
        self.drain_delay = drain_delay
        self.extra_config = extra_config or {}
        self.replicas = []  # [Process]
        self.ports = [free_port(h) for h in REPLICA_HOSTS[:replicas]]
        self.lb_port = free_port()
        self.haproxy = None
        self.mariadb_dir = os.path.join(self.work, "mariadb")
        self.ceph_dir = None
        self.db_password = uuid.uuid4().hex
        self.jwt_secret = uuid.uuid4().hex + uuid.uuid4().hex
        self.s3 = {}
        self.db_url = None
        self.restarts = 0
        # RabbitMQ as the bus when it is installed (scripts/setup.sh); else events relay through the database.
        self.rabbit_dir = os.path.join(self.work, "rabbitmq")
        self.amqp_url = None
        self.use_amqp = os.path.exists("/usr/lib/rabbitmq/bin/rabbitmq-server") and os.path.exists(
            os.path.join(SOURCE, "scripts/rabbitmq-test-server.sh"))

    # --- services -----------------------------------------------------------------------------------------

    def __enter__(self):
        try:
            self.start_mariadb()
            self.start_s3()
            if self.use_amqp:
                self.start_rabbitmq()
            for i in range(self.replica_count):
                self.replicas.append(None)
                self.start_replica(i)
            for i in range(self.replica_count):
                self.wait_ready(i)
            self.start_haproxy()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.haproxy:
            self.haproxy.stop()
        for p in self.replicas:
            if p:
                p.stop(timeout=15)
        subprocess.run(["bash", os.path.join(SOURCE, "scripts/mariadb-test-server.sh"), "stop", self.mariadb_dir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.amqp_url:
            self.stop_rabbitmq()
        if self.ceph_dir:
            subprocess.run(["bash", os.path.join(SOURCE, "scripts/ceph-test-server.sh"), "stop", self.ceph_dir],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.environ.get("OBSCURA_CLUSTER_KEEP"):
            log("kept %s" % self.work)
        else:
            shutil.rmtree(self.work, ignore_errors=True)
        return False

    def mariadb(self, *args):
        return subprocess.run(["bash", os.path.join(SOURCE, "scripts/mariadb-test-server.sh")] + list(args),
                              check=True, capture_output=True, text=True).stdout

    def start_mariadb(self):
        self.mariadb("start", self.mariadb_dir)
        self.mariadb("create-db", self.mariadb_dir, "obscura_cluster", "obscura", self.db_password)
        port = open(os.path.join(self.mariadb_dir, "port")).read().strip()
        self.db_url = "mysql://obscura@127.0.0.1:%s/obscura_cluster" % port
        log("MariaDB on port %s" % port)

    def start_rabbitmq(self):
        run = subprocess.run(["bash", os.path.join(SOURCE, "scripts/rabbitmq-test-server.sh"), "start",
                              self.rabbit_dir], capture_output=True, text=True)
        if run.returncode != 0:
            raise RuntimeError("RabbitMQ did not start: %s" % run.stderr[-2000:])
        out = run.stdout
        port = out.split("port=")[1].split()[0]
        self.amqp_url = "amqp://guest@127.0.0.1:%s/" % port
        log("RabbitMQ on port %s" % port)

    def stop_rabbitmq(self):
        subprocess.run(["bash", os.path.join(SOURCE, "scripts/rabbitmq-test-server.sh"), "stop", self.rabbit_dir],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sql(self, statement):
        """Runs SQL as root against the cluster's database; rows as lists of strings."""
        out = self.mariadb("sql", self.mariadb_dir, "USE obscura_cluster; " + statement)
        return [line.split("\t") for line in out.splitlines() if line]

    def start_s3(self):
        keys = ["ENDPOINT", "REGION", "BUCKET", "ACCESS_KEY", "SECRET_KEY"]
        if not os.environ.get("OBSCURA_TEST_S3_ENDPOINT"):
            # No shared gateway given (scripts/test.sh gives one): a private single-node Ceph.
            self.ceph_dir = os.path.join(self.work, "ceph")
            subprocess.run(["bash", os.path.join(SOURCE, "scripts/ceph-test-server.sh"), "start", self.ceph_dir],
                           check=True, stdout=subprocess.DEVNULL)
            for line in open(os.path.join(self.ceph_dir, "env")):
                k, _, v = line.strip().partition("=")
                os.environ[k.replace("export ", "")] = v.strip("'\"")
        self.s3 = {k: os.environ["OBSCURA_TEST_S3_" + k] for k in keys}
        self.s3_prefix = "cluster-%s-%s/" % (self.name, uuid.uuid4().hex[:8])
        log("S3 at %s bucket %s prefix %s" % (self.s3["ENDPOINT"], self.s3["BUCKET"], self.s3_prefix))

    # --- replicas -----------------------------------------------------------------------------------------

    def config(self, i):
        c = {
            "server": {"host": REPLICA_HOSTS[i], "port": self.ports[i],
                       "dataDir": os.path.join(self.work, "replica%d" % i),
                       "drainSeconds": 20, "drainDelaySeconds": self.drain_delay,
                       "trustedProxies": ["127.0.0.1"], "maxConnectionsPerIp": 1000},
            "storage": {"plugin": "mysql", "pluginDir": self.plugin_dir},
            "database": {"url": self.db_url, "password": self.db_password, "poolSize": 8},
            "blobs": {"plugin": "s3", "pluginDir": self.plugin_dir,
                      "s3": {"endpoint": self.s3["ENDPOINT"], "region": self.s3["REGION"],
                             "bucket": self.s3["BUCKET"], "accessKeyId": self.s3["ACCESS_KEY"],
                             "secretAccessKey": self.s3["SECRET_KEY"], "prefix": self.s3_prefix}},
            "log": {"level": "info", "format": "text", "accessLog": False},
            "auth": {"jwtSecret": self.jwt_secret, "registration": "open",
                     "passwordHashMemoryKib": 19456, "passwordHashIterations": 2},
            "media": {"workers": 1},
            # An upload whose process died between storing its original and committing its row: cleaned up soon.
            "images": {"uploadCommitGraceSeconds": 10},
        }
        if self.amqp_url:
            c["bus"] = {"broker": "amqp", "amqp": {"url": self.amqp_url, "password": "guest", "heartbeatSeconds": 2}}
        for section, values in self.extra_config.items():
            c.setdefault(section, {}).update(values)
        return c

    def config_path(self, i):
        path = os.path.join(self.work, "replica%d.json" % i)
        with open(path, "w") as f:
            json.dump(self.config(i), f)
        return path

    def start_replica(self, i):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSCURA_")}
        p = Process("replica%d" % i, [self.binary, "serve", "--config", self.config_path(i)], env=env,
                    log_path=os.path.join(self.work, "replica%d.log" % i))
        self.replicas[i] = p.start()
        return p

    def wait_ready(self, i, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.replicas[i].alive():
                raise RuntimeError("replica %d exited: %s" % (i, self.tail(i)))
            try:
                if request(self.ports[i], "GET", "/readyz", host=REPLICA_HOSTS[i], timeout=5).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("replica %d not ready after %ss: %s" % (i, timeout, self.tail(i)))

    def tail(self, i, lines=20):
        try:
            return "\n".join(open(os.path.join(self.work, "replica%d.log" % i), errors="replace").read()
                             .splitlines()[-lines:])
        except OSError:
            return ""

    def kill(self, i, sig=signal.SIGKILL):
        self.replicas[i].signal(sig)
        self.replicas[i].wait(60)

    def restart(self, i):
        self.start_replica(i)
        self.restarts += 1

    # --- haproxy ------------------------------------------------------------------------------------------

    def start_haproxy(self):
        servers = "\n".join(
            "    server r%d %s:%d check inter 250ms fall 2 rise 2" % (i, REPLICA_HOSTS[i], self.ports[i])
            for i in range(self.replica_count))
        cfg = """global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-request 30s
    # A loaded 2-core machine (RabbitMQ starting, builds) can take a few hundred ms to answer /readyz: a check
    # that times out must not take a healthy replica out. A draining one answers 503 at once: out in 2 checks.
    timeout check 2s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response response-timeout
frontend web
    bind 127.0.0.1:%d
    default_backend replicas
backend replicas
    balance roundrobin
    # Which replica answered (the event-stream scenario kills the one holding its stream).
    http-response set-header X-Replica %%s
    option httpchk GET /readyz
    http-check expect status 200
    # Never replay what may have been applied: an upload is retried by its client, not by the proxy.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
%s
""" % (self.lb_port, servers)
        path = os.path.join(self.work, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        self.haproxy = Process("haproxy", ["haproxy", "-db", "-f", path],
                               log_path=os.path.join(self.work, "haproxy.log")).start()
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if request(self.lb_port, "GET", "/readyz", timeout=5).status == 200:
                    log("haproxy on 127.0.0.1:%d in front of %s" % (
                        self.lb_port, ", ".join("%s:%d" % (REPLICA_HOSTS[i], self.ports[i])
                                                for i in range(self.replica_count))))
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("haproxy not answering: " + open(os.path.join(self.work, "haproxy.log")).read())

    # --- the API through haproxy --------------------------------------------------------------------------

    def api(self, method, path, token=None, body=None, content_type="application/json", timeout=120):
        headers = {}
        if token:
            headers["Authorization"] = "Bearer " + token
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body).encode()
        if body is not None:
            headers["Content-Type"] = content_type
        return request(self.lb_port, method, path, body=body, headers=headers, timeout=timeout)

    def sign_up(self, username):
        r = self.api("POST", "/api/auth/register", body={"username": username, "password": PASSWORD})
        assert r.status == 201, (r.status, r.body)
        r = self.api("POST", "/api/auth/login", body={"username": username, "password": PASSWORD})
        assert r.status == 200, (r.status, r.body)
        return r.json()["accessToken"]

    def fsck(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSCURA_")}
        return subprocess.run([self.binary, "fsck", "--config", self.config_path(0)], env=env, capture_output=True,
                              text=True, timeout=300)


# --- fixtures ---------------------------------------------------------------------------------------------


def png(width, height, seed):
    """A distinct RGB PNG made in pure Python (noise from `seed`)."""
    import struct
    import zlib
    rnd = random.Random(seed)
    rows = bytearray()
    for _ in range(height):
        rows.append(0)
        rows.extend(rnd.getrandbits(8) for _ in range(width * 3))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(bytes(rows), 1)) + chunk(b"IEND", b""))


def video(path, seed):
    """A short distinct MP4 made by ffmpeg (a test pattern whose start frame depends on the seed)."""
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=160x120:rate=10:duration=1.%d" % (seed % 10), "-f", "lavfi", "-i",
                    "sine=frequency=%d:duration=1" % (300 + seed * 10), "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", path], check=True)
    return open(path, "rb").read()


def sha1(data):
    return hashlib.sha1(data).hexdigest()


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100.0 * (len(ordered) - 1))))]


class Stats:
    """Thread-safe counters and latencies for the report."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.failures = 0
        self.retries = 0
        self.latencies = []
        self.errors = []

    def record(self, seconds, ok, error=None):
        with self.lock:
            self.requests += 1
            self.latencies.append(seconds)
            if not ok:
                self.failures += 1
                if error and len(self.errors) < 20:
                    self.errors.append(error)

    def retried(self):
        with self.lock:
            self.retries += 1

    def summary(self):
        return "requests=%d failed=%d retries=%d p50=%.0fms p99=%.0fms" % (
            self.requests, self.failures, self.retries, 1000 * percentile(self.latencies, 50),
            1000 * percentile(self.latencies, 99))
