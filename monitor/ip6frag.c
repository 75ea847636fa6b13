/*
 * ip6frag.c - IPv6 fragment reassembly (RFC 8200 section 4.5), which
 * libnids does not do.
 *
 * Fragment sets are keyed by source, destination and identification, live
 * in a bounded LRU table and expire by packet time.  Overlapping fragments
 * drop the whole datagram (RFC 5722); so do sets that pass 65535 bytes or
 * too many fragments.  A complete datagram's payload (it may begin with
 * more extension headers) is handed back to the pipeline as UDP or TCP.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"
#include "parsers/decap.h"

#define FRAG6_MAX_FRAGS 64
#define FRAG6_MAX_LEN 65535

struct frag {
	struct frag *next;
	uint32_t off, len;
	uint8_t data[];
};

struct fset {
	struct ftab_node node; /* first */
	struct frag *frags;    /* sorted by offset */
	uint32_t nfrags;
	uint32_t total;        /* known once the last fragment arrived */
	uint32_t held;
	uint8_t nh;            /* next header of the first fragment */
	uint8_t have_last, have_first;
	struct decap_ip ipi;   /* addresses */
};

static void
release(void *ud, struct ftab_node *n, enum ftab_why why)
{
	struct pipeline *p = ud;
	struct fset *fs = (struct fset *)n;
	struct frag *f, *nx;
	if (why == FTAB_EXPIRED || why == FTAB_EVICTED)
		pipe_event(p, STATS_E_FRAG_TIMEOUT);
	if (why == FTAB_EVICTED)
		p->st.frag6_evictions++;
	for (f = fs->frags; f; f = nx) {
		nx = f->next;
		pipe_budget_give(p, sizeof(*f) + f->len);
		free(f);
	}
	free(fs);
}

int
ip6frag_init(struct pipeline *p)
{
	return ftab_init(&p->frag6, p->cfg.frag_sets, release, p);
}

void
ip6frag_destroy(struct pipeline *p)
{
	ftab_destroy(&p->frag6);
}

/*
 * Rebuilds the datagram as an unfragmented IPv6 packet (a plain 40-byte
 * header whose next header is the fragments' one) and hands it back to
 * the pipeline, so the capture filter, tunnels and transports apply to it
 * as to any packet.
 */
static void
complete(struct pipeline *p, struct fset *fs, int depth)
{
	size_t n = 40 + (size_t)fs->total;
	uint8_t *buf = malloc(n);
	if (buf == NULL)
		return;
	memset(buf, 0, 40);
	buf[0] = 0x60;
	buf[4] = (uint8_t)(fs->total >> 8);
	buf[5] = (uint8_t)fs->total;
	buf[6] = fs->nh;
	buf[7] = 64;
	memcpy(buf + 8, fs->ipi.src, 16);
	memcpy(buf + 24, fs->ipi.dst, 16);
	for (struct frag *f = fs->frags; f; f = f->next)
		memcpy(buf + 40 + f->off, f->data, f->len);
	p->st.reasm6++;
	if (p->reasm_filter == NULL || p->reasm_filter(p->reasm_ud, buf, n))
		pipe_ip(p, buf, n, depth + 1);
	free(buf);
}

void
ip6frag_add(struct pipeline *p, const struct decap_ip *ipi, int depth)
{
	struct ftab_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.a, ipi->src, 16);
	memcpy(k.b, ipi->dst, 16);
	k.pa = (uint16_t)(ipi->frag_id >> 16);
	k.pb = (uint16_t)ipi->frag_id;
	k.ver = 6;
	k.proto = 44;

	int64_t now = p->cur.ts.tv_sec;
	ftab_expire(&p->frag6, now, p->cfg.frag_timeout);

	struct fset *fs = (struct fset *)ftab_find(&p->frag6, &k);
	if (fs == NULL) {
		fs = calloc(1, sizeof(*fs));
		if (fs == NULL)
			return;
		fs->node.key = k;
		fs->ipi = *ipi;
		fs->ipi.l4 = NULL;
		ftab_insert(&p->frag6, &fs->node, now);
	} else {
		ftab_touch(&p->frag6, &fs->node, now);
	}

	uint32_t off = ipi->frag_offset, len = (uint32_t)ipi->l4_len;
	if (ipi->truncated) {
		pipe_event(p, STATS_E_TRUNCATED_IP);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	if ((uint64_t)off + len > FRAG6_MAX_LEN) {
		pipe_event(p, STATS_E_FRAG6_TOO_BIG);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	if (fs->nfrags >= FRAG6_MAX_FRAGS) {
		pipe_event(p, STATS_E_FRAG6_TOO_MANY);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	/* Find the place; any overlap (RFC 5722) or a second last fragment
	 * kills the set.  An exact duplicate is ignored. */
	struct frag **pp = &fs->frags;
	while (*pp && (*pp)->off + (*pp)->len <= off) {
		if ((*pp)->off == off && (*pp)->len == len)
			break;
		pp = &(*pp)->next;
	}
	if (*pp && (*pp)->off == off && (*pp)->len == len &&
	    memcmp((*pp)->data, ipi->l4, len) == 0)
		return;
	if ((*pp && (*pp)->off < off + len) ||
	    (!ipi->more_frags && fs->have_last) ||
	    (fs->have_last && off + len > fs->total)) {
		pipe_event(p, STATS_E_FRAG6_OVERLAP);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	if (!pipe_budget_take(p, sizeof(struct frag) + len)) {
		pipe_event(p, STATS_E_BUFFER_BUDGET);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	struct frag *f = malloc(sizeof(*f) + len);
	if (f == NULL) {
		pipe_budget_give(p, sizeof(struct frag) + len);
		ftab_remove(&p->frag6, &fs->node);
		return;
	}
	f->off = off;
	f->len = len;
	memcpy(f->data, ipi->l4, len);
	f->next = *pp;
	*pp = f;
	fs->nfrags++;
	fs->held += len;
	if (off == 0) {
		fs->have_first = 1;
		fs->nh = ipi->proto;
	}
	if (!ipi->more_frags) {
		fs->have_last = 1;
		fs->total = off + len;
		/* a fragment already past the end is an overlap too */
		for (struct frag *g = fs->frags; g; g = g->next)
			if (g->off + g->len > fs->total) {
				pipe_event(p, STATS_E_FRAG6_OVERLAP);
				ftab_remove(&p->frag6, &fs->node);
				return;
			}
	}
	if (fs->have_first && fs->have_last && fs->held == fs->total) {
		complete(p, fs, depth);
		ftab_remove(&p->frag6, &fs->node);
	}
}
