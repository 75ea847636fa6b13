/*
 * config.h - sipwatch's rule configuration: networks, domains, the
 * built-in rules with their thresholds and suppression, custom PCRE2 rules,
 * parser limits.  Loaded from one YAML file (libyaml) or from the built-in
 * default ruleset, which is YAML text compiled in and read by the same
 * loader.  See sipwatch.example.yaml for every key.
 */
#ifndef SIPWATCH_RULES_CONFIG_H
#define SIPWATCH_RULES_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "parsers/sip.h"
#include "rules/cidr.h"
#include "rules/pattern.h"

/* Severities, lowest first. */
enum rule_severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV__COUNT };
const char *rule_severity_name(int sev);
/* -1 when the name is not a severity. */
int rule_severity_parse(const char *name);

/*
 * The built-in rules: X(ID, alert name, YAML key, default severity).
 * The alert name is what alerts carry in "rule".
 */
#define RULE_MAP(X)                                                            \
	X(UNKNOWN_SOURCE, "unknown-source", "unknown_source", SEV_HIGH)         \
	X(DISALLOWED_URI, "disallowed-uri", "disallowed_uri", SEV_HIGH)         \
	X(FROM_FLOOD, "from-flood", "from_flood", SEV_MEDIUM)                   \
	X(CLEARTEXT_SIGNALLING, "cleartext-signalling", "cleartext_signalling", SEV_LOW) \
	X(SDES_KEY_EXPOSED, "sdes-key-exposed", "sdes_key_exposed", SEV_CRITICAL) \
	X(CLEARTEXT_MEDIA, "cleartext-media", "cleartext_media", SEV_LOW)       \
	X(SCANNER, "scanner", "scanner", SEV_HIGH)                              \
	X(SOURCE_FLOOD, "source-flood", "source_flood", SEV_HIGH)               \
	X(INVITE_FLOOD, "invite-flood", "invite_flood", SEV_HIGH)               \
	X(REGISTER_FLOOD, "register-flood", "register_flood", SEV_MEDIUM)       \
	X(AUTH_BRUTEFORCE, "auth-bruteforce", "auth_bruteforce", SEV_HIGH)      \
	X(AUTH_BREACH, "auth-breach", "auth_breach", SEV_CRITICAL)              \
	X(USER_ENUMERATION, "user-enumeration", "user_enumeration", SEV_HIGH)   \
	X(UNAUTHENTICATED_CALL, "unauthenticated-call", "unauthenticated_call", SEV_HIGH) \
	X(IDENTITY_MISMATCH, "identity-mismatch", "identity_mismatch", SEV_MEDIUM) \
	X(WEAK_AUTH, "weak-auth", "weak_auth", SEV_MEDIUM)                      \
	X(MALFORMED, "malformed", "malformed", SEV_LOW)

enum rule_id {
#define RULE_ENUM(id, name, key, sev) R_##id,
	RULE_MAP(RULE_ENUM)
#undef RULE_ENUM
	R__COUNT
};
const char *rule_name(unsigned id); /* "unknown-source" ... */
const char *rule_key(unsigned id);  /* "unknown_source" ... */

/* alert_rate: at most count alerts of one rule per per_ms of packet
 * time (count 0: no limit); the rest are counted and reported together. */
struct alert_rate {
	uint32_t count;
	uint32_t per_ms;
	int set;             /* a rule's own: given in the file (else the
	                        top-level alert_rate applies) */
};

/* What every rule has.  Times are milliseconds of packet time. */
struct rule_common {
	int enabled;
	int severity;        /* enum rule_severity */
	uint32_t threshold;  /* thresholded rules: events (or distinct users) */
	uint32_t window_ms;  /* thresholded rules: sliding window */
	uint32_t suppress_ms; /* one alert per rule and key per this long */
	struct alert_rate rate; /* rule_alert_rate() gives the one in force */
};

/* A list of network names (indexes into rule_config.networks). */
#define CFG_MAX_REFS 16
struct net_refs {
	uint16_t n;
	uint16_t idx[CFG_MAX_REFS];
};

struct net_def {
	char *name;
	struct cidr_set *set;
};

