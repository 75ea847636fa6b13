#!/bin/sh
# Command-line behaviour: inputs, errors and exit codes, BPF and fragments,
# stdin, several files, batch silence.  Usage: tests/cli.sh SIPWATCH
set -u
bin=${1:?usage: cli.sh SIPWATCH}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
nmsgs() { python3 tests/msgs.py <"$1" | wc -l; }

# expect_exit CODE STDERR-REGEX -- ARGS...
expect_exit() {
	want=$1 re=$2
	shift 3
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "sipwatch $*: exit $got, want $want ($(head -c 300 "$tmp/err"))"
	elif [ -n "$re" ] && ! grep -Eq "$re" "$tmp/err"; then
		bad "sipwatch $*: stderr does not match /$re/: $(head -c 300 "$tmp/err")"
	else
		ok
	fi
}

# Set-up errors: exit 1 with a message naming the problem.
expect_exit 1 'no-such\.pcap' -- -r "$tmp/no-such.pcap"
expect_exit 1 'bad filter expression' -- -r pcaps/udp-basic.pcap 'udp port'
expect_exit 1 'nosuchif0' -- -i nosuchif0
expect_exit 1 'no input' --
expect_exit 1 'unknown limit' -- -r pcaps/udp-basic.pcap --limit nosuch=1
expect_exit 1 'B wants 1\.\.2047' -- -i lo -B 2048

# An unsupported link type is named (147 = USER0).
python3 - "$tmp/user0.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147))
    f.write(struct.pack("<IIII", 0, 0, 4, 4) + b"abcd")
PY
expect_exit 1 'unsupported link type 147' -- -r "$tmp/user0.pcap"

# A truncated capture: the packets before the damage are processed and
# reported, the error names the file and the packet, exit 2.
full=$(wc -c <pcaps/sipp-udp.pcap)
head -c $((full - 100)) pcaps/sipp-udp.pcap >"$tmp/trunc.pcap"
"$bin" -r "$tmp/trunc.pcap" --dump="$tmp/trunc.json" 2>"$tmp/err"
rc=$?
want=$(($(wc -l <pcaps/sipp-udp.msgs) - 1))
if [ $rc -ne 2 ]; then bad "truncated file: exit $rc, want 2"
elif ! grep -q "trunc.pcap: damaged after packet [0-9]" "$tmp/err"; then bad "truncated file: message: $(cat "$tmp/err")"
elif [ "$(nmsgs "$tmp/trunc.json")" -ne "$want" ]; then bad "truncated file: $(nmsgs "$tmp/trunc.json") messages, want $want"
else ok; fi

# A corrupt record header (caplen far beyond the snaplen) is an error too.
python3 - pcaps/udp-basic.pcap "$tmp/corrupt.pcap" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
off = 24
for _ in range(3):      # skip three records
    caplen = int.from_bytes(b[off + 8:off + 12], "little")
    off += 16 + caplen
b[off + 8:off + 12] = (0x7fffffff).to_bytes(4, "little")
open(sys.argv[2], "wb").write(b)
PY
"$bin" -r "$tmp/corrupt.pcap" --dump="$tmp/c.json" 2>"$tmp/err"
rc=$?
if [ $rc -ne 2 ] || ! grep -q "damaged after packet 3" "$tmp/err" || [ "$(nmsgs "$tmp/c.json")" -ne 3 ]; then
	bad "corrupt record: exit $rc, $(nmsgs "$tmp/c.json") messages: $(cat "$tmp/err")"
else ok; fi

