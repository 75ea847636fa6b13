/*
 * dashboard.c - builds dashboard snapshots on the capture thread and runs
 * the UI thread (ui/tui.c); see dashboard.h.
 *
 * Hand-over: three snapshot buffers.  The capture thread owns `back`,
 * fills it, and under the mutex swaps it with `mid` (marking it fresh);
 * the UI thread swaps `mid` with its own under the same mutex.  Alerts
 * go the same way as vectors of heap records.  The mutex is never held
 * for more than a swap or a short pointer copy, and never while drawing.
 *
 * Alert records (struct alert_rec): the capture thread allocates them
 * (make_alert) and keeps them in `pend` until a publish moves them to
 * `shared`; from there the UI thread owns them until ui_alert_free(),
 * which hands them back in `gone` (recycle, any thread, under the mutex).
 * At its next publish the capture thread takes them back (free_gone) into
 * `pool`, its own, to be reused by make_alert, and frees those beyond
 * POOL_MAX.  Only the capture thread mallocs or frees a record, except
 * recycle() when `gone` is full.  monitor/dashpool_test.c includes this
 * file to test the pool and the hand-over through these static functions
 * and struct dash's fields.
 */
#include "monitor/dashboard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/alerts.h"
#include "monitor/outq.h"
#include "monitor/stats.h"
#include "monitor/uitext.h"
#include "rules/config.h"
#include "ui/snap.h"
#include "ui/topn.h"
#include "ui/tui.h"
#include "ui/view.h"

#define PUBLISH_MS 200     /* snapshots per second: 5 */
#define TICK_CHECK 64      /* frames between looks at the clock */
#define ALERT_QUEUE 4096   /* alerts waiting for the UI; more are dropped */
#define TOPN_COUNTERS 64   /* space-saving counters per top-talker list */
#define UNKNOWN_SET 256    /* sources remembered as unknown (FIFO) */
/* Alerts copied for the UI per publish interval (the first ones; later
 * ones count as UI drops): the list keeps no more than this many, so more
 * would only push each other out of it. */
#define PEND_MAX UI_LIST_MAX
_Static_assert(PEND_MAX <= ALERT_QUEUE, "pending alerts fit the queue");
#define SRC_KEY_MAX 17     /* a source address as a top-talker key */
#define GONE_MAX (2 * ALERT_QUEUE) /* alerts given back between publishes */
/*
 * Records kept for reuse.  A record of class c has room for a message of
 * (c + 1) * REC_GRAIN bytes; a message takes the smallest pooled record
 * that fits it (best fit, as malloc would), and a new record is sized to
 * the grain.  In a steady stream of alerts the UI gives back about as
 * many per publish interval as the capture makes (at most PEND_MAX),
 * hence the bound.
 */
#define REC_GRAIN 256
#define REC_CLASSES (UI_MSG_MAX / REC_GRAIN)
_Static_assert(UI_MSG_MAX % REC_GRAIN == 0, "the largest class holds UI_MSG_MAX");
_Static_assert(REC_CLASSES <= 32, "a bit of dash.pooled per class");
#define POOL_MAX PEND_MAX
_Static_assert(UI_MAX_RULES < 256, "rule_slot holds a row of rules");
_Static_assert(sizeof(((struct ui_alert *)0)->rule) == sizeof(((struct ui_snap *)0)->rules[0].name),
    "a rule row's shown name is the snapshot's");

struct avec {
	struct ui_alert **a;
	size_t n;
};

struct alert_rec;

