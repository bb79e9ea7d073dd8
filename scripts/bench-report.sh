#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark of `pdguard report` (a section of make bench): each report over an event log of
# BENCH_REPORT_EVENTS events (default 1,000,000), written once by bench/report_mklog through the
# agent's own chained writer and cached in $PDGUARD_CACHE/bench. Prints wall time and peak RSS
# (GNU time) per report: the log is streamed, so memory must stay flat as the log grows.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pd=${PDGUARD:-$top/build/pdguard}
n=${BENCH_REPORT_EVENTS:-1000000}
cache=${PDGUARD_CACHE:-/var/cache/pdguard}/bench/report-$n
[ -x /usr/bin/time ] || { echo "SKIP: GNU time is not installed (scripts/deps.sh bench)"; exit 0; }
make -s -C "$top" build/bench/report_mklog || exit 1
mkdir -p "$cache/state" "$cache/shares" || { echo "SKIP: cannot write $cache"; exit 0; }
if [ ! -s "$cache/events.jsonl.done" ]; then
	rm -f "$cache/events.jsonl"
	echo "writing $n chained events to $cache/events.jsonl (once; cached)..."
	"$top/build/bench/report_mklog" "$cache/events.jsonl" "$n" || exit 1
	echo "$n" >"$cache/events.jsonl.done"
fi
cat >"$cache/policy.conf" <<CONF
[agent]
mode = enforce
rules = $top/policies/rules.d
log = $cache/events.jsonl
state = $cache/state
scan = $cache/shares
CONF
size=$(du -m "$cache/events.jsonl" | cut -f1)
echo "== pdguard report over $n events ($size MiB of log), $(nproc) CPUs"
printf '%-34s %10s %14s\n' "command" "wall (s)" "peak RSS (MiB)"
run() {
	local name=$1 t
	shift
	t=$(/usr/bin/time -f '%e %M' "$@" 2>&1 >/dev/null | tail -n 1)
	printf '%-34s %10s %14s\n' "$name" "${t% *}" "$(( ${t#* } / 1024 ))"
}
run "log verify (chain only, reference)" "$pd" log verify "$cache/events.jsonl"
for k in datamap access audit; do
	run "report $k --format json" "$pd" report "$k" --config "$cache/policy.conf" -f json
done
run "report access --user 20001 (review)" "$pd" report access --user 20001 \
	--config "$cache/policy.conf" -f html
run "report audit --format html" "$pd" report audit --config "$cache/policy.conf" -f html
echo "(audit reads the log twice: the chain check of 'log verify', then the counting pass)"
