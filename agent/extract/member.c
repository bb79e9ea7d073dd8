// SPDX-License-Identifier: GPL-2.0
/*
 * Archive members (member.h): the one limit policy every archive reader applies, and reading a
 * member by what its content is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "extract/detect.h"
#include "extract/member.h"
#include "extract/readers.h"

void x_member_init(struct x_member *m, struct xctx *x, const char *name, uint64_t comp)
{
	memset(m, 0, sizeof(*m));
	m->x = x;
	m->comp = comp;
	x_printable_name(m->name, sizeof(m->name), name ? name : "");
}

static int ratio_check(struct x_member *m, uint64_t out, uint64_t in)
{
	struct xctx *x = m->x;
	uint64_t ratio;

	if (out <= X_MIB)
		return 0;
	ratio = out / (in ? in : 1);
	if (ratio <= x->lim.max_ratio)
		return 0;
	x_status(x, EXTRACT_LIMIT, "limit exceeded: compression ratio %llu > %u in member '%s'",
		 (unsigned long long)ratio, x->lim.max_ratio, m->name);
	return -1;
}

int x_member_declared(struct x_member *m, int64_t size)
{
	struct xctx *x = m->x;

	if (size < 0)
		return 0;
	if ((uint64_t)size > x->lim.max_member_bytes) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: member '%s' size %llu > %llu bytes",
			 m->name, (unsigned long long)size,
			 (unsigned long long)x->lim.max_member_bytes);
		return -1;
	}
	/* per-member compression only: an archive-wide ratio is judged on what comes out */
	if (!m->ratio_out)
		return ratio_check(m, size, m->comp);
	return 0;
}

int x_member_account(struct x_member *m, size_t n)
{
	struct xctx *x = m->x;

	m->out += n;
	x->inflated += n;
	if (m->out > x->lim.max_member_bytes) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: member '%s' size over %llu bytes",
			 m->name, (unsigned long long)x->lim.max_member_bytes);
		return -1;
	}
	if (x->inflated > x->lim.max_total_bytes) {
		x_status(x, EXTRACT_LIMIT,
			 "limit exceeded: archive members over %llu bytes in all, at member '%s'",
			 (unsigned long long)x->lim.max_total_bytes, m->name);
		return -1;
	}
	if (m->ratio_out)
		return ratio_check(m, *m->ratio_out, *m->ratio_in);
	return ratio_check(m, m->out, m->comp);
}

int x_member_entries(struct xctx *x, uint64_t more)
{
	if (x->entries + more > x->lim.max_entries) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: archive entries %llu > %u",
			 (unsigned long long)(x->entries + more), x->lim.max_entries);
		return -1;
	}
	x->entries += more;
	return 0;
}

int x_member_depth(struct xctx *x, unsigned int depth, const char *pname)
{
	if (depth <= x->lim.max_depth)
		return 0;
	x_status(x, EXTRACT_LIMIT, "limit exceeded: nesting depth %u > %u at member '%s'", depth,
		 x->lim.max_depth, pname);
	return -1;
}

void x_member_encrypted(struct xctx *x, const char *pname, const char *how)
{
	x_status(x, EXTRACT_ENCRYPTED, "encrypted: member '%s'%s%s, a password is needed to read it",
		 pname, how && *how ? " " : "", how ? how : "");
}

static ssize_t push_read(struct xstream *s, void *buf, size_t len)
{
	struct x_push_stream *p = (struct x_push_stream *)s;
	size_t k;

	if (p->off < p->len) {
		k = p->len - p->off < len ? p->len - p->off : len;
		memcpy(buf, p->head + p->off, k);
		p->off += k;
		return k;
	}
	return p->inner->read(p->inner, buf, len);
}

void x_push_init(struct x_push_stream *p, struct xstream *inner, const uint8_t *head, size_t len)
{
	*p = (struct x_push_stream){
		.s.read = push_read, .inner = inner, .head = head, .len = len,
	};
}

ssize_t x_read_full(struct xstream *s, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = s->read(s, buf + got, len - got);
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += n;
	}
	return got;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

int x_spool(struct xctx *x, struct xstream *s, const char *pname, const uint8_t *head,
	    size_t hlen, uint64_t *size)
{
	uint8_t *buf;
	ssize_t n;
	int fd, rc;

	fd = memfd_create("pdguard-extract", MFD_CLOEXEC);
	if (fd < 0) {
		x_status(x, EXTRACT_IO, "cannot hold member '%s': %s", pname, x_errstr(errno));
		return -1;
	}
	buf = malloc(X_BLOCK_BYTES);
	rc = buf ? write_full(fd, head, hlen) : -ENOMEM;
	*size = hlen;
	while (!rc) {
		n = s->read(s, buf, X_BLOCK_BYTES);
		if (n < 0) {
			free(buf);
			close(fd);
			return -1;
		}
		if (!n)
			break;
		rc = write_full(fd, buf, n);
		*size += n;
	}
	free(buf);
	if (rc) {
		x_status(x, EXTRACT_IO, "cannot hold member '%s': %s", pname, x_errstr(-rc));
		close(fd);
		return -1;
	}
	return fd;
}

void x_member_read(struct xctx *x, struct xstream *s, const char *pname, unsigned int depth)
{
	struct x_type t;
	uint8_t *head;
	ssize_t hlen;
	uint64_t size;
	int fd;

	if (x_halted(x))
		return;
	head = malloc(X_HEAD_BYTES);
	if (!head) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	hlen = x_read_full(s, head, X_HEAD_BYTES);
	if (hlen < 0) {
		free(head);
		return;
	}
	x_detect(head, hlen, &t);
	switch (t.cls) {
	case XC_TEXT: {
		struct x_push_stream p;

		x_push_init(&p, s, head, hlen);
		x_text_stream(x, &p.s, &t);
		break;
	}
	case XC_ZIP:
	case XC_ARCHIVE:
		if (x_member_depth(x, depth + 1, pname))
			break;
		/* fall through */
	case XC_PDF:
	case XC_OLE:
		fd = x_spool(x, s, pname, head, hlen, &size);
		if (fd < 0)
			break;
		/* nothing in the head buffer is needed any more: give the memory back first */
		free(head);
		head = NULL;
		x_nested(x, fd, size, depth + 1, pname);
		close(fd);
		break;
	case XC_BIOMETRIC:
		x_picture(x, &t, head, hlen);
		break;
	case XC_EMPTY:
	case XC_IMAGE:
	case XC_BINARY:
		break;
	}
	free(head);
}
