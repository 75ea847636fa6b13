/*
 * main.c - sipwatch command line: configuration, inputs, outputs, the
 * capture loop.
 *
 * Exit status: 0 success; 1 usage or set-up error (bad option or config,
 * unreadable or unsupported input, bad filter, missing interface); 2 an
 * input was truncated or corrupt (everything before the damage was
 * processed and reported), or a live interface failed; 3 alerts at or
 * above --fail-on occurred.
 *
 * Signals only set flags; the capture loop acts on them between packets:
 * SIGINT and SIGTERM end the run (outputs flushed, exit 0), SIGHUP reloads
 * the configuration and reopens file outputs, SIGUSR1 writes the stats.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monitor/alerts.h"
#include "monitor/capture.h"
#include "monitor/dashboard.h"
#include "monitor/dump.h"
#include "monitor/json.h"
#include "monitor/pipeline.h"
#include "rules/config.h"
#include "rules/rules.h"

#define SIPWATCH_VERSION "0.1.0"

#define EXIT_SETUP 1
#define EXIT_INPUT 2
#define EXIT_ALERTS 3
#define MAX_SINKS 16
#define MAX_IFACES 32
#define DEF_LOG_INTERVAL 60 /* seconds of wall time between live log lines */

static volatile sig_atomic_t stop, hup, usr1;
/* Set before the handlers can see them, cleared after the loop. */
static pcap_t *volatile live_handles[MAX_IFACES];
static volatile sig_atomic_t n_live;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		hup = 1;
	else if (sig == SIGUSR1)
		usr1 = 1;
	else
		stop = 1;
	/* The loop acts between packets: make a dispatch return now. */
	for (int i = 0; i < n_live; i++)
		if (live_handles[i])
			pcap_breakloop(live_handles[i]);
}

struct app {
	struct pipeline *pl;
	FILE *dump;
	const char *dump_path;
	struct json j;
	int dump_err;
	int progress;
	uint64_t msgs_at_last;
	struct timespec last_prog;
	struct rule_engine *eng;
	struct sink *sinks[MAX_SINKS];
	int nsinks;
	struct sink_report reports[MAX_SINKS];
	int max_sev; /* highest alert severity seen, -1 none */
	struct dash *dash; /* the dashboard (--ui), else NULL */
	/* reload (SIGHUP) */
	struct rule_config *rc;
	const char *conf_path;
	/* stats (SIGUSR1, the end, the periodic log line) */
	const char *stats_path;
	FILE *stats_f;      /* opened at start (before -Z) in live mode */
	struct capture **caps;
	int ncaps;
	int log_interval;   /* seconds, 0 off */
	struct timespec last_log;
	uint64_t pkts_at_log;
};

static void
rule_pkt_from(struct rule_pkt *r, const struct pkt_meta *m, const struct pipeline *pl)
{
	struct pipeline_raw raw;
	int have_raw = pl && pipeline_current_frame(pl, &raw);

	/* Once per message: every field set in one pass, no memset first. */
	*r = (struct rule_pkt){
		.ts = m->ts,
		.frame = m->frame,
		.ipver = m->ipver,
		.transport = m->transport,
		.ws = m->ws,
		.sport = m->sport,
		.dport = m->dport,
		.raw = have_raw ? raw.data : NULL,
		.raw_caplen = have_raw ? raw.caplen : 0,
		.raw_len = have_raw ? raw.len : 0,
		.raw_dlt = have_raw ? raw.dlt : 0,
	};
	memcpy(r->src, m->src, 16);
	memcpy(r->dst, m->dst, 16);
}

static void
on_alert(void *ud, const struct rule_alert *al)
{
	struct app *a = ud;
	if (al->severity > a->max_sev)
		a->max_sev = al->severity;
	dash_on_alert(a->dash, al);
	for (int i = 0; i < a->nsinks; i++)
		sink_write(a->sinks[i], al);
}

static void
on_tls(void *ud, const struct pkt_meta *m, uint16_t version, const char *sni)
{
	struct app *a = ud;
	struct rule_pkt r;
	(void)version, (void)sni;
	rule_pkt_from(&r, m, a->pl);
	rule_engine_tls(a->eng, &r);
}

