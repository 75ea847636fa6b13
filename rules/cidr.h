/*
 * cidr.h - sets of IPv4 and IPv6 networks ("10.0.0.0/8", "192.0.2.10",
 * "2001:db8::/32"), matched against packet addresses.
 */
#ifndef SIPWATCH_RULES_CIDR_H
#define SIPWATCH_RULES_CIDR_H

#include <stddef.h>
#include <stdint.h>

struct cidr_set;

struct cidr_set *cidr_set_new(void);
void cidr_set_free(struct cidr_set *s);
/*
 * Adds an address or network in text form.  A host address is a /32 or
 * /128; bits set below the prefix are an error ("10.0.0.1/8": did you mean
 * 10.0.0.0/8?).  Returns 0, or -1 with a message in err.
 */
int cidr_set_add(struct cidr_set *s, const char *text, char *err, size_t errlen);
/* 1 if addr (4 or 16 bytes, by ver 4 or 6) is in the set.  IPv4-mapped
 * IPv6 addresses (::ffff:a.b.c.d) match IPv4 entries. */
int cidr_set_match(const struct cidr_set *s, int ver, const uint8_t *addr);
size_t cidr_set_count(const struct cidr_set *s);
/* 1 when both sets hold the same entries in the same order (NULL is the
 * empty set), else 0.  Used to tell whether a reloaded configuration
 * changed a network. */
int cidr_set_equal(const struct cidr_set *a, const struct cidr_set *b);

#endif
