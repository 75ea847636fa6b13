/*
 * litscan_test.c - Criterion tests for litscan.c: which lists it takes,
 * and that it never rejects a subject that a pattern of its list matches
 * (tables of edge cases, then random subjects built from pieces of the
 * literals).  Subjects sit against a guard page.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/litscan.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const scanner[] = {
	"friendly-scanner", "sipvicious", "sipcli", "VaxSIPUserAgent", "pplsip", "sundayddr",
	"\\biWar\\b", "sipsak", "\\bsmap\\b", "SIVuS", "\\bnm@nm\\b", "sip-scan",
};

static void
load(struct pattern_list *l, const char *const *v, size_t n)
{
	char err[128];
	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(pattern_list_add(l, v[i], PATTERN_CASELESS, err, sizeof(err)), 0,
		    "%s: %s", v[i], err);
}

struct take_case {
	const char *re;
	int taken;
	const char *comment;
};

static const struct take_case take_cases[] = {
	{ "sipvicious", 1, "plain literal" },
	{ "\\bsmap\\b", 1, "word boundaries at both ends" },
	{ "nm@nm", 1, "punctuation without regex meaning" },
	{ "ab", 0, "shorter than LITSCAN_MIN" },
	{ "sip.scan", 0, "dot is a metacharacter" },
	{ "^sipsak", 0, "anchor" },
	{ "sip(vicious)", 0, "group" },
	{ "sip\\x41k", 0, "escape other than \\b" },
	{ "(?x)sip sak", 0, "option setting" },
	{ "[s]ipsak", 0, "class" },
	{ "sipsak+", 0, "quantifier" },
};

Test(litscan, which_lists)
{
	for (size_t i = 0; i < N(take_cases); i++) {
		struct pattern_list l;
		load(&l, &take_cases[i].re, 1);
		struct litscan *ls = litscan_new(&l);
		cr_expect_eq(ls != NULL, take_cases[i].taken, "%s", take_cases[i].comment);
		litscan_free(ls);
		pattern_list_free(&l);
	}
	struct pattern_list l;
	load(&l, scanner, N(scanner));
	struct litscan *ls = litscan_new(&l);
	cr_assert_not_null(ls, "the default scanner patterns are all literals");
	litscan_free(ls);
	const char *mixed[] = { "sipsak", "sip.*scan" };
	pattern_list_free(&l);
	load(&l, mixed, N(mixed));
	cr_expect_null(litscan_new(&l), "one non-literal pattern: no litscan");
	pattern_list_free(&l);
}

struct scan_case {
	const char *s;
	int maybe;
	const char *comment;
};

static const struct scan_case scan_cases[] = {
	{ "friendly-scanner", 1, "whole subject" },
	{ "FRIENDLY-SCANNER", 1, "upper case" },
	{ "\"Friendly-Scanner\" <sip:100@1.2.3.4>;tag=1", 1, "inside a From value" },
	{ "xxsmap", 1, "at the very end (\\b left to PCRE2)" },
	{ "smap", 1, "shortest literal, whole subject" },
	{ "sma", 0, "a literal cut short at the end" },
	{ "mapsmapx", 1, "at an odd offset" },
	{ "<sip:1001@10.1.0.5>;tag=a84b4c76e66710", 0, "ordinary URI: sip: is not sipsak" },
	{ "Linphone/5.2.0 (belle-sip/5.2.0)", 0, "ordinary User-Agent" },
	{ "", 0, "empty" },
	{ "s", 0, "one byte" },
	{ "nm@NM", 1, "punctuation and case" },
	{ "nm`nm", 0, "folding '@' would give '`': not the same byte" },
};

/* litscan_maybe() of each case, against the scanner list, with the
 * subject's last byte before a guard page. */
static void
check_scan_cases(const struct scan_case *c, size_t nc)
{
	struct pattern_list l;
	load(&l, scanner, N(scanner));
	struct litscan *ls = litscan_new(&l);
	cr_assert_not_null(ls);
	for (size_t i = 0; i < nc; i++) {
		size_t n = strlen(c[i].s);
		const char *g = guard_put(c[i].s, n);
		cr_expect_eq(litscan_maybe(ls, g, n), c[i].maybe, "%s", c[i].comment);
	}
	litscan_free(ls);
	pattern_list_free(&l);
}

Test(litscan, cases)
{
	check_scan_cases(scan_cases, N(scan_cases));
}

/* Random subjects of literal pieces, case flips and filler: whenever a
 * pattern matches, litscan must have said maybe; and it must say no for
 * most subjects that contain no literal. */
