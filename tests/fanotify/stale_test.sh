#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A cached label applies only to the file it was made for (the measured bug): run 1 labels PD
# files on a tmpfs and leaves them in STATE/labels.cache; the tmpfs is unmounted and a fresh one
# mounted in its place, which takes the freed device number and starts its inode numbers again;
# run 2 (the fanotify driver, the stick now a USB zone) must let a user copy a plain notes.txt
# onto it, though the new file gets an old PD file's numbers. Also: a file deleted and created
# again while the agent runs, and an agent restart, never inherit a label.
# Everything lives in a private mount namespace on the test's own tmpfs mounts, with a test user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (fanotify permission events, tmpfs mounts, a test user)"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-stale-XXXXXX)
mount -t tmpfs -o size=64m,mode=0755 pdg-stale "$d"
mkdir -p "$d/shares" "$d/stick" "$d/state"
u=pdgst-acc
agent=
cleanup() {
	pdg_agent_stop
	diag "$d/run1.out" "$d/run2.out"
	pdg_user_del "$u"
	umount "$d/stick" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
pdg_user_add "$u" || pdg_skip_all "cannot create a test user"
echo "1..7"
log=$d/log/events.jsonl
policy() {	# $1: the stick as a scan root (run 1) or as a USB zone (run 2)
	cat <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
$([ "$1" = scan ] && echo "scan = $d/stick")
[zone usb]
removable = no
$([ "$1" = usb ] && echo "path = $d/stick")
[role accounting]
group = $u
read = basic
CONF
}
as() { setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
can_read() { as cat "$1" >/dev/null; }
salary() { printf 'ФИО;ИИН;Оклад;IBAN\nИванов Иван Иванович;900101300007;450000;KZ86125KZT5004100100\nПетрова Анна;850520400003;380000;KZ86125KZT5004100100\n'; }

mount -t tmpfs -o size=8m,mode=0777 pdg-stale-stick "$d/stick"
dev1=$(stat -c %d "$d/stick")
for i in $(seq 1 20); do salary >"$d/stick/salary-$i.csv"; done
policy scan >"$d/policy.conf"
"$pd" run --config "$d/policy.conf" --once >"$d/run1.out" 2>&1
check "run 1 labels the stick's salary lists PD (financial) and caches them" \
	bash -c "'$pd' label get '$d/stick/salary-1.csv' | grep -q 'pd .*financial' && test -s '$d/state/labels.cache'"
inos1=$(stat -c %i "$d"/stick/salary-*.csv | sort -n | tr '\n' ' ')

# the stick is pulled out; another one, plain, takes its place and its numbers
umount "$d/stick"
mount -t tmpfs -o size=8m,mode=0777 pdg-stale-stick2 "$d/stick"
dev2=$(stat -c %d "$d/stick")
printf 'Meeting notes: nothing personal here.\n' >"$d/shares/notes.txt"
chmod 644 "$d/shares/notes.txt"
policy usb >"$d/policy.conf"
setsid "$pd" run --config "$d/policy.conf" >"$d/run2.out" 2>&1 &
agent=$!
wait_for grep -q "fanotify *in use" "$d/run2.out"
check "run 2 drops the cached labels of the old stick instead of applying them" \
	wait_for grep -q '"op":"label-stale".*no longer named the same file' "$log"
check "a user copies a plain notes.txt onto the fresh stick" \
	wait_for as cp "$d/shares/notes.txt" "$d/stick/notes.txt"
ino=$(stat -c %i "$d/stick/notes.txt")
echo "# stick device $dev1 then $dev2; old PD inodes: $inos1; notes.txt inode $ino"
case " $inos1 " in
*" $ino "*) [ "$dev1" = "$dev2" ] && echo "# the new file has an old PD file's device and inode number" ;;
esac
check "and reads it back" can_read "$d/stick/notes.txt"
check "nothing was refused" bash -c "! grep -q '\"decision\":\"deny\"' '$log'"

# a PD file deleted and a plain one created in its place while the agent runs
salary >"$d/shares/pay.csv"
chmod 644 "$d/shares/pay.csv"
wait_for bash -c "'$pd' label get '$d/shares/pay.csv' | grep -q 'pd '"
rm "$d/shares/pay.csv"
printf 'plain\n' >"$d/shares/pay.csv"
chmod 644 "$d/shares/pay.csv"
check "a plain file created where a PD one was is not refused" can_read "$d/shares/pay.csv"

# a restart reads the cache again: the fresh stick's files stay unlabelled
pdg_agent_stop
setsid "$pd" run --config "$d/policy.conf" >"$d/run3.out" 2>&1 &
agent=$!
wait_for grep -q "fanotify *in use" "$d/run3.out"
check "after a restart the user still copies and reads notes.txt on the stick" bash -c \
	"sleep 1; setsid -w setpriv --reuid=$u --regid=$u --init-groups -- cp '$d/shares/notes.txt' '$d/stick/notes2.txt' && setsid -w setpriv --reuid=$u --regid=$u --init-groups -- cat '$d/stick/notes.txt' >/dev/null"
exit 0
