/*
 * fuzz_pcap.c - the whole of sipwatch on a capture file's bytes, as
 * monitor/main.c runs it: libpcap reads the input as a pcap or pcapng
 * file, every frame goes through pipeline_frame(), every message through
 * the default rule engine and the --dump JSON writer, every alert through
 * the JSON alert formatter.  Tables are small so that eviction paths run.
 */
#include <assert.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "monitor/alerts.h"
#include "monitor/dump.h"
#include "monitor/json.h"
#include "monitor/pipeline.h"
#include "parsers/decap.h"
#include "rules/config.h"
#include "rules/rules.h"
#include "tests/fuzz/fuzz.h"

static struct pipeline *pl;
static struct rule_engine *eng;
static struct json j;

static void
on_alert(void *ud, const struct rule_alert *a)
{
	(void)ud;
	json_reset(&j);
	alert_json(&j, a);
}

static void
on_tls(void *ud, const struct pkt_meta *m, uint16_t version, const char *sni)
{
	struct rule_pkt r;
	(void)ud, (void)version;
	assert(strlen(sni) < 65536);
	memset(&r, 0, sizeof(r));
	r.ts = m->ts;
	r.ipver = m->ipver;
	r.transport = m->transport;
	memcpy(r.src, m->src, 16);
	memcpy(r.dst, m->dst, 16);
	r.sport = m->sport;
	r.dport = m->dport;
	rule_engine_tls(eng, &r);
}

static void
on_msg(void *ud, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *sum, unsigned mon)
{
	struct rule_pkt r;
	struct pipeline_raw raw;
	(void)ud;
	memset(&r, 0, sizeof(r));
	if (pipeline_current_frame(pl, &raw)) {
		r.raw = raw.data;
		r.raw_caplen = raw.caplen;
		r.raw_len = raw.len;
		r.raw_dlt = raw.dlt;
	}
	r.ts = m->ts;
	r.frame = m->frame;
	r.ipver = m->ipver;
	r.transport = m->transport;
	r.ws = m->ws;
	memcpy(r.src, m->src, 16);
	memcpy(r.dst, m->dst, 16);
	r.sport = m->sport;
	r.dport = m->dport;
	rule_engine_message(eng, &r, msg, sum);
	json_reset(&j);
	dump_message(&j, m, msg, sum, mon);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rule_config *rc;
	char err[PCAP_ERRBUF_SIZE + 256];

	if (rc == NULL) {
		rc = rule_config_default(err, sizeof(err));
		assert(rc != NULL);
		rc->table_size = 256;
		json_init(&j);
	}
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (f == NULL)
		return 0;
	pcap_t *p = pcap_fopen_offline(f, err); /* closes f from now on */
	if (p == NULL) {
		fclose(f);
		return 0;
	}
	int dlt = pcap_datalink(p);
	if (!decap_link_supported(dlt)) {
		pcap_close(p);
		return 0;
	}

	struct pipeline_cfg c;
	pipeline_cfg_default(&c);
	c.tcp_streams = 64;
	c.tcp_flows = 64;
	c.frag_sets = 64;
	c.buffer_budget = 1u << 20;
	c.on_msg = on_msg;
	c.on_tls = on_tls;
	eng = rule_engine_new(rc, on_alert, NULL, err, sizeof(err));
	assert(eng != NULL);
	pl = pipeline_new(&c, err, sizeof(err));
	assert(pl != NULL);

	struct pcap_pkthdr *h;
	const u_char *d;
	int r;
	while ((r = pcap_next_ex(p, &h, &d)) >= 0)
		if (r > 0)
			pipeline_frame(pl, dlt, &h->ts, d, h->caplen, h->len);
	pipeline_finish(pl);
	rule_engine_finish(eng);
	pipeline_free(pl);
	rule_engine_free(eng);
	pl = NULL;
	eng = NULL;
	pcap_close(p);
	return 0;
}
