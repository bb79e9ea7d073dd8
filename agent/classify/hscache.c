// SPDX-License-Identifier: GPL-2.0
/* Compiled Hyperscan databases kept on disk (hscache.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "classify/hscache.h"

#define MAGIC	     "PDGHSDB2"
/* magic, payload length (LE), CRC-32 of the payload (LE): against torn and corrupt files; trust
 * comes from the directory and the file being the user's own */
#define HEADER	     (8 + 8 + 4)
#define MAX_DB_BYTES (256u << 20)
#define KEEP_FILES   32		/* older databases beyond this many are removed */

static atomic_ulong n_hits, n_misses, n_rejected;

void hscache_stats(struct hscache_stats *out)
{
	out->hits = atomic_load(&n_hits);
	out->misses = atomic_load(&n_misses);
	out->rejected = atomic_load(&n_rejected);
}

/* Make @path (and its parent, one level) a private directory of ours; false: do not use it. */
static bool private_dir(const char *path, bool create)
{
	char parent[PATH_MAX], *slash;
	struct stat st;

	if (create && lstat(path, &st) && errno == ENOENT) {
		snprintf(parent, sizeof(parent), "%s", path);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			if (mkdir(parent, 0700) && errno != EEXIST)
				return false;
		}
		if (mkdir(path, 0700) && errno != EEXIST)
			return false;
	}
	return !lstat(path, &st) && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
	       !(st.st_mode & 022);
}

static bool cache_dir(char *out, size_t len, bool create)
{
	const char *env = getenv("PDGUARD_RULES_CACHE"), *base;

	if (env) {
		if (!env[0] || !strcmp(env, "off"))
			return false;
		snprintf(out, len, "%s", env);
	} else if (geteuid() == 0) {
		snprintf(out, len, "/var/cache/pdguard/rules");
	} else if ((base = getenv("XDG_CACHE_HOME")) && base[0] == '/') {
		snprintf(out, len, "%s/pdguard/rules", base);
	} else if ((base = getenv("HOME")) && base[0] == '/') {
		snprintf(out, len, "%s/.cache/pdguard/rules", base);
	} else {
		return false;
	}
	return private_dir(out, create);
}

/* The file name for these inputs: hs-<SHA-256 of everything that decides the database>.db */
static bool db_name(const char *const *exprs, const unsigned int *flags, const unsigned int *ids,
		    unsigned int n, char *out, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	hs_platform_info_t plat;
	const char *ver = hs_version();
	unsigned char md[32];
	char hex[65];
	unsigned int mdlen = 0, i, mode = HS_MODE_BLOCK;
	bool ok;

	memset(&plat, 0, sizeof(plat));
	if (!ctx || hs_populate_platform(&plat) != HS_SUCCESS) {
		EVP_MD_CTX_free(ctx);
		return false;
	}
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, ver, strlen(ver) + 1) &&
	     EVP_DigestUpdate(ctx, &plat, sizeof(plat)) && EVP_DigestUpdate(ctx, &mode, sizeof(mode)) &&
	     EVP_DigestUpdate(ctx, &n, sizeof(n));
	for (i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, &flags[i], sizeof(flags[i])) &&
		     EVP_DigestUpdate(ctx, &ids[i], sizeof(ids[i])) &&
		     EVP_DigestUpdate(ctx, exprs[i], strlen(exprs[i]) + 1);
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return false;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return (size_t)snprintf(out, len, "hs-%s.db", hex) < len;
}

