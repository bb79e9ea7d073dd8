#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard stats` with the BPF LSM driver: the decisions the kernel made reach the counters
# through the ring buffer (three refused reads move open/deny by three), the counters agree with
# the log, the ring buffer's drops are exported (pdguard_driver_ringbuf_drops_total) and the
# fanotify-only metrics are not, and the output passes `promtool check metrics` where the
# prometheus package is installed. Scoped to a private tmpfs, test users pdgs-hr/pdgs-acc and
# the VM; the programs are detached and the module removed at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
bpf_lsm() { "$pd" bpf probe 2>/dev/null | grep -q 'driver:   bpf-lsm'; }
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" bpf_lsm
ko=$top/build/kmod/$(uname -r)/pdguard.ko
[ -f "$ko" ] || ko=$top/build/pdguard.ko
[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$(uname -r)" ] ||
	pdg_skip_all "no pdguard.ko built for $(uname -r) (make kmod)"
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"

d=$(mktemp -d /tmp/pdg-stats-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-stats "$d"
mkdir -p "$d/shares" "$d/state"
users=(pdgs-hr pdgs-acc)
agent=
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out" "$d/prom.txt"
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
group = pdgs-hr
read = basic personnel
[role accounting]
group = pdgs-acc
read = basic financial
CONF
printf 'ПРИКАЗ № 7-к\nо приеме на работу\nПринять на работу Иванова Ивана Ивановича, ИИН 900101300007, на должность специалиста.\nОснование: заявление работника, трудовой договор.\n' >"$d/shares/order.txt"
chmod 644 "$d/shares/order.txt"
echo "1..7"
[ -d /sys/module/pdguard ] || insmod "$ko"
"$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
wait_for grep -q "bpf-lsm *in use" "$d/agent.out"
jv() { "$pd" stats --config "$d/policy.conf" --json | jq -r "($1) // 0"; }
check "the agent publishes its counters, driver bpf-lsm, first scan done" wait_for bash -c \
	"'$pd' stats --config '$d/policy.conf' --json | jq -e '.up and .driver == \"bpf-lsm\" and .scan.initial_done and .labels.pd >= 1' >/dev/null"
deny0=$(jv '.events.by_op.open.deny')
for i in 1 2 3; do as pdgs-acc cat "$d/shares/order.txt" >/dev/null 2>&1; done
as pdgs-hr cat "$d/shares/order.txt" >/dev/null 2>&1
check "three refused reads: open/deny moved by 3" wait_for bash -c \
	"[ \"\$('$pd' stats --config '$d/policy.conf' --json | jq -r '.events.by_op.open.deny // 0')\" -eq $((deny0 + 3)) ]"
"$pd" stats --config "$d/policy.conf" --prometheus >"$d/prom.txt"
check "--prometheus: up, info names bpf-lsm and enforce" bash -c \
	"grep -qx 'pdguard_up 1' '$d/prom.txt' && grep -q '^pdguard_info{driver=\"bpf-lsm\",mode=\"enforce\",' '$d/prom.txt'"
check "ring-buffer drops are exported (none lost here), fanotify's queue is not" bash -c \
	"grep -qx 'pdguard_driver_ringbuf_drops_total 0' '$d/prom.txt' && ! grep -q '^pdguard_driver_pending_requests' '$d/prom.txt'"
n_deny=$(grep -c '"decision":"deny"' "$log")
check "refusals in the metrics = refusals in the log" \
	test "$(awk '$1 == "pdguard_decisions_total{decision=\"deny\"}" { print $2 }' "$d/prom.txt")" = "$n_deny"
if command -v promtool >/dev/null; then
	check "promtool check metrics passes" bash -c "promtool check metrics <'$d/prom.txt'"
else
	skip_check "promtool check metrics passes" "promtool not installed (prometheus package)"
fi
kill -TERM "$agent"; wait "$agent"; agent=
check "after the stop: pdguard_up 0" bash -c \
	"'$pd' stats --config '$d/policy.conf' --prometheus | grep -qx 'pdguard_up 0'"
exit 0
