#!/usr/bin/env bash
# bench.sh - sipwatch throughput against the libpcap and libnids floors and,
# when installed, tshark and sngrep; the live capture rate; the issue's
# targets.  Run by `make bench`; see README.md.
#
#   tests/bench/bench.sh BUILD/sipwatch
#
# Environment:
#   BENCH_N        SIP messages in the mix and attack captures (1000000)
#   BENCH_TRUNK_N  SIP messages in the trunk capture (BENCH_N / 2)
#   BENCH_REPS     runs per row, the least CPU is kept (3)
#   BENCH_SLOW_REPS runs per row for tshark and sngrep (1)
#   BENCH_UI_REPS  runs of sipwatch --no-ui and of the dashboard, alternating,
#                  for the default-rules and dashboard rows (7); the
#                  dashboard's cost is the median of the pairs' ratios
#   BENCH_MIXES    captures to measure ("mix attack trunk")
#   BENCH_DIR      captures, helper programs, results (BUILD/bench)
#   BENCH_LIVE     0 skips the live rate (tests/bench/live_rate.sh, whose
#                  LIVE_* variables pass through)
#   BENCH_NOPGO    a sipwatch built without profile-guided optimisation
#                  (make bench passes build/nopgo/sipwatch when the main
#                  build uses it): measured with the default rules too
#
# Prints one Markdown table per capture, peak memory as the captures grow,
# the live rate and the targets, and
# writes them all to BENCH_DIR/results.md.  Exit status 0 when every row
# ran; 1 on a set-up error; 2 when some measured command failed (its row
# says so).
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
UI_REPS=${BENCH_UI_REPS:-7}
MIXES=${BENCH_MIXES:-mix attack trunk}
LIVE=${BENCH_LIVE:-1}
NOPGO=${BENCH_NOPGO:-}

for p in gen_bench pcap_floor nids_floor runstat; do
	if [ ! -x "$DIR/$p" ]; then
		echo "bench.sh: $DIR/$p missing (run make bench)" >&2
		exit 1
	fi
