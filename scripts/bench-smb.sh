#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale on a file server (a section of make bench; docs/file-servers.md "Scale"), in one run:
#  1. a share of BENCH_SMB_TREE (100,000) small files, 2% with a personnel record
#     (bench/mktree.py): `pdguard run --once` twice (the first classifies and labels every file,
#     the second finds nothing changed), wall time, files/s and peak RSS (GNU time);
#  2. a fetch of BENCH_SMB_FILES (2,000) files from one folder of a Samba share
#     (`smbclient -c 'prompt; mget *'`, a real smbd on 127.0.0.1 as tests/fanotify/smb_test.sh
#     runs it) without the agent and with `pdguard run` on the fanotify driver in enforce mode,
#     the user allowed by a role: median of BENCH_RUNS fetches each, alternating, and the ratio.
#     Two folders: 2% of the files with PD, and every file with PD (the worst case: every open
#     is decided by the agent and logged).
#
# Safety: root only, in a private mount namespace on its own tmpfs. The agent's scan roots are
# folders of that tmpfs, USB zones are off (removable = no) and no cloud folder is declared, so
# its permission marks are on that tmpfs's PD files only; like every fanotify agent run it also
# watches close-write on each filesystem, notification only (nobody waits on it). smbd has a
# private configuration and state, listens on 127.0.0.1 only, and runs in its own process
# group, killed as a group. The test user is removed at the end, and smbd, the agent and the
# tmpfs go on every exit.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pd=${PDGUARD:-$top/build/pdguard}
RUNS=${BENCH_RUNS:-3}
TREE=${BENCH_SMB_TREE:-100000}
FILES=${BENCH_SMB_FILES:-2000}
port=${BENCH_SMB_PORT:-44546}
user=pdgb-smb
pass=Pdg-bench-1

skip() { echo "SKIP: $*"; exit 0; }

if [ -z "${PDG_BENCH_IN_NS:-}" ]; then
	echo "== smb: a $TREE-file share; a $FILES-file SMB fetch without and with the agent =="
	[ "$(id -u)" -eq 0 ] || skip "needs root (a test user, fanotify, labels, smbd)"
	for c in smbd smbclient smbpasswd unshare setsid python3 /usr/bin/time; do
		command -v "$c" >/dev/null || skip "$c is not installed (scripts/deps.sh test; bench)"
	done
	[ -x "$pd" ] || skip "$pd is not built (make agent)"
	exec env PDG_BENCH_IN_NS=1 unshare --mount --propagation private -- "$0" "$@"
fi

# pdg_user_add / pdg_user_del (one copy of how tests make and remove users)
# shellcheck source=tests/tap.sh
. "$top/tests/tap.sh"
skip() { echo "SKIP: $*"; exit 0; }

d=$(mktemp -d /tmp/pdg-bench-smb-XXXXXX)
chmod 755 "$d"
smbd_pid=
agent=
user_made=
mounted=
# stop_agent: SIGTERM, and SIGKILL if it has not stopped within 30 s
stop_agent() {
	[ -n "$agent" ] || return 0
	kill -TERM "$agent" 2>/dev/null
	for _ in $(seq 1 300); do kill -0 "$agent" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$agent" 2>/dev/null
	wait "$agent" 2>/dev/null
	agent=
}
# stop_smbd: smbd and the children it forked per connection: its own process group (setsid)
stop_smbd() {
	[ -n "$smbd_pid" ] || return 0
	kill -TERM -- "-$smbd_pid" 2>/dev/null
	wait "$smbd_pid" 2>/dev/null
	kill -KILL -- "-$smbd_pid" 2>/dev/null
	smbd_pid=
}
cleanup() {
	stop_smbd
	stop_agent
	[ -n "${BENCH_SMB_KEEP:-}" ] && cp -r "$d/log" "$d/agent.out" "$BENCH_SMB_KEEP/" 2>/dev/null
	[ -n "$user_made" ] && pdg_user_del "$user"
	[ -n "$mounted" ] && umount "$d"
	rmdir "$d" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
mount -t tmpfs -o size=3g,mode=0755 pdg-bench-smb "$d" || skip "cannot mount a tmpfs"
mounted=1

# sec T0 T1: seconds between two `date +%s%N`
sec() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0) ? a / b : 0 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "load before: $(load) (1, 5, 15 min); smbd $(smbd --version | awk '{print $2}')"

