/*
 * alerts.c - the JSON-lines and text alert sinks.  Field names are
 * documented in README.md ("Alerts").
 */
#include "monitor/alerts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "monitor/dump.h"
#include "monitor/json.h"

static const char *
transport_name(const struct rule_pkt *p)
{
	if (p->ws)
		return "ws";
	return p->transport == IPPROTO_TCP ? "tcp" :
	    p->transport == IPPROTO_SCTP ? "sctp" : "udp";
}

static void
kspan(struct json *j, const char *k, struct span s)
{
	json_kstr(j, k, s.p, s.len);
}

void
alert_json(struct json *j, const struct rule_alert *a)
{
	char addr[INET6_ADDRSTRLEN];

	json_obj_open(j);
	json_key(j, "ts");
	json_time(j, a->ts.tv_sec, (long)a->ts.tv_usec);
	json_kcstr(j, "rule", a->rule);
	json_kcstr(j, "severity", rule_severity_name(a->severity));
	json_kcstr(j, "message", a->message);
	if (a->pkt) {
		const struct rule_pkt *p = a->pkt;
		json_ku64(j, "frame", p->frame);
		dump_addr(addr, sizeof(addr), p->ipver, p->src);
		json_kcstr(j, "src", addr);
		json_ku64(j, "sport", p->sport);
		dump_addr(addr, sizeof(addr), p->ipver, p->dst);
		json_kcstr(j, "dst", addr);
		json_ku64(j, "dport", p->dport);
		json_kcstr(j, "transport", transport_name(p));
	}
	if (a->msg) {
		const struct sip_msg *m = a->msg;
		if (m->is_request) {
			kspan(j, "method", m->method_tok);
			kspan(j, "ruri", m->ruri);
		} else {
			json_ku64(j, "status", m->status);
		}
	}
	if (a->sum) {
		const struct sip_summary *s = a->sum;
		if (s->has_from)
			kspan(j, "from", s->from.uri_tok);
		if (s->has_to)
			kspan(j, "to", s->to.uri_tok);
		if (s->call_id.p)
			kspan(j, "call_id", s->call_id);
		if (s->user_agent.p)
			kspan(j, "user_agent", s->user_agent);
	}
	if (a->key)
		json_kcstr(j, "key", a->key);
	json_ku64(j, "count", a->count);
	json_obj_close(j);
}

static int
json_write(struct sink *s, const struct rule_alert *a)
{
	struct json *j = s->priv;
	json_reset(j);
	alert_json(j, a);
	return json_write_line(j, s->f);
}

/* Text: one line per alert, fields that a terminal user scans first. */
static int
text_write(struct sink *s, const struct rule_alert *a)
{
	char src[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN] = "-";
	char ts[40];
	struct tm tm;
	time_t t = (time_t)a->ts.tv_sec;

	if (gmtime_r(&t, &tm) == NULL || strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		snprintf(ts, sizeof(ts), "%lld", (long long)a->ts.tv_sec);
	if (a->pkt) {
		dump_addr(src, sizeof(src), a->pkt->ipver, a->pkt->src);
		dump_addr(dst, sizeof(dst), a->pkt->ipver, a->pkt->dst);
	}
	/* Packet bytes go through the JSON escaper so that a hostile header
	 * cannot put control characters on the operator's terminal. */
	struct json *j = s->priv;
	json_reset(j);
	json_str(j, a->message, strlen(a->message));
	int r = fprintf(s->f, "%s.%06ldZ %-8s %-20s %s", ts, (long)a->ts.tv_usec,
	    rule_severity_name(a->severity), a->rule, src);
	if (a->pkt && a->pkt->ipver == 6)
		r = r < 0 ? r : fprintf(s->f, " port %u", a->pkt->sport);
	else if (a->pkt)
		r = r < 0 ? r : fprintf(s->f, ":%u", a->pkt->sport);
	if (a->pkt && a->pkt->ipver == 6)
		r = r < 0 ? r : fprintf(s->f, " -> %s port %u", dst, a->pkt->dport);
	else if (a->pkt)
		r = r < 0 ? r : fprintf(s->f, " -> %s:%u", dst, a->pkt->dport);
	else
		r = r < 0 ? r : fprintf(s->f, " -> %s", dst);
	if (a->count > 1)
		r = r < 0 ? r : fprintf(s->f, " (x%llu)", (unsigned long long)a->count);
	if (a->pkt == NULL && a->key) {
		/* end-of-run summaries have no packet: say what they count */
		struct json k;
		json_init(&k);
		json_str(&k, a->key, strlen(a->key));
		r = r < 0 ? r : fprintf(s->f, " key %.*s", (int)k.len, k.p);
		json_free(&k);
	}
	r = r < 0 ? r : fprintf(s->f, " %.*s\n", (int)j->len, j->p);
	return r < 0 ? -1 : 0;
}

static int
close_common(struct sink *s)
{
	int r = 0;
	if (s->f && fflush(s->f) != 0)
		r = -1;
	if (s->f && s->f != stdout && fclose(s->f) != 0)
		r = -1;
	if (s->priv) {
		json_free(s->priv);
		free(s->priv);
	}
	free(s->path);
	free(s);
	return r;
}

static const struct sink_ops json_ops = { "json", json_write, close_common };
static const struct sink_ops text_ops = { "text", text_write, close_common };

struct sink *
sink_open(const char *spec, char *err, size_t errlen)
{
	const struct sink_ops *ops;
	const char *path = "-";
	if (strncmp(spec, "json", 4) == 0 && (spec[4] == '\0' || spec[4] == ':'))
		ops = &json_ops;
	else if (strncmp(spec, "text", 4) == 0 && (spec[4] == '\0' || spec[4] == ':'))
		ops = &text_ops;
	else {
		snprintf(err, errlen, "-o %s: unknown output; expected json[:PATH] or text[:PATH]", spec);
		return NULL;
	}
	if (spec[4] == ':')
		path = spec + 5;
	if (*path == '\0') {
		snprintf(err, errlen, "-o %s: empty path", spec);
		return NULL;
	}
	struct sink *s = calloc(1, sizeof(*s));
	struct json *j = calloc(1, sizeof(*j));
	if (s == NULL || j == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		free(j);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_init(j);
	s->priv = j;
	s->ops = ops;
	if (strcmp(path, "-") == 0) {
		s->f = stdout;
	} else if ((s->f = fopen(path, "w")) == NULL) {
		snprintf(err, errlen, "-o %s: cannot write %s: %s", spec, path, strerror(errno));
		s->f = NULL;
		close_common(s);
		return NULL;
	}
	return s;
}

int
sink_write(struct sink *s, const struct rule_alert *a)
{
	if (s->err)
		return -1;
	if (s->ops->write(s, a) != 0) {
		s->err = errno ? errno : EIO;
		fprintf(stderr, "sipwatch: %s output %s: %s\n", s->ops->kind, s->path,
		    strerror(s->err));
		return -1;
	}
	return 0;
}

int
sink_close(struct sink *s)
{
	return s->ops->close(s);
}
