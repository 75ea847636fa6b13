/* sip_summary.c - see sip_summary.h. */
#include "sip_summary.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan.h"

/*
 * *s is not zeroed as a whole: it is 2.5 KB, mostly SDP media slots, and
 * clearing it cost more than parsing a typical message.  Each part is reset
 * by its parser when there is something to parse, and here otherwise.
 */

/*
 * Zeroes the n bytes of the object at p, its padding included,
 * as copying a static zeroed one would.  gcc turns a memset() of a part
 * this size into "rep stosq", which is slow to start, and a copy into a
 * load and a store per 16 bytes; here it is one store of a zeroed
 * register per 16 bytes (the last may overlap the one before).  Unrolled
 * for the constant n of each caller.
 */
HOT void
clear(void *p, size_t n)
{
#ifdef __SSE2__
	const __m128i z = _mm_setzero_si128();
	char *c = p;

	/* The overlapping last store needs 16 bytes (n is a constant: the
	 * test goes at compile time). */
	if (n < 16) {
		memset(p, 0, n);
		return;
	}
#pragma GCC unroll 16
	for (size_t i = 0; i < n / 16; i++)
		_mm_storeu_si128((__m128i *)(void *)(c + 16 * i), z);
	if (n % 16 != 0)
		_mm_storeu_si128((__m128i *)(void *)(c + n - 16), z);
#else
	memset(p, 0, n);
#endif
}

HOT void
nameaddr(struct span v, struct sip_nameaddr *na, int *has, uint64_t *anoms,
    unsigned bad_bit)
{
	*has = 0;
	if (v.p == NULL) {
		clear(na, sizeof *na);
		return;
	}
	if (sip_nameaddr_parse(v, na) == 0)
		*has = 1;
	else
		*anoms |= SIP_A_BIT(bad_bit);
}

/* Inline, so that the header ids are constants and most messages, which
 * carry neither header, cost two loads and the clearing. */
HOT void
auth(const struct sip_msg *msg, enum sip_hdr_id id0, enum sip_hdr_id id1,
    struct sip_auth *a, int *has, uint16_t *which, uint64_t *anoms)
{
	struct span v = sip_hdr_get(msg, id0);

	*has = 0;
	*which = (uint16_t)id0;
	if (v.p == NULL) {
		v = sip_hdr_get(msg, id1);
		*which = (uint16_t)id1;
	}
	if (v.p == NULL) {
		*which = 0;
		clear(a, sizeof *a);
	} else if (sip_auth_parse(v, a) == 0) {
		*has = 1;
	} else {
		*anoms |= SIP_A_BIT(SIP_A_BAD_AUTH);
	}
}

/*
 * 1 if the list v starts with an element rather than with ',' (LWS
 * aside).  Then sip_via_parse() of the whole list is that of its first
 * element: it stops at the first ',' outside quotes, where
 * sip_list_next() ends the element or before, and the bytes it reads up
 * to there are the element's.
 */
static int
starts_elem(struct span v)
{
	const char *p = v.p, *e = v.p + v.len;

	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < e && *p != ',';
}

void
sip_summarize(const struct sip_msg *msg, struct sip_summary *s)
{
	uint32_t pos;

	s->anomalies = msg->anomalies;

	s->call_id = sip_hdr_get(msg, SIP_H_CALL_ID);
	struct span v = sip_hdr_get(msg, SIP_H_CSEQ);
	s->has_cseq = 0;
	if (v.p == NULL) {
		s->cseq = 0;
		s->cseq_method = SPAN_NULL;
	} else if (msg->cseq_ok) {
		/* v is the first CSeq header, the one sip_parse() checked:
		 * when it had no room for that one, it stored none. */
		s->has_cseq = 1;
		s->cseq = msg->cseq;
		s->cseq_method = msg->cseq_method;
	} else if (sip_cseq_parse(v, &s->cseq, &s->cseq_method) == 0) {
		s->has_cseq = 1;
	}

	s->has_ruri = 0;
	if (msg->is_request && msg->ruri.len) {
		if (sip_uri_parse(msg->ruri, &s->ruri) == 0)
			s->has_ruri = 1;
		else
			s->anomalies |= SIP_A_BIT(SIP_A_BAD_RURI);
	} else {
		clear(&s->ruri, sizeof s->ruri);
	}
	nameaddr(sip_hdr_get(msg, SIP_H_FROM), &s->from, &s->has_from,
	    &s->anomalies, SIP_A_BAD_FROM);
	nameaddr(sip_hdr_get(msg, SIP_H_TO), &s->to, &s->has_to, &s->anomalies,
	    SIP_A_BAD_TO);

	s->user_agent = sip_hdr_get(msg, SIP_H_USER_AGENT);
	if (s->user_agent.p == NULL)
		s->user_agent = sip_hdr_get(msg, SIP_H_SERVER);

	v = sip_hdr_get(msg, SIP_H_VIA);
	s->has_via = 0;
	pos = 0;
	if (v.p == NULL) {
		clear(&s->via, sizeof s->via);
	} else if (!starts_elem(v) && !sip_list_next(v, &pos, &v)) {
		/* (v, passed by value, becomes its first element) */
		clear(&s->via, sizeof s->via);
		s->anomalies |= SIP_A_BIT(SIP_A_BAD_VIA);
	} else if (sip_via_parse(v, &s->via) == 0) {
		s->has_via = 1;
	} else {
		s->anomalies |= SIP_A_BIT(SIP_A_BAD_VIA);
	}

	auth(msg, SIP_H_AUTHORIZATION, SIP_H_PROXY_AUTHORIZATION, &s->auth,
	    &s->has_auth, &s->auth_hdr, &s->anomalies);
	auth(msg, SIP_H_WWW_AUTHENTICATE, SIP_H_PROXY_AUTHENTICATE, &s->challenge,
	    &s->has_challenge, &s->challenge_hdr, &s->anomalies);

	struct span sdpb;
	s->has_sdp = 0;
	if (msg->body.len &&
	    sdp_find(sip_hdr_get(msg, SIP_H_CONTENT_TYPE), msg->body, &sdpb) == 0) {
		if (sdp_parse(sdpb, &s->sdp) == 0) {
			s->has_sdp = 1;
			if (s->sdp.bad)
				s->anomalies |= SIP_A_BIT(SIP_A_BAD_SDP);
		} else {
			s->anomalies |= SIP_A_BIT(SIP_A_BAD_SDP);
		}
	} else {
		sdp_info_reset(&s->sdp);
	}
}
