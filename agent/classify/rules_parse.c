// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing rule files: policies/rules.d/NN-name.conf, with Debian's libinih.
 *
 * libinih 55 does not tell the handler which line it is on, and cuts lines at 199 characters.
 * We feed it through our own line reader (ini_parse_stream), which counts lines, notices
 * over-long lines itself and tracks sections, so every message can say "file:line: reason".
 * Nothing stops at the first error: each rule is kept or dropped on its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "classify/rules_parse.h"

/* An error in the current section: it is reported and the section will not be used. */
void __attribute__((format(printf, 2, 3)))
rules_sec_err(struct parse_state *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rules_verr(ps->errs, ps->file, ps->line, fmt, ap);
	va_end(ap);
	ps->sec_error = true;
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
	w = rules_push((void **)&rs->words, &rs->nwords, sizeof(*w));
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

/*
 * "a, b, @family, c*": words are interned into @arr; @family references (allowed when
 * @refs_ok) wait for rules_finish().
 */
static void parse_word_list(struct parse_state *ps, const char *key, const char *value,
			    uint32_t **arr, size_t *n, bool refs_ok, bool exclude)
{
	char *copy = strdup(value), *item, *save = NULL;

	if (!copy) {
		rules_sec_err(ps, "out of memory");
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
				rules_sec_err(ps, "'%s' cannot refer to a family here ('%s')", key,
					      item);
				continue;
			}
			if (!valid_name(item + 1)) {
				rules_sec_err(ps, "bad family reference '%s' (expected @NAME)",
					      item);
				continue;
			}
			ref = rules_push((void **)&ps->refs, &ps->nrefs, sizeof(*ref));
			if (!ref || !(ref->family = strdup(item + 1)) ||
			    !(ref->file = strdup(ps->file))) {
				rules_sec_err(ps, "out of memory");
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
			rules_sec_err(ps, "'%s': word '%.20s...' is empty or longer than %d bytes",
				      key, item, WORD_MAX);
			continue;
		}
		if (bad_star(item)) {
			rules_sec_err(ps, "'%s': '*' may only end a word ('%s')", key, item);
			continue;
		}
		if (!has_lower(item))
			flags |= RULE_WORD_CASE;
		idx = word_intern(ps->rs, item, flags);
		if (idx < 0 || rules_add_index(arr, n, idx) < 0)
			rules_sec_err(ps, "out of memory");
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
		rules_sec_err(ps, "'%s': expected a number from %u to %u, got '%s'", key, lo, hi,
			      value);
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
	rules_sec_err(ps, "'%s': expected yes or no, got '%s'", key, value);
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
	rules_sec_err(ps,
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
	rules_sec_err(ps, "'%s': bad confidence '%s' (expected %shigh, medium or low)", key, value,
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
	part = rules_push((void **)parts, nparts, sizeof(*part));
	if (!s || !part) {
		free(s == *str ? NULL : s);
		rules_sec_err(ps, "out of memory");
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
			rules_sec_err(ps, "'%s' given twice (first on line %d)", key,
				      ps->seen[i].line);
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
			rules_sec_err(ps, "out of memory");
		return;
	}
	if (asprintf(&n, "%s %s", *dst, value) < 0) {
		rules_sec_err(ps, "out of memory");
		return;
	}
	free(*dst);
	*dst = n;
}

static const char *const rule_keys[] = {
	"description",	   "pattern",	      "validator", "strict",	"category",
	"confidence",	   "without-context", "context",   "window",	"exclude",
	"exclude-pattern", "exclude-window",  "min-count", "min-ratio", "mask",
	"supporting",	   "enabled",	      "min-people", "gate", NULL,
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
			rules_sec_err(ps, "unknown validator '%s' (expected %s)", value, list);
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
	} else if (!strcmp(key, "min-people")) {
		if (!parse_uint(ps, key, value, 1, RULE_MAX_PEOPLE, &u))
			r->min_people = u;
	} else if (!strcmp(key, "min-ratio")) {
		if (!parse_uint(ps, key, value, 0, 100, &u))
			r->min_ratio = u;
	} else if (!strcmp(key, "mask")) {
		v = mask_style_find(value);
		if (v < 0)
			rules_sec_err(ps,
				      "unknown mask '%s' (expected generic, iin, card, iban, phone, "
				      "all, mrz or name)",
				      value);
		else
			r->mask = v;
	} else if (!strcmp(key, "gate")) {
		if (!strcmp(value, "capitals"))
			r->gate_capitals = true;
		else if (strcmp(value, "none"))
			rules_sec_err(ps, "unknown gate '%s' (expected none or capitals)", value);
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
		rules_err(ps->errs, ps->file, ps->line,
			  "'%s' outside a section (start with [rule NAME] or [family NAME])", name);
		return 1;
	case SEC_BAD: return 1; /* the section header was reported */
	case SEC_RULE:
	case SEC_FAMILY: break;
	}
	key = known_key(ps->kind == SEC_RULE ? rule_keys : family_keys, name);
	if (!key) {
		rules_sec_err(ps, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	if (!*value) {
		rules_sec_err(ps, "'%s' has no value", name);
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

	rules_clear_rule(&ps->rule);
	rules_clear_family(&ps->fam);
	free(ps->parts);
	free(ps->xparts);
	ps->parts = ps->xparts = NULL;
	ps->nparts = ps->nxparts = 0;
	for (i = 0; i < ps->nrefs; i++)
		rules_clear_ref(&ps->refs[i]);
	free(ps->refs);
	ps->refs = NULL;
	ps->nrefs = 0;
	ps->nseen = 0;
	ps->shadow = -1;
	ps->sec_error = false;
	ps->have_key = false;
	ps->kind = SEC_NONE;
}

static char *where(const char *file, int line)
{
	char *s;

	return asprintf(&s, "%s:%d", file, line) < 0 ? NULL : s;
}

/* Record that the section being ended switches rule @name off (and the earlier definition). */
static void rule_disable(struct parse_state *ps, const char *name)
{
	struct rules *rs = ps->rs;
	struct rule_disabled *d = rules_push((void **)&rs->disabled, &rs->ndisabled, sizeof(*d));

	if (!d || !(d->name = strdup(name)) || !(d->file = strdup(ps->file))) {
		rules_sec_err(ps, "out of memory");
		return;
	}
	d->line = ps->sec_line;
	d->layer = rs->layer;
	if (ps->shadow >= 0) {
		struct rule *old = &rs->rules[ps->shadow];

		old->shadowed = true;
		d->was = where(old->file, old->line);
	}
}

/*
 * A later layer's "[rule NAME]" with nothing but "enabled = no" (and perhaps a description, to
 * say why): switch the earlier layer's rule off without restating it. In the first layer such a
 * section is an ordinary (incomplete) rule.
 */
static bool disables_only(const struct parse_state *ps)
{
	const struct rule *r = &ps->rule;

	return ps->rs->layer > 0 && ps->nseen == 1 && !strcmp(ps->seen[0].key, "enabled") &&
	       !r->enabled && !r->pattern && !r->exclude_pattern && !r->ncontext &&
	       !r->nexclude && !ps->nrefs;
}

static void section_end(struct parse_state *ps)
{
	struct rules *rs = ps->rs;
	int line = ps->line;
	size_t n;

	if (ps->kind == SEC_RULE && !ps->sec_error && disables_only(ps)) {
		rule_disable(ps, ps->rule.name);
	} else if (ps->kind == SEC_RULE && !ps->sec_error) {
		n = rs->nrules;
		rules_commit_rule(ps);
		if (rs->nrules > n && ps->shadow >= 0) {
			struct rule *old = &rs->rules[ps->shadow], *r = &rs->rules[n];

			old->shadowed = true;
			r->overrides = where(old->file, old->line);
			if (!r->enabled) {
				/* a whole new definition that is switched off disables too */
				ps->sec_line = r->line;
				ps->shadow = -1;
				rule_disable(ps, r->name);
				rs->disabled[rs->ndisabled - 1].was = r->overrides ?
					strdup(r->overrides) : NULL;
			}
		}
	} else if (ps->kind == SEC_FAMILY && !ps->sec_error) {
		n = rs->nfamilies;
		rules_commit_family(ps);
		if (rs->nfamilies > n && ps->shadow >= 0) {
			struct rule_family *old = &rs->families[ps->shadow];

			old->shadowed = true;
			rs->families[n].overrides = where(old->file, old->line);
		}
	}
	ps->line = line;
	section_reset(ps);
}

/*
 * Is @name defined already? Within the layer being read that is an error; in an earlier layer,
 * the section will replace that definition (ps->shadow) if it is of the same kind.
 */
static bool name_taken(struct parse_state *ps, const char *kind, const char *name)
{
	struct rules *rs = ps->rs;
	size_t i;

	for (i = 0; i < rs->nrules; i++) {
		const struct rule *r = &rs->rules[i];

		if (r->shadowed || strcmp(r->name, name))
			continue;
		if (r->layer == rs->layer || strcmp(kind, "rule")) {
			rules_sec_err(ps, "%s '%s' already defined at %s:%d%s", kind, name, r->file,
				      r->line, r->layer == rs->layer ? "" :
				      " (a later directory may replace a rule only with a rule)");
			return true;
		}
		ps->shadow = i;
	}
	for (i = 0; i < rs->nfamilies; i++) {
		const struct rule_family *f = &rs->families[i];

		if (f->shadowed || strcmp(f->name, name))
			continue;
		if (f->layer == rs->layer || strcmp(kind, "family")) {
			rules_sec_err(ps, "%s '%s' already defined at %s:%d%s", kind, name, f->file,
				      f->line, f->layer == rs->layer ? "" :
				      " (a later directory may replace a family only with a family)");
			return true;
		}
		ps->shadow = i;
	}
	for (i = 0; i < rs->ndisabled; i++) {
		const struct rule_disabled *d = &rs->disabled[i];

		if (d->layer == rs->layer && !strcmp(d->name, name)) {
			rules_sec_err(ps, "%s '%s' already disabled at %s:%d", kind, name, d->file,
				      d->line);
			return true;
		}
	}
	return false;
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
		rules_err(ps->errs, ps->file, ps->line, "section header without ']'");
		return;
	}
	*close = '\0';
	kind = trim(buf);
	name = kind + strcspn(kind, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (strcmp(kind, "rule") && strcmp(kind, "family")) {
		rules_err(ps->errs, ps->file, ps->line,
			  "unknown section [%s] (expected [rule NAME] or [family NAME])", kind);
		return;
	}
	if (!valid_name(name)) {
		rules_err(ps->errs, ps->file, ps->line,
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
		ps->rule.layer = ps->rs->layer;
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
		ps->fam.layer = ps->rs->layer;
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
		rules_err(ps->errs, ps->file, ps->line,
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
		rules_err(ps->errs, ps->file, ps->line, "NUL byte in a rule file");
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
		rules_err(ps->errs, ps->file, ps->line, "expected 'key = value' or '[section]'");
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
		.shadow = -1,
	};
	char **slot;

	slot = rules_push((void **)&rs->files, &rs->nfiles, sizeof(*slot));
	if (!slot || !(*slot = strdup(name))) {
		rules_err(errs, name, 0, "out of memory");
		return -ENOMEM;
	}
	/* every problem went to @errs; libinih's own return (first bad line) adds nothing */
	ini_parse_stream(ini_reader_fn, &ps, ini_handler_fn, &ps);
	section_end(&ps);
	return 0;
}
