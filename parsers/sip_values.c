/* sip_values.c - see sip_values.h.  "section" alone means RFC 3261. */
#include "sip_values.h"

#include <stddef.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan.h"

/*
 * Outputs are reset by copying these: gcc turns a memset() of a struct of
 * this size into "rep stosq", which is slow to start, and a copy into
 * plain moves.
 */
static const struct sip_uri zero_uri;
static const struct sip_nameaddr zero_nameaddr;
static const struct sip_via zero_via;
static const struct sip_auth zero_auth;

/* Byte classes; a byte may be in several. */
enum {
	C_TOKEN = 0x01,  /* token (RFC 3261 section 25.1): alnum -.!%*_+`'~ */
	C_DIGIT = 0x02,
	C_HEX = 0x04,
	C_LWS = 0x08,    /* SP HTAB CR LF: a folded line is LWS (section 7.3.1) */
	C_SCHEME = 0x10, /* scheme after its first ALPHA (RFC 3986 section 3.1) */
	C_HOST = 0x20,   /* hostname: alnum - . (section 25.1), plus '_' seen in the wild */
	C_USER = 0x40,   /* userinfo: unreserved, '%', user-unreserved &=+$,;?/, ':' */
	C_TEL = 0x80,    /* RFC 3966 number: HEXDIG * # + and visual separators -.() */
};

/* Bytes 0x80-0xff are in no class. */
static const uint8_t cmap[256] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x08, 0x00, 0x00, 0x08, 0x00, 0x00, /* 0x00 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 0x10 */
	0x08, 0x41, 0x00, 0x80, 0x40, 0x41, 0x40, 0x41, 0xc0, 0xc0, 0xc1, 0xd1, 0x40, 0xf1, 0xf1, 0x40, /* 0x20 */
	0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0xf7, 0x40, 0x40, 0x00, 0x40, 0x00, 0x40, /* 0x30 */
	0x00, 0xf5, 0xf5, 0xf5, 0xf5, 0xf5, 0xf5, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, /* 0x40 */
	0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x00, 0x00, 0x00, 0x00, 0x61, /* 0x50 */
	0x01, 0xf5, 0xf5, 0xf5, 0xf5, 0xf5, 0xf5, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, /* 0x60 */
	0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x71, 0x00, 0x00, 0x00, 0x41, 0x00, /* 0x70 */
};

static inline int
is(char c, unsigned cls)
{
	return (cmap[(unsigned char)c] & cls) != 0;
}

static inline int
is_alpha(char c)
{
	unsigned char l = (unsigned char)(c | 0x20);
	return l >= 'a' && l <= 'z';
}

static inline const char *
skip_cls(const char *p, const char *end, unsigned cls)
{
	return scan_cls(p, end, cmap, cls);
}

#ifdef __SSE2__
/* Bit i set when byte i of the 16 at p is not in C_HOST, [-.0-9A-Z_a-z]:
 * three unsigned range checks (x - lo <= hi - lo, as min(x - lo, hi - lo)
 * == x - lo) and a compare.  OR 0x20 maps only 'A'..'Z' into 'a'..'z'. */
static inline unsigned
nonhost16(const char *p)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
	const __m128i l = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)),
	    _mm_set1_epi8('a'));
	const __m128i h = _mm_sub_epi8(v, _mm_set1_epi8('-')); /* '-' '.' */
	__m128i ok = _mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d),
	    _mm_cmpeq_epi8(_mm_min_epu8(l, _mm_set1_epi8(25)), l));
	ok = _mm_or_si128(ok, _mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(h, _mm_set1_epi8(1)), h),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('_'))));
	return ~(unsigned)_mm_movemask_epi8(ok) & 0xffff;
}
#endif

/*
 * The C_HOST runs of a URI (user, then host: "3424@192.168.0.4") mostly
 * lie within 16 bytes.  One classification of those 16 (nonhost16())
 * ends both runs; a byte-at-a-time scan costs more than that for each.
 * w is where the window starts (NULL before the first), bits its
 * non-host bytes.
 */
struct hostwin {
	const char *w;
	unsigned bits;
};

/* skip_cls(p, end, C_HOST), p at or after the p of the last call. */
HOT const char *
host_end(struct hostwin *hw, const char *p, const char *end)
{
#ifdef __SSE2__
	if (hw->w == NULL || p - hw->w >= 16) {
		if (end - p < 16)
			return skip_cls(p, end, C_HOST);
		hw->w = p;
		hw->bits = nonhost16(p);
	}
	const unsigned b = hw->bits >> (p - hw->w);
	if (b != 0)
		return p + __builtin_ctz(b);
	/* [p, w + 16) is all C_HOST. */
	return skip_cls(hw->w + 16, end, C_HOST);
#else
	(void)hw;
	return skip_cls(p, end, C_HOST);
#endif
}

/* Where parameter lists stop (item_next): a bit per separator. */
enum { S_SEMI = 0x01, S_COMMA = 0x02, S_EQ = 0x04, S_LWS = 0x08 };
static const uint8_t stops[256] = {
	[';'] = S_SEMI, [','] = S_COMMA, ['='] = S_EQ,
	[' '] = S_LWS, ['\t'] = S_LWS, ['\r'] = S_LWS, ['\n'] = S_LWS,
};

/* The stops bit of a list separator, ';' or ',' (the only two used). */
static inline unsigned
sep_bit(char sep)
{
	return sep == ';' ? S_SEMI : S_COMMA;
}

/* 1 if the w bytes (2, 4 or 8) at p, each ORed with 0x20, are those at
 * lit.  This and ieq_letters() are inline wherever called, so that w is a
 * constant there and the copies are single loads. */
HOT int
ieq_word(const char *p, const char *lit, size_t w)
{
	uint64_t a = 0, b = 0;
	memcpy(&a, p, w);
	memcpy(&b, lit, w);
	return (a | (0x2020202020202020u >> (64 - 8 * w))) == b;
}

/*
 * 1 if the n bytes at p are lit (lower-case letters only) in either case:
 * OR 0x20 maps only 'A'..'Z' onto 'a'..'z'.  From 2 to 16 bytes, two
 * overlapping words cover them all.
 */