# Batch mode prints nothing but the output asked for ...
"$bin" -r pcaps/udp-basic.pcap --stats="$tmp/st" >"$tmp/out" 2>"$tmp/err"
if [ $? -ne 0 ] || [ -s "$tmp/out" ] || [ -s "$tmp/err" ]; then bad "batch run is not silent"; else ok; fi
# ... and with no output option at all, the alerts as text on stdout.
"$bin" -r pcaps/toll-fraud.pcap >"$tmp/out" 2>"$tmp/err"
if [ $? -ne 0 ] || ! grep -q ' high .*disallowed-uri .*127.0.0.44:5060 -> 127.0.0.45:5060 ' "$tmp/out" || [ -s "$tmp/err" ]; then
	bad "default text alerts: $(head -3 "$tmp/out")"
else ok; fi

# Configuration: --check-config, errors with file:line:column, -c missing.
expect_exit 0 '' -- --check-config -c sipwatch.example.yaml
if ! grep -q 'sipwatch.example.yaml: OK' "$tmp/out"; then bad "--check-config did not say OK"; else ok; fi
printf 'rules:\n  from_flood: {threshold: 20, window: ten}\n' >"$tmp/bad.yaml"
expect_exit 1 'bad.yaml:2:[0-9]+: rules.from_flood.window: expected a duration' -- --check-config -c "$tmp/bad.yaml"
printf 'rules:\n  disallowed_uri:\n    deny: ["^(sip"]\n' >"$tmp/bad2.yaml"
expect_exit 1 'bad2.yaml:3:[0-9]+: .*missing closing parenthesis at offset 5' -- --check-config -c "$tmp/bad2.yaml"
expect_exit 1 'nope.yaml' -- -r pcaps/udp-basic.pcap -c "$tmp/nope.yaml"
expect_exit 1 'unknown severity' -- -r pcaps/udp-basic.pcap --fail-on bogus
expect_exit 1 'unknown output' -- -r pcaps/udp-basic.pcap -o syslg

# --fail-on: exit 3 when an alert at or above the severity occurred.
"$bin" -r pcaps/toll-fraud.pcap -o json:"$tmp/a.json" --fail-on high
if [ $? -ne 3 ]; then bad "--fail-on high on toll-fraud did not exit 3"; else ok; fi
"$bin" -r pcaps/toll-fraud.pcap -o json:"$tmp/a.json" --fail-on critical
if [ $? -ne 0 ]; then bad "--fail-on critical on toll-fraud did not exit 0"; else ok; fi
# -o json lines carry the documented fields.
if python3 - "$tmp/a.json" <<'PY'
import json, sys
need = ["ts", "rule", "severity", "message", "count"]
pkt = ["src", "sport", "dst", "dport", "transport", "frame"]
n = 0
for line in open(sys.argv[1]):
    a = json.loads(line)
    for k in need:
        assert k in a, k
    if "frame" not in a:   # closing alert for suppressed events
        assert "key" in a and a["count"] >= 1 and "src" not in a, a
        continue
    for k in pkt:
        assert k in a, k
    assert ("method" in a) != ("status" in a)
    assert "call_id" in a and "from" in a and "to" in a
    n += 1
assert n > 0
PY
then ok; else bad "-o json fields"; fi

# stdin, and several files in one run (in order).
"$bin" -r - --dump="$tmp/stdin.json" <pcaps/udp-basic.pcap
if python3 tests/msgs.py <"$tmp/stdin.json" | diff -q pcaps/udp-basic.msgs - >/dev/null; then ok; else bad "-r - differs"; fi
"$bin" -r pcaps/udp-basic.pcap -r pcaps/tcp-split.pcap --dump="$tmp/two.json"
cat pcaps/udp-basic.msgs pcaps/tcp-split.msgs >"$tmp/two.want"
if python3 tests/msgs.py <"$tmp/two.json" | diff -q "$tmp/two.want" - >/dev/null; then ok; else bad "two -r files differ"; fi

