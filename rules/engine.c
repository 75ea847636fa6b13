/*
 * engine.c - see rules.h.
 *
 * State: one bounded table (rules/ktab.h) per enabled rule, keyed by
 * what the rule counts and suppresses on, plus one table of recent INVITEs
 * for unauthenticated-call (rules/flowtab.h: only with domains that
 * require authentication) and one of recent request transactions for
 * auth-bruteforce and auth-breach.  An attacker fills every table to its
 * cap with keys of his choosing, so an entry holds only what its rule
 * needs (struct kent and enum kx): about 56 to 88 bytes.  The tables run
 * their clock in milliseconds of packet time; an entry idle for longer than
 * its rule's window and suppression window expires, and a thresholded
 * rule's entry that holds nothing a later event could see (kent_empty)
 * goes once idle for longer than the window, so that the many keys that
 * never come near their threshold do not stay for the suppression window.
 * An entry that leaves its table (expiry or eviction) with suppressed
 * events still unreported emits the "N further <rule> events for <key>
 * suppressed" alert then, at the severity of the key's last alert, so no
 * count is lost silently.
 *
 * Sliding windows use WIN_SLOTS sub-buckets per key: an event is counted
 * while it is within the last WIN_SLOTS - 1 full sub-buckets, so the
 * window is exact to window/16 (events older than the window are never
 * counted, events younger than window * 15/16 always are).
 */
#include "rules/rules.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "parsers/decap.h"
#include "parsers/sdp.h"
#include "parsers/sip_values.h"
#include "rules/flowtab.h"
#include "rules/ktab.h"
#include "rules/litscan.h"
#include "rules/mix64.h"

#define KEY_MAX 128   /* a key's text, NUL included (rendered for alerts) */
#define WIN_SLOTS 16
#define MSG_MAX 640
#define EXCERPT 96    /* bytes of packet text quoted in a message */
/* unauthenticated-call: an INVITE is remembered at least as long as a
 * proxy waits for its final response (Timer C, RFC 3261 section 16.6). */
#define INVITE_KEEP_MS 180000
/* auth-bruteforce: a request is remembered as long as a non-INVITE client
 * transaction lives, 64*T1 (Timer F, RFC 3261 section 17.1.2.2); a
 * challenge or failure comes well within it. */
#define TXN_KEEP_MS 32000
#define TXN_USER 64   /* digest username bytes kept per transaction */
#define TABLE_DEFAULT 65536

static const char *const rule_names[R__COUNT] = {
#define RULE_NAME(id, name, key, sev) name,
	RULE_MAP(RULE_NAME)
#undef RULE_NAME
};

/* ------------------------------------------------------------ hashing */

static uint64_t
rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* One 8-byte step of hash128's two lanes. */
static inline void
hash_word(uint64_t *h1, uint64_t *h2, uint64_t w)
{
	*h1 = rotl((*h1 ^ w) * 0x87c37b91114253d5ULL, 31);
	*h2 = rotl((*h2 + w) * 0x4cf5ad432745937fULL, 29) ^ *h1;
}

/* The last n % 8 bytes of s[0, n) as one word, every one of them in it
 * (the length is hashed apart), without a variable-length memcpy; 0 when
 * there are none. */
static inline uint64_t
tail_word(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s + (n & ~(size_t)7);
	n &= 7;
	if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, u, 4);
		memcpy(&b, u + n - 4, 4);
		return (uint64_t)a | (uint64_t)b << 32;
	}
	if (n > 0)
		return (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
	return 0;
}

/* Two independent 64-bit lanes: 128 bits of key identity, so distinct key
 * texts sharing a table entry would need a 2^-128 collision.  Inline: a
 * few times per message, on short texts. */
static inline void
hash128(const uint64_t seed[2], const char *s, size_t n, uint64_t out[2])
{
	uint64_t h1 = seed[0] ^ n, h2 = seed[1] ^ (n * 0x9e3779b97f4a7c15ULL);
	for (size_t i = 0; n - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		hash_word(&h1, &h2, w);
	}
	uint64_t w = tail_word(s, n);
	h1 = mix64(h1 ^ w);
	h2 = mix64(h2 + w + h1);
	out[0] = h1;
	out[1] = h2;
}

/* The bytes of a span into the lanes: whole words, then the rest as one. */
static inline void
hash_span(uint64_t *h1, uint64_t *h2, struct span a)
{
	for (size_t i = 0; a.len - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, a.p + i, 8);
		hash_word(h1, h2, w);
	}
	if (a.len & 7)
		hash_word(h1, h2, tail_word(a.p, a.len));
}

/* hash128() of a number and two spans together, in one pass: both
 * lengths and the number are in the seed, so the words that follow tell
 * the parts apart. */
static inline void
hash128_parts(const uint64_t seed[2], uint32_t x, struct span a, struct span b, uint64_t out[2])
{
	uint64_t h1 = seed[0] ^ ((uint64_t)a.len | (uint64_t)b.len << 32);
	uint64_t h2 = seed[1] ^ ((uint64_t)x * 0x9e3779b97f4a7c15ULL);
	hash_span(&h1, &h2, a);
	hash_span(&h1, &h2, b);
	h1 = mix64(h1);
	h2 = mix64(h2 + h1);
	out[0] = h1;
	out[1] = h2;
}

/* ----------------------------------------------------- bounded strings */

struct sb {
	char *p;
	size_t n, cap; /* cap includes the NUL */
};

/* Attacker bytes go into alert messages and keys: control bytes become
 * '?' so a sink cannot be fed line breaks or escapes. */
static void
sb_putc(struct sb *b, char c)
{
	if (b->n + 1 >= b->cap)
		return;
	unsigned char u = (unsigned char)c;
	b->p[b->n++] = (u < 0x20 || u == 0x7f) ? '?' : c;
	b->p[b->n] = '\0';
}

#define BYTES(c) ((uint64_t)(c) * 0x0101010101010101ULL)

/*
 * Eight bytes at a time (SWAR): each test works on the low seven bits of
 * every byte, where adding at most 0x7f to a byte cannot carry into the
 * next, and masks out the bytes of 0x80 and above, which are neither
 * letters nor control bytes.  A byte's bit 7 in the result says yes.
 */
static inline uint64_t
swar_ctl(uint64_t w)
{
	uint64_t l = w & BYTES(0x7f);
	/* below 0x20: l + 0x60 stays below 0x80; 0x7f: l + 1 reaches it */
	return (~(l + BYTES(0x60)) | (l + BYTES(0x01))) & ~w & BYTES(0x80);
}

static inline uint64_t
swar_upper(uint64_t w)
{
	uint64_t l = w & BYTES(0x7f);
	/* 'A' or above but not above 'Z' */
	return (l + BYTES(0x80 - 'A')) & ~(l + BYTES(0x80 - 'Z' - 1)) & ~w & BYTES(0x80);
}

/* The bytes of s that fit, as sb_putc would put them one by one; lower:
 * ASCII letters lower-cased.  Inline so each caller gets its own loop.
 * Whole words without a control byte go as they are (letters folded);
 * the rest byte by byte. */
static inline void
sb_copy(struct sb *b, struct span s, int lower)
{
	size_t n = b->cap - 1 - b->n;
	if (s.len < n)
		n = s.len;
	char *d = b->p + b->n;
	size_t i = 0;
	for (; n - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, s.p + i, 8);
		if (swar_ctl(w))
			break;
		if (lower)
			w |= swar_upper(w) >> 2; /* 0x80 >> 2: the case bit */
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++) {
		unsigned char u = (unsigned char)s.p[i];
		if (lower && u >= 'A' && u <= 'Z')
			u = (unsigned char)(u + 32);
		d[i] = (u < 0x20 || u == 0x7f) ? '?' : (char)u;
	}
	b->n += n;
	b->p[b->n] = '\0';
}

static void
sb_span(struct sb *b, struct span s)
{
	sb_copy(b, s, 0);
}

static void
sb_lspan(struct sb *b, struct span s)
{
	sb_copy(b, s, 1);
}

/* sb_mem() of more than fits: the part that does.  Out of line, as it is
 * rare (and so that the compiler does not see the copy's bound, room,
 * apart from n). */
static __attribute__((noinline, cold)) void
sb_mem_cut(struct sb *b, const char *s)
{
	size_t room = b->cap - 1 - b->n;
	memcpy(b->p + b->n, s, room);
	b->n += room;
	b->p[b->n] = '\0';
}

/* n bytes of s as they are, as much as fits: for text already cleaned or
 * of our own.  Inline, the whole copy apart: for a literal s (most alert
 * text) n is a constant and the copy a few moves. */
