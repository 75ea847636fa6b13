/*
 * topn.h - the heaviest keys of a stream in bounded memory: Filtered
 * Space-Saving (Homem and Carvalho 2010), space-saving (Metwally, Agrawal,
 * El Abbadi 2005) behind a filter of hashed counters.
 *
 * The table monitors cap keys, each with a counter n and an error err.
 * Beside them, nbuckets (a power of two, UI_TOPN_FILTER times cap or more)
 * "alpha" counters, indexed by the key's hash, each stand for every
 * unmonitored key hashing there.  With min the smallest n (0 while the
 * table is not full), adding a key:
 *   - monitored: n += 1;
 *   - unmonitored, table not full: monitored with n = 1, err = 0;
 *   - unmonitored, alpha < min: alpha += 1, nothing else (the common case
 *     under a long tail: no eviction, no key copy);
 *   - unmonitored, alpha = min: the key takes over a counter at min with
 *     n = min + 1, err = min, and the evicted key's bucket gets
 *     alpha = max(alpha, min); the key's own alpha stays, for the others.
 * Takeover needs alpha = min, not alpha + 1 >= min: min stays small for
 * long under a long tail (1 when the table fills), and the looser rule
 * lets nearly every newcomer in.
 *
 * With T the number of adds so far and true(k) the number of adds of key k,
 * at every moment:
 *   1. every alpha is at least true(k) of each unmonitored key k hashing to
 *      it, and at most min;
 *   2. a monitored key has n - err <= true(k) <= n, and err <= min;
 *   3. min never decreases, the counts sum to at most T (an add raises the
 *      sum by at most 1) and so min <= T / cap;
 *   4. hence a key with true(k) > min, in particular true(k) > T / cap, is
 *      monitored, and an unmonitored key has true(k) <= min.
 * These are the space-saving guarantees.  The filter makes a newcomer wait
 * until its bucket's bound reaches min, so most of a long tail never takes
 * a counter: adds are cheaper and min grows far slower than T / cap (on
 * the bench mix's 1M messages, 457,482 source adds: min 795, plain
 * space-saving 6,469), which tightens err and proves more keys heavy.
 *
 * Keys are attacker-chosen and the hash is not seeded (the same capture
 * gives the same lists).  Collisions cannot hurt the guarantees (alpha is
 * an upper bound whatever shares it) and cannot make work unbounded: hash
 * chains hold only monitored keys, so an add compares at most cap keys and
 * scans the counts at most twice.
 *
 * Keys are byte strings of at most UI_TOPN_KEY bytes (longer ones are cut).
 */
#ifndef SIPWATCH_UI_TOPN_H
#define SIPWATCH_UI_TOPN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define UI_TOPN_KEY 96
#define UI_TOPN_FILTER 8        /* alpha counters per monitored counter, at least */
#define UI_TOPN_MAXCAP (1u << 20) /* counters: int indices, nbuckets in range */

/* Kept small (keys live apart): every add walks a chain and evictions
 * scan counts, with the pipeline's tables competing for the cache. */
struct ui_topn_entry {
	const uint8_t *key; /* UI_TOPN_KEY bytes of the table's key store */
	uint64_t n, err;
	uint32_t hash; /* of key: chains are walked and unlinked by it */
	int next;      /* hash chain */
	uint8_t len;
};

/* An add reads one bucket: the filter counter and the chain beside it. */
struct ui_topn_bucket {
	uint64_t alpha; /* bounds every unmonitored key hashing here */
	int head;       /* monitored keys hashing here, -1 none */
};

struct ui_topn {
	struct ui_topn_entry *e;
	uint8_t *keys; /* cap * UI_TOPN_KEY */
	struct ui_topn_bucket *bucket;
	unsigned cap, used, nbuckets;
	uint64_t total, replaced;
	/* eviction: minval never exceeds the smallest count, so an entry at
	 * or below it is a minimum; the search resumes at cursor */
	uint64_t minval;
	unsigned cursor;
};

/* cap counters (0 counts as 1).  0, or -1 out of memory or cap above
 * UI_TOPN_MAXCAP (the table is then empty: adds do nothing, free is safe). */
int ui_topn_init(struct ui_topn *t, unsigned cap);
void ui_topn_free(struct ui_topn *t);
void ui_topn_clear(struct ui_topn *t);
/* Counts one occurrence of key. */
void ui_topn_add(struct ui_topn *t, const void *key, size_t len);
/*
 * The keys' hash.  Runs three times per request (source, From,
 * Request-URI): a word at a time, not byte by byte.  Collisions lengthen a chain (the key is
 * compared) and share a filter counter, so a multiply-xorshift mix is
 * enough.  But the low bits pick the bucket and must depend on every key
 * byte: after one multiply and fold they depend only on the low five
 * bytes of the last word, so the bench mix's 5,000 sources 10.1.x.y, alike
 * but for y in the eighth byte, fell into 21 buckets (one per x).  Hence
 * a second round.
 */
static inline uint32_t
ui_topn_hash_bytes(const uint8_t *p, size_t n)
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
	h *= k;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* The hash that ui_topn_add_hashed() takes with key (len cut to
 * UI_TOPN_KEY, as every add cuts it).  Inline: the dashboard hashes a
 * request's three keys as it sees them. */
static inline uint32_t
ui_topn_hash(const void *key, size_t len)
{
	return ui_topn_hash_bytes(key, len > UI_TOPN_KEY ? UI_TOPN_KEY : len);
}
/* ui_topn_add() of a key already hashed, h = ui_topn_hash(key, len). */
void ui_topn_add_hashed(struct ui_topn *t, const void *key, size_t len, uint32_t h);
/* Starts loading the bucket that an add of a key hashed to h reads first,
 * so that an add a little later need not wait for it: the dashboard
 * hashes a request's keys before the rules run and adds them after.  A
 * hint; nothing observable changes. */
static inline void
ui_topn_prefetch(const struct ui_topn *t, uint32_t h)
{
	if (t->bucket != NULL)
		__builtin_prefetch(&t->bucket[h & (t->nbuckets - 1)], 1);
}
/* The k largest counters, largest first (ties: smaller err first), as
 * pointers into the table valid until the next add.  Returns how many. */
unsigned ui_topn_top(const struct ui_topn *t, const struct ui_topn_entry **out, unsigned k);

#endif
