/*
 * mix64.h - the 64-bit finaliser of MurmurHash3, a bijective bit mixer:
 * the one hash step shared by the flow tables, the rule tables and the
 * rule engine's string hashing.  Inline: every key lookup runs it.
 */
#ifndef SIPWATCH_MIX64_H
#define SIPWATCH_MIX64_H

#include <stdint.h>

static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#endif
