/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event log: JSON lines, one writer, each line chained to the one before by a hash, so that
 * editing, deleting or reordering a line is detected by `pdguard log verify`.
 */
#ifndef PDGUARD_EVENTS_H
#define PDGUARD_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "lib/json.h"

/**
 * struct event - one event, as the drivers, alerts and grants report it
 * @ts_ns: wall-clock time (CLOCK_REALTIME, ns); 0 means "now"
 * @op: what was attempted: "open", "read", "write", "create", "rename", "link", "unlink",
 *      "mmap", "setxattr", "removexattr", "exec", "grant", "alert", "agent", "label", ...
 * @decision: "allow", "deny", "would-deny" or "alert" ("info" for agent life-cycle events)
 * @reason: why, in a few words ("role hr may not read medical", "tainted process writes to usb")
 * @uid: the acting user (uid_t); (uint32_t)-1 when unknown
 * @pid: the acting process, 0 when none
 * @comm, @exe: the process's name and executable, may be NULL
 * @path: the object; @target: the destination of a rename/link/copy, may be NULL
 * @label: "pd", "none" or NULL; @categories: PDGUARD_CAT_* bits
 * @zone: "usb", "cloud" or NULL
 * @driver: "bpf-lsm", "fmod-ret", "fanotify", "agent"
 * @extra: optional raw JSON members appended to the object (e.g. "\"count\":600"), or NULL
 * @pd_access: a PD file's content was (or would have been, in audit mode) read or refused:
 *             what the alerts count; not written to the log
 * @dev, @ino: the object, for the observers (distinct files); not written to the log
 * @file_name, @file_dev, @file_ino, @file_new: what the kernel named when no full path could
 *            be found (@path NULL): the name, and the file's device and inode (@file_new: the
 *            directory's, the file being created in it); written as file_name, file_dev
 *            ("major:minor"), file_ino and file_new only when @path is NULL and @file_ino is set
 * @target_name, @target_dir_dev, @target_dir_ino: the same for a destination (@target NULL)
 * @reason_code: enum pdguard_reason behind @reason when a driver decided (PDGUARD_REASON_NONE
 *               otherwise), for the observers: the employee's notice words it in their language
 * @client, @client_port: the remote peer the acting process serves (lib/peer.h): an smbd,
 *                        sshd or sftp-server child's client address and port; NULL when the
 *                        process serves no accepted TCP connection. Written only when set
 *
 * Strings may hold any bytes; they are JSON-escaped on output. PD content never goes into an
 * event: paths and names only.
 */
/*
 * The version of docs/events.schema.json the lines follow, written in every line as "v". Members
 * are only added under one version; renaming, removing or retyping one bumps it.
 */
#define EVENTS_SCHEMA_VERSION 1

struct event {
	uint64_t ts_ns;
	const char *op;
	const char *decision;
	const char *reason;
	uint32_t uid;
	int32_t pid;
	const char *comm;
	const char *exe;
	const char *path;
	const char *target;
	const char *label;
	uint32_t categories;
	const char *zone;
	const char *driver;
	const char *extra;
	bool pd_access;
	dev_t dev;
	ino_t ino;
	const char *file_name;
	dev_t file_dev;
	uint64_t file_ino;
	bool file_new;
	const char *target_name;
	dev_t target_dir_dev;
	uint64_t target_dir_ino;
	unsigned int reason_code;
	const char *client;
	uint16_t client_port;
};

/* An event with its op, decision and reason; no process, no object, uid unknown ((uint32_t)-1). */
struct event event_make(const char *op, const char *decision, const char *reason);
/*
 * An event pdguard itself causes (a command, the daemon, log rotation): this process's user, pid,
 * name and executable (resolved, not "/proc/self/exe"), driver "agent".
 */
struct event event_agent(const char *op, const char *decision, const char *reason);

struct eventlog;

/* Where the copy of every event outside the file goes (log/journal.h). */
enum journal_sink {
	JOURNAL_NONE,		/* neither journald nor a syslog socket */
	JOURNAL_JOURNALD,	/* PDGUARD_* fields to JOURNAL_SOCKET */
	JOURNAL_SYSLOG,		/* the JSON line to /dev/log, facility authpriv */
};


/**
 * eventlog_open() - open (or create) the log at @path for appending
 *
 * Creates the file mode 0600 (root-only: the log records the people who must not clean it) and
 * its directory 0700; resumes the hash chain and sequence number from the last line.
 * Return: 0 or -errno (-EBADMSG when the last line is not a chained event).
 */
