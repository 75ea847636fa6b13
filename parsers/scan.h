/*
 * scan.h - byte-scanning helpers for the parsers in parsers/ (private to
 * them; libc only, SSE2 where the compiler targets it, and AVX2 for the LF
 * walk where the CPU has it).
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
/* The LF walk below has a 32-byte form for CPUs with AVX2, chosen at run
 * time (the build targets plain x86-64): see scan_lf_init(). */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SCAN_LF_AVX2 1
#endif

/* The parsers compare names and versions as words loaded from memory
 * against constants and masks written for little-endian loads: refuse to
 * build where that would silently misparse. */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "parsers/ compare words as little-endian loads; port the masks in sip.c and sip_values.c (and the key words of rules/ktab.h, monitor/dashboard.c's src_key()) first"
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
 * The first a in [p, lim) else lim, reading [p, lim] (lim itself too,
 * as the LF that ends a line is): for a byte that is usually within 16
 * bytes of p (the ':' after a header name), one load settles it even when
 * lim is further.
 */
static inline __attribute__((always_inline)) const char *
scan_byte_to(const char *p, const char *lim, char a)
{
#ifdef __SSE2__
	size_t n = (size_t)(lim - p);
	/* n >= 15: the 16 bytes from p are in [p, lim]. */
	if (n >= 15) {
		/* Bit 16 stands for "not in these 16 bytes". */
		unsigned i = (unsigned)__builtin_ctz(scan_mask16(p, 1, a, a, a, a, a) |
		    1u << 16);
		if (i >= n)
			return lim;
		return i < 16 ? p + i : scan_byte(p + 16, lim, a);
	}
#endif
	return scan_byte(p, lim, a);
}

/*
 * A walk over the LFs of [p, end) in order, taking each once: the lines
 * of a SIP header block, which are mostly shorter than 64 bytes, cost one
 * set of loads per 64 bytes instead of a scan or two per line.  The walk
 * also keeps the smallest byte it has loaded, so that the caller can learn
 * for nearly nothing that the bytes it walked over hold no NUL.
 *
 * Reads only [lo, end), lo <= p: near the end the last 64 bytes of the
 * input are loaded again, as in scan_any_lo(); only when [lo, end) is
 * shorter than 64 bytes is the last window read a byte at a time.
 */
struct scan_lf {
	const char *base; /* the window, [base, base + 64) */
	const char *lo, *end;
	uint64_t lf; /* LFs of the window not yet taken, bit i for base[i] */
#ifdef __SSE2__
	__m128i min; /* byte-wise minimum of every window loaded */
#else
	int nul; /* a window loaded held a NUL */
#endif
#ifdef SCAN_LF_AVX2
	int wide; /* windows loaded with AVX2 (scan_lf_init()) */
#endif
};

#ifdef __SSE2__
/* The LFs of the 64 bytes at p as bits; folds those bytes into *min. */
static inline __attribute__((always_inline)) uint64_t
scan_lf64(const char *p, __m128i *min)
{
	const __m128i nl = _mm_set1_epi8('\n');
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
	*min = _mm_min_epu8(*min, _mm_min_epu8(_mm_min_epu8(a, b), _mm_min_epu8(c, d)));
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, nl)) |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, nl)) << 16 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(c, nl)) << 32 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(d, nl)) << 48;
}
#endif

#ifdef SCAN_LF_AVX2
/*
 * scan_lf64() in two 32-byte loads.  Not always_inline: it is inlined
 * only into code built for AVX2 (a function with target("avx2") that
 * inlines the walk with wide set); elsewhere it is never reached.
 */
static inline __attribute__((target("avx2"))) uint64_t
scan_lf64_avx2(const char *p, __m128i *min)
{
	const __m256i nl = _mm256_set1_epi8('\n');
	__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	__m256i m = _mm256_min_epu8(a, b);
	*min = _mm_min_epu8(*min, _mm_min_epu8(_mm256_castsi256_si128(m),
	    _mm256_extracti128_si256(m, 1)));
	return (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, nl)) |
	    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, nl)) << 32;
}

