/*
 * nids_glue.c - the one file that talks to libnids (global state, one per
 * process).  See ../shared/LIBNIDS-NOTES.md for the facts this relies on.
 *
 * libnids never opens a capture here: it gets a pcap_open_dead(DLT_RAW)
 * handle and we call nids_pcap_handler() with each IPv4 packet that needs
 * it (fragments and TCP segments), after our own decapsulation.  Its
 * checksum verification is off for TCP/UDP (mirror ports and loopback
 * captures carry offloaded checksums); it still checks the IPv4 header
 * checksum unconditionally, so a wrong one is fixed on a copy first.  Its
 * syslog hook (one line per odd packet, attacker-paced) is replaced by a
 * counter, and its port-scan detector is off.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <nids.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/internal.h"
#include "parsers/decap.h"

static struct pipeline *P; /* libnids callbacks carry no user pointer */
static pcap_t *dead;
static uint8_t *copybuf;
static size_t copycap;

/* Tunnelled packets found inside reassembled datagrams wait here until
 * nids_pcap_handler() returns: libnids is not re-entrant. */
#define PENDING_MAX 4
struct pending_pkt {
	uint8_t *ip;
	size_t len;
};
static struct pending_pkt pending[PENDING_MAX];
static int npending;

struct conn {
	struct sipstream ss[2]; /* [0] client to server, [1] server to client */
	uint8_t flags;
};

/* While nidsglue_feed_tcp() feeds a segment: its connection, and whether
 * libnids handed that connection to tcp_cb as one we follow. */
static struct {
	int on, hit;
	struct tuple4 t;
} watch;

static void
watch_hit(const struct tuple4 *a)
{
	const struct tuple4 *t = &watch.t;
	if (!watch.on)
		return;
	if ((a->saddr == t->saddr && a->daddr == t->daddr && a->source == t->source &&
	    a->dest == t->dest) ||
	    (a->saddr == t->daddr && a->daddr == t->saddr && a->source == t->dest &&
	    a->dest == t->source))
		watch.hit = 1;
}

static void
count_warning(int type, int err, struct ip *iph, void *data)
{
	(void)type, (void)err, (void)iph, (void)data;
	if (P)
		pipe_event(P, STATS_E_NIDS_WARNING);
}

static void
no_mem(char *where)
{
	fprintf(stderr, "sipwatch: out of memory in libnids (%s)\n", where);
	exit(3);
}

static void
meta_from_tuple(struct pkt_meta *m, const struct tuple4 *t, int reverse)
{
	*m = P->cur;
	m->ipver = 4;
	m->transport = IPPROTO_TCP;
	memset(m->src, 0, sizeof(m->src));
	memset(m->dst, 0, sizeof(m->dst));
	if (!reverse) {
		memcpy(m->src, &t->saddr, 4);
		memcpy(m->dst, &t->daddr, 4);
		m->sport = t->source;
		m->dport = t->dest;
	} else {
		memcpy(m->src, &t->daddr, 4);
		memcpy(m->dst, &t->saddr, 4);
		m->sport = t->dest;
		m->dport = t->source;
	}
}

static void
tcp_cb(struct tcp_stream *a, void **param)
{
	struct conn *c = *param;
	struct pkt_meta m;

	switch (a->nids_state) {
	case NIDS_JUST_EST:
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return;
		sipstream_init(&c->ss[0], 0);
		sipstream_init(&c->ss[1], 0);
		*param = c;
		a->client.collect++;
		a->server.collect++;
		P->st.tcp_streams_nids++;
		watch_hit(&a->addr);
		/* a flow of ours for the same connection is stale now */
		meta_from_tuple(&m, &a->addr, 0);
		tcpflow_forget(P, &m);
		return;
	case NIDS_DATA:
		if (c == NULL)
			return;
		watch_hit(&a->addr);
		if (a->server.count_new) {
			meta_from_tuple(&m, &a->addr, 0);
			sipstream_data(&c->ss[0], P, &m, &c->flags,
			    (const uint8_t *)a->server.data, (size_t)a->server.count_new);
		}
		if (a->client.count_new) {
			meta_from_tuple(&m, &a->addr, 1);
			sipstream_data(&c->ss[1], P, &m, &c->flags,
			    (const uint8_t *)a->client.data, (size_t)a->client.count_new);
		}
		return;
	default: /* NIDS_CLOSE, NIDS_RESET, NIDS_TIMED_OUT, NIDS_EXITING */
		if (c) {
			watch_hit(&a->addr);
			sipstream_end(&c->ss[0], P);
			sipstream_end(&c->ss[1], P);
			free(c);
			*param = NULL;
		}
		return;
	}
}

