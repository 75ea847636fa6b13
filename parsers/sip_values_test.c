/*
 * sip_values_test.c - Criterion tests for sip_values.c.  Every input is
 * placed against a guard page, and every prefix of every input is parsed as
 * well, so a read past the span crashes the test.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "sip_values.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct span
put(const char *s, size_t n)
{
	struct span sp = { guard_put(s, n), (uint32_t)n };
	return sp;
}

/* want NULL or "" means an empty span. */
static int
span_is(struct span s, const char *want)
{
	return want == NULL ? s.len == 0 : span_eq(s, want);
}

static int
within(struct span s, struct span in)
{
	uintptr_t p = (uintptr_t)s.p, b = (uintptr_t)in.p;
	return s.len == 0 || (p >= b && p + s.len <= b + in.len);
}

#define EXPECT_SPAN(comment, what, got, want)                                   \
	cr_expect(span_is((got), (want)), "%s: %s is \"%.*s\", want \"%s\"",      \
	    (comment), (what), (int)(got).len, (got).p != NULL ? (got).p : "",    \
	    (want) != NULL ? (want) : "")

/* ---------------------------------------------------------------- URIs */

struct uri_case {
	const char *in;
	int rc;
	int scheme;
	const char *user, *password, *host;
	int port; /* -1: none */
	const char *params, *headers;
	const char *comment;
};

