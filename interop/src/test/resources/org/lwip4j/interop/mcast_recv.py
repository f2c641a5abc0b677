#!/usr/bin/python3
"""Joins the IPv4 group GROUP on the interface with address IFADDR, receives one datagram on
PORT and prints its source and hex payload. Prints 'ready' once joined."""
import socket
import sys

group, port, ifaddr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", port))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(ifaddr))
s.settimeout(timeout)
print("ready", flush=True)
try:
    data, frm = s.recvfrom(65535)
except socket.timeout:
    print("timeout", flush=True)
    sys.exit(1)
print(f"from={frm[0]}:{frm[1]} data={data.hex()}", flush=True)
