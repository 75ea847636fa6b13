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
		/* Evict the smallest counter: its count becomes the newcomer's
		 * error bound. */
		idx = 0;
		for (unsigned i = 1; i < t->cap; i++)
			if (t->e[i].n < t->e[idx].n)
				idx = (int)i;
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