/* Load a trusted cache file; NULL when absent, unsafe or corrupt (counted as rejected). */
static hs_database_t *load(const char *path)
{
	unsigned char *buf = NULL;
	hs_database_t *db = NULL;
	struct stat st;
	uint64_t plen = 0;
	uint32_t crc = 0;
	size_t got = 0;
	ssize_t r;
	int fd, i;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size < HEADER || st.st_size > HEADER + MAX_DB_BYTES)
		goto reject;
	buf = malloc(st.st_size);
	if (!buf)
		goto out;
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, st.st_size - got);
		if (r <= 0)
			goto reject;
		got += r;
	}
	for (i = 7; i >= 0; i--)
		plen = plen << 8 | buf[8 + i];
	for (i = 3; i >= 0; i--)
		crc = crc << 8 | buf[16 + i];
	if (memcmp(buf, MAGIC, 8) || plen != (uint64_t)st.st_size - HEADER ||
	    crc32(crc32(0, NULL, 0), buf + HEADER, plen) != crc)
		goto reject;
	if (hs_deserialize_database((const char *)buf + HEADER, plen, &db) != HS_SUCCESS) {
		db = NULL;
		goto reject;
	}
	goto out;
reject:
	atomic_fetch_add(&n_rejected, 1);
out:
	free(buf);
	close(fd);
	return db;
}

/* Keep the KEEP_FILES newest databases: rule sets that changed leave theirs behind. */
static void prune(const char *dir)
{
	struct {
		char name[80];
		time_t mtime;
	} files[KEEP_FILES + 1];
	size_t n = 0, i, old;
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);

		if (strncmp(e->d_name, "hs-", 3) || l < 4 || l >= sizeof(files[0].name) ||
		    strcmp(e->d_name + l - 3, ".db") ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		snprintf(files[n].name, sizeof(files[n].name), "%s", e->d_name);
		files[n].mtime = st.st_mtime;
		if (++n <= KEEP_FILES)
			continue;
		/* one too many: the oldest goes */
		for (old = 0, i = 1; i < n; i++)
			if (files[i].mtime < files[old].mtime)
				old = i;
		unlinkat(dirfd(d), files[old].name, 0);
		files[old] = files[--n];
	}
	closedir(d);
}

/* Store @db under @path (a temporary file renamed over it); failures only cost the next compile. */
static void store(const char *dir, const char *path, const hs_database_t *db)
{
	unsigned char head[HEADER];
	char *bytes = NULL, tmp[PATH_MAX];
	size_t len = 0;
	uLong crc;
	int fd, i, n;
	bool ok;

	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS || len > MAX_DB_BYTES)
		goto out;
	memcpy(head, MAGIC, 8);
	crc = crc32(crc32(0, NULL, 0), (const unsigned char *)bytes, len);
	for (i = 0; i < 8; i++)
		head[8 + i] = (uint64_t)len >> (8 * i);
	for (i = 0; i < 4; i++)
		head[16 + i] = crc >> (8 * i);
	/* a cache path too long for a temporary name beside it: do without the cache */
	n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	ok = write(fd, head, sizeof(head)) == (ssize_t)sizeof(head) &&
	     write(fd, bytes, len) == (ssize_t)len;
	ok = !close(fd) && ok;
	if (!ok || rename(tmp, path))
		unlink(tmp);
	else
		prune(dir);
out:
	free(bytes);
}

hs_error_t hscache_compile_multi(const char *const *exprs, const unsigned int *flags,
				 const unsigned int *ids, unsigned int n, hs_database_t **db,
				 hs_compile_error_t **cerr)
{
	char dir[PATH_MAX], name[80], path[PATH_MAX + 80];
	bool cached = cache_dir(dir, sizeof(dir), true) && db_name(exprs, flags, ids, n, name,
								    sizeof(name));
	hs_error_t hr;

	*cerr = NULL;
	if (cached) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		*db = load(path);
		if (*db) {
			atomic_fetch_add(&n_hits, 1);
			return HS_SUCCESS;
		}
	}
	atomic_fetch_add(&n_misses, 1);
	hr = hs_compile_multi(exprs, flags, ids, n, HS_MODE_BLOCK, NULL, db, cerr);
	if (hr == HS_SUCCESS && cached)
		store(dir, path, *db);
	return hr;
}
