#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard run` on PDF inflation bombs (issue 14): SIGTERM during the first scan stops the agent
# there and then (the sandboxed PDF readers are killed), a file that hit a limit is remembered
# in the state directory and not read again at the next start until it changes, and a bomb
# never comes out labelled clean. Everything lives on the test's own tmpfs in a private mount
# namespace.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
bomb=$top/build/tests/extract/pdfbomb_helper
pdg_require_root "needs root"
PDG_NS_TIMEOUT=400 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-bomb-XXXXXX)
mount -t tmpfs -o size=64m pdg-bomb-test "$d"
mkdir -p "$d/slow" "$d/share" "$d/state1" "$d/state2"
cleanup() {
	[ -n "${agent:-}" ] && kill -KILL "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out1.txt" "$d/out2.txt" "$d/out3.txt" "$d/out4.txt"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
echo "1..9"
policy() { # policy FILE SCAN STATE
	cat >"$1" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $d/log/events.jsonl
state = $3
scan = $2
CONF
}
"$bomb" "$d/slow/b0.pdf" 256 || exit 1
for i in 1 2 3 4 5 6 7; do cp "$d/slow/b0.pdf" "$d/slow/b$i.pdf"; done
policy "$d/slow.conf" "$d/slow" "$d/state1"

# eight bombs take seconds each: the first scan is still going when SIGTERM comes
setsid "$pd" run --config "$d/slow.conf" >"$d/out1.txt" 2>&1 &
agent=$!
wait_for grep -q "ENFORCEMENT\|in use" "$d/out1.txt"
sleep 1
kill -TERM "$agent"
stopped() { ! kill -0 "$agent" 2>/dev/null; }
check "SIGTERM during the first scan stops the agent" wait_for stopped
wait "$agent"
rc=$?
agent=
check "it stops cleanly (exit 0)" test "$rc" -eq 0
check "it stops during the scan, not after it" \
	bash -c "grep -q 'stopping on signal 15 during the initial scan' '$d/out1.txt' &&
		 ! grep -q 'initial scan:' '$d/out1.txt'"

printf 'ФИО;ИИН\nИванов Иван;900101300007\n' >"$d/share/staff.csv"
cp "$d/slow/b0.pdf" "$d/share/bomb.pdf"
policy "$d/share.conf" "$d/share" "$d/state2"
"$pd" run --config "$d/share.conf" --once >"$d/out2.txt" 2>&1
check "a bomb is read once and never labelled clean" \
	bash -c "grep -q 'initial scan: 2 files read, 0 unchanged' '$d/out2.txt' &&
		 ! '$pd' label get '$d/share/bomb.pdf' 2>/dev/null | grep -q ': none'"
check "the limit it hit is logged" \
	grep -q '"op":"scan-[a-z]*".*limit exceeded: memory over 256 MiB in the PDF reader' \
	"$d/log/events.jsonl"
check "it is remembered by inode and change time, no name" \
	bash -c "[ \$(wc -l <'$d/state2/overruns') -eq 1 ] && ! grep -q bomb '$d/state2/overruns' &&
		 grep -q \"^[0-9]* $(stat -c %i "$d/share/bomb.pdf") \" '$d/state2/overruns'"
# without the label cache (lost, or a file never labelled) only the overrun list knows it
rm -f "$d/state2/labels.cache"
"$pd" run --config "$d/share.conf" --once >"$d/out3.txt" 2>&1
check "the next start does not read it again" \
	bash -c "grep -Eq 'initial scan: 1 files read, 0 unchanged, 2 with PD, 1 unknown' '$d/out3.txt' &&
		 grep -q '1 of the unknown: over a limit before' '$d/out3.txt'"
check "and says so in the log" grep -q 'not read again until it changes' "$d/log/events.jsonl"
chmod 600 "$d/share/bomb.pdf"
"$pd" run --config "$d/share.conf" --once >"$d/out4.txt" 2>&1
check "once changed (new ctime) it is read again" \
	grep -q 'initial scan: 1 files read, 1 unchanged' "$d/out4.txt"
exit 0
