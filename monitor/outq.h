/*
 * outq.h - a bounded queue with its own writer thread, one per alert
 * output.  The capture thread formats a record and pushes it.  Live, it
 * never waits: a full queue (records or bytes) drops the record and counts
 * it.  Reading a capture file, nothing forces a drop, so the queue may be
 * told to wait for room (outq_set_wait).
 * The writer thread hands records to a deliver function in order.
 *
 * Also a small growable byte buffer (obuf) the formatters share.
 */
#ifndef SIPWATCH_OUTQ_H
#define SIPWATCH_OUTQ_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

/* ------------------------------------------------------------ obuf */

struct obuf {
	char *p;
	size_t len, cap;
	int oom; /* an allocation failed: contents truncated */
};

void obuf_init(struct obuf *b);
void obuf_free(struct obuf *b);
/* Makes room for n more bytes; -1 (and oom set) when it cannot.  The slow
 * path of the inline writers below. */
int obuf_grow(struct obuf *b, size_t n);

static inline void
obuf_put(struct obuf *b, const void *s, size_t n)
{
	if (n == 0 || b->oom || (n > b->cap - b->len && obuf_grow(b, n) != 0))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
obuf_putc(struct obuf *b, char c)
{
	if (b->oom || (b->cap == b->len && obuf_grow(b, 1) != 0))
		return;
	b->p[b->len++] = c;
}
/* v in decimal (as json_fmt_u64() writes it), without stdio. */
void obuf_u64(struct obuf *b, uint64_t v);
/* Puts s[0, n) at offset at (<= len), moving what follows up. */
void obuf_insert(struct obuf *b, size_t at, const void *s, size_t n);
__attribute__((format(printf, 2, 3))) void obuf_printf(struct obuf *b, const char *fmt, ...);

/* ------------------------------------------------------------ queue */

#define OUTQ_DEF_RECORDS 10000
#define OUTQ_DEF_BYTES (16u << 20)
#define OUTQ_OP_TIMEOUT_MS 1000 /* longest one deliver call may wait */

/* What deliver returns. */
enum {
	OUTQ_SENT,   /* delivered */
	OUTQ_FAILED, /* cannot be delivered: dropped, counted as an error */
	OUTQ_RETRY,  /* keep it first in line; call again after *retry_ms */
};

struct outq;

/*
 * Runs on the writer thread.  Must return by deadline (CLOCK_MONOTONIC):
 * at most OUTQ_OP_TIMEOUT_MS from now, earlier while the queue is
 * closing.
 */
typedef int (*outq_deliver_fn)(void *ud, struct outq *q, const uint8_t *rec,
    size_t len, const struct timespec *deadline, unsigned *retry_ms);
/* Runs on the writer thread once, after the last record (may be NULL). */
typedef void (*outq_finish_fn)(void *ud);
/*
 * Runs on the writer thread each time it has delivered every record
 * queued, before it sleeps, and once more before finish: where a deliver
 * function that buffers (a file) flushes.
 */
typedef void (*outq_idle_fn)(void *ud, struct outq *q);

struct outq_stats {
	uint64_t sent, dropped, errors, reconnects;
	uint64_t queued, peak; /* records now waiting, most ever waiting */
};

/*
 * Starts the writer thread.  max_records and max_bytes bound what waits.
 * Returns NULL with a message in err.
 */
struct outq *outq_new(size_t max_records, size_t max_bytes, outq_deliver_fn deliver,
    outq_finish_fn finish, void *ud, char *err, size_t errlen);
/* Sets the idle function (may be NULL); before the first push. */
void outq_set_idle(struct outq *q, outq_idle_fn idle);
/*
 * Records are delivered in batches: an idle writer, woken by a record,
 * lets up to OUTQ_BATCH records (or half the byte bound) gather for at
 * most OUTQ_GATHER_MS before it delivers them, so that a burst of alerts costs one wake-up of the writer
 * (and one flush of a file) per batch, not per alert.
 */
#define OUTQ_BATCH 64
#define OUTQ_GATHER_MS 10
/* Copies the record in.  0 queued; -1 dropped (full or out of memory). */
int outq_push(struct outq *q, const void *rec, size_t len);
/*
 * From now on a push into a full queue waits up to ms for the writer to
 * make room before it drops (0, the default: never waits).  A wait that
 * times out marks the writer stuck: later pushes drop at once until it
 * delivers a record again, so a dead receiver costs one wait, not one per
 * record.
 */
void outq_set_wait(struct outq *q, unsigned ms);
/* Counts a record that could not even be formatted as dropped. */
void outq_drop(struct outq *q);
/* Writer side: count an error (a failed connect or send) or a reconnection. */
void outq_note_error(struct outq *q);
void outq_note_reconnect(struct outq *q);
/* Writer side: n records counted as sent were lost after all (a buffered
 * write failed later): they count as dropped instead. */
void outq_note_lost(struct outq *q, uint64_t n);
/*
 * Tells the writer to deliver what is queued and stop by deadline
 * (CLOCK_MONOTONIC); returns at once.
 */
void outq_shutdown(struct outq *q, const struct timespec *deadline);
/*
 * Waits for the writer until the deadline given to outq_shutdown (plus
 * 100 ms); records still queued are counted as dropped.  Returns 0 when
 * the writer ended (the queue is freed), -1 when it was stuck in a
 * deliver call (the thread is abandoned and the queue leaked: this is
 * the exit path).  Calls outq_shutdown first if it was not called.
 * final, if not NULL, receives the last counters.
 */
int outq_close(struct outq *q, struct outq_stats *final);
/* Counters now (thread-safe). */
void outq_stats(struct outq *q, struct outq_stats *st);

/* Monotonic time helpers. */
void outq_now(struct timespec *t);
void outq_add_ms(struct timespec *t, long ms);
/* Milliseconds from now until t (negative when past). */
long outq_ms_until(const struct timespec *t);

#endif
