// SPDX-License-Identifier: GPL-2.0
/*
 * Archives and compressed streams through libarchive: tar, cpio, 7z, RAR (4 and 5, read-only),
 * ar, ISO 9660, CAB, LHA, XAR, each plain or compressed (gzip, bzip2, xz, lzma, zstd, lz4,
 * compress, lzip...), and a compressed stream of one file (staff.csv.gz) as that file.
 *
 * ZIP stays with libzip (zip.c): OOXML and ODF need their parts by name, and libzip checks the
 * central directory, which a streaming reader does not see. A ZIP inside a tar.gz or a .gz is
 * handed to it as a member. Both apply the one limit policy of member.h.
 *
 * libarchive reads through us (pread on the fd, the deadline checked on every block), members
 * are streamed with archive_read_data() and counted as they come out: the member size declared
 * in a header is checked first, the bytes themselves all along. Compression here is per archive
 * (a tar.gz is one gzip stream, a solid 7z block holds many files), so the ratio is what the
 * archive gave over what was read of it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/member.h"
#include "extract/readers.h"

/* One archive being read: libarchive's source, and the archive-wide ratio counters. */
struct arch {
	struct xctx *x;
	int fd;
	uint64_t size;
	uint64_t off;
	uint64_t in;		/* bytes handed to libarchive */
	uint64_t out;		/* bytes its members gave */
	uint8_t *buf;
};

static la_ssize_t a_read(struct archive *a, void *ud, const void **out)
{
	struct arch *ar = ud;
	size_t len = X_BLOCK_BYTES;
	ssize_t n;

	if (x_halted(ar->x)) {
		archive_set_error(a, ECANCELED, "extraction stopped");
		return -1;
	}
	if (ar->off >= ar->size)
		return 0;
	if (len > ar->size - ar->off)
		len = ar->size - ar->off;
	do
		n = pread(ar->fd, ar->buf, len, ar->off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		x_status(ar->x, EXTRACT_IO, "read error: %s", x_errstr(errno));
		archive_set_error(a, errno, "read error");
		return -1;
	}
	ar->off += n;
	ar->in += n;
	*out = ar->buf;
	return n;
}

static la_int64_t a_seek(struct archive *a, void *ud, la_int64_t off, int whence)
{
	struct arch *ar = ud;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)ar->off :
		       (int64_t)ar->size;

	if (off < -base || off > (int64_t)ar->size - base) {
		archive_set_error(a, EINVAL, "seek out of the file");
		return ARCHIVE_FATAL;
	}
	ar->off = base + off;
	return ar->off;
}

static la_int64_t a_skip(struct archive *a, void *ud, la_int64_t req)
{
	struct arch *ar = ud;
	uint64_t left = ar->size - ar->off;
	uint64_t k = req < 0 ? 0 : (uint64_t)req < left ? (uint64_t)req : left;

	ar->off += k;
	return k;
}

/* A member as a stream: archive_read_data(), counted by the limit policy. */
struct astream {
	struct xstream s;
	struct arch *ar;
	struct archive *a;
	struct x_member lim;
};

/* libarchive's message for a failure, as our status: encrypted content says so. */
static void a_error(struct xctx *x, struct archive *a, const char *what, const char *pname)
{
	const char *msg = archive_error_string(a);

	if (x_halted(x))
		return;
	if (!msg)
		msg = "cannot be read";
	if (strstr(msg, "ncrypt") || strstr(msg, "assphrase") || strstr(msg, "assword")) {
		char how[32];

		snprintf(how, sizeof(how), "of a %s", what);
		if (pname)
			x_member_encrypted(x, pname, how);
		else
			x_status(x, EXTRACT_ENCRYPTED,
				 "encrypted: %s archive, a password is needed to read it", what);
	} else if (pname) {
		x_status(x, EXTRACT_CORRUPT, "corrupt: %s member '%s': %s", what, pname, msg);
	} else {
		x_status(x, EXTRACT_CORRUPT, "corrupt: %s: %s", what, msg);
	}
}

static const char *a_what(struct archive *a)
{
	switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_TAR:
		return "tar";
	case ARCHIVE_FORMAT_CPIO:
		return "cpio";
	case ARCHIVE_FORMAT_7ZIP:
		return "7z";
	case ARCHIVE_FORMAT_RAR:
		return "rar";
	case ARCHIVE_FORMAT_RAR_V5:
		return "rar5";
	case ARCHIVE_FORMAT_AR:
		return "ar";
	case ARCHIVE_FORMAT_ISO9660:
		return "iso9660";
	case ARCHIVE_FORMAT_CAB:
		return "cab";
	case ARCHIVE_FORMAT_LHA:
		return "lha";
	case ARCHIVE_FORMAT_XAR:
		return "xar";
	case ARCHIVE_FORMAT_RAW:
		return NULL;
	}
	return "archive";
}

static ssize_t as_read(struct xstream *s, void *buf, size_t len)
{
	struct astream *m = (struct astream *)s;
	struct xctx *x = m->ar->x;
	la_ssize_t n;

	if (x_halted(x))
		return -1;
	n = archive_read_data(m->a, buf, len);
	if (n < 0) {
		const char *what = a_what(m->a);

		/* a compressed stream of one file has no member to name */
		a_error(x, m->a, what ? what : archive_filter_name(m->a, 0),
			what ? m->lim.name : NULL);
		return -1;
	}
	m->ar->out += n;
	if (x_member_account(&m->lim, n))
		return -1;
	return n;
}