# A port filter keeps the later fragments of a fragmented datagram (the
# expression is widened), and --no-frag-filter shows why that matters.
"$bin" -r pcaps/ipv4-frag.pcap --dump="$tmp/f.json" udp port 5060
if python3 tests/msgs.py <"$tmp/f.json" | diff -q pcaps/ipv4-frag.msgs - >/dev/null; then ok; else bad "port filter lost fragments"; fi
"$bin" -r pcaps/ipv4-frag.pcap --dump="$tmp/nf.json" --no-frag-filter udp port 5060
if [ "$(nmsgs "$tmp/nf.json")" -lt "$(wc -l <pcaps/ipv4-frag.msgs)" ]; then ok; else bad "--no-frag-filter kept every fragment: the widening test proves nothing"; fi
"$bin" -r pcaps/ipv6-frag.pcap --dump="$tmp/f6.json" udp port 5060
if python3 tests/msgs.py <"$tmp/f6.json" | diff -q pcaps/ipv6-frag.msgs - >/dev/null; then ok; else bad "port filter lost IPv6 fragments"; fi
# ... and the user's filter still applies to the reassembled datagrams.
"$bin" -r pcaps/ipv4-frag.pcap --dump="$tmp/h.json" udp port 9
if [ "$(nmsgs "$tmp/h.json")" -eq 0 ]; then ok; else bad "reassembled datagrams escaped the user's filter"; fi

# Every --dump line is JSON with the documented fields.
"$bin" -r pcaps/sdes-udp.pcap --dump="$tmp/s.json" --stats="$tmp/st.json"
if python3 - "$tmp/s.json" "$tmp/st.json" <<'PY'
import json, sys
need = ["ts", "frame", "src", "sport", "dst", "dport", "ip", "transport",
        "call_id", "cseq", "from", "to", "body_len", "anomalies"]
n = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    for k in need:
        assert k in m, k
    assert ("method" in m) != ("status" in m)
    if "method" in m:
        assert "ruri" in m
    n += 1
assert n > 0
crypto = [json.loads(l) for l in open(sys.argv[1])]
assert any(m.get("sdp", {}).get("crypto", 0) > 0 for m in crypto), "no a=crypto seen"
st = json.load(open(sys.argv[2]))
assert st["sip"]["messages"] == n, (st["sip"]["messages"], n)
PY
then ok; else bad "dump/stats fields"; fi

# Live capture on loopback (needs root or CAP_NET_RAW; skipped otherwise):
# SIP sent to 127.0.0.77 is seen, the BPF expression applies, SIGINT ends
# the run cleanly with the outputs flushed and live counters in --stats.
if [ "$(id -u)" -eq 0 ]; then
	"$bin" -i lo --dump="$tmp/live.json" --stats="$tmp/live.stats" -o json:"$tmp/live.alerts" \
	    udp port 5099 2>"$tmp/live.err" &
	pid=$!
	sleep 1
	python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3):
    msg = ("OPTIONS sip:probe@127.0.0.77 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.76:5099;branch=z9hG4bK-live%d\r\n"
           "From: <sip:probe@127.0.0.76>;tag=%d\r\nTo: <sip:probe@127.0.0.77>\r\n"
           "Call-ID: live-%d@127.0.0.76\r\nCSeq: 1 OPTIONS\r\n"
           "User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n" % (i, i, i))
    s.sendto(msg.encode(), ("127.0.0.77", 5099))
    s.sendto(msg.encode(), ("127.0.0.77", 5098))   # filtered out
PY
	sleep 1
	kill -INT $pid
	wait $pid
	rc=$?
	if [ $rc -ne 0 ]; then bad "live capture: exit $rc: $(cat "$tmp/live.err")"
	elif [ "$(nmsgs "$tmp/live.json")" -ne 3 ]; then bad "live capture: $(nmsgs "$tmp/live.json") messages, want 3"
	elif ! grep -q '"rule":"scanner"' "$tmp/live.alerts"; then bad "live capture: no scanner alert"
	elif ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["capture"]["live"] and d["capture"]["received"] >= 3' "$tmp/live.stats"; then bad "live capture: stats"
	else ok; fi
else
	echo "cli: live capture test SKIPPED (not root)"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
