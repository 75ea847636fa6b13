/*
 * view.h - what the dashboard shows, decided without a terminal: the
 * layout for a screen size, the alert list (history, severity and regex
 * filters, pause, scrolling and selection), key handling, sparkline
 * scaling, and text shortening and escaping.  ui/tui.c only draws what
 * these functions decide; ui/view_test.c tests them.
 */
#ifndef SIPWATCH_UI_VIEW_H
#define SIPWATCH_UI_VIEW_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/snap.h"

/* ------------------------------------------------------------ text */

enum { UI_CUT_END, UI_CUT_MIDDLE };
/*
 * Fits in (ASCII) into width columns: unchanged when it fits, else cut
 * at the end or in the middle with a one-column mark ("~" when ascii,
 * else U+2026 "…").  Middle cuts keep both ends, so an IPv6 address keeps
 * its prefix and interface identifier.  Writes a NUL-terminated string
 * to out (outlen >= width * 3 + 1 is always enough).  Returns the
 * columns used.
 */
size_t ui_shorten(const char *in, size_t width, int how, int ascii, char *out,
    size_t outlen);
/*
 * Copies raw message bytes as printable text: CRLF and LF become "\n",
 * tab stays, every other byte outside 0x20..0x7e becomes "\xNN".  Stops
 * before outcap (NUL included) and then ends with "[... N more bytes]"
 * when something was left out.  Returns the length written.
 */
/*
 * The detail view's text for an alert: its field lines, then the SIP
 * message escaped (the escaping happens here, on the UI thread, not on the
 * capture side).  Caller frees; NULL when out of memory.
 */
char *ui_alert_detail(const struct ui_alert *a);

size_t ui_escape(const uint8_t *in, size_t n, char *out, size_t outcap);

/* ------------------------------------------------------------ sparklines */

/*
 * Scales the last min(n, width) values of v to levels 0..nlevels-1 into
 * lv (oldest first): 0 only for 0, the maximum at the top level, any
 * non-zero value at least 1.  Returns the maximum.
 */
uint32_t ui_spark_levels(const uint32_t *v, size_t n, size_t width, unsigned nlevels,
    uint8_t *lv);
/* The sparkline as a string: UTF-8 blocks, or " .:-=+*#" when ascii. */
size_t ui_spark_str(const uint32_t *v, size_t n, size_t width, int ascii, char *out,
    size_t outlen);

/* ------------------------------------------------------------ layout */

struct ui_rect {
	int y, x, h, w; /* h == 0: not shown */
};

enum ui_panel { UI_P_ALERTS, UI_P_TALKERS, UI_P_COUNTERS, UI_P__COUNT };

struct ui_layout {
	int too_small;            /* below UI_MIN_COLS x UI_MIN_ROWS */
	struct ui_rect header;    /* state and counters */
	struct ui_rect spark;     /* rate sparklines */
	struct ui_rect alerts;    /* title row + list */
	struct ui_rect talkers;   /* title row + three columns */
	struct ui_rect counters;  /* title row + by severity and rule */
	struct ui_rect footer;    /* key hints, prompt, messages */
};

#define UI_MIN_COLS 40
#define UI_MIN_ROWS 12
/*
 * Places the panels on a rows x cols screen.  Wide screens (>= 140
 * columns) put talkers and counters right of the alerts; otherwise they
 * go below, side by side from 100 columns, else only the focused one of
 * the two (Tab cycles).  Every rect lies inside the screen; none overlap.
 */
void ui_layout(int rows, int cols, int focus, struct ui_layout *l);

/* Alert list columns for a list width w (0: not shown). */
struct ui_cols {
	int time, sev, rule, src, from, ruri, count;
};
void ui_alert_cols(int w, struct ui_cols *c);
/* One list row, exactly w columns when ascii (UTF-8 marks may use more
 * bytes, never more columns).  out needs w * 3 + 1 bytes. */