struct dash {
	/* Touched for every frame or request (dash_pace, dash_tick,
	 * count_request): together in the first cache line (dash_new()
	 * aligns it), so that a frame costs one line of this struct rather
	 * than one per field. */
	int64_t cur_sec;
	struct timeval last_ts;
	int have_ts;
	int pace;  /* --replay=speed on a file */
	unsigned ticks;
	uint64_t requests;
	struct ui_topn top_src, top_from, top_ruri;
	struct dash_opts o;
	char source[128];
	/* counter sources */
	const struct stats *st;
	struct rule_engine *eng;
	struct sink *const *sinks;
	int nsinks;
	pcap_t *const *live;
	int nlive;
	/* capture-side state */
	/* alerts the UI gave back (recycle), under mu; and a spare array to
	 * swap in while the capture thread takes them back */
	struct ui_alert **gone, **gone_spare;
	size_t ngone;
	struct alert_rec *pool[REC_CLASSES]; /* free records by class (LIFO) */
	uint32_t pooled;                     /* bit c: pool[c] not empty */
	unsigned npool;
	uint8_t unknown[UNKNOWN_SET][SRC_KEY_MAX]; /* src_key() form */
	/* A request's top-talker keys as dash_msg_begin() made them: the
	 * source key, and the three keys' hashes (0 and unused where the
	 * request has no such key). */
	struct {
		int on;
		uint8_t src[SRC_KEY_MAX];
		size_t src_len;
		uint32_t h_src, h_from, h_ruri;
	} pre;
	unsigned nunknown, unknown_next;
	uint32_t ring_msgs[UI_RATE_SECS], ring_alerts[UI_RATE_SECS];
	unsigned ring_n, ring_head; /* closed seconds */
	struct timeval first_ts;
	uint64_t msgs_base;
	uint32_t cur_alerts;
	uint64_t alerts_total, by_sev[UI_NSEV], ui_drops, seq, aseq;
	struct {
		/* the whole name: rows are found by it (custom rule names
		 * are up to RULE_NAME_MAX bytes, longer than the snapshot's) */
		char name[RULE_NAME_MAX + 1];
		/* name as an alert's rule column (uitext_copy) */
		char shown[sizeof(((struct ui_alert *)0)->rule)];
		uint64_t n;
	} rules[UI_MAX_RULES];
	unsigned nrules;
	/* A built-in rule's index in rules, plus 1 (0: not there yet): its
	 * name is fixed by its id.  Custom rules are looked up by name. */
	uint8_t rule_slot[R__COUNT];
	struct avec pend;
	struct timespec last_pub;
	int paced; /* pace_wall and pace_ts set */
	struct timespec pace_wall;
	struct timeval pace_ts;
	/* hand-over */
	pthread_mutex_t mu;
	struct ui_snap *back, *mid;
	int fresh;
	struct avec shared;
	/* UI thread */
	struct ui_tui *tui;
	pthread_t thr;
	int running;
	atomic_int ending, quit, ui_over;
};
_Static_assert(offsetof(struct dash, requests) + sizeof(uint64_t) <= 64,
    "the per-frame fields share a cache line");

static volatile sig_atomic_t hup;

static void
on_hup(int sig)
{
	(void)sig;
	hup = 1;
}

struct dash *
dash_new(const struct dash_opts *o, char *err, size_t errlen)
{
	struct dash *d;
	void *p;

	/* Line-aligned, for the per-frame fields at its start. */
	if (posix_memalign(&p, 64, sizeof(*d)) != 0)
		goto oom;
	d = memset(p, 0, sizeof(*d));
	d->o = *o;
	d->pace = !o->live && o->replay == DASH_REPLAY_SPEED;
	snprintf(d->source, sizeof(d->source), "%s", o->source ? o->source : "");
	d->o.source = d->source;
	pthread_mutex_init(&d->mu, NULL);
	d->back = calloc(1, sizeof(*d->back));
	d->mid = calloc(1, sizeof(*d->mid));
	/* Vectors: only their first n entries are ever read. */
	d->pend.a = malloc(PEND_MAX * sizeof(*d->pend.a));
	d->shared.a = malloc(ALERT_QUEUE * sizeof(*d->shared.a));
	d->gone = malloc(GONE_MAX * sizeof(*d->gone));
	d->gone_spare = malloc(GONE_MAX * sizeof(*d->gone_spare));
	if (d->back == NULL || d->mid == NULL || d->pend.a == NULL || d->shared.a == NULL ||
	    d->gone == NULL || d->gone_spare == NULL ||
	    ui_topn_init(&d->top_src, TOPN_COUNTERS) != 0 ||
	    ui_topn_init(&d->top_from, TOPN_COUNTERS) != 0 ||
	    ui_topn_init(&d->top_ruri, TOPN_COUNTERS) != 0) {
		dash_free(d);
		goto oom;
	}
	return d;
oom:
	snprintf(err, errlen, "dashboard: out of memory");
	return NULL;
}

void
dash_attach(struct dash *d, const struct stats *st, struct rule_engine *eng,
    struct sink *const *sinks, int nsinks, pcap_t *const *live, int nlive)
{
	d->st = st;
	d->eng = eng;
	d->sinks = sinks;
	d->nsinks = nsinks;
	d->live = live;
	d->nlive = nlive;
}

/* ------------------------------------------------------------ UI side */

