/* topn.c - filtered space-saving counters; see topn.h. */
#include "ui/topn.h"

#include <stdlib.h>
#include <string.h>


/* Keys are short and these run for most requests: whole words (the last
 * one overlapping), not a libc call. */
static void
key_copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
		return;
	}
	for (size_t i = 0; i + 8 < n; i += 8)
		memcpy(dst + i, src + i, 8);
	memcpy(dst + n - 8, src + n - 8, 8);
}

static int
key_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

int
ui_topn_init(struct ui_topn *t, unsigned cap)
{
	memset(t, 0, sizeof(*t));
	if (cap > UI_TOPN_MAXCAP)
		return -1;
	if (cap < 1)
		cap = 1;
	t->cap = cap;
	t->nbuckets = 1;
	while (t->nbuckets < cap * UI_TOPN_FILTER)
		t->nbuckets <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	t->keys = calloc(cap, UI_TOPN_KEY);
	t->bucket = calloc(t->nbuckets, sizeof(*t->bucket));
	if (t->e == NULL || t->keys == NULL || t->bucket == NULL) {
		ui_topn_free(t);
		return -1;
	}
	for (unsigned i = 0; i < cap; i++)
		t->e[i].key = t->keys + (size_t)i * UI_TOPN_KEY;
	ui_topn_clear(t);
	return 0;
}

void
ui_topn_free(struct ui_topn *t)
{
	free(t->e);
	free(t->keys);
	free(t->bucket);
	t->e = NULL;
	t->keys = NULL;
	t->bucket = NULL;
	t->cap = t->used = t->nbuckets = 0;
}

void
ui_topn_clear(struct ui_topn *t)
{
	for (unsigned i = 0; i < t->nbuckets; i++) {
		t->bucket[i].alpha = 0;
		t->bucket[i].head = -1;
	}
	t->used = 0;
	t->total = t->replaced = 0;
	t->minval = 0;
	t->cursor = 0;
}

static void
unlink_entry(struct ui_topn_bucket *b, struct ui_topn_entry *e, int idx)
{
	int *pp = &b->head;
	while (*pp != -1) {
		if (*pp == idx) {
			*pp = e[idx].next;
			return;
		}
		pp = &e[*pp].next;
	}
}

/*
 * Index of an entry with the smallest count.  Counts only grow and a
 * newcomer replacing a minimum gets at least as much, so t->minval (a
 * lower bound of the minimum) stays valid between calls: the search
 * resumes at a cursor and usually stops within a few entries, since a long
 * tail shares the minimum.  A full pass that finds nothing at minval
 * raises it.
 */
static int
find_min(struct ui_topn *t)
{
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned k = 0; k < t->cap; k++) {
			unsigned i = t->cursor + k;
			if (i >= t->cap)
				i -= t->cap;
			if (t->e[i].n <= t->minval) {
				t->cursor = i + 1 < t->cap ? i + 1 : 0;
				return (int)i;
			}
		}
		uint64_t m = t->e[0].n;
		for (unsigned i = 1; i < t->cap; i++)
			if (t->e[i].n < m)
				m = t->e[i].n;
		t->minval = m;
	}
	return 0; /* not reached: the second pass finds minval */
}

/*
 * Gives key a counter unless the filter holds it back: a counter of its own
 * while the table is not full, else the smallest one if alpha, the bound
 * of key's true count, reached it.  Out of line, so that ui_topn_add()
 * saves only the registers its common cases need.
 */
static __attribute__((noinline)) void
admit(struct ui_topn *t, struct ui_topn_bucket *b, uint32_t h, const void *key, size_t len)
{
	uint64_t alpha = b->alpha;
	int idx;
	if (t->used < t->cap) {
		idx = (int)t->used++;
	} else {
		idx = find_min(t);
		uint64_t min = t->e[idx].n;
		if (alpha < min) {
			b->alpha = alpha + 1;
			return;
		}
		/* The evicted key's count bounds its true count: its bucket
		 * must go on bounding it (alpha <= min already; the max
		 * keeps that from mattering). */
		struct ui_topn_bucket *ob = &t->bucket[t->e[idx].hash & (t->nbuckets - 1)];
		unlink_entry(ob, t->e, idx);
		if (ob->alpha < min)
			ob->alpha = min;
		t->replaced++;
	}
	struct ui_topn_entry *e = &t->e[idx];
	key_copy(t->keys + (size_t)idx * UI_TOPN_KEY, key, len);
	e->len = (uint8_t)len;
	e->hash = h;
	e->n = alpha + 1;
	e->err = alpha;
	e->next = b->head;
	b->head = idx;
}

void
ui_topn_add(struct ui_topn *t, const void *key, size_t len)
{
	if (t->e != NULL)
		ui_topn_add_hashed(t, key, len, ui_topn_hash(key, len));
}

void
ui_topn_add_hashed(struct ui_topn *t, const void *key, size_t len, uint32_t h)
{
	if (t->e == NULL)
		return;
	if (len > UI_TOPN_KEY)
		len = UI_TOPN_KEY;
	struct ui_topn_bucket *b = &t->bucket[h & (t->nbuckets - 1)];
	t->total++;
	for (int i = b->head; i != -1; i = t->e[i].next)
		if (t->e[i].hash == h && t->e[i].len == len && key_eq(t->e[i].key, key, len)) {
			t->e[i].n++;
			return;
		}
	/* The filter, the common case under a long tail: a key whose bound
	 * is below every count cannot be a heavy hitter yet.  minval is 0
	 * until the table fills, and a lower bound of the smallest count
	 * after: admit() checks against the count itself. */
	if (b->alpha < t->minval) {
		b->alpha++;
		return;
	}
	admit(t, b, h, key, len);
}

static int
better(const struct ui_topn_entry *a, const struct ui_topn_entry *b)
{
	if (a->n != b->n)
		return a->n > b->n;
	return a->err < b->err;
}

unsigned
ui_topn_top(const struct ui_topn *t, const struct ui_topn_entry **out, unsigned k)
{
	unsigned n = 0;
	if (k == 0)
		return 0;
	/* Insertion into a k-long sorted list: k is small (a screenful). */
	for (unsigned i = 0; i < t->used; i++) {
		const struct ui_topn_entry *e = &t->e[i];
		if (n == k && !better(e, out[n - 1]))
			continue;
		unsigned j = n < k ? n++ : n - 1;
		while (j > 0 && better(e, out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = e;
	}
	return n;
}
