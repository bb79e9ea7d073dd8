#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Put the kernel's kselftest headers (kselftest_harness.h, kselftest.h) into DEST.
#
# They are GPL and not ours, so they are never committed: they come from Debian's linux-source-6.1
# package, downloaded once (apt-get download, not installed) and cached outside the repository in
# ${PDGUARD_CACHE:-/var/cache/pdguard}/kselftest/<package version>/. A second build copies from
# the cache and touches the network not at all.
set -euo pipefail

dest=${1:?usage: fetch-kselftest.sh DEST_DIR}
cache_root=${PDGUARD_CACHE:-/var/cache/pdguard}/kselftest
pkg=linux-source-6.1
hdrs=(kselftest_harness.h kselftest.h)

have_all() {
	local d=$1 h
	for h in "${hdrs[@]}"; do [ -s "$d/$h" ] || return 1; done
}

# Any cached version will do: the harness API is stable across 6.1 stable updates.
cached=$(ls -d "$cache_root"/*/ 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$cached" ] || ! have_all "$cached"; then
	ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt-get update -q >/dev/null
		ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
	fi
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		echo "fetch-kselftest: Debian's $pkg is not known to apt here." >&2
		echo "Hint: check /etc/apt/sources.list for the bookworm main component." >&2
		exit 1
	fi
	cached=$cache_root/$ver
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	echo "fetch-kselftest: fetching the kselftest headers from $pkg $ver (once)" >&2
	chown _apt "$tmp" 2>/dev/null || true
	(cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/"$pkg"_*.deb |
		tar -xO --wildcards '*usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$tmp" --wildcards --no-anchored \
			'tools/testing/selftests/kselftest_harness.h' \
			'tools/testing/selftests/kselftest.h'
	mkdir -p "$cached.tmp"
	for h in "${hdrs[@]}"; do
		cp "$(find "$tmp" -path "*/tools/testing/selftests/$h" | head -n 1)" "$cached.tmp/$h"
	done
	rm -rf "$cached"
	mv "$cached.tmp" "$cached"
fi
mkdir -p "$dest"
for h in "${hdrs[@]}"; do
	cmp -s "$cached/$h" "$dest/$h" 2>/dev/null || cp "$cached/$h" "$dest/$h"
done
