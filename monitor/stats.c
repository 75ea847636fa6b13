/* stats.c - see stats.h. */
#include "monitor/stats.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/json.h"
#include "parsers/tls.h"
#include "rules/rules.h"

static const char *event_names[] = {
#define STATS_E_NAME(id, n, d) n,
	STATS_EVENT_MAP(STATS_E_NAME)
#undef STATS_E_NAME
};

const char *
stats_event_name(unsigned e)
{
	return e < STATS_E__COUNT ? event_names[e] : "?";
}

void
stats_count_dlt(struct stats *s, int dlt)
{
	for (int i = 0; i < STATS_MAX_DLT; i++) {
		if (s->dlt[i].n && s->dlt[i].dlt == dlt) {
			s->dlt[i].n++;
			return;
		}
		if (s->dlt[i].n == 0) {
			s->dlt[i].dlt = dlt;
			s->dlt[i].n = 1;
			return;
		}
	}
}

void
stats_count_tls(struct stats *s, uint16_t version, const char *sni)
{
	s->tls_flows++;
	for (int i = 0; i < STATS_MAX_TLSVER; i++) {
		if (s->tlsver[i].n && s->tlsver[i].v == version) {
			s->tlsver[i].n++;
			break;
		}
		if (s->tlsver[i].n == 0) {
			s->tlsver[i].v = version;
			s->tlsver[i].n = 1;
			break;
		}
	}
	if (sni == NULL || sni[0] == '\0')
		return;
	for (unsigned i = 0; i < s->nsni; i++)
		if (strcmp(s->sni[i].name, sni) == 0) {
			s->sni[i].n++;
			return;
		}
	if (s->sni == NULL)
		s->sni = calloc(STATS_MAX_SNI, sizeof(*s->sni));
	if (s->sni == NULL || s->nsni >= STATS_MAX_SNI) {
		s->sni_overflow++;
		return;
	}
	snprintf(s->sni[s->nsni].name, sizeof(s->sni[0].name), "%s", sni);
	s->sni[s->nsni].n = 1;
	s->nsni++;
}

static const char *
dlt_name(int dlt)
{
	const char *n = pcap_datalink_val_to_name(dlt);
	return n ? n : "unknown";
}

static void
rules_json(struct json *j, const struct rule_stats *rs)
{
	uint64_t total = rs->alerts_custom;
	for (unsigned r = 0; r < R__COUNT; r++)
		total += rs->alerts[r];
	json_key(j, "alerts");
	json_obj_open(j);
	json_ku64(j, "total", total);
	json_key(j, "by_rule");
	json_obj_open(j);
	for (unsigned r = 0; r < R__COUNT; r++)
		if (rs->alerts[r])
			json_ku64(j, rule_name(r), rs->alerts[r]);
	if (rs->alerts_custom)
		json_ku64(j, "custom", rs->alerts_custom);
	json_obj_close(j);
	json_key(j, "by_severity");
	json_obj_open(j);
	for (int v = 0; v < SEV__COUNT; v++)
		json_ku64(j, rule_severity_name(v), rs->by_severity[v]);
	json_obj_close(j);
	json_ku64(j, "suppressed_events", rs->suppressed);
	json_ku64(j, "rate_limited_alerts", rs->rate_limited);
	json_ku64(j, "table_evictions", rs->table_evictions);
	json_ku64(j, "out_of_memory", rs->oom);
	json_ku64(j, "pattern_limit_hits", rs->pattern_limit_hits);
	json_ku64(j, "tls_flows", rs->tls_flows);
	json_ku64(j, "cleartext_messages", rs->cleartext_msgs);
	json_obj_close(j);
}

int
stats_write(const struct stats *s, const struct rule_stats *rs, FILE *f)
{
	return stats_write_ex(s, rs, NULL, 0, f);
}

