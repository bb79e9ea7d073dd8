// SPDX-License-Identifier: GPL-2.0
/*
 * bench_helper: classify plain text files with a rule set and report the engine's throughput,
 * without extraction or file-system walking in the way (scripts/bench.sh runs it).
 *
 *   bench_helper RULES_DIR FILE [REPEAT [ENGINE]]
 *
 * ENGINE: auto (default), hyperscan or pcre2 (classify_set_engine()).
 *
 * Prints one line: label, categories, findings, bytes, seconds, MB/s and peak RSS (KiB), and the
 * CPU time with the MB/s it gives: on a busy machine CPU time says more than wall time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"

#define CHUNK (256 * 1024)

int main(int argc, char **argv)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = rules_new();
	struct classifier *c = NULL;
	struct classify_ctx *ctx = NULL;
	struct classify_report rep;
	struct timespec t0, t1, c0, c1;
	struct rusage ru;
	char err[256], *buf = malloc(CHUNK);
	int repeat = argc > 3 ? atoi(argv[3]) : 1, i, fd;
	uint64_t total = 0;
	double s, cs;
	size_t k;
	ssize_t n;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_helper RULES_DIR FILE [REPEAT [ENGINE]]\n");
		return 64;
	}
	if (argc > 4) {
		int e = classify_engine_parse(argv[4]);

		if (e < 0) {
			fprintf(stderr, "bench_helper: engine is auto, hyperscan or pcre2\n");
			return 64;
		}
		classify_set_engine(e);
	}
	rules_load_dir(rs, argv[1], &errs);
	rules_finish(rs, &errs);
	for (k = 0; k < errs.n; k++)
		fprintf(stderr, "%s\n", errs.msg[k]);
	if (classifier_new(rs, &c, err, sizeof(err)) || classify_ctx_new(c, &ctx)) {
		fprintf(stderr, "bench_helper: %s\n", err);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (i = 0; i < repeat; i++) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[2]);
			return 2;
		}
		classify_begin(ctx, CONF_MEDIUM, NULL, NULL);
		while ((n = read(fd, buf, CHUNK)) > 0) {
			total += n;
			if (classify_feed(ctx, buf, n))
				break;
		}
		close(fd);
		if (classify_end(ctx, &rep))
			fprintf(stderr, "bench_helper: %s\n", classify_error(ctx));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	cs = (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("label=%s categories=", rep.pd ? "pd" : "none");
	for (i = 0; i < PDG_CAT_COUNT; i++)
		if (rep.categories & (1U << i))
			printf("%s,", vocab_category_name(i));
	printf(" findings=");
	for (k = 0; k < rep.nfindings; k++)
		printf("%s:%llu:%s:%s,", rep.findings[k].name,
		       (unsigned long long)rep.findings[k].count,
		       confidence_name(rep.findings[k].confidence), rep.findings[k].sample);
	printf(" engine=%s", classify_engine_name(classifier_engine(c)));
	printf(" bytes=%llu seconds=%.3f MB/s=%.0f rss_kib=%ld cpu_seconds=%.3f cpu_MB/s=%.0f\n",
	       (unsigned long long)total, s, total / 1e6 / s, ru.ru_maxrss, cs, total / 1e6 / cs);
	classify_ctx_free(ctx);
	classifier_free(c);
	rules_free(rs);
	rules_errors_free(&errs);
	free(buf);
	return 0;
}
