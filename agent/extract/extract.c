// SPDX-License-Identifier: GPL-2.0
/*
 * Text extraction: the entry point, type detection, limits and the buffered path to the sink.
 * The readers for each format live in extract_*.c; see docs/extraction.md for what each reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extract/extract.h"
#include "extract/internal.h"
#include "lib/utf8.h"

void extract_limits_default(struct extract_limits *lim)
{
	lim->max_file_bytes = 100 * X_MIB;
	lim->max_text_bytes = 64 * X_MIB;
	lim->max_member_bytes = 25 * X_MIB;
	lim->max_entries = 10000;
	lim->max_depth = 8;
	lim->max_ratio = 100;
	lim->max_ms = 30000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Records why extraction is (or will be) short of complete. A limit, the sink and I/O errors end
 * the whole extraction and win over a damaged or unsupported part seen before; otherwise the
 * first reason stays, so the error names the first problem met.
 */
void x_status(struct xctx *x, int status, const char *fmt, ...)
{
	struct extract_result *res = x->res;
	bool fatal = status == EXTRACT_LIMIT || status == EXTRACT_STOPPED || status == EXTRACT_IO;
	va_list ap;

	if (x->stop)
		return;
	if (fatal)
		x->stop = true;
	else if (res->status != EXTRACT_OK)
		return;
	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
}

/* True when extraction must end; checks the clock, so every loop calls it. */
bool x_halted(struct xctx *x)
{
	if (x->stop)
		return true;
	if (now_ns() > x->deadline_ns) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: time over %u ms", x->lim.max_ms);
		return true;
	}
	return false;
}

uint64_t x_ms_left(struct xctx *x)
{
	uint64_t now = now_ns();

	return now >= x->deadline_ns ? 0 : (x->deadline_ns - now) / 1000000ULL;
}

/* strerror() is not thread-safe; the descriptions themselves are constant. */
const char *x_errstr(int err)
{
	const char *s = strerrordesc_np(err);

	return s ? s : "unknown error";
}

static int x_sink(struct xctx *x, const char *s, size_t n)
{
	int rc;

	if (x->sink_done || !n)
		return x->sink_done ? -1 : 0;
	rc = x->sink(x->sink_ctx, s, n);
	if (rc == 0) {
		x->res->text_bytes += n;
		return x_halted(x) ? -1 : 0;
	}
	x->sink_done = true;
	if (rc > 0) {
		x->res->text_bytes += n;
		/* The sink's stop is final whatever was recorded: it asked, it got it. */
		x->stop = false;
		x->res->status = EXTRACT_OK;
		x_status(x, EXTRACT_STOPPED, "%s", "");
	} else {
		x->stop = false;
		x->res->status = EXTRACT_OK;
		x_status(x, EXTRACT_IO, "sink failed: %s", x_errstr(-rc));
	}
	return -1;
}

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t n, size_t want)
{
	if (want >= n)
		return n;
	while (want > 0 && ((unsigned char)s[want] & 0xc0) == 0x80)
		want--;
	return want;
}

/*
 * Queue valid UTF-8 for the sink. Enforces the text limit (text up to the limit is still given
 * to the sink) and never splits a character between two sink calls.
 * Return: 0, or -1 when extraction must stop.
 */
int x_emit(struct xctx *x, const char *s, size_t n)
{
	uint64_t room;
	bool over = false;

	if (x->stop)
		return -1;
	if (!n)
		return 0;
	room = x->lim.max_text_bytes - x->emitted;
	if (n > room) {
		n = utf8_cut(s, n, room);
		over = true;
	}
	x->emitted += n;
	if (n)
		x->last = s[n - 1];
	/* Big runs go to the sink as they are: no copy. */
	if (n >= X_OUT_BYTES) {
		if (x->out_len && x_sink(x, x->out, x->out_len))
			return -1;
		x->out_len = 0;
		if (x_sink(x, s, n))
			return -1;
		n = 0;
	}
	while (n) {
		size_t k = utf8_cut(s, n, X_OUT_BYTES - x->out_len);

		if (!k) {
			if (x_sink(x, x->out, x->out_len))
				return -1;
			x->out_len = 0;
			continue;
		}
		memcpy(x->out + x->out_len, s, k);
		x->out_len += k;
		s += k;
		n -= k;
	}
	if (over) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: text over %llu bytes",
			 (unsigned long long)x->lim.max_text_bytes);
		return -1;
	}
	return 0;
}

/* A boundary between document parts: one '\n', never a run of them. */
int x_emit_sep(struct xctx *x)
{
	if (!x->emitted || x->last == '\n')
		return x->stop ? -1 : 0;
	return x_emit(x, "\n", 1);
}

