// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: policies/rules.d/NN-name.conf, parsed with Debian's libinih.
 *
 * libinih 55 does not tell the handler which line it is on, and cuts lines at 199 characters.
 * We feed it through our own line reader (ini_parse_stream), which counts lines, notices
 * over-long lines itself and tracks sections, so every message can say "file:line: reason".
 * Nothing stops at the first error: each rule is kept or dropped on its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <ini.h>
#include <pcre2.h>

#include "classify/mask.h"
#include "classify/rules.h"

/* Rule files are small; anything bigger is a mistake (a data file dropped into rules.d). */
#define RULES_FILE_MAX (1024 * 1024)
/* libinih 55's buffer is 200 bytes: 198 characters, the newline and the NUL. */
#define INI_LINE_MAX 200
#define WORD_MAX     100

struct rule_ref {
	size_t rule;  /* index into rs->rules */
	bool exclude; /* an exclusion (exclude = @x), not context */
	char *family;
	char *file;
	int line;
};

enum section_kind { SEC_NONE, SEC_RULE, SEC_FAMILY, SEC_BAD };

/* Where each part of a multi-line pattern came from, to point a PCRE2 offset at its line. */
struct pattern_part {
	size_t offset;
	int line;
};

#define MAX_KEYS 32

struct parse_state {
	struct rules *rs;
	struct rules_errors *errs;
	const char *file;
	const char *p, *end;
	int line;
	bool have_key; /* a key since the section began: indented lines continue it */

	enum section_kind kind;
	int sec_line;
	bool sec_error;
	struct rule rule;
	struct rule_family fam;
	struct pattern_part *parts, *xparts;
	size_t nparts, nxparts;
	struct rule_ref *refs; /* of the current section, .rule set at commit */
	size_t nrefs;
	struct {
		const char *key;
		int line;
	} seen[MAX_KEYS];
	size_t nseen;
};

static const char *const confidence_names[] = {
	[CONF_REJECT] = "reject",
	[CONF_LOW] = "low",
	[CONF_MEDIUM] = "medium",
	[CONF_HIGH] = "high",
};

const char *pd_category_name(int category)
{
	return vocab_category_name(category);
}

const char *confidence_name(int conf)
{
	if (conf < CONF_REJECT || conf > CONF_HIGH)
		return "?";
	return confidence_names[conf];
}

int confidence_find(const char *name)
{
	int i;

	for (i = CONF_REJECT; i <= CONF_HIGH; i++)
		if (!strcmp(confidence_names[i], name))
			return i;
	return -EINVAL;
}

static void errs_vadd(struct rules_errors *errs, const char *file, int line, const char *fmt,
		      va_list ap)
{
	char *msg = NULL, *full = NULL, **n;
	int ret;

	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	if (line > 0)
		ret = asprintf(&full, "%s:%d: %s", file, line, msg);
	else
		ret = asprintf(&full, "%s: %s", file, msg);
	free(msg);
	if (ret < 0)
		return;
	n = realloc(errs->msg, (errs->n + 1) * sizeof(*n));
	if (!n) {
		free(full);
		return;
	}
	errs->msg = n;
	errs->msg[errs->n++] = full;
}

static void __attribute__((format(printf, 4, 5)))
errs_add(struct rules_errors *errs, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_vadd(errs, file, line, fmt, ap);
	va_end(ap);
}

/* An error in the current section: it is reported and the section will not be used. */
static void __attribute__((format(printf, 2, 3)))
sec_err(struct parse_state *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errs_vadd(ps->errs, ps->file, ps->line, fmt, ap);
	va_end(ap);
	ps->sec_error = true;
}

void rules_errors_free(struct rules_errors *errs)
{
	size_t i;

	if (!errs)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->msg[i]);
	free(errs->msg);
	errs->msg = NULL;
	errs->n = 0;
}

struct rules *rules_new(void)
{
	return calloc(1, sizeof(struct rules));
}

static void rule_clear(struct rule *r)
{
	free(r->name);
	free(r->file);
	free(r->description);
	free(r->pattern);
	free(r->exclude_pattern);
	pcre2_code_free(r->re);
	pcre2_code_free(r->exclude_re);
	free(r->context);
	free(r->exclude);
	memset(r, 0, sizeof(*r));
}

