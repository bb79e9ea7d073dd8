/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Library readers that have no memory or time bound of their own (poppler) run in a forked
 * child: RLIMIT_AS (what it inherits plus extract_limits.max_reader_mib), RLIMIT_CPU (the time
 * left), no core, no file writes, stderr to /dev/null, its other descriptors closed, killed with
 * the parent. The parent reads what the child finds through a pipe with the deadline, and kills
 * it on overrun, on a limit hit on this side (text), and on extract_cancel().
 *
 * Fork without exec: the child runs the reader's code from the parent's image. The parent never
 * calls the reader's library itself, so no lock of that library can be held by another thread
 * at the fork; glibc resets its own (malloc) in the child.
 */
#ifndef PDGUARD_EXTRACT_SANDBOX_H
#define PDGUARD_EXTRACT_SANDBOX_H

#include "extract/sink.h"

/* The child's end: what the reader running in it reports. */
struct x_sandbox_out;

/*
 * The reader, run in the child on @fd (the file, at least 3, not shared with the parent's
 * offset) with @arg. Its reports go through the functions below; it returns when done.
 */
typedef void (*x_sandbox_fn)(struct x_sandbox_out *o, int fd, void *arg);

/* Text (any bytes: the parent makes it UTF-8), a boundary, a photo, a status. -1: stop. */
int x_sandbox_text(struct x_sandbox_out *o, const char *s, size_t n);
int x_sandbox_sep(struct x_sandbox_out *o);
int x_sandbox_photo(struct x_sandbox_out *o, const char *desc);
int x_sandbox_status(struct x_sandbox_out *o, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Run @fn on @fd in a child, and hand its reports to @x. @what names the reader in messages
 * ("PDF reader"), @where the member (" (member 'a.pdf')" or "").
 */
void x_sandbox_run(struct xctx *x, const char *what, const char *where, int fd, x_sandbox_fn fn,
		   void *arg);

#endif /* PDGUARD_EXTRACT_SANDBOX_H */
