/*
 * main.c - sipwatch command line: configuration, inputs, outputs, the
 * capture loop.
 *
 * Exit status: 0 success; 1 usage or set-up error (bad option or config,
 * unreadable or unsupported input, bad filter, missing interface); 2 an
 * input was truncated or corrupt (everything before the damage was
 * processed and reported); 3 alerts at or above --fail-on occurred.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "monitor/alerts.h"
#include "monitor/capture.h"
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

static volatile sig_atomic_t stop;
static pcap_t *live_handle;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
	if (live_handle)
		pcap_breakloop(live_handle);
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
};

static void
rule_pkt_from(struct rule_pkt *r, const struct pkt_meta *m, const struct pipeline *pl)
{
	struct pipeline_raw raw;

	memset(r, 0, sizeof(*r));
	if (pl && pipeline_current_frame(pl, &raw)) {
		r->raw = raw.data;
		r->raw_caplen = raw.caplen;
		r->raw_len = raw.len;
		r->raw_dlt = raw.dlt;
	}
	r->ts = m->ts;
	r->frame = m->frame;
	r->ipver = m->ipver;
	r->transport = m->transport;
	r->ws = m->ws;
	memcpy(r->src, m->src, 16);
	memcpy(r->dst, m->dst, 16);
	r->sport = m->sport;
	r->dport = m->dport;
}

static void
on_alert(void *ud, const struct rule_alert *al)
{
	struct app *a = ud;
	if (al->severity > a->max_sev)
		a->max_sev = al->severity;
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
	if (a->eng) {
		struct rule_pkt r;
		rule_pkt_from(&r, m, a->pl);
		rule_engine_message(a->eng, &r, msg, sum);
	}
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
	    "  -i IFACE           capture live on IFACE (promiscuous, immediate mode)\n"
	    "  -s SNAPLEN         live snapshot length (default 262144)\n"
	    "  -p                 live: do not put the interface in promiscuous mode\n"
	    "  -B MIB             live: kernel buffer size in MiB\n"
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
	    "  --stats=PATH       one JSON object of counters at the end (- is stdout)\n"
	    "  --no-ui            batch mode (the default when stdout is not a terminal)\n"
	    "  --limit NAME=N     override a limit; repeatable; --limit help lists them\n"
	    "  -h, --help         this help;  -V, --version  the version\n"
	    "\n"
	    "Exit status: 0 ok, 1 usage or set-up error, 2 damaged input,\n"
	    "3 alerts at or above --fail-on.\n");
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

/* Reads a whole file.  Returns 0, or EXIT_INPUT when it was damaged. */
static int
run_file(struct app *a, struct capture *c)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0;
	int r = 0;

	while (!stop && (r = pcap_next_ex(c->p, &h, &d)) >= 0) {
		if (r == 0)
			continue;
		n++;
		pipeline_frame(a->pl, c->dlt, &h->ts, d, h->caplen, h->len);
		if (a->progress && (n & 4095) == 0)
			progress(a, c, 0);
	}
	if (a->progress)
		progress(a, c, 1);
	if (!stop && r == PCAP_ERROR) {
		fprintf(stderr, "sipwatch: %s: damaged after packet %llu: %s\n",
		    c->name, (unsigned long long)n, pcap_geterr(c->p));
		return EXIT_INPUT;
	}
	return 0;
}

static int live_dlt;

static void
live_cb(u_char *ud, const struct pcap_pkthdr *h, const u_char *d)
{
	struct app *a = (struct app *)(void *)ud;
	pipeline_frame(a->pl, live_dlt, &h->ts, d, h->caplen, h->len);
}

