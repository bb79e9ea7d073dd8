// SPDX-License-Identifier: GPL-2.0
/*
 * flood_helper PDFILE DIR THREADS: read PDFILE (so the process carries its taint), then open
 * THREADS new files in DIR at once, one per thread, all released together. Prints how many
 * opens succeeded. Used by attack_test.sh: against a USB zone, the answer must be 0 however
 * many requests wait at once.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char *dir;
static pthread_barrier_t go;
static atomic_int opened;

static void *opener(void *arg)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/flood-%ld", dir, (long)(intptr_t)arg);
	pthread_barrier_wait(&go);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		atomic_fetch_add(&opened, 1);
		close(fd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t *t;
	char buf[4096];
	long i, n;
	int fd;

	if (argc != 4)
		return 64;
	dir = argv[2];
	n = atol(argv[3]);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
		return 2;
	close(fd);
	t = calloc((size_t)n, sizeof(*t));
	if (!t || pthread_barrier_init(&go, NULL, (unsigned int)n + 1))
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], &attr, opener, (void *)(intptr_t)i))
			return 2;
	pthread_barrier_wait(&go);
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	printf("%d\n", atomic_load(&opened));
	return 0;
}