/* What libmagic's type calls the archive, for messages when libarchive cannot say. */
static const char *mime_what(const char *mime)
{
	static const struct {
		const char *mime, *what;
	} names[] = {
		{ "application/gzip", "gzip" }, { "application/x-gzip", "gzip" },
		{ "application/x-bzip2", "bzip2" }, { "application/x-xz", "xz" },
		{ "application/zstd", "zstd" }, { "application/x-lzma", "lzma" },
		{ "application/x-lzip", "lzip" }, { "application/x-compress", "compress" },
		{ "application/x-tar", "tar" }, { "application/x-gtar", "tar" },
		{ "application/x-ustar", "tar" }, { "application/x-cpio", "cpio" },
		{ "application/x-7z-compressed", "7z" }, { "application/vnd.rar", "rar" },
		{ "application/x-rar", "rar" }, { "application/x-archive", "ar" },
		{ "application/vnd.ms-cab-compressed", "cab" },
		{ "application/x-iso9660-image", "iso9660" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(mime, names[i].mime))
			return names[i].what;
	return "archive";
}

static struct archive *a_open(struct arch *ar, const char *what)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	/*
	 * Filters one by one: those backed by a library libarchive is linked with. "all" would
	 * also run external programs (lzop, lrzip, grzip) when the library is missing.
	 */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
	/*
	 * Formats one by one rather than all: ZIP goes to libzip (a ZIP in a .gz comes out of the
	 * raw reader and is handed over by content), and mtree would take any text for an archive.
	 * raw, last, bids lowest: a compressed stream of one file.
	 */
	archive_read_support_format_tar(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_raw(a);
	archive_read_set_read_callback(a, a_read);
	archive_read_set_seek_callback(a, a_seek);
	archive_read_set_skip_callback(a, a_skip);
	archive_read_set_callback_data(a, ar);
	if (archive_read_open1(a) != ARCHIVE_OK) {
		a_error(ar->x, a, what, NULL);
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The kind reported for the caller's file: "tar", "7z", "tar+gzip", "gzip" (one file)... */
static void a_kind(struct xctx *x, struct archive *a)
{
	const char *what = a_what(a);
	const char *filter = archive_filter_count(a) > 1 ? archive_filter_name(a, 0) : NULL;

	if (!what && !filter)
		return;	/* nothing more than the detected type said */
	if (what && filter)
		snprintf(x->res->kind, sizeof(x->res->kind), "%s+%s", what, filter);
	else
		snprintf(x->res->kind, sizeof(x->res->kind), "%s",
			 what ? what : filter ? filter : "archive");
}

void x_archive(struct xctx *x, int fd, uint64_t size, unsigned int depth, const char *name,
	       const char *mime)
{
	struct arch ar = { .x = x, .fd = fd, .size = size };
	struct archive_entry *e;
	struct archive *a;
	uint8_t *drain = NULL;
	bool first = true;
	int rc;

	ar.buf = malloc(X_BLOCK_BYTES);
	if (!ar.buf) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	if (!name)
		snprintf(x->res->kind, sizeof(x->res->kind), "%s", mime_what(mime));
	a = a_open(&ar, mime_what(mime));
	if (!a)
		goto out;
	while (!x_halted(x)) {
		struct astream m = { .s.read = as_read, .ar = &ar, .a = a };
		const char *what, *path;

		rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		what = a_what(a);
		if (first && !name)
			a_kind(x, a);
		first = false;
		if (rc < ARCHIVE_WARN) {
			a_error(x, a, what ? what : archive_filter_name(a, 0), NULL);
			break;
		}
		if (!what && archive_filter_count(a) <= 1) {
			/*
			 * Nothing took it: neither a format nor a compression. "Reading" it raw
			 * would hand the same bytes back, typed as the same archive, level after level.
			 */
			x_status(x, EXTRACT_CORRUPT, "corrupt: %s: not a valid archive",
				 mime_what(mime));
			break;
		}
		if (x_member_entries(x, 1))
			break;
		/*
		 * Directories and links hold no data of their own. Anything else is read, an
		 * unknown type too (a RAR 5 entry made on Unix with odd mode bits): data hidden
		 * behind a type nobody checks would be data never read.
		 */
		if (archive_entry_filetype(e) == AE_IFDIR || archive_entry_filetype(e) == AE_IFLNK ||
		    archive_entry_hardlink(e) || archive_entry_symlink(e))
			continue;
		path = archive_entry_pathname_utf8(e);
		if (!path)
			path = archive_entry_pathname(e);
		if (!path)
			path = "";
		x_member_init(&m.lim, x, what ? path : name ? name : "data", 0);
		m.lim.ratio_out = &ar.out;
		m.lim.ratio_in = &ar.in;
		if (what) {
			/* each member is a document of its own, its name its first line */
			x_boundary(x);
			x_emit_sep(x);
			x_emit_bytes(x, (const uint8_t *)path, strlen(path));
			x_emit(x, "\n", 1);
		}
		if (archive_entry_is_encrypted(e)) {
			char how[32];

			snprintf(how, sizeof(how), "of a %s", what ? what : "compressed file");
			x_member_encrypted(x, m.lim.name, how);
			continue;
		}
		if (x_member_declared(&m.lim, archive_entry_size_is_set(e) ?
					      archive_entry_size(e) : -1))
			break;
		x_member_read(x, &m.s, m.lim.name, depth);
		/*
		 * What was not read (a binary member past its head) is read to the end here rather
		 * than skipped by libarchive: in a compressed archive skipping means inflating all
		 * the same, and the bytes must count against the limits like any others.
		 */
		while (!x_halted(x) && (drain || (drain = malloc(X_BLOCK_BYTES))) &&
		       as_read(&m.s, drain, X_BLOCK_BYTES) > 0)
			;
	}
	free(drain);
	archive_read_free(a);
out:
	free(ar.buf);
}
