#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages (build/deb) on a fresh Debian 12 with systemd as PID 1: boots the image of
# scripts/vm-rootfs (debootstrap: systemd, DKMS, gcc, the headers of the VM's 6.1 kernel and the
# package's libraries) with scripts/vm-run --root ... --init systemd, and runs
# tests/pkg/vm_install_guest.sh there: dpkg -i of both packages brings pdguard.service up in
# audit mode with the DKMS-built module loaded; the upgrade keeps the policy edit without a
# question and restarts the service; purge stops it and removes the unit and the module, and
# keeps the log and the state. The upgrade is the same package repacked as VERSION+upgrade1, as
# in install_test.sh. Opt-in: it costs several minutes under TCG (docs/vm-testing.md); set
# PDG_VM_INSTALL=1. The image is built on first use when missing (scripts/deps.sh test does it).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
[ "${PDG_VM_INSTALL:-0}" = 1 ] ||
	pdg_skip_all "opt-in (several minutes in a TCG VM): set PDG_VM_INSTALL=1"
pdg_require_root "needs root (QEMU shares a root filesystem, debootstrap)"
pdg_require_cmd qemu-system-x86_64 dpkg-deb
version=$(cat "$top/VERSION")
deb=$top/build/deb/pdguard_${version}_amd64.deb
dkms=$top/build/deb/pdguard-dkms_${version}_all.deb
[ -f "$deb" ] && [ -f "$dkms" ] ||
	pdg_skip_all "no packages of version $version in build/deb: run scripts/build-deb.sh (or tests/pkg/deb_test.sh)"
root=$("$top/scripts/vm-rootfs" --path)
[ -d "$root" ] || command -v debootstrap >/dev/null ||
	pdg_skip_all "no Debian 12 image in $root and no debootstrap to make it (scripts/deps.sh test)"
root=$("$top/scripts/vm-rootfs") || pdg_skip_all "scripts/vm-rootfs could not build the image"
tap_version

d=$(mktemp -d /tmp/pdg-vminstall-XXXXXX)
trap 'rm -rf "$d"' EXIT
cp "$deb" "$dkms" "$top/tests/tap.sh" "$top/tests/pkg/vm_install_guest.sh" "$d/"
# the upgrade: the same files as VERSION+upgrade1, one shipped rule file changed
up=$d/upgrade
dpkg-deb -R "$deb" "$up"
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$up/DEBIAN/control"
echo "; changed by the upgrade" >>"$up/usr/share/pdguard/rules.d/50-medical.conf"
(cd "$up" && find etc usr lib -type f ! -path 'etc/*' -exec md5sum {} + >DEBIAN/md5sums)
dpkg-deb -b "$up" "$d/pdguard-upgrade.deb" >/dev/null
rm -rf "$up"

start=$SECONDS
"$top/scripts/vm-run" --root "$root" --init systemd --mem 2048 --rw "$d" \
	--timeout "${PDG_VM_INSTALL_TIMEOUT:-2400}" -- bash "$d/vm_install_guest.sh" "$d" "$version" |
	tee "$d/tap"
rc=${PIPESTATUS[0]}
echo "# VM boot, install, upgrade and purge: $((SECONDS - start)) s"
# the guest's results, then ours (numbered on): the VM ended with the guest's verdict
n=$(grep -cE '^(not )?ok [0-9]+' "$d/tap")
nfail=$(grep -cE '^not ok [0-9]+' "$d/tap")
check "the VM ran the guest's checks to the end (vm-run status $rc)" \
	bash -c '[ "$1" -eq 0 ] || { [ "$1" -eq 1 ] && [ "$2" -gt 0 ]; }' - "$rc" "$nfail"
echo "1..$n"
exit $((nfail > 0))
