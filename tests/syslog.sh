#!/bin/sh
# Alert export end to end (issue 5).  Usage: tests/syslog.sh SIPWATCH
#  1. A real rsyslogd on loopback (UDP and TCP inputs, a config of our own)
#     receives every alert of the JSON output once per transport, fields
#     intact, including values with quotes, brackets, backslashes, UTF-8
#     and invalid UTF-8 (a capture crafted by tests/syslog_check.py).
#  2. The TCP receiver is stopped and restarted during a live capture on
#     lo: sipwatch reconnects, and --stats counts errors and reconnects.
#  3. The evidence pcap opens with tcpdump, holds the alerts' frames, and
#     rotates at its size limit.
set -u
bin=${1:?usage: syslog.sh SIPWATCH}
cd "$(dirname "$0")/.."
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
chk=tests/syslog_check.py
tmp=$(mktemp -d)
rspid=
cleanup() {
	[ -n "$rspid" ] && kill "$rspid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

RSYSLOGD=$(command -v rsyslogd || ls /usr/sbin/rsyslogd 2>/dev/null)
if [ -z "$RSYSLOGD" ]; then
	echo "syslog: SKIP (rsyslogd not installed: apt-get install rsyslog)"
	exit 0
fi
UDP=$(python3 $chk port)
TCP=$(python3 $chk port)

# Raw messages and rsyslog's own parse of the structured data, one file
# each per transport.
cat >"$tmp/rs.conf" <<CONF
global(workDirectory="$tmp" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="$UDP" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="$TCP" ruleset="tcp")
template(name="raw" type="string" string="%rawmsg%\n")
template(name="sd" type="string" string="%structured-data%\n")
ruleset(name="udp") {
	action(type="omfile" file="$tmp/udp.raw" template="raw")
	action(type="omfile" file="$tmp/udp.sd" template="sd")
}
ruleset(name="tcp") {
	action(type="omfile" file="$tmp/tcp.raw" template="raw")
	action(type="omfile" file="$tmp/tcp.sd" template="sd")
}
CONF

rs_start() {
	"$RSYSLOGD" -n -f "$tmp/rs.conf" -i "$tmp/rs.pid" >>"$tmp/rs.out" 2>&1 &
	rspid=$!
	for _ in $(seq 100); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$TCP),0.2)" \
		    2>/dev/null && return 0
		sleep 0.05
	done
	echo "rsyslogd did not start:"; cat "$tmp/rs.out"
	return 1
}
rs_stop() {
	kill "$rspid" 2>/dev/null
	wait "$rspid" 2>/dev/null
	rspid=
}
# rsyslog keeps its files open, so runs are told apart by line counts.
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
# rsyslog writes asynchronously: wait until file $1 has $2 lines past $3,
# and copy those to $1.new.
wait_lines() {
	for _ in $(seq 100); do
		[ "$(lines "$1")" -ge $(($3 + $2)) ] && break
		sleep 0.05
	done
	sleep 0.1
	if [ -f "$1" ]; then tail -n +$(($3 + 1)) "$1" >"$1.new"; else : >"$1.new"; fi
}

rs_start || exit 1

# ---- 1. every alert once per transport, fields intact
python3 $chk craft "$tmp/crafted.pcap"
total=0
for run in "pcaps/toll-fraud.pcap -c pcaps/toll-fraud.yaml" "pcaps/svwar-kamailio.pcap" \
    "$tmp/crafted.pcap"; do
	for f in udp.raw udp.sd tcp.raw tcp.sd; do eval "at_${f%%.*}_${f#*.}=$(lines "$tmp/$f")"; done
	set -- $run
	cap=$1
	shift
	# shellcheck disable=SC2086
	if ! "$bin" -r "$cap" "$@" -o json:"$tmp/a.json" -o syslog:udp://127.0.0.1:$UDP \
	    -o syslog:tcp://127.0.0.1:$TCP,hostname=sensor1 --stats="$tmp/st.json" 2>"$tmp/err"; then
		bad "$cap: sipwatch failed: $(cat "$tmp/err")"
		continue
	fi
	n=$(wc -l <"$tmp/a.json")
	total=$((total + n))
	[ "$n" -gt 0 ] || bad "$cap: no alerts to check"
	for t in udp tcp; do
		eval "wait_lines \"\$tmp/$t.raw\" $n \$at_${t}_raw"
		eval "wait_lines \"\$tmp/$t.sd\" $n \$at_${t}_sd"
		if python3 $chk compare "$tmp/a.json" "$tmp/$t.raw.new" "$tmp/$t.sd.new"; then ok
		else bad "$cap: alerts over $t differ"; fi
	done
	if python3 - "$tmp/st.json" "$n" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["outputs"]
n = int(sys.argv[2])
assert [x["kind"] for x in o] == ["json", "syslog", "syslog"], o
assert all(x["sent"] == n and x["dropped"] == 0 and x["errors"] == 0 for x in o), o
PY
	then ok; else bad "$cap: --stats outputs"; fi
done
grep -q '€' "$tmp/tcp.raw.new" 2>/dev/null && ok || bad "crafted: no UTF-8 reached rsyslog"

