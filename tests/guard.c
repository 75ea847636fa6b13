/* guard.c - see guard.h. */
#include "guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUARD_AREA (1u << 20) /* largest input: 1 MiB */

static char *area;
static size_t pagesz;

const char *
guard_put(const void *buf, size_t len)
{
	if (area == NULL) {
		pagesz = (size_t)sysconf(_SC_PAGESIZE);
		area = mmap(NULL, GUARD_AREA + pagesz, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED || mprotect(area + GUARD_AREA, pagesz, PROT_NONE) != 0) {
			perror("guard_put");
			abort();
		}
	}
	if (len > GUARD_AREA) {
		fprintf(stderr, "guard_put: %zu bytes is too large\n", len);
		abort();
	}
	char *dst = area + GUARD_AREA - len;
	if (len > 0)
		memcpy(dst, buf, len);
	return dst;
}
