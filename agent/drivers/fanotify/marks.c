// SPDX-License-Identifier: GPL-2.0
/*
 * What the permission group watches: PD-labelled files (inode marks), USB zone mounts, cloud
 * folders and every subdirectory; what the notification groups watch; and the sync clients, by
 * executable. Never "/" or a whole system filesystem: an open outside these marks never waits.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/atomicfile.h"
#include "lib/vocab.h"
#include "state/labels.h"


#include "drivers/fanotify/internal.h"
#include "policy/exitpoints.h"

struct mark *fan_mark_find(struct driver *d, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < d->nmarks; i++)
		if (d->marks[i].dev == dev && d->marks[i].ino == ino)
			return &d->marks[i];
	return NULL;
}

/*
 * Put a perm mark on the file open as @fd (any descriptor, O_PATH too), or at @path when @fd < 0;
 * @path is kept to remove the mark later. Caller holds d->lock.
 */
int fan_mark_file(struct driver *d, int fd, const char *path, dev_t dev, ino_t ino)
{
	struct mark *m = fan_mark_find(d, dev, ino);
	char self[64];
	int ret;

	if (fd >= 0) {
		/* fanotify_mark() takes no O_PATH descriptor as its object; the /proc link of
		 * one resolves to that very file, not to whatever its path names now */
		snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
		ret = fanotify_mark(d->perm_fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, self);
	} else {
		ret = fanotify_mark(d->perm_fd, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW, FAN_OPEN_PERM,
				    AT_FDCWD, path);
	}
	if (ret)
		return -errno;
	d->last_mark_boot_ns = fan_now_ns(CLOCK_BOOTTIME);
	if (m) {
		free(m->path);
		m->path = strdup(path);
		return 0;
	}
	if (d->nmarks == d->capmarks) {
		size_t cap = d->capmarks ? d->capmarks * 2 : 256;
		struct mark *v = realloc(d->marks, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->marks = v;
		d->capmarks = cap;
	}
	d->marks[d->nmarks++] = (struct mark){ .dev = dev, .ino = ino, .path = strdup(path) };
	return 0;
}

/*
 * Mark the file at @path if it is still (@dev, @ino): opened O_PATH (no open event, nothing
 * read) and compared, then marked through that descriptor, so a rename in between cannot move
 * the mark to another file. Return: 0, -ESTALE when @path names another file, other -errno.
 */
int fan_mark_path(struct driver *d, const char *path, dev_t dev, ino_t ino)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st))
		ret = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_dev != dev || st.st_ino != ino)
		ret = -ESTALE;
	else {
		pthread_mutex_lock(&d->lock);
		ret = fan_mark_find(d, dev, ino) ? 0 : fan_mark_file(d, fd, path, dev, ino);
		pthread_mutex_unlock(&d->lock);
	}
	close(fd);
	return ret;
}

void fan_unmark_file(struct driver *d, dev_t dev, ino_t ino)
{
	struct mark *m = fan_mark_find(d, dev, ino);
	struct stat st;

	if (!m)
		return;
	/* by path, checked to be the same inode: a renamed file keeps a harmless mark */
	if (m->path && !lstat(m->path, &st) && st.st_dev == dev && st.st_ino == ino)
		fanotify_mark(d->perm_fd, FAN_MARK_REMOVE | FAN_MARK_DONT_FOLLOW, FAN_OPEN_PERM,
			      AT_FDCWD, m->path);
	free(m->path);
	*m = d->marks[--d->nmarks];
}

/* The start-up walk (nftw has no context pointer; one walk at a time). */
static struct driver *walk_driver;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct driver *d = walk_driver;
	struct label_entry e;
	uint8_t level = 0;
	uint32_t cats = 0;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	/* what the state knows, else the file's own label */
	if (!labels_lookup(d->env.st, d->env.log, -1, path, &e)) {
		level = e.level;
		cats = e.categories;
	} else {
		struct pdguard_label_xattr v;

		if (!labels_get(path, &v)) {
			level = v.level;
			cats = v.categories;
		}
	}
	/* the lock per file, not per walk: the responder decides between two files */
	if (level != PDGUARD_LEVEL_NONE && cats)
		fan_mark_path(d, path, st->st_dev, st->st_ino);
	return 0;
}