static void
on_msg(void *ud, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum, unsigned mon_anoms)
{
	struct app *a = ud;
	dash_msg_begin(a->dash, m, msg, sum);
	if (a->eng) {
		struct rule_pkt r;
		rule_pkt_from(&r, m, a->pl);
		rule_engine_message(a->eng, &r, msg, sum);
	}
	dash_on_msg(a->dash, m, msg, sum);
	if (a->dump == NULL || a->dump_err)
		return;
	json_reset(&a->j);
	dump_message(&a->j, m, msg, sum, mon_anoms);
	if (json_write_line(&a->j, a->dump) != 0) {
		fprintf(stderr, "sipwatch: %s: %s\n", a->dump_path, strerror(errno));
		a->dump_err = 1;
	}
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sipwatch [-r FILE]... [-i IFACE] [options] [BPF expression]\n"
	    "\n"
	    "Input (at least one):\n"
	    "  -r FILE            read a pcap or pcapng file; repeatable; - is stdin\n"
	    "  -i IFACE           capture live on IFACE (promiscuous; packets come in\n"
	    "                     blocks, at most 100 ms late); repeatable (up to 32),\n"
	    "                     or \"any\" for every interface\n"
	    "  -s SNAPLEN         live snapshot length (default 262144)\n"
	    "  -p                 live: do not put the interface in promiscuous mode\n"
	    "  -B MIB             live: kernel buffer size in MiB\n"
	    "  -Z USER            after opening the inputs and outputs, drop root\n"
	    "                     privileges to USER and its groups\n"
	    "  --log-interval S   live: a counters line on stderr every S seconds\n"
	    "                     (default 60; 0 off)\n"
	    "  --no-frag-filter   apply the BPF expression as given (by default it is\n"
	    "                     widened so IP fragments behind a port filter pass)\n"
	    "Rules:\n"
	    "  -c FILE            YAML rules configuration (default: built-in rules)\n"
	    "  --no-rules         parse and count only: no rule engine, no alerts\n"
	    "  --check-config     validate the configuration and exit 0 or 1\n"
	    "  --fail-on SEV      exit 3 if an alert of SEV or higher occurred\n"
	    "                     (info, low, medium, high, critical)\n"
	    "Output:\n"
	    "  -o json[:PATH]     alerts as JSON lines (default path: stdout); repeatable\n"
	    "  -o text[:PATH]     alerts as readable lines; with no -o, --dump or --stats,\n"
	    "                     text alerts go to stdout\n"
	    "  -o syslog[:udp://HOST:PORT|tcp://HOST:PORT][,OPT...]\n"
	    "                     alerts to syslog(3), or RFC 5424 over UDP or TCP;\n"
	    "                     OPT: ident=NAME facility=NAME hostname=NAME rfc3164\n"
	    "  -o pcap:PATH[,size=100M,files=10]\n"
	    "                     the frames behind alerts, rotated by size\n"
	    "                     (every output also takes queue=N records)\n"
	    "  --dump=PATH        one JSON object per SIP message (- is stdout)\n"
	    "  --stats=PATH       one JSON object of counters at the end (- is stdout);\n"
	    "                     SIGUSR1 writes it mid-run (to stderr without --stats)\n"
	    "  --ui               full-screen dashboard (the default for -i when stdin\n"
	    "                     and stdout are a terminal); no text alerts on stdout\n"
	    "  --replay=speed|fast  -r with --ui: at capture speed (packet times) or\n"
	    "                     as fast as possible (default)\n"
	    "  --ascii            dashboard without UTF-8 drawing\n"
	    "  --no-ui            batch mode (the default when stdout is not a terminal)\n"
	    "  --limit NAME=N     override a limit; repeatable; --limit help lists them\n"
	    "  -h, --help         this help;  -V, --version  the version\n"
	    "\n"
	    "Signals: INT, TERM stop (outputs flushed, exit 0); HUP reloads -c FILE\n"
	    "and reopens file outputs; USR1 writes the stats.\n"
	    "Exit status: 0 ok, 1 usage or set-up error, 2 damaged input or a failed\n"
	    "interface, 3 alerts at or above --fail-on.\n");
}

struct limit {
	const char *name;
	const char *what;
	size_t off;  /* into struct pipeline_cfg */
	int sip;     /* 1: field of cfg.sip */
	uint64_t max;
};

#define PL(f) offsetof(struct pipeline_cfg, f), 0
#define SL(f) offsetof(struct sip_limits, f), 1
static const struct limit limits[] = {
	{ "uri", "Request-URI length before long_request_uri", SL(max_uri), 65535 },
	{ "call_id", "Call-ID length before long_call_id", SL(max_call_id), 65535 },
	{ "from", "From length before long_from", SL(max_from), 65535 },
	{ "to", "To length before long_to", SL(max_to), 65535 },
	{ "contact", "Contact length before long_contact", SL(max_contact), 65535 },
	{ "via", "Via length before long_via", SL(max_via), 65535 },
	{ "cseq_method", "CSeq method length before long_cseq_method", SL(max_cseq_method), 65535 },
	{ "body", "body length before long_body", SL(max_body), 1u << 24 },
	{ "msg", "largest TCP SIP message framed (bytes)", PL(max_msg), 1u << 24 },
	{ "tcp_streams", "libnids TCP stream table size", PL(tcp_streams), 1u << 24 },
	{ "tcp_flows", "own TCP flow table (mid-stream, IPv6)", PL(tcp_flows), 1u << 24 },
	{ "tcp_idle", "seconds of packet time before an idle TCP flow expires", PL(tcp_idle), 86400 },
	{ "frag_sets", "IPv6 datagrams reassembled at once", PL(frag_sets), 1u << 24 },
	{ "frag_timeout", "seconds before an incomplete IPv6 datagram expires", PL(frag_timeout), 3600 },
	{ "buffer_budget", "bytes held by all TCP and fragment buffers", PL(buffer_budget), 1ull << 36 },
};
#undef PL
#undef SL

static uint64_t
limit_get(const struct pipeline_cfg *c, const struct limit *l)
{
	const char *base = l->sip ? (const char *)&c->sip : (const char *)c;
	if (strcmp(l->name, "buffer_budget") == 0)
		return *(const uint64_t *)(const void *)(base + l->off);
	return *(const uint32_t *)(const void *)(base + l->off);
}

static int
limit_set(struct pipeline_cfg *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (strcmp(arg, "help") == 0) {
		struct pipeline_cfg d;
		pipeline_cfg_default(&d);
		printf("%-14s %-12s %s\n", "NAME", "DEFAULT", "MEANING");
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
			printf("%-14s %-12llu %s\n", limits[i].name,
			    (unsigned long long)limit_get(&d, &limits[i]), limits[i].what);
		exit(0);
	}
	if (eq == NULL) {
		fprintf(stderr, "sipwatch: --limit wants NAME=VALUE, got \"%s\"\n", arg);
		return -1;
	}
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct limit *l = &limits[i];
		if (strlen(l->name) != (size_t)(eq - arg) ||
		    strncmp(l->name, arg, (size_t)(eq - arg)) != 0)
			continue;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end != '\0' || v < 1 || v > l->max) {
			fprintf(stderr, "sipwatch: --limit %s: want a number from 1 to %llu\n",
			    l->name, (unsigned long long)l->max);
			return -1;
		}
		char *base = l->sip ? (char *)&c->sip : (char *)c;
		if (strcmp(l->name, "buffer_budget") == 0)
			*(uint64_t *)(void *)(base + l->off) = v;
		else
			*(uint32_t *)(void *)(base + l->off) = (uint32_t)v;
		return 0;
	}
	fprintf(stderr, "sipwatch: --limit: unknown limit \"%.*s\" (--limit help lists them)\n",
	    (int)(eq - arg), arg);
	return -1;
}

