#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Exit-point applications on the fanotify driver ([exit-points], docs/governance.md): a program
# listed there (here a copy of tac standing for a messenger) may open a PD file only under a
# grant of the user's, whatever the user's roles; a byte copy of it elsewhere is the same
# program (matched by content); the user's other programs are not affected; a grant lets it
# through. (Packages resolved to executables: tests/policy/exitpoints_test.)
# Everything lives in a private mount namespace on the test's own tmpfs, with a test user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (fanotify permission events, a tmpfs mount, a test user)"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
pdg_fan_setup pdg-exit pdgex-hr
mkdir -p "$d/shares" "$d/state" "$d/bin" "$d/home"
chmod 1777 "$d/home"
echo "1..9"
log=$d/log/events.jsonl
app=$d/bin/messenger
cp "$(readlink -f "$(command -v tac)")" "$app"
chmod 755 "$app"
printf 'ФИО;ИИН;Оклад\nИванов Иван Иванович;900101300007;450000\n' >"$d/shares/pd.csv"
printf 'Meeting notes, nothing personal.\n' >"$d/shares/notes.txt"
chmod 644 "$d/shares/"*
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[exit-points]
exe = $app
[role hr]
group = $u
read = all
CONF
check "the agent runs on the fanotify driver with the PD file labelled" \
	eval 'pdg_agent_start "$d/policy.conf" "$d/agent.out" && wait_for pdg_labelled_pd "$d/shares/pd.csv"'

check "it names the exit-point program among those it knows" \
	grep -q "exit-point programs (1 of" "$d/agent.out"

as() { setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
refused() { ! as "$@" >/dev/null 2>"$d/err" && grep -q "Operation not permitted" "$d/err"; }
check "HR's role reads the PD file with cat" as cat "$d/shares/pd.csv"
logged() { grep '"decision":"deny"' "$log" | grep -q "exit-point application $app may open PD"; }
check "the exit-point program is refused it (EPERM), and the event says why" \
	eval 'refused "$app" "$d/shares/pd.csv" && wait_for logged'
check "...but opens a file without PD" as "$app" "$d/shares/notes.txt"
cp "$app" "$d/home/renamed"
chmod 755 "$d/home/renamed"
check "a byte copy of it under another name is refused too" refused "$d/home/renamed" "$d/shares/pd.csv"
# run through the dynamic loader, /proc/PID/exe is the loader: the program is what it mapped
ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2)
via_loader() {
	refused "$ldso" "$app" "$d/shares/pd.csv" && refused "$ldso" "$d/home/renamed" "$d/shares/pd.csv" &&
		as "$ldso" "$(command -v cat)" "$d/shares/pd.csv" >/dev/null
}
check "started through the dynamic loader, it and its copy are refused (cat so started is not)" \
	via_loader
granted() {
	gid=$("$pd" grant add --config "$d/policy.conf" "$u" all --until +1h \
		--approver "InfoSec test" --reason "send the payroll to the bank" |
		sed -n 's/^grant \([0-9][0-9]*\):.*/\1/p') && [ -n "$gid" ] &&
		wait_for as "$app" "$d/shares/pd.csv"
}
check "under a grant of the user's for the file's categories it opens it" granted
# a reload resolves the programs again (unchanged ones keep their hash): the copy is still known
reloaded() {
	"$pd" grant revoke --config "$d/policy.conf" "${gid:-none}" >/dev/null ||
		{ echo "# grant revoke ${gid:-none} failed"; return 1; }
	kill -HUP "$agent" && wait_for grep -q "policy reloaded" "$log" ||
		{ echo "# no reload in the log"; return 1; }
	wait_for refused "$d/home/renamed" "$d/shares/pd.csv"
}
check "after the grant is revoked and the policy reloaded, the copy is refused again" reloaded

[ "$nfail" -eq 0 ]
