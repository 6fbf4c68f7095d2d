#!/usr/bin/env python3
"""Scenario 4: the broker down for 20 s, then MariaDB down for 10 s, under steady load from 3 clients through
haproxy. While the broker is down nothing fails (events relay through the database; /readyz says so). While the
database is down every request is answered fast (a 503 within 2 s, never a hang). Within 10 s of each coming back
requests succeed again, and nothing that was accepted is lost.
"""

import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import Cluster, log, multipart, png, sha1  # noqa: E402
from library_checks import Failures, check_library  # noqa: E402

CLIENTS = 3
FAST = 2.0  # seconds: an answer while a dependency is down must come at least this fast


def readiness(cluster):
    """Each replica's /readyz, straight (not through haproxy): [(status, body)]."""
    import json
    from cluster import REPLICA_HOSTS, request
    out = []
    for i in range(cluster.replica_count):
        r = request(cluster.ports[i], "GET", "/readyz", host=REPLICA_HOSTS[i], timeout=10)
        out.append((r.status, json.loads(r.body)))
    log("readyz: %s" % [(s, b.get("circuits"), b.get("events", {}).get("brokerUp")) for s, b in out])
    return out


def main():
    with Cluster("outage") as cluster:
        token = cluster.sign_up("alice")
        accepted = {}
        lock = threading.Lock()
        stop = threading.Event()
        phase = {"name": "warm-up"}
        answers = []  # (time, phase, status or None, seconds)

        def client(n):
            rnd = random.Random(n)
            i = 0
            while not stop.is_set():
                i += 1
                started = time.time()
                status = None
                try:
                    if rnd.random() < 0.5:
                        name = "o%d-%d.png" % (n, i)
                        data = png(120, 90, n * 1000000 + i)
                        body, ct = multipart(name, data)
                        r = cluster.api("POST", "/api/assets", token, body, ct, timeout=30)
                        if r.status in (200, 201):
                            with lock:
                                accepted[name] = (sha1(data), r.json()["id"], False)
                    else:
                        r = cluster.api("GET", "/api/assets?limit=20", token, timeout=30)
                    status = r.status
                except OSError:
                    pass
                with lock:
                    answers.append((started, phase["name"], status, time.time() - started))
                time.sleep(0.05)

        workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for w in workers:
            w.start()
        time.sleep(3)
        marks = {}

        if cluster.amqp_url:
            phase["name"] = "broker down"
            marks["broker down"] = time.time()
            cluster.stop_rabbitmq()
            time.sleep(10)
            down_detail = readiness(cluster)
            time.sleep(10)
            phase["name"] = "broker back"
            marks["broker back"] = time.time()
            cluster.start_rabbitmq()
            time.sleep(10)
            back_detail = readiness(cluster)
        else:
            log("no RabbitMQ installed: the broker part is skipped")

        phase["name"] = "database down"
        marks["database down"] = time.time()
        cluster.mariadb("stop", cluster.mariadb_dir)
        time.sleep(10)
        phase["name"] = "database back"
        marks["database back"] = time.time()
        cluster.mariadb("start", cluster.mariadb_dir)
        time.sleep(12)
        phase["name"] = "after"
        time.sleep(5)
        stop.set()
        for w in workers:
            w.join()

        failures = Failures()
        summary = {}
        if cluster.amqp_url:
            # Ready all along; the detail says the broker is away and its circuit open, then closed again.
            for i, (status, body) in enumerate(down_detail):
                failures.check(status == 200 and not body["events"]["brokerUp"] and
                               body["circuits"].get("amqp") in ("open", "half_open"),
                               "replica %d with the broker down: %d %s" % (i, status, body))
            for i, (status, body) in enumerate(back_detail):
                failures.check(status == 200 and body["events"]["brokerUp"] and body["circuits"].get("amqp") == "closed",
                               "replica %d 10 s after the broker came back: %d %s" % (i, status, body))
        for name in ("warm-up", "broker down", "broker back", "database down", "database back", "after"):
            mine = [a for a in answers if a[1] == name]
            if not mine:
                continue
            ok = sum(1 for a in mine if a[2] in (200, 201))
            slow = [a for a in mine if a[3] > FAST]
            summary[name] = "%d requests, %d ok, %d 503, %d slow(>%.0fs), max %.1fs" % (
                len(mine), ok, sum(1 for a in mine if a[2] == 503), len(slow), FAST, max(a[3] for a in mine))
            log("%s: %s" % (name, summary[name]))
            if name in ("warm-up", "broker down", "broker back", "after"):
                failures.check(ok == len(mine), "%s: %d of %d requests failed" % (name, len(mine) - ok, len(mine)))
            if name == "database down":
                failures.check(not slow, "database down: %d answers slower than %.0fs" % (len(slow), FAST))
                failures.check(all(a[2] == 503 for a in mine if a[0] > marks[name] + 2),
                               "database down: answers other than 503 %s" % sorted({a[2] for a in mine}))
        # Recovery: the first success after the database came back, and every answer 10 s after it is a success.
        back = marks["database back"]
        later = [a for a in answers if a[0] > back + 10]
        failures.check(all(a[2] in (200, 201) for a in later),
                       "requests still failing 10 s after the database came back: %s" %
                       [(round(a[0] - back, 1), a[2]) for a in later if a[2] not in (200, 201)][:5])
        first_ok = min((a[0] + a[3] for a in answers if a[0] > back and a[2] in (200, 201)), default=None)
        recovery = (first_ok - back) if first_ok else float("inf")
        log("first success %.1fs after the database came back" % recovery)
        check_library(cluster, token, accepted, set(), failures)
        log("RESULT outage: requests=%d accepted uploads=%d recovery=%.1fs; %s" % (
            len(answers), len(accepted), recovery, "; ".join("%s: %s" % kv for kv in summary.items())))
        return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
