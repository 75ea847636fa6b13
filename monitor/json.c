/* json.c - see json.h. */
#include "monitor/json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = 1;
}

void
json_free(struct json *j)
{
	free(j->p);
	memset(j, 0, sizeof(*j));
}

void
json_reset(struct json *j)
{
	j->len = 0;
	j->depth = 0;
	j->first[0] = 1;
	j->oom = 0;
	j->pending = 0;
}

int
json_grow(struct json *j, size_t n)
{
	size_t nc = j->cap ? j->cap : 1024;
	while (nc - j->len < n) {
		if (nc > SIZE_MAX / 2) {
			j->oom = 1;
			return -1;
		}
		nc *= 2;
	}
	char *np = realloc(j->p, nc);
	if (np == NULL) {
		j->oom = 1;
		return -1;
	}
	j->p = np;
	j->cap = nc;
	return 0;
}

static int
reserve(struct json *j, size_t n)
{
	if (j->oom)
		return -1;
	if (n <= j->cap - j->len)
		return 0;
	return json_grow(j, n);
}

static void
put(struct json *j, const char *s, size_t n)
{
	if (reserve(j, n) == 0) {
		memcpy(j->p + j->len, s, n);
		j->len += n;
	}
}

static void
putc_(struct json *j, char c)
{
	if (reserve(j, 1) == 0)
		j->p[j->len++] = c;
}

/* Separator before a value or a key at the current level. */
static void
sep(struct json *j)
{
	if (j->first[j->depth])
		j->first[j->depth] = 0;
	else
		putc_(j, ',');
}

static void
value_start(struct json *j)
{
	if (j->pending)
		j->pending = 0;
	else
		sep(j);
}

static void
open_(struct json *j, char c)
{
	value_start(j);
	putc_(j, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
close_(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	putc_(j, c);
}

void json_obj_open(struct json *j) { open_(j, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j) { open_(j, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

static const char hexd[] = "0123456789abcdef";

/* Length of a valid UTF-8 sequence at s (RFC 3629), or 0. */
size_t
json_utf8_len(const unsigned char *s, const unsigned char *end)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;
	if (c < 0xC2)
		return 0;
	else if (c < 0xE0)
		n = 2, cp = c & 0x1F;
	else if (c < 0xF0)
		n = 3, cp = c & 0x0F;
	else if (c < 0xF5)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "str_body() finds the first special byte of a word by its lowest set bit"
#endif

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * The bytes of w that a JSON string cannot hold as they are, each marked
 * by its high bit: below 0x20, '"', '\\', 0x80 and above.  The lowest
 * mark is exact (a subtraction borrows only upwards), so it is the first
 * such byte in memory order.
 */
static inline uint64_t
special_bytes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) | ((b - ONES) & ~b) | w) & HIGHS;
}

/*
 * s as a JSON string: printable ASCII as it is, '"' and '\\' escaped,
 * control bytes as \n, \r, \t or \u00XX, valid UTF-8 as it is and any
 * other byte as \ufffd.  Room for the worst case (six bytes out for each
 * byte in) is made once; plain bytes are copied eight at a time.
 */
static void
str_body(struct json *j, const char *s, size_t n)
{
	if (n > (SIZE_MAX - 2) / 6) {
		j->oom = 1;
		return;
	}
	if (reserve(j, 6 * n + 2) != 0)
		return;
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	char *o = j->p + j->len;
	*o++ = '"';
#ifdef __SSE2__
	/* Sixteen bytes at a time: a signed compare with 0x20 finds both
	 * the control bytes and those of 0x80 and above. */
	const __m128i sp = _mm_set1_epi8(0x20), dq = _mm_set1_epi8('"'),
	    bs = _mm_set1_epi8('\\');
	while (end - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Stored whole: with 16 bytes or more left, o + 16 is within
		 * the room made above. */
		_mm_storeu_si128((__m128i *)(void *)o, x);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(x, sp),
		    _mm_or_si128(_mm_cmpeq_epi8(x, dq), _mm_cmpeq_epi8(x, bs))));
		if (m == 0) {
			o += 16;
			p += 16;
			continue;
		}
		unsigned k = (unsigned)__builtin_ctz(m);
		o += k;
		p += k;
		break; /* the words below take the special byte */
	}
#endif
	while (p < end) {
		if (end - p >= 8) {
			uint64_t w;
			memcpy(&w, p, sizeof(w));
			/* Copied whole: with 8 bytes or more left, o + 8 is
			 * within the room made above. */
			memcpy(o, p, sizeof(w));
			uint64_t m = special_bytes(w);
			if (m == 0) {
				o += 8;
				p += 8;
				continue;
			}
			unsigned k = (unsigned)__builtin_ctzll(m) / 8;
			o += k;
			p += k;
		} else if (end - p >= 4) {
			/* The last 4 to 7 bytes, as two loads that may overlap
			 * (never outside s): plain, they go as they are. */
			size_t r = (size_t)(end - p);
			uint32_t lo, hi;
			memcpy(&lo, p, sizeof(lo));
			memcpy(&hi, end - 4, sizeof(hi));
			if (special_bytes((uint64_t)hi << 32 | lo) == 0) {
				memcpy(o, p, sizeof(lo));
				memcpy(o + r - 4, end - 4, sizeof(hi));
				o += r;
				break;
			}
		}
		unsigned char c = *p;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			*o++ = (char)c;
			p++;
		} else if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
			p++;
		} else if (c < 0x20) {
			*o++ = '\\';
			if (c == '\n') {
				*o++ = 'n';
			} else if (c == '\r') {
				*o++ = 'r';
			} else if (c == '\t') {
				*o++ = 't';
			} else {
				memcpy(o, "u00", 3);
				o[3] = hexd[c >> 4];
				o[4] = hexd[c & 15];
				o += 5;
			}
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
	j->len = (size_t)(o - j->p);
}

