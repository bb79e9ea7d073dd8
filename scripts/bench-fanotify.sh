#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# open()+close() latency with nothing attached, with pdguard's fanotify driver, and with
# fapolicyd (allow-all), in one run on this machine; a table in µs, overheads and their ratio.
# scripts/bench.sh calls it as a section; it also runs alone:
#
#   scripts/bench-fanotify.sh [N]        N opens per round (default 20000), 7 rounds, median
#
# Safety: everything runs in a private mount namespace (unshare -m) on its own tmpfs mounts.
# pdguard's permission marks are on the namespace's own tmpfs filesystems (filesystem marks on
# superblocks nobody outside can reach) and fapolicyd's are mount marks on the namespace's
# copies, so nothing outside can wait on them. pdguard also watches close-write on every
# filesystem, notification only: nobody ever waits for those. fapolicyd runs from a configuration bind-mounted over /etc/fapolicyd inside
# the namespace (watch_fs = tmpfs, trust = file with an empty list, one rule "allow all"), under
# a timeout, and is killed by its pid when measured; /var/lib/fapolicyd and /run/fapolicyd are
# private tmpfs too, so the system's own files are never touched.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-${BENCH_FANOTIFY_N:-20000}}
BIN=$top/build/bench/fanotify_bench

skip() { echo "SKIP: $*"; exit 0; }

if [ -z "${PDG_BENCH_IN_NS:-}" ]; then
	echo "== fanotify: open()+close() latency, pdguard's fanotify driver vs fapolicyd =="
	[ "$(id -u)" -eq 0 ] || skip "needs root (fanotify permission events, mounts)"
	command -v unshare >/dev/null || skip "needs unshare (util-linux)"
	mkdir -p "$top/build/bench"
	make -s -C "$top" build/bench/fanotify_bench >"$top/build/bench/fanotify_bench.build.log" 2>&1 ||
		skip "cannot build bench/fanotify_bench.c (build/bench/fanotify_bench.build.log)"
	exec env PDG_BENCH_IN_NS=1 unshare --mount --propagation private -- "$0" "$N"
fi

W=$(mktemp -d /tmp/pdg-fanbench-XXXXXX)
fap_pid=
cleanup() {
	[ -n "$fap_pid" ] && kill "$fap_pid" 2>/dev/null && wait "$fap_pid" 2>/dev/null
	umount -R "$W" 2>/dev/null
	rmdir "$W" 2>/dev/null
}
trap cleanup EXIT
mount -t tmpfs -o size=64m,mode=0755 pdg-fanbench "$W" || skip "cannot mount tmpfs"
for d in plain pd pd/shares pd/usb fap floor; do
	mkdir -p "$W/$d"
	case $d in pd) continue ;; esac
	mount -t tmpfs -o size=16m,mode=0755 "pdg-fb-${d//\//-}" "$W/$d" || skip "cannot mount tmpfs"
done
echo x >"$W/plain/f"
echo x >"$W/fap/f"
echo x >"$W/floor/f"

base=$("$BIN" measure "$W/plain/f" "$N") || skip "cannot measure"
# the floor: a responder that only reads, allows and closes (what any fanotify driver pays)
floor=$(timeout 300 "$BIN" floor "$W/floor/f" "$N" | awk '$1 == "floor" {print $2}')
pd_out=$(timeout 300 "$BIN" pdguard "$W/pd" "$N" 2>"$W/pdguard.err") ||
	{ sed 's/^/# /' "$W/pdguard.err"; skip "the pdguard driver did not start"; }
pd_lab=$(awk '$1 == "pdguard-labelled" {print $2}' <<<"$pd_out")
pd_usb=$(awk '$1 == "pdguard-usb-unlabelled" {print $2}' <<<"$pd_out")
pd_share=$(awk '$1 == "pdguard-share-unlabelled" {print $2}' <<<"$pd_out")

fap=
fap_why=
if ! command -v fapolicyd >/dev/null; then
	fap_why="fapolicyd is not installed (scripts/deps.sh bench installs it)"
elif pgrep -x fapolicyd >/dev/null; then
	# Debian's package enables and starts the system service on install: that one governs
	# the whole machine, and a second instance would measure both
	fap_why="a system fapolicyd is running; stop it first: systemctl disable --now fapolicyd"