static inline void
sb_mem(struct sb *b, const char *s, size_t n)
{
	if (n > b->cap - 1 - b->n) {
		sb_mem_cut(b, s);
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* s as it is (as snprintf's %s would copy it), as much as fits.  Inline:
 * for a literal s the length is a constant. */
static inline void
sb_cat(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static void
sb_u64(struct sb *b, uint64_t v)
{
	char t[21];
	size_t i = sizeof(t) - 1;
	t[i] = '\0';
	do
		t[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_cat(b, t + i);
}

static void
sb_str(struct sb *b, const char *s)
{
	while (*s && b->n + 1 < b->cap)
		sb_putc(b, *s++);
}

static void
sb_init(struct sb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->n = 0;
	b->cap = cap;
	buf[0] = '\0';
}

/* A quoted excerpt of packet text, bounded and cleaned. */
static const char *
excerpt(char *buf, size_t cap, struct span s)
{
	struct sb b;
	sb_init(&b, buf, cap);
	if (s.len + 1 > cap) {
		struct span h = { s.p, (uint32_t)(cap > 4 ? cap - 4 : 0) };
		sb_span(&b, h);
		sb_str(&b, "...");
	} else {
		sb_span(&b, s);
	}
	return buf;
}

static const char *
addr_str(char buf[INET6_ADDRSTRLEN], int ver, const uint8_t *a)
{
	if (ver != 6) {
		ip4_text(buf, a);
		return buf;
	}
	if (inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN) == NULL)
		snprintf(buf, INET6_ADDRSTRLEN, "?");
	return buf;
}

static const char *
dur_str(char buf[24], uint32_t ms)
{
	if (ms % 1000 == 0)
		snprintf(buf, 24, "%us", ms / 1000);
	else
		snprintf(buf, 24, "%ums", ms);
	return buf;
}

/* "scheme:user@host" without parameters; host lower-cased (RFC 3261
 * section 19.1.4: hosts compare case-insensitively, users do not). */
static void
sb_uri(struct sb *b, const struct sip_uri *u, struct span fallback)
{
	if (u->scheme_tok.len == 0) {
		sb_span(b, fallback);
		return;
	}
	sb_lspan(b, u->scheme_tok);
	sb_putc(b, ':');
	if (u->user.len) {
		sb_span(b, u->user);
		if (u->host.len)
			sb_putc(b, '@');
	}
	sb_lspan(b, u->host);
}

static void
sb_userhost(struct sb *b, const struct sip_uri *u)
{
	sb_span(b, u->user);
	sb_putc(b, '@');
	sb_lspan(b, u->host);
}

/* ------------------------------------------------------------ windows */

/*
 * A sliding window is WIN_SLOTS sub-bucket counters.  Most keys see a
 * handful of events, so the counters start as 4-bit fields packed in one
 * word; the first sub-bucket to reach 16 events moves the window to 32-bit
 * counters of its own (struct wwin), which it keeps until the entry goes.
 * The newest sub-bucket is the one of the entry's last use: every use of
 * a thresholded entry adds an event.
 */
#define NIB_MAX 15

struct wwin {
	uint32_t n[WIN_SLOTS];
	uint64_t sum; /* of n[] */
};

union win {
	uint64_t nib;      /* WIN_SLOTS 4-bit counters */
	struct wwin *wide; /* when the entry's KF_WIDE is set */
};

static uint32_t
win_width(uint32_t window_ms)
{
	uint32_t w = window_ms / WIN_SLOTS;
	return w ? w : 1;
}

/* user-enumeration: distinct users per key, at most dcap kept. */
struct dslot {
	uint64_t h;
	int64_t t; /* last seen; INT64_MIN when empty */
};

/* ------------------------------------------------------------- tables */

struct rule_engine;

enum {
	KF_WIDE = 1 << 0, /* the window has 32-bit counters */
	KF_TEXT = 1 << 1, /* the key text is kept in the rule's text map */
};

/*
 * Per rule and key: counting and suppression state, then what the rule
 * needs beyond it (enum kx): a sliding window for thresholded rules, the
 * distinct users of user-enumeration.  The key text is not kept: address
 * keys are rendered from the binary key when an alert or a flush needs
 * them, and other keys' text is kept only while the entry holds suppressed
 * events, the one case where it must be reported without a message.
 */
struct kent {
	struct ktab_ent n;  /* first: ktab records begin with it */
	uint64_t suppressed;
	/* ms from the last alert to the entry's last use, saturating: rules
	 * compare it with durations of at most 7 days. */
	uint32_t alert_age;
	uint8_t alerted;
	uint8_t sev;        /* of the last alert: the flush carries it */
	uint8_t flags;      /* KF_* */
	uint8_t wsum;       /* sum of the 4-bit counters */
};

struct kthresh {
	union win w;
	int64_t crossed;    /* auth-bruteforce: last time over threshold */
};

struct kusers {
	struct dslot d0;
	struct dslot *more; /* the other dcap - 1 slots, once needed */
};

/* The bytes after struct kent, by kind of rule. */
enum kx { KX_NONE, KX_WIN, KX_WIN_CROSSED, KX_USERS };

static union win *
kwin(struct kent *k)
{
	return &((struct kthresh *)(k + 1))->w;
}

static struct kthresh *
kthr(struct kent *k)
{
	return (struct kthresh *)(k + 1);
}

static struct kusers *
kusr(struct kent *k)
{
	return (struct kusers *)(k + 1);
}

/* Key text kept for an entry with suppressed events (KF_TEXT). */
struct ktext {
	struct ktext *next;
	const struct kent *k;
	char s[];
};

/* A rule's alert rate window: opened at start by the rule's first alert,
 * used alerts let through in it, and held alerts held back since (standing
 * for events events, the highest severity sev), reported in one alert once
 * it is over. */
struct rl_state {
	int64_t start;         /* INT64_MIN: no window open */
	uint32_t used;
	int sev;
	uint64_t held, events;
};

struct rtab {
	struct ktab t;
	int live;
	int rule_id;           /* -1: custom */
	const char *name;
	const struct rule_common *c;
	int64_t idle;          /* ms */
	int64_t quiet;         /* ms, <= idle: when kent_empty is first asked */
	uint32_t dcap;
	enum kx kx;
	struct ktext **tx;     /* chained by entry address */
	uint32_t ntx, ctx;     /* buckets (a power of two or 0), texts */
	int64_t crossed;       /* KX_WIN_CROSSED: the latest of its entries'
	                          crossed (INT64_MIN: none yet), so that
	                          auth-breach can tell that none is recent
	                          without looking any up */
	struct rule_engine *e;
	/* alert_rate (rule_alert_rate()): at most rl_count alerts per
	 * window of rl_per ms; rl is where the current window stands. */
	uint32_t rl_count;     /* 0: no limit */
	int64_t rl_per;
	struct rl_state rl;
};

/* unauthenticated-call: recent dialog-opening INVITEs by Call-ID. */
struct inv {
	struct ftab_node n;
	uint8_t creds, challenged, done;
	char domain[64];
};

/* auth-bruteforce: recent requests by Call-ID, CSeq number and CSeq
 * method, so that a 401/407 can be told apart as the ordinary digest
 * challenge to a request without credentials (RFC 3261 section 22.2) or a
 * rejection of credentials. */
struct txn {
	struct ktab_ent n;
	uint64_t branch;     /* topmost Via branch of the newest request */
	char *user;          /* digest username before any '@' (at most
	                        TXN_USER - 1 bytes); NULL unknown */
	uint8_t creds;       /* Authorization or Proxy-Authorization present */
	uint8_t final;       /* a final response to that branch was seen: a
	                        later one is a retransmission (RFC 3261
	                        section 17.2) */
};

/* What an attacker's key costs (tables.size of them per rule). */
_Static_assert(sizeof(struct kent) == 56, "struct kent grew");
_Static_assert(sizeof(struct txn) == 64, "struct txn grew");

struct custom_rt {
	uint16_t hdr_id;   /* SIP_H_OTHER: compare names */
	uint32_t name_len;
};

struct rule_engine {
	const struct rule_config *cfg;
	rule_alert_fn fn;
	void *ud;
	struct rule_stats *st; /* separate so the const accessor can refresh it */
	uint64_t seed[2];
	uint64_t plh_base;
	struct timeval ts;     /* newest packet time */
	int64_t now;
	struct rtab rt[R__COUNT];
	struct rtab *crt;
	struct custom_rt *cinfo;
	struct ftab inv;
	int inv_live;
	int64_t inv_idle;
	struct ktab txn;
	int txn_live;
	int us_live;           /* unknown-source has a policy to check */
	int du_live;           /* disallowed-uri has patterns or users */
	size_t *dom_len;
	int any_custom;
	uint32_t active;       /* bit id: on(e, id) (set_active) */
	struct pattern *scan_any; /* prefilter: all scanner patterns as one */
	struct litscan *scan_lit; /* cheaper one, when all are literals */
	struct pattern *du_any;   /* prefilter: the deny patterns as one */
	int64_t rl_due;        /* packet time at which a rule's held-back
	                          alerts are due to be reported (INT64_MAX:
	                          none held) */
	char msg[MSG_MAX];
};

/* Key kinds.  Address and IPv4 pair keys are their own text's source;
 * text and IPv6 pair keys are 128-bit hashes. */
enum { K_TEXT = 1, K_ADDR, K_PAIR4, K_PAIR6 };
/* Tag of an address key rendered "src <address>" (auth-bruteforce's
 * per-client key, which shares a table with per-user text keys). */
#define TAG_SRC 2

/* Key of an event before it is looked up. */
struct rkey {
	struct ktab_key k;
	uint64_t h;           /* ktab_hash(&k): once for every table it visits */
	const uint8_t *a, *b; /* address keys: the address (a), or the pair's
	                         two in key order (a, b) */
	size_t n;             /* K_TEXT: bytes in txt */
	char txt[KEY_MAX];    /* K_TEXT */
};

/* k->txt holds the key's text, written by b (every caller builds it in
 * place); the key becomes its hash. */
static void
key_text(const struct rule_engine *e, struct rkey *k, uint16_t tag, struct sb *b)
{
	uint64_t h[2];
	hash128(e->seed, b->p, b->n, h);
	k->n = b->n;
	k->h = ktab_key_set(&k->k, h[0], h[1], ktab_key_tail(K_TEXT, 0, tag));
}

/* The keys below are made as words and stored whole (ktab_key_set()). */
static void
key_addr(struct rkey *k, uint16_t tag, int ver, const uint8_t *a)
{
	uint64_t w0, w1 = 0;
	if (ver == 6) {
		memcpy(&w0, a, sizeof(w0));
		memcpy(&w1, a + 8, sizeof(w1));
	} else {
		w0 = ktab_word4(a, NULL);
	}
	k->a = a;
	k->h = ktab_key_set(&k->k, w0, w1, ktab_key_tail(K_ADDR, (uint8_t)ver, tag));
}

/* An IPv6 pair key's id, the hash of the two addresses: out of line, so
 * that the usual IPv4 pair (below) saves no registers for it. */
static __attribute__((noinline)) void
pair6_id(const struct rule_engine *e, const uint8_t *a, const uint8_t *b, uint64_t h[2])
{
	uint8_t ab[32];
	memcpy(ab, a, 16);
	memcpy(ab + 16, b, 16);
	hash128(e->seed, (const char *)ab, sizeof(ab), h);
}

/* Inline: cleartext-signalling keys every message by its pair. */
static inline void
key_pair(const struct rule_engine *e, struct rkey *k, uint16_t tag, int ver,
    const uint8_t *a, const uint8_t *b)
{
	/* Byte order, as memcmp: the pair is the same from either end. */
	int swap = ver == 6 ? memcmp(a, b, 16) > 0
	                    : ((uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3]) >
	        ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]);
	if (swap) {
		const uint8_t *t = a;
		a = b;
		b = t;
	}
	k->a = a;
	k->b = b;
	if (ver == 6) {
		uint64_t h[2];
		pair6_id(e, a, b, h);
		k->h = ktab_key_set(&k->k, h[0], h[1], ktab_key_tail(K_PAIR6, 6, tag));
	} else {
		k->h = ktab_key_set(&k->k, ktab_word4(a, b), 0,
		    ktab_key_tail(K_PAIR4, (uint8_t)ver, tag));
	}
}

/* Dotted quad without stdio: keys are rendered for every alert.  Straight
 * into the buffer when the longest one (and its NUL) fits. */
static void
sb_ip4(struct sb *b, const uint8_t *a)
{
	if (b->cap - b->n >= 16) {
		b->n += ip4_text(b->p + b->n, a);
		return;
	}
	char t[16];
	sb_mem(b, t, ip4_text(t, a));
}

static void
sb_ip(struct sb *b, int ver, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (ver == 6)
		sb_str(b, addr_str(buf, 6, a));
	else
		sb_ip4(b, a);
}

/* The text of an address or IPv4 pair key, from the binary key. */
static void
render_bin(const struct ktab_key *k, struct sb *b)
{
	if (k->kind == K_ADDR) {
		if (k->tag == TAG_SRC)
			sb_cat(b, "src ");
		sb_ip(b, k->ver, k->id);
	} else {
		sb_ip4(b, k->id);
		sb_cat(b, " <-> ");
		sb_ip4(b, k->id + 4);
	}
}

static void
key_render(const struct rkey *k, char out[KEY_MAX])
{
	struct sb b;
	sb_init(&b, out, KEY_MAX);
	switch (k->k.kind) {
	case K_TEXT:
		memcpy(out, k->txt, k->n + 1);
		break;
	case K_PAIR6:
		sb_ip(&b, 6, k->a);
		sb_cat(&b, " <-> ");
		sb_ip(&b, 6, k->b);
		break;
	default:
		render_bin(&k->k, &b);
	}
}

static uint32_t
tx_bucket(const struct rtab *rt, const struct kent *k)
{
	return (uint32_t)mix64((uint64_t)(uintptr_t)k) & (rt->ntx - 1);
}

static const char *
tx_get(const struct rtab *rt, const struct kent *k)
{
	if (!(k->flags & KF_TEXT))
		return NULL;
	for (const struct ktext *t = rt->tx[tx_bucket(rt, k)]; t; t = t->next)
		if (t->k == k)
			return t->s;
	return NULL;
}

static void
tx_del(struct rtab *rt, struct kent *k)
{
	if (!(k->flags & KF_TEXT))
		return;
	k->flags &= (uint8_t)~KF_TEXT;
	for (struct ktext **pp = &rt->tx[tx_bucket(rt, k)]; *pp; pp = &(*pp)->next) {
		if ((*pp)->k == k) {
			struct ktext *t = *pp;
			*pp = t->next;
			free(t);
			rt->ctx--;
			return;
		}
	}
}

/* Keeps the text of k's key; without memory the flush says "?". */
static void
tx_put(struct rtab *rt, struct kent *k, const struct rkey *rk)
{
	if (k->flags & KF_TEXT)
		return;
	if (rt->ctx >= rt->ntx) {
		uint32_t nn = rt->ntx ? rt->ntx * 2 : 64;
		struct ktext **nb = calloc(nn, sizeof(*nb));
		if (nb == NULL)
			return;
		for (uint32_t i = 0; i < rt->ntx; i++) {
			while (rt->tx[i]) {
				struct ktext *t = rt->tx[i];
				rt->tx[i] = t->next;
				uint32_t b = (uint32_t)mix64((uint64_t)(uintptr_t)t->k) & (nn - 1);
				t->next = nb[b];
				nb[b] = t;
			}
		}
		free(rt->tx);
		rt->tx = nb;
		rt->ntx = nn;
	}
	char s[KEY_MAX];
	key_render(rk, s);
	size_t n = strlen(s) + 1;
	struct ktext *t = malloc(sizeof(*t) + n);
	if (t == NULL)
		return;
	t->k = k;
	memcpy(t->s, s, n);
	uint32_t b = tx_bucket(rt, k);
	t->next = rt->tx[b];
	rt->tx[b] = t;
	rt->ctx++;
	k->flags |= KF_TEXT;
}

static void
kent_key(const struct rtab *rt, const struct kent *k, char out[KEY_MAX])
{
	struct sb b;
	sb_init(&b, out, KEY_MAX);
	if (k->n.key.kind == K_ADDR || k->n.key.kind == K_PAIR4) {
		render_bin(&k->n.key, &b);
	} else {
		const char *s = tx_get(rt, k);
		sb_str(&b, s ? s : "?");
	}
}

static void emit(struct rule_engine *e, struct rtab *rt, const char *key,
    uint64_t count, int sev, const char *msg, const struct rule_pkt *p,
    const struct sip_msg *m, const struct sip_summary *s);

/* Reports k's held-back events (k->suppressed > 0). */
static void
flush_held(struct rtab *rt, struct kent *k)
{
	char m[MSG_MAX], key[KEY_MAX];
	uint64_t n = k->suppressed;
	k->suppressed = 0;
	kent_key(rt, k, key);
	tx_del(rt, k);
	struct sb b;
	sb_init(&b, m, sizeof(m));
	sb_u64(&b, n);
	sb_cat(&b, " further ");
	sb_cat(&b, rt->name);
	if (n == 1)
		sb_cat(&b, " event for ");
	else
		sb_cat(&b, " events for ");
	sb_cat(&b, key);
	sb_cat(&b, " suppressed since the last alert");
	/* Suppressed events are those of the last alert's kind: a raised
	 * severity must not be reported lower at the flush. */
	int sev = k->alerted ? k->sev : rt->c->severity;
	emit(rt->e, rt, key, n, sev, m, NULL, NULL, NULL);
}

/* Inline: every entry that leaves a table passes here, and few hold
 * anything back. */
static inline void
flush_entry(struct rtab *rt, struct kent *k)
{
	if (k->suppressed)
		flush_held(rt, k);
}

static void
kent_release(void *ud, struct ktab_ent *n, enum ktab_why why)
{
	struct rtab *rt = ud;
	struct kent *k = (struct kent *)n;
	if (why == KTAB_EVICTED)
		rt->e->st->table_evictions++;
	if (why == KTAB_EVICTED || why == KTAB_EXPIRED)
		flush_entry(rt, k);
	tx_del(rt, k);
	if ((rt->kx == KX_WIN || rt->kx == KX_WIN_CROSSED) && (k->flags & KF_WIDE))
		free(kwin(k)->wide);
	else if (rt->kx == KX_USERS)
		free(kusr(k)->more);
}

/* Releases inv entries. */
static void
plain_release(void *ud, struct ftab_node *n, enum ftab_why why)
{
	struct rule_engine *e = ud;
	if (why == FTAB_EVICTED)
		e->st->table_evictions++;
	free(n);
}

static void
txn_release(void *ud, struct ktab_ent *n, enum ktab_why why)
{
	struct rule_engine *e = ud;
	if (why == KTAB_EVICTED)
		e->st->table_evictions++;
	free(((struct txn *)n)->user);
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static size_t
kx_size(enum kx kx)
{
	switch (kx) {
	case KX_WIN:
		return sizeof(union win);
	case KX_WIN_CROSSED:
		return sizeof(struct kthresh);
	case KX_USERS:
		return sizeof(struct kusers);
	default:
		return 0;
	}
}

static enum kx
rule_kx(int id)
{
	switch (id) {
	case R_FROM_FLOOD:
	case R_SOURCE_FLOOD:
	case R_INVITE_FLOOD:
	case R_REGISTER_FLOOD:
		return KX_WIN;
	case R_AUTH_BRUTEFORCE:
		return KX_WIN_CROSSED;
	case R_USER_ENUMERATION:
		return KX_USERS;
	default:
		return KX_NONE;
	}
}

/*
 * 1 when k, last used at k->n.last, behaves at time now and after as a
 * fresh entry would: no events held back (so nothing to flush); no alert
 * that a later decide() would still see within the suppression window or
 * the window (the age only grows); an empty window (win_add clears it when
 * the use is WIN_SLOTS sub-buckets past the last, whatever it holds); no
 * distinct user within the window; no auth-bruteforce crossing that
 * auth-breach can still look back to.
 */
static int
kent_empty(void *ud, const struct ktab_ent *n, int64_t now)
{
	const struct rtab *rt = ud;
	const struct kent *k = (const struct kent *)n;
	int64_t idle = now - n->last;
	if (k->suppressed)
		return 0;
	if (k->alerted &&
	    (int64_t)k->alert_age + idle < max64(rt->c->suppress_ms, rt->c->window_ms))
		return 0;
	switch (rt->kx) {
	case KX_WIN_CROSSED: {
		int64_t crossed = ((const struct kthresh *)(k + 1))->crossed;
		if (crossed != INT64_MIN &&
		    now - crossed <= (int64_t)rt->e->cfg->r[R_AUTH_BREACH].window_ms)
			return 0;
	}
		/* FALLTHROUGH */
	case KX_WIN: {
		int64_t w = win_width(rt->c->window_ms);
		return now / w - n->last / w >= WIN_SLOTS;
	}
	case KX_USERS:
		/* A slot is stamped at a use: none is later than the last. */
		return idle >= rt->c->window_ms;
	default:
		return 1;
	}
}

static int
rtab_init(struct rule_engine *e, struct rtab *rt, int id, const char *name,
    const struct rule_common *c, uint32_t dcap, enum kx kx)
{
	rt->e = e;
	rt->rule_id = id;
	rt->name = name;
	rt->c = c;
	rt->dcap = dcap;
	rt->kx = kx;
	rt->crossed = INT64_MIN;
	struct alert_rate r = rule_alert_rate(e->cfg, c);
	rt->rl_count = r.count;
	rt->rl_per = r.per_ms ? r.per_ms : 1000;
	rt->rl.start = INT64_MIN;
	rt->idle = max64(c->window_ms, c->suppress_ms);
	/* Only a window or distinct users can empty before the suppression
	 * window ends: every event of a rule without them alerts or is held
	 * back. */
	rt->quiet = kx == KX_NONE ? rt->idle : c->window_ms;
	size_t cap = e->cfg->table_size ? e->cfg->table_size : TABLE_DEFAULT;
	if (ktab_init(&rt->t, (uint32_t)cap, sizeof(struct kent) + kx_size(kx), kent_release,
	        kent_empty, rt) != 0)
		return -1;
	rt->live = 1;
	return 0;
}

static void
rtab_destroy(struct rtab *rt)
{
	if (!rt->live)
		return;
	ktab_destroy(&rt->t);
	free(rt->tx);
	rt->tx = NULL;
	rt->ntx = rt->ctx = 0;
}

/* Finds or creates the entry for k.  *prev: when it was last used (now
 * for a new entry).  Inline: every event of every rule comes here. */
static inline struct kent *
rtab_get(struct rule_engine *e, struct rtab *rt, const struct rkey *k, int64_t *prev)
{
	int created;
	struct kent *ke = (struct kent *)ktab_get(&rt->t, &k->k, k->h, e->now, rt->idle, rt->quiet,
	    prev, &created);
	if (ke == NULL) {
		e->st->oom++;
		return NULL;
	}
	if (!created) {
		int64_t age = (int64_t)ke->alert_age + (e->now - *prev);
		ke->alert_age = age < UINT32_MAX ? (uint32_t)age : UINT32_MAX;
		return ke;
	}
	if (rt->kx == KX_WIN_CROSSED)
		kthr(ke)->crossed = INT64_MIN;
	else if (rt->kx == KX_USERS)
		kusr(ke)->d0.t = INT64_MIN;
	return ke;
}

static struct kent *
rtab_peek(struct rule_engine *e, struct rtab *rt, const struct rkey *k)
{
	ktab_expire(&rt->t, e->now, rt->idle, rt->quiet);
	return (struct kent *)ktab_find(&rt->t, &k->k, k->h);
}

/* The sum of the 4-bit counters in x: pairs into bytes (at most 30
 * each), then the bytes into the top one (at most 240, no carry). */
static unsigned
nib_sum(uint64_t x)
{
	x = (x & BYTES(0x0f)) + (x >> 4 & BYTES(0x0f));
	return (unsigned)((x * BYTES(1)) >> 56);
}

/* win_add() of a window with 32-bit counters (KF_WIDE). */
static uint64_t
win_add_wide(struct wwin *ww, int64_t head, int64_t s)
{
	if (s - head >= WIN_SLOTS) {
		memset(ww->n, 0, sizeof(ww->n));
		ww->sum = 0;
	} else {
		for (int64_t i = head + 1; i <= s; i++) {
			ww->sum -= ww->n[i % WIN_SLOTS];
			ww->n[i % WIN_SLOTS] = 0;
		}
	}
	/* A packet stamped earlier than the newest one (capture
	 * reordering) joins the newest sub-bucket: packet time only
	 * moves forward for the tables, so s is the newest. */
	uint32_t *c = &ww->n[s % WIN_SLOTS];
	if (*c < UINT32_MAX) {
		(*c)++;
		ww->sum++;
	}
	return ww->sum;
}

/* win_add() of a 4-bit counter that is full: the window moves to 32-bit
 * counters. */
static uint64_t
win_widen(struct kent *k, unsigned slot, uint64_t *oom)
{
	union win *w = kwin(k);
	struct wwin *ww = malloc(sizeof(*ww));
	if (ww == NULL) {
		(*oom)++;
		return k->wsum;
	}
	for (unsigned i = 0; i < WIN_SLOTS; i++)
		ww->n[i] = (uint32_t)((w->nib >> (i * 4)) & NIB_MAX);
	ww->sum = k->wsum;
	w->wide = ww;
	k->flags |= KF_WIDE;
	ww->n[slot]++;
	return ++ww->sum;
}

/* Adds one event at now to k's window (last used at prev) and returns the
 * events within the window.  An event that cannot be counted for want of
 * memory is counted in *oom.  Inline: every event of a thresholded rule
 * comes here, and most keys' windows stay in one word. */
static inline uint64_t
win_add(struct kent *k, int64_t prev, int64_t now, uint32_t width, uint64_t *oom)
{
	union win *w = kwin(k);
	int64_t head = prev / width, s = now / width;
	if (k->flags & KF_WIDE)
		return win_add_wide(w->wide, head, s);
	if (s - head >= WIN_SLOTS) {
		w->nib = 0;
		k->wsum = 0;
	} else if (s > head) {
		/* The sub-buckets head + 1 .. s go: a run of counters that
		 * may wrap around the word. */
		unsigned run = (unsigned)(s - head) * 4, at = (unsigned)((head + 1) % WIN_SLOTS) * 4;
		uint64_t m = ((uint64_t)1 << run) - 1;
		m = m << at | m >> ((64 - at) & 63);
		k->wsum = (uint8_t)(k->wsum - nib_sum(w->nib & m));
		w->nib &= ~m;
	}
	unsigned sh = (unsigned)(s % WIN_SLOTS) * 4;
	if (((w->nib >> sh) & NIB_MAX) < NIB_MAX) {
		w->nib += (uint64_t)1 << sh;
		return ++k->wsum;
	}
	return win_widen(k, (unsigned)(s % WIN_SLOTS), oom);
}

/*
 * An event on k that qualifies for an alert.  Returns the count the alert
 * stands for, or 0 when the key alerted within the suppression window (the
 * event is then added to the next alert's count).  first: for thresholded
 * rules, the events in the window; it is the count when no earlier alert's
 * events can be among them.  rk: the key, kept as text while events are
 * held back and the binary key cannot give it back.
 */
static inline uint64_t
decide(struct rule_engine *e, struct rtab *rt, struct kent *k, const struct rkey *rk,
    uint64_t first)
{
	if (k->alerted && k->alert_age < rt->c->suppress_ms) {
		if (k->suppressed++ == 0 && (rk->k.kind == K_TEXT || rk->k.kind == K_PAIR6))
			tx_put(rt, k, rk);
		e->st->suppressed++;
		return 0;
	}
	uint64_t n = 1 + k->suppressed;
	if (k->suppressed == 0 && first > 1 &&
	    (!k->alerted || k->alert_age >= rt->c->window_ms))
		n = first;
	k->suppressed = 0;
	tx_del(rt, k);
	k->alerted = 1;
	k->alert_age = 0;
	return n;
}

/* Hands one alert to the callback, and counts it. */
static void
emit_now(struct rule_engine *e, const struct rtab *rt, const char *key, uint64_t count,
    int sev, const char *msg, const struct rule_pkt *p, const struct sip_msg *m,
    const struct sip_summary *s)
{
	struct rule_alert a = {
		.ts = e->ts,
		.rule = rt->name,
		.rule_id = rt->rule_id,
		.severity = sev,
		.message = msg,
		.key = key,
		.count = count,
		.pkt = p,
		.msg = m,
		.sum = s,
	};
	if (rt->rule_id >= 0)
		e->st->alerts[rt->rule_id]++;
	else
		e->st->alerts_custom++;
	e->st->by_severity[sev]++;
	if (e->fn)
		e->fn(e->ud, &a);
}

/* "1000 per 1s": the limit as the configuration would write it. */
static void
sb_rate(struct sb *b, const struct rtab *rt)
{
	sb_u64(b, rt->rl_count);
	sb_cat(b, " per ");
	if (rt->rl_per % 1000 == 0) {
		sb_u64(b, (uint64_t)rt->rl_per / 1000);
		sb_cat(b, "s");
	} else {
		sb_u64(b, (uint64_t)rt->rl_per);
		sb_cat(b, "ms");
	}
}

/* Reports rt's held-back alerts (rt->rl.held > 0) in one alert: no key,
 * no packet, the events they stood for as its count. */
static __attribute__((noinline)) void
rate_report(struct rule_engine *e, struct rtab *rt)
{
	char m[MSG_MAX];
	struct sb b;
	sb_init(&b, m, sizeof(m));
	sb_u64(&b, rt->rl.held);
	sb_cat(&b, " further ");
	sb_cat(&b, rt->name);
	sb_cat(&b, rt->rl.held == 1 ? " alert (" : " alerts (");
	sb_u64(&b, rt->rl.events);
	sb_cat(&b, rt->rl.events == 1 ? " event)" : " events)");
	sb_cat(&b, " held back by the alert rate limit of ");
	sb_rate(&b, rt);
	uint64_t n = rt->rl.events;
	int sev = rt->rl.sev;
	rt->rl.held = rt->rl.events = 0;
	emit_now(e, rt, NULL, n, sev, m, NULL, NULL, NULL);
}

/* 1 when rt may raise one more alert now; else the alert is held back
 * (counted, and reported by rate_report() once its window is over).
 * Out of line: only rules with a limit come here, once per alert. */
static __attribute__((noinline)) int
rate_ok(struct rule_engine *e, struct rtab *rt, uint64_t count, int sev)
{
	if (rt->rl.start == INT64_MIN || e->now - rt->rl.start >= rt->rl_per) {
		if (rt->rl.held)
			rate_report(e, rt);
		rt->rl.start = e->now;
		rt->rl.used = 0;
	}
	if (rt->rl.used < rt->rl_count) {
		rt->rl.used++;
		return 1;
	}
	if (rt->rl.held++ == 0) {
		rt->rl.sev = sev;
		if (rt->rl.start + rt->rl_per < e->rl_due)
			e->rl_due = rt->rl.start + rt->rl_per;
	} else if (sev > rt->rl.sev) {
		rt->rl.sev = sev;
	}
	rt->rl.events += count;
	e->st->rate_limited++;
	return 0;
}

static void
emit(struct rule_engine *e, struct rtab *rt, const char *key, uint64_t count, int sev,
    const char *msg, const struct rule_pkt *p, const struct sip_msg *m,
    const struct sip_summary *s)
{
	if (sev < 0 || sev >= SEV__COUNT)
		sev = SEV_MEDIUM;
	/* The usual alert: room in the open window (no call). */
	if (rt->rl_count) {
		struct rl_state *r = &rt->rl;
		if (r->start != INT64_MIN && e->now - r->start < rt->rl_per &&
		    r->used < rt->rl_count)
			r->used++;
		else if (!rate_ok(e, rt, count, sev))
			return;
	}
	emit_now(e, rt, key, count, sev, msg, p, m, s);
}

/* Reports the held-back alerts of every rule whose window is over, and
 * sets when the next are due. */
static __attribute__((noinline)) void
rate_tick(struct rule_engine *e)
{
	int64_t due = INT64_MAX;
	size_t nc = e->cfg->n_customs;
	for (size_t i = 0; i < R__COUNT + nc; i++) {
		struct rtab *rt = i < R__COUNT ? &e->rt[i] : &e->crt[i - R__COUNT];
		if (!rt->live || rt->rl.held == 0)
			continue;
		if (e->now - rt->rl.start >= rt->rl_per) {
			rate_report(e, rt);
			rt->rl.start = INT64_MIN;
		} else if (rt->rl.start + rt->rl_per < due) {
			due = rt->rl.start + rt->rl_per;
		}
	}
	e->rl_due = due;
}

/* -------------------------------------------------------- per message */

struct ctx {
	struct rule_engine *e;
	const struct rule_pkt *p;
	const struct sip_msg *m;
	const struct sip_summary *s;
	int dom_done;
	const struct domain_def *dom;
	/* The packet's addresses as text, once asked for: a message's
	 * alerts and keys name them several times. */
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char key[KEY_MAX]; /* the key of the alert being raised */
	/* Keys that several rules use, or that prefetch_keys() fetches
	 * ahead of the rules: each made and hashed once, when first asked
	 * for (made: KM_* bits). */
	unsigned made;
	int raised;               /* cleartext_raised() */
	struct rkey src_k;        /* the source address (src_key()) */
	struct rkey pair_k[2];    /* the peer pair, by tag (pair_key()) */
	struct rkey from_k;       /* from-flood's (from_key()) */
	struct rkey txn_k;        /* the transaction's (txn_key()) */
};

enum {
	KM_SRC = 1 << 0,
	KM_PAIR = 1 << 1,         /* << tag */
	KM_FROM = 1 << 3,
	KM_TXN = 1 << 4,
	KM_RAISED = 1 << 5,
	KM_NOFROM = 1 << 6,       /* the message has no from-flood key */
	KM_NOTXN = 1 << 7,        /* nor a transaction key */
};

static const char *
src_str(struct ctx *x)
{
	if (x->src[0] == '\0')
		addr_str(x->src, x->p->ipver, x->p->src);
	return x->src;
}

static const char *
dst_str(struct ctx *x)
{
	if (x->dst[0] == '\0')
		addr_str(x->dst, x->p->ipver, x->p->dst);
	return x->dst;
}

/* The text of a, the packet's source or destination (NULL otherwise). */
static const char *
pkt_addr_str(struct ctx *x, const uint8_t *a)
{
	if (a == x->p->src)
		return src_str(x);
	if (a == x->p->dst)
		return dst_str(x);
	return NULL;
}

/* k's text into x->key, as key_render() gives it; an address key of the
 * packet's own addresses from their text in x. */
static void
render_key(struct ctx *x, const struct rkey *k)
{
	const char *a, *b;
	struct sb sb;
	switch (k->k.kind) {
	case K_ADDR:
		if ((a = pkt_addr_str(x, k->a)) == NULL)
			break;
		sb_init(&sb, x->key, KEY_MAX);
		if (k->k.tag == TAG_SRC)
			sb_cat(&sb, "src ");
		sb_cat(&sb, a);
		return;
	case K_PAIR4:
	case K_PAIR6:
		if ((a = pkt_addr_str(x, k->a)) == NULL || (b = pkt_addr_str(x, k->b)) == NULL)
			break;
		sb_init(&sb, x->key, KEY_MAX);
		sb_cat(&sb, a);
		sb_cat(&sb, " <-> ");
		sb_cat(&sb, b);
		return;
	}
	key_render(k, x->key);
}

/* The domain of a message: Request-URI host for requests, To host for
 * responses. */
static const struct domain_def *
domain(struct ctx *x)
{
	if (x->dom_done)
		return x->dom;
	x->dom_done = 1;
	const struct rule_config *cfg = x->e->cfg;
	struct span host = x->m->is_request ? x->s->ruri.host : x->s->to.uri.host;
	if (host.len == 0)
		return NULL;
	for (size_t i = 0; i < cfg->n_domains; i++)
		if (span_ieq_n(host, cfg->domains[i].name, x->e->dom_len[i])) {
			x->dom = &cfg->domains[i];
			break;
		}
	return x->dom;
}

static int
in_refs(const struct rule_config *cfg, const struct net_refs *r, int ver, const uint8_t *a)
{
	for (uint16_t i = 0; i < r->n && i < CFG_MAX_REFS; i++) {
		uint16_t idx = r->idx[i];
		if (idx < cfg->n_networks && cfg->networks[idx].set &&
		    cidr_set_match(cfg->networks[idx].set, ver, a))
			return 1;
	}
	return 0;
}

_Static_assert(R__COUNT <= 32, "rule_engine.active holds a bit per rule");

/* The built-in rules that run: a table and enabled.  Both change only when
 * an engine is built or reloaded, so every message reads one word. */
static void
set_active(struct rule_engine *e)
{
	e->active = 0;
	for (int id = 0; id < R__COUNT; id++)
		if (e->rt[id].live && e->cfg->r[id].enabled)
			e->active |= 1u << id;
}

static struct rtab *
on(struct rule_engine *e, int id)
{
	return e->active & (1u << id) ? &e->rt[id] : NULL;
}

/* The memos below are inline: each rule that uses a key asks for it,
 * and all but the first find it made. */
static inline const struct rkey *
src_key(struct ctx *x)
{
	if (!(x->made & KM_SRC)) {
		key_addr(&x->src_k, 0, x->p->ipver, x->p->src);
		x->made |= KM_SRC;
	}
	return &x->src_k;
}

/* The peer pair's key, tag 0 or 1.  Always inline: every message asks
 * for it twice (prefetch_keys, r_cleartext), and the compiler's own
 * choice changes with the size of its callers. */
static inline __attribute__((always_inline)) const struct rkey *
pair_key(struct ctx *x, uint16_t tag)
{
	if (!(x->made & (KM_PAIR << tag))) {
		key_pair(x->e, &x->pair_k[tag], tag, x->p->ipver, x->p->src, x->p->dst);
		x->made |= KM_PAIR << tag;
	}
	return &x->pair_k[tag];
}

/* Why cleartext signalling is raised to high severity: 1 the domain
 * requires TLS, 2 a network at either end does, 0 neither. */
static inline int
cleartext_raised(struct ctx *x)
{
	if (x->made & KM_RAISED)
		return x->raised;
	const struct rule_config *cfg = x->e->cfg;
	const struct rule_pkt *p = x->p;
	const struct domain_def *d = cfg->n_domains ? domain(x) : NULL;
	x->raised = 0;
	if (d && d->require_tls)
		x->raised = 1;
	else if (cfg->cs_require_tls.n &&
	    (in_refs(cfg, &cfg->cs_require_tls, p->ipver, p->src) ||
	        in_refs(cfg, &cfg->cs_require_tls, p->ipver, p->dst)))
		x->raised = 2;
	x->made |= KM_RAISED;
	return x->raised;
}

/* "INVITE" for a request, "404 response" for a response. */
static const char *
what(char *buf, size_t cap, const struct sip_msg *m)
{
	if (m->is_request)
		return excerpt(buf, cap, m->method_tok);
	struct sb b;
	sb_init(&b, buf, cap);
	sb_u64(&b, m->status);
	sb_cat(&b, " response");
	return buf;
}

/* A non-thresholded event: its count, or 0 when suppressed (or no memory). */
static inline uint64_t
event(struct ctx *x, struct rtab *rt, const struct rkey *k, struct kent **out)
{
	int64_t prev;
	struct kent *ke = rtab_get(x->e, rt, k, &prev);
	*out = ke;
	uint64_t n = ke ? decide(x->e, rt, ke, k, 1) : 0;
	if (n)
		render_key(x, k);
	return n;
}

/* A thresholded event: counted in the window; its alert count once over
 * the threshold, else 0.  *inwin: the events in the window.  Always
 * inline: every event of a thresholded rule comes here, and a call (its
 * seven arguments, the registers it saves) costs a good part of the usual
 * path, which neither alerts nor changes the window's form. */
static inline __attribute__((always_inline)) uint64_t
thresh(struct ctx *x, struct rtab *rt, const struct rkey *k, struct kent **out,
    uint64_t *inwin)
{
	int64_t prev;
	struct kent *ke = rtab_get(x->e, rt, k, &prev);
	*out = ke;
	*inwin = 0;
	if (ke == NULL)
		return 0;
	uint64_t c = win_add(ke, prev, x->e->now, win_width(rt->c->window_ms), &x->e->st->oom);
	*inwin = c;
	if (c <= rt->c->threshold)
		return 0;
	uint64_t n = decide(x->e, rt, ke, k, c);
	if (n)
		render_key(x, k);
	return n;
}

static void
fire(struct ctx *x, struct rtab *rt, struct kent *ke, uint64_t n, int sev)
{
	ke->sev = (uint8_t)sev;
	emit(x->e, rt, x->key, n, sev, x->e->msg, x->p, x->m, x->s);
}

#define SAY(x, ...) snprintf((x)->e->msg, MSG_MAX, __VA_ARGS__)

static void
r_unknown_source(struct ctx *x, struct rtab *rt)
{
	const struct rule_config *cfg = x->e->cfg;
	const struct rule_pkt *p = x->p;
	const struct domain_def *d = NULL;
	int bad = 0;
	if (cfg->us_allow_from.n && !in_refs(cfg, &cfg->us_allow_from, p->ipver, p->src))
		bad = 1;
	else if ((d = domain(x)) != NULL && d->allow_from.n &&
	    !in_refs(cfg, &d->allow_from, p->ipver, p->src))
		bad = 2;
	if (!bad)
		return;
	struct kent *ke;
	uint64_t n = event(x, rt, src_key(x), &ke);
	if (n == 0)
		return;
	char w[32];
	what(w, sizeof(w), x->m);
	if (bad == 1)
		SAY(x, "%s from %s, which is not in the allowed source networks", w, src_str(x));
	else
		SAY(x, "%s to domain %s from %s, which is not in the domain's allowed source networks",
		    w, d->name, src_str(x));
	fire(x, rt, ke, n, rt->c->severity);
}

static int
user_eq(struct span s, const char *u)
{
	size_t n = strlen(u);
	return s.len == n && (n == 0 || memcmp(s.p, u, n) == 0);
}

static void
r_disallowed_uri(struct ctx *x, struct rtab *rt)
{
	const struct rule_config *cfg = x->e->cfg;
	const struct sip_msg *m = x->m;
	const struct sip_summary *s = x->s;
	/* Only requests whose Request-URI the caller chose as a destination;
	 * REGISTER, ACK, BYE ... target a registrar or a Contact. */
	if (m->method != SIP_M_INVITE && m->method != SIP_M_MESSAGE &&
	    m->method != SIP_M_REFER && m->method != SIP_M_SUBSCRIBE)
		return;
	char w[32], ru[EXCERPT], pat[EXCERPT];
	struct rkey k;
	struct kent *ke;
	struct sb b;
	int i = -1;
	if (cfg->du_deny.n &&
	    (x->e->du_any == NULL || pattern_try(x->e->du_any, m->ruri.p, m->ruri.len) != 0))
		i = pattern_list_match(&cfg->du_deny, m->ruri.p, m->ruri.len);
	if (i >= 0) {
		sb_init(&b, k.txt, sizeof(k.txt));
		sb_span(&b, m->ruri);
		key_text(x->e, &k, 0, &b);
		uint64_t n = event(x, rt, &k, &ke);
		if (n == 0)
			return;
		SAY(x, "%s to %s from %s matches deny pattern '%s'", what(w, sizeof(w), m),
		    excerpt(ru, sizeof(ru), m->ruri), src_str(x),
		    excerpt(pat, sizeof(pat), (struct span){ pattern_source(cfg->du_deny.v[i]),
		        (uint32_t)strlen(pattern_source(cfg->du_deny.v[i])) }));
		fire(x, rt, ke, n, rt->c->severity);
		return;
	}
	if (cfg->n_du_users == 0)
		return;
	struct span user = s->has_auth && s->auth.username.len ? s->auth.username : s->from.uri.user;
	if (user.len == 0)
		return;
	for (size_t u = 0; u < cfg->n_du_users; u++) {
		const struct user_allow *ua = &cfg->du_users[u];
		if (!user_eq(user, ua->user))
			continue;
		if (pattern_list_match(&ua->allow, m->ruri.p, m->ruri.len) >= 0)
			return;
		sb_init(&b, k.txt, sizeof(k.txt));
		sb_span(&b, user);
		sb_cat(&b, " -> ");
		sb_span(&b, m->ruri);
		key_text(x->e, &k, 1, &b);
		uint64_t n = event(x, rt, &k, &ke);
		if (n == 0)
			return;
		SAY(x, "%s to %s from user %s (%s) matches none of the user's allowed patterns",
		    what(w, sizeof(w), m), excerpt(ru, sizeof(ru), m->ruri), ua->user, src_str(x));
		fire(x, rt, ke, n, rt->c->severity);
		return;
	}
}

static void
say_flood(struct ctx *x, uint64_t inwin, const char *what_, const char *key,
    const struct rule_common *c)
{
	char d[24];
	SAY(x, "%llu %s %s within %s (threshold %u)", (unsigned long long)inwin, what_,
	    key, dur_str(d, c->window_ms), c->threshold);
}

static void
make_from_key(struct ctx *x)
{
	const struct sip_summary *s = x->s;
	/* Requests without a To tag open a dialog or stand alone (RFC 3261
	 * section 12.1); in-dialog ACK and BYE carry the tag. */
	if (!s->has_from || s->to.tag.len) {
		x->made |= KM_NOFROM;
		return;
	}
	struct sb b;
	sb_init(&b, x->from_k.txt, sizeof(x->from_k.txt));
	sb_uri(&b, &s->from.uri, s->from.uri_tok);
	key_text(x->e, &x->from_k, 0, &b);
	x->made |= KM_FROM;
}

/* from-flood's key, the From URI of a request; NULL when the request
 * does not count. */
static inline const struct rkey *
from_key(struct ctx *x)
{
	if (!(x->made & (KM_FROM | KM_NOFROM)))
		make_from_key(x);
	return x->made & KM_FROM ? &x->from_k : NULL;
}

static void
r_from_flood(struct ctx *x, struct rtab *rt)
{
	const struct rkey *k = from_key(x);
	if (k == NULL)
		return;
	struct kent *ke;
	uint64_t inwin;
	uint64_t n = thresh(x, rt, k, &ke, &inwin);
	if (n == 0)
		return;
	say_flood(x, inwin, "dialog-opening requests from", x->key, rt->c);
	fire(x, rt, ke, n, rt->c->severity);
}

static const char *
transport_name(const struct rule_pkt *p)
{
	if (p->ws)
		return "WebSocket";
	switch (p->transport) {
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 132:
		return "SCTP";
	}
	return "cleartext transport";
}

static void
r_cleartext(struct ctx *x, struct rtab *rt)
{
	const struct rule_pkt *p = x->p;
	int raised = cleartext_raised(x);
	struct kent *ke;
	/* Raised and plain events are keyed apart: a low-severity alert must
	 * not hide a policy violation between the same peers. */
	uint64_t n = event(x, rt, pair_key(x, raised != 0), &ke);
	if (n == 0)
		return;
	int sev = rt->c->severity;
	if (raised && sev < SEV_HIGH)
		sev = SEV_HIGH;
	/* The commonest alert: built without stdio. */
	char w[32];
	struct sb b;
	sb_init(&b, x->e->msg, MSG_MAX);
	sb_cat(&b, "SIP signalling in cleartext over ");
	sb_cat(&b, transport_name(p));
	sb_cat(&b, " between ");
	sb_cat(&b, x->key);
	sb_cat(&b, " (");
	sb_cat(&b, what(w, sizeof(w), x->m));
	sb_cat(&b, ")");
	if (raised == 1) {
		sb_cat(&b, ", domain ");
		sb_cat(&b, domain(x)->name); /* raised == 1: there is one */
		sb_cat(&b, " requires TLS");
	} else if (raised == 2) {
		sb_cat(&b, ", a network that requires TLS");
	}
	fire(x, rt, ke, n, sev);
}

static int
callid_key(struct ctx *x, struct rkey *k)
{
	struct sb b;
	if (x->s->call_id.len == 0)
		return -1;
	sb_init(&b, k->txt, sizeof(k->txt));
	sb_span(&b, x->s->call_id);
	key_text(x->e, k, 0, &b);
	return 0;
}

static void
r_sdes(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!s->has_sdp || s->sdp.crypto_total == 0)
		return;
	struct rkey k;
	struct kent *ke;
	if (callid_key(x, &k) != 0)
		return;
	uint64_t n = event(x, rt, &k, &ke);
	if (n == 0)
		return;
	char w[32];
	/* RFC 4568 section 8.1: SDES keys are only as safe as the signalling
	 * that carries them. */
	SAY(x, "SDP in cleartext %s from %s carries %u SDES key line(s) (a=crypto) for call %s",
	    what(w, sizeof(w), x->m), src_str(x), s->sdp.crypto_total, x->key);
	fire(x, rt, ke, n, rt->c->severity);
}

static void
r_cleartext_media(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!s->has_sdp)
		return;
	const struct sdp_media *md = NULL;
	for (uint16_t i = 0; i < s->sdp.num_media && i < SDP_MAX_MEDIA; i++) {
		const struct sdp_media *mi = &s->sdp.media[i];
		/* Port 0 declines the stream (RFC 3264 section 6). */
		if (mi->proto_class == SDP_PROTO_RTP && mi->port != 0 &&
		    (span_ieq(mi->media, "audio") || span_ieq(mi->media, "video"))) {
			md = mi;
			break;
		}
	}
	if (md == NULL)
		return;
	/* Keyed by peer pair, as cleartext signalling: media policy is a
	 * property of who talks to whom, and a call flood must not become
	 * one alert per call. */
	struct kent *ke;
	uint64_t n = event(x, rt, pair_key(x, 0), &ke);
	if (n == 0)
		return;
	char w[32], mt[16], pr[32], cid[64];
	struct sb b;
	sb_init(&b, x->e->msg, MSG_MAX);
	sb_cat(&b, what(w, sizeof(w), x->m));
	sb_cat(&b, " between ");
	sb_cat(&b, x->key);
	sb_cat(&b, " offers or answers plain RTP ");
	sb_cat(&b, excerpt(mt, sizeof(mt), md->media));
	sb_cat(&b, " (");
	sb_cat(&b, excerpt(pr, sizeof(pr), md->proto));
	sb_cat(&b, ") on port ");
	sb_u64(&b, md->port);
	sb_cat(&b, " (call ");
	sb_cat(&b, excerpt(cid, sizeof(cid), x->s->call_id));
	sb_cat(&b, ")");
	fire(x, rt, ke, n, rt->c->severity);
}

/* A scanner pattern (number pi) matched header name's value v. */
static void
scanner_hit(struct ctx *x, struct rtab *rt, const char *name, struct span v, int pi)
{
	struct kent *ke;
	uint64_t n = event(x, rt, src_key(x), &ke);
	if (n == 0)
		return;
	/* A scan raises one per source it comes from: built without stdio,
	 * as snprintf's "%s from %s has %s '%s' matching scanner pattern
	 * '%s'" would build it. */
	char e[EXCERPT], w[32];
	struct sb b;
	sb_init(&b, x->e->msg, MSG_MAX);
	sb_cat(&b, what(w, sizeof(w), x->m));
	sb_cat(&b, " from ");
	sb_cat(&b, src_str(x));
	sb_cat(&b, " has ");
	sb_cat(&b, name);
	sb_cat(&b, " '");
	sb_cat(&b, excerpt(e, sizeof(e), v));
	sb_cat(&b, "' matching scanner pattern '");
	sb_cat(&b, pattern_source(x->e->cfg->scanner.v[pi]));
	sb_cat(&b, "'");
	fire(x, rt, ke, n, rt->c->severity);
}

/* One header of r_scanner: 1 when a pattern matched it (the rule has
 * then raised or held back its event, and looks no further).  Inline:
 * four times per request, and the prefilter mostly answers no. */
static inline int
scan_hdr(struct ctx *x, struct rtab *rt, const char *name, struct span v, int recurs)
{
	struct rule_engine *e = x->e;
	const struct pattern_list *l = &e->cfg->scanner;
	int pi;
	if (v.p == NULL)
		return 0;
	if (e->scan_lit && recurs && v.len >= LITSCAN_MEMO_MIN && v.len <= LITSCAN_MEMO_MAX) {
		/* A few User-Agent and Server values make up most traffic, a
		 * scan's included: their answers are remembered. */
		pi = litscan_match_memo(e->scan_lit, v.p, v.len);
	} else {
		/* From, To and Contact carry tags and users. */
		if (e->scan_lit && !litscan_maybe(e->scan_lit, v.p, v.len))
			return 0;
		if (e->scan_any) {
			uint64_t lim = pattern_limit_hits();
			if (!pattern_match(e->scan_any, v.p, v.len) && pattern_limit_hits() == lim)
				return 0;
		}
		pi = pattern_list_match(l, v.p, v.len);
	}
	if (pi < 0)
		return 0;
	scanner_hit(x, rt, name, v, pi);
	return 1;
}

static void
r_scanner(struct ctx *x, struct rtab *rt)
{
	const struct sip_msg *m = x->m;
	if (x->e->cfg->scanner.n == 0)
		return;
	if (scan_hdr(x, rt, m->first[SIP_H_USER_AGENT] >= 0 ? "User-Agent" : "Server",
	        x->s->user_agent, 1))
		return;
	/* A response echoes the request's From and To (and its source is the
	 * scanner's victim): only the responder's own Server header counts. */
	if (!m->is_request)
		return;
	if (scan_hdr(x, rt, "From", sip_hdr_get(m, SIP_H_FROM), 0) ||
	    scan_hdr(x, rt, "To", sip_hdr_get(m, SIP_H_TO), 0))
		return;
	scan_hdr(x, rt, "Contact", sip_hdr_get(m, SIP_H_CONTACT), 0);
}

static void
r_src_count(struct ctx *x, struct rtab *rt, const char *noun)
{
	struct kent *ke;
	uint64_t inwin;
	uint64_t n = thresh(x, rt, src_key(x), &ke, &inwin);
	if (n == 0)
		return;
	say_flood(x, inwin, noun, x->key, rt->c);
	fire(x, rt, ke, n, rt->c->severity);
}

static void
r_invite_flood(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (s->to.tag.len || !s->has_ruri)
		return;
	struct rkey k;
	struct kent *ke;
	struct sb b;
	uint64_t inwin;
	sb_init(&b, k.txt, sizeof(k.txt));
	sb_userhost(&b, &s->ruri);
	key_text(x->e, &k, 0, &b);
	uint64_t n = thresh(x, rt, &k, &ke, &inwin);
	if (n == 0)
		return;
	say_flood(x, inwin, "dialog-opening INVITEs to", x->key, rt->c);
	fire(x, rt, ke, n, rt->c->severity);
}

static void
make_txn_key(struct ctx *x)
{
	const struct sip_summary *s = x->s;
	if (!s->has_cseq || s->call_id.len == 0 || s->cseq_method.len == 0) {
		x->made |= KM_NOTXN;
		return;
	}
	/* One 128-bit identity of the three, methods case-sensitive (RFC
	 * 3261 section 7.1). */
	uint64_t h[2];
	hash128_parts(x->e->seed, s->cseq, s->call_id, s->cseq_method, h);
	x->txn_k.h = ktab_key_set(&x->txn_k.k, h[0], h[1], ktab_key_tail(0, 0, 0));
	x->made |= KM_TXN;
}

/* The transaction a request opens or a response answers: Call-ID, CSeq
 * number and CSeq method (a response echoes all three, RFC 3261 section
 * 8.2.6.2).  NULL when the message lacks one. */
static inline const struct rkey *
txn_key(struct ctx *x)
{
	if (!(x->made & (KM_TXN | KM_NOTXN)))
		make_txn_key(x);
	return x->made & KM_TXN ? &x->txn_k : NULL;
}

static uint64_t
branch_hash(struct ctx *x)
{
	uint64_t h[2];
	if (!x->s->has_via || x->s->via.branch.len == 0)
		return 0;
	hash128(x->e->seed, x->s->via.branch.p, x->s->via.branch.len, h);
	return h[0];
}

static void
r_txn_track(struct ctx *x)
{
	struct rule_engine *e = x->e;
	const struct sip_msg *m = x->m;
	const struct sip_summary *s = x->s;
	/* ACK and CANCEL are never challenged (RFC 3261 section 22.1). */
	if (m->method == SIP_M_ACK || m->method == SIP_M_CANCEL)
		return;
	const struct rkey *k = txn_key(x);
	if (k == NULL)
		return;
	int64_t prev;
	int created;
	struct txn *t = (struct txn *)ktab_get(&e->txn, &k->k, k->h, e->now, TXN_KEEP_MS,
	    TXN_KEEP_MS, &prev, &created);
	if (t == NULL) {
		e->st->oom++;
		return;
	}
	uint64_t br = branch_hash(x);
	if (created) {
		t->branch = br;
	} else if (t->branch != br) {
		/* A new branch under the same CSeq is a new transaction, not a
		 * retransmission: svcrack sends every guess with one CSeq. */
		t->branch = br;
		t->creds = 0;
		t->final = 0;
		free(t->user);
		t->user = NULL;
	}
	if (m->first[SIP_H_AUTHORIZATION] < 0 && m->first[SIP_H_PROXY_AUTHORIZATION] < 0)
		return;
	t->creds = 1;
	if (t->user == NULL && s->has_auth && s->auth.scheme == SIP_AUTH_DIGEST &&
	    s->auth.username.len) {
		/* As identity-mismatch: "user@realm" names user. */
		struct span u = s->auth.username;
		const char *at = memchr(u.p, '@', u.len);
		if (at)
			u.len = (uint32_t)(at - u.p);
		char ub[TXN_USER];
		struct sb b;
		sb_init(&b, ub, sizeof(ub));
		sb_span(&b, u);
		if (b.n)
			t->user = strdup(ub); /* without memory: user unknown */
	}
}

/* The request a response answers; NULL when it was not seen (capture
 * started mid-transaction) or has left the table. */
static struct txn *
txn_find(struct ctx *x)
{
	struct rule_engine *e = x->e;
	const struct rkey *k;
	if (!e->txn_live || (k = txn_key(x)) == NULL)
		return NULL;
	ktab_expire(&e->txn, e->now, TXN_KEEP_MS, TXN_KEEP_MS);
	return (struct txn *)ktab_find(&e->txn, &k->k, k->h);
}

/* 1 when this final response repeats one already seen for the same
 * request (same Via branch); marks the transaction answered. */
static int
txn_retransmitted(struct ctx *x, struct txn *t)
{
	if (t == NULL)
		return 0;
	if (t->branch != branch_hash(x))
		return 0; /* another hop of the same transaction, or unknown */
	if (t->final)
		return 1;
	t->final = 1;
	return 0;
}

/* Per-user key of auth-bruteforce (shared by auth-breach): the digest
 * username the request tried, else the To user, at the To host.  -1 when
 * there is no To host. */
static int
bf_user_key(struct ctx *x, struct rkey *k, const struct txn *t)
{
	const struct sip_summary *s = x->s;
	if (!s->has_to || s->to.uri.host.len == 0)
		return -1;
	struct sb b;
	sb_init(&b, k->txt, sizeof(k->txt));
	sb_cat(&b, "user ");
	if (t && t->user)
		sb_cat(&b, t->user); /* cleaned when it was kept */
	else
		sb_span(&b, s->to.uri.user);
	sb_putc(&b, '@');
	sb_lspan(&b, s->to.uri.host);
	key_text(x->e, k, 1, &b);
	return 0;
}

static void
bf_count(struct ctx *x, struct rtab *rt, const struct rkey *k)
{
	const struct rule_common *c = &x->e->cfg->r[R_AUTH_BRUTEFORCE];
	int64_t prev;
	struct kent *ke = rtab_get(x->e, rt, k, &prev);
	if (ke == NULL)
		return;
	uint64_t inwin = win_add(ke, prev, x->e->now, win_width(c->window_ms), &x->e->st->oom);
	if (inwin <= c->threshold)
		return;
	kthr(ke)->crossed = x->e->now;
	rt->crossed = x->e->now;
	if (!c->enabled)
		return;
	uint64_t n = decide(x->e, rt, ke, k, inwin);
	if (n == 0)
		return;
	render_key(x, k);
	say_flood(x, inwin, "authentication failures (401/403/407) for", x->key, c);
	fire(x, rt, ke, n, c->severity);
}

/*
 * A 401/403/407.  A 401/407 to a request without credentials is the
 * ordinary digest challenge (RFC 3261 section 22.2), and one with
 * stale=true rejects only an expired nonce (RFC 7616 section 3.3); only a
 * 401/407 that rejects credentials, or a 403, is a failure.  When the
 * request was not seen only a 403 counts.
 */
static void
r_auth_failure(struct ctx *x)
{
	struct rtab *rt = &x->e->rt[R_AUTH_BRUTEFORCE];
	const struct sip_summary *s = x->s;
	struct txn *t = txn_find(x);
	if (txn_retransmitted(x, t))
		return;
	if (x->m->status != 403) {
		if (t == NULL || !t->creds)
			return;
		if (s->has_challenge && span_ieq(s->challenge.stale, "true"))
			return;
	}
	struct rkey k;
	/* The client is where the failure response goes. */
	key_addr(&k, TAG_SRC, x->p->ipver, x->p->dst);
	bf_count(x, rt, &k);
	if (bf_user_key(x, &k, t) == 0)
		bf_count(x, rt, &k);
}


/* A 2xx that auth-breach looks at: to a REGISTER or an INVITE. */
static int
breach_method(const struct sip_summary *s)
{
	return span_eq(s->cseq_method, "REGISTER") || span_eq(s->cseq_method, "INVITE");
}

static void
r_auth_breach(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!breach_method(s))
		return;
	/* A retransmitted 2xx is the same login; a 2xx to a request seen
	 * without credentials is no password accepted. */
	struct txn *t = txn_find(x);
	if (txn_retransmitted(x, t) || (t && !t->creds))
		return;
	struct rtab *bt = &x->e->rt[R_AUTH_BRUTEFORCE];
	int64_t since = x->e->cfg->r[R_AUTH_BREACH].window_ms;
	/* The usual 2xx: no key of the brute-force table crossed its
	 * threshold within the window, so neither of this response's can
	 * have.  The table expires as the look-ups below would expire it. */
	if (bt->crossed == INT64_MIN || x->e->now - bt->crossed > since) {
		ktab_expire(&bt->t, x->e->now, bt->idle, bt->quiet);
		return;
	}
	struct rkey k[2];
	int nk = 0;
	if (bf_user_key(x, &k[nk], t) == 0)
		nk++;
	key_addr(&k[nk++], TAG_SRC, x->p->ipver, x->p->dst);
	for (int i = 0; i < nk; i++) {
		struct kent *b = rtab_peek(x->e, bt, &k[i]);
		if (b == NULL || kthr(b)->crossed == INT64_MIN || x->e->now - kthr(b)->crossed > since)
			continue;
		struct kent *ke;
		uint64_t n = event(x, rt, &k[i], &ke);
		if (n == 0)
			return;
		char cm[32], ua[KEY_MAX];
		struct sb sb;
		sb_init(&sb, ua, sizeof(ua));
		sb_userhost(&sb, &s->to.uri);
		SAY(x, "%u to %s for %s (client %s) after an authentication brute-force run against %s",
		    x->m->status, excerpt(cm, sizeof(cm), s->cseq_method), ua,
		    dst_str(x), x->key);
		fire(x, rt, ke, n, rt->c->severity);
		return;
	}
}

