/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text extraction: turn a file of any supported type into a stream of UTF-8 text.
 *
 * The type is decided by content (libmagic and container inspection), never by the file name.
 * Text is pushed to a sink in chunks as it is produced, so memory stays bounded whatever the
 * file's size. Every limit is hard: hitting one stops extraction and reports it, so a file that
 * could not be read whole is never taken for clean.
 */
#ifndef PDGUARD_EXTRACT_H
#define PDGUARD_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * struct extract_limits - hard limits for one file (0 in a field means "use the default")
 * @max_file_bytes: bytes read from the file itself
 * @max_text_bytes: UTF-8 text produced for the sink
 * @max_member_bytes: uncompressed bytes of one archive member
 * @max_entries: archive members looked at, all levels together
 * @max_depth: archive nesting (a ZIP in a ZIP is depth 2)
 * @max_ratio: uncompressed/compressed ratio allowed for a member past its first MiB
 * @max_ms: wall-clock time for the file, extraction and the sink's work together
 * @max_total_bytes: uncompressed bytes of all archive members together, all levels
 * @max_reader_mib: address space, in MiB, a sandboxed library reader (PDF) may add to what it
 *                  inherits; its CPU time is bounded by @max_ms
 */
struct extract_limits {
	uint64_t max_file_bytes;
	uint64_t max_text_bytes;
	uint64_t max_member_bytes;
	uint32_t max_entries;
	uint32_t max_depth;
	uint32_t max_ratio;
	uint32_t max_ms;
	uint64_t max_total_bytes;
	uint32_t max_reader_mib;
};

/**
 * typedef extract_sink_fn - receives text
 * @ctx: the caller's context
 * @text: UTF-8 (invalid input sequences already replaced), not NUL-terminated
 * @len: bytes in @text
 *
 * Boundaries between document parts (cells, paragraphs, archive members) arrive as '\n', so a
 * pattern never matches across two cells. A chunk may end in the middle of a line; the sink keeps
 * its own overlap. Return 0 to go on, 1 to stop early without error (the caller has seen
 * enough), or a -errno to abort.
 */
typedef int (*extract_sink_fn)(void *ctx, const char *text, size_t len);

/* Why extraction stopped short; EXTRACT_OK means the whole file was read. */
enum extract_status {
	EXTRACT_OK = 0,
	EXTRACT_STOPPED,	/* the sink asked to stop */
	EXTRACT_LIMIT,		/* a limit was hit: the result is incomplete */
	EXTRACT_CORRUPT,	/* the content is damaged or not what its type says */
	EXTRACT_UNSUPPORTED,	/* a type we do not read (the file is still reported) */
	EXTRACT_IO,		/* read error */
	EXTRACT_ENCRYPTED,	/* (a part of) the file needs a password: not read */
	EXTRACT_CANCELLED,	/* extract_cancel() was called: the agent is stopping */
};

/**
 * struct extract_result - what happened
 * @mime: content type as detected (e.g. "application/vnd.openxmlformats-officedocument...")
 * @kind: short name of the reader used: "text", "docx", "xlsx", "pptx", "odt", "ods", "pdf",
 *        "zip", "doc", "xls", "image", "binary"...
 * @bytes: size of the file
 * @text_bytes: UTF-8 bytes given to the sink
 * @status: enum extract_status
 * @error: for anything but EXTRACT_OK/EXTRACT_STOPPED, one line saying what, e.g.
 *         "limit exceeded: compression ratio 1030 > 100 in member 'a/b.xml'"
 * @photos: pictures of an office document (its media parts) that look like a photo of a
 *          person: JPEG, at least 100x100 pixels, not wider than tall by more than 10%
 * @photo: the first of them, e.g. "image/jpeg 354x472"
 * @templates: biometric records (ISO/IEC 19794 templates and images, WSQ): the file itself,
 *             or embedded in it, or members of an archive
 * @template_mime: the first one's type, e.g. "application/x-fingerprint-template"
 *
 * The content type of each picture and record decides, never its name.
 */
