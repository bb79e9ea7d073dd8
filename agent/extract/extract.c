// SPDX-License-Identifier: GPL-2.0
/*
 * Text extraction's entry point: the dispatcher. It detects what a file is and hands it to the
 * reader for its format (readers.h); the readers hand text to the sink (sink.h). Arrows go one
 * way: dispatcher -> readers -> sink. See docs/extraction.md for what each reader reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract/detect.h"
#include "extract/extract.h"
#include "extract/readers.h"
#include "extract/sink.h"

void extract_limits_default(struct extract_limits *lim)
{
	lim->max_file_bytes = 100 * X_MIB;
	lim->max_text_bytes = 64 * X_MIB;
	lim->max_member_bytes = 25 * X_MIB;
	lim->max_entries = 10000;
	lim->max_depth = 8;
	lim->max_ratio = 100;
	lim->max_ms = 30000;
	lim->max_total_bytes = 1024 * X_MIB;
	lim->max_reader_mib = 256;
}

static const char *class_kind(enum x_class cls)
{
	switch (cls) {
	case XC_EMPTY:
		return "empty";
	case XC_TEXT:
		return "text";
	case XC_ZIP:
		return "zip";
	case XC_PDF:
		return "pdf";
	case XC_OLE:
		return "ole";
	case XC_BIOMETRIC:
		return "biometric";
	case XC_IMAGE:
		return "image";
	case XC_ARCHIVE:
		return "archive";
	case XC_BINARY:
		break;
	}
	return "binary";
}

struct fd_stream {
	struct xstream s;
	struct xctx *x;
	int fd;
	uint64_t off;
	uint64_t end;		/* where reading stops: the size, or the file limit */
	bool cut;		/* the file is bigger than the limit */
};

static ssize_t fd_read(struct xstream *s, void *buf, size_t len)
{
	struct fd_stream *fs = (struct fd_stream *)s;
	struct xctx *x = fs->x;
	ssize_t n;

	if (x_halted(x))
		return -1;
	if (fs->off >= fs->end) {
		if (fs->cut) {
			x_status(x, EXTRACT_LIMIT, "limit exceeded: file size %llu > %llu bytes",
				 (unsigned long long)x->res->bytes,
				 (unsigned long long)x->lim.max_file_bytes);
			return -1;
		}
		return 0;
	}
	if (len > fs->end - fs->off)
		len = fs->end - fs->off;
	do
		n = pread(fs->fd, buf, len, fs->off);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		x_status(x, EXTRACT_IO, "read error: %s", x_errstr(errno));
		return -1;
	}
	fs->off += n;
	if (fs->off > x->file_read)
		x->file_read = fs->off;
	return n;
}

static ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, (char *)buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			break;
		got += n;
	}
	return got;
}

/*
 * Extract a seekable file: the caller's (depth 1, name NULL) or a spooled archive member (name
 * set). Only the caller's file sets the result's mime and kind.
 */
static void x_extract_seekable(struct xctx *x, int fd, uint64_t size, unsigned int depth,
			       const char *name)
{
	bool top = !name;
	uint8_t *head;
	struct x_type t;
	ssize_t n;

	if (x_halted(x))
		return;
	head = malloc(X_HEAD_BYTES);
	if (!head) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	n = pread_full(fd, head, size < X_HEAD_BYTES ? size : X_HEAD_BYTES, 0);
	if (n < 0) {
		x_status(x, EXTRACT_IO, "read error: %s", x_errstr(-n));
		free(head);
		return;
	}
	x_detect(head, n, &t);
	free(head);
	if (top) {
		snprintf(x->res->mime, sizeof(x->res->mime), "%s", t.mime);
		snprintf(x->res->kind, sizeof(x->res->kind), "%s", class_kind(t.cls));
		if (t.cls != XC_TEXT && t.cls != XC_BINARY && size > x->lim.max_file_bytes) {
			/* Containers and PDF need the whole file: refuse rather than misread. */
			x_status(x, EXTRACT_LIMIT, "limit exceeded: file size %llu > %llu bytes",
				 (unsigned long long)size,
				 (unsigned long long)x->lim.max_file_bytes);
			return;
		}
	}

	switch (t.cls) {
	case XC_TEXT: {
		struct fd_stream fs = {
			.s.read = fd_read, .x = x, .fd = fd, .end = size,
		};

		if (top && size > x->lim.max_file_bytes) {
			fs.end = x->lim.max_file_bytes;
			fs.cut = true;
		}
		x_text_stream(x, &fs.s, &t);
		break;
	}
	case XC_ZIP:
		x_zip(x, fd, size, depth, top);
		break;
	case XC_PDF:
		x_pdf(x, fd, size, name);
		break;
	case XC_OLE:
		x_legacy(x, fd, &t, name, top);
		break;
	case XC_ARCHIVE:
		x_archive(x, fd, size, depth, name, t.mime);
		break;
	case XC_BIOMETRIC:
		x_picture(x, &t, NULL, 0); /* a record: its type is all that is needed */
		break;
	case XC_BINARY: {
		/*
		 * A binary or a format we do not parse: text may still hide in it (after a NUL
		 * byte, in a database, in a program's data), so its printable runs are read.
		 */
		struct fd_stream fs = {
			.s.read = fd_read, .x = x, .fd = fd, .end = size,
		};

		if (size > x->lim.max_file_bytes) {
			fs.end = x->lim.max_file_bytes;
			fs.cut = true;
		}
		x_strings_stream(x, &fs.s);
		if (!strcmp(t.mime, "application/vnd.sqlite3") ||
		    !strcmp(t.mime, "application/x-sqlite3")) {
			char pname[128];

			/* text columns are in the runs; numbers (an IIN as INTEGER) are not */
			x_printable_name(pname, sizeof(pname), name ? name : "");
			x_status(x, EXTRACT_UNSUPPORTED,
				 "unsupported: SQLite database%s%s%s: only its text is read, not "
				 "its numbers", name ? " (member '" : "", name ? pname : "",
				 name ? "')" : "");
		}
		break;
	}
	case XC_EMPTY:
	case XC_IMAGE:
		/* No text to read: the mime says what it is, the classifier decides. */
		break;
	}
}

