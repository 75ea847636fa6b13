/*
 * ktab.h - the rule engine's bounded tables: a hash table with LRU
 * eviction and idle expiry by packet time, as rules/flowtab.h, laid out
 * for hundreds of thousands of small entries.
 *
 * Entries are fixed-size records (a header, then the user's payload) kept
 * in chunks of KTAB_CHUNK records and linked by 32-bit record numbers, so
 * an entry costs its own bytes and nothing more: no malloc per entry, no
 * pointers in the links, and a released record is reused by the next
 * insertion.  Memory grows with the entries held (chunks and buckets are
 * added as the count grows; they stay at their high-water mark), never
 * beyond what the cap needs.
 * Keys are 20-byte values hashed with a per-process random seed; the
 * caller hashes each key once (ktab_hash) and passes the hash with it, so
 * that a key looked up in several tables, or whose index line is fetched
 * ahead of its look-up (ktab_prefetch), costs one hash.
 *
 * The tables are larger than the caches and are used in random order, so
 * a look-up costs what it reads from memory: one bucket, then only the
 * record whose 8-bit hash tag (kept in the bucket) matches, and releasing
 * an entry reads its bucket alone.
 */
#ifndef SIPWATCH_KTAB_H
#define SIPWATCH_KTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rules/mix64.h"

#define KTAB_CHUNK 1024            /* records per chunk */
#define KTAB_CAP_MAX (1u << 24)    /* record numbers fit a bucket's 24 bits */

struct ktab_key {
	uint8_t id[16]; /* an address, two IPv4 addresses, or a 128-bit hash */
	uint8_t kind, ver;
	uint16_t tag;
};

/* The first member of every entry. */
struct ktab_ent {
	uint32_t id;         /* this record's number (from 1); 0 while free */
	uint32_t prev, next; /* LRU neighbours: prev is more recent; a free
	                        record's next is the next free one */
	struct ktab_key key;
	int64_t last;        /* packet time of the last use */
};

enum ktab_why { KTAB_EVICTED, KTAB_EXPIRED, KTAB_CLEARED };

/* Called when the table lets go of an entry, before its record is reused;
 * the callee frees what the payload owns. */
typedef void (*ktab_release_fn)(void *ud, struct ktab_ent *e, enum ktab_why why);
/* Optional: 1 when e holds nothing that a later use could observe at time
 * now or after (a fresh entry would behave the same), so it may go before
 * the full idle time; 0 when it must stay. */
typedef int (*ktab_empty_fn)(void *ud, const struct ktab_ent *e, int64_t now);

struct ktab {
	/* Open addressing with linear probing: 0 empty, a tombstone, or
	 * (record number - 1) << 8 | the key's hash tag (1..255). */
	uint32_t *buckets;
	uint32_t nbuckets;   /* power of two, more than count + tombs */
	uint32_t tombs;      /* buckets of released entries */
	uint32_t room;       /* entries plus tombstones that need no change
	                        to the index (below every limit of ktab.c's
	                        make_room) */
	uint32_t count, cap;
	uint32_t esize;      /* bytes per record */
	uint32_t used;       /* records ever handed out (numbered 1..used) */
	uint32_t freelist;   /* released records, linked through next */
	uint32_t mru, lru;   /* ends of the LRU list; 0 when empty */
	int64_t lru_last;    /* the last use of lru: the expiry check reads
	                        no record */
	uint32_t hashed;     /* 0, or a record whose key hashes to hash (the
	                        oldest entry's, hashed by ktab.c's drop()) */
	uint64_t hash;
	unsigned char **chunks;
	uint32_t nchunks;
	ktab_release_fn release;
	ktab_empty_fn empty;
	void *ud;
	uint64_t evictions, expirations, peak;
};

/*
 * cap >= 1 entries (at most KTAB_CAP_MAX: a larger cap is taken as that)
 * of esize bytes (>= sizeof(struct ktab_ent), a multiple of 8).  empty
 * may be NULL (entries then only go after the full idle time).  Nothing
 * is allocated for the entries yet.  Returns 0, or -1 when out of memory.
 */
int ktab_init(struct ktab *t, uint32_t cap, size_t esize, ktab_release_fn release,
    ktab_empty_fn empty, void *ud);
/* Releases every entry (KTAB_CLEARED) and frees the table's memory. */
void ktab_destroy(struct ktab *t);

/* The hash's per-process random seed, set by the first ktab_init. */
extern uint64_t ktab_seed;

/* k's hash, the h that the functions below take with k: valid once a
 * table has been initialised.  Inline: a message's keys are hashed as
 * they are made. */
