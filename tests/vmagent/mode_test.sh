#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One mode: the policy decides, and pdguard.ko, the BPF maps and the running agent follow it.
# `pdguard mode enforce` rewrites the policy (keeping its comments), the agent applies the change
# to the module and the maps and says so, the change is logged with who made it, and
# `pdguard bpf mode` takes the same path. Scoped to a private tmpfs and the VM; the programs are
# detached and the module removed at the end.
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

d=$(mktemp -d /tmp/pdg-mode-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-mode "$d"
mkdir -p "$d/shares" "$d/state"
agent=
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out" "$d/mode.out"
	umount -l "$d"
	rmdir "$d"
	rmmod pdguard 2>/dev/null
}
trap cleanup EXIT
echo "1..11"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
; the test's policy
[agent]
mode = audit                ; audit first, as a rollout does
driver = bpf-lsm
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
CONF
[ -d /sys/module/pdguard ] || insmod "$ko"
mj() { "$pd" mode --config "$d/policy.conf" --json; }
has() { mj | grep -q "$1"; }

setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
check "the agent starts with the BPF LSM driver" wait_for grep -q "bpf-lsm *in use" "$d/agent.out"
check "policy, agent, module and maps agree on audit" wait_for bash -c \
	"'$pd' mode --config '$d/policy.conf' --json | grep -q '\"mode\":\"audit\",\"agree\":true.*\"agent\":{\"running\":true.*\"kmod\":{\"loaded\":true,\"mode\":\"audit\"}.*\"maps\":{\"attached\":true,\"driver\":\"bpf-lsm\",\"mode\":\"audit\"}'"
check "pdguard mode enforce waits for the agent and says enforce" bash -c \
	"'$pd' mode enforce --config '$d/policy.conf' >'$d/mode.out' 2>&1 && head -n1 '$d/mode.out' | grep -qx enforce"
check "the policy says enforce and keeps its comments" bash -c \
	"grep -q '^mode = enforce *; audit first, as a rollout does' '$d/policy.conf' && grep -q '^; the test.s policy' '$d/policy.conf'"
check "the module and the maps hold enforce" \
	has '"agree":true.*"kmod":{"loaded":true,"mode":"enforce"}.*"maps":{"attached":true,"driver":"bpf-lsm","mode":"enforce"}'
check "pdguard status shows the agent and the module in enforce" bash -c \
	"s=\$('$pd' status --config '$d/policy.conf' --json); grep -q '\"agent\":{\"running\":true,[^}]*\"mode\":\"enforce\"' <<<\"\$s\" && grep -q '\"kmod\":{\"loaded\":true,\"abi\":\"[0-9.]*\",\"mode\":\"enforce\"' <<<\"\$s\""
check "the change is logged with who made it" bash -c \
	"grep '\"op\":\"mode-change\"' '$log' | grep '\"user\":\"root\"' | grep -q '\"new_mode\":\"enforce\"'"
check "pdguard bpf mode audit is the same path" bash -c \
	"'$pd' bpf mode audit --config '$d/policy.conf' >/dev/null && grep -q '^mode = audit' '$d/policy.conf'"
check "and all agree on audit again" has '"mode":"audit","agree":true.*"kmod":{"loaded":true,"mode":"audit"}.*"maps":{"attached":true,"driver":"bpf-lsm","mode":"audit"}'
kill -TERM "$agent"
wait "$agent"
agent=
check "a stopped agent leaves no agent.run" test ! -e "$d/state/agent.run"
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
exit 0
