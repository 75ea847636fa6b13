#!/usr/bin/env python3
"""Projects sipwatch's JSON alerts (stdin, -o json) onto the golden .alerts
format, one line per alert in output order:
<rule> <severity> <src or -> <count> <key or -> | <message>"""
import json
import sys

for line in sys.stdin:
    a = json.loads(line)
    print(f'{a["rule"]} {a["severity"]} {a.get("src", "-")} {a["count"]} '
          f'{a.get("key") or "-"} | {a["message"]}')