int extract_unread_reason(const struct extract_result *res)
{
	switch (res->status) {
	case EXTRACT_OK:
	case EXTRACT_STOPPED:
		return EXTRACT_READ_ALL;
	case EXTRACT_ENCRYPTED:
		return EXTRACT_UNREAD_ENCRYPTED;
	case EXTRACT_UNSUPPORTED:
		return EXTRACT_UNREAD_UNSUPPORTED;
	case EXTRACT_LIMIT:
		return EXTRACT_UNREAD_LIMIT;
	default:
		return EXTRACT_UNREAD_FAILED;
	}
}

const char *extract_unread_name(int unread)
{
	static const char *const names[] = {
		[EXTRACT_READ_ALL] = "",
		[EXTRACT_UNREAD_ENCRYPTED] = "encrypted",
		[EXTRACT_UNREAD_UNSUPPORTED] = "unsupported",
		[EXTRACT_UNREAD_LIMIT] = "limit",
		[EXTRACT_UNREAD_FAILED] = "failed",
	};

	if (unread < 0 || unread > EXTRACT_UNREAD_FAILED)
		return "failed";
	return names[unread];
}

int extract_fd(int fd, const struct extract_limits *lim, extract_sink_fn sink, void *ctx,
	       struct extract_result *res)
{
	return extract_fd_docs(fd, lim, sink, NULL, NULL, ctx, res);
}

int extract_fd_docs(int fd, const struct extract_limits *lim, extract_sink_fn sink,
		    extract_boundary_fn boundary, extract_picture_fn picture, void *ctx,
		    struct extract_result *res)
{
	struct extract_limits def;
	struct xctx *x;
	struct stat st;

	if (!res)
		return -EINVAL;
	memset(res, 0, sizeof(*res));
	if (fd < 0 || !sink) {
		res->status = EXTRACT_IO;
		snprintf(res->error, sizeof(res->error), "invalid argument");
		return -EINVAL;
	}
	if (fstat(fd, &st)) {
		int err = errno;

		res->status = EXTRACT_IO;
		snprintf(res->error, sizeof(res->error), "cannot stat: %s", x_errstr(err));
		return -err;
	}
	if (!S_ISREG(st.st_mode)) {
		/* A FIFO or device could block or never end: only regular files are read. */
		res->status = EXTRACT_UNSUPPORTED;
		snprintf(res->error, sizeof(res->error), "unsupported: not a regular file");
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	res->bytes = st.st_size;

	/* Not on the stack: scanning threads may have small stacks and this holds the buffer. */
	x = calloc(1, sizeof(*x));
	if (!x) {
		res->status = EXTRACT_IO;
		snprintf(res->error, sizeof(res->error), "out of memory");
		return -ENOMEM;
	}
	extract_limits_default(&def);
	x->lim = lim ? *lim : def;
#define X_DEFAULT(f) do { if (!x->lim.f) x->lim.f = def.f; } while (0)
	X_DEFAULT(max_file_bytes);
	X_DEFAULT(max_text_bytes);
	X_DEFAULT(max_member_bytes);
	X_DEFAULT(max_entries);
	X_DEFAULT(max_depth);
	X_DEFAULT(max_ratio);
	X_DEFAULT(max_ms);
	X_DEFAULT(max_total_bytes);
	X_DEFAULT(max_reader_mib);
#undef X_DEFAULT
	x->sink = sink;
	x->boundary = boundary;
	x->picture = picture;
	x->sink_ctx = ctx;
	x->res = res;
	x->nested = x_extract_seekable;
	x->deadline_ns = x_now_ns() + (uint64_t)x->lim.max_ms * 1000000ULL;

	x_extract_seekable(x, fd, st.st_size, 1, NULL);
	x_flush(x);
	free(x);
	return 0;
}
