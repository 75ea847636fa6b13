/*
 * fuzz_sip.c - the SIP message parser (parsers/sip.c) in datagram and
 * stream mode, and the value parsers sip_summarize() runs on its result.
 *
 * Beyond "no crash", it checks the parser's contract (sip.h): the return
 * is > 0, -1 or -2; never more than the input; every span of the message
 * lies inside the input; stream mode consumes a sequence of messages from
 * a buffer as the TCP framer does, each call making progress.
 */
#include <assert.h>
#include <string.h>

#include "parsers/sip.h"
#include "parsers/sip_summary.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_bounds input;

static void
in_input(struct span s)
{
	fuzz_span_in(&input, s);
}

static void
check_msg(const struct sip_msg *m)
{
	in_input(m->method_tok);
	in_input(m->ruri);
	in_input(m->version);
	in_input(m->reason);
	in_input(m->start_line);
	in_input(m->body);
	in_input(m->raw);
	for (size_t i = 0; i < m->num_headers; i++) {
		in_input(m->headers[i].name);
		in_input(m->headers[i].value);
		assert(m->headers[i].id < SIP_H__COUNT);
	}
	for (int id = 0; id < SIP_H__COUNT; id++)
		assert(m->first[id] < (int)m->num_headers);
}

static void
summarize(const struct sip_msg *m)
{
	struct sip_summary s;
	sip_summarize(m, &s);
	in_input(s.call_id);
	in_input(s.from.uri.host);
	in_input(s.to.tag);
	in_input(s.via.branch);
	in_input(s.auth.response);
	in_input(s.challenge.nonce);
	assert(s.sdp.num_media <= SDP_MAX_MEDIA);
	for (unsigned i = 0; i < s.sdp.num_media; i++)
		in_input(s.sdp.media[i].proto);
	/* what the rules and --dump do with every Contact and Via element */
	uint32_t pos = 0;
	struct span e;
	int n = 0;
	while (n++ < 64 && sip_list_next(sip_hdr_get(m, SIP_H_VIA), &pos, &e)) {
		in_input(e);
		struct sip_via v;
		sip_via_parse(e, &v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_header hdrs[SIP_MAX_HEADERS];
	struct sip_msg m;
	const char *buf = (const char *)data;

	input.lo = buf;
	input.hi = buf + size;
	sip_sniff(buf, size);

	/* datagram mode: one message, body is the rest */
	int r = sip_parse(buf, size, &m, hdrs, SIP_MAX_HEADERS, NULL, 0);
	assert(r == -1 || r == -2 || (r > 0 && (size_t)r <= size));
	if (r > 0) {
		check_msg(&m);
		summarize(&m);
	}

	/* a small header array: the too_many_headers path */
	r = sip_parse(buf, size, &m, hdrs, 4, NULL, 0);
	assert(r == -1 || r == -2 || (r > 0 && (size_t)r <= size));
	if (r > 0)
		assert(m.num_headers <= 4);

	/* stream mode: consume message after message, as sipstream.c does */
	size_t off = 0;
	while (off < size) {
		r = sip_parse(buf + off, size - off, &m, hdrs, SIP_MAX_HEADERS, NULL,
		    SIP_PARSE_STREAM);
		assert(r == -1 || r == -2 || (r > 0 && (size_t)r <= size - off));
		if (r <= 0)
			break;
		check_msg(&m);
		summarize(&m);
		off += (size_t)r;
	}
	return 0;
}