void
json_key(struct json *j, const char *k)
{
	sep(j);
	str_body(j, k, strlen(k));
	putc_(j, ':');
	j->pending = 1;
}

void
json_str(struct json *j, const char *s, size_t n)
{
	value_start(j);
	str_body(j, s ? s : "", s ? n : 0);
}

void
json_str_plain(struct json *j, const char *s, size_t n)
{
	value_start(j);
	if (n > SIZE_MAX - 2 || reserve(j, n + 2) != 0)
		return;
	char *o = j->p + j->len;
	*o++ = '"';
	memcpy(o, s, n);
	o += n;
	*o++ = '"';
	j->len = (size_t)(o - j->p);
}

void
json_raw(struct json *j, const char *s, size_t n)
{
	value_start(j);
	put(j, s, n);
}

void
json_cstr(struct json *j, const char *s)
{
	json_str(j, s, s ? strlen(s) : 0);
}

size_t
json_fmt_u64(char out[JSON_U64_MAX], uint64_t v)
{
	char b[JSON_U64_MAX];
	char *e = b + sizeof(b), *q = e;
	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t n = (size_t)(e - q);
	memcpy(out, q, n);
	out[n] = '\0';
	return n;
}

void
json_u64(struct json *j, uint64_t v)
{
	char b[JSON_U64_MAX];
	size_t n = json_fmt_u64(b, v);
	value_start(j);
	put(j, b, n);
}

void
json_i64(struct json *j, int64_t v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%" PRId64, v);
	value_start(j);
	put(j, b, (size_t)n);
}

void
json_bool(struct json *j, int v)
{
	value_start(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void
json_null(struct json *j)
{
	value_start(j);
	put(j, "null", 4);
}

/* Two digits of v (< 100) at p. */
static void
dig2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

size_t
json_fmt_time(char out[JSON_TIME_MAX], int64_t sec, long usec)
{
	/* Years 1970 to 9999, as gmtime_r() and "%04d" would write them;
	 * anything else is the caller's (its fallback writes what it wrote). */
	if (sec < 0 || sec > INT64_C(253402300799) || usec < 0 || usec > 999999)
		return 0;
	int64_t days = sec / 86400;
	unsigned rem = (unsigned)(sec % 86400);
	/* Days since 1970-01-01 to a date in the proleptic Gregorian
	 * calendar, by 400-year eras of 146,097 days counted from March 1 of
	 * year 0 (H. Hinnant, "chrono-Compatible Low-Level Date
	 * Algorithms"). */
	int64_t z = days + 719468;
	int64_t era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);
	dig2(out, y / 100);
	dig2(out + 2, y % 100);
	out[4] = '-';
	dig2(out + 5, m);
	out[7] = '-';
	dig2(out + 8, d);
	out[10] = 'T';
	dig2(out + 11, rem / 3600);
	out[13] = ':';
	dig2(out + 14, rem / 60 % 60);
	out[16] = ':';
	dig2(out + 17, rem % 60);
	out[19] = '.';
	unsigned u = (unsigned)usec;
	dig2(out + 20, u / 10000);
	dig2(out + 22, u / 100 % 100);
	dig2(out + 24, u % 100);
	out[26] = 'Z';
	out[27] = '\0';
	return 27;
}

void
json_time(struct json *j, int64_t sec, long usec)
{
	char b[64];
	size_t fast = json_fmt_time(b, sec, usec);
	if (fast) {
		json_str_plain(j, b, fast); /* digits and "-T:.Z" */
		return;
	}
	struct tm tm;
	time_t t = (time_t)sec;
	if (gmtime_r(&t, &tm) == NULL) {
		json_null(j);
		return;
	}
	int n = snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, usec);
	json_str(j, b, n > 0 && (size_t)n < sizeof(b) ? (size_t)n : 0);
}

void
json_kstr(struct json *j, const char *k, const char *s, size_t n)
{
	json_key(j, k);
	json_str(j, s, n);
}

void
json_kcstr(struct json *j, const char *k, const char *s)
{
	json_key(j, k);
	json_cstr(j, s);
}

void
json_ku64(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_u64(j, v);
}

int
json_write_line(struct json *j, FILE *f)
{
	putc_(j, '\n');
	if (j->len && fwrite(j->p, 1, j->len, f) != j->len)
		return -1;
	return 0;
}
