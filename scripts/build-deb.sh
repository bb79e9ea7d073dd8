#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Debian packages pdguard and pdguard-dkms from this tree, the way a buildd would
# (dpkg-buildpackage -us -uc -b), in a clean copy so that neither this tree nor its parent
# directory gets build products; then check them with lintian.
#
#   scripts/build-deb.sh [OUTDIR]    the .deb files, .changes and lintian.txt (default build/deb)
#
# Needs the packages of `scripts/deps.sh pkg`. Exit status: 0 built and lintian found no error;
# 1 lintian found errors (in OUTDIR/lintian.txt); 2 the build failed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/deb}
version=$(cat "$top/VERSION")
work=$(mktemp -d /tmp/pdguard-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/pdguard-$version

mkdir -p "$src" "$out"
# the tracked tree and new files not yet committed, never build/ or other ignored files
(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$src")
cd "$src"
if ! dpkg-buildpackage -us -uc -b -j"${PDG_JOBS:-2}" >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	cp "$work/build.log" "$out/"
	echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 2
fi
cp "$work/build.log" "$out/"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
changes=$(ls "$out"/*.changes)
# errors fail the build; warnings are listed (docs/deploy.md explains the ones we keep)
lintian --tag-display-limit 0 "$changes" >"$out/lintian.txt" 2>&1 || true
cat "$out/lintian.txt"
ls "$out"/*.deb
if grep -q '^E: ' "$out/lintian.txt"; then
	echo "build-deb: lintian found errors" >&2
	exit 1
fi
