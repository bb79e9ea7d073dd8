/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fanotify driver: permission events answered by the agent, for kernels that refuse BPF LSM
 * and fmod_ret programs (docs/fanotify.md says what it guarantees less than they do).
 *
 * Three fanotify groups:
 *  perm   FAN_CLASS_CONTENT, FAN_OPEN_PERM on PD-labelled files (inode marks), USB zone mounts
 *         (mount marks) and cloud folders (directory marks with FAN_EVENT_ON_CHILD, every
 *         subdirectory). Never on "/" or a whole system filesystem: an open outside these marks
 *         never waits for us.
 *  notif  FAN_CLOSE_WRITE on the scan roots' mounts, separate temp mounts, zones: a file written
 *         by a tainted process gets a derived label (and a perm mark); a zone file written by
 *         one is removed after the fact.
 *  fid    FAN_REPORT_DFID_NAME, FAN_MOVED_TO | FAN_CREATE on cloud folders: a PD file renamed
 *         into one is moved to quarantine after the fact; new subdirectories get marks.
 *
 * Threads, and why nothing here can hang an open() for long:
 *  - the responder reads the perm and notif groups; an event of the agent's own process is
 *    allowed before anything else is looked at; it answers before it logs; it reads only /proc,
 *    the state and the event's own descriptor (fstat, fgetxattr), never opens a marked file, so
 *    it never waits for itself. Besides its answers and the taint table it writes nothing (no
 *    file, xattr, state or log): a close-write becomes a note in memory (struct noted) that
 *    decisions read at once, so `cat pd > /tmp/x; cp /tmp/x /usb/` is refused before /tmp/x
 *    carries its label;
 *  - the labeller writes what the notes say (label xattr, state, perm mark, the removal of a
 *    zone file, their events) and handles the fid group (quarantine, marks for new folders);
 *    its own opens are the agent's, answered at once;
 *  - the logger hashes and writes the responder's events;
 *  - the watchdog answers (per [agent] fail = open|closed) every request not answered within
 *    decision_timeout_ms, and when the responder is stuck it reads and answers new requests
 *    itself; each such answer is an event;
 *  - the daemon's thread calls label/policy/dispatch, which never answer requests, so a daemon
 *    busy classifying (and opening PD files, answered at once as the agent's) cannot block them.
 *
 * Files, one concern each: proc.c (/proc, read only), taint.c (who carries which categories),
 * marks.c (PD-file marks, zone marks, cloud folders, sync clients), respond.c (permission
 * requests: decide, answer, watchdog), notify.c (close-write notes, the labeller, renames),
 * log.c (the logger thread and events), keeper.c (fail = closed after the agent dies), ops.c
 * (the driver_ops table).
 */
#ifndef PDGUARD_FANOTIFY_INTERNAL_H
#define PDGUARD_FANOTIFY_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "drivers/driver.h"
#include "lib/peer.h"

#define MAX_PENDING	1024		/* requests read and not yet answered */
#define TAINT_MIN	4096		/* slots for tainted processes at start; the table grows */
#define TAINT_LIMIT	(1U << 22)	/* ...up to this many (about 200 MiB) */
#define ANCESTOR_DEPTH	8		/* parents checked for an inherited taint */
#define MAX_FDS_CHECKED	1024		/* descriptors of an opener looked at */
#define ROLE_CACHE	64
#define ROLE_TTL_NS	(30ULL * 1000000000ULL)
#define ROLE_SCOPED	8
#define MAX_CLIENTS	256		/* sync clients and exit-point programs */
#define MAX_SERVERS	16		/* [servers] exe = programs */
#define PF_KTHREAD	0x00200000	/* /proc/PID/stat flags: a kernel thread */
#define FAN_MAX_PIPES	16		/* pipes of one process looked at */
#define ZONE_WRITERS	64		/* pipeline ends writing on a zone, watched for a taint */
#define FD_SCANS	256		/* processes whose descriptors were looked through */
#define PROC_CACHE	64		/* openers whose /proc/PID/status the responder holds open */
#define TAINTED_PIPES	1024		/* pipes of tainted processes remembered */
#define FAN_MARKS_FILE	"fanotify.marks"	/* in the state directory */
#define FAN_KEEPER_FILE	"fanotify.keeper"	/* the fail-closed keeper: "PID DENIED" */
#define CLIENT_CACHE	128		/* executables compared with the clients by content */
#define CLIENT_MAX_HASHED (1024LL * 1024 * 1024)	/* larger clients: by inode only */
#define MAX_ZONE_MARKS	4096
#define EVBUF		(64 * 1024)
#define LOGQ		4096		/* events queued for the logger thread */
#define VFREE		64		/* written verdicts kept for reuse */
#define NOTEQ		1024		/* close-writes noted and not yet written by the labeller */

#define CLOUD_PERM	(FAN_OPEN_PERM | FAN_EVENT_ON_CHILD)
#define CLOUD_NOTIF	(FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD)
#define CLOUD_FID	(FAN_MOVED_TO | FAN_CREATE | FAN_ONDIR)

struct pending {
	int fd;
	pid_t pid;
	uint64_t deadline_ns;
	bool used, answered;
};

struct taint {
	pid_t pid;
	pid_t ppid;
	pid_t pgid;
	uint64_t start;			/* /proc/PID/stat starttime: survives pid reuse */
	uint64_t pgid_start;		/* the group leader's, when the taint was recorded */
	uint64_t since_ns;
	uint32_t cats;
	bool used;
	/* export grants with a --path that cover every PD file this process itself read
	 * (taint.c: intersected at each read; @src_set with no ids: none does, or some of its
	 * taint came from elsewhere) */
	bool src_set;
	uint8_t nsrc;
	uint32_t src[4];
	bool has_uid;		/* @uid: its user when tainted (a writer judged after it exited) */
	uid_t uid;
	/* a file server's process ([servers]): its taint is its own (never inherited by its
	 * children or shared with its group) and lasts cfg->server_taint_s after @last_ns, its
	 * newest PD read (CLOCK_MONOTONIC) */
	bool server;
	uint64_t last_ns;
};

struct mark {
	dev_t dev;
	ino_t ino;
	char *path;
};

/*
 * A mark on a filesystem (FAN_MARK_FILESYSTEM: one per superblock, whatever path reached it)
 * or on a directory (flags 0). A policy change re-marks with a new generation and then takes
 * off only what is no longer wanted: the marks in force never lapse while they change.
 */
struct zone_mark {
	char *path;
	unsigned int flags;		/* FAN_MARK_FILESYSTEM or 0 (inode) */
	dev_t dev;			/* the filesystem, for FAN_MARK_FILESYSTEM */
	uint64_t perm, notif, fid;	/* masks in force in each group */
	uint64_t want_perm, want_notif, want_fid;	/* asked for in generation @gen */
	uint64_t gen;
	int pathfd;			/* for open_by_handle_at (fid marks), else -1 */
};

struct role_cached {
	bool used;
	uid_t uid;
	uint32_t cats;
	uint32_t export;	/* its roles' export = */
	uint32_t svc_read;	/* its [service]'s read = */
	/* its roles with place = (indexes into @cfg's roles): they read by the file's folder;
	 * nscoped > ROLE_SCOPED: too many to keep, asked afresh at each read */
	const struct config *cfg;
	int nscoped;
	uint16_t scoped[ROLE_SCOPED];
	bool svc;		/* a service account: @service names it */
	bool svc_taint;
	char service[40];
	uint64_t at_ns;
	char roles[128];
};

struct proc_info {
	pid_t pid, ppid, pgid;
	uint64_t start;
	unsigned int threads;
	uid_t uid;
	char comm[64];
	bool have_stat, have_uid;
	bool kthread;		/* a kernel thread (nfsd, ksmbd): no program, no user behind it */
};

struct verdict {
	const char *decision;	/* set when queued */
	/* an export let out (export.c), or a service account's read: the event names them */
	const char *export_by;	/* "role", "grant", "service" or NULL */
	unsigned int grants[4];
	int ngrants;
	char approver[128];
	char approver2[128];
	char service[40];
	bool deny;		/* by policy; audit mode answers allow and logs would-deny */
	bool log;
	bool pd_read;		/* a PD read: the alerts count it */
	const char *op;
	const char *zone;
	const char *label;
	uint32_t cats;
	dev_t dev;
	ino_t ino;
	unsigned int why;	/* enum pdguard_reason of @reason */
	struct proc_info p;
	char client[PEER_ADDR_LEN];	/* the remote client it serves (lib/peer.h), read then too */
	uint16_t client_port;
	/* the strings, last: a decision sets up and a queued event copies only what they hold
	 * (fan_verdict_init, fan_verdict_copy), not the ~14 KiB of their buffers */
	char reason[512];
	char path[PATH_MAX];
	char target[PATH_MAX];
	char exe[PATH_MAX];	/* read just after the answer: the opener may be gone by logging */
	char extra[2048];	/* their JSON members, made by fan_emit() (log.c) */
};

/* An empty verdict (all but the string buffers zeroed, the strings empty). */
static inline void fan_verdict_init(struct verdict *v)
{
	memset(v, 0, offsetof(struct verdict, reason));
	v->reason[0] = v->path[0] = v->target[0] = v->exe[0] = v->extra[0] = '\0';
}

/*
 * A close-write the responder read and the labeller has yet to write. Until it is written (and
 * after: the state then holds it) decisions count the file as labelled with @tcats.
 */
struct noted {
	int fd;			/* the event's descriptor: what is written goes through it */
	bool zone_write;	/* a zone file written by a tainted process: to be removed */
	bool busy;		/* the labeller is writing it */
	uint64_t seq;		/* queue order */
	uint32_t tcats;		/* the writer's taint */
	struct verdict v;	/* who wrote which file (path, dev, ino, zone) */
};

struct driver {
	struct driver_env env;
	const struct config *cfg;
	int perm_fd, notif_fd, fid_fd, stop_fd, note_fd;
	pthread_t responder, watchdog, logger, labeller;
	int nthreads;
	/* events on their way to the log (logger thread) */
	pthread_mutex_t qlock;
	pthread_cond_t qready, qspace;
	struct verdict *q[LOGQ];
	size_t qhead, qn;
	bool qstop;
	/* written verdicts kept for the next events (a verdict is ~14 KiB: a malloc and free per
	 * event across two threads made the heap grow and shrink, page faults on every decision) */
	struct verdict *vfree[VFREE];
	size_t nvfree;
	atomic_bool stopping;
	/* close-writes noted by the responder, written by the labeller (note_fd wakes it) */
	pthread_mutex_t nlock;
	pthread_cond_t nspace;
	struct noted *notes[NOTEQ];
	size_t nnotes;
	uint64_t note_seq;
	atomic_bool nstop;		/* the responder has stopped: the labeller may */
	/* pending requests, and every write of a response (so none is answered twice) */
	pthread_mutex_t plock;
	struct pending pend[MAX_PENDING];
	_Atomic uint64_t busy_since_ns;
	/* the responder holds it while deciding; policy() and label() to change what it reads */
	pthread_mutex_t lock;
	struct mark *marks;
	size_t nmarks, capmarks;
	struct zone_mark zmarks[MAX_ZONE_MARKS];
	size_t nzmarks;
	uint64_t zgen;			/* the generation fan_mark_zones() is marking */
	/* tainted processes: open addressing by pid; grown, never a live process evicted */
	struct taint *taints;
	size_t taint_cap;
	_Atomic uint64_t n_taint_lost;	/* evicted live (out of memory): counted, shown */
	/* sync clients: by (dev, ino), and by content so a copy of the binary is the client */
	struct {
		dev_t dev;
		ino_t ino;
		off_t size;
		int64_t ctime_ns;	/* the version @sha256 is of */
		bool hashed;
		bool exit_point;	/* [exit-points]: PD only under a grant (else a sync client) */
		uint8_t sha256[32];
		char path[PATH_MAX];
	} clients[MAX_CLIENTS];
	size_t nclients;
	/* file servers' programs ([servers] exe =): by (dev, ino) of the executable */
	struct {
		dev_t dev;
		ino_t ino;
		char path[PATH_MAX];
	} servers[MAX_SERVERS];
	size_t nservers;
	/* executables of the clients' sizes already hashed: (dev, ino, ctime) -> client or -1 */
	struct {
		dev_t dev;
		ino_t ino;
		int64_t ctime_ns;
		int client;
		bool used;
	} exe_seen[CLIENT_CACHE];
	size_t next_exe_seen;
	/* processes holding a pipe that opened a zone file: a pipe peer's taint reaches them */
	struct {
		bool used;
		pid_t pid;
		uint64_t start;
		int npipes;
		uint64_t pipes[FAN_MAX_PIPES];
	} zwriters[ZONE_WRITERS];
	size_t next_zwriter;
	bool any_zwriter;
	bool started;			/* fully started: its marks are worth saving at stop */
	pid_t keeper_pid;		/* the fail-closed keeper (keeper.c), or <= 0 */
	int keeper_fd;			/* its pipe: 'q' is a clean stop */
	/* pipes held by tainted processes, remembered past their exit (`cat pd | tee` where cat
	 * is gone before tee opens the zone file) */
	struct {
		uint64_t ino;
		uint32_t cats;
	} tpipes[TAINTED_PIPES];
	size_t next_tpipe;
	struct role_cached roles[ROLE_CACHE];
	/* zone files whose open was let out as an export (and logged): their close-write is not
	 * logged again (export.c) */
	struct {
		pid_t pid;
		uid_t uid;
		dev_t dev;
		ino_t ino;
	} exported[64];
	size_t next_exported;
	bool any_taint;			/* once set, zone opens look for inherited taint */
	uint64_t last_mark_boot_ns;	/* CLOCK_BOOTTIME of the newest PD-file mark */
	uint64_t ns_per_tick;		/* /proc starttime unit */
	struct taint openers[256];	/* recent zone openers: pgid of a writer that exited */
	/* when a process's descriptors were last looked through for labelled files (responder
	 * only, under d->lock): a look after the newest mark need not be made again */
	struct {
		pid_t pid;
		uint64_t start;
		uint64_t at_boot_ns;
	} fdscans[FD_SCANS];
	/*
	 * Openers the responder keeps /proc/PID/status open for (responder only, no lock): one
	 * pread gives their current uid, group, parent and threads. The descriptor holds the
	 * process, not its number: once it has exited the read fails, even if the number was
	 * given to another process, and the slot is filled again.
	 */
	struct {
		pid_t pid;
		uint64_t start;
		bool kthread;
		int fd;			/* -1: empty */
		int dirfd;		/* its /proc/PID (O_PATH), for exe without a path walk */
	} procs[PROC_CACHE];
	size_t next_opener;
	/* counters */
	_Atomic uint64_t n_allow, n_deny, n_would, n_overflow, n_watchdog, n_derived, n_moved,
		n_own, n_requests, n_label_failed, n_answer_failed;
};

static inline uint64_t fan_now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline bool fan_audit_mode(const struct driver *d)
{
	return state_mode(d->env.st) == PDGUARD_MODE_AUDIT;
}

/*
 * Wake the thread that polls eventfd @fd / take the wake-up. An eventfd's counter never fills
 * with our increments of one, and EAGAIN on read is "nothing to take": other errors cannot happen
 * on a descriptor we own and are returned for the record.
 */
static inline int fan_wake(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) || errno == EAGAIN ? 0 : -errno;
}

