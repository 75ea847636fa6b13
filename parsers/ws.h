/*
 * ws.h - WebSocket framing (RFC 6455 section 5.2), for SIP over WebSocket
 * (RFC 7118).  libc only, zero copy: the payload is not unmasked here.
 */
#ifndef SIPWATCH_WS_H
#define SIPWATCH_WS_H

#include <stddef.h>
#include <stdint.h>

struct ws_frame {
	int fin;
	uint8_t opcode;      /* 0 continuation, 1 text, 2 binary, 8 close, 9/10 ping/pong */
	int masked;
	uint8_t mask[4];
	uint64_t payload_len;
	size_t header_len;   /* bytes before the payload */
};

/*
 * Parses the frame header at buf.  Returns the header length (> 0) with *f
 * filled, -2 when more bytes are needed for the header, -1 when it is not
 * a valid frame header (reserved bits set, unknown opcode, 64-bit length
 * with the top bit set, control frame over 125 bytes or fragmented).
 */
int ws_frame_parse(const uint8_t *buf, size_t len, struct ws_frame *f);

/* Copies n payload bytes from src to dst, unmasking with f's key, given
 * the payload offset off of src[0] (for frames handled in pieces). */
void ws_unmask(const struct ws_frame *f, uint64_t off, const uint8_t *src,
    uint8_t *dst, size_t n);

/*
 * 1 if [buf, buf + len) holds a complete HTTP/1.1 header block (request or
 * response) that upgrades to WebSocket ("Upgrade: websocket", RFC 6455
 * section 4); 0 if complete and not such an upgrade; -2 if the blank line
 * has not arrived yet.  *hdr_len gets the block's length with the blank
 * line when complete.
 */
int ws_http_upgrade(const char *buf, size_t len, size_t *hdr_len);

#endif