static void
r_user_enum(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!s->has_to)
		return;
	struct rkey k;
	key_addr(&k, 0, x->p->ipver, x->p->dst);
	int64_t prev;
	struct kent *ke = rtab_get(x->e, rt, &k, &prev);
	if (ke == NULL)
		return;
	char ub[KEY_MAX];
	struct sb b;
	uint64_t h[2];
	sb_init(&b, ub, sizeof(ub));
	sb_userhost(&b, &s->to.uri);
	hash128(x->e->seed, b.p, b.n, h);
	int64_t now = x->e->now, horizon = now - (int64_t)rt->c->window_ms;
	uint32_t live = 0;
	struct kusers *u = kusr(ke);
	struct dslot *found = NULL, *freed = NULL;
	int grow = 0;
	/* Slot 0 lives in the entry; the other dcap - 1 are allocated when a
	 * second user needs one (most clients only ever try their own). */
	for (uint32_t i = 0; i < rt->dcap; i++) {
		if (i > 0 && u->more == NULL) {
			grow = freed == NULL && found == NULL;
			break;
		}
		struct dslot *d = i == 0 ? &u->d0 : &u->more[i - 1];
		if (d->t > horizon) {
			live++;
			if (d->h == h[0])
				found = d;
		} else if (freed == NULL) {
			freed = d;
		}
	}
	if (grow) {
		u->more = malloc((rt->dcap - 1) * sizeof(*u->more));
		if (u->more == NULL) {
			rt->e->st->oom++;
			return;
		}
		for (uint32_t i = 0; i + 1 < rt->dcap; i++)
			u->more[i].t = INT64_MIN;
		freed = &u->more[0];
	}
	if (found) {
		found->t = now;
	} else if (freed) {
		freed->h = h[0];
		freed->t = now;
		live++;
	}
	/* else: threshold + 1 distinct users are live, the most that matters. */
	if (live <= rt->c->threshold)
		return;
	uint64_t n = decide(x->e, rt, ke, &k, live);
	if (n == 0)
		return;
	render_key(x, &k);
	char d[24];
	SAY(x, "%s received failure responses (401/403/404/407) for %u distinct users within %s (threshold %u)",
	    x->key, live, dur_str(d, rt->c->window_ms), rt->c->threshold);
	fire(x, rt, ke, n, rt->c->severity);
}

