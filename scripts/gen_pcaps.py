#!/usr/bin/python3
"""gen_pcaps.py - deterministic synthetic SIP captures for sipwatch's golden tests.

Usage: python3 scripts/gen_pcaps.py OUTDIR [SCENARIO ...]

Writes OUTDIR/NAME.pcap and OUTDIR/NAME.msgs for every scenario (or the ones
named).  NAME.msgs is the truth, written from what the generator itself put
in the capture: one line per SIP message, in the order of the packet that
completes it (by stream offset within one packet):

    <ipversion> <transport> <method-or-status> <call-id>

call-id is "-" when the message has none.  malformed also gets
malformed.anomalies: per message, the sorted anomaly names from
parsers/sip_anomaly.h, "-" for none.

Everything is fixed (timestamps from 2024-01-01T00:00:00Z, addresses from
192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 and 2001:db8::/32, ports,
identifiers, "random" bytes derived from MD5 of fixed strings), so reruns
give byte-identical files.  Nothing is sent on any network.
"""
import hashlib
import os
import struct
import sys

try:
    from scapy.layers.inet import IP, TCP, UDP
    from scapy.layers.inet6 import IPv6, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, PadN
    from scapy.packet import Raw
except ImportError:
    # pyenv's python3 may shadow Debian's, which has python3-scapy.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

BASE_TS = 1704067200  # 2024-01-01T00:00:00Z
STEP_US = 10000       # 10 ms between packets
CRLF = "\r\n"

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


def md5(s, n=32):
    return hashlib.md5(s.encode()).hexdigest()[:n]


