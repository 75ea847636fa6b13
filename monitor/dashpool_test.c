/*
 * dashpool_test.c - Criterion tests for the dashboard's alert records
 * (monitor/dashboard.c): made by the capture thread, handed to the UI at
 * a publish, given back by ui_alert_free() and reused from a bounded
 * pool; and its top-talker counting, split around the rules
 * (dash_msg_begin, dash_on_msg).
 *
 * The pool and the hand-over are static parts of dashboard.c with no
 * interface of their own, so this file includes dashboard.c and calls
 * them as the capture and UI threads do, on one thread and without a
 * terminal: running is set by hand (no UI thread is started), publish()
 * stands for the timer, feed_take() and ui_alert_free() for the UI.
 * dashboard.o is then not linked from the library: this file defines all
 * of its symbols, and nothing else in the test binary refers to them.
 */
#include "monitor/dashboard.c"

#include <criterion/criterion.h>

/* A message of n bytes (at most sizeof(body)), each byte its offset's
 * low bits, so that a copy can be checked. */
static char body[UI_MSG_MAX + 1000];

static struct dash *
dash_test_new(void)
{
	struct dash_opts o;
	char err[128];
	memset(&o, 0, sizeof(o));
	o.source = "test";
	struct dash *d = dash_new(&o, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	d->running = 1; /* as dash_start() leaves it, without the thread */
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (char)('A' + i % 23);
	return d;
}

static void
dash_test_free(struct dash *d)
{
	d->running = 0; /* no thread to join */
	dash_free(d);
}

/* One alert whose message has n bytes; NULL msg when n < 0. */
static void
alert(struct dash *d, long n)
{
	struct sip_msg msg;
	struct rule_alert a;
	memset(&msg, 0, sizeof(msg));
	memset(&a, 0, sizeof(a));
	msg.raw = span_make(body, body + (n > 0 ? n : 0));
	a.rule = "from-flood";
	a.rule_id = R_FROM_FLOOD;
	a.severity = 2;
	a.message = "a test alert";
	a.count = 1;
	a.msg = n >= 0 ? &msg : NULL;
	dash_on_alert(d, &a);
}

/* The capture thread's publish, then the pool's bounds. */
static void
pub(struct dash *d)
{
	publish(d, UI_ST_CAPTURING);
	cr_assert_eq(d->pend.n, 0u);
	cr_assert_leq(d->npool, POOL_MAX, "the pool holds at most POOL_MAX records");
	unsigned n = 0;
	for (unsigned c = 0; c < REC_CLASSES; c++) {
		for (const struct alert_rec *r = d->pool[c]; r; r = r->next) {
			cr_assert_eq(r->cls, c);
			n++;
		}
		cr_assert_eq((d->pooled >> c) & 1, d->pool[c] != NULL, "pooled bit of class %u", c);
	}
	cr_assert_eq(n, d->npool);
}

/* The UI thread's take, as feed_take() without the list: the alerts
 * handed over since the last take, into got (room for ALERT_QUEUE). */
static size_t
take(struct dash *d, struct ui_alert **got)
{
	pthread_mutex_lock(&d->mu);
	size_t n = d->shared.n;
	memcpy(got, d->shared.a, n * sizeof(got[0]));
	d->shared.n = 0;
	pthread_mutex_unlock(&d->mu);
	return n;
}

static struct ui_alert *
pend_last(const struct dash *d)
{
	cr_assert_gt(d->pend.n, 0u);
	return d->pend.a[d->pend.n - 1];
}

/* Records go to the UI, come back, and the next alerts reuse them, the
 * last given back first; no new record while the pool has one. */
Test(dashpool, records_come_back_and_are_reused)
{
	struct dash *d = dash_test_new();
	struct ui_list list;
	struct ui_snap *snap = calloc(1, sizeof(*snap));
	struct alert_rec *recs[100];
	cr_assert_not_null(snap);
	cr_assert_eq(ui_list_init(&list, UI_LIST_MAX), 0);
	for (int i = 0; i < 100; i++) {
		alert(d, 100);
		recs[i] = rec_of(pend_last(d));
	}
	cr_expect_eq(d->npool, 0u);
	pub(d);
	cr_expect_eq(d->shared.n, 100u);
	cr_expect_eq(feed_take(d, &snap, &list), 1);
	cr_expect_eq(list.n, 100u);
	cr_expect_eq(d->shared.n, 0u);
	cr_expect_eq(d->ngone, 0u);
	/* The UI lets go of them: they wait in gone for the next publish. */
	ui_list_free(&list);
	cr_expect_eq(d->ngone, 100u);
	cr_expect_eq(d->npool, 0u);
	pub(d);
	cr_expect_eq(d->ngone, 0u);
	cr_expect_eq(d->npool, 100u, "every record came back");
	cr_expect_eq(d->pooled, 1u, "all of the smallest class");
	/* Given back in list order, so the last one comes out first. */
	for (int i = 99; i >= 0; i--) {
		alert(d, 200);
		cr_assert_eq(rec_of(pend_last(d)), recs[i], "alert %d reuses record %d", 99 - i, i);
		cr_assert_eq(pend_last(d)->raw_len, 200u);
		cr_assert(memcmp(pend_last(d)->raw, body, 200) == 0);
	}
	cr_expect_eq(d->npool, 0u);
	cr_expect_eq(d->pooled, 0u);
	cr_expect_eq(d->ui_drops, 0u);
	free(snap);
	dash_test_free(d);
}

/* A message longer than UI_MSG_MAX is cut to it, in a record of the
 * largest class; records are reused best fit by message size. */
Test(dashpool, large_message_and_best_fit)
{
	struct dash *d = dash_test_new();
	struct ui_alert *got[ALERT_QUEUE];
	alert(d, (long)sizeof(body));
	struct ui_alert *big = pend_last(d);
	cr_expect_eq(big->raw_len, UI_MSG_MAX);
	cr_expect_eq(big->raw_total, sizeof(body));
	cr_expect(memcmp(big->raw, body, UI_MSG_MAX) == 0);
	cr_expect_eq(rec_of(big)->cls, REC_CLASSES - 1);
	alert(d, REC_GRAIN);
	struct ui_alert *small = pend_last(d);
	cr_expect_eq(rec_of(small)->cls, 0u, "REC_GRAIN bytes fit the smallest class");
	alert(d, REC_GRAIN + 1);
	struct ui_alert *two = pend_last(d);
	cr_expect_eq(rec_of(two)->cls, 1u);
	alert(d, -1);
	struct ui_alert *none = pend_last(d);
	cr_expect_null(none->raw, "an alert without a message has no bytes");
	cr_expect_eq(rec_of(none)->cls, 0u);
	pub(d);
	size_t n = take(d, got);
	cr_assert_eq(n, 4u);
	for (size_t i = 0; i < n; i++)
		ui_alert_free(got[i]);
	pub(d);
	cr_expect_eq(d->npool, 4u);
	cr_expect_eq(d->pooled, 1u | 2u | 1u << (REC_CLASSES - 1));
	/* Best fit: a 300-byte message takes the class-1 record, not the
	 * large one; a 100-byte one a class-0 record (the last given back). */
	alert(d, 300);
	cr_expect_eq(pend_last(d), two);
	alert(d, 100);
	cr_expect_eq(pend_last(d), none);
	alert(d, 100);
	cr_expect_eq(pend_last(d), small);
	/* Only the large record is left: a small message takes it. */
	alert(d, 10);
	cr_expect_eq(pend_last(d), big);
	cr_expect_eq(pend_last(d)->raw_len, 10u);
	cr_expect_eq(pend_last(d)->raw_total, 10u);
	cr_expect_eq(d->npool, 0u);
	/* A large message with nothing pooled gets a new record. */
	alert(d, UI_MSG_MAX);
	cr_expect_eq(rec_of(pend_last(d))->cls, REC_CLASSES - 1);
	cr_expect_eq(pend_last(d)->raw_len, UI_MSG_MAX);
	dash_test_free(d);
}

/* The UI does not take a batch before the next publish: batches queue in
 * order up to ALERT_QUEUE; what does not fit goes back to the pool and
 * counts as UI drops, as do alerts beyond PEND_MAX per interval (which
 * get no record at all). */
Test(dashpool, handover_when_the_ui_is_behind)
{
	struct dash *d = dash_test_new();
	struct ui_list list;
	struct ui_snap *snap = calloc(1, sizeof(*snap));
	cr_assert_not_null(snap);
	cr_assert_eq(ui_list_init(&list, UI_LIST_MAX), 0);
	for (int i = 0; i < 3; i++)
		alert(d, 50);
	pub(d);
	alert(d, 50);
	alert(d, 50);
	pub(d);
	cr_expect_eq(d->shared.n, 5u, "the second batch follows the first");
	for (size_t i = 0; i < 5; i++)
		cr_expect_eq(d->shared.a[i]->seq, i + 1);
	/* PEND_MAX alerts per interval; the next one is dropped. */
	size_t queued = 5, drops = 0;
	while (queued + PEND_MAX <= ALERT_QUEUE) {
		for (int i = 0; i < PEND_MAX + 1; i++)
			alert(d, 50);
		drops++;
		cr_expect_eq(d->pend.n, PEND_MAX);
		cr_expect_eq(d->ui_drops, drops);
		pub(d);
		queued += PEND_MAX;
		cr_expect_eq(d->shared.n, queued);
	}
	cr_expect_eq(d->npool, 0u);
	/* The queue has room for fewer than PEND_MAX: the rest go back. */
	for (int i = 0; i < PEND_MAX; i++)
		alert(d, 50);
	pub(d);
	size_t back = queued + PEND_MAX - ALERT_QUEUE;
	cr_expect_eq(d->shared.n, ALERT_QUEUE);
	cr_expect_eq(d->npool, back, "alerts that did not fit are pooled at once");
	cr_expect_eq(d->ui_drops, drops + back);
	for (size_t i = 1; i < ALERT_QUEUE; i++)
		cr_assert_gt(d->shared.a[i]->seq, d->shared.a[i - 1]->seq, "queued in order");
	pub(d);
	cr_expect_eq(d->mid->ui_drops, drops + back, "the snapshot shows the drops");
	/* The UI catches up: its list keeps UI_LIST_MAX and gives the
	 * oldest back, which the next publish pools up to POOL_MAX. */
	cr_expect_eq(feed_take(d, &snap, &list), 1);
	cr_expect_eq(d->shared.n, 0u);
	cr_expect_eq(list.n, UI_LIST_MAX);
	cr_expect_eq(d->ngone, ALERT_QUEUE - UI_LIST_MAX);
	pub(d);
	cr_expect_eq(d->npool, POOL_MAX);
	ui_list_free(&list);
	free(snap);
	dash_test_free(d);
}

/* More records given back between two publishes than gone holds: the
 * rest are freed at once; the next publish pools POOL_MAX of them and
 * frees the others, so the pool never holds more. */
Test(dashpool, pool_and_gone_are_bounded)
{
	struct dash *d = dash_test_new();
	enum { ROUNDS = GONE_MAX / PEND_MAX + 1 };
	_Static_assert(ROUNDS * PEND_MAX > GONE_MAX, "more than gone holds");
	struct ui_alert **held = malloc(ROUNDS * PEND_MAX * sizeof(*held));
	size_t nheld = 0;
	cr_assert_not_null(held);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < PEND_MAX; i++)
			alert(d, i % 3 == 0 ? 3000 : 40);
		pub(d);
		nheld += take(d, held + nheld);
	}
	cr_assert_eq(nheld, (size_t)ROUNDS * PEND_MAX);
	cr_expect_eq(d->ui_drops, 0u);
	for (size_t i = 0; i < nheld; i++)
		ui_alert_free(held[i]);
	cr_expect_eq(d->ngone, GONE_MAX, "gone is full; the rest were freed");
	pub(d);
	cr_expect_eq(d->ngone, 0u);
	cr_expect_eq(d->npool, POOL_MAX);
	/* A publish with nothing given back keeps the pool as it is. */
	pub(d);
	cr_expect_eq(d->npool, POOL_MAX);
	/* A full interval's alerts come from the pool. */
	for (int i = 0; i < PEND_MAX; i++)
		alert(d, 40);
	cr_expect_eq(d->npool, 0u);
	free(held);
	dash_test_free(d);
}

