#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, upgrade, remove and purge the Debian packages (build/deb, made by deb_test.sh or
# scripts/build-deb.sh) with the real dpkg and maintainer scripts, in a chroot whose root is an
# overlay of this machine's / with a tmpfs on top: every write (dpkg's database, DKMS builds,
# /etc) lands in the tmpfs and goes with it, inside a private mount namespace. The unit is
# enabled but not started (no systemd runs here; a VM image with systemd is the next step).
# The upgrade is the same package repacked as VERSION+upgrade1 with one shipped rule file
# changed: the administrator's edit of the policy, drop-in and local rule file are kept, the
# shipped rule file is replaced, the local rule still overrides the shipped one, and dpkg asks
# nothing (stdin is /dev/null: a conffile prompt would fail the upgrade).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pdg_require_root "needs root (mount namespaces, chroot, dpkg)"
pdg_require_cmd unshare
pdg_require_cmd dpkg-deb
version=$(cat "$top/VERSION")
deb=$top/build/deb/pdguard_${version}_amd64.deb
dkms=$top/build/deb/pdguard-dkms_${version}_all.deb
[ -f "$deb" ] && [ -f "$dkms" ] ||
	pdg_skip_all "no packages of version $version in build/deb: run scripts/build-deb.sh (or tests/pkg/deb_test.sh)"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	pdg_skip_all "no overlayfs in this kernel"
PDG_NS_TIMEOUT=1500 pdg_private_ns "$0" "$@"
tap_version
echo "1..19"
R=$(mktemp -d /tmp/pdg-install-XXXXXX)
mount -t tmpfs -o size=3g pdg-install "$R"
mkdir -p "$R/up" "$R/work" "$R/root"
cleanup() {
	umount -R "$R/root" 2>/dev/null
	umount "$R"
	rmdir "$R"
}
trap cleanup EXIT
mount -t overlay overlay -o "lowerdir=/,upperdir=$R/up,workdir=$R/work" "$R/root"
mount -t proc proc "$R/root/proc"
mount -t sysfs sysfs "$R/root/sys"
mount --bind /dev "$R/root/dev"
mkdir -p "$R/root/tmp/debs"
cp "$deb" "$dkms" "$R/root/tmp/debs/"
in_root() { chroot "$R/root" /usr/bin/env DEBIAN_FRONTEND=noninteractive "$@" </dev/null; }

# the upgrade: the same files as VERSION+upgrade1, one shipped rule file changed
up=$R/root/tmp/upgrade
dpkg-deb -R "$deb" "$up"
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$up/DEBIAN/control"
echo "; changed by the upgrade" >>"$up/usr/share/pdguard/rules.d/50-medical.conf"
(cd "$up" && find etc usr lib -type f ! -path 'etc/*' -exec md5sum {} + >DEBIAN/md5sums)
dpkg-deb -b "$up" "$R/root/tmp/debs/pdguard-upgrade.deb" >/dev/null
rm -rf "$up"

check "the machine's own dpkg database has no pdguard (the test starts clean)" \
	bash -c "! chroot '$R/root' dpkg -s pdguard >/dev/null 2>&1"
in_root dpkg -i /tmp/debs/pdguard-dkms_${version}_all.deb /tmp/debs/pdguard_${version}_amd64.deb \
	>"$R/install.out" 2>&1
