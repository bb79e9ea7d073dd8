# SPDX-License-Identifier: GPL-2.0
#
# Count TAP results in a stream where each test program's output is framed by
#   PDGUARD-TEST-BEGIN <name>
#   PDGUARD-TEST-END <name> <exit status>
# (printed by tests/lib.sh, natively or inside the VM). Per program: "ok" lines pass, "ok ... #
# SKIP" lines skip, "not ok" lines fail; a plan of "1..0 # SKIP why" is one skip; results missing
# from the plan, and a non-zero exit with no failure reported, each count as one failure, so a
# crash can never read as a pass. Prints one line per program and the totals last; under a
# failing program, its "not ok" lines and the last lines it printed, so a CI log that keeps only
# this summary still says what broke.
function show_failure(    i, first) {
	for (i = 1; i <= nbad; i++)
		printf("     %s\n", bad[i])
	first = ntail > TAILN ? ntail - TAILN + 1 : 1
	if (ntail)
		printf("     -- last %d lines of its output:\n", ntail - first + 1)
	for (i = first; i <= ntail; i++)
		printf("     | %s\n", tail[i % TAILN])
}
function finish(name, rc,    missing, verdict) {
	if (!inside)
		return
	missing = (plan > seen) ? plan - seen : 0
	if (plan_skip) {
		skipped++; nskip++
	}
	if (missing > 0) {
		failed += missing; nfail += missing
		reason = reason sprintf(" (%d of %d planned results missing)", missing, plan)
	}
	if (rc != 0 && nfail == 0) {
		failed++; nfail++
		reason = reason sprintf(" (exited with status %s)", rc)
	}
	if (seen == 0 && !plan_skip && nfail == 0) {
		failed++; nfail++
		reason = reason " (reported no result)"
	}
	verdict = nfail ? "FAIL" : "ok  "
	printf("%s %-48s %3d passed, %d failed, %d skipped%s\n", verdict, name, npass, nfail, nskip, reason)
	if (nfail)
		show_failure()
	inside = 0
}
BEGIN { passed = failed = skipped = 0; TAILN = 25; MAXBAD = 20 }
{ sub(/\r$/, "") }
# A name may contain spaces ("tests/bpf/kfunc_test.sh [6.12]"): all but the framing words.
/^PDGUARD-TEST-BEGIN / {
	if (inside)
		finish(cur, 1)
	cur = substr($0, length("PDGUARD-TEST-BEGIN ") + 1); inside = 1; plan = 0; seen = 0; plan_skip = 0; npass = nfail = nskip = 0; reason = ""
	nbad = ntail = 0
	next
}
/^PDGUARD-TEST-END / {
	name = substr($0, length("PDGUARD-TEST-END ") + 1)
	sub(/ [^ ]*$/, "", name)
	finish(name, $NF)
	next
}
/^PDGUARD-HARNESS-FAIL / {
	# the rig itself failed (VM timeout, kernel panic, build error): one failure with its reason
	sub(/^PDGUARD-HARNESS-FAIL /, "")
	failed++
	printf("FAIL %s\n", $0)
	next
}
# the duration of each VM boot (tests/run.sh), kept in the summary
!inside && /^# vm\(/ { print; next }
!inside { next }
{ ntail++; tail[ntail % TAILN] = substr($0, 1, 300) }
/^1\.\.[0-9]+/ {
	plan = substr($1, 4) + 0
	if (plan == 0 && $0 ~ /# *[Ss][Kk][Ii][Pp]/)
		plan_skip = 1
	next
}
/^not ok [0-9]+/ {
	seen++; failed++; nfail++
	if (nbad < MAXBAD)
		bad[++nbad] = $0
	next
}
/^ok [0-9]+/ {
	seen++
	if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) { skipped++; nskip++ } else { passed++; npass++ }
	next
}
END {
	if (inside)
		finish(cur, 1)
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
}
