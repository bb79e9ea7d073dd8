#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The agent on Debian's kernel with pdguard.ko: a file that carries a PD label on disk before
# the agent starts, outside every scan root (an archive restored from a backup), is refused to
# a user without the role at its first open — the agent never saw it — and read by the role.
# Then the same with the module absent, to show what it adds: the map alone does not know it.
# Everything is scoped to a private tmpfs, test users pdgk-hr/pdgk-acc and the VM.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_bpf_lsm
pdg_kmod_for_this_kernel
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"

d=$(mktemp -d /tmp/pdg-disklabel-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-disklabel "$d"
mkdir -p "$d/shares" "$d/archive/2019" "$d/state"
users=(pdgk-hr pdgk-acc)
agent=
stop_agent() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	agent=
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
}
cleanup() {
	stop_agent
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
group = pdgk-hr
read = basic personnel
[role accounting]
group = pdgk-acc
read = basic financial
CONF
# Restored from a backup with its label, outside the scan roots: the agent will never scan it.
f=$d/archive/2019/dismissals.txt
printf 'ПРИКАЗ № 12-к\nоб увольнении\nУволить Иванова Ивана Ивановича, ИИН 900101300007.\n' >"$f"
chmod 644 "$f"
"$pd" label set --log /dev/null "$f" personnel >/dev/null
g=$d/archive/2019/second.txt
cp "$f" "$g"
"$pd" label set --log /dev/null "$g" personnel >/dev/null

echo "1..6"
start_agent() {
	"$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
	agent=$!
	wait_for grep -q " in use" "$d/agent.out"
}

[ -d /sys/module/pdguard ] || insmod "$ko"
start_agent
check "the agent reads labels from the files' xattrs" \
	wait_for grep -q "labels from: file xattrs" "$d/agent.out"
check "a user without the role is refused the file at its first open" \
	bash -c "$(declare -f as can_read); ! can_read pdgk-acc '$f'"
check "the role reads it" bash -c "$(declare -f as can_read); can_read pdgk-hr '$f'"
check "the refusal is in the log, with the file's categories" \
	wait_for bash -c "grep '\"decision\":\"deny\"' '$log' | grep -q 'dismissals.txt.*personnel'"
stop_agent
# The kernel frees sleepable (kfunc) programs after an RCU-tasks-trace grace period, and they
# hold the module until then: rmmod right after the detach may find it in use (seen on 6.12).
wait_for rmmod pdguard 2>/dev/null

start_agent
check "without the module the agent says labels come from its map only" \
	wait_for grep -q "labels from: labels map — not from the files' xattrs: pdguard.ko is not loaded" \
	"$d/agent.out"
check "and a labelled file it never saw opens (what the module closes)" \
	bash -c "$(declare -f as can_read); can_read pdgk-acc '$g'"
exit 0
