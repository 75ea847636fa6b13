/*
 * reload_test.c - Criterion tests for rule_engine_reload: which rule
 * tables a new configuration keeps (counters, windows, suppression) and
 * which it resets, as a table of {old YAML, new YAML, events before,
 * events after, alerts expected}.
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

static int nalerts;     /* of the rule under test */
static uint64_t last_count;
static const char *watch;

static void
on_alert(void *ud, const struct rule_alert *a)
{
	(void)ud;
	if (strcmp(a->rule, watch) == 0) {
		nalerts++;
		last_count = a->count;
	}
}

static struct rule_config *
conf(const char *yaml)
{
	char err[512] = "";
	struct rule_config *c = rule_config_parse("test.yaml", yaml, strlen(yaml), err, sizeof(err));
	cr_assert_not_null(c, "%s", err);
	return c;
}

/* A REGISTER from src at ms with a Subject header. */
static void
feed(struct rule_engine *e, const struct rule_config *c, int64_t ms, const char *src)
{
	static char buf[2048];
	int n = snprintf(buf, sizeof(buf),
	    "REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP %s:5060;branch=z9hG4bK-%lld\r\n"
	    "From: <sip:alice@x>;tag=f1\r\nTo: <sip:alice@x>\r\nCall-ID: c%lld\r\n"
	    "CSeq: 1 REGISTER\r\nSubject: x-test\r\nContent-Length: 0\r\n\r\n",
	    src, (long long)ms, (long long)ms);
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg msg;
	struct sip_summary sum;
	cr_assert(sip_parse(buf, (size_t)n, &msg, hdrs, SIP_MAX_HEADERS, &c->limits, 0) > 0);
	sip_summarize(&msg, &sum);
	struct rule_pkt p;
	memset(&p, 0, sizeof(p));
	p.ts.tv_sec = ms / 1000;
	p.ts.tv_usec = (ms % 1000) * 1000;
	p.transport = IPPROTO_UDP;
	p.ipver = 4;
	cr_assert_eq(inet_pton(AF_INET, src, p.src), 1);
	cr_assert_eq(inet_pton(AF_INET, "10.9.9.9", p.dst), 1);
	p.sport = p.dport = 5060;
	rule_engine_message(e, &p, &msg, &sum);
}

#define RF(thr) "rules:\n  register_flood: {threshold: " #thr ", window: 10s, suppress: 60s}\n"
#define FF(thr) "  from_flood: {threshold: " #thr ", window: 10s, suppress: 60s}\n"
#define CU(re, sev) "custom:\n  - {name: subj, header: Subject, pcre: '" re "', severity: " sev ", suppress: 60s}\n"
#define NET(c) "networks:\n  ours: [" c "]\n"
#define US "  unknown_source: {allow_from: [ours], suppress: 60s}\n"

struct reload_case {
	const char *old_yaml, *new_yaml;
	const char *rule;    /* alerts counted for this rule */
	int before, after;   /* REGISTERs before and after the reload */
	int alerts;          /* alerts of rule over the whole run, finish excluded */
	const char *reset;   /* must appear in the summary ("" none; NULL: must not name rule) */
	const char *comment;
};

static const struct reload_case cases[] = {
	{ RF(5) FF(100), RF(5) FF(50), "register-flood", 4, 2, 1, "from-flood",
	  "unchanged threshold: the window keeps its 4 events, 6 > 5 fires" },
	{ RF(5) FF(100), RF(4) FF(100), "register-flood", 4, 2, 0, "register-flood",
	  "changed threshold: the window restarts, 2 events are not > 4" },
	{ RF(5), "rules:\n  register_flood: {threshold: 5, window: 10s, suppress: 60s, severity: low}\n",
	  "register-flood", 4, 2, 1, "",
	  "severity alone does not reset the table" },
	{ RF(5), "rules:\n  register_flood: {threshold: 5, window: 20s, suppress: 60s}\n",
	  "register-flood", 4, 2, 0, "register-flood", "changed window resets" },
	{ CU("x-test", "low"), CU("x-test", "low"), "subj", 1, 3, 1, NULL,
	  "unchanged custom rule: the suppression window keeps suppressing" },
	{ CU("x-test", "low"), CU("x-test", "high"), "subj", 1, 3, 1, NULL,
	  "custom severity change keeps suppression" },
	{ CU("x-test", "low"), CU("x-te.t", "low"), "subj", 1, 3, 2, "subj",
	  "changed pattern: suppression restarts, the next match alerts" },
	{ CU("x-test", "low"), "rules:\n  from_flood: {threshold: 7}\n" CU("x-test", "low")
	  "  - {name: other, header: Subject, pcre: 'zzz'}\n", "subj", 1, 3, 1, "other",
	  "a rule added next to an unchanged one leaves it alone" },
	{ NET("10.0.0.0/8") "rules:\n" US, NET("10.0.0.0/8") "rules:\n" US, "unknown-source",
	  1, 3, 1, NULL, "same network content: unknown-source keeps suppressing" },
	{ NET("10.0.0.0/8") "rules:\n" US, NET("10.0.0.0/16") "rules:\n" US, "unknown-source",
	  1, 3, 2, "unknown-source", "network content changed: unknown-source resets" },
};

