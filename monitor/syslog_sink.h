/*
 * syslog_sink.h - alerts as syslog messages: the formatters (RFC 5424
 * with structured data, RFC 3164, the text handed to syslog(3)) and the
 * framings (RFC 5426 one message per UDP datagram, RFC 6587 octet
 * counting over TCP).  The sink itself is sink_syslog_ops (alerts.h).
 */
#ifndef SIPWATCH_SYSLOG_SINK_H
#define SIPWATCH_SYSLOG_SINK_H

#include <stddef.h>

#include "monitor/outq.h"
#include "rules/rules.h"

/* The SD-ID: 32473 is the private enterprise number RFC 5612 reserves
 * for documentation and examples. */
#define SYSLOG_SD_ID "sipwatch@32473"
/* Longest PARAM-VALUE or MSG, in bytes before escaping; longer values
 * are cut at a character boundary. */
#define SYSLOG_MAX_VALUE 1024

enum { SYSLOG_FRAME_NONE, SYSLOG_FRAME_OCTET, SYSLOG_FRAME_LF };

struct syslog_fmt {
	int facility;         /* LOG_DAEMON ... as <syslog.h> (shifted) */
	int rfc3164;
	int framing;          /* SYSLOG_FRAME_* */
	const char *hostname; /* PRINTUSASCII */
	const char *app;      /* APP-NAME / TAG */
	unsigned pid;         /* PROCID, getpid() */
};

/* critical->LOG_CRIT, high->LOG_ERR, medium->LOG_WARNING,
 * low->LOG_NOTICE, info->LOG_INFO. */
int syslog_level(int severity);

/*
 * Appends s as UTF-8 text a receiver can carry: invalid UTF-8 bytes and
 * control characters (C0 and DEL) become U+FFFD; with sd, '"', '\' and
 * ']' get a backslash (RFC 5424 section 6.3.3).  At most max bytes of
 * text (not counting backslashes) are written, cut at a character
 * boundary.  Returns 1 if anything non-ASCII was written, else 0.
 */
int syslog_text(struct obuf *b, const char *s, size_t n, int sd, size_t max);

/* Appends the SD-ELEMENT "[sipwatch@32473 ts=\"...\" rule=\"...\" ...]"
 * with every alert field (alert_fields() order). */
void syslog_sd(struct obuf *b, const struct rule_alert *a);

/* Appends one whole message with its framing. */
void syslog_format(struct obuf *b, const struct syslog_fmt *f, const struct rule_alert *a);

/* What goes to syslog(3): "[SD] message". */
void syslog_local_text(struct obuf *b, const struct rule_alert *a);

#endif
