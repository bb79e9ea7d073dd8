// SPDX-License-Identifier: GPL-2.0
/*
 * ZIP containers: OOXML (DOCX, XLSX, PPTX), OpenDocument (ODT, ODS, ODP) and plain ZIP archives.
 *
 * Members are inflated as streams (zip_fread), counting what comes out, so a member's declared
 * sizes are checked first and its real ones all along: a bomb is stopped after at most one block
 * past a limit, never inflated whole. A member that must be read at random (a nested ZIP, a PDF)
 * is spooled to a memfd first, within the member limit, so memory never holds it twice and
 * nothing is written to the file system the agent watches.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zip.h>

#include "extract/detect.h"
#include "extract/encoding.h"
#include "extract/readers.h"
#include "extract/sink.h"
#include "lib/utf8.h"

/* libzip reads the archive through us: pread on the fd, deadline checked on every read. */
struct zsrc {
	struct xctx *x;
	int fd;
	uint64_t size;
	uint64_t off;
	zip_error_t err;
};

static zip_int64_t zsrc_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct zsrc *z = ud;
	zip_int64_t off;
	ssize_t n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		z->off = 0;
		return 0;
	case ZIP_SOURCE_READ:
		if (x_halted(z->x)) {
			zip_error_set(&z->err, ZIP_ER_READ, ETIMEDOUT);
			return -1;
		}
		if (z->off >= z->size)
			return 0;
		if (len > z->size - z->off)
			len = z->size - z->off;
		do
			n = pread(z->fd, data, len, z->off);
		while (n < 0 && errno == EINTR);
		if (n < 0) {
			zip_error_set(&z->err, ZIP_ER_READ, errno);
			return -1;
		}
		z->off += n;
		return n;
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st)) {
			zip_error_set(&z->err, ZIP_ER_INVAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->size = z->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&z->err, data, len);
	case ZIP_SOURCE_FREE:
		return 0;
	case ZIP_SOURCE_SEEK:
		off = zip_source_seek_compute_offset(z->off, z->size, data, len, &z->err);
		if (off < 0)
			return -1;
		z->off = off;
		return 0;
	case ZIP_SOURCE_TELL:
		return z->off;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
						      ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
						      ZIP_SOURCE_SUPPORTS, -1);
	default:
		zip_error_set(&z->err, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static uint16_t le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/*
 * The entry count the archive declares, from its end of central directory record, or -1 when
 * there is none to find (libzip will then say what is wrong). Read before opening because libzip
 * loads the whole directory into memory: millions of tiny entries would cost hundreds of MiB.
 */
static int64_t declared_entries(int fd, uint64_t size)
{
	const size_t tail_max = 22 + 65535;
	size_t tail = size < tail_max ? size : tail_max;
	uint8_t *buf, z64[56];
	int64_t count = -1;
	size_t i;

	if (tail < 22)
		return -1;
	buf = malloc(tail);
	if (!buf)
		return -1;
	if (pread(fd, buf, tail, size - tail) != (ssize_t)tail)
		goto out;
	for (i = tail - 22 + 1; i-- > 0;) {
		if (memcmp(buf + i, "PK\5\6", 4))
			continue;
		count = le16(buf + i + 10);
		if (count != 0xffff || i < 20 || memcmp(buf + i - 20, "PK\6\7", 4))
			break;
		/* ZIP64: the real count is in the ZIP64 record the locator points at. */
		if (pread(fd, z64, sizeof(z64), le64(buf + i - 20 + 8)) == sizeof(z64) &&
		    !memcmp(z64, "PK\6\6", 4))
			count = (int64_t)(le64(z64 + 32) & INT64_MAX);
		break;
	}
out:
	free(buf);
	return count;
}

/* A member being inflated, with its limits checked on every read. */
struct mstream {
	struct xstream s;
	struct xctx *x;
	zip_file_t *zf;
	uint64_t comp;
	uint64_t out;
	char name[128];		/* printable, for messages */
};

static ssize_t m_read(struct xstream *s, void *buf, size_t len)
{
	struct mstream *m = (struct mstream *)s;
	struct xctx *x = m->x;
	zip_int64_t n;

	if (x_halted(x))
		return -1;
	n = zip_fread(m->zf, buf, len);
	if (n < 0) {
		x_status(x, EXTRACT_CORRUPT, "corrupt: ZIP member '%s': %s", m->name,
			 zip_error_strerror(zip_file_get_error(m->zf)));
		return -1;
	}
	m->out += n;
	if (m->out > x->lim.max_member_bytes) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: member '%s' size over %llu bytes",
			 m->name, (unsigned long long)x->lim.max_member_bytes);
		return -1;
	}
	if (m->out > X_MIB && m->out / (m->comp ? m->comp : 1) > x->lim.max_ratio) {
		x_status(x, EXTRACT_LIMIT,
			 "limit exceeded: compression ratio %llu > %u in member '%s'",
			 (unsigned long long)(m->out / (m->comp ? m->comp : 1)), x->lim.max_ratio,
			 m->name);
		return -1;
	}
	return n;
}

