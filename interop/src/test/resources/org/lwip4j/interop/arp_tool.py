#!/usr/bin/python3
"""ARP on a raw packet socket (no scapy needed).

arp_tool.py IFACE SECONDS [--send OP SHA SPA THA TPA ETH_DST] [--until KEY=VALUE ...]

Opens an AF_PACKET socket on IFACE for ARP, prints 'ready', optionally sends one ARP packet
(OP 1 request / 2 reply; MACs as aa:bb:..., IPs dotted), then prints every ARP packet the
interface receives (not the ones it sends) for SECONDS as
'op=1 sha=.. spa=.. tha=.. tpa=.. eth_src=.. eth_dst=..', stopping early at the first one
whose fields match all --until pairs (then exit 0; exit 3 when none matched in time)."""
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def mac_text(b):
    return ":".join(f"{x:02x}" for x in b)


iface, seconds = sys.argv[1], float(sys.argv[2])
args = sys.argv[3:]
send = None
until = {}
i = 0
while i < len(args):
    if args[i] == "--send":
        send = args[i + 1:i + 7]
        i += 7
    elif args[i] == "--until":
        k, v = args[i + 1].split("=", 1)
        until[k] = v.lower()
        i += 2
    else:
        sys.exit(f"unknown argument {args[i]}")

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
s.bind((iface, ETH_P_ARP))
own = s.getsockname()[4]
print("ready", flush=True)
if send:
    op, sha, spa, tha, tpa, dst = send
    frame = (mac_bytes(dst) + mac_bytes(sha) + struct.pack("!H", ETH_P_ARP)
             + struct.pack("!HHBBH", 1, 0x0800, 6, 4, int(op))
             + mac_bytes(sha) + socket.inet_aton(spa) + mac_bytes(tha) + socket.inet_aton(tpa))
    frame += bytes(60 - len(frame))
    s.send(frame)
    print(f"sent op={op} sha={sha} spa={spa} tha={tha} tpa={tpa} eth_dst={dst}", flush=True)
deadline = time.monotonic() + seconds
while True:
    left = deadline - time.monotonic()
    if left <= 0:
        sys.exit(3 if until else 0)
    s.settimeout(left)
    try:
        data, addr = s.recvfrom(2048)
    except socket.timeout:
        sys.exit(3 if until else 0)
    if addr[2] == PACKET_OUTGOING or len(data) < 42:
        continue
    op = struct.unpack("!H", data[20:22])[0]
    f = {
        "op": str(op),
        "sha": mac_text(data[22:28]),
        "spa": socket.inet_ntoa(data[28:32]),
        "tha": mac_text(data[32:38]),
        "tpa": socket.inet_ntoa(data[38:42]),
        "eth_src": mac_text(data[6:12]),
        "eth_dst": mac_text(data[0:6]),
    }
    print(" ".join(f"{k}={v}" for k, v in f.items()), flush=True)
    if until and all(f.get(k) == v for k, v in until.items()):
        sys.exit(0)
