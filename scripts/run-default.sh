#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: install pdguard with the default policy and run the agent in the foreground until
# Ctrl-C. An existing /etc/pdguard policy is kept (never overwritten). If the default scan folder
# /srv/shares does not exist yet, it is created with a few generated sample HR and accounting
# documents (fictitious people) so the first run has something to label.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" -ne 0 ]; then
	echo "make run: the agent needs root (labels, fanotify, kernel drivers)." >&2
	echo "Hint: run it as root: scripts/deps.sh run && make run" >&2
	exit 1
fi
make -s install
if [ ! -e /srv/shares ]; then
	mkdir -p /srv/shares/pdguard-samples
	python3 tests/corpus/gen_corpus.py --out /srv/shares/pdguard-samples --seed 7 --files 24 \
		>/dev/null
	rm -f /srv/shares/pdguard-samples/truth.json
	echo "make run: created /srv/shares with generated sample documents (fictitious people)"
fi
exec /usr/sbin/pdguard run --config /etc/pdguard/pdguard.conf
