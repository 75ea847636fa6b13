/* decap_test.c - decap_link(), decap_ip(), decap_tunnel() on hand-built
 * frames, each placed against a guard page. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <string.h>

#include "decap.h"
#include "tests/guard.h"

/* A frame is built from the inside out: content lives at b[off..FR_MAX). */
#define FR_MAX 1024
struct frame {
	uint8_t b[FR_MAX];
	size_t off;
};

static const char sip_payload[] = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";
#define SIP_LEN (sizeof(sip_payload) - 1)
#define UDP_LEN (8 + SIP_LEN)

static const uint8_t in4_src[4] = { 10, 0, 0, 1 }, in4_dst[4] = { 10, 0, 0, 2 };
static const uint8_t out4_src[4] = { 192, 0, 2, 1 }, out4_dst[4] = { 192, 0, 2, 2 };
static const uint8_t mid4_src[4] = { 172, 16, 0, 1 }, mid4_dst[4] = { 172, 16, 0, 2 };
static const uint8_t in6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t in6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static size_t
fr_len(const struct frame *f)
{
	return FR_MAX - f->off;
}

static const uint8_t *
fr_data(const struct frame *f)
{
	return f->b + f->off;
}

static void
pre(struct frame *f, const void *d, size_t n)
{
	cr_assert(f->off >= n, "frame buffer too small");
	f->off -= n;
	memcpy(f->b + f->off, d, n);
}

static void
pre16(struct frame *f, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	pre(f, b, 2);
}

static void
pre32(struct frame *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };
	pre(f, b, 4);
}

static void
pre32le(struct frame *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
		(uint8_t)(v >> 24) };
	pre(f, b, 4);
}

static void
fr_udp(struct frame *f, unsigned sport, unsigned dport)
{
	size_t len = fr_len(f) + 8;
	pre16(f, 0); /* checksum */
	pre16(f, (unsigned)len);
	pre16(f, dport);
	pre16(f, sport);
}

static void
fr_ip4(struct frame *f, uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	size_t total = fr_len(f) + 20;
	uint8_t h[20] = { 0x45, 0, (uint8_t)(total >> 8), (uint8_t)total,
		0x12, 0x34, 0x40, 0, 64, proto, 0, 0 };
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	pre(f, h, 20);
}

static void
fr_ip6(struct frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t plen = fr_len(f);
	uint8_t h[40] = { 0x60, 0, 0, 0, (uint8_t)(plen >> 8), (uint8_t)plen,
		nh, 64 };
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	pre(f, h, 40);
}

static void
fr_macs(struct frame *f)
{
	static const uint8_t macs[12] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	pre(f, macs, 12);
}

/* Ethernet type then MACs (no tags). */
static void
fr_eth(struct frame *f, unsigned type)
{
	pre16(f, type);
	fr_macs(f);
}

/* One 802.1Q-style tag in front of what is there (type already pushed). */
static void
fr_tag(struct frame *f, unsigned tpid, unsigned tci)
{
	pre16(f, tci);
	pre16(f, tpid);
}

static void
sip4(struct frame *f)
{
	f->off = FR_MAX;
	pre(f, sip_payload, SIP_LEN);
	fr_udp(f, 5060, 5060);
	fr_ip4(f, 17, in4_src, in4_dst);
}

static void
sip6(struct frame *f)
{
	f->off = FR_MAX;
	pre(f, sip_payload, SIP_LEN);
	fr_udp(f, 5060, 5060);
	fr_ip6(f, 17, in6_src, in6_dst);
}

/* ---- link layer ------------------------------------------------------ */