Test(litscan, never_rejects_a_match)
{
	static const char *const pieces[] = {
		"sip", "scan", "ner", "friendly-", "vicious", "cli", "vax", "user", "agent",
		"ppl", "sunday", "ddr", "i", "war", "sak", "s", "map", "nm", "@", "sivu",
		"-", " ", "<sip:", ">", ";tag=", "1", "x", "iwar", "smap", "nm@nm",
	};
	struct pattern_list l;
	load(&l, scanner, N(scanner));
	struct litscan *ls = litscan_new(&l);
	cr_assert_not_null(ls);
	unsigned seed = 12345;
	int matched = 0, rejected = 0;
	for (int it = 0; it < 20000; it++) {
		char buf[256];
		size_t n = 0;
		int k = (int)(rand_r(&seed) % 12);
		for (int j = 0; j < k; j++) {
			const char *p = pieces[rand_r(&seed) % N(pieces)];
			size_t pl = strlen(p);
			if (n + pl >= sizeof(buf))
				break;
			for (size_t c = 0; c < pl; c++)
				buf[n++] = (rand_r(&seed) & 3) == 0 && p[c] >= 'a' && p[c] <= 'z'
				    ? (char)(p[c] - 32) : p[c];
		}
		const char *g = guard_put(buf, n);
		int m = pattern_list_match(&l, g, n) >= 0;
		int maybe = litscan_maybe(ls, g, n);
		cr_assert(!m || maybe, "a match was rejected: %.*s", (int)n, buf);
		matched += m;
		rejected += !maybe;
	}
	cr_expect_gt(matched, 100, "the random subjects match sometimes");
	cr_expect_gt(rejected, 1000, "and are often rejected");
	litscan_free(ls);
	pattern_list_free(&l);
}

/* The memo answers as the pattern list does: for repeated subjects (from
 * a few values, so that they recur), for subjects that share their first
 * and last bytes and length but differ inside (the same slot), and for
 * those too short or too long to be remembered.  Subjects sit against a
 * guard page. */
Test(litscan, memo_answers_as_list)
{
	static const char *const values[] = {
		"Linphone/5.2.0 (belle-sip/5.2.0)",
		"Linphone/5.2.0 (friendly-scanner)",
		"Linphone/5.2.0 (belle-sip/5.2.X)",
		"Linphone/5.2.0 (sipvicious 5.2.X)",
		"friendly-scanner",
		"FRIENDLY-SCANNER",
		"Asterisk PBX 20.5.0",
		"Asterisk smap 20.5.0",
		"Asterisk xsmapx 20.5.0", /* a literal, no word boundary: no match */
		"sipsak 0.9.8",
		"iWar",
		"pplsip",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxsipclixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxsipclixxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"",
		"sip-scan",
	};
	struct pattern_list l;
	load(&l, scanner, N(scanner));
	struct litscan *ls = litscan_new(&l);
	cr_assert_not_null(ls);
	unsigned seed = 777;
	int hits = 0;
	for (int it = 0; it < 5000; it++) {
		char buf[128];
		const char *v = values[rand_r(&seed) % N(values)];
		size_t n = strlen(v);
		memcpy(buf, v, n);
		/* Sometimes one byte inside changes: same ends, same length. */
		if (n > 2 && (rand_r(&seed) & 3) == 0)
			buf[1 + rand_r(&seed) % (n - 2)] = "sSmM-@x"[rand_r(&seed) % 7];
		const char *g = guard_put(buf, n);
		int want = pattern_list_match(&l, g, n);
		cr_assert_eq(litscan_match_memo(ls, g, n), want, "%.*s", (int)n, buf);
		cr_assert_eq(litscan_match_memo(ls, g, n), want, "again: %.*s", (int)n, buf);
		hits += want >= 0;
	}
	cr_expect_gt(hits, 1000, "the subjects match patterns");
	cr_expect_eq(litscan_match_memo(ls, NULL, 0), -1);
	litscan_free(ls);
	pattern_list_free(&l);
}

/* Many distinct values in turn (more than the memo holds, so that both
 * ways of every set are filled and replaced), some with a literal: every
 * answer is the pattern list's.  Subjects sit against a guard page. */
Test(litscan, memo_replaces_as_list)
{
	struct pattern_list l;
	load(&l, scanner, N(scanner));
	struct litscan *ls = litscan_new(&l);
	cr_assert_not_null(ls);
	for (int round = 0; round < 3; round++) {
		for (int v = 0; v < 200; v++) {
			char buf[64];
			int n = snprintf(buf, sizeof(buf), v % 7 ? "Agent %d/%d.0" : "sipsak %d (%d)", v,
			    v * 31 % 97);
			const char *g = guard_put(buf, (size_t)n);
			int want = pattern_list_match(&l, g, (size_t)n);
			cr_assert_eq(litscan_match_memo(ls, g, (size_t)n), want, "%s", buf);
			cr_assert_eq(litscan_match_memo(ls, g, (size_t)n), want, "again: %s", buf);
			cr_assert_eq(want, v % 7 ? -1 : 7, "%s", buf);
		}
	}
	litscan_free(ls);
	pattern_list_free(&l);
}

/* Whether some literal of v (lower case, none with \b) occurs in s,
 * ignoring ASCII case, one position at a time: what litscan_maybe()
 * answers. */
static int
occurs_naive(const char *const *v, size_t nv, const char *s, size_t n)
{
	for (size_t i = 0; i < nv; i++) {
		size_t l = strlen(v[i]);
		for (size_t o = 0; o + l <= n; o++) {
			size_t j = 0;
			while (j < l && (s[o + j] | (s[o + j] >= 'A' && s[o + j] <= 'Z' ? 0x20 : 0)) ==
			    v[i][j])
				j++;
			if (j == l)
				return 1;
		}
	}
	return 0;
}

