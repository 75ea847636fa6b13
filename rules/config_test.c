/*
 * config_test.c - Criterion tests for config.c: the built-in defaults, the
 * issue's example, merge semantics, every error with its file:line:column,
 * and sipwatch.example.yaml (tests run from the repository root).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/config.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct rule_config *
parse(const char *yaml, char *err, size_t errlen)
{
	err[0] = '\0';
	return rule_config_parse("t.yaml", yaml, strlen(yaml), err, errlen);
}

static int
matches(struct pattern *p, const char *s)
{
	return pattern_match(p, s, strlen(s));
}

/* ------------------------------------------------------------ names */

Test(config, names)
{
	cr_expect_str_eq(rule_name(R_UNKNOWN_SOURCE), "unknown-source");
	cr_expect_str_eq(rule_key(R_UNKNOWN_SOURCE), "unknown_source");
	cr_expect_str_eq(rule_name(R_MALFORMED), "malformed");
	cr_expect_str_eq(rule_key(R_USER_ENUMERATION), "user_enumeration");
	cr_expect_str_eq(rule_name(R__COUNT), "unknown");
	cr_expect_str_eq(rule_severity_name(SEV_INFO), "info");
	cr_expect_str_eq(rule_severity_name(SEV_CRITICAL), "critical");
	cr_expect_str_eq(rule_severity_name(SEV__COUNT), "unknown");
	cr_expect_str_eq(rule_severity_name(-1), "unknown");
	cr_expect_eq(rule_severity_parse("medium"), SEV_MEDIUM);
	cr_expect_eq(rule_severity_parse("High"), SEV_HIGH);
	cr_expect_eq(rule_severity_parse("urgent"), -1);
	cr_expect_eq(rule_severity_parse(""), -1);
	cr_expect_eq(rule_severity_parse(NULL), -1);
}

/* ------------------------------------------------------------ defaults */

struct def_case {
	unsigned id;
	int sev;
	uint32_t threshold, window_ms, suppress_ms;
};

static const struct def_case def_cases[] = {
	{ R_UNKNOWN_SOURCE, SEV_HIGH, 0, 0, 60000 },
	{ R_DISALLOWED_URI, SEV_HIGH, 0, 0, 60000 },
	{ R_FROM_FLOOD, SEV_MEDIUM, 20, 10000, 60000 },
	{ R_CLEARTEXT_SIGNALLING, SEV_LOW, 0, 0, 300000 },
	{ R_SDES_KEY_EXPOSED, SEV_CRITICAL, 0, 0, 60000 },
	{ R_CLEARTEXT_MEDIA, SEV_LOW, 0, 0, 60000 },
	{ R_SCANNER, SEV_HIGH, 0, 0, 60000 },
	{ R_SOURCE_FLOOD, SEV_HIGH, 30, 2000, 60000 },
	{ R_INVITE_FLOOD, SEV_HIGH, 30, 10000, 60000 },
	{ R_REGISTER_FLOOD, SEV_MEDIUM, 50, 10000, 60000 },
	{ R_AUTH_BRUTEFORCE, SEV_HIGH, 10, 60000, 60000 },
	{ R_AUTH_BREACH, SEV_CRITICAL, 0, 600000, 60000 },
	{ R_USER_ENUMERATION, SEV_HIGH, 10, 60000, 60000 },
	{ R_UNAUTHENTICATED_CALL, SEV_HIGH, 0, 0, 60000 },
	{ R_IDENTITY_MISMATCH, SEV_MEDIUM, 0, 0, 60000 },
	{ R_WEAK_AUTH, SEV_MEDIUM, 0, 0, 60000 },
	{ R_MALFORMED, SEV_LOW, 0, 0, 60000 },
};

static void
expect_defaults(const struct rule_config *c, const char *what)
{
	struct sip_limits lim;

	cr_assert_eq(N(def_cases), R__COUNT, "every rule has a row");
	for (size_t i = 0; i < N(def_cases); i++) {
		const struct def_case *d = &def_cases[i];
		const struct rule_common *r = &c->r[d->id];
		const char *k = rule_key(d->id);

		cr_expect_eq(d->id, i, "rows in RULE_MAP order");
		cr_expect_eq(r->enabled, 1, "%s: %s enabled", what, k);
		cr_expect_eq(r->severity, d->sev, "%s: %s severity %d", what, k, r->severity);
		cr_expect_eq(r->threshold, d->threshold, "%s: %s threshold %u", what, k,
		    r->threshold);
		cr_expect_eq(r->window_ms, d->window_ms, "%s: %s window %u", what, k,
		    r->window_ms);
		cr_expect_eq(r->suppress_ms, d->suppress_ms, "%s: %s suppress %u", what, k,
		    r->suppress_ms);
	}
	cr_expect_eq(c->n_networks, 0, "%s", what);
	cr_expect_eq(c->n_domains, 0, "%s", what);
	cr_expect_eq(c->n_customs, 0, "%s", what);
	cr_expect_eq(c->us_allow_from.n, 0, "%s", what);
	cr_expect_eq(c->cs_require_tls.n, 0, "%s", what);
	cr_expect_eq(c->du_deny.n, 3, "%s", what);
	cr_expect_eq(c->n_du_users, 0, "%s", what);
	cr_expect_eq(c->scanner.n, 12, "%s", what);
	cr_expect_eq(c->wa_require_sha256, 0, "%s", what);
	cr_expect_eq(c->table_size, 65536, "%s", what);
	sip_limits_default(&lim);
	cr_expect_eq(memcmp(&c->limits, &lim, sizeof(lim)), 0, "%s: limits", what);
	cr_expect_eq(c->limits.max_body, 8192, "%s", what);
	cr_expect_eq(c->limits.max_via, 1024, "%s", what);
}

