# SPDX-License-Identifier: GPL-2.0
# Helpers for pdguard's shell tests (sourced): TAP checks and skips, the preamble that skips a
# whole test where it cannot run, bounded waits, a private mount namespace. One copy here, so
# every shell test prints the same TAP and tests/tap-summary.awk reads them all alike.

n=0
nfail=0
tap_started=

# tap_version: the TAP header, once (a skip in the preamble may come before or after it)
tap_version() {
	[ -n "$tap_started" ] && return 0
	tap_started=1
	echo "TAP version 13"
}

# check NAME COMMAND...: one TAP line, ok when COMMAND succeeds. Returns COMMAND's verdict, so a
# caller can add details to a failure; under set -e call it as `check ... || ...`.
check() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		nfail=$((nfail + 1))
		return 1
	fi
}

# skip_check NAME REASON: the check NAME cannot run here; counted as a skip, not a pass
skip_check() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# skip COUNT REASON: the next COUNT checks cannot run here (unnamed: what they are is in the plan)
skip() {
	local k
	for ((k = 0; k < $1; k++)); do
		n=$((n + 1))
		echo "ok $n # SKIP $2"
	done
}

# pdg_skip_all REASON: the whole test cannot run here: an empty plan that says why, and exit 0
# (a skip, not a failure: tests/tap-summary.awk counts it once).
pdg_skip_all() {
	tap_version
	echo "1..0 # SKIP $*"
	exit 0
}

# pdg_require_root REASON [CONDITION...]: skip the whole test unless it runs as root and, when
# given, CONDITION holds (checked only as root: probes may need it).
pdg_require_root() {
	local reason=$1
	shift
	[ "$(id -u)" -eq 0 ] || pdg_skip_all "$reason"
	[ $# -eq 0 ] || "$@" || pdg_skip_all "$reason"
}

# pdg_require_cmd CMD...: skip the whole test unless every CMD is installed, naming the missing
# one and where it comes from.
pdg_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || pdg_skip_all "$c not installed (scripts/deps.sh test)"
	done
}

# pdg_require_bpf_lsm: skip the whole test unless it runs as root where the BPF LSM driver
# loads (make test runs such tests in the VM). Needs $pd.
pdg_bpf_lsm_here() { "$pd" bpf probe 2>/dev/null | grep -q 'driver:   bpf-lsm'; }
pdg_require_bpf_lsm() {
	pdg_require_root "needs root and BPF LSM (make test runs this in the VM)" pdg_bpf_lsm_here
}
# pdg_require_bpf: the same for either BPF driver (BPF LSM, or fmod_ret without bpf in lsm=).
pdg_bpf_here() { "$pd" bpf probe >/dev/null 2>&1; }
pdg_require_bpf() {
	pdg_require_root "needs root and BPF LSM or fmod_ret programs (make test runs this in the VM)" \
		pdg_bpf_here
}

# pdg_kmod_for_this_kernel: set $ko to the pdguard.ko built for the running kernel
# (build/kmod/KVER/pdguard.ko, else build/pdguard.ko), or skip the whole test.
pdg_kmod_for_this_kernel() {
	ko=$top/build/kmod/$(uname -r)/pdguard.ko
	[ -f "$ko" ] || ko=$top/build/pdguard.ko
	[ "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" = "$(uname -r)" ] ||
		pdg_skip_all "no pdguard.ko built for $(uname -r) (make kmod)"
}

# as_nobody COMMAND...: run COMMAND as the unprivileged user nobody, without root's groups
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
}

# diag FILE...: when a check failed, the files' last lines as TAP comments (what broke, in CI's log)
diag() {
	local f
	[ "$nfail" -eq 0 ] && return 0
	for f in "$@"; do
		[ -f "$f" ] || continue
		echo "# --- $f (last 15 lines)"
		tail -n 15 "$f" | sed 's/^/# /'
	done
}

# wait_for COMMAND...: poll up to 30 s for a condition. Only the outcome is asserted, never how
# long it took (the machines are shared; timed tests are flaky).
wait_for() {
	local i
	for i in $(seq 1 300); do "$@" && return 0; sleep 0.1; done
	return 1
}