static int
run_live(struct app *a, struct capture *c)
{
	live_handle = c->p;
	live_dlt = c->dlt;
	while (!stop) {
		int r = pcap_dispatch(c->p, -1, live_cb, (u_char *)(void *)a);
		if (r == PCAP_ERROR) {
			fprintf(stderr, "sipwatch: %s: %s\n", c->name, pcap_geterr(c->p));
			live_handle = NULL;
			return EXIT_INPUT;
		}
		if (r == PCAP_ERROR_BREAK)
			break;
	}
	struct pcap_stat ps;
	struct stats *s = pipeline_stats(a->pl);
	if (pcap_stats(c->p, &ps) == 0) {
		s->cap_recv += ps.ps_recv;
		s->cap_drop += ps.ps_drop;
		s->cap_ifdrop += ps.ps_ifdrop;
	}
	s->live = 1;
	live_handle = NULL;
	return 0;
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
	enum { O_DUMP = 256, O_STATS, O_NOUI, O_UI, O_LIMIT, O_NOFRAG, O_CHECK, O_FAILON, O_NORULES };
	static const struct option lopts[] = {
		{ "dump", required_argument, NULL, O_DUMP },
		{ "stats", required_argument, NULL, O_STATS },
		{ "no-ui", no_argument, NULL, O_NOUI },
		{ "ui", no_argument, NULL, O_UI },
		{ "limit", required_argument, NULL, O_LIMIT },
		{ "no-frag-filter", no_argument, NULL, O_NOFRAG },
		{ "check-config", no_argument, NULL, O_CHECK },
		{ "fail-on", required_argument, NULL, O_FAILON },
		{ "no-rules", no_argument, NULL, O_NORULES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char **files = calloc((size_t)argc + 1, sizeof(char *));
	int nfiles = 0;
	const char *iface = NULL, *dump_path = NULL, *stats_path = NULL;
	struct capture_live_opts lo = { 262144, 1, 0 };
	struct pipeline_cfg cfg;
	int widen = 1, c, check = 0, fail_on = -1, no_rules = 0;
	const char *conf_path = NULL;
	const char *outs[MAX_SINKS];
	int nouts = 0;
	int limits_given = 0;
	char err[1024];

	if (files == NULL)
		return EXIT_SETUP;
	pipeline_cfg_default(&cfg);
	while ((c = getopt_long(argc, argv, "+r:i:s:pB:c:o:hV", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			files[nfiles++] = optarg;
			break;
		case 'i':
			if (iface) {
				fprintf(stderr, "sipwatch: one -i interface per process in this version\n");
				return EXIT_SETUP;
			}
			iface = optarg;
			break;
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
			if (lo.buffer_mib < 1 || lo.buffer_mib > 4096) {
				fprintf(stderr, "sipwatch: -B wants 1..4096 (MiB)\n");
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
			break;
		case O_UI:
			fprintf(stderr, "sipwatch: the dashboard (--ui) is not in this version; "
			    "use --dump and --stats\n");
			return EXIT_SETUP;
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
	char *user_expr = optind < argc ? join_args(argc - optind, argv + optind) : NULL;
	char *expr = capture_filter_expr(user_expr, widen);

	struct app a;
	memset(&a, 0, sizeof(a));
	json_init(&a.j);
	a.max_sev = -1;
	if (nouts == 0 && nspecs == 0 && dump_path == NULL && stats_path == NULL && !no_rules)
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
		a.nsinks++;
	}
	a.eng = no_rules ? NULL : rule_engine_new(rc, on_alert, &a, err, sizeof(err));
	if (a.eng == NULL && !no_rules) {
		fprintf(stderr, "sipwatch: %s\n", err);
		return EXIT_SETUP;
	}
	a.dump_path = dump_path;
	if (dump_path && (a.dump = open_out(dump_path)) == NULL)
		return EXIT_SETUP;
	if (a.dump && a.dump != stdout)
		setvbuf(a.dump, NULL, _IOFBF, 1 << 16);
	a.progress = iface == NULL && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &a.last_prog);

	/* Open every input first: a bad file or filter fails before work. */
	struct capture **caps = calloc((size_t)nfiles + 1, sizeof(*caps));
	int ncaps = 0, status = 0;
	if (caps == NULL)
		return EXIT_SETUP;
	if (iface) {
		caps[ncaps] = capture_open_live(iface, &lo, expr, err, sizeof(err));
		if (caps[ncaps] == NULL) {
			fprintf(stderr, "sipwatch: %s\n", err);
			return EXIT_SETUP;
		}
		ncaps++;
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

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (int i = 0; i < ncaps && !stop; i++) {
		int r = caps[i]->live ? run_live(&a, caps[i]) : run_file(&a, caps[i]);
		if (r > status)
			status = r;
	}
	pipeline_finish(a.pl);
	if (a.eng)
		rule_engine_finish(a.eng);
	if (close_sinks(&a) != 0)
		status = status ? status : EXIT_SETUP;

	if (stats_path) {
		FILE *sf = open_out(stats_path);
		struct stats_output so[MAX_SINKS];
		for (int i = 0; i < a.nsinks; i++)
			so[i] = (struct stats_output){ a.reports[i].kind, a.reports[i].target,
				a.reports[i].sent, a.reports[i].dropped, a.reports[i].errors,
				a.reports[i].reconnects };
		if (sf == NULL || stats_write_ex(pipeline_stats(a.pl),
		    a.eng ? rule_engine_stats(a.eng) : NULL, so, (size_t)a.nsinks, sf) != 0) {
			if (sf)
				fprintf(stderr, "sipwatch: %s: %s\n", stats_path, strerror(errno));
			status = status ? status : EXIT_SETUP;
		}
		if (sf && sf != stdout && fclose(sf) != 0)
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
	rule_config_free(rc);
	json_free(&a.j);
	if (status == 0 && fail_on >= 0 && a.max_sev >= fail_on)
		status = EXIT_ALERTS;
	free(expr);
	free(user_expr);
	free(files);
	return status;
}
