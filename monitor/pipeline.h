/*
 * pipeline.h - from captured frames to parsed SIP messages.
 *
 * One pipeline per process (libnids is global state).  The capture loop
 * hands every frame to pipeline_frame(); the pipeline decapsulates it,
 * reassembles IPv4 fragments and TCP streams through libnids (one adapter
 * file, nids_glue.c), IPv6 fragments and TCP streams libnids cannot see
 * (IPv6, connections whose handshake was not captured) itself, frames SIP
 * on UDP and TCP, recognises TLS, parses each SIP message once and hands it
 * to the message callback.
 */
#ifndef SIPWATCH_PIPELINE_H
#define SIPWATCH_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "monitor/stats.h"
#include "parsers/sip.h"
#include "parsers/sip_summary.h"

struct pipeline;

/* Where a message came from. */
struct pkt_meta {
	struct timeval ts; /* packet time of the packet that completed it */
	uint64_t frame;    /* 1-based packet number over all inputs */
	uint8_t ipver;     /* 4 or 6 */
	uint8_t transport; /* IPPROTO_UDP or IPPROTO_TCP */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t encap; /* DECAP_E_ bits */
	uint8_t ws;     /* SIP over WebSocket (RFC 7118) on this TCP stream */
};

/*
 * Called once per SIP message, in capture order, with its parsed values
 * (sum->anomalies holds every anomaly of the message).  mon_anoms has bits
 * of extra monitor-level anomalies (PIPE_A_*).  msg, sum and their spans
 * are valid only during the call.
 */
#define PIPE_A_TRUNCATED 0x1 /* datagram without end of headers */
typedef void (*pipeline_msg_fn)(void *ud, const struct pkt_meta *m,
    const struct sip_msg *msg, const struct sip_summary *sum, unsigned mon_anoms);

/* Limits of the pipeline's tables; every one has a default and a CLI
 * override (see README). */
struct pipeline_cfg {
	struct sip_limits sip;
	uint32_t tcp_streams;     /* libnids stream table (n_tcp_streams) */
	uint32_t tcp_flows;       /* own TCP flows (mid-stream, IPv6) */
	uint32_t tcp_idle;        /* seconds of packet time */
	uint32_t frag_sets;       /* IPv6 datagrams being reassembled */
	uint32_t frag_timeout;    /* seconds */
	uint64_t buffer_budget;   /* bytes held by all stream buffers */
	uint32_t max_msg;         /* largest TCP SIP message */
	pipeline_msg_fn on_msg;
	/* A TLS flow was recognised (version 0 and sni "" when not seen). */
	void (*on_tls)(void *ud, const struct pkt_meta *m, uint16_t version,
	    const char *sni);
	void *ud;
};

#define PIPE_DEF_TCP_STREAMS 16384
#define PIPE_DEF_TCP_FLOWS 65536
#define PIPE_DEF_TCP_IDLE 600
#define PIPE_DEF_FRAG_SETS 4096
#define PIPE_DEF_FRAG_TIMEOUT 30
#define PIPE_DEF_BUFFER_BUDGET (64u << 20)

void pipeline_cfg_default(struct pipeline_cfg *c);

/* Returns NULL with a message in err on failure. */
struct pipeline *pipeline_new(const struct pipeline_cfg *c, char *err, size_t errlen);
/* Ends every stream (partial messages are counted) and frees. */
void pipeline_free(struct pipeline *p);
/* Flushes state at the end of input: streams are ended, counters final. */
void pipeline_finish(struct pipeline *p);

/* One captured frame of link type dlt. */
void pipeline_frame(struct pipeline *p, int dlt, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t len);

/*
 * Optional filter for reassembled datagrams (the capture filter let every
 * fragment through; this re-applies the user's expression to the whole
 * datagram).  fn returns 1 to keep.  NULL disables.
 */
typedef int (*pipeline_filter_fn)(void *ud, const uint8_t *ip, size_t len);
void pipeline_set_reasm_filter(struct pipeline *p, pipeline_filter_fn fn, void *ud);

struct stats *pipeline_stats(struct pipeline *p);

/* The frame pipeline_frame() is processing. */
struct pipeline_raw {
	const uint8_t *data;
	uint32_t caplen, len;
	int dlt;
	uint64_t frame; /* as pkt_meta.frame */
};
/* 1 with *r filled during a callback from pipeline_frame(); 0 outside
 * one (e.g. messages ended by pipeline_finish()). */
int pipeline_current_frame(const struct pipeline *p, struct pipeline_raw *r);

#endif
