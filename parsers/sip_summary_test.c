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
