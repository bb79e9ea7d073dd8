// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of the BPF drivers on the hot paths, measured in one run: open+close, pread 4 KiB and
 * pwrite 4 KiB on an unlabelled file, with the programs detached, attached, and detached again
 * (the two detached runs bracket drift). The attached run has a realistic policy on other
 * mounts (labels, a USB zone, a cloud folder, roles) and a tainted process somewhere, so the
 * "nothing to do here" exits are the ones measured.
 *
 *   bpf_bench [--driver bpf-lsm|fmod-ret] [--rounds N] [--iters N] [DIR]
 *
 * Run as root in the VM (scripts/bench-bpf.sh): it attaches programs that govern the machine.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drivers/bpf/loader.h"

enum { B_OPEN, B_PREAD, B_PWRITE, B__N };
static const char *const names[B__N] = { "open+close", "pread 4KiB", "pwrite 4KiB" };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median over @rounds of the mean ns per operation of @iters operations. */
static double measure(int which, const char *file, int rounds, int iters)
{
	static char buf[4096];
	double r[64], t0;
	int i, k, fd;

	if (rounds > 64)
		rounds = 64;
	fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(file);
		exit(2);
	}
	for (k = 0; k < rounds; k++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			switch (which) {
			case B_OPEN: {
				int f = open(file, O_RDONLY | O_CLOEXEC);

				if (f < 0)
					exit(3);
				close(f);
				break;
			}
			case B_PREAD:
				if (pread(fd, buf, sizeof(buf), 0) < 0)
					exit(3);
				break;
			case B_PWRITE:
				if (pwrite(fd, buf, sizeof(buf), 0) < 0)
					exit(3);
				break;
			}
		}
		r[k] = (now_ns() - t0) / iters;
	}
	close(fd);
	qsort(r, rounds, sizeof(r[0]), cmp_double);
	return r[rounds / 2];
}

/* Sorts @v in place. */
static double median(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int mount_tmpfs(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return -errno;
	return mount("pdg-bench", path, "tmpfs", 0, "mode=0777,size=16m") ? -errno : 0;
}

static void stats_enable(bool on)
{
	int fd = open("/proc/sys/kernel/bpf_stats_enabled", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, on ? "1" : "0", 1) != 1)
		perror("bpf_stats_enabled");
	close(fd);
}

static void one_stat(void *ctx, const char *prog, uint64_t runs, uint64_t ns)
{
	if (runs)
		printf("prog %-36s %10llu runs %8.0f ns/run\n", prog, (unsigned long long)runs,
		       (double)ns / runs);
}

/* What the programs themselves cost per run (the VM's emulated ns, like everything here). */
static void prog_stats_print(struct pdg_bpf *b)
{
	printf("# per-program cost (kernel.bpf_stats_enabled), all runs of the benchmark\n");
	pdg_bpf_prog_stats(b, one_stat, NULL);
	stats_enable(false);
}

