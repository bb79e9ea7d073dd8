// SPDX-License-Identifier: GPL-2.0
/*
 * The notice's words. English msgids, translated by po/ru.po and po/kk.po (po/en.po lets the
 * English wording change without the code). The language is the process's: the sender child
 * runs with LANGUAGE=xx, so one daemon serves users of every language without touching its own
 * locale. A notice names the file by its base name, says why in words, and whom to ask; it
 * never holds what the file contains.
 */
#include <libintl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "lib/utf8.h"
#include "lib/vocab.h"
#include "notice/notice.h"

#define _(s) dgettext(NOTICE_DOMAIN, s)
#define N_(s) (s)

const char *const notice_languages[] = { "en", "ru", "kk", NULL };

const char *notice_language_of(const char *value)
{
	const char *s = value;
	size_t i, n;

	/* "ru_RU.UTF-8", "kk", "ru:en": the first element whose language we have */
	while (s && *s) {
		n = strcspn(s, ":");
		for (i = 0; notice_languages[i]; i++) {
			size_t l = strlen(notice_languages[i]);

			if (n >= l && !strncmp(s, notice_languages[i], l) &&
			    (n == l || s[l] == '_' || s[l] == '.' || s[l] == '@'))
				return notice_languages[i];
		}
		s += n;
		if (*s == ':')
			s++;
	}
	return NULL;
}

/* The value of @name in a NUL-separated environment block, or NULL. */
static const char *env_get(const char *env, size_t len, const char *name, size_t *vlen)
{
	size_t nl = strlen(name), i = 0, e;

	while (i < len) {
		const char *end = memchr(env + i, '\0', len - i);

		e = end ? (size_t)(end - env) : len;
		if (e - i > nl && !memcmp(env + i, name, nl) && env[i + nl] == '=') {
			*vlen = e - i - nl - 1;
			return env + i + nl + 1;
		}
		i = e + 1;
	}
	return NULL;
}

/* A variable's value, NUL-terminated in @buf; NULL when unset, empty or too long. */
static const char *env_value(const char *env, size_t len, const char *name, char *buf,
			     size_t blen)
{
	const char *v;
	size_t vl;

	v = env_get(env, len, name, &vl);
	if (!v || !vl || vl >= blen)
		return NULL;
	memcpy(buf, v, vl);
	buf[vl] = '\0';
	return buf;
}

const char *notice_language_from_environ(const char *env, size_t len)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	char locale[128], language[256];
	const char *loc = NULL, *lang;
	size_t i;

	/* the locale in force for messages: the first of these that is set, as setlocale() */
	for (i = 0; i < 3 && !loc; i++)
		loc = env_value(env, len, vars[i], locale, sizeof(locale));
	/* gettext reads LANGUAGE only when that locale is not C */
	if (loc && strcmp(loc, "C") && strcmp(loc, "POSIX") &&
	    env_value(env, len, "LANGUAGE", language, sizeof(language))) {
		lang = notice_language_of(language);
		if (lang)
			return lang;
	}
	return loc ? notice_language_of(loc) : NULL;
}

void notice_file_name(const char *path, char *buf, size_t len)
{
	const char *base = path ? strrchr(path, '/') : NULL;
	const uint8_t *s;
	size_t n, o = 0, chars = 0, k;

	if (!len)
		return;
	base = base && base[1] ? base + 1 : path ? path : "";
	s = (const uint8_t *)base;
	n = strlen(base);
	while (n) {
		k = utf8_seq_len(s, n);
		if (chars == NOTICE_NAME_MAX) {
			/* "…" is 3 bytes */
			while (o + 3 >= len && o)
				o--;
			while (o && ((uint8_t)buf[o] & 0xc0) == 0x80)
				o--;
			if (o + 3 < len) {
				memcpy(buf + o, "\xe2\x80\xa6", 3);
				o += 3;
			}
			break;
		}
		if (!k || (k == 1 && (*s < 0x20 || *s == 0x7f))) {
			/* a control character or a broken sequence: shown as '?' */
			if (o + 1 >= len)
				break;
			buf[o++] = '?';
			s++;
			n--;
		} else {
			if (o + k >= len)
				break;
			memcpy(buf + o, s, k);
			o += k;
			s += k;
			n -= k;
		}
		chars++;
	}
	buf[o] = '\0';
}

/* The categories' names in the notice's language, comma-separated. */
static void cats_words(uint32_t cats, char *buf, size_t len)
{
	static const char *const words[PDG_CAT_COUNT] = {
		N_("basic"), N_("personnel"), N_("financial"), N_("medical"), N_("biometric"),
	};
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < PDG_CAT_COUNT; i++) {
		if (!(cats & (1U << i)))
			continue;
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? ", " : "", _(words[i]));
		if (o >= len)
			break;
	}
}

