/*
 * capture_test.c - capture_next() reads files exactly as pcap_next_ex()
 * does: the same packets, time stamps, lengths and bytes, the same end
 * and the same error messages, whether the fast reader (pcapread.c) takes
 * the file, takes part of it and hands over to libpcap, or leaves it.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "monitor/capture.h"
#include "monitor/pcapread.h"

struct run {
	uint64_t packets;
	int fast;  /* the fast reader took the file */
	int ended; /* with PCAP_ERROR_BREAK (else PCAP_ERROR) */
};

/* Reads path both ways and asserts they agree packet by packet. */
static struct run
compare(const char *path, const char *filter)
{
	char err[512], ebuf[PCAP_ERRBUF_SIZE];
	struct run out = { 0, 0, 0 };
	struct capture *a = capture_open_file(path, filter, err, sizeof(err));
	cr_assert_not_null(a, "%s: %s", path, err);
	pcap_t *b = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	cr_assert_not_null(b, "%s: %s", path, ebuf);
	if (filter != NULL) {
		struct bpf_program prog;
		cr_assert_eq(pcap_compile(b, &prog, filter, 1, PCAP_NETMASK_UNKNOWN), 0);
		cr_assert_eq(pcap_setfilter(b, &prog), 0);
		pcap_freecode(&prog);
	}
	out.fast = a->rd != NULL;
	for (;;) {
		struct pcap_pkthdr *ha, *hb;
		const u_char *da, *db;
		int ra = capture_next(a, &ha, &da);
		int rb = pcap_next_ex(b, &hb, &db);
		cr_assert_eq(ra, rb, "%s: packet %llu: status %d, libpcap %d", path,
		    (unsigned long long)out.packets, ra, rb);
		if (ra != 1) {
			out.ended = ra == PCAP_ERROR_BREAK;
			if (ra == PCAP_ERROR)
				cr_assert_str_eq(capture_error(a), pcap_geterr(b), "%s", path);
			break;
		}
		cr_assert_eq(ha->ts.tv_sec, hb->ts.tv_sec, "%s: packet %llu", path,
		    (unsigned long long)out.packets);
		cr_assert_eq(ha->ts.tv_usec, hb->ts.tv_usec);
		cr_assert_eq(ha->caplen, hb->caplen);
		cr_assert_eq(ha->len, hb->len);
		cr_assert_eq(memcmp(da, db, ha->caplen), 0);
		out.packets++;
	}
	capture_close(a);
	pcap_close(b);
	return out;
}