static void b_eth(struct frame *f) { sip4(f); fr_eth(f, 0x0800); }
static void b_eth6(struct frame *f) { sip6(f); fr_eth(f, 0x86DD); }
static void b_vlan(struct frame *f) { sip4(f); pre16(f, 0x0800); fr_tag(f, 0x8100, 100); fr_macs(f); }
static void b_qinq(struct frame *f) { sip4(f); pre16(f, 0x0800); fr_tag(f, 0x8100, 100); fr_tag(f, 0x88A8, 7); fr_macs(f); }
static void b_9100(struct frame *f) { sip4(f); pre16(f, 0x0800); fr_tag(f, 0x9100, 3); fr_macs(f); }
static void b_3tags(struct frame *f) { sip6(f); pre16(f, 0x86DD); fr_tag(f, 0x8100, 1); fr_tag(f, 0x8100, 2); fr_tag(f, 0x9100, 3); fr_macs(f); }
static void
b_pppoe(struct frame *f)
{
	sip4(f);
	pre16(f, 0x0021);
	uint8_t h[6] = { 0x11, 0x00, 0x12, 0x34, 0, (uint8_t)(fr_len(f)) };
	pre(f, h, 6);
	fr_eth(f, 0x8864);
}
static void
b_pppoe6(struct frame *f)
{
	sip6(f);
	pre16(f, 0x0057);
	uint8_t h[6] = { 0x11, 0x00, 0x12, 0x34, 0, (uint8_t)(fr_len(f)) };
	pre(f, h, 6);
	fr_eth(f, 0x8864);
}
static void
b_pppoe_pfc(struct frame *f) /* protocol field compressed to 0x21 */
{
	sip4(f);
	uint8_t p = 0x21;
	pre(f, &p, 1);
	uint8_t h[6] = { 0x11, 0x00, 0x12, 0x34, 0, (uint8_t)(fr_len(f)) };
	pre(f, h, 6);
	fr_eth(f, 0x8864);
}
static void
b_pppoe_lcp(struct frame *f)
{
	sip4(f);
	pre16(f, 0xC021);
	uint8_t h[6] = { 0x11, 0x00, 0x12, 0x34, 0, (uint8_t)(fr_len(f)) };
	pre(f, h, 6);
	fr_eth(f, 0x8864);
}
static void
b_pppoe_disc(struct frame *f) /* session ethertype but PADI code */
{
	sip4(f);
	pre16(f, 0x0021);
	uint8_t h[6] = { 0x11, 0x09, 0x00, 0x00, 0, 4 };
	pre(f, h, 6);
	fr_eth(f, 0x8864);
}
/* label 16 (not bottom), label 17 (bottom of stack) */
static void b_mpls2(struct frame *f) { sip4(f); pre32(f, 17u << 12 | 0x100 | 64); pre32(f, 16u << 12 | 64); fr_eth(f, 0x8847); }
static void b_mpls6(struct frame *f) { sip6(f); pre32(f, 2u << 12 | 0x100 | 64); fr_eth(f, 0x8848); }
static void b_mpls_vlan(struct frame *f) { sip4(f); pre32(f, 17u << 12 | 0x100 | 64); pre16(f, 0x8847); fr_tag(f, 0x8100, 5); fr_macs(f); }
static void
b_mpls_pw(struct frame *f) /* pseudowire control word: first nibble 0 */
{
	sip4(f);
	pre32(f, 0);
	pre32(f, 17u << 12 | 0x100 | 64);
	fr_eth(f, 0x8847);
}
static void
b_mpls_nobos(struct frame *f) /* 17 labels, none bottom of stack */
{
	sip4(f);
	for (int i = 0; i < 17; i++)
		pre32(f, 16u << 12 | 64);
	fr_eth(f, 0x8847);
}
static void
b_snap(struct frame *f)
{
	static const uint8_t llc[8] = { 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00 };
	sip4(f);
	pre(f, llc, 8);
	fr_eth(f, (unsigned)fr_len(f));
}
static void
b_llc_stp(struct frame *f)
{
	static const uint8_t stp[] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0, 0, 0 };
	f->off = FR_MAX;
	pre(f, stp, sizeof(stp));
	fr_eth(f, sizeof(stp));
}
static void
b_arp(struct frame *f)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	f->off = FR_MAX;
	pre(f, arp, sizeof(arp));
	fr_eth(f, 0x0806);
}
static void b_eth_wrongver(struct frame *f) { sip6(f); fr_eth(f, 0x0800); }
static void
sll_hdr(struct frame *f, unsigned hatype, unsigned proto)
{
	uint8_t h[16] = { 0, 0, (uint8_t)(hatype >> 8), (uint8_t)hatype, 0, 6,
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0, 0,
		(uint8_t)(proto >> 8), (uint8_t)proto };
	pre(f, h, 16);
}
static void b_sll(struct frame *f) { sip4(f); sll_hdr(f, 1, 0x0800); }
static void b_sll6(struct frame *f) { sip6(f); sll_hdr(f, 1, 0x86DD); }
static void b_sll_vlan(struct frame *f) { sip4(f); pre16(f, 0x0800); pre16(f, 42); sll_hdr(f, 1, 0x8100); }
static void b_sll_netlink(struct frame *f) { sip4(f); sll_hdr(f, 824, 0x0800); }
static void b_sll_gre(struct frame *f) { sip4(f); sll_hdr(f, 778, 0x0800); }
static void b_sll_can(struct frame *f) { sip4(f); sll_hdr(f, 280, 0x000C); }
static void
sll2_hdr(struct frame *f, unsigned hatype, unsigned proto)
{
	uint8_t h[20] = { (uint8_t)(proto >> 8), (uint8_t)proto, 0, 0,
		0, 0, 0, 3, (uint8_t)(hatype >> 8), (uint8_t)hatype, 0, 6,
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0, 0 };
	pre(f, h, 20);
}
static void b_sll2(struct frame *f) { sip4(f); sll2_hdr(f, 1, 0x0800); }
static void b_sll2_6(struct frame *f) { sip6(f); sll2_hdr(f, 1, 0x86DD); }
static void b_sll2_arp(struct frame *f) { sip4(f); sll2_hdr(f, 1, 0x0806); }
static void b_null_le(struct frame *f) { sip4(f); pre32le(f, 2); }
static void b_null_be(struct frame *f) { sip4(f); pre32(f, 2); }
static void b_null6_10le(struct frame *f) { sip6(f); pre32le(f, 10); }
static void b_null6_24le(struct frame *f) { sip6(f); pre32le(f, 24); }
static void b_null6_28be(struct frame *f) { sip6(f); pre32(f, 28); }
static void b_null6_30le(struct frame *f) { sip6(f); pre32le(f, 30); }
static void b_null6_30be(struct frame *f) { sip6(f); pre32(f, 30); }
static void b_null_other(struct frame *f) { sip4(f); pre32le(f, 7); }
static void b_null_mismatch(struct frame *f) { sip4(f); pre32le(f, 30); }
static void b_loop(struct frame *f) { sip4(f); pre32(f, 2); }
static void b_loop6(struct frame *f) { sip6(f); pre32(f, 24); }
static void b_loop_le(struct frame *f) { sip4(f); pre32le(f, 2); } /* LOOP is network order */
static void b_raw4(struct frame *f) { sip4(f); }
static void b_raw6(struct frame *f) { sip6(f); }
static void
b_raw_junk(struct frame *f)
{
	static const uint8_t j[] = { 0x12, 0x34, 0x56 };
	f->off = FR_MAX;
	pre(f, j, sizeof(j));
}

#define V_VLAN (1u << DECAP_E_VLAN)
#define V_QINQ (1u << DECAP_E_QINQ)
#define V_PPPOE (1u << DECAP_E_PPPOE)
#define V_MPLS (1u << DECAP_E_MPLS)
#define V_GRE (1u << DECAP_E_GRE)
#define V_ERSPAN1 (1u << DECAP_E_ERSPAN1)
#define V_ERSPAN2 (1u << DECAP_E_ERSPAN2)
#define V_ERSPAN3 (1u << DECAP_E_ERSPAN3)
#define V_VXLAN (1u << DECAP_E_VXLAN)
#define V_IPIP (1u << DECAP_E_IPIP)
#define V_GTPU (1u << DECAP_E_GTPU)

struct link_case {
	const char *name;
	int dlt;
	void (*build)(struct frame *);
	int rc;
	size_t ip_off;   /* DECAP_OK: where the IP header starts */
	uint8_t version; /* DECAP_OK: its version */
	uint32_t encap;
};

