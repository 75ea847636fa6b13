/*
 * pktbuild.h - test helper: raw IP packets (DLT_RAW) carrying a TCP
 * segment, for tests and fuzz targets that drive the pipeline with frames
 * they build themselves.  Addresses are the documentation ranges
 * 192.0.2.1/.2 and 2001:db8::1/::2; "reverse" sends from .2 to .1.
 */
#ifndef SIPWATCH_PKTBUILD_H
#define SIPWATCH_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

#define PKT_TCP_MAX (40 + 20 + 65535)

/* The Internet checksum (RFC 1071) of b[0..n). */
uint16_t pkt_csum(const uint8_t *b, size_t n);

/*
 * Writes an IPv4 (v6 == 0, header checksum set) or IPv6 packet holding a
 * 20-byte TCP header with these fields and n bytes of data into out (cap
 * bytes).  With reverse, addresses and ports swap sides (the reply
 * direction).  Returns the packet length, or 0 when it does not fit.
 */
size_t pkt_tcp(uint8_t *out, size_t cap, int v6, int reverse, uint16_t sport,
    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
    const void *data, size_t n);

#endif
