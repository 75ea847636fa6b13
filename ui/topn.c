/* topn.c - space-saving counters; see topn.h. */
#include "ui/topn.h"

#include <stdlib.h>
#include <string.h>

/*
 * Runs three times per request (source, From, Request-URI): a word at a
 * time, not byte by byte.  Collisions only lengthen a chain (the key is
 * compared), so a plain multiply-xorshift mix is enough.
 */
static uint32_t
hash(const uint8_t *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	const uint8_t *end = p + n;
	uint64_t h = k ^ n, w = 0;

	for (; end - p > 8; p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	/* The last 1 to 8 bytes, with overlapping loads inside the key. */
	if (n >= 8) {
		memcpy(&w, end - 8, 8);
	} else if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, end - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else {
		for (; p < end; p++)
			w = w << 8 | *p;
	}
	h = (h ^ w) * k;
	h ^= h >> 32;
	return (uint32_t)h;
}

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
	if (cap < 1)
		cap = 1;
	t->cap = cap;
	t->nbuckets = 1;
	while (t->nbuckets < cap * 2)
		t->nbuckets <<= 1;
	t->e = calloc(cap, sizeof(*t->e));
	t->keys = calloc(cap, UI_TOPN_KEY);
	t->bucket = malloc(t->nbuckets * sizeof(int));
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
	int *pp = &t->bucket[t->e[idx].hash & (t->nbuckets - 1)];
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
	uint32_t h = hash(key, len), b = h & (t->nbuckets - 1);
	t->total++;
	for (int i = t->bucket[b]; i != -1; i = t->e[i].next)
		if (t->e[i].hash == h && t->e[i].len == len && key_eq(t->e[i].key, key, len)) {
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
	key_copy(t->keys + (size_t)idx * UI_TOPN_KEY, key, len);
	e->len = (uint8_t)len;
	e->hash = h;
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
