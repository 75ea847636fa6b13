/*
 * config.c - the YAML configuration loader (libyaml document API).
 *
 * A file is untrusted input: it is size-limited, pre-scanned with the event
 * API (aliases, nesting, node count, more than one document), then loaded
 * and walked against a fixed schema.  Every list and free-form mapping has
 * a cap.  The built-in defaults are YAML text (default_rules.c) applied by
 * the same code, and a user's file is applied over them: keys it does not
 * mention keep their default values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "rules/config.h"

#define CFG_MAX_FILE (1024 * 1024) /* bytes */
#define CFG_MAX_DEPTH 16           /* the schema needs 5 */
#define CFG_MAX_NODES 262144
#define CFG_MAX_NETWORKS 256
#define CFG_MAX_NET_ENTRIES 65536
#define CFG_MAX_DOMAINS 1024
#define CFG_MAX_CUSTOM 1024
#define CFG_MAX_USERS 4096
#define CFG_MAX_PATTERNS 1024
#define CFG_MAX_DOMAIN 253 /* RFC 1035 */
#define CFG_MAX_HEADER 64  /* a custom rule's header name */
#define CFG_MAX_USER 256
#define CFG_SHOW 64 /* bytes of a value quoted in a message */

#define THRESHOLD_MIN 1
#define THRESHOLD_MAX 1000000
#define DURATION_MAX_MS (7u * 24 * 3600 * 1000)
#define RATE_MAX 1000000
#define TABLE_MIN 16
#define TABLE_MAX 16777216
#define LIMIT_MAX 65535
#define BODY_LIMIT_MAX 16777216

#define BUILTIN_NAME "(built-in)"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ names */

static const char *const sev_names[SEV__COUNT] = {
	"info", "low", "medium", "high", "critical"
};

const char *
rule_severity_name(int sev)
{
	return sev >= 0 && sev < SEV__COUNT ? sev_names[sev] : "unknown";
}

int
rule_severity_parse(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < SEV__COUNT; i++)
		if (strcasecmp(name, sev_names[i]) == 0)
			return i;
	return -1;
}

static const char *const rule_names[R__COUNT] = {
#define RULE_NAME(id, name, key, sev) name,
	RULE_MAP(RULE_NAME)
#undef RULE_NAME
};

static const char *const rule_keys[R__COUNT] = {
#define RULE_KEY(id, name, key, sev) key,
	RULE_MAP(RULE_KEY)
#undef RULE_KEY
};

const char *
rule_name(unsigned id)
{
	return id < R__COUNT ? rule_names[id] : "unknown";
}

const char *
rule_key(unsigned id)
{
	return id < R__COUNT ? rule_keys[id] : "unknown";
}

