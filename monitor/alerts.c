/*
 * alerts.c - the alert sinks' common part (spec parsing, queueing) and the
 * JSON-lines and text sinks.  Field names are documented in README.md
 * ("Alerts").  The syslog sinks are in syslog_sink.c, the evidence pcap
 * in evidence.c.
 */
#include "monitor/alerts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "monitor/dump.h"
#include "monitor/json.h"

/* ------------------------------------------------------------ fields */

const char *
alert_transport(const struct rule_pkt *p)
{
	if (p->ws)
		return "ws";
	return p->transport == IPPROTO_TCP ? "tcp" :
	    p->transport == IPPROTO_SCTP ? "sctp" : "udp";
}

/* The helpers take the field name as a string literal (its length known
 * at compile time). */
static void
add_str(struct alert_fields *af, const char *name, size_t nlen, const char *s, size_t len,
    int plain)
{
	if (af->n < ALERT_MAX_FIELDS)
		af->f[af->n++] = (struct alert_field){ name, nlen, s ? s : "", s ? len : 0,
			0, plain, 0 };
}
#define add_cstr(af, name, s) \
	add_str((af), "" name, sizeof(name) - 1, (s), (s) ? strlen(s) : 0, 0)
/* a value made here (see is_plain) */
#define add_plain(af, name, s) \
	add_str((af), "" name, sizeof(name) - 1, (s), strlen(s), 1)
#define add_span(af, name, sp) \
	add_str((af), "" name, sizeof(name) - 1, (sp).p, (sp).len, 0)

static void
add_num_n(struct alert_fields *af, const char *name, size_t nlen, uint64_t v, int slot)
{
	char *b = af->nums[slot];
	size_t n = json_fmt_u64(b, v);
	if (af->n < ALERT_MAX_FIELDS)
		af->f[af->n++] = (struct alert_field){ name, nlen, b, n, 1, 1, v };
}
#define add_num(af, name, v, slot) add_num_n((af), "" name, sizeof(name) - 1, (v), (slot))

void
alert_fields(struct alert_fields *af, const struct rule_alert *a)
{
	struct tm tm;
	time_t t = (time_t)a->ts.tv_sec;

	af->n = 0;
	if (json_fmt_time(af->ts, a->ts.tv_sec, (long)a->ts.tv_usec) != 0)
		; /* the usual time, without gmtime_r() and snprintf() */
	else if (gmtime_r(&t, &tm) == NULL)
		snprintf(af->ts, sizeof(af->ts), "%lld", (long long)a->ts.tv_sec);
	else
		snprintf(af->ts, sizeof(af->ts), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (long)a->ts.tv_usec);
	add_plain(af, "ts", af->ts);
	add_cstr(af, "rule", a->rule);
	add_plain(af, "severity", rule_severity_name(a->severity));
	add_cstr(af, "message", a->message);
	if (a->pkt) {
		const struct rule_pkt *p = a->pkt;
		add_num(af, "frame", p->frame, 0);
		dump_addr(af->src, sizeof(af->src), p->ipver, p->src);
		add_plain(af, "src", af->src);
		add_num(af, "sport", p->sport, 1);
		dump_addr(af->dst, sizeof(af->dst), p->ipver, p->dst);
		add_plain(af, "dst", af->dst);
		add_num(af, "dport", p->dport, 2);
		add_plain(af, "transport", alert_transport(p));
	}
	if (a->msg) {
		const struct sip_msg *m = a->msg;
		if (m->is_request) {
			add_span(af, "method", m->method_tok);
			add_span(af, "ruri", m->ruri);
		} else {
			add_num(af, "status", m->status, 3);
		}
	}
	if (a->sum) {
		const struct sip_summary *s = a->sum;
		if (s->has_from)
			add_span(af, "from", s->from.uri_tok);
		if (s->has_to)
			add_span(af, "to", s->to.uri_tok);
		if (s->call_id.p)
			add_span(af, "call_id", s->call_id);
		if (s->user_agent.p)
			add_span(af, "user_agent", s->user_agent);
	}
	if (a->key)
		add_cstr(af, "key", a->key);
	add_num(af, "count", a->count, 4);
}

