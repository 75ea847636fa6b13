/* json.c - see json.h. */
#include "monitor/json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static int
reserve(struct json *j, size_t n)
{
	if (j->oom)
		return -1;
	if (n <= j->cap - j->len)
		return 0;
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

static void
str_body(struct json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	putc_(j, '"');
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			put(j, (const char *)run, (size_t)(p - run));
		if (p >= end)
			break;
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			put(j, e, 2);
			p++;
		} else if (c < 0x20) {
			char e[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
			if (c == '\n')
				put(j, "\\n", 2);
			else if (c == '\r')
				put(j, "\\r", 2);
			else if (c == '\t')
				put(j, "\\t", 2);
			else
				put(j, e, 6);
			p++;
		} else {
			size_t l = json_utf8_len(p, end);
			if (l) {
				put(j, (const char *)p, l);
				p += l;
			} else {
				put(j, "\\ufffd", 6);
				p++;
			}
		}
	}
	putc_(j, '"');
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
json_cstr(struct json *j, const char *s)
{
	json_str(j, s, s ? strlen(s) : 0);
}

void
json_u64(struct json *j, uint64_t v)
{
	char b[24];
	char *e = b + sizeof(b), *q = e;
	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	value_start(j);
	put(j, q, (size_t)(e - q));
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

void
json_time(struct json *j, int64_t sec, long usec)
{
	char b[64];
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
