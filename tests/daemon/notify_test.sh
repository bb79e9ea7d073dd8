#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard run` under a service manager, as the hardened unit runs it (scripts/pdguard.service):
# Type=notify messages (READY=1 once the driver enforces, STATUS= with the first scan's totals,
# WATCHDOG=1 from the main loop, STOPPING=1) reach a stand-in for systemd's notification
# socket; and in a mount namespace of its own (which ProtectSystem= and friends give the unit)
# the agent still sees files rewritten through the host's mounts. Everything lives in a private
# mount namespace on the test's own tmpfs mount.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
pdg_require_cmd python3
pdg_require_cmd unshare
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-notify-XXXXXX)
mount -t tmpfs -o size=64m pdg-notify-test "$d"
mkdir -p "$d/shares/hr" "$d/state"
cleanup() {
	[ -n "${agent:-}" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
	diag "$d/out.txt" "$d/notify.txt"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
echo "1..9"
has_label() { "$pd" label get "$1" 2>/dev/null | grep -q ": $2"; }
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $d/log/events.jsonl
state = $d/state
scan = $d/shares
CONF
printf 'ФИО;ИИН\nИванов Иван;900101300007\n' >"$d/shares/hr/staff.csv"
for i in $(seq 1 40); do printf 'notes %s, nothing personal\n' "$i" >"$d/shares/n$i.txt"; done

# the stand-in for systemd: every datagram on its own line, newlines inside shown as '|'
python3 - "$d/notify" "$d/notify.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], 'w') as out:
    while True:
        msg = s.recv(65536).decode('utf-8', 'replace')
        out.write(msg.replace('\n', '|') + '\n')
        out.flush()
PY
listener=$!
wait_for test -S "$d/notify"

# as the unit runs it: a mount namespace of its own, slave to ours (ProtectSystem= and friends),
# only the unit's CapabilityBoundingSet=, and no_new_privs
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$top/scripts/pdguard.service" | tr 'A-Z ' 'a-z\n' |
	sed -n 's/^cap_/+/p' | paste -sd, -)
check "the unit's capability set is read" test -n "$caps"
NOTIFY_SOCKET=$d/notify WATCHDOG_USEC=3000000 \
	setsid unshare -m --propagation slave \
	setpriv --bounding-set "-all,$caps" --inh-caps -all --no-new-privs \
	"$pd" run --config "$d/policy.conf" >"$d/out.txt" 2>&1 &
agent=$!
check "READY=1 once the driver runs, with the mode in the status" \
	wait_for grep -q '^READY=1|STATUS=running in audit mode' "$d/notify.txt"
check "the first scan's totals in the status" \
	wait_for grep -q '^STATUS=running; first scan done: [0-9]* files read, .* 1 with PD' "$d/notify.txt"
check "watchdog pings from the main loop" wait_for grep -q '^WATCHDOG=1$' "$d/notify.txt"
check "the scan labelled the file" wait_for has_label "$d/shares/hr/staff.csv" "pd "
# rewritten through our mount, not the agent's copy of it: still seen
printf 'ИИН сотрудника: 900101300007, Иванов Иван Иванович, приказ о приеме\n' >"$d/shares/n7.txt"
check "the fanotify driver runs with the unit's capabilities" \
	grep -Eq "^ +fanotify +in use" "$d/out.txt"
check "a file rewritten outside the agent's mount namespace is relabelled" \
	wait_for has_label "$d/shares/n7.txt" "pd "
kill -TERM "$agent"
wait "$agent"
rc=$?
agent=
check "SIGTERM stops it cleanly (exit 0)" test "$rc" -eq 0
check "STOPPING=1 on the way out" grep -q '^STOPPING=1|STATUS=pdguard stopping' "$d/notify.txt"
exit $((nfail > 0))
