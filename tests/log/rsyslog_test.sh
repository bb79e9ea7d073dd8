#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The rsyslog pipeline of docs/eventlog.md with Debian's real rsyslogd: imfile reads the event
# log, mmjsonparse parses each line, refusals and alerts go on (here to a file, instead of a
# collector), the rest does not. A private configuration, work directory and pid file; no
# socket is opened (imuxsock is not loaded), so the machine's logging is not touched.
# RSYSLOGD and RSYSLOG_MODDIR may name an rsyslogd unpacked elsewhere (docs/eventlog.md).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
rsd=${RSYSLOGD:-$(command -v rsyslogd || echo /usr/sbin/rsyslogd)}
tap_version
[ -x "$rsd" ] || pdg_skip_all "rsyslogd not installed (scripts/deps.sh test: rsyslog)"
pdg_require_root "needs root (the event log is root-only)"
echo "1..5"
d=$(mktemp -d /tmp/pdg-rsyslog-XXXXXX)
rpid=
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	diag "$d/rsyslogd.out"
	rm -rf "$d"
}
trap cleanup EXIT
mkdir -p "$d/work" "$d/state" "$d/files" "$d/out"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/files
CONF
printf 'x\n' >"$d/files/notes.txt"
# the log exists before rsyslogd watches it
"$pd" label set --log "$log" "$d/files/notes.txt" none >/dev/null
cat >"$d/rsyslog.conf" <<CONF
global(workDirectory="$d/work")
module(load="imfile")
module(load="mmjsonparse")
template(name="pdg" type="list") {
    property(name="\$!decision") constant(value=" ")
    property(name="\$!op") constant(value=" ")
    property(name="\$!seq") constant(value=" ")
    property(name="\$!hash") constant(value="\n")
}
input(type="imfile" File="$log" Tag="pdguard" Ruleset="pdguard" freshStartTail="off")
ruleset(name="pdguard") {
    action(type="mmjsonparse" cookie="")
    if \$parsesuccess == "OK" and (\$!decision == "deny" or \$!decision == "alert") then {
        action(type="omfile" File="$d/out/forwarded.log" Template="pdg")
    }
}
CONF
"$rsd" -N1 -f "$d/rsyslog.conf" ${RSYSLOG_MODDIR:+-M "$RSYSLOG_MODDIR"} >"$d/rsyslogd.out" 2>&1
check "rsyslogd accepts the documented configuration (rsyslogd -N1)" test $? -eq 0
"$rsd" -n -f "$d/rsyslog.conf" -i "$d/rsyslogd.pid" ${RSYSLOG_MODDIR:+-M "$RSYSLOG_MODDIR"} \
	>>"$d/rsyslogd.out" 2>&1 &
rpid=$!
# two alerts (mode changes) among info lines
"$pd" mode enforce --config "$d/policy.conf" >/dev/null 2>&1
"$pd" label set --log "$log" "$d/files/notes.txt" basic >/dev/null
"$pd" mode audit --config "$d/policy.conf" >/dev/null 2>&1
"$pd" label clear --log "$log" "$d/files/notes.txt" >/dev/null
check "the alerts are forwarded" \
	wait_for bash -c "[ \$(grep -c '^alert mode-change ' '$d/out/forwarded.log' 2>/dev/null) -eq 2 ]"
check "info lines are not" bash -c "! grep -v '^alert ' '$d/out/forwarded.log'"
want=$(grep '"decision":"alert"' "$log" | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print(e["decision"], e["op"], e["seq"], e["hash"])')
check "each forwarded record has the line's seq and hash, as parsed by mmjsonparse" \
	test "$want" = "$(cat "$d/out/forwarded.log")"
check "the log stays intact while rsyslogd reads it" "$pd" log verify "$log"
exit 0
