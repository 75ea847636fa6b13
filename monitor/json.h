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

void json_str(struct json *j, const char *s, size_t n);
void json_cstr(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* ISO 8601 UTC timestamp with microseconds as a string. */
void json_time(struct json *j, int64_t sec, long usec);

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
