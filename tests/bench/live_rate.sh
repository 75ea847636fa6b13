#!/usr/bin/env bash
# live_rate.sh - the highest packet rate sipwatch captures live without
# losing anything.  Run by bench.sh; see README.md ("Live rate").
#
#   tests/bench/live_rate.sh SIPWATCH PCAP RESULT
#
# tcpreplay sends the first LIVE_PACKETS packets of PCAP at a fixed --pps
# into one end of a veth pair; sipwatch -i captures on the other end with
# the default rules (alerts as JSON to /dev/null, --stats to a file).  The
# rate doubles from LIVE_START until LIVE_TRIES runs in a row lose
# something, then LIVE_STEPS bisection steps narrow the gap.  A run is
# clean when sipwatch's --stats show no kernel or interface capture drops,
# no output queue drops and no buffer-budget events, and sipwatch saw every
# packet tcpreplay sent (a frame the kernel drops before the packet socket,
# in the veth backlog, is in no capture counter) and every SIP message the
# prefix holds.
#
# Both ends of the pair live in a private network namespace with no route
# out (as in tests/live.sh).  Needs root, ip netns, tcpreplay, tcpdump and
# python3.
#
# RESULT gets KEY=VALUE lines for bench.sh (VALUE is the rest of the line):
#   status   ok | skipped | failed
#   reason   why it was skipped or failed
#   pps      highest clean rate, packets/s as tcpreplay measured it (0: none)
#   mps      the same in SIP messages/s (pps x messages per packet)
#   ceiling  1 when tcpreplay could not send faster than pps, so sipwatch's
#            own limit is higher
#   lost_pps lowest requested rate that lost something (0: none)
#   lost_why what it lost
#   packets, messages   the replayed prefix
#   load     the 1-minute load average before the first run
#   control  how tcpdump fared at lost_pps (see control below)
#   cpu      sipwatch's CPU at each clean rate: "PPS:SECONDS" pairs, the
#            CPU (user + system, from start to the last packet read) of the
#            first clean run at each rate tried
# Every run is also logged on stderr.
#
# Environment:
#   LIVE_PACKETS  packets replayed per run (200000)
#   LIVE_START    first rate, packets/s (20000)
#   LIVE_MAX      stop doubling above this rate (2560000)
#   LIVE_STEPS    bisection steps after the first loss (4)
#   LIVE_TRIES    runs at one rate before it counts as lossy (2): on a busy
#                 machine another process can cause a loss now and then
#   LIVE_ARGS     extra sipwatch arguments, e.g. "-B 64" (none)
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 SIPWATCH PCAP RESULT" >&2
	exit 1
fi
bin=$1 pcap=$2 result=$3
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
NPKT=${LIVE_PACKETS:-200000}
START=${LIVE_START:-20000}
MAX=${LIVE_MAX:-2560000}
STEPS=${LIVE_STEPS:-4}
TRIES=${LIVE_TRIES:-2}
ARGS=${LIVE_ARGS:-}

log() { echo "live rate: $*" >&2; }
finish() { # finish STATUS REASON: writes RESULT and exits
	{
		echo "status=$1"
		echo "reason=$2"
		echo "pps=${best_pps:-0}"
		echo "mps=${best_mps:-0}"
		echo "ceiling=${ceiling:-0}"
		echo "lost_pps=${hi:-0}"
		echo "lost_why=${hi_why:-}"
		echo "packets=${sent_total:-0}"
		echo "messages=${msgs_total:-0}"
		echo "load=${load:-}"
		echo "control=${CONTROL:-}"
		echo "cpu=${cpu_runs:-}"
	} >"$result"
	[ "$1" = failed ] && log "$2"
	exit 0
}
skip() { log "skipped: $1"; finish skipped "$1"; }

[ "$(id -u)" -eq 0 ] || skip "not root"
for c in ip tcpreplay tcpdump python3; do
	command -v "$c" >/dev/null 2>&1 || skip "$c not installed"
done
[ -x "$bin" ] || finish failed "$bin not executable"
[ -s "$pcap" ] || finish failed "$pcap missing"

# shellcheck source=tests/veth.sh
. "$(dirname "$0")/../veth.sh"
tmp=$(mktemp -d)
ns=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
	[ -z "${tpid:-}" ] || kill "$tpid" 2>/dev/null
	[ -z "$ns" ] || ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
veth_up rate || skip "$veth_err"

