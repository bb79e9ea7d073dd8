// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel offers the BPF drivers (BPF LSM, fmod_ret, neither and why), and libbpf's
 * messages, kept for pdg_bpf_last_log() rather than printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "drivers/bpf/session.h"

/* ---- libbpf's messages, kept rather than printed ----------------------------------------- */

static char last_log[8192];
static size_t last_log_len;

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[1024];
	va_list copy;
	int n;

	if (getenv("PDGUARD_BPF_DEBUG")) {
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	} else if (level == LIBBPF_DEBUG) {
		return 0;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (last_log_len + n >= sizeof(last_log)) {
		/* keep the tail: the verifier's verdict is at the end */
		size_t keep = sizeof(last_log) / 2;

		memmove(last_log, last_log + last_log_len - keep, keep);
		last_log_len = keep;
	}
	memcpy(last_log + last_log_len, line, n);
	last_log_len += n;
	last_log[last_log_len] = '\0';
	return 0;
}

const char *pdg_bpf_last_log(void)
{
	return last_log;
}

void pdg_bpf_log_reset(void)
{
	last_log_len = 0;
	last_log[0] = '\0';
	libbpf_set_print(keep_log);
}

/* ---- probe ----------------------------------------------------------------------------- */

const char *pdg_bpf_driver_name(enum pdguard_bpf_driver d)
{
	switch (d) {
	case PDGUARD_DRIVER_BPF_LSM:
		return "bpf-lsm";
	case PDGUARD_DRIVER_FMOD_RET:
		return "fmod-ret";
	case PDGUARD_DRIVER_FANOTIFY:
		return "fanotify";
	default:
		return "none";
	}
}

/* Load (never attach) "r0 = 0; exit" as a program of @type attached to @func. */
static int probe_load(enum bpf_prog_type type, enum bpf_attach_type at, const char *func)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = at);
	int id, fd;

	id = libbpf_find_vmlinux_btf_id(func, at);
	if (id < 0)
		return id == -ESRCH || id == -ENOENT ? -ENOENT : id;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(type, "pdguard_probe", "GPL", insns, 2, &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void why_from_errno(char *buf, size_t len, int err, const char *what)
{
	switch (err) {
	case -EPERM:
		if (geteuid() != 0)
			snprintf(buf, len, "EPERM: loading BPF programs needs root (CAP_BPF and "
				 "CAP_SYS_ADMIN)");
		else
			snprintf(buf, len, "EPERM: this kernel refuses trampoline-based BPF "
				 "programs");
		break;
	case -ENOENT:
		snprintf(buf, len, "the kernel's BTF lacks %s", what);
		break;
	case -EINVAL:
		snprintf(buf, len, "EINVAL: the kernel rejects %s programs", what);
		break;
	default:
		snprintf(buf, len, "%s", strerror(-err));
	}
}

int pdg_bpf_probe(struct pdg_bpf_probe *p)
{
	bool listed = false, readable = false;
	FILE *f;

	memset(p, 0, sizeof(*p));
	pdg_bpf_log_reset();
	f = fopen("/sys/kernel/security/lsm", "re");
	if (f) {
		if (fgets(p->lsm_list, sizeof(p->lsm_list), f)) {
			char *s, *save = NULL, tmp[sizeof(p->lsm_list)];

			readable = true;
			p->lsm_list[strcspn(p->lsm_list, "\n")] = '\0';
			snprintf(tmp, sizeof(tmp), "%s", p->lsm_list);
			for (s = strtok_r(tmp, ",", &save); s; s = strtok_r(NULL, ",", &save))
				if (!strcmp(s, "bpf"))
					listed = true;
		}
		fclose(f);
	}

	/*
	 * BPF LSM programs load and attach even when bpf is missing from the LSM list, and then
	 * never run: the list decides, the load only confirms.
	 */
	p->lsm = probe_load(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "file_open");
	if (p->lsm)
		why_from_errno(p->lsm_why, sizeof(p->lsm_why), p->lsm, "BPF LSM");
	if (readable && !listed) {
		if (!p->lsm || p->lsm == -EINVAL) {
			p->lsm = -ENOENT;
			snprintf(p->lsm_why, sizeof(p->lsm_why),
				 "bpf is not in the kernel's LSM list (%.100s)", p->lsm_list);
		}
	} else if (!readable && !p->lsm) {
		p->lsm = -ENOENT;
		snprintf(p->lsm_why, sizeof(p->lsm_why),
			 "cannot read /sys/kernel/security/lsm to confirm bpf is an active LSM "
			 "(is securityfs mounted?)");
	}

	p->fmod_ret = probe_load(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "security_file_open");
	if (p->fmod_ret)
		why_from_errno(p->fmod_ret_why, sizeof(p->fmod_ret_why), p->fmod_ret,
			       "fmod_ret on security_file_open");

	if (!p->lsm)
		p->best = PDGUARD_DRIVER_BPF_LSM;
	else if (!p->fmod_ret)
		p->best = PDGUARD_DRIVER_FMOD_RET;
	else
		p->best = PDGUARD_DRIVER_NONE;

	if (p->best == PDGUARD_DRIVER_NONE) {
		if (geteuid() != 0)
			snprintf(p->hint, sizeof(p->hint), "run as root");
		else if (p->fmod_ret == -EPERM)
			snprintf(p->hint, sizeof(p->hint),
				 "this kernel refuses trampoline programs: use driver = fanotify");
		else if (readable && !listed)
			snprintf(p->hint, sizeof(p->hint),
				 "add bpf to lsm= on the kernel command line (e.g. lsm=%.100s,bpf), or "
				 "use driver = fanotify", p->lsm_list);
		else
			snprintf(p->hint, sizeof(p->hint), "use driver = fanotify");
	}
	return p->best == PDGUARD_DRIVER_NONE ? -EOPNOTSUPP : 0;
}

bool pdg_bpf_module_kfuncs(char *why, size_t len)
{
	struct btf *vmlinux, *mod;
	bool ok = false;

	snprintf(why, len, "%s", "");
	if (access("/sys/kernel/btf/pdguard", R_OK)) {
		snprintf(why, len, "%s", errno == ENOENT ?
			 "pdguard.ko is not loaded (or was built without BTF: scripts/kmod-btf)" :
			 "cannot read /sys/kernel/btf/pdguard");
		return false;
	}
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		snprintf(why, len, "cannot read the kernel's BTF: %s", strerror(errno));
		return false;
	}
	mod = btf__load_module_btf("pdguard", vmlinux);
	if (!mod)
		snprintf(why, len, "cannot read pdguard.ko's BTF: %s", strerror(errno));
	else if (btf__find_by_name_kind(mod, "bpf_pdguard_file_label", BTF_KIND_FUNC) < 0)
		snprintf(why, len, "pdguard.ko is too old to have label kfuncs");
	else
		ok = true;
	btf__free(mod);
	btf__free(vmlinux);
	return ok;
}
