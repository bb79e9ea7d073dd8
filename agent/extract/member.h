/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Archive members, whichever library reads the archive (libzip for ZIP containers, libarchive
 * for the rest): one limit policy for all of them, and the plumbing to hand a member on by its
 * content (a stream for text, a memfd for what needs random access).
 *
 * The policy: a member's declared size is checked before it is read, and what actually comes
 * out is counted on every read, against the member limit, the ratio limit (past the first MiB),
 * and the total of all members at every level; nesting is checked before a nested container is
 * spooled, and entries when they are met. A bomb is stopped at most one block past a limit.
 */
#ifndef PDGUARD_EXTRACT_MEMBER_H
#define PDGUARD_EXTRACT_MEMBER_H

#include "extract/sink.h"

/**
 * struct x_member - one member being read, as the limit policy sees it
 * @name: printable, for messages
 * @out: bytes it gave so far
 * @comp: compressed bytes it came from, 0 when not known yet
 * @ratio_out, @ratio_in: when the compression is not per member (a tar.gz is one stream, a 7z
 *	solid block holds many members), the ratio is that of the archive so far: all it gave
 *	over what was read of it, kept by the reader. NULL: @out over @comp.
 */
struct x_member {
	struct xctx *x;
	char name[128];
	uint64_t out;
	uint64_t comp;
	const uint64_t *ratio_out;
	const uint64_t *ratio_in;
};

void x_member_init(struct x_member *m, struct xctx *x, const char *name, uint64_t comp);
/* What the archive declares of the member (@size < 0: nothing). Return: 0, or -1 (recorded). */
int x_member_declared(struct x_member *m, int64_t size);
/* @n more bytes came out of the member. Return: 0, or -1 when a limit is hit (recorded). */
int x_member_account(struct x_member *m, size_t n);
/* @more members are met (@pending: counted already by the caller). Return: 0 or -1. */
int x_member_entries(struct xctx *x, uint64_t more);
/* A container member would be read at @depth. Return: 0 or -1. */
int x_member_depth(struct xctx *x, unsigned int depth, const char *pname);
/* An encrypted member: recorded, the others are still read. */
void x_member_encrypted(struct xctx *x, const char *pname, const char *how);

/* A stream whose first @len bytes (read for detection) are replayed before the rest. */
struct x_push_stream {
	struct xstream s;
	struct xstream *inner;
	const uint8_t *head;
	size_t len;
	size_t off;
};
void x_push_init(struct x_push_stream *p, struct xstream *inner, const uint8_t *head, size_t len);

/* Read up to @len bytes, fewer only at the end. Return: bytes read, or -1 (recorded). */
ssize_t x_read_full(struct xstream *s, uint8_t *buf, size_t len);

/*
 * Copy @head and the rest of @s into a memfd (nothing is written to the file system the agent
 * watches). Return: the fd, its size in @size, or -1 (recorded).
 */
int x_spool(struct xctx *x, struct xstream *s, const char *pname, const uint8_t *head,
	    size_t hlen, uint64_t *size);

/*
 * A member by its content: text streamed, a container, PDF or legacy document spooled and read
 * as a file of its own at @depth + 1, a biometric record reported, anything else passed over.
 * @s gives the member's bytes (the limits are @s's business); @depth is its archive's.
 */
void x_member_read(struct xctx *x, struct xstream *s, const char *pname, unsigned int depth);

#endif /* PDGUARD_EXTRACT_MEMBER_H */