# The prefix, and what sipwatch makes of it offline.
tcpdump -r "$pcap" -c "$NPKT" -w "$tmp/prefix.pcap" 2>/dev/null ||
	finish failed "tcpdump could not cut $pcap"
"$bin" -r "$tmp/prefix.pcap" --no-ui --no-rules --stats="$tmp/off.json" 2>"$tmp/err" ||
	finish failed "offline run on the prefix failed: $(tail -n 2 "$tmp/err")"
read -r sent_total msgs_total < <(python3 -c 'import json,sys
s = json.load(open(sys.argv[1])); print(s["packets"], s["sip"]["messages"])' "$tmp/off.json")
[ "${sent_total:-0}" -gt 0 ] || finish failed "no packets in the prefix of $pcap"
load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null)
log "$sent_total packets, $msgs_total SIP messages per run; load average ${load:-unknown}"

# stats FILE: "packets messages kernel_drops interface_drops output_drops
# budget_events" from a --stats file (all 0 when it cannot be read).
stats() {
	python3 -c 'import json,sys
try:
    s = json.load(open(sys.argv[1]))
    c = s["capture"]
    print(s["packets"], s["sip"]["messages"], c["dropped_kernel"],
        c["dropped_interface"], sum(o["dropped"] for o in s.get("outputs", [])),
        s["decode_events"].get("buffer_budget_exceeded", 0))
except Exception:
    print(0, 0, 0, 0, 0, 0)' "$1"
}

# start ERR CMD...: runs CMD in the namespace (stderr to ERR) and waits
# for its packet socket on $va; sets tpid (timeout)
# and pid (CMD).  Returns 1 when it does not start.
start() {
	local err=$1 i
	shift
	timeout 600 ip netns exec "$ns" "$@" 2>"$err" &
	tpid=$!
	for ((i = 0; i < 100; i++)); do
		pid=$(awk '{ print $1 }' "/proc/$tpid/task/$tpid/children" 2>/dev/null)
		[ -n "$pid" ] && veth_bound && return 0
		sleep 0.1
	done
	kill "$tpid" 2>/dev/null
	wait "$tpid" 2>/dev/null
	tpid=
	return 1
}

# replay RATE: tcpreplay sends the prefix at RATE; sets SENT, SECS, FAILED
# and ACTUAL (its measured packets/s); returns 1 when it failed.
replay() {
	# tcpreplay sleeps between packets; above 100k/s it sends bursts of
	# --pps-multi packets per interval so the timer can keep up.
	nsx tcpreplay -K -i "$vb" --pps="$1" --pps-multi=$((($1 + 99999) / 100000)) \
		"$tmp/prefix.pcap" >"$tmp/replay.log" 2>&1 || return 1
	SENT=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$tmp/replay.log")
	SECS=$(sed -n 's/^Actual: .* sent in \([0-9.]*\) seconds.*/\1/p' "$tmp/replay.log")
	FAILED=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$tmp/replay.log")
	ACTUAL=$(sed -n 's/^[[:space:]]*Rated:.* \([0-9.]*\) pps.*/\1/p' "$tmp/replay.log")
	ACTUAL=${ACTUAL%.*}
	[ -n "$SENT" ] && [ -n "$ACTUAL" ]
}

