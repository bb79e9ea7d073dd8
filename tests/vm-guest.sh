#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM (scripts/vm-run): the tests of the areas named on the command line; an
# area may name single tests, e.g. bpf/kfunc_test.sh (its file name under tests/ or build/tests/).
set -u
PDG_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$PDG_TOP/tests/lib.sh"
lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)
echo "# guest kernel $(uname -r), lsm: $lsm"
# Each test's name says the kernel series it ran on, and when bpf is not an active LSM.
PDG_NAME_TAG="[$(uname -r | cut -d. -f1,2)"
case ",$lsm," in *,bpf,*) ;; *) PDG_NAME_TAG+=", no bpf LSM" ;; esac
PDG_NAME_TAG+="]"
for area in "$@"; do
	case $area in
	*/*)
		for t in "$PDG_TOP/build/tests/$area" "$PDG_TOP/tests/$area" ""; do
			[ -x "$t" ] && break
		done
		if [ -n "$t" ]; then
			pdg_run_one "$t"
		else
			echo "PDGUARD-TEST-BEGIN $area $PDG_NAME_TAG"
			echo "# no test $area in tests/ or build/tests/"
			echo "PDGUARD-TEST-END $area $PDG_NAME_TAG 1"
		fi
		;;
	*)
		for t in $(pdg_tests_of_area "$area"); do
			pdg_run_one "$t"
		done
		;;
	esac
done
exit 0