static void
queue_pending(const void *ip, size_t len)
{
	if (npending >= PENDING_MAX)
		return;
	uint8_t *c = malloc(len ? len : 1);
	if (c == NULL)
		return;
	memcpy(c, ip, len);
	pending[npending].ip = c;
	pending[npending].len = len;
	npending++;
}

/* A datagram libnids reassembled from IPv4 fragments. */
static void
udp_cb(struct tuple4 *t, u_char *data, int len, struct ip *iph)
{
	P->st.reasm4++;
	if (len < 0)
		return;
	size_t iplen = ntohs(iph->ip_len);
	if (P->reasm_filter && !P->reasm_filter(P->reasm_ud, (const uint8_t *)iph, iplen))
		return;
	if (pipe_tunnel_port(t->dest) || pipe_tunnel_port(t->source)) {
		queue_pending(iph, iplen);
		return;
	}
	struct pkt_meta m = P->cur;
	m.ipver = 4;
	m.transport = IPPROTO_UDP;
	memset(m.src, 0, sizeof(m.src));
	memset(m.dst, 0, sizeof(m.dst));
	memcpy(m.src, &t->saddr, 4);
	memcpy(m.dst, &t->daddr, 4);
	m.sport = t->source;
	m.dport = t->dest;
	pipe_udp_payload(P, &m, data, (size_t)len);
}

/* Every IP packet libnids passes on, reassembled or not.  We only care
 * about reassembled tunnels: TCP and UDP have their own callbacks. */
static void
ip_cb(struct ip *iph, int len)
{
	uint8_t pr = iph->ip_p;
	if (pr == IPPROTO_GRE || pr == IPPROTO_IPIP || pr == IPPROTO_IPV6) {
		if ((ntohs(iph->ip_off) & 0x3fff) != 0 || len < (int)sizeof(*iph))
			return;
		/* len is libnids' buffer size estimate (the datagram plus
		 * slack), not the datagram's length: the header has that. */
		size_t n = ntohs(iph->ip_len);
		if (n < sizeof(*iph))
			n = sizeof(*iph);
		if (n > (size_t)len)
			n = (size_t)len;
		P->st.reasm4++;
		if (P->reasm_filter && !P->reasm_filter(P->reasm_ud, (const uint8_t *)iph, n))
			return;
		queue_pending(iph, n);
	}
}

int
nidsglue_init(struct pipeline *p, char *err, size_t errlen)
{
	static struct nids_chksum_ctl ctl;

	ctl.netaddr = 0;
	ctl.mask = 0;
	ctl.action = NIDS_DONT_CHKSUM;

	P = p;
	dead = pcap_open_dead(DLT_RAW, 65535);
	if (dead == NULL) {
		snprintf(err, errlen, "pcap_open_dead failed");
		return -1;
	}
	nids_params.pcap_desc = dead;
	nids_params.device = NULL;
	nids_params.filename = NULL;
	nids_params.pcap_filter = NULL;
	nids_params.syslog = count_warning;
	nids_params.no_mem = no_mem;
	nids_params.scan_num_hosts = 0;
	nids_params.n_tcp_streams = (int)p->cfg.tcp_streams;
	nids_params.tcp_workarounds = 1;
	nids_params.multiproc = 0;
	nids_params.tcp_flow_timeout = (int)p->cfg.tcp_idle;
	if (!nids_init()) {
		snprintf(err, errlen, "libnids: %s", nids_errbuf);
		return -1;
	}
	nids_register_chksum_ctl(&ctl, 1);
	nids_register_tcp((void *)tcp_cb);
	nids_register_udp((void *)udp_cb);
	nids_register_ip((void *)ip_cb);
	return 0;
}

