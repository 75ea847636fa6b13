/*
 * litscan.c - see litscan.h.
 *
 * Every literal of length L >= m (the shortest) spans L - 1 >= m - 1
 * consecutive two-byte windows, so looking at the window starting at
 * every (m - 1)th byte of the subject sees at least one window inside any
 * occurrence.  A table of the literals' case-folded windows rejects most
 * subject windows in a few instructions; one that is set is checked
 * against each literal it could belong to.
 */
#include "rules/litscan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HBITS 10
#define NHASH (1u << HBITS)
#define FOLD 0x2020u /* ASCII letters to lower case; bytes equal ignoring
                        case stay equal */

struct cand {
	uint32_t win;  /* folded window */
	uint16_t lit;  /* which literal */
	uint16_t off;  /* where the window starts in it */
};

struct lit {
	char *s; /* lower case */
	size_t len;
};

/* A remembered answer; len 0: none. */
struct memo {
	uint32_t len;
	int32_t match; /* the first matching pattern, or -1 */
	char s[LITSCAN_MEMO_MAX];
};

/* Two ways per set, so that two recurring values that share a set do not
 * keep replacing each other (a scan each time); the way used less
 * recently goes. */
#define MEMO_SET_BITS 5
#define MEMO_SETS (1 << MEMO_SET_BITS)
/* The slot is chosen from a subject's first and last eight bytes. */
_Static_assert(LITSCAN_MEMO_MIN >= 8, "memo subjects have two words");

struct litscan {
	const struct pattern_list *list; /* made from it; the memo's answers */
	struct memo memo[MEMO_SETS][2];
	uint8_t memo_old[MEMO_SETS]; /* the way to replace next */
	struct lit *lits;
	size_t nlits;
	size_t step;
	uint8_t map[65536]; /* folded windows of the literals: 1 */
	uint16_t head[NHASH + 1]; /* cands of hash h: [head[h], head[h + 1]) */
	struct cand *cands;
};

static int
plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("-@_ :/=,;!%&~<>'\"", c) != NULL);
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* The literal of a pattern source, or -1 when it is not one. */
static int
literal(const char *src, struct lit *out)
{
	size_t n = strlen(src);
	if (n >= 2 && src[0] == '\\' && src[1] == 'b')
		src += 2, n -= 2;
	if (n >= 2 && src[n - 2] == '\\' && src[n - 1] == 'b')
		n -= 2;
	if (n < LITSCAN_MIN || n > UINT16_MAX)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!plain((unsigned char)src[i]))
			return -1;
	out->s = malloc(n);
	if (out->s == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		out->s[i] = (char)lower((unsigned char)src[i]);
	out->len = n;
	return 0;
}

static uint32_t
window(const unsigned char *p)
{
	uint16_t w;
	memcpy(&w, p, sizeof(w)); /* byte order is the same for both sides */
	return (uint32_t)(w | FOLD);
}

static uint32_t
hash(uint32_t w)
{
	return (w * 2654435761u) >> (32 - HBITS);
}

void
litscan_free(struct litscan *ls)
{
	if (ls == NULL)
		return;
	for (size_t i = 0; i < ls->nlits; i++)
		free(ls->lits[i].s);
	free(ls->lits);
	free(ls->cands);
	free(ls);
}

