#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Sealing the event log against root: set up a key, let an epoch end, and check that a log that
# root rewrote and re-chained, cut, or emptied is found out by `log verify --key`, while the
# plain chain check still passes the re-chained one (which is why the seal exists). Events come
# from `pdguard grant`, a command writing through the same path as the daemon. Only the test's
# own temporary directory is used.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (grants and the sealing key are root's)"
pdg_require_cmd python3
tap_version
d=$(mktemp -d /tmp/pdg-seal-XXXXXX)
trap 'rm -rf "$d"' EXIT
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
log = $log
state = $d/state
CONF
grant() {
	"$pd" grant add root basic --until +1h --approver "InfoSec officer" --reason "seal test $1" \
		--config "$d/policy.conf" >/dev/null 2>&1
}
# a root who rewrites a line and recomputes every hash after it: the chain verifies again
rechain() {
	python3 - "$1" <<'PY'
import hashlib, re, sys
path = sys.argv[1]
lines = open(path, 'rb').read().split(b'\n')[:-1]
prev = b'0' * 64
out = []
for i, line in enumerate(lines):
    body = line[:line.rindex(b',"hash":"')]
    if i == 0:
        prev = re.search(rb',"prev":"([0-9a-f]{64})"', body).group(1)
    body = re.sub(rb',"prev":"[0-9a-f]{64}"', b',"prev":"' + prev + b'"', body)
    h = hashlib.sha256(prev + body).hexdigest().encode()
    out.append(body + b',"hash":"' + h + b'"}')
    prev = h
open(path, 'wb').write(b'\n'.join(out) + b'\n')
PY
}
echo "1..11"
"$pd" log setup-keys --state "$d/state" --interval 10s >"$d/setup.out" 2>&1
check "setup-keys writes a root-only key and prints the verification key once" \
	bash -c "test \"\$(stat -c %a '$d/state/log-seal.key')\" = 600 &&
		grep -qE '^    [0-9a-f]{64}-[0-9]+-10$' '$d/setup.out'"
key=$(grep -oE '^    [0-9a-f]{64}-[0-9]+-10$' "$d/setup.out" | tr -d ' ')
check "a second setup-keys is refused (it would orphan the seals made so far)" \
	bash -c "! '$pd' log setup-keys --state '$d/state' 2>/dev/null"
grant 1
grant 2
# wait (bounded) for the first epoch to end: the next event then seals the ones before it
sealed() {
	local i
	for i in $(seq 1 30); do
		grant "tick $i"
		grep -q '"op":"seal"' "$log" && return 0
		sleep 1
	done
	return 1
}
check "when an epoch ends, the next write seals the log first" sealed
sealed_line=$(grep -n '"op":"seal"' "$log" | head -n 1 | cut -d: -f1)
check "the key on disk has stepped on (the old one is gone)" \
	bash -c "! grep -q ' epoch=0 ' '$d/state/log-seal.key'"
check "verify --key: chain and seals intact" "$pd" log verify --key "$key" "$log"
"$pd" log verify --key "$key" "$log" >"$d/ok.out"
check "it says how far the log is sealed" grep -q "^SEALED: 1 seals good" "$d/ok.out"

cp "$log" "$d/rewritten.jsonl"
sed -i '1s/seal test 1/nothing to see/' "$d/rewritten.jsonl"
rechain "$d/rewritten.jsonl"
check "a rewritten and re-chained log passes the plain chain check" \
	"$pd" log verify "$d/rewritten.jsonl"
"$pd" log verify --key "$key" "$d/rewritten.jsonl" >"$d/bad.out"
check "verify --key finds it, at the seal it breaks" \
	grep -q ":$sealed_line: BROKEN: the seal of epoch 0 does not match" "$d/bad.out"
check "...and exits 1" bash -c "! '$pd' log verify --key '$key' '$d/rewritten.jsonl' >/dev/null"
head -n $((sealed_line - 1)) "$log" >"$d/cut.jsonl"
"$pd" log verify --key "$key" "$d/cut.jsonl" >"$d/cut.out"
rc=$?
check "a log cut before its first seal fails verify --key (NOT SEALED)" \
	bash -c "test $rc -eq 1 && grep -q '^NOT SEALED' '$d/cut.out'"
: >"$d/empty.jsonl"
check "an emptied log fails verification" \
	bash -c "! '$pd' log verify '$d/empty.jsonl' >/dev/null"
exit 0
