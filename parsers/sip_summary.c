/* sip_summary.c - see sip_summary.h. */
#include "sip_summary.h"

#include <string.h>

/*
 * *s is not zeroed as a whole: it is 2.5 KB, mostly SDP media slots, and
 * clearing it cost more than parsing a typical message.  Each part is reset
 * by its parser when there is something to parse, and here otherwise.
 */

static void
nameaddr(struct span v, struct sip_nameaddr *na, int *has, uint64_t *anoms,
    unsigned bad_bit)
{
	*has = 0;
	if (v.p == NULL) {
		memset(na, 0, sizeof *na);
		return;
	}
	if (sip_nameaddr_parse(v, na) == 0)
		*has = 1;
	else if (bad_bit < SIP_A__COUNT)
		*anoms |= SIP_A_BIT(bad_bit);
}

static void
auth(const struct sip_msg *msg, const uint16_t ids[2], struct sip_auth *a,
    int *has, uint16_t *which, uint64_t *anoms)
{
	*has = 0;
	*which = 0;
	for (int i = 0; i < 2; i++) {
		struct span v = sip_hdr_get(msg, (enum sip_hdr_id)ids[i]);
		if (v.p == NULL)
			continue;
		*which = ids[i];
		if (sip_auth_parse(v, a) == 0)
			*has = 1;
		else
			*anoms |= SIP_A_BIT(SIP_A_BAD_AUTH);
		return;
	}
	memset(a, 0, sizeof *a);
}

void
sip_summarize(const struct sip_msg *msg, struct sip_summary *s)
{
	static const uint16_t cred[2] = { SIP_H_AUTHORIZATION, SIP_H_PROXY_AUTHORIZATION };
	static const uint16_t chal[2] = { SIP_H_WWW_AUTHENTICATE, SIP_H_PROXY_AUTHENTICATE };
	struct span el;
	uint32_t pos;

	s->anomalies = msg->anomalies;

	s->call_id = sip_hdr_get(msg, SIP_H_CALL_ID);
	struct span v = sip_hdr_get(msg, SIP_H_CSEQ);
	s->has_cseq = 0;
	if (v.p == NULL) {
		s->cseq = 0;
		s->cseq_method = SPAN_NULL;
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
		memset(&s->ruri, 0, sizeof s->ruri);
	}
	nameaddr(sip_hdr_get(msg, SIP_H_FROM), &s->from, &s->has_from,
	    &s->anomalies, SIP_A_BAD_FROM);
	nameaddr(sip_hdr_get(msg, SIP_H_TO), &s->to, &s->has_to, &s->anomalies,
	    SIP_A_BAD_TO);
	v = sip_hdr_get(msg, SIP_H_CONTACT);
	pos = 0;
	if (v.p == NULL || !sip_list_next(v, &pos, &el))
		el = SPAN_NULL;
	nameaddr(el, &s->contact, &s->has_contact, &s->anomalies, SIP_A__COUNT);

	s->user_agent = sip_hdr_get(msg, SIP_H_USER_AGENT);
	if (s->user_agent.p == NULL)
		s->user_agent = sip_hdr_get(msg, SIP_H_SERVER);

	v = sip_hdr_get(msg, SIP_H_VIA);
	s->has_via = 0;
	pos = 0;
	if (v.p == NULL) {
		memset(&s->via, 0, sizeof s->via);
	} else if (!sip_list_next(v, &pos, &el)) {
		memset(&s->via, 0, sizeof s->via);
		s->anomalies |= SIP_A_BIT(SIP_A_BAD_VIA);
	} else if (sip_via_parse(el, &s->via) == 0) {
		s->has_via = 1;
	} else {
		s->anomalies |= SIP_A_BIT(SIP_A_BAD_VIA);
	}

	auth(msg, cred, &s->auth, &s->has_auth, &s->auth_hdr, &s->anomalies);
	auth(msg, chal, &s->challenge, &s->has_challenge, &s->challenge_hdr,
	    &s->anomalies);

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
		memset(&s->sdp, 0, sizeof s->sdp);
	}
}
