#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# [agent] fail = closed past kill -9 of the agent (the fanotify driver's keeper, docs/fanotify.md
# "After kill -9"): with the agent killed, a PD read by a user without the role and a copy onto
# the USB zone are refused while the keeper lives; a new agent takes over and stops it; a clean
# stop leaves no keeper. With fail = open, kill -9 lets everything through (the kernel answers
# allow when the group closes). First, the kernel behaviour the keeper relies on
# (keeper_helper). Everything lives in a private mount namespace on the test's own tmpfs mounts;
# its users are removed and every keeper it saw is killed at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
helper=$top/build/tests/fanotify/keeper_helper
pdg_require_root "needs root (test users, fanotify, labels)"
pdg_require_cmd unshare setpriv
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-keeper-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o size=16m,mode=0755 pdg-keeper "$d"
mkdir -p "$d/shares/hr" "$d/usb" "$d/state" "$d/probe"
mount -t tmpfs -o size=4m,mode=0777 pdg-keeper-usb "$d/usb"
mount -t tmpfs -o size=1m,mode=0755 pdg-keeper-probe "$d/probe"
users=(pdgk-hr pdgk-it)
keepers=()
cleanup() {
	local k
	[ -n "${agent:-}" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	# every keeper this test saw, by its pid, whatever state it was left in
	for k in "${keepers[@]}"; do
		[ "$(cat "/proc/$k/comm" 2>/dev/null)" = pdguard-keeper ] && kill -KILL "$k"
	done
	diag "$d"/agent*.out "${log:-}"
	pdg_user_del "${users[@]}"
	umount "$d/usb" "$d/probe" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
for u in "${users[@]}"; do
	pdg_user_add "$u" -d "$d" -s /bin/sh || {
		pdg_skip_all "cannot create test users"; }
done
log=$d/log/events.jsonl
f=$d/shares/hr/staff.csv
printf 'ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n' >"$f"
chmod 644 "$f"
echo 'no PD here' >"$d/plain.txt"
chmod 644 "$d/plain.txt"
policy() {
	cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
decision_timeout_ms = 2000
fail = $1
[zone usb]
removable = no
path = $d/usb
[role hr]
group = pdgk-hr
read = basic personnel financial
CONF
}

# every command under a timeout: a request nobody answers must fail the test, not hang it
as() { local u=$1; shift; timeout 20 setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
# eperm OUT COMMAND...: the command fails with "Operation not permitted"
eperm() { local out=$1; shift; ! "$@" >"$out" 2>&1 && grep -q 'Operation not permitted' "$out"; }
no_pd_on_stick() { ! grep -rqs 900101300007 "$d/usb"; }
keeper_pid() { cut -d' ' -f1 "$d/state/fanotify.keeper" 2>/dev/null; }
is_keeper() { [ -n "$1" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = pdguard-keeper ]; }
gone() { ! is_keeper "$1"; }
starts=0
start_agent() {
	starts=$((starts + 1))
	pdg_agent_start "$d/policy.conf" "$d/agent$starts.out" && wait_for pdg_labelled_pd "$f"
}
kill9() { kill -KILL "$agent" && wait "$agent" 2>/dev/null; agent=; true; }

echo "1..22"
# the kernel: a request read and not answered by a process that died stays pending while the
# group lives, and is answered by its descriptor number; closing the group allows it
echo x >"$d/probe/f"
timeout 30 "$helper" "$d/probe/f" deny >"$d/probe-deny.out" 2>&1
sed 's/^/# /' "$d/probe-deny.out"
check "kernel: a dead reader's request waits, a wrong number is ENOENT, its number answers it" \
	bash -c "grep -q 'still waiting: yes' '$d/probe-deny.out' &&
		grep -q 'no such request): No such file or directory' '$d/probe-deny.out' &&
		grep -q 'opener: Operation not permitted' '$d/probe-deny.out'"
timeout 30 "$helper" "$d/probe/f" close >"$d/probe-close.out" 2>&1
sed 's/^/# /' "$d/probe-close.out"
check "kernel: the group's last close allows it" grep -q 'opener: opened' "$d/probe-close.out"

policy closed
check "fail = closed: the agent runs on the fanotify driver with the PD file labelled" start_agent
k1=$(keeper_pid)
keepers+=("${k1:-}")
check "it has a keeper, named in the state directory" is_keeper "$k1"
check "while the agent lives, HR reads the file" as pdgk-hr cp "$f" /dev/null
# kill -9 in the middle of a flood of zone opens by a process that read PD: requests the agent
# had read and not answered are answered by the keeper too (a request left pending would hang
# its thread: the flood must end, under its timeout, with none opened)
# (its own timeout: the keeper's sweep of a full table took up to 11 s on a loaded machine)
timeout 120 setsid -w setpriv --reuid=pdgk-hr --regid=pdgk-hr --init-groups -- \
	"$top/build/tests/fanotify/flood_helper" "$f" "$d/usb" 2500 >"$d/flood.out" 2>&1 &
flood=$!
# the agent is refusing them: it has some read and not yet answered
wait_for grep -q '"decision":"deny".*usb/flood-' "$log"
kill9
timeout 150 tail --pid="$flood" -f /dev/null
opened=$(cat "$d/flood.out")
check "after kill -9 the keeper stays" is_keeper "$k1"
check "kill -9 during 2,500 zone opens of a PD reader: every one answered, none opened" \
	test "$opened" = 0
check "a user without the role is refused the PD file (EPERM)" \
	eperm "$d/it.out" as pdgk-it cat "$f"
check "HR's copy of it onto the stick is refused (EPERM), nothing lands" \
	bash -c "$(declare -f eperm no_pd_on_stick as); d='$d'; \
		eperm '$d/cp.out' as pdgk-hr cp '$f' '$d/usb/' && no_pd_on_stick"
check "any file copied onto the stick is refused (EPERM)" \
	eperm "$d/cp2.out" as pdgk-hr cp "$d/plain.txt" "$d/usb/plain.txt"
check "the keeper said so on the agent's stderr (the journal)" \
	grep -q 'keeper (pid [0-9]*): the agent ended without a clean stop' "$d/agent$starts.out"
grep 'pdguard keeper' "$d/agent$starts.out" | sed 's/^/# /'
check "a new agent starts and takes over" start_agent
check "the old keeper is gone" wait_for gone "$k1"
k2=$(keeper_pid)
keepers+=("${k2:-}")
check "the new agent has its own keeper" bash -c "$(declare -f is_keeper); is_keeper '$k2' &&
	[ '$k2' != '$k1' ]"
check "the new agent logged what the old keeper refused" \
	grep -q '"op":"keeper".*keeper (pid '"$k1"') .* refused [1-9][0-9]* opens' "$log"
grep '"op":"keeper"' "$log" | sed 's/.*"reason":"\([^"]*\)".*/# event: \1/'
check "its event validates against docs/events.schema.json" \
	bash -c "grep '\"op\":\"keeper\"' '$log' >'$d/keeper.jsonl' &&
		/usr/bin/python3 '$top/tests/log/validate_events.py' '$top/docs/events.schema.json' \
		'$d/keeper.jsonl'"
check "HR reads the file again" as pdgk-hr cp "$f" /dev/null
kill -TERM "$agent"
wait "$agent"
agent=
check "a clean stop leaves no keeper and no pid file" \
	bash -c "$(declare -f is_keeper gone); wait_for() { local i; for i in \$(seq 1 100); do
		\"\$@\" && return 0; sleep 0.1; done; return 1; }; wait_for gone '$k2' &&
		[ ! -e '$d/state/fanotify.keeper' ]"

# fail = open: no keeper, and kill -9 leaves the kernel to allow everything
policy open
check "fail = open: the agent starts" start_agent
check "fail = open: no keeper" test ! -e "$d/state/fanotify.keeper"
kill9
check "after kill -9, the kernel lets a user without the role read the PD file" \
	as pdgk-it cp "$f" /dev/null
check "and a copy of it onto the stick" as pdgk-hr cp "$f" "$d/usb/open-copy"
exit $((nfail > 0))
