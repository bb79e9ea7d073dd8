#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# What an administrator reads: every command and subcommand answers --help with its help on
# stdout and exit 0 (and runs nothing); the man pages render without a warning; the bash
# completion loads and completes; one version everywhere (VERSION, --version, the man pages,
# dkms.conf as installed, pdguard.ko's modinfo); make install puts pages and completion in place.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/tap.sh"
pd=$top/build/pdguard
pdg_require_cmd man
tap_version
d=$(mktemp -d /tmp/pdg-help-XXXXXX)
trap 'rm -rf "$d"' EXIT
version=$(cat "$top/VERSION")

# the commands, from the top-level help; their subcommands, from each command's help
commands=$("$pd" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
check "--help lists the commands" test -n "$commands"
helps=0
for c in $commands; do
	"$pd" "$c" --help >"$d/$c.help" 2>"$d/$c.err"
	check "pdguard $c --help exits 0 with its usage on stdout, nothing on stderr" \
		bash -c "[ $? -eq 0 ] && grep -q '^Usage: pdguard $c' '$d/$c.help' && [ ! -s '$d/$c.err' ]"
	# "Usage: pdguard log verify ..." lines, and bpf's indented list of commands
	subs=$( (grep -oE "pdguard $c [a-z][a-z-]+" "$d/$c.help" | awk '{print $3}'
		[ "$c" = bpf ] && sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' "$d/$c.help") |
		sort -u)
	for s in $subs; do
		helps=$((helps + 1))
		"$pd" "$c" "$s" --help >"$d/sub.help" 2>"$d/sub.err"
		rc=$?
		check "pdguard $c $s --help exits 0 with the command's help, runs nothing" \
			bash -c "[ $rc -eq 0 ] && cmp -s '$d/sub.help' '$d/$c.help' && [ ! -s '$d/sub.err' ]"
	done
done
check "subcommands were found in the helps" test "$helps" -gt 10
# -h after other arguments, and a file called --help after --
check "-h after arguments is help too" bash -c "'$pd' scan /nonexistent -h | grep -q '^Usage: pdguard scan'"
"$pd" scan -- --help >/dev/null 2>&1
check "after --, --help is an argument (a file that does not exist: exit 2)" test $? -eq 2

# man pages: each renders without a warning, from the tree and as built
pages=$(ls "$top"/man/*.[58])
for p in $pages; do
	MANWIDTH=80 man --warnings -l "$p" >"$d/page.txt" 2>"$d/page.err"
	rc=$?
	check "man --warnings -l $(basename "$p") renders without warnings" \
		bash -c "[ $rc -eq 0 ] && [ ! -s '$d/page.err' ] && grep -q '^NAME' '$d/page.txt'" ||
		diag "$d/page.err"
done
for c in $commands; do
	grep -q "^\\\\fB$c\\\\fP\|^\.BR\? \"\?$c\|^\\\\fB$c " "$top/man/pdguard.8" || missing_man="${missing_man:-} $c"
done
check "pdguard(8) describes every command" test -z "${missing_man:-}" || echo "# missing:$missing_man"

# bash completion
if [ -r /usr/share/bash-completion/bash_completion ]; then
	cat >"$d/comp.sh" <<SH
source /usr/share/bash-completion/bash_completion
source "$top/completion/pdguard" || exit 1
complete -p pdguard | grep -q _pdguard || exit 1
comp() {
	COMP_LINE="\$*"; COMP_POINT=\${#COMP_LINE}
	read -ra COMP_WORDS <<<"\$COMP_LINE"
	[[ \$COMP_LINE == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_pdguard
	echo "\${COMPREPLY[*]}"
}
[ "\$(comp 'pdguard log ')" = "verify setup-keys --help" ] || exit 2
[ "\$(comp 'pdguard grant add root basic,me')" = "basic,medical" ] || exit 3
[ "\$(comp 'pdguard scan --min-confidence h')" = "high" ] || exit 4
for c in $(echo $commands); do
	comp "pdguard \${c:0:2}" | grep -qw "\$c" || exit 5
done
SH
	bash "$d/comp.sh" 2>"$d/comp.err"
	check "the bash completion loads and completes commands, subcommands, categories" \
		test $? -eq 0 || diag "$d/comp.err"
else
	skip_check "the bash completion loads" "bash-completion is not installed"
fi

# one version
check "pdguard --version is VERSION's" bash -c "'$pd' --version | grep -q '^pdguard $version '"
make -s -C "$top" install install-dkms DESTDIR="$d/root" >"$d/install.out" 2>&1
check "make install and install-dkms work into a DESTDIR" test $? -eq 0 || diag "$d/install.out"
check "the installed man pages carry VERSION" bash -c \
	"[ \$(grep -l '^\.TH .*\"pdguard $version\"' '$d'/root/usr/share/man/man[58]/* | wc -l) -eq 4 ]"
check "the completion is installed where bash-completion looks" \
	test -f "$d/root/usr/share/bash-completion/completions/pdguard"
check "the installed dkms.conf carries VERSION" \
	grep -q "^PACKAGE_VERSION=\"$version\"" "$d/root/usr/src/pdguard-$version/dkms.conf"
if [ -f "$top/build/pdguard.ko" ] && command -v modinfo >/dev/null; then
	check "pdguard.ko's modinfo version is VERSION's" \
		test "$(modinfo -F version "$top/build/pdguard.ko")" = "$version"
else
	skip_check "pdguard.ko's modinfo version" "build/pdguard.ko is not built (make kmod)"
fi
exit $((nfail > 0))