static void family_clear(struct rule_family *f)
{
	free(f->name);
	free(f->file);
	free(f->description);
	free(f->words);
	memset(f, 0, sizeof(*f));
}

static void ref_clear(struct rule_ref *r)
{
	free(r->family);
	free(r->file);
}

void rules_free(struct rules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->nrules; i++)
		rule_clear(&rs->rules[i]);
	free(rs->rules);
	for (i = 0; i < rs->nfamilies; i++)
		family_clear(&rs->families[i]);
	free(rs->families);
	for (i = 0; i < rs->nwords; i++)
		free(rs->words[i].text);
	free(rs->words);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->files);
	for (i = 0; i < rs->nrefs; i++)
		ref_clear(&rs->refs[i]);
	free(rs->refs);
	free(rs);
}

/* Grow *arr by one element of @size; returns the new element (zeroed) or NULL. */
static void *push(void **arr, size_t *n, size_t size)
{
	char *a = realloc(*arr, (*n + 1) * size);

	if (!a)
		return NULL;
	*arr = a;
	memset(a + *n * size, 0, size);
	return a + (*n)++ * size;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/*
 * Does the UTF-8 text hold a lower-case letter? Words without one (ИИН, СО, ОПВ) are
 * abbreviations and match only in capitals: caseless "СО" would match the preposition "со".
 */
static bool has_lower(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int cp;

		if (*p < 0x80) {
			cp = *p++;
		} else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
			cp = ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
			p += 2;
		} else {
			p++;
			while ((*p & 0xc0) == 0x80)
				p++;
			continue;
		}
		if (cp >= 'a' && cp <= 'z')
			return true;
		if (cp >= 0xdf && cp <= 0xff && cp != 0xf7)
			return true;
		if (cp >= 0x430 && cp <= 0x45f)
			return true;
		/* Cyrillic extensions (Kazakh ә ғ қ ң ө ұ ү һ): pairs, lower case second */
		if (cp >= 0x460 && cp <= 0x4ff) {
			if (cp == 0x4cf)
				return true;
			if (cp >= 0x4c1 && cp <= 0x4ce)
				return !(cp & 1);
			if (cp != 0x4c0 && (cp & 1))
				return true;
		}
	}
	return false;
}

/* '*' ends a word of a phrase ("удостоверени* личност*"); anywhere else it is a mistake. */
static bool bad_star(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\t')
			return true;
		if (s[i] == '*' && (i == 0 || s[i - 1] == ' ' || s[i + 1] != ' '))
			return true;
	}
	return false;
}

/* Intern a word; returns its index or -ENOMEM. */
static long word_intern(struct rules *rs, const char *text, unsigned int flags)
{
	struct rule_word *w;
	size_t i;

	for (i = 0; i < rs->nwords; i++)
		if (rs->words[i].flags == flags && !strcmp(rs->words[i].text, text))
			return i;
	w = push((void **)&rs->words, &rs->nwords, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->text = strdup(text);
	if (!w->text) {
		rs->nwords--;
		return -ENOMEM;
	}
	w->flags = flags;
	return rs->nwords - 1;
}

static int add_index(uint32_t **arr, size_t *n, uint32_t v)
{
	uint32_t *slot;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*arr)[i] == v)
			return 0;
	slot = push((void **)arr, n, sizeof(**arr));
	if (!slot)
		return -ENOMEM;
	*slot = v;
	return 0;
}

/*
 * "a, b, @family, c*": words are interned into @arr; @family references (allowed when
 * @refs_ok) wait for rules_finish().
 */
