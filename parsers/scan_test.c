/*
 * scan_test.c - Criterion tests for the scanning helpers (scan.h), the
 * inline span helpers (span.h), and the word-at-a-time header-name lookup
 * of sip.c where it meets the end of its input.
 *
 * Every input is placed against a guard page (tests/guard.h), so a helper
 * that reads past its end crashes the test; lengths run past 16 bytes so
 * that the SSE2 paths, the last overlapping block included, are covered.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scan.h"
#include "sip.h"
#include "span.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Reference for scan_any*: the first byte of [p, end) in set, else end. */
static const char *
ref_any(const char *p, const char *end, const char *set)
{
	for (; p < end; p++)
		if (memchr(set, *p, strlen(set)) != NULL)
			return p;
	return end;
}

/* For every length up to 40 and every position of a byte sought (or none),
 * the scanners return what a byte loop returns, from every start. */
Test(scan, any_matches_byte_loop)
{
	static const char *const sets[] = { ">", "\r\n", "\"\\<>," };
	char buf[48];

	for (size_t s = 0; s < N(sets); s++) {
		for (size_t len = 0; len <= 40; len++) {
			for (size_t hit = 0; hit <= len; hit++) {
				memset(buf, 'x', sizeof buf);
				if (hit < len)
					buf[hit] = sets[s][hit % strlen(sets[s])];
				const char *g = guard_put(buf, len);
				for (size_t from = 0; from <= len; from++) {
					const char *p = g + from, *e = g + len, *got;
					if (s == 0)
						got = scan_byte(p, e, '>');
					else if (s == 1)
						got = scan_any2(p, e, '\r', '\n');
					else
						got = scan_any5(p, e, '"', '\\', '<', '>', ',');
					cr_assert_eq(got, ref_any(p, e, sets[s]),
					    "set %zu len %zu hit %zu from %zu: got %td",
					    s, len, hit, from, got - g);
				}
			}
		}
	}
}

/* A byte sought that appears both before and inside the last, overlapping
 * 16-byte block is found once, at its first place after the start. */
Test(scan, any_last_block_overlap)
{
	const char in[] = "0123456789abcdef,hij,l";
	const char *g = guard_put(in, sizeof in - 1);
	const char *e = g + sizeof in - 1;

	cr_expect_eq(scan_byte(g, e, ','), g + 16);
	cr_expect_eq(scan_byte(g + 17, e, ','), g + 20);
	cr_expect_eq(scan_byte(g + 21, e, ','), e);
	cr_expect_eq(scan_any2(g, e, 'h', 'l'), g + 17);
}