static const struct link_case link_cases[] = {
	{ "ethernet ipv4", 1, b_eth, DECAP_OK, 14, 4, 0 },
	{ "ethernet ipv6", 1, b_eth6, DECAP_OK, 14, 6, 0 },
	{ "1 vlan tag", 1, b_vlan, DECAP_OK, 18, 4, V_VLAN },
	{ "qinq 88a8+8100", 1, b_qinq, DECAP_OK, 22, 4, V_VLAN | V_QINQ },
	{ "9100 tag", 1, b_9100, DECAP_OK, 18, 4, V_VLAN },
	{ "3 tags, ipv6", 1, b_3tags, DECAP_OK, 26, 6, V_VLAN | V_QINQ },
	{ "pppoe ipv4", 1, b_pppoe, DECAP_OK, 22, 4, V_PPPOE },
	{ "pppoe ipv6", 1, b_pppoe6, DECAP_OK, 22, 6, V_PPPOE },
	{ "pppoe compressed protocol", 1, b_pppoe_pfc, DECAP_OK, 21, 4, V_PPPOE },
	{ "pppoe lcp", 1, b_pppoe_lcp, DECAP_NOT_IP, 0, 0, V_PPPOE },
	{ "pppoe bad code", 1, b_pppoe_disc, DECAP_NOT_IP, 0, 0, V_PPPOE },
	{ "mpls 2 labels", 1, b_mpls2, DECAP_OK, 22, 4, V_MPLS },
	{ "mpls ipv6 multicast type", 1, b_mpls6, DECAP_OK, 18, 6, V_MPLS },
	{ "vlan then mpls", 1, b_mpls_vlan, DECAP_OK, 22, 4, V_VLAN | V_MPLS },
	{ "mpls pw control word", 1, b_mpls_pw, DECAP_NOT_IP, 0, 0, V_MPLS },
	{ "mpls 17 labels, no bos", 1, b_mpls_nobos, DECAP_NOT_IP, 0, 0, V_MPLS },
	{ "802.3 llc/snap", 1, b_snap, DECAP_OK, 22, 4, 0 },
	{ "802.3 stp", 1, b_llc_stp, DECAP_NOT_IP, 0, 0, 0 },
	{ "arp", 1, b_arp, DECAP_NOT_IP, 0, 0, 0 },
	{ "0x0800 with ipv6 inside", 1, b_eth_wrongver, DECAP_NOT_IP, 0, 0, 0 },
	{ "sll", 113, b_sll, DECAP_OK, 16, 4, 0 },
	{ "sll ipv6", 113, b_sll6, DECAP_OK, 16, 6, 0 },
	{ "sll untagged-in-place vlan", 113, b_sll_vlan, DECAP_OK, 20, 4, V_VLAN },
	{ "sll netlink", 113, b_sll_netlink, DECAP_NOT_IP, 0, 0, 0 },
	{ "sll ipgre, proto 0800", 113, b_sll_gre, DECAP_OK, 16, 4, 0 },
	{ "sll can", 113, b_sll_can, DECAP_NOT_IP, 0, 0, 0 },
	{ "sll2", 276, b_sll2, DECAP_OK, 20, 4, 0 },
	{ "sll2 ipv6", 276, b_sll2_6, DECAP_OK, 20, 6, 0 },
	{ "sll2 arp", 276, b_sll2_arp, DECAP_NOT_IP, 0, 0, 0 },
	{ "null AF_INET little endian", 0, b_null_le, DECAP_OK, 4, 4, 0 },
	{ "null AF_INET big endian", 0, b_null_be, DECAP_OK, 4, 4, 0 },
	{ "null AF_INET6 linux 10", 0, b_null6_10le, DECAP_OK, 4, 6, 0 },
	{ "null AF_INET6 bsd 24", 0, b_null6_24le, DECAP_OK, 4, 6, 0 },
	{ "null AF_INET6 freebsd 28 be", 0, b_null6_28be, DECAP_OK, 4, 6, 0 },
	{ "null AF_INET6 darwin 30 le", 0, b_null6_30le, DECAP_OK, 4, 6, 0 },
	{ "null AF_INET6 darwin 30 be", 0, b_null6_30be, DECAP_OK, 4, 6, 0 },
	{ "null family 7", 0, b_null_other, DECAP_NOT_IP, 0, 0, 0 },
	{ "null AF_INET6 with ipv4 inside", 0, b_null_mismatch, DECAP_NOT_IP, 0, 0, 0 },
	{ "loop", 108, b_loop, DECAP_OK, 4, 4, 0 },
	{ "loop ipv6", 108, b_loop6, DECAP_OK, 4, 6, 0 },
	{ "loop is network order", 108, b_loop_le, DECAP_NOT_IP, 0, 0, 0 },
	{ "raw 12", 12, b_raw4, DECAP_OK, 0, 4, 0 },
	{ "raw 14", 14, b_raw6, DECAP_OK, 0, 6, 0 },
	{ "linktype raw 101", 101, b_raw4, DECAP_OK, 0, 4, 0 },
	{ "raw junk", 101, b_raw_junk, DECAP_NOT_IP, 0, 0, 0 },
	{ "ipv4 228", 228, b_raw4, DECAP_OK, 0, 4, 0 },
	{ "ipv4 228 with ipv6", 228, b_raw6, DECAP_NOT_IP, 0, 0, 0 },
	{ "ipv6 229", 229, b_raw6, DECAP_OK, 0, 6, 0 },
	{ "ipv6 229 with ipv4", 229, b_raw4, DECAP_NOT_IP, 0, 0, 0 },
	{ "unknown dlt 147", 147, b_eth, DECAP_BAD_LINK, 0, 0, 0 },
};

#define N_LINK (sizeof(link_cases) / sizeof(link_cases[0]))

/* The inner SIP/UDP packet is intact where the link layer said. */
static void
check_sip_ip(const uint8_t *ip, size_t ip_len, uint8_t version,
    const char *name)
{
	struct decap_ip d;
	cr_assert_eq(decap_ip(ip, ip_len, &d), 0, "%s: decap_ip", name);
	cr_assert_eq(d.version, version, "%s", name);
	cr_assert_eq(d.proto, 17, "%s", name);
	cr_assert_eq(d.l4_len, UDP_LEN, "%s", name);
	cr_assert_eq(d.truncated, 0, "%s", name);
	cr_assert_eq(d.is_fragment, 0, "%s", name);
	cr_assert_eq(memcmp(d.l4 + 8, sip_payload, SIP_LEN), 0, "%s", name);
	if (version == 4)
		cr_assert_eq(memcmp(d.src, in4_src, 4), 0, "%s", name);
	else
		cr_assert_eq(memcmp(d.src, in6_src, 16), 0, "%s", name);
}

Test(decap_link, table)
{
	for (size_t i = 0; i < N_LINK; i++) {
		const struct link_case *c = &link_cases[i];
		struct frame f;
		c->build(&f);
		size_t len = fr_len(&f);
		const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), len);
		const uint8_t *ip = NULL;
		size_t ip_len = 0;
		uint32_t encap = 0;
		int rc = decap_link(c->dlt, g, len, &ip, &ip_len, &encap);
		cr_assert_eq(rc, c->rc, "%s: rc %d, want %d", c->name, rc, c->rc);
		if (rc != DECAP_BAD_LINK)
			cr_assert_eq(encap, c->encap, "%s: encap %#x want %#x",
			    c->name, encap, c->encap);
		cr_assert_eq(decap_link_supported(c->dlt), rc != DECAP_BAD_LINK,
		    "%s", c->name);
		if (rc != DECAP_OK)
			continue;
		cr_assert_eq(ip, g + c->ip_off, "%s: ip at %td want %zu", c->name,
		    ip - g, c->ip_off);
		cr_assert_eq(ip_len, len - c->ip_off, "%s", c->name);
		check_sip_ip(ip, ip_len, c->version, c->name);
	}
}