void
alert_json(struct json *j, const struct rule_alert *a)
{
	struct alert_fields af;

	alert_fields(&af, a);
	json_obj_open(j);
	for (size_t i = 0; i < af.n; i++) {
		const struct alert_field *f = &af.f[i];
		/* The names are this file's constants, and the values made
		 * here (numbers, the time, addresses, fixed words) are plain:
		 * nothing to escape. */
		json_key_plain(j, f->name, f->name_len);
		if (f->is_num)
			json_raw(j, f->s, f->len);
		else if (f->is_plain)
			json_str_plain(j, f->s, f->len);
		else
			json_str(j, f->s, f->len);
	}
	json_obj_close(j);
}

/* ------------------------------------------------------------ specs */

static const struct {
	const char *name;
	int kind;
} kinds[] = {
	{ "json", SINK_JSON }, { "text", SINK_TEXT },
	{ "syslog", SINK_SYSLOG }, { "pcap", SINK_PCAP },
};

static const struct {
	const char *name;
	int fac;
} facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP },
	{ "cron", LOG_CRON }, { "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int
sink_spec_init(struct sink_spec *o, const char *kind, char *err, size_t errlen)
{
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < N(kinds) && strcmp(kind, kinds[i].name) != 0; i++)
		;
	if (i == N(kinds)) {
		snprintf(err, errlen, "unknown output \"%.32s\"; expected json, text, syslog or pcap",
		    kind);
		return -1;
	}
	o->kind = kinds[i].kind;
	if (o->kind == SINK_JSON || o->kind == SINK_TEXT)
		strcpy(o->target, "-");
	snprintf(o->ident, sizeof(o->ident), "sipwatch");
	o->facility = LOG_DAEMON;
	o->size = 100ull << 20;
	o->files = 10;
	return 0;
}

/* RFC 5424 section 6: PRINTUSASCII, %d33-126. */
static int
printusascii(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return 0;
	return 1;
}

