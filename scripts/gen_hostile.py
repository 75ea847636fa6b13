#!/usr/bin/env python3
"""Hostile captures for tests/hostile.py: damaged records, odd packets,
fragment and SYN floods, TCP sequence wrap, a million Call-IDs.  No scapy:
packets are packed by hand so that a million of them take seconds.

    scripts/gen_hostile.py DIR            writes DIR/hostile-NAME.pcap for every case
    scripts/gen_hostile.py callids N      streams a pcap of N tiny REGISTERs with
                                          distinct Call-IDs and From users, then
                                          one sentinel INVITE, to stdout

Every capture ends with a valid UDP INVITE whose Call-ID is
"sentinel-NAME@hostile" (Request-URI sip:+4930123@..., which the built-in
disallowed-uri rule alerts on), so a test can check that what follows
the hostile part is still processed.  Deterministic: packet time starts
at 2024-01-01 and advances 1 ms per packet.
"""
import os
import struct
import sys

T0 = 1704067200
A = bytes([192, 0, 2, 1])
B = bytes([192, 0, 2, 2])
A6 = bytes.fromhex("20010db8000000000000000000000001")
B6 = bytes.fromhex("20010db8000000000000000000000002")
SYN, FIN, RST, PSH, ACK = 0x02, 0x01, 0x04, 0x08, 0x10


def csum(b):
    if len(b) & 1:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


class Pcap:
    """Classic pcap, little endian, microseconds."""

    def __init__(self, f, linktype=1, snaplen=262144, step_us=1000):
        self.f = f
        self.n = 0
        self.step = step_us
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype))

    def record(self, data, caplen=None, length=None):
        self.n += 1
        us = self.n * self.step
        cl = len(data) if caplen is None else caplen
        ln = len(data) if length is None else length
        self.f.write(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, cl, ln) + data)

    def eth(self, ip, v6=False):
        self.record(b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + (b"\x86\xdd" if v6 else b"\x08\x00") + ip)


def ip4(proto, payload, src=A, dst=B, ident=1, off=0, mf=False, options=b"", ttl=64):
    hl = 20 + len(options)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, hl + len(payload), ident,
                    (0x2000 if mf else 0) | (off // 8), ttl, proto, 0, src, dst) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ip6(nh, payload, src=A6, dst=B6):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, src, dst) + payload


def frag6(nh, ident, off, mf, data):
    return struct.pack("!BBHI", nh, 0, off | (1 if mf else 0), ident) + data


def udp(payload, sport=5060, dport=5060):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                       5 << 4, flags, 65535, 0, 0) + payload


def sip(method="OPTIONS", callid="x@hostile", user="alice", ruri=None, body=b"", extra=""):
    ruri = ruri or "sip:bob@192.0.2.2"
    return ("%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK%s\r\n"
            "From: <sip:%s@192.0.2.1>;tag=1\r\nTo: <%s>\r\nCall-ID: %s\r\n"
            "CSeq: 1 %s\r\n%sContent-Length: %d\r\n\r\n"
            % (method, ruri, abs(hash(callid)) % 10 ** 8, user, ruri, callid, method,
               extra, len(body))).encode() + body


def sentinel(name):
    return sip("INVITE", "sentinel-%s@hostile" % name, "mallory",
               "sip:+4930123@192.0.2.2")


def end(p, name):
    p.eth(ip4(17, udp(sentinel(name))))


# ---- the cases: name -> writer(Pcap) ----

def c_caplen_gt_len(p):
    m = udp(sip(callid="cgl@hostile"))
    p.record(b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip4(17, m), length=60)


def c_snaplen_cut(p):
    for cut in (10, 14, 20, 34, 42, 60, 100, 200):
        frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip4(17, udp(sip(callid="cut%d@h" % cut)))
        p.record(frame[:cut], length=len(frame))
    # IPv6 and TCP cut too
    frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x86\xdd" + ip6(17, udp(sip(callid="cut6@h")))
    p.record(frame[:70], length=len(frame))


def c_zero_and_huge(p):
    p.record(b"")
    p.record(b"", caplen=0, length=1500)
    p.record(b"\x02")
    big = sip("MESSAGE", "big@hostile", body=b"A" * 65000,
              extra="Content-Type: text/plain\r\n")
    p.eth(ip4(17, udp(big[:65507])))            # the largest IPv4 UDP datagram
    p.eth(ip6(17, udp(big[:65487])), v6=True)   # and IPv6 (payload length 65495)
    p.record(b"\xff" * 65535)                    # 64 KiB of garbage


