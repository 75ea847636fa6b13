/*
 * outputs_test.c - alert outputs: RFC 5424 formatting and escaping
 * (section 6.3.3), RFC 6587 octet counting, RFC 3164, output specs, the
 * configuration's outputs section, and the bounded queue (drops counted,
 * flush bounded in time).
 */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "monitor/alerts.h"
#include "monitor/json.h"
#include "monitor/outq.h"
#include "monitor/syslog_sink.h"

/* ------------------------------------------------------------ escaping */

static const struct {
	const char *in;
	int sd;
	const char *want;
	int nonascii;
	const char *comment;
} text_cases[] = {
	{ "plain", 1, "plain", 0, "ASCII unchanged" },
	{ "a\"b", 1, "a\\\"b", 0, "quote escaped (RFC 5424 6.3.3)" },
	{ "a\\b", 1, "a\\\\b", 0, "backslash escaped" },
	{ "a]b", 1, "a\\]b", 0, "closing bracket escaped" },
	{ "a[b=c", 1, "a[b=c", 0, "'[' and '=' need no escape" },
	{ "\"]\\", 0, "\"]\\", 0, "MSG: no escaping" },
	{ "B\xc3\xbc" "b", 1, "B\xc3\xbc" "b", 1, "valid UTF-8 kept" },
	{ "x\xffy", 1, "x\xef\xbf\xbdy", 1, "invalid byte -> U+FFFD" },
	{ "x\xc3", 1, "x\xef\xbf\xbd", 1, "truncated sequence -> U+FFFD" },
	{ "\xed\xa0\x80", 1, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", 1, "surrogate: each byte replaced" },
	{ "a\tb\x7f", 1, "a\xef\xbf\xbd" "b\xef\xbf\xbd", 1, "controls -> U+FFFD" },
	{ "\xc0\xaf", 1, "\xef\xbf\xbd\xef\xbf\xbd", 1, "overlong -> U+FFFD" },
};

Test(syslog, text_escaping)
{
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
		struct obuf b;
		obuf_init(&b);
		int u = syslog_text(&b, text_cases[i].in, strlen(text_cases[i].in),
		    text_cases[i].sd, SYSLOG_MAX_VALUE);
		obuf_putc(&b, '\0');
		cr_expect_str_eq(b.p, text_cases[i].want, "%s", text_cases[i].comment);
		cr_expect_eq(u, text_cases[i].nonascii, "%s: non-ASCII flag", text_cases[i].comment);
		obuf_free(&b);
	}
}

/* syslog_text() one byte at a time, as it was before it copied runs of
 * plain bytes at once: the reference for the test below. */
static int
ref_syslog_text(struct obuf *b, const unsigned char *p, size_t n, int sd, size_t max)
{
	const unsigned char *end = p + n;
	size_t out = 0;
	int nonascii = 0;
	while (p < end) {
		unsigned char c = *p;
		const char *w = (const char *)p;
		size_t wl = 1, used = 1;
		if (!(c >= 0x20 && c < 0x7f)) {
			size_t l = c >= 0x80 ? json_utf8_len(p, end) : 0;
			if (l) {
				wl = used = l;
			} else {
				w = "\xEF\xBF\xBD";
				wl = 3;
			}
		}
		if (out + wl > max)
			break;
		if (sd && wl == 1 && (c == '"' || c == '\\' || c == ']'))
			obuf_putc(b, '\\');
		obuf_put(b, w, wl);
		if (wl > 1)
			nonascii = 1;
		out += wl;
		p += used;
	}
	return nonascii;
}

