/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A condition that repeats (the labels map is full, say) is counted every time and alerted once
 * per burst: a burst ends when the condition has not been seen for BURST_QUIET_S seconds.
 */
#ifndef PDGUARD_BURST_H
#define PDGUARD_BURST_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define BURST_QUIET_S 60

/**
 * struct burst - one repeating condition
 * @total: every hit since the agent started
 * @in_burst: hits in the current burst (the alert of the next burst reports it)
 */
struct burst {
	uint64_t total;
	uint64_t in_burst;
	time_t last;
};

/* Count a hit at @now. Return: true when it starts a burst (the caller raises its alert). */
bool burst_hit(struct burst *b, time_t now);

#endif /* PDGUARD_BURST_H */