static int
feed_take(void *ud, struct ui_snap **snap, struct ui_list *list)
{
	struct dash *d = ud;
	int took = 0;
	struct ui_alert *got[ALERT_QUEUE];
	size_t n;

	pthread_mutex_lock(&d->mu);
	if (d->fresh) {
		struct ui_snap *t = d->mid;
		d->mid = *snap;
		*snap = t;
		d->fresh = 0;
		took = 1;
	}
	n = d->shared.n;
	memcpy(got, d->shared.a, n * sizeof(got[0]));
	d->shared.n = 0;
	pthread_mutex_unlock(&d->mu);
	for (size_t i = 0; i < n; i++)
		ui_list_push(list, got[i]);
	return took || n;
}

static void
feed_quit(void *ud)
{
	struct dash *d = ud;
	if (atomic_exchange(&d->quit, 1) == 0 && d->o.on_quit)
		d->o.on_quit(d->o.ud);
}

static int
feed_done(void *ud)
{
	struct dash *d = ud;
	if (hup) {
		/* The terminal hung up: stop as on q. */
		feed_quit(d);
		return 1;
	}
	return atomic_load(&d->ending) || (d->o.stop && *d->o.stop);
}

static void *
ui_main(void *ud)
{
	struct dash *d = ud;
	struct ui_feed f = { feed_take, feed_quit, feed_done, d };
	ui_tui_run(d->tui, &f);
	atomic_store(&d->ui_over, 1);
	return NULL;
}

int
dash_start(struct dash *d, char *err, size_t errlen)
{
	struct ui_opts uo = { d->o.ascii, d->o.live };
	struct sigaction old, sa;

	d->tui = ui_tui_open(&uo, err, errlen);
	if (d->tui == NULL)
		return -1;
	/* A hang-up must end the dashboard cleanly (outputs flushed), not
	 * kill the process; leave a handler main installed alone. */
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_DFL) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_hup;
		sigaction(SIGHUP, &sa, NULL);
	}
	/* The UI thread takes no process signals: they stay with the
	 * capture thread, whose handlers break the capture loop. */
	sigset_t all, prev;
	sigfillset(&all);
	sigdelset(&all, SIGWINCH); /* curses' resize handler may run anywhere */
	pthread_sigmask(SIG_BLOCK, &all, &prev);
	int r = pthread_create(&d->thr, NULL, ui_main, d);
	pthread_sigmask(SIG_SETMASK, &prev, NULL);
	if (r == 0)
		pthread_setname_np(d->thr, "sipwatch-ui"); /* for top -H, perf */
	if (r != 0) {
		ui_tui_free(d->tui);
		d->tui = NULL;
		snprintf(err, errlen, "dashboard: cannot start its thread");
		return -1;
	}
	d->running = 1;
	clock_gettime(CLOCK_MONOTONIC, &d->last_pub);
	return 0;
}

int
dash_quit_requested(const struct dash *d)
{
	return atomic_load(&d->quit);
}

/* ------------------------------------------------------------ capture side */

static void
close_seconds(struct dash *d, int64_t sec)
{
	uint64_t msgs = d->st ? d->st->sip_msgs : 0;
	int64_t gap = sec - d->cur_sec;
	for (int64_t i = 0; i < gap && i < UI_RATE_SECS; i++) {
		unsigned slot = (d->ring_head + d->ring_n) % UI_RATE_SECS;
		uint64_t m = i == 0 ? msgs - d->msgs_base : 0;
		d->ring_msgs[slot] = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
		d->ring_alerts[slot] = i == 0 ? d->cur_alerts : 0;
		if (d->ring_n < UI_RATE_SECS - 1)
			d->ring_n++;
		else
			d->ring_head = (d->ring_head + 1) % UI_RATE_SECS;
	}
	d->cur_sec = sec;
	d->msgs_base = msgs;
	d->cur_alerts = 0;
}

static int
should_stop(const struct dash *d)
{
	return atomic_load(&d->quit) || (d->o.stop && *d->o.stop);
}

static void publish(struct dash *d, int state);

static void
maybe_publish(struct dash *d)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long ms = (long)(now.tv_sec - d->last_pub.tv_sec) * 1000 +
	    (now.tv_nsec - d->last_pub.tv_nsec) / 1000000;
	if (ms >= PUBLISH_MS) {
		d->last_pub = now;
		publish(d, UI_ST_CAPTURING);
	}
}

/*
 * --replay=speed: sleeps until packet time ts is due in wall time.  Out of
 * line (noinline) so that dash_pace(), run for every frame, needs no stack
 * frame of its own.
 */