static int
parse_u64(const char *v, uint64_t min, uint64_t max, int suffix, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*v < '0' || *v > '9')
		return -1;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno)
		return -1;
	if (suffix && *end) {
		unsigned sh = 0;
		switch (*end) {
		case 'k': case 'K': sh = 10; break;
		case 'm': case 'M': sh = 20; break;
		case 'g': case 'G': sh = 30; break;
		default: return -1;
		}
		end++;
		if (n > (UINT64_MAX >> sh))
			return -1;
		n <<= sh;
	}
	if (*end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
set_target(struct sink_spec *o, const char *v, char *err, size_t errlen)
{
	const char *h;
	size_t hl;

	if (strcmp(v, "local") == 0 || *v == '\0') {
		o->net = SINK_NET_LOCAL;
		o->target[0] = '\0';
		return 0;
	}
	if (strncmp(v, "udp://", 6) == 0)
		o->net = SINK_NET_UDP;
	else if (strncmp(v, "tcp://", 6) == 0)
		o->net = SINK_NET_TCP;
	else {
		snprintf(err, errlen, "syslog target \"%.64s\": expected udp://HOST:PORT, "
		    "tcp://HOST:PORT or local", v);
		return -1;
	}
	h = v + 6;
	const char *port = NULL;
	if (*h == '[') {
		const char *rb = strchr(h, ']');
		if (rb == NULL || (rb[1] != '\0' && rb[1] != ':')) {
			snprintf(err, errlen, "syslog target \"%.64s\": bad IPv6 address "
			    "(write [ADDR]:PORT)", v);
			return -1;
		}
		h++;
		hl = (size_t)(rb - h);
		port = rb[1] == ':' ? rb + 2 : NULL;
	} else {
		const char *c = strchr(h, ':');
		if (c && strchr(c + 1, ':')) {
			snprintf(err, errlen, "syslog target \"%.64s\": put an IPv6 address "
			    "in brackets: [ADDR]:PORT", v);
			return -1;
		}
		hl = c ? (size_t)(c - h) : strlen(h);
		port = c ? c + 1 : NULL;
	}
	if (hl == 0 || hl >= sizeof(o->host)) {
		snprintf(err, errlen, "syslog target \"%.64s\": no host", v);
		return -1;
	}
	uint64_t pn = 514;
	if (port && parse_u64(port, 1, 65535, 0, &pn) != 0) {
		snprintf(err, errlen, "syslog target \"%.64s\": port must be 1..65535", v);
		return -1;
	}
	memcpy(o->host, h, hl);
	o->host[hl] = '\0';
	snprintf(o->port, sizeof(o->port), "%u", (unsigned)pn);
	snprintf(o->target, sizeof(o->target), "%s://%s%s%s:%s",
	    o->net == SINK_NET_UDP ? "udp" : "tcp", strchr(o->host, ':') ? "[" : "",
	    o->host, strchr(o->host, ':') ? "]" : "", o->port);
	return 0;
}

int
sink_spec_set(struct sink_spec *o, const char *key, const char *val, char *err,
    size_t errlen)
{
	int sys = o->kind == SINK_SYSLOG, pcap = o->kind == SINK_PCAP;
	uint64_t n;

	if (val == NULL) {
		/* bare flags */
		if (sys && strcmp(key, "rfc3164") == 0) {
			o->rfc3164 = 1;
			return 0;
		}
		if (sys && strcmp(key, "rfc5424") == 0) {
			o->rfc3164 = 0;
			return 0;
		}
		snprintf(err, errlen, "option \"%.32s\" wants a value (%.32s=...)", key, key);
		return -1;
	}
	if (strcmp(key, "path") == 0 && !sys) {
		if (*val == '\0' || strlen(val) >= sizeof(o->target)) {
			snprintf(err, errlen, "path: empty or too long");
			return -1;
		}
		strcpy(o->target, val);
		return 0;
	}
	if (strcmp(key, "target") == 0 && sys)
		return set_target(o, val, err, errlen);
	if (strcmp(key, "queue") == 0) {
		if (parse_u64(val, 1, 1000000, 0, &n) != 0) {
			snprintf(err, errlen, "queue: expected 1..1000000 records, got \"%.32s\"", val);
			return -1;
		}
		o->queue = (uint32_t)n;
		return 0;
	}
	if (sys && strcmp(key, "ident") == 0) {
		/* RFC 5424 APP-NAME: 1*48PRINTUSASCII */
		if (!printusascii(val, 48)) {
			snprintf(err, errlen, "ident: 1 to 48 printable ASCII characters, "
			    "no spaces, got \"%.48s\"", val);
			return -1;
		}
		strcpy(o->ident, val);
		return 0;
	}
	if (sys && strcmp(key, "hostname") == 0) {
		if (!printusascii(val, 255)) {
			snprintf(err, errlen, "hostname: 1 to 255 printable ASCII characters, "
			    "no spaces");
			return -1;
		}
		strcpy(o->hostname, val);
		return 0;
	}
	if (sys && strcmp(key, "facility") == 0) {
		for (size_t i = 0; i < N(facilities); i++)
			if (strcasecmp(val, facilities[i].name) == 0) {
				o->facility = facilities[i].fac;
				return 0;
			}
		snprintf(err, errlen, "facility: unknown \"%.32s\" (user, daemon, auth, "
		    "authpriv, local0 ... local7, ...)", val);
		return -1;
	}
	if (sys && strcmp(key, "format") == 0) {
		if (strcmp(val, "rfc5424") == 0 || strcmp(val, "rfc3164") == 0) {
			o->rfc3164 = val[5] == '1';
			return 0;
		}
		snprintf(err, errlen, "format: expected rfc5424 or rfc3164, got \"%.32s\"", val);
		return -1;
	}
	if (pcap && strcmp(key, "size") == 0) {
		if (parse_u64(val, 4096, 1ull << 40, 1, &n) != 0) {
			snprintf(err, errlen, "size: expected bytes with an optional K, M or G "
			    "(4K to 1024G), got \"%.32s\"", val);
			return -1;
		}
		o->size = n;
		return 0;
	}
	if (pcap && strcmp(key, "files") == 0) {
		if (parse_u64(val, 1, 1000, 0, &n) != 0) {
			snprintf(err, errlen, "files: expected 1..1000, got \"%.32s\"", val);
			return -1;
		}
		o->files = (unsigned)n;
		return 0;
	}
	snprintf(err, errlen, "unknown option \"%.32s\" for %s output; expected %s", key,
	    kinds[o->kind].name,
	    sys ? "target, ident, facility, hostname, format (rfc5424, rfc3164), queue" :
	    pcap ? "path, size, files, queue" : "path, queue");
	return -1;
}

int
sink_spec_check(const struct sink_spec *o, char *err, size_t errlen)
{
	if ((o->kind == SINK_PCAP) && o->target[0] == '\0') {
		snprintf(err, errlen, "pcap output needs a path (pcap:PATH)");
		return -1;
	}
	return 0;
}

int
sink_spec_parse(const char *spec, struct sink_spec *o, char *err, size_t errlen)
{
	size_t kl = strcspn(spec, ":,");
	char kind[16], item[SINK_MAX_TARGET + 64];

	if (kl >= sizeof(kind) || (spec[kl] == ',' ) ) {
		snprintf(err, errlen, "unknown output \"%.32s\"; expected json[:PATH], "
		    "text[:PATH], syslog[:udp://HOST:PORT|tcp://HOST:PORT][,OPTIONS] or "
		    "pcap:PATH[,OPTIONS]", spec);
		return -1;
	}
	memcpy(kind, spec, kl);
	kind[kl] = '\0';
	if (sink_spec_init(o, kind, err, errlen) != 0) {
		snprintf(err, errlen, "unknown output \"%.32s\"; expected json[:PATH], "
		    "text[:PATH], syslog[:udp://HOST:PORT|tcp://HOST:PORT][,OPTIONS] or "
		    "pcap:PATH[,OPTIONS]", spec);
		return -1;
	}
	if (spec[kl] == '\0')
		return sink_spec_check(o, err, errlen);
	const char *rest = spec + kl + 1;
	if (o->kind == SINK_JSON || o->kind == SINK_TEXT) {
		/* The whole rest is the path (it may hold commas). */
		if (sink_spec_set(o, "path", rest, err, errlen) != 0)
			return -1;
		return 0;
	}
	for (int first = 1; ; first = 0) {
		size_t il = strcspn(rest, ",");
		if (il >= sizeof(item)) {
			snprintf(err, errlen, "option too long");
			return -1;
		}
		memcpy(item, rest, il);
		item[il] = '\0';
		char *eq = strchr(item, '=');
		int r;
		if (first && o->kind == SINK_PCAP)
			r = sink_spec_set(o, "path", item, err, errlen);
		else if (first && strstr(item, "://"))
			r = sink_spec_set(o, "target", item, err, errlen);
		else if (item[0] == '\0') {
			snprintf(err, errlen, "empty option");
			r = -1;
		} else if (eq) {
			*eq = '\0';
			r = sink_spec_set(o, item, eq + 1, err, errlen);
		} else
			r = sink_spec_set(o, item, NULL, err, errlen);
		if (r != 0)
			return -1;
		if (rest[il] == '\0')
			break;
		rest += il + 1;
	}
	return sink_spec_check(o, err, errlen);
}

/* ------------------------------------------------------------ files */

/*
 * The writer collects whole records in buf and writes them out when it
 * has caught up (file_idle) or buf is full, so that a burst costs a write
 * per buffer, not per alert, and no record is split between two writes
 * (a reader such as tail -f or a shipper sees whole lines).  Files we open
 * are unbuffered (file_unbuffered): stdio would cut buf at its own 4 KiB
 * blocks and copy it once more.  Standard output keeps its buffering, as
 * other output may share it.
 */
#define FILE_BUF (64u << 10)

struct filesink {
	FILE *f;
	FILE *_Atomic next; /* opened by sink_reopen, taken by the writer */
	int err; /* a write failed: reported once */
	uint64_t unflushed; /* records in buf */
	size_t len;         /* bytes in buf */
	char buf[FILE_BUF];
	struct json j;
};

/* Writer thread: a write or flush failed.  The records in buf may not
 * have reached the file: they count as dropped.  Reported once; later
 * records fail at once. */
static void
file_failed(struct sink *s, struct outq *q)
{
	struct filesink *fs = s->priv;
	int e = errno ? errno : EIO;
	if (fs->unflushed)
		outq_note_lost(q, fs->unflushed);
	fs->unflushed = 0;
	fs->len = 0;
	if (fs->err)
		return;
	fs->err = e;
	fprintf(stderr, "sipwatch: %s output %s: %s\n", s->ops->kind,
	    s->spec.target, strerror(fs->err));
}

/* Writer thread: writes out buf.  0, or -1 when that failed (the
 * records in it count as dropped). */
static int
file_flush(struct sink *s, struct outq *q)
{
	struct filesink *fs = s->priv;
	if (fs->len == 0 || fs->err)
		return 0;
	if (fwrite(fs->buf, 1, fs->len, fs->f) != fs->len || fflush(fs->f) != 0) {
		file_failed(s, q);
		return -1;
	}
	fs->unflushed = fs->len = 0;
	return 0;
}

/* f, just opened, writes each buffer with one write(). */
static FILE *
file_unbuffered(FILE *f)
{
	if (f != NULL)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}

static int
file_open(struct sink *s, char *err, size_t errlen)
{
	struct filesink *fs = calloc(1, sizeof(*fs));
	if (fs == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_init(&fs->j);
	if (strcmp(s->spec.target, "-") == 0) {
		fs->f = stdout;
	} else if ((fs->f = file_unbuffered(fopen(s->spec.target, "w"))) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", s->spec.target, strerror(errno));
		free(fs);
		return -1;
	}
	s->priv = fs;
	return 0;
}

static int
json_format(struct sink *s, const struct rule_alert *a, struct obuf *b)
{
	struct filesink *fs = s->priv;
	json_reset(&fs->j);
	alert_json(&fs->j, a);
	obuf_put(b, fs->j.p, fs->j.len);
	obuf_putc(b, '\n');
	return 0;
}

/* s, then spaces up to width bytes: printf's "%-*s". */
static void
put_padded(struct obuf *b, const char *s, size_t width)
{
	static const char sp[] = "                                ";
	size_t n = strlen(s);
	obuf_put(b, s, n);
	if (n < width && width - n < sizeof(sp))
		obuf_put(b, sp, width - n);
}

/* Text: one line per alert, fields that a terminal user scans first. */
static int
text_format(struct sink *s, const struct rule_alert *a, struct obuf *b)
{
	struct filesink *fs = s->priv;
	char src[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN] = "-";
	char ts[40];
	struct tm tm;
	time_t t = (time_t)a->ts.tv_sec;

	if (a->pkt) {
		dump_addr(src, sizeof(src), a->pkt->ipver, a->pkt->src);
		dump_addr(dst, sizeof(dst), a->pkt->ipver, a->pkt->dst);
	}
	/* The usual line without stdio: what the printf() formats below
	 * write, for a time json_fmt_time() takes. */
	char fts[JSON_TIME_MAX];
	size_t ftn = json_fmt_time(fts, a->ts.tv_sec, (long)a->ts.tv_usec);
	if (ftn != 0) {
		obuf_put(b, fts, ftn);
		obuf_putc(b, ' ');
		put_padded(b, rule_severity_name(a->severity), 8);
		obuf_putc(b, ' ');
		put_padded(b, a->rule, 20);
		obuf_putc(b, ' ');
		obuf_put(b, src, strlen(src));
	} else {
		if (gmtime_r(&t, &tm) == NULL ||
		    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			snprintf(ts, sizeof(ts), "%lld", (long long)a->ts.tv_sec);
		obuf_printf(b, "%s.%06ldZ %-8s %-20s %s", ts, (long)a->ts.tv_usec,
		    rule_severity_name(a->severity), a->rule, src);
	}
	if (a->pkt && a->pkt->ipver == 6) {
		obuf_printf(b, " port %u -> %s port %u", a->pkt->sport, dst, a->pkt->dport);
	} else if (a->pkt) {
		obuf_putc(b, ':');
		obuf_u64(b, a->pkt->sport);
		obuf_put(b, " -> ", 4);
		obuf_put(b, dst, strlen(dst));
		obuf_putc(b, ':');
		obuf_u64(b, a->pkt->dport);
	} else
		obuf_printf(b, " -> %s", dst);
	if (a->count > 1)
		obuf_printf(b, " (x%llu)", (unsigned long long)a->count);
	/* Packet bytes go through the JSON escaper so that a hostile header
	 * cannot put control characters on the operator's terminal. */
	if (a->pkt == NULL && a->key) {
		/* end-of-run summaries have no packet: say what they count */
		json_reset(&fs->j);
		json_str(&fs->j, a->key, strlen(a->key));
		obuf_put(b, " key ", 5);
		obuf_put(b, fs->j.p, fs->j.len);
	}
	json_reset(&fs->j);
	json_str(&fs->j, a->message, strlen(a->message));
	obuf_putc(b, ' ');
	obuf_put(b, fs->j.p, fs->j.len);
	obuf_putc(b, '\n');
	return 0;
}

static int
file_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct sink *s = ud;
	struct filesink *fs = s->priv;
	(void)deadline, (void)retry_ms;

	FILE *nf = atomic_exchange(&fs->next, NULL);
	if (nf) {
		if (fs->f && fs->f != stdout) {
			if (file_flush(s, q) != 0)
				outq_note_error(q);
			fclose(fs->f);
		}
		fs->f = nf;
		fs->unflushed = fs->len = 0;
		fs->err = 0; /* a new file gets a new chance (disk freed) */
	}
	if (fs->err)
		return OUTQ_FAILED;
	if (fs->len + len > sizeof(fs->buf) && file_flush(s, q) != 0)
		return OUTQ_FAILED;
	if (len > sizeof(fs->buf)) {
		/* A record larger than buf goes out on its own. */
		if (fwrite(rec, 1, len, fs->f) != len || fflush(fs->f) != 0) {
			file_failed(s, q);
			return OUTQ_FAILED;
		}
		return OUTQ_SENT;
	}
	memcpy(fs->buf + fs->len, rec, len);
	fs->len += len;
	fs->unflushed++;
	return OUTQ_SENT;
}

/* Writer thread: the queue ran dry; what is collected goes out. */
static void
file_idle(void *ud, struct outq *q)
{
	struct sink *s = ud;
	if (file_flush(s, q) != 0)
		outq_note_error(q);
}

static int
file_release(struct sink *s)
{
	struct filesink *fs = s->priv;
	int r = fs->err ? -1 : 0;

	if (fs->f && fflush(fs->f) != 0)
		r = -1;
	if (fs->f && fs->f != stdout && fclose(fs->f) != 0)
		r = -1;
	FILE *nf = atomic_exchange(&fs->next, NULL);
	if (nf && fclose(nf) != 0)
		r = -1;
	json_free(&fs->j);
	free(fs);
	s->priv = NULL;
	return r;
}

/* Opened here, on the main thread, so that an error is reported at
 * once; appended to, so a path that was not rotated loses nothing. */
static int
file_reopen(struct sink *s, char *err, size_t errlen)
{
	struct filesink *fs = s->priv;
	if (strcmp(s->spec.target, "-") == 0)
		return 0;
	FILE *nf = file_unbuffered(fopen(s->spec.target, "a"));
	if (nf == NULL) {
		snprintf(err, errlen, "cannot reopen %s: %s", s->spec.target, strerror(errno));
		return -1;
	}
	FILE *old = atomic_exchange(&fs->next, nf);
	if (old) /* two reopens before an alert: the writer never saw it */
		fclose(old);
	return 0;
}

static const struct sink_ops json_ops = {
	"json", file_open, json_format, file_deliver, NULL, file_release, file_reopen,
	file_idle,
};
static const struct sink_ops text_ops = {
	"text", file_open, text_format, file_deliver, NULL, file_release, file_reopen,
	file_idle,
};

/* ------------------------------------------------------------ sinks */

struct sink *
sink_open_spec(const struct sink_spec *o, char *err, size_t errlen)
{
	static const struct sink_ops *const ops[] = {
		[SINK_JSON] = &json_ops, [SINK_TEXT] = &text_ops,
		[SINK_SYSLOG] = &sink_syslog_ops, [SINK_PCAP] = &sink_evidence_ops,
	};
	struct sink *s;

	if (sink_spec_check(o, err, errlen) != 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->spec = *o;
	s->ops = ops[o->kind];
	s->hint_dlt = -1;
	obuf_init(&s->fmt);
	if (s->ops->open(s, err, errlen) != 0) {
		free(s);
		return NULL;
	}
	/* Evidence frames are large: give the pcap queue more room. */
	size_t bytes = o->kind == SINK_PCAP ? 4 * OUTQ_DEF_BYTES : OUTQ_DEF_BYTES;
	s->q = outq_new(o->queue, bytes, s->ops->deliver, s->ops->finish, s, err, errlen);
	if (s->q == NULL) {
		s->ops->release(s);
		free(s);
		return NULL;
	}
	outq_set_idle(s->q, s->ops->idle);
	return s;
}

struct sink *
sink_open(const char *spec, char *err, size_t errlen)
{
	struct sink_spec o;
	char e[512];
	struct sink *s;

	if (sink_spec_parse(spec, &o, e, sizeof(e)) != 0) {
		snprintf(err, errlen, "-o %s: %s", spec, e);
		return NULL;
	}
	if ((s = sink_open_spec(&o, e, sizeof(e))) == NULL)
		snprintf(err, errlen, "-o %s: %s", spec, e);
	return s;
}

int
sink_write(struct sink *s, const struct rule_alert *a)
{
	s->fmt.len = 0;
	s->fmt.oom = 0;
	int r = s->ops->format(s, a, &s->fmt);
	if (r == 1)
		return 0;
	if (r != 0 || s->fmt.oom) {
		outq_drop(s->q);
		return -1;
	}
	return outq_push(s->q, s->fmt.p, s->fmt.len);
}

void
sink_set_wait(struct sink *s, unsigned ms)
{
	outq_set_wait(s->q, ms);
}

void
sink_hint_dlt(struct sink *s, int dlt)
{
	if (s->hint_dlt < 0)
		s->hint_dlt = dlt;
}

void
sink_shutdown(struct sink *s, const struct timespec *deadline)
{
	outq_shutdown(s->q, deadline);
}

static void
fill_report(const struct sink *s, const struct outq_stats *st, struct sink_report *rep)
{
	rep->kind = s->ops->kind;
	snprintf(rep->target, sizeof(rep->target), "%s",
	    s->spec.target[0] ? s->spec.target : "local");
	rep->sent = st->sent;
	rep->dropped = st->dropped;
	rep->errors = st->errors;
	rep->reconnects = st->reconnects;
}

void
sink_report(struct sink *s, struct sink_report *rep)
{
	struct outq_stats st;
	outq_stats(s->q, &st);
	fill_report(s, &st, rep);
}

int
sink_reopen(struct sink *s, char *err, size_t errlen)
{
	if (s->ops->reopen == NULL)
		return 0;
	return s->ops->reopen(s, err, errlen);
}

int
sink_close(struct sink *s, struct sink_report *rep)
{
	struct outq_stats st;
	int r = 0;

	if (outq_close(s->q, &st) != 0) {
		/* The writer is stuck in a write: leave it and its sink. */
		fprintf(stderr, "sipwatch: %s output %s: gave up flushing, %llu alerts dropped\n",
		    s->ops->kind, s->spec.target[0] ? s->spec.target : "local",
		    (unsigned long long)st.queued);
		if (rep)
			fill_report(s, &st, rep);
		return -1;
	}
	if (rep)
		fill_report(s, &st, rep);
	if (s->ops->release(s) != 0)
		r = -1;
	obuf_free(&s->fmt);
	free(s);
	return r;
}
