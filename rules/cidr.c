/*
 * cidr.c - sets of IPv4 and IPv6 networks.  Configured sets are small
 * (a handful of trusted and carrier ranges), so a linear scan over
 * prefix/mask pairs is faster than any tree at that size and has no
 * pathological inputs.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "rules/cidr.h"

#define CIDR_TEXT_MAX 64 /* longest IPv6 text with prefix is 49 bytes */

struct cidr4 {
	uint32_t net, mask; /* host order */
};

struct cidr6 {
	uint8_t net[16];
	uint8_t plen;
};

struct cidr_set {
	struct cidr4 *v4;
	size_t n4, cap4;
	struct cidr6 *v6;
	size_t n6, cap6;
};

struct cidr_set *
cidr_set_new(void)
{
	return calloc(1, sizeof(struct cidr_set));
}

void
cidr_set_free(struct cidr_set *s)
{
	if (s == NULL)
		return;
	free(s->v4);
	free(s->v6);
	free(s);
}

size_t
cidr_set_count(const struct cidr_set *s)
{
	return s == NULL ? 0 : s->n4 + s->n6;
}

int
cidr_set_equal(const struct cidr_set *a, const struct cidr_set *b)
{
	static const struct cidr_set empty;
	if (a == NULL)
		a = &empty;
	if (b == NULL)
		b = &empty;
	if (a->n4 != b->n4 || a->n6 != b->n6)
		return 0;
	for (size_t i = 0; i < a->n4; i++)
		if (a->v4[i].net != b->v4[i].net || a->v4[i].mask != b->v4[i].mask)
			return 0;
	for (size_t i = 0; i < a->n6; i++)
		if (a->v6[i].plen != b->v6[i].plen ||
		    memcmp(a->v6[i].net, b->v6[i].net, 16) != 0)
			return 0;
	return 1;
}

/* Grows *v (elements of size sz) so that one more fits. */
static int
grow(void **v, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if (ncap < *cap || ncap > SIZE_MAX / sz)
		return -1;
	nv = realloc(*v, ncap * sz);
	if (nv == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

/* Copies text for a message: bounded, with non-printable bytes as '?' so a
 * hostile config cannot put terminal escapes into a log line. */
static void
shown(char *dst, size_t dstlen, const char *text)
{
	size_t i;

	for (i = 0; i + 1 < dstlen && text[i] != '\0'; i++)
		dst[i] = (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?';
	dst[i] = '\0';
}

static void
mask6(uint8_t *a, unsigned plen)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8)
			plen -= 8;
		else {
			a[i] &= (uint8_t)(0xff00u >> plen);
			plen = 0;
		}
	}
}

static uint32_t
mask4(unsigned plen)
{
	return plen == 0 ? 0 : 0xffffffffu << (32 - plen);
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

int
cidr_set_add(struct cidr_set *s, const char *text, char *err, size_t errlen)
{
	char buf[CIDR_TEXT_MAX + 1], show[CIDR_TEXT_MAX + 1], fix[INET6_ADDRSTRLEN];
	char *slash;
	uint8_t a[16], m[16];
	unsigned plen = 0, maxlen;
	int ver;
	size_t len = strnlen(text, CIDR_TEXT_MAX + 1);

	shown(show, sizeof(show), text);
	if (len > CIDR_TEXT_MAX) {
		snprintf(err, errlen, "bad address or network \"%s...\": too long", show);
		return -1;
	}
	memcpy(buf, text, len + 1);
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, a) == 1) {
		ver = 4;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, buf, a) == 1) {
		ver = 6;
		maxlen = 128;
	} else {
		snprintf(err, errlen, "bad address or network \"%s\": not an IPv4 or "
		    "IPv6 address", show);
		return -1;
	}
	plen = maxlen;
	if (slash != NULL) {
		const char *p = slash + 1;

		/* Plain decimal only: no sign, no spaces, at most 3 digits. */
		if (*p == '\0' || strspn(p, "0123456789") != strlen(p) || strlen(p) > 3 ||
		    (p[0] == '0' && p[1] != '\0') || (plen = (unsigned)atoi(p)) > maxlen) {
			snprintf(err, errlen, "bad address or network \"%s\": prefix "
			    "length must be 0..%u", show, maxlen);
			return -1;
		}
	}
	memcpy(m, a, 16);
	if (ver == 4) {
		uint32_t h = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		    (uint32_t)a[2] << 8 | a[3];
		uint32_t net = h & mask4(plen);

		m[0] = (uint8_t)(net >> 24);
		m[1] = (uint8_t)(net >> 16);
		m[2] = (uint8_t)(net >> 8);
		m[3] = (uint8_t)net;
	} else
		mask6(m, plen);
	if (memcmp(a, m, ver == 4 ? 4 : 16) != 0) {
		inet_ntop(ver == 4 ? AF_INET : AF_INET6, m, fix, sizeof(fix));
		snprintf(err, errlen, "bad address or network \"%s\": host bits set "
		    "(did you mean %s/%u?)", show, fix, plen);
		return -1;
	}
	/* ::ffff:a.b.c.d/96+ is an IPv4 network written as IPv6: keep it with
	 * the IPv4 entries so it matches both packet forms. */
	if (ver == 6 && plen >= 96 && memcmp(a, v4mapped, 12) == 0) {
		memmove(a, a + 12, 4);
		plen -= 96;
		ver = 4;
	}
	if (ver == 4) {
		if (grow((void **)&s->v4, &s->cap4, s->n4, sizeof(*s->v4)) < 0)
			goto nomem;
		s->v4[s->n4].net = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		    (uint32_t)a[2] << 8 | a[3];
		s->v4[s->n4].mask = mask4(plen);
		s->n4++;
	} else {
		if (grow((void **)&s->v6, &s->cap6, s->n6, sizeof(*s->v6)) < 0)
			goto nomem;
		memcpy(s->v6[s->n6].net, a, 16);
		s->v6[s->n6].plen = (uint8_t)plen;
		s->n6++;
	}
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int
match6(const struct cidr6 *e, const uint8_t *addr)
{
	unsigned full = e->plen / 8, rest = e->plen % 8;

	if (memcmp(e->net, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((e->net[full] ^ addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

static int
match4(const struct cidr_set *s, const uint8_t *addr)
{
	uint32_t h = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
	    (uint32_t)addr[2] << 8 | addr[3];
	size_t i;

	for (i = 0; i < s->n4; i++)
		if ((h & s->v4[i].mask) == s->v4[i].net)
			return 1;
	return 0;
}

int
cidr_set_match(const struct cidr_set *s, int ver, const uint8_t *addr)
{
	size_t i;

	if (s == NULL || addr == NULL)
		return 0;
	if (ver == 4)
		return match4(s, addr);
	if (ver != 6)
		return 0;
	if (memcmp(addr, v4mapped, 12) == 0 && match4(s, addr + 12))
		return 1;
	for (i = 0; i < s->n6; i++)
		if (match6(&s->v6[i], addr))
			return 1;
	return 0;
}
