/*
 * ktab.c - see ktab.h.
 *
 * The index is an array of 32-bit buckets, linear probing, at most five
 * eighths full of entries (1.6 to 3.2 buckets of 4 bytes per entry): a
 * key's probe usually stays within the cache line of
 * its home bucket, and the 8-bit tag beside each record number skips all
 * but about one in 255 of the records that are not the key.
 * A released entry leaves a tombstone (unless the run ends after it: then
 * it and the tombstones before it become empty), since moving later
 * entries back would need their keys, that is their records; the index is
 * rebuilt from the records, read in address order, once entries and
 * tombstones fill thirteen sixteenths of it.
 */
#include "rules/ktab.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define CHUNK_SHIFT 10
#define BUCKETS_MIN 64
#define TAG_BITS 8
#define TAG_MASK ((1u << TAG_BITS) - 1)
#define TOMB (~TAG_MASK) /* tag 0: no entry; nonzero: not the end of a run */
#define LINE 64           /* bytes per cache line */

_Static_assert(KTAB_CHUNK == 1u << CHUNK_SHIFT, "KTAB_CHUNK is 1 << CHUNK_SHIFT");
_Static_assert(KTAB_CAP_MAX == 1u << (32 - TAG_BITS), "record numbers fill the rest");
_Static_assert(sizeof(struct ktab_key) == 20, "ktab_key is 20 bytes");
_Static_assert(offsetof(struct ktab_key, kind) == 16 && offsetof(struct ktab_key, ver) == 17 &&
        offsetof(struct ktab_key, tag) == 18,
    "ktab_key_tail(): kind, ver, tag are the last four bytes, in that order");
_Static_assert(sizeof(struct ktab_ent) == 40, "ktab_ent is 40 bytes");
_Static_assert(KTAB_CHUNK % (LINE / 8) == 0, "chunks are whole lines (aligned_alloc)");

uint64_t ktab_seed;

/* The top bits: independent of the bucket, which the low bits choose. */
static inline uint32_t
tag_of(uint64_t h)
{
	uint32_t g = (uint32_t)(h >> (64 - TAG_BITS));
	return g ? g : 1;
}

static inline int
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

/* Entries per index of nb buckets before it doubles. */
static uint32_t
load_max(uint32_t nb)
{
	return nb / 2 + nb / 8;
}

/* The largest index, for a table of cap entries. */
static uint32_t
buckets_max(uint32_t cap)
{
	uint32_t nb = BUCKETS_MIN;
	while (load_max(nb) < cap)
		nb <<= 1;
	return nb;
}

/* Sets t->nbuckets and t->room: entries plus tombstones up to room leave
 * make_room() nothing to do (no growth, no rebuild, an empty bucket). */
static void
set_nbuckets(struct ktab *t, uint32_t nb)
{
	uint32_t full = nb - nb / 8 - nb / 16;
	t->nbuckets = nb;
	t->room = nb < buckets_max(t->cap) ? load_max(nb) : full;
}

