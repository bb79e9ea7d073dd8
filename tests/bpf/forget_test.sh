#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A label in the (dev, ino) map must never reach another file: a file created after a labelled
# one was deleted and its inode number reused (ext4 reuses them), or on a fresh tmpfs that got
# the old one's device number and inode numbers, opens for a user without any role. Runs in the
# VM as root, with either BPF driver (make test boots it with and without bpf in lsm=), scoped to a private loop ext4, a private tmpfs, uid 20003 and a private
# pin directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_bpf
pdg_require_cmd mkfs.ext4 losetup

pins=/sys/fs/bpf/pdguard-forget-$$
dir=$(mktemp -d /tmp/pdg-forget-XXXXXX)
chmod 755 "$dir"
cleanup() {
	"$pd" bpf --pin-dir "$pins" --log /dev/null detach --break-glass --reason "test cleanup" >/dev/null 2>&1
	umount -l "$dir/ext" "$dir/tmp" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
mkdir "$dir/ext" "$dir/tmp"
truncate -s 16M "$dir/ext.img"
mkfs.ext4 -q -F "$dir/ext.img" && mount -o loop "$dir/ext.img" "$dir/ext" && chmod 755 "$dir/ext"
mount -t tmpfs -o mode=0755 pdg-forget "$dir/tmp"
as_user() { setpriv --reuid=20003 --regid=20003 --clear-groups -- "$@"; }
export -f as_user
mk() { echo "870412300123;Иванов;450000" > "$1" && chmod 644 "$1"; }
forgotten() { "$pd" bpf --pin-dir "$pins" status | awk -F': ' '/^labels_forgotten/ {print $2}'; }

echo "1..6"
"$pd" bpf --pin-dir "$pins" attach >/dev/null

mk "$dir/ext/old.csv"
"$pd" bpf --pin-dir "$pins" label "$dir/ext/old.csv" financial >/dev/null
check "a file labelled in the map is refused" bash -c \
	"! as_user cat '$dir/ext/old.csv' 2>/dev/null | grep -q 870412"
ino=$(stat -c %i "$dir/ext/old.csv")
rm "$dir/ext/old.csv"
sync
mk "$dir/ext/new.csv"
diag "ext4: old inode $ino, new inode $(stat -c %i "$dir/ext/new.csv")"
check "ext4 gave the new file the deleted file's inode number" \
	test "$(stat -c %i "$dir/ext/new.csv")" = "$ino"
check "the new file does not inherit the deleted file's label" bash -c \
	"as_user cat '$dir/ext/new.csv' | grep -q 870412"

mk "$dir/tmp/a.csv"
"$pd" bpf --pin-dir "$pins" label "$dir/tmp/a.csv" personnel >/dev/null
dev=$(stat -c %d "$dir/tmp/a.csv") ino=$(stat -c %i "$dir/tmp/a.csv")
before=$(forgotten)
umount "$dir/tmp"
mount -t tmpfs -o mode=0755 pdg-forget2 "$dir/tmp"
mk "$dir/tmp/b.csv"
diag "tmpfs: old $dev:$ino, new $(stat -c %d:%i "$dir/tmp/b.csv")"
check "a fresh tmpfs reused the device and inode numbers" \
	test "$(stat -c %d:%i "$dir/tmp/b.csv")" = "$dev:$ino"
check "its file does not inherit the old tmpfs's label" bash -c \
	"as_user cat '$dir/tmp/b.csv' | grep -q 870412"
check "the dropped entries are counted" test "$(forgotten)" -gt "${before:-0}"
exit 0
