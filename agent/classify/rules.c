// SPDX-License-Identifier: GPL-2.0
/*
 * The rule set (rules.h): what it holds and frees, the errors collected while loading, loading a
 * directory of rule files in name order, and rules_finish(), which resolves @family references
 * and drops disabled, broken and overridden rules. Parsing one file is rules_parse.c; which
 * section overrides which is decided there, as each section begins and ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/rules_parse.h"

static const char *const confidence_names[] = {
	[CONF_REJECT] = "reject",
	[CONF_LOW] = "low",
	[CONF_MEDIUM] = "medium",
	[CONF_HIGH] = "high",
};

const char *confidence_name(int conf)
{
	if (conf < CONF_REJECT || conf > CONF_HIGH)
		return "?";
	return confidence_names[conf];
}

int confidence_find(const char *name)
{
	int i;

	for (i = CONF_REJECT; i <= CONF_HIGH; i++)
		if (!strcmp(confidence_names[i], name))
			return i;
	return -EINVAL;
}

void rules_verr(struct rules_errors *errs, const char *file, int line, const char *fmt, va_list ap)
{
	char *msg = NULL, *full = NULL, **n;
	int ret;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (line > 0)
		ret = asprintf(&full, "%s:%d: %s", file, line, msg);
	else
		ret = asprintf(&full, "%s: %s", file, msg);
	free(msg);
	if (ret < 0)
		return;
	n = realloc(errs->msg, (errs->n + 1) * sizeof(*n));
	if (!n) {
		free(full);
		return;
	}
	errs->msg = n;
	errs->msg[errs->n++] = full;
}

void __attribute__((format(printf, 4, 5)))
rules_err(struct rules_errors *errs, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rules_verr(errs, file, line, fmt, ap);
	va_end(ap);
}

void rules_errors_free(struct rules_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

struct rules *rules_new(void)
{
	return calloc(1, sizeof(struct rules));
}

void rules_clear_rule(struct rule *r)
{
	free(r->name);
	free(r->file);
	free(r->overrides);
	free(r->description);
	free(r->pattern);
	free(r->exclude_pattern);
	pcre2_code_free(r->re);
	pcre2_code_free(r->exclude_re);
	free(r->context);
	free(r->exclude);
	memset(r, 0, sizeof(*r));
}

void rules_clear_family(struct rule_family *f)
{
	free(f->name);
	free(f->file);
	free(f->overrides);
	free(f->description);
	free(f->words);
	memset(f, 0, sizeof(*f));
}

void rules_clear_ref(struct rule_ref *r)
{
	free(r->family);
	free(r->file);
}

void rules_free(struct rules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->nrules; i++)
		rules_clear_rule(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nfamilies; i++)
		rules_clear_family(&rs->families[i]);
	free(rs->families);
	for (i = 0; i < rs->nwords; i++)
		free(rs->words[i].text);
	free(rs->words);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	for (i = 0; i < rs->nrefs; i++)
		rules_clear_ref(&rs->refs[i]);
	free(rs->refs);
	for (i = 0; i < rs->ndisabled; i++) {
		free(rs->disabled[i].name);
		free(rs->disabled[i].file);
		free(rs->disabled[i].was);
	}
	free(rs->disabled);
	free(rs);
}

/* Grow *arr by one element of @size; returns the new element (zeroed) or NULL. */
void *rules_push(void **arr, size_t *n, size_t size)
{
	char *a = realloc(*arr, (*n + 1) * size);

	if (!a)
		return NULL;
	*arr = a;
	memset(a + *n * size, 0, size);
	return a + (*n)++ * size;
}

int rules_add_index(uint32_t **arr, size_t *n, uint32_t v)
{
	uint32_t *slot;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return 0;
	slot = rules_push((void **)arr, n, sizeof(**arr));
	if (!slot)
		return -ENOMEM;
	*slot = v;
	return 0;
}

int rules_load_file(struct rules *rs, const char *path, struct rules_errors *errs)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		rules_err(errs, path, 0, "cannot open: %s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RULES_FILE_MAX) {
		ret = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		rules_err(errs, path, 0, "%s",
			  ret == -EFBIG ? "bigger than 1 MiB: not a rule file"
					: "not a regular file");
		close(fd);
		return ret;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	ret = rules_load_buffer(rs, path, buf, got, errs);
	free(buf);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.conf of @dir in name order; *nfiles: how many. No files is not an error here. */
static int load_dir(struct rules *rs, const char *dir, struct rules_errors *errs, size_t *nfiles)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d) {
		ret = -errno;
		rules_err(errs, dir, 0, "cannot read the rules directory: %s", strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **slot;

		/* *.conf only: package managers leave .conf.dpkg-old and editors leave ~ files */
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		slot = rules_push((void **)&names, &n, sizeof(*slot));
		if (!slot || asprintf(slot, "%s/%s", dir, de->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
	}
	closedir(d);
	/* byte order, not the locale's: 10-x before 20-y on every machine */
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!ret)
			rules_load_file(rs, names[i], errs);
		free(names[i]);
	}
	free(names);
	*nfiles = n;
	return ret;
}

int rules_load_dir(struct rules *rs, const char *dir, struct rules_errors *errs)
{
	size_t n = 0;
	int ret = load_dir(rs, dir, errs, &n);

	if (!ret && !n)
		rules_err(errs, dir, 0, "no *.conf rule files");
	return ret;
}