static FILE *
open_out(const char *path)
{
	if (strcmp(path, "-") == 0)
		return stdout;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "sipwatch: cannot write %s: %s\n", path, strerror(errno));
	return f;
}

static double
since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
progress(struct app *a, const struct capture *c, int final)
{
	double dt = since(&a->last_prog);
	if (!final && dt < 0.5)
		return;
	struct stats *s = pipeline_stats(a->pl);
	double pct = capture_progress(c);
	double rate = dt > 0 ? (double)(s->sip_msgs - a->msgs_at_last) / dt : 0;
	if (final) {
		fprintf(stderr, "\r\033[K");
	} else if (pct >= 0) {
		fprintf(stderr, "\r\033[Ksipwatch: %s %5.1f%%  %llu SIP messages  %.0f msg/s",
		    c->name, pct * 100, (unsigned long long)s->sip_msgs, rate);
	} else {
		fprintf(stderr, "\r\033[Ksipwatch: %s  %llu SIP messages  %.0f msg/s",
		    c->name, (unsigned long long)s->sip_msgs, rate);
	}
	fflush(stderr);
	a->msgs_at_last = s->sip_msgs;
	clock_gettime(CLOCK_MONOTONIC, &a->last_prog);
}

static int cfg_output_spec(const struct rule_config *rc, size_t i,
    struct sink_spec *o, char *err, size_t errlen);

/* Live inputs: the kernel's counters since each handle was opened
 * (pcap_stats is cumulative), summed into the stats. */
static void
capture_counters(struct app *a)
{
	struct stats *s = pipeline_stats(a->pl);
	uint64_t recv = 0, drop = 0, ifdrop = 0;
	int live = 0;

	for (int i = 0; i < a->ncaps; i++) {
		struct pcap_stat ps;
		if (!a->caps[i]->live)
			continue;
		live = 1;
		if (pcap_stats(a->caps[i]->p, &ps) != 0)
			continue;
		recv += ps.ps_recv;
		drop += ps.ps_drop;
		ifdrop += ps.ps_ifdrop;
	}
	if (!live)
		return;
	s->live = 1;
	s->cap_recv = recv;
	s->cap_drop = drop;
	s->cap_ifdrop = ifdrop;
}

static uint64_t
alerts_total(const struct app *a)
{
	uint64_t n = 0;
	if (a->eng) {
		const struct rule_stats *rs = rule_engine_stats(a->eng);
		for (int i = 0; i < SEV__COUNT; i++)
			n += rs->by_severity[i];
	}
	return n;
}

/* One line of counters on stderr (live mode, every --log-interval). */
static void
log_line(struct app *a)
{
	struct stats *s = pipeline_stats(a->pl);
	char ifs[512];
	size_t n = 0;
	uint64_t outq_drops = 0;

	capture_counters(a);
	ifs[0] = '\0';
	for (int i = 0; i < a->ncaps && n < sizeof(ifs); i++) {
		struct pcap_stat ps;
		if (pcap_stats(a->caps[i]->p, &ps) != 0)
			continue;
		int w = snprintf(ifs + n, sizeof(ifs) - n, "%s%s %u/%u", n ? ", " : "",
		    a->caps[i]->name, ps.ps_drop, ps.ps_ifdrop);
		if (w < 0)
			break;
		n += (size_t)w;
	}
	for (int i = 0; i < a->nsinks; i++) {
		struct sink_report r;
		sink_report(a->sinks[i], &r);
		outq_drops += r.dropped;
	}
	uint64_t held = a->eng ? rule_engine_stats(a->eng)->rate_limited : 0;
	fprintf(stderr, "sipwatch: packets %llu (+%llu), SIP messages %llu, alerts %llu "
	    "(%llu held back); capture drops kernel %llu interface %llu [%s]; output drops %llu, "
	    "buffer budget %llu\n",
	    (unsigned long long)s->packets, (unsigned long long)(s->packets - a->pkts_at_log),
	    (unsigned long long)s->sip_msgs, (unsigned long long)alerts_total(a),
	    (unsigned long long)held,
	    (unsigned long long)s->cap_drop, (unsigned long long)s->cap_ifdrop, ifs,
	    (unsigned long long)outq_drops,
	    (unsigned long long)s->events[STATS_E_BUFFER_BUDGET]);
	a->pkts_at_log = s->packets;
	clock_gettime(CLOCK_MONOTONIC, &a->last_log);
}

/*
 * Writes the stats object: to the --stats path (rewritten each time), or
 * to stderr when there is none and this is a SIGUSR1.  reports: the
 * outputs' final counters, or NULL for their counters now.  0 or -1.
 */