/* 1 if this CPU runs AVX2 code: a test of what libgcc found at start-up
 * (before main(), so not for use in constructors). */
static inline int
scan_have_avx2(void)
{
	return __builtin_cpu_supports("avx2") != 0;
}
#endif

#ifdef __SSE2__
/* The LFs of the 64 bytes at p, through the form s was started with. */
static inline __attribute__((always_inline)) uint64_t
scan_lf_window(struct scan_lf *s, const char *p)
{
#ifdef SCAN_LF_AVX2
	if (s->wide)
		return scan_lf64_avx2(p, &s->min);
#endif
	return scan_lf64(p, &s->min);
}
#endif

/* s->lf for the window at s->base when it is whole: 64 bytes before end. */
static inline __attribute__((always_inline)) void
scan_lf_full(struct scan_lf *s)
{
#ifdef __SSE2__
	s->lf = scan_lf_window(s, s->base);
#else
	uint64_t m = 0;
	for (unsigned i = 0; i < 64; i++) {
		m |= (uint64_t)(s->base[i] == '\n') << i;
		s->nul |= s->base[i] == '\0';
	}
	s->lf = m;
#endif
}

/* s->lf for the last window, base < end < base + 64. */
static inline __attribute__((always_inline)) void
scan_lf_tail(struct scan_lf *s)
{
	const char *b = s->base;
#ifdef __SSE2__
	if (s->end - s->lo >= 64) {
		/* The last 64 bytes of the input, less those before b. */
		const char *q = s->end - 64;
		s->lf = scan_lf_window(s, q) >> (b - q);
		return;
	}
#endif
	uint64_t m = 0;
	for (unsigned i = 0; b + i < s->end; i++) {
		m |= (uint64_t)(b[i] == '\n') << i;
		if (b[i] == '\0') {
#ifdef __SSE2__
			s->min = _mm_setzero_si128();
#else
			s->nul = 1;
#endif
		}
	}
	s->lf = m;
}

/*
 * Starts a walk at p; lo <= p < end.  wide: load windows with AVX2, only
 * in code built for AVX2 (target("avx2")) and run where scan_have_avx2();
 * 0 everywhere else (and ignored without SCAN_LF_AVX2).  Both forms take
 * the same LFs and see the same bytes.
 */
static inline __attribute__((always_inline)) void
scan_lf_init(struct scan_lf *s, const char *lo, const char *p, const char *end,
    int wide)
{
	s->base = p;
	s->lo = lo;
	s->end = end;
#ifdef SCAN_LF_AVX2
	s->wide = wide;
#else
	(void)wide;
#endif
#ifdef __SSE2__
	s->min = _mm_set1_epi8(-1);
#else
	s->nul = 0;
#endif
	if (end - p >= 64)
		scan_lf_full(s);
	else
		scan_lf_tail(s);
}

/* The next LF not yet taken, else end; takes it. */
static inline __attribute__((always_inline)) const char *
scan_lf_next(struct scan_lf *s)
{
	while (s->lf == 0) {
		/* Bytes past the window, then the next window. */
		ptrdiff_t left = s->end - s->base - 64;
		if (left <= 0)
			return s->end;
		s->base += 64;
		if (left >= 64)
			scan_lf_full(s);
		else
			scan_lf_tail(s);
	}
	const char *lf = s->base + (unsigned)__builtin_ctzll(s->lf);
	s->lf &= s->lf - 1;
	return lf;
}

/* 0 when no byte loaded so far is NUL (they include every byte from p to
 * the last LF taken); 1 when one may be. */
static inline __attribute__((always_inline)) int
scan_lf_maybe_nul(const struct scan_lf *s)
{
#ifdef __SSE2__
	return _mm_movemask_epi8(_mm_cmpeq_epi8(s->min, _mm_setzero_si128())) != 0;
#else
	return s->nul;
#endif
}

/* scan_any5() of [p, end) where [lo, p) is readable too (see scan_any_lo()). */
static inline const char *
scan_any5_lo(const char *lo, const char *p, const char *end, char a, char b,
    char c, char d, char e)
{
	return scan_any_lo(lo, p, end, 5, a, b, c, d, e);
}

#endif
