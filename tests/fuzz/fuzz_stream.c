/*
 * fuzz_stream.c - SIP framing over TCP (monitor/sipstream.c, with TLS and
 * WebSocket recognition) through the whole pipeline: the input's payload
 * is cut into TCP segments and fed as raw-IP frames, through libnids
 * (IPv4 with a handshake) or sipwatch's own reassembly (mid-stream, IPv6).
 *
 * Input layout:
 *   byte 0      mode: bit 0 IPv6; bit 1 handshake (libnids for IPv4);
 *               bit 2 the same bytes also flow server to client;
 *               bit 3 swap neighbouring segments (out of order);
 *               bit 4 send every segment twice (retransmission);
 *               bits 5-6 initial sequence number: 1000, 2^32 - 300
 *               (wraps inside the stream), 2^32 - 1, or from the input;
 *               bit 7 close with FIN (else RST)
 *   byte 1      number of segment sizes k (low 3 bits, plus 1)
 *   k bytes     segment sizes, cycled (0 means 1400, else the value)
 *   [4 bytes]   initial sequence number (mode bits 5-6 = 3)
 *   rest        the byte stream
 * Every message the pipeline reports is read in full in the callback, so
 * a span that outlives its buffer shows under ASan.
 */
#include <assert.h>
#include <netinet/in.h>
#include <string.h>

#include "monitor/pipeline.h"
#include "tests/fuzz/fuzz.h"

#define DLT_RAW_ 12
#define SYN 0x02
#define ACK 0x10
#define PSH 0x08
#define FIN 0x01
#define RST 0x04

static struct pipeline *pl;
static struct timeval now;
static unsigned long sink;

static void
on_msg(void *ud, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *s, unsigned mon)
{
	(void)ud, (void)m, (void)mon;
	for (uint32_t i = 0; i < msg->raw.len; i++)
		sink += (unsigned char)msg->raw.p[i];
	sink += s->call_id.len + msg->num_headers;
}

static uint16_t
csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
seg(int v6, int reverse, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *data, size_t n)
{
	static uint8_t pkt[40 + 20 + 1400];
	size_t ipl = v6 ? 40 : 20;
	uint16_t sport = 40000, dport = 5060;
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t a4[4] = { 192, 0, 2, 1 }, b4[4] = { 192, 0, 2, 2 };

	assert(n <= 1400);
	memset(pkt, 0, ipl + 20);
	if (reverse) {
		sport = 5060;
		dport = 40000;
	}
	if (v6) {
		pkt[0] = 0x60;
		pkt[4] = (uint8_t)((20 + n) >> 8);
		pkt[5] = (uint8_t)(20 + n);
		pkt[6] = IPPROTO_TCP;
		pkt[7] = 64;
		memcpy(pkt + 8, reverse ? b6 : a6, 16);
		memcpy(pkt + 24, reverse ? a6 : b6, 16);
	} else {
		size_t tl = 40 + n;
		pkt[0] = 0x45;
		pkt[2] = (uint8_t)(tl >> 8);
		pkt[3] = (uint8_t)tl;
		pkt[8] = 64;
		pkt[9] = IPPROTO_TCP;
		memcpy(pkt + 12, reverse ? b4 : a4, 4);
		memcpy(pkt + 16, reverse ? a4 : b4, 4);
		uint16_t s = csum(pkt, 20);
		pkt[10] = (uint8_t)(s >> 8);
		pkt[11] = (uint8_t)s;
	}
	uint8_t *t = pkt + ipl;
	t[0] = (uint8_t)(sport >> 8);
	t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8);
	t[3] = (uint8_t)dport;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff;
	t[15] = 0xff;
	if (n)
		memcpy(t + 20, data, n);
	now.tv_usec += 10;
	pipeline_frame(pl, DLT_RAW_, &now, pkt, (uint32_t)(ipl + 20 + n),
	    (uint32_t)(ipl + 20 + n));
}

#define MAXSEG 4096

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline_cfg c;
	char err[256];
	static struct {
		size_t off, len;
	} segs[MAXSEG];

	if (size < 2)
		return 0;
	uint8_t mode = data[0];
	size_t k = (size_t)(data[1] & 7) + 1;
	size_t pos = 2;
	if (size < pos + k)
		return 0;
	const uint8_t *sizes = data + pos;
	pos += k;
	uint32_t isn;
	switch ((mode >> 5) & 3) {
	case 0: isn = 1000; break;
	case 1: isn = 0xffffffffu - 300; break;
	case 2: isn = 0xffffffffu; break;
	default:
		if (size < pos + 4)
			return 0;
		isn = (uint32_t)data[pos] << 24 | (uint32_t)data[pos + 1] << 16 |
		    (uint32_t)data[pos + 2] << 8 | data[pos + 3];
		pos += 4;
	}
	const uint8_t *payload = data + pos;
	size_t plen = size - pos;
	int v6 = mode & 1, hs = (mode >> 1) & 1, both = (mode >> 2) & 1;

	size_t nseg = 0;
	for (size_t off = 0, i = 0; off < plen && nseg < MAXSEG; i++) {
		size_t l = sizes[i % k] ? sizes[i % k] : 1400;
		if (l > plen - off)
			l = plen - off;
		segs[nseg].off = off;
		segs[nseg].len = l;
		nseg++;
		off += l;
	}
	if (mode & 8)
		for (size_t i = 0; i + 1 < nseg; i += 2) {
			size_t o = segs[i].off, l = segs[i].len;
			segs[i] = segs[i + 1];
			segs[i + 1].off = o;
			segs[i + 1].len = l;
		}

	pipeline_cfg_default(&c);
	c.tcp_streams = 64;
	c.tcp_flows = 64;
	c.frag_sets = 64;
	c.buffer_budget = 1u << 20;
	c.on_msg = on_msg;
	now.tv_sec = 1700000000;
	now.tv_usec = 0;
	pl = pipeline_new(&c, err, sizeof(err));
	assert(pl != NULL);

	const uint32_t sisn = 7000;
	if (hs) {
		seg(v6, 0, isn - 1, 0, SYN, NULL, 0);
		seg(v6, 1, sisn - 1, isn, SYN | ACK, NULL, 0);
		seg(v6, 0, isn, sisn, ACK, NULL, 0);
	}
	for (size_t i = 0; i < nseg; i++) {
		uint32_t rel = (uint32_t)segs[i].off;
		for (int rep = 0; rep < ((mode & 16) ? 2 : 1); rep++) {
			seg(v6, 0, isn + rel, sisn, ACK | PSH, payload + segs[i].off, segs[i].len);
			if (both)
				seg(v6, 1, sisn + rel, isn, ACK | PSH, payload + segs[i].off,
				    segs[i].len);
		}
	}
	uint32_t end = isn + (uint32_t)plen;
	if (mode & 128) {
		seg(v6, 0, end, sisn, FIN | ACK, NULL, 0);
		seg(v6, 1, sisn + (both ? (uint32_t)plen : 0), end + 1, FIN | ACK, NULL, 0);
	} else {
		seg(v6, 0, end, sisn, RST, NULL, 0);
	}
	pipeline_finish(pl);
	pipeline_free(pl);
	pl = NULL;
	return 0;
}
