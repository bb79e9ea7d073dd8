// SPDX-License-Identifier: GPL-2.0
/* Reports as data, and their JSON and CSV writers (report/doc.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"
#include "report/doc.h"

static const char *const summary_cols[] = { "key", "value" };

static void section_init(struct section *s, const char *id, const char *const *cols,
			 size_t ncols, size_t limit)
{
	memset(s, 0, sizeof(*s));
	s->id = strdup(id);
	s->cols = (const char **)cols;
	s->ncols = ncols;
	s->limit = limit;
	s->status_col = -1;
	s->key_col = -1;
}

static void section_free(struct section *s)
{
	size_t i;

	for (i = 0; i < s->nrows * s->ncols; i++)
		free(s->cells[i].s);
	free(s->cells);
	free(s->id);
}

int doc_init(struct doc *d, const char *kind)
{
	char host[256] = "";

	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->generated = time(NULL);
	gethostname(host, sizeof(host) - 1);
	d->host = strdup(host);
	d->lang = "en";
	section_init(&d->summary, "summary", summary_cols, 2, (size_t)-1);
	return d->host && d->summary.id ? 0 : -ENOMEM;
}

void doc_free(struct doc *d)
{
	size_t i;

	for (i = 0; i < d->nsecs; i++)
		section_free(&d->secs[i]);
	free(d->secs);
	section_free(&d->summary);
	free(d->host);
	free(d->policy);
	free(d->log);
	memset(d, 0, sizeof(*d));
}

/* Sections are found by id; the limit of every table is the document's, set at doc_init(). */
static size_t doc_limit = 1000;

struct section *doc_section(struct doc *d, const char *id, const char *const *cols, size_t ncols)
{
	struct section *v = realloc(d->secs, (d->nsecs + 1) * sizeof(*v));

	if (!v)
		return NULL;
	d->secs = v;
	section_init(&v[d->nsecs], id, cols, ncols, doc_limit);
	if (!v[d->nsecs].id)
		return NULL;
	return &v[d->nsecs++];
}

void doc_set_limit(size_t limit)
{
	doc_limit = limit;
}

struct section *doc_find(struct doc *d, const char *id)
{
	size_t i;

	for (i = 0; i < d->nsecs; i++)
		if (!strcmp(d->secs[i].id, id))
			return &d->secs[i];
	return NULL;
}

struct cell *doc_row(struct section *s)
{
	struct cell *c;

	s->total++;
	if (s->nrows >= s->limit)
		return NULL;
	if (s->nrows == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		c = realloc(s->cells, cap * s->ncols * sizeof(*c));
		if (!c)
			return NULL;
		s->cells = c;
		s->cap = cap;
	}
	c = &s->cells[s->nrows++ * s->ncols];
	memset(c, 0, s->ncols * sizeof(*c));
	return c;
}

void cell_str(struct cell *c, const char *s)
{
	free(c->s);
	c->s = s ? strdup(s) : NULL;
	c->type = c->s ? CELL_STR : CELL_NULL;
}

void cell_int(struct cell *c, int64_t n)
{
	c->type = CELL_INT;
	c->n = n;
}

void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cell_time(struct cell *c, time_t t)
{
	char buf[32];

	if (!t) {
		cell_str(c, NULL);
		return;
	}
	fmt_time(t, buf, sizeof(buf));
	cell_str(c, buf);
}

void cell_fmt(struct cell *c, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(c->s);
	c->s = s;
	c->type = s ? CELL_STR : CELL_NULL;
}

void doc_sum_int(struct doc *d, const char *key, int64_t n)
{
	struct cell *c = doc_row(&d->summary);

	if (c) {
		cell_str(&c[0], key);
		cell_int(&c[1], n);
	}
}

void doc_sum_str(struct doc *d, const char *key, const char *s)
{
	struct cell *c = doc_row(&d->summary);

	if (c) {
		cell_str(&c[0], key);
		cell_str(&c[1], s);
	}
}

void doc_sum_time(struct doc *d, const char *key, time_t t)
{
	struct cell *c = doc_row(&d->summary);

	if (c) {
		cell_str(&c[0], key);
		cell_time(&c[1], t);
	}
}