static void
inv_key(struct ctx *x, struct ftab_key *fk)
{
	uint64_t h[2];
	memset(fk, 0, sizeof(*fk));
	hash128(x->e->seed, x->s->call_id.p, x->s->call_id.len, h);
	memcpy(fk->a, h, sizeof(h));
}

static void
r_invite_track(struct ctx *x)
{
	struct rule_engine *e = x->e;
	const struct domain_def *d = domain(x);
	if (d == NULL || !d->require_auth || x->s->to.tag.len || x->s->call_id.len == 0)
		return;
	struct ftab_key fk;
	inv_key(x, &fk);
	ftab_expire(&e->inv, e->now, e->inv_idle);
	struct inv *v = (struct inv *)ftab_find(&e->inv, &fk);
	if (v == NULL) {
		v = calloc(1, sizeof(*v));
		if (v == NULL)
			return;
		v->n.key = fk;
		snprintf(v->domain, sizeof(v->domain), "%s", d->name);
		ftab_insert(&e->inv, &v->n, e->now);
	} else {
		ftab_touch(&e->inv, &v->n, e->now);
	}
	if (x->m->first[SIP_H_AUTHORIZATION] >= 0 || x->m->first[SIP_H_PROXY_AUTHORIZATION] >= 0)
		v->creds = 1;
}

