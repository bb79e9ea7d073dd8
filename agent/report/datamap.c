// SPDX-License-Identifier: GPL-2.0
/*
 * The data map: where PD lives. The policy's scan roots (and folders given with --also) are
 * walked and every file's label read from its attribute (else from the agent's label cache);
 * files the log last labelled PD outside those roots are looked at too, since that is where
 * copies and exports end up. The log gives each PD file's last open. Nothing is read from the
 * files' content: the map shows paths, owners, sizes and times, never a PD value.
 */
#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
#include "report/report.h"
#include "state/labels.h"
#include "state/state.h"

#define DATAMAP_MAX_FILES 200000	/* PD files kept one by one; all are counted */
#define DATAMAP_TREE_DEPTH 6		/* folder levels under a root in the tree */

struct pdfile {
	char *path;
	char place[16];
	char level[12];
	uint32_t cats;
	uid_t uid;
	mode_t mode;
	off_t size;
	time_t atime, mtime, ctime, last_open;
	int prio;
	bool stale;
};

struct folder {
	uint64_t files, bytes;
	uint32_t cats;
	time_t last_change;
	int depth;
};

struct datamap {
	const struct report_ctx *c;
	struct state st;
	bool have_cache;
	struct pdfile *v;
	size_t n, cap;
	uint64_t dropped;
	uint64_t scanned, by_level[8], unlabelled, bytes, errors;
	uint64_t cat_files[PDG_CAT_COUNT], cat_bytes[PDG_CAT_COUNT];
	struct strmap seen;		/* paths already counted (a root inside another) */
	struct strmap dirs;		/* folder -> index in @folders */
	struct folder *folders;
	size_t nfolders;
	const char *root;		/* the root being walked, NULL outside one */
};

static struct datamap *dm_walk;	/* nftw has no context argument */

static const char *const level_names[] = { "none", "pd", "derived", "unknown", "level-4",
					   "level-5", "level-6", "level-7" };

static const char *level_name(unsigned int level)
{
	const char *n = vocab_level_name(level);

	if (n && strcmp(n, "unknown"))
		return n;
	return level < 8 ? level_names[level] : "unknown";
}

