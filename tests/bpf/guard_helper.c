// SPDX-License-Identifier: GPL-2.0
/*
 * guard_helper: one attempt on pdguard's BPF objects from a process that is not the agent (its
 * executable is this helper), for tests/bpf/guard_test.c. Exit status: 0 when the attempt
 * succeeded, else the errno it failed with (EPERM = 1 is the guard's answer); 200 bad usage,
 * 201 a step before the attempt failed.
 *
 *   objget PIN             bpf(BPF_OBJ_GET) on a pin
 *   mapid|progid|linkid ID bpf(BPF_*_GET_FD_BY_ID)
 *   linkdetach PIN         open a link's pin, then bpf(BPF_LINK_DETACH)
 *   update FD              bpf(BPF_MAP_UPDATE_ELEM) key 0 through an inherited map descriptor
 *   ptrace PID             ptrace(PTRACE_ATTACH)
 *   getfd PID FD           pidfd_getfd(): copy another process's descriptor
 *   prctl EXE              prctl(PR_SET_MM, PR_SET_MM_EXE_FILE) to EXE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

static int result(int rc)
{
	int e = rc < 0 ? errno : 0;

	printf("%s\n", e ? strerror(e) : "ok");
	return e;
}

int main(int argc, char **argv)
{
	char value[64] = { 0 };
	unsigned int key = 0;
	int fd, pidfd;

	if (argc < 3)
		return 200;
	if (!strcmp(argv[1], "objget"))
		return result(bpf_obj_get(argv[2]));
	if (!strcmp(argv[1], "mapid"))
		return result(bpf_map_get_fd_by_id(strtoul(argv[2], NULL, 10)));
	if (!strcmp(argv[1], "progid"))
		return result(bpf_prog_get_fd_by_id(strtoul(argv[2], NULL, 10)));
	if (!strcmp(argv[1], "linkid"))
		return result(bpf_link_get_fd_by_id(strtoul(argv[2], NULL, 10)));
	if (!strcmp(argv[1], "linkdetach")) {
		fd = bpf_obj_get(argv[2]);
		if (fd < 0) {
			perror("bpf_obj_get");
			return 201;
		}
		return result(bpf_link_detach(fd));
	}
	if (!strcmp(argv[1], "update")) {
		/* the value is the config's size (32 bytes); its content does not matter */
		return result(bpf_map_update_elem(atoi(argv[2]), &key, value, BPF_ANY));
	}
	if (!strcmp(argv[1], "ptrace")) {
		pid_t pid = atoi(argv[2]);
		int rc = ptrace(PTRACE_ATTACH, pid, NULL, NULL);

		if (rc == 0) {
			waitpid(pid, NULL, __WALL);
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		}
		return result(rc);
	}
	if (!strcmp(argv[1], "getfd") && argc == 4) {
		pidfd = syscall(SYS_pidfd_open, atoi(argv[2]), 0);
		if (pidfd < 0) {
			perror("pidfd_open");
			return 201;
		}
		return result(syscall(SYS_pidfd_getfd, pidfd, atoi(argv[3]), 0));
	}
	if (!strcmp(argv[1], "prctl")) {
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[2]);
			return 201;
		}
		return result(prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, fd, 0, 0));
	}
	return 200;
}
