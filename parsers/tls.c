/* tls.c - see tls.h. */
#include "tls.h"

#include <string.h>

/* Record content types, RFC 8446 section 5.1 (RFC 5246 section 6.2.1). */
#define CT_CHANGE_CIPHER_SPEC 20
#define CT_ALERT 21
#define CT_HANDSHAKE 22
#define CT_APPLICATION_DATA 23

/* RFC 5246 section 6.2.3: a TLSCiphertext fragment is at most 2^14 + 2048
 * bytes (TLS 1.3 lowers it to 2^14 + 256, RFC 8446 section 5.2). */
#define TLS_MAX_RECORD (16384 + 2048)

#define HS_CLIENT_HELLO 1
#define HS_SERVER_HELLO 2

#define EXT_SERVER_NAME 0         /* RFC 6066 section 3 */
#define EXT_SUPPORTED_VERSIONS 43 /* RFC 8446 section 4.2.1 */
#define SNI_HOST_NAME 0

#define SSL2_VERSION 0x0002
#define SSL2_MT_CLIENT_HELLO 1

static inline int
need(const uint8_t *p, const uint8_t *end, size_t n)
{
	return (size_t)(end - p) >= n;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* RFC 8701 section 2: 0x0A0A, 0x1A1A ... 0xFAFA. */
static inline int
is_grease(uint16_t v)
{
	return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
}

/* A version a record or hello may name: SSL 3.0 to TLS 1.3. */
static inline int
is_tls_version(uint16_t v)
{
	return v >= 0x0300 && v <= 0x0304;
}

/*
 * server_name extension, RFC 6066 section 3.  Only the first host_name is
 * taken (the RFC forbids two of one type).  A DNS host name is letters,
 * digits, '-' and '.', so anything outside visible ASCII (no space either)
 * drops the name rather than let it reach logs and alerts.
 */
static void
ext_server_name(const uint8_t *p, const uint8_t *end, struct tls_hello *h)
{
	if (!need(p, end, 2))
		return;
	size_t list = rd16(p);
	p += 2;
	if (list < (size_t)(end - p))
		end = p + list;
	while (need(p, end, 3)) {
		unsigned type = p[0];
		size_t n = rd16(p + 1);
		p += 3;
		if (!need(p, end, n))
			return;
		if (type == SNI_HOST_NAME) {
			if (n == 0 || n > TLS_MAX_SNI)
				return;
			for (size_t i = 0; i < n; i++)
				if (p[i] < 0x21 || p[i] > 0x7E)
					return;
			memcpy(h->sni, p, n);
			h->sni[n] = '\0';
			return;
		}
		p += n;
	}
}

/*
 * supported_versions, RFC 8446 section 4.2.1: a list in a ClientHello
 * (the highest real version wins; GREASE values are noise), the one
 * selected version in a ServerHello.
 */
static void
ext_supported_versions(const uint8_t *p, const uint8_t *end, int client,
    struct tls_hello *h)
{
	uint16_t best = 0;
	if (client) {
		if (!need(p, end, 1))
			return;
		size_t n = p[0];
		p += 1;
		if (n < (size_t)(end - p))
			end = p + n;
		for (; need(p, end, 2); p += 2) {
			uint16_t v = rd16(p);
			if (!is_grease(v) && is_tls_version(v) && v > best)
				best = v;
		}
	} else {
		if (!need(p, end, 2))
			return;
		uint16_t v = rd16(p);
		if (is_tls_version(v))
			best = v;
	}
	if (best != 0)
		h->version = best;
}

/*
 * ClientHello / ServerHello body, RFC 8446 section 4.1.2 / 4.1.3 (same
 * layout as RFC 5246 section 7.4.1.2 / 7.4.1.3).  end is the nearest of
 * the buffer's, the record's and the handshake message's ends; parsing
 * stops quietly where a field does not fit, keeping what was read.
 */
static void
hello(const uint8_t *p, const uint8_t *end, struct tls_hello *h)
{
	if (!need(p, end, 4))
		return;
	unsigned type = p[0];
	size_t hlen = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	p += 4;
	if (type != HS_CLIENT_HELLO && type != HS_SERVER_HELLO)
		return;
	if (hlen < (size_t)(end - p))
		end = p + hlen;
	int client = type == HS_CLIENT_HELLO;
	h->is_client_hello = client;
	h->is_server_hello = !client;

	if (!need(p, end, 2))
		return;
	h->hello_version = h->version = rd16(p);
	p += 2;
	if (!need(p, end, 32 + 1)) /* random, session id length */
		return;
	p += 32;
	size_t sid = p[0];
	if (sid > 32 || !need(p, end, 1 + sid))
		return;
	p += 1 + sid;
	if (client) {
		if (!need(p, end, 2))
			return;
		size_t cs = rd16(p);
		if (cs == 0 || (cs & 1) || !need(p, end, 2 + cs + 1))
			return;
		p += 2 + cs;
		size_t cm = p[0];
		if (cm == 0 || !need(p, end, 1 + cm))
			return;
		p += 1 + cm;
	} else {
		if (!need(p, end, 3)) /* cipher suite, compression method */
			return;
		p += 3;
	}
	/* Extensions are absent from SSL 3.0 era hellos. */
	if (!need(p, end, 2))
		return;
	size_t elen = rd16(p);
	p += 2;
	if (elen < (size_t)(end - p))
		end = p + elen;
	while (need(p, end, 4)) {
		unsigned et = rd16(p);
		size_t n = rd16(p + 2);
		p += 4;
		if (!need(p, end, n))
			return;
		if (et == EXT_SERVER_NAME && client)
			ext_server_name(p, p + n, h);
		else if (et == EXT_SUPPORTED_VERSIONS)
			ext_supported_versions(p, p + n, client, h);
		p += n;
	}
}

/*
 * SSL 2.0 compatible CLIENT-HELLO (RFC 5246 appendix E.2, RFC 6101
 * appendix E): 2-byte length with the high bit set, message type 1,
 * version, then three 2-byte lengths whose sum the record length must
 * match.  Only what is visible is checked.
 */
static int
sslv2(const uint8_t *buf, size_t len, struct tls_hello *h)
{
	const uint8_t *end = buf + len;
	if (len >= 3 && buf[2] != SSL2_MT_CLIENT_HELLO)
		return 0;
	if (len >= 4 && buf[3] != 0x00 && buf[3] != 0x03)
		return 0;
	if (len < 5)
		return -2;
	size_t mlen = (size_t)(buf[0] & 0x7F) << 8 | buf[1];
	uint16_t v = rd16(buf + 3);
	if (v != SSL2_VERSION && !(v >= 0x0300 && v <= 0x0303))
		return 0;
	if (mlen < 9)
		return 0;
	if (need(buf, end, 11)) {
		size_t cs = rd16(buf + 5), sid = rd16(buf + 7);
		size_t ch = rd16(buf + 9);
		if (cs == 0 || cs % 3 != 0 || sid > 32 || ch < 16 ||
		    ch > 32 || mlen != 9 + cs + sid + ch)
			return 0;
	}
	if (h != NULL) {
		h->is_client_hello = 1;
		h->record_version = SSL2_VERSION;
		h->hello_version = h->version = v;
	}
	return 1;
}

int
tls_sniff(const uint8_t *buf, size_t len, struct tls_hello *h)
{
	if (h != NULL)
		memset(h, 0, sizeof(*h));
	if (len == 0)
		return -2;
	if (buf[0] & 0x80)
		return sslv2(buf, len, h);
	switch (buf[0]) {
	case CT_CHANGE_CIPHER_SPEC:
	case CT_ALERT:
	case CT_HANDSHAKE:
	case CT_APPLICATION_DATA:
		break;
	default:
		return 0;
	}
	if ((len >= 2 && buf[1] != 0x03) || (len >= 3 && buf[2] > 0x04))
		return 0;
	if (len < 5)
		return -2;
	size_t rlen = rd16(buf + 3);
	/* RFC 8446 section 5.1: only application data may have a
	 * zero-length fragment. */
	if (rlen > TLS_MAX_RECORD ||
	    (rlen == 0 && buf[0] != CT_APPLICATION_DATA))
		return 0;
	if (h == NULL)
		return 1;
	h->record_version = rd16(buf + 1);
	if (buf[0] == CT_HANDSHAKE) {
		const uint8_t *p = buf + 5, *end = buf + len;
		if (rlen < (size_t)(end - p))
			end = p + rlen;
		hello(p, end, h);
	}
	return 1;
}

const char *
tls_version_name(uint16_t v)
{
	switch (v) {
	case 0x0002:
		return "SSL2.0";
	case 0x0300:
		return "SSL3.0";
	case 0x0301:
		return "TLS1.0";
	case 0x0302:
		return "TLS1.1";
	case 0x0303:
		return "TLS1.2";
	case 0x0304:
		return "TLS1.3";
	default:
		return "unknown";
	}
}
