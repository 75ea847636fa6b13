/* pktbuild.c - see pktbuild.h. */
#include "tests/pktbuild.h"

#include <netinet/in.h>
#include <string.h>

uint16_t
pkt_csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

size_t
pkt_tcp(uint8_t *out, size_t cap, int v6, int reverse, uint16_t sport,
    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
    const void *data, size_t n)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t a4[4] = { 192, 0, 2, 1 }, b4[4] = { 192, 0, 2, 2 };
	size_t ipl = v6 ? 40 : 20, len = ipl + 20 + n;

	if (len > cap || 20 + n > 65535 - (v6 ? 0 : 20))
		return 0;
	if (reverse) {
		uint16_t t = sport;
		sport = dport;
		dport = t;
	}
	memset(out, 0, ipl + 20);
	if (v6) {
		out[0] = 0x60;
		out[4] = (uint8_t)((20 + n) >> 8);
		out[5] = (uint8_t)(20 + n);
		out[6] = IPPROTO_TCP;
		out[7] = 64;
		memcpy(out + 8, reverse ? b6 : a6, 16);
		memcpy(out + 24, reverse ? a6 : b6, 16);
	} else {
		out[0] = 0x45;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		out[8] = 64;
		out[9] = IPPROTO_TCP;
		memcpy(out + 12, reverse ? b4 : a4, 4);
		memcpy(out + 16, reverse ? a4 : b4, 4);
		uint16_t s = pkt_csum(out, 20);
		out[10] = (uint8_t)(s >> 8);
		out[11] = (uint8_t)s;
	}
	uint8_t *t = out + ipl;
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
	return len;
}
