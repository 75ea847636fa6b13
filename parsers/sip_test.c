/*
 * sip_test.c - Criterion tests for sip.c (sip_parse, sip_sniff, the method
 * and header tables, sip_list_next).
 *
 * Inputs: the RFC 3261 section 24 examples, the RFC 4475 torture messages,
 * every prefix of every valid message, every split of a pipelined stream,
 * one case per message-level anomaly, non-SIP traffic, and the fuzz
 * corpora through both forms of the parser (sip_parse_form()).  Every
 * input is placed against a guard page (tests/guard.h), so a read past the
 * end of the input crashes the test.
 *
 * The RFC 3261 section 24.2 messages do not show their SDP ("Alice's SDP
 * not shown"): ALICE_SDP and BOB_SDP are bodies of exactly the lengths the
 * RFC's Content-Length headers give (142 and 131).  The RFC 4475 messages
 * are reconstructed from the RFC's text; every Content-Length matches its
 * body except where the test is about it (clerr, ncl, scalarlg, mcl01,
 * dblreq).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scan.h"
#include "sip.h"
#include "sip_values.h"
#include "tests/guard.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define A(x) SIP_A_BIT(SIP_A_##x)
#define DGRAM 0u
#define STREAM SIP_PARSE_STREAM

/* ------------------------------------------------------------ helpers */

static struct sip_header hdrs[SIP_MAX_HEADERS];
static const char *guarded; /* where parse() placed its last input */

/* sip_parse() on a guarded copy of in[0..len). */
static int
parse(const char *in, size_t len, struct sip_msg *m, size_t cap,
    const struct sip_limits *lim, unsigned flags)
{
	guarded = guard_put(in, len);
	return sip_parse(guarded, len, m, hdrs, cap, lim, flags);
}

/* Anomaly bits as "name,name"; four rotating buffers so that two calls can
 * appear in one message. */
static const char *
bits(uint64_t a)
{
	static char buf[4][1024];
	static unsigned k;
	char *b = buf[k++ % 4];
	size_t n = 0;
	b[0] = '\0';
	for (unsigned i = 0; i < 64; i++)
		if (a & (1ull << i))
			n += (size_t)snprintf(b + n, sizeof(buf[0]) - n, "%s%s",
			    n ? "," : "", sip_anomaly_name(i));
	return b;
}

static int
span_is(struct span s, const char *want)
{
	return want == NULL ? s.len == 0 : span_eq(s, want);
}

static int
span_mem(struct span s, const char *p, size_t n)
{
	return s.len == n && (n == 0 || memcmp(s.p, p, n) == 0);
}

/* Every span of m lies inside [in, in + len). */
static int
within(struct span s, const char *in, size_t len)
{
	uintptr_t p = (uintptr_t)s.p, b = (uintptr_t)in;
	return s.len == 0 || (p >= b && p + s.len <= b + len);
}

static void
check_spans(const struct sip_msg *m, const char *in, size_t len, const char *what)
{
	cr_assert(within(m->method_tok, in, len) && within(m->ruri, in, len) &&
	    within(m->version, in, len) && within(m->reason, in, len) &&
	    within(m->start_line, in, len) && within(m->body, in, len) &&
	    within(m->raw, in, len), "%s: start-line/body span outside the input", what);
	for (size_t i = 0; i < m->num_headers; i++)
		cr_assert(within(m->headers[i].name, in, len) &&
		    within(m->headers[i].value, in, len),
		    "%s: header %zu outside the input", what, i);
}

#define EXPECT_SPAN(comment, what, got, want)                                   \
	cr_expect(span_is((got), (want)), "%s: %s is \"%.*s\", want \"%s\"",      \
	    (comment), (what), (int)(got).len, (got).p != NULL ? (got).p : "",    \
	    (want) != NULL ? (want) : "")

#define EXPECT_BITS(comment, got, want)                                         \
	cr_expect((got) == (want), "%s: anomalies {%s}, want {%s}", (comment),    \
	    bits(got), bits(want))

