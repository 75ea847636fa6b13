/* ktab.c - see ktab.h. */
#include "rules/ktab.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "rules/mix64.h"

#define CHUNK_SHIFT 10
#define BUCKETS_MIN 64

_Static_assert(KTAB_CHUNK == 1u << CHUNK_SHIFT, "KTAB_CHUNK is 1 << CHUNK_SHIFT");
_Static_assert(sizeof(struct ktab_key) == 20, "ktab_key is 20 bytes");
_Static_assert(sizeof(struct ktab_ent) == 40, "ktab_ent is 40 bytes");

static uint64_t seed;

static uint64_t
hash_key(const struct ktab_key *k)
{
	uint64_t w[2];
	uint32_t w2;
	memcpy(w, k, sizeof(w));
	memcpy(&w2, (const unsigned char *)k + sizeof(w), sizeof(w2));
	return mix64(mix64(w[0] ^ seed) ^ w[1] ^ ((uint64_t)w2 << 32));
}

static int
key_eq(const struct ktab_key *a, const struct ktab_key *b)
{
	uint64_t x[2], y[2];
	uint32_t x2, y2;
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	memcpy(&x2, (const unsigned char *)a + sizeof(x), sizeof(x2));
	memcpy(&y2, (const unsigned char *)b + sizeof(y), sizeof(y2));
	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x2 ^ y2)) == 0;
}

static inline struct ktab_ent *
rec(const struct ktab *t, uint32_t i)
{
	uint32_t j = i - 1;
	return (struct ktab_ent *)(t->chunks[j >> CHUNK_SHIFT] +
	    (size_t)(j & (KTAB_CHUNK - 1)) * t->esize);
}

/* The record number of a linked entry, from its LRU neighbour. */
static uint32_t
num(const struct ktab *t, const struct ktab_ent *e)
{
	return e->prev ? rec(t, e->prev)->next : t->mru;
}

static uint32_t
buckets_max(uint32_t cap)
{
	uint32_t nb = BUCKETS_MIN;
	while (nb < cap && nb < (1u << 30))
		nb <<= 1;
	return nb;
}

