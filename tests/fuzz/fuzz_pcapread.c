/*
 * fuzz_pcapread.c - differential: the input as a capture file, read by
 * capture_next() (the fast reader of monitor/pcapread.c, handing over to
 * libpcap where it stops) and by libpcap's pcap_next_ex() alone.  Both
 * must give the same packets (time stamps, lengths, bytes), the same end
 * and the same error message; anything else aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "monitor/capture.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512], ebuf[PCAP_ERRBUF_SIZE];

	/* A regular file (the fast reader takes only those) with no name
	 * on disk. */
	int fd = memfd_create("fuzz_pcapread", 0);
	assert(fd >= 0);
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		assert(w > 0);
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	pcap_t *b = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	struct capture *a = capture_open_file(path, NULL, err, sizeof(err));
	if (b == NULL || a == NULL) {
		/* capture_open_file() opens with libpcap: it can only refuse
		 * more (a link type sipwatch does not decode). */
		assert(!(b == NULL && a != NULL));
		if (b != NULL)
			pcap_close(b);
		capture_close(a);
		close(fd);
		return 0;
	}
	for (;;) {
		struct pcap_pkthdr *ha, *hb;
		const u_char *da, *db;
		int ra = capture_next(a, &ha, &da);
		int rb = pcap_next_ex(b, &hb, &db);
		if (ra != rb)
			abort();
		if (ra != 1) {
			if (ra == PCAP_ERROR && strcmp(capture_error(a), pcap_geterr(b)) != 0)
				abort();
			break;
		}
		if (ha->ts.tv_sec != hb->ts.tv_sec || ha->ts.tv_usec != hb->ts.tv_usec ||
		    ha->caplen != hb->caplen || ha->len != hb->len ||
		    memcmp(da, db, ha->caplen) != 0)
			abort();
	}
	capture_close(a);
	pcap_close(b);
	close(fd);
	return 0;
}
