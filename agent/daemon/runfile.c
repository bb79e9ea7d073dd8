// SPDX-License-Identifier: GPL-2.0
/* STATE/agent.run: the running agent's own description (daemon/runfile.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "daemon/runfile.h"
#include "lib/atomicfile.h"

unsigned long long runfile_pid_start(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	FILE *f;
	size_t n;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* after the command name, which may hold spaces and parentheses */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

static int runfile_path(const char *state_dir, char *out, size_t len)
{
	return (size_t)snprintf(out, len, "%s/" RUNFILE_NAME, state_dir) < len ? 0 : -ENAMETOOLONG;
}

int runfile_write(const char *state_dir, const struct agent_run *r)
{
	char path[PATH_MAX];
	struct atomic_file a;
	int ret;

	ret = runfile_path(state_dir, path, sizeof(path));
	if (!ret)
		ret = atomic_file_open(&a, path, 0600);
	if (ret)
		return ret;
	fprintf(a.f, "pid=%d\npid_start=%llu\nstarted=%lld\ndriver=%s\nconfig=%s\nmode=%s\n"
		"policy_generation=%" PRIu64 "\nkmod_mode=%s\nmaps_mode=%s\nlabels_full=%" PRIu64
		"\nlabels_stale=%" PRIu64 "\n", (int)r->pid, r->pid_start, (long long)r->started,
		r->driver, r->config, r->mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit",
		r->policy_gen, r->kmod_mode, r->maps_mode, r->labels_full, r->labels_stale);
	return atomic_file_commit(&a);
}

static void copy_value(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

int runfile_read(const char *state_dir, struct agent_run *r)
{
	char path[PATH_MAX], *line = NULL, *eq;
	size_t cap = 0;
	ssize_t n;
	int seen = 0, ret;
	FILE *f;

	memset(r, 0, sizeof(*r));
	ret = runfile_path(state_dir, path, sizeof(path));
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "pid"))
			r->pid = (pid_t)strtol(eq, NULL, 10), seen |= 1;
		else if (!strcmp(line, "pid_start"))
			r->pid_start = strtoull(eq, NULL, 10), seen |= 2;
		else if (!strcmp(line, "started"))
			r->started = (time_t)strtoll(eq, NULL, 10);
		else if (!strcmp(line, "driver"))
			copy_value(r->driver, sizeof(r->driver), eq);
		else if (!strcmp(line, "config"))
			copy_value(r->config, sizeof(r->config), eq);
		else if (!strcmp(line, "mode"))
			r->mode = !strcmp(eq, "enforce") ? PDGUARD_MODE_ENFORCE : PDGUARD_MODE_AUDIT,
			seen |= 4;
		else if (!strcmp(line, "policy_generation"))
			r->policy_gen = strtoull(eq, NULL, 10);
		else if (!strcmp(line, "kmod_mode"))
			copy_value(r->kmod_mode, sizeof(r->kmod_mode), eq);
		else if (!strcmp(line, "maps_mode"))
			copy_value(r->maps_mode, sizeof(r->maps_mode), eq);
		else if (!strcmp(line, "labels_full"))
			r->labels_full = strtoull(eq, NULL, 10);
		else if (!strcmp(line, "labels_stale"))
			r->labels_stale = strtoull(eq, NULL, 10);
	}
	free(line);
	fclose(f);
	if (seen != 7 || r->pid <= 0)
		return -EBADMSG;
	if (runfile_pid_start(r->pid) != r->pid_start)
		return -ESRCH;
	return 0;
}

void runfile_remove(const char *state_dir)
{
	char path[PATH_MAX];

	if (!runfile_path(state_dir, path, sizeof(path)))
		unlink(path);
}
