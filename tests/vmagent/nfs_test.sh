#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A departmental NFS export under the kernel's own NFS server (docs/file-servers.md, "NFS"), in
# the VM: nfsd with a private export of the test's tmpfs (fsid=0, to 127.0.0.1 only), mounted
# over loopback with NFSv4.2 and sec=sys in a private directory, two test users, and `pdguard
# run` in enforce mode with an HR role for user A and none for user B, a USB zone on the server.
# BPF LSM driver: nfsd opens and reads with the client's credentials, so A gets the PD file, B
# is refused (EACCES on the client) and each event names the user, comm nfsd; a copy from the
# mount to the stick is a read on the server; a bulk fetch raises one mass-export alert.
# fanotify driver: the event's process is the nfsd thread, whose /proc credentials are root's;
# the driver takes the user as unknown and refuses PD to everyone through NFS.
# Delegations are turned off (fs.leases-enable = 0) and the client's caches dropped before each
# read, so every read reaches the server: what a client serves from its own cache the server
# never sees (measured below, printed, not asserted). Starts nfsd and rpc.mountd (NFSv4 only, no
# rpcbind): only in the test VM (hostname pdguard-vm); unmounted, unexported and stopped at the
# end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" pdg_bpf_lsm_here
[ "$(hostname)" = pdguard-vm ] || pdg_skip_all "starts a kernel NFS server: only in the test VM"
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
pdg_require_cmd setpriv rpc.nfsd rpc.mountd exportfs mount.nfs
{ modprobe nfsd && modprobe nfsv4; } || pdg_skip_all "cannot load nfsd and nfsv4"
[ -e /proc/fs/nfsd/threads ] || mount -t nfsd nfsd /proc/fs/nfsd ||
	pdg_skip_all "cannot mount the nfsd filesystem"
[ "$(cat /proc/fs/nfsd/threads)" = 0 ] || pdg_skip_all "an NFS server already runs here"