# pdg_user_del NAME...: test users and their groups go, with whatever they still run (userdel
# refuses a user with a live process: a `sleep` left by a test would leave the user behind, and
# the next run would skip)
pdg_user_del() {
	local u i
	for u in "$@"; do
		if id -u "$u" >/dev/null 2>&1; then
			for i in $(seq 1 50); do
				pkill -KILL -u "$u" 2>/dev/null
				userdel "$u" 2>/dev/null && break
				sleep 0.1
			done
		fi
		groupdel "$u" 2>/dev/null
	done
	return 0
}

# pdg_user_add NAME [USERADD-OPTION...]: a fresh test user with a group of its own name (one left
# by an earlier run is removed first), no home made, /usr/sbin/nologin unless -s is given
pdg_user_add() {
	local u=$1
	shift
	pdg_user_del "$u"
	groupadd "$u" && useradd -M -N -g "$u" -s /usr/sbin/nologin "$@" "$u"
}

# pdg_tmpfs_dir PREFIX SIZE: a fresh /tmp/PREFIX-XXXXXX with a tmpfs of SIZE (mode 0755) on it,
# printed; the caller unmounts and removes it (in a private namespace, the mount goes anyway)
pdg_tmpfs_dir() {
	local dir
	dir=$(mktemp -d "/tmp/$1-XXXXXX") && chmod 755 "$dir" &&
		mount -t tmpfs -o "size=$2,mode=0755" "$1" "$dir" && echo "$dir"
}

# pdg_agent_start CONF OUT: `pdguard run --config CONF` in a session of its own ($pd), output
# in OUT, its pid in $agent; returns once it says its driver is in use
pdg_agent_start() {
	setsid "$pd" run --config "$1" >"$2" 2>&1 &
	agent=$!
	wait_for grep -q " in use" "$2"
}

# pdg_agent_stop: the agent of pdg_agent_start stopped cleanly (SIGINT) and waited for
pdg_agent_stop() {
	[ -n "${agent:-}" ] && kill -INT "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
	agent=
	return 0
}

# pdg_fan_setup TAG USER: the usual frame of a fanotify shell test: a private 16 MiB tmpfs in $d
# (pdg_tmpfs_dir TAG), the test user $u (pdg_user_add), and on exit the agent stopped, its output
# ($d/agent.out) shown when a check failed, the user removed and the tmpfs gone
pdg_fan_setup() {
	d=$(pdg_tmpfs_dir "$1" 16m) || pdg_skip_all "cannot mount a tmpfs"
	u=$2
	agent=
	trap pdg_fan_cleanup EXIT
	pdg_user_add "$u" || pdg_skip_all "cannot create a test user"
}

pdg_fan_cleanup() {
	pdg_agent_stop
	diag "$d/agent.out"
	pdg_user_del "$u"
	umount "$d"
	rmdir "$d"
}

# pdg_labelled_pd FILE: `pdguard label get` says FILE is labelled pd
pdg_labelled_pd() { "$pd" label get "$1" 2>/dev/null | grep -q ': pd '; }

# pdg_private_ns SCRIPT ARGS...: re-run the calling script in a private mount namespace (once),
# so every mount it makes vanishes with it and nothing outside is touched.
pdg_private_ns() {
	if [ -z "${PDG_IN_NS:-}" ]; then
		exec env PDG_IN_NS=1 timeout "${PDG_NS_TIMEOUT:-600}" \
			unshare --mount --propagation private -- "$@"
	fi
}

# pdg_ko TOP: the pdguard.ko built for the running kernel: build/kmod/$(uname -r)/pdguard.ko
# (make kmod builds one per kernel with headers), else build/pdguard.ko (the 6.1 build).
pdg_ko() {
	local ko=$1/build/kmod/$(uname -r)/pdguard.ko
	[ -f "$ko" ] || ko=$1/build/pdguard.ko
	echo "$ko"
}
