/*
 * pattern_test.c - Criterion tests for pattern.c.  Subjects are placed
 * against a guard page: a match must never read past len.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "rules/pattern.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ compile errors */

struct err_case {
	const char *re;
	const char *err;
	const char *comment;
};

static const struct err_case err_cases[] = {
	{ "^sip:(", "missing closing parenthesis at offset 6", "open group" },
	{ "(abc", "missing closing parenthesis at offset 4", "open group, offset 4" },
	{ "[a-", "missing terminating ] for character class at offset 3", "open class" },
	{ "*a", "quantifier does not follow a repeatable item at offset 0",
	  "leading quantifier" },
	{ "a{2,1}", "numbers out of order in {} quantifier at offset 5", "{2,1}" },
	{ "a)", "unmatched closing parenthesis at offset 1", "stray )" },
	{ "(*UTF)x", "using UTF is disabled by the application at offset 6", "UTF cannot be switched on: packets are bytes" },
	{ "\\", "\\ at end of pattern at offset 1", "trailing backslash" },
};

Test(pattern, compile_errors)
{
	char err[256];

	for (size_t i = 0; i < N(err_cases); i++) {
		const struct err_case *c = &err_cases[i];
		struct pattern *p;

		err[0] = '\0';
		p = pattern_compile(c->re, 0, err, sizeof(err));
		cr_expect_null(p, "%s: /%s/ compiled", c->comment, c->re);
		cr_expect(strstr(err, c->err) != NULL, "%s: message \"%s\", want \"%s\"",
		    c->comment, err, c->err);
		pattern_free(p);
	}
}

Test(pattern, too_long)
{
	char re[5000], err[128];

	memset(re, 'a', sizeof(re) - 1);
	re[sizeof(re) - 1] = '\0';
	cr_expect_null(pattern_compile(re, 0, err, sizeof(err)));
	cr_expect(strstr(err, "longer than 4096") != NULL, "%s", err);
}

/* ------------------------------------------------------------ matching */

