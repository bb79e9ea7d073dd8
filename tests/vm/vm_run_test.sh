#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of scripts/vm-run: boots the VM ten times (about 3 s each under TCG) and checks
# what the other VM tests rely on: exit status, output, kernel messages kept apart from it,
# timeout, panic, the LSM list with and without --append and --bpf-lsm, the 6.12 kernel, --usb,
# --rw, modprobe in the guest, and that the guest cannot write to the host. Prints TAP; exits 1 if a test failed. Skips
# (1..0 # SKIP) without QEMU or root.
#
# Each check's condition is a single-quoted string that vm_check() evaluates after the run.
# shellcheck disable=SC2016,SC2034
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
. "$top/tests/tap.sh"
vm_run=$top/scripts/vm-run
nolsm_bpf=lockdown,capability,landlock,yama,apparmor,tomoyo
nl=$'\n'

tap_version
pdg_require_cmd qemu-system-x86_64
pdg_require_root "needs root (the VM shares the host's / and runs the tests as root)"

work=$(mktemp -d "${TMPDIR:-/tmp}/vm_run_test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$top"

vm_ready=1
out='' err='' rc=0

# vm ARGS...: run vm-run (unless it could not be prepared); sets out, err and rc.
vm() {
	rc=0 out='' err=''
	[ "$vm_ready" = 1 ] || return 0
	"$vm_run" "$@" >"$work/out" 2>"$work/err" || rc=$?
	out=$(cat "$work/out")
	err=$(cat "$work/err")
}

# vm_check NAME CONDITION: one TAP line; on failure the last run's details as TAP comments.
vm_check() {
	if [ "$vm_ready" = 0 ]; then
		skip_check "$1" "the VM could not be prepared"
	elif ! check "$1" eval "$2"; then
		{
			echo "condition: $2"
			echo "exit status: $rc"
			echo "stdout:"
			printf '%s\n' "$out" | tail -n 15
			echo "stderr:"
			printf '%s\n' "$err" | tail -n 15
		} | sed 's/^/# /'
	fi
}

is() { [ "$1" = "$2" ]; }
has() { [[ $1 == *"$2"* ]]; }

echo "1..18"

vm --prepare
vm_check "prepare the kernel and initramfs cache" '[ "$rc" = 0 ]'
[ "$rc" = 0 ] || vm_ready=0

vm --print-kver
hdr=$(printf '%s\n' /usr/src/linux-headers-6.1.*-amd64 | sort -V | tail -n 1)
vm_check "--print-kver names the installed headers' kernel" \
	'is "$out" "${hdr#/usr/src/linux-headers-}"'

vm -- bash -c 'printf "%s|" "$@"; exit 7' - 'a b' "c'd" '$HOME' ''
vm_check "exit status passes through" '[ "$rc" = 7 ]'
vm_check "arguments and output pass through unchanged" 'is "$out" "a b|c'"'"'d|\$HOME||"'

vm -- bash -c 'pwd; echo "$HOME $TERM $LANG"; echo "<2>vm_run_test: kmsg" >/dev/kmsg; echo err >&2'
vm_check "runs in the caller's directory with a sane environment" \
	'[ "$rc" = 0 ] && is "$out" "$top${nl}/root dumb C.UTF-8${nl}err"'
vm_check "kernel messages go to stderr, not into the command's output" \
	'! has "$out" kmsg && has "$err" "] vm_run_test: kmsg"'

start=$SECONDS
vm --timeout 8 -- sleep 1000
vm_check "timeout ends the run with 124 and says so" \
	'[ "$rc" = 124 ] && has "$err" "vm-run: timed out after 8 s" && [ $((SECONDS - start)) -lt 30 ]'

vm -- sh -c 'echo c >/proc/sysrq-trigger'
vm_check "a guest kernel panic ends the run with 125" \
	'[ "$rc" = 125 ] && has "$err" "guest died without a result" && has "$err" "Kernel panic"'

marker=/etc/vm_run_test.$$
vm -- sh -c "cat /sys/kernel/security/lsm && echo && modprobe loop && modprobe vfat &&
	grep -E '^(loop|vfat) ' /proc/modules | cut -d' ' -f1 | sort && echo x >$marker && cat $marker"
vm_check "bpf is an active LSM by default" '[ "$rc" = 0 ] && has ",${out%%"$nl"*}," ",bpf,"'
vm_check "modprobe loads the guest kernel's modules" \
	'[ "$rc" = 0 ] && has "$out" "${nl}loop${nl}vfat${nl}"'
vm_check "the guest's root is writable and its writes stay in the guest" \
	'[ "$rc" = 0 ] && is "${out##*"$nl"}" x && [ ! -e "$marker" ]'

vm --append "lsm=$nolsm_bpf" -- cat /sys/kernel/security/lsm
vm_check "--append lsm=... boots without the BPF LSM" '[ "$rc" = 0 ] && is "$out" "$nolsm_bpf"'

vm --bpf-lsm off -- cat /sys/kernel/security/lsm
vm_check "--bpf-lsm off boots 6.1 with its own LSM list less bpf" \
	'[ "$rc" = 0 ] && is "$out" "$nolsm_bpf"'

# The second kernel: 6.12 from bookworm-backports, its headers unpacked by vm-run.
vm --kernel 6.12 --prepare
vm_check "--kernel 6.12 --prepare fetches the backported kernel and unpacks its headers" \
	'[ "$rc" = 0 ]'
k612=$("$vm_run" --kernel 6.12 --print-kver 2>/dev/null)
vm --kernel 6.12 --bpf-lsm off -- sh -c 'uname -r; cat /sys/kernel/security/lsm'
vm_check "--kernel 6.12 --bpf-lsm off boots 6.12 without the BPF LSM" \
	'[ "$rc" = 0 ] && [[ $k612 == 6.12.*-amd64 ]] && is "${out%%"$nl"*}" "$k612" &&
	 ! has ",${out#*"$nl"}," ",bpf," && has "${out#*"$nl"}" landlock'
vm_check "6.12's headers are where make kmod finds them, and listed for removal" \
	'[ -d "/usr/src/linux-headers-$k612" ] &&
	 grep -qx "/usr/src/linux-headers-$k612" "${PDGUARD_CACHE:-/var/cache/pdguard}/vm/$k612/headers.files"'

truncate -s 16M "$work/stick.img"
vm --usb "$work/stick.img" -- sh -c \
	'for d in /sys/block/sd*; do echo "${d##*/} $(cat $d/removable)"; readlink -f $d; done'
vm_check "--usb attaches a removable USB disk before the command starts" \
	'[ "$rc" = 0 ] && has "$out" "sda 1" && has "$out" "/usb"'

mkdir "$work/rw"
vm --rw "$work/rw" -- sh -c "echo from-guest >'$work/rw/file' && cd '$work/rw' && pwd"
vm_check "--rw shares a host directory writable at the same path" \
	'[ "$rc" = 0 ] && is "$(cat "$work/rw/file" 2>/dev/null)" from-guest && is "$out" "$work/rw"'

echo "# $nfail of $n failed"
[ "$nfail" -eq 0 ]
