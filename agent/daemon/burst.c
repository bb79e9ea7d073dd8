// SPDX-License-Identifier: GPL-2.0
/* Count a repeating condition, alert once per burst (daemon/burst.h). */
#include "daemon/burst.h"

bool burst_hit(struct burst *b, time_t now)
{
	bool first = !b->total || now - b->last >= BURST_QUIET_S;

	b->total++;
	b->in_burst = first ? 1 : b->in_burst + 1;
	b->last = now;
	return first;
}