HOT int
ieq_letters(const char *p, const char *lit, size_t n)
{
	if (n >= 4 && n <= 8)
		return ieq_word(p, lit, 4) && ieq_word(p + n - 4, lit + n - 4, 4);
	if (n >= 2 && n <= 3)
		return ieq_word(p, lit, 2) && ieq_word(p + n - 2, lit + n - 2, 2);
	if (n > 8 && n <= 16)
		return ieq_word(p, lit, 8) && ieq_word(p + n - 8, lit + n - 8, 8);
	for (size_t i = 0; i < n; i++)
		if ((p[i] | 0x20) != lit[i])
			return 0;
	return 1;
}

static const char *
skip_lws(const char *p, const char *end)
{
	return skip_cls(p, end, C_LWS);
}

static inline struct span
trim_span(const char *p, const char *end)
{
	while (p < end && is(*p, C_LWS))
		p++;
	while (end > p && is(end[-1], C_LWS))
		end--;
	return span_make(p, end);
}

/* Trims LWS (as span_trim does, NULL span included).
 * Header values come trimmed already: two lookups tell. */
static inline struct span
trimmed(struct span s)
{
	if (s.len == 0 || (!is(s.p[0], C_LWS) && !is(s.p[s.len - 1], C_LWS)))
		return s;
	return trim_span(s.p, s.p + s.len);
}

/*
 * p is at a DQUOTE.  Returns the byte after the closing DQUOTE, or NULL when
 * the quoted-string is unterminated.  quoted-pair = "\" CHAR (section 25.1),
 * so an escaped DQUOTE does not close it.
 */
static const char *
quoted_end(const char *p, const char *end)
{
	for (p++; (p = scan_any2(p, end, '\\', '"')) < end; p++) {
		if (*p == '"')
			return p + 1;
		if (++p == end)
			return NULL;
	}
	return NULL;
}

/* First c at or after p that is not inside a quoted-string, else end. */
static const char *
find_unquoted(const char *p, const char *end, char c)
{
	while ((p = scan_any2(p, end, c, '"')) < end && *p != c) {
		p = quoted_end(p, end);
		if (p == NULL)
			return end;
	}
	return p;
}

/* port = 1*DIGIT (section 25.1); above 65535 it cannot be a UDP/TCP port. */
HOT const char *
parse_port(const char *p, const char *end, uint16_t *port)
{
	const char *start = p;
	uint32_t v = 0, w;

	/*
	 * Four digits at once, the usual port: bytes 0x30-0x39 are those with
	 * high nibble 3 that adding 6 leaves so.  Each byte times 10 plus the
	 * next is d0d1 in byte 0 and d2d3 in byte 2, with no carries.
	 */
	if (end - p >= 4) {
		memcpy(&w, p, 4);
		if ((w & 0xf0f0f0f0u) == 0x30303030u &&
		    ((w + 0x06060606u) & 0xf0f0f0f0u) == 0x30303030u) {
			w -= 0x30303030u;
			w = w * 10 + (w >> 8);
			v = (w & 0xff) * 100 + ((w >> 16) & 0xff);
			p += 4;
		}
	}
	while (p < end && is(*p, C_DIGIT)) {
		v = v * 10 + (uint32_t)(*p - '0');
		if (v > 65535)
			return NULL;
		p++;
	}
	if (p == start)
		return NULL;
	*port = (uint16_t)v;
	return p;
}

/*
 * host = hostname / IPv4address / IPv6reference, IPv6reference = "["
 * IPv6address "]" (section 25.1); the host span excludes the brackets.
 * Returns the byte after the host, or NULL.
 */
HOT const char *
parse_host(const char *p, const char *end, struct span *host)
{
	const char *q;

	if (p < end && *p == '[') {
		int colons = 0;
		for (q = p + 1; q < end && (is(*q, C_HEX) || *q == ':' || *q == '.'); q++)
			colons += *q == ':';
		if (q == end || *q != ']' || colons == 0)
			return NULL;
		*host = span_make(p + 1, q);
		return q + 1;
	}
	q = skip_cls(p, end, C_HOST);
	if (q == p)
		return NULL;
	*host = span_make(p, q);
	return q;
}

/* escaped = "%" HEXDIG HEXDIG (section 25.1). */
static int
escapes_ok(const char *p, const char *end)
{
	while ((p = scan_byte(p, end, '%')) < end) {
		if (end - p < 3 || !is(p[1], C_HEX) || !is(p[2], C_HEX))
			return 0;
		p += 3;
	}
	return 1;
}

/* One item of a parameter list. */
struct item {
	struct span name;
	struct span val; /* quotes kept; empty when there is no '=' */
	int has_val;
};

/*
 * Parses the next item of a sep-separated list at *pp: skips LWS and empty
 * items, then name [ LWS "=" LWS value ] with value a token or a
 * quoted-string (generic-param, section 25.1; auth-param, RFC 7616 section
 * 3.3).  Leaves *pp after the value and any LWS.  Returns 1 for an item, 0 at
 * the end of the list, -1 for an unterminated quoted-string (*pp = end, the
 * value runs to end) or, strict (auth-param), for a name that is not a
 * token (*pp and *it then unspecified).
 */
HOT int
item_next(const char **pp, const char *end, char sep, int strict,
    struct item *it)
{
	const char *p = *pp, *n, *v;
	const unsigned sb = sep_bit(sep);

	while (p < end && (stops[(unsigned char)*p] & (sb | S_LWS)))
		p++;
	if (p == end) {
		*pp = p;
		return 0;
	}
	n = p;
	if (strict) {
		/* The token ends where the name does, or the name is no token. */
		p = skip_cls(p, end, C_TOKEN);
		if (p < end && !(stops[(unsigned char)*p] & (sb | S_EQ | S_LWS)))
			return -1;
	} else {
		p = scan_to_cls(p, end, stops, sb | S_EQ | S_LWS);
	}
	it->name = span_make(n, p);
	/* LWS around '=' and after a value is rare: no unrolled scans. */
	while (p < end && (stops[(unsigned char)*p] & S_LWS))
		p++;
	it->has_val = 0;
	it->val = span_make(p, p);
	if (p < end && *p == '=') {
		it->has_val = 1;
		for (p++; p < end && (stops[(unsigned char)*p] & S_LWS); p++)
			;
		v = p;
		if (p < end && *p == '"') {
			p = quoted_end(p, end);
			if (p == NULL) {
				it->val = span_make(v, end);
				*pp = end;
				return -1;
			}
		} else if (end - p >= 16) {
			p = scan_any5(p, end, sep, ' ', '\t', '\r', '\n');
		} else {
			p = scan_to_cls(p, end, stops, sb | S_LWS);
		}
		it->val = span_make(v, p);
		while (p < end && (stops[(unsigned char)*p] & S_LWS))
			p++;
	}
	*pp = p;
	return 1;
}

