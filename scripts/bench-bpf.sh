#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of the BPF drivers (scripts/bench.sh calls it as a section; it also runs alone):
# boots the Debian 6.1 VM three times: BPF LSM, BPF LSM with pdguard.ko's label kfuncs, and
# fmod_ret (bpf not in lsm=),
# runs build/bench/bpf_bench in each (open+close, pread 4 KiB, pwrite 4 KiB on an unlabelled
# file, programs detached / attached / detached) and prints one table.
#
# The VM runs under TCG: the CPU is emulated, so absolute nanoseconds mean nothing and the
# ratios are approximate (emulation inflates some instructions more than others).
#
#   scripts/bench-bpf.sh [--iters N] [--rounds N]
# Exit: 0 done, 2 failed; prints "SKIP: <reason>" and exits 0 when the VM cannot run.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
args=("$@")

if ! command -v qemu-system-x86_64 >/dev/null; then
	echo "SKIP: qemu-system-x86_64 is not installed (scripts/deps.sh test installs it)"
	exit 0
fi
if ! make -s build/bench/bpf_bench >/dev/null; then
	echo "bench-bpf: building build/bench/bpf_bench failed" >&2
	exit 2
fi

echo "BPF drivers: cost on an unlabelled file (VM under TCG: ratios approximate)"
rc=0
# bpf-lsm+kfuncs: the same BPF LSM programs with pdguard.ko loaded, so file_open reads each
# file's label xattr through the module's kfunc (once per change of the inode, then cached).
ko=build/kmod/$(scripts/vm-run --print-kver 2>/dev/null)/pdguard.ko
[ -f "$ko" ] || ko=build/pdguard.ko
for mode in bpf-lsm bpf-lsm+kfuncs fmod-ret; do
	append=() pre=()
	[ "$mode" = fmod-ret ] && append=(--append "lsm=lockdown,capability,landlock,yama,apparmor,tomoyo")
	if [ "$mode" = bpf-lsm+kfuncs ]; then
		[ -f "$ko" ] || { echo "bench-bpf: $ko is missing (make kmod): no kfunc row" >&2; continue; }
		pre=(bash -c 'insmod "$1" && shift && exec "$@"' insmod "$ko")
	fi
	out=$(scripts/vm-run --timeout "${BENCH_VM_TIMEOUT:-900}" "${append[@]}" -- \
		"${pre[@]}" build/bench/bpf_bench --driver "${mode%+kfuncs}" "${args[@]}" 2>&1)
	st=$?
	if [ $st -ne 0 ]; then
		echo "bench-bpf: $mode run failed (status $st):" >&2
		printf '%s\n' "$out" | tail -n 20 >&2
		rc=2
		continue
	fi
	echo
	echo "# $mode"
	printf '%s\n' "$out" | grep -E '^(# driver|# labels|# per-program|operation|open|pread|pwrite|prog )'
done
exit $rc
