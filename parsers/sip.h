/*
 * sip.h - zero-copy SIP message parser (RFC 3261).  libc only.
 *
 * The parser never allocates, copies or writes into the input.  A parsed
 * message is a set of spans into the caller's buffer, valid as long as that
 * buffer is.  The caller supplies the header array.
 *
 * Malformed input is reported, not rejected: anomalies are bits in
 * msg->anomalies (see sip_anomaly.h).  sip_parse() returns -1 only when the
 * input is not SIP at all or parsing cannot go on.
 */
#ifndef SIPWATCH_SIP_H
#define SIPWATCH_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "span.h"
#include "sip_anomaly.h"

/*
 * Methods.  SIP_M_OTHER is an extension method that is a syntactically valid
 * token (it also raises SIP_A_UNKNOWN_METHOD).
 */
#define SIP_METHOD_LIST(X)                                                     \
	X(INVITE) X(ACK) X(BYE) X(CANCEL) X(REGISTER) X(OPTIONS)               \
	X(PRACK) X(SUBSCRIBE) X(NOTIFY) X(PUBLISH) X(INFO) X(REFER)            \
	X(MESSAGE) X(UPDATE)

enum sip_method {
	SIP_M_NONE = 0, /* a response */
#define SIP_M_ENUM(n) SIP_M_##n,
	SIP_METHOD_LIST(SIP_M_ENUM)
#undef SIP_M_ENUM
	SIP_M_OTHER,
	SIP_M__COUNT
};

/* Upper-case name of a method id ("OTHER" for SIP_M_OTHER, "" for NONE). */
const char *sip_method_name(enum sip_method m);
/* Method id of a token, exact case (RFC 3261 methods are case-sensitive). */
enum sip_method sip_method_lookup(struct span tok);

/*
 * Headers the parser knows by name.  The table in sip.c maps each full name
 * and compact form (RFC 3261 section 7.3.3 and the registries: i f t m l v s
 * k c e o u r x y b) to an id.  Unknown headers are SIP_H_OTHER.
 */
enum sip_hdr_id {
	SIP_H_OTHER = 0,
	SIP_H_VIA,
	SIP_H_FROM,
	SIP_H_TO,
	SIP_H_CALL_ID,
	SIP_H_CSEQ,
	SIP_H_CONTACT,
	SIP_H_MAX_FORWARDS,
	SIP_H_CONTENT_LENGTH,
	SIP_H_CONTENT_TYPE,
	SIP_H_CONTENT_ENCODING,
	SIP_H_USER_AGENT,
	SIP_H_SERVER,
	SIP_H_EXPIRES,
	SIP_H_AUTHORIZATION,
	SIP_H_PROXY_AUTHORIZATION,
	SIP_H_WWW_AUTHENTICATE,
	SIP_H_PROXY_AUTHENTICATE,
	SIP_H_SUBJECT,
	SIP_H_SUPPORTED,
	SIP_H_EVENT,
	SIP_H_ALLOW_EVENTS,
	SIP_H_REFER_TO,
	SIP_H_REFERRED_BY,
	SIP_H_SESSION_EXPIRES,
	SIP_H_IDENTITY,
	SIP_H_ROUTE,
	SIP_H_RECORD_ROUTE,
	SIP_H_ALLOW,
	SIP_H_REQUIRE,
	SIP_H_MIME_VERSION,
	SIP_H__COUNT
};

/* Canonical name of a header id ("" for SIP_H_OTHER). */
const char *sip_hdr_name(enum sip_hdr_id id);
/* Id of a header name, full or compact, case-insensitive. */
enum sip_hdr_id sip_hdr_lookup(struct span name);

struct sip_header {
	struct span name;  /* as written, without the colon */
	struct span value; /* trimmed; may contain folded CRLF+WSP (LWS) */
	uint16_t id;       /* enum sip_hdr_id */
};

/*
 * Named limits.  Exceeding one raises an anomaly; none makes parsing fail.
 * Defaults follow Snort's SIP preprocessor, except the body (8192, as
 * Kamailio's sanity module, so WebRTC SDP is not flagged).
 */
#define SIP_MAX_HEADERS 128     /* header array size the monitor passes */
#define SIP_MAX_MSG 65535       /* TCP framer: largest message kept */
#define SIP_DEF_MAX_URI 256
#define SIP_DEF_MAX_CALL_ID 256
#define SIP_DEF_MAX_FROM 256
#define SIP_DEF_MAX_TO 256
#define SIP_DEF_MAX_CONTACT 256
#define SIP_DEF_MAX_VIA 1024
#define SIP_DEF_MAX_CSEQ_METHOD 20
#define SIP_DEF_MAX_BODY 8192

struct sip_limits {
	uint32_t max_uri;
	uint32_t max_call_id;
	uint32_t max_from;
	uint32_t max_to;
	uint32_t max_contact;
	uint32_t max_via;
	uint32_t max_cseq_method;
	uint32_t max_body;
};

/* Fills *lim with the defaults above. */
void sip_limits_default(struct sip_limits *lim);

struct sip_msg {
	/* start line */
	int is_request;          /* 1 request, 0 response */
	uint16_t method;         /* enum sip_method (requests) */
	struct span method_tok;  /* method token as written */
	struct span ruri;        /* Request-URI */
	struct span version;     /* "SIP/2.0" */
	uint16_t status;         /* 100..699 for responses, else 0 */
	struct span reason;      /* reason phrase */
	struct span start_line;  /* whole first line without line end */

