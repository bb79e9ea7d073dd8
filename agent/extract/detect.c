// SPDX-License-Identifier: GPL-2.0
/*
 * What some bytes are (detect.h): libmagic's answer, corrected by our own sniffing where it is
 * too coarse (text encodings, biometric records, photos), for the caller's file and for every
 * archive member alike.
 */
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/detect.h"
#include "extract/encoding.h"
#include "extract/readers.h"

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
		"application/x-tar", "application/x-gtar", "application/x-ustar",
		"application/gzip", "application/x-gzip",
		"application/x-bzip2", "application/x-xz", "application/x-7z-compressed",
		"application/vnd.rar", "application/x-rar", "application/zstd",
		"application/x-lzma", "application/x-lzip", "application/x-cpio",
		"application/x-archive", "application/vnd.ms-cab-compressed",
		"application/x-iso9660-image", "application/x-compress", "application/x-lz4",
		"application/x-lzh-compressed", "application/x-xar",
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
	/* pictures, sound and video hold no text we can read (no OCR, no speech) */
	if (!strncmp(m, "image/", 6) || !strncmp(m, "video/", 6) || !strncmp(m, "audio/", 6)) {
		t->cls = XC_IMAGE;
		return;
	}
	if (mime_is_archive(m)) {
		t->cls = XC_ARCHIVE;
		return;
	}
	t->cls = XC_BINARY;
}
