/*
 * topn_test.c - Criterion tests for topn.c: the guarantees stated in
 * topn.h checked against exact counts on seeded streams (a zipf-like head
 * over a long uniform tail, all-distinct floods, few keys, tables small
 * enough that keys share buckets), which counter a newcomer takes, how much
 * the filter spares, how the hash spreads addresses, and key lengths.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/topn.h"

#define MAXID 65536 /* stream keys are ids below this */

enum form { SRC, URI };

/* A key as the dashboard makes them: a 5-byte IPv4 source key (version,
 * then 10.1.x.y) or a SIP URI. */
static size_t
mkkey(uint8_t *k, size_t cap, enum form f, unsigned id)
{
	if (f == SRC) {
		k[0] = 4;
		k[1] = 10;
		k[2] = 1;
		k[3] = (uint8_t)(id >> 8);
		k[4] = (uint8_t)id;
		return 5;
	}
	int n = snprintf((char *)k, cap, "sip:%u@pbx.example.com", id);
	return (size_t)n;
}

static unsigned
keyid(const struct ui_topn_entry *e, enum form f)
{
	if (f == SRC) {
		cr_assert_eq(e->len, 5);
		return (unsigned)e->key[3] << 8 | e->key[4];
	}
	char s[UI_TOPN_KEY + 1];
	memcpy(s, e->key, e->len);
	s[e->len] = '\0';
	cr_assert_eq(strncmp(s, "sip:", 4), 0, "%s", s);
	return (unsigned)strtoul(s + 4, NULL, 10);
}

struct stream {
	const char *comment;
	enum form form;
	unsigned cap, nadds;
	unsigned head, head_pct; /* zipf-like head: head keys, share in % */
	unsigned tail;           /* uniform tail keys (after the head's) */
	int distinct;            /* every key new, instead of head and tail */
	int late;                /* the head only in the second half */
	uint32_t seed;
};

