# SPDX-License-Identifier: GPL-2.0
"""Writers for the test corpus: plain text, Markdown, CSV, RTF, DOCX, XLSX, ODT, PDF and ZIP.

Every writer takes a Doc and returns bytes, deterministically (fixed ZIP timestamps, no clocks).
Office files are built with zipfile from the parts a real application writes, so that readers
which check [Content_Types].xml or the ODF mimetype see a genuine document.

A Doc is a title and a list of blocks:
  ("p", text)                     a paragraph (may be split into several DOCX runs)
  ("table", header, rows)         cells are str, or int/float for numeric XLSX cells
  ("raw", text)                   verbatim text (logs, source code); text writers only
"""

import io
import zipfile
import zlib
from xml.sax.saxutils import escape

ZIP_DATE = (2024, 3, 1, 9, 30, 0)


class Doc:
    def __init__(self, kind, lang, label, categories, title="", blocks=None, tags=None):
        self.kind = kind
        self.lang = lang
        self.label = label
        self.categories = set(categories)
        self.title = title
        self.blocks = blocks or []
        self.tags = set(tags or [])
        self.split_runs = None  # rng to split DOCX runs with, or None
        self.pictures = []      # bytes of pictures (DOCX word/media, ODT Pictures)

    def p(self, text):
        self.blocks.append(("p", text))

    def table(self, header, rows):
        self.blocks.append(("table", list(header), [list(r) for r in rows]))

    def raw(self, text):
        self.blocks.append(("raw", text))


def cell_text(v):
    if isinstance(v, float):
        return ("%.2f" % v)
    return str(v)


def _lines(doc, table_sep="\t"):
    out = []
    if doc.title:
        out.append(doc.title)
        out.append("")
    for b in doc.blocks:
        if b[0] == "p":
            out.append(b[1])
        elif b[0] == "raw":
            out.append(b[1].rstrip("\n"))
        else:
            out.append(table_sep.join(b[1]))
            for r in b[2]:
                out.append(table_sep.join(cell_text(c) for c in r))
            out.append("")
    return out


def to_text(doc, encoding="utf-8", newline="\n"):
    return (newline.join(_lines(doc)) + newline).encode(encoding)


