/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extraction in a child process, so that its peak memory is measured alone, sandboxed readers
 * (grandchildren) included, and a crash or a cancel stays there. The result, the start of the
 * text and the peak RSS come back through a pipe.
 */
#ifndef PDG_TEST_ISOLATE_H
#define PDG_TEST_ISOLATE_H

#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "extract/extract_test.h"

struct isolated {
	int rc;
	struct extract_result res;
	long rss_kib;		/* the larger of the extraction's process and its readers' */
	size_t len;
	bool bad_utf8;
	char text[64 * 1024];
};

static void *isolate_canceller(void *arg)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = *(long *)arg * 1000000L };

	nanosleep(&ts, NULL);
	extract_cancel();
	return NULL;
}

/* @cancel_ms > 0: extract_cancel() that long after the start. Return: 0 or -ECHILD. */
static inline int isolate_extract(const char *path, const struct extract_limits *lim,
				  long cancel_ms, struct isolated *out)
{
	static struct isolated rep;
	size_t got = 0;
	int p[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (!pid) {
		struct collect c = { .keep_max = sizeof(rep.text) };
		struct rusage self, kids;
		pthread_t t;

		close(p[0]);
		memset(&rep, 0, sizeof(rep));
		if (cancel_ms > 0 && pthread_create(&t, NULL, isolate_canceller, &cancel_ms))
			_exit(1);
		rep.rc = extract_path(path, lim, &c, &rep.res);
		getrusage(RUSAGE_SELF, &self);
		getrusage(RUSAGE_CHILDREN, &kids);
		rep.rss_kib = self.ru_maxrss > kids.ru_maxrss ? self.ru_maxrss : kids.ru_maxrss;
		rep.bad_utf8 = c.bad_utf8;
		rep.len = c.len < sizeof(rep.text) - 1 ? c.len : sizeof(rep.text) - 1;
		memcpy(rep.text, collected(&c), rep.len);
		rep.text[rep.len] = '\0';
		if (write(p[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	while (got < sizeof(rep) && (n = read(p[0], (char *)&rep + got, sizeof(rep) - got)) > 0)
		got += n;
	close(p[0]);
	waitpid(pid, &st, 0);
	if (got != sizeof(rep) || !WIFEXITED(st) || WEXITSTATUS(st))
		return -ECHILD;
	*out = rep;
	return 0;
}

#endif /* PDG_TEST_ISOLATE_H */
