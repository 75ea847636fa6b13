/* view.c - what the dashboard shows; see view.h. */
#include "ui/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
ui_alert_free(struct ui_alert *a)
{
	if (a == NULL)
		return;
	free(a->detail);
	a->detail = NULL;
	if (!a->one_block) {
		free(a->raw);
		free(a->priv);
	}
	if (a->recycle != NULL)
		a->recycle(a, a->recycle_ud);
	else
		free(a);
}

/* ------------------------------------------------------------ text */

#define MARK_UTF8 "\xe2\x80\xa6" /* U+2026 HORIZONTAL ELLIPSIS */

size_t
ui_shorten(const char *in, size_t width, int how, int ascii, char *out, size_t outlen)
{
	size_t n = strlen(in);
	const char *mark = ascii ? "~" : MARK_UTF8;
	size_t ml = strlen(mark);

	if (outlen == 0)
		return 0;
	if (n <= width) {
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, in, n);
		out[n] = '\0';
		return n;
	}
	if (width == 0 || width + ml > outlen) {
		out[0] = '\0';
		return 0;
	}
	size_t keep = width - 1, head, tail;
	if (how == UI_CUT_MIDDLE) {
		head = (keep + 1) / 2;
		tail = keep - head;
	} else {
		head = keep;
		tail = 0;
	}
	memcpy(out, in, head);
	memcpy(out + head, mark, ml);
	memcpy(out + head + ml, in + n - tail, tail);
	out[head + ml + tail] = '\0';
	return width;
}

size_t
ui_escape(const uint8_t *in, size_t n, char *out, size_t outcap)
{
	static const char hex[] = "0123456789abcdef";
	char tail[48];
	size_t o = 0, i;

	if (outcap == 0)
		return 0;
	/* Room for the "more bytes" note, so it always fits. */
	size_t lim = outcap > sizeof(tail) + 1 ? outcap - sizeof(tail) - 1 : 0;
	for (i = 0; i < n; i++) {
		uint8_t c = in[i];
		char e[5];
		size_t el;
		if (c == '\r' && i + 1 < n && in[i + 1] == '\n')
			continue;
		if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
			e[0] = (char)c;
			el = 1;
		} else {
			e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15];
			el = 4;
		}
		if (o + el > lim)
			break;
		memcpy(out + o, e, el);
		o += el;
	}
	if (i < n) {
		int k = snprintf(tail, sizeof(tail), "\n[... %zu more bytes]", n - i);
		if (k > 0 && o + (size_t)k < outcap) {
			memcpy(out + o, tail, (size_t)k);
			o += (size_t)k;
		}
	}
	out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------ sparklines */

uint32_t
ui_spark_levels(const uint32_t *v, size_t n, size_t width, unsigned nlevels, uint8_t *lv)
{
	size_t k = n < width ? n : width;
	const uint32_t *p = v + (n - k);
	uint32_t max = 0;

	for (size_t i = 0; i < k; i++)
		if (p[i] > max)
			max = p[i];
	for (size_t i = 0; i < k; i++) {
		if (p[i] == 0 || nlevels < 2) {
			lv[i] = 0;
			continue;
		}
		/* Round up so any traffic shows; the maximum is the top. */
		uint64_t l = ((uint64_t)p[i] * (nlevels - 1) + max - 1) / max;
		lv[i] = (uint8_t)(l < 1 ? 1 : l);
	}
	return max;
}

size_t
ui_spark_str(const uint32_t *v, size_t n, size_t width, int ascii, char *out, size_t outlen)
{
	static const char *const blocks[9] = { " ", "\xe2\x96\x81", "\xe2\x96\x82",
		"\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
		"\xe2\x96\x87", "\xe2\x96\x88" };
	static const char asc[] = " .:-=+*#";
	uint8_t lv[UI_RATE_SECS];
	size_t o = 0;

	if (width > UI_RATE_SECS)
		width = UI_RATE_SECS;
	size_t k = n < width ? n : width;
	ui_spark_levels(v, n, width, ascii ? 8 : 9, lv);
	for (size_t i = 0; i < k; i++) {
		const char *s = ascii ? (const char[]){ asc[lv[i]], 0 } : blocks[lv[i]];
		size_t sl = strlen(s);
		if (o + sl + 1 > outlen)
			break;
		memcpy(out + o, s, sl);
		o += sl;
	}
	if (outlen)
		out[o] = '\0';
	return o;
}

