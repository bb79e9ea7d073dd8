// SPDX-License-Identifier: GPL-2.0
/*
 * Grants file: a version line, a "next" line, then one line per grant:
 *
 *   pdguard-grants 1
 *   next 4
 *   grant ID UID CATS CREATED UNTIL REVOKED EXPIRE_LOGGED USER BY APPROVER REASON
 *   export ID GROUP CATS ZONES CREATED UNTIL REVOKED EXPIRE_LOGGED UID NAME BY APPROVER
 *          APPROVER2 REASON ZONE_PATH PATH
 *
 * ("export" lines, all on one line, are export grants: GROUP is 1 when UID is a gid and NAME a
 * group; ZONES in hex, GRANT_ZONE_*.) A file with only "grant" lines is what every earlier
 * version wrote and still reads.
 *
 * Numbers in decimal (CATS in hex); strings %-escaped (space, '%', controls) so every field is
 * one word, "-" for an empty string. Text, so an administrator can read it with less; written
 * only through this file's functions, under flock(STATE/grants.lock), by temp file + fsync +
 * rename, so a reader never sees half a file and two writers never lose each other's change.
 *
 * This file: the store (read, write, add, revoke, expire, list). The checks the drivers ask
 * (grants_allowed(), the export grants) are in grants_check.c; times, zones and the grant's
 * event, as the CLI and the log say them, in grants_format.c; grants_internal.h is what they
 * share.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomicfile.h"
#include "policy/grants.h"
#include "policy/grants_internal.h"

#define GRANTS_MAGIC "pdguard-grants 1"

void grant_free(struct grant *gr)
{
	if (!gr)
		return;
	free(gr->user);
	free(gr->by);
	free(gr->approver);
	free(gr->reason);
	free(gr->zone_path);
	free(gr->path);
	free(gr->approver2);
	memset(gr, 0, sizeof(*gr));
}

void grants_free_array(struct grant *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		grant_free(&v[i]);
	free(v);
}

static void clear_all(struct grants *g)
{
	grants_free_array(g->v, g->n);
	g->v = NULL;
	g->n = 0;
}

static int grant_copy(struct grant *dst, const struct grant *src)
{
	*dst = *src;
	dst->user = strdup(src->user ? src->user : "");
	dst->by = strdup(src->by ? src->by : "");
	dst->approver = strdup(src->approver ? src->approver : "");
	dst->reason = strdup(src->reason ? src->reason : "");
	dst->zone_path = strdup(src->zone_path ? src->zone_path : "");
	dst->path = strdup(src->path ? src->path : "");
	dst->approver2 = strdup(src->approver2 ? src->approver2 : "");
	if (!dst->user || !dst->by || !dst->approver || !dst->reason || !dst->zone_path ||
	    !dst->path || !dst->approver2) {
		grant_free(dst);
		return -ENOMEM;
	}
	return 0;
}

static void put_escaped(FILE *f, const char *s)
{
	if (!s || !*s) {
		fputc('-', f);
		return;
	}
	for (; *s; s++) {
		unsigned char c = *s;

		if (c <= ' ' || c == '%' || c == 0x7f || (c == '-' && s[1] == '\0'))
			fprintf(f, "%%%02X", c);
		else
			fputc(c, f);
	}
}

static int unescape(const char *w, char **out)
{
	char *d, *s;

	if (!strcmp(w, "-")) {
		*out = strdup("");
		return *out ? 0 : -ENOMEM;
	}
	*out = s = strdup(w);
	if (!s)
		return -ENOMEM;
	for (d = s; *s; s++) {
		if (*s == '%') {
			if (!isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
				return -EBADMSG;
			*d++ = (char)strtoul((char[]){ s[1], s[2], 0 }, NULL, 16);
			s += 2;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
	return 0;
}

/* An "export" line (see the top of the file); @line was cut into @w, 17 words. */
static int parse_export(char **w, struct grant *gr)
{
	unsigned long long n[9];
	int i, ret;

	for (i = 0; i < 9; i++) {
		char *end;

		errno = 0;
		n[i] = strtoull(w[i + 1], &end, i == 2 || i == 3 ? 16 : 10);
		if (errno || *end)
			return -EBADMSG;
	}
	if (n[1] > 1 || !n[3] || n[3] > (GRANT_ZONE_USB | GRANT_ZONE_CLOUD))
		return -EBADMSG;
	memset(gr, 0, sizeof(*gr));
	gr->export = true;
	gr->id = n[0];
	gr->group = n[1];
	gr->categories = n[2];
	gr->zones = n[3];
	gr->created = n[4];
	gr->until = n[5];
	gr->revoked = n[6];
	gr->expire_logged = n[7] != 0;
	gr->uid = n[8];
	ret = unescape(w[10], &gr->user);
	if (!ret)
		ret = unescape(w[11], &gr->by);
	if (!ret)
		ret = unescape(w[12], &gr->approver);
	if (!ret)
		ret = unescape(w[13], &gr->approver2);
	if (!ret)
		ret = unescape(w[14], &gr->reason);
	if (!ret)
		ret = unescape(w[15], &gr->zone_path);
	if (!ret)
		ret = unescape(w[16], &gr->path);
	if (ret)
		grant_free(gr);
	return ret;
}