done
[ -x "$SW" ] || { echo "bench.sh: $SW not executable" >&2; exit 1; }
[ -z "$NOPGO" ] || [ -x "$NOPGO" ] || { echo "bench.sh: $NOPGO not executable" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=$DIR/results.md
: >"$RESULTS.tmp"
# The tables are written in subshells (piped to tee); the numbers the
# targets need come back through this file as KEY=VALUE lines.
: >"$TMP/vals"

log() { echo "bench: $*" >&2; }
keep() { echo "$1=$2" >>"$TMP/vals"; }
failed() { : >"$TMP/failed"; }

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

# take U S M ST: folds one run into CPU (least user+sys seconds), RSS
# (largest peak RSS, KiB) and FAIL (why the first failed run failed, else
# empty); LAST is this run's user+sys, empty when it failed.  A run that
# failed gives no numbers: they would flatter the row.
take() {
	LAST=''
	if [ "$4" != 0 ]; then
		[ -n "$FAIL" ] || FAIL="exit status $4"
		return
	fi
	LAST=$(awk -v u="$1" -v s="$2" 'BEGIN { printf "%.3f", u + s }')
	CPU=$(awk -v a="$CPU" -v u="$1" -v s="$2" \
		'BEGIN { t = u + s; if (a == "" || t < a) a = t; printf "%.3f", a }')
	[ "$3" -le "$RSS" ] || RSS=$3
}

# run_once CMD... : one run of CMD, standard output to MEASURE_OUT
# (/dev/null), folded into CPU, RSS, FAIL (see take).
run_once() {
	local u s m st
	rm -f "$TMP/rs"
	"$DIR/runstat" "$TMP/rs" "$@" >"${MEASURE_OUT:-/dev/null}" 2>"$TMP/err" || true
	if ! read -r u s m st <"$TMP/rs" 2>/dev/null; then
		u=0 s=0 m=0 st=127
	fi
	[ "$st" = 0 ] || log "$* exited with status $st: $(tail -n 3 "$TMP/err" | tr '\n' ' ')"
	take "$u" "$s" "$m" "$st"
}

# measure REPS CMD... : runs CMD REPS times; sets CPU, RSS, FAIL.
measure() {
	local reps=$1 i
	shift
	CPU='' RSS=0 FAIL=''
	for ((i = 0; i < reps; i++)); do
		run_once "$@"
	done
}

# ui_once FILE: one dashboard run (tests/bench/ui_run.sh runs it in a tmux
# terminal), folded into CPU, RSS, FAIL.
ui_once() {
	local f=$1 u s m st
	rm -f "$TMP/rs"
	if "$HERE/ui_run.sh" "$DIR/runstat" "$TMP/rs" "$SW" "$f" &&
		read -r u s m st <"$TMP/rs" 2>/dev/null; then
		[ "$st" = 0 ] || log "$SW -r $f --ui exited with status $st"
		take "$u" "$s" "$m" "$st"
	else
		log "$SW -r $f --ui did not reach its finished view or did not quit"
		[ -n "$FAIL" ] || FAIL="did not finish"
	fi
}

# measure_pair REPS FILE: REPS runs of sipwatch --no-ui and REPS of the
# dashboard, alternating, so that both see the same machine (a busy
# neighbour would otherwise land on one of them).  Sets CPU, RSS, FAIL for
# --no-ui and UCPU, URSS, UFAIL for the dashboard, and UPAIRS: the median
# of the pairs' ratios (dashboard CPU / --no-ui CPU, each pair run back
# to back) as a percentage, with the least and the largest.  The least of
# each row alone swings by more than the dashboard's cost on a busy
# machine: a neighbour's burst lands on one run, not on a pair.
measure_pair() {
	local reps=$1 f=$2 i c1='' r1=0 f1='' c2='' r2=0 f2='' l1
	: >"$TMP/pairs"
	for ((i = 0; i < reps; i++)); do
		CPU=$c1 RSS=$r1 FAIL=$f1
		run_once "$SW" -r "$f" --no-ui --stats=/dev/null
		c1=$CPU r1=$RSS f1=$FAIL l1=$LAST
		CPU=$c2 RSS=$r2 FAIL=$f2 LAST=''
		ui_once "$f"
		c2=$CPU r2=$RSS f2=$FAIL
		[ -z "$l1" ] || [ -z "$LAST" ] || echo "$l1 $LAST" >>"$TMP/pairs"
	done
	CPU=$c1 RSS=$r1 FAIL=$f1 UCPU=$c2 URSS=$r2 UFAIL=$f2
	UPAIRS=$(awk '$1 > 0 { r[n++] = ($2 / $1 - 1) * 100 }
	END {
		if (n == 0) exit
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && r[j - 1] > r[j]; j--) {
				t = r[j]; r[j] = r[j - 1]; r[j - 1] = t
			}
		m = n % 2 ? r[(n - 1) / 2] : (r[n / 2 - 1] + r[n / 2]) / 2
		printf "%+.1f %+.1f %+.1f %d", m, r[0], r[n - 1], n
	}' "$TMP/pairs")
}

# row NAME : one table line from CPU/RSS/FAIL against MSGS and the floors;
# a row with a failed run says so and exit status 2 follows.
row() {
	local name=$1
	if [ -n "$FAIL" ]; then
		name="$name **FAILED: $FAIL**"
		failed
	fi
	awk -v n="$name" -v m="$MSGS" -v c="$CPU" -v r="$RSS" \
		-v fn="${NIDS_CPU:-}" -v fp="${PCAP_CPU:-}" '
	function commas(x,   s) {
		s = sprintf("%d", x)
		while (s ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		return s
	}
	function rate(x) { return x > 0 ? commas(m / x) : "n/a" }
	function ratio(x, f) { return (x != "" && f != "" && f > 0) ? sprintf("%.2f", x / f) : "n/a" }
	BEGIN {
		if (c == "")
			printf "| %s | n/a | n/a | n/a | n/a | n/a |\n", n
		else
			printf "| %s | %s | %.3f | %.1f | %s | %s |\n", n, rate(c), c,
			    r / 1024, ratio(c, fn), ratio(c, fp)
	}'
}

gen() { # gen MIX COUNT FILE: (re)made when missing or older than the generator
	if [ ! -s "$3" ] || [ "$DIR/gen_bench" -nt "$3" ]; then
		log "generating $3"
		"$DIR/gen_bench" "$1" "$2" "$3.tmp"
		mv "$3.tmp" "$3"
	fi
}

# sngrep -N prints "Dialog count: N" every half second and once at the end
# (with -R, N counts every dialog seen, not only those kept).
dialogs() {
	tr '\r' '\n' <"$1" | sed -n 's/^Dialog count: \([0-9]*\).*/\1/p' | tail -n 1
}

# sngrep 1.6 reads a file to its end and exits with -N (no interface).
# Without -R it skips every packet once it holds capture.limit dialogs
# (20,000 by default), so its plain row may cover only the start of the
# capture; with -R it drops its oldest dialog instead, and with a larger -l
# it keeps them all: both read everything.  -F: no ~/.sngreprc, so the
# defaults are the same everywhere.
SNGREP=
if command -v sngrep >/dev/null 2>&1 &&
	sngrep --help 2>&1 | grep -q -- '--no-interface' &&
	sngrep --help 2>&1 | grep -q -- '--rotate'; then
	SNGREP=sngrep
	SNG_LIMIT=$(sngrep -F -D 2>/dev/null | sed -n 's/.*capture\.limit[[:space:]]*Value:[[:space:]]*\([0-9]*\).*/\1/p')
	SNG_LIMIT=${SNG_LIMIT:-20000}
fi
TSHARK=
if command -v tshark >/dev/null 2>&1; then
	TSHARK=tshark
fi
UI=
if command -v tmux >/dev/null 2>&1; then
	UI=tmux
fi

{
	echo "## sipwatch benchmark"
	echo
	echo "$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1);" \
		"$(uname -sr); CPU = user + sys seconds, least of $REPS runs" \
		"(default rules and dashboard: $UI_REPS each, alternating; tshark, sngrep: $SLOW_REPS); RSS = peak resident set."
	echo
} | tee -a "$RESULTS.tmp"

for mix in $MIXES; do
	case $mix in
	trunk) count=$NT ;;
	*) count=$N ;;
	esac
	F=$DIR/$mix-$count.pcap
	gen "$mix" "$count" "$F"

	"$SW" -r "$F" --no-ui --stats="$TMP/stats.json" >/dev/null 2>"$TMP/err" || {
		log "$SW -r $F exited with status $?: $(tail -n 3 "$TMP/err" | tr '\n' ' ')"
		failed
	}
	MSGS=$(messages_of "$TMP/stats.json" 2>/dev/null || true)
	if [ -z "$MSGS" ]; then
		log "no sip.messages in sipwatch's --stats for $F; rates are per generated message"
		MSGS=$count
	fi
	PKTS=$("$DIR/pcap_floor" "$F" | awk '{ print $2 }')
	MB=$(($(stat -L -c %s "$F") / 1000000))

	log "$mix: libpcap floor"
	measure "$REPS" "$DIR/pcap_floor" "$F"
	PCAP_CPU=$CPU PCAP_RSS=$RSS PCAP_FAIL=$FAIL
	log "$mix: libnids floor"
	measure "$REPS" "$DIR/nids_floor" "$F"
	NIDS_CPU=$CPU NIDS_RSS=$RSS NIDS_FAIL=$FAIL
	keep "${mix}_nids_cpu" "$NIDS_CPU"
	keep "${mix}_nids_rss" "$RSS"

	{
		echo "### $mix: $(commas "$MSGS") SIP messages, $(commas "$PKTS") packets, $MB MB"
		echo
		echo "| | messages / CPU s | CPU s | peak RSS MiB | x libnids floor | x libpcap floor |"
		echo "|---|---:|---:|---:|---:|---:|"
		if [ -n "$UI" ]; then
			log "$mix: sipwatch, --no-ui and --ui alternating"
			measure_pair "$UI_REPS" "$F"
		else
			log "$mix: sipwatch"
			measure "$REPS" "$SW" -r "$F" --no-ui --stats=/dev/null
		fi
		row "sipwatch (default rules)"
		keep "${mix}_sw_cpu" "$CPU"
		keep "${mix}_sw_rss" "$([ -z "$CPU" ] || echo "$RSS")"
		if [ -n "$UI" ]; then
			CPU=$UCPU RSS=$URSS FAIL=$UFAIL
			row "sipwatch (default rules, --ui --replay=fast)"
			keep "${mix}_ui_cpu" "$CPU"
			keep "${mix}_ui_pairs" "$UPAIRS"
		fi
		# What a deployment runs: the alerts written somewhere.
		log "$mix: sipwatch -o json:/dev/null"
		measure "$REPS" "$SW" -r "$F" --no-ui --stats=/dev/null -o json:/dev/null
		row "sipwatch (default rules, alerts as JSON to /dev/null)"
		if [ -n "$NOPGO" ]; then
			log "$mix: sipwatch built without PGO"
			measure "$REPS" "$NOPGO" -r "$F" --no-ui --stats=/dev/null
			row "sipwatch (default rules, built with PGO=0)"
		fi
		log "$mix: sipwatch --no-rules"
		measure "$REPS" "$SW" -r "$F" --no-ui --no-rules --stats=/dev/null
		row "sipwatch (parse only, --no-rules)"
		measure "$REPS" "$SW" -r "$F" --no-ui --no-rules --dump=/dev/null
		row "sipwatch (--no-rules --dump to /dev/null)"
		CPU=$NIDS_CPU RSS=$NIDS_RSS FAIL=$NIDS_FAIL
		row "libnids floor"
		CPU=$PCAP_CPU RSS=$PCAP_RSS FAIL=$PCAP_FAIL
		row "libpcap floor"
		if [ -n "$TSHARK" ]; then
			log "$mix: tshark"
			measure "$SLOW_REPS" "$TSHARK" -r "$F" -Y sip -T fields -e sip.Call-ID
			row "tshark -Y sip -T fields -e sip.Call-ID"
		fi
		if [ -n "$SNGREP" ]; then
			# Every dialog has a message: this limit is never reached.
			lim=$((2 * MSGS + 1000))
			log "$mix: sngrep -l $lim"
			MEASURE_OUT=$TMP/sngrep.out measure "$SLOW_REPS" "$SNGREP" -F -N -l "$lim" -I "$F"
			d=$(dialogs "$TMP/sngrep.out")
			row "sngrep -N -l $(commas "$lim") -I (whole capture, keeps all${d:+ $(commas "$d")} dialogs) ¹"
			keep "${mix}_sngrep_cpu" "$CPU"
			log "$mix: sngrep -R"
			MEASURE_OUT=$TMP/sngrep.out measure "$SLOW_REPS" "$SNGREP" -F -N -R -I "$F"
			d=$(dialogs "$TMP/sngrep.out")
			if [ "${d:-0}" -gt "$SNG_LIMIT" ]; then
				row "sngrep -N -R -I (whole capture, $(commas "$d") dialogs, keeps the newest $(commas "$SNG_LIMIT")) ¹"
			else
				row "sngrep -N -R -I (whole capture, keeps all${d:+ $(commas "$d")} dialogs) ¹"
			fi
			keep "${mix}_sngrep_r_cpu" "$CPU"
			log "$mix: sngrep"
			MEASURE_OUT=$TMP/sngrep.out measure "$SLOW_REPS" "$SNGREP" -F -N -I "$F"
			d=$(dialogs "$TMP/sngrep.out")
			if [ "${d:-0}" -ge "$SNG_LIMIT" ]; then
				row "sngrep -N -I (stopped at $(commas "$d") dialogs, skipped the rest) ¹"
			else
				row "sngrep -N -I (${d:+$(commas "$d") dialogs, }whole capture) ¹"
			fi
		fi
		echo
	} | tee -a "$RESULTS.tmp"
