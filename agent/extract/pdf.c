// SPDX-License-Identifier: GPL-2.0
/*
 * PDF through poppler-glib, page by page. Poppler cannot be interrupted inside a page, so the
 * deadline is checked between pages; the file size limit is checked before poppler sees the file.
 * The pictures of the first pages are looked at for a photo of a person (extract_result.photos).
 */
#include <errno.h>
#include <fcntl.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "extract/readers.h"
#include "extract/sink.h"

/* Pages looked at for photos: a personnel card has its photo on the first. */
#define PHOTO_PAGES 4

/*
 * A photo of a person: an image drawn at least 1.5 cm (42 pt) on each side, its sides within
 * 0.6 of each other (a 3x4 photo is 0.75, a logo or a banner far less), on less than a quarter
 * of the page (not a scanned page). Where it is drawn is all poppler says without decoding it,
 * and its box comes out with width and height swapped for some transforms (poppler 22.12 on a
 * 200 x 60 image), so the orientation is not trusted; the image's own type is not looked at.
 */
static void pdf_photos(struct xctx *x, PopplerPage *page)
{
	GList *maps = poppler_page_get_image_mapping(page), *l;
	double pw = 0, ph = 0;

	poppler_page_get_size(page, &pw, &ph);
	for (l = maps; l; l = l->next) {
		const PopplerImageMapping *m = l->data;
		double w = m->area.x2 - m->area.x1, h = m->area.y2 - m->area.y1;
		char desc[48];

		if (w < 0)
			w = -w;
		if (h < 0)
			h = -h;
		if (w < 42 || h < 42 || (w < h ? w / h : h / w) < 0.6 || w * h * 4 > pw * ph)
			continue;
		snprintf(desc, sizeof(desc), "PDF image %.0fx%.0f pt", w, h);
		x_photo(x, desc);
	}
	poppler_page_free_image_mapping(maps);
}

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
			x_status(x, EXTRACT_ENCRYPTED,
				 "encrypted: PDF%s, a password is needed to read it",
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
		if (i < PHOTO_PAGES && !x_halted(x))
			pdf_photos(x, page);
		g_object_unref(page);
		x_emit_sep(x);
	}
	g_object_unref(doc);
}
