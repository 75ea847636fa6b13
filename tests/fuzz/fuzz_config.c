/*
 * fuzz_config.c - the configuration loader (rules/config.c, libyaml) on
 * arbitrary text, and, when it loads, a rule engine built from it (which
 * compiles its patterns and sizes its tables).  The input is the YAML
 * text; loading must end in a configuration or an error message, never a
 * crash, leak or runaway allocation (aliases, depth and list caps).
 */
#include <assert.h>
#include <string.h>

#include "rules/config.h"
#include "rules/rules.h"
#include "tests/fuzz/fuzz.h"

static void
on_alert(void *ud, const struct rule_alert *a)
{
	(void)ud, (void)a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	err[0] = '\0';
	struct rule_config *c = rule_config_parse("fuzz.yaml", (const char *)data, size,
	    err, sizeof(err));
	if (c == NULL) {
		/* every failure says why */
		assert(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	/* tables of at most 1M keys are allocated lazily or small: keep
	 * the engine's start-up cheap by not building one for huge tables */
	if (c->table_size <= (1u << 16)) {
		struct rule_engine *e = rule_engine_new(c, on_alert, NULL, err, sizeof(err));
		if (e) {
			rule_engine_finish(e);
			rule_engine_free(e);
		}
	}
	rule_config_free(c);
	return 0;
}
