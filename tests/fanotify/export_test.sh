#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Approved export on the fanotify driver: `pdguard grant add --export`, a role's `export =`
# and [service] accounts, in enforce mode. Without a grant a copy of PD to the "stick" is
# refused; with one it goes through and the event names the grant and its approvers; it stops
# when the grant expires; a grant for another zone kind, another user, or without the second
# approver the policy asks for does not help; a service account with taint = no carries nothing.
# Everything lives in a private mount namespace on the test's own tmpfs mounts; its users are
# removed at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (test users, fanotify, labels)"
pdg_require_cmd unshare setpriv
PDG_NS_TIMEOUT=600 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-export-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o size=32m,mode=0755 pdg-export "$d"
mkdir -p "$d/shares/acc" "$d/usb" "$d/state" "$d/out"
mount -t tmpfs -o size=16m,mode=0777 pdg-export-usb "$d/usb"
mkdir -p "$d/usb/bank" "$d/usb/backup"
chmod 777 "$d/usb/bank" "$d/usb/backup" "$d/out"
users=(pdgx-a pdgx-b pdgx-t pdgx-bk pdgx-av)
cleanup() {
	[ -n "${agent:-}" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d"/agent*.out "${log:-}"
	pdg_user_del "${users[@]}"
	groupdel pdgx-acc 2>/dev/null
	umount "$d/usb" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
groupdel pdgx-acc 2>/dev/null
groupadd pdgx-acc || pdg_skip_all "cannot create test groups"
for u in "${users[@]}"; do
	pdg_user_add "$u" -G pdgx-acc -d "$d" -s /bin/sh || {
		pdg_skip_all "cannot create test users"; }
done
log=$d/log/events.jsonl
f=$d/shares/acc/payroll.csv
g=$d/shares/acc/other.csv
printf 'ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n' >"$f"
printf 'ФИО;ИИН\nСеитова Айгуль;850520400003\nАхметов Ерлан;900101300007\n' >"$g"
chmod 644 "$f" "$g"
# a folder the users may write to, for a grant by folder
mkdir -p "$d/shares/bank"
chmod 1777 "$d/shares/bank"
bank=$d/shares/bank/bank.csv
printf 'ФИО;ИИН;Сумма\nИванов Иван;900101300007;450000\n' >"$bank"
chmod 666 "$bank"
policy() {
	cat <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
decision_timeout_ms = 5000
fail = closed
export_approvers = $1
[zone usb]
removable = no
path = $d/usb
[role accounting]
group = pdgx-acc
read = all
[role treasury]
user = pdgx-t
read = all
export = all
[service backup]
user = pdgx-bk
read = all
export = usb:$d/usb/backup
[service antivirus]
user = pdgx-av
read = all
taint = no
CONF
}
policy 2 >"$d/policy.conf"
# the same state and log, a policy that asks for one approver: how a grant without a second
# one gets written while the agent runs with two
policy 1 >"$d/policy1.conf"

as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
on_stick() { grep -rqs 900101300007 "$d/usb/$1"; }
events() { grep "\"decision\":\"$1\"" "$log" 2>/dev/null | grep -c "$2" || true; }
# copied NAME USER DEST: USER's cp of the PD file to DEST worked, and one more allow event names
# the zone file (NAME is a fresh file name on the stick)
copied() {
	local before
	before=$(events allow "\"path\":\"$d/usb/$2\"")
	as "$1" cp "$f" "$d/usb/$2" 2>/dev/null && on_stick "$2" &&
		wait_for test "$(events allow "\"path\":\"$d/usb/$2\"")" -gt "$before"
}
# refused USER DEST: the cp fails, no PD lands at DEST, and a deny event names it
refused() {
	local before
	before=$(events deny "\"path\":\"$d/usb/$2\"")
	! as "$1" cp "$f" "$d/usb/$2" 2>/dev/null &&
		wait_for test "$(events deny "\"path\":\"$d/usb/$2\"")" -gt "$before" &&
		! on_stick "$2"
}
grant() { "$pd" grant add --config "$d/policy.conf" --export "$@"; }
# last_allow DEST: the allow event for DEST
last_allow() { grep '"decision":"allow"' "$log" | grep "\"path\":\"$d/usb/$1\"" | tail -1; }
start_agent() {
	pdg_agent_start "$d/policy.conf" "$d/agent.out" && wait_for pdg_labelled_pd "$f" &&
		wait_for pdg_labelled_pd "$g"
}