static void json_cell(FILE *f, const struct cell *c)
{
	if (c->type == CELL_INT)
		fprintf(f, "%lld", (long long)c->n);
	else if (c->type == CELL_STR)
		json_put_string(f, c->s);
	else
		fputs("null", f);
}

static void json_time_or_null(FILE *f, time_t t)
{
	char buf[32];

	if (!t) {
		fputs("null", f);
		return;
	}
	fmt_time(t, buf, sizeof(buf));
	json_put_string(f, buf);
}

int doc_write_json(const struct doc *d, FILE *f, const char *only)
{
	size_t i, r, k;
	bool first = true;

	fprintf(f, "{\"report\":\"%s\",\"format_version\":1,\"generated\":", d->kind);
	json_time_or_null(f, d->generated);
	fputs(",\"host\":", f);
	json_put_string(f, d->host);
	fputs(",\"policy\":", f);
	if (d->policy)
		json_put_string(f, d->policy);
	else
		fputs("null", f);
	fputs(",\"log\":", f);
	if (d->log)
		json_put_string(f, d->log);
	else
		fputs("null", f);
	fputs(",\"since\":", f);
	json_time_or_null(f, d->since);
	fputs(",\"until\":", f);
	json_time_or_null(f, d->until);
	fputs(",\n\"summary\":{", f);
	for (r = 0; r < d->summary.nrows; r++) {
		const struct cell *c = &d->summary.cells[r * 2];

		fputs(r ? "," : "", f);
		json_put_string(f, c[0].s);
		fputc(':', f);
		json_cell(f, &c[1]);
	}
	fputs("},\n\"sections\":{", f);
	for (i = 0; i < d->nsecs; i++) {
		const struct section *s = &d->secs[i];

		if (only && strcmp(only, s->id))
			continue;
		fprintf(f, "%s\n\"%s\":{\"total\":%llu,\"truncated\":%s,\"rows\":[", first ? "" : ",",
			s->id, (unsigned long long)s->total, s->total > s->nrows ? "true" : "false");
		first = false;
		for (r = 0; r < s->nrows; r++) {
			fputs(r ? ",\n{" : "\n{", f);
			for (k = 0; k < s->ncols; k++) {
				fprintf(f, "%s\"%s\":", k ? "," : "", s->cols[k]);
				json_cell(f, &s->cells[r * s->ncols + k]);
			}
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("}}\n", f);
	return ferror(f) ? -EIO : 0;
}

/*
 * RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes. A text that a
 * spreadsheet would run as a formula (a file named "=HYPERLINK(...)" by whoever could create
 * it) gets a leading apostrophe, as OWASP advises for CSV: the report is opened by an owner.
 */
static void csv_field(FILE *f, const char *s)
{
	if (strchr("=+@\t\r", s[0]) && s[0])
		fputc('\'', f);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_cell(FILE *f, const struct cell *c)
{
	if (c->type == CELL_INT)
		fprintf(f, "%lld", (long long)c->n);
	else if (c->type == CELL_STR)
		csv_field(f, c->s);
}

static void csv_section(FILE *f, const struct section *s)
{
	size_t r, k;

	fputs("section", f);
	for (k = 0; k < s->ncols; k++)
		fprintf(f, ",%s", s->cols[k]);
	fputs("\r\n", f);
	for (r = 0; r < s->nrows; r++) {
		fputs(s->id, f);
		for (k = 0; k < s->ncols; k++) {
			fputc(',', f);
			csv_cell(f, &s->cells[r * s->ncols + k]);
		}
		fputs("\r\n", f);
	}
}

int doc_write_csv(const struct doc *d, FILE *f, const char *only)
{
	size_t i;
	bool first = true;

	if (!only || !strcmp(only, "summary")) {
		csv_section(f, &d->summary);
		first = false;
	}
	for (i = 0; i < d->nsecs; i++) {
		if (only && strcmp(only, d->secs[i].id))
			continue;
		if (!first)
			fputs("\r\n", f);
		csv_section(f, &d->secs[i]);
		first = false;
	}
	return ferror(f) ? -EIO : 0;
}
