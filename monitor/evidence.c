/*
 * evidence.c - the "-o pcap:PATH" sink: the frames behind alerts, written
 * with pcap_dump() in the link type they were captured with.  A frame is
 * written once however many alerts point at it.  Size-based rotation:
 * PATH is the newest file; before it would grow past size it becomes
 * PATH.1, PATH.1 becomes PATH.2 ... and files beyond "files" are deleted.
 * A change of link type (several -r inputs) also starts a new file.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/alerts.h"

#define EVIDENCE_SNAPLEN 262144

/* The record handed to the writer thread: this header, then the bytes. */
struct evhdr {
	int32_t dlt;
	uint32_t caplen, len;
	int64_t sec, usec;
};

struct evidence {
	FILE *first;          /* PATH opened at start (errors show early) */
	pcap_t *dead;
	pcap_dumper_t *pd;
	int dlt;
	uint64_t size;        /* bytes in the current file */
	int err;              /* reported once */
	uint64_t last_frame;  /* capture thread: newest frame queued */
	atomic_int restart;   /* sink_reopen: start a new file */
};

static int
ev_open(struct sink *s, char *err, size_t errlen)
{
	struct evidence *ev = calloc(1, sizeof(*ev));
	if (ev == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((ev->first = fopen(s->spec.target, "wb")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", s->spec.target, strerror(errno));
		free(ev);
		return -1;
	}
	ev->dlt = -1;
	s->priv = ev;
	return 0;
}

static int
ev_format(struct sink *s, const struct rule_alert *a, struct obuf *b)
{
	struct evidence *ev = s->priv;
	const struct rule_pkt *p = a->pkt;

	if (p == NULL || p->raw == NULL)
		return 1;
	/* Frame numbers grow in capture order: several alerts raised by one
	 * frame come one after another. */
	if (ev->last_frame && p->frame <= ev->last_frame)
		return 1;
	ev->last_frame = p->frame;
	struct evhdr h = { p->raw_dlt, p->raw_caplen, p->raw_len, p->ts.tv_sec, p->ts.tv_usec };
	obuf_put(b, &h, sizeof(h));
	obuf_put(b, p->raw, p->raw_caplen);
	return 0;
}

static void
ev_fail(struct sink *s, struct evidence *ev, const char *what, const char *msg)
{
	if (!ev->err)
		fprintf(stderr, "sipwatch: pcap output %s: %s: %s\n", s->spec.target, what, msg);
	ev->err = 1;
}

static void
ev_close_file(struct evidence *ev)
{
	if (ev->pd)
		pcap_dump_close(ev->pd);
	ev->pd = NULL;
	if (ev->dead)
		pcap_close(ev->dead);
	ev->dead = NULL;
}

/* Shifts PATH.(i-1) to PATH.i, the oldest falling off. */
static void
ev_rotate(struct sink *s)
{
	char from[SINK_MAX_TARGET + 16], to[SINK_MAX_TARGET + 16];
	const char *path = s->spec.target;
	unsigned files = s->spec.files;

	if (files <= 1)
		return; /* the file is started again */
	snprintf(to, sizeof(to), "%s.%u", path, files - 1);
	remove(to);
	for (unsigned i = files - 1; i >= 1; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", path);
		else
			snprintf(from, sizeof(from), "%s.%u", path, i - 1);
		snprintf(to, sizeof(to), "%s.%u", path, i);
		rename(from, to);
	}
}

static int
ev_start(struct sink *s, struct evidence *ev, int dlt, int rotate)
{
	ev_close_file(ev);
	if (rotate)
		ev_rotate(s);
	if ((ev->dead = pcap_open_dead(dlt, EVIDENCE_SNAPLEN)) == NULL) {
		ev_fail(s, ev, "pcap_open_dead", "out of memory");
		return -1;
	}
	if (ev->first) {
		ev->pd = pcap_dump_fopen(ev->dead, ev->first);
		if (ev->pd == NULL)
			fclose(ev->first);
		ev->first = NULL;
	} else {
		ev->pd = pcap_dump_open(ev->dead, s->spec.target);
	}
	if (ev->pd == NULL) {
		ev_fail(s, ev, "open", pcap_geterr(ev->dead));
		return -1;
	}
	ev->dlt = dlt;
	ev->size = 24; /* the file header */
	return 0;
}

static int
ev_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct sink *s = ud;
	struct evidence *ev = s->priv;
	struct evhdr h;
	(void)q, (void)deadline, (void)retry_ms;

	if (len < sizeof(h) || ev->err)
		return OUTQ_FAILED;
	memcpy(&h, rec, sizeof(h));
	uint64_t add = 16 + (uint64_t)h.caplen;
	if (atomic_exchange(&ev->restart, 0)) {
		if (ev->first) {
			/* Nothing written yet: the file opened at start may
			 * have been moved away; start at the path. */
			fclose(ev->first);
			ev->first = NULL;
		} else if (ev->pd && ev_start(s, ev, h.dlt, 1) != 0) {
			return OUTQ_FAILED;
		}
	}
	if (ev->pd == NULL || h.dlt != ev->dlt) {
		if (ev_start(s, ev, h.dlt, ev->pd != NULL) != 0)
			return OUTQ_FAILED;
	} else if (ev->size + add > s->spec.size && ev->size > 24) {
		if (ev_start(s, ev, h.dlt, 1) != 0)
			return OUTQ_FAILED;
	}
	struct pcap_pkthdr ph;
	memset(&ph, 0, sizeof(ph));
	ph.ts.tv_sec = (time_t)h.sec;
	ph.ts.tv_usec = (suseconds_t)h.usec;
	ph.caplen = h.caplen;
	ph.len = h.len;
	pcap_dump((u_char *)ev->pd, &ph, rec + sizeof(h));
	if (pcap_dump_flush(ev->pd) != 0) {
		ev_fail(s, ev, "write", strerror(errno));
		return OUTQ_FAILED;
	}
	ev->size += add;
	return OUTQ_SENT;
}

static void
ev_finish(void *ud)
{
	struct sink *s = ud;
	struct evidence *ev = s->priv;

	/* No alert had a frame: leave a valid, empty capture. */
	if (ev->pd == NULL && ev->first && !ev->err)
		ev_start(s, ev, s->hint_dlt >= 0 ? s->hint_dlt : DLT_EN10MB, 0);
	if (ev->pd && pcap_dump_flush(ev->pd) != 0)
		ev_fail(s, ev, "write", strerror(errno));
	ev_close_file(ev);
	if (ev->first)
		fclose(ev->first);
	ev->first = NULL;
}

static int
ev_release(struct sink *s)
{
	struct evidence *ev = s->priv;
	int r = ev->err ? -1 : 0;
	ev_close_file(ev);
	if (ev->first)
		fclose(ev->first);
	free(ev);
	s->priv = NULL;
	return r;
}

/* Log rotation: the next frame goes to a new file at the path, the
 * current one rotated to PATH.1 (as when it fills), so no evidence is
 * overwritten. */
static int
ev_reopen(struct sink *s, char *err, size_t errlen)
{
	struct evidence *ev = s->priv;
	(void)err, (void)errlen;
	atomic_store(&ev->restart, 1);
	return 0;
}

const struct sink_ops sink_evidence_ops = {
	"pcap", ev_open, ev_format, ev_deliver, ev_finish, ev_release, ev_reopen,
	NULL, /* flushes per record */
};
