#!/bin/sh
# Live capture operations (issue 6): capture on a veth pair inside a
# private network namespace, replay the project's captures into it with
# tcpreplay and check that the alerts equal those of "sipwatch -r" on the
# same files; then reload (SIGHUP, good and bad configuration), log
# rotation, SIGUSR1 stats, SIGTERM, and the -Z privilege drop.
#
# Both ends of the veth pair live in the namespace, which has no route out:
# replayed packets (whatever their addresses) never reach another host.
# Needs root, ip netns and tcpreplay; skipped with a message otherwise.
# Usage: tests/live.sh SIPWATCH
set -u
bin=${1:?usage: live.sh SIPWATCH}
cd "$(dirname "$0")/.." || exit 1
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac

skip() { echo "live: SKIPPED ($1)"; exit 0; }
[ "$(id -u)" -eq 0 ] || skip "not root"
command -v tcpreplay >/dev/null 2>&1 || skip "tcpreplay not installed"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not installed"

. tests/veth.sh
tmp=$(mktemp -d)
ns=
cleanup() {
	[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
veth_up live || skip "$veth_err"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# Starts sipwatch on $va in the namespace, bounded by timeout; sets $tpid
# (timeout) and $pid (sipwatch).  Waits until its packet socket is open.
start() {
	timeout 120 ip netns exec "$ns" "$bin" -i "$va" "$@" &
	tpid=$!
	pid=
	i=0
	while [ $i -lt 50 ]; do
		pid=$(cat "/proc/$tpid/task/$tpid/children" 2>/dev/null | awk '{print $1}')
		if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$bin")" ] &&
		    veth_bound; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# Waits for sipwatch and sets $rc.
finish() {
	wait "$tpid"
	rc=$?
}
replay() {
	timeout 60 ip netns exec "$ns" tcpreplay -q -i "$vb" "$@" >"$tmp/replay.log" 2>&1 ||
	    { echo "live: tcpreplay failed: $(cat "$tmp/replay.log")"; return 1; }
}
# Packets sipwatch counted so far: SIGUSR1 rewrites the --stats file.
packets() {
	kill -USR1 "$pid"
	sleep 0.2
	python3 -c 'import json,sys
try: print(json.load(open(sys.argv[1]))["packets"])
except Exception: print(0)' "$1"
}
# Waits until sipwatch has seen at least $2 packets (stats file $1).
wait_packets() {
	i=0
	while [ $i -lt 50 ]; do
		[ "$(packets "$1")" -ge "$2" ] && return 0
		i=$((i + 1))
	done
	return 1
}
npkts() { tcpdump -r "$1" 2>/dev/null | wc -l; }

# ---------------------------------------------- live equals offline
for name in toll-fraud svwar-kamailio sipp-tcp ipv4-frag sipp-udp; do
	pcap=pcaps/$name.pcap
	conf=
	[ -f "pcaps/$name.yaml" ] && conf="-c pcaps/$name.yaml"
	# shellcheck disable=SC2086
	timeout 60 "$bin" -r "$pcap" $conf -o json:"$tmp/off.json" 2>"$tmp/off.err" ||
	    { bad "$name: offline run: $(cat "$tmp/off.err")"; continue; }
	python3 tests/alerts.py <"$tmp/off.json" >"$tmp/off.alerts"
	rm -f "$tmp/live.stats"
	# shellcheck disable=SC2086
	if ! start $conf -o json:"$tmp/live.json" --stats="$tmp/live.stats" 2>"$tmp/live.err"; then
		bad "$name: sipwatch did not start: $(cat "$tmp/live.err")"
		continue
	fi
	want=$(npkts "$pcap")
	replay "$pcap" || { kill -INT "$pid"; finish; bad "$name: replay"; continue; }
	wait_packets "$tmp/live.stats" "$want" || echo "live: $name: only $(packets "$tmp/live.stats") of $want packets seen"
	kill -INT "$pid"
	finish
	if [ "$rc" -ne 0 ]; then
		bad "$name: live run exit $rc: $(cat "$tmp/live.err")"
		continue
	fi
	python3 tests/alerts.py <"$tmp/live.json" >"$tmp/live.alerts"
	if ! diff -u "$tmp/off.alerts" "$tmp/live.alerts" >"$tmp/diff"; then
		bad "$name: live alerts differ from offline"
		head -30 "$tmp/diff"
		continue
	fi
	if ! python3 - "$tmp/live.stats" "$want" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
c = s["capture"]
want = int(sys.argv[2])
assert c["live"] is True, c
assert c["received"] >= want, (c, want)
assert c["dropped_kernel"] == 0 and c["dropped_interface"] == 0, c
assert s["packets"] >= want, (s["packets"], want)
assert all(o["dropped"] == 0 for o in s.get("outputs", [])), s.get("outputs")
PY
	then
		bad "$name: live stats"
		continue
	fi
	[ -s "$tmp/off.alerts" ] || echo "live: note: $name raises no alerts"
	ok
done

# ---------------------------------------------- a stop loses nothing
# The kernel hands packets over a block at a time (capture.c): a stop
# right after the last packet, before its block's timeout, must still
# count and parse every packet (run_live() reads the last blocks).
pc=pcaps/sipp-register-flood.pcap
n=$(npkts $pc)
timeout 60 "$bin" -r $pc --no-rules --stats="$tmp/s-off.stats" >/dev/null 2>"$tmp/s-off.err" ||
    bad "stop: offline run: $(cat "$tmp/s-off.err")"
# all_seen STATS K: the final stats of a live run that got $pc K times
# show every packet received and counted, and every SIP message parsed.
all_seen() {
	python3 - "$1" "$tmp/s-off.stats" "$n" "$2" <<'PY'
import json, sys
live = json.load(open(sys.argv[1]))
off = json.load(open(sys.argv[2]))
n, k = int(sys.argv[3]), int(sys.argv[4])
assert live["capture"]["received"] == k * n, live["capture"]
assert live["packets"] == k * n, (live["packets"], k * n)
assert live["sip"]["messages"] == k * off["sip"]["messages"], (live["sip"]["messages"], off["sip"]["messages"])
PY
}
rm -f "$tmp/s.stats"
if start --no-rules --stats="$tmp/s.stats" 2>"$tmp/s.err"; then
	# 600 packets in 30 ms, then SIGINT at once: no wait for the stats
	replay --pps=20000 $pc
	kill -INT "$pid"
	finish
	if [ "$rc" -eq 0 ] && all_seen "$tmp/s.stats" 1; then
		ok
	else
		bad "stop: packets of the last block lost at SIGINT (exit $rc): $(cat "$tmp/s.err")"
	fi
else
	bad "stop: sipwatch did not start: $(cat "$tmp/s.err")"
fi

# ---------------------------------------------- two interfaces
# A second veth pair in the namespace; sipwatch reads both (each handle in
# immediate mode, capture.c) and a stop right after the traffic still
# counts every packet of both.
va2=${va}x vb2=${vb}x
if nsx ip link add "$va2" type veth peer name "$vb2" &&
    nsx ip link set "$va2" mtu 9000 up && nsx ip link set "$vb2" mtu 9000 up; then
	idx2=$(nsx cat "/sys/class/net/$va2/ifindex")
	rm -f "$tmp/t.stats"
	if start -i "$va2" --no-rules --stats="$tmp/t.stats" 2>"$tmp/t.err"; then
		i=0
		until nsx awk -v i="$idx2" 'NR > 1 && $5 == i && $6 == 1 { f = 1 } END { exit !f }' /proc/net/packet ||
		    [ $i -ge 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		replay --pps=20000 $pc
		timeout 60 ip netns exec "$ns" tcpreplay -q -i "$vb2" --pps=20000 $pc >"$tmp/replay2.log" 2>&1 ||
		    echo "live: tcpreplay on $vb2 failed: $(cat "$tmp/replay2.log")"
		kill -INT "$pid"
		finish
		if [ "$rc" -eq 0 ] && all_seen "$tmp/t.stats" 2; then
			ok
		else
			bad "two interfaces: packets lost (exit $rc): $(cat "$tmp/t.err")"
		fi
	else
		bad "two interfaces: sipwatch did not start: $(cat "$tmp/t.err")"
	fi
else
	bad "two interfaces: cannot add a second veth pair"
fi

# ---------------------------------------------- reload, rotation, signals
# The first configuration has no custom rule; the second adds one that
# fires on every REGISTER, INVITE or OPTIONS; the third is a syntax error.
cat >"$tmp/c.yaml" <<'Y'
rules:
  cleartext_signalling: {suppress: 1h}
Y
cat >"$tmp/c2.yaml" <<'Y'
rules:
  cleartext_signalling: {suppress: 1h}
custom:
  - name: reload-probe
    target: request-line
    pcre: '^(REGISTER|INVITE|OPTIONS) '
    suppress: 1ms
Y
probes() { grep -c '"rule":"reload-probe"' "$1" 2>/dev/null || true; }
clear_pkt() { grep '"rule":"cleartext-signalling"' "$1" 2>/dev/null | grep -vc 'further' || true; }
pc=pcaps/sipp-udp.pcap
n=$(npkts $pc)
if start -c "$tmp/c.yaml" -o json:"$tmp/r.json" --dump="$tmp/r.msgs" --stats="$tmp/r.stats" \
    --log-interval 1 2>"$tmp/r.err"; then
	replay $pc
	wait_packets "$tmp/r.stats" "$n"
	p1=$(probes "$tmp/r.json")
	c1=$(clear_pkt "$tmp/r.json")
	[ "$p1" -eq 0 ] && [ "$c1" -ge 1 ] && ok || bad "reload: before: $p1 probes, $c1 cleartext alerts"
	# log rotation: the files are moved away, SIGHUP reopens the paths
	mv "$tmp/r.json" "$tmp/r.json.1"
	mv "$tmp/r.msgs" "$tmp/r.msgs.1"
	cp "$tmp/c2.yaml" "$tmp/c.yaml"
	kill -HUP "$pid"
	i=0
	while [ $i -lt 50 ] && ! grep -q "reloaded" "$tmp/r.err"; do sleep 0.1; i=$((i + 1)); done
	grep -q "sipwatch: reloaded $tmp/c.yaml" "$tmp/r.err" && ok || bad "reload: no 'reloaded' line: $(cat "$tmp/r.err")"
	[ -f "$tmp/r.json" ] && [ -f "$tmp/r.msgs" ] && ok || bad "rotation: paths not reopened at SIGHUP"
	replay $pc
	wait_packets "$tmp/r.stats" $((2 * n))
	p2=$(probes "$tmp/r.json")
	[ "$p2" -ge 1 ] && ok || bad "reload: the new custom rule did not fire after SIGHUP"
	[ "$(probes "$tmp/r.json.1")" -eq 0 ] && ok || bad "rotation: alerts after SIGHUP went to the old file"
	[ -s "$tmp/r.msgs" ] && ok || bad "rotation: --dump not reopened"
	# cleartext-signalling was not changed: its suppression window (1h)
	# kept suppressing across the reload, so no second alert for the pair
	c2=$(clear_pkt "$tmp/r.json")
	[ "$c2" -eq 0 ] && ok || bad "reload: cleartext-signalling table was reset ($c2 new alerts)"
	# a bad configuration is rejected and the old one stays in force
	printf 'rules:\n  from_flood: {threshold: [\n' >"$tmp/c.yaml"
	kill -HUP "$pid"
	i=0
	while [ $i -lt 50 ] && ! grep -q "keeping the old configuration" "$tmp/r.err"; do sleep 0.1; i=$((i + 1)); done
	grep -q "c.yaml:.*keeping the old configuration" "$tmp/r.err" && ok ||
	    bad "reload: bad config not reported: $(cat "$tmp/r.err")"
	replay $pc
	wait_packets "$tmp/r.stats" $((3 * n))
	p3=$(probes "$tmp/r.json")
	[ "$p3" -gt "$p2" ] && ok || bad "reload: old configuration not in force after a bad one ($p2 -> $p3)"
	grep -q "^sipwatch: packets [0-9]* (+[0-9]*), SIP messages [0-9]*, alerts [0-9]* ([0-9]* held back); capture drops kernel 0 interface 0 \[$va 0/0\]; output drops 0, buffer budget 0$" "$tmp/r.err" &&
	    ok || bad "periodic log line missing: $(cat "$tmp/r.err")"
	kill -TERM "$pid"
	finish
	[ "$rc" -eq 0 ] && ok || bad "SIGTERM: exit $rc"
	python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["packets"] >= 3*int(sys.argv[2]); assert s["capture"]["live"]' \
	    "$tmp/r.stats" "$n" && ok || bad "SIGTERM: final stats"
	# every alert line is complete JSON (flushed)
	python3 -c 'import json,sys
for f in sys.argv[1:]:
    for l in open(f): json.loads(l)' "$tmp/r.json" "$tmp/r.json.1" && ok || bad "SIGTERM: outputs not flushed"
else
	bad "reload: sipwatch did not start: $(cat "$tmp/r.err")"
fi

# ---------------------------------------------- alert rate, then silence
# svmap's sweep at full speed: 160 new peer pairs within a second, 2
# cleartext-signalling alerts let through, the rest held back.  No packet
# follows: the report must come when the window ends (the capture loop's
# clock), not only when sipwatch stops.
printf 'alert_rate: {count: 2, per: 1s}\n' >"$tmp/rate.yaml"
pc=pcaps/svmap-sweep.pcap
n=$(npkts $pc)
held() { grep -c 'held back by the alert rate limit' "$1" 2>/dev/null || true; }
if start -c "$tmp/rate.yaml" -o json:"$tmp/rate.json" --stats="$tmp/rate.stats" 2>"$tmp/rate.err"; then
	timeout 60 ip netns exec "$ns" tcpreplay -q --topspeed -i "$vb" $pc >"$tmp/replay.log" 2>&1
	wait_packets "$tmp/rate.stats" "$n"
	i=0
	while [ $i -lt 40 ] && [ "$(held "$tmp/rate.json")" -lt 2 ]; do sleep 0.1; i=$((i + 1)); done
	# cleartext-signalling and source-flood... : every limited rule reports
	h=$(held "$tmp/rate.json")
	[ "$h" -ge 1 ] && ok || bad "alert rate: no report within 4 s of the burst, before the stop ($(wc -l <"$tmp/rate.json") alerts)"
	grep -Eq '"rule":"cleartext-signalling".*"count":158[,}]' "$tmp/rate.json" && ok ||
	    bad "alert rate: no report of 158 cleartext-signalling alerts: $(grep 'held back' "$tmp/rate.json")"
	kill -INT "$pid"
	finish
	[ "$rc" -eq 0 ] && ok || bad "alert rate: exit $rc"
else
	bad "alert rate: sipwatch did not start: $(cat "$tmp/rate.err")"
fi

# ---------------------------------------------- privilege drop
if id nobody >/dev/null 2>&1; then
	uid=$(id -u nobody)
	gid=$(id -g nobody)
	if start -Z nobody -o json:"$tmp/z.json" --stats="$tmp/z.stats" 2>"$tmp/z.err"; then
		st=/proc/$pid/status
		# The packet socket opens before the drop: wait for the switch.
		i=0
		while [ $i -lt 50 ] && ! grep -q "^Uid:[[:space:]]*${uid}[[:space:]]" "$st"; do
			sleep 0.1
			i=$((i + 1))
		done
		u=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "$st")
		g=$(awk '/^Gid:/ {print $2, $3, $4, $5}' "$st")
		grp=$(awk '/^Groups:/ {$1=""; print}' "$st" | tr -s ' ' | sed 's/^ //; s/ $//')
		caps=$(awk '/^CapEff:/ {print $2}' "$st")
		[ "$u" = "$uid $uid $uid $uid" ] && ok || bad "-Z: Uid line '$u', want $uid"
		[ "$g" = "$gid $gid $gid $gid" ] && ok || bad "-Z: Gid line '$g', want $gid"
		case " $grp " in *" 0 "*) bad "-Z: still in group 0: '$grp'" ;; *) ok ;; esac
		[ "$caps" = 0000000000000000 ] && ok || bad "-Z: capabilities left: $caps"
		replay pcaps/toll-fraud.pcap
		wait_packets "$tmp/z.stats" "$(npkts pcaps/toll-fraud.pcap)"
		kill -INT "$pid"
		finish
		[ "$rc" -eq 0 ] && [ -s "$tmp/z.json" ] && ok || bad "-Z: capture after the drop: exit $rc, $(cat "$tmp/z.err")"
	else
		bad "-Z: sipwatch did not start: $(cat "$tmp/z.err")"
	fi
	# -Z with an unknown user fails before anything opens
	timeout 10 "$bin" -i lo -Z no-such-user-sw 2>"$tmp/zu.err"
	[ $? -eq 1 ] && grep -q "no-such-user-sw" "$tmp/zu.err" && ok || bad "-Z unknown user"
