#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# In the VM, with a real emulated USB stick (scripts/vm-run --usb): the agent recognises it by
# its sysfs properties when it is mounted while the agent runs, labels files on Debian's kernel,
# and notices the unmount. Runs only where a removable disk exists (tests/run.sh attaches one).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
disk=
for r in /sys/block/sd*/removable; do
	[ -e "$r" ] && [ "$(cat "$r")" = 1 ] && disk=$(basename "$(dirname "$r")") && break
done
pdg_require_root "needs root and an emulated USB stick (make test runs this in the VM)" \
	test -n "$disk"
echo "1..7"
d=$(mktemp -d /tmp/pdg-vmusb-XXXXXX)
mkdir -p "$d/shares" "$d/stick" "$d/state"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[zone usb]
removable = yes
CONF
printf 'Табельный номер;ФИО;ИИН;Оклад\n101;Иванов Иван;900101300007;350000\n102;Петрова Анна;850520400003;420000\n' |
	iconv -f UTF-8 -t CP1251 >"$d/shares/payroll-1c.csv"

check "the stick is /dev/$disk, removable, on the USB bus" \
	bash -c "readlink -f /sys/block/$disk | grep -q '/usb' && [ \"\$(cat /sys/block/$disk/removable)\" = 1 ]"
mkfs.vfat -n PDGSTICK "/dev/$disk" >/dev/null 2>&1
"$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
check "a CP1251 payroll export is labelled PD on Debian's kernel" \
	wait_for bash -c "'$pd' label get '$d/shares/payroll-1c.csv' | grep -q ': pd '"
mount -t vfat "/dev/$disk" "$d/stick"
check "mounting the stick while the agent runs makes it a USB zone" \
	wait_for grep -q "\"op\":\"zone-add\".*removable block device $disk" "$log"
check "the start-up screen and the zone message name it" \
	wait_for grep -q "zone added: usb $d/stick (removable block device $disk)" "$d/agent.out"
umount "$d/stick"
check "unmounting it removes the zone" wait_for grep -q '"op":"zone-remove"' "$log"
kill -INT "$agent"
wait "$agent"
check "the agent stops cleanly" test $? -eq 0
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
rm -rf "$d"
exit 0
