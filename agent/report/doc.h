/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A report as data: a summary and named sections (tables), each with its columns, its rows (up to
 * a limit; the count of every row offered is kept), and optionally a chart. The three reports fill
 * one of these; the JSON, CSV and HTML writers print it, so the three formats carry the same
 * numbers. Cells hold paths, names, counts and times, never a PD value.
 */
#ifndef PDGUARD_REPORT_DOC_H
#define PDGUARD_REPORT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum cell_type {
	CELL_NULL,
	CELL_STR,
	CELL_INT,
};

struct cell {
	int type;
	int64_t n;
	char *s;
};

enum chart_kind {
	CHART_NONE,
	CHART_HBAR,	/* one bar per row: label column, first value column */
	CHART_TIME,	/* rows are time buckets: label column, up to 3 series, optional threshold */
};

/**
 * struct chart - how the HTML draws a section
 * @label_col: column of the bar labels; @val_cols, @nval: the series
 * @threshold: drawn as a line (CHART_TIME), 0 for none
 */
struct chart {
	int kind;
	int label_col;
	int val_cols[3];
	int nval;
	int64_t threshold;
};

/**
 * struct section - one table
 * @id: stable name (JSON key, CSV first column, i18n key of the title)
 * @cols: column names (JSON keys; i18n keys of the headers)
 * @rows: @nrows rows of @ncols cells; @total: rows offered (more than @nrows when over @limit)
 * @status_col: column holding ok/warn/fail/info, coloured in HTML; -1 none
 * @key_col: column whose values are names the HTML translates (the audit's items); -1 none
 */
struct section {
	char *id;
	const char **cols;
	size_t ncols;
	struct cell *cells;
	size_t nrows, cap;
	uint64_t total;
	size_t limit;
	struct chart chart;
	int status_col;
	int key_col;
};

/**
 * struct doc - a report
 * @kind: "datamap", "access", "audit"
 * @summary: the headline numbers, a section with columns key, value
 */
struct doc {
	const char *kind;
	char *host;
	char *policy;
	char *log;
	time_t generated, since, until;
	const char *lang;
	struct section summary;
	struct section *secs;
	size_t nsecs;
};

int doc_init(struct doc *d, const char *kind);
/* Rows kept per table (the count of all rows is kept beyond it); default 1000. */
void doc_set_limit(size_t limit);
void doc_free(struct doc *d);
/* A new section with @ncols columns named by @cols (static strings). NULL on -ENOMEM. */
struct section *doc_section(struct doc *d, const char *id, const char *const *cols, size_t ncols);
struct section *doc_find(struct doc *d, const char *id);
/*
 * A new row (cells CELL_NULL), or NULL when the section is at its limit (the row is still
 * counted in @total) or out of memory. Pointers stay valid until the next doc_row() on @s.
 */
struct cell *doc_row(struct section *s);
void cell_str(struct cell *c, const char *s);
void cell_int(struct cell *c, int64_t n);
/* A UTC time "2026-05-12T21:03:11Z" (0: null). */
void cell_time(struct cell *c, time_t t);
void cell_fmt(struct cell *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A summary line. */
void doc_sum_int(struct doc *d, const char *key, int64_t n);
void doc_sum_str(struct doc *d, const char *key, const char *s);
void doc_sum_time(struct doc *d, const char *key, time_t t);

void fmt_time(time_t t, char *buf, size_t len);

/* Writers; @only: one section's id (JSON, CSV), NULL for all. Return: 0 or -errno. */
int doc_write_json(const struct doc *d, FILE *f, const char *only);
int doc_write_csv(const struct doc *d, FILE *f, const char *only);
int doc_write_html(const struct doc *d, FILE *f);

/* The translation of @key in @lang ("en", "ru"), or @key itself when there is none. */
const char *doc_tr(const char *lang, const char *key);

#endif /* PDGUARD_REPORT_DOC_H */
