/*
 * litscan.h - a cheap necessary condition for a list of literal patterns.
 *
 * When every pattern of a list is a plain literal (letters, digits and
 * punctuation without regex meaning, optionally with \b at either end),
 * a subject can match one only if that literal occurs in it, ignoring
 * ASCII case.  litscan answers "no literal occurs" without PCRE2, in a
 * few instructions per subject byte; "one occurs" is left to PCRE2 to
 * decide.  It never says no where a pattern of the list would match.
 */
#ifndef SIPWATCH_LITSCAN_H
#define SIPWATCH_LITSCAN_H

#include <stddef.h>

#include "rules/pattern.h"

#define LITSCAN_MIN 3 /* shortest literal it takes */

struct litscan;

/* NULL when some pattern is not a plain literal, is shorter than
 * LITSCAN_MIN bytes, or when out of memory: the caller then has no
 * prefilter of this kind.  l must outlive it (litscan_match_memo() runs
 * its patterns). */
struct litscan *litscan_new(const struct pattern_list *l);
/* 0 when no literal occurs in s (no pattern can match); 1 otherwise. */
int litscan_maybe(const struct litscan *ls, const char *s, size_t n);
/*
 * The number of the first pattern of the list ls was made from that
 * matches s, or -1 (as pattern_list_match() answers).
 * The answers for the last few subjects of LITSCAN_MEMO_MIN to
 * LITSCAN_MEMO_MAX bytes are remembered (compared byte for byte): for
 * subjects that recur, as User-Agent and Server values do.  A literal
 * cannot reach PCRE2's match or depth limits on a subject that short, so
 * a remembered answer is the one the patterns would give again.  Other
 * subjects: -1 without PCRE2 when litscan_maybe() says no, else
 * pattern_list_match().
 */
#define LITSCAN_MEMO_MIN 8
#define LITSCAN_MEMO_MAX 64
int litscan_match_memo(struct litscan *ls, const char *s, size_t n);
void litscan_free(struct litscan *ls);

#endif
