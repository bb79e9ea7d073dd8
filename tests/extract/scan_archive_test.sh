#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard scan` on packed and encrypted files from the outside (issue 14): a staff list packed
# as .gz, .tar.gz, .tar.xz, .7z, .cpio is PD; an encrypted ZIP, 7z or PDF is an error
# or unknown result, never clean (an encrypted PDF: hostile_test.c); a PDF bomb is not clean
# either, and the scan goes on to the next file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
pd=$top/build/pdguard
rules=$top/policies/rules.d
. "$top/tests/tap.sh"
tap_version
echo "1..8"
if [ ! -x "$pd" ]; then
	skip 8 "build/pdguard is not built"
	exit 0
fi
for t in tar gzip xz 7z cpio zip; do
	if ! command -v "$t" >/dev/null; then
		skip 8 "$t is not installed (scripts/deps.sh test)"
		exit 0
	fi
done
tmp=$(mktemp -d /tmp/pdg-scanarc-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scan() { timeout 120 "$pd" scan --rules "$rules" "$@"; }
# how scan shows a file not read whole: an error (exit 2), or the unknown label (exit 3)
notread='(ERROR|UNKNOWN \(not read whole:)'
cd "$tmp" || exit 1
mkdir d
printf 'Табельный номер;ФИО;ИИН;Должность\n17;Иванов И.;900101300007;бухгалтер\n' >d/staff.csv
gzip -c d/staff.csv >staff.csv.gz
tar czf staff.tgz d
tar cJf staff.txz d
7z a -bd staff.7z d >/dev/null
(cd d && echo staff.csv | cpio -o -H newc --quiet) >staff.cpio
zip -q -P secret enc.zip d/staff.csv
7z a -bd -psecret enc.7z d >/dev/null
"$top/build/tests/extract/pdfbomb_helper" bomb.pdf 256

for f in staff.csv.gz staff.tgz staff.txz staff.7z staff.cpio; do
	scan "$f" >out.txt 2>&1
	rc=$?
	check "$f is PD (exit 1)" bash -c "[ $rc -eq 1 ] && grep -q '^$f: PD' out.txt" || diag out.txt
done
for f in enc.zip enc.7z; do
	scan "$f" >out.txt 2>&1
	rc=$?
	check "encrypted $f is an error or unknown result, never clean (exit 2 or 3)" \
		bash -c "[ $rc -eq 2 -o $rc -eq 3 ] && grep -Eq '^$f: $notread encrypted: ' out.txt" ||
		diag out.txt
done
scan bomb.pdf staff.tgz >out.txt 2>&1
rc=$?
check "a PDF bomb is an error and the scan goes on" \
	bash -c "[ $rc -ne 0 ] && grep -Eq '^bomb.pdf: $notread limit exceeded: ' out.txt &&
		 grep -q '^staff.tgz: PD' out.txt" || diag out.txt
exit 0