/* sip_param_get() for a name of n bytes. */
HOT int
param_get(struct span params, const char *name, size_t n, struct span *val)
{
	const char *p, *end;
	struct item it;
	int r;

	*val = SPAN_NULL;
	if (params.len == 0)
		return 0;
	p = params.p;
	end = p + params.len;
	while ((r = item_next(&p, end, ';', 0, &it)) != 0) {
		if (span_ieq_n(it.name, name, n)) {
			*val = it.val;
			return 1;
		}
		if (r < 0)
			break;
		p = find_unquoted(p, end, ';');
	}
	return 0;
}

int
sip_param_get(struct span params, const char *name, struct span *val)
{
	return param_get(params, name, strlen(name), val);
}

/* A span field of a struct, found by parameter name (lower-case letters
 * only, for ieq_letters(), which reads the name in whole words: hence an
 * array of 16, not a pointer to a literal of its own length). */
struct field {
	char name[16];
	uint8_t len;
	uint16_t off;
};
#define FIELD(name, type, member) { name, sizeof(name) - 1, offsetof(type, member) }

/* Stores v into the span of obj of entry i of tab unless that is set:
 * the first occurrence of a parameter wins. */
HOT void
set_field(const struct field *tab, size_t i, void *obj, struct span v)
{
	/* off comes from offsetof: aligned for struct span. */
	struct span *f = (void *)((char *)obj + tab[i].off);
	if (f->p == NULL)
		*f = v;
}

/* Unsets the span of every entry of tab in obj. */
static void
clear_fields(const struct field *tab, size_t n, void *obj)
{
	for (size_t i = 0; i < n; i++)
		*(struct span *)(void *)((char *)obj + tab[i].off) = SPAN_NULL;
}

/* 1 if entry i of tab names name; then set_field(). */
HOT int
try_field(const struct field *tab, size_t i, void *obj, struct span name,
    struct span v)
{
	if (name.len != tab[i].len || !ieq_letters(name.p, tab[i].name, name.len))
		return 0;
	set_field(tab, i, obj, v);
	return 1;
}

/*
 * Stores v into the span of obj that tab names name (try_field()).  Digest
 * parameters mostly come in the order of tab (RFC 7616 lists them so):
 * with next, the search starts at *next, the entry after the last one
 * found, and wraps around; without (NULL, for short tables), at the first.
 */
HOT void
store_field(const struct field *tab, size_t n, size_t *next, void *obj,
    struct span name, struct span v)
{
	const size_t start = next != NULL ? *next : 0;
	size_t i;

	/* Unrolled, the entries' names and lengths are constants in each
	 * try_field(), and ieq_letters() folds to its case for that length. */
#pragma GCC unroll 16
	for (i = start; i < n; i++)
		if (try_field(tab, i, obj, name, v))
			goto found;
	for (i = 0; i < start; i++)
		if (try_field(tab, i, obj, name, v))
			goto found;
	return;
found:
	if (next != NULL)
		*next = i + 1 < n ? i + 1 : 0;
}

/*
 * Stores the values of the parameters named in tab into the spans of obj; the
 * first occurrence wins, so a repeated parameter cannot replace an earlier
 * one.  strict (auth-param lists, RFC 7616 section 3.3/3.4): every item must
 * be token "=" value followed by sep or the end, and quotes are stripped
 * (escapes stay).  Otherwise (generic-param) flag parameters and trailing
 * junk are tolerated and quotes kept.  Returns 0, or -1 at an unterminated
 * quoted-string or, strict, a malformed item; values before it are stored.
 */
HOT int
fill_params(const char *p, const char *end, char sep, int strict,
    const struct field *tab, size_t n, void *obj)
{
	struct item it;
	size_t next = 0;
	int r;

	while ((r = item_next(&p, end, sep, strict, &it)) != 0) {
		if (r < 0)
			return -1;
		if (strict && (!it.has_val || it.name.len == 0))
			return -1;
		struct span v = it.val;
		if (strict && v.len >= 2 && v.p[0] == '"')
			v = span_make(v.p + 1, v.p + v.len - 1);
		store_field(tab, n, strict ? &next : NULL, obj, it.name, v);
		if (p < end && *p != sep) {
			if (strict)
				return -1;
			p = find_unquoted(p, end, sep);
		}
	}
	return 0;
}

/*
 * Classes for plain_params(): the bytes that end a parameter name or value,
 * and those that make a list more than plain (LWS, quotes, the ',' that
 * ends a list element), after which find_unquoted() and LWS skipping would
 * come into play.
 */
enum { P_SEMI = 0x01, P_EQ = 0x02, P_ODD = 0x04 };
static const uint8_t pcls[256] = {
	[';'] = P_SEMI, ['='] = P_EQ, [','] = P_ODD, ['"'] = P_ODD,
	[' '] = P_ODD, ['\t'] = P_ODD, ['\r'] = P_ODD, ['\n'] = P_ODD,
};

/*
 * fill_params(p, end, ';', 0, tab, n, obj) for a plain list: one with no
 * LWS, '"' or ','.  There item_next() finds every name up to ';' or '=' and
 * every value up to ';', and fill_params() never skips ahead, so one scan
 * per name and per value does.  Returns 1 when [p, end) was plain and the
 * values are stored, 0 when it was not (some may be stored).
 */
