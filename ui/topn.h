/*
 * topn.h - the heaviest keys of a stream in bounded memory: the
 * space-saving algorithm (Metwally, Agrawal, El Abbadi 2005).  A table of
 * cap counters; an unknown key takes over the smallest counter and
 * inherits its count as an overestimate (err).  Any key seen more than
 * total/cap times is in the table.  Keys are byte strings of at most
 * UI_TOPN_KEY bytes (longer ones are cut).
 */
#ifndef SIPWATCH_UI_TOPN_H
#define SIPWATCH_UI_TOPN_H

#include <stddef.h>
#include <stdint.h>

#define UI_TOPN_KEY 96

/* Kept small (keys live apart): every add walks a chain and evictions
 * scan counts, with the pipeline's tables competing for the cache. */
struct ui_topn_entry {
	const uint8_t *key; /* UI_TOPN_KEY bytes of the table's key store */
	uint64_t n, err;
	uint32_t hash; /* of key: chains are walked and unlinked by it */
	int next;      /* hash chain */
	uint8_t len;
};

struct ui_topn {
	struct ui_topn_entry *e;
	uint8_t *keys; /* cap * UI_TOPN_KEY */
	int *bucket;
	unsigned cap, used, nbuckets;
	uint64_t total, replaced;
	/* eviction: minval never exceeds the smallest count, so an entry at
	 * or below it is a minimum; the search resumes at cursor */
	uint64_t minval;
	unsigned cursor;
};

/* cap counters (>= 1).  0, or -1 out of memory. */
int ui_topn_init(struct ui_topn *t, unsigned cap);
void ui_topn_free(struct ui_topn *t);
void ui_topn_clear(struct ui_topn *t);
/* Counts one occurrence of key. */
void ui_topn_add(struct ui_topn *t, const void *key, size_t len);
/* The k largest counters, largest first (ties: smaller err first), as
 * pointers into the table valid until the next add.  Returns how many. */
unsigned ui_topn_top(const struct ui_topn *t, const struct ui_topn_entry **out, unsigned k);

#endif