else
	conf=$W/fapconf
	mkdir -p "$conf/rules.d" "$conf/trust.d"
	cat >"$conf/fapolicyd.conf" <<-EOF
	permissive = 1
	nice_val = 14
	q_size = 640
	uid = root
	gid = root
	do_stat_report = 0
	detailed_report = 0
	db_max_size = 50
	subj_cache_size = 1549
	obj_cache_size = 8191
	watch_fs = tmpfs
	trust = file
	integrity = none
	syslog_format = rule,dec,perm,auid,pid,exe,:,path,ftype,trust
	rpm_sha256_only = 0
	allow_filesystem_mark = 0
	EOF
	echo "allow perm=any all : all" >"$conf/rules.d/10-allow-all.rules"
	echo "allow perm=any all : all" >"$conf/compiled.rules"
	: >"$conf/fapolicyd.trust"
	mount --bind "$conf" /etc/fapolicyd &&
		mount -t tmpfs -o size=64m,mode=0755 pdg-fap-lib /var/lib/fapolicyd &&
		mkdir -p /run/fapolicyd &&
		mount -t tmpfs -o size=8m,mode=0755 pdg-fap-run /run/fapolicyd ||
		fap_why="cannot scope fapolicyd's configuration to the namespace"
	if [ -z "$fap_why" ]; then
		timeout 300 fapolicyd --debug-deny >"$W/fapolicyd.log" 2>&1 &
		fap_pid=$!
		# ready when its mark makes an open slower, or when it says it listens
		for _ in $(seq 1 300); do
			grep -qi "listen\|starting to" "$W/fapolicyd.log" 2>/dev/null && break
			kill -0 "$fap_pid" 2>/dev/null || break
			sleep 0.1
		done
		sleep 1
		if kill -0 "$fap_pid" 2>/dev/null; then
			fap=$(timeout 120 "$BIN" measure "$W/fap/f" "$N") || fap_why="measurement failed"
			kill "$fap_pid" 2>/dev/null
			wait "$fap_pid" 2>/dev/null
			fap_pid=
		else
			fap_why="fapolicyd exited: $(tail -n 2 "$W/fapolicyd.log" | tr '\n' ' ')"
		fi
	fi
fi
base2=$("$BIN" measure "$W/plain/f" "$N")

us() { awk -v n="$1" 'BEGIN { printf "%.2f", n / 1000 }'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", (a - b) / 1000 }'; }
fapver=$(dpkg-query -W -f '${Version}' fapolicyd 2>/dev/null || echo "?")
printf '%-64s %10s %12s\n' "case (open+close of one small file on tmpfs, $N x 7, median)" \
	"µs/open" "overhead µs"
printf '%-64s %10s %12s\n' "nothing attached (before)" "$(us "$base")" "-"
if [ -n "$floor" ]; then
	printf '%-64s %10s %12s\n' "least possible: a responder that reads, allows, closes" \
		"$(us "$floor")" "$(over "$floor" "$base")"
fi
printf '%-64s %10s %12s\n' "pdguard: PD-labelled file, inode mark, allowed read, logged" \
	"$(us "$pd_lab")" "$(over "$pd_lab" "$base")"
printf '%-64s %10s %12s\n' "pdguard: unlabelled file on a USB-zone filesystem (fs mark)" \
	"$(us "$pd_usb")" "$(over "$pd_usb" "$base")"
printf '%-64s %10s %12s\n' "pdguard: unlabelled file on a scan root (no permission mark)" \
	"$(us "$pd_share")" "$(over "$pd_share" "$base")"
if [ -n "$fap" ]; then
	printf '%-64s %10s %12s\n' "fapolicyd $fapver allow-all, tmpfs mount mark" "$(us "$fap")" \
		"$(over "$fap" "$base")"
else
	printf '%-64s %10s %12s\n' "fapolicyd: SKIP ($fap_why)" "-" "-"
fi
printf '%-64s %10s %12s\n' "nothing attached (after)" "$(us "$base2")" "-"
if [ -n "$fap" ]; then
	awk -v f="$fap" -v b="$base" -v l="$pd_lab" -v u="$pd_usb" 'BEGIN {
		printf "fapolicyd overhead / pdguard overhead: %.1fx (labelled file), %.1fx (USB mount)\n",
			(f - b) / (l - b), (f - b) / (u - b) }'
fi
if [ -n "$floor" ]; then
	awk -v f="${fap:-0}" -v b="$base" -v l="$pd_lab" -v u="$pd_usb" -v m="$floor" 'BEGIN {
		printf "overhead / least possible: pdguard %.1fx (labelled), %.1fx (USB)", \
			(l - b) / (m - b), (u - b) / (m - b)
		if (f > 0) printf ", fapolicyd %.1fx", (f - b) / (m - b)
		printf "\n" }'
fi
echo "(pdguard marks only PD files, USB mounts and cloud folders: every other open on the" \
	"machine costs nothing; fapolicyd marks every mount of its watch_fs types)"
