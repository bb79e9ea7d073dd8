# SPDX-License-Identifier: GPL-2.0
# Shared by tests/run.sh (natively) and tests/vm-guest.sh (inside the VM): find and run tests.
# Sourced, not executed.

# Areas whose tests need a kernel that loads modules or BPF LSM programs: they run in the VM.
PDG_VM_AREAS="kmod vmagent bpf"

# Every test of @area: built programs build/tests/AREA/*_test, scripts tests/AREA/*_test.sh.
pdg_tests_of_area() {
	local area=$1 f
	for f in "$PDG_TOP"/build/tests/"$area"/*_test "$PDG_TOP"/tests/"$area"/*_test.sh; do
		[ -x "$f" ] && echo "$f"
	done
	return 0
}

pdg_native_areas() {
	local d a
	for d in "$PDG_TOP"/tests/*/; do
		a=$(basename "$d")
		case " $PDG_VM_AREAS vm " in *" $a "*) continue ;; esac
		echo "$a"
	done
}

# The kernels the VM tests boot (scripts/vm-run --kernel), each with and without bpf in lsm=.
PDG_VM_KERNELS=${PDG_VM_KERNELS:-6.1 6.12}
# Every VM test runs on 6.1. On 6.12, by default, the tests whose outcome depends on the kernel:
# the module (built, loaded, its control channel), the BPF programs on every hook (CO-RE,
# verifier), the label kfuncs, label forgetting and labels read at first open by the agent; and
# without bpf in lsm= the fmod_ret programs. Left to 6.1: the DKMS install (the same Kbuild and
# kmod-btf steps, but gcc under TCG makes it the slowest test), the CLI and agent scenarios
# above the driver. "all" runs everything on 6.12 too (tests/run.sh, docs/vm-testing.md).
PDG_VM_TESTS_6_12=${PDG_VM_TESTS_6_12-kmod/kmod_test kmod/cli_test.sh bpf/bpf_test \
bpf/kfunc_test.sh bpf/forget_test.sh vmagent/disk_label_test.sh}
PDG_VM_TESTS_6_12_NOLSM=${PDG_VM_TESTS_6_12_NOLSM-bpf/bpf_test bpf/forget_test.sh}

# Run one test program under a timeout, framed for tests/tap-summary.awk. In the VM the name
# carries the kernel it ran on (tests/vm-guest.sh sets PDG_NAME_TAG), e.g.
# "tests/bpf/kfunc_test.sh [6.12]": the summary then says which kernel each result is from.
pdg_run_one() {
	local t=$1 name rc start=$SECONDS
	name=${t#"$PDG_TOP"/}
	name=${name#build/}${PDG_NAME_TAG:+ $PDG_NAME_TAG}
	echo "PDGUARD-TEST-BEGIN $name"
	timeout -k 10 "${PDG_TEST_TIMEOUT:-900}" "$t" </dev/null 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "# $name: timed out after ${PDG_TEST_TIMEOUT:-900} s"
	echo "# $name: $((SECONDS - start)) s"
	echo "PDGUARD-TEST-END $name $rc"
}
