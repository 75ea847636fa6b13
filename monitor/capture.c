/*
 * capture.c - opening capture files and interfaces with libpcap, and the
 * BPF filter handling (see capture.h).
 */
#include "monitor/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/pcapread.h"
#include "parsers/decap.h"

/*
 * A port filter ("udp port 5060") passes only the first fragment of a
 * fragmented datagram: later fragments carry no UDP header.  So the
 * expression is widened to let every IPv4 fragment (MF set or offset
 * non-zero) and every IPv6 packet whose first next-header is a fragment,
 * hop-by-hop, routing or destination-options header pass, and the
 * user's expression is applied again, on raw IP, to each datagram after
 * reassembly (capture_reasm_filter).
 */
char *
capture_filter_expr(const char *user, int widen)
{
	static const char extra[] =
	    ") or (ip and ip[6:2] & 0x3fff != 0) or "
	    "(ip6 and (ip6[6] == 44 or ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 60))";
	if (user == NULL || *user == '\0')
		return NULL;
	size_t n = strlen(user);
	char *e = malloc(n + sizeof(extra) + 2);
	if (e == NULL)
		return NULL;
	if (widen) {
		e[0] = '(';
		memcpy(e + 1, user, n);
		memcpy(e + 1 + n, extra, sizeof(extra));
	} else {
		memcpy(e, user, n + 1);
	}
	return e;
}

/* Compiles expr and sets it on c->p; files keep the program for the
 * fast reader. */
static int
set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (expr == NULL)
		return 0;
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad filter expression \"%s\": %s", expr,
		    pcap_geterr(c->p));
		return -1;
	}
	int r = pcap_setfilter(c->p, &prog);
	if (r != 0)
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(c->p));
	if (r == 0 && !c->live) {
		c->prog = prog;
		c->has_prog = 1;
	} else {
		pcap_freecode(&prog);
	}
	return r == 0 ? 0 : -1;
}

/*
 * Takes a regular file for the fast reader when its header is one the
 * reader handles; otherwise (or when the file cannot be opened a second
 * time) libpcap reads it all, so this never fails the open.  Called after
 * check_dlt(): the link types whose records libpcap rewrites (USB
 * pseudo-headers) are refused before.
 */