def _rtf_escape(text):
    """RTF as Word writes it: code-page 1251 letters as \\'hh, the rest (Kazakh letters) as \\uN?."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\tab ")
        elif o < 128:
            out.append(ch)
        else:
            try:
                out.append("\\'%02x" % ch.encode("cp1251")[0])
            except UnicodeEncodeError:
                out.append("\\u%d?" % (o if o < 32768 else o - 65536))
    return "".join(out)


def to_rtf(doc):
    """Rich Text (what Word's "Save as RTF" writes, often named .doc): one paragraph per line."""
    head = "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\\f0\\fs22\n"
    body = "".join(_rtf_escape(line) + "\\par\n" for line in _lines(doc))
    return (head + body + "}\n").encode("ascii")


def to_markdown(doc):
    out = []
    if doc.title:
        out += ["# " + doc.title, ""]
    for b in doc.blocks:
        if b[0] == "p":
            out += [b[1], ""]
        elif b[0] == "raw":
            out += ["```", b[1].rstrip("\n"), "```", ""]
        else:
            out.append("| " + " | ".join(b[1]) + " |")
            out.append("|" + "---|" * len(b[1]))
            for r in b[2]:
                out.append("| " + " | ".join(cell_text(c) for c in r) + " |")
            out.append("")
    return ("\n".join(out)).encode("utf-8")


def to_csv(doc, sep=";", encoding="utf-8", bom=False, newline="\r\n"):
    """The first table of the Doc, as 1C and Excel export it (quoted only when needed)."""
    t = next(b for b in doc.blocks if b[0] == "table")

    def q(v):
        s = cell_text(v)
        if sep in s or '"' in s or "\n" in s:
            s = '"' + s.replace('"', '""') + '"'
        return s
    lines = [sep.join(q(c) for c in t[1])] + [sep.join(q(c) for c in r) for r in t[2]]
    data = (newline.join(lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _zip(parts, first_stored=None):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        if first_stored:
            name, data = first_stored
            zi = zipfile.ZipInfo(name, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_STORED
            z.writestr(zi, data)
        for name, data in parts:
            zi = zipfile.ZipInfo(name, ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def to_zip(members):
    """members: list of (name, bytes)."""
    return _zip(members)


# ---------------------------------------------------------------- DOCX
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ' \
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _docx_runs(text, rng):
    """Word splits a paragraph into runs at edits and spell-check marks, often inside numbers."""
    if rng is None or len(text) < 8:
        pieces = [text]
    else:
        cuts = sorted(set(rng.randrange(1, len(text)) for _ in range(rng.randrange(1, 4))))
        pieces = [text[i:j] for i, j in zip([0] + cuts, cuts + [len(text)])]
    out = []
    for i, piece in enumerate(pieces):
        rpr = "<w:rPr><w:lang w:val=\"ru-RU\"/></w:rPr>" if i % 2 else ""
        out.append('<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, escape(piece)))
    return "".join(out)


def jpeg(rng, w, h, size=2000):
    """A JPEG as far as its headers go (JFIF, a baseline frame of w x h), then filler."""
    sof = bytes([0xff, 0xc0, 0, 17, 8, h >> 8, h & 255, w >> 8, w & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof
            + bytes(rng.randrange(256) for _ in range(size)).replace(b"\xff", b"\x00") + b"\xff\xd9")


def to_docx(doc):
    rng = doc.split_runs
    body = []
    if doc.title:
        body.append('<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>%s</w:p>' % _docx_runs(doc.title, None))
    for b in doc.blocks:
        if b[0] in ("p", "raw"):
            for line in b[1].split("\n"):
                body.append("<w:p>%s</w:p>" % _docx_runs(line, rng))
        else:
            rows = [b[1]] + b[2]
            x = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>']
            for r in rows:
                x.append("<w:tr>")
                for c in r:
                    x.append('<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr><w:p>%s</w:p></w:tc>'
                             % _docx_runs(cell_text(c), rng))
                x.append("</w:tr>")
            x.append("</w:tbl>")
            body.append("".join(x))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document %s><w:body>%s<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
                '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="708" '
                'w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>') % (W_NS, "".join(body))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '</Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '</Relationships>')
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        '</Relationships>')
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<w:styles %s><w:style w:type="paragraph" w:default="1" w:styleId="Normal">'
              '<w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title">'
              '<w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style></w:styles>') % W_NS
    return _zip([
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", doc_rels),
        ("word/styles.xml", styles),
        ("docProps/core.xml", _core_props(doc.title)),
        ("docProps/app.xml", _app_props("Microsoft Office Word")),
    ] + [("word/media/image%d.jpeg" % (i + 1), pic) for i, pic in enumerate(doc.pictures)])


def _core_props(title):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>%s</dc:title><dc:creator>user</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-01T09:30:00Z</dcterms:created>'
            '</cp:coreProperties>') % escape(title)


def _app_props(app):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>%s</Application></Properties>') % app


# ---------------------------------------------------------------- XLSX
def _col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def to_xlsx(doc, inline_strings=False):
    """All blocks on one sheet: paragraphs as one-cell rows, tables as rows of cells.
    Strings go to xl/sharedStrings.xml (as Excel writes them) or inline (as some exporters do);
    int/float cells are numeric <v> values, so an IIN typed as a number loses a leading zero."""
    rows = []
    if doc.title:
        rows.append([doc.title])
    for b in doc.blocks:
        if b[0] in ("p", "raw"):
            rows += [[line] for line in b[1].split("\n")]
        else:
            rows.append(b[1])
            rows += b[2]
        rows.append([])
    sst, sst_index = [], {}
    xr = []
    for ri, r in enumerate(rows, 1):
        cells = []
        for ci, v in enumerate(r):
            ref = "%s%d" % (_col(ci), ri)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append('<c r="%s"><v>%s</v></c>' % (ref, repr(v) if isinstance(v, float) else v))
            elif v == "":
                continue
            elif inline_strings:
                cells.append('<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, escape(v)))
            else:
                if v not in sst_index:
                    sst_index[v] = len(sst)
                    sst.append(v)
                cells.append('<c r="%s" t="s"><v>%d</v></c>' % (ref, sst_index[v]))
        xr.append('<row r="%d">%s</row>' % (ri, "".join(cells)))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheetData>%s</sheetData></worksheet>') % "".join(xr)
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
              % (len(sst), len(sst), "".join('<si><t xml:space="preserve">%s</t></si>' % escape(s) for s in sst)))
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    wb_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
               + ('' if inline_strings else
                  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
               + '</Relationships>')
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
              '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
              '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
              '<cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>')
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + ('' if inline_strings else
           '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
        + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '</Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '</Relationships>')
    parts = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/styles.xml", styles),
        ("docProps/core.xml", _core_props(doc.title)),
        ("docProps/app.xml", _app_props("Microsoft Excel")),
    ]
    if not inline_strings:
        parts.insert(5, ("xl/sharedStrings.xml", shared))
    return _zip(parts)


# ---------------------------------------------------------------- ODT
ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"')


def _odf_rows(rows):
    """ODF table rows (ODT and ODS alike): numbers as float cells with their text, the rest strings."""
    x = []
    for r in rows:
        x.append("<table:table-row>")
        for c in r:
            if isinstance(c, (int, float)):
                x.append('<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p></table:table-cell>'
                         % (c, escape(cell_text(c))))
            else:
                x.append('<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>'
                         % escape(c))
        x.append("</table:table-row>")
    return "".join(x)


def to_odt(doc, spreadsheet=False):
    """ODT, or with spreadsheet=True an ODS: the same table XML in office:spreadsheet, the title
    and paragraphs as one-column rows of a first sheet."""
    if spreadsheet:
        return _to_ods(doc)
    body = []
    if doc.title:
        body.append('<text:h text:outline-level="1">%s</text:h>' % escape(doc.title))
    nt = 0
    for b in doc.blocks:
        if b[0] in ("p", "raw"):
            for line in b[1].split("\n"):
                body.append("<text:p>%s</text:p>" % escape(line))
        else:
            nt += 1
            x = ['<table:table table:name="Таблица%d"><table:table-column table:number-columns-repeated="%d"/>'
                 % (nt, len(b[1]))]
            x.append(_odf_rows([b[1]] + b[2]))
            x.append("</table:table>")
            body.append("".join(x))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>'
               '<office:body><office:text>%s</office:text></office:body></office:document-content>'
               % (ODF_NS, "".join(body)))
    styles = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles %s>'
              '<office:styles/></office:document-styles>' % ODF_NS)
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta %s><office:meta>'
            '<meta:generator>LibreOffice/7.4</meta:generator><dc:title>%s</dc:title>'
            '</office:meta></office:document-meta>' % (ODF_NS, escape(doc.title)))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
                '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    return _zip([("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                 ("META-INF/manifest.xml", manifest)]
                + [("Pictures/1000000%09d.jpg" % i, pic) for i, pic in enumerate(doc.pictures)],
                first_stored=("mimetype", b"application/vnd.oasis.opendocument.text"))


