/*
 * ktab_test.c - Criterion tests for ktab.c: look-ups, LRU order,
 * eviction and expiry with their release reasons, early expiry of empty
 * entries and where it stops, record reuse, growth
 * past one chunk and the first buckets, iteration, swap, and memory that
 * follows the entries held.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "rules/ktab.h"

struct ent {
	struct ktab_ent n;
	uint64_t v;
};

struct log {
	int released[4]; /* by enum ktab_why */
	uint64_t last_v;
};

static void
rel(void *ud, struct ktab_ent *e, enum ktab_why why)
{
	struct log *l = ud;
	l->released[why]++;
	l->last_v = ((struct ent *)e)->v;
}

static struct ktab_key
key(uint32_t i)
{
	struct ktab_key k;
	memset(&k, 0, sizeof(k));
	memcpy(k.id, &i, sizeof(i));
	k.kind = 2;
	k.ver = 4;
	return k;
}

static struct ent *
put(struct ktab *t, uint32_t i, int64_t now)
{
	struct ktab_key k = key(i);
	struct ent *e = (struct ent *)ktab_insert(t, &k, now);
	cr_assert_not_null(e);
	cr_assert_eq(e->v, 0u, "payload zeroed");
	e->v = i;
	return e;
}

static struct ent *
get(struct ktab *t, uint32_t i)
{
	struct ktab_key k = key(i);
	return (struct ent *)ktab_find(t, &k);
}

Test(ktab, find_touch_evict_lru)
{
	struct ktab t;
	struct log l = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&t, 3, sizeof(struct ent), rel, NULL, &l), 0);
	put(&t, 1, 10);
	put(&t, 2, 20);
	put(&t, 3, 30);
	cr_expect_null(get(&t, 4));
	/* Keys that differ from a present one in a single field only. */
	struct ktab_key k1 = key(1);
	k1.tag = 1;
	cr_expect_null(ktab_find(&t, &k1), "the tag counts");
	k1 = key(1);
	k1.kind ^= 1;
	cr_expect_null(ktab_find(&t, &k1), "the kind counts");
	k1 = key(1);
	k1.ver ^= 1;
	cr_expect_null(ktab_find(&t, &k1), "the version counts");
	k1 = key(1);
	k1.id[15] ^= 1;
	cr_expect_null(ktab_find(&t, &k1), "the last id byte counts");
	ktab_touch(&t, &get(&t, 1)->n, 40); /* 2 is now the oldest */
	put(&t, 4, 50);
	cr_expect_eq(l.released[KTAB_EVICTED], 1);
	cr_expect_eq(l.last_v, 2u);
	cr_expect_eq(t.evictions, 1u);
	cr_expect_null(get(&t, 2));
	cr_expect_eq(get(&t, 1)->v, 1u);
	cr_expect_eq(t.count, 3u);
	cr_expect_eq(t.used, 3u, "the evicted record was reused");
	/* Oldest to newest: 3, 1, 4. */
	uint64_t order[3];
	int n = 0;
	for (struct ktab_ent *e = ktab_oldest(&t); e; e = ktab_newer(&t, e))
		order[n++] = ((struct ent *)e)->v;
	cr_assert_eq(n, 3);
	cr_expect(order[0] == 3 && order[1] == 1 && order[2] == 4);
	ktab_remove(&t, &get(&t, 1)->n);
	cr_expect_eq(l.released[KTAB_REMOVED], 1);
	cr_expect_null(get(&t, 1));
	ktab_destroy(&t);
	cr_expect_eq(l.released[KTAB_CLEARED], 2);
}

Test(ktab, expire_and_use)
{
	struct ktab t;
	struct log l = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&t, 100, sizeof(struct ent), rel, NULL, &l), 0);
	put(&t, 1, 1000);
	put(&t, 2, 1800);
	int64_t prev = 0;
	struct ktab_key k1 = key(1);
	cr_expect_not_null(ktab_use(&t, &k1, 1900, 1000, 1000, &prev));
	cr_expect_eq(prev, 1000);
	/* At 2850 with idle 1000: 2 (last 1800) is idle too long, 1 (1900)
	 * not. */
	struct ktab_key k2 = key(2);
	cr_expect_null(ktab_use(&t, &k2, 2850, 1000, 1000, &prev));
	cr_expect_eq(l.released[KTAB_EXPIRED], 1);
	cr_expect_eq(t.expirations, 1u);
	cr_expect_not_null(get(&t, 1));
	ktab_expire(&t, 2900, 1000, 1000);
	cr_expect_not_null(get(&t, 1), "idle exactly the limit stays");
	ktab_expire(&t, 2901, 1000, 1000);
	cr_expect_null(get(&t, 1));
	ktab_destroy(&t);
}

