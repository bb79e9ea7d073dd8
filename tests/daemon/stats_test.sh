#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard stats` against a real agent (fanotify driver, enforce mode) on the test's own tmpfs:
# opens allowed and refused for two test users move the counters by exactly that much, the
# counters agree with the event log, no path or user name appears in the metrics, the output
# passes `promtool check metrics` (Debian's prometheus package), the textfile is written
# atomically and readable by node-exporter; without an agent, --prometheus says pdguard_up 0 and
# exits 0 while the text form says why and exits 1. Private mount namespace, test users.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root"
pdg_require_cmd jq setpriv
PDG_NS_TIMEOUT=300 pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-stats-XXXXXX)
mount -t tmpfs -o size=32m,mode=0755 pdg-stats-test "$d"
mkdir -p "$d/shares" "$d/state" "$d/textfile"
ok_u=pdgst-hr
no_u=pdgst-it
agent=
cleanup() {
	[ -n "$agent" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	diag "$d/out.txt" "$d/prom.txt" "$d/err.txt"
	for u in "$ok_u" "$no_u"; do userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null; done
	umount "$d"
	rmdir "$d"
}
trap cleanup EXIT
for u in "$ok_u" "$no_u"; do
	userdel "$u" 2>/dev/null; groupdel "$u" 2>/dev/null
	groupadd "$u" && useradd -M -N -g "$u" -s /usr/sbin/nologin "$u" ||
		pdg_skip_all "cannot create a test user"
done
have_promtool=
command -v promtool >/dev/null && have_promtool=1
echo "1..27"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = fanotify
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[role hr]
group = $ok_u
read = basic personnel financial medical biometric
[role it]
group = $no_u
read = none
CONF
printf 'ФИО;ИИН;Должность\nИванов Иван;900101300007;бухгалтер\nПетрова Анна;850520400003;кадровик\n' >"$d/shares/staff.csv"
chmod 644 "$d/shares/staff.csv"
as() { local u=$1; shift; setsid -w setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
st() { "$pd" stats --config "$d/policy.conf" "$@"; }
promcheck() { [ -z "$have_promtool" ] || promtool check metrics <"$1" >"$d/promtool.out" 2>&1; }
# a counter from the JSON form: jval '.events.by_op.open.deny'
jval() { st --json | jq -r "($1) // 0"; }

# ---- no agent ----
st --prometheus >"$d/prom.txt" 2>"$d/err.txt"; rc=$?
check "no agent: --prometheus exits 0 with pdguard_up 0" bash -c \
	"[ $rc -eq 0 ] && grep -qx 'pdguard_up 0' '$d/prom.txt' && grep -qx 'pdguard_stats_error 0' '$d/prom.txt' && [ ! -s '$d/err.txt' ]"
if [ -n "$have_promtool" ]; then
	check "no agent: promtool check metrics passes" promcheck "$d/prom.txt"
else
	skip_check "no agent: promtool check metrics passes" "promtool not installed (prometheus package; scripts/deps.sh test)"
fi
st >/dev/null 2>"$d/err.txt"; rc=$?
check "no agent: the text form says so and exits 1" bash -c \
	"[ $rc -eq 1 ] && grep -q 'the agent is not running' '$d/err.txt' && grep -q '^Hint: start it' '$d/err.txt'"
check "no agent: --json is {\"up\":false}, exit 1" bash -c \
	"[ \"\$('$pd' stats --config '$d/policy.conf' --json 2>/dev/null)\" = '{\"up\":false}' ]; r=\$?; '$pd' stats --config '$d/policy.conf' --json >/dev/null 2>&1; [ \$? -eq 1 ] && [ \$r -eq 0 ]"
check "no agent: --textfile writes pdguard_up 0, exits 0" bash -c \
	"st() { '$pd' stats --config '$d/policy.conf' \"\$@\"; }; st --textfile '$d/textfile/pdguard.prom' && grep -qx 'pdguard_up 0' '$d/textfile/pdguard.prom'"
check "bad usage: --json with --prometheus is refused" bash -c \
	"'$pd' stats --json --prometheus >/dev/null 2>&1; [ \$? -eq 64 ]"

# ---- an agent.run naming a live process (this shell), counters missing or damaged ----
ps_start=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)
printf 'pid=%d\npid_start=%s\nstarted=1700000000\ndriver=fanotify\nconfig=%s\nmode=audit\npolicy_generation=3\n' \
	$$ "$ps_start" "$d/policy.conf" >"$d/state/agent.run"
st --prometheus >"$d/prom.txt" 2>"$d/err.txt"; rc=$?
check "counters not written yet: up 1, no error, no counters" bash -c \
	"[ $rc -eq 0 ] && grep -qx 'pdguard_up 1' '$d/prom.txt' && grep -qx 'pdguard_stats_error 0' '$d/prom.txt' && grep -qx 'pdguard_policy_generation 3' '$d/prom.txt' && ! grep -q '^pdguard_events_written_total' '$d/prom.txt' && '$pd' stats --config '$d/policy.conf' | grep -q '^Counters: not written yet'"
printf 'format=1\nstarted=1700000000\nupdated=oops\n' >"$d/state/agent.stats"
st --prometheus >"$d/prom.txt" 2>"$d/err.txt"; rc=$?
check "damaged counters: exit 2, pdguard_stats_error 1, the file named" bash -c \
	"[ $rc -eq 2 ] && grep -qx 'pdguard_stats_error 1' '$d/prom.txt' && grep -qx \"pdguard stats: cannot read the agent's counters ($d/state): damaged\" '$d/err.txt'"
rm -f "$d/state/agent.run" "$d/state/agent.stats"
chmod 600 "$d/policy.conf"
as_nobody "$pd" stats --config "$d/policy.conf" >/dev/null 2>"$d/err.txt"; rc=$?
check "a policy the user may not read: exit 2, named, with a hint" bash -c \
	"[ $rc -eq 2 ] && grep -qx 'pdguard stats: cannot read the policy ($d/policy.conf): Permission denied' '$d/err.txt' && grep -q '^Hint: $d/policy.conf is root' '$d/err.txt'"
chmod 644 "$d/policy.conf"

# ---- a running agent ----
setsid "$pd" run --config "$d/policy.conf" >"$d/out.txt" 2>&1 &
agent=$!
wait_for grep -q "fanotify *in use" "$d/out.txt"
wait_for bash -c "'$pd' label get '$d/shares/staff.csv' | grep -q 'pd '"
check "the agent publishes its counters (first scan done, one PD file)" wait_for bash -c \
	"'$pd' stats --config '$d/policy.conf' --json | jq -e '.up and .driver == \"fanotify\" and .mode == \"enforce\" and .scan.initial_done and .scan.pd == 1 and .labels.pd == 1' >/dev/null"
allow0=$(jval '.events.by_op.open.allow')
deny0=$(jval '.events.by_op.open.deny')
req0=$(jval '.driver_counters.requests')
written0=$(jval '.events.written')
upd0=$(jval '.updated')
for i in 1 2 3; do as "$no_u" cat "$d/shares/staff.csv" >/dev/null 2>&1; done
for i in 1 2; do as "$ok_u" cat "$d/shares/staff.csv" >/dev/null 2>&1; done
check "three refused opens: open/deny moved by 3" wait_for bash -c \
	"[ \"\$('$pd' stats --config '$d/policy.conf' --json | jq -r '.events.by_op.open.deny // 0')\" -eq $((deny0 + 3)) ]"
check "two allowed opens: open/allow moved by 2" wait_for bash -c \
	"[ \"\$('$pd' stats --config '$d/policy.conf' --json | jq -r '.events.by_op.open.allow // 0')\" -eq $((allow0 + 2)) ]"
# one more publication: nothing moved beyond what the users did
wait_for bash -c "[ \"\$('$pd' stats --config '$d/policy.conf' --json | jq -r .updated)\" -gt $upd0 ]"
sleep 6
check "and by no more (after another publication)" bash -c \
	"j=\$('$pd' stats --config '$d/policy.conf' --json); [ \$(jq -r '.events.by_op.open.deny' <<<\"\$j\") -eq $((deny0 + 3)) ] && [ \$(jq -r '.events.by_op.open.allow' <<<\"\$j\") -eq $((allow0 + 2)) ]"
check "the driver answered at least those 5 requests, none pending" bash -c \
	"j=\$('$pd' stats --config '$d/policy.conf' --json); [ \$(jq -r .driver_counters.requests <<<\"\$j\") -ge $((req0 + 5)) ] && [ \$(jq -r .driver_counters.pending <<<\"\$j\") -eq 0 ] && [ \$(jq -r .driver_counters.overflows <<<\"\$j\") -eq 0 ]"
check "events written grew by at least 5, none failed" bash -c \
	"j=\$('$pd' stats --config '$d/policy.conf' --json); [ \$(jq -r .events.written <<<\"\$j\") -ge $((written0 + 5)) ] && [ \$(jq -r .events.failed <<<\"\$j\") -eq 0 ]"
# the counters and the log tell the same story
st --prometheus >"$d/prom.txt" 2>"$d/err.txt"; rc=$?
for dec in allow deny would-deny alert; do
	eval "log_$(tr - _ <<<"$dec")=$(grep -c "\"decision\":\"$dec\"" "$log")"
