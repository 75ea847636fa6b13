/*
 * alerts.h - alert outputs ("-o" sinks): JSON lines, readable text,
 * syslog (local, or RFC 5424 / RFC 3164 over UDP or TCP) and evidence
 * pcaps.
 *
 * Every sink sits behind its own bounded queue and writer thread
 * (monitor/outq.h): sink_write() formats the alert on the capture thread
 * and enqueues it, and never waits.  A full queue drops the alert and
 * counts it.  Each kind is a small function table (struct sink_ops).
 */
#ifndef SIPWATCH_ALERTS_H
#define SIPWATCH_ALERTS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "monitor/outq.h"
#include "rules/rules.h"

enum sink_kind { SINK_JSON, SINK_TEXT, SINK_SYSLOG, SINK_PCAP };
enum sink_net { SINK_NET_LOCAL, SINK_NET_UDP, SINK_NET_TCP };

#define SINK_MAX_TARGET 1024

/* A parsed output specification (command line or config file). */
struct sink_spec {
	int kind;                 /* enum sink_kind */
	char target[SINK_MAX_TARGET]; /* path, "udp://h:p", "tcp://h:p", "" */
	/* syslog */
	int net;                  /* enum sink_net */
	char host[256], port[8];
	char ident[49];           /* RFC 5424 APP-NAME: at most 48 */
	int facility;             /* LOG_DAEMON ... (already shifted, as <syslog.h>) */
	char hostname[256];       /* "" = gethostname() */
	int rfc3164;
	/* pcap */
	uint64_t size;            /* rotate before a file grows past this */
	unsigned files;           /* PATH plus PATH.1 .. PATH.(files-1) */
	/* queue */
	uint32_t queue;           /* records; 0 = OUTQ_DEF_RECORDS */
};

/*
 * Parses "json[:PATH]", "text[:PATH]",
 * "syslog[:udp://HOST:PORT|tcp://HOST:PORT][,OPT...]" (OPT: ident=NAME,
 * facility=NAME, hostname=NAME, rfc3164, rfc5424, queue=N) and
 * "pcap:PATH[,size=N[K|M|G]][,files=N][,queue=N]".  json and text take
 * the rest as the path.  Returns 0, or -1 with a message in err.
 */
int sink_spec_parse(const char *spec, struct sink_spec *o, char *err, size_t errlen);
/* Starts a spec of kind "json", "text", "syslog" or "pcap" with defaults. */
int sink_spec_init(struct sink_spec *o, const char *kind, char *err, size_t errlen);
/* Sets one option (also "path" and "target", as in the config file's
 * mapping form).  Returns 0, or -1 with a message in err. */
int sink_spec_set(struct sink_spec *o, const char *key, const char *val,
    char *err, size_t errlen);
/* Checks that a spec is complete (a pcap has a path ...). 0 or -1. */
int sink_spec_check(const struct sink_spec *o, char *err, size_t errlen);

struct sink;

struct sink_ops {
	const char *kind;
	/* Main thread, at start.  0 or -1 with a message in err. */
	int (*open)(struct sink *s, char *err, size_t errlen);
	/* Capture thread: appends the record for one alert to b.  Returns 0
	 * to enqueue it, 1 when this alert has nothing for this sink. */
	int (*format)(struct sink *s, const struct rule_alert *a, struct obuf *b);
	/* Writer thread: see outq_deliver_fn; ud is the sink. */
	outq_deliver_fn deliver;
	/* Writer thread, after the last record (may be NULL). */
	void (*finish)(void *ud);
	/* Main thread, after the writer ended: releases priv.  Returns -1 if
	 * the output failed in a way the exit status should show. */
	int (*release)(struct sink *s);
	/* Main thread, on SIGHUP (may be NULL: nothing to reopen): the
	 * output lets go of its file and starts one at the same path (log
	 * rotation); the writer thread switches before its next record.
	 * 0, or -1 with a message in err (the old file stays in use). */
	int (*reopen)(struct sink *s, char *err, size_t errlen);
	/* Writer thread: see outq_idle_fn; ud is the sink (may be NULL). */
	outq_idle_fn idle;
};

struct sink {
	const struct sink_ops *ops;
	struct sink_spec spec;
	struct outq *q;
	struct obuf fmt;    /* capture thread's scratch */
	void *priv;
	int hint_dlt;       /* link type of the first input (-1 unknown) */
};

/* What --stats reports per output. */
struct sink_report {
	const char *kind;
	char target[SINK_MAX_TARGET];
	uint64_t sent, dropped, errors, reconnects;
};

/* Parses and opens.  NULL with a message in err. */
struct sink *sink_open(const char *spec, char *err, size_t errlen);
struct sink *sink_open_spec(const struct sink_spec *o, char *err, size_t errlen);
/* Formats and enqueues.  0, or -1 when the alert was dropped. */
int sink_write(struct sink *s, const struct rule_alert *a);
/* Reading capture files: a full queue waits up to ms for room instead of
 * dropping at once (outq_set_wait). */
void sink_set_wait(struct sink *s, unsigned ms);
/* Link type for an evidence file that gets no packet (stays valid pcap). */
void sink_hint_dlt(struct sink *s, int dlt);
/* Starts the flush: queued alerts go out until deadline (CLOCK_MONOTONIC). */
void sink_shutdown(struct sink *s, const struct timespec *deadline);
/* Waits for the flush (see outq_close), fills rep (may be NULL), frees.
 * Returns 0, or -1 when a file output failed. */
int sink_close(struct sink *s, struct sink_report *rep);
/* Counters now. */
void sink_report(struct sink *s, struct sink_report *rep);
/* Reopens a file output's path (json and text files: appended to; pcap:
 * a new file, the current one rotated as when it fills).  A no-op for
 * stdout and syslog.  0, or -1 with a message in err. */
int sink_reopen(struct sink *s, char *err, size_t errlen);

/* Appends the alert's JSON object (no newline) to j; shared by sinks. */
struct json;
void alert_json(struct json *j, const struct rule_alert *a);

/*
 * The alert's fields in the JSON output's order and names (README
 * "Alerts"): what structured data carries.  Strings point into the
 * alert or into af's own storage, valid as long as both.
 */
#define ALERT_MAX_FIELDS 24
struct alert_field {
	const char *name;  /* a constant: lower-case letters and '_' */
	size_t name_len;
	const char *s; /* value as text */
	size_t len;
	int is_num;
	int is_plain; /* made here, printable ASCII without '"' or '\\' (a
	                 number, the time, an address, a fixed word): needs
	                 no escaping */
	uint64_t num;
};
struct alert_fields {
	struct alert_field f[ALERT_MAX_FIELDS];
	size_t n;
	char ts[80], src[48], dst[48], nums[6][24];
};
void alert_fields(struct alert_fields *af, const struct rule_alert *a);
/* "udp", "tcp", "sctp" or "ws". */
const char *alert_transport(const struct rule_pkt *p);

/* Kinds implemented in other files. */
extern const struct sink_ops sink_syslog_ops;   /* syslog_sink.c */
extern const struct sink_ops sink_evidence_ops; /* evidence.c */

#endif