int eventlog_open(struct eventlog **out, const char *path);
/**
 * eventlog_set_group() - who besides root may read the log: the group @gid, or nobody
 * ((gid_t)-1). The live file, the rotated ones and every file started later (rotation, a
 * deleted live file) become 0640 root:@gid (0600 without a group); the directory 0750 root:@gid
 * (0700), but only when it is the log's own: root's and holding nothing but the log's files.
 * Only regular files are touched (`/dev/null` stays as it is).
 * Return: 0; 1 when the directory is shared and was left alone; -errno.
 */
int eventlog_set_group(struct eventlog *log, gid_t gid);
/* Append one event (thread-safe). Return: 0 or -errno; a failure is counted, never silent. */
int eventlog_write(struct eventlog *log, const struct event *ev);
/*
 * eventlog_write() of @n events in order, under one lock of the file: a driver's logger
 * writing a burst pays the locking once; each failed line is counted, and the rest are still
 * tried. @n is at most EVENTLOG_BATCH_MAX. Return: the number written, or -errno when none
 * was (-EINVAL for too many).
 */
#define EVENTLOG_BATCH_MAX 64
int eventlog_write_many(struct eventlog *log, const struct event *evs, size_t n);
/**
 * eventlog_rotate() - start a new file, keeping @keep older ones (path.1 newest ... path.keep)
 *
 * The new file's first line is a "rotate" event chained to the last line of the old file, so
 * `pdguard log verify path.2 path.1 path` checks the whole history as one chain.
 */
int eventlog_rotate(struct eventlog *log, unsigned int keep);
/*
 * Force written lines to disk. Each line is already in the kernel when eventlog_write() returns
 * (it survives the agent crashing); the daemon syncs once a second against power loss.
 */
int eventlog_sync(struct eventlog *log);
/*
 * Also send every event outside the file, so lines cut from its end are still on record: to
 * journald as PDGUARD_* fields with the line itself (log/journal.h) when its socket exists,
 * else the line to syslog (facility authpriv, root-only on Debian). Return: the sink chosen,
 * JOURNAL_NONE when neither listens (the caller warns).
 */
enum journal_sink eventlog_set_syslog(struct eventlog *log, bool on);
/**
 * eventlog_set_siem() - also write every event as ECS or OCSF (log/siem.h) to @path
 * @fmt: enum siem_format; SIEM_NONE stops it. The file is created 0600; it turns over with the
 *       native log at rotation. Return: 0 or -errno (the native log goes on either way).
 */
int eventlog_set_siem(struct eventlog *log, int fmt, const char *path);
/**
 * eventlog_seal_attach() - seal the log with the key in @keyfile (log/seal.h)
 * From then on, when a sealing epoch has ended, the next write (or eventlog_seal_tick()) first
 * appends a "seal" line and steps the key on. Return: 0, -ENOENT when there is no key file
 * (sealing was never set up), other -errno.
 */
int eventlog_seal_attach(struct eventlog *log, const char *keyfile);
/* Seal now if an epoch has ended (the daemon calls it every second, so an idle log is sealed). */
int eventlog_seal_tick(struct eventlog *log);
/*
 * Call @fn with every event once it is written, outside the log's locks (so @fn may write
 * events itself): the daemon feeds its alerts from what every driver logs.
 */
typedef void (*eventlog_observer_fn)(void *ctx, const struct event *ev);
void eventlog_set_observer(struct eventlog *log, eventlog_observer_fn fn, void *ctx);
/* Events written and write failures since open. */
void eventlog_counters(const struct eventlog *log, uint64_t *written, uint64_t *failed);
void eventlog_close(struct eventlog *log);

/**
 * eventlog_verify() - check the hash chain of the log file @path
 * @chain_from: the last hash of the file before this one (rotation), or NULL: then the file must
 *              start a chain (seq 1 from zeros) or with a "rotate" event
 * @lines: set to the number of lines read
 * @bad_line: set to the first line (1-based) that does not chain, on -EBADMSG
 * @last_hash: if not NULL, receives the last good hash (to verify the next file with)
 * Return: 0 intact, -EBADMSG broken, other -errno when the file cannot be read.
 */
int eventlog_verify(const char *path, const char *chain_from, uint64_t *lines, uint64_t *bad_line,
		    char last_hash[65]);
/*
 * The same, also checking every seal with @sc (log/seal.h; set up by seal_check_init() from
 * the verification key, and carried from one file to the next); on -EBADMSG, sc->why says
 * what failed when it was a seal.
 */
struct seal_check;
int eventlog_verify_sealed(const char *path, const char *chain_from, struct seal_check *sc,
			   uint64_t *lines, uint64_t *bad_line, char last_hash[65]);

#endif /* PDGUARD_EVENTS_H */