Test(syslog, text_as_the_byte_loop)
{
	static const unsigned char pool[] = "abcXYZ019 =[]\"\\\t\x7f\x01\xc3\xbc\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\xed\xa0\x80\xc0\xff";
	uint64_t r = 0x9e3779b97f4a7c15ULL;
	for (int it = 0; it < 30000; it++) {
		unsigned char buf[300];
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
		size_t n = (size_t)(r % sizeof(buf));
		for (size_t i = 0; i < n; i++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			/* mostly letters, in runs long enough for 16-byte loads */
			buf[i] = (r & 7) ? (unsigned char)('a' + (r >> 8) % 26) :
			    pool[(r >> 8) % (sizeof(pool) - 1)];
		}
		int sd = (int)(r >> 20) & 1;
		size_t max = (r >> 21) % 4 ? SYSLOG_MAX_VALUE : (size_t)((r >> 23) % 64);
		unsigned char *s = malloc(n ? n : 1); /* exact size: no read past it */
		cr_assert_not_null(s);
		memcpy(s, buf, n);
		struct obuf a, b;
		obuf_init(&a);
		obuf_init(&b);
		int ua = ref_syslog_text(&a, s, n, sd, max);
		int ub = syslog_text(&b, (const char *)s, n, sd, max);
		cr_assert_eq(ua, ub, "non-ASCII flag (subject of %zu bytes, sd %d, max %zu)", n, sd, max);
		cr_assert_eq(a.len, b.len, "length (subject of %zu bytes, sd %d, max %zu)", n, sd, max);
		cr_assert(a.len == 0 || memcmp(a.p, b.p, a.len) == 0, "text differs");
		obuf_free(&a);
		obuf_free(&b);
		free(s);
	}
}

Test(syslog, value_cut_at_character_boundary)
{
	char in[2000];
	struct obuf b;

	/* "ü" is 2 bytes: 1024 bytes hold 512 of them; an odd limit must not
	 * split one. */
	for (size_t i = 0; i < 1000; i++)
		memcpy(in + 2 * i, "\xc3\xbc", 2);
	obuf_init(&b);
	syslog_text(&b, in, 2000, 1, 7);
	cr_expect_eq(b.len, 6);
	obuf_free(&b);
	obuf_init(&b);
	syslog_text(&b, in, 2000, 1, SYSLOG_MAX_VALUE);
	cr_expect_eq(b.len, SYSLOG_MAX_VALUE);
	obuf_free(&b);
}

/* ------------------------------------------------------------ messages */

static struct rule_pkt pkt;
static struct rule_alert al;

static void
make_alert(const char *message, int sev)
{
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts.tv_sec = 1704067200; /* 2024-01-01T00:00:00Z */
	pkt.ts.tv_usec = 5;
	pkt.frame = 7;
	pkt.ipver = 4;
	pkt.transport = IPPROTO_UDP;
	memcpy(pkt.src, "\xc0\x00\x02\x01", 4);
	memcpy(pkt.dst, "\xc6\x33\x64\x02", 4);
	pkt.sport = 5060;
	pkt.dport = 5061;
	memset(&al, 0, sizeof(al));
	al.ts = pkt.ts;
	al.rule = "scanner";
	al.rule_id = R_SCANNER;
	al.severity = sev;
	al.message = message;
	al.key = "k\"]\\";
	al.count = 3;
	al.pkt = &pkt;
}

static char *
fmt(const struct syslog_fmt *f)
{
	struct obuf b;
	obuf_init(&b);
	syslog_format(&b, f, &al);
	obuf_putc(&b, '\0');
	return b.p;
}

#define SD "[sipwatch@32473 ts=\"2024-01-01T00:00:00.000005Z\" rule=\"scanner\" " \
	"severity=\"high\" message=\"%s\" frame=\"7\" src=\"192.0.2.1\" sport=\"5060\" " \
	"dst=\"198.51.100.2\" dport=\"5061\" transport=\"udp\" key=\"k\\\"\\]\\\\\" count=\"3\"]"

Test(syslog, rfc5424)
{
	struct syslog_fmt f = { LOG_LOCAL0, 0, SYSLOG_FRAME_NONE, "sensor1", "sipwatch", 42 };
	char want[1024];

	make_alert("scan from 192.0.2.1", SEV_HIGH);
	char *got = fmt(&f);
	/* PRI: local0 (16) * 8 + LOG_ERR (3) = 131 */
	snprintf(want, sizeof(want), "<131>1 2024-01-01T00:00:00.000005Z sensor1 sipwatch 42 "
	    "scanner " SD " scan from 192.0.2.1", "scan from 192.0.2.1");
	cr_expect_str_eq(got, want);
	free(got);

	/* Non-ASCII MSG: BOM first (RFC 5424 6.4). */
	make_alert("J\xc3\xbcrgen \xff", SEV_CRITICAL);
	got = fmt(&f);
	cr_expect(strstr(got, "] \xef\xbb\xbfJ\xc3\xbcrgen \xef\xbf\xbd") != NULL, "%s", got);
	cr_expect(strncmp(got, "<130>1 ", 7) == 0, "critical is LOG_CRIT");
	free(got);
}

