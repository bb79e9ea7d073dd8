#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every event line the agent and the CLI write validates against docs/events.schema.json (the
# contract SIEM pipelines are built on): a real `pdguard run` with the fanotify driver on the
# test's own tmpfs mounts (labels at start, allow, would-deny and deny for a test user, a policy
# reload good and bad, a mode change, an unclean stop, sealing, size rotation), the CLI (label
# set/clear, grant add/revoke) and a torn-line repair. And the schema is no rubber stamp: lines
# with a wrong type, a missing member, an unknown member or a fake path are refused.
# Everything lives in a private mount namespace on the test's own tmpfs mounts, with a test user.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
schema=$top/docs/events.schema.json
val() { /usr/bin/python3 "$top/tests/log/validate_events.py" "$@"; }
pdg_require_root "needs root (fanotify permission events, tmpfs mounts, a test user)"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
	pdg_skip_all "python3-jsonschema not installed (scripts/deps.sh test)"
PDG_NS_TIMEOUT=400 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-schema-XXXXXX)
mount -t tmpfs -o size=64m,mode=0755 pdg-schema "$d"
mkdir -p "$d/shares/hr" "$d/stick" "$d/state"
u=pdgsch-acc
agent=
stop_agent() {
	[ -n "$agent" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	agent=
}
cleanup() {
	stop_agent
	diag "$d/run.out" "$d/val.out"
	pdg_user_del "$u"
	umount "$d/stick" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
pdg_user_add "$u" || pdg_skip_all "cannot create a test user"
echo "1..27"
log=$d/log/events.jsonl
policy() {	# $1: audit or enforce
	cat <<CONF
[agent]
mode = $1
driver = fanotify
rules = $top/policies/rules.d
log = $log
log_max_mb = 1
log_keep = 3
state = $d/state
scan = $d/shares
[zone usb]
removable = no
path = $d/stick
[role accounting]
group = $u
read = basic
CONF
}
as() { setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
start_agent() {
	setsid "$pd" run --config "$d/policy.conf" >>"$d/run.out" 2>&1 &
	agent=$!
	wait_for grep -qs '"op":"agent-start"' "$log" || return 1
	# started once more than before: this start's line
	wait_for bash -c "[ \$(grep -c '\"op\":\"agent-start\"' '$log') -ge $1 ]"
}
salary() { printf 'ФИО;ИИН;Оклад;IBAN\nИванов Иван Иванович;900101300007;450000;KZ86125KZT5004100100\nПетрова Анна;850520400003;380000;KZ86125KZT5004100100\n'; }
salary >"$d/shares/hr/salary.csv"
printf 'Meeting notes: nothing personal here.\n' >"$d/shares/notes.txt"
chmod 0644 "$d/shares/hr/salary.csv" "$d/shares/notes.txt"
policy audit >"$d/policy.conf"
"$pd" log setup-keys --state "$d/state" --interval 10s >/dev/null 2>&1

# --- the agent: labels, decisions, reload, mode change, seal, rotation ---
start_agent 1
mount -t tmpfs -o size=1m,mode=0777 pdg-schema-stick "$d/stick"
check "the agent starts with the fanotify driver and labels at start" \
	wait_for bash -c "grep '\"op\":\"label\"' '$log' | grep -q salary.csv"
as cat "$d/shares/notes.txt" >/dev/null
as cat "$d/shares/hr/salary.csv" >/dev/null 2>&1
check "audit mode: the test user's read of a financial file is logged would-deny" \
	wait_for grep -q '"decision":"would-deny"' "$log"
printf "[agent]\nmode = sometimes\n" >>"$d/policy.conf"
kill -HUP "$agent"
wait_for grep -q 'new policy refused' "$log"
policy audit >"$d/policy.conf"
kill -HUP "$agent"
"$pd" mode enforce --config "$d/policy.conf" >/dev/null 2>&1
check "a policy reload and a mode change are logged" \
	wait_for bash -c "grep -q '\"op\":\"policy-reload\"' '$log' && grep -q '\"op\":\"mode-change\"' '$log'"
check "enforce mode: the test user is refused the financial file" \
	wait_for bash -c "! setsid -w setpriv --reuid='$u' --regid='$u' --init-groups -- cat '$d/shares/hr/salary.csv' >/dev/null 2>&1 && grep -q '\"decision\":\"deny\"' '$log'"
# the CLI beside the running agent: labels by hand, a grant given and revoked
"$pd" label set --log "$log" "$d/shares/notes.txt" basic >/dev/null
"$pd" label clear --log "$log" "$d/shares/notes.txt" >/dev/null
gid=$("$pd" grant add "$u" financial --until +1h --approver "InfoSec officer" \
	--reason "schema test" --config "$d/policy.conf" 2>/dev/null | sed -n 's/^grant \([0-9]*\):.*/\1/p')
check "a granted read is logged allow" \
	wait_for bash -c "setsid -w setpriv --reuid='$u' --regid='$u' --init-groups -- cat '$d/shares/hr/salary.csv' >/dev/null 2>&1 && grep -q '\"decision\":\"allow\"' '$log'"
"$pd" grant revoke "$gid" --config "$d/policy.conf" >/dev/null 2>&1
check "label set/clear and grant add/revoke are logged" \
	bash -c "grep -q '\"op\":\"label-set\"' '$log' && grep -q '\"op\":\"label-clear\"' '$log' && grep -q '\"op\":\"grant-add\"' '$log' && grep -q '\"op\":\"grant-revoke\"' '$log'"
check "a seal line is written once the 10 s epoch ends" \
	wait_for bash -c "grep -q '\"op\":\"seal\"' '$log'"
# enough opens for a 1 MiB log to rotate (every open of the PD file by the user is an event)
"$pd" mode audit --config "$d/policy.conf" >/dev/null 2>&1
wait_for grep -q '"new_mode":"audit"' "$log"
for i in $(seq 1 400); do
	as sh -c "for k in 1 2 3 4 5 6 7 8; do cat '$d/shares/hr/salary.csv'; done" >/dev/null 2>&1
	[ -e "$log.1" ] && break
done
check "the log rotates by size (log_max_mb = 1)" wait_for test -e "$log.1"
# killed: the next start says the last one did not stop cleanly
kill -KILL "$agent"
wait "$agent" 2>/dev/null
agent=
start_agent 2
check "a restart after SIGKILL logs agent-unclean-stop" \
	wait_for grep -q '"op":"agent-unclean-stop"' "$log"
stop_agent
# a power cut caught a line half-written: the next writer repairs it and says so
printf '{"ts":"2026-01-01T00:00:00.000Z","host":"torn' >>"$log"
"$pd" label set --log "$log" "$d/shares/notes.txt" none >/dev/null
check "a torn last line is repaired with a log-repair line" grep -q '"op":"log-repair"' "$log"

logs=("$log".3 "$log".2 "$log".1 "$log")
existing=()
for f in "${logs[@]}"; do [ -e "$f" ] && existing+=("$f"); done
# the torn bytes are no event: everything but them must validate
grep -v -x -F '{"ts":"2026-01-01T00:00:00.000Z","host":"torn' "$log" >"$d/live.jsonl"
existing[${#existing[@]}-1]=$d/live.jsonl
check "EVERY line of every log file validates against docs/events.schema.json" \
	bash -c "val() { /usr/bin/python3 '$top/tests/log/validate_events.py' \"\$@\"; }; val '$schema' ${existing[*]} >'$d/val.out' 2>&1"
ops=$(val --ops "${existing[@]}" | tr '\n' ' ')
echo "# ops seen: $ops"
missing=
for o in agent-start agent-stop agent-unclean-stop label label-set label-clear grant-add \
	 grant-revoke policy-reload mode-change open seal log-seal rotate log-repair zone-add; do
	case " $ops " in *" $o "*) ;; *) missing="$missing $o" ;; esac
done
check "the validated lines cover the ops this test provoked" test -z "$missing" ||
	echo "# missing:$missing"
nodec=
for x in allow would-deny deny alert info; do
	cat "${existing[@]}" | grep -q "\"decision\":\"$x\"" || nodec="$nodec $x"
done
check "every decision kind was validated (allow, would-deny, deny, alert, info)" test -z "$nodec" ||
	echo "# no line with decision:$nodec"
chain=()
for f in "${logs[@]}"; do [ -e "$f" ] && chain+=("$f"); done
verify_chain() { "$pd" log verify "$@" >"$d/verify.out" 2>&1; }
check "the chain of all the files, torn line repaired, is intact" verify_chain "${chain[@]}" ||
	sed 's/^/# /' "$d/verify.out"

# --- negative cases: the schema refuses what is not an event line ---
good=$(grep -m1 '"decision":"deny"' "$log" "$log".* 2>/dev/null | head -1 | cut -d: -f2-)
[ -n "$good" ] || good=$(grep -m1 '"op":"open"' "${existing[@]}" | head -1 | cut -d: -f2-)
printf '%s\n' "$good" >"$d/good.jsonl"
check "a real deny line validates on its own" val "$schema" "$d/good.jsonl"
mutate() {	# $1: a Python statement on ev; the result must NOT validate
	/usr/bin/python3 -c "
import json, sys
ev = json.loads(open('$d/good.jsonl').read())
$1
print(json.dumps(ev, ensure_ascii=False))" >"$d/bad.jsonl" && ! val "$schema" "$d/bad.jsonl" >/dev/null 2>&1
}
check "uid as a string fails" mutate 'ev["uid"] = str(ev["uid"])'
check "a missing decision fails" mutate 'del ev["decision"]'
check "an unknown decision fails" mutate 'ev["decision"] = "maybe"'
check "a path that is no full path (name (dev 8:1 ino 12)) fails" \
	mutate 'ev["path"] = "salary.csv (dev 8:1 ino 12)"'
check "a missing schema version fails" mutate 'del ev["v"]'
check "an unknown member fails" mutate 'ev["colour"] = "red"'
check "an unknown category fails" mutate 'ev["categories"] = ["secret"]'
check "a short hash fails" mutate 'ev["hash"] = ev["hash"][:10]'
unresolved='ev["path"] = None; ev.update(file_name="salary.csv", file_dev="8:1", file_ino=12)'
/usr/bin/python3 -c "
import json
ev = json.loads(open('$d/good.jsonl').read())
$unresolved
print(json.dumps(ev, ensure_ascii=False))" >"$d/unresolved.jsonl"
check "a line with no path but the kernel's name, device and inode validates" \
	val "$schema" "$d/unresolved.jsonl"
check "the kernel's name beside a path fails (it is only for a path that cannot be found)" \
	mutate 'ev.update(file_name="salary.csv", file_dev="8:1", file_ino=12)'
check "a device that is no major:minor fails" mutate "$unresolved; ev['file_dev'] = 2049"
printf '{"ts":"x"\n' >"$d/bad.jsonl"
check "a line that is no JSON fails" bash -c "! /usr/bin/python3 '$top/tests/log/validate_events.py' '$schema' '$d/bad.jsonl' >/dev/null 2>&1"
exit 0