/* Every proper prefix of a frame that decapsulates is truncated up to the
 * first IP byte, then decapsulates to the same place with less length. */
Test(decap_link, every_prefix)
{
	for (size_t i = 0; i < N_LINK; i++) {
		const struct link_case *c = &link_cases[i];
		struct frame f;
		c->build(&f);
		size_t len = fr_len(&f);
		for (size_t n = 0; n < len; n++) {
			const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), n);
			const uint8_t *ip = NULL;
			size_t ip_len = 0;
			uint32_t encap = 0;
			int rc = decap_link(c->dlt, g, n, &ip, &ip_len, &encap);
			if (c->rc == DECAP_OK) {
				int want = n <= c->ip_off ? DECAP_TRUNCATED : DECAP_OK;
				cr_assert_eq(rc, want, "%s[%zu]: rc %d", c->name, n, rc);
				if (rc == DECAP_OK) {
					cr_assert_eq(ip, g + c->ip_off, "%s[%zu]", c->name, n);
					cr_assert_eq(ip_len, n - c->ip_off, "%s[%zu]", c->name, n);
				}
			} else {
				cr_assert(rc == c->rc || rc == DECAP_TRUNCATED,
				    "%s[%zu]: rc %d", c->name, n, rc);
			}
		}
	}
}

Test(decap_link, names)
{
	cr_assert_str_eq(decap_encap_name(DECAP_E_VLAN), "vlan");
	cr_assert_str_eq(decap_encap_name(DECAP_E_ERSPAN3), "erspan3");
	cr_assert_str_eq(decap_encap_name(DECAP_E_GTPU), "gtpu");
	cr_assert_str_eq(decap_encap_name(DECAP_E__COUNT), "unknown");
	cr_assert_eq(decap_link_supported(276), 1);
	cr_assert_eq(decap_link_supported(127), 0);
}

/* ---- tunnels: the monitor's loop ------------------------------------- */

#define DEPTH_EXCEEDED 100

/*
 * link -> ip -> tunnel? -> ip ... as the monitor does.  Every pointer
 * handed back must stay inside [g, g + len).  Returns the last code (0 when
 * the last IP packet is no tunnel) with *last the innermost IP header.
 */
static int
pipeline(int dlt, const uint8_t *g, size_t len, struct decap_ip *last,
    uint32_t *encap, int *depth)
{
	const uint8_t *ip = NULL, *gend = g + len;
	size_t ip_len = 0;
	*encap = 0;
	*depth = 0;
	memset(last, 0, sizeof(*last));
	int rc = decap_link(dlt, g, len, &ip, &ip_len, encap);
	if (rc != DECAP_OK)
		return rc;
	for (;;) {
		cr_assert(ip >= g && ip < gend && ip_len <= (size_t)(gend - ip),
		    "ip outside the frame");
		rc = decap_ip(ip, ip_len, last);
		if (rc != 0)
			return rc;
		cr_assert(last->l4 >= ip && last->l4 <= gend &&
		    last->l4_len <= (size_t)(gend - last->l4), "l4 outside the frame");
		if (*depth == DECAP_MAX_DEPTH)
			return DEPTH_EXCEEDED;
		rc = decap_tunnel(last, &ip, &ip_len, encap);
		if (rc == DECAP_NOT_TUNNEL)
			return 0;
		if (rc != DECAP_OK)
			return rc;
		++*depth;
	}
}

static void
gre_hdr(struct frame *f, unsigned flags, unsigned proto)
{
	/* optional fields, innermost last: sequence, key, checksum */
	if (flags & 0x1000)
		pre32(f, 0x00000007);
	if (flags & 0x2000)
		pre32(f, 0xCAFEF00D);
	if (flags & 0x8000)
		pre32(f, 0xBEEF0000);
	pre16(f, proto);
	pre16(f, flags);
}

static void
outer4(struct frame *f, uint8_t proto)
{
	fr_ip4(f, proto, out4_src, out4_dst);
	fr_eth(f, 0x0800);
}

static void
inner_eth(struct frame *f)
{
	sip4(f);
	fr_eth(f, 0x0800);
}

