/* uitext.c - text helpers of the dashboard bridge; see uitext.h. */
#include "monitor/uitext.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "parsers/decap.h"

/*
 * uitext_copy() runs for five fields of every alert the dashboard keeps,
 * so it works a block at a time and never branches on the bytes: each
 * block is rewritten with '?' wherever a byte is unprintable.  A span
 * that is not a whole number of blocks ends with its last block again,
 * overlapping the one before: a byte's result depends on that byte
 * alone, so writing it twice is harmless.
 */
#ifdef __SSE2__
static inline void
fix16(char *dst, const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* Plus one (wrapping), 0x20..0x7e become 0x21..0x7f, and every other
	 * byte 0x80..0x20, that is, as signed bytes, at most 0x20. */
	__m128i ok = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)), _mm_set1_epi8(0x20));
	v = _mm_or_si128(_mm_and_si128(ok, v), _mm_andnot_si128(ok, _mm_set1_epi8('?')));
	_mm_storeu_si128((__m128i *)(void *)dst, v);
}
#endif

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The same for 8 bytes in a word.  The sums are over each byte's low 7
 * bits, so none carries into the next byte and the test is exact per
 * byte: high bit set, low bits below 0x20, or low bits 0x7f. */
static inline void
fix8(char *dst, const char *p)
{
	uint64_t w, low, bad;

	memcpy(&w, p, 8);
	low = w & ~HIGHS;
	bad = (w | ~(low + ONES * 0x60) | (low + ONES * 0x01)) & HIGHS;
	bad = (bad >> 7) * 0xff;
	w = (w & ~bad) | (ONES * '?' & bad);
	memcpy(dst, &w, 8);
}

void
uitext_copy(char *dst, size_t cap, const char *p, size_t n)
{
	size_t i = 0;

	if (cap == 0)
		return;
	if (p == NULL)
		n = 0;
	if (n >= cap)
		n = cap - 1;
#ifdef __SSE2__
	if (n >= 16) {
		for (; n - i >= 16; i += 16)
			fix16(dst + i, p + i);
		if (i < n)
			fix16(dst + n - 16, p + n - 16);
		i = n;
	}
#endif
	if (n - i >= 8) {
		for (; n - i >= 8; i += 8)
			fix8(dst + i, p + i);
		if (i < n)
			fix8(dst + n - 8, p + n - 8);
		i = n;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[n] = '\0';
}

void
uitext_addr(char *dst, size_t cap, int ipver, const uint8_t *a)
{
	/* IPv4 (nearly every alert and top-talker row) without inet_ntop's
	 * sprintf. */
	if (ipver == 6 || cap < INET_ADDRSTRLEN) {
		if (inet_ntop(ipver == 6 ? AF_INET6 : AF_INET, a, dst, (socklen_t)cap) == NULL)
			snprintf(dst, cap, "?");
		return;
	}
	ip4_text(dst, a); /* cap >= INET_ADDRSTRLEN (16) */
}
