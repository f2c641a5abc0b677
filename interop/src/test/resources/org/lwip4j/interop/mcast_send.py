#!/usr/bin/python3
"""Sends COUNT UDP datagrams with the hex payload PAYLOAD to the IPv4 group GROUP:PORT out of the
interface with address IFADDR (IP_MULTICAST_IF), TTL 1, 100 ms apart."""
import socket
import sys
import time

group, port, ifaddr, payload = sys.argv[1], int(sys.argv[2]), sys.argv[3], bytes.fromhex(sys.argv[4])
count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ifaddr))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for _ in range(count):
    s.sendto(payload, (group, port))
    time.sleep(0.1)
print("sent", flush=True)