# RFC 3164 for old receivers: the message parses as such (rsyslog takes the TAG).
at=$(lines "$tmp/udp.raw")
"$bin" -r pcaps/svwar-kamailio.pcap -o syslog:udp://127.0.0.1:$UDP,rfc3164,ident=sw3164 \
    -o json:"$tmp/a.json" 2>"$tmp/err"
wait_lines "$tmp/udp.raw" "$(wc -l <"$tmp/a.json")" "$at"
if [ "$(grep -c '^<[0-9]*>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* [^ ]* sw3164\[[0-9]*\]: \[sipwatch@32473 ' "$tmp/udp.raw.new")" -eq "$(wc -l <"$tmp/a.json")" ]
then ok; else bad "rfc3164 messages"; head -2 "$tmp/udp.raw.new"; fi

# ---- 2. receiver stopped and restarted in the middle of a live run
if [ "$(id -u)" -eq 0 ] && ip link show lo >/dev/null 2>&1; then
	SIPP=$(python3 $chk port)
	cat >"$tmp/tick.yaml" <<YAML
custom:
  - {name: tick, header: User-Agent, pcre: '^tick$', severity: info, suppress: 1ms}
YAML
	at=$(lines "$tmp/tcp.raw")
	"$bin" -i lo -c "$tmp/tick.yaml" -o json:"$tmp/live.json" \
	    -o syslog:tcp://127.0.0.1:$TCP --stats="$tmp/live.st" "udp port $SIPP" \
	    2>"$tmp/live.err" &
	swpid=$!
	sleep 1
	python3 $chk replay "$SIPP" 4 >"$tmp/sent" &
	sender=$!
	sleep 1
	rs_stop
	sleep 1.5
	rs_start || bad "rsyslogd restart"
	wait "$sender"
	sleep 0.5
	kill -INT "$swpid"
	wait "$swpid"
	rc=$?
	[ "$rc" -eq 0 ] && ok || bad "live run exited $rc: $(cat "$tmp/live.err")"
	n=$(wc -l <"$tmp/live.json")
	wait_lines "$tmp/tcp.raw" 1 "$at"
	if python3 - "$tmp/live.st" "$n" "$tmp/tcp.raw.new" "$tmp/live.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["outputs"][1]
n = int(sys.argv[2])
raw = open(sys.argv[3], encoding="utf-8").read().splitlines()
got = len(raw)
print("  live: %d alerts, syslog %s, rsyslog received %d" % (n, o, got))
assert n > 100, n
assert o["reconnects"] >= 1, o
assert o["errors"] >= 1, o
assert o["sent"] + o["dropped"] == n, o
assert got <= o["sent"], (got, o)
# TCP syslog has no acknowledgements (RFC 6587): what sat in the socket
# buffers when rsyslogd went down is lost.  What came after the
# reconnection must all arrive: the last alert did.
last = json.loads(open(sys.argv[4]).read().splitlines()[-1])["ts"]
assert any('ts="%s"' % last in l for l in raw), last
PY
	then ok; else bad "reconnect counters"; fi
	grep -q "connected again" "$tmp/live.err" && ok || bad "no reconnect message: $(cat "$tmp/live.err")"
else
	echo "syslog: reconnect test SKIPPED (needs root for a live capture on lo)"
fi
rs_stop

# ---- 3. evidence pcap, with rotation
"$bin" -r pcaps/svwar-kamailio.pcap -o json:"$tmp/e.json" -o pcap:"$tmp/ev.pcap" 2>"$tmp/err"
if python3 - "$tmp/e.json" "$tmp/ev.pcap" <<'PY'
import json, struct, sys, subprocess, datetime
alerts = [json.loads(l) for l in open(sys.argv[1])]
frames = sorted({a["frame"] for a in alerts if "frame" in a})
out = subprocess.run(["tcpdump", "-tt", "-nr", sys.argv[2]], capture_output=True, text=True, check=True).stdout
got = [l.split()[0] for l in out.splitlines()]
want = []
for f in frames:
    a = next(x for x in alerts if x.get("frame") == f)
    t = datetime.datetime.strptime(a["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    want.append("%d.%06d" % (int(t.timestamp()), t.microsecond))
assert got == want, (len(got), len(want), got[:3], want[:3])
print("  evidence: %d frames for %d alerts" % (len(got), len(alerts)))
PY
then ok; else bad "evidence pcap"; fi

"$bin" $(for i in 1 2 3 4 5 6 7 8; do echo -r pcaps/demo.pcap; done) \
    -o pcap:"$tmp/rot.pcap",size=4K,files=3 --stats="$tmp/rot.st" 2>"$tmp/err"
if [ -f "$tmp/rot.pcap" ] && [ -f "$tmp/rot.pcap.1" ] && [ -f "$tmp/rot.pcap.2" ] && [ ! -e "$tmp/rot.pcap.3" ]; then
	okr=1
	for f in "$tmp"/rot.pcap*; do
		sz=$(stat -c %s "$f")
		[ "$sz" -le 4096 ] || okr=0
		tcpdump -nr "$f" >/dev/null 2>&1 || okr=0
	done
	[ "$okr" = 1 ] && ok || bad "rotated files too big or unreadable"
else
	bad "rotation: $(ls "$tmp" | grep rot)"
fi

echo "syslog: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
