/* sdp.c - see sdp.h. */
#include "sdp.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan.h"
#include "sip_values.h"

/*
 * Multipart levels followed below a top-level multipart body (RFC 2046
 * section 5.1 allows any depth; one nested level covers multipart/alternative
 * inside multipart/mixed).  Deeper parts are not searched.
 */
#ifndef SDP_MULTIPART_NEST
#define SDP_MULTIPART_NEST 1
#endif

/* With its length: the names are looked up one by one, and a strlen()
 * of each (span_ieq() of a name that is no literal) cost more than the
 * compare. */
#define PROTO(name, cls) { name, sizeof(name) - 1, cls }
static const struct {
	const char *name;
	uint8_t len;
	uint8_t cls;
} sdp_protos[] = {
	PROTO("RTP/AVP", SDP_PROTO_RTP),              /* RFC 4566 section 5.14 */
	PROTO("RTP/AVPF", SDP_PROTO_RTP),             /* RFC 4585 */
	PROTO("RTP/SAVP", SDP_PROTO_SRTP),            /* RFC 3711 */
	PROTO("RTP/SAVPF", SDP_PROTO_SRTP),           /* RFC 5124 */
	PROTO("UDP/TLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP),  /* RFC 5764 section 8 */
	PROTO("UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP),
	PROTO("TCP/TLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP),  /* RFC 7850 */
	PROTO("TCP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP),
	PROTO("TCP/DTLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP), /* RFC 7850 */
	PROTO("TCP/DTLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP),
	PROTO("udptl", SDP_PROTO_UDPTL),              /* T.38, RFC 3362 */
};
#undef PROTO

static inline void
inc(uint16_t *c)
{
	if (*c < UINT16_MAX)
		(*c)++;
}

/* SP and HTAB, for scan_to_cls(). */
static const uint8_t blank[256] = { [' '] = 1, ['\t'] = 1 };

/* Next SP/HTAB-separated field of an SDP line (RFC 4566 section 5: one SP;
 * more are tolerated). */
HOT struct span
next_field(const char **pp, const char *end)
{
	const char *p = *pp, *s;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	s = p;
	p = scan_to_cls(p, end, blank, 1);
	*pp = p;
	return span_make(s, p);
}

static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * <port>[/<number of ports>] (RFC 4566 section 5.14): span_u32() of the
 * text before the first '/' (at most 10 digits), at most 65535.
 */
static int
media_port(struct span f, uint16_t *port)
{
	const char *p = f.p, *end = f.p + f.len, *q;
	uint64_t v = 0;

	for (q = p; q < end && q - p < 10 && *q >= '0' && *q <= '9'; q++)
		v = v * 10 + (uint64_t)(*q - '0');
	if (q == p || (q < end && *q != '/') || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static uint8_t
proto_class(struct span proto)
{
	/* Nearly every offer is RTP/AVP, as written: two word compares
	 * instead of a case-folding loop. */
	if (proto.len == 7 && memcmp(proto.p, "RTP/AVP", 7) == 0)
		return SDP_PROTO_RTP;
	for (size_t i = 0; i < sizeof sdp_protos / sizeof sdp_protos[0]; i++)
		if (proto.len == sdp_protos[i].len &&
		    span_ieq_n(proto, sdp_protos[i].name, sdp_protos[i].len))
			return sdp_protos[i].cls;
	return SDP_PROTO_OTHER;
}

/*
 * Line ends of a body, found 64 bytes at a time: a scan per line costs a
 * call and a tail for each of the dozen short lines of an SDP body.
 */
struct lines {
	const char *lo, *end; /* the body */
	const char *base;     /* bits covers [base, base + 64) */
	uint64_t bits;        /* bit i: base[i] is LF */
};

/*
 * Bit i set when byte i of [p, p + 64) is a or b, bits past end clear;
 * only the first n bytes (n <= 64) are sure to be looked at, the others
 * may be found clear.  lo <= p < end; the last 16 bytes of [lo, end)
 * serve for the tail, as in scan_any_lo().
 */
static inline uint64_t
bits64(const char *lo, const char *p, const char *end, size_t n, char a,
    char b)
{
	uint64_t m = 0;
	unsigned k = 0;
#ifdef __SSE2__
	if (n == 64 && end - p >= 64) {
		for (; k < 64; k += 16, p += 16)
			m |= (uint64_t)scan_mask16(p, 2, a, b, a, a, a) << k;
		return m;
	}
	for (; k < n && end - p >= 16; k += 16, p += 16)
		m |= (uint64_t)scan_mask16(p, 2, a, b, a, a, a) << k;
	if (k < n && p < end && end - lo >= 16) {
		unsigned skip = 16 - (unsigned)(end - p);
		return m | (uint64_t)(scan_mask16(end - 16, 2, a, b, a, a, a) >>
		    skip) << k;
	}
	if (k >= n)
		return m;
#else
	(void)lo;
#endif
	for (; p < end && k < n; k++, p++)
		m |= (uint64_t)(*p == a || *p == b) << k;
	return m;
}

/* The LF bits of [p, p + 64) for struct lines. */
static inline uint64_t
lf_bits(const char *lo, const char *p, const char *end)
{
	return bits64(lo, p, end, 64, '\n', '\n');
}

/*
 * The first three fields of the line [v, le), as three next_field() calls
 * give them, from one classification of its first 64 bytes (a c= or m=
 * line has about 20 to 40: a byte loop per field cost more).  [lo, end)
 * is the body, readable around the line.  Returns 1, or 0 when the line
 * is longer and its third field does not end within those 64 bytes.
 */
HOT int
fields3(const char *lo, const char *v, const char *le, const char *end,
    struct span f[3])
{
	const size_t len = (size_t)(le - v);
	/* Bit i: v[i] is in a field, that is no blank and before le. */
	const uint64_t word = ~bits64(lo, v, end, len < 64 ? len : 64, ' ', '\t') &
	    (len >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << len) - 1);
	size_t i = 0;

	for (int k = 0; k < 3; k++) {
		const uint64_t w = i < 64 ? word >> i : 0;
		if (w == 0) {
			/* Blanks up to le: next_field() gives le's empty span. */
			if (len > 64)
				return 0;
			f[k] = span_make(le, le);
			i = len;
			continue;
		}
		const size_t s = i + (size_t)__builtin_ctzll(w);
		/* The field ends at a blank or at le, else past the 64 bytes. */
		const uint64_t t = ~word >> s;
		if (t == 0)
			return 0;
		i = s + (size_t)__builtin_ctzll(t);
		f[k] = span_make(v + s, v + i);
	}
	return 1;
}

/* The first three SP/HTAB-separated fields of the line [v, le). */
HOT void
three_fields(const char *lo, const char *v, const char *le, const char *end,
    struct span f[3])
{
	if (fields3(lo, v, le, end, f))
		return;
	for (int k = 0; k < 3; k++)
		f[k] = next_field(&v, le);
}

/* scan_byte(p, end, '\n'), for p at or after the p of the last call (so
 * never before l->base). */
static inline const char *
next_lf(struct lines *l, const char *p)
{
	for (;;) {
		if ((size_t)(p - l->base) < 64) {
			uint64_t b = l->bits >> (p - l->base);
			if (b != 0)
				return p + __builtin_ctzll(b);
			/* No LF from p to the end of the window. */
			if (l->end - l->base <= 64)
				return l->end;
			p = l->base + 64;
		}
		if (p >= l->end)
			return l->end;
		l->base = p;
		l->bits = lf_bits(l->lo, p, l->end);
	}
}

/*
 * 1 if the line at p (4 bytes readable) is an a= line that is neither
 * a=crypto nor a=fingerprint, as the 'a' case of sdp_parse() tells them
 * by the two letters after "a=": a line it steps over, and most lines
 * are such.  One word settles it.  CR and LF OR 0x20 are no letters, so
 * a line too short to hold the two letters never looks like one of the
 * two, whatever follows it.
 */
HOT int
other_attr(const char *p)
{
	static const char fold[4] = { 0, 0, 0x20, 0x20 };
	static const char type[4] = { '\xff', '\xff', 0, 0 };
	uint32_t w, f, t, a, cr, fi;

	memcpy(&w, p, 4);
	memcpy(&f, fold, 4);
	memcpy(&t, type, 4);
	memcpy(&a, "a=\0", 4);
	memcpy(&cr, "a=cr", 4);
	memcpy(&fi, "a=fi", 4);
	return (w & t) == a && (w | f) != cr && (w | f) != fi;
}

static const struct sdp_media zero_media;

int
sdp_parse(struct span body, struct sdp_info *info)
{
	const char *p, *end;
	struct sdp_media *cur = NULL;
	int in_media = 0;
	uint16_t sess_fp = 0;
	struct lines lines;

	sdp_info_reset(info);
	/* "v=" is the first line (RFC 4566 section 5). */
	if (body.len < 2 || body.p[0] != 'v' || body.p[1] != '=')
		return -1;
	p = body.p;
	end = p + body.len;
	lines.lo = lines.base = p;
	lines.end = end;
	lines.bits = lf_bits(p, p, end);
	while (p < end) {
		const char *nl = next_lf(&lines, p);
		const char *le = nl;
		const char *next = nl != end ? nl + 1 : end;
		const char *v, *q;
		struct span f[3];
		uint16_t port;

		if (end - p >= 4 && other_attr(p)) {
			p = next;
			continue;
		}
		/* Lines end in CRLF; a bare LF is tolerated (section 5). */
		if (le > p && le[-1] == '\r')
			le--;
		/* <type>=<value>, type one lower-case letter (section 5). */
		if (le - p < 2 || p[1] != '=' || p[0] < 'a' || p[0] > 'z') {
			/* Empty lines at the end are padding, not bad lines. */
			q = skip_blank(p, end);
			if (q == end)
				break;
			info->bad = 1;
			/* Step over a run of blank lines at once: linear time. */
			if (q > next) {
				while (q > next && q[-1] != '\n')
					q--;
				next = q;
			}
			p = next;
			continue;
		}
		v = p + 2;
		switch (p[0]) {
		case 'o':
			info->origin = span_make(v, le);
			break;
		case 'c':
			/*
			 * c=<nettype> <addrtype> <connection-address>; a multicast
			 * address carries /<ttl>[/<n>] (section 5.7), not kept.
			 */
			three_fields(lines.lo, v, le, end, f);
			if (f[0].len == 0 || f[1].len == 0 || f[2].len == 0) {
				info->bad = 1;
				break;
			}
			f[2] = span_make(f[2].p, scan_any_lo(lines.lo, f[2].p,
			    f[2].p + f[2].len, 1, '/', '/', '/', '/', '/'));
			/* A media-level c= overrides the session's (section 5.7). */
			if (!in_media)
				info->conn = f[2];
			else if (cur != NULL)
				cur->conn = f[2];
			break;
		case 'm':
			/* m=<media> <port>[/<n>] <proto> <fmt> ... (section 5.14) */
			inc(&info->media_total);
			in_media = 1;
			cur = NULL;
			three_fields(lines.lo, v, le, end, f);
			if (info->num_media < SDP_MAX_MEDIA) {
				cur = &info->media[info->num_media++];
				*cur = zero_media;
				cur->media = f[0];
				cur->proto = f[2];
				cur->proto_class = proto_class(f[2]);
				cur->conn = info->conn;
				/* A session-level a=fingerprint covers every media
				 * (RFC 8122 section 5). */
				cur->fingerprint = sess_fp;
			}
			if (f[0].len == 0 || f[1].len == 0 || f[2].len == 0 ||
			    media_port(f[1], &port) != 0)
				info->bad = 1;
			else if (cur != NULL)
				cur->port = port;
			break;
		case 'a':
			/* SDES keys (RFC 4568 section 9.1) are media-level only.
			 * Most lines are neither ("fmtp" neither): the first two
			 * letters decide. */
			if (le - v < 2 || !(((v[0] | 0x20) == 'c' && (v[1] | 0x20) == 'r') ||
			    ((v[0] | 0x20) == 'f' && (v[1] | 0x20) == 'i')))
				break;
			if (span_istarts(span_make(v, le), "crypto:")) {
				inc(&info->crypto_total);
				if (cur != NULL)
					inc(&cur->crypto);
			} else if (span_istarts(span_make(v, le), "fingerprint:")) {
				inc(&info->fingerprint_total);
				if (!in_media)
					inc(&sess_fp);
				else if (cur != NULL)
					inc(&cur->fingerprint);
			}
			break;
		default:
			break;
		}
		p = next;
	}
	return 0;
}

/* Media type of a Content-Type value and its parameters after the first ';'. */
static struct span
media_type(struct span ct, struct span *params)
{
	const char *semi;

	*params = SPAN_NULL;
	if (ct.len == 0)
		return SPAN_NULL;
	ct = span_trim(ct);
	if (ct.len == 0)
		return SPAN_NULL;
	semi = memchr(ct.p, ';', ct.len);
	if (semi == NULL)
		return ct;
	*params = span_make(semi + 1, ct.p + ct.len);
	return span_trim(span_make(ct.p, semi));
}

static int find_sdp(struct span ct, struct span body, unsigned depth, struct span *out);

/*
 * A body part: MIME header fields, an empty line, the content (RFC 2046
 * section 5.1.1).  A part without Content-Type is text/plain (section 5.1),
 * hence never SDP.
 */
static int
part_sdp(const char *p, const char *end, unsigned depth, struct span *out)
{
	struct span ct = SPAN_NULL;
	int in_ct = 0;

	while (p < end) {
		const char *nl = scan_byte(p, end, '\n');
		const char *le = nl;
		const char *next = nl != end ? nl + 1 : end;
		const char *colon;

		if (le > p && le[-1] == '\r')
			le--;
		if (le == p)
			return nl == NULL ? -1 : find_sdp(ct, span_make(next, end), depth, out);
		if (*p == ' ' || *p == '\t') {
			/* A folded line continues the previous field (RFC 5322 section 2.2.3). */
			if (in_ct)
				ct = span_make(ct.p, le);
		} else {
			colon = memchr(p, ':', (size_t)(le - p));
			in_ct = colon != NULL &&
			    span_ieq(span_trim(span_make(p, colon)), "Content-Type");
			if (in_ct)
				ct = span_make(colon + 1, le);
		}
		p = next;
	}
	return -1;
}

/*
 * 1 when [p, le) is a delimiter line "--" boundary transport-padding, 2 when
 * it is the close delimiter "--" boundary "--", else 0 (RFC 2046 section
 * 5.1.1: a line that merely begins with the boundary is content).
 */
static int
delimiter(const char *p, const char *le, struct span b)
{
	if (le - p < 2 || (size_t)(le - p - 2) < b.len || p[0] != '-' || p[1] != '-' ||
	    memcmp(p + 2, b.p, b.len) != 0)
		return 0;
	p += 2 + b.len;
	if (le - p >= 2 && p[0] == '-' && p[1] == '-')
		return 2;
	while (p < le && (*p == ' ' || *p == '\t'))
		p++;
	return p == le ? 1 : 0;
}

/*
 * Scans a multipart body.  A delimiter is CRLF "--" boundary; the first may
 * open the body with no CRLF before it, and text before it is the preamble
 * (RFC 2046 section 5.1.1).  The CRLF before a delimiter belongs to the
 * delimiter, not to the part.  A body missing its close delimiter ends its
 * last part at the end of the body.
 */
static int
multipart_sdp(struct span body, struct span b, unsigned depth, struct span *out)
{
	const char *p = body.p, *end = body.p + body.len, *part = NULL;

	while (p < end) {
		const char *nl = scan_byte(p, end, '\n');
		const char *le = nl;
		const char *next = nl != end ? nl + 1 : end;
		int kind;

		if (le > p && le[-1] == '\r')
			le--;
		kind = delimiter(p, le, b);
		if (kind != 0) {
			if (part != NULL) {
				const char *pe = p;
				if (pe > part && pe[-1] == '\n')
					pe--;
				if (pe > part && pe[-1] == '\r')
					pe--;
				if (part_sdp(part, pe, depth, out) == 0)
					return 0;
			}
			if (kind == 2)
				return -1;
			part = next;
		}
		p = next;
	}
	return part != NULL ? part_sdp(part, end, depth, out) : -1;
}

static int
find_sdp(struct span ct, struct span body, unsigned depth, struct span *out)
{
	struct span params, type, b;

	if (body.len == 0)
		return -1;
	type = media_type(ct, &params);
	if (type.len == 0) {
		/*
		 * A body needs a Content-Type (RFC 3261 section 20.15), yet SDP
		 * without one is seen in captures; at the top level a body
		 * starting "v=0" is taken as SDP.
		 */
		if (depth == 0 && body.len >= 3 && memcmp(body.p, "v=0", 3) == 0) {
			*out = body;
			return 0;
		}
		return -1;
	}
	/* Nearly always in lower case, compared so in two loads first. */
	if ((type.len == 15 && memcmp(type.p, "application/sdp", 15) == 0) ||
	    span_ieq(type, "application/sdp")) {
		*out = body;
		return 0;
	}
	if (!span_istarts(type, "multipart/") || depth > SDP_MULTIPART_NEST)
		return -1;
	if (!sip_param_get(params, "boundary", &b))
		return -1;
	if (b.len >= 2 && b.p[0] == '"' && b.p[b.len - 1] == '"')
		b = span_make(b.p + 1, b.p + b.len - 1);
	if (b.len == 0)
		return -1;
	return multipart_sdp(body, b, depth + 1, out);
}

int
sdp_find(struct span content_type, struct span body, struct span *sdp)
{
	*sdp = SPAN_NULL;
	return find_sdp(content_type, body, 0, sdp);
}
