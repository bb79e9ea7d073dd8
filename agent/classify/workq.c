// SPDX-License-Identifier: GPL-2.0
/* Classification workers fed from a bounded queue of paths (workq.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "classify/workq.h"

struct workq {
	const struct classifier *c;
	workq_fn fn;
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t nonempty, nonfull, idle;
	char **ring;
	size_t cap, head, count;
	int busy;		/* paths taken but not finished */
	bool closed;
	pthread_t *threads;
	int nthreads;
};

static void *worker(void *arg)
{
	struct workq *q = arg;
	struct classify_ctx *ctx = NULL;
	char *path;

	if (classify_ctx_new(q->c, &ctx))
		ctx = NULL;
	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (!q->count && !q->closed)
			pthread_cond_wait(&q->nonempty, &q->lock);
		if (!q->count) {
			pthread_mutex_unlock(&q->lock);
			break;
		}
		path = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		q->busy++;
		pthread_cond_signal(&q->nonfull);
		pthread_mutex_unlock(&q->lock);

		q->fn(q->arg, ctx, path);
		free(path);

		pthread_mutex_lock(&q->lock);
		if (!--q->busy && !q->count)
			pthread_cond_broadcast(&q->idle);
		pthread_mutex_unlock(&q->lock);
	}
	classify_ctx_free(ctx);
	return NULL;
}

int workq_start(struct workq **out, const struct classifier *c, int nthreads, size_t cap,
		workq_fn fn, void *arg)
{
	struct workq *q = calloc(1, sizeof(*q));
	int i;

	if (!q)
		return -ENOMEM;
	q->c = c;
	q->fn = fn;
	q->arg = arg;
	q->cap = cap ? cap : 1024;
	q->ring = calloc(q->cap, sizeof(*q->ring));
	q->threads = calloc(nthreads > 0 ? nthreads : 1, sizeof(*q->threads));
	if (!q->ring || !q->threads) {
		free(q->ring);
		free(q->threads);
		free(q);
		return -ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->nonempty, NULL);
	pthread_cond_init(&q->nonfull, NULL);
	pthread_cond_init(&q->idle, NULL);
	for (i = 0; i < (nthreads > 0 ? nthreads : 1); i++) {
		if (pthread_create(&q->threads[i], NULL, worker, q))
			break;
		q->nthreads++;
	}
	if (!q->nthreads) {
		workq_stop(q);
		return -EAGAIN;
	}
	*out = q;
	return 0;
}

int workq_push(struct workq *q, const char *path)
{
	char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->nonfull, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		free(p);
		return -ESHUTDOWN;
	}
	q->ring[(q->head + q->count) % q->cap] = p;
	q->count++;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void workq_drain(struct workq *q)
{
	pthread_mutex_lock(&q->lock);
	while (q->count || q->busy)
		pthread_cond_wait(&q->idle, &q->lock);
	pthread_mutex_unlock(&q->lock);
}

int workq_threads(const struct workq *q)
{
	return q->nthreads;
}

void workq_stop(struct workq *q)
{
	int i;

	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->nonempty);
	pthread_cond_broadcast(&q->nonfull);
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->nthreads; i++)
		pthread_join(q->threads[i], NULL);
	while (q->count) {	/* only when no worker ever started */
		free(q->ring[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->count--;
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->nonempty);
	pthread_cond_destroy(&q->nonfull);
	pthread_cond_destroy(&q->idle);
	free(q->ring);
	free(q->threads);
	free(q);
}
