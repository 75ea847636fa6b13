/*
 * internal.h - what the monitor's pipeline modules share with each other
 * (not with main.c or other modules).
 */
#ifndef SIPWATCH_INTERNAL_H
#define SIPWATCH_INTERNAL_H

#include "rules/flowtab.h"
#include "monitor/pipeline.h"
#include "parsers/tls.h"

struct sipstream {
	char *buf;
	uint32_t len, cap;
	uint8_t state;    /* enum in sipstream.c */
	uint8_t first;    /* at a point that may begin a message (pickup, gap) */
	char *ws;             /* WebSocket message being reassembled */
	uint32_t wslen, wscap;
};

/* Per-connection flags shared by both directions. */
#define CONN_TLS_COUNTED 0x1
#define CONN_NONSIP_COUNTED 0x2

struct pipeline {
	struct pipeline_cfg cfg;
	struct stats st;
	struct pkt_meta cur; /* the packet being processed */
	struct pipeline_raw raw; /* its frame; data NULL between frames */
	uint64_t frame;
	uint64_t buffered; /* bytes held by stream buffers and queues */
	struct ftab tcp;   /* own TCP flows */
	struct ftab frag6;
	struct ftab sctp;  /* SCTP messages being joined */
	pipeline_filter_fn reasm_filter;
	void *reasm_ud;
	int64_t last_expire;
	char *scratch; /* truncated-datagram copy */
	size_t scratch_len;
};

/* pipeline.c */
void pipe_emit(struct pipeline *p, const struct pkt_meta *m,
    const struct sip_msg *msg, unsigned mon_anoms);
void pipe_event(struct pipeline *p, enum stats_event e);
void pipe_udp_payload(struct pipeline *p, const struct pkt_meta *m,
    const uint8_t *data, size_t len);
/* Processes an IP packet found inside another one (tunnels). */
void pipe_ip(struct pipeline *p, const uint8_t *ip, size_t len, int depth);
/* Handles the transport layer of an unfragmented or reassembled packet. */
void pipe_l4(struct pipeline *p, const struct decap_ip *ipi, int depth);
/* Fills meta's addresses from a parsed IP header. */
struct decap_ip;
void pipe_meta_ip(struct pkt_meta *m, const struct decap_ip *ipi);

/* sipstream.c: SIP framing over one direction of a TCP stream. */
void sipstream_init(struct sipstream *s, int midstream);
void sipstream_data(struct sipstream *s, struct pipeline *p,
    const struct pkt_meta *m, uint8_t *conn_flags, const uint8_t *data, size_t n);
/* Data is missing before the next bytes: drop any partial message. */
void sipstream_gap(struct sipstream *s, struct pipeline *p);
/* Stream ended: count a partial message, free the buffer. */
void sipstream_end(struct sipstream *s, struct pipeline *p);

/* tcpflow.c: own reassembly for what libnids cannot see. */
int tcpflow_init(struct pipeline *p);
void tcpflow_segment(struct pipeline *p, const struct pkt_meta *m,
    const uint8_t *tcp, size_t len);
/* A SYN for this connection went to libnids: forget our flow if any. */
void tcpflow_forget(struct pipeline *p, const struct pkt_meta *m);
void tcpflow_destroy(struct pipeline *p);

/* ip6frag.c */
int ip6frag_init(struct pipeline *p);
void ip6frag_add(struct pipeline *p, const struct decap_ip *ipi, int depth);
void ip6frag_destroy(struct pipeline *p);

/* sctp.c */
int sctp_init(struct pipeline *p);
void sctp_packet(struct pipeline *p, struct pkt_meta *m, const uint8_t *b, size_t len);
void sctp_destroy(struct pipeline *p);

/* nids_glue.c: the only file that includes <nids.h>. */
int nidsglue_init(struct pipeline *p, char *err, size_t errlen);
/* Feeds one IPv4 packet (fragment or TCP segment) to libnids. */
void nidsglue_feed(struct pipeline *p, const uint8_t *ip, size_t len);
/*
 * Feeds one unfragmented IPv4 TCP segment (m: its addresses and ports) to
 * libnids, as nidsglue_feed().  Returns 1 when libnids handed the
 * segment's connection to us while processing it (established, data,
 * closed, reset or timed out), else 0.  A 1 means the connection is
 * libnids' to reassemble: it followed it before or after the segment.
 * A 0 says nothing: nidsglue_has_stream() still decides.
 */
int nidsglue_feed_tcp(struct pipeline *p, const uint8_t *ip, size_t len,
    const struct pkt_meta *m);
/* 1 if libnids follows this established TCP connection. */
int nidsglue_has_stream(const struct pkt_meta *m);
void nidsglue_exit(struct pipeline *p);

/* UDP ports decap_tunnel() may look inside (VXLAN 4789 as the
 * destination, GTP-U 2152 as either port): a datagram to or from one is
 * not taken as plain UDP (for VXLAN a source port too, the simpler test
 * and never wrong: such a datagram goes to the general path). */
static inline int
pipe_tunnel_port(uint16_t port)
{
	return port == 4789 || port == 2152;
}

/* Buffer budget shared by all stream buffers (bytes). */
int pipe_budget_take(struct pipeline *p, size_t n);
void pipe_budget_give(struct pipeline *p, size_t n);

#endif