/* Member names in UTF-8: as stored when valid, else CP866, what Russian Windows writes. */
static char *member_name(zip_t *za, zip_uint64_t idx)
{
	const char *raw = zip_get_name(za, idx, ZIP_FL_ENC_RAW);
	size_t n;
	char *s;

	if (!raw)
		return strdup("");
	n = strlen(raw);
	if (utf8_valid_len((const uint8_t *)raw, n) == n)
		return strdup(raw);
	s = malloc(3 * n + 1);
	if (!s)
		return NULL;
	s[x_single_byte_to_utf8(XE_CP866, (const uint8_t *)raw, n, s)] = '\0';
	return s;
}

/*
 * Open member @idx for streaming after checking what it declares. Return: 0, or -1 when it is
 * not to be read (the reason is recorded; x->stop says whether to go on with the others).
 */
static int m_open(struct xctx *x, zip_t *za, zip_uint64_t idx, const char *name,
		  struct mstream *m)
{
	zip_stat_t st;

	memset(m, 0, sizeof(*m));
	m->s.read = m_read;
	m->x = x;
	x_printable_name(m->name, sizeof(m->name), name);
	if (zip_stat_index(za, idx, 0, &st)) {
		x_status(x, EXTRACT_CORRUPT, "corrupt: ZIP member '%s': %s", m->name,
			 zip_strerror(za));
		return -1;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		x_status(x, EXTRACT_ENCRYPTED, "encrypted: member '%s'", m->name);
		return -1;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > x->lim.max_member_bytes) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: member '%s' size %llu > %llu bytes",
			 m->name, (unsigned long long)st.size,
			 (unsigned long long)x->lim.max_member_bytes);
		return -1;
	}
	m->comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	if ((st.valid & ZIP_STAT_SIZE) && st.size > X_MIB &&
	    st.size / (m->comp ? m->comp : 1) > x->lim.max_ratio) {
		x_status(x, EXTRACT_LIMIT,
			 "limit exceeded: compression ratio %llu > %u in member '%s'",
			 (unsigned long long)(st.size / (m->comp ? m->comp : 1)),
			 x->lim.max_ratio, m->name);
		return -1;
	}
	m->zf = zip_fopen_index(za, idx, 0);
	if (!m->zf) {
		int ze = zip_error_code_zip(zip_get_error(za));

		if (ze == ZIP_ER_COMPNOTSUPP || ze == ZIP_ER_ENCRNOTSUPP)
			x_status(x, EXTRACT_UNSUPPORTED, "unsupported: member '%s': %s", m->name,
				 zip_strerror(za));
		else
			x_status(x, EXTRACT_CORRUPT, "corrupt: ZIP member '%s': %s", m->name,
				 zip_strerror(za));
		return -1;
	}
	return 0;
}

