/*
 * runstat.c - run a command and report its CPU time and peak memory, from
 * wait4()'s rusage (no dependency on /usr/bin/time).
 *
 *   runstat OUTFILE COMMAND [ARG]...
 *
 * The command inherits stdin, stdout and stderr.  Writes one line to
 * OUTFILE: "USER SYS MAXRSS_KIB STATUS" (seconds with microseconds; STATUS
 * the exit code, or 128 + signal number).  Exits with the command's
 * STATUS, or 127 if it cannot be run.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static double
secs(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	int st, code;

	if (argc < 3) {
		fprintf(stderr, "usage: runstat OUTFILE COMMAND [ARG]...\n");
		return 127;
	}
	FILE *f = fopen(argv[1], "w");
	if (f == NULL) {
		perror(argv[1]);
		return 127;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 127;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 127;
	}
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	fprintf(f, "%.6f %.6f %ld %d\n", secs(ru.ru_utime), secs(ru.ru_stime),
	    ru.ru_maxrss, code);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 127;
	}
	return code;
}
