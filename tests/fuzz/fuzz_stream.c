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
#include "tests/pktbuild.h"

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

static void
seg(int v6, int reverse, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *data, size_t n)
{
	static uint8_t pkt[40 + 20 + 1400];
	size_t len;

	assert(n <= 1400);
	len = pkt_tcp(pkt, sizeof(pkt), v6, reverse, 40000, 5060, seq, ack, flags,
	    data, n);
	assert(len > 0);
	now.tv_usec += 10;
	pipeline_frame(pl, DLT_RAW_, &now, pkt, (uint32_t)len, (uint32_t)len);
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