/*
 * Mark every labelled file under the scan roots, at start: labels loaded from the cache come
 * without a path. Later labels arrive with theirs (driver_ops.label).
 */
void fan_walk_roots(struct driver *d)
{
	static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
	size_t i;

	pthread_mutex_lock(&walk_lock);
	walk_driver = d;
	for (i = 0; i < d->cfg->scan.n; i++)
		nftw(d->cfg->scan.v[i], walk_one, 32, FTW_PHYS | FTW_MOUNT);
	walk_driver = NULL;
	pthread_mutex_unlock(&walk_lock);
}

/*
 * The marked files' paths, kept in the state directory: a restart marks them again, wherever
 * they are (a derived file in /dev/shm is under no scan root), once each is checked to still be
 * the labelled (dev, ino). Caller holds d->lock.
 */
void fan_marks_save(struct driver *d)
{
	struct atomic_file a;
	char path[PATH_MAX];
	size_t i;

	if ((size_t)snprintf(path, sizeof(path), "%s/" FAN_MARKS_FILE, d->cfg->state) >=
	    sizeof(path) || atomic_file_open(&a, path, 0600))
		return;
	for (i = 0; i < d->nmarks; i++)
		if (d->marks[i].path && !strchr(d->marks[i].path, '\n'))
			fprintf(a.f, "%llu %llu %s\n", (unsigned long long)d->marks[i].dev,
				(unsigned long long)d->marks[i].ino, d->marks[i].path);
	atomic_file_commit(&a);
}

void fan_marks_restore(struct driver *d)
{
	unsigned long long dev, ino;
	char path[PATH_MAX], *line = NULL;
	struct pdguard_label_xattr x;
	struct label_entry e;
	struct stat st;
	size_t cap = 0;
	ssize_t n;
	int off;
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/" FAN_MARKS_FILE, d->cfg->state) >=
	    sizeof(path))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (sscanf(line, "%llu %llu %n", &dev, &ino, &off) != 2 || line[off] != '/')
			continue;
		/* still that file, and still labelled: in the state (cache or classification),
		 * else by its own label attribute (a label written just as the last agent
		 * stopped may be on the file and not yet in the saved cache) */
		if (!labels_lookup(d->env.st, d->env.log, -1, line + off, &e)) {
			if (e.dev == (dev_t)dev && e.ino == (ino_t)ino &&
			    e.level != PDGUARD_LEVEL_NONE && e.categories)
				fan_mark_path(d, line + off, (dev_t)dev, (ino_t)ino);
		} else if (!lstat(line + off, &st) && S_ISREG(st.st_mode) &&
			   st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino &&
			   !labels_get(line + off, &x) && x.level != PDGUARD_LEVEL_NONE &&
			   x.categories) {
			fan_mark_path(d, line + off, (dev_t)dev, (ino_t)ino);
		}
	}
	free(line);
	fclose(f);
}

/* ---------------------------------------------------------------- zones and clients */

/* Add @mask to @z in @group (its bits not yet there); false when the kernel refused. */
static bool mark_more(struct driver *d, int group, struct zone_mark *z, uint64_t *have,
		      uint64_t mask)
{
	uint64_t more = mask & ~*have;

	if (!more || group < 0)
		return true;
	if (fanotify_mark(group, FAN_MARK_ADD | z->flags, more, AT_FDCWD, z->path))
		return false;
	*have |= more;
	return true;
}

