# SPDX-License-Identifier: GPL-2.0
#
# pdguard build. Everything lands in build/:
#   make            the agent, build/pdguard
#   make kmod       build/kmod/KVER/pdguard.ko for every kernel whose headers are in /usr/src
#                   (Debian 12's 6.1; 6.12 once scripts/vm-run --kernel 6.12 unpacked them),
#                   and build/pdguard.ko, the 6.1 one; make kmod KVER=... for one kernel
#   make install-dkms  the module's source in /usr/src/pdguard-VERSION, built and installed
#                   with DKMS for the running kernel
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
PKGS    := inih libpcre2-8 libmagic libhs libnl-genl-3.0 libzip libxml-2.0 poppler-glib gio-2.0 libarchive libbpf libcrypto zlib
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

# Kernel module: built out of tree for each kernel in build/kmod/KVER/src/ (a tree of symlinks),
# so the sources stay clean; the result is build/kmod/KVER/pdguard.ko.
# W=1: the kernel's extra warnings (missing prototypes and the like) for our module only;
# PDGUARD_WERROR=y makes kmod/Kbuild add -Werror. DKMS builds set neither: a kernel we never
# built against must not fail to build the module over a new warning.
# The kernels: every /usr/src/linux-headers-*-amd64, or the one of KVER= or KDIR=. The default
# one (build/pdguard.ko) is the newest 6.1, Debian 12's own kernel.
KDIRS   := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V)
ifneq ($(filter command line environment,$(origin KDIR)),)
KVER    ?= $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
KMOD_KVERS := $(KVER)
kdir_of  = $(KDIR)
else ifneq ($(filter command line environment,$(origin KVER)),)
KMOD_KVERS := $(KVER)
kdir_of  = /usr/src/linux-headers-$(1)
else
KDIR    := $(lastword $(or $(filter /usr/src/linux-headers-6.1.%,$(KDIRS)),$(KDIRS)))
KVER    := $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
KMOD_KVERS := $(patsubst /usr/src/linux-headers-%,%,$(KDIRS))
kdir_of  = /usr/src/linux-headers-$(1)
endif
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild Kbuild include/uapi/pdguard.h scripts/kmod-btf \
	VERSION
KMOD_KOS  := $(foreach v,$(KMOD_KVERS),$(BUILD)/kmod/$(v)/pdguard.ko)