void x_boundary(struct xctx *x)
{
	if (!x->boundary || x->stop || x->sink_done || x->emitted == x->emitted_at_boundary)
		return;
	x_flush(x);
	if (x->sink_done)
		return;
	x->boundary(x->sink_ctx);
	x->emitted_at_boundary = x->emitted;
	x->last = '\n';	/* the next document starts on a line of its own */
}

/* Hand what is queued to the sink, unless the sink itself asked to stop or failed. */
void x_flush(struct xctx *x)
{
	if (x->out_len && !x->sink_done)
		x_sink(x, x->out, x->out_len);
	x->out_len = 0;
}

/*
 * Copy a member name into an error message: control characters and quotes replaced, invalid
 * UTF-8 replaced, long names shortened in the middle so both ends stay readable.
 */
void x_printable_name(char *dst, size_t size, const char *name)
{
	const size_t keep = 40;
	size_t n = strlen(name), o = 0, i = 0;
	bool cut = false;

	if (!size)
		return;
	while (i < n && o + 8 < size) {
		unsigned char c = name[i];
		size_t len;

		if (!cut && n > 2 * keep + 3 && i >= keep) {
			memcpy(dst + o, "...", 3);
			o += 3;
			i = n - keep;
			while (i < n && ((unsigned char)name[i] & 0xc0) == 0x80)
				i++;
			cut = true;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '\'') {
			dst[o++] = '?';
			i++;
			continue;
		}
		len = utf8_seq_len((const uint8_t *)name + i, n - i);
		if (!len) {
			dst[o++] = '?';
			i++;
			continue;
		}
		memcpy(dst + o, name + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
}

/* libmagic handles are not thread-safe: one per thread, opened on first use, closed at exit. */
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_key_t magic_key;
static __thread magic_t tl_magic;
static __thread bool tl_magic_failed;

static void magic_destroy(void *m)
{
	magic_close(m);
}

static void magic_key_init(void)
{
	pthread_key_create(&magic_key, magic_destroy);
}

static magic_t thread_magic(void)
{
	magic_t m;

	if (tl_magic || tl_magic_failed)
		return tl_magic;
	pthread_once(&magic_once, magic_key_init);
	/* No decompression: a gzip is reported as gzip, not as what it holds. */
	m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ENCODING);
	if (m && magic_load(m, NULL)) {
		magic_close(m);
		m = NULL;
	}
	if (!m) {
		/* Detection falls back to our own checks; not worth failing every file for. */
		tl_magic_failed = true;
		return NULL;
	}
	tl_magic = m;
	pthread_setspecific(magic_key, m);
	return m;
}

static bool starts(const uint8_t *p, size_t len, const void *magic, size_t mlen)
{
	return len >= mlen && !memcmp(p, magic, mlen);
}

/*
 * Biometric records by their ISO/IEC 19794 and ANSI INCITS format identifiers: a 4-byte magic
 * then a version "NNN\0" (" 20\0", "030\0"...), which keeps random data from matching.
 */
static const char *biometric_mime(const uint8_t *p, size_t len)
{
	static const struct {
		char magic[4];
		const char *mime;
	} recs[] = {
		{ "FMR", "application/x-fingerprint-template" },	/* 19794-2, ANSI-378 */
		{ "FIR", "application/x-fingerprint-image" },		/* 19794-4, ANSI-381 */
		{ "FAC", "application/x-face-image-record" },		/* 19794-5 */
		{ "IIR", "application/x-iris-image-record" },		/* 19794-6 */
		{ "VIR", "application/x-vein-image-record" },		/* 19794-9 */
	};
	size_t i, j;

	if (len >= 8) {
		for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
			if (memcmp(p, recs[i].magic, 4))
				continue;
			for (j = 4; j < 7; j++)
				if (p[j] != ' ' && (p[j] < '0' || p[j] > '9'))
					break;
			if (j == 7 && p[7] == '\0')
				return recs[i].mime;
		}
	}
	/* WSQ, the FBI's fingerprint image compression: SOI then a table or frame marker. */
	if (len >= 4 && p[0] == 0xff && p[1] == 0xa0 && p[2] == 0xff &&
	    (p[3] == 0xa4 || p[3] == 0xa5 || p[3] == 0xa6 || p[3] == 0xa8))
		return "image/x-wsq";
	return NULL;
}

/*
 * A JPEG's size, from its frame header (SOFn), walking the markers before it in @p. False when
 * the frame header is not within @n bytes.
 */
