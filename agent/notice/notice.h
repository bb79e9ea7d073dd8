/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The employee's notice: what a denial is told to the person it refused, in their language,
 * and how often. Three concerns, one file each: text.c (the words, through gettext), limit.c
 * (the rate limiter), send.c (the desktop notification over D-Bus). The daemon's notice.c
 * queues denials and runs the sender in a child that is the user; docs/notice.md.
 */
#ifndef PDGUARD_NOTICE_H
#define PDGUARD_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The gettext domain; its catalogues are po/LANG.po, built to LOCALEDIR/LANG/LC_MESSAGES/. */
#define NOTICE_DOMAIN "pdguard"
#define NOTICE_LOCALEDIR "/usr/share/locale"
/* The longest file name shown; longer ones are cut at a character boundary with "…". */
#define NOTICE_NAME_MAX 80

/* The languages a notice is written in: a catalogue for each under po/. */
extern const char *const notice_languages[];	/* "en", "ru", "kk", NULL */

/**
 * notice_language_of() - the notice language for a locale setting
 * @value: a LANGUAGE, LC_ALL, LC_MESSAGES or LANG value ("ru_RU.UTF-8", "kk_KZ", "ru:en", "C")
 * Return: "en", "ru" or "kk" when @value names one of them (the first that does, for a LANGUAGE
 * list), NULL otherwise. Only these constants come back: the value itself is never used.
 */
const char *notice_language_of(const char *value);

/**
 * notice_language_from_environ() - the language a process reads its messages in
 * @env: the NUL-separated contents of /proc/PID/environ, @len bytes
 * Follows gettext's order: LANGUAGE (when the locale is not C), LC_ALL, LC_MESSAGES, LANG.
 * Return: as notice_language_of(), NULL when none is set or known.
 */
const char *notice_language_from_environ(const char *env, size_t len);

/*
 * The reasons by name, for `pdguard notice --reason`: role, unknown-user, sync-client, to-zone,
 * moved-to-zone, other. notice_reason_name() folds a driver's enum pdguard_reason into one of
 * them; notice_reason_find() returns the enum for a name, -1 for an unknown one.
 */
const char *notice_reason_name(unsigned int reason);
int notice_reason_find(const char *name);

/**
 * struct notice_msg - what a notice says
 * @file: the refused file's path or name (only its base name is shown)
 * @reason: enum pdguard_reason
 * @zone: "usb", "cloud" or NULL
 * @cats: PDGUARD_CAT_* of the file (or of what the process carries)
 * @contact: whom to ask, from the policy; NULL or "" for none
 * @audit: a would-deny (audit mode): the title says the access was let through this time
 */
struct notice_msg {
	const char *file;
	unsigned int reason;
	const char *zone;
	uint32_t cats;
	const char *contact;
	bool audit;
};

/*
 * The file's base name made safe to show: control characters and invalid UTF-8 become '?',
 * at most NOTICE_NAME_MAX characters (a cut name ends in "…").
 */
void notice_file_name(const char *path, char *buf, size_t len);

/**
 * notice_format() - the notice's title and body in the language of LC_MESSAGES/LANGUAGE
 * The caller sets the language (the sender runs with LC_ALL=C.UTF-8 and LANGUAGE=xx, which
 * gettext honours without the xx locale being installed) and binds NOTICE_DOMAIN.
 * Never holds file content: the name, the reason in words, the categories' names, the contact.
 */
void notice_format(const struct notice_msg *m, char *title, size_t tlen, char *body,
		   size_t blen);

/**
 * struct notice_limit - how often one user is told
 * Per user: at most @per_minute notices in any 60 s, and one per file per @file_interval s.
 * At most NOTICE_LIMIT_USERS users are tracked (the least recently told is forgotten).
 */
struct notice_limit;
#define NOTICE_LIMIT_USERS 256
#define NOTICE_LIMIT_FILES 16

int notice_limit_new(struct notice_limit **out, unsigned int per_minute,
		     unsigned int file_interval);
/**
 * notice_limit_take() - may @uid be told now about the file @file_key?
 * @now_ms: a monotonic time in milliseconds
 * @suppressed: when it may, set to the notices held back for this user since the last one told
 * Return: true when the notice may go (and it is counted), false when it is held back.
 */
bool notice_limit_take(struct notice_limit *l, uint32_t uid, uint64_t file_key, int64_t now_ms,
		       unsigned int *suppressed);
void notice_limit_free(struct notice_limit *l);

/**
 * notice_send() - show a notification on the session bus at @address (notify-send style)
 * Runs in the child that already is the user (daemon/notice.c); @timeout_ms bounds the call.
 * @errbuf: why it failed, on error
 * Return: 0 sent, -errno (-ETIMEDOUT, -ECONNREFUSED, -EIO for a D-Bus error) otherwise.
 */
int notice_send(const char *address, const char *title, const char *body, int timeout_ms,
		char *errbuf, size_t errlen);

#endif /* PDGUARD_NOTICE_H */
