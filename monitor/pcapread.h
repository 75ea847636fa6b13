/*
 * pcapread.h - a reader for the common case of classic pcap files, for
 * speed.  libpcap reads a savefile through stdio: two fread() calls per
 * packet into its own buffer and a 4 KiB read() every few packets.  This
 * reader takes 256 KiB per read() and hands out packets in place.
 *
 * It only ever handles what it is sure to read exactly as libpcap does:
 * version 2.4 files with the standard magic in the reader's byte order
 * (microsecond or nanosecond) and a snapshot length of at most
 * PCAPREAD_MAX_SNAP, and records whose captured length is within it.  At the first record
 * it does not take (or a record cut short by the end of the file) it stops
 * and says at which file offset, so that libpcap, positioned there, reads
 * the rest with its own checks and messages.  The caller opens the file
 * with libpcap first (link type, snapshot length, header errors, pcapng)
 * and uses this reader only when pcapread_open() accepts the header.
 */
#ifndef SIPWATCH_PCAPREAD_H
#define SIPWATCH_PCAPREAD_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

#define PCAPREAD_CHUNK (256u * 1024) /* bytes asked of each read() */
/* Largest snapshot length taken (libpcap's usual maximum): the buffer is
 * a chunk plus one record of it. */
#define PCAPREAD_MAX_SNAP 262144u

struct pcapread {
	int fd;
	unsigned char *buf;
	size_t cap;      /* PCAPREAD_CHUNK + the largest record */
	size_t have;     /* bytes in buf */
	size_t off;      /* next record in buf */
	uint64_t base;   /* file offset of buf[0] */
	uint32_t snap;   /* the snapshot length libpcap uses */
	int nsec;        /* nanosecond time stamps, given as microseconds */
	int eof;
	struct pcap_pkthdr h;
};

/*
 * Reads the file header from fd (at offset 0) and takes the file when it
 * is one this reader handles: 1, with r ready to read the first record;
 * 0 when the file is not (r is then unused; nothing to close); -1 with
 * errno on a read or allocation failure.  snap: pcap_snapshot() of
 * libpcap's handle on the same file.  r owns fd from a 1 return on.
 */
int pcapread_open(struct pcapread *r, int fd, uint32_t snap);

enum pcapread_status {
	PCAPREAD_PACKET = 1,   /* *h and *data are set until the next call */
	PCAPREAD_END = 0,      /* clean end of file */
	PCAPREAD_ERROR = -1,   /* read() failed; errno says why */
	PCAPREAD_HANDOVER = -2 /* let libpcap read on from pcapread_offset() */
};

enum pcapread_status pcapread_next(struct pcapread *r, struct pcap_pkthdr **h,
    const u_char **data);
/* File offset of the next record not yet handed out. */
uint64_t pcapread_offset(const struct pcapread *r);
/* Closes the descriptor and frees the buffer and r (from a 1 return of
 * pcapread_open on a calloc'd r). */
void pcapread_close(struct pcapread *r);

#endif
