/*
 * outq.c - see outq.h.  One mutex and one condition variable per queue;
 * the capture thread holds the mutex only to link a record in.
 */
#include "monitor/outq.h"
#include "monitor/json.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ obuf */

void
obuf_init(struct obuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
obuf_free(struct obuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int
obuf_grow(struct obuf *b, size_t n)
{
	if (b->oom)
		return -1;
	if (n <= b->cap - b->len)
		return 0;
	size_t nc = b->cap ? b->cap : 512;
	while (nc - b->len < n) {
		if (nc > SIZE_MAX / 2) {
			b->oom = 1;
			return -1;
		}
		nc *= 2;
	}
	char *np = realloc(b->p, nc);
	if (np == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = np;
	b->cap = nc;
	return 0;
}

void
obuf_u64(struct obuf *b, uint64_t v)
{
	char t[JSON_U64_MAX];
	obuf_put(b, t, json_fmt_u64(t, v));
}

void
obuf_insert(struct obuf *b, size_t at, const void *s, size_t n)
{
	if (at > b->len || n == 0 || b->oom ||
	    (n > b->cap - b->len && obuf_grow(b, n) != 0))
		return;
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, s, n);
	b->len += n;
}

void
obuf_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];

	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		obuf_put(b, tmp, (size_t)n);
		return;
	}
	if (obuf_grow(b, (size_t)n + 1) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ------------------------------------------------------------ time */

void
outq_now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

void
outq_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

long
outq_ms_until(const struct timespec *t)
{
	struct timespec n;
	outq_now(&n);
	return (long)(t->tv_sec - n.tv_sec) * 1000 + (t->tv_nsec - n.tv_nsec) / 1000000L;
}

static int
ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* ------------------------------------------------------------ queue */

struct rec {
	struct rec *next;
	size_t len;
	uint8_t data[];
};

struct outq {
	pthread_mutex_t mu;
	pthread_cond_t cv;    /* records arrived, or closing */
	pthread_cond_t done_cv;
	pthread_cond_t room_cv; /* a record left the queue, or closing */
	pthread_t th;
	struct rec *head, *tail;
	size_t nrec, nbytes, max_rec, max_bytes;
	int closing, done;
	unsigned wait_ms;     /* outq_set_wait */
	int stalled;          /* a wait for room timed out; cleared when the
	                         writer delivers again */
	struct timespec deadline; /* valid when closing */
	outq_deliver_fn deliver;
	outq_finish_fn finish;
	outq_idle_fn idle;
	void *ud;
	int waiting;          /* the writer sleeps on an empty queue */
	int gathering;        /* the writer lets a batch gather */
	struct outq_stats st;
};

/* Called with q->mu held: 1 when what is queued makes a batch worth
 * delivering: OUTQ_BATCH records (fewer when the queue holds fewer), or
 * half the byte bound, so that a gathering writer does not let the queue
 * fill and a push drop (for records of up to half the bound: a larger one
 * may find the other half taken). */
static int
batch_ready(const struct outq *q)
{
	size_t n = q->max_rec < OUTQ_BATCH ? q->max_rec : OUTQ_BATCH;
	return q->nrec >= n || q->nbytes >= q->max_bytes / 2;
}

/* Called with q->mu held: runs the idle function without the lock. */
static void
run_idle(struct outq *q)
{
	if (q->idle == NULL)
		return;
	pthread_mutex_unlock(&q->mu);
	q->idle(q->ud, q);
	pthread_mutex_lock(&q->mu);
}

static void *
writer(void *arg)
{
	struct outq *q = arg;
	struct timespec now, dl, wake;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (q->head == NULL && !q->closing) {
			run_idle(q);
			int slept = 0;
			while (q->head == NULL && !q->closing) {
				q->waiting = 1;
				pthread_cond_wait(&q->cv, &q->mu);
				q->waiting = 0;
				slept = 1;
			}
			if (slept && !q->closing && !batch_ready(q)) {
				/* Woken by the first record of what may be a
				 * burst: let it gather (see outq.h). */
				struct timespec until;
				outq_now(&until);
				outq_add_ms(&until, OUTQ_GATHER_MS);
				q->gathering = 1;
				while (!q->closing && !batch_ready(q))
					if (pthread_cond_timedwait(&q->cv, &q->mu,
					    &until) == ETIMEDOUT)
						break;
				q->gathering = 0;
			}
		}
		if (q->head == NULL)
			break;
		outq_now(&now);
		if (q->closing && !ts_before(&now, &q->deadline))
			break;
		struct rec *r = q->head;
		dl = now;
		outq_add_ms(&dl, OUTQ_OP_TIMEOUT_MS);
		if (q->closing && ts_before(&q->deadline, &dl))
			dl = q->deadline;
		pthread_mutex_unlock(&q->mu);

		unsigned retry_ms = 100;
		int rc = q->deliver(q->ud, q, r->data, r->len, &dl, &retry_ms);

		pthread_mutex_lock(&q->mu);
		if (rc == OUTQ_RETRY) {
			/* Sleep, but no longer than a shutdown's deadline; the
			 * loop's top gives up once it has passed. */
			outq_now(&wake);
			outq_add_ms(&wake, (long)retry_ms);
			for (;;) {
				if (q->closing && ts_before(&q->deadline, &wake))
					wake = q->deadline;
				outq_now(&now);
				if (!ts_before(&now, &wake))
					break;
				pthread_cond_timedwait(&q->cv, &q->mu, &wake);
			}
			continue;
		}
		q->head = r->next;
		if (q->head == NULL)
			q->tail = NULL;
		q->nrec--;
		q->nbytes -= r->len;
		pthread_cond_broadcast(&q->room_cv);
		if (rc == OUTQ_SENT) {
			q->st.sent++;
			q->stalled = 0;
		} else {
			q->st.dropped++;
			q->st.errors++;
		}
		free(r);
	}
	/* Whatever is left could not be delivered in time. */
	while (q->head) {
		struct rec *r = q->head;
		q->head = r->next;
		q->st.dropped++;
		free(r);
	}
	q->tail = NULL;
	q->nrec = q->nbytes = 0;
	run_idle(q);
	pthread_mutex_unlock(&q->mu);
	if (q->finish)
		q->finish(q->ud);
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->done_cv);
	pthread_cond_broadcast(&q->room_cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct outq *
outq_new(size_t max_records, size_t max_bytes, outq_deliver_fn deliver,
    outq_finish_fn finish, void *ud, char *err, size_t errlen)
{
	struct outq *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;
	sigset_t all, old;

	if (q == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	q->max_rec = max_records ? max_records : OUTQ_DEF_RECORDS;
	q->max_bytes = max_bytes ? max_bytes : OUTQ_DEF_BYTES;
	q->deliver = deliver;
	q->finish = finish;
	q->ud = ud;
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_cond_init(&q->done_cv, &ca);
	pthread_cond_init(&q->room_cv, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals (SIGINT, SIGTERM) are for the capture thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&q->th, NULL, writer, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0) {
		pthread_setname_np(q->th, "sipwatch-out"); /* for top -H, perf */
	} else {
		snprintf(err, errlen, "cannot start a writer thread: %s", strerror(r));
		pthread_cond_destroy(&q->cv);
		pthread_cond_destroy(&q->done_cv);
		pthread_cond_destroy(&q->room_cv);
		pthread_mutex_destroy(&q->mu);
		free(q);
		return NULL;
	}
	return q;
}

/* Called with q->mu held: room for a record of len bytes. */
static int
has_room(const struct outq *q, size_t len)
{
	return q->nrec < q->max_rec && len <= q->max_bytes - q->nbytes;
}

/*
 * Called with q->mu held.  A waiting queue blocks while it is full, for
 * at most wait_ms per record; once a wait times out (the writer is stuck,
 * e.g. a receiver is down and it is backing off) the queue drops again
 * without waiting until the writer delivers a record.
 */
static int
wait_room(struct outq *q, size_t len)
{
	if (has_room(q, len) || q->wait_ms == 0 || q->stalled || q->closing ||
	    len > q->max_bytes)
		return has_room(q, len);
	struct timespec dl;
	outq_now(&dl);
	outq_add_ms(&dl, (long)q->wait_ms);
	while (!has_room(q, len) && !q->closing && !q->done) {
		if (pthread_cond_timedwait(&q->room_cv, &q->mu, &dl) == ETIMEDOUT) {
			q->stalled = !has_room(q, len);
			break;
		}
	}
	return has_room(q, len);
}

int
outq_push(struct outq *q, const void *data, size_t len)
{
	pthread_mutex_lock(&q->mu);
	if (q->closing || !wait_room(q, len)) {
		q->st.dropped++;
		pthread_mutex_unlock(&q->mu);
		return -1;
	}
	pthread_mutex_unlock(&q->mu);
	/* Allocate outside the lock: the writer may be waiting for it. */
	struct rec *r = malloc(sizeof(*r) + len);
	pthread_mutex_lock(&q->mu);
	if (r == NULL || q->closing || !wait_room(q, len)) {
		q->st.dropped++;
		pthread_mutex_unlock(&q->mu);
		free(r);
		return -1;
	}
	r->next = NULL;
	r->len = len;
	memcpy(r->data, data, len);
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->nrec++;
	q->nbytes += len;
	if (q->nrec > q->st.peak)
		q->st.peak = q->nrec;
	/* Wake the writer only when it sleeps, or when the batch it lets
	 * gather is complete: not for every record. */
	if (q->waiting || (q->gathering && batch_ready(q)))
		pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

void
outq_set_idle(struct outq *q, outq_idle_fn idle)
{
	pthread_mutex_lock(&q->mu);
	q->idle = idle;
	pthread_mutex_unlock(&q->mu);
}

void
outq_note_lost(struct outq *q, uint64_t n)
{
	pthread_mutex_lock(&q->mu);
	if (n > q->st.sent)
		n = q->st.sent;
	q->st.sent -= n;
	q->st.dropped += n;
	pthread_mutex_unlock(&q->mu);
}

void
outq_set_wait(struct outq *q, unsigned ms)
{
	pthread_mutex_lock(&q->mu);
	q->wait_ms = ms;
	pthread_mutex_unlock(&q->mu);
}

void
outq_drop(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	q->st.dropped++;
	pthread_mutex_unlock(&q->mu);
}

void
outq_note_error(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	q->st.errors++;
	pthread_mutex_unlock(&q->mu);
}

void
outq_note_reconnect(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	q->st.reconnects++;
	pthread_mutex_unlock(&q->mu);
}

void
outq_shutdown(struct outq *q, const struct timespec *deadline)
{
	pthread_mutex_lock(&q->mu);
	if (!q->closing) {
		q->closing = 1;
		q->deadline = *deadline;
		pthread_cond_broadcast(&q->cv);
		pthread_cond_broadcast(&q->room_cv);
	}
	pthread_mutex_unlock(&q->mu);
}

void
outq_stats(struct outq *q, struct outq_stats *st)
{
	pthread_mutex_lock(&q->mu);
	*st = q->st;
	st->queued = q->nrec;
	pthread_mutex_unlock(&q->mu);
}

int
outq_close(struct outq *q, struct outq_stats *final)
{
	struct timespec dl;

	outq_now(&dl);
	outq_add_ms(&dl, 2000);
	outq_shutdown(q, &dl);
	pthread_mutex_lock(&q->mu);
	dl = q->deadline;
	outq_add_ms(&dl, 100);
	while (!q->done)
		if (pthread_cond_timedwait(&q->done_cv, &q->mu, &dl) == ETIMEDOUT)
			break;
	int done = q->done;
	if (final) {
		*final = q->st;
		/* A stuck writer still holds records: they will not go out. */
		final->dropped += q->nrec;
		final->queued = q->nrec;
	}
	pthread_mutex_unlock(&q->mu);
	if (!done) {
		pthread_detach(q->th);
		return -1;
	}
	pthread_join(q->th, NULL);
	pthread_cond_destroy(&q->cv);
	pthread_cond_destroy(&q->done_cv);
	pthread_cond_destroy(&q->room_cv);
	pthread_mutex_destroy(&q->mu);
	free(q);
	return 0;
}
