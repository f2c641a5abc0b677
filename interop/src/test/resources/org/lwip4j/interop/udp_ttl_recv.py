#!/usr/bin/python3
"""Receives one UDP datagram on BIND:PORT and prints its TTL (IP_RECVTTL), size and source.
Prints 'ready' once bound, so the sender can start."""
import socket
import sys

bind, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# IP_RECVTTL is 12 on Linux (<linux/in.h>); Python only names it from 3.12 on.
s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)
s.bind((bind, port))
s.settimeout(timeout)
print("ready", flush=True)
try:
    data, anc, flags, frm = s.recvmsg(65535, socket.CMSG_SPACE(4))
except socket.timeout:
    print("timeout", flush=True)
    sys.exit(1)
ttl = None
for level, kind, value in anc:
    if level == socket.IPPROTO_IP and kind == socket.IP_TTL:
        ttl = int.from_bytes(value[:4], sys.byteorder)
print(f"ttl={ttl} len={len(data)} from={frm[0]}:{frm[1]} data={data.hex()}", flush=True)
