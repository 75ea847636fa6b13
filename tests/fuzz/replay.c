/*
 * replay.c - plain main() for the fuzz targets: runs every file named on
 * the command line, and every regular file in every directory named, once
 * through LLVMFuzzerTestOneInput (libpcap's testprogs/fuzz/onefile.c).
 *
 *   fuzz_sip tests/fuzz/corpus/sip [FILE|DIR]...
 *
 * Each input is copied against a guard page (tests/guard.c), so a target
 * that reads one byte past its input crashes here even without ASan.
 * Files are run in name order, so a failure is reproducible.  Exit 0 when
 * every input ran (a bug aborts the process), 1 when a path cannot be
 * read or no input was found.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"
#include "tests/guard.h"

#define REPLAY_MAX (1u << 20) /* guard_put()'s largest */

static int
run_file(const char *path, unsigned long *n)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(REPLAY_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	size_t len = fread(buf, 1, REPLAY_MAX + 1, f);
	int err = ferror(f);
	fclose(f);
	if (err || len > REPLAY_MAX) {
		fprintf(stderr, "replay: %s: %s\n", path, err ? "read error" : "larger than 1 MiB");
		free(buf);
		return -1;
	}
	if (getenv("REPLAY_VERBOSE"))
		fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	const uint8_t *g = (const uint8_t *)guard_put(buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(g, len);
	(*n)++;
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
run_dir(const char *dir, unsigned long *n)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t nn = 0, cap = 0;
	struct dirent *e;
	int r = 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (nn == cap) {
			cap = cap ? cap * 2 : 64;
			char **nb = realloc(names, cap * sizeof(*names));
			if (nb == NULL) {
				r = -1;
				break;
			}
			names = nb;
		}
		size_t l = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[nn] = malloc(l)) == NULL) {
			r = -1;
			break;
		}
		snprintf(names[nn], l, "%s/%s", dir, e->d_name);
		nn++;
	}
	closedir(d);
	if (names)
		qsort(names, nn, sizeof(*names), cmp);
	for (size_t i = 0; i < nn; i++) {
		struct stat st;
		if (r == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			r = run_file(names[i], n);
		free(names[i]);
	}
	free(names);
	return r;
}

int
main(int argc, char **argv)
{
	unsigned long n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if ((S_ISDIR(st.st_mode) ? run_dir(argv[i], &n) : run_file(argv[i], &n)) != 0)
			return 1;
	}
	if (n == 0) {
		fprintf(stderr, "replay: %s: no input found\n", argv[0]);
		return 1;
	}
	printf("%s: %lu inputs replayed\n", argv[0], n);
	return 0;
}
