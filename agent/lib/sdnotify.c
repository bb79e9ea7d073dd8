// SPDX-License-Identifier: GPL-2.0
/* The systemd notification protocol, client side (see sdnotify.h). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/sdnotify.h"

int sdnotify(const char *state)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len, msglen = strlen(state);
	socklen_t salen;
	ssize_t w;
	int fd, ret;

	if (!name || !name[0])
		return 0;
	len = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || len >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, name, len);
	/* "@name": the abstract namespace, a leading NUL and no terminator counted */
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	salen = offsetof(struct sockaddr_un, sun_path) + len + (name[0] == '/');
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* MSG_NOSIGNAL: a manager gone away must not kill the agent with SIGPIPE */
	w = sendto(fd, state, msglen, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
	ret = w < 0 ? -errno : (size_t)w == msglen ? 1 : -EMSGSIZE;
	close(fd);
	return ret;
}

int sdnotifyf(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return sdnotify(buf);
}

uint64_t sdnotify_watchdog_usec(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (!us || !us[0])
		return 0;
	/* systemd names the process the interval is meant for; a child of ours must not ping */
	if (pid && pid[0] && strtol(pid, &end, 10) != (long)getpid())
		return 0;
	errno = 0;
	v = strtoull(us, &end, 10);
	if (errno || *end || !v)
		return 0;
	return v;
}
