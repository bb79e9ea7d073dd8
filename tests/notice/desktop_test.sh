#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The employee's notice end to end: `pdguard run` with the fanotify driver in enforce mode on the
# test's own tmpfs, test users without a role, each with a private session bus (dbus-daemon as
# the user) where python3-dbusmock plays the notification daemon and records every Notify call.
#   - a refused open gives exactly one notification, in the language of the process's locale
#     (ru, en, kk), naming the file and the contact, and nothing the file holds;
#   - a burst of 50 refusals gives per_minute notifications, the rest counted as held back;
#   - a user without a session bus: the notice's text is in the event log for the helpdesk;
#   - a dead bus and a hung bus: the notice fails within its timeout and the agent goes on
#     refusing and telling the others.
# Everything lives in a private mount namespace on the test's tmpfs; the buses are the test's.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
py=/usr/bin/python3
pdg_require_root "needs root (fanotify permission events, tmpfs mounts, test users)"
pdg_require_cmd dbus-daemon
"$py" -c 'import dbusmock' 2>/dev/null ||
	pdg_skip_all "python3-dbusmock is not installed (scripts/deps.sh test)"
PDG_NS_TIMEOUT=400 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-notice-XXXXXX)
mount -t tmpfs -o size=64m,mode=0755 pdg-notice "$d"
mkdir -p "$d/shares" "$d/state" "$d/run"
users="pdgnt-desk pdgnt-burst pdgnt-srv pdgnt-hung"
agent=
pids=()
cleanup() {
	local p
	[ -n "$agent" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	diag "$d/agent.out" "$d/log/events.jsonl" "$d"/*.mock.log
	[ -n "${PDG_NOTICE_KEEP:-}" ] && cp -r "$d/log" "$d"/*.mock.log "$PDG_NOTICE_KEEP/"
	for u in $users; do userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in $users; do
	userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null
	groupadd "$u" && useradd -M -N -g "$u" -s /usr/sbin/nologin "$u" ||
		pdg_skip_all "cannot create the test user $u"
done
echo "1..16"
log=$d/log/events.jsonl
contact="InfoSec, ext. 1234"
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[zone usb]
removable = no
[notice]
enabled = yes
contact = $contact
language = en
per_minute = 3
file_interval = 60
timeout_ms = 1000
bus = $d/run/%u/bus
CONF
as() {	# as USER ENV... COMMAND...: the user, a clean environment, no controlling terminal
	local u=$1
	shift
	setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- env -i PATH=/usr/bin:/bin "$@"
}
# The open is refused in a shell that lives on (the trailing ':' keeps bash from executing sleep
# in its place), so the environment it was refused with is there to be read
refuse() {	# refuse USER FILE ENV...
	local u=$1 f=$2
	shift 2
	as "$u" "$@" bash -c '{ : <"$1"; } 2>/dev/null && exit 9; sleep 2; :' sh "$f"
}
# A session bus of the user's own, and dbusmock's notification daemon on it
start_bus() {	# start_bus USER
	local u=$1 uid dir
	uid=$(id -u "$u")
	dir=$d/run/$uid
	install -d -m 0700 -o "$u" -g "$u" "$dir"
	cat >"$d/$u.bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$dir/bus</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
XML
	install -m 0644 /dev/null "$d/$u.mock.log"
	chown "$u" "$d/$u.mock.log"
	setpriv --reuid="$u" --regid="$u" --init-groups -- \
		dbus-daemon --config-file="$d/$u.bus.conf" --nofork --nopidfile >/dev/null 2>&1 &
	pids+=($!)
	wait_for test -S "$dir/bus" || return 1
	setpriv --reuid="$u" --regid="$u" --init-groups -- env -i PATH=/usr/bin:/bin \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" \
		"$py" -m dbusmock --template notification_daemon -l "$d/$u.mock.log" \
		>"$d/$u.mock.out" 2>&1 &
	pids+=($!)
	wait_for setpriv --reuid="$u" --regid="$u" --init-groups -- env -i \
		DBUS_SESSION_BUS_ADDRESS="unix:path=$dir/bus" dbus-send --session --print-reply --reply-timeout=2000 \
		--dest=org.freedesktop.Notifications /org/freedesktop/Notifications \
		org.freedesktop.Notifications.GetServerInformation >/dev/null 2>&1
}
notifies() { grep -c '^[0-9.]* Notify ' "$d/$1.mock.log" 2>/dev/null || true; }
notices() {	# notices USER: the notice events about USER
	grep '"op":"notice"' "$log" 2>/dev/null | grep -c "\"user\":\"$1\"" || true
}
salary() {
	printf 'ФИО;ИИН;Оклад;IBAN\nИванов Иван Иванович;900101300007;450000;KZ86125KZT5004100100\n'
	printf 'Петрова Анна;850520400003;380000;KZ86125KZT5004100100\n'
}
for f in Иванов_зарплата ведомость-kk pay-en again; do salary >"$d/shares/$f.csv"; done
mkdir "$d/shares/burst"
for i in $(seq 1 50); do salary >"$d/shares/burst/p$i.csv"; done
for i in 1 2 3 4; do salary >"$d/shares/srv$i.csv"; done
chmod -R a+rX "$d/shares"

start_bus pdgnt-desk && start_bus pdgnt-burst
check "two private session buses with dbusmock's notification daemon" test $? -eq 0
setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
wait_for grep -q "fanotify *in use" "$d/agent.out"
wait_for bash -c "'$pd' label get '$d/shares/srv4.csv' | grep -q 'pd '"
check "the agent runs and has labelled the PD files" \
	bash -c "'$pd' label get '$d/shares/burst/p50.csv' | grep -q 'pd .*financial'"

# ru: one refusal, one notification
refuse pdgnt-desk "$d/shares/Иванов_зарплата.csv" LANG=ru_RU.UTF-8
check "a user without a role is refused the salary list" test $? -eq 0
wait_for test "$(notices pdgnt-desk)" -ge 1
sleep 1
check "exactly one Notify call for one refusal" test "$(notifies pdgnt-desk)" -eq 1
check "in Russian (LANG of the refused process), naming the file and the contact" \
	bash -c "grep -q 'Notify \"pdguard\" 0 \"dialog-warning\" \"Персональные данные: доступ запрещён\" \"Файл: Иванов_зарплата.csv' '$d/pdgnt-desk.mock.log' && grep -q '^Куда обращаться: $contact\" ' '$d/pdgnt-desk.mock.log' && grep -q 'таких видов: основные, финансовые' '$d/pdgnt-desk.mock.log'"
check "no PD content in the notification (no IIN, salary, IBAN, name from inside)" \
	bash -c "! grep -qE '900101300007|450000|KZ86125|Петрова' '$d/pdgnt-desk.mock.log'"
# the same file again within file_interval: refused, not told again
refuse pdgnt-desk "$d/shares/Иванов_зарплата.csv" LANG=ru_RU.UTF-8
# en and kk (LANGUAGE over LANG)
refuse pdgnt-desk "$d/shares/pay-en.csv" LANG=en_US.UTF-8
wait_for test "$(notifies pdgnt-desk)" -ge 2
sleep 1
check "the same file refused again is not told again: 2 notices for 2 files" \
	test "$(notifies pdgnt-desk)" -eq 2
check "in English for an en_US process" \
	grep -q 'Notify "pdguard" 0 "dialog-warning" "Personal data: access refused" "File: pay-en.csv' "$d/pdgnt-desk.mock.log"
check "each notice shown is an event with the text, via desktop" \
	test "$(grep '"op":"notice"' "$log" | grep '"user":"pdgnt-desk"' | grep -c '"via":"desktop"')" -eq 2

# a burst of 50 refusals in a few seconds: per_minute = 3 notifications
start=$(date +%s)
as pdgnt-burst LANG=en_US.UTF-8 bash -c 'for f in "$@"; do { : <"$f"; } 2>/dev/null; done; sleep 2; :' \
	sh "$d"/shares/burst/p*.csv
elapsed=$(($(date +%s) - start))
denied=$(grep '"decision":"deny"' "$log" | grep -c '"user":"pdgnt-burst"')
wait_for test "$(notices pdgnt-burst)" -ge 3
sleep 2
echo "# burst: $denied refusals logged in ${elapsed}s, $(notifies pdgnt-burst) notifications"
check "a burst of 50 refusals (all logged) gives 3 notifications" \
	bash -c "[ $denied -eq 50 ] && [ $(notifies pdgnt-burst) -eq 3 ] && [ $elapsed -lt 55 ]"

# no session bus (a server): the notice's text goes into the log for the helpdesk
refuse pdgnt-srv "$d/shares/srv1.csv" LANG=kk_KZ.UTF-8
wait_for test "$(notices pdgnt-srv)" -ge 1
check "without a session bus the notice is in the event, in Kazakh, via log" wait_for \
	bash -c "grep '\"op\":\"notice\"' '$log' | grep '\"user\":\"pdgnt-srv\"' | grep '\"via\":\"log\"' | grep -q 'Файл: srv1.csv.*Хабарласу үшін: $contact'"

# a dead bus (a socket nobody listens on) and a hung one (accepts, never answers)
uid=$(id -u pdgnt-srv)
install -d -m 0700 -o pdgnt-srv -g pdgnt-srv "$d/run/$uid"
setpriv --reuid=pdgnt-srv --regid=pdgnt-srv --init-groups -- "$py" -c \
	'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$d/run/$uid/bus"
refuse pdgnt-srv "$d/shares/srv2.csv" LANG=en_US.UTF-8
wait_for test "$(notices pdgnt-srv)" -ge 2
check "a dead bus: the notice could not be shown, its text is in the event" wait_for \
	bash -c "grep '\"op\":\"notice\"' '$log' | grep 'srv2.csv' | grep -q 'could not be shown.*\"via\":\"log\"'"
uid=$(id -u pdgnt-hung)
install -d -m 0700 -o pdgnt-hung -g pdgnt-hung "$d/run/$uid"
setpriv --reuid=pdgnt-hung --regid=pdgnt-hung --init-groups -- "$py" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' "$d/run/$uid/bus" &
pids+=($!)
wait_for test -S "$d/run/$uid/bus"
refuse pdgnt-hung "$d/shares/srv3.csv" LANG=en_US.UTF-8
# while that notice hangs, others are refused at once and told after it (kk: LANGUAGE over LANG)
refuse pdgnt-desk "$d/shares/ведомость-kk.csv" LANG=ru_RU.UTF-8 LANGUAGE=kk:ru
check "while a bus hangs, opens are still refused" test $? -eq 0
wait_for test "$(notices pdgnt-hung)" -ge 1
check "a hung bus: the notice is given up after its timeout, the text in the event" \
	bash -c "grep '\"op\":\"notice\"' '$log' | grep 'srv3.csv' | grep -q 'could not be shown (no answer within'"
wait_for test "$(notifies pdgnt-desk)" -ge 3
check "and the next user is still told (the agent went on), in Kazakh for LANGUAGE=kk:ru" \
	wait_for grep -q '"Дербес деректер: қол жеткізуге тыйым салынды" "Файл: ведомость-kk.csv' "$d/pdgnt-desk.mock.log"
check "the agent is still running and its log verifies" \
	bash -c "kill -0 $agent && '$pd' log verify '$log' >/dev/null"
exit 0
