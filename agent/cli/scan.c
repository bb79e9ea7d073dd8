// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard scan`: walk files and directories, classify each regular file, print one result per
 * file. The walk runs in the main thread; N workers each extract and classify whole files with
 * their own classification context, and print whole lines under one lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "extract/extract.h"
#include "classify/scanner.h"
#include "classify/workq.h"
#include "lib/json.h"
#include "lib/utf8.h"

#define QUEUE_CAP 1024
#define MAX_DEPTH 256

struct outbuf {
	char *s;
	size_t len, cap;
};

/* One `pdguard scan` run: the shared scanner (rules, limits), the queue, output and counters. */
struct scan_run {
	struct scanner sc;
	bool json, quiet, progress;

	struct workq *q;

	pthread_mutex_t outlock;
	atomic_ullong files, with_pd, errors, skipped, bytes, unknown, unread_bytes;
	struct timespec start;
};

/* Directories on the current walk path, to notice a directory that contains itself. */
struct dir_stack {
	dev_t dev;
	ino_t ino;
	const struct dir_stack *up;
};

static void ob_add(struct outbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p)
			return; /* the line comes out short; nothing better to do without memory */
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3))) ob_printf(struct outbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		ob_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void ob_put(void *ctx, const char *s, size_t n)
{
	ob_add(ctx, s, n);
}

static void json_str(struct outbuf *b, const char *str)
{
	json_string(ob_put, b, str);
}

/* A path for a terminal: control characters and invalid bytes as \xHH, so a name cannot forge
 * output lines. */
static void human_str(struct outbuf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t left = strlen(str), n;

	while (left) {
		if (*s < 0x20 || *s == 0x7f || *s == '\\') {
			ob_printf(b, "\\x%02x", *s);
			n = 1;
		} else if ((n = utf8_seq_len(s, left))) {
			ob_add(b, (const char *)s, n);
		} else {
			ob_printf(b, "\\x%02x", *s);
			n = 1;
		}
		s += n;
		left -= n;
	}
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void write_line(struct scan_run *run, struct outbuf *b)
{
	pthread_mutex_lock(&run->outlock);
	if (run->progress)
		fputs("\r\033[K", stderr); /* the progress line gives way */
	fwrite(b->s, 1, b->len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&run->outlock);
}

/**
 * emit_label() - print one file's result
 * @rep: the classification, NULL when the file was not classified
 * @label: enum scan_label
 * @error: why it is incomplete or was not read, NULL when all went well
 * @failed: @error is a failure of the scan (exit status 2), not only a file left unread (3)
 * @skipped: not read on purpose (special file, dangling link): reported, not an error
 * @note: a remark that is not an error
 */
static void emit_label(struct scan_run *run, const char *path, const char *mime, uint64_t bytes,
		       const struct classify_report *rep, int label, const char *error,
		       bool failed, bool skipped, const char *note)
{
	struct outbuf b = { 0 };
	bool pd = rep && rep->pd;
	size_t i;
	int k;

	run->files += !skipped;
	run->with_pd += pd;
	run->errors += error && !skipped && failed;
	run->unknown += label == SCAN_LABEL_UNKNOWN;
	run->skipped += skipped;
	if (run->json) {
		ob_add(&b, "{\"path\":", 8);
		json_str(&b, path);
		ob_add(&b, ",\"mime\":", 8);
		json_str(&b, mime ? mime : "");
		ob_printf(&b, ",\"bytes\":%llu,\"label\":\"%s\",\"categories\":[",
			  (unsigned long long)bytes, scan_label_name(label));
		for (k = 0, i = 0; pd && k < PDG_CAT_COUNT; k++)
			if (rep->categories & (1U << k))
				ob_printf(&b, "%s\"%s\"", i++ ? "," : "", vocab_category_name(k));
		ob_add(&b, "],\"findings\":[", 14);
		for (i = 0; pd && i < rep->nfindings; i++) {
			const struct classify_finding *f = &rep->findings[i];

			ob_add(&b, i ? ",{\"rule\":" : "{\"rule\":", i ? 9 : 8);
			json_str(&b, f->name);
			ob_printf(&b,
				  ",\"category\":\"%s\",\"count\":%llu,\"confidence\":\"%s\","
				  "\"sample\":",
				  vocab_category_name(f->category), (unsigned long long)f->count,
				  confidence_name(f->confidence));
			json_str(&b, f->sample);
			ob_add(&b, "}", 1);
		}
		ob_add(&b, "],\"error\":", 10);
		if (error)
			json_str(&b, error);
		else
			ob_add(&b, "null", 4);
		if (note) {
			ob_add(&b, ",\"note\":", 8);
			json_str(&b, note);
		}
		ob_add(&b, "}\n", 2);
	} else if (pd || (error && !skipped)) {
		human_str(&b, path);
		if (pd) {
			ob_add(&b, ": PD [", 6);
			for (k = 0, i = 0; k < PDG_CAT_COUNT; k++)
				if (rep->categories & (1U << k))
					ob_printf(&b, "%s%s", i++ ? "," : "", vocab_category_name(k));
			ob_add(&b, "]", 1);
			for (i = 0; i < rep->nfindings; i++) {
				const struct classify_finding *f = &rep->findings[i];

				if (f->family)
					ob_printf(&b, "%s %s: %llu words", i ? ";" : "", f->name,
						  (unsigned long long)f->count);
				else
					ob_printf(&b, "%s %s: %llu, %s, e.g. %s", i ? ";" : "",
						  f->name, (unsigned long long)f->count,
						  confidence_name(f->confidence), f->sample);
			}
		}
		if (error && label == SCAN_LABEL_UNKNOWN)
			ob_printf(&b, ": UNKNOWN (not read whole: %s)", error);
		else if (error)
			ob_printf(&b, "%s%s %s", pd ? "; " : ": ", failed ? "ERROR" : "NOT READ WHOLE",
				  error);
		ob_add(&b, "\n", 1);
	}
	if (b.len)
		write_line(run, &b);
	free(b.s);
}

/*
 * A result without classification: a file or directory that could not be opened is unknown
 * (it may hold PD), a loop or a missing path is not a file with content.
 */
static void emit(struct scan_run *run, const char *path, const char *mime, uint64_t bytes,
		 const struct classify_report *rep, const char *error, bool skipped,
		 const char *note)
{
	bool unread = error && !skipped && !strstr(error, "loop") &&
		      strcmp(error, strerror(ENOENT));

	emit_label(run, path, mime, bytes, rep, unread ? SCAN_LABEL_UNKNOWN : SCAN_LABEL_NONE,
		   error, true, skipped, note);
}

static const char *open_error(int err)
{
	return err == ELOOP ? "symlink loop" : strerror(err);
}

/* One file, in a worker: scanner.c opens it without blocking and without surprises. */
static void scan_file(struct scan_run *run, struct classify_ctx *ctx, const char *path)
{
	struct scan_result res;

	if (scanner_scan_path(&run->sc, ctx, path, &res)) {
		emit(run, path, "", 0, NULL, "out of memory", false, NULL);
		return;
	}
	if (res.skipped) {
		emit(run, path, res.mime, 0, NULL, res.error, true, NULL);
		return;
	}
	if (!res.st.st_mode) {
		/* not opened at all */
		emit(run, path, "", 0, NULL, res.error, false, NULL);
		return;
	}
	/* "Data scanned" is what was classified: a file not read whole counts apart */
	if (res.unread == EXTRACT_READ_ALL)
		run->bytes += res.st.st_size;
	else
		run->unread_bytes += res.st.st_size;
	emit_label(run, path, res.mime, res.st.st_size, &res.report, res.label,
		   res.error[0] ? res.error : NULL, false, false, res.note[0] ? res.note : NULL);
}

/* A worker's job: one file. */
static void scan_job(void *arg, struct classify_ctx *ctx, const char *path)
{
	struct scan_run *run = arg;

	if (!ctx)
		emit(run, path, "", 0, NULL, "out of memory", false, NULL);
	else
		scan_file(run, ctx, path);
}

static void enqueue(struct scan_run *run, const char *path)
{
	if (workq_push(run->q, path))
		emit(run, path, "", 0, NULL, "out of memory", false, NULL);
}

/* Kernel interfaces, not files: reading them is slow, endless or has side effects. */
static const char *pseudo_fs(const char *path)
{
	static const struct {
		long magic;
		const char *name;
	} fs[] = {
		{ 0x9fa0, "proc" },
		{ 0x62656572, "sysfs" },
		{ 0x1cd1, "devpts" },
		{ 0x27e0eb, "cgroup" },
		{ 0x63677270, "cgroup2" },
		{ 0x64626720, "debugfs" },
		{ 0x74726163, "tracefs" },
		{ 0x73636673, "securityfs" },
		{ 0xcafe4a11, "bpf" },
		{ 0x62656570, "configfs" },
		{ 0x6165676c, "pstore" },
		{ 0xde5e81e4, "efivarfs" },
		{ 0x42494e4d, "binfmt_misc" },
		{ 0x19800202, "mqueue" },
		{ 0x67596969, "rpc_pipefs" },
	};
	struct statfs sf;
	size_t i;

	if (statfs(path, &sf) < 0)
		return NULL;
	for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((long)sf.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct scan_run *run, const char *path, const struct stat *st,
		 const struct dir_stack *up, int depth);

static void walk_dir(struct scan_run *run, const char *path, const struct stat *st,
		     const struct dir_stack *up, int depth)
{
	struct dir_stack me = { st->st_dev, st->st_ino, up };
	const struct dir_stack *d;
	char **names = NULL, *child, errbuf[128];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	const char *fs;
	DIR *dir;
	int fd;

	for (d = up; d; d = d->up) {
		if (d->dev == st->st_dev && d->ino == st->st_ino) {
			emit(run, path, "inode/directory", 0, NULL, "directory loop (bind mount?)",
			     false, NULL);
			return;
		}
	}
	if (depth > MAX_DEPTH) {
		snprintf(errbuf, sizeof(errbuf), "limit exceeded: directory depth > %d", MAX_DEPTH);
		emit(run, path, "inode/directory", 0, NULL, errbuf, false, NULL);
		return;
	}
	if ((!up || up->dev != st->st_dev) && (fs = pseudo_fs(path))) {
		snprintf(errbuf, sizeof(errbuf), "%s pseudo filesystem, skipped", fs);
		emit(run, path, "inode/directory", 0, NULL, errbuf, true, NULL);
		return;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ELOOP && !up)
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		emit(run, path, "inode/directory", 0, NULL, strerror(errno), false, NULL);
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p)
				break;
			names = p;
		}
		if (asprintf(&names[n], "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
			     de->d_name) < 0)
			break;
		n++;
	}
	closedir(dir);
	/* name order: the same tree gives the same output order with --jobs 1 */
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		struct stat cst;

		child = names[i];
		if (lstat(child, &cst) < 0)
			emit(run, child, "", 0, NULL, strerror(errno), false, NULL);
		else
			walk(run, child, &cst, &me, depth + 1);
		free(child);
	}
	free(names);
}