int
ktab_init(struct ktab *t, uint32_t cap, size_t esize, ktab_release_fn release,
    ktab_empty_fn empty, void *ud)
{
	memset(t, 0, sizeof(*t));
	if (seed == 0 && getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (uint64_t)(uintptr_t)&seed ^ 0xbb67ae8584caa73bULL;
	if (cap < 1)
		cap = 1;
	if (esize < sizeof(struct ktab_ent))
		esize = sizeof(struct ktab_ent);
	esize = (esize + 7) & ~(size_t)7;
	t->nbuckets = BUCKETS_MIN;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -1;
	t->cap = cap;
	t->esize = (uint32_t)esize;
	t->release = release;
	t->empty = empty;
	t->ud = ud;
	return 0;
}

static void
lru_unlink(struct ktab *t, struct ktab_ent *e)
{
	if (e->prev)
		rec(t, e->prev)->next = e->next;
	else
		t->mru = e->next;
	if (e->next)
		rec(t, e->next)->prev = e->prev;
	else
		t->lru = e->prev;
}

static void
lru_front(struct ktab *t, struct ktab_ent *e, uint32_t i)
{
	e->prev = 0;
	e->next = t->mru;
	if (t->mru)
		rec(t, t->mru)->prev = i;
	else
		t->lru = i;
	t->mru = i;
}

/* Unlinks entry i from its bucket and the LRU list, and releases it. */
static void
drop(struct ktab *t, struct ktab_ent *e, uint32_t i, enum ktab_why why)
{
	uint32_t *pp = &t->buckets[hash_key(&e->key) & (t->nbuckets - 1)];
	while (*pp && *pp != i)
		pp = &rec(t, *pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(t, e);
	t->count--;
	t->release(t->ud, e, why);
	e->hnext = t->freelist;
	t->freelist = i;
}

struct ktab_ent *
ktab_find(const struct ktab *t, const struct ktab_key *k)
{
	uint32_t i = t->buckets[hash_key(k) & (t->nbuckets - 1)];
	while (i) {
		struct ktab_ent *e = rec(t, i);
		if (key_eq(&e->key, k))
			return e;
		i = e->hnext;
	}
	return NULL;
}

/* A free record number, adding a chunk when every record is in use; 0
 * when out of memory. */
static uint32_t
alloc_rec(struct ktab *t)
{
	if (t->freelist) {
		uint32_t i = t->freelist;
		t->freelist = rec(t, i)->hnext;
		return i;
	}
	uint32_t c = t->used >> CHUNK_SHIFT;
	if ((t->used & (KTAB_CHUNK - 1)) == 0) {
		if (c == t->nchunks) {
			uint32_t n = t->nchunks ? t->nchunks * 2 : 4;
			unsigned char **nc = realloc(t->chunks, n * sizeof(*nc));
			if (nc == NULL)
				return 0;
			memset(nc + t->nchunks, 0, (n - t->nchunks) * sizeof(*nc));
			t->chunks = nc;
			t->nchunks = n;
		}
		if (t->chunks[c] == NULL &&
		    (t->chunks[c] = malloc((size_t)KTAB_CHUNK * t->esize)) == NULL)
			return 0;
	}
	return ++t->used;
}

/* Doubles the buckets while there are more entries than buckets; a
 * failure only leaves the chains longer. */
static void
grow(struct ktab *t)
{
	uint32_t nb = t->nbuckets * 2;
	if (t->count < t->nbuckets || nb > buckets_max(t->cap))
		return;
	uint32_t *b = calloc(nb, sizeof(*b));
	if (b == NULL)
		return;
	for (uint32_t i = t->mru; i;) {
		struct ktab_ent *e = rec(t, i);
		uint32_t *head = &b[hash_key(&e->key) & (nb - 1)];
		e->hnext = *head;
		*head = i;
		i = e->next;
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = nb;
}

struct ktab_ent *
ktab_insert(struct ktab *t, const struct ktab_key *k, int64_t now)
{
	if (t->count >= t->cap && t->lru) {
		t->evictions++;
		drop(t, rec(t, t->lru), t->lru, KTAB_EVICTED);
	}
	uint32_t i = alloc_rec(t);
	if (i == 0)
		return NULL;
	struct ktab_ent *e = rec(t, i);
	memset(e, 0, t->esize);
	e->key = *k;
	e->last = now;
	t->count++;
	grow(t);
	uint32_t *head = &t->buckets[hash_key(k) & (t->nbuckets - 1)];
	e->hnext = *head;
	*head = i;
	lru_front(t, e, i);
	if (t->count > t->peak)
		t->peak = t->count;
	return e;
}

void
ktab_touch(struct ktab *t, struct ktab_ent *e, int64_t now)
{
	e->last = now;
	if (e->prev == 0)
		return; /* already the most recent */
	uint32_t i = num(t, e);
	lru_unlink(t, e);
	lru_front(t, e, i);
}

void
ktab_remove(struct ktab *t, struct ktab_ent *e)
{
	drop(t, e, num(t, e), KTAB_REMOVED);
}

void
ktab_expire(struct ktab *t, int64_t now, int64_t idle, int64_t quiet)
{
	while (t->lru) {
		struct ktab_ent *e = rec(t, t->lru);
		if (e->last + quiet >= now)
			break;
		if (e->last + idle >= now && (t->empty == NULL || !t->empty(t->ud, e, now)))
			break;
		t->expirations++;
		drop(t, e, t->lru, KTAB_EXPIRED);
	}
}

struct ktab_ent *
ktab_use(struct ktab *t, const struct ktab_key *k, int64_t now, int64_t idle, int64_t quiet,
    int64_t *prev)
{
	if (t->lru && rec(t, t->lru)->last + quiet < now)
		ktab_expire(t, now, idle, quiet);
	struct ktab_ent *e = ktab_find(t, k);
	if (e) {
		*prev = e->last;
		ktab_touch(t, e, now);
	}
	return e;
}

struct ktab_ent *
ktab_oldest(const struct ktab *t)
{
	return t->lru ? rec(t, t->lru) : NULL;
}

struct ktab_ent *
ktab_newer(const struct ktab *t, const struct ktab_ent *e)
{
	return e->prev ? rec(t, e->prev) : NULL;
}

void
ktab_destroy(struct ktab *t)
{
	if (t->buckets == NULL)
		return;
	/* Everything goes: no need to unlink entries one by one. */
	for (uint32_t i = t->lru; i;) {
		struct ktab_ent *e = rec(t, i);
		i = e->prev;
		t->release(t->ud, e, KTAB_CLEARED);
	}
	t->count = 0;
	t->mru = t->lru = 0;
	for (uint32_t c = 0; c < t->nchunks; c++)
		free(t->chunks[c]);
	free(t->chunks);
	free(t->buckets);
	t->chunks = NULL;
	t->buckets = NULL;
	t->nchunks = t->used = t->freelist = 0;
}

void
ktab_swap(struct ktab *a, struct ktab *b)
{
	struct ktab tmp = *a;
	*a = *b;
	*b = tmp;
}

size_t
ktab_bytes(const struct ktab *t)
{
	size_t chunks = 0;
	for (uint32_t c = 0; c < t->nchunks; c++)
		chunks += t->chunks[c] != NULL;
	return chunks * KTAB_CHUNK * t->esize + (size_t)t->nbuckets * sizeof(*t->buckets) +
	    (size_t)t->nchunks * sizeof(*t->chunks);
}