echo "1..28"
check "the agent runs on the fanotify driver with the PD files labelled" start_agent
check "without a grant, a copy to the stick is refused" refused pdgx-a a0.csv

# the CLI: the policy asks for two approvers. (A path grant covers files changed before its own
# second; the labels were written at the agent's start, possibly within this one.)
sleep 1
out=$(grant --user pdgx-a --path "$f" --zone usb --until +25s --approver 'A. Seitkali' \
	--reason 'bank, ticket 1' 2>&1)
rc=$?
check "export_approvers = 2: a grant without --approver2 is refused (64)" \
	bash -c "[ $rc -eq 64 ] && grep -q 'approver2 is missing' <<<'$out'"
id=$(grant --user pdgx-a --path "$f" --zone usb --until +25s --approver 'A. Seitkali' \
	--approver2 'B. Nurlanova' --reason 'bank, ticket 1' | sed -n 's/^grant \([0-9]*\):.*/\1/p')
check "grant add --export --path gives a grant ID" test -n "$id"
check "grant list shows it among the export grants" \
	bash -c "'$pd' grant list --config '$d/policy.conf' | sed -n '/^EXPORT GRANTS/,\$p' |
		grep -q '^$id .*pdgx-a .*$f .*usb .*A. Seitkali, B. Nurlanova'"
check "with the export grant, the user's copy to the stick goes through" copied pdgx-a a1.csv
check "the allow event names the grant and both approvers" \
	bash -c "last_allow() { grep '\"decision\":\"allow\"' '$log' | grep '\"path\":\"$d/usb/a1.csv\"' | tail -1; }
		last_allow | grep -q '\"export_by\":\"grant\",\"grant\":$id,\"approver\":\"A. Seitkali\",\"approver2\":\"B. Nurlanova\"'"
check "the grant does not help user B" refused pdgx-b b1.csv
check "a grant by --path does not let another PD file out" \
	bash -c "! setsid -w setpriv --reuid=pdgx-a --regid=pdgx-a --init-groups -- cp '$g' '$d/usb/g1.csv' 2>/dev/null && ! grep -rqs 850520400003 '$d/usb/g1.csv'"
check "nor PD read from another file before, in the same process" \
	bash -c "! setsid -w setpriv --reuid=pdgx-a --regid=pdgx-a --init-groups -- sh -c 'read x <\"$g\"; cat \"$f\" >/dev/null; echo \"\$x\" >\"$d/usb/g2.csv\"' 2>/dev/null; ! grep -rqs 'Сеитова' '$d/usb/g2.csv'"
# a zone file opened before the reads (the open carries nothing): judged at its close
as pdgx-a sh -c "exec 3>'$d/usb/one.csv'; { read -r a; read -r a; } <'$f'; echo \"\$a\" >&3" \
	2>/dev/null
check "opened first, then the granted file read and written: kept, the write is the allow event" \
	wait_for bash -c "grep '\"path\":\"$d/usb/one.csv\"' '$log' | grep '\"op\":\"write\"' |
		grep -q '\"decision\":\"allow\".*\"grant\":$id' && grep -qs 900101300007 '$d/usb/one.csv'"
as pdgx-a sh -c "exec 3>'$d/usb/mix.csv'; { read -r a; read -r a; } <'$f'; read -r b <'$g';
	read -r b <'$g'; echo \"\$a \$b\" >&3" 2>/dev/null
check "...and with another PD file read too: undone after the fact" \
	wait_for bash -c "! grep -qs 900101300007 '$d/usb/mix.csv' &&
		grep '\"path\":\"$d/usb/mix.csv\"' '$log' | grep -q '\"decision\":\"deny\"'"

# a grant by folder covers its files as they were when it was given
wait_for bash -c "'$pd' label get '$bank' | grep -q ': pd '"
grant --user pdgx-a --path "$d/shares/bank" --zone usb --until +10m --approver X --approver2 Y \
	--reason 'bank folder' >/dev/null
check "a grant by folder lets a file in it out" \
	bash -c "setsid -w setpriv --reuid=pdgx-a --regid=pdgx-a --init-groups -- cp '$bank' '$d/usb/fold0.csv' && grep -qs 900101300007 '$d/usb/fold0.csv'"