/* Two top-talker tables in the same state, entry by entry. */
static void
same_topn(const struct ui_topn *a, const struct ui_topn *b, const char *what)
{
	cr_assert_eq(a->total, b->total, "%s", what);
	cr_assert_eq(a->minval, b->minval, "%s", what);
	cr_assert_eq(a->used, b->used, "%s", what);
	for (unsigned i = 0; i < a->used; i++) {
		cr_assert_eq(a->e[i].n, b->e[i].n, "%s entry %u", what, i);
		cr_assert_eq(a->e[i].err, b->e[i].err, "%s entry %u", what, i);
		cr_assert_eq(a->e[i].hash, b->e[i].hash, "%s entry %u", what, i);
		cr_assert_eq(a->e[i].len, b->e[i].len, "%s entry %u", what, i);
		cr_assert_eq(memcmp(a->e[i].key, b->e[i].key, a->e[i].len), 0, "%s entry %u", what, i);
	}
	for (unsigned i = 0; i < a->nbuckets; i++) {
		cr_assert_eq(a->bucket[i].alpha, b->bucket[i].alpha, "%s bucket %u", what, i);
		cr_assert_eq(a->bucket[i].head, b->bucket[i].head, "%s bucket %u", what, i);
	}
}

/*
 * The top talkers as the capture thread counts them: each message's keys
 * hashed by dash_msg_begin() before the rules run and added by
 * dash_on_msg() after (and, every third message, by dash_on_msg() alone)
 * must count exactly as plain ui_topn_add() of the keys, for requests
 * with and without a From or Request-URI, IPv4 and IPv6 sources, and
 * responses (which count nothing).
 */
