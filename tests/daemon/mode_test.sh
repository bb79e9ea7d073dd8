#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One mode on this machine (the fanotify driver): `pdguard mode` shows the policy and the running
# agent, changes the mode through the policy and waits for the agent, the change is logged with
# who made it and decides at once (audit lets a refused read through), `pdguard status` shows
# the agent, and a stopped agent leaves no agent.run. Private mount namespace, own tmpfs, a test
# user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-mode-XXXXXX)
mount -t tmpfs -o size=32m,mode=0755 pdg-mode-test "$d"
mkdir -p "$d/shares" "$d/state"
u=pdgmd-it
agent=
cleanup() {
	[ -n "$agent" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out.txt" "$d/mode.out"
	userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null
groupadd "$u" && useradd -M -N -g "$u" -s /usr/sbin/nologin "$u" || pdg_skip_all "cannot create a test user"
echo "1..13"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
; the test's policy
[agent]
mode = enforce          ; refused reads are refused
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[role it]
group = $u
read = none
CONF
printf 'ФИО;ИИН;Должность\nИванов Иван;900101300007;бухгалтер\nПетрова Анна;850520400003;кадровик\n' >"$d/shares/staff.csv"
chmod 644 "$d/shares/staff.csv"
as() { setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
m() { "$pd" mode --config "$d/policy.conf" "$@"; }

check "without an agent: the policy's mode, nothing running" bash -c \
	"m() { '$pd' mode --config '$d/policy.conf' \"\$@\"; }; [ \"\$(m | head -n1)\" = enforce ] && m --json | grep -q '\"agent\":{\"running\":false}'"
setsid "$pd" run --config "$d/policy.conf" >"$d/out.txt" 2>&1 &
agent=$!
wait_for grep -q "fanotify *in use" "$d/out.txt"
wait_for bash -c "'$pd' label get '$d/shares/staff.csv' | grep -q 'pd '"
check "the agent runs and agrees with the policy" wait_for bash -c \
	"'$pd' mode --config '$d/policy.conf' --json | grep -q '\"mode\":\"enforce\",\"agree\":true.*\"agent\":{\"running\":true,\"pid\":$agent,\"driver\":\"fanotify\",\"mode\":\"enforce\"'"
check "enforce: the IT user is refused the PD file" bash -c \
	"! setsid -w setpriv --reuid=$u --regid=$u --init-groups -- cat '$d/shares/staff.csv' 2>/dev/null"
check "pdguard mode audit returns once the agent applied it" bash -c \
	"'$pd' mode audit --config '$d/policy.conf' >'$d/mode.out' 2>&1 && head -n1 '$d/mode.out' | grep -qx audit && grep -q 'agent   pid $agent, driver fanotify: audit' '$d/mode.out'"
check "the policy's mode line changed, its comments did not" bash -c \
	"grep -q '^mode = audit          ; refused reads are refused' '$d/policy.conf' && grep -q '^; the test.s policy' '$d/policy.conf'"
check "audit: the same read is let through" as bash -c "cat '$d/shares/staff.csv' >/dev/null"
check "and logged would-deny" wait_for grep -q '"decision":"would-deny"' "$log"
check "the change is logged once, with who made it" bash -c \
	"[ \$(grep -c '\"op\":\"mode-change\"' '$log') -eq 1 ] && grep '\"op\":\"mode-change\"' '$log' | grep '\"user\":\"root\"' | grep '\"exe\":\"$pd\"' | grep -q '\"old_mode\":\"enforce\",\"new_mode\":\"audit\"'"
check "pdguard status --json has the agent" bash -c \
	"'$pd' status --config '$d/policy.conf' --json | grep -q '\"agent\":{\"running\":true,\"pid\":$agent,.*\"driver\":\"fanotify\",\"mode\":\"audit\"'"
check "a broken mode is refused and the policy kept" bash -c \
	"! '$pd' mode sometimes --config '$d/policy.conf' 2>/dev/null && grep -q '^mode = audit' '$d/policy.conf'"
check "nobody may change the mode" bash -c \
	"out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups -- '$pd' mode enforce --config '$d/policy.conf' 2>&1); [ \$? -eq 2 ] && grep -q 'permission denied' <<<\"\$out\""
kill -INT "$agent"
wait "$agent"
agent=
check "a stopped agent leaves no agent.run" test ! -e "$d/state/agent.run"
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
exit 0
