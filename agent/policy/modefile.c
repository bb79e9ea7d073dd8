// SPDX-License-Identifier: GPL-2.0
/* Rewrite the policy's `mode =` line, keeping everything else (policy/modefile.h). */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/atomicfile.h"
#include "policy/config.h"
#include "policy/modefile.h"

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The section a `[name]` line opens, into @name; false for any other line. */
static bool section_of(const char *line, char *name, size_t len)
{
	const char *s = skip_space(line), *e;

	if (*s != '[' || !(e = strchr(s, ']')))
		return false;
	snprintf(name, len, "%.*s", (int)(e - s - 1), s + 1);
	return true;
}

/* Is @line `mode = ...` (any spacing)? */
static bool is_mode_line(const char *line)
{
	const char *s = skip_space(line);

	if (strncmp(s, "mode", 4))
		return false;
	s = skip_space(s + 4);
	return *s == '=' || *s == ':';
}

/*
 * Write @line with its value replaced by @value: the key and its spacing, the new value, then
 * the spacing and inline comment that followed the old value (inih's `;` comments).
 */
static void write_mode_line(FILE *f, const char *line, const char *value)
{
	const char *v = skip_space(strpbrk(line, "=:") + 1), *end = v;

	while (*end && *end != ';' && *end != '\n')
		end++;
	while (end > v && isspace((unsigned char)end[-1]) && end[-1] != '\n')
		end--;
	fprintf(f, "%.*s%s%s", (int)(v - line), line, value, end);
	if (!strchr(end, '\n'))
		fputc('\n', f);
}

int config_set_mode(const char *path, int mode, int *old_mode, char *err, size_t errlen)
{
	const char *value = mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit";
	struct config_errors errs = { 0 };
	struct config cur = { 0 }, fresh = { 0 };
	struct atomic_file a;
	char *line = NULL, sect[64] = "", real[PATH_MAX];
	bool in_agent = false, done = false, any_agent = false;
	size_t cap = 0;
	struct stat st;
	FILE *in;
	int ret;

	if (mode != PDGUARD_MODE_AUDIT && mode != PDGUARD_MODE_ENFORCE) {
		snprintf(err, errlen, "unknown mode %d", mode);
		return -EINVAL;
	}
	ret = config_load(path, &cur, &errs);
	if (ret) {
		snprintf(err, errlen, "the policy cannot be used as it is: %s:%u: %s",
			 errs.n ? errs.v[0].file : path, errs.n ? errs.v[0].line : 0,
			 errs.n ? errs.v[0].msg : strerror(-ret));
		config_errors_free(&errs);
		config_free(&cur);
		return ret;
	}
	*old_mode = cur.mode;
	/* a drop-in read after the policy would override the line we write: say where it is */
	{
		const char *from = config_origin(&cur, "agent.mode");
		char dir[PATH_MAX];

		config_dropin_dir(path, dir, sizeof(dir));
		if (from && !strncmp(from, dir, strlen(dir)) && from[strlen(dir)] == '/') {
			if (*old_mode != mode)
				snprintf(err, errlen, "the mode is set by the drop-in %s, read after "
					 "%s: change it there or remove that line", from, path);
			config_free(&cur);
			/* already so, and the drop-in keeps it so: nothing to write */
			return *old_mode == mode ? 0 : -EBUSY;
		}
	}
	config_free(&cur);
	/* a policy reached through a symbolic link is changed where it lives, the link kept */
	if (realpath(path, real))
		path = real;
	in = fopen(path, "re");
	if (!in || fstat(fileno(in), &st)) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		if (in)
			fclose(in);
		return ret;
	}
	ret = atomic_file_open(&a, path, st.st_mode & 07777);
	if (ret) {
		snprintf(err, errlen, "cannot write beside %s: %s", path, strerror(-ret));
		fclose(in);
		return ret;
	}
	while (getline(&line, &cap, in) > 0) {
		if (section_of(line, sect, sizeof(sect))) {
			/* leaving [agent] without a mode line: add it at the section's end */
			if (in_agent && !done) {
				fprintf(a.f, "mode = %s\n", value);
				done = true;
			}
			in_agent = !strcmp(sect, "agent");
			any_agent |= in_agent;
			fputs(line, a.f);
			continue;
		}
		if (in_agent && is_mode_line(line)) {
			if (!done)
				write_mode_line(a.f, line, value);
			done = true;	/* a repeated mode line goes: the value is set once */
			continue;
		}
		fputs(line, a.f);
		if (line[strlen(line) - 1] != '\n')
			fputc('\n', a.f);
	}
	free(line);
	fclose(in);
	if (in_agent && !done) {
		fprintf(a.f, "mode = %s\n", value);
		done = true;
	}
	if (!any_agent) {
		/* no [agent] section at all: add one at the end */
		fprintf(a.f, "\n[agent]\nmode = %s\n", value);
	}
	if (fflush(a.f) || fchown(fileno(a.f), st.st_uid, st.st_gid) ||
	    fchmod(fileno(a.f), st.st_mode & 07777)) {
		ret = -errno;
		snprintf(err, errlen, "cannot write beside %s: %s", path, strerror(errno));
		atomic_file_abort(&a);
		return ret;
	}
	/* the new file must say what was asked, and nothing else may be wrong with it */
	ret = config_load(a.tmp, &fresh, &errs);
	if (!ret && fresh.mode != mode) {
		snprintf(err, errlen, "the new policy still says mode %s: is it set twice?",
			 fresh.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit");
		ret = -EINVAL;
	} else if (ret) {
		snprintf(err, errlen, "the rewritten policy does not load (nothing was changed): "
			 "%s", errs.n ? errs.v[0].msg : strerror(-ret));
	}
	config_errors_free(&errs);
	config_free(&fresh);
	if (ret) {
		atomic_file_abort(&a);
		return ret;
	}
	ret = atomic_file_commit(&a);
	if (ret)
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(-ret));
	return ret;
}