int fan_zone_mark_add(struct driver *d, const char *path, unsigned int flags, uint64_t perm,
		      uint64_t notif, uint64_t fid)
{
	struct zone_mark *z = NULL;
	struct stat st;
	int ret = 0;
	size_t i;

	if (stat(path, &st))
		return -errno;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nzmarks && !z; i++)
		if (d->zmarks[i].flags == flags &&
		    (flags == FAN_MARK_FILESYSTEM ? d->zmarks[i].dev == st.st_dev :
						    !strcmp(d->zmarks[i].path, path)))
			z = &d->zmarks[i];
	if (!z) {
		ret = -ENOSPC;
		if (d->nzmarks == MAX_ZONE_MARKS)
			goto out;
		z = &d->zmarks[d->nzmarks];
		*z = (struct zone_mark){ .path = strdup(path), .flags = flags, .dev = st.st_dev,
					 .pathfd = -1 };
		ret = -ENOMEM;
		if (!z->path)
			goto out;
		d->nzmarks++;
		ret = 0;
	}
	if (z->gen != d->zgen) {
		z->gen = d->zgen;
		z->want_perm = z->want_notif = z->want_fid = 0;
	}
	z->want_perm |= perm;
	z->want_notif |= notif;
	z->want_fid |= fid;
	/* open_by_handle_at needs a real descriptor on the filesystem (not O_PATH); opened before
	 * the marks, and directories are marked without FAN_ONDIR: no event for this open */
	if (fid && z->pathfd < 0)
		z->pathfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!mark_more(d, d->perm_fd, z, &z->perm, perm))
		ret = -errno;
	/* the notification groups only help (derived labels, after-the-fact checks): best effort */
	mark_more(d, d->notif_fd, z, &z->notif, notif);
	mark_more(d, d->fid_fd, z, &z->fid, fid);
out:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Take @mask off @z in @group; the kernel drops a mark whose last bit goes. */
static void mark_less(struct driver *d, int group, struct zone_mark *z, uint64_t *have,
		      uint64_t mask)
{
	if (!(*have & mask) || group < 0)
		return;
	fanotify_mark(group, FAN_MARK_REMOVE | z->flags, *have & mask, AT_FDCWD, z->path);
	*have &= ~mask;
}

/*
 * After fan_mark_zones() marked generation d->zgen: take off what that generation did not ask
 * for (all of it when @all, at stop). Caller holds d->lock.
 */
void fan_zone_marks_prune(struct driver *d, bool all)
{
	size_t i = 0;

	while (i < d->nzmarks) {
		struct zone_mark *z = &d->zmarks[i];
		bool current = !all && z->gen == d->zgen;

		mark_less(d, d->perm_fd, z, &z->perm, current ? z->perm & ~z->want_perm : ~0ULL);
		mark_less(d, d->notif_fd, z, &z->notif,
			  current ? z->notif & ~z->want_notif : ~0ULL);
		mark_less(d, d->fid_fd, z, &z->fid, current ? z->fid & ~z->want_fid : ~0ULL);
		if (z->perm || z->notif || z->fid) {
			i++;
			continue;
		}
		if (z->pathfd >= 0)
			close(z->pathfd);
		free(z->path);
		*z = d->zmarks[--d->nzmarks];
	}
}

#define CLOUD_PERM	(FAN_OPEN_PERM | FAN_EVENT_ON_CHILD)
#define CLOUD_NOTIF	(FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD)
#define CLOUD_FID	(FAN_MOVED_TO | FAN_CREATE | FAN_ONDIR)

static struct driver *cloud_driver;

static int cloud_dir(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_D)
		fan_zone_mark_add(cloud_driver, path, 0, CLOUD_PERM, CLOUD_NOTIF, CLOUD_FID);
	return 0;
}

/* Is @path a mount point (its own filesystem or bind mount)? */
static bool own_mount(const char *path)
{
	struct stat a, b;
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s/..", path);
	return !stat(path, &a) && !stat(parent, &b) && (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
}

/* Filesystems where files are written that may carry PD: what derived labels watch. */
static bool writable_fstype(const char *t)
{
	static const char *const types[] = {
		"ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "jfs", "reiserfs", "nilfs2", "zfs",
		"tmpfs", "vfat", "msdos", "exfat", "ntfs", "ntfs3", "hfsplus", "udf", "fuseblk",
		"fuse", "overlay", "nfs", "nfs4", "cifs", "smb3", "9p", "virtiofs",
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(t, types[i]))
			return true;
	return false;
}

/*
 * Close-write on every filesystem, once each (a filesystem mark covers all its mounts, in every
 * mount namespace): a process that read PD gets a derived label on whatever it writes, wherever
 * it writes it (`cat pd > /elsewhere/x; cp /elsewhere/x /usb/`). Notification only: a close
 * never waits for us, and a filesystem that refuses the mark is passed over.
 */
static void mark_all_filesystems(struct driver *d)
{
	char line[4096], mnt[PATH_MAX], fstype[64];
	unsigned int maj, min, seen_n = 0;
	unsigned long seen[512];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned int i;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");
		unsigned long key;

		if (!sep || sscanf(line, "%*d %*d %u:%u %*s %4095s", &maj, &min, mnt) != 3 ||
		    sscanf(sep + 3, "%63s", fstype) != 1 || !writable_fstype(fstype))
			continue;
		key = (unsigned long)maj << 20 | min;
		for (i = 0; i < seen_n && seen[i] != key; i++)
			;
		if (i < seen_n || seen_n == sizeof(seen) / sizeof(seen[0]))
			continue;
		seen[seen_n++] = key;
		/* mountinfo escapes blanks as \040: such a mount point is reached by its own name */
		if (strchr(mnt, '\\'))
			continue;
		fan_zone_mark_add(d, mnt, FAN_MARK_FILESYSTEM, 0, FAN_CLOSE_WRITE, 0);
	}
	fclose(f);
}

