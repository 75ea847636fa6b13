/*
 * sip.c - zero-copy SIP message parser, see sip.h.
 *
 * One forward pass over the start line and the header block: one walk
 * over their LFs, 64 bytes a step (scan_lf_next()), finds line ends, a
 * 256-entry class table decides token bytes, header names go through one
 * {name, compact form, id} table.  Every read is bounded by
 * pointer comparisons against the end of the input; nothing is written to
 * the input and nothing is allocated.
 *
 * Framing limits belong to the caller: in stream mode a Content-Length
 * larger than what is buffered returns -2 however large it is, and the TCP
 * framer decides when to give up (SIP_MAX_MSG).  The parser never waits for
 * more than the message itself declares.
 */
#include "sip.h"

#include <limits.h>
#include <string.h>

#include "scan.h"

/*
 * Junk before the start line is searched for a start line only on lines
 * that begin within this many bytes of the first non-CRLF byte, so a
 * stream of garbage costs a bounded scan and then -1.
 */
#define SIP_JUNK_WINDOW 512
/* sip_sniff() never looks further than this. */
#define SIP_SNIFF_WINDOW 8192
/* sip_parse() returns an int: inputs are parsed up to this many bytes. */
#define SIP_PARSE_MAX_INPUT ((size_t)INT_MAX)

/* ---- byte classes (RFC 3261 section 25.1) ---- */

enum { C_TOK = 1, C_DIG = 2, C_WSP = 4, C_LWS = 8 };
#define T_ C_TOK
#define D_ (C_TOK | C_DIG)
#define W_ (C_WSP | C_LWS)
#define L_ C_LWS

/* token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" /
 * "'" / "~"); WSP = SP / HTAB; LWS as is_lws() has it, CR and LF too.
 * Bytes 0x80-0xff are in no class. */
static const uint8_t cls[256] = {
	/* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, W_, L_, 0, 0, L_, 0, 0,
	/* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x20  SP ! " # $ % & ' ( ) * + , - . / */
	W_, T_, 0, 0, 0, T_, 0, T_, 0, 0, T_, T_, 0, T_, T_, 0,
	/* 0x30  0-9 : ; < = > ? */
	D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, 0, 0, 0, 0, 0, 0,
	/* 0x40  @ A-O */
	0, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
	/* 0x50  P-Z [ \ ] ^ _ */
	T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, 0, 0, 0, 0, T_,
	/* 0x60  ` a-o */
	T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_,
	/* 0x70  p-z { | } ~ DEL */
	T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, T_, 0, 0, 0, T_, 0,
};
#undef T_
#undef D_
#undef W_
#undef L_

static inline int
is_tok(char c)
{
	return cls[(unsigned char)c] & C_TOK;
}

static inline int
is_dig(char c)
{
	return cls[(unsigned char)c] & C_DIG;
}

static inline int
is_wsp(char c)
{
	return cls[(unsigned char)c] & C_WSP;
}

/* LWS as consumers see it: a folded line keeps its CRLF inside a value. */
static inline int
is_lws(char c)
{
	return cls[(unsigned char)c] & C_LWS;
}

static inline unsigned char
lower(char c)
{
	unsigned char u = (unsigned char)c;
	return (u >= 'A' && u <= 'Z') ? (unsigned char)(u + 32) : u;
}

/* Each byte of w lower-cased, ASCII only: 'A'..'Z' gain 0x20. */
static inline uint64_t
lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t h = w & (0x7f * ones);
	uint64_t ge_a = h + (0x80 - 'A') * ones; /* bit 7 set where >= 'A' */
	uint64_t gt_z = h + (0x7f - 'Z') * ones; /* bit 7 set where > 'Z' */
	return w | (((ge_a & ~gt_z & ~w) & (0x80 * ones)) >> 2);
}

/*
 * "SIP/" and "SIP/2.0" in any case, compared as one word: OR 0x20 maps
 * only 'A'..'Z' onto 'a'..'z', so it is applied to the three letters and
 * the other bytes compare as they are.
 */
static const char sip20_low[8] = "sip/2.0", sip_fold[8] = { 0x20, 0x20, 0x20 };

/* 1 if [p, e) starts with "SIP/". */
HOT int
starts_sip(const char *p, const char *e)
{
	uint32_t w, l, f;

	if (p > e || e - p < 4)
		return 0;
	memcpy(&w, p, 4);
	memcpy(&l, sip20_low, 4);
	memcpy(&f, sip_fold, 4);
	return (w | f) == l;
}

/* 1 if the 7 bytes at p are "SIP/2.0", the version nearly every start
 * line has: two overlapping 4-byte words, "SIP/" and "/2.0". */
HOT int
is_sip20(const char *p)
{
	uint32_t a, b, la, lb, f;

	memcpy(&a, p, 4);
	memcpy(&b, p + 3, 4);
	memcpy(&la, sip20_low, 4);
	memcpy(&lb, sip20_low + 3, 4);
	memcpy(&f, sip_fold, 4);
	return ((a | f) == la) & (b == lb);
}

HOT const char *
skip_wsp(const char *p, const char *e)
{
	while (p < e && is_wsp(*p))
		p++;
	return p;
}

HOT const char *
skip_tok(const char *p, const char *e)
{
	return scan_cls(p, e, cls, C_TOK);
}

/* span_trim() of [s, e), through the class table. */
HOT struct span
trim_lws(const char *s, const char *e)
{
	while (s < e && is_lws(*s))
		s++;
	while (e > s && is_lws(e[-1]))
		e--;
	return span_make(s, e);
}

/*
 * trim_lws() of a header value [s, e) where *e is the CR or LF that ends
 * its line (so readable, and LWS): most values follow exactly one SP and
 * end right before the CR, which three byte tests settle.
 */
HOT struct span
trim_value(const char *s, const char *e)
{
	/* s[1] is readable: *s is SP, so s < e. */
	if (*s == ' ' && !is_lws(s[1]) && !is_lws(e[-1]))
		return span_make(s + 1, e);
	return trim_lws(s, e);
}

HOT const char *
rtrim_wsp(const char *s, const char *e)
{
	while (e > s && is_wsp(e[-1]))
		e--;
	return e;
}

