/*
 * dump.c - one JSON object per SIP message (--dump).  Field names are
 * documented in README.md ("Outputs").
 */
#include "monitor/dump.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "monitor/json.h"
#include "parsers/decap.h"
#include "parsers/sdp.h"
#include "parsers/sip.h"
#include "parsers/sip_values.h"

void
dump_addr(char *buf, size_t len, int ver, const uint8_t *a)
{
	/* IPv4, the usual case, without inet_ntop(): the same text */
	if (ver != 6 && len >= 16) {
		(void)ip4_text(buf, a);
		return;
	}
	if (inet_ntop(ver == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* Member names are string literals: written as they are, their lengths
 * known at compile time (json_key_plain()).  j is the writer in scope. */
#define KEY(lit) json_key_plain(j, "" lit, sizeof(lit) - 1)
#define KSPAN(lit, s) (KEY(lit), json_str(j, (s).p, (s).len))
#define KU64(lit, v) (KEY(lit), json_u64(j, (v)))
#define KCSTR(lit, s) (KEY(lit), json_cstr(j, (s)))
/* a value made here (an address, a fixed word): nothing to escape */
#define KPLAIN(lit, s) (KEY(lit), json_str_plain(j, (s), strlen(s)))

/* The value of a name-addr member (its key written before). */
static void
nameaddr(struct json *j, int has, const struct sip_nameaddr *na)
{
	if (!has) {
		json_null(j);
		return;
	}
	json_obj_open(j);
	KSPAN("uri", na->uri_tok);
	KSPAN("user", na->uri.user);
	KSPAN("host", na->uri.host);
	if (na->display.len)
		KSPAN("display", na->display);
	if (na->tag.p)
		KSPAN("tag", na->tag);
	json_obj_close(j);
}

/* The value of a credentials or challenge member (its key written before). */
static void
auth_obj(struct json *j, uint16_t hdr, const struct sip_auth *a)
{
	json_obj_open(j);
	KCSTR("header", sip_hdr_name((enum sip_hdr_id)hdr));
	KSPAN("scheme", a->scheme_tok);
	if (a->username.p)
		KSPAN("username", a->username);
	if (a->realm.p)
		KSPAN("realm", a->realm);
	if (a->algorithm.p)
		KSPAN("algorithm", a->algorithm);
	if (a->qop.p)
		KSPAN("qop", a->qop);
	json_obj_close(j);
}

void
dump_message(struct json *j, const struct pkt_meta *m, const struct sip_msg *msg,
    const struct sip_summary *s, unsigned mon_anoms)
{
	char a[INET6_ADDRSTRLEN];

	json_obj_open(j);
	KEY("ts");
	json_time(j, m->ts.tv_sec, (long)m->ts.tv_usec);
	KU64("frame", m->frame);
	dump_addr(a, sizeof(a), m->ipver, m->src);
	KPLAIN("src", a);
	KU64("sport", m->sport);
	dump_addr(a, sizeof(a), m->ipver, m->dst);
	KPLAIN("dst", a);
	KU64("dport", m->dport);
	KU64("ip", m->ipver);
	KPLAIN("transport", m->ws ? "ws" : m->transport == IPPROTO_TCP ? "tcp" :
	    m->transport == IPPROTO_SCTP ? "sctp" : "udp");
	if (m->encap) {
		KEY("encap");
		json_arr_open(j);
		for (unsigned e = 0; e < DECAP_E__COUNT; e++)
			if (m->encap & (1u << e))
				json_cstr(j, decap_encap_name(e));
		json_arr_close(j);
	}
	if (msg->is_request) {
		KSPAN("method", msg->method_tok);
		KSPAN("ruri", msg->ruri);
	} else {
		KU64("status", msg->status);
		KSPAN("reason", msg->reason);
	}
	KEY("call_id");
	if (s->call_id.p)
		json_str(j, s->call_id.p, s->call_id.len);
	else
		json_null(j);
	KEY("cseq");
	if (s->has_cseq) {
		json_obj_open(j);
		KU64("seq", s->cseq);
		KSPAN("method", s->cseq_method);
		json_obj_close(j);
	} else {
		json_null(j);
	}
	KEY("from");
	nameaddr(j, s->has_from, &s->from);
	KEY("to");
	nameaddr(j, s->has_to, &s->to);
	if (s->user_agent.p)
		KSPAN("user_agent", s->user_agent);
	if (s->has_via) {
		KSPAN("via_transport", s->via.transport);
		if (s->via.branch.p)
			KSPAN("via_branch", s->via.branch);
	}
	if (s->has_auth) {
		KEY("auth");
		auth_obj(j, s->auth_hdr, &s->auth);
	}
	if (s->has_challenge) {
		KEY("challenge");
		auth_obj(j, s->challenge_hdr, &s->challenge);
	}
	KU64("body_len", msg->body.len);
	if (s->has_sdp) {
		KEY("sdp");
		json_obj_open(j);
		KEY("media");
		json_arr_open(j);
		for (unsigned i = 0; i < s->sdp.num_media; i++) {
			json_obj_open(j);
			KSPAN("type", s->sdp.media[i].media);
			KU64("port", s->sdp.media[i].port);
			KSPAN("proto", s->sdp.media[i].proto);
			json_obj_close(j);
		}
		json_arr_close(j);
		KU64("crypto", s->sdp.crypto_total);
		KU64("fingerprint", s->sdp.fingerprint_total);
		json_obj_close(j);
	}
	KEY("anomalies");
	json_arr_open(j);
	for (uint64_t x = s->anomalies; x; x &= x - 1)
		json_cstr(j, sip_anomaly_name((unsigned)__builtin_ctzll(x)));
	if (mon_anoms & PIPE_A_TRUNCATED)
		json_cstr(j, "truncated_datagram");
	json_arr_close(j);
	json_obj_close(j);
}
