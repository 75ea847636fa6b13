/* topn.c - space-saving counters; see topn.h. */
#include "ui/topn.h"

#include <stdlib.h>
#include <string.h>

static uint32_t
hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int
ui_topn_init(struct ui_topn *t, unsigned cap)
{
	memset(t, 0, sizeof(*t));
	if (cap < 1)
		cap = 1;
	t->cap = cap;
	t->nbuckets = 1;
	while (t->nbuckets < cap * 2)
		t->nbuckets <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	t->bucket = malloc(t->nbuckets * sizeof(int));
	if (t->e == NULL || t->bucket == NULL) {
		ui_topn_free(t);
		return -1;
	}
	ui_topn_clear(t);
	return 0;
}

void
ui_topn_free(struct ui_topn *t)
{
	free(t->e);
	free(t->bucket);
	t->e = NULL;
	t->bucket = NULL;
	t->cap = t->used = 0;
}

void
ui_topn_clear(struct ui_topn *t)
{
	for (unsigned i = 0; i < t->nbuckets; i++)
		t->bucket[i] = -1;
	t->used = 0;
	t->total = t->replaced = 0;
	t->minval = 0;
	t->cursor = 0;
}

static void
unlink_entry(struct ui_topn *t, int idx)
{
	int *pp = &t->bucket[hash(t->e[idx].key, t->e[idx].len) & (t->nbuckets - 1)];
	while (*pp != -1) {
		if (*pp == idx) {
			*pp = t->e[idx].next;
			return;
		}
		pp = &t->e[*pp].next;
	}
}

/*
 * Index of an entry with the smallest count.  Counts only grow and the
 * newcomer replacing a minimum gets more than it, so t->minval (a lower
 * bound of the minimum) stays valid between calls: the search resumes at a
 * cursor and usually stops within a few entries, since a long tail shares
 * the minimum.  A full pass that finds nothing at minval raises it.
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

void
ui_topn_add(struct ui_topn *t, const void *key, size_t len)
{
	if (t->e == NULL)
		return;
	if (len > UI_TOPN_KEY)
		len = UI_TOPN_KEY;
	uint32_t b = hash(key, len) & (t->nbuckets - 1);
	t->total++;
	for (int i = t->bucket[b]; i != -1; i = t->e[i].next)
		if (t->e[i].len == len && memcmp(t->e[i].key, key, len) == 0) {
			t->e[i].n++;
			return;
		}
	int idx;
	uint64_t base = 0;
	if (t->used < t->cap) {
		idx = (int)t->used++;
	} else {
		/* Evict a smallest counter (space-saving): its count becomes
		 * the newcomer's error bound. */
		idx = find_min(t);
		base = t->e[idx].n;
		unlink_entry(t, idx);
		t->replaced++;
	}
	struct ui_topn_entry *e = &t->e[idx];
	memcpy(e->key, key, len);
	e->len = (uint8_t)len;
	e->n = base + 1;
	e->err = base;
	e->next = t->bucket[b];
	t->bucket[b] = idx;
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
