/*
 * pipeline_test.c - the whole path from frames to SIP messages, with
 * packets built here: TCP segmentation at every offset (and pairs of
 * offsets) through libnids and through our own reassembly (mid-stream,
 * IPv6), retransmissions, out-of-order segments, IPv4 and IPv6 fragments.
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/pipeline.h"
#include "tests/guard.h"
#include "tests/pktbuild.h"

#define DLT_RAW_ 12

static const char STREAM[] =
    "OPTIONS sip:b@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
    "Call-ID: one@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
    "\r\n\r\n" /* keep-alive (RFC 5626) */
    "INVITE sip:b@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK2\r\n"
    "From: <sip:a@example.com>;tag=2\r\nTo: <sip:b@example.com>\r\n"
    "Call-ID: two@x\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
    "Content-Length: 31\r\n\r\n"
    "v=0\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK2\r\n"
    "From: <sip:a@example.com>;tag=2\r\nTo: <sip:b@example.com>;tag=9\r\n"
    "Call-ID: two@x\r\nCSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nbody";

static const char *EXPECT[] = { "OPTIONS one@x", "INVITE two@x", "200 two@x" };
#define NEXPECT 3

#define MAXGOT 4096
static char got[MAXGOT][64];
static struct pkt_meta gotm[MAXGOT];
static int ngot;

static void
on_msg(void *ud, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *s, unsigned mon)
{
	(void)ud, (void)mon;
	if (ngot >= MAXGOT)
		return;
	gotm[ngot] = *m;
	if (msg->is_request)
		snprintf(got[ngot], sizeof(got[0]), "%.*s %.*s", (int)msg->method_tok.len,
		    msg->method_tok.p, (int)s->call_id.len, s->call_id.p);
	else
		snprintf(got[ngot], sizeof(got[0]), "%u %.*s", msg->status,
		    (int)s->call_id.len, s->call_id.p);
	ngot++;
}

static struct pipeline *pl;

static void
setup(void)
{
	struct pipeline_cfg c;
	char err[256];
	pipeline_cfg_default(&c);
	c.on_msg = on_msg;
	pl = pipeline_new(&c, err, sizeof(err));
	cr_assert_not_null(pl, "%s", err);
	ngot = 0;
}

static void
teardown(void)
{
	pipeline_free(pl);
}

static struct timeval now = { 1700000000, 0 };

/* Frames IPv4 in Ethernet (pipeline_frame()'s fast path) instead of raw IP. */
static int ether;

/* One TCP segment in IPv4 (v6 = 0) or IPv6, fed as a raw-IP frame. */
static void
tcp_seg(int v6, uint16_t sport, uint16_t dport, int reverse, uint32_t seq,
    uint32_t ack, uint8_t flags, const void *data, size_t n)
{
	uint8_t pkt[2048];
	size_t len = pkt_tcp(pkt + 14, sizeof(pkt) - 14, v6, reverse, sport, dport,
	    seq, ack, flags, data, n);
	cr_assert(len > 0);
	now.tv_usec += 10;
	if (ether && !v6) {
		memset(pkt, 0, 14);
		pkt[12] = 0x08;
		pipeline_frame(pl, 1, &now, pkt, (uint32_t)len + 14, (uint32_t)len + 14);
	} else {
		pipeline_frame(pl, DLT_RAW_, &now, pkt + 14, (uint32_t)len, (uint32_t)len);
	}
}

#define SYN 0x02
#define ACK 0x10
#define PSH 0x08
#define FIN 0x01

/* Opens (or not: mid-stream) a connection from port sport. */
static void
open_conn(int v6, uint16_t sport, int handshake, uint32_t isn)
{
	if (!handshake)
		return;
	tcp_seg(v6, sport, 5060, 0, isn - 1, 0, SYN, NULL, 0);
	tcp_seg(v6, sport, 5060, 1, 5000, isn, SYN | ACK, NULL, 0);
	tcp_seg(v6, sport, 5060, 0, isn, 5001, ACK, NULL, 0);
}

