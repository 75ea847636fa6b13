/* decap.c - see decap.h. */
#include "decap.h"

#include <string.h>

/*
 * pcap link types (tcpdump.org/linktypes.html).  parsers/ does not include
 * <pcap.h>, so the numbers are spelled out here.  DLT_RAW is 12 on most
 * systems and 14 on OpenBSD; LINKTYPE_RAW (101) is what a pcap file holds.
 */
#define LT_NULL 0
#define LT_EN10MB 1
#define LT_RAW_12 12
#define LT_RAW_14 14
#define LT_RAW 101
#define LT_LOOP 108
#define LT_LINUX_SLL 113
#define LT_IPV4 228
#define LT_IPV6 229
#define LT_LINUX_SLL2 276

/* BSD address families found in DLT_NULL / DLT_LOOP headers. */
#define AF_INET_ALL 2
#define AF_INET6_LINUX 10
#define AF_INET6_BSD 24    /* NetBSD, OpenBSD, BSD/OS */
#define AF_INET6_FREEBSD 28
#define AF_INET6_DARWIN 30

#define ET_IPV4 0x0800
#define ET_IPV6 0x86DD
#define ET_VLAN 0x8100     /* 802.1Q */
#define ET_QINQ 0x88A8     /* 802.1ad service tag */
#define ET_QINQ_OLD 0x9100 /* pre-802.1ad vendor QinQ */
#define ET_PPPOE_SES 0x8864
#define ET_MPLS_UC 0x8847
#define ET_MPLS_MC 0x8848
#define ET_TEB 0x6558      /* transparent Ethernet bridging (RFC 1701) */
#define ET_ERSPAN 0x88BE   /* ERSPAN type I and II */
#define ET_ERSPAN3 0x22EB
#define ET_MIN 0x0600      /* below: an 802.3 length field */

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define ARPHRD_NETLINK 824
#define SLL_P_802_2 0x0004 /* SLL protocol: 802.2 LLC header follows */

#define UDP_VXLAN 4789     /* RFC 7348 section 5 */
#define UDP_GTPU 2152      /* 3GPP TS 29.281 section 4.4.2.3 */

/*
 * Limits.  Each bounds a loop over attacker-controlled headers; reaching
 * one makes decap_link()/decap_tunnel() return DECAP_NOT_IP (the frame is
 * not followed further) and the IPv6 walk stop at the header it could not
 * pass (proto is then that extension header's number).
 */
#ifndef DECAP_MAX_SHIMS
#define DECAP_MAX_SHIMS 8   /* VLAN tags + LLC/SNAP + PPPoE per frame */
#endif
#ifndef DECAP_MAX_MPLS
#define DECAP_MAX_MPLS 16   /* MPLS labels in one stack */
#endif
#ifndef DECAP_MAX_IP6_EXT
#define DECAP_MAX_IP6_EXT 8 /* IPv6 extension headers walked */
#endif
#ifndef DECAP_MAX_GTP_EXT
#define DECAP_MAX_GTP_EXT 8 /* GTP-U extension headers walked */
#endif

#define BIT(id) (1u << DECAP_E_##id)

static const char *const encap_names[] = {
#define DECAP_E_NAME(id, name) name,
	DECAP_ENCAP_MAP(DECAP_E_NAME)
#undef DECAP_E_NAME
};

const char *
decap_encap_name(unsigned e)
{
	return e < DECAP_E__COUNT ? encap_names[e] : "unknown";
}

/*
 * The guarded cursor: every read of n bytes at p is preceded by
 * need(p, end, n).  p <= end holds everywhere, so end - p never wraps.
 */
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

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * The last step of every path: an IP header begins at p.  want is 4 or 6
 * when the encapsulation named the version, 0 when it is guessed from the
 * first nibble (MPLS, GTP-U).
 */
