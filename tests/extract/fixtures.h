/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generators for extraction test files: real DOCX, XLSX, PPTX, ODT, ODS, ZIP (libzip), PDF
 * (cairo with a DejaVu font), and texts in the encodings offices use. Nothing binary is
 * committed: tests and the fuzz seed corpus (mkfixtures_helper) make them at run time.
 *
 * The personal data in them is made up; the IINs have valid check digits so that the
 * classifier's tests can use the same files.
 */
#ifndef PDGUARD_TEST_EXTRACT_FIXTURES_H
#define PDGUARD_TEST_EXTRACT_FIXTURES_H

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

struct fx_member {
	const char *name;
	const void *data;
	size_t len;		/* 0: strlen(data) */
	bool store;		/* stored, not deflated (ODF's mimetype) */
};
#define FX_M(n, d) { .name = (n), .data = (d) }
#define FX_MLEN(n, d, l) { .name = (n), .data = (d), .len = (l) }
#define FX_MSTORE(n, d) { .name = (n), .data = (d), .store = true }

static inline int fx_write(const char *dir, const char *name, const void *data, size_t len)
{
	char path[8192];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		rc = -EIO;
	close(fd);
	return rc;
}

static inline int fx_read(const char *path, char **data, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		close(fd);
		return -errno;
	}
	*len = st.st_size;
	*data = malloc(*len + 1);
	if (!*data || read(fd, *data, *len) != (ssize_t)*len) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* Convert UTF-8 text to @enc with iconv; returns a malloc'd buffer. */
static inline char *fx_iconv(const char *enc, const char *utf8, size_t *outlen)
{
	size_t il = strlen(utf8), ol = il * 4 + 8, cap = ol;
	char *out = malloc(cap), *ip = (char *)utf8, *op = out;
	iconv_t cd = iconv_open(enc, "UTF-8");

	if (cd == (iconv_t)-1 || !out)
		return NULL;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*outlen = cap - ol;
	return out;
}

static inline int fx_zip(const char *path, const struct fx_member *m, size_t n)
{
	zip_t *za;
	int err;
	size_t i;

	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!za)
		return -EIO;
	for (i = 0; i < n; i++) {
		size_t len = m[i].len ? m[i].len : strlen(m[i].data);
		zip_source_t *src = zip_source_buffer(za, m[i].data, len, 0);
		zip_int64_t idx;

		if (!src)
			goto fail;
		idx = zip_file_add(za, m[i].name, src, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(src);
			goto fail;
		}
		if (m[i].store)
			zip_set_file_compression(za, idx, ZIP_CM_STORE, 0);
	}
	return zip_close(za) ? -EIO : 0;
fail:
	zip_discard(za);
	return -EIO;
}

/* A member of @size zero bytes, generated while libzip deflates it: no memory needed. */
struct fx_zeros {
	zip_uint64_t size, off;
};

static inline zip_int64_t fx_zeros_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct fx_zeros *z = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		z->off = 0;
		return 0;
	case ZIP_SOURCE_READ:
		if (len > z->size - z->off)
			len = z->size - z->off;
		memset(data, 0, len);
		z->off += len;
		return len;
	case ZIP_SOURCE_CLOSE:
		return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		zip_stat_init(st);
		st->size = z->size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR:
		return 2 * sizeof(int);
	case ZIP_SOURCE_FREE:
		free(z);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		return -1;
	}
}

/* A ZIP with @copies members named "<i>.bin" of @size zero bytes each. */
static inline int fx_zip_zeros(const char *path, zip_uint64_t size, int copies)
{
	zip_t *za;
	int err, i;

	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!za)
		return -EIO;
	for (i = 0; i < copies; i++) {
		struct fx_zeros *z = calloc(1, sizeof(*z));
		zip_source_t *src;
		char name[32];

		z->size = size;
		src = zip_source_function(za, fx_zeros_cb, z);
		snprintf(name, sizeof(name), "%d.bin", i);
		if (!src || zip_file_add(za, name, src, 0) < 0) {
			zip_discard(za);
			return -EIO;
		}
	}
	return zip_close(za) ? -EIO : 0;
}

