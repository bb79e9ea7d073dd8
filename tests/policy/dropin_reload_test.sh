#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Policy drop-ins in a running agent (fanotify driver, this machine): they are read at start,
# SIGHUP reads them again, a broken drop-in is refused with its own file:line and the running
# policy (the old drop-ins' values included) is kept, a fixed one is applied.
# Everything lives in a private mount namespace on the test's own tmpfs mount.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-dropin-reload-XXXXXX)
mount -t tmpfs -o size=16m pdg-dropin-test "$d"
mkdir -p "$d/shares" "$d/state" "$d/policy.conf.d"
cleanup() {
	[ -n "${agent:-}" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out.txt" "$d/log/events.jsonl"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
echo "1..7"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $log
state = $d/state
[zone usb]
removable = no
CONF
# the drop-in adds the scan root: the agent must have read it to label the share's files
printf '[agent]\nscan = %s/shares\n' "$d" >"$d/policy.conf.d/10-scan.conf"
printf 'ФИО;ИИН\nИванов Иван;900101300007\nПетрова Анна;850520400003\n' >"$d/shares/staff.csv"

# `status` reads the agent's STATE/agent.run through a policy: a copy without drop-ins, as the
# real one may be broken on purpose
cp "$d/policy.conf" "$d/view.conf"
agent_mode() {
	"$pd" status --config "$d/view.conf" --json 2>/dev/null |
		grep -q "\"agent\":{\"running\":true,\"pid\":$agent,.*\"mode\":\"$1\""
}
setsid "$pd" run --config "$d/policy.conf" >"$d/out.txt" 2>&1 &
agent=$!
check "a drop-in's scan root is scanned at start" \
	wait_for bash -c "'$pd' label get '$d/shares/staff.csv' 2>/dev/null | grep -q ': pd '"
check "the agent runs in the policy's mode (audit)" wait_for agent_mode audit

# a broken drop-in that would also switch to enforce: none of it may be applied
printf '[agent]\nmode = enforce\nlog_keep = 0\n' >"$d/policy.conf.d/20-bad.conf"
kill -HUP "$agent"
check "a broken drop-in on SIGHUP is refused with its file:line" \
	wait_for grep -q "new policy refused, the running one is kept: $d/policy.conf.d/20-bad.conf:3: log_keep = 0" "$log"
check "the running policy is kept (still audit, nothing reloaded)" \
	bash -c "$(declare -f agent_mode); agent=$agent d='$d' pd='$pd'; agent_mode audit && ! grep -q 'policy reloaded' '$d/out.txt'"

printf '[agent]\nmode = enforce\n' >"$d/policy.conf.d/20-bad.conf"
kill -HUP "$agent"
check "the fixed drop-in on SIGHUP is applied (enforce)" wait_for grep -q "mode enforce" "$d/out.txt"
check "the running agent reports enforce" wait_for agent_mode enforce
kill -INT "$agent"
wait "$agent"
rc=$?
agent=
check "SIGINT stops it cleanly (exit 0)" test "$rc" -eq 0
exit 0
