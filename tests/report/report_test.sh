#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard report datamap|access|audit` on a real agent's state and log: pdguard run (fanotify
# here, whatever driver the kernel gives) labels a small share on the test's own tmpfs, test
# users read, are refused, get grants (one used for a burst that raises a mass-export alert, one
# never used, one revoked), a copy to the USB zone is refused; then each report runs and its
# numbers are checked against the log's own lines (jq), the JSON and CSV are parsed, a tampered
# log is found out at its line, and the HTML is rendered by headless Chromium (its charts in the
# DOM, a screenshot that is not blank). No report may contain a PD value.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (test users, fanotify, labels)"
pdg_require_cmd jq python3
PDG_NS_TIMEOUT=600 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-report-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o size=64m,mode=0755 pdg-report "$d"
mkdir -p "$d/shares/hr/batch" "$d/usb" "$d/state" "$d/home/pdgr-acc/Downloads" "$d/out"
mount -t tmpfs -o size=4m,mode=0777 pdg-report-usb "$d/usb"
users=(pdgr-hr pdgr-acc)
staff=pdgr-staff
cleanup() {
	[ -n "${agent:-}" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	[ -d /sys/fs/bpf/pdguard ] && "$pd" bpf --log /dev/null detach --break-glass --reason 'test cleanup' >/dev/null 2>&1
	diag "$d/agent.out" "$d/out/err.txt"
	[ -n "${PDG_KEEP_REPORTS:-}" ] && cp -r "$d/out/." "$PDG_KEEP_REPORTS/"
	for u in "${users[@]}"; do userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done
	groupdel "$staff" 2>/dev/null
	umount "$d/usb" 2>/dev/null
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
groupdel "$staff" 2>/dev/null
groupadd "$staff" || pdg_skip_all "cannot create a test group"
for u in "${users[@]}"; do
	userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null
	groupadd "$u" && useradd -M -N -g "$u" -G "$staff" -d "$d/home/$u" -s /usr/sbin/nologin "$u" || {
		pdg_skip_all "cannot create test users"; }
done

echo "1..32"
as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
log=$d/log/events.jsonl
iin=900101300007
personnel() {	# a personnel order with one employee (fictitious, valid IIN check digits)
	printf 'ПРИКАЗ № %s-к\nо приеме на работу\nПринять на работу %s, ИИН %s, на должность специалиста.\nОснование: заявление работника, трудовой договор.\nС приказом ознакомлен.\n' "$1" "$2" "$iin"
}
personnel 1 "Иванова Ивана Ивановича" >"$d/shares/hr/order-1.txt"
personnel 2 "Петровой Анны Сергеевны" >"$d/shares/hr/export-2025.txt"
for i in 1 2 3 4 5 6 7 8; do personnel "$((100 + i))" "Сотрудника $i" >"$d/shares/hr/batch/o-$i.txt"; done
personnel 4 "Смирновой Ольги" >"$d/shares/phones.txt"	# readable by everyone on the host
printf 'Meeting notes: nothing personal here.\n' >"$d/shares/notes.txt"
# the share is the staff group's: readable by its members (DAC first, then the roles decide)
chgrp "$staff" "$d"/shares/hr/*.txt "$d"/shares/hr/batch/*.txt
chmod 640 "$d"/shares/hr/*.txt "$d"/shares/hr/batch/*.txt
chmod 644 "$d/shares/phones.txt"
chmod 755 "$d/shares/hr" "$d/shares/hr/batch"
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
decision_timeout_ms = 5000
[zone usb]
removable = no
path = $d/usb
[alerts]
mass_export_files = 5
mass_export_window = 3600
[role hr]
group = pdgr-hr
read = basic personnel
[role accounting]
group = pdgr-acc
read = basic financial
CONF
G() { "$pd" grant --config "$d/policy.conf" "$@"; }
R() { "$pd" report --config "$d/policy.conf" "$@"; }

setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
wait_for grep -q " in use" "$d/agent.out"
wait_for bash -c "[ \$(grep -c '\"op\":\"label\".*\"label\":\"pd\"' '$log') -ge 11 ]"
as pdgr-hr cat "$d/shares/hr/order-1.txt" >/dev/null 2>&1
as pdgr-acc cat "$d/shares/hr/order-1.txt" >/dev/null 2>&1
G add pdgr-acc personnel --until +1h --approver "HR head A. Seitkali" --reason "audit 4711" >/dev/null
sleep 1.5	# the agent sees a new grant within a second
as pdgr-acc bash -c "for f in '$d'/shares/hr/batch/*.txt; do cat \"\$f\"; done" >/dev/null 2>&1
G add pdgr-hr medical --until +1d --approver "A. Seitkali" --reason "never used" >/dev/null
G add pdgr-acc financial --until +1d --approver "A. Seitkali" --reason "=HYPERLINK(1)" >/dev/null
G revoke 3 >/dev/null
as pdgr-hr cp "$d/shares/hr/order-1.txt" "$d/usb/" 2>/dev/null
wait_for grep -q '"alert":"mass-export"' "$log"
kill -TERM "$agent"
wait "$agent"
agent=
# an export left in a download folder, labelled by the administrator (the CLI logs it)
personnel 3 "Сидорова Петра" >"$d/home/pdgr-acc/Downloads/=cmd<script>x.txt"
"$pd" label set --log "$log" "$d/home/pdgr-acc/Downloads/=cmd<script>x.txt" basic,personnel >/dev/null
touch -a -d '100 days ago' "$d/shares/hr/export-2025.txt"
o=$d/out

# the truth, from the log and the files themselves
ev() { jq -c "select($1)" "$log" | wc -l; }
acc=$(id -u pdgr-acc)
hr=$(id -u pdgr-hr)
n_pd=$(find "$d/shares" "$d/home" -type f -exec "$pd" label get {} + 2>/dev/null | grep -c ': pd ')
n_personnel=$(find "$d/shares" "$d/home" -type f -exec "$pd" label get {} + 2>/dev/null | grep ': pd ' | grep -c personnel)

R datamap --also "$d/home" -o "$o/datamap.json" 2>"$o/err.txt"
check "datamap: written, valid JSON" python3 -m json.tool "$o/datamap.json" /dev/null
check "datamap: every labelled PD file counted ($n_pd)" \
	test "$(jq .summary.pd_files "$o/datamap.json")" -eq "$n_pd" -a "$n_pd" -eq 12
check "datamap: PD per category matches the labels ($n_personnel personnel)" \
	test "$(jq '.sections.by_category.rows[]|select(.category=="personnel").files' "$o/datamap.json")" -eq "$n_personnel"
check "datamap: the export in Downloads is listed first, outside the homes" \
	test "$(jq -r '.sections.files.rows[0]|.place+" "+(.priority|tostring)+" "+.path' "$o/datamap.json")" = "downloads 1 $d/home/pdgr-acc/Downloads/=cmd<script>x.txt"
check "datamap: then the file readable by everyone, then the export not opened for 100 days (stale)" \
	test "$(jq -r '.sections.files.rows[1:3][]|.place+" "+.stale+" "+(.priority|tostring)+" "+.path' "$o/datamap.json" | tr '\n' ' ')" = "everyone no 1 $d/shares/phones.txt home yes 2 $d/shares/hr/export-2025.txt "
last=$(jq -r "select(.op==\"open\" and .decision==\"allow\" and .path==\"$d/shares/hr/order-1.txt\").ts" "$log" | tail -n 1 | cut -c1-19)
check "datamap: last PD open of a file is the log's ($last)" \
	test "$(jq -r ".sections.files.rows[]|select(.path==\"$d/shares/hr/order-1.txt\").last_pd_open" "$o/datamap.json" | cut -c1-19)" = "$last"
check "datamap: the folder tree counts the batch folder's 8 files" \
	test "$(jq ".sections.folders.rows[]|select(.folder==\"$d/shares/hr/batch\").pd_files" "$o/datamap.json")" -eq 8

R access -o "$o/access.json" 2>>"$o/err.txt"
uses=$(ev ".uid==$acc and .decision==\"allow\" and (.reason|tostring|startswith(\"granted\"))")
check "access: valid JSON" python3 -m json.tool "$o/access.json" /dev/null
check "access: grant 1's uses are the log's granted reads ($uses)" \
	test "$(jq '.sections.grants.rows[]|select(.id==1).uses' "$o/access.json")" -eq "$uses" -a "$uses" -eq 8
check "access: the revoked grant is never used, the unused one not yet used" \
	test "$(jq -r '[.sections.grants.rows[]|.status+":"+.note]|join(",")' "$o/access.json")" = "active:,active:not used yet,revoked:never used"
check "access: HR's effective access comes from its group's role" \
	test "$(jq -r '.sections.users.rows[]|select(.user=="pdgr-hr")|.roles+"|"+.effective_read' "$o/access.json")" = "hr|basic personnel medical"
denied=$(ev ".uid==$acc and .decision==\"deny\"")
check "access: accounting's denials are the log's ($denied)" \
	test "$(jq '.sections.users.rows[]|select(.user=="pdgr-acc").denials' "$o/access.json")" -eq "$denied" -a "$denied" -ge 1

R access --grant 1 -f json -o "$o/review.json" 2>>"$o/err.txt"
rc=$?
opens=$(ev ".uid==$acc and .op==\"open\" and .decision==\"allow\" and .label==\"pd\"")
check "grant review: mass export found (exit 1, verdict mass-export)" \
	test "$rc" -eq 1 -a "$(jq -r .summary.verdict "$o/review.json")" = mass-export
check "grant review: PD opens are the log's ($opens), also hour by hour" \
	test "$(jq .summary.review_pd_opens "$o/review.json")" -eq "$opens" -a \
	"$(jq '[.sections.review_hours.rows[].pd_opens]|add' "$o/review.json")" -eq "$opens" -a "$opens" -eq 8
check "grant review: the threshold per hour is the policy's (5)" \
	test "$(jq .summary.mass_export_threshold_per_hour "$o/review.json")" -eq 5
R access --user pdgr-hr --since 1h -o "$o/review-hr.csv" 2>>"$o/err.txt"
rc=$?
hr_ref=$(ev ".uid==$hr and .decision==\"deny\"")
check "user review: HR is clean (exit 0), its refused copy counted ($hr_ref)" bash -c "
	[ $rc -eq 0 ] && tr -d '\r' <'$o/review-hr.csv' | grep -qx 'summary,verdict,clean' &&
	tr -d '\r' <'$o/review-hr.csv' | grep -qx 'summary,review_refused,$hr_ref' && [ $hr_ref -ge 1 ]"

R audit -o "$o/audit.json" 2>>"$o/err.txt"
check "audit: valid JSON, chain intact, mode enforce, a driver named" \
	test "$(jq -r '[.summary.log_chain,.summary.mode,(.summary.driver!="none"|tostring)]|join(" ")' "$o/audit.json")" = "intact enforce true"
n_deny=$(ev '.decision=="deny"')
n_alert=$(ev '.op=="alert"')
n_open=$(ev '(.op=="open" or .op=="read") and (.decision=="allow" or .decision=="would-deny") and (.label=="pd" or .label=="derived")')
check "audit: denials, alerts, PD opens per week add up to the log's ($n_deny, $n_alert, $n_open)" \
	test "$(jq -r '[([.sections.weeks.rows[].denials]|add),([.sections.weeks.rows[].alerts]|add),([.sections.weeks.rows[].pd_opens]|add)]|map(tostring)|join(" ")' "$o/audit.json")" = "$n_deny $n_alert $n_open"
check "audit: every line of the sheet names its evidence" \
	test "$(jq '[.sections.checks.rows[]|select((.evidence//"")=="")]|length' "$o/audit.json")" -eq 0
check "audit: the mode's history and the open grants are there" \
	test "$(jq -r '[.sections.mode_history.rows[0].mode,(.summary.open_grants|tostring)]|join(" ")' "$o/audit.json")" = "enforce 2"
key=$("$pd" log setup-keys --state "$d/keys" 2>/dev/null | awk '/^    [0-9a-f]/ {print $1; exit}')
R audit --key "$key" -o "$o/audit-key.json" 2>>"$o/err.txt"
rc1=$?
R audit --key not-a-key -o "$o/audit-badkey.json" 2>>"$o/err.txt"
rc2=$?
check "audit --key: seals are checked (none in this log: attention), a bad key fails" bash -c "
	[ -n '$key' ] && [ $rc1 -eq 0 ] && [ \"\$(jq -r .summary.log_seals '$o/audit-key.json')\" = none ] &&
	[ $rc2 -eq 1 ] && jq -e '.sections.checks.rows[]|select(.item==\"log_seals\" and .status==\"fail\")' '$o/audit-badkey.json' >/dev/null"
mkdir -p "$d/bad"
cp "$log" "$d/bad/events.jsonl"
sed -i '3s/"label":"pd"/"label":"none"/; 3s/"op":"[a-z-]*"/"op":"edited"/' "$d/bad/events.jsonl"
sed "s|^log = .*|log = $d/bad/events.jsonl|" "$d/policy.conf" >"$d/bad.conf"
"$pd" report audit --config "$d/bad.conf" -o "$o/audit-bad.json" 2>>"$o/err.txt"
rc=$?
check "audit: a tampered log fails (exit 1) at its first bad line (3)" \
	test "$rc" -eq 1 -a "$(jq -r '.summary.log_chain+" "+(.summary.log_first_break_line|tostring)' "$o/audit-bad.json")" = "broken 3"

R audit -f csv -o "$o/audit.csv" 2>>"$o/err.txt"
check "CSV: parses, and carries the JSON's numbers" python3 - "$o/audit.csv" "$o/audit.json" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
doc = json.load(open(sys.argv[2]))
summ = {r[1]: r[2] for r in rows if r and r[0] == "summary" and r[1] != "key"}
weeks = [r for r in rows if r and r[0] == "weeks"]
assert summ["log_chain"] == doc["summary"]["log_chain"], summ
assert int(summ["alerts"]) == doc["summary"]["alerts"]
den = sum(int(r[3]) for r in weeks)
assert den == sum(w["denials"] for w in doc["sections"]["weeks"]["rows"]), den
PY

for k in datamap access audit; do R "$k" --also "$d/home" --lang en -o "$o/$k.html" 2>>"$o/err.txt"; done
R access --grant 1 -o "$o/review.html" 2>>"$o/err.txt"
R datamap --lang ru -o "$o/datamap-ru.html" 2>>"$o/err.txt"
check "HTML: self-contained (no script, no link, nothing fetched), charts inline" bash -c "
	! grep -qiE '<script|<link|<img|<iframe|src=|url\\(' '$o'/*.html &&
	! grep -oE 'https?://[^\"]*' '$o'/*.html | grep -qv 'www.w3.org/2000/svg' &&
	grep -q '<svg' '$o/datamap.html' && grep -q '<svg' '$o/audit.html' && grep -q 'stroke-dasharray' '$o/review.html'"
check "HTML and CSV: a hostile file name is escaped, a formula is not run by a spreadsheet" bash -c "
	grep -q '=cmd&lt;script&gt;x.txt' '$o/datamap.html' &&
	'$pd' report datamap --config '$d/policy.conf' --also '$d/home' -f csv --section files |
	grep -qF 'files,1,$d/home/pdgr-acc/Downloads/=cmd<script>x.txt,' &&
	'$pd' report access --config '$d/policy.conf' -f csv --section grants | grep -qF \",'=HYPERLINK(1),\""
check "HTML: Russian when asked" grep -q 'Карта данных' "$o/datamap-ru.html"
check "no report holds a PD value (IIN, names): paths and counts only" bash -c "
	! grep -rqE '$iin|Иванова|Петровой|Сидорова' '$o'"

if command -v chromium >/dev/null; then
	export HOME=$d/chrome-home
	mkdir -p "$HOME"
	chrome() { timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-extensions --hide-scrollbars "$@" 2>/dev/null; }
	chrome --dump-dom "file://$o/review.html" >"$o/review.dom"
	check "Chromium renders the review: its chart bars and the threshold line, the tables" bash -c "
		[ \$(grep -o '<rect' '$o/review.dom' | wc -l) -ge 3 ] && grep -q 'stroke-dasharray' '$o/review.dom' &&
		grep -q '<table' '$o/review.dom' && grep -q 'mass-export\\|Mass export' '$o/review.dom'"
	chrome --window-size=1280,1800 --screenshot="$o/datamap.png" "file://$o/datamap.html" >/dev/null
	check "Chromium's screenshot of the data map is not blank" python3 - "$o/datamap.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
# filtered scanlines: enough distinct bytes means text, bars and lines were drawn
assert len(set(raw)) > 16 and raw.count(b"\xff") < len(raw) * 0.995, "blank"
PY
else
	skip_check "Chromium renders the review" "chromium not installed (scripts/deps.sh test)"
	skip_check "Chromium's screenshot of the data map is not blank" "chromium not installed"
fi

"$pd" report weekly --config "$d/policy.conf" >/dev/null 2>"$d/usage.txt"
rc=$?
check "an unknown report is a usage error naming the reports" \
	bash -c "[ $rc -eq 64 ] && grep -q 'datamap, access and audit' '$d/usage.txt'"
"$pd" report audit --since yesterdayish --config "$d/policy.conf" >/dev/null 2>"$d/usage.txt"
rc=$?
check "a bad --since is a usage error that says what a time looks like" \
	bash -c "[ $rc -eq 64 ] && grep -q 'not a time' '$d/usage.txt' && grep -q '7d' '$d/usage.txt'"
as_nobody "$pd" report audit --config "$d/policy.conf" >/dev/null 2>"$d/nobody.txt"
rc=$?
check "an ordinary user cannot read the log through a report, and is told why" \
	bash -c "[ $rc -eq 2 ] && grep -q 'cannot read the event log' '$d/nobody.txt' && grep -q sudo '$d/nobody.txt'"
exit 0
