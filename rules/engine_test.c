/*
 * engine_test.c - Criterion tests for the rule engine: every built-in rule
 * at and below its threshold, sliding windows, suppression and the
 * counts alerts carry, finish(), per-domain policy, IPv6, table eviction,
 * custom rules and a pattern that would run away.  Configurations are
 * built by hand; messages are SIP text parsed with sip_parse (datagram
 * mode) and sip_summarize.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers/sip.h"
#include "parsers/sip_summary.h"
#include "rules/rules.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ harness */

struct got {
	char rule[64];
	int id, sev;
	char msg[640];
	char key[160];
	int has_key, has_pkt;
	uint64_t count;
};

#define MAXGOT 256
static struct got got[MAXGOT];
static int ngot;

static void
on_alert(void *ud, const struct rule_alert *a)
{
	(void)ud;
	cr_assert(a->count >= 1, "alert count 0");
	cr_assert_not_null(a->message);
	if (ngot >= MAXGOT)
		return;
	struct got *g = &got[ngot++];
	snprintf(g->rule, sizeof(g->rule), "%s", a->rule);
	g->id = a->rule_id;
	g->sev = a->severity;
	snprintf(g->msg, sizeof(g->msg), "%s", a->message);
	g->has_key = a->key != NULL;
	snprintf(g->key, sizeof(g->key), "%s", a->key ? a->key : "");
	g->has_pkt = a->pkt != NULL && a->msg != NULL && a->sum != NULL;
	g->count = a->count;
}

static const int def_sev[R__COUNT] = {
#define RULE_SEV(id, name, key, sev) sev,
	RULE_MAP(RULE_SEV)
#undef RULE_SEV
};

static struct rule_config cfg;
static struct net_def nets[4];
static struct domain_def doms[4];
static struct user_allow users[2];
static struct custom_def customs[4];
static struct rule_engine *eng;

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(nets, 0, sizeof(nets));
	memset(doms, 0, sizeof(doms));
	memset(users, 0, sizeof(users));
	memset(customs, 0, sizeof(customs));
	for (int i = 0; i < R__COUNT; i++)
		cfg.r[i].severity = def_sev[i];
	cfg.table_size = 1024;
	cfg.networks = nets;
	cfg.domains = doms;
	cfg.du_users = users;
	cfg.customs = customs;
	sip_limits_default(&cfg.limits);
	ngot = 0;
	eng = NULL;
}

static void
teardown(void)
{
	rule_engine_free(eng);
	for (size_t i = 0; i < N(nets); i++)
		cidr_set_free(nets[i].set);
	pattern_list_free(&cfg.du_deny);
	pattern_list_free(&cfg.scanner);
	for (size_t i = 0; i < N(users); i++)
		pattern_list_free(&users[i].allow);
	for (size_t i = 0; i < N(customs); i++)
		pattern_free(customs[i].re);
}

TestSuite(engine, .init = setup, .fini = teardown);

static void
rule_on(int id, uint32_t thr, uint32_t win_ms, uint32_t supp_ms)
{
	cfg.r[id].enabled = 1;
	cfg.r[id].threshold = thr;
	cfg.r[id].window_ms = win_ms;
	cfg.r[id].suppress_ms = supp_ms;
}

static void
start(void)
{
	char err[256] = "";
	eng = rule_engine_new(&cfg, on_alert, NULL, err, sizeof(err));
	cr_assert_not_null(eng, "%s", err);
}

/* Network i named name with the given CIDRs (NULL-terminated). */
static uint16_t
net(int i, const char *name, const char *c0, const char *c1)
{
	char err[128];
	nets[i].name = (char *)(uintptr_t)name;
	nets[i].set = cidr_set_new();
	cr_assert_not_null(nets[i].set);
	cr_assert_eq(cidr_set_add(nets[i].set, c0, err, sizeof(err)), 0, "%s", err);
	if (c1)
		cr_assert_eq(cidr_set_add(nets[i].set, c1, err, sizeof(err)), 0, "%s", err);
	if ((size_t)i + 1 > cfg.n_networks)
		cfg.n_networks = (size_t)i + 1;
	return (uint16_t)i;
}

static struct domain_def *
dom(int i, const char *name)
{
	doms[i].name = (char *)(uintptr_t)name;
	if ((size_t)i + 1 > cfg.n_domains)
		cfg.n_domains = (size_t)i + 1;
	return &doms[i];
}

static void
add(struct pattern_list *l, const char *re)
{
	char err[128];
	cr_assert_eq(pattern_list_add(l, re, 0, err, sizeof(err)), 0, "%s: %s", re, err);
}

static void
custom(int i, const char *name, int target, const char *hdr, const char *re,
    uint32_t thr, uint32_t win, uint32_t supp)
{
	char err[128];
	struct custom_def *c = &customs[i];
	c->name = (char *)(uintptr_t)name;
	c->target = target;
	c->header = (char *)(uintptr_t)hdr;
	c->re = pattern_compile(re, 0, err, sizeof(err));
	cr_assert_not_null(c->re, "%s", err);
	c->c.enabled = 1;
	c->c.severity = SEV_LOW;
	c->c.threshold = thr;
	c->c.window_ms = win;
	c->c.suppress_ms = supp;
	if ((size_t)i + 1 > cfg.n_customs)
		cfg.n_customs = (size_t)i + 1;
}

/* One message.  Requests: method set; responses: status set. */
struct m {
	const char *method;
	const char *ruri;
	int status;
	const char *from;   /* URI; default sip:alice@x */
	const char *to;     /* URI; default the Request-URI, or sip:bob@x */
	const char *totag;
	const char *cid;    /* default call-1 */
	const char *cseq;   /* CSeq method; default the method */
	uint32_t cseqn;     /* CSeq number; default 1 */
	const char *branch; /* Via branch; default z9hG4bK-1 */
	const char *extra;  /* extra header lines, each ending CRLF */
	const char *body;
	int ws;
	uint8_t transport;
};

static void
feed(int64_t ms, const char *src, const char *dst, struct m o)
{
	static char buf[70000];
	int n;
	const char *to = o.to ? o.to : o.ruri ? o.ruri : "sip:bob@x";
	const char *body = o.body ? o.body : "";
	if (o.status)
		n = snprintf(buf, sizeof(buf), "SIP/2.0 %d Whatever\r\n", o.status);
	else
		n = snprintf(buf, sizeof(buf), "%s %s SIP/2.0\r\n", o.method, o.ruri);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n,
	    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
	    "From: <%s>;tag=f1\r\nTo: <%s>%s%s\r\nCall-ID: %s\r\nCSeq: %u %s\r\n"
	    "%sContent-Length: %zu\r\n\r\n%s",
	    o.branch ? o.branch : "z9hG4bK-1", o.from ? o.from : "sip:alice@x", to, o.totag ? ";tag=" : "",
	    o.totag ? o.totag : "", o.cid ? o.cid : "call-1", o.cseqn ? o.cseqn : 1u,
	    o.cseq ? o.cseq : o.method ? o.method : "INVITE", o.extra ? o.extra : "",
	    strlen(body), body);
	cr_assert(n > 0 && (size_t)n < sizeof(buf));

	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg msg;
	struct sip_summary sum;
	int rc = sip_parse(buf, (size_t)n, &msg, hdrs, SIP_MAX_HEADERS, &cfg.limits, 0);
	cr_assert(rc > 0, "sip_parse %d on:\n%s", rc, buf);
	sip_summarize(&msg, &sum);

	struct rule_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts.tv_sec = ms / 1000;
	p.ts.tv_usec = (ms % 1000) * 1000;
	p.transport = o.transport ? o.transport : IPPROTO_UDP;
	p.ws = (uint8_t)o.ws;
	if (strchr(src, ':')) {
		p.ipver = 6;
		cr_assert_eq(inet_pton(AF_INET6, src, p.src), 1);
		cr_assert_eq(inet_pton(AF_INET6, dst, p.dst), 1);
	} else {
		p.ipver = 4;
		cr_assert_eq(inet_pton(AF_INET, src, p.src), 1);
		cr_assert_eq(inet_pton(AF_INET, dst, p.dst), 1);
	}
	p.sport = 5060;
	p.dport = 5060;
	rule_engine_message(eng, &p, &msg, &sum);
}

#define A "10.0.0.1"
#define B "10.0.0.2"

/* Digest credentials for user u (RFC 3261 section 22.4), one header line. */
static const char *
creds(char *buf, size_t cap, const char *hdr, const char *u)
{
	snprintf(buf, cap,
	    "%s: Digest username=\"%s\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\"\r\n",
	    hdr, u);
	return buf;
}
#define AUTHZ(buf, u) creds(buf, sizeof(buf), "Authorization", u)
#define PAUTHZ(buf, u) creds(buf, sizeof(buf), "Proxy-Authorization", u)

/* The "N further ... suppressed" flush text. */
static const char *
flushed(char *buf, size_t cap, unsigned long long n, const char *rule, const char *key)
{
	snprintf(buf, cap, "%llu further %s event%s for %s suppressed since the last alert", n,
	    rule, n == 1 ? "" : "s", key);
	return buf;
}

#define EXPECT_ALERT(i, rule_, count_, key_)                                      \
	do {                                                                      \
		cr_assert_gt(ngot, (i), "alert %d missing", (i));                 \
		cr_expect_str_eq(got[i].rule, (rule_));                           \
		cr_expect_eq(got[i].count, (uint64_t)(count_), "%s: count %llu want %llu", \
		    got[i].rule, (unsigned long long)got[i].count,                \
		    (unsigned long long)(count_));                                \
		cr_expect_str_eq(got[i].key, (key_));                             \
	} while (0)

/* ---------------------------------------------- thresholded rules table */

/* Sends the i-th event of a rule's kind at time ms. */
typedef void (*gen_fn)(int i, int64_t ms);

