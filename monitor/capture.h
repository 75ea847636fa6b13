/*
 * capture.h - capture sources (files, stdin, live interfaces) on libpcap,
 * and the BPF expression handling that keeps IP fragments visible behind a
 * port filter.
 */
#ifndef SIPWATCH_CAPTURE_H
#define SIPWATCH_CAPTURE_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

struct pcapread;

struct capture {
	pcap_t *p;
	const char *name;
	int dlt;
	int live;
	uint64_t size; /* file size, 0 when unknown (stdin, pipes) */
	/* Files only: the fast reader while it reads (see pcapread.h), the
	 * compiled filter it applies, and its last error. */
	struct pcapread *rd;
	struct bpf_program prog;
	int has_prog;
	char err[PCAP_ERRBUF_SIZE];
};

/*
 * Kernel buffer per interface unless -B says otherwise.  libpcap's 2 MiB
 * hold 40-80 ms of a busy mirror port: one scheduling hiccup of the
 * capture thread and the kernel drops.  32 MiB ride out about a second.
 */
#define CAPTURE_BUFFER_MIB 32
/* Live: the longest a packet waits in the kernel's ring before it is
 * handed over (TPACKET_V3's block timeout; see capture_open_live()). */
#define CAPTURE_TIMEOUT_MS 100

struct capture_live_opts {
	int snaplen;
	int promisc;
	int buffer_mib; /* 0: CAPTURE_BUFFER_MIB */
	int immediate;  /* every packet at once (several interfaces) */
};

/*
 * The expression given to libpcap for the user's expression: NULL when
 * there is none; otherwise, when widen is set, "(user) or <any IPv4
 * fragment> or <any IPv6 fragment>".  Caller frees.
 */
char *capture_filter_expr(const char *user, int widen);

/* Opens a pcap or pcapng file ("-" for stdin).  Rejects link types the
 * decoder does not support, naming them.  NULL and err on failure. */
struct capture *capture_open_file(const char *path, const char *expr,
    char *err, size_t errlen);
/* Opens an interface: promiscuous as asked; packets in blocks of at most
 * CAPTURE_TIMEOUT_MS unless o->immediate (see capture.c). */
struct capture *capture_open_live(const char *iface,
    const struct capture_live_opts *o, const char *expr, char *err, size_t errlen);
/*
 * The next packet of a file, as pcap_next_ex() has it: 1 with *h and
 * *data set until the next call, PCAP_ERROR_BREAK at the end of the file,
 * PCAP_ERROR on a damaged file or a read error (capture_error() says
 * which).  Regular files in the usual pcap format are read by pcapread.c,
 * the rest (and anything it leaves) by libpcap.
 */
int capture_next(struct capture *c, struct pcap_pkthdr **h, const u_char **data);
const char *capture_error(struct capture *c);
/* Share of a file read, 0..1, or -1 when unknown. */
double capture_progress(const struct capture *c);
void capture_close(struct capture *c);

/* The user's expression compiled for raw IP, to re-filter reassembled
 * datagrams.  NULL when there is no expression or it does not compile for
 * raw IP (link-layer primitives). */
struct reasm_filter;
typedef int (*capture_filter_fn)(void *ud, const uint8_t *ip, size_t len);
struct reasm_filter *capture_reasm_filter(const char *user);
capture_filter_fn capture_reasm_fn(void);
void capture_reasm_free(struct reasm_filter *f);

#endif