static const struct uri_case uri_cases[] = {
	/* RFC 3261 section 19.1.3 examples */
	{ "sip:alice@atlanta.com", 0, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "19.1.3 plain" },
	{ "sip:alice:secretword@atlanta.com;transport=tcp", 0, SIP_URI_SIP, "alice", "secretword", "atlanta.com", -1, "transport=tcp", NULL, "19.1.3 password" },
	{ "sips:alice@atlanta.com?subject=project%20x&priority=urgent", 0, SIP_URI_SIPS, "alice", NULL, "atlanta.com", -1, NULL, "subject=project%20x&priority=urgent", "19.1.3 sips headers" },
	{ "sip:+1-212-555-1212:1234@gateway.com;user=phone", 0, SIP_URI_SIP, "+1-212-555-1212", "1234", "gateway.com", -1, "user=phone", NULL, "19.1.3 telephone user" },
	{ "sips:1212@gateway.com", 0, SIP_URI_SIPS, "1212", NULL, "gateway.com", -1, NULL, NULL, "19.1.3 sips" },
	{ "sip:alice@192.0.2.4", 0, SIP_URI_SIP, "alice", NULL, "192.0.2.4", -1, NULL, NULL, "19.1.3 IPv4" },
	{ "sip:atlanta.com;method=REGISTER?to=alice%40jupiter.example.com", 0, SIP_URI_SIP, NULL, NULL, "atlanta.com", -1, "method=REGISTER", "to=alice%40jupiter.example.com", "19.1.3 no user, params, headers" },
	{ "sip:alice;day=tuesday@atlanta.com", 0, SIP_URI_SIP, "alice;day=tuesday", NULL, "atlanta.com", -1, NULL, NULL, "19.1.3 ';' in user" },
	{ "sip:alice@atlanta.com:5060", 0, SIP_URI_SIP, "alice", NULL, "atlanta.com", 5060, NULL, NULL, "port" },
	{ "sip:alice@atlanta.com:0", 0, SIP_URI_SIP, "alice", NULL, "atlanta.com", 0, NULL, NULL, "port 0" },
	{ "sip:alice@atlanta.com:65535;lr", 0, SIP_URI_SIP, "alice", NULL, "atlanta.com", 65535, "lr", NULL, "max port, flag param" },
	{ "SIP:Alice@Atlanta.COM", 0, SIP_URI_SIP, "Alice", NULL, "Atlanta.COM", -1, NULL, NULL, "scheme case-insensitive" },
	{ "SiPs:bob@b.example", 0, SIP_URI_SIPS, "bob", NULL, "b.example", -1, NULL, NULL, "sips mixed case" },
	{ "  sip:bob@b.example \r\n", 0, SIP_URI_SIP, "bob", NULL, "b.example", -1, NULL, NULL, "surrounding LWS" },
	{ "sip:host_1.example.com", 0, SIP_URI_SIP, NULL, NULL, "host_1.example.com", -1, NULL, NULL, "underscore in host" },
	/* RFC 4475 */
	{ "sip:sips%3Auser%40example.com@example.net", 0, SIP_URI_SIP, "sips%3Auser%40example.com", NULL, "example.net", -1, NULL, NULL, "4475 escruri-like escaped user" },
	{ "sip:%61lice@atlanta.com;transport=TCP", 0, SIP_URI_SIP, "%61lice", NULL, "atlanta.com", -1, "transport=TCP", NULL, "4475 esc01 escaped user" },
	{ "sip:user;par=u%40example.net@example.com", 0, SIP_URI_SIP, "user;par=u%40example.net", NULL, "example.com", -1, NULL, NULL, "4475 semiuri" },
	{ "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com", 0, SIP_URI_SIP,
	  "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", "example.com", -1, NULL, NULL, "4475 unreason" },
	{ "sip:[2001:db8::10]", 0, SIP_URI_SIP, NULL, NULL, "2001:db8::10", -1, NULL, NULL, "5118 IPv6 reference" },
	{ "sip:[2001:db8::10]:5070", 0, SIP_URI_SIP, NULL, NULL, "2001:db8::10", 5070, NULL, NULL, "5118 IPv6 with port" },
	{ "sip:user@[2001:db8::9:1]:5061;transport=tls?h=v", 0, SIP_URI_SIP, "user", NULL, "2001:db8::9:1", 5061, "transport=tls", "h=v", "IPv6 full" },
	{ "sip:[::ffff:192.0.2.1]", 0, SIP_URI_SIP, NULL, NULL, "::ffff:192.0.2.1", -1, NULL, NULL, "IPv4-mapped IPv6" },
	{ "sip:[2001:db8::10", -1, SIP_URI_SIP, NULL, NULL, NULL, -1, NULL, NULL, "5118 unterminated IPv6 reference" },
	{ "sip:user@2001:db8::10", -1, SIP_URI_SIP, "user", NULL, "2001", -1, NULL, NULL, "5118 IPv6 without brackets" },
	{ "sip:[example.com]", -1, SIP_URI_SIP, NULL, NULL, NULL, -1, NULL, NULL, "brackets without IPv6" },
	/* tel: RFC 3966 */
	{ "tel:+1-201-555-0123", 0, SIP_URI_TEL, "+1-201-555-0123", NULL, NULL, -1, NULL, NULL, "3966 global number" },
	{ "tel:7042;phone-context=example.com", 0, SIP_URI_TEL, "7042", NULL, NULL, -1, "phone-context=example.com", NULL, "3966 local, domain context" },
	{ "tel:863-1234;phone-context=+1-914-555", 0, SIP_URI_TEL, "863-1234", NULL, NULL, -1, "phone-context=+1-914-555", NULL, "3966 local, number context" },
	{ "TEL:*21#", 0, SIP_URI_TEL, "*21#", NULL, NULL, -1, NULL, NULL, "service code" },
	{ "tel:", -1, SIP_URI_TEL, NULL, NULL, NULL, -1, NULL, NULL, "empty number" },
	{ "tel:+1 555", -1, SIP_URI_TEL, "+1", NULL, NULL, -1, NULL, NULL, "space in number" },
	/* other schemes */
	{ "http://x", 0, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "http" },
	{ "urn:service:sos", 0, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "urn (RFC 5031)" },
	{ "im:alice@example.com", 0, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "im" },
	/* malformed */
	{ "", -1, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "empty" },
	{ "alice@atlanta.com", -1, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "no scheme" },
	{ ":alice", -1, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "empty scheme" },
	{ "1sip:a@b", -1, SIP_URI_OTHER, NULL, NULL, NULL, -1, NULL, NULL, "scheme starts with a digit" },
	{ "sip:", -1, SIP_URI_SIP, NULL, NULL, NULL, -1, NULL, NULL, "no host" },
	{ "sip:alice@", -1, SIP_URI_SIP, "alice", NULL, NULL, -1, NULL, NULL, "user, no host" },
	{ "sip:@atlanta.com", -1, SIP_URI_SIP, NULL, NULL, "atlanta.com", -1, NULL, NULL, "empty user" },
	{ "sip:%zzlice@atlanta.com", -1, SIP_URI_SIP, "%zzlice", NULL, "atlanta.com", -1, NULL, NULL, "bad escape" },
	{ "sip:alice@atlanta.com%", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "junk after host" },
	{ "sip:h:00005060", 0, SIP_URI_SIP, NULL, NULL, "h", 5060, NULL, NULL, "port with leading zeros" },
	{ "SIP:h:1234", 0, SIP_URI_SIP, NULL, NULL, "h", 1234, NULL, NULL, "scheme in upper case" },
	{ "sip:h:5060x", -1, SIP_URI_SIP, NULL, NULL, "h", 5060, NULL, NULL, "junk after the port" },
	{ "sip:alice@atlanta.com:65536", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "port above 65535" },
	{ "sip:alice@atlanta.com:99999999999999999999", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "huge port" },
	{ "sip:alice@atlanta.com:", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "empty port" },
	{ "sip:alice@atlanta.com:50a60", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", 50, NULL, NULL, "junk in port" },
	{ "sip:alice@atlanta.com:-1", -1, SIP_URI_SIP, "alice", NULL, "atlanta.com", -1, NULL, NULL, "negative port" },
	{ "sip:alice@atl anta.com", -1, SIP_URI_SIP, "alice", NULL, "atl", -1, NULL, NULL, "space in host" },
};

static void
check_uri(const struct sip_uri *u, struct span in)
{
	cr_assert(within(u->scheme_tok, in) && within(u->user, in) &&
	    within(u->password, in) && within(u->host, in) &&
	    within(u->params, in) && within(u->headers, in), "span outside input");
}

Test(sip_uri, table)
{
	for (size_t i = 0; i < N(uri_cases); i++) {
		const struct uri_case *c = &uri_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct sip_uri u;
		int rc = sip_uri_parse(in, &u);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		cr_expect_eq(u.scheme, c->scheme, "%s: scheme %d, want %d", c->comment, u.scheme, c->scheme);
		EXPECT_SPAN(c->comment, "user", u.user, c->user);
		EXPECT_SPAN(c->comment, "password", u.password, c->password);
		EXPECT_SPAN(c->comment, "host", u.host, c->host);
		EXPECT_SPAN(c->comment, "params", u.params, c->params);
		EXPECT_SPAN(c->comment, "headers", u.headers, c->headers);
		cr_expect_eq(u.has_port, c->port >= 0, "%s: has_port %d", c->comment, u.has_port);
		cr_expect_eq(u.port, c->port >= 0 ? c->port : 0, "%s: port %u, want %d", c->comment, u.port, c->port);
		check_uri(&u, in);
	}
}

/* hostname bytes (RFC 3261 section 25.1) and '_', as the parser takes them */
static int
host_byte(int b)
{
	return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') ||
	    (b >= 'A' && b <= 'Z') || b == '-' || b == '.' || b == '_';
}

/*
 * "sip:" [ user "@" ] m host bytes, then byte b, then "hh", for every b,
 * with the user and host runs ending before, at and after 16 bytes (where
 * the parser classifies bytes 16 at a time).
 */
Test(sip_uri, every_byte_in_host)
{
	static const size_t users[] = { 0, 1, 5, 11, 15, 16, 20 };
	char buf[128];

	for (size_t ui = 0; ui < N(users); ui++) {
		const size_t k = users[ui];
		for (size_t m = 0; m <= 40; m++) {
			for (int b = 0; b < 256; b++) {
				size_t n = 0;
				memcpy(buf, "sip:", 4);
				n = 4;
				memset(buf + n, 'u', k);
				n += k;
				if (k > 0)
					buf[n++] = '@';
				const size_t h0 = n;
				memset(buf + n, 'h', m);
				n += m;
				buf[n++] = (char)b;
				memcpy(buf + n, "hh", 2);
				n += 2;

				struct span in = put(buf, n);
				struct sip_uri u;
				int rc = sip_uri_parse(in, &u), want_rc;
				size_t host_off = h0, host_len = m;
				if (host_byte(b)) {
					want_rc = 0;
					host_len = m + 3;
				} else if (b == '@' && k == 0) {
					/* the first run was the user */
					want_rc = m > 0 ? 0 : -1;
					host_off = h0 + m + 1;
					host_len = 2;
				} else if (m == 0) {
					want_rc = -1;
					host_len = 0;
				} else {
					want_rc = b == ';' || b == '?' ? 0 : -1;
				}
				cr_assert_eq(rc, want_rc, "user %zu host %zu byte 0x%02x: rc %d, want %d",
				    k, m, b, rc, want_rc);
				if (host_len > 0)
					cr_assert(u.host.p == in.p + host_off && u.host.len == host_len,
					    "user %zu host %zu byte 0x%02x: host at %td len %u",
					    k, m, b, u.host.p - in.p, u.host.len);
				check_uri(&u, in);
			}
		}
	}
}

Test(sip_uri, scheme_token)
{
	struct span in = put("Mailto:bob@example.com", 22);
	struct sip_uri u;

	cr_assert_eq(sip_uri_parse(in, &u), 0);
	cr_expect_eq(u.scheme, SIP_URI_OTHER);
	cr_expect(span_is(u.scheme_tok, "Mailto"));
	cr_expect(span_is(u.host, NULL));
}

Test(sip_uri, empty_span)
{
	struct sip_uri u;

	memset(&u, 0x5a, sizeof u);
	cr_expect_eq(sip_uri_parse(SPAN_NULL, &u), -1);
	cr_expect_eq(u.scheme, 0);
	cr_expect_eq(u.host.p, NULL);
}

Test(sip_uri, prefixes)
{
	for (size_t i = 0; i < N(uri_cases); i++) {
		size_t len = strlen(uri_cases[i].in);
		for (size_t n = 0; n <= len; n++) {
			struct span in = put(uri_cases[i].in, n);
			struct sip_uri u;
			(void)sip_uri_parse(in, &u);
			check_uri(&u, in);
		}
	}
}

/* ------------------------------------------------------------ params */

struct param_case {
	const char *list, *name;
	int found;
	const char *val;
	const char *comment;
};

static const struct param_case param_cases[] = {
	{ ";transport=tcp;lr", "transport", 1, "tcp", "leading ';'" },
	{ "transport=tcp;lr", "transport", 1, "tcp", "no leading ';'" },
	{ "transport=tcp;lr", "lr", 1, "", "flag" },
	{ "transport=tcp;lr", "LR", 1, "", "case-insensitive name" },
	{ "Transport=tcp", "transport", 1, "tcp", "case-insensitive name in list" },
	{ "a=b;c;d=\"x y\"", "d", 1, "\"x y\"", "quoted value keeps quotes" },
	{ "a=\"x;y\";b=2", "b", 1, "2", "';' inside quotes" },
	{ "a=\"x\\\";y\";b=2", "b", 1, "2", "escaped quote inside quotes" },
	{ " tag = abc ; x=1", "tag", 1, "abc", "LWS around '='" },
	{ "tag\r\n =abc", "tag", 1, "abc", "folded LWS before '='" },
	{ "tagx=1;tag=2", "tag", 1, "2", "no prefix match" },
	{ "tag=1;tag=2", "tag", 1, "1", "first wins" },
	{ ";;a=1;;b=2;", "b", 1, "2", "empty items" },
	{ "a=1;b=2", "c", 0, NULL, "absent" },
	{ "", "a", 0, NULL, "empty list" },
	{ "a=\"unterminated;b=2", "b", 0, NULL, "unterminated quote hides the rest" },
	{ "a=x y;b=2", "b", 1, "2", "junk after value skipped" },
};

Test(sip_param, table)
{
	for (size_t i = 0; i < N(param_cases); i++) {
		const struct param_case *c = &param_cases[i];
		struct span in = put(c->list, strlen(c->list));
		struct span v;
		int r = sip_param_get(in, c->name, &v);

		cr_expect_eq(r, c->found, "%s: found %d, want %d", c->comment, r, c->found);
		EXPECT_SPAN(c->comment, "value", v, c->val);
		cr_expect(within(v, in), "%s: value outside input", c->comment);
		if (c->found && span_is(v, ""))
			cr_expect_neq(v.p, NULL, "%s: flag value must point into the list", c->comment);
		for (size_t n = 0; n <= strlen(c->list); n++) {
			in = put(c->list, n);
			(void)sip_param_get(in, c->name, &v);
			cr_assert(within(v, in), "%s: prefix %zu value outside input", c->comment, n);
		}
	}
}

Test(sip_param, null_span)
{
	struct span v = { "x", 1 };

	cr_expect_eq(sip_param_get(SPAN_NULL, "a", &v), 0);
	cr_expect_eq(v.p, NULL);
	cr_expect_eq(v.len, 0);
}

/* ---------------------------------------------------------- name-addr */

struct na_case {
	const char *in;
	int rc;
	int star;
	const char *display, *uri_tok, *user, *host, *uri_params, *params, *tag;
	const char *comment;
};

static const struct na_case na_cases[] = {
	{ "\"Bob \\\"the\\\" Boss\" <sip:bob@x>;tag=1", 0, 0, "Bob \\\"the\\\" Boss", "sip:bob@x", "bob", "x", NULL, "tag=1", "1", "escaped quotes in display" },
	{ "Bob <sip:bob@biloxi.com>;tag=a6c85cf", 0, 0, "Bob", "sip:bob@biloxi.com", "bob", "biloxi.com", NULL, "tag=a6c85cf", "a6c85cf", "3261 24.2 To" },
	{ "\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s", 0, 0, "A. G. Bell", "sip:agb@bell-telephone.com", "agb", "bell-telephone.com", NULL, "tag=a48s", "a48s", "3261 20.20 From" },
	{ "sip:+12125551212@server.phone2net.com;tag=887s", 0, 0, NULL, "sip:+12125551212@server.phone2net.com", "+12125551212", "server.phone2net.com", NULL, "tag=887s", "887s", "3261 20.20 bare addr-spec: tag is a header param" },
	{ "Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8", 0, 0, "Anonymous", "sip:c8oqz84zk7z@privacy.org", "c8oqz84zk7z", "privacy.org", NULL, "tag=hyh8", "hyh8", "3261 20.20 Anonymous" },
	{ "The Operator <sip:operator@cs.columbia.edu>;tag=287447", 0, 0, "The Operator", "sip:operator@cs.columbia.edu", "operator", "cs.columbia.edu", NULL, "tag=287447", "287447", "multi-token display" },
	{ "sip:alice@x;tag=abc", 0, 0, NULL, "sip:alice@x", "alice", "x", NULL, "tag=abc", "abc", "bare addr-spec, tag" },
	{ "sip:alice@x ;tag=abc", 0, 0, NULL, "sip:alice@x", "alice", "x", NULL, "tag=abc", "abc", "bare addr-spec, LWS before ';'" },
	{ "<sip:a@b;transport=tcp>;tag=9", 0, 0, "", "sip:a@b;transport=tcp", "a", "b", "transport=tcp", "tag=9", "9", "URI param vs header param" },
	{ "<sip:alice@atlanta.com>;expires=3600", 0, 0, "", "sip:alice@atlanta.com", "alice", "atlanta.com", NULL, "expires=3600", NULL, "params without tag" },
	{ "\"Mr. Watson\" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600", 0, 0, "Mr. Watson", "sip:watson@worcester.bell-telephone.com", "watson", "worcester.bell-telephone.com", NULL, "q=0.7; expires=3600", NULL, "3261 20.10 Contact" },
	{ "\"Alice\"\r\n <sip:alice@atlanta.com>\r\n\t;tag=1928301774", 0, 0, "Alice", "sip:alice@atlanta.com", "alice", "atlanta.com", NULL, "tag=1928301774", "1928301774", "folded LWS" },
	{ "Alice<sip:alice@atlanta.com>", 0, 0, "Alice", "sip:alice@atlanta.com", "alice", "atlanta.com", NULL, NULL, NULL, "no LWS before '<'" },
	{ "\"\" <sip:a@b>", 0, 0, "", "sip:a@b", "a", "b", NULL, NULL, NULL, "empty quoted display" },
	{ "Bj\xc3\xb8rn <sip:b@x>", 0, 0, "Bj\xc3\xb8rn", "sip:b@x", "b", "x", NULL, NULL, NULL, "unquoted UTF-8 display" },
	{ "<sip:user;par=u%40example.net@example.com>", 0, 0, "", "sip:user;par=u%40example.net@example.com", "user;par=u%40example.net", "example.com", NULL, NULL, NULL, "4475 semiuri in brackets" },
	{ "<sip:[2001:db8::10]:5070>;tag=v6", 0, 0, "", "sip:[2001:db8::10]:5070", NULL, "2001:db8::10", NULL, "tag=v6", "v6", "IPv6" },
	{ "<tel:+1-201-555-0123>;tag=t", 0, 0, "", "tel:+1-201-555-0123", "+1-201-555-0123", NULL, NULL, "tag=t", "t", "tel URI" },
	{ "tel:+1-201-555-0123;tag=t", 0, 0, NULL, "tel:+1-201-555-0123", "+1-201-555-0123", NULL, NULL, "tag=t", "t", "bare tel URI" },
	{ "<urn:service:sos>", 0, 0, "", "urn:service:sos", NULL, NULL, NULL, NULL, NULL, "other scheme" },
	{ "*", 0, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "Contact star" },
	{ " * ", 0, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "Contact star with LWS" },
	/* The usual shapes, which nameaddr_fast() takes, and its edges. */
	{ "<sip:5789@192.168.0.2>;tag=31007e0164", 0, 0, "", "sip:5789@192.168.0.2", "5789", "192.168.0.2", NULL, "tag=31007e0164", "31007e0164", "usual From" },
	{ "\"PBX\" <SIP:qualify@192.168.0.2>;TAG=8057780b58;x", 0, 0, "PBX", "SIP:qualify@192.168.0.2", "qualify", "192.168.0.2", NULL, "TAG=8057780b58;x", "8057780b58", "quoted display, names in upper case" },
	{ "<sip:1455@10.1.1.4:5060;transport=tcp>;expires=3600", 0, 0, "", "sip:1455@10.1.1.4:5060;transport=tcp", "1455", "10.1.1.4", "transport=tcp", "expires=3600", NULL, "usual Contact" },
	{ "<sip:a@b>;;x;tag=1;tag=2", 0, 0, "", "sip:a@b", "a", "b", NULL, ";x;tag=1;tag=2", "1", "empty item, flag, first tag wins" },
	{ "<sip:a@b>;tag=", 0, 0, "", "sip:a@b", "a", "b", NULL, "tag=", "", "empty tag" },
	{ "<sip:a@b>;x=\"q\";tag=2", 0, 0, "", "sip:a@b", "a", "b", NULL, "x=\"q\";tag=2", "2", "quoted param before the tag" },
	{ "<sip:a@b>;tag=x y", 0, 0, "", "sip:a@b", "a", "b", NULL, "tag=x y", "x", "LWS in params" },
	{ "<sip:a@b>;x=\x01" "aaaaaaaaaaaaaaaa;tag=t", 0, 0, "", "sip:a@b", "a", "b", NULL, "x=\x01" "aaaaaaaaaaaaaaaa;tag=t", "t", "control byte in long params before the tag" },
	{ "<sip:a@b>;x=aaaaaaaaaaaaaaaa;tag=t\x01", 0, 0, "", "sip:a@b", "a", "b", NULL, "x=aaaaaaaaaaaaaaaa;tag=t\x01", "t\x01", "control byte in the tag of long params" },
	{ "<sip:5789@192.168.0.2>;tag=3100\x01" "7e0164", 0, 0, "", "sip:5789@192.168.0.2", "5789", "192.168.0.2", NULL, "tag=3100\x01" "7e0164", "3100\x01" "7e0164", "control byte in a tag at the end" },
	{ "<sip:5789@192.168.0.2>;tag=31007e;x=1", 0, 0, "", "sip:5789@192.168.0.2", "5789", "192.168.0.2", NULL, "tag=31007e;x=1", "31007e", "tag before another param" },
	{ "<sip:5789@192.168.0.2>;tag=0123456789abcdef0123456789", 0, 0, "", "sip:5789@192.168.0.2", "5789", "192.168.0.2", NULL, "tag=0123456789abcdef0123456789", "0123456789abcdef0123456789", "tag over 16 bytes" },
	{ "<sip:a@b>;tag=12 x", 0, 0, "", "sip:a@b", "a", "b", NULL, "tag=12 x", "12", "LWS after a tag, value under 16 bytes" },
	{ "<sip:h;a=b@c>", 0, 0, "", "sip:h;a=b@c", "h;a=b", "c", NULL, NULL, NULL, "';' in userinfo, found at '@'" },
	{ "<sip:a@b;lr?X=1>", 0, 0, "", "sip:a@b;lr?X=1", "a", "b", "lr", NULL, NULL, "URI headers" },
	{ "<sip:host:5060@x>", 0, 0, "", "sip:host:5060@x", "host", "x", NULL, NULL, NULL, "what looked like a port is a password" },
	{ "<sip:a@b:>", -1, 0, "", "sip:a@b:", "a", "b", NULL, NULL, NULL, "empty port" },
	{ "<sip:a@b:65536>", -1, 0, "", "sip:a@b:65536", "a", "b", NULL, NULL, NULL, "port above 65535" },
	{ "<sip:a@b:5:60>", -1, 0, "", "sip:a@b:5:60", "a", "b", NULL, NULL, NULL, "':' among four port bytes" },
	{ "<sip:@b>", -1, 0, "", "sip:@b", "", "b", NULL, NULL, NULL, "empty user" },
	{ "<sip:a@b>x", -1, 0, "", "sip:a@b", "a", "b", NULL, NULL, NULL, "junk right after '>'" },
	{ "<sip:a@b", -1, 0, "", "sip:a@b", "a", "b", NULL, NULL, NULL, "missing '>'" },
	{ "\"Alice <sip:a@b>", -1, 0, "Alice <sip:a@b>", NULL, NULL, NULL, NULL, NULL, NULL, "unterminated display" },
	{ "\"Alice\" sip:a@b", -1, 0, "Alice", NULL, NULL, NULL, NULL, NULL, NULL, "quoted display without '<'" },
	{ "<sip:a@b> junk", -1, 0, "", "sip:a@b", "a", "b", NULL, NULL, NULL, "junk after '>'" },
	{ "<>", -1, 0, "", "", NULL, NULL, NULL, NULL, NULL, "empty URI" },
	{ "<sip:a@b:99999>;tag=1", -1, 0, "", "sip:a@b:99999", "a", "b", NULL, "tag=1", "1", "bad URI port" },
	{ "", -1, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "empty" },
};

static void
check_na(const struct sip_nameaddr *na, struct span in)
{
	check_uri(&na->uri, in);
	cr_assert(within(na->display, in) && within(na->uri_tok, in) &&
	    within(na->params, in) && within(na->tag, in), "span outside input");
}

Test(sip_nameaddr, table)
{
	for (size_t i = 0; i < N(na_cases); i++) {
		const struct na_case *c = &na_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct sip_nameaddr na;
		int rc = sip_nameaddr_parse(in, &na);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		cr_expect_eq(na.star, c->star, "%s: star", c->comment);
		EXPECT_SPAN(c->comment, "display", na.display, c->display);
		EXPECT_SPAN(c->comment, "uri_tok", na.uri_tok, c->uri_tok);
		EXPECT_SPAN(c->comment, "user", na.uri.user, c->user);
		EXPECT_SPAN(c->comment, "host", na.uri.host, c->host);
		EXPECT_SPAN(c->comment, "uri params", na.uri.params, c->uri_params);
		EXPECT_SPAN(c->comment, "params", na.params, c->params);
		EXPECT_SPAN(c->comment, "tag", na.tag, c->tag);
		check_na(&na, in);
	}
}

Test(sip_nameaddr, prefixes)
{
	for (size_t i = 0; i < N(na_cases); i++) {
		size_t len = strlen(na_cases[i].in);
		for (size_t n = 0; n <= len; n++) {
			struct span in = put(na_cases[i].in, n);
			struct sip_nameaddr na;
			(void)sip_nameaddr_parse(in, &na);
			check_na(&na, in);
		}
	}
}

/* ---------------------------------------------------------------- Via */

struct via_case {
	const char *in;
	int rc;
	const char *proto, *transport, *host;
	int port; /* -1: none */
	const char *params, *branch, *received, *rport;
	int has_rport;
	const char *comment;
};

static const struct via_case via_cases[] = {
	{ "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds", 0, "SIP/2.0", "UDP", "pc33.atlanta.com", -1, "branch=z9hG4bK776asdhds", "z9hG4bK776asdhds", NULL, NULL, 0, "3261 section 4" },
	{ "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1", 0, "SIP/2.0", "UDP", "pc33.atlanta.com", -1, "branch=z9hG4bKnashds8;received=192.0.2.1", "z9hG4bKnashds8", "192.0.2.1", NULL, 0, "3261 24.2 received" },
	{ "SIP/2.0/UDP bigbox3.site3.atlanta.com:5060;branch=z9hG4bK77ef4c2312983.1", 0, "SIP/2.0", "UDP", "bigbox3.site3.atlanta.com", 5060, "branch=z9hG4bK77ef4c2312983.1", "z9hG4bK77ef4c2312983.1", NULL, NULL, 0, "port" },
	{ "SIP / 2.0 / UDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ; branch=z9hG4bKa7c6a8dlze.1", 0, "SIP / 2.0", "UDP", "first.example.com", 4000,
	  "ttl=16 ;maddr=224.2.0.1 ; branch=z9hG4bKa7c6a8dlze.1", "z9hG4bKa7c6a8dlze.1", NULL, NULL, 0, "4475 wsinv LWS around '/' and ':'" },
	{ "SIP/2.0/UDP\r\n 192.0.2.1:5060 ;received=192.0.2.207 ;branch\r\n =z9hG4bK77asjd", 0, "SIP/2.0", "UDP", "192.0.2.1", 5060, "received=192.0.2.207 ;branch\r\n =z9hG4bK77asjd", "z9hG4bK77asjd", "192.0.2.207", NULL, 0, "4475 folded" },
	{ "SIP/2.0/TCP [2001:db8::9:1]:5060;branch=z9hG4bKas3-111", 0, "SIP/2.0", "TCP", "2001:db8::9:1", 5060, "branch=z9hG4bKas3-111", "z9hG4bKas3-111", NULL, NULL, 0, "5118 IPv6 sent-by" },
	{ "SIP/2.0/UDP [::1];rport;branch=z9hG4bK1", 0, "SIP/2.0", "UDP", "::1", -1, "rport;branch=z9hG4bK1", "z9hG4bK1", NULL, "", 1, "rport flag (RFC 3581)" },
	{ "SIP/2.0/UDP 10.0.0.1:5060;rport=5062;received=203.0.113.9;branch=z9hG4bKx", 0, "SIP/2.0", "UDP", "10.0.0.1", 5060, "rport=5062;received=203.0.113.9;branch=z9hG4bKx", "z9hG4bKx", "203.0.113.9", "5062", 1, "rport value" },
	{ "SIP/2.0/TLS client.biloxi.example.com:5061;branch=z9hG4bKnashd92", 0, "SIP/2.0", "TLS", "client.biloxi.example.com", 5061, "branch=z9hG4bKnashd92", "z9hG4bKnashd92", NULL, NULL, 0, "TLS" },
	{ "SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf;rport", 0, "SIP/2.0", "WSS", "df7jal23ls0d.invalid", -1, "branch=z9hG4bKasudf;rport", "z9hG4bKasudf", NULL, "", 1, "RFC 7118 WSS, trailing rport" },
	{ "sip/2.0/udp host", 0, "sip/2.0", "udp", "host", -1, NULL, NULL, NULL, NULL, 0, "lower case, no params" },
	{ "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com", 0, "SIP/2.0", "UDP", "a.example.com", -1, "branch=z9hG4bK1", "z9hG4bK1", NULL, NULL, 0, "first via-parm only" },
	{ "SIP/2.0/UDP h;x=\"a,b\";branch=z9hG4bK2", 0, "SIP/2.0", "UDP", "h", -1, "x=\"a,b\";branch=z9hG4bK2", "z9hG4bK2", NULL, NULL, 0, "',' inside quotes" },
	{ "SIP/2.0/UDP h;BRANCH=z9hG4bK3;Received=1.2.3.4", 0, "SIP/2.0", "UDP", "h", -1, "BRANCH=z9hG4bK3;Received=1.2.3.4", "z9hG4bK3", "1.2.3.4", NULL, 0, "param names case-insensitive" },
	/* The usual shapes, which via_fast() takes, and its edges. */
	{ "SIP/2.0/UDP 10.1.10.162:5060;branch=z9hG4bK3853465f8874;rport", 0, "SIP/2.0", "UDP", "10.1.10.162", 5060, "branch=z9hG4bK3853465f8874;rport", "z9hG4bK3853465f8874", NULL, "", 1, "usual Via, long params" },
	{ "SIP/2.0/TCP h:1;;Branch=z9hG4bK=1;rport=9;received=10.0.0.1;branch=dup;x", 0, "SIP/2.0", "TCP", "h", 1, ";Branch=z9hG4bK=1;rport=9;received=10.0.0.1;branch=dup;x", "z9hG4bK=1", "10.0.0.1", "9", 1, "empty item, '=' in a value, first branch wins" },
	{ "SIP/2.0/UDP h;branch=z9hG4bK1;received=192.0.2.1;rport", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9hG4bK1;received=192.0.2.1;rport", "z9hG4bK1", "192.0.2.1", "", 1, "params of 16 to 64 bytes" },
	{ "SIP/2.0/UDP h;branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "z9hG4bK1", "192.0.2.1", "", 1, "params over 64 bytes" },
	{ "SIP/2.0/UDP h;branch=z9hG4bK1;received=192.0.2.1 ;rport", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9hG4bK1;received=192.0.2.1 ;rport", "z9hG4bK1", "192.0.2.1", "", 1, "LWS in long params" },
	/* The 16-byte classification sends any control byte to the general
	 * parser, for which it is an ordinary value byte. */
	{ "SIP/2.0/UDP h;branch=z9hG4bK1\x01;received=192.0.2.1;rport", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9hG4bK1\x01;received=192.0.2.1;rport", "z9hG4bK1\x01", "192.0.2.1", "", 1, "control byte in long params" },
	{ "SIP/2.0/UDP h;branch=z9hG4bK1;x\x1f=1;received=192.0.2.1;rport=7", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9hG4bK1;x\x1f=1;received=192.0.2.1;rport=7", "z9hG4bK1", "192.0.2.1", "7", 1, "control byte in a long params' name" },
	{ "SIP/2.0/UDP h;branch=z9\x01;rport", 0, "SIP/2.0", "UDP", "h", -1, "branch=z9\x01;rport", "z9\x01", NULL, "", 1, "control byte in short params" },
	{ "SIP/2.0/UDP h:5060,SIP/2.0/UDP x", 0, "SIP/2.0", "UDP", "h", 5060, NULL, NULL, NULL, NULL, 0, "',' right after the port" },
	{ "SIP/2.0/Udp h;branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaa", 0, "SIP/2.0", "Udp", "h", -1, "branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaa", "z9hG4bK1", "192.0.2.1", "", 1, "params of 63 bytes, transport in mixed case" },
	{ "SIP/2.0/tcp h;branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaaa", 0, "SIP/2.0", "tcp", "h", -1, "branch=z9hG4bK1;received=192.0.2.1;rport;x=aaaaaaaaaaaaaaaaaaaaa", "z9hG4bK1", "192.0.2.1", "", 1, "params of 64 bytes" },
	{ "SIP/2.0/UDP1 h", 0, "SIP/2.0", "UDP1", "h", -1, NULL, NULL, NULL, NULL, 0, "transport of three letters and more" },
	{ "SIP/2.0/SCTP h", 0, "SIP/2.0", "SCTP", "h", -1, NULL, NULL, NULL, NULL, 0, "transport of four letters" },
	{ "SIP/2.0/UD h", 0, "SIP/2.0", "UD", "h", -1, NULL, NULL, NULL, NULL, 0, "transport of two letters" },
	{ "SIP/2.0 UDP host", -1, NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL, 0, "missing '/'" },
	{ "SIP/2.0/UDP", -1, "SIP/2.0", "UDP", NULL, -1, NULL, NULL, NULL, NULL, 0, "no sent-by" },
	{ "SIP/2.0/UDPhost", -1, "SIP/2.0", "UDPhost", NULL, -1, NULL, NULL, NULL, NULL, 0, "no LWS before sent-by" },
	{ "SIP/2.0/UDP host:99999", -1, "SIP/2.0", "UDP", "host", -1, NULL, NULL, NULL, NULL, 0, "bad port" },
	{ "SIP/2.0/UDP host:", -1, "SIP/2.0", "UDP", "host", -1, NULL, NULL, NULL, NULL, 0, "empty port" },
	{ "SIP/2.0/UDP [::1:5060", -1, "SIP/2.0", "UDP", NULL, -1, NULL, NULL, NULL, NULL, 0, "unterminated IPv6" },
	{ "SIP/2.0/UDP host junk", -1, "SIP/2.0", "UDP", "host", -1, NULL, NULL, NULL, NULL, 0, "junk after sent-by" },
	{ "SIP/2.0/UDP host;branch=\"z9hG4bK", -1, "SIP/2.0", "UDP", "host", -1, "branch=\"z9hG4bK", NULL, NULL, NULL, 0, "unterminated quote" },
	{ "", -1, NULL, NULL, NULL, -1, NULL, NULL, NULL, NULL, 0, "empty" },
};

static void
check_via(const struct sip_via *v, struct span in)
{
	cr_assert(within(v->proto, in) && within(v->transport, in) &&
	    within(v->host, in) && within(v->params, in) &&
	    within(v->branch, in) && within(v->received, in) &&
	    within(v->rport, in), "span outside input");
}

Test(sip_via, table)
{
	for (size_t i = 0; i < N(via_cases); i++) {
		const struct via_case *c = &via_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct sip_via v;
		int rc = sip_via_parse(in, &v);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		EXPECT_SPAN(c->comment, "proto", v.proto, c->proto);
		EXPECT_SPAN(c->comment, "transport", v.transport, c->transport);
		EXPECT_SPAN(c->comment, "host", v.host, c->host);
		cr_expect_eq(v.has_port, c->port >= 0, "%s: has_port %d", c->comment, v.has_port);
		cr_expect_eq(v.port, c->port >= 0 ? c->port : 0, "%s: port %u, want %d", c->comment, v.port, c->port);
		EXPECT_SPAN(c->comment, "params", v.params, c->params);
		EXPECT_SPAN(c->comment, "branch", v.branch, c->branch);
		EXPECT_SPAN(c->comment, "received", v.received, c->received);
		EXPECT_SPAN(c->comment, "rport", v.rport, c->rport);
		cr_expect_eq(v.has_rport, c->has_rport, "%s: has_rport %d", c->comment, v.has_rport);
		check_via(&v, in);
	}
}

Test(sip_via, prefixes)
{
	for (size_t i = 0; i < N(via_cases); i++) {
		size_t len = strlen(via_cases[i].in);
		for (size_t n = 0; n <= len; n++) {
			struct span in = put(via_cases[i].in, n);
			struct sip_via v;
			(void)sip_via_parse(in, &v);
			check_via(&v, in);
		}
	}
}

/* --------------------------------------------------------------- CSeq */

struct cseq_case {
	const char *in;
	int rc;
	uint32_t seq;
	const char *method;
	const char *comment;
};

static const struct cseq_case cseq_cases[] = {
	{ "4711 INVITE", 0, 4711, "INVITE", "3261 20.16" },
	{ "1 ACK", 0, 1, "ACK", "ACK" },
	{ "  314159   INVITE \r\n", 0, 314159, "INVITE", "extra LWS" },
	{ "101\r\n INFO", 0, 101, "INFO", "folded" },
	{ "0 OPTIONS", 0, 0, "OPTIONS", "zero" },
	{ "0000000009 NEWMETHOD", 0, 9, "NEWMETHOD", "10 digits with leading zeros, extension method" },
	{ "2147483648 BYE", 0, 2147483648u, "BYE", "2**31 accepted" },
	{ "4294967295 BYE", 0, 4294967295u, "BYE", "UINT32_MAX" },
	{ "4294967296 BYE", -1, 0, NULL, "UINT32_MAX + 1" },
	{ "12345678901 INVITE", -1, 0, NULL, "11 digits" },
	{ "-1 INVITE", -1, 0, NULL, "negative" },
	{ "INVITE", -1, 0, NULL, "no number" },
	{ "1", -1, 1, NULL, "no method" },
	{ "1 ", -1, 1, NULL, "no method after LWS" },
	{ "1INVITE", -1, 1, NULL, "no LWS" },
	{ "1 INV ITE", -1, 1, "INV", "junk after method" },
	{ "1 INVITE;x", -1, 1, "INVITE", "non-token after method" },
	{ "", -1, 0, NULL, "empty" },
};

Test(sip_cseq, table)
{
	for (size_t i = 0; i < N(cseq_cases); i++) {
		const struct cseq_case *c = &cseq_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct span m;
		uint32_t seq;
		int rc = sip_cseq_parse(in, &seq, &m);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		cr_expect_eq(seq, c->seq, "%s: seq %u, want %u", c->comment, seq, c->seq);
		EXPECT_SPAN(c->comment, "method", m, c->method);
		cr_expect(within(m, in), "%s: method outside input", c->comment);
		for (size_t n = 0; n <= strlen(c->in); n++) {
			in = put(c->in, n);
			(void)sip_cseq_parse(in, &seq, &m);
			cr_assert(within(m, in), "%s: prefix %zu outside input", c->comment, n);
		}
	}
}

/* --------------------------------------------------------------- Auth */

#define AUTH_FIELDS(X) X(scheme_tok) X(username) X(realm) X(nonce) X(uri) \
	X(response) X(algorithm) X(qop) X(cnonce) X(nc) X(opaque) X(stale)   \
	X(basic_token)

struct auth_want {
#define X(f) const char *f;
	AUTH_FIELDS(X)
#undef X
};

struct auth_case {
	const char *in;
	int rc;
	int scheme;
	struct auth_want w;
	const char *comment;
};

static const struct auth_case auth_cases[] = {
	{ "Digest username=\"Alice\", realm=\"atlanta.com\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\", response=\"7587245234b3434cc3412213e5f113a5432\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "Alice", .realm = "atlanta.com",
	  .nonce = "84a4cc6f3082121f32b42a2187831a9e", .response = "7587245234b3434cc3412213e5f113a5432" }, "3261 20.7 Authorization" },
	{ "Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", qop=\"auth\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "atlanta.com", .qop = "auth",
	  .nonce = "f84f1cec41e6cbe5aea9c8e88d359", .opaque = "", .stale = "FALSE", .algorithm = "MD5" }, "3261 20.44 WWW-Authenticate" },
	{ "Digest username=\"bob\", realm=\"biloxi.com\", nonce=\"dc3a5ab2530aa93112cf5904ba7d88fa\", uri=\"sip:bob@biloxi.com\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "bob", .realm = "biloxi.com",
	  .nonce = "dc3a5ab2530aa93112cf5904ba7d88fa", .uri = "sip:bob@biloxi.com", .qop = "auth", .nc = "00000001",
	  .cnonce = "0a4f113b", .response = "6629fae49393a05397450978507c4ef1", .opaque = "5ccc069c403ebaf9f0171e9517f40e41" }, "3261 22.4 credentials with qop" },
	{ "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "http-auth@example.org", .qop = "auth, auth-int", .algorithm = "SHA-256",
	  .nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", .opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS" }, "7616 3.9.1 SHA-256 challenge" },
	{ "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "Mufasa", .realm = "http-auth@example.org", .uri = "/dir/index.html",
	  .algorithm = "SHA-256", .nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", .nc = "00000001",
	  .cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", .qop = "auth",
	  .response = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", .opaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS" }, "7616 3.9.1 SHA-256 credentials" },
	{ "Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256, qop=\"auth,auth-int\", stale=FALSE",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x", .nonce = "y", .algorithm = "SHA-512-256", .qop = "auth,auth-int", .stale = "FALSE" }, "8760 challenge" },
	{ "Digest username=\"1006@\", realm=\"asterisk\", nonce=\"4b1a2f3c\", uri=\"sip:10.0.0.1\", response=\"e7a5a5b0d6c1f1d0a2b3c4d5e6f7a8b9\", algorithm=MD5",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "1006@", .realm = "asterisk", .nonce = "4b1a2f3c", .uri = "sip:10.0.0.1",
	  .response = "e7a5a5b0d6c1f1d0a2b3c4d5e6f7a8b9", .algorithm = "MD5" }, "sipsak username" },
	{ "Digest realm=\"a \\\"b\\\" c\", nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "a \\\"b\\\" c", .nonce = "n" }, "escaped quotes kept" },
	{ "DIGEST USERNAME=\"bob\",REALM=\"x\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "DIGEST", .username = "bob", .realm = "x" }, "case-insensitive names, no SP after ','" },
	{ "Digest  realm = \"x\" ,, nonce=y ,", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x", .nonce = "y" }, "extra LWS and empty params" },
	{ "Digest realm=\"x\",\r\n nonce=\"y\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x", .nonce = "y" }, "folded" },
	{ "Digest realm=\"a\", realm=\"b\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "a" }, "first realm wins" },
	{ "Digest realm=\"a,b\", nonce=\"c\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "a,b", .nonce = "c" }, "',' inside quotes" },
	{ "Digest", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest" }, "no params" },
	{ "Digest realm=\"x\" nonce=\"y\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x" }, "missing ','" },
	{ "Digest realm=\"x\", nonce=\"abc", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x" }, "unterminated quote" },
	{ "Digest realm=\"x\\", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest" }, "backslash at the end" },
	{ "Digest realm", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest" }, "param without '='" },
	{ "Digest =\"x\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest" }, "empty param name" },
	{ "Digest re(alm=\"x\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest" }, "non-token param name" },
	{ "Basic dXNlcjpwYXNz", 0, SIP_AUTH_BASIC, { .scheme_tok = "Basic", .basic_token = "dXNlcjpwYXNz" }, "Basic" },
	{ "basic  QWxhZGRpbjpvcGVuIHNlc2FtZQ==", 0, SIP_AUTH_BASIC, { .scheme_tok = "basic", .basic_token = "QWxhZGRpbjpvcGVuIHNlc2FtZQ==" }, "Basic padding, lower case" },
	{ "Basic", -1, SIP_AUTH_BASIC, { .scheme_tok = "Basic" }, "Basic without token" },
	{ "Basic a b", -1, SIP_AUTH_BASIC, { .scheme_tok = "Basic", .basic_token = "a" }, "Basic junk" },
	{ "NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA=", 0, SIP_AUTH_OTHER, { .scheme_tok = "NTLM" }, "NTLM" },
	{ "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", 0, SIP_AUTH_OTHER, { .scheme_tok = "Bearer" }, "Bearer (RFC 8898)" },
	{ "Digest\"x\"", -1, SIP_AUTH_OTHER, { .scheme_tok = NULL }, "no LWS after scheme" },
	/* The usual shape is parsed by a fast path that hands anything else,
	 * met after some parameters, to the general parser. */
	{ "Digest username=\"u\", realm = \"r\", nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "r", .nonce = "n" }, "LWS around '=' after a usual param" },
	{ "Digest username=\"u\", realm=\"a\\\"b\", nonce=n", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "a\\\"b", .nonce = "n" }, "escape after a usual param" },
	{ "Digest username=\"u\", realm=, nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "", .nonce = "n" }, "empty value after a usual param" },
	{ "Digest username=\"u\", realm=\"r\" x, nonce=\"n\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "r" }, "junk after a usual param" },
	{ "Digest username=\"u\", realmx=\"x\", realm=\"r\", nonc=\"y\", nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "r", .nonce = "n" }, "names that extend or cut the expected one" },
	{ "Digest username=\"u\", username=\"v\"\t, realm=r\r\n", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "u", .realm = "r" }, "first wins, HTAB before ','" },
	/* The fast path picks a name's entry by length and first letter. */
	{ "Digest STALE=true,OPAQUE=\"o\",NC=1,Cnonce=\"c\",Qop=auth,ALGORITHM=MD5,Response=\"r\",URI=\"u\",Nonce=\"n\",rEALM=\"x\",UserName=\"a\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .username = "a", .realm = "x", .nonce = "n", .uri = "u", .response = "r", .algorithm = "MD5",
	    .qop = "auth", .cnonce = "c", .nc = "1", .opaque = "o", .stale = "true" }, "every name, any case, reverse order, no SP" },
	{ "Digest usernamx=\"a\", rEalm=\"x\", nonca=n, uro=u, qoq=q, cnoncx=c, opaquf=o, responsf=r, algorithn=a, nd=1, stalf=s, staleX=t, n=1, stale=\"s\"",
	  0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .realm = "x", .stale = "s" }, "names of a known length and first letter that are none" },
	{ "Digest domain=\"sip:x\", nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n" }, "unknown token name" },
	{ "Digest x-y.z=1, nonce=\"n\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n" }, "unknown name with token punctuation" },
	{ "Digest nonce=\"n\", re\x01lm=\"x\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n" }, "control byte in a name" },
	{ "Digest nonce=\"n\", user name=\"x\"", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n" }, "SP inside a name" },
	{ "Digest nonce=\"n\", realm\t=\"x\"", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n", .realm = "x" }, "HTAB before '='" },
	{ "Digest nonce=\"n\",  ,\t, realm=x", 0, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n", .realm = "x" }, "run of separators after ', '" },
	{ "Digest nonce=\"n\", realm", -1, SIP_AUTH_DIGEST, { .scheme_tok = "Digest", .nonce = "n" }, "no '=' to the end" },
	{ "", -1, SIP_AUTH_OTHER, { .scheme_tok = NULL }, "empty" },
};

static void
check_auth(const struct sip_auth *a, struct span in)
{
#define X(f) cr_assert(within(a->f, in), "%s outside input", #f);
	AUTH_FIELDS(X)
#undef X
}

Test(sip_auth, table)
{
	for (size_t i = 0; i < N(auth_cases); i++) {
		const struct auth_case *c = &auth_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct sip_auth a;
		int rc = sip_auth_parse(in, &a);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		cr_expect_eq(a.scheme, c->scheme, "%s: scheme %d, want %d", c->comment, a.scheme, c->scheme);
#define X(f) EXPECT_SPAN(c->comment, #f, a.f, c->w.f);
		AUTH_FIELDS(X)
#undef X
		check_auth(&a, in);
	}
}

Test(sip_auth, empty_value_is_present)
{
	const char *s = "Digest realm=\"x\", opaque=\"\"";
	struct span in = put(s, strlen(s));
	struct sip_auth a;

	cr_assert_eq(sip_auth_parse(in, &a), 0);
	cr_expect_neq(a.opaque.p, NULL, "opaque=\"\" is present");
	cr_expect_eq(a.opaque.len, 0);
	cr_expect_eq(a.nonce.p, NULL, "nonce is absent");
}

Test(sip_auth, prefixes)
{
	for (size_t i = 0; i < N(auth_cases); i++) {
		size_t len = strlen(auth_cases[i].in);
		for (size_t n = 0; n <= len; n++) {
			struct span in = put(auth_cases[i].in, n);
			struct sip_auth a;
			(void)sip_auth_parse(in, &a);
			check_auth(&a, in);
		}
	}
}
