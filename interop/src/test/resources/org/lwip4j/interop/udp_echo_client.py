#!/usr/bin/python3
"""UDP echo client (RFC 862): sends one datagram of each SIZE to ADDR:PORT and checks that
exactly the same bytes come back (IPv6 when ADDR has a colon). Prints one line per size; exit status 0 when all matched.
A lost datagram is sent again (three tries); an echo of an earlier size is ignored."""
import os
import socket
import sys

addr, port = sys.argv[1], int(sys.argv[2])
sizes = [int(x) for x in sys.argv[3:]]
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(3.0)
failed = 0
for size in sizes:
    data = os.urandom(size)
    result = "TIMEOUT (3 tries)"
    for attempt in range(3):
        s.sendto(data, (addr, port))
        try:
            while True:
                got, frm = s.recvfrom(65535)
                if got == data:
                    result = f"ok from {frm[0]}:{frm[1]}"
                    break
                if len(got) == size:
                    diff = next(i for i in range(size) if got[i] != data[i])
                    result = f"MISMATCH: {size} bytes came back, first difference at byte {diff}"
                    break
        except socket.timeout:
            continue
        break
    print(f"size {size} {result}", flush=True)
    if not result.startswith("ok"):
        failed += 1
sys.exit(1 if failed else 0)