static int
ip_at(const uint8_t *p, const uint8_t *end, unsigned want,
    const uint8_t **ip, size_t *ip_len)
{
	if (p == end)
		return DECAP_TRUNCATED;
	unsigned v = p[0] >> 4;
	if ((v != 4 && v != 6) || (want != 0 && v != want))
		return DECAP_NOT_IP;
	*ip = p;
	*ip_len = (size_t)(end - p);
	return DECAP_OK;
}

/* MPLS label stack (RFC 3032 section 2.1) down to bottom of stack. */
static int
mpls(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	*encap |= BIT(MPLS);
	for (unsigned n = 0; n < DECAP_MAX_MPLS; n++) {
		if (!need(p, end, 4))
			return DECAP_TRUNCATED;
		unsigned bos = p[2] & 1;
		p += 4;
		if (bos)
			/* MPLS does not say what it carries (RFC 3032
			 * section 2.2); the IP version nibble is the usual
			 * guess.  A pseudowire control word starts with 0. */
			return ip_at(p, end, 0, ip, ip_len);
	}
	return DECAP_NOT_IP;
}

/* A PPP frame (RFC 1661 section 2): optional address and control bytes
 * (0xFF 0x03, absent with ACFC, RFC 1661 section 6.6), then the protocol
 * field, which may be compressed to one byte (PFC). */
static int
ppp(const uint8_t *p, const uint8_t *end, const uint8_t **ip, size_t *ip_len)
{
	if (!need(p, end, 1))
		return DECAP_TRUNCATED;
	if (p[0] == 0xFF) {
		if (!need(p, end, 3))
			return DECAP_TRUNCATED;
		if (p[1] != 0x03)
			return DECAP_NOT_IP;
		p += 2;
	}
	unsigned proto;
	if (p[0] & 1) {
		proto = p[0];
		p += 1;
	} else {
		if (!need(p, end, 2))
			return DECAP_TRUNCATED;
		proto = rd16(p);
		p += 2;
	}
	if (proto == PPP_IPV4)
		return ip_at(p, end, 4, ip, ip_len);
	if (proto == PPP_IPV6)
		return ip_at(p, end, 6, ip, ip_len);
	return DECAP_NOT_IP;
}

/* PPPoE session stage (RFC 2516 section 4), then PPP. */
static int
pppoe(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	*encap |= BIT(PPPOE);
	if (!need(p, end, 7))
		return DECAP_TRUNCATED;
	if (p[0] != 0x11 || p[1] != 0x00)
		return DECAP_NOT_IP;
	return ppp(p + 6, end, ip, ip_len);
}

/*
 * From an ethertype (or 802.3 length) whose payload starts at p, through
 * tags, LLC/SNAP, PPPoE and MPLS, to the IP header.
 */
static int
ethertype(unsigned type, const uint8_t *p, const uint8_t *end,
    const uint8_t **ip, size_t *ip_len, uint32_t *encap)
{
	unsigned tags = 0;
	for (unsigned n = 0; n < DECAP_MAX_SHIMS; n++) {
		switch (type) {
		case ET_IPV4:
			return ip_at(p, end, 4, ip, ip_len);
		case ET_IPV6:
			return ip_at(p, end, 6, ip, ip_len);
		case ET_VLAN:
		case ET_QINQ:
		case ET_QINQ_OLD:
			if (!need(p, end, 4))
				return DECAP_TRUNCATED;
			*encap |= BIT(VLAN);
			if (++tags >= 2)
				*encap |= BIT(QINQ);
			type = rd16(p + 2);
			p += 4;
			break;
		case ET_PPPOE_SES:
			return pppoe(p, end, ip, ip_len, encap);
		case ET_MPLS_UC:
		case ET_MPLS_MC:
			return mpls(p, end, ip, ip_len, encap);
		default:
			if (type >= ET_MIN)
				return DECAP_NOT_IP;
			/* 802.3 length: only LLC/SNAP (RFC 1042, 802.1H
			 * bridge tunnel) carries an ethertype. */
			if (!need(p, end, 3))
				return DECAP_TRUNCATED;
			if (p[0] != 0xAA || p[1] != 0xAA || p[2] != 0x03)
				return DECAP_NOT_IP;
			if (!need(p, end, 8))
				return DECAP_TRUNCATED;
			if (p[3] != 0 || p[4] != 0 ||
			    (p[5] != 0 && p[5] != 0xF8))
				return DECAP_NOT_IP;
			type = rd16(p + 6);
			if (type < ET_MIN)
				return DECAP_NOT_IP;
			p += 8;
			break;
		}
	}
	return DECAP_NOT_IP;
}

