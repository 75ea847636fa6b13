/*
 * sipstream.c - SIP framing over one direction of a TCP byte stream
 * (RFC 3261 section 18.3: messages delimited by Content-Length).
 *
 * Complete messages in the new data are parsed in place; only a trailing
 * partial message is copied into the stream's buffer, bounded by max_msg
 * and by the pipeline's global buffer budget.  The first bytes decide what
 * the direction carries: SIP, TLS (never parsed as SIP), or something else.
 * A stream picked up in the middle, or after a gap, hunts for the next
 * start line instead of parsing from an arbitrary byte.
 */
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"
#include "parsers/sip.h"
#include "parsers/tls.h"
#include "parsers/ws.h"

enum { SS_NEW, SS_SIP, SS_HUNT, SS_WS_HS, SS_WS, SS_TLS, SS_OTHER };

/* How much undecided data a new direction may hold before giving up. */
#define SNIFF_MAX 8192
/* How much a hunting direction keeps while looking for a start line. */
#define HUNT_KEEP 1024

void
sipstream_init(struct sipstream *s, int midstream)
{
	memset(s, 0, sizeof(*s));
	s->state = midstream ? SS_HUNT : SS_NEW;
	s->first = 1;
}

static void
buf_drop(struct sipstream *s, struct pipeline *p)
{
	if (s->buf) {
		pipe_budget_give(p, s->cap);
		free(s->buf);
	}
	s->buf = NULL;
	s->len = s->cap = 0;
}

/* Keeps [data, data + n) as the buffer's content.  data may point into the
 * buffer itself. */
static int
buf_keep(struct sipstream *s, struct pipeline *p, const char *data, size_t n)
{
	if (n == 0) {
		buf_drop(s, p);
		return 0;
	}
	if (n > s->cap) {
		size_t nc = s->cap ? s->cap : 2048;
		while (nc < n)
			nc *= 2;
		if (nc > (size_t)p->cfg.max_msg + 4096)
			nc = (size_t)p->cfg.max_msg + 4096;
		if (nc < n || !pipe_budget_take(p, nc - s->cap)) {
			pipe_event(p, STATS_E_BUFFER_BUDGET);
			return -1;
		}
		char *nb = malloc(nc);
		if (nb == NULL) {
			pipe_budget_give(p, nc - s->cap);
			pipe_event(p, STATS_E_BUFFER_BUDGET);
			return -1;
		}
		memcpy(nb, data, n);
		free(s->buf);
		s->buf = nb;
		s->cap = (uint32_t)nc;
	} else {
		memmove(s->buf, data, n);
	}
	s->len = (uint32_t)n;
	return 0;
}

/*
 * Finds the start of a SIP start line in [b, b + n).  A candidate must
 * begin a line (follow an LF) unless it is at offset 0 and allow0 is set,
 * in which case it must name a known method or be a status line, so that a
 * line cut in the middle ("TE sip:...") is not taken for one.
 * Returns the offset, or -1.
 */
static long
hunt(const char *b, size_t n, int allow0)
{
	const char *end = b + n, *p = b;
	if (allow0 && sip_sniff(b, n)) {
		if (n >= 8 && memcmp(b, "SIP/2.0 ", 8) == 0)
			return 0;
		const char *sp = memchr(b, ' ', n < 32 ? n : 32);
		if (sp && sip_method_lookup(span_make(b, sp)) != SIP_M_OTHER)
			return 0;
	}
	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		if (lf == NULL)
			return -1;
		p = lf + 1;
		if (p < end && sip_sniff(p, (size_t)(end - p)))
			return p - b;
	}
	return -1;
}

/*
 * Parses complete messages from [b, b + n).  Returns the bytes consumed;
 * the caller keeps the rest.  May switch the state to SS_HUNT.
 */
static size_t
parse_run(struct sipstream *s, struct pipeline *p, const struct pkt_meta *m,
    const char *b, size_t n)
{
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg msg;
	size_t off = 0;

	while (off < n && s->state == SS_SIP) {
		int r = sip_parse(b + off, n - off, &msg, hdrs, SIP_MAX_HEADERS,
		    &p->cfg.sip, SIP_PARSE_STREAM);
		if (r > 0) {
			pipe_emit(p, m, &msg, 0);
			off += (size_t)r;
			continue;
		}
		if (r == -2) {
			if (n - off > p->cfg.max_msg) {
				pipe_event(p, STATS_E_TCP_OVERSIZE);
				off += 1;
				s->state = SS_HUNT;
			}
			break;
		}
		/* Not a message here: resynchronise on the next start line,
		 * past this one.  hunt() accepts offset 0 of a direction's
		 * first bytes when sip_sniff() does, and sip_sniff() can
		 * accept a line that sip_parse() rejects: without clearing
		 * first, SS_SIP and SS_HUNT would hand the same offset back
		 * and forth for ever (tests/fuzz/corpus/fuzz_stream/
		 * hang-hunt-offset0). */
		s->first = 0;
		s->state = SS_HUNT;
	}
	return off;
}

