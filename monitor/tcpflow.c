/*
 * tcpflow.c - TCP reassembly for what libnids cannot follow: IPv6
 * connections, and IPv4 connections whose handshake the capture never saw
 * (a trunk that was up before sipwatch started).
 *
 * Each direction tracks the next expected sequence number.  The first
 * segment seen sets it (a SYN sets it to ISN + 1).  Data before it is a
 * retransmission (trimmed or dropped); data after it is queued, bounded
 * per direction and by the pipeline's buffer budget; when the queue is full
 * or the hole persists, the hole is declared a gap and the framer
 * resynchronises.  Flows live in a bounded LRU table and expire by packet
 * time.  Comparisons use serial-number arithmetic (RFC 1982) so sequence
 * wrap is harmless.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"

#define OOO_MAX_SEGS 64
#define OOO_MAX_BYTES (256u << 10)
/* A hole older than this (packet time) is given up as a gap. */
#define OOO_HOLE_SECS 5

struct seg {
	struct seg *next;
	uint32_t seq, len;
	uint8_t data[];
};

struct half {
	uint32_t next_seq;
	uint8_t have_seq;
	uint8_t fin;
	uint16_t nsegs;
	uint32_t qbytes;
	int64_t hole_since;
	struct seg *q; /* sorted by seq */
	struct sipstream ss;
};

struct flow {
	struct ftab_node node; /* first */
	struct half h[2];      /* [0]: from key.a to key.b */
	uint8_t conn_flags;
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

static inline int32_t
seqdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

static void
half_free(struct pipeline *p, struct half *h)
{
	struct seg *s = h->q, *n;
	for (; s; s = n) {
		n = s->next;
		pipe_budget_give(p, sizeof(*s) + s->len);
		free(s);
	}
	h->q = NULL;
	h->nsegs = 0;
	h->qbytes = 0;
	sipstream_end(&h->ss, p);
}

static void
release(void *ud, struct ftab_node *n, enum ftab_why why)
{
	struct pipeline *p = ud;
	struct flow *f = (struct flow *)n;
	(void)why;
	half_free(p, &f->h[0]);
	half_free(p, &f->h[1]);
	free(f);
}

int
tcpflow_init(struct pipeline *p)
{
	return ftab_init(&p->tcp, p->cfg.tcp_flows, release, p);
}

void
tcpflow_destroy(struct pipeline *p)
{
	p->st.tcp_flow_evictions = p->tcp.evictions;
	p->st.tcp_flow_expirations = p->tcp.expirations;
	p->st.tcp_flows_peak = p->tcp.peak;
	ftab_destroy(&p->tcp);
}

/* Canonical key (lower address/port first); *dir is 0 when m's source is
 * key.a. */
static void
make_key(const struct pkt_meta *m, struct ftab_key *k, int *dir)
{
	size_t al = m->ipver == 4 ? 4 : 16;
	int c = memcmp(m->src, m->dst, al);
	if (c == 0)
		c = (int)m->sport - (int)m->dport;
	memset(k, 0, sizeof(*k));
	k->ver = m->ipver;
	k->proto = IPPROTO_TCP;
	if (c <= 0) {
		memcpy(k->a, m->src, al);
		memcpy(k->b, m->dst, al);
		k->pa = m->sport;
		k->pb = m->dport;
		*dir = 0;
	} else {
		memcpy(k->a, m->dst, al);
		memcpy(k->b, m->src, al);
		k->pa = m->dport;
		k->pb = m->sport;
		*dir = 1;
	}
}

static void
deliver(struct pipeline *p, struct flow *f, struct half *h,
    const struct pkt_meta *m, const uint8_t *d, uint32_t len)
{
	sipstream_data(&h->ss, p, m, &f->conn_flags, d, len);
	h->next_seq += len;
}

/* Delivers queued segments that have become contiguous. */
static void
drain(struct pipeline *p, struct flow *f, struct half *h, const struct pkt_meta *m)
{
	while (h->q) {
		struct seg *s = h->q;
		int32_t d = seqdiff(s->seq, h->next_seq);
		if (d > 0)
			break;
		h->q = s->next;
		h->nsegs--;
		h->qbytes -= s->len;
		if ((int64_t)s->len + d > 0) {
			uint32_t skip = (uint32_t)(-d);
			deliver(p, f, h, m, s->data + skip, s->len - skip);
		}
		pipe_budget_give(p, sizeof(*s) + s->len);
		free(s);
	}
	h->hole_since = h->q ? h->hole_since : 0;
}

/* Gives up the hole before the first queued segment. */
static void
skip_hole(struct pipeline *p, struct flow *f, struct half *h, const struct pkt_meta *m)
{
	if (h->q == NULL)
		return;
	sipstream_gap(&h->ss, p);
	h->next_seq = h->q->seq;
	drain(p, f, h, m);
}

static void
enqueue(struct pipeline *p, struct flow *f, struct half *h,
    const struct pkt_meta *m, uint32_t seq, const uint8_t *d, uint32_t len)
{
	if (h->nsegs >= OOO_MAX_SEGS || h->qbytes + len > OOO_MAX_BYTES ||
	    !pipe_budget_take(p, sizeof(struct seg) + len)) {
		pipe_event(p, STATS_E_TCP_OOO_DROP);
		skip_hole(p, f, h, m);
		if (seqdiff(seq, h->next_seq) == 0)
			deliver(p, f, h, m, d, len);
		else if (seqdiff(seq, h->next_seq) > 0) {
			sipstream_gap(&h->ss, p);
			h->next_seq = seq;
			deliver(p, f, h, m, d, len);
		}
		return;
	}
	struct seg *s = malloc(sizeof(*s) + len);
	if (s == NULL) {
		pipe_budget_give(p, sizeof(struct seg) + len);
		pipe_event(p, STATS_E_TCP_OOO_DROP);
		return;
	}
	s->seq = seq;
	s->len = len;
	memcpy(s->data, d, len);
	struct seg **pp = &h->q;
	while (*pp && seqdiff((*pp)->seq, seq) <= 0)
		pp = &(*pp)->next;
	s->next = *pp;
	*pp = s;
	h->nsegs++;
	h->qbytes += len;
	if (h->hole_since == 0)
		h->hole_since = m->ts.tv_sec ? m->ts.tv_sec : 1;
	pipe_event(p, STATS_E_TCP_OOO);
}

void
tcpflow_forget(struct pipeline *p, const struct pkt_meta *m)
{
	struct ftab_key k;
	int dir;
	make_key(m, &k, &dir);
	struct ftab_node *n = ftab_find(&p->tcp, &k);
	if (n)
		ftab_remove(&p->tcp, n);
}

void
tcpflow_segment(struct pipeline *p, const struct pkt_meta *m,
    const uint8_t *tcp, size_t len)
{
	if (len < 20) {
		pipe_event(p, STATS_E_BAD_L4);
		return;
	}
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > len) {
		pipe_event(p, STATS_E_BAD_L4);
		return;
	}
	uint32_t seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
	    (uint32_t)tcp[6] << 8 | tcp[7];
	uint8_t fl = tcp[13];
	const uint8_t *d = tcp + doff;
	uint32_t dlen = (uint32_t)(len - doff);

