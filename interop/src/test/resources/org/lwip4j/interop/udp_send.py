#!/usr/bin/python3
"""Sends one UDP datagram with the hex payload PAYLOAD to ADDR:PORT."""
import socket
import sys

addr, port, payload = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(payload, (addr, port))
print("sent", flush=True)
