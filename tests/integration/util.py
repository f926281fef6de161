"""Helpers shared by the Python integration tests: names, deadlines, record sets."""

import itertools
import os
import time

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]
ACKS = ["0", "1", "all"]

_counter = itertools.count()


def unique_topic(prefix):
    """A topic name no other test (or earlier run against the same broker) uses."""
    return f"it-{prefix}-{os.getpid()}-{int(time.time() * 1000) % 10**8}-{next(_counter)}"


def now_ms():
    return int(time.time() * 1000)


def wait_until(pred, timeout_s, interval_s=0.1, what="condition"):
    """Polls pred() until it returns a truthy value; raises AssertionError at the deadline."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(interval_s)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what} (last: {last!r})")


class Rec:
    """One record as produced, compared field by field with what a consumer returns."""

    def __init__(self, key, value, headers, timestamp_ms):
        self.key = key
        self.value = value
        self.headers = headers  # list of (str, bytes) in order, duplicates allowed
        self.timestamp_ms = timestamp_ms

    def __repr__(self):
        return f"Rec(key={self.key!r}, value={self.value!r}, headers={self.headers!r}, ts={self.timestamp_ms})"


def make_records(n, tag, base_ts_ms=None, value_size=64):
    """n keyed records with two headers each (one repeated name) and increasing CreateTime.

    Values are compressible but distinct, so every codec has work to do.
    """
    base = base_ts_ms if base_ts_ms is not None else now_ms() - 60_000
    out = []
    for i in range(n):
        value = (f"{tag}-value-{i:05d}-" + "abcdefgh" * (value_size // 8)).encode()[:value_size]
        headers = [("h-index", str(i).encode()), ("h-tag", tag.encode()), ("h-index", b"dup")]
        if i % 7 == 3:
            headers.append(("h-empty", b""))
        out.append(Rec(f"{tag}-key-{i % 5}".encode(), value, headers, base + i * 10))
    return out


def assert_same_records(expected, got, first_offset=0, check_ts=True):
    """got: list of (offset, key, value, headers, (ts_type, ts)) in consumption order.

    ts_type is 'create' or 'log_append'; headers a list of (str, bytes).
    """
    assert len(got) == len(expected), f"consumed {len(got)} records, produced {len(expected)}"
    for i, (exp, g) in enumerate(zip(expected, got)):
        offset, key, value, headers, (ts_type, ts) = g
        where = f"record #{i} (offset {offset})"
        assert offset == first_offset + i, f"{where}: offset {offset}, expected {first_offset + i}"
        assert key == exp.key, f"{where}: key {key!r}, expected {exp.key!r}"
        assert value == exp.value, f"{where}: value {value!r}, expected {exp.value!r}"
        assert headers == exp.headers, f"{where}: headers {headers!r}, expected {exp.headers!r}"
        if check_ts:
            assert ts_type == "create", f"{where}: timestamp type {ts_type}, expected create"
            assert ts == exp.timestamp_ms, f"{where}: timestamp {ts}, expected {exp.timestamp_ms}"


class Stopwatch:
    def __init__(self):
        self.t0 = time.monotonic()

    def elapsed(self):
        return time.monotonic() - self.t0