static void t_plain(struct frame *f) { b_eth(f); }
static void t_gre(struct frame *f) { sip4(f); gre_hdr(f, 0, 0x0800); outer4(f, 47); }
static void t_gre_cks(struct frame *f) { sip4(f); gre_hdr(f, 0xB000, 0x0800); outer4(f, 47); }
static void t_gre_key(struct frame *f) { sip6(f); gre_hdr(f, 0x2000, 0x86DD); outer4(f, 47); }
static void
t_gre_over6(struct frame *f)
{
	sip4(f);
	gre_hdr(f, 0, 0x0800);
	fr_ip6(f, 47, in6_dst, in6_src);
	fr_eth(f, 0x86DD);
}
static void t_gre_mpls(struct frame *f) { sip4(f); pre32(f, 20u << 12 | 0x100 | 1); gre_hdr(f, 0, 0x8847); outer4(f, 47); }
static void t_gre_v1(struct frame *f) { sip4(f); gre_hdr(f, 0x2001, 0x880B); outer4(f, 47); }
static void t_gre_routing(struct frame *f) { sip4(f); gre_hdr(f, 0x4000, 0x0800); outer4(f, 47); }
static void t_gre_ppp(struct frame *f) { sip4(f); gre_hdr(f, 0, 0x880B); outer4(f, 47); }
static void t_teb(struct frame *f) { inner_eth(f); gre_hdr(f, 0, 0x6558); outer4(f, 47); }
static void
t_teb_arp(struct frame *f)
{
	b_arp(f);
	gre_hdr(f, 0, 0x6558);
	outer4(f, 47);
}
static void t_erspan1(struct frame *f) { inner_eth(f); gre_hdr(f, 0, 0x88BE); outer4(f, 47); }
static void
erspan2_hdr(struct frame *f)
{
	/* ver 1, vlan 0, cos 0, en 3, t 0, session 0x155; index 0x12345 */
	static const uint8_t h[8] = { 0x10, 0x00, 0x19, 0x55, 0x00, 0x01, 0x23, 0x45 };
	pre(f, h, 8);
}
static void t_erspan2(struct frame *f) { inner_eth(f); erspan2_hdr(f); gre_hdr(f, 0x1000, 0x88BE); outer4(f, 47); }
static void
t_erspan2_vlan(struct frame *f)
{
	sip4(f);
	pre16(f, 0x0800);
	fr_tag(f, 0x8100, 300);
	fr_macs(f);
	erspan2_hdr(f);
	gre_hdr(f, 0x1000, 0x88BE);
	outer4(f, 47);
}
static void
t_erspan2_badver(struct frame *f)
{
	static const uint8_t h[8] = { 0x20, 0x00, 0x19, 0x55, 0, 0, 0, 0 };
	inner_eth(f);
	pre(f, h, 8);
	gre_hdr(f, 0x1000, 0x88BE);
	outer4(f, 47);
}
static void
erspan3_hdr(struct frame *f, int o)
{
	/* ver 2, session 5; timestamp; sgt 0, p 0, ft 0, hwid 1, d, gra, o */
	uint8_t h[12] = { 0x20, 0x00, 0x00, 0x05, 0x11, 0x22, 0x33, 0x44,
		0x00, 0x00, 0x04, (uint8_t)(0x06 | (o ? 1 : 0)) };
	if (o) {
		static const uint8_t sub[8] = { 0x0c, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd };
		pre(f, sub, 8);
	}
	pre(f, h, 12);
}
static void t_erspan3(struct frame *f) { inner_eth(f); erspan3_hdr(f, 0); gre_hdr(f, 0x1000, 0x22EB); outer4(f, 47); }
static void t_erspan3_o(struct frame *f) { inner_eth(f); erspan3_hdr(f, 1); gre_hdr(f, 0x1000, 0x22EB); outer4(f, 47); }
static void
vxlan(struct frame *f, uint8_t flags)
{
	uint8_t h[8] = { flags, 0, 0, 0, 0x00, 0x12, 0x34, 0x00 }; /* VNI 0x1234 */
	pre(f, h, 8);
	fr_udp(f, 49152, 4789);
}
static void t_vxlan(struct frame *f) { inner_eth(f); vxlan(f, 0x08); outer4(f, 17); }
static void t_vxlan_noi(struct frame *f) { inner_eth(f); vxlan(f, 0x00); outer4(f, 17); }
static void
t_vxlan_in_gre(struct frame *f)
{
	inner_eth(f);
	vxlan(f, 0x08);
	fr_ip4(f, 17, mid4_src, mid4_dst);
	gre_hdr(f, 0x2000, 0x0800);
	outer4(f, 47);
}
static void
gtp(struct frame *f, uint8_t flags, uint8_t type, size_t opt_len)
{
	size_t len = fr_len(f) + opt_len;
	uint8_t h[8] = { (uint8_t)(0x30 | flags), type, (uint8_t)(len >> 8),
		(uint8_t)len, 0x01, 0x02, 0x03, 0x04 };
	pre(f, h, 8);
	fr_udp(f, 2152, 2152);
}
static void t_gtp(struct frame *f) { sip4(f); gtp(f, 0, 255, 0); outer4(f, 17); }
static void
t_gtp_seq(struct frame *f)
{
	static const uint8_t opt[4] = { 0x00, 0x2a, 0x00, 0x00 };
	sip4(f);
	pre(f, opt, 4);
	gtp(f, 0x02, 255, 0);
	outer4(f, 17);
}
static void
t_gtp_ext(struct frame *f)
{
	/* seq/npdu/next 0x85 (PDU session container, 1 unit, next 0x40),
	 * then 0x40 (UDP port, 2 units, next 0). */
	static const uint8_t opt[4] = { 0x00, 0x00, 0x00, 0x85 };
	static const uint8_t e1[4] = { 0x01, 0x10, 0x09, 0x40 };
	static const uint8_t e2[8] = { 0x02, 0x13, 0xc4, 0, 0, 0, 0, 0x00 };
	sip6(f);
	pre(f, e2, 8);
	pre(f, e1, 4);
	pre(f, opt, 4);
	gtp(f, 0x04, 255, 0);
	outer4(f, 17);
}
static void
t_gtp_ext_zero(struct frame *f)
{
	static const uint8_t opt[4] = { 0x00, 0x00, 0x00, 0x85 };
	static const uint8_t e1[4] = { 0x00, 0x10, 0x09, 0x00 };
	sip4(f);
	pre(f, e1, 4);
	pre(f, opt, 4);
	gtp(f, 0x04, 255, 0);
	outer4(f, 17);
}
static void t_gtp_echo(struct frame *f) { sip4(f); gtp(f, 0x02, 1, 0); outer4(f, 17); }
/* SIP sent from port 2152 is not GTP-U. */
static void
t_sip_from_2152(struct frame *f)
{
	f->off = FR_MAX;
	pre(f, sip_payload, SIP_LEN);
	fr_udp(f, 2152, 5060);
	outer4(f, 17);
}
static void t_ipip(struct frame *f) { sip4(f); outer4(f, 4); }
static void t_ip6in4(struct frame *f) { sip6(f); outer4(f, 41); }
static void t_ipip_mismatch(struct frame *f) { sip6(f); outer4(f, 4); }
static void
t_ip4in6(struct frame *f)
{
	sip4(f);
	fr_ip6(f, 4, in6_dst, in6_src);
	fr_eth(f, 0x86DD);
}
static void
t_too_deep(struct frame *f)
{
	sip4(f);
	for (int i = 0; i < DECAP_MAX_DEPTH + 1; i++)
		fr_ip4(f, 4, out4_src, out4_dst);
	fr_eth(f, 0x0800);
}

struct tunnel_case {
	const char *name;
	void (*build)(struct frame *);
	int rc;
	int depth;
	size_t l4_off;   /* rc 0: offset of the innermost UDP header */
	uint8_t version; /* of the innermost IP */
	uint8_t src0;    /* first byte of its source address */
	uint32_t encap;
	size_t l4_len;   /* rc 0: 0 means the SIP/UDP packet */
};

