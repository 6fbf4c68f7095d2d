#!/usr/bin/env python3
"""Gives every image of a seeded bench library (bench/listing/seed-sqlite.sh) a perceptual hash row, as the media
module would: random 64-bit hashes, one image in a hundred a near copy (1-6 bits flipped) of another, half of them
with a GPS position in a 200 km square. Run after the server migrated the database (asset_phashes exists).
Usage: seed_hashes.py DATA_DIR"""
import random
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1] + "/obscura.db")
db.execute("PRAGMA synchronous=OFF")
db.execute("PRAGMA cache_size=-1000000")
rows = db.execute("SELECT id, owner_id FROM assets WHERE type = 'image' ORDER BY id").fetchall()
rng = random.Random(22)
hashes = [rng.getrandbits(64) for _ in rows]
planted = 0
for i in range(0, len(rows) - 1, 100):
    j = (i + len(rows) // 2) % len(rows)
    h = hashes[i]
    for _ in range(rng.randint(1, 6)):
        h ^= 1 << rng.randrange(64)
    hashes[j] = h
    planted += 1


def signed(h):
    return h - (1 << 64) if h >= 1 << 63 else h


def values():
    for (asset_id, owner_id), h in zip(rows, hashes):
        place = rng.random() < 0.5
        yield (asset_id, owner_id, signed(h), h & 0xFFFF, (h >> 16) & 0xFFFF, (h >> 32) & 0xFFFF, (h >> 48) & 0xFFFF,
               48 + rng.random() * 2 if place else None, 2 + rng.random() * 3 if place else None)


with db:
    db.execute("DELETE FROM asset_phashes")
    db.executemany("INSERT INTO asset_phashes (asset_id, owner_id, phash, band0, band1, band2, band3, latitude,"
                   " longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values())
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"{len(rows)} hashes, {planted} planted near copies")
