/* sip_anomaly.c - names and descriptions from SIP_ANOMALY_MAP, see sip_anomaly.h. */
#include "sip_anomaly.h"

static const char *const anomaly_names[SIP_A__COUNT] = {
#define SIP_A_NAME(id, name, desc) [SIP_A_##id] = name,
	SIP_ANOMALY_MAP(SIP_A_NAME)
#undef SIP_A_NAME
};

static const char *const anomaly_descs[SIP_A__COUNT] = {
#define SIP_A_DESC(id, name, desc) [SIP_A_##id] = desc,
	SIP_ANOMALY_MAP(SIP_A_DESC)
#undef SIP_A_DESC
};

/* Every bit must fit the uint64_t in struct sip_msg. */
_Static_assert(SIP_A__COUNT <= 64, "sip anomalies do not fit in 64 bits");

const char *
sip_anomaly_name(unsigned a)
{
	return a < SIP_A__COUNT ? anomaly_names[a] : "?";
}

const char *
sip_anomaly_desc(unsigned a)
{
	return a < SIP_A__COUNT ? anomaly_descs[a] : "?";
}