/* ------------------------------------------------------------ layout */

static struct ui_rect
rect(int y, int x, int h, int w)
{
	struct ui_rect r = { y, x, h < 0 ? 0 : h, w < 0 ? 0 : w };
	if (r.h == 0 || r.w == 0)
		r.h = r.w = 0;
	return r;
}

void
ui_layout(int rows, int cols, int focus, struct ui_layout *l)
{
	memset(l, 0, sizeof(*l));
	if (rows < UI_MIN_ROWS || cols < UI_MIN_COLS) {
		l->too_small = 1;
		return;
	}
	l->header = rect(0, 0, 2, cols);
	l->spark = rect(2, 0, 2, cols);
	l->footer = rect(rows - 1, 0, 1, cols);
	int by = 4, bh = rows - 5;
	if (cols >= 140) {
		int side = cols >= 200 ? 72 : 58;
		l->alerts = rect(by, 0, bh, cols - side - 1);
		int th = bh * 2 / 3;
		l->talkers = rect(by, cols - side, th, side);
		l->counters = rect(by + th, cols - side, bh - th, side);
		return;
	}
	/* The list gets at least half the body, and room to grow. */
	int lower = bh / 2 - 1;
	if (lower > 14)
		lower = 14;
	if (lower < 5)
		lower = bh >= 12 ? 5 : 0;
	l->alerts = rect(by, 0, bh - lower, cols);
	if (lower == 0)
		return;
	int ly = by + bh - lower;
	if (cols >= 100) {
		int cw = 34;
		l->talkers = rect(ly, 0, lower, cols - cw - 1);
		l->counters = rect(ly, cols - cw, lower, cw);
	} else if (focus == UI_P_COUNTERS) {
		l->counters = rect(ly, 0, lower, cols);
	} else {
		l->talkers = rect(ly, 0, lower, cols);
	}
}

void
ui_alert_cols(int w, struct ui_cols *c)
{
	memset(c, 0, sizeof(*c));
	if (w <= 0)
		return;
	c->time = 8;
	c->sev = 4;
	c->count = 6;
	c->rule = w >= 120 ? 22 : 16;
	c->src = w >= 150 ? 39 : w >= 110 ? 24 : 15;
	/* 7 separating spaces */
	int rest = w - (c->time + c->sev + c->count + c->rule + c->src + 6);
	if (rest < 8) {
		c->rule = 12;
		rest = w - (c->time + c->sev + c->count + c->rule + c->src + 6);
	}
	if (rest < 2)
		rest = 2;
	c->from = rest / 2;
	c->ruri = rest - c->from;
}

static const char *const sev_names[UI_NSEV] = { "info", "low", "medium", "high", "critical" };
static const char *const sev_short[UI_NSEV] = { "INFO", "LOW", "MED", "HIGH", "CRIT" };

const char *
ui_sev_name(int sev)
{
	return sev >= 0 && sev < UI_NSEV ? sev_names[sev] : "?";
}

const char *
ui_sev_short(int sev)
{
	return sev >= 0 && sev < UI_NSEV ? sev_short[sev] : "?";
}

