#!/usr/bin/env python3
"""Scenario 1: 300 uploads (photos and a few videos) through haproxy by 4 concurrent clients while a random replica
is SIGKILLed every few seconds and restarted. Every upload that got a 2xx exists exactly once with its bytes; every
derivative and requested conversion is made by one succeeded job; no job is left queued or running; fsck is clean.

A client retries an upload that failed (connection cut, 502/503): the server may have stored it before dying, and
then the retry must answer 200 "duplicate" with the same asset — never a second asset.
"""

import os
import queue
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import Cluster, Stats, log, multipart, png, sha1, video  # noqa: E402
from library_checks import Failures, check_library  # noqa: E402

UPLOADS = int(os.environ.get("OBSCURA_CLUSTER_UPLOADS", "300"))
VIDEOS = 5
CLIENTS = 4
KILL_EVERY = (1.0, 2.5)  # seconds between kills, drawn uniformly
PACE = 0.15  # seconds each client waits between uploads, so that the kills land among them on a fast machine too
MAX_ATTEMPTS = 40


def make_files(work):
    files = []
    for i in range(UPLOADS - VIDEOS):
        files.append(("p%03d.png" % i, png(160 + i % 7, 120 + i % 5, i), False))
    for i in range(VIDEOS):
        files.append(("v%d.mp4" % i, video(os.path.join(work, "v%d.mp4" % i), i), True))
    random.Random(7).shuffle(files)
    return files


def upload_with_retries(cluster, token, name, data, stats):
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            stats.retried()
            time.sleep(0.2 + random.random() * 0.5)
        body, content_type = multipart(name, data)
        started = time.time()
        try:
            r = cluster.api("POST", "/api/assets", token, body, content_type)
        except OSError as e:
            stats.record(time.time() - started, False, "%s: %s" % (name, e))
            continue
        ok = r.status in (200, 201)
        stats.record(time.time() - started, ok, None if ok else "%s: %d %s" % (name, r.status, r.body[:200]))
        if ok:
            return r
        if r.status not in (502, 503, 504):
            return r  # refused for a reason of its own: not retried
    return None


def convert_with_retries(cluster, token, asset_id, fmt, stats):
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            stats.retried()
            time.sleep(0.3)
        started = time.time()
        try:
            r = cluster.api("POST", "/api/assets/%s/conversions" % asset_id, token, {"format": fmt})
        except OSError as e:
            stats.record(time.time() - started, False, str(e))
            continue
        stats.record(time.time() - started, r.status in (200, 202))
        if r.status in (200, 202):
            return True
    return False


def main():
    with Cluster("kill") as cluster:
        token = cluster.sign_up("alice")
        files = make_files(cluster.work)
        log("%d files made (%d videos)" % (len(files), VIDEOS))
        work = queue.Queue()
        for f in files:
            work.put(f)
        accepted = {}
        refused = []
        conversions = set()
        lock = threading.Lock()
        stats = Stats()
        done = threading.Event()

        def client():
            while True:
                try:
                    name, data, is_video = work.get_nowait()
                except queue.Empty:
                    return
                time.sleep(PACE)
                r = upload_with_retries(cluster, token, name, data, stats)
                if r is None or r.status not in (200, 201):
                    with lock:
                        refused.append((name, r.status if r else "gave up"))
                    continue
                asset_id = r.json()["id"]
                with lock:
                    accepted[name] = (sha1(data), asset_id, is_video)
                # Conversions asked for during the chaos too: mp3 of every video, webp of every 30th photo.
                fmt = "mp3" if is_video else ("webp" if len(accepted) % 30 == 0 else None)
                if fmt and convert_with_retries(cluster, token, asset_id, fmt, stats):
                    with lock:
                        conversions.add((asset_id, fmt))

        kills = []

        def chaos():
            rnd = random.Random(int(os.environ.get("OBSCURA_CLUSTER_SEED", "19")))
            while not done.wait(rnd.uniform(*KILL_EVERY)):
                victim = rnd.randrange(cluster.replica_count)
                cluster.kill(victim, signal.SIGKILL)
                kills.append((time.time(), victim))
                time.sleep(rnd.uniform(0.2, 1.5))
                cluster.restart(victim)

        started = time.time()
        killer = threading.Thread(target=chaos, daemon=True)  # a failed step must not leave the run hanging
        killer.start()
        workers = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        done.set()
        killer.join()
        upload_seconds = time.time() - started
        for i in range(cluster.replica_count):
            cluster.wait_ready(i)
        log("uploads done in %.0fs: %d accepted, %d refused, %d kills; %s" % (
            upload_seconds, len(accepted), len(refused), len(kills), stats.summary()))

        failures = Failures()
        failures.check(not refused, "uploads refused or given up: %s" % refused[:10])
        failures.check(len(kills) >= 3, "only %d kills during the uploads: the scenario proved little" % len(kills))
        settled = time.time()
        summary = check_library(cluster, token, accepted, conversions, failures)
        log("RESULT kill: uploads=%d accepted=%d kills=%d conversions=%d client %s; jobs=%d retried jobs=%d; "
            "settled and checked in %.0fs" % (len(files), len(accepted), len(kills), len(conversions),
                                            stats.summary(), summary["jobs"], summary["jobs_retried"],
                                            time.time() - settled))
        if failures.items:
            log("%d failure(s)" % len(failures.items))
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
