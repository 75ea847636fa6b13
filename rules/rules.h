/*
 * rules.h - the rule engine: parsed SIP messages in, alerts out.
 *
 * Every counter, window and dialog the rules keep lives in a bounded table
 * (rules/ktab.h) with LRU eviction; evictions are counted.  All time is
 * packet time.  Alerts are suppressed per rule and key: one alert per
 * suppression window, carrying how many events it stands for.
 */
#ifndef SIPWATCH_RULES_RULES_H
#define SIPWATCH_RULES_RULES_H

#include <stdint.h>
#include <sys/time.h>

#include "parsers/sip.h"
#include "parsers/sip_summary.h"
#include "rules/config.h"

/* Where a message came from (the monitor fills it from its packet). */
struct rule_pkt {
	struct timeval ts;
	uint64_t frame;
	uint8_t ipver;     /* 4 or 6 */
	uint8_t transport; /* IPPROTO_UDP, IPPROTO_TCP, IPPROTO_SCTP */
	uint8_t ws;        /* over WebSocket */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	/* The captured frame that completed the message, for evidence
	 * outputs: valid during the call only; NULL when there is none (end
	 * of input). */
	const uint8_t *raw;
	uint32_t raw_caplen, raw_len;
	int raw_dlt; /* its link type (DLT_*) */
};

struct rule_alert {
	struct timeval ts;    /* packet time */
	const char *rule;     /* "unknown-source", or a custom rule's name */
	int rule_id;          /* enum rule_id, or -1 for a custom rule */
	int severity;         /* enum rule_severity */
	const char *message;  /* one human-readable sentence */
	const char *key;      /* thresholded rules: what was counted (a source
	                         address, a From URI, a user ...), else NULL */
	uint64_t count;       /* events this alert stands for (>= 1) */
	/* The message that raised it; NULL for the alerts rule_engine_finish()
	 * emits for events still suppressed at the end. */
	const struct rule_pkt *pkt;
	const struct sip_msg *msg;
	const struct sip_summary *sum;
};

/* Called for each alert; every pointer is valid only during the call. */
typedef void (*rule_alert_fn)(void *ud, const struct rule_alert *a);

struct rule_stats {
	uint64_t alerts[R__COUNT];
	uint64_t alerts_custom;
	uint64_t by_severity[SEV__COUNT];
	uint64_t suppressed;      /* events folded into a later alert's count */
	uint64_t rate_limited;    /* alerts held back by a rule's alert_rate
	                             (reported in one alert per window) */
	uint64_t table_evictions; /* keys evicted from full rule tables */
	uint64_t oom;             /* events not counted: out of memory */
	uint64_t pattern_limit_hits;
	uint64_t tls_flows;        /* compliant (TLS) signalling flows seen */
	uint64_t cleartext_msgs;   /* SIP messages seen in cleartext */
};

struct rule_engine;

/* cfg must outlive the engine.  NULL with a message on failure. */
struct rule_engine *rule_engine_new(const struct rule_config *cfg,
    rule_alert_fn fn, void *ud, char *err, size_t errlen);
/* One parsed SIP message, in capture order. */
void rule_engine_message(struct rule_engine *e, const struct rule_pkt *p,
    const struct sip_msg *msg, const struct sip_summary *sum);
/*
 * Live capture, when no message came for a while: now is the wall clock
 * (which live packet times follow).  Reports the alerts held back by a
 * rule's alert_rate whose window is over by then, at that time, so that a
 * burst followed by silence is not reported only at the next message.
 * Nothing else changes, and packet time moves forward only when a report
 * is due.
 */
void rule_engine_tick(struct rule_engine *e, const struct timeval *now);
/* A TLS flow was seen between these peers: compliant signalling. */
void rule_engine_tls(struct rule_engine *e, const struct rule_pkt *p);
/* End of input: emits one alert per key whose suppressed events were not
 * yet reported. */
void rule_engine_finish(struct rule_engine *e);
/*
 * Switches the engine to a new configuration between two messages (a
 * SIGHUP reload).  The counters, windows and suppression state of a rule
 * are kept when the rule's settings are unchanged: enabled, threshold,
 * window, suppress, and the lists it checks (networks by content,
 * domains, patterns; for a custom rule its target, header and pattern,
 * matched by name); table_size changing resets every table.  A changed
 * rule starts empty, after its events still held back are reported (as
 * the "further events suppressed" alerts at expiry).  The statistics
 * keep counting.  newcfg must outlive the engine; the old configuration
 * is no longer used and may be freed after the call.
 * Returns 0 with a one-line summary of the reset tables in err ("" when
 * none; "reset: from-flood, my-rule"), or -1 with a message in err and
 * the engine unchanged.
 */
int rule_engine_reload(struct rule_engine *e, const struct rule_config *newcfg,
    char *err, size_t errlen);
const struct rule_stats *rule_engine_stats(const struct rule_engine *e);
void rule_engine_free(struct rule_engine *e);

#endif
