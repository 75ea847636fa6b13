/*
 * tls.h - recognises TLS from the first bytes of a TCP stream direction
 * (record layer, RFC 8446 section 5.1) and reads the ClientHello's version
 * and server name (RFC 6066 section 3) when visible.  libc only.
 */
#ifndef SIPWATCH_TLS_H
#define SIPWATCH_TLS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_MAX_SNI 255

struct tls_hello {
	int is_client_hello;
	int is_server_hello;
	uint16_t record_version;  /* 0x0301 ...; 0x0002 for an SSL 2.0 hello */
	uint16_t hello_version;   /* legacy_version in the hello */
	uint16_t version;         /* highest of supported_versions, else hello */
	char sni[TLS_MAX_SNI + 1]; /* NUL-terminated, printable ASCII only */
};

/*
 * Looks at the first bytes of a direction of a TCP stream.
 * Returns 1 when they are a TLS handshake record (content type 22, version
 * 3.x, plausible length), 0 when they are certainly not TLS, -2 when fewer
 * than 5 bytes are available and those do not already rule TLS out.
 * Change-cipher-spec, alert and application-data records (20, 21, 23) and
 * an SSL 2.0 compatible CLIENT-HELLO also return 1.  With a complete
 * enough ClientHello or ServerHello in the first record, *h is filled (h may
 * be NULL); a hello cut short still returns 1 with what was read.
 */
int tls_sniff(const uint8_t *buf, size_t len, struct tls_hello *h);

/* "TLS1.2" style name of a version number ("SSL2.0", "SSL3.0",
 * "TLS1.0".."TLS1.3"), or "unknown". */
const char *tls_version_name(uint16_t v);

#endif