static void
try_fast(struct capture *c, const char *path)
{
	struct stat a, b;
	FILE *f = pcap_file(c->p);
	struct pcapread *r = calloc(1, sizeof(*r));
	int fd = r && f ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* The same file as libpcap's, should the path have been replaced
	 * in between. */
	if (fd >= 0 && fstat(fd, &a) == 0 && fstat(fileno(f), &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    pcapread_open(r, fd, (uint32_t)pcap_snapshot(c->p)) == 1) {
		c->rd = r;
		return;
	}
	if (fd >= 0)
		close(fd);
	free(r);
}

static int
check_dlt(struct capture *c, char *err, size_t errlen)
{
	c->dlt = pcap_datalink(c->p);
	if (!decap_link_supported(c->dlt)) {
		const char *n = pcap_datalink_val_to_name(c->dlt);
		const char *d = pcap_datalink_val_to_description(c->dlt);
		snprintf(err, errlen, "%s: unsupported link type %d (%s%s%s); "
		    "supported: EN10MB, LINUX_SLL, LINUX_SLL2, RAW, NULL, LOOP, IPV4, IPV6",
		    c->name, c->dlt, n ? n : "unknown", d ? ", " : "", d ? d : "");
		return -1;
	}
	return 0;
}

struct capture *
capture_open_file(const char *path, const char *expr, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->name = path;
	if (strcmp(path, "-") == 0) {
		c->p = pcap_fopen_offline_with_tstamp_precision(stdin,
		    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
		c->name = "(stdin)";
	} else {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			c->size = (uint64_t)st.st_size;
		c->p = pcap_open_offline_with_tstamp_precision(path,
		    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	}
	if (c->p == NULL) {
		snprintf(err, errlen, "%s: %s", c->name, ebuf);
		free(c);
		return NULL;
	}
	if (check_dlt(c, err, errlen) != 0 || set_filter(c, expr, err, errlen) != 0) {
		capture_close(c);
		return NULL;
	}
	if (c->size != 0)
		try_fast(c, path);
	return c;
}

struct capture *
capture_open_live(const char *iface, const struct capture_live_opts *o,
    const char *expr, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->name = iface;
	c->live = 1;
	c->p = pcap_create(iface, ebuf);
	if (c->p == NULL) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		free(c);
		return NULL;
	}
	pcap_set_snaplen(c->p, o->snaplen);
	pcap_set_promisc(c->p, o->promisc);
	/*
	 * Not immediate mode: the kernel hands packets over a block at a
	 * time, one wake-up for all the packets of a block, a block once it
	 * is full or CAPTURE_TIMEOUT_MS after it began (TPACKET_V3).
	 * Immediate mode woke the capture loop for nearly every packet: at
	 * 20,000 packets/s it took six times the CPU, at 100,000 twice
	 * (README, "Live capture operations").  run_live() reads the last
	 * block before it stops.  With several interfaces, blocks would
	 * interleave them 100 ms at a time, and a TAP that gives each
	 * direction its own port needs a connection's SYN before its
	 * SYN-ACK: then every packet comes at once, as it arrives.
	 */
	pcap_set_immediate_mode(c->p, o->immediate != 0);
	pcap_set_timeout(c->p, CAPTURE_TIMEOUT_MS);
	pcap_set_buffer_size(c->p,
	    (o->buffer_mib ? o->buffer_mib : CAPTURE_BUFFER_MIB) << 20);
	int r = pcap_activate(c->p);
	if (r < 0) {
		if (r == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, errlen, "%s: no such interface", iface);
		else if (r == PCAP_ERROR_PERM_DENIED)
			snprintf(err, errlen, "%s: permission denied (%s); run as "
			    "root or with CAP_NET_RAW", iface, pcap_geterr(c->p));
		else
			snprintf(err, errlen, "%s: %s", iface, pcap_geterr(c->p));
		pcap_close(c->p);
		free(c);
		return NULL;
	}
	if (check_dlt(c, err, errlen) != 0 || set_filter(c, expr, err, errlen) != 0) {
		capture_close(c);
		return NULL;
	}
	return c;
}

double
capture_progress(const struct capture *c)
{
	if (c->live || c->size == 0)
		return -1;
	if (c->rd != NULL) {
		double r = (double)pcapread_offset(c->rd) / (double)c->size;
		return r > 1 ? 1 : r;
	}
	FILE *f = pcap_file(c->p);
	if (f == NULL)
		return -1;
	long pos = ftell(f);
	if (pos < 0)
		return -1;
	double r = (double)pos / (double)c->size;
	return r > 1 ? 1 : r;
}

/* The fast reader stops; libpcap reads on from where it stopped. */
static int
hand_over(struct capture *c)
{
	uint64_t off = pcapread_offset(c->rd);
	FILE *f = pcap_file(c->p);
	pcapread_close(c->rd);
	c->rd = NULL;
	if (f == NULL || off > (uint64_t)LONG_MAX || fseek(f, (long)off, SEEK_SET) != 0) {
		snprintf(c->err, sizeof(c->err), "cannot seek to offset %llu: %s",
		    (unsigned long long)off, strerror(errno));
		return -1;
	}
	return 0;
}

int
capture_next(struct capture *c, struct pcap_pkthdr **h, const u_char **data)
{
	while (c->rd != NULL) {
		switch (pcapread_next(c->rd, h, data)) {
		case PCAPREAD_PACKET:
			/* As libpcap's own read loop: the filter sees the
			 * original length and the captured bytes. */
			if (c->has_prog && pcap_offline_filter(&c->prog, *h, *data) == 0)
				continue;
			return 1;
		case PCAPREAD_END:
			return PCAP_ERROR_BREAK;
		case PCAPREAD_ERROR:
			snprintf(c->err, sizeof(c->err), "error reading dump file: %s",
			    strerror(errno));
			return PCAP_ERROR;
		case PCAPREAD_HANDOVER:
			if (hand_over(c) != 0)
				return PCAP_ERROR;
			break;
		}
	}
	return pcap_next_ex(c->p, h, data);
}

const char *
capture_error(struct capture *c)
{
	return c->err[0] ? c->err : pcap_geterr(c->p);
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
	pcapread_close(c->rd);
	if (c->has_prog)
		pcap_freecode(&c->prog);
	pcap_close(c->p);
	free(c);
}

struct reasm_filter {
	pcap_t *dead;
	struct bpf_program prog;
};

static int
reasm_run(void *ud, const uint8_t *ip, size_t len)
{
	struct reasm_filter *f = ud;
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)len;
	return pcap_offline_filter(&f->prog, &h, ip) != 0;
}

struct reasm_filter *
capture_reasm_filter(const char *user)
{
	if (user == NULL || *user == '\0')
		return NULL;
	struct reasm_filter *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->dead = pcap_open_dead(DLT_RAW, 65535);
	/* Link-layer primitives (ether, vlan) do not compile for raw IP:
	 * then reassembled datagrams are not filtered again. */
	if (f->dead == NULL ||
	    pcap_compile(f->dead, &f->prog, user, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		if (f->dead)
			pcap_close(f->dead);
		free(f);
		return NULL;
	}
	return f;
}

capture_filter_fn
capture_reasm_fn(void)
{
	return reasm_run;
}

void
capture_reasm_free(struct reasm_filter *f)
{
	if (f == NULL)
		return;
	pcap_freecode(&f->prog);
	pcap_close(f->dead);
	free(f);
}
