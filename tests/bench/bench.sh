#!/usr/bin/env bash
# bench.sh - sipwatch throughput against the libpcap and libnids floors and,
# when installed, tshark and sngrep.  Run by `make bench`; see README.md.
#
#   tests/bench/bench.sh BUILD/sipwatch
#
# Environment:
#   BENCH_N        SIP messages in the mix and attack captures (1000000)
#   BENCH_TRUNK_N  SIP messages in the trunk capture (BENCH_N / 2)
#   BENCH_REPS     runs per row, the least CPU is kept (3)
#   BENCH_SLOW_REPS runs per row for tshark and sngrep (1)
#   BENCH_MIXES    captures to measure ("mix attack trunk")
#   BENCH_DIR      captures, helper programs, results (BUILD/bench)
#
# Prints one Markdown table per capture and writes them all to
# BENCH_DIR/results.md.  Exit status 0 when every row ran; 1 on a set-up
# error; 2 when some measured command failed (its row says so).
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH/TO/sipwatch" >&2
	exit 1
fi
SW=$1
BUILD=$(dirname "$SW")
DIR=${BENCH_DIR:-$BUILD/bench}
N=${BENCH_N:-1000000}
NT=${BENCH_TRUNK_N:-$((N / 2))}
REPS=${BENCH_REPS:-3}
SLOW_REPS=${BENCH_SLOW_REPS:-1}
MIXES=${BENCH_MIXES:-mix attack trunk}

for p in gen_bench pcap_floor nids_floor runstat; do
	if [ ! -x "$DIR/$p" ]; then
		echo "bench.sh: $DIR/$p missing (run make bench)" >&2
		exit 1
	fi
done
[ -x "$SW" ] || { echo "bench.sh: $SW not executable" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=$DIR/results.md
: >"$RESULTS.tmp"

log() { echo "bench: $*" >&2; }

commas() { # 1234567 -> 1,234,567
	echo "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'
}

# sip.messages from a --stats JSON file.
messages_of() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sip"]["messages"])' "$1"
	else
		tr -d ' \n' <"$1" | sed -n 's/.*"sip":{"messages":\([0-9]*\).*/\1/p'
	fi
}

# measure REPS CMD... : runs CMD (stdout to /dev/null) REPS times; sets
# CPU (least user+sys seconds), RSS (largest peak RSS, KiB), STATUS (first
# non-zero exit status, else 0).
measure() {
	local reps=$1 i u s m st
	shift
	CPU= RSS=0 STATUS=0
	for ((i = 0; i < reps; i++)); do
		"$DIR/runstat" "$TMP/rs" "$@" >/dev/null 2>"$TMP/err" || true
		read -r u s m st <"$TMP/rs"
		if [ "$st" != 0 ]; then
			[ "$STATUS" != 0 ] || STATUS=$st
			log "$* exited with status $st: $(tail -n 3 "$TMP/err" | tr '\n' ' ')"
		fi
		CPU=$(awk -v a="$CPU" -v u="$u" -v s="$s" \
			'BEGIN { t = u + s; if (a == "" || t < a) a = t; printf "%.3f", a }')
		[ "$m" -le "$RSS" ] || RSS=$m
	done
}

# measure_ui REPS FILE: like measure, for the dashboard (tests/bench/ui_run.sh
# runs it in a tmux terminal).  UI_OK=0 when tmux is missing.
measure_ui() {
	local reps=$1 f=$2 i u s m st
	CPU= RSS=0 STATUS=0 UI_OK=1
	for ((i = 0; i < reps; i++)); do
		if ! "$HERE/ui_run.sh" "$DIR/runstat" "$TMP/rs" "$SW" "$f"; then
			UI_OK=0
			return
		fi
		read -r u s m st <"$TMP/rs"
		[ "$st" = 0 ] || STATUS=$st
		CPU=$(awk -v a="$CPU" -v u="$u" -v s="$s" \
			'BEGIN { t = u + s; if (a == "" || t < a) a = t; printf "%.3f", a }')
		[ "$m" -le "$RSS" ] || RSS=$m
	done
}

