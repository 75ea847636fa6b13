/*
 * span.h - zero-copy byte ranges and the guarded-cursor helpers every parser
 * in parsers/ shares.  libc only.
 *
 * A span points into a buffer the caller owns (a packet or a TCP stream
 * buffer); it is valid only as long as that buffer is.  Parsers never write
 * through a span.
 */
#ifndef SIPWATCH_SPAN_H
#define SIPWATCH_SPAN_H

#include <stddef.h>
#include <stdint.h>

struct span {
	const char *p;
	uint32_t len;
};

#define SPAN_NULL ((struct span){ NULL, 0 })

static inline struct span
span_make(const char *p, const char *end)
{
	struct span s = { p, (uint32_t)(end - p) };
	return s;
}

static inline int
span_empty(struct span s)
{
	return s.len == 0;
}

/* 1 if s equals lit[0..n), case-insensitively (ASCII).  Inline, as are
 * the helpers below it, because the value parsers call them per parameter. */
static inline int
span_ieq_n(struct span s, const char *lit, size_t n)
{
	if (n != s.len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s.p[i], b = (unsigned char)lit[i];
		/* Equal, or the same letter in the other case. */
		if (a != b && ((a | 0x20) != (b | 0x20) ||
		    (unsigned)((a | 0x20) - 'a') > 'z' - 'a'))
			return 0;
	}
	return 1;
}

/* 1 if s equals the NUL-terminated lit, case-insensitively (ASCII).
 * Inline so that the length of a literal is known at compile time and a
 * length mismatch costs nothing. */
static inline int
span_ieq(struct span s, const char *lit)
{
	size_t n = __builtin_strlen(lit);
	return n == s.len && span_ieq_n(s, lit, n);
}
/* 1 if s equals lit exactly.  Inline: with a literal the length is a
 * constant and the compare one memcmp. */
static inline int
span_eq(struct span s, const char *lit)
{
	size_t n = __builtin_strlen(lit);
	return n == s.len && (n == 0 || __builtin_memcmp(s.p, lit, n) == 0);
}
/* 1 if s begins with lit, case-insensitively. */
int span_istarts(struct span s, const char *lit);
/* Trims spaces, tabs, CR and LF at both ends (LWS, RFC 3261 section 25.1). */
static inline struct span
span_trim(struct span s)
{
	if (s.p == NULL)
		return s;
	const char *p = s.p, *end = s.p + s.len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' ||
	    end[-1] == '\n'))
		end--;
	return span_make(p, end);
}
/*
 * Parses an unsigned decimal with at most 10 digits into *out.
 * Returns 0 on success, -1 when s is empty, has a non-digit, or overflows
 * UINT32_MAX.
 */
int span_u32(struct span s, uint32_t *out);

#endif
