#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Bounded fuzzing: builds every tests/fuzz/*_fuzz.c with clang's libFuzzer and AddressSanitizer
# against an instrumented copy of the agent's library, and runs each for FUZZ_SECONDS (default
# 60). Seed corpora: tests/fuzz/<name>_seeds.sh DIR if it exists, plus the extraction fixtures
# for extract_fuzz. Findings (crash-*, leak-*, timeout-*) land in build/fuzz/<name>/artifacts/.
#
#   scripts/fuzz.sh [NAME...]     only these targets, e.g. scripts/fuzz.sh extract
# Environment: FUZZ_SECONDS, FUZZ_JOBS (parallel jobs per target, default 1), CLANG (clang).
set -euo pipefail
# random rule sets must not fill the compiled-rules cache (docs/rules.md)
export PDGUARD_RULES_CACHE=off
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
clang=${CLANG:-clang}
out=build/fuzz

if ! command -v "$clang" >/dev/null; then
	echo "fuzz.sh: $clang not found." >&2
	echo "Hint: run scripts/deps.sh fuzz (as root) to install clang and its fuzzing runtime." >&2
	exit 1
fi
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	"$clang" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "fuzz.sh: $clang cannot link libFuzzer programs." >&2
	echo "Hint: run scripts/deps.sh fuzz (as root): it installs libclang-rt-14-dev." >&2
	exit 1
fi

# The Makefile's own flags and libraries, so new dependencies need no edit here.
mkvar() {
	make --no-print-directory -s -f Makefile -f - "print-$1" <<<'print-%: ; @echo $($*)'
}
cppflags="$(mkvar CPPFLAGS) -I$(mkvar BUILD)/bpf"
ldlibs=$(mkvar LDLIBS)
cflags=(-g -O1 -std=gnu11 -D_GNU_SOURCE -pthread -fno-omit-frame-pointer
	-fsanitize=address,undefined -fno-sanitize-recover=undefined)

# The regular build first: generated headers (BPF skeleton), the fixture writer, and objects
# to fall back on for sources clang cannot build.
make -s build/libpdguard.a build/tests/extract/mkfixtures_helper >/dev/null

# The library instrumented for coverage (fuzzer-no-link) and ASan; main.c is the CLI only.
mkdir -p "$out/obj"
objs=()
for src in $(find agent -name '*.c' | sort); do
	[ "$src" = agent/cli/main.c ] && continue
	rel=${src#agent/}
	rel=${rel%.c}
	base=${rel//\//_}
	obj=$out/obj/$base.o
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] ||
		[ -n "$(find agent include -name '*.h' -newer "$obj")" ]; then
		if ! "$clang" "${cflags[@]}" -fsanitize=fuzzer-no-link $cppflags -c -o "$obj" "$src" \
			2>"$out/obj/$base.log"; then
			echo "fuzz.sh: $src does not build with $clang (see $out/obj/$base.log):" \
				"using the uninstrumented build/agent/$rel.o" >&2
			cp "build/agent/$rel.o" "$obj"
		fi
	fi
	objs+=("$obj")
done
rm -f "$out/libpdguard.a"
ar rcs "$out/libpdguard.a" "${objs[@]}"

want=("$@")
failed=0
for src in tests/fuzz/*_fuzz.c; do
	name=$(basename "${src%_fuzz.c}")
	if [ ${#want[@]} -gt 0 ] && [[ " ${want[*]} " != *" $name "* ]]; then
		continue
	fi
	dir=$out/$name
	mkdir -p "$dir/corpus" "$dir/artifacts"
	"$clang" "${cflags[@]}" -fsanitize=fuzzer $cppflags -Itests \
		-o "$dir/$name-fuzz" "$src" "$out/libpdguard.a" $ldlibs
	if [ -x "tests/fuzz/${name}_seeds.sh" ]; then
		"tests/fuzz/${name}_seeds.sh" "$dir/corpus"
	fi
	if [ "$name" = extract ]; then
		build/tests/extract/mkfixtures_helper "$dir/corpus"
	fi
	echo "fuzz.sh: $name for ${secs}s (corpus $dir/corpus, findings in $dir/artifacts)"
	par=()
	[ "$jobs" -gt 1 ] && par=(-jobs="$jobs" -workers="$jobs")
	# from $dir: with -jobs libFuzzer writes its fuzz-N.log files into the working directory
	if ! (cd "$dir" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
		"./$name-fuzz" -max_total_time="$secs" -timeout=20 -rss_limit_mb=1024 \
		-max_len=1048576 "${par[@]}" -print_final_stats=1 -artifact_prefix=artifacts/ \
		corpus >log 2>&1); then
		echo "fuzz.sh: $name FAILED, see $dir/log and $dir/artifacts/" >&2
		tail -n 30 "$dir/log" >&2
		failed=1
	else
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$dir/log" | tail -n 2 || true
	fi
done
exit $failed
