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
#include <zlib.h>

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

/* The fixtures make subdirectories, which rm_dir() leaves. */
static void rm_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	if (!strncmp(dir, "/tmp/pdguard-archive-", 21) && system(cmd))
		rm_dir(dir);
}

FIXTURE_TEARDOWN(arc)
{
	rm_tree(self->dir);
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

#define hpath_(self, name) \
	(snprintf((self)->path, sizeof((self)->path), "%s/%s", (self)->dir, name), (self)->path)
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
	rm_tree(self->dir);
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

/*
 * RAR: Debian has no tool that writes it (rar is non-free), so the tests write the simplest
 * archives by the published format descriptions: one stored (uncompressed) file, RAR 4 and
 * RAR 5. Compressed RAR is libarchive's own business and tested there.
 */
static size_t vint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n++] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	return n;
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* A RAR 5 block: CRC32, size, then @body (type, flags, fields). Return: bytes written. */
static size_t rar5_block(uint8_t *out, const uint8_t *body, size_t len)
{
	uint8_t hdr[16];
	size_t h = vint(hdr, len);

	memcpy(out + 4, hdr, h);
	memcpy(out + 4 + h, body, len);
	le32(out, crc32(0, out + 4, h + len));
	return 4 + h + len;
}

static int fx_rar5_stored(const char *path, const char *name, const char *data,
			  unsigned int mode)
{
	static const uint8_t sig[8] = { 0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00 };
	static const uint8_t main_hdr[] = { 1, 0, 0 };	/* type 1, no flags, archive flags 0 */
	static const uint8_t end_hdr[] = { 5, 0, 0 };
	size_t dlen = strlen(data), nlen = strlen(name), o = 0, b = 0;
	uint8_t out[4096], body[1024];
	FILE *f;

	memcpy(out, sig, sizeof(sig));
	o = sizeof(sig);
	o += rar5_block(out + o, main_hdr, sizeof(main_hdr));
	b += vint(body + b, 2);			/* file header */
	b += vint(body + b, 0x0002);		/* a data area follows */
	b += vint(body + b, dlen);		/* its size */
	b += vint(body + b, 0x0004);		/* file flags: data CRC32 present */
	b += vint(body + b, dlen);		/* unpacked size */
	b += vint(body + b, mode);		/* attributes: on Unix, the mode */
	le32(body + b, crc32(0, (const uint8_t *)data, dlen));
	b += 4;
	b += vint(body + b, 0);			/* algorithm 0, method 0: stored */
	b += vint(body + b, 1);			/* host OS: Unix */
	b += vint(body + b, nlen);
	memcpy(body + b, name, nlen);
	b += nlen;
	o += rar5_block(out + o, body, b);
	memcpy(out + o, data, dlen);
	o += dlen;
	o += rar5_block(out + o, end_hdr, sizeof(end_hdr));
	f = fopen(path, "we");
	if (!f || fwrite(out, 1, o, f) != o)
		return -1;
	return fclose(f) ? -1 : 0;
}

/* A RAR 4 block: CRC16 (low half of the CRC32 of what follows it) over @hdr[2..]. */
static void rar4_crc(uint8_t *hdr, size_t len)
{
	uint32_t c = crc32(0, hdr + 2, len - 2);

	hdr[0] = c;
	hdr[1] = c >> 8;
}