/* Marks for the zones in the state, and close-write watches where derived labels are made. */
int fan_mark_zones(struct driver *d)
{
	static const char *const tmps[] = { "/tmp", "/var/tmp", "/dev/shm" };
	static pthread_mutex_t cloud_lock = PTHREAD_MUTEX_INITIALIZER;
	struct zone *zv = NULL;
	size_t i, n;
	int ret;

	ret = state_zones_copy(d->env.st, &zv, &n);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		if (zv[i].kind == ZONE_USB) {
			/* the filesystem, not the mount: a bind mount, another mount namespace
			 * or a user namespace (`unshare -Urm`) reaches the same superblock */
			int r = fan_zone_mark_add(d, zv[i].path, FAN_MARK_FILESYSTEM,
					      FAN_OPEN_PERM, FAN_CLOSE_WRITE, 0);

			ret = ret ? ret : r;
		} else {
			pthread_mutex_lock(&cloud_lock);
			cloud_driver = d;
			nftw(zv[i].path, cloud_dir, 16, FTW_PHYS | FTW_MOUNT);
			pthread_mutex_unlock(&cloud_lock);
		}
	}
	state_zones_release(zv, n);
	/* derived labels: files written on the scan roots' filesystems and temp filesystems
	 * first (they matter most), then every other filesystem */
	for (i = 0; i < d->cfg->scan.n; i++)
		fan_zone_mark_add(d, d->cfg->scan.v[i], FAN_MARK_FILESYSTEM, 0, FAN_CLOSE_WRITE, 0);
	for (i = 0; i < sizeof(tmps) / sizeof(tmps[0]); i++)
		if (own_mount(tmps[i]))
			fan_zone_mark_add(d, tmps[i], FAN_MARK_FILESYSTEM, 0, FAN_CLOSE_WRITE, 0);
	mark_all_filesystems(d);
	return ret;
}

/* Sync clients by executable (dev, ino): a renamed or linked copy is the same program. */
/* SHA-256 of what @fd holds; 0 or -errno. */
static int hash_fd(int fd, uint8_t out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 32;
	char buf[64 * 1024];
	ssize_t n;
	int ret = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		ret = -ENOMEM;
	while (!ret && (n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			ret = -errno;
		else if (n > 0 && !EVP_DigestUpdate(ctx, buf, (size_t)n))
			ret = -EIO;
	}
	if (!ret && !EVP_DigestFinal_ex(ctx, out, &len))
		ret = -EIO;
	EVP_MD_CTX_free(ctx);
	return ret;
}

typedef __typeof__(((struct driver *)0)->clients[0]) fan_client_t;

/* @prev: the table before this resolve; a program unchanged since keeps its hash unread */
static void client_add(struct driver *d, const char *path, bool exit_point,
		       const fan_client_t *prev, size_t nprev)
{
	fan_client_t *c = &d->clients[d->nclients];
	struct stat st;
	size_t i;
	int fd;

	if (d->nclients == MAX_CLIENTS || stat(path, &st) || !S_ISREG(st.st_mode))
		return;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->ctime_ns = timespec_ns(&st.st_ctim);
	c->hashed = false;
	c->exit_point = exit_point;
	for (i = 0; i < nprev && !c->hashed; i++)
		if (prev[i].hashed && prev[i].dev == c->dev && prev[i].ino == c->ino &&
		    prev[i].size == c->size && prev[i].ctime_ns == c->ctime_ns) {
			memcpy(c->sha256, prev[i].sha256, sizeof(c->sha256));
			c->hashed = true;
		}
	if (!c->hashed && st.st_size <= CLIENT_MAX_HASHED) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			c->hashed = !hash_fd(fd, c->sha256);
			close(fd);
		}
	}
	snprintf(c->path, PATH_MAX, "%s", path);
	d->nclients++;
}

