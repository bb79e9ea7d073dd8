// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel does with a permission request whose reader died before answering, while
 * another process still holds the group (what the fail-closed keeper relies on; its
 * docs/fanotify.md section "After kill -9" quotes this helper's output).
 *
 *   keeper_helper FILE deny   the holder answers the dead reader's request by its descriptor
 *                             number: prints the opener's result and what a wrong number gave
 *   keeper_helper FILE close  the holder closes the group instead: prints the opener's result
 *
 * FILE must be on the test's own mount: it gets an inode mark, nothing else does.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int still_waiting(pid_t pid)
{
	int st;

	return waitpid(pid, &st, WNOHANG) == 0;
}

int main(int argc, char **argv)
{
	struct fanotify_event_metadata m;
	int grp, numpipe[2], st, num, wrong_err = 0;
	pid_t reader, opener;

	if (argc != 3 || (strcmp(argv[2], "deny") && strcmp(argv[2], "close"))) {
		fprintf(stderr, "usage: keeper_helper FILE deny|close\n");
		return 2;
	}
	grp = fanotify_init(FAN_CLASS_CONTENT, O_RDONLY);
	if (grp < 0 || fanotify_mark(grp, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, argv[1]) ||
	    pipe(numpipe)) {
		perror("keeper_helper: fanotify");
		return 2;
	}
	reader = fork();
	if (reader == 0) {
		/* the "agent": reads the request, says which number it got, never answers */
		if (read(grp, &m, sizeof(m)) != sizeof(m))
			_exit(3);
		num = m.fd;
		if (write(numpipe[1], &num, sizeof(num)) != sizeof(num))
			_exit(3);
		pause();
		_exit(0);
	}
	opener = fork();
	if (opener == 0) {
		close(grp);
		_exit(open(argv[1], O_RDONLY) < 0 ? errno : 0);
	}
	if (read(numpipe[0], &num, sizeof(num)) != sizeof(num))
		return 2;
	kill(reader, SIGKILL);
	waitpid(reader, &st, 0);
	usleep(300 * 1000);
	printf("reader killed holding request fd %d; opener still waiting: %s\n", num,
	       still_waiting(opener) ? "yes" : "no");
	if (!strcmp(argv[2], "deny")) {
		struct fanotify_response r = { .fd = num + 100, .response = FAN_DENY };

		if (write(grp, &r, sizeof(r)) < 0)
			wrong_err = errno;
		printf("answer for fd %d (no such request): %s\n", num + 100,
		       wrong_err ? strerror(wrong_err) : "accepted");
		r.fd = num;
		printf("answer FAN_DENY for fd %d: %s\n", num,
		       write(grp, &r, sizeof(r)) == sizeof(r) ? "accepted" : strerror(errno));
	} else {
		close(grp);
		printf("group closed by its last holder\n");
	}
	waitpid(opener, &st, 0);
	printf("opener: %s\n", WEXITSTATUS(st) ? strerror(WEXITSTATUS(st)) : "opened");
	return 0;
}
