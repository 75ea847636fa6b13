/*
 * sdp_test.c - Criterion tests for sdp.c.  Every body is placed against a
 * guard page, and every prefix of every body is parsed as well.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sdp.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct span
put(const char *s, size_t n)
{
	struct span sp = { guard_put(s, n), (uint32_t)n };
	return sp;
}

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

/* ------------------------------------------------------------ sdp_parse */

struct media_want {
	const char *media;
	int port;
	const char *proto;
	int cls;
	const char *conn;
	int crypto, fp;
};

struct sdp_case {
	const char *in;
	int rc;
	const char *origin, *conn;
	int num_media, media_total, crypto_total, fp_total, bad;
	struct media_want m[4];
	const char *comment;
};

static const struct sdp_case sdp_cases[] = {
	{ "v=0\r\n"
	  "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
	  "s=SDP Seminar\r\n"
	  "i=A Seminar on the session description protocol\r\n"
	  "u=http://www.example.com/seminars/sdp.pdf\r\n"
	  "e=j.doe@example.com (Jane Doe)\r\n"
	  "c=IN IP4 224.2.17.12/127\r\n"
	  "t=2873397496 2873404696\r\n"
	  "a=recvonly\r\n"
	  "m=audio 49170 RTP/AVP 0\r\n"
	  "m=video 51372 RTP/AVP 99\r\n"
	  "a=rtpmap:99 h263-1998/90000\r\n",
	  0, "jdoe 2890844526 2890842807 IN IP4 10.47.16.5", "224.2.17.12", 2, 2, 0, 0, 0,
	  { { "audio", 49170, "RTP/AVP", SDP_PROTO_RTP, "224.2.17.12", 0, 0 },
	    { "video", 51372, "RTP/AVP", SDP_PROTO_RTP, "224.2.17.12", 0, 0 } },
	  "RFC 4566 section 5 example" },
	{ "v=0\r\n"
	  "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
	  "s=-\r\n"
	  "t=0 0\r\n"
	  "a=group:BUNDLE 0 1 2\r\n"
	  "a=msid-semantic: WMS\r\n"
	  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8\r\n"
	  "c=IN IP4 0.0.0.0\r\n"
	  "a=rtcp:9 IN IP4 0.0.0.0\r\n"
	  "a=ice-ufrag:8hhY\r\n"
	  "a=ice-pwd:asd88fgpdd777uzjYhagZg\r\n"
	  "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	  "a=setup:actpass\r\n"
	  "a=mid:0\r\n"
	  "a=rtpmap:111 opus/48000/2\r\n"
	  "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
	  "c=IN IP4 0.0.0.0\r\n"
	  "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	  "a=mid:1\r\n"
	  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
	  "c=IN IP4 0.0.0.0\r\n"
	  "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
	  "a=sctp-port:5000\r\n",
	  0, "- 4611731400430051336 2 IN IP4 127.0.0.1", NULL, 3, 3, 0, 3, 0,
	  { { "audio", 9, "UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP, "0.0.0.0", 0, 1 },
	    { "video", 9, "UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP, "0.0.0.0", 0, 1 },
	    { "application", 9, "UDP/DTLS/SCTP", SDP_PROTO_OTHER, "0.0.0.0", 0, 1 } },
	  "WebRTC offer, media-level fingerprints" },
	{ "v=0\r\n"
	  "o=mozilla...THIS_IS_SDPARTA-99.0 5089 0 IN IP4 0.0.0.0\r\n"
	  "s=-\r\n"
	  "t=0 0\r\n"
	  "a=fingerprint:sha-256 AA:BB\r\n"
	  "a=fingerprint:sha-1 CC:DD\r\n"
	  "m=audio 9 UDP/TLS/RTP/SAVPF 109\r\n"
	  "c=IN IP4 0.0.0.0\r\n"
	  "m=video 9 UDP/TLS/RTP/SAVPF 120\r\n"
	  "c=IN IP4 0.0.0.0\r\n"
	  "a=fingerprint:sha-256 EE:FF\r\n",
	  0, "mozilla...THIS_IS_SDPARTA-99.0 5089 0 IN IP4 0.0.0.0", NULL, 2, 2, 0, 3, 0,
	  { { "audio", 9, "UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP, "0.0.0.0", 0, 2 },
	    { "video", 9, "UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP, "0.0.0.0", 0, 3 } },
	  "session-level fingerprints apply to every media (RFC 8122 section 5)" },
	{ "v=0\r\n"
	  "o=alice 2890844526 2890844526 IN IP4 192.0.2.1\r\n"
	  "s=-\r\n"
	  "c=IN IP4 192.0.2.1\r\n"
	  "t=0 0\r\n"
	  "m=audio 49170 RTP/SAVP 0\r\n"
	  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n"
	  "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32\r\n"
	  "m=video 51372 RTP/SAVPF 31\r\n"
	  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^20|1:32\r\n",
	  0, "alice 2890844526 2890844526 IN IP4 192.0.2.1", "192.0.2.1", 2, 2, 3, 0, 0,
	  { { "audio", 49170, "RTP/SAVP", SDP_PROTO_SRTP, "192.0.2.1", 2, 0 },
	    { "video", 51372, "RTP/SAVPF", SDP_PROTO_SRTP, "192.0.2.1", 1, 0 } },
	  "SDES (RFC 4568 section 9.1)" },
	{ "v=0\r\n"
	  "o=- 1 1 IN IP4 10.0.0.1\r\n"
	  "s=-\r\n"
	  "c=IN IP4 10.0.0.1\r\n"
	  "t=0 0\r\n"
	  "m=image 49172 udptl t38\r\n"
	  "a=T38FaxVersion:0\r\n"
	  "a=T38FaxRateManagement:transferredTCF\r\n",
	  0, "- 1 1 IN IP4 10.0.0.1", "10.0.0.1", 1, 1, 0, 0, 0,
	  { { "image", 49172, "udptl", SDP_PROTO_UDPTL, "10.0.0.1", 0, 0 } },
	  "T.38 image udptl" },
	{ "v=0\no=x 1 1 IN IP4 h\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
	  "m=audio 49170/2 RTP/AVP 0\nc=IN IP4 10.0.0.2\n"
	  "m=video 0 RTP/AVPF 96\n",
	  0, "x 1 1 IN IP4 h", "10.0.0.1", 2, 2, 0, 0, 0,
	  { { "audio", 49170, "RTP/AVP", SDP_PROTO_RTP, "10.0.0.2", 0, 0 },
	    { "video", 0, "RTP/AVPF", SDP_PROTO_RTP, "10.0.0.1", 0, 0 } },
	  "bare LF, port/count, media c= overrides session c=" },
	{ "v=0\r\nc=IN IP6 FF15::101/3\r\nm=audio 5004 TCP/TLS/RTP/SAVP 0\r\n"
	  "m=audio 5006 TCP/DTLS/RTP/SAVPF 0\r\nm=audio 5008 rtp/avp 0\r\nm=audio 5010 RTP/XYZ 0",
	  0, NULL, "FF15::101", 4, 4, 0, 0, 0,
	  { { "audio", 5004, "TCP/TLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP, "FF15::101", 0, 0 },
	    { "audio", 5006, "TCP/DTLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP, "FF15::101", 0, 0 },
	    { "audio", 5008, "rtp/avp", SDP_PROTO_RTP, "FF15::101", 0, 0 },
	    { "audio", 5010, "RTP/XYZ", SDP_PROTO_OTHER, "FF15::101", 0, 0 } },
	  "IPv6 multicast, proto classes, no final line end" },
	{ "v=0\r\nthis is junk\r\nm=audio 1 RTP/AVP 0\r\n\r\nX=1\r\na=crypto:1 x\r\n",
	  0, NULL, NULL, 1, 1, 1, 0, 1,
	  { { "audio", 1, "RTP/AVP", SDP_PROTO_RTP, NULL, 1, 0 } },
	  "bad lines are reported, parsing goes on" },
	{ "v=0\r\n\r\n\n \t\r\n\r\nm=audio 2 RTP/AVP 0\r\n\r\n  m=video 3 RTP/AVP 0\r\n",
	  0, NULL, NULL, 1, 1, 0, 0, 1,
	  { { "audio", 2, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 } },
	  "blank lines inside are bad; the line after them is parsed; indented line is bad" },
	{ "v=0\r\nm=audio 1 RTP/AVP 0\r\n\r\n\r\n",
	  0, NULL, NULL, 1, 1, 0, 0, 0,
	  { { "audio", 1, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 } },
	  "trailing empty lines are not bad" },
	{ "v=0\r\nm=audio 70000 RTP/AVP 0\r\n",
	  0, NULL, NULL, 1, 1, 0, 0, 1,
	  { { "audio", 0, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 } },
	  "port above 65535" },
	{ "v=0\r\nm=audio 0000005004/2 RTP/AVP 0\r\nm=audio 00000005004 RTP/AVP 0\r\n"
	  "m=audio 50x4 RTP/AVP 0\r\nm=audio /2 RTP/AVP 0\r\n",
	  0, NULL, NULL, 4, 4, 0, 0, 1,
	  { { "audio", 5004, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 },
	    { "audio", 0, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 },
	    { "audio", 0, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 },
	    { "audio", 0, "RTP/AVP", SDP_PROTO_RTP, NULL, 0, 0 } },
	  "ports: 10 digits with leading zeros, 11 digits, a non-digit, none" },
	{ "v=0\r\nm=audio 1 RTP/SAVP 0\r\na=fmtp:101 0-16\r\na=Fingerprint:sha-256 AB\r\n"
	  "a=CRYPTO:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\na=cr\r\na=f\r\n",
	  0, NULL, NULL, 1, 1, 1, 1, 0,
	  { { "audio", 1, "RTP/SAVP", SDP_PROTO_SRTP, NULL, 1, 1 } },
	  "attribute names in any case; fmtp and short names are neither" },
	{ "v=0\r\nm=audio\r\nc=IN IP4\r\n",
	  0, NULL, NULL, 1, 1, 0, 0, 1,
	  { { "audio", 0, NULL, SDP_PROTO_OTHER, NULL, 0, 0 } },
	  "short m= and c= lines" },
	{ "v=0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x\r\nm=audio 1 RTP/SAVP 0\r\n",
	  0, NULL, NULL, 1, 1, 1, 0, 0,
	  { { "audio", 1, "RTP/SAVP", SDP_PROTO_SRTP, NULL, 0, 0 } },
	  "session-level crypto counts in the total only" },
	/* c= and m= fields come from one classification of a line's first
	 * 64 bytes, or field by field when the third runs past them. */
	{ "v=0\r\nc=IN                                                            IP4 10.0.0.9\r\n"
	  "m=audio\t\t49170  RTP/AVP 0 8 9 101 102 103 104 105 106 107 108 109 110 111 112\r\n"
	  "c=IN                                                  IP4 10.0.0.10\r\n"
	  "m=video 5 RTP/AVP 31\r\nc=IN IP4 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
	  0, NULL, "10.0.0.9", 2, 2, 0, 0, 0,
	  { { "audio", 49170, "RTP/AVP", SDP_PROTO_RTP, "10.0.0.10", 0, 0 },
	    { "video", 5, "RTP/AVP", SDP_PROTO_RTP, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, 0 } },
	  "long c= and m= lines: third field past 64 bytes, across them, up to them" },
	{ "v=0\r\nm=audio 1 RTP/SAVP 0\r\na=crypto:1 k\r\na=cr",
	  0, NULL, NULL, 1, 1, 1, 0, 0,
	  { { "audio", 1, "RTP/SAVP", SDP_PROTO_SRTP, NULL, 1, 0 } },
	  "a=cr as the last four bytes" },
	{ "v=0\r\nm=audio 1 RTP/SAVP 0\r\na=x\r\na=crypto:1 k",
	  0, NULL, NULL, 1, 1, 1, 0, 0,
	  { { "audio", 1, "RTP/SAVP", SDP_PROTO_SRTP, NULL, 1, 0 } },
	  "a=crypto with no line end" },
	{ "o=x 1 1 IN IP4 h\r\nv=0\r\n", -1, NULL, NULL, 0, 0, 0, 0, 0, { { NULL, 0, NULL, 0, NULL, 0, 0 } }, "v= not first" },
	{ "V=0\r\n", -1, NULL, NULL, 0, 0, 0, 0, 0, { { NULL, 0, NULL, 0, NULL, 0, 0 } }, "upper-case V" },
	{ "v", -1, NULL, NULL, 0, 0, 0, 0, 0, { { NULL, 0, NULL, 0, NULL, 0, 0 } }, "truncated" },
	{ "", -1, NULL, NULL, 0, 0, 0, 0, 0, { { NULL, 0, NULL, 0, NULL, 0, 0 } }, "empty" },
};

static void
check_sdp(const struct sdp_info *info, struct span in)
{
	cr_assert(info->num_media <= SDP_MAX_MEDIA);
	cr_assert(info->num_media <= info->media_total);
	cr_assert(within(info->origin, in) && within(info->conn, in), "span outside input");
	for (unsigned i = 0; i < info->num_media; i++) {
		const struct sdp_media *m = &info->media[i];
		cr_assert(within(m->media, in) && within(m->proto, in) &&
		    within(m->conn, in), "media %u span outside input", i);
		cr_assert(m->crypto <= info->crypto_total);
		cr_assert(m->fingerprint <= info->fingerprint_total);
	}
}

Test(sdp_parse, table)
{
	for (size_t i = 0; i < N(sdp_cases); i++) {
		const struct sdp_case *c = &sdp_cases[i];
		struct span in = put(c->in, strlen(c->in));
		struct sdp_info info;
		int rc = sdp_parse(in, &info);

		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		EXPECT_SPAN(c->comment, "origin", info.origin, c->origin);
		EXPECT_SPAN(c->comment, "conn", info.conn, c->conn);
		cr_expect_eq(info.num_media, c->num_media, "%s: num_media %u", c->comment, info.num_media);
		cr_expect_eq(info.media_total, c->media_total, "%s: media_total %u", c->comment, info.media_total);
		cr_expect_eq(info.crypto_total, c->crypto_total, "%s: crypto_total %u", c->comment, info.crypto_total);
		cr_expect_eq(info.fingerprint_total, c->fp_total, "%s: fingerprint_total %u", c->comment, info.fingerprint_total);
		cr_expect_eq(info.bad, c->bad, "%s: bad %d", c->comment, info.bad);
		for (int j = 0; j < c->num_media && j < (int)N(c->m); j++) {
			const struct media_want *w = &c->m[j];
			const struct sdp_media *m = &info.media[j];
			EXPECT_SPAN(c->comment, "media", m->media, w->media);
			EXPECT_SPAN(c->comment, "proto", m->proto, w->proto);
			EXPECT_SPAN(c->comment, "media conn", m->conn, w->conn);
			cr_expect_eq(m->port, w->port, "%s: m[%d] port %u, want %d", c->comment, j, m->port, w->port);
			cr_expect_eq(m->proto_class, w->cls, "%s: m[%d] class %u, want %d", c->comment, j, m->proto_class, w->cls);
			cr_expect_eq(m->crypto, w->crypto, "%s: m[%d] crypto %u, want %d", c->comment, j, m->crypto, w->crypto);
			cr_expect_eq(m->fingerprint, w->fp, "%s: m[%d] fingerprint %u, want %d", c->comment, j, m->fingerprint, w->fp);
		}
		check_sdp(&info, in);
	}
}

Test(sdp_parse, more_media_than_kept)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof buf, "v=0\r\nc=IN IP4 192.0.2.9\r\n");
	struct sdp_info info;

	for (int i = 0; i < SDP_MAX_MEDIA + 4; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
		    "m=audio %d RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:k\r\n"
		    "a=fingerprint:sha-256 00\r\n", 10000 + 2 * i);
	cr_assert_lt(n, sizeof buf);
	cr_assert_eq(sdp_parse(put(buf, n), &info), 0);
	cr_expect_eq(info.num_media, SDP_MAX_MEDIA);
	cr_expect_eq(info.media_total, SDP_MAX_MEDIA + 4);
	cr_expect_eq(info.crypto_total, SDP_MAX_MEDIA + 4);
	cr_expect_eq(info.fingerprint_total, SDP_MAX_MEDIA + 4);
	cr_expect_eq(info.bad, 0);
	cr_expect_eq(info.media[SDP_MAX_MEDIA - 1].port, 10000 + 2 * (SDP_MAX_MEDIA - 1));
	cr_expect_eq(info.media[SDP_MAX_MEDIA - 1].crypto, 1);
	cr_expect_eq(info.media[SDP_MAX_MEDIA - 1].fingerprint, 1);
	cr_expect(span_is(info.media[SDP_MAX_MEDIA - 1].conn, "192.0.2.9"));
}

/* Every proto of the class table, in any case, and names one byte off. */
Test(sdp_parse, proto_classes)
{
	static const struct {
		const char *proto;
		int cls;
	} protos[] = {
		{ "RTP/AVP", SDP_PROTO_RTP }, { "rtp/avpf", SDP_PROTO_RTP },
		{ "RTP/SAVP", SDP_PROTO_SRTP }, { "Rtp/Savpf", SDP_PROTO_SRTP },
		{ "UDP/TLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP },
		{ "UDP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP },
		{ "tcp/tls/rtp/savp", SDP_PROTO_DTLS_SRTP },
		{ "TCP/TLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP },
		{ "TCP/DTLS/RTP/SAVP", SDP_PROTO_DTLS_SRTP },
		{ "TCP/DTLS/RTP/SAVPF", SDP_PROTO_DTLS_SRTP },
		{ "UDPTL", SDP_PROTO_UDPTL },
		{ "RTP/AV", SDP_PROTO_OTHER }, { "RTP/AVPX", SDP_PROTO_OTHER },
		{ "RTP/AVQ", SDP_PROTO_OTHER }, { "RTP\x0f" "AVP", SDP_PROTO_OTHER },
		{ "udptl0", SDP_PROTO_OTHER }, { "TCP/DTLS/RTP/SAVPFF", SDP_PROTO_OTHER },
	};
	char buf[128];

	for (size_t i = 0; i < N(protos); i++) {
		size_t n = (size_t)snprintf(buf, sizeof buf, "v=0\r\nm=audio 4000 %s 0\r\n",
		    protos[i].proto);
		struct sdp_info info;
		cr_assert_lt(n, sizeof buf);
		cr_assert_eq(sdp_parse(put(buf, n), &info), 0);
		cr_assert_eq(info.num_media, 1);
		cr_expect_eq(info.media[0].proto_class, protos[i].cls, "%s: class %d, want %d",
		    protos[i].proto, info.media[0].proto_class, protos[i].cls);
	}
}

Test(sdp_parse, prefixes)
{
	for (size_t i = 0; i < N(sdp_cases); i++) {
		size_t len = strlen(sdp_cases[i].in);
		for (size_t n = 0; n <= len; n++) {
			struct span in = put(sdp_cases[i].in, n);
			struct sdp_info info;
			(void)sdp_parse(in, &info);
			check_sdp(&info, in);
		}
	}
}

Test(sdp_parse, failure_leaves_info_empty)
{
	struct sdp_info info;

	memset(&info, 0x5a, sizeof info);
	cr_assert_eq(sdp_parse(put("x=1\r\n", 5), &info), -1);
	cr_expect_eq(info.num_media, 0);
	cr_expect_eq(info.bad, 0);
	cr_expect_eq(info.origin.p, NULL);
	cr_assert_eq(sdp_parse(SPAN_NULL, &info), -1);
}

/* ------------------------------------------------------------- sdp_find */

#define SDP_A "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0"

struct find_case {
	const char *ct, *body;
	int rc;
	const char *sdp;
	const char *comment;
};

static const struct find_case find_cases[] = {
	{ "application/sdp", SDP_A "\r\n", 0, SDP_A "\r\n", "plain SDP" },
	{ " Application/SDP ; charset=UTF-8", SDP_A, 0, SDP_A, "case-insensitive type with params" },
	{ "application/sdp", "", -1, NULL, "empty body" },
	{ "", SDP_A, 0, SDP_A, "no Content-Type, body starts with v=0" },
	{ "", "hello", -1, NULL, "no Content-Type, not SDP" },
	{ "text/plain", SDP_A, -1, NULL, "other type" },
	{ "application/sdpx", SDP_A, -1, NULL, "type prefix only" },
	{ "application/sdq", SDP_A, -1, NULL, "other type of the same length" },
	{ "multipart/mixed;boundary=7a9cbec02ceef655",
	  "--7a9cbec02ceef655\r\n"
	  "Content-Type: text/plain\r\n"
	  "Content-Transfer-Encoding: binary\r\n"
	  "\r\n"
	  "Hello\r\n"
	  "--7a9cbec02ceef655\r\n"
	  "Content-Type: application/sdp\r\n"
	  "\r\n"
	  SDP_A "\r\n"
	  "--7a9cbec02ceef655--\r\n",
	  0, SDP_A, "RFC 4475 mpart01-like, SDP in the second part" },
	{ "multipart/mixed; boundary=\"simple boundary\"",
	  "This is the preamble.\r\n"
	  "--simple boundary  \t\r\n"
	  "\r\n"
	  "implicitly typed plain text\r\n"
	  "--simple boundary\r\n"
	  "content-type: APPLICATION/SDP\r\n"
	  "\r\n"
	  SDP_A "\r\n"
	  "\r\n"
	  "--simple boundary--\r\n"
	  "This is the epilogue.\r\n",
	  0, SDP_A "\r\n", "RFC 2046 5.1.1 quoted boundary, preamble, padding, no-header part" },
	{ "multipart/alternative;boundary=b1",
	  "--b1x\nContent-Type: application/sdp\n\nnot a part\n"
	  "--b1\nContent-Type: application/sdp\n\n" SDP_A "\n--b1--\n",
	  0, SDP_A, "bare LF; a line that only starts with the boundary is content" },
	{ "multipart/mixed;boundary=outer",
	  "--outer\r\nContent-Type: text/plain\r\n\r\nx\r\n"
	  "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
	  "--inner\r\nContent-Type: text/html\r\n\r\n<p>\r\n"
	  "--inner\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n--inner--\r\n"
	  "--outer--\r\n",
	  0, SDP_A, "one nested multipart" },
	{ "multipart/mixed;boundary=l1",
	  "--l1\r\nContent-Type: multipart/mixed;boundary=l2\r\n\r\n"
	  "--l2\r\nContent-Type: multipart/mixed;boundary=l3\r\n\r\n"
	  "--l3\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n--l3--\r\n"
	  "--l2--\r\n"
	  "--l1--\r\n",
	  -1, NULL, "nesting beyond SDP_MULTIPART_NEST is not followed" },
	{ "multipart/mixed;boundary=b",
	  "--b\r\nContent-Type:\r\n application/sdp\r\n\r\n" SDP_A "\r\n--b--",
	  0, SDP_A, "folded part Content-Type" },
	{ "multipart/mixed;boundary=b",
	  "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n",
	  0, SDP_A "\r\n", "no close delimiter: last part runs to the end" },
	{ "multipart/mixed;boundary=b",
	  "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n"
	  "--b\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n",
	  -1, NULL, "nothing after the close delimiter is a part" },
	{ "multipart/mixed;boundary=b",
	  "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--b--\r\n",
	  -1, NULL, "no SDP part" },
	{ "multipart/mixed;boundary=b",
	  "--b\r\nContent-Type: application/sdp\r\n",
	  -1, NULL, "part without the empty line" },
	{ "multipart/mixed", "--b\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n--b--\r\n", -1, NULL, "no boundary parameter" },
	{ "multipart/mixed;boundary=\"\"", "--\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n----\r\n", -1, NULL, "empty boundary" },
	{ "multipart/related;type=\"application/sdp\";boundary=\"--=_x;y\"",
	  "----=_x;y\r\nContent-Type: application/sdp\r\n\r\n" SDP_A "\r\n----=_x;y--\r\n",
	  0, SDP_A, "';' inside quoted boundary" },
};

Test(sdp_find, table)
{
	for (size_t i = 0; i < N(find_cases); i++) {
		const struct find_case *c = &find_cases[i];
		size_t ctlen = strlen(c->ct), blen = strlen(c->body);
		char ctbuf[256];
		struct span ct = { ctbuf, (uint32_t)ctlen }, body, sdp;
		int rc;

		cr_assert_lt(ctlen, sizeof ctbuf);
		memcpy(ctbuf, c->ct, ctlen);
		body = put(c->body, blen);
		rc = sdp_find(ct, body, &sdp);
		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d", c->comment, rc, c->rc);
		EXPECT_SPAN(c->comment, "sdp", sdp, c->sdp);
		cr_expect(within(sdp, body), "%s: sdp outside body", c->comment);
		if (rc == 0) {
			struct sdp_info info;
			cr_expect_eq(sdp_parse(sdp, &info), 0, "%s: found SDP does not parse", c->comment);
		}
		for (size_t n = 0; n <= blen; n++) {
			body = put(c->body, n);
			(void)sdp_find(ct, body, &sdp);
			cr_assert(within(sdp, body), "%s: prefix %zu outside body", c->comment, n);
		}
	}
}

Test(sdp_find, null_content_type)
{
	struct span sdp = { "x", 1 };

	cr_expect_eq(sdp_find(SPAN_NULL, SPAN_NULL, &sdp), -1);
	cr_expect_eq(sdp.p, NULL);
	cr_expect_eq(sdp_find(SPAN_NULL, put("v=0\r\n", 5), &sdp), 0);
	cr_expect_eq(sdp.len, 5);
}
