# shellcheck shell=sh
# veth.sh - sourced by tests/live.sh and tests/bench/live_rate.sh: a veth
# pair inside a private network namespace, which has no route out, so
# replayed packets (whatever their addresses) never reach another host.
# POSIX sh.  Callers set their cleanup trap (ip netns del "$ns") first.

nsx() { ip netns exec "$ns" "$@"; }

# veth_up TAG: namespace sw<TAG><pid> holding the pair $va and $vb, up,
# MTU 9000, IPv6 off, offloads off.  Sets ns, va, vb; returns 1 with the
# reason in veth_err (for the caller's message) when it cannot.
# shellcheck disable=SC2034
veth_up() {
	ns=sw$1$$ va=sw${1}a$$ vb=sw${1}b$$
	if ! ip netns add "$ns" 2>/dev/null; then
		veth_err="ip netns unavailable (no CAP_SYS_ADMIN or no netns support)"
		return 1
	fi
	if ! nsx ip link add "$va" type veth peer name "$vb"; then
		veth_err="cannot create a veth pair"
		return 1
	fi
	nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
	for v in "$va" "$vb"; do
		nsx ip link set "$v" mtu 9000 up
	done
	nsx ip link set lo up
	# Offloads would hand the capture merged or unsegmented frames.
	if command -v ethtool >/dev/null 2>&1; then
		for v in "$va" "$vb"; do
			nsx ethtool -K "$v" gro off gso off tso off tx off rx off >/dev/null 2>&1
		done
	else
		echo "veth: note: ethtool not installed, offloads left as they are" >&2
	fi
	veth_ifidx=$(nsx cat "/sys/class/net/$va/ifindex")
}

# veth_bound: a packet socket is bound to $va and running.  libpcap binds
# only after it has set up its receive ring: a socket that merely exists
# (the ring of a large -B takes a while) would lose the first packets.
veth_bound() {
	nsx awk -v i="$veth_ifidx" 'NR > 1 && $5 == i && $6 == 1 { f = 1 } END { exit !f }' /proc/net/packet
}