static const uint8_t digits[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
	['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* scan_cls() skips a class, scan_to_cls() skips to it, at every length
 * and position (the four-byte steps and the tail). */
Test(scan, cls_every_position)
{
	char buf[24];

	for (size_t len = 0; len <= 20; len++) {
		for (size_t stop = 0; stop <= len; stop++) {
			memset(buf, '7', sizeof buf);
			if (stop < len)
				buf[stop] = ';';
			const char *g = guard_put(buf, len);
			cr_assert_eq(scan_cls(g, g + len, digits, 1), g + stop,
			    "len %zu stop %zu", len, stop);
			memset(buf, ';', sizeof buf);
			if (stop < len)
				buf[stop] = '7';
			g = guard_put(buf, len);
			cr_assert_eq(scan_to_cls(g, g + len, digits, 1), g + stop,
			    "len %zu stop %zu", len, stop);
		}
	}
}

/* scan_byte_to(): the first byte sought before lim, else lim, reading
 * [p, lim] only, for every length up to 40 and every position of the
 * byte (or none, or only at lim or past it), from every start. */
Test(scan, byte_to_matches_byte_loop)
{
	char buf[48];
	for (size_t len = 1; len <= 40; len++) {
		for (size_t hit = 0; hit <= len; hit++) {
			memset(buf, 'x', sizeof buf);
			if (hit < len)
				buf[hit] = ':';
			/* [g, g + len) readable: lim is at most its last byte. */
			const char *g = guard_put(buf, len);
			for (size_t lim = 0; lim < len; lim++) {
				for (size_t from = 0; from <= lim; from++) {
					const char *want = hit >= from && hit < lim ? g + hit : g + lim;
					cr_assert_eq(scan_byte_to(g + from, g + lim, ':'), want,
					    "len %zu hit %zu lim %zu from %zu", len, hit, lim, from);
				}
			}
		}
	}
}

/* Every LF of [p, end) (at most max), in order, by a byte loop. */
static size_t
ref_lfs(const char *p, const char *end, const char **out, size_t max)
{
	size_t n = 0;
	for (; p < end && n < max; p++)
		if (*p == '\n')
			out[n++] = p;
	return n;
}

/*
 * A whole walk from p: each LF taken (up to max, then end twice) into
 * out[], and after each, whether a NUL may have been seen.  Returns the
 * count of LFs.  The AVX2 form runs in code built for AVX2, as sip.c's
 * parse_avx2() does.
 */
#define WALK_BODY(wide)                                                        \
	struct scan_lf w;                                                      \
	size_t n = 0;                                                          \
	scan_lf_init(&w, lo, p, end, wide);                                    \
	for (;;) {                                                             \
		const char *lf = scan_lf_next(&w);                             \
		out[n] = lf;                                                   \
		nul[n] = scan_lf_maybe_nul(&w);                                \
		if (lf == end || ++n == max)                                   \
			break;                                                 \
	}                                                                      \
	out[n + 1] = scan_lf_next(&w);                                         \
	return n

typedef size_t walk_fn(const char *lo, const char *p, const char *end,
    const char **out, int *nul, size_t max);

static size_t
walk_plain(const char *lo, const char *p, const char *end, const char **out,
    int *nul, size_t max)
{
	WALK_BODY(0);
}

#ifdef SCAN_LF_AVX2
static __attribute__((target("avx2"))) size_t
walk_avx2(const char *lo, const char *p, const char *end, const char **out,
    int *nul, size_t max)
{
	WALK_BODY(1);
}
#endif
#undef WALK_BODY

/*
 * The LF walk takes every LF of [p, end) once, in order, then returns
 * end; it reports "no NUL" only when no byte from p to the last LF taken
 * is NUL.  Inputs of every length up to 200 with LFs at pseudo-random
 * places, starting at several p, with lo = p (short inputs: the last
 * window read byte by byte) and lo = the input's start (the last 64
 * bytes loaded again), against a guard page; in both forms of the walk
 * (the AVX2 one where this CPU has AVX2).
 */
Test(scan, lf_walk_matches_byte_loop)
{
	static char buf[256];
	const char *want[256], *got[260];
	int nul[260];
	walk_fn *walks[2] = { walk_plain, NULL };
	uint32_t x = 12345;

#ifdef SCAN_LF_AVX2
	if (scan_have_avx2())
		walks[1] = walk_avx2;
	else
		cr_log_warn("no AVX2 here: only the plain LF walk is tested");
#endif
	for (size_t len = 1; len <= 200; len++) {
		for (int round = 0; round < 6; round++) {
			for (size_t i = 0; i < len; i++) {
				x = x * 1103515245u + 12345u;
				unsigned r = (x >> 16) % (round < 3 ? 8u : 40u);
				buf[i] = r == 0 ? '\n' : r == 1 && round & 1 ? '\0' : 'a';
			}
			const char *g = guard_put(buf, len), *end = g + len;
			for (size_t from = 0; from < len; from += 1 + len / 7) {
				for (int lo_at_p = 0; lo_at_p <= 1; lo_at_p++) {
					const char *p = g + from;
					size_t n = ref_lfs(p, end, want, N(want));
					for (int v = 0; v < 2 && walks[v] != NULL; v++) {
						size_t m = walks[v](lo_at_p ? p : g, p, end, got, nul,
						    N(want));
						cr_assert_eq(m, n, "walk %d len %zu round %d from %zu",
						    v, len, round, from);
						for (size_t k = 0; k < n; k++) {
							cr_assert_eq(got[k], want[k],
							    "walk %d len %zu round %d from %zu LF %zu",
							    v, len, round, from, k);
							if (memchr(p, '\0', (size_t)(want[k] + 1 - p)) != NULL)
								cr_assert(nul[k], "walk %d len %zu from %zu LF %zu",
								    v, len, from, k);
						}
						cr_assert_eq(got[n], end);
						cr_assert_eq(got[n + 1], end);
						if (memchr(g, '\0', len) == NULL)
							cr_assert(!nul[n], "walk %d len %zu: no NUL", v, len);
					}
				}
			}
		}
	}
}

/* span_ieq_n() folds the case of letters only. */
Test(span, ieq_n_letters_only)
{
	static const struct {
		const char *a, *b;
		int eq;
	} cases[] = {
		{ "branch", "BRANCH", 1 },
		{ "Call-ID", "call-id", 1 },
		{ "tag", "tag", 1 },
		{ "", "", 1 },
		{ "@", "`", 0 },  /* 0x40 and 0x60 differ only in 0x20 */
		{ "[", "{", 0 },
		{ "\r", "-", 0 },
		{ "_", "\x7f", 0 },
		{ "tag", "tags", 0 },
		{ "taG", "tax", 0 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		size_t n = strlen(cases[i].a);
		struct span s = { guard_put(cases[i].a, n), (uint32_t)n };
		cr_expect_eq(span_ieq_n(s, cases[i].b, strlen(cases[i].b)), cases[i].eq,
		    "\"%s\" vs \"%s\"", cases[i].a, cases[i].b);
	}
}

/* span_trim() trims LWS at both ends and keeps SPAN_NULL. */
Test(span, trim)
{
	const char in[] = " \t\r\nab c\r\n ";
	struct span s = { guard_put(in, sizeof in - 1), sizeof in - 1 };
	struct span t = span_trim(s);

	cr_expect_eq(t.p, s.p + 4);
	cr_expect_eq(t.len, 4);
	t = span_trim(SPAN_NULL);
	cr_expect_null(t.p);
	cr_expect_eq(t.len, 0);
}

/*
 * Headers near the end of the input: those whose name ends within a word
 * of it take the copying path of the name lookup, the others the word
 * path; the result is the same either way, in any case.
 */
Test(scan, header_name_at_input_end)
{
	static const struct {
		const char *last; /* last header line, then the blank line */
		enum sip_hdr_id id;
	} cases[] = {
		{ "Supported:\r\n", SIP_H_SUPPORTED },
		{ "sUPPORTED:\r\n", SIP_H_SUPPORTED },
		{ "Supporte:\r\n", SIP_H_OTHER },
		{ "Via:x\r\n", SIP_H_VIA },
		{ "CONTACT:\r\n", SIP_H_CONTACT },
		{ "Call-Id:\r\n", SIP_H_CALL_ID },
		{ "Proxy-Authorization:\r\n", SIP_H_PROXY_AUTHORIZATION },
		{ "Proxy-AUTHORIZATION:\r\n", SIP_H_PROXY_AUTHORIZATION },
	};
	static struct sip_header hdrs[8];
	char buf[256];

	for (size_t i = 0; i < N(cases); i++) {
		int n = snprintf(buf, sizeof buf, "OPTIONS sip:a@b SIP/2.0\r\n%s\r\n",
		    cases[i].last);
		cr_assert(n > 0 && (size_t)n < sizeof buf);
		struct sip_msg m;
		int r = sip_parse(guard_put(buf, (size_t)n), (size_t)n, &m, hdrs,
		    N(hdrs), NULL, SIP_PARSE_STREAM);
		cr_assert_eq(r, n, "%s: returned %d", cases[i].last, r);
		cr_assert_eq(m.num_headers, 1);
		cr_expect_eq(m.headers[0].id, cases[i].id, "%s: id %u, want %d",
		    cases[i].last, m.headers[0].id, cases[i].id);
	}
}