static int
ethernet(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	if (!need(p, end, 14))
		return DECAP_TRUNCATED;
	return ethertype(rd16(p + 12), p + 14, end, ip, ip_len, encap);
}

/* Linux cooked capture: the protocol is an ethertype except for a few
 * hardware types (netlink) and small values (LINUX_SLL_P_*). */
static int
sll(unsigned hatype, unsigned proto, const uint8_t *p, const uint8_t *end,
    const uint8_t **ip, size_t *ip_len, uint32_t *encap)
{
	if (hatype == ARPHRD_NETLINK)
		return DECAP_NOT_IP;
	if (proto < ET_MIN && proto != SLL_P_802_2)
		return DECAP_NOT_IP;
	return ethertype(proto, p, end, ip, ip_len, encap);
}

/* DLT_NULL and DLT_LOOP: a 4-byte BSD address family. */
static int
bsd_family(uint32_t fam, const uint8_t *p, const uint8_t *end,
    const uint8_t **ip, size_t *ip_len)
{
	switch (fam) {
	case AF_INET_ALL:
		return ip_at(p, end, 4, ip, ip_len);
	case AF_INET6_LINUX:
	case AF_INET6_BSD:
	case AF_INET6_FREEBSD:
	case AF_INET6_DARWIN:
		return ip_at(p, end, 6, ip, ip_len);
	default:
		return DECAP_NOT_IP;
	}
}

