/*
 * dump.c - one JSON object per SIP message (--dump).  Field names are
 * documented in README.md ("Outputs").
 */
#include "monitor/dump.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "monitor/json.h"
#include "parsers/sdp.h"
#include "parsers/sip.h"
#include "parsers/sip_values.h"

void
dump_addr(char *buf, size_t len, int ver, const uint8_t *a)
{
	if (inet_ntop(ver == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static void
kspan(struct json *j, const char *k, struct span s)
{
	json_kstr(j, k, s.p, s.len);
}

static void
nameaddr(struct json *j, const char *k, int has, const struct sip_nameaddr *na)
{
	json_key(j, k);
	if (!has) {
		json_null(j);
		return;
	}
	json_obj_open(j);
	kspan(j, "uri", na->uri_tok);
	kspan(j, "user", na->uri.user);
	kspan(j, "host", na->uri.host);
	if (na->display.len)
		kspan(j, "display", na->display);
	if (na->tag.p)
		kspan(j, "tag", na->tag);
	json_obj_close(j);
}

static void
auth_obj(struct json *j, const char *k, uint16_t hdr, const struct sip_auth *a)
{
	json_key(j, k);
	json_obj_open(j);
	json_kcstr(j, "header", sip_hdr_name((enum sip_hdr_id)hdr));
	kspan(j, "scheme", a->scheme_tok);
	if (a->username.p)
		kspan(j, "username", a->username);
	if (a->realm.p)
		kspan(j, "realm", a->realm);
	if (a->algorithm.p)
		kspan(j, "algorithm", a->algorithm);
	if (a->qop.p)
		kspan(j, "qop", a->qop);
	json_obj_close(j);
}

void
dump_message(struct json *j, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *s, unsigned mon_anoms)
{
	char a[INET6_ADDRSTRLEN];

	json_obj_open(j);
	json_key(j, "ts");
	json_time(j, m->ts.tv_sec, (long)m->ts.tv_usec);
	json_ku64(j, "frame", m->frame);
	dump_addr(a, sizeof(a), m->ipver, m->src);
	json_kcstr(j, "src", a);
	json_ku64(j, "sport", m->sport);
	dump_addr(a, sizeof(a), m->ipver, m->dst);
	json_kcstr(j, "dst", a);
	json_ku64(j, "dport", m->dport);
	json_ku64(j, "ip", m->ipver);
	json_kcstr(j, "transport", m->ws ? "ws" : m->transport == IPPROTO_TCP ? "tcp" :
	    m->transport == IPPROTO_SCTP ? "sctp" : "udp");
	if (m->encap) {
		json_key(j, "encap");
		json_arr_open(j);
		for (unsigned e = 0; e < DECAP_E__COUNT; e++)
			if (m->encap & (1u << e))
				json_cstr(j, decap_encap_name(e));
		json_arr_close(j);
	}
	if (msg->is_request) {
		kspan(j, "method", msg->method_tok);
		kspan(j, "ruri", msg->ruri);
	} else {
		json_ku64(j, "status", msg->status);
		kspan(j, "reason", msg->reason);
	}
	json_key(j, "call_id");
	if (s->call_id.p)
		json_str(j, s->call_id.p, s->call_id.len);
	else
		json_null(j);
	json_key(j, "cseq");
	if (s->has_cseq) {
		json_obj_open(j);
		json_ku64(j, "seq", s->cseq);
		kspan(j, "method", s->cseq_method);
		json_obj_close(j);
	} else {
		json_null(j);
	}
	nameaddr(j, "from", s->has_from, &s->from);
	nameaddr(j, "to", s->has_to, &s->to);
	if (s->user_agent.p)
		kspan(j, "user_agent", s->user_agent);
	if (s->has_via) {
		kspan(j, "via_transport", s->via.transport);
		if (s->via.branch.p)
			kspan(j, "via_branch", s->via.branch);
	}
	if (s->has_auth)
		auth_obj(j, "auth", s->auth_hdr, &s->auth);
	if (s->has_challenge)
		auth_obj(j, "challenge", s->challenge_hdr, &s->challenge);
	json_ku64(j, "body_len", msg->body.len);
	if (s->has_sdp) {
		json_key(j, "sdp");
		json_obj_open(j);
		json_key(j, "media");
		json_arr_open(j);
		for (unsigned i = 0; i < s->sdp.num_media; i++) {
			json_obj_open(j);
			kspan(j, "type", s->sdp.media[i].media);
			json_ku64(j, "port", s->sdp.media[i].port);
			kspan(j, "proto", s->sdp.media[i].proto);
			json_obj_close(j);
		}
		json_arr_close(j);
		json_ku64(j, "crypto", s->sdp.crypto_total);
		json_ku64(j, "fingerprint", s->sdp.fingerprint_total);
		json_obj_close(j);
	}
	json_key(j, "anomalies");
	json_arr_open(j);
	for (uint64_t x = s->anomalies; x; x &= x - 1)
		json_cstr(j, sip_anomaly_name((unsigned)__builtin_ctzll(x)));
	if (mon_anoms & PIPE_A_TRUNCATED)
		json_cstr(j, "truncated_datagram");
	json_arr_close(j);
	json_obj_close(j);
}