static const struct tunnel_case tunnel_cases[] = {
	{ "no tunnel", t_plain, 0, 0, 34, 4, 10, 0, 0 },
	{ "gre", t_gre, 0, 1, 58, 4, 10, V_GRE, 0 },
	{ "gre checksum+key+seq", t_gre_cks, 0, 1, 70, 4, 10, V_GRE, 0 },
	{ "gre key, ipv6 inside", t_gre_key, 0, 1, 82, 6, 0x20, V_GRE, 0 },
	{ "gre over ipv6", t_gre_over6, 0, 1, 78, 4, 10, V_GRE, 0 },
	{ "mpls in gre", t_gre_mpls, 0, 1, 62, 4, 10, V_GRE | V_MPLS, 0 },
	{ "gre v1 pptp", t_gre_v1, DECAP_NOT_IP, 0, 0, 0, 0, V_GRE, 0 },
	{ "gre routing", t_gre_routing, DECAP_NOT_IP, 0, 0, 0, 0, V_GRE, 0 },
	{ "gre ppp", t_gre_ppp, DECAP_NOT_IP, 0, 0, 0, 0, V_GRE, 0 },
	{ "teb", t_teb, 0, 1, 72, 4, 10, V_GRE, 0 },
	{ "teb carrying arp", t_teb_arp, DECAP_NOT_IP, 0, 0, 0, 0, V_GRE, 0 },
	{ "erspan I", t_erspan1, 0, 1, 72, 4, 10, V_GRE | V_ERSPAN1, 0 },
	{ "erspan II", t_erspan2, 0, 1, 84, 4, 10, V_GRE | V_ERSPAN2, 0 },
	{ "erspan II vlan inside", t_erspan2_vlan, 0, 1, 88, 4, 10, V_GRE | V_ERSPAN2 | V_VLAN, 0 },
	{ "erspan II bad version", t_erspan2_badver, DECAP_NOT_IP, 0, 0, 0, 0, V_GRE | V_ERSPAN2, 0 },
	{ "erspan III", t_erspan3, 0, 1, 88, 4, 10, V_GRE | V_ERSPAN3, 0 },
	{ "erspan III with O sub-header", t_erspan3_o, 0, 1, 96, 4, 10, V_GRE | V_ERSPAN3, 0 },
	{ "vxlan", t_vxlan, 0, 1, 84, 4, 10, V_VXLAN, 0 },
	{ "vxlan without I flag", t_vxlan_noi, 0, 0, 34, 4, 192, 0, 8 + 8 + 14 + 20 + UDP_LEN },
	{ "vxlan inside gre", t_vxlan_in_gre, 0, 2, 112, 4, 10, V_GRE | V_VXLAN, 0 },
	{ "gtp-u", t_gtp, 0, 1, 70, 4, 10, V_GTPU, 0 },
	{ "gtp-u with sequence", t_gtp_seq, 0, 1, 74, 4, 10, V_GTPU, 0 },
	{ "gtp-u 2 extension headers, ipv6", t_gtp_ext, 0, 1, 106, 6, 0x20, V_GTPU, 0 },
	{ "gtp-u zero-length extension", t_gtp_ext_zero, DECAP_NOT_IP, 0, 0, 0, 0, V_GTPU, 0 },
	{ "gtp echo", t_gtp_echo, DECAP_NOT_IP, 0, 0, 0, 0, V_GTPU, 0 },
	{ "sip from port 2152", t_sip_from_2152, 0, 0, 34, 4, 192, 0, 0 },
	{ "ipip", t_ipip, 0, 1, 54, 4, 10, V_IPIP, 0 },
	{ "ipv6 in ipv4", t_ip6in4, 0, 1, 74, 6, 0x20, V_IPIP, 0 },
	{ "ipv4 in ipv6", t_ip4in6, 0, 1, 74, 4, 10, V_IPIP, 0 },
	{ "proto 4 with ipv6 inside", t_ipip_mismatch, DECAP_NOT_IP, 0, 0, 0, 0, V_IPIP, 0 },
	{ "nesting past the cap", t_too_deep, DEPTH_EXCEEDED, DECAP_MAX_DEPTH, 0, 0, 0, V_IPIP, 0 },
};

#define N_TUNNEL (sizeof(tunnel_cases) / sizeof(tunnel_cases[0]))

Test(decap_tunnel, table)
{
	for (size_t i = 0; i < N_TUNNEL; i++) {
		const struct tunnel_case *c = &tunnel_cases[i];
		struct frame f;
		c->build(&f);
		size_t len = fr_len(&f);
		const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), len);
		struct decap_ip d;
		uint32_t encap;
		int depth;
		int rc = pipeline(1, g, len, &d, &encap, &depth);
		cr_assert_eq(rc, c->rc, "%s: rc %d want %d", c->name, rc, c->rc);
		cr_assert_eq(encap, c->encap, "%s: encap %#x want %#x", c->name,
		    encap, c->encap);
		cr_assert_eq(depth, c->depth, "%s: depth %d", c->name, depth);
		if (rc != 0)
			continue;
		cr_assert_eq(d.l4, g + c->l4_off, "%s: l4 at %td want %zu",
		    c->name, d.l4 - g, c->l4_off);
		cr_assert_eq(d.version, c->version, "%s", c->name);
		cr_assert_eq(d.src[0], c->src0, "%s", c->name);
		cr_assert_eq(d.proto, 17, "%s", c->name);
		cr_assert_eq(d.truncated, 0, "%s", c->name);
		if (c->l4_len != 0) {
			cr_assert_eq(d.l4_len, c->l4_len, "%s", c->name);
			continue;
		}
		cr_assert_eq(d.l4_len, UDP_LEN, "%s", c->name);
		cr_assert_eq(memcmp(d.l4 + 8, sip_payload, SIP_LEN), 0, "%s", c->name);
	}
}

/* Every prefix: a defined code and no pointer outside the input (checked
 * in pipeline()); the guard page catches any over-read. */
Test(decap_tunnel, every_prefix)
{
	for (size_t i = 0; i < N_TUNNEL; i++) {
		const struct tunnel_case *c = &tunnel_cases[i];
		struct frame f;
		c->build(&f);
		size_t len = fr_len(&f);
		for (size_t n = 0; n < len; n++) {
			const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), n);
			struct decap_ip d;
			uint32_t encap;
			int depth;
			int rc = pipeline(1, g, n, &d, &encap, &depth);
			cr_assert(rc == 0 || rc == DECAP_TRUNCATED ||
			    rc == DECAP_NOT_IP || rc == DECAP_BAD_IP ||
			    rc == DEPTH_EXCEEDED, "%s[%zu]: rc %d", c->name, n, rc);
			/* a cut packet never looks whole */
			if (rc == 0 && c->rc == 0)
				cr_assert(d.truncated || d.l4 != g + c->l4_off,
				    "%s[%zu]", c->name, n);
		}
	}
}

Test(decap_tunnel, fragment_is_not_followed)
{
	struct frame f;
	t_gre(&f);
	f.b[f.off + 14 + 6] = 0x20; /* outer MF */
	size_t len = fr_len(&f);
	const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), len);
	struct decap_ip d;
	uint32_t encap;
	int depth;
	cr_assert_eq(pipeline(1, g, len, &d, &encap, &depth), 0);
	cr_assert_eq(depth, 0);
	cr_assert_eq(d.proto, 47);
	cr_assert_eq(d.is_fragment, 1);
	cr_assert_eq(encap, 0);
}

/* ---- decap_ip -------------------------------------------------------- */

struct ip_case {
	const char *name;
	const uint8_t *in;
	size_t len;
	int rc;
	uint8_t version, proto;
	size_t l4_off, l4_len;
	uint32_t ip_len;
	int truncated, is_fragment, more, has_options;
	uint32_t frag_off, frag_id;
};