static __attribute__((noinline)) void
pace_wait(struct dash *d, const struct timeval *ts)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!d->paced) {
		d->paced = 1;
		d->pace_wall = now;
		d->pace_ts = *ts;
		return;
	}
	/* Packet time since the first packet, replayed in wall time. */
	double due = (double)(ts->tv_sec - d->pace_ts.tv_sec) +
	    (double)(ts->tv_usec - d->pace_ts.tv_usec) / 1e6;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		double el = (double)(now.tv_sec - d->pace_wall.tv_sec) +
		    (double)(now.tv_nsec - d->pace_wall.tv_nsec) / 1e9;
		double wait = due - el;
		if (wait <= 0 || should_stop(d))
			break;
		maybe_publish(d);
		if (wait > 0.1)
			wait = 0.1;
		struct timespec sl = { 0, (long)(wait * 1e9) };
		nanosleep(&sl, NULL);
	}
}

static void
note_ts(struct dash *d, const struct timeval *ts)
{
	if (timercmp(ts, &d->last_ts, >))
		d->last_ts = *ts;
}

/* dash_pace() for a new second of packet time, the first packet, or
 * --replay=speed. */
static __attribute__((noinline)) void
pace_slow(struct dash *d, const struct timeval *ts)
{
	if (!d->have_ts) {
		d->have_ts = 1;
		d->first_ts = *ts;
		d->cur_sec = ts->tv_sec;
		d->msgs_base = d->st ? d->st->sip_msgs : 0;
	} else if (ts->tv_sec > d->cur_sec) {
		close_seconds(d, ts->tv_sec);
	}
	note_ts(d, ts);
	if (d->pace)
		pace_wait(d, ts);
}

void
dash_pace(struct dash *d, const struct timeval *ts)
{
	if (d == NULL || ts == NULL)
		return;
	/* Every frame: the usual one is in the current second, in order, and
	 * needs no call. */
	if (ts->tv_sec > d->cur_sec || !d->have_ts || d->pace)
		pace_slow(d, ts);
	else
		note_ts(d, ts);
}

void
dash_tick(struct dash *d, const struct timeval *ts)
{
	if (d == NULL)
		return;
	if (ts != NULL && ++d->ticks % TICK_CHECK != 0)
		return;
	maybe_publish(d);
}

/*
 * A source address as a top-talker key: the IP version, then 4 or 16
 * address bytes (an IPv4 key is 5 bytes: it hashes and compares in one
 * word, and the source list is updated for every request).
 */
static size_t
src_key(uint8_t k[SRC_KEY_MAX], int ipver, const uint8_t *a)
{
	/* Constant lengths: plain moves, not a copy loop. */
	if (ipver == 6) {
		k[0] = (uint8_t)ipver;
		memcpy(k + 1, a, 16);
		return 17;
	}
	/* One 8-byte store (the version, the address, three zero bytes;
	 * little-endian, the only kind the build takes: parsers/scan.h):
	 * the hash reads the key back at once, and a read spanning two
	 * smaller pending stores would wait for them to reach the cache. */
	uint32_t a32;
	memcpy(&a32, a, sizeof(a32));
	uint64_t w = (uint64_t)(uint8_t)ipver | (uint64_t)a32 << 8;
	memcpy(k, &w, sizeof(w));
	return 5;
}

/* A request's three top-talker keys, hashed, their buckets being fetched
 * (into d->pre).  Out of line so that the other messages return at once,
 * without this one's stack frame. */
static __attribute__((noinline)) void
hash_request(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum)
{
	d->pre.src_len = src_key(d->pre.src, m->ipver, m->src);
	d->pre.h_src = ui_topn_hash(d->pre.src, d->pre.src_len);
	ui_topn_prefetch(&d->top_src, d->pre.h_src);
	d->pre.h_from = 0;
	if (sum->has_from && sum->from.uri_tok.len) {
		d->pre.h_from = ui_topn_hash(sum->from.uri_tok.p, sum->from.uri_tok.len);
		ui_topn_prefetch(&d->top_from, d->pre.h_from);
	}
	d->pre.h_ruri = 0;
	if (msg->ruri.len) {
		d->pre.h_ruri = ui_topn_hash(msg->ruri.p, msg->ruri.len);
		ui_topn_prefetch(&d->top_ruri, d->pre.h_ruri);
	}
	d->pre.on = 1;
}

void
dash_msg_begin(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum)
{
	if (d != NULL && msg->is_request)
		hash_request(d, m, msg, sum);
}

/* dash_on_msg() for a request: the adds, with what dash_msg_begin() made
 * (or made here, when it was not called). */