Test(dashpool, top_talkers_begin_then_count)
{
	struct dash *d = dash_test_new();
	struct ui_topn src, fr, ru;
	cr_assert_eq(ui_topn_init(&src, TOPN_COUNTERS), 0);
	cr_assert_eq(ui_topn_init(&fr, TOPN_COUNTERS), 0);
	cr_assert_eq(ui_topn_init(&ru, TOPN_COUNTERS), 0);
	char from[64], ruri[64];
	uint64_t requests = 0;
	srand(11);
	for (int i = 0; i < 6000; i++) {
		unsigned id = (unsigned)rand() % (i % 4 ? 30 : 3000);
		struct pkt_meta m;
		struct sip_msg msg;
		struct sip_summary sum;
		memset(&m, 0, sizeof(m));
		memset(&msg, 0, sizeof(msg));
		memset(&sum, 0, sizeof(sum));
		m.ipver = i % 5 ? 4 : 6;
		m.src[0] = 10;
		m.src[2] = (uint8_t)(id >> 8);
		m.src[3] = (uint8_t)id;
		m.src[15] = (uint8_t)(id * 7);
		msg.is_request = i % 6 != 0;
		int nf = snprintf(from, sizeof(from), "sip:%u@example.com", id % 97);
		int nr = snprintf(ruri, sizeof(ruri), "sip:%u@pbx.example.com", id);
		sum.has_from = i % 9 != 0;
		sum.from.uri_tok = span_make(from, from + (i % 13 ? nf : 0));
		msg.ruri = span_make(ruri, ruri + (i % 11 ? nr : 0));
		if (i % 3)
			dash_msg_begin(d, &m, &msg, &sum);
		dash_on_msg(d, &m, &msg, &sum);
		if (!msg.is_request)
			continue;
		requests++;
		uint8_t k[SRC_KEY_MAX];
		k[0] = (uint8_t)m.ipver;
		memcpy(k + 1, m.src, m.ipver == 6 ? 16 : 4);
		ui_topn_add(&src, k, m.ipver == 6 ? 17 : 5);
		if (sum.has_from && sum.from.uri_tok.len)
			ui_topn_add(&fr, from, sum.from.uri_tok.len);
		if (msg.ruri.len)
			ui_topn_add(&ru, ruri, msg.ruri.len);
	}
	cr_assert_eq(d->requests, requests);
	same_topn(&d->top_src, &src, "sources");
	same_topn(&d->top_from, &fr, "From");
	same_topn(&d->top_ruri, &ru, "Request-URIs");
	ui_topn_free(&src);
	ui_topn_free(&fr);
	ui_topn_free(&ru);
	dash_test_free(d);
}
