/*
 * json_test.c - the JSON writer's fast paths against the plain ways they
 * replace: strings escaped a word (or 16 bytes) at a time against a byte
 * loop, times formatted by arithmetic against gmtime_r() and snprintf(),
 * numbers and IPv4 addresses against snprintf() and inet_ntop().
 */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "monitor/dump.h"
#include "monitor/json.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The escaping, one byte at a time, as RFC 8259 and json.h say. */
static size_t
ref_string(char *o, const unsigned char *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *end = p + n;
	char *start = o;
	*o++ = '"';
	while (p < end) {
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			p++;
		} else if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
			p++;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			*o++ = '\\';
			*o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			p++;
		} else if (c < 0x20) {
			o += sprintf(o, "\\u00%c%c", hexd[c >> 4], hexd[c & 15]);
			p++;
		} else {
			size_t l = json_utf8_len(p, end);
			if (l) {
				memcpy(o, p, l);
				o += l;
				p += l;
			} else {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				p++;
			}
		}
	}
	*o++ = '"';
	return (size_t)(o - start);
}

/* A byte string weighted towards what needs escaping, with runs of plain
 * text long enough for the 8- and 16-byte paths. */
static size_t
random_subject(unsigned char *s, size_t cap)
{
	static const unsigned char utf8[][4] = {
		{ 0xc3, 0xa9 }, { 0xe2, 0x82, 0xac }, { 0xf0, 0x9f, 0x98, 0x80 },
		{ 0xed, 0xa0, 0x80 } /* a surrogate: not valid */,
		{ 0xc0, 0xaf } /* overlong */, { 0xe2, 0x82 } /* cut short */,
	};
	size_t n = (size_t)(next() % cap);
	size_t i = 0;
	while (i < n) {
		unsigned k = (unsigned)(next() % 16);
		if (k < 8) {
			size_t run = (size_t)(next() % 40);
			for (size_t r = 0; r < run && i < n; r++)
				s[i++] = (unsigned char)(0x20 + next() % 95);
		} else if (k == 8) {
			s[i++] = '"';
		} else if (k == 9) {
			s[i++] = '\\';
		} else if (k == 10) {
			s[i++] = (unsigned char)(next() % 0x20);
		} else if (k == 11) {
			s[i++] = 0x7f;
		} else if (k == 12) {
			s[i++] = (unsigned char)(0x80 + next() % 0x80);
		} else {
			const unsigned char *u = utf8[next() % 6];
			size_t l = u[3] ? 4 : u[2] ? 3 : 2;
			for (size_t r = 0; r < l && i < n; r++)
				s[i++] = u[r];
		}
	}
	return n;
}

Test(json, strings_escape_as_the_byte_loop)
{
	struct json j;
	json_init(&j);
	static char want[6 * 200 + 2];
	unsigned char buf[200];
	for (int it = 0; it < 50000; it++) {
		size_t n = random_subject(buf, sizeof(buf));
		/* A block of exactly n bytes: a read past the subject is a
		 * heap overflow for the sanitizers and valgrind. */
		unsigned char *s = malloc(n ? n : 1);
		cr_assert_not_null(s);
		memcpy(s, buf, n);
		size_t wn = ref_string(want, s, n);
		json_reset(&j);
		json_str(&j, (const char *)s, n);
		cr_assert_eq(j.len, wn, "length %zu, want %zu (subject of %zu bytes)", j.len, wn, n);
		cr_assert(memcmp(j.p, want, wn) == 0, "escaped differently (subject of %zu bytes)", n);
		free(s);
	}
	json_free(&j);
}

Test(json, time_as_gmtime_and_snprintf)
{
	static const int64_t fixed[] = {
		0, 59, 86399, 86400, 951782400 /* 2000-02-29 */,
		951868800 /* 2000-03-01 */, 1704067200, 4107542400 /* 2100-03-01 */,
		4102444799 /* 2099-12-31T23:59:59 */, INT64_C(253402300799),
	};
	char got[JSON_TIME_MAX], want[64];
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 200000; i++) {
		int64_t sec = i < sizeof(fixed) / sizeof(fixed[0]) ? fixed[i] :
		    (int64_t)(next() % (UINT64_C(253402300799) + 1));
		long usec = (long)(next() % 1000000);
		struct tm tm;
		time_t t = (time_t)sec;
		cr_assert_not_null(gmtime_r(&t, &tm));
		int wn = snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, usec);
		size_t n = json_fmt_time(got, sec, usec);
		cr_assert_eq(n, (size_t)wn);
		cr_assert_str_eq(got, want, "second %" PRId64, sec);
	}
	/* Outside its range it declines (the caller's slow way decides). */
	cr_assert_eq(json_fmt_time(got, -1, 0), 0);
	cr_assert_eq(json_fmt_time(got, INT64_C(253402300800), 0), 0);
	cr_assert_eq(json_fmt_time(got, 0, -1), 0);
	cr_assert_eq(json_fmt_time(got, 0, 1000000), 0);
	/* and json_time() still writes what it wrote before */
	struct json j;
	json_init(&j);
	json_time(&j, 0, 1000000);
	cr_assert_eq(j.len, strlen("\"1970-01-01T00:00:00.1000000Z\""));
	cr_assert(memcmp(j.p, "\"1970-01-01T00:00:00.1000000Z\"", j.len) == 0);
	json_free(&j);
}

Test(json, numbers_as_snprintf)
{
	char got[JSON_U64_MAX], want[32];
	static const uint64_t fixed[] = { 0, 1, 9, 10, 99, 100, 4294967295u, UINT64_MAX };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 10000; i++) {
		uint64_t v = i < sizeof(fixed) / sizeof(fixed[0]) ? fixed[i] : next() >> (next() % 64);
		snprintf(want, sizeof(want), "%" PRIu64, v);
		cr_assert_eq(json_fmt_u64(got, v), strlen(want));
		cr_assert_str_eq(got, want);
	}
}

Test(json, plain_keys_and_separators)
{
	struct json j;
	json_init(&j);
	json_obj_open(&j);
	json_key_plain(&j, "a", 1);
	json_u64(&j, 1);
	json_key_plain(&j, "bc", 2);
	json_arr_open(&j);
	json_str(&j, "x", 1);
	json_obj_open(&j);
	json_key_plain(&j, "d", 1);
	json_null(&j);
	json_obj_close(&j);
	json_arr_close(&j);
	json_key(&j, "e\"f");
	json_bool(&j, 1);
	json_obj_close(&j);
	const char *want = "{\"a\":1,\"bc\":[\"x\",{\"d\":null}],\"e\\\"f\":true}";
	cr_assert_eq(j.len, strlen(want));
	cr_assert(memcmp(j.p, want, j.len) == 0);
	json_free(&j);
}

Test(dump, ipv4_addresses_as_inet_ntop)
{
	char got[48], want[48];
	for (int i = 0; i < 20000; i++) {
		uint8_t a[16] = { 0 };
		uint64_t r = next();
		memcpy(a, &r, 4);
		if (i < 4) /* the ends of every octet */
			memset(a, i == 0 ? 0 : i == 1 ? 255 : i == 2 ? 9 : 100, 4);
		dump_addr(got, sizeof(got), 4, a);
		cr_assert_not_null(inet_ntop(AF_INET, a, want, sizeof(want)));
		cr_assert_str_eq(got, want);
	}
}
