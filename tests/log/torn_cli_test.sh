#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A power cut tears the event log's last line: `pdguard log verify` says so (exit 1, the line),
# the next command that logs repairs it with a log-repair alert instead of refusing to write, and
# the log verifies again. Events come from `pdguard grant`, which writes through the same path
# as the daemon. Only the test's own temporary directory is used.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (grants are root's)"
tap_version
echo "1..6"
d=$(mktemp -d /tmp/pdg-torn-cli-XXXXXX)
trap 'rm -rf "$d"' EXIT
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
log = $log
state = $d/state
CONF
grant() {
	"$pd" grant add root basic --until +1h --approver "InfoSec officer" --reason "torn test $1" \
		--config "$d/policy.conf" >"$d/grant.out" 2>&1
}
grant 1 && grant 2
lines=$(wc -l <"$log")
# half of the last line reached the disk
head -c 100 <(tail -n 1 "$log") >>"$log"
"$pd" log verify "$log" >"$d/verify.out" 2>&1
check "verify finds the torn line (exit 1)" test $? -eq 1
check "and names it as torn, with its number" \
	grep -q "^$log:$((lines + 1)): BROKEN: the last line is torn" "$d/verify.out"
check "the next writer repairs it instead of failing" grant 3
check "the repair is logged as an alert" \
	grep -q '"op":"log-repair","decision":"alert".*"torn_bytes":100,"torn_sha256":"' "$log"
"$pd" log verify "$log" >"$d/verify.out" 2>&1
check "the repaired log verifies" test $? -eq 0
check "with every line counted (torn line, repair, grant)" \
	grep -q "^OK: $((lines + 3)) events" "$d/verify.out"
exit $((nfail > 0))