/* The header's Internet checksum, summed a word at a time in host byte
 * order: RFC 1071 section 2 (B), byte order independence, so the result
 * is stored as it comes (memcpy) and 0 means a valid header. */
static uint16_t
ip_sum(const uint8_t *h, size_t hl)
{
	uint64_t s = 0;
	for (size_t i = 0; i + 4 <= hl; i += 4) {
		uint32_t w;
		memcpy(&w, h + i, 4);
		s += w;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Feeds one packet.  With w set, watches tcp_cb for w's connection and
 * returns 1 when libnids handed it over; else returns 0. */
static int
feed(struct pipeline *p, const uint8_t *ip, size_t len, const struct tuple4 *w)
{
	struct pcap_pkthdr h;
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	if (len > 65535 || hl < 20 || hl > len)
		return 0;
	/* libnids wants a writable buffer and a valid header checksum. */
	if (copycap < len) {
		uint8_t *nb = realloc(copybuf, 65536);
		if (nb == NULL)
			return 0;
		copybuf = nb;
		copycap = 65536;
	}
	memcpy(copybuf, ip, len);
	if (ip_sum(copybuf, hl) != 0) {
		copybuf[10] = copybuf[11] = 0;
		uint16_t s = ip_sum(copybuf, hl);
		memcpy(copybuf + 10, &s, 2);
	}
	h.ts = p->cur.ts;
	h.caplen = (bpf_u_int32)len;
	h.len = (bpf_u_int32)len;
	watch.on = w != NULL;
	watch.hit = 0;
	if (w)
		watch.t = *w;
	nids_pcap_handler(NULL, &h, copybuf);
	watch.on = 0;
	int hit = watch.hit;

	if (npending == 0)
		return hit;
	/* Taken off the list first: a tunnelled packet can bring us back
	 * here (its own fragments or TCP segments). */
	int n = npending;
	struct pending_pkt got[PENDING_MAX];
	memcpy(got, pending, (size_t)n * sizeof(got[0]));
	npending = 0;
	for (int i = 0; i < n; i++) {
		pipe_ip(p, got[i].ip, got[i].len, 1);
		free(got[i].ip);
	}
	return hit;
}

void
nidsglue_feed(struct pipeline *p, const uint8_t *ip, size_t len)
{
	(void)feed(p, ip, len, NULL);
}

int
nidsglue_feed_tcp(struct pipeline *p, const uint8_t *ip, size_t len,
    const struct pkt_meta *m)
{
	struct tuple4 t;
	memcpy(&t.saddr, m->src, 4);
	memcpy(&t.daddr, m->dst, 4);
	t.source = m->sport;
	t.dest = m->dport;
	return feed(p, ip, len, &t);
}

int
nidsglue_has_stream(const struct pkt_meta *m)
{
	struct tuple4 t;
	memcpy(&t.saddr, m->src, 4);
	memcpy(&t.daddr, m->dst, 4);
	t.source = m->sport;
	t.dest = m->dport;
	struct tcp_stream *a = nids_find_tcp_stream(&t);
	if (a == NULL) {
		memcpy(&t.saddr, m->dst, 4);
		memcpy(&t.daddr, m->src, 4);
		t.source = m->dport;
		t.dest = m->sport;
		a = nids_find_tcp_stream(&t);
	}
	/* Listeners exist once the handshake completed and we collect. */
	return a != NULL && a->listeners != NULL;
}

void
nidsglue_exit(struct pipeline *p)
{
	(void)p;
	if (dead == NULL)
		return;
	/* nids_exit() leaves a few bytes of its processor lists behind and
	 * unregistering after it crashes; tests/lsan.supp names the leak. */
	nids_exit();
	pcap_close(dead);
	dead = NULL;
	free(copybuf);
	copybuf = NULL;
	copycap = 0;
	P = NULL;
}