static void parse_word_list(struct parse_state *ps, const char *key, const char *value,
			    uint32_t **arr, size_t *n, bool refs_ok, bool exclude)
{
	char *copy = strdup(value), *item, *save = NULL;

	if (!copy) {
		sec_err(ps, "out of memory");
		return;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		unsigned int flags = 0;
		size_t len;
		long idx;

		item = trim(item);
		len = strlen(item);
		if (!len)
			continue;
		if (item[0] == '@') {
			struct rule_ref *ref;

			if (!refs_ok) {
				sec_err(ps, "'%s' cannot refer to a family here ('%s')", key, item);
				continue;
			}
			if (!valid_name(item + 1)) {
				sec_err(ps, "bad family reference '%s' (expected @NAME)", item);
				continue;
			}
			ref = push((void **)&ps->refs, &ps->nrefs, sizeof(*ref));
			if (!ref || !(ref->family = strdup(item + 1)) ||
			    !(ref->file = strdup(ps->file))) {
				sec_err(ps, "out of memory");
				continue;
			}
			ref->line = ps->line;
			ref->exclude = exclude;
			continue;
		}
		if (item[len - 1] == '*') {
			flags |= RULE_WORD_PREFIX;
			item[--len] = '\0';
			item = trim(item);
			len = strlen(item);
		}
		if (!len || len > WORD_MAX) {
			sec_err(ps, "'%s': word '%.20s...' is empty or longer than %d bytes", key,
				item, WORD_MAX);
			continue;
		}
		if (bad_star(item)) {
			sec_err(ps, "'%s': '*' may only end a word ('%s')", key, item);
			continue;
		}
		if (!has_lower(item))
			flags |= RULE_WORD_CASE;
		idx = word_intern(ps->rs, item, flags);
		if (idx < 0 || add_index(arr, n, idx) < 0)
			sec_err(ps, "out of memory");
	}
	free(copy);
}