	/* headers: caller's array */
	struct sip_header *headers;
	size_t num_headers;
	/* index into headers[] of the first occurrence of each id, -1 if none */
	int16_t first[SIP_H__COUNT];
	/* occurrences per id, comma-joined values counting once per line */
	uint16_t count[SIP_H__COUNT];

	/*
	 * The first CSeq header, when it is well formed as sip_cseq_parse()
	 * has it (sip_values.h: at most 10 digits): cseq_ok is 1, and cseq
	 * and cseq_method are what sip_cseq_parse() would return, so that
	 * sip_summarize() need not parse it again.  0 otherwise.
	 */
	int cseq_ok;
	uint32_t cseq;
	struct span cseq_method;

	/* body, as far as the buffer holds it */
	struct span body;
	uint32_t content_length; /* value of Content-Length when present */
	int has_content_length;

	/* everything parsed, from the first byte of the start line (after any
	 * skipped junk or keep-alive CRLFs) to the end of the body */
	struct span raw;
	uint32_t skipped; /* bytes skipped before the start line */

	uint64_t anomalies; /* 1ull << SIP_A_xxx */
};

/*
 * Private to sip.c and its tests: the table that guesses a header line's
 * name from its first two bytes (see sip.c).  A prefix's slot is its two
 * bytes as a little-endian uint16_t, times SIP_HDR_GUESS_MUL, top
 * SIP_HDR_GUESS_BITS bits of the 32-bit product; a slot holds up to two
 * ids, 0 for none.  sip_test.c recomputes it from the header table.
 */
#define SIP_HDR_GUESS_MUL 0x92276659u
#define SIP_HDR_GUESS_BITS 6
extern const uint8_t sip_hdr_guess[1u << SIP_HDR_GUESS_BITS][2];

/*
 * Private to sip.c and its tests: sip_parse() in one of its two forms,
 * the one whose line-end walk loads 32 bytes at a time (avx2 nonzero,
 * only where scan_have_avx2() says the CPU has AVX2) or the plain one.
 * sip_parse() is this with the form the CPU allows, so that the tests
 * can run each form through what production calls.
 */
int sip_parse_form(int avx2, const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags);

/* Flags for sip_parse(). */
#define SIP_PARSE_STREAM 0x1 /* TCP: body length from Content-Length */

/*
 * Parses one SIP message at the start of [buf, buf + len).
 *
 * Datagram mode (flags without SIP_PARSE_STREAM): the body is everything
 * after the blank line; a Content-Length that disagrees with it raises
 * SIP_A_CL_MISMATCH (a larger one SIP_A_CL_MISMATCH and SIP_A_TRUNCATED_BODY,
 * the body being what there is).  A message with no end of headers returns
 * -2 (the datagram is truncated).
 *
 * Stream mode: the message ends after Content-Length bytes of body;
 * a missing Content-Length raises SIP_A_NO_CL_STREAM and means an empty body.
 *
 * Leading CRLFs (RFC 5626 keep-alives) are skipped silently.  Other bytes
 * before a start line are skipped as junk (SIP_A_JUNK_BEFORE_START): junk
 * on the start line itself before the method ("@@@@ INVITE sip:..."), or
 * whole lines, as long as the start line begins within the first 512 bytes;
 * otherwise the input is not SIP (-1).  A first line that is another
 * protocol's start line ("HTTP/1.1 200 OK", "NOTIFY * HTTP/1.1") is -1 at
 * once.  sip_sniff() only accepts junk on the first line, so a datagram
 * whose first line is junk is not taken for SIP by the monitor.
 *
 * *hdrs has room for *num_hdrs headers on entry; on return msg->headers is
 * hdrs and msg->num_headers the count.  Headers past capacity are skipped and
 * raise SIP_A_TOO_MANY_HEADERS.  lim may be NULL for the defaults.
 *
 * Returns the bytes consumed (> 0; including skipped bytes), -2 when more
 * bytes are needed (every strict prefix of a valid message returns -2), or
 * -1 when the input is not a SIP message.  *msg is reset on entry.
 */
int sip_parse(const char *buf, size_t len, struct sip_msg *msg,
    struct sip_header *hdrs, size_t num_hdrs, const struct sip_limits *lim,
    unsigned flags);

/*
 * Cheap content sniff: 1 if buf starts (after optional CRLFs) with something
 * that looks like a SIP request line ("TOKEN SP ... SP SIP/") or status line
 * ("SIP/2.0 NNN"), within its first line; 0 otherwise.  Used to tell SIP from
 * other protocols on any port (HTTP and SSDP say "HTTP/1.1", not "SIP/2.0").
 */
int sip_sniff(const char *buf, size_t len);

/* Value of the first header with this id, or SPAN_NULL.  Inline: the
 * summary and the rules look up a dozen headers per message. */
static inline struct span
sip_hdr_get(const struct sip_msg *msg, enum sip_hdr_id id)
{
	if ((unsigned)id >= SIP_H__COUNT || msg->first[id] < 0 ||
	    (size_t)msg->first[id] >= msg->num_headers)
		return SPAN_NULL;
	return msg->headers[msg->first[id]].value;
}

/*
 * Iterates over the comma-separated elements of a header value (Via,
 * Contact, Route ...), honouring quoted strings and <...>.  *pos starts at 0.
 * Returns 1 and sets *elem (trimmed) while there is an element, else 0.
 */
int sip_list_next(struct span value, uint32_t *pos, struct span *elem);

#endif
