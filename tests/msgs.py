#!/usr/bin/env python3
"""Projects sipwatch --dump JSON lines (stdin) onto the golden .msgs format:
<ip> <transport> <method-or-status> <call-id>, one line per message.
With --anomalies, prints each message's sorted anomaly names instead."""
import json
import sys

anoms = "--anomalies" in sys.argv
for line in sys.stdin:
    m = json.loads(line)
    if anoms:
        print(" ".join(sorted(m["anomalies"])) or "-")
        continue
    what = m["method"] if "method" in m else str(m["status"])
    cid = m["call_id"] if m["call_id"] is not None else "-"
    print(f'{m["ip"]} {m["transport"]} {what} {cid}')