static inline uint64_t
ktab_hash_words(uint64_t w0, uint64_t w1, uint32_t w2)
{
	return mix64(mix64(w0 ^ ktab_seed) ^ w1 ^ ((uint64_t)w2 << 32));
}

static inline uint64_t
ktab_hash(const struct ktab_key *k)
{
	uint64_t w[2];
	uint32_t w2;
	memcpy(w, k, sizeof(w));
	memcpy(&w2, (const unsigned char *)k + sizeof(w), sizeof(w2));
	return ktab_hash_words(w[0], w[1], w2);
}

/*
 * A key built from its words, as ktab_hash() reads them: w0 and w1 the
 * id's two 8-byte words, w2 its last four bytes (ktab_key_tail()).
 * Returns its hash, computed from the words, not read back from *k: a
 * key written a field at a time and read at once as words makes each
 * read wait until the writes it spans have reached the cache (a failed
 * store-to-load forwarding), and the three stores here are each read
 * back whole by the look-up's comparison.
 */
static inline uint64_t
ktab_key_set(struct ktab_key *k, uint64_t w0, uint64_t w1, uint32_t w2)
{
	unsigned char *p = (unsigned char *)k;
	memcpy(p, &w0, sizeof(w0));
	memcpy(p + 8, &w1, sizeof(w1));
	memcpy(p + 16, &w2, sizeof(w2));
	return ktab_hash_words(w0, w1, w2);
}

/* The last four bytes of a key (kind, ver, tag) as one word, as memcpy()
 * reads them on a little-endian CPU, the only kind the build takes
 * (parsers/scan.h). */
static inline uint32_t
ktab_key_tail(uint8_t kind, uint8_t ver, uint16_t tag)
{
	return (uint32_t)kind | (uint32_t)ver << 8 | (uint32_t)tag << 16;
}

/* The id word of four bytes at a followed by four zero bytes (the first
 * word of an IPv4 address's id), or of four bytes at a then four at b
 * (little-endian, as above). */
static inline uint64_t
ktab_word4(const uint8_t *a, const uint8_t *b)
{
	uint32_t x, y = 0;
	memcpy(&x, a, sizeof(x));
	if (b != NULL)
		memcpy(&y, b, sizeof(y));
	return (uint64_t)x | (uint64_t)y << 32;
}

/* Starts loading the index line where a look-up of a key hashed to h
 * begins, so that a look-up soon after, maybe preceded by other work,
 * does not wait for it.  A hint: nothing observable changes. */
static inline void
ktab_prefetch(const struct ktab *t, uint64_t h)
{
	__builtin_prefetch(&t->buckets[(uint32_t)h & (t->nbuckets - 1)]);
}

struct ktab_ent *ktab_find(const struct ktab *t, const struct ktab_key *k, uint64_t h);
/*
 * Releases (KTAB_EXPIRED, counted in expirations), oldest first, entries
 * idle for more than idle, and entries idle for more than quiet (<= idle)
 * that the empty function calls empty.  It stops at the first entry idle
 * for at most quiet, or for at most idle and not empty: an empty entry
 * more recent than one that holds state waits, so that the work stays
 * proportional to the entries released.  quiet == idle: idle expiry alone.
 */
void ktab_expire(struct ktab *t, int64_t now, int64_t idle, int64_t quiet);
/*
 * ktab_expire, then the entry for k, marked most recently used at time
 * now; a new one when k is not there, for which the least recently used
 * entry is evicted first when the table is full (KTAB_EVICTED, counted in
 * evictions).  h: ktab_hash(k).  *created: 1 for a new entry (payload
 * zeroed, *prev = now), else 0 and *prev is the entry's time of last use
 * before this one.  NULL when out of memory.  A pointer to an entry stays
 * valid until the entry is released.
 */
struct ktab_ent *ktab_get(struct ktab *t, const struct ktab_key *k, uint64_t h, int64_t now,
    int64_t idle, int64_t quiet, int64_t *prev, int *created);
/* The least recently used entry, and the next more recent one; NULL at
 * the end. */
struct ktab_ent *ktab_oldest(const struct ktab *t);
struct ktab_ent *ktab_newer(const struct ktab *t, const struct ktab_ent *e);
/* Exchanges the contents of two tables (entries stay where they are, so
 * pointers to them stay valid).  Callers whose ud names the owner set it
 * again after. */
void ktab_swap(struct ktab *a, struct ktab *b);
/* Bytes held for entries, buckets and chunk list. */
size_t ktab_bytes(const struct ktab *t);

#endif
