/* tls_test.c - tls_sniff() on hellos captured from OpenSSL 3.0 on loopback,
 * hand-built hellos, and things that are not TLS; every input is placed
 * against a guard page. */
#include <criterion/criterion.h>

#include <string.h>

#include "tests/guard.h"
#include "tls.h"

/*
 * `openssl s_client -connect 127.0.0.1:PORT -servername sip.example.test`
 * (TLS 1.3, supported_versions 0x0304 0x0303 0x0302 0x0301), the same with
 * -tls1_2 -servername pbx.example.org (no supported_versions), and the
 * ServerHello record `openssl s_server` answered the first with.
 */
static const uint8_t ch13[322] = {
	0x16, 0x03, 0x01, 0x01, 0x3d, 0x01, 0x00, 0x01, 0x39, 0x03, 0x03, 0x3e,
	0x41, 0x8f, 0xf3, 0x2d, 0x0d, 0x21, 0xc5, 0x91, 0x6b, 0xa0, 0xf5, 0xe9,
	0xdd, 0x94, 0x8f, 0x5c, 0xe9, 0xf0, 0x89, 0x56, 0x15, 0x31, 0xc6, 0x3b,
	0xd3, 0x60, 0x9c, 0xfa, 0x65, 0xed, 0xb4, 0x20, 0xce, 0x18, 0xa5, 0x1b,
	0xfa, 0xfe, 0x78, 0xca, 0x6f, 0xba, 0x56, 0x86, 0x18, 0x92, 0x36, 0x0c,
	0xf0, 0x53, 0x23, 0x1c, 0x1e, 0xf2, 0xdd, 0x81, 0x78, 0xaa, 0x9b, 0x91,
	0x89, 0xb4, 0xb8, 0x1e, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
	0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
	0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
	0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
	0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
	0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xb2,
	0x00, 0x00, 0x00, 0x15, 0x00, 0x13, 0x00, 0x00, 0x10, 0x73, 0x69, 0x70,
	0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x74, 0x65, 0x73,
	0x74, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00,
	0x16, 0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00,
	0x18, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00,
	0x23, 0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00,
	0x0d, 0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08,
	0x07, 0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08,
	0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03,
	0x01, 0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00,
	0x09, 0x08, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x2d,
	0x00, 0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d,
	0x00, 0x20, 0x7b, 0xf7, 0x72, 0x80, 0xa1, 0xae, 0x42, 0xff, 0x4b, 0x9c,
	0x5b, 0x09, 0x32, 0x6a, 0x22, 0x38, 0x07, 0x1f, 0x88, 0x84, 0xd3, 0xda,
	0x46, 0x75, 0x4f, 0x87, 0x28, 0x3f, 0x51, 0x9b, 0x8c, 0x5f,
};
static const uint8_t ch12[212] = {
	0x16, 0x03, 0x01, 0x00, 0xcf, 0x01, 0x00, 0x00, 0xcb, 0x03, 0x03, 0xeb,
	0xf4, 0xd1, 0xbc, 0x3d, 0xc3, 0x98, 0x13, 0x70, 0x2e, 0x30, 0x14, 0x2c,
	0x3f, 0x17, 0x2c, 0x41, 0x6f, 0x60, 0x64, 0x69, 0xf0, 0x81, 0x85, 0xe5,
	0xf0, 0xfa, 0xe1, 0x9e, 0xb5, 0x4c, 0x21, 0x00, 0x00, 0x38, 0xc0, 0x2c,
	0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa, 0xc0, 0x2b,
	0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b, 0xc0, 0x23,
	0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39, 0xc0, 0x09,
	0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d, 0x00, 0x3c,
	0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0x6a, 0x00, 0x00,
	0x00, 0x14, 0x00, 0x12, 0x00, 0x00, 0x0f, 0x70, 0x62, 0x78, 0x2e, 0x65,
	0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x0b,
	0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x0c, 0x00, 0x0a,
	0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x00, 0x23,
	0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d,
	0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07,
	0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05,
	0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01,
	0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02,
};
static const uint8_t sh13[127] = {
	0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03, 0xab,
	0x88, 0xd6, 0x47, 0xae, 0x86, 0x93, 0xaf, 0x7d, 0x5d, 0x4d, 0xfc, 0x79,
	0x93, 0xe5, 0x21, 0xd5, 0xea, 0x58, 0x93, 0x66, 0x18, 0x21, 0x40, 0x89,
	0xda, 0x11, 0xdd, 0x16, 0x42, 0x72, 0x36, 0x20, 0xce, 0x18, 0xa5, 0x1b,
	0xfa, 0xfe, 0x78, 0xca, 0x6f, 0xba, 0x56, 0x86, 0x18, 0x92, 0x36, 0x0c,
	0xf0, 0x53, 0x23, 0x1c, 0x1e, 0xf2, 0xdd, 0x81, 0x78, 0xaa, 0x9b, 0x91,
	0x89, 0xb4, 0xb8, 0x1e, 0x13, 0x02, 0x00, 0x00, 0x2e, 0x00, 0x2b, 0x00,
	0x02, 0x03, 0x04, 0x00, 0x33, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0xaf,
	0xc3, 0xcf, 0xbf, 0x78, 0x31, 0x5b, 0xa5, 0x89, 0x9d, 0x7f, 0xba, 0x18,
	0x97, 0x23, 0x5d, 0xff, 0xf0, 0xea, 0xdf, 0xe1, 0x4e, 0x6b, 0x0b, 0xf4,
	0xce, 0x05, 0x43, 0xf3, 0x17, 0x08, 0x55,
};