def c_ip_options(p):
    nop = b"\x01" * 36 + b"\x00" * 4             # 40 bytes: NOPs, EOL
    p.eth(ip4(17, udp(sip(callid="opts@hostile")), options=nop))
    rr = b"\x07\x27\x04" + b"\0" * 36 + b"\x00"  # record route, 39 + EOL
    p.eth(ip4(17, udp(sip(callid="rr@hostile")), options=rr))
    bad = bytearray(ip4(17, udp(sip(callid="badihl@hostile"))))
    bad[0] = 0x4f                                # IHL 60 > options present
    p.eth(bytes(bad))
    bad[0] = 0x41                                # IHL 4 < 20
    p.eth(bytes(bad))
    # IPv6 extension headers: hop-by-hop, destination options, then UDP
    inner = udp(sip(callid="ext6@hostile"))
    dst = struct.pack("!BB", 17, 0) + b"\x01\x04\0\0\0\0"
    hbh = struct.pack("!BB", 60, 0) + b"\x01\x04\0\0\0\0"
    p.eth(ip6(0, hbh + dst + inner), v6=True)


def c_frag_overlap(p):
    data = udp(sip(callid="overlap@hostile"))
    # IPv4: every fragment twice, the second copy shifted and with other
    # bytes (teardrop-like overlap), then a duplicate last fragment
    for ident in (100, 101):
        for off in range(0, len(data), 64):
            piece = data[off:off + 64]
            last = off + 64 >= len(data)
            p.eth(ip4(17, piece, ident=ident, off=off, mf=not last))
            if off >= 64:
                p.eth(ip4(17, b"X" * 72, ident=ident, off=off - 8, mf=True))
    # offsets beyond 64 KiB
    p.eth(ip4(17, b"Y" * 64, ident=102, off=65528, mf=False))
    # IPv6: overlapping and out-of-bounds fragments
    for ident in (200, 201):
        for off in range(0, len(data), 64):
            piece = data[off:off + 64]
            last = off + 64 >= len(data)
            p.eth(ip6(44, frag6(17, ident, off, not last, piece)), v6=True)
            if off >= 64:
                p.eth(ip6(44, frag6(17, ident, off - 8, True, b"Z" * 72)), v6=True)
    p.eth(ip6(44, frag6(17, 202, 65528, False, b"W" * 64)), v6=True)


def c_frag_endless(p):
    # fragments with More Fragments set that never end, one datagram growing
    for i in range(2000):
        p.eth(ip4(17, b"E" * 1000, ident=300, off=8 * ((i * 125) % 8000), mf=True))
        p.eth(ip6(44, frag6(17, 300, 8 * ((i * 125) % 8000), True, b"E" * 1000)), v6=True)


def c_frag_flood(p):
    p.step = 10  # all within the 30 s fragment timeout: the tables fill
    # first fragments of 50,000 distinct datagrams (IPv4 and IPv6), never completed
    for i in range(25000):
        p.eth(ip4(17, udp(b"F" * 32)[:40], src=bytes([10, 1, i >> 8 & 255, i & 255]),
                  ident=i & 0xffff, mf=True))
        p.eth(ip6(44, frag6(17, i, 0, True, b"F" * 40)), v6=True)
    # then a real fragmented SIP datagram, IPv4 and IPv6
    data = udp(sip(callid="afterflood4@hostile"))
    for off in range(0, len(data), 64):
        p.eth(ip4(17, data[off:off + 64], ident=4242, off=off, mf=off + 64 < len(data)))
    data = udp(sip(callid="afterflood6@hostile"))
    for off in range(0, len(data), 64):
        p.eth(ip6(44, frag6(17, 4242, off, off + 64 < len(data), data[off:off + 64])), v6=True)


