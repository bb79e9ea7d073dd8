#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (scripts/vm-run): the tests of the areas named on the command line.
set -u
PDG_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$PDG_TOP/tests/lib.sh"
echo "# guest kernel $(uname -r), lsm: $(cat /sys/kernel/security/lsm 2>/dev/null)"
for area in "$@"; do
	for t in $(pdg_tests_of_area "$area"); do
		pdg_run_one "$t"
	done
done
exit 0