static int parse_uint(struct parse_state *ps, const char *key, const char *value, unsigned int lo,
		      unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || v < lo || v > hi || value[0] == '-') {
		sec_err(ps, "'%s': expected a number from %u to %u, got '%s'", key, lo, hi, value);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse_bool(struct parse_state *ps, const char *key, const char *value, bool *out)
{
	if (!strcmp(value, "yes") || !strcmp(value, "true") || !strcmp(value, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(value, "no") || !strcmp(value, "false") || !strcmp(value, "0")) {
		*out = false;
		return 0;
	}
	sec_err(ps, "'%s': expected yes or no, got '%s'", key, value);
	return -EINVAL;
}

static int parse_category(struct parse_state *ps, const char *value, bool none_ok, int *out)
{
	int c = vocab_category_find(value);

	if (c >= 0) {
		*out = c;
		return 0;
	}
	if (none_ok && !strcmp(value, "none")) {
		*out = -1;
		return 0;
	}
	sec_err(ps,
		"bad category '%s' (expected basic, personnel, financial, medical or "
		"biometric%s)",
		value, none_ok ? ", or none" : "");
	return -EINVAL;
}

static int parse_confidence(struct parse_state *ps, const char *key, const char *value,
			    bool reject_ok, int *out)
{
	int c = confidence_find(value);

	if (c > CONF_REJECT || (c == CONF_REJECT && reject_ok)) {
		*out = c;
		return 0;
	}
	sec_err(ps, "'%s': bad confidence '%s' (expected %shigh, medium or low)", key, value,
		reject_ok ? "reject, " : "");
	return -EINVAL;
}

/* Append @value to a multi-line string, remembering which line each part came from. */
static void append_part(struct parse_state *ps, char **str, struct pattern_part **parts,
			size_t *nparts, const char *value)
{
	size_t old = *str ? strlen(*str) : 0, len = strlen(value);
	struct pattern_part *part;
	char *s;

	s = realloc(*str, old + len + 1);
	part = push((void **)parts, nparts, sizeof(*part));
	if (!s || !part) {
		free(s == *str ? NULL : s);
		sec_err(ps, "out of memory");
		return;
	}
	memcpy(s + old, value, len + 1);
	*str = s;
	part->offset = old;
	part->line = ps->line;
}

/* Keys that may appear once a section; a second one is an error naming the first. */
static bool once(struct parse_state *ps, const char *key)
{
	static const char *const repeatable[] = { "pattern", "exclude-pattern", "context",
						  "exclude", "words",		"description" };
	size_t i;

	for (i = 0; i < sizeof(repeatable) / sizeof(repeatable[0]); i++)
		if (!strcmp(repeatable[i], key))
			return true;
	for (i = 0; i < ps->nseen; i++) {
		if (!strcmp(ps->seen[i].key, key)) {
			sec_err(ps, "'%s' given twice (first on line %d)", key, ps->seen[i].line);
			return false;
		}
	}
	if (ps->nseen < MAX_KEYS) {
		ps->seen[ps->nseen].key = key;
		ps->seen[ps->nseen].line = ps->line;
		ps->nseen++;
	}
	return true;
}

static void append_text(struct parse_state *ps, char **dst, const char *value)
{
	char *n;

	if (!*dst) {
		*dst = strdup(value);
		if (!*dst)
			sec_err(ps, "out of memory");
		return;
	}
	if (asprintf(&n, "%s %s", *dst, value) < 0) {
		sec_err(ps, "out of memory");
		return;
	}
	free(*dst);
	*dst = n;
}

static const char *const rule_keys[] = {
	"description",	   "pattern",	      "validator", "strict",	"category",
	"confidence",	   "without-context", "context",   "window",	"exclude",
	"exclude-pattern", "exclude-window",  "min-count", "min-ratio", "mask",
	"supporting",	   "enabled",	      NULL,
};

static const char *const family_keys[] = { "description", "category", "words", "min-words", NULL };

/* The interned key, so the seen[] table may keep a pointer to it. */
static const char *known_key(const char *const *keys, const char *name)
{
	for (; *keys; keys++)
		if (!strcmp(*keys, name))
			return *keys;
	return NULL;
}

static void rule_key(struct parse_state *ps, const char *key, const char *value)
{
	struct rule *r = &ps->rule;
	unsigned int u;
	bool b;
	int v;

	if (!strcmp(key, "description")) {
		append_text(ps, &r->description, value);
	} else if (!strcmp(key, "pattern")) {
		append_part(ps, &r->pattern, &ps->parts, &ps->nparts, value);
	} else if (!strcmp(key, "exclude-pattern")) {
		append_part(ps, &r->exclude_pattern, &ps->xparts, &ps->nxparts, value);
	} else if (!strcmp(key, "validator")) {
		r->validator = validator_find(value);
		if (!r->validator) {
			size_t i, n;
			const struct validator *vs = validator_list(&n);
			char list[256] = "";

			for (i = 0; i < n; i++) {
				strncat(list, vs[i].name, sizeof(list) - strlen(list) - 1);
				if (i + 1 < n)
					strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			}
			sec_err(ps, "unknown validator '%s' (expected %s)", value, list);
		}
	} else if (!strcmp(key, "strict")) {
		if (!parse_bool(ps, key, value, &b))
			r->strictness = b ? VALIDATE_STRICT : VALIDATE_LENIENT;
	} else if (!strcmp(key, "category")) {
		parse_category(ps, value, false, &r->category);
	} else if (!strcmp(key, "confidence")) {
		parse_confidence(ps, key, value, false, &r->confidence);
	} else if (!strcmp(key, "without-context")) {
		parse_confidence(ps, key, value, true, &r->without_context);
	} else if (!strcmp(key, "context")) {
		parse_word_list(ps, key, value, &r->context, &r->ncontext, true, false);
	} else if (!strcmp(key, "exclude")) {
		parse_word_list(ps, key, value, &r->exclude, &r->nexclude, true, true);
	} else if (!strcmp(key, "window")) {
		if (!parse_uint(ps, key, value, 1, RULE_MAX_WINDOW, &u))
			r->window = u;
	} else if (!strcmp(key, "exclude-window")) {
		if (!parse_uint(ps, key, value, 1, RULE_MAX_WINDOW, &u))
			r->exclude_window = u;
	} else if (!strcmp(key, "min-count")) {
		if (!parse_uint(ps, key, value, 1, 1000000, &u))
			r->min_count = u;
	} else if (!strcmp(key, "min-ratio")) {
		if (!parse_uint(ps, key, value, 0, 100, &u))
			r->min_ratio = u;
	} else if (!strcmp(key, "mask")) {
		v = mask_style_find(value);
		if (v < 0)
			sec_err(ps,
				"unknown mask '%s' (expected generic, iin, card, iban, phone "
				"or all)",
				value);
		else
			r->mask = v;
	} else if (!strcmp(key, "supporting")) {
		if (!parse_bool(ps, key, value, &b))
			r->supporting = b;
	} else if (!strcmp(key, "enabled")) {
		if (!parse_bool(ps, key, value, &b))
			r->enabled = b;
	}
}

static void family_key(struct parse_state *ps, const char *key, const char *value)
{
	struct rule_family *f = &ps->fam;
	unsigned int u;

	if (!strcmp(key, "description"))
		append_text(ps, &f->description, value);
	else if (!strcmp(key, "category"))
		parse_category(ps, value, true, &f->category);
	else if (!strcmp(key, "words"))
		parse_word_list(ps, key, value, &f->words, &f->nwords, false, false);
	else if (!strcmp(key, "min-words") && !parse_uint(ps, key, value, 1, 100, &u))
		f->min_words = u;
}

static int ini_handler_fn(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *ps = user;
	const char *key;

	ps->have_key = true;
	switch (ps->kind) {
	case SEC_NONE:
		errs_add(ps->errs, ps->file, ps->line,
			 "'%s' outside a section (start with [rule NAME] or [family NAME])", name);
		return 1;
	case SEC_BAD: return 1; /* the section header was reported */
	case SEC_RULE:
	case SEC_FAMILY: break;
	}
	key = known_key(ps->kind == SEC_RULE ? rule_keys : family_keys, name);
	if (!key) {
		sec_err(ps, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	if (!*value) {
		sec_err(ps, "'%s' has no value", name);
		return 1;
	}
	if (!once(ps, key))
		return 1;
	if (ps->kind == SEC_RULE)
		rule_key(ps, key, value);
	else
		family_key(ps, key, value);
	return 1;
}

static void section_reset(struct parse_state *ps)
{
	size_t i;

	rule_clear(&ps->rule);
	family_clear(&ps->fam);
	free(ps->parts);
	free(ps->xparts);
	ps->parts = ps->xparts = NULL;
	ps->nparts = ps->nxparts = 0;
	for (i = 0; i < ps->nrefs; i++)
		ref_clear(&ps->refs[i]);
	free(ps->refs);
	ps->refs = NULL;
	ps->nrefs = 0;
	ps->nseen = 0;
	ps->sec_error = false;
	ps->have_key = false;
	ps->kind = SEC_NONE;
}

/* Line of the part of a multi-line pattern that holds @offset, and the offset within it. */
static int part_line(const struct pattern_part *parts, size_t n, size_t *offset)
{
	size_t i;

	for (i = n; i-- > 0;) {
		if (*offset >= parts[i].offset || i == 0) {
			*offset -= parts[i].offset;
			return parts[i].line;
		}
	}
	return 0;
}

/* Compile with PCRE2 in byte mode (the text is UTF-8, but [0-9] is what rules match). */
static void *compile_checked(struct parse_state *ps, const char *what, const char *pattern,
			     const struct pattern_part *parts, size_t nparts)
{
	PCRE2_SIZE off;
	int code;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		size_t o = off;
		int line = part_line(parts, nparts, &o);

		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			strcpy((char *)msg, "unknown error");
		errs_add(ps->errs, ps->file, line, "%s error at offset %zu: %s", what, o,
			 (char *)msg);
		ps->sec_error = true;
	}
	return re;
}

/*
 * Hyperscan tells us the widths a pattern can match; the engine confirms every candidate on a
 * window around it, so the width must be bounded. A pattern Hyperscan cannot take even as a
 * prefilter is fine: it runs as a separate PCRE2 pass (rules check says so).
 */
static void check_width(struct parse_state *ps, const struct rule *r)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *cerr = NULL;
	int line = ps->parts ? ps->parts[0].line : ps->sec_line;

	if (hs_expression_info(r->pattern, HS_FLAG_PREFILTER, &info, &cerr) != HS_SUCCESS) {
		hs_free_compile_error(cerr);
		return;
	}
	if (info->min_width == 0)
		errs_add(ps->errs, ps->file, line, "pattern can match an empty string");
	else if (info->max_width > RULE_MAX_WIDTH)
		errs_add(ps->errs, ps->file, line,
			 "pattern can match more than %d bytes: bound every repeat ({1,20}, not "
			 "+ or *)",
			 RULE_MAX_WIDTH);
	else {
		free(info);
		return;
	}
	free(info);
	ps->sec_error = true;
}

static bool name_taken(struct parse_state *ps, const char *kind, const char *name)
{
	size_t i;

	for (i = 0; i < ps->rs->nrules; i++) {
		if (!strcmp(ps->rs->rules[i].name, name)) {
			sec_err(ps, "%s '%s' already defined at %s:%d", kind, name,
				ps->rs->rules[i].file, ps->rs->rules[i].line);
			return true;
		}
	}
	for (i = 0; i < ps->rs->nfamilies; i++) {
		if (!strcmp(ps->rs->families[i].name, name)) {
			sec_err(ps, "%s '%s' already defined at %s:%d", kind, name,
				ps->rs->families[i].file, ps->rs->families[i].line);
			return true;
		}
	}
	return false;
}

static void commit_rule(struct parse_state *ps)
{
	struct rule *r = &ps->rule, *slot;
	size_t i;

	ps->line = ps->sec_line;
	if (!r->pattern) {
		sec_err(ps, "[rule %s] has no pattern", r->name);
		return;
	}
	if (r->category < 0) {
		sec_err(ps,
			"[rule %s] has no category (basic, personnel, financial, medical or "
			"biometric)",
			r->name);
		return;
	}
	r->re = compile_checked(ps, "pattern", r->pattern, ps->parts, ps->nparts);
	if (r->exclude_pattern)
		r->exclude_re = compile_checked(ps, "exclude-pattern", r->exclude_pattern,
						ps->xparts, ps->nxparts);
	if (ps->sec_error)
		return;
	check_width(ps, r);
	if (ps->sec_error)
		return;
	if (r->without_context < 0) {
		bool ctx = r->ncontext > 0;

		for (i = 0; i < ps->nrefs; i++)
			ctx |= !ps->refs[i].exclude;
		/* a rule that lists context words wants them, unless it says otherwise */
		r->without_context = ctx ? CONF_REJECT : r->confidence;
	}
	if (r->mask < 0)
		r->mask = r->validator->mask;
	slot = push((void **)&ps->rs->rules, &ps->rs->nrules, sizeof(*slot));
	if (!slot) {
		sec_err(ps, "out of memory");
		return;
	}
	*slot = *r;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < ps->nrefs; i++) {
		struct rule_ref *ref = push((void **)&ps->rs->refs, &ps->rs->nrefs, sizeof(*ref));

		if (!ref)
			break;
		*ref = ps->refs[i];
		ref->rule = ps->rs->nrules - 1;
		ps->refs[i].family = ps->refs[i].file = NULL;
	}
}

static void commit_family(struct parse_state *ps)
{
	struct rule_family *slot;

	ps->line = ps->sec_line;
	if (!ps->fam.nwords) {
		sec_err(ps, "[family %s] has no words", ps->fam.name);
		return;
	}
	slot = push((void **)&ps->rs->families, &ps->rs->nfamilies, sizeof(*slot));
	if (!slot) {
		sec_err(ps, "out of memory");
		return;
	}
	*slot = ps->fam;
	memset(&ps->fam, 0, sizeof(ps->fam));
}

static void section_end(struct parse_state *ps)
{
	int line = ps->line;

	if (ps->kind == SEC_RULE && !ps->sec_error)
		commit_rule(ps);
	else if (ps->kind == SEC_FAMILY && !ps->sec_error)
		commit_family(ps);
	ps->line = line;
	section_reset(ps);
}

/* "[rule iin]": end the current section and begin the next. */
static void section_begin(struct parse_state *ps, const char *text)
{
	char buf[INI_LINE_MAX], *kind, *name, *close;

	section_end(ps);
	ps->sec_line = ps->line;
	ps->kind = SEC_BAD;
	snprintf(buf, sizeof(buf), "%s", text + 1);
	close = strchr(buf, ']');
	if (!close) {
		errs_add(ps->errs, ps->file, ps->line, "section header without ']'");
		return;
	}
	*close = '\0';
	kind = trim(buf);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (strcmp(kind, "rule") && strcmp(kind, "family")) {
		errs_add(ps->errs, ps->file, ps->line,
			 "unknown section [%s] (expected [rule NAME] or [family NAME])", kind);
		return;
	}
	if (!valid_name(name)) {
		errs_add(ps->errs, ps->file, ps->line,
			 "bad %s name '%s' (letters, digits, '-', '_' and '.')", kind, name);
		return;
	}
	if (name_taken(ps, kind, name)) {
		ps->kind = SEC_BAD;
		return;
	}
	if (!strcmp(kind, "rule")) {
		ps->kind = SEC_RULE;
		ps->rule.name = strdup(name);
		ps->rule.file = strdup(ps->file);
		ps->rule.line = ps->line;
		ps->rule.category = -1;
		ps->rule.confidence = CONF_MEDIUM;
		ps->rule.without_context = -1;
		ps->rule.validator = validator_find("none");
		ps->rule.strictness = VALIDATE_STRICT;
		ps->rule.window = 300;
		ps->rule.exclude_window = 40;
		ps->rule.min_count = 1;
		ps->rule.mask = -1;
		ps->rule.enabled = true;
	} else {
		ps->kind = SEC_FAMILY;
		ps->fam.name = strdup(name);
		ps->fam.file = strdup(ps->file);
		ps->fam.line = ps->line;
		ps->fam.category = -1;
		ps->fam.min_words = 2;
	}
	ps->sec_error = false;
}

/*
 * The reader libinih pulls lines from. It counts lines (so the handler knows where it is), sees
 * section headers before libinih does (so an empty section is still checked), and keeps lines
 * longer than libinih's buffer away from it: a cut line would be parsed as two.
 */
static char *ini_reader_fn(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	const char *nl, *s;
	size_t len, full;

	if (ps->p >= ps->end)
		return NULL;
	nl = memchr(ps->p, '\n', ps->end - ps->p);
	full = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
	s = ps->p;
	ps->p += full + (nl ? 1 : 0);
	ps->line++;
	len = full;
	if (len && s[len - 1] == '\r')
		len--;
	if (len + 2 > (size_t)num) {
		errs_add(ps->errs, ps->file, ps->line,
			 "line is %zu characters long, libinih reads at most %d: split it over "
			 "several 'pattern =' or 'words =' lines",
			 len, num - 2);
		ps->sec_error = true;
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, s, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	if (memchr(str, '\0', len)) {
		errs_add(ps->errs, ps->file, ps->line, "NUL byte in a rule file");
		strcpy(str, "\n");
		return str;
	}

	/* what libinih will make of the line: a section, a comment, a key, or a continuation */
	s = str;
	if (ps->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	if (*s == ' ' || *s == '\t') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == ';' || *s == '#' || ps->have_key)
			return str;
	}
	if (*s == '[') {
		section_begin(ps, s);
		return str;
	}
	if (*s == '\n' || *s == ';' || *s == '#')
		return str;
	if (!strpbrk(s, "=:")) {
		errs_add(ps->errs, ps->file, ps->line, "expected 'key = value' or '[section]'");
		strcpy(str, "\n");
	}
	return str;
}

int rules_load_buffer(struct rules *rs, const char *name, const char *buf, size_t len,
		      struct rules_errors *errs)
{
	struct parse_state ps = {
		.rs = rs,
		.errs = errs,
		.file = name,
		.p = buf,
		.end = buf + len,
	};
	char **slot;

	slot = push((void **)&rs->files, &rs->nfiles, sizeof(*slot));
	if (!slot || !(*slot = strdup(name))) {
		errs_add(errs, name, 0, "out of memory");
		return -ENOMEM;
	}
	/* every problem went to @errs; libinih's own return (first bad line) adds nothing */
	ini_parse_stream(ini_reader_fn, &ps, ini_handler_fn, &ps);
	section_end(&ps);
	return 0;
}

int rules_load_file(struct rules *rs, const char *path, struct rules_errors *errs)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		errs_add(errs, path, 0, "cannot open: %s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RULES_FILE_MAX) {
		ret = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		errs_add(errs, path, 0, "%s",
			 ret == -EFBIG ? "bigger than 1 MiB: not a rule file"
				       : "not a regular file");
		close(fd);
		return ret;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	ret = rules_load_buffer(rs, path, buf, got, errs);
	free(buf);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_load_dir(struct rules *rs, const char *dir, struct rules_errors *errs)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d) {
		ret = -errno;
		errs_add(errs, dir, 0, "cannot read the rules directory: %s", strerror(-ret));
		return ret;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		char **slot;

		/* *.conf only: package managers leave .conf.dpkg-old and editors leave ~ files */
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		slot = push((void **)&names, &n, sizeof(*slot));
		if (!slot || asprintf(slot, "%s/%s", dir, de->d_name) < 0) {
			ret = -ENOMEM;
			break;
		}
	}
	closedir(d);
	/* byte order, not the locale's: 10-x before 20-y on every machine */
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!ret)
			rules_load_file(rs, names[i], errs);
		free(names[i]);
	}
	free(names);
	if (!ret && !n)
		errs_add(errs, dir, 0, "no *.conf rule files");
	return ret;
}

