#!/usr/bin/python3
"""Captures the `records` field of Produce requests sent by real Kafka clients.

A minimal loopback stand-in for a broker: it answers ApiVersions, Metadata and
Produce just well enough for a client to send one batch, and writes each
partition's records bytes to OUT_DIR/<prefix>-<n>.bin. It is how the client
test vectors next to this file were made; the broker never uses it.

    capture_produce.py OUT_DIR PREFIX   (prints the port, then serves until killed)
"""
import os
import socket
import struct
import sys
import threading

# (api key, min, max): enough for librdkafka to enable MsgVer2, LZ4 and ZSTD.
APIS = [(0, 0, 7), (1, 0, 10), (2, 0, 2), (3, 0, 5), (8, 0, 2), (9, 0, 2), (10, 0, 2),
        (11, 0, 2), (12, 0, 1), (13, 0, 1), (14, 0, 1), (15, 0, 1), (16, 0, 1),
        (17, 0, 1), (18, 0, 3), (19, 0, 2), (22, 0, 1)]


class Reader:
    def __init__(self, data):
        self.d, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)
        self.p += struct.calcsize(fmt)
        return v[0]

    def string(self):
        n = self.take('>h')
        if n < 0:
            return None
        s = self.d[self.p:self.p + n]
        self.p += n
        return s.decode()

    def uvarint(self):
        v, shift = 0, 0
        while True:
            b = self.d[self.p]
            self.p += 1
            v |= (b & 0x7f) << shift
            if b < 0x80:
                return v
            shift += 7

    def bytes_(self):
        n = self.take('>i')
        if n < 0:
            return None
        s = self.d[self.p:self.p + n]
        self.p += n
        return s


def s16(s):
    b = s.encode()
    return struct.pack('>h', len(b)) + b


def api_versions(version):
    if version >= 3:
        body = struct.pack('>hB', 0, len(APIS) + 1)
        for k, lo, hi in APIS:
            body += struct.pack('>hhhB', k, lo, hi, 0)
        return body + struct.pack('>iB', 0, 0)
    body = struct.pack('>hi', 0, len(APIS))
    for k, lo, hi in APIS:
        body += struct.pack('>hhh', k, lo, hi)
    return body + (struct.pack('>i', 0) if version >= 1 else b'')


def metadata(version, r, port):
    n = r.take('>i')
    topics = [r.string() for _ in range(max(n, 0))] or ['vectors']
    out = struct.pack('>i', 0) if version >= 3 else b''
    out += struct.pack('>i', 1) + struct.pack('>i', 1) + s16('127.0.0.1') + struct.pack('>i', port)
    if version >= 1:
        out += struct.pack('>h', -1)  # rack
    if version >= 2:
        out += s16('capture')
    if version >= 1:
        out += struct.pack('>i', 1)  # controller
    out += struct.pack('>i', len(topics))
    for t in topics:
        out += struct.pack('>h', 0) + s16(t) + (b'\x00' if version >= 1 else b'')
        out += struct.pack('>i', 1) + struct.pack('>hii', 0, 0, 1)
        out += struct.pack('>ii', 1, 1) + struct.pack('>ii', 1, 1)
        if version >= 5:
            out += struct.pack('>i', 0)
    return out


def produce(version, r, sink):
    if version >= 3:
        r.string()  # transactional id
    acks = r.take('>h')
    r.take('>i')
    out_topics = []
    for _ in range(r.take('>i')):
        name = r.string()
        parts = []
        for _ in range(r.take('>i')):
            idx = r.take('>i')
            sink(r.bytes_())
            parts.append(idx)
        out_topics.append((name, parts))
    if acks == 0:
        return None
    out = struct.pack('>i', len(out_topics))
    for name, parts in out_topics:
        out += s16(name) + struct.pack('>i', len(parts))
        for idx in parts:
            out += struct.pack('>ihq', idx, 0, 0)
            if version >= 2:
                out += struct.pack('>q', -1)
            if version >= 5:
                out += struct.pack('>q', 0)
    return out + struct.pack('>i', 0)


def serve(conn, port, sink):
    buf = b''
    while True:
        while len(buf) < 4 or len(buf) < 4 + struct.unpack('>i', buf[:4])[0]:
            chunk = conn.recv(65536)
            if not chunk:
                return
            buf += chunk
        size = struct.unpack('>i', buf[:4])[0]
        frame, buf = buf[4:4 + size], buf[4 + size:]
        r = Reader(frame)
        key, version, corr = r.take('>h'), r.take('>h'), r.take('>i')
        r.string()
        if key == 18 and version >= 3:
            r.uvarint()  # header tags
        if key == 18:
            body = api_versions(version)
        elif key == 3:
            body = metadata(version, r, port)
        elif key == 0:
            body = produce(version, r, sink)
        else:
            return
        if body is not None:
            resp = struct.pack('>i', corr) + body
            conn.sendall(struct.pack('>i', len(resp)) + resp)


def main():
    out_dir, prefix = sys.argv[1], sys.argv[2]
    lock, count = threading.Lock(), [0]

    def sink(records):
        with lock:
            path = os.path.join(out_dir, '%s-%d.bin' % (prefix, count[0]))
            count[0] += 1
        with open(path, 'wb') as f:
            f.write(records)

    srv = socket.socket()
    srv.bind(('127.0.0.1', 0))
    srv.listen()
    port = srv.getsockname()[1]
    print(port, flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, port, sink), daemon=True).start()


if __name__ == '__main__':
    main()