	struct ftab_key k;
	int dir;
	make_key(m, &k, &dir);
	struct flow *f = (struct flow *)ftab_find(&p->tcp, &k);
	if (f == NULL) {
		if (dlen == 0 && !(fl & TH_SYN))
			return; /* nothing to follow yet */
		if (fl & TH_RST)
			return;
		f = calloc(1, sizeof(*f));
		if (f == NULL)
			return;
		f->node.key = k;
		int mid = !(fl & TH_SYN);
		sipstream_init(&f->h[0].ss, mid);
		sipstream_init(&f->h[1].ss, mid);
		ftab_insert(&p->tcp, &f->node, m->ts.tv_sec);
		p->st.tcp_streams_own++;
		if (mid)
			p->st.tcp_midstream++;
	} else {
		ftab_touch(&p->tcp, &f->node, m->ts.tv_sec);
	}

	struct half *h = &f->h[dir];
	if (!h->have_seq) {
		h->have_seq = 1;
		h->next_seq = (fl & TH_SYN) ? seq + 1 : seq;
	}
	if (fl & TH_SYN) {
		seq++;
		if (dlen == 0)
			goto flags;
	}
	if (dlen > 0) {
		int32_t rel = seqdiff(seq, h->next_seq);
		if (rel < 0) {
			if ((int64_t)dlen + rel <= 0) {
				pipe_event(p, STATS_E_TCP_RETRANS);
				goto flags;
			}
			pipe_event(p, STATS_E_TCP_RETRANS);
			d += -rel;
			dlen -= (uint32_t)(-rel);
			seq = h->next_seq;
			rel = 0;
		}
		if (rel == 0) {
			deliver(p, f, h, m, d, dlen);
			drain(p, f, h, m);
		} else {
			enqueue(p, f, h, m, seq, d, dlen);
		}
		if (h->q && h->hole_since &&
		    m->ts.tv_sec - h->hole_since > OOO_HOLE_SECS)
			skip_hole(p, f, h, m);
	}
flags:
	if (fl & TH_RST) {
		ftab_remove(&p->tcp, &f->node);
		return;
	}
	if (fl & TH_FIN) {
		skip_hole(p, f, h, m);
		h->fin = 1;
		if (f->h[0].fin && f->h[1].fin)
			ftab_remove(&p->tcp, &f->node);
	}
}