static inline int fan_unwake(int fd)
{
	uint64_t n;

	return read(fd, &n, sizeof(n)) == sizeof(n) || errno == EAGAIN ? 0 : -errno;
}

/* proc.c: what /proc says about a process or a descriptor; nothing is opened but /proc */
int fan_proc_stat(pid_t pid, struct proc_info *p);
uint64_t fan_proc_start(pid_t pid);
int fan_proc_uid(pid_t pid, struct proc_info *p);
/* Its real and saved uids, as this namespace sees them. Return: 0, -ESRCH or -EBADMSG. */
int fan_proc_ids(pid_t pid, uid_t *ruid, uid_t *suid);
/* fan_proc_stat + fan_proc_uid of an opener, through d->procs (responder only). */
int fan_proc_opener(struct driver *d, pid_t pid, struct proc_info *p);
void fan_proc_cache_close(struct driver *d);
void fan_proc_exe(pid_t pid, char *buf, size_t len);
void fan_proc_exe_cached(struct driver *d, pid_t pid, char *buf, size_t len);
/* The pipes @pid holds open for writing (@writing) or reading (inode numbers, at most @max). */
int fan_proc_pipes(pid_t pid, bool writing, uint64_t *out, int max);
int fan_proc_pipes_cached(struct driver *d, pid_t pid, bool writing, uint64_t *out, int max);
/* Categories written into any of @pipes by a tainted process (alive or not). Holds d->lock. */
uint32_t fan_pipes_taint(struct driver *d, const uint64_t *pipes, int n);
/* Processes other than @except holding one of @pipes for writing (at most @max into @out). */
int fan_pipe_holders(const uint64_t *pipes, int npipes, pid_t except, pid_t *out, int max);
void fan_fd_path(int fd, char *buf, size_t len);
bool fan_write_only_open(const struct proc_info *p);

