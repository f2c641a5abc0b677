#!/usr/bin/python3
"""TCP peer for the interop tests (standard library only). Modes:
  send HOST PORT N          connect, send N random bytes, shut down writing, read the reply to EOF;
                            prints 'sent N sha256 HEX reply TEXT'
  recv HOST PORT            connect, read to EOF; prints 'received N sha256 HEX'
  serve-recv ADDR PORT      listen ('listening' once ready), accept one, read to EOF; prints 'received N sha256 HEX'
  serve-send ADDR PORT N    listen ('listening' once ready), accept one, send N random bytes, close; prints 'sent N sha256 HEX'
  many HOST PORT COUNT      COUNT short connections to an echo server, each: connect, send, read it back, close;
                            prints 'ok COUNT' or what went wrong (exit 1)
  refused HOST PORT         connect where nobody listens; prints 'refused' on ECONNREFUSED (a RST), else exit 1
"""
import hashlib
import os
import socket
import sys

CHUNK = 1 << 16


def send_all(s, n):
    h = hashlib.sha256()
    left = n
    while left > 0:
        b = os.urandom(min(CHUNK, left))
        s.sendall(b)
        h.update(b)
        left -= len(b)
    return h.hexdigest()


def recv_all(s):
    h = hashlib.sha256()
    n = 0
    while True:
        b = s.recv(CHUNK)
        if not b:
            return n, h.hexdigest()
        h.update(b)
        n += len(b)


def listen(addr, port):
    srv = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(60)
    print("listening", flush=True)
    c, _ = srv.accept()
    c.settimeout(120)
    srv.close()
    return c


def connect(host, port):
    s = socket.create_connection((host, port), timeout=30)
    s.settimeout(120)
    return s


mode = sys.argv[1]
if mode == "send":
    s = connect(sys.argv[2], int(sys.argv[3]))
    n = int(sys.argv[4])
    digest = send_all(s, n)
    s.shutdown(socket.SHUT_WR)
    _, _ = 0, 0
    reply = b""
    while True:
        b = s.recv(4096)
        if not b:
            break
        reply += b
    s.close()
    print(f"sent {n} sha256 {digest} reply {reply.decode('ascii', 'replace').strip()}")
elif mode == "recv":
    s = connect(sys.argv[2], int(sys.argv[3]))
    n, digest = recv_all(s)
    s.close()
    print(f"received {n} sha256 {digest}")
elif mode == "serve-recv":
    c = listen(sys.argv[2], int(sys.argv[3]))
    n, digest = recv_all(c)
    c.close()
    print(f"received {n} sha256 {digest}", flush=True)
elif mode == "serve-send":
    c = listen(sys.argv[2], int(sys.argv[3]))
    n = int(sys.argv[4])
    digest = send_all(c, n)
    c.close()
    print(f"sent {n} sha256 {digest}", flush=True)
elif mode == "many":
    host, port, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    for i in range(count):
        s = socket.create_connection((host, port), timeout=10)
        s.settimeout(10)
        msg = f"connection {i}\n".encode()
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            b = s.recv(4096)
            if not b:
                break
            got += b
        s.close()
        if got != msg:
            print(f"connection {i}: sent {msg!r}, got {got!r}")
            sys.exit(1)
    print(f"ok {count}")
elif mode == "refused":
    try:
        socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=5)
        print("connected: nobody should listen there")
        sys.exit(1)
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout: no RST came back")
        sys.exit(1)
else:
    sys.exit(f"unknown mode {mode}")
