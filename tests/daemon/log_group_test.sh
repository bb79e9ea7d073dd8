#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# [agent] log_group: the agent makes the event log's directory root:GROUP 0750 and its files
# 0640, so a member of the InfoSec group reads the log and nobody else does, and no member can
# write it; an unknown group is refused with its line; the change of hands is logged. Test
# users and a test group created and removed here; the log on the test's own tmpfs
# (rotation and a deleted live file keeping the mode: tests/log/eventlog_test.c).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
pdg_require_cmd setpriv useradd groupadd
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-loggroup-XXXXXX)
mount -t tmpfs -o size=16m,mode=0755 pdg-loggroup-test "$d"
mkdir -p "$d/shares" "$d/state"
grp=pdglg-sec
member=pdglg-in
outsider=pdglg-out
agent=
cleanup() {
	[ -n "$agent" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out.txt" "$d/err.txt"
	userdel "$member" 2>/dev/null; userdel "$outsider" 2>/dev/null
	groupdel "$member" 2>/dev/null; groupdel "$outsider" 2>/dev/null; groupdel "$grp" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
userdel "$member" 2>/dev/null; userdel "$outsider" 2>/dev/null
groupdel "$member" 2>/dev/null; groupdel "$outsider" 2>/dev/null; groupdel "$grp" 2>/dev/null
groupadd "$grp" || pdg_skip_all "cannot create a test group"
for u in "$member" "$outsider"; do
	groupadd "$u" && useradd -M -N -g "$u" -s /usr/sbin/nologin "$u" ||
		pdg_skip_all "cannot create a test user"
done
usermod -a -G "$grp" "$member" || pdg_skip_all "cannot add the test user to the group"
echo "1..13"
log=$d/log/events.jsonl
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
driver = fanotify
rules = $top/policies/rules.d
log = $log
log_group = $grp
state = $d/state
scan = $d/shares
CONF
printf 'ФИО;ИИН\nИванов Иван;900101300007\n' >"$d/shares/staff.csv"

# an unknown group: refused with the file and line, nothing written
sed 's/^log_group = .*/log_group = pdglg-nosuch/' "$d/policy.conf" >"$d/bad.conf"
"$pd" config check "$d/bad.conf" >/dev/null 2>"$d/err.txt"; rc=$?
check "an unknown group is refused, naming the line" bash -c \
	"[ $rc -ne 0 ] && grep -qx '$d/bad.conf:6: log_group = pdglg-nosuch: no such group (getent group pdglg-nosuch); name the group whose members may read the event log' '$d/err.txt'"
check "config dump shows log_group" bash -c "'$pd' config dump '$d/policy.conf' | grep -qx 'log_group = $grp'"

"$pd" run --once --config "$d/policy.conf" >"$d/out.txt" 2>&1
check "the agent ran" test -s "$log"
check "the log directory is root:$grp 0750" \
	test "$(stat -c '%U:%G %a' "$d/log")" = "root:$grp 750"
check "the log file is root:$grp 0640" \
	test "$(stat -c '%U:%G %a' "$log")" = "root:$grp 640"
check "a member of $grp reads the log" as "$member" grep -q '"op":"agent-start"' "$log"
check "a user outside $grp cannot" bash -c \
	"! setpriv --reuid=$outsider --regid=$outsider --init-groups -- cat '$log' >/dev/null 2>&1"
check "a member cannot write it" bash -c \
	"! setpriv --reuid=$member --regid=$member --init-groups -- sh -c 'echo x >>\"$log\"' 2>/dev/null && ! setpriv --reuid=$member --regid=$member --init-groups -- touch '$d/log/extra' 2>/dev/null"
check "the change of hands is logged" grep -q "\"op\":\"log-group\".*readable by group $grp" "$log"
# taken out of the policy: the next start gives the log back to root alone
sed -i '/^log_group = /d' "$d/policy.conf"
"$pd" run --once --config "$d/policy.conf" >>"$d/out.txt" 2>&1
check "log_group taken out: the next start makes the log root's alone again" bash -c \
	"[ \"\$(stat -c '%G %a' '$d/log')\" = 'root 700' ] && [ \"\$(stat -c '%a' '$log')\" = 600 ] && ! setpriv --reuid=$member --regid=$member --init-groups -- cat '$log' >/dev/null 2>&1 && grep -q '\"op\":\"log-group\".*readable by root only' '$log'"
# a reload that names the group again applies it at once, without a restart
setsid "$pd" run --config "$d/policy.conf" >>"$d/out.txt" 2>&1 &
agent=$!
wait_for grep -q '"op":"agent-start"' "$log"
wait_for test -e "$d/state/agent.run"
sed -i "s|^log = .*|&\nlog_group = $grp|" "$d/policy.conf"
kill -HUP "$agent"
check "a reload naming the group applies it to the running agent's log" wait_for bash -c \
	"[ \"\$(stat -c '%G %a' '$d/log')\" = '$grp 750' ] && [ \"\$(stat -c '%G %a' '$log')\" = '$grp 640' ] && [ \$(grep -c '\"op\":\"log-group\".*readable by group $grp' '$log') -eq 2 ]"
check "and a member reads what the agent writes next" bash -c \
	"setpriv --reuid=$member --regid=$member --init-groups -- grep -q '\"op\":\"policy-reload\"' '$log'"
kill -INT "$agent"; wait "$agent"; agent=
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
exit 0
