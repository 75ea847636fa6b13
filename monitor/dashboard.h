/*
 * dashboard.h - the bridge between the capture thread and the ncurses
 * dashboard (ui/).  The capture side counts into private state and, a few
 * times a second (wall clock), builds a plain struct ui_snap and swaps it
 * with the shared slot under a mutex held only for a pointer swap; alerts
 * are copied into heap records and handed over the same way.  The UI
 * thread draws only what it took, so drawing never holds a lock the
 * capture needs.  Nothing here waits on the UI except dash_finish().
 *
 * Calls from monitor/main.c, all on the capture (main) thread:
 *   dash_new()        after options, before any input is opened
 *   dash_attach()     once the pipeline, rule engine and outputs exist
 *   dash_start()      after the SIGINT/SIGTERM handlers are installed
 *   dash_pace()       per frame before pipeline_frame() (sleeps only in
 *                     --replay=speed)
 *   dash_tick()       per frame after pipeline_frame(); NULL ts when a
 *                     live read returned with no packet
 *   dash_on_msg()     from the pipeline's message callback
 *   dash_on_alert()   from the rule engine's alert callback
 *   dash_finish()     after rule_engine_finish(): last snapshot, then for
 *                     a file waits until the user quits (q y), the
 *                     terminal goes away or *stop is set
 *   dash_free()       restores the terminal (if still held) and frees
 */
#ifndef SIPWATCH_DASHBOARD_H
#define SIPWATCH_DASHBOARD_H

#include <signal.h>
#include <stddef.h>
#include <sys/time.h>

#include <pcap/pcap.h>

#include "monitor/pipeline.h"
#include "rules/rules.h"

enum dash_replay { DASH_REPLAY_FAST, DASH_REPLAY_SPEED };

struct dash_opts {
	int live;                      /* 1: -i IFACE */
	const char *source;            /* interface or file name */
	int replay;                    /* enum dash_replay (files) */
	int ascii;                     /* --ascii: no UTF-8 drawing */
	volatile sig_atomic_t *stop;   /* main's stop flag (signals) */
	/* Called from the UI thread when the user quits or the terminal
	 * goes away: must stop the capture (set *stop, pcap_breakloop()). */
	void (*on_quit)(void *ud);
	void *ud;
};

struct sink;
struct stats;
struct dash;

/* NULL with a message in err (out of memory). */
struct dash *dash_new(const struct dash_opts *o, char *err, size_t errlen);
/* Counter sources read at each snapshot: the pipeline's stats, the rule
 * engine's (may be NULL), the outputs (for their drop counts) and the
 * live handles (pcap_stats() for kernel drops, summed; none for files).
 * The pointers must stay valid until dash_finish() returns. */
void dash_attach(struct dash *d, const struct stats *st, struct rule_engine *eng,
    struct sink *const *sinks, int nsinks, pcap_t *const *live, int nlive);
/* Takes over the terminal and starts the UI thread.  0, or -1 with a
 * message in err (stdout or stdin not a terminal ...). */
int dash_start(struct dash *d, char *err, size_t errlen);
void dash_pace(struct dash *d, const struct timeval *ts);
void dash_tick(struct dash *d, const struct timeval *ts);
/* dash_msg_begin() before the rules see a message, dash_on_msg() after
 * (begin only starts fetching what the top-talker counts will touch, so
 * that the fetch overlaps the rules; dash_on_msg() alone does the same
 * counting). */
void dash_msg_begin(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum);
void dash_on_msg(struct dash *d, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum);
void dash_on_alert(struct dash *d, const struct rule_alert *a);
/* 1 when the user asked to quit from the dashboard. */
int dash_quit_requested(const struct dash *d);
void dash_finish(struct dash *d);
void dash_free(struct dash *d);

#endif
