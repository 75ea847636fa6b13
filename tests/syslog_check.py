#!/usr/bin/env python3
"""syslog_check.py - helpers for tests/syslog.sh.

  syslog_check.py port                 print a free local port
  syslog_check.py craft OUT.pcap       write a capture whose SIP headers
                                       hold quotes, brackets, backslashes,
                                       UTF-8 and invalid UTF-8 bytes
  syslog_check.py compare ALERTS.json RAW.log [SD.log]
      every alert of the JSON output must be in RAW.log (one raw RFC 5424
      message per line, as rsyslog's %rawmsg% wrote them) exactly once,
      with every field intact in the structured data, PRI severity, the
      TIMESTAMP and MSG matching.  SD.log (rsyslog's own
      %structured-data%, one per line) must match what we parse.
  syslog_check.py replay PORT SECONDS  send a SIP OPTIONS to 127.0.0.1:PORT
                                       every 20 ms for SECONDS
"""
import json
import socket
import struct
import sys
import time

SEV = {"critical": 2, "high": 3, "medium": 4, "low": 5, "info": 6}
SDID = "sipwatch@32473"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def craft(path):
    """Ethernet/IPv4/UDP frames, checksums 0 (allowed for UDP over IPv4)."""
    msgs = [
        b"REGISTER sip:pbx.example.com SIP/2.0\r\n"
        b"Via: SIP/2.0/UDP 192.0.2.66:5060;branch=z9hG4bK-1\r\n"
        b"From: \"Bob \\\"]\\\" \xc3\x9cn\xc3\xafcode\" <sip:b\"o]b\\\\\xc3\xbc\xff@example.com>;tag=1\r\n"
        b"To: <sip:[x]\"y\"@example.com>\r\n"
        b"Call-ID: c\"]\\\xc3\xa9\xfe@192.0.2.66\r\n"
        b"CSeq: 1 REGISTER\r\n"
        b"User-Agent: friendly-scanner]\"\\ \xe2\x82\xac \xc0\xaf\r\n"
        b"Content-Length: 0\r\n\r\n",
        b"INVITE sip:\"q\"]\\\xc3\xa4@example.com SIP/2.0\r\n"
        b"Via: SIP/2.0/UDP 192.0.2.67:5060;branch=z9hG4bK-2\r\n"
        b"From: <sip:eve@example.com>;tag=2\r\n"
        b"To: <sip:q@example.com>\r\n"
        b"Call-ID: second@192.0.2.67\r\n"
        b"CSeq: 1 INVITE\r\n"
        b"User-Agent: sipvicious\r\n"
        b"Content-Length: 0\r\n\r\n",
    ]
    out = open(path, "wb")
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, payload in enumerate(msgs):
        src = bytes([192, 0, 2, 66 + i])
        dst = bytes([198, 51, 100, 1])
        udp = struct.pack("!HHHH", 5060, 5060, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i + 1, 0, 64, 17, 0, src, dst)
        csum = 0
        for j in range(0, 20, 2):
            csum += (ip[j] << 8) | ip[j + 1]
        csum = (csum & 0xFFFF) + (csum >> 16)
        csum = (~((csum & 0xFFFF) + (csum >> 16))) & 0xFFFF
        ip = ip[:10] + struct.pack("!H", csum) + ip[12:]
        frame = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp
        out.write(struct.pack("<IIII", 1704067200 + i, 1000 * i, len(frame), len(frame)))
        out.write(frame)
    out.close()