void ui_alert_row(const struct ui_alert *a, int w, int ascii, char *out, size_t outlen);
const char *ui_sev_name(int sev);  /* "info" .. "critical" */
const char *ui_sev_short(int sev); /* "INFO" "LOW" "MED" "HIGH" "CRIT" */

/* ------------------------------------------------------------ alert list */

#define UI_LIST_MAX 2000 /* alerts kept; the oldest go first */

struct ui_list {
	struct ui_alert **ring;
	size_t cap, head, n;  /* ring[(head + i) % cap], i = 0 oldest */
	uint64_t dropped;     /* evicted from history */
	int min_sev;          /* 0 shows all */
	int has_re;
	regex_t re;
	char re_src[128];
	int paused;
	uint64_t pause_seq;   /* when paused: newest seq shown */
	/* What is shown, newest first; rebuilt by ui_list_refresh(). */
	struct ui_alert **vis;
	size_t nvis;
	size_t sel, top;      /* selected row and first row shown */
	uint64_t sel_seq;     /* 0: follow the newest alert */
	int dirty;
};

int ui_list_init(struct ui_list *l, size_t cap);
void ui_list_free(struct ui_list *l);
/* Takes ownership of a (newest); evicts the oldest when full. */
void ui_list_push(struct ui_list *l, struct ui_alert *a);
void ui_list_clear(struct ui_list *l);
void ui_list_set_min_sev(struct ui_list *l, int sev);
/* POSIX extended regex, case-insensitive, over "rule severity source
 * From R-URI message"; "" removes the filter.  0, or -1 with err set
 * (the old filter stays). */
int ui_list_set_regex(struct ui_list *l, const char *re, char *err, size_t errlen);
int ui_list_matches(const struct ui_list *l, const struct ui_alert *a);
void ui_list_pause(struct ui_list *l, int on);
/* Rebuilds vis (when dirty) and keeps the selection on the same alert,
 * then scrolls so it is inside rows shown. */
void ui_list_refresh(struct ui_list *l, int rows);
/* Moves the selection by delta rows (clamped); UI_LIST_HOME/END. */
#define UI_LIST_HOME (-1000000000)
#define UI_LIST_END 1000000000
void ui_list_move(struct ui_list *l, int delta, int rows);
const struct ui_alert *ui_list_selected(const struct ui_list *l);

/* Display lines of text wrapped at w columns (every "\n" ends one). */
size_t ui_wrap_count(const char *text, int w);

/* ------------------------------------------------------------ keys */

enum {
	UI_K_UP = 0x1000, UI_K_DOWN, UI_K_PGUP, UI_K_PGDN, UI_K_HOME, UI_K_END,
	UI_K_ENTER, UI_K_ESC, UI_K_TAB, UI_K_BTAB, UI_K_F1, UI_K_BS, UI_K_RESIZE,
};

enum ui_mode { UI_M_MAIN, UI_M_DETAIL, UI_M_HELP, UI_M_FILTER, UI_M_QUIT };

struct ui_view {
	struct ui_list list;
	int mode, focus;
	int talk_off, count_off;  /* scroll of the other panels */
	char *detail;             /* copy of the opened alert's detail */
	size_t detail_lines;      /* display lines at detail_w columns */
	int detail_off, detail_w;
	char input[128];          /* the / prompt */
	size_t input_len;
	char status[160];         /* footer message (errors, "cleared") */
	int quit;                 /* confirmed: leave */
};

/* The help screen: exactly the keys ui_view_key handles. */
struct ui_help {
	const char *keys, *what;
};
extern const struct ui_help ui_help[];
extern const size_t ui_nhelp;

int ui_view_init(struct ui_view *v);
void ui_view_free(struct ui_view *v);
/* Handles one key; page is the rows of the focused panel or detail
 * view.  Returns 1 when the key did something, 0 when ignored. */
int ui_view_key(struct ui_view *v, int key, int page);

#endif
