// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard rules`: check rule files (every error, with file:line), list what they define, and
 * test them on sample files, candidate by candidate, to tune them.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "extract/extract.h"

#define TRACE_MAX_DEFAULT 1000

static void usage(FILE *f)
{
	/* clang-format off */
	fprintf(f,
		"Usage: pdguard rules check [DIR...]\n"
		"       pdguard rules list [DIR...]\n"
		"       pdguard rules test [--rules DIR]... [--min-confidence L] [--max N] [--engine E] PATH...\n"
		"\n"
		"Classification rules live in DIR/NN-name.conf, read in name order. Several\n"
		"directories are layers, read in the order given: a later layer's [rule NAME]\n"
		"or [family NAME] replaces an earlier one's, and a later [rule NAME] holding only\n"
		"'enabled = no' switches the earlier rule off; within one layer a name may be\n"
		"defined once. By default the layers are " RULES_DIR_SHIPPED "\n"
		"(shipped) then " RULES_DIR_INSTALLED " (local) when the first exists, else\n"
		RULES_DIR_INSTALLED " if it exists, else policies/rules.d of the source tree\n"
		"pdguard was built in. docs/rules.md describes the format.\n"
		"\n"
		"check  load every file and print every problem as FILE:LINE: REASON; compile\n"
		"       the rules as 'pdguard scan' does and say which run slower (a pattern\n"
		"       Hyperscan cannot take runs as a separate PCRE2 pass) and, on a 'scan:'\n"
		"       line per rule, where it is looked for: the whole text, only around runs\n"
		"       of digits that can hold its matches (a rule of digits and separators),\n"
		"       or only where an identifier was found (a supporting rule); on a 'from:'\n"
		"       line per rule and family, the FILE:LINE that defines it, and on\n"
		"       'override:' and 'disabled:' lines what a later layer replaced or switched\n"
		"       off. Exit status 0\n"
		"       when all is well, 1 when a rule is bad, 2 when the directory cannot be\n"
		"       read or the rules cannot be compiled.\n"
		"list   the rules and keyword families, one line each, with the FILE:LINE that\n"
		"       defines each (and the one it overrides); then the rules switched off.\n"
		"test   classify each file (directories recursively) and show, for tuning,\n"
		"       every candidate: rule, line:column, masked value, accepted or rejected\n"
		"       and why (wrong check digit, impossible date, never issued, BIN (company\n"
		"       id), no context word within N chars, excluded by ...); then each rule's\n"
		"       verdict (minimum count, share of valid matches), the keyword families\n"
		"       found, and the file's label. With several directories, each rule's FILE:LINE\n"
		"       and the layers' overrides and disabled rules are listed first.\n"
		"\n"
		"Options of test:\n"
		"  --rules DIR             the rules to test (default as above); repeat to layer\n"
		"  --min-confidence L      high, medium (default) or low, as for pdguard scan\n"
		"  --max N                 candidates shown per file (default %d, 0: all)\n"
		"  --engine E              auto, hyperscan or pcre2, as for pdguard scan\n"
		"  -h, --help              this text\n"
		"\n"
		"Exit status of test: as pdguard scan (0 no PD, 1 PD found, 2 an error).\n"
		"\n"
		"Examples:\n"
		"  pdguard rules check /etc/pdguard/rules.d\n"
		"  pdguard rules check " RULES_DIR_SHIPPED " " RULES_DIR_INSTALLED "\n"
		"  pdguard rules test --rules ./my-rules.d staff.xlsx\n",
		TRACE_MAX_DEFAULT);
	/* clang-format on */
}

static void print_errors(const struct rules_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		cli_error("rules", "%s", errs->msg[i]);
}

/* The layers named on the command line, or the default ones, joined by " + " into @buf. */
struct layers {
	const char *dirs[CLI_RULES_LAYERS_MAX];
	size_t n;
	char bufs[2][4096];
	char names[1024];
};

static void layers_default(struct layers *l)
{
	const char *def[2];
	size_t i, len = 0;

	if (!l->n) {
		l->n = rules_default_layers(l->bufs, def);
		for (i = 0; i < l->n; i++)
			l->dirs[i] = def[i];
	}
	l->names[0] = '\0';
	for (i = 0; i < l->n && len < sizeof(l->names); i++)
		len += snprintf(l->names + len, sizeof(l->names) - len, "%s%s", i ? " + " : "",
				l->dirs[i]);
}

