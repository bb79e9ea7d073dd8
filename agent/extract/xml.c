// SPDX-License-Identifier: GPL-2.0
/*
 * Office XML parts to text, with libxml2's SAX2 push parser: no tree is built, the part is parsed
 * as it inflates, and only the character data of the elements that hold document text is kept.
 *
 * Safety: office XML never has a DOCTYPE, so the first sign of one stops the parse before any
 * entity can be declared, let alone expanded (billion laughs, XXE). No network (XML_PARSE_NONET),
 * no XML_PARSE_HUGE (libxml2's own size limits stay on), no entity substitution.
 */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/readers.h"
#include "extract/sink.h"

struct x_xml {
	struct xctx *x;
	xmlParserCtxtPtr ctxt;
	enum x_xml_profile prof;
	char member[128];
	unsigned int depth;
	unsigned int text_depth;	/* inside an element whose text is kept (its depth) */
	unsigned int skip_depth;	/* inside a subtree that is ignored (its depth) */
	bool dtd;			/* a DOCTYPE was met: refused */
	bool too_deep;
	bool reported;
	char cell_type[16];		/* XLSX: the t attribute of the current <c> */
	bool number;			/* XLSX: the current <v> is a number */
	size_t num_len;
	char num[64];
	char error[160];
};

/* Office documents nest a few dozen elements deep; tables in tables in text boxes, a few more. */
#define X_XML_MAX_DEPTH 1000

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static void quiet_generic(void *ctx, const char *msg, ...)
{
}

static void quiet_structured(void *ctx, xmlErrorPtr err)
{
}

static bool is(const xmlChar *a, const char *b)
{
	return !strcmp((const char *)a, b);
}

/* Attribute values are not NUL-terminated: compare with their length. */
static bool value_is(const xmlChar *v, size_t len, const char *s)
{
	return len == strlen(s) && !memcmp(v, s, len);
}

/* SAX2 attributes come as (localname, prefix, URI, value, end) quintuples. */
static const xmlChar *attr(int n, const xmlChar **attrs, const char *local, size_t *len)
{
	int i;

	for (i = 0; i < n; i++) {
		if (is(attrs[5 * i], local)) {
			*len = attrs[5 * i + 4] - attrs[5 * i + 3];
			return attrs[5 * i + 3];
		}
	}
	return NULL;
}

static void stop(struct x_xml *p)
{
	xmlStopParser(p->ctxt);
}

static void emit(struct x_xml *p, const char *s, size_t n)
{
	if (x_emit(p->x, s, n))
		stop(p);
}

static void sep(struct x_xml *p)
{
	if (x_emit_sep(p->x))
		stop(p);
}

static void skip(struct x_xml *p)
{
	p->skip_depth = p->depth;
}

static void collect(struct x_xml *p)
{
	if (!p->text_depth)
		p->text_depth = p->depth;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
		     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_defaulted,
		     const xmlChar **attrs)
{
	struct x_xml *p = ctx;
	const xmlChar *v;
	size_t len;

	p->depth++;
	/*
	 * libxml2's push parser keeps a stack entry per open element and sets no depth limit of
	 * its own: a member of nothing but opening tags would grow it by the million.
	 */
	if (p->depth > X_XML_MAX_DEPTH) {
		p->too_deep = true;
		stop(p);
		return;
	}
	if (p->skip_depth)
		return;
	/* mc:AlternateContent repeats its content in a fallback for old readers: read it once. */
	if (is(local, "Fallback")) {
		skip(p);
		return;
	}
	switch (p->prof) {
	case XP_DOCX:
		if (is(local, "t") || is(local, "delText"))
			collect(p);
		else if (is(local, "tab"))
			emit(p, "\t", 1);
		else if (is(local, "br") || is(local, "cr"))
			emit(p, "\n", 1);
		else if (is(local, "instrText"))
			skip(p);
		break;
	case XP_XLSX_STRINGS:
		if (is(local, "rPh"))		/* phonetic reading of East Asian text */
			skip(p);
		else if (is(local, "t"))
			collect(p);
		break;
	case XP_XLSX_SHEET:
		if (is(local, "c")) {
			v = attr(nb_attrs, attrs, "t", &len);
			if (!v)
				len = 0;
			if (len >= sizeof(p->cell_type))
				len = sizeof(p->cell_type) - 1;
			memcpy(p->cell_type, v ? (const char *)v : "", len);
			p->cell_type[len] = '\0';
		} else if (is(local, "v")) {
			const char *t = p->cell_type;

			/* shared string indexes, booleans and errors are not text */
			if (!strcmp(t, "s") || !strcmp(t, "b") || !strcmp(t, "e")) {
				skip(p);
				break;
			}
			p->number = !*t || !strcmp(t, "n");
			p->num_len = 0;
			collect(p);
		} else if (is(local, "f")) {
			skip(p);
		} else if (is(local, "t") || is(local, "oddHeader") || is(local, "oddFooter") ||
			   is(local, "evenHeader") || is(local, "evenFooter") ||
			   is(local, "firstHeader") || is(local, "firstFooter")) {
			collect(p);
		} else if (is(local, "rPh")) {
			skip(p);
		}
		break;
	case XP_PPTX:
		if (is(local, "t") || is(local, "text"))
			collect(p);
		else if (is(local, "br"))
			emit(p, "\n", 1);
		break;
	case XP_ODF:
		if (is(local, "p") || is(local, "h")) {
			collect(p);
		} else if (is(local, "s")) {
			emit(p, " ", 1);
		} else if (is(local, "tab")) {
			emit(p, "\t", 1);
		} else if (is(local, "line-break")) {
			emit(p, "\n", 1);
		} else if (is(local, "note")) {
			sep(p);
		} else if (is(local, "table-cell")) {
			v = attr(nb_attrs, attrs, "value-type", &len);
			if (v && (value_is(v, len, "float") || value_is(v, len, "percentage") ||
				  value_is(v, len, "currency"))) {
				v = attr(nb_attrs, attrs, "value", &len);
				if (v) {
					/* the display text is a formatting of this value */
					if (x_emit_number(p->x, (const char *)v, len) ||
					    x_emit_sep(p->x))
						stop(p);
					skip(p);
				}
			}
		}
		break;
	}
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct x_xml *p = ctx;

	if (p->skip_depth) {
		if (p->skip_depth == p->depth)
			p->skip_depth = 0;
		p->depth--;
		return;
	}
	if (p->text_depth == p->depth) {
		p->text_depth = 0;
		if (p->number) {
			p->number = false;
			if (x_emit_number(p->x, p->num, p->num_len))
				stop(p);
		}
	}
	p->depth--;
	switch (p->prof) {
	case XP_DOCX:
		if (is(local, "p") || is(local, "tc"))
			sep(p);
		break;
	case XP_XLSX_STRINGS:
		if (is(local, "si") || is(local, "comment"))
			sep(p);
		break;
	case XP_XLSX_SHEET:
		if (is(local, "c") || is(local, "row") || is(local, "oddHeader") ||
		    is(local, "oddFooter"))
			sep(p);
		break;
	case XP_PPTX:
		if (is(local, "p") || is(local, "cm"))
			sep(p);
		break;
	case XP_ODF:
		if (is(local, "p") || is(local, "h") || is(local, "table-cell") ||
		    is(local, "note"))
			sep(p);
		break;
	}
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
	struct x_xml *p = ctx;

	if (p->skip_depth || !p->text_depth || len <= 0)
		return;
	if (p->number) {
		if (p->num_len + len > sizeof(p->num)) {
			/* not a number Excel writes: give it as text */
			p->number = false;
			emit(p, p->num, p->num_len);
		} else {
			memcpy(p->num + p->num_len, ch, len);
			p->num_len += len;
			return;
		}
	}
	emit(p, (const char *)ch, len);
}

