/*
 * pipeline.c - frame -> link layer -> IP -> tunnels -> UDP/TCP -> SIP.
 * See pipeline.h for the overall contract.
 *
 * IPv4: fragments and TCP go through libnids (nids_glue.c); unfragmented
 * UDP needs no reassembly and is handled here directly.  TCP segments of
 * connections libnids does not follow (no handshake captured) go to our
 * own reassembly (tcpflow.c), as does all IPv6 TCP; IPv6 fragments are
 * reassembled by ip6frag.c.  The usual frame (Ethernet, IPv4 without
 * options, whole, UDP or TCP) skips the general decoder: frame_fast().
 */
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"
#include "parsers/decap.h"
#include "parsers/sip.h"

void
pipeline_cfg_default(struct pipeline_cfg *c)
{
	memset(c, 0, sizeof(*c));
	sip_limits_default(&c->sip);
	c->tcp_streams = PIPE_DEF_TCP_STREAMS;
	c->tcp_flows = PIPE_DEF_TCP_FLOWS;
	c->tcp_idle = PIPE_DEF_TCP_IDLE;
	c->frag_sets = PIPE_DEF_FRAG_SETS;
	c->frag_timeout = PIPE_DEF_FRAG_TIMEOUT;
	c->buffer_budget = PIPE_DEF_BUFFER_BUDGET;
	c->max_msg = SIP_MAX_MSG;
}

static int pipeline_exists;

struct pipeline *
pipeline_new(const struct pipeline_cfg *c, char *err, size_t errlen)
{
	if (pipeline_exists) {
		snprintf(err, errlen, "only one pipeline per process (libnids)");
		return NULL;
	}
	struct pipeline *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->cfg = *c;
	if (tcpflow_init(p) != 0 || ip6frag_init(p) != 0 || sctp_init(p) != 0) {
		snprintf(err, errlen, "out of memory for flow tables");
		tcpflow_destroy(p);
		ip6frag_destroy(p);
		sctp_destroy(p);
		free(p);
		return NULL;
	}
	if (nidsglue_init(p, err, errlen) != 0) {
		tcpflow_destroy(p);
		ip6frag_destroy(p);
		sctp_destroy(p);
		free(p);
		return NULL;
	}
	pipeline_exists = 1;
	return p;
}

void
pipeline_finish(struct pipeline *p)
{
	if (p == NULL)
		return;
	/* Ending the streams counts partial messages; libnids first (its
	 * callbacks use the pipeline), then our own tables. */
	nidsglue_exit(p);
	tcpflow_destroy(p);
	ip6frag_destroy(p);
	sctp_destroy(p);
}

void
pipeline_free(struct pipeline *p)
{
	if (p == NULL)
		return;
	nidsglue_exit(p);
	tcpflow_destroy(p);
	ip6frag_destroy(p);
	sctp_destroy(p);
	free(p->st.sni);
	free(p->scratch);
	free(p);
	pipeline_exists = 0;
}

struct stats *
pipeline_stats(struct pipeline *p)
{
	return &p->st;
}

void
pipeline_set_reasm_filter(struct pipeline *p, pipeline_filter_fn fn, void *ud)
{
	p->reasm_filter = fn;
	p->reasm_ud = ud;
}

int
pipe_budget_take(struct pipeline *p, size_t n)
{
	if (p->buffered + n > p->cfg.buffer_budget)
		return 0;
	p->buffered += n;
	return 1;
}

void
pipe_budget_give(struct pipeline *p, size_t n)
{
	p->buffered = n > p->buffered ? 0 : p->buffered - n;
}

void
pipe_event(struct pipeline *p, enum stats_event e)
{
	p->st.events[e]++;
}

void
pipe_emit(struct pipeline *p, const struct pkt_meta *m,
    const struct sip_msg *msg, unsigned mon_anoms)
{
	struct stats *s = &p->st;
	struct sip_summary sum;
	sip_summarize(msg, &sum);
	s->sip_msgs++;
	if (m->transport == IPPROTO_TCP)
		s->sip_tcp++;
	else if (m->transport == IPPROTO_SCTP)
		s->sip_sctp++;
	else
		s->sip_udp++;
	if (msg->is_request) {
		s->sip_requests++;
		s->methods[msg->method < SIP_M__COUNT ? msg->method : SIP_M_OTHER]++;
	} else {
		s->sip_responses++;
		unsigned c = msg->status / 100;
		s->status_class[c >= 1 && c <= 6 ? c : 0]++;
	}
	for (uint64_t a = sum.anomalies; a; a &= a - 1)
		s->anomalies[__builtin_ctzll(a)]++;
	if (p->cfg.on_msg)
		p->cfg.on_msg(p->cfg.ud, m, msg, &sum, mon_anoms);
}

