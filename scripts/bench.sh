#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pdguard benchmarks (make bench). One section per function named bench_<section>; SECTIONS
# lists them in the order they run. A section whose prerequisites are missing prints
# "SKIP: <reason>" and the run goes on. Each section's output is also written to
# build/bench/<section>.txt.
#
# To add a section: write bench_<name>() (print a title, check prerequisites with
# `need_cmd`/`skip`, print a small table), add <name> to SECTIONS with one line of help in
# SECTION_HELP. Keep the helpers below (median, measure, mbps) for timings.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
PD=${PDGUARD:-$top/build/pdguard}
OUTDIR=${BENCH_OUT:-$top/build/bench}
CACHE=${PDGUARD_CACHE:-/var/cache/pdguard}/bench
RUNS=${BENCH_RUNS:-3}
SIZE_MIB=${BENCH_SIZE_MIB:-256}
SEED=${BENCH_SEED:-1}
BIG=${BENCH_BIG:-0}
PY=${PYTHON:-python3}

SECTIONS=(machine classifier agent bomb fanotify bpf report smb)
declare -A SECTION_HELP=(
	[machine]="the machine: CPUs, CPU model, memory, kernel"
	[classifier]="pdguard scan vs grep -P, ripgrep and wc -l on ${SIZE_MIB} MiB of mixed text"
	[agent]="event log throughput; initial and incremental labelling of 100,000 files"
	[bomb]="peak RSS and time on a 1 GiB PDF inflation bomb and a gzip bomb; stop on SIGTERM"
	[fanotify]="open() latency: nothing vs pdguard's fanotify driver vs fapolicyd, same run"
	[bpf]="in the VM: open/pread/write loops with the BPF programs attached vs detached"
	[report]="pdguard report datamap|access|audit over a 1,000,000-event log: time and peak RSS"
	[smb]="a 100,000-file share: first scan, rescan, RSS; a 2,000-file SMB fetch with/without the agent"
)

