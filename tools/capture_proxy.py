#!/usr/bin/env python3
"""Kafka capture proxy: records the request (and response) frames of real clients.

Listens on 127.0.0.1:LISTEN_PORT and forwards every connection to the broker
at UPSTREAM (host:port). Each request frame (without its 4-byte size prefix) is
written as hex to OUT_DIR/<label>-<api_key>-v<api_version>-<n>.hex, where n
counts frames of that key/version. With --responses, each response frame is
written next to its request as <label>-<api_key>-v<api_version>-<n>.response.hex
(matched by correlation id on the same connection; the frame is saved as the
broker sent it, before the port rewrite below). Responses are passed through,
except that the broker's advertised port is rewritten to the proxy's in every
response, so clients keep talking through the proxy after the bootstrap
Metadata request.

  capture_proxy.py --listen 19092 --upstream 127.0.0.1:39092 --out DIR --label kcat [--responses]

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


def write_hex(path, frame):
    with open(path, "w") as fh:
        hexed = frame.hex()
        for i in range(0, len(hexed), 64):
            fh.write(hexed[i:i + 64] + "\n")


class Capture:
    def __init__(self, out_dir, label, responses):
        self.out_dir = out_dir
        self.label = label
        self.responses = responses
        self.counts = {}
        self.lock = threading.Lock()

    def save(self, frame):
        """Saves a request frame; returns its file stem, or None if not saved."""
        if len(frame) < 4:
            return None
        key, version = struct.unpack(">hh", frame[:4])
        with self.lock:
            n = self.counts.get((key, version), 0)
            self.counts[(key, version)] = n + 1
        stem = f"{self.label}-{key}-v{version}-{n}"
        write_hex(os.path.join(self.out_dir, stem + ".hex"), frame)
        return stem

    def save_response(self, stem, frame):
        if self.responses and stem is not None:
            write_hex(os.path.join(self.out_dir, stem + ".response.hex"), frame)


class Connection:
    """Correlation ids of requests in flight on one client connection -> file stem.

    Written by the request pump, read by the response pump; guarded by `lock`.
    """

    def __init__(self):
        self.pending = {}
        self.lock = threading.Lock()

    def sent(self, frame, stem):
        if len(frame) >= 8:
            (corr,) = struct.unpack(">i", frame[4:8])
            with self.lock:
                self.pending[corr] = stem

    def answered(self, frame):
        if len(frame) < 4:
            return None
        (corr,) = struct.unpack(">i", frame[:4])
        with self.lock:
            return self.pending.pop(corr, None)


def shutdown_all(*socks):
    for s in socks:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def pump_requests(client, upstream, capture, conn):
    try:
        while True:
            size = recv_exact(client, 4)
            if size is None:
                break
            frame = recv_exact(client, struct.unpack(">i", size)[0])
            if frame is None:
                break
            # Registered before forwarding so the response cannot overtake it.
            conn.sent(frame, capture.save(frame))
            upstream.sendall(size + frame)
    except OSError:
        pass
    finally:
        shutdown_all(upstream, client)


def pump_responses(upstream, client, host, up_port, my_port, capture, conn):
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
            capture.save_response(conn.answered(frame), frame)
            client.sendall(size + frame.replace(needle, repl))
    except OSError:
        pass
    finally:
        shutdown_all(client)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--upstream", required=True, help="broker host:port (loopback)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--label", default="client")
    ap.add_argument("--responses", action="store_true",
                    help="also save each response frame as <request stem>.response.hex")
    args = ap.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    os.makedirs(args.out, exist_ok=True)
    capture = Capture(args.out, args.label, args.responses)
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.listen))
    srv.listen(16)
    print(f"LISTEN=127.0.0.1:{args.listen}", flush=True)
    while True:
        client, _ = srv.accept()
        upstream = socket.create_connection((host, int(port)))
        conn = Connection()
        threading.Thread(target=pump_requests, args=(client, upstream, capture, conn),
                         daemon=True).start()
        threading.Thread(target=pump_responses,
                         args=(upstream, client, host, int(port), args.listen, capture, conn),
                         daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