void
pipe_meta_ip(struct pkt_meta *m, const struct decap_ip *ipi)
{
	m->ipver = ipi->version;
	memcpy(m->src, ipi->src, 16);
	memcpy(m->dst, ipi->dst, 16);
}

/* Keep-alives (RFC 5626 section 4.4.1: CRLF on UDP is "ping") are not
 * messages. */
static int
all_crlf(const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] != '\r' && d[i] != '\n' && d[i] != 0)
			return 0;
	return 1;
}

void
pipe_udp_payload(struct pipeline *p, const struct pkt_meta *m,
    const uint8_t *data, size_t len)
{
	struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg msg;
	const char *b = (const char *)data;

	/* sip_sniff() first: it reads one line, so junk sent to a SIP port
	 * costs little; sip_parse() would look for a start line further. */
	if (len == 0 || all_crlf(data, len) || !sip_sniff(b, len))
		return;
	int r = sip_parse(b, len, &msg, hdrs, SIP_MAX_HEADERS, &p->cfg.sip, 0);
	if (r == -2) {
		/* A datagram cut before the end of its headers (snaplen, or a
		 * sender that lied): parse what there is, and say so. */
		if (p->scratch_len < len + 4) {
			char *ns = realloc(p->scratch, len + 4);
			if (ns == NULL)
				return;
			p->scratch = ns;
			p->scratch_len = len + 4;
		}
		memcpy(p->scratch, b, len);
		memcpy(p->scratch + len, "\r\n\r\n", 4);
		r = sip_parse(p->scratch, len + 4, &msg, hdrs, SIP_MAX_HEADERS,
		    &p->cfg.sip, 0);
		if (r > 0) {
			pipe_event(p, STATS_E_SIP_TRUNCATED_DGRAM);
			pipe_emit(p, m, &msg, PIPE_A_TRUNCATED);
			return;
		}
	}
	if (r <= 0) {
		pipe_event(p, STATS_E_SIP_UNPARSABLE);
		return;
	}
	pipe_emit(p, m, &msg, 0);
}

/* Per frame: most frames have no encapsulation bit at all. */
static void
count_encap(struct stats *s, uint32_t enc)
{
	for (; enc; enc &= enc - 1) {
		unsigned e = (unsigned)__builtin_ctz(enc);
		if (e < DECAP_E__COUNT)
			s->encap[e]++;
	}
}

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

/* The UDP header at l4 (len >= 8): its ports, then the payload as long as
 * the UDP length says, within what is there. */
static void
udp_l4(struct pipeline *p, struct pkt_meta *m, const uint8_t *l4, size_t len)
{
	m->transport = IPPROTO_UDP;
	m->sport = get16(l4);
	m->dport = get16(l4 + 2);
	size_t ulen = get16(l4 + 4);
	size_t plen = len - 8;
	/* UDP length 0 happens with jumbograms and TSO captures. */
	if (ulen >= 8 && ulen - 8 < plen)
		plen = ulen - 8;
	pipe_udp_payload(p, m, l4 + 8, plen);
}

void
pipe_l4(struct pipeline *p, const struct decap_ip *ipi, int depth)
{
	struct pkt_meta m = p->cur;
	pipe_meta_ip(&m, ipi);

	if (ipi->proto == IPPROTO_UDP) {
		p->st.udp++;
		if (ipi->l4_len < 8) {
			pipe_event(p, STATS_E_BAD_L4);
			return;
		}
		udp_l4(p, &m, ipi->l4, ipi->l4_len);
	} else if (ipi->proto == IPPROTO_TCP) {
		p->st.tcp++;
		if (ipi->l4_len < 20) {
			pipe_event(p, STATS_E_BAD_L4);
			return;
		}
		m.transport = IPPROTO_TCP;
		m.sport = get16(ipi->l4);
		m.dport = get16(ipi->l4 + 2);
		tcpflow_segment(p, &m, ipi->l4, ipi->l4_len);
	} else if (ipi->proto == IPPROTO_SCTP) {
		p->st.sctp++;
		m.transport = IPPROTO_SCTP;
		sctp_packet(p, &m, ipi->l4, ipi->l4_len);
	} else {
		p->st.other_l4++;
	}
	(void)depth;
}