static int
write_stats(struct app *a, const struct sink_report *reports)
{
	struct stats_output so[MAX_SINKS];
	struct sink_report now[MAX_SINKS];
	FILE *f = a->stats_f;
	int r = 0;

	capture_counters(a);
	if (reports == NULL) {
		for (int i = 0; i < a->nsinks; i++)
			sink_report(a->sinks[i], &now[i]);
		reports = now;
	}
	for (int i = 0; i < a->nsinks; i++)
		so[i] = (struct stats_output){ reports[i].kind, reports[i].target,
			reports[i].sent, reports[i].dropped, reports[i].errors,
			reports[i].reconnects };
	if (a->stats_path == NULL) {
		f = stderr;
	} else if (f == NULL) {
		if ((f = strcmp(a->stats_path, "-") == 0 ? stdout : fopen(a->stats_path, "w")) == NULL) {
			fprintf(stderr, "sipwatch: cannot write %s: %s\n", a->stats_path,
			    strerror(errno));
			return -1;
		}
	} else if (f != stdout) {
		/* Opened before -Z: rewritten in place. */
		rewind(f);
		if (ftruncate(fileno(f), 0) != 0)
			r = -1;
	}
	if (stats_write_ex(pipeline_stats(a->pl), a->eng ? rule_engine_stats(a->eng) : NULL,
	    so, (size_t)a->nsinks, f) != 0 || fflush(f) != 0)
		r = -1;
	if (r != 0)
		fprintf(stderr, "sipwatch: %s: %s\n", a->stats_path ? a->stats_path : "stats",
		    strerror(errno));
	if (f != a->stats_f && f != stdout && f != stderr && fclose(f) != 0)
		r = -1;
	return r;
}

/* SIGHUP: file outputs start again at their paths (log rotation). */
static void
reopen_outputs(struct app *a)
{
	char err[1024];
	for (int i = 0; i < a->nsinks; i++)
		if (sink_reopen(a->sinks[i], err, sizeof(err)) != 0)
			fprintf(stderr, "sipwatch: %s output: %s; keeping the old file\n",
			    a->sinks[i]->ops->kind, err);
	if (a->dump && a->dump != stdout) {
		FILE *nf = fopen(a->dump_path, "a");
		if (nf == NULL) {
			fprintf(stderr, "sipwatch: cannot reopen %s: %s; keeping the old file\n",
			    a->dump_path, strerror(errno));
			return;
		}
		if (fclose(a->dump) != 0 && !a->dump_err)
			fprintf(stderr, "sipwatch: %s: %s\n", a->dump_path, strerror(errno));
		a->dump = nf;
		a->dump_err = 0;
		setvbuf(a->dump, NULL, _IOFBF, 1 << 16);
	}
}

/*
 * SIGHUP: the configuration file is parsed and checked as at start (the
 * outputs it lists included) into a new rule_config, and swapped into the
 * engine between two packets; any error keeps the old one whole.
 * Outputs and parser limits are read at start only.
 */
static void
reload_config(struct app *a)
{
	char err[1024];
	struct sink_spec spec;

	if (a->conf_path == NULL || a->eng == NULL) {
		fprintf(stderr, "sipwatch: SIGHUP: outputs reopened; no -c file to reload\n");
		return;
	}
	struct rule_config *nc = rule_config_load(a->conf_path, err, sizeof(err));
	for (size_t i = 0; nc && i < nc->n_outputs; i++)
		if (cfg_output_spec(nc, i, &spec, err, sizeof(err)) != 0) {
			rule_config_free(nc);
			nc = NULL;
		}
	if (nc && rule_engine_reload(a->eng, nc, err, sizeof(err)) != 0) {
		rule_config_free(nc);
		nc = NULL;
	}
	if (nc == NULL) {
		fprintf(stderr, "sipwatch: reload: %s; keeping the old configuration\n", err);
		return;
	}
	rule_config_free(a->rc);
	a->rc = nc;
	fprintf(stderr, "sipwatch: reloaded %s%s%s\n", a->conf_path, err[0] ? "; " : "", err);
}

static void
act_on_signals(struct app *a)
{
	if (hup) {
		hup = 0;
		reopen_outputs(a);
		reload_config(a);
	}
	if (usr1) {
		usr1 = 0;
		write_stats(a, NULL);
	}
}

/*
 * -Z: as tcpdump, after every device and file is open and before the
 * first packet is parsed.  Supplementary groups first (they need root),
 * then the group, then the user; then a check that root cannot be
 * regained.  0, or -1 with a message in err.
 */
static int
drop_privileges(const char *user, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		if (getuid() == uid && geteuid() == uid && getgid() == gid && getegid() == gid)
			return 0;
		snprintf(err, errlen, "-Z %s: changing user needs root", user);
		return -1;
	}
	if (initgroups(user, gid) != 0) {
		snprintf(err, errlen, "-Z %s: initgroups: %s", user, strerror(errno));
		return -1;
	}
	if (setresgid(gid, gid, gid) != 0) {
		snprintf(err, errlen, "-Z %s: setresgid: %s", user, strerror(errno));
		return -1;
	}
	if (setresuid(uid, uid, uid) != 0) {
		snprintf(err, errlen, "-Z %s: setresuid: %s", user, strerror(errno));
		return -1;
	}
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "-Z %s: root could be regained; stopping", user);
		return -1;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid) {
		snprintf(err, errlen, "-Z %s: ids did not change", user);
		return -1;
	}
	return 0;
}

/* The dashboard's q, or its terminal went away (UI thread): stop as on
 * SIGINT. */
static void
dash_quit(void *ud)
{
	(void)ud;
	stop = 1;
	for (int i = 0; i < n_live; i++)
		if (live_handles[i])
			pcap_breakloop(live_handles[i]);
}

/* Reads a whole file.  Returns 0, or EXIT_INPUT when it was damaged. */
static int
run_file(struct app *a, struct capture *c)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0;
	int r = 0;

	while (!stop && (r = capture_next(c, &h, &d)) >= 0) {
		if (hup || usr1)
			act_on_signals(a);
		if (r == 0)
			continue;
		n++;
		dash_pace(a->dash, &h->ts);
		pipeline_frame(a->pl, c->dlt, &h->ts, d, h->caplen, h->len);
		dash_tick(a->dash, &h->ts);
		if (a->progress && (n & 4095) == 0)
			progress(a, c, 0);
	}
	if (a->progress)
		progress(a, c, 1);
	if (!stop && r == PCAP_ERROR) {
		fprintf(stderr, "sipwatch: %s: damaged after packet %llu: %s\n",
		    c->name, (unsigned long long)n, capture_error(c));
		return EXIT_INPUT;
	}
	return 0;
}

