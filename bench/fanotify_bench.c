// SPDX-License-Identifier: GPL-2.0
/*
 * open()+close() latency, for scripts/bench-fanotify.sh.
 *
 *   fanotify_bench measure FILE [N]   ns per open+close of FILE (median of 7 rounds of N)
 *   fanotify_bench pdguard ROOT [N [SCRIPT]]
 *                                     start the fanotify driver on ROOT/shares (scan root with a
 *                                     labelled file) and ROOT/usb (a USB zone), then measure,
 *                                     from a child process (the agent's own opens are exempt):
 *                                     the labelled file, an unlabelled file on the USB mount, an
 *                                     unlabelled file on the scan root; with SCRIPT, then run it
 *                                     (sh SCRIPT, from a child) and print its wall time, every
 *                                     pd-* file under ROOT/shares/tree labelled first.
 *                                     ROOT/shares and ROOT/usb must be mounts (tmpfs) the
 *                                     caller made for this.
 *   fanotify_bench floor FILE [N]     the least any fanotify driver can cost: a responder that
 *                                     reads a request, allows it and closes its descriptor,
 *                                     nothing else (FILE on a mount the caller made for this)
 * Output: one "name ns" line per case (wall time per open+close), and one "name-cpu ns" (the CPU
 * time the responding threads spent per open: the driver's, or the floor's responder). The
 * measuring children close the descriptors they inherit (the driver's groups, its log): a real
 * opener does not hold the agent's files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "drivers/driver.h"
#include "policy/grants.h"
#include "state/fileid.h"
#include "state/labels.h"

#define ROUNDS 7

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double measure(const char *path, long n)
{
	double r[ROUNDS];
	struct timespec a, b;
	long i;
	int k, fd;

	for (i = 0; i < n / 10; i++) {		/* warm caches (dentry, our role cache) */
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		close(fd);
	}
	for (k = 0; k < ROUNDS; k++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++) {
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				return -errno;
			close(fd);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		r[k] = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

static int write_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	if (write(fd, "x\n", 2) != 2) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* In a measuring child: keep stdin, stdout and stderr only, as a real opener would. */
static void close_inherited(void)
{
#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 3U, ~0U, 0U))
		return;
#endif
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
}

/*
 * CPU time of this process's threads other than the caller's (the driver's responder, logger,
 * labeller...), from /proc/self/task/TID/schedstat: what the agent spends per request, a figure
 * that a loaded machine moves much less than wall-clock latency.
 */
static unsigned long long others_cpu_ns(void)
{
	unsigned long long sum = 0, ns;
	char path[300];
	struct dirent *de;
	pid_t self = (pid_t)syscall(SYS_gettid);
	DIR *dp = opendir("/proc/self/task");
	FILE *f;

	if (!dp)
		return 0;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dp);
	return sum;
}

/* Opens one measure() makes: the warm-up and the rounds. */
static double opens_of(long n)
{
	return (double)(n / 10 + (long)ROUNDS * n);
}

static int floor_fd = -1;

/* The least a responder does: read, allow, close. */
static void *floor_responder(void *arg)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	ssize_t n;

	for (;;) {
		n = read(floor_fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return NULL;
		}
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			struct fanotify_response r = { .fd = m->fd, .response = FAN_ALLOW };

			if (m->fd < 0)
				continue;
			if (write(floor_fd, &r, sizeof(r)) != sizeof(r))
				return NULL;
			close(m->fd);
		}
	}
}

static int run_floor(const char *path, long n)
{
	unsigned long long cpu;
	pthread_t t;
	pid_t child;
	int status;

	floor_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	if (floor_fd < 0)
		return -errno;
	if (fanotify_mark(floor_fd, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, path))
		return -errno;
	if (pthread_create(&t, NULL, floor_responder, NULL))
		return -EAGAIN;
	fflush(stdout);
	cpu = others_cpu_ns();
	child = fork();
	if (child == 0) {
		close_inherited();
		printf("floor %.0f\n", measure(path, n));
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &status, 0);
	printf("floor-cpu %.0f\n", (double)(others_cpu_ns() - cpu) / opens_of(n));
	/* the responder stays blocked in read; the process exits and the group goes with it */
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

/*
 * DIR/NAME into @buf. ROOT comes from the command line: a path too long is refused rather than
 * truncated, so the benchmark never measures (or labels) some other file.
 */
static int path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Label @path PD (personnel) and put the entry the daemon would have into @st. */
static int label_known(struct state *st, const char *path)
{
	struct label_entry le = { 0 };
	struct file_id id;
	int fd;

	if (labels_set(path, PDGUARD_LEVEL_PD, PDGUARD_CAT_PERSONNEL, 0))
		return -EIO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fileid_of_fd(fd, &id, NULL)) {
		close(fd);
		return -EIO;
	}
	close(fd);
	/* with the identity a cached label must match, as the daemon's entry carries */
	le.dev = id.dev;
	le.ino = id.ino;
	le.ctime_ns = id.ctime_ns;
	le.btime_ns = id.btime_ns;
	le.gen = id.gen;
	le.idhave = id.have;
	le.verified = 1;
	le.level = PDGUARD_LEVEL_PD;
	le.categories = PDGUARD_CAT_PERSONNEL;
	state_label_put(st, &le);
	return 0;
}

/* The workload's tree: every file named pd-* is labelled (the script made them). */
static int label_tree(struct state *st, const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dp = opendir(dir);
	int ret = 0;

	if (!dp)
		return 0;
	while (!ret && (de = readdir(dp))) {
		if (de->d_name[0] == '.' || path_join(path, sizeof(path), dir, de->d_name))
			continue;
		if (de->d_type == DT_DIR)
			ret = label_tree(st, path);
		else if (!strncmp(de->d_name, "pd-", 3))
			ret = label_known(st, path);
	}
	closedir(dp);
	return ret;
}