int
ktab_init(struct ktab *t, uint32_t cap, size_t esize, ktab_release_fn release,
    ktab_empty_fn empty, void *ud)
{
	memset(t, 0, sizeof(*t));
	if (ktab_seed == 0 &&
	    getrandom(&ktab_seed, sizeof(ktab_seed), GRND_NONBLOCK) != sizeof(ktab_seed))
		ktab_seed = (uint64_t)(uintptr_t)&ktab_seed ^ 0xbb67ae8584caa73bULL;
	if (cap < 1)
		cap = 1;
	if (cap > KTAB_CAP_MAX)
		cap = KTAB_CAP_MAX;
	if (esize < sizeof(struct ktab_ent))
		esize = sizeof(struct ktab_ent);
	esize = (esize + 7) & ~(size_t)7;
	t->buckets = calloc(BUCKETS_MIN, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -1;
	t->cap = cap;
	set_nbuckets(t, BUCKETS_MIN);
	t->esize = (uint32_t)esize;
	t->release = release;
	t->empty = empty;
	t->ud = ud;
	return 0;
}

/* The record number of k, whose hash is h; 0 when absent, with *end the
 * empty bucket that ended the probe.  The index always has an empty
 * bucket, which ends every probe. */
static inline uint32_t
lookup(const struct ktab *t, const struct ktab_key *k, uint64_t h, uint32_t *end)
{
	uint32_t mask = t->nbuckets - 1, tag = tag_of(h);
	for (uint32_t p = (uint32_t)h & mask;; p = (p + 1) & mask) {
		uint32_t b = t->buckets[p];
		if (b == 0) {
			*end = p;
			return 0;
		}
		if ((b & TAG_MASK) == tag && key_eq(&rec(t, (b >> TAG_BITS) + 1)->key, k))
			return (b >> TAG_BITS) + 1;
	}
}

/* Indexes record i, whose key hashes to h, in the first free bucket. */
static void
place(struct ktab *t, uint64_t h, uint32_t i)
{
	uint32_t mask = t->nbuckets - 1, p = (uint32_t)h & mask;
	while (t->buckets[p] != 0 && t->buckets[p] != TOMB)
		p = (p + 1) & mask;
	if (t->buckets[p] == TOMB)
		t->tombs--;
	t->buckets[p] = (i - 1) << TAG_BITS | tag_of(h);
}

static void
unplace(struct ktab *t, const struct ktab_ent *e, uint64_t h)
{
	uint32_t mask = t->nbuckets - 1, want = (e->id - 1) << TAG_BITS | tag_of(h);
	uint32_t p = (uint32_t)h & mask;
	while (t->buckets[p] != want)
		p = (p + 1) & mask;
	if (t->buckets[(p + 1) & mask] != 0) {
		t->buckets[p] = TOMB;
		t->tombs++;
		return;
	}
	/* The run ends here: no probe needs this bucket, nor the tombstones
	 * just before it. */
	t->buckets[p] = 0;
	for (p = (p - 1) & mask; t->buckets[p] == TOMB; p = (p - 1) & mask) {
		t->buckets[p] = 0;
		t->tombs--;
	}
}

/* Indexes every entry anew in b (nb empty buckets), in record order: the
 * records are read once, front to back. */
static void
reindex(struct ktab *t, uint32_t *b, uint32_t nb)
{
	uint32_t mask = nb - 1;
	t->buckets = b;
	set_nbuckets(t, nb);
	t->tombs = 0;
	for (uint32_t c = 0; c * KTAB_CHUNK < t->used; c++) {
		unsigned char *p = t->chunks[c];
		uint32_t n = t->used - c * KTAB_CHUNK;
		if (n > KTAB_CHUNK)
			n = KTAB_CHUNK;
		for (uint32_t j = 0; j < n; j++, p += t->esize) {
			const struct ktab_ent *e = (const struct ktab_ent *)p;
			if (e->id == 0)
				continue;
			/* place(), for an index without tombstones */
			uint64_t h = ktab_hash(&e->key);
			uint32_t q = (uint32_t)h & mask;
			while (b[q] != 0)
				q = (q + 1) & mask;
			b[q] = (e->id - 1) << TAG_BITS | tag_of(h);
		}
	}
}

/*
 * Makes room in the index for one more entry: doubles it when it would be
 * more than 5/8 full (a failure only makes probes longer), and rebuilds
 * it when tombstones fill it.  -1 when it cannot take one more entry and
 * still keep an empty bucket.  make_room() below the limits.
 */
static __attribute__((noinline)) int
make_room_slow(struct ktab *t)
{
	uint32_t n = t->count + 1;
	if (n > load_max(t->nbuckets) && t->nbuckets < buckets_max(t->cap)) {
		/* calloc: a large block comes zeroed from the kernel, with
		 * no memset to pay */
		uint32_t *b = calloc((size_t)t->nbuckets * 2, sizeof(*b));
		if (b != NULL) {
			uint32_t *old = t->buckets;
			reindex(t, b, t->nbuckets * 2);
			free(old);
		}
	}
	/* Tombstones are cleared once they and the entries fill 13/16 of
	 * the index (probes then stay a line or two long); when it could not
	 * grow, only once they are an eighth of it, so that the work stays
	 * proportional to the releases; and always before the last empty
	 * bucket would go. */
	if ((n + t->tombs > t->nbuckets - t->nbuckets / 8 - t->nbuckets / 16 &&
	        t->tombs >= t->nbuckets / 8) ||
	    (n + t->tombs >= t->nbuckets && t->tombs > 0)) {
		memset(t->buckets, 0, (size_t)t->nbuckets * sizeof(*t->buckets));
		reindex(t, t->buckets, t->nbuckets);
	}
	return n < t->nbuckets ? 0 : -1;
}

static inline int
make_room(struct ktab *t)
{
	if (t->count + 1 + t->tombs <= t->room)
		return 0;
	return make_room_slow(t);
}

/* Unlinks e from the LRU list. */
static inline void
lru_unlink(struct ktab *t, struct ktab_ent *e)
{
	if (e->prev)
		rec(t, e->prev)->next = e->next;
	else
		t->mru = e->next;
	if (e->next) {
		rec(t, e->next)->prev = e->prev;
	} else {
		t->lru = e->prev;
		if (t->lru)
			t->lru_last = rec(t, t->lru)->last;
	}
}

static inline void
lru_front(struct ktab *t, struct ktab_ent *e)
{
	e->prev = 0;
	e->next = t->mru;
	if (t->mru) {
		rec(t, t->mru)->prev = e->id;
	} else {
		t->lru = e->id;
		t->lru_last = e->last;
	}
	t->mru = e->id;
}

/* Unlinks e from the index and the LRU list, and releases it. */
static void
drop(struct ktab *t, struct ktab_ent *e, enum ktab_why why)
{
	uint32_t i = e->id;
	/* The neighbours' links change (and the next oldest's time is read
	 * when e is the oldest): their loads overlap the bucket's. */
	if (e->prev)
		__builtin_prefetch(rec(t, e->prev), 1);
	if (e->next)
		__builtin_prefetch(rec(t, e->next), 1);
	int oldest = e->next == 0;
	/* e's hash is kept when e became the oldest by a drop (below) */
	unplace(t, e, i == t->hashed ? t->hash : ktab_hash(&e->key));
	if (i == t->hashed)
		t->hashed = 0; /* the record is about to be free */
	lru_unlink(t, e);
	/* The oldest entry is the next to go when the oldest goes (expiry
	 * and eviction run in LRU order), one message or more from now:
	 * its index line and the one after it, fetched now, are there by
	 * then.  Its record was fetched when e's was (e->prev above) and
	 * has just been read for its time.  Its hash is kept for its own
	 * drop: a key does not change while its entry lives. */
	if (oldest && t->lru) {
		const struct ktab_ent *n = rec(t, t->lru);
		t->hashed = t->lru;
		t->hash = ktab_hash(&n->key);
		__builtin_prefetch(&t->buckets[(uint32_t)t->hash & (t->nbuckets - 1)], 1);
		if (n->prev)
			__builtin_prefetch(rec(t, n->prev), 1);
	}
	t->count--;
	t->release(t->ud, e, why);
	e->id = 0;
	e->next = t->freelist;
	t->freelist = i;
}

struct ktab_ent *
ktab_find(const struct ktab *t, const struct ktab_key *k, uint64_t h)
{
	uint32_t end;
	uint32_t i = lookup(t, k, h, &end);
	return i ? rec(t, i) : NULL;
}

/* The next record number when it begins a chunk: adds the chunk if
 * needed; 0 when out of memory. */
static __attribute__((noinline)) uint32_t
chunk_rec(struct ktab *t)
{
	uint32_t c = t->used >> CHUNK_SHIFT;
	if (c == t->nchunks) {
		uint32_t n = t->nchunks ? t->nchunks * 2 : 4;
		unsigned char **nc = realloc(t->chunks, n * sizeof(*nc));
		if (nc == NULL)
			return 0;
		memset(nc + t->nchunks, 0, (n - t->nchunks) * sizeof(*nc));
		t->chunks = nc;
		t->nchunks = n;
	}
	/* Cache-line aligned: a 64-byte record then fills one line, and
	 * smaller ones straddle two less often. */
	if (t->chunks[c] == NULL &&
	    (t->chunks[c] = aligned_alloc(LINE, (size_t)KTAB_CHUNK * t->esize)) == NULL)
		return 0;
	return ++t->used;
}

/* A free record number: the last released one, else the next new one; 0
 * when out of memory. */
static inline uint32_t
alloc_rec(struct ktab *t)
{
	uint32_t i = t->freelist;
	if (i != 0) {
		t->freelist = rec(t, i)->next;
		return i;
	}
	if ((t->used & (KTAB_CHUNK - 1)) == 0)
		return chunk_rec(t);
	return ++t->used;
}

/*
 * Adds an entry for k (not present), whose hash is h, at time now; end:
 * the empty bucket where k's look-up ended.  Out of line: ktab_get()'s
 * hits, the usual case, do not carry its code.
 */
static __attribute__((noinline)) struct ktab_ent *
insert(struct ktab *t, const struct ktab_key *k, uint64_t h, int64_t now, uint32_t end)
{
	/* Without tombstones the first free bucket of k's probe is end,
	 * unless an eviction empties one before it or the index grows
	 * (a rebuild in place needs tombstones). */
	int at_end = t->tombs == 0;
	uint32_t nb = t->nbuckets;
	if (t->count >= t->cap && t->lru) {
		t->evictions++;
		drop(t, rec(t, t->lru), KTAB_EVICTED);
		at_end = 0;
	}
	if (make_room(t) != 0)
		return NULL;
	uint32_t i = alloc_rec(t);
	if (i == 0)
		return NULL;
	struct ktab_ent *e = rec(t, i);
	/* The header is set field by field below and by lru_front(). */
	memset(e + 1, 0, t->esize - sizeof(*e));
	e->id = i;
	e->key = *k;
	e->last = now;
	t->count++;
	if (at_end && t->nbuckets == nb)
		t->buckets[end] = (i - 1) << TAG_BITS | tag_of(h);
	else
		place(t, h, i);
	lru_front(t, e);
	if (t->count > t->peak)
		t->peak = t->count;
	return e;
}

static inline void
touch(struct ktab *t, struct ktab_ent *e, int64_t now)
{
	e->last = now;
	if (e->prev == 0) {
		if (t->lru == e->id) /* the only entry */
			t->lru_last = now;
		return; /* already the most recent */
	}
	lru_unlink(t, e);
	lru_front(t, e);
}

/* ktab_expire once the oldest entry is idle for more than quiet. */
static void
expire(struct ktab *t, int64_t now, int64_t idle, int64_t quiet)
{
	do {
		struct ktab_ent *e = rec(t, t->lru);
		if (e->last + idle >= now && (t->empty == NULL || !t->empty(t->ud, e, now)))
			break;
		t->expirations++;
		drop(t, e, KTAB_EXPIRED);
	} while (t->lru && t->lru_last + quiet < now);
}

void
ktab_expire(struct ktab *t, int64_t now, int64_t idle, int64_t quiet)
{
	if (t->lru && t->lru_last + quiet < now)
		expire(t, now, idle, quiet);
}

/* ktab_get() after expiry: inlined in both callers below; a hit calls
 * nothing, and a miss ends in a tail call to insert(). */
static inline __attribute__((always_inline)) struct ktab_ent *
get(struct ktab *t, const struct ktab_key *k, uint64_t h, int64_t now, int64_t *prev,
    int *created)
{
	uint32_t end;
	uint32_t i = lookup(t, k, h, &end);
	if (i) {
		struct ktab_ent *e = rec(t, i);
		*prev = e->last;
		*created = 0;
		touch(t, e, now);
		return e;
	}
	*prev = now;
	*created = 1;
	return insert(t, k, h, now, end);
}

/* ktab_get() when the oldest entry may have to go first: out of line, so
 * that the usual call, with nothing to expire, does not carry the
 * expiry's call. */
static __attribute__((noinline)) struct ktab_ent *
expire_get(struct ktab *t, const struct ktab_key *k, uint64_t h, int64_t now, int64_t idle,
    int64_t quiet, int64_t *prev, int *created)
{
	expire(t, now, idle, quiet);
	return get(t, k, h, now, prev, created);
}

struct ktab_ent *
ktab_get(struct ktab *t, const struct ktab_key *k, uint64_t h, int64_t now, int64_t idle,
    int64_t quiet, int64_t *prev, int *created)
{
	if (t->lru && t->lru_last + quiet < now)
		return expire_get(t, k, h, now, idle, quiet, prev, created);
	return get(t, k, h, now, prev, created);
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
	t->nchunks = t->used = t->freelist = t->tombs = t->hashed = 0;
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