/* What the layers changed: each override, each disabled rule (and what it was). */
static void print_layering(const struct rules *rs)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].overrides)
			printf("override: rule '%s': %s:%d replaces %s\n", rs->rules[i].name,
			       rs->rules[i].file, rs->rules[i].line, rs->rules[i].overrides);
	for (i = 0; i < rs->nfamilies; i++)
		if (rs->families[i].overrides)
			printf("override: family '%s': %s:%d replaces %s\n", rs->families[i].name,
			       rs->families[i].file, rs->families[i].line,
			       rs->families[i].overrides);
	for (i = 0; i < rs->ndisabled; i++) {
		const struct rule_disabled *d = &rs->disabled[i];

		if (d->was)
			printf("disabled: rule '%s': by %s:%d (defined at %s)\n", d->name, d->file,
			       d->line, d->was);
		else
			printf("disabled: rule '%s': by %s:%d (no earlier layer defines it: "
			       "nothing to switch off)\n", d->name, d->file, d->line);
	}
}

static int rules_check(struct layers *l)
{
	struct rules_errors errs = { 0 };
	struct classifier *c = NULL;
	const struct classifier_note *notes;
	struct rules *rs = NULL;
	char err[256];
	const char *dir;
	size_t n, i;
	int ret, status = EXIT_OK;

	layers_default(l);
	dir = l->names;
	ret = rules_load_layers_all(l->dirs, l->n, &rs, &errs);
	print_errors(&errs);
	if (ret && ret != -EINVAL) {
		cli_hint("name the rules directory: pdguard rules check DIR");
		rules_errors_free(&errs);
		return EXIT_ERROR;
	}
	if (errs.n) {
		cli_hint("%zu problem%s above: pdguard scan reports them and scans with the valid "
			 "rules (exit status 2); docs/rules.md describes the format",
			 errs.n, errs.n == 1 ? "" : "s");
		status = EXIT_FOUND;
	}
	ret = classifier_new(rs, &c, err, sizeof(err));
	if (ret) {
		cli_error("rules", "cannot compile the rules: %s", err);
		rules_errors_free(&errs);
		rules_free(rs);
		return EXIT_ERROR;
	}
	notes = classifier_notes(c, &n);
	for (i = 0; i < n; i++)
		printf("note: rule '%s': %s\n", notes[i].rule, notes[i].text);
	for (i = 0; i < rs->nrules; i++) {
		char how[160];

		printf("scan: rule '%s': %s\n", rs->rules[i].name,
		       classifier_rule_scan(c, i, how, sizeof(how)));
	}
	for (i = 0; i < rs->nrules; i++)
		printf("from: rule '%s': %s:%d\n", rs->rules[i].name, rs->rules[i].file,
		       rs->rules[i].line);
	for (i = 0; i < rs->nfamilies; i++)
		printf("from: family '%s': %s:%d\n", rs->families[i].name, rs->families[i].file,
		       rs->families[i].line);
	print_layering(rs);
	printf("%s: %zu file%s, %zu rule%s, %zu famil%s, %zu keywords: %s\n", dir, rs->nfiles,
	       rs->nfiles == 1 ? "" : "s", rs->nrules, rs->nrules == 1 ? "" : "s", rs->nfamilies,
	       rs->nfamilies == 1 ? "y" : "ies", rs->nwords, status ? "ERRORS" : "OK");
	classifier_free(c);
	rules_free(rs);
	rules_errors_free(&errs);
	return status;
}

