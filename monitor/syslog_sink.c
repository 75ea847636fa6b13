/*
 * syslog_sink.c - the syslog alert sinks: local (syslog(3)) and remote
 * (RFC 5424 or RFC 3164 over UDP or TCP).  Formatting happens on the
 * capture thread; sockets live on the output's writer thread, which
 * never blocks past its deadline (non-blocking sockets, poll()).
 */
#include "monitor/syslog_sink.h"

#include "monitor/json.h"

#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "monitor/alerts.h"

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 10000

/* ------------------------------------------------------------ format */

int
syslog_level(int severity)
{
	switch (severity) {
	case SEV_CRITICAL: return LOG_CRIT;
	case SEV_HIGH: return LOG_ERR;
	case SEV_MEDIUM: return LOG_WARNING;
	case SEV_LOW: return LOG_NOTICE;
	default: return LOG_INFO;
	}
}

/* The end of the run of bytes from p (up to stop) that syslog_text()
 * copies as they are: printable ASCII, and inside an SD-PARAM value none
 * of '"', '\\' and ']'.  Sixteen bytes at a time where SSE2 is. */
static const unsigned char *
plain_run(const unsigned char *p, const unsigned char *stop, int sd)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f),
	    dq = _mm_set1_epi8(sd ? '"' : 0x7f), bs = _mm_set1_epi8(sd ? '\\' : 0x7f),
	    rb = _mm_set1_epi8(sd ? ']' : 0x7f);
	while (stop - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: below 0x20 and 0x80 and above alike */
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, sp),
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, dq)),
			_mm_or_si128(_mm_cmpeq_epi8(x, bs), _mm_cmpeq_epi8(x, rb))));
		unsigned m = (unsigned)_mm_movemask_epi8(bad);
		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	while (p < stop && *p >= 0x20 && *p < 0x7f &&
	    !(sd && (*p == '"' || *p == '\\' || *p == ']')))
		p++;
	return p;
}

int
syslog_text(struct obuf *b, const char *s, size_t n, int sd, size_t max)
{
	static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t out = 0;
	int nonascii = 0;

	while (p < end) {
		/* A run of printable ASCII that needs no escape, as far as
		 * the limit lets it go: copied at once. */
		size_t room = max - out;
		const unsigned char *stop = (size_t)(end - p) < room ? end : p + room;
		const unsigned char *r = plain_run(p, stop, sd);
		if (r > p) {
			obuf_put(b, p, (size_t)(r - p));
			out += (size_t)(r - p);
			p = r;
			continue;
		}
		unsigned char c = *p;
		const char *w;
		size_t wl, used;

		if (c >= 0x20 && c < 0x7f) {
			w = (const char *)p;
			wl = used = 1;
		} else {
			size_t l = c >= 0x80 ? json_utf8_len(p, end) : 0;
			if (l) {
				w = (const char *)p;
				wl = used = l;
			} else {
				w = repl;
				wl = 3;
				used = 1;
			}
		}
		if (out + wl > max)
			break;
		/* RFC 5424 6.3.3: inside PARAM-VALUE, '"', '\' and ']' MUST
		 * be escaped. */
		if (sd && wl == 1 && (c == '"' || c == '\\' || c == ']'))
			obuf_putc(b, '\\');
		obuf_put(b, w, wl);
		if (wl > 1)
			nonascii = 1;
		out += wl;
		p += used;
	}
	return nonascii;
}

void
syslog_sd(struct obuf *b, const struct rule_alert *a)
{
	struct alert_fields af;

	alert_fields(&af, a);
	obuf_put(b, "[" SYSLOG_SD_ID, 1 + strlen(SYSLOG_SD_ID));
	for (size_t i = 0; i < af.n; i++) {
		/* The names are fixed ASCII words: valid SD-NAMEs (RFC 5424
		 * 6.3.3: 1*32 PRINTUSASCII except '=', SP, ']', '"'). */
		obuf_putc(b, ' ');
		obuf_put(b, af.f[i].name, af.f[i].name_len);
		obuf_put(b, "=\"", 2);
		syslog_text(b, af.f[i].s, af.f[i].len, 1, SYSLOG_MAX_VALUE);
		obuf_putc(b, '"');
	}
	obuf_putc(b, ']');
}

/* RFC 5424 6.2.7 MSGID: 1*32 PRINTUSASCII; the rule name, or "-". */
static void
put_token(struct obuf *b, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		obuf_putc(b, c >= 33 && c <= 126 ? (char)c : '_');
	}
	if (i == 0)
		obuf_putc(b, '-');
}