/* Appends s shortened to exactly w columns (padded) and a space. */
static size_t
put_col(char *out, size_t o, size_t outlen, const char *s, int w, int how, int ascii,
    int right, int last)
{
	char buf[UI_KEY_MAX * 4 + 256];
	if (w <= 0)
		return o;
	size_t cols = ui_shorten(s, (size_t)w, how, ascii, buf, sizeof(buf));
	size_t bl = strlen(buf), pad = (size_t)w - cols;
	if (o + bl + pad + 2 > outlen)
		return o;
	if (right) {
		memset(out + o, ' ', pad);
		o += pad;
	}
	memcpy(out + o, buf, bl);
	o += bl;
	if (!right) {
		memset(out + o, ' ', pad);
		o += pad;
	}
	if (!last)
		out[o++] = ' ';
	out[o] = '\0';
	return o;
}

void
ui_alert_row(const struct ui_alert *a, int w, int ascii, char *out, size_t outlen)
{
	struct ui_cols c;
	char tm[16], cnt[24];
	size_t o = 0;
	time_t t = (time_t)a->ts.tv_sec;
	struct tm g;

	if (outlen == 0)
		return;
	out[0] = '\0';
	ui_alert_cols(w, &c);
	/* Every visible row, every frame: the time of day (UTC) without
	 * gmtime_r() and snprintf() when the time is an ordinary one. */
	if (t >= 0 && t < (time_t)1 << 40) {
		unsigned d = (unsigned)(t % 86400), f[3] = { d / 3600, d / 60 % 60, d % 60 };
		for (int i = 0; i < 3; i++) {
			tm[i * 3] = (char)('0' + f[i] / 10);
			tm[i * 3 + 1] = (char)('0' + f[i] % 10);
			tm[i * 3 + 2] = i < 2 ? ':' : '\0';
		}
	} else if (gmtime_r(&t, &g)) {
		snprintf(tm, sizeof(tm), "%02d:%02d:%02d", g.tm_hour, g.tm_min, g.tm_sec);
	} else {
		snprintf(tm, sizeof(tm), "--:--:--");
	}
	snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)a->count);
	o = put_col(out, o, outlen, tm, c.time, UI_CUT_END, ascii, 0, 0);
	o = put_col(out, o, outlen, ui_sev_short(a->sev), c.sev, UI_CUT_END, ascii, 0, 0);
	o = put_col(out, o, outlen, a->rule, c.rule, UI_CUT_END, ascii, 0, 0);
	o = put_col(out, o, outlen, a->src, c.src, UI_CUT_MIDDLE, ascii, 0, 0);
	o = put_col(out, o, outlen, a->from, c.from, UI_CUT_MIDDLE, ascii, 0, 0);
	o = put_col(out, o, outlen, a->ruri, c.ruri, UI_CUT_MIDDLE, ascii, 0, 0);
	put_col(out, o, outlen, cnt, c.count, UI_CUT_END, ascii, 1, 1);
}

/* ------------------------------------------------------------ alert list */

int
ui_list_init(struct ui_list *l, size_t cap)
{
	memset(l, 0, sizeof(*l));
	l->cap = cap ? cap : 1;
	l->ring = calloc(l->cap, sizeof(*l->ring));
	l->vis = calloc(l->cap, sizeof(*l->vis));
	if (l->ring == NULL || l->vis == NULL) {
		free(l->ring);
		free(l->vis);
		return -1;
	}
	l->dirty = 1;
	return 0;
}

void
ui_list_clear(struct ui_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		ui_alert_free(l->ring[(l->head + i) % l->cap]);
	l->n = l->head = 0;
	l->nvis = l->sel = l->top = 0;
	l->sel_seq = 0;
	l->dirty = 1;
}

void
ui_list_free(struct ui_list *l)
{
	ui_list_clear(l);
	if (l->has_re)
		regfree(&l->re);
	free(l->ring);
	free(l->vis);
	memset(l, 0, sizeof(*l));
}

void
ui_list_push(struct ui_list *l, struct ui_alert *a)
{
	if (l->n == l->cap) {
		ui_alert_free(l->ring[l->head]);
		l->ring[l->head] = a;
		l->head = (l->head + 1) % l->cap;
		l->dropped++;
	} else {
		l->ring[(l->head + l->n) % l->cap] = a;
		l->n++;
	}
	l->dirty = 1;
}