/* Entries whose v is odd hold state (for the test's empty function). */
static int
even_empty(void *ud, const struct ktab_ent *e, int64_t now)
{
	(void)ud;
	(void)now;
	return ((const struct ent *)e)->v % 2 == 0;
}

Test(ktab, quiet_expiry_of_empty_entries)
{
	struct ktab t;
	struct log l = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&t, 100, sizeof(struct ent), rel, even_empty, &l), 0);
	/* Oldest first: 2 (empty), 4 (empty), 5 (state), 6 (empty), 8 (empty). */
	put(&t, 2, 100);
	put(&t, 4, 200);
	put(&t, 5, 300);
	put(&t, 6, 400);
	put(&t, 8, 900);
	/* idle 1000, quiet 100: at 500, 2 and 4 go; 5 stops the walk, so 6
	 * waits behind it although it is empty and idle for more than quiet. */
	ktab_expire(&t, 500, 1000, 100);
	cr_expect_eq(l.released[KTAB_EXPIRED], 2);
	cr_expect_eq(t.expirations, 2u, "empty entries count as expirations");
	cr_expect_eq(t.evictions, 0u);
	cr_expect_null(get(&t, 2));
	cr_expect_null(get(&t, 4));
	cr_expect_not_null(get(&t, 5));
	cr_expect_not_null(get(&t, 6));
	int64_t prev;
	struct ktab_key k8 = key(8);
	ktab_expire(&t, 1000, 1000, 600);
	cr_expect_not_null(get(&t, 6), "still held behind 5");
	/* 5 is idle for more than idle at 1301: it goes whatever it holds,
	 * then 6 (empty); 8 (idle 401 <= quiet 600) stays. */
	cr_expect_not_null(ktab_use(&t, &k8, 1301, 1000, 600, &prev));
	cr_expect_eq(prev, 900);
	cr_expect_null(get(&t, 5));
	cr_expect_null(get(&t, 6));
	cr_expect_eq(l.released[KTAB_EXPIRED], 4);
	cr_expect_eq(t.count, 1u);
	put(&t, 10, 1400);
	ktab_expire(&t, 1901, 1000, 600);
	cr_expect_not_null(get(&t, 8), "an empty entry idle for exactly quiet stays");
	ktab_expire(&t, 2001, 1000, 600);
	cr_expect_null(get(&t, 8));
	cr_expect_null(get(&t, 10));
	cr_expect_eq(t.expirations, 6u);
	ktab_destroy(&t);
}

/* Many entries: chunks and buckets grow, every key stays findable, and
 * memory is what the entries need. */
Test(ktab, growth)
{
	struct ktab t;
	struct log l = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&t, 1u << 20, sizeof(struct ent), rel, NULL, &l), 0);
	size_t empty = ktab_bytes(&t);
	cr_expect_lt(empty, 4096u, "an empty table holds no entry memory");
	const uint32_t n = 5 * KTAB_CHUNK + 7;
	for (uint32_t i = 0; i < n; i++)
		put(&t, i, i);
	for (uint32_t i = 0; i < n; i++) {
		struct ent *e = get(&t, i);
		cr_assert_not_null(e, "key %u lost", i);
		cr_assert_eq(e->v, i);
	}
	cr_expect_eq(t.count, n);
	cr_expect_eq(t.peak, n);
	cr_expect_geq(t.nbuckets, n / 2);
	size_t want = 6 * (size_t)KTAB_CHUNK * t.esize;
	cr_expect_geq(ktab_bytes(&t), want);
	cr_expect_lt(ktab_bytes(&t), want + t.nbuckets * sizeof(uint32_t) + 4096);
	ktab_destroy(&t);
	cr_expect_eq(l.released[KTAB_CLEARED], (int)n);
}