/* taint.c: callers hold d->lock */
bool fan_taint_covers(struct driver *d, const struct proc_info *p, uint32_t cats);
void fan_taint_add(struct driver *d, const struct proc_info *p, uint32_t cats);
uint32_t fan_taint_of(struct driver *d, const struct proc_info *p, bool dead_ok);
/* The taint @p carries from elsewhere than its own reads (ancestors, group). */
uint32_t fan_taint_inherited(struct driver *d, const struct proc_info *p, bool dead_ok);
/* Its own taint, and the path export grants covering all it read (@ids, up to 4, *@n). */
uint32_t fan_taint_own(struct driver *d, const struct proc_info *p, bool dead_ok,
		       unsigned int *ids, int *n);
/* Whether @p's own taint record is a file server's ([servers]): its writes are labelled derived
 * only under the scan roots. */
bool fan_taint_server(struct driver *d, const struct proc_info *p, bool dead_ok);
/* The user @p (alive, or exited: by pid) had when it was tainted. */
bool fan_taint_uid(struct driver *d, const struct proc_info *p, uid_t *uid);
/* @p read a file that the path export grants @ids cover (none: @n 0). */
void fan_taint_source(struct driver *d, const struct proc_info *p, const unsigned int *ids,
		      int n);

/* respond.c: roles of a uid, cached (also their export and the [service]); holds d->lock */
const struct role_cached *fan_role(struct driver *d, uid_t uid);
/* Labelled files among @pid's descriptors: their categories; with @q, only of those that none
 * of the path export grants @ids covers. */
