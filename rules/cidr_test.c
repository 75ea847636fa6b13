/*
 * cidr_test.c - Criterion tests for cidr.c.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "rules/cidr.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ cidr_set_add */

struct add_case {
	const char *in;
	int rc;
	const char *err; /* substring of the message when rc == -1 */
	const char *comment;
};

static const struct add_case add_cases[] = {
	{ "10.0.0.0/8", 0, NULL, "IPv4 network" },
	{ "192.0.2.10", 0, NULL, "IPv4 host" },
	{ "192.0.2.10/32", 0, NULL, "IPv4 /32" },
	{ "0.0.0.0/0", 0, NULL, "IPv4 /0" },
	{ "128.0.0.0/1", 0, NULL, "IPv4 /1" },
	{ "192.0.2.0/31", 0, NULL, "IPv4 /31" },
	{ "2001:db8::/32", 0, NULL, "IPv6 network" },
	{ "2001:db8::1", 0, NULL, "IPv6 host" },
	{ "::/0", 0, NULL, "IPv6 /0" },
	{ "8000::/1", 0, NULL, "IPv6 /1" },
	{ "2001:db8::/127", 0, NULL, "IPv6 /127" },
	{ "2001:db8::1/128", 0, NULL, "IPv6 /128" },
	{ "::ffff:10.0.0.0/104", 0, NULL, "IPv4-mapped network" },
	{ "10.0.0.1/8", -1,
	  "bad address or network \"10.0.0.1/8\": host bits set (did you mean 10.0.0.0/8?)",
	  "host bits below an IPv4 prefix" },
	{ "192.0.2.1/31", -1, "host bits set (did you mean 192.0.2.0/31?)",
	  "one host bit below /31" },
	{ "128.0.0.0/0", -1, "host bits set (did you mean 0.0.0.0/0?)", "/0 with bits" },
	{ "2001:db8::1/32", -1, "host bits set (did you mean 2001:db8::/32?)",
	  "host bits below an IPv6 prefix" },
	{ "2001:db8::1/127", -1, "host bits set (did you mean 2001:db8::/127?)",
	  "last bit below /127" },
	{ "10.0.0.0/33", -1, "prefix length must be 0..32", "IPv4 prefix too long" },
	{ "::/129", -1, "prefix length must be 0..128", "IPv6 prefix too long" },
	{ "10.0.0.0/", -1, "prefix length must be 0..32", "empty prefix" },
	{ "10.0.0.0/-1", -1, "prefix length must be 0..32", "negative prefix" },
	{ "10.0.0.0/+8", -1, "prefix length must be 0..32", "signed prefix" },
	{ "10.0.0.0/08", -1, "prefix length must be 0..32", "leading zero" },
	{ "10.0.0.0/8 ", -1, "prefix length must be 0..32", "trailing space" },
	{ "10.0.0.0/8/8", -1, "prefix length must be 0..32", "two slashes" },
	{ "", -1, "not an IPv4 or IPv6 address", "empty" },
	{ "/8", -1, "not an IPv4 or IPv6 address", "no address" },
	{ "garbage", -1, "bad address or network \"garbage\": not an IPv4 or IPv6 address",
	  "a word" },
	{ "10.0.0", -1, "not an IPv4 or IPv6 address", "three octets" },
	{ "256.0.0.0", -1, "not an IPv4 or IPv6 address", "octet out of range" },
	{ "010.0.0.1", -1, "not an IPv4 or IPv6 address", "octal-looking octet" },
	{ " 10.0.0.1", -1, "not an IPv4 or IPv6 address", "leading space" },
	{ "2001:db8::1%eth0", -1, "not an IPv4 or IPv6 address", "zone index" },
	{ "1:2:3:4:5:6:7:8:9", -1, "not an IPv4 or IPv6 address", "nine groups" },
	{ "10.0.0.1\x1b[31m", -1, "\"10.0.0.1?[31m\"", "escape shown as ?" },
	{ "1111111111111111111111111111111111111111111111111111111111111111111111",
	  -1, "too long", "longer than any address" },
};