/* Appends a WebSocket frame's payload to the message being reassembled. */
static int
ws_append(struct sipstream *s, struct pipeline *p, const struct ws_frame *f,
    const uint8_t *src, size_t n)
{
	if (n == 0)
		return 0; /* an empty frame adds nothing (and s->ws may be NULL) */
	size_t need = (size_t)s->wslen + n;
	if (need > p->cfg.max_msg)
		return -1;
	if (need > s->wscap) {
		size_t nc = s->wscap ? s->wscap : 2048;
		while (nc < need)
			nc *= 2;
		if (!pipe_budget_take(p, nc - s->wscap))
			return -1;
		char *nb = realloc(s->ws, nc);
		if (nb == NULL) {
			pipe_budget_give(p, nc - s->wscap);
			return -1;
		}
		s->ws = nb;
		s->wscap = (uint32_t)nc;
	}
	ws_unmask(f, 0, src, (uint8_t *)s->ws + s->wslen, n);
	s->wslen = (uint32_t)need;
	return 0;
}

/*
 * SIP over WebSocket (RFC 7118 section 5): each WebSocket message (text or
 * binary, possibly in continuation frames) carries one SIP message.
 * Returns bytes consumed (whole frames only).
 */
static size_t
ws_run(struct sipstream *s, struct pipeline *p, const struct pkt_meta *m,
    const char *b, size_t n)
{
	const uint8_t *u = (const uint8_t *)b;
	size_t off = 0;
	struct pkt_meta wm = *m;
	wm.ws = 1;

	while (off < n) {
		struct ws_frame f;
		int r = ws_frame_parse(u + off, n - off, &f);
		if (r == -2)
			break;
		if (r < 0 || f.payload_len > p->cfg.max_msg) {
			pipe_event(p, STATS_E_TCP_JUNK);
			s->state = SS_OTHER;
			return n;
		}
		if (f.payload_len > n - off - f.header_len)
			break;
		const uint8_t *pl = u + off + f.header_len;
		size_t pn = (size_t)f.payload_len;
		if (f.opcode <= 2) {
			if (f.opcode != 0)
				s->wslen = 0;
			if (ws_append(s, p, &f, pl, pn) != 0) {
				pipe_event(p, STATS_E_TCP_OVERSIZE);
				s->wslen = 0;
			} else if (f.fin) {
				pipe_udp_payload(p, &wm, (const uint8_t *)s->ws, s->wslen);
				s->wslen = 0;
			}
		}
		off += f.header_len + pn;
	}
	return off;
}

/* Runs the state machine over [b, b + n); returns bytes consumed. */
static size_t
process(struct sipstream *s, struct pipeline *p, const struct pkt_meta *m,
    uint8_t *conn_flags, const char *b, size_t n)
{
	size_t off = 0;

	for (;;) {
		switch (s->state) {
		case SS_NEW: {
			const char *q = b, *end = b + n;
			while (q < end && (*q == '\r' || *q == '\n'))
				q++;
			if (q == end)
				return n;
			struct tls_hello h;
			int t = tls_sniff((const uint8_t *)q, (size_t)(end - q), &h);
			if (t == 1) {
				s->state = SS_TLS;
				if (!(*conn_flags & CONN_TLS_COUNTED)) {
					*conn_flags |= CONN_TLS_COUNTED;
					stats_count_tls(&p->st, h.version, h.sni);
					if (p->cfg.on_tls)
						p->cfg.on_tls(p->cfg.ud, m, h.version, h.sni);
				}
				return n;
			}
			if (t == -2)
				return off;
			if (sip_sniff(q, (size_t)(end - q))) {
				s->state = SS_SIP;
				break;
			}
			if ((end - q >= 4 && memcmp(q, "GET ", 4) == 0) ||
			    (end - q >= 12 && memcmp(q, "HTTP/1.1 101", 12) == 0)) {
				s->state = SS_WS_HS;
				break;
			}
			/* sip_sniff needs the first line; wait for it, bounded. */
			if (memchr(q, '\n', (size_t)(end - q)) == NULL && n < SNIFF_MAX)
				return off;
			s->state = SS_OTHER;
			if (!(*conn_flags & CONN_NONSIP_COUNTED)) {
				*conn_flags |= CONN_NONSIP_COUNTED;
				pipe_event(p, STATS_E_NON_SIP_STREAM);
			}
			return n;
		}
		case SS_SIP:
			off += parse_run(s, p, m, b + off, n - off);
			if (s->state == SS_SIP)
				return off;
			break;
		case SS_HUNT: {
			if (off == 0 && s->first &&
			    tls_sniff((const uint8_t *)b, n, NULL) == 1) {
				s->state = SS_TLS;
				if (!(*conn_flags & CONN_TLS_COUNTED)) {
					*conn_flags |= CONN_TLS_COUNTED;
					stats_count_tls(&p->st, 0, "");
					if (p->cfg.on_tls)
						p->cfg.on_tls(p->cfg.ud, m, 0, "");
				}
				return n;
			}
			long h = hunt(b + off, n - off, off == 0 && s->first);
			if (h < 0) {
				/* Keep the tail: a start line may straddle. */
				size_t keep = n - off > HUNT_KEEP ? HUNT_KEEP : n - off;
				if (n - off > keep)
					pipe_event(p, STATS_E_TCP_JUNK);
				return n - keep;
			}
			if (h > 0)
				pipe_event(p, STATS_E_TCP_JUNK);
			off += (size_t)h;
			s->state = SS_SIP;
			break;
		}
		case SS_WS_HS: {
			size_t hl;
			int r = ws_http_upgrade(b + off, n - off, &hl);
			if (r == -2 && n - off < SNIFF_MAX * 4)
				return off;
			if (r == 1) {
				off += hl;
				s->state = SS_WS;
				break;
			}
			s->state = SS_OTHER;
			if (!(*conn_flags & CONN_NONSIP_COUNTED)) {
				*conn_flags |= CONN_NONSIP_COUNTED;
				pipe_event(p, STATS_E_NON_SIP_STREAM);
			}
			return n;
		}
		case SS_WS:
			return off + ws_run(s, p, m, b + off, n - off);
		case SS_TLS:
		case SS_OTHER:
		default:
			return n;
		}
	}
}