/* IPv4 TCP: libnids first; what it does not follow, ours.  m has the
 * addresses; ip is the IP packet (iplen bytes, within its total length),
 * l4 its TCP header and what follows (l4len bytes). */
static void
tcp4(struct pipeline *p, struct pkt_meta *m, const uint8_t *ip, size_t iplen,
    const uint8_t *l4, size_t l4len, int truncated)
{
	p->st.tcp++;
	if (l4len < 20) {
		pipe_event(p, STATS_E_BAD_L4);
		return;
	}
	m->transport = IPPROTO_TCP;
	m->sport = get16(l4);
	m->dport = get16(l4 + 2);
	uint8_t fl = l4[13];
	size_t doff = (size_t)(l4[12] >> 4) * 4;

	/* A segment of a connection libnids follows is libnids' alone: one
	 * that ends libnids' stream (data with the last FIN) must not be
	 * handed to our reassembly as well.  libnids reporting the connection
	 * while it took the segment answers that without a look-up in its
	 * table (two hashes per look-up); otherwise its table is asked after
	 * the segment.  libnids drops a connection silently in two cases (a
	 * RST before the handshake completed; a connection no callback took):
	 * such a last segment, if it carries data, FIN or RST, reaches our
	 * reassembly, which sees at most a one-segment mid-stream flow. */
	int followed = !truncated && nidsglue_feed_tcp(p, ip, iplen, m);
	if ((fl & 0x02) && !(fl & 0x10)) {
		/* A new connection: libnids follows it from here. */
		tcpflow_forget(p, m);
		return;
	}
	/* Only a segment with data, FIN or RST can matter to our reassembly,
	 * and only then is it worth asking libnids. */
	if (l4len <= doff && !(fl & 0x05))
		return;
	if (followed || nidsglue_has_stream(m))
		return;
	if (doff <= l4len && (l4len > doff || (fl & 0x05)))
		tcpflow_segment(p, m, l4, l4len);
}

void
pipe_ip(struct pipeline *p, const uint8_t *ip, size_t len, int depth)
{
	struct decap_ip ipi;
	int r = decap_ip(ip, len, &ipi);
	if (r == DECAP_TRUNCATED) {
		pipe_event(p, STATS_E_TRUNCATED_FRAME);
		return;
	}
	if (r != 0) {
		pipe_event(p, STATS_E_BAD_IP);
		return;
	}
	if (ipi.version == 4)
		p->st.ip4++;
	else
		p->st.ip6++;
	if (ipi.truncated)
		pipe_event(p, STATS_E_TRUNCATED_IP);

	if (ipi.is_fragment) {
		if (ipi.version == 4) {
			p->st.frag4++;
			if (!ipi.truncated)
				nidsglue_feed(p, ip, len < ipi.ip_len ? len : ipi.ip_len);
		} else {
			p->st.frag6++;
			ip6frag_add(p, &ipi, depth);
		}
		return;
	}

	const uint8_t *inner;
	size_t inner_len;
	uint32_t enc = 0;
	int t = decap_tunnel(&ipi, &inner, &inner_len, &enc);
	if (t == DECAP_OK) {
		count_encap(&p->st, enc);
		if (depth >= DECAP_MAX_DEPTH) {
			pipe_event(p, STATS_E_TUNNEL_TOO_DEEP);
			return;
		}
		uint32_t saved = p->cur.encap;
		p->cur.encap |= enc;
		pipe_ip(p, inner, inner_len, depth + 1);
		p->cur.encap = saved;
		return;
	}
	if (t == DECAP_TRUNCATED) {
		pipe_event(p, STATS_E_TRUNCATED_FRAME);
		return;
	}
	if (t == DECAP_NOT_IP) {
		pipe_event(p, STATS_E_NOT_IP);
		return;
	}

	if (ipi.version == 4 && ipi.proto == IPPROTO_TCP) {
		struct pkt_meta m = p->cur;
		pipe_meta_ip(&m, &ipi);
		tcp4(p, &m, ip, len < ipi.ip_len ? len : ipi.ip_len, ipi.l4,
		    ipi.l4_len, ipi.truncated);
		return;
	}
	pipe_l4(p, &ipi, depth);
}