void
ui_list_set_min_sev(struct ui_list *l, int sev)
{
	l->min_sev = sev < 0 ? 0 : sev >= UI_NSEV ? UI_NSEV - 1 : sev;
	l->dirty = 1;
}

int
ui_list_set_regex(struct ui_list *l, const char *re, char *err, size_t errlen)
{
	regex_t r;
	if (re[0] == '\0') {
		if (l->has_re)
			regfree(&l->re);
		l->has_re = 0;
		l->re_src[0] = '\0';
		l->dirty = 1;
		return 0;
	}
	int rc = regcomp(&r, re, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		char m[128];
		regerror(rc, &r, m, sizeof(m));
		snprintf(err, errlen, "bad regex: %s", m);
		return -1;
	}
	if (l->has_re)
		regfree(&l->re);
	l->re = r;
	l->has_re = 1;
	snprintf(l->re_src, sizeof(l->re_src), "%s", re);
	l->dirty = 1;
	return 0;
}

int
ui_list_matches(const struct ui_list *l, const struct ui_alert *a)
{
	char s[sizeof(a->rule) + sizeof(a->src) + sizeof(a->from) + sizeof(a->ruri) +
	    sizeof(a->message) + 16];

	if (a->sev < l->min_sev)
		return 0;
	if (l->paused && a->seq > l->pause_seq)
		return 0;
	if (!l->has_re)
		return 1;
	snprintf(s, sizeof(s), "%s %s %s %s %s %s", a->rule, ui_sev_name(a->sev), a->src,
	    a->from, a->ruri, a->message);
	return regexec(&l->re, s, 0, NULL, 0) == 0;
}

void
ui_list_pause(struct ui_list *l, int on)
{
	l->paused = on;
	if (on)
		l->pause_seq = l->n ? l->ring[(l->head + l->n - 1) % l->cap]->seq : 0;
	l->dirty = 1;
}

void
ui_list_refresh(struct ui_list *l, int rows)
{
	if (l->dirty) {
		l->nvis = 0;
		for (size_t i = l->n; i-- > 0;) {
			struct ui_alert *a = l->ring[(l->head + i) % l->cap];
			if (ui_list_matches(l, a))
				l->vis[l->nvis++] = a;
		}
		l->dirty = 0;
		if (l->sel_seq == 0) {
			l->sel = 0;
		} else {
			size_t i;
			for (i = 0; i < l->nvis && l->vis[i]->seq > l->sel_seq; i++)
				;
			/* Gone (evicted or filtered out): the next older one. */
			l->sel = i;
		}
	}
	if (l->nvis == 0)
		l->sel = 0;
	else if (l->sel >= l->nvis)
		l->sel = l->nvis - 1;
	if (l->nvis)
		l->sel_seq = l->sel == 0 ? 0 : l->vis[l->sel]->seq;
	if (rows < 1)
		rows = 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)rows)
		l->top = l->sel - (size_t)rows + 1;
	/* No blank rows below while alerts sit above the window. */
	if (l->nvis >= (size_t)rows && l->top > l->nvis - (size_t)rows)
		l->top = l->nvis - (size_t)rows;
	if (l->nvis < (size_t)rows)
		l->top = 0;
}

void
ui_list_move(struct ui_list *l, int delta, int rows)
{
	ui_list_refresh(l, rows);
	if (l->nvis == 0)
		return;
	long s = (long)l->sel + delta;
	if (delta == UI_LIST_HOME || s < 0)
		s = 0;
	if (delta == UI_LIST_END || s >= (long)l->nvis)
		s = (long)l->nvis - 1;
	l->sel = (size_t)s;
	l->sel_seq = l->sel == 0 ? 0 : l->vis[l->sel]->seq;
	ui_list_refresh(l, rows);
}

const struct ui_alert *
ui_list_selected(const struct ui_list *l)
{
	return l->sel < l->nvis ? l->vis[l->sel] : NULL;
}

