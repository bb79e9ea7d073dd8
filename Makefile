# SPDX-License-Identifier: GPL-2.0
#
# pdguard build. Everything lands in build/:
#   make            the agent, build/pdguard
#   make kmod       build/pdguard.ko against the installed Debian kernel headers
#   make test       unit, integration and VM tests; ends with "N passed, N failed, N skipped"
#   make bench      benchmarks, side by side, with ratios
#   make fuzz       bounded fuzzing of extraction and rule parsing (not part of make test)
#   make install    /usr/sbin/pdguard, /etc/pdguard/ (existing policy files are kept), the unit,
#                   man pages, bash completion
#   make install-dkms  pdguard.ko's sources to /usr/src/pdguard-VERSION/ for DKMS
#   make run        install, then run the agent on the default policy until Ctrl-C
# WERROR=1 (on the command line or in the environment, as .ci/run sets it): warnings are errors
# in the agent, the tests, the benchmarks and the kernel module.

BUILD   := build
PREFIX  ?= /usr
DESTDIR ?=
# The one version of everything (the agent, pdguard.ko's modinfo, dkms.conf, the packages):
# the VERSION file at the top of the tree.
PDGUARD_VERSION := $(shell cat VERSION)

CC      ?= cc
PKGS    := inih libpcre2-8 libmagic libhs libnl-genl-3.0 libzip libxml-2.0 poppler-glib libbpf libcrypto zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 \
	   -fstack-protector-strong -D_FORTIFY_SOURCE=2 -D_GNU_SOURCE -pthread
CPPFLAGS += -Iinclude -Iagent $(PKG_CFLAGS) -DPDGUARD_VERSION='"$(PDGUARD_VERSION)"'
# -Werror as a knob, not a default: a newer compiler's new warning must not break a user's build,
# but CI (.ci/run) keeps the tree clean with the compiler it has.
WERROR  ?=
ifneq ($(filter-out 0,$(WERROR)),)
CFLAGS  += -Werror
KMOD_WERROR := y
endif
LDLIBS  += $(PKG_LIBS) -lm -pthread

AGENT_SRCS := $(sort $(shell find agent -name '*.c'))
AGENT_HDRS := $(sort $(shell find agent -name '*.h'))
AGENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(AGENT_SRCS))
LIB_OBJS   := $(filter-out $(BUILD)/agent/cli/main.o,$(AGENT_OBJS))

# The kselftest harness compares signed and unsigned freely, as upstream builds it.
TEST_CFLAGS := -Wno-sign-compare
# The harness is the kernel's (GPL, fetched at build time, not ours to fix): a system header, so
# its own warnings are not reported while our test code is checked in full.
TEST_CPPFLAGS := -isystem $(BUILD)/include -Itests

# Tests: tests/<area>/<thing>_test.c -> build/tests/<area>/<thing>_test
TEST_SRCS  := $(sort $(wildcard tests/*/*_test.c))
TEST_BINS  := $(patsubst %.c,$(BUILD)/%,$(TEST_SRCS))
# Helper programs the tests run: tests/<area>/*_helper.c -> build/tests/<area>/*_helper
HELPER_SRCS := $(sort $(wildcard tests/*/*_helper.c))
HELPER_BINS := $(patsubst %.c,$(BUILD)/%,$(HELPER_SRCS))

# Kernel module: built out of tree in build/kmod/ (a tree of symlinks), so the sources stay clean.
# W=1: the kernel's extra warnings (missing prototypes and the like) for our module only;
# PDGUARD_WERROR=y makes kmod/Kbuild add -Werror. DKMS builds set neither: a kernel we never
# built against must not fail to build the module over a new warning.
KDIR ?= $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
KVER := $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild Kbuild include/uapi/pdguard.h scripts/kmod-btf VERSION

.PHONY: all agent kmod tests test bench bench-bins fuzz install install-dkms man clean deps check-deps format run
all: agent

agent: $(BUILD)/pdguard