static void
close_conn(int v6, uint16_t sport, uint32_t seq)
{
	tcp_seg(v6, sport, 5060, 0, seq, 5001, FIN | ACK, NULL, 0);
	tcp_seg(v6, sport, 5060, 1, 5001, seq + 1, FIN | ACK, NULL, 0);
	tcp_seg(v6, sport, 5060, 0, seq + 1, 5002, ACK, NULL, 0);
}

static void
check(int base, const char *what, size_t k1, size_t k2)
{
	cr_assert_eq(ngot - base, NEXPECT, "%s split %zu,%zu: %d messages", what, k1,
	    k2, ngot - base);
	for (int i = 0; i < NEXPECT; i++)
		cr_assert_str_eq(got[base + i], EXPECT[i], "%s split %zu,%zu msg %d",
		    what, k1, k2, i);
}

/* Every single split point, for each path. */
static void
scan1(int v6, int handshake, const char *what)
{
	size_t n = sizeof(STREAM) - 1;
	uint16_t port = 10000;
	for (size_t k = 1; k < n; k++, port++) {
		uint32_t isn = 1000 + (uint32_t)k * 7919u;
		int base = ngot = 0;
		open_conn(v6, port, handshake, isn);
		tcp_seg(v6, port, 5060, 0, isn, 5001, ACK | PSH, STREAM, k);
		tcp_seg(v6, port, 5060, 0, isn + (uint32_t)k, 5001, ACK | PSH,
		    STREAM + k, n - k);
		close_conn(v6, port, isn + (uint32_t)n);
		check(base, what, k, 0);
	}
}

TestSuite(pipeline, .init = setup, .fini = teardown);

Test(pipeline, split_every_offset_ipv4_libnids)
{
	scan1(0, 1, "ipv4+handshake");
}

Test(pipeline, split_every_offset_ipv4_libnids_ethernet)
{
	ether = 1;
	scan1(0, 1, "ipv4 libnids, ethernet");
	ether = 0;
	/* Every connection went to libnids, none to our own reassembly. */
	struct stats *s = pipeline_stats(pl);
	cr_assert_eq(s->tcp_streams_nids, sizeof(STREAM) - 2);
	cr_assert_eq(s->tcp_midstream, 0);
}

Test(pipeline, split_every_offset_ipv4_midstream)
{
	scan1(0, 0, "ipv4 mid-stream");
}

Test(pipeline, split_every_offset_ipv6)
{
	scan1(1, 1, "ipv6+handshake");
}

Test(pipeline, split_every_offset_ipv6_midstream)
{
	scan1(1, 0, "ipv6 mid-stream");
}

/* Every pair of split points, three segments, delivered in order, and
 * with the middle one late (out of order) and the first retransmitted. */
static void
scan2(int v6, int handshake, int shuffle, const char *what)
{
	size_t n = sizeof(STREAM) - 1;
	uint16_t port = 20000;
	for (size_t k1 = 1; k1 < n; k1 += 3) {
		for (size_t k2 = k1 + 1; k2 < n; k2 += 5, port++) {
			uint32_t isn = 4000000000u + (uint32_t)(k1 * 131 + k2); /* wraps */
			int base = ngot = 0;
			open_conn(v6, port, handshake, isn);
			uint32_t s1 = isn, s2 = isn + (uint32_t)k1, s3 = isn + (uint32_t)k2;
			tcp_seg(v6, port, 5060, 0, s1, 5001, ACK, STREAM, k1);
			if (shuffle) {
				tcp_seg(v6, port, 5060, 0, s3, 5001, ACK, STREAM + k2, n - k2);
				tcp_seg(v6, port, 5060, 0, s1, 5001, ACK, STREAM, k1);
				tcp_seg(v6, port, 5060, 0, s2, 5001, ACK, STREAM + k1, k2 - k1);
			} else {
				tcp_seg(v6, port, 5060, 0, s2, 5001, ACK, STREAM + k1, k2 - k1);
				tcp_seg(v6, port, 5060, 0, s3, 5001, ACK, STREAM + k2, n - k2);
			}
			close_conn(v6, port, isn + (uint32_t)n);
			check(base, what, k1, k2);
		}
	}
}

