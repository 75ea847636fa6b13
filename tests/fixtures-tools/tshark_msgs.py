#!/usr/bin/env python3
"""tshark_msgs.py - what tshark decodes as SIP in a capture, in the .msgs format.

Usage: tshark_msgs.py CAPTURE [tshark options ...] > NAME.msgs

One line per SIP message tshark shows, in packet order:
    <ipversion> <transport> <method-or-status> <call-id>
The IP version and transport are those of the innermost IP/UDP/TCP header
before the SIP layer.  SIP quoted inside ICMP/ICMPv6 errors is skipped (it is
not SIP traffic).  Uses PDML so that several messages in one frame keep their
order.  Out-of-order TCP reassembly is turned on.  Extra arguments go to tshark (e.g. -d udp.port==5080,sip).
"""
import subprocess
import sys
import xml.etree.ElementTree as ET


def field(elem, name):
    for f in elem.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return None


def main(argv):
    cmd = ["tshark", "-n", "-r", argv[1], "-o", "tcp.reassemble_out_of_order:TRUE",
           "-T", "pdml", "-Y", "sip"] + argv[2:]
    out = subprocess.run(cmd, check=True, capture_output=True, timeout=600).stdout
    lines = []
    for pkt in ET.fromstring(out).iter("packet"):
        ipv = tr = None
        icmp = False
        for proto in pkt.findall("proto"):
            name = proto.get("name")
            if name == "ip":
                ipv = 4
            elif name == "ipv6":
                ipv = 6
            elif name in ("udp", "tcp"):
                tr = name
            elif name in ("icmp", "icmpv6"):
                icmp = True
            elif name == "sip" and not icmp:
                method = field(proto, "sip.Method")
                if method is None:
                    method = field(proto, "sip.Status-Code")
                if method is None:
                    continue  # "Continuation" bytes of a TCP stream, not a message
                cid = field(proto, "sip.Call-ID") or "-"
                lines.append(f"{ipv} {tr} {method} {cid}")
    sys.stdout.write("".join(l + "\n" for l in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
