#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Classification quality as a TAP test: generate a labelled corpus with a fixed seed, scan it with
# build/pdguard, and check precision, recall and each expected category's recall against
# tests/corpus/quality.py's thresholds (0.95 each).
#
#   tests/corpus/quality_test.sh [--help]
#   env: PDGUARD (binary, default build/pdguard), QUALITY_SEED (default 20240301),
#        QUALITY_FILES (default 300), KEEP_CORPUS=1 (keep the temp dir and say where)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/corpus
pd=${PDGUARD:-$top/build/pdguard}
seed=${QUALITY_SEED:-20240301}
files=${QUALITY_FILES:-300}

case "${1:-}" in
-h|--help)
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
"") ;;
*) echo "quality_test.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
esac

py=$(command -v python3 || true)
if [ -z "$py" ]; then
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 - quality # SKIP python3 not installed (scripts/deps.sh test installs it)"
	exit 0
fi

echo "TAP version 13"
selfcheck() {
	local n=$1 out
	if out=$("$py" "$here/gen_corpus.py" --self-test 2>&1); then
		echo "ok $n - generator self-check: IIN worked examples (900101300007, 850520400003 valid; 900101300002, 900101300800 invalid)"
	else
		echo "not ok $n - generator self-check: IIN worked examples"
		sed 's/^/# /' <<<"$out"
		return 1
	fi
}

# 'scan' is there when the binary does not answer "unknown command" to it.
if [ ! -x "$pd" ] || grep -qi "unknown command" <<<"$("$pd" scan --help 2>&1)"; then
	echo "1..2"
	echo "ok 1 - quality # SKIP pdguard scan not built"
	selfcheck 2
	exit $?
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdguard-corpus.XXXXXX") || { echo "Bail out! mktemp failed"; exit 1; }
if [ "${KEEP_CORPUS:-0}" = 1 ]; then
	echo "# corpus kept in $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
if ! gen=$("$py" "$here/gen_corpus.py" --out "$tmp/corpus" --seed "$seed" --files "$files" 2>&1); then
	echo "Bail out! corpus generation failed: $gen"
	exit 1
fi
echo "# $gen"
mapfile -t cats < <("$py" "$here/quality.py" --corpus "$tmp/corpus" --list-categories)
echo "1..$((3 + ${#cats[@]}))"
fails=0
selfcheck 1 || fails=$((fails + 1))
# the tree's rules, not whatever an earlier 'make install' left in /etc/pdguard/rules.d
out=$("$py" "$here/quality.py" --corpus "$tmp/corpus" --pdguard "$pd" --rules "$top/policies/rules.d" --tap 2)
rc=$?
echo "$out"
grep -q '^not ok' <<<"$out" && fails=$((fails + 1))
[ $rc -eq 2 ] && fails=$((fails + 1))
exit $((fails > 0))