struct match_case {
	const char *re;
	unsigned flags;
	const char *s;
	size_t len;
	int want;
	const char *comment;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct match_case match_cases[] = {
	{ "^sips?:(\\+|00|011)", 0, S("sip:+442079460000@x"), 1, "international +" },
	{ "^sips?:(\\+|00|011)", 0, S("sips:0044207@x"), 1, "international 00, sips" },
	{ "^sips?:(\\+|00|011)", 0, S("sip:1234@x"), 0, "extension" },
	{ "^sips?:(\\+|00|011)", 0, S("SIP:+44@x"), 0, "case matters without the flag" },
	{ "^sips?:(\\+|00|011)", PATTERN_CASELESS, S("SIP:+44@x"), 1, "caseless" },
	{ "friendly-scanner", PATTERN_CASELESS, S("Friendly-Scanner"), 1, "caseless UA" },
	{ "friendly-scanner", 0, S("Friendly-Scanner"), 0, "case-sensitive UA" },
	{ "^$", 0, S(""), 1, "empty subject" },
	{ "x", 0, S(""), 0, "empty subject, no match" },
	{ "a\\x00b", 0, S("a\0b"), 1, "NUL in subject matched by \\x00" },
	{ "b$", 0, S("a\0b"), 1, "match after a NUL: len, not strlen" },
	{ "^abc", 0, S("\0abc"), 0, "NUL does not end the subject early" },
	{ "abc", 0, S("\0abc"), 1, "match after leading NUL" },
	{ "\\xff\\xfe", 0, S("x\xff\xfey"), 1, "high bytes, not UTF-8" },
	{ ".", 0, S("\xc3"), 1, "a lone UTF-8 lead byte is one byte" },
	{ "^.{2}$", 0, S("\xc3\xa9"), 1, "a UTF-8 sequence is two bytes" },
	{ "Performance Test", 0, S("Subject: Performance Test"), 1, "custom rule text" },
	{ "abc", 0, "abcdef", 2, 0, "only len bytes are the subject" },
};

Test(pattern, match)
{
	char err[256];

	for (size_t i = 0; i < N(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		struct pattern *p = pattern_compile(c->re, c->flags, err, sizeof(err));
		const char *s;

		cr_assert_not_null(p, "%s: %s", c->comment, err);
		cr_expect_str_eq(pattern_source(p), c->re, "%s", c->comment);
		s = guard_put(c->s, c->len);
		cr_expect_eq(pattern_match(p, s, c->len), c->want, "%s", c->comment);
		/* Match data is reused: a second run gives the same answer. */
		cr_expect_eq(pattern_match(p, s, c->len), c->want, "%s (again)", c->comment);
		pattern_free(p);
	}
}

/* (a+)+$ against a's followed by a non-a backtracks exponentially; the
 * match limit must stop it, count it and report no match. */
Test(pattern, catastrophic_backtracking)
{
	static const char subj[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	const char *res[] = { "(a+)+$", "(a|a)+$", "(a|aa)+$" };
	char err[256];

	for (size_t i = 0; i < N(res); i++) {
		struct pattern *p = pattern_compile(res[i], 0, err, sizeof(err));
		uint64_t before = pattern_limit_hits();
		struct timespec t0, t1;
		double secs;
		const char *s = guard_put(subj, sizeof(subj) - 1);

		cr_assert_not_null(p, "%s", err);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		cr_expect_eq(pattern_match(p, s, sizeof(subj) - 1), 0, "%s", res[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		cr_expect_lt(secs, 1.0, "%s took %.3fs", res[i], secs);
		cr_expect_eq(pattern_limit_hits(), before + 1, "%s: limit hit not counted",
		    res[i]);
		/* A subject that matches is unaffected by the earlier limit hit. */
		s = guard_put("aaaa", 4);
		cr_expect_eq(pattern_match(p, s, 4), 1, "%s on aaaa", res[i]);
		pattern_free(p);
	}
}

/* A prefilter's match reports a limit hit instead of counting it. */
Test(pattern, try_reports_limit_hits)
{
	static const char subj[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	char err[256];
	struct pattern *p = pattern_compile("(a+)+$", 0, err, sizeof(err));
	uint64_t before = pattern_limit_hits();
	const char *s = guard_put(subj, sizeof(subj) - 1);

	cr_assert_not_null(p, "%s", err);
	cr_expect_eq(pattern_try(p, s, sizeof(subj) - 1), -1);
	cr_expect_eq(pattern_limit_hits(), before, "limit hit counted");
	s = guard_put("aaaa", 4);
	cr_expect_eq(pattern_try(p, s, 4), 1);
	s = guard_put("b", 1);
	cr_expect_eq(pattern_try(p, s, 1), 0);
	cr_expect_eq(pattern_try(NULL, s, 1), 0, "NULL pattern");
	cr_expect_eq(pattern_limit_hits(), before);
	pattern_free(p);
}

Test(pattern, flags_kept)
{
	char err[64];
	struct pattern *a = pattern_compile("^sip:", 0, err, sizeof(err));
	struct pattern *b = pattern_compile("^sip:", PATTERN_CASELESS, err, sizeof(err));

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_expect_eq(pattern_flags(a), 0u);
	cr_expect_eq(pattern_flags(b), (unsigned)PATTERN_CASELESS);
	cr_expect_eq(pattern_flags(NULL), 0u);
	pattern_free(a);
	pattern_free(b);
}

Test(pattern, plain_no_match_is_not_a_limit_hit)
{
	char err[64];
	struct pattern *p = pattern_compile("^sip:", 0, err, sizeof(err));
	uint64_t before = pattern_limit_hits();

	cr_assert_not_null(p);
	cr_expect_eq(pattern_match(p, "tel:1", 5), 0);
	cr_expect_eq(pattern_limit_hits(), before);
	cr_expect_eq(pattern_match(NULL, "x", 1), 0, "NULL pattern");
	cr_expect_eq(pattern_match(p, NULL, 0), 0, "NULL subject");
	pattern_free(p);
	pattern_free(NULL);
}

/* ------------------------------------------------------------ lists */

Test(pattern, list)
{
	struct pattern_list l = { NULL, 0 };
	char err[256];

	cr_expect_eq(pattern_list_match(&l, "x", 1), -1, "empty list");
	cr_assert_eq(pattern_list_add(&l, "^sip:", 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pattern_list_add(&l, "^tel:", PATTERN_CASELESS, err, sizeof(err)), 0);
	cr_expect_eq(pattern_list_add(&l, "(", 0, err, sizeof(err)), -1);
	cr_expect(strstr(err, "missing closing parenthesis at offset 1") != NULL, "%s", err);
	cr_expect_eq(l.n, 2, "a bad pattern is not added");
	cr_expect_eq(pattern_list_match(&l, "sip:1@x", 7), 0);
	cr_expect_eq(pattern_list_match(&l, "TEL:1", 5), 1);
	cr_expect_eq(pattern_list_match(&l, "mailto:x", 8), -1);
	pattern_list_free(&l);
	cr_expect_eq(l.n, 0);
	cr_expect_null(l.v);
	pattern_list_free(&l);
}