struct extract_result {
	char mime[128];
	char kind[16];
	uint64_t bytes;
	uint64_t text_bytes;
	int status;
	char error[256];
	unsigned int photos;
	char photo[48];
	unsigned int templates;
	char template_mime[128];
};

/*
 * Why a file's label is "unknown" rather than "none": some bytes that could hold text were not
 * read. Archive and sandbox readers report through x_status(); this maps the outcome.
 */
enum extract_unread {
	EXTRACT_READ_ALL = 0,	     /* every byte that could hold text was read */
	EXTRACT_UNREAD_ENCRYPTED,    /* a password is needed */
	EXTRACT_UNREAD_UNSUPPORTED,  /* a container or format we do not open */
	EXTRACT_UNREAD_LIMIT,	     /* a size, time, depth, ratio or entries limit */
	EXTRACT_UNREAD_FAILED,	     /* damaged, a reader failed, a read error */
};

/* enum extract_unread of a result (EXTRACT_OK and EXTRACT_STOPPED: EXTRACT_READ_ALL). */
int extract_unread_reason(const struct extract_result *res);
/* "encrypted", "unsupported", "limit", "failed" (or "" for EXTRACT_READ_ALL). */
const char *extract_unread_name(int unread);

/*
 * Defaults: 100 MiB file, 64 MiB text, 25 MiB member, 10000 entries, depth 8, ratio 100, 30 s,
 * 1 GiB of members in all, 256 MiB for a sandboxed reader.
 */
void extract_limits_default(struct extract_limits *lim);

/**
 * extract_cancel() - make every extraction in this process stop as soon as it can
 *
 * For a stopping agent (SIGTERM during a scan). Async-signal-safe; extractions under way end
 * with EXTRACT_CANCELLED (their sandboxed readers are killed), later ones do not start. There
 * is no undo: the process is on its way out.
 */
void extract_cancel(void);
bool extract_cancelled(void);

/**
 * extract_fd() - extract the text of an open regular file
 * @fd: open for reading; its offset is not relied on (pread)
 * @lim: limits, NULL for the defaults
 * @sink: receives the text
 * @ctx: passed to @sink
 * @res: filled in every case
 *
 * Thread-safe: scanning threads each call it on their own files.
 * Return: 0 when @res describes the outcome (including limits and damaged files, which are
 * results, not failures), or a -errno when the extraction could not run at all.
 */
int extract_fd(int fd, const struct extract_limits *lim, extract_sink_fn sink, void *ctx,
	       struct extract_result *res);

/**
 * typedef extract_boundary_fn - the text that follows belongs to another document
 * @ctx: the caller's context, as for the sink
 *
 * Called between the members of an archive (ZIP, at every depth), before a member's name and
 * text, when text has been given since the last call. Parts of one office document are not
 * documents of their own.
 */
typedef void (*extract_boundary_fn)(void *ctx);

/* What extract_picture_fn is told of. */
enum extract_picture {
	EXTRACT_PHOTO,		   /* a photo of a person in an office document (@photos) */
	EXTRACT_BIOMETRIC_RECORD,  /* a biometric record (@templates) */
};

/**
 * typedef extract_picture_fn - a picture or a biometric record of the current document
 * @ctx: the caller's context, as for the sink
 * @kind: enum extract_picture
 * @what: e.g. "image/jpeg 354x472", "application/x-fingerprint-template"
 *
 * Called in the order the document is read, so between the boundaries of its document.
 */
typedef void (*extract_picture_fn)(void *ctx, int kind, const char *what);

/*
 * extract_fd(), and @boundary between the documents an archive holds, @picture (may be NULL)
 * for each photo and biometric record.
 */
int extract_fd_docs(int fd, const struct extract_limits *lim, extract_sink_fn sink,
		    extract_boundary_fn boundary, extract_picture_fn picture, void *ctx,
		    struct extract_result *res);

#endif /* PDGUARD_EXTRACT_H */