static void
r_unauth_call(struct ctx *x, struct rtab *rt)
{
	struct rule_engine *e = x->e;
	unsigned st = x->m->status;
	if (e->inv.count == 0 || x->s->call_id.len == 0)
		return;
	int challenge = st == 401 || st == 407;
	int answer = (st >= 180 && st < 190) || (st >= 200 && st < 300);
	if (!challenge && !answer)
		return;
	if (!span_eq(x->s->cseq_method, "INVITE"))
		return;
	struct ftab_key fk;
	inv_key(x, &fk);
	ftab_expire(&e->inv, e->now, e->inv_idle);
	struct inv *v = (struct inv *)ftab_find(&e->inv, &fk);
	if (v == NULL)
		return;
	if (challenge) {
		v->challenged = 1;
		return;
	}
	if (v->done || v->creds || v->challenged)
		return;
	v->done = 1;
	struct rkey k;
	struct kent *ke;
	if (callid_key(x, &k) != 0)
		return;
	uint64_t n = event(x, rt, &k, &ke);
	if (n == 0)
		return;
	char rs[48];
	SAY(x, "INVITE for call %s to domain %s (which requires authentication) answered %u %s without a challenge or credentials",
	    x->key, v->domain, st, excerpt(rs, sizeof(rs), x->m->reason));
	fire(x, rt, ke, n, rt->c->severity);
}

