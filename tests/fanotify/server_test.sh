#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The [servers] rule without Samba (docs/file-servers.md): a program listed as a file server,
# here a copy of cp on the test's tmpfs, run by root, keeps its taint to itself (its process
# group does not share it) and gets no derived label for what it writes outside the scan roots.
# The same program run by an ordinary user is an ordinary process: its copy is labelled. The
# control runs the plain cp, which is no server, the same way. Samba itself, and the taint
# window, are tests/fanotify/smb_test.sh's.
# Everything lives in a private mount namespace on the test's own tmpfs, with a test user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (fanotify permission events, a tmpfs mount, a test user)"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
pdg_fan_setup pdg-server pdgsv-hr
mkdir -p "$d/shares" "$d/out" "$d/state" "$d/bin"
chmod 1777 "$d/out"
echo "1..6"
log=$d/log/events.jsonl
srv=$d/bin/srvcp
cp "$(readlink -f "$(command -v cp)")" "$srv"
chmod 755 "$srv"
printf 'ФИО;ИИН;Оклад\nИванов Иван Иванович;900101300007;450000\n' >"$d/shares/pd.csv"
chmod 644 "$d/shares/pd.csv"
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[servers]
exe = $srv
taint_seconds = 60
[role hr]
group = $u
user = root
read = all
CONF
check "the agent runs on the fanotify driver with the PD file labelled" \
	eval 'pdg_agent_start "$d/policy.conf" "$d/agent.out" && wait_for pdg_labelled_pd "$d/shares/pd.csv"'


derived() { "$pd" label get "$1" 2>/dev/null | grep -q derived; }
unlabelled() { test -s "$1" && ! "$pd" label get "$1" 2>/dev/null | grep -qE ' (pd|derived) '; }
# copy_then_write PROGRAM TAG: in a process group of its own, PROGRAM copies the PD file out of
# the scan roots, then the group's leader (bash, which read nothing) writes a note
copy_then_write() {
	setsid -w bash -c "'$1' '$d/shares/pd.csv' '$d/out/$2-copy.csv' && sleep 0.3 &&
		echo 'a note' >'$d/out/$2-note.txt' && sleep 0.3"
}
copy_then_write "$srv" server
copy_then_write "$(command -v cp)" plain
check "control: plain cp's copy outside the scan roots gets a derived label" \
	wait_for derived "$d/out/plain-copy.csv"
check "control: so does what its process group's leader writes next" \
	wait_for derived "$d/out/plain-note.txt"
# the labeller works in order: the server's files were closed before the control's
check "a server program run by root: its copy outside the scan roots gets no label" \
	unlabelled "$d/out/server-copy.csv"
check "...and its process group's leader does not share its taint" \
	unlabelled "$d/out/server-note.txt"
as_user() { setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
user_copy() { as_user "$srv" "$d/shares/pd.csv" "$d/out/user-copy.csv" && wait_for derived "$d/out/user-copy.csv"; }
check "the same program run by an ordinary user is no server: its copy is labelled derived" \
	user_copy
[ "$nfail" -eq 0 ]
