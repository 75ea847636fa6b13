/*
 * snap.h - the plain data the dashboard draws.  The capture side
 * (monitor/dashboard.c) fills a struct ui_snap and hands it over whole;
 * alerts travel separately as heap records the UI then owns.  Nothing
 * here points into capture-side state.
 */
#ifndef SIPWATCH_UI_SNAP_H
#define SIPWATCH_UI_SNAP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#define UI_RATE_SECS 300   /* seconds of rate history (packet time) */
#define UI_TOP_N 16        /* rows per top-talker list in a snapshot */
#define UI_KEY_MAX 96      /* bytes of a top-talker key, with the NUL */
#define UI_MAX_RULES 64    /* rule counters in a snapshot */
#define UI_MSG_MAX 8192    /* bytes of SIP message text kept per alert */
#define UI_NSEV 5          /* info, low, medium, high, critical */

enum ui_state { UI_ST_CAPTURING, UI_ST_FINISHED };

struct ui_top_row {
	char key[UI_KEY_MAX];
	uint64_t n;      /* requests counted (space-saving: an upper bound) */
	uint64_t err;    /* how much of n may belong to evicted keys */
	int marked;      /* source with an unknown-source alert */
};

struct ui_top_list {
	struct ui_top_row row[UI_TOP_N];
	unsigned n;
};

struct ui_snap {
	uint64_t seq;            /* publication number, from 1 */
	int live;                /* 1 interface, 0 file */
	char source[128];        /* interface or file name */
	int state;               /* enum ui_state */
	int have_ts;
	struct timeval first_ts, last_ts; /* packet time seen */
	uint64_t packets, sip_msgs, requests;
	uint64_t kernel_drops;   /* pcap_stats ps_drop + ps_ifdrop (live) */
	uint64_t output_drops;   /* alerts dropped by the outputs' queues */
	uint64_t budget_events;  /* stream data dropped: buffer budget */
	uint64_t ui_drops;       /* alerts the dashboard could not take */
	uint64_t held_back;      /* alerts held back by alert_rate (reported
	                            later, together) */
	uint64_t tls_flows, cleartext_msgs;
	double msg_rate;         /* SIP messages/s, last whole second */
	/* Per second of packet time, oldest first; the last is the current,
	 * partial second. */
	uint32_t rate_msgs[UI_RATE_SECS], rate_alerts[UI_RATE_SECS];
	unsigned rate_n;
	uint64_t alerts_total;
	uint64_t by_sev[UI_NSEV];
	struct {
		char name[40];
		int sev;         /* default severity of the rule, -1 custom */
		uint64_t n;
	} rules[UI_MAX_RULES];
	unsigned nrules;
	struct ui_top_list top_src, top_from, top_ruri;
};

/* One alert as the dashboard shows it.  Owned by whoever holds it; free
 * with ui_alert_free(). */
struct ui_alert {
	uint64_t seq;            /* arrival order, from 1 */
	struct timeval ts;
	int sev;                 /* 0 info .. 4 critical */
	uint64_t count;
	char rule[40];
	char src[48];            /* address only (IPv4 or IPv6) */
	char from[128];
	char ruri[128];
	char message[256];       /* the alert's sentence */
	/* "name: value" lines of every alert field, NUL-terminated (or NULL
	 * when fmt builds them). */
	char *detail;
	size_t detail_len;
	/* The SIP message's bytes as captured (at most UI_MSG_MAX of
	 * raw_total), copied with memcpy on the capture side and escaped only
	 * when the detail view opens, on the UI thread; NULL for alerts raised
	 * at the end of input. */
	uint8_t *raw;
	size_t raw_len, raw_total;
	/* When set, builds the detail view's text (the UI thread calls it on
	 * Enter); priv is its data, freed with the alert. */
	char *(*fmt)(const struct ui_alert *a);
	void *priv;
	/* 0: raw and priv are heap blocks of their own.  1: they lie inside
	 * the alert's own allocation (one malloc per alert). */
	int one_block;
	/* When set, ui_alert_free() hands the alert's own allocation back to
	 * its maker instead of freeing it (after freeing detail): the
	 * capture thread that allocated it frees it, which is much cheaper
	 * for malloc than a free from another thread. */
	void (*recycle)(struct ui_alert *a, void *ud);
	void *recycle_ud;
};

void ui_alert_free(struct ui_alert *a);

#endif
