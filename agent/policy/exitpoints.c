// SPDX-License-Identifier: GPL-2.0
/*
 * Exit-point applications: the policy's programs and packages resolved to executables. A
 * package is read from dpkg's own file list, so an upgrade that moves the binary (Thunderbird's
 * /usr/lib/thunderbird/thunderbird behind a /usr/bin shell wrapper) is followed at the next
 * start or reload; scripts are left out, since a script runs as its interpreter.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/exitpoints.h"

/* A regular, executable ELF file that is not a shared library. */
static bool elf_program(const char *path)
{
	unsigned char magic[4];
	const char *base = strrchr(path, '/');
	struct stat st;
	bool ok;
	int fd;

	base = base ? base + 1 : path;
	if (strstr(base, ".so") || lstat(path, &st) || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & 0111))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return false;
	ok = read(fd, magic, sizeof(magic)) == sizeof(magic) && !memcmp(magic, "\177ELF", 4);
	close(fd);
	return ok;
}

static bool listed(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

/* The programs of one package's file list @list. Return: 0, -ENOENT (no such list), -ENOMEM. */
static int package_programs(const char *list, struct strlist *out)
{
	char line[4096];
	FILE *f = fopen(list, "re");
	int ret = 0;

	if (!f)
		return -ENOENT;
	while (!ret && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '/' && !listed(out, line) && elf_program(line) &&
		    strlist_add(out, line))
			ret = -ENOMEM;
	}
	fclose(f);
	return ret;
}

int exitpoints_resolve(const struct config *cfg, const char *dpkg_info, struct strlist *out,
		       struct strlist *missing)
{
	char list[PATH_MAX];
	size_t i, n;
	struct dirent *e;
	DIR *dir;
	int ret;

	for (i = 0; i < cfg->exit_exes.n; i++)
		if (!listed(out, cfg->exit_exes.v[i]) && strlist_add(out, cfg->exit_exes.v[i]))
			return -ENOMEM;
	for (i = 0; i < cfg->exit_packages.n; i++) {
		const char *pkg = cfg->exit_packages.v[i];
		bool found = false;

		/* NAME.list, or NAME:ARCH.list for a package of a given architecture */
		snprintf(list, sizeof(list), "%s/%s.list", dpkg_info, pkg);
		ret = package_programs(list, out);
		if (ret == -ENOMEM)
			return ret;
		found = !ret;
		dir = opendir(dpkg_info);
		n = strlen(pkg);
		while (dir && (e = readdir(dir))) {
			if (strncmp(e->d_name, pkg, n) || e->d_name[n] != ':' ||
			    strcmp(e->d_name + strlen(e->d_name) - 5, ".list"))
				continue;
			snprintf(list, sizeof(list), "%s/%s", dpkg_info, e->d_name);
			ret = package_programs(list, out);
			if (ret == -ENOMEM) {
				closedir(dir);
				return ret;
			}
			found |= !ret;
		}
		if (dir)
			closedir(dir);
		if (!found && missing && strlist_add(missing, pkg))
			return -ENOMEM;
	}
	return 0;
}