static int rules_list(struct layers *l)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;
	size_t i;
	int ret;

	layers_default(l);
	ret = rules_load_layers_all(l->dirs, l->n, &rs, &errs);
	print_errors(&errs);
	rules_errors_free(&errs);
	if (ret && ret != -EINVAL)
		return EXIT_ERROR;
	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];
		char mp[32] = "";

		if (r->min_people)
			snprintf(mp, sizeof(mp), " min-people=%u", r->min_people);
		printf("rule   %-14s %-10s validator=%-8s confidence=%s/%s window=%u min-count=%u "
		       "min-ratio=%u%%%s%s  (%s:%d%s%s)\n",
		       r->name, vocab_category_name(r->category), r->validator->name,
		       confidence_name(r->confidence), confidence_name(r->without_context),
		       r->window, r->min_count, r->min_ratio, r->supporting ? " supporting" : "",
		       mp,
		       r->file, r->line, r->overrides ? ", overrides " : "",
		       r->overrides ? r->overrides : "");
	}
	for (i = 0; i < rs->nfamilies; i++) {
		const struct rule_family *f = &rs->families[i];

		printf("family %-14s %-10s %zu words, min-words=%u  (%s:%d%s%s)\n", f->name,
		       f->category >= 0 ? vocab_category_name(f->category) : "context", f->nwords,
		       f->min_words, f->file, f->line, f->overrides ? ", overrides " : "",
		       f->overrides ? f->overrides : "");
	}
	for (i = 0; i < rs->ndisabled; i++) {
		const struct rule_disabled *d = &rs->disabled[i];

		printf("off    %-14s disabled by %s:%d%s%s\n", d->name, d->file, d->line,
		       d->was ? ", defined at " : ", defined in no earlier layer",
		       d->was ? d->was : "");
	}
	rules_free(rs);
	return ret ? EXIT_FOUND : EXIT_OK;
}

struct tester {
	struct classify_ctx *ctx;
	int min_conf;
	unsigned long max, shown, hidden;
	unsigned long files, with_pd, errors;
};

static struct tester *the_tester;

static void on_trace(void *arg, const struct classify_trace *ev)
{
	struct tester *t = arg;

	switch (ev->kind) {
	case TRACE_CANDIDATE:
		if (t->max && t->shown >= t->max) {
			t->hidden++;
			return;
		}
		t->shown++;
		printf("  %6llu:%-4llu %-14s %-18s %-8s %-6s %s\n", (unsigned long long)ev->line,
		       (unsigned long long)ev->col, ev->rule, ev->value,
		       ev->accepted ? "accepted" : "rejected",
		       ev->accepted ? confidence_name(ev->confidence) : "", ev->reason);
		break;
	case TRACE_RULE: printf("  rule %s: %s\n", ev->rule, ev->reason); break;
	case TRACE_FAMILY: printf("  family %s: %s\n", ev->rule, ev->reason); break;
	case TRACE_DOCUMENT: printf("  -- %s\n", ev->reason); break;
	}
}

static void test_file(struct tester *t, const char *path)
{
	struct extract_result res = { 0 };
	struct classify_report rep;
	struct stat st;
	size_t i;
	int fd, ret, cret, k;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		printf("== %s\n  error: %s\n", path,
		       errno == ELOOP ? "symlink loop" : strerror(errno));
		t->errors++;
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		printf("== %s\n  special file, skipped\n", path);
		close(fd);
		return;
	}
	t->files++;
	t->shown = t->hidden = 0;
	printf("== %s\n", path);
	fflush(stdout);
	classify_begin(t->ctx, t->min_conf, on_trace, t);
	ret = extract_fd_docs(fd, NULL, classify_feed, classify_next_document, classify_picture,
			      t->ctx, &res);
	close(fd);
	cret = classify_end(t->ctx, &rep);
	if (t->hidden)
		printf("  ... %lu more candidates not shown (--max %lu)\n", t->hidden, t->max);
	printf("  type %s (%s), %llu bytes, %llu bytes of text\n", res.mime, res.kind,
	       (unsigned long long)st.st_size, (unsigned long long)rep.text_bytes);
	if (ret < 0 || cret ||
	    (res.status != EXTRACT_OK && res.status != EXTRACT_STOPPED &&
	     res.status != EXTRACT_UNSUPPORTED)) {
		printf("  error: %s\n", ret < 0 ? strerror(-ret)
					: cret	? classify_error(t->ctx)
						: res.error);
		t->errors++;
	} else if (res.status == EXTRACT_UNSUPPORTED) {
		printf("  note: %s\n", res.error);
	}
	if (!rep.pd) {
		printf("  => none\n");
		return;
	}
	t->with_pd++;
	printf("  => PD [");
	for (k = 0, i = 0; k < PDG_CAT_COUNT; k++)
		if (rep.categories & (1U << k))
			printf("%s%s", i++ ? "," : "", vocab_category_name(k));
	printf("]\n");
}

static int test_walk(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_F && S_ISREG(st->st_mode))
		test_file(the_tester, path);
	return 0;
}