HOT int
plain_params_bytes(const char *p, const char *end, const struct field *tab,
    size_t n, void *obj)
{
	while (p < end) {
		const char *nm = p;
		struct span val;

		p = scan_to_cls(p, end, pcls, P_SEMI | P_EQ | P_ODD);
		struct span name = span_make(nm, p);
		if (p < end && *p == '=') {
			const char *v = p + 1;
			p = scan_to_cls(v, end, pcls, P_SEMI | P_ODD);
			val = span_make(v, p);
		} else {
			val = span_make(p, p);
		}
		if (p < end && *p != ';')
			return 0;
		/* An empty item (";;") stores nothing, as item_next() skips it. */
		store_field(tab, n, NULL, obj, name, val);
		if (p < end)
			p++;
	}
	return 1;
}

#ifdef __SSE2__
/*
 * Bits of the 16 bytes at p that are ';' (*semi), '=' (*eq), or that end
 * the plain case (*odd): '"', ',' and every byte up to SP, the LWS bytes
 * among them, found by one unsigned compare (min(v, SP) == v) instead of
 * four.  That takes in the other controls too: a list holding one goes
 * to the general parser, which gives the same result for it in more
 * steps.
 */
static inline void
pmask16(const char *p, unsigned *semi, unsigned *eq, unsigned *odd)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i o = _mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(' ')), v),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(','))));
	*semi = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(';')));
	*eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('=')));
	*odd = (unsigned)_mm_movemask_epi8(o);
}
#endif

/*
 * plain_params_bytes() of [p, end).  Lists of 16 to 63 bytes (most Via
 * parameters) are classified 16 bytes at a time into bit masks, and the
 * items found from those; such a list holding a control byte is taken
 * for not plain (0, see pmask16()).  Shorter lists cost less byte by
 * byte.
 */
HOT int
plain_params(const char *p, const char *end,
    const struct field *tab, size_t n, void *obj)
{
#ifdef __SSE2__
	const size_t len = (size_t)(end - p);

	if (len >= 16 && len < 64) {
		uint64_t semi, eq, odd;
		unsigned s, e, o;

		pmask16(p, &s, &e, &o);
		semi = s;
		eq = e;
		odd = o;
		/* Whole blocks, then the last 16 bytes, which may overlap the
		 * blocks before them: the bits of a byte are the same in both. */
		for (size_t off = 16; off + 16 < len; off += 16) {
			pmask16(p + off, &s, &e, &o);
			semi |= (uint64_t)s << off;
			eq |= (uint64_t)e << off;
			odd |= (uint64_t)o << off;
		}
		pmask16(end - 16, &s, &e, &o);
		semi |= (uint64_t)s << (len - 16);
		eq |= (uint64_t)e << (len - 16);
		odd |= (uint64_t)o << (len - 16);
		if (odd != 0)
			return 0;
		/* A ';' and an '=' past the end stop the last item and its
		 * name: every search below finds a bit. */
		semi |= (uint64_t)1 << len;
		eq |= (uint64_t)1 << len;
		for (size_t i = 0; i < len;) {
			size_t se = i + (size_t)__builtin_ctzll(semi >> i);
			size_t ee = i + (size_t)__builtin_ctzll(eq >> i);
			if (ee < se)
				store_field(tab, n, NULL, obj, span_make(p + i, p + ee),
				    span_make(p + ee + 1, p + se));
			else
				store_field(tab, n, NULL, obj, span_make(p + i, p + se),
				    span_make(p + se, p + se));
			i = se + 1;
		}
		return 1;
	}
#endif
	return plain_params_bytes(p, end, tab, n, obj);
}

/* Schemes of 3 or 4 lower-case letters, NUL-padded to one 4-byte word. */
static const struct {
	char name[4];
	uint8_t scheme;
} uri_schemes[] = {
	{ "sip", SIP_URI_SIP },
	{ "sips", SIP_URI_SIPS },
	{ "tel", SIP_URI_TEL },
};

/* enum sip_uri_scheme of the scheme [p, p + n): case-insensitive (RFC 3986
 * section 3.1), compared as one word, OR 0x20 folding the letters. */
static inline uint8_t
uri_scheme(const char *p, size_t n)
{
	uint32_t w = 0;

	if (n == 3) {
		memcpy(&w, p, 3);
		w |= 0x202020u;
	} else if (n == 4) {
		memcpy(&w, p, 4);
		w |= 0x20202020u;
	} else {
		return SIP_URI_OTHER;
	}
	for (size_t i = 0; i < sizeof uri_schemes / sizeof uri_schemes[0]; i++) {
		uint32_t lit;
		memcpy(&lit, uri_schemes[i].name, 4);
		if (w == lit)
			return uri_schemes[i].scheme;
	}
	return SIP_URI_OTHER;
}

/* After "sip:" / "sips:": [ userinfo ] hostport uri-parameters [ headers ]. */
HOT int
sip_uri_rest(const char *p, const char *end, struct sip_uri *u)
{
	const char *q;
	int rc = 0;

	/*
	 * userinfo ends at '@' (section 19.1.1).  '@' cannot appear unescaped in
	 * user or password, while ';', '?' and '/' can (user-unreserved), so in
	 * "sip:user;par=u%40example.net@example.com" the user is
	 * "user;par=u%40example.net" (RFC 4475 test "semiuri").  Scanning stops
	 * at any byte userinfo cannot hold ('[', '@', ...): no '@' there, no user.
	 */
	struct hostwin hw = { NULL, 0 };
	const char *h = host_end(&hw, p, end);
	/* A hostname is userinfo too (C_HOST is within C_USER): scan on from
	 * where it ends, and when no '@' follows, the host is already known. */
	q = h < end && is(*h, C_USER) ? skip_cls(h, end, C_USER) : h;
	if (q < end && *q == '@') {
		/* Only bytes past the hostname-like prefix can be ':' or '%'. */
		const char *colon = scan_byte(h, q, ':');
		u->user = span_make(p, colon);
		if (colon != q)
			u->password = span_make(colon + 1, q);
		if (u->user.len == 0 || (h < q && !escapes_ok(h, q)))
			rc = -1;
		p = q + 1;
		h = NULL;
	}
	/* The hostname that parse_host() would scan for, from the window. */
	if (h == NULL && p < end && *p != '[')
		h = host_end(&hw, p, end);
	if (h != NULL && h > p) {
		u->host = span_make(p, h);
		q = h;
	} else if ((q = parse_host(p, end, &u->host)) == NULL) {
		return -1;
	}
	p = q;
	if (p < end && *p == ':') {
		q = parse_port(p + 1, end, &u->port);
		if (q == NULL)
			return -1;
		u->has_port = 1;
		p = q;
	}
	/* paramchar has no '?' (section 25.1): the first '?' starts the headers. */
	if (p < end && *p == ';') {
		q = scan_byte(p, end, '?');
		u->params = span_make(p + 1, q);
		p = q;
	}
	if (p < end && *p == '?') {
		u->headers = span_make(p + 1, end);
		p = end;
	}
	return p == end ? rc : -1;
}

