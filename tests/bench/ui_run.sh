#!/bin/sh
# ui_run.sh RUNSTAT OUT SIPWATCH FILE [ARGS...]: runs sipwatch --ui
# --replay=fast on FILE inside a detached tmux terminal (the dashboard needs
# one), quits it from the finished view, and leaves runstat's line
# ("user sys maxrss status") in OUT.  Exits 1 when tmux is missing or
# nothing was written to OUT.
set -u
rs=$1 out=$2 bin=$3 f=$4
shift 4
command -v tmux >/dev/null 2>&1 || exit 1
sock=sipwatch-bench-$$
rm -f "$out"
tmux -L "$sock" new-session -d -x 120 -y 40 "$rs $out $bin -r $f --ui --replay=fast $*"
i=0
while [ $i -lt 600 ]; do
	sleep 0.2
	# The session ends with sipwatch when it exits on its own (an error).
	tmux -L "$sock" has-session 2>/dev/null || break
	tmux -L "$sock" capture-pane -p 2>/dev/null | grep -qi finished && break
	i=$((i + 1))
done
tmux -L "$sock" send-keys q 2>/dev/null
sleep 0.3
tmux -L "$sock" send-keys y 2>/dev/null
i=0
while [ ! -s "$out" ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
tmux -L "$sock" kill-server 2>/dev/null
[ -s "$out" ]