static int parse_line(char *line, struct grant *gr)
{
	char *w[17], *save = NULL, *tok;
	unsigned long long n[7];
	int i, ret;

	for (i = 0, tok = strtok_r(line, " \n", &save); tok && i < 17;
	     tok = strtok_r(NULL, " \n", &save))
		w[i++] = tok;
	if (tok)
		return -EBADMSG;
	if (i == 17 && !strcmp(w[0], "export"))
		return parse_export(w, gr);
	if (i != 12 || strcmp(w[0], "grant"))
		return -EBADMSG;
	for (i = 0; i < 7; i++) {
		char *end;

		errno = 0;
		n[i] = strtoull(w[i + 1], &end, i == 2 ? 16 : 10);
		if (errno || *end)
			return -EBADMSG;
	}
	memset(gr, 0, sizeof(*gr));
	gr->id = n[0];
	gr->uid = n[1];
	gr->categories = n[2];
	gr->created = n[3];
	gr->until = n[4];
	gr->revoked = n[5];
	gr->expire_logged = n[6] != 0;
	ret = unescape(w[8], &gr->user);
	if (!ret)
		ret = unescape(w[9], &gr->by);
	if (!ret)
		ret = unescape(w[10], &gr->approver);
	if (!ret)
		ret = unescape(w[11], &gr->reason);
	if (ret)
		grant_free(gr);
	return ret;
}

/* Read the file into @g (replacing what it held). Caller holds g->lock. */
int load_locked(struct grants *g)
{
	struct grant *v = NULL, *nv, gr;
	unsigned int next = 1;
	char *line = NULL;
	size_t cap = 0, n = 0;
	struct stat st;
	int ret = 0;
	FILE *f;

	f = fopen(g->path, "re");
	if (!f) {
		if (errno != ENOENT)
			return -errno;
		clear_all(g);
		g->next_id = 1;
		g->f_ino = (ino_t)-1;
		g->f_size = 0;
		g->f_mtime_ns = 0;
		return 0;
	}
	if (fstat(fileno(f), &st)) {
		ret = -errno;
		goto out;
	}
	if (getline(&line, &cap, f) < 0 || strncmp(line, GRANTS_MAGIC "\n", sizeof(GRANTS_MAGIC))) {
		ret = -EBADMSG;
		goto out;
	}
	if (getline(&line, &cap, f) < 0 || sscanf(line, "next %u", &next) != 1) {
		ret = -EBADMSG;
		goto out;
	}
	while (getline(&line, &cap, f) > 0) {
		ret = parse_line(line, &gr);
		if (ret)
			goto out;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			grant_free(&gr);
			ret = -ENOMEM;
			goto out;
		}
		v = nv;
		v[n++] = gr;
		if (gr.id >= next)
			next = gr.id + 1;
	}
	clear_all(g);
	g->v = v;
	g->n = n;
	v = NULL;
	g->next_id = next;
	g->f_ino = st.st_ino;
	g->f_size = st.st_size;
	g->f_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