/* Where the complete extensions end in the captures above. */
#define CH13_SNI_END 169
#define CH13_SV_END 274
#define CH12_SNI_END 130

/* ---- a small writer for hand-built hellos ---------------------------- */

struct w {
	uint8_t b[1024];
	size_t n;
};

static void
put8(struct w *w, unsigned v)
{
	cr_assert(w->n < sizeof(w->b));
	w->b[w->n++] = (uint8_t)v;
}

static void
put16(struct w *w, unsigned v)
{
	put8(w, v >> 8);
	put8(w, v);
}

static void
putb(struct w *w, const void *p, size_t n)
{
	cr_assert(w->n + n <= sizeof(w->b));
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
set16(struct w *w, size_t at, size_t v)
{
	w->b[at] = (uint8_t)(v >> 8);
	w->b[at + 1] = (uint8_t)v;
}

/* Record + ClientHello (TLS 1.2 legacy version, 32-byte session id, two
 * suites, null compression) around the extension bytes ext[0..n). */
static void
client_hello(struct w *w, const void *ext, size_t n)
{
	w->n = 0;
	put8(w, 22);
	put16(w, 0x0301);
	put16(w, 0); /* record length, set below */
	put8(w, 1);
	put8(w, 0);
	put16(w, 0); /* handshake length, set below */
	put16(w, 0x0303);
	for (int i = 0; i < 32; i++)
		put8(w, 0x11);
	put8(w, 32);
	for (int i = 0; i < 32; i++)
		put8(w, 0x22);
	put16(w, 4);
	put16(w, 0x1301);
	put16(w, 0xc02f);
	put8(w, 1);
	put8(w, 0);
	put16(w, (unsigned)n);
	putb(w, ext, n);
	set16(w, 3, w->n - 5);
	set16(w, 7, w->n - 9);
}

/* server_name extension holding one name of type t. */
static size_t
sni_ext(uint8_t *out, unsigned t, const char *name, size_t len)
{
	struct w w = { .n = 0 };
	put16(&w, 0);
	put16(&w, (unsigned)len + 5);
	put16(&w, (unsigned)len + 3);
	put8(&w, t);
	put16(&w, (unsigned)len);
	putb(&w, name, len);
	memcpy(out, w.b, w.n);
	return w.n;
}

struct hello_case {
	const char *name;
	const uint8_t *in;
	size_t len;
	int rc;
	int ch, sh;
	uint16_t rec, hello, version;
	const char *sni;
};

static void
check_hello(const struct hello_case *c)
{
	const uint8_t *g = (const uint8_t *)guard_put(c->in, c->len);
	struct tls_hello h;
	memset(&h, 0x5a, sizeof(h)); /* outputs reset on entry */
	int rc = tls_sniff(g, c->len, &h);
	cr_assert_eq(rc, c->rc, "%s: rc %d want %d", c->name, rc, c->rc);
	cr_assert_eq(tls_sniff(g, c->len, NULL), c->rc, "%s: h NULL", c->name);
	cr_assert_eq(h.is_client_hello, c->ch, "%s", c->name);
	cr_assert_eq(h.is_server_hello, c->sh, "%s", c->name);
	cr_assert_eq(h.record_version, c->rec, "%s: rec %#x", c->name, h.record_version);
	cr_assert_eq(h.hello_version, c->hello, "%s: hello %#x", c->name, h.hello_version);
	cr_assert_eq(h.version, c->version, "%s: version %#x", c->name, h.version);
	cr_assert_str_eq(h.sni, c->sni, "%s: sni '%s'", c->name, h.sni);
}

#define IN(a) a, sizeof(a)
#define STR(s) (const uint8_t *)(s), sizeof(s) - 1

Test(tls_sniff, captured_hellos)
{
	static const struct hello_case cases[] = {
		{ "openssl 3 ClientHello, TLS 1.3", IN(ch13), 1, 1, 0, 0x0301,
		    0x0303, 0x0304, "sip.example.test" },
		{ "openssl 3 ClientHello, -tls1_2", IN(ch12), 1, 1, 0, 0x0301,
		    0x0303, 0x0303, "pbx.example.org" },
		{ "openssl 3 ServerHello, TLS 1.3", IN(sh13), 1, 0, 1, 0x0303,
		    0x0303, 0x0304, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_hello(&cases[i]);
}

/* What a prefix of the capture shows: never a partial SNI, never a
 * version other than the ones read so far. */
static void
prefixes(const uint8_t *in, size_t len, uint16_t rec, int client,
    size_t sni_end, const char *sni, size_t sv_end, uint16_t sv)
{
	for (size_t n = 0; n <= len; n++) {
		const uint8_t *g = (const uint8_t *)guard_put(in, n);
		struct tls_hello h;
		int rc = tls_sniff(g, n, &h);
		if (n < 5) {
			cr_assert_eq(rc, -2, "prefix %zu", n);
			continue;
		}
		cr_assert_eq(rc, 1, "prefix %zu", n);
		cr_assert_eq(h.record_version, rec, "prefix %zu", n);
		cr_assert_eq(h.is_client_hello, n >= 9 && client, "prefix %zu", n);
		cr_assert_eq(h.is_server_hello, n >= 9 && !client, "prefix %zu", n);
		uint16_t want = n < 11 ? 0 : n < sv_end ? 0x0303 : sv;
		cr_assert_eq(h.version, want, "prefix %zu: %#x", n, h.version);
		cr_assert_str_eq(h.sni, n >= sni_end ? sni : "", "prefix %zu", n);
	}
}

Test(tls_sniff, every_prefix)
{
	prefixes(ch13, sizeof(ch13), 0x0301, 1, CH13_SNI_END,
	    "sip.example.test", CH13_SV_END, 0x0304);
	prefixes(ch12, sizeof(ch12), 0x0301, 1, CH12_SNI_END,
	    "pbx.example.org", sizeof(ch12) + 1, 0x0303);
	/* ServerHello: supported_versions is at 81..87 */
	prefixes(sh13, sizeof(sh13), 0x0303, 0, sizeof(sh13) + 1, "", 87,
	    0x0304);
}

/* Overwrite every byte of a real hello in turn: no crash, a defined code,
 * an SNI that is empty or printable. */
Test(tls_sniff, every_byte_corrupted)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0xff };
	uint8_t buf[sizeof(ch13)];
	for (size_t i = 0; i < sizeof(ch13); i++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			memcpy(buf, ch13, sizeof(buf));
			buf[i] = vals[v];
			const uint8_t *g = (const uint8_t *)guard_put(buf, sizeof(buf));
			struct tls_hello h;
			int rc = tls_sniff(g, sizeof(buf), &h);
			cr_assert(rc == 0 || rc == 1, "byte %zu = %#x: rc %d", i,
			    vals[v], rc);
			size_t sl = strlen(h.sni);
			cr_assert(sl <= TLS_MAX_SNI);
			for (size_t k = 0; k < sl; k++)
				cr_assert(h.sni[k] > 0x20 && h.sni[k] < 0x7f);
		}
	}
}

