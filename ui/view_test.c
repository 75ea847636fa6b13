/* view_test.c - what the dashboard shows, without a terminal. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/view.h"

static struct ui_alert *
mk(uint64_t seq, int sev, const char *rule, const char *src, const char *from)
{
	struct ui_alert *a = calloc(1, sizeof(*a));
	a->seq = seq;
	a->sev = sev;
	a->count = seq;
	a->ts.tv_sec = 1700000000 + (time_t)seq;
	snprintf(a->rule, sizeof(a->rule), "%s", rule);
	snprintf(a->src, sizeof(a->src), "%s", src);
	snprintf(a->from, sizeof(a->from), "%s", from);
	snprintf(a->ruri, sizeof(a->ruri), "sip:00%llu@pbx.example.com", (unsigned long long)seq);
	a->detail = strdup("rule        x\n");
	a->detail_len = strlen(a->detail);
	/* the message is escaped only when the detail view opens */
	static const char msg[] = "INVITE sip:a SIP/2.0\r\nVia: \x01\r\n";
	a->raw_len = a->raw_total = sizeof(msg) - 1;
	a->raw = malloc(a->raw_len);
	memcpy(a->raw, msg, a->raw_len);
	return a;
}

static const struct {
	const char *in;
	size_t width;
	int how;
	const char *want;
	const char *comment;
} shorten_cases[] = {
	{ "192.0.2.1", 15, UI_CUT_MIDDLE, "192.0.2.1", "fits: unchanged" },
	{ "2001:db8:85a3::8a2e:370:7334", 15, UI_CUT_MIDDLE, "2001:db~70:7334",
	  "IPv6: prefix and interface id kept, mark in the middle" },
	{ "2001:db8:85a3::8a2e:370:7334", 28, UI_CUT_MIDDLE, "2001:db8:85a3::8a2e:370:7334",
	  "IPv6 exactly fitting" },
	{ "sip:alice@example.com", 10, UI_CUT_END, "sip:alice~", "cut at the end" },
	{ "abc", 0, UI_CUT_END, "", "no room" },
	{ "abcdef", 1, UI_CUT_MIDDLE, "~", "only the mark" },
};

Test(ui_shorten, table)
{
	for (size_t i = 0; i < sizeof(shorten_cases) / sizeof(shorten_cases[0]); i++) {
		char out[128];
		size_t c = ui_shorten(shorten_cases[i].in, shorten_cases[i].width,
		    shorten_cases[i].how, 1, out, sizeof(out));
		cr_expect_str_eq(out, shorten_cases[i].want, "%s", shorten_cases[i].comment);
		cr_expect_leq(c, shorten_cases[i].width, "%s", shorten_cases[i].comment);
	}
}

Test(ui_shorten, utf8_mark_is_one_column)
{
	char out[64];
	size_t c = ui_shorten("2001:db8:85a3::8a2e:370:7334", 15, UI_CUT_MIDDLE, 0, out, sizeof(out));
	cr_expect_eq(c, 15);
	cr_expect_str_eq(out, "2001:db\xe2\x80\xa6" "70:7334");
}

Test(ui_escape, controls_crlf_and_bound)
{
	char out[256];
	const uint8_t in[] = "INVITE x\r\nA: \x01\xff\tz\r\n\r\nv=0\n";
	size_t n = ui_escape(in, sizeof(in) - 1, out, sizeof(out));
	cr_expect_str_eq(out, "INVITE x\nA: \\x01\\xff\tz\n\nv=0\n");
	cr_expect_eq(n, strlen(out));

	uint8_t big[1000];
	memset(big, 'a', sizeof(big));
	n = ui_escape(big, sizeof(big), out, 100);
	cr_expect_lt(n, 100u);
	cr_expect(strstr(out, "more bytes]") != NULL, "a cut message says so: %s", out);
}

