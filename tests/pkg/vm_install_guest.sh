#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The guest's half of tests/pkg/vm_install_test.sh: runs inside a fresh Debian 12 booted with
# systemd as PID 1 (scripts/vm-run --root "$(scripts/vm-rootfs)" --init systemd), with the
# packages in DIR (a --rw share). Installs pdguard and pdguard-dkms with dpkg -i, checks that
# DKMS built the module for the running kernel, the service comes up in audit mode and loaded
# it; upgrades to VERSION+upgrade1 with the policy edited (kept, no question asked); purges
# (service stopped, unit and module gone, log and state kept). Prints TAP results without a
# plan: the host prints it after the VM has ended.
#   tests/pkg/vm_install_guest.sh DIR VERSION
set -u
dir=$1 version=$2
. "$dir/tap.sh"
export DEBIAN_FRONTEND=noninteractive
kver=$(uname -r)
log=$dir/guest
mkdir -p "$log"

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS
wait_for() {
	local t=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$t" -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
}
active() { [ "$(systemctl is-active pdguard)" = active ]; }
main_pid() { systemctl show -p MainPID --value pdguard; }

state=$(systemctl is-system-running --wait)
check "the image booted with systemd as PID 1 ($state)" \
	bash -c '[ "$(cat /proc/1/comm)" = systemd ] && [ "$1" = running ]' - "$state" ||
	systemctl --failed --no-legend | sed 's/^/# failed: /'
check "the image has no pdguard yet" bash -c '! dpkg -s pdguard >/dev/null 2>&1'

start=$SECONDS
dpkg -i "$dir/pdguard-dkms_${version}_all.deb" "$dir/pdguard_${version}_amd64.deb" \
	</dev/null >"$log/install.out" 2>&1
rc=$?
echo "# dpkg -i of both packages (DKMS build included): $((SECONDS - start)) s"
check "dpkg -i installs both packages" test $rc -eq 0 || sed 's/^/# /' "$log/install.out"
check "DKMS built and installed pdguard/$version for the running kernel $kver" bash -c \
	"dkms status pdguard/$version -k $kver | grep -q ': installed' && ls /lib/modules/$kver/updates/dkms/pdguard.ko*" ||
	{ dkms status 2>&1; tail -n 30 /var/lib/dkms/pdguard/"$version"/build/make.log; } | sed 's/^/# dkms: /'
check "pdguard.service becomes active" wait_for 120 active ||
	journalctl -b -u pdguard --no-pager | tail -n 20 | sed 's/^/# /'
check "pdguard.service is enabled" bash -c '[ "$(systemctl is-enabled pdguard)" = enabled ]'
pdguard status >"$log/status.out" 2>&1
check "the agent runs in audit mode (pdguard status)" \
	grep -q '^Agent: running, pid [0-9]* .*, mode audit ' "$log/status.out" ||
	sed 's/^/# /' "$log/status.out"
check "the unit's modprobe loaded the DKMS-built module" bash -c \
	"grep -q '^pdguard ' /proc/modules && [ \"\$(modinfo -F filename pdguard)\" = \"\$(ls /lib/modules/$kver/updates/dkms/pdguard.ko*)\" ]"
check "modinfo says version $version" bash -c "[ \"\$(modinfo -F version pdguard)\" = '$version' ]"
check "pdguard status sees the module" grep -q '^Kernel module pdguard.ko: loaded, ' "$log/status.out"
check "the agent logged its start to /var/log/pdguard" bash -c \
	'ls /var/log/pdguard/* >/dev/null 2>&1 && grep -rqs agent-start /var/log/pdguard'

# the administrator edits the policy, then upgrades: the edit is kept, dpkg asks nothing
# (stdin is /dev/null) and the service restarts on the new files
echo '# edited by the administrator' >>/etc/pdguard/pdguard.conf
pid=$(main_pid)
dpkg -i "$dir/pdguard-upgrade.deb" </dev/null >"$log/upgrade.out" 2>&1
check "the upgrade installs without a question" test $? -eq 0 || sed 's/^/# /' "$log/upgrade.out"
check "to $version+upgrade1" bash -c \
	"[ \"\$(dpkg-query -W -f '\${Version}' pdguard)\" = '$version+upgrade1' ]"
check "the administrator's policy edit is kept" grep -qx '# edited by the administrator' \
	/etc/pdguard/pdguard.conf
check "no .dpkg-new or .dpkg-old beside the policy" bash -c '! ls /etc/pdguard/*.dpkg-* 2>/dev/null | grep -q .'
check "the service was restarted and is active" bash -c \
	'for i in $(seq 120); do [ "$(systemctl is-active pdguard)" = active ] &&
		p=$(systemctl show -p MainPID --value pdguard) && [ "$p" != 0 ] && [ "$p" != "$1" ] &&
		exit 0; sleep 1; done; exit 1' - "$pid"
pdguard status >"$log/status2.out" 2>&1
check "still in audit mode after the upgrade" \
	grep -q '^Agent: running, pid [0-9]* .*, mode audit ' "$log/status2.out" ||
	sed 's/^/# /' "$log/status2.out"

dpkg -P pdguard pdguard-dkms </dev/null >"$log/purge.out" 2>&1
check "dpkg -P purges both packages" test $? -eq 0 || sed 's/^/# /' "$log/purge.out"
check "the service is stopped" bash -c '! systemctl is-active -q pdguard && ! pgrep -x pdguard'
check "the unit is gone" bash -c '[ ! -e /lib/systemd/system/pdguard.service ] &&
	[ ! -e /etc/systemd/system/multi-user.target.wants/pdguard.service ] &&
	! systemctl cat pdguard >/dev/null 2>&1'
check "DKMS removed the module" bash -c \
	"[ -z \"\$(dkms status pdguard)\" ] && [ -z \"\$(ls /lib/modules/$kver/updates/dkms/pdguard.ko* 2>/dev/null)\" ] &&
	 ! modinfo pdguard >/dev/null 2>&1"
grep -q '^pdguard ' /proc/modules && echo "# note: pdguard.ko stays loaded until reboot or rmmod"
check "the policy is gone" test ! -e /etc/pdguard/pdguard.conf
check "the log and the state are kept" bash -c \
	'grep -rqs agent-start /var/log/pdguard && [ -d /var/lib/pdguard ] && [ -n "$(ls -A /var/lib/pdguard)" ]'
exit $((nfail > 0))
