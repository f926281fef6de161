"""Minimal Kafka wire-protocol codec for tests that must see the bytes.

Real clients are the judge of compatibility; this module exists only for what no
client exposes: sending malformed frames, reading the compression codec and
timestamp type a stored batch really carries, and timing one Fetch request.
Only non-flexible request versions are encoded (header v1), which keeps it small.
"""

import socket
import struct
import time

API_FETCH = 1
API_LIST_OFFSETS = 2
API_METADATA = 3
API_VERSIONS = 18

CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}


class Conn:
    """One blocking TCP connection to a broker; not thread-safe."""

    def __init__(self, bootstrap, timeout_s=10.0):
        host, port = bootstrap.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout_s)
        self.sock.settimeout(timeout_s)
        self._next_corr = 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def request(self, api_key, api_version, body=b"", client_id="gregor-it"):
        """Sends one request (header v1) and returns (correlation_id, response body)."""
        corr = self._next_corr
        self._next_corr += 1
        self.send_raw(frame(header_v1(api_key, api_version, corr, client_id) + body))
        resp = self.read_frame()
        if resp is None:
            raise ConnectionError(f"broker closed the connection after api {api_key} v{api_version}")
        (got_corr,) = struct.unpack_from(">i", resp, 0)
        if got_corr != corr:
            raise AssertionError(f"correlation id {got_corr}, expected {corr}")
        return corr, resp[4:]

    def read_exact(self, n):
        """Returns n bytes, or None if the peer closed (or reset) the connection first."""
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except (ConnectionResetError, BrokenPipeError):
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def read_frame(self):
        size = self.read_exact(4)
        if size is None:
            return None
        (n,) = struct.unpack(">i", size)
        if n < 0 or n > 256 * 1024 * 1024:
            raise AssertionError(f"broker sent an impossible frame size {n}")
        return self.read_exact(n)

    def wait_closed(self, timeout_s):
        """True if the broker closes this connection within timeout_s (any data is drained)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except (ConnectionResetError, BrokenPipeError):
                return True
            if not chunk:
                return True
        return False


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def header_v1(api_key, api_version, corr, client_id):
    cid = client_id.encode()
    return struct.pack(">hhih", api_key, api_version, corr, len(cid)) + cid


def enc_string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


class Reader:
    """Big-endian cursor over a response body."""

    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos

    def take(self, fmt):
        vals = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals[0] if len(vals) == 1 else vals

    def string(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.data[self.pos : self.pos + n].decode()
        self.pos += n
        return s

    def bytes_(self):
        n = self.take(">i")
        if n < 0:
            return None
        b = self.data[self.pos : self.pos + n]
        self.pos += n
        return b

    def remaining(self):
        return len(self.data) - self.pos



# --- flexible versions (KIP-482): unsigned varints, compact strings, tagged fields ----------


def uvarint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def read_uvarint(r):
    shift = value = 0
    while True:
        b = r.take(">B")
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value
        shift += 7


def enc_compact_string(s):
    b = s.encode()
    return uvarint(len(b) + 1) + b


def read_compact_string(r):
    """A compact nullable string (None for null)."""
    n = read_uvarint(r) - 1
    if n < 0:
        return None
    s = r.data[r.pos : r.pos + n].decode()
    r.pos += n
    return s


def skip_tags(r):
    for _ in range(read_uvarint(r)):
        read_uvarint(r)
        r.take(f">{read_uvarint(r)}s")

def parse_api_versions_v0(body):
    """ApiVersions v0 body -> (error_code, {api_key: (min, max)})."""
    r = Reader(body)
    err = r.take(">h")
    n = r.take(">i")
    keys = {}
    for _ in range(max(n, 0)):
        k, lo, hi = r.take(">hhh")
        keys[k] = (lo, hi)
    return err, keys


def api_versions(bootstrap, timeout_s=5.0):
    """Asks ApiVersions v0; returns {api_key: (min, max)} or raises on error."""
    with Conn(bootstrap, timeout_s) as c:
        _, body = c.request(API_VERSIONS, 0)
    err, keys = parse_api_versions_v0(body)
    if err != 0:
        raise AssertionError(f"ApiVersions v0 error {err}")
    return keys


def fetch_v4(conn, topic, partition, offset, max_wait_ms=0, min_bytes=1, max_bytes=1 << 20):
    """Fetch v4 for one partition -> (error_code, high_watermark, log_start_or_None, records bytes)."""
    body = struct.pack(">iiiib", -1, max_wait_ms, min_bytes, max_bytes, 0)
    body += struct.pack(">i", 1) + enc_string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, max_bytes)
    _, resp = conn.request(API_FETCH, 4, body)
    r = Reader(resp)
    r.take(">i")  # throttle_time_ms
    assert r.take(">i") == 1, "expected one topic in the Fetch response"
    assert r.string() == topic
    assert r.take(">i") == 1, "expected one partition in the Fetch response"
    part, err, hw, _lso = r.take(">ihqq")
    assert part == partition
    n_aborted = r.take(">i")
    for _ in range(max(n_aborted, 0)):
        r.take(">qq")
    return err, hw, r.bytes_() or b""


def parse_batches(records):
    """Splits a records blob into v2 batch headers (complete batches only).

    Returns dicts with base_offset, last_offset, codec, timestamp_type ('create' or
    'log_append'), count, max_timestamp, magic.
    """
    out = []
    pos = 0
    while pos + 61 <= len(records):
        base, length = struct.unpack_from(">qi", records, pos)
        if pos + 12 + length > len(records):
            break  # a partial batch at the end of a fetch is allowed
        magic = records[pos + 16]
        attrs, last_delta, _base_ts, max_ts = struct.unpack_from(">hiqq", records, pos + 21)
        (count,) = struct.unpack_from(">i", records, pos + 57)
        out.append(
            {
                "base_offset": base,
                "last_offset": base + last_delta,
                "magic": magic,
                "codec": CODEC_NAMES.get(attrs & 7, f"unknown({attrs & 7})"),
                "timestamp_type": "log_append" if attrs & 8 else "create",
                "count": count,
                "max_timestamp": max_ts,
            }
        )
        pos += 12 + length
    return out


def stored_batches(bootstrap, topic, partition=0, offset=0, until=None):
    """Reads batch headers from offset up to `until` (default: the high watermark)."""
    batches = []
    with Conn(bootstrap) as c:
        while True:
            err, hw, recs = fetch_v4(c, topic, partition, offset)
            if err != 0:
                raise AssertionError(f"Fetch v4 {topic}/{partition}@{offset}: error {err}")
            got = parse_batches(recs)
            end = hw if until is None else min(until, hw)
            if not got:
                if offset < end:
                    raise AssertionError(f"Fetch v4 at {offset} returned no complete batch (hw {hw})")
                return batches
            batches.extend(got)
            offset = got[-1]["last_offset"] + 1
            if offset >= end:
                return batches


def list_offsets_v1(bootstrap, topic, partition, timestamp):
    """ListOffsets v1 for one partition -> (error_code, timestamp, offset)."""
    body = struct.pack(">i", -1) + struct.pack(">i", 1) + enc_string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iq", partition, timestamp)
    with Conn(bootstrap) as c:
        _, resp = c.request(API_LIST_OFFSETS, 1, body)
    r = Reader(resp)
    assert r.take(">i") == 1
    assert r.string() == topic
    assert r.take(">i") == 1
    _part, err, ts, off = r.take(">ihqq")
    return err, ts, off