# row NAME : one table line from CPU/RSS/STATUS against MSGS and the floors.
row() {
	local name=$1 note=""
	if [ "$STATUS" != 0 ]; then
		note=" (exit status $STATUS)"
		: >"$TMP/failed"
	fi
	awk -v n="$name$note" -v m="$MSGS" -v c="$CPU" -v r="$RSS" \
		-v fn="${NIDS_CPU:-}" -v fp="${PCAP_CPU:-}" '
	function commas(x,   s) {
		s = sprintf("%d", x)
		while (s ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		return s
	}
	function rate(x) { return x > 0 ? commas(m / x) : "n/a" }
	function ratio(x, f) { return (f != "" && f > 0) ? sprintf("%.2f", x / f) : "n/a" }
	BEGIN {
		printf "| %s | %s | %.3f | %.1f | %s | %s |\n", n, rate(c), c, r / 1024,
		    ratio(c, fn), ratio(c, fp)
	}'
}

gen() { # gen MIX COUNT FILE: (re)made when missing or older than the generator
	if [ ! -s "$3" ] || [ "$DIR/gen_bench" -nt "$3" ]; then
		log "generating $3"
		"$DIR/gen_bench" "$1" "$2" "$3.tmp"
		mv "$3.tmp" "$3"
	fi
}

SNGREP=
if command -v sngrep >/dev/null 2>&1 &&
	sngrep --help 2>&1 | grep -q -- '--no-interface'; then
	SNGREP=sngrep
fi
TSHARK=
if command -v tshark >/dev/null 2>&1; then
	TSHARK=tshark
fi

{
	echo "## sipwatch benchmark"
	echo
	echo "$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
		"$(uname -sr); CPU = user + sys seconds, least of $REPS runs" \
		"(tshark, sngrep: $SLOW_REPS); RSS = peak resident set."
	echo
} | tee -a "$RESULTS.tmp"

for mix in $MIXES; do
	case $mix in
	trunk) count=$NT ;;
	*) count=$N ;;
	esac
	F=$DIR/$mix-$count.pcap
	gen "$mix" "$count" "$F"

	if ! "$SW" -r "$F" --no-ui --stats="$TMP/stats.json" 2>"$TMP/err"; then
		log "$SW -r $F exited with status $?: $(tail -n 3 "$TMP/err" | tr '\n' ' ')"
		: >"$TMP/failed"
	fi
	MSGS=$(messages_of "$TMP/stats.json" 2>/dev/null || true)
	if [ -z "$MSGS" ]; then
		log "no sip.messages in sipwatch's --stats for $F; rates are per generated message"
		MSGS=$count
	fi
	PKTS=$("$DIR/pcap_floor" "$F" | awk '{ print $2 }')
	MB=$(($(stat -c %s "$F") / 1000000))

	log "$mix: libpcap floor"
	measure "$REPS" "$DIR/pcap_floor" "$F"
	PCAP_CPU=$CPU PCAP_RSS=$RSS PCAP_STATUS=$STATUS
	log "$mix: libnids floor"
	measure "$REPS" "$DIR/nids_floor" "$F"
	NIDS_CPU=$CPU NIDS_RSS=$RSS NIDS_STATUS=$STATUS

	{
		echo "### $mix: $(commas "$MSGS") SIP messages, $(commas "$PKTS") packets, $MB MB"
		echo
		echo "| | messages / CPU s | CPU s | peak RSS MiB | x libnids floor | x libpcap floor |"
		echo "|---|---:|---:|---:|---:|---:|"
		log "$mix: sipwatch"
		measure "$REPS" "$SW" -r "$F" --no-ui --stats=/dev/null
		row "sipwatch (default rules)"
		NOUI_CPU=$CPU
		measure_ui "$REPS" "$F"
		if [ "$UI_OK" = 1 ]; then
			row "sipwatch (default rules, --ui --replay=fast)"
			UI_COST=$(awk -v a="$CPU" -v b="$NOUI_CPU" 'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
			log "$mix: dashboard CPU cost vs --no-ui: $UI_COST"
			echo "$mix: dashboard CPU vs --no-ui: $UI_COST" >>"$TMP/uicost"
		fi
		measure "$REPS" "$SW" -r "$F" --no-ui --no-rules --stats=/dev/null
		row "sipwatch (parse only, --no-rules)"
		measure "$REPS" "$SW" -r "$F" --no-ui --no-rules --dump=/dev/null
		row "sipwatch (--no-rules --dump to /dev/null)"
		CPU=$NIDS_CPU RSS=$NIDS_RSS STATUS=$NIDS_STATUS
		row "libnids floor"
		CPU=$PCAP_CPU RSS=$PCAP_RSS STATUS=$PCAP_STATUS
		row "libpcap floor"
		if [ -n "$TSHARK" ]; then
			log "$mix: tshark"
			measure "$SLOW_REPS" "$TSHARK" -r "$F" -Y sip -T fields -e sip.Call-ID
			row "tshark -Y sip -T fields -e sip.Call-ID"
		fi
		if [ -n "$SNGREP" ]; then
			log "$mix: sngrep"
			measure "$SLOW_REPS" "$SNGREP" -N -q -I "$F"
			row "sngrep -N -q -I"
		fi
		echo
	} | tee -a "$RESULTS.tmp"
done

if [ -f "$TMP/uicost" ]; then
	{ echo "Dashboard (--ui --replay=fast in a tmux terminal) against --no-ui, default rules:"; sed 's/^/- /' "$TMP/uicost"; echo; } | tee -a "$RESULTS.tmp"
else
	echo "tmux not installed: no dashboard rows." | tee -a "$RESULTS.tmp"
fi
[ -n "$TSHARK" ] || echo "tshark not installed: no tshark rows." | tee -a "$RESULTS.tmp"
[ -n "$SNGREP" ] || echo "sngrep not installed: no sngrep rows." | tee -a "$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "tables written to $RESULTS"
[ ! -e "$TMP/failed" ] || exit 2
