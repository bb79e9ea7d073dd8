#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks of the agent (a section of make bench):
#  1. event log throughput: chained events written through eventlog_write(), plain and with an
#     fdatasync per event, then verified (bench/eventlog_bench.c);
#  2. the initial scan of a tree of 100,000 small files by `pdguard run --once` (classify and
#     label every file), then the second run, which reads only what changed (nothing), and
#     `pdguard scan` of the same tree for comparison.
# Runs as root in a private mount namespace on its own tmpfs; prints tables.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pd=$top/build/pdguard
files=${BENCH_TREE_FILES:-100000}
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the agent benchmark needs root (labels, a private tmpfs)"
	exit 0
fi
if [ -z "${PDG_IN_NS:-}" ]; then
	exec env PDG_IN_NS=1 unshare --mount --propagation private -- "$0" "$@"
fi
d=$(mktemp -d /tmp/pdg-bench-agent-XXXXXX)
mount -t tmpfs -o size=2g pdg-bench "$d" || { echo "SKIP: cannot mount a tmpfs"; exit 0; }
trap 'umount "$d"; rmdir "$d"' EXIT

echo "== event log: chained JSON lines, one writer"
make -s -C "$top" build/bench/eventlog_bench || exit 1
"$top/build/bench/eventlog_bench" "$d" 200000 2000
echo "(on tmpfs: fdatasync costs nothing there; on a disk it is the device's flush latency)"

echo
echo "== initial scan of $files small files (2% with PD), tmpfs, $(nproc) worker threads"
mkdir -p "$d/tree" "$d/state"
python3 "$top/bench/mktree.py" "$d/tree" "$files" 1
bytes=$(du -sb "$d/tree" | cut -f1)
cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $d/log/events.jsonl
state = $d/state
scan = $d/tree
CONF
t() { local t0 t1; t0=$(date +%s.%N); "$@" >"$d/out.txt" 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
first=$(t "$pd" run --config "$d/policy.conf" --once)
sum1=$(grep "initial scan" "$d/out.txt")
second=$(t "$pd" run --config "$d/policy.conf" --once)
sum2=$(grep "initial scan" "$d/out.txt")
scan=$(t "$pd" scan --jobs "$(nproc)" "$d/tree")
printf '%-44s %9s %10s\n' "run" "seconds" "files/s"
printf '%-44s %9.2f %10.0f\n' "pdguard run --once, first (classify + label)" "$first" \
	"$(echo "$files / $first" | bc -l)"
printf '%-44s %9.2f %10.0f\n' "pdguard run --once, second (incremental)" "$second" \
	"$(echo "$files / $second" | bc -l)"
printf '%-44s %9.2f %10.0f\n' "pdguard scan --jobs $(nproc) (no labels)" "$scan" \
	"$(echo "$files / $scan" | bc -l)"
echo "first:  $sum1"
echo "second: $sum2"
echo "tree: $files files, $((bytes / 1024 / 1024)) MiB; labelled with PD: $(grep -c '"label":"pd"' "$d/log/events.jsonl")"