void fan_resolve_clients(struct driver *d)
{
	struct strlist exits = { 0 };
	fan_client_t *prev = NULL;
	struct passwd *pw;
	char path[PATH_MAX];
	size_t i, nprev = 0;
	struct stat st;

	/* file servers: a program at its path, run by root (fan_server_process()); a copy of it
	 * elsewhere is an ordinary program */
	d->nservers = 0;
	for (i = 0; i < d->cfg->servers.n && d->nservers < MAX_SERVERS; i++) {
		if (stat(d->cfg->servers.v[i], &st) || !S_ISREG(st.st_mode))
			continue;	/* not installed: nothing runs it */
		d->servers[d->nservers].dev = st.st_dev;
		d->servers[d->nservers].ino = st.st_ino;
		snprintf(d->servers[d->nservers++].path, PATH_MAX, "%s", d->cfg->servers.v[i]);
	}
	/* a reload hashes only what changed (a browser's binary is hundreds of MiB) */
	if (d->nclients) {
		prev = malloc(d->nclients * sizeof(*prev));
		if (prev) {
			memcpy(prev, d->clients, d->nclients * sizeof(*prev));
			nprev = d->nclients;
		}
	}
	d->nclients = 0;
	memset(d->exe_seen, 0, sizeof(d->exe_seen));
	for (i = 0; i < d->cfg->cloud_clients.n; i++) {
		const char *c = d->cfg->cloud_clients.v[i];

		if (c[0] == '/') {
			client_add(d, c, false, prev, nprev);
			continue;
		}
		setpwent();
		while ((pw = getpwent()) && d->nclients < MAX_CLIENTS) {
			if (!pw->pw_dir || pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/"))
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", pw->pw_dir, c + 2) <
			    sizeof(path))
				client_add(d, path, false, prev, nprev);
		}
		endpwent();
	}
	/* exit-point programs: the policy's, and what its packages ship */
	if (!exitpoints_resolve(d->cfg, EXITPOINTS_DPKG_INFO, &exits, NULL))
		for (i = 0; i < exits.n; i++)
			client_add(d, exits.v[i], true, prev, nprev);
	strlist_free(&exits);
	free(prev);
}

/*
 * Is the executable @st of @pid a copy of a client? Only a file of a client's very size is
 * read, once per version (cached). The responder must not open a file on a filesystem it
 * holds permission marks on (it would wait for its own answer): such an executable of a
 * client's size is taken for the client, which refuses, never allows, more.
 */
