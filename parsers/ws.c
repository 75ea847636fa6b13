/* ws.c - see ws.h. */
#include "ws.h"

#include <string.h>

#include "span.h"

int
ws_frame_parse(const uint8_t *buf, size_t len, struct ws_frame *f)
{
	memset(f, 0, sizeof(*f));
	if (len < 2)
		return -2;
	uint8_t b0 = buf[0], b1 = buf[1];
	if (b0 & 0x70)
		return -1; /* RSV bits without a negotiated extension */
	f->fin = (b0 & 0x80) != 0;
	f->opcode = b0 & 0x0f;
	if ((f->opcode > 2 && f->opcode < 8) || f->opcode > 10)
		return -1;
	f->masked = (b1 & 0x80) != 0;
	uint64_t pl = b1 & 0x7f;
	size_t hl = 2;
	if (pl == 126) {
		if (len < 4)
			return -2;
		pl = (uint64_t)buf[2] << 8 | buf[3];
		hl = 4;
	} else if (pl == 127) {
		if (len < 10)
			return -2;
		pl = 0;
		for (int i = 0; i < 8; i++)
			pl = pl << 8 | buf[2 + i];
		if (pl >> 63)
			return -1;
		hl = 10;
	}
	/* Control frames are short and never fragmented (section 5.5). */
	if (f->opcode >= 8 && (pl > 125 || !f->fin))
		return -1;
	if (f->masked) {
		if (len < hl + 4)
			return -2;
		memcpy(f->mask, buf + hl, 4);
		hl += 4;
	}
	f->payload_len = pl;
	f->header_len = hl;
	return (int)hl;
}

void
ws_unmask(const struct ws_frame *f, uint64_t off, const uint8_t *src,
    uint8_t *dst, size_t n)
{
	if (!f->masked) {
		memmove(dst, src, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i] ^ f->mask[(off + i) & 3];
}

int
ws_http_upgrade(const char *buf, size_t len, size_t *hdr_len)
{
	const char *p = buf, *end = buf + len;
	int upgrade = 0;

	/* Header lines up to the blank line; the start line is skipped. */
	for (int line = 0;; line++) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			return -2;
		struct span l = span_make(p, lf);
		if (l.len && l.p[l.len - 1] == '\r')
			l.len--;
		p = lf + 1;
		if (l.len == 0) {
			*hdr_len = (size_t)(p - buf);
			return upgrade;
		}
		if (line > 0 && span_istarts(l, "upgrade:")) {
			struct span v = span_trim(span_make(l.p + 8, l.p + l.len));
			if (span_istarts(v, "websocket"))
				upgrade = 1;
		}
	}
}