static bool jpeg_size(const uint8_t *p, size_t n, unsigned int *w, unsigned int *h)
{
	size_t i = 2;

	if (n < 4 || p[0] != 0xff || p[1] != 0xd8)
		return false;
	while (i + 4 <= n) {
		uint8_t m = p[i + 1];
		size_t len;

		if (p[i] != 0xff)
			return false;
		if (m == 0xff) { /* fill */
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { /* no length */
			i += 2;
			continue;
		}
		len = (size_t)p[i + 2] << 8 | p[i + 3];
		if (len < 2)
			return false;
		/* SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc) */
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			if (i + 9 > n || len < 7)
				return false;
			*h = (unsigned int)p[i + 5] << 8 | p[i + 6];
			*w = (unsigned int)p[i + 7] << 8 | p[i + 8];
			return *w && *h;
		}
		if (m == 0xda || m == 0xd9) /* scan data or the end before any frame header */
			return false;
		i += 2 + len;
	}
	return false;
}

void x_picture(struct xctx *x, const struct x_type *t, const uint8_t *head, size_t len)
{
	struct extract_result *r = x->res;
	unsigned int w, h;
	char desc[48];

	if (t->cls == XC_BIOMETRIC) {
		if (!r->templates++)
			snprintf(r->template_mime, sizeof(r->template_mime), "%s", t->mime);
		if (x->picture)
			x->picture(x->sink_ctx, EXTRACT_BIOMETRIC_RECORD, t->mime);
		return;
	}
	/*
	 * A photo of a person (an ID or personnel-file photo: 3x4, square at most) rather than a
	 * logo, a banner or a chart: those are PNG, EMF or wide. Not a judgement on the picture.
	 */
	if (t->cls != XC_IMAGE || strcmp(t->mime, "image/jpeg") || !jpeg_size(head, len, &w, &h))
		return;
	if (w < 100 || h < 100 || (uint64_t)h * 10 < (uint64_t)w * 9)
		return;
	snprintf(desc, sizeof(desc), "image/jpeg %ux%u", w, h);
	x_photo(x, desc);
}

void x_photo(struct xctx *x, const char *desc)
{
	if (!x->res->photos++)
		snprintf(x->res->photo, sizeof(x->res->photo), "%s", desc);
	if (x->picture)
		x->picture(x->sink_ctx, EXTRACT_PHOTO, desc);
}

static bool mime_is_text(const char *m)
{
	static const char *const texts[] = {
		"application/json", "application/xml", "application/javascript",
		"application/x-ndjson", "application/csv", "application/x-subrip",
		"application/x-wine-extension-ini", "application/x-setupscript",
		"application/sql", "application/x-sh", "application/x-php",
		"message/rfc822", "message/news", "application/mbox", "image/svg+xml",
	};
	size_t i;

	if (!strncmp(m, "text/", 5))
		return true;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(m, texts[i]))
			return true;
	return false;
}

static bool mime_is_archive(const char *m)
{
	static const char *const archives[] = {
		"application/x-tar", "application/gzip", "application/x-gzip",
		"application/x-bzip2", "application/x-xz", "application/x-7z-compressed",
		"application/vnd.rar", "application/x-rar", "application/zstd",
		"application/x-lzma", "application/x-lzip", "application/x-cpio",
		"application/x-archive", "application/vnd.ms-cab-compressed",
		"application/x-iso9660-image", "application/x-compress",
	};
	size_t i;

	for (i = 0; i < sizeof(archives) / sizeof(archives[0]); i++)
		if (!strcmp(m, archives[i]))
			return true;
	return false;
}

/*
 * No control characters at all in the head: text, whatever libmagic guesses. Its weaker rules
 * take text for binaries: CP1251 or KOI8-R starting with 0xe9 ("Й", "И") is a "DOS executable
 * (COM)" to it, being a JMP opcode. Real binaries have control bytes in their first KiB.
 */
static bool looks_text(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f' &&
		     p[i] != '\v' && p[i] != 0x1b) || p[i] == 0x7f)
			return false;
	return true;
}

/* A finer name for text than text/plain, where the first bytes say it for sure. */
static const char *text_subtype(const uint8_t *p, size_t len)
{
	size_t i = 0;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		i = 3;
	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	if (len - i >= 5 && !memcmp(p + i, "<?xml", 5))
		return "text/xml";
	if ((len - i >= 14 && !strncasecmp((const char *)p + i, "<!doctype html", 14)) ||
	    (len - i >= 5 && !strncasecmp((const char *)p + i, "<html", 5)))
		return "text/html";
	if (len - i >= 5 && !memcmp(p + i, "{\\rtf", 5))
		return "text/rtf";
	return "text/plain";
}

static void set_mime(struct x_type *t, const char *mime)
{
	snprintf(t->mime, sizeof(t->mime), "%s", mime);
}