# ------------------------------------------------------------------ 1. the 100,000-file share
mkdir -p "$d/tree" "$d/tree-state"
python3 "$top/bench/mktree.py" "$d/tree" "$TREE" 1 || skip "cannot generate the tree"
tree_mib=$(($(du -sb "$d/tree" | cut -f1) >> 20))
cat >"$d/tree.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $d/tree-log/events.jsonl
state = $d/tree-state
scan = $d/tree
[zone usb]
removable = no
CONF
# once NAME: `pdguard run --once` on the tree; sets ONCE_SEC, ONCE_RSS (MiB), ONCE_SUM
once() {
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -f %M -o "$d/$1.rss" "$pd" run --config "$d/tree.conf" --once >"$d/$1.out" 2>&1
	local rc=$?
	t1=$(date +%s%N)
	ONCE_SEC=$(sec "$t0" "$t1")
	ONCE_RSS=$(($(tail -n 1 "$d/$1.rss") / 1024))
	ONCE_SUM=$(grep -m1 "initial scan" "$d/$1.out")
	[ "$rc" -eq 0 ] || { sed 's/^/# /' "$d/$1.out" | tail -n 5; skip "pdguard run --once failed ($rc)"; }
}
once first
first_sec=$ONCE_SEC first_rss=$ONCE_RSS first_sum=$ONCE_SUM
once second
second_sec=$ONCE_SEC second_rss=$ONCE_RSS second_sum=$ONCE_SUM
tree_pd=$(grep '"op":"label"' "$d/tree-log/events.jsonl" | grep -c '"label":"pd"')
rm -rf "$d/tree" "$d/tree-state" "$d/tree-log"

# ------------------------------------------------------------------ 2. the SMB fetch
share=$d/shares/bench
mkdir -p "$share" "$d/state" "$d/out" "$d/samba/"{lock,state,cache,private,run,log}
# make_folder DIR EVERY: FILES small files in DIR, a payroll extract (two people with valid
# IINs) in every EVERY-th, office text in the rest (the same sizes, a few hundred bytes)
make_folder() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$FILES" -v every="$2" 'BEGIN {
		text = "план закупок на квартал, встреча отдела, бюджет проекта, договор поставки"
		pd = "ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\n" \
			"Петрова Анна;850520400003;кадровик;420000"
		for (i = 0; i < n; i++) {
			f = sprintf("%s/doc%05d.csv", dir, i)
			print "отчёт " i "\n" text > f
			if (i % every == 0)
				print pd > f
			else
				print text "\n" text > f
			close(f)
		}
	}'
}
make_folder "$share/pd2" 50
make_folder "$share/pdall" 1
chmod -R a+rX "$d/shares"
pdg_user_add "$user" -d "$d" || skip "cannot create the test user $user"
user_made=1

conf=$d/samba/smb.conf
cat >"$conf" <<CONF
[global]
	workgroup = PDGBENCH
	server role = standalone server
	smb ports = $port
	interfaces = 127.0.0.1
	bind interfaces only = yes
	disable netbios = yes
	server min protocol = SMB2
	passdb backend = tdbsam:$d/samba/private/passdb.tdb
	private dir = $d/samba/private
	lock directory = $d/samba/lock
	state directory = $d/samba/state
	cache directory = $d/samba/cache
	pid directory = $d/samba/run
	ncalrpc dir = $d/samba/run/ncalrpc
	log file = $d/samba/log/smbd.log
	log level = 0
	load printers = no
	printing = bsd
	printcap name = /dev/null
	disable spoolss = yes
	kernel oplocks = no
	map to guest = never
[bench]
	path = $share
	read only = yes
	valid users = $user
CONF
printf '%s\n%s\n' "$pass" "$pass" | smbpasswd -c "$conf" -a -s "$user" >/dev/null 2>&1 ||
	skip "smbpasswd could not add $user"
cat >"$d/client.conf" <<CONF
[global]
	client min protocol = SMB2
CONF
smb() {
	timeout 600 smbclient -s "$d/client.conf" -p "$port" -U "$user%$pass" "//127.0.0.1/bench" -c "$*"
}
setsid smbd --foreground --no-process-group -s "$conf" </dev/null >"$d/samba/log/stdout" 2>&1 &
smbd_pid=$!
up=
for _ in $(seq 1 300); do
	smb 'ls pd2/doc00000.csv' >/dev/null 2>&1 && { up=1; break; }
	kill -0 "$smbd_pid" 2>/dev/null || break
	sleep 0.1
done
[ -n "$up" ] || { tail -n 5 "$d/samba/log/"* | sed 's/^/# /'; skip "smbd did not serve the share"; }

