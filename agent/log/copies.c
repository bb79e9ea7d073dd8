// SPDX-License-Identifier: GPL-2.0
/*
 * The event log's copies outside its file: each line to journald (log/journal.h) or syslog, an
 * anchor for the chain's end in a root-only facility, and to the ECS/OCSF file (log/siem.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log/events.h"
#include "log/internal.h"
#include "log/journal.h"
#include "log/siem.h"

/* The event as journald fields; a failure is counted, the file has the event either way. */
void copy_to_journal(struct eventlog *log, const struct event *ev, const char *line,
		     size_t len, const char *hash)
{
	char *dgram = NULL;
	size_t dlen = 0;

	if (journal_format(ev, line, len, (unsigned long long)log->seq, hash, log->host,
			   ev->uid != (uint32_t)-1 ? user_name(log, ev->uid) : NULL, &dgram, &dlen) ||
	    journal_send(&log->journal_fd, JOURNAL_SOCKET, dgram, dlen))
		log->sink_failed++;
	free(dgram);
}

/*
 * The ECS/OCSF record of the line just written, to its own file: one write(2), as the native
 * line. A failure is counted (eventlog_counters()), the native log has the event either way.
 */
void copy_to_siem(struct eventlog *log, const struct event *ev, uint64_t ts_ns,
		  const char *prev, const char *hash)
{
	struct siem_chain c = { .ts_ns = ts_ns, .seq = log->seq, .hash = hash, .prev = prev,
				.host = log->host };
	char *rec = NULL;
	size_t len = 0;

	if (ev->uid != (uint32_t)-1)
		c.user = user_name(log, ev->uid);
	if (siem_format_line(log->siem_fmt, ev, &c, &rec, &len) ||
	    write(log->siem_fd, rec, len) != (ssize_t)len)
		log->siem_failed++;
	free(rec);
}

int eventlog_set_siem(struct eventlog *log, int fmt, const char *path)
{
	int fd = -1, ret = 0;

	if (fmt != SIEM_NONE) {
		if (!path || strlen(path) >= sizeof(log->siem_path))
			return -EINVAL;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
	}
	pthread_mutex_lock(&log->lock);
	if (log->siem_fd >= 0)
		close(log->siem_fd);
	log->siem_fd = fd;
	log->siem_fmt = fmt;
	snprintf(log->siem_path, sizeof(log->siem_path), "%s", fd >= 0 ? path : "");
	pthread_mutex_unlock(&log->lock);
	return ret;
}
enum journal_sink eventlog_set_syslog(struct eventlog *log, bool on)
{
	enum journal_sink sink = on ? journal_probe() : JOURNAL_NONE;

	pthread_mutex_lock(&log->lock);
	if (sink == JOURNAL_SYSLOG && log->sink != JOURNAL_SYSLOG)
		openlog("pdguard", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	log->sink = sink;
	pthread_mutex_unlock(&log->lock);
	return sink;
}