static struct rule_family *family_find(struct rules *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nfamilies; i++)
		if (!strcmp(rs->families[i].name, name))
			return &rs->families[i];
	return NULL;
}

int rules_finish(struct rules *rs, struct rules_errors *errs)
{
	bool *drop;
	size_t i, j, k;

	drop = calloc(rs->nrules + 1, sizeof(*drop));
	if (!drop)
		return -ENOMEM;
	for (i = 0; i < rs->nrefs; i++) {
		struct rule_ref *ref = &rs->refs[i];
		struct rule *r = &rs->rules[ref->rule];
		struct rule_family *f = family_find(rs, ref->family);

		if (!f) {
			errs_add(errs, ref->file, ref->line, "unknown family '@%s' in [rule %s]",
				 ref->family, r->name);
			drop[ref->rule] = true;
			continue;
		}
		for (j = 0; j < f->nwords; j++) {
			if (ref->exclude)
				add_index(&r->exclude, &r->nexclude, f->words[j]);
			else
				add_index(&r->context, &r->ncontext, f->words[j]);
		}
	}
	for (i = 0; i < rs->nrefs; i++)
		ref_clear(&rs->refs[i]);
	free(rs->refs);
	rs->refs = NULL;
	rs->nrefs = 0;

	for (i = 0, k = 0; i < rs->nrules; i++) {
		if (drop[i] || !rs->rules[i].enabled) {
			rule_clear(&rs->rules[i]);
			continue;
		}
		rs->rules[k++] = rs->rules[i];
	}
	rs->nrules = k;
	free(drop);
	return 0;
}