static void
g_from(int i, int64_t ms)
{
	char ru[32];
	snprintf(ru, sizeof(ru), "sip:%d@x", i);
	feed(ms, A, B, (struct m){ .method = "OPTIONS", .ruri = ru, .from = "sip:alice@X;user=phone" });
}
static void
g_source(int i, int64_t ms)
{
	char fr[32];
	snprintf(fr, sizeof(fr), "sip:u%d@x", i);
	feed(ms, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .from = fr, .totag = "t" });
}
static void
g_invite(int i, int64_t ms)
{
	char fr[32];
	snprintf(fr, sizeof(fr), "sip:u%d@x", i);
	feed(ms, A, B, (struct m){ .method = "INVITE", .ruri = "sip:100@PBX.example;transport=udp", .from = fr });
}
static void
g_register(int i, int64_t ms)
{
	char fr[32];
	snprintf(fr, sizeof(fr), "sip:u%d@x", i);
	feed(ms, "2001:db8::5", "2001:db8::1", (struct m){ .method = "REGISTER", .ruri = "sip:x", .from = fr, .to = fr });
}
static void
g_bf_src(int i, int64_t ms)
{
	char to[32], u[16], cid[32], ex[256];
	snprintf(u, sizeof(u), "u%d", i);
	snprintf(to, sizeof(to), "sip:u%d@x", i);
	snprintf(cid, sizeof(cid), "bf-%d", i);
	feed(ms, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .to = to, .cid = cid, .extra = AUTHZ(ex, u) });
	feed(ms, B, A, (struct m){ .status = 401, .to = to, .totag = "t", .cid = cid, .cseq = "REGISTER" });
}
static void
g_bf_digest(int i, int64_t ms)
{
	char cl[32], cid[32], ex[256];
	snprintf(cl, sizeof(cl), "10.9.1.%d", i + 1);
	snprintf(cid, sizeof(cid), "bfd-%d", i);
	feed(ms, cl, B, (struct m){ .method = "INVITE", .ruri = "sip:bob@x", .cid = cid, .cseqn = 2, .extra = PAUTHZ(ex, "100@realm") });
	feed(ms, B, cl, (struct m){ .status = 407, .to = "sip:bob@X", .totag = "t", .cid = cid, .cseqn = 2, .cseq = "INVITE" });
}
static void
g_bf_user(int i, int64_t ms)
{
	char cl[32];
	snprintf(cl, sizeof(cl), "10.9.0.%d", i + 1);
	feed(ms, B, cl, (struct m){ .status = 403, .to = "sip:100@x", .totag = "t", .cseq = "REGISTER" });
}
static void
g_enum(int i, int64_t ms)
{
	char to[32];
	snprintf(to, sizeof(to), "sip:u%d@x", i);
	feed(ms, B, A, (struct m){ .status = i % 2 ? 404 : 407, .to = to, .totag = "t", .cseq = "REGISTER" });
}
static void
g_custom(int i, int64_t ms)
{
	(void)i;
	feed(ms, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "X-Probe: evil\r\n" });
}

struct thr_case {
	int rule;     /* R_xxx, or -1 for the custom rule */
	gen_fn gen;
	const char *name, *key;
	const char *comment;
};

static const struct thr_case thr_cases[] = {
	{ R_FROM_FLOOD, g_from, "from-flood", "sip:alice@x", "From URI without params, host lower-cased" },
	{ R_SOURCE_FLOOD, g_source, "source-flood", A, "requests per source" },
	{ R_INVITE_FLOOD, g_invite, "invite-flood", "100@pbx.example", "INVITEs per Request-URI user@host" },
	{ R_REGISTER_FLOOD, g_register, "register-flood", "2001:db8::5", "REGISTERs per IPv6 source" },
	{ R_AUTH_BRUTEFORCE, g_bf_src, "auth-bruteforce", "src " A, "401s to credentials, one client, many users" },
	{ R_AUTH_BRUTEFORCE, g_bf_user, "auth-bruteforce", "user 100@x", "403s (request not seen) for one user, many clients" },
	{ R_AUTH_BRUTEFORCE, g_bf_digest, "auth-bruteforce", "user 100@x", "407s keyed by the digest user before '@', not the callee" },
	{ R_USER_ENUMERATION, g_enum, "user-enumeration", A, "distinct users per client" },
	{ -1, g_custom, "probe", A, "custom header rule with a threshold" },
};

#define THR 3
#define WIN 1000
#define SUPP 10000

static void
thr_setup(const struct thr_case *c)
{
	teardown();
	setup();
	if (c->rule >= 0)
		rule_on(c->rule, THR, WIN, SUPP);
	else
		custom(0, "probe", CUSTOM_HEADER, "x-probe", "evil", THR, WIN, SUPP);
	start();
}

Test(engine, threshold_fires_above_not_at)
{
	for (size_t t = 0; t < N(thr_cases); t++) {
		const struct thr_case *c = &thr_cases[t];
		thr_setup(c);
		for (int i = 0; i < THR; i++)
			c->gen(i, 5000 + i);
		cr_expect_eq(ngot, 0, "%s: %d alerts at the threshold", c->comment, ngot);
		c->gen(THR, 5000 + THR);
		cr_assert_eq(ngot, 1, "%s: %d alerts above the threshold", c->comment, ngot);
		EXPECT_ALERT(0, c->name, THR + 1, c->key);
		cr_expect_eq(got[0].id, c->rule, "%s", c->comment);
		cr_expect(got[0].has_pkt, "%s", c->comment);
		cr_expect_eq(got[0].sev, c->rule >= 0 ? def_sev[c->rule] : SEV_LOW, "%s", c->comment);
		cr_expect_eq(rule_engine_stats(eng)->alerts_custom, c->rule < 0 ? 1u : 0u, "%s", c->comment);
	}
}

Test(engine, threshold_window_slides)
{
	for (size_t t = 0; t < N(thr_cases); t++) {
		const struct thr_case *c = &thr_cases[t];
		/* WIN/THR + a little apart: never more than THR in a window. */
		thr_setup(c);
		for (int i = 0; i < 4 * THR; i++)
			c->gen(i, 5000 + (int64_t)i * (WIN / THR + 10));
		cr_expect_eq(ngot, 0, "%s: spread events alerted", c->comment);
		/* The same number of events inside one window alert. */
		thr_setup(c);
		for (int i = 0; i < THR + 1; i++)
			c->gen(i, 5000 + (int64_t)i * (WIN / (THR + 1) - 10));
		cr_expect_eq(ngot, 1, "%s: events within the window did not alert", c->comment);
	}
}

Test(engine, threshold_suppression_counts)
{
	for (size_t t = 0; t < N(thr_cases); t++) {
		const struct thr_case *c = &thr_cases[t];
		thr_setup(c);
		for (int i = 0; i < THR + 1 + 20; i++)
			c->gen(i, 5000 + i);
		cr_assert_eq(ngot, 1, "%s: %d alerts within the suppression window", c->comment, ngot);
		EXPECT_ALERT(0, c->name, THR + 1, c->key);
		cr_expect_eq(rule_engine_stats(eng)->suppressed, 20u, "%s", c->comment);
		/* After the suppression window (but before the idle key
		 * expires), a new crossing carries the 20. */
		for (int i = 0; i < THR + 1; i++)
			c->gen(100 + i, 5000 + SUPP + 1 + i);
		cr_assert_eq(ngot, 2, "%s", c->comment);
		EXPECT_ALERT(1, c->name, 21, c->key);
		c->gen(200, 5000 + SUPP + 200);
		c->gen(201, 5000 + SUPP + 201);
		rule_engine_finish(eng);
		cr_assert_eq(ngot, 3, "%s: finish did not flush", c->comment);
		EXPECT_ALERT(2, c->name, 2, c->key);
		char fm[640];
		cr_expect_str_eq(got[2].msg, flushed(fm, sizeof(fm), 2, c->name, c->key), "%s", c->comment);
		cr_expect_eq(got[2].sev, got[1].sev, "%s", c->comment);
		cr_expect(!got[2].has_pkt, "%s", c->comment);
		rule_engine_finish(eng);
		cr_expect_eq(ngot, 3, "%s: finish flushed twice", c->comment);
	}
}

/* A key whose window has emptied leaves its table early only when it
 * holds nothing else: one that alerted still suppresses a new crossing
 * within the suppression window, and one with a held-back event keeps it
 * for the next alert. */
Test(engine, alerted_key_outlives_its_window)
{
	for (size_t t = 0; t < N(thr_cases); t++) {
		const struct thr_case *c = &thr_cases[t];
		thr_setup(c);
		for (int i = 0; i < THR + 1; i++)
			c->gen(i, 5000 + i);
		cr_assert_eq(ngot, 1, "%s", c->comment);
		/* Two windows later, within the suppression window. */
		for (int i = 0; i < THR + 1; i++)
			c->gen(100 + i, 5000 + 2 * WIN + i);
		cr_expect_eq(ngot, 1, "%s: alerted again within the suppression window", c->comment);
		cr_expect_eq(rule_engine_stats(eng)->suppressed, 1u, "%s", c->comment);
		/* Past the suppression window the held-back event still keeps
		 * the key: the next crossing carries it, no flush before. */
		for (int i = 0; i < THR + 1; i++)
			c->gen(200 + i, 5000 + SUPP + 2 * WIN + i);
		cr_assert_eq(ngot, 2, "%s", c->comment);
		EXPECT_ALERT(1, c->name, 2, c->key);
		cr_expect(got[1].has_pkt, "%s: flushed", c->comment);
		rule_engine_finish(eng);
		cr_expect_eq(ngot, 2, "%s", c->comment);
	}
}

/* A key seen below the threshold holds nothing once its window is empty:
 * it leaves before the suppression window, as an expiry, so a full table
 * takes a new key without evicting it. */