else
	echo "live: no user nobody: privilege drop test skipped"
fi

# ---------------------------------------------- the dashboard on an interface
# sipwatch -i on a terminal opens the dashboard: run it in tmux, replay a
# capture, and check that the screen's alert count equals the offline run's
# and that q, y ends it with status 0.
if command -v tmux >/dev/null 2>&1; then
	T="tmux -S $tmp/tmux.sock"
	"$bin" -r pcaps/toll-fraud.pcap -c pcaps/toll-fraud.yaml -o json:"$tmp/lui-off.json" 2>/dev/null
	want=$(wc -l <"$tmp/lui-off.json")
	$T new-session -d -s lui -x 120 -y 40 \
	    "LANG=C.UTF-8 ip netns exec $ns $bin -i $va -c pcaps/toll-fraud.yaml -o json:$tmp/lui.json --stats=$tmp/lui.stats 2>$tmp/lui.err; echo \$? >$tmp/lui.rc; sleep 60"
	lwait() { # lwait REGEX: up to 10 s for the pane to show it
		i=0
		while [ $i -lt 100 ]; do
			$T capture-pane -p -t lui >"$tmp/lpane" 2>/dev/null
			grep -Eq -- "$1" "$tmp/lpane" && return 0
			sleep 0.1
			i=$((i + 1))
		done
		return 1
	}
	i=0
	while [ $i -lt 50 ] && ! veth_bound; do
		sleep 0.1
		i=$((i + 1))
	done
	if lwait "live $va \| capturing"; then
		ok
		replay pcaps/toll-fraud.pcap
		# Before exit: every alert but the end-of-run flushes of
		# suppressed events.
		now=$(grep -vc 'suppressed since the last alert' "$tmp/lui-off.json")
		if [ "$now" -gt 0 ] && lwait "alerts $now\$"; then ok; else
			bad "dashboard: want 'alerts $now' on screen"; cat "$tmp/lpane"
		fi
		lwait "Top talkers" && ok || bad "dashboard: no top talkers"
		$T send-keys -t lui q
		sleep 0.3
		$T send-keys -t lui y
		i=0
		while [ $i -lt 50 ] && [ ! -s "$tmp/lui.rc" ]; do
			sleep 0.1
			i=$((i + 1))
		done
		[ "$(cat "$tmp/lui.rc" 2>/dev/null)" = 0 ] && ok ||
		    bad "dashboard: q, y: exit '$(cat "$tmp/lui.rc" 2>/dev/null)' $(cat "$tmp/lui.err")"
		[ "$(wc -l <"$tmp/lui.json")" -eq "$want" ] && ok ||
		    bad "dashboard: JSON has $(wc -l <"$tmp/lui.json") alerts, want $want"
	else
		bad "dashboard did not open on the interface: $(cat "$tmp/lui.err" 2>/dev/null)"
		cat "$tmp/lpane"
	fi
	$T kill-server 2>/dev/null
else
	echo "live: tmux not installed: dashboard on an interface skipped"
fi

echo "live: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