as pdgx-a cp "$g" "$d/shares/bank/new.csv" 2>/dev/null
check "...not a PD file copied into the folder after the grant" \
	bash -c "! setsid -w setpriv --reuid=pdgx-a --regid=pdgx-a --init-groups -- cp '$d/shares/bank/new.csv' '$d/usb/fold1.csv' 2>/dev/null && ! grep -qs 850520400003 '$d/usb/fold1.csv'"
as pdgx-a sh -c "cat '$g' >>'$bank'" 2>/dev/null
check "...nor the file once other PD was appended to it" \
	bash -c "! setsid -w setpriv --reuid=pdgx-a --regid=pdgx-a --init-groups -- cp '$bank' '$d/usb/fold2.csv' 2>/dev/null && ! grep -qs 'Сеитова' '$d/usb/fold2.csv'"

# B: a grant for the cloud zone kind does not open the stick
grant --user pdgx-b --category all --zone cloud --until +10m --approver X --approver2 Y \
	--reason 'cloud only' >/dev/null
check "a grant for another zone kind does not help" refused pdgx-b b2.csv
# B: a grant by category for one folder of the stick
bid=$(grant --user pdgx-b --category all --zone "usb:$d/usb/bank" --until +10m --approver X \
	--approver2 Y --reason 'bank folder' | sed -n 's/^grant \([0-9]*\):.*/\1/p')
check "a grant for usb:FOLDER lets the copy into that folder" copied pdgx-b bank/b3.csv
check "...naming that grant" bash -c "grep '\"path\":\"$d/usb/bank/b3.csv\"' '$log' | grep -q '\"grant\":$bid'"
check "...and not elsewhere on the stick" refused pdgx-b b4.csv
# a grant written under a one-approver policy does not count where the policy asks for two
"$pd" grant add --config "$d/policy1.conf" --export --user pdgx-b --category all --zone usb \
	--until +10m --approver X --reason 'one approver' >/dev/null
check "a grant with one approver does not count under export_approvers = 2" refused pdgx-b b5.csv

# a role's export = and the service accounts
check "role export = lets its member copy to the stick (event: export_by role)" \
	bash -c "$(declare -f as on_stick events copied wait_for); d='$d' f='$f' log='$log'
		copied pdgx-t t1.csv && grep '\"path\":\"$d/usb/t1.csv\"' '$log' | grep -q '\"export_by\":\"role\"'"
check "service backup writes into its folder of the stick (event names the service)" \
	bash -c "$(declare -f as on_stick events copied wait_for); d='$d' f='$f' log='$log'
		copied pdgx-bk backup/k1.csv && grep '\"path\":\"$d/usb/backup/k1.csv\"' '$log' | grep -q '\"service\":\"backup\"'"
check "...and nowhere else on the stick" refused pdgx-bk k2.csv
# antivirus: reads are logged with the service, and carry nothing (its output gets no label)
as pdgx-av sh -c "cat '$f' >'$d/out/av.txt'"
check "service antivirus (taint = no): its read is an allow event naming the service" \
	wait_for bash -c "grep '\"decision\":\"allow\"' '$log' | grep '\"path\":\"$f\"' | grep -q '\"service\":\"antivirus\"'"
as pdgx-a sh -c "cat '$f' >'$d/out/a.txt'"
check "control: what an ordinary user writes after the read gets a derived label" \
	wait_for bash -c "'$pd' label get '$d/out/a.txt' | grep -q ': derived'"
check "...what the antivirus account writes after the read does not" \
	bash -c "'$pd' label get '$d/out/av.txt' >'$d/av.label' 2>&1; grep -q 'av.txt' '$d/av.label' && ! grep -q ': derived' '$d/av.label'"

# expiry: grant $id was for 25 s
sleep_until=$(( $(date +%s) + 1 ))
while [ "$("$pd" grant list --config "$d/policy.conf" | grep -c "^$id .*active")" -gt 0 ]; do
	[ "$(date +%s)" -gt $((sleep_until + 60)) ] && break
	sleep 1
done
check "after the grant expires, the copy is refused again" refused pdgx-a a2.csv
check "what was let out stays on the stick (nothing undone after the fact)" \
	bash -c "for x in a1.csv bank/b3.csv t1.csv backup/k1.csv; do
		grep -qs 900101300007 '$d/usb/'\$x || exit 1
		! grep '\"path\":\"$d/usb/'\$x'\"' '$log' | grep -q 'wrote a file' || exit 1
	done"