#define V4(ihl, tot, id, frag, proto)                                          \
	0x40 | (ihl), 0, (uint8_t)((tot) >> 8), (uint8_t)(tot),                \
	    (uint8_t)((id) >> 8), (uint8_t)(id), (uint8_t)((frag) >> 8),      \
	    (uint8_t)(frag), 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2
#define V6(plen, nh)                                                           \
	0x60, 0, 0, 0, (uint8_t)((plen) >> 8), (uint8_t)(plen), nh, 64,        \
	    0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,           \
	    0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2
#define PAY8 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8

static const uint8_t ip_plain[] = { V4(5, 28, 1, 0x4000, 17), PAY8 };
static const uint8_t ip_opts[] = { V4(6, 32, 2, 0, 17), 1, 1, 1, 0, PAY8 };
static const uint8_t ip_frag_first[] = { V4(5, 28, 0x1111, 0x2000, 17), PAY8 };
static const uint8_t ip_frag_mid[] = { V4(5, 28, 0x1111, 0x2000 | 185, 17), PAY8 };
static const uint8_t ip_frag_last[] = { V4(5, 28, 0x1111, 370, 17), PAY8 };
static const uint8_t ip_bad_ihl[] = { V4(4, 28, 1, 0, 17), PAY8 };
static const uint8_t ip_bad_total[] = { V4(6, 20, 1, 0, 17), 1, 1, 1, 0, PAY8 };
static const uint8_t ip_bad_version[] = { 0x55, 0, 0, 28, PAY8, PAY8, PAY8 };
static const uint8_t ip_tso[] = { V4(5, 0, 1, 0, 6), PAY8, PAY8 };
static const uint8_t ip_cut[] = { V4(5, 1500, 1, 0, 17), PAY8 };
static const uint8_t ip_padded[] = { V4(5, 24, 1, 0, 17), PAY8 }; /* 4 bytes of link padding */
static const uint8_t ip6_plain[] = { V6(8, 17), PAY8 };
static const uint8_t ip6_chain[] = { V6(32, 0),
	60, 0, 1, 4, 0, 0, 0, 0,                          /* hop-by-hop, PadN */
	44, 0, 1, 4, 0, 0, 0, 0,                          /* dest opts */
	17, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef,        /* frag off 0, M */
	PAY8 };
static const uint8_t ip6_frag_mid[] = { V6(16, 44),
	17, 0, 0x04, 0xd1, 0, 0, 0, 9,                    /* off 1232, M */
	PAY8 };
static const uint8_t ip6_atomic[] = { V6(16, 44),
	17, 0, 0, 0, 0, 0, 0, 9, PAY8 };
static const uint8_t ip6_jumbo[] = { V6(0, 0),
	17, 0, 0xC2, 4, 0, 1, 0, 0,                       /* jumbo 65536 */
	PAY8, PAY8 };
static const uint8_t ip6_empty[] = { V6(0, 59) };
static const uint8_t ip6_rt_ah[] = { V6(40, 43),
	51, 0, 0, 0, 0, 0, 0, 0,                          /* routing */
	17, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* AH, 24 */
	PAY8 };
static const uint8_t ip6_esp[] = { V6(8, 50), PAY8 };
static const uint8_t ip6_overrun[] = { V6(8, 60), 17, 1, 0, 0, 0, 0, 0, 0, PAY8 };
static const uint8_t ip6_cut_ext[] = { V6(16, 60), 17, 1, 0, 0, 0, 0, 0, 0 };
#define DO(nh) nh, 0, 1, 4, 0, 0, 0, 0
static const uint8_t ip6_many[] = { V6(80, 60),
	DO(60), DO(60), DO(60), DO(60), DO(60), DO(60), DO(60), DO(60), DO(17),
	PAY8 };

#define IPC(name, in, rc) name, in, sizeof(in), rc

static const struct ip_case ip_cases[] = {
	{ IPC("ipv4 DF", ip_plain, 0), 4, 17, 20, 8, 28, 0, 0, 0, 0, 0, 1 },
	{ IPC("ipv4 options", ip_opts, 0), 4, 17, 24, 8, 32, 0, 0, 0, 1, 0, 2 },
	{ IPC("ipv4 first fragment", ip_frag_first, 0), 4, 17, 20, 8, 28, 0, 1, 1, 0, 0, 0x1111 },
	{ IPC("ipv4 middle fragment", ip_frag_mid, 0), 4, 17, 20, 8, 28, 0, 1, 1, 0, 1480, 0x1111 },
	{ IPC("ipv4 last fragment", ip_frag_last, 0), 4, 17, 20, 8, 28, 0, 1, 0, 0, 2960, 0x1111 },
	{ IPC("ipv4 ihl 4", ip_bad_ihl, DECAP_BAD_IP), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv4 total < ihl", ip_bad_total, DECAP_BAD_IP), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ IPC("version 5", ip_bad_version, DECAP_BAD_IP), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv4 total length 0 (TSO)", ip_tso, 0), 4, 6, 20, 16, 36, 0, 0, 0, 0, 0, 1 },
	{ IPC("ipv4 cut by caplen", ip_cut, 0), 4, 17, 20, 8, 1500, 1, 0, 0, 0, 0, 1 },
	{ IPC("ipv4 with link padding", ip_padded, 0), 4, 17, 20, 4, 24, 0, 0, 0, 0, 0, 1 },
	{ IPC("ipv6", ip6_plain, 0), 6, 17, 40, 8, 48, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 hbh+dstopt+frag", ip6_chain, 0), 6, 17, 64, 8, 72, 0, 1, 1, 0, 0, 0xdeadbeef },
	{ IPC("ipv6 middle fragment", ip6_frag_mid, 0), 6, 17, 48, 8, 56, 0, 1, 1, 0, 1232, 9 },
	{ IPC("ipv6 atomic fragment", ip6_atomic, 0), 6, 17, 48, 8, 56, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 jumbo", ip6_jumbo, 0), 6, 17, 48, 16, 64, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 no next header", ip6_empty, 0), 6, 59, 40, 0, 40, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 routing + ah", ip6_rt_ah, 0), 6, 17, 72, 8, 80, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 esp stops", ip6_esp, 0), 6, 50, 40, 8, 48, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 ext past payload length", ip6_overrun, DECAP_BAD_IP), 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 ext cut by caplen", ip6_cut_ext, DECAP_TRUNCATED), 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	{ IPC("ipv6 9 ext headers, cap 8", ip6_many, 0), 6, 60, 104, 16, 120, 0, 0, 0, 0, 0, 0 },
};

#define N_IP (sizeof(ip_cases) / sizeof(ip_cases[0]))