/* Run the workload script in a child that holds none of our descriptors: ms, or -errno. */
static double run_workload(const char *script)
{
	struct timespec a, b;
	pid_t child;
	int status;

	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &a);
	child = fork();
	if (child == 0) {
		close_inherited();
		execl("/bin/sh", "sh", script, (char *)NULL);
		_exit(127);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return -EIO;
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

static int run_pdguard(const char *root, long n, const char *workload)
{
	char conf[PATH_MAX], shares[PATH_MAX], usb[PATH_MAX], pd[PATH_MAX], plain[PATH_MAX];
	char usbfile[PATH_MAX], log[PATH_MAX], state_dir[PATH_MAX], tree[PATH_MAX];
	struct config_errors errs = { 0 };
	struct driver_env env = { 0 };
	struct eventlog *evlog;
	struct grants *grants;
	struct config cfg;
	struct state st;
	struct driver *drv;
	const char *names[3] = { "pdguard-usb-unlabelled", "pdguard-labelled",
				 "pdguard-share-unlabelled" };
	const char *files[3] = { usbfile, pd, plain };
	int status, ret, k, failed = 0;
	pid_t child;
	FILE *f;

	if (path_join(shares, sizeof(shares), root, "shares") ||
	    path_join(usb, sizeof(usb), root, "usb") ||
	    path_join(pd, sizeof(pd), shares, "pd.csv") ||
	    path_join(plain, sizeof(plain), shares, "plain.txt") ||
	    path_join(usbfile, sizeof(usbfile), usb, "plain.txt") ||
	    path_join(log, sizeof(log), shares, "events.jsonl") ||
	    path_join(state_dir, sizeof(state_dir), shares, "state") ||
	    path_join(conf, sizeof(conf), shares, "bench.conf") ||
	    path_join(tree, sizeof(tree), shares, "tree"))
		return -ENAMETOOLONG;
	if (write_file(pd) || write_file(plain) || write_file(usbfile))
		return -EIO;
	f = fopen(conf, "we");
	if (!f)
		return -errno;
	/* root gets a role that may read everything: the labelled row measures an allowed read */
	fprintf(f, "[agent]\nmode = enforce\ndriver = fanotify\nlog = %s\nstate = %s\nscan = %s\n"
		"[zone usb]\nremovable = no\npath = %s\n[role bench]\nuser = root\nread = all\n",
		log, state_dir, shares, usb);
	fclose(f);
	ret = config_load(conf, &cfg, &errs);
	config_errors_free(&errs);
	if (ret)
		return ret;
	if (state_init(&st) || zones_scan(&cfg, &st.zones, NULL, NULL))
		return -EIO;
	st.mode = cfg.mode;
	st.cfg = &cfg;
	if (label_known(&st, pd)) {
		fprintf(stderr, "fanotify_bench: cannot label %s\n", pd);
		return -EIO;
	}
	if (workload && label_tree(&st, tree))
		return -EIO;
	ret = eventlog_open(&evlog, log);
	if (ret) {
		fprintf(stderr, "fanotify_bench: %s: %s\n", log, strerror(-ret));
		return ret;
	}
	ret = grants_open(&grants, state_dir);
	if (ret) {
		fprintf(stderr, "fanotify_bench: %s: %s\n", state_dir, strerror(-ret));
		return ret;
	}
	st.grants = grants;
	env = (struct driver_env){ .st = &st, .cfg = &cfg, .log = evlog, .agent_pid = getpid() };
	ret = driver_fanotify_ops.start(&env, &drv);
	if (ret)
		return ret;
	/* one fresh process per case: a process that read the PD file is refused the USB mount */
	for (k = 0; k < 3; k++) {
		unsigned long long cpu = others_cpu_ns();

		fflush(stdout);
		child = fork();
		if (child == 0) {
			close_inherited();
			printf("%s %.0f\n", names[k], measure(files[k], n));
			fflush(stdout);
			_exit(0);
		}
		waitpid(child, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
		/* the logger writes a moment after: let it finish before counting */
		usleep(100000);
		printf("%s-cpu %.0f\n", names[k], (double)(others_cpu_ns() - cpu) / opens_of(n));
	}
	if (workload) {
		double ms = run_workload(workload);

		if (ms < 0)
			failed = 1;
		else
			printf("pdguard-workload-ms %.0f\n", ms);
	}
	driver_fanotify_ops.describe(drv, stderr);
	driver_fanotify_ops.stop(drv);
	eventlog_close(evlog);
	grants_close(grants);
	state_free(&st);
	config_free(&cfg);
	return failed ? -EIO : 0;
}

int main(int argc, char **argv)
{
	long n = argc > 3 ? atol(argv[3]) : 20000;

	if (argc >= 3 && !strcmp(argv[1], "measure")) {
		double ns = measure(argv[2], n);

		if (ns < 0) {
			fprintf(stderr, "fanotify_bench: %s: %s\n", argv[2], strerror((int)-ns));
			return 1;
		}
		printf("%.0f\n", ns);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "floor")) {
		int ret = run_floor(argv[2], n);

		if (ret)
			fprintf(stderr, "fanotify_bench: floor: %s\n", strerror(-ret));
		return ret ? 1 : 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "pdguard")) {
		int ret = run_pdguard(argv[2], n, argc > 4 ? argv[4] : NULL);

		if (ret)
			fprintf(stderr, "fanotify_bench: pdguard driver: %s\n", strerror(-ret));
		return ret ? 1 : 0;
	}
	fprintf(stderr, "Usage: fanotify_bench measure FILE [N] | pdguard ROOT [N] | floor FILE [N]\n");
	return 64;
}
