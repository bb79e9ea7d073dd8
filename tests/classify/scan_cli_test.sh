#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard scan` and `pdguard rules` from the outside: exit codes 0/1/2, the JSON shape, masked
# samples, and files that must not stop or hang a scan (FIFO, socket, unreadable file, symlink
# loop, a name that is not UTF-8).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
pd=$top/build/pdguard
rules=$top/policies/rules.d
. "$top/tests/tap.sh"
tap_version
echo "1..42"
if [ ! -x "$pd" ]; then
	skip 42 "build/pdguard is not built"
	exit 0
fi
tmp=$(mktemp -d /tmp/pdg-scan-XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
scan() { timeout 60 "$pd" scan --rules "$rules" --quiet "$@"; }

mkdir -p "$tmp/clean" "$tmp/pd/sub" "$tmp/odd"
printf 'Отчёт о продажах за март.\nЗаказ 123456789012 отгружен.\n' >"$tmp/clean/report.txt"
{
	printf 'Список сотрудников\nТабельный номер;ФИО;ИИН;Должность\n'
	printf '17;Иванов И.;900101300007;бухгалтер\n18;Петрова А.;850520400003;кассир\n'
} >"$tmp/pd/sub/staff.csv"
cp "$tmp/clean/report.txt" "$tmp/pd/"

scan "$tmp/clean" >/dev/null
check "clean tree exits 0" test $? -eq 0
scan "$tmp/pd" >"$tmp/out.txt"
check "tree with PD exits 1" test $? -eq 1
check "human output names the file and categories" \
	grep -q "^$tmp/pd/sub/staff.csv: PD \[basic,personnel\] iin: 2, high, e.g. 900101\*\*\*\*\*\*" "$tmp/out.txt"
check "human output leaves clean files out" bash -c "! grep -q report.txt '$tmp/out.txt'"
check "no IIN in clear" bash -c "! grep -Eq '900101300007|850520400003' '$tmp/out.txt'"

"$pd" scan --rules "$rules" "$tmp/pd" >"$tmp/summary.txt"
check "summary counts files and PD" \
	bash -c "grep -q '^Files scanned: 2$' '$tmp/summary.txt' && grep -q '^Files with PD: 1$' '$tmp/summary.txt' && grep -q 'MB/s' '$tmp/summary.txt'"

scan --json "$tmp/pd" "$tmp/clean" >"$tmp/out.json"
check "--json exits 1" test $? -eq 1
check "--json: one valid object per file with every field" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
for l in lines:
    o = json.loads(l)
    assert set(o) >= {"path", "mime", "bytes", "label", "categories", "findings", "error"}, o
    assert o["label"] in ("pd", "none") and o["error"] is None, o
    for f in o["findings"]:
        assert set(f) == {"rule", "category", "count", "confidence", "sample"}, f
pd = [json.loads(l) for l in lines if json.loads(l)["label"] == "pd"]
assert len(pd) == 1 and pd[0]["path"].endswith("staff.csv"), pd
assert pd[0]["categories"] == ["basic", "personnel"], pd
iin = [f for f in pd[0]["findings"] if f["rule"] == "iin"][0]
assert iin == {"rule": "iin", "category": "basic", "count": 2, "confidence": "high",
               "sample": "900101******"}, iin
assert pd[0]["mime"] == "text/plain" and pd[0]["bytes"] > 0
' "$tmp/out.json"
check "--json: no IIN in clear" bash -c "! grep -Eq '900101300007|850520400003' '$tmp/out.json'"
scan --json --jobs 1 "$tmp/pd" "$tmp/clean" | sort >"$tmp/j1"
scan --json --jobs 4 "$tmp/pd" "$tmp/clean" | sort >"$tmp/j4"
check "--jobs 1 and --jobs 4 give the same results" cmp -s "$tmp/j1" "$tmp/j4"

# files that must be reported, never opened or waited for
cp "$tmp/pd/sub/staff.csv" "$tmp/odd/staff.csv"
mkfifo "$tmp/odd/fifo"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tmp/odd/sock"
ln -s loop "$tmp/odd/loop"
ln -s b "$tmp/odd/a"
ln -s a "$tmp/odd/b"
ln -s .. "$tmp/odd/up"
printf 'secret' >"$tmp/odd/unreadable"
chmod 000 "$tmp/odd/unreadable"
cp "$tmp/clean/report.txt" "$tmp/odd/$(printf 'bad\xffname.txt')"
asuser=()
if [ "$(id -u)" -eq 0 ]; then
	chmod -R a+rX "$tmp/odd" "$tmp/clean" "$tmp/pd"
	chmod 000 "$tmp/odd/unreadable"
	asuser=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
timeout 60 "${asuser[@]}" "$pd" scan --rules "$rules" --quiet --json "$tmp/odd" >"$tmp/odd.json"
rc=$?
check "odd files: exit 2 (errors), no hang" test $rc -eq 2
check "odd files reported, scan went on" python3 -c '
import json, os, sys
res = {os.path.basename(os.fsencode(o["path"])): o for o in map(json.loads, open(sys.argv[1]))}
want = {b"fifo": "special file, skipped", b"sock": "special file, skipped",
        b"loop": "symlink loop", b"a": "symlink loop", b"b": "symlink loop",
        b"unreadable": "Permission denied"}
for name, err in want.items():
    assert res[name]["error"] == err, (name, res.get(name))
    # a file that could not be read may hold PD: unknown; a FIFO or a loop holds no bytes
    assert res[name]["label"] == ("unknown" if name == b"unreadable" else "none"), res[name]
assert res[b"staff.csv"]["label"] == "pd", res[b"staff.csv"]
assert res[b"fifo"]["mime"] == "inode/fifo" and res[b"sock"]["mime"] == "inode/socket"
assert b"up" not in res          # a link to a directory is not followed
assert res[b"bad\xffname.txt"]["error"] is None    # the name round-trips (surrogateescape)
' "$tmp/odd.json"
check "a FIFO named on the command line is skipped, exit 0" \
	bash -c "timeout 20 '$pd' scan --rules '$rules' --quiet '$tmp/odd/fifo' >/dev/null"
timeout 20 "$pd" scan --rules "$rules" --quiet "$tmp/odd/loop" 2>/dev/null >"$tmp/loop.txt"
check "a symlink loop on the command line: exit 2, reported" \
	bash -c "[ $? -eq 2 ] && grep -q 'symlink loop' '$tmp/loop.txt'"
scan /nonexistent/file >/dev/null 2>&1
check "a missing path: exit 2" test $? -eq 2

# rules
mkdir -p "$tmp/rules"
cp "$rules"/*.conf "$tmp/rules/"
printf '[rule broken]\ncategory = basic\npattern = ([0-9]{12}\n' >"$tmp/rules/60-broken.conf"
"$pd" scan --quiet --json --rules "$tmp/rules" "$tmp/pd" >"$tmp/bad.json" 2>"$tmp/bad.err"
rc=$?
check "a bad rule file: exit 2, the other rules still find PD" \
	bash -c "[ $rc -eq 2 ] && grep -q '\"label\":\"pd\"' '$tmp/bad.json'"
check "the bad rule is reported as file:line: reason" grep -q \
	"$tmp/rules/60-broken.conf:3: pattern error at offset 10: missing closing parenthesis" \
	"$tmp/bad.err"
"$pd" rules check "$tmp/rules" >/dev/null 2>"$tmp/check.err"
check "rules check: exit 1 with the error" \
	bash -c "[ $? -eq 1 ] && grep -q '60-broken.conf:3:' '$tmp/check.err'"
check "rules check of the shipped rules: exit 0" bash -c "'$pd' rules check '$rules' >'$tmp/check.out'"
check "rules check says where each rule is looked for" bash -c "
	grep -qx \"scan: rule 'iin': only around runs of 9+ digits with ' ()+-' between\" '$tmp/check.out' &&
	grep -qx \"scan: rule 'iban-kz': whole text\" '$tmp/check.out' &&
	grep -qx \"scan: rule 'icd10': only in blocks with an identifier (supporting)\" '$tmp/check.out'"
"$pd" rules test --rules "$rules" "$tmp/pd/sub/staff.csv" >"$tmp/test.txt"
check "rules test shows each candidate with line:col and why" \
	grep -Eq "^ +3:[0-9]+ +iin +900101\*{6} +accepted +high +context 'ИИН' within 300 chars" "$tmp/test.txt"
printf 'ИИН 900101300002\n' >"$tmp/wrong.txt"
check "rules test explains a rejection" \
	bash -c "'$pd' rules test --rules '$rules' '$tmp/wrong.txt' | grep -q 'rejected  *wrong check digit'"
# Legacy Excel 97-2003 (.xls, through catdoc's xls2csv), written here by Debian's python3-xlwt:
# IINs typed as text and as numbers, one of them born in 2005 so Excel dropped its leading 0.
if /usr/bin/python3 -c 'import xlwt' 2>/dev/null && [ -x /usr/bin/xls2csv ]; then
	/usr/bin/python3 - "$tmp/legacy" <<'PY'
import os, sys
import xlwt
d = sys.argv[1]
os.makedirs(d)
wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Сотрудники")
rows = [("ФИО", "ИИН", "Должность", "Оклад"),
        ("Иванов Иван", "900101300007", "бухгалтер", 350000),
        ("Петрова Анна", 850520400003, "кадровик", 420000),
        ("Сейткали Дана", 50314541869, "стажёр", 180000)]
for r, row in enumerate(rows):
    for c, v in enumerate(row):
        ws.write(r, c, v)
wb.save(os.path.join(d, "staff-export.dat"))   # typed by content, not by name
wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Заказы")
ws.write(0, 0, "Номер заказа"); ws.write(0, 1, "Сумма")
for r in range(1, 40):
    ws.write(r, 0, 123456789000 + r * 7919); ws.write(r, 1, 1000 * r)
wb.save(os.path.join(d, "orders.xls"))
PY
	scan --json "$tmp/legacy/staff-export.dat" >"$tmp/xls.json"
	check "legacy .xls: IINs as text and as numbers are found" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["mime"] == "application/vnd.ms-excel" and o["error"] is None, o
assert o["label"] == "pd" and o["findings"][0]["rule"] == "iin", o
assert o["findings"][0]["count"] == 3, o' "$tmp/xls.json"
	"$pd" rules test --rules "$rules" "$tmp/legacy/staff-export.dat" >"$tmp/xls-test.txt" 2>&1
	check "legacy .xls: an 11-digit number cell is read with its lost leading 0" \
		grep -q "050314\*\*\*\*\*\* *accepted" "$tmp/xls-test.txt"
	scan --json "$tmp/legacy/orders.xls" >"$tmp/xls2.json"
	check "legacy .xls of 12-digit order numbers is not PD" \
		grep -q '"label":"none".*"error":null' "$tmp/xls2.json"
else
	skip 3 "python3-xlwt or catdoc missing (scripts/deps.sh test installs them)"
fi
# RTF (Word's "Rich Text", often saved as .doc): Cyrillic as \'hh escapes in code page 1251 and
# as \uN, which only a decoder turns back into words; catdoc reads it.
if [ -x /usr/bin/catdoc ]; then
	python3 - "$tmp/order.doc" <<'PY'
import sys
def esc(s):
    out = []
    for ch in s:
        if ord(ch) < 128:
            out.append(ch)
        elif ch in "ИН":          # some letters as \uN with an ASCII fallback, as Word writes them
            out.append("\\u%d?" % ord(ch))
        else:
            out.append("\\'%02x" % ch.encode("cp1251")[0])
    return "".join(out)
body = ["Приказ о приеме на работу", "Табельный номер 17, должность бухгалтер",
        "ФИО: Иванов Иван, ИИН 900101300007", "ФИО: Петрова Анна, ИИН 850520400003"]
rtf = "{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0 Times New Roman;}}\\f0\\fs24 "
rtf += "\\par ".join(esc(l) for l in body) + "\\par }"
open(sys.argv[1], "w", encoding="ascii").write(rtf)
PY
	scan --json "$tmp/order.doc" >"$tmp/rtf.json"
	check "RTF: typed by content and its escaped Cyrillic decoded" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["mime"] == "text/rtf" and o["error"] is None, o
assert o["label"] == "pd" and "personnel" in o["categories"], o
f = [x for x in o["findings"] if x["rule"] == "iin"][0]
assert f["count"] == 2 and f["confidence"] == "high", o' "$tmp/rtf.json"
	check "RTF: no IIN in clear in the output" bash -c "! grep -Eq '900101300007|850520400003' '$tmp/rtf.json'"
else
	skip 2 "catdoc missing (scripts/deps.sh run installs it)"
fi
# Legacy Word 97-2003 (.doc: an OLE2 file with the text in its WordDocument stream, read by
# catdoc), written here by Debian's LibreOffice (libreoffice-writer-nogui) from a UTF-8 text.
if command -v soffice >/dev/null && [ -x /usr/bin/catdoc ]; then
	mkdir -p "$tmp/word" "$tmp/lohome"
	printf '%s\n' "Список сотрудников отдела" "Иванов Иван, ИИН 900101300007, бухгалтер" \
		"Петрова Анна, ИИН 850520400003, кассир" >"$tmp/word/staff.txt"
	HOME=$tmp/lohome timeout 180 soffice --headless --norestore \
		--convert-to 'doc:MS Word 97' --outdir "$tmp/word" "$tmp/word/staff.txt" >/dev/null 2>&1
	mv "$tmp/word/staff.doc" "$tmp/word/staff.bin" 2>/dev/null
	scan --json "$tmp/word/staff.bin" >"$tmp/doc.json"
	check "legacy .doc (Word 97): typed by content, its IINs found" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).read())
assert o["mime"] == "application/msword" and o["error"] is None, o
f = [x for x in o["findings"] if x["rule"] == "iin"][0]
assert o["label"] == "pd" and f["count"] == 2 and f["confidence"] == "high", o' "$tmp/doc.json"
	check "legacy .doc: no IIN in clear in the output" \
		bash -c "[ -s '$tmp/doc.json' ] && ! grep -Eq '900101300007|850520400003' '$tmp/doc.json'"
else
	skip 2 "LibreOffice or catdoc missing (scripts/deps.sh test installs them)"
fi
# A photo in a personnel record is biometric (by content: a portrait JPEG among the document's
# pictures), a photo in a newsletter is nothing. Real files: the JPEG rendered by poppler's
# pdftoppm, the DOCX written by LibreOffice from HTML that carries it as a data: URI.
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
	mkdir -p "$tmp/photo"
	python3 - "$tmp/photo" "$top/tests/corpus" <<'PY'
import base64, os, sys
sys.path.insert(0, sys.argv[2])
import formats
d = formats.Doc("x", "ru", "none", [])
d.title = "Фото 3x4"
open(os.path.join(sys.argv[1], "face.pdf"), "wb").write(formats.to_pdf(d))
PY
	pdftoppm -jpeg -r 40 -singlefile "$tmp/photo/face.pdf" "$tmp/photo/face"
	python3 - "$tmp/photo" <<'PY'
import base64, os, sys
d = sys.argv[1]
img = base64.b64encode(open(os.path.join(d, "face.jpg"), "rb").read()).decode()
pic = '<p><img src="data:image/jpeg;base64,%s" width="120" height="160"></p>' % img
card = ["Личная карточка работника (форма Т-2)", "Табельный номер 117",
        "Иванов Иван Петрович, ИИН 900101300007, должность бухгалтер"]
news = ["Корпоративный вестник", "Поздравляем коллегу с юбилеем!"]
for name, lines in (("card", card), ("news", news)):
    body = "".join("<p>%s</p>" % l for l in lines) + pic
    open(os.path.join(d, name + ".html"), "w").write(
        '<html><head><meta charset="utf-8"></head><body>%s</body></html>' % body)
PY
	HOME=$tmp/lohome timeout 180 soffice --headless --norestore --convert-to 'docx:MS Word 2007 XML' \
		--outdir "$tmp/photo" "$tmp/photo/card.html" "$tmp/photo/news.html" >/dev/null 2>&1
	scan --json "$tmp/photo/card.docx" "$tmp/photo/news.docx" >"$tmp/photo.json"
	check "a photo in a personnel record adds biometric" python3 -c '
import json, sys
o = [json.loads(l) for l in open(sys.argv[1])]
card = [x for x in o if x["path"].endswith("card.docx")][0]
assert card["label"] == "pd" and "biometric" in card["categories"], card
f = [x for x in card["findings"] if x["rule"] == "photo"][0]
assert f["sample"].startswith("image/jpeg "), card' "$tmp/photo.json"
	check "a photo in a newsletter is not PD" \
		grep -q '"path":"[^"]*news.docx".*"label":"none"' "$tmp/photo.json"
	mkdir -p "$tmp/photo/pdf"
	HOME=$tmp/lohome timeout 180 soffice --headless --norestore --convert-to pdf \
		--outdir "$tmp/photo/pdf" "$tmp/photo/card.html" >/dev/null 2>&1
	check "a photo in a PDF personnel card adds biometric" bash -c \
		"timeout 60 '$pd' scan --rules '$rules' --json '$tmp/photo/pdf/card.pdf' 2>/dev/null |
		grep -q '\"categories\":\[[^]]*\"biometric\".*\"rule\":\"photo\",.*\"sample\":\"PDF image '"
else
	skip 3 "LibreOffice or poppler-utils missing (scripts/deps.sh test installs them)"
fi
# A ZIP's members are documents of their own: a payment log of failing 12-digit numbers beside a
# staff list must not hide the list's IINs (the IIN rule's min-ratio is per document).
python3 - "$tmp/archive.zip" <<'PY'
import random, sys, zipfile
rng = random.Random(3)
log = "".join("2024-03-01T10:%02d:00 txn=%012d amount=%d\n" % (i % 60, rng.randrange(10**12), 100 + i)
              for i in range(400))
staff = "Табельный номер;ФИО;Должность\n17;Иванов И.;900101300007;инженер\n18;Петрова А.;850520400003;кассир\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("logs/payments.log", log)
    z.writestr("hr/staff.csv", staff)
PY
scan --json "$tmp/archive.zip" >"$tmp/zip.json"
check "ZIP: each member weighed as its own document" \
	grep -q '"label":"pd".*"rule":"iin","category":"basic","count":2' "$tmp/zip.json"
check "rules test shows where one member's document ends" \
	bash -c "'$pd' rules test --rules '$rules' '$tmp/archive.zip' | grep -q -- '-- end of a document (an archive member)'"
# identity documents: ICAO 9303 zones (the Doc 9303 specimens) and Russian internal passports
mkdir -p "$tmp/id"
printf 'Паспорт\nP<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n' \
	>"$tmp/id/td3.txt"
printf 'ID\r\nI<UTOD231458907<<<<<<<<<<<<<<<\r\n7408122F1204159UTO<<<<<<<<<<<6\r\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\r\n' \
	>"$tmp/id/td1.txt"
scan --json "$tmp/id" >"$tmp/id.json"
check "MRZ: TD3 and TD1 specimens are PD by their zone alone, masked to code and state" \
	bash -c "grep -q '\"path\":\"$tmp/id/td3.txt\".*\"rule\":\"mrz\",\"category\":\"basic\",\"count\":1,\"confidence\":\"high\",\"sample\":\"P<UTO\*\{16\}\"' '$tmp/id.json' &&
		grep -q '\"path\":\"$tmp/id/td1.txt\".*\"rule\":\"mrz\".*\"sample\":\"I<UTO\*\{16\}\"' '$tmp/id.json'"
"$pd" rules test --rules "$rules" "$tmp/id/td3.txt" "$tmp/id/td1.txt" >"$tmp/id.test" 2>&1
check "MRZ: no number, date or name in clear in scan or rules test" \
	bash -c "! grep -Eq 'L898902|D231458|740812|ERIKSSON' '$tmp/id.json' '$tmp/id.test'"
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<11\n' \
	>"$tmp/clean/mrz-bad.txt"
scan "$tmp/clean/mrz-bad.txt" >/dev/null
check "MRZ: one wrong check digit (the composite) is not PD" test $? -eq 0
check "MRZ: rules test says which check digit" bash -c \
	"'$pd' rules test --rules '$rules' '$tmp/clean/mrz-bad.txt' | grep -q 'rejected *wrong composite check digit'"
printf 'Петров П.П., паспорт гражданина РФ серия 45 07 № 123456, выдан ОУФМС\n' >"$tmp/id/ru1.txt"
printf 'Петров П.П.\nПаспорт: 4507 123456, код подразделения 770-001\n' >"$tmp/id/ru2.txt"
scan --json "$tmp/id/ru1.txt" "$tmp/id/ru2.txt" >"$tmp/ru.json"
check "Russian passport: both forms next to a passport word are PD" \
	bash -c "grep -q 'ru1.txt.*\"rule\":\"passport-ru-sign\"' '$tmp/ru.json' && grep -q 'ru2.txt.*\"rule\":\"passport-ru\"' '$tmp/ru.json' && ! grep -q 123456 '$tmp/ru.json'"
printf 'Партия 45 07 123456 отгружена на склад.\nПартия 4507 654321 принята.\n' >"$tmp/clean/lots.txt"
scan "$tmp/clean/lots.txt" >/dev/null
check "Russian passport: the same digits without a passport word are not PD" test $? -eq 0
check "scan --help" bash -c "'$pd' scan --help | grep -q '^Exit status'"
check "rules --help" bash -c "'$pd' rules --help | grep -q 'pdguard rules test'"
exit $((nfail > 0))