Test(cidr, add)
{
	char err[256];

	for (size_t i = 0; i < N(add_cases); i++) {
		const struct add_case *c = &add_cases[i];
		struct cidr_set *s = cidr_set_new();
		int rc;

		cr_assert_not_null(s);
		err[0] = '\0';
		rc = cidr_set_add(s, c->in, err, sizeof(err));
		cr_expect_eq(rc, c->rc, "%s: \"%s\" gives %d (%s), want %d", c->comment,
		    c->in, rc, err, c->rc);
		if (c->rc == 0)
			cr_expect_eq(cidr_set_count(s), 1, "%s: count", c->comment);
		else {
			cr_expect_eq(cidr_set_count(s), 0, "%s: failed add left an entry",
			    c->comment);
			cr_expect(strstr(err, c->err) != NULL, "%s: message \"%s\", want \"%s\"",
			    c->comment, err, c->err);
		}
		cidr_set_free(s);
	}
}

/* ------------------------------------------------------------ cidr_set_match */

struct match_case {
	const char *set[4]; /* NULL-terminated */
	const char *addr;
	int want;
	const char *comment;
};

static const struct match_case match_cases[] = {
	{ { "10.0.0.0/8" }, "10.255.1.2", 1, "inside /8" },
	{ { "10.0.0.0/8" }, "11.0.0.0", 0, "just past /8" },
	{ { "10.0.0.0/8" }, "9.255.255.255", 0, "just before /8" },
	{ { "192.0.2.10" }, "192.0.2.10", 1, "host entry, same host" },
	{ { "192.0.2.10" }, "192.0.2.11", 0, "host entry, next host" },
	{ { "0.0.0.0/0" }, "255.255.255.255", 1, "/0 matches all IPv4" },
	{ { "0.0.0.0/0" }, "2001:db8::1", 0, "IPv4 /0 does not match IPv6" },
	{ { "128.0.0.0/1" }, "128.0.0.1", 1, "/1 upper half" },
	{ { "128.0.0.0/1" }, "127.255.255.255", 0, "/1 lower half" },
	{ { "192.0.2.0/31" }, "192.0.2.1", 1, "/31 second address" },
	{ { "192.0.2.0/31" }, "192.0.2.2", 0, "/31 third address" },
	{ { "192.0.2.7/32" }, "192.0.2.7", 1, "/32 itself" },
	{ { "192.0.2.7/32" }, "192.0.2.6", 0, "/32 neighbour" },
	{ { "2001:db8::/32" }, "2001:db8:ffff::1", 1, "inside IPv6 /32" },
	{ { "2001:db8::/32" }, "2001:db9::", 0, "next IPv6 /32" },
	{ { "::/0" }, "fe80::1", 1, "IPv6 /0" },
	{ { "::/0" }, "10.0.0.1", 0, "IPv6 /0 does not match an IPv4 packet" },
	{ { "8000::/1" }, "8000::", 1, "IPv6 /1 upper half" },
	{ { "8000::/1" }, "7fff:ffff::", 0, "IPv6 /1 lower half" },
	{ { "2001:db8::/127" }, "2001:db8::1", 1, "/127 second address" },
	{ { "2001:db8::/127" }, "2001:db8::2", 0, "/127 third address" },
	{ { "2001:db8::5/128" }, "2001:db8::5", 1, "/128 itself" },
	{ { "2001:db8::5/128" }, "2001:db8::4", 0, "/128 neighbour" },
	{ { "2001:db8:0:0:8000::/65" }, "2001:db8::8000:0:0:1", 1, "odd prefix, inside" },
	{ { "2001:db8:0:0:8000::/65" }, "2001:db8::7fff:0:0:1", 0, "odd prefix, outside" },
	{ { "10.0.0.0/8" }, "::ffff:10.1.2.3", 1, "v4-mapped matches IPv4 entry" },
	{ { "10.0.0.0/8" }, "::ffff:11.1.2.3", 0, "v4-mapped outside IPv4 entry" },
	{ { "10.0.0.0/8" }, "::10.1.2.3", 0, "v4-compatible is not v4-mapped" },
	{ { "10.0.0.0/8" }, "64:ff9b::10.1.2.3", 0, "NAT64 prefix is not v4-mapped" },
	{ { "::ffff:10.0.0.0/104" }, "10.9.9.9", 1, "mapped entry matches IPv4 packet" },
	{ { "::ffff:10.0.0.0/104" }, "::ffff:10.9.9.9", 1, "mapped entry, mapped packet" },
	{ { "::ffff:10.0.0.0/104" }, "11.0.0.0", 0, "mapped entry, outside" },
	{ { "10.0.0.0/8", "2001:db8::/32", "192.0.2.10" }, "192.0.2.10", 1, "third of three" },
	{ { "10.0.0.0/8", "2001:db8::/32", "192.0.2.10" }, "2001:db8::1", 1, "mixed set, IPv6" },
	{ { "10.0.0.0/8", "2001:db8::/32", "192.0.2.10" }, "203.0.113.1", 0, "mixed set, miss" },
	{ { NULL }, "10.0.0.1", 0, "empty set" },
};

