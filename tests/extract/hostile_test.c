// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile and broken input: every case ends with a result naming the reason, in bounded memory
 * (each extraction runs in a child whose peak RSS is checked), never a crash or a hang (the
 * harness timeout is the time bound; nothing here measures time).
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "pdg_test.h"
#include "extract/fixtures.h"
#include "extract/extract_test.h"

/* Peak RSS allowed for one extraction, the test process itself included. */
#define MAX_RSS_KIB (100 * 1024)

FIXTURE(hostile) {
	char dir[64];
	char path[4200];
	struct collect c;
	struct extract_result res;
	long rss_kib;
};

FIXTURE_SETUP(hostile)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdguard-hostile-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	memset(&self->c, 0, sizeof(self->c));
}

FIXTURE_TEARDOWN(hostile)
{
	collect_free(&self->c);
	rm_dir(self->dir);
}

static const char *hpath(struct _test_data_hostile *self, const char *name)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, name);
	return self->path;
}

/*
 * Extract in a child process, so its peak RSS is the extraction's alone; the result, the text
 * (up to 64 KiB) and the RSS come back through a pipe. Return: extract_fd()'s return value.
 */
struct child_report {
	int rc;
	struct extract_result res;
	long rss_kib;
	size_t len;
	bool bad_utf8;
	char text[64 * 1024];
};

