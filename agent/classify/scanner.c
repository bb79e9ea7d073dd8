// SPDX-License-Identifier: GPL-2.0
/* One file in, one label out. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classify/scanner.h"

int scanner_open(struct scanner *sc, const char *const *dirs, size_t ndirs, char *err,
		 size_t errlen)
{
	char bufs[2][4096];
	const char *def[2];
	int ret;

	memset(sc, 0, sizeof(*sc));
	extract_limits_default(&sc->limits);
	sc->min_confidence = CONF_MEDIUM;
	if (!ndirs) {
		ndirs = rules_default_layers(bufs, def);
		dirs = def;
	}
	sc->rules = rules_new();
	if (!sc->rules)
		return -ENOMEM;
	if (ndirs == 1)
		ret = rules_load_dir(sc->rules, dirs[0], &sc->errors);
	else
		ret = rules_load_layers(sc->rules, dirs, ndirs, &sc->errors);
	if (ret == -ENOENT || ret == -ENOTDIR || ret == -EACCES) {
		/* sc->errors' last message is "DIR: cannot read the rules directory: REASON" */
		if (sc->errors.n)
			snprintf(err, errlen, "%s", sc->errors.msg[sc->errors.n - 1]);
		else
			snprintf(err, errlen, "cannot read the rules directory: %s", strerror(-ret));
		goto fail;
	}
	rules_finish(sc->rules, &sc->errors);
	if (!sc->rules->nrules) {
		snprintf(err, errlen, "no usable rule in '%s'%s", dirs[ndirs - 1],
			 ndirs > 1 ? " and the directories before it" : "");
		ret = -EINVAL;
		goto fail;
	}
	ret = classifier_new(sc->rules, &sc->classifier, err, errlen);
	if (ret)
		goto fail;
	return 0;
fail:
	scanner_close(sc);
	return ret ? ret : -EINVAL;
}

void scanner_close(struct scanner *sc)
{
	classifier_free(sc->classifier);
	rules_free(sc->rules);
	rules_errors_free(&sc->errors);
	memset(sc, 0, sizeof(*sc));
}

const char *scanner_special_mime(mode_t m)
{
	if (S_ISFIFO(m))
		return "inode/fifo";
	if (S_ISSOCK(m))
		return "inode/socket";
	if (S_ISCHR(m))
		return "inode/chardevice";
	if (S_ISBLK(m))
		return "inode/blockdevice";
	if (S_ISDIR(m))
		return "inode/directory";
	if (S_ISLNK(m))
		return "inode/symlink";
	return "inode/x-unknown";
}

const char *scan_label_name(int label)
{
	return label == SCAN_LABEL_PD ? "pd" : label == SCAN_LABEL_UNKNOWN ? "unknown" : "none";
}

int scanner_scan_path(const struct scanner *sc, struct classify_ctx *ctx, const char *path,
		      struct scan_result *res)
{
	struct extract_result xr;
	int fd, ret, cret;

	memset(res, 0, sizeof(*res));
	memset(&xr, 0, sizeof(xr));
	/*
	 * O_NONBLOCK: a FIFO swapped in after the caller looked must never hang the scan.
	 * O_NOFOLLOW unless asked: for the daemon, a link is not its target.
	 */
	/* not read, until it is */
	res->label = SCAN_LABEL_UNKNOWN;
	res->unread = EXTRACT_UNREAD_FAILED;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
			(sc->follow_links ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		if (errno != ELOOP)
			snprintf(res->error, sizeof(res->error), "%s", strerror(errno));
		else
			snprintf(res->error, sizeof(res->error), "%s", sc->follow_links ?
				 "symlink loop" : "symbolic link, not followed");
		return 0;
	}
	if (fstat(fd, &res->st)) {
		snprintf(res->error, sizeof(res->error), "%s", strerror(errno));
		close(fd);
		return 0;
	}
	if (!S_ISREG(res->st.st_mode)) {
		snprintf(res->mime, sizeof(res->mime), "%s", scanner_special_mime(res->st.st_mode));
		snprintf(res->error, sizeof(res->error), "special file, skipped");
		res->skipped = true;
		/* no stored bytes to read: a FIFO, a socket, a device */
		res->label = SCAN_LABEL_NONE;
		res->unread = EXTRACT_READ_ALL;
		close(fd);
		return 0;
	}
	classify_begin(ctx, sc->min_confidence, NULL, NULL);
	ret = extract_fd_docs(fd, &sc->limits, classify_feed, classify_next_document,
			      classify_picture, ctx, &xr);
	close(fd);
	cret = classify_end(ctx, &res->report);
	snprintf(res->mime, sizeof(res->mime), "%s", xr.mime);
	if (ret < 0) {
		snprintf(res->error, sizeof(res->error), "cannot read: %s", strerror(-ret));
		return 0;
	}
	res->unread = extract_unread_reason(&xr);
	if (cret) {
		/* the classifier's own limit (PCRE2 match limit): the result is incomplete */
		snprintf(res->error, sizeof(res->error), "%s", classify_error(ctx));
		res->unread = EXTRACT_UNREAD_LIMIT;
	} else if (res->unread != EXTRACT_READ_ALL) {
		/* encrypted, unsupported, a limit, damaged: never taken for clean */
		snprintf(res->error, sizeof(res->error), "%s",
			 xr.error[0] ? xr.error : extract_unread_name(res->unread));
	}
	res->pd = res->report.pd;
	res->categories = res->report.categories;
	res->label = res->pd ? SCAN_LABEL_PD :
		     res->unread != EXTRACT_READ_ALL ? SCAN_LABEL_UNKNOWN : SCAN_LABEL_NONE;
	return 0;
}
