#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `pdguard grant add|list|revoke`: root only, the user must exist, times in the past refused,
# the file is root's only, every change is a chained event with who, whom, what, until, why.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
tap_version
pdg_require_root "needs root (grants are given by root)"
"$pd" grant --help >/dev/null 2>&1 || pdg_skip_all "build/pdguard has no grant command (run make)"
d=$(mktemp -d /tmp/pdg-grant-XXXXXX)
trap 'rm -rf "$d"' EXIT
st=$d/state
log=$d/events.jsonl
g=$d/g	# the command with this test's state and log
printf '#!/bin/sh\nexec "%s" grant --config /dev/null --state "%s" --log "%s" "$@"\n' \
	"$pd" "$st" "$log" >"$g"
chmod +x "$g"
echo "1..11"
check "add prints the grant's id" bash -c "out=\$(SUDO_USER=boss '$g' add nobody financial,basic --until +7d --approver 'A. Seitkali' --reason 'client database, ticket 1234'); grep -q '^grant 1: nobody' <<<\"\$out\""
check "list shows it active" bash -c "'$g' list | grep -q '^1 .*nobody.*basic financial.*active.*A. Seitkali.*boss'"
check "the file is root's only" bash -c "[ \"\$(stat -c %a '$st/grants')\" = 600 ]"
check "the event names who, whom, what, until, why, approver" bash -c \
	"grep '\"op\":\"grant-add\"' '$log' | grep '\"user\":\"nobody\"' | grep '\"by\":\"boss\"' | grep '\"approver\":\"A. Seitkali\"' | grep '\"until\":' | grep -q 'client database, ticket 1234'"
check "a time in the past is refused" bash -c "! '$g' add nobody medical --until 2001-01-01 --approver x --reason y 2>/dev/null"
check "an unknown user is refused" bash -c "out=\$('$g' add no-such-user-pdg medical --until +1d --approver x --reason y 2>&1); [ \$? -eq 64 ] && grep -q 'no such user' <<<\"\$out\""
check "only root may add, and is told so" bash -c \
	"out=\$(setpriv --reuid=65534 --regid=65534 --clear-groups -- '$pd' grant --config /dev/null --state '$st' --log /dev/null add nobody basic --until +1d --approver x --reason y 2>&1); [ \$? -eq 2 ] && grep -q 'only root may give grants' <<<\"\$out\""
check "revoke ends it" bash -c "'$g' revoke 1 >/dev/null && ! '$g' list | grep -q '^1 ' && '$g' list --all | grep -q '^1 .*revoked'"
check "revoking twice is an error" bash -c "! '$g' revoke 1 2>/dev/null"
check "a policy named with --config that does not exist: an error, and nothing is written" \
	bash -c "out=\$('$pd' grant --config '$st/no-such.conf' add nobody basic --until +1d --approver x --reason y 2>&1); [ \$? -eq 2 ] && grep -q 'no policy file' <<<\"\$out\" && ! '$g' list --all | grep -q '^2 '"
check "every change is chained in the log" bash -c \
	"[ \$(grep -c '\"op\":\"grant-' '$log') -eq 2 ] && '$pd' log verify '$log' >/dev/null"
exit 0
