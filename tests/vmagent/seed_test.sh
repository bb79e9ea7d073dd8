#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The seed's scenario (tests/scenario/seed_test.sh) on Debian's 6.1 kernel in the VM, where the
# agent picks the BPF LSM driver: the same steps, decided in the kernel.
exec "$(dirname "$0")/../scenario/seed_test.sh" "$@"