static __attribute__((noinline)) void
count_request(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum)
{
	if (!d->pre.on)
		hash_request(d, m, msg, sum);
	d->pre.on = 0;
	d->requests++;
	ui_topn_add_hashed(&d->top_src, d->pre.src, d->pre.src_len, d->pre.h_src);
	if (sum->has_from && sum->from.uri_tok.len)
		ui_topn_add_hashed(&d->top_from, sum->from.uri_tok.p, sum->from.uri_tok.len,
		    d->pre.h_from);
	if (msg->ruri.len)
		ui_topn_add_hashed(&d->top_ruri, msg->ruri.p, msg->ruri.len, d->pre.h_ruri);
}

void
dash_on_msg(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum)
{
	if (d != NULL && msg->is_request)
		count_request(d, m, msg, sum);
}

/* What the UI thread needs to rebuild an alert's fields for the detail
 * view: the packet's addresses and the alert's key (the SIP message itself
 * is u->raw, parsed again there).  The key is kept as the engine gave it
 * (cut to fit): detail_text() makes it printable like every field. */
struct alert_ctx {
	struct rule_pkt pkt;
	int has_pkt;
	int rule_id;
	char key[128];
	int has_key;
};

/* UI thread: every field, then the SIP message, as the detail view shows
 * them.  The message is parsed again from the copy so that the capture
 * thread only ever copies bytes. */
static char *
detail_text(const struct ui_alert *u)
{
	const struct alert_ctx *c = u->priv;
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg msg;
	struct sip_summary sum;
	struct rule_alert al;
	struct alert_fields af;
	struct obuf b;

	memset(&al, 0, sizeof(al));
	al.ts = u->ts;
	al.rule = u->rule;
	al.rule_id = c ? c->rule_id : -1;
	al.severity = u->sev;
	al.message = u->message;
	al.count = u->count;
	al.key = c && c->has_key ? c->key : NULL;
	al.pkt = c && c->has_pkt ? &c->pkt : NULL;
	if (u->raw && sip_parse((const char *)u->raw, u->raw_len, &msg, hdrs,
	    SIP_MAX_HEADERS, NULL, 0) > 0) {
		sip_summarize(&msg, &sum);
		al.msg = &msg;
		al.sum = &sum;
	}
	alert_fields(&af, &al);
	obuf_init(&b);
	for (size_t i = 0; i < af.n; i++) {
		const struct alert_field *f = &af.f[i];
		char v[1024];
		if (f->is_num) {
			obuf_printf(&b, "%-11s %llu\n", f->name, (unsigned long long)f->num);
		} else {
			uitext_copy(v, sizeof(v), f->s, f->len);
			obuf_printf(&b, "%-11s %s\n", f->name, v);
		}
	}
	obuf_putc(&b, '\0');
	if (b.oom) {
		obuf_free(&b);
		return NULL;
	}
	struct ui_alert tmp = *u;
	tmp.detail = b.p;
	tmp.detail_len = b.len - 1;
	tmp.fmt = NULL;
	char *d = ui_alert_detail(&tmp);
	obuf_free(&b);
	return d;
}

/*
 * Capture thread, once per alert: plain copies only (list columns, the
 * packet's addresses, the key, the message bytes), into one allocation.
 * Formatting every field and escaping the message wait for the detail
 * view, on the UI thread.
 */
struct alert_rec {
	/* in the pool; first, on the line make_alert() writes first */
	struct alert_rec *next;
	unsigned cls; /* room for (cls + 1) * REC_GRAIN bytes */
	struct ui_alert u;
	struct alert_ctx c;
	uint8_t raw[]; /* u.raw_len bytes of the message */
};

static unsigned
rec_class(size_t n)
{
	return n ? (unsigned)((n - 1) / REC_GRAIN) : 0;
}

/* Capture thread: a record with room for n <= UI_MSG_MAX bytes. */
static struct alert_rec *
rec_get(struct dash *d, size_t n)
{
	unsigned cls = rec_class(n);
	uint32_t fit = d->pooled >> cls;
	struct alert_rec *r;

	if (fit != 0) {
		unsigned c = cls + (unsigned)__builtin_ctz(fit);
		r = d->pool[c];
		d->pool[c] = r->next;
		/* A pooled record is cold: fetch the next one's link now, or
		 * the next pop waits for memory. */
		if (d->pool[c] != NULL)
			__builtin_prefetch(d->pool[c], 1);
		else
			d->pooled &= ~(UINT32_C(1) << c);
		d->npool--;
		return r;
	}
	r = malloc(sizeof(*r) + (size_t)(cls + 1) * REC_GRAIN);
	if (r != NULL)
		r->cls = cls;
	return r;
}

