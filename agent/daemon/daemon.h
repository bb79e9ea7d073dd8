/* SPDX-License-Identifier: GPL-2.0 */
/* `pdguard run`: the agent daemon. */
#ifndef PDGUARD_DAEMON_H
#define PDGUARD_DAEMON_H

/**
 * struct daemon_opts - how to run
 * @config: the policy file
 * @once: classify the scan roots, report, and exit (no watching, no enforcement)
 * @engine: enum classify_engine from --engine, or -1: the policy's "engine ="
 */
struct daemon_opts {
	const char *config;
	int once;
	int engine;
};

/* Return: an exit status (0 clean stop, 2 could not start). Reports to stderr itself. */
int daemon_run(const struct daemon_opts *opts);

#endif /* PDGUARD_DAEMON_H */
