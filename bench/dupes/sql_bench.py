#!/usr/bin/env python3
"""The database side of near-duplicates at 1,000,000 hashes (bench/RESULTS.md, issue 22): builds a SQLite file with
one owner's 1,000,000 hash rows in the dupes v1 layout (make), then times the repository's own statements (probe).
Usage: sql_bench.py make|probe  (files in /tmp/dupes-sqlbench)"""
import sys
if sys.argv[1:] == ["make"]:
    import random, sqlite3, uuid, os
    os.makedirs('/tmp/dupes-sqlbench', exist_ok=True)
    path='/tmp/dupes-sqlbench/b.db'
    if os.path.exists(path): os.remove(path)
    db=sqlite3.connect(path)
    db.executescript('''
    PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
    CREATE TABLE assets (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, owner_id TEXT NOT NULL, is_trashed INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE asset_phashes (
        asset_id  TEXT PRIMARY KEY NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        owner_id  TEXT NOT NULL, phash INTEGER NOT NULL,
        band0 INTEGER NOT NULL, band1 INTEGER NOT NULL, band2 INTEGER NOT NULL, band3 INTEGER NOT NULL,
        latitude REAL, longitude REAL) STRICT, WITHOUT ROWID;
    ''')
    rng=random.Random(22); owner=str(uuid.UUID(int=rng.getrandbits(128)))
    rows=[]
    for i in range(1000000):
        h=rng.getrandbits(64); aid=str(uuid.UUID(int=rng.getrandbits(128)))
        rows.append((aid,h))
    with db:
        db.executemany('INSERT INTO assets (id, owner_id) VALUES (?, ?)', ((a,owner) for a,_ in rows))
        db.executemany('INSERT INTO asset_phashes VALUES (?,?,?,?,?,?,?,NULL,NULL)',
            ((a,owner,h-(1<<64) if h>=1<<63 else h,h&65535,(h>>16)&65535,(h>>32)&65535,(h>>48)&65535) for a,h in rows))
    db.executescript('''
    CREATE INDEX asset_phashes_owner ON asset_phashes (owner_id, asset_id, phash);
    CREATE INDEX asset_phashes_band0 ON asset_phashes (owner_id, band0);
    CREATE INDEX asset_phashes_band1 ON asset_phashes (owner_id, band1);
    CREATE INDEX asset_phashes_band2 ON asset_phashes (owner_id, band2);
    CREATE INDEX asset_phashes_band3 ON asset_phashes (owner_id, band3);
    ''')
    h=rows[12345][1]
    open('/tmp/dupes-sqlbench/probe.txt','w').write(f"{owner} {h}\n")
    print('ok', owner, h)
else:
    # Times, on 1,000,000 hash rows of one owner (SQLite, the plugin's DDL and statements): the band lookup of one
    # hash at d=6 (radius 1: 17 values a band) and d=11 (radius 2: 137), as findSimilarHashes runs it, against the scan
    # of all the owner's hashes (listOwnerHashes in pages of 50,000: what grouping reads). Alternating rounds, medians.
    import sqlite3, time, statistics
    db=sqlite3.connect('/tmp/dupes-sqlbench/b.db')
    owner,h=open('/tmp/dupes-sqlbench/probe.txt').read().split(); h=int(h)
    def neighbours(v,r,first,out):
        out.append(v)
        if r==0: return
        for b in range(first,16): neighbours(v^(1<<b),r-1,b+1,out)
    def lookup(d):
        r=d//4; rows=0; found=0
        for band in range(4):
            vals=[]; neighbours((h>>(16*band))&65535,r,0,vals)
            sql=f"SELECT h.asset_id, h.phash FROM asset_phashes h JOIN assets a ON a.id = h.asset_id WHERE h.owner_id = ? AND h.band{band} IN ({','.join('?'*64)}) AND a.is_trashed = 0"
            for s in range(0,len(vals),64):
                chunk=[vals[min(s+i,len(vals)-1)] for i in range(64)]
                for aid,ph in db.execute(sql,[owner]+chunk):
                    rows+=1
                    if bin((ph & ((1<<64)-1)) ^ h).count('1')<=d: found+=1
        return rows,found
    def scan():
        after=''; n=0
        while True:
            page=db.execute('SELECT asset_id, phash FROM asset_phashes WHERE owner_id = ? AND asset_id > ? ORDER BY asset_id LIMIT 50000',(owner,after)).fetchall()
            n+=len(page)
            if len(page)<50000: return n
            after=page[-1][0]
    t6=[];t11=[];ts=[]
    for r in range(3):
        a=time.process_time(); rows6=lookup(6); t6.append(time.process_time()-a)
        a=time.process_time(); rows11=lookup(11); t11.append(time.process_time()-a)
        a=time.process_time(); n=scan(); ts.append(time.process_time()-a)
    print(f"d=6 lookup: {statistics.median(t6)*1000:.1f} ms CPU, {rows6[0]} rows read, {rows6[1]} within")
    print(f"d=11 lookup: {statistics.median(t11)*1000:.1f} ms CPU, {rows11[0]} rows read, {rows11[1]} within")
    print(f"scan of {n} hashes: {statistics.median(ts)*1000:.0f} ms CPU")