Test(ui_spark, scaling)
{
	static const struct {
		uint32_t v[6];
		size_t n, width;
		uint8_t want[6];
		uint32_t max;
		const char *comment;
	} c[] = {
		{ { 0, 1, 2, 4, 8, 0 }, 6, 6, { 0, 1, 2, 4, 8, 0 }, 8, "8 levels above zero" },
		{ { 0, 0, 0 }, 3, 3, { 0, 0, 0 }, 0, "all zero: empty" },
		{ { 1, 1000, 0 }, 3, 3, { 1, 8, 0 }, 1000, "small but non-zero shows" },
		{ { 9, 9, 5, 10 }, 4, 2, { 8, 8 }, 10, "only the last width values" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t lv[6];
		uint32_t max = ui_spark_levels(c[i].v, c[i].n, c[i].width, 9, lv);
		cr_expect_eq(max, c[i].max, "%s", c[i].comment);
		size_t k = c[i].n < c[i].width ? c[i].n : c[i].width;
		if (i == 3)
			cr_expect(lv[0] == 4 && lv[1] == 8, "%s: %u %u", c[i].comment, lv[0], lv[1]);
		else
			cr_expect_arr_eq(lv, c[i].want, k, "%s", c[i].comment);
	}
	char s[64];
	uint32_t v[] = { 0, 3, 6 };
	ui_spark_str(v, 3, 10, 1, s, sizeof(s));
	cr_expect_str_eq(s, " =#", "ASCII fallback");
}

static int
inside(const struct ui_rect *r, int rows, int cols)
{
	return r->h == 0 || (r->y >= 0 && r->x >= 0 && r->y + r->h <= rows && r->x + r->w <= cols);
}

static int
overlap(const struct ui_rect *a, const struct ui_rect *b)
{
	if (a->h == 0 || b->h == 0)
		return 0;
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

Test(ui_layout, sizes)
{
	static const struct {
		int rows, cols, focus;
		int min_list_rows, talkers, counters;
		const char *comment;
	} c[] = {
		{ 24, 80, UI_P_ALERTS, 5, 1, 0, "80x24: list and talkers" },
		{ 24, 80, UI_P_COUNTERS, 5, 0, 1, "80x24: Tab shows counters" },
		{ 40, 120, UI_P_ALERTS, 10, 1, 1, "120x40: both below" },
		{ 60, 200, UI_P_ALERTS, 40, 1, 1, "200x60: side panels" },
		{ 12, 40, UI_P_ALERTS, 3, 0, 0, "smallest" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct ui_layout l;
		ui_layout(c[i].rows, c[i].cols, c[i].focus, &l);
		cr_expect(!l.too_small, "%s", c[i].comment);
		const struct ui_rect *r[] = { &l.header, &l.spark, &l.alerts, &l.talkers,
			&l.counters, &l.footer };
		for (size_t j = 0; j < 6; j++) {
			cr_expect(inside(r[j], c[i].rows, c[i].cols), "%s: rect %zu", c[i].comment, j);
			for (size_t k = j + 1; k < 6; k++)
				cr_expect(!overlap(r[j], r[k]), "%s: %zu overlaps %zu", c[i].comment, j, k);
		}
		cr_expect_geq(l.alerts.h - 2, c[i].min_list_rows, "%s", c[i].comment);
		cr_expect_eq(l.talkers.h > 0, c[i].talkers, "%s", c[i].comment);
		cr_expect_eq(l.counters.h > 0, c[i].counters, "%s", c[i].comment);
		cr_expect_eq(l.header.h, 2, "%s: header", c[i].comment);
	}
	struct ui_layout l;
	ui_layout(10, 30, 0, &l);
	cr_expect(l.too_small);
}

Test(ui_row, exact_width_and_ipv6)
{
	struct ui_alert *a = mk(7, 3, "unknown-source", "2001:db8:85a3::8a2e:370:7334",
	    "sip:1001@pbx.example.com");
	int widths[] = { 80, 120, 200 };
	for (size_t i = 0; i < 3; i++) {
		char out[1024];
		ui_alert_row(a, widths[i], 1, out, sizeof(out));
		cr_expect_eq((int)strlen(out), widths[i], "row fills %d columns: [%s]", widths[i], out);
		cr_expect(strstr(out, "unknown-source") != NULL, "%s", out);
		cr_expect(strstr(out, "HIGH") != NULL);
		cr_expect(strstr(out, "2001:db") != NULL, "IPv6 prefix kept: %s", out);
		cr_expect(strstr(out, "7334") != NULL, "IPv6 suffix kept: %s", out);
	}
	ui_alert_free(a);
}

/* The time column: time of day in UTC, computed directly for ordinary
 * times and by gmtime_r() otherwise (as before). */
Test(ui_row, time_of_day)
{
	static const struct {
		time_t t;
		const char *want, *comment;
	} cases[] = {
		{ 0, "00:00:00", "the epoch" },
		{ 1700000007, "22:13:27", "an ordinary capture time" },
		{ 86399, "23:59:59", "last second of a day" },
		{ 86400 * 365 + 3600 * 7 + 60 * 8 + 9, "07:08:09", "a year later" },
		{ (time_t)12725830 * 86400 + 3661, "01:01:01", "past 2^40 s: gmtime_r" },
		{ -1, "23:59:59", "before the epoch: gmtime_r" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ui_alert *a = mk(1, 0, "r", "192.0.2.1", "sip:a@b");
		a->ts.tv_sec = cases[i].t;
		char out[1024];
		ui_alert_row(a, 120, 1, out, sizeof(out));
		cr_expect(strncmp(out, cases[i].want, 8) == 0, "%s: [%.8s], want %s",
		    cases[i].comment, out, cases[i].want);
		ui_alert_free(a);
	}
}

Test(ui_list, filters_scroll_pause_clear)
{
	struct ui_list l;
	char err[160];
	cr_assert_eq(ui_list_init(&l, 5), 0);
	for (uint64_t i = 1; i <= 7; i++)
		ui_list_push(&l, mk(i, (int)(i % 5), i % 2 ? "scanner" : "from-flood", "192.0.2.1",
		    i == 6 ? "sip:mallory@evil.example" : "sip:bob@example.com"));
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.n, 5, "bounded history");
	cr_expect_eq(l.dropped, 2);
	cr_expect_eq(l.nvis, 5);
	cr_expect_eq(l.vis[0]->seq, 7, "newest first");
	cr_expect_eq(l.vis[4]->seq, 3);

	ui_list_set_min_sev(&l, 3); /* high and up: seq 3 (sev 3), 4 (sev 4) */
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.nvis, 2);
	cr_expect_eq(l.vis[0]->seq, 4);
	ui_list_set_min_sev(&l, 0);

	cr_expect_eq(ui_list_set_regex(&l, "MALLORY|^from", err, sizeof(err)), 0);
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.nvis, 2, "regex, case-insensitive: 6 (mallory) and 4 (from-flood)");
	cr_expect_neq(ui_list_set_regex(&l, "(", err, sizeof(err)), 0, "bad regex refused");
	cr_expect_str_eq(l.re_src, "MALLORY|^from", "old filter kept");
	ui_list_set_regex(&l, "", err, sizeof(err));

	/* Scrolling: 5 rows in a 3-row window. */
	ui_list_move(&l, UI_LIST_END, 3);
	cr_expect_eq(l.sel, 4);
	cr_expect_eq(l.top, 2);
	ui_list_move(&l, -1, 3);
	cr_expect_eq(l.sel, 3);
	ui_list_move(&l, -100, 3);
	cr_expect_eq(l.sel, 0);
	cr_expect_eq(l.top, 0);
	/* The selection stays on its alert when new ones arrive. */
	ui_list_move(&l, 2, 3);
	uint64_t s = ui_list_selected(&l)->seq;
	ui_list_push(&l, mk(8, 1, "scanner", "192.0.2.1", "x"));
	ui_list_refresh(&l, 3);
	cr_expect_eq(ui_list_selected(&l)->seq, s);

	/* Pause: later alerts are kept but not shown. */
	ui_list_move(&l, UI_LIST_HOME, 3);
	ui_list_pause(&l, 1);
	ui_list_push(&l, mk(9, 1, "scanner", "192.0.2.1", "x"));
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.vis[0]->seq, 8);
	ui_list_pause(&l, 0);
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.vis[0]->seq, 9, "following the newest after the pause");

	ui_list_clear(&l);
	ui_list_refresh(&l, 3);
	cr_expect_eq(l.nvis, 0);
	ui_list_free(&l);
}

