#!/bin/sh
# The dashboard in tmux: runs sipwatch --ui --replay=fast on the project's
# captures with a JSON output beside it, sends keys, captures the pane and
# checks what it shows.  Skipped when tmux is not installed.
# Usage: tests/ui.sh SIPWATCH
set -u
bin=${1:?usage: ui.sh SIPWATCH}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null 2>&1; then
	echo "ui.sh: SKIP: tmux is not installed (scripts/install-deps.sh)"
	exit 0
fi
tmp=$(mktemp -d)
T="tmux -S $tmp/sock-none"
trap 'for s in "$tmp"/sock-*; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

pane() { $T capture-pane -p -t ui >"$tmp/pane" 2>/dev/null; }
# wait_for REGEX: up to 10 s for the pane to show it.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		pane
		grep -Eq -- "$1" "$tmp/pane" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
check() { # check WHAT REGEX
	if wait_for "$2"; then ok; else bad "$name: $1: no /$2/ on screen:"; cat "$tmp/pane"; fi
}
keys() { $T send-keys -t ui "$@"; sleep 0.3; }

# compare MINSEV: alert rows on screen (newest first) and counters against
# the JSON.  The pane is captured again (for up to 3 s) while they differ:
# a capture can catch the terminal half redrawn; a real difference stays.
compare() {
	i=0
	while [ $i -lt 30 ]; do
		pane
		compare_once "$1" >"$tmp/cmp1" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	cat "$tmp/cmp1"
	return 1
}
compare_once() {
	python3 - "$tmp/pane" "$tmp/$name.json" "$1" <<'PY'
import json, re, sys
pane = open(sys.argv[1]).read().splitlines()
alerts = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
minsev = int(sys.argv[3])
order = ["info", "low", "medium", "high", "critical"]
want = [a for a in reversed(alerts) if order.index(a["severity"]) >= minsev]
errs = []
m = [re.search(r"Alerts (\d+) of (\d+)", l) for l in pane]
m = [x for x in m if x]
if not m or int(m[0].group(1)) != len(want) or int(m[0].group(2)) != len(alerts):
    errs.append("title %s, want %d of %d" % (m[0].group(0) if m else None, len(want), len(alerts)))
rows, on = [], False
for l in pane:
    if l.startswith("TIME "):
        on = True
        continue
    if on:
        if not re.match(r"\d\d:\d\d:\d\d ", l):
            break
        rows.append(l.split())
if not rows:
    errs.append("no alert rows")
short = {"INFO": "info", "LOW": "low", "MED": "medium", "HIGH": "high", "CRIT": "critical"}
for r, a in zip(rows, want):
    if r[2] != a["rule"][:len(r[2])] or short[r[1]] != a["severity"] or int(r[-1]) != a["count"]:
        errs.append("row %s != %s %s %s" % (r, a["rule"], a["severity"], a["count"]))
tot = re.search(r"alerts (\d+)(, \d+ held back)?$", "\n".join(pane), re.M)
if not tot or int(tot.group(1)) != len(alerts):
    errs.append("header alerts %s, want %d" % (tot and tot.group(1), len(alerts)))
if minsev == 0:
    for sev in order:
        n = sum(1 for a in alerts if a["severity"] == sev)
        if not any(re.search(r"\b%s\s+%d\s*$" % (sev, n), l) for l in pane):
            errs.append("counter %s != %d" % (sev, n))
    for rule in set(a["rule"] for a in alerts):
        n = sum(1 for a in alerts if a["rule"] == rule)
        if not any(re.search(r"\b%s\s+%d\s*$" % (re.escape(rule), n), l) for l in pane):
            errs.append("counter %s != %d" % (rule, n))
print("\n".join(errs))
sys.exit(1 if errs else 0)
PY
}

run() { # run NAME ARGS...
	name=$1
	shift
	rm -f "$tmp/$name.rc"
	$T kill-server 2>/dev/null
	# A server per run: a new session racing an exiting server fails.
	T="tmux -S $tmp/sock-$name"
	$T new-session -d -s ui -x 120 -y 40 \
	    "LANG=C.UTF-8 $bin $* --ui --replay=fast -o json:$tmp/$name.json; echo \$? >$tmp/$name.rc; sleep 60"
}

# ---- demo: every view and key
run demo -r pcaps/demo.pcap
check "finished state" "file pcaps/demo.pcap \| finished"
if compare 0 >"$tmp/cmp"; then ok; else bad "demo: screen vs JSON: $(cat "$tmp/cmp")"; cat "$tmp/pane"; fi
check "top talkers" "Top talkers"
keys End Enter
check "detail view" "^--- SIP message, [0-9]+ bytes"
check "detail shows the SIP text" "^(INVITE|REGISTER|OPTIONS) sip:.* SIP/2\.0$"
check "detail shows fields" "^rule +[a-z-]+$"
keys Escape
check "back to the list" "Alerts [0-9]+ of"
keys Home '?'
check "help" "Help: keys"
for k in q '? F1' 'Up Down' PgUp Home Tab Enter Esc / 1-5 p c; do
	grep -Fq "  $k" "$tmp/pane" || bad "help lacks $k"
done
keys Escape /
keys -l 'auth-'
keys Enter
check "regex filter" "filter /auth-/"
if awk '/^TIME /{on=1;next} on&&/^[0-9][0-9]:/{print $3}' "$tmp/pane" | grep -vq '^auth-'; then
	bad "demo: filter /auth-/ shows other rules"; cat "$tmp/pane"
