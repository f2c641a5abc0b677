#!/usr/bin/python3
"""Sends COUNT UDP datagrams with the hex payload PAYLOAD to the IPv6 group GROUP:PORT out of
the interface DEV (IPV6_MULTICAST_IF), hop limit 1, 100 ms apart."""
import socket
import sys
import time

group, port, dev, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3], bytes.fromhex(sys.argv[4])
count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
index = socket.if_nametoindex(dev)
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
for _ in range(count):
    s.sendto(payload, (group, port, 0, index))
    time.sleep(0.1)
print("sent", flush=True)
