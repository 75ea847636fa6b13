/*
 * sctp.c - SIP over SCTP (RFC 4168).  SCTP is message-oriented like UDP:
 * each user message is one SIP message.  A message larger than one DATA
 * chunk is sent as fragments with consecutive TSNs (RFC 9260 section
 * 3.3.1: B flag on the first, E on the last); they are joined here, per
 * association and stream, bounded by the SIP message limit and the
 * pipeline's buffer budget, in a bounded LRU table.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"

#define SCTP_B 0x02
#define SCTP_E 0x01

struct smsg {
	struct ftab_node node; /* first */
	uint32_t next_tsn;
	uint32_t len, cap;
	uint8_t *buf;
};

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t
get32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void
release(void *ud, struct ftab_node *n, enum ftab_why why)
{
	struct pipeline *p = ud;
	struct smsg *s = (struct smsg *)n;
	if (why == FTAB_EVICTED || why == FTAB_EXPIRED)
		pipe_event(p, STATS_E_SCTP_INCOMPLETE);
	pipe_budget_give(p, s->cap);
	free(s->buf);
	free(s);
}

int
sctp_init(struct pipeline *p)
{
	return ftab_init(&p->sctp, p->cfg.frag_sets, release, p);
}

void
sctp_destroy(struct pipeline *p)
{
	ftab_destroy(&p->sctp);
}

static int
append(struct pipeline *p, struct smsg *s, const uint8_t *d, size_t n)
{
	if ((uint64_t)s->len + n > p->cfg.max_msg)
		return -1;
	if (s->len + n > s->cap) {
		size_t nc = s->cap ? s->cap : 2048;
		while (nc < s->len + n)
			nc *= 2;
		if (!pipe_budget_take(p, nc - s->cap))
			return -1;
		uint8_t *nb = realloc(s->buf, nc);
		if (nb == NULL) {
			pipe_budget_give(p, nc - s->cap);
			return -1;
		}
		s->buf = nb;
		s->cap = (uint32_t)nc;
	}
	memcpy(s->buf + s->len, d, n);
	s->len += (uint32_t)n;
	return 0;
}

static void
data_chunk(struct pipeline *p, const struct pkt_meta *m, const uint8_t *c, size_t clen)
{
	uint8_t fl = c[1];
	uint32_t tsn = get32(c + 4);
	uint16_t sid = get16(c + 8);
	const uint8_t *d = c + 16;
	size_t n = clen - 16;

	if ((fl & (SCTP_B | SCTP_E)) == (SCTP_B | SCTP_E)) {
		pipe_udp_payload(p, m, d, n);
		return;
	}
	struct ftab_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.a, m->src, 16);
	memcpy(k.b, m->dst, 16);
	k.pa = m->sport;
	k.pb = m->dport;
	k.ver = m->ipver;
	k.proto = IPPROTO_SCTP;
	memcpy(k.pad, &sid, 2);
	struct smsg *s = (struct smsg *)ftab_find(&p->sctp, &k);
	if (fl & SCTP_B) {
		if (s == NULL) {
			s = calloc(1, sizeof(*s));
			if (s == NULL)
				return;
			s->node.key = k;
			ftab_insert(&p->sctp, &s->node, m->ts.tv_sec);
		} else {
			pipe_event(p, STATS_E_SCTP_INCOMPLETE);
			s->len = 0;
		}
	} else if (s == NULL || tsn != s->next_tsn) {
		pipe_event(p, STATS_E_SCTP_INCOMPLETE);
		if (s)
			ftab_remove(&p->sctp, &s->node);
		return;
	}
	s->next_tsn = tsn + 1;
	if (append(p, s, d, n) != 0) {
		pipe_event(p, STATS_E_BUFFER_BUDGET);
		ftab_remove(&p->sctp, &s->node);
		return;
	}
	if (fl & SCTP_E) {
		pipe_udp_payload(p, m, s->buf, s->len);
		ftab_remove(&p->sctp, &s->node);
	}
}

void
sctp_packet(struct pipeline *p, struct pkt_meta *m, const uint8_t *b, size_t len)
{
	if (len < 12) {
		pipe_event(p, STATS_E_BAD_L4);
		return;
	}
	m->sport = get16(b);
	m->dport = get16(b + 2);
	const uint8_t *c = b + 12, *end = b + len;
	while ((size_t)(end - c) >= 4) {
		size_t clen = get16(c + 2);
		if (clen < 4 || clen > (size_t)(end - c)) {
			pipe_event(p, STATS_E_BAD_L4);
			return;
		}
		if (c[0] == 0 && clen >= 16)
			data_chunk(p, m, c, clen);
		size_t adv = (clen + 3) & ~(size_t)3;
		if (adv >= (size_t)(end - c))
			break;
		c += adv;
	}
}