static struct alert_rec *
rec_of(struct ui_alert *u)
{
	return (struct alert_rec *)(void *)((char *)u - offsetof(struct alert_rec, u));
}

/* Capture thread: keeps a record no longer in use, or frees it. */
static void
rec_put(struct dash *d, struct alert_rec *r)
{
	if (d->npool >= POOL_MAX) {
		free(r);
		return;
	}
	r->next = d->pool[r->cls];
	d->pool[r->cls] = r;
	d->pooled |= UINT32_C(1) << r->cls;
	d->npool++;
}

/*
 * Any thread, for ui_alert_free(): alerts the UI is done with wait here
 * for the capture thread, which allocated them, to take them back at its
 * next publish (free_gone).  Should the capture thread fall that far
 * behind, the alert is freed at once.
 */
static void
recycle(struct ui_alert *u, void *ud)
{
	struct dash *d = ud;
	pthread_mutex_lock(&d->mu);
	if (d->ngone < GONE_MAX) {
		d->gone[d->ngone++] = u;
		u = NULL;
	}
	pthread_mutex_unlock(&d->mu);
	if (u != NULL)
		free(rec_of(u));
}

/* Capture thread: takes back the alerts the UI gave back. */
static void
free_gone(struct dash *d)
{
	struct ui_alert **g;
	size_t n;

	pthread_mutex_lock(&d->mu);
	g = d->gone;
	n = d->ngone;
	d->gone = d->gone_spare;
	d->gone_spare = g;
	d->ngone = 0;
	pthread_mutex_unlock(&d->mu);
	/* The records are cold (the UI had them last): ask for a few ahead
	 * so that their misses overlap. */
	for (size_t i = 0; i < n; i++) {
		if (i + 8 < n)
			__builtin_prefetch(rec_of(g[i + 8]), 1);
		rec_put(d, rec_of(g[i]));
	}
}

/* row: the alert's row in the counts by rule (rule_row()). */
static struct ui_alert *
make_alert(struct dash *d, const struct rule_alert *a, unsigned row)
{
	size_t n = a->msg ? a->msg->raw.len : 0;
	if (n > UI_MSG_MAX)
		n = UI_MSG_MAX;
	struct alert_rec *r = rec_get(d, n);
	if (r == NULL)
		return NULL;
	struct ui_alert *u = &r->u;
	struct alert_ctx *c = &r->c;

	u->seq = ++d->aseq;
	u->ts = a->ts;
	u->sev = a->severity;
	u->count = a->count;
	/* A row holds a name equal to the alert's as far as the column
	 * goes (rule_row()), already made printable. */
	if (row < d->nrules)
		memcpy(u->rule, d->rules[row].shown, sizeof(u->rule));
	else
		uitext_copy(u->rule, sizeof(u->rule), a->rule, strlen(a->rule));
	uitext_copy(u->message, sizeof(u->message), a->message, a->message ? strlen(a->message) : 0);
	c->rule_id = a->rule_id;
	c->has_pkt = a->pkt != NULL;
	if (a->pkt) {
		c->pkt = *a->pkt;
		c->pkt.raw = NULL; /* the frame is gone after this call */
		uitext_addr(u->src, sizeof(u->src), a->pkt->ipver, a->pkt->src);
	} else {
		/* End-of-input alerts have no packet: their key (what was
		 * counted, usually the source) stands in. */
		uitext_copy(u->src, sizeof(u->src), a->key ? a->key : "-",
		    strlen(a->key ? a->key : "-"));
	}
	c->has_key = a->key != NULL;
	if (a->key) {
		size_t kn = strlen(a->key);
		if (kn >= sizeof(c->key))
			kn = sizeof(c->key) - 1;
		memcpy(c->key, a->key, kn);
		c->key[kn] = '\0';
	}
	u->from[0] = u->ruri[0] = '\0';
	if (a->sum && a->sum->has_from)
		uitext_copy(u->from, sizeof(u->from), a->sum->from.uri_tok.p, a->sum->from.uri_tok.len);
	if (a->msg && a->msg->is_request)
		uitext_copy(u->ruri, sizeof(u->ruri), a->msg->ruri.p, a->msg->ruri.len);
	u->detail = NULL;
	u->detail_len = 0;
	u->raw = NULL;
	u->raw_len = u->raw_total = 0;
	if (n > 0) {
		u->raw = r->raw;
		u->raw_len = n;
		u->raw_total = a->msg->raw.len;
		memcpy(r->raw, a->msg->raw.p, n);
	}
	u->fmt = detail_text;
	u->priv = c;
	u->one_block = 1;
	u->recycle = recycle;
	u->recycle_ud = d;
	return u;
}

