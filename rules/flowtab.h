/*
 * flowtab.h - a bounded hash table with LRU eviction and idle expiry by
 * packet time.  Every table an attacker can grow (TCP flows, IPv6
 * fragment sets) is one of these: when full, the least recently used entry
 * is evicted (and counted) to make room, so memory stays bounded and the
 * monitor never goes blind.
 *
 * Intrusive: users embed struct ftab_node as the first member of their
 * entry.  Keys are fixed-size byte arrays (struct ftab_key), hashed with a
 * per-process random seed so an attacker cannot aim at one bucket.
 */
#ifndef SIPWATCH_FLOWTAB_H
#define SIPWATCH_FLOWTAB_H

#include <stddef.h>
#include <stdint.h>

struct ftab_key {
	uint8_t a[16], b[16]; /* addresses (IPv4 in the first 4 bytes) */
	uint16_t pa, pb;       /* ports, or fragment id halves */
	uint8_t ver, proto;
	uint8_t pad[2];
};

struct ftab_node {
	struct ftab_node *hnext;
	struct ftab_node *lprev, *lnext;
	struct ftab_key key;
	uint64_t hash;
	int64_t last; /* packet time, seconds */
};

enum ftab_why { FTAB_EVICTED, FTAB_EXPIRED, FTAB_REMOVED, FTAB_CLEARED };

/* Called when the table lets go of a node; the callee frees it. */
typedef void (*ftab_release_fn)(void *ud, struct ftab_node *n, enum ftab_why why);

struct ftab {
	struct ftab_node **buckets;
	size_t nbuckets; /* power of two */
	size_t count, cap;
	struct ftab_node lru; /* sentinel: lnext is most recent */
	ftab_release_fn release;
	void *ud;
	uint64_t evictions, expirations, peak;
};

/* cap >= 1.  Returns 0, or -1 when out of memory. */
int ftab_init(struct ftab *t, size_t cap, ftab_release_fn release, void *ud);
/* Releases every node (FTAB_CLEARED) and frees the buckets. */
void ftab_destroy(struct ftab *t);
struct ftab_node *ftab_find(struct ftab *t, const struct ftab_key *k);
/* Inserts n (key set by the caller, not present); evicts the LRU entry
 * first when the table is full.  Marks n used at time now. */
void ftab_insert(struct ftab *t, struct ftab_node *n, int64_t now);
/* Marks n most recently used at time now. */
void ftab_touch(struct ftab *t, struct ftab_node *n, int64_t now);
/* Unlinks n and releases it with FTAB_REMOVED. */
void ftab_remove(struct ftab *t, struct ftab_node *n);
/* Releases (FTAB_EXPIRED) entries idle for more than idle seconds. */
void ftab_expire(struct ftab *t, int64_t now, int64_t idle);
/* Exchanges the contents (entries, counters, release function and ud) of
 * two tables; the LRU sentinels, which live inside each struct ftab, are
 * re-pointed.  Callers whose ud names the owner set it again after. */
void ftab_swap(struct ftab *a, struct ftab *b);

#endif
