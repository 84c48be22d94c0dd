#!/usr/bin/env python3
"""clamd_instream.py SOCKET FILE RUNS: raw clamd INSTREAM throughput of FILE, in MiB/s.

The reference of the upload benchmark: the same bytes straight to clamd (zINSTREAM, chunks
each prefixed by a 4-byte big-endian length, then a zero-length chunk), RUNS times one after
the other; prints the median MiB/s.  Exits 1 unless every reply is exactly "stream: OK".
"""
import socket
import statistics
import struct
import sys
import time

CHUNK = 64 * 1024


def scan(path, data):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(120)
    s.connect(path)
    s.sendall(b"zINSTREAM\0")
    view = memoryview(data)
    for off in range(0, len(data), CHUNK):
        part = view[off:off + CHUNK]
        s.sendall(struct.pack(">I", len(part)))
        s.sendall(part)
    s.sendall(struct.pack(">I", 0))
    reply = b""
    while not reply.endswith(b"\0"):
        got = s.recv(256)
        if not got:
            break
        reply += got
    s.close()
    return reply.rstrip(b"\0")


def main():
    sock, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = open(path, "rb").read()
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        reply = scan(sock, data)
        dt = time.perf_counter() - t
        if reply != b"stream: OK":
            print("clamd replied %r" % reply, file=sys.stderr)
            sys.exit(1)
        rates.append(len(data) / dt / 1048576)
    print("%.1f" % statistics.median(rates))


if __name__ == "__main__":
    main()
