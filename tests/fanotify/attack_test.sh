#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fanotify driver against an attacker: `pdguard run` in enforce mode on the fanotify driver,
# and the ways a review got PD onto a "USB" mount (docs/threat-model.md). An ordinary user first
# (user and mount namespaces, pipelines, links, another filesystem, a copied sync client, a
# restart), then root (bind mounts, a private mount namespace). Each attempt must leave no PD on
# the stick and a deny event in the log. Everything lives in a private mount namespace on the
# test's own tmpfs mounts; its users are removed at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (test users, fanotify, labels)"
pdg_require_cmd unshare setpriv
PDG_NS_TIMEOUT=600 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-attack-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o size=64m,mode=0755 pdg-attack "$d"
mkdir -p "$d/shares/hr" "$d/usb" "$d/other" "$d/state" "$d/bin" "$d/usb-bind"
mount -t tmpfs -o size=16m,mode=0777 pdg-attack-usb "$d/usb"
mount -t tmpfs -o size=16m,mode=0777 pdg-attack-other "$d/other"
users=(pdga-hr pdga-it)
cleanup() {
	[ -n "${agent:-}" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d"/agent*.out "${log:-}"
	pdg_user_del "${users[@]}"
	umount "$d/usb-bind" 2>/dev/null
	umount "$d/usb" "$d/other" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in "${users[@]}"; do
	pdg_user_add "$u" -d "$d" -s /bin/sh || {
		pdg_skip_all "cannot create test users"; }
done
log=$d/log/events.jsonl
f=$d/shares/hr/staff.csv
printf 'ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\nПетрова Анна;850520400003;кадровик;420000\n' >"$f"
chmod 644 "$f"
# a sync client, by content: an attacker's byte copy of it is the same program
# cat with a tail: a program of its own (clients are known by content, and cat is cat)
cp /bin/cat "$d/bin/syncd" && printf 'pdguard test sync client' >>"$d/bin/syncd"
chmod 755 "$d/bin/syncd"
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
path = $d/usb
[zone cloud]
client = $d/bin/syncd
[role hr]
group = pdga-hr
read = basic personnel financial
CONF

as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
# no_pd_on_stick: nothing on the stick holds the employee's IIN, whatever name it took
no_pd_on_stick() { ! grep -rqs 900101300007 "$d/usb"; }
denies() { grep '"decision":"deny"' "$log" 2>/dev/null | grep -c "$1" || true; }
# refused NAME PATTERN COMMAND...: the attempt leaves no PD on the stick and one more deny
# event matching PATTERN
refused() {
	local before
	# each attempt on an empty stick: what an earlier one left proves nothing here
	rm -rf "${d:?}/usb/"* "$d/usb/".[!.]* 2>/dev/null
	before=$(denies "$1")
	"${@:2}" >/dev/null 2>&1
	# an after-the-fact undo comes a moment later: both are looked at again each time
	wait_for denied_since "$1" "$before"
}
denied_since() { test "$(denies "$1")" -gt "$2" && no_pd_on_stick; }
starts=0
start_agent() {
	starts=$((starts + 1))
	pdg_agent_start "$d/policy.conf" "$d/agent$starts.out" && wait_for pdg_labelled_pd "$f"
}

echo "1..18"
check "the agent runs on the fanotify driver with the PD file labelled" start_agent
check "HR reads the file" as pdga-hr cat "$f"
check "a plain copy to the stick is refused" refused usb as pdga-hr cp "$f" "$d/usb/"

# an ordinary user: a new user and mount namespace has its own copy of every mount
check "unshare -Urm, then cp to the stick: refused" \
	refused usb as pdga-hr unshare -Urm sh -c "cp '$f' '$d/usb/ns-copy'"
# pipelines: the reader in another session than the writer
check "setsid cat | tee onto the stick: no PD lands" \
	refused usb as pdga-hr sh -c "setsid cat '$f' | tee '$d/usb/tee-copy'"
# a second name made while the first is open: every name of the file goes
check "open, read PD, write, link, close: no name keeps the PD" \
	refused usb as pdga-hr sh -c "exec 3>'$d/usb/a'; cat '$f' >&3; ln '$d/usb/a' '$d/usb/b'; exec 3>&-"
# through another filesystem the agent does not scan
check "cat > another mount, then a fresh cp to the stick: refused" \
	refused usb as pdga-hr sh -c "cat '$f' >'$d/other/x'; setsid cp '$d/other/x' '$d/usb/'"
# a sync client copied byte for byte (a new inode) is still the sync client
cp "$d/bin/syncd" "$d/other/syncd-copy"
check "a byte copy of a sync client is refused the PD file" \
	refused 'sync client' as pdga-hr "$d/other/syncd-copy" "$f"

# many requests at once: none is let through, and none is answered without being read (an
# overflow of the driver's table would be an event; a slow machine may make the watchdog
# answer, which fail = closed makes a refusal)
flood() {
	local got
	got=$(as pdga-hr "$top/build/tests/fanotify/flood_helper" "$f" "$d/usb" 2500) &&
		test "$got" -eq 0 && ! grep -q '"op":"overflow"' "$log"
}
check "2,500 threads of a process that read PD open files on the stick at once: none opens" \
	flood

# a process that read PD, then thousands of children that read it too: its own taint stays
check "8,000 children read PD, then their parent writes what it read onto the stick: refused" \
	refused usb as pdga-hr sh -c "read line <'$f'; i=0; while [ \$i -lt 8000 ]; do
		cat '$f' >/dev/null; i=\$((i + 1)); done;
		echo \"\$line \$(sed -n 2p '$f')\" >'$d/usb/forks-copy'"

# A descriptor taken before the file held PD, by a process whose descriptors were already looked
# through at an earlier zone open: the label that comes later makes the driver look again
# (the look is remembered per process only until the next new label).
held=$d/shares/hr/later.csv
: >"$held"
chmod 644 "$held"
as pdga-hr sh -c "exec 3<'$held'; while [ ! -e '$d/go1' ]; do sleep 0.05; done
	: >'$d/usb/early' && touch '$d/went1'; while [ ! -e '$d/go2' ]; do sleep 0.05; done
	exec 5>'$d/usb/late'; cat <&3 >&5" >/dev/null 2>&1 &
holder=$!
sleep 0.5
printf 'ФИО;ИИН\nСеитова Айгуль;850520400003\n' >"$d/shares/hr/first-mark.csv"
wait_for bash -c "'$pd' label get '$d/shares/hr/first-mark.csv' | grep -q ': pd '"
touch "$d/go1"
wait_for test -e "$d/went1"
before_held=$(denies usb)
printf 'ФИО;ИИН;Должность;Оклад\nИванов Иван;900101300007;бухгалтер;450000\n' >"$held"
wait_for bash -c "'$pd' label get '$held' | grep -q ': pd '"
touch "$d/go2"
wait "$holder"
check "a descriptor held from before the label, after an earlier zone open: refused" \
	wait_for denied_since usb "$before_held"

# a shell that wrote the stick once (holding a harmless pipe then) takes a new pipe from a
# reader of PD in another session and writes what comes through it onto the stick itself
check "a shell's later pipe from a PD reader, written to the stick by the shell: refused" \
	refused usb as pdga-hr bash -c "exec 3< <(echo harmless; sleep 5)
		: > '$d/usb/first'
		exec 4< <(setsid cat '$f')
		sleep 1
		while IFS= read -r l <&4; do printf '%s\\n' \"\$l\"; done > '$d/usb/later'"

# the pipe behind 940 other descriptors (the shell reads it where it is, at 999): the driver
# reads the whole descriptor list
check "a pipe from a PD reader held after 940 other descriptors, copied to the stick: refused" \
	refused usb as pdga-hr bash -c "for i in \$(seq 10 950); do eval \"exec \$i</dev/null\"; done
		exec 999< <(setsid cat '$f')
		sleep 1
		while IFS= read -r -u 999 l; do printf '%s\\n' \"\$l\"; done > '$d/usb/many'"

# one process, two users: HR reads, then (root underneath) it becomes a user without the role.
# The driver keeps the opener's /proc status open between requests; what it reads must be the
# process's uid now, not the one it had at its first request.
uid_switch() {
	perl -e '
		my ($f, $hr, $it) = @ARGV;
		my @h = getpwnam($hr) or die; my @i = getpwnam($it) or die;
		$) = "$h[3] $h[3]"; $> = $h[2];
		open(my $a, "<", $f) or exit 3; close($a);
		$> = 0; $) = "$i[3] $i[3]"; $> = $i[2];
		exit(open(my $b, "<", $f) ? 1 : 0);' "$f" pdga-hr pdga-it
}
denied_more() { test "$(denies "$1")" -gt "$2"; }
uid_switch_refused() {
	local before
	before=$(denies '"user":"pdga-it"')
	uid_switch || return 1
	wait_for denied_more '"user":"pdga-it"' "$before"
}
check "a process that read as HR and then became a user without the role is refused" \
	uid_switch_refused

