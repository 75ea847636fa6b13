/* uitext_test.c - the dashboard bridge's text helpers (monitor/uitext.c). */
#include <criterion/criterion.h>
#include <string.h>

#include "monitor/uitext.h"
#include "tests/guard.h"

/* What uitext_copy() must write, one byte at a time. */
static void
ref_copy(char *dst, size_t cap, const char *p, size_t n)
{
	if (cap == 0)
		return;
	if (p == NULL)
		n = 0;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		dst[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	dst[n] = '\0';
}

#define CANARY 0x5a

/* Copies the span (ending right before a PROT_NONE page, so reading past
 * it crashes) into a buffer with canaries after cap, and checks both. */
static void
check_copy(const char *in, size_t n, size_t cap, const char *want, const char *why)
{
	char out[512], ref[512];
	const char *p = in ? guard_put(in, n) : NULL;

	cr_assert_lt(cap + 16, sizeof(out));
	memset(out, CANARY, sizeof(out));
	uitext_copy(out, cap, p, n);
	if (want != NULL)
		cr_expect_str_eq(out, want, "%s", why);
	memset(ref, CANARY, sizeof(ref));
	ref_copy(ref, cap, in, n);
	cr_expect_eq(memcmp(out, ref, sizeof(out)), 0, "%s: n %zu cap %zu", why, n, cap);
	for (size_t i = cap; i < sizeof(out); i++)
		if (out[i] != CANARY) {
			cr_expect_fail("%s: byte %zu written (cap %zu)", why, i, cap);
			break;
		}
}

static const struct {
	const char *in;
	size_t n;   /* bytes of in (it may hold NULs) */
	size_t cap;
	const char *want;
	const char *comment;
} copy_cases[] = {
	{ "", 0, 8, "", "empty" },
	{ "abc", 3, 8, "abc", "short: byte by byte" },
	{ "sip:alice@example.com", 21, 64, "sip:alice@example.com", "printable words" },
	{ "0123456789abcdef", 16, 64, "0123456789abcdef", "one whole block" },
	{ "0123456789abcdefghijklmnopqrstuvwxyz", 36, 64,
	  "0123456789abcdefghijklmnopqrstuvwxyz", "blocks and an overlapping tail" },
	{ "01234567\x01", 9, 64, "01234567?", "an unprintable byte in the overlapping tail" },
	{ "0123456789abcdef\x7f", 17, 64, "0123456789abcdef?", "DEL in the tail block" },
	{ "a\0b\r\n\t\x1f \x7e\x7f\x80\xff", 12, 64, "a?b???? ~???",
	  "NUL, controls, DEL and bytes >= 0x80; space and tilde kept" },
	{ "\xe2\x80\xa6 UTF-8 is not ASCII", 22, 64, "??? UTF-8 is not ASCII",
	  "multi-byte characters become one '?' per byte" },
	{ "sip:alice@example.com", 21, 10, "sip:alice", "cut at cap - 1" },
	{ "0123456789abcdefXYZ", 19, 17, "0123456789abcdef", "cut to exactly a block" },
	{ "abc", 3, 1, "", "cap 1: only the NUL" },
	{ NULL, 5, 8, "", "NULL copies nothing" },
};

Test(uitext_copy, table)
{
	for (size_t i = 0; i < sizeof(copy_cases) / sizeof(copy_cases[0]); i++)
		check_copy(copy_cases[i].in, copy_cases[i].n, copy_cases[i].cap,
		    copy_cases[i].want, copy_cases[i].comment);
}

Test(uitext_copy, cap_zero_writes_nothing)
{
	char out[4] = { CANARY, CANARY, CANARY, CANARY };
	uitext_copy(out, 0, "abc", 3);
	cr_expect_eq(out[0], CANARY);
}

/* Every length and cap around the block sizes, with one unprintable byte
 * at every position (and none): the blocks, the overlapping tails and the
 * cut must agree with the byte-by-byte reference. */
Test(uitext_copy, every_length_and_position)
{
	char in[80];

	for (size_t n = 0; n <= sizeof(in); n++) {
		for (size_t bad = 0; bad <= n; bad++) {
			for (size_t i = 0; i < n; i++)
				in[i] = (char)('A' + (i * 7 + n) % 58); /* 'A'..'z' */
			if (bad < n)
				in[bad] = (char)(bad % 2 ? 0x7f : 0x80 + bad);
			check_copy(in, n, 200, NULL, "no cut");
			check_copy(in, n, n > 0 ? n : 1, NULL, "cut by one");
			check_copy(in, n, n / 2 + 1, NULL, "cut in half");
		}
	}
}

/* Every byte value in every lane of a block and of a word. */
Test(uitext_copy, every_byte_value)
{
	char in[24];

	for (int c = 0; c < 256; c++)
		for (size_t lane = 0; lane < sizeof(in); lane++) {
			memset(in, 'x', sizeof(in));
			in[lane] = (char)c;
			check_copy(in, sizeof(in), 64, NULL, "24 bytes");
			check_copy(in, 9, 64, NULL, "9 bytes");
		}
}

static const struct {
	int ipver;
	uint8_t a[16];
	size_t cap;
	const char *want;
	const char *comment;
} addr_cases[] = {
	{ 4, { 10, 1, 10, 162 }, 48, "10.1.10.162", "IPv4" },
	{ 4, { 0, 0, 0, 0 }, 48, "0.0.0.0", "IPv4 zeros" },
	{ 4, { 255, 255, 255, 255 }, 16, "255.255.255.255", "the longest IPv4, exact fit" },
	{ 4, { 1, 20, 100, 9 }, 48, "1.20.100.9", "one, two and three digits" },
	{ 4, { 192, 0, 2, 1 }, 10, "192.0.2.1", "small buffer: still fits" },
	{ 4, { 192, 0, 2, 1 }, 8, "?", "small buffer: too small" },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 48, "2001:db8::1",
	  "IPv6, zeros compressed" },
	{ 6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 48, "::1", "IPv6 loopback" },
	{ 6, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1 }, 48, "::ffff:192.0.2.1",
	  "IPv4-mapped IPv6" },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34 },
	  48, "2001:db8:85a3::8a2e:370:7334", "IPv6, a row of zeros" },
	{ 6, { 0x20, 0x01, 0x0d, 0xb8, 0x85, 0xa3, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x34 },
	  16, "?", "IPv6 in a buffer too small" },
};

Test(uitext_addr, table)
{
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		char out[64];
		memset(out, CANARY, sizeof(out));
		uitext_addr(out, addr_cases[i].cap, addr_cases[i].ipver, addr_cases[i].a);
		cr_expect_str_eq(out, addr_cases[i].want, "%s", addr_cases[i].comment);
		cr_expect_eq(out[addr_cases[i].cap], CANARY, "%s: nothing past cap",
		    addr_cases[i].comment);
	}
}
