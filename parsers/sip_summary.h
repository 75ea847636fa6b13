/*
 * sip_summary.h - the fields of a parsed SIP message that the rules and
 * outputs use, parsed once per message.  libc only, zero copy: spans point
 * into the message buffer and live as long as it does.
 */
#ifndef SIPWATCH_SIP_SUMMARY_H
#define SIPWATCH_SIP_SUMMARY_H

#include "sdp.h"
#include "sip.h"
#include "sip_values.h"

struct sip_summary {
	struct span call_id;
	int has_cseq;
	uint32_t cseq;
	struct span cseq_method;
	/* (Contact is not parsed: no rule or output reads it.) */
	int has_from, has_to;
	struct sip_nameaddr from, to;
	struct span user_agent; /* User-Agent, else Server */
	int has_via;
	struct sip_via via;     /* topmost */
	int has_ruri;
	struct sip_uri ruri;
	int has_auth;           /* Authorization or Proxy-Authorization */
	uint16_t auth_hdr;      /* which (enum sip_hdr_id) */
	struct sip_auth auth;
	int has_challenge;      /* WWW- or Proxy-Authenticate */
	uint16_t challenge_hdr;
	struct sip_auth challenge;
	int has_sdp;
	/* media[] (1 KB) is never cleared as a whole, with or without SDP:
	 * read media[i] only for i < num_media. */
	struct sdp_info sdp;
	/* msg->anomalies plus what the value parsers found (BAD_RURI,
	 * BAD_FROM, BAD_TO, BAD_VIA, BAD_AUTH, BAD_SDP) */
	uint64_t anomalies;
};

/* Parses the values of msg into *s.  Never fails: what does not parse
 * leaves its has_ flag clear and an anomaly bit set. */
void sip_summarize(const struct sip_msg *msg, struct sip_summary *s);

#endif