struct live_ud {
	struct app *a;
	int dlt;
};

static void
live_cb(u_char *ud, const struct pcap_pkthdr *h, const u_char *d)
{
	struct live_ud *l = (struct live_ud *)(void *)ud;
	dash_pace(l->a->dash, &h->ts);
	pipeline_frame(l->a->pl, l->dlt, &h->ts, d, h->caplen, h->len);
	dash_tick(l->a->dash, &h->ts);
}

/* One pcap_dispatch() of every handle; EXIT_INPUT (with a message, and
 * stop set) when one fails, else 0. */
static int
dispatch_all(struct app *a, struct live_ud *ud)
{
	int status = 0;
	for (int i = 0; i < a->ncaps && status == 0; i++) {
		/* Dispatched whether or not poll flagged it: a block the
		 * timeout retired may be there without a wake-up. */
		int r = pcap_dispatch(a->caps[i]->p, -1, live_cb, (u_char *)(void *)&ud[i]);
		if (r == PCAP_ERROR) {
			fprintf(stderr, "sipwatch: %s: %s\n", a->caps[i]->name,
			    pcap_geterr(a->caps[i]->p));
			status = EXIT_INPUT;
			stop = 1;
		}
	}
	return status;
}

/*
 * After a stop: the kernel still holds the packets of each handle's open
 * block (at most CAPTURE_TIMEOUT_MS old) until its timeout hands the
 * block over.  Reads on for twice that, so that a stop loses nothing
 * that had arrived before it.
 */
static int
drain_live(struct app *a, struct pollfd *pfd, struct live_ud *ud)
{
	struct timespec t0;
	const double lim = 2.0 * CAPTURE_TIMEOUT_MS / 1000;
	double el;
	int status = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (status == 0 && (el = since(&t0)) < lim) {
		if (poll(pfd, (nfds_t)a->ncaps, (int)((lim - el) * 1000) + 1) < 0 &&
		    errno != EINTR)
			break;
		status = dispatch_all(a, ud);
	}
	return status;
}

/*
 * Every interface has its own handle, non-blocking, polled on its
 * selectable descriptor; one thread reads them all in one loop (the
 * pipeline is single-threaded), so each interface's packets keep their
 * order while packets of different interfaces interleave as they come.
 * poll() wakes at least once a second for the periodic log line.
 */
