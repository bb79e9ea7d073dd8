/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The readers' entry points, one block a format, for the dispatcher (extract.c). A reader may
 * pass a stream on to another (an archive member of text to the text reader), never back up to
 * the dispatcher: members that need a file of their own go through x_nested() (sink.h).
 */
#ifndef PDGUARD_EXTRACT_READERS_H
#define PDGUARD_EXTRACT_READERS_H

#include "extract/sink.h"

/* extract/text.c */
void x_text_stream(struct xctx *x, struct xstream *s, const struct x_type *t);
/*
 * The printable runs of a binary or a format we do not parse (as strings(1) finds them: ASCII
 * and valid UTF-8, X_RUN_MIN characters or more), one a line. Bounded as text is.
 */
void x_strings_stream(struct xctx *x, struct xstream *s);
#define X_RUN_MIN 4

/* extract/zip.c */
void x_zip(struct xctx *x, int fd, uint64_t size, unsigned int depth, bool top);

/* extract/archive.c: @name is NULL for the caller's file, @mime what detection said */
void x_archive(struct xctx *x, int fd, uint64_t size, unsigned int depth, const char *name,
	       const char *mime);

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

/* extract/pdf.c */
void x_pdf(struct xctx *x, int fd, uint64_t size, const char *name);

/* extract/legacy.c */
void x_legacy(struct xctx *x, int fd, const struct x_type *t, const char *name, bool top);
/* Whether the catdoc tool for @mime is installed. */
bool x_legacy_available(const char *mime);

#endif /* PDGUARD_EXTRACT_READERS_H */