Test(engine, quiet_key_expires_early)
{
	cfg.table_size = 1;
	rule_on(R_SOURCE_FLOOD, 2, 1000, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1500, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(2500, B, A, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 1u, "A used within the window");
	feed(3501, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 1u, "B idle for its window");
	feed(3502, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(3503, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "source-flood", 3, A);
}

/* A window shorter than WIN_SLOTS ms counts in 1 ms sub-buckets: an event
 * stays counted WIN_SLOTS ms, longer than the window, and keeps its key. */
Test(engine, short_window_keeps_its_event)
{
	rule_on(R_SOURCE_FLOOD, 1, 10, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1012, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "source-flood", 2, A);
}

/* ---------------------------------------------------- per-rule tests */

Test(engine, from_flood_ignores_in_dialog)
{
	static const char *const in_dialog[] = { "ACK", "BYE", "INVITE" };
	rule_on(R_FROM_FLOOD, 2, 10000, 60000);
	rule_on(R_INVITE_FLOOD, 2, 10000, 60000);
	start();
	for (int i = 0; i < 12; i++)
		feed(1000 + i, A, B, (struct m){ .method = in_dialog[i % 3], .ruri = "sip:b@x", .totag = "t9" });
	cr_expect_eq(ngot, 0);
	for (int i = 0; i < 3; i++)
		feed(2000 + i, A, B, (struct m){ .method = "MESSAGE", .ruri = "sip:b@x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "from-flood", 3, "sip:alice@x");
	cr_expect(strstr(got[0].msg, "3 dialog-opening requests from sip:alice@x within 10s") != NULL,
	    "%s", got[0].msg);
}

Test(engine, unknown_source_global_and_ipv6)
{
	cfg.us_allow_from.n = 2;
	cfg.us_allow_from.idx[0] = net(0, "lan", "10.0.0.0/8", NULL);
	cfg.us_allow_from.idx[1] = net(1, "v6", "2001:db8::/32", NULL);
	rule_on(R_UNKNOWN_SOURCE, 0, 0, 60000);
	start();
	static const struct {
		const char *src;
		int alert;
	} t[] = {
		{ "10.1.2.3", 0 }, { "192.0.2.7", 1 }, { "2001:db8::1", 0 }, { "2001:db9::1", 1 },
	};
	for (size_t i = 0; i < N(t); i++) {
		int before = ngot;
		const char *dst = strchr(t[i].src, ':') ? "2001:db8::2" : "10.0.0.2";
		feed(1000, t[i].src, dst, (struct m){ .method = "REGISTER", .ruri = "sip:x" });
		cr_assert_eq(ngot - before, t[i].alert, "%s", t[i].src);
		if (t[i].alert) {
			EXPECT_ALERT(before, "unknown-source", 1, t[i].src);
			cr_expect_eq(got[before].sev, SEV_HIGH);
		}
	}
	/* Responses are not checked. */
	feed(1000, "192.0.2.99", B, (struct m){ .status = 200, .cseq = "REGISTER" });
	cr_expect_eq(ngot, 2);
}

Test(engine, unknown_source_per_domain)
{
	struct domain_def *d = dom(0, "Corp.Example");
	d->allow_from.n = 1;
	d->allow_from.idx[0] = net(0, "office", "192.168.1.0/24", NULL);
	dom(1, "other.example")->require_auth = 1;
	rule_on(R_UNKNOWN_SOURCE, 0, 0, 60000);
	start();
	feed(1000, "192.168.1.5", B, (struct m){ .method = "INVITE", .ruri = "sip:100@corp.example" });
	feed(1000, "203.0.113.8", B, (struct m){ .method = "INVITE", .ruri = "sip:100@other.example" });
	cr_expect_eq(ngot, 0);
	feed(1000, "203.0.113.9", B, (struct m){ .method = "INVITE", .ruri = "sip:100@CORP.example" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "unknown-source", 1, "203.0.113.9");
	cr_expect(strstr(got[0].msg, "INVITE to domain Corp.Example from 203.0.113.9") != NULL, "%s", got[0].msg);
}

Test(engine, disallowed_uri_deny)
{
	add(&cfg.du_deny, "^sips?:(\\+|00|011)");
	rule_on(R_DISALLOWED_URI, 0, 0, 60000);
	start();
	static const struct {
		const char *method, *ruri;
		int alert;
	} t[] = {
		{ "INVITE", "sip:0044207946@x", 1 },
		{ "MESSAGE", "sip:+44207946@x", 1 },
		{ "REFER", "sips:011234@x", 1 },
		{ "SUBSCRIBE", "sip:0099@x", 1 },
		{ "INVITE", "sip:100@x", 0 },
		{ "REGISTER", "sip:0044@x", 0 },
		{ "OPTIONS", "sip:0044@x", 0 },
	};
	for (size_t i = 0; i < N(t); i++) {
		int before = ngot;
		feed(1000, A, B, (struct m){ .method = t[i].method, .ruri = t[i].ruri });
		cr_assert_eq(ngot - before, t[i].alert, "%s %s", t[i].method, t[i].ruri);
		if (t[i].alert)
			EXPECT_ALERT(before, "disallowed-uri", 1, t[i].ruri);
	}
	cr_expect_str_eq(got[0].msg,
	    "INVITE to sip:0044207946@x from 10.0.0.1 matches deny pattern '^sips?:(\\+|00|011)'");
}

/*
 * Several deny patterns are first tried as one alternation: the same URIs
 * must alert, naming the first pattern that matches, whether the
 * alternation is built or (a pattern that cannot join one: (*COMMIT) in
 * the first would stop the second from being tried) is not.  The
 * alternation keeps the patterns' case-sensitivity: caselessly, "[^a]"
 * would not match 'A'.
 */
Test(engine, disallowed_uri_deny_lists)
{
	static const char *const lists[][3] = {
		{ "^sips?:00", "^tel:\\+?1?900|;user=phone", "@10\\.1\\." },
		{ "^sips?:0(*COMMIT)0", "^sips?:0", "@10\\.1\\." },
		{ "@x[^a]y", "^tel:", "^sips:" },
	};
	static const struct {
		const char *ruri;
		int pat; /* the pattern named, -1 no alert */
	} t[3][6] = {
		{
			{ "sip:0044@x", 0 },
			{ "tel:1900555", 1 },
			{ "sip:5@x;user=phone", 1 },
			{ "sip:5@10.1.2.3", 2 },
			{ "SIP:0044@x", -1 },
			{ "sip:5@x", -1 },
		},
		{
			{ "sip:0044@x", 0 },
			{ "sip:0144@x", 1 },
			{ "sips:01@10.1.0.1", 1 },
			{ "sip:1@10.1.0.1", 2 },
			{ "SIP:0144@x", -1 },
			{ "sip:5@x", -1 },
		},
		{
			{ "sip:1@xAy", 0 },
			{ "sip:1@xay", -1 },
			{ "tel:12", 1 },
			{ "sips:1@xay", 2 },
			{ "TEL:12", -1 },
			{ "sip:1@xy", -1 },
		},
	};
	for (size_t l = 0; l < N(lists); l++) {
		for (size_t i = 0; i < N(lists[l]); i++)
			add(&cfg.du_deny, lists[l][i]);
		rule_on(R_DISALLOWED_URI, 0, 0, 60000);
		start();
		for (size_t i = 0; i < N(t[l]); i++) {
			char want[160];
			int before = ngot;
			feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = t[l][i].ruri });
			cr_assert_eq(ngot - before, t[l][i].pat >= 0, "list %zu: %s", l, t[l][i].ruri);
			if (t[l][i].pat < 0)
				continue;
			EXPECT_ALERT(before, "disallowed-uri", 1, t[l][i].ruri);
			snprintf(want, sizeof(want), "matches deny pattern '%s'", lists[l][t[l][i].pat]);
			cr_expect(strstr(got[before].msg, want) != NULL, "%s", got[before].msg);
		}
		rule_engine_free(eng);
		eng = NULL;
		pattern_list_free(&cfg.du_deny);
	}
}

Test(engine, disallowed_uri_users)
{
	users[0].user = (char *)(uintptr_t)"1001";
	add(&users[0].allow, "^sip:1[0-9]{3}@");
	cfg.n_du_users = 1;
	rule_on(R_DISALLOWED_URI, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1002@x", .from = "sip:1001@x" });
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:9999@x", .from = "sip:2000@x" });
	cr_expect_eq(ngot, 0);
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:9999@x", .from = "sip:1001@x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "disallowed-uri", 1, "1001 -> sip:9999@x");
	/* The digest username names the user when credentials are present. */
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:8888@x", .from = "sip:2000@x",
	    .extra = "Authorization: Digest username=\"1001\", realm=\"x\", nonce=\"n\", uri=\"sip:8888@x\", response=\"r\"\r\n" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "disallowed-uri", 1, "1001 -> sip:8888@x");
}

Test(engine, cleartext_pairs_and_tls)
{
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1001, B, A, (struct m){ .status = 200, .cseq = "OPTIONS" });
	feed(1002, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .transport = IPPROTO_TCP });
	rule_engine_tls(eng, NULL);
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "cleartext-signalling", 1, "10.0.0.1 <-> 10.0.0.2");
	cr_expect_eq(got[0].sev, SEV_LOW);
	cr_expect(strstr(got[0].msg, "over UDP") != NULL, "%s", got[0].msg);
	const struct rule_stats *st = rule_engine_stats(eng);
	cr_expect_eq(st->tls_flows, 1u);
	cr_expect_eq(st->cleartext_msgs, 3u);
	cr_expect_eq(st->suppressed, 2u);
	/* After the suppression window: the next alert stands for 3. */
	feed(61001, B, A, (struct m){ .method = "BYE", .ruri = "sip:x", .totag = "t" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "cleartext-signalling", 3, "10.0.0.1 <-> 10.0.0.2");
	feed(61002, "2001:db8::2", "2001:db8::1", (struct m){ .method = "OPTIONS", .ruri = "sip:x", .ws = 1 });
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(2, "cleartext-signalling", 1, "2001:db8::1 <-> 2001:db8::2");
	cr_expect(strstr(got[2].msg, "over WebSocket") != NULL, "%s", got[2].msg);
	cr_expect_eq(rule_engine_stats(eng)->by_severity[SEV_LOW], 3u);
}