usage() {
	cat <<USAGE
Usage: scripts/bench.sh [SECTION...]
       scripts/bench.sh --list | --help

Runs the pdguard benchmarks (all sections when none is named) and writes each section's
report to build/bench/<section>.txt as well as to stdout.

Sections:
$(for s in "${SECTIONS[@]}"; do printf '  %-12s %s\n' "$s" "${SECTION_HELP[$s]}"; done)

Environment:
  PDGUARD=PATH          the binary to measure (default build/pdguard)
  PDGUARD_CACHE=DIR     generated inputs are cached in DIR/bench (default /var/cache/pdguard)
  BENCH_SIZE_MIB=N      size of the classifier input (default 256; at least 256 for published numbers)
  BENCH_SEED=N          generator seed (default 1)
  BENCH_RUNS=N          runs of each tool; the median is reported (default 3)
  BENCH_BIG=1           also measure pdguard's peak RSS on a 1 GiB file (4 x 256 MiB concatenated)
  PDGUARD_SCAN_ARGS=..  extra arguments for 'pdguard scan' (the file and text limits are already
                        raised to the input's size with --max-file-mb/--max-text-mb)
  BENCH_OUT=DIR         where the reports go (default build/bench)
Missing tools: scripts/deps.sh bench (as root) installs ripgrep and GNU time.
USAGE
}

# ---------------------------------------------------------------------------------- helpers
skip() { echo "SKIP: $*"; }
need_cmd() { command -v "$1" >/dev/null 2>&1; }

# median of the numbers given as arguments
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# mbps BYTES SECONDS -> decimal MB per second
mbps() { [ -n "$2" ] || { echo -; return; }; awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "inf" }'; }

# measure OUTFILE CMD...: run CMD $RUNS times (stdout to OUTFILE), set M_SEC (median wall
# seconds), M_RSS (largest max RSS in KiB, from GNU time) and M_RC (exit status of the last run).
measure() {
	local out=$1 i t0 t1 rss times=() rssmax=0
	shift
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		/usr/bin/time -f %M -o "$work/rss" "$@" >"$out" 2>"$work/stderr"
		M_RC=$?
		t1=$(date +%s%N)
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')")
		rss=$(tail -n 1 "$work/rss")
		[[ $rss =~ ^[0-9]+$ ]] && ((rss > rssmax)) && rssmax=$rss
	done
	M_SEC=$(median "${times[@]}")
	M_RSS=$rssmax
}

# True when build/pdguard has a working 'scan' command.
have_scan() {
	local out
	[ -x "$PD" ] || return 1
	out=$("$PD" scan --help 2>&1)
	! grep -qi "unknown command" <<<"$out"
}

# ---------------------------------------------------------------------------------- machine
bench_machine() {
	echo "== machine =="
	echo "cpus:    $(nproc) online ($(grep -c ^processor /proc/cpuinfo) in /proc/cpuinfo)"
	echo "cpu:     $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "flags:   $(grep -m1 -o -w -E 'avx2|avx512f|sse4_2|ssse3' /proc/cpuinfo | sort -u | tr '\n' ' ')"
	echo "memory:  $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
	echo "kernel:  $(uname -r)"
	echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	if [ -d "$top/.git" ] && need_cmd git; then
		echo "tree:    $(git -C "$top" rev-parse --short HEAD 2>/dev/null)$(git -C "$top" diff --quiet 2>/dev/null || echo ' (with local changes)')"
	fi
}

# ---------------------------------------------------------------------------------- classifier
# The primary patterns of the default rule set (policies/rules.d: iin, passport-kz, id-card-kz,
# iban-kz, payment-card, phone-kz, icd10, and the payroll and medical keyword families) as one
# alternation for grep and ripgrep, with \b for the rules' digit look-arounds (ripgrep has no
# look-around). ASCII parts and Cyrillic words are kept apart so that ripgrep can run the former
# with (?-u) (ASCII \b) and still match the words as UTF-8.
PAT_ASCII='\b[0-9]{12}\b|\bN[0-9]{8}\b|\b[0-9]{9}\b|\bKZ[0-9]{2}[0-9A-Z]{16}\b'
PAT_ASCII+='|\b[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}\b'
PAT_ASCII+='|(?:\+7|\b8)[ -]?\(?7[0-9]{2}\)?[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}\b'
PAT_ASCII+='|\b[A-TV-Z][0-9]{2}(?:\.[0-9]{1,2})?\b'
PAT_WORDS='оклад|заработн|зарплат|начислено|удержано|к выплате|ИПН|ОПВ|ВОСМС|жалақы|еңбекақы'
PAT_WORDS+='|есептелді|ұсталды|salary|payroll|диагноз|МКБ-10|нетрудоспособност|больничн|ХАЖ-10'

# classifier_input SIZE_MIB [MIX] -> path of the cached input, generating it when absent
# (MIX: mixed, the default, or prose / business; bench/gen_text.py --mix)
classifier_input() {
	local mib=$1 mix=${2:-mixed} f suffix=""
	[ "$mix" != mixed ] && suffix=-$mix
	f=$CACHE/text-seed$SEED-${mib}MiB$suffix.txt
	if [ ! -s "$f" ]; then
		mkdir -p "$CACHE" || return 1
		if [ "$mix" = mixed ] && [ "$mib" -gt 256 ] && [ $((mib % 256)) -eq 0 ]; then
			local base
			base=$(classifier_input 256) || return 1
			echo "generating $f (concatenating $((mib / 256)) x $base)" >&2
			for ((i = 0; i < mib / 256; i++)); do cat "$base"; done >"$f.tmp" && mv "$f.tmp" "$f" || return 1
		else
			echo "generating $f (seed $SEED, $mib MiB, $mix; cached for later runs)" >&2
			"$PY" "$top/bench/gen_text.py" --out "$f" --size-mib "$mib" --seed "$SEED" --mix "$mix" || return 1
		fi
	fi
	echo "$f"
}

# pdguard_cmd FILE: set PD_CMD to the one scan command measured everywhere (the tree's default
# rules when policies/rules.d has any, as an installed /etc/pdguard/rules.d would be), with the
# per-file limits raised to FILE's size so that the whole file is read in one go
pdguard_cmd() {
	local help mib
	help=$("$PD" scan --help 2>&1)
	PD_CMD=("$PD" scan --json)
	# one job: the number is per core (scan defaults to one job per CPU)
	grep -q -- '--jobs' <<<"$help" && PD_CMD+=(--jobs 1)
	mib=$((($(stat -c %s "$1") >> 20) + 1))
	grep -q -- '--max-text-mb' <<<"$help" && PD_CMD+=(--max-file-mb "$mib" --max-text-mb "$mib")
	[ -n "$(ls -A "$top/policies/rules.d" 2>/dev/null)" ] && PD_CMD+=(--rules "$top/policies/rules.d")
	# shellcheck disable=SC2206
	PD_CMD+=(${PDGUARD_SCAN_ARGS:-})
}

# count_of FILE: the count a tool printed (grep and rg -c print nothing, or 0, when nothing matched)
count_of() { local c; c=$(head -c 32 "$1"); echo "${c:-0}"; }

# The three kinds of text, in the order of the table's columns.
MIXES=(prose business mixed)
# what the table calls them: the default mix is the identifier-dense worst case
declare -A MIX_NAME=([prose]=prose [business]=business [mixed]=dense)
declare -A MIX_HELP=(
	[prose]="office prose without identifiers (ru/kk/en)"
	[business]="the same prose and numbered business lines (dates, sums, invoice and room numbers), no identifiers"
	[mixed]="identifier-dense: every other line has a 12-digit id, an invoice or order number, or PD (IINs with payroll words, phones, IBANs, cards, passports): the worst case"
)

bench_classifier() {
	echo "== classifier =="
	if ! need_cmd "$PY"; then skip "python3 is needed to generate the input (scripts/deps.sh test)"; return 0; fi
	if [ ! -x /usr/bin/time ]; then skip "GNU time (/usr/bin/time) is missing: scripts/deps.sh bench"; return 0; fi
	local mix input bytes=0
	declare -A file=()
	for mix in "${MIXES[@]}"; do
		input=$(classifier_input "$SIZE_MIB" "$mix") || { skip "cannot generate the input in $CACHE"; return 0; }
		file[$mix]=$input
		bytes=$(stat -c %s "$input")
		echo "input $(printf '%-8s' "${MIX_NAME[$mix]}") $input ($((bytes >> 20)) MiB, $(wc -l <"$input") lines): ${MIX_HELP[$mix]}"
	done
	echo "runs:    $RUNS per tool and text, median wall time (* : the two slowest reference tools, once and on the dense text only); page cache warmed first; MB = 10^6 bytes"

	declare -A sec=() cnt=() rss=() note=()
	local order=() k
	# add NAME MIX COUNT [NOTE]: record the last measure
	add() {
		[[ " ${order[*]} " == *" $1 "* ]] || order+=("$1")
		sec[$1/$2]=$M_SEC; cnt[$1/$2]=$3; rss[$1/$2]=$M_RSS; note[$1/$2]=${4:-}
	}
	local pd_ok=1 pd_name="pdguard scan (default rules, 1 job)"
	# the same scan with PCRE2 JIT alone: what a CPU without SSSE3 (or arm64) gets
	local pcre_name="pdguard scan --engine pcre2 (1 job)"
	# speedup TOOL MIX: the tool's time / pdguard's on that text ("-" when not measured)
	speedup() {
		[ -n "${sec[$1/$2]:-}" ] || { echo -; return; }
		awk -v a="${sec[$pd_name/$2]}" -v b="${sec[$1/$2]}" 'BEGIN { printf "%.2fx", b / a }'
	}
	for mix in "${MIXES[@]}"; do
		input=${file[$mix]}
		cat "$input" >/dev/null
		cat "$input" >/dev/null
		measure "$work/wc.out" wc -l "$input"
		add "wc -l (memory-bandwidth floor)" "$mix" "$(awk '{print $1}' "$work/wc.out")"
		if have_scan; then
			pdguard_cmd "$input"
			measure "$work/pd.out" "${PD_CMD[@]}" "$input"
			local err label
			err=$(grep -o '"error":"[^"]*"' "$work/pd.out" | head -n 1)
			label=$(grep -o '"label":"[a-z]*"' "$work/pd.out" | cut -d'"' -f4)
			if [ "$M_RC" -le 1 ] && [ -z "$err" ]; then
				add "$pd_name" "$mix" "${label:-?}"
			else
				add "$pd_name" "$mix" "exit=$M_RC" "${err:-$(head -c 200 "$work/stderr")}"
				pd_ok=0
			fi
			if grep -q -- '--engine' <<<"$("$PD" scan --help 2>&1)"; then
				measure "$work/pcre.out" "${PD_CMD[@]}" --engine pcre2 "$input"
				label=$(grep -o '"label":"[a-z]*"' "$work/pcre.out" | cut -d'"' -f4)
				add "$pcre_name" "$mix" "${label:-exit=$M_RC}"
			fi
		fi
		LC_ALL=C measure "$work/grepc.out" grep -cP "$PAT_ASCII|$PAT_WORDS" "$input"
		add "grep -cP (C locale, bytes)" "$mix" "$(count_of "$work/grepc.out")"
		if need_cmd rg; then
			measure "$work/rgu.out" rg -c "(?-u:$PAT_ASCII)|$PAT_WORDS" "$input"
			add "rg -c ((?-u) ASCII \\b)" "$mix" "$(count_of "$work/rgu.out")"
		fi
		# a user's defaults, and ripgrep's Unicode \b: minutes per text, so one run, dense only
		if [ "$mix" = mixed ]; then
			LC_ALL=C.UTF-8 RUNS=1 measure "$work/grep.out" grep -cP "$PAT_ASCII|$PAT_WORDS" "$input"
			add "grep -cP (UTF-8 locale) *" "$mix" "$(count_of "$work/grep.out")"
			if need_cmd rg; then
				RUNS=1 measure "$work/rg.out" rg -c "$PAT_ASCII|$PAT_WORDS" "$input"
				add "rg -c (Unicode \\b) *" "$mix" "$(count_of "$work/rg.out")"
			fi
		fi
	done

	echo
	echo "MB/s (peak RSS of the dense run; lines matched or label per text):"
	printf '%-38s %10s %10s %10s %9s  %s\n' "tool" "prose" "business" "dense" "RSS" "matches (prose / business / dense)"
	for k in "${order[@]}"; do
		printf '%-38s %10s %10s %10s %9s  %s\n' "$k" \
			"$(mbps "$bytes" "${sec[$k/prose]:-}")" "$(mbps "$bytes" "${sec[$k/business]:-}")" \
			"$(mbps "$bytes" "${sec[$k/mixed]:-}")" "$((${rss[$k/mixed]:-0} / 1024)) MiB" \
			"${cnt[$k/prose]:--} / ${cnt[$k/business]:--} / ${cnt[$k/mixed]:--}${note[$k/mixed]:+  ${note[$k/mixed]}}"
	done
	if have_scan && [ $pd_ok = 1 ]; then
		echo
		echo "pdguard's speed / the tool's (above 1: pdguard is faster; it also validates, weighs context and decides):"
		for k in "${order[@]}"; do
			[[ $k == pdguard* || $k == wc* ]] && continue
			printf '%-38s %10s %10s %10s\n' "$k" "$(speedup "$k" prose)" "$(speedup "$k" business)" \
				"$(speedup "$k" mixed)"
		done
		if [ -n "${sec[$pcre_name/prose]:-}" ]; then
			echo
			echo "PCRE2 JIT alone / Hyperscan (speed ratio; below 1: PCRE2 is slower):"
			printf '%-38s %10s %10s %10s\n' "pdguard scan --engine pcre2" \
				"$(awk -v a="${sec[$pd_name/prose]}" -v b="${sec[$pcre_name/prose]}" 'BEGIN { printf "%.2f", a / b }')" \
				"$(awk -v a="${sec[$pd_name/business]}" -v b="${sec[$pcre_name/business]}" 'BEGIN { printf "%.2f", a / b }')" \
				"$(awk -v a="${sec[$pd_name/mixed]}" -v b="${sec[$pcre_name/mixed]}" 'BEGIN { printf "%.2f", a / b }')"
		fi
		echo
		local verdict=()
		for mix in "${MIXES[@]}"; do
			verdict+=("${MIX_NAME[$mix]} $(mbps "$bytes" "${sec[$pd_name/$mix]}") MB/s: $(awk -v b="$bytes" -v s="${sec[$pd_name/$mix]}" 'BEGIN { print (b / 1e6 / s >= 1000) ? "met" : "NOT met" }')")
		done
		echo "target >= 1000 MB/s per core (pdguard scan, whole process): $(IFS=';'; echo "${verdict[*]}" | sed 's/;/; /g')"
	fi
	have_scan || skip "pdguard scan not built: only the reference tools were measured (run make)"
	need_cmd rg || skip "ripgrep not installed: scripts/deps.sh bench (as root)"
	[ $pd_ok = 0 ] && echo "WARNING: pdguard did not scan a whole input: ${note[$pd_name/prose]}${note[$pd_name/business]}${note[$pd_name/mixed]}"

	if [ "$BIG" = 1 ] && have_scan; then
		local big
		big=$(classifier_input 1024) || { skip "cannot build the 1 GiB input"; return 0; }
		cat "$big" >/dev/null
		local RUNS=1
		pdguard_cmd "$big"
		measure "$work/big.out" "${PD_CMD[@]}" "$big"
		local berr
		berr=$(grep -o '"error":"[^"]*"' "$work/big.out" | head -n 1 | cut -d'"' -f4)
		echo
		if [ -z "$berr" ]; then
			echo "1 GiB dense input ($big): pdguard scan ${M_SEC} s," \
				"$(mbps "$(stat -c %s "$big")" "$M_SEC") MB/s, peak RSS $((M_RSS / 1024)) MiB, exit $M_RC"
		else
			echo "1 GiB input ($big): pdguard stopped after ${M_SEC} s ($berr);" \
				"peak RSS $((M_RSS / 1024)) MiB, exit $M_RC (no throughput: raise the limits" \
				"with PDGUARD_SCAN_ARGS to read it whole)"
		fi
	elif [ "$BIG" != 1 ]; then
		echo "(peak RSS on a 1 GiB file: run with BENCH_BIG=1)"
	fi
}

# Sections that live in their own scripts (they need root, mounts or the VM).
bench_agent() { "$top/scripts/bench-agent.sh"; }
bench_bomb() { "$top/scripts/bench-bomb.sh"; }
bench_fanotify() { "$top/scripts/bench-fanotify.sh"; }
bench_report() { "$top/scripts/bench-report.sh"; }
bench_smb() { "$top/scripts/bench-smb.sh"; }
bench_bpf() {
	if [ -x "$top/scripts/bench-bpf.sh" ]; then
		"$top/scripts/bench-bpf.sh"
	else
		skip "the BPF drivers are not in this build"
	fi
}

# ---------------------------------------------------------------------------------- main
case "${1:-}" in
-h|--help) usage; exit 0 ;;
--list) printf '%s\n' "${SECTIONS[@]}"; exit 0 ;;
esac
want=("$@")
[ ${#want[@]} -eq 0 ] && want=("${SECTIONS[@]}")
for s in "${want[@]}"; do
	if ! declare -F "bench_$s" >/dev/null; then
		echo "bench.sh: unknown section '$s' (sections: ${SECTIONS[*]})" >&2
		exit 2
	fi
done
mkdir -p "$OUTDIR" || { echo "bench.sh: cannot create $OUTDIR" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pdguard-bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
for s in "${want[@]}"; do
	{
		[ "$s" != machine ] && bench_machine | sed -n '2,3p'
		"bench_$s"
	} 2>&1 | tee "$OUTDIR/$s.txt"
	echo
done
