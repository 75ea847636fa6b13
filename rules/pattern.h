/*
 * pattern.h - PCRE2 patterns for rules: compiled once (JIT where the
 * platform has it), match data reused, match and depth limits set so a
 * hostile header cannot make a pattern run away.  A match that hits a
 * limit counts as no match and is counted.
 */
#ifndef SIPWATCH_RULES_PATTERN_H
#define SIPWATCH_RULES_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define PATTERN_MATCH_LIMIT 100000 /* pcre2_set_match_limit */
#define PATTERN_DEPTH_LIMIT 1000   /* pcre2_set_depth_limit */

struct pattern;

/*
 * Compiles re (UTF-8 off: packets are bytes).  flags: PATTERN_CASELESS.
 * On error returns NULL with PCRE2's message and the offset in err, e.g.
 * "missing closing parenthesis at offset 7".
 */
#define PATTERN_CASELESS 0x1
struct pattern *pattern_compile(const char *re, unsigned flags, char *err, size_t errlen);
/* 1 match, 0 no match (or a limit was hit: see pattern_limit_hits). */
int pattern_match(struct pattern *p, const char *s, size_t len);
/* pattern_match() for a prefilter that stands in for other patterns: a
 * limit hit is returned (-1), not counted, so that the patterns' own
 * matches count their limit hits as they would without it. */
int pattern_try(struct pattern *p, const char *s, size_t len);
const char *pattern_source(const struct pattern *p);
/* The flags it was compiled with. */
unsigned pattern_flags(const struct pattern *p);
void pattern_free(struct pattern *p);
/* Matches that hit the match or depth limit, over all patterns. */
uint64_t pattern_limit_hits(void);

struct pattern_list {
	struct pattern **v;
	size_t n;
};
/* Appends a compiled pattern; returns 0 or -1 (message in err). */
int pattern_list_add(struct pattern_list *l, const char *re, unsigned flags,
    char *err, size_t errlen);
/* Index of the first pattern that matches, or -1. */
int pattern_list_match(const struct pattern_list *l, const char *s, size_t len);
void pattern_list_free(struct pattern_list *l);

#endif