Test(engine, cleartext_raised_by_policy)
{
	dom(0, "secure.example")->require_tls = 1;
	cfg.cs_require_tls.n = 1;
	cfg.cs_require_tls.idx[0] = net(0, "pci", "172.16.0.0/12", NULL);
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@plain.example" });
	feed(1001, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@SECURE.example" });
	feed(1002, "10.5.5.5", "172.16.3.3", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	/* A response's domain is its To host. */
	feed(1003, "10.7.7.7", "10.8.8.8", (struct m){ .status = 180, .to = "sip:1@secure.example" });
	cr_assert_eq(ngot, 4);
	static const struct {
		int sev;
		const char *key, *says;
	} want[] = {
		{ SEV_LOW, "10.0.0.1 <-> 10.0.0.2", "" },
		{ SEV_HIGH, "10.0.0.1 <-> 10.0.0.2", "domain secure.example requires TLS" },
		{ SEV_HIGH, "10.5.5.5 <-> 172.16.3.3", "network that requires TLS" },
		{ SEV_HIGH, "10.7.7.7 <-> 10.8.8.8", "domain secure.example requires TLS" },
	};
	for (size_t i = 0; i < N(want); i++) {
		EXPECT_ALERT((int)i, "cleartext-signalling", 1, want[i].key);
		cr_expect_eq(got[i].sev, want[i].sev, "alert %zu", i);
		cr_expect(strstr(got[i].msg, want[i].says) != NULL, "%s", got[i].msg);
	}
}

static const char SDP_SDES[] =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/SAVP 0\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
static const char SDP_RTP[] =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    "m=audio 4000 RTP/AVP 0 8\r\nm=video 0 RTP/AVP 96\r\n";
static const char SDP_DECLINED[] =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
    "m=audio 0 RTP/AVP 0\r\nm=image 4002 udptl t38\r\n";
#define CT_SDP "Content-Type: application/sdp\r\n"

Test(engine, sdes_and_cleartext_media)
{
	rule_on(R_SDES_KEY_EXPOSED, 0, 0, 60000);
	rule_on(R_CLEARTEXT_MEDIA, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@x", .cid = "c-sdes", .extra = CT_SDP, .body = SDP_SDES });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "sdes-key-exposed", 1, "c-sdes");
	cr_expect_eq(got[0].sev, SEV_CRITICAL);
	feed(1001, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@x", .cid = "c-dec", .extra = CT_SDP, .body = SDP_DECLINED });
	cr_expect_eq(ngot, 1);
	feed(1002, B, A, (struct m){ .status = 200, .cid = "c-rtp", .extra = CT_SDP, .body = SDP_RTP });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "cleartext-media", 1, "10.0.0.1 <-> 10.0.0.2");
	cr_expect(strstr(got[1].msg, "plain RTP audio (RTP/AVP) on port 4000 (call c-rtp)") != NULL, "%s", got[1].msg);
	/* another call between the same peers folds into the same key */
	feed(1003, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@x", .cid = "c-rtp2", .extra = CT_SDP, .body = SDP_RTP });
	cr_expect_eq(ngot, 2);
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 1u);
}

/* Rules that share a key, made once per message for all of them (and
 * for the look-ahead that fetches index lines before the rules run):
 * the peer pair with cleartext-signalling's tag 1 (raised) and 0, and
 * cleartext-media's 0 in another table; the source address for
 * source-flood and register-flood. */
Test(engine, keys_shared_by_rules)
{
	dom(0, "secure.example")->require_tls = 1;
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	rule_on(R_CLEARTEXT_MEDIA, 0, 0, 60000);
	rule_on(R_SOURCE_FLOOD, 2, 10000, 60000);
	rule_on(R_REGISTER_FLOOD, 1, 10000, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .extra = CT_SDP, .body = SDP_RTP });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(0, "cleartext-signalling", 1, "10.0.0.1 <-> 10.0.0.2");
	cr_expect_eq(got[0].sev, SEV_HIGH);
	EXPECT_ALERT(1, "cleartext-media", 1, "10.0.0.1 <-> 10.0.0.2");
	/* Plain signalling between the same peers is another key of the
	 * same table; the media key is the one already there. */
	feed(1001, B, A, (struct m){ .method = "INVITE", .ruri = "sip:1@plain.example", .extra = CT_SDP, .body = SDP_RTP });
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(2, "cleartext-signalling", 1, "10.0.0.1 <-> 10.0.0.2");
	cr_expect_eq(got[2].sev, SEV_LOW);
	feed(1002, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x" });
	cr_expect_eq(ngot, 3);
	/* A's fourth request: both its tables count it. */
	feed(1003, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x" });
	cr_assert_eq(ngot, 5);
	EXPECT_ALERT(3, "source-flood", 3, "10.0.0.1");
	EXPECT_ALERT(4, "register-flood", 2, "10.0.0.1");
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 3u);
}

Test(engine, scanner_headers)
{
	/* Two patterns: the engine's one-pass prefilter is in use. */
	add(&cfg.scanner, "friendly-scanner|sipvicious");
	add(&cfg.scanner, "^Evil(Bot)+");
	rule_on(R_SCANNER, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: Linphone/5\r\n" });
	/* The prefilter is caseless; the patterns themselves decide. */
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: evilbot\r\n" });
	cr_expect_eq(ngot, 0);
	feed(1000, "10.9.9.9", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: EvilBotBot\r\n" });
	cr_assert_eq(ngot, 1);
	cr_expect(strstr(got[0].msg, "matching scanner pattern '^Evil(Bot)+'") != NULL, "%s", got[0].msg);
	ngot = 0;
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: friendly-scanner\r\n" });
	feed(1000, "10.3.3.3", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .from = "sip:sipvicious@x" });
	feed(1000, "10.4.4.4", B, (struct m){ .status = 200, .extra = "Server: friendly-scanner\r\n" });
	/* a response echoing a scanner's From is not from the scanner */
	feed(1000, "10.5.5.5", B, (struct m){ .status = 404, .from = "sip:sipvicious@x" });
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(0, "scanner", 1, A);
	cr_expect_str_eq(got[0].msg,
	    "OPTIONS from 10.0.0.1 has User-Agent 'friendly-scanner' matching scanner pattern 'friendly-scanner|sipvicious'");
	EXPECT_ALERT(1, "scanner", 1, "10.3.3.3");
	cr_expect(strstr(got[1].msg, "has From '<sip:sipvicious@x>;tag=f1'") != NULL, "%s", got[1].msg);
	EXPECT_ALERT(2, "scanner", 1, "10.4.4.4");
	cr_expect(strstr(got[2].msg, "has Server 'friendly-scanner'") != NULL, "%s", got[2].msg);
}

/* Literal patterns only: User-Agent and Server values of 8 to 64 bytes
 * are answered by the scanner's memo (remembered per value, the pattern
 * named as the list names it), shorter and longer ones and From, To and
 * Contact by the literal scan and the list.  Either way the first pattern
 * of the list that matches is named, a literal without its word
 * boundaries matches nothing, and an IPv6 source is named in key and
 * text alike. */
Test(engine, scanner_literals)
{
	add(&cfg.scanner, "\\bsmap\\b");
	add(&cfg.scanner, "friendly-scanner");
	add(&cfg.scanner, "scanner");
	rule_on(R_SCANNER, 0, 0, 60000);
	start();
	static const struct {
		const char *src, *ua, *pattern;
	} t[] = {
		{ "10.0.1.1", "User-Agent: friendly-scanner\r\n", "friendly-scanner" },
		{ "10.0.1.2", "User-Agent: friendly-scanner\r\n", "friendly-scanner" }, /* remembered */
		{ "10.0.1.3", "User-Agent: xsmapx friendly-scanner\r\n", "friendly-scanner" },
		{ "10.0.1.4", "User-Agent: xsmapx 1.0\r\n", NULL },
		{ "10.0.1.4", "User-Agent: xsmapx 1.0\r\n", NULL }, /* remembered */
		{ "10.0.1.5", "User-Agent: smap\r\n", "\\bsmap\\b" },
		{ "10.0.1.6", "User-Agent: a scanner in a value of more than 64 bytes, which the memo does not keep\r\n", "scanner" },
		{ "10.0.1.7", "User-Agent: Linphone/5.2.0 (belle-sip/5.2.0)\r\n", NULL },
		{ "10.0.1.8", "Contact: <sip:smap@10.0.1.8>\r\n", "\\bsmap\\b" },
		{ "2001:db8::7", "User-Agent: smap scanner\r\n", "\\bsmap\\b" },
	};
	for (size_t i = 0; i < N(t); i++) {
		int before = ngot;
		const char *dst = strchr(t[i].src, ':') ? "2001:db8::1" : B;
		feed(1000, t[i].src, dst, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = t[i].ua });
		if (t[i].pattern == NULL) {
			cr_expect_eq(ngot, before, "%zu: %s", i, t[i].ua);
			continue;
		}
		cr_assert_eq(ngot, before + 1, "%zu: %s", i, t[i].ua);
		EXPECT_ALERT(before, "scanner", 1, t[i].src);
		char want[200];
		snprintf(want, sizeof(want), "OPTIONS from %s has ", t[i].src);
		cr_expect(strncmp(got[before].msg, want, strlen(want)) == 0, "%s", got[before].msg);
		snprintf(want, sizeof(want), "matching scanner pattern '%s'", t[i].pattern);
		cr_expect(strstr(got[before].msg, want) != NULL, "%zu: %s", i, got[before].msg);
	}
}

/* Non-thresholded suppression, finish(), and the flush when a key with
 * suppressed events expires. */
Test(engine, suppression_and_finish)
{
	add(&cfg.scanner, "scanner");
	rule_on(R_SCANNER, 0, 0, 10000);
	start();
	for (int i = 0; i < 5; i++)
		feed(1000 + i * 1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scanner\r\n" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "scanner", 1, A);
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 4u);
	feed(11000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scanner\r\n" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "scanner", 5, A);
	cr_expect(got[1].has_pkt);
	for (int i = 0; i < 2; i++)
		feed(12000 + i, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scanner\r\n" });
	/* Another key long after: A's entry expires and reports its 2. */
	feed(60000, B, A, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scanner\r\n" });
	cr_assert_eq(ngot, 4);
	EXPECT_ALERT(2, "scanner", 2, A);
	cr_expect_str_eq(got[2].msg, "2 further scanner events for 10.0.0.1 suppressed since the last alert");
	cr_expect(!got[2].has_pkt);
	EXPECT_ALERT(3, "scanner", 1, B);
	feed(60001, B, A, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scanner\r\n" });
	rule_engine_finish(eng);
	cr_assert_eq(ngot, 5);
	EXPECT_ALERT(4, "scanner", 1, B);
	cr_expect_str_eq(got[4].msg, "1 further scanner event for 10.0.0.2 suppressed since the last alert");
	cr_expect_eq(rule_engine_stats(eng)->alerts[R_SCANNER], 5u);
	cr_expect_eq(rule_engine_stats(eng)->by_severity[SEV_HIGH], 5u);
}

/* One request with credentials for user u (or none: u NULL) and its
 * response. */
static void
attempt(int64_t ms, const char *client, const char *method, const char *to, const char *u,
    const char *cid, uint32_t cseqn, int status, const char *rextra)
{
	char ex[256];
	feed(ms, client, B, (struct m){ .method = method, .ruri = "sip:x", .to = to, .cid = cid,
	    .cseqn = cseqn, .extra = u ? AUTHZ(ex, u) : NULL });
	feed(ms, B, client, (struct m){ .status = status, .to = to, .totag = "t", .cid = cid,
	    .cseqn = cseqn, .cseq = method, .extra = rextra });
}

#define CHAL "WWW-Authenticate: Digest realm=\"x\", nonce=\"n2\"\r\n"

Test(engine, auth_breach)
{
	rule_on(R_AUTH_BRUTEFORCE, 3, 10000, 60000);
	rule_on(R_AUTH_BREACH, 0, 30000, 1000);
	cfg.r[R_AUTH_BRUTEFORCE].enabled = 0; /* breach still counts failures */
	start();
	/* A 200 without a brute-force run is no breach. */
	feed(500, B, "10.6.6.6", (struct m){ .status = 200, .to = "sip:100@x", .totag = "t", .cseq = "REGISTER" });
	for (uint32_t i = 1; i <= 4; i++)
		attempt(1000 + i, A, "REGISTER", "sip:100@x", "100", "g", i, 401, CHAL);
	cr_expect_eq(ngot, 0);
	/* A 200 to OPTIONS is not a login. */
	feed(2000, B, A, (struct m){ .status = 200, .to = "sip:100@x", .totag = "t", .cseq = "OPTIONS" });
	/* Nor is a 200 to a REGISTER seen without credentials. */
	attempt(2500, A, "REGISTER", "sip:100@x", NULL, "g", 5, 200, NULL);
	cr_expect_eq(ngot, 0);
	attempt(3000, A, "REGISTER", "sip:100@x", "100", "g", 6, 200, NULL);
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "auth-breach", 1, "user 100@x");
	cr_expect_eq(got[0].sev, SEV_CRITICAL);
	cr_expect(strstr(got[0].msg, "200 to REGISTER for 100@x (client 10.0.0.1)") != NULL, "%s", got[0].msg);
	/* Its retransmission is the same login, not a second event. */
	feed(3001, B, A, (struct m){ .status = 200, .to = "sip:100@x", .totag = "t", .cid = "g", .cseqn = 6, .cseq = "REGISTER" });
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 0u);
	/* Another user of the same client (request not seen): the address
	 * crossed too. */
	feed(4000, B, A, (struct m){ .status = 200, .to = "sip:200@x", .totag = "t", .cseq = "INVITE" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "auth-breach", 1, "src 10.0.0.1");
	/* Past the breach window: nothing. */
	feed(40000, B, A, (struct m){ .status = 200, .to = "sip:300@x", .totag = "t", .cseq = "REGISTER" });
	cr_expect_eq(ngot, 2);
}

/* auth-breach looks back past auth-bruteforce's window and suppression
 * window: a crossing keeps its key. */
Test(engine, bruteforce_crossing_outlives_its_window)
{
	rule_on(R_AUTH_BRUTEFORCE, 3, 1000, 100);
	rule_on(R_AUTH_BREACH, 0, 30000, 1000);
	start();
	for (uint32_t i = 1; i <= 4; i++)
		attempt(1000 + i, A, "REGISTER", "sip:100@x", "100", "g", i, 401, CHAL);
	cr_assert_eq(ngot, 2);
	attempt(9000, A, "REGISTER", "sip:100@x", "100", "g", 6, 200, NULL);
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(2, "auth-breach", 1, "user 100@x");
}

/* auth-breach skips its look-ups while no brute-force key has crossed
 * within its window; a reload that keeps auth-bruteforce's table keeps
 * that table's crossings, and one that replaces it drops them. */
Test(engine, auth_breach_across_reload)
{
	static struct rule_config same, other;
	char err[256];
	rule_on(R_AUTH_BRUTEFORCE, 3, 10000, 60000);
	rule_on(R_AUTH_BREACH, 0, 30000, 1000);
	start();
	for (uint32_t i = 1; i <= 4; i++)
		attempt(1000 + i, A, "REGISTER", "sip:100@x", "100", "g", i, 401, CHAL);
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(0, "auth-bruteforce", 4, "src 10.0.0.1");
	EXPECT_ALERT(1, "auth-bruteforce", 4, "user 100@x");
	same = cfg;
	cr_assert_eq(rule_engine_reload(eng, &same, err, sizeof(err)), 0, "%s", err);
	attempt(3000, A, "REGISTER", "sip:100@x", "100", "g", 6, 200, NULL);
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(2, "auth-breach", 1, "user 100@x");
	other = cfg;
	other.r[R_AUTH_BRUTEFORCE].threshold = 5;
	cr_assert_eq(rule_engine_reload(eng, &other, err, sizeof(err)), 0, "%s", err);
	attempt(4000, A, "REGISTER", "sip:200@x", "200", "h", 7, 200, NULL);
	cr_expect_eq(ngot, 3, "the replaced table's crossings are gone");
}

/*
 * An ordinary client: every call and registration is challenged once
 * (RFC 3261 section 22.2) and retried with credentials; a registration
 * refresh with an expired nonce gets stale=true (RFC 7616 section 3.3).
 * At threshold 5 this used to raise auth-bruteforce and then auth-breach.
 */
Test(engine, auth_challenged_client_never_alerts)
{
	rule_on(R_AUTH_BRUTEFORCE, 5, 60000, 60000);
	rule_on(R_AUTH_BREACH, 0, 600000, 60000);
	start();
	char ex[256];
	for (int i = 0; i < 6; i++) {
		char cid[32], ru[32];
		int64_t t = 1000 + (int64_t)i * 5000;
		snprintf(cid, sizeof(cid), "call-%d", i);
		snprintf(ru, sizeof(ru), "sip:20%d@x", i);
		feed(t, A, B, (struct m){ .method = "INVITE", .ruri = ru, .cid = cid });
		feed(t + 1, B, A, (struct m){ .status = 407, .to = ru, .totag = "t", .cid = cid, .cseq = "INVITE",
		    .extra = "Proxy-Authenticate: Digest realm=\"x\", nonce=\"n\"\r\n" });
		feed(t + 2, A, B, (struct m){ .method = "ACK", .ruri = ru, .to = ru, .totag = "t", .cid = cid });
		feed(t + 3, A, B, (struct m){ .method = "INVITE", .ruri = ru, .cid = cid, .cseqn = 2, .extra = PAUTHZ(ex, "100") });
		feed(t + 4, B, A, (struct m){ .status = 200, .to = ru, .totag = "t2", .cid = cid, .cseqn = 2, .cseq = "INVITE" });
	}
	for (uint32_t i = 0; i < 6; i++) {
		int64_t t = 40000 + (int64_t)i * 1000;
		attempt(t, A, "REGISTER", "sip:100@x", NULL, "reg", 2 * i + 1, 401, CHAL);
		attempt(t + 1, A, "REGISTER", "sip:100@x", "100", "reg", 2 * i + 2, 200, NULL);
	}
	for (uint32_t i = 0; i < 6; i++) {
		int64_t t = 50000 + (int64_t)i * 1000;
		attempt(t, A, "REGISTER", "sip:100@x", "100", "reg", 100 + 2 * i, 401,
		    "WWW-Authenticate: Digest realm=\"x\", nonce=\"n3\", stale=TRUE\r\n");
		attempt(t + 1, A, "REGISTER", "sip:100@x", "100", "reg", 101 + 2 * i, 200, NULL);
	}
	rule_engine_finish(eng);
	cr_expect_eq(ngot, 0, "first alert: %s %s", ngot ? got[0].rule : "", ngot ? got[0].key : "");
	cr_expect_eq(rule_engine_stats(eng)->alerts[R_AUTH_BRUTEFORCE], 0u);
	cr_expect_eq(rule_engine_stats(eng)->alerts[R_AUTH_BREACH], 0u);
}

/* One svcrack guess as pcaps/demo.pcap has it: every guess reuses CSeq 2
 * on the same Call-ID under a new Via branch. */
static void
guess(int64_t ms, int i, const char *to, int status)
{
	char ex[256], br[32];
	snprintf(br, sizeof(br), "z9hG4bK-g%d", i);
	feed(ms, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .to = to, .cid = "sv",
	    .cseqn = 2, .branch = br, .extra = AUTHZ(ex, "100") });
	feed(ms, B, A, (struct m){ .status = status, .to = to, .totag = "t", .cid = "sv",
	    .cseqn = 2, .cseq = "REGISTER", .branch = br, .extra = status == 401 ? CHAL : NULL });
}

/* svcrack: one challenge, then guess after guess answered 401, then the
 * password that works. */
Test(engine, auth_guessing_client_alerts)
{
	rule_on(R_AUTH_BRUTEFORCE, 5, 60000, 60000);
	rule_on(R_AUTH_BREACH, 0, 600000, 60000);
	start();
	const char *to = "sip:100@127.0.0.20";
	attempt(1000, A, "REGISTER", to, NULL, "sv", 1, 401, CHAL);
	for (int i = 1; i <= 5; i++)
		guess(1000 + i, i, to, 401);
	cr_expect_eq(ngot, 0, "the challenge was counted as a failure");
	guess(1006, 6, to, 401);
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(0, "auth-bruteforce", 6, "src 10.0.0.1");
	EXPECT_ALERT(1, "auth-bruteforce", 6, "user 100@127.0.0.20");
	cr_expect(strstr(got[1].msg, "6 authentication failures (401/403/407) for user 100@127.0.0.20 within 60s") != NULL,
	    "%s", got[1].msg);
	cr_expect_eq(got[1].sev, SEV_HIGH);
	/* A retransmitted 401 (same branch) is not another guess. */
	feed(1007, B, A, (struct m){ .status = 401, .to = to, .totag = "t", .cid = "sv", .cseqn = 2,
	    .cseq = "REGISTER", .branch = "z9hG4bK-g6", .extra = CHAL });
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 0u);
	guess(1100, 7, to, 200);
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(2, "auth-breach", 1, "user 100@127.0.0.20");
	cr_expect_eq(got[2].sev, SEV_CRITICAL);
}

/* What counts as a failure, by what was seen of the request. */
Test(engine, auth_failure_needs_the_request)
{
	static const struct {
		int request;    /* 0 not seen, 1 without, 2 with credentials */
		int status;
		int gap_ms;     /* request to response */
		int retrans;    /* the response is sent twice */
		int counted;    /* failures counted */
		const char *comment;
	} t[] = {
		{ 0, 401, 0, 0, 0, "401, request not seen" },
		{ 0, 407, 0, 0, 0, "407, request not seen" },
		{ 0, 403, 0, 0, 1, "403, request not seen" },
		{ 1, 401, 0, 0, 0, "challenge" },
		{ 1, 403, 0, 0, 1, "403 without credentials" },
		{ 2, 401, 0, 0, 1, "credentials rejected" },
		{ 2, 401, 0, 1, 1, "retransmitted 401 counted once" },
		{ 2, 401, 31000, 0, 1, "within 64*T1" },
		{ 2, 401, 33000, 0, 0, "after 64*T1 the request is forgotten" },
	};
	for (size_t i = 0; i < N(t); i++) {
		rule_engine_free(eng);
		ngot = 0;
		rule_on(R_AUTH_BRUTEFORCE, 0, 60000, 60000);
		start();
		char ex[256];
		if (t[i].request)
			feed(1000, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .to = "sip:7@x",
			    .extra = t[i].request == 2 ? AUTHZ(ex, "7") : NULL });
		for (int r = 0; r <= t[i].retrans; r++)
			feed(1000 + t[i].gap_ms + r, B, A, (struct m){ .status = t[i].status, .to = "sip:7@x",
			    .totag = "t", .cseq = "REGISTER" });
		/* Threshold 0: the first failure alerts on both keys. */
		cr_expect_eq(ngot, 2 * t[i].counted, "%s: %d alerts", t[i].comment, ngot);
		if (t[i].counted && ngot == 2) {
			EXPECT_ALERT(0, "auth-bruteforce", 1, "src 10.0.0.1");
			EXPECT_ALERT(1, "auth-bruteforce", 1, "user 7@x");
		}
		cr_expect_eq(rule_engine_stats(eng)->suppressed, 0u, "%s", t[i].comment);
	}
}

/* A full transaction table evicts (and counts) the oldest request; its
 * 401 is then a response to an unseen request. */
Test(engine, auth_transaction_table_bounded)
{
	cfg.table_size = 2;
	rule_on(R_AUTH_BRUTEFORCE, 0, 60000, 60000);
	start();
	char ex[256];
	feed(1000, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .cid = "old", .extra = AUTHZ(ex, "7") });
	feed(1001, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .cid = "o1" });
	feed(1002, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .cid = "o2" });
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 1u);
	feed(1003, B, A, (struct m){ .status = 401, .to = "sip:7@x", .totag = "t", .cid = "old", .cseq = "REGISTER" });
	cr_expect_eq(ngot, 0);
	/* ACK and CANCEL are not tracked: they cannot be challenged. */
	feed(1004, A, B, (struct m){ .method = "ACK", .ruri = "sip:x", .cid = "a1" });
	feed(1005, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .cid = "new", .extra = AUTHZ(ex, "8") });
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 2u);
	feed(1006, B, A, (struct m){ .status = 401, .to = "sip:8@x", .totag = "t", .cid = "new", .cseq = "REGISTER" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(0, "auth-bruteforce", 1, "src 10.0.0.1");
	EXPECT_ALERT(1, "auth-bruteforce", 1, "user 8@x");
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 2u);
}

