/*
 * decap.h - from a captured frame to the IP packet that carries SIP.
 * libc only, stateless, zero copy.
 *
 * decap_link() strips the link layer (by pcap DLT number) and any VLAN,
 * QinQ, PPPoE or MPLS shims down to the first IP header.  decap_tunnel()
 * looks at an IP packet and, when it is a mirror-port or mobile tunnel
 * (GRE, ERSPAN II/III, VXLAN, IP-in-IP, IPv6-in-IP, GTP-U), returns the
 * inner IP packet.  decap_ip() parses one IPv4 or IPv6 header (walking IPv6
 * extension headers) into a struct decap_ip.  The monitor loops:
 * link -> ip -> tunnel? -> ip ... with a depth cap (DECAP_MAX_DEPTH).
 */
#ifndef SIPWATCH_DECAP_H
#define SIPWATCH_DECAP_H

#include <stddef.h>
#include <stdint.h>

#define DECAP_MAX_DEPTH 4 /* nested tunnels followed before giving up */

/* Encapsulations seen on the way to the IP packet, as bits. */
#define DECAP_ENCAP_MAP(X)                                                     \
	X(VLAN, "vlan")         /* 802.1Q tag */                               \
	X(QINQ, "qinq")         /* two or more tags (802.1ad / 9100) */        \
	X(PPPOE, "pppoe")                                                      \
	X(MPLS, "mpls")                                                        \
	X(GRE, "gre")                                                          \
	X(ERSPAN1, "erspan1")   /* GRE 0x88BE without sequence number */       \
	X(ERSPAN2, "erspan2")                                                  \
	X(ERSPAN3, "erspan3")                                                  \
	X(VXLAN, "vxlan")                                                      \
	X(IPIP, "ipip")         /* IPv4 or IPv6 directly in IPv4/IPv6 */       \
	X(GTPU, "gtpu")

enum decap_encap {
#define DECAP_E_ENUM(id, name) DECAP_E_##id,
	DECAP_ENCAP_MAP(DECAP_E_ENUM)
#undef DECAP_E_ENUM
	DECAP_E__COUNT
};
const char *decap_encap_name(unsigned e);

/* Result codes of decap_link() and decap_tunnel(). */
#define DECAP_OK 0           /* *ip and *ip_len set */
#define DECAP_NOT_IP (-1)    /* well formed but carries no IP (ARP, LLDP..) */
#define DECAP_TRUNCATED (-2) /* a header is cut short by caplen */
#define DECAP_BAD_LINK (-3)  /* link type not supported */
#define DECAP_NOT_TUNNEL 1   /* decap_tunnel(): an ordinary IP packet */

/* 1 if the DLT is one decap_link() understands. */
int decap_link_supported(int dlt);

/*
 * Strips the link layer of a frame of link type dlt (DLT_EN10MB, DLT_NULL,
 * DLT_LOOP, DLT_RAW (12 or 14), LINKTYPE_RAW 101, DLT_IPV4 228, DLT_IPV6 229,
 * DLT_LINUX_SLL 113, DLT_LINUX_SLL2 276) and the shims that may follow
 * (802.1Q/802.1ad/0x9100 tags, PPPoE session, MPLS label stack).
 * On DECAP_OK *ip points at the IP header and *ip_len is what remains of
 * the frame; *encap gets the DECAP_E_ bits seen (ORed in).
 */
int decap_link(int dlt, const uint8_t *frame, size_t caplen,
    const uint8_t **ip, size_t *ip_len, uint32_t *encap);

/* One parsed IP header. */
struct decap_ip {
	uint8_t version;      /* 4 or 6 */
	uint8_t proto;        /* upper-layer protocol: after IPv6 extension
	                         headers; for an IPv6 fragment the next header
	                         of the fragment header */
	uint8_t src[16];      /* IPv4 in the first 4 bytes */
	uint8_t dst[16];
	const uint8_t *l4;    /* payload after all IP headers */
	size_t l4_len;        /* clipped to the IP length and to caplen */
	uint32_t ip_len;      /* total length the header claims */
	int truncated;        /* caplen shorter than the IP length */
	/* fragments */
	int is_fragment;      /* IPv4 MF or offset != 0, IPv6 fragment header
	                         (not an atomic one, RFC 6946: stepped over) */
	uint32_t frag_offset; /* in bytes */
	int more_frags;
	uint32_t frag_id;     /* IPv4 id, or IPv6 identification */
	int has_options;      /* IPv4 options present */
};

/*
 * Parses the IPv4 or IPv6 header at ip.  IPv4: header length, total
 * length and fragment fields checked (not the checksum: mirror ports see
 * offloaded checksums).  IPv6: hop-by-hop, routing, destination options,
 * fragment and AH extension headers are walked (bounded count); l4 points
 * after them.  ESP and "no next header" stop the walk (proto set to it).
 * Returns 0, DECAP_TRUNCATED, or -4 when the header is invalid (bad
 * version, IHL < 5, total length < header length ...).
 */
#define DECAP_BAD_IP (-4)
int decap_ip(const uint8_t *ip, size_t len, struct decap_ip *out);

/*
 * Walks IPv6 extension headers starting at buf with next-header nh (used
 * after IPv6 reassembly, whose payload may start with more extension
 * headers).  On return *proto is the upper-layer protocol and *off the
 * offset of its header.  Returns 0 or DECAP_TRUNCATED.
 */
int decap_ip6_skip_ext(uint8_t nh, const uint8_t *buf, size_t len,
    uint8_t *proto, size_t *off);

/*
 * If the (unfragmented) IP packet described by *ipi is a tunnel, finds the
 * inner IP packet: IP proto 4/41 (IP-in-IP), 47 GRE (protocol 0x0800,
 * 0x86DD, 0x6558 transparent Ethernet bridging, 0x88BE ERSPAN type I/II,
 * 0x22EB ERSPAN type III with optional platform sub-header; GRE checksum,
 * key and sequence fields honoured), UDP 4789 VXLAN (inner Ethernet), UDP
 * 2152 GTP-U (G-PDU with optional extension headers).  An inner Ethernet
 * frame goes through the same shims as decap_link().  Returns DECAP_OK with
 * *inner, *inner_len set and *encap ORed, DECAP_NOT_TUNNEL, DECAP_NOT_IP
 * (tunnel carrying no IP), or DECAP_TRUNCATED.
 */
int decap_tunnel(const struct decap_ip *ipi, const uint8_t **inner,
    size_t *inner_len, uint32_t *encap);

/* An IPv4 address in dotted decimal, as inet_ntop() writes it, without
 * its sprintf (alerts and the dashboard format one per row).  Returns the
 * length (7..15); out is NUL-terminated. */
size_t ip4_text(char out[16], const uint8_t a[4]);

#endif