Test(decap_ip, table)
{
	for (size_t i = 0; i < N_IP; i++) {
		const struct ip_case *c = &ip_cases[i];
		const uint8_t *g = (const uint8_t *)guard_put(c->in, c->len);
		struct decap_ip d;
		int rc = decap_ip(g, c->len, &d);
		cr_assert_eq(rc, c->rc, "%s: rc %d want %d", c->name, rc, c->rc);
		if (rc != 0)
			continue;
		cr_assert_eq(d.version, c->version, "%s", c->name);
		cr_assert_eq(d.proto, c->proto, "%s: proto %u", c->name, d.proto);
		cr_assert_eq(d.l4, g + c->l4_off, "%s: l4 at %td", c->name, d.l4 - g);
		cr_assert_eq(d.l4_len, c->l4_len, "%s: l4_len %zu", c->name, d.l4_len);
		cr_assert_eq(d.ip_len, c->ip_len, "%s: ip_len %u", c->name, d.ip_len);
		cr_assert_eq(d.truncated, c->truncated, "%s", c->name);
		cr_assert_eq(d.is_fragment, c->is_fragment, "%s", c->name);
		cr_assert_eq(d.more_frags, c->more, "%s", c->name);
		cr_assert_eq(d.has_options, c->has_options, "%s", c->name);
		cr_assert_eq(d.frag_offset, c->frag_off, "%s: off %u", c->name, d.frag_offset);
		cr_assert_eq(d.frag_id, c->frag_id, "%s: id %#x", c->name, d.frag_id);
		if (d.version == 4) {
			cr_assert_eq(memcmp(d.src, in4_src, 4), 0, "%s", c->name);
			cr_assert_eq(memcmp(d.dst, in4_dst, 4), 0, "%s", c->name);
		} else {
			cr_assert_eq(memcmp(d.src, in6_src, 16), 0, "%s", c->name);
			cr_assert_eq(memcmp(d.dst, in6_dst, 16), 0, "%s", c->name);
		}
	}
}

Test(decap_ip, every_prefix)
{
	for (size_t i = 0; i < N_IP; i++) {
		const struct ip_case *c = &ip_cases[i];
		for (size_t n = 0; n < c->len; n++) {
			const uint8_t *g = (const uint8_t *)guard_put(c->in, n);
			struct decap_ip d;
			int rc = decap_ip(g, n, &d);
			cr_assert(rc == 0 || rc == DECAP_TRUNCATED || rc == DECAP_BAD_IP,
			    "%s[%zu]: rc %d", c->name, n, rc);
			if (n == 0)
				cr_assert_eq(rc, DECAP_TRUNCATED, "%s", c->name);
			if (rc == 0) {
				cr_assert(d.l4 >= g && d.l4 <= g + n &&
				    d.l4_len <= (size_t)(g + n - d.l4), "%s[%zu]", c->name, n);
				/* a prefix is truncated unless the IP length
				 * itself is what was captured */
				if (c->rc == 0 && c->ip_len <= c->len && n < c->ip_len &&
				    c->in != ip_tso && c->in != ip6_jumbo)
					cr_assert_eq(d.truncated, 1, "%s[%zu]", c->name, n);
			}
		}
	}
}

Test(decap_ip, skip_ext)
{
	static const uint8_t ext[] = {
		44, 0, 1, 4, 0, 0, 0, 0,       /* dest opts, next fragment */
		51, 0, 0, 0x08, 0, 0, 0, 1,    /* fragment (stepped over) */
		17, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* AH: 12 bytes */
		PAY8,
	};
	const uint8_t *g = (const uint8_t *)guard_put(ext, sizeof(ext));
	uint8_t proto = 0;
	size_t off = 0;
	cr_assert_eq(decap_ip6_skip_ext(60, g, sizeof(ext), &proto, &off), 0);
	cr_assert_eq(proto, 17);
	cr_assert_eq(off, 28);
	cr_assert_eq(decap_ip6_skip_ext(17, g, sizeof(ext), &proto, &off), 0);
	cr_assert_eq(proto, 17);
	cr_assert_eq(off, 0);
	for (size_t n = 0; n < 28; n++) {
		g = (const uint8_t *)guard_put(ext, n);
		cr_assert_eq(decap_ip6_skip_ext(60, g, n, &proto, &off),
		    DECAP_TRUNCATED, "prefix %zu", n);
	}
}

/* The GTP-U and UDP length fields bound the inner packet, not just the
 * outer IP length. */
static size_t
inner_len_after_patch(void (*build)(struct frame *), size_t at, unsigned minus)
{
	struct frame f;
	build(&f);
	uint8_t *fld = f.b + f.off + at;
	unsigned v = (unsigned)(fld[0] << 8 | fld[1]) - minus;
	fld[0] = (uint8_t)(v >> 8);
	fld[1] = (uint8_t)v;
	size_t len = fr_len(&f);
	const uint8_t *g = (const uint8_t *)guard_put(fr_data(&f), len);
	const uint8_t *ip, *inner;
	size_t ip_len, inner_len = 0;
	uint32_t encap = 0;
	struct decap_ip d;
	cr_assert_eq(decap_link(1, g, len, &ip, &ip_len, &encap), DECAP_OK);
	cr_assert_eq(decap_ip(ip, ip_len, &d), 0);
	cr_assert_eq(decap_tunnel(&d, &inner, &inner_len, &encap), DECAP_OK);
	cr_assert(inner >= g && inner + inner_len <= g + len);
	return inner_len;
}

Test(decap_tunnel, inner_length_fields)
{
	size_t ip4_len = 20 + UDP_LEN;
	cr_assert_eq(inner_len_after_patch(t_gtp, 14 + 20 + 8 + 2, 0), ip4_len);
	cr_assert_eq(inner_len_after_patch(t_gtp, 14 + 20 + 8 + 2, 5), ip4_len - 5);
	cr_assert_eq(inner_len_after_patch(t_vxlan, 14 + 20 + 4, 0), ip4_len);
	cr_assert_eq(inner_len_after_patch(t_vxlan, 14 + 20 + 4, 3), ip4_len - 3);
}

/* ip4_text writes what inet_ntop() writes, for every value of each byte
 * position (the others varied too). */
Test(ip4_text, as_inet_ntop)
{
	for (unsigned i = 0; i < 65536; i++) {
		uint8_t a[4] = { (uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i * 7), (uint8_t)(i >> 3) };
		char got[16], want[16];
		size_t n = ip4_text(got, a);
		cr_assert_not_null(inet_ntop(AF_INET, a, want, sizeof(want)));
		cr_assert_str_eq(got, want);
		cr_assert_eq(n, strlen(want));
	}
}