int
stats_write_ex(const struct stats *s, const struct rule_stats *rs,
    const struct stats_output *outs, size_t nouts, FILE *f)
{
	struct json j;
	json_init(&j);
	json_obj_open(&j);
	json_ku64(&j, "packets", s->packets);
	json_ku64(&j, "bytes", s->bytes);

	json_key(&j, "link_types");
	json_obj_open(&j);
	for (int i = 0; i < STATS_MAX_DLT && s->dlt[i].n; i++)
		json_ku64(&j, dlt_name(s->dlt[i].dlt), s->dlt[i].n);
	json_obj_close(&j);

	json_key(&j, "ip");
	json_obj_open(&j);
	json_ku64(&j, "4", s->ip4);
	json_ku64(&j, "6", s->ip6);
	json_ku64(&j, "ipv4_fragments", s->frag4);
	json_ku64(&j, "ipv6_fragments", s->frag6);
	json_ku64(&j, "ipv4_reassembled", s->reasm4);
	json_ku64(&j, "ipv6_reassembled", s->reasm6);
	json_obj_close(&j);

	json_key(&j, "encapsulation");
	json_obj_open(&j);
	for (unsigned e = 0; e < DECAP_E__COUNT; e++)
		json_ku64(&j, decap_encap_name(e), s->encap[e]);
	json_obj_close(&j);

	json_key(&j, "transport");
	json_obj_open(&j);
	json_ku64(&j, "udp", s->udp);
	json_ku64(&j, "tcp", s->tcp);
	json_ku64(&j, "sctp", s->sctp);
	json_ku64(&j, "other", s->other_l4);
	json_obj_close(&j);

	json_key(&j, "sip");
	json_obj_open(&j);
	json_ku64(&j, "messages", s->sip_msgs);
	json_ku64(&j, "udp", s->sip_udp);
	json_ku64(&j, "tcp", s->sip_tcp);
	json_ku64(&j, "sctp", s->sip_sctp);
	json_ku64(&j, "requests", s->sip_requests);
	json_ku64(&j, "responses", s->sip_responses);
	json_key(&j, "methods");
	json_obj_open(&j);
	for (unsigned m = 1; m < SIP_M__COUNT; m++)
		if (s->methods[m])
			json_ku64(&j, sip_method_name(m), s->methods[m]);
	json_obj_close(&j);
	json_key(&j, "responses_by_class");
	json_obj_open(&j);
	static const char *cls[] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx" };
	for (unsigned c = 1; c <= 6; c++)
		json_ku64(&j, cls[c], s->status_class[c]);
	if (s->status_class[0])
		json_ku64(&j, cls[0], s->status_class[0]);
	json_obj_close(&j);
	json_obj_close(&j);

	json_key(&j, "anomalies");
	json_obj_open(&j);
	for (unsigned a = 0; a < SIP_A__COUNT; a++)
		if (s->anomalies[a])
			json_ku64(&j, sip_anomaly_name(a), s->anomalies[a]);
	json_obj_close(&j);

	json_key(&j, "decode_events");
	json_obj_open(&j);
	for (unsigned e = 0; e < STATS_E__COUNT; e++)
		if (s->events[e])
			json_ku64(&j, stats_event_name(e), s->events[e]);
	json_obj_close(&j);

	json_key(&j, "tcp");
	json_obj_open(&j);
	json_ku64(&j, "streams", s->tcp_streams_nids + s->tcp_streams_own);
	json_ku64(&j, "streams_libnids", s->tcp_streams_nids);
	json_ku64(&j, "streams_own", s->tcp_streams_own);
	json_ku64(&j, "midstream_pickups", s->tcp_midstream);
	json_ku64(&j, "flow_evictions", s->tcp_flow_evictions);
	json_ku64(&j, "flow_expirations", s->tcp_flow_expirations);
	json_ku64(&j, "flows_peak", s->tcp_flows_peak);
	json_obj_close(&j);

	json_ku64(&j, "ipv6_fragment_evictions", s->frag6_evictions);

	json_key(&j, "tls");
	json_obj_open(&j);
	json_ku64(&j, "flows", s->tls_flows);
	json_key(&j, "versions");
	json_obj_open(&j);
	for (int i = 0; i < STATS_MAX_TLSVER && s->tlsver[i].n; i++)
		json_ku64(&j, s->tlsver[i].v ? tls_version_name(s->tlsver[i].v) : "unknown",
		    s->tlsver[i].n);
	json_obj_close(&j);
	json_key(&j, "sni");
	json_obj_open(&j);
	for (unsigned i = 0; i < s->nsni; i++)
		json_ku64(&j, s->sni[i].name, s->sni[i].n);
	json_obj_close(&j);
	json_ku64(&j, "sni_not_kept", s->sni_overflow);
	json_obj_close(&j);

	json_key(&j, "capture");
	json_obj_open(&j);
	json_key(&j, "live");
	json_bool(&j, s->live);
	json_ku64(&j, "received", s->cap_recv);
	json_ku64(&j, "dropped_kernel", s->cap_drop);
	json_ku64(&j, "dropped_interface", s->cap_ifdrop);
	json_obj_close(&j);

	if (rs)
		rules_json(&j, rs);
	if (outs) {
		json_key(&j, "outputs");
		json_arr_open(&j);
		for (size_t i = 0; i < nouts; i++) {
			json_obj_open(&j);
			json_kcstr(&j, "kind", outs[i].kind);
			json_kcstr(&j, "target", outs[i].target);
			json_ku64(&j, "sent", outs[i].sent);
			json_ku64(&j, "dropped", outs[i].dropped);
			json_ku64(&j, "errors", outs[i].errors);
			json_ku64(&j, "reconnects", outs[i].reconnects);
			json_obj_close(&j);
		}
		json_arr_close(&j);
	}
	json_obj_close(&j);
	int r = j.oom ? -1 : json_write_line(&j, f);
	json_free(&j);
	return r;
}