Test(ktab, swap_keeps_entries)
{
	struct ktab a, b;
	struct log la = { { 0 }, 0 }, lb = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&a, 10, sizeof(struct ent), rel, NULL, &la), 0);
	cr_assert_eq(ktab_init(&b, 10, sizeof(struct ent), rel, NULL, &lb), 0);
	struct ent *e = put(&a, 7, 1);
	ktab_swap(&a, &b);
	cr_expect_null(get(&a, 7));
	cr_expect_eq(get(&b, 7), e, "entries do not move");
	ktab_destroy(&a);
	ktab_destroy(&b);
	cr_expect_eq(la.released[KTAB_CLEARED], 1, "the release function went along");
}

/*
 * Random operations against a plain model of the contract: a list in
 * order of last use (ties by order of use), eviction of its head when
 * full, expiry from its head as ktab_expire describes.  Every release
 * (reason and entry) and the final order must be the model's; the keys
 * come from a small set so that the index sees hits, misses, tombstones
 * and rebuilds.
 */
#define MODEL_KEYS 300

struct model {
	uint32_t order[MODEL_KEYS]; /* keys, oldest first */
	int64_t last[MODEL_KEYS];
	int n;
};

struct rlog {
	uint32_t why[64], v[64];
	int n;
};

static void
rel_log(void *ud, struct ktab_ent *e, enum ktab_why why)
{
	struct rlog *l = ud;
	cr_assert_lt(l->n, 64, "one operation releases few entries");
	l->why[l->n] = why;
	l->v[l->n++] = (uint32_t)((struct ent *)e)->v;
}

static int
model_find(const struct model *m, uint32_t key)
{
	for (int i = 0; i < m->n; i++)
		if (m->order[i] == key)
			return i;
	return -1;
}

static void
model_drop(struct model *m, int i, enum ktab_why why, struct rlog *want)
{
	want->why[want->n] = why;
	want->v[want->n++] = m->order[i];
	memmove(&m->order[i], &m->order[i + 1], (size_t)(m->n - i - 1) * sizeof(m->order[0]));
	m->n--;
}

static void
model_expire(struct model *m, int64_t now, int64_t idle, int64_t quiet, struct rlog *want)
{
	while (m->n > 0) {
		uint32_t k = m->order[0];
		if (m->last[k] + quiet >= now)
			break;
		if (m->last[k] + idle >= now && k % 2 != 0)
			break; /* odd keys hold state (even_empty) */
		model_drop(m, 0, KTAB_EXPIRED, want);
	}
}

static void
model_use(struct model *m, uint32_t key, int i, int64_t now)
{
	memmove(&m->order[i], &m->order[i + 1], (size_t)(m->n - i - 1) * sizeof(m->order[0]));
	m->order[m->n - 1] = key;
	m->last[key] = now;
}

static void
model_insert(struct model *m, uint32_t key, int64_t now, uint32_t cap, struct rlog *want)
{
	if ((uint32_t)m->n >= cap)
		model_drop(m, 0, KTAB_EVICTED, want);
	m->order[m->n++] = key;
	m->last[key] = now;
}

static void
check_same(const struct rlog *got, const struct rlog *want, int op)
{
	cr_assert_eq(got->n, want->n, "op %d: %d releases, want %d", op, got->n, want->n);
	for (int i = 0; i < got->n; i++)
		cr_assert(got->why[i] == want->why[i] && got->v[i] == want->v[i],
		    "op %d: release %d is %u/%u, want %u/%u", op, i, got->why[i], got->v[i],
		    want->why[i], want->v[i]);
}

