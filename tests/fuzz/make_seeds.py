#!/usr/bin/env python3
"""Builds the seed corpora in tests/fuzz/corpus/ from the test vectors that
already exist: the string literals of the Criterion tests (RFC 3261 call
flows, RFC 4475 torture messages, URI/Via/digest tables, SDP samples,
configuration error cases; macros expanded by the C preprocessor), SIP
payloads of the golden captures, sipwatch.example.yaml and the built-in
rules, and the small golden captures themselves.  Deterministic: file
names are content hashes, so re-running adds nothing that is already
there.  Fuzzer finds are added by hand (tests/fuzz/README.md).

    tests/fuzz/make_seeds.py        (from the repository root or anywhere)
"""
import hashlib
import os
import re
import struct
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
CORPUS = os.path.join(ROOT, "tests/fuzz/corpus")
MAX_PCAP = 64 * 1024

LIT = re.compile(rb'"((?:[^"\\\n]|\\.)*)"')


def c_unescape(s):
    out = bytearray()
    i = 0
    simple = {b"n": 10, b"r": 13, b"t": 9, b"\\": 92, b'"': 34, b"'": 39,
              b"0": 0, b"a": 7, b"b": 8, b"f": 12, b"v": 11, b"?": 63}
    while i < len(s):
        c = s[i:i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        n = s[i + 1:i + 2]
        if n == b"x":
            j = i + 2
            while j < len(s) and s[j:j + 1] in b"0123456789abcdefABCDEF" and s[j:j+1]:
                j += 1
            out.append(int(s[i + 2:j], 16) & 0xff)
            i = j
        elif n in b"01234567" and n:
            j = i + 1
            while j < len(s) and j < i + 4 and s[j:j + 1] in b"01234567" and s[j:j+1]:
                j += 1
            out.append(int(s[i + 1:j], 8) & 0xff)
            i = j
        else:
            out.append(simple.get(n, n[0] if n else 92))
            i += 2
    return bytes(out)


def literal_runs(path):
    """Adjacent string literals of path (after cpp), concatenated."""
    cpp = subprocess.run(["cc", "-E", "-std=c11", "-D_GNU_SOURCE", "-I" + ROOT,
                          "-I" + os.path.join(ROOT, "parsers"), path],
                         capture_output=True, check=True).stdout
    own, text = False, []
    for line in cpp.split(b"\n"):
        m = re.match(rb'# \d+ "([^"]*)"', line)
        if m:
            own = os.path.basename(m.group(1)) == os.path.basename(path.encode())
            continue
        if own:
            text.append(line)
    src = b"\n".join(text)
    runs, cur, last_end = [], None, -1
    for m in LIT.finditer(src):
        if cur is not None and src[last_end:m.start()].strip() == b"":
            cur += c_unescape(m.group(1))
        else:
            if cur is not None:
                runs.append(cur)
            cur = c_unescape(m.group(1))
        last_end = m.end()
    if cur is not None:
        runs.append(cur)
    return runs


def put(target, data, name=None):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:16]
    fn = os.path.join(d, (name + "-" + h) if name else h)
    for f in os.listdir(d):
        if f.endswith(h):
            return
    with open(fn, "wb") as f:
        f.write(data)