d=$(mktemp -d /tmp/pdg-vmnfs-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-vmnfs "$d"
mkdir -p "$d/export/hr/bulk" "$d/mnt" "$d/usb" "$d/out" "$d/state-bpf" "$d/state-fan"
chmod 777 "$d/out"
mount -t tmpfs -o mode=0777 pdg-vmnfs-usb "$d/usb"
users=(pdgn-a pdgn-b)
agent=
mountd=
leases=$(cat /proc/sys/fs/leases-enable)
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d"/agent-*.out "$d/mountd.out"
	umount -f "$d/mnt" 2>/dev/null
	exportfs -u "127.0.0.1:$d/export" 2>/dev/null
	rpc.nfsd 0 2>/dev/null
	[ -n "$mountd" ] && kill "$mountd" 2>/dev/null && wait "$mountd" 2>/dev/null
	echo "$leases" >/proc/sys/fs/leases-enable
	pdg_user_del "${users[@]}"
	umount -l "$d/usb" 2>/dev/null
	umount -l "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in "${users[@]}"; do
	pdg_user_add "$u" -d "$d" -s /bin/sh || pdg_skip_all "cannot create test users"
done
f=$d/export/hr/payroll.csv
row='ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n'
# shellcheck disable=SC2059
printf "$row" >"$f"
nbulk=80
for i in $(seq 1 $nbulk); do
	# shellcheck disable=SC2059
	printf "$row" >"$d/export/hr/bulk/staff$i.csv"
done
chmod -R a+rX "$d/export"
policy() {
	cat <<CONF
[agent]
mode = enforce
driver = $1
rules = $top/policies/rules.d
log = $d/log-$1/events.jsonl
state = $d/state-$1
scan = $d/export
[zone usb]
removable = no
path = $d/usb
[alerts]
mass_export_files = 50
mass_export_window = 3600
[role hr]
user = pdgn-a
read = basic personnel financial
CONF
}
policy bpf-lsm >"$d/bpf-lsm.conf"
policy fanotify >"$d/fanotify.conf"
policy fanotify | sed -e 's/^mode = enforce/mode = audit/' -e 's/log-fanotify/log-audit/' \
	-e 's/state-fanotify/state-audit/' >"$d/audit.conf"
mkdir -p "$d/state-audit"

as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
# every read below reaches the server: no delegation, nothing in the client's page cache
nocache() { sync; echo 3 >/proc/sys/vm/drop_caches; }
nfs_mount() {
	mount -t nfs -o vers=4.2,sec=sys,proto=tcp,timeo=50,retrans=2 127.0.0.1:/ "$d/mnt"
}
# NFSv4 only: nfsd then registers nothing with rpcbind, and rpc.mountd only answers the
# kernel's export cache (no rpcbind to start)
nfs_start() {
	echo 0 >/proc/sys/fs/leases-enable
	exportfs -o rw,fsid=0,no_subtree_check,sync,root_squash "127.0.0.1:$d/export" || return 1
	rpc.mountd -F -N 2 -N 3 >"$d/mountd.out" 2>&1 &
	mountd=$!
	rpc.nfsd -N 3 4 && nfs_mount && test -s "$d/mnt/hr/payroll.csv"
}
echo "1..19"
check "a kernel NFS server exports the test's tmpfs, mounted over loopback (NFSv4.2, sec=sys)" \
	nfs_start || { echo "Bail out! no NFS mount: nothing below would mean anything"; exit 1; }
clients() { cat /proc/fs/nfsd/clients/*/info 2>/dev/null; }
echo "# the server's clients (/proc/fs/nfsd/clients/*/info):"
clients | sed 's/^/#   /'

# reads_pd USER [FILE]: USER reads FILE (the payroll) through the mount; its content arrives
reads_pd() {
	nocache
	as "$1" cat "$d/mnt/hr/${2:-payroll.csv}" 2>/dev/null | grep -q 900101300007
}
# refused USER: the read fails on the client (EPERM or EACCES: the error is printed) and nothing
# arrives
refused() {
	local out
	nocache
	out=$(as "$1" cat "$d/mnt/hr/payroll.csv" 2>&1)
	echo "# $1: ${out:0:120}"
	! grep -q 900101300007 <<<"$out" && grep -Eq 'Operation not permitted|Permission denied' <<<"$out"
}
# ev LOG DECISION: the open events of payroll.csv with DECISION
ev() { grep '"op":"open"' "$1" | grep "\"decision\":\"$2\"" | grep "\"path\":\"$f\""; }
start() {
	setsid "$pd" run --config "$d/$1.conf" >"$d/agent-$1.out" 2>&1 &
	agent=$!
	wait_for grep -q " in use" "$d/agent-$1.out" &&
		wait_for bash -c "[ \$(grep -c '\"label\":\"pd\"' '$d/log-$1/events.jsonl') -ge $((nbulk + 1)) ]"
}
stop() {
	kill -INT "$agent" && wait "$agent"
	local rc=$?
	agent=
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	return "$rc"
}

# --- the BPF LSM driver: decisions in the kernel with nfsd's current credentials
log=$d/log-bpf-lsm/events.jsonl
check "the agent runs on the BPF LSM driver with the export's $((nbulk + 1)) PD files labelled" \
	start bpf-lsm || { echo "Bail out! the BPF LSM driver did not start"; exit 1; }
check "user A (role hr) reads the payroll through the NFS mount" reads_pd pdgn-a
check "user B (no role) is refused it on the client" refused pdgn-b
uid_a=$(id -u pdgn-a)
uid_b=$(id -u pdgn-b)
names() { ev "$log" "$1" | grep "\"uid\":$2,\"user\":\"$3\"" | grep -q '"comm":"nfsd","exe":null'; }
check "A's read is logged allowed, uid $uid_a pdgn-a, comm nfsd (the server's kernel thread)" \
	wait_for names allow "$uid_a" pdgn-a
check "B's refusal is logged denied, uid $uid_b pdgn-b, comm nfsd" \
	wait_for names deny "$uid_b" pdgn-b
echo "# events: $(ev "$log" allow | head -1)"
# what the client serves from its own cache: B right after A, caches kept
nocache
as pdgn-a cat "$d/mnt/hr/payroll.csv" >/dev/null 2>&1
if as pdgn-b cat "$d/mnt/hr/payroll.csv" 2>/dev/null | grep -q 900101300007; then
	echo "# B right after A, the client's page cache kept: B GOT the file (served by the client)"
else
	echo "# B right after A, the client's page cache kept: B refused"
fi
na=$(ev "$log" allow | wc -l)
to_stick() {
	nocache
	as pdgn-a cp "$d/mnt/hr/payroll.csv" "$d/usb/a.csv" && test -s "$d/usb/a.csv"
}
check "A copies the payroll from the mount to the USB zone (the copy is the client's)" to_stick
more_allows() { [ "$(ev "$log" allow | wc -l)" -gt "$na" ]; }
check "the copy was a read on the server: one more allowed open of payroll.csv by A" \
	wait_for more_allows
bulk() {
	local t0 t1 got
	nocache
	t0=$(date +%s.%N)
	as pdgn-a cp -r "$d/mnt/hr/bulk" "$d/out/bulk-$1" 2>/dev/null
	t1=$(date +%s.%N)
	got=$(find "$d/out/bulk-$1" -name 'staff*.csv' | wc -l)
	echo "# bulk fetch: $got of $nbulk files in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
	test "$got" -eq "$nbulk"
}
check "A fetches all $nbulk bulk files through the mount" bulk bpf
alerts() { grep '"alert":"mass-export"' "$1"; }
nbulk_events() { grep '"op":"open"' "$log" | grep -c '"path":"[^"]*/bulk/staff'; }
all_bulk_logged() { [ "$(nbulk_events)" -ge "$nbulk" ]; }
one_alert() {
	wait_for all_bulk_logged
	sleep 2
	echo "# $(nbulk_events) bulk open events; alerts: $(alerts "$log" | wc -l)"
	alerts "$log" | sed 's/^/#   /' | cut -c1-300
	test "$(alerts "$log" | wc -l)" -eq 1 && alerts "$log" | grep -q "\"user\":\"pdgn-a\""
}
check "the bulk fetch raises exactly one mass-export alert, naming user A" one_alert
# With delegations (fs.leases-enable = 1, the kernel's default) the server may hand the client a
# read delegation at A's open: measured and printed, not asserted (it is the client's doing)
got() { as "$1" cat "$d/mnt/hr/payroll.csv" 2>/dev/null | grep -q 900101300007 && echo got ||
	echo refused; }
echo 1 >/proc/sys/fs/leases-enable
umount "$d/mnt" && nfs_mount
n0=$(ev "$log" allow | wc -l)
m0=$(ev "$log" deny | wc -l)
nocache
ra=$(got pdgn-a)
rb=$(got pdgn-b)
rr=$(got root)
nocache
rb2=$(got pdgn-b)
sleep 2
echo "# delegations on: A $ra, then B $rb, root $rr (client caches kept); B after dropping" \
	"the client's caches: $rb2; server events for these: $(($(ev "$log" allow | wc -l) - n0))" \
	"allow, $(($(ev "$log" deny | wc -l) - m0)) deny"
echo 0 >/proc/sys/fs/leases-enable
check "the BPF LSM agent stops cleanly, its programs detached" stop

# --- the fanotify driver: the event's process is nfsd's kernel thread
log=$d/log-fanotify/events.jsonl
umount "$d/mnt" && nfs_mount
echo "# nfsd threads' credentials in /proc: $(for p in $(pgrep -x nfsd); do
	awk '/^Uid:/ { printf "%s/%s ", $2, $5 }' "/proc/$p/status"; done)(real/fs uid)"
check "the agent runs on the fanotify driver with the files labelled" start fanotify
check "user A's read through NFS is refused too: fanotify cannot tell nfsd's user" refused pdgn-a
unknown() {
	ev "$log" deny | grep '"uid":null,"user":null' | grep '"comm":"nfsd"' |
		grep -q 'user is unknown; a kernel thread serving a remote user'
}
check "its event: deny, user unknown (null), comm nfsd, the reason says why" wait_for unknown
echo "# events: $(ev "$log" deny | head -1 | cut -c1-400)"
check "the fanotify agent stops cleanly" stop
# audit mode: the same read goes through, logged as what enforce mode would have done
log=$d/log-audit/events.jsonl
umount "$d/mnt" && nfs_mount
check "the fanotify agent runs in audit mode" start audit
check "in audit mode user A's read through NFS goes through" reads_pd pdgn-a
would() { ev "$log" would-deny | grep '"uid":null,"user":null' | grep -q '"comm":"nfsd"'; }
check "its event: would-deny, user unknown (null), comm nfsd" wait_for would
check "the audit-mode agent stops cleanly" stop
exit 0
