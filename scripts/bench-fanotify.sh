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
	mount -t tmpfs -o size=256m,mode=0755 "pdg-fb-${d//\//-}" "$W/$d" || skip "cannot mount tmpfs"
done
echo x >"$W/plain/f"
echo x >"$W/fap/f"
echo x >"$W/floor/f"

base=$("$BIN" measure "$W/plain/f" "$N") || skip "cannot measure"
# the floor: a responder that only reads, allows and closes (what any fanotify driver pays)
floor_out=$(timeout 300 "$BIN" floor "$W/floor/f" "$N")
floor=$(awk '$1 == "floor" {print $2}' <<<"$floor_out")
floor_cpu=$(awk '$1 == "floor-cpu" {print $2}' <<<"$floor_out")
# CPU time of a process's threads (ns), from their schedstat: what a responder spends per open
# is the CPU it used while one measure ran, over the opens that measure makes (N/10 + 7 N)
proc_cpu() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}
opens=$(( N / 10 + 7 * N ))
# Workloads, the same script without and with the driver: a `cp -r` of a 2,000-file folder to
# another filesystem and a `find -type f -exec cat` over 20,000 files (a tenth of a kernel tree's
# count; the ratio is what is compared), 2% of each labelled PD (root's role reads all, so the
# PD reads are allowed, logged, and the copies labelled derived)
WL_CP=${BENCH_FANOTIFY_CP:-2000}
WL_FIND=${BENCH_FANOTIFY_FIND:-20000}
make_tree() {	# DIR FILES: FILES small files, 100 a folder, every 50th named pd-*
	awk -v dir="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			d = sprintf("%s/d%03d", dir, int(i / 100))
			if (i % 100 == 0) system("mkdir -p " d)
			f = sprintf("%s/%s%05d.txt", d, i % 50 == 0 ? "pd-" : "f", i)
			print "line of text " i > f
			close(f)
		}
	}'
}
tree=$W/pd/shares/tree
make_tree "$tree/cp" "$WL_CP"
make_tree "$tree/find" "$WL_FIND"
cat >"$W/workload.sh" <<WL
t0=\$(date +%s%N)
cp -r '$tree/cp' '$W/plain/cp-copy' || exit 1
t1=\$(date +%s%N)
find '$tree/find' -type f -exec cat {} + >/dev/null || exit 1
t2=\$(date +%s%N)
rm -rf '$W/plain/cp-copy'
echo "\$(( (t1 - t0) / 1000000 )) \$(( (t2 - t1) / 1000000 ))" >'$W/workload.out'
WL
sh "$W/workload.sh" && read -r wl_cp0 wl_find0 <"$W/workload.out" || { wl_cp0=; wl_find0=; }
pd_out=$(timeout 600 "$BIN" pdguard "$W/pd" "$N" "$W/workload.sh" 2>"$W/pdguard.err") &&
	cp "$W/workload.out" "$W/workload.with" ||
	{ sed 's/^/# /' "$W/pdguard.err"; skip "the pdguard driver did not start"; }
pd_lab=$(awk '$1 == "pdguard-labelled" {print $2}' <<<"$pd_out")
pd_usb=$(awk '$1 == "pdguard-usb-unlabelled" {print $2}' <<<"$pd_out")
pd_share=$(awk '$1 == "pdguard-share-unlabelled" {print $2}' <<<"$pd_out")
pd_lab_cpu=$(awk '$1 == "pdguard-labelled-cpu" {print $2}' <<<"$pd_out")
pd_usb_cpu=$(awk '$1 == "pdguard-usb-unlabelled-cpu" {print $2}' <<<"$pd_out")

fap=
fap_cpu=
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
			fap_daemon=$(pgrep -P "$fap_pid" -x fapolicyd | head -n 1)
			c0=$(proc_cpu "${fap_daemon:-0}")
			fap=$(timeout 120 "$BIN" measure "$W/fap/f" "$N") || fap_why="measurement failed"
			c1=$(proc_cpu "${fap_daemon:-0}")
			[ -n "$fap_daemon" ] && [ "$c1" -gt "$c0" ] && fap_cpu=$(( (c1 - c0) / opens ))
			kill "$fap_pid" 2>/dev/null
			wait "$fap_pid" 2>/dev/null
			fap_pid=
		else
			fap_why="fapolicyd exited: $(tail -n 2 "$W/fapolicyd.log" | tr '\n' ' ')"
		fi
	fi