def _to_ods(doc):
    rows = ([[doc.title]] if doc.title else []) + [[b[1]] for b in doc.blocks if b[0] in ("p", "raw")]
    tables = [("Лист1", None, rows)] if rows else []
    tables += [("Лист%d" % (i + 2), b[1], b[2]) for i, b in enumerate(x for x in doc.blocks if x[0] == "table")]
    body = []
    for name, head, rs in tables:
        x = ['<table:table table:name="%s">' % escape(name)]
        x.append(_odf_rows(([head] if head else []) + rs))
        x.append("</table:table>")
        body.append("".join(x))
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content %s>'
               '<office:body><office:spreadsheet>%s</office:spreadsheet></office:body></office:document-content>'
               % (ODF_NS, "".join(body)))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    return _zip([("content.xml", content), ("META-INF/manifest.xml", manifest)],
                first_stored=("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"))


# ---------------------------------------------------------------- PDF
def _pdf_escape(b):
    out = []
    for x in b:
        if x in (0x28, 0x29, 0x5c):
            out.append("\\" + chr(x))
        elif 0x20 <= x < 0x7f:
            out.append(chr(x))
        else:
            out.append("\\%03o" % x)
    return "".join(out)


def to_pdf(doc, compress=False):
    """A PDF written by hand: Helvetica with a /Differences encoding for every non-ASCII character
    the text uses (one byte each), explicit /Widths and a ToUnicode CMap, so text extraction
    (poppler) gets the exact Unicode back, Cyrillic and Kazakh letters included. No font file is
    embedded: viewers show Cyrillic with a substitute font (or blanks), extraction is exact.
    Without /Widths the non-Latin glyphs would have no advance and poppler would drop the
    characters it takes for overprinted duplicates."""
    lines = [l for l in _lines(doc, table_sep="   ")]
    wrapped = []
    for l in lines:
        while len(l) > 95:
            cut = l.rfind(" ", 0, 95)
            cut = cut if cut > 20 else 95
            wrapped.append(l[:cut])
            l = l[cut:].lstrip()
        wrapped.append(l)
    extra = sorted(set(ch for l in wrapped for ch in l if ord(ch) >= 0x7f))
    if len(extra) > 128:
        raise ValueError("too many distinct non-ASCII characters for one simple font")
    code = {ch: 0x80 + i for i, ch in enumerate(extra)}

    def enc(s):
        return bytes(code[ch] if ord(ch) >= 0x7f else (ord(ch) if ord(ch) >= 0x20 else 0x20) for ch in s)
    pages = [wrapped[i:i + 60] for i in range(0, max(len(wrapped), 1), 60)] or [[]]
    objs = {}
    # 1 catalog, 2 pages, 3 font, 4 tounicode, then per page: page, content
    kids = []
    n = 5
    for pg in pages:
        ops = ["BT", "/F1 10 Tf", "12 TL", "50 800 Td"]
        for l in pg:
            ops.append("(%s) '" % _pdf_escape(enc(l)))
        ops.append("ET")
        stream = ("\n".join(ops) + "\n").encode("latin-1")
        if compress:
            stream = zlib.compress(stream, 6)
            objs[n + 1] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"
        else:
            objs[n + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        objs[n] = ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                   "/Contents %d 0 R >>" % (n + 1)).encode()
        kids.append("%d 0 R" % n)
        n += 2
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(kids), len(kids))).encode()
    diffs = " ".join("/uni%04X" % ord(ch) for ch in extra)
    objs[3] = ("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 "
               "/Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 %s] >> "
               "/Widths [%s] /ToUnicode 4 0 R >>" % (diffs, " ".join(["556"] * 224))).encode()
    cmap = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
            "1 begincodespacerange", "<00> <FF>", "endcodespacerange",
            "1 beginbfrange", "<20> <7E> <0020>", "endbfrange"]
    items = [(code[ch], ord(ch)) for ch in extra]
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        cmap.append("%d beginbfchar" % len(chunk))
        cmap += ["<%02X> <%04X>" % (c, u) for c, u in chunk]
        cmap.append("endbfchar")
    cmap += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    cm = ("\n".join(cmap) + "\n").encode()
    objs[4] = b"<< /Length %d >>\nstream\n" % len(cm) + cm + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for i in sorted(objs):
        offsets[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for i in range(1, size):
        out += b"%010d 00000 n \n" % offsets[i]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)