/* Longer subjects: header values without a literal but with windows of
 * them ("sip:"), literals at either end, at odd offsets and across 16-byte
 * boundaries, cut short, and bytes that are letters only without their
 * top bit. */
static const struct scan_case long_cases[] = {
	{ "<sip:6637@192.168.0.1>;tag=61f54e1994", 0, "an ordinary From value" },
	{ "<sip:5130@192.168.0.2:5060;transport=tcp>", 0, "an ordinary Contact value" },
	{ "\"PBX\" <sip:qualify@192.168.0.4>;tag=d3c22a4acc", 0, "letters of several literals, no literal" },
	{ "sipvicious <sip:1@2.3.4.5>", 1, "at the start" },
	{ "<sip:1@2.3.4.5>;tag=sipvicious", 1, "at the end, across byte 16" },
	{ "0123456789abcdeSIPSAK0123456789", 1, "across byte 16" },
	{ "0123456789abcdef0SmAp", 1, "at the very end" },
	{ "0123456789abcdefsmap", 1, "the last four bytes" },
	{ "0123456789abcdef_sma", 0, "a literal cut short at the end" },
	{ "0123456789012345", 0, "exactly 16 bytes, no literal" },
	{ "0123456789nm@nm0", 1, "exactly 16 bytes, a literal" },
	{ "0123456789012345678901234567890friendly-scanner", 1, "a 16-byte literal after byte 32" },
	{ "0123456789012345678901234567890friendly-scanne", 0, "one byte short" },
	{ "0123456789012345678901234567890123456789-", 0, "a byte of a literal alone at the end" },
	{ "\xd9\xd7\xcd\xcb\xf9\xf6\xec\xe8\x80\xff\xad\xd3\xc1\xd0\xc9\xd0", 0,
	    "literal bytes with the top bit set are other bytes" },
};

Test(litscan, long_subjects)
{
	check_scan_cases(long_cases, N(long_cases));
}

/*
 * Random subjects of 0 to 200 bytes, mostly filler, with a literal (case
 * flipped at random) at a random place in some: litscan_maybe() answers
 * exactly as a byte-by-byte search.  Four lists: some of the default's
 * literals; literals of punctuation ('@' and ':', whose case-folded
 * windows are other bytes) and digits; literals of three bytes (a window
 * at every other byte); literals with digits, the shortest over 16 bytes.
 */
Test(litscan, random_subjects_as_naive)
{
	static const char *const lists[][9] = {
		{ "friendly-scanner", "iwar", "nm@nm", "sip-scan", "sipvicious", NULL },
		{ "@a:c", ":sip@", "tag=t", "0123", NULL },
		{ "jjj", "qqq", "zzz", "www", "kkk", "yyy", "vvv", "mmm", "lll" },
		{ "abcdefghij0123456789", "0123456789abcdefghij", "x9x9x9x9x9x9x9x9x9", NULL },
	};
	static const char filler[] = "0123456789.:;<>=@-sipSIPtagTAGxXeE`\x80\xff\x0d ";
	for (size_t li = 0; li < N(lists); li++) {
		const char *v[9];
		size_t nv = 0;
		while (nv < 9 && lists[li][nv])
			v[nv] = lists[li][nv], nv++;
		struct pattern_list l;
		load(&l, v, nv);
		struct litscan *ls = litscan_new(&l);
		cr_assert_not_null(ls);
		unsigned seed = 4242 + (unsigned)li;
		int hits = 0;
		for (int it = 0; it < 20000; it++) {
			char buf[256];
			size_t n = (size_t)(rand_r(&seed) % 201);
			for (size_t i = 0; i < n; i++) {
				/* Some bytes of the literals too, so that the
				 * window scan runs on subjects without one. */
				buf[i] = (rand_r(&seed) & 7) == 0 ? "sipvcanmwyk-"[rand_r(&seed) % 12]
				                                  : filler[rand_r(&seed) % (sizeof(filler) - 1)];
			}
			if (rand_r(&seed) & 1) {
				const char *w = v[rand_r(&seed) % nv];
				size_t wl = strlen(w);
				if (wl <= n) {
					size_t at = (size_t)rand_r(&seed) % (n - wl + 1);
					for (size_t i = 0; i < wl; i++)
						buf[at + i] = (rand_r(&seed) & 1) && w[i] >= 'a' && w[i] <= 'z'
						    ? (char)(w[i] - 32) : w[i];
				}
			}
			const char *g = guard_put(buf, n);
			int want = occurs_naive(v, nv, buf, n);
			cr_assert_eq(litscan_maybe(ls, g, n), want, "list %zu: %.*s", li, (int)n, buf);
			hits += want;
		}
		cr_expect_gt(hits, 5000, "list %zu: literals occur", li);
		cr_expect_lt(hits, 15000, "list %zu: and do not", li);
		litscan_free(ls);
		pattern_list_free(&l);
	}
}
