#!/usr/bin/env python3
"""Differential test: sipwatch against tshark over ../shared/corpus.

For every capture in MANIFEST.tsv, the multiset of (Call-ID, method or
status) that sipwatch dumps must equal tshark's, SIP quoted inside ICMP
errors aside (it is not traffic).  Files whose difference is understood are
listed in tests/known-differences.tsv with the message count sipwatch must
give and the reason; for them that count is checked instead.

usage: diff_tshark.py SIPWATCH CORPUS_DIR
"""
import collections
import csv
import json
import os
import subprocess
import sys

sipwatch, corpus = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))

known = {}
with open(os.path.join(here, "known-differences.tsv")) as f:
    for row in csv.reader(f, delimiter="\t"):
        if not row or row[0].startswith("#"):
            continue
        known[row[0]] = (int(row[1]), row[2])


def tshark_msgs(path):
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-Y", "sip && !icmp && !icmpv6",
         "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
         "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code"],
        capture_output=True, text=True, errors="replace", check=False).stdout
    msgs = collections.Counter()
    for line in out.splitlines():
        cid, meth, code = (line.split("\t") + ["", "", ""])[:3]
        cids = cid.split(",") if cid else [""]
        whats = (meth.split(",") if meth else []) + (code.split(",") if code else [])
        if not whats:
            continue  # tshark's "SIP" with no start line (HTTP on 5060)
        for i, w in enumerate(whats):
            msgs[(cids[i] if i < len(cids) else cids[-1], w)] += 1
    return msgs


def sipwatch_msgs(path):
    r = subprocess.run([sipwatch, "-r", path, "--dump=-"], capture_output=True,
                       text=True, errors="replace", check=False)
    msgs = collections.Counter()
    for line in r.stdout.splitlines():
        m = json.loads(line)
        what = m["method"] if "method" in m else str(m["status"])
        msgs[(m["call_id"] or "", what)] += 1
    return msgs, r.returncode, r.stderr


passed = failed = 0
with open(os.path.join(corpus, "MANIFEST.tsv")) as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
for row in rows:
    rel = row["file"]
    path = os.path.join(corpus, rel)
    name = os.path.basename(rel)
    got, rc, err = sipwatch_msgs(path)
    if rc not in (0, 2):
        print(f"FAIL {name}: sipwatch exit {rc}: {err.strip()}")
        failed += 1
        continue
    if name in known:
        want_n, why = known[name]
        n = sum(got.values())
        if n != want_n:
            print(f"FAIL {name}: known difference expects {want_n} messages, "
                  f"got {n} ({why})")
            failed += 1
        else:
            passed += 1
        continue
    want = tshark_msgs(path)
    if got != want:
        missing = want - got
        extra = got - want
        print(f"FAIL {name}: sipwatch {sum(got.values())} messages, "
              f"tshark {sum(want.values())}")
        for k, v in list(missing.items())[:5]:
            print(f"    only tshark: {v} x {str(k)[:100]}")
        for k, v in list(extra.items())[:5]:
            print(f"    only sipwatch: {v} x {str(k)[:100]}")
        failed += 1
    else:
        passed += 1
print(f"difftest: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
