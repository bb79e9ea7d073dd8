#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Roles scoped by place on the BPF LSM driver: tests/fanotify/place_test.sh's checks, with the
# agent on bpf-lsm (the kernel walks up to the nearest place folder). Runs in the VM.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
PDG_PLACE_DRIVER=bpf-lsm exec "$top/tests/fanotify/place_test.sh" "$@"
