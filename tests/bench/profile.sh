#!/usr/bin/env bash
# profile.sh - where sipwatch's instructions go, by part of the program,
# counted by callgrind (the same count on a busy machine as on a quiet
# one).  Run by `make profile`; see tests/bench/PROFILE.md.
#
#   tests/bench/profile.sh BUILD/sipwatch
#
# Environment:
#   PROFILE_N    SIP messages in the generated mix (50000)
#   BENCH_DIR    captures and helper programs (BUILD/bench)
#
# Runs sipwatch with the default rules and parsing only (--no-rules), and
# the libnids floor, under callgrind on the same capture; prints a
# Markdown table of instructions by part (each function counted where it
# is defined: code inlined into it counts with it) and the functions that
# execute the most, and writes them to BENCH_DIR/profile.md.
set -euo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 PATH/TO/sipwatch" >&2
	exit 1
fi
SW=$1
BUILD=$(dirname "$SW")
DIR=${BENCH_DIR:-$BUILD/bench}
N=${PROFILE_N:-50000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

for t in valgrind callgrind_annotate python3 nm; do
	command -v "$t" >/dev/null 2>&1 || { echo "profile.sh: $t not found" >&2; exit 1; }
done
for p in gen_bench nids_floor; do
	[ -x "$DIR/$p" ] || { echo "profile.sh: $DIR/$p missing (run make profile)" >&2; exit 1; }
done
[ -x "$SW" ] || { echo "profile.sh: $SW not executable" >&2; exit 1; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
F=$DIR/mix-$N.pcap
if [ ! -s "$F" ] || [ "$DIR/gen_bench" -nt "$F" ]; then
	echo "profile: generating $F" >&2
	"$DIR/gen_bench" mix "$N" "$F.tmp" >&2
	mv "$F.tmp" "$F"
fi
"$SW" -r "$F" --no-ui --no-rules --stats="$TMP/stats.json" >/dev/null

# The three runs side by side (two CPUs are usual here); each one's own
# instruction count does not depend on the others.
cg() { # cg NAME CMD...
	local name=$1
	shift
	valgrind --tool=callgrind --callgrind-out-file="$TMP/$name.cg" "$@" \
		>/dev/null 2>"$TMP/$name.err" || {
		echo "profile: $name failed under callgrind:" >&2
		tail -n 5 "$TMP/$name.err" >&2
		return 1
	}
	callgrind_annotate --auto=no --inclusive=no --threshold=100 "$TMP/$name.cg" >"$TMP/$name.txt"
}
echo "profile: callgrind on $F (default rules, --no-rules, libnids floor)" >&2
cg rules "$SW" -r "$F" --no-ui --stats=/dev/null &
p1=$!
cg norules "$SW" -r "$F" --no-ui --no-rules --stats=/dev/null &
p2=$!
st=0
cg floor "$DIR/nids_floor" "$F" || st=1
wait "$p1" || st=1
wait "$p2" || st=1
[ "$st" = 0 ] || exit 1
nm -l --defined-only "$SW" >"$TMP/nm.txt"

python3 - "$TMP" "$ROOT" "$SW" "$F" "$DIR/profile.md" <<'EOF'
import json, os, re, sys

tmp, root, sw, capture, out = sys.argv[1:]
msgs = json.load(open(os.path.join(tmp, "stats.json")))["sip"]["messages"]
swname = os.path.basename(sw)

# Where each of the program's functions is defined (nm -l).
home = {}
for line in open(os.path.join(tmp, "nm.txt")):
    m = re.match(r"\S+ [tTwW] (\S+)\t(.+):\d+$", line.rstrip("\n"))
    if m:
        home.setdefault(m.group(1), os.path.relpath(m.group(2), root))

def part_of_file(f):
    if f == "parsers/sip.c":
        return "header loop (parsers/sip.c)"
    if f.startswith("parsers/"):
        return "header values, SDP, frames (parsers/)"
    if f.startswith("rules/"):
        return "rules (rules/)"
    if f.startswith("ui/") or f in ("monitor/dashboard.c", "monitor/uitext.c"):
        return "dashboard (ui/, monitor/dashboard.c)"
    if f.startswith("monitor/"):
        return "reading, framing, outputs (monitor/)"
    return None

def part(fn, obj, src):
    o = os.path.basename(obj)
    if o != swname:
        if o.startswith("libnids"):
            return "libnids"
        if o.startswith("libc.") or o.startswith("ld-linux"):
            return "libc"
        if o.startswith("libpcre2") or o == "???":
            # "???": code with no file, the patterns PCRE2's JIT compiled
            return "PCRE2 (and its JIT-compiled patterns)"
        if o.startswith("libpcap"):
            return "libpcap"
        return "other libraries (libyaml, GLib, ...)"
    # Code inlined from a header counts with the function it is in.
    if src.endswith(".c") and not src.startswith("/usr/"):
        p = part_of_file(os.path.relpath(src, root) if src.startswith("/") else src)
        if p:
            return p
    f = home.get(fn) or home.get(fn.split(".")[0])
    return (f and part_of_file(f)) or "other (start-up, compiler runtime)"

def load(name):
    parts, funcs, total = {}, {}, None
    for line in open(os.path.join(tmp, name + ".txt")):
        # "N (P%)  FILE:FUNCTION [OBJECT]"; code inlined from another
        # file comes as its own line, without the object.
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(PROGRAM TOTALS|(.*?):(.+?)(?:\s+\[(.*)\])?)\s*$", line)
        if not m:
            continue
        n = int(m.group(1).replace(",", ""))
        if m.group(2) == "PROGRAM TOTALS":
            total = n
            continue
        src, fn, obj = m.group(3), m.group(4), m.group(5)
        if obj is None:
            # Ours when the function is one of the program's; else the
            # C library's (ld.so's relocation, inlined in the same way).
            ours = fn in home or fn.split(".")[0] in home
            obj = sw if ours else "libc.so.6"
        p = part(fn, obj, src)
        parts[p] = parts.get(p, 0) + n
        key = fn + ("" if os.path.basename(obj) == swname else " (" + os.path.basename(obj) + ")")
        funcs[key] = funcs.get(key, 0) + n
    return total, parts, funcs

rt, rp, rf = load("rules")
nt, np_, _ = load("norules")
ft, _, _ = load("floor")
# Every instruction in exactly one part, or the table would mislead.
for name, t, p in (("default rules", rt, rp), ("--no-rules", nt, np_)):
    if t is None or sum(p.values()) != t:
        sys.exit("profile: %s: the parts add up to %s of %s instructions "
                 "(callgrind_annotate's output not understood)" % (name, sum(p.values()), t))

def M(x):
    return "%.1fM" % (x / 1e6)

def per(x):
    return "{:,}".format(round(x / msgs)) if msgs else "n/a"

lines = []
w = lines.append
w("### Instructions by part (callgrind)")
w("")
w("%s: %s SIP messages. Instructions executed (callgrind), by where the code is "
  "defined; per SIP message in parentheses." % (os.path.basename(capture), "{:,}".format(msgs)))
w("")
w("| part | default rules | --no-rules |")
w("|---|---:|---:|")
order = sorted(set(rp) | set(np_), key=lambda k: -rp.get(k, 0))
for k in order:
    w("| %s | %s (%s) | %s (%s) |" % (k, M(rp.get(k, 0)), per(rp.get(k, 0)),
                                       M(np_.get(k, 0)), per(np_.get(k, 0))))
w("| **total** | **%s** (%s) | **%s** (%s) |" % (M(rt), per(rt), M(nt), per(nt)))
w("| libnids floor (`nids_floor`, the same capture) | %s (%s) | |" % (M(ft), per(ft)))
w("")
w("Default rules against the floor: %.2fx the instructions; parsing only %.2fx." % (rt / ft, nt / ft))
w("")
w("#### The functions that execute the most (default rules)")
w("")
w("| function | instructions | share |")
w("|---|---:|---:|")
for k, v in sorted(rf.items(), key=lambda kv: -kv[1])[:15]:
    w("| `%s` | %s | %.1f%% |" % (k, M(v), 100.0 * v / rt))
text = "\n".join(lines) + "\n"
sys.stdout.write(text)
open(out, "w").write(text)
EOF