static uint64_t
compare_dir(const char *dir, int *fast)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t files = 0;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[1024];
		if (!(n > 5 && strcmp(e->d_name + n - 5, ".pcap") == 0) &&
		    !(n > 7 && strcmp(e->d_name + n - 7, ".pcapng") == 0) &&
		    !(n > 4 && strcmp(e->d_name + n - 4, ".cap") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		char ebuf[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(path, ebuf);
		if (p == NULL)
			continue; /* not for libpcap at all: not this test's */
		pcap_close(p);
		struct run r = compare(path, NULL);
		*fast += r.fast;
		files++;
	}
	closedir(d);
	return files;
}

Test(capture, project_captures_read_alike)
{
	int fast = 0;
	uint64_t n = compare_dir("pcaps", &fast);
	cr_assert_gt(n, 20);
	cr_assert_gt(fast, 10, "the fast reader took %d of %llu", fast, (unsigned long long)n);
}

Test(capture, shared_corpus_reads_alike)
{
	int fast = 0;
	if (access("../shared/corpus/pcaps", R_OK) != 0)
		cr_skip_test("../shared/corpus/pcaps not present");
	uint64_t n = compare_dir("../shared/corpus/pcaps", &fast);
	cr_assert_gt(n, 0);
}

/* ---- crafted files ---- */

struct file {
	char path[64];
	FILE *f;
};

static void
put32(FILE *f, uint32_t v)
{
	fwrite(&v, sizeof(v), 1, f);
}

static void
file_start(struct file *w, uint32_t magic, uint16_t major, uint16_t minor, uint32_t snap,
    uint32_t link)
{
	strcpy(w->path, "/tmp/sipwatch-capture-XXXXXX");
	int fd = mkstemp(w->path);
	cr_assert(fd >= 0);
	w->f = fdopen(fd, "wb");
	cr_assert_not_null(w->f);
	put32(w->f, magic);
	fwrite(&major, 2, 1, w->f);
	fwrite(&minor, 2, 1, w->f);
	put32(w->f, 0);
	put32(w->f, 0);
	put32(w->f, snap);
	put32(w->f, link);
}

/* A record of caplen bytes (pattern from seed) claiming orig bytes;
 * write only keep bytes of it when keep < 16 + caplen (a cut file). */
static void
record(struct file *w, int32_t sec, int32_t frac, uint32_t caplen, uint32_t orig,
    unsigned seed, size_t keep)
{
	unsigned char hdr[16];
	memcpy(hdr, &sec, 4);
	memcpy(hdr + 4, &frac, 4);
	memcpy(hdr + 8, &caplen, 4);
	memcpy(hdr + 12, &orig, 4);
	size_t total = 16 + (size_t)caplen;
	if (keep > total)
		keep = total;
	fwrite(hdr, 1, keep < 16 ? keep : 16, w->f);
	for (size_t i = 16; i < keep; i++)
		fputc((int)((i * 131 + seed) & 0xff), w->f);
}

static struct run
file_done(struct file *w, const char *filter)
{
	cr_assert_eq(fclose(w->f), 0);
	struct run r = compare(w->path, filter);
	unlink(w->path);
	return r;
}

/* Thousands of records of every size, so that they straddle the
 * reader's 256 KiB reads at every offset. */
Test(capture, records_across_reads)
{
	struct file w;
	file_start(&w, 0xa1b2c3d4u, 2, 4, 65535, 1);
	unsigned len = 1;
	for (unsigned i = 0; i < 3000; i++) {
		len = (len * 7919 + 13) % 1600 + 1;
		record(&w, 1700000000 + (int32_t)i, (int32_t)(i * 37 % 1000000), len,
		    len + i % 3, i, SIZE_MAX);
	}
	struct run r = file_done(&w, NULL);
	cr_assert(r.fast);
	cr_assert(r.ended);
	cr_assert_eq(r.packets, 3000);
}

/* Records of the largest snapshot length (256 KiB) on both sides of the
 * end of the first 256 KiB read: the second record's header starts up to
 * 16 bytes after it, at it, across it, or its data does (the first read
 * begins after the 24-byte file header; 24 bytes more either way are
 * covered too).  The reader keeps the part read and reads a whole chunk
 * after it. */
Test(capture, largest_record_across_a_read)
{
	for (unsigned j = 0; j <= 88; j++) {
		struct file w;
		file_start(&w, 0xa1b2c3d4u, 2, 4, 262144, 1);
		unsigned first = 262144 - j;
		record(&w, 1, 0, first, first, 1, SIZE_MAX);
		record(&w, 2, 0, 262144, 262144, 2, SIZE_MAX);
		record(&w, 3, 0, 60, 60, 3, SIZE_MAX);
		struct run r = file_done(&w, NULL);
		cr_assert(r.fast, "j %u", j);
		cr_assert(r.ended, "j %u", j);
		cr_assert_eq(r.packets, 3, "j %u", j);
	}
}

/* Nanosecond files are given in microseconds; negative and odd time
 * stamps pass as libpcap passes them. */
Test(capture, nanosecond_and_odd_time_stamps)
{
	struct file w;
	file_start(&w, 0xa1b23c4du, 2, 4, 262144, 1);
	record(&w, 1, 999999999, 60, 60, 1, SIZE_MAX);
	record(&w, -1, -1500, 60, 60, 2, SIZE_MAX);
	record(&w, INT32_MAX, INT32_MIN, 60, 40, 3, SIZE_MAX); /* caplen > len */
	record(&w, 0, 0, 0, 0, 4, SIZE_MAX);
	struct run r = file_done(&w, NULL);
	cr_assert(r.fast);
	cr_assert_eq(r.packets, 4);
}

/* A record longer than the snapshot length: libpcap cuts it, from where
 * the fast reader handed over. */
Test(capture, record_beyond_snaplen_is_handed_over)
{
	struct file w;
	file_start(&w, 0xa1b2c3d4u, 2, 4, 1000, 1);
	for (unsigned i = 0; i < 50; i++)
		record(&w, 100, (int32_t)i, 900, 900, i, SIZE_MAX);
	record(&w, 101, 0, 1500, 1500, 7, SIZE_MAX);
	for (unsigned i = 0; i < 50; i++)
		record(&w, 102, (int32_t)i, 800, 800, i, SIZE_MAX);
	struct run r = file_done(&w, NULL);
	cr_assert(r.fast);
	cr_assert(r.ended);
	cr_assert_eq(r.packets, 101);
}

/* Damage: a capture length beyond anything sane, and files cut inside
 * a record's header or data, end with libpcap's own message. */
Test(capture, damaged_files_fail_as_libpcap_does)
{
	struct file w;
	struct run r;

	file_start(&w, 0xa1b2c3d4u, 2, 4, 65535, 1);
	record(&w, 1, 0, 100, 100, 1, SIZE_MAX);
	record(&w, 1, 0, 0x7fffffff, 100, 1, 16);
	r = file_done(&w, NULL);
	cr_assert(r.fast && !r.ended && r.packets == 1);

	file_start(&w, 0xa1b2c3d4u, 2, 4, 65535, 1);
	record(&w, 1, 0, 100, 100, 1, SIZE_MAX);
	record(&w, 1, 0, 100, 100, 1, 10);
	r = file_done(&w, NULL);
	cr_assert(r.fast && !r.ended && r.packets == 1);

	file_start(&w, 0xa1b2c3d4u, 2, 4, 65535, 1);
	record(&w, 1, 0, 100, 100, 1, SIZE_MAX);
	record(&w, 1, 0, 100, 100, 1, 60);
	r = file_done(&w, NULL);
	cr_assert(r.fast && !r.ended && r.packets == 1);
}

/* Files the fast reader leaves whole to libpcap. */
Test(capture, other_byte_order_and_versions_go_to_libpcap)
{
	struct file w;
	struct run r;

	file_start(&w, 0xd4c3b2a1u, 0x0200, 0x0400, 0xffff0000u, 0x01000000u);
	record(&w, 0x01000000, 0, 0x3c000000, 0x3c000000, 1, 16 + 60);
	r = file_done(&w, NULL);
	cr_assert(!r.fast);
	cr_assert_eq(r.packets, 1);

	file_start(&w, 0xa1b2c3d4u, 2, 3, 65535, 1);
	record(&w, 1, 0, 60, 50, 1, SIZE_MAX);
	r = file_done(&w, NULL);
	cr_assert(!r.fast);
	cr_assert_eq(r.packets, 1);

	/* A snapshot length libpcap keeps as written but the reader would
	 * have to buffer (found by fuzz_pcapread: a 1.4 GB allocation). */
	file_start(&w, 0xa1b2c3d4u, 2, 4, 0x58414a57u, 0);
	record(&w, 1, 0, 20, 20, 1, SIZE_MAX);
	r = file_done(&w, NULL);
	cr_assert(!r.fast);
	cr_assert_eq(r.packets, 1);
}

/* The filter applies to what the fast reader hands out, as libpcap
 * applies it to what it reads. */
Test(capture, filter_applies_alike)
{
	struct run all = compare("pcaps/demo.pcap", NULL);
	struct run some = compare("pcaps/demo.pcap", "less 600");
	cr_assert(some.fast);
	cr_assert_gt(some.packets, 0);
	cr_assert_lt(some.packets, all.packets);
}
