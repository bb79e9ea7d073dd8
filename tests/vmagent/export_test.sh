#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Approved export on the BPF LSM driver (in the VM): the programs let a tainted process write to
# a zone when its roles' export = or an export grant by category covers what it carries, for that
# zone kind, until the grant's end (checked in the program against CLOCK_BOOTTIME); the agent
# names the grant and its approvers in the allow event. A grant by --path is the fanotify
# driver's alone: here it lets nothing out. Scoped to a private tmpfs and test users; the
# programs are detached at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" pdg_bpf_lsm_here
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
pdg_require_cmd setpriv

d=$(mktemp -d /tmp/pdg-vmexport-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-vmexport "$d"
mkdir -p "$d/shares/acc" "$d/usb" "$d/state"
mount -t tmpfs -o mode=0777 pdg-vmexport-usb "$d/usb"
users=(pdgv-a pdgv-b pdgv-t)
agent=
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out" "$log"
	pdg_user_del "${users[@]}"
	umount -l "$d/usb" 2>/dev/null
	umount -l "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in "${users[@]}"; do
	pdg_user_add "$u" -d "$d" -s /bin/sh || {
		pdg_skip_all "cannot create test users"; }
done
log=$d/log/events.jsonl
f=$d/shares/acc/payroll.csv
printf 'ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n' >"$f"
chmod 644 "$f"
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = bpf-lsm
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[zone usb]
removable = no
path = $d/usb
[role accounting]
user = pdgv-a
user = pdgv-b
read = all
[role treasury]
user = pdgv-t
read = all
export = all
CONF
as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
on_stick() { grep -qs 900101300007 "$d/usb/$1"; }
copied() { as "$1" cp "$f" "$d/usb/$2" 2>/dev/null && on_stick "$2"; }
refused() { ! as "$1" cp "$f" "$d/usb/$2" 2>/dev/null && ! on_stick "$2"; }
grant() { "$pd" grant add --config "$d/policy.conf" --export "$@" | sed -n 's/^grant \([0-9]*\):.*/\1/p'; }
# allow_for NAME: the allow event of the open of the stick's file NAME
allow_for() { grep '"decision":"allow"' "$log" | grep "\"path\":\"$d/usb/$1\""; }

echo "1..10"
setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
check "the agent runs on the BPF LSM driver with the file labelled" bash -c \
	"$(declare -f wait_for); wait_for grep -q 'bpf-lsm *in use' '$d/agent.out' &&
	 wait_for bash -c \"'$pd' label get '$f' | grep -q ': pd '\"" || {
	echo "Bail out! the BPF LSM driver did not start: nothing below would mean anything"
	exit 1
}
check "without a grant a copy to the stick is refused" refused pdgv-a a0.csv
id=$(grant --user pdgv-a --category all --zone usb --until +20s --approver 'A. Seitkali' \
	--reason 'bank, ticket 2')
check "an export grant by category for the usb zone lets the copy through" \
	wait_for copied pdgv-a a1.csv
check "its allow event names the grant and the approver" wait_for bash -c \
	"$(declare -f allow_for); d='$d' log='$log'; allow_for a1.csv | grep -q '\"export_by\":\"grant\",\"grant\":$id,\"approver\":\"A. Seitkali\"'"
check "the grant does not help user B" refused pdgv-b b1.csv
grant --user pdgv-b --category all --zone cloud --until +10m --approver X --reason 'cloud' >/dev/null
sleep 2		# the agent pushes grant changes within a second: give it the time to be wrong
check "a grant for the cloud zone kind does not open the stick" refused pdgv-b b2.csv
grant --user pdgv-b --path "$f" --zone usb --until +10m --approver X --reason 'by path' >/dev/null
sleep 2
check "a grant by --path lets nothing out on this driver (fanotify only)" refused pdgv-b b3.csv
check "a role's export = lets its member copy (export_by role)" bash -c \
	"$(declare -f as on_stick copied allow_for); d='$d' f='$f' log='$log'
	 copied pdgv-t t1.csv && allow_for t1.csv | grep -q '\"export_by\":\"role\"'"
# the grant for pdgv-a ends 20 s after it was given; the program compares its end itself
while "$pd" grant list --config "$d/policy.conf" | grep -q "^$id .*active"; do sleep 1; done
check "after the grant's end the copy is refused again" refused pdgv-a a2.csv
kill -TERM "$agent"
wait "$agent"
agent=
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
exit 0
