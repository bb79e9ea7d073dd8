#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pdguard's test suite: native tests on this machine's kernel, then the tests that need module
# loading or BPF LSM inside a VM booting Debian's packaged kernel (scripts/vm-run). Prints a line
# per test program and ends with exactly one line "N passed, N failed, N skipped".
#
#   tests/run.sh [AREA...]    only these areas (default: all); e.g. tests/run.sh classify kmod
# Environment: PDG_TEST_TIMEOUT (seconds per program, default 900), PDG_NO_VM=1 (skip VM tests),
# PDG_VM_KERNELS (kernel series the VM tests boot, default "6.1 6.12"), PDG_VM_TESTS_6_12 and
# PDG_VM_TESTS_6_12_NOLSM (what 6.12's two boots run, "all" for everything; see run_vm),
# PDG_VM_TIMEOUT (seconds per boot, default 1500).
set -u
PDG_TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$PDG_TOP/tests/lib.sh"
cd "$PDG_TOP"
mkdir -p build
log=build/test.log
: >"$log"
echo "# test output is kept in $log"

want_area() {
	[ ${#areas[@]} -eq 0 ] && return 0
	local a
	for a in "${areas[@]}"; do [ "$a" = "$1" ] && return 0; done
	return 1
}
areas=("$@")

run_native() {
	local area t
	for area in $(pdg_native_areas); do
		want_area "$area" || continue
		for t in $(pdg_tests_of_area "$area"); do
			pdg_run_one "$t"
		done
	done
	# the VM runner's own self-test drives qemu from the host
	if want_area vm; then
		for t in $(pdg_tests_of_area vm); do pdg_run_one "$t"; done
	fi
}

# The VM matrix: for each kernel of PDG_VM_KERNELS (tests/lib.sh: "6.1 6.12"), one boot with bpf
# in lsm= running the VM areas (kmod vmagent bpf), and one without it running the BPF tests
# again (the fmod_ret attach mode). The guest runs tests/vm-guest.sh; its serial console is our
# input, and each test's name carries the kernel it ran on ("tests/bpf/kfunc_test.sh [6.12]").
# PDG_VM_TESTS_<series> and PDG_VM_TESTS_<series>_NOLSM (dots as underscores) narrow a kernel's
# two boots to the areas or single tests they name, "all" for every area: tests/lib.sh narrows
# 6.12 by default (the tests whose outcome depends on the kernel; see docs/vm-testing.md). Only
# a run of the whole suite is narrowed: "tests/run.sh bpf" runs the whole area on each kernel.
run_vm() {
	local vm_areas=() a k sel var nolsm
	for a in $PDG_VM_AREAS; do
		want_area "$a" && [ -n "$(pdg_tests_of_area "$a")" ] && vm_areas+=("$a")
	done
	[ ${#vm_areas[@]} -eq 0 ] && return 0
	if [ -n "${PDG_NO_VM:-}" ]; then
		echo "PDGUARD-TEST-BEGIN vm:$(IFS=,; echo "${vm_areas[*]}")"
		echo "1..0 # SKIP PDG_NO_VM is set"
		echo "PDGUARD-TEST-END vm:$(IFS=,; echo "${vm_areas[*]}") 0"
		return 0
	fi
	if ! command -v qemu-system-x86_64 >/dev/null || [ ! -x scripts/vm-run ]; then
		echo "PDGUARD-TEST-BEGIN vm:$(IFS=,; echo "${vm_areas[*]}")"
		echo "1..0 # SKIP qemu-system-x86_64 is not installed (scripts/deps.sh test installs it)"
		echo "PDGUARD-TEST-END vm:$(IFS=,; echo "${vm_areas[*]}") 0"
		return 0
	fi
	for k in $PDG_VM_KERNELS; do
		sel=("${vm_areas[@]}")
		nolsm=(bpf)
		var=PDG_VM_TESTS_${k//./_}
		if [ ${#areas[@]} -eq 0 ] && [ -n "${!var:-}" ] && [ "${!var}" != all ]; then
			read -r -a sel <<<"${!var}"
		fi
		var=${var}_NOLSM
		if [ ${#areas[@]} -eq 0 ] && [ -n "${!var:-}" ] && [ "${!var}" != all ]; then
			read -r -a nolsm <<<"${!var}"
		fi
		vm_boot "$k" --kernel "$k" --bpf-lsm on -- tests/vm-guest.sh "${sel[@]}"
		# The BPF drivers once more without bpf in lsm=: the fmod_ret attach mode.
		if want_area bpf && [ -n "$(pdg_tests_of_area bpf)" ]; then
			vm_boot "$k, lsm= without bpf" --kernel "$k" --bpf-lsm off -- \
				tests/vm-guest.sh "${nolsm[@]}"
		fi
	done
}

# One VM boot, with an emulated USB stick (the tests that need one format it themselves):
# vm_boot LABEL [VM-RUN OPTION...] -- COMMAND...  Prints how long the boot took.
vm_boot() {
	local label=$1 rc start=$SECONDS
	shift
	rm -f build/vm-usb-stick.img
	truncate -s 64M build/vm-usb-stick.img
	scripts/vm-run --timeout "${PDG_VM_TIMEOUT:-1500}" --usb "$PWD/build/vm-usb-stick.img" "$@"
	rc=$?
	echo "# vm($label): $((SECONDS - start)) s"
	case $rc in
	0) ;;
	124) echo "PDGUARD-HARNESS-FAIL vm($label): the VM timed out" ;;
	125) echo "PDGUARD-HARNESS-FAIL vm($label): the guest died (kernel panic or oops?)" ;;
	*) echo "PDGUARD-HARNESS-FAIL vm($label): scripts/vm-run failed with status $rc" ;;
	esac
}

{
	run_native
	run_vm
} 2>&1 | tee "$log" | awk -f tests/tap-summary.awk | tee build/test-summary.txt
summary=$(tail -n 1 build/test-summary.txt)
case "$summary" in
*" 0 failed,"*) exit 0 ;;
*) exit 1 ;;
esac
