#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The systemd unit as systemd reads it: `systemd-analyze verify` finds no problem (its commands
# pointed at the built binary), `systemd-analyze security --offline=true` rates it 5.0 or
# better, and docs/deploy.md explains every exposure that rating still lists.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
unit=$top/scripts/pdguard.service
pdg_require_cmd systemd-analyze
tap_version
echo "1..6"
d=$(mktemp -d /tmp/pdg-unit-XXXXXX)
trap 'rm -rf "$d"' EXIT

# verify checks that the commands exist: the built agent stands in for /usr/sbin/pdguard
sed "s|/usr/sbin/pdguard|$top/build/pdguard|g" "$unit" >"$d/pdguard.service"
systemd-analyze verify --man=no "$d/pdguard.service" >"$d/verify.out" 2>&1
check "systemd-analyze verify accepts the unit" test $? -eq 0
check "with nothing to say (no unknown or misplaced setting)" test ! -s "$d/verify.out" ||
	diag "$d/verify.out"
check "it is a notify service with a watchdog" \
	bash -c "grep -qx 'Type=notify' '$unit' && grep -q '^WatchdogSec=[1-9]' '$unit'"

systemd-analyze security --offline=true "$unit" >"$d/security.out" 2>&1
level=$(sed -n 's/.*Overall exposure level for pdguard.service: \([0-9.]*\).*/\1/p' "$d/security.out")
echo "# systemd-analyze security: ${level:-none}"
check "systemd-analyze security rates it" test -n "$level"
check "at 5.0 or better" awk -v l="${level:-99}" 'BEGIN { exit !(l <= 5.0) }'
# every line marked ✗ names a setting; docs/deploy.md must name it too
missing=
while read -r setting; do
	grep -qF -- "\`$setting\`" "$top/docs/deploy.md" || missing="$missing $setting"
done < <(grep '✗' "$d/security.out" | awk '{print $2}' | sed 's/|/\\|/g')
check "docs/deploy.md explains every remaining exposure" test -z "$missing" ||
	echo "# not explained:$missing"
exit $((nfail > 0))
