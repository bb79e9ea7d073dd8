#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test of the agent binary: it starts, helps, refuses nonsense with a hint, and reports
# the kernel module's state without needing it.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
echo "1..7"
check "binary exists" test -x "$pd"
check "--help exits 0 and lists commands" bash -c "'$pd' --help | grep -q '^Commands:'"
check "--version prints the ABI" bash -c "'$pd' --version | grep -Eq 'ABI [0-9]+\.[0-9]+'"
check "unknown command exits 64 with a hint" bash -c \
	"out=\$('$pd' frobnicate 2>&1); [ \$? -eq 64 ] && grep -q 'Hint:' <<<\"\$out\""
check "status --help" bash -c "'$pd' status --help | grep -q 'Usage: pdguard status'"
if [ -d /sys/module/pdguard ]; then
	check "status reads the loaded module" bash -c "'$pd' status | grep -q 'loaded, ABI'"
	check "status --json" bash -c "'$pd' status --json | grep -q '\"loaded\":true'"
else
	check "status explains a missing module" bash -c "'$pd' status | grep -q 'not loaded'"
	check "status --json without module (an agent member, and the engine this CPU gives)" bash -c \
		"'$pd' status --json | python3 -c 'import json, sys; o = json.load(sys.stdin); \
		 assert o[\"kmod\"] == {\"loaded\": False} and \"running\" in o[\"agent\"] and \
		 o[\"engine\"][\"auto\"] in (\"hyperscan\", \"pcre2\"), o'"
fi
exit $((nfail > 0))