Test(syslog, octet_counting)
{
	struct syslog_fmt f = { LOG_DAEMON, 0, SYSLOG_FRAME_OCTET, "h", "sipwatch", 1 };
	make_alert("J\xc3\xbcrgen", SEV_LOW);
	char *got = fmt(&f);
	char *sp = strchr(got, ' ');
	cr_assert_not_null(sp);
	/* RFC 6587 3.4.1: MSG-LEN counts octets, not characters. */
	cr_expect_eq(strtoul(got, NULL, 10), strlen(sp + 1));
	cr_expect(strncmp(sp + 1, "<29>1 ", 6) == 0, "daemon(3)*8 + notice(5)");
	free(got);
}

Test(syslog, rfc3164)
{
	struct syslog_fmt f = { LOG_AUTH, 1, SYSLOG_FRAME_LF, "sensor1", "sipwatch", 42 };
	make_alert("scan", SEV_HIGH);
	char *got = fmt(&f);
	char want[1024];
	snprintf(want, sizeof(want), "<35>Jan  1 00:00:00 sensor1 sipwatch[42]: " SD " scan\n",
	    "scan");
	cr_expect_str_eq(got, want);
	free(got);
}

Test(syslog, levels)
{
	cr_expect_eq(syslog_level(SEV_CRITICAL), LOG_CRIT);
	cr_expect_eq(syslog_level(SEV_HIGH), LOG_ERR);
	cr_expect_eq(syslog_level(SEV_MEDIUM), LOG_WARNING);
	cr_expect_eq(syslog_level(SEV_LOW), LOG_NOTICE);
	cr_expect_eq(syslog_level(SEV_INFO), LOG_INFO);
}

/* ------------------------------------------------------------ specs */

static const struct {
	const char *spec;
	int ok;
	const char *target; /* expected target when ok */
	const char *comment;
} spec_cases[] = {
	{ "json", 1, "-", "stdout" },
	{ "json:/tmp/a,b", 1, "/tmp/a,b", "json path takes commas" },
	{ "text:-", 1, "-", "" },
	{ "syslog", 1, "", "local" },
	{ "syslog:ident=sw,facility=local3", 1, "", "local with options" },
	{ "syslog:udp://127.0.0.1:514", 1, "udp://127.0.0.1:514", "" },
	{ "syslog:tcp://[::1]:6514,rfc3164,hostname=s1", 1, "tcp://[::1]:6514", "IPv6" },
	{ "syslog:udp://loghost", 1, "udp://loghost:514", "default port" },
	{ "syslog:udp://::1:514", 0, NULL, "IPv6 without brackets" },
	{ "syslog:udp://h:0", 0, NULL, "port 0" },
	{ "syslog:udp://h:70000", 0, NULL, "port too big" },
	{ "syslog:http://h:1", 0, NULL, "no such scheme" },
	{ "syslog:facility=nope", 0, NULL, "facility" },
	{ "syslog:ident=has space", 0, NULL, "ident not PRINTUSASCII" },
	{ "syslog:udp://h:1,size=1M", 0, NULL, "pcap option on syslog" },
	{ "pcap:/tmp/e.pcap,size=10M,files=3", 1, "/tmp/e.pcap", "" },
	{ "pcap:/tmp/e.pcap,size=10", 0, NULL, "size below 4K" },
	{ "pcap:/tmp/e.pcap,files=0", 0, NULL, "files 0" },
	{ "pcap", 0, NULL, "pcap needs a path" },
	{ "syslg", 0, NULL, "unknown output" },
	{ "json,x", 0, NULL, "no options in json's short form" },
	{ "syslog:udp://h:1,,rfc3164", 0, NULL, "empty option" },
	{ "syslog:udp://h:1,queue=5", 1, "udp://h:1", "queue" },
};

