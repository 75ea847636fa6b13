/*
 * stats.h - the counters behind --stats.  Plain data owned by the
 * pipeline; written as one JSON object by stats_write().
 */
#ifndef SIPWATCH_STATS_H
#define SIPWATCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "parsers/decap.h"
#include "parsers/sip.h"

#define STATS_MAX_DLT 8      /* distinct link types counted by name */
#define STATS_MAX_SNI 256    /* distinct TLS server names kept */
#define STATS_MAX_TLSVER 8

/* Monitor-level events: decoding trouble outside one SIP message. */
#define STATS_EVENT_MAP(X)                                                     \
	X(TRUNCATED_FRAME, "truncated_frame", "link or IP header cut short")    \
	X(NOT_IP, "non_ip_frame", "frame carries no IP")                       \
	X(BAD_IP, "bad_ip_header", "invalid IPv4 or IPv6 header")              \
	X(TRUNCATED_IP, "truncated_ip", "IP packet shorter than its length")   \
	X(CAPLEN_GT_LEN, "caplen_gt_len", "record caplen larger than length")   \
	X(TUNNEL_TOO_DEEP, "tunnel_too_deep", "more nested tunnels than followed") \
	X(BAD_L4, "bad_l4_header", "UDP or TCP header cut short or invalid")    \
	X(SIP_UNPARSABLE, "sip_unparsable", "looked like SIP, did not parse")   \
	X(SIP_TRUNCATED_DGRAM, "sip_truncated_datagram",                        \
	    "UDP SIP message without end of headers")                          \
	X(SIP_TRAILING_DGRAM, "sip_trailing_bytes", "bytes after the message in a datagram") \
	X(TCP_OVERSIZE, "tcp_oversize_message", "TCP SIP message over the size limit") \
	X(TCP_JUNK, "tcp_junk_skipped", "TCP bytes skipped while resynchronising") \
	X(TCP_GAP, "tcp_gap", "TCP data missing from the capture")              \
	X(TCP_RETRANS, "tcp_retransmission", "TCP data seen before")            \
	X(TCP_OOO, "tcp_out_of_order", "TCP segment queued out of order")       \
	X(TCP_OOO_DROP, "tcp_out_of_order_dropped", "out-of-order queue full")  \
	X(TCP_INCOMPLETE_AT_CLOSE, "tcp_incomplete_at_close",                    \
	    "partial SIP message when the stream ended")                       \
	X(BUFFER_BUDGET, "buffer_budget_exceeded",                              \
	    "stream data dropped: global buffer budget reached")               \
	X(FRAG6_OVERLAP, "ipv6_fragment_overlap", "overlapping IPv6 fragments dropped") \
	X(FRAG6_TOO_BIG, "ipv6_fragment_too_big", "IPv6 fragments beyond 65535 bytes") \
	X(FRAG6_TOO_MANY, "ipv6_fragment_too_many", "IPv6 datagram with too many fragments") \
	X(FRAG_TIMEOUT, "fragment_timeout", "incomplete fragmented datagram expired") \
	X(NIDS_WARNING, "libnids_warning", "libnids reported an odd packet")   \
	X(SCTP_INCOMPLETE, "sctp_incomplete", "SCTP message fragments lost or out of order") \
	X(NON_SIP_STREAM, "non_sip_tcp_stream", "TCP stream that is neither SIP nor TLS")

enum stats_event {
#define STATS_E_ENUM(id, n, d) STATS_E_##id,
	STATS_EVENT_MAP(STATS_E_ENUM)
#undef STATS_E_ENUM
	STATS_E__COUNT
};

struct stats {
	uint64_t packets, bytes;
	struct {
		int dlt;
		uint64_t n;
	} dlt[STATS_MAX_DLT];
	uint64_t ip4, ip6;
	uint64_t frag4, frag6, reasm4, reasm6;
	uint64_t encap[DECAP_E__COUNT];
	uint64_t udp, tcp, sctp, other_l4;

	uint64_t sip_msgs, sip_requests, sip_responses, sip_udp, sip_tcp, sip_sctp;
	uint64_t methods[SIP_M__COUNT];
	uint64_t status_class[7]; /* index 1..6 */
	uint64_t anomalies[SIP_A__COUNT];
	uint64_t events[STATS_E__COUNT];

	uint64_t tcp_streams_nids, tcp_streams_own, tcp_midstream;
	uint64_t tcp_flow_evictions, tcp_flow_expirations, tcp_flows_peak;
	uint64_t frag6_evictions;
	uint64_t tls_flows;
	struct {
		uint16_t v;
		uint64_t n;
	} tlsver[STATS_MAX_TLSVER];
	struct {
		char name[256];
		uint64_t n;
	} *sni;
	unsigned nsni;
	uint64_t sni_overflow;

	/* live capture, from pcap_stats() */
	uint64_t cap_recv, cap_drop, cap_ifdrop;
	int live;
};

const char *stats_event_name(unsigned e);
void stats_count_dlt(struct stats *s, int dlt);
void stats_count_tls(struct stats *s, uint16_t version, const char *sni);
struct rule_stats;
/* Writes one JSON object and a newline, with the rule engine's counters
 * when rs is not NULL.  Returns 0 or -1. */
int stats_write(const struct stats *s, const struct rule_stats *rs, FILE *f);
/* Per alert output (--stats "outputs"): alerts delivered, dropped (queue
 * full, undeliverable, or still queued at exit), errors (failed writes,
 * sends, connects), reconnects (TCP connections after the first). */
struct stats_output {
	const char *kind, *target;
	uint64_t sent, dropped, errors, reconnects;
};
/* As stats_write, with an "outputs" list when outs is not NULL. */
int stats_write_ex(const struct stats *s, const struct rule_stats *rs,
    const struct stats_output *outs, size_t nouts, FILE *f);

#endif