out:
	grants_free_array(v, n);
	free(line);
	fclose(f);
	return ret;
}

static void save_export(FILE *f, const struct grant *gr)
{
	const char *const str[] = { gr->user, gr->by, gr->approver, gr->approver2, gr->reason,
				    gr->zone_path, gr->path };
	size_t i;

	fprintf(f, "export %u %d %x %x %lld %lld %lld %d %u", gr->id, gr->group, gr->categories,
		gr->zones, (long long)gr->created, (long long)gr->until, (long long)gr->revoked,
		gr->expire_logged, (unsigned int)gr->uid);
	for (i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
		fputc(' ', f);
		put_escaped(f, str[i]);
	}
	fputc('\n', f);
}

/* Write @g to a temp file beside the real one, fsync it, rename it over (caller: both locks). */
static int save_locked(struct grants *g)
{
	struct atomic_file a;
	struct stat st;
	size_t i;
	FILE *f;
	int ret;

	ret = atomic_file_open(&a, g->path, 0600);
	if (ret)
		return ret;
	f = a.f;
	fprintf(f, GRANTS_MAGIC "\nnext %u\n", g->next_id);
	for (i = 0; i < g->n; i++) {
		const struct grant *gr = &g->v[i];

		if (gr->export) {
			save_export(f, gr);
			continue;
		}
		fprintf(f, "grant %u %u %x %lld %lld %lld %d ", gr->id, (unsigned int)gr->uid,
			gr->categories, (long long)gr->created, (long long)gr->until,
			(long long)gr->revoked, gr->expire_logged);
		put_escaped(f, gr->user);
		fputc(' ', f);
		put_escaped(f, gr->by);
		fputc(' ', f);
		put_escaped(f, gr->approver);
		fputc(' ', f);
		put_escaped(f, gr->reason);
		fputc('\n', f);
	}
	ret = atomic_file_commit(&a);
	if (ret)
		return ret;
	if (!stat(g->path, &st)) {
		g->f_ino = st.st_ino;
		g->f_size = st.st_size;
		g->f_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	}
	return 0;
}

/* Take the writers' lock (flock on STATE/grants.lock) and read the newest file. */
static int begin_update(struct grants *g, int *lockfd)
{
	int ret;

	*lockfd = open(g->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*lockfd < 0)
		return -errno;
	if (flock(*lockfd, LOCK_EX)) {
		ret = -errno;
		close(*lockfd);
		return ret;
	}
	ret = load_locked(g);
	if (ret)
		close(*lockfd);
	return ret;
}

