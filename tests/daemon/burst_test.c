// SPDX-License-Identifier: GPL-2.0
/* burst_hit(): every hit counted, one alert per burst, a new burst after BURST_QUIET_S quiet. */
#include "daemon/burst.h"
#include "pdg_test.h"

TEST(one_alert_per_burst)
{
	struct burst b = { 0 };
	time_t t = 1000;
	int alerts = 0, i;

	for (i = 0; i < 500; i++)
		alerts += burst_hit(&b, t + i / 10);	/* 50 s of hits, ten a second */
	EXPECT_EQ(1, alerts);
	EXPECT_EQ(500, b.total);
	EXPECT_EQ(500, b.in_burst);
	/* quiet for less than the window: the same burst */
	EXPECT_FALSE(burst_hit(&b, t + 49 + BURST_QUIET_S - 1));
	/* quiet for the window: a new burst, alerted, counted from 1 */
	EXPECT_TRUE(burst_hit(&b, t + 49 + 2 * BURST_QUIET_S));
	EXPECT_EQ(1, b.in_burst);
	EXPECT_EQ(502, b.total);
}

TEST_HARNESS_MAIN