/* A ZIP holding the file at @inner_path under @name, @copies times (name, name.1, ...). */
static __attribute__((noinline, unused)) int fx_zip_file(const char *path, const char *inner_path,
							      const char *name, int copies)
{
	struct fx_member m[16];
	char names[16][64], *data = NULL;
	size_t len = 0;
	int i, rc;

	if (copies > 16 || fx_read(inner_path, &data, &len))
		return -EIO;
	for (i = 0; i < copies; i++) {
		if (i)
			snprintf(names[i], sizeof(names[i]), "%s.%d", name, i);
		else
			snprintf(names[i], sizeof(names[i]), "%s", name);
		m[i] = (struct fx_member)FX_MLEN(names[i], data, len);
	}
	rc = fx_zip(path, m, copies);
	free(data);
	return rc;
}

#define FX_CT_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>" \
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
#define FX_RELS(target) "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"" target "\"/>" \
	"</Relationships>"
#define FX_W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char fx_docx_document[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:document " FX_W " xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
	"<w:body>"
	"<w:p><w:r><w:t>Расчётный листок за март</w:t></w:r></w:p>"
	"<w:p><w:r><w:t xml:space=\"preserve\">Сотрудник: </w:t></w:r><w:r><w:t>Иванов</w:t></w:r>"
	"<w:r><w:t xml:space=\"preserve\"> Иван Иванович</w:t></w:r></w:p>"
	"<w:tbl><w:tr>"
	"<w:tc><w:p><w:r><w:t>ИИН</w:t></w:r></w:p></w:tc>"
	"<w:tc><w:p><w:r><w:t>900101300007</w:t></w:r></w:p></w:tc>"
	"<w:tc><w:p><w:r><w:t>123</w:t></w:r></w:p></w:tc>"
	"</w:tr></w:tbl>"
	"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:t>Текстовое поле</w:t>"
	"</mc:Choice><mc:Fallback><w:t>Текстовое поле</w:t></mc:Fallback></mc:AlternateContent>"
	"</w:r></w:p>"
	"<w:p><w:r><w:t>Оклад</w:t><w:tab/><w:t>250000</w:t><w:br/><w:t>Удержано &amp; начислено</w:t></w:r></w:p>"
	"<w:sectPr/></w:body></w:document>";

