// SPDX-License-Identifier: GPL-2.0
/* What the daemon tells systemd: readiness, first-scan progress, watchdog pings (service.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "daemon/service.h"
#include "lib/sdnotify.h"

#define STATUS_EVERY_S 2
/*
 * How long the first scan may go without classifying a file before the pings stop. Extraction
 * has its own per-file limits far below this; a scan stuck longer is stuck for good.
 */
#define STALL_S 120

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool running, stop;
	struct svc_counters c;
} rep = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static unsigned long done_files(const struct svc_counters *c)
{
	return atomic_load(c->scanned) + atomic_load(c->unchanged);
}

static void *reporter(void *arg)
{
	unsigned long last = 0, now_done;
	bool watchdog = sdnotify_watchdog_usec() > 0;
	time_t last_progress = time(NULL);
	struct timespec until;

	pthread_mutex_lock(&rep.lock);
	while (!rep.stop) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += STATUS_EVERY_S;
		pthread_cond_timedwait(&rep.cond, &rep.lock, &until);
		if (rep.stop)
			break;
		now_done = done_files(&rep.c);
		if (now_done != last) {
			last = now_done;
			last_progress = time(NULL);
		}
		sdnotifyf("STATUS=first scan: %lu files read, %lu unchanged, %lu with PD, %lu errors",
			  atomic_load(rep.c.scanned), atomic_load(rep.c.unchanged),
			  atomic_load(rep.c.pd_files), atomic_load(rep.c.errors));
		if (watchdog && time(NULL) - last_progress < STALL_S)
			sdnotify("WATCHDOG=1");
	}
	pthread_mutex_unlock(&rep.lock);
	return arg;
}

void svc_ready(const char *mode, const char *driver)
{
	sdnotifyf("READY=1\nSTATUS=running in %s mode (driver %s); first scan starting", mode,
		  driver ? driver : "none");
}

int svc_scan_begin(const struct svc_counters *c)
{
	int ret;

	pthread_mutex_lock(&rep.lock);
	rep.c = *c;
	rep.stop = false;
	ret = -pthread_create(&rep.thread, NULL, reporter, NULL);
	rep.running = !ret;
	pthread_mutex_unlock(&rep.lock);
	return ret;
}

void svc_scan_end(const struct svc_counters *c)
{
	bool running;

	pthread_mutex_lock(&rep.lock);
	rep.stop = true;
	running = rep.running;
	rep.running = false;
	pthread_cond_signal(&rep.cond);
	pthread_mutex_unlock(&rep.lock);
	if (running)
		pthread_join(rep.thread, NULL);
	sdnotifyf("STATUS=running; first scan done: %lu files read, %lu unchanged, %lu with PD, "
		  "%lu errors", atomic_load(c->scanned), atomic_load(c->unchanged),
		  atomic_load(c->pd_files), atomic_load(c->errors));
}

void svc_watchdog(void)
{
	static int enabled = -1;

	if (enabled < 0)
		enabled = sdnotify_watchdog_usec() > 0;
	if (enabled)
		sdnotify("WATCHDOG=1");
}

void svc_stopping(const char *why)
{
	sdnotifyf("STOPPING=1\nSTATUS=%s", why);
}
