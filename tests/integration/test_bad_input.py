"""Malformed input on a raw socket against the live broker.

Each case must close (or answer) only the offending connection: a second connection
opened before the bad input keeps working, and a normal client still works afterwards.
"""

import os
import socket
import struct

import pytest

import kafka_wire
from kafka_wire import Conn, frame, header_v1
from util import unique_topic

CLOSE_TIMEOUT_S = 10.0


def healthy_after(broker, bystander):
    """The bystander connection and a brand-new connection both still get ApiVersions answers."""
    _, body = bystander.request(kafka_wire.API_VERSIONS, 0)
    err, keys = kafka_wire.parse_api_versions_v0(body)
    assert err == 0 and kafka_wire.API_VERSIONS in keys, "bystander connection broken"
    keys = kafka_wire.api_versions(broker.bootstrap)
    assert kafka_wire.API_METADATA in keys


def expect_closed(conn, what):
    assert conn.wait_closed(CLOSE_TIMEOUT_S), f"{what}: broker kept the connection open for {CLOSE_TIMEOUT_S}s"


BAD_STREAMS = {
    # api_key -129 (bytes ff 7f) is never a real API, whatever the random rest says.
    "garbage": struct.pack(">i", 24) + b"\xff\x7f" + os.urandom(22),
    "http_request": b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "negative_size": struct.pack(">i", -5) + b"\x00" * 16,
    "oversized_size": struct.pack(">i", 0x7FFFFFF0) + b"\x00" * 64,
    "zero_size": struct.pack(">i", 0),
    "header_shorter_than_declared": frame(b"\x00\x12\x00"),
    "client_id_longer_than_frame": frame(struct.pack(">hhih", 18, 0, 1, 500) + b"abc"),
    # Metadata v1 whose topics array count needs 4 bytes but only 2 follow.
    "body_shorter_than_schema": frame(header_v1(3, 1, 1, "short-body") + b"\x00\x00"),
    # Metadata v1 claiming 2^31-1 topics with none present: must not allocate for them.
    "huge_array_count": frame(header_v1(3, 1, 1, "huge-array") + struct.pack(">i", 0x7FFFFFFF)),
}


@pytest.mark.parametrize("case", sorted(BAD_STREAMS))
def test_bad_stream_closes_only_that_connection(broker, case):
    data = BAD_STREAMS[case]
    with Conn(broker.bootstrap) as bystander, Conn(broker.bootstrap) as bad:
        bad.send_raw(data)
        expect_closed(bad, case)
        healthy_after(broker, bystander)


def test_truncated_frame_then_eof(broker):
    with Conn(broker.bootstrap) as bystander, Conn(broker.bootstrap) as bad:
        full = frame(header_v1(kafka_wire.API_VERSIONS, 0, 7, "truncated"))
        bad.send_raw(full[: len(full) - 5])
        bad.sock.shutdown(socket.SHUT_WR)
        expect_closed(bad, "truncated frame + EOF")
        healthy_after(broker, bystander)


def test_truncated_frame_does_not_block_others(broker):
    """A half-sent request parks only its own connection."""
    with Conn(broker.bootstrap) as bystander, Conn(broker.bootstrap) as bad:
        bad.send_raw(struct.pack(">i", 100) + b"\x00\x12\x00\x00")
        healthy_after(broker, bystander)


def test_unknown_api_key(broker):
    with Conn(broker.bootstrap) as bystander, Conn(broker.bootstrap) as bad:
        bad.send_raw(frame(header_v1(9999, 0, 42, "unknown-api")))
        # Java closes the connection; an error answer carrying our correlation id is also fine.
        resp = None
        try:
            resp = bad.read_frame()
        except OSError:
            pass
        if resp is not None:
            (corr,) = struct.unpack_from(">i", resp, 0)
            assert corr == 42, f"answer to an unknown api key carries correlation id {corr}"
        healthy_after(broker, bystander)


def test_api_versions_above_max_gets_v0_unsupported_version(broker):
    keys = kafka_wire.api_versions(broker.bootstrap)
    lo, hi = keys[kafka_wire.API_VERSIONS]
    too_high = hi + 1
    with Conn(broker.bootstrap) as c:
        # Header v2 (flexible) for the unknown version: v1 fields + an empty tag section,
        # then a body the broker must not parse.
        hdr = header_v1(kafka_wire.API_VERSIONS, too_high, 77, "future-client") + b"\x00"
        c.send_raw(frame(hdr + b"\x05junk\x00\x00\xff"))
        resp = c.read_frame()
        assert resp is not None, "broker closed the connection instead of answering UNSUPPORTED_VERSION"
        shown = f"response bytes {resp.hex()}"
        assert len(resp) >= 10, f"answer too short for a v0 ApiVersions response: {shown}"
        r = kafka_wire.Reader(resp)
        assert r.take(">i") == 77, f"correlation id: {shown}"
        # v0 body, response header v0: error_code int16, then int32 array count.
        err = r.take(">h")
        assert err == 35, f"error_code {err}, expected 35 UNSUPPORTED_VERSION"
        n = r.take(">i")
        assert 0 <= n and r.remaining() == 6 * n, f"not the v0 shape (int32 count {n}, 6 bytes each, no throttle): {shown}"
        entries = [r.take(">hhh") for _ in range(n)]
        assert (kafka_wire.API_VERSIONS, lo, hi) in entries, f"api_keys {entries} lacks ApiVersions {lo}..{hi}"
        # The connection stays open and usable.
        _, body = c.request(kafka_wire.API_VERSIONS, 0)
        assert kafka_wire.parse_api_versions_v0(body)[0] == 0


def test_api_versions_v3_with_invalid_software_name(broker):
    """v3+ client software name/version must match Kafka's pattern, else INVALID_REQUEST (42)."""
    with Conn(broker.bootstrap) as c:
        hdr = header_v1(kafka_wire.API_VERSIONS, 3, 5, "bad-name-client") + b"\x00"  # header v2: empty tags
        body = b"\x06bad!!" + b"\x041.0" + b"\x00"  # compact strings "bad!!", "1.0"; no tags
        c.send_raw(frame(hdr + body))
        resp = c.read_frame()
        assert resp is not None, "broker closed the connection instead of answering INVALID_REQUEST"
        (corr, err) = struct.unpack_from(">ih", resp, 0)
        assert (corr, err) == (5, 42), f"correlation id {corr}, error {err}; expected 5, 42 INVALID_REQUEST"


def test_normal_client_after_all_bad_input(broker):
    """After every kind of bad input, a real client still produces and reads metadata."""
    from confluent_kafka import Producer

    for data in BAD_STREAMS.values():
        with Conn(broker.bootstrap) as bad:
            bad.send_raw(data)
            bad.wait_closed(CLOSE_TIMEOUT_S)
    p = Producer({"bootstrap.servers": broker.bootstrap, "acks": "all", "message.timeout.ms": 15000})
    results = []
    p.produce(unique_topic("after-bad-input"), b"still-alive", on_delivery=lambda e, m: results.append(e))
    assert p.flush(20) == 0
    assert len(results) == 1 and results[0] is None, f"delivery failed: {[str(e) for e in results]}"