done
metric() { awk -v k="$1" '$1 == k { print $2 }' "$d/prom.txt"; }
check "--prometheus: exit 0, pdguard_up 1, info names driver and mode" bash -c \
	"[ $rc -eq 0 ] && grep -qx 'pdguard_up 1' '$d/prom.txt' && grep -q '^pdguard_info{driver=\"fanotify\",mode=\"enforce\",engine=\"[a-z0-9]*\",version=\"[^\"]*\"} 1$' '$d/prom.txt'"
check "decisions in the metrics = decisions in the log" bash -c \
	"[ '$(metric 'pdguard_decisions_total{decision="deny"}')' = '$log_deny' ] && [ '$(metric 'pdguard_decisions_total{decision="allow"}')' = '$log_allow' ] && [ '$(metric 'pdguard_decisions_total{decision="would-deny"}')' = '$log_would_deny' ] && [ '$(metric 'pdguard_decisions_total{decision="alert"}')' = '$log_alert' ]"
check "events written = the sum of the decisions, and no more than the log's lines" bash -c \
	"[ '$(metric pdguard_events_written_total)' -eq \$(awk '/^pdguard_decisions_total/ { n += \$2 } END { print n }' '$d/prom.txt') ] && [ '$(metric pdguard_events_written_total)' -le \$(wc -l <'$log') ]"