# trial RATE: one run.  Sets OK (1 clean, 0 lost something), WHY, ACTUAL;
# returns 1 when the run itself broke.
trial() {
	local rate=$1 i pid='' rc swrc p m kd id od bd prev cpu
	OK=0 WHY='' ACTUAL=0 SENT=''
	rm -f "$tmp/live.json"
	# shellcheck disable=SC2086
	if ! start "$tmp/sw.err" "$bin" -i "$va" --no-ui -o json:/dev/null \
		--stats="$tmp/live.json" $ARGS; then
		WHY="sipwatch did not start: $(tail -n 2 "$tmp/sw.err")"
		return 1
	fi
	replay "$rate"
	rc=$?
	# Let sipwatch drain its socket: SIGUSR1 rewrites the stats file; stop
	# when it has every packet or its count stays put for a second.
	prev=-1
	for ((i = 0; i < 100; i++)); do
		kill -USR1 "$pid" 2>/dev/null
		sleep 0.2
		read -r p _ <<<"$(stats "$tmp/live.json")"
		[ "$p" -ge "${SENT:-0}" ] && break
		if ((i % 5 == 4)); then
			[ "$p" = "$prev" ] && break
			prev=$p
		fi
	done
	# sipwatch's CPU seconds so far, to tell a busy sipwatch from a
	# starved one in the log.
	cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
		"/proc/$pid/stat" 2>/dev/null)
	kill -INT "$pid" 2>/dev/null
	wait "$tpid"
	swrc=$?
	tpid=
	if [ "$rc" -ne 0 ]; then
		WHY="tcpreplay failed: $(tail -n 3 "$tmp/replay.log" | tr '\n' ' ')"
		return 1
	fi
	if [ "$swrc" -ne 0 ]; then
		WHY="sipwatch exited with status $swrc: $(tail -n 2 "$tmp/sw.err" | tr '\n' ' ')"
		return 1
	fi
	read -r p m kd id od bd <<<"$(stats "$tmp/live.json")"
	[ "${FAILED:-0}" = 0 ] || WHY="$WHY tcpreplay could not send $FAILED packets;"
	[ "$kd" = 0 ] || WHY="$WHY $kd kernel drops;"
	[ "$id" = 0 ] || WHY="$WHY $id interface drops;"
	[ "$od" = 0 ] || WHY="$WHY $od output queue drops;"
	[ "$bd" = 0 ] || WHY="$WHY $bd buffer-budget events;"
	[ "$p" -ge "$SENT" ] || WHY="$WHY saw $p of $SENT packets;"
	[ "$m" -ge "$msgs_total" ] || WHY="$WHY $m of $msgs_total SIP messages;"
	WHY=${WHY# }
	WHY=${WHY%;}
	[ -n "$WHY" ] || OK=1
	LAST_CPU=${cpu:-}
	log "$(printf '%8d pps asked, %8d sent in %ss, sipwatch CPU %ss: %s' "$rate" "$ACTUAL" \
		"${SECS:-?}" "${cpu:-?}" "${WHY:-clean}")"
	return 0
}

# control RATE: the same replay captured by tcpdump --immediate-mode -w
# /dev/null, with sipwatch's default kernel buffer (-B 32768 KiB): when it
# loses packets too, the limit is the machine and the kernel path, not
# sipwatch.
# Sets CONTROL.
control() {
	local pid='' got drop
	CONTROL="tcpdump did not run"
	start "$tmp/td.err" tcpdump --immediate-mode -B 32768 -n -i "$va" -w /dev/null || return
	replay "$1"
	sleep 1
	kill -INT "$pid" 2>/dev/null
	wait "$tpid"
	tpid=
	got=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$tmp/td.err")
	drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$tmp/td.err")
	[ -n "$got" ] && [ -n "$SENT" ] || return
	CONTROL="tcpdump at $ACTUAL packets/s: $drop kernel drops of $SENT packets"
	log "control: $CONTROL"
}

# try RATE: up to LIVE_TRIES trials, until one is clean; updates lo (highest clean rate asked), hi (lowest
# lossy rate asked), best_pps and ceiling.
lo=0 hi=0 best_pps=0 ceiling=0 cpu_runs=''
try() {
	local t
	for ((t = 0; t < TRIES; t++)); do
		trial "$1" || finish failed "$WHY"
		[ "$OK" = 0 ] || break
	done
	if [ "$OK" = 1 ]; then
		[ -z "$LAST_CPU" ] || cpu_runs="${cpu_runs:+$cpu_runs }$ACTUAL:$LAST_CPU"
		lo=$1
		[ "$ACTUAL" -le "$best_pps" ] || best_pps=$ACTUAL
		# tcpreplay fell more than 5 % short of the rate asked:
		# sipwatch kept up with all that tcpreplay could send (also
		# when this run sent a little less than an earlier one), as
		# long as no rate lost anything.
		[ "$hi" != 0 ] || [ $((ACTUAL * 100)) -ge $(($1 * 95)) ] || ceiling=1
	else
		hi=$1 hi_why=$WHY
	fi
}

rate=$START
while [ "$hi" = 0 ] && [ "$ceiling" = 0 ] && [ "$rate" -le "$MAX" ]; do
	try "$rate"
	rate=$((rate * 2))
done
# Lost something already at LIVE_START: halve until a run is clean.
while [ "$lo" = 0 ] && [ "$hi" -gt 1000 ]; do
	try $((hi / 2))
done
if [ "$hi" != 0 ] && [ "$lo" != 0 ]; then
	for ((s = 0; s < STEPS && hi - lo > lo / 20; s++)); do
		try $(((lo + hi) / 2))
	done
fi
[ "$hi" = 0 ] || control "$hi"
best_mps=$((best_pps * msgs_total / sent_total))
finish ok ""
