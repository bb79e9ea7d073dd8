// SPDX-License-Identifier: GPL-2.0
/*
 * Grants as people write and read them: times ("+7d", "2025-06-30T18:00Z"), export zones
 * ("usb:/media/stick"), and the event a grant's change writes to the log.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log/events.h"
#include "policy/grants.h"

/* Parse "+N<unit>" into seconds. */
static int parse_relative(const char *s, time_t now, time_t *out)
{
	unsigned long long n, mult;
	char *end;

	errno = 0;
	n = strtoull(s + 1, &end, 10);
	if (errno || end == s + 1 || n == 0)
		return -EINVAL;
	switch (*end) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	case 'w': mult = 7 * 86400; break;
	default: return -EINVAL;
	}
	if (end[1] || n > 100ULL * 366 * 86400 / mult)	/* a century is not a time-limited grant */
		return -EINVAL;
	*out = now + (time_t)(n * mult);
	return 0;
}

int grants_parse_time(const char *s, time_t now, time_t *out)
{
	int y, mo, d, h = 23, mi = 59, sec = 59, n = 0, oh, om;
	bool date_only = true, has_zone = false;
	long off = 0;
	struct tm tm;
	const char *p;
	time_t t;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '+')
		return parse_relative(s, now, out);
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
		return -EINVAL;
	p = s + n;
	if (*p == 'T' || *p == ' ') {
		int m = 0;

		date_only = false;
		sec = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &m) != 2 || m != 5)
			return -EINVAL;
		p += 1 + m;
		if (*p == ':') {
			if (sscanf(p + 1, "%2d%n", &sec, &m) != 1 || m != 2)
				return -EINVAL;
			p += 3;
		}
	}
	if (*p == 'Z') {
		has_zone = true;
		p++;
	} else if ((*p == '+' || *p == '-') && !date_only) {
		int m = 0;

		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 || oh > 14 || om > 59)
			return -EINVAL;
		off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
		has_zone = true;
		p += 1 + m;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = has_zone ? timegm(&tm) - off : mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)	/* 2025-02-30 normalises to March: refuse it */
		return -EINVAL;
	*out = t;
	return 0;
}

void grants_format_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int grants_log(struct eventlog *log, const char *op, const struct grant *gr, const char *actor)
{
	char until[32], created[32], revoked[32], *extra = NULL;
	size_t len = 0;
	FILE *f;
	int ret;
	struct event ev = event_agent(op, "info", gr->reason && *gr->reason ? gr->reason :
				      "(no reason given)");

	/* the grant's subject; who acted is in "by" (extra); a group's grant has no one user */
	ev.uid = gr->group ? (uint32_t)-1 : gr->uid;
	ev.categories = gr->categories;
	grants_format_time(gr->until, until, sizeof(until));
	grants_format_time(gr->created, created, sizeof(created));
	f = open_memstream(&extra, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "\"grant\":%u,\"grantee\":", gr->id);
	json_put_string(f, gr->user);
	fputs(",\"by\":", f);
	json_put_string(f, actor);
	fputs(",\"granted_by\":", f);
	json_put_string(f, gr->by);
	fputs(",\"approver\":", f);
	json_put_string(f, gr->approver);
	fprintf(f, ",\"created\":\"%s\",\"until\":\"%s\"", created, until);
	if (gr->export) {
		char zone[PATH_MAX + 16];

		grants_format_zone(gr, zone, sizeof(zone));
		fputs(",\"export\":true,\"export_zone\":", f);
		json_put_string(f, zone);
		if (gr->group) {
			fputs(",\"group\":", f);
			json_put_string(f, gr->user);
		}
		if (gr->path && *gr->path) {
			fputs(",\"export_path\":", f);
			json_put_string(f, gr->path);
		}
		if (gr->approver2 && *gr->approver2) {
			fputs(",\"approver2\":", f);
			json_put_string(f, gr->approver2);
		}
	}
	if (gr->revoked) {
		grants_format_time(gr->revoked, revoked, sizeof(revoked));
		fprintf(f, ",\"revoked\":\"%s\"", revoked);
	}
	if (fclose(f)) {
		free(extra);
		return -ENOMEM;
	}
	ev.extra = extra;
	ret = eventlog_write(log, &ev);
	free(extra);
	return ret;
}

void grants_format_zone(const struct grant *gr, char *buf, size_t len)
{
	const char *kind = gr->zones == GRANT_ZONE_USB ? "usb" :
			   gr->zones == GRANT_ZONE_CLOUD ? "cloud" : "usb,cloud";

	if (gr->zone_path && *gr->zone_path)
		snprintf(buf, len, "%s:%s", kind, gr->zone_path);
	else
		snprintf(buf, len, "%s", kind);
}

int grants_parse_zone(const char *s, unsigned int *zones, char **path)
{
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	*path = NULL;
	if (n == 3 && !strncmp(s, "usb", 3))
		*zones = GRANT_ZONE_USB;
	else if (n == 5 && !strncmp(s, "cloud", 5))
		*zones = GRANT_ZONE_CLOUD;
	else if (n == 3 && !strncmp(s, "any", 3) && !colon)
		*zones = GRANT_ZONE_USB | GRANT_ZONE_CLOUD;
	else
		return -EINVAL;
	if (colon && colon[1] != '/')
		return -EINVAL;		/* a zone's folder is an absolute path */
	*path = strdup(colon ? colon + 1 : "");
	if (!*path)
		return -ENOMEM;
	/* "/media/stick/" and "/media/stick" are one folder */
	for (n = strlen(*path); n > 1 && (*path)[n - 1] == '/'; n--)
		(*path)[n - 1] = '\0';
	return 0;
}