# root: another mount of the stick is the same stick
mount --bind "$d/usb" "$d/usb-bind"
check "a bind mount of the stick, then cp: refused" \
	refused usb as pdga-hr cp "$f" "$d/usb-bind/bind-copy"
check "unshare -m (root), then cp as the user: refused" \
	refused usb unshare -m --propagation private setpriv --reuid=pdga-hr --regid=pdga-hr \
	--init-groups -- cp "$f" "$d/usb/root-ns-copy"
# a restart: a derived file on another filesystem (no scan root) is still guarded
as pdga-hr sh -c "cat '$f' >'$d/other/kept'"
wait_for bash -c "'$pd' label get '$d/other/kept' | grep -q ': derived'" ||
	echo "# $d/other/kept has no derived label: $("$pd" label get "$d/other/kept" 2>&1)"
kill -TERM "$agent"
wait "$agent"
start_agent || echo "# the agent did not come back: see $d/agent$starts.out below"
check "after a restart, a derived file elsewhere is refused to a user without the role" \
	wait_for bash -c "! setsid -w setpriv --reuid=pdga-it --regid=pdga-it --init-groups -- \
		cat '$d/other/kept' >/dev/null 2>&1"
check "after a restart, a fresh copy of it to the stick is refused" \
	refused usb as pdga-hr cp "$d/other/kept" "$d/usb/kept"
exit 0
