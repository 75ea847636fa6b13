/*
 * uitext.h - the small text helpers the dashboard bridge (dashboard.c)
 * uses to turn captured bytes into the plain strings the UI draws.
 * Both run on the capture thread for every alert the dashboard keeps.
 */
#ifndef SIPWATCH_UITEXT_H
#define SIPWATCH_UITEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copies the n bytes at p into dst as printable ASCII: every byte outside
 * 0x20..0x7e (controls, DEL, NUL, bytes >= 0x80) becomes '?'.  At most
 * cap - 1 bytes are copied (the rest is cut) and dst is always
 * NUL-terminated when cap > 0; cap 0 writes nothing.  p NULL copies
 * nothing (dst becomes "").  Reads only [p, p + min(n, cap - 1)); dst and
 * p must not overlap.
 */
void uitext_copy(char *dst, size_t cap, const char *p, size_t n);

/*
 * An address (ipver 4: 4 bytes at a, 6: 16 bytes) as inet_ntop() writes
 * it, NUL-terminated in dst.  When it does not fit in cap (or cap is 0 for
 * inet_ntop), dst becomes "?" as far as cap allows.
 */
void uitext_addr(char *dst, size_t cap, int ipver, const uint8_t *a);

#endif