/* Offset just past the first empty line (CRLF CRLF), or 0. */
static size_t
hdr_end(const char *s, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(s + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	return 0;
}

/* ------------------------------------------------------------ messages */

#define ALICE_SDP \
	"v=0\r\n" \
	"o=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\n" \
	"s=Talk\r\n" \
	"c=IN IP4 192.0.2.1\r\n" \
	"t=0 0\r\n" \
	"m=audio 49172 RTP/AVP 0\r\n" \
	"a=rtpmap:0 PCMU/8000\r\n"

#define BOB_SDP \
	"v=0\r\n" \
	"o=bob 2808844564 2808844564 IN IP4 192.0.2.4\r\n" \
	"s=Bob\r\n" \
	"c=IN IP4 192.0.2.4\r\n" \
	"t=0 0\r\n" \
	"m=audio 3456 RTP/AVP 0\r\n" \
	"a=rtpmap:0 PCMU/8000\r\n"

static const char f1_invite[] =
	"INVITE sip:bob@biloxi.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.com>\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.com>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 142\r\n"
	"\r\n"
	ALICE_SDP;

static const char f5_invite[] =
	"INVITE sip:bob@192.0.2.4 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1\r\n"
	"Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n"
	"Max-Forwards: 68\r\n"
	"To: Bob <sip:bob@biloxi.com>\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@pc33.atlanta.com>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 142\r\n"
	"\r\n"
	ALICE_SDP;

static const char f6_180[] =
	"SIP/2.0 180 Ringing\r\n"
	"Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3\r\n"
	"Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n"
	"To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"Contact: <sip:bob@192.0.2.4>\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char f9_200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1;received=192.0.2.3\r\n"
	"Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n"
	"To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:bob@192.0.2.4>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 131\r\n"
	"\r\n"
	BOB_SDP;

static const char f11_200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1\r\n"
	"To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:bob@192.0.2.4>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 131\r\n"
	"\r\n"
	BOB_SDP;

static const char f12_ack[] =
	"ACK sip:bob@192.0.2.4 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds9\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 314159 ACK\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char f13_bye[] =
	"BYE sip:alice@pc33.atlanta.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10\r\n"
	"Max-Forwards: 70\r\n"
	"From: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"To: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 231 BYE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char f14_200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10;received=192.0.2.4\r\n"
	"To: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"
	"From: Bob <sip:bob@biloxi.com>;tag=a6c85cf\r\n"
	"Call-ID: a84b4c76e66710\r\n"
	"CSeq: 231 BYE\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char register_msg[] =
	"REGISTER sip:registrar.biloxi.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.com>\r\n"
	"From: Bob <sip:bob@biloxi.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:bob@192.0.2.4>\r\n"
	"Authorization: Digest username=\"bob\",\r\n"
	"        realm=\"biloxi.com\",\r\n"
	"        nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
	"        uri=\"sip:bob@biloxi.com\",\r\n"
	"        qop=auth,\r\n"
	"        nc=00000001,\r\n"
	"        cnonce=\"0a4f113b\",\r\n"
	"        response=\"6629fae49393a05397450978507c4ef1\",\r\n"
	"        opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
	"Expires: 7200\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char wsinv[] =
	"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n"
	"TO :\r\n"
	" sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
	"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n"
	"  ;\r\n"
	"  tag = 98asjd8\r\n"
	"MaX-fOrWaRdS: 0068\r\n"
	"Call-ID: wsinv.ndaksdj@192.0.2.1\r\n"
	"Content-Length   : 150\r\n"
	"cseq: 0009\r\n"
	"  INVITE\r\n"
	"Via  : SIP  /   2.0\r\n"
	" /UDP\r\n"
	"    192.0.2.2;branch=390skdjuw\r\n"
	"s :\r\n"
	"NewFangledHeader:   newfangled value\r\n"
	" continued newfangled value\r\n"
	"UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
	"Content-Type: application/sdp\r\n"
	"Route:\r\n"
	" <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
	"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
	"  branch  =   z9hG4bK9ikj8  ,\r\n"
	" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n"
	" z9hG4bK30239\r\n"
	"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n"
	"      newvalue ;\r\n"
	"  secondparam ; q = 0.33\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.3\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.4\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char intmeth[] =
	"!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n"
	"To: \"BEL:\\\007 NUL:\\\000 DEL:\\\177\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\r\n"
	"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\"\321\200\320\260\320\261\320\276\321\202\320\260\321\216\321\211\320\270\320\271\";tag=_token~1'+`*%!-.\r\n"
	"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\r\n"
	"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n"
	"Max-Forwards: 255\r\n"
	"extensionHeader-!.%*+_`'~:\357\273\277\345\244\247\345\201\234\351\233\273\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char esc01[] =
	"INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\r\n"
	"To: sip:%75se%72@example.com\r\n"
	"From: <sip:I%20have%20spaces@example.net>;tag=938\r\n"
	"Max-Forwards: 87\r\n"
	"i: esc01.239409asdfakjkn23onasd0-3234\r\n"
	"CSeq: 234234 INVITE\r\n"
	"Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\r\n"
	"C: application/sdp\r\n"
	"Contact:\r\n"
	"  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\r\n"
	"Content-Length: 150\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char escnull[] =
	"REGISTER sip:example.com SIP/2.0\r\n"
	"To: sip:null-%00-null@example.com\r\n"
	"From: sip:null-%00-null@example.com;tag=839923423\r\n"
	"Max-Forwards: 70\r\n"
	"Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd\r\n"
	"CSeq: 14398234 REGISTER\r\n"
	"Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw\r\n"
	"Contact: <sip:%00@host5.example.com>\r\n"
	"Contact: <sip:%00%00@host5.example.com>\r\n"
	"L:0\r\n"
	"\r\n";

static const char esc02[] =
	"RE%47IST%45R sip:registrar.example.com SIP/2.0\r\n"
	"To: \"%Z%45\" <sip:resource@example.com>\r\n"
	"From: \"%Z%45\" <sip:resource@example.com>;tag=f232jadfj23\r\n"
	"Call-ID: esc02.asdfnqwo34rq23i34jrjasdcnl23nrlknsdf\r\n"
	"Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK209%fzsnel234\r\n"
	"CSeq: 29344 RE%47IST%45R\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:alias1@host1.example.com>\r\n"
	"C%6Fntact: <sip:alias2@host2.example.com>\r\n"
	"Contact: <sip:alias3@host3.example.com>\r\n"
	"l: 0\r\n"
	"\r\n";

static const char lwsdisp[] =
	"OPTIONS sip:user@example.com SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: caller<sip:caller@example.com>;tag=323\r\n"
	"Max-Forwards: 70\r\n"
	"Call-ID: lwsdisp.1234abcd@funky.example.com\r\n"
	"CSeq: 60 OPTIONS\r\n"
	"Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw\r\n"
	"l: 0\r\n"
	"\r\n";

static const char longreq[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"To: \"I have a user name of extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme proportion\"<sip:user@example.com:6000;unknownparam1=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongvalue;longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=shortvalue;verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue>\r\n"
	"F: sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername@example.net;tag=12982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982424;unknownheaderparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename=unknowheaderparamvaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevaluevalue;unknownValuelessparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamnameparamname\r\n"
	"Call-ID: longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallylongcallid\r\n"
	"CSeq: 3882340 INVITE\r\n"
	"Unknown-LongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLong-Name: unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-value; unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-parameter-name = unknown-longlonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglong-parameter-value\r\n"
	"Via: SIP/2.0/TCP sip33.example.com\r\n"
	"v: SIP/2.0/TCP sip32.example.com\r\n"
	"V: SIP/2.0/TCP sip31.example.com\r\n"
	"Via: SIP/2.0/TCP sip30.example.com\r\n"
	"ViA: SIP/2.0/TCP sip29.example.com\r\n"
	"VIa: SIP/2.0/TCP sip28.example.com\r\n"
	"VIA: SIP/2.0/TCP sip27.example.com\r\n"
	"via: SIP/2.0/TCP sip26.example.com\r\n"
	"viA: SIP/2.0/TCP sip25.example.com\r\n"
	"vIa: SIP/2.0/TCP sip24.example.com\r\n"
	"vIA: SIP/2.0/TCP sip23.example.com\r\n"
	"V : SIP/2.0/TCP sip22.example.com\r\n"
	"v : SIP/2.0/TCP sip21.example.com\r\n"
	"V  : SIP/2.0/TCP sip20.example.com\r\n"
	"v  : SIP/2.0/TCP sip19.example.com\r\n"
	"Via : SIP/2.0/TCP sip18.example.com\r\n"
	"Via  : SIP/2.0/TCP sip17.example.com\r\n"
	"Via: SIP/2.0/TCP sip16.example.com\r\n"
	"Via: SIP/2.0/TCP sip15.example.com\r\n"
	"Via: SIP/2.0/TCP sip14.example.com\r\n"
	"Via: SIP/2.0/TCP sip13.example.com\r\n"
	"Via: SIP/2.0/TCP sip12.example.com\r\n"
	"Via: SIP/2.0/TCP sip11.example.com\r\n"
	"Via: SIP/2.0/TCP sip10.example.com\r\n"
	"Via: SIP/2.0/TCP sip9.example.com\r\n"
	"Via: SIP/2.0/TCP sip8.example.com\r\n"
	"Via: SIP/2.0/TCP sip7.example.com\r\n"
	"Via: SIP/2.0/TCP sip6.example.com\r\n"
	"Via: SIP/2.0/TCP sip5.example.com\r\n"
	"Via: SIP/2.0/TCP sip4.example.com\r\n"
	"Via: SIP/2.0/TCP sip3.example.com\r\n"
	"Via: SIP/2.0/TCP sip2.example.com\r\n"
	"Via: SIP/2.0/TCP sip1.example.com\r\n"
	"Via: SIP/2.0/TCP host.example.com;received=192.0.2.5;branch=verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongbranchvalue\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername@host5.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"l: 150\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char dblreq[] =
	"REGISTER sip:example.com SIP/2.0\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:j.user@example.com;tag=43251j3j324\r\n"
	"Max-Forwards: 8\r\n"
	"I: dblreq.0ha0isndaksdj99sdfafnl3lk233412\r\n"
	"Contact: sip:j.user@host.example.com\r\n"
	"CSeq: 8 REGISTER\r\n"
	"Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKkdjuw23492\r\n"
	"Content-Length: 0\r\n"
	"\r\n"
	"INVITE sip:joe@example.com SIP/2.0\r\n"
	"t: sip:joe@example.com\r\n"
	"From: sip:caller@example.net;tag=141334\r\n"
	"Max-Forwards: 8\r\n"
	"Call-ID: dblreq.0ha0isnda977644900765@192.0.2.15\r\n"
	"CSeq: 8 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bKkdjuw380234\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 153\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.15\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.15\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m =video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char semiuri[] =
	"OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\r\n"
	"To: sip:j_user@example.com\r\n"
	"From: sip:caller@example.org;tag=33242\r\n"
	"Max-Forwards: 3\r\n"
	"Call-ID: semiuri.0ha0isndaksdj\r\n"
	"CSeq: 8 OPTIONS\r\n"
	"Accept: application/sdp, application/pkcs7-mime,\r\n"
	"        multipart/mixed, multipart/signed,\r\n"
	"        message/sip, message/sipfrag\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw\r\n"
	"l: 0\r\n"
	"\r\n";

static const char transports[] =
	"OPTIONS sip:user@example.com SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: <sip:caller@example.com>;tag=323\r\n"
	"Max-Forwards: 70\r\n"
	"Call-ID:  transports.kijh4akdnaqjkwendsasfdj\r\n"
	"Accept: application/sdp\r\n"
	"CSeq: 60 OPTIONS\r\n"
	"Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw\r\n"
	"Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf\r\n"
	"Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj\r\n"
	"Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en\r\n"
	"Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee\r\n"
	"l: 0\r\n"
	"\r\n";

static const char mpart01[] =
	"MESSAGE sip:kumiko@example.org SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:127.0.0.1:5080>\r\n"
	"Identity: r5mwreLuyDRYBi/0TiPwEsY3rEVsk/G2WxhgTV1PF7hHuLIK0YWVKZhKv9Mj8UeXqkMVbnVq37CD+813gvYjcBUaZngQmXc9WNZSDNGCzA+fWl9MEUHWIZo1CeJebdY/XlgKeTa0Olvq0rt70Q5jiSfbqMJmQFteeivUhkMWYUA=\r\n"
	"Contact: <sip:fluffy@127.0.0.1:5070>\r\n"
	"To: <sip:kumiko@example.org>\r\n"
	"From: <sip:fluffy@example.com>;tag=2fb0dcc9\r\n"
	"Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..\r\n"
	"CSeq: 1 MESSAGE\r\n"
	"Content-Transfer-Encoding: binary\r\n"
	"Content-Type: multipart/mixed;boundary=7a9cbec02ceef655\r\n"
	"Date: Sat, 15 Oct 2005 04:44:56 GMT\r\n"
	"User-Agent: SIPimp.org/0.2.5 (curses)\r\n"
	"Content-Length: 281\r\n"
	"\r\n"
	"--7a9cbec02ceef655\r\n"
	"Content-Type: text/plain\r\n"
	"Content-Transfer-Encoding: binary\r\n"
	"\r\n"
	"Hello\r\n"
	"--7a9cbec02ceef655\r\n"
	"Content-Type: application/octet-stream\r\n"
	"Content-Transfer-Encoding: binary\r\n"
	"\r\n"
	"0\202\001R\006\011*\206H\206\367\r\001\007\002\240\202\001C0\202\001?\002\001\0011\0110\007\006\005+\016\003\002\0320\013\006\011*\206H\206\367\r\001\007\0011\202\001 0\202\001\034\002\001\0010\000\r\n"
	"\r\n"
	"\000\000\377\r\n"
	"--7a9cbec02ceef655--\r\n";

static const char unreason[] =
	"SIP/2.0 200 = 2**3 * 5**2 \320\275\320\276 \321\201\321\202\320\276 \320\264\320\265\320\262\321\217\320\275\320\276\321\201\321\202\320\276 \320\264\320\265\320\262\321\217\321\202\321\214 - \320\277\321\200\320\276\321\201\321\202\320\276\320\265\r\n"
	"Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923\r\n"
	"Call-ID: unreason.1234ksdfak3j2erwedfsASdf\r\n"
	"CSeq: 35 INVITE\r\n"
	"From: sip:user@example.com;tag=11141343\r\n"
	"To: sip:user@example.edu;tag=2229\r\n"
	"Content-Length: 154\r\n"
	"Content-Type: application/sdp\r\n"
	"Contact: <sip:user@host198.example.com>\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.198\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.198\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char noreason[] =
	"SIP/2.0 100 \r\n"
	"Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\r\n"
	"Call-ID: noreason.asndj203insdf99223ndf\r\n"
	"CSeq: 35 INVITE\r\n"
	"From: <sip:user@example.com>;tag=39ansfi3\r\n"
	"To: <sip:user@example.edu>;tag=902jndnke3\r\n"
	"Content-Length: 0\r\n"
	"Contact: <sip:user@host105.example.com>\r\n"
	"\r\n";

static const char badinv01[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:caller@example.net;tag=134161461246\r\n"
	"Max-Forwards: 7\r\n"
	"Call-ID: badinv01.0ha0isndaksdjasdf3234nas\r\n"
	"CSeq: 8 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n"
	"Contact: \"Joe\" <sip:joe@example.org>;;;;\r\n"
	"Content-Length: 152\r\n"
	"Content-Type: application/sdp\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.15\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.15\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char clerr[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"Max-Forwards: 80\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:caller@example.net;tag=93942939o2\r\n"
	"Contact: <sip:caller@hungry.example.net>\r\n"
	"Call-ID: clerr.0ha0isndaksdjweiafasdk3\r\n"
	"CSeq: 8 INVITE\r\n"
	"Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bK-39234-23523\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 9999\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.155\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.155\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char ncl[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"Max-Forwards: 254\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:caller@example.net;tag=32394234\r\n"
	"Call-ID: ncl.0ha0isndaksdj2193423r542w35\r\n"
	"CSeq: 0 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.53;branch=z9hG4bKkdjuw\r\n"
	"Contact: <sip:caller@example53.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: -999\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.53\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.53\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char scalar02[] =
	"REGISTER sip:example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bK342sdfoi3\r\n"
	"To: <sip:user@example.com>\r\n"
	"From: <sip:user@example.com>;tag=239232jh3\r\n"
	"CSeq: 36893488147419103232 REGISTER\r\n"
	"Call-ID: scalar02.23o0pd9vanlq3wnrlnewofjas9ui32\r\n"
	"Max-Forwards: 300\r\n"
	"Expires: 10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\r\n"
	"Contact: <sip:user@host129.example.com>\r\n"
	"  ;expires=280297596632815\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char scalarlg[] =
	"SIP/2.0 503 Service Unavailable\r\n"
	"Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129\r\n"
	"To: <sip:user@example.com>\r\n"
	"From: <sip:other@example.net>;tag=2easdjfejw\r\n"
	"CSeq: 9292394834772304023312 OPTIONS\r\n"
	"Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r\r\n"
	"Retry-After: 949302838503028349304023988\r\n"
	"Warning: 1812 overture \"In Progress\"\r\n"
	"Content-Length: 18446744073709551616\r\n"
	"\r\n";

static const char quotbal[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"To: \"Mr. J. User <sip:j.user@example.com>\r\n"
	"From: sip:caller@example.net;tag=93334\r\n"
	"Max-Forwards: 10\r\n"
	"Call-ID: quotbal.aksdj\r\n"
	"Contact: <sip:caller@host59.example.net>\r\n"
	"CSeq: 8 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 152\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.15\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.15\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char ltgtruri[] =
	"INVITE <sip:user@example.com> SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:caller@example.net;tag=39291\r\n"
	"Max-Forwards: 23\r\n"
	"Call-ID: ltgtruri.1@192.0.2.5\r\n"
	"CSeq: 1 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.5\r\n"
	"Contact: <sip:caller@host5.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 159\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.5\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.5\r\n"
	"t=3149328700 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char lwsruri[] =
	"INVITE sip:user@example.com; lr SIP/2.0\r\n"
	"To: sip:user@example.com;tag=3xfe-9921883-z9f\r\n"
	"From: sip:caller@example.net;tag=231413434\r\n"
	"Max-Forwards: 5\r\n"
	"Call-ID: lwsruri.asdfasdoeoi2323-asdfwrn23-asd834rk423\r\n"
	"CSeq: 2130706432 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw2395\r\n"
	"Contact: <sip:caller@host1.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 159\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=3149328700 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char lwsstart[] =
	"INVITE  sip:user@example.com  SIP/2.0\r\n"
	"Max-Forwards: 8\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:caller@example.net;tag=8814\r\n"
	"Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com\r\n"
	"CSeq: 1893884 INVITE\r\n"
	"Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw3923\r\n"
	"Contact: <sip:caller@host1.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 150\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char trws[] =
	"OPTIONS sip:remote-target@example.com SIP/2.0  \r\n"
	"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK299342093\r\n"
	"To: <sip:remote-target@example.com>\r\n"
	"From: <sip:local-resource@example.com>;tag=329429089\r\n"
	"Call-ID: trws.oicu34958239neffasdhr2345r\r\n"
	"Accept: application/sdp\r\n"
	"CSeq: 238923 OPTIONS\r\n"
	"Max-Forwards: 70\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char escruri[] =
	"INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:caller@example.net;tag=341518\r\n"
	"Max-Forwards: 7\r\n"
	"Contact: <sip:caller@host39923.example.net>\r\n"
	"Call-ID: escruri.23940-asdfhj-aje3br-234q098w-fawerh2q-h4n5\r\n"
	"CSeq: 149209342 INVITE\r\n"
	"Via: SIP/2.0/UDP host-of-the-hour.example.com;branch=z9hG4bKkdjuw\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 150\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char baddate[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:caller@example.net;tag=2234923\r\n"
	"Max-Forwards: 70\r\n"
	"Call-ID: baddate.239423mnsadf3j23lj42--sedfnm234\r\n"
	"CSeq: 1392934 INVITE\r\n"
	"Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\r\n"
	"Date: Fri, 01 Jan 2010 16:00:00 EST\r\n"
	"Contact: <sip:caller@host5.example.net>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 150\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.5\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.5\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char regbadct[] =
	"REGISTER sip:example.com SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:user@example.com;tag=998332\r\n"
	"Max-Forwards: 70\r\n"
	"Call-ID: regbadct.k345asrl3fdbv@10.0.0.1\r\n"
	"CSeq: 1 REGISTER\r\n"
	"Via: SIP/2.0/UDP 135.180.130.133:5060;branch=z9hG4bKkdjuw\r\n"
	"Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E\r\n"
	"l: 0\r\n"
	"\r\n";

static const char badaspec[] =
	"OPTIONS sip:user@example.org SIP/2.0\r\n"
	"Via: SIP/2.0/UDP host4.example.com:5060;branch=z9hG4bKkdju43234\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Bell, Alexander\" <sip:a.g.bell@example.com>;tag=433423\r\n"
	"To: \"Watson, Thomas\" < sip:t.watson@example.org >\r\n"
	"Call-ID: badaspec.sdf0234n2nds0a099u23h3hnnw009cdkne3\r\n"
	"Accept: application/sdp\r\n"
	"CSeq: 3923239 OPTIONS\r\n"
	"l: 0\r\n"
	"\r\n";

static const char baddn[] =
	"OPTIONS sip:t.watson@example.org SIP/2.0\r\n"
	"Via:     SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw\r\n"
	"Max-Forwards:      70\r\n"
	"From:    Bell, Alexander <sip:a.g.bell@example.com>;tag=43\r\n"
	"To:      Watson, Thomas <sip:t.watson@example.org>\r\n"
	"Call-ID: baddn.31415@c.example.com\r\n"
	"Accept: application/sdp\r\n"
	"CSeq:    3923239 OPTIONS\r\n"
	"l: 0\r\n"
	"\r\n";

static const char badvers[] =
	"OPTIONS sip:t.watson@example.org SIP/7.0\r\n"
	"Via:     SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw\r\n"
	"Max-Forwards:     70\r\n"
	"From:    A. Bell <sip:a.g.bell@example.com>;tag=qweoiqpe\r\n"
	"To:      T. Watson <sip:t.watson@example.org>\r\n"
	"Call-ID: badvers.31417@c.example.com\r\n"
	"CSeq:    1 OPTIONS\r\n"
	"l: 0\r\n"
	"\r\n";

static const char mismatch01[] =
	"OPTIONS sip:user@example.com SIP/2.0\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:caller@example.net;tag=34525\r\n"
	"Max-Forwards: 6\r\n"
	"Call-ID: mismatch01.dj0234sxdfl3\r\n"
	"CSeq: 8 INVITE\r\n"
	"Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKkdjuw\r\n"
	"l: 0\r\n"
	"\r\n";

static const char mismatch02[] =
	"NEWMETHOD sip:user@example.com SIP/2.0\r\n"
	"To: sip:j.user@example.com\r\n"
	"From: sip:caller@example.net;tag=34525\r\n"
	"Max-Forwards: 6\r\n"
	"Call-ID: mismatch02.dj0234sxdfl3\r\n"
	"CSeq: 8 INVITE\r\n"
	"Contact: <sip:caller@host.example.net>\r\n"
	"Via: SIP/2.0/UDP host.example.net;branch=z9hG4bKkdjuw\r\n"
	"Content-Type: application/sdp\r\n"
	"l: 138\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.1\r\n"
	"c=IN IP4 192.0.2.1\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char bigcode[] =
	"SIP/2.0 4294967301 better not break the receiver\r\n"
	"Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe\r\n"
	"Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i\r\n"
	"CSeq: 353494 INVITE\r\n"
	"From: <sip:user@example.com>;tag=39ansfi3\r\n"
	"To: <sip:user@example.edu>;tag=902jndnke3\r\n"
	"Content-Length: 0\r\n"
	"Contact: <sip:user@host105.example.com>\r\n"
	"\r\n";

static const char badbranch[] =
	"OPTIONS sip:user@example.com SIP/2.0\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:caller@example.org;tag=33242\r\n"
	"Max-Forwards: 3\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK\r\n"
	"Accept: application/sdp\r\n"
	"Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n\r\n"
	"CSeq: 8 OPTIONS\r\n"
	"l: 0\r\n"
	"\r\n";

static const char insuf[] =
	"INVITE sip:user@example.com SIP/2.0\r\n"
	"CSeq: 193942 INVITE\r\n"
	"Via: SIP/2.0/UDP 192.0.2.95;branch=z9hG4bKkdj.insuf\r\n"
	"Content-Type: application/sdp\r\n"
	"l: 152\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.95\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.95\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

static const char mcl01[] =
	"OPTIONS sip:user@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bK293423\r\n"
	"To: sip:user@example.com\r\n"
	"From: sip:other@example.net;tag=3923942\r\n"
	"Call-ID: mcl01.fhn2323orihawfdoa3o4r52o3irsdf\r\n"
	"CSeq: 15932 OPTIONS\r\n"
	"Content-Length: 13\r\n"
	"Max-Forwards: 60\r\n"
	"Content-Length: 5\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"There's no way to know how many octets are supposed to be here.\r\n";

static const char multi01[] =
	"INVITE sip:user@company.com SIP/2.0\r\n"
	"Contact: <sip:caller@host25.example.net>\r\n"
	"Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw\r\n"
	"Max-Forwards: 70\r\n"
	"CSeq: 5 INVITE\r\n"
	"Call-ID: multi01.98asdh@192.0.2.1\r\n"
	"CSeq: 59 INVITE\r\n"
	"Call-ID: multi01.98asdh@192.0.2.2\r\n"
	"From: sip:caller@example.com;tag=3413415\r\n"
	"To: sip:user@example.com\r\n"
	"To: sip:other@example.net\r\n"
	"From: sip:caller@example.net;tag=2923420123\r\n"
	"Content-Type: application/sdp\r\n"
	"l: 152\r\n"
	"Contact: <sip:caller@host36.example.net>\r\n"
	"Max-Forwards: 5\r\n"
	"\r\n"
	"v=0\r\n"
	"o=mhandley 29739 7272939 IN IP4 192.0.2.25\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.25\r\n"
	"t=0 0\r\n"
	"m=audio 49217 RTP/AVP 0 12\r\n"
	"m=video 3227 RTP/AVP 31\r\n"
	"a=rtpmap:31 LPC\r\n";

/* ------------------------------------------- RFC 3261 section 24 examples */

struct rfc_case {
	const char *name, *msg;
	uint16_t method; /* SIP_M_NONE: a response */
	uint16_t status;
	const char *ruri_or_reason;
	size_t num_headers;
	unsigned vias;
	const char *via; /* the first Via */
	const char *from, *to, *call_id, *cseq, *contact;
	const char *cl, *body;
};

#define V_PC33 "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8"
#define V_SRV10 "SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1"
#define ALICE "Alice <sip:alice@atlanta.com>;tag=1928301774"
#define BOB "Bob <sip:bob@biloxi.com>"
#define BOBT BOB ";tag=a6c85cf"

static const struct rfc_case rfc_cases[] = {
	{ "24.2 F1 INVITE", f1_invite, SIP_M_INVITE, 0, "sip:bob@biloxi.com", 9, 1,
	  V_PC33, ALICE, BOB, "a84b4c76e66710", "314159 INVITE",
	  "<sip:alice@pc33.atlanta.com>", "142", ALICE_SDP },
	{ "24.2 F5 INVITE", f5_invite, SIP_M_INVITE, 0, "sip:bob@192.0.2.4", 11, 3,
	  V_SRV10, ALICE, BOB, "a84b4c76e66710", "314159 INVITE",
	  "<sip:alice@pc33.atlanta.com>", "142", ALICE_SDP },
	{ "24.2 F6 180", f6_180, SIP_M_NONE, 180, "Ringing", 9, 3,
	  V_SRV10 ";received=192.0.2.3", ALICE, BOBT, "a84b4c76e66710",
	  "314159 INVITE", "<sip:bob@192.0.2.4>", "0", "" },
	{ "24.2 F9 200", f9_200, SIP_M_NONE, 200, "OK", 10, 3,
	  V_SRV10 ";received=192.0.2.3", ALICE, BOBT, "a84b4c76e66710",
	  "314159 INVITE", "<sip:bob@192.0.2.4>", "131", BOB_SDP },
	{ "24.2 F11 200", f11_200, SIP_M_NONE, 200, "OK", 8, 1,
	  V_PC33 ";received=192.0.2.1", ALICE, BOBT, "a84b4c76e66710",
	  "314159 INVITE", "<sip:bob@192.0.2.4>", "131", BOB_SDP },
	{ "24.2 F12 ACK", f12_ack, SIP_M_ACK, 0, "sip:bob@192.0.2.4", 7, 1,
	  "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds9", ALICE, BOBT,
	  "a84b4c76e66710", "314159 ACK", NULL, "0", "" },
	{ "24.2 F13 BYE", f13_bye, SIP_M_BYE, 0, "sip:alice@pc33.atlanta.com", 7, 1,
	  "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10", BOBT, ALICE,
	  "a84b4c76e66710", "231 BYE", NULL, "0", "" },
	{ "24.2 F14 200", f14_200, SIP_M_NONE, 200, "OK", 6, 1,
	  "SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10;received=192.0.2.4", BOBT,
	  ALICE, "a84b4c76e66710", "231 BYE", NULL, "0", "" },
	{ "24.1 REGISTER + 22.4 Authorization", register_msg, SIP_M_REGISTER, 0,
	  "sip:registrar.biloxi.com", 10, 1,
	  "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bKnashds7",
	  "Bob <sip:bob@biloxi.com>;tag=456248", BOB, "843817637684230@998sdasdh09",
	  "1826 REGISTER", "<sip:bob@192.0.2.4>", "0", "" },
};

static void
check_rfc(const struct rfc_case *c, unsigned flags)
{
	struct sip_msg m;
	size_t len = strlen(c->msg);
	const char *mode = flags & STREAM ? "stream" : "datagram";
	int rc = parse(c->msg, len, &m, SIP_MAX_HEADERS, NULL, flags);
	const char *in = guarded;

	cr_assert_eq(rc, (int)len, "%s (%s): rc %d, want %zu", c->name, mode, rc, len);
	check_spans(&m, in, len, c->name);
	EXPECT_BITS(c->name, m.anomalies, 0);
	cr_expect_eq(m.is_request, c->method != SIP_M_NONE, "%s: is_request", c->name);
	cr_expect_eq(m.method, c->method, "%s: method %u", c->name, m.method);
	cr_expect_eq(m.status, c->status, "%s: status %u", c->name, m.status);
	if (c->method != SIP_M_NONE) {
		EXPECT_SPAN(c->name, "method_tok", m.method_tok, sip_method_name(c->method));
		EXPECT_SPAN(c->name, "ruri", m.ruri, c->ruri_or_reason);
		EXPECT_SPAN(c->name, "reason", m.reason, NULL);
	} else {
		EXPECT_SPAN(c->name, "reason", m.reason, c->ruri_or_reason);
		EXPECT_SPAN(c->name, "ruri", m.ruri, NULL);
	}
	EXPECT_SPAN(c->name, "version", m.version, "SIP/2.0");
	cr_expect(span_mem(m.start_line, c->msg, (size_t)(strchr(c->msg, '\r') - c->msg)),
	    "%s: start_line", c->name);
	cr_expect_eq(m.num_headers, c->num_headers, "%s: %zu headers", c->name, m.num_headers);
	cr_expect_eq(m.count[SIP_H_VIA], c->vias, "%s: %u Vias", c->name, m.count[SIP_H_VIA]);
	cr_expect_eq(m.first[SIP_H_VIA], 0, "%s: first Via at %d", c->name, m.first[SIP_H_VIA]);
	EXPECT_SPAN(c->name, "Via", sip_hdr_get(&m, SIP_H_VIA), c->via);
	EXPECT_SPAN(c->name, "From", sip_hdr_get(&m, SIP_H_FROM), c->from);
	EXPECT_SPAN(c->name, "To", sip_hdr_get(&m, SIP_H_TO), c->to);
	EXPECT_SPAN(c->name, "Call-ID", sip_hdr_get(&m, SIP_H_CALL_ID), c->call_id);
	EXPECT_SPAN(c->name, "CSeq", sip_hdr_get(&m, SIP_H_CSEQ), c->cseq);
	EXPECT_SPAN(c->name, "Contact", sip_hdr_get(&m, SIP_H_CONTACT), c->contact);
	EXPECT_SPAN(c->name, "Content-Length", sip_hdr_get(&m, SIP_H_CONTENT_LENGTH), c->cl);
	cr_expect_eq(m.count[SIP_H_CALL_ID] + m.count[SIP_H_FROM] + m.count[SIP_H_TO] +
	    m.count[SIP_H_CSEQ] + m.count[SIP_H_CONTENT_LENGTH], 5, "%s: singletons", c->name);
	cr_expect_eq(m.count[SIP_H_CONTACT], c->contact != NULL, "%s: Contacts", c->name);
	cr_expect_eq(m.first[SIP_H_CONTACT] < 0, c->contact == NULL, "%s: first Contact", c->name);
	/* every first[] points at a header with that id */
	for (unsigned id = 0; id < SIP_H__COUNT; id++) {
		if (m.first[id] < 0) {
			cr_expect_eq(m.count[id], 0, "%s: count of absent id %u", c->name, id);
			continue;
		}
		cr_expect_eq(m.headers[m.first[id]].id, id, "%s: first[%u]", c->name, id);
		for (int16_t i = 0; i < m.first[id]; i++)
			cr_expect_neq(m.headers[i].id, id, "%s: first[%u] not the first", c->name, id);
	}
	cr_expect(m.has_content_length, "%s: has_content_length", c->name);
	cr_expect_eq(m.content_length, strlen(c->body), "%s: content_length %u", c->name,
	    m.content_length);
	cr_expect(span_is(m.body, c->body[0] ? c->body : NULL), "%s (%s): body \"%.*s\"",
	    c->name, mode, (int)m.body.len, m.body.p);
	cr_expect(m.body.len == 0 || m.body.p + m.body.len == in + len, "%s: body at the end",
	    c->name);
	cr_expect(m.raw.p == in && m.raw.len == len, "%s: raw", c->name);
	cr_expect_eq(m.skipped, 0, "%s: skipped", c->name);
	cr_expect_eq(m.headers, hdrs, "%s: headers array", c->name);
}

Test(sip_rfc3261, examples)
{
	for (size_t i = 0; i < N(rfc_cases); i++) {
		check_rfc(&rfc_cases[i], DGRAM);
		check_rfc(&rfc_cases[i], STREAM);
	}
}

Test(sip_rfc3261, via_and_authorization_values)
{
	struct sip_msg m;
	cr_assert_gt(parse(f5_invite, strlen(f5_invite), &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	static const char *const vias[] = {
		V_SRV10,
		"SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2",
		V_PC33 ";received=192.0.2.1",
	};
	size_t k = 0;
	for (size_t i = 0; i < m.num_headers; i++)
		if (m.headers[i].id == SIP_H_VIA) {
			cr_assert_lt(k, N(vias));
			EXPECT_SPAN("F5", "Via", m.headers[i].value, vias[k]);
			EXPECT_SPAN("F5", "Via name", m.headers[i].name, "Via");
			k++;
		}
	cr_expect_eq(k, 3);
	EXPECT_SPAN("F5", "Max-Forwards", sip_hdr_get(&m, SIP_H_MAX_FORWARDS), "68");

	/* Section 22.4: the folded Authorization is one header whose value
	 * keeps its folds; sip_list_next() splits the digest parameters. */
	cr_assert_gt(parse(register_msg, strlen(register_msg), &m, SIP_MAX_HEADERS, NULL,
	    DGRAM), 0);
	cr_expect_eq(m.count[SIP_H_AUTHORIZATION], 1);
	struct span v = sip_hdr_get(&m, SIP_H_AUTHORIZATION);
	cr_expect(span_istarts(v, "Digest username=\"bob\",\r\n        realm=\"biloxi.com\","));
	static const char *const params[] = {
		"Digest username=\"bob\"", "realm=\"biloxi.com\"",
		"nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", "uri=\"sip:bob@biloxi.com\"",
		"qop=auth", "nc=00000001", "cnonce=\"0a4f113b\"",
		"response=\"6629fae49393a05397450978507c4ef1\"",
		"opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
	};
	uint32_t pos = 0;
	struct span e;
	for (size_t i = 0; i < N(params); i++) {
		cr_assert(sip_list_next(v, &pos, &e), "element %zu missing", i);
		EXPECT_SPAN("22.4", "auth param", e, params[i]);
	}
	cr_expect_not(sip_list_next(v, &pos, &e));
	EXPECT_SPAN("24.1", "Expires", sip_hdr_get(&m, SIP_H_EXPIRES), "7200");
}

/* ------------------------------------------------------ RFC 4475 torture */

/* rc: ALL = the whole input, HDRS = up to the empty line (empty body). */
enum { ALL = 1, HDRS = 2 };

struct torture {
	const char *name, *msg;
	size_t len;
	uint16_t method, status;
	const char *ruri_or_reason; /* NULL: not checked */
	int dgram_rc;
	uint64_t dgram_bits;
	int64_t dgram_body; /* -1: not checked */
	int stream_rc;
	uint64_t stream_bits;
	const char *comment;
};

#define T(name) #name, name, sizeof(name) - 1

static const struct torture torture[] = {
	/* 3.1.1 valid messages */
	{ T(wsinv), SIP_M_INVITE, 0, "sip:vivekg@chair-dnrc.example.com;unknownparam",
	  ALL, 0, 150, ALL, 0, "LWS, folding, compact forms, empty Subject" },
	{ T(intmeth), SIP_M_OTHER, 0,
	  "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com",
	  ALL, A(UNKNOWN_METHOD) | A(NUL_BYTE) | A(LONG_CSEQ_METHOD), 0,
	  ALL, A(UNKNOWN_METHOD) | A(NUL_BYTE) | A(LONG_CSEQ_METHOD),
	  "extension method of 43 bytes (over the default 20); the To display "
	  "name holds a quoted NUL (reported)" },
	{ T(esc01), SIP_M_INVITE, 0, "sip:sips%3Auser%40example.com@example.net",
	  ALL, 0, 150, ALL, 0, "escapes, 'C' compact Content-Type" },
	{ T(escnull), SIP_M_REGISTER, 0, "sip:example.com", ALL, 0, 0, ALL, 0,
	  "%00 escapes are not NUL bytes; 'L:0'" },
	{ T(esc02), SIP_M_OTHER, 0, "sip:registrar.example.com",
	  ALL, A(UNKNOWN_METHOD), 0, ALL, A(UNKNOWN_METHOD), "RE%47IST%45R is not REGISTER" },
	{ T(lwsdisp), SIP_M_OPTIONS, 0, "sip:user@example.com", ALL, 0, 0, ALL, 0,
	  "no LWS between display name and <" },
	{ T(longreq), SIP_M_INVITE, 0, "sip:user@example.com",
	  ALL, A(LONG_TO) | A(LONG_FROM), 150, ALL, A(LONG_TO) | A(LONG_FROM),
	  "34 Vias; To and From exceed the default 256-byte limits" },
	{ T(dblreq), SIP_M_REGISTER, 0, "sip:example.com", ALL, A(CL_MISMATCH), 0,
	  HDRS, 0, "a second request after Content-Length: 0 in one datagram" },
	{ T(semiuri), SIP_M_OPTIONS, 0, "sip:user;par=u%40example.net@example.com",
	  ALL, 0, 0, ALL, 0, "folded Accept" },
	{ T(transports), SIP_M_OPTIONS, 0, "sip:user@example.com", ALL, 0, 0, ALL, 0,
	  "five transports" },
	{ T(mpart01), SIP_M_MESSAGE, 0, "sip:kumiko@example.org", ALL, 0, 281, ALL, 0,
	  "binary multipart body with NUL and CRLFCRLF inside" },
	{ T(unreason), SIP_M_NONE, 200,
	  "= 2**3 * 5**2 \320\275\320\276 \321\201\321\202\320\276 \320\264\320\265\320\262\321\217\320\275\320\276\321\201\321\202\320\276 \320\264\320\265\320\262\321\217\321\202\321\214 - \320\277\321\200\320\276\321\201\321\202\320\276\320\265",
	  ALL, 0, 154, ALL, 0, "UTF-8 reason phrase" },
	{ T(noreason), SIP_M_NONE, 100, "", ALL, 0, 0, ALL, 0, "empty reason phrase" },

	/* 3.1.2 invalid messages: what is visible at message level */
	{ T(badinv01), SIP_M_INVITE, 0, "sip:user@example.com", ALL, 0, 152, ALL, 0,
	  "';;,;,,' in Via: for the Via parser (bad_via), not this one" },
	{ T(clerr), SIP_M_INVITE, 0, "sip:user@example.com",
	  ALL, A(CL_MISMATCH) | A(TRUNCATED_BODY), 154, -2, 0,
	  "Content-Length 9999: truncated datagram, a stream waits" },
	{ T(ncl), SIP_M_INVITE, 0, "sip:user@example.com", ALL, A(BAD_CL), 152,
	  HDRS, A(BAD_CL), "Content-Length: -999" },
	{ T(scalar02), SIP_M_REGISTER, 0, "sip:example.com",
	  ALL, A(BAD_CSEQ) | A(BAD_MAX_FORWARDS), 0, ALL, A(BAD_CSEQ) | A(BAD_MAX_FORWARDS),
	  "CSeq 2^65; Max-Forwards 300 > 255" },
	{ T(scalarlg), SIP_M_NONE, 503, "Service Unavailable",
	  ALL, A(BAD_CSEQ) | A(BAD_CL), 0, ALL, A(BAD_CSEQ) | A(BAD_CL),
	  "CSeq and Content-Length overflow" },
	{ T(quotbal), SIP_M_INVITE, 0, "sip:user@example.com", ALL, 0, 152, ALL, 0,
	  "unterminated quote in To: for the name-addr parser" },
	{ T(ltgtruri), SIP_M_INVITE, 0, "<sip:user@example.com>", ALL, 0, 159, ALL, 0,
	  "Request-URI in <>, kept as written" },
	{ T(lwsruri), SIP_M_INVITE, 0, "sip:user@example.com; lr", ALL, 0, 159, ALL, 0,
	  "Request-URI with a space, kept whole" },
	{ T(lwsstart), SIP_M_INVITE, 0, "sip:user@example.com", ALL, 0, 150, ALL, 0,
	  "double SP in the request line, tolerated" },
	{ T(trws), SIP_M_OPTIONS, 0, "sip:remote-target@example.com", ALL, 0, 0, ALL, 0,
	  "SP at the end of the request line, tolerated" },
	{ T(escruri), SIP_M_INVITE, 0, "sip:user@example.com?Route=%3Csip:example.com%3E",
	  ALL, 0, 150, ALL, 0, "escaped headers in the Request-URI" },
	{ T(baddate), SIP_M_INVITE, 0, "sip:user@example.com", ALL, 0, 150, ALL, 0,
	  "Date in EST" },
	{ T(regbadct), SIP_M_REGISTER, 0, "sip:example.com", ALL, 0, 0, ALL, 0,
	  "addr-spec Contact with '?'" },
	{ T(badaspec), SIP_M_OPTIONS, 0, "sip:user@example.org", ALL, 0, 0, ALL, 0,
	  "spaces inside <>" },
	{ T(baddn), SIP_M_OPTIONS, 0, "sip:t.watson@example.org", ALL, 0, 0, ALL, 0,
	  "comma in an unquoted display name" },
	{ T(badvers), SIP_M_OPTIONS, 0, "sip:t.watson@example.org",
	  ALL, A(BAD_VERSION), 0, ALL, A(BAD_VERSION), "SIP/7.0" },
	{ T(mismatch01), SIP_M_OPTIONS, 0, "sip:user@example.com",
	  ALL, A(CSEQ_METHOD_MISMATCH), 0, ALL, A(CSEQ_METHOD_MISMATCH), "OPTIONS / CSeq INVITE" },
	{ T(mismatch02), SIP_M_OTHER, 0, "sip:user@example.com",
	  ALL, A(UNKNOWN_METHOD) | A(CSEQ_METHOD_MISMATCH), 138,
	  ALL, A(UNKNOWN_METHOD) | A(CSEQ_METHOD_MISMATCH), "NEWMETHOD / CSeq INVITE" },
	{ T(bigcode), SIP_M_NONE, 0, "better not break the receiver",
	  ALL, A(BAD_STATUS), 0, ALL, A(BAD_STATUS), "status 4294967301" },
	{ T(badbranch), SIP_M_OPTIONS, 0, "sip:user@example.com", ALL, 0, 0, ALL, 0,
	  "branch is only the magic cookie: a transaction-layer matter" },
	{ T(insuf), SIP_M_INVITE, 0, "sip:user@example.com",
	  ALL, A(MISSING_CALL_ID) | A(MISSING_FROM) | A(MISSING_TO), 152,
	  ALL, A(MISSING_CALL_ID) | A(MISSING_FROM) | A(MISSING_TO), "no Call-ID, From, To" },
	{ T(mcl01), SIP_M_OPTIONS, 0, "sip:user@example.com",
	  ALL, A(DUP_CL) | A(CL_MISMATCH), 13, HDRS + 13, A(DUP_CL),
	  "two Content-Lengths: the first one frames" },
	{ T(multi01), SIP_M_INVITE, 0, "sip:user@company.com",
	  ALL, A(DUP_SINGLETON), 152, ALL, A(DUP_SINGLETON), "CSeq, Call-ID, From, To twice" },
};

static int
want_rc(int code, const char *msg, size_t len)
{
	if (code == ALL)
		return (int)len;
	if (code >= HDRS)
		return (int)hdr_end(msg, len) + (code - HDRS);
	return code;
}

static void
check_torture(const struct torture *t, unsigned flags)
{
	struct sip_msg m;
	const int stream = (flags & STREAM) != 0;
	char what[96];
	snprintf(what, sizeof(what), "%s (%s)", t->name, stream ? "stream" : "datagram");

	int rc = parse(t->msg, t->len, &m, SIP_MAX_HEADERS, NULL, flags);
	int want = want_rc(stream ? t->stream_rc : t->dgram_rc, t->msg, t->len);
	cr_assert_eq(rc, want, "%s: rc %d, want %d", what, rc, want);
	if (rc < 0)
		return;
	const char *in = guarded;
	check_spans(&m, in, t->len, what);
	EXPECT_BITS(what, m.anomalies, stream ? t->stream_bits : t->dgram_bits);
	cr_expect_eq(m.method, t->method, "%s: method %u", what, m.method);
	cr_expect_eq(m.is_request, t->method != SIP_M_NONE, "%s: is_request", what);
	cr_expect_eq(m.status, t->status, "%s: status %u", what, m.status);
	if (t->ruri_or_reason != NULL)
		EXPECT_SPAN(what, t->method != SIP_M_NONE ? "ruri" : "reason",
		    t->method != SIP_M_NONE ? m.ruri : m.reason, t->ruri_or_reason);
	if (!stream && t->dgram_body >= 0)
		cr_expect_eq(m.body.len, (uint32_t)t->dgram_body, "%s: body %u", what, m.body.len);
	if (stream) {
		cr_expect(m.body.p == m.raw.p + m.raw.len - m.body.len, "%s: body at end of raw", what);
		cr_expect_eq(m.raw.len + m.skipped, (uint32_t)rc, "%s: raw", what);
	}
	cr_expect_eq(m.skipped, 0, "%s: skipped", what);
}

Test(sip_rfc4475, messages)
{
	for (size_t i = 0; i < N(torture); i++) {
		check_torture(&torture[i], DGRAM);
		check_torture(&torture[i], STREAM);
	}
}

Test(sip_rfc4475, details)
{
	struct sip_msg m;

	/* wsinv: folded values kept, whitespace before ':', compact forms,
	 * comma-joined Vias counted per line. */
	cr_assert_gt(parse(wsinv, sizeof(wsinv) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("wsinv", "To", sip_hdr_get(&m, SIP_H_TO),
	    "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
	EXPECT_SPAN("wsinv", "From", sip_hdr_get(&m, SIP_H_FROM),
	    "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8");
	EXPECT_SPAN("wsinv", "CSeq", sip_hdr_get(&m, SIP_H_CSEQ), "0009\r\n  INVITE");
	EXPECT_SPAN("wsinv", "Max-Forwards", sip_hdr_get(&m, SIP_H_MAX_FORWARDS), "0068");
	EXPECT_SPAN("wsinv", "Subject", sip_hdr_get(&m, SIP_H_SUBJECT), NULL);
	cr_expect_eq(m.count[SIP_H_SUBJECT], 1);
	cr_expect_eq(m.count[SIP_H_VIA], 2);
	cr_expect_eq(m.count[SIP_H_ROUTE], 1);
	cr_expect_eq(m.count[SIP_H_OTHER], 2);
	cr_expect_eq(m.num_headers, 14);
	cr_expect_eq(m.content_length, 150);
	EXPECT_SPAN("wsinv", "Content-Length name", m.headers[m.first[SIP_H_CONTENT_LENGTH]].name,
	    "Content-Length");
	EXPECT_SPAN("wsinv", "Via name", m.headers[m.first[SIP_H_VIA]].name, "Via");
	struct span vv = m.headers[m.first[SIP_H_VIA]].value;
	EXPECT_SPAN("wsinv", "Via", vv, "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
	/* the second Via line holds two values */
	size_t last = 0;
	for (size_t i = 0; i < m.num_headers; i++)
		if (m.headers[i].id == SIP_H_VIA)
			last = i;
	EXPECT_SPAN("wsinv", "v name", m.headers[last].name, "v");
	uint32_t pos = 0;
	struct span e;
	cr_assert(sip_list_next(m.headers[last].value, &pos, &e));
	EXPECT_SPAN("wsinv", "v[0]", e, "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8");
	cr_assert(sip_list_next(m.headers[last].value, &pos, &e));
	EXPECT_SPAN("wsinv", "v[1]", e, "SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239");
	cr_expect_not(sip_list_next(m.headers[last].value, &pos, &e));
	EXPECT_SPAN("wsinv", "m", sip_hdr_get(&m, SIP_H_CONTACT),
	    "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33");

	/* intmeth: the method token and the extension header name */
	cr_assert_gt(parse(intmeth, sizeof(intmeth) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("intmeth", "method", m.method_tok, "!interesting-Method0123456789_*+`.%indeed'~");
	cr_expect_eq(m.count[SIP_H_OTHER], 1);
	EXPECT_SPAN("intmeth", "ext name", m.headers[m.num_headers - 2].name,
	    "extensionHeader-!.%*+_`'~");
	EXPECT_SPAN("intmeth", "Max-Forwards", sip_hdr_get(&m, SIP_H_MAX_FORWARDS), "255");

	/* esc01, escnull, esc02: compact forms in capitals, repeated Contact,
	 * an escaped header name is another header */
	cr_assert_gt(parse(esc01, sizeof(esc01) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("esc01", "C", sip_hdr_get(&m, SIP_H_CONTENT_TYPE), "application/sdp");
	EXPECT_SPAN("esc01", "i", sip_hdr_get(&m, SIP_H_CALL_ID), "esc01.239409asdfakjkn23onasd0-3234");
	EXPECT_SPAN("esc01", "Contact", sip_hdr_get(&m, SIP_H_CONTACT),
	    "<sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>");
	cr_assert_gt(parse(escnull, sizeof(escnull) - 1, &m, SIP_MAX_HEADERS, NULL, STREAM), 0);
	cr_expect_eq(m.count[SIP_H_CONTACT], 2);
	EXPECT_SPAN("escnull", "L", sip_hdr_get(&m, SIP_H_CONTENT_LENGTH), "0");
	cr_expect(m.has_content_length);
	cr_assert_gt(parse(esc02, sizeof(esc02) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("esc02", "method", m.method_tok, "RE%47IST%45R");
	cr_expect_eq(m.count[SIP_H_CONTACT], 2);
	cr_expect_eq(m.count[SIP_H_OTHER], 1);

	/* transports: five Vias, in order */
	cr_assert_gt(parse(transports, sizeof(transports) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_eq(m.count[SIP_H_VIA], 5);
	EXPECT_SPAN("transports", "Call-ID", sip_hdr_get(&m, SIP_H_CALL_ID),
	    "transports.kijh4akdnaqjkwendsasfdj");

	/* longreq: 34 Via lines under every spelling; no long_* bit once the
	 * limits are raised */
	cr_assert_gt(parse(longreq, sizeof(longreq) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_eq(m.count[SIP_H_VIA], 34);
	cr_expect_eq(m.count[SIP_H_FROM], 1);
	struct sip_limits big;
	sip_limits_default(&big);
	big.max_from = big.max_to = 1024;
	cr_assert_gt(parse(longreq, sizeof(longreq) - 1, &m, SIP_MAX_HEADERS, &big, DGRAM), 0);
	EXPECT_BITS("longreq, big limits", m.anomalies, 0);

	/* dblreq: a stream reads the two requests one after the other */
	size_t first = hdr_end(dblreq, sizeof(dblreq) - 1);
	int rc = parse(dblreq + first, sizeof(dblreq) - 1 - first, &m, SIP_MAX_HEADERS, NULL, STREAM);
	cr_expect_eq(rc, (int)(sizeof(dblreq) - 1 - first));
	cr_expect_eq(m.method, SIP_M_INVITE);
	cr_expect_eq(m.body.len, m.content_length);
	cr_expect_eq(m.body.len, 153);
	EXPECT_BITS("dblreq second", m.anomalies, 0);

	/* mpart01: the body is the binary multipart, byte for byte */
	cr_assert_gt(parse(mpart01, sizeof(mpart01) - 1, &m, SIP_MAX_HEADERS, NULL, STREAM), 0);
	const char *b = strstr(mpart01, "\r\n\r\n--7a9c") + 4;
	cr_expect(span_mem(m.body, b, sizeof(mpart01) - 1 - (size_t)(b - mpart01)));

	/* noreason / bigcode / trws details */
	cr_assert_gt(parse(noreason, sizeof(noreason) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("noreason", "start line", m.start_line, "SIP/2.0 100 ");
	cr_assert_gt(parse(trws, sizeof(trws) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("trws", "version", m.version, "SIP/2.0");
	cr_assert_gt(parse(lwsstart, sizeof(lwsstart) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	EXPECT_SPAN("lwsstart", "method", m.method_tok, "INVITE");
	EXPECT_SPAN("lwsstart", "version", m.version, "SIP/2.0");

	/* mcl01: the first Content-Length counts */
	cr_assert_gt(parse(mcl01, sizeof(mcl01) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_eq(m.content_length, 13);
	EXPECT_SPAN("mcl01", "body", m.body, "There's no wa");
}

/* ---------------------------------------------------------- prefixes */

static const struct {
	const char *name, *msg;
	size_t len;
} valid[] = {
	{ T(f1_invite) }, { T(f5_invite) }, { T(f6_180) }, { T(f9_200) },
	{ T(f11_200) }, { T(f12_ack) }, { T(f13_bye) }, { T(f14_200) },
	{ T(register_msg) }, { T(wsinv) }, { T(intmeth) }, { T(esc01) },
	{ T(escnull) }, { T(esc02) }, { T(lwsdisp) }, { T(longreq) }, { T(dblreq) },
	{ T(semiuri) }, { T(transports) }, { T(mpart01) }, { T(unreason) },
	{ T(noreason) },
};

/*
 * Stream mode: every strict prefix of the message is incomplete, and any
 * longer input gives the same message.  Datagram mode: every prefix that
 * ends before the empty line is incomplete; from there on the datagram is
 * the message (a short body is a truncated body).
 */
Test(sip_prefix, valid_messages)
{
	struct sip_msg m;
	for (size_t i = 0; i < N(valid); i++) {
		const char *s = valid[i].msg;
		size_t len = valid[i].len, he = hdr_end(s, len);
		int full = parse(s, len, &m, SIP_MAX_HEADERS, NULL, STREAM);
		cr_assert_gt(full, 0, "%s: stream rc %d", valid[i].name, full);
		cr_assert_gt(he, 0);
		for (size_t n = 0; n <= len; n++) {
			int rc = parse(s, n, &m, SIP_MAX_HEADERS, NULL, STREAM);
			int want = n < (size_t)full ? -2 : full;
			cr_assert_eq(rc, want, "%s: stream prefix %zu: rc %d, want %d",
			    valid[i].name, n, rc, want);
			rc = parse(s, n, &m, SIP_MAX_HEADERS, NULL, DGRAM);
			want = n < he ? -2 : (int)n;
			cr_assert_eq(rc, want, "%s: datagram prefix %zu: rc %d, want %d",
			    valid[i].name, n, rc, want);
			if (rc > 0) {
				cr_assert_eq(m.body.len, n - he < m.content_length ?
				    n - he : m.content_length, "%s: datagram prefix %zu: body",
				    valid[i].name, n);
				cr_assert_eq((m.anomalies & A(TRUNCATED_BODY)) != 0,
				    n - he < m.content_length, "%s: datagram prefix %zu: {%s}",
				    valid[i].name, n, bits(m.anomalies));
			}
		}
	}
}

/* Prefixes of the invalid messages: no crash, no span outside the input,
 * and nothing consumed beyond the input. */
Test(sip_prefix, torture_messages)
{
	struct sip_msg m;
	for (size_t i = 0; i < N(torture); i++)
		for (size_t n = 0; n <= torture[i].len; n++)
			for (unsigned f = 0; f < 2; f++) {
				int rc = parse(torture[i].msg, n, &m, SIP_MAX_HEADERS, NULL,
				    f ? STREAM : DGRAM);
				cr_assert(rc == -2 || rc == -1 || (rc > 0 && (size_t)rc <= n),
				    "%s: prefix %zu: rc %d", torture[i].name, n, rc);
				if (rc > 0)
					check_spans(&m, guarded, n, torture[i].name);
			}
}

/* ---------------------------------------------------- stream splitting */

struct rec {
	char line[96], call_id[64];
	uint32_t body;
};

/*
 * A TCP receiver: bytes arrive up to each cut, then to the end; after
 * every arrival sip_parse() runs on the unconsumed bytes until it asks for
 * more.  Returns the number of messages, or -1 when sip_parse() said -1 or
 * bytes other than keep-alive CRLFs were left over.
 */
static int
receive(const char *s, size_t len, const size_t *cuts, size_t ncuts, struct rec *out,
    size_t max)
{
	size_t off = 0, n = 0;
	for (size_t k = 0; k <= ncuts; k++) {
		size_t have = k < ncuts ? cuts[k] : len;
		for (;;) {
			struct sip_msg m;
			int rc = parse(s + off, have - off, &m, SIP_MAX_HEADERS, NULL, STREAM);
			if (rc == -2)
				break;
			if (rc < 0 || n == max || (size_t)rc > have - off)
				return -1;
			struct span cid = sip_hdr_get(&m, SIP_H_CALL_ID);
			snprintf(out[n].line, sizeof(out[n].line), "%.*s", (int)m.start_line.len,
			    m.start_line.p);
			snprintf(out[n].call_id, sizeof(out[n].call_id), "%.*s", (int)cid.len, cid.p);
			out[n].body = m.body.len;
			n++;
			off += (size_t)rc;
		}
	}
	for (; off < len; off++)
		if (s[off] != '\r' && s[off] != '\n')
			return -1;
	return (int)n;
}

static const char small1[] =
	"OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c1\r\nl: 0\r\n\r\n";
static const char small2[] =
	"MESSAGE sip:a@b SIP/2.0\r\nCall-ID: c2\r\nContent-Length: 5\r\n\r\n\r\n\r\nx";
static const char small3[] =
	"SIP/2.0 200 OK\r\ni: c3\r\nl: 3\r\n\r\nabc";

static const struct rec small_want[] = {
	{ "OPTIONS sip:a@b SIP/2.0", "c1", 0 },
	{ "MESSAGE sip:a@b SIP/2.0", "c2", 5 },
	{ "SIP/2.0 200 OK", "c3", 3 },
	{ "OPTIONS sip:a@b SIP/2.0", "c1", 0 },
};

static const struct rec big_want[] = {
	{ "INVITE sip:bob@biloxi.com SIP/2.0", "a84b4c76e66710", 142 },
	{ "SIP/2.0 180 Ringing", "a84b4c76e66710", 0 },
	{ "SIP/2.0 200 OK", "a84b4c76e66710", 131 },
	{ "ACK sip:bob@192.0.2.4 SIP/2.0", "a84b4c76e66710", 0 },
	{ "MESSAGE sip:kumiko@example.org SIP/2.0", "3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", 281 },
	{ "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0", "wsinv.ndaksdj@192.0.2.1", 150 },
};

static size_t
cat(char *dst, size_t at, const char *src)
{
	size_t n = strlen(src);
	memcpy(dst + at, src, n);
	return at + n;
}

static void
expect_recs(const struct rec *got, int n, const struct rec *want, size_t nwant,
    size_t a, size_t b)
{
	cr_assert_eq(n, (int)nwant, "split %zu/%zu: %d messages, want %zu", a, b, n, nwant);
	for (size_t i = 0; i < nwant; i++)
		cr_assert(strcmp(got[i].line, want[i].line) == 0 &&
		    strcmp(got[i].call_id, want[i].call_id) == 0 && got[i].body == want[i].body,
		    "split %zu/%zu: message %zu is \"%s\" \"%s\" %u", a, b, i, got[i].line,
		    got[i].call_id, got[i].body);
}

/* Three small messages, keep-alives before, between and after: every pair
 * of cut offsets. */
Test(sip_split, every_pair_of_offsets)
{
	static char s[512];
	size_t len = 0;
	len = cat(s, len, "\r\n\r\n");
	len = cat(s, len, small1);
	len = cat(s, len, small2);
	len = cat(s, len, "\r\n");
	len = cat(s, len, small3);
	len = cat(s, len, "\r\n\r\n");
	len = cat(s, len, small1);
	len = cat(s, len, "\r\n");
	struct rec got[8];
	for (size_t a = 0; a <= len; a++)
		for (size_t b = a; b <= len; b++) {
			size_t cuts[2] = { a, b };
			int n = receive(s, len, cuts, 2, got, N(got));
			expect_recs(got, n, small_want, N(small_want), a, b);
		}
}

/* The RFC 3261 call and two torture messages pipelined: every offset, and
 * pairs of offsets with a stride. */
Test(sip_split, rfc_stream)
{
	static char s[8192];
	size_t len = 0;
	len = cat(s, len, "\r\n\r\n");
	len = cat(s, len, f1_invite);
	len = cat(s, len, "\r\n");
	len = cat(s, len, f6_180);
	len = cat(s, len, f9_200);
	len = cat(s, len, "\r\n\r\n");
	len = cat(s, len, f12_ack);
	memcpy(s + len, mpart01, sizeof(mpart01) - 1);
	len += sizeof(mpart01) - 1;
	len = cat(s, len, wsinv);
	struct rec got[8];
	int n = receive(s, len, NULL, 0, got, N(got));
	expect_recs(got, n, big_want, N(big_want), len, len);
	for (size_t a = 0; a <= len; a++) {
		n = receive(s, len, &a, 1, got, N(got));
		expect_recs(got, n, big_want, N(big_want), a, a);
	}
	for (size_t a = 0; a <= len; a += 13)
		for (size_t b = a; b <= len; b += 29) {
			size_t cuts[2] = { a, b };
			n = receive(s, len, cuts, 2, got, N(got));
			expect_recs(got, n, big_want, N(big_want), a, b);
		}
}

/* ------------------------------------------------------------- headers */

static const struct {
	const char *name;
	enum sip_hdr_id id;
} names[] = {
	/* RFC 3261 section 7.3.3 and the IANA registry compact forms */
	{ "i", SIP_H_CALL_ID }, { "f", SIP_H_FROM }, { "t", SIP_H_TO },
	{ "m", SIP_H_CONTACT }, { "l", SIP_H_CONTENT_LENGTH }, { "v", SIP_H_VIA },
	{ "s", SIP_H_SUBJECT }, { "k", SIP_H_SUPPORTED }, { "c", SIP_H_CONTENT_TYPE },
	{ "e", SIP_H_CONTENT_ENCODING }, { "o", SIP_H_EVENT }, { "u", SIP_H_ALLOW_EVENTS },
	{ "r", SIP_H_REFER_TO }, { "x", SIP_H_SESSION_EXPIRES }, { "y", SIP_H_IDENTITY },
	{ "b", SIP_H_REFERRED_BY },
	{ "I", SIP_H_CALL_ID }, { "F", SIP_H_FROM }, { "T", SIP_H_TO },
	{ "M", SIP_H_CONTACT }, { "L", SIP_H_CONTENT_LENGTH }, { "V", SIP_H_VIA },
	{ "S", SIP_H_SUBJECT }, { "K", SIP_H_SUPPORTED }, { "C", SIP_H_CONTENT_TYPE },
	{ "E", SIP_H_CONTENT_ENCODING }, { "O", SIP_H_EVENT }, { "U", SIP_H_ALLOW_EVENTS },
	{ "R", SIP_H_REFER_TO }, { "X", SIP_H_SESSION_EXPIRES }, { "Y", SIP_H_IDENTITY },
	{ "B", SIP_H_REFERRED_BY },
	/* letters that are no compact form */
	{ "a", SIP_H_OTHER }, { "d", SIP_H_OTHER }, { "g", SIP_H_OTHER }, { "h", SIP_H_OTHER },
	{ "j", SIP_H_OTHER }, { "n", SIP_H_OTHER }, { "p", SIP_H_OTHER }, { "q", SIP_H_OTHER },
	{ "w", SIP_H_OTHER }, { "z", SIP_H_OTHER }, { "Z", SIP_H_OTHER }, { "-", SIP_H_OTHER },
	/* case-insensitive full names */
	{ "via", SIP_H_VIA }, { "VIA", SIP_H_VIA }, { "cALL-iD", SIP_H_CALL_ID },
	{ "call-id", SIP_H_CALL_ID }, { "CSEQ", SIP_H_CSEQ }, { "cseq", SIP_H_CSEQ },
	{ "content-LENGTH", SIP_H_CONTENT_LENGTH }, { "max-forwards", SIP_H_MAX_FORWARDS },
	{ "WWW-AUTHENTICATE", SIP_H_WWW_AUTHENTICATE },
	{ "proxy-authorization", SIP_H_PROXY_AUTHORIZATION },
	{ "mime-version", SIP_H_MIME_VERSION }, { "Record-route", SIP_H_RECORD_ROUTE },
	/* near misses */
	{ "Vias", SIP_H_OTHER }, { "Vi", SIP_H_OTHER }, { "Tox", SIP_H_OTHER },
	{ "Call_ID", SIP_H_OTHER }, { "CallID", SIP_H_OTHER }, { "Content-Lengt", SIP_H_OTHER },
	{ "Content-Lengths", SIP_H_OTHER }, { "Proxy-Authorizatio", SIP_H_OTHER },
	{ "Proxy-Authorizationx", SIP_H_OTHER }, { "Proxy-Authorization-Info", SIP_H_OTHER },
	{ "X-Foo", SIP_H_OTHER }, { "Accept", SIP_H_OTHER }, { "Date", SIP_H_OTHER },
	{ "C%6Fntact", SIP_H_OTHER }, { "Allow-Event", SIP_H_OTHER },
	{ "Authorizations", SIP_H_OTHER }, { "Froms", SIP_H_OTHER }, { "Fro", SIP_H_OTHER },
};

Test(sip_hdr, lookup_table)
{
	for (size_t i = 0; i < N(names); i++) {
		size_t n = strlen(names[i].name);
		struct span s = { guard_put(names[i].name, n), (uint32_t)n };
		enum sip_hdr_id id = sip_hdr_lookup(s);
		cr_expect_eq(id, names[i].id, "\"%s\": id %d, want %d", names[i].name, id,
		    names[i].id);
	}
	cr_expect_eq(sip_hdr_lookup(SPAN_NULL), SIP_H_OTHER);
	struct span empty = { guard_put("", 0), 0 };
	cr_expect_eq(sip_hdr_lookup(empty), SIP_H_OTHER);
	/* all 256 one-byte names: only the 32 compact letters map */
	unsigned mapped = 0;
	for (unsigned c = 0; c < 256; c++) {
		char ch = (char)c;
		struct span s = { guard_put(&ch, 1), 1 };
		mapped += sip_hdr_lookup(s) != SIP_H_OTHER;
	}
	cr_expect_eq(mapped, 32);
}

/* Every canonical name is found, in its own case, lower case and upper
 * case (this also checks the by-length index in sip.c). */
Test(sip_hdr, name_round_trip)
{
	cr_expect_str_eq(sip_hdr_name(SIP_H_OTHER), "");
	cr_expect_str_eq(sip_hdr_name(SIP_H__COUNT), "");
	cr_expect_str_eq(sip_hdr_name((enum sip_hdr_id)-1), "");
	cr_expect_str_eq(sip_hdr_name(SIP_H_CALL_ID), "Call-ID");
	cr_expect_str_eq(sip_hdr_name(SIP_H_WWW_AUTHENTICATE), "WWW-Authenticate");
	for (unsigned id = SIP_H_OTHER + 1; id < SIP_H__COUNT; id++) {
		const char *n = sip_hdr_name((enum sip_hdr_id)id);
		size_t len = strlen(n);
		cr_assert_gt(len, 1, "id %u has no name", id);
		char lo[64], up[64];
		cr_assert_lt(len, sizeof(lo));
		for (size_t i = 0; i <= len; i++) {
			lo[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
			up[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ? n[i] - 32 : n[i]);
		}
		const char *v[3] = { n, lo, up };
		for (int k = 0; k < 3; k++) {
			struct span s = { guard_put(v[k], len), (uint32_t)len };
			cr_expect_eq(sip_hdr_lookup(s), id, "\"%s\" -> %d, want %u", v[k],
			    sip_hdr_lookup(s), id);
		}
		for (unsigned j = SIP_H_OTHER + 1; j < id; j++)
			cr_expect_str_neq(sip_hdr_name((enum sip_hdr_id)j), n);
	}
}

/* Compact forms and odd spellings inside a message. */
Test(sip_hdr, in_message)
{
	static const char msg[] =
		"OPTIONS sip:a@b SIP/2.0\r\n"
		"i: cid\r\n"
		"f: <sip:f@x>;tag=1\r\n"
		"t: <sip:t@x>\r\n"
		"m: <sip:m@x>\r\n"
		"v: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"s: subject\r\n"
		"k: timer\r\n"
		"c: text/plain\r\n"
		"e: gzip\r\n"
		"o: presence\r\n"
		"u: talk\r\n"
		"r: <sip:r@x>\r\n"
		"x: 1800\r\n"
		"y: sig\r\n"
		"b: <sip:b@x>\r\n"
		"cseq \t : 1 OPTIONS\r\n"
		"MAX-FORWARDS:70\r\n"
		"X-Folded: one\r\n two\r\n\tthree\r\n"
		"V: SIP/2.0/TCP h2, SIP/2.0/TCP h3\r\n"
		"Via:\r\n SIP/2.0/UDP h4\r\n"
		"l: 4\r\n"
		"\r\n"
		"body";
	static const struct {
		enum sip_hdr_id id;
		const char *name, *value;
		unsigned count;
	} want[] = {
		{ SIP_H_CALL_ID, "i", "cid", 1 },
		{ SIP_H_FROM, "f", "<sip:f@x>;tag=1", 1 },
		{ SIP_H_TO, "t", "<sip:t@x>", 1 },
		{ SIP_H_CONTACT, "m", "<sip:m@x>", 1 },
		{ SIP_H_VIA, "v", "SIP/2.0/UDP h;branch=z9hG4bK1", 3 },
		{ SIP_H_SUBJECT, "s", "subject", 1 },
		{ SIP_H_SUPPORTED, "k", "timer", 1 },
		{ SIP_H_CONTENT_TYPE, "c", "text/plain", 1 },
		{ SIP_H_CONTENT_ENCODING, "e", "gzip", 1 },
		{ SIP_H_EVENT, "o", "presence", 1 },
		{ SIP_H_ALLOW_EVENTS, "u", "talk", 1 },
		{ SIP_H_REFER_TO, "r", "<sip:r@x>", 1 },
		{ SIP_H_SESSION_EXPIRES, "x", "1800", 1 },
		{ SIP_H_IDENTITY, "y", "sig", 1 },
		{ SIP_H_REFERRED_BY, "b", "<sip:b@x>", 1 },
		{ SIP_H_CSEQ, "cseq", "1 OPTIONS", 1 },
		{ SIP_H_MAX_FORWARDS, "MAX-FORWARDS", "70", 1 },
		{ SIP_H_OTHER, "X-Folded", "one\r\n two\r\n\tthree", 1 },
		{ SIP_H_CONTENT_LENGTH, "l", "4", 1 },
	};
	struct sip_msg m;
	for (unsigned f = 0; f < 2; f++) {
		int rc = parse(msg, sizeof(msg) - 1, &m, SIP_MAX_HEADERS, NULL, f ? STREAM : DGRAM);
		cr_assert_eq(rc, (int)sizeof(msg) - 1);
		EXPECT_BITS("compact", m.anomalies, 0);
		cr_expect_eq(m.num_headers, 21);
		for (size_t i = 0; i < N(want); i++) {
			int16_t k = m.first[want[i].id];
			cr_assert_geq(k, 0, "%s missing", want[i].name);
			EXPECT_SPAN(want[i].name, "name", m.headers[k].name, want[i].name);
			EXPECT_SPAN(want[i].name, "value", m.headers[k].value, want[i].value);
			cr_expect_eq(m.count[want[i].id], want[i].count, "%s: count %u",
			    want[i].name, m.count[want[i].id]);
		}
		EXPECT_SPAN("compact", "body", m.body, "body");
		/* the three Via lines in order, the second holding two values */
		const char *vias[] = { "SIP/2.0/UDP h;branch=z9hG4bK1", "SIP/2.0/TCP h2",
			"SIP/2.0/TCP h3", "SIP/2.0/UDP h4" };
		size_t k = 0;
		for (size_t i = 0; i < m.num_headers; i++) {
			if (m.headers[i].id != SIP_H_VIA)
				continue;
			uint32_t pos = 0;
			struct span e;
			while (sip_list_next(m.headers[i].value, &pos, &e)) {
				cr_assert_lt(k, N(vias));
				EXPECT_SPAN("compact", "Via element", e, vias[k]);
				k++;
			}
		}
		cr_expect_eq(k, 4);
	}
	cr_expect(span_is(sip_hdr_get(&m, SIP_H_ROUTE), NULL));
	cr_expect_null(sip_hdr_get(&m, SIP_H_ROUTE).p);
	cr_expect_null(sip_hdr_get(&m, SIP_H__COUNT).p);
	cr_expect_null(sip_hdr_get(&m, (enum sip_hdr_id)-1).p);
	EXPECT_SPAN("compact", "X-Folded via OTHER", sip_hdr_get(&m, SIP_H_OTHER),
	    "one\r\n two\r\n\tthree");
}

struct list_case {
	const char *value;
	const char *elems[5];
	const char *comment;
};

static const struct list_case list_cases[] = {
	{ "a, b,c", { "a", "b", "c" }, "plain" },
	{ "\"Doe, John\" <sip:j@x>;q=0.5, <sip:b@y>", { "\"Doe, John\" <sip:j@x>;q=0.5", "<sip:b@y>" }, "comma in quotes" },
	{ "<sip:a@x;p=1,2>, <sip:b@y?h=a,b>", { "<sip:a@x;p=1,2>", "<sip:b@y?h=a,b>" }, "comma in <>" },
	{ "\"a\\\",b\" <sip:x>, c", { "\"a\\\",b\" <sip:x>", "c" }, "escaped quote in quotes" },
	{ "\"<\" <sip:x>, y", { "\"<\" <sip:x>", "y" }, "'<' in quotes does not open a URI" },
	{ ",, a ,,\r\n b ,", { "a", "b" }, "empty elements and folds skipped" },
	{ "  ", { NULL }, "only LWS" },
	{ "", { NULL }, "empty" },
	{ "\"unterminated, x", { "\"unterminated, x" }, "unterminated quote runs to the end" },
	{ "<sip:unterminated, x", { "<sip:unterminated, x" }, "unterminated <" },
	{ "application/sdp, application/pkcs7-mime,\r\n        multipart/mixed",
	  { "application/sdp", "application/pkcs7-mime", "multipart/mixed" }, "semiuri Accept" },
};

Test(sip_hdr, list_next)
{
	for (size_t i = 0; i < N(list_cases); i++) {
		const struct list_case *c = &list_cases[i];
		size_t n = strlen(c->value);
		struct span v = { guard_put(c->value, n), (uint32_t)n };
		uint32_t pos = 0;
		struct span e;
		size_t k = 0;
		while (sip_list_next(v, &pos, &e)) {
			cr_assert_lt(k, N(c->elems), "%s: too many elements", c->comment);
			cr_assert_not_null(c->elems[k], "%s: extra element \"%.*s\"", c->comment,
			    (int)e.len, e.p);
			EXPECT_SPAN(c->comment, "element", e, c->elems[k]);
			cr_assert(within(e, v.p, n));
			cr_assert_leq(pos, n);
			k++;
		}
		cr_expect(k == N(c->elems) || c->elems[k] == NULL, "%s: %zu elements", c->comment, k);
		cr_expect_null(e.p, "%s: elem after the end", c->comment);
		cr_expect_not(sip_list_next(v, &pos, &e), "%s: not sticky", c->comment);
	}
	uint32_t pos = 0;
	struct span e;
	cr_expect_not(sip_list_next(SPAN_NULL, &pos, &e));
}

/* Headers past the caller's capacity: reported, still counted, and a
 * Content-Length among them still frames the message. */
Test(sip_hdr, too_many_headers)
{
	static const char msg[] =
		"MESSAGE sip:a@b SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:f@x>;tag=1\r\n"
		"To: <sip:t@x>\r\n"
		"Call-ID: cid\r\n"
		"CSeq: 1 MESSAGE\r\n"
		"X-1: a\r\nX-2: b\r\nX-3: c\r\n"
		"Content-Length: 5\r\n"
		"\r\n"
		"hello"
		"OPTIONS sip:next SIP/2.0\r\n";
	const size_t one = sizeof(msg) - 1 - strlen("OPTIONS sip:next SIP/2.0\r\n");
	struct sip_msg m;
	for (size_t cap = 0; cap <= 10; cap++) {
		int rc = parse(msg, sizeof(msg) - 1, &m, cap, NULL, STREAM);
		cr_assert_eq(rc, (int)one, "cap %zu: rc %d", cap, rc);
		cr_expect_eq(m.num_headers, cap < 9 ? cap : 9, "cap %zu", cap);
		EXPECT_BITS("too many", m.anomalies, cap < 9 ? A(TOO_MANY_HEADERS) : 0);
		cr_expect_eq(m.content_length, 5);
		cr_expect(m.has_content_length);
		EXPECT_SPAN("too many", "body", m.body, "hello");
		cr_expect_eq(m.count[SIP_H_CONTENT_LENGTH], 1);
		cr_expect_eq(m.count[SIP_H_OTHER], 3);
		cr_expect_eq(m.first[SIP_H_CONTENT_LENGTH], cap < 9 ? -1 : 8);
		cr_expect_eq(m.first[SIP_H_VIA], cap < 1 ? -1 : 0);
		cr_expect(cap >= 9 || span_is(sip_hdr_get(&m, SIP_H_CONTENT_LENGTH), NULL));

		rc = parse(msg, one, &m, cap, NULL, DGRAM);
		cr_assert_eq(rc, (int)one);
		EXPECT_BITS("too many, datagram", m.anomalies, cap < 9 ? A(TOO_MANY_HEADERS) : 0);
		rc = parse(msg, sizeof(msg) - 1, &m, cap, NULL, DGRAM);
		EXPECT_BITS("too many, datagram, extra bytes", m.anomalies,
		    (cap < 9 ? A(TOO_MANY_HEADERS) : 0) | A(CL_MISMATCH));
		EXPECT_SPAN("too many, datagram", "body", m.body, "hello");
	}
	/* no array at all */
	int rc = sip_parse(guard_put(msg, one), one, &m, NULL, 5, NULL, STREAM);
	cr_expect_eq(rc, (int)one);
	cr_expect_eq(m.num_headers, 0);
	EXPECT_SPAN("NULL array", "body", m.body, "hello");
	EXPECT_BITS("NULL array", m.anomalies, A(TOO_MANY_HEADERS));
}

/* ----------------------------------------------------------- anomalies */

#define RL "INVITE sip:bob@biloxi.com SIP/2.0\r\n"
#define V_VIA "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1"
#define V_FROM "<sip:alice@atlanta.com>;tag=1"
#define V_TO "<sip:bob@biloxi.com>"
#define V_CID "abc@x"
#define V_CONTACT "<sip:alice@pc33.atlanta.com>"
#define H_VIA "Via: " V_VIA "\r\n"
#define H_FROM "From: " V_FROM "\r\n"
#define H_TO "To: " V_TO "\r\n"
#define H_CID "Call-ID: " V_CID "\r\n"
#define H_CSEQ "CSeq: 1 INVITE\r\n"
#define H_CL0 "Content-Length: 0\r\n"
#define H_CONTACT "Contact: " V_CONTACT "\r\n"
#define BASE H_VIA H_FROM H_TO H_CID H_CSEQ
#define L(s) (sizeof(s) - 1)

enum lim_kind { LIM_DEF, LIM_URI, LIM_CALL_ID, LIM_FROM, LIM_TO, LIM_CONTACT, LIM_VIA,
	LIM_CSEQ, LIM_BODY, LIM_CAP /* limval: header array capacity */ };

struct anomaly_case {
	const char *msg;
	size_t len; /* 0: strlen */
	unsigned flags;
	enum lim_kind lim;
	uint32_t limval;
	uint64_t want;
	const char *comment;
};

static const struct anomaly_case anomaly_cases[] = {
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "baseline" },
	{ RL BASE H_CL0 "\r\n", 0, STREAM, LIM_DEF, 0, 0, "baseline, stream" },
	/* Request-URI */
	{ "INVITE SIP/2.0\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_RURI), "no Request-URI" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_URI, 10, A(LONG_RURI), "Request-URI 18 > 10" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_URI, 18, 0, "Request-URI 18 = 18" },
	{ "INVITE sip:b@x.yz SIP/2.0\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_URI, 10, 0, "Request-URI 10 = 10" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_URI, 17, A(LONG_RURI), "Request-URI 18 > 17" },
	/* header lengths */
	{ RL H_VIA H_FROM H_TO "Call-ID:   \r\n" H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_CALL_ID), "empty Call-ID" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CALL_ID, L(V_CID), 0, "Call-ID at the limit" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CALL_ID, L(V_CID) - 1, A(LONG_CALL_ID), "Call-ID over the limit" },
	{ RL H_VIA "From:\r\n" H_TO H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_FROM), "empty From" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_FROM, L(V_FROM), 0, "From at the limit" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_FROM, L(V_FROM) - 1, A(LONG_FROM), "From over the limit" },
	{ RL H_VIA H_FROM "t: \t \r\n" H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_TO), "empty To" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_TO, L(V_TO), 0, "To at the limit" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_TO, L(V_TO) - 1, A(LONG_TO), "To over the limit" },
	{ RL "Via:\r\n" H_FROM H_TO H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_VIA), "empty Via" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_VIA, L(V_VIA), 0, "Via at the limit" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_VIA, L(V_VIA) - 1, A(LONG_VIA), "Via over the limit" },
	{ RL BASE "Contact:\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(EMPTY_CONTACT), "empty Contact" },
	{ RL BASE H_CONTACT H_CL0 "\r\n", 0, DGRAM, LIM_CONTACT, L(V_CONTACT), 0, "Contact at the limit" },
	{ RL BASE H_CONTACT H_CL0 "\r\n", 0, DGRAM, LIM_CONTACT, L(V_CONTACT) - 1, A(LONG_CONTACT), "Contact over the limit" },
	/* mandatory headers (section 8.1.1) */
	{ RL H_VIA H_FROM H_TO H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(MISSING_CALL_ID), "no Call-ID" },
	{ RL H_VIA H_TO H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(MISSING_FROM), "no From" },
	{ RL H_VIA H_FROM H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(MISSING_TO), "no To" },
	{ RL H_FROM H_TO H_CID H_CSEQ H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(MISSING_VIA), "no Via" },
	{ RL H_VIA H_FROM H_TO H_CID H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(MISSING_CSEQ), "no CSeq" },
	{ "SIP/2.0 200 OK\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0,
	  A(MISSING_CALL_ID) | A(MISSING_FROM) | A(MISSING_TO) | A(MISSING_VIA) | A(MISSING_CSEQ), "response with no headers" },
	/* singletons */
	{ RL BASE H_CID H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "Call-ID twice" },
	{ RL BASE "f: <sip:x@y>;tag=2\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "From twice" },
	{ RL BASE H_TO H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "To twice" },
	{ RL BASE "CSeq: 2 INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "CSeq twice" },
	{ RL BASE "CSeq: 2 BYE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "second CSeq, other method: the first counts" },
	{ RL BASE "CSeq: x\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_SINGLETON), "second CSeq malformed: the first counts" },
	{ RL BASE "v: SIP/2.0/TCP h2\r\n" H_VIA H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "Via three times is fine" },
	{ RL BASE H_CONTACT H_CONTACT H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "Contact twice is fine" },
	/* CSeq (section 20.16, 8.1.1.5) */
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq without number" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq without method" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq without LWS" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 INVITE x\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq trailing word" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: -1 INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq negative" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 4294967296 INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq 2^32" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 4294967295 INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "CSeq 2^32-1" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 INV\"ITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CSEQ), "CSeq method not a token" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CSEQ, 6, 0, "CSeq method at the limit" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CSEQ, 5, A(LONG_CSEQ_METHOD), "CSeq method over the limit" },
	{ "ABCDEFGHIJKLMNOPQRSTU sip:a@b SIP/2.0\r\n" H_VIA H_FROM H_TO H_CID "CSeq: 1 ABCDEFGHIJKLMNOPQRSTU\r\n" H_CL0 "\r\n",
	  0, DGRAM, LIM_DEF, 0, A(UNKNOWN_METHOD) | A(LONG_CSEQ_METHOD), "21-byte method > 20" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 BYE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(CSEQ_METHOD_MISMATCH), "INVITE / BYE" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 invite\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(CSEQ_METHOD_MISMATCH), "methods are case-sensitive" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 INVITEX\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(CSEQ_METHOD_MISMATCH), "longer CSeq method" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 1 INVIT\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(CSEQ_METHOD_MISMATCH), "shorter CSeq method" },
	{ "ACK sip:bob@biloxi.com SIP/2.0\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(CSEQ_METHOD_MISMATCH), "ACK with CSeq INVITE (8.1.1.5)" },
	{ "SIP/2.0 200 OK\r\n" H_VIA H_FROM H_TO H_CID "CSeq: 1 BYE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "responses are not compared" },
	{ RL H_VIA H_FROM H_TO H_CID "CSeq: 007\r\n  INVITE\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "folded CSeq" },
	/* Content-Length */
	{ RL BASE "\r\n", 0, STREAM, LIM_DEF, 0, A(NO_CL_STREAM), "no Content-Length on a stream" },
	{ RL BASE "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "no Content-Length in a datagram" },
	{ RL BASE H_CL0 "l: 0\r\n\r\n", 0, DGRAM, LIM_DEF, 0, A(DUP_CL), "Content-Length twice" },
	{ RL BASE H_CL0 "l: 0\r\n\r\n", 0, STREAM, LIM_DEF, 0, A(DUP_CL), "Content-Length twice, stream" },
	{ RL BASE "Content-Length: abc\r\n\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CL), "Content-Length not a number" },
	{ RL BASE "Content-Length:\r\n\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CL), "Content-Length empty" },
	{ RL BASE "Content-Length: 1 2\r\n\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CL), "Content-Length two numbers" },
	{ RL BASE "Content-Length: +2\r\n\r\nab", 0, DGRAM, LIM_DEF, 0, A(BAD_CL), "Content-Length with sign" },
	{ RL BASE "Content-Length: 4294967296\r\n\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_CL), "Content-Length 2^32" },
	{ RL BASE "Content-Length: 4294967296\r\n\r\n", 0, STREAM, LIM_DEF, 0, A(BAD_CL), "Content-Length 2^32, stream: empty body" },
	{ RL BASE "Content-Length: 00002\r\n\r\nab", 0, DGRAM, LIM_DEF, 0, 0, "leading zeros" },
	{ RL BASE "Content-Length: 2\r\n\r\nabcd", 0, DGRAM, LIM_DEF, 0, A(CL_MISMATCH), "body longer than Content-Length" },
	{ RL BASE "Content-Length: 10\r\n\r\nabcd", 0, DGRAM, LIM_DEF, 0, A(CL_MISMATCH) | A(TRUNCATED_BODY), "body shorter than Content-Length" },
	{ RL BASE "Content-Length: 4294967295\r\n\r\nabcd", 0, DGRAM, LIM_DEF, 0, A(CL_MISMATCH) | A(TRUNCATED_BODY), "Content-Length 2^32-1" },
	{ RL BASE "Content-Length: 4\r\n\r\nabcd", 0, DGRAM, LIM_BODY, 4, 0, "body at the limit" },
	{ RL BASE "Content-Length: 5\r\n\r\nabcde", 0, DGRAM, LIM_BODY, 4, A(LONG_BODY), "body over the limit" },
	{ RL BASE "Content-Length: 5\r\n\r\nabcde", 0, STREAM, LIM_BODY, 4, A(LONG_BODY), "body over the limit, stream" },
	{ RL BASE "\r\nabcde", 0, DGRAM, LIM_BODY, 4, A(LONG_BODY), "body over the limit, no Content-Length" },
	/* start line */
	{ "FOO sip:a@b SIP/2.0\r\n" H_VIA H_FROM H_TO H_CID "CSeq: 1 FOO\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(UNKNOWN_METHOD), "extension method" },
	{ "invite sip:a@b SIP/2.0\r\n" H_VIA H_FROM H_TO H_CID "CSeq: 1 invite\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(UNKNOWN_METHOD), "lower-case INVITE is another method" },
	{ "INV{ITE sip:a@b SIP/2.0\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_METHOD) | A(CSEQ_METHOD_MISMATCH), "method not a token" },
	{ "INVITE sip:a@b SIP/2.1\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_VERSION), "SIP/2.1" },
	{ "INVITE sip:a@b SIP/2.00\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_VERSION), "SIP/2.00" },
	{ "INVITE sip:a@b sip/2.0\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "version is case-insensitive (7.1)" },
	{ "SIP/1.0 200 OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_VERSION), "response SIP/1.0" },
	{ "SIP/2.0 099 Low\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 099" },
	{ "SIP/2.0 99 Low\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 99" },
	{ "SIP/2.0 700 High\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 700" },
	{ "SIP/2.0 2000 OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 2000" },
	{ "SIP/2.0 20x OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 20x" },
	{ "SIP/2.0 OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "no status" },
	{ "SIP/2.0 200x OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "status 200x" },
	{ "SIP/2.0 200OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_STATUS), "no SP after the status" },
	{ "SIP/2.0  200\tOK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "SP runs and HTAB tolerated" },
	{ "SIP/2.0 100\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "status 100, no reason" },
	{ "SIP/2.0 699 x\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "status 699" },
	/* line ends, junk, header lines, NUL */
	{ "INVITE sip:a@b SIP/2.0\nVia: " V_VIA "\nFrom: " V_FROM "\nTo: " V_TO "\nCall-ID: x\nCSeq: 1 INVITE\nl: 2\n\nab",
	  0, DGRAM, LIM_DEF, 0, A(BARE_LF), "LF line ends" },
	{ "INVITE sip:a@b SIP/2.0\nVia: " V_VIA "\nFrom: " V_FROM "\nTo: " V_TO "\nCall-ID: x\nCSeq: 1 INVITE\nl: 2\n\nab",
	  0, STREAM, LIM_DEF, 0, A(BARE_LF), "LF line ends, stream" },
	{ RL BASE "l: 0\n\r\n", 0, DGRAM, LIM_DEF, 0, A(BARE_LF), "one bare LF" },
	{ RL BASE H_CL0 "\n", 0, DGRAM, LIM_DEF, 0, A(BARE_LF), "bare LF empty line" },
	{ "@@@@ " RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(JUNK_BEFORE_START), "junk before the method" },
	{ "\0\0" RL BASE H_CL0 "\r\n", L("\0\0" RL BASE H_CL0 "\r\n"), DGRAM, LIM_DEF, 0, A(JUNK_BEFORE_START), "NULs before the method" },
	{ "\x16\x03 SIP/2.0 200 OK\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(JUNK_BEFORE_START), "junk before a status line" },
	{ RL "NoColon\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_HEADER), "no colon" },
	{ RL ": value\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_HEADER), "empty name" },
	{ RL "Bad Name: x\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_HEADER), "space in name" },
	{ RL "[x]: y\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_HEADER), "name not a token" },
	{ RL " leading: space\r\n" BASE H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_HEADER), "continuation of the start line" },
	{ RL BASE "Subject: a\0b\r\n" H_CL0 "\r\n", L(RL BASE "Subject: a\0b\r\n" H_CL0 "\r\n"), DGRAM, LIM_DEF, 0, A(NUL_BYTE), "NUL in a header" },
	{ "INVITE sip:a\0@b SIP/2.0\r\n" BASE H_CL0 "\r\n", L("INVITE sip:a\0@b SIP/2.0\r\n" BASE H_CL0 "\r\n"), DGRAM, LIM_DEF, 0, A(NUL_BYTE), "NUL in the Request-URI" },
	{ RL BASE "Content-Length: 3\r\n\r\na\0b", L(RL BASE "Content-Length: 3\r\n\r\na\0b"), DGRAM, LIM_DEF, 0, 0, "NUL in the body is fine" },
	/* header array capacity */
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CAP, 6, 0, "6 headers, room for 6" },
	{ RL BASE H_CL0 "\r\n", 0, DGRAM, LIM_CAP, 5, A(TOO_MANY_HEADERS), "6 headers, room for 5" },
	{ RL BASE H_CL0 "\r\n", 0, STREAM, LIM_CAP, 0, A(TOO_MANY_HEADERS), "no room at all" },
	/* Max-Forwards (section 20.22) */
	{ RL BASE "Max-Forwards: abc\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards abc" },
	{ RL BASE "Max-Forwards:\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards empty" },
	{ RL BASE "Max-Forwards: -1\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards -1" },
	{ RL BASE "Max-Forwards: 7 0\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards 7 0" },
	{ RL BASE "Max-Forwards: 256\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards 256 (8.1.1.6: 0-255)" },
	{ RL BASE "Max-Forwards: 99999999999999999999\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, A(BAD_MAX_FORWARDS), "Max-Forwards huge" },
	{ RL BASE "Max-Forwards: 0\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "Max-Forwards 0" },
	{ RL BASE "Max-Forwards: 255\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "Max-Forwards 255" },
	{ RL BASE "Max-Forwards: 000000000000070\r\n" H_CL0 "\r\n", 0, DGRAM, LIM_DEF, 0, 0, "Max-Forwards leading zeros" },
};

static void
limits_for(struct sip_limits *l, enum lim_kind k, uint32_t v)
{
	sip_limits_default(l);
	switch (k) {
	case LIM_DEF: break;
	case LIM_URI: l->max_uri = v; break;
	case LIM_CALL_ID: l->max_call_id = v; break;
	case LIM_FROM: l->max_from = v; break;
	case LIM_TO: l->max_to = v; break;
	case LIM_CONTACT: l->max_contact = v; break;
	case LIM_VIA: l->max_via = v; break;
	case LIM_CSEQ: l->max_cseq_method = v; break;
	case LIM_BODY: l->max_body = v; break;
	case LIM_CAP: break;
	}
}

Test(sip_anomaly, table)
{
	uint64_t seen = 0;
	for (size_t i = 0; i < N(anomaly_cases); i++) {
		const struct anomaly_case *c = &anomaly_cases[i];
		size_t len = c->len ? c->len : strlen(c->msg);
		struct sip_limits lim;
		limits_for(&lim, c->lim, c->limval);
		struct sip_msg m;
		int rc = parse(c->msg, len, &m, c->lim == LIM_CAP ? c->limval : SIP_MAX_HEADERS,
		    c->lim == LIM_DEF ? NULL : &lim, c->flags);
		cr_expect_gt(rc, 0, "%s: rc %d", c->comment, rc);
		if (rc <= 0)
			continue;
		cr_expect(rc == (int)len || (c->flags & STREAM), "%s: rc %d of %zu", c->comment, rc, len);
		check_spans(&m, guarded, len, c->comment);
		EXPECT_BITS(c->comment, m.anomalies, c->want);
		seen |= m.anomalies;
	}
	/* every message-level bit was produced at least once */
	const uint64_t elsewhere = A(BAD_RURI) | A(BAD_FROM) | A(BAD_TO) | A(BAD_VIA) |
	    A(BAD_AUTH) | A(BAD_SDP);
	for (unsigned a = 0; a < SIP_A__COUNT; a++)
		if (!(elsewhere & SIP_A_BIT(a)))
			cr_expect(seen & SIP_A_BIT(a), "no case raises %s", sip_anomaly_name(a));
	cr_expect_eq(seen & elsewhere, 0, "the message parser set {%s}", bits(seen & elsewhere));
}

/* Details of some anomaly cases: what the message looks like afterwards. */
Test(sip_anomaly, details)
{
	struct sip_msg m;
	/* junk before the method: skipped, start line from the method on */
	static const char junk[] = "\r\n@@@@ " RL BASE H_CL0 "\r\n";
	cr_assert_eq(parse(junk, L(junk), &m, SIP_MAX_HEADERS, NULL, STREAM), (int)L(junk));
	cr_expect_eq(m.skipped, 7);
	EXPECT_SPAN("junk", "start_line", m.start_line, "INVITE sip:bob@biloxi.com SIP/2.0");
	EXPECT_SPAN("junk", "method", m.method_tok, "INVITE");
	cr_expect_eq(m.method, SIP_M_INVITE);
	cr_expect(m.raw.p == guarded + 7 && m.raw.len == L(junk) - 7);
	/* keep-alives are skipped silently */
	static const char ka[] = "\r\n\r\n\n" RL BASE H_CL0 "\r\n";
	cr_assert_eq(parse(ka, L(ka), &m, SIP_MAX_HEADERS, NULL, STREAM), (int)L(ka));
	cr_expect_eq(m.skipped, 5);
	EXPECT_BITS("keep-alive", m.anomalies, 0);
	/* the status code is kept even out of range */
	static const char s700[] = "SIP/2.0 700 High\r\n" BASE H_CL0 "\r\n";
	cr_assert_gt(parse(s700, L(s700), &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_eq(m.status, 700);
	EXPECT_SPAN("700", "reason", m.reason, "High");
	/* a bad method keeps its token */
	static const char bm[] = "INV{ITE sip:a@b SIP/2.0\r\n" BASE H_CL0 "\r\n";
	cr_assert_gt(parse(bm, L(bm), &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_eq(m.method, SIP_M_OTHER);
	EXPECT_SPAN("bad method", "method", m.method_tok, "INV{ITE");
	EXPECT_SPAN("bad method", "ruri", m.ruri, "sip:a@b");
	/* datagram: octets past Content-Length are not the body */
	static const char extra[] = RL BASE "Content-Length: 2\r\n\r\nabcd";
	cr_assert_eq(parse(extra, L(extra), &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)L(extra));
	EXPECT_SPAN("extra", "body", m.body, "ab");
	cr_expect_eq(m.raw.len, L(extra) - 2);
	/* stream: a bad Content-Length means an empty body */
	static const char badcl[] = RL BASE "Content-Length: x\r\n\r\nOPTIONS";
	cr_assert_eq(parse(badcl, L(badcl), &m, SIP_MAX_HEADERS, NULL, STREAM), (int)L(badcl) - 7);
	cr_expect_eq(m.body.len, 0);
	cr_expect(m.has_content_length);
	/* LF-only message: the body is right after the empty line */
	static const char lf[] = "OPTIONS sip:a@b SIP/2.0\nCall-ID: x\nl: 2\n\nab";
	cr_assert_eq(parse(lf, L(lf), &m, SIP_MAX_HEADERS, NULL, STREAM), (int)L(lf));
	EXPECT_SPAN("lf", "body", m.body, "ab");
	EXPECT_SPAN("lf", "Call-ID", sip_hdr_get(&m, SIP_H_CALL_ID), "x");
	EXPECT_SPAN("lf", "start_line", m.start_line, "OPTIONS sip:a@b SIP/2.0");
	/* a folded LF-only header */
	static const char lff[] = "OPTIONS sip:a@b SIP/2.0\nSubject: a\n b\nl: 0\n\n";
	cr_assert_eq(parse(lff, L(lff), &m, SIP_MAX_HEADERS, NULL, STREAM), (int)L(lff));
	EXPECT_SPAN("lf fold", "Subject", sip_hdr_get(&m, SIP_H_SUBJECT), "a\n b");
}

Test(sip_anomaly, names)
{
	for (unsigned a = 0; a < SIP_A__COUNT; a++) {
		const char *n = sip_anomaly_name(a), *d = sip_anomaly_desc(a);
		cr_expect(n[0] != '\0' && strcmp(n, "?") != 0, "anomaly %u has no name", a);
		cr_expect(d[0] != '\0' && strcmp(d, "?") != 0, "anomaly %u has no description", a);
		for (size_t i = 0; n[i]; i++)
			cr_expect((n[i] >= 'a' && n[i] <= 'z') || n[i] == '_', "%s: not snake_case", n);
		for (unsigned b = 0; b < a; b++)
			cr_expect_str_neq(sip_anomaly_name(b), n);
	}
	cr_expect_str_eq(sip_anomaly_name(SIP_A__COUNT), "?");
	cr_expect_str_eq(sip_anomaly_desc(SIP_A__COUNT), "?");
	cr_expect_str_eq(sip_anomaly_name(SIP_A_CL_MISMATCH), "content_length_mismatch");
	cr_expect_str_eq(sip_anomaly_name(SIP_A_NO_CL_STREAM), "missing_content_length");
}

/* -------------------------------------------------- not SIP, and sniffing */

struct foreign_case {
	const char *in;
	size_t len; /* 0: strlen */
	int dgram_rc, stream_rc, sniff;
	const char *comment;
};

static const struct foreign_case foreign[] = {
	{ "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", 0, -1, -1, 0, "HTTP request" },
	{ "GET /sip/2.0 HTTP/1.1\r\nHost: example.com\r\n\r\n", 0, -1, -1, 0, "HTTP with SIP in the path" },
	{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, -1, -1, 0, "HTTP response" },
	{ "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n", 0, -1, -1, 0, "SSDP NOTIFY" },
	{ "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n", 0, -1, -1, 0, "SSDP M-SEARCH" },
	{ "OPTIONS rtsp://example.com/media.mp4 RTSP/1.0\r\nCSeq: 1\r\n\r\n", 0, -1, -1, 0, "RTSP request" },
	{ "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", 0, -1, -1, 0, "RTSP response" },
	{ "", 0, -2, -2, 0, "empty" },
	{ "\r\n\r\n", 0, -1, -2, 0, "keep-alive only" },
	{ "\n", 0, -1, -2, 0, "one LF" },
	{ "hello world\r\n\r\n", 0, -1, -2, 0, "text (a stream may still see a start line)" },
	{ "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11, -1, -2, 0, "TLS ClientHello start" },
	{ "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\n\x00\x00\n", 15, -1, -2, 0, "TLS ClientHello with LFs" },
	{ "SIP/2.0\r\n\r\n", 0, 11, 11, 0, "status line without a code: parsed, not sniffed" },
};

Test(sip_foreign, table)
{
	struct sip_msg m;
	for (size_t i = 0; i < N(foreign); i++) {
		const struct foreign_case *c = &foreign[i];
		size_t len = c->len ? c->len : strlen(c->in);
		int rc = parse(c->in, len, &m, SIP_MAX_HEADERS, NULL, DGRAM);
		cr_expect_eq(rc, c->dgram_rc, "%s: datagram rc %d", c->comment, rc);
		rc = parse(c->in, len, &m, SIP_MAX_HEADERS, NULL, STREAM);
		cr_expect_eq(rc, c->stream_rc, "%s: stream rc %d", c->comment, rc);
		cr_expect_eq(sip_sniff(guard_put(c->in, len), len), c->sniff, "%s: sniff", c->comment);
	}
}

/* Binary junk: -1 once it exceeds the junk window, without a crash for any
 * length. */
Test(sip_foreign, binary_junk)
{
	static char junk[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(junk); i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (char)(x >> 16);
	}
	struct sip_msg m;
	for (size_t n = 0; n <= sizeof(junk); n += (n < 1100 ? 1 : 97)) {
		/* a last, unterminated line that may still become a start
		 * line (junk then a method) reads as a truncated datagram */
		int d = parse(junk, n, &m, SIP_MAX_HEADERS, NULL, DGRAM);
		cr_assert(d == -1 || d == -2, "datagram %zu: rc %d", n, d);
		if (n >= 1024)
			cr_assert_eq(d, -1, "datagram %zu: rc %d", n, d);
		int s = parse(junk, n, &m, SIP_MAX_HEADERS, NULL, STREAM);
		cr_assert(s == -1 || s == -2, "stream %zu: rc %d", n, s);
		if (n >= 1024)
			cr_assert_eq(s, -1, "stream %zu: rc %d", n, s);
		cr_assert_eq(sip_sniff(guard_put(junk, n), n), 0, "sniff %zu", n);
	}
	cr_expect_eq(sip_sniff(NULL, 10), 0);
}

struct sniff_case {
	const char *in;
	int want;
	const char *comment;
};

static const struct sniff_case sniff_cases[] = {
	{ "SIP/2.0 200 OK\r\n", 1, "status line" },
	{ "SIP/2.0 180 Ringing", 1, "status line, no line end" },
	{ "SIP/2.0 100\r\n", 1, "status without reason" },
	{ "INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: x\r\n", 1, "request line" },
	{ "\r\n\r\nOPTIONS sip:a@b SIP/2.0\r\n", 1, "after keep-alives" },
	{ "@@@@ INVITE sip:a@b SIP/2.0\r\n", 1, "junk before the method" },
	{ "FOO sip:a@b SIP/2.0\r\n", 1, "extension method" },
	{ "SIP/3.0 200 OK\r\n", 1, "SIP/3.0 status" },
	{ "INVITE sip:a@b SIP/3.0\r\n", 1, "SIP/3.0 request" },
	{ "GET / HTTP/1.1\r\n", 0, "HTTP" },
	{ "NOTIFY * HTTP/1.1\r\n", 0, "SSDP" },
	{ "HTTP/1.1 200 OK\r\n", 0, "HTTP response" },
	{ "SIP/2.0\r\n", 0, "version only" },
	{ "SIP/2.0 20 OK\r\n", 0, "two-digit code" },
	{ "SIP/2.0 2000 OK\r\n", 0, "four-digit code" },
	{ "SIP/x 200 OK\r\n", 0, "no version number" },
	{ "INVITE sip:a@b\r\n", 0, "no version" },
	{ "INVITE SIP/2.0\r\n", 0, "one word before the version" },
	{ "INVITE sip:a@b\r\nSIP/2.0 200 OK\r\n", 0, "only the first line counts" },
	{ "", 0, "empty" },
	{ "\r\n", 0, "CRLF" },
	/* The usual status line is settled before the line end is found;
	 * the others take the general test. */
	{ "SIP/2.0 200OK\r\n", 1, "code then a letter" },
	{ "SIP/2.0\t404 Not Found\r\n", 1, "HTAB before the code" },
	{ "sip/2.0 200 OK\r\n", 1, "lower-case version" },
	{ "SIP/2.0 200\n", 1, "code then a bare LF" },
	{ "SIP/2.0  200 OK\r\n", 1, "two SP before the code" },
	{ "SIP/2.0 20\r\n0 OK\r\n", 0, "code cut by the line end" },
	{ "SIP/2.0 2\n00 OK\r\n", 0, "code cut by a bare LF" },
	{ "SIP/2.0 20x OK\r\n", 0, "letter in the code" },
	/* Two words before the version: SP or HTAB after the method, on
	 * lines shorter and longer than 16 bytes. */
	{ "A b SIP/2.0\r\n", 1, "short request line" },
	{ "INVITE\tsip:alice@atlanta.example.com SIP/2.0\r\n", 1,
	    "HTAB after the method" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZ sip:a SIP/2.0\r\n", 1,
	    "26-byte method" },
	{ "  INVITE sip:alice@atlanta.example.com SIP/2.0\r\n", 1,
	    "SP before the method" },
	{ "sip:alice@atlanta.example.com.invalid SIP/2.0\r\n", 0,
	    "one long word before the version" },
	{ "sip:alice@atlanta.example.com.invalid \t SIP/2.0\r\n", 0,
	    "one long word and WSP before the version" },
};

Test(sip_sniff, table)
{
	for (size_t i = 0; i < N(sniff_cases); i++) {
		const struct sniff_case *c = &sniff_cases[i];
		size_t len = strlen(c->in);
		cr_expect_eq(sip_sniff(guard_put(c->in, len), len), c->want, "%s", c->comment);
		/* prefixes: no read past the end; a request line needs its
		 * version, so no prefix ending before "SIP/" sniffs positive */
		const char *ver = strstr(c->in, "SIP/");
		for (size_t n = 0; n < len; n++) {
			int r = sip_sniff(guard_put(c->in, n), n);
			if (ver != NULL && n < (size_t)(ver - c->in) + 4)
				cr_expect_eq(r, 0, "%s: prefix %zu sniffs positive", c->comment, n);
		}
	}
}

/* SIP/3.0 sniffs as SIP and parses with bad_version; a 3000-byte method. */
Test(sip_sniff, parser_agrees)
{
	struct sip_msg m;
	static const char v3[] = "SIP/3.0 200 OK\r\n" BASE H_CL0 "\r\n";
	cr_expect_eq(sip_sniff(guard_put(v3, L(v3)), L(v3)), 1);
	cr_assert_eq(parse(v3, L(v3), &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)L(v3));
	EXPECT_BITS("SIP/3.0", m.anomalies, A(BAD_VERSION));
	EXPECT_SPAN("SIP/3.0", "version", m.version, "SIP/3.0");
	cr_expect_eq(m.status, 200);

	static const char r3[] = "INVITE sip:a@b SIP/3.0\r\n" BASE H_CL0 "\r\n";
	cr_expect_eq(sip_sniff(guard_put(r3, L(r3)), L(r3)), 1);
	cr_assert_eq(parse(r3, L(r3), &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)L(r3));
	EXPECT_BITS("SIP/3.0 request", m.anomalies, A(BAD_VERSION));

	static char big[8192];
	size_t n = 0;
	memset(big, 'A', 3000);
	n = 3000;
	n = cat(big, n, " sip:a@b SIP/2.0\r\n" H_VIA H_FROM H_TO H_CID "CSeq: 1 ");
	memset(big + n, 'A', 3000);
	n += 3000;
	n = cat(big, n, "\r\n" H_CL0 "\r\n");
	cr_expect_eq(sip_sniff(guard_put(big, n), n), 1);
	cr_assert_eq(parse(big, n, &m, SIP_MAX_HEADERS, NULL, STREAM), (int)n);
	EXPECT_BITS("3000-byte method", m.anomalies, A(UNKNOWN_METHOD) | A(LONG_CSEQ_METHOD));
	cr_expect_eq(m.method_tok.len, 3000);
	cr_expect_eq(m.method, SIP_M_OTHER);
	for (size_t k = 0; k < 3000; k++)
		cr_assert_eq(parse(big, k, &m, SIP_MAX_HEADERS, NULL, STREAM), -2, "prefix %zu", k);
}


/*
 * The header lines' ends come from one walk over the block, 64 bytes a
 * step (scan_lf_*() in scan.h): a header whose value runs to every length
 * up to 200 puts its line end, the line after it and the empty line at
 * every offset of a 64-byte window, with and without a folded line, at
 * the end of the input (stream mode, nothing after it) and before a body.
 */
Test(sip_walk, line_ends_at_every_offset)
{
	static char msg[1024], val[256];
	struct sip_msg m;

	for (int fold = 0; fold <= 1; fold++) {
		for (size_t k = 0; k <= 200; k++) {
			memset(val, 'v', k);
			val[k] = '\0';
			size_t n = cat(msg, 0, RL BASE "Subject: ");
			n = cat(msg, n, val);
			if (fold)
				n = cat(msg, n, "\r\n\tw");
			n = cat(msg, n, "\r\nX-A: b\r\n" H_CL0 "\r\n");
			for (int withbody = 0; withbody <= 1; withbody++) {
				size_t len = withbody ? cat(msg, n, "body") : n;
				unsigned fl = withbody ? DGRAM : STREAM;
				cr_assert_eq(parse(msg, len, &m, SIP_MAX_HEADERS, NULL, fl),
				    withbody ? (int)len : (int)n, "k %zu fold %d", k, fold);
				EXPECT_BITS("line ends", m.anomalies,
				    withbody ? A(CL_MISMATCH) : 0);
				cr_assert_eq(m.num_headers, 8, "k %zu fold %d", k, fold);
				const struct sip_header *h = &m.headers[5];
				cr_assert_eq(h->id, SIP_H_SUBJECT);
				/* The value as written, the fold kept inside it;
				 * with nothing before the fold, trimmed to "w". */
				char want[264];
				snprintf(want, sizeof want, "%s%s", val,
				    !fold ? "" : k == 0 ? "w" : "\r\n\tw");
				cr_assert(span_is(h->value, k == 0 && !fold ? NULL : want),
				    "k %zu fold %d: \"%.*s\"", k, fold, (int)h->value.len,
				    h->value.p);
				cr_assert(span_is(m.headers[6].value, "b"), "k %zu fold %d", k, fold);
				cr_assert(span_is(m.headers[7].value, "0"));
				cr_assert_eq(m.body.p, guarded + n);
				/* Every strict prefix is incomplete. */
				if (!withbody && k % 13 == 0)
					for (size_t t = 0; t < n; t++)
						cr_assert_eq(parse(msg, t, &m, SIP_MAX_HEADERS, NULL,
						    STREAM), -2, "k %zu prefix %zu", k, t);
			}
		}
	}
}

/*
 * NUL_BYTE: a NUL at any offset of the start line or the header block is
 * reported, one in the body or in junk before the start line is not.  The
 * walk that finds the line ends also tells whether a NUL can be there at
 * all; this checks it against the definition, for every offset, in inputs
 * shorter and longer than the 64 bytes it loads at once.
 */
Test(sip_walk, nul_at_every_offset)
{
	static const char *const msgs[] = {
		"SIP/2.0 200 OK\r\nCSeq: 1 BYE\r\n\r\nbody",
		"@@\r\n" RL BASE "Subject: s\r\n" H_CL0 "\r\nbody\0",
		RL BASE "Subject: s\r\n folded\r\n" H_CL0 "\r\n",
	};
	static char buf[512];
	struct sip_msg m;

	for (size_t i = 0; i < N(msgs); i++) {
		size_t len = strlen(msgs[i]) + (i == 1);
		for (size_t at = 0; at <= len; at++) {
			memcpy(buf, msgs[i], len);
			if (at < len)
				buf[at] = '\0';
			int r = parse(buf, len, &m, SIP_MAX_HEADERS, NULL, DGRAM);
			if (r <= 0)
				continue;
			const char *start = m.raw.p, *body = m.body.p;
			int want = memchr(start, '\0', (size_t)(body - start)) != NULL;
			cr_assert_eq((m.anomalies & A(NUL_BYTE)) != 0, want,
			    "msg %zu NUL at %zu: {%s}", i, at, bits(m.anomalies));
			if (at < len && guarded + at >= start && guarded + at < body)
				cr_assert(want, "msg %zu NUL at %zu not in the block", i, at);
		}
	}
}

/* Values are trimmed of LWS at both ends: the usual single SP after the
 * colon takes a short cut, everything else the general trim. */
Test(sip_walk, value_trim)
{
	static const struct {
		const char *line, *value;
	} cases[] = {
		{ "Subject: v w\r\n", "v w" },
		{ "Subject:v\r\n", "v" },
		{ "Subject:  v\r\n", "v" },
		{ "Subject: \tv\r\n", "v" },
		{ "Subject:\tv\r\n", "v" },
		{ "Subject: v \r\n", "v" },
		{ "Subject: v\t\r\n", "v" },
		{ "Subject: \r\n", NULL },
		{ "Subject:\r\n", NULL },
		{ "Subject:  \r\n", NULL },
		{ "Subject: \r\n\tv\r\n", "v" },
		{ "Subject: v\r\n \r\n", "v" },
		{ "Subject: v\n", "v" },
		{ "Subject: \n", NULL },
		{ "Subject : v\r\n", "v" },
	};
	static char buf[512];
	struct sip_msg m;

	for (size_t i = 0; i < N(cases); i++) {
		size_t n = cat(buf, 0, RL BASE);
		n = cat(buf, n, cases[i].line);
		n = cat(buf, n, "\r\n");
		cr_assert_eq(parse(buf, n, &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)n,
		    "%s", cases[i].line);
		cr_assert_eq(m.num_headers, 6);
		cr_expect_eq(m.headers[5].id, SIP_H_SUBJECT, "%s", cases[i].line);
		EXPECT_SPAN(cases[i].line, "value", m.headers[5].value, cases[i].value);
	}
}

/* The ':' after a name is looked for in the line's first 16 bytes, then
 * further: names of every length up to 40, with and without WSP before
 * the colon, and a colon only after the line end (not a header). */
Test(sip_walk, colon_at_every_offset)
{
	static char buf[512], name[48];
	struct sip_msg m;

	for (size_t k = 1; k <= 40; k++) {
		for (int ws = 0; ws <= 2; ws++) {
			memset(name, 'x', k);
			name[k] = '\0';
			size_t n = cat(buf, 0, RL BASE);
			n = cat(buf, n, name);
			n = cat(buf, n, ws == 0 ? ":" : ws == 1 ? " :" : "\t \t:");
			n = cat(buf, n, " v:w\r\n\r\n");
			cr_assert_eq(parse(buf, n, &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)n);
			EXPECT_BITS("colon", m.anomalies, 0);
			cr_assert_eq(m.num_headers, 6, "k %zu ws %d", k, ws);
			cr_assert(span_mem(m.headers[5].name, name, k), "k %zu ws %d", k, ws);
			cr_assert(span_is(m.headers[5].value, "v:w"), "k %zu ws %d", k, ws);
			/* The colon on the next line does not make this a header. */
			n = cat(buf, 0, RL BASE);
			n = cat(buf, n, name);
			n = cat(buf, n, "\r\nX-B: v\r\n\r\n");
			cr_assert_eq(parse(buf, n, &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)n);
			EXPECT_BITS("no colon", m.anomalies, A(BAD_HEADER));
			cr_assert_eq(m.num_headers, 6, "k %zu", k);
			cr_assert(span_is(m.headers[5].value, "v"));
		}
	}
	/* Names whose colon is past the first 16 bytes. */
	static const char *const long_names[] = { "Proxy-Authorization",
		"WWW-Authenticate", "Proxy-Authenticate", "Content-Encoding" };
	static const uint16_t ids[] = { SIP_H_PROXY_AUTHORIZATION,
		SIP_H_WWW_AUTHENTICATE, SIP_H_PROXY_AUTHENTICATE, SIP_H_CONTENT_ENCODING };
	for (size_t i = 0; i < N(long_names); i++) {
		size_t n = cat(buf, 0, RL BASE);
		n = cat(buf, n, long_names[i]);
		n = cat(buf, n, ": x\r\n\r\n");
		cr_assert_eq(parse(buf, n, &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)n);
		cr_expect_eq(m.headers[5].id, ids[i], "%s", long_names[i]);
		cr_expect_eq(m.first[ids[i]], 5, "%s", long_names[i]);
	}
}

/*
 * A line's name is first guessed from its first two bytes and confirmed
 * with the ':' after it; anything else takes the general path.  Every
 * known name and compact form in its usual spelling (the guess), in lower
 * and upper case, with WSP before the ':', near the end of the input, and
 * unknown names that share a guessed prefix get the id the name lookup
 * gives and the name as written.
 */
Test(sip_walk, name_guess_and_fallback)
{
	static const char *const spell[] = { "Via", "From", "To", "Call-ID", "CSeq",
		"Contact", "Max-Forwards", "Content-Length", "Content-Type",
		"Content-Encoding", "User-Agent", "Server", "Expires", "Authorization",
		"Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate",
		"Subject", "Supported", "Event", "Allow-Events", "Refer-To",
		"Referred-By", "Session-Expires", "Identity", "Route", "Record-Route",
		"Allow", "Require", "MIME-Version", "v", "f", "t", "i", "m", "l", "c",
		"e", "s", "k", "o", "u", "r", "b", "x", "y",
		/* unknown, but guessed from the same first bytes */
		"Contacts", "Content-Lengthy", "Conten", "Vi", "Vias", "Tot", "CSeqX",
		"Call-I", "Allo", "Allowed", "Server-", "Supports", "WWW", "Accept",
		"X-Via", "Re", "Ro", "Pr", "Proxy-Authorizatio" };
	static char buf[512], name[32];
	struct sip_msg m;

	for (size_t i = 0; i < N(spell); i++) {
		for (int v = 0; v < 6; v++) {
			size_t k = strlen(spell[i]);
			for (size_t j = 0; j <= k; j++)
				name[j] = v == 1 ? (char)tolower((unsigned char)spell[i][j]) :
				    v == 2 ? (char)toupper((unsigned char)spell[i][j]) : spell[i][j];
			struct span nm = { name, (uint32_t)k };
			unsigned want = sip_hdr_lookup(nm);
			size_t n = cat(buf, 0, RL BASE);
			n = cat(buf, n, name);
			/* v 3: WSP before the ':'; v 4: no value, the line right at
			 * the end of a stream input; v 5: no SP after the ':' */
			n = cat(buf, n, v == 3 ? " \t: x\r\n" : v == 4 ? ":\r\n" :
			    v == 5 ? ":x\r\n" : ": x\r\n");
			n = cat(buf, n, "\r\n");
			cr_assert_eq(parse(buf, n, &m, SIP_MAX_HEADERS, NULL, STREAM), (int)n,
			    "%s v %d", name, v);
			cr_assert_eq(m.num_headers, 6, "%s v %d", name, v);
			cr_expect_eq(m.headers[5].id, want, "%s v %d: id %u, want %u", name, v,
			    m.headers[5].id, want);
			cr_expect(span_mem(m.headers[5].name, name, k), "%s v %d", name, v);
			EXPECT_SPAN(name, "value", m.headers[5].value, v == 4 ? NULL : "x");
			/* BASE holds the first Via, From, To, Call-ID and CSeq. */
			int in_base = want == SIP_H_VIA || want == SIP_H_FROM ||
			    want == SIP_H_TO || want == SIP_H_CALL_ID || want == SIP_H_CSEQ;
			if (want != SIP_H_OTHER && !in_base)
				cr_expect_eq(m.first[want], 5, "%s v %d", name, v);
		}
	}
}

/* The guess table's slot of a line starting with bytes a, b (sip.h). */
static unsigned
guess_slot(char a, char b)
{
	uint16_t w = (uint16_t)((unsigned char)a | (unsigned char)b << 8);
	return (uint32_t)(w * SIP_HDR_GUESS_MUL) >> (32 - SIP_HDR_GUESS_BITS);
}

/*
 * sip_hdr_guess, recomputed from the header table: every known name, as
 * sip_hdr_name() spells it, is in the slot of its first two bytes (found
 * on the first try), unless two other names with its prefix fill that
 * slot (Content-Type, Refer-To, Referred-By); a slot holds nothing else,
 * and no two prefixes share one.  A stale table would only make lines
 * dearer: this test is what notices.  Compact forms are not guessed (the
 * guess needs a name of two bytes or more); some land in a slot that
 * holds a name ("i:" in that of "Ex"), which name_guess_and_fallback
 * parses.
 */
Test(sip_walk, guess_table_matches_names)
{
	unsigned want[1u << SIP_HDR_GUESS_BITS] = { 0 }; /* names per slot */
	const char *prefix[1u << SIP_HDR_GUESS_BITS] = { 0 };

	for (unsigned id = SIP_H_OTHER + 1; id < SIP_H__COUNT; id++) {
		const char *n = sip_hdr_name((enum sip_hdr_id)id);
		unsigned s = guess_slot(n[0], n[1]);
		if (prefix[s] != NULL)
			cr_expect(memcmp(prefix[s], n, 2) == 0,
			    "\"%s\" and \"%s\" share slot %u", prefix[s], n, s);
		prefix[s] = n;
		want[s]++;
	}
	for (unsigned id = SIP_H_OTHER + 1; id < SIP_H__COUNT; id++) {
		const char *n = sip_hdr_name((enum sip_hdr_id)id);
		unsigned s = guess_slot(n[0], n[1]);
		const uint8_t *g = sip_hdr_guess[s];
		int found = g[0] == id || g[1] == id;
		int full = g[0] != SIP_H_OTHER && g[1] != SIP_H_OTHER && g[0] != id &&
		    g[1] != id && memcmp(sip_hdr_name(g[0]), n, 2) == 0 &&
		    memcmp(sip_hdr_name(g[1]), n, 2) == 0;
		cr_expect(found || (want[s] > 2 && full),
		    "\"%s\" (id %u) is not in guess slot %u", n, id, s);
	}
	for (unsigned s = 0; s < (1u << SIP_HDR_GUESS_BITS); s++) {
		const uint8_t *g = sip_hdr_guess[s];
		unsigned held = (g[0] != SIP_H_OTHER) + (g[1] != SIP_H_OTHER);
		cr_expect_eq(held, want[s] < 2 ? want[s] : 2, "slot %u holds %u ids, want %u",
		    s, held, want[s] < 2 ? want[s] : 2);
		/* slot 1 is looked at only after slot 0 */
		cr_expect(g[0] != SIP_H_OTHER || g[1] == SIP_H_OTHER, "slot %u", s);
		cr_expect(g[0] == SIP_H_OTHER || g[0] != g[1], "slot %u", s);
		for (int k = 0; k < 2; k++) {
			if (g[k] == SIP_H_OTHER)
				continue;
			cr_assert_lt(g[k], SIP_H__COUNT);
			const char *n = sip_hdr_name(g[k]);
			cr_expect_eq(guess_slot(n[0], n[1]), s, "\"%s\" in slot %u", n, s);
		}
	}
}

/* ------------------------------------------------------------- methods */

Test(sip_method, round_trip)
{
	static const char *const all[] = { "INVITE", "ACK", "BYE", "CANCEL", "REGISTER",
		"OPTIONS", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER",
		"MESSAGE", "UPDATE" };
	cr_assert_eq(N(all), SIP_M_OTHER - 1);
	for (unsigned m = SIP_M_NONE + 1; m < SIP_M_OTHER; m++) {
		const char *n = sip_method_name((enum sip_method)m);
		cr_expect_str_eq(n, all[m - 1]);
		size_t len = strlen(n);
		struct span s = { guard_put(n, len), (uint32_t)len };
		cr_expect_eq(sip_method_lookup(s), m, "%s", n);
		/* case-sensitive (section 7.1), and no prefix matches */
		char lo[16];
		for (size_t i = 0; i <= len; i++)
			lo[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
		s = (struct span){ guard_put(lo, len), (uint32_t)len };
		cr_expect_eq(sip_method_lookup(s), SIP_M_OTHER, "%s", lo);
		s = (struct span){ guard_put(n, len - 1), (uint32_t)len - 1 };
		cr_expect_eq(sip_method_lookup(s), SIP_M_OTHER, "%.*s", (int)len - 1, n);
		char longer[20];
		snprintf(longer, sizeof(longer), "%sX", n);
		s = (struct span){ guard_put(longer, len + 1), (uint32_t)len + 1 };
		cr_expect_eq(sip_method_lookup(s), SIP_M_OTHER, "%s", longer);
	}
	cr_expect_str_eq(sip_method_name(SIP_M_NONE), "");
	cr_expect_str_eq(sip_method_name(SIP_M_OTHER), "OTHER");
	cr_expect_str_eq(sip_method_name(SIP_M__COUNT), "");
	cr_expect_str_eq(sip_method_name((enum sip_method)-1), "");
	struct span s = { guard_put("OTHER", 5), 5 };
	cr_expect_eq(sip_method_lookup(s), SIP_M_OTHER);
	cr_expect_eq(sip_method_lookup(SPAN_NULL), SIP_M_OTHER);
	s = (struct span){ guard_put("", 0), 0 };
	cr_expect_eq(sip_method_lookup(s), SIP_M_OTHER);
}

/* The parser finds each method of a request line as sip_method_lookup()
 * does (it compares short names as words): every method, its lower-case
 * form, one byte shorter and one longer, right before a guard page. */
Test(sip_method, in_request_line)
{
	struct sip_msg m;
	char line[64];
	for (unsigned id = SIP_M_NONE + 1; id < SIP_M_OTHER; id++) {
		const char *n = sip_method_name((enum sip_method)id);
		size_t len = strlen(n);
		char lo[16];
		for (size_t i = 0; i <= len; i++)
			lo[i] = (char)(n[i] >= 'A' && n[i] <= 'Z' ? n[i] + 32 : n[i]);
		const struct {
			const char *tok;
			int tlen;
			unsigned want;
		} v[] = {
			{ n, (int)len, id }, { lo, (int)len, SIP_M_OTHER },
			{ n, (int)len - 1, SIP_M_OTHER },
		};
		for (size_t k = 0; k < N(v); k++) {
			int n1 = snprintf(line, sizeof(line), "%.*s x SIP/2.0\r\n\r\n", v[k].tlen, v[k].tok);
			int rc = parse(line, (size_t)n1, &m, SIP_MAX_HEADERS, NULL, DGRAM);
			cr_assert_eq(rc, n1, "%s", line);
			cr_expect_eq(m.method, v[k].want, "%s: %u", line, m.method);
		}
		int n2 = snprintf(line, sizeof(line), "%sX x SIP/2.0\r\n\r\n", n);
		cr_assert_eq(parse(line, (size_t)n2, &m, SIP_MAX_HEADERS, NULL, DGRAM), n2);
		cr_expect_eq(m.method, SIP_M_OTHER, "%s", line);
	}
}

/* Outputs are reset on entry, whatever the previous call left. */
Test(sip_parse, reset_on_entry)
{
	struct sip_msg m;
	cr_assert_gt(parse(multi01, sizeof(multi01) - 1, &m, SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_assert_neq(m.anomalies, 0);
	static const char *const again[] = { "GET / HTTP/1.1\r\n\r\n", "", "INVITE sip:a@b SIP/2.0\r\nVia" };
	for (size_t i = 0; i < N(again); i++) {
		memset(&m, 0xa5, sizeof(m));
		int rc = parse(again[i], strlen(again[i]), &m, SIP_MAX_HEADERS, NULL, STREAM);
		cr_expect_lt(rc, 0);
		if (i < 2) {
			cr_expect_eq(m.anomalies, 0, "%zu", i);
			cr_expect_eq(m.num_headers, 0, "%zu", i);
			cr_expect_eq(m.body.len, 0, "%zu", i);
			cr_expect_eq(m.is_request, 0, "%zu", i);
			for (unsigned id = 0; id < SIP_H__COUNT; id++)
				cr_expect(m.first[id] == -1 && m.count[id] == 0, "%zu: id %u", i, id);
		}
		cr_expect_eq(m.headers, hdrs);
	}
	/* a fresh parse after a bad one gives exactly the good message */
	cr_assert_eq(parse(f14_200, L(f14_200), &m, SIP_MAX_HEADERS, NULL, DGRAM), (int)L(f14_200));
	EXPECT_BITS("after reset", m.anomalies, 0);
	cr_expect_eq(m.num_headers, 6);
}

/* msg->cseq_ok and its values are what sip_cseq_parse() gives for the
 * first CSeq header, and 0 when it would fail. */
Test(sip_parse, cseq_for_summary)
{
	static const struct {
		const char *cseq; /* the CSeq header lines */
		int ok;
		uint32_t seq;
		const char *method;
	} t[] = {
		{ "CSeq: 42 INVITE\r\n", 1, 42, "INVITE" },
		{ "CSeq: 0000000042 INVITE\r\n", 1, 42, "INVITE" },       /* 10 digits */
		{ "CSeq: 00000000042 INVITE\r\n", 0, 0, NULL },           /* 11 digits */
		{ "CSeq: 4294967295 INVITE\r\n", 1, 4294967295u, "INVITE" },
		{ "CSeq: 4294967296 INVITE\r\n", 0, 0, NULL },
		{ "CSeq: 7\r\n \tINVITE\r\n", 1, 7, "INVITE" },           /* folded */
		{ "CSeq: 7INVITE\r\n", 0, 0, NULL },
		{ "CSeq: INVITE\r\n", 0, 0, NULL },
		{ "CSeq: 7 INVITE x\r\n", 0, 0, NULL },
		{ "CSeq: 1 INVITE\r\nCSeq: 2 BYE\r\n", 1, 1, "INVITE" },  /* the first */
		{ "CSeq: x\r\nCSeq: 2 BYE\r\n", 0, 0, NULL },
	};
	for (size_t i = 0; i < N(t); i++) {
		char in[512];
		int n = snprintf(in, sizeof(in), "INVITE sip:b@example.com SIP/2.0\r\n"
		    "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
		    "To: <sip:b@example.com>\r\nCall-ID: c\r\n%sContent-Length: 0\r\n\r\n",
		    t[i].cseq);
		struct sip_msg m;
		memset(&m, 0xa5, sizeof(m));
		cr_assert_eq(parse(in, (size_t)n, &m, SIP_MAX_HEADERS, NULL, DGRAM), n);
		cr_expect_eq(m.cseq_ok, t[i].ok, "%zu", i);
		uint32_t seq;
		struct span meth;
		int rc = sip_cseq_parse(sip_hdr_get(&m, SIP_H_CSEQ), &seq, &meth);
		cr_expect_eq(rc == 0, t[i].ok, "%zu: sip_cseq_parse %d", i, rc);
		if (t[i].ok) {
			cr_expect_eq(m.cseq, t[i].seq, "%zu", i);
			EXPECT_SPAN(t[i].cseq, "cseq_method", m.cseq_method, t[i].method);
			cr_expect_eq(seq, m.cseq, "%zu", i);
			cr_expect(meth.p == m.cseq_method.p && meth.len == m.cseq_method.len,
			    "%zu", i);
		}
	}
}

/* ------------------------------------------------ the two parser forms */

/*
 * sip_parse() is compiled twice (sip.c): a form whose line-end walk loads
 * 32 bytes at a time, run where the CPU has AVX2, and a plain one.  Every
 * other test here runs the form this machine picks; these run both on the
 * fuzz corpora (every file, every truncation of it and a few mutations),
 * in datagram and stream mode and with room for fewer headers than a
 * message has, and want the same result field by field.
 */

static struct sip_header form_hdrs[2][SIP_MAX_HEADERS];

/* Field by field (padding differs): the first difference's name, or NULL. */
static const char *
msg_differs(const struct sip_msg *a, const struct sip_msg *b)
{
#define F(x) if (a->x != b->x) return #x
#define S(x) if (a->x.p != b->x.p || a->x.len != b->x.len) return #x
	F(is_request); F(method); S(method_tok); S(ruri); S(version);
	F(status); S(reason); S(start_line); F(num_headers);
	for (int i = 0; i < SIP_H__COUNT; i++) {
		F(first[i]);
		F(count[i]);
	}
	F(cseq_ok); F(cseq); S(cseq_method); S(body); F(content_length);
	F(has_content_length); S(raw); F(skipped); F(anomalies);
	for (size_t i = 0; i < a->num_headers; i++) {
		F(headers[i].id);
		S(headers[i].name);
		S(headers[i].value);
	}
	return NULL;
#undef F
#undef S
}

/* Both forms on in[0..len), guarded, message after message in stream
 * mode as the TCP framer calls the parser; 0 when they differ.  A failed
 * parse's partial message is not compared: callers do not read it. */
static int
forms_agree(int wide, const char *in, size_t len, unsigned flags,
    size_t cap, const char *what)
{
	const char *g = guard_put(in, len);
	size_t off = 0;

	for (int k = 0; k < 64 && off <= len; k++) {
		struct sip_msg m[2];
		int r[2];
		for (int f = 0; f < 2; f++) {
			memset(&m[f], f ? 0x5a : 0xa5, sizeof(m[f]));
			r[f] = sip_parse_form(f ? wide : 0, g + off, len - off,
			    &m[f], form_hdrs[f], cap, NULL, flags);
		}
		const char *field = r[0] != r[1] ? "return value" : NULL;
		if (field == NULL && r[0] > 0 &&
		    (m[0].headers != form_hdrs[0] || m[1].headers != form_hdrs[1]))
			field = "headers";
		if (field == NULL && r[0] > 0)
			field = msg_differs(&m[0], &m[1]);
		if (field != NULL) {
			cr_log_error("%s, %zu bytes at %zu, flags %u, room for %zu "
			    "headers: %s differs (returns %d plain, %d other form)",
			    what, len - off, off, flags, cap, field, r[0], r[1]);
			return 0;
		}
		if (!(flags & STREAM) || r[0] <= 0)
			break;
		off += (size_t)r[0];
	}
	return 1;
}

/* Both modes, and room for fewer headers than a message has, on
 * in[0..len); 0 when the forms differ. */
static int
forms_agree_modes(int wide, const char *in, size_t len, const char *what)
{
	return forms_agree(wide, in, len, DGRAM, SIP_MAX_HEADERS, what) &&
	    forms_agree(wide, in, len, STREAM, SIP_MAX_HEADERS, what) &&
	    forms_agree(wide, in, len, DGRAM, 4, what);
}

/* Every file of dir: whole, cut at every length, and mutated (bytes
 * flipped, line ends and delimiters put in, bytes taken out).  Returns
 * the files read. */
static size_t
forms_agree_dir(int wide, const char *dir)
{
	static const char put[] = "\r\n \t:,;<>\"\\";
	static char in[1 << 16], mut[(1 << 16) + 4];
	uint64_t rng = 0x9e3779b97f4a7c15ull;
	size_t files = 0;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s", dir);
	for (struct dirent *e; (e = readdir(d)) != NULL; ) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		cr_assert_not_null(f, "%s", path);
		size_t n = fread(in, 1, sizeof(in), f);
		fclose(f);
		files++;
		for (size_t l = 0; l <= n; l++)
			if (!forms_agree_modes(wide, in, l, path))
				cr_assert_fail("%s cut to %zu bytes", path, l);
		for (int i = 0; i < 8; i++) {
			size_t m = n;
			memcpy(mut, in, n);
			for (int j = 0; j < 3; j++) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				size_t at = (size_t)(rng >> 16) % (m + 1);
				if (j == 1 && m < sizeof(mut)) {
					memmove(mut + at + 1, mut + at, m - at);
					mut[at] = put[(rng >> 8) % (sizeof(put) - 1)];
					m++;
				} else if (j == 2 && at < m) {
					memmove(mut + at, mut + at + 1, m - at - 1);
					m--;
				} else if (at < m) {
					mut[at] ^= (char)(1u << (rng & 7));
				}
			}
			if (!forms_agree_modes(wide, mut, m, path))
				cr_assert_fail("%s, mutation %d", path, i);
		}
	}
	closedir(d);
	return files;
}

/* The form sip_parse() takes here besides the plain one: 0 (and said so)
 * when the CPU has no AVX2, which leaves one form to compare with itself. */
static int
other_form(void)
{
#ifdef SCAN_LF_AVX2
	if (scan_have_avx2())
		return 1;
	cr_log_info("no AVX2 on this CPU: sip_parse() has one form here, "
	    "compared with itself");
#else
	cr_log_info("built without AVX2 support: sip_parse() has one form, "
	    "compared with itself");
#endif
	return 0;
}

Test(sip_forms, fuzz_sip_corpus_alike, .timeout = 120)
{
	cr_expect_gt(forms_agree_dir(other_form(), "tests/fuzz/corpus/fuzz_sip"),
	    100);
}

Test(sip_forms, fuzz_stream_corpus_alike, .timeout = 120)
{
	cr_expect_gt(forms_agree_dir(other_form(),
	    "tests/fuzz/corpus/fuzz_stream"), 100);
}

/* The compare itself: a message the forms cannot differ on agrees, and a
 * difference in one header entry is one msg_differs() reports. */
Test(sip_forms, compare_sees_a_header_entry)
{
	struct sip_msg a, b;
	cr_assert_gt(sip_parse_form(0, f1_invite, sizeof(f1_invite) - 1, &a,
	    form_hdrs[0], SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_assert_gt(sip_parse_form(0, f1_invite, sizeof(f1_invite) - 1, &b,
	    form_hdrs[1], SIP_MAX_HEADERS, NULL, DGRAM), 0);
	cr_expect_null(msg_differs(&a, &b));
	form_hdrs[1][a.num_headers - 1].value.len++;
	cr_expect_str_eq(msg_differs(&a, &b), "headers[i].value");
}