def pcap_payloads(path):
    """UDP and TCP payloads of a classic pcap (Ethernet, VLAN, raw IP, SLL,
    null), best effort: no tunnels, no reassembly."""
    out = []
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 24:
        return out
    magic = b[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return out
    lt = struct.unpack(e + "I", b[20:24])[0] & 0xffff
    off = 24
    while off + 16 <= len(b):
        caplen = struct.unpack(e + "I", b[off + 8:off + 12])[0]
        pkt = b[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if lt == 1:
            l2, et = 14, pkt[12:14]
            while et in (b"\x81\x00", b"\x88\xa8"):
                et = pkt[l2 + 2:l2 + 4]
                l2 += 4
        elif lt == 113:
            l2 = 16
        elif lt == 0:
            l2 = 4
        elif lt in (101, 12, 14):
            l2 = 0
        else:
            continue
        ip = pkt[l2:]
        if not ip:
            continue
        if ip[0] >> 4 == 4:
            hl, proto, l4 = (ip[0] & 15) * 4, ip[9], None
            if struct.unpack(">H", ip[6:8])[0] & 0x3fff:
                continue
            l4 = ip[hl:]
        elif ip[0] >> 4 == 6:
            proto, l4 = ip[6], ip[40:]
        else:
            continue
        if proto == 17:
            out.append(l4[8:])
        elif proto == 6 and len(l4) >= 20:
            out.append(l4[(l4[12] >> 4) * 4:])
    return out


def stream_seed(mode, sizes, payload):
    return bytes([mode, (len(sizes) - 1) & 7]) + bytes(sizes) + payload


def main():
    sip_msgs = []
    for r in literal_runs(os.path.join(ROOT, "parsers/sip_test.c")):
        if len(r) >= 16 and (b"SIP/2.0" in r or b"\r\n" in r):
            put("fuzz_sip", r, "sip_test")
            sip_msgs.append(r)
    for r in literal_runs(os.path.join(ROOT, "parsers/sip_values_test.c")):
        if len(r) >= 3:
            put("fuzz_values", r, "values_test")
    for r in literal_runs(os.path.join(ROOT, "parsers/sdp_test.c")):
        if len(r) >= 8:
            if r.startswith(b"multipart/") or r.startswith(b"application/"):
                continue
            put("fuzz_sdp", b"application/sdp\n" + r, "sdp_test")
            put("fuzz_sdp", b'multipart/mixed;boundary="b1"\n--b1\r\nContent-Type: '
                b"application/sdp\r\n\r\n" + r + b"\r\n--b1--\r\n", "sdp_multipart")
    for r in literal_runs(os.path.join(ROOT, "rules/config_test.c")):
        if b":" in r and len(r) >= 8:
            put("fuzz_config", r, "config_test")
    with open(os.path.join(ROOT, "sipwatch.example.yaml"), "rb") as f:
        put("fuzz_config", f.read(), "example")
    for r in literal_runs(os.path.join(ROOT, "rules/default_rules.c")):
        if b"rules:" in r:
            put("fuzz_config", r, "default_rules")

    # payloads of the golden captures: SIP for the parser, headers for the
    # value parsers, and the TCP ones as streams
    seen = 0
    pcaps = sorted(f for f in os.listdir(os.path.join(ROOT, "pcaps")) if f.endswith(".pcap"))
    for f in pcaps:
        path = os.path.join(ROOT, "pcaps", f)
        base = f[:-5]
        if os.path.getsize(path) <= MAX_PCAP:
            with open(path, "rb") as pf:
                put("fuzz_pcap", pf.read(), base)
        allp = pcap_payloads(path)
        tls = [l for l in allp if l[:2] == b"\x16\x03"]
        if tls:
            put("fuzz_stream", stream_seed(0x82, [0, 5], tls[0]), "tls-" + base)
        loads = [l for l in allp if b"SIP/2.0" in l[:300]]
        for l in loads[:6]:
            put("fuzz_sip", l, base)
            seen += 1
            for line in l.split(b"\r\n")[1:12]:
                k, _, v = line.partition(b":")
                if v and k.lower() in (b"via", b"from", b"to", b"contact", b"cseq",
                                       b"authorization", b"www-authenticate",
                                       b"proxy-authenticate", b"proxy-authorization"):
                    put("fuzz_values", v.strip(), "hdr-" + base)
            i = l.find(b"\r\n\r\n")
            if i > 0 and l[i + 4:].startswith(b"v=0"):
                put("fuzz_sdp", b"application/sdp\n" + l[i + 4:], base)
    # TCP framing: messages back to back, cut in several ways
    stream = b"".join(m for m in sip_msgs[:6] if b"Content-Length" in m)
    pipelined = b"\r\n\r\n".join(sip_msgs[:3])
    for mode, sizes in ((0x82, [0]), (0x80, [7, 100]), (0x83, [1]), (0x86, [13, 250, 3]),
                        (0xa2, [0]), (0xca, [64]), (0x92, [33, 0])):
        put("fuzz_stream", stream_seed(mode, sizes, stream[:6000]), "sip_test")
        put("fuzz_stream", stream_seed(mode, sizes, pipelined[:3000]), "pipelined")
    ws = (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          b"Sec-WebSocket-Version: 13\r\n\r\n")
    msg = sip_msgs[0][:120] if sip_msgs else b"OPTIONS sip:a SIP/2.0\r\n\r\n"
    frame = bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(msg)) + b"\x01\x02\x03\x04" + \
        bytes(b ^ (1, 2, 3, 4)[i % 4] for i, b in enumerate(msg))
    put("fuzz_stream", stream_seed(0x86, [0], ws + frame), "websocket")
    for r in literal_runs(os.path.join(ROOT, "parsers/tls_test.c")):
        if len(r) > 40 and r[:1] == b"\x16":
            put("fuzz_stream", stream_seed(0x82, [0], r), "tls")
    print("seeds: %d SIP payloads from captures" % seen, file=sys.stderr)
    for t in sorted(os.listdir(CORPUS)):
        fs = os.listdir(os.path.join(CORPUS, t))
        print("%-12s %4d files %8d bytes" % (t, len(fs), sum(
            os.path.getsize(os.path.join(CORPUS, t, x)) for x in fs)), file=sys.stderr)


main()
