#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The daemon's programs against root (issue 12 item 4): with the agent running its BPF LSM
# driver, another root tool cannot unpin, open or detach pdguard's objects, and each try is a
# deny event and a "tamper" alert in the agent's log; an agent killed with SIGKILL leaves
# enforcement pinned and its successor raises an alert for the unclean stop; a clean stop is
# an alert too; the break-glass detach is logged. Everything is scoped to a private tmpfs (state,
# log, a scan root holding nothing) and the VM; the pins are always removed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
helper=$top/build/tests/bpf/guard_helper
tap_version
bpf_lsm() { "$pd" bpf probe 2>/dev/null | grep -q 'driver:   bpf-lsm'; }
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" bpf_lsm
[ -x "$helper" ] || pdg_skip_all "build the helpers first (make tests)"
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
pins=/sys/fs/bpf/pdguard

d=$(mktemp -d /tmp/pdg-agentguard-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-agentguard "$d"
mkdir -p "$d/shares" "$d/state"
log=$d/log/events.jsonl
agent=
start_agent() {
	"$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
	agent=$!
	wait_for grep -q " in use" "$d/agent.out"
}
stop_agent() {
	[ -n "$agent" ] && kill -"${1:-TERM}" "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	agent=
}
cleanup() {
	stop_agent
	"$pd" bpf --log "$d/cleanup.jsonl" detach --break-glass --reason "test cleanup" \
		>/dev/null 2>&1
	umount -l "$d"
	rmdir "$d"
}
trap cleanup EXIT
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = bpf-lsm
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
CONF
# alerts: lines of the log with decision alert and the given alert name
alerts() { grep '"decision":"alert"' "$log" | grep -c "\"alert\":\"$1\""; }

echo "1..9"
start_agent
check "the agent's pins are guarded" bash -c "'$pd' bpf status | grep -q '^guard: on'"
check "rm cannot unpin them" bash -c "! rm -f '$pins/pdguard_config' 2>/dev/null && \
	[ -e '$pins/pdguard_config' ]"
check "another program cannot open a pinned map" bash -c \
	"'$helper' objget '$pins/pdguard_labels' >/dev/null; [ \$? = 1 ]"
check "nor detach a link" bash -c \
	"'$helper' linkdetach '$pins/link_pdguard_lsm_bpf' >/dev/null; [ \$? = 1 ]"
check "each try is a deny event and a tamper alert in the agent's log" wait_for bash -c \
	"grep '\"op\":\"unpin\"' '$log' | grep -q '\"decision\":\"deny\"' && \
	 grep '\"op\":\"bpf\"' '$log' | grep -q '\"decision\":\"deny\"' && \
	 [ \"\$(grep '\"decision\":\"alert\"' '$log' | grep -c '\"alert\":\"tamper\"')\" -ge 1 ]"

# SIGKILL: the programs stay pinned and enforcing; the next agent says what happened.
stop_agent KILL
check "an agent killed with SIGKILL leaves the programs pinned" test -e "$pins/pdguard_config"
start_agent
check "its successor resumes and raises an alert for the unclean stop" wait_for bash -c \
	"grep -q 'resumed' '$d/agent.out' && \
	 grep '\"op\":\"agent-unclean-stop\"' '$log' | grep -q '\"decision\":\"alert\"'"
stop_agent TERM
check "a clean stop is an alert, and leaves no marker" bash -c \
	"[ \"\$(grep '\"decision\":\"alert\"' '$log' | grep -c '\"alert\":\"agent-stopped\"')\" -ge 1 ] \
	 && [ ! -e '$d/state/agent.alive' ]"
check "the break-glass detach is logged as an alert and removes the pins" bash -c \
	"'$pd' bpf --log '$log' detach --break-glass --reason 'test' && [ ! -e '$pins' ] && \
	 grep '\"op\":\"bpf-detach\"' '$log' | grep -q '\"decision\":\"alert\"'"
exit 0