/* The DOCTYPE is reported before its declarations are parsed: stop right there. */
static void on_dtd(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	struct x_xml *p = ctx;

	p->dtd = true;
	stop(p);
}

/* Never resolve anything: the predefined entities (&amp; ...) are all office XML uses. */
static xmlEntityPtr on_entity(void *ctx, const xmlChar *name)
{
	return xmlGetPredefinedEntity(name);
}

static void on_error(void *ctx, xmlErrorPtr err)
{
	struct x_xml *p = ctx;	/* parser errors get the SAX user data */

	if (!p || p->error[0] || !err || err->level < XML_ERR_ERROR)
		return;
	snprintf(p->error, sizeof(p->error), "%s", err->message ? err->message : "error");
	p->error[strcspn(p->error, "\n")] = '\0';
}

struct x_xml *x_xml_new(struct xctx *x, enum x_xml_profile profile, const char *member)
{
	xmlSAXHandler sax;
	struct x_xml *p;

	pthread_once(&xml_once, xml_init);
	/* libxml2's global handlers are per thread: keep this thread's errors off stderr. */
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);

	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->x = x;
	p->prof = profile;
	snprintf(p->member, sizeof(p->member), "%s", member);

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElementNs = on_start;
	sax.endElementNs = on_end;
	sax.characters = on_text;
	sax.cdataBlock = on_text;
	sax.internalSubset = on_dtd;
	sax.getEntity = on_entity;
	sax.serror = on_error;

	p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, NULL);
	if (!p->ctxt) {
		free(p);
		return NULL;
	}
	xmlCtxtUseOptions(p->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	/* xmlCtxtUseOptions resets the handlers it touches: make sure ours stay. */
	p->ctxt->sax->serror = on_error;
	p->ctxt->sax->internalSubset = on_dtd;
	p->ctxt->sax->getEntity = on_entity;
	return p;
}

/* Return: 0 to go on, -1 when this part is done (an error is recorded when there was one). */
int x_xml_feed(struct x_xml *p, const char *buf, size_t len, bool last)
{
	int rc;

	if (p->x->stop)
		return -1;
	rc = xmlParseChunk(p->ctxt, buf, (int)len, last);
	if (p->x->stop)
		return -1;
	if (p->dtd) {
		if (!p->reported)
			x_status(p->x, EXTRACT_CORRUPT,
				 "corrupt: XML in member '%s': DOCTYPE refused (office XML has none)",
				 p->member);
		p->reported = true;
		return -1;
	}
	if (p->too_deep) {
		if (!p->reported)
			x_status(p->x, EXTRACT_CORRUPT,
				 "corrupt: XML in member '%s': elements nested deeper than %d",
				 p->member, X_XML_MAX_DEPTH);
		p->reported = true;
		return -1;
	}
	if (rc || !p->ctxt->wellFormed) {
		if (!p->reported)
			x_status(p->x, EXTRACT_CORRUPT, "corrupt: XML in member '%s': %s (line %d)",
				 p->member, p->error[0] ? p->error : "not well-formed",
				 xmlSAX2GetLineNumber(p->ctxt));
		p->reported = true;
		return -1;
	}
	return last ? -1 : 0;
}

void x_xml_free(struct x_xml *p)
{
	if (!p)
		return;
	if (p->ctxt) {
		if (p->ctxt->myDoc)
			xmlFreeDoc(p->ctxt->myDoc);
		xmlFreeParserCtxt(p->ctxt);
	}
	free(p);
}
