/*
 * sip_summary_test.c - Criterion tests for sip_summarize(): the parts it
 * takes a shortcut for give what the value parsers give.  Inputs are
 * placed against a guard page (tests/guard.h).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sip_summary.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
same_span(struct span a, struct span b)
{
	return a.p == b.p && a.len == b.len;
}

/* Parses a request with the given header lines and summarizes it. */
static void
summarize(const char *hdr_lines, struct sip_msg *m, struct sip_header *hdrs,
    struct sip_summary *s)
{
	static char in[1024];
	int n = snprintf(in, sizeof(in), "OPTIONS sip:b@example.com SIP/2.0\r\n"
	    "%sFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c\r\n"
	    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", hdr_lines);
	cr_assert(n > 0 && (size_t)n < sizeof(in));
	const char *g = guard_put(in, (size_t)n);
	cr_assert_eq(sip_parse(g, (size_t)n, m, hdrs, SIP_MAX_HEADERS, NULL, 0), n);
	memset(s, 0xa5, sizeof(*s));
	sip_summarize(m, s);
}

/* The topmost Via is sip_via_parse() of the first element of the first
 * Via header, however the list starts and whatever its parameters hold. */
Test(sip_summary, topmost_via)
{
	static const char *const vias[] = {
		"SIP/2.0/UDP h;branch=z9hG4bK1;rport",
		"SIP/2.0/UDP a, SIP/2.0/TCP b",
		", SIP/2.0/UDP h",
		" ,,SIP/2.0/TCP b;branch=x",
		",",
		"SIP/2.0/UDP h;x=<a,b>;branch=y",
		"SIP/2.0/UDP h;x=\"a,b\";branch=y, SIP/2.0/UDP c",
		"SIP/2.0/UDP h;x=\"a\\\",b\";branch=y",
		"SIP/2.0/UDP h;x=\"open, SIP/2.0/UDP c",
		"SIP / 2.0 / UDP h ,x",
		"sip/2.0/tcp h:5060 ;rport=1 ;received=10.0.0.1, x",
		"SIP/2.0/UDP h:, SIP/2.0/UDP c",
		"SIP/2.0/UD,P h",
		"SIP/2.0/ UDP [::1]:5060;branch=z",
		"<sip:x>, SIP/2.0/UDP h",
	};
	for (size_t i = 0; i < N(vias); i++) {
		char line[256];
		snprintf(line, sizeof(line), "Via: %s\r\n", vias[i]);
		struct sip_header hdrs[SIP_MAX_HEADERS];
		struct sip_msg m;
		struct sip_summary s;
		summarize(line, &m, hdrs, &s);

		struct span v = sip_hdr_get(&m, SIP_H_VIA), el;
		uint32_t pos = 0;
		struct sip_via want;
		int has = 0, bad = 1;
		memset(&want, 0, sizeof(want));
		if (sip_list_next(v, &pos, &el)) {
			has = sip_via_parse(el, &want) == 0;
			bad = !has;
		}
		cr_expect_eq(s.has_via, has, "%s", vias[i]);
		cr_expect_eq((s.anomalies & SIP_A_BIT(SIP_A_BAD_VIA)) != 0, bad, "%s", vias[i]);
		cr_expect(same_span(s.via.proto, want.proto) &&
		    same_span(s.via.transport, want.transport) &&
		    same_span(s.via.host, want.host) && s.via.port == want.port &&
		    s.via.has_port == want.has_port &&
		    same_span(s.via.params, want.params) &&
		    same_span(s.via.branch, want.branch) &&
		    same_span(s.via.received, want.received) &&
		    same_span(s.via.rport, want.rport) &&
		    s.via.has_rport == want.has_rport, "%s", vias[i]);
	}
}

/* The CSeq sip_parse() checked is the one sip_cseq_parse() gives. */
Test(sip_summary, cseq)
{
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg m;
	struct sip_summary s;
	summarize("Via: SIP/2.0/UDP h\r\n", &m, hdrs, &s);
	cr_assert(m.cseq_ok);
	uint32_t seq;
	struct span meth;
	cr_assert_eq(sip_cseq_parse(sip_hdr_get(&m, SIP_H_CSEQ), &seq, &meth), 0);
	cr_expect(s.has_cseq && s.cseq == seq && same_span(s.cseq_method, meth));
}

/* Without SDP the counts and spans of s->sdp are cleared (media[] is not:
 * only num_media entries are valid). */
Test(sip_summary, no_sdp)
{
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg m;
	struct sip_summary s;
	summarize("Via: SIP/2.0/UDP h\r\n", &m, hdrs, &s);
	cr_expect_eq(s.has_sdp, 0);
	cr_expect(s.sdp.origin.p == NULL && s.sdp.origin.len == 0);
	cr_expect(s.sdp.conn.p == NULL && s.sdp.conn.len == 0);
	cr_expect(s.sdp.num_media == 0 && s.sdp.media_total == 0 &&
	    s.sdp.crypto_total == 0 && s.sdp.fingerprint_total == 0 && s.sdp.bad == 0);
}

/* 1 if s holds the bytes of lit. */
static int
span_is(struct span s, const char *lit)
{
	return s.p != NULL && s.len == strlen(lit) && memcmp(s.p, lit, s.len) == 0;
}

/* 1 if every byte of the n at p is zero, as a part cleared for an absent
 * header must be (summarize() fills *s with 0xa5 first). */
static int
all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

/* A part whose header is absent is cleared whole; of the credential
 * (challenge) headers the first of the pair present is parsed, and when
 * it does not parse, its id stays and BAD_AUTH is raised. */
Test(sip_summary, auth_headers_and_absent_parts)
{
	static const struct {
		const char *lines;
		int has_auth, has_chal;
		uint16_t auth_hdr, chal_hdr;
		const char *username, *realm;
		int bad;
	} cases[] = {
		{ "", 0, 0, 0, 0, NULL, NULL, 0 },
		{ "Authorization: Digest username=\"u\"\r\n", 1, 0, SIP_H_AUTHORIZATION, 0, "u", NULL, 0 },
		{ "Proxy-Authorization: Digest username=\"p\"\r\n", 1, 0, SIP_H_PROXY_AUTHORIZATION, 0, "p", NULL, 0 },
		{ "Proxy-Authorization: Digest username=\"p\"\r\nAuthorization: Digest username=\"u\"\r\n",
		  1, 0, SIP_H_AUTHORIZATION, 0, "u", NULL, 0 },
		{ "Authorization: Digest username=\"u\r\n", 0, 0, SIP_H_AUTHORIZATION, 0, NULL, NULL, 1 },
		{ "WWW-Authenticate: Digest realm=\"w\"\r\n", 0, 1, 0, SIP_H_WWW_AUTHENTICATE, NULL, "w", 0 },
		{ "Proxy-Authenticate: Digest realm=\"x\"\r\nWWW-Authenticate: Digest realm=\"w\"\r\n",
		  0, 1, 0, SIP_H_WWW_AUTHENTICATE, NULL, "w", 0 },
		{ "Proxy-Authenticate: Digest realm=\"x\"\r\n", 0, 1, 0, SIP_H_PROXY_AUTHENTICATE, NULL, "x", 0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct sip_header hdrs[SIP_MAX_HEADERS];
		struct sip_msg m;
		struct sip_summary s;
		summarize(cases[i].lines, &m, hdrs, &s);

		cr_expect_eq(s.has_auth, cases[i].has_auth, "%s", cases[i].lines);
		cr_expect_eq(s.auth_hdr, cases[i].auth_hdr, "%s", cases[i].lines);
		cr_expect_eq(s.has_challenge, cases[i].has_chal, "%s", cases[i].lines);
		cr_expect_eq(s.challenge_hdr, cases[i].chal_hdr, "%s", cases[i].lines);
		cr_expect_eq((s.anomalies & SIP_A_BIT(SIP_A_BAD_AUTH)) != 0, cases[i].bad, "%s",
		    cases[i].lines);
		if (cases[i].auth_hdr == 0)
			cr_expect(all_zero(&s.auth, sizeof s.auth), "%s: auth cleared", cases[i].lines);
		else if (cases[i].username != NULL)
			cr_expect(span_is(s.auth.username, cases[i].username), "%s", cases[i].lines);
		if (cases[i].chal_hdr == 0)
			cr_expect(all_zero(&s.challenge, sizeof s.challenge), "%s: challenge cleared",
			    cases[i].lines);
		else
			cr_expect(span_is(s.challenge.realm, cases[i].realm), "%s", cases[i].lines);
		/* No Via line here. */
		cr_expect(s.has_via == 0 && all_zero(&s.via, sizeof s.via), "%s: via cleared",
		    cases[i].lines);
	}
}

/* A response has no Request-URI: s->ruri is cleared whole, as is the
 * name-addr of an absent To. */
Test(sip_summary, response_ruri_cleared)
{
	static const char in[] = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n"
	    "From: <sip:a@h>;tag=1\r\nCall-ID: c\r\n"
	    "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg m;
	struct sip_summary s;
	const char *g = guard_put(in, sizeof in - 1);

	cr_assert_eq(sip_parse(g, sizeof in - 1, &m, hdrs, SIP_MAX_HEADERS, NULL, 0),
	    (int)(sizeof in - 1));
	memset(&s, 0xa5, sizeof s);
	sip_summarize(&m, &s);
	cr_expect_eq(s.has_ruri, 0);
	cr_expect(all_zero(&s.ruri, sizeof s.ruri));
	cr_expect_eq(s.has_to, 0);
	cr_expect(all_zero(&s.to, sizeof s.to));
	cr_expect(s.has_from && s.has_via);
}
