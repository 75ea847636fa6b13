#!/bin/sh
# pgo-train.sh SIPWATCH GEN_BENCH WORKDIR BUILD - the training run of the
# profile-guided build (Makefile, PGO=1).
#
# SIPWATCH is the instrumented build; every run adds to the profiles it
# writes, BUILD/X.gcda for each object BUILD/X.o of the release build.
# Those of an earlier training are removed first.  The workload is what
# the program does for its users: the default rules with JSON alerts, the
# message dump, parsing only, over
#   - generated traffic of the three benchmark kinds (gen_bench), with a
#     seed of their own, so the profile is not trained on the captures
#     that `make bench` measures;
#   - every capture under pcaps/ (TLS, IPv6, tunnels, fragments, scans,
#     floods, malformed and hostile input).
# Exits non-zero when a run fails: a build that fails on its training
# input must not be shipped.
set -eu
bin=$1 gen=$2 work=$3 build=$4
top=$(cd "$(dirname "$0")/.." && pwd)

profiles() {
	for d in parsers rules monitor ui; do
		[ ! -d "$build/$d" ] || find "$build/$d" -name '*.gcda'
	done
}

profiles | xargs -r rm -f
mkdir -p "$work"

run() {
	"$bin" "$@" --no-ui --stats=/dev/null >/dev/null 2>"$work/stderr" || {
		echo "pgo-train: sipwatch $* failed:" >&2
		cat "$work/stderr" >&2
		exit 1
	}
}

"$gen" mix 60000 "$work/mix.pcap" 7 2>/dev/null
"$gen" attack 20000 "$work/attack.pcap" 7 2>/dev/null
"$gen" trunk 20000 "$work/trunk.pcap" 7 2>/dev/null

run -r "$work/mix.pcap" -o json
run -r "$work/attack.pcap" -o json
run -r "$work/trunk.pcap" -o json
run -r "$work/mix.pcap" --no-rules --dump=/dev/null
for f in "$top"/pcaps/*.pcap; do
	run -r "$f" -o json --dump=/dev/null
done
rm -f "$work"/*.pcap "$work/stderr"

n=$(profiles | wc -l)
[ "$n" -gt 0 ] || { echo "pgo-train: no profile written under $build" >&2; exit 1; }
echo "pgo-train: $n profiles"
