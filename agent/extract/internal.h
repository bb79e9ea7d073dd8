/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the extract_*.c readers; not part of the agent's API (that is extract.h).
 *
 * One struct xctx lives for one extract_fd() call. Readers produce text with x_emit(), which
 * buffers it, enforces the text limit and calls the sink. Any reader that hits a problem records
 * it with x_status(); statuses that end the whole extraction (a limit, the sink, an I/O error)
 * also set x->stop, which every loop checks through x_halted().
 */
#ifndef PDGUARD_EXTRACT_INTERNAL_H
#define PDGUARD_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "extract/extract.h"

#define X_MIB			(1024ULL * 1024ULL)
/* Bytes of a file or member given to type detection. */
#define X_HEAD_BYTES		(64 * 1024)
/* Block size for streaming reads: big enough for throughput, small enough for memory. */
#define X_BLOCK_BYTES		(64 * 1024)
/* Text is handed to the sink in chunks of at most this size (except zero-copy blocks). */
#define X_OUT_BYTES		(64 * 1024)

/* The coarse class of some bytes, from their first bytes. */
enum x_class {
	XC_EMPTY,
	XC_TEXT,
	XC_ZIP,
	XC_PDF,
	XC_OLE,		/* read by catdoc: Compound File Binary (legacy Office, encrypted OOXML), RTF */
	XC_BIOMETRIC,
	XC_IMAGE,
	XC_ARCHIVE,	/* an archive or compressed stream we do not open */
	XC_BINARY,
};

/* Text encodings the text reader converts from. */
enum x_enc {
	XE_UTF8,
	XE_UTF16LE,
	XE_UTF16BE,
	XE_CP1251,
	XE_KOI8R,
	XE_CP866,
	XE_RK1048,	/* KZ-1048, Kazakh Windows */
};

struct x_type {
	enum x_class cls;
	enum x_enc enc;		/* XC_TEXT only */
	size_t skip;		/* XC_TEXT: bytes of byte-order mark to drop */
	char mime[128];
};

struct xctx {
	struct extract_limits lim;
	extract_sink_fn sink;
	extract_boundary_fn boundary;	/* NULL: one document */
	extract_picture_fn picture;	/* NULL: not told */
	void *sink_ctx;
	uint64_t emitted_at_boundary;	/* x->emitted at the last boundary */
	struct extract_result *res;
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC */
	uint64_t file_read;		/* bytes read from the caller's fd */
	uint64_t emitted;		/* text bytes accepted for the sink */
	uint32_t entries;		/* archive members looked at, all levels */
	bool stop;			/* stop everything: see x_status() */
	bool sink_done;			/* the sink stopped or failed: never call it again */
	char last;			/* last byte emitted, to avoid runs of separators */
	size_t out_len;
	char out[X_OUT_BYTES];
};

/*
 * A source of bytes read front to back: the caller's file, or an archive member being inflated.
 * read() returns bytes read, 0 at the end, or -1 when extraction must stop (status recorded).
 */
struct xstream {
	ssize_t (*read)(struct xstream *s, void *buf, size_t len);
};

/* extract.c */
/* A picture or a biometric record found (@t from x_detect(); @head, its first bytes). */
void x_picture(struct xctx *x, const struct x_type *t, const uint8_t *head, size_t len);
/* A photo of a person, described by @desc ("image/jpeg 354x472"). */
void x_photo(struct xctx *x, const char *desc);
void x_status(struct xctx *x, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool x_halted(struct xctx *x);
uint64_t x_ms_left(struct xctx *x);
const char *x_errstr(int err);
int x_emit(struct xctx *x, const char *s, size_t n);
int x_emit_sep(struct xctx *x);
/* The text that follows is another document (archive members): see extract_boundary_fn. */
void x_boundary(struct xctx *x);
void x_flush(struct xctx *x);
void x_detect(const uint8_t *head, size_t len, struct x_type *t);
void x_extract_seekable(struct xctx *x, int fd, uint64_t size, unsigned int depth,
			const char *name);
void x_printable_name(char *dst, size_t size, const char *name);

/* extract/text.c */
void x_text_detect(const uint8_t *head, size_t len, struct x_type *t);
bool x_looks_utf16(const uint8_t *head, size_t len, enum x_enc *enc);
void x_text_stream(struct xctx *x, struct xstream *s, const struct x_type *t);
int x_emit_bytes(struct xctx *x, const uint8_t *s, size_t n);
int x_emit_text(struct xctx *x, const char *s, size_t n);
int x_emit_single_byte(struct xctx *x, enum x_enc enc, const uint8_t *s, size_t n);
size_t x_utf8_valid_len(const uint8_t *s, size_t n);
/* Tests: 2 AVX2, 1 SSE2, 0 no vector fast path, -1 the best this CPU has (the default). */
void x_utf8_set_simd(int level);
size_t x_single_byte_to_utf8(enum x_enc enc, const uint8_t *s, size_t n, char *out);

/* extract/zip.c */
void x_zip(struct xctx *x, int fd, uint64_t size, unsigned int depth, bool top);

/* extract/xml.c */
enum x_xml_profile {
	XP_DOCX,
	XP_XLSX_STRINGS,
	XP_XLSX_SHEET,
	XP_PPTX,
	XP_ODF,
};
struct x_xml;
struct x_xml *x_xml_new(struct xctx *x, enum x_xml_profile profile, const char *member);
int x_xml_feed(struct x_xml *p, const char *buf, size_t len, bool last);
void x_xml_free(struct x_xml *p);
int x_emit_number(struct xctx *x, const char *s, size_t n);

/* extract/pdf.c */
void x_pdf(struct xctx *x, int fd, uint64_t size, const char *name);

/* extract/legacy.c */
void x_legacy(struct xctx *x, int fd, const struct x_type *t, const char *name, bool top);
/* Whether the catdoc tool for @mime is installed. */
bool x_legacy_available(const char *mime);

#endif /* PDGUARD_EXTRACT_INTERNAL_H */