def tcp_session(p, sport, isn, msgs, v6=False, handshake=True, mss=100):
    mk = (lambda pl: ip6(6, pl)) if v6 else (lambda pl: ip4(6, pl))
    sisn = 0xfffffff0
    if handshake:
        p.eth(mk(tcp(sport, 5060, isn - 1, 0, SYN)), v6)
        p.eth(mk(tcp(5060, sport, sisn - 1, isn, SYN | ACK)), v6) if False else \
            p.eth((ip6(6, tcp(5060, sport, sisn - 1, isn, SYN | ACK), B6, A6) if v6 else
                   ip4(6, tcp(5060, sport, sisn - 1, isn, SYN | ACK), B, A)), v6)
        p.eth(mk(tcp(sport, 5060, isn, sisn, ACK)), v6)
    stream = b"".join(msgs)
    for off in range(0, len(stream), mss):
        p.eth(mk(tcp(sport, 5060, isn + off, sisn, ACK | PSH, stream[off:off + mss])), v6)
    p.eth(mk(tcp(sport, 5060, isn + len(stream), sisn, FIN | ACK)), v6)


def c_tcp_seq_wrap(p):
    msgs = [sip("OPTIONS", "wrap%d@hostile" % i).replace(b"UDP", b"TCP") for i in range(4)]
    tcp_session(p, 40001, 0xffffff80, msgs)                     # libnids
    tcp_session(p, 40002, 0xffffff80, msgs, handshake=False)    # own, mid-stream
    tcp_session(p, 40003, 0xffffff80, msgs, v6=True)            # own, IPv6


def c_syn_flood(p):
    # 20,000 SYNs from distinct sources: more than --limit tcp_streams=256
    # (and libnids' default table) holds; then a complete TCP session
    for i in range(20000):
        src = bytes([10, 2, i >> 8 & 255, i & 255])
        p.eth(ip4(6, tcp(1024 + i % 60000, 5060, i * 7919, 0, SYN), src=src))
    msgs = [sip("OPTIONS", "aftersyn%d@hostile" % i).replace(b"UDP", b"TCP") for i in range(2)]
    tcp_session(p, 40010, 5000, msgs)


def c_unknown_l3(p):
    # non-IP ethertypes, IP versions 0..15, unknown IP protocols
    for et in (b"\x88\xcc", b"\x08\x06", b"\xff\xff", b"\x81\x00"):
        p.record(b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + et + b"\x00" * 46)
    for v in range(16):
        p.record(b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + bytes([v << 4 | 5]) + b"\0" * 40)
    for proto in (0, 2, 41, 47, 50, 132, 255):
        p.eth(ip4(proto, b"\x45" + b"\0" * 60))


CASES = {
    "caplen-gt-len": c_caplen_gt_len,
    "snaplen-cut": c_snaplen_cut,
    "zero-and-64k": c_zero_and_huge,
    "ip-options": c_ip_options,
    "frag-overlap": c_frag_overlap,
    "frag-endless": c_frag_endless,
    "frag-flood": c_frag_flood,
    "tcp-seq-wrap": c_tcp_seq_wrap,
    "syn-flood": c_syn_flood,
    "unknown-l3": c_unknown_l3,
}


def write_case(name, path):
    with open(path, "wb") as f:
        p = Pcap(f)
        CASES[name](p)
        end(p, name)


def callids(n, out):
    """n REGISTERs, each with its own Call-ID, From user and source
    address, streamed: nothing is kept in memory."""
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IP
    tmpl = ("REGISTER sip:192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\n"
            "From: <sip:u%08d@x>;tag=1\r\nTo: <sip:u%08d@x>\r\nCall-ID: %08d\r\n"
            "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n")
    buf = []
    for i in range(n):
        m = (tmpl % (i, i, i)).encode()
        ul = 8 + len(m)
        tl = 20 + ul
        src = 0x0a000000 | (i & 0xffffff)
        h = struct.pack("!BBHHHBBHI4s", 0x45, 0, tl, 0, 0, 64, 17, 0, src, B)
        us = i
        buf.append(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, tl, tl) + h +
                   struct.pack("!HHHH", 5060, 5060, ul, 0) + m)
        if len(buf) >= 4096:
            out.write(b"".join(buf))
            buf = []
    m = sentinel("callids")
    pkt = ip4(17, udp(m))
    us = n
    buf.append(struct.pack("<IIII", T0 + us // 1000000, us % 1000000, len(pkt), len(pkt)) + pkt)
    out.write(b"".join(buf))
    out.flush()


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "callids":
        try:
            callids(int(sys.argv[2]), sys.stdout.buffer)
        except BrokenPipeError:
            sys.exit(1)
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name in CASES:
        write_case(name, os.path.join(sys.argv[1], "hostile-%s.pcap" % name))


if __name__ == "__main__":
    main()
