# SPDX-License-Identifier: GPL-2.0
# Helpers for pdguard's shell tests (sourced): TAP checks, bounded waits, a private mount namespace.

n=0
nfail=0
# check NAME COMMAND...: one TAP line, ok when COMMAND succeeds
check() {
	local name=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		nfail=$((nfail + 1))
	fi
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

# pdg_private_ns SCRIPT ARGS...: re-run the calling script in a private mount namespace (once),
# so every mount it makes vanishes with it and nothing outside is touched.
pdg_private_ns() {
	if [ -z "${PDG_IN_NS:-}" ]; then
		exec env PDG_IN_NS=1 timeout "${PDG_NS_TIMEOUT:-600}" \
			unshare --mount --propagation private -- "$@"
	fi
}