else ok; fi
keys / BSpace BSpace BSpace BSpace BSpace Enter 4
check "severity filter" "severity >= high"
if compare 3 >"$tmp/cmp"; then ok; else bad "demo: severity 4 vs JSON: $(cat "$tmp/cmp")"; cat "$tmp/pane"; fi
keys 1 p
check "pause" "PAUSED"
keys p
$T resize-window -t ui -x 80 -y 24
sleep 0.5
check "80x24 header" "^ sipwatch \| file"
check "80x24 list" "^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] (INFO|LOW|MED|HIGH|CRIT) "
keys q
check "quit asks" "Quit sipwatch\? \(y/n\)"
keys n
check "n cancels" "q quit  \? help"
keys q y
i=0
while [ ! -s "$tmp/demo.rc" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$tmp/demo.rc" 2>/dev/null)" = 0 ]; then ok; else bad "demo: exit status '$(cat "$tmp/demo.rc" 2>/dev/null)', want 0"; fi
pgrep -f "^$bin .*$tmp/demo.json" >/dev/null && bad "demo: sipwatch still running" || ok

# ---- toll fraud with its configuration: rows and counters against JSON
run toll -r pcaps/toll-fraud.pcap -c pcaps/toll-fraud.yaml
check "finished state" "finished"
if compare 0 >"$tmp/cmp"; then ok; else bad "toll: screen vs JSON: $(cat "$tmp/cmp")"; cat "$tmp/pane"; fi
check "unknown source marked" "^ ?! ?127\.0\.0\.44"
keys q y
i=0
while [ ! -s "$tmp/toll.rc" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$tmp/toll.rc" 2>/dev/null)" = 0 ] && ok || bad "toll: exit status $(cat "$tmp/toll.rc" 2>/dev/null)"

# ---- a sweep under a small alert rate limit: the reports of held-back
# alerts are rows and counts like any alert; their detail has no message
run sweep -r pcaps/svmap-sweep.pcap -c pcaps/svmap-sweep.yaml
check "finished state" "finished"
if compare 0 >"$tmp/cmp"; then ok; else bad "sweep: screen vs JSON: $(cat "$tmp/cmp")"; cat "$tmp/pane"; fi
check "held back in the header" "\| alerts 28, 140 held back$"
# Newest first: the end-of-input flushes (source-flood, scanner), then the
# report of the second window's held-back cleartext-signalling alerts.
keys Down Down Enter
check "report detail" "^message +22 further cleartext-signalling alerts \\(22 events\\) held back"
check "report has no message" "^\\(no SIP message: this alert reports events or alerts held back"
keys Escape q y

# ---- top talkers: 300 distinct From URIs share 64 counters, so their
# counts are upper bounds ("~"); the one source is counted exactly.
run flood -r pcaps/sipp-register-flood.pcap
check "finished state" "finished"
check "exact source count" "^ ?127\.0\.0\.43 +300 "
check "approximate From counts" " sip:[0-9]+@127\.0\.0\.42 +~[0-9]+ "
if grep -Eq "sip:[0-9]+@127\.0\.0\.42 +[0-9]" "$tmp/pane"; then
	bad "flood: a From count shown as exact:"; cat "$tmp/pane"
else ok; fi
keys q y

# ---- a custom rule's name longer than the snapshot's column (40 bytes):
# one row with every alert counted, not a row per alert
cat >"$tmp/long.yaml" <<'EOF'
custom:
  - name: a-custom-rule-whose-name-is-longer-than-forty-characters
    header: Subject
    pcre: 'Performance Test'
    suppress: 1ms
EOF
run long -r pcaps/sipp-invite-flood.pcap -c "$tmp/long.yaml"
check "finished state" "finished"
want=$(grep -c '"rule": *"a-custom-rule-whose-name-is-longer-than-forty-characters"' "$tmp/long.json")
rows=$(grep -Ec "a-custom-rule-whose-name-is[^ ]* +[0-9]+ *$" "$tmp/pane")
if [ "$want" -gt 1 ] && [ "$rows" = 1 ] &&
    grep -Eq "a-custom-rule-whose-name-is[^ ]* +$want *$" "$tmp/pane"; then
	ok
else
	bad "long rule name: $rows rows, want 1 counting $want:"; cat "$tmp/pane"
fi
keys q y

# ---- SIGTERM restores the terminal and flushes; the terminal going away ends it
run term -r pcaps/demo.pcap
check "finished state" "finished"
pkill -TERM -f "^$bin .*$tmp/term.json"
i=0
while [ ! -s "$tmp/term.rc" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$tmp/term.rc" 2>/dev/null)" = 0 ] && ok || bad "SIGTERM: exit status $(cat "$tmp/term.rc" 2>/dev/null)"
run hangup -r pcaps/demo.pcap
check "finished state" "finished"
pid=$(pgrep -f "^$bin .*$tmp/hangup.json" | head -1)
$T kill-server
sleep 1.5
# A zombie has exited (its shell, hung up too, may not have reaped it yet).
st=$(ps -o stat= -p "${pid:-0}" 2>/dev/null)
if [ -z "$pid" ]; then
	bad "hang-up: no sipwatch process found"
elif [ -n "$st" ] && [ "${st#Z}" = "$st" ]; then
	bad "hang-up: sipwatch $pid still running"
	kill "$pid"
else ok; fi

echo "ui.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