def prand(seed, n):
    """n deterministic pseudo-random bytes."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}/{i}".encode()).digest()
        i += 1
    return out[:n]


def is6(ip):
    return ":" in ip


def host(ip):
    return f"[{ip}]" if is6(ip) else ip


def mac(ip):
    return bytes.fromhex("02" + md5(ip, 10))


# --------------------------------------------------------------------------
# capture container and pcap writer


class Capture:
    def __init__(self, name, linktype=LINKTYPE_ETHERNET):
        self.name = name
        self.linktype = linktype
        self.frames = []
        self.msgs = []      # (packet index, order in packet, line)
        self.anomalies = None
        self.ipid = 0x2000

    def next_id(self):
        self.ipid = (self.ipid + 1) & 0xFFFF
        return self.ipid

    def add(self, frame, lines=()):
        idx = len(self.frames)
        self.frames.append(bytes(frame))
        for k, line in enumerate(lines):
            self.msgs.append((idx, k, line))
        return idx

    def write(self, outdir):
        path = os.path.join(outdir, self.name + ".pcap")
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, self.linktype))
            for i, fr in enumerate(self.frames):
                us = i * STEP_US
                f.write(struct.pack("<IIII", BASE_TS + us // 1000000, us % 1000000, len(fr), len(fr)))
                f.write(fr)
        with open(os.path.join(outdir, self.name + ".msgs"), "w") as f:
            for _, _, line in sorted(self.msgs, key=lambda t: (t[0], t[1])):
                f.write(line + "\n")
        if self.anomalies is not None:
            with open(os.path.join(outdir, self.name + ".anomalies"), "w") as f:
                for a in self.anomalies:
                    f.write((" ".join(sorted(a)) if a else "-") + "\n")
        return path


# --------------------------------------------------------------------------
# link layers and tunnels: each wrap(ipbytes) returns the frame bytes


def ethertype(ipb):
    return 0x86DD if ipb[0] >> 4 == 6 else 0x0800


def ip_addrs(ipb):
    if ipb[0] >> 4 == 6:
        return ipb[8:24], ipb[24:40]
    return ipb[12:16], ipb[16:20]


def eth(ipb, tags=(), src=None, dst=None):
    s, d = ip_addrs(ipb)
    src = src or bytes.fromhex("02" + hashlib.md5(s).hexdigest()[:10])
    dst = dst or bytes.fromhex("02" + hashlib.md5(d).hexdigest()[:10])
    hdr = dst + src
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid & 0xFFF)
    return hdr + struct.pack("!H", ethertype(ipb)) + ipb


def w_eth(ipb):
    return eth(ipb)


def w_vlan(ipb):
    return eth(ipb, tags=[(0x8100, 100)])


def w_qinq(ipb):
    return eth(ipb, tags=[(0x88A8, 10), (0x8100, 20)])


def w_sll(ipb):
    s, _ = ip_addrs(ipb)
    a = bytes.fromhex("02" + hashlib.md5(s).hexdigest()[:10])
    # packet type 4 = sent by us, 0 = to us; ARPHRD_ETHER; 6-byte address padded to 8
    ptype = 4 if s[-1] % 2 else 0
    return struct.pack("!HHH", ptype, 1, 6) + a + b"\0\0" + struct.pack("!H", ethertype(ipb)) + ipb


def w_sll2(ipb):
    s, _ = ip_addrs(ipb)
    a = bytes.fromhex("02" + hashlib.md5(s).hexdigest()[:10])
    ptype = 4 if s[-1] % 2 else 0
    return (struct.pack("!HHIHBB", ethertype(ipb), 0, 2, 1, ptype, 6) + a + b"\0\0") + ipb


def w_raw(ipb):
    return ipb


def w_null(ipb):
    # BSD loopback: address family in the writer's byte order (little endian
    # here, as the file); AF_INET 2, AF_INET6 30 (Darwin).
    fam = 30 if ipb[0] >> 4 == 6 else 2
    return struct.pack("<I", fam) + ipb


def inet_cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def gre_hdr(proto, seq=None, key=None, csum_payload=None):
    flags = 0
    if csum_payload is not None:
        flags |= 0x8000
    if key is not None:
        flags |= 0x2000
    if seq is not None:
        flags |= 0x1000
    h = struct.pack("!HH", flags, proto)
    if csum_payload is not None:
        h += b"\0\0\0\0"
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    if csum_payload is not None:
        c = inet_cksum(h + csum_payload)
        h = h[:4] + struct.pack("!HH", c, 0) + h[8:]
    return h


class Outer:
    """Outer IPv4 path between two tunnel endpoints."""

    def __init__(self, cap, src="203.0.113.1", dst="203.0.113.2"):
        self.cap, self.src, self.dst = cap, src, dst

    def ip(self, proto, payload):
        return bytes(IP(src=self.src, dst=self.dst, id=self.cap.next_id(), proto=proto, ttl=62) / Raw(payload))


def w_gre(cap, **kw):
    o = Outer(cap)
    seq = [0]

    def f(ipb):
        proto = ethertype(ipb)
        if kw.get("csum_key"):
            seq[0] += 1
            return eth(o.ip(47, gre_hdr(proto, key=0x1234, seq=seq[0], csum_payload=ipb) + ipb))
        return eth(o.ip(47, gre_hdr(proto) + ipb))
    return f


def w_erspan2(cap):
    o = Outer(cap)
    seq = [0]

    def f(ipb):
        seq[0] += 1
        # ERSPAN type II: Ver=1 | VLAN | COS En T SessionID | Reserved Index
        vlan, cos, en, t, sess, index = 0, 0, 3, 0, 42, 7
        hdr = struct.pack("!HHI", (1 << 12) | vlan, (cos << 13) | (en << 11) | (t << 10) | sess, index & 0xFFFFF)
        return eth(o.ip(47, gre_hdr(0x88BE, seq=seq[0]) + hdr + eth(ipb)))
    return f


def w_erspan3(cap):
    o = Outer(cap)
    seq = [0]

    def f(ipb, platform=False):
        seq[0] += 1
        # ERSPAN type III: Ver=2 | VLAN | COS BSO T SessionID | Timestamp |
        # SGT | P FT(5) HWID(6) D Gra(2) O
        vlan, cos, bso, t, sess = 0, 0, 0, 0, 43
        ts = 100000 + seq[0] * 10000
        sgt, p, ft, hwid, d, gra = 0, 1, 0, 5, 0, 1
        o_bit = 1 if platform else 0
        last = (p << 15) | (ft << 10) | (hwid << 4) | (d << 3) | (gra << 1) | o_bit
        hdr = struct.pack("!HHIHH", (2 << 12) | vlan, (cos << 13) | (bso << 11) | (t << 10) | sess, ts, sgt, last)
        if platform:
            # platform sub-header, Platf ID 3: port ID / upper timestamp
            hdr += struct.pack("!II", (3 << 26) | 0x1234, 0x0000ABCD)
        return eth(o.ip(47, gre_hdr(0x22EB, seq=seq[0]) + hdr + eth(ipb)))
    return f


def w_vxlan(cap):
    def f(ipb):
        inner = eth(ipb)
        vx = struct.pack("!BBHI", 0x08, 0, 0, 5001 << 8)
        outer = IP(src="203.0.113.1", dst="203.0.113.2", id=cap.next_id(), ttl=62) / UDP(sport=49152 + (len(ipb) % 1000), dport=4789, chksum=0) / Raw(vx + inner)
        return eth(bytes(outer))
    return f


def w_ipip(cap):
    o = Outer(cap)

    def f(ipb):
        return eth(o.ip(41 if ipb[0] >> 4 == 6 else 4, ipb))
    return f


# --------------------------------------------------------------------------
# IP builders


def ip_udp(cap, src, dst, payload):
    (sip_, sport), (dip, dport) = src, dst
    if isinstance(payload, str):
        payload = payload.encode()
    if is6(sip_):
        p = IPv6(src=sip_, dst=dip, hlim=64) / UDP(sport=sport, dport=dport) / Raw(payload)
    else:
        p = IP(src=sip_, dst=dip, id=cap.next_id(), ttl=64, flags="DF") / UDP(sport=sport, dport=dport) / Raw(payload)
    return bytes(p)


def ip_tcp(cap, src, dst, seq, ack, flags, payload=b"", opts=None):
    (sip_, sport), (dip, dport) = src, dst
    t = TCP(sport=sport, dport=dport, seq=seq & 0xFFFFFFFF, ack=ack & 0xFFFFFFFF, flags=flags, window=65535 if "S" in flags else 512)
    if opts is not None:
        t.options = opts
    if is6(sip_):
        p = IPv6(src=sip_, dst=dip, hlim=64) / t
    else:
        p = IP(src=sip_, dst=dip, id=cap.next_id(), ttl=64, flags="DF") / t
    if payload:
        p = p / Raw(payload)
    return bytes(p)


# --------------------------------------------------------------------------
# SIP message factory


class M:
    def __init__(self, data, label, callid):
        self.data = data.encode() if isinstance(data, str) else data
        self.label = label
        self.callid = callid if callid else "-"

    def line(self, ipv, transport):
        return f"{ipv} {transport} {self.label} {self.callid}"


def build(start, headers, body=b"", add_cl=True):
    if isinstance(body, str):
        body = body.encode()
    lines = [start] + [f"{n}: {v}" for n, v in headers]
    if add_cl:
        lines.append(f"Content-Length: {len(body)}")
    return (CRLF.join(lines) + CRLF + CRLF).encode() + body


def sdp(ip, port, sess, user="-", savp=None, extra=(), big=0):
    fam = "IP6" if is6(ip) else "IP4"
    prof = "RTP/SAVP" if savp else "RTP/AVP"
    lines = [
        "v=0",
        f"o={user} {sess} {sess} IN {fam} {ip}",
        "s=-",
        f"c=IN {fam} {ip}",
        "t=0 0",
        f"m=audio {port} {prof} 0 8 9 101",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=ptime:20",
    ]
    if savp:
        lines.append(f"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{savp}")
    lines += list(extra)
    k = 0
    while big and len(CRLF.join(lines)) < big:
        k += 1
        prio = 2130706431 - k * 256
        lines.append(f"a=candidate:{k} 1 UDP {prio} {ip} {port + 2 * k} typ host generation 0 network-id {k} network-cost 10")
    lines.append("a=sendrecv")
    return CRLF.join(lines) + CRLF


class Sip:
    """Per-scenario factory of identifiers and dialogs."""

    def __init__(self, scen):
        self.scen = scen
        self.n = 0

    def tok(self, kind, n=10):
        self.n += 1
        return md5(f"{self.scen}/{kind}/{self.n}", n)

    def callid(self, ip):
        self.n += 1
        return f"{md5(self.scen + '/cid/' + str(self.n), 12)}-{self.scen}{self.n}@{ip}"


class Dialog:
    def __init__(self, f, a, b, transport="UDP", a_user="alice", b_user="bob", ruri_user=None, ua="sipwatch-gen/1.0"):
        self.f, self.a, self.b, self.T = f, a, b, transport.upper()
        self.a_user, self.b_user = a_user, b_user
        self.ruri = f"sip:{ruri_user or b_user}@{host(b[0])}:{b[1]}"
        self.callid = f.callid(a[0])
        self.from_ = f'"{a_user.capitalize()}" <sip:{a_user}@{host(a[0])}>;tag={f.tok("ftag")}'
        self.to = f"<sip:{ruri_user or b_user}@{host(b[0])}>"
        self.to_tag = f.tok("ttag")
        self.cseq = 0
        self.ua = ua
        self.invite_req = None

    def via(self, side="a"):
        ip, port = self.a if side == "a" else self.b
        return f"SIP/2.0/{self.T} {host(ip)}:{port};branch=z9hG4bK{self.f.tok('br')};rport"

    def contact(self, side="a"):
        ip, port = self.a if side == "a" else self.b
        user = self.a_user if side == "a" else self.b_user
        tp = ";transport=tcp" if self.T == "TCP" else ""
        return f"<sip:{user}@{host(ip)}:{port}{tp}>"

    def request(self, method, body=b"", ctype="application/sdp", extra=(), cseq=None, to=None, side="a"):
        if cseq is None:
            self.cseq += 1
            cseq = self.cseq
        hdrs = [
            ("Via", self.via(side)),
            ("Max-Forwards", "70"),
            ("From", self.from_),
            ("To", to or self.to),
            ("Call-ID", self.callid),
            ("CSeq", f"{cseq} {method}"),
        ]
        if method in ("INVITE", "REGISTER", "SUBSCRIBE", "OPTIONS"):
            hdrs.append(("Contact", self.contact(side)))
        hdrs += list(extra)
        hdrs.append(("User-Agent", self.ua))
        if body:
            hdrs.append(("Content-Type", ctype))
        data = build(f"{method} {self.ruri} SIP/2.0", hdrs, body)
        m = M(data, method, self.callid)
        m.hdrs = hdrs
        if method == "INVITE":
            self.invite_req = m
        return m

    def response(self, req, code, reason, body=b"", ctype="application/sdp", extra=(), tag=True):
        hv = dict(req.hdrs)
        to = hv["To"]
        if tag and ";tag=" not in to:
            to = f"{to};tag={self.to_tag}"
        hdrs = [("Via", hv["Via"]), ("From", hv["From"]), ("To", to), ("Call-ID", hv["Call-ID"]), ("CSeq", hv["CSeq"])]
        if code // 100 == 2 and req.label in ("INVITE", "OPTIONS"):
            hdrs.append(("Contact", self.contact("b")))
        hdrs += list(extra)
        hdrs.append(("Server", "sipwatch-gen-uas/1.0"))
        if body:
            hdrs.append(("Content-Type", ctype))
        return M(build(f"SIP/2.0 {code} {reason}", hdrs, body), str(code), self.callid)

    def to_tagged(self):
        return f"{self.to};tag={self.to_tag}"

    def call(self, offer=None, answer=None, ctype="application/sdp"):
        """INVITE, 100, 180, 200, ACK, BYE, 200 as (direction, M)."""
        offer = offer if offer is not None else sdp(self.a[0], 49170, 2890844526, self.a_user)
        answer = answer if answer is not None else sdp(self.b[0], 3456, 2890844527, self.b_user)
        inv = self.request("INVITE", offer, ctype=ctype, extra=[("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"), ("Supported", "replaces, timer")])
        r100 = self.response(inv, 100, "Trying", tag=False)
        r180 = self.response(inv, 180, "Ringing")
        r200 = self.response(inv, 200, "OK", answer)
        ack = self.request("ACK", cseq=1, to=self.to_tagged())
        bye = self.request("BYE", to=self.to_tagged())
        r200b = self.response(bye, 200, "OK")
        return [(0, inv), (1, r100), (1, r180), (1, r200), (0, ack), (0, bye), (1, r200b)]

    def options(self):
        o = self.request("OPTIONS", extra=[("Accept", "application/sdp")])
        r = self.response(o, 200, "OK", extra=[("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE"), ("Accept", "application/sdp")])
        return [(0, o), (1, r)]

    def message(self, text):
        m = self.request("MESSAGE", text, ctype="text/plain")
        return [(0, m), (1, self.response(m, 200, "OK"))]


def register_flow(f, ua, registrar, transport="UDP", user="1001", password="s3cret", realm="example.com"):
    """REGISTER, 401 (digest, qop=auth), REGISTER with Authorization, 200."""
    d = Dialog(f, ua, registrar, transport, a_user=user, b_user=user)
    d.ruri = f"sip:{host(registrar[0])}"
    d.from_ = f"<sip:{user}@{realm}>;tag={f.tok('ftag')}"
    d.to = f"<sip:{user}@{realm}>"
    nonce = md5(f"{f.scen}/nonce", 32)
    opaque = md5(f"{f.scen}/opaque", 16)
    exp = [("Expires", "3600")]
    r1 = d.request("REGISTER", extra=exp)
    chal = f'Digest realm="{realm}", nonce="{nonce}", opaque="{opaque}", algorithm=MD5, qop="auth"'
    r401 = d.response(r1, 401, "Unauthorized", extra=[("WWW-Authenticate", chal)])
    cnonce = md5(f"{f.scen}/cnonce", 16)
    nc = "00000001"
    ha1 = md5(f"{user}:{realm}:{password}")
    ha2 = md5(f"REGISTER:{d.ruri}")
    resp = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
    auth = (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{d.ruri}", '
            f'response="{resp}", algorithm=MD5, cnonce="{cnonce}", opaque="{opaque}", qop=auth, nc={nc}')
    r2 = d.request("REGISTER", extra=exp + [("Authorization", auth)])
    ok = d.response(r2, 200, "OK", extra=[("Contact", d.contact("a") + ";expires=3600"), ("Date", "Mon, 01 Jan 2024 00:00:01 GMT")])
    return [(0, r1), (1, r401), (0, r2), (1, ok)]


def udp_exchange(cap, wrap, a, b, seq):
    """Sends each (direction, M) of seq as one UDP datagram between a and b."""
    for d, m in seq:
        src, dst = (a, b) if d == 0 else (b, a)
        ipb = ip_udp(cap, src, dst, m.data)
        cap.add(wrap(ipb), [m.line(6 if is6(src[0]) else 4, "udp")])


def short_exchange(f, a, b):
    return register_flow(f, a, b) + Dialog(f, a, b).options()


# --------------------------------------------------------------------------
# TCP connection simulator


class TcpConn:
    """Two byte streams (0: client->server, 1: server->client) cut into
    segments in whatever order the scenario emits them.  A message is
    reported at the packet after which all of its bytes, and every byte
    before it in its direction, have been seen (what an in-order reassembler
    delivers).  midstream: no handshake; a direction's stream starts at its
    first segment and messages starting before it are not reported."""

    def __init__(self, cap, wrap, c, s, isn=(1000000, 2000000), midstream=False):
        self.cap, self.wrap, self.ep = cap, wrap, (c, s)
        self.buf = [bytearray(), bytearray()]
        self.msgs = [[], []]
        self.reported = [set(), set()]
        self.isn = list(isn)
        self.midstream = midstream
        self.base = [None, None] if midstream else [0, 0]
        self.have = [bytearray(), bytearray()]
        self.contig = [0, 0]
        self.ipv = 6 if is6(c[0]) else 4
        self.off = 0 if midstream else 1

    def queue(self, d, m):
        start = len(self.buf[d])
        data = m.data if isinstance(m, M) else m
        self.buf[d] += data
        if isinstance(m, M):
            self.msgs[d].append((start, len(self.buf[d]), m.line(self.ipv, "tcp")))
        return start, len(self.buf[d])

    def qseq(self, seq):
        """Queues (direction, M) pairs; returns the [start, end) of each."""
        return [self.queue(d, m) for d, m in seq]

    def _ack(self, d):
        o = 1 - d
        return self.isn[o] + self.off + (self.contig[o] if self.base[o] is not None else 0)

    def _emit(self, d, flags, seq, payload=b"", opts=None):
        src, dst = self.ep[d], self.ep[1 - d]
        ack = self._ack(d) if "A" in flags else 0
        return self.cap.add(self.wrap(ip_tcp(self.cap, src, dst, seq, ack, flags, payload, opts)))

    def handshake(self):
        mss = [("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]
        c, s = self.ep
        self.cap.add(self.wrap(ip_tcp(self.cap, c, s, self.isn[0], 0, "S", opts=mss)))
        self.cap.add(self.wrap(ip_tcp(self.cap, s, c, self.isn[1], self.isn[0] + 1, "SA", opts=mss)))
        self.cap.add(self.wrap(ip_tcp(self.cap, c, s, self.isn[0] + 1, self.isn[1] + 1, "A")))

    def seg(self, d, a, b, flags="PA"):
        if self.base[d] is None:
            self.base[d] = a
            self.contig[d] = a
        payload = bytes(self.buf[d][a:b])
        idx = self._emit(d, flags, self.isn[d] + self.off + a, payload)
        h = self.have[d]
        if len(h) < b:
            h.extend(b"\0" * (b - len(h)))
        for i in range(max(a, self.base[d]), b):
            h[i] = 1
        c = self.contig[d]
        while c < len(h) and h[c]:
            c += 1
        self.contig[d] = c
        lines = []
        for k, (ms, me, line) in enumerate(self.msgs[d]):
            if k in self.reported[d] or ms < self.base[d] or me > c:
                continue
            self.reported[d].add(k)
            lines.append(line)
        for k, line in enumerate(lines):
            self.cap.msgs.append((idx, k, line))
        return idx

    def ack(self, d):
        return self._emit(d, "A", self.isn[d] + self.off + len(self.buf[d]))

    def send_all(self, d, a, b, chunks):
        """Sends [a, b) of direction d cut at the given sizes (in order)."""
        pos = a
        for n in chunks:
            self.seg(d, pos, min(b, pos + n))
            pos += n
        if pos < b:
            self.seg(d, pos, b)

    def close(self):
        self._emit(0, "FA", self.isn[0] + self.off + len(self.buf[0]))
        self.isn[0] += 1  # FIN takes a sequence number
        self._emit(1, "FA", self.isn[1] + self.off + len(self.buf[1]))
        self.isn[1] += 1
        self._emit(0, "A", self.isn[0] + self.off + len(self.buf[0]))


# --------------------------------------------------------------------------
# scenarios

A = ("192.0.2.10", 5060)
B = ("198.51.100.20", 5060)
A6 = ("2001:db8::10", 5060)
B6 = ("2001:db8:1::20", 5060)


def sc_udp_basic():
    cap = Capture("udp-basic")
    f = Sip(cap.name)
    udp_exchange(cap, w_eth, A, B, Dialog(f, A, B).call())
    return cap


def sc_udp_oddport():
    cap = Capture("udp-oddport")
    f = Sip(cap.name)
    a, b = ("192.0.2.11", 5080), ("198.51.100.21", 5080)
    udp_exchange(cap, w_eth, a, b, Dialog(f, a, b).call())
    a, b = ("203.0.113.30", 40000), ("198.51.100.21", 40000)
    udp_exchange(cap, w_eth, a, b, register_flow(f, a, b) + Dialog(f, a, b).options())
    return cap


def sc_link(name, linktype, wrap, with6=False):
    cap = Capture(name, linktype)
    f = Sip(name)
    udp_exchange(cap, wrap, A, B, short_exchange(f, A, B))
    if with6:
        udp_exchange(cap, wrap, A6, B6, Dialog(f, A6, B6).options())
    return cap


def sc_gre():
    cap = Capture("gre")
    f = Sip(cap.name)
    g = w_gre(cap)
    udp_exchange(cap, g, A, B, short_exchange(f, A, B))
    # GRE with checksum, key and sequence present
    udp_exchange(cap, w_gre(cap, csum_key=True), A, B, Dialog(f, A, B).options())
    # IPv6 inside GRE (protocol 0x86DD)
    udp_exchange(cap, g, A6, B6, Dialog(f, A6, B6).options())
    # a TCP SIP connection inside GRE
    c, s = ("192.0.2.12", 45678), ("198.51.100.20", 5060)
    t = TcpConn(cap, g, c, s)
    d = Dialog(f, c, s, "TCP")
    (o0, o1), (r0, r1) = t.qseq(d.options())
    t.handshake()
    t.seg(0, o0, o1)
    t.seg(1, r0, r1)
    t.close()
    return cap


def sc_erspan2():
    cap = Capture("erspan2")
    f = Sip(cap.name)
    udp_exchange(cap, w_erspan2(cap), A, B, short_exchange(f, A, B))
    return cap


def sc_erspan3():
    cap = Capture("erspan3")
    f = Sip(cap.name)
    w = w_erspan3(cap)
    seq = short_exchange(f, A, B)
    udp_exchange(cap, w, A, B, seq[:-1])
    # last one with the platform-specific sub-header (O bit)
    d, m = seq[-1]
    udp_exchange(cap, lambda ipb: w(ipb, platform=True), A, B, [(d, m)])
    return cap


def sc_vxlan():
    cap = Capture("vxlan")
    f = Sip(cap.name)
    udp_exchange(cap, w_vxlan(cap), A, B, short_exchange(f, A, B))
    return cap


def sc_ipip():
    cap = Capture("ipip")
    f = Sip(cap.name)
    w = w_ipip(cap)
    udp_exchange(cap, w, A, B, short_exchange(f, A, B))
    udp_exchange(cap, w, A6, B6, Dialog(f, A6, B6).options()[:1])
    return cap


def ip4_frags(cap, src, dst, payload, sizes, order):
    """A UDP datagram cut into IPv4 fragments of the given data sizes
    (multiples of 8 except the last), emitted in the given order."""
    full = IP(src=src[0], dst=dst[0]) / UDP(sport=src[1], dport=dst[1]) / Raw(payload)
    udpb = bytes(full)[20:]
    ipid = cap.next_id()
    frags, pos = [], 0
    for i, n in enumerate(sizes):
        chunk = udpb[pos:pos + n] if i < len(sizes) - 1 else udpb[pos:]
        mf = i < len(sizes) - 1
        p = IP(src=src[0], dst=dst[0], id=ipid, ttl=64, proto=17, flags="MF" if mf else 0, frag=pos // 8) / Raw(chunk)
        frags.append(bytes(p))
        pos += len(chunk)
    assert pos == len(udpb)
    return [frags[i] for i in order]


def sc_ipv4_frag():
    cap = Capture("ipv4-frag")
    f = Sip(cap.name)
    for order in ([0, 1, 2], [2, 0, 1]):
        d = Dialog(f, A, B)
        seq = d.call(offer=sdp(A[0], 49170, 2890844526, "alice", big=3000))
        inv = seq[0][1]
        assert 2900 < len(inv.data) < 4400, len(inv.data)
        frs = ip4_frags(cap, A, B, inv.data, [1480, 1480, 0], order)
        for i, fr in enumerate(frs):
            cap.add(w_eth(fr), [inv.line(4, "udp")] if i == len(frs) - 1 else [])
        udp_exchange(cap, w_eth, A, B, seq[1:])
    return cap


def ip6_frags(cap, src, dst, payload, sizes, order, hbh=False, ident=0x1000):
    full = IPv6(src=src[0], dst=dst[0]) / UDP(sport=src[1], dport=dst[1]) / Raw(payload)
    udpb = bytes(full)[40:]
    frags, pos = [], 0
    for i, n in enumerate(sizes):
        chunk = udpb[pos:pos + n] if i < len(sizes) - 1 else udpb[pos:]
        m = 1 if i < len(sizes) - 1 else 0
        fh = IPv6ExtHdrFragment(nh=17, offset=pos // 8, m=m, id=ident)
        if hbh:
            p = IPv6(src=src[0], dst=dst[0], hlim=64, nh=0) / IPv6ExtHdrHopByHop(nh=44, options=[PadN(optdata=b"\0\0\0\0")]) / fh / Raw(chunk)
        else:
            p = IPv6(src=src[0], dst=dst[0], hlim=64, nh=44) / fh / Raw(chunk)
        frags.append(bytes(p))
        pos += len(chunk)
    assert pos == len(udpb)
    return [frags[i] for i in order]


def sc_ipv6_udp():
    cap = Capture("ipv6-udp")
    f = Sip(cap.name)
    udp_exchange(cap, w_eth, A6, B6, Dialog(f, A6, B6).call())
    udp_exchange(cap, w_eth, A6, B6, register_flow(f, A6, B6))
    return cap


def sc_ipv6_frag():
    cap = Capture("ipv6-frag")
    f = Sip(cap.name)
    for k, (order, hbh) in enumerate((([0, 1, 2], False), ([1, 2, 0], False), ([0, 1, 2], True))):
        d = Dialog(f, A6, B6)
        seq = d.call(offer=sdp(A6[0], 49170, 2890844526, "alice", big=3000))
        inv = seq[0][1]
        frs = ip6_frags(cap, A6, B6, inv.data, [1448, 1448, 0], order, hbh=hbh, ident=0x5000 + k)
        for i, fr in enumerate(frs):
            cap.add(w_eth(fr), [inv.line(6, "udp")] if i == len(frs) - 1 else [])
        udp_exchange(cap, w_eth, A6, B6, seq[1:3])
    return cap


C = ("192.0.2.50", 41234)
S = ("198.51.100.20", 5060)


def sc_tcp_pipelined():
    cap = Capture("tcp-pipelined")
    f = Sip(cap.name)
    t = TcpConn(cap, w_eth, C, S)
    d1, d2, d3 = Dialog(f, C, S, "TCP"), Dialog(f, C, S, "TCP", b_user="carol"), Dialog(f, C, S, "TCP", b_user="dave")
    call = d1.call()
    opts = d2.options()
    msg = d3.message("Hello over a pipelined TCP connection.\r\n")
    (i0, _), _, _ = t.qseq([call[0], opts[0], msg[0]])
    c_end = len(t.buf[0])
    (s0, _), (o0, o1), (m0, m1) = t.qseq([call[1], opts[1], msg[1]])
    t.handshake()
    t.seg(0, i0, c_end)                    # three complete requests
    half = o0 + (o1 - o0) // 2
    t.seg(1, s0, half)                     # 100 Trying + half of 200 (OPTIONS)
    t.seg(1, half, m1)                     # rest + 200 (MESSAGE)
    t.ack(0)
    t.close()
    return cap


def sc_tcp_split():
    cap = Capture("tcp-split")
    f = Sip(cap.name)
    t = TcpConn(cap, w_eth, C, S, isn=(3000000, 4000000))
    d = Dialog(f, C, S, "TCP")
    call = d.call()
    (a, b), (r0, r1) = t.qseq(call[:2])
    data = bytes(t.buf[0][a:b])
    hdr_end = data.index(b"\r\n\r\n")
    cuts = sorted({
        data.index(b"Max-Forw") + 3,            # inside a header name
        data.index(b"Call-ID:") + 6,             # inside "Call-ID"
        data.index(b"Content-Type:") + 9,        # inside a header name
        hdr_end + 3,                             # inside CRLF CRLF
        hdr_end + 4 + 60,                        # inside the body
    })
    pos = a
    for c in cuts:
        t.seg(0, pos, a + c)
        pos = a + c
    t.seg(0, pos, b)
    assert len(cuts) == 5
    t.seg(1, r0, r1)
    t.close()
    return cap


def sc_tcp_retrans():
    cap = Capture("tcp-retrans")
    f = Sip(cap.name)
    t = TcpConn(cap, w_eth, C, S, isn=(5000000, 6000000))
    d = Dialog(f, C, S, "TCP")
    opts = Dialog(f, C, S, "TCP", b_user="carol").options()
    call = d.call()
    (o0, o1), (p0, p1) = t.qseq(opts)
    (i0, i1), (s0, s1), (g0, g1) = t.qseq(call[:3])
    t.handshake()
    t.seg(0, o0, o1)
    t.seg(0, o0, o1)                       # exact duplicate
    t.seg(1, p0, p1)
    t.seg(1, p0, p1)                       # exact duplicate
    t.seg(0, i0, i0 + 400)
    t.seg(0, i0 + 300, i0 + 700)           # overlaps 100 bytes already sent
    t.seg(0, i0 + 700, i1)
    t.seg(0, i0 + 500, i1)                 # retransmission of old data
    t.seg(1, s0, g1)
    t.seg(1, s0, s1)                       # retransmits the 100 alone
    t.ack(0)
    t.close()
    return cap


def sc_tcp_ooo():
    cap = Capture("tcp-ooo")
    f = Sip(cap.name)
    t = TcpConn(cap, w_eth, C, S, isn=(7000000, 8000000))
    d = Dialog(f, C, S, "TCP")
    call = d.call()
    (i0, i1), = t.qseq(call[:1])
    (o0, o1), = t.qseq(Dialog(f, C, S, "TCP", b_user="carol").options()[:1])
    (s0, s1), (g0, g1) = t.qseq(call[1:3])
    t.handshake()
    third = (i1 - i0) // 3
    t.seg(0, i0, i0 + third)
    t.seg(0, i0 + 2 * third, o1)           # last part of INVITE + OPTIONS, early
    t.seg(0, i0 + third, i0 + 2 * third)   # the missing middle: completes both
    t.seg(1, g0, g1)                       # 180 before the 100 on the wire
    t.seg(1, s0, s1)
    t.ack(0)
    t.close()
    return cap


def midstream(cap, c, s, f, isn):
    t = TcpConn(cap, w_eth, c, s, isn=isn, midstream=True)
    d = Dialog(f, c, s, "TCP")
    call = d.call()
    (i0, i1), = t.qseq(call[:1])
    o = Dialog(f, c, s, "TCP", b_user="carol").options()
    m = Dialog(f, c, s, "TCP", b_user="dave").message("still here\r\n")
    (a0, a1), (o0, o1), (m0, m1) = t.qseq([call[4], o[0], m[0]])
    (r0, r1), = t.qseq(call[3:4])          # 200 OK (INVITE)
    (p0, p1), (q0, q1) = t.qseq([o[1], m[1]])
    inv = bytes(t.buf[0][i0:i1])
    body_mid = i0 + inv.index(b"a=rtpmap:8")
    t.seg(0, body_mid, a1)                 # tail of an INVITE body + whole ACK
    ok = bytes(t.buf[1][r0:r1])
    t.seg(1, r0 + ok.index(b"CSeq:"), r1)  # tail of the 200's headers and its body
    t.seg(0, o0, m1)
    t.seg(1, p0, q1)
    t.ack(0)
    return t


def sc_tcp_midstream():
    cap = Capture("tcp-midstream")
    midstream(cap, ("192.0.2.60", 5060), ("198.51.100.60", 5060), Sip(cap.name), (123456789, 987654321))
    return cap


def sc_tcp_keepalive():
    cap = Capture("tcp-keepalive")
    f = Sip(cap.name)
    t = TcpConn(cap, w_eth, C, S, isn=(9000000, 9500000))
    reg = register_flow(f, C, S, "TCP")
    o1 = Dialog(f, C, S, "TCP").options()
    o2 = Dialog(f, C, S, "TCP", b_user="carol").options()
    t.handshake()
    for dd, m in reg:
        a, b = t.queue(dd, m)
        t.seg(dd, a, b)
    a, b = t.queue(0, b"\r\n\r\n")         # RFC 5626 ping
    t.seg(0, a, b)
    a, b = t.queue(1, b"\r\n")             # pong
    t.seg(1, a, b)
    a, _ = t.queue(0, b"\r\n\r\n")
    _, b = t.queue(0, o1[0][1])            # ping + OPTIONS (Content-Length: 0) in one segment
    t.seg(0, a, b)
    a, b = t.queue(1, o1[1][1])
    t.seg(1, a, b)
    a, _ = t.queue(0, o2[0][1])
    _, b = t.queue(0, b"\r\n\r\n")         # OPTIONS + ping
    t.seg(0, a, b)
    a, _ = t.queue(1, b"\r\n")
    _, b = t.queue(1, o2[1][1])
    t.seg(1, a, b)
    t.close()
    return cap


def sc_ipv6_tcp():
    cap = Capture("ipv6-tcp")
    f = Sip(cap.name)
    c, s = ("2001:db8::50", 41234), ("2001:db8:1::20", 5060)
    t = TcpConn(cap, w_eth, c, s, isn=(11000000, 12000000))
    d = Dialog(f, c, s, "TCP")
    call = d.call()
    o = Dialog(f, c, s, "TCP", b_user="carol").options()
    (i0, i1), = t.qseq(call[:1])
    (o0, o1), = t.qseq(o[:1])
    (s0, s1), (g0, g1), (k0, k1), (p0, p1) = t.qseq(call[1:4] + o[1:2])
    (a0, a1), = t.qseq(call[4:5])
    t.handshake()
    t.seg(0, i0, i0 + 500)                 # INVITE split in three
    t.seg(0, i0 + 900, o1)                 # out of order: tail of INVITE + OPTIONS
    t.seg(0, i0 + 500, i0 + 900)
    t.seg(1, s0, g1)                       # 100 + 180 pipelined
    t.seg(1, k0, p1)                       # 200 (INVITE) + 200 (OPTIONS)
    t.seg(0, a0, a1)
    t.close()
    return cap


def sc_ipv6_tcp_midstream():
    cap = Capture("ipv6-tcp-midstream")
    midstream(cap, ("2001:db8::60", 5060), ("2001:db8:1::60", 5060), Sip(cap.name), (223456789, 3987654321))
    return cap


def sc_sdes_udp():
    cap = Capture("sdes-udp")
    f = Sip(cap.name)
    key1 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
    key2 = "PS1uQCVTaXB3YXRjaCBzZGVzIGFuc3dlciBrZXkK"
    d = Dialog(f, A, B)
    seq = d.call(offer=sdp(A[0], 49170, 2890844526, "alice", savp=key1),
                 answer=sdp(B[0], 3456, 2890844527, "bob", savp=key2))
    udp_exchange(cap, w_eth, A, B, seq[:5])
    d = Dialog(f, A, B)
    bnd = "boundary-sipwatch-42"
    body = (f"--{bnd}\r\nContent-Type: application/resource-lists+xml\r\nContent-Disposition: recipient-list\r\n\r\n"
            '<?xml version="1.0" encoding="UTF-8"?>\r\n'
            '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>'
            '<entry uri="sip:carol@198.51.100.20"/></list></resource-lists>\r\n'
            f"--{bnd}\r\nContent-Type: application/sdp\r\n\r\n"
            + sdp(A[0], 49172, 2890844600, "alice", savp=key1) + f"--{bnd}--\r\n")
    seq = d.call(offer=body, answer=sdp(B[0], 3458, 2890844601, "bob", savp=key2), ctype=f'multipart/mixed;boundary="{bnd}"')
    udp_exchange(cap, w_eth, A, B, seq[:5])
    return cap


def sc_not_sip():
    cap = Capture("not-sip")
    dev, ctl = ("192.0.2.70", 1900), ("203.0.113.250", 1900)
    notify = ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n"
              "LOCATION: http://192.0.2.70:49152/desc.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n"
              "SERVER: Linux/5.10 UPnP/1.0 sipwatch-gen/1.0\r\nUSN: uuid:2fac1234-31f8-11b4-a222-08002b34c003::upnp:rootdevice\r\n\r\n")
    cap.add(w_eth(ip_udp(cap, dev, ctl, notify)))
    cap.add(w_eth(ip_udp(cap, ("192.0.2.70", 5060), ("198.51.100.20", 5060), notify)))
    msearch = 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n'
    cap.add(w_eth(ip_udp(cap, ("192.0.2.71", 5060), ("198.51.100.20", 5060), msearch)))
    # HTTP on TCP 5060
    t = TcpConn(cap, w_eth, ("192.0.2.72", 50123), ("198.51.100.20", 5060), isn=(31000, 32000))
    get = b"GET /index.html HTTP/1.1\r\nHost: 198.51.100.20:5060\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
    resp = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html></html>"
    t.handshake()
    a, b = t.queue(0, get)
    t.seg(0, a, b)
    a, b = t.queue(1, resp)
    t.seg(1, a, b)
    t.close()
    # RTP (PCMU) on a high port
    for i in range(4):
        rtp = struct.pack("!BBHII", 0x80, 0x80 if i == 0 else 0, 1000 + i, 160 * i, 0x11223344) + prand(f"rtp{i}", 160)
        cap.add(w_eth(ip_udp(cap, ("192.0.2.10", 49170), ("198.51.100.20", 3456), rtp)))
    # STUN binding requests (RFC 5389) to 3478 and to 5060
    for port in (3478, 5060):
        tid = prand(f"stun{port}", 12)
        attr = struct.pack("!HH", 0x8022, 12) + b"sipwatch-gen"       # SOFTWARE
        stun = struct.pack("!HHI", 0x0001, len(attr), 0x2112A442) + tid + attr
        cap.add(w_eth(ip_udp(cap, ("192.0.2.73", 5060), ("198.51.100.20", port), stun)))
    # binary junk on 5060
    cap.add(w_eth(ip_udp(cap, ("192.0.2.74", 5060), ("198.51.100.20", 5060), prand("junk", 200))))
    # "SIP" words but no SIP start line
    cap.add(w_eth(ip_udp(cap, ("192.0.2.74", 5060), ("198.51.100.20", 5060), b"hello SIP world\r\n\r\n")))
    return cap


# TLS --------------------------------------------------------------------


def u8(n):
    return struct.pack("!B", n)


def u16(n):
    return struct.pack("!H", n)


def u24(n):
    return struct.pack("!I", n)[1:]


def ext(t, data):
    return u16(t) + u16(len(data)) + data


def hs(t, body):
    return u8(t) + u24(len(body)) + body


def record(ct, ver, body):
    return u8(ct) + u16(ver) + u16(len(body)) + body


def client_hello(seed, sni, versions):
    tls13 = 0x0304 in versions
    ciphers = ([0x1301, 0x1302, 0x1303] if tls13 else []) + [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8, 0x009E, 0x009C]
    name = sni.encode()
    exts = ext(0, u16(len(name) + 3) + u8(0) + u16(len(name)) + name)
    exts += ext(0xFF01, b"\0")
    exts += ext(10, u16(6) + u16(0x001D) + u16(0x0017) + u16(0x0018))
    exts += ext(11, b"\x01\x00")
    sig = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    exts += ext(13, u16(2 * len(sig)) + b"".join(u16(x) for x in sig))
    exts += ext(23, b"")
    exts += ext(43, u8(2 * len(versions)) + b"".join(u16(v) for v in versions))
    if tls13:
        exts += ext(45, b"\x01\x01")
        ks = u16(0x001D) + u16(32) + prand(seed + "/ks", 32)
        exts += ext(51, u16(len(ks)) + ks)
    sid = prand(seed + "/sid", 32)
    body = u16(0x0303) + prand(seed + "/rnd", 32) + u8(len(sid)) + sid
    body += u16(2 * len(ciphers)) + b"".join(u16(c) for c in ciphers) + b"\x01\x00"
    body += u16(len(exts)) + exts
    return record(22, 0x0301, hs(1, body))


def server_hello(seed, csid_seed, tls13):
    sid = prand(csid_seed + "/sid", 32)
    if tls13:
        exts = ext(43, u16(0x0304)) + ext(51, u16(0x001D) + u16(32) + prand(seed + "/ks", 32))
        cipher = 0x1301
    else:
        exts = ext(0xFF01, b"\0") + ext(11, b"\x01\x00") + ext(23, b"")
        cipher = 0xC02F
    body = u16(0x0303) + prand(seed + "/rnd", 32) + u8(len(sid)) + sid + u16(cipher) + b"\0" + u16(len(exts)) + exts
    return record(22, 0x0303, hs(2, body))


def tls_conn(cap, c, s, tls13, isn):
    seed = f"tls/{s[1]}"
    t = TcpConn(cap, w_eth, c, s, isn=isn)
    t.handshake()
    flights = [(0, client_hello(seed + "/c", "sip.example.com", [0x0304, 0x0303] if tls13 else [0x0303]))]
    if tls13:
        flights.append((1, server_hello(seed + "/s", seed + "/c", True) + record(20, 0x0303, b"\x01")
                        + record(23, 0x0303, prand(seed + "/ee", 900))))
        flights.append((0, record(20, 0x0303, b"\x01") + record(23, 0x0303, prand(seed + "/cf", 53))))
    else:
        flights.append((1, server_hello(seed + "/s", seed + "/c", False) + record(22, 0x0303, hs(14, b""))))
        cke = hs(16, u8(32) + prand(seed + "/cke", 32))
        flights.append((0, record(22, 0x0303, cke) + record(20, 0x0303, b"\x01") + record(22, 0x0303, prand(seed + "/cfin", 40))))
        flights.append((1, record(20, 0x0303, b"\x01") + record(22, 0x0303, prand(seed + "/sfin", 40))))
    for i in range(3):
        flights.append((0, record(23, 0x0303, prand(f"{seed}/app-c{i}", 600 + 37 * i))))
        flights.append((1, record(23, 0x0303, prand(f"{seed}/app-s{i}", 400 + 11 * i))))
    for d, data in flights:
        a, b = t.queue(d, data)
        t.seg(d, a, b)
    t.close()


def sc_tls_synthetic():
    cap = Capture("tls-synthetic")
    tls_conn(cap, ("192.0.2.80", 50001), ("198.51.100.20", 5061), True, (41000, 42000))
    tls_conn(cap, ("192.0.2.81", 50002), ("198.51.100.20", 4433), False, (43000, 44000))
    return cap


# malformed ---------------------------------------------------------------


def sc_malformed():
    cap = Capture("malformed")
    cap.anomalies = []
    f = Sip(cap.name)
    a, b = ("203.0.113.66", 5060), ("198.51.100.20", 5060)
    ruri = f"sip:bob@{b[0]}"

    def std(method, cid, cseq_method=None, drop=(), extra=(), body="", ctype=None, cl=True):
        hdrs = [("Via", f"SIP/2.0/UDP {a[0]}:5060;branch=z9hG4bK{f.tok('br')}"),
                ("Max-Forwards", "70"),
                ("From", f"<sip:mallory@{a[0]}>;tag={f.tok('ft')}"),
                ("To", f"<sip:bob@{b[0]}>"),
                ("Call-ID", cid),
                ("CSeq", f"1 {cseq_method or method}")]
        hdrs = [h for h in hdrs if h[0] not in drop] + list(extra)
        if ctype:
            hdrs.append(("Content-Type", ctype))
        return hdrs

    def emit(data, label, cid, anomalies):
        m = M(data, label, cid)
        cap.add(w_eth(ip_udp(cap, a, b, m.data)), [m.line(4, "udp")])
        cap.anomalies.append(anomalies)

    # 0 junk before the start line (same line, as the parser resyncs there)
    cid = f.callid(a[0])
    emit(b"@@@@ " + build(f"OPTIONS {ruri} SIP/2.0", std("OPTIONS", cid)), "OPTIONS", cid, ["junk_before_start_line"])
    # 1 bare LF line ends
    cid = f.callid(a[0])
    emit(build(f"OPTIONS {ruri} SIP/2.0", std("OPTIONS", cid)).replace(b"\r\n", b"\n"), "OPTIONS", cid, ["bare_lf"])
    # 2 unknown (extension) method
    cid = f.callid(a[0])
    emit(build(f"FOO {ruri} SIP/2.0", std("FOO", cid)), "FOO", cid, ["unknown_method"])
    # 3 bad version
    cid = f.callid(a[0])
    emit(build(f"OPTIONS {ruri} SIP/3.0", std("OPTIONS", cid)), "OPTIONS", cid, ["bad_version"])
    # 4 missing Call-ID
    emit(build(f"OPTIONS {ruri} SIP/2.0", std("OPTIONS", "x", drop=("Call-ID",))), "OPTIONS", None, ["missing_call_id"])
    # 5 CSeq method differs from the request method
    cid = f.callid(a[0])
    body = sdp(a[0], 40000, 1, "mallory")
    emit(build(f"INVITE {ruri} SIP/2.0", std("INVITE", cid, cseq_method="BYE", ctype="application/sdp"), body), "INVITE", cid, ["cseq_method_mismatch"])
    # 6 two identical Content-Length headers
    cid = f.callid(a[0])
    emit(build(f"OPTIONS {ruri} SIP/2.0", std("OPTIONS", cid, extra=[("Content-Length", "0")])), "OPTIONS", cid, ["duplicate_content_length"])
    # 7 Content-Length larger than the body
    cid = f.callid(a[0])
    hdrs = std("INVITE", cid, ctype="application/sdp") + [("Content-Length", str(len(body) + 500))]
    emit(build(f"INVITE {ruri} SIP/2.0", hdrs, body, add_cl=False), "INVITE", cid, ["content_length_mismatch", "truncated_body"])
    # 8 Request-URI of 300 characters
    cid = f.callid(a[0])
    long_uri = f"sip:{'9' * (300 - len('sip:@' + b[0]))}@{b[0]}"
    assert len(long_uri) == 300
    emit(build(f"OPTIONS {long_uri} SIP/2.0", std("OPTIONS", cid)), "OPTIONS", cid, ["long_request_uri"])
    # 9 folded header line (legal: RFC 3261 7.3.1)
    cid = f.callid(a[0])
    hdrs = std("OPTIONS", cid, extra=[("Subject", "a subject\r\n  folded onto a second line")])
    emit(build(f"OPTIONS {ruri} SIP/2.0", hdrs), "OPTIONS", cid, [])
    # 10 compact header forms (legal: RFC 3261 7.3.3)
    cid = f.callid(a[0])
    body = sdp(a[0], 40002, 2, "mallory")
    data = (f"INVITE {ruri} SIP/2.0\r\n"
            f"v: SIP/2.0/UDP {a[0]}:5060;branch=z9hG4bK{f.tok('br')}\r\n"
            "Max-Forwards: 70\r\n"
            f"f: <sip:mallory@{a[0]}>;tag={f.tok('ft')}\r\n"
            f"t: <sip:bob@{b[0]}>\r\n"
            f"i: {cid}\r\n"
            "CSeq: 1 INVITE\r\n"
            f"m: <sip:mallory@{a[0]}:5060>\r\n"
            "k: timer\r\n"
            "c: application/sdp\r\n"
            f"l: {len(body)}\r\n\r\n{body}")
    emit(data, "INVITE", cid, [])
    # 11 status code out of range
    cid = f.callid(a[0])
    emit(build("SIP/2.0 700 Strange", std("OPTIONS", cid)), "700", cid, ["bad_status"])
    # 12 NUL byte inside a header value
    cid = f.callid(a[0])
    emit(build(f"OPTIONS {ruri} SIP/2.0", std("OPTIONS", cid, extra=[("Subject", "nul\0here")])), "OPTIONS", cid, ["nul_byte"])
    return cap


SCENARIOS = [
    sc_udp_basic,
    sc_udp_oddport,
    lambda: sc_link("vlan", LINKTYPE_ETHERNET, w_vlan),
    lambda: sc_link("qinq", LINKTYPE_ETHERNET, w_qinq),
    lambda: sc_link("sll", LINKTYPE_LINUX_SLL, w_sll),
    lambda: sc_link("sll2", LINKTYPE_LINUX_SLL2, w_sll2),
    lambda: sc_link("rawip", LINKTYPE_RAW, w_raw, with6=True),
    lambda: sc_link("null", LINKTYPE_NULL, w_null, with6=True),
    sc_gre,
    sc_erspan2,
    sc_erspan3,
    sc_vxlan,
    sc_ipip,
    sc_ipv4_frag,
    sc_ipv6_udp,
    sc_ipv6_frag,
    sc_tcp_pipelined,
    sc_tcp_split,
    sc_tcp_retrans,
    sc_tcp_ooo,
    sc_tcp_midstream,
    sc_tcp_keepalive,
    sc_ipv6_tcp,
    sc_ipv6_tcp_midstream,
    sc_sdes_udp,
    sc_not_sip,
    sc_tls_synthetic,
    sc_malformed,
]


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[1]
    want = set(argv[2:])
    os.makedirs(outdir, exist_ok=True)
    for sc in SCENARIOS:
        cap = sc()
        if want and cap.name not in want:
            continue
        cap.write(outdir)
        print(f"{cap.name}: {len(cap.frames)} packets, {len(cap.msgs)} SIP messages")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
