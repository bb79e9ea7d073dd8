#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# pdguard.ko through Debian's DKMS, as an administrator installs it: `make install-dkms` puts the
# source in /usr/src/pdguard-VERSION and has dkms build it (with the module's BTF: dkms.conf runs
# scripts/kmod-btf) and install it for the running kernel; the installed module loads with its
# label kfuncs; `dkms remove` takes it away. Runs in the VM as root (make test): everything it
# writes (/usr/src, /var/lib/dkms, /lib/modules) lands in the guest's throwaway overlay.
#
# depmod: dkms runs `depmod -a` after install and after remove, which parses every module of
# the kernel (4000+; xz-compressed on 6.12) in the emulated CPU: 147-196 s a run on 6.1 and
# 262-362 s on 6.12 on these shared machines (docs/vm-testing.md), so two of them would double
# the test suite's VM time. By default dkms runs with --no-depmod here, and the installed file
# is loaded by its path; PDG_DKMS_DEPMOD=1 runs the full path (dkms's depmod, then modprobe by
# name) where there is time for it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
kver=$(uname -r)
tap_version
pdg_require_root "needs root and a kernel that loads modules (make test runs this in the VM)" \
	test -e /proc/modules
pdg_require_cmd dkms make readelf
[ -d "/lib/modules/$kver/build" ] ||
	pdg_skip_all "no headers for $kver at /lib/modules/$kver/build (scripts/vm-run links them)"
# Only in the VM: on a real machine this would replace an installed pdguard.
[ "$(hostname)" = pdguard-vm ] || pdg_skip_all "changes /usr/src and /lib/modules: VM only"

ver=$(cat "$top/VERSION")
flags=--no-depmod
[ "${PDG_DKMS_DEPMOD:-0}" = 1 ] && flags=
log=$(mktemp /tmp/pdg-dkms-XXXXXX)
cleanup() {
	[ -d /sys/module/pdguard ] && rmmod pdguard 2>/dev/null
	dkms remove $flags "pdguard/$ver" --all >/dev/null 2>&1
	rm -f "$log" "$log.ko"
}
trap cleanup EXIT
[ -d /sys/module/pdguard ] && rmmod pdguard
[ -n "$flags" ] && echo "# dkms $flags: a full depmod takes minutes under TCG (PDG_DKMS_DEPMOD=1 runs it)"

echo "1..8"

check "make install-dkms builds and installs pdguard/$ver for $kver" bash -c \
	"make -s -C '$top' install-dkms DKMS_KVER='$kver' DKMS_FLAGS='$flags' >'$log' 2>&1"
diag "$log" "/var/lib/dkms/pdguard/$ver/build/make.log"
# (dkms's own readelf warnings about a missing .comment section are noise: 2>/dev/null)
check "dkms status says installed" bash -c \
	"dkms status 'pdguard/$ver' -k '$kver' 2>/dev/null | grep -q ': installed'"
# The installed file: pdguard.ko, or .ko.xz where the kernel's modules are compressed (6.12).
ko=$(ls /lib/modules/"$kver"/updates/dkms/pdguard.ko* 2>/dev/null | head -n 1)
check "it is installed in /lib/modules/$kver/updates/dkms" test -f "$ko"
case $ko in
*.xz) xz -dc "$ko" >"$log.ko" ;;
*) cat "$ko" >"$log.ko" 2>/dev/null ;;
esac
check "the DKMS build has BTF (kmod-btf ran inside MAKE, before DKMS strips and signs)" \
	bash -c "readelf -S --wide '$log.ko' | grep -q ' \.BTF '"
if [ -z "$flags" ]; then
	check "modprobe finds it by name after dkms's depmod" bash -c \
		"modinfo -n pdguard | grep -q /updates/dkms/ && modprobe pdguard"
else
	check "the installed file loads" insmod "$ko"
fi
check "it registers its label kfuncs" bash -c \
	"[ -d /sys/module/pdguard ] && [ -r /sys/kernel/btf/pdguard ] &&
	 dmesg | grep 'pdguard: loaded' | tail -n 1 | grep -q 'label kfuncs registered'"
check "pdguard status sees the DKMS module" bash -c "'$pd' status | grep -q 'loaded, ABI'"
rmmod pdguard 2>/dev/null
check "dkms remove takes it away" bash -c \
	"dkms remove $flags 'pdguard/$ver' --all >/dev/null 2>&1 &&
	 [ -z \"\$(dkms status pdguard 2>/dev/null)\" ] &&
	 ! ls /lib/modules/$kver/updates/dkms/pdguard.ko* 2>/dev/null"
exit 0
