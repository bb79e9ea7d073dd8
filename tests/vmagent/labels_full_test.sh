#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A full labels map is counted and logged, never silent, and loses no enforcement: the agent
# (BPF LSM with pdguard.ko) runs, the pinned labels map is filled to its last entry with keys of
# no file, and new PD files are classified: the agent keeps going, raises one label-table-full
# alert for the burst, counts every label the map had no room for (pdguard status), and the
# kernel still refuses the new files to a user without the role (it reads their xattrs).
# Scoped to a private tmpfs, test users pdgf-hr/pdgf-acc and the VM.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
fill=$top/build/tests/bpf/mapfill_helper
tap_version
bpf_lsm() { "$pd" bpf probe 2>/dev/null | grep -q 'driver:   bpf-lsm'; }
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" bpf_lsm
ko=$top/build/kmod/$(uname -r)/pdguard.ko
[ -f "$ko" ] || ko=$top/build/pdguard.ko
[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$(uname -r)" ] ||
	pdg_skip_all "no pdguard.ko built for $(uname -r) (make kmod)"
[ -x "$fill" ] || pdg_skip_all "build/tests/bpf/mapfill_helper is missing (make tests)"
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"

d=$(mktemp -d /tmp/pdg-full-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-full "$d"
mkdir -p "$d/shares" "$d/state"
users=(pdgf-hr pdgf-acc)
agent=
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out"
	pdg_user_del "${users[@]}"
	umount -l "$d"
	rmdir "$d"
	rmmod pdguard 2>/dev/null
}
trap cleanup EXIT
for u in "${users[@]}"; do
	pdg_user_add "$u" ||
		pdg_skip_all "cannot create test users"
done
as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
can_read() { as "$1" cat "$2" >/dev/null 2>&1; }
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = bpf-lsm
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[role hr]
group = pdgf-hr
read = basic personnel
[role accounting]
group = pdgf-acc
read = basic financial
CONF
order() {	# a personnel order with one employee (fictitious, valid IIN check digits)
	printf 'ПРИКАЗ № %s-к\nо приеме на работу\nПринять на работу Иванова Ивана Ивановича, ИИН 900101300007, на должность специалиста.\nОснование: заявление работника, трудовой договор.\n' "$1"
}
echo "1..7"
[ -d /sys/module/pdguard ] || insmod "$ko"
# The guard lets only pdguard's own program write its maps; the test's filler is another
# program, so the programs are pinned unguarded first and the agent resumes them as they are.
"$pd" bpf --log /dev/null attach --driver bpf-lsm --no-guard >/dev/null
"$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
wait_for grep -q "bpf-lsm *in use" "$d/agent.out"
check "the labels map is filled to its last entry" bash -c "'$fill' /sys/fs/bpf/pdguard/pdguard_labels >/dev/null"
for i in 1 2 3; do order "$i" >"$d/shares/order-$i.txt"; chmod 644 "$d/shares/order-$i.txt"; done
check "the new files are labelled PD all the same" wait_for bash -c \
	"for i in 1 2 3; do '$pd' label get '$d/shares/order-'\$i'.txt' | grep -q ': pd ' || exit 1; done"
check "one label-table-full alert for the burst" wait_for bash -c \
	"[ \$(grep -c '\"op\":\"label-table-full\",\"decision\":\"alert\"' '$log') -eq 1 ]"
check "pdguard status counts every label the map had no room for" wait_for bash -c \
	"'$pd' status --config '$d/policy.conf' --json | grep -q '\"labels_full\":[3-9]'"
check "the agent keeps going" kill -0 "$agent"
check "a user without the role is refused a file the map has no room for" \
	bash -c "$(declare -f as can_read); ! can_read pdgf-acc '$d/shares/order-2.txt'"
check "the role reads it" bash -c "$(declare -f as can_read); can_read pdgf-hr '$d/shares/order-2.txt'"
exit 0