static void
r_identity(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!s->has_auth || s->auth.scheme != SIP_AUTH_DIGEST || s->auth.username.len == 0 ||
	    !s->has_from)
		return;
	struct span u = s->auth.username, f = s->from.uri.user;
	/* Some clients send "user@" or "user@realm" as the digest username;
	 * the user part is what must match the From user. */
	const char *at = memchr(u.p, '@', u.len);
	if (at)
		u.len = (uint32_t)(at - u.p);
	if (u.len == f.len && (u.len == 0 || memcmp(u.p, f.p, u.len) == 0))
		return;
	struct rkey k;
	struct kent *ke;
	struct sb b;
	sb_init(&b, k.txt, sizeof(k.txt));
	sb_span(&b, u);
	sb_putc(&b, '/');
	sb_span(&b, f);
	key_text(x->e, &k, 0, &b);
	uint64_t n = event(x, rt, &k, &ke);
	if (n == 0)
		return;
	char w[32], un[64], fu[64];
	SAY(x, "%s from %s carries digest username '%s' but From user '%s'",
	    what(w, sizeof(w), x->m), src_str(x), excerpt(un, sizeof(un), s->auth.username),
	    excerpt(fu, sizeof(fu), f));
	fire(x, rt, ke, n, rt->c->severity);
}

/* 0: fine; 1: not Digest; 2: MD5 where SHA-256 is required. */
static int
weak(const struct sip_auth *a, int need_sha)
{
	if (a->scheme != SIP_AUTH_DIGEST)
		return 1;
	/* RFC 8760 section 2: an absent algorithm means MD5. */
	if (need_sha && (a->algorithm.len == 0 || span_ieq(a->algorithm, "MD5") ||
	    span_ieq(a->algorithm, "MD5-sess")))
		return 2;
	return 0;
}

static void
r_weak_auth(struct ctx *x, struct rtab *rt)
{
	const struct sip_summary *s = x->s;
	if (!s->has_auth && !s->has_challenge)
		return;
	int need = x->e->cfg->wa_require_sha256;
	if (!need && x->e->cfg->n_domains) {
		const struct domain_def *d = domain(x);
		need = d && d->require_sha256;
	}
	const struct sip_auth *a = NULL;
	const char *hname = NULL;
	int why = 0;
	if (s->has_auth && (why = weak(&s->auth, need)) != 0) {
		a = &s->auth;
		hname = sip_hdr_name((enum sip_hdr_id)s->auth_hdr);
	} else if (s->has_challenge && (why = weak(&s->challenge, need)) != 0) {
		a = &s->challenge;
		hname = sip_hdr_name((enum sip_hdr_id)s->challenge_hdr);
	}
	if (a == NULL)
		return;
	struct kent *ke;
	uint64_t n = event(x, rt, src_key(x), &ke);
	if (n == 0)
		return;
	char w[32], sc[32], al[32];
	if (why == 1)
		SAY(x, "%s from %s uses %s scheme %s instead of Digest%s", what(w, sizeof(w), x->m),
		    src_str(x), hname, excerpt(sc, sizeof(sc), a->scheme_tok),
		    a->scheme == SIP_AUTH_BASIC ? " (password in the clear)" : "");
	else
		SAY(x, "%s from %s uses %s digest algorithm %s where SHA-256 is required (RFC 8760)",
		    what(w, sizeof(w), x->m), src_str(x), hname,
		    a->algorithm.len ? excerpt(al, sizeof(al), a->algorithm) : "MD5 (absent)");
	fire(x, rt, ke, n, rt->c->severity);
}

static void
r_malformed(struct ctx *x, struct rtab *rt)
{
	uint64_t an = x->s->anomalies;
	struct kent *ke;
	uint64_t n = event(x, rt, src_key(x), &ke);
	if (n == 0)
		return;
	char list[400], w[32];
	struct sb b;
	sb_init(&b, list, sizeof(list));
	for (unsigned i = 0; i < SIP_A__COUNT; i++) {
		if (!(an & SIP_A_BIT(i)))
			continue;
		if (b.n)
			sb_str(&b, ", ");
		sb_str(&b, sip_anomaly_name(i));
	}
	SAY(x, "malformed %s from %s: %s", what(w, sizeof(w), x->m), src_str(x), list);
	fire(x, rt, ke, n, rt->c->severity);
}

static int
custom_match(struct ctx *x, size_t i, struct span *hit, const char **where)
{
	const struct custom_def *cd = &x->e->cfg->customs[i];
	const struct custom_rt *ci = &x->e->cinfo[i];
	const struct sip_msg *m = x->m;
	switch (cd->target) {
	case CUSTOM_HEADER:
		/* Every occurrence: headers may repeat (RFC 3261 section 7.3.1). */
		if (ci->hdr_id != SIP_H_OTHER && m->first[ci->hdr_id] < 0)
			return 0;
		for (size_t h = 0; h < m->num_headers; h++) {
			const struct sip_header *hd = &m->headers[h];
			if (ci->hdr_id != SIP_H_OTHER ? hd->id != ci->hdr_id
			                              : (hd->id != SIP_H_OTHER ||
			                                    !span_ieq_n(hd->name, cd->header, ci->name_len)))
				continue;
			if (pattern_match(cd->re, hd->value.p, hd->value.len)) {
				*hit = hd->value;
				*where = cd->header;
				return 1;
			}
		}
		return 0;
	case CUSTOM_REQUEST_LINE:
		if (!m->is_request)
			return 0;
		*hit = m->start_line;
		*where = "request line";
		return pattern_match(cd->re, m->start_line.p, m->start_line.len);
	case CUSTOM_BODY:
		if (m->body.len == 0)
			return 0;
		*hit = m->body;
		*where = "body";
		return pattern_match(cd->re, m->body.p, m->body.len);
	}
	return 0;
}