Test(pipeline, split_pairs_ipv4_libnids)
{
	scan2(0, 1, 0, "ipv4 pairs");
}

Test(pipeline, split_pairs_ipv4_midstream_ethernet)
{
	ether = 1;
	scan2(0, 0, 0, "ipv4 mid-stream, ethernet");
	ether = 0;
}

Test(pipeline, split_pairs_ipv4_libnids_out_of_order)
{
	scan2(0, 1, 1, "ipv4 pairs ooo");
}

Test(pipeline, split_pairs_ipv4_midstream_out_of_order)
{
	scan2(0, 0, 1, "ipv4 mid-stream pairs ooo");
}

Test(pipeline, split_pairs_ipv6_out_of_order)
{
	scan2(1, 1, 1, "ipv6 pairs ooo");
}

/* A pickup in the middle of a message: the partial one is skipped, the
 * following ones are found. */
Test(pipeline, midstream_pickup_inside_message)
{
	size_t n = sizeof(STREAM) - 1;
	const char *inv = strstr(STREAM, "INVITE");
	for (size_t k = 5; k < (size_t)(inv - STREAM); k += 7) {
		int base = ngot = 0;
		uint16_t port = (uint16_t)(30000 + k);
		tcp_seg(0, port, 5060, 0, 777, 5001, ACK, STREAM + k, n - k);
		cr_assert_eq(ngot - base, 2, "pickup at %zu: %d messages", k, ngot - base);
		cr_assert_str_eq(got[base], "INVITE two@x");
		cr_assert_str_eq(got[base + 1], "200 two@x");
	}
}

/* SIP over UDP in IPv4 fragments (libnids) and IPv6 fragments (ours),
 * with the fragments in both orders. */
static void
udp_frags(int v6, int reverse_order)
{
	static char msg[3000];
	int len = snprintf(msg, sizeof(msg),
	    "MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK9\r\n"
	    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
	    "Call-ID: frag@x\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 2000\r\n\r\n");
	memset(msg + len, 'x', 2000);
	len += 2000;
	uint8_t udp[4096];
	size_t ul = 8 + (size_t)len;
	udp[0] = 0x13, udp[1] = 0xc4, udp[2] = 0x13, udp[3] = 0xc4;
	udp[4] = (uint8_t)(ul >> 8), udp[5] = (uint8_t)ul, udp[6] = udp[7] = 0;
	memcpy(udp + 8, msg, (size_t)len);
	size_t cut = 1200; /* multiple of 8 */
	for (int pass = 0; pass < 2; pass++) {
		int idx = reverse_order ? 1 - pass : pass;
		size_t off = idx ? cut : 0, fl = idx ? ul - cut : cut;
		int more = idx == 0;
		uint8_t pkt[2048];
		size_t hl;
		memset(pkt, 0, 48);
		if (v6) {
			hl = 48;
			pkt[0] = 0x60;
			pkt[4] = (uint8_t)((8 + fl) >> 8), pkt[5] = (uint8_t)(8 + fl);
			pkt[6] = 44, pkt[7] = 64;
			pkt[8] = 0x20, pkt[9] = 0x01, pkt[23] = 1;
			pkt[24] = 0x20, pkt[25] = 0x01, pkt[39] = 2;
			pkt[40] = IPPROTO_UDP;
			pkt[42] = (uint8_t)((off >> 8) & 0xff);
			pkt[43] = (uint8_t)((off & 0xf8) | (more ? 1 : 0));
			pkt[47] = 0x42;
		} else {
			hl = 20;
			size_t tl = 20 + fl;
			pkt[0] = 0x45, pkt[2] = (uint8_t)(tl >> 8), pkt[3] = (uint8_t)tl;
			pkt[5] = 0x42;
			uint16_t fo = (uint16_t)((off / 8) | (more ? 0x2000 : 0));
			pkt[6] = (uint8_t)(fo >> 8), pkt[7] = (uint8_t)fo;
			pkt[8] = 64, pkt[9] = IPPROTO_UDP;
			pkt[12] = 192, pkt[13] = 0, pkt[14] = 2, pkt[15] = 1;
			pkt[16] = 192, pkt[17] = 0, pkt[18] = 2, pkt[19] = 2;
			uint16_t s = pkt_csum(pkt, 20);
			pkt[10] = (uint8_t)(s >> 8), pkt[11] = (uint8_t)s;
		}
		memcpy(pkt + hl, udp + off, fl);
		now.tv_usec += 10;
		pipeline_frame(pl, DLT_RAW_, &now, pkt, (uint32_t)(hl + fl), (uint32_t)(hl + fl));
	}
}