done

{
	if [ -n "$SNGREP" ]; then
		echo "¹ sngrep $(sngrep -V 2>/dev/null | sed -n 's/^sngrep - //p' | head -n 1)" \
			"keeps at most $(commas "$SNG_LIMIT") dialogs (capture.limit, -l). By default it" \
			"then skips every further packet, so its plain row may have read only the" \
			"start of the capture. With -R it drops its oldest dialog instead, and with" \
			"a limit above the dialog count it keeps them all; both read everything," \
			"and the faster of the two is compared with sipwatch in the targets."
		echo
	fi
	[ -n "$UI" ] || echo "tmux not installed: no dashboard rows."
	[ -n "$TSHARK" ] || echo "tshark not installed: no tshark rows."
	[ -n "$SNGREP" ] || echo "sngrep (1.6 or later, with -N and -R) not installed: no sngrep rows."
	[ -n "$UI" ] && [ -n "$TSHARK" ] && [ -n "$SNGREP" ] || echo
} | tee -a "$RESULTS.tmp"

# ------------------------------------------------------------ growth
# Peak RSS of sipwatch (default rules) on each capture at a quarter, half,
# once and twice its size: a streaming monitor's memory stays flat once
# its tables and buffers are warm.  The other sizes are made in TMP and go
# with it; one run each (peak RSS varies little from run to run).
growth_section() {
	local mix count f sz m rss cells first last g worst=''
	echo "### Peak memory as the captures grow"
	echo
	echo "| capture | 1/4 | 1/2 | 1 | 2 | 2 against 1/4 |"
	echo "|---|---:|---:|---:|---:|---:|"
	for mix in $MIXES; do
		case $mix in
		trunk) count=$NT ;;
		*) count=$N ;;
		esac
		cells='' first='' last=''
		for sz in $((count / 4)) $((count / 2)) "$count" $((count * 2)); do
			if [ "$sz" = "$count" ]; then
				f=$DIR/$mix-$count.pcap
			else
				f=$TMP/$mix-$sz.pcap
				log "growth: generating $mix $sz"
				"$DIR/gen_bench" "$mix" "$sz" "$f" >/dev/null
			fi
			log "growth: $mix $sz"
			measure 1 "$SW" -r "$f" --no-ui --stats=/dev/null
			[ "$sz" = "$count" ] || rm -f "$f"
			if [ -n "$FAIL" ] || [ -z "$CPU" ]; then
				failed
				rss='n/a'
			else
				rss=$(awk -v r="$RSS" 'BEGIN { printf "%.1f", r / 1024 }')
				[ -n "$first" ] || first=$RSS
				last=$RSS
			fi
			cells="$cells | $rss"
		done
		g=$(awk -v a="$first" -v b="$last" \
			'BEGIN { if (a != "" && b != "" && a > 0) printf "%+.1f", (b / a - 1) * 100 }')
		echo "| $mix ($(commas $((count / 4))) to $(commas $((count * 2))) SIP messages generated)$cells | ${g:-n/a}% |"
		if [ -n "$g" ]; then
			worst=$(awk -v w="$worst" -v g="$g" 'BEGIN { if (w == "" || g + 0 > w + 0) w = g; print w }')
		fi
	done
	echo
	echo "Peak RSS in MiB of sipwatch with the default rules (one run each; the" \
		"full-size column is the capture of the tables above, measured again)."
	echo
	[ -z "$worst" ] || keep growth_worst "$worst"
}
growth_section | tee -a "$RESULTS.tmp"

