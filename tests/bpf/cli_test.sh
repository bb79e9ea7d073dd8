#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard bpf` by hand: probe, attach (pinned in a private directory), status, mode, label,
# role, events, detach. Runs in the VM as root; everything is scoped to a private tmpfs and
# uid 20003, and the pins are always removed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
bpf_probe() { "$pd" bpf probe >/dev/null 2>&1; }
pdg_require_root "needs root and a kernel that runs BPF LSM or fmod_ret programs\
 (make test runs this in the VM)" bpf_probe
pins=/sys/fs/bpf/pdguard-clitest-$$
dir=$(mktemp -d /tmp/pdg-cli-XXXXXX)
chmod 755 "$dir"
cleanup() {
	"$pd" bpf --pin-dir "$pins" detach 2>/dev/null
	umount -l "$dir/data" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir "$dir/data" && mount -t tmpfs -o mode=0755 pdg "$dir/data"
echo "870412300123,personnel" > "$dir/data/pd.csv"
chmod 644 "$dir/data/pd.csv"
if grep -qw bpf /sys/kernel/security/lsm; then want=bpf-lsm; else want=fmod-ret; fi

echo "1..9"

check "probe picks $want" bash -c "'$pd' bpf probe | grep -q 'driver:   $want'"
check "attach pins the programs" bash -c "'$pd' bpf --pin-dir '$pins' attach >/dev/null && \
	ls '$pins' | grep -Eq '^link_pdguard_.*_file_open(_kf)?$'"
check "status names the driver and enforce mode" bash -c \
	"'$pd' bpf --pin-dir '$pins' status | grep -q '^driver: $want' && \
	 '$pd' bpf --pin-dir '$pins' status | grep -q '^mode: enforce'"
check "label and role set" bash -c "'$pd' bpf --pin-dir '$pins' label '$dir/data/pd.csv' personnel \
	&& '$pd' bpf --pin-dir '$pins' role uid 20001 personnel"
check "uid without a role is refused the file" bash -c \
	"! setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' 2>&1 | \
	 grep -q 870412 && setpriv --reuid=20003 --regid=20003 --clear-groups -- \
	 cat '$dir/data/pd.csv' 2>&1 | grep -q 'Operation not permitted'"
check "the role's uid reads it" bash -c \
	"setpriv --reuid=20001 --regid=20001 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
check "events show the denial as JSON" bash -c \
	"'$pd' bpf --pin-dir '$pins' events 1 | grep '\"decision\":\"deny\"' | grep -q pd.csv"
check "audit mode lets it through" bash -c "'$pd' bpf --pin-dir '$pins' mode audit && \
	setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
check "detach removes the pins and enforcement" bash -c "'$pd' bpf --pin-dir '$pins' mode enforce && \
	'$pd' bpf --pin-dir '$pins' detach && [ ! -e '$pins' ] && \
	setpriv --reuid=20003 --regid=20003 --clear-groups -- cat '$dir/data/pd.csv' | grep -q 870412"
exit 0