struct export_ask;
uint32_t fan_open_fd_cats(struct driver *d, pid_t pid, const struct export_ask *q,
			  const unsigned int *ids, int nids);

/* export.c: may this PD go to this zone (role export, an export grant, a service account)? */
enum fan_export {
	FAN_EXPORT_NO,
	FAN_EXPORT_YES,
	FAN_EXPORT_FDS,		/* yes by a path grant, if the opener's descriptors agree */
};

struct fan_export_ask;
/*
 * Judge @v (zone, path, uid, pid) carrying @tcats, @t_pipe of them from pipe peers. Caller holds
 * d->lock. FAN_EXPORT_FDS: call fan_export_fds() without d->lock, then fan_export_finish().
 */
int fan_export_judge(struct driver *d, struct verdict *v, uint32_t tcats, uint32_t t_pipe,
		     bool dead_ok, struct fan_export_ask **ask);
bool fan_export_fds(struct driver *d, struct verdict *v, struct fan_export_ask *ask);
/* The event's reason and fields for an allowed export; remembers the zone file's open. */
void fan_export_allowed(struct driver *d, struct verdict *v, uint32_t tcats);
/* Was this zone file's open let out and logged as an export? Its opener's uid in *@uid. */
bool fan_export_seen(struct driver *d, pid_t pid, dev_t dev, ino_t ino, uid_t *uid);
/* Path export grants of @v's user covering the PD file @v->path (changed at @changed). */
int fan_export_sources(struct driver *d, const struct verdict *v, time_t changed,
		       unsigned int *ids, int max);