static uint32_t
rnd(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static unsigned
next_id(const struct stream *s, unsigned i, uint32_t *x)
{
	if (s->distinct)
		return i;
	int head = s->head > 0 && rnd(x) % 100 < s->head_pct && !(s->late && i < s->nadds / 2);
	if (head) {
		/* P(k) falls with k like a harmonic sum: a few heavy keys */
		unsigned r = rnd(x) % s->head;
		return rnd(x) % (r + 1);
	}
	return s->head + rnd(x) % s->tail;
}

/*
 * Every guarantee of topn.h at one moment, against the exact counts:
 * brackets, err <= min, nobody heavier than min left out, min <= T/cap and
 * never falling, counts summing to at most T, every alpha <= min, and no key
 * monitored twice.  Returns min.
 */
static uint64_t
check(const struct ui_topn *t, const struct stream *s, const unsigned *truth, uint64_t total,
    uint64_t prev_min, unsigned at)
{
	static unsigned char mon[MAXID];
	uint64_t min = 0, sum = 0;
	if (t->used == t->cap) {
		min = UINT64_MAX;
		for (unsigned i = 0; i < t->used; i++)
			if (t->e[i].n < min)
				min = t->e[i].n;
	}
	cr_assert_eq(t->total, total);
	cr_assert_geq(min, prev_min, "%s, add %u: min fell", s->comment, at);
	cr_assert_leq(min, total / t->cap, "%s, add %u: min %llu", s->comment, at, (unsigned long long)min);
	memset(mon, 0, sizeof(mon));
	for (unsigned i = 0; i < t->used; i++) {
		const struct ui_topn_entry *e = &t->e[i];
		unsigned id = keyid(e, s->form);
		cr_assert_lt(id, MAXID);
		cr_assert_not(mon[id], "%s, add %u: key %u twice", s->comment, at, id);
		mon[id] = 1;
		cr_assert(e->n - e->err <= truth[id] && truth[id] <= e->n && e->err <= min,
		    "%s, add %u: key %u n %llu err %llu true %u min %llu", s->comment, at, id,
		    (unsigned long long)e->n, (unsigned long long)e->err, truth[id],
		    (unsigned long long)min);
		sum += e->n;
	}
	cr_assert_leq(sum, total, "%s, add %u", s->comment, at);
	/* Failures only: passed assertions are reported one by one. */
	for (unsigned id = 0; id < MAXID; id++)
		if (!mon[id] && truth[id] > min)
			cr_assert_fail("%s, add %u: key %u (%u) above min %llu left out", s->comment, at, id,
			    truth[id], (unsigned long long)min);
	for (unsigned b = 0; b < t->nbuckets; b++)
		if (t->bucket[b].alpha > min)
			cr_assert_fail("%s, add %u: bucket %u alpha %llu above min %llu", s->comment, at, b,
			    (unsigned long long)t->bucket[b].alpha, (unsigned long long)min);
	return min;
}

static const struct stream streams[] = {
	{ "zipf-like head over a uniform tail of sources (the bench mix)", SRC, 64, 60000, 16, 30, 5000, 0, 0, 1 },
	{ "the same as URIs", URI, 64, 60000, 16, 30, 5000, 0, 0, 2 },
	{ "a heavier head over a longer tail", URI, 64, 60000, 64, 50, 20000, 0, 0, 3 },
	{ "the head arriving late, into a full table", SRC, 64, 60000, 8, 20, 5000, 0, 1, 4 },
	{ "uniform tail only", SRC, 64, 60000, 0, 0, 5000, 0, 0, 5 },
	{ "all distinct: a flood of new keys", URI, 64, 60000, 0, 0, 0, 1, 0, 6 },
	{ "few keys, fewer than the counters", URI, 64, 20000, 8, 50, 40, 0, 0, 7 },
	{ "one counter: the tail shares a few buckets", SRC, 1, 20000, 3, 50, 100, 0, 0, 8 },
	{ "four counters, keys sharing buckets", URI, 4, 40000, 8, 60, 2000, 0, 0, 9 },
};

Test(ui_topn, guarantees_against_exact_counts)
{
	static unsigned truth[MAXID];
	for (size_t si = 0; si < sizeof(streams) / sizeof(streams[0]); si++) {
		const struct stream *s = &streams[si];
		struct ui_topn t;
		uint8_t k[UI_TOPN_KEY];
		uint32_t x = s->seed * 2654435761u;
		uint64_t min = 0;
		unsigned distinct = 0;
		memset(truth, 0, sizeof(truth));
		cr_assert_eq(ui_topn_init(&t, s->cap), 0);
		for (unsigned i = 0; i < s->nadds; i++) {
			unsigned id = next_id(s, i, &x);
			cr_assert_lt(id, MAXID);
			if (truth[id]++ == 0)
				distinct++;
			ui_topn_add(&t, k, mkkey(k, sizeof(k), s->form, id));
			if ((i + 1) % (s->nadds / 40) == 0)
				min = check(&t, s, truth, i + 1, min, i);
		}
		check(&t, s, truth, s->nadds, min, s->nadds);
		if (distinct <= s->cap) {
			/* Room for every key: exact. */
			cr_expect_eq(t.replaced, 0, "%s", s->comment);
			for (unsigned i = 0; i < t.used; i++)
				cr_expect(t.e[i].err == 0 && t.e[i].n == truth[keyid(&t.e[i], s->form)], "%s", s->comment);
		}
		/* The top list is the counters, largest first. */
		const struct ui_topn_entry *e[64];
		unsigned n = ui_topn_top(&t, e, 64);
		cr_expect_eq(n, t.used, "%s", s->comment);
		for (unsigned i = 1; i < n; i++)
			cr_expect(e[i - 1]->n > e[i]->n || (e[i - 1]->n == e[i]->n && e[i - 1]->err <= e[i]->err),
			    "%s", s->comment);
		ui_topn_free(&t);
	}
}

/* The bench mix's shape: four heavy sources over 5,000 phones.  The heavy
 * ones are exact and first, in order; the filter keeps most tail keys
 * from taking counters (plain space-saving replaces on 99% of the tail
 * adds here, the filter on 11%). */
Test(ui_topn, filter_spares_the_tail)
{
	struct ui_topn t;
	static unsigned truth[4 + 5000];
	uint8_t k[8];
	uint32_t x = 7;
	unsigned tail = 0;
	cr_assert_eq(ui_topn_init(&t, 64), 0);
	for (unsigned i = 0; i < 100000; i++) {
		unsigned id = rnd(&x) % 100 < 15 ? i % 4 : 4 + rnd(&x) % 5000;
		tail += id >= 4;
		truth[id]++;
		ui_topn_add(&t, k, mkkey(k, sizeof(k), SRC, id));
	}
	const struct ui_topn_entry *e[4];
	cr_assert_eq(ui_topn_top(&t, e, 4), 4);
	for (unsigned i = 0; i < 4; i++) {
		unsigned id = keyid(e[i], SRC);
		cr_expect_lt(id, 4, "rank %u is a heavy source", i);
		cr_expect(e[i]->err == 0 && e[i]->n == truth[id], "rank %u exact", i);
		if (i > 0)
			cr_expect_geq(truth[keyid(e[i - 1], SRC)], truth[id]);
	}
	cr_expect_lt(t.replaced, tail / 5, "replaced %llu of %u tail adds", (unsigned long long)t.replaced, tail);
	ui_topn_free(&t);
}

/* Source keys differ only in their last two bytes (one /16): the bucket
 * index, the hash's low bits, must still depend on both. */
Test(ui_topn, hash_spreads_addresses)
{
	struct ui_topn t;
	uint8_t k[8];
	cr_assert_eq(ui_topn_init(&t, 1024), 0);
	cr_assert_geq(t.nbuckets, 4096);
	for (unsigned id = 0; id < 1024; id++)
		ui_topn_add(&t, k, mkkey(k, sizeof(k), SRC, id));
	unsigned used = 0;
	for (unsigned b = 0; b < t.nbuckets; b++)
		used += t.bucket[b].head != -1;
	/* Thrown at random, about 1024^2 / (2 nbuckets) keys would land in a
	 * bucket already taken: allow twice that. */
	cr_expect_geq(used, 1024 - 1024 * 1024 / t.nbuckets, "%u buckets used of %u", used, t.nbuckets);
	ui_topn_free(&t);
}

Test(ui_topn, heavy_hitters_and_bound)
{
	struct ui_topn t;
	const struct ui_topn_entry *e[4];
	cr_assert_eq(ui_topn_init(&t, 8), 0);
	char k[32];
	for (int i = 0; i < 1000; i++) {
		/* a: 300, b: 200, c: 100, and 400 distinct one-off keys */
		const char *key = i % 10 < 3 ? "a" : i % 10 < 5 ? "b" : i % 10 < 6 ? "c" : NULL;
		if (key == NULL) {
			snprintf(k, sizeof(k), "noise-%d", i);
			key = k;
		}
		ui_topn_add(&t, key, strlen(key));
	}
	unsigned n = ui_topn_top(&t, e, 3);
	cr_assert_eq(n, 3);
	cr_expect(e[0]->len == 1 && e[0]->key[0] == 'a');
	cr_expect(e[1]->len == 1 && e[1]->key[0] == 'b');
	cr_expect(e[2]->len == 1 && e[2]->key[0] == 'c');
	cr_expect_geq(e[0]->n, 300, "never undercounts");
	cr_expect_leq(e[0]->n - e[0]->err, 300, "n - err is a lower bound");
	cr_expect_eq(t.used, 8, "bounded");
	cr_expect_gt(t.replaced, 0);
	cr_expect_eq(t.total, 1000);
	ui_topn_free(&t);
}

/* A newcomer that takes a counter takes a smallest one, and only once its
 * bucket's bound reached it: its err is that minimum, under long churn with
 * hits mixed in (hits lift entries off the minimum between replacements).
 * A key held back by the filter changes no counter. */
Test(ui_topn, replaces_a_minimum)
{
	struct ui_topn t;
	cr_assert_eq(ui_topn_init(&t, 16), 0);
	uint32_t x = 99;
	unsigned held = 0;
	for (unsigned i = 0; i < 50000; i++) {
		x = x * 1103515245u + 12345u;
		unsigned k = (x >> 8) % 10 < 3 ? (x >> 12) % 8 : 100 + (x >> 8) % 5000;
		uint64_t min = UINT64_MAX, replaced = t.replaced;
		struct ui_topn_entry before[16];
		unsigned used = t.used;
		memcpy(before, t.e, sizeof(before));
		for (unsigned a = 0; a < t.used; a++)
			if (t.e[a].n < min)
				min = t.e[a].n;
		ui_topn_add(&t, &k, sizeof(k));
		unsigned found = 0, changed = 0;
		for (unsigned a = 0; a < t.used; a++) {
			if (memcmp(t.e[a].key, &k, sizeof(k)) == 0)
				found++;
			if (a < used && (t.e[a].n != before[a].n || t.e[a].err != before[a].err))
				changed++;
		}
		if (found == 0) {
			cr_assert_eq(changed, 0, "add %u: held back, yet a counter changed", i);
			held++;
			continue;
		}
		cr_assert_eq(found, 1);
		if (t.replaced == replaced)
			continue;
		for (unsigned a = 0; a < t.used; a++) {
			if (memcmp(t.e[a].key, &k, sizeof(k)) != 0)
				continue;
			cr_assert_eq(before[a].n, min, "add %u: evicted %llu, minimum was %llu", i,
			    (unsigned long long)before[a].n, (unsigned long long)min);
			cr_assert(t.e[a].err == min && t.e[a].n == min + 1, "add %u: n %llu err %llu, minimum was %llu",
			    i, (unsigned long long)t.e[a].n, (unsigned long long)t.e[a].err, (unsigned long long)min);
		}
	}
	cr_expect_gt(held, 0);
	cr_expect_gt(t.replaced, 0);
	ui_topn_free(&t);
}

/* Clearing forgets the filter's bounds as well as the counters: after it,
 * a fifth key in a full table of four counts 1 is held back once (its
 * bound starts at 0 again) and takes a counter the second time. */
Test(ui_topn, clear_forgets_bounds)
{
	struct ui_topn t;
	uint8_t k[8];
	cr_assert_eq(ui_topn_init(&t, 4), 0);
	for (unsigned i = 0; i < 10000; i++)
		ui_topn_add(&t, k, mkkey(k, sizeof(k), SRC, i % 1000));
	cr_assert_gt(t.replaced, 0);
	ui_topn_clear(&t);
	cr_expect(t.used == 0 && t.total == 0 && t.replaced == 0);
	for (unsigned i = 0; i < 5; i++)
		ui_topn_add(&t, k, mkkey(k, sizeof(k), SRC, i));
	cr_assert_eq(t.used, 4);
	cr_expect_eq(t.replaced, 0, "the fifth key held back");
	for (unsigned i = 0; i < 4; i++)
		cr_expect(t.e[i].n == 1 && t.e[i].err == 0 && keyid(&t.e[i], SRC) == i, "counter %u: n %llu err %llu",
		    i, (unsigned long long)t.e[i].n, (unsigned long long)t.e[i].err);
	ui_topn_add(&t, k, mkkey(k, sizeof(k), SRC, 4));
	cr_expect_eq(t.replaced, 1);
	const struct ui_topn_entry *e[1];
	cr_assert_eq(ui_topn_top(&t, e, 1), 1);
	cr_expect(keyid(e[0], SRC) == 4 && e[0]->n == 2 && e[0]->err == 1);
	ui_topn_free(&t);
}

/* Keys of every length class the word-wise hash, compare and copy handle
 * (under 4, 4 to 7, whole words, a partial last word, the 96-byte cut):
 * keys differing only in their first or last byte stay apart, and the
 * stored key is the key. */
Test(ui_topn, key_lengths)
{
	static const size_t lens[] = { 1, 3, 4, 7, 8, 9, 16, 17, 40, 95, 96, 120 };
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct ui_topn t;
		const struct ui_topn_entry *e[4];
		uint8_t a[128], b[128], c[128];
		size_t n = lens[i], kept = n > UI_TOPN_KEY ? UI_TOPN_KEY : n;
		for (size_t k = 0; k < n; k++)
			a[k] = (uint8_t)(k * 7 + 1);
		memcpy(b, a, n);
		memcpy(c, a, n);
		b[kept - 1] ^= 0x80; /* last byte kept */
		c[0] ^= 0x01;        /* first byte */
		cr_assert_eq(ui_topn_init(&t, 4), 0);
		for (int r = 0; r < 3; r++)
			ui_topn_add(&t, a, n);
		for (int r = 0; r < 2; r++)
			ui_topn_add(&t, b, n);
		ui_topn_add(&t, c, n);
		cr_assert_eq(ui_topn_top(&t, e, 4), 3, "len %zu", n);
		cr_expect(e[0]->n == 3 && e[1]->n == 2 && e[2]->n == 1, "len %zu", n);
		cr_expect(e[0]->len == kept && memcmp(e[0]->key, a, kept) == 0, "len %zu", n);
		cr_expect(e[1]->len == kept && memcmp(e[1]->key, b, kept) == 0, "len %zu", n);
		cr_expect(e[2]->len == kept && memcmp(e[2]->key, c, kept) == 0, "len %zu", n);
		ui_topn_free(&t);
	}
}

/* A table that failed or was freed has no buckets: a prefetch and an
 * add of a hashed key do nothing (the dashboard may hash before its lists
 * exist). */
Test(ui_topn, prefetch_and_add_hashed_without_table)
{
	struct ui_topn t;
	uint8_t k[8];
	cr_assert_eq(ui_topn_init(&t, 4), 0);
	size_t n = mkkey(k, sizeof(k), SRC, 1);
	ui_topn_add_hashed(&t, k, n, ui_topn_hash(k, n));
	cr_assert_eq(t.used, 1u);
	ui_topn_free(&t);
	ui_topn_prefetch(&t, ui_topn_hash(k, n));
	ui_topn_add_hashed(&t, k, n, ui_topn_hash(k, n));
	cr_assert_eq(t.used, 0u);
	cr_assert_eq(t.total, 1u, "nothing counted after the free");
}
