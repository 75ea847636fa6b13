#!/bin/sh
# Every golden capture (tests/golden.list) through sipwatch under valgrind
# memcheck, with the rule engine, --dump, --stats and JSON alerts: any
# invalid read or write, use of uninitialised memory or leak (libnids' own
# in tests/valgrind.supp aside) fails.  Usage: tests/valgrind.sh SIPWATCH
set -u
bin=${1:?usage: valgrind.sh SIPWATCH}
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
	echo "valgrind: not installed, skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# Rows are FILE [ARGS...]; the extra arguments are not needed here.
for file in $(grep -v '^#' tests/golden.list | awk '{print $1}'); do
	name=${file%.*}
	pcap=pcaps/$file
	[ -f "$pcap" ] || continue
	conf=
	[ -f "pcaps/$name.yaml" ] && conf="-c pcaps/$name.yaml"
	# shellcheck disable=SC2086
	if valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect --suppressions=tests/valgrind.supp \
	    "$bin" -r "$pcap" $conf --dump="$tmp/d" --stats="$tmp/s" -o json:"$tmp/a" \
	    >"$tmp/out" 2>"$tmp/err"; then
		pass=$((pass + 1))
	else
		echo "FAIL valgrind $name (exit $?):"
		head -60 "$tmp/err"
		fail=$((fail + 1))
	fi
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