struct litscan *
litscan_new(const struct pattern_list *l)
{
	if (l->n == 0 || l->n > UINT16_MAX)
		return NULL;
	struct litscan *ls = calloc(1, sizeof(*ls));
	if (ls == NULL || (ls->lits = calloc(l->n, sizeof(*ls->lits))) == NULL)
		goto fail;
	ls->list = l;
	size_t ncand = 0, m = SIZE_MAX;
	for (size_t i = 0; i < l->n; i++) {
		const char *src = pattern_source(l->v[i]);
		if (src == NULL || literal(src, &ls->lits[i]) != 0)
			goto fail;
		ls->nlits++;
		ncand += ls->lits[i].len - 1;
		if (ls->lits[i].len < m)
			m = ls->lits[i].len;
	}
	if (ncand > UINT16_MAX || (ls->cands = malloc(ncand * sizeof(*ls->cands))) == NULL)
		goto fail;
	ls->step = m - 1;
	/* Counting sort of the windows by hash. */
	uint32_t cnt[NHASH + 1] = { 0 };
	for (size_t i = 0; i < ls->nlits; i++) {
		for (size_t o = 0; o + 2 <= ls->lits[i].len; o++) {
			uint32_t w = window((const unsigned char *)ls->lits[i].s + o);
			cnt[hash(w) + 1]++;
			ls->map[w] = 1;
		}
	}
	for (size_t h = 0; h < NHASH; h++)
		cnt[h + 1] += cnt[h];
	for (size_t h = 0; h <= NHASH; h++)
		ls->head[h] = (uint16_t)cnt[h];
	for (size_t i = 0; i < ls->nlits; i++) {
		for (size_t o = 0; o + 2 <= ls->lits[i].len; o++) {
			uint32_t w = window((const unsigned char *)ls->lits[i].s + o);
			struct cand *c = &ls->cands[cnt[hash(w)]++];
			c->win = w;
			c->lit = (uint16_t)i;
			c->off = (uint16_t)o;
		}
	}
	return ls;
fail:
	litscan_free(ls);
	return NULL;
}

static int
occurs_at(const struct lit *l, const unsigned char *s)
{
	for (size_t i = 0; i < l->len; i++)
		if (lower(s[i]) != (unsigned char)l->s[i])
			return 0;
	return 1;
}

int
litscan_maybe(const struct litscan *ls, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (s == NULL)
		return 0;
	for (size_t q = 0; q + 2 <= n; q += ls->step) {
		uint32_t w = window(u + q);
		if (!ls->map[w])
			continue;
		uint32_t h = hash(w);
		for (uint32_t c = ls->head[h]; c < ls->head[h + 1]; c++) {
			const struct cand *cd = &ls->cands[c];
			const struct lit *l = &ls->lits[cd->lit];
			if (cd->win != w || q < cd->off || n - (q - cd->off) < l->len)
				continue;
			if (occurs_at(l, u + q - cd->off))
				return 1;
		}
	}
	return 0;
}

static int
list_match(const struct litscan *ls, const char *s, size_t n)
{
	return litscan_maybe(ls, s, n) ? pattern_list_match(ls->list, s, n) : -1;
}

/* s[0, n) and the remembered m->s[0, n) (8 <= n <= LITSCAN_MEMO_MAX) are
 * the same: a word at a time, the last word ending at the last byte. */
static int
memo_eq(const struct memo *m, const char *s, size_t n)
{
	uint64_t a, b;
	for (size_t i = 0; n - i > 8; i += 8) {
		memcpy(&a, m->s + i, 8);
		memcpy(&b, s + i, 8);
		if (a != b)
			return 0;
	}
	memcpy(&a, m->s + n - 8, 8);
	memcpy(&b, s + n - 8, 8);
	return a == b;
}

int
litscan_match_memo(struct litscan *ls, const char *s, size_t n)
{
	if (s == NULL || n < LITSCAN_MEMO_MIN || n > LITSCAN_MEMO_MAX)
		return list_match(ls, s, n);
	/* The set from the first and last eight bytes and the length, by one
	 * multiplication (its top bits): the comparison decides, so a
	 * collision only costs a scan. */
	uint64_t a, b;
	memcpy(&a, s, sizeof(a));
	memcpy(&b, s + n - sizeof(b), sizeof(b));
	size_t set = (size_t)(((a ^ (b * 0x9e3779b97f4a7c15ULL) ^ n) * 0xff51afd7ed558ccdULL) >>
	    (64 - MEMO_SET_BITS));
	for (int w = 0; w < 2; w++) {
		const struct memo *m = &ls->memo[set][w];
		if (m->len == n && memo_eq(m, s, n)) {
			ls->memo_old[set] = (uint8_t)!w;
			return m->match;
		}
	}
	int w = ls->memo_old[set];
	struct memo *m = &ls->memo[set][w];
	m->match = list_match(ls, s, n);
	m->len = (uint32_t)n;
	memcpy(m->s, s, n);
	ls->memo_old[set] = (uint8_t)!w;
	return m->match;
}
