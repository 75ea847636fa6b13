/*
 * sdp.h - zero-copy SDP parser (RFC 4566, SDES RFC 4568, DTLS-SRTP
 * fingerprints RFC 8122), also reaching SDP inside multipart bodies
 * (RFC 2046 section 5.1).  libc only.
 */
#ifndef SIPWATCH_SDP_H
#define SIPWATCH_SDP_H

#include <stdint.h>

#include "span.h"

#define SDP_MAX_MEDIA 16 /* m= lines kept; more are counted in media_total */

enum sdp_proto_class {
	SDP_PROTO_OTHER = 0,
	SDP_PROTO_RTP,       /* RTP/AVP, RTP/AVPF: cleartext media */
	SDP_PROTO_SRTP,      /* RTP/SAVP, RTP/SAVPF */
	SDP_PROTO_DTLS_SRTP, /* UDP/TLS/RTP/SAVP(F), TCP/TLS/RTP/SAVP(F) */
	SDP_PROTO_UDPTL,     /* T.38 */
};

struct sdp_media {
	struct span media;  /* audio, video, image, application ... */
	uint16_t port;
	struct span proto;  /* as written */
	uint8_t proto_class; /* enum sdp_proto_class */
	struct span conn;   /* c= address for this media (or the session's) */
	uint16_t crypto;     /* a=crypto lines in this media section */
	uint16_t fingerprint; /* a=fingerprint lines (here or session level) */
};

struct sdp_info {
	struct span origin;   /* o= */
	struct span conn;     /* session-level c= address */
	/* Only media[i] for i < num_media are set; the others are left as
	 * they were (1 KB, not cleared per message). */
	struct sdp_media media[SDP_MAX_MEDIA];
	uint16_t num_media;   /* kept in media[] */
	uint16_t media_total; /* m= lines seen */
	uint16_t crypto_total;
	uint16_t fingerprint_total;
	int bad;              /* a line did not parse as "x=..." */
};

/*
 * Empties *info: no media (media[], 1 KB, is left alone: only its first
 * num_media entries are valid, and slots are cleared as they are used).
 */
static inline void
sdp_info_reset(struct sdp_info *info)
{
	/* Not chained: that would reload the first span stored to copy it,
	 * a load the CPU cannot forward from the smaller stores in flight. */
	info->origin = SPAN_NULL;
	info->conn = SPAN_NULL;
	info->num_media = info->media_total = info->crypto_total = 0;
	info->fingerprint_total = 0;
	info->bad = 0;
}

/*
 * Parses an SDP body.  Tolerates bare LF line ends.  Returns 0 when the body
 * looks like SDP (starts with "v="), -1 otherwise (*info then empty, as
 * sdp_info_reset() leaves it).
 */
int sdp_parse(struct span body, struct sdp_info *info);

/*
 * Finds the SDP in a SIP body given its Content-Type value: application/sdp
 * directly, or the first application/sdp part of a multipart (mixed,
 * alternative, ...) body (the boundary parameter taken from content_type).
 * Returns 0 and sets *sdp, or -1 when there is none.
 */
int sdp_find(struct span content_type, struct span body, struct span *sdp);

#endif
