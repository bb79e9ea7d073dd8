/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STATE/agent.run: what the running agent says about itself, so `pdguard status` and
 * `pdguard mode` find it whatever its driver, and `pdguard mode` sees when a change is applied.
 * The agent rewrites it (atomically) at start, after every policy reload and when a counter
 * changes; it removes it when it stops.
 */
#ifndef PDGUARD_RUNFILE_H
#define PDGUARD_RUNFILE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define RUNFILE_NAME "agent.run"

/**
 * struct agent_run - the running agent
 * @pid, @pid_start: the agent and its start time in clock ticks (/proc/PID/stat field 22):
 *                   a reused pid is not taken for the agent
 * @started: wall-clock start time
 * @driver: the driver in use ("bpf-lsm", "fmod-ret", "fanotify", "none")
 * @config: the policy file it runs
 * @mode: enum pdguard_mode of the policy it applied
 * @policy_gen: bumped on every reload the agent applied
 * @kmod_mode, @maps_mode: what the module and the BPF maps said after the agent set them:
 *                         "audit", "enforce", "none" (not there) or "error"
 * @labels_full: labels the BPF labels map had no room for (each is still enforced from the
 *               xattr where the kernel reads it, and by the fanotify driver's xattr check)
 * @labels_stale: cached labels dropped because they no longer named the same file
 */
struct agent_run {
	pid_t pid;
	unsigned long long pid_start;
	time_t started;
	char driver[16];
	char config[4096];
	int mode;
	uint64_t policy_gen;
	char kmod_mode[16];
	char maps_mode[16];
	uint64_t labels_full;
	uint64_t labels_stale;
};

/* Start time of @pid in clock ticks since boot, or 0 when it does not run. */
unsigned long long runfile_pid_start(pid_t pid);
/* Write @r to @state_dir/agent.run (0600, atomically). Return: 0 or -errno. */
int runfile_write(const char *state_dir, const struct agent_run *r);
/**
 * runfile_read() - read @state_dir/agent.run
 * Return: 0 when it names a running agent, -ENOENT when there is none, -ESRCH when the file is
 * left from an agent that no longer runs (@r is filled all the same), -EBADMSG when damaged,
 * other -errno (-EACCES for a user who may not read the state directory).
 */
int runfile_read(const char *state_dir, struct agent_run *r);
void runfile_remove(const char *state_dir);

#endif /* PDGUARD_RUNFILE_H */