struct domain_def {
	char *name;             /* matched case-insensitively against the
	                           Request-URI host (To host for responses) */
	struct net_refs allow_from; /* n == 0: no per-domain source policy */
	int require_tls;
	int require_auth;
	int require_sha256;     /* weak-auth: digest must be SHA-256 (RFC 8760) */
};

struct user_allow {
	char *user;             /* From user or digest username */
	struct pattern_list allow; /* Request-URI must match one */
};

enum custom_target { CUSTOM_HEADER, CUSTOM_REQUEST_LINE, CUSTOM_BODY };

#define RULE_NAME_MAX 64 /* bytes of a custom rule's (or network's) name */

struct custom_def {
	char *name;             /* the alert's rule name, 1..RULE_NAME_MAX bytes */
	int target;             /* enum custom_target */
	char *header;           /* CUSTOM_HEADER: header name (any header) */
	struct pattern *re;
	struct rule_common c;   /* threshold 0 or 1: every match alerts */
};

/*
 * outputs: where alerts go, as -o takes them.  The loader checks the
 * shape (a list of strings, or mappings with a known "type" and that
 * type's keys); the monitor parses the values and reports errors with
 * the recorded line and column.
 */
#define CFG_MAX_OUTPUTS 16
struct output_kv {
	char *key, *val;
	uint32_t line, col;     /* of the value */
};
struct output_def {
	char *spec;             /* string form ("syslog:udp://h:514,rfc3164"),
	                           or NULL for the mapping form */
	struct output_kv *kv;   /* mapping form, "type" first */
	size_t nkv;
	uint32_t line, col;     /* of the list item */
};

struct rule_config {
	char *source;           /* file name, or "(built-in)" */

	struct net_def *networks;
	size_t n_networks;
	struct domain_def *domains;
	size_t n_domains;

	struct rule_common r[R__COUNT];

	/* unknown-source */
	struct net_refs us_allow_from; /* n == 0: rule has nothing to check */
	/* disallowed-uri */
	struct pattern_list du_deny;
	struct user_allow *du_users;
	size_t n_du_users;
	/* cleartext-signalling: also alert for these networks as sources or
	 * destinations at raised severity (domains have require_tls) */
	struct net_refs cs_require_tls;
	/* scanner: PCRE2 patterns over User-Agent, From, To, Contact */
	struct pattern_list scanner;
	/* auth-breach: window after a brute-force run in which a 2xx for the
	 * same user/source is a breach */
	/* weak-auth: global default of require_sha256 */
	int wa_require_sha256;
	/* user-enumeration threshold counts distinct users */

	/* malformed: parser limits (Snort's defaults, body 8192) */
	struct sip_limits limits;

	struct custom_def *customs;
	size_t n_customs;

	/* bounded tables: keys per counter table (LRU eviction beyond) */
	uint32_t table_size;

	/* alert_rate: every rule's, unless the rule sets its own */
	struct alert_rate alert_rate;

	struct output_def *outputs;
	size_t n_outputs;
};

/*
 * Loads a YAML file.  Unknown keys, wrong types, bad CIDRs, bad patterns,
 * unknown network names and out-of-range values are errors; the message
 * in err names the file, line and column and what was expected, e.g.
 * "conf.yaml:12:5: rules.from_flood.window: expected a duration like 10s,
 * got \"ten\"", or for a pattern PCRE2's message and offset.
 * Returns NULL on error.
 */
struct rule_config *rule_config_load(const char *path, char *err, size_t errlen);
/* The same from a string (name used in messages). */
struct rule_config *rule_config_parse(const char *name, const char *yaml,
    size_t len, char *err, size_t errlen);
/* The built-in default ruleset (cannot fail short of memory: NULL). */
struct rule_config *rule_config_default(char *err, size_t errlen);
/* The YAML text of the built-in defaults (for --dump-config style use). */
const char *rule_config_default_yaml(void);
void rule_config_free(struct rule_config *c);

/* The alert rate limit in force for a rule (a built-in's c->r[i], or a
 * custom rule's c): its own when set, else the top-level one. */
static inline struct alert_rate
rule_alert_rate(const struct rule_config *c, const struct rule_common *r)
{
	return r->rate.set ? r->rate : c->alert_rate;
}

/* Index of a network name, or -1. */
int rule_config_network(const struct rule_config *c, const char *name);

#endif