static int mkdir_p(const char *dir)
{
	char p[PATH_MAX], *s;

	if (snprintf(p, sizeof(p), "%s", dir) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	/* the state directory itself is root's only: it holds who may read what */
	if (mkdir(p, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int grants_open(struct grants **out, const char *state_dir)
{
	struct grants *g;
	int ret;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	pthread_mutex_init(&g->lock, NULL);
	if (asprintf(&g->path, "%s/" GRANTS_FILE, state_dir) < 0 ||
	    asprintf(&g->lockpath, "%s/" GRANTS_FILE ".lock", state_dir) < 0) {
		g->path = g->lockpath = NULL;
		grants_close(g);
		return -ENOMEM;
	}
	ret = load_locked(g);
	if (ret) {
		grants_close(g);
		return ret;
	}
	*out = g;
	return 0;
}

void grants_close(struct grants *g)
{
	if (!g)
		return;
	clear_all(g);
	free(g->path);
	free(g->lockpath);
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* Did the file change since we read it? Caller holds g->lock. */
bool changed_locked(struct grants *g)
{
	struct stat st;

	if (stat(g->path, &st))
		return g->f_ino != (ino_t)-1;
	return st.st_ino != g->f_ino || st.st_size != g->f_size ||
	       (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != g->f_mtime_ns;
}

int grants_reload(struct grants *g)
{
	int ret = 0;

	pthread_mutex_lock(&g->lock);
	if (changed_locked(g)) {
		ret = load_locked(g);
		ret = ret ? ret : 1;
	}
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int grants_add(struct grants *g, const struct grant *gr, time_t now, unsigned int *id)
{
	char dir[PATH_MAX], *slash;
	struct grant *nv;
	int lockfd, ret;

	if (gr->until <= now || !gr->categories ||
	    (gr->export && !(gr->zones & (GRANT_ZONE_USB | GRANT_ZONE_CLOUD))))
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	/* the state directory may not exist yet: the first grant creates it */
	snprintf(dir, sizeof(dir), "%s", g->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir_p(dir);
	}
	ret = begin_update(g, &lockfd);
	if (ret)
		goto out;
	nv = realloc(g->v, (g->n + 1) * sizeof(*nv));
	if (!nv) {
		ret = -ENOMEM;
		goto unlock;
	}
	g->v = nv;
	ret = grant_copy(&nv[g->n], gr);
	if (ret)
		goto unlock;
	nv[g->n].id = g->next_id;
	nv[g->n].created = now;
	nv[g->n].revoked = 0;
	nv[g->n].expire_logged = false;
	g->n++;
	g->next_id++;
	ret = save_locked(g);
	if (!ret && id)
		*id = g->next_id - 1;
	if (ret)		/* what is in memory must be what is on disk */
		load_locked(g);
unlock:
	close(lockfd);
out:
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int grants_revoke(struct grants *g, unsigned int id, time_t now, struct grant *out)
{
	int lockfd, ret;
	size_t i;

	pthread_mutex_lock(&g->lock);
	ret = begin_update(g, &lockfd);
	if (ret)
		goto out;
	for (i = 0; i < g->n && g->v[i].id != id; i++)
		;
	if (i == g->n) {
		ret = -ENOENT;
	} else if (g->v[i].revoked) {
		ret = -EALREADY;
	} else {
		g->v[i].revoked = now;
		ret = save_locked(g);
		if (!ret && out)
			ret = grant_copy(out, &g->v[i]);
		else if (ret)
			load_locked(g);
	}
	close(lockfd);
out:
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int grants_take_expired(struct grants *g, time_t now, struct grant **out)
{
	struct grant *v = NULL;
	size_t i, n = 0, due = 0;
	int lockfd, ret;

	*out = NULL;
	pthread_mutex_lock(&g->lock);
	/* cheap check first: the daemon calls this every second */
	if (changed_locked(g))
		load_locked(g);
	for (i = 0; i < g->n; i++)
		due += !g->v[i].revoked && !g->v[i].expire_logged && g->v[i].until <= now;
	if (!due) {
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	ret = begin_update(g, &lockfd);
	if (ret)
		goto out;
	v = calloc(g->n, sizeof(*v));
	if (!v) {
		ret = -ENOMEM;
		goto unlock;
	}
	for (i = 0; i < g->n; i++) {
		struct grant *gr = &g->v[i];

		if (gr->revoked || gr->expire_logged || gr->until > now)
			continue;
		ret = grant_copy(&v[n], gr);
		if (ret)
			goto unlock;
		v[n++].expire_logged = true;
		gr->expire_logged = true;
	}
	ret = n ? save_locked(g) : 0;
unlock:
	close(lockfd);
out:
	if (ret) {
		load_locked(g);
		grants_free_array(v, n);
	} else if (n) {
		*out = v;
		ret = n;
	} else {
		free(v);
	}
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int grants_list(struct grants *g, bool all, time_t now, struct grant **out)
{
	struct grant *v;
	size_t i, n = 0;
	int ret = 0;

	*out = NULL;
	pthread_mutex_lock(&g->lock);
	if (changed_locked(g))
		ret = load_locked(g);
	v = calloc(g->n + 1, sizeof(*v));
	if (!v)
		ret = -ENOMEM;
	for (i = 0; !ret && i < g->n; i++) {
		if (!all && (g->v[i].revoked || g->v[i].until <= now))
			continue;
		ret = grant_copy(&v[n], &g->v[i]);
		n += !ret;
	}
	pthread_mutex_unlock(&g->lock);
	if (ret) {
		grants_free_array(v, n);
		return ret;
	}
	*out = v;
	return n;
}