int main(int argc, char **argv)
{
	struct pdg_bpf_role roles[] = { { .id = 0, .read_cats = PDGUARD_CAT_ALL } };
	enum pdguard_bpf_driver driver = PDGUARD_DRIVER_NONE;
	char dir[] = "/tmp/pdg-bench-XXXXXX", work[64], usb[64], pdfs[64], cloud[80], file[80],
	     pd[80];
	double off[B__N][64], on[B__N][64], ratio[B__N][64];
	struct pdg_bpf_zone zones[2];
	struct pdg_bpf_label label;
	struct pdg_bpf_opts o = {};
	struct pdg_bpf_error err;
	int rounds = 15, iters = 5000, i, k, fd, status;
	const char *base = NULL;
	struct pdg_bpf *b;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--driver") && i + 1 < argc) {
			i++;
			driver = !strcmp(argv[i], "fmod-ret") ? PDGUARD_DRIVER_FMOD_RET :
								PDGUARD_DRIVER_BPF_LSM;
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--iters") && i + 1 < argc) {
			iters = atoi(argv[++i]);
		} else {
			base = argv[i];
		}
	}
	if (base)
		snprintf(dir, sizeof(dir), "%s", base);
	else if (!mkdtemp(dir))
		return 2;
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(usb, sizeof(usb), "%s/usb", dir);
	snprintf(pdfs, sizeof(pdfs), "%s/pd", dir);
	snprintf(cloud, sizeof(cloud), "%s/Dropbox", pdfs);
	snprintf(file, sizeof(file), "%s/plain.bin", work);
	snprintf(pd, sizeof(pd), "%s/personnel.csv", pdfs);
	if (mount_tmpfs(work) || mount_tmpfs(usb) || mount_tmpfs(pdfs)) {
		perror("mount tmpfs");
		return 2;
	}
	mkdir(cloud, 0777);
	fd = open(file, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || ftruncate(fd, 65536))
		return 2;
	close(fd);
	fd = open(pd, O_RDWR | O_CREAT, 0644);
	if (fd < 0 || write(fd, "870412300123\n", 13) != 13)
		return 2;
	close(fd);

	zones[0] = (struct pdg_bpf_zone){ PDGUARD_ZONE_USB, usb };
	zones[1] = (struct pdg_bpf_zone){ PDGUARD_ZONE_CLOUD, cloud };
	label = (struct pdg_bpf_label){ pd, PDGUARD_CAT_PERSONNEL };
	o.driver = driver;
	o.mode = PDGUARD_MODE_ENFORCE;
	o.roles = roles;
	o.n_roles = 1;
	o.zones = zones;
	o.n_zones = 2;
	o.labels = &label;
	o.n_labels = 1;
	if (pdg_bpf_start(&b, &o, &err)) {
		fprintf(stderr, "bpf_bench: %s\nHint: %s\n", err.msg, err.hint);
		return 2;
	}
	driver = pdg_bpf_driver(b);
	{
		const char *why;
		enum pdguard_label_src src = pdg_bpf_label_src(b, &why);

		printf("# labels from: %s%s%s\n", pdg_bpf_label_src_name(src), why[0] ? ": " : "",
		       why);
	}
	stats_enable(true);
	/* somebody is tainted: the programs cannot take the "no taint anywhere" exit */
	pid = fork();
	if (pid == 0) {
		fd = open(pd, O_RDONLY);
		_exit(fd < 0);
	}
	waitpid(pid, &status, 0);

	/*
	 * Detached and attached runs alternate, one load, links dropped and re-made: the
	 * emulated CPU drifts more between minutes than between neighbouring rounds, so each
	 * round's ratio is taken against its own neighbours, and the median ratio is reported.
	 */
	if (rounds > 64)
		rounds = 64;
	for (k = 0; k < rounds; k++) {
		for (i = 0; i < B__N; i++) {
			bool first_attached = k & 1;
			double x, y;

			if (pdg_bpf_pause(b, !first_attached))
				return 2;
			x = measure(i, file, 1, iters);
			if (pdg_bpf_pause(b, first_attached))
				return 2;
			y = measure(i, file, 1, iters);
			off[i][k] = first_attached ? y : x;
			on[i][k] = first_attached ? x : y;
			ratio[i][k] = on[i][k] / off[i][k];
		}
	}
	prog_stats_print(b);
	pdg_bpf_stop(b);

	printf("# driver %s, %d rounds x %d operations, detached and attached alternating; "
	       "medians; unlabelled file on tmpfs\n", pdg_bpf_driver_name(driver), rounds, iters);
	printf("%-12s %12s %12s %8s %8s %8s %s\n", "operation", "detached ns", "attached ns",
	       "ratio", "min", "max", "target");
	for (i = 0; i < B__N; i++) {
		double r_off = median(off[i], rounds), r_on = median(on[i], rounds);
		double r = median(ratio[i], rounds);

		printf("%-12s %12.0f %12.0f %8.3f %8.3f %8.3f %s\n", names[i], r_off, r_on, r,
		       ratio[i][0], ratio[i][rounds - 1], i == B_OPEN ? "<= 1.10" : "<= 1.05");
	}
	umount2(work, MNT_DETACH);
	umount2(usb, MNT_DETACH);
	umount2(pdfs, MNT_DETACH);
	return 0;
}