static int extract_isolated(struct _test_data_hostile *self, const char *name,
			    const struct extract_limits *lim)
{
	static struct child_report rep;
	int p[2], st;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (!pid) {
		struct rusage ru;
		struct collect c = { .keep_max = sizeof(rep.text) };

		close(p[0]);
		memset(&rep, 0, sizeof(rep));
		rep.rc = extract_path(hpath(self, name), lim, &c, &rep.res);
		getrusage(RUSAGE_SELF, &ru);
		rep.rss_kib = ru.ru_maxrss;
		rep.bad_utf8 = c.bad_utf8;
		rep.len = c.len < sizeof(rep.text) - 1 ? c.len : sizeof(rep.text) - 1;
		memcpy(rep.text, collected(&c), rep.len);
		if (write(p[1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	while (got < sizeof(rep) && (n = read(p[0], (char *)&rep + got, sizeof(rep) - got)) > 0)
		got += n;
	close(p[0]);
	waitpid(pid, &st, 0);
	if (got != sizeof(rep) || !WIFEXITED(st) || WEXITSTATUS(st))
		return -ECHILD;
	self->res = rep.res;
	self->rss_kib = rep.rss_kib;
	collect_free(&self->c);
	collect_sink(&self->c, rep.text, rep.len);
	self->c.bad_utf8 = rep.bad_utf8;
	return rep.rc;
}

#define EXPECT_RESULT(status_, prefix)							\
	do {										\
		EXPECT_EQ(status_, self->res.status);					\
		EXPECT_TRUE(starts_with(self->res.error, prefix))			\
			TH_LOG("error: '%s', want '%s...'", self->res.error, prefix);	\
		EXPECT_GT(MAX_RSS_KIB, self->rss_kib);					\
		EXPECT_FALSE(self->c.bad_utf8);						\
		TH_LOG("peak RSS %ld KiB, error '%s'", self->rss_kib, self->res.error);	\
	} while (0)

TEST_F_TIMEOUT(hostile, zip_bomb_1gib, 60)
{
	ASSERT_EQ(0, fx_zip_zeros(hpath(self, "bomb.zip"), 1ULL << 30, 1));
	ASSERT_EQ(0, extract_isolated(self, "bomb.zip", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: member '0.bin' size 1073741824 > 26214400 bytes");
	EXPECT_STREQ("zip", self->res.kind);
}

TEST_F_TIMEOUT(hostile, compression_ratio, 60)
{
	/* 20 MiB of zeros: under the member limit, but a ratio of about 1000 */
	ASSERT_EQ(0, fx_zip_zeros(hpath(self, "ratio.zip"), 20ULL << 20, 1));
	ASSERT_EQ(0, extract_isolated(self, "ratio.zip", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: compression ratio ");
	EXPECT_NE(NULL, strstr(self->res.error, " > 100 in member '0.bin'"));
}

/* Rewrite the uncompressed size a ZIP declares for its (only) member, in both headers. */
static int lie_about_size(const char *path, uint32_t size)
{
	char *data;
	size_t len, i;
	int rc;

	rc = fx_read(path, &data, &len);
	if (rc)
		return rc;
	for (i = 0; i + 46 <= len; i++) {
		if (!memcmp(data + i, "PK\3\4", 4))
			memcpy(data + i + 22, &size, 4);
		else if (!memcmp(data + i, "PK\1\2", 4))
			memcpy(data + i + 24, &size, 4);
	}
	{
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

		rc = fd < 0 || write(fd, data, len) != (ssize_t)len ? -EIO : 0;
		if (fd >= 0)
			close(fd);
	}
	free(data);
	return rc;
}

TEST_F_TIMEOUT(hostile, zip_bomb_lying_header, 60)
{
	/*
	 * Declares 1000 bytes, holds 20 MiB of deflated zeros: libzip stops inflating at the
	 * declared size, so a small lie inflates small (our own count of what comes out is the
	 * second line of defence); the 1000 zeros are binary, no text.
	 */
	ASSERT_EQ(0, fx_zip_zeros(hpath(self, "liar.zip"), 20ULL << 20, 1));
	ASSERT_EQ(0, lie_about_size(hpath(self, "liar.zip"), 1000));
	ASSERT_EQ(0, extract_isolated(self, "liar.zip", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_EQ(strlen("0.bin\n"), self->res.text_bytes);
}

TEST_F_TIMEOUT(hostile, nested_bomb_42, 60)
{
	char prev[4200], name[32];
	int level;

	/* 42.zip's shape: each level holds 16 copies of the one below, 64 MiB of zeros at the bottom */
	ASSERT_EQ(0, fx_zip_zeros(hpath(self, "l0.zip"), 64ULL << 20, 1));
	for (level = 1; level <= 4; level++) {
		snprintf(prev, sizeof(prev), "%s/l%d.zip", self->dir, level - 1);
		snprintf(name, sizeof(name), "l%d.zip", level);
		ASSERT_EQ(0, fx_zip_file(hpath(self, name), prev, name, 16));
	}
	ASSERT_EQ(0, extract_isolated(self, "l4.zip", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: member '0.bin' size 67108864 > 26214400 bytes");
}

TEST_F(hostile, too_many_entries)
{
	struct extract_limits lim = { .max_entries = 10 };
	struct fx_member m[20];
	char names[20][24];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "f%02d.txt", i);
		m[i] = (struct fx_member)FX_M(names[i], "ИИН 900101300007\n");
	}
	ASSERT_EQ(0, fx_zip(hpath(self, "many.zip"), m, 20));
	ASSERT_EQ(0, extract_isolated(self, "many.zip", &lim));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: archive entries 20 > 10");
}

TEST_F(hostile, nesting_beyond_max_depth)
{
	char prev[4200], name[32];
	int level;

	char inner[32] = "secret.txt";
	static const char secret[] = "Иванов 900101300007\n";

	ASSERT_EQ(0, fx_write(self->dir, "secret.txt", secret, strlen(secret)));
	snprintf(prev, sizeof(prev), "%s/secret.txt", self->dir);
	for (level = 1; level <= 10; level++) {
		snprintf(name, sizeof(name), "d%d.zip", level);
		ASSERT_EQ(0, fx_zip_file(hpath(self, name), prev, inner, 1));
		snprintf(prev, sizeof(prev), "%s/%s", self->dir, name);
		snprintf(inner, sizeof(inner), "%s", name);
	}
	/* d10 (depth 1) holds d9 (depth 2) ... d2 would be depth 9 */
	ASSERT_EQ(0, extract_isolated(self, "d10.zip", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: nesting depth 9 > 8 at member 'd2.zip'");
	/* within the limit it is read */
	ASSERT_EQ(0, extract_isolated(self, "d8.zip", NULL));
	EXPECT_EQ(EXTRACT_OK, self->res.status);
	EXPECT_NE(NULL, strstr(collected(&self->c), "Иванов 900101300007"));
}

TEST_F(hostile, truncated_docx)
{
	char *data;
	size_t len;

	ASSERT_EQ(0, fx_docx_with(hpath(self, "whole.docx"), fx_docx_document));
	ASSERT_EQ(0, fx_read(hpath(self, "whole.docx"), &data, &len));
	ASSERT_EQ(0, fx_write(self->dir, "cut.docx", data, len / 2));
	free(data);
	ASSERT_EQ(0, extract_isolated(self, "cut.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: ZIP: ");
}

TEST_F(hostile, damaged_member_data)
{
	char *data;
	size_t len, i;

	ASSERT_EQ(0, fx_docx_with(hpath(self, "bad.docx"), fx_docx_document));
	ASSERT_EQ(0, fx_read(hpath(self, "bad.docx"), &data, &len));
	/* garble the middle of word/document.xml's deflated data */
	for (i = 0; i + 30 < len; i++) {
		if (!memcmp(data + i, "PK\3\4", 4) && !memcmp(data + i + 30, "word/document.xml", 17)) {
			size_t start = i + 30 + 17 + (uint8_t)data[i + 28] + 100;

			memset(data + start, 0xa5, 64);
			break;
		}
	}
	ASSERT_EQ(0, fx_write(self->dir, "bad.docx", data, len));
	free(data);
	ASSERT_EQ(0, extract_isolated(self, "bad.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: ");
	/* the other parts are still read */
	EXPECT_NE(NULL, strstr(collected(&self->c), "Конфиденциально"));
}

TEST_F(hostile, empty_file)
{
	ASSERT_EQ(0, fx_write(self->dir, "empty", "", 0));
	ASSERT_EQ(0, extract_isolated(self, "empty", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ("empty", self->res.kind);
	EXPECT_STREQ("application/x-empty", self->res.mime);
	EXPECT_EQ(0UL, self->res.text_bytes);
}

TEST_F(hostile, random_junk)
{
	char *junk = malloc(1 << 20);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1 << 20, read(fd, junk, 1 << 20));
	close(fd);
	ASSERT_EQ(0, fx_write(self->dir, "junk", junk, 1 << 20));
	free(junk);
	ASSERT_EQ(0, extract_isolated(self, "junk", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ("binary", self->res.kind);
	/* only its printable runs of 4+ characters are read: a small share of random bytes */
	EXPECT_GT((1UL << 20) / 8, self->res.text_bytes);
}

TEST_F(hostile, invalid_utf8)
{
	static const char bad[] = "Привет \xff\xfe мир \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 "
				  "\xe2\x82 Иванов 900101300007\n";

	ASSERT_EQ(0, fx_write(self->dir, "bad.txt", bad, sizeof(bad) - 1));
	ASSERT_EQ(0, extract_isolated(self, "bad.txt", NULL));
	EXPECT_RESULT(EXTRACT_OK, "");
	EXPECT_STREQ("text", self->res.kind);
	EXPECT_NE(NULL, strstr(collected(&self->c), "Привет \xef\xbf\xbd\xef\xbf\xbd мир "));
	EXPECT_NE(NULL, strstr(collected(&self->c), "Иванов 900101300007\n"));
}

TEST_F_TIMEOUT(hostile, sparse_10g, 60)
{
	int fd = open(hpath(self, "sparse"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ASSERT_LE(0, fd);
	if (ftruncate(fd, 10ULL << 30)) {
		close(fd);
		SKIP(return, "this file system cannot hold a 10 GiB sparse file: %s", strerror(errno));
	}
	close(fd);
	ASSERT_EQ(0, extract_isolated(self, "sparse", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: file size 10737418240 > 104857600 bytes");
	EXPECT_EQ(10ULL << 30, self->res.bytes);
}

TEST_F_TIMEOUT(hostile, sparse_10g_text, 60)
{
	static const char head[] = "Иванов Иван 900101300007\n";
	int fd = open(hpath(self, "sparse.txt"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	char *spaces = malloc(1 << 16);

	/* a text start, then 10 GiB of holes past the first 64 KiB of spaces */
	ASSERT_LE(0, fd);
	memset(spaces, ' ', 1 << 16);
	ASSERT_EQ((ssize_t)sizeof(head) - 1, write(fd, head, sizeof(head) - 1));
	ASSERT_EQ(1 << 16, write(fd, spaces, 1 << 16));
	free(spaces);
	if (ftruncate(fd, 10ULL << 30)) {
		close(fd);
		SKIP(return, "this file system cannot hold a 10 GiB sparse file: %s", strerror(errno));
	}
	close(fd);
	ASSERT_EQ(0, extract_isolated(self, "sparse.txt", NULL));
	EXPECT_RESULT(EXTRACT_LIMIT, "limit exceeded: file size 10737418240 > 104857600 bytes");
	EXPECT_STREQ("text", self->res.kind);
	EXPECT_TRUE(starts_with(collected(&self->c), head));
	/* the holes are NUL bytes: not text, one boundary */
	EXPECT_GE(sizeof(head) + (1 << 16) + 1, self->res.text_bytes);
}

static const char billion_laughs[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE lolz [\n"
	" <!ENTITY lol \"lol\">\n"
	" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
	" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
	" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
	" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
	" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
	" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
	" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
	"]>\n"
	"<w:document " FX_W "><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>";

TEST_F(hostile, billion_laughs_docx)
{
	ASSERT_EQ(0, fx_docx_with(hpath(self, "lol.docx"), billion_laughs));
	ASSERT_EQ(0, extract_isolated(self, "lol.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: XML in member 'word/document.xml': DOCTYPE refused");
	EXPECT_EQ(NULL, strstr(collected(&self->c), "lol"));
	/* the document's other parts are still read */
	EXPECT_NE(NULL, strstr(collected(&self->c), "ТОО Ромашка"));
}

TEST_F(hostile, xxe_docx)
{
	static const char xxe[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
		"<w:document " FX_W "><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>";

	ASSERT_EQ(0, fx_docx_with(hpath(self, "xxe.docx"), xxe));
	ASSERT_EQ(0, extract_isolated(self, "xxe.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: XML in member 'word/document.xml': DOCTYPE refused");
	EXPECT_EQ(NULL, strstr(collected(&self->c), "root:"));
}

TEST_F(hostile, undeclared_entity_docx)
{
	static const char ent[] =
		"<?xml version=\"1.0\"?>\n"
		"<w:document " FX_W "><w:body><w:p><w:r><w:t>a &x; b</w:t></w:r></w:p></w:body></w:document>";

	ASSERT_EQ(0, fx_docx_with(hpath(self, "ent.docx"), ent));
	ASSERT_EQ(0, extract_isolated(self, "ent.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: XML in member 'word/document.xml': ");
}

TEST_F(hostile, deep_xml_docx)
{
	const int depth = 100000;
	size_t cap = depth * 12 + 4096, n = 0;
	char *doc = malloc(cap);
	int i;

	n += snprintf(doc + n, cap - n, "<w:document " FX_W "><w:body>");
	for (i = 0; i < depth; i++)
		n += snprintf(doc + n, cap - n, "<w:p>");
	n += snprintf(doc + n, cap - n, "</w:body></w:document>");
	ASSERT_EQ(0, fx_docx_with(hpath(self, "deep.docx"), doc));
	free(doc);
	ASSERT_EQ(0, extract_isolated(self, "deep.docx", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT,
		      "corrupt: XML in member 'word/document.xml': elements nested deeper than 1000");
}

TEST_F(hostile, pdf_garbage_after_header)
{
	char *junk = malloc(64 * 1024);
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(64 * 1024, read(fd, junk, 64 * 1024));
	close(fd);
	memcpy(junk, "%PDF-1.7\n", 9);
	ASSERT_EQ(0, fx_write(self->dir, "junk.pdf", junk, 64 * 1024));
	free(junk);
	ASSERT_EQ(0, extract_isolated(self, "junk.pdf", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: PDF: ");
	EXPECT_STREQ("pdf", self->res.kind);
}

/* A PDF with a standard security handler whose empty user password does not match. */
static int write_encrypted_pdf(const char *path)
{
	static const char *const objs[] = {
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
		"<< /Filter /Standard /V 1 /R 2 /P -44 "
		"/O <8b7a4c0d2f1e3a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d> "
		"/U <0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0> >>",
	};
	char buf[4096];
	long off[4];
	size_t n = 0, i;

	n += snprintf(buf + n, sizeof(buf) - n, "%%PDF-1.4\n");
	for (i = 0; i < 4; i++) {
		off[i] = n;
		n += snprintf(buf + n, sizeof(buf) - n, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	{
		size_t xref = n;

		n += snprintf(buf + n, sizeof(buf) - n, "xref\n0 5\n0000000000 65535 f \n");
		for (i = 0; i < 4; i++)
			n += snprintf(buf + n, sizeof(buf) - n, "%010ld 00000 n \n", off[i]);
		n += snprintf(buf + n, sizeof(buf) - n,
			      "trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID "
			      "[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] >>\n"
			      "startxref\n%zu\n%%%%EOF\n", xref);
	}
	return fx_write("", path, buf, n);
}

TEST_F(hostile, encrypted_pdf)
{
	ASSERT_EQ(0, write_encrypted_pdf(hpath(self, "locked.pdf")));
	ASSERT_EQ(0, extract_isolated(self, "locked.pdf", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED, "encrypted: PDF, a password is needed");
}

TEST_F(hostile, encrypted_zip_member)
{
	static const char secret[] = "Иванов 900101300007\n";
	zip_source_t *src;
	zip_int64_t idx;
	zip_t *za;
	int err;

	za = zip_open(hpath(self, "enc.zip"), ZIP_CREATE | ZIP_TRUNCATE, &err);
	ASSERT_NE(NULL, za);
	src = zip_source_buffer(za, secret, strlen(secret), 0);
	ASSERT_NE(NULL, src);
	idx = zip_file_add(za, "secret.txt", src, 0);
	ASSERT_LE(0, idx);
	if (zip_file_set_encryption(za, idx, ZIP_EM_AES_256, "пароль")) {
		zip_discard(za);
		SKIP(return, "this libzip cannot encrypt");
	}
	ASSERT_EQ(0, zip_close(za));
	ASSERT_EQ(0, extract_isolated(self, "enc.zip", NULL));
	EXPECT_RESULT(EXTRACT_ENCRYPTED, "encrypted: member 'secret.txt' of a ZIP, a password is needed");
	EXPECT_EQ(NULL, strstr(collected(&self->c), "Иванов"));
}

TEST_F(hostile, damaged_gzip)
{
	static const unsigned char gz[] = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03,
					    0xab, 0xcd, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05 };

	ASSERT_EQ(0, fx_write(self->dir, "x.gz", gz, sizeof(gz)));
	ASSERT_EQ(0, extract_isolated(self, "x.gz", NULL));
	EXPECT_RESULT(EXTRACT_CORRUPT, "corrupt: gzip: ");
	EXPECT_STREQ("gzip", self->res.kind);
}

TEST_F(hostile, unknown_ole_file)
{
	static const unsigned char ole[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	char buf[4096] = { 0 };

	memcpy(buf, ole, sizeof(ole));
	ASSERT_EQ(0, fx_write(self->dir, "x.ole", buf, sizeof(buf)));
	ASSERT_EQ(0, extract_isolated(self, "x.ole", NULL));
	EXPECT_RESULT(EXTRACT_UNSUPPORTED, "unsupported: OLE compound file (");
}

TEST_F(hostile, time_limit)
{
	struct extract_limits lim = { .max_ms = 50 };
	char *s = malloc(1 << 20);

	memset(s, 'a', 1 << 20);
	ASSERT_EQ(0, fx_write(self->dir, "slow.txt", s, 1 << 20));
	free(s);
	/* once, so that loading libmagic's database is not part of what is timed below */
	ASSERT_EQ(0, extract_path(hpath(self, "slow.txt"), NULL, &self->c, &self->res));
	collect_free(&self->c);
	/* a slow sink: the time limit covers the sink's work too */
	self->c.sleep_ms = 100;
	ASSERT_EQ(0, extract_path(hpath(self, "slow.txt"), &lim, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_LIMIT, self->res.status);
	EXPECT_STREQ("limit exceeded: time over 50 ms", self->res.error);
	EXPECT_EQ(1, self->c.calls);
}

TEST_HARNESS_MAIN
