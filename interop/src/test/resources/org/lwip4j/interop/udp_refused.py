#!/usr/bin/python3
"""Connected UDP socket to ADDR:PORT where nobody listens: the ICMP port unreachable that
comes back must surface as ECONNREFUSED on recv. Prints 'refused' (exit 0) or what happened."""
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((addr, port))
s.settimeout(3.0)
s.send(b"anyone there?")
try:
    data = s.recv(2048)
    print(f"unexpected reply {data!r}")
    sys.exit(1)
except ConnectionRefusedError as e:
    print(f"refused ({e})")
    sys.exit(0)
except socket.timeout:
    print("timeout: no ICMP port unreachable reached the socket")
    sys.exit(1)