check "every metric has HELP and TYPE, every name is pdguard_*" bash -c \
	"! grep -v '^#' '$d/prom.txt' | grep -vq '^pdguard_' && for m in \$(grep -v '^#' '$d/prom.txt' | sed 's/[{ ].*//' | sort -u); do grep -q \"^# HELP \$m \" '$d/prom.txt' && grep -q \"^# TYPE \$m \" '$d/prom.txt' || exit 1; done"
check "no path and no user name in the metrics" bash -c \
	"! grep -Eq 'staff|$d|$ok_u|$no_u|shares|/' '$d/prom.txt'"
if [ -n "$have_promtool" ]; then
	check "promtool check metrics passes" promcheck "$d/prom.txt"
else
	skip_check "promtool check metrics passes" "promtool not installed (prometheus package; scripts/deps.sh test)"
fi
st --textfile "$d/textfile/pdguard.prom"
check "--textfile: written whole, mode 0644, no temporary left" bash -c \
	"grep -qx 'pdguard_up 1' '$d/textfile/pdguard.prom' && grep -q '^pdguard_scan_initial_done 1' '$d/textfile/pdguard.prom' && [ \$(stat -c %a '$d/textfile/pdguard.prom') = 644 ] && [ \$(ls '$d/textfile' | wc -l) -eq 1 ]"
check "the text form shows the agent and its counters" bash -c \
	"'$pd' stats --config '$d/policy.conf' >'$d/text.out' && grep -q '^Agent: running, pid $agent' '$d/text.out' && grep -q '^  open .* deny' '$d/text.out' && grep -q '^Scan: first scan done' '$d/text.out'"
as_nobody "$pd" stats --config "$d/policy.conf" --prometheus >"$d/nobody.txt" 2>"$d/err.txt"; rc=$?
check "a user who may not read the state: exit 2, pdguard_stats_error 1, says why" bash -c \
	"[ $rc -eq 2 ] && grep -qx 'pdguard_stats_error 1' '$d/nobody.txt' && grep -qx 'pdguard_up 0' '$d/nobody.txt' && grep -q 'cannot read the agent.s state' '$d/err.txt'"

# the alerting rules docs/metrics.md offers are valid rules over these metrics
sed -n '/^```yaml$/,/^```$/p' "$top/docs/metrics.md" | awk '/^groups:/,/^```$/' | grep -v '^```' >"$d/rules.yml"
if [ -n "$have_promtool" ]; then
	check "docs/metrics.md's alerting rules pass promtool check rules" bash -c \
		"grep -q 'pdguard_up == 0' '$d/rules.yml' && promtool check rules '$d/rules.yml' >'$d/promtool.out' 2>&1"
else
	skip_check "docs/metrics.md's alerting rules pass promtool check rules" "promtool not installed"
fi

kill -INT "$agent"
wait "$agent"
agent=
check "a stopped agent leaves no agent.stats" test ! -e "$d/state/agent.stats"
check "after the stop: pdguard_up 0, exit 0" bash -c \
	"'$pd' stats --config '$d/policy.conf' --prometheus 2>/dev/null | grep -qx 'pdguard_up 0'"
exit 0