Test(pipeline, udp_fragments)
{
	udp_frags(0, 0);
	udp_frags(0, 1);
	udp_frags(1, 0);
	udp_frags(1, 1);
	cr_assert_eq(ngot, 4, "%d messages", ngot);
	for (int i = 0; i < 4; i++)
		cr_assert_str_eq(got[i], "MESSAGE frag@x");
	struct stats *s = pipeline_stats(pl);
	cr_assert_eq(s->frag4, 4);
	cr_assert_eq(s->frag6, 4);
	cr_assert_eq(s->reasm6, 2);
}

/* The stream table caps: many spoofed mid-stream flows evict, counted. */
Test(pipeline, own_flow_table_is_bounded)
{
	pipeline_free(pl);
	struct pipeline_cfg c;
	char err[256];
	pipeline_cfg_default(&c);
	c.on_msg = on_msg;
	c.tcp_flows = 100;
	pl = pipeline_new(&c, err, sizeof(err));
	cr_assert_not_null(pl);
	for (unsigned i = 0; i < 1000; i++)
		tcp_seg(1, (uint16_t)(1024 + i), 5060, 0, 1, 1, ACK, "OPTIONS", 7);
	struct stats *s = pipeline_stats(pl);
	pipeline_finish(pl);
	cr_assert_eq(s->tcp_midstream, 1000);
	cr_assert_eq(s->tcp_flow_evictions, 900);
	cr_assert_leq(s->tcp_flows_peak, 100);
}

/*
 * Regression (fuzz_stream, tests/fuzz/corpus/fuzz_stream/hang-hunt-offset0):
 * a stream whose first line sip_sniff() takes for a request line ("INVITE
 * sip:... SIP/2.0" then a bare CR) but that sip_parse() rejects (no start
 * line in its junk window) made the framer hand offset 0 back and forth
 * between parsing and hunting for ever.  The messages after it must come
 * out, on every path.
 */
Test(pipeline, hunt_after_rejected_first_line, .timeout = 20)
{
	char s[4096];
	size_t n = 0;
	n += (size_t)snprintf(s + n, sizeof(s) - n,
	    "INVITE sip:bob@biloxi.com SIP/2.0\r\xf6Via: x;branch=y\r\n");
	for (int i = 0; i < 12; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n,
		    "X-Pad-%02d: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n", i);
	n += (size_t)snprintf(s + n, sizeof(s) - n, "%s", STREAM);
	for (int path = 0; path < 3; path++) {
		int v6 = path == 2, hs = path != 1;
		uint16_t port = (uint16_t)(30000 + path);
		int base = ngot = 0;
		open_conn(v6, port, hs, 1000);
		tcp_seg(v6, port, 5060, 0, 1000, 5001, ACK | PSH, s, 1000);
		tcp_seg(v6, port, 5060, 0, 2000, 5001, ACK | PSH, s + 1000, n - 1000);
		close_conn(v6, port, 1000 + (uint32_t)n);
		check(base, hs ? (v6 ? "ipv6" : "ipv4 libnids") : "ipv4 mid-stream", 1000, 0);
	}
}

/*
 * A TCP segment inside GRE inside IPv4 fragments: libnids reassembles the
 * datagram, the tunnelled segment goes back to libnids (a second, nested
 * feed) and then to our own reassembly (no handshake).  The nested feed
 * must not process the outer feed's tunnelled packet again.
 */