Test(tls_sniff, hand_built_hellos)
{
	static const uint8_t sv_grease[] = { 0x00, 0x2b, 0x00, 0x07, 0x06,
		0x7a, 0x7a, 0x03, 0x04, 0x03, 0x03 };
	static const uint8_t sv_grease_only[] = { 0x00, 0x2b, 0x00, 0x05, 0x04,
		0x2a, 0x2a, 0x03, 0x03 };
	static const uint8_t sv_all_grease[] = { 0x00, 0x2b, 0x00, 0x03, 0x02,
		0xfa, 0xfa };
	static const uint8_t sv_list_overrun[] = { 0x00, 0x2b, 0x00, 0x03, 0x08,
		0x03, 0x04 };
	char name255[255], name256[256];
	memset(name255, 'a', sizeof(name255));
	memset(name256, 'b', sizeof(name256));
	uint8_t ext[600];
	struct w w;
	struct hello_case c;

	client_hello(&w, sv_grease, sizeof(sv_grease));
	c = (struct hello_case){ "GREASE then 1.3, 1.2", w.b, w.n, 1, 1, 0,
		0x0301, 0x0303, 0x0304, "" };
	check_hello(&c);

	client_hello(&w, sv_grease_only, sizeof(sv_grease_only));
	c = (struct hello_case){ "GREASE and 1.2", w.b, w.n, 1, 1, 0, 0x0301,
		0x0303, 0x0303, "" };
	check_hello(&c);

	client_hello(&w, sv_all_grease, sizeof(sv_all_grease));
	c = (struct hello_case){ "only GREASE: legacy version stays", w.b,
		w.n, 1, 1, 0, 0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	/* the list length is clipped to the extension */
	client_hello(&w, sv_list_overrun, sizeof(sv_list_overrun));
	c = (struct hello_case){ "versions list longer than extension", w.b,
		w.n, 1, 1, 0, 0x0301, 0x0303, 0x0304, "" };
	check_hello(&c);

	size_t n = sni_ext(ext, 0, "sip\x01x.example", 13);
	client_hello(&w, ext, n);
	c = (struct hello_case){ "control byte in SNI", w.b, w.n, 1, 1, 0,
		0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	n = sni_ext(ext, 0, "a b.example", 11);
	client_hello(&w, ext, n);
	c = (struct hello_case){ "space in SNI", w.b, w.n, 1, 1, 0, 0x0301,
		0x0303, 0x0303, "" };
	check_hello(&c);

	n = sni_ext(ext, 0, "\xc3\xa9t\xc3\xa9.example", 13);
	client_hello(&w, ext, n);
	c = (struct hello_case){ "utf-8 in SNI", w.b, w.n, 1, 1, 0, 0x0301,
		0x0303, 0x0303, "" };
	check_hello(&c);

	n = sni_ext(ext, 0, name255, sizeof(name255));
	client_hello(&w, ext, n);
	{
		const uint8_t *g = (const uint8_t *)guard_put(w.b, w.n);
		struct tls_hello h;
		cr_assert_eq(tls_sniff(g, w.n, &h), 1);
		cr_assert_eq(strlen(h.sni), 255);
		cr_assert_eq(memcmp(h.sni, name255, 255), 0);
	}

	n = sni_ext(ext, 0, name256, sizeof(name256));
	client_hello(&w, ext, n);
	c = (struct hello_case){ "256-byte SNI dropped", w.b, w.n, 1, 1, 0,
		0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	/* a name of another type first, then the host_name */
	{
		struct w e = { .n = 0 };
		put16(&e, 0);
		put16(&e, 2 + 3 + 4 + 3 + 10);
		put16(&e, 3 + 4 + 3 + 10);
		put8(&e, 7);
		put16(&e, 4);
		putb(&e, "xxxx", 4);
		put8(&e, 0);
		put16(&e, 10);
		putb(&e, "ok.example", 10);
		client_hello(&w, e.b, e.n);
		c = (struct hello_case){ "host_name after unknown type", w.b,
			w.n, 1, 1, 0, 0x0301, 0x0303, 0x0303, "ok.example" };
		check_hello(&c);
	}

	/* host name length past the server_name extension */
	n = sni_ext(ext, 0, "sip.example", 11);
	ext[8] = 40;
	client_hello(&w, ext, n);
	c = (struct hello_case){ "SNI length overruns extension", w.b, w.n, 1,
		1, 0, 0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	/* the record ends inside supported_versions, then inside the SNI */
	n = sni_ext(ext, 0, "sip.example", 11);
	memcpy(ext + n, sv_grease, sizeof(sv_grease));
	client_hello(&w, ext, n + sizeof(sv_grease));
	set16(&w, 3, w.n - 5 - 2);
	c = (struct hello_case){ "record ends inside supported_versions", w.b,
		w.n, 1, 1, 0, 0x0301, 0x0303, 0x0303, "sip.example" };
	check_hello(&c);
	set16(&w, 3, w.n - 5 - sizeof(sv_grease) - 2);
	c = (struct hello_case){ "record ends inside SNI", w.b, w.n, 1, 1, 0,
		0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	/* handshake length shorter than the record: same bound */
	client_hello(&w, ext, n + sizeof(sv_grease));
	set16(&w, 7, w.n - 9 - sizeof(sv_grease));
	c = (struct hello_case){ "handshake shorter than record", w.b, w.n, 1,
		1, 0, 0x0301, 0x0303, 0x0303, "sip.example" };
	check_hello(&c);

	/* session id longer than 32: the hello stops there */
	n = sni_ext(ext, 0, "sip.example", 11);
	client_hello(&w, ext, n);
	w.b[5 + 4 + 2 + 32] = 33;
	c = (struct hello_case){ "session id 33", w.b, w.n, 1, 1, 0, 0x0301,
		0x0303, 0x0303, "" };
	check_hello(&c);

	/* odd cipher suites length */
	client_hello(&w, ext, n);
	w.b[5 + 4 + 2 + 32 + 33 + 1] = 3;
	c = (struct hello_case){ "odd cipher suites length", w.b, w.n, 1, 1,
		0, 0x0301, 0x0303, 0x0303, "" };
	check_hello(&c);

	/* no extensions at all (SSL 3.0 style) */
	client_hello(&w, "", 0);
	w.n -= 2;
	set16(&w, 3, w.n - 5);
	set16(&w, 7, w.n - 9);
	w.b[9] = 3;
	w.b[10] = 0;
	w.b[2] = 0;
	c = (struct hello_case){ "SSL 3.0 hello, no extensions", w.b, w.n, 1,
		1, 0, 0x0300, 0x0300, 0x0300, "" };
	check_hello(&c);
}

static const uint8_t not_tls_3[] = { 0x16, 0x03, 0x01 };
static const uint8_t hs1[] = { 0x16 };
static const uint8_t bad_minor[] = { 0x16, 0x03, 0x05, 0x00, 0x10 };
static const uint8_t bad_major[] = { 0x16, 0x02, 0x00 };
static const uint8_t too_long[] = { 0x16, 0x03, 0x03, 0x48, 0x01 };
static const uint8_t max_len[] = { 0x16, 0x03, 0x03, 0x48, 0x00 };
static const uint8_t empty_hs[] = { 0x16, 0x03, 0x03, 0x00, 0x00 };
static const uint8_t empty_app[] = { 0x17, 0x03, 0x03, 0x00, 0x00 };
static const uint8_t appdata[] = { 0x17, 0x03, 0x03, 0x00, 0x08, 1, 2, 3, 4,
	5, 6, 7, 8 };
static const uint8_t alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
static const uint8_t heartbeat[] = { 0x18, 0x03, 0x03, 0x00, 0x03, 1, 0, 16 };
static const uint8_t certificate[] = { 0x16, 0x03, 0x03, 0x00, 0x04, 0x0b,
	0x00, 0x00, 0x00 };
static const uint8_t deadbeef[] = { 0xde, 0xad, 0xbe, 0xef };
static const uint8_t v2_2[] = { 0x80, 0x05 };
static const uint8_t zero4[] = { 0x00, 0x00, 0x00, 0x00 };
/* SSL 2.0 CLIENT-HELLO: 7 cipher specs (21 bytes), no session id,
 * 16-byte challenge; 9 + 21 + 16 = 46 = 0x2e */
#define V2_BODY                                                                \
	0x00, 0x15, 0x00, 0x00, 0x00, 0x10, 0x01, 0x00, 0x80, 0x07, 0x00,      \
	    0xc0, 0x03, 0x00, 0x80, 0x06, 0x00, 0x40, 0x02, 0x00, 0x80, 0x04,  \
	    0x00, 0x80, 0x00, 0x00, 0x39, 0x00, 0x00, 0x38, 0x1, 0x2, 0x3,     \
	    0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10
static const uint8_t v2_hello[] = { 0x80, 0x2e, 0x01, 0x00, 0x02, V2_BODY };
static const uint8_t v2_compat[] = { 0x80, 0x2e, 0x01, 0x03, 0x01, V2_BODY };
static const uint8_t v2_badlen[] = { 0x80, 0x30, 0x01, 0x03, 0x01, V2_BODY };
static const uint8_t v2_server[] = { 0x80, 0x2e, 0x04, 0x00, 0x02, V2_BODY };

Test(tls_sniff, not_tls_and_other_records)
{
	static const struct hello_case cases[] = {
		{ "SIP request", STR("INVITE sip:bob@example.com SIP/2.0\r\n"), 0, 0, 0, 0, 0, 0, "" },
		{ "SIP response", STR("SIP/2.0 200 OK\r\n"), 0, 0, 0, 0, 0, 0, "" },
		{ "HTTP", STR("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0, 0, 0, 0, 0, 0, "" },
		{ "CRLF keep-alive", STR("\r\n\r\n"), 0, 0, 0, 0, 0, 0, "" },
		{ "3 bytes of a record", IN(not_tls_3), -2, 0, 0, 0, 0, 0, "" },
		{ "INV", STR("INV"), 0, 0, 0, 0, 0, 0, "" },
		{ "nothing", STR(""), -2, 0, 0, 0, 0, 0, "" },
		{ "1 byte 0x16", IN(hs1), -2, 0, 0, 0, 0, 0, "" },
		{ "4 zero bytes", IN(zero4), 0, 0, 0, 0, 0, 0, "" },
		{ "4 random bytes", IN(deadbeef), 0, 0, 0, 0, 0, 0, "" },
		{ "2 bytes, high bit", IN(v2_2), -2, 0, 0, 0, 0, 0, "" },
		{ "version 3.5", IN(bad_minor), 0, 0, 0, 0, 0, 0, "" },
		{ "version 2.0 record", IN(bad_major), 0, 0, 0, 0, 0, 0, "" },
		{ "length 2^14+2049", IN(too_long), 0, 0, 0, 0, 0, 0, "" },
		{ "length 2^14+2048", IN(max_len), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "empty handshake record", IN(empty_hs), 0, 0, 0, 0, 0, 0, "" },
		{ "empty application data", IN(empty_app), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "application data", IN(appdata), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "alert", IN(alert), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "change cipher spec", IN(ccs), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "heartbeat (24) not taken", IN(heartbeat), 0, 0, 0, 0, 0, 0, "" },
		{ "certificate handshake", IN(certificate), 1, 0, 0, 0x0303, 0, 0, "" },
		{ "SSL 2.0 CLIENT-HELLO", IN(v2_hello), 1, 1, 0, 0x0002, 0x0002, 0x0002, "" },
		{ "SSL 2.0 compatible, TLS 1.0", IN(v2_compat), 1, 1, 0, 0x0002, 0x0301, 0x0301, "" },
		{ "SSL 2.0 lengths disagree", IN(v2_badlen), 0, 0, 0, 0, 0, 0, "" },
		{ "SSL 2.0 SERVER-HELLO", IN(v2_server), 0, 0, 0, 0, 0, 0, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_hello(&cases[i]);
}

Test(tls_sniff, version_names)
{
	cr_assert_str_eq(tls_version_name(0x0002), "SSL2.0");
	cr_assert_str_eq(tls_version_name(0x0300), "SSL3.0");
	cr_assert_str_eq(tls_version_name(0x0301), "TLS1.0");
	cr_assert_str_eq(tls_version_name(0x0302), "TLS1.1");
	cr_assert_str_eq(tls_version_name(0x0303), "TLS1.2");
	cr_assert_str_eq(tls_version_name(0x0304), "TLS1.3");
	cr_assert_str_eq(tls_version_name(0x7a7a), "unknown");
}
