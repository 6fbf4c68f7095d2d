#!/usr/bin/env python3
"""Scenario 2: an event stream opened through haproxy receives the events for work done on every replica (each
derivative job runs on whichever replica claims it); then its replica is SIGKILLed while more photos go up, the
client reconnects through haproxy with Last-Event-ID, and no event is missed: every asset's thumbnail and preview
`derivative.created` arrives exactly once over the two streams.
"""

import os
import signal
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import Cluster, log, multipart, percentile, png  # noqa: E402

PHOTOS_BEFORE = 12
PHOTOS_DURING = 12


class EventStream(threading.Thread):
    """GET /api/events through haproxy; collects (id, event, data, arrival time) until the connection ends."""

    def __init__(self, port, token, last_event_id=None):
        super().__init__(daemon=True)
        self.events = []
        self.replica = None
        self.ended = threading.Event()
        self.ready = threading.Event()
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        head = "GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n" \
               "Authorization: Bearer %s\r\n" % token
        if last_event_id:
            head += "Last-Event-ID: %s\r\n" % last_event_id
        self.sock.sendall((head + "\r\n").encode())

    def run(self):
        buffer = b""
        try:
            while b"\r\n\r\n" not in buffer:
                chunk = self.sock.recv(4096)
                if not chunk:
                    return
                buffer += chunk
            header, buffer = buffer.split(b"\r\n\r\n", 1)
            for line in header.decode().split("\r\n"):
                if line.lower().startswith("x-replica:"):
                    self.replica = int(line.split(":", 1)[1].strip().lstrip("r"))
            self.ready.set()
            chunked = b"transfer-encoding: chunked" in header.lower()
            text = b""
            current = {}
            while True:
                if chunked:
                    while b"\r\n" not in buffer:
                        more = self.sock.recv(65536)
                        if not more:
                            return
                        buffer += more
                    size_line, buffer = buffer.split(b"\r\n", 1)
                    size = int(size_line.split(b";")[0], 16)
                    if size == 0:
                        return
                    while len(buffer) < size + 2:
                        more = self.sock.recv(65536)
                        if not more:
                            return
                        buffer += more
                    text += buffer[:size]
                    buffer = buffer[size + 2:]
                else:
                    more = buffer or self.sock.recv(65536)
                    buffer = b""
                    if not more:
                        return
                    text += more
                while b"\n" in text:
                    line, text = text.split(b"\n", 1)
                    line = line.decode().rstrip("\r")
                    if not line:
                        if "event" in current:
                            current["at"] = time.time()
                            self.events.append(current)
                        current = {}
                    elif not line.startswith(":"):
                        key, _, value = line.partition(":")
                        current[key] = value.lstrip(" ")
        except OSError:
            return
        finally:
            self.ready.set()
            self.ended.set()

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def upload(cluster, token, n, uploaded):
    name = "e%03d.png" % n
    body, ct = multipart(name, png(150, 110, 50000 + n))
    for _ in range(30):
        try:
            r = cluster.api("POST", "/api/assets", token, body, ct)
            if r.status in (200, 201):
                uploaded[r.json()["id"]] = time.time()
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("upload %s never succeeded" % name)


def derivative_events(streams):
    seen = {}
    for s in streams:
        for e in s.events:
            if e.get("event") == "derivative.created":
                import json
                data = json.loads(e["data"])
                seen.setdefault((data["assetId"], data["kind"]), []).append(e)
    return seen


def main():
    with Cluster("events") as cluster:
        token = cluster.sign_up("alice")
        first = EventStream(cluster.lb_port, token)
        first.start()
        first.ready.wait(20)
        if not cluster.use_amqp:
            log("no RabbitMQ installed: events relay through the database")
        log("stream 1 held by replica %s" % first.replica)
        uploaded = {}
        for n in range(PHOTOS_BEFORE):
            upload(cluster, token, n, uploaded)
        deadline = time.time() + 60
        while time.time() < deadline and len(derivative_events([first])) < 2 * PHOTOS_BEFORE:
            time.sleep(0.2)
        before = derivative_events([first])
        log("stream 1: %d derivative events for %d photos" % (len(before), PHOTOS_BEFORE))
        ok = len(before) == 2 * PHOTOS_BEFORE

        # The stream's replica dies; photos keep going up through the others meanwhile.
        last_id = [e["id"] for e in first.events if "id" in e][-1]
        victim = first.replica
        cluster.kill(victim, signal.SIGKILL)
        first.ended.wait(10)
        first.close()
        for n in range(PHOTOS_BEFORE, PHOTOS_BEFORE + PHOTOS_DURING):
            upload(cluster, token, n, uploaded)
        second = EventStream(cluster.lb_port, token, last_event_id=last_id)
        second.start()
        second.ready.wait(20)
        log("stream 2 resumed after id %s on replica %s (replica %d was killed)" % (last_id, second.replica, victim))
        cluster.restart(victim)
        deadline = time.time() + 90
        while time.time() < deadline and len(derivative_events([first, second])) < 2 * len(uploaded):
            time.sleep(0.2)
        seen = derivative_events([first, second])
        missing = [(a, k) for a in uploaded for k in ("thumbnail", "preview") if (a, k) not in seen]
        doubled = [key for key, events in seen.items() if len(events) > 1]
        lags = [min(e["at"] for e in seen[(a, k)]) - uploaded[a] for a in uploaded for k in ("thumbnail", "preview")
                if (a, k) in seen]
        second.close()
        if missing:
            log("FAIL: %d event(s) missed: %s" % (len(missing), missing[:5]))
            ok = False
        if doubled:
            log("FAIL: %d event(s) delivered twice: %s" % (len(doubled), doubled[:5]))
            ok = False
        if second.replica == victim:
            log("FAIL: the second stream was served by the killed replica")
            ok = False
        log("RESULT events: photos=%d events=%d missed=%d doubled=%d upload-to-event p50=%.0fms p99=%.0fms "
            "(includes making the derivative)" % (len(uploaded), sum(len(v) for v in seen.values()), len(missing),
                                                  len(doubled), 1000 * percentile(lags, 50),
                                                  1000 * percentile(lags, 99)))
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
