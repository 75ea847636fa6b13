#!/bin/sh
# Runs each libFuzzer target for SECONDS (make fuzz FUZZ_SECONDS=N).
#   tests/fuzz/run.sh BINDIR SECONDS TARGET...
# The committed corpus tests/fuzz/corpus/TARGET is read only; new inputs go
# to build/fuzz-corpus/TARGET, crashes to build/fuzz-artifacts/.  Merge
# what is worth keeping by hand (tests/fuzz/README.md).  Exit 1 when a
# target found a crash, leak or timeout.
set -u
bindir=${1:?usage: run.sh BINDIR SECONDS TARGET...}
secs=${2:?usage: run.sh BINDIR SECONDS TARGET...}
shift 2
cd "$(dirname "$0")/../.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
mkdir -p build/fuzz-artifacts
status=0
for t in "$@"; do
	mkdir -p "build/fuzz-corpus/$t"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
	opts=
	[ -f "tests/fuzz/$t.options" ] && opts=$(cat "tests/fuzz/$t.options")
	echo "== $t: $secs s"
	# shellcheck disable=SC2086
	if ! "$bindir/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
	    -print_final_stats=1 $dict $opts \
	    -artifact_prefix="build/fuzz-artifacts/$t-" \
	    "build/fuzz-corpus/$t" "tests/fuzz/corpus/$t" 2>"build/fuzz-artifacts/$t.log"; then
		echo "FAIL $t: see build/fuzz-artifacts/$t.log"
		tail -40 "build/fuzz-artifacts/$t.log"
		status=1
	fi
	grep -E '^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb' \
	    "build/fuzz-artifacts/$t.log" | tr '\n' ' '
	echo
done
exit $status
