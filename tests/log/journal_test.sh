#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Events reach journald as structured fields: Debian's real systemd-journald runs in a private
# mount namespace (tmpfs over /run/systemd, /run/log and /var/log/journal, so the machine's
# journal is not touched), pdguard writes events through the native protocol, and
# `journalctl PDGUARD_...=` filters find them with the fields the log line has; a path with a
# newline goes in the protocol's binary form. Without journald or syslog the agent warns.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
jd=/lib/systemd/systemd-journald
pdg_require_root "needs root (private mounts over /run/systemd)"
[ -x "$jd" ] || pdg_skip_all "systemd-journald not installed (scripts/deps.sh test: systemd)"
pdg_require_cmd journalctl
PDG_NS_TIMEOUT=200 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-journal-XXXXXX)
mount -t tmpfs -o size=16m pdg-journal "$d"
mkdir -p "$d/files" "$d/state"
jpid=
cleanup() {
	[ -n "$jpid" ] && kill "$jpid" 2>/dev/null && wait "$jpid" 2>/dev/null
	diag "$d/jd.out" "$d/once.out"
	umount /run/systemd /run/log /var/log/journal 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
# the journal of this namespace only (the machine's journald, if any, keeps its own)
mount -t tmpfs pdg-journal-run /run/systemd && mkdir -p /run/systemd/journal &&
	mount -t tmpfs pdg-journal-log /run/log || pdg_skip_all "cannot mount over /run/systemd"
[ -d /var/log/journal ] && mount -t tmpfs pdg-journal-var /var/log/journal
echo "1..10"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/files
CONF
"$jd" >"$d/jd.out" 2>&1 &
jpid=$!
check "Debian's systemd-journald listens on its native socket in the namespace" \
	wait_for test -S /run/systemd/journal/socket
j() { journalctl -D /run/log/journal --no-pager -o json "$@"; }
printf 'Meeting notes\n' >"$d/files/notes.txt"
nl=$(printf '%s/files/odd\nname.txt' "$d")
printf 'x\n' >"$nl"
"$pd" label set --log "$log" "$d/files/notes.txt" basic >/dev/null
"$pd" label set --log "$log" "$nl" none >/dev/null
"$pd" mode enforce --config "$d/policy.conf" >/dev/null 2>&1
"$pd" run --config "$d/policy.conf" --once >"$d/once.out" 2>&1
journalctl -D /run/log/journal --sync 2>/dev/null || sleep 1
check "journalctl PDGUARD_OP=label-set finds the CLI's events" \
	wait_for bash -c "journalctl -D /run/log/journal --no-pager -o json PDGUARD_OP=label-set | grep -q PDGUARD_PATH"
j PDGUARD_OP=label-set >"$d/set.json"
j PDGUARD_DECISION=alert >"$d/alert.json"
j SYSLOG_IDENTIFIER=pdguard >"$d/all.json"
# compare field by field with the log's lines: the journal's PDGUARD_JSON is the line itself
/usr/bin/python3 - "$log" "$d" "$nl" >"$d/cmp.out" 2>&1 <<'PY'
import json, sys
log, d, nl = sys.argv[1], sys.argv[2], sys.argv[3]
def val(v):
    # journalctl -o json gives a value with control characters as an array of bytes
    return bytes(v).decode() if isinstance(v, list) else v
lines = {json.loads(l)["seq"]: json.loads(l) for l in open(log)}
entries = [json.loads(l) for l in open(d + "/all.json")]
res = {}
for e in entries:
    e = {k: val(v) for k, v in e.items()}
    ev = lines[int(e["PDGUARD_SEQ"])]
    assert json.loads(e["PDGUARD_JSON"]) == ev, "PDGUARD_JSON is not the log line"
    for f in ("op", "decision", "reason", "uid", "user", "comm", "exe", "path", "target", "label",
              "zone", "driver", "hash", "host", "pid"):
        key = "PDGUARD_" + f.upper()
        want = ev[f]
        if want is None or want == "" or (f == "pid" and want == 0):
            assert key not in e, "%s present for a null %s" % (key, f)
        else:
            assert e.get(key) == str(want), "%s: %r != %r" % (key, e.get(key), want)
    cats = ",".join(ev["categories"])
    assert e.get("PDGUARD_CATEGORIES", "") == cats, "categories"
    assert e["PDGUARD_V"] == str(ev["v"])
    assert e["SYSLOG_IDENTIFIER"] == "pdguard" and e["SYSLOG_FACILITY"] == "10"
    prio = {"deny": "4", "alert": "4", "would-deny": "5"}.get(ev["decision"], "6")
    assert e["PRIORITY"] == prio, "priority %s for %s" % (e["PRIORITY"], ev["decision"])
    assert e["MESSAGE"].startswith(ev["decision"] + " " + ev["op"]), e["MESSAGE"]
    assert "\n" not in e["MESSAGE"] or ev["path"] == nl
    res[ev["seq"]] = e
missing = sorted(set(lines) - set(res))
assert not missing, "log lines not in the journal: %s" % missing
assert any(e.get("PDGUARD_PATH") == nl for e in res.values()), "newline path not found intact"
print("%d journal entries match the log's %d lines field by field" % (len(res), len(lines)))
PY
rc=$?
sed 's/^/# /' "$d/cmp.out"
check "every log line is in the journal, field by field (PDGUARD_JSON is the line itself)" test $rc -eq 0
check "a path with a newline arrives intact (the protocol's binary form)" \
	grep -q 'match' "$d/cmp.out"
check "PDGUARD_DECISION=alert finds the mode change" grep -q '"PDGUARD_OP":"mode-change"' "$d/alert.json"
check "the agent's start is in the journal with its mode" \
	bash -c "journalctl -D /run/log/journal --no-pager -o json PDGUARD_OP=agent-start | grep -q '\"PDGUARD_DRIVER\":\"agent\"'"
check "the agent did not warn about a missing journal" bash -c "! grep -q 'is listening' '$d/once.out'"
check "MESSAGE is a short human line" \
	bash -c "journalctl -D /run/log/journal --no-pager -o cat PDGUARD_OP=label-set | grep -q '^info label-set $d/files/notes.txt'"
# no journald, no syslog: the agent says so once at start
kill "$jpid"; wait "$jpid" 2>/dev/null; jpid=
rm -f /run/systemd/journal/socket
if [ -S /dev/log ]; then
	skip_check "without journald or syslog the agent warns at start" "/dev/log exists here"
	skip_check "and still writes its log" "/dev/log exists here"
else
	before=$(wc -l <"$log")
	"$pd" run --config "$d/policy.conf" --once >"$d/once.out" 2>&1
	check "without journald or syslog the agent warns at start" \
		test "$(grep -c 'warning: neither journald' "$d/once.out")" -eq 1
	check "and still writes its log, chained" \
		bash -c "[ \$(wc -l <'$log') -gt $before ] && '$pd' log verify '$log' >/dev/null"
fi
exit 0