int
rule_config_network(const struct rule_config *c, const char *name)
{
	size_t i;

	for (i = 0; c != NULL && name != NULL && i < c->n_networks; i++)
		if (strcmp(c->networks[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------ schema */

/* Which keys a built-in rule takes beyond enabled, severity, suppress. */
enum {
	RF_THRESHOLD = 1 << 0, /* threshold and window */
	RF_WINDOW = 1 << 1,    /* window only (auth_breach) */
	RF_ALLOW_FROM = 1 << 2,
	RF_DENY = 1 << 3,      /* deny and users */
	RF_REQUIRE_TLS = 1 << 4,
	RF_PATTERNS = 1 << 5,  /* patterns and add_patterns */
	RF_SHA256 = 1 << 6,
	RF_LIMITS = 1 << 7,
};

static unsigned
rule_flags(unsigned id)
{
	switch (id) {
	case R_UNKNOWN_SOURCE: return RF_ALLOW_FROM;
	case R_DISALLOWED_URI: return RF_DENY;
	case R_CLEARTEXT_SIGNALLING: return RF_REQUIRE_TLS;
	case R_SCANNER: return RF_PATTERNS;
	case R_WEAK_AUTH: return RF_SHA256;
	case R_MALFORMED: return RF_LIMITS;
	case R_AUTH_BREACH: return RF_WINDOW;
	case R_FROM_FLOOD:
	case R_SOURCE_FLOOD:
	case R_INVITE_FLOOD:
	case R_REGISTER_FLOOD:
	case R_AUTH_BRUTEFORCE:
	case R_USER_ENUMERATION:
		return RF_THRESHOLD;
	default:
		return 0;
	}
}

static const struct {
	const char *key;
	size_t off;
	uint32_t max;
} limit_keys[] = {
	{ "uri", offsetof(struct sip_limits, max_uri), LIMIT_MAX },
	{ "call_id", offsetof(struct sip_limits, max_call_id), LIMIT_MAX },
	{ "from", offsetof(struct sip_limits, max_from), LIMIT_MAX },
	{ "to", offsetof(struct sip_limits, max_to), LIMIT_MAX },
	{ "contact", offsetof(struct sip_limits, max_contact), LIMIT_MAX },
	{ "via", offsetof(struct sip_limits, max_via), LIMIT_MAX },
	{ "cseq_method", offsetof(struct sip_limits, max_cseq_method), LIMIT_MAX },
	{ "body", offsetof(struct sip_limits, max_body), BODY_LIMIT_MAX },
};

/* ------------------------------------------------------------ errors */

struct ctx {
	const char *name;
	yaml_document_t *doc;
	struct rule_config *c;
	char *err;
	size_t errlen;
	char path[256]; /* "rules.from_flood.window", "networks.trusted[1]" */
	size_t plen;
};

/* Quotes at most CFG_SHOW bytes of s as printable ASCII, so a hostile file
 * cannot put terminal escapes into a message. */
static const char *
show(char *dst, size_t dstlen, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 4 < dstlen && i < CFG_SHOW; i++) {
		unsigned char ch = (unsigned char)s[i];

		dst[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	if (i < len && o + 4 < dstlen) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	if (dstlen > 0)
		dst[o < dstlen ? o : dstlen - 1] = '\0';
	return dst;
}

static void
errf(char *err, size_t errlen, const char *name, size_t line, size_t col,
    const char *msg)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s:%zu:%zu: %s", name, line, col, msg);
}

__attribute__((format(printf, 3, 4))) static int
fail(struct ctx *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512], full[800];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s%s%s", x->path, x->plen > 0 ? ": " : "", msg);
	errf(x->err, x->errlen, x->name, n->start_mark.line + 1,
	    n->start_mark.column + 1, full);
	return -1;
}

static const char *
got(const yaml_node_t *n, char *buf, size_t len)
{
	char s[CFG_SHOW + 8];

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	show(s, sizeof(s), (const char *)n->data.scalar.value, n->data.scalar.length);
	snprintf(buf, len, "\"%s\"", s);
	return buf;
}

static int
fail_type(struct ctx *x, const yaml_node_t *n, const char *expected)
{
	char g[CFG_SHOW + 16];

	return fail(x, n, "expected %s, got %s", expected, got(n, g, sizeof(g)));
}

__attribute__((format(printf, 2, 3))) static size_t
path_push(struct ctx *x, const char *fmt, ...)
{
	size_t old = x->plen;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->path + old, sizeof(x->path) - old, fmt, ap);
	va_end(ap);
	x->plen = strlen(x->path);
	return old;
}

static size_t
path_key(struct ctx *x, const char *key)
{
	char s[CFG_SHOW + 8];

	show(s, sizeof(s), key, strlen(key));
	return path_push(x, x->plen == 0 ? "%s" : ".%s", s);
}

static void
path_pop(struct ctx *x, size_t old)
{
	x->plen = old;
	x->path[old] = '\0';
}

/* ------------------------------------------------------------ nodes */

static yaml_node_t *
node(struct ctx *x, int idx)
{
	return yaml_document_get_node(x->doc, idx);
}

static const char *
sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* An empty value ("key:" with nothing after it, ~, null) stands for an
 * empty mapping or list. */
static int
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = sval(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static int
as_map(struct ctx *x, const yaml_node_t *n, yaml_node_pair_t **b, yaml_node_pair_t **e)
{
	*b = *e = NULL;
	if (n->type == YAML_MAPPING_NODE) {
		*b = n->data.mapping.pairs.start;
		*e = n->data.mapping.pairs.top;
		return 0;
	}
	return is_null(n) ? 0 : fail_type(x, n, "a mapping");
}

static int
as_seq(struct ctx *x, const yaml_node_t *n, yaml_node_item_t **b, yaml_node_item_t **e)
{
	*b = *e = NULL;
	if (n->type == YAML_SEQUENCE_NODE) {
		*b = n->data.sequence.items.start;
		*e = n->data.sequence.items.top;
		return 0;
	}
	return is_null(n) ? 0 : fail_type(x, n, "a list");
}

static int
as_str(struct ctx *x, const yaml_node_t *n, const char *expected, const char **out)
{
	*out = "";
	if (n->type != YAML_SCALAR_NODE)
		return fail_type(x, n, expected);
	if (strlen(sval(n)) != n->data.scalar.length)
		return fail(x, n, "expected %s without NUL bytes", expected);
	*out = sval(n);
	return 0;
}

/* A mapping key: a string without NUL bytes. */
static const char *
key_of(struct ctx *x, const yaml_node_t *map, const yaml_node_pair_t *p)
{
	const yaml_node_t *k = node(x, p->key);
	const char *s;

	if (k == NULL) {
		fail(x, map, "bad mapping key");
		return NULL;
	}
	if (as_str(x, k, "a string key", &s) < 0)
		return NULL;
	return s;
}

/* Every key of map is one of keys[] and appears once. */
static int
map_check(struct ctx *x, const yaml_node_t *map, const char *const *keys, size_t nk)
{
	yaml_node_pair_t *b, *e, *p;
	uint64_t seen = 0;
	size_t i, o;
	char list[512];

	if (as_map(x, map, &b, &e) < 0)
		return -1;
	for (p = b; p < e; p++) {
		const char *k = key_of(x, map, p);

		if (k == NULL)
			return -1;
		for (i = 0; i < nk && strcmp(k, keys[i]) != 0; i++)
			;
		if (i == nk) {
			list[0] = '\0';
			for (i = 0, o = 0; i < nk && o < sizeof(list); i++)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
				    i > 0 ? ", " : "", keys[i]);
			path_key(x, k);
			return fail(x, node(x, p->key), "unknown key; expected one of: %s", list);
		}
		if (i < 64 && (seen & (1ull << i))) {
			path_key(x, k);
			return fail(x, node(x, p->key), "duplicate key");
		}
		if (i < 64)
			seen |= 1ull << i;
	}
	return 0;
}

/* The value of key in a mapping checked by map_check, or NULL. */
static yaml_node_t *
map_get(struct ctx *x, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(x, p->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE && strcmp(sval(k), key) == 0)
			return node(x, p->value);
	}
	return NULL;
}

/* ------------------------------------------------------------ values */

typedef int (*value_fn)(struct ctx *x, const yaml_node_t *v, void *out);

/* Parses map[key] with fn when the key is present; absent keys keep the
 * value already in *out (the default being merged over). */
static int
field(struct ctx *x, const yaml_node_t *map, const char *key, value_fn fn, void *out)
{
	const yaml_node_t *v = map_get(x, map, key);
	size_t old;
	int rc;

	if (v == NULL)
		return 0;
	old = path_key(x, key);
	rc = fn(x, v, out);
	if (rc == 0)
		path_pop(x, old);
	return rc;
}

static int
v_bool(struct ctx *x, const yaml_node_t *v, void *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	size_t i;

	if (v->type == YAML_SCALAR_NODE) {
		for (i = 0; i < N(yes); i++) {
			if (strcasecmp(sval(v), yes[i]) == 0) {
				*(int *)out = 1;
				return 0;
			}
			if (strcasecmp(sval(v), no[i]) == 0) {
				*(int *)out = 0;
				return 0;
			}
		}
	}
	return fail_type(x, v, "a boolean (true or false)");
}

/* Plain decimal digits, at most 12 of them; -1 otherwise. */
static int
decimal(const char *s, size_t *used, uint64_t *out)
{
	size_t i;
	uint64_t v = 0;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		if (i == 12)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return -1;
	*used = i;
	*out = v;
	return 0;
}

struct uint_arg {
	uint32_t *out;
	uint32_t lo, hi;
};

static int
v_uint(struct ctx *x, const yaml_node_t *v, void *arg)
{
	const struct uint_arg *a = arg;
	char want[64];
	uint64_t n;
	size_t used;

	snprintf(want, sizeof(want), "a number from %lu to %lu", (unsigned long)a->lo,
	    (unsigned long)a->hi);
	if (v->type != YAML_SCALAR_NODE || decimal(sval(v), &used, &n) < 0 ||
	    used != v->data.scalar.length || n < a->lo || n > a->hi)
		return fail_type(x, v, want);
	*a->out = (uint32_t)n;
	return 0;
}

static int
v_threshold(struct ctx *x, const yaml_node_t *v, void *out)
{
	struct uint_arg a = { out, THRESHOLD_MIN, THRESHOLD_MAX };

	return v_uint(x, v, &a);
}

static int
v_custom_threshold(struct ctx *x, const yaml_node_t *v, void *out)
{
	struct uint_arg a = { out, 0, THRESHOLD_MAX };

	return v_uint(x, v, &a);
}

/* "500ms", "10s", "5m", "1h", "7d" or a bare number of seconds. */
static int
v_duration(struct ctx *x, const yaml_node_t *v, void *out)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	uint64_t n;
	size_t used, i;
	const char *s;

	if (v->type != YAML_SCALAR_NODE)
		return fail_type(x, v, "a duration like 10s");
	s = sval(v);
	if (decimal(s, &used, &n) < 0)
		return fail_type(x, v, "a duration like 500ms, 10s, 5m, 1h or 1d");
	for (i = 0; i < N(units) && strcmp(s + used, units[i].unit) != 0; i++)
		;
	if (i == N(units) || strlen(s) != v->data.scalar.length)
		return fail_type(x, v, "a duration like 500ms, 10s, 5m, 1h or 1d");
	if (n == 0 || n > DURATION_MAX_MS / units[i].ms)
		return fail_type(x, v, "a duration from 1ms to 7d");
	*(uint32_t *)out = (uint32_t)(n * units[i].ms);
	return 0;
}