/* @st: lstat() of @path inside a tree, stat() of a path named on the command line. */
static void walk(struct scan_run *run, const char *path, const struct stat *st,
		 const struct dir_stack *up, int depth)
{
	struct stat tst;

	if (S_ISLNK(st->st_mode)) {
		/*
		 * Inside a tree, a link to a file is scanned (its content is reachable here), a
		 * link to a directory is not followed (the directory is scanned where it lives,
		 * and links cannot make the walk loop).
		 */
		if (stat(path, &tst) < 0) {
			if (errno == ELOOP)
				emit(run, path, "inode/symlink", 0, NULL, "symlink loop", false,
				     NULL);
			else
				emit(run, path, "inode/symlink", 0, NULL,
				     "dangling symlink, skipped", true, NULL);
			return;
		}
		if (S_ISREG(tst.st_mode))
			enqueue(run, path);
		else if (!S_ISDIR(tst.st_mode))
			emit(run, path, scanner_special_mime(tst.st_mode), 0, NULL, "special file, skipped",
			     true, NULL);
		return;
	}
	if (S_ISDIR(st->st_mode))
		walk_dir(run, path, st, up, depth);
	else if (S_ISREG(st->st_mode))
		enqueue(run, path);
	else
		emit(run, path, scanner_special_mime(st->st_mode), 0, NULL, "special file, skipped", true,
		     NULL);
}