Test(config, defaults)
{
	char err[512];
	struct rule_config *c = rule_config_default(err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	cr_expect_str_eq(c->source, "(built-in)");
	expect_defaults(c, "built-in");
	rule_config_free(c);
	cr_expect(strstr(rule_config_default_yaml(), "from_flood:") != NULL);
}

/* An empty file, or one with only comments or an empty mapping, is the
 * defaults. */
Test(config, empty_is_defaults)
{
	static const char *const in[] = { "", "# nothing\n", "{}\n", "---\n", "~\n",
		"rules:\n", "rules: {}\nnetworks: {}\ndomains: []\ncustom:\n" };
	char err[512];

	for (size_t i = 0; i < N(in); i++) {
		struct rule_config *c = parse(in[i], err, sizeof(err));

		cr_assert_not_null(c, "\"%s\": %s", in[i], err);
		cr_expect_str_eq(c->source, "t.yaml");
		expect_defaults(c, in[i]);
		rule_config_free(c);
	}
}

struct uri_case {
	const char *uri;
	int denied;
};

static const struct uri_case deny_cases[] = {
	{ "sip:+442079460000@example.com", 1 },
	{ "sips:00442079460000@example.com", 1 },
	{ "tel:011442079460000", 1 },
	{ "sip:19005551234@example.com", 1 },
	{ "sip:9005551234@example.com", 1 },
	{ "sip:0900123456@example.com", 1 },
	{ "SIP:+44123@example.com", 1 }, /* RFC 3261 19.1.4: scheme is caseless */
	{ "sip:1234@example.com", 0 },
	{ "sip:alice@example.com", 0 },
	{ "sip:5551234@example.com", 0 },
	{ "sip:0123456@example.com", 0 },
};

static const struct {
	const char *ua;
	int scanner;
} ua_cases[] = {
	{ "friendly-scanner", 1 }, { "SIPVicious", 1 }, { "sipcli/v1.8", 1 },
	{ "VaxSIPUserAgent/3.1", 1 }, { "PPLSIP", 1 }, { "sundayddr", 1 },
	{ "iWar", 1 }, { "sipsak 0.9.6", 1 }, { "smap", 1 }, { "SIVuS Scanner", 1 },
	{ "sip:nm@nm", 1 }, { "sip-scan", 1 },
	{ "Asterisk PBX 18.10.0", 0 }, { "Linphone/5.0 (belle-sip)", 0 },
	{ "smapper", 0 }, { "Tiwari", 0 }, { "sip:nm@nmap.org", 0 },
};

Test(config, default_patterns)
{
	char err[512];
	struct rule_config *c = rule_config_default(err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	for (size_t i = 0; i < N(deny_cases); i++) {
		const char *u = deny_cases[i].uri;

		cr_expect_eq(pattern_list_match(&c->du_deny, u, strlen(u)) >= 0,
		    deny_cases[i].denied, "%s", u);
	}
	for (size_t i = 0; i < N(ua_cases); i++) {
		const char *u = ua_cases[i].ua;

		cr_expect_eq(pattern_list_match(&c->scanner, u, strlen(u)) >= 0,
		    ua_cases[i].scanner, "%s", u);
	}
	rule_config_free(c);
}

/* ------------------------------------------------------------ the issue's example */

static const char issue_example[] =
    "networks:\n"
    "  trusted: [10.0.0.0/8, 192.0.2.10, \"2001:db8::/32\"]\n"
    "  carriers: [203.0.113.0/24]\n"
    "domains:\n"
    "  - name: pbx.example.com        # matched against the Request-URI host (To host for responses)\n"
    "    allow_from: [trusted, carriers]\n"
    "    require_tls: true\n"
    "    require_auth: true\n"
    "rules:\n"
    "  unknown_source:\n"
    "    allow_from: [trusted, carriers]\n"
    "    severity: high\n"
    "  disallowed_uri:\n"
    "    deny: ['^sips?:(\\+|00|011)', '^sips?:1?900']\n"
    "    users:\n"
    "      \"1001\": ['^sips?:1[0-9]{3}@']   # user 1001 may only call internal extensions\n"
    "  from_flood: {threshold: 20, window: 10s}\n"
    "  cleartext_signalling: {severity: medium}\n"
    "  auth_bruteforce: {threshold: 5, window: 360s}\n"
    "custom:\n"
    "  - name: sipp-load-test\n"
    "    header: Subject\n"
    "    pcre: 'Performance Test'\n"
    "    severity: low\n";

Test(config, issue_example)
{
	char err[512];
	struct rule_config *c = parse(issue_example, err, sizeof(err));
	const uint8_t in4[4] = { 10, 20, 30, 40 }, out4[4] = { 11, 0, 0, 1 };
	const uint8_t host[4] = { 192, 0, 2, 10 }, carrier[4] = { 203, 0, 113, 99 };
	const uint8_t in6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	int t, k;

	cr_assert_not_null(c, "%s", err);
	cr_assert_eq(c->n_networks, 2);
	t = rule_config_network(c, "trusted");
	k = rule_config_network(c, "carriers");
	cr_assert_eq(t, 0);
	cr_assert_eq(k, 1);
	cr_expect_eq(rule_config_network(c, "nope"), -1);
	cr_expect_eq(cidr_set_count(c->networks[t].set), 3);
	cr_expect(cidr_set_match(c->networks[t].set, 4, in4));
	cr_expect(cidr_set_match(c->networks[t].set, 4, host));
	cr_expect(cidr_set_match(c->networks[t].set, 6, in6));
	cr_expect(!cidr_set_match(c->networks[t].set, 4, out4));
	cr_expect(cidr_set_match(c->networks[k].set, 4, carrier));
	cr_expect(!cidr_set_match(c->networks[k].set, 4, in4));

	cr_assert_eq(c->n_domains, 1);
	cr_expect_str_eq(c->domains[0].name, "pbx.example.com");
	cr_expect_eq(c->domains[0].allow_from.n, 2);
	cr_expect_eq(c->domains[0].allow_from.idx[0], t);
	cr_expect_eq(c->domains[0].allow_from.idx[1], k);
	cr_expect_eq(c->domains[0].require_tls, 1);
	cr_expect_eq(c->domains[0].require_auth, 1);
	cr_expect_eq(c->domains[0].require_sha256, 0);

	cr_expect_eq(c->us_allow_from.n, 2);
	cr_expect_eq(c->us_allow_from.idx[0], t);
	cr_expect_eq(c->us_allow_from.idx[1], k);
	cr_expect_eq(c->r[R_UNKNOWN_SOURCE].severity, SEV_HIGH);

	cr_expect_eq(c->du_deny.n, 2, "deny replaces the default list");
	cr_expect_str_eq(pattern_source(c->du_deny.v[0]), "^sips?:(\\+|00|011)");
	cr_expect(matches(c->du_deny.v[0], "sip:+44123@x"));
	cr_expect(matches(c->du_deny.v[1], "sip:1900123@x"));
	cr_expect(pattern_list_match(&c->du_deny, "tel:+44", 7) < 0,
	    "the default tel: pattern is gone");
	cr_assert_eq(c->n_du_users, 1);
	cr_expect_str_eq(c->du_users[0].user, "1001");
	cr_assert_eq(c->du_users[0].allow.n, 1);
	cr_expect_eq(pattern_list_match(&c->du_users[0].allow, "sip:1234@x", 10), 0);
	cr_expect_eq(pattern_list_match(&c->du_users[0].allow, "sip:0044123@x", 13), -1);

	cr_expect_eq(c->r[R_FROM_FLOOD].threshold, 20);
	cr_expect_eq(c->r[R_FROM_FLOOD].window_ms, 10000);
	cr_expect_eq(c->r[R_FROM_FLOOD].severity, SEV_MEDIUM, "kept");
	cr_expect_eq(c->r[R_CLEARTEXT_SIGNALLING].severity, SEV_MEDIUM);
	cr_expect_eq(c->r[R_CLEARTEXT_SIGNALLING].suppress_ms, 300000, "kept");
	cr_expect_eq(c->r[R_AUTH_BRUTEFORCE].threshold, 5);
	cr_expect_eq(c->r[R_AUTH_BRUTEFORCE].window_ms, 360000);

	cr_assert_eq(c->n_customs, 1);
	cr_expect_str_eq(c->customs[0].name, "sipp-load-test");
	cr_expect_eq(c->customs[0].target, CUSTOM_HEADER);
	cr_expect_str_eq(c->customs[0].header, "Subject");
	cr_expect_eq(c->customs[0].c.severity, SEV_LOW);
	cr_expect_eq(c->customs[0].c.enabled, 1);
	cr_expect_eq(c->customs[0].c.threshold, 0);
	cr_expect_eq(c->customs[0].c.suppress_ms, 60000);
	cr_expect(matches(c->customs[0].re, "Performance Test 42"));
	cr_expect(!matches(c->customs[0].re, "performance test"), "custom is case-sensitive");

	cr_expect_eq(c->scanner.n, 12, "scanner untouched");
	cr_expect_eq(c->table_size, 65536);
	rule_config_free(c);
}

/* ------------------------------------------------------------ merge */

Test(config, merge)
{
	static const char yaml[] =
	    "rules:\n"
	    "  from_flood: {threshold: 5}\n"
	    "  source_flood: {enabled: false, window: 1500ms}\n"
	    "  scanner: {add_patterns: ['^evil/'], severity: critical}\n"
	    "  auth_breach: {window: 1h}\n"
	    "  weak_auth: {require_sha256: yes}\n"
	    "  malformed: {limits: {via: 2048, body: 16777216}}\n"
	    "  invite_flood: {suppress: 2}\n"
	    "domains:\n"
	    "  - name: a.example\n"
	    "  - {name: b.example, require_sha256: false}\n"
	    "tables: {size: 16}\n";
	char err[512];
	struct rule_config *c = parse(yaml, err, sizeof(err));
	struct rule_config *d = rule_config_default(err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	cr_assert_not_null(d, "%s", err);
	cr_expect_eq(c->r[R_FROM_FLOOD].threshold, 5);
	cr_expect_eq(c->r[R_FROM_FLOOD].window_ms, 10000, "window kept");
	cr_expect_eq(c->r[R_FROM_FLOOD].severity, SEV_MEDIUM, "severity kept");
	cr_expect_eq(c->r[R_SOURCE_FLOOD].enabled, 0);
	cr_expect_eq(c->r[R_SOURCE_FLOOD].window_ms, 1500);
	cr_expect_eq(c->r[R_SOURCE_FLOOD].threshold, 30, "threshold kept");
	cr_expect_eq(c->scanner.n, 13, "add_patterns extends the built-in list");
	cr_expect_eq(pattern_list_match(&c->scanner, "EVIL/1.0", 8), 12, "caseless");
	cr_expect_eq(pattern_list_match(&c->scanner, "friendly-scanner", 16), 0);
	cr_expect_eq(c->r[R_SCANNER].severity, SEV_CRITICAL);
	cr_expect_eq(c->r[R_AUTH_BREACH].window_ms, 3600000);
	cr_expect_eq(c->wa_require_sha256, 1);
	cr_expect_eq(c->domains[0].require_sha256, 1, "inherits weak_auth");
	cr_expect_eq(c->domains[1].require_sha256, 0, "explicit wins");
	cr_expect_eq(c->limits.max_via, 2048);
	cr_expect_eq(c->limits.max_body, 16777216);
	cr_expect_eq(c->limits.max_uri, 256, "other limits kept");
	cr_expect_eq(c->limits.max_cseq_method, 20, "other limits kept");
	cr_expect_eq(c->r[R_INVITE_FLOOD].suppress_ms, 2000, "bare number is seconds");
	cr_expect_eq(c->table_size, 16);
	for (unsigned id = 0; id < R__COUNT; id++) {
		if (id == R_FROM_FLOOD || id == R_SOURCE_FLOOD || id == R_SCANNER ||
		    id == R_AUTH_BREACH || id == R_INVITE_FLOOD)
			continue;
		cr_expect_eq(memcmp(&c->r[id], &d->r[id], sizeof(c->r[id])), 0,
		    "%s untouched", rule_key(id));
	}
	rule_config_free(c);
	rule_config_free(d);
}

Test(config, merge_replaces_lists)
{
	static const char yaml[] =
	    "networks: {lan: [192.168.0.0/16], carriers: [\"::ffff:203.0.113.0/120\"]}\n"
	    "rules:\n"
	    "  scanner:\n"
	    "    add_patterns: [two]\n"      /* order in the file does not matter */
	    "    patterns: [one]\n"
	    "  cleartext_signalling: {require_tls: [carriers, lan]}\n"
	    "  disallowed_uri: {deny: [], users: {alice: [], bob: ['^sip:2']}}\n"
	    "custom:\n"
	    "  - {name: rl, target: request-line, pcre: '^OPTIONS ', threshold: 3,\n"
	    "     window: 1m, suppress: 5m, enabled: off, severity: info}\n"
	    "  - {name: bd, target: body, pcre: 'm=video'}\n";
	char err[512];
	struct rule_config *c = parse(yaml, err, sizeof(err));
	const uint8_t carrier[4] = { 203, 0, 113, 7 };

	cr_assert_not_null(c, "%s", err);
	cr_expect_eq(c->scanner.n, 2, "patterns replaced, then add_patterns appended");
	cr_expect_str_eq(pattern_source(c->scanner.v[0]), "one");
	cr_expect_str_eq(pattern_source(c->scanner.v[1]), "two");
	cr_expect_eq(c->cs_require_tls.n, 2);
	cr_expect_eq(c->cs_require_tls.idx[0], 1);
	cr_expect_eq(c->cs_require_tls.idx[1], 0);
	cr_expect(cidr_set_match(c->networks[1].set, 4, carrier), "mapped entry as IPv4");
	cr_expect_eq(c->du_deny.n, 0, "an empty deny list switches the list off");
	cr_assert_eq(c->n_du_users, 2);
	cr_expect_eq(c->du_users[0].allow.n, 0);
	cr_expect_str_eq(c->du_users[1].user, "bob");
	cr_assert_eq(c->n_customs, 2);
	cr_expect_eq(c->customs[0].target, CUSTOM_REQUEST_LINE);
	cr_expect_null(c->customs[0].header);
	cr_expect_eq(c->customs[0].c.threshold, 3);
	cr_expect_eq(c->customs[0].c.window_ms, 60000);
	cr_expect_eq(c->customs[0].c.suppress_ms, 300000);
	cr_expect_eq(c->customs[0].c.enabled, 0);
	cr_expect_eq(c->customs[0].c.severity, SEV_INFO);
	cr_expect_eq(c->customs[1].target, CUSTOM_BODY);
	cr_expect_eq(c->customs[1].c.severity, SEV_MEDIUM, "custom default severity");
	cr_expect_eq(c->customs[1].c.window_ms, 10000, "custom default window");
	rule_config_free(c);
}

/* ------------------------------------------------------------ errors */

struct err_case {
	const char *in;
	const char *err; /* the message starts with this */
	const char *comment;
};

#define RULE_KEYS "unknown_source, disallowed_uri, from_flood, cleartext_signalling, " \
	"sdes_key_exposed, cleartext_media, scanner, source_flood, invite_flood, "     \
	"register_flood, auth_bruteforce, auth_breach, user_enumeration, "             \
	"unauthenticated_call, identity_mismatch, weak_auth, malformed"

static const struct err_case err_cases[] = {
	/* YAML syntax */
	{ "rules:\n  scanner: {patterns: ['abc]}\n",
	  "t.yaml:3:1: YAML syntax error: found unexpected end of stream "
	  "(while scanning a quoted scalar)", "unterminated quote" },
	{ "rules:\n\tfrom_flood: {}\n",
	  "t.yaml:2:1: YAML syntax error: found character that cannot start any token",
	  "tab indentation" },
	{ "rules: {from_flood: {threshold: 5}\n",
	  "t.yaml:2:1: YAML syntax error: did not find expected ',' or '}'",
	  "unclosed flow mapping" },
	{ "rules:\n  from_flood:\n    threshold: 5\n   window: 10s\n",
	  "t.yaml:4:4: YAML syntax error: did not find expected key", "bad indentation" },
	{ "rules: {}\n# caf\xe9\n", "t.yaml:2:6: YAML syntax error: incomplete UTF-8 octet sequence",
	  "Latin-1 byte: reader error placed by byte offset" },
	{ "networks:\n  a: &x [10.0.0.0/8]\n  b: *x\n",
	  "t.yaml:3:6: YAML aliases (*name) are not supported", "alias" },
	{ "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
	  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n",
	  "t.yaml:2:8: YAML aliases (*name) are not supported", "billion laughs" },
	{ "rules: {}\n---\nrules: {}\n", "t.yaml:2:1: only one YAML document is allowed",
	  "two documents" },
	{ "rules: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n",
	  "t.yaml:1:23: nested deeper than 16 levels", "nesting" },

	/* unknown keys at every level */
	{ "network:\n  a: [10.0.0.0/8]\n",
	  "t.yaml:1:1: network: unknown key; expected one of: networks, domains, rules, "
	  "custom, tables", "top level" },
	{ "rules:\n  from_flod: {threshold: 5}\n",
	  "t.yaml:2:3: rules.from_flod: unknown key; expected one of: " RULE_KEYS,
	  "rule name" },
	{ "rules:\n  from_flood: {treshold: 5}\n",
	  "t.yaml:2:16: rules.from_flood.treshold: unknown key; expected one of: enabled, "
	  "severity, suppress, threshold, window, alert_rate", "rule key" },
	{ "rules:\n  scanner: {patterns: [], pattern: []}\n",
	  "t.yaml:2:27: rules.scanner.pattern: unknown key; expected one of: enabled, "
	  "severity, suppress, alert_rate, patterns, add_patterns", "scanner key" },
	{ "rules: {malformed: {limits: {url: 5}}}\n",
	  "t.yaml:1:30: rules.malformed.limits.url: unknown key; expected one of: uri, "
	  "call_id, from, to, contact, via, cseq_method, body", "limits key" },
	{ "domains:\n  - name: a\n    requre_tls: true\n",
	  "t.yaml:3:5: domains[0].requre_tls: unknown key; expected one of: name, "
	  "allow_from, require_tls, require_auth, require_sha256", "domain key" },
	{ "custom:\n  - {name: a, header: X, pcre: b, sevrity: low}\n",
	  "t.yaml:2:35: custom[0].sevrity: unknown key; expected one of: name, header, "
	  "target, pcre, severity, threshold, window, suppress, enabled, alert_rate", "custom key" },
	{ "tables: {sise: 5}\n",
	  "t.yaml:1:10: tables.sise: unknown key; expected one of: size", "tables key" },
	{ "alert_rate: {count: 5, pr: 1s}\n",
	  "t.yaml:1:24: alert_rate.pr: unknown key; expected one of: count, per", "rate key" },
	{ "alert_rate: {count: -1}\n",
	  "t.yaml:1:21: alert_rate.count: expected a number from 0 to 1000000, got \"-1\"",
	  "rate count" },
	{ "rules: {scanner: {alert_rate: {count: 5, per: 0s}}}\n",
	  "t.yaml:1:47: rules.scanner.alert_rate.per: expected a duration from 1ms to 7d, got \"0s\"",
	  "rate per" },
	{ "custom:\n  - {name: a, header: X, pcre: b, alert_rate: 5}\n",
	  "t.yaml:2:47: custom[0].alert_rate: expected a mapping like {count: 1000, per: 1s}, "
	  "got \"5\"", "rate shape" },
	{ "rules:\n  scanner:\n    threshold: 5\n",
	  "t.yaml:3:5: rules.scanner.threshold: this rule has no threshold",
	  "threshold on a rule without one" },
	{ "rules: {auth_breach: {threshold: 5}}\n",
	  "t.yaml:1:23: rules.auth_breach.threshold: this rule has no threshold",
	  "auth_breach has a window, not a threshold" },
	{ "rules: {scanner: {window: 5s}}\n",
	  "t.yaml:1:19: rules.scanner.window: this rule has no window", "window" },
	{ "rules:\n  from_flood: {}\n  from_flood: {}\n",
	  "t.yaml:3:3: rules.from_flood: duplicate key", "duplicate rule" },
	{ "rules:\n  from_flood: {threshold: 1, threshold: 2}\n",
	  "t.yaml:2:30: rules.from_flood.threshold: duplicate key", "duplicate key" },
	{ "rules: {[a]: 1}\n", "t.yaml:1:9: rules: expected a string key, got a list",
	  "non-scalar key" },

	/* wrong types */
	{ "hello\n", "t.yaml:1:1: expected a mapping, got \"hello\"", "scalar document" },
	{ "rules: [from_flood]\n", "t.yaml:1:8: rules: expected a mapping, got a list",
	  "mapping" },
	{ "rules: {from_flood: 5}\n",
	  "t.yaml:1:21: rules.from_flood: expected a mapping, got \"5\"", "rule as scalar" },
	{ "networks:\n  trusted: 10.0.0.0/8\n",
	  "t.yaml:2:12: networks.trusted: expected a list, got \"10.0.0.0/8\"", "list" },
	{ "networks:\n  trusted: [[10.0.0.0/8]]\n",
	  "t.yaml:2:13: networks.trusted[0]: expected an address or network, got a list",
	  "string" },
	{ "networks: {a: [\"10.0.0.0/8\\0x\"]}\n",
	  "t.yaml:1:16: networks.a[0]: expected an address or network without NUL bytes",
	  "NUL byte in a string" },
	{ "domains: {name: a}\n", "t.yaml:1:10: domains: expected a list, got a mapping",
	  "domains is a list" },
	{ "custom: {name: a}\n", "t.yaml:1:9: custom: expected a list, got a mapping",
	  "custom is a list" },
	{ "domains: [a.example]\n",
	  "t.yaml:1:11: domains[0]: expected a mapping, got \"a.example\"", "domain entry" },
	{ "rules: {scanner: {enabled: 3}}\n",
	  "t.yaml:1:28: rules.scanner.enabled: expected a boolean (true or false), got \"3\"",
	  "boolean" },
	{ "domains:\n  - {name: a, require_tls: [true]}\n",
	  "t.yaml:2:28: domains[0].require_tls: expected a boolean (true or false), got a list",
	  "boolean, list" },
	{ "rules: {from_flood: {threshold: ten}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number from 1 to 1000000, "
	  "got \"ten\"", "number" },

	/* CIDRs */
	{ "networks:\n  trusted: [10.0.0.0/8, 10.0.0.1/8]\n",
	  "t.yaml:2:25: networks.trusted[1]: bad address or network \"10.0.0.1/8\": "
	  "host bits set (did you mean 10.0.0.0/8?)", "host bits" },
	{ "networks:\n  trusted:\n    - 10.0.0.0/8\n    - ten.0.0.0\n",
	  "t.yaml:4:7: networks.trusted[1]: bad address or network \"ten.0.0.0\": "
	  "not an IPv4 or IPv6 address", "garbage" },
	{ "networks:\n  v6: [\"2001:db8::/129\"]\n",
	  "t.yaml:2:8: networks.v6[0]: bad address or network \"2001:db8::/129\": "
	  "prefix length must be 0..128", "IPv6 prefix" },

	/* severities, durations, ranges */
	{ "rules:\n  scanner: {severity: urgent}\n",
	  "t.yaml:2:23: rules.scanner.severity: expected a severity (info, low, medium, "
	  "high, critical), got \"urgent\"", "severity" },
	{ "rules:\n  from_flood: {window: ten}\n",
	  "t.yaml:2:24: rules.from_flood.window: expected a duration like 500ms, 10s, 5m, "
	  "1h or 1d, got \"ten\"", "duration word" },
	{ "rules: {from_flood: {window: 1.5s}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration like", "fraction" },
	{ "rules: {from_flood: {window: 10 s}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration like", "space" },
	{ "rules: {from_flood: {window: 10sec}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration like", "unit" },
	{ "rules: {from_flood: {window: -1s}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration like", "negative" },
	{ "rules: {from_flood: {window: \"\"}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration like", "empty" },
	{ "rules: {from_flood: {window: 0s}}\n",
	  "t.yaml:1:30: rules.from_flood.window: expected a duration from 1ms to 7d, "
	  "got \"0s\"", "zero duration" },
	{ "rules: {from_flood: {suppress: 8d}}\n",
	  "t.yaml:1:32: rules.from_flood.suppress: expected a duration from 1ms to 7d",
	  "eight days" },
	{ "rules: {from_flood: {suppress: 604800001ms}}\n",
	  "t.yaml:1:32: rules.from_flood.suppress: expected a duration from 1ms to 7d",
	  "7d + 1ms" },
	{ "rules: {from_flood: {suppress: 999999999999d}}\n",
	  "t.yaml:1:32: rules.from_flood.suppress: expected a duration from 1ms to 7d",
	  "would overflow" },
	{ "rules: {from_flood: {suppress: 9999999999999}}\n",
	  "t.yaml:1:32: rules.from_flood.suppress: expected a duration like",
	  "too many digits" },
	{ "rules: {from_flood: {threshold: 0}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number from 1 to 1000000, "
	  "got \"0\"", "threshold 0" },
	{ "rules: {from_flood: {threshold: 1000001}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number from 1 to 1000000",
	  "absurd threshold" },
	{ "rules: {from_flood: {threshold: -5}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number", "negative" },
	{ "rules: {from_flood: {threshold: 0x10}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number", "hex" },
	{ "rules: {from_flood: {threshold: 99999999999999999999}}\n",
	  "t.yaml:1:33: rules.from_flood.threshold: expected a number", "overflow" },
	{ "tables: {size: 15}\n",
	  "t.yaml:1:16: tables.size: expected a number from 16 to 16777216, got \"15\"",
	  "table too small" },
	{ "tables: {size: 16777217}\n",
	  "t.yaml:1:16: tables.size: expected a number from 16 to 16777216", "table too big" },
	{ "rules: {malformed: {limits: {uri: 0}}}\n",
	  "t.yaml:1:35: rules.malformed.limits.uri: expected a number from 1 to 65535",
	  "limit 0" },
	{ "rules: {malformed: {limits: {via: 65536}}}\n",
	  "t.yaml:1:35: rules.malformed.limits.via: expected a number from 1 to 65535",
	  "limit too big" },
	{ "rules: {malformed: {limits: {body: 16777217}}}\n",
	  "t.yaml:1:36: rules.malformed.limits.body: expected a number from 1 to 16777216",
	  "body too big" },

	/* network references */
	{ "networks: {a: [10.0.0.0/8]}\nrules:\n  unknown_source: {allow_from: [a, b]}\n",
	  "t.yaml:3:36: rules.unknown_source.allow_from[1]: unknown network \"b\" "
	  "(define it under networks)", "unknown network in allow_from" },
	{ "rules:\n  cleartext_signalling:\n    require_tls: [carriers]\n",
	  "t.yaml:3:19: rules.cleartext_signalling.require_tls[0]: unknown network "
	  "\"carriers\"", "unknown network in require_tls" },
	{ "domains:\n  - name: a\n    allow_from: [lan]\n",
	  "t.yaml:3:18: domains[0].allow_from[0]: unknown network \"lan\"",
	  "unknown network in a domain" },
	{ "networks: {a: []}\nrules: {unknown_source: {allow_from: "
	  "[a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a,a]}}\n",
	  "t.yaml:2:71: rules.unknown_source.allow_from[16]: more than 16 networks",
	  "too many references" },
	{ "networks:\n  a: []\n  a: [10.0.0.0/8]\n",
	  "t.yaml:3:3: networks.a: network defined twice", "duplicate network" },
	{ "networks: {\"a b\": []}\n",
	  "t.yaml:1:12: networks.a b: expected a name of letters, digits", "network name" },

	/* domains */
	{ "domains:\n  - name: pbx.example.com\n  - name: PBX.Example.com\n",
	  "t.yaml:3:11: domains[1].name: domain \"PBX.Example.com\" listed twice",
	  "duplicate domain, any case" },
	{ "domains:\n  - require_tls: true\n",
	  "t.yaml:2:5: domains[0]: missing key \"name\"", "domain without name" },
	{ "domains:\n  - name: \"\"\n",
	  "t.yaml:2:11: domains[0].name: expected a domain name", "empty domain" },

	/* custom rules */
	{ "custom:\n  - name: a\n    header: Subject\n",
	  "t.yaml:2:5: custom[0]: missing key \"pcre\"", "custom without pcre" },
	{ "custom:\n  - {header: Subject, pcre: x}\n",
	  "t.yaml:2:5: custom[0]: missing key \"name\"", "custom without name" },
	{ "custom:\n  - {name: a, pcre: x}\n",
	  "t.yaml:2:5: custom[0]: missing key \"header\"", "custom without target" },
	{ "custom:\n  - {name: a, header: Subject, target: body, pcre: x}\n",
	  "t.yaml:2:40: custom[0]: give either header or target, not both",
	  "header and target" },
	{ "custom:\n  - {name: a, target: headers, pcre: x}\n",
	  "t.yaml:2:23: custom[0].target: expected request-line or body (or use header:), got \"headers\"", "bad target" },
	{ "custom:\n  - {name: a, header: \"Sub ject\", pcre: x}\n",
	  "t.yaml:2:23: custom[0].header: expected a header name, got \"Sub ject\"", "bad header name" },
	{ "custom:\n  - {name: scanner, header: X, pcre: x}\n",
	  "t.yaml:2:12: custom[0].name: \"scanner\" is the name of a built-in rule",
	  "built-in name" },
	{ "custom:\n  - {name: from-flood, header: X, pcre: x}\n",
	  "t.yaml:2:12: custom[0].name: \"from-flood\" is the name of a built-in rule",
	  "built-in alert name" },
	{ "custom:\n  - {name: a, header: X, pcre: x}\n  - {name: a, header: Y, pcre: y}\n",
	  "t.yaml:3:12: custom[1].name: custom rule \"a\" defined twice", "duplicate custom" },
	{ "custom:\n  - {name: a, header: X, pcre: '(x'}\n",
	  "t.yaml:2:32: custom[0].pcre: bad pattern: missing closing parenthesis at offset 2",
	  "custom bad pattern" },
	{ "custom:\n  - {name: a, header: X, pcre: x, threshold: 1000001}\n",
	  "t.yaml:2:46: custom[0].threshold: expected a number from 0 to 1000000",
	  "custom threshold" },
	{ "custom:\n  - {name: a, header: X, pcre: x, window: forever}\n",
	  "t.yaml:2:43: custom[0].window: expected a duration like", "custom window" },

	/* patterns */
	{ "rules:\n  disallowed_uri:\n    deny: ['^sips?:(']\n",
	  "t.yaml:3:12: rules.disallowed_uri.deny[0]: bad pattern: missing closing "
	  "parenthesis at offset 8", "deny pattern" },
	{ "rules:\n  disallowed_uri:\n    deny: ['^sip:(\\+|00']\n",
	  "t.yaml:3:12: rules.disallowed_uri.deny[0]: bad pattern: missing closing "
	  "parenthesis at offset 11", "deny pattern, offset 11" },
	{ "rules:\n  disallowed_uri:\n    users: {\"1001\": ['^sip:1', '[']}\n",
	  "t.yaml:3:32: rules.disallowed_uri.users.1001[1]: bad pattern: missing "
	  "terminating ] for character class at offset 1", "user pattern" },
	{ "rules:\n  disallowed_uri:\n    users: {\"1001\": [], \"1001\": []}\n",
	  "t.yaml:3:25: rules.disallowed_uri.users.1001: user listed twice",
	  "duplicate user" },
	{ "rules:\n  disallowed_uri:\n    users: {\"1001\": x}\n",
	  "t.yaml:3:21: rules.disallowed_uri.users.1001: expected a list, got \"x\"",
	  "user patterns not a list" },
	{ "rules: {scanner: {add_patterns: [ok, '+']}}\n",
	  "t.yaml:1:38: rules.scanner.add_patterns[1]: bad pattern: quantifier does not "
	  "follow a repeatable item at offset 0", "scanner pattern" },
};

Test(config, errors)
{
	char err[1024];

	for (size_t i = 0; i < N(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct rule_config *cfg = parse(c->in, err, sizeof(err));

		cr_expect_null(cfg, "%s: loaded", c->comment);
		cr_expect(strncmp(err, c->err, strlen(c->err)) == 0,
		    "%s:\n  got  %s\n  want %s", c->comment, err, c->err);
		rule_config_free(cfg);
	}
}

/* Bounded messages: a tiny error buffer is filled, never overrun (ASan),
 * and a hostile long value is cut. */
Test(config, error_buffers)
{
	char small[16], err[512], in[600];
	struct rule_config *c;

	memset(small, 'x', sizeof(small));
	c = rule_config_parse("t.yaml", "rules: {from_flod: {}}", 22, small, sizeof(small));
	cr_expect_null(c);
	cr_expect_eq(strlen(small), sizeof(small) - 1);
	cr_expect_null(rule_config_parse("t.yaml", "rules: [", 8, NULL, 0), "NULL err");

	snprintf(in, sizeof(in), "rules: {scanner: {severity: %0500d}}\n", 7);
	c = parse(in, err, sizeof(err));
	cr_expect_null(c);
	cr_expect(strstr(err, "got \"0000") != NULL, "%s", err);
	cr_expect(strstr(err, "...\"") != NULL, "long value cut: %s", err);
	cr_expect_lt(strlen(err), 300);
}

/* ------------------------------------------------------------ files */

Test(config, example_file_loads)
{
	char err[512];
	struct rule_config *c = rule_config_load("sipwatch.example.yaml", err, sizeof(err));

	cr_assert_not_null(c, "%s", err);
	cr_expect_str_eq(c->source, "sipwatch.example.yaml");
	cr_expect_eq(c->n_networks, 2);
	cr_expect_eq(c->n_domains, 1);
	cr_expect_eq(c->n_customs, 2);
	cr_expect_eq(c->scanner.n, 13);
	cr_expect_eq(c->n_du_users, 1);
	cr_expect_eq(c->cs_require_tls.n, 1);
	rule_config_free(c);
}

/* Every key of the schema appears in the example file. */
Test(config, example_file_covers_every_key)
{
	static const char *const keys[] = {
		"networks:", "domains:", "name:", "allow_from:", "require_tls:",
		"require_auth:", "require_sha256:", "rules:", "enabled:", "severity:",
		"threshold:", "window:", "suppress:", "deny:", "users:", "patterns:",
		"add_patterns:", "limits:", "uri:", "call_id:", "from:", "to:",
		"contact:", "via:", "cseq_method:", "body:", "custom:", "header:",
		"target:", "pcre:", "tables:", "size:",
	};
	char err[256], *buf;
	FILE *f = fopen("sipwatch.example.yaml", "r");
	size_t len;

	cr_assert_not_null(f);
	buf = calloc(1, 65536);
	len = fread(buf, 1, 65535, f);
	fclose(f);
	cr_assert_gt(len, 0);
	for (size_t i = 0; i < N(keys); i++)
		cr_expect(strstr(buf, keys[i]) != NULL, "%s missing", keys[i]);
	for (unsigned id = 0; id < R__COUNT; id++) {
		snprintf(err, sizeof(err), "  %s:\n", rule_key(id));
		cr_expect(strstr(buf, err) != NULL, "rule %s missing", rule_key(id));
	}
	free(buf);
}

Test(config, file_errors)
{
	char err[512], path[] = "/tmp/sipwatch-cfg-XXXXXX";
	struct rule_config *c;
	int fd;
	FILE *f;

	c = rule_config_load("/nonexistent/sipwatch.yaml", err, sizeof(err));
	cr_expect_null(c);
	cr_expect_str_eq(err, "/nonexistent/sipwatch.yaml: No such file or directory");

	c = rule_config_load("/", err, sizeof(err));
	cr_expect_null(c);
	cr_expect_str_eq(err, "/: Is a directory");

	/* Just over 1 MiB of valid YAML (a comment) is refused for its size. */
	fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs("rules: {}\n#", f);
	for (size_t i = 0; i < 1024 * 1024; i++)
		fputc('x', f);
	fputc('\n', f);
	fclose(f);
	c = rule_config_load(path, err, sizeof(err));
	cr_expect_null(c);
	cr_expect(strstr(err, ": larger than 1 MiB") != NULL, "%s", err);

	/* The same from a string. */
	cr_expect_null(rule_config_parse("big", "", 1024 * 1024 + 1, err, sizeof(err)));
	cr_expect_str_eq(err, "big: larger than 1 MiB");

	/* A file that loads: its error messages name the file. */
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("rules:\n  scanner: {severity: loud}\n", f);
	fclose(f);
	c = rule_config_load(path, err, sizeof(err));
	cr_expect_null(c);
	cr_expect(strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, ":2:23: rules.scanner.severity:") != NULL, "%s", err);
	unlink(path);
}

/* Many entries and many rules load within the caps. */
Test(config, large_but_valid)
{
	size_t cap = 4 << 20, o = 0;
	char *buf = malloc(cap), err[512];
	struct rule_config *c;

	cr_assert_not_null(buf);
	o += (size_t)snprintf(buf + o, cap - o, "networks:\n  big:\n");
	for (unsigned i = 0; i < 20000; i++)
		o += (size_t)snprintf(buf + o, cap - o, "    - 10.%u.%u.0/24\n", i >> 8, i & 0xff);
	o += (size_t)snprintf(buf + o, cap - o, "custom:\n");
	for (unsigned i = 0; i < 200; i++)
		o += (size_t)snprintf(buf + o, cap - o,
		    "  - {name: c%u, header: X-C%u, pcre: 'v%u$'}\n", i, i, i);
	c = rule_config_parse("big.yaml", buf, o, err, sizeof(err));
	cr_assert_not_null(c, "%s", err);
	cr_expect_eq(cidr_set_count(c->networks[0].set), 20000);
	cr_expect_eq(c->n_customs, 200);
	cr_expect_str_eq(c->customs[199].header, "X-C199");
	rule_config_free(c);
	free(buf);
}