static int
run_live(struct app *a)
{
	struct pollfd pfd[MAX_IFACES];
	struct live_ud ud[MAX_IFACES];
	char ebuf[PCAP_ERRBUF_SIZE];
	int status = 0;

	for (int i = 0; i < a->ncaps; i++) {
		struct capture *c = a->caps[i];
		ud[i] = (struct live_ud){ a, c->dlt };
		if (pcap_setnonblock(c->p, 1, ebuf) != 0) {
			fprintf(stderr, "sipwatch: %s: %s\n", c->name, ebuf);
			return EXIT_SETUP;
		}
		pfd[i].fd = pcap_get_selectable_fd(c->p);
		pfd[i].events = POLLIN;
		if (pfd[i].fd < 0) {
			fprintf(stderr, "sipwatch: %s: no selectable descriptor\n", c->name);
			return EXIT_SETUP;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &a->last_log);
	while (!stop) {
		if (poll(pfd, (nfds_t)a->ncaps, 1000) < 0 && errno != EINTR) {
			fprintf(stderr, "sipwatch: poll: %s\n", strerror(errno));
			status = EXIT_INPUT;
			break;
		}
		status = dispatch_all(a, ud);
		if (hup || usr1)
			act_on_signals(a);
		if (a->log_interval && since(&a->last_log) >= a->log_interval)
			log_line(a);
		dash_tick(a->dash, NULL);
		if (a->eng) {
			/* Held-back alerts are reported when their window ends,
			 * even if no packet comes after it. */
			struct timeval tv;
			gettimeofday(&tv, NULL);
			rule_engine_tick(a->eng, &tv);
		}
	}
	if (status == 0)
		status = drain_live(a, pfd, ud);
	capture_counters(a);
	return status;
}

static char *
join_args(int argc, char **argv)
{
	size_t n = 1;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *s = malloc(n);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* An output of the configuration file as a spec; errors carry its place. */
static int
cfg_output_spec(const struct rule_config *rc, size_t i, struct sink_spec *o,
    char *err, size_t errlen)
{
	const struct output_def *d = &rc->outputs[i];
	char e[512];

	if (d->spec) {
		if (sink_spec_parse(d->spec, o, e, sizeof(e)) == 0)
			return 0;
		snprintf(err, errlen, "%s:%u:%u: outputs[%zu]: %s", rc->source,
		    (unsigned)d->line, (unsigned)d->col, i, e);
		return -1;
	}
	if (sink_spec_init(o, d->kv[0].val, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "%s:%u:%u: outputs[%zu].type: %s", rc->source,
		    (unsigned)d->kv[0].line, (unsigned)d->kv[0].col, i, e);
		return -1;
	}
	for (size_t k = 1; k < d->nkv; k++)
		if (sink_spec_set(o, d->kv[k].key, d->kv[k].val, e, sizeof(e)) != 0) {
			snprintf(err, errlen, "%s:%u:%u: outputs[%zu].%s: %s", rc->source,
			    (unsigned)d->kv[k].line, (unsigned)d->kv[k].col, i, d->kv[k].key, e);
			return -1;
		}
	if (sink_spec_check(o, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "%s:%u:%u: outputs[%zu]: %s", rc->source,
		    (unsigned)d->line, (unsigned)d->col, i, e);
		return -1;
	}
	return 0;
}

/* Flushes every output within one bounded time, then frees them. */
#define FLUSH_MS 2000
static int
close_sinks(struct app *a)
{
	struct timespec dl;
	int r = 0;

	outq_now(&dl);
	outq_add_ms(&dl, FLUSH_MS);
	for (int i = 0; i < a->nsinks; i++)
		sink_shutdown(a->sinks[i], &dl);
	for (int i = 0; i < a->nsinks; i++)
		if (sink_close(a->sinks[i], &a->reports[i]) != 0)
			r = -1;
	return r;
}

int
main(int argc, char **argv)
{
	enum { O_DUMP = 256, O_STATS, O_NOUI, O_UI, O_LIMIT, O_NOFRAG, O_CHECK, O_FAILON, O_NORULES,
		O_REPLAY, O_ASCII,
		O_LOGINT };
	static const struct option lopts[] = {
		{ "dump", required_argument, NULL, O_DUMP },
		{ "stats", required_argument, NULL, O_STATS },
		{ "no-ui", no_argument, NULL, O_NOUI },
		{ "ui", no_argument, NULL, O_UI },
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "ascii", no_argument, NULL, O_ASCII },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "no-frag-filter", no_argument, NULL, O_NOFRAG },
		{ "check-config", no_argument, NULL, O_CHECK },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "no-rules", no_argument, NULL, O_NORULES },
		{ "log-interval", required_argument, NULL, O_LOGINT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	int nfiles = 0;
	const char *ifaces[MAX_IFACES], *dump_path = NULL, *stats_path = NULL;
	const char *iface = NULL; /* the first -i */
	int nifaces = 0, log_interval = DEF_LOG_INTERVAL;
	const char *run_as = NULL;
	uid_t run_uid = 0;
	gid_t run_gid = 0;
	struct capture_live_opts lo = { 262144, 1, 0, 0 };
	struct pipeline_cfg cfg;
	int widen = 1, c, check = 0, fail_on = -1, no_rules = 0;
	const char *conf_path = NULL;
	const char *outs[MAX_SINKS];
	int nouts = 0;
	int limits_given = 0;
	int ui = -1, replay = DASH_REPLAY_FAST, ascii = 0;
	char err[1024];

	if (files == NULL)
		return EXIT_SETUP;
	pipeline_cfg_default(&cfg);
	while ((c = getopt_long(argc, argv, "+r:i:s:pB:c:o:Z:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case 'i':
			if (nifaces >= MAX_IFACES) {
				fprintf(stderr, "sipwatch: at most %d -i interfaces\n", MAX_IFACES);
				return EXIT_SETUP;
			}
			for (int k = 0; k < nifaces; k++)
				if (strcmp(ifaces[k], optarg) == 0) {
					fprintf(stderr, "sipwatch: -i %s given twice\n", optarg);
					return EXIT_SETUP;
				}
			ifaces[nifaces++] = optarg;
			iface = ifaces[0];
			break;
		case 'Z':
			run_as = optarg;
			break;
		case O_LOGINT: {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end != '\0' || v < 0 || v > 86400) {
				fprintf(stderr, "sipwatch: --log-interval wants 0..86400 (seconds)\n");
				return EXIT_SETUP;
			}
			log_interval = (int)v;
			break;
		}
		case 's':
			lo.snaplen = atoi(optarg);
			if (lo.snaplen < 64 || lo.snaplen > 262144) {
				fprintf(stderr, "sipwatch: -s wants 64..262144\n");
				return EXIT_SETUP;
			}
			break;
		case 'p':
			lo.promisc = 0;
			break;
		case 'B':
			lo.buffer_mib = atoi(optarg);
			/* pcap_set_buffer_size() takes bytes as an int. */
			if (lo.buffer_mib < 1 || lo.buffer_mib > 2047) {
				fprintf(stderr, "sipwatch: -B wants 1..2047 (MiB)\n");
				return EXIT_SETUP;
			}
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'o':
			if (nouts >= MAX_SINKS) {
				fprintf(stderr, "sipwatch: at most %d -o outputs\n", MAX_SINKS);
				return EXIT_SETUP;
			}
			outs[nouts++] = optarg;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_NORULES:
			no_rules = 1;
			break;
		case O_FAILON:
			fail_on = rule_severity_parse(optarg);
			if (fail_on < 0) {
				fprintf(stderr, "sipwatch: --fail-on: unknown severity \"%s\" "
				    "(info, low, medium, high, critical)\n", optarg);
				return EXIT_SETUP;
			}
			break;
		case O_DUMP:
			dump_path = optarg;
			break;
		case O_STATS:
			stats_path = optarg;
			break;
		case O_NOUI:
			ui = 0;
			break;
		case O_UI:
			ui = 1;
			break;
		case O_REPLAY:
			if (strcmp(optarg, "speed") == 0) {
				replay = DASH_REPLAY_SPEED;
			} else if (strcmp(optarg, "fast") == 0) {
				replay = DASH_REPLAY_FAST;
			} else {
				fprintf(stderr, "sipwatch: --replay wants speed or fast\n");
				return EXIT_SETUP;
			}
			break;
		case O_ASCII:
			ascii = 1;
			break;
		case O_LIMIT:
			if (limit_set(&cfg, optarg) != 0)
				return EXIT_SETUP;
			limits_given = 1;
			break;
		case O_NOFRAG:
			widen = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("sipwatch %s (%s)\n", SIPWATCH_VERSION, pcap_lib_version());
			return 0;
		default:
			usage(stderr);
			return EXIT_SETUP;
		}
	}
	struct rule_config *rc = conf_path ? rule_config_load(conf_path, err, sizeof(err)) :
	    rule_config_default(err, sizeof(err));
	if (rc == NULL) {
		fprintf(stderr, "sipwatch: %s\n", err);
		return EXIT_SETUP;
	}
	struct sink_spec specs[MAX_SINKS];
	int nspecs = 0;
	if (rc->n_outputs + (size_t)nouts > MAX_SINKS) {
		fprintf(stderr, "sipwatch: at most %d outputs (-o and the configuration's)\n",
		    MAX_SINKS);
		return EXIT_SETUP;
	}
	for (size_t i = 0; i < rc->n_outputs; i++, nspecs++)
		if (cfg_output_spec(rc, i, &specs[nspecs], err, sizeof(err)) != 0) {
			fprintf(stderr, "sipwatch: %s\n", err);
			return EXIT_SETUP;
		}
	if (check) {
		printf("%s: OK\n", conf_path ? conf_path : "built-in rules");
		rule_config_free(rc);
		free(files);
		return 0;
	}
	/* The configuration's malformed limits are the parser's limits;
	 * --limit on the command line wins. */
	if (!limits_given)
		cfg.sip = rc->limits;
	if (nfiles == 0 && iface == NULL) {
		fprintf(stderr, "sipwatch: no input: give -r FILE or -i IFACE\n");
		usage(stderr);
		return EXIT_SETUP;
	}
	if (nfiles && iface) {
		fprintf(stderr, "sipwatch: -r and -i cannot be combined\n");
		return EXIT_SETUP;
	}
	for (int k = 0; k < nifaces && nifaces > 1; k++)
		if (strcmp(ifaces[k], "any") == 0) {
			fprintf(stderr, "sipwatch: -i any already captures on every interface: "
			    "give it alone\n");
			return EXIT_SETUP;
		}
	if (run_as) {
		/* Looked up now: an unknown user fails before anything opens. */
		errno = 0;
		struct passwd *pw = getpwnam(run_as);
		if (pw == NULL) {
			fprintf(stderr, "sipwatch: -Z %s: %s\n", run_as,
			    errno ? strerror(errno) : "no such user");
			return EXIT_SETUP;
		}
		run_uid = pw->pw_uid;
		run_gid = pw->pw_gid;
	}
	/* Flags only; installed before the long set-up so that an early
	 * HUP (systemd reload) does not kill the process. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	/* The dashboard: asked for, or live on a terminal. */
	if (ui < 0)
		ui = iface && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO);
	if (ui && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))) {
		fprintf(stderr, "sipwatch: --ui needs a terminal on stdin and stdout "
		    "(--no-ui for batch)\n");
		return EXIT_SETUP;
	}
	if (ui) {
		/* stdout is the screen: nothing else may write to it. */
		for (int i = 0; i < nspecs + nouts; i++) {
			struct sink_spec sp;
			if (i < nspecs)
				sp = specs[i];
			else if (sink_spec_parse(outs[i - nspecs], &sp, err, sizeof(err)) != 0)
				continue; /* reported when opened */
			if ((sp.kind == SINK_JSON || sp.kind == SINK_TEXT) &&
			    strcmp(sp.target, "-") == 0) {
				fprintf(stderr, "sipwatch: with the dashboard, alerts cannot go to "
				    "stdout: give %s a PATH\n", sp.kind == SINK_JSON ? "json" : "text");
				return EXIT_SETUP;
			}
		}
		if ((dump_path && strcmp(dump_path, "-") == 0) ||
		    (stats_path && strcmp(stats_path, "-") == 0 && iface)) {
			fprintf(stderr, "sipwatch: with the dashboard, --dump and live --stats "
			    "cannot go to stdout\n");
			return EXIT_SETUP;
		}
	}
	char *user_expr = optind < argc ? join_args(argc - optind, argv + optind) : NULL;
	char *expr = capture_filter_expr(user_expr, widen);

	struct app a;
	memset(&a, 0, sizeof(a));
	json_init(&a.j);
	a.max_sev = -1;
	if (nouts == 0 && nspecs == 0 && dump_path == NULL && stats_path == NULL && !no_rules &&
	    !ui)
		outs[nouts++] = "text";
	/* Outputs write from their own threads; a reader that went away
	 * must be an error on write, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < nspecs + nouts; i++) {
		if (i < nspecs) {
			a.sinks[a.nsinks] = sink_open_spec(&specs[i], err, sizeof(err));
			if (a.sinks[a.nsinks] == NULL) {
				const struct output_def *d = &rc->outputs[i];
				fprintf(stderr, "sipwatch: %s:%u:%u: outputs[%d]: %s\n", rc->source,
				    (unsigned)d->line, (unsigned)d->col, i, err);
				return EXIT_SETUP;
			}
		} else if ((a.sinks[a.nsinks] = sink_open(outs[i - nspecs], err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "sipwatch: %s\n", err);
			return EXIT_SETUP;
		}
		/* Reading files, nothing forces a drop: a full queue waits for
		 * its writer (at most as long as one delivery may take, and
		 * only once if the writer is stuck), so a replay exports the
		 * same alerts as the live run it stands for. */
		if (iface == NULL)
			sink_set_wait(a.sinks[a.nsinks], 2 * OUTQ_OP_TIMEOUT_MS);
		a.nsinks++;
	}
	a.eng = no_rules ? NULL : rule_engine_new(rc, on_alert, &a, err, sizeof(err));
	if (a.eng == NULL && !no_rules) {
		fprintf(stderr, "sipwatch: %s\n", err);
		return EXIT_SETUP;
	}
	a.dump_path = dump_path;
	a.rc = rc;
	a.conf_path = conf_path;
	a.stats_path = stats_path;
	a.log_interval = log_interval;
	if (dump_path && (a.dump = open_out(dump_path)) == NULL)
		return EXIT_SETUP;
	if (a.dump && a.dump != stdout)
		setvbuf(a.dump, NULL, _IOFBF, 1 << 16);
	a.progress = iface == NULL && isatty(STDERR_FILENO) && !ui;
	if (ui) {
		char src[128];
		a.log_interval = 0; /* the header shows those counters */
		if (iface)
			snprintf(src, sizeof(src), "%s%s", iface, nifaces > 1 ? " +more" : "");
		else if (nfiles > 1)
			snprintf(src, sizeof(src), "%s +%d", files[0], nfiles - 1);
		else
			snprintf(src, sizeof(src), "%s", files[0]);
		struct dash_opts dopt = { iface != NULL, src, replay, ascii, &stop, dash_quit, NULL };
		if ((a.dash = dash_new(&dopt, err, sizeof(err))) == NULL) {
			fprintf(stderr, "sipwatch: %s\n", err);
			return EXIT_SETUP;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &a.last_prog);

	/* Open every input first: a bad file or filter fails before work. */
	struct capture **caps = calloc((size_t)nfiles + (size_t)nifaces + 1, sizeof(*caps));
	int ncaps = 0, status = 0;
	if (caps == NULL)
		return EXIT_SETUP;
	if (iface) {
		/* capture.c: several interfaces interleave packet by packet */
		lo.immediate = nifaces > 1;
		for (int i = 0; i < nifaces; i++) {
			caps[ncaps] = capture_open_live(ifaces[i], &lo, expr, err, sizeof(err));
			if (caps[ncaps] == NULL) {
				fprintf(stderr, "sipwatch: %s\n", err);
				return EXIT_SETUP;
			}
			live_handles[ncaps] = caps[ncaps]->p;
			ncaps++;
			n_live = ncaps;
		}
	} else {
		for (int i = 0; i < nfiles; i++) {
			caps[ncaps] = capture_open_file(files[i], expr, err, sizeof(err));
			if (caps[ncaps] == NULL) {
				fprintf(stderr, "sipwatch: %s\n", err);
				return EXIT_SETUP;
			}
			ncaps++;
		}
	}

	for (int i = 0; i < a.nsinks && ncaps > 0; i++)
		sink_hint_dlt(a.sinks[i], caps[0]->dlt);
	a.caps = caps;
	a.ncaps = ncaps;
	/* In live mode the stats file is written mid-run (SIGUSR1) and may
	 * sit where the -Z user cannot create files: open it now. */
	if (stats_path && (iface || run_as) && (a.stats_f = open_out(stats_path)) == NULL)
		return EXIT_SETUP;
	if (run_as && drop_privileges(run_as, run_uid, run_gid, err, sizeof(err)) != 0) {
		fprintf(stderr, "sipwatch: %s\n", err);
		return EXIT_SETUP;
	}

	cfg.on_msg = on_msg;
	cfg.on_tls = a.eng ? on_tls : NULL;
	cfg.ud = &a;
	a.pl = pipeline_new(&cfg, err, sizeof(err));
	if (a.pl == NULL) {
		fprintf(stderr, "sipwatch: %s\n", err);
		return EXIT_SETUP;
	}
	struct reasm_filter *rf = widen ? capture_reasm_filter(user_expr) : NULL;
	if (rf)
		pipeline_set_reasm_filter(a.pl, capture_reasm_fn(), rf);

	pcap_t *dash_live[MAX_IFACES];
	for (int i = 0; i < ncaps && iface; i++)
		dash_live[i] = caps[i]->p;
	if (a.dash) {
		dash_attach(a.dash, pipeline_stats(a.pl), a.eng, a.sinks, a.nsinks,
		    dash_live, iface ? ncaps : 0);
		if (dash_start(a.dash, err, sizeof(err)) != 0) {
			fprintf(stderr, "sipwatch: %s\n", err);
			return EXIT_SETUP;
		}
	}
	if (iface) {
		status = run_live(&a);
	} else {
		for (int i = 0; i < ncaps && !stop; i++) {
			int r = run_file(&a, caps[i]);
			if (r > status)
				status = r;
		}
	}
	n_live = 0;
	pipeline_finish(a.pl);
	if (a.eng)
		rule_engine_finish(a.eng);
	/* Shows the end state; for a file, until the user quits. */
	dash_finish(a.dash);
	dash_free(a.dash);
	a.dash = NULL;
	if (close_sinks(&a) != 0)
		status = status ? status : EXIT_SETUP;

	if (stats_path) {
		if (write_stats(&a, a.reports) != 0)
			status = status ? status : EXIT_SETUP;
		if (a.stats_f && a.stats_f != stdout && fclose(a.stats_f) != 0)
			status = status ? status : EXIT_SETUP;
	}
	if (a.dump && fflush(a.dump) != 0) {
		fprintf(stderr, "sipwatch: %s: %s\n", dump_path, strerror(errno));
		status = status ? status : EXIT_SETUP;
	}
	if (a.dump && a.dump != stdout)
		fclose(a.dump);
	if (a.dump_err)
		status = status ? status : EXIT_SETUP;

	for (int i = 0; i < ncaps; i++)
		capture_close(caps[i]);
	free(caps);
	capture_reasm_free(rf);
	pipeline_free(a.pl);
	if (a.eng)
		rule_engine_free(a.eng);
	rule_config_free(a.rc);
	json_free(&a.j);
	if (status == 0 && fail_on >= 0 && a.max_sev >= fail_on)
		status = EXIT_ALERTS;
	free(expr);
	free(user_expr);
	free(files);
	return status;
}