Test(pipeline, tcp_in_gre_in_ipv4_fragments, .timeout = 20)
{
	const char *m = strstr(STREAM, "INVITE");
	size_t mlen = (size_t)(strstr(m, "SIP/2.0 200") - m);
	uint8_t inner[2048], gre[2048];
	size_t il = pkt_tcp(inner, sizeof(inner), 0, 0, 40000, 5060, 777, 5001, ACK | PSH,
	    m, mlen);
	cr_assert(il > 0);
	gre[0] = gre[1] = 0, gre[2] = 0x08, gre[3] = 0x00; /* GRE carrying IPv4 */
	memcpy(gre + 4, inner, il);
	size_t gl = 4 + il, cut = 96; /* multiple of 8 */
	for (int idx = 0; idx < 2; idx++) {
		size_t off = idx ? cut : 0, fl = idx ? gl - cut : cut, tl = 20 + fl;
		uint8_t pkt[2048];
		memset(pkt, 0, 20);
		pkt[0] = 0x45, pkt[2] = (uint8_t)(tl >> 8), pkt[3] = (uint8_t)tl;
		pkt[5] = 0x43;
		uint16_t fo = (uint16_t)((off / 8) | (idx == 0 ? 0x2000 : 0));
		pkt[6] = (uint8_t)(fo >> 8), pkt[7] = (uint8_t)fo;
		pkt[8] = 64, pkt[9] = 47; /* GRE */
		pkt[12] = 198, pkt[13] = 51, pkt[14] = 100, pkt[15] = 1;
		pkt[16] = 198, pkt[17] = 51, pkt[18] = 100, pkt[19] = 2;
		uint16_t s = pkt_csum(pkt, 20);
		pkt[10] = (uint8_t)(s >> 8), pkt[11] = (uint8_t)s;
		memcpy(pkt + 20, gre + off, fl);
		now.tv_usec += 10;
		pipeline_frame(pl, DLT_RAW_, &now, pkt, (uint32_t)tl, (uint32_t)tl);
	}
	cr_assert_eq(ngot, 1, "%d messages", ngot);
	cr_assert_str_eq(got[0], "INVITE two@x");
}

/*
 * The Ethernet/IPv4 fast path of pipeline_frame() against the general
 * decoder: each IPv4 packet goes once in an Ethernet frame (the fast path
 * takes the usual ones) and once as DLT_IPV4 (the general path always:
 * it expects IPv4 as an ethertype 0x0800 does), through a new pipeline
 * each time.  Messages, their metadata and every counter but the link
 * type's must agree.  The cases name the path the Ethernet frame takes.
 */
#define DLT_IPV4_ 228
#define DLT_EN10MB_ 1

struct v4case {
	const char *what;
	uint8_t ver_ihl;   /* 0x45 unless options or another version */
	int total;         /* IP total length; -1: the real one */
	uint16_t frag;     /* flags and fragment offset */
	uint8_t proto;
	uint16_t sport, dport;
	int ulen;          /* UDP length; -1: the real one */
	size_t cut;        /* bytes captured short of the packet */
	size_t pad;        /* link padding after it */
	uint8_t tcpflags;  /* TCP: flags (the payload rides on ACK|PSH) */
};

