/*
 * alerts.h - alert outputs ("-o" sinks): JSON lines and readable text.
 * Each sink is a small function table; main.c keeps a list of them.
 */
#ifndef SIPWATCH_ALERTS_H
#define SIPWATCH_ALERTS_H

#include <stdio.h>

#include "rules/rules.h"

struct sink;

struct sink_ops {
	const char *kind;
	/* Writes one alert.  Returns 0 or -1 (errno set). */
	int (*write)(struct sink *s, const struct rule_alert *a);
	/* Flushes and releases.  Returns 0 or -1. */
	int (*close)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	FILE *f;
	char *path;
	int err; /* a write failed: reported once */
	void *priv;
};

/*
 * Opens a sink from an -o argument: "json:PATH", "json" (stdout), "text",
 * "text:PATH" ("-" is stdout).  NULL with a message in err.
 */
struct sink *sink_open(const char *spec, char *err, size_t errlen);
int sink_write(struct sink *s, const struct rule_alert *a);
int sink_close(struct sink *s);

/* Appends the alert's JSON object (no newline) to j; shared by sinks. */
struct json;
void alert_json(struct json *j, const struct rule_alert *a);

#endif