static void m_close(struct mstream *m)
{
	if (m->zf)
		zip_fclose(m->zf);
	m->zf = NULL;
}

/* The head of a member, read for detection, is replayed before the rest of the stream. */
struct push_stream {
	struct xstream s;
	struct xstream *inner;
	const uint8_t *head;
	size_t len;
	size_t off;
};

static ssize_t push_read(struct xstream *s, void *buf, size_t len)
{
	struct push_stream *p = (struct push_stream *)s;
	size_t k;

	if (p->off < p->len) {
		k = p->len - p->off < len ? p->len - p->off : len;
		memcpy(buf, p->head + p->off, k);
		p->off += k;
		return k;
	}
	return p->inner->read(p->inner, buf, len);
}

static ssize_t read_full(struct xstream *s, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = s->read(s, buf + got, len - got);
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += n;
	}
	return got;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/* Copy the rest of a member into a memfd. Return: the fd, or -1 (status recorded). */
static int spool(struct xctx *x, struct mstream *m, const uint8_t *head, size_t hlen,
		 uint64_t *size)
{
	uint8_t *buf;
	ssize_t n;
	int fd, rc;

	fd = memfd_create("pdguard-extract", MFD_CLOEXEC);
	if (fd < 0) {
		x_status(x, EXTRACT_IO, "cannot hold member '%s': %s", m->name, x_errstr(errno));
		return -1;
	}
	buf = malloc(X_BLOCK_BYTES);
	rc = buf ? write_full(fd, head, hlen) : -ENOMEM;
	*size = hlen;
	while (!rc) {
		n = m_read(&m->s, buf, X_BLOCK_BYTES);
		if (n < 0) {
			free(buf);
			close(fd);
			return -1;
		}
		if (!n)
			break;
		rc = write_full(fd, buf, n);
		*size += n;
	}
	free(buf);
	if (rc) {
		x_status(x, EXTRACT_IO, "cannot hold member '%s': %s", m->name, x_errstr(-rc));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Open member @idx and read its first X_HEAD_BYTES into a new buffer, its length in @hlen.
 * NULL when there is nothing to read (the status says why, and @m is closed); else the caller
 * frees the buffer and closes @m.
 */
static uint8_t *open_head(struct xctx *x, zip_t *za, zip_uint64_t idx, const char *name,
			  struct mstream *m, ssize_t *hlen)
{
	uint8_t *head;

	if (m_open(x, za, idx, name, m))
		return NULL;
	head = malloc(X_HEAD_BYTES);
	if (!head) {
		x_status(x, EXTRACT_IO, "out of memory");
		m_close(m);
		return NULL;
	}
	*hlen = read_full(&m->s, head, X_HEAD_BYTES);
	if (*hlen < 0) {
		free(head);
		m_close(m);
		return NULL;
	}
	return head;
}

/* Any member, read by what its content is. @depth is the depth of the archive holding it. */
static void x_member(struct xctx *x, zip_t *za, zip_uint64_t idx, const char *name,
		     unsigned int depth)
{
	struct mstream m;
	struct x_type t;
	uint8_t *head;
	ssize_t hlen;
	uint64_t size;
	int fd;

	head = open_head(x, za, idx, name, &m, &hlen);
	if (!head)
		return;
	x_detect(head, hlen, &t);
	switch (t.cls) {
	case XC_TEXT: {
		struct push_stream p = {
			.s.read = push_read, .inner = &m.s, .head = head, .len = hlen,
		};

		x_text_stream(x, &p.s, &t);
		break;
	}
	case XC_ZIP:
		if (depth + 1 > x->lim.max_depth) {
			x_status(x, EXTRACT_LIMIT,
				 "limit exceeded: nesting depth %u > %u at member '%s'", depth + 1,
				 x->lim.max_depth, m.name);
			break;
		}
		/* fall through */
	case XC_PDF:
	case XC_OLE:
		fd = spool(x, &m, head, hlen, &size);
		if (fd < 0)
			break;
		/* Nothing in the head buffer is needed any more: give the memory back first. */
		free(head);
		head = NULL;
		m_close(&m);
		x_nested(x, fd, size, depth + 1, name);
		close(fd);
		break;
	case XC_ARCHIVE:
		x_status(x, EXTRACT_UNSUPPORTED,
			 "unsupported: archive type %s is not opened (member '%s')", t.mime,
			 m.name);
		break;
	case XC_BIOMETRIC:
		x_picture(x, &t, head, hlen);
		break;
	case XC_EMPTY:
	case XC_IMAGE:
	case XC_BINARY:
		break;
	}
	free(head);
	m_close(&m);
}

/*
 * A picture of an office document: is it a photo (or a biometric record)? Only its first
 * X_HEAD_BYTES are inflated, so a picture of any size is looked at, and one that cannot be
 * (damaged, encrypted) is passed over in silence: the document's text is what is read, and a
 * picture never makes it an error.
 */
static void x_media(struct xctx *x, zip_t *za, zip_uint64_t idx)
{
	struct x_type t;
	zip_stat_t st;
	zip_file_t *zf;
	uint8_t *head;
	zip_int64_t n;
	size_t got = 0;

	if (x_halted(x) || zip_stat_index(za, idx, 0, &st) ||
	    ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE))
		return;
	zf = zip_fopen_index(za, idx, 0);
	if (!zf)
		return;
	head = malloc(X_HEAD_BYTES);
	while (head && got < X_HEAD_BYTES &&
	       (n = zip_fread(zf, head + got, X_HEAD_BYTES - got)) > 0)
		got += (size_t)n;
	zip_fclose(zf);
	if (head && got) {
		x_detect(head, got, &t);
		x_picture(x, &t, head, got);
	}
	free(head);
}

/* One XML part of an office document, parsed as it inflates. */
static void x_member_xml(struct xctx *x, zip_t *za, zip_uint64_t idx, const char *name,
			 enum x_xml_profile prof)
{
	struct mstream m;
	struct x_xml *p;
	char *buf;
	ssize_t n;

	if (m_open(x, za, idx, name, &m))
		return;
	buf = malloc(X_BLOCK_BYTES);
	p = buf ? x_xml_new(x, prof, m.name) : NULL;
	if (!p) {
		x_status(x, EXTRACT_IO, "out of memory");
		goto out;
	}
	do {
		n = m_read(&m.s, buf, X_BLOCK_BYTES);
		if (n < 0)
			break;
	} while (!x_xml_feed(p, buf, n, n == 0) && n);
	x_emit_sep(x);
out:
	x_xml_free(p);
	free(buf);
	m_close(&m);
}

enum zkind { ZK_ZIP, ZK_DOCX, ZK_XLSX, ZK_PPTX, ZK_ODT, ZK_ODS, ZK_ODP };

static const struct {
	const char *kind;
	const char *mime;
} zkinds[] = {
	[ZK_ZIP] = { "zip", "application/zip" },
	[ZK_DOCX] = { "docx",
		      "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	[ZK_XLSX] = { "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	[ZK_PPTX] = { "pptx",
		      "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	[ZK_ODT] = { "odt", "application/vnd.oasis.opendocument.text" },
	[ZK_ODS] = { "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	[ZK_ODP] = { "odp", "application/vnd.oasis.opendocument.presentation" },
};

/* XP_MEMBER: an embedded file, read by its content like a member of a plain ZIP. */
#define XP_MEMBER (-1)
/* XP_MEDIA: a picture, looked at for photos of people (extract_result.photos), not read. */
#define XP_MEDIA (-2)

struct part {
	const char *glob;
	int profile;
};

static const struct part docx_parts[] = {
	{ "word/document.xml", XP_DOCX },
	{ "word/header*.xml", XP_DOCX },
	{ "word/footer*.xml", XP_DOCX },
	{ "word/footnotes.xml", XP_DOCX },
	{ "word/endnotes.xml", XP_DOCX },
	{ "word/comments.xml", XP_DOCX },
	{ "word/embeddings/*", XP_MEMBER },
	{ "word/media/*", XP_MEDIA },
	{ NULL, 0 },
};

static const struct part xlsx_parts[] = {
	{ "xl/sharedStrings.xml", XP_XLSX_STRINGS },
	{ "xl/worksheets/sheet*.xml", XP_XLSX_SHEET },
	{ "xl/comments*.xml", XP_XLSX_STRINGS },
	{ "xl/embeddings/*", XP_MEMBER },
	{ "xl/media/*", XP_MEDIA },
	{ NULL, 0 },
};

static const struct part pptx_parts[] = {
	{ "ppt/slides/slide*.xml", XP_PPTX },
	{ "ppt/notesSlides/notesSlide*.xml", XP_PPTX },
	{ "ppt/comments/*.xml", XP_PPTX },
	{ "ppt/embeddings/*", XP_MEMBER },
	{ "ppt/media/*", XP_MEDIA },
	{ NULL, 0 },
};

static const struct part odf_parts[] = {
	{ "content.xml", XP_ODF },
	{ "styles.xml", XP_ODF },	/* headers and footers of text documents */
	{ "Pictures/*", XP_MEDIA },
	{ NULL, 0 },
};

struct named {
	zip_uint64_t idx;
	const char *name;
};

/* slide2 before slide10 */
static int named_cmp(const void *a, const void *b)
{
	return strverscmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void x_parts(struct xctx *x, zip_t *za, zip_uint64_t n, const struct part *parts,
		    unsigned int depth)
{
	struct named *list = calloc(n ? n : 1, sizeof(*list));
	zip_uint64_t i, k;

	if (!list) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	for (; parts->glob && !x_halted(x); parts++) {
		for (i = 0, k = 0; i < n; i++) {
			const char *name = zip_get_name(za, i, ZIP_FL_ENC_RAW);

			if (name && !fnmatch(parts->glob, name, FNM_PATHNAME))
				list[k++] = (struct named){ i, name };
		}
		qsort(list, k, sizeof(*list), named_cmp);
		for (i = 0; i < k && !x_halted(x); i++) {
			if (parts->profile == XP_MEDIA) {
				x_media(x, za, list[i].idx);
				continue;
			}
			if (parts->profile == XP_MEMBER)
				x_member(x, za, list[i].idx, list[i].name, depth);
			else
				x_member_xml(x, za, list[i].idx, list[i].name, parts->profile);
			x_emit_sep(x);
		}
	}
	free(list);
}

/* A plain archive: each member's name (names carry personal data too), then its text. */
static void x_plain(struct xctx *x, zip_t *za, zip_uint64_t n, unsigned int depth)
{
	zip_uint64_t i;

	for (i = 0; i < n && !x_halted(x); i++) {
		char *name = member_name(za, i);
		size_t len;

		if (!name) {
			x_status(x, EXTRACT_IO, "out of memory");
			return;
		}
		len = strlen(name);
		if (len && name[len - 1] == '/') {
			free(name);
			continue;
		}
		/* each member is a document of its own, its name its first line */
		x_boundary(x);
		x_emit_sep(x);
		x_emit_bytes(x, (const uint8_t *)name, len);
		x_emit(x, "\n", 1);
		x_member(x, za, i, name, depth);
		free(name);
	}
}

/* ODF says what it is in its first member, "mimetype". */
static enum zkind odf_kind(struct xctx *x, zip_t *za, zip_int64_t idx, char *mime, size_t size)
{
	static const struct {
		const char *prefix;
		enum zkind kind;
	} odf[] = {
		{ "application/vnd.oasis.opendocument.text", ZK_ODT },
		{ "application/vnd.oasis.opendocument.spreadsheet", ZK_ODS },
		{ "application/vnd.oasis.opendocument.presentation", ZK_ODP },
	};
	zip_file_t *zf;
	char buf[128];
	zip_int64_t n;
	size_t i;

	zf = zip_fopen_index(za, idx, 0);
	if (!zf)
		return ZK_ZIP;
	n = zip_fread(zf, buf, sizeof(buf) - 1);
	zip_fclose(zf);
	if (n <= 0)
		return ZK_ZIP;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n \t")] = '\0';
	for (i = 0; i < sizeof(odf) / sizeof(odf[0]); i++) {
		if (!strncmp(buf, odf[i].prefix, strlen(odf[i].prefix))) {
			/* keeps -template and the like in the reported type */
			snprintf(mime, size, "%s", buf);
			return odf[i].kind;
		}
	}
	return ZK_ZIP;
}

void x_zip(struct xctx *x, int fd, uint64_t size, unsigned int depth, bool top)
{
	struct zsrc z = { .x = x, .fd = fd, .size = size };
	enum zkind kind = ZK_ZIP;
	char mime[128] = "";
	zip_source_t *src;
	zip_error_t err;
	zip_int64_t n, idx;
	int64_t declared;
	zip_t *za;

	declared = declared_entries(fd, size);
	if (declared > 0 && (uint64_t)declared + x->entries > x->lim.max_entries) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: archive entries %llu > %u",
			 (unsigned long long)declared + x->entries, x->lim.max_entries);
		return;
	}
	zip_error_init(&z.err);
	zip_error_init(&err);
	src = zip_source_function_create(zsrc_cb, &z, &err);
	if (!src) {
		x_status(x, EXTRACT_IO, "out of memory");
		goto out;
	}
	za = zip_open_from_source(src, ZIP_RDONLY, &err);
	if (!za) {
		zip_source_free(src);
		if (!x_halted(x))
			x_status(x, EXTRACT_CORRUPT, "corrupt: ZIP: %s", zip_error_strerror(&err));
		goto out;
	}
	n = zip_get_num_entries(za, 0);
	if (n < 0)
		n = 0;
	if ((uint64_t)n + x->entries > x->lim.max_entries) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: archive entries %llu > %u",
			 (unsigned long long)n + x->entries, x->lim.max_entries);
		zip_discard(za);
		goto out;
	}
	x->entries += n;

	if (zip_name_locate(za, "word/document.xml", 0) >= 0)
		kind = ZK_DOCX;
	else if (zip_name_locate(za, "xl/workbook.xml", 0) >= 0)
		kind = ZK_XLSX;
	else if (zip_name_locate(za, "ppt/presentation.xml", 0) >= 0)
		kind = ZK_PPTX;
	else if ((idx = zip_name_locate(za, "mimetype", 0)) >= 0)
		kind = odf_kind(x, za, idx, mime, sizeof(mime));
	if (top) {
		snprintf(x->res->kind, sizeof(x->res->kind), "%s", zkinds[kind].kind);
		snprintf(x->res->mime, sizeof(x->res->mime), "%s",
			 mime[0] ? mime : zkinds[kind].mime);
	}
	switch (kind) {
	case ZK_DOCX:
		x_parts(x, za, n, docx_parts, depth);
		break;
	case ZK_XLSX:
		x_parts(x, za, n, xlsx_parts, depth);
		break;
	case ZK_PPTX:
		x_parts(x, za, n, pptx_parts, depth);
		break;
	case ZK_ODT:
	case ZK_ODS:
	case ZK_ODP:
		x_parts(x, za, n, odf_parts, depth);
		break;
	case ZK_ZIP:
		x_plain(x, za, n, depth);
		break;
	}
	zip_discard(za);
out:
	zip_error_fini(&err);
	zip_error_fini(&z.err);
}
