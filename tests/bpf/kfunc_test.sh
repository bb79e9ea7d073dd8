#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Labels read in the kernel: with pdguard.ko loaded, the BPF LSM programs read a file's label
# xattr through the module's kfuncs, so a file labelled on disk is refused to a user without
# the role at its first open although the agent never pushed it; a label changed on disk takes
# effect at the next open; a rename of a never-opened labelled file into a cloud folder is
# refused; and a full labels map loses no enforcement. Runs in the VM as root, scoped to a
# private tmpfs, uids 20001/20003 and a private pin directory that is always removed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_bpf_lsm
pdg_kmod_for_this_kernel

pins=/sys/fs/bpf/pdguard-kftest-$$
dir=$(mktemp -d /tmp/pdg-kf-XXXXXX)
chmod 755 "$dir"
loaded_here=
cleanup() {
	"$pd" bpf --pin-dir "$pins" --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	umount -l "$dir/data" 2>/dev/null
	rm -rf "$dir"
	# sleepable programs hold the module until an RCU-tasks-trace grace period has passed
	[ -n "$loaded_here" ] && wait_for rmmod pdguard 2>/dev/null
}
trap cleanup EXIT
mkdir "$dir/data" && mount -t tmpfs -o mode=0755 pdg "$dir/data"
mkdir -m 755 "$dir/data/Dropbox" "$dir/data/hr"
as_user() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups -- "$@"; }
export -f as_user

echo "1..11"

if [ ! -d /sys/module/pdguard ]; then
	insmod "$ko" && loaded_here=1
fi
check "the module registers its label kfuncs" bash -c \
	"[ -r /sys/kernel/btf/pdguard ] && dmesg | grep -q 'label kfuncs registered'"

# Labelled on disk before anything is attached: the agent never saw these files.
for f in salaries.csv moved.csv later.csv; do
	echo "870412300123;Иванов;450000" > "$dir/data/hr/$f"
	chmod 644 "$dir/data/hr/$f"
done
"$pd" label set --log /dev/null "$dir/data/hr/salaries.csv" financial >/dev/null
"$pd" label set --log /dev/null "$dir/data/hr/moved.csv" personnel >/dev/null

check "attach reads labels from the files' xattrs" bash -c \
	"'$pd' bpf --pin-dir '$pins' attach --no-guard >/dev/null && \
	 '$pd' bpf --pin-dir '$pins' status | grep -q '^labels from: file xattrs'"
"$pd" bpf --pin-dir "$pins" role uid 20001 financial,personnel >/dev/null
"$pd" bpf --pin-dir "$pins" zone cloud "$dir/data/Dropbox" >/dev/null

check "a file labelled on disk is refused at the first open" bash -c \
	"! as_user 20003 cat '$dir/data/hr/salaries.csv' 2>/dev/null | grep -q 870412"
check "the role's uid reads it" bash -c \
	"as_user 20001 cat '$dir/data/hr/salaries.csv' | grep -q 870412"
check "an unlabelled file on the same filesystem opens" bash -c \
	"as_user 20003 cat '$dir/data/hr/later.csv' | grep -q 870412"
check "the kernel read the xattrs itself" bash -c \
	"'$pd' bpf --pin-dir '$pins' status | awk -F': ' '/^label_xattr_reads/ {exit !(\$2 > 0)}'"
check "a never-opened labelled file cannot be renamed into a cloud folder" bash -c \
	"! mv '$dir/data/hr/moved.csv' '$dir/data/Dropbox/' 2>/dev/null && \
	 [ -f '$dir/data/hr/moved.csv' ] && [ ! -e '$dir/data/Dropbox/moved.csv' ]"

# A label written later (audit mode lets root change it) applies at the next open, although
# the earlier open of the same file was cached as unlabelled.
"$pd" bpf --pin-dir "$pins" mode audit >/dev/null
"$pd" label set --log /dev/null "$dir/data/hr/later.csv" medical >/dev/null
"$pd" bpf --pin-dir "$pins" mode enforce >/dev/null
check "a label changed on disk applies at the next open" bash -c \
	"! as_user 20003 cat '$dir/data/hr/later.csv' 2>/dev/null | grep -q 870412"

# Fill the labels map to its last entry with keys of no file: enforcement must not depend on it.
fill=$top/build/tests/bpf/mapfill_helper
check "the labels map is full" bash -c \
	"'$fill' '$pins/pdguard_labels' >/dev/null && \
	 ! '$pd' bpf --pin-dir '$pins' label '$dir/data/hr/later.csv' basic 2>/dev/null"
echo "870412300123;Петров;380000" > "$dir/data/hr/new.csv"
chmod 644 "$dir/data/hr/new.csv"
"$pd" bpf --pin-dir "$pins" mode audit >/dev/null
"$pd" label set --log /dev/null "$dir/data/hr/new.csv" financial >/dev/null
"$pd" bpf --pin-dir "$pins" mode enforce >/dev/null
check "with the map full a newly labelled file is still refused" bash -c \
	"! as_user 20003 cat '$dir/data/hr/new.csv' 2>/dev/null | grep -q 870412"
check "and still read by the role" bash -c \
	"as_user 20001 cat '$dir/data/hr/new.csv' | grep -q 870412"
exit 0