static int fx_rar4_stored(const char *path, const char *name, const char *data)
{
	static const uint8_t mark[7] = { 0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00 };
	uint8_t arch[13] = { 0, 0, 0x73, 0, 0, 13, 0 }, file[64 + 256] = { 0 };
	uint8_t end[7] = { 0, 0, 0x7b, 0x00, 0x40, 7, 0 };
	size_t dlen = strlen(data), nlen = strlen(name), flen = 32 + nlen;
	FILE *f;
	int ok;

	if (nlen > 256)
		return -1;
	rar4_crc(arch, sizeof(arch));
	file[2] = 0x74;				/* file header */
	file[3] = 0x00;
	file[4] = 0x80;				/* flags: LONG_BLOCK (a data area follows) */
	file[5] = flen;
	file[6] = flen >> 8;
	le32(file + 7, dlen);			/* packed size */
	le32(file + 11, dlen);			/* unpacked size */
	file[15] = 3;				/* host OS: Unix */
	le32(file + 16, crc32(0, (const uint8_t *)data, dlen));
	le32(file + 20, 0x21a10000);		/* DOS time: 1996 */
	file[24] = 20;				/* version needed: 2.0 */
	file[25] = 0x30;			/* method: store */
	file[26] = nlen;
	file[27] = nlen >> 8;
	le32(file + 28, 0x81a4);		/* attributes: a regular file, 0644 */
	memcpy(file + 32, name, nlen);
	rar4_crc(file, flen);
	rar4_crc(end, sizeof(end));
	f = fopen(path, "we");
	if (!f)
		return -1;
	ok = fwrite(mark, 1, sizeof(mark), f) == sizeof(mark) &&
	     fwrite(arch, 1, sizeof(arch), f) == sizeof(arch) &&
	     fwrite(file, 1, flen, f) == flen && fwrite(data, 1, dlen, f) == dlen &&
	     fwrite(end, 1, sizeof(end), f) == sizeof(end);
	return fclose(f) || !ok ? -1 : 0;
}

TEST_F(arc, rar5_read_only)
{
	/* the mode bits are not looked at: an entry of no known type is read all the same */
	ASSERT_EQ(0, fx_rar5_stored(hpath_(self, "odd.rar"), "odd.csv", staff, 0644));
	ASSERT_EQ(0, extract(self, "odd.rar", NULL));
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));

	ASSERT_EQ(0, fx_rar5_stored(hpath_(self, "s.rar"), "кадры/staff.csv", staff, 0100644));
	ASSERT_EQ(0, extract(self, "s.rar", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ("rar5", self->r.res.kind);
	EXPECT_NE(NULL, strstr(self->r.text, "кадры/staff.csv\n")) TH_LOG("text: '%s'", self->r.text);
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));
}

TEST_F(arc, rar4_read_only)
{
	ASSERT_EQ(0, fx_rar4_stored(hpath_(self, "s.rar"), "staff.csv", staff));
	ASSERT_EQ(0, extract(self, "s.rar", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ("rar", self->r.res.kind);
	EXPECT_NE(NULL, strstr(self->r.text, "staff.csv\n")) TH_LOG("text: '%s'", self->r.text);
	EXPECT_NE(NULL, strstr(self->r.text, STAFF_PD));
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

TEST_F(arc, bomb_binary_members_count_too)
{
	/* members with no text are inflated all the same to get past them: they count */
	struct extract_limits lim = { .max_total_bytes = 2 << 20, .max_ratio = 100000 };

	ASSERT_EQ(0, sh(self, "for i in 1 2 3; do head -c 1M /dev/zero >z$i.bin; done && "
			      "tar czf z.tgz z1.bin z2.bin z3.bin"));
	ASSERT_EQ(0, extract(self, "z.tgz", &lim));
	EXPECT_RESULT(EXTRACT_LIMIT,
		      "limit exceeded: archive members over 2097152 bytes in all, at member 'z3.bin'");
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

TEST_F(arc, invalid_tar_is_corrupt_not_a_level_of_nesting)
{
	/* a type flag libarchive refuses: what nothing takes is not read raw, over and over */
	ASSERT_EQ(0, sh(self, "tar cf t.tar staff.csv && printf Z | dd of=t.tar bs=1 seek=156 "
			      "conv=notrunc"));
	ASSERT_EQ(0, extract(self, "t.tar", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: tar: not a valid archive");
	EXPECT_STREQ("tar", self->r.res.kind);
}

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
