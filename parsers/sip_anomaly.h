/*
 * sip_anomaly.h - the parser's anomaly list, one X-macro generating the
 * enum, the short name (used in JSON and stats) and the description.
 * In the spirit of Snort's SIP preprocessor events.
 */
#ifndef SIPWATCH_SIP_ANOMALY_H
#define SIPWATCH_SIP_ANOMALY_H

#define SIP_ANOMALY_MAP(X)                                                        \
	X(EMPTY_RURI, "empty_request_uri", "Request-URI is empty")                  \
	X(LONG_RURI, "long_request_uri", "Request-URI longer than the limit")        \
	X(BAD_RURI, "bad_request_uri", "Request-URI does not parse as a URI")       \
	X(EMPTY_CALL_ID, "empty_call_id", "Call-ID is empty")                       \
	X(LONG_CALL_ID, "long_call_id", "Call-ID longer than the limit")             \
	X(EMPTY_FROM, "empty_from", "From is empty")                                \
	X(LONG_FROM, "long_from", "From longer than the limit")                     \
	X(EMPTY_TO, "empty_to", "To is empty")                                      \
	X(LONG_TO, "long_to", "To longer than the limit")                           \
	X(EMPTY_VIA, "empty_via", "Via is empty")                                   \
	X(LONG_VIA, "long_via", "Via longer than the limit")                        \
	X(EMPTY_CONTACT, "empty_contact", "Contact is empty")                       \
	X(LONG_CONTACT, "long_contact", "Contact longer than the limit")            \
	X(MISSING_CALL_ID, "missing_call_id", "no Call-ID header")                  \
	X(MISSING_FROM, "missing_from", "no From header")                           \
	X(MISSING_TO, "missing_to", "no To header")                                 \
	X(MISSING_VIA, "missing_via", "no Via header")                              \
	X(MISSING_CSEQ, "missing_cseq", "no CSeq header")                           \
	X(DUP_SINGLETON, "duplicate_header", "Call-ID, From, To or CSeq repeated")   \
	X(BAD_CSEQ, "bad_cseq", "CSeq is not a number and a method")                \
	X(LONG_CSEQ_METHOD, "long_cseq_method", "CSeq method longer than the limit") \
	X(CSEQ_METHOD_MISMATCH, "cseq_method_mismatch",                             \
	    "CSeq method differs from the request method")                          \
	X(NO_CL_STREAM, "missing_content_length",                                   \
	    "no Content-Length on a stream transport")                              \
	X(DUP_CL, "duplicate_content_length", "Content-Length repeated")           \
	X(BAD_CL, "bad_content_length", "Content-Length is not a number")          \
	X(CL_MISMATCH, "content_length_mismatch",                                   \
	    "Content-Length does not match the body")                               \
	X(TRUNCATED_BODY, "truncated_body", "body shorter than Content-Length")     \
	X(LONG_BODY, "long_body", "body longer than the limit")                     \
	X(UNKNOWN_METHOD, "unknown_method", "method is not a known SIP method")     \
	X(BAD_METHOD, "bad_method", "method is not a valid token")                  \
	X(BAD_VERSION, "bad_version", "SIP version is not SIP/2.0")                 \
	X(BAD_STATUS, "bad_status", "status code not in 100..699")                  \
	X(BARE_LF, "bare_lf", "line ended by LF without CR")                        \
	X(JUNK_BEFORE_START, "junk_before_start_line",                              \
	    "bytes before the start line")                                          \
	X(BAD_HEADER, "bad_header_line", "header line without a valid name and colon") \
	X(TOO_MANY_HEADERS, "too_many_headers", "more headers than the parser keeps") \
	X(NUL_BYTE, "nul_byte", "NUL byte in the start line or headers")            \
	X(BAD_FROM, "bad_from", "From does not parse as name-addr")                 \
	X(BAD_TO, "bad_to", "To does not parse as name-addr")                       \
	X(BAD_VIA, "bad_via", "Via does not parse")                                 \
	X(BAD_MAX_FORWARDS, "bad_max_forwards", "Max-Forwards is not a number from 0 to 255")    \
	X(BAD_AUTH, "bad_auth", "Authorization or challenge does not parse")        \
	X(BAD_SDP, "bad_sdp", "SDP body does not parse")

enum sip_anomaly {
#define SIP_A_ENUM(id, name, desc) SIP_A_##id,
	SIP_ANOMALY_MAP(SIP_A_ENUM)
#undef SIP_A_ENUM
	SIP_A__COUNT
};

/* Short snake_case name, or "?" when out of range. */
const char *sip_anomaly_name(unsigned a);
/* One-line description, or "?" when out of range. */
const char *sip_anomaly_desc(unsigned a);

#define SIP_A_BIT(a) (1ull << (a))

#endif
