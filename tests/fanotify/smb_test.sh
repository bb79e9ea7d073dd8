#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A departmental Samba share under the fanotify driver (docs/file-servers.md): a real smbd on a
# private loopback port with a private configuration, a share on the test's own tmpfs, two
# users through smbclient, and `pdguard run` in enforce mode with an HR role. The HR user gets
# the PD file, the accounting user is refused, each event names the user and the client's
# address, and a bulk fetch of 600 PD files raises exactly one mass-export alert naming both.
# smbd is a [servers] program: a copy made through a session is labelled, a write of the same
# session after taint_seconds is not, and smbd's own state files never are.
# Everything lives in a private mount namespace; smbd, the agent and the users go at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (test users, fanotify, labels, smbd)"
pdg_require_cmd smbd smbclient smbpasswd unshare setsid
PDG_NS_TIMEOUT=600 pdg_private_ns "$0" "$@"
tap_version
port=44545
d=$(mktemp -d /tmp/pdg-smb-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o size=64m,mode=0755 pdg-smb "$d"
mkdir -p "$d/shares/hr/bulk" "$d/shares/hr/inbox" "$d/state" "$d/out" "$d/samba"
chmod 777 "$d/out" "$d/shares/hr/inbox"
users=(pdgs-hr pdgs-acc)
smbd_pid=
# stop_smbd: smbd and the children it forked per connection: its own process group (setsid)
stop_smbd() {
	[ -n "$smbd_pid" ] || return 0
	kill -TERM -- "-$smbd_pid" 2>/dev/null
	wait "$smbd_pid" 2>/dev/null
	smbd_pid=
}
cleanup() {
	stop_smbd
	[ -n "${agent:-}" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	[ -n "${PDG_SMB_KEEP:-}" ] && cp "$log" "$PDG_SMB_KEEP"
	diag "$d"/agent.out "$log" "$d"/samba/*/log/smbd.log "$d/out/bulk.txt"
	pdg_user_del "${users[@]}"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in "${users[@]}"; do
	pdg_user_add "$u" -d "$d" -s /bin/sh || pdg_skip_all "cannot create test users"
done
log=$d/log/events.jsonl
pdrow='ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n'
# shellcheck disable=SC2059
printf "$pdrow" >"$d/shares/hr/payroll.csv"
nbulk=600
for i in $(seq 1 $nbulk); do
	# shellcheck disable=SC2059
	printf "$pdrow" >"$d/shares/hr/bulk/staff$i.csv"
done
chmod -R a+rX "$d/shares"

# smbd_conf N: the configuration of smbd instance N, with its own state (passdb, locks, logs)
smbd_conf() {
	local s=$d/samba/$1
	mkdir -p "$s/"{lock,state,cache,private,run,log}
	cat >"$s/smb.conf" <<CONF
[global]
	workgroup = PDGTEST
	server role = standalone server
	smb ports = $port
	interfaces = 127.0.0.1
	bind interfaces only = yes
	disable netbios = yes
	server min protocol = SMB2
	passdb backend = tdbsam:$s/private/passdb.tdb
	private dir = $s/private
	lock directory = $s/lock
	state directory = $s/state
	cache directory = $s/cache
	pid directory = $s/run
	ncalrpc dir = $s/run/ncalrpc
	log file = $s/log/smbd.log
	log level = 1
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
	kernel oplocks = no
	map to guest = never
[hr]
	path = $d/shares/hr
	read only = no
	valid users = ${users[*]}
CONF
	for u in "${users[@]}"; do
		printf 'Pdg-%s-1\nPdg-%s-1\n' "$u" "$u" |
			smbpasswd -c "$s/smb.conf" -a -s "$u" >/dev/null 2>&1 || return 1
	done
}
smbd_conf 0 || pdg_skip_all "smbpasswd could not add the test users"
cat >"$d/client.conf" <<CONF
[global]
	client min protocol = SMB2
CONF
# smb USER COMMANDS: run smbclient COMMANDS on the share as USER
smb() {
	local u=$1
	shift
	timeout 300 smbclient -s "$d/client.conf" -p "$port" -U "$u%Pdg-$u-1" "//127.0.0.1/hr" -c "$*"
}
# smb_held USER COMMAND: the same, the connection held a second after COMMAND. The client's
# address is read after the answer, as the executable is: of an smbd child that already ended
# (a one-file get on an idle machine ends in milliseconds) neither is left to read.
smb_held() {
	local u=$1
	shift
	{ echo "$*"; sleep 1; } | timeout 300 smbclient -s "$d/client.conf" -p "$port" \
		-U "$u%Pdg-$u-1" "//127.0.0.1/hr"
}

cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
decision_timeout_ms = 5000
fail = closed
[servers]
exe = $(readlink -f "$(command -v smbd)")
taint_seconds = 3
[alerts]
mass_export_files = 50
mass_export_window = 3600
[role hr]
group = pdgs-hr
read = basic personnel financial
CONF

echo "1..12"
labelled() { test "$(grep '"op":"label"' "$log" 2>/dev/null | grep -c '"label":"pd"')" -ge $((nbulk + 1)); }
start_agent() {
	pdg_agent_start "$d/policy.conf" "$d/agent.out" && wait_for labelled
}
check "the agent runs on the fanotify driver with the share's $((nbulk + 1)) PD files labelled" \
	start_agent
smbd_up() { smb pdgs-hr 'ls payroll.csv' >/dev/null 2>&1; }
# start_smbd N: smbd instance N (its own state) in its own process group. One serves every
# phase: once a child served PD, smbd's own state files (tdb, log) must still open for root,
# and the next users must still log in.
start_smbd() {
	stop_smbd
	smbd_conf "$1" || return 1
	setsid smbd --foreground --no-process-group -s "$d/samba/$1/smb.conf" </dev/null \
		>"$d/samba/$1/log/stdout" 2>&1 &
	smbd_pid=$!
	wait_for smbd_up
}
check "smbd serves the share on 127.0.0.1:$port" start_smbd 1

# event OP DECISION USER: the event lines of USER's OP on payroll.csv with DECISION
events() {
	grep "\"op\":\"$1\"" "$log" | grep "\"decision\":\"$2\"" | grep "\"user\":\"$3\"" |
		grep '"path":"[^"]*/payroll.csv"'
}
hr_gets() {
	smb_held pdgs-hr "get payroll.csv $d/out/hr.csv" >/dev/null 2>&1 &&
		grep -q 900101300007 "$d/out/hr.csv"
}
check "the HR user fetches the payroll file" hr_gets
acc_refused() {
	smb_held pdgs-acc "get payroll.csv $d/out/acc.csv" >"$d/out/acc.txt" 2>&1
	grep -q NT_STATUS_ACCESS_DENIED "$d/out/acc.txt" && ! grep -qs 900101300007 "$d/out/acc.csv"
}
# the label is an xattr of the server's file: SMB does not carry it, so the client's copy has
# none (what the client then does with it is its own host's agent's business)
unlabelled() { ! python3 -c 'import os, sys; os.getxattr(sys.argv[1], "security.bpf.pdguard")' "$1" 2>/dev/null; }
copy_unlabelled() { ! unlabelled "$d/shares/hr/payroll.csv" && unlabelled "$d/out/hr.csv"; }
check "the server's file has the label, the HR user's copy none" copy_unlabelled
check "the accounting user is refused it (NT_STATUS_ACCESS_DENIED)" acc_refused
# the client's address and port: a TCP peer of smbd's child on 127.0.0.1
has_client() { events "$@" | grep -q '"client":"127.0.0.1","client_port":[1-9][0-9]*'; }
check "the HR user's read is logged as allowed, from client 127.0.0.1" \
	wait_for has_client open allow pdgs-hr
check "the accounting user's refusal is logged as denied, from client 127.0.0.1" \
	wait_for has_client open deny pdgs-acc

# derived NAME: inbox/NAME got a derived label (the labeller's event)
derived() {
	grep '"op":"label"' "$log" | grep '"label":"derived"' |
		grep -q "\"path\":\"$d/shares/hr/inbox/$1\""
}
# a copy the classifier cannot recognise (base64 of the payroll): only the taint of the smbd
# child that served the file, and wrote this one for the same client, makes it PD
session_copy() {
	smb pdgs-hr "get payroll.csv $d/out/p.csv" >/dev/null 2>&1 &&
		base64 "$d/out/p.csv" >"$d/out/p.b64" &&
		smb pdgs-hr "get payroll.csv $d/out/p2.csv; put $d/out/p.b64 inbox/copy.b64" \
			>/dev/null 2>&1 && wait_for derived copy.b64
}
check "a copy written through the session that served the PD file gets a derived label" \
	session_copy
echo 'meeting notes, nothing personal' >"$d/out/notes.txt"
# one session: the PD read, then 5 s later (taint_seconds is 3) a plain file written
later_write() {
	{ echo "get payroll.csv $d/out/p3.csv"; sleep 5; echo "put $d/out/notes.txt inbox/notes.txt"
	  sleep 1; } | timeout 300 smbclient -s "$d/client.conf" -p "$port" \
		-U "pdgs-hr%Pdg-pdgs-hr-1" "//127.0.0.1/hr" >/dev/null 2>&1 &&
		test -s "$d/shares/hr/inbox/notes.txt" && sleep 2 && ! derived notes.txt
}
check "a write of the same session taint_seconds (3) after its last PD read gets none" later_write

bulk() {
	local t0 t1 got
	t0=$(date +%s.%N)
	(cd "$d/out" && smb pdgs-hr 'prompt; cd bulk; mget *') >"$d/out/bulk.txt" 2>&1
	t1=$(date +%s.%N)
	got=$(find "$d/out" -name 'staff*.csv' | wc -l)
	echo "# bulk fetch: $got of $nbulk files in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	test "$got" -eq "$nbulk"
}
check "the HR user fetches all $nbulk files in one mget" bulk
alerts() { grep '"alert":"mass-export"' "$log"; }
one_alert() {
	local a
	# the logger writes a burst a moment after its answers: wait for the last file's event
	wait_for grep -q "bulk/staff.*\"client\":\"127.0.0.1\"" "$log" || return 1
	sleep 1
	a=$(alerts)
	echo "# $(grep -c '"path":"[^"]*/bulk/staff' "$log") bulk events; alerts: $(alerts | wc -l)"
	test "$(alerts | wc -l)" -eq 1 && grep -q '"user":"pdgs-hr"' <<<"$a" &&
		grep -q '"client":"127.0.0.1"' <<<"$a" && grep -q '"scope":"user+client"' <<<"$a" &&
		grep -q 'from 127.0.0.1' <<<"$a"
}
check "the bulk fetch raises exactly one mass-export alert, naming the user and the client" \
	one_alert
# smbd's children share smbd's process group: one child's taint must not reach the parent or
# the other children, whose own files (the log, mutex.tdb, locking.tdb) would get derived labels
# and be refused to root (a login then fails with NT_STATUS_ACCESS_DENIED)
no_derived_samba() {
	! grep '"op":"label"' "$log" | grep '"label":"derived"' | grep -q "$d/samba/"
}
check "smbd's own state files got no derived label" no_derived_samba
[ "$nfail" -eq 0 ]
