// SPDX-License-Identifier: GPL-2.0
/*
 * PDF through poppler-glib, page by page, in a sandboxed child (sandbox.h): poppler has no memory
 * bound of its own and cannot be interrupted inside a page, and a Flate stream of a few MB can
 * inflate to GiBs of page content. The child has an address-space and CPU limit and is killed at
 * the deadline or when this side stops (a limit, extract_cancel()); the file size limit is
 * checked before. The pictures of the first pages are looked at for a photo of a person
 * (extract_result.photos).
 */
#include <errno.h>
#include <fcntl.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "extract/readers.h"
#include "extract/sandbox.h"
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
static void pdf_photos(struct x_sandbox_out *o, PopplerPage *page)
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
		x_sandbox_photo(o, desc);
	}
	poppler_page_free_image_mapping(maps);
}

/* In the sandbox: poppler takes @fd and closes it. */
static void pdf_child(struct x_sandbox_out *o, int fd, void *arg)
{
	const char *where = arg;
	PopplerDocument *doc;
	GError *err = NULL;
	int pages, i;

	doc = poppler_document_new_from_fd(fd, NULL, &err);
	if (!doc) {
		if (err && err->domain == POPPLER_ERROR && err->code == POPPLER_ERROR_ENCRYPTED)
			x_sandbox_status(o, EXTRACT_ENCRYPTED,
					 "encrypted: PDF%s, a password is needed to read it", where);
		else
			x_sandbox_status(o, EXTRACT_CORRUPT, "corrupt: PDF%s: %s", where,
					 err && err->message ? err->message : "cannot be opened");
		return;
	}
	pages = poppler_document_get_n_pages(doc);
	for (i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		char *text;

		if (!page)
			continue;
		text = poppler_page_get_text(page);
		if (text && x_sandbox_text(o, text, strlen(text)))
			return;
		g_free(text);
		if (i < PHOTO_PAGES)
			pdf_photos(o, page);
		g_object_unref(page);
		if (x_sandbox_sep(o))
			return;
	}
	/* the process ends here: nothing to free that the exit does not */
}

void x_pdf(struct xctx *x, int fd, uint64_t size, const char *name)
{
	char pname[128], where[160] = "";

	if (name) {
		x_printable_name(pname, sizeof(pname), name);
		snprintf(where, sizeof(where), " (member '%s')", pname);
	}
	x_sandbox_run(x, "PDF reader", where, fd, pdf_child, where);
}
