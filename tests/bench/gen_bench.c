/*
 * gen_bench.c - deterministic SIP capture generator for `make bench`.
 *
 *   gen_bench MIX N OUT.pcap [SEED]
 *
 * Writes a classic pcap (LINKTYPE_ETHERNET, microsecond timestamps, little
 * endian) of about N SIP messages.  Same arguments, same bytes: a fixed-seed
 * PRNG and packet time starting at 2024-01-01 00:00:00 UTC, never the wall
 * clock.  SEED (a number, default 0) changes the PRNG's seed: the same kind
 * of traffic with other choices (the profile-guided build trains on such a
 * capture, not on the benchmark's own).  Exit status 0 ok, 1 usage, 2 write
 * error.
 *
 * MIX is one of
 *   mix     phones (5000 addresses in 10.1/16, users 1000-9999) and four
 *           PBXs: calls with SDP, digest registrations (RFC 3261 s22,
 *           RFC 2617 qop=auth), OPTIONS keepalives; about 70 % of the
 *           messages over UDP, 30 % over TCP connections that open with a
 *           handshake, carry several transactions (some segments hold two
 *           pipelined messages, some messages span two segments) and close
 *           with FIN.
 *   attack  REGISTERs over UDP, each from its own source address and From
 *           user (distributed brute force / enumeration); half answered
 *           401.  N counts REGISTERs and 401s together.
 *   trunk   2000 TCP connections opened at the start and kept up, calls
 *           interleaved on all of them, closed with FIN at the end.
 *
 * IPv4 header checksums are right; UDP and TCP checksums are 0 (the IPv4
 * UDP "no checksum" value; for TCP, sipwatch and libnids are told not to
 * check).  TCP sequence and acknowledgement numbers are consistent, so
 * libnids follows every connection.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_SEC 1704067200ull /* 2024-01-01T00:00:00Z */
#define MSS 1448
#define NPHONES 5000
#define NPBX 4
#define TRUNK_CONNS 2000

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10

/* ---- PRNG: splitmix64, fixed seed ---- */

static uint64_t rng_state = 0x5157617463684265ull;

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t
rnd(void)
{
	rng_state += 0x9E3779B97F4A7C15ull;
	return mix64(rng_state);
}

/* Uniform in [0, n). */
static uint32_t
rndn(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* Probability percent. */
static int
chance(uint32_t pct)
{
	return rndn(100) < pct;
}

/* ---- output: one big buffer, fwrite when full ---- */

static FILE *out;
static uint8_t *obuf;
static size_t olen;
#define OBUF_SIZE (8u << 20)

static uint64_t now_us = START_SEC * 1000000ull;
static uint16_t ip_id;
static uint64_t n_msgs; /* SIP messages written */

static void
oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, out) != olen) {
		perror("gen_bench: write");
		exit(2);
	}
	olen = 0;
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, v >> 16);
	be16(p + 2, v);
}

static void
pcap_header(void)
{
	uint8_t *p = obuf + olen;
	le32(p, 0xa1b2c3d4u);
	p[4] = 2, p[5] = 0, p[6] = 4, p[7] = 0; /* version 2.4 */
	le32(p + 8, 0);
	le32(p + 12, 0);
	le32(p + 16, 65535);
	le32(p + 20, 1); /* LINKTYPE_ETHERNET */
	olen += 24;
}

static void
mac_of(uint8_t *m, uint32_t ip)
{
	m[0] = 0x02, m[1] = 0x00;
	be32(m + 2, ip);
}

/*
 * One Ethernet/IPv4 packet.  proto 17: UDP; 6: TCP with seq/ack/flags.
 */
static void
emit(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, int proto,
    uint32_t seq, uint32_t ack, uint8_t flags, const char *pl, size_t plen)
{
	size_t l4 = proto == 17 ? 8 : 20;
	size_t iplen = 20 + l4 + plen;
	size_t caplen = 14 + iplen;

	if (olen + 16 + caplen > OBUF_SIZE)
		oflush();
	uint8_t *r = obuf + olen;
	le32(r, (uint32_t)(now_us / 1000000));
	le32(r + 4, (uint32_t)(now_us % 1000000));
	le32(r + 8, (uint32_t)caplen);
	le32(r + 12, (uint32_t)caplen);

	uint8_t *e = r + 16;
	mac_of(e, dst);
	mac_of(e + 6, src);
	be16(e + 12, 0x0800);

	uint8_t *ip = e + 14;
	ip[0] = 0x45;
	ip[1] = 0x68; /* DSCP AF31, common for SIP signalling */
	be16(ip + 2, (uint32_t)iplen);
	be16(ip + 4, ip_id++);
	be16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	ip[10] = ip[11] = 0;
	be32(ip + 12, src);
	be32(ip + 16, dst);
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	be16(ip + 10, ~s & 0xffff);

	uint8_t *t = ip + 20;
	be16(t, sport);
	be16(t + 2, dport);
	if (proto == 17) {
		be16(t + 4, (uint32_t)(8 + plen));
		be16(t + 6, 0);
	} else {
		be32(t + 4, seq);
		be32(t + 8, ack);
		t[12] = 0x50;
		t[13] = flags;
		be16(t + 14, 65535);
		be16(t + 16, 0);
		be16(t + 18, 0);
	}
	if (plen)
		memcpy(t + l4, pl, plen);
	olen += 16 + caplen;
}