static void *progress(void *arg)
{
	struct scan_run *run = arg;

	for (;;) {
		struct timespec ts = { 0, 500 * 1000 * 1000 };
		double t;

		nanosleep(&ts, NULL);
		pthread_mutex_lock(&run->outlock);
		if (!run->progress) {
			pthread_mutex_unlock(&run->outlock);
			return NULL;
		}
		t = elapsed(&run->start);
		fprintf(stderr, "\r\033[K%llu files, %llu with PD, %.1f MB, %.0f MB/s",
			(unsigned long long)run->files, (unsigned long long)run->with_pd,
			run->bytes / 1e6, t > 0 ? run->bytes / 1e6 / t : 0.0);
		pthread_mutex_unlock(&run->outlock);
	}
}

static void usage(FILE *f)
{
	/* clang-format off */
	fputs(
		"Usage: pdguard scan [OPTIONS] PATH...\n"
		"\n"
		"Find personal data in files. Each PATH is a file or a directory (scanned\n"
		"recursively); each regular file is typed by its content, its text extracted\n"
		"(office documents, PDF, archives...), classified with the rules, and one\n"
		"result is printed per file.\n"
		"\n"
		"Options:\n"
		"  --json                  one JSON object per line and file (see below); the\n"
		"                          summary goes to stderr\n"
		"  --rules DIR             rule files (*.conf, read in name order); repeat it\n"
		"                          to layer directories: a later one's rule replaces\n"
		"                          an earlier one's of the same name. Default\n"
		"                          " RULES_DIR_SHIPPED " then\n"
		"                          " RULES_DIR_INSTALLED " when installed so, else\n"
		"                          " RULES_DIR_INSTALLED " if it exists, else\n"
		"                          policies/rules.d of the tree pdguard was built in\n"
		"  -j, --jobs N            files scanned in parallel (default: number of CPUs)\n"
		"  --min-confidence L      high, medium (default) or low: weaker findings are\n"
		"                          neither reported nor make a file PD\n"
		"  --max-file-mb N         read at most N MiB of a file (default 100)\n"
		"  --max-text-mb N         classify at most N MiB of text a file (default 64);\n"
		"                          a file over a limit is an error, never clean\n"
		"  --engine E              auto (default), hyperscan or pcre2: the matching\n"
		"                          engine; the same rules give the same results with\n"
		"                          either. auto takes Hyperscan where this CPU runs it\n"
		"                          (x86 with SSSE3), else PCRE2 JIT; asking for\n"
		"                          hyperscan where it cannot run falls back to PCRE2\n"
		"  -v, --verbose           say which engine runs and why (stderr)\n"
		"  -q, --quiet             no summary and no progress line\n"
		"  -h, --help              this text\n"
		"\n"
		"Labels: pd (PD found); none (every byte that could hold text was read, no\n"
		"PD); unknown (no PD in what was read, but not all of it was: encrypted, an\n"
		"unsupported container, a limit reached, extraction failed; the error says\n"
		"which). unknown is never clean; the agent enforces it as the policy's\n"
		"\"unknown =\" says (PD by default).\n"
		"\n"
		"Output: one line per file with PD, unknown or an error, then a summary (files\n"
		"scanned, with PD, unknown, errors, skipped, MB classified, MB not read whole,\n"
		"MB/s, time); a progress line on stderr when it is a terminal. With --json,\n"
		"one line for every file, special files included:\n"
		"  {\"path\",\"mime\",\"bytes\",\"label\":\"pd\"|\"none\"|\"unknown\",\"categories\":[...],\n"
		"   \"findings\":[{\"rule\",\"category\",\"count\",\"confidence\",\"sample\"}],\n"
		"   \"error\":null|\"...\"}\n"
		"Samples are masked (870412******): found values never appear in clear. Bytes\n"
		"of file names that are not UTF-8 are written \\udcXX (Python surrogateescape).\n"
		"\n"
		"Walking: links to files inside a tree are scanned, links to directories are\n"
		"not followed; FIFOs, sockets and devices are reported as \"special file,\n"
		"skipped\" and never opened; /proc-like pseudo filesystems are skipped; symlink\n"
		"and directory loops are errors. A file that hits a limit (size, time, archive\n"
		"depth...) is unknown, never clean.\n"
		"\n"
		"Compiled rules are cached (a start takes milliseconds instead of half a\n"
		"second): /var/cache/pdguard/rules for root, ~/.cache/pdguard/rules for\n"
		"others; PDGUARD_RULES_CACHE=DIR moves it, PDGUARD_RULES_CACHE=off turns it\n"
		"off (docs/rules.md, \"Compiled rules cache\").\n"
		"\n"
		"Exit status (as clamscan):\n"
		"  0   no PD found, every file read whole\n"
		"  1   PD found\n"
		"  2   an error occurred (the other files were still scanned; bad rule files\n"
		"      are reported and the valid rules used)\n"
		"  3   no PD found, but a file is unknown (not read whole)\n"
		"  (2 wins over 1, 1 over 3)\n"
		"  64  bad usage\n"
		"\n"
		"Examples:\n"
		"  pdguard scan /srv/shares/hr\n"
		"  pdguard scan --json --jobs 4 /home | jq -r 'select(.label==\"pd\") | .path'\n"
		"\n"
		"See also: pdguard rules test (why a file is or is not PD), docs/scan.md and\n"
		"docs/rules.md.\n",
		f);
	/* clang-format on */
}

