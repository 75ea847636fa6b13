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

#include <stddef.h>
#include <stdint.h>

/* Runs one input.  Always returns 0 (libFuzzer's contract); a bug shows
 * as a crash, a sanitizer report or a failed assertion. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
