/*
 * pcapread.c - see pcapread.h.
 *
 * What libpcap 1.10 does with a version 2.4 file in the reader's own byte
 * order (sf-pcap.c), and so what this reader does: each record is a
 * 16-byte header (seconds and fraction as signed 32-bit numbers, captured
 * length, original length) and the captured bytes; a nanosecond fraction
 * is divided by 1000 for a microsecond handle; a captured length above
 * the snapshot length is cut or refused (left to libpcap here); the
 * original length is passed on as it is.  Files in the other byte order
 * go to libpcap whole: it also swaps some link types' pseudo-headers.
 */
#include "monitor/pcapread.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC_USEC 0xa1b2c3d4u
#define MAGIC_NSEC 0xa1b23c4du
#define FILE_HDR 24
#define REC_HDR 16

static uint32_t
le32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Reads until n bytes or the end of the file; -1 on an error. */
static ssize_t
read_full(int fd, unsigned char *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
pcapread_open(struct pcapread *r, int fd, uint32_t snap)
{
	unsigned char h[FILE_HDR];
	uint16_t major, minor;

	memset(r, 0, sizeof(*r));
	ssize_t n = read_full(fd, h, sizeof(h));
	if (n < 0)
		return -1;
	if (n < FILE_HDR)
		return 0;
	uint32_t magic = le32(h);
	memcpy(&major, h + 4, sizeof(major));
	memcpy(&minor, h + 6, sizeof(minor));
	/* libpcap keeps a header's snapshot length as written when it is
	 * not absurd for every link type (up to 2^31): the buffer below
	 * holds a record of that length, so a large one stays libpcap's. */
	if ((magic != MAGIC_USEC && magic != MAGIC_NSEC) || major != 2 || minor != 4 ||
	    snap == 0 || snap > PCAPREAD_MAX_SNAP)
		return 0;
	/* Room for a chunk and for the largest record that may straddle
	 * two reads. */
	r->cap = PCAPREAD_CHUNK + REC_HDR + (size_t)snap;
	r->buf = malloc(r->cap);
	if (r->buf == NULL)
		return -1;
	r->fd = fd;
	r->snap = snap;
	r->nsec = magic == MAGIC_NSEC;
	r->base = FILE_HDR;
	return 1;
}

/* Moves the unread tail to the front and reads more after it: 1 when
 * something was added, 0 at the end of the file, -1 on an error.  Once
 * per chunk: out of line, so that pcapread_next() does not save and
 * restore on every packet the registers this needs. */
static __attribute__((noinline)) int
refill(struct pcapread *r)
{
	size_t left = r->have - r->off;
	if (r->eof)
		return 0;
	memmove(r->buf, r->buf + r->off, left);
	r->base += r->off;
	r->have = left;
	r->off = 0;
	/* left is less than one record: a whole chunk fits after it. */
	assert(left + PCAPREAD_CHUNK <= r->cap);
	ssize_t n = read_full(r->fd, r->buf + left, PCAPREAD_CHUNK);
	if (n < 0)
		return -1;
	if (n == 0) {
		r->eof = 1;
		return 0;
	}
	r->have += (size_t)n;
	return 1;
}

enum pcapread_status
pcapread_next(struct pcapread *r, struct pcap_pkthdr **h, const u_char **data)
{
	for (;;) {
		size_t left = r->have - r->off;
		const unsigned char *p = r->buf + r->off;
		if (left >= REC_HDR) {
			uint32_t caplen = le32(p + 8);
			if (caplen > r->snap)
				return PCAPREAD_HANDOVER;
			if (left - REC_HDR >= caplen) {
				int32_t sec, frac;
				memcpy(&sec, p, sizeof(sec));
				memcpy(&frac, p + 4, sizeof(frac));
				r->h.ts.tv_sec = sec;
				r->h.ts.tv_usec = r->nsec ? frac / 1000 : frac;
				r->h.caplen = caplen;
				r->h.len = le32(p + 12);
				*h = &r->h;
				*data = p + REC_HDR;
				r->off += REC_HDR + (size_t)caplen;
				return PCAPREAD_PACKET;
			}
		}
		int k = refill(r);
		if (k < 0)
			return PCAPREAD_ERROR;
		if (k == 0) {
			/* A record cut short: libpcap says how. */
			return r->have > r->off ? PCAPREAD_HANDOVER : PCAPREAD_END;
		}
	}
}

uint64_t
pcapread_offset(const struct pcapread *r)
{
	return r->base + r->off;
}

void
pcapread_close(struct pcapread *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	close(r->fd);
	free(r);
}
