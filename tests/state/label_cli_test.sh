#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard label`: labels persist as security.bpf.pdguard, only root changes them, changes are
# logged. Runs in a private mount namespace on its own tmpfs: nothing outside is touched.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_root "needs root (labels live in the security.* xattr namespace)"
pdg_private_ns "$0" "$@"
tap_version
d=$(mktemp -d /tmp/pdg-label-XXXXXX)
mount -t tmpfs -o size=8m,mode=0755 pdg-label-test "$d" || pdg_skip_all "cannot mount tmpfs"
trap 'umount "$d"; rmdir "$d"' EXIT
echo "1..12"
log=$d/log/events.jsonl
f=$d/staff.csv
echo "ФИО;ИИН" >"$f"
chown 65534:65534 "$f"
ln -s staff.csv "$d/link"

check "a new file has no label (exit 1)" bash -c "'$pd' label get '$f' | grep -q 'no label'; [ \${PIPESTATUS[0]} -eq 1 ]"
check "root sets a label" "$pd" label set --log "$log" "$f" personnel,basic
check "get shows it" bash -c "'$pd' label get '$f' | grep -q ': pd basic personnel (set by hand '"
check "the change is in the event log, chained" bash -c \
	"grep -q '\"op\":\"label-set\"' '$log' && '$pd' log verify '$log' >/dev/null"
check "the log is root-only" bash -c "[ \"\$(stat -c %a '$log')\" = 600 ]"
check "the owner cannot remove the label" bash -c \
	"! nobody_rm() { setpriv --reuid=65534 --regid=65534 --clear-groups -- python3 -c \
	 'import os,sys; os.removexattr(sys.argv[1], \"security.bpf.pdguard\")' '$f' 2>/dev/null; }; \
	 ! nobody_rm && '$pd' label get '$f' | grep -q ': pd '"
check "the owner cannot overwrite it either, and is told why" bash -c \
	"out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups -- '$pd' label set --log /dev/null '$f' none 2>&1); \
	 [ \$? -eq 2 ] && grep -q 'only root may change labels' <<<\"\$out\""
check "symbolic links are refused" bash -c "! '$pd' label set --log '$log' '$d/link' basic 2>/dev/null"
check "an unknown category is a usage error with a hint" bash -c \
	"out=\$('$pd' label set --log '$log' '$f' salary 2>&1); [ \$? -eq 64 ] && grep -q Hint: <<<\"\$out\""
check "clear removes it" bash -c "'$pd' label clear --log '$log' '$f' && '$pd' label get '$f' | grep -q 'no label'"
check "set and clear are both logged" bash -c \
	"[ \$(grep -c '\"op\":\"label-' '$log') -eq 2 ] && '$pd' log verify '$log' >/dev/null"
# --log to a device (the tests' /dev/null) must not make it root-only: CI once lost /dev/null
# for every user of the VM this way.
mknod -m 666 "$d/null" c 1 3
check "a log that is a device keeps its mode" bash -c \
	"'$pd' label set --log '$d/null' '$f' basic >/dev/null && [ \"\$(stat -c %a '$d/null')\" = 666 ]"
exit 0