/* alert_rate: {count: N, per: DURATION}; per defaults to 1s, count to 0
 * (no limit) when only per is given. */
static int
v_rate(struct ctx *x, const yaml_node_t *v, void *out)
{
	static const char *const keys[] = { "count", "per" };
	struct alert_rate *r = out, nr = { 0, 1000, 1 };
	struct uint_arg a = { &nr.count, 0, RATE_MAX };

	if (v->type != YAML_MAPPING_NODE)
		return fail_type(x, v, "a mapping like {count: 1000, per: 1s}");
	if (map_check(x, v, keys, N(keys)) < 0 ||
	    field(x, v, "count", v_uint, &a) < 0 ||
	    field(x, v, "per", v_duration, &nr.per_ms) < 0)
		return -1;
	*r = nr;
	return 0;
}

static int
v_severity(struct ctx *x, const yaml_node_t *v, void *out)
{
	int sev = v->type == YAML_SCALAR_NODE ? rule_severity_parse(sval(v)) : -1;

	if (sev < 0)
		return fail_type(x, v, "a severity (info, low, medium, high, critical)");
	*(int *)out = sev;
	return 0;
}

/* A list of network names, replacing *out. */
static int
v_refs(struct ctx *x, const yaml_node_t *v, void *out)
{
	struct net_refs r;
	yaml_node_item_t *b, *e, *it;
	size_t old;

	memset(&r, 0, sizeof(r));
	if (as_seq(x, v, &b, &e) < 0)
		return -1;
	for (it = b; it < e; it++) {
		const yaml_node_t *item = node(x, *it);
		const char *name;
		char s[CFG_SHOW + 8];
		int idx;

		old = path_push(x, "[%zu]", (size_t)(it - b));
		if (r.n >= CFG_MAX_REFS)
			return fail(x, item, "more than %d networks", CFG_MAX_REFS);
		if (as_str(x, item, "a network name", &name) < 0)
			return -1;
		idx = rule_config_network(x->c, name);
		if (idx < 0)
			return fail(x, item, "unknown network \"%s\" (define it under "
			    "networks)", show(s, sizeof(s), name, strlen(name)));
		r.idx[r.n++] = (uint16_t)idx;
		path_pop(x, old);
	}
	*(struct net_refs *)out = r;
	return 0;
}

struct pat_arg {
	struct pattern_list *l;
	unsigned flags;
};

/* Appends a list of patterns to a->l. */
static int
v_patterns(struct ctx *x, const yaml_node_t *v, void *arg)
{
	const struct pat_arg *a = arg;
	yaml_node_item_t *b, *e, *it;
	char perr[256];

	if (as_seq(x, v, &b, &e) < 0)
		return -1;
	for (it = b; it < e; it++) {
		const yaml_node_t *item = node(x, *it);
		const char *re;
		size_t old = path_push(x, "[%zu]", (size_t)(it - b));

		if (a->l->n >= CFG_MAX_PATTERNS)
			return fail(x, item, "more than %d patterns", CFG_MAX_PATTERNS);
		if (as_str(x, item, "a pattern (a string)", &re) < 0)
			return -1;
		if (pattern_list_add(a->l, re, a->flags, perr, sizeof(perr)) < 0)
			return fail(x, item, "bad pattern: %s", perr);
		path_pop(x, old);
	}
	return 0;
}

