/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sink side of extraction: what every reader calls. Not part of the agent's API (that is
 * extract.h); the readers' entry points are in readers.h, type detection in detect.h.
 *
 * One struct xctx lives for one extract_fd() call. Readers produce text with x_emit(), which
 * buffers it, enforces the text limit and calls the sink. Any reader that hits a problem records
 * it with x_status(); statuses that end the whole extraction (a limit, the sink, an I/O error)
 * also set x->stop, which every loop checks through x_halted().
 */
#ifndef PDGUARD_EXTRACT_SINK_H
#define PDGUARD_EXTRACT_SINK_H

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
	XC_ARCHIVE,	/* tar, cpio, 7z, rar..., gzip, xz...: read through libarchive */
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
	uint64_t inflated;		/* uncompressed member bytes, all levels */
	bool stop;			/* stop everything: see x_status() */
	bool sink_done;			/* the sink stopped or failed: never call it again */
	char last;			/* last byte emitted, to avoid runs of separators */
	/* the dispatcher, for a member spooled to a file of its own: see x_nested() */
	void (*nested)(struct xctx *x, int fd, uint64_t size, unsigned int depth,
		       const char *name);
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

/* CLOCK_MONOTONIC in nanoseconds: the deadline's clock. */
uint64_t x_now_ns(void);
void x_status(struct xctx *x, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool x_halted(struct xctx *x);
uint64_t x_ms_left(struct xctx *x);
const char *x_errstr(int err);

int x_emit(struct xctx *x, const char *s, size_t n);
int x_emit_sep(struct xctx *x);
/* Valid UTF-8 in which runs of NUL bytes become one separator. */
int x_emit_text(struct xctx *x, const char *s, size_t n);
/* Bytes that should be UTF-8: what is not becomes U+FFFD. */
int x_emit_bytes(struct xctx *x, const uint8_t *s, size_t n);
/* A number as a person reads it (900101300007 for "9.00101300007E+11"). */
int x_emit_number(struct xctx *x, const char *s, size_t n);
/* The text that follows is another document (archive members): see extract_boundary_fn. */
void x_boundary(struct xctx *x);
void x_flush(struct xctx *x);

/* A photo of a person, described by @desc ("image/jpeg 354x472"). */
void x_photo(struct xctx *x, const char *desc);
/* A member spooled to @fd, read as a file of its own at @depth. */
void x_nested(struct xctx *x, int fd, uint64_t size, unsigned int depth, const char *name);
void x_printable_name(char *dst, size_t size, const char *name);

#endif /* PDGUARD_EXTRACT_SINK_H */
