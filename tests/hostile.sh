#!/bin/sh
# Hostile captures: see tests/hostile.py.  Usage: tests/hostile.sh SIPWATCH
exec python3 "$(dirname "$0")/hostile.py" "$@"
