/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the event log's files share (events.c, chain.c, copies.c, files.c): struct eventlog and
 * the calls each makes into the others. Not for use outside agent/log/.
 */
#ifndef PDGUARD_LOG_INTERNAL_H
#define PDGUARD_LOG_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "log/events.h"
#include "log/journal.h"

#define HASH_HEX 64
#define LINE_MAX_BYTES (64 * 1024)

#define NAME_CACHE 64
#define NAME_CACHE_TTL 60	/* s: accounts get renamed; a minute-old name is fine */

struct eventlog {
	int fd;
	char path[PATH_MAX];
	pthread_mutex_t lock;
	uint64_t seq;
	char prev[HASH_HEX + 1];
	char host[256];
	uint64_t written, failed;
	off_t expect_size;	/* the file's size after our last line: another writer changes it */
	enum journal_sink sink;	/* the copy outside the file (log/journal.h) */
	int journal_fd;
	uint64_t sink_failed;
	/* the ECS/OCSF copy (log/siem.h): its own file, each record naming the native line */
	int siem_fmt;
	int siem_fd;
	char siem_path[PATH_MAX];
	uint64_t siem_failed;
	gid_t gid;		/* the group that may read the log ((gid_t)-1: none, root-only) */
	/* sealing (log/seal.h): the key file, and its epoch as last read (no key kept here) */
	char seal_path[PATH_MAX];
	uint64_t seal_epoch;
	int64_t seal_t0;
	uint32_t seal_interval;
	uint64_t seal_failed;
	eventlog_observer_fn observer;
	void *observer_ctx;
	/* uid -> user name: a lookup per event (NSS, maybe SSSD over the network) costs more
	 * than the rest of the event; under the lock, so no locking of its own */
	struct {
		uid_t uid;
		time_t at;
		bool known;
		char name[64];
	} names[NAME_CACHE];
};

/* events.c: the writer */
const char *user_name(struct eventlog *log, uid_t uid);
int append_locked(struct eventlog *log, const struct event *ev, off_t *size);

/* chain.c: the chain read back (resume, repair, verify) */
extern const char zero_hash[HASH_HEX + 1];
int sha256_hex(const char *a, size_t alen, const char *b, size_t blen, char out[HASH_HEX + 1]);
int parse_chain_fields(const char *line, size_t len, size_t *body_len, char prev[HASH_HEX + 1],
		       char hash[HASH_HEX + 1], uint64_t *seq);
int resume_chain(struct eventlog *log);

/* copies.c: the copies outside the file */
void copy_to_journal(struct eventlog *log, const struct event *ev, const char *line,
		     size_t len, const char *hash);
void copy_to_siem(struct eventlog *log, const struct event *ev, uint64_t ts_ns,
		  const char *prev, const char *hash);

/* files.c: the log's files */
int file_mode(int fd, gid_t gid);

#endif /* PDGUARD_LOG_INTERNAL_H */