int
decap_link_supported(int dlt)
{
	switch (dlt) {
	case LT_NULL:
	case LT_EN10MB:
	case LT_RAW_12:
	case LT_RAW_14:
	case LT_RAW:
	case LT_LOOP:
	case LT_LINUX_SLL:
	case LT_IPV4:
	case LT_IPV6:
	case LT_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

int
decap_link(int dlt, const uint8_t *frame, size_t caplen,
    const uint8_t **ip, size_t *ip_len, uint32_t *encap)
{
	const uint8_t *p = frame, *end = frame + caplen;

	switch (dlt) {
	case LT_EN10MB:
		return ethernet(p, end, ip, ip_len, encap);
	case LT_NULL: {
		if (!need(p, end, 4))
			return DECAP_TRUNCATED;
		/* Host byte order of the capturing machine, which is
		 * unknown: families are small, so the order that gives a
		 * value below 2^16 is the right one. */
		uint32_t be = rd32(p);
		uint32_t le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
		return bsd_family(be <= 0xFFFF ? be : le, p + 4, end, ip,
		    ip_len);
	}
	case LT_LOOP:
		if (!need(p, end, 4))
			return DECAP_TRUNCATED;
		return bsd_family(rd32(p), p + 4, end, ip, ip_len);
	case LT_RAW_12:
	case LT_RAW_14:
	case LT_RAW:
		return ip_at(p, end, 0, ip, ip_len);
	case LT_IPV4:
		return ip_at(p, end, 4, ip, ip_len);
	case LT_IPV6:
		return ip_at(p, end, 6, ip, ip_len);
	case LT_LINUX_SLL:
		/* packet type 2, ARPHRD 2, address length 2, address 8,
		 * protocol 2 */
		if (!need(p, end, 16))
			return DECAP_TRUNCATED;
		return sll(rd16(p + 2), rd16(p + 14), p + 16, end, ip, ip_len,
		    encap);
	case LT_LINUX_SLL2:
		/* protocol 2, reserved 2, ifindex 4, ARPHRD 2, packet type
		 * 1, address length 1, address 8 */
		if (!need(p, end, 20))
			return DECAP_TRUNCATED;
		return sll(rd16(p + 8), rd16(p), p + 20, end, ip, ip_len,
		    encap);
	default:
		return DECAP_BAD_LINK;
	}
}

/*
 * IPv6 extension headers (RFC 8200 section 4, RFC 7045 section 4 for the
 * list).  With frag set, a non-atomic Fragment header stops the walk and
 * is recorded in *frag; an atomic fragment (offset 0, M 0) is stepped over,
 * as RFC 6946 section 4 requires it be processed in isolation.  Without
 * frag (the payload of a reassembled packet) a Fragment header is stepped
 * over like any other.  Returns 0 with *proto and *pos, or DECAP_TRUNCATED.
 */
static int
ip6_walk(uint8_t nh, const uint8_t *p, const uint8_t *end,
    struct decap_ip *frag, uint8_t *proto, const uint8_t **pos)
{
	for (unsigned n = 0; n < DECAP_MAX_IP6_EXT; n++) {
		size_t hlen;
		switch (nh) {
		case 0:   /* hop-by-hop options */
		case 43:  /* routing */
		case 60:  /* destination options */
		case 135: /* mobility (RFC 6275) */
		case 139: /* HIP (RFC 7401) */
		case 140: /* shim6 (RFC 5533) */
			if (!need(p, end, 2))
				return DECAP_TRUNCATED;
			hlen = ((size_t)p[1] + 1) * 8;
			break;
		case 51: /* AH: length in 32-bit words minus 2 (RFC 4302
			    section 2.2) */
			if (!need(p, end, 2))
				return DECAP_TRUNCATED;
			hlen = ((size_t)p[1] + 2) * 4;
			break;
		case 44: /* fragment (RFC 8200 section 4.5) */
			if (!need(p, end, 8))
				return DECAP_TRUNCATED;
			hlen = 8;
			if (frag != NULL) {
				uint32_t off = rd16(p + 2) & 0xFFF8u;
				int more = p[3] & 1;
				if (off != 0 || more) {
					frag->is_fragment = 1;
					frag->frag_offset = off;
					frag->more_frags = more;
					frag->frag_id = rd32(p + 4);
					*proto = p[0];
					*pos = p + 8;
					return 0;
				}
			}
			break;
		default: /* upper layer, ESP (50), no next header (59) */
			*proto = nh;
			*pos = p;
			return 0;
		}
		if (!need(p, end, hlen))
			return DECAP_TRUNCATED;
		nh = p[0];
		p += hlen;
	}
	*proto = nh;
	*pos = p;
	return 0;
}

int
decap_ip6_skip_ext(uint8_t nh, const uint8_t *buf, size_t len,
    uint8_t *proto, size_t *off)
{
	const uint8_t *pos = buf;
	int rc = ip6_walk(nh, buf, buf + len, NULL, proto, &pos);
	if (rc == 0)
		*off = (size_t)(pos - buf);
	return rc;
}

/* RFC 2675 section 2: a Jumbo Payload option (type 0xC2) in the
 * hop-by-hop header at p.  Returns 1, 0, or DECAP_TRUNCATED. */
static int
ip6_has_jumbo(const uint8_t *p, const uint8_t *end)
{
	if (!need(p, end, 2))
		return DECAP_TRUNCATED;
	size_t hlen = ((size_t)p[1] + 1) * 8;
	if (!need(p, end, hlen))
		return DECAP_TRUNCATED;
	const uint8_t *o = p + 2, *oend = p + hlen;
	while (o < oend) {
		if (o[0] == 0) { /* Pad1 has no length byte */
			o++;
			continue;
		}
		if (!need(o, oend, 2))
			return 0;
		if (o[0] == 0xC2)
			return 1;
		if (!need(o, oend, (size_t)o[1] + 2))
			return 0;
		o += (size_t)o[1] + 2;
	}
	return 0;
}

static inline uint32_t
clamp32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

static int
ip4(const uint8_t *p, size_t len, struct decap_ip *out)
{
	if (len < 20)
		return DECAP_TRUNCATED;
	size_t hl = (size_t)(p[0] & 0x0F) * 4;
	if (hl < 20)
		return DECAP_BAD_IP;
	size_t total = rd16(p + 2);
	/* Captures taken above TSO/GSO show a total length of 0 (or the
	 * pre-segmentation size): trust what was captured then. */
	if (total == 0)
		total = len;
	else if (total < hl)
		return DECAP_BAD_IP;
	if (len < hl)
		return DECAP_TRUNCATED;

	uint16_t frag = rd16(p + 6);
	out->version = 4;
	out->proto = p[9];
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	out->has_options = hl > 20;
	out->ip_len = clamp32(total);
	out->truncated = len < total;
	out->frag_id = rd16(p + 4);
	out->more_frags = (frag & 0x2000) != 0;
	out->frag_offset = (uint32_t)(frag & 0x1FFF) * 8;
	out->is_fragment = out->more_frags || out->frag_offset != 0;
	out->l4 = p + hl;
	out->l4_len = (len < total ? len : total) - hl;
	return 0;
}

static int
ip6(const uint8_t *p, size_t len, struct decap_ip *out)
{
	if (len < 40)
		return DECAP_TRUNCATED;
	size_t total = 40 + (size_t)rd16(p + 4);
	uint8_t nh = p[6];
	out->version = 6;
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	if (total == 40 && nh == 0) {
		int j = ip6_has_jumbo(p + 40, p + len);
		if (j == DECAP_TRUNCATED)
			return DECAP_TRUNCATED;
		if (j == 1)
			total = len; /* jumbogram or GSO capture */
	}
	out->ip_len = clamp32(total);
	out->truncated = len < total;
	const uint8_t *lim = p + (len < total ? len : total);
	const uint8_t *pos = p + 40;
	uint8_t proto = nh;
	if (ip6_walk(nh, p + 40, lim, out, &proto, &pos) != 0)
		/* Headers running past the captured bytes are truncation;
		 * past the payload length they are a malformed packet. */
		return out->truncated ? DECAP_TRUNCATED : DECAP_BAD_IP;
	out->proto = proto;
	out->l4 = pos;
	out->l4_len = (size_t)(lim - pos);
	return 0;
}

int
decap_ip(const uint8_t *ip, size_t len, struct decap_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return DECAP_TRUNCATED;
	switch (ip[0] >> 4) {
	case 4:
		return ip4(ip, len, out);
	case 6:
		return ip6(ip, len, out);
	default:
		return DECAP_BAD_IP;
	}
}

/*
 * ERSPAN (draft-foschiano-erspan-03): type I has no header, type II an
 * 8-byte header (version 1), type III a 12-byte header (version 2) and,
 * when its O bit (last bit of the third word) is set, an 8-byte platform
 * specific sub-header.  All carry the mirrored Ethernet frame.
 */
static int
erspan(unsigned type, const uint8_t *p, const uint8_t *end,
    const uint8_t **ip, size_t *ip_len, uint32_t *encap)
{
	switch (type) {
	case 1:
		*encap |= BIT(ERSPAN1);
		break;
	case 2:
		*encap |= BIT(ERSPAN2);
		if (!need(p, end, 8))
			return DECAP_TRUNCATED;
		if (p[0] >> 4 != 1)
			return DECAP_NOT_IP;
		p += 8;
		break;
	default:
		*encap |= BIT(ERSPAN3);
		if (!need(p, end, 12))
			return DECAP_TRUNCATED;
		if (p[0] >> 4 != 2)
			return DECAP_NOT_IP;
		unsigned o = p[11] & 1;
		p += 12;
		if (o) {
			if (!need(p, end, 8))
				return DECAP_TRUNCATED;
			p += 8;
		}
		break;
	}
	return ethernet(p, end, ip, ip_len, encap);
}

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_A 0x0080 /* PPTP acknowledgement number present */
#define GRE_VER 0x0007
#define ET_PPP 0x880B

/* GRE, RFC 2784 section 2 with the key and sequence number fields of
 * RFC 2890 section 2. */
static int
gre(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	*encap |= BIT(GRE);
	if (!need(p, end, 4))
		return DECAP_TRUNCATED;
	unsigned flags = rd16(p), proto = rd16(p + 2);
	/* Version 1 is PPTP's enhanced GRE (RFC 2637 section 4.1): key
	 * always present (payload length, call id), optional sequence and
	 * acknowledgement numbers, PPP inside. */
	if ((flags & GRE_VER) == 1) {
		if (proto != ET_PPP || !(flags & GRE_K) || (flags & (GRE_C | GRE_R)))
			return DECAP_NOT_IP;
		size_t h1 = 8 + ((flags & GRE_S) ? 4 : 0) + ((flags & GRE_A) ? 4 : 0);
		if (!need(p, end, h1))
			return DECAP_TRUNCATED;
		if (rd16(p + 4) == 0)
			return DECAP_NOT_IP; /* acknowledgement only */
		return ppp(p + h1, end, ip, ip_len);
	}
	/* RFC 1701 source routing is obsolete (RFC 2784 section 2.1 has
	 * receivers discard it). */
	if ((flags & GRE_VER) != 0 || (flags & GRE_R) != 0)
		return DECAP_NOT_IP;
	size_t hl = 4;
	hl += (flags & GRE_C) ? 4 : 0;
	hl += (flags & GRE_K) ? 4 : 0;
	hl += (flags & GRE_S) ? 4 : 0;
	if (!need(p, end, hl))
		return DECAP_TRUNCATED;
	p += hl;
	switch (proto) {
	case ET_TEB:
		return ethernet(p, end, ip, ip_len, encap);
	case ET_ERSPAN:
		/* Type II always sets S; type I never does. */
		return erspan((flags & GRE_S) ? 2 : 1, p, end, ip, ip_len,
		    encap);
	case ET_ERSPAN3:
		return erspan(3, p, end, ip, ip_len, encap);
	default:
		/* IPv4, IPv6, MPLS (RFC 4023 section 4) ... by ethertype. */
		if (proto < ET_MIN)
			return DECAP_NOT_IP;
		return ethertype(proto, p, end, ip, ip_len, encap);
	}
}

/* GTP-U header, 3GPP TS 29.281 section 5. */
#define GTP_E 0x04
#define GTP_S 0x02
#define GTP_PN 0x01
#define GTP_GPDU 255

static int
gtpu(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	if (!need(p, end, 8))
		return DECAP_TRUNCATED;
	/* version 1 (GTPv1), protocol type 1 (GTP, not GTP') */
	if (p[0] >> 5 != 1 || (p[0] & 0x10) == 0)
		return DECAP_NOT_TUNNEL;
	*encap |= BIT(GTPU);
	if (p[1] != GTP_GPDU)
		return DECAP_NOT_IP; /* echo, error indication, end marker */
	unsigned flags = p[0];
	size_t glen = rd16(p + 2); /* bytes after the mandatory 8 */
	p += 8;
	if (glen < (size_t)(end - p))
		end = p + glen;
	if (flags & (GTP_E | GTP_S | GTP_PN)) {
		/* sequence number 2, N-PDU number 1, next extension type 1:
		 * present when any of the three flags is (section 5.1). */
		if (!need(p, end, 4))
			return DECAP_TRUNCATED;
		unsigned next = p[3];
		p += 4;
		if (flags & GTP_E) {
			unsigned n = 0;
			/* Section 5.2: length in 4-octet units, next type in
			 * the last octet, 0 ends the chain. */
			while (next != 0) {
				if (n++ == DECAP_MAX_GTP_EXT)
					return DECAP_NOT_IP;
				if (!need(p, end, 1))
					return DECAP_TRUNCATED;
				size_t elen = (size_t)p[0] * 4;
				if (elen == 0)
					return DECAP_NOT_IP;
				if (!need(p, end, elen))
					return DECAP_TRUNCATED;
				next = p[elen - 1];
				p += elen;
			}
		}
	}
	return ip_at(p, end, 0, ip, ip_len);
}

static int
udp(const uint8_t *p, const uint8_t *end, const uint8_t **ip,
    size_t *ip_len, uint32_t *encap)
{
	if (!need(p, end, 4))
		return DECAP_NOT_TUNNEL;
	unsigned sport = rd16(p), dport = rd16(p + 2);
	int vxlan = dport == UDP_VXLAN;
	int gtp = dport == UDP_GTPU || sport == UDP_GTPU;
	if (!vxlan && !gtp)
		return DECAP_NOT_TUNNEL;
	if (!need(p, end, 8))
		return DECAP_TRUNCATED;
	size_t ulen = rd16(p + 4);
	if (ulen >= 8 && ulen < (size_t)(end - p))
		end = p + ulen; /* drop link padding */
	p += 8;
	if (gtp)
		return gtpu(p, end, ip, ip_len, encap);
	/* VXLAN, RFC 7348 section 5: the I flag must be set. */
	if (!need(p, end, 8))
		return DECAP_TRUNCATED;
	if ((p[0] & 0x08) == 0)
		return DECAP_NOT_TUNNEL;
	*encap |= BIT(VXLAN);
	return ethernet(p + 8, end, ip, ip_len, encap);
}

int
decap_tunnel(const struct decap_ip *ipi, const uint8_t **inner,
    size_t *inner_len, uint32_t *encap)
{
	if (ipi->is_fragment || ipi->l4 == NULL)
		return DECAP_NOT_TUNNEL;
	const uint8_t *p = ipi->l4, *end = ipi->l4 + ipi->l4_len;
	switch (ipi->proto) {
	case 4: /* RFC 2003 */
		*encap |= BIT(IPIP);
		return ip_at(p, end, 4, inner, inner_len);
	case 41: /* RFC 4213 section 3.5 */
		*encap |= BIT(IPIP);
		return ip_at(p, end, 6, inner, inner_len);
	case 47:
		return gre(p, end, inner, inner_len, encap);
	case 17:
		return udp(p, end, inner, inner_len, encap);
	default:
		return DECAP_NOT_TUNNEL;
	}
}

/*
 * Each byte value's decimal digits, then a dot, in four bytes, and the
 * digit count: four table steps of one 4-byte store each (rule keys and
 * the dashboard render addresses for every alert and every held key).
 */
#define DIG(v, i) ((char)('0' + ((v) >= 100 ? ((i) == 0 ? (v) / 100 : (i) == 1 ? (v) / 10 % 10 : (v) % 10) \
                               : (v) >= 10 ? ((i) == 0 ? (v) / 10 : (v) % 10) : (v))))
