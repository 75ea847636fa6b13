/*
 * pattern.c - PCRE2 (8-bit code units, no UTF: a packet is bytes and need
 * not be valid UTF-8, and UTF checking would turn hostile bytes into match
 * errors).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/pattern.h"

#define PATTERN_MAX_LEN 4096 /* longer patterns are refused at compile time */

struct pattern {
	pcre2_code *code;
	pcre2_match_data *md;    /* reused: one match at a time per pattern */
	pcre2_match_context *mc; /* carries the match and depth limits */
	char *src;
	unsigned flags;          /* PATTERN_* */
	int jit;                 /* JIT-compiled: matched by pcre2_jit_match */
};

static _Atomic uint64_t limit_hits;

uint64_t
pattern_limit_hits(void)
{
	return atomic_load_explicit(&limit_hits, memory_order_relaxed);
}

void
pattern_free(struct pattern *p)
{
	if (p == NULL)
		return;
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mc);
	pcre2_code_free(p->code);
	free(p->src);
	free(p);
}

struct pattern *
pattern_compile(const char *re, unsigned flags, char *err, size_t errlen)
{
	struct pattern *p;
	pcre2_compile_context *cc;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off = 0;
	int code = 0;
	/* NEVER_UTF/NEVER_UCP: a pattern cannot switch UTF on with (*UTF). */
	uint32_t opts = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP;
	size_t len = strnlen(re, PATTERN_MAX_LEN + 1);

	if (len > PATTERN_MAX_LEN) {
		snprintf(err, errlen, "pattern longer than %d bytes", PATTERN_MAX_LEN);
		return NULL;
	}
	if (flags & PATTERN_CASELESS)
		opts |= PCRE2_CASELESS;
	p = calloc(1, sizeof(*p));
	cc = pcre2_compile_context_create(NULL);
	if (p == NULL || cc == NULL)
		goto nomem;
	pcre2_set_max_pattern_length(cc, PATTERN_MAX_LEN);
	p->code = pcre2_compile((PCRE2_SPTR)re, len, opts, &code, &off, cc);
	if (p->code == NULL) {
		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", code);
		snprintf(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)off);
		goto fail;
	}
	/* JIT is an optimisation: where the platform lacks it the interpreter
	 * gives the same results, so a JIT failure is not an error. */
	p->jit = pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE) == 0;
	p->md = pcre2_match_data_create_from_pattern(p->code, NULL);
	p->mc = pcre2_match_context_create(NULL);
	p->src = strdup(re);
	p->flags = flags;
	if (p->md == NULL || p->mc == NULL || p->src == NULL)
		goto nomem;
	pcre2_set_match_limit(p->mc, PATTERN_MATCH_LIMIT);
	pcre2_set_depth_limit(p->mc, PATTERN_DEPTH_LIMIT);
	pcre2_compile_context_free(cc);
	return p;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	pcre2_compile_context_free(cc);
	pattern_free(p);
	return NULL;
}

int
pattern_try(struct pattern *p, const char *s, size_t len)
{
	int rc;

	if (p == NULL)
		return 0;
	if (s == NULL)
		s = "";
	/* pcre2_jit_match is the same match without pcre2_match's argument
	 * checks, which cost as much as a short header's match. */
	if (p->jit)
		rc = pcre2_jit_match(p->code, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mc);
	else
		rc = pcre2_match(p->code, (PCRE2_SPTR)s, len, 0, 0, p->md, p->mc);
	if (rc >= 0)
		return 1;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT: /* JIT's form of the depth limit */
		return -1;
	default:
		return 0;
	}
}

int
pattern_match(struct pattern *p, const char *s, size_t len)
{
	int rc = pattern_try(p, s, len);

	if (rc < 0)
		atomic_fetch_add_explicit(&limit_hits, 1, memory_order_relaxed);
	return rc > 0;
}

const char *
pattern_source(const struct pattern *p)
{
	return p == NULL ? NULL : p->src;
}

unsigned
pattern_flags(const struct pattern *p)
{
	return p == NULL ? 0 : p->flags;
}

int
pattern_list_add(struct pattern_list *l, const char *re, unsigned flags,
    char *err, size_t errlen)
{
	struct pattern *p, **nv;

	if (l->n >= SIZE_MAX / sizeof(*l->v) - 1) {
		snprintf(err, errlen, "too many patterns");
		return -1;
	}
	p = pattern_compile(re, flags, err, errlen);
	if (p == NULL)
		return -1;
	nv = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (nv == NULL) {
		pattern_free(p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = p;
	return 0;
}

int
pattern_list_match(const struct pattern_list *l, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < l->n && i < (size_t)INT32_MAX; i++)
		if (pattern_match(l->v[i], s, len))
			return (int)i;
	return -1;
}

void
pattern_list_free(struct pattern_list *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		pattern_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