int rules_load_layers(struct rules *rs, const char *const *dirs, size_t n,
		      struct rules_errors *errs)
{
	size_t i, files = 0, got;
	int ret;

	for (i = 0; i < n; i++) {
		rs->layer = i;
		got = 0;
		ret = load_dir(rs, dirs[i], errs, &got);
		if (ret)
			return ret;
		files += got;
	}
	if (n && !files)
		rules_err(errs, dirs[n - 1], 0, "no *.conf rule files in this directory%s",
			  n > 1 ? " nor in the layers before it" : "");
	return 0;
}

static struct rule_family *family_find(struct rules *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nfamilies; i++)
		if (!rs->families[i].shadowed && !strcmp(rs->families[i].name, name))
			return &rs->families[i];
	return NULL;
}

int rules_finish(struct rules *rs, struct rules_errors *errs)
{
	bool *drop;
	size_t i, j, k;

	drop = calloc(rs->nrules + 1, sizeof(*drop));
	if (!drop)
		return -ENOMEM;
	for (i = 0; i < rs->nrefs; i++) {
		struct rule_ref *ref = &rs->refs[i];
		struct rule *r = &rs->rules[ref->rule];
		struct rule_family *f;

		if (r->shadowed)
			continue;	/* replaced by a later layer: its references do not matter */
		f = family_find(rs, ref->family);
		if (!f) {
			rules_err(errs, ref->file, ref->line, "unknown family '@%s' in [rule %s]",
				  ref->family, r->name);
			drop[ref->rule] = true;
			continue;
		}
		for (j = 0; j < f->nwords; j++) {
			if (ref->exclude)
				rules_add_index(&r->exclude, &r->nexclude, f->words[j]);
			else
				rules_add_index(&r->context, &r->ncontext, f->words[j]);
		}
	}
	for (i = 0; i < rs->nrefs; i++)
		rules_clear_ref(&rs->refs[i]);
	free(rs->refs);
	rs->refs = NULL;
	rs->nrefs = 0;

	for (i = 0, k = 0; i < rs->nrules; i++) {
		if (drop[i] || !rs->rules[i].enabled || rs->rules[i].shadowed) {
			rules_clear_rule(&rs->rules[i]);
			continue;
		}
		rs->rules[k++] = rs->rules[i];
	}
	rs->nrules = k;
	for (i = 0, k = 0; i < rs->nfamilies; i++) {
		if (rs->families[i].shadowed) {
			rules_clear_family(&rs->families[i]);
			continue;
		}
		rs->families[k++] = rs->families[i];
	}
	rs->nfamilies = k;
	free(drop);
	return 0;
}

int rules_default_dir(char *buf, size_t len)
{
	char exe[4096], *slash;
	struct stat st;
	ssize_t n;

	snprintf(buf, len, "%s", RULES_DIR_INSTALLED);
	if (!stat(buf, &st) && S_ISDIR(st.st_mode))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* build/pdguard or build/tests/<area>/<name>: the tree is above "build" */
		slash = strstr(exe, "/build/");
		if (!slash)
			slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(buf, len, "%s/policies/rules.d", exe) < (int)len &&
			    !stat(buf, &st) && S_ISDIR(st.st_mode))
				return 0;
		}
	}
	snprintf(buf, len, "%s", RULES_DIR_INSTALLED);
	return -ENOENT;
}

size_t rules_default_layers(char bufs[2][4096], const char *dirs[2])
{
	struct stat st;
	size_t n = 0;

	if (!stat(RULES_DIR_SHIPPED, &st) && S_ISDIR(st.st_mode)) {
		snprintf(bufs[n], sizeof(bufs[n]), "%s", RULES_DIR_SHIPPED);
		dirs[n] = bufs[n];
		n++;
		if (!stat(RULES_DIR_INSTALLED, &st) && S_ISDIR(st.st_mode)) {
			snprintf(bufs[n], sizeof(bufs[n]), "%s", RULES_DIR_INSTALLED);
			dirs[n] = bufs[n];
			n++;
		}
		return n;
	}
	rules_default_dir(bufs[0], sizeof(bufs[0]));
	dirs[0] = bufs[0];
	return 1;
}

int rules_load(const char *dir, struct rules **rsp, struct rules_errors *errs)
{
	return rules_load_layers_all(dir ? &dir : NULL, dir ? 1 : 0, rsp, errs);
}

int rules_load_layers_all(const char *const *dirs, size_t n, struct rules **rsp,
			  struct rules_errors *errs)
{
	char bufs[2][4096];
	const char *def[2];
	struct rules *rs;
	size_t before = errs->n;
	int ret;

	*rsp = NULL;
	if (!n) {
		n = rules_default_layers(bufs, def);
		dirs = def;
	}
	rs = rules_new();
	if (!rs)
		return -ENOMEM;
	/* one directory keeps its message for an empty one: "DIR: no *.conf rule files" */
	ret = n == 1 ? rules_load_dir(rs, dirs[0], errs) : rules_load_layers(rs, dirs, n, errs);
	if (ret) {
		rules_free(rs);
		return ret;
	}
	ret = rules_finish(rs, errs);
	if (ret) {
		rules_free(rs);
		return ret;
	}
	*rsp = rs;
	return errs->n > before ? -EINVAL : 0;
}