void
sipstream_data(struct sipstream *s, struct pipeline *p, const struct pkt_meta *m,
    uint8_t *conn_flags, const uint8_t *data, size_t n)
{
	if (n == 0 || s->state == SS_TLS || s->state == SS_OTHER)
		return;
	if (s->len == 0) {
		/* Fast path: parse straight from the segment. */
		size_t used = process(s, p, m, conn_flags, (const char *)data, n);
		/* A pickup point stays a candidate start line until the
		 * hunt has decided about it. */
		if (used > 0 || s->state != SS_HUNT)
			s->first = 0;
		if (used < n && s->state != SS_TLS && s->state != SS_OTHER)
			buf_keep(s, p, (const char *)data + used, n - used);
		return;
	}
	size_t total = (size_t)s->len + n;
	if (total > (size_t)p->cfg.max_msg + 4096) {
		/* Cannot hold it all: whatever is buffered is not a message we
		 * can frame; count it and resynchronise on the new data. */
		pipe_event(p, STATS_E_TCP_OVERSIZE);
		buf_drop(s, p);
		s->state = SS_HUNT;
		sipstream_data(s, p, m, conn_flags, data, n);
		return;
	}
	if (total > s->cap) {
		size_t nc = s->cap ? s->cap : 2048;
		while (nc < total)
			nc *= 2;
		if (!pipe_budget_take(p, nc - s->cap)) {
			pipe_event(p, STATS_E_BUFFER_BUDGET);
			buf_drop(s, p);
			s->state = SS_HUNT;
			return;
		}
		char *nb = realloc(s->buf, nc);
		if (nb == NULL) {
			pipe_budget_give(p, nc - s->cap);
			pipe_event(p, STATS_E_BUFFER_BUDGET);
			buf_drop(s, p);
			s->state = SS_HUNT;
			return;
		}
		s->buf = nb;
		s->cap = (uint32_t)nc;
	}
	memcpy(s->buf + s->len, data, n);
	s->len = (uint32_t)total;
	size_t used = process(s, p, m, conn_flags, s->buf, s->len);
	if (used > 0 || s->state != SS_HUNT)
		s->first = 0;
	if (s->state == SS_TLS || s->state == SS_OTHER || used >= s->len)
		buf_drop(s, p);
	else if (used > 0)
		buf_keep(s, p, s->buf + used, s->len - used);
}

void
sipstream_gap(struct sipstream *s, struct pipeline *p)
{
	if (s->state == SS_TLS || s->state == SS_OTHER)
		return;
	pipe_event(p, STATS_E_TCP_GAP);
	buf_drop(s, p);
	s->state = SS_HUNT;
	s->first = 1;
}

void
sipstream_end(struct sipstream *s, struct pipeline *p)
{
	if (s->state == SS_SIP && s->len > 0) {
		const char *q = s->buf, *end = s->buf + s->len;
		while (q < end && (*q == '\r' || *q == '\n'))
			q++;
		if (q < end)
			pipe_event(p, STATS_E_TCP_INCOMPLETE_AT_CLOSE);
	}
	buf_drop(s, p);
	if (s->ws) {
		pipe_budget_give(p, s->wscap);
		free(s->ws);
		s->ws = NULL;
		s->wslen = s->wscap = 0;
	}
}
