/*
 * tui.c - draws the dashboard with ncurses.  Every frame is erase() +
 * the whole screen + wnoutrefresh() + doupdate(): curses sends only the
 * cells that changed, so nothing flickers.  Input is poll()ed on stdin so
 * a terminal that went away (hang-up, EOF, error) ends the loop instead
 * of spinning.
 */
#include "ui/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FRAME_MS 100 /* input poll; redraws at most this often */
/* After a frame that took T of this thread's CPU time, the next one
 * (unless a key asks for it) waits DRAW_SHARE * T: drawing never takes
 * more than about 1% of a CPU, on a slow machine or terminal as under
 * valgrind.  A frame costs well under a millisecond here, so snapshots
 * (5 a second) are drawn as they come. */
#define DRAW_SHARE 100

struct ui_tui {
	SCREEN *scr;
	int ascii, live, color, ended;
	int utf8; /* the locale's character set is UTF-8 */
	struct timespec t0;
	struct ui_view v;
	struct ui_snap *snap;    /* shown: latest, or frozen while paused */
	struct ui_snap *latest, *frozen;
	int froze;
	char *line;  /* scratch: one row */
	size_t linecap;
	chtype *cells; /* scratch: one row of cells for text_at() */
	size_t ncells;
};

enum { C_SEV = 1, C_TITLE = 6, C_MARK = 7 };

struct ui_tui *
ui_tui_open(const struct ui_opts *o, char *err, size_t errlen)
{
	struct ui_tui *t = calloc(1, sizeof(*t));
	if (t == NULL || ui_view_init(&t->v) != 0 ||
	    (t->latest = calloc(1, sizeof(*t->latest))) == NULL ||
	    (t->frozen = calloc(1, sizeof(*t->frozen))) == NULL) {
		snprintf(err, errlen, "dashboard: out of memory");
		if (t) {
			ui_view_free(&t->v);
			free(t->latest);
		}
		free(t);
		return NULL;
	}
	t->snap = t->latest;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the dashboard needs a terminal on stdin and stdout "
		    "(use --no-ui for batch)");
		goto fail;
	}
	setlocale(LC_ALL, "");
	t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	t->ascii = o->ascii || MB_CUR_MAX == 1;
#ifndef UI_WIDE
	t->ascii = 1; /* narrow ncurses counts bytes, not columns */