/* A flush carries the severity of the key's last alert and says what it
 * stands for, whether the key expires or the run ends. */
Test(engine, flush_keeps_severity_and_names_events)
{
	cfg.cs_require_tls.n = 1;
	cfg.cs_require_tls.idx[0] = net(0, "pci", "172.16.0.0/12", NULL);
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	start();
	/* Raised pair: one alert, 12 suppressed; then it expires. */
	for (int i = 0; i < 13; i++)
		feed(1000 + i, "10.5.5.5", "172.16.3.3", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	/* A plain pair: one alert, 2 suppressed, flushed at the end. */
	for (int i = 0; i < 3; i++)
		feed(1000 + i, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(0, "cleartext-signalling", 1, "10.5.5.5 <-> 172.16.3.3");
	cr_expect_eq(got[0].sev, SEV_HIGH);
	EXPECT_ALERT(1, "cleartext-signalling", 1, A " <-> " B);
	cr_expect_eq(got[1].sev, SEV_LOW);
	/* Past both keys' idle time: both expire on the next lookup. */
	feed(70000, "10.7.7.7", "10.8.8.8", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 5);
	EXPECT_ALERT(2, "cleartext-signalling", 12, "10.5.5.5 <-> 172.16.3.3");
	cr_expect_eq(got[2].sev, SEV_HIGH, "raised key flushed at severity %d", got[2].sev);
	cr_expect_str_eq(got[2].msg,
	    "12 further cleartext-signalling events for 10.5.5.5 <-> 172.16.3.3 suppressed since the last alert");
	cr_expect(!got[2].has_pkt);
	EXPECT_ALERT(3, "cleartext-signalling", 2, A " <-> " B);
	cr_expect_eq(got[3].sev, SEV_LOW);
	EXPECT_ALERT(4, "cleartext-signalling", 1, "10.7.7.7 <-> 10.8.8.8");
	/* And at the end of the run. */
	for (int i = 0; i < 4; i++)
		feed(70001 + i, "172.16.9.9", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 6);
	rule_engine_finish(eng);
	cr_assert_eq(ngot, 7);
	EXPECT_ALERT(6, "cleartext-signalling", 3, "10.0.0.2 <-> 172.16.9.9");
	cr_expect_eq(got[6].sev, SEV_HIGH);
	cr_expect_str_eq(got[6].msg,
	    "3 further cleartext-signalling events for 10.0.0.2 <-> 172.16.9.9 suppressed since the last alert");
	cr_expect_eq(rule_engine_stats(eng)->by_severity[SEV_HIGH], 4u);
	cr_expect_eq(rule_engine_stats(eng)->by_severity[SEV_LOW], 3u);
}

Test(engine, user_enumeration_counts_distinct)
{
	rule_on(R_USER_ENUMERATION, 3, 10000, 60000);
	start();
	for (int i = 0; i < 20; i++)
		feed(1000 + i, B, A, (struct m){ .status = 404, .to = i % 2 ? "sip:u1@x" : "sip:u1@X" });
	feed(2000, B, A, (struct m){ .status = 404, .to = "sip:u2@x" });
	feed(2001, B, A, (struct m){ .status = 403, .to = "sip:u3@x" });
	/* 200 and 500 are not failures that reveal users. */
	feed(2002, B, A, (struct m){ .status = 500, .to = "sip:u4@x" });
	feed(2003, B, A, (struct m){ .status = 200, .to = "sip:u5@x" });
	cr_expect_eq(ngot, 0);
	feed(2004, B, A, (struct m){ .status = 401, .to = "sip:u6@x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "user-enumeration", 4, A);
	cr_expect(strstr(got[0].msg, "4 distinct users within 10s") != NULL, "%s", got[0].msg);
}

Test(engine, unauthenticated_call)
{
	dom(0, "secure.example")->require_auth = 1;
	dom(1, "open.example")->require_tls = 1;
	rule_on(R_UNAUTHENTICATED_CALL, 0, 0, 60000);
	start();
	/* No credentials, answered: alert (once for 180 and 200). */
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .cid = "c1" });
	feed(1001, B, A, (struct m){ .status = 180, .cid = "c1", .to = "sip:1@secure.example", .totag = "t" });
	feed(1002, B, A, (struct m){ .status = 200, .cid = "c1", .to = "sip:1@secure.example", .totag = "t" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "unauthenticated-call", 1, "c1");
	cr_expect(strstr(got[0].msg, "answered 180") != NULL, "%s", got[0].msg);
	/* Challenged, then retried with credentials. */
	feed(2000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .cid = "c2" });
	feed(2001, B, A, (struct m){ .status = 407, .cid = "c2", .to = "sip:1@secure.example", .totag = "t" });
	feed(2002, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .cid = "c2",
	    .extra = "Proxy-Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:1@x\", response=\"r\"\r\n" });
	feed(2003, B, A, (struct m){ .status = 200, .cid = "c2", .to = "sip:1@secure.example", .totag = "t" });
	/* Challenged; the retry was not captured. */
	feed(2500, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .cid = "c2b" });
	feed(2501, B, A, (struct m){ .status = 401, .cid = "c2b", .to = "sip:1@secure.example", .totag = "t" });
	feed(2502, B, A, (struct m){ .status = 200, .cid = "c2b", .to = "sip:1@secure.example", .totag = "t" });
	/* Credentials up front. */
	feed(3000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@secure.example", .cid = "c3",
	    .extra = "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:1@x\", response=\"r\"\r\n" });
	feed(3001, B, A, (struct m){ .status = 200, .cid = "c3", .to = "sip:1@secure.example", .totag = "t" });
	/* A domain without require_auth. */
	feed(4000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@open.example", .cid = "c4" });
	feed(4001, B, A, (struct m){ .status = 200, .cid = "c4", .to = "sip:1@open.example", .totag = "t" });
	cr_expect_eq(ngot, 1);
}

