#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ECS and OCSF: the mapping of every fixture event compared field by field with the reviewed
# fixtures (tests/log/fixtures/siem.{ecs,ocsf}.jsonl), a change in any field named; then end to
# end: with siem_format in the policy, the CLI and the agent write a second file whose every
# record names its native line (seq and hash), the native log's chain intact; a bad value is
# refused with file:line.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
helper=$top/build/tests/log/siem_helper
fx=$top/tests/log/fixtures
tap_version
[ -x /usr/bin/python3 ] || pdg_skip_all "python3 not installed"
echo "1..9"
d=$(mktemp -d /tmp/pdg-siem-XXXXXX)
trap 'rm -rf "$d"' EXIT

# compare FIXTURE OUTPUT: every field of every record, by its dotted name
cmp_fields() {
	/usr/bin/python3 - "$1" "$2" "$(cat "$top/VERSION" 2>/dev/null)" <<'PY'
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
version = sys.argv[3].strip()
def flat(o, pre=""):
    if isinstance(o, dict):
        out = {}
        for k, v in o.items():
            out.update(flat(v, pre + k + "."))
        return out
    return {pre[:-1]: o}
bad = 0
if len(want) != len(got):
    print("# %d records, %d expected" % (len(got), len(want)))
    bad += 1
for i, (w, g) in enumerate(zip(want, got), 1):
    fw, fg = flat(w), flat(g)
    # the product's version is the build's, not the fixture's
    for f in (fw, fg):
        f.pop("metadata.product.version", None)
    if "metadata" in g and version and g["metadata"]["product"]["version"] != version:
        print("# record %d: metadata.product.version %r, VERSION says %r"
              % (i, g["metadata"]["product"]["version"], version))
        bad += 1
    for k in sorted(set(fw) | set(fg)):
        if fw.get(k, "<absent>") != fg.get(k, "<absent>"):
            print("# record %d: %s: %r, expected %r" % (i, k, fg.get(k, "<absent>"),
                                                     fw.get(k, "<absent>")))
            bad += 1
sys.exit(1 if bad else 0)
PY
}
for fmt in ecs ocsf; do
	"$helper" "$fmt" >"$d/$fmt.jsonl"
	check "$fmt: every field of the 10 fixture events matches tests/log/fixtures/siem.$fmt.jsonl" \
		cmp_fields "$fx/siem.$fmt.jsonl" "$d/$fmt.jsonl"
done
# the comparison is no rubber stamp: one changed field is named
sed '1s/"outcome":"failure"/"outcome":"success"/' "$fx/siem.ecs.jsonl" >"$d/changed.jsonl"
check "a fixture with one changed field fails, naming it" \
	bash -c "$(declare -f cmp_fields); top='$top'; ! cmp_fields '$d/changed.jsonl' '$d/ecs.jsonl' >'$d/why' && grep -q 'record 1: event.outcome' '$d/why'"
check "OCSF: deny is action Denied / disposition Blocked, would-deny Allowed / Detected" \
	/usr/bin/python3 -c "
import json
r = [json.loads(l) for l in open('$d/ocsf.jsonl')]
assert (r[0]['action_id'], r[0]['disposition_id'], r[0]['class_uid'], r[0]['type_uid']) == (2, 2, 1001, 100114)
assert (r[1]['action_id'], r[1]['disposition_id']) == (1, 15)
assert (r[2]['action_id'], r[2]['disposition_id']) == (1, 1)
assert r[3]['file_result']['path'] == '/media/stick/salary.csv' and r[3]['activity_id'] == 5
"

# end to end: the policy's siem_format, written by the CLI beside the native log
for fmt in ecs ocsf; do
	mkdir -p "$d/$fmt/state" "$d/$fmt/files"
	cat >"$d/$fmt/policy.conf" <<CONF
[agent]
mode = audit
log = $d/$fmt/log/events.jsonl
state = $d/$fmt/state
scan = $d/$fmt/files
siem_format = $fmt
rules = $top/policies/rules.d
CONF
	printf 'x\n' >"$d/$fmt/files/notes.txt"
	"$pd" mode enforce --config "$d/$fmt/policy.conf" >/dev/null 2>&1
	"$pd" mode audit --config "$d/$fmt/policy.conf" >/dev/null 2>&1
done
# and the agent itself (start, labels, stop)
"$pd" run --config "$d/ecs/policy.conf" --once >"$d/once.out" 2>&1
# `pdguard mode` writes through the policy (cli_log_open): its SIEM copy comes with it
check "siem_format = ecs: events.ecs.jsonl beside the log, one record a native line, same seq and hash" \
	/usr/bin/python3 -c "
import json
n = [json.loads(l) for l in open('$d/ecs/log/events.jsonl')]
e = [json.loads(l) for l in open('$d/ecs/log/events.ecs.jsonl')]
assert len(n) == len(e) >= 2, (len(n), len(e))
for a, b in zip(n, e):
    assert (b['event']['sequence'], b['event']['hash'], b['event']['action']) == (a['seq'], a['hash'], a['op'])
    assert b['pdguard']['prev'] == a['prev'] and b['@timestamp'] == a['ts']
assert {'agent-start', 'agent-stop', 'mode-change'} <= {a['op'] for a in n}, [a['op'] for a in n]
"
check "siem_format = ocsf: events.ocsf.jsonl, the same" \
	/usr/bin/python3 -c "
import json
n = [json.loads(l) for l in open('$d/ocsf/log/events.jsonl')]
o = [json.loads(l) for l in open('$d/ocsf/log/events.ocsf.jsonl')]
assert len(n) == len(o) >= 2
for a, b in zip(n, o):
    assert (b['metadata']['sequence'], b['metadata']['uid']) == (a['seq'], a['hash'])
    assert b['unmapped']['pdguard']['op'] == a['op'] == 'mode-change' and b['disposition_id'] == 19
assert len(n) == 2
"
check "the SIEM file is root-only, as the log" test "$(stat -c %a "$d/ecs/log/events.ecs.jsonl")" = 600
check "the native log's chain is intact beside it" "$pd" log verify "$d/ecs/log/events.jsonl"
printf '[agent]\nsiem_format = cef\n' >"$d/bad.conf"
check "siem_format = cef is refused with file:line" \
	bash -c "'$pd' config check '$d/bad.conf' 2>&1 | grep -q 'bad.conf:2: siem_format = cef: allowed values are none, ecs and ocsf'"
exit 0
