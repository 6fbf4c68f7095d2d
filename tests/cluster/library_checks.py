"""What a scenario checks once the dust has settled: every accepted upload is there once with its bytes, every
derivative and conversion was made by exactly one succeeded job, no job is left queued or running, fsck is clean.
"""

import time

from cluster import log, sha1


class Failures:
    def __init__(self):
        self.items = []

    def check(self, ok, message):
        if not ok:
            self.items.append(message)
            if len(self.items) <= 30:
                log("FAIL: " + message)
        return ok


def all_pages(cluster, token, path, key="items"):
    items, cursor = [], None
    while True:
        sep = "&" if "?" in path else "?"
        r = cluster.api("GET", path + sep + "limit=500" + ("&cursor=" + cursor if cursor else ""), token)
        assert r.status == 200, (path, r.status, r.body)
        body = r.json()
        items.extend(body[key])
        cursor = body.get("nextCursor")
        if not cursor:
            return items


def replica_listing(cluster, i, token):
    """The listing straight from replica i (twice: the second answer may come from its cache)."""
    from cluster import REPLICA_HOSTS, request
    out = []
    for _ in range(2):
        out, cursor = [], None
        while True:
            path = "/api/assets?order=asc&limit=500" + ("&cursor=" + cursor if cursor else "")
            r = request(cluster.ports[i], "GET", path, headers={"Authorization": "Bearer " + token},
                        host=REPLICA_HOSTS[i])
            assert r.status == 200, (i, r.status, r.body)
            body = r.json()
            out.extend((a["id"], tuple(sorted(a["derivatives"].items()))) for a in body["items"])
            cursor = body.get("nextCursor")
            if not cursor:
                break
    return sorted(out)


def wait_for_jobs(cluster, token, timeout):
    """Until no job is queued or running (a killed replica's job waits for its lease to expire)."""
    deadline = time.time() + timeout
    while True:
        busy = [j for state in ("queued", "running")
                for j in all_pages(cluster, token, "/api/admin/jobs?state=" + state)]
        if not busy or time.time() > deadline:
            return busy
        time.sleep(1)


def check_library(cluster, token, accepted, conversions, failures):
    """accepted: {file name: (bytes' sha1, asset id, is video)}; conversions: {(asset id, format)}."""
    busy = wait_for_jobs(cluster, token, 240)
    failures.check(not busy, "%d job(s) still queued or running: %s" % (len(busy), busy[:3]))

    assets = all_pages(cluster, token, "/api/assets?order=asc")
    by_id = {a["id"]: a for a in assets}
    # Each replica answers the same listing (its listing cache must not keep a page another replica's writes
    # changed: derivative states, new assets).
    expected = sorted((a["id"], tuple(sorted(a["derivatives"].items()))) for a in assets)
    for i in range(cluster.replica_count):
        seen = replica_listing(cluster, i, token)
        failures.check(seen == expected, "replica %d lists %d assets, %d differ from the proxy's listing" % (
            i, len(seen), len(set(seen) ^ set(expected))))
    failures.check(len(assets) == len(by_id), "the listing repeats an asset")
    checksums = [a["checksum"] for a in assets]
    failures.check(len(checksums) == len(set(checksums)),
                   "%d asset(s) stored twice" % (len(checksums) - len(set(checksums))))
    failures.check(len(assets) == len(accepted),
                   "%d assets in the library for %d accepted uploads" % (len(assets), len(accepted)))

    for name, (digest, asset_id, is_video) in accepted.items():
        asset = by_id.get(asset_id)
        if not failures.check(asset is not None, "%s: accepted as %s but not in the library" % (name, asset_id)):
            continue
        failures.check(asset["checksum"] == digest, "%s: checksum %s, uploaded %s" % (name, asset["checksum"], digest))
        r = cluster.api("GET", "/api/assets/%s/original" % asset_id, token)
        failures.check(r.status == 200 and sha1(r.body) == digest,
                       "%s: original answers %d with other bytes" % (name, r.status))
        kinds = ["thumbnail", "preview"] + (["video"] if is_video else [])
        for kind in kinds:
            failures.check(asset["derivatives"][kind] == "ready",
                           "%s: %s is %s" % (name, kind, asset["derivatives"][kind]))

    jobs = all_pages(cluster, token, "/api/admin/jobs")
    derivative_jobs = {}
    conversion_jobs = {}
    retried = 0
    for job in jobs:
        if job["attempts"] > 1:
            retried += 1
        if job["kind"] == "media.derivatives":
            derivative_jobs.setdefault(job["assetId"], []).append(job)
        elif job["kind"].startswith("media.convert") or "conversion" in job["kind"]:
            conversion_jobs.setdefault(job["assetId"], []).append(job)
    for asset_id in by_id:
        mine = derivative_jobs.get(asset_id, [])
        failures.check(len(mine) == 1 and mine[0]["state"] == "succeeded",
                       "asset %s: derivative jobs %s" % (asset_id, [(j["state"], j["attempts"]) for j in mine]))
    per_conversion = {}
    for asset_id, mine in conversion_jobs.items():
        for job in mine:
            per_conversion.setdefault(asset_id, []).append(job)
    for asset_id, fmt in conversions:
        mine = per_conversion.get(asset_id, [])
        failures.check(len(mine) >= 1 and all(j["state"] == "succeeded" for j in mine),
                       "conversion %s of %s: jobs %s" % (fmt, asset_id, [(j["state"], j["attempts"]) for j in mine]))
        r = cluster.api("GET", "/api/assets/%s/conversions/%s" % (asset_id, fmt), token)
        failures.check(r.status == 200 and len(r.body) > 0, "conversion %s of %s answers %d" % (fmt, asset_id, r.status))
    conversion_count = sum(len(v) for v in per_conversion.values())
    failures.check(conversion_count == len(conversions),
                   "%d conversion jobs for %d conversions asked for" % (conversion_count, len(conversions)))

    fsck = cluster.fsck()
    failures.check(fsck.returncode == 0, "fsck exit %d: %s %s" % (fsck.returncode, fsck.stdout[-2000:],
                                                                 fsck.stderr[-2000:]))
    return {"assets": len(assets), "jobs": len(jobs), "jobs_retried": retried}
