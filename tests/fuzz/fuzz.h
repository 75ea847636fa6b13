/*
 * fuzz.h - the libFuzzer entry point every target in tests/fuzz/ defines.
 *
 * A target is built two ways (see the Makefile):
 *  - with clang -fsanitize=fuzzer (make fuzz): libFuzzer supplies main();
 *  - with the normal or SANITIZE=1 build, linked with replay.c, whose
 *    main() feeds every file of the given corpus directories to the target
 *    once (as libpcap's testprogs/fuzz/onefile.c), so make test replays the
 *    committed corpora without a fuzzer.
 */
#ifndef SIPWATCH_FUZZ_H
#define SIPWATCH_FUZZ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "parsers/span.h"

/* Runs one input.  Always returns 0 (libFuzzer's contract); a bug shows
 * as a crash, a sanitizer report or a failed assertion. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input a target is checking spans against. */
struct fuzz_bounds {
	const char *lo, *hi;
};

/* Asserts the span contract: a NULL span is empty, any other lies inside
 * [b->lo, b->hi). */
static inline void
fuzz_span_in(const struct fuzz_bounds *b, struct span s)
{
	if (s.p == NULL) {
		assert(s.len == 0);
		return;
	}
	assert(s.p >= b->lo && s.p <= b->hi && s.len <= (size_t)(b->hi - s.p));
}

#endif