# The employee's notice in each language: po/LANG.po -> build/locale/LANG/LC_MESSAGES/pdguard.mo
# (`pdguard notice` reads build/locale next to build/pdguard, else /usr/share/locale).
PO_FILES := $(sort $(wildcard po/*.po))
MO_FILES := $(patsubst po/%.po,$(BUILD)/locale/%/LC_MESSAGES/pdguard.mo,$(PO_FILES))

.PHONY: all agent kmod tests test bench bench-bins fuzz install install-dkms man clean deps \
	check-deps format run
all: agent

agent: $(BUILD)/pdguard $(MO_FILES)

$(BUILD)/locale/%/LC_MESSAGES/pdguard.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check-format -o $@ $<

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

kmod: $(KMOD_KOS) $(if $(filter $(KVER),$(KMOD_KVERS)),$(BUILD)/pdguard.ko)
	@test -n "$(KMOD_KVERS)" || { echo "No kernel headers in /usr/src/linux-headers-*-amd64."; \
		echo "Hint: run scripts/deps.sh test (as root) to install linux-headers-amd64."; exit 1; }

$(BUILD)/pdguard.ko: $(BUILD)/kmod/$(KVER)/pdguard.ko
	cp $< $@

# The post-build step scripts/kmod-btf gives the module its BTF (for its label kfuncs) against
# that kernel's BTF; DKMS runs the same step (dkms.conf).
$(BUILD)/kmod/%/pdguard.ko: $(KMOD_SRCS)
	@test -d "$(call kdir_of,$*)" || { echo "No kernel headers for $* in $(call kdir_of,$*)."; \
		echo "Hint: run scripts/deps.sh test (as root): it installs linux-headers-amd64 and"; \
		echo "unpacks the 6.12 headers (scripts/vm-run --kernel 6.12 --prepare)."; exit 1; }
	@mkdir -p $(@D)/src/kmod
	@ln -sfn $(CURDIR)/Kbuild $(@D)/src/Kbuild
	@ln -sfn $(CURDIR)/include $(@D)/src/include
	@ln -sfn $(CURDIR)/VERSION $(@D)/src/VERSION
	@for f in $(CURDIR)/kmod/*; do ln -sfn $$f $(@D)/src/kmod/; done
	$(MAKE) -C $(call kdir_of,$*) M=$(CURDIR)/$(@D)/src W=1 PDGUARD_WERROR=$(KMOD_WERROR) modules
	scripts/kmod-btf $(@D)/src/kmod/pdguard.ko $*
	cp $(@D)/src/kmod/pdguard.ko $@

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
	install -d -m 0755 $(DESTDIR)/etc/pdguard $(DESTDIR)/etc/pdguard/rules.d \
		$(DESTDIR)/etc/pdguard/pdguard.conf.d
	@# the policy is the administrator's: installed once, never overwritten
	[ -e $(DESTDIR)/etc/pdguard/pdguard.conf ] || { \
		sed 's|^rules = /usr/share/pdguard/rules.d$$|rules = $(PREFIX)/share/pdguard/rules.d|' \
			policies/pdguard.conf >$(DESTDIR)/etc/pdguard/pdguard.conf && \
		chmod 0644 $(DESTDIR)/etc/pdguard/pdguard.conf; }
	@# shipped rules: replaced by every install; local ones go in /etc/pdguard/rules.d
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/pdguard/rules.d
	install -m 0644 policies/rules.d/*.conf $(DESTDIR)$(PREFIX)/share/pdguard/rules.d/
	install -D -m 0644 scripts/pdguard.service $(DESTDIR)/lib/systemd/system/pdguard.service
	install -d -m 0755 $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -D -m 0644 completion/pdguard \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/pdguard
	install -D -m 0644 docs/deploy.md $(DESTDIR)$(PREFIX)/share/doc/pdguard/deploy.md
	install -m 0644 docs/events.schema.json docs/eventlog.md $(DESTDIR)$(PREFIX)/share/doc/pdguard/
	install -D -m 0644 docs/notice.md $(DESTDIR)$(PREFIX)/share/doc/pdguard/notice.md
	for mo in $(MO_FILES); do l=$${mo#$(BUILD)/locale/}; l=$${l%%/*}; \
		install -D -m 0644 $$mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/pdguard.mo; \
	done

# DKMS: pdguard.ko's sources (what dkms.conf builds from, version filled in) in
# $(DESTDIR)$(PREFIX)/src/pdguard-VERSION. With a DESTDIR (debian/rules) that is all; without one
# (as root) the module is then added, built and installed for DKMS_KVER (default: the running
# kernel), replacing an earlier install. Remove with: dkms remove pdguard/VERSION --all.
DKMS_SRC   = $(DESTDIR)$(PREFIX)/src/pdguard-$(PDGUARD_VERSION)
DKMS_KVER  ?= $(shell uname -r)
# e.g. DKMS_FLAGS=--no-depmod (tests/kmod/dkms_test.sh in the VM, see there)
DKMS_FLAGS ?=
install-dkms:
	@if [ -z "$(DESTDIR)" ]; then \
		command -v dkms >/dev/null || { echo "dkms is not installed."; \
			echo "Hint: apt-get install --no-install-recommends dkms"; exit 1; }; \
		if dkms status -m pdguard -v $(PDGUARD_VERSION) | grep -q .; then \
			echo "dkms remove pdguard/$(PDGUARD_VERSION) --all"; \
			dkms remove $(DKMS_FLAGS) pdguard/$(PDGUARD_VERSION) --all >/dev/null; fi; \
	fi
	rm -rf $(DKMS_SRC)
	install -d -m 0755 $(DKMS_SRC)/kmod $(DKMS_SRC)/include/uapi $(DKMS_SRC)/scripts
	install -m 0644 Kbuild VERSION $(DKMS_SRC)/
	install -m 0644 kmod/Kbuild $(wildcard kmod/*.c kmod/*.h) $(DKMS_SRC)/kmod/
	install -m 0644 include/uapi/pdguard.h $(DKMS_SRC)/include/uapi/
	install -m 0755 scripts/kmod-btf $(DKMS_SRC)/scripts/
	sed 's/#MODULE_VERSION#/$(PDGUARD_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	@if [ -z "$(DESTDIR)" ]; then \
		echo "dkms add pdguard/$(PDGUARD_VERSION)"; dkms add pdguard/$(PDGUARD_VERSION) && \
		echo "dkms install pdguard/$(PDGUARD_VERSION) -k $(DKMS_KVER)" && \
		dkms install $(DKMS_FLAGS) pdguard/$(PDGUARD_VERSION) -k $(DKMS_KVER); \
	fi

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)

# BPF programs and their skeletons (clang -target bpf, bpftool gen skeleton): bpf/build.mk.
-include bpf/build.mk