Test(spec, parse)
{
	for (size_t i = 0; i < sizeof(spec_cases) / sizeof(spec_cases[0]); i++) {
		struct sink_spec o;
		char err[512] = "";
		int r = sink_spec_parse(spec_cases[i].spec, &o, err, sizeof(err));
		cr_expect_eq(r == 0, spec_cases[i].ok, "%s (%s): %s", spec_cases[i].spec,
		    spec_cases[i].comment, err);
		if (r == 0 && spec_cases[i].ok)
			cr_expect_str_eq(o.target, spec_cases[i].target, "%s", spec_cases[i].spec);
		if (r != 0)
			cr_expect(err[0] != '\0', "%s: an error message", spec_cases[i].spec);
	}
	struct sink_spec o;
	char err[256];
	cr_assert_eq(sink_spec_parse("syslog:tcp://h:1,rfc3164,facility=local0,ident=x", &o,
	    err, sizeof(err)), 0);
	cr_expect_eq(o.net, SINK_NET_TCP);
	cr_expect_eq(o.rfc3164, 1);
	cr_expect_eq(o.facility, LOG_LOCAL0);
	cr_expect_str_eq(o.ident, "x");
	cr_assert_eq(sink_spec_parse("pcap:p,size=2K", &o, err, sizeof(err)), -1);
	cr_assert_eq(sink_spec_parse("pcap:p,size=2M,files=4", &o, err, sizeof(err)), 0);
	cr_expect_eq(o.size, 2u << 20);
	cr_expect_eq(o.files, 4);
}

/* ------------------------------------------------------------ config */

Test(config, outputs)
{
	static const char ok[] =
	    "outputs:\n"
	    "  - json:/tmp/x.json\n"
	    "  - {type: syslog, target: 'udp://[::1]:514', format: rfc3164}\n"
	    "  - type: pcap\n"
	    "    path: /tmp/e.pcap\n"
	    "    size: 10M\n";
	char err[512];
	struct rule_config *c = rule_config_parse("o.yaml", ok, strlen(ok), err, sizeof(err));
	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(c->n_outputs, 3);
	cr_expect_str_eq(c->outputs[0].spec, "json:/tmp/x.json");
	cr_expect_null(c->outputs[1].spec);
	cr_expect_str_eq(c->outputs[1].kv[0].key, "type");
	cr_expect_str_eq(c->outputs[1].kv[0].val, "syslog");
	cr_expect_eq(c->outputs[2].nkv, 3);
	cr_expect_eq(c->outputs[2].kv[2].line, 6);
	cr_expect_eq(c->outputs[2].kv[2].col, 11);
	rule_config_free(c);

	static const struct {
		const char *yaml, *err;
	} bad[] = {
		{ "outputs: [{path: x}]\n", "b.yaml:1:11: outputs[0]: missing key \"type\"" },
		{ "outputs: [{type: mail}]\n", "b.yaml:1:18: outputs[0].type: expected json" },
		{ "outputs: [{type: json, size: 1}]\n", "b.yaml:1:24: outputs[0].size: unknown key" },
		{ "outputs: [[1]]\n", "b.yaml:1:11: outputs[0]: expected an output" },
		{ "outputs: json\n", "b.yaml:1:10: outputs: expected a list" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = rule_config_parse("b.yaml", bad[i].yaml, strlen(bad[i].yaml), err, sizeof(err));
		cr_expect_null(c, "%s", bad[i].yaml);
		cr_expect(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "got %s, want %s",
		    err, bad[i].err);
		rule_config_free(c);
	}
}

/* ------------------------------------------------------------ queue */

struct gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open;
	int mode; /* 0 wait for the gate then SENT, 1 always RETRY */
	int delivered;
};

static int
gate_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct gate *g = ud;
	(void)q, (void)rec, (void)len, (void)deadline;
	if (g->mode == 1) {
		*retry_ms = 50;
		return OUTQ_RETRY;
	}
	pthread_mutex_lock(&g->mu);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	g->delivered++;
	pthread_mutex_unlock(&g->mu);
	return OUTQ_SENT;
}

Test(outq, bounded_and_counted)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	char err[128];
	struct outq *q = outq_new(4, 1 << 20, gate_deliver, NULL, &g, err, sizeof(err));
	cr_assert_not_null(q);
	int queued = 0, dropped = 0;
	/* The writer holds one record in deliver, 4 wait: pushing 20 while
	 * the gate is shut never blocks and drops the rest. */
	for (int i = 0; i < 20; i++)
		*(outq_push(q, "x", 1) == 0 ? &queued : &dropped) += 1;
	cr_expect_geq(queued, 4);
	cr_expect_leq(queued, 5);
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	struct outq_stats st;
	cr_assert_eq(outq_close(q, &st), 0);
	cr_expect_eq(st.sent, (uint64_t)queued);
	cr_expect_eq(st.dropped, (uint64_t)dropped);
	cr_expect_eq(g.delivered, queued);
}

