// SPDX-License-Identifier: GPL-2.0
/*
 * PDF through poppler-glib, page by page. Poppler cannot be interrupted inside a page, so the
 * deadline is checked between pages; the file size limit is checked before poppler sees the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "extract_internal.h"

void x_pdf(struct xctx *x, int fd, uint64_t size, const char *name)
{
	char pname[128], where[160] = "";
	PopplerDocument *doc;
	GError *err = NULL;
	int pages, i, dfd;

	if (name) {
		x_printable_name(pname, sizeof(pname), name);
		snprintf(where, sizeof(where), " (member '%s')", pname);
	}
	/* poppler takes the fd it is given and closes it; at least 3 so it is never stdin. */
	dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0) {
		x_status(x, EXTRACT_IO, "read error: %s", x_errstr(errno));
		return;
	}
	doc = poppler_document_new_from_fd(dfd, NULL, &err);
	if (!doc) {
		if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
			x_status(x, EXTRACT_UNSUPPORTED,
				 "unsupported: encrypted PDF%s, a password is needed to read it",
				 where);
		else
			x_status(x, EXTRACT_CORRUPT, "corrupt: PDF%s: %s", where,
				 err && err->message ? err->message : "cannot be opened");
		if (err)
			g_error_free(err);
		return;
	}
	pages = poppler_document_get_n_pages(doc);
	for (i = 0; i < pages && !x_halted(x); i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *text;

		if (!page)
			continue;
		text = poppler_page_get_text(page);
		if (text) {
			x_emit_bytes(x, (const uint8_t *)text, strlen(text));
			g_free(text);
		}
		g_object_unref(page);
		x_emit_sep(x);
	}
	g_object_unref(doc);
}