/* marks.c */
struct mark *fan_mark_find(struct driver *d, dev_t dev, ino_t ino);
int fan_mark_file(struct driver *d, int fd, const char *path, dev_t dev, ino_t ino);
void fan_unmark_file(struct driver *d, dev_t dev, ino_t ino);
int fan_mark_path(struct driver *d, const char *path, dev_t dev, ino_t ino);
void fan_walk_roots(struct driver *d);
/* The marked files' paths in the state directory, for the next start (save: holds d->lock). */
void fan_marks_save(struct driver *d);
void fan_marks_restore(struct driver *d);
int fan_zone_mark_add(struct driver *d, const char *path, unsigned int flags, uint64_t perm,
		      uint64_t notif, uint64_t fid);
void fan_zone_marks_prune(struct driver *d, bool all);
int fan_mark_zones(struct driver *d);
void fan_resolve_clients(struct driver *d);
/* The sync client or exit-point program @pid runs (its path; *@exit_point says which), or NULL. */
const char *fan_sync_client(struct driver *d, pid_t pid, bool *exit_point);
/* Whether @p (fan_proc_stat() read) is a file server's process: a kernel thread (nfsd,
 * ksmbd), or a [servers] program (its executable's device and inode) started by root. */
bool fan_server_process(struct driver *d, const struct proc_info *p);
const char *fan_zone_of(struct driver *d, dev_t dev, int fd, char *path, size_t len);

/* log.c */
void fan_emit(struct driver *d, struct verdict *v);
void fan_emit_info(struct driver *d, const char *op, const char *reason, pid_t pid);
void fan_overflow(struct driver *d, const char *group);
void *fan_logger_main(void *arg);

/* notify.c */
void fan_drain_notif(struct driver *d);
uint32_t fan_noted_cats(struct driver *d, dev_t dev, ino_t ino);
bool fan_notes_pending(struct driver *d);
void *fan_labeller_main(void *arg);

/* keeper.c: fail = closed past the agent's death */
void fan_keeper_takeover(struct driver *d);
void fan_keeper_start(struct driver *d);
void fan_keeper_stop(struct driver *d);

/* respond.c */
void *fan_responder_main(void *arg);
void *fan_watchdog_main(void *arg);

#endif /* PDGUARD_FANOTIFY_INTERNAL_H */
