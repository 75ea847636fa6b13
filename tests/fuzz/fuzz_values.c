/*
 * fuzz_values.c - the header value parsers of parsers/sip_values.h: URI,
 * name-addr, Via, CSeq, digest credentials and challenges, parameter
 * lookup, and sip_list_next() over the input as a header value.  Every
 * parser sees the whole input; every span it returns must lie inside it.
 */
#include <assert.h>

#include "parsers/sip.h"
#include "parsers/sip_values.h"
#include "tests/fuzz/fuzz.h"

static struct fuzz_bounds input;

static void
in_input(struct span s)
{
	fuzz_span_in(&input, s);
}

static void
check_uri(const struct sip_uri *u)
{
	in_input(u->scheme_tok);
	in_input(u->user);
	in_input(u->password);
	in_input(u->host);
	in_input(u->params);
	in_input(u->headers);
}

static void
check_auth(const struct sip_auth *a)
{
	in_input(a->scheme_tok);
	in_input(a->username);
	in_input(a->realm);
	in_input(a->nonce);
	in_input(a->uri);
	in_input(a->response);
	in_input(a->algorithm);
	in_input(a->qop);
	in_input(a->cnonce);
	in_input(a->nc);
	in_input(a->opaque);
	in_input(a->stale);
	in_input(a->basic_token);
}

static void
values(struct span s)
{
	static const char *const pnames[] = { "tag", "branch", "transport", "user",
		"lr", "maddr", "rport", "received", "expires", "" };
	struct sip_uri u;
	struct sip_nameaddr na;
	struct sip_via v;
	struct sip_auth a;
	struct span val, m;
	uint32_t seq;

	sip_uri_parse(s, &u);
	check_uri(&u);
	for (size_t i = 0; i < sizeof(pnames) / sizeof(pnames[0]); i++) {
		if (sip_param_get(s, pnames[i], &val))
			in_input(val);
		if (sip_param_get(u.params, pnames[i], &val))
			in_input(val);
	}
	sip_nameaddr_parse(s, &na);
	in_input(na.display);
	in_input(na.uri_tok);
	in_input(na.params);
	in_input(na.tag);
	check_uri(&na.uri);
	sip_via_parse(s, &v);
	in_input(v.proto);
	in_input(v.transport);
	in_input(v.host);
	in_input(v.params);
	in_input(v.branch);
	in_input(v.received);
	in_input(v.rport);
	if (sip_cseq_parse(s, &seq, &m) == 0)
		in_input(m);
	sip_auth_parse(s, &a);
	check_auth(&a);
	span_trim(s);
	span_u32(s, &seq);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > UINT32_MAX)
		return 0;
	struct span s = { (const char *)data, (uint32_t)size };
	input.lo = s.p;
	input.hi = s.p + size;

	values(s);
	/* as a list header (Contact, Via, Route): each element on its own */
	uint32_t pos = 0;
	struct span e;
	int n = 0;
	while (sip_list_next(s, &pos, &e)) {
		in_input(e);
		assert(pos <= s.len);
		if (n++ < 32)
			values(e);
		if (n > 100000)
			break;
	}
	return 0;
}
