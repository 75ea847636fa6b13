#!/bin/sh
# Golden pcap tests (see tests/golden.list).  Usage: tests/golden.sh SIPWATCH
set -u
bin=${1:?usage: golden.sh SIPWATCH}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
while read -r file args; do
	case "$file" in ''|'#'*) continue ;; esac
	name=${file%.*}
	want=pcaps/$name.msgs
	label="$file${args:+ [$args]}"
	# shellcheck disable=SC2086
	conf=
	[ -f "pcaps/$name.yaml" ] && conf="-c pcaps/$name.yaml"
	# shellcheck disable=SC2086
	if ! "$bin" -r "pcaps/$file" --dump="$tmp/dump" --stats="$tmp/stats" \
	    -o json:"$tmp/alerts" $conf $args 2>"$tmp/err"; then
		echo "FAIL $label: sipwatch exited non-zero: $(cat "$tmp/err")"
		fail=$((fail + 1))
		continue
	fi
	python3 tests/msgs.py <"$tmp/dump" >"$tmp/got"
	if ! diff -u "$want" "$tmp/got" >"$tmp/diff"; then
		echo "FAIL $label: messages differ from $want"
		head -40 "$tmp/diff"
		fail=$((fail + 1))
		continue
	fi
	if [ -f "pcaps/$name.anomalies" ]; then
		python3 tests/msgs.py --anomalies <"$tmp/dump" >"$tmp/gota"
		if ! diff -u "pcaps/$name.anomalies" "$tmp/gota" >"$tmp/diff"; then
			echo "FAIL $label: anomalies differ from pcaps/$name.anomalies"
			head -40 "$tmp/diff"
			fail=$((fail + 1))
			continue
		fi
	fi
	if [ -f "pcaps/$name.alerts" ]; then
		python3 tests/alerts.py <"$tmp/alerts" >"$tmp/gotal"
		if ! diff -u "pcaps/$name.alerts" "$tmp/gotal" >"$tmp/diff"; then
			echo "FAIL $label: alerts differ from pcaps/$name.alerts"
			head -40 "$tmp/diff"
			fail=$((fail + 1))
			continue
		fi
	fi
	if [ -f "pcaps/$name.stats" ]; then
		if ! python3 tests/check_stats.py "pcaps/$name.stats" "$tmp/stats"; then
			echo "FAIL $label: stats differ from pcaps/$name.stats"
			fail=$((fail + 1))
			continue
		fi
	fi
	pass=$((pass + 1))
done <tests/golden.list
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
