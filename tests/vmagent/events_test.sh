#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The BPF LSM driver's events follow docs/events.schema.json: a test user's refused reads, a
# copy of a PD file onto a USB zone (the create and rename hooks give the kernel's name and
# inode, not a path), a rename inside the share. Every line validates, no line carries a made-up
# path, and what the agent could place has its full path. Scoped to private tmpfs mounts, a test
# user and the VM; the programs are detached at the end.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
bpf_lsm() { "$pd" bpf probe 2>/dev/null | grep -q 'driver:   bpf-lsm'; }
pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" bpf_lsm
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null ||
	pdg_skip_all "python3-jsonschema not installed (scripts/deps.sh test)"
[ -d /sys/fs/bpf/pdguard ] && pdg_skip_all "pdguard's BPF programs are already pinned here"
d=$(mktemp -d /tmp/pdg-vmev-XXXXXX)
chmod 755 "$d"
mount -t tmpfs -o mode=0755 pdg-vmev "$d"
mkdir -p "$d/shares" "$d/state" "$d/stick"
u=pdgev-acc
agent=
cleanup() {
	[ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	"$pd" bpf --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	diag "$d/agent.out" "$d/val.out"
	pdg_user_del "$u"
	umount -l "$d/stick" 2>/dev/null
	umount -l "$d"
	rmdir "$d"
}
trap cleanup EXIT
pdg_user_add "$u" || pdg_skip_all "cannot create a test user"
echo "1..6"
log=$d/log/events.jsonl
cat >"$d/policy.conf" <<CONF
[agent]
mode = enforce
driver = bpf-lsm
rules = $top/policies/rules.d
log = $log
state = $d/state
scan = $d/shares
[zone usb]
removable = no
path = $d/stick
[role accounting]
group = $u
read = basic
[role admins]
user = root
read = all
CONF
printf 'ФИО;ИИН;Оклад;IBAN\nИванов Иван Иванович;900101300007;450000;KZ86125KZT5004100100\nПетрова Анна;850520400003;380000;KZ86125KZT5004100100\n' >"$d/shares/salary.csv"
chmod 0644 "$d/shares/salary.csv"
mount -t tmpfs -o size=4m,mode=0777 pdg-vmev-stick "$d/stick"
setsid "$pd" run --config "$d/policy.conf" >"$d/agent.out" 2>&1 &
agent=$!
check "the agent starts with the BPF LSM driver and labels the share" \
	wait_for bash -c "grep -q 'bpf-lsm *in use' '$d/agent.out' && '$pd' label get '$d/shares/salary.csv' | grep -q 'pd '"
as() { setpriv --reuid="$u" --regid="$u" --init-groups -- "$@"; }
as cat "$d/shares/salary.csv" >/dev/null 2>&1
# root may read it; the copy onto the stick is refused (a PD reader writing to a USB zone)
cp "$d/shares/salary.csv" "$d/stick/copy.csv" 2>/dev/null
mv "$d/shares/salary.csv" "$d/shares/salary-2026.csv" 2>/dev/null
sleep 2
kill -TERM "$agent"
wait "$agent"
agent=
check "the test user's read is refused and logged with the file's full path" \
	bash -c "grep '\"decision\":\"deny\"' '$log' | grep '\"uid\":' | grep -q '\"path\":\"$d/shares/salary.csv\"'"
check "EVERY line validates against docs/events.schema.json" \
	bash -c "/usr/bin/python3 '$top/tests/log/validate_events.py' '$top/docs/events.schema.json' '$log' >'$d/val.out' 2>&1"
check "no line carries a made-up path (name (dev M:m ino N))" bash -c "! grep -q 'ino [0-9]*)' '$log'"
check "the refused copy onto the stick names the full destination" \
	bash -c "grep '\"zone\":\"usb\"' '$log' | grep -q '\"path\":\"$d/stick/copy.csv\"'"
check "the log's chain is intact" bash -c "'$pd' log verify '$log' >/dev/null"
echo "# lines with no path, as the kernel named them:"
grep '"path":null' "$log" | grep -o '"op":"[a-z-]*".*"file_[a-z]*":[^,]*' | sed 's/^/#   /' | head -5
exit 0