/* Decide what some bytes are from their start. Our own checks first, where libmagic is vague. */
void x_detect(const uint8_t *head, size_t len, struct x_type *t)
{
	static const uint8_t ole[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	const char *bio, *m = NULL;
	magic_t mg;
	size_t i;

	memset(t, 0, sizeof(*t));
	if (!len) {
		t->cls = XC_EMPTY;
		set_mime(t, "application/x-empty");
		return;
	}
	bio = biometric_mime(head, len);
	if (bio) {
		t->cls = XC_BIOMETRIC;
		set_mime(t, bio);
		return;
	}
	if (starts(head, len, "PK\3\4", 4) || starts(head, len, "PK\5\6", 4) ||
	    starts(head, len, "PK\7\x08PK\3\4", 8)) {
		mg = thread_magic();
		m = mg ? magic_buffer(mg, head, len) : NULL;
		t->cls = XC_ZIP;
		set_mime(t, m && (strstr(m, "zip") || strstr(m, "opendocument") ||
				  strstr(m, "openxmlformats")) ? m : "application/zip");
		return;
	}
	/* PDF readers accept junk before the header; so does poppler. */
	for (i = 0; i + 5 <= len && i < 1024; i++) {
		if (head[i] == '%' && !memcmp(head + i, "%PDF-", 5)) {
			t->cls = XC_PDF;
			set_mime(t, "application/pdf");
			return;
		}
	}
	/*
	 * Most files on a share are text, and libmagic's hundreds of tests (regexes among them)
	 * cost more than classifying a small file: text is settled here without it.
	 */
	if (looks_text(head, len)) {
		t->cls = XC_TEXT;
		x_text_detect(head, len, t);
		set_mime(t, text_subtype(head, len));
		/*
		 * RTF spells Cyrillic as \'cf or \u1055 escapes: read as text, the words are lost
		 * (only digits survive). catdoc decodes it, with its code page; without catdoc it
		 * is still read as text.
		 */
		if (!strcmp(t->mime, "text/rtf") && x_legacy_available(t->mime))
			t->cls = XC_OLE;
		return;
	}
	mg = thread_magic();
	if (mg)
		m = magic_buffer(mg, head, len);
	if (!m)
		m = "application/octet-stream";
	if (starts(head, len, ole, sizeof(ole))) {
		t->cls = XC_OLE;
		set_mime(t, m);
		return;
	}
	set_mime(t, m);
	if (mime_is_text(m) || !strcmp(m, "application/octet-stream")) {
		if (!strcmp(m, "application/octet-stream") && !x_looks_utf16(head, len, &t->enc)) {
			t->cls = XC_BINARY;
			return;
		}
		t->cls = XC_TEXT;
		x_text_detect(head, len, t);
		if (!strcmp(m, "application/octet-stream"))
			set_mime(t, "text/plain");
		return;
	}
	if (!strncmp(m, "image/", 6)) {
		t->cls = XC_IMAGE;
		return;
	}
	if (mime_is_archive(m)) {
		t->cls = XC_ARCHIVE;
		return;
	}
	t->cls = XC_BINARY;
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
void x_extract_seekable(struct xctx *x, int fd, uint64_t size, unsigned int depth,
			const char *name)
{
	bool top = !name;
	uint8_t *head;
	struct x_type t;
	ssize_t n;
	char pname[128];

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
		if (t.cls != XC_TEXT && size > x->lim.max_file_bytes) {
			/* Containers and PDF need the whole file: refuse rather than misread. */
			x_status(x, EXTRACT_LIMIT, "limit exceeded: file size %llu > %llu bytes",
				 (unsigned long long)size,
				 (unsigned long long)x->lim.max_file_bytes);
			return;
		}
	}
	x_printable_name(pname, sizeof(pname), name ? name : "");

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
		if (top)
			x_status(x, EXTRACT_UNSUPPORTED,
				 "unsupported: archive type %s is not opened", t.mime);
		else
			x_status(x, EXTRACT_UNSUPPORTED,
				 "unsupported: archive type %s is not opened (member '%s')", t.mime,
				 pname);
		break;
	case XC_BIOMETRIC:
		x_picture(x, &t, NULL, 0); /* a record: its type is all that is needed */
		break;
	case XC_EMPTY:
	case XC_IMAGE:
	case XC_BINARY:
		/* No text to read: the mime says what it is, the classifier decides. */
		break;
	}
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
#undef X_DEFAULT
	x->sink = sink;
	x->boundary = boundary;
	x->picture = picture;
	x->sink_ctx = ctx;
	x->res = res;
	x->deadline_ns = now_ns() + (uint64_t)x->lim.max_ms * 1000000ULL;

	x_extract_seekable(x, fd, st.st_size, 1, NULL);
	x_flush(x);
	free(x);
	return 0;
}