Test(reload, keep_or_reset_table)
{
	for (size_t i = 0; i < N(cases); i++) {
		const struct reload_case *tc = &cases[i];
		char err[512];
		struct rule_config *oc = conf(tc->old_yaml), *nc = conf(tc->new_yaml);
		watch = tc->rule;
		nalerts = 0;
		struct rule_engine *e = rule_engine_new(oc, on_alert, NULL, err, sizeof(err));
		cr_assert_not_null(e, "%s", err);
		int64_t t = 1000000;
		/* 172.16/12 is outside "ours" in both cases above. */
		for (int k = 0; k < tc->before; k++)
			feed(e, oc, t += 100, "172.16.0.1");
		uint64_t sup = rule_engine_stats(e)->suppressed;
		cr_assert_eq(rule_engine_reload(e, nc, err, sizeof(err)), 0, "case %zu: %s", i, err);
		cr_assert_geq(rule_engine_stats(e)->suppressed, sup, "stats kept");
		if (tc->reset && tc->reset[0])
			cr_assert(strstr(err, tc->reset) != NULL, "case %zu (%s): summary \"%s\"",
			    i, tc->comment, err);
		if (tc->reset == NULL)
			cr_assert(strstr(err, tc->rule) == NULL, "case %zu (%s): summary \"%s\"",
			    i, tc->comment, err);
		if (tc->reset && tc->reset[0] == '\0')
			cr_assert_str_empty(err, "case %zu (%s)", i, tc->comment);
		rule_config_free(oc);   /* the engine must not touch it again */
		for (int k = 0; k < tc->after; k++)
			feed(e, nc, t += 100, "172.16.0.1");
		cr_assert_eq(nalerts, tc->alerts, "case %zu (%s): %d alerts, want %d", i,
		    tc->comment, nalerts, tc->alerts);
		rule_engine_free(e);
		rule_config_free(nc);
	}
}

/* A removed rule's held-back events are reported, not lost. */
Test(reload, removed_rule_flushes_suppressed)
{
	char err[512];
	struct rule_config *oc = conf(CU("x-test", "low")), *nc = conf("rules: {}\n");
	watch = "subj";
	nalerts = 0;
	struct rule_engine *e = rule_engine_new(oc, on_alert, NULL, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	for (int k = 0; k < 3; k++)
		feed(e, oc, 5000 + k, "10.1.1.1");
	cr_assert_eq(nalerts, 1);
	cr_assert_eq(rule_engine_reload(e, nc, err, sizeof(err)), 0, "%s", err);
	cr_assert(strstr(err, "subj") != NULL, "summary \"%s\"", err);
	cr_assert_eq(nalerts, 2, "the flush alert");
	cr_assert_eq(last_count, 2);
	rule_config_free(oc);
	feed(e, nc, 6000, "10.1.1.1");
	cr_assert_eq(nalerts, 2);
	rule_engine_finish(e);
	rule_engine_free(e);
	rule_config_free(nc);
}

/* The engine's tables survive many reloads in both directions. */
Test(reload, repeated_reloads)
{
	char err[512];
	struct rule_config *a = conf(RF(5) CU("x-test", "low"));
	watch = "register-flood";
	nalerts = 0;
	struct rule_engine *e = rule_engine_new(a, on_alert, NULL, err, sizeof(err));
	cr_assert_not_null(e, "%s", err);
	int64_t t = 0;
	for (int r = 0; r < 50; r++) {
		struct rule_config *b = conf(r % 2 ? RF(5) CU("x-test", "low") : RF(5) FF(9));
		feed(e, a, t += 10, "10.2.2.2");
		cr_assert_eq(rule_engine_reload(e, b, err, sizeof(err)), 0, "%s", err);
		rule_config_free(a);
		a = b;
	}
	/* 50 REGISTERs in 0.5 s with the register-flood table kept: fired once. */
	cr_assert_eq(nalerts, 1);
	rule_engine_finish(e);
	rule_engine_free(e);
	rule_config_free(a);
}

static char flushed[256];

static void
on_flush(void *ud, const struct rule_alert *a)
{
	(void)ud;
	if (a->pkt == NULL && strcmp(a->rule, "from-flood") == 0)
		snprintf(flushed, sizeof(flushed), "%s|%s", a->key, a->message);
}

/* from-flood keys are text kept as a hash; the text of a key with events
 * held back moves with a kept table, and is reported when a changed one
 * is flushed. */
Test(reload, held_back_text_keys)
{
	const char *want = "sip:alice@x|1 further from-flood event for sip:alice@x suppressed "
	                   "since the last alert";
	for (int changed = 0; changed < 2; changed++) {
		struct rule_config *c1 = conf("rules:\n" FF(1));
		struct rule_config *c2 = conf(changed ? "rules:\n" FF(2) : "rules:\n" FF(1));
		char err[256];
		struct rule_engine *e = rule_engine_new(c1, on_flush, NULL, err, sizeof(err));
		cr_assert_not_null(e, "%s", err);
		flushed[0] = '\0';
		for (int i = 0; i < 3; i++)
			feed(e, c1, 1000 + i, "10.0.0.1");
		cr_assert_eq(rule_engine_reload(e, c2, err, sizeof(err)), 0, "%s", err);
		if (!changed) {
			cr_expect_str_eq(flushed, "", "a kept table reports nothing at the reload");
			rule_engine_finish(e);
		}
		cr_expect_str_eq(flushed, want, "changed %d", changed);
		rule_engine_free(e);
		rule_config_free(c1);
		rule_config_free(c2);
	}
}
