#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard run` end to end on this machine: start-up screen, labelling at start, relabelling a
# rewritten file, the label cache across restarts, a USB zone mounted while running, SIGHUP
# with a broken policy (kept) and a good one (applied), a clean stop, an intact log.
# Everything lives in a private mount namespace on the test's own tmpfs mounts.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-run-XXXXXX)
mount -t tmpfs -o size=64m pdg-run-test "$d"
mkdir -p "$d/shares/hr" "$d/stick" "$d/state"
cleanup() {
	[ -n "${agent:-}" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out1.txt" "$d/out2.txt" "$d/log/events.jsonl"
	umount "$d/stick" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
echo "1..17"
has_label() { "$pd" label get "$1" 2>/dev/null | grep -q ": $2"; }
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[zone usb]
removable = no
path = $d/stick
CONF
printf 'ФИО;ИИН;Должность\nИванов Иван;900101300007;бухгалтер\nПетрова Анна;850520400003;кадровик\n' >"$d/shares/hr/staff.csv"
printf 'Meeting notes: nothing personal here.\n' >"$d/shares/notes.txt"

setsid "$pd" run --config "$d/policy.conf" >"$d/out1.txt" 2>&1 &
agent=$!
check "the start-up screen says what is enforced" wait_for grep -q "ENFORCEMENT\|in use" "$d/out1.txt"
check "files are labelled at start" wait_for has_label "$d/shares/hr/staff.csv" "pd "
check "a file without PD is labelled none" wait_for has_label "$d/shares/notes.txt" "none"
printf 'ИИН сотрудника: 900101300007, Иванов Иван Иванович, приказ о приеме\n' >"$d/shares/notes.txt"
check "a rewritten file that gains PD is relabelled" wait_for has_label "$d/shares/notes.txt" "pd "
printf 'no longer anything\n' >"$d/shares/notes.txt"
check "a rewritten file that loses PD is relabelled" wait_for has_label "$d/shares/notes.txt" "none"
mount -t tmpfs -o size=1m pdg-stick "$d/stick"
check "a declared USB mount point mounted while running becomes a zone" \
	wait_for grep -q '"op":"zone-add"' "$log"
cp "$d/policy.conf" "$d/good.conf"
printf "[agent]\nmode = sometimes\n" >>"$d/policy.conf"
kill -HUP "$agent"
check "a broken policy on SIGHUP is reported with file:line and kept out" \
	wait_for grep -q "new policy refused, the running one is kept: $d/policy.conf:11: mode = sometimes" "$log"
sed 's/mode = audit/mode = enforce/' "$d/good.conf" >"$d/policy.conf"
kill -HUP "$agent"
check "a good policy on SIGHUP is applied" wait_for grep -q "mode enforce" "$d/out1.txt"
# a setting opened once at start: the whole new policy is refused, with the reason, and the
# running one (enforce, this log) goes on
cp "$d/policy.conf" "$d/enforce.conf"
sed -e "s|^log = .*|log = $d/elsewhere.jsonl|" -e 's/mode = enforce/mode = audit/' \
	"$d/enforce.conf" >"$d/policy.conf"
kill -HUP "$agent"
check "a new log path on SIGHUP: the whole policy refused, saying to restart" \
	wait_for grep -q "new policy refused, the running one is kept: log at $d/policy.conf:4 changed.*restart" "$log"
check "...and nothing of it applied (still enforce, nothing written elsewhere)" \
	bash -c "! grep -q 'policy reloaded.*mode audit' '$d/out1.txt' && ! test -e '$d/elsewhere.jsonl'"
sed "s|^rules = .*|rules = $d/rules.d|" "$d/enforce.conf" >"$d/policy.conf"
mkdir -p "$d/rules.d"
kill -HUP "$agent"
check "a new rules directory on SIGHUP: refused whole, saying to restart" \
	wait_for grep -q "new policy refused, the running one is kept: rules changed.*restart" "$log"
cp "$d/enforce.conf" "$d/policy.conf"
kill -INT "$agent"
wait "$agent"
rc=$?
agent=
check "SIGINT stops it cleanly (exit 0)" test "$rc" -eq 0
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
check "the log is root-only" test "$(stat -c %a "$log")" = 600

"$pd" run --config "$d/policy.conf" --once >"$d/out2.txt" 2>&1
check "a restart reads no unchanged file again" grep -q "initial scan: 0 files read, 2 unchanged" "$d/out2.txt"
check "labels survive the restart" has_label "$d/shares/hr/staff.csv" "pd "
cp "$log" "$d/tampered.jsonl"
sed -i '3s/"label":"pd"/"label":"none"/; 3s/"op":"[a-z-]*"/"op":"edited"/' "$d/tampered.jsonl"
check "a tampered copy of the log fails verification" bash -c "! '$pd' log verify '$d/tampered.jsonl' >/dev/null"
exit 0
