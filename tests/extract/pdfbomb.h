/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PDF inflation bomb of issue 14: one page whose content stream is a Flate stream that
 * inflates to @mib MiB of one string shown with Tj. 1 GiB takes a 1 MB file.
 */
#ifndef PDG_TEST_PDFBOMB_H
#define PDG_TEST_PDFBOMB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Return: 0, or -1. */
static inline int fx_pdf_bomb(const char *path, unsigned int mib)
{
	static const char head[] = "BT /F1 12 Tf 72 700 Td (", tail[] = ") Tj ET\n";
	size_t cap = (size_t)mib * 1100 + 65536, len, off[5];
	unsigned char *z = malloc(cap), *a = malloc(1 << 20);
	z_stream s = { 0 };
	unsigned int i;
	FILE *f;
	long xref;
	int rc = -1;

	if (!z || !a || deflateInit(&s, 9) != Z_OK)
		goto out;
	memset(a, 'A', 1 << 20);
	s.next_out = z;
	s.avail_out = cap;
	s.next_in = (unsigned char *)head;
	s.avail_in = strlen(head);
	deflate(&s, Z_NO_FLUSH);
	for (i = 0; i < mib; i++) {
		s.next_in = a;
		s.avail_in = 1 << 20;
		if (deflate(&s, Z_NO_FLUSH) != Z_OK || s.avail_in)
			goto out_z;
	}
	s.next_in = (unsigned char *)tail;
	s.avail_in = strlen(tail);
	if (deflate(&s, Z_FINISH) != Z_STREAM_END)
		goto out_z;
	len = s.total_out;
	f = fopen(path, "we");
	if (!f)
		goto out_z;
	fputs("%PDF-1.4\n", f);
	off[0] = ftell(f);
	fputs("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", f);
	off[1] = ftell(f);
	fputs("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n", f);
	off[2] = ftell(f);
	fputs("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
	      "/Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n", f);
	off[3] = ftell(f);
	fprintf(f, "4 0 obj\n<< /Length %zu /Filter /FlateDecode >>\nstream\n", len);
	fwrite(z, 1, len, f);
	fputs("\nendstream\nendobj\n", f);
	off[4] = ftell(f);
	fputs("5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n", f);
	xref = ftell(f);
	fputs("xref\n0 6\n0000000000 65535 f \n", f);
	for (i = 0; i < 5; i++)
		fprintf(f, "%010zu 00000 n \n", off[i]);
	fprintf(f, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
	rc = fclose(f) ? -1 : 0;
out_z:
	deflateEnd(&s);
out:
	free(z);
	free(a);
	return rc;
}

#endif /* PDG_TEST_PDFBOMB_H */