Test(outq, byte_bound)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	char err[128], rec[400];
	struct outq *q = outq_new(1000, 1000, gate_deliver, NULL, &g, err, sizeof(err));
	cr_assert_not_null(q);
	memset(rec, 'x', sizeof(rec));
	int queued = 0;
	for (int i = 0; i < 10; i++)
		queued += outq_push(q, rec, sizeof(rec)) == 0;
	cr_expect_leq(queued, 3, "1000 bytes hold 2 records of 400 (+1 in deliver)");
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	struct outq_stats st;
	outq_close(q, &st);
	cr_expect_eq(st.dropped, (uint64_t)(10 - queued));
}

Test(outq, flush_is_bounded)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1, 1, 0 };
	char err[128];
	struct outq *q = outq_new(100, 1 << 20, gate_deliver, NULL, &g, err, sizeof(err));
	cr_assert_not_null(q);
	for (int i = 0; i < 10; i++)
		cr_assert_eq(outq_push(q, "y", 1), 0);
	struct timespec t0, dl;
	outq_now(&t0);
	dl = t0;
	outq_add_ms(&dl, 300);
	outq_shutdown(q, &dl);
	cr_expect_eq(outq_push(q, "z", 1), -1, "closing: no new records");
	struct outq_stats st;
	cr_assert_eq(outq_close(q, &st), 0);
	long took = -outq_ms_until(&t0);
	cr_expect_geq(took, 250, "waited for the deadline (%ld ms)", took);
	cr_expect_leq(took, 1000, "but not much longer (%ld ms)", took);
	cr_expect_eq(st.sent, 0);
	cr_expect_eq(st.dropped, 11, "10 undelivered + 1 refused");
}

/* A slow writer: each delivery takes about 1 ms. */
static int
slow_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct gate *g = ud;
	(void)q, (void)rec, (void)len, (void)deadline, (void)retry_ms;
	struct timespec ms = { 0, 1000000 };
	nanosleep(&ms, NULL);
	pthread_mutex_lock(&g->mu);
	g->delivered++;
	pthread_mutex_unlock(&g->mu);
	return OUTQ_SENT;
}

Test(outq, waiting_queue_loses_nothing)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 1, 0, 0 };
	char err[128];
	struct outq *q = outq_new(4, 1 << 20, slow_deliver, NULL, &g, err, sizeof(err));
	cr_assert_not_null(q);
	outq_set_wait(q, 1000);
	/* 100 records into 4 slots, far faster than the writer takes them. */
	for (int i = 0; i < 100; i++)
		cr_assert_eq(outq_push(q, "w", 1), 0, "record %d dropped", i);
	struct outq_stats st;
	cr_assert_eq(outq_close(q, &st), 0);
	cr_expect_eq(st.sent, 100);
	cr_expect_eq(st.dropped, 0);
}

Test(outq, waiting_queue_gives_up_on_a_stuck_writer)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 1, 0 };
	char err[128];
	struct outq *q = outq_new(2, 1 << 20, gate_deliver, NULL, &g, err, sizeof(err));
	cr_assert_not_null(q);
	outq_set_wait(q, 200);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(outq_push(q, "s", 1), 0);
	struct timespec t0;
	outq_now(&t0);
	/* The writer retries forever: the first push into the full queue
	 * waits 200 ms, the next ones drop at once. */
	int dropped = 0;
	for (int i = 0; i < 20; i++)
		dropped += outq_push(q, "s", 1) != 0;
	long took = -outq_ms_until(&t0);
	cr_expect_eq(dropped, 20);
	cr_expect_geq(took, 150, "waited once (%ld ms)", took);
	cr_expect_leq(took, 900, "but not once per record (%ld ms)", took);
	struct timespec dl;
	outq_now(&dl);
	outq_add_ms(&dl, 100);
	outq_shutdown(q, &dl);
	struct outq_stats st;
	cr_assert_eq(outq_close(q, &st), 0);
	cr_expect_eq(st.dropped, 22);
}

/* ------------------------------------------------------------ batching */

struct counter {
	pthread_mutex_t mu;
	int delivered, idles, delivered_at_idle;
};

static int
count_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct counter *c = ud;
	(void)q, (void)rec, (void)len, (void)deadline, (void)retry_ms;
	pthread_mutex_lock(&c->mu);
	c->delivered++;
	pthread_mutex_unlock(&c->mu);
	return OUTQ_SENT;
}

