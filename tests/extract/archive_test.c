// SPDX-License-Identifier: GPL-2.0
/*
 * Archives and compressed files through libarchive (agent/extract/archive.c): each format reads
 * the PD it holds, each bomb shape ends on its limit in bounded memory, encrypted content ends
 * EXTRACT_ENCRYPTED and never as clean. Fixtures are made at run time by Debian's own tools
 * (tar, gzip, bzip2, xz, zstd, lz4, cpio, p7zip-full, zip: scripts/deps.sh test); a test whose
 * tool is missing is skipped, naming it.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "pdg_test.h"
#include "extract/fixtures.h"
#include "extract/isolate.h"

/* Peak RSS allowed for one extraction, the test process itself included. */
#define MAX_RSS_KIB (100 * 1024)

static const char staff[] = "ФИО;ИИН\nИванов Иван;900101300007\n";
#define STAFF_PD "Иванов Иван;900101300007"

FIXTURE(arc) {
	char dir[64];
	char path[4200];
	struct isolated r;
};

FIXTURE_SETUP(arc)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdguard-archive-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, fx_write(self->dir, "staff.csv", staff, strlen(staff)));
}

FIXTURE_TEARDOWN(arc)
{
	rm_dir(self->dir);
}

static bool have(const char *tool)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return !system(cmd);
}

/* Run @cmd (a shell command) in the fixture's directory. */
#define sh(self, cmd) sh_in((self)->dir, cmd)
static int sh_in(const char *dir, const char *cmd)
{
	char buf[8192];

	snprintf(buf, sizeof(buf), "cd '%s' && { %s; } >/dev/null 2>&1", dir, cmd);
	return system(buf);
}

#define extract(self, name, lim) \
	extract_in((self)->dir, (self)->path, sizeof((self)->path), name, lim, &(self)->r)
static int extract_in(const char *dir, char *path, size_t size, const char *name,
		      const struct extract_limits *lim, struct isolated *r)
{
	snprintf(path, size, "%s/%s", dir, name);
	return isolate_extract(path, lim, 0, r);
}

#define EXPECT_RESULT(status_, prefix)							\
	do {										\
		EXPECT_EQ(status_, self->r.res.status);					\
		EXPECT_TRUE(starts_with(self->r.res.error, prefix))			\
			TH_LOG("error: '%s', want '%s...'", self->r.res.error, prefix);	\
		EXPECT_GT(MAX_RSS_KIB, self->r.rss_kib);				\
		EXPECT_FALSE(self->r.bad_utf8);						\
		TH_LOG("peak RSS %ld KiB, error '%s'", self->r.rss_kib, self->r.res.error); \
	} while (0)

/* ---- every format people use reads its PD ---- */

FIXTURE(fmt) {
	char dir[64];
	char path[4200];
	struct isolated r;
};

FIXTURE_SETUP(fmt)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdguard-archive-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, fx_write(self->dir, "staff.csv", staff, strlen(staff)));
}

FIXTURE_TEARDOWN(fmt)
{
	rm_dir(self->dir);
}

FIXTURE_VARIANT(fmt) {
	const char *tool;	/* must be installed */
	const char *make;	/* shell command, in the fixture's directory */
	const char *file;	/* what it makes */
	const char *kind;	/* extract_result.kind */
};

#define FMT(name_, tool_, make_, file_, kind_)					\
	FIXTURE_VARIANT_ADD(fmt, name_) {					\
		.tool = tool_, .make = make_, .file = file_, .kind = kind_,	\
	}

FMT(gzip, "gzip", "gzip -k staff.csv", "staff.csv.gz", "gzip");
FMT(bzip2, "bzip2", "bzip2 -k staff.csv", "staff.csv.bz2", "bzip2");
FMT(xz, "xz", "xz -k staff.csv", "staff.csv.xz", "xz");
FMT(zstd, "zstd", "zstd -q staff.csv", "staff.csv.zst", "zstd");
FMT(lz4, "lz4", "lz4 -q staff.csv staff.csv.lz4", "staff.csv.lz4", "lz4");
FMT(tar, "tar", "mkdir d && cp staff.csv d/ && tar cf s.tar d", "s.tar", "tar");
FMT(tar_gz, "tar", "mkdir d && cp staff.csv d/ && tar czf s.tgz d", "s.tgz", "tar+gzip");
FMT(tar_bz2, "bzip2", "mkdir d && cp staff.csv d/ && tar cjf s.tbz d", "s.tbz", "tar+bzip2");
FMT(tar_xz, "xz", "mkdir d && cp staff.csv d/ && tar cJf s.txz d", "s.txz", "tar+xz");
FMT(tar_zst, "zstd", "mkdir d && cp staff.csv d/ && tar --zstd -cf s.tzst d", "s.tzst",
    "tar+zstd");