/* Why, in words the employee can act on: which rule refused, not the internals. */
static const char *reason_words(const struct notice_msg *m)
{
	bool usb = m->zone && !strcmp(m->zone, "usb");
	bool cloud = m->zone && !strcmp(m->zone, "cloud");

	switch (m->reason) {
	case PDGUARD_REASON_ROLE:
	case PDGUARD_REASON_PD_READ:
	case PDGUARD_REASON_GRANT:
		return _("your role may not open personal data of these kinds: %s");
	case PDGUARD_REASON_UNKNOWN_USER:
		return _("your user could not be identified, so personal data stays closed");
	case PDGUARD_REASON_SYNC_CLIENT:
		return _("cloud sync programs may not read personal data");
	case PDGUARD_REASON_EXIT_POINT:
		return _("messengers, mail and browsers may open personal data only with a "
			 "permission from information security");
	case PDGUARD_REASON_TAINT_TO_ZONE:
	case PDGUARD_REASON_RAW_DEVICE:
	case PDGUARD_REASON_ZONE_WRITE_AFTER:
		if (usb)
			return _("a program that opened personal data may not write to a USB drive");
		if (cloud)
			return _("a program that opened personal data may not write to a cloud "
				 "sync folder");
		break;
	case PDGUARD_REASON_LABELLED_TO_ZONE:
	case PDGUARD_REASON_MOVED_TO_ZONE:
		if (usb)
			return _("a file with personal data may not be moved to a USB drive");
		if (cloud)
			return _("a file with personal data may not be moved to a cloud sync folder");
		break;
	default:
		break;
	}
	return _("the personal data policy does not allow this");
}

void notice_format(const struct notice_msg *m, char *title, size_t tlen, char *body,
		   size_t blen)
{
	char name[NOTICE_NAME_MAX * 4 + 4], cats[256], why[512];
	const char *fmt = reason_words(m), *p;
	size_t o;

	snprintf(title, tlen, "%s", m->audit ?
		 _("Personal data: this access will be refused when enforcement starts") :
		 _("Personal data: access refused"));
	notice_file_name(m->file, name, sizeof(name));
	cats_words(m->cats, cats, sizeof(cats));
	/* a translated reason holds at most one %s, for the categories; it is filled here by
	 * hand, never handed to printf as a format */
	p = strstr(fmt, "%s");
	if (p)
		snprintf(why, sizeof(why), "%.*s%s%s", (int)(p - fmt), fmt, cats[0] ? cats : "?",
			 p + 2);
	else
		snprintf(why, sizeof(why), "%s", fmt);
	/* "File: NAME\nWhy: ...\nContact: ..." -- each label translated */
	o = snprintf(body, blen, "%s %s\n%s %s.", _("File:"), name, _("Why:"), why);
	if (m->contact && m->contact[0] && o < blen)
		snprintf(body + o, blen - o, "\n%s %s", _("Whom to ask:"), m->contact);
}

/* The reasons a notice words differently, by the names `pdguard notice --reason` takes. */
static const struct {
	const char *name;
	unsigned int reason;
} reasons[] = {
	{ "role", PDGUARD_REASON_ROLE },
	{ "unknown-user", PDGUARD_REASON_UNKNOWN_USER },
	{ "sync-client", PDGUARD_REASON_SYNC_CLIENT },
	{ "exit-point", PDGUARD_REASON_EXIT_POINT },
	{ "to-zone", PDGUARD_REASON_TAINT_TO_ZONE },
	{ "moved-to-zone", PDGUARD_REASON_MOVED_TO_ZONE },
	{ "other", PDGUARD_REASON_NONE },
};

const char *notice_reason_name(unsigned int reason)
{
	size_t i;

	switch (reason) {
	case PDGUARD_REASON_PD_READ:
	case PDGUARD_REASON_GRANT:
		reason = PDGUARD_REASON_ROLE;
		break;
	case PDGUARD_REASON_RAW_DEVICE:
	case PDGUARD_REASON_ZONE_WRITE_AFTER:
		reason = PDGUARD_REASON_TAINT_TO_ZONE;
		break;
	case PDGUARD_REASON_LABELLED_TO_ZONE:
		reason = PDGUARD_REASON_MOVED_TO_ZONE;
		break;
	default:
		break;
	}
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].reason == reason)
			return reasons[i].name;
	return "other";
}

int notice_reason_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strcmp(reasons[i].name, name))
			return reasons[i].reason;
	return -1;
}