static int client_by_content(struct driver *d, const char *link, const struct stat *st)
{
	int64_t ctime_ns = timespec_ns(&st->st_ctim);
	char path[PATH_MAX];
	int candidate = -1, found = -1, fd;
	uint8_t sha[32];
	ssize_t n;
	size_t i;

	for (i = 0; i < d->nclients && candidate < 0; i++)
		if (d->clients[i].hashed && d->clients[i].size == st->st_size)
			candidate = (int)i;
	if (candidate < 0)
		return -1;
	for (i = 0; i < CLIENT_CACHE; i++)
		if (d->exe_seen[i].used && d->exe_seen[i].dev == st->st_dev &&
		    d->exe_seen[i].ino == st->st_ino && d->exe_seen[i].ctime_ns == ctime_ns)
			return d->exe_seen[i].client;
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	if (n <= 0 || state_zone_of(d->env.st, st->st_dev, path, NULL) != PDGUARD_ZONE_NONE ||
	    fan_mark_find(d, st->st_dev, st->st_ino))
		return candidate;
	fd = open(link, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return candidate;
	if (!hash_fd(fd, sha))
		for (i = 0; i < d->nclients && found < 0; i++)
			if (d->clients[i].hashed && d->clients[i].size == st->st_size &&
			    !memcmp(d->clients[i].sha256, sha, sizeof(sha)))
				found = (int)i;
	close(fd);
	i = d->next_exe_seen++ % CLIENT_CACHE;
	d->exe_seen[i].used = true;
	d->exe_seen[i].dev = st->st_dev;
	d->exe_seen[i].ino = st->st_ino;
	d->exe_seen[i].ctime_ns = ctime_ns;
	d->exe_seen[i].client = found;
	return found;
}

/* The client whose executable @link (a /proc link to it) is, by inode or content; -1: none. */
static int client_of(struct driver *d, const char *link)
{
	struct stat st;
	size_t i;

	if (stat(link, &st))
		return -1;
	for (i = 0; i < d->nclients; i++)
		if (d->clients[i].dev == st.st_dev && d->clients[i].ino == st.st_ino)
			return (int)i;
	return client_by_content(d, link, &st);
}

/*
 * A program started through the dynamic loader (`/lib64/ld-linux-x86-64.so.2 PROGRAM`) has the
 * loader as /proc/PID/exe, and the program is one of the files the loader mapped (not the first
 * by address: locale files may come before it). Every file @pid maps is looked at, through its
 * /proc/PID/map_files link (the file mapped, whatever its name now). Only done when @pid's
 * executable is a loader. Return: the client, or -1.
 */
static int client_loaded(struct driver *d, pid_t pid)
{
	char path[PATH_MAX], line[PATH_MAX + 128], link[128];
	unsigned long from, to, ino, last = 0;
	const char *base;
	ssize_t n;
	FILE *f;
	int c = -1;

	snprintf(line, sizeof(line), "/proc/%d/exe", (int)pid);
	n = readlink(line, path, sizeof(path) - 1);
	if (n <= 0)
		return -1;
	path[n] = '\0';
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strncmp(base, "ld-", 3) || !strstr(base, ".so"))
		return -1;
	snprintf(line, sizeof(line), "/proc/%d/maps", (int)pid);
	f = fopen(line, "re");
	if (!f)
		return -1;
	while (c < 0 && fgets(line, sizeof(line), f)) {
		/* from-to perms offset dev inode path */
		if (!strchr(line, '/') ||
		    sscanf(line, "%lx-%lx %*s %*s %*s %lu", &from, &to, &ino) != 3 || !ino ||
		    ino == last)
			continue;
		last = ino;
		snprintf(link, sizeof(link), "/proc/%d/map_files/%lx-%lx", (int)pid, from, to);
		c = client_of(d, link);
	}
	fclose(f);
	return c;
}

const char *fan_sync_client(struct driver *d, pid_t pid, bool *exit_point)
{
	char link[128];
	int c;

	*exit_point = false;
	if (!d->nclients)
		return NULL;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	c = client_of(d, link);
	if (c < 0)
		c = client_loaded(d, pid);
	if (c < 0)
		return NULL;
	*exit_point = d->clients[c].exit_point;
	return d->clients[c].path;
}

bool fan_server_process(struct driver *d, const struct proc_info *p)
{
	char path[64];
	struct stat st;
	uid_t ruid, suid;
	size_t i;

	if (p->have_stat && p->kthread)
		return true;
	if (!d->nservers || !p->have_stat)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->pid);
	if (stat(path, &st))
		return false;
	for (i = 0; i < d->nservers; i++)
		if (d->servers[i].dev == st.st_dev && d->servers[i].ino == st.st_ino)
			break;
	if (i == d->nservers)
		return false;
	/* started by root: a real or saved uid 0 (an smbd child serving a user sets its real and
	 * effective uid to the user's and keeps 0 saved, to return to root). An ordinary user
	 * running smbd is an ordinary process, in a user namespace of its own too: status shows
	 * the uids as our namespace sees them. */
	return !fan_proc_ids(p->pid, &ruid, &suid) && (ruid == 0 || suid == 0);
}

/*
 * Which zone holds the file open as @fd on @dev: "usb", "cloud" or NULL. The path (in @path,
 * filled when empty) is looked at only when a cloud folder lies on the same filesystem.
 */
const char *fan_zone_of(struct driver *d, dev_t dev, int fd, char *path, size_t len)
{
	bool need_path;
	unsigned int z;

	z = state_zone_of(d->env.st, dev, path[0] ? path : NULL, &need_path);
	if (need_path && fd >= 0) {
		fan_fd_path(fd, path, len);
		z = state_zone_of(d->env.st, dev, path, NULL);
	}
	return vocab_zone_name(z);
}
