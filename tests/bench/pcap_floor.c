/*
 * pcap_floor.c - the libpcap floor of `make bench`: read every packet of a
 * capture with pcap_next_ex() and touch it, nothing else.  No SIP tool that
 * reads the file through libpcap can be faster.
 *
 *   pcap_floor FILE
 *
 * Prints "packets N bytes N sum N".  Exit status 0 ok, 1 usage or open
 * error, 2 read error.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, bytes = 0, sum = 0;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_floor FILE\n");
		return 1;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (p == NULL) {
		fprintf(stderr, "pcap_floor: %s\n", err);
		return 1;
	}
	while ((r = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		/* one byte of the packet, so the data is really read */
		if (h->caplen)
			sum += d[h->caplen - 1];
	}
	if (r == PCAP_ERROR) {
		fprintf(stderr, "pcap_floor: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 2;
	}
	pcap_close(p);
	printf("packets %llu bytes %llu sum %llu\n", (unsigned long long)n,
	    (unsigned long long)bytes, (unsigned long long)sum);
	return 0;
}