log=$d/log/events.jsonl
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
[zone usb]
removable = no
[servers]
exe = $(readlink -f "$(command -v smbd)")
[role bench]
group = $user
read = basic personnel financial
CONF
npd=$(((FILES + 49) / 50 + FILES))
labelled() { test "$(grep '"op":"label"' "$log" 2>/dev/null | grep -c '"label":"pd"')" -ge "$npd"; }
start_agent() {
	setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
	agent=$!
	# ready when the driver is in use and this start's scan has marked the PD files
	for _ in $(seq 1 600); do
		grep -q " in use" "$d/agent.out" && grep -q "^initial scan:" "$d/agent.out" &&
			labelled && return 0
		kill -0 "$agent" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 5 "$d/agent.out" | sed 's/^/# /'
	skip "the agent did not start on the fanotify driver with the share labelled"
}
# fetch FOLDER: mget every file of FOLDER into an empty local folder; sets FETCH_SEC, or fails
# when not every file arrived
fetch() {
	local t0 t1 got
	rm -rf "$d/out" && mkdir -p "$d/out"
	t0=$(date +%s%N)
	(cd "$d/out" && smb "prompt; cd $1; mget *") >"$d/fetch.txt" 2>&1
	t1=$(date +%s%N)
	got=$(find "$d/out" -type f | wc -l)
	FETCH_SEC=$(sec "$t0" "$t1")
	[ "$got" -eq "$FILES" ] || { echo "# $1: $got of $FILES files arrived"; tail -n 3 "$d/fetch.txt"; return 1; }
}
# first the labels (the first start classifies the share), then the runs: without, with, in
# turn, so that a change of the machine's load falls on both
start_agent
stop_agent
declare -A t=() ev=() seen=()
hwm=0
for ((r = 0; r < RUNS; r++)); do
	for f in pd2 pdall; do
		fetch "$f" || skip "the fetch without the agent failed"
		t[$f/without]+="$FETCH_SEC "
		start_agent
		fetch "$f" || skip "the fetch with the agent failed"
		t[$f/with]+="$FETCH_SEC "
		k=$(awk '/^VmHWM/ {print $2}' "/proc/$agent/status" 2>/dev/null)
		[ -n "$k" ] && [ "$k" -gt "$hwm" ] && hwm=$k
		stop_agent
		# the PD opens this run logged (allowed, of the user, in FOLDER)
		k=$(grep '"op":"open"' "$log" | grep '"decision":"allow"' | grep "\"user\":\"$user\"" |
			grep -c "/shares/bench/$f/")
		ev[$f]+="$((k - ${seen[$f]:-0})) "
		seen[$f]=$k
	done
done
# the agent decided and logged each PD open of the user: one allow event per PD file per run
allows=$(grep '"op":"open"' "$log" | grep '"decision":"allow"' | grep "\"user\":\"$user\"" |
	grep -c "/shares/bench/")
denies=$(grep '"decision":"deny"' "$log" | grep -c "\"user\":\"$user\"")

# ------------------------------------------------------------------ the table
echo "machine: $(nproc) CPUs, shared; load after: $(load)"
echo
echo "1. a share of $TREE small files ($tree_mib MiB, 2% with PD) on tmpfs, pdguard run --once:"
printf '%-44s %9s %10s %10s\n' "run" "seconds" "files/s" "peak RSS"
printf '%-44s %9s %10.0f %6s MiB\n' "first (classify + label every file)" "$first_sec" \
	"$(awk -v n="$TREE" -v s="$first_sec" 'BEGIN { print n / s }')" "$first_rss"
printf '%-44s %9s %10.0f %6s MiB\n' "second (nothing changed)" "$second_sec" \
	"$(awk -v n="$TREE" -v s="$second_sec" 'BEGIN { print n / s }')" "$second_rss"
echo "first:  $first_sum"
echo "second: $second_sum"
echo "labelled pd: $tree_pd"
echo
echo "2. smbclient 'prompt; cd FOLDER; mget *' of $FILES files over SMB (SMB2 or later) on 127.0.0.1, median of $RUNS:"
printf '%-44s %9s %9s %9s\n' "folder" "without" "with" "with/without"
for f in pd2 pdall; do
	case $f in
	pd2) name="2% PD ($(((FILES + 49) / 50)) files)" ;;
	pdall) name="all PD ($FILES files, every open decided)" ;;
	esac
	# shellcheck disable=SC2086
	a=$(median ${t[$f/without]}) b=$(median ${t[$f/with]})
	printf '%-44s %8ss %8ss %9s\n' "$name" "$a" "$b" "$(ratio "$b" "$a")"
	echo "  runs (s): without ${t[$f/without]}; with ${t[$f/with]}; allowed opens logged: ${ev[$f]}"
	want=$FILES
	[ "$f" = pd2 ] && want=$(((FILES + 49) / 50))
	for k in ${ev[$f]}; do
		[ "$k" -eq "$want" ] ||
			echo "  WARNING: a fetch logged $k allowed opens, not $want (one per PD file)"
	done
done
echo "agent (fanotify, enforce, role allows the user): peak RSS $((hwm / 1024)) MiB (VmHWM);" \
	"open events logged as allowed for $user: $allows (expected $RUNS x $npd), denied: $denies"
