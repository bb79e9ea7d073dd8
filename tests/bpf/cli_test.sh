#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard bpf` by hand: probe, attach (pinned in a private directory), status, mode, label,
# role, events, the guard against other root tools, the log of every change, and the
# break-glass detach. Runs in the VM as root; everything is scoped to a private tmpfs and
# uid 20003, and the pins are always removed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_bpf
pins=/sys/fs/bpf/pdguard-clitest-$$
dir=$(mktemp -d /tmp/pdg-cli-XXXXXX)
chmod 755 "$dir"
log=$dir/events.jsonl
cleanup() {
	"$pd" bpf --pin-dir "$pins" --log "$log" detach --break-glass >/dev/null 2>&1
	umount -l "$dir/data" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir "$dir/data" && mount -t tmpfs -o mode=0755 pdg "$dir/data"
echo "870412300123,personnel" > "$dir/data/pd.csv"
chmod 644 "$dir/data/pd.csv"
if grep -qw bpf /sys/kernel/security/lsm; then want=bpf-lsm; else want=fmod-ret; fi

echo "1..14"

check "probe picks $want" bash -c "'$pd' bpf probe | grep -q 'driver:   $want'"
check "attach pins the programs, guarded" bash -c "'$pd' bpf --pin-dir '$pins' --log '$log' attach \
	| grep -q 'guarded' && ls '$pins' | grep -Eq '^link_pdguard_.*_file_open(_kf)?$' && \
	'$pd' bpf --pin-dir '$pins' status | grep -q '^guard: on'"
check "status names the driver and enforce mode" bash -c \
	"'$pd' bpf --pin-dir '$pins' status | grep -q '^driver: $want' && \
	 '$pd' bpf --pin-dir '$pins' status | grep -q '^mode: enforce'"
check "label and role set" bash -c "'$pd' bpf --pin-dir '$pins' --log '$log' label \
	'$dir/data/pd.csv' personnel && '$pd' bpf --pin-dir '$pins' --log '$log' role uid 20001 personnel"
check "each change is an alert in the log, with who made it" bash -c \
	"grep '\"op\":\"bpf-role\"' '$log' | grep '\"decision\":\"alert\"' | grep -q '\"by\":\"uid 0\"\|\"by\":\"loginuid'"
check "uid without a role is refused the file" bash -c \
	"! setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' 2>&1 | \
	 grep -q 870412 && setpriv --reuid=20003 --regid=20003 --clear-groups -- \
	 cat '$dir/data/pd.csv' 2>&1 | grep -q 'Operation not permitted'"
check "the role's uid reads it" bash -c \
	"setpriv --reuid=20001 --regid=20001 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
check "events show the denial as JSON" bash -c \
	"'$pd' bpf --pin-dir '$pins' events 1 | grep '\"decision\":\"deny\"' | grep -q pd.csv"
check "another root tool cannot open, rewrite or unpin the maps" bash -c \
	"! bpftool map dump pinned '$pins/pdguard_config' >/dev/null 2>&1 && \
	 ! rm -f '$pins/pdguard_config' 2>/dev/null && [ -e '$pins/pdguard_config' ]"
check "and each try is an event" bash -c \
	"'$pd' bpf --pin-dir '$pins' events 1 | grep '\"decision\":\"deny\"' | grep -q '\"op\":\"unpin\"'"
check "audit mode lets it through" bash -c "'$pd' bpf --pin-dir '$pins' --log '$log' mode audit && \
	setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
check "detach without --break-glass is refused" bash -c \
	"'$pd' bpf --pin-dir '$pins' --log '$log' detach 2>/dev/null; [ \$? = 64 ] && [ -e '$pins' ]"
check "break-glass detach removes the pins and enforcement" bash -c \
	"'$pd' bpf --pin-dir '$pins' --log '$log' mode enforce && \
	'$pd' bpf --pin-dir '$pins' --log '$log' detach --break-glass --reason 'ticket 42' && \
	[ ! -e '$pins' ] && \
	setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
check "the break-glass detach is an alert with its reason" bash -c \
	"grep '\"op\":\"bpf-detach\"' '$log' | grep '\"decision\":\"alert\"' | grep -q 'break-glass: ticket 42'"
exit 0