# ------------------------------------------------------------ live rate
# lv KEY: a value from live_rate.sh's result.
lv() { sed -n "s/^$1=//p" "$TMP/live" 2>/dev/null | head -n 1; }
live_section() {
	local f=$DIR/mix-$N.pcap st status reason pps lost
	echo "### Live capture rate"
	echo
	if [ "$LIVE" = 0 ]; then
		echo "Skipped (BENCH_LIVE=0)."
		echo
		return
	fi
	gen mix "$N" "$f"
	log "live rate (tests/bench/live_rate.sh, about a minute)"
	"$HERE/live_rate.sh" "$SW" "$f" "$TMP/live" || true
	status=$(lv status) reason=$(lv reason) pps=$(lv pps) lost=$(lv lost_pps)
	[ -n "$status" ] || status=failed reason="live_rate.sh wrote no result"
	case $status in
	skipped)
		echo "Skipped: $reason."
		;;
	failed)
		echo "**FAILED**: $reason."
		failed
		;;
	ok)
		if [ "$pps" = 0 ]; then
			echo "sipwatch lost packets at every rate tried (lowest: $(commas "$lost")" \
				"packets/s: $(lv lost_why))."
		else
			st="$(commas "$pps") packets/s, $(commas "$(lv mps)") SIP messages/s"
			[ "$(lv ceiling)" = 0 ] ||
				st="at least $st (tcpreplay's ceiling: it could not send faster)"
			echo "Highest rate without loss: **$st**."
			[ "$lost" = 0 ] ||
				echo "At $(commas "$lost") packets/s asked: $(lv lost_why)."
		fi
		if [ -n "$(lv cpu)" ]; then
			# "PPS:SECONDS ..." -> one clause per clean rate
			echo "sipwatch's CPU (user + system) per clean run of $(commas "$(lv packets)")" \
				"packets: $(lv cpu | awk -v n="$(lv packets)" '{
				for (i = 1; i <= NF; i++) {
					split($i, a, ":")
					r = sprintf("%d", a[1]); s = r
					while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
					printf "%s%s packets/s %.2f s (%.1f us a packet, %.0f%% of a core)",
					    (i > 1 ? "; " : ""), s, a[2], a[2] * 1e6 / n, a[2] * a[1] * 100 / n
				} }')."
		fi
		if [ "$lost" != 0 ] && [ -n "$(lv control)" ]; then
			echo "Control, the same replay captured by" \
				"\`tcpdump --immediate-mode -w /dev/null\`: $(lv control)."
		fi
		echo
		echo "tcpreplay -K --pps=RATE sends the first $(commas "$(lv packets)") packets" \
			"($(commas "$(lv messages)") SIP messages) of $(basename "$f") into a veth pair;" \
			"sipwatch -i captures the other end with the default rules. A rate counts" \
			"when, in one of up to ${LIVE_TRIES:-2} runs, sipwatch saw every packet and" \
			"message with no kernel, interface, output queue or buffer-budget drop; the" \
			"rate doubles from $(commas "${LIVE_START:-20000}") packets/s to the first loss," \
			"then bisects. Rates are tcpreplay's measured ones. Load average before" \
			"the first run: $(lv load) on $(nproc) CPUs; other processes' load and" \
			"the kernel buffer size make this figure noisy (sipwatch ran with" \
			"${LIVE_ARGS:+\`$LIVE_ARGS\`, not }its default kernel buffer of 32 MiB)."
		keep live_pps "$pps"
		;;
	esac
	echo
}
live_section | tee -a "$RESULTS.tmp"