static const struct v4case V4CASES[] = {
	{ "fast: UDP", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "fast: UDP, DF set", 0x45, -1, 0x4000, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "fast: UDP, link padding", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 18, 0 },
	{ "fast: UDP length past the packet", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, 4000, 0, 0, 0 },
	{ "fast: UDP length 0", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, 0, 0, 0, 0 },
	{ "fast: UDP length short", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, 60, 0, 0, 0 },
	{ "fast: TCP data", 0x45, -1, 0, IPPROTO_TCP, 40000, 5060, -1, 0, 0, 0x18 },
	{ "fast: TCP SYN", 0x45, -1, 0, IPPROTO_TCP, 40001, 5060, -1, 0, 0, 0x02 },
	{ "fast: TCP, link padding", 0x45, -1, 0, IPPROTO_TCP, 40002, 5060, -1, 0, 6, 0x18 },
	{ "general: IP options", 0x46, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: total length 0 (TSO)", 0x45, 0, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: total length past the frame", 0x45, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 40, 0, 0 },
	{ "general: TCP cut short", 0x45, -1, 0, IPPROTO_TCP, 40003, 5060, -1, 40, 0, 0x18 },
	{ "general: total length under the header", 0x45, 12, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: UDP header cut by the total length", 0x45, 24, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: TCP header cut by the total length", 0x45, 36, 0, IPPROTO_TCP, 40004, 5060, -1, 0, 0, 0x18 },
	{ "general: more fragments", 0x45, -1, 0x2000, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: fragment offset", 0x45, -1, 0x0001, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: to the VXLAN port", 0x45, -1, 0, IPPROTO_UDP, 5060, 4789, -1, 0, 0, 0 },
	{ "general: to the GTP-U port", 0x45, -1, 0, IPPROTO_UDP, 5060, 2152, -1, 0, 0, 0 },
	{ "general: from the GTP-U port", 0x45, -1, 0, IPPROTO_UDP, 2152, 5060, -1, 0, 0, 0 },
	{ "general: from the VXLAN port", 0x45, -1, 0, IPPROTO_UDP, 4789, 5060, -1, 0, 0, 0 },
	{ "general: SCTP", 0x45, -1, 0, IPPROTO_SCTP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: GRE", 0x45, -1, 0, 47, 5060, 5060, -1, 0, 0, 0 },
	{ "general: IPv6 version in ethertype 0x0800", 0x65, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
	{ "general: IHL under 5", 0x44, -1, 0, IPPROTO_UDP, 5060, 5060, -1, 0, 0, 0 },
};

/* Builds c's IPv4 packet after room for an Ethernet header; returns the
 * captured length from pkt + 14. */
static size_t
v4case_build(const struct v4case *c, uint8_t *pkt, size_t cap)
{
	static const char sip[] =
	    "OPTIONS sip:b@example.com SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK7\r\n"
	    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
	    "Call-ID: fast@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	uint8_t *ip = pkt + 14;
	size_t n = sizeof(sip) - 1;
	size_t len;
	memset(pkt, 0, cap);
	if (c->proto == IPPROTO_TCP) {
		len = pkt_tcp(ip, cap - 14 - 4, 0, 0, c->sport, c->dport, 1000, 1,
		    c->tcpflags, c->tcpflags == 0x02 ? NULL : sip,
		    c->tcpflags == 0x02 ? 0 : n);
		cr_assert(len > 0);
	} else {
		size_t hl = 20;
		ip[9] = c->proto;
		memcpy(ip + 12, "\xc0\x00\x02\x01\xc0\x00\x02\x02", 8);
		uint8_t *l4 = ip + hl;
		l4[0] = (uint8_t)(c->sport >> 8), l4[1] = (uint8_t)c->sport;
		l4[2] = (uint8_t)(c->dport >> 8), l4[3] = (uint8_t)c->dport;
		size_t ul = c->ulen >= 0 ? (size_t)c->ulen : 8 + n;
		l4[4] = (uint8_t)(ul >> 8), l4[5] = (uint8_t)ul;
		memcpy(l4 + 8, sip, n);
		len = hl + 8 + n;
	}
	if (c->ver_ihl == 0x46) {
		/* one NOP-filled option word after the fixed header */
		memmove(ip + 24, ip + 20, len - 20);
		memset(ip + 20, 1, 4);
		len += 4;
	}
	ip[0] = c->ver_ihl;
	size_t total = c->total >= 0 ? (size_t)c->total : len;
	ip[2] = (uint8_t)(total >> 8), ip[3] = (uint8_t)total;
	ip[6] = (uint8_t)(c->frag >> 8), ip[7] = (uint8_t)c->frag;
	ip[8] = 64;
	ip[10] = ip[11] = 0;
	uint16_t sum = pkt_csum(ip, (size_t)(ip[0] & 0x0f) * 4);
	ip[10] = (uint8_t)(sum >> 8), ip[11] = (uint8_t)sum;
	cr_assert(len + c->pad <= cap - 14);
	return len - c->cut + c->pad;
}

struct v4run {
	struct stats st;
	int n;
	char got[4][64];
	struct pkt_meta m[4];
};

static void
v4case_run(const struct v4case *c, int dlt, struct v4run *out)
{
	uint8_t pkt[2048];
	size_t iplen = v4case_build(c, pkt, sizeof(pkt));
	memcpy(pkt + 6, "\x02\x00\x00\x00\x00\x01", 6);
	pkt[12] = 0x08;
	const uint8_t *f = dlt == DLT_EN10MB_ ? pkt : pkt + 14;
	uint32_t fl = (uint32_t)(dlt == DLT_EN10MB_ ? 14 + iplen : iplen);
	pipeline_free(pl);
	setup();
	pipeline_frame(pl, dlt, &now, f, fl, fl);
	pipeline_finish(pl);
	out->st = *pipeline_stats(pl);
	out->st.bytes = 0;
	memset(out->st.dlt, 0, sizeof(out->st.dlt));
	out->n = ngot;
	cr_assert_leq(ngot, 4);
	for (int i = 0; i < ngot; i++) {
		memcpy(out->got[i], got[i], sizeof(got[i]));
		out->m[i] = gotm[i];
	}
}

Test(pipeline, ethernet_ipv4_fast_path_as_general)
{
	static struct v4run a, b;
	int fastmsgs = 0;
	for (size_t i = 0; i < sizeof(V4CASES) / sizeof(V4CASES[0]); i++) {
		const struct v4case *c = &V4CASES[i];
		v4case_run(c, DLT_EN10MB_, &a);
		v4case_run(c, DLT_IPV4_, &b);
		cr_assert(memcmp(&a.st, &b.st, sizeof(a.st)) == 0, "%s: counters differ",
		    c->what);
		cr_assert_eq(a.n, b.n, "%s: %d vs %d messages", c->what, a.n, b.n);
		for (int k = 0; k < a.n; k++) {
			const struct pkt_meta *x = &a.m[k], *y = &b.m[k];
			cr_assert_str_eq(a.got[k], b.got[k], "%s", c->what);
			cr_assert(x->ts.tv_sec == y->ts.tv_sec && x->ts.tv_usec == y->ts.tv_usec &&
			    x->frame == y->frame && x->ipver == y->ipver &&
			    x->transport == y->transport && x->sport == y->sport &&
			    x->dport == y->dport && x->encap == y->encap && x->ws == y->ws &&
			    memcmp(x->src, y->src, 16) == 0 && memcmp(x->dst, y->dst, 16) == 0,
			    "%s: message %d metadata differs", c->what, k);
		}
		if (strncmp(c->what, "fast", 4) == 0)
			fastmsgs += a.n;
	}
	/* Every fast case but the SYN gives its message (the short UDP length
	 * a truncated one): the fast path was reached with something to do. */
	cr_assert_eq(fastmsgs, 8, "%d", fastmsgs);
}

/* Every captured length of each fast case's frame, ending against a
 * guard page: no read past the captured bytes on either path. */
Test(pipeline, ethernet_ipv4_every_caplen_in_bounds)
{
	for (size_t i = 0; i < sizeof(V4CASES) / sizeof(V4CASES[0]); i++) {
		if (strncmp(V4CASES[i].what, "fast", 4) != 0)
			continue;
		uint8_t pkt[2048];
		size_t iplen = v4case_build(&V4CASES[i], pkt, sizeof(pkt));
		pkt[12] = 0x08;
		for (size_t n = 0; n <= 14 + iplen; n++) {
			const uint8_t *f = (const uint8_t *)guard_put(pkt, n);
			now.tv_usec += 10;
			pipeline_frame(pl, DLT_EN10MB_, &now, f, (uint32_t)n,
			    (uint32_t)(14 + iplen));
		}
	}
	cr_assert_gt(ngot, 0);
}