static void
r_customs(struct ctx *x)
{
	const struct rule_config *cfg = x->e->cfg;
	for (size_t i = 0; i < cfg->n_customs; i++) {
		const struct custom_def *cd = &cfg->customs[i];
		struct rtab *rt = &x->e->crt[i];
		if (!cd->c.enabled || !rt->live || cd->re == NULL)
			continue;
		struct span hit;
		const char *where = "";
		if (!custom_match(x, i, &hit, &where))
			continue;
		const struct rkey *k = src_key(x);
		struct kent *ke;
		uint64_t n, inwin = 1;
		if (cd->c.threshold > 1)
			n = thresh(x, rt, k, &ke, &inwin);
		else
			n = event(x, rt, k, &ke);
		if (n == 0)
			continue;
		char w[32], v[EXCERPT], d[24];
		if (cd->c.threshold > 1)
			SAY(x, "%s: %llu %s matches from %s within %s (threshold %u), last in %s '%s'",
			    cd->name, (unsigned long long)inwin, pattern_source(cd->re), src_str(x),
			    dur_str(d, cd->c.window_ms), cd->c.threshold, where,
			    excerpt(v, sizeof(v), hit));
		else
			SAY(x, "%s: %s from %s has %s '%s' matching '%s'", cd->name,
			    what(w, sizeof(w), x->m), src_str(x), where, excerpt(v, sizeof(v), hit),
			    pattern_source(cd->re));
		fire(x, rt, ke, n, cd->c.severity);
	}
}

/*
 * The tables are larger than the L2 cache and visited in random order, so
 * each look-up waits for its index line, then its record.  The usual
 * look-ups of a message (the rules below make them unless something
 * stops them first) are known before any rule runs: their keys are made
 * here, once, and all their index lines fetched, so that those waits
 * overlap instead of following one another.  A hint only: the rules make
 * their look-ups as before.  (Fetching the records too, once the index
 * lines are in, was measured slower: that pass waits for every line
 * before the first rule can start.)
 */
static void
prefetch_keys(struct ctx *x)
{
	struct rule_engine *e = x->e;
	const struct sip_msg *m = x->m;
	const struct rkey *k;
	struct rtab *rt;
	if (m->is_request) {
		if ((rt = on(e, R_FROM_FLOOD)) != NULL && (k = from_key(x)) != NULL)
			ktab_prefetch(&rt->t, k->h);
		if ((rt = on(e, R_SOURCE_FLOOD)) != NULL)
			ktab_prefetch(&rt->t, src_key(x)->h);
		if (m->method == SIP_M_REGISTER && (rt = on(e, R_REGISTER_FLOOD)) != NULL)
			ktab_prefetch(&rt->t, src_key(x)->h);
		if (e->txn_live && m->method != SIP_M_ACK && m->method != SIP_M_CANCEL &&
		    (k = txn_key(x)) != NULL)
			ktab_prefetch(&e->txn, k->h);
	} else if (m->status == 401 || m->status == 403 || m->status == 407) {
		/* auth-bruteforce finds the request answered */
		if (e->txn_live && e->rt[R_AUTH_BRUTEFORCE].live && (k = txn_key(x)) != NULL)
			ktab_prefetch(&e->txn, k->h);
	} else if (m->status >= 200 && m->status < 300) {
		/* as does auth-breach, for a login's 2xx */
		if (e->txn_live && e->rt[R_AUTH_BRUTEFORCE].live && on(e, R_AUTH_BREACH) != NULL &&
		    breach_method(x->s) && (k = txn_key(x)) != NULL)
			ktab_prefetch(&e->txn, k->h);
	}
	if ((rt = on(e, R_CLEARTEXT_SIGNALLING)) != NULL)
		ktab_prefetch(&rt->t, pair_key(x, cleartext_raised(x) != 0)->h);
	if (x->s->has_sdp && (rt = on(e, R_CLEARTEXT_MEDIA)) != NULL)
		ktab_prefetch(&rt->t, pair_key(x, 0)->h);
}

void
rule_engine_message(struct rule_engine *e, const struct rule_pkt *p,
    const struct sip_msg *msg, const struct sip_summary *sum)
{
	struct rtab *rt;
	struct ctx x;
	/* Field by field: the text buffers need no clearing. */
	x.e = e;
	x.p = p;
	x.m = msg;
	x.s = sum;
	x.dom_done = 0;
	x.dom = NULL;
	x.src[0] = '\0';
	x.dst[0] = '\0';
	x.made = 0;
	int64_t now = (int64_t)p->ts.tv_sec * 1000 + p->ts.tv_usec / 1000;
	if (now < 0)
		now = 0;
	/* Packet time only moves forward for the tables. */
	if (now >= e->now) {
		e->now = now;
		e->ts = p->ts;
	}
	e->st->cleartext_msgs++;
	if (e->now >= e->rl_due)
		rate_tick(e);
	prefetch_keys(&x);

	if (msg->is_request) {
		if (e->us_live && (rt = on(e, R_UNKNOWN_SOURCE)) != NULL)
			r_unknown_source(&x, rt);
		if (e->du_live && (rt = on(e, R_DISALLOWED_URI)) != NULL)
			r_disallowed_uri(&x, rt);
		if ((rt = on(e, R_FROM_FLOOD)) != NULL)
			r_from_flood(&x, rt);
		if ((rt = on(e, R_SOURCE_FLOOD)) != NULL)
			r_src_count(&x, rt, "requests from");
		if (msg->method == SIP_M_INVITE && (rt = on(e, R_INVITE_FLOOD)) != NULL)
			r_invite_flood(&x, rt);
		if (msg->method == SIP_M_REGISTER && (rt = on(e, R_REGISTER_FLOOD)) != NULL)
			r_src_count(&x, rt, "REGISTERs from");
		if (msg->method == SIP_M_INVITE && e->inv_live)
			r_invite_track(&x);
		if (e->txn_live)
			r_txn_track(&x);
		if ((rt = on(e, R_IDENTITY_MISMATCH)) != NULL)
			r_identity(&x, rt);
	} else {
		unsigned st = msg->status;
		if ((st == 401 || st == 403 || st == 407) && e->rt[R_AUTH_BRUTEFORCE].live)
			r_auth_failure(&x);
		if (st >= 200 && st < 300 && e->rt[R_AUTH_BRUTEFORCE].live &&
		    (rt = on(e, R_AUTH_BREACH)) != NULL)
			r_auth_breach(&x, rt);
		if ((st == 401 || st == 403 || st == 404 || st == 407) &&
		    (rt = on(e, R_USER_ENUMERATION)) != NULL)
			r_user_enum(&x, rt);
		if (e->inv_live && (rt = on(e, R_UNAUTHENTICATED_CALL)) != NULL)
			r_unauth_call(&x, rt);
	}
	if ((rt = on(e, R_CLEARTEXT_SIGNALLING)) != NULL)
		r_cleartext(&x, rt);
	if (sum->has_sdp) {
		if ((rt = on(e, R_SDES_KEY_EXPOSED)) != NULL)
			r_sdes(&x, rt);
		if ((rt = on(e, R_CLEARTEXT_MEDIA)) != NULL)
			r_cleartext_media(&x, rt);
	}
	if ((rt = on(e, R_SCANNER)) != NULL)
		r_scanner(&x, rt);
	if ((rt = on(e, R_WEAK_AUTH)) != NULL)
		r_weak_auth(&x, rt);
	if (sum->anomalies && (rt = on(e, R_MALFORMED)) != NULL)
		r_malformed(&x, rt);
	if (e->any_custom)
		r_customs(&x);
}

void
rule_engine_tls(struct rule_engine *e, const struct rule_pkt *p)
{
	(void)p;
	e->st->tls_flows++;
}

static void
flush_table(struct rtab *rt)
{
	if (!rt->live)
		return;
	for (struct ktab_ent *n = ktab_oldest(&rt->t); n; n = ktab_newer(&rt->t, n))
		flush_entry(rt, (struct kent *)n);
	/* Last: the flush's own alerts may have been held back. */
	if (rt->rl.held)
		rate_report(rt->e, rt);
}

void
rule_engine_tick(struct rule_engine *e, const struct timeval *now)
{
	if (now == NULL || now->tv_sec < 0)
		return;
	int64_t ms = (int64_t)now->tv_sec * 1000 + now->tv_usec / 1000;
	if (ms < e->rl_due || ms <= e->now)
		return;
	e->now = ms;
	e->ts = *now;
	rate_tick(e);
}

void
rule_engine_finish(struct rule_engine *e)
{
	for (int i = 0; i < R__COUNT; i++)
		flush_table(&e->rt[i]);
	for (size_t i = 0; i < e->cfg->n_customs; i++)
		flush_table(&e->crt[i]);
}

const struct rule_stats *
rule_engine_stats(const struct rule_engine *e)
{
	e->st->pattern_limit_hits = pattern_limit_hits() - e->plh_base;
	return e->st;
}

void
rule_engine_free(struct rule_engine *e)
{
	if (e == NULL)
		return;
	for (int i = 0; i < R__COUNT; i++)
		rtab_destroy(&e->rt[i]);
	for (size_t i = 0; e->crt && i < e->cfg->n_customs; i++)
		rtab_destroy(&e->crt[i]);
	if (e->inv_live)
		ftab_destroy(&e->inv);
	if (e->txn_live)
		ktab_destroy(&e->txn);
	pattern_free(e->scan_any);
	pattern_free(e->du_any);
	litscan_free(e->scan_lit);
	free(e->crt);
	free(e->cinfo);
	free(e->dom_len);
	free(e->st);
	free(e);
}

/* 1 when pattern source src can join an alternation of patterns (with
 * the same flags) and match there exactly the subjects it matches alone.
 * Not: references to groups (back-references,
 * conditions, calls), whose numbers the alternation would shift or whose
 * names another pattern may share; (*VERB)s, as (*COMMIT) or (*PRUNE) in
 * one alternative would stop the others from being tried at all; \Q
 * left open, which would quote the parenthesis that closes it; (?x)
 * comments, which would run past it. */
static int
joinable(const char *src)
{
	static const char *const bad[] = { "(?P=", "(?P>", "(?&", "(?(", "(?R", "(*" };
	if (src == NULL || strchr(src, '#') != NULL)
		return 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (strstr(src, bad[i]) != NULL)
			return 0;
	for (const char *q = strstr(src, "(?"); q != NULL; q = strstr(q + 2, "(?"))
		if (q[2] >= '0' && q[2] <= '9')
			return 0; /* (?1): a call by number */
	for (const char *q = strchr(src, '\\'); q != NULL; q = strchr(q + 2, '\\')) {
		if ((q[1] >= '1' && q[1] <= '9') || q[1] == 'g' || q[1] == 'k' || q[1] == 'Q')
			return 0;
		if (q[1] == '\0')
			break;
	}
	return 1;
}

/*
 * A list's patterns as one alternation (with their flags: caseless
 * matching is no superset of case-sensitive, as "[^a]" shows), which
 * matches what one of them matches and costs about one match instead of
 * one per pattern; only on a hit does the list run, to name the pattern
 * (and when the alternation hit a match limit).  NULL (no prefilter)
 * when a pattern is not joinable(), the flags differ, or the alternation
 * does not compile.  For the scanner patterns (four headers of every
 * request) and disallowed-uri's deny patterns (the Request-URI of every
 * INVITE, MESSAGE, REFER and SUBSCRIBE).
 */
static struct pattern *
list_prefilter(const struct pattern_list *l)
{
	size_t len = 1;
	unsigned flags = l->n ? pattern_flags(l->v[0]) : 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *src = pattern_source(l->v[i]);
		if (!joinable(src) || pattern_flags(l->v[i]) != flags)
			return NULL;
		len += strlen(src) + 6;
	}
	char *re = malloc(len), err[128];
	if (re == NULL)
		return NULL;
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *src = pattern_source(l->v[i]);
		size_t sl = strlen(src);
		memcpy(re + n, i ? "|(?:" : "(?:", i ? 4 : 3);
		n += i ? 4 : 3;
		memcpy(re + n, src, sl);
		n += sl;
		re[n++] = ')';
	}
	re[n] = '\0';
	struct pattern *p = pattern_compile(re, flags, err, sizeof(err));
	free(re);
	return p;
}

