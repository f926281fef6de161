"""Minimal Kafka wire-protocol codec for tests that must see the bytes.

Real clients are the judge of compatibility; this module exists only for what no
client exposes: sending malformed frames, reading the compression codec and
timestamp type a stored batch really carries, timing one Fetch request, producing
batches with chosen producer ids, epochs and sequences, and the transaction admin
APIs the installed clients lack. Requests use header v1, except the few flexible
ones (request_flexible, header v2).
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
    'log_append'), count, max_timestamp, magic, producer_id, producer_epoch, base_sequence,
    transactional, control.
    """
    out = []
    pos = 0
    while pos + 61 <= len(records):
        base, length = struct.unpack_from(">qi", records, pos)
        if pos + 12 + length > len(records):
            break  # a partial batch at the end of a fetch is allowed
        magic = records[pos + 16]
        attrs, last_delta, _base_ts, max_ts = struct.unpack_from(">hiqq", records, pos + 21)
        producer_id, producer_epoch, base_sequence, count = struct.unpack_from(">qhii", records, pos + 43)
        out.append(
            {
                "producer_id": producer_id,
                "producer_epoch": producer_epoch,
                "base_sequence": base_sequence,
                "transactional": bool(attrs & 0x10),
                "control": bool(attrs & 0x20),
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


# --- idempotent / transactional produce, isolation levels, transaction admin APIs -------------

API_PRODUCE = 0
API_INIT_PRODUCER_ID = 22
API_DESCRIBE_PRODUCERS = 61
API_DESCRIBE_TRANSACTIONS = 65
API_LIST_TRANSACTIONS = 66

READ_UNCOMMITTED = 0
READ_COMMITTED = 1


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _CRC32C[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def varint(n):
    """A zigzag-encoded signed varint (record fields)."""
    return uvarint((n << 1) ^ (n >> 63))


def build_batch(values, producer_id=-1, producer_epoch=-1, base_sequence=-1, transactional=False,
                timestamp_ms=None):
    """An uncompressed v2 record batch of keyless records with the given producer fields."""
    ts = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    records = b""
    for i, v in enumerate(values):
        body = b"\x00" + varint(0) + varint(i) + varint(-1) + varint(len(v)) + v + varint(0)
        records += varint(len(body)) + body
    attrs = 0x10 if transactional else 0
    after_crc = struct.pack(">hiqqqhii", attrs, len(values) - 1, ts, ts, producer_id, producer_epoch,
                            base_sequence, len(values)) + records
    before_crc = struct.pack(">ib", 0, 2)  # partition leader epoch, magic
    batch_len = len(before_crc) + 4 + len(after_crc)
    return struct.pack(">qi", 0, batch_len) + before_crc + struct.pack(">I", crc32c(after_crc)) + after_crc


def produce_v3(conn, topic, partition, batch, acks=-1, transactional_id=None, timeout_ms=10000):
    """Produce v3 of one batch -> (error_code, base_offset, log_append_time)."""
    txn = struct.pack(">h", -1) if transactional_id is None else enc_string(transactional_id)
    body = txn + struct.pack(">hi", acks, timeout_ms) + struct.pack(">i", 1) + enc_string(topic)
    body += struct.pack(">ii", 1, partition) + struct.pack(">i", len(batch)) + batch
    _, resp = conn.request(API_PRODUCE, 3, body)
    r = Reader(resp)
    assert r.take(">i") == 1 and r.string() == topic
    assert r.take(">i") == 1
    part, err, base, lat = r.take(">ihqq")
    assert part == partition
    return err, base, lat


def init_producer_id_v1(conn, transactional_id=None, timeout_ms=60000):
    """InitProducerId v1 -> (error_code, producer_id, producer_epoch)."""
    txn = struct.pack(">h", -1) if transactional_id is None else enc_string(transactional_id)
    _, resp = conn.request(API_INIT_PRODUCER_ID, 1, txn + struct.pack(">i", timeout_ms))
    r = Reader(resp)
    r.take(">i")  # throttle
    return r.take(">hqh")


def fetch_v4_full(conn, topic, partition, offset, isolation_level=READ_UNCOMMITTED, max_wait_ms=0,
                  max_bytes=1 << 20):
    """Fetch v4 for one partition -> dict(error, high_watermark, last_stable_offset,
    aborted=[(producer_id, first_offset)], records=bytes)."""
    body = struct.pack(">iiiib", -1, max_wait_ms, 1, max_bytes, isolation_level)
    body += struct.pack(">i", 1) + enc_string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iqi", partition, offset, max_bytes)
    _, resp = conn.request(API_FETCH, 4, body)
    r = Reader(resp)
    r.take(">i")
    assert r.take(">i") == 1 and r.string() == topic
    assert r.take(">i") == 1
    part, err, hw, lso = r.take(">ihqq")
    assert part == partition
    n = r.take(">i")
    aborted = [r.take(">qq") for _ in range(max(n, 0))]
    return {"error": err, "high_watermark": hw, "last_stable_offset": lso, "aborted": aborted,
            "records": r.bytes_() or b""}


def list_offsets_v2(bootstrap, topic, partition, timestamp, isolation_level=READ_UNCOMMITTED):
    """ListOffsets v2 (with isolation level) for one partition -> (error_code, timestamp, offset)."""
    body = struct.pack(">ib", -1, isolation_level) + struct.pack(">i", 1) + enc_string(topic)
    body += struct.pack(">i", 1) + struct.pack(">iq", partition, timestamp)
    with Conn(bootstrap) as c:
        _, resp = c.request(API_LIST_OFFSETS, 2, body)
    r = Reader(resp)
    r.take(">i")  # throttle
    assert r.take(">i") == 1 and r.string() == topic
    assert r.take(">i") == 1
    _part, err, ts, off = r.take(">ihqq")
    return err, ts, off


def request_flexible(conn, api_key, api_version, body, client_id="gregor-it"):
    """Sends a flexible-version request (header v2) and returns the body after the response
    header v1 (correlation id, tagged fields)."""
    corr = conn._next_corr
    conn._next_corr += 1
    cid = client_id.encode()
    header = struct.pack(">hhih", api_key, api_version, corr, len(cid)) + cid + uvarint(0)
    conn.send_raw(frame(header + body))
    resp = conn.read_frame()
    if resp is None:
        raise ConnectionError(f"broker closed the connection after api {api_key} v{api_version}")
    r = Reader(resp)
    got = r.take(">i")
    if got != corr:
        raise AssertionError(f"correlation id {got}, expected {corr}")
    skip_tags(r)
    return r


def _compact_array(items, enc):
    return uvarint(len(items) + 1) + b"".join(enc(x) for x in items)


def _read_compact_array(r, read_one):
    n = read_uvarint(r) - 1
    return [read_one(r) for _ in range(max(n, 0))]


def list_transactions(bootstrap, states=(), producer_ids=(), duration_ms=None):
    """ListTransactions (v1 with a duration filter, else v0) ->
    (error_code, unknown_state_filters, [(transactional_id, producer_id, state)])."""
    body = _compact_array(list(states), enc_compact_string)
    body += _compact_array(list(producer_ids), lambda p: struct.pack(">q", p))
    version = 0
    if duration_ms is not None:
        body += struct.pack(">q", duration_ms)
        version = 1
    body += uvarint(0)
    with Conn(bootstrap) as c:
        r = request_flexible(c, API_LIST_TRANSACTIONS, version, body)
    r.take(">i")
    err = r.take(">h")
    unknown = _read_compact_array(r, read_compact_string)

    def one(r):
        tid = read_compact_string(r)
        pid = r.take(">q")
        state = read_compact_string(r)
        skip_tags(r)
        return tid, pid, state

    return err, unknown, _read_compact_array(r, one)


def describe_transactions(bootstrap, transactional_ids):
    """DescribeTransactions v0 -> [dict(error, transactional_id, state, timeout_ms, start_time_ms,
    producer_id, producer_epoch, topics={topic: sorted partitions})]."""
    body = _compact_array(list(transactional_ids), enc_compact_string) + uvarint(0)
    with Conn(bootstrap) as c:
        r = request_flexible(c, API_DESCRIBE_TRANSACTIONS, 0, body)
    r.take(">i")

    def topic(r):
        name = read_compact_string(r)
        parts = _read_compact_array(r, lambda r: r.take(">i"))
        skip_tags(r)
        return name, sorted(parts)

    def one(r):
        d = {"error": r.take(">h"), "transactional_id": read_compact_string(r),
             "state": read_compact_string(r), "timeout_ms": r.take(">i"), "start_time_ms": r.take(">q"),
             "producer_id": r.take(">q"), "producer_epoch": r.take(">h")}
        d["topics"] = dict(_read_compact_array(r, topic))
        skip_tags(r)
        return d

    return _read_compact_array(r, one)


def describe_producers(bootstrap, topic, partitions):
    """DescribeProducers v0 for one topic -> {partition: (error_code, [dict(producer_id,
    producer_epoch, last_sequence, last_timestamp, coordinator_epoch, current_txn_start_offset)])}."""
    body = _compact_array([topic], lambda t: enc_compact_string(t) + _compact_array(
        list(partitions), lambda p: struct.pack(">i", p)) + uvarint(0)) + uvarint(0)
    with Conn(bootstrap) as c:
        r = request_flexible(c, API_DESCRIBE_PRODUCERS, 0, body)
    r.take(">i")
    keys = ("producer_id", "producer_epoch", "last_sequence", "last_timestamp", "coordinator_epoch",
            "current_txn_start_offset")

    def producer(r):
        d = dict(zip(keys, r.take(">qiiqiq")))
        skip_tags(r)
        return d

    def partition(r):
        idx, err = r.take(">ih")
        read_compact_string(r)  # error message
        active = _read_compact_array(r, producer)
        skip_tags(r)
        return idx, (err, active)

    def one_topic(r):
        name = read_compact_string(r)
        parts = dict(_read_compact_array(r, partition))
        skip_tags(r)
        return name, parts

    topics = dict(_read_compact_array(r, one_topic))
    return topics.get(topic, {})