/*
 * After "tel:" (RFC 3966 section 3): the number runs to the first ';' and
 * holds HEXDIG, "*", "#", "+" and visual separators; par follows.
 */
static int
tel_uri_rest(const char *p, const char *end, struct sip_uri *u)
{
	const char *q = skip_cls(p, end, C_TEL);

	u->user = span_make(p, q);
	if (q < end && *q == ';') {
		u->params = span_make(q + 1, end);
		q = end;
	}
	return q == end && u->user.len > 0 ? 0 : -1;
}

/*
 * 1 if [p, end) starts with the 4 bytes of lit, three lower-case letters
 * and a non-letter, the letters in either case: one word, OR 0x20 on the
 * letters only.
 */
HOT int
starts_3x(const char *p, const char *end, const char *lit)
{
	static const char fold[4] = { 0x20, 0x20, 0x20 };
	uint32_t w, l, f;

	if (end - p < 4)
		return 0;
	memcpy(&w, p, 4);
	memcpy(&l, lit, 4);
	memcpy(&f, fold, 4);
	return (w | f) == l;
}

/* 1 if [p, end) starts with "sip:", what uri_parse() reads as scheme
 * SIP_URI_SIP (uri_scheme() folds case the same way). */
HOT int
sip_colon(const char *p, const char *end)
{
	return starts_3x(p, end, "sip:");
}

/* sip_uri_parse() of s, already without LWS at its ends, into a zeroed
 * *u (sip_nameaddr_parse() has trimmed its URI). */
HOT int
uri_parse(struct span s, struct sip_uri *u)
{
	const char *p, *q, *end;

	if (s.len == 0)
		return -1;
	p = s.p;
	end = p + s.len;
	if (sip_colon(p, end)) {
		u->scheme = SIP_URI_SIP;
		u->scheme_tok = span_make(p, p + 3);
		return sip_uri_rest(p + 4, end, u);
	}
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), case-insensitive. */
	if (!is_alpha(*p))
		return -1;
	q = skip_cls(p + 1, end, C_SCHEME);
	if (q == end || *q != ':')
		return -1;
	u->scheme_tok = span_make(p, q);
	u->scheme = uri_scheme(p, u->scheme_tok.len);
	switch (u->scheme) {
	case SIP_URI_SIP:
	case SIP_URI_SIPS:
		return sip_uri_rest(q + 1, end, u);
	case SIP_URI_TEL:
		return tel_uri_rest(q + 1, end, u);
	default:
		return 0;
	}
}

int
sip_uri_parse(struct span s, struct sip_uri *u)
{
	*u = zero_uri;
	return uri_parse(trimmed(s), u);
}

/*
 * scan_any5_lo(lo, p, end, ';', ' ', '\t', '\r', '\n'): where a parameter
 * value ends.  When it lies in the last 16 bytes of [lo, end), as a tag
 * does, one compare for ';' and one for "at or below SP" (min(v, SP) ==
 * v, as in pmask16()) find it; a control byte other than HTAB, CR or LF
 * found so is no end, and the exact scan takes over.
 */
HOT const char *
value_end(const char *lo, const char *p, const char *end)
{
#ifdef __SSE2__
	if (end - lo >= 16 && end - p <= 16) {
		const char *q = end - 16;
		const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		const unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8(';')),
		    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(' ')), v))) >>
		    (p - q);
		if (m == 0)
			return end;
		q = p + __builtin_ctz(m);
		if (*q == ';' || (stops[(unsigned char)*q] & S_LWS))
			return q;
	}
#endif
	return scan_any5_lo(lo, p, end, ';', ' ', '\t', '\r', '\n');
}

/*
 * param_get(params, "tag", 3, tag) of a list [p, end) that starts with
 * "tag=" and a value that is no quoted-string: that first item is the one
 * param_get() returns, its value running to ';' or LWS as in item_next().
 * Returns 1 then, 0 for any other list (*tag untouched).  [lo, p) is
 * readable too: the tag usually runs to the end of the value, found in
 * its last 16 bytes (value_end()).
 */
HOT int
first_tag(const char *lo, const char *p, const char *end, struct span *tag)
{
	if (!starts_3x(p, end, "tag="))
		return 0;
	p += 4;
	if (p < end && (*p == '"' || (stops[(unsigned char)*p] & S_LWS)))
		return 0;
	*tag = span_make(p, value_end(lo, p, end));
	return 1;
}

static const struct field tag_field[] = {
	FIELD("tag", struct sip_nameaddr, tag),
};

/*
 * sip_nameaddr_parse() of [p, end) (without LWS at its ends) into *na,
 * when the value has the shape of nearly all From, To and Contact values:
 * [ quoted-string [LWS] ] "<sip:" [ user "@" ] host [ ":" port ] [ ";"
 * uri-params ] ">" [ ";" params ], user and host in C_HOST, no '?' in the
 * URI.  Every part of it parses, so the result is 0.  Returns 1 then, with
 * every field of *na set (no zeroing first: it costs as much as the
 * parse), or 0 for any other shape (*na holding scraps) for the general
 * parser, which gives the same result for this shape in more scans.
 */
