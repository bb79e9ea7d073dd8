#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A file the agent cannot read whole is never labelled clean: an encrypted ZIP and a damaged
# gzip (a container not opened, or not readable) get the label the policy's "unknown ="
# says (PD of every category by default, none when asked), with the unknown flag in the label
# attribute, a scan-unknown event with the reason, and a count on the start-up line.
# Everything lives in a private mount namespace on the test's own tmpfs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-unknown-XXXXXX)
mount -t tmpfs -o size=64m pdg-unknown-test "$d"
mkdir -p "$d/shares" "$d/state" "$d/state2"
cleanup() {
	diag "$d/out1.txt" "$d/out2.txt"
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
echo "1..11"
has_label() { "$pd" label get "$1" 2>/dev/null | grep -q ": $2"; }
policy() { # policy FILE STATE LOG [UNKNOWN]
	cat >"$1" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $3
state = $2
scan = $d/shares
${4:+unknown = $4}
CONF
}
staff='ФИО;ИИН;Должность\nИванов Иван;900101300007;бухгалтер\nПетрова Анна;850520400003;кадровик\n'
printf "$staff" >"$d/staff.csv"
printf 'Meeting notes: nothing personal here.\n' >"$d/shares/notes.txt"
# a gzip cut short: unknown whether gzip is opened (unsupported) or not (extraction failed)
gzip -c "$d/staff.csv" | head -c 24 >"$d/shares/staff.csv.gz"
python3 - "$d/shares/locked.zip" <<'PY'
# a ZIP whose member is marked encrypted (general purpose flag bit 0): no password, no text
import struct, sys, zlib
data = b"PK-encrypted-bytes-that-no-one-can-read-without-a-password"
name = b"staff.csv"
crc = zlib.crc32(data)
local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 1, 0, 0, 0, crc, len(data), len(data),
                    len(name), 0) + name + data
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 1, 0, 0, 0, crc, len(data),
                      len(data), len(name), 0, 0, 0, 0, 0, 0) + name
end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(central), len(local), 0)
open(sys.argv[1], "wb").write(local + central + end)
PY
policy "$d/p1.conf" "$d/state" "$d/log1.jsonl"
"$pd" run --config "$d/p1.conf" --once >"$d/out1.txt" 2>&1
check "the agent runs once over the share" test $? -eq 0
check "a gzip it cannot read is labelled pd of every category (unknown = pd, the default)" \
	has_label "$d/shares/staff.csv.gz" "pd basic personnel financial medical biometric"
check "the label says it is unknown (flag in the attribute)" \
	bash -c "'$pd' label get '$d/shares/staff.csv.gz' | grep -q 'unknown: not read whole'"
check "an encrypted ZIP is labelled pd, unknown" \
	bash -c "'$pd' label get '$d/shares/locked.zip' | grep -q ': pd .*unknown: not read whole'"
check "a file read whole without PD is none, not unknown" \
	bash -c "'$pd' label get '$d/shares/notes.txt' | grep ': none' | grep -vq 'unknown:'"
check "scan-unknown events say why (encrypted; unsupported or failed)" \
	bash -c "grep '\"op\":\"scan-unknown\"' '$d/log1.jsonl' | grep -q encrypted && \
		 grep '\"op\":\"scan-unknown\"' '$d/log1.jsonl' | grep -q 'staff.csv.gz'"
check "the start-up line counts them" grep -q "2 unknown (not read whole: unknown = pd)" "$d/out1.txt"
check "the log's chain is intact" bash -c "'$pd' log verify '$d/log1.jsonl' >/dev/null"

# unknown = none: the administrator accepts the risk; still flagged unknown, never silently clean
for f in "$d"/shares/*; do setfattr -x security.bpf.pdguard "$f" 2>/dev/null || "$pd" label clear --log "$d/cli-events.jsonl" "$f" >/dev/null 2>&1; done
policy "$d/p2.conf" "$d/state2" "$d/log2.jsonl" none
"$pd" run --config "$d/p2.conf" --once --engine pcre2 >"$d/out2.txt" 2>&1
check "unknown = none: the gzip is labelled none, flagged unknown" \
	bash -c "'$pd' label get '$d/shares/staff.csv.gz' | grep -q ': none .*unknown: not read whole'"
check "unknown = none is said on the start-up line" \
	grep -q "2 unknown (not read whole: unknown = none)" "$d/out2.txt"
check "run --engine pcre2: the agent runs PCRE2 and says so" grep -q "engine: PCRE2 JIT (as asked)" "$d/out2.txt"
exit 0