/* memcmp() == 0 for the few bytes of a method name, without the call. */
HOT int
same_bytes(const char *a, const char *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* ---- methods ---- */

/* NUL-padded to whole words, which method_id() compares. */
#define METHOD_WORDS 16
static const char method_names[SIP_M__COUNT][METHOD_WORDS] = {
	[SIP_M_NONE] = "",
#define SIP_M_NAME(n) [SIP_M_##n] = #n,
	SIP_METHOD_LIST(SIP_M_NAME)
#undef SIP_M_NAME
	[SIP_M_OTHER] = "OTHER",
};

/*
 * Methods by length and first letter (its low five bits): no two share
 * both, so a lookup compares one name.  sip_test.c checks that every
 * method is found.
 */
#define METHOD_MAX_LEN 9
#define MI(len, c, m) [len][(c) & 31] = SIP_M_##m
static const uint8_t method_idx[METHOD_MAX_LEN + 1][32] = {
	MI(6, 'I', INVITE), MI(3, 'A', ACK), MI(3, 'B', BYE),
	MI(6, 'C', CANCEL), MI(8, 'R', REGISTER), MI(7, 'O', OPTIONS),
	MI(5, 'P', PRACK), MI(9, 'S', SUBSCRIBE), MI(6, 'N', NOTIFY),
	MI(7, 'P', PUBLISH), MI(4, 'I', INFO), MI(5, 'R', REFER),
	MI(7, 'M', MESSAGE), MI(6, 'U', UPDATE),
};
#undef MI

const char *
sip_method_name(enum sip_method m)
{
	return (unsigned)m < SIP_M__COUNT ? method_names[m] : "";
}

enum sip_method
sip_method_lookup(struct span tok)
{
	/* RFC 3261 section 7.1: the method name is case-sensitive. */
	if (tok.p == NULL || tok.len == 0 || tok.len > METHOD_MAX_LEN)
		return SIP_M_OTHER;
	unsigned m = method_idx[tok.len][tok.p[0] & 31];
	if (m == SIP_M_NONE)
		return SIP_M_OTHER;
	return same_bytes(method_names[m], tok.p, tok.len) ? (enum sip_method)m :
	    SIP_M_OTHER;
}

/* ---- headers ---- */

/* Names are NUL-padded to whole 8-byte words for hdr_eq() and hdr_ieq(). */
#define HDR_MAX_NAME 19
#define HDR_NAME_BUF 24
/*
 * 64 bytes an entry, so that finding one is a shift.  head, mask and
 * tail let guess_is() confirm a name and the ':' after it with two or
 * three word compares (see there).
 */
struct hdr_def {
	_Alignas(64) char name[HDR_NAME_BUF];
	uint64_t head; /* the first 8 bytes of "name:", NULs after the ':' */
	uint64_t mask; /* of head's bytes up to and with the ':' */
	uint64_t tail; /* the 8 bytes that end with the ':' (len >= 8) */
	char compact;  /* lower case, 0 when none */
	uint8_t len;   /* of name */
};
/* Byte i of the string literal s followed by ':' and NULs, as a word's
 * byte (the index is clamped so that even a branch not taken stays inside
 * the literal). */
#define HB(s, i)                                                               \
	((i) + 1 < sizeof(s) ?                                                 \
		(uint64_t)(unsigned char)(s)[(i) < sizeof(s) ? (i) : 0] :      \
		(i) + 1 == sizeof(s) ? (uint64_t)':' : 0)
/* The little-endian word of bytes o..o+7 of "s:". */
#define HW(s, o)                                                               \
	(HB(s, (o)) | HB(s, (o) + 1) << 8 | HB(s, (o) + 2) << 16 |             \
	    HB(s, (o) + 3) << 24 | HB(s, (o) + 4) << 32 | HB(s, (o) + 5) << 40 | \
	    HB(s, (o) + 6) << 48 | HB(s, (o) + 7) << 56)
#define HD(s, compact)                                                         \
	{ s, HW(s, 0), ~0ull >> (8 * (8 - (sizeof(s) < 8 ? sizeof(s) : 8))),    \
	    sizeof(s) > 8 ? HW(s, sizeof(s) - 8) : 0, compact,                  \
	    sizeof(s) - 1 }

/* Compact forms: RFC 3261 section 7.3.3 (i f t m l v s k c e) and the IANA
 * registry (o RFC 6665, u RFC 6665, r RFC 3515, x RFC 4028, y RFC 8224,
 * b RFC 3892). */
static const struct hdr_def hdr_tab[SIP_H__COUNT] = {
	[SIP_H_OTHER] = HD("", 0),
	[SIP_H_VIA] = HD("Via", 'v'),
	[SIP_H_FROM] = HD("From", 'f'),
	[SIP_H_TO] = HD("To", 't'),
	[SIP_H_CALL_ID] = HD("Call-ID", 'i'),
	[SIP_H_CSEQ] = HD("CSeq", 0),
	[SIP_H_CONTACT] = HD("Contact", 'm'),
	[SIP_H_MAX_FORWARDS] = HD("Max-Forwards", 0),
	[SIP_H_CONTENT_LENGTH] = HD("Content-Length", 'l'),
	[SIP_H_CONTENT_TYPE] = HD("Content-Type", 'c'),
	[SIP_H_CONTENT_ENCODING] = HD("Content-Encoding", 'e'),
	[SIP_H_USER_AGENT] = HD("User-Agent", 0),
	[SIP_H_SERVER] = HD("Server", 0),
	[SIP_H_EXPIRES] = HD("Expires", 0),
	[SIP_H_AUTHORIZATION] = HD("Authorization", 0),
	[SIP_H_PROXY_AUTHORIZATION] = HD("Proxy-Authorization", 0),
	[SIP_H_WWW_AUTHENTICATE] = HD("WWW-Authenticate", 0),
	[SIP_H_PROXY_AUTHENTICATE] = HD("Proxy-Authenticate", 0),
	[SIP_H_SUBJECT] = HD("Subject", 's'),
	[SIP_H_SUPPORTED] = HD("Supported", 'k'),
	[SIP_H_EVENT] = HD("Event", 'o'),
	[SIP_H_ALLOW_EVENTS] = HD("Allow-Events", 'u'),
	[SIP_H_REFER_TO] = HD("Refer-To", 'r'),
	[SIP_H_REFERRED_BY] = HD("Referred-By", 'b'),
	[SIP_H_SESSION_EXPIRES] = HD("Session-Expires", 'x'),
	[SIP_H_IDENTITY] = HD("Identity", 'y'),
	[SIP_H_ROUTE] = HD("Route", 0),
	[SIP_H_RECORD_ROUTE] = HD("Record-Route", 0),
	[SIP_H_ALLOW] = HD("Allow", 0),
	[SIP_H_REQUIRE] = HD("Require", 0),
	[SIP_H_MIME_VERSION] = HD("MIME-Version", 0),
};
#undef HD
#undef HW
#undef HB

/*
 * The name a line most likely starts with, guessed from its first two
 * bytes as most senders write them (hdr_tab's spelling) by a multiplicative
 * hash into 64 slots where no two of those prefixes collide; up to two
 * names a slot, the more common first where names share a prefix
 * (Content-Length and Contact; Content-Type is left to the general path).
 * A guess is confirmed by comparing the name and the ':' right after it,
 * so neither the ':' nor the name's end needs a search; a wrong or absent
 * guess costs those compares and takes the general path.  The table can
 * make a line dearer or cheaper, never change its result.  The slot
 * formula is in sip.h; sip_test.c checks this table against hdr_tab, so a
 * name added to one and not the other fails a test.
 */
const uint8_t sip_hdr_guess[1u << SIP_HDR_GUESS_BITS][2] = {
	[1] = { SIP_H_CSEQ }, /* "CS" */
	[2] = { SIP_H_TO }, /* "To" */
	[3] = { SIP_H_WWW_AUTHENTICATE }, /* "WW" */
	[4] = { SIP_H_IDENTITY }, /* "Id" */
	[7] = { SIP_H_AUTHORIZATION }, /* "Au" */
	[11] = { SIP_H_CALL_ID }, /* "Ca" */
	[12] = { SIP_H_MIME_VERSION }, /* "MI" */
	[13] = { SIP_H_PROXY_AUTHORIZATION, SIP_H_PROXY_AUTHENTICATE }, /* "Pr" */
	[14] = { SIP_H_USER_AGENT }, /* "Us" */
	[16] = { SIP_H_VIA }, /* "Vi" */
	[21] = { SIP_H_CONTENT_LENGTH, SIP_H_CONTACT }, /* "Co" */
	[22] = { SIP_H_RECORD_ROUTE, SIP_H_REQUIRE }, /* "Re" */
	[25] = { SIP_H_SUPPORTED, SIP_H_SUBJECT }, /* "Su" */
	[32] = { SIP_H_FROM }, /* "Fr" */
	[35] = { SIP_H_EVENT }, /* "Ev" */
	[46] = { SIP_H_ALLOW, SIP_H_ALLOW_EVENTS }, /* "Al" */
	[55] = { SIP_H_EXPIRES }, /* "Ex" */
	[56] = { SIP_H_MAX_FORWARDS }, /* "Ma" */
	[57] = { SIP_H_ROUTE }, /* "Ro" */
	[59] = { SIP_H_SERVER, SIP_H_SESSION_EXPIRES }, /* "Se" */
};

/* Compact form byte (either case) -> id. */
static const uint8_t hdr_compact[256] = {
#define C2(ch, id) [ch] = id, [ch - 32] = id,
	C2('v', SIP_H_VIA) C2('f', SIP_H_FROM) C2('t', SIP_H_TO)
	C2('i', SIP_H_CALL_ID) C2('m', SIP_H_CONTACT)
	C2('l', SIP_H_CONTENT_LENGTH) C2('c', SIP_H_CONTENT_TYPE)
	C2('e', SIP_H_CONTENT_ENCODING) C2('s', SIP_H_SUBJECT)
	C2('k', SIP_H_SUPPORTED) C2('o', SIP_H_EVENT)
	C2('u', SIP_H_ALLOW_EVENTS) C2('r', SIP_H_REFER_TO)
	C2('b', SIP_H_REFERRED_BY) C2('x', SIP_H_SESSION_EXPIRES)
	C2('y', SIP_H_IDENTITY)
#undef C2
};

/*
 * Full names by length and second letter (either case: the index is the
 * letter's low five bits).  No two names share both, so a lookup compares
 * one name.  sip_test.c checks that every name in hdr_tab is found through
 * this index.
 */
#define HI(len, c, id) [len][(c) & 31] = id
static const uint8_t hdr_idx[HDR_MAX_NAME + 1][32] = {
	HI(2, 'o', SIP_H_TO),
	HI(3, 'i', SIP_H_VIA),
	HI(4, 'r', SIP_H_FROM),
	HI(4, 's', SIP_H_CSEQ),
	HI(5, 'v', SIP_H_EVENT),
	HI(5, 'o', SIP_H_ROUTE),
	HI(5, 'l', SIP_H_ALLOW),
	HI(6, 'e', SIP_H_SERVER),
	HI(7, 'a', SIP_H_CALL_ID),
	HI(7, 'o', SIP_H_CONTACT),
	HI(7, 'x', SIP_H_EXPIRES),
	HI(7, 'u', SIP_H_SUBJECT),
	HI(7, 'e', SIP_H_REQUIRE),
	HI(8, 'e', SIP_H_REFER_TO),
	HI(8, 'd', SIP_H_IDENTITY),
	HI(9, 'u', SIP_H_SUPPORTED),
	HI(10, 's', SIP_H_USER_AGENT),
	HI(11, 'e', SIP_H_REFERRED_BY),
	HI(12, 'a', SIP_H_MAX_FORWARDS),
	HI(12, 'i', SIP_H_MIME_VERSION),
	HI(12, 'o', SIP_H_CONTENT_TYPE),
	HI(12, 'l', SIP_H_ALLOW_EVENTS),
	HI(12, 'e', SIP_H_RECORD_ROUTE),
	HI(13, 'u', SIP_H_AUTHORIZATION),
	HI(14, 'o', SIP_H_CONTENT_LENGTH),
	HI(15, 'e', SIP_H_SESSION_EXPIRES),
	HI(16, 'o', SIP_H_CONTENT_ENCODING),
	HI(16, 'w', SIP_H_WWW_AUTHENTICATE),
	HI(18, 'r', SIP_H_PROXY_AUTHENTICATE),
	HI(19, 'r', SIP_H_PROXY_AUTHORIZATION),
};
#undef HI

const char *
sip_hdr_name(enum sip_hdr_id id)
{
	return (unsigned)id < SIP_H__COUNT ? hdr_tab[id].name : "";
}


/* Mask of the first r (< 8) bytes of a word read from memory (little-endian:
 * the low ones); a table costs less than the shift that makes it. */
static const uint64_t first_bytes[8] = {
	0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff,
	0xffffffffffffff,
};

/* The k-th 8-byte word of the len-byte name at p, NULs past len. */
static inline uint64_t
name_word(const char *p, uint32_t len, uint32_t k)
{
	uint64_t w;
	uint32_t r = len - 8 * k;
	memcpy(&w, p + 8 * k, 8);
	return r >= 8 ? w : w & first_bytes[r];
}

/* 1 if the n bytes at a and at b, both in an input ending at end, are the
 * same: one word compare for a method name. */
HOT int
same_span(const char *a, const char *b, uint32_t n, const char *end)
{
	if (n < 8 && end - a >= 8 && end - b >= 8)
		return name_word(a, n, 0) == name_word(b, n, 0);
	return memcmp(a, b, n) == 0;
}

/* sip_method_lookup() of the len bytes at p, [p, end) readable: a method
 * of up to 8 bytes compares as one word. */
HOT enum sip_method
method_id(const char *p, uint32_t len, const char *end)
{
	if (len - 1 < 8 && end - p >= 8) {
		unsigned m = method_idx[len][p[0] & 31];
		uint64_t w;
		memcpy(&w, method_names[m], 8);
		return m != SIP_M_NONE && name_word(p, len, 0) == w ? (enum sip_method)m :
		    SIP_M_OTHER;
	}
	return sip_method_lookup(span_make(p, p + len));
}

/*
 * hdr_eq(): 1 if the len (2..HDR_MAX_NAME) bytes at p are canonical name
 * n as written; hdr_ieq(): in any case.  Both compare 8 bytes at a time, so
 * p must be readable up to the next multiple of 8 bytes.  Canonical names
 * are NUL-padded and hold only letters and '-', which OR 0x20 lower-cases;
 * the input is lower-cased exactly.  hdr_eq() compares a name of 8 bytes
 * or more as its first, last and (past 16) middle 8 bytes, the words
 * overlapping: no masks.
 */
static inline int
hdr_eq(const char *p, uint32_t len, const char *n)
{
	uint64_t a, b;
	memcpy(&b, n, 8);
	if (len < 8)
		return name_word(p, len, 0) == b;
	memcpy(&a, p, 8);
	if (a != b)
		return 0;
	memcpy(&a, p + len - 8, 8);
	memcpy(&b, n + len - 8, 8);
	if (a != b)
		return 0;
	if (len <= 16)
		return 1;
	memcpy(&a, p + 8, 8);
	memcpy(&b, n + 8, 8);
	return a == b;
}

/* Out of line: it is rarely needed, and hdr_lookup() stays small enough
 * to inline into the header loop. */
static __attribute__((noinline)) int
hdr_ieq(const char *p, uint32_t len, const char *n)
{
	for (uint32_t k = 0; 8 * k < len; k++) {
		uint64_t b, m = ~0ull;
		memcpy(&b, n + 8 * k, 8);
		if (len - 8 * k < 8)
			m >>= 64 - 8 * (len - 8 * k);
		if (lower8(name_word(p, len, k)) != (b | (0x2020202020202020ull & m)))
			return 0;
	}
	return 1;
}

/* hdr_lookup() of a full name, 2..HDR_MAX_NAME bytes. */
static inline enum sip_hdr_id
hdr_lookup_full(const char *p, uint32_t len)
{
	unsigned id = hdr_idx[len][p[1] & 31];
	/* Most senders write the canonical spelling. */
	if (id == SIP_H_OTHER || hdr_eq(p, len, hdr_tab[id].name) ||
	    hdr_ieq(p, len, hdr_tab[id].name))
		return (enum sip_hdr_id)id;
	return SIP_H_OTHER;
}

/* sip_hdr_lookup() for a name of 1..HDR_MAX_NAME bytes at p, readable up
 * to the next multiple of 8 bytes. */
static inline enum sip_hdr_id
hdr_lookup(const char *p, uint32_t len)
{
	/* RFC 3261 section 7.3.1: field names are case-insensitive. */
	if (len == 1)
		return (enum sip_hdr_id)hdr_compact[(unsigned char)*p];
	return hdr_lookup_full(p, len);
}

enum sip_hdr_id
sip_hdr_lookup(struct span name)
{
	char buf[HDR_NAME_BUF] = { 0 };

	if (name.p == NULL || name.len == 0 || name.len > HDR_MAX_NAME)
		return SIP_H_OTHER;
	memcpy(buf, name.p, name.len);
	return hdr_lookup(buf, name.len);
}

/* Id of the header name [p, ne), the input ending at end.  hdr_lookup()
 * reads whole words: near the end, sip_hdr_lookup() copies the name. */
HOT unsigned
name_id(const char *p, const char *ne, const char *end)
{
	uint32_t len = (uint32_t)(ne - p);

	/* The usual case in one test: a full name, far enough from the end
	 * for any name's words. */
	if (len - 2 <= HDR_MAX_NAME - 2 && end - p >= HDR_NAME_BUF)
		return (unsigned)hdr_lookup_full(p, len);
	if (len == 0 || len > HDR_MAX_NAME)
		return SIP_H_OTHER;
	if ((uint32_t)(end - p) >= ((len + 7) & ~7u))
		return (unsigned)hdr_lookup(p, len);
	return (unsigned)sip_hdr_lookup(span_make(p, ne));
}

/*
 * 1 if the line [p, p + n) starts with hdr_tab[id]'s name as spelled
 * there and a ':'.  [p, p + 8) must be readable.  A name shorter than 8
 * bytes and its ':' are one masked word: when they match, no LF is among
 * them, so the line is longer.  A longer name is its first 8 bytes, then
 * (inside the line) the 8 that end with the ':', and past 15 bytes the
 * 8 between.
 */
HOT int
guess_is(const char *p, size_t n, unsigned id)
{
	const struct hdr_def *h = &hdr_tab[id];
	uint64_t w, b;
	memcpy(&w, p, 8);
	if ((w & h->mask) != h->head)
		return 0;
	if (h->len < 8)
		return 1;
	if (n <= h->len)
		return 0;
	memcpy(&w, p + h->len - 7, 8);
	if (w != h->tail)
		return 0;
	if (h->len < 16)
		return 1;
	memcpy(&w, p + 8, 8);
	memcpy(&b, h->name + 8, 8);
	return w == b;
}

/* The id of the known header whose name, as hdr_tab spells it, and a ':'
 * begin the line [p, lf), when sip_hdr_guess guesses it; else SIP_H_OTHER.
 * [p, p + 8) must be readable. */
HOT unsigned
guess_name(const char *p, const char *lf)
{
	uint16_t w;
	memcpy(&w, p, 2);
	uint32_t slot = (uint32_t)(w * SIP_HDR_GUESS_MUL) >> (32 - SIP_HDR_GUESS_BITS);
	const uint8_t *g = sip_hdr_guess[slot];
	size_t n = (size_t)(lf - p);
	/* Slot 1 is used only after slot 0. */
	if (g[0] == SIP_H_OTHER)
		return SIP_H_OTHER;
	if (guess_is(p, n, g[0]))
		return g[0];
	if (g[1] != SIP_H_OTHER && guess_is(p, n, g[1]))
		return g[1];
	return SIP_H_OTHER;
}

int
sip_list_next(struct span value, uint32_t *pos, struct span *elem)
{
	*elem = SPAN_NULL;
	if (value.p == NULL || *pos >= value.len)
		return 0;
	const char *p = value.p + *pos, *e = value.p + value.len;
	while (p < e && (is_lws(*p) || *p == ','))
		p++;
	if (p == e) {
		*pos = value.len;
		return 0;
	}
	const char *s = p;
	int quoted = 0, angle = 0;
	/* RFC 3261 section 7.3.1: commas separate elements except inside a
	 * quoted-string (with quoted-pair escapes) or a <URI>. */
	for (; p < e; p++) {
		/* The bytes that matter when splitting a list. */
		p = scan_any5_lo(value.p, p, e, '"', '\\', '<', '>', ',');
		if (p == e)
			break;
		char c = *p;
		if (quoted) {
			if (c == '\\' && p + 1 < e)
				p++;
			else if (c == '"')
				quoted = 0;
		} else if (c == '"') {
			quoted = 1;
		} else if (c == '<') {
			angle = 1;
		} else if (c == '>') {
			angle = 0;
		} else if (c == ',' && !angle) {
			break;
		}
	}
	*elem = trim_lws(s, p);
	*pos = (uint32_t)(p - value.p) + (p < e ? 1u : 0u);
	return 1;
}

void
sip_limits_default(struct sip_limits *lim)
{
	lim->max_uri = SIP_DEF_MAX_URI;
	lim->max_call_id = SIP_DEF_MAX_CALL_ID;
	lim->max_from = SIP_DEF_MAX_FROM;
	lim->max_to = SIP_DEF_MAX_TO;
	lim->max_contact = SIP_DEF_MAX_CONTACT;
	lim->max_via = SIP_DEF_MAX_VIA;
	lim->max_cseq_method = SIP_DEF_MAX_CSEQ_METHOD;
	lim->max_body = SIP_DEF_MAX_BODY;
}

static const struct sip_limits default_limits = {
	SIP_DEF_MAX_URI, SIP_DEF_MAX_CALL_ID, SIP_DEF_MAX_FROM, SIP_DEF_MAX_TO,
	SIP_DEF_MAX_CONTACT, SIP_DEF_MAX_VIA, SIP_DEF_MAX_CSEQ_METHOD,
	SIP_DEF_MAX_BODY,
};

/* ---- start line ---- */

#define A(x) SIP_A_BIT(SIP_A_##x)

/* Start of the last word of [s, e), e not after WSP: s when it is the
 * only word.  The last word of a request line is mostly "SIP/2.0". */
HOT const char *
last_word(const char *s, const char *e)
{
	if (e - s > 7 && is_wsp(e[-8]) && is_sip20(e - 7))
		return e - 7;
	while (e > s && !is_wsp(e[-1]))
		e--;
	return e;
}

/* 1 if [s, e) starts with the word "SIP/2.0" (any case) and SP/HTAB: the
 * common first word of a status line, and a protocol version. */
HOT int
sip20_word(const char *s, const char *e)
{
	return e - s > 7 && is_wsp(s[7]) && is_sip20(s);
}

/* First SP/HTAB in [p, e), else e. */
HOT const char *
to_wsp(const char *p, const char *e)
{
	return scan_to_cls(p, e, cls, C_WSP);
}

/* 1 if [s, e) could still become "SIP/..." (a prefix of it, or longer). */
static int
ver_compat(const char *s, const char *e)
{
	static const char sip[] = "SIP/";
	for (int i = 0; i < 4; i++, s++) {
		if (s >= e)
			return 1;
		if (lower(*s) != lower(sip[i]))
			return 0;
	}
	return 1;
}

/* 1 if [s, e) is NAME "/" 1*DIGIT "." 1*DIGIT, a protocol version. */
HOT int
is_proto_ver(const char *s, const char *e)
{
	const char *p = s;
	while (p < e && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		p++;
	if (p == s || p >= e || *p != '/')
		return 0;
	const char *d = ++p;
	while (p < e && is_dig(*p))
		p++;
	if (p == d || p >= e || *p != '.')
		return 0;
	d = ++p;
	while (p < e && is_dig(*p))
		p++;
	return p > d && p == e;
}

/* RFC 3261 section 7.1: "SIP/2.0", matched case-insensitively. */
HOT void
check_version(struct sip_msg *m, const char *s, const char *e)
{
	m->version = span_make(s, e);
	if (!(e - s == 7 && is_sip20(s)))
		m->anomalies |= A(BAD_VERSION);
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (section 7.2).
 * [s, e) starts with "SIP/". */
HOT void
parse_status(struct sip_msg *m, const char *s, const char *e)
{
	const char *p;
	if (sip20_word(s, e)) {
		p = s + 7;
		m->version = span_make(s, p);
	} else {
		p = to_wsp(s, e);
		check_version(m, s, p);
	}
	p = skip_wsp(p, e);
	const char *d = p;
	uint32_t code = 0;
	while (p < e && is_dig(*p) && p - d < 4)
		code = code * 10 + (uint32_t)(*p++ - '0');
	if (p - d != 3 || (p < e && !is_wsp(*p)) || code < 100 || code > 699)
		m->anomalies |= A(BAD_STATUS);
	if (p - d == 3)
		m->status = (uint16_t)code; /* kept even when out of range */
	while (p < e && !is_wsp(*p))
		p++;
	p = skip_wsp(p, e);
	m->reason = span_make(p, rtrim_wsp(p, e));
	m->is_request = 0;
	m->method = SIP_M_NONE;
}

enum line_kind { L_NONE, L_START, L_FOREIGN };

/*
 * Request-Line = Method SP Request-URI SP SIP-Version (section 7.1), read
 * from both ends: the version is the last word, the method the first.  Runs
 * of SP/HTAB are tolerated and a Request-URI containing spaces is kept whole
 * (the URI parser reports it).  When the first word is not a token, the
 * line may be junk followed by a request: a known method at the end of the
 * first word ("\0\0INVITE"), or a token word right before the Request-URI.
 * *start is set to the first byte of the request proper.
 */
HOT enum line_kind
parse_request(struct sip_msg *m, const char *s, const char *w1e, int w1tok,
    const char *e, const char **start)
{
	const char *ve = rtrim_wsp(s, e);
	const char *vs = last_word(s, ve);
	if (vs == s)
		return L_NONE;
	if (!starts_sip(vs, ve))
		return is_proto_ver(vs, ve) ? L_FOREIGN : L_NONE;

	/* The first word ends before the last one begins (vs > s). */
	const char *ms = s, *me = w1e;
	int bad = 0;
	if (!w1tok) {
		const char *ts = w1e;
		while (ts > s && is_tok(ts[-1]))
			ts--;
		if (ts < w1e && sip_method_lookup(span_make(ts, w1e)) != SIP_M_OTHER) {
			ms = ts;
		} else {
			const char *ue = rtrim_wsp(w1e, vs);
			const char *us = ue;
			while (us > w1e && !is_wsp(us[-1]))
				us--;
			const char *te = rtrim_wsp(w1e, us);
			const char *tb = te;
			while (tb > w1e && is_tok(tb[-1]))
				tb--;
			if (te > w1e && tb < te) {
				ms = tb;
				me = te;
			} else {
				bad = 1;
			}
		}
	}
	*start = ms;
	m->is_request = 1;
	m->method_tok = span_make(ms, me);
	if (bad) {
		m->method = SIP_M_OTHER;
		m->anomalies |= A(BAD_METHOD);
	} else {
		m->method = (uint16_t)method_id(ms, m->method_tok.len, e);
		if (m->method == SIP_M_OTHER)
			m->anomalies |= A(UNKNOWN_METHOD);
	}
	const char *us = skip_wsp(me, vs);
	m->ruri = span_make(us, rtrim_wsp(us, vs));
	check_version(m, vs, ve);
	return L_START;
}

/* Classifies one line [s, e) (no line end) and fills the start-line fields
 * of m when it is, or contains after junk, a SIP start line. */
HOT enum line_kind
parse_start_line(struct sip_msg *m, const char *s, const char *e, const char **start)
{
	if (starts_sip(s, e)) {
		*start = s;
		parse_status(m, s, e);
		return L_START;
	}
	/* A first word of token bytes (a method) has no '/': it cannot be
	 * a protocol version. */
	const char *w1e = skip_tok(s, e);
	int w1tok = w1e > s && (w1e == e || is_wsp(*w1e));
	if (!w1tok) {
		while (w1e < e && !is_wsp(*w1e))
			w1e++;
		if (is_proto_ver(s, w1e))
			return L_FOREIGN; /* "HTTP/1.1 200 OK", "RTSP/1.0 200 OK" */
	}
	enum line_kind k = parse_request(m, s, w1e, w1tok, e, start);
	if (k != L_NONE)
		return k;
	/* Junk then a status line on the same line. */
	const char *v = memmem(s, (size_t)(e - s), "SIP/2.0 ", 8);
	if (v != NULL && e - v >= 11 && is_dig(v[8]) && is_dig(v[9]) && is_dig(v[10])) {
		*start = v;
		parse_status(m, v, e);
		return L_START;
	}
	return L_NONE;
}

/*
 * 1 if the unterminated line [s, e) may still grow into a start line, so a
 * buffer ending inside it is incomplete rather than not SIP.
 */
static int
could_start(const char *s, const char *e)
{
	const char *w1e = s;
	while (w1e < e && !is_wsp(*w1e))
		w1e++;
	if (ver_compat(s, w1e))
		return 1;
	if (w1e == s || skip_tok(s, w1e) != w1e)
		return 0;
	const char *p = skip_wsp(w1e, e);
	if (p == e)
		return 1;
	while (p < e && !is_wsp(*p))
		p++; /* the Request-URI so far */
	if (skip_wsp(p, e) == e)
		return 1;
	const char *le = e;
	while (le > p && (is_wsp(le[-1]) || le[-1] == '\r'))
		le--;
	const char *ls = le;
	while (ls > p && !is_wsp(ls[-1]))
		ls--;
	return ver_compat(ls, le);
}

/* ---- header values (message-level checks only; sip_values.h parses) ---- */

HOT void
check_len(struct sip_msg *m, struct span v, uint32_t max, unsigned empty, unsigned lng)
{
	if (v.len == 0)
		m->anomalies |= SIP_A_BIT(empty);
	else if (v.len > max)
		m->anomalies |= SIP_A_BIT(lng);
}

/* Digits, any number of leading zeros, in a header value (trimmed of
 * LWS already); -1 when the value is not a number or exceeds UINT32_MAX. */
HOT int
parse_u32(struct span v, uint32_t *out)
{
	const char *p = v.p, *e = v.p + v.len;
	if (p == e)
		return -1;
	uint64_t n = 0;
	for (; p < e; p++) {
		if (!is_dig(*p))
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

/* CSeq = 1*DIGIT LWS Method (section 20.16); the number must fit 32 bits
 * (section 8.1.1.5).  Sets *meth to the method token when well formed,
 * and m->cseq_ok as sip.h has it. */
HOT void
check_cseq(struct sip_msg *m, struct span v, const struct sip_limits *lim, struct span *meth)
{
	const char *p = v.p, *e = v.p + v.len;
	const char *d = p;
	uint64_t n = 0;
	unsigned dg;
	while (p < e && (dg = (unsigned char)*p - (unsigned)'0') <= 9 &&
	    n <= UINT32_MAX) {
		n = n * 10 + dg;
		p++;
	}
	const char *ts = p;
	while (ts < e && is_lws(*ts))
		ts++;
	const char *te = skip_tok(ts, e);
	if (p == d || n > UINT32_MAX || ts == p || te == ts || te != e) {
		m->anomalies |= A(BAD_CSEQ);
		return;
	}
	*meth = span_make(ts, te);
	if (p - d <= 10) {
		m->cseq_ok = 1;
		m->cseq = (uint32_t)n;
		m->cseq_method = *meth;
	}
	if (meth->len > lim->max_cseq_method)
		m->anomalies |= A(LONG_CSEQ_METHOD);
}

struct hdr_state {
	struct span cseq_method;
	int cl_ok; /* first Content-Length parsed as a number */
};

HOT void
check_header(struct sip_msg *m, unsigned id, struct span v, const struct sip_limits *lim,
    struct hdr_state *st)
{
	uint32_t n;

	switch (id) {
	case SIP_H_CALL_ID:
		check_len(m, v, lim->max_call_id, SIP_A_EMPTY_CALL_ID, SIP_A_LONG_CALL_ID);
		break;
	case SIP_H_FROM:
		check_len(m, v, lim->max_from, SIP_A_EMPTY_FROM, SIP_A_LONG_FROM);
		break;
	case SIP_H_TO:
		check_len(m, v, lim->max_to, SIP_A_EMPTY_TO, SIP_A_LONG_TO);
		break;
	case SIP_H_VIA:
		check_len(m, v, lim->max_via, SIP_A_EMPTY_VIA, SIP_A_LONG_VIA);
		break;
	case SIP_H_CONTACT:
		check_len(m, v, lim->max_contact, SIP_A_EMPTY_CONTACT, SIP_A_LONG_CONTACT);
		break;
	case SIP_H_CSEQ:
		if (m->count[SIP_H_CSEQ] == 1)
			check_cseq(m, v, lim, &st->cseq_method);
		break;
	case SIP_H_MAX_FORWARDS:
		/* Max-Forwards = 1*DIGIT, an integer in the range 0-255
		 * (section 20.22; RFC 4475 section 3.1.2.4 counts 300 as
		 * out of range). */
		if (parse_u32(v, &n) != 0 || n > 255)
			m->anomalies |= A(BAD_MAX_FORWARDS);
		break;
	case SIP_H_CONTENT_LENGTH:
		/* Section 20.14; a second one is ambiguous framing (request
		 * smuggling), reported and ignored: the first one counts. */
		if (m->count[SIP_H_CONTENT_LENGTH] > 1) {
			m->anomalies |= A(DUP_CL);
			break;
		}
		m->has_content_length = 1;
		if (parse_u32(v, &n) == 0) {
			m->content_length = n;
			st->cl_ok = 1;
		} else {
			m->anomalies |= A(BAD_CL);
		}
		break;
	default:
		break;
	}
}

/* ---- the message ---- */

/* A reset message: all 0, but no first header of any id. */
static const struct sip_msg msg_reset = {
	.first = { [0 ... SIP_H__COUNT - 1] = -1 },
};
_Static_assert(sizeof(struct sip_msg) % 16 == 0,
    "reset_msg() copies 16 bytes a step");

/* *msg = msg_reset in 16-byte stores: as one copy or a memset(), gcc
 * clears the 320 bytes with "rep stos", whose slow start costs more than
 * twenty stores. */
HOT void
reset_msg(struct sip_msg *msg)
{
	char *d = (char *)msg;
#pragma GCC unroll 32
	for (size_t i = 0; i < sizeof(*msg); i += 16)
		memcpy(d + i, (const char *)&msg_reset + i, 16);
}

/* sip_parse(), wide as scan_lf_init() has it. */
static inline __attribute__((always_inline)) int
parse_msg(const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags, int wide)
{
	const int stream = (flags & SIP_PARSE_STREAM) != 0;

	reset_msg(msg);
	msg->headers = hdrs;
	if (lim == NULL)
		lim = &default_limits;
	if (num_hdrs > INT16_MAX)
		num_hdrs = INT16_MAX; /* first[] holds int16_t indexes */
	if (hdrs == NULL)
		num_hdrs = 0;
	if (len > SIP_PARSE_MAX_INPUT)
		len = SIP_PARSE_MAX_INPUT;
	if (buf == NULL || len == 0)
		return -2;

	const char *const end = buf + len;
	const char *p = buf;

	/* RFC 5626 section 4.4.1: CRLF keep-alives between messages. */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	if (p == end)
		return stream ? -2 : -1;

	/*
	 * Find the start line: the first line, or after junk (see sip.h).
	 * One walk takes every LF from here to the end of the header block,
	 * in order, and sees every byte of it for the NUL check at the end.
	 */
	const char *const first = p;
	const char *start = NULL, *lend = NULL;
	struct scan_lf lfs;
	scan_lf_init(&lfs, buf, first, end, wide);
	for (const char *line = first;; ) {
		if (line - first >= SIP_JUNK_WINDOW)
			return -1;
		if (line == end)
			return (stream && end - first < SIP_JUNK_WINDOW) ? -2 : -1;
		const char *lf = scan_lf_next(&lfs);
		if (lf == end) {
			if (could_start(line, end))
				return -2;
			return (stream && end - first < SIP_JUNK_WINDOW) ? -2 : -1;
		}
		const char *le = (lf > line && lf[-1] == '\r') ? lf - 1 : lf;
		enum line_kind k = parse_start_line(msg, line, le, &start);
		if (k == L_FOREIGN)
			return -1;
		if (k == L_START) {
			if (le == lf)
				msg->anomalies |= A(BARE_LF);
			lend = le;
			p = lf + 1;
			break;
		}
		memset(msg, 0, offsetof(struct sip_msg, headers));
		line = lf + 1;
	}
	if (start != first)
		msg->anomalies |= A(JUNK_BEFORE_START);
	msg->skipped = (uint32_t)(start - buf);
	msg->start_line = span_make(start, lend);
	if (msg->is_request) {
		if (msg->ruri.len == 0)
			msg->anomalies |= A(EMPTY_RURI);
		else if (msg->ruri.len > lim->max_uri)
			msg->anomalies |= A(LONG_RURI);
	}

	/* Header fields (section 7.3), up to the empty line. */
	struct hdr_state st = { SPAN_NULL, 0 };
	/* msg->num_headers, stored when the loop ends: a local may stay in
	 * a register. */
	size_t nh = 0;
	if (p >= end)
		return -2;
	/* From here on p < end: each line ends at an LF with a byte after it. */
	for (;;) {
		/* CR and LF are at most '\r': one test lets the usual line,
		 * which starts with a letter, past both checks. */
		if ((unsigned char)*p <= '\r') {
			if (*p == '\n') {
				msg->anomalies |= A(BARE_LF);
				(void)scan_lf_next(&lfs);
				p++;
				break;
			}
			if (*p == '\r') {
				if (end - p < 2)
					goto incomplete;
				if (p[1] == '\n') {
					(void)scan_lf_next(&lfs);
					p += 2;
					break;
				}
			}
		}
		const char *ls = p;
		const char *lf = scan_lf_next(&lfs);
		if (lf == end)
			goto incomplete;
		/* The first ':' before the line end (else the LF), for the
		 * name below: right after the name when it is the one guessed.
		 * The guess reads 8 bytes: a line shorter than that ("l: 0")
		 * takes the general path. */
		unsigned id = lf - p >= 8 ? guess_name(p, lf) : SIP_H_OTHER;
		const char *c = id != SIP_H_OTHER ? p + hdr_tab[id].len :
		    scan_byte_to(p, lf, ':');
		/* A logical line runs to an LF not followed by SP/HTAB
		 * (section 7.3.1 folding); deciding needs the byte after it.
		 * The line end is read once: the anomaly store between two
		 * reads of lf[-1] would make the compiler load it again. */
		const char *le = lf[-1] == '\r' ? lf - 1 : lf;
		if (le == lf)
			msg->anomalies |= A(BARE_LF);
		if (lf + 1 == end) /* lf < end */
			goto incomplete;
		if (is_wsp(lf[1])) {
			/* Folded lines are rare: the loop is entered for them
			 * only, so that what the compiler sets up before a
			 * loop is not set up for every line. */
			do {
				lf = scan_lf_next(&lfs);
				if (lf == end)
					goto incomplete;
				if (lf[-1] != '\r')
					msg->anomalies |= A(BARE_LF);
				if (end - lf < 2)
					goto incomplete;
			} while (is_wsp(lf[1]));
			le = lf[-1] == '\r' ? lf - 1 : lf;
		}
		p = lf + 1;

		/*
		 * A known name is all token bytes, so when the text before the
		 * first ':' is one (WSP may follow it), skip_tok() would stop
		 * where it ends: the name needs no scan of its own.
		 */
		const char *ne = c, *colon = c;
		if (id == SIP_H_OTHER) {
			ne = rtrim_wsp(ls, c);
			id = *c == ':' ? name_id(ls, ne, end) : SIP_H_OTHER;
		}
		if (id == SIP_H_OTHER) {
			ne = skip_tok(ls, le);
			colon = skip_wsp(ne, le);
			if (ne == ls || colon == le || *colon != ':') {
				msg->anomalies |= A(BAD_HEADER);
				continue;
			}
			/* A well-formed name here is [ls, ne) again, which
			 * name_id() found unknown: id stays SIP_H_OTHER. */
		}
		struct span name = span_make(ls, ne);
		struct span value = trim_value(colon + 1, le);
		if (msg->count[id] < UINT16_MAX)
			msg->count[id]++;
		if (nh < num_hdrs) {
			struct sip_header *h = &hdrs[nh];
			h->name = name;
			h->value = value;
			h->id = (uint16_t)id;
			if (msg->first[id] < 0)
				msg->first[id] = (int16_t)nh;
			nh++;
		} else {
			msg->anomalies |= A(TOO_MANY_HEADERS);
		}
		check_header(msg, id, value, lim, &st);
	}
	msg->num_headers = nh;
	const char *body = p;
	if (scan_lf_maybe_nul(&lfs) && memchr(start, '\0', (size_t)(body - start)) != NULL)
		msg->anomalies |= A(NUL_BYTE);

	/* Section 8.1.1 mandatory headers, section 20 singletons.  Most
	 * messages have each once (Via any number of times): no loop then. */
	static const struct { uint8_t id, missing; } required[] = {
		{ SIP_H_CALL_ID, SIP_A_MISSING_CALL_ID },
		{ SIP_H_FROM, SIP_A_MISSING_FROM },
		{ SIP_H_TO, SIP_A_MISSING_TO },
		{ SIP_H_VIA, SIP_A_MISSING_VIA },
		{ SIP_H_CSEQ, SIP_A_MISSING_CSEQ },
	};
	const uint16_t *cnt = msg->count;
	int usual = cnt[SIP_H_CALL_ID] == 1 && cnt[SIP_H_FROM] == 1 &&
	    cnt[SIP_H_TO] == 1 && cnt[SIP_H_CSEQ] == 1 && cnt[SIP_H_VIA] != 0;
	for (size_t i = 0; !usual && i < sizeof(required) / sizeof(required[0]); i++) {
		unsigned c = cnt[required[i].id];
		if (c == 0)
			msg->anomalies |= SIP_A_BIT(required[i].missing);
		else if (c > 1 && required[i].id != SIP_H_VIA)
			msg->anomalies |= A(DUP_SINGLETON);
	}
	/* Section 8.1.1.5: the CSeq method matches the request method, ACK
	 * and CANCEL included. */
	if (msg->is_request && st.cseq_method.p != NULL &&
	    !(st.cseq_method.len == msg->method_tok.len &&
		same_span(st.cseq_method.p, msg->method_tok.p, st.cseq_method.len, end)))
		msg->anomalies |= A(CSEQ_METHOD_MISMATCH);

	/* Body. */
	const size_t avail = (size_t)(end - body);
	const char *bend;
	if (stream) {
		/* Section 18.3: on a stream Content-Length frames the message;
		 * without one (or an unusable one) the body is empty. */
		size_t cl = st.cl_ok ? msg->content_length : 0;
		if (!msg->has_content_length)
			msg->anomalies |= A(NO_CL_STREAM);
		if (avail < cl)
			return -2;
		bend = body + cl;
	} else {
		/* Section 18.3: in a datagram, octets past Content-Length are
		 * discarded; fewer octets than it says is a truncated body. */
		bend = end;
		if (st.cl_ok && msg->content_length != avail) {
			msg->anomalies |= A(CL_MISMATCH);
			if (msg->content_length > avail)
				msg->anomalies |= A(TRUNCATED_BODY);
			else
				bend = body + msg->content_length;
		}
	}
	msg->body = span_make(body, bend);
	if (msg->body.len > lim->max_body)
		msg->anomalies |= A(LONG_BODY);
	msg->raw = span_make(start, bend);
	return (int)((stream ? bend : end) - buf);

incomplete:
	/* The header block goes on past the input. */
	msg->num_headers = nh;
	return -2;
}

/*
 * The walk over line ends is a good part of a message's cost; where the
 * CPU has AVX2 it loads 32 bytes at a time.  The build targets plain
 * x86-64, so the parser is compiled twice and picked at run time (both
 * out of line, so that sip_parse() is only the choice).
 */
static __attribute__((noinline)) int
parse_plain(const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags)
{
	return parse_msg(buf, len, msg, hdrs, num_hdrs, lim, flags, 0);
}

#ifdef SCAN_LF_AVX2
static __attribute__((target("avx2"))) int
parse_avx2(const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags)
{
	return parse_msg(buf, len, msg, hdrs, num_hdrs, lim, flags, 1);
}
#endif

int
sip_parse_form(int avx2, const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags)
{
#ifdef SCAN_LF_AVX2
	if (avx2)
		return parse_avx2(buf, len, msg, hdrs, num_hdrs, lim, flags);
#else
	(void)avx2;
#endif
	return parse_plain(buf, len, msg, hdrs, num_hdrs, lim, flags);
}

int
sip_parse(const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags)
{
#ifdef SCAN_LF_AVX2
	const int avx2 = scan_have_avx2();
#else
	const int avx2 = 0;
#endif
	return sip_parse_form(avx2, buf, len, msg, hdrs, num_hdrs, lim, flags);
}

int
sip_sniff(const char *buf, size_t len)
{
	if (buf == NULL)
		return 0;
	const char *p = buf;
	const char *e = buf + (len < SIP_SNIFF_WINDOW ? len : SIP_SNIFF_WINDOW);
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;
	/* The usual Status-Line, "SIP/2.0" SP 3DIGIT and a byte that is not
	 * a digit (or the line end), is settled before the line end is
	 * looked for: none of its first 11 bytes can be CR or LF, so the
	 * tests below would pass the same way. */
	if (e - p >= 12 && sip20_word(p, e) && is_dig(p[8]) && is_dig(p[9]) &&
	    is_dig(p[10]))
		return !is_dig(p[11]);
	const char *le = scan_any2(p, e, '\r', '\n');
	/* Status-Line: "SIP/" version SP 3DIGIT (section 7.2). */
	int v20 = sip20_word(p, le);
	if (v20 || starts_sip(p, le)) {
		const char *v = v20 ? p + 7 : to_wsp(p, le);
		if (!v20 && !is_proto_ver(p, v))
			return 0;
		const char *d = skip_wsp(v, le);
		return d > v && le - d >= 3 && is_dig(d[0]) && is_dig(d[1]) &&
		    is_dig(d[2]) && (le - d == 3 || !is_dig(d[3]));
	}
	/* Request-Line (section 7.1): the line's last word is "SIP/" version
	 * and at least two words (method, Request-URI) come before it.
	 * Junk before the method is the parser's to report. */
	const char *ve = rtrim_wsp(p, le);
	const char *vs = last_word(p, ve);
	if (vs == p || (!(ve - vs == 7 && is_sip20(vs)) &&
	    (!starts_sip(vs, ve) || !is_proto_ver(vs, ve))))
		return 0;
	/* Two words before it when the first (the method: scanning it is
	 * shorter than scanning back over the Request-URI) ends before ue.
	 * SP and HTAB are C_WSP: to_wsp() as one 16-byte compare where the
	 * line is that long. */
	const char *ue = rtrim_wsp(p, vs);
	return scan_any2(skip_wsp(p, ue), ue, ' ', '\t') < ue;
}
