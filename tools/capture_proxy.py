#!/usr/bin/env python3
"""Kafka capture proxy: records the request frames real clients send.

Listens on 127.0.0.1:LISTEN_PORT and forwards every connection to the broker
at UPSTREAM (host:port). Each request frame (without its 4-byte size prefix) is
written as hex to OUT_DIR/<label>-<api_key>-v<api_version>-<n>.hex, where n
counts frames of that key/version. Responses are passed through, except that
the broker's advertised port is rewritten to the proxy's in every response, so
clients keep talking through the proxy after the bootstrap Metadata request.

  capture_proxy.py --listen 19092 --upstream 127.0.0.1:39092 --out DIR --label kcat

Loopback only; runs until interrupted. Standard library only.
"""

import argparse
import os
import socket
import struct
import threading


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


class Capture:
    def __init__(self, out_dir, label):
        self.out_dir = out_dir
        self.label = label
        self.counts = {}
        self.lock = threading.Lock()

    def save(self, frame):
        if len(frame) < 4:
            return
        key, version = struct.unpack(">hh", frame[:4])
        with self.lock:
            n = self.counts.get((key, version), 0)
            self.counts[(key, version)] = n + 1
        name = f"{self.label}-{key}-v{version}-{n}.hex"
        with open(os.path.join(self.out_dir, name), "w") as fh:
            hexed = frame.hex()
            for i in range(0, len(hexed), 64):
                fh.write(hexed[i:i + 64] + "\n")


def pump_requests(client, upstream, capture):
    try:
        while True:
            size = recv_exact(client, 4)
            if size is None:
                break
            frame = recv_exact(client, struct.unpack(">i", size)[0])
            if frame is None:
                break
            capture.save(frame)
            upstream.sendall(size + frame)
    except OSError:
        pass
    finally:
        for s in (upstream, client):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def pump_responses(upstream, client, host, up_port, my_port):
    # Same-length rewrite of "<host><int32 port>" keeps every length prefix valid.
    needle = host.encode() + struct.pack(">i", up_port)
    repl = host.encode() + struct.pack(">i", my_port)
    try:
        while True:
            size = recv_exact(upstream, 4)
            if size is None:
                break
            frame = recv_exact(upstream, struct.unpack(">i", size)[0])
            if frame is None:
                break
            client.sendall(size + frame.replace(needle, repl))
    except OSError:
        pass
    finally:
        try:
            client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="broker host:port (loopback)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="client")
    args = ap.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    os.makedirs(args.out, exist_ok=True)
    capture = Capture(args.out, args.label)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.listen))
    srv.listen(16)
    print(f"LISTEN=127.0.0.1:{args.listen}", flush=True)
    while True:
        client, _ = srv.accept()
        upstream = socket.create_connection((host, int(port)))
        threading.Thread(target=pump_requests, args=(client, upstream, capture),
                         daemon=True).start()
        threading.Thread(target=pump_responses,
                         args=(upstream, client, host, int(port), args.listen),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