static const char fx_docx_header[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:hdr " FX_W "><w:p><w:r><w:t>Конфиденциально</w:t></w:r></w:p></w:hdr>";
static const char fx_docx_footer[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:ftr " FX_W "><w:p><w:r><w:t>ТОО Ромашка</w:t></w:r></w:p></w:ftr>";
static const char fx_docx_footnotes[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:footnotes " FX_W "><w:footnote w:id=\"1\"><w:p><w:r><w:t>Паспорт N12345678</w:t></w:r>"
	"</w:p></w:footnote></w:footnotes>";
static const char fx_docx_comments[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<w:comments " FX_W "><w:comment w:id=\"0\" w:author=\"HR\"><w:p><w:r>"
	"<w:t>Проверить ИИН 850520400003</w:t></w:r></w:p></w:comment></w:comments>";
static const char fx_docx_ct[] = FX_CT_HEAD
	"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
	"<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
	"<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
	"<Override PartName=\"/word/footnotes.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml\"/>"
	"<Override PartName=\"/word/comments.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml\"/>"
	"</Types>";
static const char fx_docx_doc_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/header\" Target=\"header1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes\" Target=\"footnotes.xml\"/>"
	"<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/>"
	"</Relationships>";

/* A DOCX whose main part is @document (the billion-laughs test swaps it). */
static inline int fx_docx_with(const char *path, const char *document)
{
	const struct fx_member m[] = {
		FX_M("[Content_Types].xml", fx_docx_ct),
		FX_M("_rels/.rels", FX_RELS("word/document.xml")),
		FX_M("word/document.xml", document),
		FX_M("word/_rels/document.xml.rels", fx_docx_doc_rels),
		FX_M("word/header1.xml", fx_docx_header),
		FX_M("word/footer1.xml", fx_docx_footer),
		FX_M("word/footnotes.xml", fx_docx_footnotes),
		FX_M("word/comments.xml", fx_docx_comments),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

#define FX_S "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static const char fx_xlsx_ct[] = FX_CT_HEAD
	"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
	"</Types>";
static const char fx_xlsx_workbook[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<workbook " FX_S " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Штат\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Архив\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>";
static const char fx_xlsx_wb_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";
static const char fx_xlsx_strings[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<sst " FX_S " count=\"5\" uniqueCount=\"5\">"
	"<si><t>ФИО</t></si><si><t>ИИН</t></si><si><t>Иванов Иван</t></si>"
	"<si><r><t>Петрова </t></r><r><t>Анна</t></r><rPh><t>ペトロワ</t></rPh></si>"
	"<si><t>Ахметов Серик</t></si></sst>";
static const char fx_xlsx_sheet1[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<worksheet " FX_S "><sheetData>"
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
	"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>900101300007</v></c>"
	"<c r=\"C2\" t=\"inlineStr\"><is><t>Алматы</t></is></c>"
	"<c r=\"D2\" t=\"str\"><f>CONCAT(\"a\",\"b\")</f><v>Итого по отделу</v></c>"
	"<c r=\"E2\" s=\"1\"><v>250000.5</v></c></row>"
	"<row r=\"3\"><c r=\"A3\" t=\"s\"><v>3</v></c><c r=\"B3\" t=\"n\"><v>8.50520400003E+11</v></c></row>"
	"<row r=\"4\"><c r=\"A4\" t=\"s\"><v>4</v></c><c r=\"B4\"><v>50101500010</v></c>"
	"<c r=\"C4\" t=\"b\"><v>1</v></c><c r=\"D4\" t=\"e\"><v>#DIV/0!</v></c></row>"
	"</sheetData></worksheet>";
static const char fx_xlsx_sheet2[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<worksheet " FX_S "><sheetData>"
	"<row r=\"1\"><c r=\"A1\"><v>940817350013.0</v></c><c r=\"B1\"><v>1.5E-3</v></c></row>"
	"</sheetData></worksheet>";

static inline int fx_xlsx(const char *path)
{
	const struct fx_member m[] = {
		FX_M("[Content_Types].xml", fx_xlsx_ct),
		FX_M("_rels/.rels", FX_RELS("xl/workbook.xml")),
		FX_M("xl/workbook.xml", fx_xlsx_workbook),
		FX_M("xl/_rels/workbook.xml.rels", fx_xlsx_wb_rels),
		FX_M("xl/worksheets/sheet2.xml", fx_xlsx_sheet2),
		FX_M("xl/worksheets/sheet1.xml", fx_xlsx_sheet1),
		FX_M("xl/sharedStrings.xml", fx_xlsx_strings),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

#define FX_P "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" " \
	"xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\""
#define FX_SLIDE(text) "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n" \
	"<p:sld " FX_P "><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>" \
	"<a:p><a:r><a:t>" text "</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>"

static inline int fx_pptx(const char *path)
{
	static const char ct[] = FX_CT_HEAD
		"<Override PartName=\"/ppt/presentation.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml\"/>"
		"<Override PartName=\"/ppt/slides/slide1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slide+xml\"/>"
		"<Override PartName=\"/ppt/slides/slide2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slide+xml\"/>"
		"<Override PartName=\"/ppt/slides/slide10.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.presentationml.slide+xml\"/>"
		"</Types>";
	static const char pres[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<p:presentation " FX_P "/>";
	const struct fx_member m[] = {
		FX_M("[Content_Types].xml", ct),
		FX_M("_rels/.rels", FX_RELS("ppt/presentation.xml")),
		FX_M("ppt/presentation.xml", pres),
		FX_M("ppt/slides/slide10.xml", FX_SLIDE("Слайд десять")),
		FX_M("ppt/slides/slide2.xml", FX_SLIDE("Слайд два: Жанна Сапарова 880703400555")),
		FX_M("ppt/slides/slide1.xml", FX_SLIDE("Слайд один")),
		FX_M("ppt/notesSlides/notesSlide1.xml", FX_SLIDE("Заметка докладчика")),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

#define FX_ODF_NS "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" " \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" office:version=\"1.3\""
#define FX_MANIFEST(mime) "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">" \
	"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"" mime "\"/>" \
	"<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>" \
	"<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>" \
	"</manifest:manifest>"

static inline int fx_odt(const char *path)
{
	static const char content[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-content " FX_ODF_NS "><office:body><office:text>"
		"<text:h text:outline-level=\"1\">Приказ о приёме</text:h>"
		"<text:p>Принять <text:span>Сидорова</text:span><text:s/>Петра<text:tab/>ИИН 920315400020</text:p>"
		"<text:p>Оклад<text:line-break/>300000</text:p>"
		"</office:text></office:body></office:document-content>";
	static const char styles[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-styles " FX_ODF_NS "><office:master-styles><style:master-page style:name=\"Standard\">"
		"<style:header><text:p>Для служебного пользования</text:p></style:header>"
		"</style:master-page></office:master-styles></office:document-styles>";
	const struct fx_member m[] = {
		FX_MSTORE("mimetype", "application/vnd.oasis.opendocument.text"),
		FX_M("META-INF/manifest.xml", FX_MANIFEST("application/vnd.oasis.opendocument.text")),
		FX_M("content.xml", content),
		FX_M("styles.xml", styles),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

static inline int fx_ods(const char *path)
{
	static const char content[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-content " FX_ODF_NS "><office:body><office:spreadsheet>"
		"<table:table table:name=\"Лист1\"><table:table-row>"
		"<table:table-cell office:value-type=\"string\"><text:p>Ким Ольга</text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"float\" office:value=\"31211600123\"><text:p>3.12116E+10</text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"float\" office:value=\"900101300007\"><text:p>9.00101E+11</text:p></table:table-cell>"
		"<table:table-cell office:value-type=\"currency\" office:value=\"150000.25\"><text:p>150 000,25 ₸</text:p></table:table-cell>"
		"</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>";
	const struct fx_member m[] = {
		FX_MSTORE("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
		FX_M("META-INF/manifest.xml", FX_MANIFEST("application/vnd.oasis.opendocument.spreadsheet")),
		FX_M("content.xml", content),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

/* Text drawn with DejaVu through cairo's PDF surface: embedded subset font with a ToUnicode map. */
/* An A4 PDF drawn with DejaVu Sans at @size points. */
static inline cairo_t *fx_pdf_begin(const char *path, double size)
{
	cairo_t *cr = cairo_create(cairo_pdf_surface_create(path, 595, 842));

	cairo_surface_destroy(cairo_get_target(cr)); /* the context holds it */
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	return cr;
}

/* Write the PDF out. Return: 0 or -EIO. */
static inline int fx_pdf_end(cairo_t *cr)
{
	cairo_surface_t *s = cairo_surface_reference(cairo_get_target(cr));
	int rc;

	cairo_destroy(cr);
	cairo_surface_finish(s);
	rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS ? 0 : -EIO;
	cairo_surface_destroy(s);
	return rc;
}

static inline int fx_pdf(const char *path, const char *const *lines, int pages)
{
	cairo_t *cr = fx_pdf_begin(path, 14);
	int p, i;

	for (p = 0; p < pages; p++) {
		for (i = 0; lines[i]; i++) {
			cairo_move_to(cr, 50, 80 + 24 * i);
			cairo_show_text(cr, lines[i]);
		}
		cairo_show_page(cr);
	}
	return fx_pdf_end(cr);
}

/*
 * A one-page personnel card as PDF with one picture drawn @w x @h points: a 3x4 photo
 * (85 x 113 pt) or a wide logo. The picture is a gray image surface, as cairo embeds it.
 */
static inline int fx_pdf_card(const char *path, double w, double h)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 120, 160);
	cairo_t *cr = fx_pdf_begin(path, 12);

	cairo_move_to(cr, 50, 80);
	cairo_show_text(cr, "Личная карточка работника, табельный номер 17");
	cairo_move_to(cr, 50, 100);
	cairo_show_text(cr, "Иванов Иван, ИИН 900101300007, должность бухгалтер");
	cairo_save(cr);
	cairo_translate(cr, 400, 150);
	cairo_scale(cr, w / 120, h / 160);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_show_page(cr);
	cairo_surface_destroy(img);
	return fx_pdf_end(cr);
}

static const char *const fx_pdf_lines[] = {
	"Справка с места работы",
	"Выдана Нурланову Ержану, ИИН 870412450121",
	"Паспорт N12345678",
	NULL,
};

/* Start of an ISO/IEC 19794-2:2005 finger minutiae record: "FMR\0", version " 20\0", length. */
static const unsigned char fx_fmr[] = {
	'F', 'M', 'R', 0, ' ', '2', '0', 0, 0, 0, 0, 0x30, 0, 0, 0x01, 0x40, 0x01, 0xe0,
	0, 0xc5, 0, 0xc5, 1, 0, 0x41, 0x28, 0x11, 0x40, 0x52, 0x10, 0x33, 0x00, 0x64, 0x20,
};

/* Enough of a JFIF header for libmagic. */
static const unsigned char fx_jpeg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05,
	0x08, 0x07, 0x07, 0x07, 0x09, 0x09, 0x08, 0x0a, 0x0c, 0x14, 0x0d, 0x0c, 0x0b, 0x0b, 0x0c,
	0xff, 0xd9,
};

/*
 * A JPEG of @w x @h pixels as far as a reader of its headers can tell: SOI, JFIF, a baseline
 * frame header (SOF0), EOI. Writes 44 bytes to @out; returns the length.
 */
static inline size_t fx_jpeg_of(unsigned int w, unsigned int h, unsigned char out[64])
{
	static const unsigned char jfif[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I',
					      'F',  0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
					      0x01, 0x00, 0x00 };
	unsigned char sof[] = { 0xff, 0xc0, 0x00, 0x11, 0x08, h >> 8, h & 0xff, w >> 8, w & 0xff,
				0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01 };
	size_t n = 0;

	memcpy(out + n, jfif, sizeof(jfif));
	n += sizeof(jfif);
	memcpy(out + n, sof, sizeof(sof));
	n += sizeof(sof);
	out[n++] = 0xff;
	out[n++] = 0xd9;
	return n;
}

/*
 * A personnel card (ODT) with three pictures: a 3x4 photo, a wide logo (JPEG) and an icon (PNG),
 * all under names that say nothing of what they are.
 */
static inline int fx_card_odt(const char *path)
{
	static const char content[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-content " FX_ODF_NS "><office:body><office:text>"
		"<text:p>Личная карточка работника, табельный номер 17</text:p>"
		"<text:p>Иванов Иван Иванович, ИИН 900101300007, должность бухгалтер</text:p>"
		"</office:text></office:body></office:document-content>";
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
					     0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0x62,
					     0, 0, 1, 0xd8, 8, 2, 0, 0, 0 };
	unsigned char photo[64], logo[64];
	size_t np = fx_jpeg_of(354, 472, photo), nl = fx_jpeg_of(800, 200, logo);
	const struct fx_member m[] = {
		FX_MSTORE("mimetype", "application/vnd.oasis.opendocument.text"),
		FX_M("META-INF/manifest.xml", FX_MANIFEST("application/vnd.oasis.opendocument.text")),
		FX_M("content.xml", content),
		FX_MLEN("Pictures/100000000000016200000", photo, np),
		FX_MLEN("Pictures/100000000000032000000", logo, nl),
		FX_MLEN("Pictures/100000000000016200001", png, sizeof(png)),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

/* A DOCX whose only picture is a 3x4 photo named like a PNG. */
static inline int fx_card_docx(const char *path)
{
	unsigned char photo[64];
	size_t np = fx_jpeg_of(300, 400, photo);
	const struct fx_member m[] = {
		FX_M("[Content_Types].xml", fx_docx_ct),
		FX_M("_rels/.rels", FX_RELS("word/document.xml")),
		FX_M("word/document.xml", fx_docx_document),
		FX_MLEN("word/media/image1.png", photo, np),
	};

	return fx_zip(path, m, sizeof(m) / sizeof(m[0]));
}

static const char fx_1c_csv[] =
	"Табельный номер;ФИО;ИИН;Оклад\r\n"
	"0001;Иванов Иван Иванович;900101300007;250000\r\n"
	"0002;Ахметова Динара Сериковна;850520400003;310000\r\n";
/* Kazakh in RK1048 (KZ-1048): the letters CP1251 lacks */
static const char fx_kz_text[] =
	"Жалақы есептелді: Әлиева Гүлнұр Серікқызы, ЖСН 850520400003\r\n"
	"Ұсталды: ЖТС, МӘМСЖ\r\n";
static const char fx_koi8_text[] =
	"Ведомость начисления заработной платы\nГалиев Марат, ИИН 940817350013, к выплате 180000\n";
static const char fx_utf16_text[] =
	"Список сотрудников\r\nЖанна Сапарова\t880703400555\r\n";

/* Every fixture of the extraction tests, into @dir. Return: 0 or -errno. */
static inline int fx_make_all(const char *dir)
{
	char path[4096], inner[4096], *enc;
	size_t len;
	int rc = 0;

#define FX_PATH(name) (snprintf(path, sizeof(path), "%s/%s", dir, name), path)
	rc |= fx_docx_with(FX_PATH("payroll.docx"), fx_docx_document);
	rc |= fx_xlsx(FX_PATH("staff.xlsx"));
	rc |= fx_pptx(FX_PATH("slides.pptx"));
	rc |= fx_odt(FX_PATH("order.odt"));
	rc |= fx_ods(FX_PATH("table.ods"));
	rc |= fx_pdf(FX_PATH("certificate.pdf"), fx_pdf_lines, 2);
	rc |= fx_write(dir, "finger.fmr", fx_fmr, sizeof(fx_fmr));
	rc |= fx_write(dir, "photo.jpg", fx_jpeg, sizeof(fx_jpeg));
	rc |= fx_card_odt(FX_PATH("card.odt"));
	rc |= fx_card_docx(FX_PATH("card.docx"));
	rc |= fx_pdf_card(FX_PATH("card.pdf"), 85, 113);
	rc |= fx_pdf_card(FX_PATH("card-logo.pdf"), 200, 60);

	enc = fx_iconv("CP1251", fx_1c_csv, &len);
	rc |= enc ? fx_write(dir, "1c-export.csv", enc, len) : -EIO;
	free(enc);
	enc = fx_iconv("RK1048", fx_kz_text, &len);
	rc |= enc ? fx_write(dir, "kz1048.txt", enc, len) : -EIO;
	free(enc);
	enc = fx_iconv("KOI8-R", fx_koi8_text, &len);
	rc |= enc ? fx_write(dir, "koi8.txt", enc, len) : -EIO;
	free(enc);
	enc = fx_iconv("UTF-16LE", fx_utf16_text, &len);
	if (enc) {
		char *bom = malloc(len + 2);

		memcpy(bom, "\xff\xfe", 2);
		memcpy(bom + 2, enc, len);
		rc |= fx_write(dir, "utf16le-bom.txt", bom, len + 2);
		rc |= fx_write(dir, "utf16le-nobom.txt", enc, len);
		free(bom);
	} else {
		rc |= -EIO;
	}
	free(enc);
	enc = fx_iconv("UTF-16BE", fx_utf16_text, &len);
	rc |= enc ? fx_write(dir, "utf16be-nobom.txt", enc, len) : -EIO;
	free(enc);
	{
		static const char bom8[] = "\xef\xbb\xbfКарта 4400 4301 2345 6789\n";

		rc |= fx_write(dir, "utf8-bom.txt", bom8, strlen(bom8));
	}

	/* nested.zip: a DOCX, a ZIP in the ZIP, a CP1251 note, a photo and a fingerprint */
	{
		static const char deep[] = "Сидоров Пётр 920315400020\n";
		char *docx = NULL, *win;
		size_t docx_len = 0, win_len;
		const struct fx_member in[] = {
			FX_M("deep/note.txt", deep),
		};

		snprintf(inner, sizeof(inner), "%s/inner.zip.tmp", dir);
		rc |= fx_zip(inner, in, 1);
		win = fx_iconv("CP1251", "Приказ: уволить Ким Ольгу, ИИН 031211600123\r\n", &win_len);
		if (win && !fx_read(FX_PATH("payroll.docx"), &docx, &docx_len)) {
			char *innerzip = NULL;
			size_t innerzip_len = 0;

			if (!fx_read(inner, &innerzip, &innerzip_len)) {
				const struct fx_member m[] = {
					FX_MLEN("docs/payroll.docx", docx, docx_len),
					FX_MLEN("archive/inner.zip", innerzip, innerzip_len),
					FX_MLEN("приказ.txt", win, win_len),
					FX_MLEN("photo.jpg", fx_jpeg, sizeof(fx_jpeg)),
					FX_MLEN("finger.fmr", fx_fmr, sizeof(fx_fmr)),
				};

				rc |= fx_zip(FX_PATH("nested.zip"), m, sizeof(m) / sizeof(m[0]));
				free(innerzip);
			} else {
				rc |= -EIO;
			}
			free(docx);
		} else {
			rc |= -EIO;
		}
		free(win);
		unlink(inner);
	}
#undef FX_PATH
	return rc ? -EIO : 0;
}

#endif /* PDGUARD_TEST_EXTRACT_FIXTURES_H */