def parse_sd(s, i):
    """Parses SD-ELEMENTs at s[i:] (RFC 5424 6.3).  Returns ({id: {name: value}}, next)."""
    out = {}
    if s[i] == "-":
        return out, i + 1
    while i < len(s) and s[i] == "[":
        j = i + 1
        while s[j] not in " ]":
            j += 1
        sdid = s[i + 1:j]
        params = {}
        i = j
        while s[i] == " ":
            eq = s.index("=", i)
            name = s[i + 1:eq]
            assert s[eq + 1] == '"', s[eq:eq + 10]
            k = eq + 2
            val = []
            while s[k] != '"':
                if s[k] == "\\" and s[k + 1] in '"\\]':
                    val.append(s[k + 1])
                    k += 2
                else:
                    assert s[k] not in '"]', "unescaped %r in %r" % (s[k], s[eq:k + 1])
                    val.append(s[k])
                    k += 1
            assert name not in params, "duplicate " + name
            params[name] = "".join(val)
            i = k + 1
        assert s[i] == "]", s[i:i + 20]
        out[sdid] = params
        i += 1
    return out, i


def parse_5424(line):
    pri_end = line.index(">")
    pri = int(line[1:pri_end])
    head = line[pri_end + 1:].split(" ", 6)
    ver, ts, host, app, procid, msgid, rest = head
    assert ver == "1", line
    sd, i = parse_sd(rest, 0)
    msg = rest[i + 1:] if i < len(rest) else ""
    if msg.startswith("\ufeff"):
        msg = msg[1:]
    return dict(pri=pri, ts=ts, host=host, app=app, procid=procid, msgid=msgid, sd=sd, msg=msg)


def clean(v):
    """What a value becomes on the way: controls -> U+FFFD (invalid bytes
    already are in the JSON output)."""
    return "".join("\ufffd" if (ord(c) < 0x20 or ord(c) == 0x7F) else c for c in v)


def compare(alerts_path, raw_path, sd_path=None):
    alerts = [json.loads(l) for l in open(alerts_path, encoding="utf-8")]
    raw = [l.rstrip("\n") for l in open(raw_path, encoding="utf-8", errors="strict") if l.strip()]
    got = [parse_5424(l) for l in raw]
    bad = 0
    keys = {}
    for g in got:
        k = tuple(sorted(g["sd"].get(SDID, {}).items()))
        keys[k] = keys.get(k, 0) + 1
    for a in alerts:
        want = {k: clean(str(v)) for k, v in a.items()}
        k = tuple(sorted(want.items()))
        n = keys.get(k, 0)
        if n != 1:
            print("  alert seen %d times (want 1): %s" % (n, json.dumps(a, ensure_ascii=False)[:300]))
            bad += 1
    if len(got) != len(alerts):
        print("  %d syslog messages for %d alerts" % (len(got), len(alerts)))
        bad += 1
    for g in got:
        p = g["sd"][SDID]
        if g["pri"] & 7 != SEV[p["severity"]]:
            print("  PRI %d for severity %s" % (g["pri"], p["severity"]))
            bad += 1
        if g["ts"] != p["ts"] or g["msg"] != p["message"] or g["msgid"] != p["rule"]:
            print("  header/MSG differ from the SD: %r" % (g,))
            bad += 1
    if sd_path:
        theirs = [l.rstrip("\n") for l in open(sd_path, encoding="utf-8") if l.strip()]
        for t, g in zip(theirs, got):
            if parse_sd(t, 0)[0] != g["sd"]:
                print("  rsyslog parsed other structured data: %r" % t[:200])
                bad += 1
    return bad


def replay(port, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end = time.time() + seconds
    n = 0
    while time.time() < end:
        n += 1
        m = ("OPTIONS sip:tick@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK%d\r\n"
             "From: <sip:t@x>;tag=%d\r\nTo: <sip:tick@127.0.0.1>\r\nCall-ID: tick-%d\r\n"
             "CSeq: %d OPTIONS\r\nUser-Agent: tick\r\nContent-Length: 0\r\n\r\n") % (n, n, n, n)
        s.sendto(m.encode(), ("127.0.0.1", port))
        time.sleep(0.02)
    print(n)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "port":
        print(free_port())
    elif cmd == "craft":
        craft(sys.argv[2])
    elif cmd == "compare":
        sys.exit(1 if compare(*sys.argv[2:]) else 0)
    elif cmd == "replay":
        replay(int(sys.argv[2]), float(sys.argv[3]))
