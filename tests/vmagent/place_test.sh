#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Roles scoped by place on a BPF driver: tests/fanotify/place_test.sh's checks with the agent on
# bpf-lsm where the kernel has BPF LSM, else on fmod-ret (the kernel walks up to the nearest
# place folder either way). Runs in the VM.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
drv=fmod-ret
pdg_bpf_lsm_here && drv=bpf-lsm
PDG_PLACE_DRIVER=$drv exec "$top/tests/fanotify/place_test.sh" "$@"