/* ------------------------------------------------------------ keys */

const struct ui_help ui_help[] = {
	{ "q", "quit (asks y/n)" },
	{ "? F1", "this help" },
	{ "Up Down", "select alert / scroll panel" },
	{ "PgUp PgDn", "page up / down" },
	{ "Home End", "newest / oldest alert, top / bottom" },
	{ "Tab", "next panel (alerts, talkers, counters)" },
	{ "Enter", "alert detail with the SIP message" },
	{ "Esc", "back (detail, help, filter prompt)" },
	{ "/", "filter alerts by regex (empty clears)" },
	{ "1-5", "minimum severity: 1 info .. 5 critical" },
	{ "p", "pause / resume the view (capture goes on)" },
	{ "c", "clear the alert list" },
};
const size_t ui_nhelp = sizeof(ui_help) / sizeof(ui_help[0]);

int
ui_view_init(struct ui_view *v)
{
	memset(v, 0, sizeof(*v));
	return ui_list_init(&v->list, UI_LIST_MAX);
}

void
ui_view_free(struct ui_view *v)
{
	ui_list_free(&v->list);
	free(v->detail);
	v->detail = NULL;
}

size_t
ui_wrap_count(const char *text, int w)
{
	size_t lines = 0, col = 0;
	if (w < 1)
		w = 1;
	for (const char *p = text;; p++) {
		if (*p == '\n' || *p == '\0') {
			lines += col == 0 ? 1 : (col + (size_t)w - 1) / (size_t)w;
			col = 0;
			if (*p == '\0')
				break;
		} else {
			col++;
		}
	}
	return lines;
}

char *
ui_alert_detail(const struct ui_alert *a)
{
	char head[96];
	int hl;
	if (a->raw)
		hl = snprintf(head, sizeof(head), "\n--- SIP message, %zu bytes%s ---\n",
		    a->raw_total, a->raw_total > a->raw_len ? " (first 8 KiB)" : "");
	else
		hl = snprintf(head, sizeof(head), "\n(no SIP message: this alert reports "
		    "events or alerts held back, not one message)\n");
	if (hl < 0 || (size_t)hl >= sizeof(head))
		hl = 0;
	/* at most 4 output bytes per input byte, plus the note ui_escape adds */
	size_t cap = a->detail_len + (size_t)hl + a->raw_len * 4 + 64;
	char *d = malloc(cap);
	if (d == NULL)
		return NULL;
	memcpy(d, a->detail ? a->detail : "", a->detail_len);
	memcpy(d + a->detail_len, head, (size_t)hl);
	size_t n = a->detail_len + (size_t)hl;
	if (a->raw)
		n += ui_escape(a->raw, a->raw_len, d + n, cap - n);
	d[n < cap ? n : cap - 1] = '\0';
	return d;
}

static void
open_detail(struct ui_view *v, int page)
{
	ui_list_refresh(&v->list, page);
	const struct ui_alert *a = ui_list_selected(&v->list);
	if (a == NULL || (a->detail == NULL && a->fmt == NULL))
		return;
	free(v->detail);
	v->detail = a->fmt ? a->fmt(a) : ui_alert_detail(a);
	if (v->detail == NULL)
		return;
	v->detail_lines = ui_wrap_count(v->detail, v->detail_w);
	v->detail_off = 0;
	v->mode = UI_M_DETAIL;
}

static int
scroll(int *off, int key, int page, int max)
{
	int o = *off;
	switch (key) {
	case UI_K_UP: o--; break;
	case UI_K_DOWN: o++; break;
	case UI_K_PGUP: o -= page; break;
	case UI_K_PGDN: o += page; break;
	case UI_K_HOME: o = 0; break;
	case UI_K_END: o = max; break;
	default: return 0;
	}
	if (o > max)
		o = max;
	if (o < 0)
		o = 0;
	*off = o;
	return 1;
}

