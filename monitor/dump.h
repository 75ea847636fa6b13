/*
 * dump.h - the --dump output: one JSON object per SIP message.
 */
#ifndef SIPWATCH_DUMP_H
#define SIPWATCH_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "monitor/json.h"
#include "monitor/pipeline.h"

/* Formats an address of IP version ver (4 or 6) into buf. */
void dump_addr(char *buf, size_t len, int ver, const uint8_t *a);

/* Appends the message's JSON object (no newline) to j. */
void dump_message(struct json *j, const struct pkt_meta *m,
    const struct sip_msg *msg, const struct sip_summary *sum, unsigned mon_anoms);

#endif