Test(engine, identity_mismatch_table)
{
	rule_on(R_IDENTITY_MISMATCH, 0, 0, 60000);
	start();
	static const struct {
		const char *username, *from;
		const char *key; /* NULL: no alert */
		const char *comment;
	} t[] = {
		{ "1006", "sip:1006@x", NULL, "same" },
		{ "1006@", "sip:1006@x", NULL, "trailing @" },
		{ "1006@pbx.example", "sip:1006@x", NULL, "user@realm" },
		{ "1007", "sip:1006@x", "1007/1006", "other user" },
		{ "Alice", "sip:alice@x", "Alice/alice", "user parts are case-sensitive" },
		{ "100", "sip:1006@x", "100/1006", "prefix is not equal" },
	};
	for (size_t i = 0; i < N(t); i++) {
		char ex[256];
		snprintf(ex, sizeof(ex),
		    "Authorization: Digest username=\"%s\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\"\r\n",
		    t[i].username);
		int before = ngot;
		feed(1000, A, B, (struct m){ .method = "REGISTER", .ruri = "sip:x", .from = t[i].from, .extra = ex });
		cr_assert_eq(ngot - before, t[i].key != NULL, "%s", t[i].comment);
		if (t[i].key)
			EXPECT_ALERT(before, "identity-mismatch", 1, t[i].key);
	}
}

Test(engine, weak_auth_table)
{
	dom(0, "strict.example")->require_sha256 = 1;
	rule_on(R_WEAK_AUTH, 0, 0, 0);
	static const struct {
		int global;
		const char *ruri;  /* NULL: a 401 response with extra as challenge */
		const char *extra;
		int alert;
		const char *says;
	} t[] = {
		{ 0, "sip:x", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n", 1, "password in the clear" },
		{ 0, NULL, "WWW-Authenticate: Basic realm=\"x\"\r\n", 1, "WWW-Authenticate scheme Basic" },
		{ 0, "sip:x", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\"\r\n", 0, NULL },
		{ 1, "sip:x", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\"\r\n", 1, "MD5 (absent)" },
		{ 1, "sip:x", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\", algorithm=MD5-sess\r\n", 1, "algorithm MD5-sess" },
		{ 1, "sip:x", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\", algorithm=SHA-256\r\n", 0, NULL },
		{ 1, NULL, "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\", algorithm=MD5\r\n", 1, "algorithm MD5 where SHA-256" },
		{ 0, "sip:strict.example", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\", algorithm=MD5\r\n", 1, "algorithm MD5 where SHA-256" },
		{ 0, "sip:lax.example", "Authorization: Digest username=\"a\", realm=\"x\", nonce=\"n\", uri=\"sip:x\", response=\"r\", algorithm=MD5\r\n", 0, NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		rule_engine_free(eng);
		ngot = 0;
		cfg.wa_require_sha256 = t[i].global;
		start();
		if (t[i].ruri)
			feed(1000, A, B, (struct m){ .method = "REGISTER", .ruri = t[i].ruri, .extra = t[i].extra });
		else
			feed(1000, A, B, (struct m){ .status = 401, .cseq = "REGISTER", .extra = t[i].extra });
		cr_assert_eq(ngot, t[i].alert, "case %zu", i);
		if (t[i].alert) {
			EXPECT_ALERT(0, "weak-auth", 1, A);
			cr_expect(strstr(got[0].msg, t[i].says) != NULL, "case %zu: %s", i, got[0].msg);
		}
	}
}

Test(engine, malformed_lists_anomalies)
{
	rule_on(R_MALFORMED, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 0);
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .cseq = "INVITE",
	    .extra = "Content-Length: 0\r\n" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "malformed", 1, A);
	cr_expect_str_eq(got[0].msg,
	    "malformed OPTIONS from 10.0.0.1: cseq_method_mismatch, duplicate_content_length");
	cr_expect_eq(got[0].sev, SEV_LOW);
}

Test(engine, custom_targets)
{
	custom(0, "subject-probe", CUSTOM_HEADER, "SUBJECT", "^probe", 0, 0, 60000);
	custom(1, "x-second", CUSTOM_HEADER, "X-Tag", "bad", 1, 0, 60000);
	custom(2, "rl", CUSTOM_REQUEST_LINE, NULL, "^OPTIONS sip:admin@", 0, 0, 60000);
	custom(3, "bodyrule", CUSTOM_BODY, NULL, "cmd=", 0, 0, 60000);
	customs[3].c.severity = SEV_CRITICAL;
	start();
	/* Compact form "s" is Subject (RFC 3261 section 20.36). */
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "s: probe 1\r\n" });
	feed(1000, "10.0.0.3", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "subject: other\r\n" });
	/* Every occurrence of a repeated header. */
	feed(1000, "10.0.0.4", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "X-Tag: good\r\nx-tag: bad\r\n" });
	feed(1000, "10.0.0.5", B, (struct m){ .method = "OPTIONS", .ruri = "sip:admin@x" });
	feed(1000, "10.0.0.6", B, (struct m){ .status = 200, .cseq = "OPTIONS" });
	feed(1000, "10.0.0.7", B, (struct m){ .method = "MESSAGE", .ruri = "sip:1@x", .extra = "Content-Type: text/plain\r\n", .body = "hi cmd=reboot" });
	cr_assert_eq(ngot, 4);
	EXPECT_ALERT(0, "subject-probe", 1, A);
	cr_expect_eq(got[0].id, -1);
	cr_expect_str_eq(got[0].msg, "subject-probe: OPTIONS from 10.0.0.1 has SUBJECT 'probe 1' matching '^probe'");
	EXPECT_ALERT(1, "x-second", 1, "10.0.0.4");
	EXPECT_ALERT(2, "rl", 1, "10.0.0.5");
	cr_expect(strstr(got[2].msg, "request line 'OPTIONS sip:admin@x SIP/2.0'") != NULL, "%s", got[2].msg);
	EXPECT_ALERT(3, "bodyrule", 1, "10.0.0.7");
	cr_expect_eq(got[3].sev, SEV_CRITICAL);
	cr_expect_eq(rule_engine_stats(eng)->alerts_custom, 4u);
	cr_expect_eq(rule_engine_stats(eng)->by_severity[SEV_CRITICAL], 1u);
}

/* A flood of keys through a small table: evictions counted, the engine
 * still sees a new key cross its threshold. */
Test(engine, eviction_under_key_flood)
{
	cfg.table_size = 8;
	rule_on(R_SOURCE_FLOOD, 2, 10000, 60000);
	start();
	for (int i = 0; i < 80; i++) {
		char src[32];
		snprintf(src, sizeof(src), "10.1.%d.%d", i / 250, i % 250 + 1);
		feed(1000 + i, src, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	}
	cr_expect_eq(ngot, 0);
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 72u);
	for (int i = 0; i < 3; i++)
		feed(2000 + i, "192.0.2.200", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "source-flood", 3, "192.0.2.200");
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 73u);
}

