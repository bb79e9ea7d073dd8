# SPDX-License-Identifier: GPL-2.0
#
# BPF programs (included at the end of the top-level Makefile):
#   build/bpf/vmlinux.h        from this machine's /sys/kernel/btf/vmlinux (CO-RE: the programs
#                              relocate against the running kernel's BTF at load time)
#   build/bpf/pdguard.bpf.o    clang -target bpf: the hooks in bpf/pdguard.bpf.c, their helpers
#                              in bpf/lib/*.bpf.h
#   build/bpf/pdguard.skel.h   bpftool gen skeleton, included by agent/drivers/bpf/loader.c
# None of these are committed.

BPF_CLANG   ?= clang
BPFTOOL     ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
BPF_VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_CFLAGS  := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wall -Wno-unused-function \
	       -Wno-compare-distinct-pointer-types
BPF_DIR     := $(BUILD)/bpf

$(BPF_DIR)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(BPF_VMLINUX_BTF) || { echo "No kernel BTF at $(BPF_VMLINUX_BTF)."; \
		echo "Hint: build on a kernel with CONFIG_DEBUG_INFO_BTF=y (Debian's has it)."; exit 1; }
	@test -x $(BPFTOOL) || { echo "bpftool is missing."; \
		echo "Hint: run scripts/deps.sh test (as root) to install clang, llvm and bpftool."; exit 1; }
	$(BPFTOOL) btf dump file $(BPF_VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

BPF_LIB_HDRS := $(wildcard bpf/lib/*.bpf.h)

$(BPF_DIR)/pdguard.bpf.o: bpf/pdguard.bpf.c $(BPF_LIB_HDRS) include/uapi/pdguard.h $(BPF_DIR)/vmlinux.h
	$(BPF_CLANG) $(BPF_CFLAGS) -I$(BPF_DIR) -Ibpf -Iinclude -c $< -o $@

$(BPF_DIR)/pdguard.skel.h: $(BPF_DIR)/pdguard.bpf.o
	$(BPFTOOL) gen skeleton $< name pdguard_bpf > $@.tmp && mv $@.tmp $@

# The loader includes the skeleton.
$(BUILD)/agent/drivers/bpf/loader.o: $(BPF_DIR)/pdguard.skel.h
$(BUILD)/agent/drivers/bpf/loader.o: CPPFLAGS += -I$(BPF_DIR)

# bench/bpf_bench.c (scripts/bench-bpf.sh runs it in the VM) is built by the Makefile's
# build/bench/% rule, like every benchmark program.

.PHONY: bpf bench-bpf
bpf: $(BPF_DIR)/pdguard.skel.h
bench-bpf: $(BUILD)/bench/bpf_bench
