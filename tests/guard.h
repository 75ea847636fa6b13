/*
 * guard.h - test helper: copies bytes so that they end right before a
 * PROT_NONE page, so a parser that reads one byte too far crashes the test
 * (as picohttpparser's test.c does).
 */
#ifndef SIPWATCH_GUARD_H
#define SIPWATCH_GUARD_H

#include <stddef.h>

/* Returns a pointer to a copy of buf[0..len) whose last byte is followed by
 * an inaccessible page.  Valid until the next call of guard_put(). */
const char *guard_put(const void *buf, size_t len);

#endif