int
ui_view_key(struct ui_view *v, int key, int page)
{
	if (page < 1)
		page = 1;
	if (key == UI_K_RESIZE)
		return 1;
	switch (v->mode) {
	case UI_M_QUIT:
		if (key == 'y' || key == 'Y')
			v->quit = 1;
		v->mode = UI_M_MAIN;
		return 1;
	case UI_M_HELP:
		if (key == UI_K_ESC || key == '?' || key == UI_K_F1 || key == 'q' ||
		    key == UI_K_ENTER) {
			v->mode = UI_M_MAIN;
			return 1;
		}
		return 0;
	case UI_M_DETAIL:
		if (key == UI_K_ESC || key == 'q') {
			v->mode = UI_M_MAIN;
			return 1;
		}
		v->detail_lines = ui_wrap_count(v->detail, v->detail_w);
		return scroll(&v->detail_off, key, page,
		    v->detail_lines > (size_t)page ? (int)(v->detail_lines - (size_t)page) : 0);
	case UI_M_FILTER:
		if (key == UI_K_ESC) {
			v->mode = UI_M_MAIN;
			return 1;
		}
		if (key == UI_K_ENTER) {
			char err[160];
			v->input[v->input_len] = '\0';
			if (ui_list_set_regex(&v->list, v->input, err, sizeof(err)) != 0)
				snprintf(v->status, sizeof(v->status), "%s", err);
			else
				v->status[0] = '\0';
			v->mode = UI_M_MAIN;
			return 1;
		}
		if (key == UI_K_BS) {
			if (v->input_len)
				v->input_len--;
			return 1;
		}
		if (key >= 0x20 && key < 0x7f && v->input_len + 1 < sizeof(v->input)) {
			v->input[v->input_len++] = (char)key;
			return 1;
		}
		return 0;
	default:
		break;
	}
	switch (key) {
	case 'q':
	case 'Q':
		v->mode = UI_M_QUIT;
		return 1;
	case '?':
	case UI_K_F1:
		v->mode = UI_M_HELP;
		return 1;
	case '/':
		v->mode = UI_M_FILTER;
		v->input_len = strlen(v->list.re_src);
		memcpy(v->input, v->list.re_src, v->input_len);
		return 1;
	case '1': case '2': case '3': case '4': case '5':
		ui_list_set_min_sev(&v->list, key - '1');
		return 1;
	case 'p':
		ui_list_pause(&v->list, !v->list.paused);
		return 1;
	case 'c':
		ui_list_clear(&v->list);
		snprintf(v->status, sizeof(v->status), "alert list cleared");
		return 1;
	case UI_K_TAB:
		v->focus = (v->focus + 1) % UI_P__COUNT;
		return 1;
	case UI_K_BTAB:
		v->focus = (v->focus + UI_P__COUNT - 1) % UI_P__COUNT;
		return 1;
	case UI_K_ESC:
		v->status[0] = '\0';
		return 1;
	case UI_K_ENTER:
		if (v->focus != UI_P_ALERTS)
			return 0;
		open_detail(v, page);
		return 1;
	default:
		break;
	}
	if (v->focus == UI_P_TALKERS)
		return scroll(&v->talk_off, key, page, UI_TOP_N);
	if (v->focus == UI_P_COUNTERS)
		return scroll(&v->count_off, key, page, UI_MAX_RULES + UI_NSEV);
	switch (key) {
	case UI_K_UP: ui_list_move(&v->list, -1, page); return 1;
	case UI_K_DOWN: ui_list_move(&v->list, 1, page); return 1;
	case UI_K_PGUP: ui_list_move(&v->list, -page, page); return 1;
	case UI_K_PGDN: ui_list_move(&v->list, page, page); return 1;
	case UI_K_HOME: ui_list_move(&v->list, UI_LIST_HOME, page); return 1;
	case UI_K_END: ui_list_move(&v->list, UI_LIST_END, page); return 1;
	default: return 0;
	}
}