static bool is_pd_level(const char *name)
{
	return !strcmp(name, "pd") || !strcmp(name, "derived") || !strcmp(name, "unknown");
}

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* Does a path component equal @name? */
static bool has_component(const char *path, const char *name)
{
	size_t n = strlen(name);
	const char *p = path;

	while ((p = strstr(p, name))) {
		if (p > path && p[-1] == '/' && (p[n] == '/' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/*
 * Where a PD file lies, by the places the seed names: the policy's homes (scan roots) or not;
 * desktops, downloads and temporary folders; cloud and USB zones; readable by everyone.
 */
static const char *place_of(const struct report_ctx *c, const char *path, mode_t mode)
{
	size_t i;
	const char *base, *rel = path;
	bool home = false;

	for (i = 0; i < c->cfg.cloud_paths.n; i++) {
		const char *z = c->cfg.cloud_paths.v[i];

		if (z[0] == '~') {
			base = strrchr(z, '/');
			if (base && base[1] && has_component(path, base + 1))
				return "cloud";
		} else if (under(path, z)) {
			return "cloud";
		}
	}
	for (i = 0; i < c->cfg.usb_paths.n; i++)
		if (under(path, c->cfg.usb_paths.v[i]))
			return "usb";
	/* below a scan root, only what lies under the root counts (a root may sit in /tmp) */
	for (i = 0; i < c->cfg.scan.n; i++)
		if (under(path, c->cfg.scan.v[i])) {
			rel = path + strlen(c->cfg.scan.v[i]);
			home = true;
			break;
		}
	if (has_component(rel, "Desktop") || has_component(rel, "Рабочий стол"))
		return "desktop";
	if (has_component(rel, "Downloads") || has_component(rel, "Загрузки"))
		return "downloads";
	if (!home && (under(path, "/tmp") || under(path, "/var/tmp") || under(path, "/dev/shm")))
		return "temp";
	if (!home)
		return "outside";
	if (mode & S_IROTH)
		return "everyone";
	return "home";
}

static bool looks_like_export(const struct pdfile *f)
{
	const char *base = strrchr(f->path, '/');

	base = base ? base + 1 : f->path;
	return strcmp(f->place, "home") || !strcmp(f->level, "derived") ||
	       strcasestr(base, "export") || strstr(base, "выгрузка") || strstr(base, "Выгрузка");
}

static void add_folder(struct datamap *dm, const char *dir, int depth, const struct pdfile *f)
{
	int64_t *idx = strmap_get(&dm->dirs, dir, false, 0);
	struct folder *fo;

	if (!idx) {
		fo = realloc(dm->folders, (dm->nfolders + 1) * sizeof(*fo));
		if (!fo)
			return;
		dm->folders = fo;
		idx = strmap_get(&dm->dirs, dir, true, (int64_t)dm->nfolders);
		if (!idx)
			return;
		memset(&fo[dm->nfolders], 0, sizeof(*fo));
		fo[dm->nfolders++].depth = depth;
	}
	fo = &dm->folders[*idx];
	fo->files++;
	fo->bytes += f->size;
	fo->cats |= f->cats;
	if (f->mtime > fo->last_change)
		fo->last_change = f->mtime;
}

/* Count @f into its folders: the root (or its own folder outside roots) and below. */
static void count_folders(struct datamap *dm, const struct pdfile *f)
{
	char dir[PATH_MAX];
	size_t rootlen;
	char *p;
	int depth = 0;

	snprintf(dir, sizeof(dir), "%s", f->path);
	p = strrchr(dir, '/');
	if (!p)
		return;
	if (!dm->root) {
		*p = '\0';
		add_folder(dm, dir[0] ? dir : "/", 0, f);
		return;
	}
	rootlen = strlen(dm->root);
	while (rootlen > 1 && dm->root[rootlen - 1] == '/')
		rootlen--;
	dir[rootlen] = '\0';
	add_folder(dm, dir, 0, f);
	snprintf(dir, sizeof(dir), "%s", f->path);
	for (p = dir + rootlen + 1; (p = strchr(p, '/')) && depth < DATAMAP_TREE_DEPTH; p++) {
		*p = '\0';
		add_folder(dm, dir, ++depth, f);
		*p = '/';
	}
}

static void consider(struct datamap *dm, const char *path, const struct stat *sb)
{
	struct pdguard_label_xattr x;
	struct label_entry e;
	struct pdfile f = { 0 };
	const char *lv;
	int ret, i;

	if (strmap_get(&dm->seen, path, false, 0))
		return;
	strmap_get(&dm->seen, path, true, 1);
	dm->scanned++;
	ret = labels_get(path, &x);
	if (!ret) {
		lv = level_name(x.level);
		f.cats = x.categories;
	} else if (dm->have_cache && !state_label_get(&dm->st, sb->st_dev, sb->st_ino, &e) &&
		   label_entry_current(&e, sb)) {
		lv = level_name(e.level);
		f.cats = e.categories;
	} else {
		dm->unlabelled++;
		if (ret != -ENODATA)
			dm->errors += ret != -EBADMSG;
		return;
	}
	for (i = 0; i < 8 && strcmp(level_names[i], lv) && strcmp(level_name(i), lv); i++)
		;
	dm->by_level[i < 8 ? i : 3]++;
	if (!is_pd_level(lv))
		return;
	snprintf(f.level, sizeof(f.level), "%s", lv);
	f.uid = sb->st_uid;
	f.mode = sb->st_mode;
	f.size = sb->st_size;
	f.atime = sb->st_atim.tv_sec;
	f.mtime = sb->st_mtim.tv_sec;
	f.ctime = sb->st_ctim.tv_sec;
	snprintf(f.place, sizeof(f.place), "%s", place_of(dm->c, path, sb->st_mode));
	dm->bytes += f.size;
	for (i = 0; i < PDG_CAT_COUNT; i++)
		if (f.cats & (1U << i)) {
			dm->cat_files[i]++;
			dm->cat_bytes[i] += f.size;
		}
	f.path = (char *)path;
	count_folders(dm, &f);
	if (dm->n >= DATAMAP_MAX_FILES) {
		dm->dropped++;
		return;
	}
	if (dm->n == dm->cap) {
		size_t cap = dm->cap ? dm->cap * 2 : 256;
		struct pdfile *v = realloc(dm->v, cap * sizeof(*v));

		if (!v) {
			dm->dropped++;
			return;
		}
		dm->v = v;
		dm->cap = cap;
	}
	f.path = strdup(path);
	if (f.path)
		dm->v[dm->n++] = f;
}

static int walk_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	if (type == FTW_F && S_ISREG(sb->st_mode))
		consider(dm_walk, path, sb);
	else if (type == FTW_DNR || type == FTW_NS)
		dm_walk->errors++;
	return 0;
}

static int cmp_files(const void *a, const void *b)
{
	const struct pdfile *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio - y->prio;
	return strcmp(x->path, y->path);
}

static int cmp_strs(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Paths the agent marked (fanotify driver: STATE/fanotify.marks), one per line after a tab. */
static void read_marks(struct datamap *dm, struct strmap *extra)
{
	char path[PATH_MAX], *line = NULL, *p;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/fanotify.marks", dm->c->cfg.state);
	f = fopen(path, "re");
	if (!f)
		return;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		p = strchr(line, '/');
		if (p)
			strmap_get(extra, p, true, 1);
	}
	free(line);
	fclose(f);
}

static void fill_doc(struct datamap *dm, struct doc *d, const struct logscan *ls, bool have_log)
{
	static const char *const cat_cols[] = { "category", "files", "bytes" };
	static const char *const lvl_cols[] = { "label", "files" };
	static const char *const fold_cols[] = { "folder", "depth", "pd_files", "bytes",
						 "categories", "last_change" };
	static const char *const own_cols[] = { "owner", "files", "bytes" };
	static const char *const file_cols[] = { "priority", "path", "place", "label",
						 "categories", "owner", "mode", "bytes", "modified",
						 "changed", "accessed", "last_pd_open", "stale" };
	const struct report_ctx *c = dm->c;
	struct section *s;
	struct cell *r;
	char cats[128], buf[PATH_MAX], **keys;
	uint64_t outside = 0, stale = 0;
	size_t i, k, nk;
	int j;

	for (i = 0; i < dm->n; i++) {
		outside += strcmp(dm->v[i].place, "home") != 0;
		stale += dm->v[i].stale;
	}
	doc_sum_int(d, "files_scanned", (int64_t)dm->scanned);
	doc_sum_int(d, "pd_files", (int64_t)(dm->by_level[1] + dm->by_level[2] + dm->by_level[3]));
	doc_sum_int(d, "pd_bytes", (int64_t)dm->bytes);
	doc_sum_int(d, "label_pd", (int64_t)dm->by_level[1]);
	doc_sum_int(d, "label_derived", (int64_t)dm->by_level[2]);
	doc_sum_int(d, "label_unknown", (int64_t)dm->by_level[3]);
	doc_sum_int(d, "label_none", (int64_t)dm->by_level[0]);
	doc_sum_int(d, "unlabelled", (int64_t)dm->unlabelled);
	doc_sum_int(d, "outside_homes", (int64_t)outside);
	doc_sum_int(d, "stale_exports", (int64_t)stale);
	doc_sum_int(d, "stale_days", c->stale_days);
	doc_sum_int(d, "unreadable", (int64_t)dm->errors);
	doc_sum_int(d, "files_not_listed", (int64_t)dm->dropped);
	doc_sum_str(d, "last_open_source", have_log ? "event log" : "event log unreadable");
	doc_sum_str(d, "data_owners", "file owners (the policy names no data owner per folder)");

	s = doc_section(d, "by_category", cat_cols, 3);
	if (s) {
		s->chart = (struct chart){ CHART_HBAR, 0, { 1 }, 1, 0 };
		for (j = 0; j < PDG_CAT_COUNT; j++) {
			r = doc_row(s);
			if (!r)
				break;
			cell_str(&r[0], vocab_category_name(j));
			cell_int(&r[1], (int64_t)dm->cat_files[j]);
			cell_int(&r[2], (int64_t)dm->cat_bytes[j]);
		}
	}
	s = doc_section(d, "by_label", lvl_cols, 2);
	for (j = 0; s && j < 4; j++) {
		r = doc_row(s);
		if (!r)
			break;
		cell_str(&r[0], level_names[j]);
		cell_int(&r[1], (int64_t)dm->by_level[j]);
	}
	if (s && (r = doc_row(s))) {
		cell_str(&r[0], "unlabelled");
		cell_int(&r[1], (int64_t)dm->unlabelled);
	}

	/* the folder tree, in path order so that each folder follows its parent */
	s = doc_section(d, "folders", fold_cols, 6);
	keys = calloc(dm->dirs.n + 1, sizeof(*keys));
	if (s && keys) {
		s->chart = (struct chart){ CHART_HBAR, 0, { 2 }, 1, 0 };
		for (i = 0, nk = 0; i < dm->dirs.cap; i++)
			if (dm->dirs.keys[i])
				keys[nk++] = dm->dirs.keys[i];
		qsort(keys, nk, sizeof(*keys), cmp_strs);
		for (k = 0; k < nk; k++) {
			const struct folder *fo = &dm->folders[*strmap_get(&dm->dirs, keys[k],
									    false, 0)];

			r = doc_row(s);
			if (!r)
				continue;
			vocab_categories_format(fo->cats, " ", "", cats, sizeof(cats));
			cell_str(&r[0], keys[k]);
			cell_int(&r[1], fo->depth);
			cell_int(&r[2], (int64_t)fo->files);
			cell_int(&r[3], (int64_t)fo->bytes);
			cell_str(&r[4], cats);
			cell_time(&r[5], fo->last_change);
		}
	}
	free(keys);

	s = doc_section(d, "by_owner", own_cols, 3);
	if (s) {
		struct strmap nfiles, nbytes;

		strmap_init(&nfiles, 100000);
		strmap_init(&nbytes, 100000);
		for (i = 0; i < dm->n; i++) {
			struct passwd *pw = getpwuid(dm->v[i].uid);
			int64_t *v;

			if (pw)
				snprintf(buf, sizeof(buf), "%s", pw->pw_name);
			else
				snprintf(buf, sizeof(buf), "uid %u", (unsigned int)dm->v[i].uid);
			if ((v = strmap_get(&nfiles, buf, true, 0)))
				*v += 1;
			if ((v = strmap_get(&nbytes, buf, true, 0)))
				*v += dm->v[i].size;
		}
		for (i = 0; i < nfiles.cap; i++) {
			if (!nfiles.keys[i] || !(r = doc_row(s)))
				continue;
			cell_str(&r[0], nfiles.keys[i]);
			cell_int(&r[1], nfiles.vals[i]);
			cell_int(&r[2], *strmap_get(&nbytes, nfiles.keys[i], false, 0));
		}
		strmap_free(&nfiles);
		strmap_free(&nbytes);
	}

	s = doc_section(d, "files", file_cols, 13);
	for (i = 0; s && i < dm->n; i++) {
		const struct pdfile *f = &dm->v[i];
		struct passwd *pw;

		r = doc_row(s);
		if (!r)
			continue;
		pw = getpwuid(f->uid);
		vocab_categories_format(f->cats, " ", "", cats, sizeof(cats));
		cell_int(&r[0], f->prio);
		cell_str(&r[1], f->path);
		cell_str(&r[2], f->place);
		cell_str(&r[3], f->level);
		cell_str(&r[4], cats);
		if (pw)
			cell_str(&r[5], pw->pw_name);
		else
			cell_fmt(&r[5], "uid %u", (unsigned int)f->uid);
		cell_fmt(&r[6], "%04o", (unsigned int)(f->mode & 07777));
		cell_int(&r[7], (int64_t)f->size);
		cell_time(&r[8], f->mtime);
		cell_time(&r[9], f->ctime);
		cell_time(&r[10], f->atime);
		cell_time(&r[11], f->last_open);
		cell_str(&r[12], f->stale ? "yes" : "no");
	}
	(void)ls;
}

int report_datamap(const struct report_ctx *c, struct doc *d)
{
	struct datamap dm = { .c = c };
	struct strmap files, labelled, extra;
	struct logscan ls;
	char path[PATH_MAX];
	struct stat sb;
	size_t i, loaded = 0, stale = 0;	/* stale: entries that no longer name their file */
	bool have_log;
	int ret;

	if (state_init(&dm.st))
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/labels.cache", c->cfg.state);
	dm.have_cache = !state_cache_load(&dm.st, path, &loaded, &stale) && loaded;
	strmap_init(&dm.seen, (size_t)-1);
	strmap_init(&dm.dirs, 1000000);
	strmap_init(&files, DATAMAP_MAX_FILES);
	strmap_init(&labelled, 1000000);
	strmap_init(&extra, 1000000);

	dm_walk = &dm;
	for (i = 0; i < c->cfg.scan.n + c->also.n; i++) {
		const char *root = i < c->cfg.scan.n ? c->cfg.scan.v[i] :
						       c->also.v[i - c->cfg.scan.n];

		dm.root = root;
		if (nftw(root, walk_one, 32, FTW_PHYS))
			dm.errors++;
	}
	dm.root = NULL;

	/* the log: files labelled PD anywhere (copies, exports), and each PD file's last open */
	logscan_init(&ls);
	ls.labelled = &labelled;
	ls.files = &files;
	ls.since = c->since;
	ls.until = c->until;
	have_log = !report_scan_log(c, &ls);
	read_marks(&dm, &extra);
	for (i = 0; i < labelled.cap; i++)
		if (labelled.keys[i] && labelled.vals[i])
			strmap_get(&extra, labelled.keys[i], true, 1);
	for (i = 0; i < extra.cap; i++) {
		if (!extra.keys[i] || lstat(extra.keys[i], &sb) || !S_ISREG(sb.st_mode))
			continue;
		consider(&dm, extra.keys[i], &sb);
	}
	/* the pass noted the last open of every PD file it saw opened, found by the walk or not */
	for (i = 0; i < dm.n; i++) {
		struct pdfile *f = &dm.v[i];
		int64_t *v = strmap_get(&files, f->path, false, 0);
		time_t used;

		f->last_open = v ? (time_t)*v : 0;
		used = f->last_open > f->atime ? f->last_open : f->atime;
		f->stale = looks_like_export(f) &&
			   used < c->now - (time_t)c->stale_days * 86400;
		f->prio = strcmp(f->place, "home") ? 1 : f->stale ? 2 : 3;
	}
	qsort(dm.v, dm.n, sizeof(*dm.v), cmp_files);
	fill_doc(&dm, d, &ls, have_log);
	ret = 0;

	for (i = 0; i < dm.n; i++)
		free(dm.v[i].path);
	free(dm.v);
	free(dm.folders);
	strmap_free(&dm.seen);
	strmap_free(&dm.dirs);
	strmap_free(&files);
	strmap_free(&labelled);
	strmap_free(&extra);
	logscan_free(&ls);
	state_free(&dm.st);
	return ret;
}
