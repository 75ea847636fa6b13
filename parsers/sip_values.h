/*
 * sip_values.h - zero-copy parsers for SIP header values: URIs (RFC 3261
 * section 19.1, tel: RFC 3966), name-addr (From, To, Contact), Via, CSeq and
 * HTTP digest credentials and challenges (RFC 7616, RFC 8760, RFC 3261
 * section 22).  libc only.
 *
 * Every function resets its output on entry, reads only [s.p, s.p + s.len),
 * and returns 0 when the value parsed, -1 when it did not (the output then
 * holds whatever could be recognised).  Spans point into the input.
 * Folded lines (CRLF followed by SP/HTAB) inside the value count as LWS.
 */
#ifndef SIPWATCH_SIP_VALUES_H
#define SIPWATCH_SIP_VALUES_H

#include <stdint.h>

#include "span.h"

enum sip_uri_scheme { SIP_URI_OTHER = 0, SIP_URI_SIP, SIP_URI_SIPS, SIP_URI_TEL };

struct sip_uri {
	uint8_t scheme;      /* enum sip_uri_scheme */
	struct span scheme_tok;
	struct span user;     /* sip/sips userinfo user; tel: the number */
	struct span password;
	struct span host;     /* without [] for IPv6 references */
	uint16_t port;        /* 0 when absent */
	int has_port;
	struct span params;   /* ";..." after hostport, without the first ';' */
	struct span headers;  /* "?..." without the '?' */
};

/* Parses a SIP, SIPS or tel URI; other schemes set SIP_URI_OTHER and return 0
 * when "scheme:" is well formed. */
int sip_uri_parse(struct span s, struct sip_uri *u);

/*
 * Finds parameter name (case-insensitive) in a ";a=b;c" list (with or without
 * a leading ';').  Returns 1 and sets *val (empty for a flag parameter; quotes
 * kept) when present, else 0.
 */
int sip_param_get(struct span params, const char *name, struct span *val);

/* name-addr / addr-spec as in From, To, Contact, Refer-To (one element). */
struct sip_nameaddr {
	struct span display;  /* without quotes */
	struct span uri_tok;  /* the URI text */
	struct sip_uri uri;
	struct span params;   /* header params after the URI (";tag=..") */
	struct span tag;      /* value of ;tag= */
	int star;             /* Contact: * */
};
int sip_nameaddr_parse(struct span s, struct sip_nameaddr *na);

/* First (or only) via-parm of a Via value element. */
struct sip_via {
	struct span proto;     /* "SIP/2.0" */
	struct span transport; /* "UDP", "TCP", "TLS", "WS", ... */
	struct span host;
	uint16_t port;
	int has_port;
	struct span params;
	struct span branch;
	struct span received;
	struct span rport;     /* value; empty when a flag */
	int has_rport;
};
int sip_via_parse(struct span s, struct sip_via *v);

/* CSeq: "1*10DIGIT LWS Method". */
int sip_cseq_parse(struct span s, uint32_t *seq, struct span *method);

enum sip_auth_scheme { SIP_AUTH_OTHER = 0, SIP_AUTH_DIGEST, SIP_AUTH_BASIC };

/* Credentials (Authorization, Proxy-Authorization) or a challenge
 * (WWW-Authenticate, Proxy-Authenticate).  Quoted values are returned
 * without quotes and with escapes left in place. */
struct sip_auth {
	uint8_t scheme;        /* enum sip_auth_scheme */
	struct span scheme_tok;
	struct span username;
	struct span realm;
	struct span nonce;
	struct span uri;
	struct span response;
	struct span algorithm;
	struct span qop;
	struct span cnonce;
	struct span nc;
	struct span opaque;
	struct span stale;
	struct span basic_token; /* Basic: the token68 */
};
int sip_auth_parse(struct span s, struct sip_auth *a);

#endif