static void
count_idle(void *ud, struct outq *q)
{
	struct counter *c = ud;
	(void)q;
	pthread_mutex_lock(&c->mu);
	c->idles++;
	c->delivered_at_idle = c->delivered;
	pthread_mutex_unlock(&c->mu);
}

/* Busy for us microseconds, as the capture thread is between alerts. */
static void
spin_us(long us)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

/* Alerts every 20 us (the mix capture's pace) wake the writer (and flush
 * a file) once per batch, not once per alert. */
Test(outq, burst_goes_in_batches)
{
	struct counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	char err[128];
	struct outq *q = outq_new(10000, 1 << 20, count_deliver, NULL, &c, err, sizeof(err));
	cr_assert_not_null(q);
	outq_set_idle(q, count_idle);
	for (int i = 0; i < 2000; i++) {
		cr_assert_eq(outq_push(q, "b", 1), 0);
		spin_us(20);
	}
	struct outq_stats st;
	cr_assert_eq(outq_close(q, &st), 0);
	cr_expect_eq(st.sent, 2000);
	cr_expect_eq(c.delivered, 2000);
	cr_expect_eq(c.delivered_at_idle, 2000, "the last idle call follows the last record");
	cr_expect_leq(c.idles, 2000 / 16, "%d idle calls for 2000 records", c.idles);
}

/* A lone record does not wait for company: it is delivered, and the
 * idle call (a file's flush) follows, within the gathering time. */
Test(outq, lone_record_goes_out_promptly)
{
	struct counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	char err[128];
	struct outq *q = outq_new(10000, 1 << 20, count_deliver, NULL, &c, err, sizeof(err));
	cr_assert_not_null(q);
	outq_set_idle(q, count_idle);
	usleep(20000); /* the writer is asleep */
	struct timespec t0;
	outq_now(&t0);
	cr_assert_eq(outq_push(q, "l", 1), 0);
	int flushed = 0;
	for (int i = 0; i < 1000 && !flushed; i++) {
		pthread_mutex_lock(&c.mu);
		flushed = c.delivered_at_idle == 1;
		pthread_mutex_unlock(&c.mu);
		if (!flushed)
			usleep(1000);
	}
	long took = -outq_ms_until(&t0);
	cr_expect(flushed, "delivered and flushed");
	cr_expect_leq(took, 500, "after %ld ms", took);
	cr_assert_eq(outq_close(q, NULL), 0);
}

/* A file output whose buffered writes fail (/dev/full) counts every
 * record as dropped, none as sent. */
Test(outputs, failed_file_writes_are_counted)
{
	char err[256];
	struct sink *s = sink_open("json:/dev/full", err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	make_alert("full disk", 4);
	for (int i = 0; i < 50; i++)
		sink_write(s, &al);
	struct sink_report rep;
	sink_close(s, &rep);
	cr_expect_eq(rep.sent, 0, "sent %llu", (unsigned long long)rep.sent);
	cr_expect_eq(rep.dropped, 50, "dropped %llu", (unsigned long long)rep.dropped);
	cr_expect_geq(rep.errors, 1);
}

/* A writer letting a batch gather must not let the queue fill by bytes:
 * live (no waiting), records of 600 bytes into a 1000-byte queue, one
 * every 2 ms, all go out.  A writer that gathered for OUTQ_GATHER_MS
 * would drop in every attempt; a busy machine that does not schedule the
 * writer within 2 ms only now and then, hence up to three attempts. */
Test(outq, gathering_never_fills_the_byte_bound)
{
	char err[128], rec[600];
	int dropped = 0;
	uint64_t sent = 0;
	memset(rec, 'g', sizeof(rec));
	for (int attempt = 0; attempt < 3; attempt++) {
		struct counter c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
		struct outq *q = outq_new(1000, 1000, count_deliver, NULL, &c, err, sizeof(err));
		cr_assert_not_null(q);
		usleep(20000); /* the writer is asleep */
		dropped = 0;
		for (int i = 0; i < 20; i++) {
			dropped += outq_push(q, rec, sizeof(rec)) != 0;
			usleep(2000);
		}
		struct outq_stats st;
		cr_assert_eq(outq_close(q, &st), 0);
		sent = st.sent;
		if (dropped == 0 && sent == 20)
			break;
	}
	cr_expect_eq(dropped, 0, "%d of 20 dropped", dropped);
	cr_expect_eq(sent, 20);
}