/* The alert's row in the counts by rule, or UI_MAX_RULES when they are
 * full.  Built-in rules by id; the name loop once per built-in rule and
 * for custom rules. */
static unsigned
rule_row(struct dash *d, const struct rule_alert *a)
{
	int builtin = a->rule_id >= 0 && a->rule_id < R__COUNT;
	unsigned i;

	if (builtin && d->rule_slot[a->rule_id] != 0)
		return d->rule_slot[a->rule_id] - 1u;
	for (i = 0; i < d->nrules; i++)
		if (strcmp(d->rules[i].name, a->rule) == 0)
			break;
	if (i == d->nrules) {
		if (d->nrules == UI_MAX_RULES)
			return UI_MAX_RULES;
		snprintf(d->rules[i].name, sizeof(d->rules[i].name), "%s", a->rule);
		uitext_copy(d->rules[i].shown, sizeof(d->rules[i].shown), a->rule, strlen(a->rule));
		d->nrules++;
	}
	if (builtin)
		d->rule_slot[a->rule_id] = (uint8_t)(i + 1);
	return i;
}

void
dash_on_alert(struct dash *d, const struct rule_alert *a)
{
	if (d == NULL)
		return;
	d->alerts_total++;
	d->cur_alerts++;
	if (a->severity >= 0 && a->severity < UI_NSEV)
		d->by_sev[a->severity]++;
	unsigned i = rule_row(d, a);
	if (i < d->nrules)
		d->rules[i].n++;
	if (a->rule_id == R_UNKNOWN_SOURCE && a->pkt) {
		uint8_t *k = d->unknown[d->unknown_next];
		memset(k, 0, SRC_KEY_MAX);
		src_key(k, a->pkt->ipver, a->pkt->src);
		d->unknown_next = (d->unknown_next + 1) % UNKNOWN_SET;
		if (d->nunknown < UNKNOWN_SET)
			d->nunknown++;
	}
	if (!d->running)
		return;
	struct ui_alert *u = d->pend.n < PEND_MAX ? make_alert(d, a, i) : NULL;
	if (u == NULL) {
		d->ui_drops++;
		return;
	}
	d->pend.a[d->pend.n++] = u;
}

static void
fill_top(struct dash *d, const struct ui_topn *t, struct ui_top_list *out, int addr)
{
	const struct ui_topn_entry *e[UI_TOP_N];
	out->n = ui_topn_top(t, e, UI_TOP_N);
	for (unsigned i = 0; i < out->n; i++) {
		struct ui_top_row *r = &out->row[i];
		r->n = e[i]->n;
		r->err = e[i]->err;
		r->marked = 0;
		if (addr && (e[i]->len == 5 || e[i]->len == 17)) {
			uitext_addr(r->key, sizeof(r->key), e[i]->key[0], e[i]->key + 1);
			for (unsigned k = 0; k < d->nunknown; k++)
				if (memcmp(d->unknown[k], e[i]->key, e[i]->len) == 0) {
					r->marked = 1;
					break;
				}
		} else {
			uitext_copy(r->key, sizeof(r->key), (const char *)e[i]->key, e[i]->len);
		}
	}
}

