#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input, measured (a section of make bench): the PDF inflation bomb of issue 14 (a 1 MB
# PDF whose Flate stream inflates to 1 GiB) and a 1 GiB gzip bomb, through `pdguard scan` and
# `pdguard run --once` (first start, then the next start, which remembers the bomb), with GNU
# time's peak RSS (the sandboxed reader included: it is a child) and wall time; then how long
# the agent takes to stop on SIGTERM in the middle of its first scan.
# The daemon parts need root and run in a private mount namespace on their own tmpfs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pd=${PDGUARD:-$top/build/pdguard}
bomb=$top/build/tests/extract/pdfbomb_helper
if ! [ -x /usr/bin/time ]; then
	echo "SKIP: GNU time is not installed (scripts/deps.sh bench)"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the bomb benchmark needs root (the daemon, a private tmpfs)"
	exit 0
fi
if [ -z "${PDG_IN_NS:-}" ]; then
	exec env PDG_IN_NS=1 unshare --mount --propagation private -- "$0" "$@"
fi
make -s -C "$top" build/tests/extract/pdfbomb_helper || exit 1
d=$(mktemp -d /tmp/pdg-bench-bomb-XXXXXX)
mount -t tmpfs -o size=256m pdg-bench-bomb "$d" || { echo "SKIP: cannot mount a tmpfs"; exit 0; }
agent=
trap '[ -n "$agent" ] && kill -KILL "$agent" 2>/dev/null; umount "$d"; rmdir "$d"' EXIT
mkdir -p "$d/share" "$d/slow" "$d/state" "$d/state2"
"$bomb" "$d/share/bomb.pdf" 1024
yes 'Meeting notes, nothing personal' | head -c 1G | gzip -1 >"$d/share/notes.txt.gz"
printf 'ФИО;ИИН\nИванов Иван;900101300007\n' >"$d/share/staff.csv"

# measure LABEL COMMAND...: one table row from GNU time
measure() {
	local label=$1 out=$d/time.txt
	shift
	/usr/bin/time -v -o "$out" "$@" >"$d/cmd.txt" 2>&1
	printf '%-44s %9s MB %9s s  %s\n' "$label" \
		"$(awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$out")" \
		"$(awk -F': ' '/Elapsed/ { n = split($2, t, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$out")" \
		"$(grep -m1 -o 'limit exceeded: [^"]*\|initial scan: .*' "$d/cmd.txt" | head -c 70)"
}

cat >"$d/policy.conf" <<CONF
[agent]
mode = audit
rules = $top/policies/rules.d
log = $d/events.jsonl
state = $d/state
scan = $d/share
CONF
echo "== hostile files: peak RSS (process and its children) and wall time"
echo "inputs: bomb.pdf $(stat -c %s "$d/share/bomb.pdf") bytes (1 GiB inflated);" \
	"notes.txt.gz $(stat -c %s "$d/share/notes.txt.gz") bytes (1 GiB of text)"
printf '%-44s %12s %11s  %s\n' "what" "peak RSS" "wall" "outcome"
measure "pdguard scan bomb.pdf" "$pd" scan "$d/share/bomb.pdf"
measure "pdguard scan notes.txt.gz" "$pd" scan "$d/share/notes.txt.gz"
measure "pdguard run --once (first start)" "$pd" run --config "$d/policy.conf" --once
measure "pdguard run --once (next start: remembered)" "$pd" run --config "$d/policy.conf" --once

echo
echo "== SIGTERM in the middle of the first scan (8 PDF bombs of 256 MiB)"
"$bomb" "$d/slow/b0.pdf" 256
for i in 1 2 3 4 5 6 7; do cp "$d/slow/b0.pdf" "$d/slow/b$i.pdf"; done
sed "s|^scan = .*|scan = $d/slow|; s|^state = .*|state = $d/state2|" "$d/policy.conf" >"$d/slow.conf"
for run in 1 2 3; do
	rm -f "$d/state2"/*
	"$pd" run --config "$d/slow.conf" >"$d/out.txt" 2>&1 &
	agent=$!
	for i in $(seq 1 300); do grep -q "ENFORCEMENT\|in use" "$d/out.txt" && break; sleep 0.1; done
	sleep 1
	t0=$(date +%s.%N)
	kill -TERM "$agent"
	wait "$agent"
	t1=$(date +%s.%N)
	agent=
	printf 'run %d: stopped %.2f s after SIGTERM (%s)\n' "$run" "$(echo "$t1 - $t0" | bc)" \
		"$(grep -m1 -o 'stopping on signal.*' "$d/out.txt")"
done
