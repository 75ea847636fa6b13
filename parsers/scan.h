/*
 * scan.h - byte-scanning helpers for the parsers in parsers/ (private to
 * them; libc only, SSE2 where the compiler targets it).
 *
 * Scanning for delimiters is most of the cost of parsing SIP, so these are
 * inline and do more than one byte per bound check.  Each reads only
 * [p, end) (the *_lo variants [lo, end), lo <= p) and returns a pointer
 * in [p, end].
 */
#ifndef SIPWATCH_SCAN_H
#define SIPWATCH_SCAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The parsers compare names and versions as words loaded from memory
 * against constants and masks written for little-endian loads: refuse to
 * build where that would silently misparse. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "parsers/ compare words as little-endian loads; port the masks in sip.c and sip_values.c first"
#endif

/*
 * For the parsers' static helpers that run per byte, per header or per
 * parameter: a call costs more than such a body (callee-saved registers
 * and all), so they are inlined even where the compiler would not.
 */
#define HOT static inline __attribute__((always_inline))

/* First byte in [p, end) whose class in tab has no bit of m, else end. */
static inline const char *
scan_cls(const char *p, const char *end, const uint8_t tab[256], unsigned m)
{
	while (end - p >= 4) {
		if (!(tab[(unsigned char)p[0]] & m))
			return p;
		if (!(tab[(unsigned char)p[1]] & m))
			return p + 1;
		if (!(tab[(unsigned char)p[2]] & m))
			return p + 2;
		if (!(tab[(unsigned char)p[3]] & m))
			return p + 3;
		p += 4;
	}
	while (p < end && (tab[(unsigned char)*p] & m))
		p++;
	return p;
}

/* First byte in [p, end) whose class in tab has a bit of m, else end. */
static inline const char *
scan_to_cls(const char *p, const char *end, const uint8_t tab[256], unsigned m)
{
	while (end - p >= 4) {
		if ((tab[(unsigned char)p[0]] & m))
			return p;
		if ((tab[(unsigned char)p[1]] & m))
			return p + 1;
		if ((tab[(unsigned char)p[2]] & m))
			return p + 2;
		if ((tab[(unsigned char)p[3]] & m))
			return p + 3;
		p += 4;
	}
	while (p < end && !(tab[(unsigned char)*p] & m))
		p++;
	return p;
}

/*
 * scan_byte(), scan_any2() and scan_any5(): the first byte in [p, end)
 * equal to one of 1, 2 or 5 given bytes, else end.  For constant bytes the compiler builds
 * the SSE2 comparands once.  Meant for runs in which the bytes sought are
 * rare (quoted strings, list elements); all go through scan_any().
 */
static inline int
scan_is(char x, int n, char a, char b, char c, char d, char e)
{
	return x == a || (n > 1 && x == b) || (n > 2 && (x == c || x == d || x == e));
}

#ifdef __SSE2__
/* Bit i set when byte i of the 16 at p is one of the n bytes a, b, ... */
static inline unsigned
scan_mask16(const char *p, int n, char a, char b, char c, char d, char e)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i hit = _mm_cmpeq_epi8(v, _mm_set1_epi8(a));
	if (n > 1)
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(b)));
	if (n > 2) {
		hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
		hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(d)),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8(e))));
	}
	return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* lo <= p: the bytes from lo on are readable too, so that the last 16
 * bytes of [lo, end) serve for a tail shorter than 16. */
static inline const char *
scan_any_lo(const char *lo, const char *p, const char *end, int n, char a,
    char b, char c, char d, char e)
{
#ifdef __SSE2__
	if (end - lo >= 16) {
		unsigned m;
		for (; end - p >= 16; p += 16)
			if ((m = scan_mask16(p, n, a, b, c, d, e)) != 0)
				return p + __builtin_ctz(m);
		if (p == end)
			return end;
		/* The last 16 bytes of the input, less those already seen. */
		const char *q = end - 16;
		m = scan_mask16(q, n, a, b, c, d, e) >> (p - q);
		return m != 0 ? p + __builtin_ctz(m) : end;
	}
#else
	(void)lo;
#endif
	while (p < end && !scan_is(*p, n, a, b, c, d, e))
		p++;
	return p;
}

static inline const char *
scan_any(const char *p, const char *end, int n, char a, char b, char c, char d,
    char e)
{
	return scan_any_lo(p, p, end, n, a, b, c, d, e);
}

static inline const char *
scan_byte(const char *p, const char *end, char a)
{
	return scan_any(p, end, 1, a, a, a, a, a);
}

static inline const char *
scan_any2(const char *p, const char *end, char a, char b)
{
	return scan_any(p, end, 2, a, b, a, a, a);
}

static inline const char *
scan_any5(const char *p, const char *end, char a, char b, char c, char d, char e)
{
	return scan_any(p, end, 5, a, b, c, d, e);
}

/*
 * scan_byte() for a byte that is usually more than 16 bytes away (the end
 * of a header line): 32 bytes a step, one test for both halves.
 */
static inline const char *
scan_byte32(const char *p, const char *end, char a)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a);
	for (; end - p >= 32; p += 32) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, va)) |
		    (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(y, va)) << 16;
		if (m != 0)
			return p + __builtin_ctz(m);
	}
#endif
	return scan_byte(p, end, a);
}

/* scan_any5() of [p, end) where [lo, p) is readable too (see scan_any_lo()). */
static inline const char *
scan_any5_lo(const char *lo, const char *p, const char *end, char a, char b,
    char c, char d, char e)
{
	return scan_any_lo(lo, p, end, 5, a, b, c, d, e);
}

#endif