FMT(seven_z, "7z", "mkdir d && cp staff.csv d/ && 7z a -bd s.7z d", "s.7z", "7z");
FMT(cpio, "cpio", "echo staff.csv | cpio -o -H newc >s.cpio", "s.cpio", "cpio");
FMT(cpio_gz, "cpio", "echo staff.csv | cpio -o -H newc | gzip >s.cpgz", "s.cpgz", "cpio+gzip");
FMT(gz_in_gz, "gzip", "gzip -c staff.csv | gzip -c >twice.gz", "twice.gz", "gzip");
FMT(zip_in_tar_gz, "zip", "zip -q in.zip staff.csv && tar czf z.tgz in.zip", "z.tgz",
    "tar+gzip");
FMT(tgz_in_7z, "7z", "tar czf in.tgz staff.csv && 7z a -bd o.7z in.tgz", "o.7z", "7z");
FMT(tgz_in_zip, "zip", "tar czf in.tgz staff.csv && zip -q o.zip in.tgz", "o.zip", "zip");
FMT(xz_in_cpio_in_tar, "xz",
    "xz -k staff.csv && echo staff.csv.xz | cpio -o -H newc >c.cpio && tar cf o.tar c.cpio",
    "o.tar", "tar");

TEST_F(fmt, reads_the_pd_inside)
{
	if (!have(variant->tool))
		SKIP(return, "%s is not installed (scripts/deps.sh test)", variant->tool);
	ASSERT_EQ(0, sh(self, variant->make));
	ASSERT_EQ(0, extract(self, variant->file, NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ(variant->kind, self->r.res.kind);
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD)) TH_LOG("text: '%s'", self->r.text);
}

/* ---- bombs: one test a limit, each in bounded memory ---- */

/* A file of @mib MiB of one line of text repeated (compresses about 1000 to 1). */
#define text_file(self, name, mib) text_file_in((self)->dir, name, mib)
static int text_file_in(const char *dir, const char *name, unsigned int mib)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "yes 'Meeting notes, nothing personal' | head -c %uM >%s", mib,
		 name);
	return sh_in(dir, cmd);
}