int cli_scan(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "rules", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "min-confidence", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-file-mb", required_argument, NULL, 'F' },
		{ "max-text-mb", required_argument, NULL, 'T' },
		{ "engine", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct scan_run run = { .json = false };
	const char *rules_dirs[CLI_RULES_LAYERS_MAX];
	size_t nrules_dirs = 0;
	int min_conf = CONF_MEDIUM;
	uint64_t max_file = 0, max_text = 0;
	pthread_t prog;
	bool have_prog = false;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	char err[256], *end;
	int opt, i, ret, status = EXIT_OK, engine;
	bool verbose = false;
	size_t k;
	double t;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "j:qvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'E':
			engine = classify_engine_parse(optarg);
			if (engine < 0) {
				cli_error("scan", "--engine is auto, hyperscan or pcre2, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			classify_set_engine(engine);
			break;
		case 'v': verbose = true; break;
		case 'J': run.json = true; break;
		case 'r':
			if (nrules_dirs == CLI_RULES_LAYERS_MAX) {
				cli_error("scan", "at most %d --rules directories", CLI_RULES_LAYERS_MAX);
				return EXIT_USAGE;
			}
			rules_dirs[nrules_dirs++] = optarg;
			break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				cli_error("scan", "--jobs wants a number from 1 to 256, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			min_conf = confidence_find(optarg);
			if (min_conf <= CONF_REJECT) {
				cli_error("scan",
					  "--min-confidence is high, medium or low, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'q': run.quiet = true; break;
		case 'F':
		case 'T': {
			unsigned long long mb = strtoull(optarg, &end, 10);

			/* 1 MiB to 1 TiB: a limit must stay a limit */
			if (*end || optarg[0] == '-' || mb < 1 || mb > (1ULL << 20)) {
				cli_error("scan", "--max-%s-mb wants a number of MiB from 1 to %llu, "
					  "not '%s'", opt == 'F' ? "file" : "text", 1ULL << 20,
					  optarg);
				return EXIT_USAGE;
			}
			*(opt == 'F' ? &max_file : &max_text) = mb << 20;
			break;
		}
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("scan", "no PATH to scan");
		cli_hint("pdguard scan /srv/shares (see pdguard scan --help)");
		return EXIT_USAGE;
	}
	if (jobs < 1)
		jobs = 1;

	ret = scanner_open(&run.sc, rules_dirs, nrules_dirs, err, sizeof(err));
	if (ret) {
		cli_error("scan", "cannot use the rules: %s", err);
		cli_hint("name a rules directory with --rules DIR, or install them to %s; pdguard "
			 "rules check finds the rule at fault",
			 RULES_DIR_INSTALLED);
		return EXIT_ERROR;
	}
	if (verbose)
		fprintf(stderr, "pdguard scan: engine: %s\n",
			classifier_engine_note(run.sc.classifier));
	for (k = 0; k < run.sc.errors.n; k++)
		cli_error("scan", "%s", run.sc.errors.msg[k]);
	if (run.sc.errors.n) {
		/* one bad file must not silently disable the others, nor pass unnoticed */
		cli_hint("scanning with the %zu valid rules; fix the rules above (pdguard rules "
			 "check) — exit status will be 2",
			 run.sc.rules->nrules);
		status = EXIT_ERROR;
	}
	run.sc.min_confidence = min_conf;
	/* the CLI's walk hands over links to regular files only, on purpose */
	run.sc.follow_links = true;
	if (max_file)
		run.sc.limits.max_file_bytes = max_file;
	if (max_text)
		run.sc.limits.max_text_bytes = max_text;

	run.progress = !run.quiet && isatty(STDERR_FILENO);
	pthread_mutex_init(&run.outlock, NULL);
	clock_gettime(CLOCK_MONOTONIC, &run.start);
	if (workq_start(&run.q, run.sc.classifier, jobs, QUEUE_CAP, scan_job, &run)) {
		cli_error("scan", "cannot start a scanning thread");
		scanner_close(&run.sc);
		return EXIT_ERROR;
	}
	if (run.progress)
		have_prog = !pthread_create(&prog, NULL, progress, &run);

	for (i = optind; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0)
			emit(&run, argv[i], "", 0, NULL, open_error(errno), false, NULL);
		else
			walk(&run, argv[i], &st, NULL, 0);
	}

	workq_stop(run.q);
	if (have_prog) {
		pthread_mutex_lock(&run.outlock);
		run.progress = false;
		fputs("\r\033[K", stderr);
		pthread_mutex_unlock(&run.outlock);
		pthread_join(prog, NULL);
	}
	t = elapsed(&run.start);
	if (!run.quiet) {
		FILE *f = run.json ? stderr : stdout;

		fprintf(f,
			"----------- SCAN SUMMARY -----------\n"
			"Files scanned: %llu\n"
			"Files with PD: %llu\n"
			"Unknown (not read whole): %llu\n"
			"Errors: %llu\n"
			"Skipped: %llu\n"
			"Data scanned: %.2f MB\n"
			"Data not read whole: %.2f MB\n"
			"Engine: %s\n"
			"Time: %.3f s (%.1f MB/s)\n",
			(unsigned long long)run.files, (unsigned long long)run.with_pd,
			(unsigned long long)run.unknown, (unsigned long long)run.errors,
			(unsigned long long)run.skipped, run.bytes / 1e6, run.unread_bytes / 1e6,
			classify_engine_name(classifier_engine(run.sc.classifier)), t,
			t > 0 ? run.bytes / 1e6 / t : 0.0);
	}
	scanner_close(&run.sc);
	if (run.errors || status == EXIT_ERROR)
		return EXIT_ERROR;
	if (run.with_pd)
		return EXIT_FOUND;
	return run.unknown ? EXIT_UNKNOWN : EXIT_OK;
}