check "both packages install" test $? -eq 0 || diag "$R/install.out"
check "the agent runs and says VERSION" bash -c "chroot '$R/root' pdguard --version | grep -q '^pdguard $version '"
check "the unit is enabled" test -L "$R/root/etc/systemd/system/multi-user.target.wants/pdguard.service"
check "the installed policy passes config check" in_root pdguard config check /etc/pdguard/pdguard.conf
check "man pdguard finds the page" bash -c "chroot '$R/root' man -w pdguard | grep -q 'man8/pdguard.8'"
if ls -d "$R"/root/usr/src/linux-headers-*-amd64 >/dev/null 2>&1; then
	check "DKMS built and installed pdguard.ko for the installed kernels" bash -c \
		"chroot '$R/root' dkms status pdguard 2>/dev/null | grep -q 'pdguard/$version, .*: installed' &&
		 ls '$R'/root/lib/modules/*/updates/dkms/pdguard.ko* >/dev/null"
else
	skip_check "DKMS built pdguard.ko" "no kernel headers installed"
fi

# the administrator tunes the policy, adds a drop-in and a local rule file, then upgrades
sed -i 's/^mode = audit/mode = enforce/' "$R/root/etc/pdguard/pdguard.conf"
printf '[agent]\nlog_keep = 30\n' >"$R/root/etc/pdguard/pdguard.conf.d/50-local.conf"
printf '[rule phone-kz]\nenabled = no\n' >"$R/root/etc/pdguard/rules.d/50-local.conf"
in_root dpkg -i /tmp/debs/pdguard-upgrade.deb >"$R/upgrade.out" 2>&1
check "the upgrade installs without a question" test $? -eq 0 || diag "$R/upgrade.out"
check "to the new version" bash -c "chroot '$R/root' dpkg-query -W -f '\${Version}' pdguard | grep -qx '$version+upgrade1'"
check "the administrator's policy edit is kept" grep -qx 'mode = enforce' "$R/root/etc/pdguard/pdguard.conf"
check "the shipped rule file is the new one" \
	grep -qx '; changed by the upgrade' "$R/root/usr/share/pdguard/rules.d/50-medical.conf"
check "the drop-in is kept and read after the policy" bash -c \
	"chroot '$R/root' pdguard config dump --origins | grep -qx 'log_keep = 30 ; /etc/pdguard/pdguard.conf.d/50-local.conf:2'"
check "the local rule file is kept and switches the shipped rule off" bash -c \
	"chroot '$R/root' pdguard rules check 2>&1 | grep -qx \"disabled: rule 'phone-kz': by /etc/pdguard/rules.d/50-local.conf:1 (defined at /usr/share/pdguard/rules.d/40-contacts.conf:5)\""
check "no .dpkg-new or .dpkg-old left beside the policy" bash -c \
	"! ls '$R'/root/etc/pdguard/*.dpkg-* '$R'/root/etc/pdguard/rules.d/*.dpkg-* 2>/dev/null | grep -q ."

in_root dpkg -r pdguard pdguard-dkms >"$R/remove.out" 2>&1
check "remove works" test $? -eq 0 || diag "$R/remove.out"
check "remove takes the agent and the module, keeps the policy" bash -c \
	"[ ! -e '$R/root/usr/sbin/pdguard' ] && [ -f '$R/root/etc/pdguard/pdguard.conf' ] &&
	 ! ls '$R'/root/lib/modules/*/updates/dkms/pdguard.ko* >/dev/null 2>&1"
in_root dpkg -P pdguard pdguard-dkms >"$R/purge.out" 2>&1
check "purge works" test $? -eq 0 || diag "$R/purge.out"
# dpkg removes what the package shipped; files the administrator wrote there stay (dpkg says so)
check "purge takes the policy and the unit's enablement, not the administrator's own files" bash -c \
	"[ ! -e '$R/root/etc/pdguard/pdguard.conf' ] &&
	 [ ! -e '$R/root/etc/systemd/system/multi-user.target.wants/pdguard.service' ] &&
	 [ -f '$R/root/etc/pdguard/pdguard.conf.d/50-local.conf' ] &&
	 [ -f '$R/root/etc/pdguard/rules.d/50-local.conf' ]"
check "nothing else is left in /etc/pdguard" bash -c \
	"[ \"\$(cd '$R/root/etc/pdguard' && find . -type f | sort | tr '\n' ' ')\" = './pdguard.conf.d/50-local.conf ./rules.d/50-local.conf ' ]"
exit $((nfail > 0))
