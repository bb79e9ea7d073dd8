#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The same rules give the same results with either engine: a generated corpus is scanned with
# Hyperscan and with PCRE2 JIT alone, and every file's label, categories and findings (rule and
# count) must agree; then build/pdguard runs on a CPU without SSSE3 (qemu-x86_64 -cpu qemu64,
# Debian's qemu-user), must start, say it runs PCRE2, and label the corpus as the native build.
#
#   tests/corpus/engines_test.sh [--help]
#   env: PDGUARD (binary, default build/pdguard), ENGINES_SEED (default 20261205),
#        ENGINES_FILES (default 200)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/corpus
pd=${PDGUARD:-$top/build/pdguard}
seed=${ENGINES_SEED:-20261205}
files=${ENGINES_FILES:-200}

case "${1:-}" in
-h|--help)
	sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
"") ;;
*) echo "engines_test.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

echo "TAP version 13"
echo "1..6"
py=$(command -v python3 || true)
if [ -z "$py" ] || [ ! -x "$pd" ]; then
	for i in 1 2 3 4 5 6; do
		echo "ok $i - engines # SKIP python3 or build/pdguard missing"
	done
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdguard-engines.XXXXXX") || { echo "Bail out! mktemp"; exit 1; }
trap 'rm -rf "$tmp"' EXIT
if ! gen=$("$py" "$here/gen_corpus.py" --out "$tmp/corpus" --seed "$seed" --files "$files" 2>&1); then
	echo "Bail out! corpus generation failed: $gen"
	exit 1
fi
echo "# $gen"
export PDGUARD_RULES_CACHE=off
rules=$top/policies/rules.d
fails=0
n=0
check() {
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		fails=$((fails + 1))
	fi
}

# one line a file: path, label, categories, findings (rule:count), sorted by path
summarize() {
	"$py" -c '
import json, sys
rows = []
for line in open(sys.argv[1]):
    o = json.loads(line)
    f = ",".join(sorted("%s:%d" % (x["rule"], x["count"]) for x in o["findings"]))
    rows.append("%s\t%s\t%s\t%s" % (o["path"][len(sys.argv[2]):], o["label"],
                                      ",".join(sorted(o["categories"])), f))
print("\n".join(sorted(rows)))' "$1" "$2"
}

# A file that ran out of time on this shared machine (a PDF reader starved of CPU) says nothing
# about the engines: scan each such file again alone, with the same command, before comparing.
# retry_timeouts JSON COMMAND...: COMMAND + the file's path prints its one JSON line.
retry_timeouts() {
	"$py" - "$@" <<'PY'
import json, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2:]
lines = open(out).read().splitlines()
for i, line in enumerate(lines):
    o = json.loads(line)
    if (o.get("error") or "").startswith("limit exceeded: time"):
        r = subprocess.run(cmd + [o["path"]], capture_output=True, text=True)
        if r.stdout.strip():
            print("# %s: out of time under load, scanned again alone" % o["path"])
            lines[i] = r.stdout.strip().splitlines()[-1]
open(out, "w").write("\n".join(lines) + "\n")
PY
}

"$pd" scan --rules "$rules" --engine hyperscan --json --quiet --jobs 2 "$tmp/corpus" \
	>"$tmp/hs.json" 2>"$tmp/hs.err"
hs_rc=$?
"$pd" scan --rules "$rules" --engine pcre2 --verbose --json --quiet --jobs 2 "$tmp/corpus" \
	>"$tmp/pcre.json" 2>"$tmp/pcre.err"
pcre_rc=$?
retry_timeouts "$tmp/hs.json" "$pd" scan --rules "$rules" --engine hyperscan --json --quiet
retry_timeouts "$tmp/pcre.json" "$pd" scan --rules "$rules" --engine pcre2 --json --quiet
summarize "$tmp/hs.json" "$tmp/corpus" >"$tmp/hs.txt"
summarize "$tmp/pcre.json" "$tmp/corpus" >"$tmp/pcre.txt"
check "--engine pcre2 runs PCRE2 JIT and says so" grep -q "engine: PCRE2 JIT" "$tmp/pcre.err"
check "both engines scan the corpus with the same exit status ($hs_rc, $pcre_rc)" \
	test "$hs_rc" = "$pcre_rc" -a "$(wc -l <"$tmp/hs.txt")" -ge "$files"
if ! cmp -s "$tmp/hs.txt" "$tmp/pcre.txt"; then
	diff "$tmp/hs.txt" "$tmp/pcre.txt" | head -20 | sed 's/^/# /'
fi
check "Hyperscan and PCRE2: the same labels, categories and findings for every file" \
	cmp -s "$tmp/hs.txt" "$tmp/pcre.txt"
check "the corpus has PD files and clean files (the comparison means something)" \
	bash -c "grep -q \$'\tpd\t' '$tmp/hs.txt' && grep -q \$'\tnone\t' '$tmp/hs.txt'"

qemu=$(command -v qemu-x86_64 || true)
if [ -z "$qemu" ] || [ "$(uname -m)" != x86_64 ]; then
	echo "ok 5 - no SSSE3: starts on PCRE2 # SKIP qemu-x86_64 missing (scripts/deps.sh test installs qemu-user)"
	echo "ok 6 - no SSSE3: labels as native # SKIP qemu-x86_64 missing"
	exit $((fails > 0))
fi
# auto, as a user would run it: on a CPU without SSSE3 Hyperscan cannot run
timeout 1200 "$qemu" -cpu qemu64 "$pd" scan --rules "$rules" --verbose --json --quiet --jobs 2 \
	"$tmp/corpus" >"$tmp/q.json" 2>"$tmp/q.err"
q_rc=$?
retry_timeouts "$tmp/q.json" timeout 600 "$qemu" -cpu qemu64 "$pd" scan --rules "$rules" --json --quiet
sed 's/^/# qemu64: /' "$tmp/q.err" | head -5
check "no SSSE3 (qemu64): scan starts, picks PCRE2 and says why (exit $q_rc)" \
	bash -c "grep -q 'engine: PCRE2 JIT (Hyperscan cannot run on this CPU' '$tmp/q.err' && \
		 ! grep -q 'cannot use the rules' '$tmp/q.err' && [ $q_rc = $hs_rc ]"
summarize "$tmp/q.json" "$tmp/corpus" >"$tmp/q.txt"
if ! cmp -s "$tmp/hs.txt" "$tmp/q.txt"; then
	diff "$tmp/hs.txt" "$tmp/q.txt" | head -20 | sed 's/^/# /'
fi
check "no SSSE3 (qemu64): the corpus labelled exactly as the native build does" \
	cmp -s "$tmp/hs.txt" "$tmp/q.txt"
exit $((fails > 0))