HOT int
nameaddr_fast(const char *p, const char *end, struct sip_nameaddr *na)
{
	const char *const lo = p;
	const char *q, *u, *h;
	struct hostwin hw = { NULL, 0 };

	if (*p == '"') {
		q = scan_any2(p + 1, end, '"', '\\');
		if (q == end || *q == '\\')
			return 0;
		na->display = span_make(p + 1, q);
		p = skip_lws(q + 1, end);
	} else {
		/* The general parser's display-name run ends at once. */
		na->display = span_make(p, p);
	}
	if (end - p < 6 || *p != '<' || !sip_colon(p + 1, end))
		return 0;
	na->uri.scheme = SIP_URI_SIP;
	na->uri.scheme_tok = span_make(p + 1, p + 4);
	/* One assignment each: a chained one copies the first span stored
	 * into the next, a 16-byte load from two smaller stores in flight,
	 * which the CPU cannot forward (a stall of a dozen cycles). */
	na->uri.password = SPAN_NULL;
	na->uri.headers = SPAN_NULL;
	na->star = 0;
	u = p + 5;
	h = host_end(&hw, u, end);
	/*
	 * What sip_uri_rest() takes for userinfo ends at '@' in a run of
	 * C_USER bytes: right after a C_HOST run here, or (';' case below)
	 * never.
	 */
	if (h < end && *h == '@') {
		if (h == u)
			return 0;
		na->uri.user = span_make(u, h);
		u = h + 1;
		h = host_end(&hw, u, end);
	} else {
		na->uri.user = SPAN_NULL;
	}
	if (h == u || h == end)
		return 0;
	na->uri.host = span_make(u, h);
	na->uri.port = 0;
	na->uri.has_port = 0;
	if (*h == ':') {
		h = parse_port(h + 1, end, &na->uri.port);
		if (h == NULL || h == end)
			return 0;
		na->uri.has_port = 1;
	}
	na->uri.params = SPAN_NULL;
	if (*h == ';') {
		q = skip_cls(h + 1, end, C_USER);
		if (q == end || *q != '>' || scan_byte(h + 1, q, '?') != q)
			return 0;
		na->uri.params = span_make(h + 1, q);
		h = q;
	}
	if (*h != '>')
		return 0;
	na->uri_tok = span_make(p + 1, h);
	p = h + 1;
	na->params = SPAN_NULL;
	na->tag = SPAN_NULL;
	if (p < end) {
		if (*p != ';')
			return 0;
		na->params = span_make(p + 1, end);
		if (!first_tag(lo, p + 1, end, &na->tag) &&
		    !plain_params(p + 1, end, tag_field, 1, na)) {
			na->tag = SPAN_NULL;
			(void)param_get(na->params, "tag", 3, &na->tag);
		}
	}
	return 1;
}

/*
 * sip_nameaddr_parse() of s, already trimmed, into a zeroed *na: every
 * shape.  Kept out of line so that the fast path's caller saves only the
 * registers the fast path needs.
 */
static __attribute__((noinline)) int
nameaddr_parse(struct span s, struct sip_nameaddr *na)
{
	const char *p, *q, *end;
	int rc;

	if (s.len == 0)
		return -1;
	p = s.p;
	end = p + s.len;
	/* Contact: "*" (section 20.10) carries no address. */
	if (s.len == 1 && *p == '*') {
		na->star = 1;
		return 0;
	}
	if (*p == '"') {
		q = quoted_end(p, end);
		if (q == NULL) {
			na->display = span_make(p + 1, end);
			return -1;
		}
		na->display = span_make(p + 1, q - 1);
		p = skip_lws(q, end);
		if (p == end || *p != '<')
			return -1;
	} else {
		/*
		 * display-name = *(token LWS) (section 25.1).  Unquoted UTF-8
		 * display names are common in practice, so bytes >= 0x80 are
		 * taken too.  Without a '<' after it, this is an addr-spec.
		 */
		q = p;
		while (q < end && (is(*q, C_TOKEN | C_LWS) || (unsigned char)*q >= 0x80))
			q++;
		if (q < end && *q == '<') {
			na->display = trim_span(p, q);
			p = q;
		}
	}
	if (*p == '<') {
		q = scan_byte(p + 1, end, '>');
		if (q == end) {
			na->uri_tok = trim_span(p + 1, end);
			(void)uri_parse(na->uri_tok, &na->uri);
			return -1;
		}
		na->uri_tok = trim_span(p + 1, q);
		p = q + 1;
	} else {
		/*
		 * Parameters after an addr-spec are header parameters (section
		 * 20.10; a URI holding ';', ',' or '?' must be in angle brackets),
		 * so the URI ends at the first ';'.
		 */
		q = p;
		while (q < end && *q != ';' && !is(*q, C_LWS))
			q++;
		na->uri_tok = span_make(p, q);
		p = q;
	}
	rc = uri_parse(na->uri_tok, &na->uri);
	p = skip_lws(p, end);
	if (p < end) {
		if (*p != ';')
			return -1;
		na->params = span_make(p + 1, end);
		(void)param_get(na->params, "tag", 3, &na->tag);
	}
	return rc;
}

int
sip_nameaddr_parse(struct span s, struct sip_nameaddr *na)
{
	s = trimmed(s);
	if (s.len != 0 && nameaddr_fast(s.p, s.p + s.len, na))
		return 0;
	*na = zero_nameaddr;
	return nameaddr_parse(s, na);
}

static const struct field via_fields[] = {
	FIELD("branch", struct sip_via, branch),
	FIELD("received", struct sip_via, received),
	FIELD("rport", struct sip_via, rport),
};

/*
 * Reads a token at p, sets *tok_end, and with slash_after also SLASH =
 * SWS "/" SWS (section 25.1).  Returns the byte after that, or NULL.
 */
HOT const char *
proto_token(const char *p, const char *end, int slash_after, const char **tok_end)
{
	const char *q = skip_cls(p, end, C_TOKEN);

	if (q == p)
		return NULL;
	*tok_end = q;
	if (!slash_after)
		return q;
	p = skip_lws(q, end);
	if (p == end || *p != '/')
		return NULL;
	return skip_lws(p + 1, end);
}

/*
 * 1 if [p, end) starts with "SIP/2.0/" (the name in any case), which
 * proto_token() would read as "SIP" SLASH "2.0" SLASH: as one word, OR
 * 0x20 on the three letters only.
 */