int rules_default_dir(char *buf, size_t len)
{
	char exe[4096], *slash;
	struct stat st;
	ssize_t n;

	snprintf(buf, len, "%s", RULES_DIR_INSTALLED);
	if (!stat(buf, &st) && S_ISDIR(st.st_mode))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* build/pdguard or build/tests/<area>/<name>: the tree is above "build" */
		slash = strstr(exe, "/build/");
		if (!slash)
			slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(buf, len, "%s/policies/rules.d", exe) < (int)len &&
			    !stat(buf, &st) && S_ISDIR(st.st_mode))
				return 0;
		}
	}
	snprintf(buf, len, "%s", RULES_DIR_INSTALLED);
	return -ENOENT;
}

int rules_load(const char *dir, struct rules **rsp, struct rules_errors *errs)
{
	char def[4096];
	struct rules *rs;
	size_t before = errs->n;
	int ret;

	*rsp = NULL;
	if (!dir) {
		rules_default_dir(def, sizeof(def));
		dir = def;
	}
	rs = rules_new();
	if (!rs)
		return -ENOMEM;
	ret = rules_load_dir(rs, dir, errs);
	if (ret) {
		rules_free(rs);
		return ret;
	}
	ret = rules_finish(rs, errs);
	if (ret) {
		rules_free(rs);
		return ret;
	}
	*rsp = rs;
	return errs->n > before ? -EINVAL : 0;
}