# ------------------------------------------------------------ targets
# target NAME VALUE LIMIT OP UNIT : one line of the targets table; VALUE
# empty means not measured (NOTE says why).
target() {
	awk -v n="$1" -v v="$2" -v l="$3" -v op="$4" -v u="$5" -v note="$6" 'BEGIN {
		if (v == "") { printf "| %s | %s | n/a |\n", n, note; exit }
		met = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0)
		printf "| %s | %s%s | %s |\n", n, v, u, met ? "met" : "**NOT met**"
	}'
}
# val KEY: a kept value, empty when absent.
val() { sed -n "s/^$1=//p" "$TMP/vals" | tail -n 1; }
# div A B [FMT]: A / B, empty when either is empty or B is 0.
div() {
	awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" \
		'BEGIN { if (a != "" && b != "" && b > 0) printf f, a / b }'
}
# why MIX KEY...: the note for a target that has no value.
why() {
	local mix=$1 k
	shift
	case " $MIXES " in *" $mix "*) ;; *) echo "not measured ($mix not in BENCH_MIXES)"; return ;; esac
	for k in "$@"; do
		[ -n "$(val "$k")" ] || { echo "not measured (its row failed)"; return; }
	done
}
{
	echo "### Targets"
	echo
	if [ "$N" != 1000000 ]; then
		echo "The targets are set for BENCH_N=1000000; these are at BENCH_N=$N."
		echo
	fi
	echo "| target | measured | |"
	echo "|---|---:|---|"
	target "default rules CPU <= 2x the libnids floor (mix)" \
		"$(div "$(val mix_sw_cpu)" "$(val mix_nids_cpu)")" 2 "<=" "x" \
		"$(why mix mix_sw_cpu mix_nids_cpu)"
	for mix in mix attack; do
		target "peak RSS <= 64 MiB ($mix)" \
			"$(div "$(val "${mix}_sw_rss")" 1024 %.1f)" 64 "<=" " MiB" \
			"$(why "$mix" "${mix}_sw_rss")"
	done
	target "peak RSS flat as captures grow (twice the size against a quarter, worst capture)" \
		"$(val growth_worst)" 10 "<=" "%" "not measured (a growth run failed)"
	target "peak RSS <= 1.5x the libnids floor's (trunk)" \
		"$(div "$(val trunk_sw_rss)" "$(val trunk_nids_rss)")" 1.5 "<=" "x" \
		"$(why trunk trunk_sw_rss trunk_nids_rss)"
	if [ -n "$UI" ]; then
		# The median of the pairs' ratios; the least of each row
		# against the other's, for comparison with earlier runs.
		uicost=$(awk -v a="$(val mix_ui_cpu)" -v b="$(val mix_sw_cpu)" \
			'BEGIN { if (a != "" && b != "" && b > 0) printf "%+.1f", (a / b - 1) * 100 }')
		read -r pmed plo phi pn <<<"$(val mix_ui_pairs)" || true
		if [ -n "${pmed:-}" ]; then
			target "dashboard CPU <= +10% over --no-ui (mix)" "$pmed" 10 "<=" \
				"% (median of $pn pairs' ratios, $plo% to $phi%; least against least $uicost%)" ""
		else
			target "dashboard CPU <= +10% over --no-ui (mix)" "" 10 "<=" "%" \
				"$(why mix mix_ui_cpu mix_sw_cpu)"
		fi
	else
		target "dashboard CPU <= +10% over --no-ui (mix)" "" 10 "<=" "%" "not measured (no tmux)"
	fi
	if [ -n "$SNGREP" ]; then
		sng=$(awk -v a="$(val mix_sngrep_cpu)" -v b="$(val mix_sngrep_r_cpu)" \
			'BEGIN { if (a == "" || (b != "" && b < a)) a = b; print a }')
		target "sipwatch >= 20x faster than sngrep (mix)" \
			"$(div "$sng" "$(val mix_sw_cpu)" %.1f)" 20 ">=" "x" \
			"$(why mix mix_sngrep_cpu mix_sw_cpu)"
	else
		target "sipwatch >= 20x faster than sngrep (mix)" "" 20 ">=" "x" "not measured (no sngrep)"
	fi
	echo
	echo "CPU and RSS from the sipwatch (default rules) rows; the trunk ratio is" \
		"against the libnids floor's peak RSS, the dashboard's the median of" \
		"its alternating runs' ratios to the --no-ui runs paired with them; the sngrep speed-up is the CPU of the faster of sngrep's" \
		"whole-capture rows (-l, -R) over sipwatch's."
} | tee -a "$RESULTS.tmp"

mv "$RESULTS.tmp" "$RESULTS"
log "tables written to $RESULTS"
[ ! -e "$TMP/failed" ] || exit 2