static void
publish(struct dash *d, int state)
{
	struct ui_snap *s = d->back;

	s->seq = ++d->seq;
	s->live = d->o.live;
	snprintf(s->source, sizeof(s->source), "%s", d->source);
	s->state = state;
	s->have_ts = d->have_ts;
	s->first_ts = d->first_ts;
	s->last_ts = d->last_ts;
	s->requests = d->requests;
	s->packets = s->sip_msgs = s->budget_events = s->kernel_drops = 0;
	if (d->st) {
		s->packets = d->st->packets;
		s->sip_msgs = d->st->sip_msgs;
		s->budget_events = d->st->events[STATS_E_BUFFER_BUDGET];
		s->kernel_drops = d->st->cap_drop + d->st->cap_ifdrop;
	}
	if (d->nlive > 0) {
		s->kernel_drops = 0;
		for (int i = 0; i < d->nlive; i++) {
			struct pcap_stat ps;
			if (pcap_stats(d->live[i], &ps) == 0)
				s->kernel_drops += (uint64_t)ps.ps_drop + ps.ps_ifdrop;
		}
	}
	s->output_drops = 0;
	for (int i = 0; i < d->nsinks; i++) {
		struct sink_report rep;
		sink_report(d->sinks[i], &rep);
		s->output_drops += rep.dropped;
	}
	s->ui_drops = d->ui_drops;
	s->tls_flows = s->cleartext_msgs = s->held_back = 0;
	if (d->eng) {
		const struct rule_stats *rs = rule_engine_stats(d->eng);
		s->tls_flows = rs->tls_flows;
		s->cleartext_msgs = rs->cleartext_msgs;
		s->held_back = rs->rate_limited;
	}
	/* Closed seconds, then the current one. */
	s->rate_n = 0;
	for (unsigned i = 0; i < d->ring_n; i++) {
		unsigned k = (d->ring_head + i) % UI_RATE_SECS;
		s->rate_msgs[s->rate_n] = d->ring_msgs[k];
		s->rate_alerts[s->rate_n++] = d->ring_alerts[k];
	}
	if (d->have_ts) {
		uint64_t m = (d->st ? d->st->sip_msgs : 0) - d->msgs_base;
		s->rate_msgs[s->rate_n] = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
		s->rate_alerts[s->rate_n++] = d->cur_alerts;
	}
	s->msg_rate = d->ring_n ? s->rate_msgs[d->ring_n - 1] :
	    s->rate_n ? s->rate_msgs[0] : 0;
	s->alerts_total = d->alerts_total;
	memcpy(s->by_sev, d->by_sev, sizeof(s->by_sev));
	s->nrules = d->nrules;
	for (unsigned i = 0; i < d->nrules; i++) {
		/* the name as cut for the column (rule names are printable) */
		memcpy(s->rules[i].name, d->rules[i].shown, sizeof(s->rules[i].name));
		s->rules[i].n = d->rules[i].n;
		s->rules[i].sev = -1;
	}
	/* Most alerts first. */
	for (unsigned i = 1; i < s->nrules; i++)
		for (unsigned j = i; j > 0 && s->rules[j].n > s->rules[j - 1].n; j--) {
			__typeof__(s->rules[0]) t = s->rules[j];
			s->rules[j] = s->rules[j - 1];
			s->rules[j - 1] = t;
		}
	fill_top(d, &d->top_src, &s->top_src, 1);
	fill_top(d, &d->top_from, &s->top_from, 0);
	fill_top(d, &d->top_ruri, &s->top_ruri, 0);

	free_gone(d);
	pthread_mutex_lock(&d->mu);
	d->back = d->mid;
	d->mid = s;
	d->fresh = 1;
	size_t room = ALERT_QUEUE - d->shared.n, n = d->pend.n < room ? d->pend.n : room;
	memcpy(d->shared.a + d->shared.n, d->pend.a, n * sizeof(d->pend.a[0]));
	d->shared.n += n;
	pthread_mutex_unlock(&d->mu);
	for (size_t i = n; i < d->pend.n; i++) {
		rec_put(d, rec_of(d->pend.a[i])); /* never given to the UI */
		d->ui_drops++;
	}
	d->pend.n = 0;
}

void
dash_finish(struct dash *d)
{
	if (d == NULL)
		return;
	publish(d, UI_ST_FINISHED);
	if (!d->running)
		return;
	/* A file stays on screen until the user leaves; a live capture ended
	 * by q or a signal, so the dashboard goes. */
	if (d->o.live || should_stop(d))
		atomic_store(&d->ending, 1);
	pthread_join(d->thr, NULL);
	d->running = 0;
}

void
dash_free(struct dash *d)
{
	if (d == NULL)
		return;
	if (d->running) {
		atomic_store(&d->ending, 1);
		pthread_join(d->thr, NULL);
		d->running = 0;
	}
	ui_tui_free(d->tui);
	for (size_t i = 0; d->pend.a && i < d->pend.n; i++)
		ui_alert_free(d->pend.a[i]);
	for (size_t i = 0; d->shared.a && i < d->shared.n; i++)
		ui_alert_free(d->shared.a[i]);
	if (d->gone && d->gone_spare)
		free_gone(d);
	free(d->gone);
	free(d->gone_spare);
	for (unsigned c = 0; c < REC_CLASSES; c++)
		while (d->pool[c] != NULL) {
			struct alert_rec *r = d->pool[c];
			d->pool[c] = r->next;
			free(r);
		}
	free(d->pend.a);
	free(d->shared.a);
	free(d->back);
	free(d->mid);
	ui_topn_free(&d->top_src);
	ui_topn_free(&d->top_from);
	ui_topn_free(&d->top_ruri);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