$(BUILD)/pdguard: $(AGENT_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libpdguard.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/agent/%.o: agent/%.c $(AGENT_HDRS) include/uapi/pdguard.h VERSION | check-deps
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

check-deps:
	@pkg-config --exists $(PKGS) || { \
		echo "Missing build libraries: $$(for p in $(PKGS); do pkg-config --exists $$p || printf '%s ' $$p; done)"; \
		echo "Hint: run scripts/deps.sh run (as root) to install them from Debian's packages."; \
		exit 1; }

# kselftest headers: fetched from Debian's linux-source at build time, cached outside the repo.
$(BUILD)/include/kselftest_harness.h:
	scripts/fetch-kselftest.sh $(BUILD)/include

$(BUILD)/tests/%_test: tests/%_test.c $(BUILD)/libpdguard.a $(BUILD)/include/kselftest_harness.h $(wildcard tests/*/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(TEST_CPPFLAGS) $(CFLAGS) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libpdguard.a $(LDLIBS)

$(BUILD)/tests/%_helper: tests/%_helper.c $(BUILD)/libpdguard.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) -o $@ $< $(BUILD)/libpdguard.a $(LDLIBS)

tests: agent $(TEST_BINS) $(HELPER_BINS) bench-bins

# Benchmark programs: bench/<name>.c -> build/bench/<name>, linked like the agent, so one
# that falls behind the library fails to build here rather than in the middle of make bench.
BENCH_BINS := $(patsubst bench/%.c,$(BUILD)/bench/%,$(sort $(wildcard bench/*.c)))

$(BUILD)/bench/%: bench/%.c $(BUILD)/libpdguard.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(BUILD)/libpdguard.a $(LDLIBS)

bench-bins: $(BENCH_BINS)

kmod: $(BUILD)/pdguard.ko

$(BUILD)/pdguard.ko: $(KMOD_SRCS)
	@test -n "$(KDIR)" || { echo "No kernel headers in /usr/src/linux-headers-*-amd64."; \
		echo "Hint: run scripts/deps.sh test (as root) to install linux-headers-amd64."; exit 1; }
	@mkdir -p $(BUILD)/kmod/kmod
	@ln -sfn $(CURDIR)/Kbuild $(BUILD)/kmod/Kbuild
	@ln -sfn $(CURDIR)/include $(BUILD)/kmod/include
	@ln -sfn $(CURDIR)/VERSION $(BUILD)/kmod/VERSION
	@for f in $(CURDIR)/kmod/*; do ln -sfn $$f $(BUILD)/kmod/kmod/; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(BUILD)/kmod W=1 PDGUARD_WERROR=$(KMOD_WERROR) modules
	scripts/kmod-btf $(BUILD)/kmod/kmod/pdguard.ko $(KVER)
	cp $(BUILD)/kmod/kmod/pdguard.ko $@

test: tests kmod
	@tests/run.sh

# The main job: install, then the agent on the default policy in the foreground (Ctrl-C stops).
run: agent
	@scripts/run-default.sh

bench: agent bench-bins
	@scripts/bench.sh

fuzz:
	@scripts/fuzz.sh

# Man pages: man/*.[58] with the version filled in (@VERSION@), into build/man/.
MAN_SRCS  := $(sort $(wildcard man/*.5 man/*.8))
MAN_PAGES := $(patsubst man/%,$(BUILD)/man/%,$(MAN_SRCS))

$(BUILD)/man/%: man/% VERSION
	@mkdir -p $(@D)
	sed 's/@VERSION@/$(PDGUARD_VERSION)/g' $< >$@

man: $(MAN_PAGES)

install: agent man
	install -D -m 0755 $(BUILD)/pdguard $(DESTDIR)$(PREFIX)/sbin/pdguard
	install -d -m 0755 $(DESTDIR)/etc/pdguard
	cp -rn policies/. $(DESTDIR)/etc/pdguard/
	install -D -m 0644 scripts/pdguard.service $(DESTDIR)/lib/systemd/system/pdguard.service
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 completion/pdguard \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/pdguard
	install -D -m 0644 docs/deploy.md $(DESTDIR)$(PREFIX)/share/doc/pdguard/deploy.md

# pdguard.ko's sources for DKMS (what dkms.conf builds from), with the version filled in:
# then `dkms install pdguard/$(PDGUARD_VERSION)`.
DKMS_DIR = $(DESTDIR)$(PREFIX)/src/pdguard-$(PDGUARD_VERSION)
install-dkms:
	install -d -m 0755 $(DKMS_DIR)/kmod $(DKMS_DIR)/include/uapi
	install -m 0644 Kbuild VERSION $(DKMS_DIR)/
	install -m 0644 kmod/Kbuild $(wildcard kmod/*.c kmod/*.h) $(DKMS_DIR)/kmod/
	install -m 0644 include/uapi/pdguard.h $(DKMS_DIR)/include/uapi/
	sed 's/#MODULE_VERSION#/$(PDGUARD_VERSION)/' dkms.conf >$(DKMS_DIR)/dkms.conf

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# BPF programs and their skeletons (clang -target bpf, bpftool gen skeleton): bpf/build.mk.
-include bpf/build.mk
