#!/usr/bin/env python3
"""check_stats.py EXPECTED STATS: EXPECTED holds lines `dotted.path value`
(e.g. `tls/flows 2`, `tls/sni/sip.example.com 1`; the separator is "/" since keys may hold dots); each must equal the value
at that path in the --stats JSON.  Prints every mismatch; exit 1 on any."""
import json
import sys

stats = json.load(open(sys.argv[2]))
bad = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    path, want = line.split(None, 1)
    cur = stats
    for part in path.split("/"):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if str(cur) != want:
        print(f"  {path}: want {want}, got {cur}")
        bad += 1
sys.exit(1 if bad else 0)