fi
base2=$("$BIN" measure "$W/plain/f" "$N")
# the workload without the driver once more: the mean of before and after is the baseline
if [ -n "$wl_cp0" ] && sh "$W/workload.sh"; then
	read -r a b <"$W/workload.out"
	wl_cp0=$(( (wl_cp0 + a) / 2 ))
	wl_find0=$(( (wl_find0 + b) / 2 ))
fi

us() { awk -v n="$1" 'BEGIN { printf "%.2f", n / 1000 }'; }
over() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", (a - b) / 1000 }'; }
fapver=$(dpkg-query -W -f '${Version}' fapolicyd 2>/dev/null || echo "?")
row() { printf '%-64s %10s %12s %9s\n' "$@"; }
cpu() { [ -n "$1" ] && us "$1" || echo "-"; }
row "case (open+close of one small file on tmpfs, $N x 7, median)" "µs/open" "overhead µs" \
	"CPU µs"
row "nothing attached (before)" "$(us "$base")" "-" "-"
if [ -n "$floor" ]; then
	row "least possible: a responder that reads, allows, closes" "$(us "$floor")" \
		"$(over "$floor" "$base")" "$(cpu "$floor_cpu")"
fi
row "pdguard: PD-labelled file, inode mark, allowed read, logged" "$(us "$pd_lab")" \
	"$(over "$pd_lab" "$base")" "$(cpu "$pd_lab_cpu")"
row "pdguard: unlabelled file on a USB-zone filesystem (fs mark)" "$(us "$pd_usb")" \
	"$(over "$pd_usb" "$base")" "$(cpu "$pd_usb_cpu")"
row "pdguard: unlabelled file on a scan root (no permission mark)" "$(us "$pd_share")" \
	"$(over "$pd_share" "$base")" "-"
if [ -n "$fap" ]; then
	row "fapolicyd $fapver allow-all, tmpfs mount mark" "$(us "$fap")" "$(over "$fap" "$base")" \
		"$(cpu "$fap_cpu")"
else
	row "fapolicyd: SKIP ($fap_why)" "-" "-" "-"
fi
row "nothing attached (after)" "$(us "$base2")" "-" "-"
echo "(CPU µs: the responding process's CPU time per open, all its threads: decision, answer," \
	"logging; a loaded machine moves it far less than the wall time)"
if [ -n "$fap" ]; then
	awk -v f="$fap" -v b="$base" -v l="$pd_lab" -v u="$pd_usb" 'BEGIN {
		printf "fapolicyd overhead / pdguard overhead: %.1fx (labelled file), %.1fx (USB mount)\n",
			(f - b) / (l - b), (f - b) / (u - b) }'
	if [ -n "$fap_cpu" ] && [ -n "$pd_lab_cpu" ]; then
		awk -v f="$fap_cpu" -v l="$pd_lab_cpu" -v u="$pd_usb_cpu" 'BEGIN {
			printf "pdguard CPU / fapolicyd CPU per open: %.2fx (labelled file), %.2fx (USB mount)\n",
				l / f, u / f }'
	fi
fi
if [ -n "$wl_cp0" ] && [ -s "$W/workload.with" ] && grep -q '^pdguard-workload-ms' <<<"$pd_out"; then
	read -r wl_cp1 wl_find1 <"$W/workload.with"
	printf '%-64s %10s %12s\n' "workload (ms; without: mean of a run before and after)" \
		"without" "with pdguard"
	printf '%-64s %10s %12s\n' "cp -r of $WL_CP files to another filesystem (2% PD)" "$wl_cp0" "$wl_cp1"
	printf '%-64s %10s %12s\n' "find -type f -exec cat over $WL_FIND files (2% PD)" "$wl_find0" "$wl_find1"
	awk -v a="$wl_cp0" -v b="$wl_cp1" -v c="$wl_find0" -v d="$wl_find1" 'BEGIN {
		printf "with / without pdguard: cp -r %.2fx, find -exec cat %.2fx\n",
			b / (a > 0 ? a : 1), d / (c > 0 ? c : 1) }'
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