/* Replaces *out with a freshly parsed list. */
static int
v_patterns_replace(struct ctx *x, const yaml_node_t *v, struct pattern_list *out,
    unsigned flags)
{
	struct pattern_list l = { NULL, 0 };
	struct pat_arg a = { &l, flags };

	if (v_patterns(x, v, &a) < 0) {
		pattern_list_free(&l);
		return -1;
	}
	pattern_list_free(out);
	*out = l;
	return 0;
}

static int
name_ok(const char *s)
{
	size_t len = strlen(s);

	return len > 0 && len <= RULE_NAME_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789_.-") == len;
}

#define NAME_WANTED "a name of letters, digits, '_', '.' or '-' (at most 64)"

static char *
dup_or_fail(struct ctx *x, const yaml_node_t *n, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		fail(x, n, "out of memory");
	return d;
}

/* ------------------------------------------------------------ sections */

static int
apply_networks(struct ctx *x, const yaml_node_t *n)
{
	yaml_node_pair_t *b, *e, *p;
	struct rule_config *c = x->c;
	char cerr[256];

	if (as_map(x, n, &b, &e) < 0)
		return -1;
	for (p = b; p < e; p++) {
		const yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		yaml_node_item_t *ib, *ie, *it;
		struct net_def d = { NULL, NULL }, *nv;
		const char *name = key_of(x, n, p);
		size_t old;

		if (name == NULL)
			return -1;
		old = path_key(x, name);
		if (!name_ok(name))
			return fail_type(x, k, NAME_WANTED);
		if (rule_config_network(c, name) >= 0)
			return fail(x, k, "network defined twice");
		if (c->n_networks >= CFG_MAX_NETWORKS)
			return fail(x, k, "more than %d networks", CFG_MAX_NETWORKS);
		if (as_seq(x, v, &ib, &ie) < 0)
			return -1;
		if (ie - ib > CFG_MAX_NET_ENTRIES)
			return fail(x, v, "more than %d entries", CFG_MAX_NET_ENTRIES);
		d.set = cidr_set_new();
		d.name = strdup(name);
		nv = realloc(c->networks, (c->n_networks + 1) * sizeof(*nv));
		if (nv == NULL || d.set == NULL || d.name == NULL) {
			if (nv != NULL)
				c->networks = nv;
			cidr_set_free(d.set);
			free(d.name);
			return fail(x, k, "out of memory");
		}
		c->networks = nv;
		/* Owned by the config from here, so an error below frees it. */
		c->networks[c->n_networks++] = d;
		for (it = ib; it < ie; it++) {
			const yaml_node_t *item = node(x, *it);
			const char *text;
			size_t o2 = path_push(x, "[%zu]", (size_t)(it - ib));

			if (as_str(x, item, "an address or network", &text) < 0)
				return -1;
			if (cidr_set_add(d.set, text, cerr, sizeof(cerr)) < 0)
				return fail(x, item, "%s", cerr);
			path_pop(x, o2);
		}
		path_pop(x, old);
	}
	return 0;
}

static int
v_limits(struct ctx *x, const yaml_node_t *v, void *out)
{
	const char *keys[N(limit_keys)];
	struct sip_limits lim = *(struct sip_limits *)out;
	size_t i;

	for (i = 0; i < N(limit_keys); i++)
		keys[i] = limit_keys[i].key;
	if (map_check(x, v, keys, N(keys)) < 0)
		return -1;
	for (i = 0; i < N(limit_keys); i++) {
		struct uint_arg a = {
			(uint32_t *)(void *)((char *)&lim + limit_keys[i].off), 1,
			limit_keys[i].max
		};

		if (field(x, v, limit_keys[i].key, v_uint, &a) < 0)
			return -1;
	}
	*(struct sip_limits *)out = lim;
	return 0;
}

static void
users_free(struct user_allow *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(u[i].user);
		pattern_list_free(&u[i].allow);
	}
	free(u);
}

/* users: {name: [patterns]}, replacing the whole map. */
static int
v_users(struct ctx *x, const yaml_node_t *v, void *unused)
{
	struct rule_config *c = x->c;
	yaml_node_pair_t *b, *e, *p;
	struct user_allow *u;
	size_t n = 0, i;
	int rc = -1;

	(void)unused;
	if (as_map(x, v, &b, &e) < 0)
		return -1;
	if (e - b > CFG_MAX_USERS)
		return fail(x, v, "more than %d users", CFG_MAX_USERS);
	u = calloc((size_t)(e - b) + 1, sizeof(*u));
	if (u == NULL)
		return fail(x, v, "out of memory");
	for (p = b; p < e; p++) {
		const yaml_node_t *k = node(x, p->key);
		const char *name = key_of(x, v, p);
		struct pat_arg a;
		size_t old, len;

		if (name == NULL)
			goto out;
		old = path_key(x, name);
		len = strlen(name);
		if (len == 0 || len > CFG_MAX_USER) {
			fail_type(x, k, "a user name (1 to 256 bytes)");
			goto out;
		}
		for (i = 0; i < n && strcmp(u[i].user, name) != 0; i++)
			;
		if (i < n) {
			fail(x, k, "user listed twice");
			goto out;
		}
		if ((u[n].user = dup_or_fail(x, k, name)) == NULL)
			goto out;
		n++;
		/* RFC 3261 19.1.4: scheme and host compare case-insensitively. */
		a.l = &u[n - 1].allow;
		a.flags = PATTERN_CASELESS;
		if (v_patterns(x, node(x, p->value), &a) < 0)
			goto out;
		path_pop(x, old);
	}
	users_free(c->du_users, c->n_du_users);
	c->du_users = u;
	c->n_du_users = n;
	return 0;
out:
	users_free(u, n);
	return rc;
}

static int
v_deny(struct ctx *x, const yaml_node_t *v, void *out)
{
	return v_patterns_replace(x, v, out, PATTERN_CASELESS);
}

/* Scanner patterns are matched case-insensitively: tools vary the case of
 * their User-Agent between versions. */
