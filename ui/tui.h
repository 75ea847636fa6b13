/*
 * tui.h - the ncurses dashboard.  The only file that includes curses.
 * It draws struct ui_snap snapshots and the alert list; it reaches the
 * capture side only through struct ui_feed, whose take() must hold any
 * lock only to swap pointers.
 */
#ifndef SIPWATCH_UI_TUI_H
#define SIPWATCH_UI_TUI_H

#include <stddef.h>

#include "ui/snap.h"
#include "ui/view.h"

struct ui_feed {
	/* Exchanges *snap for the newest published snapshot when there is a
	 * newer one (returns 1, else 0) and pushes alerts published since
	 * the last call into list. */
	int (*take)(void *ud, struct ui_snap **snap, struct ui_list *list);
	/* The user confirmed q, or the terminal went away: stop capturing. */
	void (*quit)(void *ud);
	/* 1 when the program is ending (signal, end of dash_finish). */
	int (*done)(void *ud);
	void *ud;
};

struct ui_opts {
	int ascii;      /* force ASCII drawing */
	int live;       /* uptime is wall time since start */
};

struct ui_tui;

/* Takes over the terminal on stdin/stdout (main thread).  NULL with a
 * message in err when they are not a usable terminal. */
struct ui_tui *ui_tui_open(const struct ui_opts *o, char *err, size_t errlen);
/* Draws and reads keys until the user quits, the terminal goes away or
 * feed->done(); then restores the terminal.  Returns 1 when the user
 * quit or the terminal went away, 0 when done() ended it. */
int ui_tui_run(struct ui_tui *t, const struct ui_feed *feed);
/* Restores the terminal if ui_tui_run did not, and frees. */
void ui_tui_free(struct ui_tui *t);

#endif
