#!/bin/bash
# make_real_pcaps.sh - captures of real SIP tools on loopback for sipwatch's
# golden tests.
#
# Usage: scripts/make_real_pcaps.sh [OUTDIR] [NAME ...]
#   OUTDIR defaults to pcaps/; NAME is any of
#   sipp-udp sipp-tcp kamailio-tls svwar-kamailio demo sipp-invite-flood
#   sipp-register-flood toll-fraud sdes-tls-mix weak-auth ipv6-scan
#   svmap-sweep (default: all).
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
#   127.0.0.66 toll-fraud caller (demo)
#   127.0.0.41 sipp INVITE flooder   127.0.0.42 sipp UAS (flooded PBX)
#   127.0.0.43 sipp REGISTER flooder (target 127.0.0.42 too)
#   127.0.0.44 sipp phone 1001       127.0.0.45 sipp PBX (toll-fraud)
#   127.0.0.46 sipp phone 1001       127.0.0.47 sipp PBX (sdes-tls-mix)
#   127.0.0.48 sipp phone            127.0.0.49 sipp registrar (weak-auth)
#   ::1        svmap -6 (port 5098) and sipp UAS (port 5060) (ipv6-scan)
#   127.0.0.70 svmap sweeping 127.0.0.128/25, then 127.0.0.96/27 (nothing
#              listens there: every OPTIONS draws ICMP port unreachable)
# The sipp scenarios (sipp-*.xml) are in tests/fixtures-tools/.
# (svwar and svcrack 0.3.3 ignore -b and always send from 127.0.0.1; never
# use -A with sipvicious: it contacts a host on the Internet.)
#
# KEEP_TMP=1 keeps the temporary directory (logs, partial captures).
# Every process started here runs under timeout and is killed on exit.

set -u

HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$HERE/pcaps}
[ $# -gt 0 ] && shift
WANT=${*:-sipp-udp sipp-tcp kamailio-tls svwar-kamailio demo sipp-invite-flood
	sipp-register-flood toll-fraud sdes-tls-mix weak-auth ipv6-scan svmap-sweep}
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
	bg 600 "tcpdump-$1" tcpdump -i lo -n -U --immediate-mode -s 0 -w "$TMP/$1.pcap" "$2"
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

wait_port() { # IP PORT PROTO(u|t); IPv6 addresses in brackets
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

# uas_start NAME IP SIPP-ARGS...: a sipp server on IP:5060/udp in the
# background (UAS_PID), once it listens.  IPv6: IP in brackets.
uas_start() {
	local name=$1 ip=$2
	shift 2
	bg 120 "$name" sipp -i "${ip//[\[\]]/}" -bind_local -p 5060 -nostdin "$@"
	UAS_PID=$LAST_PID
	wait_port "$ip" 5060 u
}

# uac_run NAME SIPP-ARGS...: a sipp client in the foreground (bounded),
# from $TMP so that its files stay there.
uac_run() {
	local name=$1
	shift
	(cd "$TMP" && timeout 120 sipp -nostdin "$@" >"$TMP/$name.log" 2>&1 </dev/null)
	local rc=$?
	log "$name: sipp exit $rc"
	return $rc
}

do_sipp_invite_flood() {
	# sipp's built-in uac at 300 calls/s from one address to one PBX.
	# 100 calls (~0.33 s): 600 at that rate would make a 1.6 MB capture.
	cap_start sipp-invite-flood "host 127.0.0.41 or host 127.0.0.42"
	uas_start flood-uas 127.0.0.42 -sn uas -m 100 || return 1
	uac_run flood-uac -sn uac 127.0.0.42:5060 -i 127.0.0.41 -bind_local -p 5060 \
		-r 300 -m 100 -d 0
	stop "$UAS_PID"
	cap_stop sipp-invite-flood
	publish sipp-invite-flood
}

do_sipp_register_flood() {
	# 300 REGISTERs at 200/s (1.5 s), users 2000..2299, all answered 200
	local csv=$TMP/reg-users.csv
	{ echo SEQUENTIAL; seq 2000 2299; } >"$csv"
	cap_start sipp-register-flood "host 127.0.0.43 or host 127.0.0.42"
	uas_start regflood-uas 127.0.0.42 -sf "$FIX/sipp-uas-register-200.xml" -m 300 || return 1
	uac_run regflood-uac -sf "$FIX/sipp-uac-register-flood.xml" 127.0.0.42:5060 \
		-i 127.0.0.43 -bind_local -p 5060 -inf "$csv" -r 200 -m 300
	stop "$UAS_PID"
	cap_stop sipp-register-flood
	publish sipp-register-flood
}

do_toll_fraud() {
	local uac=(127.0.0.45:5060 -i 127.0.0.44 -bind_local -p 5060 -m 1 -d 200)
	local num
	cap_start toll-fraud "host 127.0.0.44 or host 127.0.0.45"
	# 1. digest-authenticated calls from 1001: international, premium,
	#    internal; then one whose digest username (1006@, as sipsak sends
	#    it) is not the From user 1001.  -auth_uri: the digest uri is the
	#    Request-URI (sipp would put the address it sends to; it adds "sip:")
	uas_start toll-uas-auth 127.0.0.45 -sf "$FIX/sipp-uas-invite-auth.xml" || return 1
	for num in 00441632960001 +441632960002 011441632960003 19005550100 1002; do
		uac_run "toll-$num" -sf "$FIX/sipp-uac-invite-auth.xml" "${uac[@]}" \
			-s "$num" -au 1001 -ap secret1001 -auth_uri "$num@pbx.example.com"
	done
	uac_run toll-mismatch -sf "$FIX/sipp-uac-invite-auth.xml" "${uac[@]}" \
		-s 1002 -au 1006@ -ap secret1006 -auth_uri 1002@pbx.example.com
	stop "$UAS_PID"
	# 2. a call answered 200 with no challenge and no Authorization
	uas_start toll-uas-open 127.0.0.45 -sn uas || return 1
	uac_run toll-noauth -sf "$FIX/sipp-uac-invite.xml" "${uac[@]}" -s 1003
	stop "$UAS_PID"
	cap_stop toll-fraud
	publish toll-fraud
}

do_sdes_tls_mix() {
	local uac=(127.0.0.47:5060 -i 127.0.0.46 -bind_local -p 5060 -m 1 -d 200)
	cap_start sdes-tls-mix "host 127.0.0.46 or host 127.0.0.47"
	# 1. RTP/SAVP offer and answer, each with an a=crypto SDES key
	uas_start sdes-uas 127.0.0.47 -sf "$FIX/sipp-uas-invite-sdes.xml" || return 1
	uac_run sdes-uac -sf "$FIX/sipp-uac-invite-sdes.xml" "${uac[@]}" -s 1002
	stop "$UAS_PID"
	# 2. a plain RTP/AVP call
	uas_start avp-uas 127.0.0.47 -sn uas || return 1
	uac_run avp-uac -sf "$FIX/sipp-uac-invite.xml" "${uac[@]}" -s 1003
	stop "$UAS_PID"
	cap_stop sdes-tls-mix
	publish sdes-tls-mix
}

do_weak_auth() {
	local uac=(127.0.0.49:5060 -i 127.0.0.48 -bind_local -p 5060 -m 1)
	cap_start weak-auth "host 127.0.0.48 or host 127.0.0.49"
	# 1. REGISTER with Authorization: Basic (user:pass), answered 200
	uas_start basic-uas 127.0.0.49 -sf "$FIX/sipp-uas-register-200.xml" || return 1
	uac_run basic-uac -sf "$FIX/sipp-uac-register-basic.xml" "${uac[@]}"
	stop "$UAS_PID"
	# 2. REGISTER, 401 (MD5), REGISTER with digest algorithm=MD5, 200
	uas_start digest-uas 127.0.0.49 -sf "$FIX/sipp-uas-register-digest.xml" || return 1
	uac_run digest-uac -sf "$FIX/sipp-uac-register-digest.xml" "${uac[@]}" \
		-s 1001 -au 1001 -ap secret1001 -auth_uri pbx.example.com
	stop "$UAS_PID"
	cap_stop weak-auth
	publish weak-auth
}

do_ipv6_scan() {
	# svmap over IPv6 from [::1]:5098 to [::1]:5060 (sipp answering
	# OPTIONS) and [::1]:5080 (nothing there: ICMPv6 port unreachable)
	cap_start ipv6-scan "ip6 and host ::1 and (udp port 5060 or udp port 5080 or udp port 5098 or icmp6)"
	uas_start scan6-uas '[::1]' -sf "$FIX/sipp-uas-options.xml" -m 1 || return 1
	HOME=$TMP timeout 60 svmap -6 -b ::1 -P 5098 -p 5060,5080 ::1 </dev/null >"$TMP/svmap6.log" 2>&1
	log "svmap -6 exit $?"
	stop "$UAS_PID"
	cap_stop ipv6-scan
	publish ipv6-scan
}

do_svmap_sweep() {
	# A scanner sweeping address space: one new peer pair, so one
	# cleartext-signalling alert, per target; a second sweep 2 s after the
	# first ends (svmap waits for answers before it exits), so that the
	# alert rate limit's windows show (pcaps/svmap-sweep.yaml).
	cap_start svmap-sweep "host 127.0.0.70"
	HOME=$TMP timeout 60 svmap -b 127.0.0.70 127.0.0.128/25 </dev/null >"$TMP/svmap-a.log" 2>&1
	log "svmap sweep 1 exit $?"
	sleep 2
	HOME=$TMP timeout 60 svmap -b 127.0.0.70 127.0.0.96/27 </dev/null >"$TMP/svmap-b.log" 2>&1
	log "svmap sweep 2 exit $?"
	cap_stop svmap-sweep
	publish svmap-sweep
}

# failed NAME: a capture could not be made; ends its tcpdump
failed() {
	stop "$CAP_PID"
	log "$1: FAILED (KEEP_TMP=1 keeps the logs)"
}

mkdir -p "$OUT"
for n in $WANT; do
	case $n in
	sipp-udp) do_sipp_udp ;;
	sipp-tcp) do_sipp_tcp ;;
	kamailio-tls) do_kamailio_tls || log "kamailio-tls: FAILED (see $TMP logs)" ;;
	svwar-kamailio) do_svwar_kamailio ;;
	demo) do_demo ;;
	sipp-invite-flood) do_sipp_invite_flood || failed "$n" ;;
	sipp-register-flood) do_sipp_register_flood || failed "$n" ;;
	toll-fraud) do_toll_fraud || failed "$n" ;;
	sdes-tls-mix) do_sdes_tls_mix || failed "$n" ;;
	weak-auth) do_weak_auth || failed "$n" ;;
	ipv6-scan) do_ipv6_scan || failed "$n" ;;
	svmap-sweep) do_svmap_sweep || failed "$n" ;;
	*) log "unknown capture $n" ;;
	esac
done