/* An evicted key that had suppressed events reports them. */
Test(engine, eviction_reports_suppressed)
{
	cfg.table_size = 2;
	add(&cfg.scanner, "scan");
	rule_on(R_SCANNER, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scan\r\n" });
	feed(1001, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scan\r\n" });
	feed(1002, "10.0.0.3", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scan\r\n" });
	feed(1003, "10.0.0.4", B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = "User-Agent: scan\r\n" });
	cr_assert_eq(ngot, 4);
	EXPECT_ALERT(0, "scanner", 1, A);
	EXPECT_ALERT(1, "scanner", 1, "10.0.0.3");
	EXPECT_ALERT(2, "scanner", 1, A);
	cr_expect_str_eq(got[2].msg, "1 further scanner event for 10.0.0.1 suppressed since the last alert");
	EXPECT_ALERT(3, "scanner", 1, "10.0.0.4");
}

Test(engine, hostile_header_pattern_limit)
{
	custom(0, "evil", CUSTOM_HEADER, "X-Evil", "^(a+)+$", 0, 0, 60000);
	start();
	static char extra[40100];
	memcpy(extra, "X-Evil: ", 8);
	memset(extra + 8, 'a', 40000);
	memcpy(extra + 8 + 40000, "b\r\n", 4);
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = extra });
	cr_expect_eq(ngot, 0);
	cr_expect_geq(rule_engine_stats(eng)->pattern_limit_hits, 1u);
}

/* The deny patterns' alternation hitting a limit runs the patterns, which
 * count their own limit hits: the alert and the statistics are those
 * without it. */
Test(engine, deny_prefilter_limit_hit)
{
	add(&cfg.du_deny, "^sip:(a+)+$");
	add(&cfg.du_deny, "a!");
	rule_on(R_DISALLOWED_URI, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" });
	cr_assert_eq(ngot, 1);
	cr_expect(strstr(got[0].msg, "matches deny pattern 'a!'") != NULL, "%s", got[0].msg);
	cr_expect_eq(rule_engine_stats(eng)->pattern_limit_hits, 1u);
}

Test(engine, disabled_rules_are_silent)
{
	add(&cfg.scanner, "scanner");
	add(&cfg.du_deny, "^sip:00");
	custom(0, "c", CUSTOM_HEADER, "User-Agent", "scanner", 0, 0, 0);
	customs[0].c.enabled = 0;
	start();
	for (int i = 0; i < 50; i++)
		feed(1000 + i, A, B, (struct m){ .method = "INVITE", .ruri = "sip:00@x",
		    .extra = "User-Agent: scanner\r\n" CT_SDP, .body = SDP_SDES });
	cr_expect_eq(ngot, 0);
	cr_expect_eq(rule_engine_stats(eng)->cleartext_msgs, 50u);
}

Test(engine, long_keys_truncated)
{
	rule_on(R_INVITE_FLOOD, 0, 10000, 60000);
	start();
	char ru[600];
	memcpy(ru, "sip:", 4);
	memset(ru + 4, '7', 500);
	memcpy(ru + 504, "@x", 3);
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = ru });
	cr_assert_eq(ngot, 1);
	cr_expect_eq(strlen(got[0].key), 127u);
	cr_expect_eq(strspn(got[0].key, "7"), 127u);
}

/* Keys are kept in binary (address keys) or as a hash (text and IPv6
 * pair keys, whose text is kept only while events are held back): the
 * flush of held-back events, at finish or on eviction, names the same key
 * as the alert did. */
Test(engine, held_back_keys_keep_their_text)
{
	add(&cfg.du_deny, "^sip:00");
	rule_on(R_DISALLOWED_URI, 0, 0, 60000);
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	rule_on(R_SCANNER, 0, 0, 60000);
	add(&cfg.scanner, "scan");
	start();
	char ru[300];
	memcpy(ru, "sip:00", 6);
	memset(ru + 6, '5', 200);
	memcpy(ru + 206, "@X.example", 11);
	const char *a6 = "2001:db8::1", *b6 = "2001:db8::2";
	for (int i = 0; i < 3; i++)
		feed(1000 + i, b6, a6, (struct m){ .method = "INVITE", .ruri = ru,
		    .extra = "User-Agent: scan\r\n" });
	cr_assert_eq(ngot, 3);
	char du[160], ct[160], sc[160];
	for (int i = 0; i < 3; i++) {
		if (strcmp(got[i].rule, "disallowed-uri") == 0)
			snprintf(du, sizeof(du), "%s", got[i].key);
		else if (strcmp(got[i].rule, "cleartext-signalling") == 0)
			snprintf(ct, sizeof(ct), "%s", got[i].key);
		else
			snprintf(sc, sizeof(sc), "%s", got[i].key);
	}
	cr_expect_eq(strlen(du), 127u, "text keys are cut at 127 bytes");
	cr_expect_str_eq(ct, "2001:db8::1 <-> 2001:db8::2");
	cr_expect_str_eq(sc, "2001:db8::2");
	rule_engine_finish(eng);
	cr_assert_eq(ngot, 6);
	for (int i = 3; i < 6; i++) {
		const char *want = strcmp(got[i].rule, "disallowed-uri") == 0 ? du
		    : strcmp(got[i].rule, "cleartext-signalling") == 0 ? ct : sc;
		cr_expect_eq(got[i].count, 2u, "%s", got[i].rule);
		cr_expect_str_eq(got[i].key, want, "%s", got[i].rule);
		char msg[400];
		snprintf(msg, sizeof(msg), "2 further %s events for %s suppressed since the last alert",
		    got[i].rule, want);
		cr_expect_str_eq(got[i].msg, msg);
	}
}

Test(engine, held_back_text_key_on_eviction)
{
	cfg.table_size = 2;
	add(&cfg.du_deny, "^sip:00");
	rule_on(R_DISALLOWED_URI, 0, 0, 60000);
	start();
	feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:001@x" });
	feed(1001, A, B, (struct m){ .method = "INVITE", .ruri = "sip:001@x" });
	feed(1002, A, B, (struct m){ .method = "INVITE", .ruri = "sip:002@x" });
	feed(1003, A, B, (struct m){ .method = "INVITE", .ruri = "sip:003@x" });
	cr_assert_eq(ngot, 4);
	EXPECT_ALERT(0, "disallowed-uri", 1, "sip:001@x");
	EXPECT_ALERT(1, "disallowed-uri", 1, "sip:002@x");
	EXPECT_ALERT(2, "disallowed-uri", 1, "sip:001@x");
	cr_expect_str_eq(got[2].msg, "1 further disallowed-uri event for sip:001@x suppressed since the last alert");
	EXPECT_ALERT(3, "disallowed-uri", 1, "sip:003@x");
	cr_expect_eq(rule_engine_stats(eng)->table_evictions, 1u);
}

/* Window counters start at 4 bits: a sub-bucket past 15 events moves to
 * 32-bit counters without losing one. */
