/*
 * fuzz_sdp.c - SDP (parsers/sdp.c): sdp_find() with the input's first
 * line as the Content-Type value and the rest as the body (multipart
 * boundaries included), sdp_parse() on what it finds and on the whole
 * input.  Every span returned must lie inside the input.
 */
#include <assert.h>
#include <string.h>

#include "parsers/sdp.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_bounds input;

static void
in_input(struct span s)
{
	fuzz_span_in(&input, s);
}

static void
parse(struct span s)
{
	struct sdp_info info;
	if (sdp_parse(s, &info) != 0)
		return;
	in_input(info.origin);
	in_input(info.conn);
	assert(info.num_media <= SDP_MAX_MEDIA && info.num_media <= info.media_total);
	for (unsigned i = 0; i < info.num_media; i++) {
		in_input(info.media[i].media);
		in_input(info.media[i].proto);
		in_input(info.media[i].conn);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT32_MAX)
		return 0;
	const char *p = (const char *)data;
	input.lo = p;
	input.hi = p + size;

	parse((struct span){ p, (uint32_t)size });

	const char *nl = memchr(p, '\n', size);
	if (nl == NULL)
		return 0;
	struct span ct = span_make(p, nl);
	struct span body = span_make(nl + 1, p + size);
	struct span sdp;
	if (sdp_find(ct, body, &sdp) == 0) {
		in_input(sdp);
		parse(sdp);
	}
	return 0;
}