/*
 * The usual frame: Ethernet, IPv4 without options, neither a fragment nor
 * cut short, UDP to a port decap_tunnel() does not look inside, or TCP.
 * One bounds check covers the headers, and the packet goes to what
 * decap_link(), decap_ip(), decap_tunnel() and pipe_ip() would have
 * handed it to, with the same counters.  0 for any other frame, untouched:
 * the general path takes it from the start.
 */
static int
frame_fast(struct pipeline *p, int dlt, const uint8_t *f, size_t caplen)
{
	if (dlt != DLT_EN10MB || caplen < 14 + 20 + 8 || get16(f + 12) != 0x0800 ||
	    f[14] != 0x45)
		return 0;
	const uint8_t *ip = f + 14, *l4 = ip + 20;
	size_t total = get16(ip + 2);
	/* MF or a fragment offset; a total length of 0 (TSO captures), past
	 * the captured bytes, or too short for a UDP header. */
	if ((get16(ip + 6) & 0x3FFF) != 0 || total < 20 + 8 || total > caplen - 14)
		return 0;
	size_t l4len = total - 20;
	uint8_t proto = ip[9];
	if (proto == IPPROTO_UDP) {
		if (pipe_tunnel_port(get16(l4)) || pipe_tunnel_port(get16(l4 + 2)))
			return 0;
	} else if (proto != IPPROTO_TCP || l4len < 20) {
		return 0;
	}

	/* p->cur was cleared for this frame: the addresses' last 12 bytes
	 * are already the zeros an IPv4 address leaves. */
	struct pkt_meta m = p->cur;
	m.ipver = 4;
	memcpy(m.src, ip + 12, 4);
	memcpy(m.dst, ip + 16, 4);
	p->st.ip4++;
	if (proto == IPPROTO_UDP) {
		p->st.udp++;
		udp_l4(p, &m, l4, l4len);
	} else {
		tcp4(p, &m, ip, total, l4, l4len, 0);
	}
	return 1;
}

int
pipeline_current_frame(const struct pipeline *p, struct pipeline_raw *r)
{
	if (p->raw.data == NULL)
		return 0;
	*r = p->raw;
	return 1;
}

static void frame_body(struct pipeline *p, int dlt, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t len);

void
pipeline_frame(struct pipeline *p, int dlt, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t len)
{
	p->raw.data = data;
	p->raw.caplen = caplen > len ? len : caplen;
	p->raw.len = len;
	p->raw.dlt = dlt;
	p->raw.frame = p->frame + 1;
	frame_body(p, dlt, ts, data, caplen, len);
	p->raw.data = NULL;
}

static void
frame_body(struct pipeline *p, int dlt, const struct timeval *ts,
    const uint8_t *data, uint32_t caplen, uint32_t len)
{
	struct stats *s = &p->st;
	s->packets++;
	s->bytes += len;
	stats_count_dlt(s, dlt);
	if (caplen > len) {
		pipe_event(p, STATS_E_CAPLEN_GT_LEN);
		caplen = len;
	}

	memset(&p->cur, 0, sizeof(p->cur));
	p->cur.ts = *ts;
	p->cur.frame = ++p->frame;

	/* Expire idle state by packet time, at most once per second of it. */
	if (ts->tv_sec != p->last_expire) {
		p->last_expire = ts->tv_sec;
		ftab_expire(&p->tcp, ts->tv_sec, p->cfg.tcp_idle);
		ftab_expire(&p->frag6, ts->tv_sec, p->cfg.frag_timeout);
		ftab_expire(&p->sctp, ts->tv_sec, p->cfg.frag_timeout);
	}

	if (frame_fast(p, dlt, data, caplen))
		return;
	const uint8_t *ip;
	size_t iplen;
	uint32_t enc = 0;
	int r = decap_link(dlt, data, caplen, &ip, &iplen, &enc);
	count_encap(s, enc);
	if (r == DECAP_NOT_IP) {
		pipe_event(p, STATS_E_NOT_IP);
		return;
	}
	if (r != DECAP_OK) {
		pipe_event(p, STATS_E_TRUNCATED_FRAME);
		return;
	}
	p->cur.encap = enc;
	pipe_ip(p, ip, iplen, 0);
}
