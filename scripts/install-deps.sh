#!/bin/sh
# Installs the Debian 12 packages sipwatch needs to build, test and benchmark.
# Run as root (or through sudo). Safe to run again.
#   install-deps.sh          build and test
#   install-deps.sh --bench  the same plus what only `make bench` uses
#                            (sngrep, to compare against)
set -eu
PKGS="build-essential pkg-config
libpcap-dev libnids-dev libpcre2-dev libncurses-dev libyaml-dev
libcriterion-dev
tshark tcpdump tcpreplay python3 rsyslog iproute2 ethtool tmux time procps
clang libclang-rt-14-dev valgrind"
BENCH_PKGS="sngrep"
case ${1:-} in
"") ;;
--bench) PKGS="$PKGS $BENCH_PKGS" ;;
*)
	echo "usage: $0 [--bench]" >&2
	exit 1
	;;
esac
export DEBIAN_FRONTEND=noninteractive
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
echo "install-deps: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