/* Parses a test address into buf; returns 4, 6 or 0. */
static int
addr(const char *text, uint8_t *buf)
{
	if (inet_pton(AF_INET, text, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, buf) == 1)
		return 6;
	return 0;
}

Test(cidr, match)
{
	char err[256];
	uint8_t a[16];

	for (size_t i = 0; i < N(match_cases); i++) {
		const struct match_case *c = &match_cases[i];
		struct cidr_set *s = cidr_set_new();
		int ver = addr(c->addr, a);

		cr_assert_neq(ver, 0, "%s: bad test address %s", c->comment, c->addr);
		for (size_t j = 0; j < N(c->set) && c->set[j] != NULL; j++)
			cr_assert_eq(cidr_set_add(s, c->set[j], err, sizeof(err)), 0,
			    "%s: %s: %s", c->comment, c->set[j], err);
		cr_expect_eq(cidr_set_match(s, ver, a), c->want, "%s: %s", c->comment,
		    c->addr);
		cidr_set_free(s);
	}
}

Test(cidr, bad_version_and_null)
{
	struct cidr_set *s = cidr_set_new();
	uint8_t a[16] = { 10, 0, 0, 1 };
	char err[64];

	cr_assert_eq(cidr_set_add(s, "0.0.0.0/0", err, sizeof(err)), 0);
	cr_expect_eq(cidr_set_match(s, 4, a), 1);
	cr_expect_eq(cidr_set_match(s, 5, a), 0, "unknown version matches nothing");
	cr_expect_eq(cidr_set_match(s, 4, NULL), 0, "NULL address");
	cr_expect_eq(cidr_set_match(NULL, 4, a), 0, "NULL set");
	cr_expect_eq(cidr_set_count(NULL), 0);
	cidr_set_free(s);
	cidr_set_free(NULL);
}

/* Many entries: every host of 10.0.0.0/18 added one by one, plus IPv6 /64s. */
Test(cidr, many_entries)
{
	struct cidr_set *s = cidr_set_new();
	char text[64], err[128];
	uint8_t a[16];

	for (unsigned i = 0; i < 16384; i++) {
		snprintf(text, sizeof(text), "10.0.%u.%u", i >> 8, i & 0xff);
		cr_assert_eq(cidr_set_add(s, text, err, sizeof(err)), 0, "%s: %s", text, err);
	}
	for (unsigned i = 0; i < 4096; i++) {
		snprintf(text, sizeof(text), "2001:db8:%x:%x::/64", i >> 8, i & 0xff);
		cr_assert_eq(cidr_set_add(s, text, err, sizeof(err)), 0, "%s: %s", text, err);
	}
	cr_expect_eq(cidr_set_count(s), 16384 + 4096);
	addr("10.0.63.255", a);
	cr_expect_eq(cidr_set_match(s, 4, a), 1, "last IPv4 host");
	addr("10.0.64.0", a);
	cr_expect_eq(cidr_set_match(s, 4, a), 0, "first host past the list");
	addr("::ffff:10.0.0.0", a);
	cr_expect_eq(cidr_set_match(s, 6, a), 1, "first host, v4-mapped");
	addr("2001:db8:f:ff::9", a);
	cr_expect_eq(cidr_set_match(s, 6, a), 1, "last IPv6 /64");
	addr("2001:db8:10:0::9", a);
	cr_expect_eq(cidr_set_match(s, 6, a), 0, "first IPv6 /64 past the list");
	cidr_set_free(s);
}