struct rule_engine *
rule_engine_new(const struct rule_config *cfg, rule_alert_fn fn, void *ud,
    char *err, size_t errlen)
{
	struct rule_engine *e = calloc(1, sizeof(*e));
	if (e == NULL)
		goto oom;
	e->cfg = cfg;
	e->fn = fn;
	e->ud = ud;
	e->rl_due = INT64_MAX;
	e->st = calloc(1, sizeof(*e->st));
	e->dom_len = calloc(cfg->n_domains + 1, sizeof(*e->dom_len));
	e->crt = calloc(cfg->n_customs + 1, sizeof(*e->crt));
	e->cinfo = calloc(cfg->n_customs + 1, sizeof(*e->cinfo));
	if (!e->st || !e->dom_len || !e->crt || !e->cinfo)
		goto oom;
	if (getrandom(e->seed, sizeof(e->seed), GRND_NONBLOCK) != sizeof(e->seed)) {
		e->seed[0] = (uint64_t)(uintptr_t)e ^ 0x6a09e667f3bcc908ULL;
		e->seed[1] = mix64(e->seed[0] + 0xbb67ae8584caa73bULL);
	}
	e->plh_base = pattern_limit_hits();
	for (size_t i = 0; i < cfg->n_domains; i++)
		e->dom_len[i] = cfg->domains[i].name ? strlen(cfg->domains[i].name) : 0;
	if (cfg->r[R_SCANNER].enabled && cfg->scanner.n > 1)
		e->scan_any = list_prefilter(&cfg->scanner);
	if (cfg->r[R_DISALLOWED_URI].enabled && cfg->du_deny.n > 1)
		e->du_any = list_prefilter(&cfg->du_deny);
	if (cfg->r[R_SCANNER].enabled)
		e->scan_lit = litscan_new(&cfg->scanner);

	for (int i = 0; i < R__COUNT; i++) {
		const struct rule_common *c = &cfg->r[i];
		int need = c->enabled;
		uint32_t dcap = 0;
		/* auth-breach reads auth-bruteforce's counters. */
		if (i == R_AUTH_BRUTEFORCE && cfg->r[R_AUTH_BREACH].enabled)
			need = 1;
		if (!need)
			continue;
		/* Distinct users kept per client: threshold + 1 is all the rule
		 * needs to know; capped so that memory stays table_size * 64 KiB
		 * at worst (a threshold of 4096 or more then never fires). */
		if (i == R_USER_ENUMERATION)
			dcap = c->threshold < 4096 ? c->threshold + 1 : 4096;
		if (rtab_init(e, &e->rt[i], i, rule_names[i], c, dcap, rule_kx(i)) != 0)
			goto oom;
		if (i == R_AUTH_BRUTEFORCE) {
			e->rt[i].idle = max64(e->rt[i].idle, cfg->r[R_AUTH_BREACH].window_ms);
			size_t cap = cfg->table_size ? cfg->table_size : TABLE_DEFAULT;
			if (ktab_init(&e->txn, (uint32_t)cap, sizeof(struct txn), txn_release, NULL, e) != 0)
				goto oom;
			e->txn_live = 1;
		}
	}
	/* Rules with nothing configured to check cost nothing per message. */
	e->us_live = cfg->us_allow_from.n != 0;
	for (size_t i = 0; i < cfg->n_domains; i++)
		e->us_live |= cfg->domains[i].allow_from.n != 0;
	e->du_live = cfg->du_deny.n != 0 || cfg->n_du_users != 0;
	if (cfg->r[R_UNAUTHENTICATED_CALL].enabled) {
		int any = 0;
		for (size_t i = 0; i < cfg->n_domains; i++)
			any |= cfg->domains[i].require_auth;
		if (any) {
			size_t cap = cfg->table_size ? cfg->table_size : TABLE_DEFAULT;
			if (ftab_init(&e->inv, cap, plain_release, e) != 0)
				goto oom;
			e->inv_live = 1;
			e->inv_idle = max64(cfg->r[R_UNAUTHENTICATED_CALL].window_ms, INVITE_KEEP_MS);
		}
	}
	for (size_t i = 0; i < cfg->n_customs; i++) {
		const struct custom_def *cd = &cfg->customs[i];
		if (!cd->c.enabled)
			continue;
		if (cd->re == NULL || cd->name == NULL ||
		    (cd->target == CUSTOM_HEADER && (cd->header == NULL || cd->header[0] == '\0'))) {
			snprintf(err, errlen, "custom rule %zu: missing name, pattern or header", i);
			rule_engine_free(e);
			return NULL;
		}
		if (cd->target == CUSTOM_HEADER) {
			struct span hn = { cd->header, (uint32_t)strlen(cd->header) };
			e->cinfo[i].hdr_id = (uint16_t)sip_hdr_lookup(hn);
			e->cinfo[i].name_len = hn.len;
		}
		if (rtab_init(e, &e->crt[i], -1, cd->name, &cd->c, 0,
		        cd->c.threshold > 1 ? KX_WIN : KX_NONE) != 0)
			goto oom;
		e->any_custom = 1;
	}
	set_active(e);
	return e;
oom:
	snprintf(err, errlen, "rule engine: out of memory");
	rule_engine_free(e);
	return NULL;
}

/* ------------------------------------------------------------ reload */

static int
str_eq(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

/* The settings that shape a rule's table: a change resets it.  Severity
 * is not among them (it only colours later alerts). */
static int
common_eq(const struct rule_common *a, const struct rule_common *b)
{
	return a->enabled == b->enabled && a->threshold == b->threshold &&
	    a->window_ms == b->window_ms && a->suppress_ms == b->suppress_ms;
}

static int
refs_eq(const struct rule_config *a, const struct net_refs *ra,
    const struct rule_config *b, const struct net_refs *rb)
{
	if (ra->n != rb->n)
		return 0;
	for (uint16_t i = 0; i < ra->n; i++) {
		const struct net_def *na = ra->idx[i] < a->n_networks ? &a->networks[ra->idx[i]] : NULL;
		const struct net_def *nb = rb->idx[i] < b->n_networks ? &b->networks[rb->idx[i]] : NULL;
		if ((na == NULL) != (nb == NULL))
			return 0;
		if (na && (!str_eq(na->name, nb->name) || !cidr_set_equal(na->set, nb->set)))
			return 0;
	}
	return 1;
}

static int
pats_eq(const struct pattern_list *a, const struct pattern_list *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!str_eq(pattern_source(a->v[i]), pattern_source(b->v[i])))
			return 0;
	return 1;
}

static int
domains_eq(const struct rule_config *a, const struct rule_config *b)
{
	if (a->n_domains != b->n_domains)
		return 0;
	for (size_t i = 0; i < a->n_domains; i++) {
		const struct domain_def *x = &a->domains[i], *y = &b->domains[i];
		if (!str_eq(x->name, y->name) || x->require_tls != y->require_tls ||
		    x->require_auth != y->require_auth ||
		    x->require_sha256 != y->require_sha256 ||
		    !refs_eq(a, &x->allow_from, b, &y->allow_from))
			return 0;
	}
	return 1;
}

/* The lists a built-in rule checks against. */
static int
lists_eq(const struct rule_config *a, const struct rule_config *b, int id)
{
	switch (id) {
	case R_UNKNOWN_SOURCE:
		return refs_eq(a, &a->us_allow_from, b, &b->us_allow_from) && domains_eq(a, b);
	case R_DISALLOWED_URI:
		if (!pats_eq(&a->du_deny, &b->du_deny) || a->n_du_users != b->n_du_users)
			return 0;
		for (size_t i = 0; i < a->n_du_users; i++)
			if (!str_eq(a->du_users[i].user, b->du_users[i].user) ||
			    !pats_eq(&a->du_users[i].allow, &b->du_users[i].allow))
				return 0;
		return 1;
	case R_CLEARTEXT_SIGNALLING:
		return refs_eq(a, &a->cs_require_tls, b, &b->cs_require_tls) && domains_eq(a, b);
	case R_SCANNER:
		return pats_eq(&a->scanner, &b->scanner);
	case R_WEAK_AUTH:
		return a->wa_require_sha256 == b->wa_require_sha256 && domains_eq(a, b);
	case R_UNAUTHENTICATED_CALL:
		return domains_eq(a, b);
	default:
		return 1;
	}
}

static int
custom_eq(const struct custom_def *a, const struct custom_def *b)
{
	return str_eq(a->name, b->name) && a->target == b->target &&
	    str_eq(a->header, b->header) && a->re && b->re &&
	    str_eq(pattern_source(a->re), pattern_source(b->re)) && common_eq(&a->c, &b->c);
}

/* Exchanges the entries (and the key texts they keep) of two tables of
 * the same layout. */
static void
rtab_swap_entries(struct rtab *a, struct rtab *b)
{
	struct rtab t = *a;
	ktab_swap(&a->t, &b->t);
	a->t.ud = a;
	b->t.ud = b;
	a->tx = b->tx, a->ntx = b->ntx, a->ctx = b->ctx, a->crossed = b->crossed;
	b->tx = t.tx, b->ntx = t.ntx, b->ctx = t.ctx, b->crossed = t.crossed;
	/* The alert rate window and held-back alerts go with the entries;
	 * the limit stays with the configuration. */
	a->rl = b->rl;
	b->rl = t.rl;
}

/* Exchanges two rule tables, each staying with its engine. */
static void
rtab_swap(struct rtab *a, struct rtab *b)
{
	struct rtab ta = *a, tb = *b;
	ktab_swap(&a->t, &b->t);
	a->t.ud = a;
	b->t.ud = b;
	a->live = tb.live, a->rule_id = tb.rule_id, a->name = tb.name;
	a->c = tb.c, a->idle = tb.idle, a->quiet = tb.quiet, a->dcap = tb.dcap, a->kx = tb.kx;
	a->tx = tb.tx, a->ntx = tb.ntx, a->ctx = tb.ctx, a->crossed = tb.crossed;
	b->live = ta.live, b->rule_id = ta.rule_id, b->name = ta.name;
	b->c = ta.c, b->idle = ta.idle, b->quiet = ta.quiet, b->dcap = ta.dcap, b->kx = ta.kx;
	b->tx = ta.tx, b->ntx = ta.ntx, b->ctx = ta.ctx, b->crossed = ta.crossed;
	a->rl_count = tb.rl_count, a->rl_per = tb.rl_per, a->rl = tb.rl;
	b->rl_count = ta.rl_count, b->rl_per = ta.rl_per, b->rl = ta.rl;
}

static void
reload_note(struct sb *b, const char *name)
{
	sb_str(b, b->n ? ", " : "reset: ");
	sb_str(b, name);
}

/*
 * A fresh engine is built for the new configuration (so a configuration
 * the engine rejects changes nothing); then every table whose rule kept
 * its settings moves into place and the fresh engine, now holding the
 * old configuration's leftovers, is freed.
 */
int
rule_engine_reload(struct rule_engine *e, const struct rule_config *nc,
    char *err, size_t errlen)
{
	const struct rule_config *oc = e->cfg;
	char note[512];
	struct sb b;
	struct rule_engine *n = rule_engine_new(nc, e->fn, e->ud, err, errlen);
	if (n == NULL)
		return -1;
	/* Allocated before anything moves: a failure leaves e as it was
	 * (tables moved in from n would point into nc, which the caller
	 * frees when the reload fails). */
	unsigned char *taken = calloc(oc->n_customs + 1, 1);
	if (taken == NULL) {
		rule_engine_free(n);
		snprintf(err, errlen, "rule engine: out of memory");
		return -1;
	}
	sb_init(&b, note, sizeof(note));
	int same_size = oc->table_size == nc->table_size;

	for (int i = 0; i < R__COUNT; i++) {
		struct rtab *o = &e->rt[i], *w = &n->rt[i];
		if (same_size && o->live && w->live && o->dcap == w->dcap &&
		    common_eq(&oc->r[i], &nc->r[i]) && lists_eq(oc, nc, i)) {
			o->c = w->c;
			o->idle = w->idle; /* auth-bruteforce's follows auth-breach */
			o->rl_count = w->rl_count;
			o->rl_per = w->rl_per;
			continue;
		}
		if (o->live || w->live)
			reload_note(&b, rule_names[i]);
		/* Events held back under the old settings are reported now,
		 * not lost (as when an entry expires). */
		flush_table(o);
		rtab_swap(o, w);
	}
	for (size_t j = 0; j < nc->n_customs; j++) {
		size_t i;
		if (!n->crt[j].live)
			continue;
		for (i = 0; i < oc->n_customs; i++)
			if (!taken[i] && e->crt[i].live && same_size &&
			    custom_eq(&oc->customs[i], &nc->customs[j]))
				break;
		if (i == oc->n_customs) {
			reload_note(&b, nc->customs[j].name);
			continue;
		}
		taken[i] = 1;
		rtab_swap_entries(&e->crt[i], &n->crt[j]);
	}
	for (size_t i = 0; i < oc->n_customs; i++) {
		if (taken[i] || !e->crt[i].live)
			continue;
		flush_table(&e->crt[i]);
		size_t j;
		for (j = 0; j < nc->n_customs; j++)
			if (str_eq(oc->customs[i].name, nc->customs[j].name))
				break;
		if (j == nc->n_customs) /* removed, not already named as changed */
			reload_note(&b, oc->customs[i].name);
	}
	free(taken);

	/* The request and INVITE tables hold no settings, only recent
	 * transactions: kept whenever both configurations have them. */
	if (!(same_size && e->txn_live && n->txn_live)) {
		ktab_swap(&e->txn, &n->txn);
		int t = e->txn_live;
		e->txn_live = n->txn_live;
		n->txn_live = t;
	}
	e->txn.ud = e;
	n->txn.ud = n;
	if (!(same_size && e->inv_live && n->inv_live)) {
		ftab_swap(&e->inv, &n->inv);
		int t = e->inv_live;
		e->inv_live = n->inv_live;
		n->inv_live = t;
	}
	e->inv.ud = e;
	n->inv.ud = n;
	e->inv_idle = n->inv_idle;

#define SWAP(f) do { __typeof__(e->f) t_ = e->f; e->f = n->f; n->f = t_; } while (0)
	SWAP(cfg);
	SWAP(crt);
	SWAP(cinfo);
	SWAP(dom_len);
	SWAP(scan_any);
	SWAP(du_any);
	SWAP(scan_lit);
	SWAP(us_live);
	SWAP(du_live);
	SWAP(any_custom);
#undef SWAP
	for (size_t j = 0; j < nc->n_customs; j++)
		e->crt[j].e = e;
	for (size_t i = 0; i < oc->n_customs; i++)
		n->crt[i].e = n;
	e->rl_due = 0; /* rate_tick() finds the next due time anew */
	set_active(e);
	rule_engine_free(n);
	snprintf(err, errlen, "%s", b.n ? note : "");
	return 0;
}
