#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Layered rules from the outside, with the shipped rules as the first layer: a local file that
# restates a shipped rule changes what `pdguard scan` finds, one that says `enabled = no`
# removes the finding, `rules test` names the override and the disabled rule, and a policy that
# lists two rules directories hands both to the agent's scanner (`pdguard run --once`).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
pd=$top/build/pdguard
shipped=$top/policies/rules.d
. "$top/tests/tap.sh"
tap_version
echo "1..8"
if [ ! -x "$pd" ]; then
	skip 8 "build/pdguard is not built"
	exit 0
fi
tmp=$(mktemp -d /tmp/pdg-layers-cli-XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/local" "$tmp/docs"
{
	printf 'Список сотрудников\nФИО;ИИН;Телефон\n'
	printf 'Иванов И.;900101300007;+7 701 123 45 67\nПетрова А.;850520400003;+7 702 765 43 21\n'
	printf 'Сидоров С.;870312300005;+7 705 111 22 33\n'
} >"$tmp/docs/staff.csv"
scan() { timeout 60 "$pd" scan --json --rules "$shipped" --rules "$tmp/local" "$tmp/docs/staff.csv" 2>/dev/null; }

scan >"$tmp/base.json"
check "with an empty local layer the shipped rules find IIN and phones" \
	grep -q '"rule":"iin","category":"basic".*"rule":"phone-kz"' "$tmp/base.json"

# the shipped [rule iin], restated locally with another category
awk '/^\[rule iin\]/{on=1; print; next} /^\[/{on=0} on' "$shipped"/*.conf |
	sed 's/^category = basic/category = personnel/' >"$tmp/local/50-iin.conf"
scan >"$tmp/over.json"
check "a local rule of the same name changes the finding" \
	grep -q '"rule":"iin","category":"personnel"' "$tmp/over.json"

printf '[rule phone-kz]\nenabled = no\n' >"$tmp/local/60-phone.conf"
scan >"$tmp/off.json"
check "enabled = no in a local file removes the shipped rule's finding" \
	bash -c "grep -q '\"rule\":\"iin\"' '$tmp/off.json' && ! grep -q '\"rule\":\"phone-kz\"' '$tmp/off.json'"

"$pd" rules test --rules "$shipped" --rules "$tmp/local" "$tmp/docs/staff.csv" >"$tmp/test.out" 2>&1
check "rules test names each rule's file and the override" bash -c \
	"grep -qx \"from: rule 'iin': $tmp/local/50-iin.conf:1\" '$tmp/test.out' && grep -qx \"from: rule 'iban-kz': $shipped/30-financial.conf:5\" '$tmp/test.out' && grep -q \"^override: rule 'iin': $tmp/local/50-iin.conf:1 replaces $shipped/20-kz-identifiers.conf:5$\" '$tmp/test.out'"
check "rules test names the disabled rule" \
	grep -q "^disabled: rule 'phone-kz': by $tmp/local/60-phone.conf:1 (defined at $shipped/40-contacts.conf:5)$" "$tmp/test.out"

printf '[rule iin]\ncategory = basic\npattern = [0-9]{12}\n' >"$tmp/local/70-dup.conf"
"$pd" rules check "$shipped" "$tmp/local" >/dev/null 2>"$tmp/dup.err"
rc=$?
check "the same name twice in the local layer is an error (exit 1)" \
	bash -c "[ $rc -eq 1 ] && grep -q \"70-dup.conf:1: rule 'iin' already defined at $tmp/local/50-iin.conf:1\" '$tmp/dup.err'"
rm "$tmp/local/70-dup.conf"

# the agent: rules listed twice in the policy are two layers. Audit mode, no scan root, no zone
# and an empty state: it marks nothing, and --once stops after start-up
mkdir -p "$tmp/state" "$tmp/log"
cat >"$tmp/policy.conf" <<CONF
[agent]
mode = audit
driver = fanotify
rules = $shipped
rules = $tmp/local
log = $tmp/log/events.jsonl
state = $tmp/state
[zone usb]
removable = no
CONF
"$pd" config dump --origins "$tmp/policy.conf" >"$tmp/dump.out"
check "config dump lists both rules layers with their lines" \
	bash -c "grep -qx 'rules = $shipped ; $tmp/policy.conf:4' '$tmp/dump.out' && grep -qx 'rules = $tmp/local ; $tmp/policy.conf:5' '$tmp/dump.out'"
if [ "$(id -u)" -eq 0 ]; then
	timeout 120 "$pd" run --once --config "$tmp/policy.conf" >"$tmp/run.out" 2>&1
	# the 12 shipped rules, phone-kz disabled by the local layer
	check "the agent loads both layers" grep -q "rules: 11 from $shipped + $tmp/local" "$tmp/run.out"
else
	skip 1 "pdguard run needs root"
fi
exit 0
