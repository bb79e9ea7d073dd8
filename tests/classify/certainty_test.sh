#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Three labels of certainty in `pdguard scan`: a file is none only when every byte that could
# hold text was read; what was not read whole is unknown with the reason and exit status 3, is
# counted in the summary and not in "Data scanned". And the tricks that must not hide PD: a NUL
# byte before the text, PD inside a binary, a false UTF-16 byte-order mark, UTF-16 without a
# mark, an SQLite database (text columns read; numbers not: unknown).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
pd=${PDGUARD:-$top/build/pdguard}
rules=$top/policies/rules.d
echo "TAP version 13"
echo "1..13"
if [ ! -x "$pd" ] || ! command -v python3 >/dev/null; then
	for i in $(seq 1 13); do echo "ok $i - certainty # SKIP build/pdguard or python3 missing"; done
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdguard-certainty.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
export PDGUARD_RULES_CACHE=off
n=0 fails=0
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fails=$((fails + 1)); fi
}
scan() { "$pd" scan --rules "$rules" --jobs 1 "$@"; }
# label FILE -> the label scan --json gives it
label() { scan --json --quiet "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["label"])'; }

staff='ФИО;ИИН;Должность
Иванов Иван;900101300007;бухгалтер
Петрова Анна;850520400003;кадровик
'
mkdir -p "$tmp/t" "$tmp/clean"
printf '%s' "$staff" >"$tmp/t/plain.txt"
{ printf '\0'; printf '%s' "$staff"; } >"$tmp/t/nul-first.txt"
{ head -c 2000 /dev/urandom; printf '%s' "$staff"; head -c 2000 /dev/urandom; } >"$tmp/t/blob.bin"
{ printf '\xff\xfe'; printf '%s' "$staff"; } >"$tmp/t/bogus-ff-fe.txt"
{ printf '\xfe\xff'; printf '%s' "$staff"; } >"$tmp/t/bogus-fe-ff.txt"
printf '%s' "$staff" | iconv -f utf-8 -t utf-16le >"$tmp/t/utf16le-nomark.txt"
printf '%s' "$staff" | iconv -f utf-8 -t utf-16le | { printf '\xff\xfe'; cat; } >"$tmp/t/utf16le-mark.txt"
python3 - "$tmp/t/staff.db" "$tmp/t/staff-int.db" <<'PY'
import sqlite3, sys
rows = [("Иванов Иван", "900101300007"), ("Петрова Анна", "850520400003")]
a = sqlite3.connect(sys.argv[1]); a.execute("create table s(name text, iin text)")
a.executemany("insert into s values(?,?)", rows); a.commit()
b = sqlite3.connect(sys.argv[2]); b.execute("create table s(name text, iin integer)")
b.executemany("insert into s values(?,?)", [(x, int(y)) for x, y in rows]); b.commit()
PY
for f in plain.txt nul-first.txt blob.bin bogus-ff-fe.txt bogus-fe-ff.txt utf16le-nomark.txt \
	 utf16le-mark.txt staff.db; do
	l=$(label "$tmp/t/$f")
	check "$f is pd (got $l)" test "$l" = pd
done
l=$(label "$tmp/t/staff-int.db")
check "an SQLite database whose IINs are numbers is unknown, never none (got $l)" test "$l" = unknown

printf 'Meeting notes: nothing personal here.\n' >"$tmp/clean/notes.txt"
printf '%s' "$staff" | gzip | head -c 30 >"$tmp/clean/cut.gz"
scan "$tmp/clean" >"$tmp/out.txt" 2>&1
rc=$?
check "no PD but a file not read whole: exit 3 (got $rc)" test $rc -eq 3
check "the summary counts it and 'Data scanned' leaves it out" \
	bash -c "grep -q '^Unknown (not read whole): 1$' '$tmp/out.txt' && \
		 grep -q '^Data scanned: 0.00 MB$' '$tmp/out.txt' && grep -q 'UNKNOWN' '$tmp/out.txt'"
scan --json --quiet "$tmp/clean/cut.gz" >"$tmp/cut.json"
check "--json: label unknown with the reason in error" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["label"] == "unknown" and o["error"] and o["categories"] == [], o' "$tmp/cut.json"
scan "$tmp/clean/notes.txt" >/dev/null 2>&1
rc=$?
check "a file read whole without PD: none, exit 0 (got $rc)" test $rc -eq 0
exit $((fails > 0))
