/* flowtab.c - see flowtab.h. */
#include "rules/flowtab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "rules/mix64.h"

static uint64_t seed;

static uint64_t
hash_key(const struct ftab_key *k)
{
	uint64_t w[5], h = seed;
	memcpy(w, k, sizeof(w));
	for (int i = 0; i < 5; i++)
		h = mix64(h ^ w[i]) + 0x9e3779b97f4a7c15ULL;
	return h;
}

_Static_assert(sizeof(struct ftab_key) == 40, "ftab_key must be 5 words");

int
ftab_init(struct ftab *t, size_t cap, ftab_release_fn release, void *ud)
{
	memset(t, 0, sizeof(*t));
	if (seed == 0 && getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)&seed ^ 0x6a09e667f3bcc908ULL;
	if (cap < 1)
		cap = 1;
	size_t nb = 16;
	while (nb < cap && nb < ((size_t)1 << 30))
		nb <<= 1;
	t->buckets = calloc(nb, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -1;
	t->nbuckets = nb;
	t->cap = cap;
	t->release = release;
	t->ud = ud;
	t->lru.lnext = t->lru.lprev = &t->lru;
	return 0;
}

static void
lru_unlink(struct ftab_node *n)
{
	n->lprev->lnext = n->lnext;
	n->lnext->lprev = n->lprev;
}

static void
lru_front(struct ftab *t, struct ftab_node *n)
{
	n->lnext = t->lru.lnext;
	n->lprev = &t->lru;
	t->lru.lnext->lprev = n;
	t->lru.lnext = n;
}

static void
unlink_node(struct ftab *t, struct ftab_node *n)
{
	struct ftab_node **pp = &t->buckets[n->hash & (t->nbuckets - 1)];
	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
	lru_unlink(n);
	t->count--;
}

struct ftab_node *
ftab_find(struct ftab *t, const struct ftab_key *k)
{
	uint64_t h = hash_key(k);
	for (struct ftab_node *n = t->buckets[h & (t->nbuckets - 1)]; n; n = n->hnext)
		if (n->hash == h && memcmp(&n->key, k, sizeof(*k)) == 0)
			return n;
	return NULL;
}

void
ftab_insert(struct ftab *t, struct ftab_node *n, int64_t now)
{
	if (t->count >= t->cap && t->lru.lprev != &t->lru) {
		struct ftab_node *old = t->lru.lprev;
		unlink_node(t, old);
		t->evictions++;
		t->release(t->ud, old, FTAB_EVICTED);
	}
	n->hash = hash_key(&n->key);
	size_t b = n->hash & (t->nbuckets - 1);
	n->hnext = t->buckets[b];
	t->buckets[b] = n;
	n->last = now;
	lru_front(t, n);
	t->count++;
	if (t->count > t->peak)
		t->peak = t->count;
}

void
ftab_touch(struct ftab *t, struct ftab_node *n, int64_t now)
{
	n->last = now;
	lru_unlink(n);
	lru_front(t, n);
}

void
ftab_remove(struct ftab *t, struct ftab_node *n)
{
	unlink_node(t, n);
	t->release(t->ud, n, FTAB_REMOVED);
}

void
ftab_expire(struct ftab *t, int64_t now, int64_t idle)
{
	while (t->lru.lprev != &t->lru) {
		struct ftab_node *n = t->lru.lprev;
		if (n->last + idle >= now)
			break;
		unlink_node(t, n);
		t->expirations++;
		t->release(t->ud, n, FTAB_EXPIRED);
	}
}

void
ftab_destroy(struct ftab *t)
{
	if (t->buckets == NULL)
		return;
	while (t->lru.lprev != &t->lru) {
		struct ftab_node *n = t->lru.lprev;
		unlink_node(t, n);
		t->release(t->ud, n, FTAB_CLEARED);
	}
	free(t->buckets);
	t->buckets = NULL;
}

/* Points the first and last entries of t back at t's own sentinel, which
 * a struct copy left pointing at the other table's. */
static void
relink(struct ftab *t, struct ftab_node *other)
{
	if (t->buckets == NULL)
		return; /* never initialised: nothing links to it */
	if (t->lru.lnext == other) {
		t->lru.lnext = t->lru.lprev = &t->lru;
		return;
	}
	t->lru.lnext->lprev = &t->lru;
	t->lru.lprev->lnext = &t->lru;
}

void
ftab_swap(struct ftab *a, struct ftab *b)
{
	struct ftab tmp = *a;
	*a = *b;
	*b = tmp;
	relink(a, &b->lru);
	relink(b, &a->lru);
}
