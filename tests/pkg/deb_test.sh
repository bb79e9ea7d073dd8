#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages as a buildd makes them (scripts/build-deb.sh: dpkg-buildpackage -us -uc
# -b in a clean copy): both build, lintian finds no error, the contents are what an
# administrator expects (agent, unit, policy as conffiles, man pages, completion; DKMS sources
# with their dkms.conf), and every version agrees with the VERSION file. install_test.sh then
# installs, upgrades and purges them; starting the service under systemd needs a VM image.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
for c in dpkg-buildpackage dh dh_dkms lintian; do
	pdg_require_cmd "$c"
done
tap_version
echo "1..12"
version=$(cat "$top/VERSION")
# the packages stay in build/deb for tests/pkg/install_test.sh; the checks' scratch files do not
out=$top/build/deb
mkdir -p "$out"
scratch=$(mktemp -d /tmp/pdg-deb-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

nice "$top/scripts/build-deb.sh" "$out" >"$scratch/build-deb.out" 2>&1
rc=$?
check "dpkg-buildpackage -us -uc -b builds both packages" test $rc -ne 2 || diag "$scratch/build-deb.out"
check "lintian finds no error" test $rc -eq 0 || diag "$out/lintian.txt"
deb=$out/pdguard_${version}_amd64.deb
dkms=$out/pdguard-dkms_${version}_all.deb
check "package versions are VERSION's (and debian/changelog's)" bash -c \
	"[ -f '$deb' ] && [ -f '$dkms' ] &&
	 [ \"\$(cd '$top' && dpkg-parsechangelog -S Version)\" = '$version' ]"
dpkg-deb -c "$deb" 2>/dev/null | awk '{print $6}' | sed 's|^\./|/|' >"$scratch/files"
has() { grep -qx "$1" "$scratch/files"; }
check "the agent, the unit, the man pages and the completion are in pdguard" bash -c \
	"$(declare -f has); scratch='$scratch'; has /usr/sbin/pdguard && has /lib/systemd/system/pdguard.service &&
	 has /usr/share/man/man8/pdguard.8.gz && has /usr/share/man/man5/pdguard.conf.5.gz &&
	 has /usr/share/man/man5/pdguard-rules.5.gz && has /usr/share/man/man5/pdguard-events.5.gz &&
	 has /usr/share/bash-completion/completions/pdguard && has /usr/share/doc/pdguard/deploy.md"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$scratch/conffiles" 2>/dev/null
check "every file under /etc is a conffile (admin edits survive upgrades)" bash -c \
	"diff <(grep '^/etc/.*[^/]\$' '$scratch/files' | sort) <(sort '$scratch/conffiles')"
check "the policy is among them; the shipped rules are in /usr/share, /etc's directories are empty" bash -c \
	"$(declare -f has); scratch='$scratch'; grep -qx /etc/pdguard/pdguard.conf '$scratch/conffiles' &&
	 [ \$(grep -c '^/usr/share/pdguard/rules.d/.*\.conf\$' '$scratch/files') -eq $(ls "$top"/policies/rules.d/*.conf | wc -l) ] &&
	 has /etc/pdguard/rules.d/ && has /etc/pdguard/pdguard.conf.d/ &&
	 ! grep -q '^/etc/pdguard/rules.d/.' '$scratch/files' && ! grep -q '^/etc/pdguard/pdguard.conf.d/.' '$scratch/files'"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$scratch/postinst" 2>/dev/null
check "the service is enabled and started by postinst" bash -c \
	"grep -q \"deb-systemd-helper enable 'pdguard.service'\" '$scratch/postinst' &&
	 grep -q 'deb-systemd-invoke' '$scratch/postinst'"
dpkg-deb -x "$dkms" "$scratch/dkms"
check "pdguard-dkms holds the module's sources under /usr/src/pdguard-VERSION" \
	test -f "$scratch/dkms/usr/src/pdguard-$version/kmod/main.c"
check "its dkms.conf carries VERSION" \
	grep -q "^PACKAGE_VERSION=\"$version\"" "$scratch/dkms/usr/src/pdguard-$version/dkms.conf"
check "pdguard-dkms depends on dkms and registers with it in postinst" bash -c \
	"dpkg-deb -f '$dkms' Depends | grep -q dkms &&
	 dpkg-deb --ctrl-tarfile '$dkms' | tar -xO ./postinst | grep -q dkms"
# the sources as packaged build against the installed headers (what DKMS will run)
kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$kdir" ]; then
	nice make -s -C "$kdir" M="$scratch/dkms/usr/src/pdguard-$version" modules >"$scratch/kbuild.out" 2>&1
	check "the packaged module sources build (as DKMS builds them)" test $? -eq 0 ||
		diag "$scratch/kbuild.out"
	check "and the module's modinfo version is VERSION's" test \
		"$(modinfo -F version "$scratch/dkms/usr/src/pdguard-$version/kmod/pdguard.ko" 2>/dev/null)" = "$version"
else
	skip 2 "no kernel headers in /usr/src (scripts/deps.sh test installs them)"
fi
exit $((nfail > 0))