#endif
	t->live = o->live;
	t->scr = newterm(NULL, stdout, stdin);
	if (t->scr == NULL) {
		snprintf(err, errlen, "cannot start the dashboard on terminal \"%s\"",
		    getenv("TERM") ? getenv("TERM") : "");
		goto fail;
	}
	set_term(t->scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		t->color = 1;
		init_pair(C_SEV + 0, COLOR_GREEN, -1);
		init_pair(C_SEV + 1, COLOR_CYAN, -1);
		init_pair(C_SEV + 2, COLOR_YELLOW, -1);
		init_pair(C_SEV + 3, COLOR_RED, -1);
		init_pair(C_SEV + 4, COLOR_MAGENTA, -1);
		init_pair(C_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(C_MARK, COLOR_RED, -1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
	return t;
fail:
	ui_view_free(&t->v);
	free(t->latest);
	free(t->frozen);
	free(t);
	return NULL;
}

static void
restore(struct ui_tui *t)
{
	if (t->ended || t->scr == NULL)
		return;
	t->ended = 1;
	curs_set(1);
	endwin();
}

void
ui_tui_free(struct ui_tui *t)
{
	if (t == NULL)
		return;
	restore(t);
	if (t->scr)
		delscreen(t->scr);
	ui_view_free(&t->v);
	free(t->latest);
	free(t->frozen);
	free(t->line);
	free(t->cells);
	free(t);
}

/* ------------------------------------------------------------ drawing */

static char *
scratch(struct ui_tui *t, int w)
{
	size_t need = (size_t)(w > 0 ? w : 1) * 4 + 512;
	if (need > t->linecap) {
		char *p = realloc(t->line, need);
		if (p == NULL)
			return NULL;
		t->line = p;
		t->linecap = need;
	}
	return t->line;
}

/*
 * mvaddstr(y, x, s) for what is drawn every frame.  waddstr() decodes
 * every byte as a possible multibyte character, most of a frame's cost;
 * runs of ASCII are stored as cells instead, with the window's attributes
 * applied as waddstr() applies them, and only UTF-8 sequences (marks,
 * sparkline blocks) go through waddnstr().  That needs text that cannot
 * wrap (no character is wider than its bytes) and ASCII bytes that are
 * never part of a multibyte character (UTF-8); anything else is drawn
 * with mvaddstr() as it was.
 */
static void
text_at(struct ui_tui *t, int y, int x, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;
	int multi = 0;

	for (; u[n] >= 0x20 && u[n] != 0x7f; n++)
		multi |= u[n] >= 0x80;
	if (u[n] != '\0' || n == 0 || x < 0 || (int)n > getmaxx(stdscr) - x ||
	    (multi && !t->utf8)) {
		mvaddstr(y, x, s);
		return;
	}
	if (n > t->ncells) {
		chtype *nc = realloc(t->cells, n * sizeof(*nc));
		if (nc == NULL) {
			mvaddstr(y, x, s);
			return;
		}
		t->cells = nc;
		t->ncells = n;
	}
	attr_t a;
	short pair;
	wattr_get(stdscr, &a, &pair, NULL);
	chtype at = (a & ~A_COLOR) | COLOR_PAIR(pair);
	for (size_t i = 0, j; i < n; i = j) {
		j = i;
		if (u[i] < 0x80) {
			for (; j < n && u[j] < 0x80; j++)
				t->cells[j - i] = (chtype)u[j] | at;
			mvwaddchnstr(stdscr, y, x, t->cells, (int)(j - i));
			x += (int)(j - i);
		} else {
			while (j < n && u[j] >= 0x80)
				j++;
			mvaddnstr(y, x, s + i, (int)(j - i));
			x = getcurx(stdscr);
		}
	}
}

/* Writes s at (y, x), cut to w columns. */
static void
put(struct ui_tui *t, int y, int x, int w, const char *s, int how)
{
	char *b = scratch(t, w);
	if (b == NULL || w <= 0)
		return;
	ui_shorten(s, (size_t)w, how, t->ascii, b, t->linecap);
	text_at(t, y, x, b);
}

static void
hline_title(struct ui_tui *t, const struct ui_rect *r, const char *title, int focus)
{
	mvhline(r->y, r->x, t->ascii ? '-' : ACS_HLINE, r->w);
	if (focus)
		attron(A_BOLD | A_REVERSE);
	put(t, r->y, r->x + 1, r->w - 2, title, UI_CUT_END);
	if (focus)
		attroff(A_BOLD | A_REVERSE);
}

static void
fmt_span(char *b, size_t n, long long s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(b, n, "%lldd%02lld:%02lld:%02lld", s / 86400, s / 3600 % 24,
		    s / 60 % 60, s % 60);
	else
		snprintf(b, n, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
}

static void
draw_header(struct ui_tui *t, const struct ui_rect *r)
{
	const struct ui_snap *s = t->snap;
	char b[512], span[32];
	long long secs;

	if (t->live) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		secs = (long long)(now.tv_sec - t->t0.tv_sec);
	} else {
		secs = s->have_ts ? (long long)(s->last_ts.tv_sec - s->first_ts.tv_sec) : 0;
	}
	fmt_span(span, sizeof(span), secs);
	const char *state = s->state == UI_ST_FINISHED ? "finished" : "capturing";
	snprintf(b, sizeof(b), " sipwatch | %s %s | %s%s | %s %s | %llu pkts | %llu SIP msgs | %.1f msg/s",
	    s->live ? "live" : "file", s->source, t->v.list.paused ? "PAUSED, " : "", state,
	    s->live ? "up" : "span", span, (unsigned long long)s->packets,
	    (unsigned long long)s->sip_msgs, s->msg_rate);
	if (t->color)
		attron(COLOR_PAIR(C_TITLE));
	attron(A_REVERSE * !t->color | A_BOLD);
	mvhline(r->y, 0, ' ', r->w);
	put(t, r->y, 0, r->w, b, UI_CUT_END);
	attroff(A_REVERSE | A_BOLD);
	if (t->color)
		attroff(COLOR_PAIR(C_TITLE));
	uint64_t tot = s->tls_flows + s->cleartext_msgs;
	char held[48] = "";
	if (s->held_back)
		snprintf(held, sizeof(held), ", %llu held back", (unsigned long long)s->held_back);
	snprintf(b, sizeof(b), " drops: kernel %llu, output %llu, budget %llu, ui %llu | TLS %.1f%% (%llu flows) vs cleartext %llu msgs | alerts %llu%s",
	    (unsigned long long)s->kernel_drops, (unsigned long long)s->output_drops,
	    (unsigned long long)s->budget_events,
	    (unsigned long long)(s->ui_drops + t->v.list.dropped),
	    tot ? 100.0 * (double)s->tls_flows / (double)tot : 0.0,
	    (unsigned long long)s->tls_flows, (unsigned long long)s->cleartext_msgs,
	    (unsigned long long)s->alerts_total, held);
	put(t, r->y + 1, 0, r->w, b, UI_CUT_END);
}

static void
draw_spark(struct ui_tui *t, const struct ui_rect *r)
{
	const struct ui_snap *s = t->snap;
	char lab[64];
	int lw = 14, w = r->w - lw - 14;
	char *b;

	if (w < 4)
		return;
	for (int k = 0; k < 2; k++) {
		const uint32_t *v = k ? s->rate_alerts : s->rate_msgs;
		uint32_t max = 0;
		for (unsigned i = 0; i < s->rate_n; i++)
			if (v[i] > max)
				max = v[i];
		text_at(t, r->y + k, 0, k ? " alerts/s" : " SIP msgs/s");
		if ((b = scratch(t, w)) == NULL)
			return;
		ui_spark_str(v, s->rate_n, (size_t)w, t->ascii, b, t->linecap);
		if (t->color)
			attron(COLOR_PAIR(k ? C_SEV + 3 : C_SEV + 0));
		text_at(t, r->y + k, lw, b);
		if (t->color)
			attroff(COLOR_PAIR(k ? C_SEV + 3 : C_SEV + 0));
		snprintf(lab, sizeof(lab), "max %u", max);
		put(t, r->y + k, lw + w + 1, 13, lab, UI_CUT_END);
	}
}

static void
draw_alerts(struct ui_tui *t, const struct ui_rect *r)
{
	struct ui_list *l = &t->v.list;
	char title[320], *b;
	struct ui_cols c;
	int rows = r->h - 2;

	if (r->h < 3)
		return;
	ui_list_refresh(l, rows);
	snprintf(title, sizeof(title), " Alerts %zu of %zu, newest first | severity >= %s%s%s%s%s ",
	    l->nvis, l->n, ui_sev_name(l->min_sev), l->has_re ? " | filter /" : "",
	    l->has_re ? l->re_src : "", l->has_re ? "/" : "", l->paused ? " | PAUSED" : "");
	hline_title(t, r, title, t->v.focus == UI_P_ALERTS);
	ui_alert_cols(r->w, &c);
	snprintf(title, sizeof(title), "%-*s %-*s %-*s %-*s %-*s %-*s %*s", c.time, "TIME",
	    c.sev, "SEV", c.rule, "RULE", c.src, "SOURCE", c.from, "FROM", c.ruri,
	    "REQUEST-URI", c.count, "COUNT");
	attron(A_BOLD);
	put(t, r->y + 1, r->x, r->w, title, UI_CUT_END);
	attroff(A_BOLD);
	if (l->nvis == 0)
		put(t, r->y + 2, r->x + 1, r->w - 1,
		    l->n ? "(no alert matches the filters)" : "(no alerts yet)", UI_CUT_END);
	for (int i = 0; i < rows && l->top + (size_t)i < l->nvis; i++) {
		const struct ui_alert *a = l->vis[l->top + (size_t)i];
		if ((b = scratch(t, r->w)) == NULL)
			return;
		ui_alert_row(a, r->w, t->ascii, b, t->linecap);
		attr_t at = 0;
		if (t->color)
			at |= COLOR_PAIR(C_SEV + (a->sev < 0 ? 0 : a->sev > 4 ? 4 : a->sev));
		if (a->sev >= 3)
			at |= A_BOLD;
		if (l->top + (size_t)i == l->sel)
			at |= A_REVERSE;
		attron(at);
		text_at(t, r->y + 2 + i, r->x, b);
		attroff(at);
	}
}

static void
draw_top_col(struct ui_tui *t, int y, int x, int w, int h, const char *name,
    const struct ui_top_list *tl, int off, int how)
{
	char num[24];
	attron(A_BOLD);
	put(t, y, x, w, name, UI_CUT_END);
	attroff(A_BOLD);
	for (int i = 0; i + 1 < h && (unsigned)(off + i) < tl->n; i++) {
		const struct ui_top_row *row = &tl->row[off + i];
		/* A count that may include requests of keys the bounded
		 * counters no longer track is an upper bound: "~". */
		int nw = snprintf(num, sizeof(num), "%s%llu", row->err ? "~" : "",
		    (unsigned long long)row->n);
		int kw = w - nw - 3;
		if (kw < 4)
			continue;
		if (row->marked) {
			if (t->color)
				attron(COLOR_PAIR(C_MARK));
			attron(A_BOLD);
			mvaddstr(y + 1 + i, x, "!");
			attroff(A_BOLD);
			if (t->color)
				attroff(COLOR_PAIR(C_MARK));
		}
		put(t, y + 1 + i, x + 1, kw, row->key, how);
		text_at(t, y + 1 + i, x + w - nw - 1, num);
	}
}

static void
draw_talkers(struct ui_tui *t, const struct ui_rect *r)
{
	if (r->h < 3)
		return;
	hline_title(t, r, " Top talkers by requests (! unknown source) ", t->v.focus == UI_P_TALKERS);
	int cw = r->w / 3, h = r->h - 1;
	int off = t->v.talk_off;
	draw_top_col(t, r->y + 1, r->x, cw, h, "Source", &t->snap->top_src,
	    off, UI_CUT_MIDDLE);
	draw_top_col(t, r->y + 1, r->x + cw, cw, h, "From", &t->snap->top_from,
	    off, UI_CUT_MIDDLE);
	draw_top_col(t, r->y + 1, r->x + 2 * cw, r->w - 2 * cw, h, "Target URI",
	    &t->snap->top_ruri, off, UI_CUT_MIDDLE);
}

static void
draw_counters(struct ui_tui *t, const struct ui_rect *r)
{
	const struct ui_snap *s = t->snap;
	char b[128];
	int y = r->y + 1, line = 0;

	if (r->h < 2)
		return;
	hline_title(t, r, " Alerts by severity and rule ", t->v.focus == UI_P_COUNTERS);
	for (int k = UI_NSEV - 1; k >= 0; k--, line++) {
		if (line < t->v.count_off || y >= r->y + r->h)
			continue;
		int nw = snprintf(b, sizeof(b), "%llu", (unsigned long long)s->by_sev[k]);
		if (t->color)
			attron(COLOR_PAIR(C_SEV + k));
		put(t, y, r->x + 1, r->w - nw - 3, ui_sev_name(k), UI_CUT_END);
		text_at(t, y++, r->x + r->w - nw - 1, b);
		if (t->color)
			attroff(COLOR_PAIR(C_SEV + k));
	}
	for (unsigned i = 0; i < s->nrules; i++, line++) {
		if (line < t->v.count_off || y >= r->y + r->h)
			continue;
		int nw = snprintf(b, sizeof(b), "%llu", (unsigned long long)s->rules[i].n);
		put(t, y, r->x + 1, r->w - nw - 3, s->rules[i].name, UI_CUT_END);
		text_at(t, y++, r->x + r->w - nw - 1, b);
	}
}

static void
draw_detail(struct ui_tui *t, int rows, int cols)
{
	struct ui_rect r = { 0, 0, 1, cols };
	int h = rows - 2;
	hline_title(t, &r, " Alert detail: every field, then the SIP message (Esc back) ", 1);
	t->v.detail_w = cols;
	const char *p = t->v.detail ? t->v.detail : "";
	int line = 0, y = 1;
	char *b = scratch(t, cols);
	if (b == NULL)
		return;
	while (y <= h) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t pos = 0;
		do {
			size_t n = len - pos > (size_t)cols ? (size_t)cols : len - pos;
			if (line >= t->v.detail_off && y <= h) {
				memcpy(b, p + pos, n);
				b[n] = '\0';
				text_at(t, y++, 0, b);
			}
			line++;
			pos += n;
		} while (pos < len);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
draw_help(struct ui_tui *t, int rows, int cols)
{
	struct ui_rect r = { 0, 0, 1, cols };
	char b[160];
	hline_title(t, &r, " Help: keys (Esc, ? or q closes) ", 1);
	for (size_t i = 0; i < ui_nhelp && (int)i + 2 < rows - 1; i++) {
		snprintf(b, sizeof(b), "  %-12s %s", ui_help[i].keys, ui_help[i].what);
		put(t, (int)i + 2, 0, cols, b, UI_CUT_END);
	}
}

static void
draw_footer(struct ui_tui *t, const struct ui_rect *r)
{
	char b[320];
	const struct ui_view *v = &t->v;
	switch (v->mode) {
	case UI_M_FILTER:
		snprintf(b, sizeof(b), "filter regex (Enter apply, empty clears, Esc cancel): /%.*s_",
		    (int)v->input_len, v->input);
		break;
	case UI_M_QUIT:
		snprintf(b, sizeof(b), "Quit sipwatch? (y/n)");
		break;
	default:
		if (v->status[0])
			snprintf(b, sizeof(b), "%s", v->status);
		else
			snprintf(b, sizeof(b), "q quit  ? help  Tab panel  Enter detail  / filter  1-5 severity  p pause  c clear");
	}
	attron(A_REVERSE);
	mvhline(r->y, 0, ' ', r->w);
	put(t, r->y, 0, r->w, b, UI_CUT_END);
	attroff(A_REVERSE);
}

static int
panel_rows(const struct ui_tui *t, const struct ui_layout *l, int rows)
{
	if (t->v.mode == UI_M_DETAIL)
		return rows - 2;
	switch (t->v.focus) {
	case UI_P_TALKERS: return l->talkers.h - 2;
	case UI_P_COUNTERS: return l->counters.h - 1;
	default: return l->alerts.h - 2;
	}
}

static void
draw(struct ui_tui *t, struct ui_layout *l)
{
	int rows, cols;
	getmaxyx(stdscr, rows, cols);
	ui_layout(rows, cols, t->v.focus, l);
	erase();
	if (l->too_small) {
		put(t, 0, 0, cols, "sipwatch: terminal too small (40x12 at least)", UI_CUT_END);
	} else if (t->v.mode == UI_M_DETAIL) {
		draw_detail(t, rows, cols);
		draw_footer(t, &l->footer);
	} else if (t->v.mode == UI_M_HELP) {
		draw_help(t, rows, cols);
		draw_footer(t, &l->footer);
	} else {
		draw_header(t, &l->header);
		draw_spark(t, &l->spark);
		draw_alerts(t, &l->alerts);
		draw_talkers(t, &l->talkers);
		draw_counters(t, &l->counters);
		draw_footer(t, &l->footer);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static int
map_key(int ch)
{
	switch (ch) {
	case KEY_UP: return UI_K_UP;
	case KEY_DOWN: return UI_K_DOWN;
	case KEY_PPAGE: return UI_K_PGUP;
	case KEY_NPAGE: return UI_K_PGDN;
	case KEY_HOME: return UI_K_HOME;
	case KEY_END: return UI_K_END;
	case KEY_ENTER: case '\n': case '\r': return UI_K_ENTER;
	case 27: return UI_K_ESC;
	case '\t': return UI_K_TAB;
	case KEY_BTAB: return UI_K_BTAB;
	case KEY_F(1): return UI_K_F1;
	case KEY_BACKSPACE: case 127: case 8: return UI_K_BS;
	case KEY_RESIZE: return UI_K_RESIZE;
	default: return ch;
	}
}

/* b - a in nanoseconds. */
static long long
ns_between(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000 + (b->tv_nsec - a->tv_nsec);
}

int
ui_tui_run(struct ui_tui *t, const struct ui_feed *f)
{
	struct ui_layout l;
	int dirty = 1, keyed = 0, gone = 0, idle_err = 0;
	struct timespec last = { 0, 0 }, now, next = { 0, 0 };
	long long wait_ns = 0; /* before the next paced frame */

	while (!t->v.quit && !gone && !f->done(f->ud)) {
		/* While paused the view shows a frozen copy; snapshots and
		 * alerts still come in (hidden by pause_seq), so nothing backs
		 * up on the capture side. */
		if (f->take(f->ud, &t->latest, &t->v.list) || t->v.list.dirty)
			dirty = 1;
		if (t->v.list.paused && !t->froze) {
			memcpy(t->frozen, t->latest, sizeof(*t->frozen));
			t->froze = 1;
		} else if (!t->v.list.paused) {
			t->froze = 0;
		}
		t->snap = t->v.list.paused ? t->frozen : t->latest;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (t->live && now.tv_sec != last.tv_sec)
			dirty = 1;
		wait_ns = ns_between(&now, &next);
		if (dirty && (keyed || wait_ns <= 0)) {
			struct timespec c0 = { 0, 0 }, c1 = { 0, 0 };
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
			draw(t, &l);
			clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
			wait_ns = ns_between(&c0, &c1) * DRAW_SHARE;
			next = now;
			next.tv_sec += (time_t)(wait_ns / 1000000000);
			next.tv_nsec += (long)(wait_ns % 1000000000);
			if (next.tv_nsec >= 1000000000) {
				next.tv_sec++;
				next.tv_nsec -= 1000000000;
			}
			last = now;
			dirty = keyed = 0;
		}
		int ms = FRAME_MS;
		if (dirty && wait_ns / 1000000 + 1 < ms)
			ms = (int)(wait_ns / 1000000) + 1;
		struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
		int pr = poll(&pfd, 1, ms);
		if (pr < 0 && errno != EINTR)
			gone = 1;
		if (pr > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			gone = 1;
		int got = 0, ch;
		while (!gone && (ch = getch()) != ERR) {
			got = 1;
			int k = map_key(ch);
			getmaxyx(stdscr, l.header.h, l.header.w);
			ui_layout(l.header.h, l.header.w, t->v.focus, &l);
			t->v.detail_w = l.header.w;
			ui_view_key(&t->v, k, panel_rows(t, &l, l.header.h));
			dirty = keyed = 1;
			if (t->v.quit)
				break;
		}
		/* Readable but nothing to read, again and again: EOF. */
		if (pr > 0 && (pfd.revents & POLLIN) && !got)
			gone = ++idle_err >= 3;
		else if (got)
			idle_err = 0;
	}
	restore(t);
	if (t->v.quit || gone) {
		f->quit(f->ud);
		return 1;
	}
	return 0;
}