HOT int
sip20_slash(const char *p, const char *end)
{
	static const char lit[] = "sip/2.0/", fold[8] = { 0x20, 0x20, 0x20 };
	uint64_t w, l, f;

	if (end - p < 8)
		return 0;
	memcpy(&w, p, 8);
	memcpy(&l, lit, 8);
	memcpy(&f, fold, 8);
	return (w | f) == l;
}

/*
 * sip_via_parse() of [p, end) (without LWS at its ends) into *v, when the
 * value has the usual shape "SIP/2.0/" transport SP host [ ":" port ] [
 * ";" params ], host in C_HOST, the params a plain list (plain_params()).
 * Every part parses, so the result is 0.  Returns 1 then, with every field
 * of *v set, or 0 for any other shape (*v holding scraps).
 */
HOT int
via_fast(const char *p, const char *end, struct sip_via *v)
{
	const char *t, *q;
	struct hostwin hw = { NULL, 0 };

	if (!sip20_slash(p, end))
		return 0;
	t = p + 8;
	/* The usual transports, three letters and the SP after them, are
	 * one word each: the token scan would stop at that SP. */
	if (starts_3x(t, end, "udp ") || starts_3x(t, end, "tcp ") ||
	    starts_3x(t, end, "tls "))
		q = t + 3;
	else
		q = skip_cls(t, end, C_TOKEN);
	if (q == t || q == end || *q != ' ')
		return 0;
	v->proto = span_make(p, p + 7);
	v->transport = span_make(t, q);
	p = q + 1;
	q = host_end(&hw, p, end);
	if (q == p)
		return 0;
	v->host = span_make(p, q);
	v->port = 0;
	v->has_port = 0;
	if (q < end && *q == ':') {
		q = parse_port(q + 1, end, &v->port);
		if (q == NULL)
			return 0;
		v->has_port = 1;
	}
	/* One assignment each, as in nameaddr_fast(). */
	v->params = SPAN_NULL;
	v->branch = SPAN_NULL;
	v->received = SPAN_NULL;
	v->rport = SPAN_NULL;
	if (q < end) {
		if (*q != ';' || !plain_params(q + 1, end, via_fields,
		    sizeof via_fields / sizeof via_fields[0], v))
			return 0;
		/* [q + 1, end) has no LWS: trim_span() would leave it so. */
		v->params = span_make(q + 1, end);
	}
	v->has_rport = v->rport.p != NULL;
	return 1;
}

/* sip_via_parse() of s, trimmed and not empty, into a zeroed *v: every
 * shape.  Out of line, as nameaddr_parse(). */
static __attribute__((noinline)) int
via_parse(struct span s, struct sip_via *v)
{
	const char *p, *q, *end, *name, *tok_end;

	p = name = s.p;
	end = p + s.len;
	/*
	 * sent-protocol = protocol-name SLASH protocol-version SLASH transport;
	 * LWS around '/' is legal (RFC 4475 test "wsinv": "SIP / 2.0 / UDP"),
	 * so proto spans the text as written.
	 */
	if (sip20_slash(p, end)) {
		tok_end = p + 7;
		p = skip_lws(p + 8, end);
	} else if ((p = proto_token(p, end, 1, &tok_end)) == NULL ||
	    (p = proto_token(p, end, 1, &tok_end)) == NULL) {
		return -1;
	}
	v->proto = span_make(name, tok_end);
	name = p;
	if ((p = proto_token(p, end, 0, &tok_end)) == NULL)
		return -1;
	v->transport = span_make(name, tok_end);
	/* LWS sent-by */
	q = skip_lws(p, end);
	if (q == p)
		return -1;
	p = parse_host(q, end, &v->host);
	if (p == NULL)
		return -1;
	/* sent-by = host [ COLON port ]; COLON = SWS ":" SWS */
	p = skip_lws(p, end);
	if (p < end && *p == ':') {
		p = parse_port(skip_lws(p + 1, end), end, &v->port);
		if (p == NULL)
			return -1;
		v->has_port = 1;
		p = skip_lws(p, end);
	}
	/* The element ends at a ',' outside quotes (the next via-parm). */
	end = find_unquoted(p, end, ',');
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	v->params = trim_span(p + 1, end);
	int rc = fill_params(p + 1, end, ';', 0, via_fields,
	    sizeof via_fields / sizeof via_fields[0], v);
	v->has_rport = v->rport.p != NULL;
	return rc;
}

int
sip_via_parse(struct span s, struct sip_via *v)
{
	s = trimmed(s);
	if (s.len != 0 && via_fast(s.p, s.p + s.len, v))
		return 0;
	*v = zero_via;
	return s.len != 0 ? via_parse(s, v) : -1;
}

int
sip_cseq_parse(struct span s, uint32_t *seq, struct span *method)
{
	const char *p, *q, *end;

	*seq = 0;
	*method = SPAN_NULL;
	s = trimmed(s);
	if (s.len == 0)
		return -1;
	p = s.p;
	end = p + s.len;
	/*
	 * CSeq = 1*DIGIT LWS Method; the number is a 32-bit unsigned integer
	 * (section 8.1.1.5): at most 10 digits, at most UINT32_MAX.  The
	 * digits are summed as they are scanned; past 10 of them n may wrap,
	 * but the length rejects the number anyway.
	 */
	uint64_t n = 0;
	for (q = p; q < end && is(*q, C_DIGIT); q++)
		n = n * 10 + (uint64_t)(*q - '0');
	if (q == p || q - p > 10 || n > UINT32_MAX)
		return -1;
	*seq = (uint32_t)n;
	p = skip_lws(q, end);
	if (p == q)
		return -1;
	q = skip_cls(p, end, C_TOKEN);
	*method = span_make(p, q);
	return q > p && q == end ? 0 : -1;
}

/* auth_fields[] entries, named so that auth_field() can pick them. */
enum {
	A_USERNAME, A_REALM, A_NONCE, A_URI, A_RESPONSE, A_ALGORITHM, A_QOP,
	A_CNONCE, A_NC, A_OPAQUE, A_STALE, A__COUNT
};