#define NDIG(v) ((v) >= 100 ? 3 : (v) >= 10 ? 2 : 1)
#define OCT(v) { { DIG(v, 0), NDIG(v) > 1 ? DIG(v, 1) : '.', NDIG(v) > 2 ? DIG(v, 2) : '.', '.' }, NDIG(v) }
#define OCT4(v) OCT(v), OCT((v) + 1), OCT((v) + 2), OCT((v) + 3)
#define OCT16(v) OCT4(v), OCT4((v) + 4), OCT4((v) + 8), OCT4((v) + 12)
#define OCT64(v) OCT16(v), OCT16((v) + 16), OCT16((v) + 32), OCT16((v) + 48)
static const struct {
	char s[4];
	uint8_t n;
} octets[256] = { OCT64(0), OCT64(64), OCT64(128), OCT64(192) };
#undef DIG
#undef NDIG
#undef OCT
#undef OCT4
#undef OCT16
#undef OCT64

size_t
ip4_text(char out[16], const uint8_t a[4])
{
	/* At most 12 bytes are written before the last octet's four. */
	char *p = out;
	for (int i = 0; i < 4; i++) {
		memcpy(p, octets[a[i]].s, 4);
		p += octets[a[i]].n + 1;
	}
	p[-1] = '\0';
	return (size_t)(p - 1 - out);
}