/* Packet time: a gap uniform in [1, 2 * mean] microseconds. */
static void
tick(uint32_t mean)
{
	now_us += 1 + rndn(2 * mean);
}

/* ---- string builder ---- */

struct sb {
	char *p, *end;
};

static void
s_mem(struct sb *b, const char *s, size_t n)
{
	if ((size_t)(b->end - b->p) < n) {
		fprintf(stderr, "gen_bench: message buffer overflow\n");
		exit(2);
	}
	memcpy(b->p, s, n);
	b->p += n;
}

static void
s_str(struct sb *b, const char *s)
{
	s_mem(b, s, strlen(s));
}

static void
s_u(struct sb *b, uint64_t v)
{
	char t[24];
	int n = 0;
	do {
		t[sizeof(t) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	s_mem(b, t + sizeof(t) - n, (size_t)n);
}

/* v in exactly `width` decimal digits (leading zeros). */
static void
s_u0(struct sb *b, uint64_t v, int width)
{
	char t[24];
	for (int i = width - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	s_mem(b, t, (size_t)width);
}

static void
s_hex(struct sb *b, uint64_t v, int n)
{
	static const char hx[] = "0123456789abcdef";
	char t[16];
	for (int i = 0; i < n; i++)
		t[i] = hx[(v >> (4 * i)) & 15];
	s_mem(b, t, (size_t)n);
}

static void
s_ip(struct sb *b, uint32_t ip)
{
	s_u(b, ip >> 24);
	s_mem(b, ".", 1);
	s_u(b, (ip >> 16) & 255);
	s_mem(b, ".", 1);
	s_u(b, (ip >> 8) & 255);
	s_mem(b, ".", 1);
	s_u(b, ip & 255);
}

static void
s_ipport(struct sb *b, uint32_t ip, uint16_t port)
{
	s_ip(b, ip);
	s_mem(b, ":", 1);
	s_u(b, port);
}

#define S(b, lit) s_mem((b), (lit), sizeof(lit) - 1)

/* ---- SIP conversations ---- */

enum { SC_CALL, SC_REG, SC_OPT };
static const uint8_t sc_len[] = { 7, 4, 2 };

struct conv {
	uint32_t cip, sip; /* client (phone, trunk peer), server (PBX) */
	uint16_t cport, sport;
	uint32_t seq[2]; /* next sequence number: [0] client->server, [1] back */
	uint8_t tcp, opened, trunk;
	uint8_t sc, step;
	uint8_t flip; /* BYE / OPTIONS sent by the server side */
	uint8_t pbx, ua;
	uint32_t user, peer; /* caller (client side) and callee numbers */
	uint32_t cseq;
	uint32_t nleft; /* TCP: transactions after this one */
	uint64_t k;     /* scenario seed: every id derives from it */
};

static const char *const phone_ua[] = {
	"Yealink SIP-T46S 66.86.0.15",
	"Grandstream GXP2170 1.0.11.23",
	"PolycomVVX-VVX_450-UA/6.4.3.5018",
	"Cisco-CP8845/14.1.1",
	"Linphone/5.2.0 (belle-sip/5.2.0)",
	"snom D785/10.1.141.13",
	"Fanvil X4U 2.12.2.5",
	"Zoiper rv2.10.19.5",
};
static const char *const pbx_ua[] = {
	"Asterisk PBX 20.5.0",
	"FPBX-16.0.40(18.20.0)",
	"Kamailio (5.7.3 (x86_64/linux))",
	"FreeSWITCH-mod_sofia/1.10.10-release~64bit",
};
static const char *const pbx_realm[] = {
	"asterisk", "pbx.example.com", "sip.example.net", "voip.example.org",
};

static uint32_t
pbx_ip(unsigned i)
{
	return 0xC0A80001u + i; /* 192.168.0.1 .. */
}

static uint32_t
phone_ip(unsigned i)
{
	return 0x0A010000u | (i / 250) << 8 | (i % 250 + 1); /* 10.1.x.1-250 */
}

static void
s_user(struct sb *b, const struct conv *c, uint32_t num)
{
	if (c->trunk) {
		S(b, "+4930");
		s_u0(b, num, 7);
	} else {
		s_u(b, num);
	}
}

static void
s_transport_param(struct sb *b, const struct conv *c)
{
	if (c->tcp)
		S(b, ";transport=tcp");
}

/* Via of the request sent in direction dir at step bstep. */
static void
h_via(struct sb *b, const struct conv *c, int dir, int bstep)
{
	S(b, "Via: SIP/2.0/");
	if (c->tcp)
		S(b, "TCP ");
	else
		S(b, "UDP ");
	if (dir == 0)
		s_ipport(b, c->cip, c->cport);
	else
		s_ipport(b, c->sip, c->sport);
	S(b, ";branch=z9hG4bK");
	s_hex(b, mix64(c->k ^ (0x100u + (unsigned)bstep)), 12);
	if (dir == 0 && !c->trunk)
		S(b, ";rport");
	S(b, "\r\n");
}

static void
h_callid(struct sb *b, const struct conv *c)
{
	S(b, "Call-ID: ");
	s_hex(b, mix64(c->k ^ 1), 16);
	s_hex(b, mix64(c->k ^ 11), 8);
	S(b, "@");
	s_ip(b, c->cip);
	S(b, "\r\n");
}

static void
s_tag(struct sb *b, const struct conv *c, int which)
{
	S(b, ";tag=");
	s_hex(b, mix64(c->k ^ (uint64_t)(2 + which)), 10);
}

/* Name-addr of number num at host ip (the PBX domain). */
static void
s_aor(struct sb *b, const struct conv *c, uint32_t num, uint32_t ip)
{
	S(b, "<sip:");
	s_user(b, c, num);
	S(b, "@");
	s_ip(b, ip);
	S(b, ">");
}

static void
h_cseq(struct sb *b, uint32_t n, const char *method)
{
	S(b, "CSeq: ");
	s_u(b, n);
	S(b, " ");
	s_str(b, method);
	S(b, "\r\n");
}

static void
h_ua(struct sb *b, const struct conv *c, int dir, int request)
{
	s_str(b, request ? "User-Agent: " : "Server: ");
	s_str(b, dir == 0 ? phone_ua[c->ua] : pbx_ua[c->pbx]);
	S(b, "\r\n");
}

static void
h_contact(struct sb *b, const struct conv *c, int dir, uint32_t num)
{
	S(b, "Contact: <sip:");
	s_user(b, c, num);
	S(b, "@");
	if (dir == 0)
		s_ipport(b, c->cip, c->cport);
	else
		s_ipport(b, c->sip, c->sport);
	s_transport_param(b, c);
	S(b, ">\r\n");
}

/* SDP offer (dir 0) or answer (dir 1), RFC 4566. */
static void
sdp(struct sb *b, const struct conv *c, int dir)
{
	uint32_t ip = dir ? c->sip : c->cip;
	uint64_t id = mix64(c->k ^ (uint64_t)(20 + dir)) % 4000000000u;
	S(b, "v=0\r\no=");
	s_user(b, c, dir ? c->peer : c->user);
	S(b, " ");
	s_u(b, id);
	S(b, " ");
	s_u(b, id);
	S(b, " IN IP4 ");
	s_ip(b, ip);
	S(b, "\r\ns=SIP Call\r\nc=IN IP4 ");
	s_ip(b, ip);
	S(b, "\r\nt=0 0\r\nm=audio ");
	s_u(b, 10000 + 2 * (mix64(c->k ^ (uint64_t)(30 + dir)) % 10000));
	S(b, " RTP/AVP 0 8 9 101\r\n"
	     "a=rtpmap:0 PCMU/8000\r\n"
	     "a=rtpmap:8 PCMA/8000\r\n"
	     "a=rtpmap:9 G722/8000\r\n"
	     "a=rtpmap:101 telephone-event/8000\r\n"
	     "a=fmtp:101 0-16\r\n"
	     "a=ptime:20\r\n"
	     "a=sendrecv\r\n");
}

static void
body_end(struct sb *b, const char *ctype, const char *body, size_t blen)
{
	if (ctype) {
		S(b, "Content-Type: ");
		s_str(b, ctype);
		S(b, "\r\n");
	}
	S(b, "Content-Length: ");
	s_u(b, blen);
	S(b, "\r\n\r\n");
	if (blen)
		s_mem(b, body, blen);
}

static const char allow[] =
    "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY, REFER, UPDATE\r\n";

/*
 * Writes message `step` of c's scenario into b.  Returns its direction:
 * 0 client to server, 1 server to client.
 */
static int
gen_msg(struct sb *b, const struct conv *c, int step)
{
	char bodybuf[1024];
	struct sb body = { bodybuf, bodybuf + sizeof(bodybuf) };
	uint32_t dom = c->sip; /* the PBX's domain */

	switch (c->sc) {
	case SC_CALL:
		switch (step) {
		case 0:
			S(b, "INVITE sip:");
			s_user(b, c, c->peer);
			S(b, "@");
			s_ip(b, dom);
			s_transport_param(b, c);
			S(b, " SIP/2.0\r\n");
			h_via(b, c, 0, 0);
			S(b, "Max-Forwards: 70\r\nFrom: ");
			s_aor(b, c, c->user, dom);
			s_tag(b, c, 0);
			S(b, "\r\nTo: ");
			s_aor(b, c, c->peer, dom);
			S(b, "\r\n");
			h_callid(b, c);
			h_cseq(b, c->cseq, "INVITE");
			h_contact(b, c, 0, c->user);
			h_ua(b, c, 0, 1);
			s_str(b, allow);
			S(b, "Supported: replaces, timer\r\n");
			sdp(&body, c, 0);
			body_end(b, "application/sdp", bodybuf, (size_t)(body.p - bodybuf));
			return 0;
		case 1:
		case 2:
		case 3:
			S(b, "SIP/2.0 ");
			s_str(b, step == 1 ? "100 Trying" : step == 2 ? "180 Ringing" : "200 OK");
			S(b, "\r\n");
			h_via(b, c, 0, 0);
			S(b, "From: ");
			s_aor(b, c, c->user, dom);
			s_tag(b, c, 0);
			S(b, "\r\nTo: ");
			s_aor(b, c, c->peer, dom);
			if (step > 1)
				s_tag(b, c, 1);
			S(b, "\r\n");
			h_callid(b, c);
			h_cseq(b, c->cseq, "INVITE");
			if (step > 1)
				h_contact(b, c, 1, c->peer);
			h_ua(b, c, 1, 0);
			if (step == 3) {
				s_str(b, allow);
				S(b, "Supported: replaces, timer\r\n");
				sdp(&body, c, 1);
				body_end(b, "application/sdp", bodybuf, (size_t)(body.p - bodybuf));
			} else {
				body_end(b, NULL, NULL, 0);
			}
			return 1;
		case 4:
			S(b, "ACK sip:");
			s_user(b, c, c->peer);
			S(b, "@");
			s_ipport(b, c->sip, c->sport);
			s_transport_param(b, c);
			S(b, " SIP/2.0\r\n");
			h_via(b, c, 0, 4);
			S(b, "Max-Forwards: 70\r\nFrom: ");
			s_aor(b, c, c->user, dom);
			s_tag(b, c, 0);
			S(b, "\r\nTo: ");
			s_aor(b, c, c->peer, dom);
			s_tag(b, c, 1);
			S(b, "\r\n");
			h_callid(b, c);
			h_cseq(b, c->cseq, "ACK");
			h_ua(b, c, 0, 1);
			body_end(b, NULL, NULL, 0);
			return 0;
		case 5:
		case 6: {
			int d = c->flip; /* who sends the BYE */
			if (step == 5) {
				S(b, "BYE sip:");
				if (d == 0) {
					s_user(b, c, c->peer);
					S(b, "@");
					s_ipport(b, c->sip, c->sport);
				} else {
					s_user(b, c, c->user);
					S(b, "@");
					s_ipport(b, c->cip, c->cport);
				}
				s_transport_param(b, c);
				S(b, " SIP/2.0\r\n");
			} else {
				S(b, "SIP/2.0 200 OK\r\n");
			}
			h_via(b, c, d, 5);
			if (step == 5)
				S(b, "Max-Forwards: 70\r\n");
			S(b, "From: ");
			s_aor(b, c, d ? c->peer : c->user, dom);
			s_tag(b, c, d ? 1 : 0);
			S(b, "\r\nTo: ");
			s_aor(b, c, d ? c->user : c->peer, dom);
			s_tag(b, c, d ? 0 : 1);
			S(b, "\r\n");
			h_callid(b, c);
			h_cseq(b, d ? 102 : c->cseq + 1, "BYE");
			h_ua(b, c, step == 5 ? d : !d, step == 5);
			body_end(b, NULL, NULL, 0);
			return step == 5 ? d : !d;
		}
		}
		break;
	case SC_REG: {
		uint32_t cs = c->cseq + (step >= 2);
		if (step == 0 || step == 2) {
			S(b, "REGISTER sip:");
			s_ip(b, dom);
			s_transport_param(b, c);
			S(b, " SIP/2.0\r\n");
			h_via(b, c, 0, step);
			S(b, "Max-Forwards: 70\r\n");
		} else {
			s_str(b, step == 1 ? "SIP/2.0 401 Unauthorized\r\n" : "SIP/2.0 200 OK\r\n");
			h_via(b, c, 0, step - 1);
		}
		S(b, "From: ");
		s_aor(b, c, c->user, dom);
		s_tag(b, c, 0);
		S(b, "\r\nTo: ");
		s_aor(b, c, c->user, dom);
		if (step & 1)
			s_tag(b, c, 1);
		S(b, "\r\n");
		h_callid(b, c);
		h_cseq(b, cs, "REGISTER");
		if (step != 1) {
			S(b, "Contact: <sip:");
			s_user(b, c, c->user);
			S(b, "@");
			s_ipport(b, c->cip, c->cport);
			s_transport_param(b, c);
			S(b, ">;expires=3600\r\n");
		}
		if (step == 1) {
			S(b, "WWW-Authenticate: Digest realm=\"");
			s_str(b, pbx_realm[c->pbx]);
			S(b, "\", nonce=\"");
			s_hex(b, mix64(c->k ^ 40), 16);
			s_hex(b, mix64(c->k ^ 41), 16);
			S(b, "\", algorithm=MD5, qop=\"auth\"\r\n");
		} else if (step == 2) {
			S(b, "Authorization: Digest username=\"");
			s_user(b, c, c->user);
			S(b, "\", realm=\"");
			s_str(b, pbx_realm[c->pbx]);
			S(b, "\", nonce=\"");
			s_hex(b, mix64(c->k ^ 40), 16);
			s_hex(b, mix64(c->k ^ 41), 16);
			S(b, "\", uri=\"sip:");
			s_ip(b, dom);
			S(b, "\", response=\"");
			s_hex(b, mix64(c->k ^ 42), 16);
			s_hex(b, mix64(c->k ^ 43), 16);
			S(b, "\", algorithm=MD5, cnonce=\"");
			s_hex(b, mix64(c->k ^ 44), 16);
			S(b, "\", qop=auth, nc=00000001\r\n");
		}
		h_ua(b, c, step & 1, !(step & 1));
		if (!(step & 1)) {
			s_str(b, allow);
			S(b, "Expires: 3600\r\n");
		}
		body_end(b, NULL, NULL, 0);
		return step & 1;
	}
	case SC_OPT: {
		int d = c->flip; /* who sends the OPTIONS */
		if (step == 0) {
			S(b, "OPTIONS sip:");
			if (d) {
				s_user(b, c, c->user);
				S(b, "@");
				s_ipport(b, c->cip, c->cport);
			} else {
				s_ip(b, dom);
			}
			s_transport_param(b, c);
			S(b, " SIP/2.0\r\n");
		} else {
			S(b, "SIP/2.0 200 OK\r\n");
		}
		h_via(b, c, d, 0);
		if (step == 0)
			S(b, "Max-Forwards: 70\r\n");
		S(b, "From: ");
		if (d) {
			S(b, "\"PBX\" <sip:qualify@");
			s_ip(b, dom);
			S(b, ">");
		} else {
			s_aor(b, c, c->user, dom);
		}
		s_tag(b, c, 0);
		S(b, "\r\nTo: <sip:");
		if (d) {
			s_user(b, c, c->user);
			S(b, "@");
			s_ipport(b, c->cip, c->cport);
		} else {
			s_ip(b, dom);
		}
		S(b, ">");
		if (step == 1)
			s_tag(b, c, 1);
		S(b, "\r\n");
		h_callid(b, c);
		h_cseq(b, c->cseq, "OPTIONS");
		int snd = step == 0 ? d : !d;
		h_ua(b, c, snd, step == 0);
		if (step == 1) {
			s_str(b, allow);
			S(b, "Accept: application/sdp\r\n");
		}
		body_end(b, NULL, NULL, 0);
		return snd;
	}
	}
	abort();
}

/* ---- transport ---- */

static void
udp_send(const struct conv *c, int dir, const char *p, size_t n)
{
	if (dir == 0)
		emit(c->cip, c->sip, c->cport, c->sport, 17, 0, 0, 0, p, n);
	else
		emit(c->sip, c->cip, c->sport, c->cport, 17, 0, 0, 0, p, n);
}

static void
tcp_seg(struct conv *c, int dir, uint8_t flags, const char *p, size_t n)
{
	uint32_t ack = (flags & TH_ACK) ? c->seq[!dir] : 0;
	if (dir == 0)
		emit(c->cip, c->sip, c->cport, c->sport, 6, c->seq[0], ack, flags, p, n);
	else
		emit(c->sip, c->cip, c->sport, c->cport, 6, c->seq[1], ack, flags, p, n);
	c->seq[dir] += (uint32_t)n + ((flags & (TH_SYN | TH_FIN)) ? 1u : 0u);
}

static void
tcp_open(struct conv *c)
{
	c->seq[0] = (uint32_t)rnd();
	c->seq[1] = (uint32_t)rnd();
	tcp_seg(c, 0, TH_SYN, NULL, 0);
	tick(40);
	tcp_seg(c, 1, TH_SYN | TH_ACK, NULL, 0);
	tick(40);
	tcp_seg(c, 0, TH_ACK, NULL, 0);
	c->opened = 1;
}

static void
tcp_close(struct conv *c)
{
	tick(40);
	tcp_seg(c, 0, TH_FIN | TH_ACK, NULL, 0);
	tick(40);
	tcp_seg(c, 1, TH_FIN | TH_ACK, NULL, 0);
	tick(40);
	tcp_seg(c, 0, TH_ACK, NULL, 0);
}

/* Data in one segment (or two, split at a random point), maybe ACKed. */
static void
tcp_data(struct conv *c, int dir, const char *p, size_t n, int may_split)
{
	if (may_split && n > 64 && chance(15)) {
		size_t cut = n / 4 + rndn((uint32_t)(n / 2));
		tcp_seg(c, dir, TH_PSH | TH_ACK, p, cut);
		tick(30);
		tcp_seg(c, dir, TH_PSH | TH_ACK, p + cut, n - cut);
	} else {
		tcp_seg(c, dir, TH_PSH | TH_ACK, p, n);
	}
	if (chance(25)) {
		tick(30);
		tcp_seg(c, !dir, TH_ACK, NULL, 0);
	}
}

static char mbuf[2][4096];

/*
 * Sends c's next message (and over TCP maybe the one after it in the same
 * segment).  Returns 1 when the scenario is over.
 */
static int
conv_step(struct conv *c, int mix_tcp_tricks)
{
	struct sb b = { mbuf[0], mbuf[0] + sizeof(mbuf[0]) };
	int dir = gen_msg(&b, c, c->step);
	size_t n = (size_t)(b.p - mbuf[0]);
	c->step++;
	n_msgs++;
	if (!c->tcp) {
		udp_send(c, dir, mbuf[0], n);
	} else if (mix_tcp_tricks && c->step < sc_len[c->sc] && chance(30)) {
		/* pipelining: the next message goes in the same segment when it
		 * is from the same side and fits */
		struct sb b2 = { mbuf[1], mbuf[1] + sizeof(mbuf[1]) };
		int dir2 = gen_msg(&b2, c, c->step);
		size_t n2 = (size_t)(b2.p - mbuf[1]);
		if (dir2 == dir && n + n2 <= MSS) {
			memcpy(mbuf[0] + n, mbuf[1], n2);
			c->step++;
			n_msgs++;
			tcp_data(c, dir, mbuf[0], n + n2, 0);
		} else {
			tcp_data(c, dir, mbuf[0], n, 1);
		}
	} else {
		tcp_data(c, dir, mbuf[0], n, mix_tcp_tricks);
	}
	return c->step >= sc_len[c->sc];
}

static void
new_scenario(struct conv *c, int sc)
{
	c->sc = (uint8_t)sc;
	c->step = 0;
	c->flip = (uint8_t)chance(50);
	c->k = rnd();
	c->cseq = 1 + rndn(9000);
	if (c->trunk)
		c->user = rndn(10000000), c->peer = rndn(10000000);
	else
		c->peer = 1000 + rndn(9000);
}

static int
pick_scenario(void)
{
	uint32_t r = rndn(100);
	return r < 40 ? SC_CALL : r < 75 ? SC_REG : SC_OPT;
}

/* ---- mixes ---- */

static void
gen_mix(uint64_t n)
{
	uint32_t k = (uint32_t)(n / 40 + 1);
	if (k > 512)
		k = 512;
	struct conv *act = calloc(k, sizeof(*act));
	uint32_t nact = 0;
	uint64_t plan_all = 0, plan_tcp = 0; /* expected messages, x10 */
	uint32_t nconn = 0;
	if (act == NULL)
		exit(2);

	for (;;) {
		/* Stop opening new conversations early enough that the ones
		 * running end near n messages. */
		while (nact < k && n_msgs + (uint64_t)nact * 6 < n) {
			struct conv *c = &act[nact++];
			memset(c, 0, sizeof(*c));
			unsigned ph = rndn(NPHONES);
			c->pbx = (uint8_t)(ph % NPBX);
			c->ua = (uint8_t)(ph % (sizeof(phone_ua) / sizeof(phone_ua[0])));
			c->cip = phone_ip(ph);
			c->sip = pbx_ip(c->pbx);
			c->sport = 5060;
			c->user = 1000 + ph * 9000 / NPHONES;
			c->tcp = plan_tcp * 10 < plan_all * 3;
			if (c->tcp) {
				c->cport = (uint16_t)(20000 + nconn++ % 40000);
				c->nleft = 1 + rndn(5);
				plan_tcp += 47 * (c->nleft + 1);
				plan_all += 47 * (c->nleft + 1);
			} else {
				c->cport = 5060;
				plan_all += 47;
			}
			new_scenario(c, pick_scenario());
		}
		if (nact == 0)
			break;
		uint32_t i = rndn(nact);
		struct conv *c = &act[i];
		tick(330); /* about 3000 messages per second */
		if (c->tcp && !c->opened) {
			tcp_open(c);
			tick(100);
		}
		if (!conv_step(c, 1))
			continue;
		if (c->tcp && c->nleft) {
			c->nleft--;
			new_scenario(c, pick_scenario());
			continue;
		}
		if (c->tcp)
			tcp_close(c);
		act[i] = act[--nact];
	}
	free(act);
}

static uint32_t
spoofed_ip(uint64_t i)
{
	/* distinct for distinct i: the first octet from i % 100, the low 24
	 * bits a bijection of i / 100 */
	static const uint8_t first[100] = {
		1, 2, 5, 8, 12, 13, 14, 18, 23, 24, 27, 31, 36, 37, 38, 39, 41, 42,
		43, 45, 46, 47, 49, 50, 51, 52, 58, 59, 60, 61, 62, 63, 64, 65, 66,
		67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83,
		84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 101,
		102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
		116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 128, 129, 130,
		131, 132, 133,
	};
	uint32_t lo = (uint32_t)((i / 100) * 0x9E3779u + 0x1234u) & 0xffffff;
	return (uint32_t)first[i % 100] << 24 | lo;
}

static void
gen_attack(uint64_t n)
{
	static const char *const ua[] = {
		"friendly-scanner", "sipvicious", "VaxSIPUserAgent/3.1",
		"PortSIP VoIP SDK 11.2", "sipcli/v1.8", "pplsip",
	};
	char m[2048];
	uint32_t pbx = pbx_ip(0);
	uint64_t i = 0;

	while (n_msgs < n) {
		uint32_t src = spoofed_ip(i);
		uint16_t port = (uint16_t)(5060 + rndn(60000));
		uint64_t k = rnd();
		uint64_t user = 100000 + i;
		struct sb b = { m, m + sizeof(m) };
		struct sb *p = &b;

		for (int resp = 0; resp < 2; resp++) {
			b.p = m;
			if (!resp) {
				S(p, "REGISTER sip:");
				s_ip(p, pbx);
				S(p, " SIP/2.0\r\n");
			} else {
				S(p, "SIP/2.0 401 Unauthorized\r\n");
			}
			S(p, "Via: SIP/2.0/UDP ");
			s_ipport(p, src, port);
			S(p, ";branch=z9hG4bK-");
			s_hex(p, mix64(k ^ 1), 12);
			S(p, ";rport");
			if (resp) {
				S(p, "=");
				s_u(p, port);
				S(p, ";received=");
				s_ip(p, src);
			}
			S(p, "\r\n");
			if (!resp)
				S(p, "Max-Forwards: 70\r\n");
			S(p, "From: \"");
			s_u(p, user);
			S(p, "\" <sip:");
			s_u(p, user);
			S(p, "@");
			s_ip(p, pbx);
			S(p, ">;tag=");
			s_hex(p, mix64(k ^ 2), 8);
			S(p, "\r\nTo: \"");
			s_u(p, user);
			S(p, "\" <sip:");
			s_u(p, user);
			S(p, "@");
			s_ip(p, pbx);
			S(p, ">");
			if (resp) {
				S(p, ";tag=as");
				s_hex(p, mix64(k ^ 3), 8);
			}
			S(p, "\r\nCall-ID: ");
			s_hex(p, mix64(k ^ 4), 16);
			s_hex(p, mix64(k ^ 5), 16);
			S(p, "\r\nCSeq: 1 REGISTER\r\n");
			if (!resp) {
				S(p, "Contact: <sip:");
				s_u(p, user);
				S(p, "@");
				s_ipport(p, src, port);
				S(p, ">\r\nUser-Agent: ");
				s_str(p, ua[i % (sizeof(ua) / sizeof(ua[0]))]);
				S(p, "\r\nExpires: 3600\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n");
			} else {
				S(p, "Server: Asterisk PBX 20.5.0\r\n"
				     "WWW-Authenticate: Digest algorithm=MD5, realm=\"asterisk\", nonce=\"");
				s_hex(p, mix64(k ^ 6), 8);
				S(p, "\"\r\n");
			}
			S(p, "Content-Length: 0\r\n\r\n");
			tick(resp ? 10 : 40); /* about 20000 REGISTERs/s */
			if (!resp)
				emit(src, pbx, port, 5060, 17, 0, 0, 0, m, (size_t)(b.p - m));
			else
				emit(pbx, src, 5060, port, 17, 0, 0, 0, m, (size_t)(b.p - m));
			n_msgs++;
			if (resp || !chance(50) || n_msgs >= n)
				break;
		}
		i++;
	}
}

static void
gen_trunk(uint64_t n)
{
	uint32_t nc = TRUNK_CONNS;
	if (n / 20 < nc)
		nc = (uint32_t)(n / 20 + 1);
	struct conv *cs = calloc(nc, sizeof(*cs));
	uint32_t *live = calloc(nc, sizeof(*live));
	uint32_t nlive = 0;
	if (cs == NULL || live == NULL)
		exit(2);

	for (uint32_t i = 0; i < nc; i++) {
		struct conv *c = &cs[i];
		c->trunk = 1;
		c->tcp = 1;
		c->cip = 0xAC100000u | (i / 4 / 250) << 8 | (i / 4 % 250 + 1); /* 172.16/16 */
		c->cport = (uint16_t)(30000 + i);
		c->pbx = (uint8_t)(i % NPBX);
		c->sip = pbx_ip(c->pbx);
		c->sport = 5060;
		c->ua = (uint8_t)(i % (sizeof(phone_ua) / sizeof(phone_ua[0])));
		tick(500);
		tcp_open(c);
		new_scenario(c, SC_CALL);
		live[nlive++] = i;
	}
	uint64_t stop_at = n > (uint64_t)nc * 4 ? n - (uint64_t)nc * 4 : 0;
	while (nlive) {
		uint32_t j = rndn(nlive);
		struct conv *c = &cs[live[j]];
		tick(200); /* about 5000 messages per second */
		if (!conv_step(c, 0))
			continue;
		if (n_msgs < stop_at)
			new_scenario(c, SC_CALL);
		else
			live[j] = live[--nlive];
	}
	for (uint32_t i = 0; i < nc; i++)
		tcp_close(&cs[i]);
	free(cs);
	free(live);
}

int
main(int argc, char **argv)
{
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: gen_bench mix|attack|trunk N OUT.pcap [SEED]\n");
		return 1;
	}
	char *end;
	unsigned long long n = strtoull(argv[2], &end, 10);
	if (*end || n == 0) {
		fprintf(stderr, "gen_bench: N must be a positive number\n");
		return 1;
	}
	if (argc == 5) {
		unsigned long long seed = strtoull(argv[4], &end, 10);
		if (*end || argv[4][0] == '\0' || argv[4][0] == '-') {
			fprintf(stderr, "gen_bench: SEED must be a number\n");
			return 1;
		}
		rng_state ^= mix64(seed);
	}
	void (*gen)(uint64_t);
	if (strcmp(argv[1], "mix") == 0)
		gen = gen_mix;
	else if (strcmp(argv[1], "attack") == 0)
		gen = gen_attack;
	else if (strcmp(argv[1], "trunk") == 0)
		gen = gen_trunk;
	else {
		fprintf(stderr, "gen_bench: unknown mix \"%s\" (mix, attack, trunk)\n", argv[1]);
		return 1;
	}
	out = fopen(argv[3], "wb");
	obuf = malloc(OBUF_SIZE);
	if (out == NULL || obuf == NULL) {
		perror(argv[3]);
		return 2;
	}
	pcap_header();
	gen(n);
	oflush();
	if (fclose(out) != 0) {
		perror(argv[3]);
		return 2;
	}
	fprintf(stderr, "gen_bench: %s: %llu SIP messages\n", argv[3], (unsigned long long)n_msgs);
	return 0;
}