Test(engine, window_counts_past_fifteen_per_slot)
{
	rule_on(R_SOURCE_FLOOD, 40, 16000, 60000);
	start();
	for (int i = 0; i < 20; i++)
		feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	for (int i = 0; i < 20; i++)
		feed(2000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 0);
	feed(2000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	EXPECT_ALERT(0, "source-flood", 41, A);
	cr_expect_str_eq(got[0].msg, "41 requests from 10.0.0.1 within 16s (threshold 40)");
	/* 16 s later the first sub-bucket (20) has left the window and the
	 * second (21) not: 19 more make 40, at the threshold; one more is
	 * over it (and suppressed). */
	for (int i = 0; i < 19; i++)
		feed(17000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 0u);
	feed(17000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 1);
	cr_expect_eq(rule_engine_stats(eng)->suppressed, 1u);
}

/* Key texts are built a word at a time where no byte needs replacing: the
 * result is what byte-by-byte copying gives (host and scheme lower-cased,
 * the user as sent, control bytes as '?'), whatever the lengths and
 * wherever upper case or control bytes fall relative to 8-byte words. */
struct key_case {
	const char *from, *key;
	const char *comment;
};

static const struct key_case key_cases[] = {
	{ "sip:a@B", "sip:a@b", "pieces shorter than a word" },
	{ "SIP:Alice@EXAMPLE.COM", "sip:Alice@example.com", "user kept, scheme and host folded" },
	{ "sip:bob@ABCDEFGHIJKLMNOPQRSTUVWXYZ.Example.ORG",
	    "sip:bob@abcdefghijklmnopqrstuvwxyz.example.org", "host of several words and a tail" },
	{ "sip:ABCDEFGH@abcdefgh", "sip:ABCDEFGH@abcdefgh", "exact words" },
	{ "sip:-_.!~*'()&=+$,@X_Y-Z.0", "sip:-_.!~*'()&=+$,@x_y-z.0", "punctuation as it is" },
	{ "sip:u@HOST.EXAMPLE.C", "sip:u@host.example.c", "a tail folded as the last word, overlapping" },
	{ "sip:Nine-Byte@x", "sip:Nine-Byte@x", "a one-byte tail as the last word, not folded" },
};

/* Call-IDs (sdes-key-exposed's key), which may carry control bytes. */
static const struct key_case cid_cases[] = {
	{ "call-1", "call-1", "shorter than a word" },
	{ "0123456789abcdefXYZ", "0123456789abcdefXYZ", "not folded" },
	{ "abc\x7f" "defgh-ijklmnop", "abc?defgh-ijklmnop", "DEL in the first word: all byte by byte" },
	{ "12345678\x01" "9", "12345678?9", "a control byte after a whole word" },
	{ "1234567812345678\x1f", "1234567812345678?", "a control byte in the tail" },
	{ "01234567\x01" "abcd", "01234567?abcd", "a control byte in the overlapping last word" },
	{ "0123456789AbCdE", "0123456789AbCdE", "the tail as the overlapping last word" },
};

Test(engine, key_text_as_byte_by_byte)
{
	for (size_t i = 0; i < N(key_cases); i++) {
		teardown();
		setup();
		rule_on(R_FROM_FLOOD, 0, 10000, 60000);
		start();
		feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:x@y", .from = key_cases[i].from });
		cr_assert_eq(ngot, 1, "%s", key_cases[i].comment);
		cr_expect_str_eq(got[0].key, key_cases[i].key, "%s", key_cases[i].comment);
	}
	for (size_t i = 0; i < N(cid_cases); i++) {
		teardown();
		setup();
		rule_on(R_SDES_KEY_EXPOSED, 0, 0, 60000);
		start();
		feed(1000, A, B, (struct m){ .method = "INVITE", .ruri = "sip:1@x", .cid = cid_cases[i].from,
		    .extra = CT_SDP, .body = SDP_SDES });
		cr_assert_eq(ngot, 1, "%s", cid_cases[i].comment);
		cr_expect_str_eq(got[0].key, cid_cases[i].key, "%s", cid_cases[i].comment);
	}
}

/* A window's sub-buckets are cleared as time passes them, including runs
 * that wrap around the end of the counters: 10 events in one sub-bucket
 * still count 15 sub-buckets later and no longer 16 later. */
Test(engine, window_clears_wrapped_sub_buckets)
{
	rule_on(R_SOURCE_FLOOD, 10, 1600, 0); /* 16 sub-buckets of 100 ms */
	start();
	for (int i = 0; i < 10; i++)
		feed(1450 + i, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 0);
	/* Sub-bucket 29: 15 later, buckets 15 .. 29 (slot 15, then slots
	 * 0 .. 13 past the wrap) cleared, 14 kept. */
	feed(2950, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	cr_expect(strncmp(got[0].msg, "11 requests from", 16) == 0, "%s", got[0].msg);
	/* Sub-bucket 30 clears 14: two events left. */
	feed(3050, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 1);
	/* Nine more in bucket 30 make 11 again. */
	for (int i = 0; i < 9; i++)
		feed(3051 + i, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 2);
	cr_expect(strncmp(got[1].msg, "11 requests from", 16) == 0, "%s", got[1].msg);
}

/* The wrapped part of a run clears counts too: nine events in sub-bucket
 * 2, one in 14 (ten in the window, not over 10), then one in 19, whose
 * run 15 .. 19 wraps to slots 15, 0 .. 3 and takes the nine away. */
Test(engine, window_wrap_clears_counted_slots)
{
	rule_on(R_SOURCE_FLOOD, 10, 1600, 0); /* 16 sub-buckets of 100 ms */
	start();
	for (int i = 0; i < 9; i++)
		feed(250 + i, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1450, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 0);
	feed(1950, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_expect_eq(ngot, 0, "the nine events of sub-bucket 2 still counted");
}

/* ----------------------------------------------------- alert rate limit */

/* An OPTIONS from 10.0.1.i to B, with extra header lines (or none): a
 * new cleartext-signalling peer pair (and source key) per i. */
static void
sweep_with(int i, int64_t ms, const char *extra)
{
	char src[32];
	snprintf(src, sizeof(src), "10.0.1.%d", i);
	feed(ms, src, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x", .extra = extra });
}

static void
sweep(int i, int64_t ms)
{
	sweep_with(i, ms, NULL);
}

Test(engine, alert_rate_holds_and_reports)
{
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 3, 1000, 0 };
	start();
	for (int i = 0; i < 10; i++)
		sweep(i, 1000 + i);
	cr_assert_eq(ngot, 3, "the first 3 of the window pass");
	EXPECT_ALERT(2, "cleartext-signalling", 1, "10.0.0.2 <-> 10.0.1.2");
	cr_expect_eq(rule_engine_stats(eng)->rate_limited, 7u);
	/* Still within the window that opened at 1000: nothing yet. */
	sweep(0, 1999);
	cr_assert_eq(ngot, 3);
	/* The window is over: the next message (here one that alerts
	 * nothing itself, its pair being suppressed) brings the report. */
	sweep(1, 2000);
	cr_assert_eq(ngot, 4);
	EXPECT_ALERT(3, "cleartext-signalling", 7, "");
	cr_expect(!got[3].has_key && !got[3].has_pkt);
	cr_expect_eq(got[3].sev, SEV_LOW);
	cr_expect_str_eq(got[3].msg, "7 further cleartext-signalling alerts (7 events) held back "
	    "by the alert rate limit of 3 per 1s");
	/* A new window opens with the next alert. */
	for (int i = 10; i < 15; i++)
		sweep(i, 2500 + i);
	cr_assert_eq(ngot, 7);
	EXPECT_ALERT(6, "cleartext-signalling", 1, "10.0.0.2 <-> 10.0.1.12");
	/* At the end the keys' own flushes (10.0.1.0 and .1 hold one
	 * suppressed event each) are held too, and everything held is
	 * reported: 2 alerts of 1 event, 2 flushes of 1. */
	rule_engine_finish(eng);
	cr_assert_eq(ngot, 8);
	EXPECT_ALERT(7, "cleartext-signalling", 4, "");
	cr_expect_str_eq(got[7].msg, "4 further cleartext-signalling alerts (4 events) held back "
	    "by the alert rate limit of 3 per 1s");
	const struct rule_stats *st = rule_engine_stats(eng);
	cr_expect_eq(st->rate_limited, 11u);
	cr_expect_eq(st->alerts[R_CLEARTEXT_SIGNALLING], 8u, "reports count as alerts");
}

Test(engine, alert_rate_rule_overrides)
{
	add(&cfg.scanner, "scanner");
	rule_on(R_SCANNER, 0, 0, 60000);
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 1, 500, 0 };
	cfg.r[R_SCANNER].rate = (struct alert_rate){ 0, 1000, 1 }; /* no limit */
	start();
	for (int i = 0; i < 5; i++)
		sweep_with(i, 1000 + i, "User-Agent: scanner\r\n");
	int scan = 0, clear = 0;
	for (int i = 0; i < ngot; i++) {
		scan += got[i].id == R_SCANNER;
		clear += got[i].id == R_CLEARTEXT_SIGNALLING;
	}
	cr_expect_eq(scan, 5, "the scanner rule has no limit");
	cr_expect_eq(clear, 1, "cleartext-signalling: 1 per 500ms");
	sweep(9, 1600);
	cr_assert_eq(ngot, 8, "the report, then the new window's alert");
	EXPECT_ALERT(6, "cleartext-signalling", 4, "");
	cr_expect_str_eq(got[6].msg, "4 further cleartext-signalling alerts (4 events) held back "
	    "by the alert rate limit of 1 per 500ms");
	EXPECT_ALERT(7, "cleartext-signalling", 1, "10.0.0.2 <-> 10.0.1.9");
}

/* A held-back alert stands for its events, and the report for them all. */
Test(engine, alert_rate_report_carries_events)
{
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 10000);
	cfg.alert_rate = (struct alert_rate){ 1, 100000, 0 };
	start();
	sweep(0, 1000);         /* passes: the window's one */
	for (int i = 1; i <= 3; i++)
		sweep(1, 1000 + i); /* held (1 event), then suppressed */
	cr_assert_eq(ngot, 1);
	/* After the suppression window 10.0.1.1's entry has expired: its
	 * flush (2 events) and its new alert (1) are held. */
	sweep(1, 12000);
	sweep(2, 13000);        /* held (1) */
	cr_assert_eq(ngot, 1);
	cr_expect_eq(rule_engine_stats(eng)->rate_limited, 4u);
	sweep(3, 101000);       /* the window is over */
	cr_assert_eq(ngot, 3);
	EXPECT_ALERT(1, "cleartext-signalling", 5, "");
	cr_expect_str_eq(got[1].msg, "4 further cleartext-signalling alerts (5 events) held back "
	    "by the alert rate limit of 1 per 100s");
	EXPECT_ALERT(2, "cleartext-signalling", 1, "10.0.0.2 <-> 10.0.1.3");
}

/* The report is at the highest severity among the alerts it stands for. */
Test(engine, alert_rate_report_keeps_the_highest_severity)
{
	cfg.cs_require_tls.n = 1;
	cfg.cs_require_tls.idx[0] = net(0, "pci", "172.16.0.0/12", NULL);
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 1, 1000, 0 };
	start();
	feed(1000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1001, "10.5.5.5", "10.6.6.6", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1002, "10.5.5.5", "172.16.3.3", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	feed(1003, "10.5.5.5", "10.6.6.7", (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 1);
	rule_engine_finish(eng);
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "cleartext-signalling", 3, "");
	cr_expect_eq(got[1].sev, SEV_HIGH);
}

/* A reload keeps a kept rule's window and held-back alerts (under the new
 * limit), and reports them when the rule's table is replaced. */
Test(engine, alert_rate_across_reload)
{
	static struct rule_config wider, other;
	char err[256];
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 1, 10000, 0 };
	start();
	for (int i = 0; i < 3; i++)
		sweep(i, 1000 + i);
	cr_assert_eq(ngot, 1);
	wider = cfg;
	wider.alert_rate.count = 3;
	cr_assert_eq(rule_engine_reload(eng, &wider, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ngot, 1, "the table is kept: nothing reported");
	for (int i = 3; i < 6; i++)
		sweep(i, 2000 + i);
	cr_assert_eq(ngot, 3, "2 more pass in the same window (3 in all), 1 more held");
	other = wider;
	other.r[R_CLEARTEXT_SIGNALLING].suppress_ms = 30000;
	cr_assert_eq(rule_engine_reload(eng, &other, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ngot, 4, "the replaced table's held-back alerts are reported");
	EXPECT_ALERT(3, "cleartext-signalling", 3, "");
	cr_expect_str_eq(got[3].msg, "3 further cleartext-signalling alerts (3 events) held back "
	    "by the alert rate limit of 3 per 10s");
	sweep(9, 3000);
	cr_assert_eq(ngot, 5, "the new table starts a window of its own");
	rule_engine_finish(eng);
	cr_expect_eq(ngot, 5);
}

/* Custom rules: limited like the built-in ones, and a kept custom rule's
 * held-back alerts survive a reload. */
Test(engine, alert_rate_custom_rule_across_reload)
{
	static struct rule_config same;
	char err[256];
	custom(0, "subject-probe", CUSTOM_HEADER, "Subject", "^probe", 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 1, 10000, 0 };
	start();
	for (int i = 0; i < 3; i++)
		sweep_with(i, 1000 + i, "Subject: probe\r\n");
	cr_assert_eq(ngot, 1);
	same = cfg;
	cr_assert_eq(rule_engine_reload(eng, &same, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(ngot, 1);
	feed(11000, A, B, (struct m){ .method = "OPTIONS", .ruri = "sip:x" });
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "subject-probe", 2, "");
	cr_expect_eq(got[1].id, -1);
	cr_expect_str_eq(got[1].msg, "2 further subject-probe alerts (2 events) held back by the "
	    "alert rate limit of 1 per 10s");
	cr_expect_eq(rule_engine_stats(eng)->alerts_custom, 2u);
}

/* Live, silence after a burst: the capture loop's clock reports the
 * held-back alerts when the window ends. */
Test(engine, alert_rate_tick_reports_after_silence)
{
	rule_on(R_CLEARTEXT_SIGNALLING, 0, 0, 60000);
	cfg.alert_rate = (struct alert_rate){ 1, 1000, 0 };
	start();
	for (int i = 0; i < 3; i++)
		sweep(i, 1000 + i);
	cr_assert_eq(ngot, 1);
	struct timeval tv = { 1, 999000 };
	rule_engine_tick(eng, &tv);
	cr_assert_eq(ngot, 1, "the window is not over at 1999 ms");
	tv = (struct timeval){ 0, 500000 };
	rule_engine_tick(eng, &tv);
	cr_assert_eq(ngot, 1, "a clock behind packet time changes nothing");
	tv = (struct timeval){ 2, 0 };
	rule_engine_tick(eng, &tv);
	cr_assert_eq(ngot, 2);
	EXPECT_ALERT(1, "cleartext-signalling", 2, "");
	rule_engine_tick(eng, &tv);
	rule_engine_finish(eng);
	cr_expect_eq(ngot, 2, "reported once");
}