static int
v_scanner(struct ctx *x, const yaml_node_t *v, void *out)
{
	return v_patterns_replace(x, v, out, PATTERN_CASELESS);
}

static int
v_scanner_add(struct ctx *x, const yaml_node_t *v, void *out)
{
	struct pat_arg a = { out, PATTERN_CASELESS };

	return v_patterns(x, v, &a);
}

static int
apply_rule(struct ctx *x, unsigned id, const yaml_node_t *n)
{
	struct rule_config *c = x->c;
	struct rule_common *r = &c->r[id];
	unsigned fl = rule_flags(id);
	const char *keys[16];
	size_t nk = 0;
	yaml_node_pair_t *b, *e, *p;

	if (as_map(x, n, &b, &e) < 0)
		return -1;
	/* A threshold on a rule that counts nothing is a misunderstanding
	 * worth naming, not just an unknown key. */
	for (p = b; p < e; p++) {
		const char *k = key_of(x, n, p);

		if (k == NULL)
			return -1;
		if (strcmp(k, "threshold") == 0 && !(fl & RF_THRESHOLD)) {
			path_key(x, k);
			return fail(x, node(x, p->key), "this rule has no threshold");
		}
		if (strcmp(k, "window") == 0 && !(fl & (RF_THRESHOLD | RF_WINDOW))) {
			path_key(x, k);
			return fail(x, node(x, p->key), "this rule has no window");
		}
	}
	keys[nk++] = "enabled";
	keys[nk++] = "severity";
	keys[nk++] = "suppress";
	if (fl & RF_THRESHOLD)
		keys[nk++] = "threshold";
	if (fl & (RF_THRESHOLD | RF_WINDOW))
		keys[nk++] = "window";
	keys[nk++] = "alert_rate";
	if (fl & RF_ALLOW_FROM)
		keys[nk++] = "allow_from";
	if (fl & RF_DENY) {
		keys[nk++] = "deny";
		keys[nk++] = "users";
	}
	if (fl & RF_REQUIRE_TLS)
		keys[nk++] = "require_tls";
	if (fl & RF_PATTERNS) {
		keys[nk++] = "patterns";
		keys[nk++] = "add_patterns";
	}
	if (fl & RF_SHA256)
		keys[nk++] = "require_sha256";
	if (fl & RF_LIMITS)
		keys[nk++] = "limits";
	if (map_check(x, n, keys, nk) < 0)
		return -1;

	if (field(x, n, "enabled", v_bool, &r->enabled) < 0 ||
	    field(x, n, "severity", v_severity, &r->severity) < 0 ||
	    field(x, n, "suppress", v_duration, &r->suppress_ms) < 0 ||
	    field(x, n, "alert_rate", v_rate, &r->rate) < 0 ||
	    field(x, n, "threshold", v_threshold, &r->threshold) < 0 ||
	    field(x, n, "window", v_duration, &r->window_ms) < 0 ||
	    field(x, n, "allow_from", v_refs, &c->us_allow_from) < 0 ||
	    field(x, n, "deny", v_deny, &c->du_deny) < 0 ||
	    field(x, n, "users", v_users, NULL) < 0 ||
	    field(x, n, "require_tls", v_refs, &c->cs_require_tls) < 0 ||
	    /* patterns replaces the list before add_patterns extends it,
	     * whatever their order in the file. */
	    field(x, n, "patterns", v_scanner, &c->scanner) < 0 ||
	    field(x, n, "add_patterns", v_scanner_add, &c->scanner) < 0 ||
	    field(x, n, "require_sha256", v_bool, &c->wa_require_sha256) < 0 ||
	    field(x, n, "limits", v_limits, &c->limits) < 0)
		return -1;
	return 0;
}

static int
apply_rules(struct ctx *x, const yaml_node_t *n)
{
	unsigned id;
	size_t old;

	if (map_check(x, n, rule_keys, R__COUNT) < 0)
		return -1;
	for (id = 0; id < R__COUNT; id++) {
		const yaml_node_t *v = map_get(x, n, rule_keys[id]);

		if (v == NULL)
			continue;
		old = path_key(x, rule_keys[id]);
		if (apply_rule(x, id, v) < 0)
			return -1;
		path_pop(x, old);
	}
	return 0;
}

static int
apply_domain(struct ctx *x, const yaml_node_t *n, struct domain_def *d)
{
	static const char *const keys[] = {
		"name", "allow_from", "require_tls", "require_auth", "require_sha256"
	};
	const yaml_node_t *v;
	const char *name;
	char s[CFG_SHOW + 8];
	size_t i, old, len;

	if (map_check(x, n, keys, N(keys)) < 0)
		return -1;
	if ((v = map_get(x, n, "name")) == NULL)
		return fail(x, n, "missing key \"name\"");
	old = path_key(x, "name");
	if (as_str(x, v, "a domain name", &name) < 0)
		return -1;
	len = strlen(name);
	if (len == 0 || len > CFG_MAX_DOMAIN || strcspn(name, " \t\r\n") != len)
		return fail_type(x, v, "a domain name (1 to 253 bytes, no spaces)");
	for (i = 0; i < x->c->n_domains; i++)
		if (strcasecmp(x->c->domains[i].name, name) == 0)
			return fail(x, v, "domain \"%s\" listed twice",
			    show(s, sizeof(s), name, len));
	path_pop(x, old);
	/* Domains inherit weak_auth.require_sha256 (rules are applied first). */
	d->require_sha256 = x->c->wa_require_sha256;
	if (field(x, n, "allow_from", v_refs, &d->allow_from) < 0 ||
	    field(x, n, "require_tls", v_bool, &d->require_tls) < 0 ||
	    field(x, n, "require_auth", v_bool, &d->require_auth) < 0 ||
	    field(x, n, "require_sha256", v_bool, &d->require_sha256) < 0)
		return -1;
	if ((d->name = dup_or_fail(x, v, name)) == NULL)
		return -1;
	return 0;
}

