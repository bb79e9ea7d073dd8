#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard status` and `pdguard mode` against the real module (runs in the VM, as root).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
ko=$(pdg_ko "$top")
tap_version
pdg_require_root "needs root and a kernel that loads modules (make test runs this in the VM)" \
	test -e /proc/modules
echo "1..8"

[ -d /sys/module/pdguard ] && rmmod pdguard
check "status without the module says so" bash -c "'$pd' status | grep -q 'not loaded'"
check "insmod ${ko#"$top"/}" insmod "$ko"
check "status shows the loaded module in audit mode" \
	bash -c "'$pd' status | grep -q 'loaded, ABI 1\.[0-9]*, mode audit'"
d=$(mktemp -d /tmp/pdg-kmodcli-XXXXXX)
printf '[agent]\nmode = audit\nlog = %s/events.jsonl\nstate = %s/state\n' "$d" "$d" >"$d/policy.conf"
chmod 644 "$d/policy.conf"
chmod 755 "$d"
trap 'rm -rf "$d"' EXIT
check "pdguard mode shows the policy's mode and the module's" bash -c \
	"out=\$('$pd' mode --config '$d/policy.conf'); [ \"\$(head -n1 <<<\"\$out\")\" = audit ] && \
	 grep -q 'module  pdguard.ko: audit' <<<\"\$out\""
check "status --json shows the module's mode" bash -c "'$pd' status --json | grep -q '\"kmod\":{\"loaded\":true,\"abi\":\"[0-9.]*\",\"mode\":\"audit\"'"
check "nobody may read the status" as_nobody "$pd" status
check "nobody may not change the mode, and is told why" bash -c \
	"out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups -- '$pd' mode enforce --config '$d/policy.conf' 2>&1); \
	 [ \$? -eq 2 ] && grep -q 'permission denied' <<<\"\$out\" && grep -q '^mode = audit' '$d/policy.conf'"
check "rmmod" rmmod pdguard
exit 0
