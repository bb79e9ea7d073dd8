// SPDX-License-Identifier: GPL-2.0
/* The event log's files, oldest first, and the one pass over them (report/report.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "report/report.h"

int report_log_files(const struct config *cfg, struct strlist *out)
{
	char path[PATH_MAX];
	struct stat st;
	unsigned int i, keep = cfg->log_keep ? cfg->log_keep : 0;

	*out = (struct strlist){ 0 };
	/* rotation keeps log.1 (newest) ... log.keep; look a little further for a changed keep */
	for (i = keep + 8; i >= 1; i--) {
		snprintf(path, sizeof(path), "%s.%u", cfg->log, i);
		if (!stat(path, &st) && S_ISREG(st.st_mode) && strlist_add(out, path))
			return -ENOMEM;
	}
	if (!stat(cfg->log, &st) && strlist_add(out, cfg->log))
		return -ENOMEM;
	return out->n ? 0 : -ENOENT;
}

int report_scan_log(const struct report_ctx *c, struct logscan *s)
{
	struct strlist files;
	size_t i;
	int ret;

	ret = report_log_files(&c->cfg, &files);
	for (i = 0; !ret && i < files.n; i++)
		ret = logscan_file(s, files.v[i]);
	strlist_free(&files);
	return ret;
}
