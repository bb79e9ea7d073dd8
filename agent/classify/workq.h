/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification workers: a bounded queue of paths and N threads, each with its own
 * classification context, shared by `pdguard scan` and the daemon's labelling. The queue is
 * bounded so a walk of millions of files holds a few thousand paths in memory, not all of them.
 */
#ifndef PDGUARD_WORKQ_H
#define PDGUARD_WORKQ_H

#include "classify/classify.h"

struct workq;

/* Called in a worker for each path; @ctx is NULL when the thread could not get one (no memory). */
typedef void (*workq_fn)(void *arg, struct classify_ctx *ctx, const char *path);

/* Start @nthreads workers (at least one must start). Return: 0 or -errno. */
int workq_start(struct workq **out, const struct classifier *c, int nthreads, size_t cap,
		workq_fn fn, void *arg);
/* Queue a copy of @path; waits while the queue is full. Return: 0, -ENOMEM, -ESHUTDOWN. */
int workq_push(struct workq *q, const char *path);
/* Wait until every queued path has been handled. */
void workq_drain(struct workq *q);
/* Handle what is queued, stop the workers, free @q (NULL is fine). */
void workq_stop(struct workq *q);
/* Workers running. */
int workq_threads(const struct workq *q);

#endif /* PDGUARD_WORKQ_H */
