#!/bin/sh
# Differential test against tshark over ../shared/corpus (skipped with a
# message when the corpus or tshark is absent).  Usage: diff_tshark.sh SIPWATCH
set -u
bin=${1:?usage: diff_tshark.sh SIPWATCH}
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${SIPWATCH_CORPUS:-$top/../shared/corpus}
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "difftest: SKIPPED: no corpus at $corpus"
	exit 0
fi
if ! command -v tshark >/dev/null 2>&1; then
	echo "difftest: SKIPPED: tshark is not installed (scripts/install-deps.sh)"
	exit 0
fi
exec python3 "$top/tests/diff_tshark.py" "$bin" "$corpus"