static int rules_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "min-confidence", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "engine", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct tester t = { .min_conf = CONF_MEDIUM, .max = TRACE_MAX_DEFAULT };
	struct rules_errors errs = { 0 };
	struct classifier *c = NULL;
	struct rules *rs = NULL;
	struct layers l = { .n = 0 };
	char err[256], *end;
	int opt, ret, i, status = EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (l.n == CLI_RULES_LAYERS_MAX) {
				cli_error("rules", "at most %d --rules directories",
					  CLI_RULES_LAYERS_MAX);
				return EXIT_USAGE;
			}
			l.dirs[l.n++] = optarg;
			break;
		case 'm':
			t.min_conf = confidence_find(optarg);
			if (t.min_conf <= CONF_REJECT) {
				cli_error("rules", "--min-confidence is high, medium or low");
				return EXIT_USAGE;
			}
			break;
		case 'M':
			t.max = strtoul(optarg, &end, 10);
			if (*end) {
				cli_error("rules", "--max wants a number");
				return EXIT_USAGE;
			}
			break;
		case 'E':
			ret = classify_engine_parse(optarg);
			if (ret < 0) {
				cli_error("rules", "--engine is auto, hyperscan or pcre2, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			classify_set_engine(ret);
			break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("rules", "test: no PATH");
		cli_hint("pdguard rules test sample.docx");
		return EXIT_USAGE;
	}
	layers_default(&l);
	ret = rules_load_layers_all(l.dirs, l.n, &rs, &errs);
	print_errors(&errs);
	rules_errors_free(&errs);
	if (!ret || ret == -EINVAL) {
		printf("rules: %s: %zu rules, %zu families\n", l.names, rs->nrules,
		       rs->nfamilies);
		/* with layers, which file each rule comes from is worth a line */
		for (size_t k = 0; l.n > 1 && k < rs->nrules; k++)
			printf("from: rule '%s': %s:%d\n", rs->rules[k].name, rs->rules[k].file,
			       rs->rules[k].line);
		print_layering(rs);
	}
	if (ret == -EINVAL)
		status = EXIT_ERROR;
	else if (ret)
		return EXIT_ERROR;
	ret = classifier_new(rs, &c, err, sizeof(err));
	if (!ret)
		ret = classify_ctx_new(c, &t.ctx);
	if (ret) {
		cli_error("rules", "cannot compile the rules: %s", err);
		classifier_free(c);
		rules_free(rs);
		return EXIT_ERROR;
	}
	the_tester = &t;
	for (i = optind; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0) {
			printf("== %s\n  error: %s\n", argv[i],
			       errno == ELOOP ? "symlink loop" : strerror(errno));
			t.errors++;
		} else if (S_ISDIR(st.st_mode)) {
			nftw(argv[i], test_walk, 16, FTW_PHYS);
		} else {
			test_file(&t, argv[i]);
		}
	}
	printf("%lu file%s, %lu with PD, %lu error%s\n", t.files, t.files == 1 ? "" : "s",
	       t.with_pd, t.errors, t.errors == 1 ? "" : "s");
	classify_ctx_free(t.ctx);
	classifier_free(c);
	rules_free(rs);
	if (t.errors || status)
		return EXIT_ERROR;
	return t.with_pd ? EXIT_FOUND : EXIT_OK;
}

int cli_rules(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "check") || !strcmp(argv[1], "list")) {
		struct layers l = { .n = 0 };
		int i;

		if (argc - 2 > CLI_RULES_LAYERS_MAX) {
			cli_error("rules", "at most %d directories", CLI_RULES_LAYERS_MAX);
			return EXIT_USAGE;
		}
		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				usage(stdout);
				return EXIT_OK;
			}
			if (argv[i][0] == '-') {
				usage(stderr);
				return EXIT_USAGE;
			}
			l.dirs[l.n++] = argv[i];
		}
		return argv[1][0] == 'c' ? rules_check(&l) : rules_list(&l);
	}
	if (!strcmp(argv[1], "test"))
		return rules_test(argc - 1, argv + 1);
	cli_error("rules", "unknown subcommand '%s'", argv[1]);
	cli_hint("pdguard rules check|list|test (see pdguard rules --help)");
	return EXIT_USAGE;
}
