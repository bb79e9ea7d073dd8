#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what pdguard needs from Debian's packages, and nothing from anywhere else.
#
#   scripts/deps.sh run     build and run the agent
#   scripts/deps.sh test    also the test rig: kernel headers, QEMU (system, and user mode to run
#                           build/pdguard on a CPU without SSSE3), busybox, test tools, and
#                           the VM kernels (scripts/vm-run --prepare for 6.1 and 6.12)
#
# Idempotent: when everything is present it prints nothing and touches nothing. Must run as root
# (it calls apt-get). Packages come with --no-install-recommends.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: scripts/deps.sh [run|test|bench|fuzz|pkg]...

Installs the Debian 12 packages pdguard needs, with apt-get (apt-get update first, once).
  run    compiler and libraries to build and run the agent (default)
  test   everything 'make test' needs: kernel headers and tools to build the kernel module and
         BPF programs, QEMU and busybox for the VM tests, DKMS, tools the tests generate files
         with; then the VM kernels: scripts/vm-run --prepare for Debian 12's 6.1 and for the
         6.12 of bookworm-backports (downloaded with a private sources list, its headers
         unpacked into /usr/src; the machine's apt sources are not changed)
  bench  what 'make bench' compares against and measures with (ripgrep, GNU time, fapolicyd)
  fuzz   clang's fuzzing runtime for 'make fuzz'
  pkg    what scripts/build-deb.sh needs to build and lint the Debian packages, and the
         tools tests/pkg/ check the unit, man pages and completion with
USAGE
}

run_pkgs=(
	make gcc pkg-config clang llvm bpftool python3
	libinih-dev libpcre2-dev libmagic-dev libhyperscan-dev libnl-genl-3-dev libnl-3-dev
	libbpf-dev libelf-dev zlib1g-dev libzip-dev libxml2-dev libpoppler-glib-dev libssl-dev
	libarchive-dev catdoc libglib2.0-dev gettext
)
test_pkgs=(
	"${run_pkgs[@]}"
	clang llvm bpftool linux-headers-amd64 kmod cpio xz-utils dwarves libelf-dev zlib1g-dev
	qemu-system-x86 qemu-user busybox-static dosfstools e2fsprogs util-linux python3 zip dkms
	fonts-dejavu-core libcairo2-dev python3-xlwt libreoffice-writer-nogui poppler-utils
	chromium jq tar gzip bzip2 zstd lz4 p7zip-full time man-db bash-completion systemd
	python3-jsonschema rsyslog prometheus python3-dbusmock dbus
	dpkg-dev debhelper dh-dkms fakeroot lintian debootstrap samba smbclient
	nfs-kernel-server nfs-common
)
# debootstrap: scripts/vm-rootfs makes the fresh Debian 12 that tests/pkg/vm_install_test.sh
# installs the packages on (opt-in, PDG_VM_INSTALL=1; it builds the image on first use)
# dpkg-dev ... lintian: tests/pkg builds the Debian packages, checks them with lintian and
# installs them (without them those tests would skip, and CI would test no package)
# prometheus: only its promtool is used (tests/daemon/stats_test.sh checks `pdguard stats
# --prometheus` with `promtool check metrics`); its server is kept from starting, as fapolicyd
# samba, smbclient: tests/fanotify/smb_test.sh runs its own smbd (private config, loopback port);
# the system's smbd, nmbd and samba-ad-dc are kept from starting and disabled
# nfs-kernel-server, nfs-common: tests/vmagent/nfs_test.sh starts a private kernel NFS server in
# the VM (whose userspace is this machine's root filesystem); the system's nfs-server, rpcbind,
# nfs-mountd, nfsdcld and rpc-statd are kept from starting and disabled
bench_pkgs=("${test_pkgs[@]}" ripgrep time bc fapolicyd)
# building the Debian packages (scripts/build-deb.sh) and checking them
pkg_pkgs=("${run_pkgs[@]}" dpkg-dev debhelper dh-dkms dkms fakeroot lintian man-db bash-completion
	systemd)
fuzz_pkgs=("${test_pkgs[@]}" libclang-rt-14-dev)

want=()
vm=0
[ $# -eq 0 ] && set -- run
for profile in "$@"; do
	case "$profile" in
	run) want+=("${run_pkgs[@]}") ;;
	test) want+=("${test_pkgs[@]}"); vm=1 ;;
	bench) want+=("${bench_pkgs[@]}"); vm=1 ;;
	fuzz) want+=("${fuzz_pkgs[@]}") ;;
	pkg) want+=("${pkg_pkgs[@]}") ;;
	-h|--help) usage; exit 0 ;;
	*) echo "deps.sh: unknown profile '$profile'" >&2; usage >&2; exit 2 ;;
	esac
done

# The VM kernels the tests boot (tests/lib.sh PDG_VM_KERNELS): silent when already cached.
vm_prepare() {
	local k
	[ "$vm" = 1 ] || return 0
	for k in 6.1 6.12; do
		"$(dirname "$0")/vm-run" --kernel "$k" --prepare || return
	done
}

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	vm_prepare
	exit
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}" >&2
	echo "Hint: run this script as root (it calls apt-get install)." >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# fapolicyd is installed only to be measured against (make bench): Debian's package would start
# a system-wide daemon that decides every open on this machine. Keep it from starting; and the
# prometheus server, whose package the tests want only for promtool; and rsyslog, which the
# tests run with a private configuration of their own (a system rsyslogd would take /dev/log);
# and samba, whose smbd the tests start themselves on a private port; and the NFS server and its
# helpers, which the VM test starts itself inside the guest.
guard=
services='fapolicyd|prometheus|rsyslog|samba|nfs-kernel-server|nfs-common'
if printf '%s\n' "${missing[@]}" | grep -qxE "$services" && [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	guard=/usr/sbin/policy-rc.d
fi
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
rc=$?
[ -n "$guard" ] && rm -f "$guard"
if printf '%s\n' "${missing[@]}" | grep -qx fapolicyd && command -v systemctl >/dev/null; then
	systemctl disable --now fapolicyd >/dev/null 2>&1 || true
fi
for unit in prometheus rsyslog; do
	if printf '%s\n' "${missing[@]}" | grep -qx "$unit" && command -v systemctl >/dev/null; then
		systemctl disable --now "$unit" >/dev/null 2>&1 || true
	fi
done
if printf '%s\n' "${missing[@]}" | grep -qx samba && command -v systemctl >/dev/null; then
	systemctl disable --now smbd nmbd samba-ad-dc >/dev/null 2>&1 || true
fi
if printf '%s\n' "${missing[@]}" | grep -qxE 'nfs-kernel-server|nfs-common' &&
	command -v systemctl >/dev/null; then
	systemctl disable --now nfs-server nfs-mountd nfsdcld rpc-statd rpc-statd-notify \
		nfs-blkmap nfs-idmapd rpcbind.socket rpcbind >/dev/null 2>&1 || true
fi
[ $rc -ne 0 ] || vm_prepare || rc=$?
exit $rc
