/*
 * capture.c - opening capture files and interfaces with libpcap, and the
 * BPF filter handling (see capture.h).
 */
#include "monitor/capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static int
set_filter(pcap_t *p, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (expr == NULL)
		return 0;
	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "bad filter expression \"%s\": %s", expr,
		    pcap_geterr(p));
		return -1;
	}
	int r = pcap_setfilter(p, &prog);
	if (r != 0)
		snprintf(err, errlen, "cannot set filter: %s", pcap_geterr(p));
	pcap_freecode(&prog);
	return r == 0 ? 0 : -1;
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
	if (check_dlt(c, err, errlen) != 0 || set_filter(c->p, expr, err, errlen) != 0) {
		pcap_close(c->p);
		free(c);
		return NULL;
	}
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
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_timeout(c->p, 100);
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
	if (check_dlt(c, err, errlen) != 0 || set_filter(c->p, expr, err, errlen) != 0) {
		pcap_close(c->p);
		free(c);
		return NULL;
	}
	return c;
}

double
capture_progress(const struct capture *c)
{
	if (c->live || c->size == 0)
		return -1;
	FILE *f = pcap_file(c->p);
	if (f == NULL)
		return -1;
	long pos = ftell(f);
	if (pos < 0)
		return -1;
	double r = (double)pos / (double)c->size;
	return r > 1 ? 1 : r;
}

void
capture_close(struct capture *c)
{
	if (c == NULL)
		return;
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