static void
random_run(uint32_t cap, unsigned seed, int ops)
{
	struct ktab t;
	struct rlog got = { .n = 0 }, want = { .n = 0 };
	struct model m = { .n = 0 };
	cr_assert_eq(ktab_init(&t, cap, sizeof(struct ent), rel_log, even_empty, &got), 0);
	srand(seed);
	int64_t now = 0;
	for (int op = 0; op < ops; op++) {
		now += rand() % 4 == 0 ? rand() % 50 : 0; /* ties are common */
		int64_t idle = 200 + rand() % 400, quiet = idle - rand() % 150;
		uint32_t kn = (uint32_t)rand() % MODEL_KEYS;
		struct ktab_key k = key(kn);
		int i = model_find(&m, kn), r = rand() % 16;
		got.n = want.n = 0;
		if (r < 8) {
			int64_t prev = -1;
			int created = -1;
			struct ent *e = (struct ent *)ktab_get(&t, &k, now, idle, quiet, &prev, &created);
			model_expire(&m, now, idle, quiet, &want);
			i = model_find(&m, kn);
			cr_assert_not_null(e);
			cr_assert_eq(created, i < 0, "op %d: created %d", op, created);
			if (i >= 0) {
				cr_assert_eq(prev, m.last[kn], "op %d: prev", op);
				model_use(&m, kn, i, now);
			} else {
				cr_assert_eq(prev, now);
				e->v = kn;
				model_insert(&m, kn, now, cap, &want);
			}
		} else if (r < 10) {
			int64_t prev = -1;
			struct ent *e = (struct ent *)ktab_use(&t, &k, now, idle, quiet, &prev);
			model_expire(&m, now, idle, quiet, &want);
			i = model_find(&m, kn);
			cr_assert_eq(e != NULL, i >= 0, "op %d: use found %d", op, e != NULL);
			if (i >= 0) {
				cr_assert_eq(prev, m.last[kn]);
				model_use(&m, kn, i, now);
			}
		} else if (r < 11) {
			ktab_expire(&t, now, idle, quiet);
			model_expire(&m, now, idle, quiet, &want);
		} else if (r < 12) {
			struct ent *e = (struct ent *)ktab_find(&t, &k);
			cr_assert_eq(e != NULL, i >= 0, "op %d: find", op);
			if (e) {
				ktab_remove(&t, &e->n);
				model_drop(&m, i, KTAB_REMOVED, &want);
			}
		} else if (r < 13) {
			struct ent *e = (struct ent *)ktab_find(&t, &k);
			cr_assert_eq(e != NULL, i >= 0, "op %d: find", op);
			if (e) {
				ktab_touch(&t, &e->n, now);
				model_use(&m, kn, i, now);
			} else {
				e = (struct ent *)ktab_insert(&t, &k, now);
				cr_assert_not_null(e);
				e->v = kn;
				model_insert(&m, kn, now, cap, &want);
			}
		} else {
			ktab_expire(&t, now, idle, idle);
			model_expire(&m, now, idle, idle, &want);
		}
		check_same(&got, &want, op);
		cr_assert_eq(t.count, (uint32_t)m.n, "op %d: count", op);
		cr_assert_leq(t.count, cap);
		if (op % 97 == 0 || op == ops - 1) {
			int j = 0;
			for (struct ktab_ent *e = ktab_oldest(&t); e; e = ktab_newer(&t, e), j++)
				cr_assert(j < m.n && ((struct ent *)e)->v == m.order[j],
				    "op %d: entry %d of the order", op, j);
			cr_assert_eq(j, m.n);
			for (uint32_t q = 0; q < MODEL_KEYS; q++) {
				struct ktab_key kq = key(q);
				struct ent *e = (struct ent *)ktab_find(&t, &kq);
				cr_assert_eq(e != NULL, model_find(&m, q) >= 0, "op %d: key %u", op, q);
				cr_assert(e == NULL || e->v == q);
			}
		}
	}
	got.n = 0;
	ktab_destroy(&t);
}

Test(ktab, random_ops_match_model_small_cap)
{
	random_run(40, 1, 60000);
}

Test(ktab, random_ops_match_model_roomy)
{
	random_run(1000, 2, 60000);
}

Test(ktab, cap_clamped_to_index)
{
	struct ktab t;
	struct log l = { { 0 }, 0 };
	cr_assert_eq(ktab_init(&t, UINT32_MAX, sizeof(struct ent), rel, NULL, &l), 0);
	cr_expect_eq(t.cap, KTAB_CAP_MAX, "record numbers must fit a bucket");
	ktab_destroy(&t);
}