TEST_F(arc, bomb_ratio_gzip)
{
	ASSERT_EQ(0, text_file(self, "big.txt", 40));
	ASSERT_EQ(0, sh(self, "gzip -9 big.txt"));
	ASSERT_EQ(0, extract(self, "big.txt.gz", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: compression ratio ");
	EXPECT_NE(NULL, strstr(self->r.res.error, " > 100 in member 'data'"));
}

TEST_F(arc, bomb_ratio_solid_7z)
{
	/* one solid block for all members: the ratio is the archive's */
	if (!have("7z"))
		SKIP(return, "7z is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, text_file(self, "a.txt", 20));
	ASSERT_EQ(0, sh(self, "cp a.txt b.txt && 7z a -bd -ms=on s.7z a.txt b.txt"));
	ASSERT_EQ(0, extract(self, "s.7z", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: compression ratio ");
}

TEST_F(arc, bomb_declared_member_size)
{
	/* a sparse 30 MiB member: tar says its size in the header, refused before reading */
	ASSERT_EQ(0, sh(self, "truncate -s 30M big.bin && tar cSzf big.tgz big.bin"));
	ASSERT_EQ(0, extract(self, "big.tgz", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: member 'big.bin' size 31457280 > 26214400 bytes");
}

TEST_F(arc, bomb_member_size_as_it_comes_out)
{
	/* a compressed stream declares no size: the bytes are counted as they come out */
	struct extract_limits lim = { .max_member_bytes = 1 << 20, .max_ratio = 100000 };

	ASSERT_EQ(0, text_file(self, "big.txt", 4));
	ASSERT_EQ(0, sh(self, "xz big.txt"));
	ASSERT_EQ(0, extract(self, "big.txt.xz", &lim));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: member 'data' size over 1048576 bytes");
	EXPECT_NE(NULL, strstr(self->r.text, "Meeting notes")) TH_LOG("text before the limit");
}

TEST_F(arc, bomb_total_size)
{
	/* members each under the limits, too much together (an uncompressed tar: ratio 1) */
	struct extract_limits lim = { .max_total_bytes = 2 << 20 };

	ASSERT_EQ(0, text_file(self, "f1.txt", 1));
	ASSERT_EQ(0, sh(self, "cp f1.txt f2.txt && cp f1.txt f3.txt && tar cf t.tar f1.txt f2.txt f3.txt"));
	ASSERT_EQ(0, extract(self, "t.tar", &lim));
	EXPECT_RESULT(EXTRACT_LIMIT,
		      "limit exceeded: archive members over 2097152 bytes in all, at member 'f3.txt'");
}

TEST_F(arc, bomb_total_size_is_shared_with_zip)
{
	/*
	 * The one policy: what the tar gave (f1.txt, then z.zip: 2 MiB) counts when libzip reads
	 * the ZIP inside it, and its member crosses 2.5 MiB.
	 */
	struct extract_limits lim = { .max_total_bytes = 5 << 19 };

	if (!have("zip"))
		SKIP(return, "zip is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, text_file(self, "f1.txt", 1));
	ASSERT_EQ(0, sh(self, "cp f1.txt f2.txt && zip -q -0 z.zip f2.txt && tar cf t.tar f1.txt z.zip"));
	ASSERT_EQ(0, extract(self, "t.tar", &lim));
	EXPECT_RESULT(EXTRACT_LIMIT,
		      "limit exceeded: archive members over 2621440 bytes in all, at member 'f2.txt'");
}

TEST_F(arc, bomb_entries)
{
	struct extract_limits lim = { .max_entries = 10 };

	ASSERT_EQ(0, sh(self, "mkdir m && for i in $(seq 1 20); do cp staff.csv m/$i.csv; done && "
			      "tar czf m.tgz m"));
	ASSERT_EQ(0, extract(self, "m.tgz", &lim));
	/* counted as they are met, directories too: a streamed archive has no directory */
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: archive entries 11 > 10");
}

TEST_F(arc, bomb_depth)
{
	int level;
	char cmd[256];

	/* d1.tgz holds staff.csv, d2.tgz holds d1.tgz... */
	ASSERT_EQ(0, sh(self, "tar czf d1.tgz staff.csv"));
	for (level = 2; level <= 10; level++) {
		snprintf(cmd, sizeof(cmd), "tar czf d%d.tgz d%d.tgz", level, level - 1);
		ASSERT_EQ(0, sh(self, cmd));
	}
	/* d10 (depth 1) holds d9 (depth 2) ... d2 would be depth 9 */
	ASSERT_EQ(0, extract(self, "d10.tgz", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: nesting depth 9 > 8 at member 'd2.tgz'");
	ASSERT_EQ(0, extract(self, "d8.tgz", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));
}

TEST_F(arc, bomb_nested_copies)
{
	/* 42.zip's shape in tar.gz: 16 copies of 16 copies of a 20 MiB member */
	ASSERT_EQ(0, text_file(self, "l0.txt", 20));
	ASSERT_EQ(0, sh(self, "gzip -9 l0.txt && mkdir a b && for i in $(seq 1 16); do "
			      "cp l0.txt.gz a/$i.gz; done && tar czf b/l1.tgz a && for i in $(seq 2 16); "
			      "do cp b/l1.tgz b/$i.tgz; done && tar czf l2.tgz b"));
	ASSERT_EQ(0, extract(self, "l2.tgz", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: compression ratio ");
}

/* ---- damaged and encrypted ---- */

TEST_F(arc, truncated_tar_gz_gives_what_came_before)
{
	ASSERT_EQ(0, text_file(self, "big.txt", 1));
	ASSERT_EQ(0, sh(self, "tar czf t.tgz staff.csv big.txt && head -c 2000 t.tgz >cut.tgz"));
	ASSERT_EQ(0, extract(self, "cut.tgz", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: tar");
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));
}

TEST_F(arc, encrypted_7z)
{
	if (!have("7z"))
		SKIP(return, "7z is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, sh(self, "7z a -bd -pсекрет e.7z staff.csv"));
	ASSERT_EQ(0, extract(self, "e.7z", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED,
		      "encrypted: member 'staff.csv' of a 7z, a password is needed to read it");
	EXPECT_EQ(NULL, strstr(self->r.text, "900101300007"));
}

TEST_F(arc, encrypted_7z_names_too)
{
	if (!have("7z"))
		SKIP(return, "7z is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, sh(self, "7z a -bd -psecret -mhe=on e.7z staff.csv"));
	ASSERT_EQ(0, extract(self, "e.7z", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED, "encrypted: 7z archive, a password is needed to read it");
}

TEST_F(arc, encrypted_zipcrypto)
{
	if (!have("zip"))
		SKIP(return, "zip is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, sh(self, "zip -q -P secret e.zip staff.csv"));
	ASSERT_EQ(0, extract(self, "e.zip", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED,
		      "encrypted: member 'staff.csv' of a ZIP, a password is needed to read it");
	EXPECT_EQ(NULL, strstr(self->r.text, "900101300007"));
}

TEST_F(arc, encrypted_member_beside_plain_ones)
{
	/* the plain member is read, and the file still says something was not */
	if (!have("zip"))
		SKIP(return, "zip is not installed (scripts/deps.sh test)");
	ASSERT_EQ(0, sh(self, "zip -q -P secret e.zip staff.csv && cp staff.csv plain.csv && "
			      "tar czf mixed.tgz plain.csv e.zip"));
	ASSERT_EQ(0, extract(self, "mixed.tgz", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED, "encrypted: member 'staff.csv' of a ZIP");
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));
}

TEST_HARNESS_MAIN
