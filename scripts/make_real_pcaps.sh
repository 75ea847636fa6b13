#!/bin/bash
# make_real_pcaps.sh - captures of real SIP tools on loopback for sipwatch's
# golden tests.
#
# Usage: scripts/make_real_pcaps.sh [OUTDIR] [NAME ...]
#   OUTDIR defaults to pcaps/; NAME is any of
#   sipp-udp sipp-tcp kamailio-tls svwar-kamailio demo (default: all).
# Writes OUTDIR/NAME.pcap and OUTDIR/NAME.msgs (from tshark, via
# tests/fixtures-tools/tshark_msgs.py; check them by hand after a rerun).
#
# Needs root (tcpdump on lo), sipp, sipvicious, sipsak, kamailio (+ tls
# modules), tcpdump, tshark, mergecap, openssl.  Everything stays on
# 127.0.0.0/8; each "host" has its own address:
#   127.0.0.11 sipp UAC (phone)      127.0.0.12 sipp UAS (PBX / trunk)
#   127.0.0.20 kamailio registrar    127.0.0.1  svmap/svwar/svcrack/sipsak
#   127.0.0.31 kamailio TLS proxy A  127.0.0.32 kamailio TLS proxy B
#   127.0.0.33 sipp UAC (TLS test)   127.0.0.34 sipp UAS (TLS test)
#   127.0.0.66 toll-fraud caller
# (svwar and svcrack 0.3.3 ignore -b and always send from 127.0.0.1; never
# use -A with sipvicious: it contacts a host on the Internet.)
#
# KEEP_TMP=1 keeps the temporary directory (logs, partial captures).
# Every process started here runs under timeout and is killed on exit.

set -u

HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$HERE/pcaps}
[ $# -gt 0 ] && shift
WANT=${*:-sipp-udp sipp-tcp kamailio-tls svwar-kamailio demo}
FIX=$HERE/tests/fixtures-tools
TMP=$(mktemp -d /tmp/sipwatch-pcaps.XXXXXX)
PIDS=()
CAP_PID=

log() { printf '%s\n' "$*" >&2; }

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		log "logs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# bg SECONDS NAME CMD...: starts CMD in the background under timeout.
bg() {
	local secs=$1 name=$2
	shift 2
	timeout "$secs" "$@" >"$TMP/$name.log" 2>&1 </dev/null &
	PIDS+=($!)
	LAST_PID=$!
}

# stop PID: ends one process started by bg and reaps it.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

cap_start() { # NAME FILTER
	rm -f "$TMP/$1.pcap"
	bg 600 "tcpdump-$1" tcpdump -i lo -n -U -s 0 -w "$TMP/$1.pcap" "$2"
	CAP_PID=$LAST_PID
	local i
	for i in $(seq 50); do
		grep -q "listening on" "$TMP/tcpdump-$1.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.3
}

cap_stop() { # NAME
	sleep 0.5
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	log "$1: $(grep -h 'packets captured' "$TMP/tcpdump-$1.log")"
}

publish() { # NAME: copies the capture and writes its .msgs
	cp "$TMP/$1.pcap" "$OUT/$1.pcap"
	timeout 300 python3 "$FIX/tshark_msgs.py" "$OUT/$1.pcap" >"$OUT/$1.msgs"
	log "$1: $(wc -l <"$OUT/$1.msgs") SIP messages"
}

wait_port() { # IP PORT PROTO(u|t)
	local i
	for i in $(seq 50); do
		ss -Hln"$3" "src $1:$2" | grep -q . && return 0
		sleep 0.1
	done
	log "nothing listening on $1:$2"
	return 1
}

# sipp_calls NAME TRANSPORT(u1|t1) CALLS [DIALLED-NUMBER]
sipp_calls() {
	local name=$1 tr=$2 n=$3 svc=${4:-service}
	bg 120 "$name-uas" sipp -sn uas -i 127.0.0.12 -bind_local -p 5060 -t "$tr" -m "$n" -nostdin
	local uas=$LAST_PID
	wait_port 127.0.0.12 5060 "$([ "$tr" = t1 ] && echo t || echo u)"
	(cd "$TMP" && timeout 120 sipp -sn uac 127.0.0.12:5060 -i 127.0.0.11 -bind_local -p 5060 \
		-t "$tr" -m "$n" -r 5 -d 300 -s "$svc" -nostdin >"$TMP/$name-uac.log" 2>&1 </dev/null)
	log "$name: uac exit $?"
	wait "$uas" 2>/dev/null
}

do_sipp_udp() {
	cap_start sipp-udp "host 127.0.0.11 or host 127.0.0.12"
	sipp_calls sipp-udp u1 10
	cap_stop sipp-udp
	publish sipp-udp
}

do_sipp_tcp() {
	cap_start sipp-tcp "host 127.0.0.11 or host 127.0.0.12"
	sipp_calls sipp-tcp t1 10
	cap_stop sipp-tcp
	publish sipp-tcp
}

do_kamailio_tls() {
	local d=$TMP/tls
	mkdir -p "$d"
	timeout 60 openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
		-keyout "$d/key.pem" -out "$d/cert.pem" -subj "/CN=sip.example.test" \
		-addext "subjectAltName=DNS:sip.example.test,IP:127.0.0.31,IP:127.0.0.32" 2>"$TMP/openssl.log" || return 1
	cat >"$d/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $d/key.pem
certificate = $d/cert.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
server_name = sip.example.test
EOF
	bg 180 kam-a kamailio -f "$FIX/kamailio-tls.cfg" -DD -E -m 32 -M 8 -Y "$d" \
		-A MY_IP=127.0.0.31 -A 'NEXT_HOP="sip:127.0.0.32:5061;transport=tls"' -A "TLS_CFG=\"$d/tls.cfg\""
	local ka=$LAST_PID
	bg 180 kam-b kamailio -f "$FIX/kamailio-tls.cfg" -DD -E -m 32 -M 8 -Y "$d" \
		-A MY_IP=127.0.0.32 -A 'NEXT_HOP="sip:127.0.0.34:5060"' -A "TLS_CFG=\"$d/tls.cfg\""
	local kb=$LAST_PID
	wait_port 127.0.0.31 5061 t && wait_port 127.0.0.32 5061 t || { stop "$ka"; stop "$kb"; return 1; }
	cap_start kamailio-tls "tcp port 5061 and host 127.0.0.31 and host 127.0.0.32"
	bg 120 tls-uas sipp -sn uas -i 127.0.0.34 -bind_local -p 5060 -m 5 -nostdin
	local uas=$LAST_PID
	wait_port 127.0.0.34 5060 u
	(cd "$TMP" && timeout 120 sipp -sn uac 127.0.0.31:5060 -i 127.0.0.33 -bind_local -p 5060 \
		-m 5 -r 5 -d 300 -nostdin >"$TMP/tls-uac.log" 2>&1 </dev/null)
	log "kamailio-tls: uac exit $?"
	wait "$uas" 2>/dev/null
	cap_stop kamailio-tls
	stop "$ka"
	stop "$kb"
	publish kamailio-tls
}

start_registrar() {
	bg 600 registrar kamailio -f "$FIX/kamailio-registrar.cfg" -DD -E -m 32 -M 8 -Y "$TMP"
	REG_PID=$LAST_PID
	wait_port 127.0.0.20 5060 u
}

scanners() {
	# sipvicious keeps session state under $HOME/.sipvicious
	HOME=$TMP timeout 60 svmap 127.0.0.20 </dev/null >"$TMP/svmap.log" 2>&1
	log "svmap exit $?"
	HOME=$TMP timeout 120 svwar -e100-110 127.0.0.20 </dev/null >"$TMP/svwar.log" 2>&1
	log "svwar exit $?"
	HOME=$TMP timeout 120 svcrack -u 100 -r 1000-1020 127.0.0.20 </dev/null >"$TMP/svcrack.log" 2>&1
	log "svcrack exit $?"
}

sipsak_register() {
	timeout 30 sipsak -U -C sip:101@127.0.0.21:5070 -s sip:101@127.0.0.20 -a secret101 -x 600 -vv \
		</dev/null >"$TMP/sipsak.log" 2>&1
	log "sipsak exit $?"
}

do_svwar_kamailio() {
	start_registrar || return 1
	cap_start svwar-kamailio "host 127.0.0.20"
	scanners
	sipsak_register
	cap_stop svwar-kamailio
	stop "$REG_PID"
	publish svwar-kamailio
}

do_demo() {
	# 1. benign calls, 2. a phone registering (digest), 3. the scanner,
	# 4. toll-fraud calls to international numbers; merged in that order.
	cap_start demo-1 "host 127.0.0.11 or host 127.0.0.12"
	sipp_calls demo-1 u1 4 2001
	cap_stop demo-1

	start_registrar || return 1
	cap_start demo-2 "host 127.0.0.20"
	sipsak_register
	scanners
	cap_stop demo-2
	stop "$REG_PID"

	cap_start demo-3 "host 127.0.0.66 or host 127.0.0.12"
	bg 120 demo-3-uas sipp -sn uas -i 127.0.0.12 -bind_local -p 5060 -nostdin
	local uas=$LAST_PID
	wait_port 127.0.0.12 5060 u
	local num
	for num in 00441632960001 011441632960002 00972599000003; do
		(cd "$TMP" && timeout 60 sipp -sn uac 127.0.0.12:5060 -i 127.0.0.66 -bind_local -p 5070 \
			-s "$num" -m 2 -r 10 -d 200 -nostdin >"$TMP/demo-3-$num.log" 2>&1 </dev/null)
		log "demo toll fraud $num: exit $?"
	done
	stop "$uas"
	cap_stop demo-3

	timeout 60 mergecap -a -F pcap -w "$TMP/demo.pcap" "$TMP/demo-1.pcap" "$TMP/demo-2.pcap" "$TMP/demo-3.pcap"
	publish demo
}

mkdir -p "$OUT"
for n in $WANT; do
	case $n in
	sipp-udp) do_sipp_udp ;;
	sipp-tcp) do_sipp_tcp ;;
	kamailio-tls) do_kamailio_tls || log "kamailio-tls: FAILED (see $TMP logs)" ;;
	svwar-kamailio) do_svwar_kamailio ;;
	demo) do_demo ;;
	*) log "unknown capture $n" ;;
	esac
done
