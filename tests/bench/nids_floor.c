/*
 * nids_floor.c - the reassembly floor of `make bench`: the libpcap read
 * loop of pcap_floor.c, feeding libnids exactly as sipwatch's
 * monitor/nids_glue.c does (a pcap_open_dead(DLT_RAW) handle,
 * nids_pcap_handler() called with each IPv4 packet after the Ethernet
 * header, checksums not verified, syslog hook a no-op, port-scan detection
 * off, the same stream table size and timeout).  The callbacks only count:
 * TCP collects both directions from NIDS_JUST_EST and sums the bytes, UDP
 * counts datagrams.  Every IPv4 packet is fed (sipwatch hands libnids only
 * TCP and fragments), so UDP also pays libnids' IP layer here: this is the
 * cost of reading and reassembling without parsing SIP.
 *
 *   nids_floor FILE
 *
 * Prints the counts.  Exit status 0 ok, 1 usage or set-up error, 2 read
 * error.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <nids.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* sipwatch's defaults (monitor/pipeline.h) */
#define FLOOR_TCP_STREAMS 16384
#define FLOOR_TCP_IDLE 600

static uint64_t n_udp, udp_bytes, n_streams, tcp_bytes, n_closed, n_warn;

static void
no_syslog(int type, int err, struct ip *iph, void *data)
{
	(void)type, (void)err, (void)iph, (void)data;
	n_warn++;
}

static void
tcp_cb(struct tcp_stream *a, void **param)
{
	(void)param;
	switch (a->nids_state) {
	case NIDS_JUST_EST:
		a->client.collect++;
		a->server.collect++;
		n_streams++;
		break;
	case NIDS_DATA:
		tcp_bytes += (uint64_t)a->server.count_new + (uint64_t)a->client.count_new;
		break;
	default:
		n_closed++;
		break;
	}
}

static void
udp_cb(struct tuple4 *t, u_char *data, int len, struct ip *iph)
{
	(void)t, (void)data, (void)iph;
	n_udp++;
	if (len > 0)
		udp_bytes += (uint64_t)len;
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	static struct nids_chksum_ctl ctl;
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, n4 = 0;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: nids_floor FILE\n");
		return 1;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "nids_floor: %s\n", err);
		return 1;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "nids_floor: %s: not Ethernet\n", argv[1]);
		return 1;
	}
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	if (dead == NULL)
		return 1;
	nids_params.pcap_desc = dead;
	nids_params.device = NULL;
	nids_params.filename = NULL;
	nids_params.pcap_filter = NULL;
	nids_params.syslog = no_syslog;
	nids_params.scan_num_hosts = 0;
	nids_params.n_tcp_streams = FLOOR_TCP_STREAMS;
	nids_params.tcp_workarounds = 1;
	nids_params.multiproc = 0;
	nids_params.tcp_flow_timeout = FLOOR_TCP_IDLE;
	if (!nids_init()) {
		fprintf(stderr, "nids_floor: %s\n", nids_errbuf);
		return 1;
	}
	ctl.netaddr = 0;
	ctl.mask = 0;
	ctl.action = NIDS_DONT_CHKSUM;
	nids_register_chksum_ctl(&ctl, 1);
	nids_register_tcp((void *)tcp_cb);
	nids_register_udp((void *)udp_cb);

	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		if (h->caplen < 14 + 20 || d[12] != 0x08 || d[13] != 0x00)
			continue;
		struct pcap_pkthdr ih = *h;
		ih.caplen -= 14;
		ih.len = ih.len >= 14 ? ih.len - 14 : 0;
		n4++;
		/* libnids writes into the packet; the buffer libpcap hands out
		 * is its own and is overwritten by the next read anyway */
		nids_pcap_handler(NULL, &ih, (u_char *)(uintptr_t)(d + 14));
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "nids_floor: %s\n", pcap_geterr(p));
		return 2;
	}
	nids_exit();
	pcap_close(dead);
	pcap_close(p);
	printf("packets %llu ipv4 %llu udp_datagrams %llu udp_bytes %llu "
	       "tcp_streams %llu tcp_closed %llu tcp_bytes %llu warnings %llu\n",
	    (unsigned long long)n, (unsigned long long)n4, (unsigned long long)n_udp,
	    (unsigned long long)udp_bytes, (unsigned long long)n_streams,
	    (unsigned long long)n_closed, (unsigned long long)tcp_bytes,
	    (unsigned long long)n_warn);
	return 0;
}
