/*
 * json.h - a small JSON writer into a growable buffer.  Strings are escaped
 * per RFC 8259; bytes that are not valid UTF-8 become U+FFFD, so the output
 * is always valid JSON whatever a packet carried.
 */
#ifndef SIPWATCH_JSON_H
#define SIPWATCH_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define JSON_MAX_DEPTH 32

struct json {
	char *p;
	size_t len, cap;
	int depth;
	uint8_t first[JSON_MAX_DEPTH]; /* 1 until the first member at a level */
	int pending;                   /* a key was written, its value not yet */
	int oom;                       /* allocation failed: output truncated */
};

void json_init(struct json *j);
void json_free(struct json *j);
void json_reset(struct json *j);

void json_obj_open(struct json *j);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j);
void json_arr_close(struct json *j);
/* Object member name; the next value call writes its value. */
void json_key(struct json *j, const char *k);
/* Makes room for n more bytes (the buffer doubles as needed); -1 and oom
 * set when it cannot.  For the inline writers below. */
int json_grow(struct json *j, size_t n);

/* json_key() of a name known to need no escaping (a program constant of
 * printable ASCII without '"' or '\\'; not checked), written as it is.
 * Inline: with a literal name, n is a constant and the copy a few moves. */
static inline void
json_key_plain(struct json *j, const char *k, size_t n)
{
	if (j->oom || n > SIZE_MAX - 4 ||
	    (n + 4 > j->cap - j->len && json_grow(j, n + 4) != 0))
		return;
	char *o = j->p + j->len;
	if (j->first[j->depth])
		j->first[j->depth] = 0;
	else
		*o++ = ',';
	*o++ = '"';
	memcpy(o, k, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	j->len = (size_t)(o - j->p);
	j->pending = 1;
}

void json_str(struct json *j, const char *s, size_t n);
/* json_str() of text known to need no escaping (printable ASCII without
 * '"' or '\\', made by the program; not checked): quoted as it is. */
void json_str_plain(struct json *j, const char *s, size_t n);
/* A value written as it is: a number the caller formatted. */
void json_raw(struct json *j, const char *s, size_t n);
void json_cstr(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* ISO 8601 UTC timestamp with microseconds as a string. */
void json_time(struct json *j, int64_t sec, long usec);

/* What json_time() writes for a time in the years 1970 to 9999 with usec
 * in 0..999999 ("2024-01-01T00:00:00.000374Z", 27 bytes and a NUL), as
 * gmtime_r() and snprintf() would: its length, or 0 for any other time
 * (the caller formats it the slow way).  No locks, no locale. */
#define JSON_TIME_MAX 28
size_t json_fmt_time(char out[JSON_TIME_MAX], int64_t sec, long usec);
/* v in decimal and a NUL; returns its length. */
#define JSON_U64_MAX 21
size_t json_fmt_u64(char out[JSON_U64_MAX], uint64_t v);

/* Key/value shorthands. */
void json_kstr(struct json *j, const char *k, const char *s, size_t n);
void json_kcstr(struct json *j, const char *k, const char *s);
void json_ku64(struct json *j, const char *k, uint64_t v);

/* Length of the valid UTF-8 sequence (RFC 3629) at s, or 0 for a byte
 * that is not one.  Shared with the syslog output so both replace the same
 * bytes. */
size_t json_utf8_len(const unsigned char *s, const unsigned char *end);

/* Writes the buffer and a newline to f.  Returns 0 or -1 (errno set). */
int json_write_line(struct json *j, FILE *f);

#endif