static const struct field auth_fields[A__COUNT] = {
	[A_USERNAME] = FIELD("username", struct sip_auth, username),
	[A_REALM] = FIELD("realm", struct sip_auth, realm),
	[A_NONCE] = FIELD("nonce", struct sip_auth, nonce),
	[A_URI] = FIELD("uri", struct sip_auth, uri),
	[A_RESPONSE] = FIELD("response", struct sip_auth, response),
	[A_ALGORITHM] = FIELD("algorithm", struct sip_auth, algorithm),
	[A_QOP] = FIELD("qop", struct sip_auth, qop),
	[A_CNONCE] = FIELD("cnonce", struct sip_auth, cnonce),
	[A_NC] = FIELD("nc", struct sip_auth, nc),
	[A_OPAQUE] = FIELD("opaque", struct sip_auth, opaque),
	[A_STALE] = FIELD("stale", struct sip_auth, stale),
};

/*
 * The auth_fields[] entry named by the n bytes at p (n > 0), or A__COUNT:
 * what store_field() finds, in one compare.  No two names share both
 * length and first letter, so those pick the one candidate, and a name
 * that picks none matches no entry (the letter folded as ieq_letters()
 * folds it).  Each ieq_letters() has a constant entry, hence a constant
 * length: one or two word compares.
 */
HOT unsigned
auth_field(const char *p, size_t n)
{
#define AF(i) (ieq_letters(p, auth_fields[i].name, auth_fields[i].len) ? (i) : A__COUNT)
	const char c = (char)(p[0] | 0x20);

	switch (n) {
	case 2:
		return AF(A_NC);
	case 3:
		return c == 'u' ? AF(A_URI) : AF(A_QOP);
	case 5:
		return c == 'r' ? AF(A_REALM) : c == 'n' ? AF(A_NONCE) : AF(A_STALE);
	case 6:
		return c == 'c' ? AF(A_CNONCE) : AF(A_OPAQUE);
	case 8:
		return c == 'u' ? AF(A_USERNAME) : AF(A_RESPONSE);
	case 9:
		return AF(A_ALGORITHM);
	default:
		return A__COUNT;
	}
#undef AF
}

/*
 * fill_params(p, end, ',', 1, auth_fields, ..., a) of a list in the usual
 * shape: items token "=" value, the value a quoted-string without '\\' or
 * else running to ',' or LWS (as in item_next()), then any SP or HTAB and
 * ',' or the end.  For such a list fill_params() stores the same values
 * in the same order (quotes stripped; an empty value before LWS may point
 * before the LWS where fill_params() points after it) and returns 0, in
 * more steps: LWS loops around '=', an out-of-line quoted_end(), a search
 * of the table.  Returns 1 then, or 0 for any other shape, with some spans
 * of *a perhaps stored.
 */
HOT int
digest_fast(const char *p, const char *end, struct sip_auth *a)
{
	for (;;) {
		/* item_next() skips separators, LWS and empty items. */
		while (p < end && (stops[(unsigned char)*p] & (S_COMMA | S_LWS)))
			p++;
		if (p == end)
			return 1;
		/*
		 * The name is a token followed by '='.  A known name is all
		 * letters (auth_field() compares every byte, folding only
		 * letters), so when the bytes before the next '=' are one, they
		 * are the token; only other names need the token scan.
		 */
		const char *nm = p;
		p = scan_byte(p, end, '=');
		if (p == nm || p == end)
			return 0;
		unsigned i = auth_field(nm, (size_t)(p - nm));
		if (i == A__COUNT && skip_cls(nm, p, C_TOKEN) != p)
			return 0;
		const char *v = ++p, *q;
		if (v < end && *v == '"') {
			q = scan_any2(v + 1, end, '"', '\\');
			if (q == end || *q == '\\')
				return 0;
			p = q + 1;
			v++;
		} else {
			q = p = scan_to_cls(v, end, stops, S_COMMA | S_LWS);
		}
		if (p < end && *p != ',') {
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p != ',')
				return 0;
		}
		if (i < A__COUNT)
			set_field(auth_fields, i, a, span_make(v, q));
	}
}

/* Lower-case names in arrays of 16 for ieq_letters(), as in struct field. */
#define SCHEME(name, scheme) { name, sizeof(name) - 1, scheme }
static const struct {
	char name[16];
	uint8_t len;
	uint8_t scheme;
} auth_schemes[] = {
	SCHEME("digest", SIP_AUTH_DIGEST),
	SCHEME("basic", SIP_AUTH_BASIC),
};
#undef SCHEME

int
sip_auth_parse(struct span s, struct sip_auth *a)
{
	const char *p, *q, *end;

	*a = zero_auth;
	s = trimmed(s);
	if (s.len == 0)
		return -1;
	p = s.p;
	end = p + s.len;
	/*
	 * credentials / challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
	 * (RFC 7235 section 2.1); the scheme is case-insensitive.
	 */
	q = skip_cls(p, end, C_TOKEN);
	if (q == p || (q < end && !is(*q, C_LWS)))
		return -1;
	a->scheme_tok = span_make(p, q);
	/* Unrolled, each ieq_letters() has a constant length. */
#pragma GCC unroll 2
	for (size_t i = 0; i < sizeof auth_schemes / sizeof auth_schemes[0]; i++)
		if (a->scheme_tok.len == auth_schemes[i].len &&
		    ieq_letters(p, auth_schemes[i].name, auth_schemes[i].len))
			a->scheme = auth_schemes[i].scheme;
	p = skip_lws(q, end);
	switch (a->scheme) {
	case SIP_AUTH_DIGEST:
		if (digest_fast(p, end, a))
			return 0;
		/* Again from the start, as fill_params() stores only into
		 * unset spans: digest_fast() set none but these. */
		clear_fields(auth_fields, sizeof auth_fields / sizeof auth_fields[0], a);
		return fill_params(p, end, ',', 1, auth_fields,
		    sizeof auth_fields / sizeof auth_fields[0], a);
	case SIP_AUTH_BASIC:
		/* credentials = "Basic" 1*SP token68 (RFC 7617 section 2). */
		q = p;
		while (q < end && !is(*q, C_LWS))
			q++;
		a->basic_token = span_make(p, q);
		return q > p && q == end ? 0 : -1;
	default:
		return 0;
	}
}