Test(ui_keys, help_lists_keys_that_work)
{
	struct ui_view v;
	cr_assert_eq(ui_view_init(&v), 0);
	ui_list_push(&v.list, mk(1, 4, "auth-breach", "192.0.2.9", "sip:a@b"));
	static const struct {
		int key;
		int mode_after;
		const char *comment;
	} c[] = {
		{ '?', UI_M_HELP, "? opens help" }, { UI_K_ESC, UI_M_MAIN, "Esc closes it" },
		{ UI_K_F1, UI_M_HELP, "F1 opens help" }, { 'q', UI_M_MAIN, "q closes it" },
		{ UI_K_ENTER, UI_M_DETAIL, "Enter opens the detail" },
		{ UI_K_DOWN, UI_M_DETAIL, "arrows scroll it" },
		{ UI_K_ESC, UI_M_MAIN, "Esc goes back" },
		{ '/', UI_M_FILTER, "/ prompts" }, { 'b', UI_M_FILTER, "typing" },
		{ UI_K_ENTER, UI_M_MAIN, "Enter applies" },
		{ '4', UI_M_MAIN, "4: high and up" }, { 'p', UI_M_MAIN, "pause" },
		{ UI_K_TAB, UI_M_MAIN, "Tab" }, { UI_K_PGDN, UI_M_MAIN, "PgDn" },
		{ UI_K_HOME, UI_M_MAIN, "Home" }, { UI_K_END, UI_M_MAIN, "End" },
		{ UI_K_PGUP, UI_M_MAIN, "PgUp" }, { UI_K_UP, UI_M_MAIN, "Up" },
		{ 'c', UI_M_MAIN, "clear" }, { 'q', UI_M_QUIT, "q asks" },
		{ 'n', UI_M_MAIN, "anything but y cancels" }, { 'q', UI_M_QUIT, "q asks again" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cr_expect_eq(ui_view_key(&v, c[i].key, 10), 1, "%s: handled", c[i].comment);
		cr_expect_eq(v.mode, c[i].mode_after, "%s", c[i].comment);
		if (c[i].key == UI_K_ENTER && c[i].mode_after == UI_M_DETAIL)
			cr_expect(strstr(v.detail, "rule        x\n\n--- SIP message, 30 bytes ---\nINVITE sip:a") != NULL &&
			    strstr(v.detail, "Via: \\x01") != NULL, "detail has the fields and the escaped message: %s", v.detail);
		if (c[i].key == '4')
			cr_expect_eq(v.list.min_sev, 3);
		if (c[i].key == 'p')
			cr_expect(v.list.paused);
		if (c[i].key == 'c')
			cr_expect_eq(v.list.n, 0);
	}
	cr_expect_str_eq(v.list.re_src, "b");
	cr_expect_not(v.quit);
	ui_view_key(&v, 'y', 10);
	cr_expect(v.quit, "y confirms");
	cr_expect_eq(ui_view_key(&v, 'z', 10), 0, "unknown keys are ignored");
	/* Every help entry names keys; none left unhandled above. */
	cr_expect_eq(ui_nhelp, 12);
	ui_view_free(&v);
}
