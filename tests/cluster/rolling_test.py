#!/usr/bin/env python3
"""Scenario 3: a rolling restart (SIGTERM each replica in turn, wait for it to come back) under steady load — reads
(listing, asset, original) and uploads from 4 clients through haproxy — and not one client request fails. Clients do
not retry: every non-2xx answer or cut connection counts as a failure.

What makes it hold: on SIGTERM a replica's /readyz answers 503 `draining` at once while it keeps serving for
server.drainDelaySeconds (haproxy's checks take it out of rotation within 500 ms), each response meanwhile closes its
connection, then the listener closes and in-flight uploads get server.drainSeconds to finish.
"""

import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import Cluster, Stats, log, multipart, png, sha1  # noqa: E402
from library_checks import Failures, check_library  # noqa: E402

CLIENTS = 4


def main():
    with Cluster("rolling") as cluster:
        token = cluster.sign_up("alice")
        stats = Stats()
        accepted = {}
        lock = threading.Lock()
        stop = threading.Event()
        # A few assets to read from the start.
        for i in range(5):
            data = png(120, 90, 10000 + i)
            body, ct = multipart("seed%d.png" % i, data)
            r = cluster.api("POST", "/api/assets", token, body, ct)
            assert r.status == 201, (r.status, r.body)
            accepted["seed%d.png" % i] = (sha1(data), r.json()["id"], False)

        def client(n):
            rnd = random.Random(n)
            i = 0
            while not stop.is_set():
                i += 1
                action = rnd.random()
                started = time.time()
                try:
                    if action < 0.3:
                        name = "c%d-%d.png" % (n, i)
                        data = png(140, 100, n * 100000 + i)
                        body, ct = multipart(name, data)
                        r = cluster.api("POST", "/api/assets", token, body, ct)
                        ok = r.status == 201
                        if ok:
                            with lock:
                                accepted[name] = (sha1(data), r.json()["id"], False)
                    elif action < 0.6:
                        r = cluster.api("GET", "/api/assets?limit=50", token)
                        ok = r.status == 200
                    else:
                        with lock:
                            name, (digest, asset_id, _) = rnd.choice(sorted(accepted.items()))
                        r = cluster.api("GET", "/api/assets/%s/original" % asset_id, token)
                        ok = r.status == 200 and sha1(r.body) == digest
                    stats.record(time.time() - started, ok, None if ok else "%d %s" % (r.status, r.body[:200]))
                except OSError as e:
                    stats.record(time.time() - started, False, "transport: %s" % e)
                time.sleep(0.02)

        workers = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for w in workers:
            w.start()
        time.sleep(3)
        drains = []
        for i in range(cluster.replica_count):
            began = time.time()
            cluster.replicas[i].signal(signal.SIGTERM)
            code = cluster.replicas[i].wait(60)
            drains.append(time.time() - began)
            assert code == 0, "replica %d exited %s: %s" % (i, code, cluster.tail(i))
            cluster.restart(i)
            cluster.wait_ready(i)
            time.sleep(1.5)  # haproxy's rise: 2 checks 250 ms apart, with margin
            log("replica %d restarted (drained in %.1fs); so far %s" % (i, drains[-1], stats.summary()))
        time.sleep(3)
        stop.set()
        for w in workers:
            w.join()

        failures = Failures()
        failures.check(stats.failures == 0, "%d client request(s) failed: %s" % (stats.failures, stats.errors))
        summary = check_library(cluster, token, accepted, set(), failures)
        log("RESULT rolling: restarts=%d client %s; uploads=%d; drain %.1f-%.1fs; jobs=%d" % (
            len(drains), stats.summary(), len(accepted), min(drains), max(drains), summary["jobs"]))
        return 1 if failures.items else 0


if __name__ == "__main__":
    sys.exit(main())