static void
format_msg(struct obuf *b, const struct syslog_fmt *f, const struct rule_alert *a)
{
	int pri = (f->facility & LOG_FACMASK) | syslog_level(a->severity);
	time_t t = (time_t)a->ts.tv_sec;
	struct tm tm;

	if (f->rfc3164) {
		if (gmtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		/* RFC 3164 4.1.2: "Mmm dd hh:mm:ss", day padded with a space.
		 * It has no zone: ours is UTC, as the packet times. */
		static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
			"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
		obuf_printf(b, "<%d>%s %2d %02d:%02d:%02d %s ", pri, mon[tm.tm_mon % 12],
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f->hostname);
		put_token(b, f->app, 32);
		obuf_printf(b, "[%u]: ", f->pid);
		syslog_sd(b, a);
		obuf_putc(b, ' ');
		syslog_text(b, a->message, strlen(a->message), 0, SYSLOG_MAX_VALUE);
		return;
	}
	/* RFC 5424 6: <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG,
	 * TIMESTAMP the alert's packet time (6.2.3, UTC, microseconds): the
	 * same text as json_time()'s, without stdio where it can. */
	char ts[JSON_TIME_MAX];
	size_t tsn = json_fmt_time(ts, a->ts.tv_sec, (long)a->ts.tv_usec);
	if (tsn != 0) {
		obuf_putc(b, '<');
		obuf_u64(b, (uint64_t)pri); /* facility | level: never negative */
		obuf_put(b, ">1 ", 3);
		obuf_put(b, ts, tsn);
		obuf_putc(b, ' ');
		obuf_put(b, f->hostname, strlen(f->hostname));
		obuf_putc(b, ' ');
	} else {
		if (gmtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		obuf_printf(b, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s ", pri,
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (long)a->ts.tv_usec, f->hostname);
	}
	put_token(b, f->app, 48);
	obuf_putc(b, ' ');
	obuf_u64(b, f->pid);
	obuf_putc(b, ' ');
	put_token(b, a->rule, 32);
	obuf_putc(b, ' ');
	syslog_sd(b, a);
	/* 6.4: MSG is UTF-8 with a BOM first when it is not plain ASCII;
	 * no MSG (nor its SP) when the text is empty.  Written in place,
	 * the BOM moved in when the text turns out to need it. */
	size_t at = b->len;
	obuf_putc(b, ' ');
	int u = syslog_text(b, a->message, strlen(a->message), 0, SYSLOG_MAX_VALUE);
	if (b->oom)
		return;
	size_t tl = b->len - at - 1;
	if (tl == 0) {
		b->len = at;
	} else if (u) {
		obuf_insert(b, at + 1, "\xEF\xBB\xBF", 3);
	}
}

void
syslog_format(struct obuf *b, const struct syslog_fmt *f, const struct rule_alert *a)
{
	if (f->framing != SYSLOG_FRAME_OCTET) {
		format_msg(b, f, a);
		/* Traditional TCP syslog (RFC 6587 3.4.2) ends a message
		 * with LF; our text never holds one. */
		if (f->framing == SYSLOG_FRAME_LF)
			obuf_putc(b, '\n');
		return;
	}
	/* RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG.  The message is written in
	 * place and moved up behind its length once that is known. */
	size_t at = b->len;
	format_msg(b, f, a);
	if (b->oom)
		return;
	char t[JSON_U64_MAX + 1];
	size_t tn = json_fmt_u64(t, b->len - at);
	t[tn++] = ' ';
	obuf_insert(b, at, t, tn);
}

void
syslog_local_text(struct obuf *b, const struct rule_alert *a)
{
	syslog_sd(b, a);
	obuf_putc(b, ' ');
	syslog_text(b, a->message, strlen(a->message), 0, SYSLOG_MAX_VALUE);
}

/* ------------------------------------------------------------ sink */

struct netsink {
	struct syslog_fmt fmt;
	char hostname[256];
	struct sockaddr_storage addr;
	socklen_t alen;
	int socktype;
	int fd;
	int ever;           /* connected once: later connections are reconnects */
	int down_reported;  /* stderr told about this outage */
	unsigned backoff_ms;
	struct timespec next_try;
	size_t partial;     /* bytes of the head record already sent (TCP) */
};

static int local_in_use; /* openlog() is process-wide */
static char local_ident[49];

static int
syslog_open(struct sink *s, char *err, size_t errlen)
{
	const struct sink_spec *o = &s->spec;
	struct netsink *ns;

	if (o->net == SINK_NET_LOCAL) {
		if (local_in_use) {
			snprintf(err, errlen, "only one local syslog output");
			return -1;
		}
		local_in_use = 1;
		snprintf(local_ident, sizeof(local_ident), "%s", o->ident);
		openlog(local_ident, LOG_PID | LOG_NDELAY, o->facility);
		s->priv = NULL;
		return 0;
	}
	if ((ns = calloc(1, sizeof(*ns))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ns->fd = -1;
	if (o->hostname[0]) {
		snprintf(ns->hostname, sizeof(ns->hostname), "%s", o->hostname);
	} else if (gethostname(ns->hostname, sizeof(ns->hostname) - 1) != 0 ||
	    ns->hostname[0] == '\0') {
		strcpy(ns->hostname, "-");
	}
	/* RFC 5424 6.2.4: HOSTNAME is PRINTUSASCII. */
	for (char *c = ns->hostname; *c; c++)
		if ((unsigned char)*c < 33 || (unsigned char)*c > 126)
			*c = '_';
	ns->fmt.facility = o->facility;
	ns->fmt.rfc3164 = o->rfc3164;
	ns->fmt.framing = o->net == SINK_NET_UDP ? SYSLOG_FRAME_NONE :
	    o->rfc3164 ? SYSLOG_FRAME_LF : SYSLOG_FRAME_OCTET;
	ns->fmt.hostname = ns->hostname;
	ns->fmt.app = o->ident;
	ns->fmt.pid = (unsigned)getpid();
	ns->socktype = o->net == SINK_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;

	struct addrinfo hints, *res;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = ns->socktype;
	hints.ai_flags = AI_NUMERICSERV;
	int r = getaddrinfo(o->host, o->port, &hints, &res);
	if (r != 0) {
		snprintf(err, errlen, "%s: %s", o->target, gai_strerror(r));
		free(ns);
		return -1;
	}
	memcpy(&ns->addr, res->ai_addr, res->ai_addrlen);
	ns->alen = res->ai_addrlen;
	freeaddrinfo(res);
	s->priv = ns;
	return 0;
}

static int
syslog_format_rec(struct sink *s, const struct rule_alert *a, struct obuf *b)
{
	struct netsink *ns = s->priv;

	if (ns == NULL) {
		/* local: the level, then the text, NUL-terminated */
		obuf_putc(b, (char)syslog_level(a->severity));
		syslog_local_text(b, a);
		obuf_putc(b, '\0');
		return 0;
	}
	syslog_format(b, &ns->fmt, a);
	return 0;
}

static void
net_close(struct netsink *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
	ns->partial = 0;
}

/* Waits for events on fd until deadline.  1 ready, 0 timeout, -1 error. */
static int
wait_fd(int fd, short ev, const struct timespec *deadline)
{
	for (;;) {
		long ms = outq_ms_until(deadline);
		struct pollfd pfd = { fd, ev, 0 };
		int r = poll(&pfd, 1, ms < 0 ? 0 : (int)ms);
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? -1 : r > 0;
	}
}

static void
report_down(struct sink *s, struct netsink *ns, const char *what, int e)
{
	if (ns->down_reported)
		return;
	ns->down_reported = 1;
	fprintf(stderr, "sipwatch: syslog output %s: %s: %s; retrying\n", s->spec.target,
	    what, strerror(e));
}

/* Non-blocking connect, bounded by deadline.  0 or -1 (errno set). */
static int
net_connect(struct netsink *ns, const struct timespec *deadline)
{
	int fd = socket(ns->addr.ss_family, ns->socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&ns->addr, ns->alen) != 0) {
		if (errno != EINPROGRESS) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		int r = wait_fd(fd, POLLOUT, deadline);
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		if (r <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
			close(fd);
			errno = r == 0 ? ETIMEDOUT : soerr ? soerr : errno;
			return -1;
		}
	}
	ns->fd = fd;
	return 0;
}

/* A lost connection: back off 100 ms, doubling up to 10 s. */
static int
backoff(struct netsink *ns, unsigned *retry_ms)
{
	ns->backoff_ms = ns->backoff_ms ? ns->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (ns->backoff_ms > BACKOFF_MAX_MS)
		ns->backoff_ms = BACKOFF_MAX_MS;
	outq_now(&ns->next_try);
	outq_add_ms(&ns->next_try, (long)ns->backoff_ms);
	*retry_ms = ns->backoff_ms;
	return OUTQ_RETRY;
}

static int
udp_deliver(struct sink *s, struct netsink *ns, struct outq *q, const uint8_t *rec,
    size_t len, const struct timespec *deadline)
{
	if (ns->fd < 0 && net_connect(ns, deadline) != 0) {
		report_down(s, ns, "socket", errno);
		return OUTQ_FAILED;
	}
	/* RFC 5426 3.1: one message per datagram.  A connected socket
	 * reports an ICMP port unreachable of an earlier datagram on the
	 * next send: count it, and send this one again. */
	for (int tries = 0; tries < 3; tries++) {
		ssize_t w = send(ns->fd, rec, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w == (ssize_t)len) {
			ns->down_reported = 0;
			return OUTQ_SENT;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
			if (wait_fd(ns->fd, POLLOUT, deadline) <= 0)
				break;
			continue;
		}
		if (w < 0 && errno == ECONNREFUSED) {
			report_down(s, ns, "send", errno);
			outq_note_error(q);
			continue;
		}
		report_down(s, ns, "send", w < 0 ? errno : EMSGSIZE);
		break;
	}
	return OUTQ_FAILED;
}

static int
tcp_deliver(struct sink *s, struct netsink *ns, struct outq *q, const uint8_t *rec,
    size_t len, const struct timespec *deadline, unsigned *retry_ms)
{
	if (ns->fd >= 0 && ns->partial == 0) {
		/* A receiver that went away shows as EOF or an error on
		 * read; find out before writing into a dead connection. */
		char junk[256];
		ssize_t r = recv(ns->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			report_down(s, ns, "connection closed", r == 0 ? ECONNRESET : errno);
			outq_note_error(q);
			net_close(ns);
			outq_now(&ns->next_try);
		}
	}
	if (ns->fd < 0) {
		long wait = outq_ms_until(&ns->next_try);
		if (wait > 0) {
			*retry_ms = (unsigned)wait;
			return OUTQ_RETRY;
		}
		if (net_connect(ns, deadline) != 0) {
			report_down(s, ns, "connect", errno);
			outq_note_error(q);
			return backoff(ns, retry_ms);
		}
		if (ns->ever)
			outq_note_reconnect(q);
		if (ns->down_reported)
			fprintf(stderr, "sipwatch: syslog output %s: connected again\n",
			    s->spec.target);
		ns->ever = 1;
		ns->backoff_ms = 0;
		ns->down_reported = 0;
	}
	while (ns->partial < len) {
		ssize_t w = send(ns->fd, rec + ns->partial, len - ns->partial,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			ns->partial += (size_t)w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			int r = wait_fd(ns->fd, POLLOUT, deadline);
			if (r > 0)
				continue;
			if (r == 0) {
				/* Slow receiver: keep the record (and what of it
				 * went out) and come back. */
				*retry_ms = 10;
				return OUTQ_RETRY;
			}
		}
		report_down(s, ns, "send", errno);
		outq_note_error(q);
		net_close(ns);
		/* The record is sent again whole on the next connection. */
		return backoff(ns, retry_ms);
	}
	ns->partial = 0;
	return OUTQ_SENT;
}

static int
syslog_deliver(void *ud, struct outq *q, const uint8_t *rec, size_t len,
    const struct timespec *deadline, unsigned *retry_ms)
{
	struct sink *s = ud;
	struct netsink *ns = s->priv;

	if (ns == NULL) {
		if (len < 2)
			return OUTQ_FAILED;
		syslog(rec[0], "%s", (const char *)rec + 1);
		return OUTQ_SENT;
	}
	if (ns->socktype == SOCK_DGRAM)
		return udp_deliver(s, ns, q, rec, len, deadline);
	return tcp_deliver(s, ns, q, rec, len, deadline, retry_ms);
}

static void
syslog_finish(void *ud)
{
	struct sink *s = ud;
	struct netsink *ns = s->priv;

	if (ns)
		net_close(ns);
	else
		closelog();
}

static int
syslog_release(struct sink *s)
{
	if (s->priv == NULL)
		local_in_use = 0;
	free(s->priv);
	s->priv = NULL;
	return 0;
}

const struct sink_ops sink_syslog_ops = {
	"syslog", syslog_open, syslog_format_rec, syslog_deliver, syslog_finish,
	syslog_release, NULL, /* nothing to reopen */
	NULL, /* sends per record */
};