static int
apply_domains(struct ctx *x, const yaml_node_t *n)
{
	struct rule_config *c = x->c;
	yaml_node_item_t *b, *e, *it;

	if (as_seq(x, n, &b, &e) < 0)
		return -1;
	for (it = b; it < e; it++) {
		const yaml_node_t *item = node(x, *it);
		struct domain_def d, *nv;
		size_t old = path_push(x, "[%zu]", (size_t)(it - b));

		if (c->n_domains >= CFG_MAX_DOMAINS)
			return fail(x, item, "more than %d domains", CFG_MAX_DOMAINS);
		memset(&d, 0, sizeof(d));
		if (apply_domain(x, item, &d) < 0)
			return -1;
		nv = realloc(c->domains, (c->n_domains + 1) * sizeof(*nv));
		if (nv == NULL) {
			free(d.name);
			return fail(x, item, "out of memory");
		}
		c->domains = nv;
		c->domains[c->n_domains++] = d;
		path_pop(x, old);
	}
	return 0;
}

static void
custom_clear(struct custom_def *d)
{
	free(d->name);
	free(d->header);
	pattern_free(d->re);
}

static int
header_ok(const char *s)
{
	size_t len = strlen(s);

	/* RFC 3261 25.1: a header name is a token. */
	return len > 0 && len <= CFG_MAX_HEADER &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789-.!%*_+`'~") == len;
}

static int
apply_custom_one(struct ctx *x, const yaml_node_t *n, struct custom_def *d)
{
	static const char *const keys[] = {
		"name", "header", "target", "pcre", "severity", "threshold",
		"window", "suppress", "enabled", "alert_rate"
	};
	struct rule_config *c = x->c;
	const yaml_node_t *vn, *vh, *vt, *vp;
	const char *name, *s;
	char perr[256];
	size_t i, old;

	if (map_check(x, n, keys, N(keys)) < 0)
		return -1;
	vn = map_get(x, n, "name");
	vh = map_get(x, n, "header");
	vt = map_get(x, n, "target");
	vp = map_get(x, n, "pcre");
	if (vn == NULL)
		return fail(x, n, "missing key \"name\"");
	if (vp == NULL)
		return fail(x, n, "missing key \"pcre\"");
	if (vh == NULL && vt == NULL)
		return fail(x, n, "missing key \"header\" (or \"target: request-line\" "
		    "or \"target: body\")");
	if (vh != NULL && vt != NULL)
		return fail(x, vt, "give either header or target, not both");

	old = path_key(x, "name");
	if (as_str(x, vn, NAME_WANTED, &name) < 0)
		return -1;
	if (!name_ok(name))
		return fail_type(x, vn, NAME_WANTED);
	for (i = 0; i < R__COUNT; i++)
		if (strcmp(name, rule_names[i]) == 0 || strcmp(name, rule_keys[i]) == 0)
			return fail(x, vn, "\"%s\" is the name of a built-in rule", name);
	for (i = 0; i < c->n_customs; i++)
		if (strcmp(name, c->customs[i].name) == 0)
			return fail(x, vn, "custom rule \"%s\" defined twice", name);
	if ((d->name = dup_or_fail(x, vn, name)) == NULL)
		return -1;
	path_pop(x, old);

	if (vh != NULL) {
		old = path_key(x, "header");
		if (as_str(x, vh, "a header name", &s) < 0)
			return -1;
		if (!header_ok(s))
			return fail_type(x, vh, "a header name");
		d->target = CUSTOM_HEADER;
		if ((d->header = dup_or_fail(x, vh, s)) == NULL)
			return -1;
		path_pop(x, old);
	} else {
		old = path_key(x, "target");
		if (as_str(x, vt, "request-line or body", &s) < 0)
			return -1;
		if (strcmp(s, "request-line") == 0)
			d->target = CUSTOM_REQUEST_LINE;
		else if (strcmp(s, "body") == 0)
			d->target = CUSTOM_BODY;
		else
			return fail_type(x, vt, "request-line or body (or use header:)");
		path_pop(x, old);
	}

	old = path_key(x, "pcre");
	if (as_str(x, vp, "a pattern (a string)", &s) < 0)
		return -1;
	if ((d->re = pattern_compile(s, 0, perr, sizeof(perr))) == NULL)
		return fail(x, vp, "bad pattern: %s", perr);
	path_pop(x, old);

	d->c.enabled = 1;
	d->c.severity = SEV_MEDIUM;
	d->c.threshold = 0;
	d->c.window_ms = 10000;
	d->c.suppress_ms = 60000;
	if (field(x, n, "enabled", v_bool, &d->c.enabled) < 0 ||
	    field(x, n, "severity", v_severity, &d->c.severity) < 0 ||
	    field(x, n, "threshold", v_custom_threshold, &d->c.threshold) < 0 ||
	    field(x, n, "window", v_duration, &d->c.window_ms) < 0 ||
	    field(x, n, "suppress", v_duration, &d->c.suppress_ms) < 0 ||
	    field(x, n, "alert_rate", v_rate, &d->c.rate) < 0)
		return -1;
	return 0;
}

static int
apply_custom(struct ctx *x, const yaml_node_t *n)
{
	struct rule_config *c = x->c;
	yaml_node_item_t *b, *e, *it;

	if (as_seq(x, n, &b, &e) < 0)
		return -1;
	for (it = b; it < e; it++) {
		const yaml_node_t *item = node(x, *it);
		struct custom_def d, *nv;
		size_t old = path_push(x, "[%zu]", (size_t)(it - b));

		if (c->n_customs >= CFG_MAX_CUSTOM)
			return fail(x, item, "more than %d custom rules", CFG_MAX_CUSTOM);
		memset(&d, 0, sizeof(d));
		if (apply_custom_one(x, item, &d) < 0) {
			custom_clear(&d);
			return -1;
		}
		nv = realloc(c->customs, (c->n_customs + 1) * sizeof(*nv));
		if (nv == NULL) {
			custom_clear(&d);
			return fail(x, item, "out of memory");
		}
		c->customs = nv;
		c->customs[c->n_customs++] = d;
		path_pop(x, old);
	}
	return 0;
}

static int
apply_tables(struct ctx *x, const yaml_node_t *n)
{
	static const char *const keys[] = { "size" };
	struct uint_arg a = { &x->c->table_size, TABLE_MIN, TABLE_MAX };

	if (map_check(x, n, keys, N(keys)) < 0)
		return -1;
	return field(x, n, "size", v_uint, &a);
}

static int
apply_alert_rate(struct ctx *x, const yaml_node_t *n)
{
	if (v_rate(x, n, &x->c->alert_rate) < 0)
		return -1;
	x->c->alert_rate.set = 0; /* the default, not a rule's own */
	return 0;
}

/* ------------------------------------------------------------ outputs */

static void
outputs_free(struct output_def *o, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		free(o[i].spec);
		for (k = 0; k < o[i].nkv; k++) {
			free(o[i].kv[k].key);
			free(o[i].kv[k].val);
		}
		free(o[i].kv);
	}
	free(o);
}

/* Which keys each output type takes beyond "type". */
static const struct {
	const char *type;
	const char *const keys[8];
} output_types[] = {
	{ "json", { "path", "queue" } },
	{ "text", { "path", "queue" } },
	{ "syslog", { "target", "ident", "facility", "hostname", "format", "queue" } },
	{ "pcap", { "path", "size", "files", "queue" } },
};

#define CFG_MAX_SPEC 1024

static int
apply_output_map(struct ctx *x, const yaml_node_t *n, struct output_def *d)
{
	const char *keys[10] = { "type" };
	const yaml_node_t *vt = map_get(x, n, "type");
	yaml_node_pair_t *p;
	const char *type;
	size_t t, nk, old;

	if (vt == NULL)
		return fail(x, n, "missing key \"type\" (json, text, syslog or pcap)");
	old = path_key(x, "type");
	if (as_str(x, vt, "json, text, syslog or pcap", &type) < 0)
		return -1;
	for (t = 0; t < N(output_types) && strcmp(type, output_types[t].type) != 0; t++)
		;
	if (t == N(output_types))
		return fail_type(x, vt, "json, text, syslog or pcap");
	path_pop(x, old);
	for (nk = 1; nk < N(keys) && output_types[t].keys[nk - 1] != NULL; nk++)
		keys[nk] = output_types[t].keys[nk - 1];
	if (map_check(x, n, keys, nk) < 0)
		return -1;
	d->kv = calloc(n->data.mapping.pairs.top - n->data.mapping.pairs.start,
	    sizeof(*d->kv));
	if (d->kv == NULL)
		return fail(x, n, "out of memory");
	/* "type" first: the monitor starts from it. */
	d->kv[0].key = strdup("type");
	d->kv[0].val = strdup(type);
	d->kv[0].line = (uint32_t)vt->start_mark.line + 1;
	d->kv[0].col = (uint32_t)vt->start_mark.column + 1;
	d->nkv = 1;
	if (d->kv[0].key == NULL || d->kv[0].val == NULL)
		return fail(x, n, "out of memory");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = key_of(x, n, p), *v;
		const yaml_node_t *vn = node(x, p->value);
		struct output_kv *kv = &d->kv[d->nkv];

		if (k == NULL || vn == NULL)
			return -1;
		if (strcmp(k, "type") == 0)
			continue;
		old = path_key(x, k);
		if (as_str(x, vn, "a string or number", &v) < 0)
			return -1;
		if (strlen(v) > CFG_MAX_SPEC)
			return fail(x, vn, "longer than %d bytes", CFG_MAX_SPEC);
		path_pop(x, old);
		kv->key = strdup(k);
		kv->val = strdup(v);
		kv->line = (uint32_t)vn->start_mark.line + 1;
		kv->col = (uint32_t)vn->start_mark.column + 1;
		d->nkv++;
		if (kv->key == NULL || kv->val == NULL)
			return fail(x, vn, "out of memory");
	}
	return 0;
}

static int
apply_outputs(struct ctx *x, const yaml_node_t *n)
{
	struct rule_config *c = x->c;
	yaml_node_item_t *b, *e, *it;

	/* The file's list replaces any earlier one. */
	outputs_free(c->outputs, c->n_outputs);
	c->outputs = NULL;
	c->n_outputs = 0;
	if (as_seq(x, n, &b, &e) < 0)
		return -1;
	if (e - b > CFG_MAX_OUTPUTS)
		return fail(x, n, "more than %d outputs", CFG_MAX_OUTPUTS);
	if (b < e && (c->outputs = calloc((size_t)(e - b), sizeof(*c->outputs))) == NULL)
		return fail(x, n, "out of memory");
	for (it = b; it < e; it++) {
		const yaml_node_t *item = node(x, *it);
		struct output_def *d = &c->outputs[c->n_outputs++];
		size_t old = path_push(x, "[%zu]", (size_t)(it - b));
		const char *s;

		d->line = (uint32_t)item->start_mark.line + 1;
		d->col = (uint32_t)item->start_mark.column + 1;
		if (item->type == YAML_MAPPING_NODE) {
			if (apply_output_map(x, item, d) < 0)
				return -1;
		} else {
			if (as_str(x, item, "an output (\"json:PATH\", \"syslog:udp://HOST:PORT\", "
			    "\"pcap:PATH\" ...) or a mapping with a type", &s) < 0)
				return -1;
			if (*s == '\0' || strlen(s) > CFG_MAX_SPEC)
				return fail_type(x, item, "an output like \"json:PATH\" (at most 1024 bytes)");
			if ((d->spec = dup_or_fail(x, item, s)) == NULL)
				return -1;
		}
		path_pop(x, old);
	}
	return 0;
}

static int
apply_root(struct ctx *x, const yaml_node_t *n)
{
	static const char *const keys[] = {
		"networks", "domains", "rules", "custom", "tables", "outputs",
		"alert_rate"
	};
	/* Networks first: everything else refers to them by name.  Rules
	 * before domains: a domain inherits weak_auth.require_sha256. */
	static const struct {
		const char *key;
		int (*fn)(struct ctx *, const yaml_node_t *);
	} order[] = {
		{ "networks", apply_networks }, { "rules", apply_rules },
		{ "domains", apply_domains }, { "custom", apply_custom },
		{ "tables", apply_tables }, { "outputs", apply_outputs },
		{ "alert_rate", apply_alert_rate },
	};
	size_t i, old;

	if (map_check(x, n, keys, N(keys)) < 0)
		return -1;
	for (i = 0; i < N(order); i++) {
		const yaml_node_t *v = map_get(x, n, order[i].key);

		if (v == NULL)
			continue;
		old = path_key(x, order[i].key);
		if (order[i].fn(x, v) < 0)
			return -1;
		path_pop(x, old);
	}
	return 0;
}

/* ------------------------------------------------------------ loading */

static void
syntax_error(const char *name, const yaml_parser_t *p, const char *text,
    size_t len, char *err, size_t errlen)
{
	char msg[512];
	size_t line = p->problem_mark.line + 1, col = p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(err, errlen, "%s: out of memory", name);
		return;
	}
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark. */
		size_t i, off = p->problem_offset < len ? p->problem_offset : len;

		line = col = 1;
		for (i = 0; i < off; i++, col++)
			if (text[i] == '\n') {
				line++;
				col = 0;
			}
	}
	snprintf(msg, sizeof(msg), "YAML syntax error: %s%s%s%s",
	    p->problem != NULL ? p->problem : "unknown error",
	    p->context != NULL ? " (" : "", p->context != NULL ? p->context : "",
	    p->context != NULL ? ")" : "");
	errf(err, errlen, name, line, col, msg);
}

/* Checks with the event API what the document API would silently accept:
 * aliases (billion laughs: a few lines that expand to an exponential tree),
 * deep nesting, a huge node count, more than one document. */
static int
prescan(const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_event_t ev;
	size_t depth = 0, nodes = 0, docs = 0;
	const char *why = NULL;
	int rc = -1;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(name, &p, text, len, err, errlen);
			break;
		}
		switch (ev.type) {
		case YAML_ALIAS_EVENT:
			why = "YAML aliases (*name) are not supported: write the "
			    "value out";
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				why = "only one YAML document is allowed";
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CFG_MAX_DEPTH)
				why = "nested deeper than 16 levels";
			/* FALLTHROUGH */
		case YAML_SCALAR_EVENT:
			if (++nodes > CFG_MAX_NODES)
				why = "more than 262144 YAML nodes";
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (why != NULL) {
			errf(err, errlen, name, ev.start_mark.line + 1,
			    ev.start_mark.column + 1, why);
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			rc = 0;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

static int
apply_text(struct rule_config *c, const char *name, const char *text, size_t len,
    char *err, size_t errlen)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	struct ctx x;
	int rc;

	if (len > CFG_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than 1 MiB", name);
		return -1;
	}
	if (prescan(name, text, len, err, errlen) < 0)
		return -1;
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		syntax_error(name, &p, text, len, err, errlen);
		yaml_parser_delete(&p);
		return -1;
	}
	memset(&x, 0, sizeof(x));
	x.name = name;
	x.doc = &doc;
	x.c = c;
	x.err = err;
	x.errlen = errlen;
	root = yaml_document_get_root_node(&doc);
	rc = root == NULL ? 0 : apply_root(&x, root);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	return rc;
}

static struct rule_config *
config_new(const char *source, char *err, size_t errlen)
{
	struct rule_config *c = calloc(1, sizeof(*c));
	const char *def = rule_config_default_yaml();

	if (c == NULL || (c->source = strdup(source)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	sip_limits_default(&c->limits);
	c->table_size = 65536;
	if (apply_text(c, BUILTIN_NAME, def, strlen(def), err, errlen) < 0) {
		rule_config_free(c);
		return NULL;
	}
	return c;
}

struct rule_config *
rule_config_default(char *err, size_t errlen)
{
	return config_new(BUILTIN_NAME, err, errlen);
}

struct rule_config *
rule_config_parse(const char *name, const char *yaml, size_t len, char *err,
    size_t errlen)
{
	struct rule_config *c;

	if (name == NULL)
		name = "(string)";
	if (yaml == NULL) {
		yaml = "";
		len = 0;
	}
	c = config_new(name, err, errlen);
	if (c != NULL && apply_text(c, name, yaml, len, err, errlen) < 0) {
		rule_config_free(c);
		return NULL;
	}
	return c;
}

struct rule_config *
rule_config_load(const char *path, char *err, size_t errlen)
{
	struct rule_config *c;
	FILE *f;
	char *buf;
	size_t len = 0, got;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* One byte more than the limit tells "too large" from "exactly 1 MiB". */
	if ((buf = malloc(CFG_MAX_FILE + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	while (len <= CFG_MAX_FILE &&
	    (got = fread(buf + len, 1, CFG_MAX_FILE + 1 - len, f)) > 0)
		len += got;
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (len > CFG_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
		free(buf);
		return NULL;
	}
	c = rule_config_parse(path, buf, len, err, errlen);
	free(buf);
	return c;
}

void
rule_config_free(struct rule_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->source);
	for (i = 0; i < c->n_networks; i++) {
		free(c->networks[i].name);
		cidr_set_free(c->networks[i].set);
	}
	free(c->networks);
	for (i = 0; i < c->n_domains; i++)
		free(c->domains[i].name);
	free(c->domains);
	pattern_list_free(&c->du_deny);
	users_free(c->du_users, c->n_du_users);
	pattern_list_free(&c->scanner);
	for (i = 0; i < c->n_customs; i++)
		custom_clear(&c->customs[i]);
	free(c->customs);
	outputs_free(c->outputs, c->n_outputs);
	free(c);
}
