#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Roles scoped by place ([role NAME] place = FOLDER, docs/policy.md): on the fanotify driver, a
# branch's HR reads personnel files under its branch's folder, however deep, and is refused them
# in the other branch's; a category its unscoped role names is read everywhere as before. The
# other branch's HR is the mirror image. `config dump` and the access report show the scope.
# PDG_PLACE_DRIVER=bpf-lsm or fmod-ret runs the same on a BPF driver (tests/vmagent/
# place_test.sh, in the VM; the programs are detached at the end).
# Everything lives in a private mount namespace on the test's own tmpfs, with two test users.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
drv=${PDG_PLACE_DRIVER:-fanotify}
if [ "$drv" = bpf-lsm ]; then
	pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" pdg_bpf_lsm_here
	[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
elif [ "$drv" = fmod-ret ]; then
	pdg_require_root "needs root and BPF trampolines (make test runs this in the VM)" pdg_bpf_here
	[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
else
	pdg_require_root "needs root (fanotify permission events, a tmpfs mount, test users)"
fi
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(pdg_tmpfs_dir pdg-place 16m) || pdg_skip_all "cannot mount a tmpfs"
alm=$d/shares/almaty
ast=$d/shares/astana
mkdir -p "$alm/hr/2026/orders" "$ast/hr" "$d/state"
ua=pdgpl-alm
ub=pdgpl-ast
agent=
cleanup() {
	pdg_agent_stop
	[ "$drv" != fanotify ] &&
		"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out" "$d/log/events.jsonl"
	pdg_user_del "$ua" "$ub"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
pdg_user_add "$ua" && pdg_user_add "$ub" || pdg_skip_all "cannot create test users"
echo "1..12"
log=$d/log/events.jsonl
order() { printf 'ПРИКАЗ № %s-к о приеме на работу\nПринять %s, ИИН %s, на должность бухгалтера.\nОснование: трудовой договор, заявление работника.\n' "$@"; }
order 45 'Иванова Ивана Ивановича' 900101300007 >"$alm/hr/2026/orders/order-45.txt"
order 46 'Петрову Анну Сергеевну' 850520400003 >"$ast/hr/order-46.txt"
# basic only (name, IIN, phone): no personnel record
printf 'ФИО;ИИН;Телефон\nИванов Иван;900101300007;+77011234567\n' >"$ast/phones.csv"
chmod -R a+rX "$d/shares"
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = $drv
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[role staff]
group = $ua
group = $ub
read = basic
[role hr-almaty]
group = $ua
read = basic personnel
place = $alm
[role hr-astana]
group = $ub
read = basic personnel
place = $ast/
CONF
check "the agent runs on the $drv driver with the branches' files labelled" \
	eval 'pdg_agent_start "$d/policy.conf" "$d/agent.out" &&
	      wait_for pdg_labelled_pd "$alm/hr/2026/orders/order-45.txt" &&
	      wait_for pdg_labelled_pd "$ast/hr/order-46.txt" && wait_for pdg_labelled_pd "$ast/phones.csv"'
echo "# labels: $("$pd" label get "$alm/hr/2026/orders/order-45.txt" "$ast/hr/order-46.txt" "$ast/phones.csv" 2>&1 | tr '\n' ' ')"
as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
can_read() { as "$1" cat "$2" >/dev/null 2>&1; }
check "the personnel order is labelled personnel" \
	bash -c "'$pd' label get '$alm/hr/2026/orders/order-45.txt' | grep -q personnel"
check "Almaty's HR reads a personnel order three folders deep in its branch" \
	can_read "$ua" "$alm/hr/2026/orders/order-45.txt"
check "Almaty's HR is refused the personnel order in Astana's folder" \
	eval '! can_read "$ua" "$ast/hr/order-46.txt"'
check "Almaty's HR reads Astana's phone list: basic is its unscoped role's, as before" \
	can_read "$ua" "$ast/phones.csv"
check "Astana's HR reads its own branch's order (its place was written with a trailing /)" \
	can_read "$ub" "$ast/hr/order-46.txt"
check "Astana's HR is refused Almaty's order" \
	eval '! can_read "$ub" "$alm/hr/2026/orders/order-45.txt"'
check "the refusal is a role denial that says scoped roles read under their folders only" \
	wait_for grep -q "\"decision\":\"deny\".*\"reason\":\"[^\"]*personnel[^\"]*roles with place = read only under their folders\".*order-46.txt\|order-46.txt.*\"decision\":\"deny\".*roles with place = read only under their folders" "$log"
check "the allowed read of the branch's own order is logged as a PD read" \
	wait_for grep -q "\"decision\":\"allow\".*order-45.txt\|order-45.txt.*\"decision\":\"allow\"" "$log"
check "config dump shows each role's place" \
	bash -c "'$pd' config dump '$d/policy.conf' | grep -qx 'place = $ast' &&
		 '$pd' config dump '$d/policy.conf' | grep -qx 'place = $alm'"
"$pd" report access --config "$d/policy.conf" --format json --output "$d/access.json" >"$d/report.out" 2>&1
field() {	# SECTION KEY VALUE FIELD...: the FIELDs of the row whose KEY is VALUE, joined by |
	python3 -c 'import json,sys
rows = json.load(open(sys.argv[1]))["sections"][sys.argv[2]]["rows"]
print("\n".join("|".join(r[f] for f in sys.argv[5:]) for r in rows if r[sys.argv[3]] == sys.argv[4]))' \
		"$d/access.json" "$@" 2>/dev/null
}
check "the access report lists the roles' places" \
	test "$(field roles role hr-almaty places)" = "$alm"
check "...and per user what is read where: basic everywhere, personnel under its branch" \
	test "$(field users user "$ua" read read_by_place)" = "basic|basic personnel under $alm"
[ "$nfail" -eq 0 ]
