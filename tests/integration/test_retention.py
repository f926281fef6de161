"""Retention (retention.ms, retention.bytes, changed at run time), DeleteRecords, flush.ms
and the periodic checkpoint files, against a broker whose maintenance runs every few
hundred milliseconds. Clients: confluent-kafka-python 1.7 (produce, consume, ListOffsets
through get_watermark_offsets, alter_configs) and raw DeleteRecords requests (v0-v2)."""

import struct
import time
from pathlib import Path

import pytest
from confluent_kafka import OFFSET_BEGINNING, TopicPartition
from confluent_kafka.admin import ConfigResource

import ck
from conftest import _fresh
from kafka_wire import (Conn, Reader, enc_compact_string, enc_string, fetch_v4, list_offsets_v1,
                        read_compact_string, read_uvarint, uvarint)
from util import make_records, now_ms, unique_topic, wait_until

OVERRIDES = {
    "log.retention.check.interval.ms": "200",
    "log.flush.offset.checkpoint.interval.ms": "300",
    "log.flush.start.offset.checkpoint.interval.ms": "300",
    "log.segment.delete.delay.ms": "300",
}

EARLIEST, LATEST = -2, -1
OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC, POLICY_VIOLATION = 1, 3, 17, 44
API_DELETE_RECORDS, API_FIND_COORDINATOR = 21, 10
HOUR_MS = 3600 * 1000


@pytest.fixture
def rbroker(request, _tmp_root):
    yield from _fresh(request, _tmp_root, OVERRIDES)


@pytest.fixture
def slow_checkpoint_broker(request, _tmp_root):
    """Periodic checkpoints at Kafka's 60 s: only DeleteRecords itself writes one in a test."""
    overrides = {"log.retention.check.interval.ms": "200"}
    yield from _fresh(request, _tmp_root, overrides)


def earliest(bootstrap, topic, partition=0):
    err, _ts, off = list_offsets_v1(bootstrap, topic, partition, EARLIEST)
    assert err == 0, f"ListOffsets earliest error {err}"
    return off


def latest(bootstrap, topic, partition=0):
    err, _ts, off = list_offsets_v1(bootstrap, topic, partition, LATEST)
    assert err == 0, f"ListOffsets latest error {err}"
    return off


def create(bootstrap, topic, **config):
    conf = {"segment.bytes": "2048"}
    conf.update({k.replace("_", "."): str(v) for k, v in config.items()})
    assert ck.create_topic(bootstrap, topic, config=conf) is None
    return conf


def produce(bootstrap, topic, n, tag, base_ts_ms, value_size=200):
    recs = make_records(n, tag, base_ts_ms=base_ts_ms, value_size=value_size)
    reports = ck.produce(bootstrap, topic, recs, linger_ms=0, batch_num_messages=1)
    assert all(r[0] is None for r in reports), reports[:3]
    return [r[1] for r in reports]


def partition_size(bootstrap, topic, partition=0):
    """The partition's size in bytes from DescribeLogDirs v1."""
    body = struct.pack(">i", 1) + enc_string(topic) + struct.pack(">ii", 1, partition)
    with Conn(bootstrap) as c:
        _, resp = c.request(35, 1, body)
    r = Reader(resp)
    r.take(">i")  # throttle_time_ms
    sizes = []
    for _ in range(r.take(">i")):
        assert r.take(">h") == 0
        r.string()  # log dir
        for _ in range(r.take(">i")):
            r.string()
            for _ in range(r.take(">i")):
                _p, size, _lag, _future = r.take(">iqq?")
                sizes.append(size)
    assert len(sizes) == 1, sizes
    return sizes[0]


def segment_files(broker, topic, partition=0):
    d = Path(broker.data_dir) / f"{topic}-{partition}"
    return sorted(p.name for p in d.iterdir())


def checkpoint(broker, name):
    """{(topic, partition): offset} of a checkpoint file in the log dir."""
    path = Path(broker.data_dir) / name
    if not path.exists():
        return {}  # not written yet
    lines = path.read_text().splitlines()
    assert lines[0] == "0" and int(lines[1]) == len(lines) - 2, lines[:3]
    out = {}
    for line in lines[2:]:
        t, p, off = line.split(" ")
        out[(t, int(p))] = int(off)
    return out


# --- DeleteRecords on the wire -----------------------------------------------------------








def delete_records(bootstrap, topic_offsets, version=1, timeout_ms=5000):
    """topic_offsets: {topic: [(partition, offset)]} -> {(topic, partition): (low_watermark, error)}."""
    flexible = version >= 2
    if flexible:
        body = uvarint(len(topic_offsets) + 1)
        for topic, parts in topic_offsets.items():
            body += enc_compact_string(topic) + uvarint(len(parts) + 1)
            for p, off in parts:
                body += struct.pack(">iq", p, off) + b"\x00"
            body += b"\x00"
        body += struct.pack(">i", timeout_ms) + b"\x00"
    else:
        body = struct.pack(">i", len(topic_offsets))
        for topic, parts in topic_offsets.items():
            body += enc_string(topic) + struct.pack(">i", len(parts))
            for p, off in parts:
                body += struct.pack(">iq", p, off)
        body += struct.pack(">i", timeout_ms)
    with Conn(bootstrap) as c:
        if flexible:
            cid = b"gregor-it"
            header = struct.pack(">hhih", API_DELETE_RECORDS, version, 7, len(cid)) + cid + b"\x00"
            c.send_raw(struct.pack(">i", len(header + body)) + header + body)
            resp = c.read_frame()
            assert resp is not None, "broker closed the connection"
            r = Reader(resp)
            assert r.take(">i") == 7
            assert read_uvarint(r) == 0  # response header tagged fields
        else:
            _, resp = c.request(API_DELETE_RECORDS, version, body)
            r = Reader(resp)
    r.take(">i")  # throttle_time_ms
    out = {}
    n_topics = read_uvarint(r) - 1 if flexible else r.take(">i")
    for _ in range(n_topics):
        if flexible:
            name = read_compact_string(r)
            n_parts = read_uvarint(r) - 1
        else:
            name = r.string()
            n_parts = r.take(">i")
        for _ in range(n_parts):
            p, low, err = r.take(">iqh")
            if flexible:
                assert read_uvarint(r) == 0
            out[(name, p)] = (low, err)
        if flexible:
            assert read_uvarint(r) == 0
    return out


def find_coordinator(bootstrap, group):
    with Conn(bootstrap) as c:
        _, resp = c.request(API_FIND_COORDINATOR, 0, enc_string(group))
    return Reader(resp).take(">h")


# --- tests --------------------------------------------------------------------------------


def test_time_retention_drops_old_segments_and_consumers_reset(rbroker):
    b = rbroker.bootstrap
    topic = unique_topic("ret-ms")
    create(b, topic, retention_ms=HOUR_MS)
    old = produce(b, topic, 30, "old", now_ms() - 3 * HOUR_MS)
    new = produce(b, topic, 30, "new", now_ms())
    first_new = new[0]
    assert old[0] == 0 and first_new == 30
    # The old records go, segment by segment; the new ones stay.
    start = wait_until(lambda: earliest(b, topic) > 0 and earliest(b, topic), 15, what="log start to move")
    wait_until(lambda: earliest(b, topic) >= 25, 15, what="all old whole segments to go")
    start = earliest(b, topic)
    assert 0 < start <= first_new, start
    assert latest(b, topic) == 60
    # Reading below the start is out of range; a consumer from the beginning starts there.
    with Conn(b) as c:
        err, _hw, _recs = fetch_v4(c, topic, 0, 0)
    assert err == OFFSET_OUT_OF_RANGE
    got = ck.consume(b, topic, 60 - start, offset=OFFSET_BEGINNING)
    assert [m[0] for m in got] == list(range(start, 60))
    # A consumer positioned below the start resets per auto.offset.reset.
    got = ck.consume(b, topic, 60 - start, offset=0, c=ck.consumer(b, auto_offset_reset="earliest"))
    assert got[0][0] == start
    c = ck.consumer(b, auto_offset_reset="latest")
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        assert c.poll(2.0) is None  # reset to the end: nothing old is delivered
        produce(b, topic, 1, "late", now_ms())
        m = wait_until(lambda: c.poll(0.2), 15, what="the record produced after the reset")
        assert m.error() is None and m.offset() == 60, (m.error(), m.offset())
    finally:
        c.close()
    # The deleted segments' files are unlinked after file.delete.delay.ms.
    wait_until(lambda: not any(".deleted" in f for f in segment_files(rbroker, topic)), 15,
               what="*.deleted files to be unlinked")


def test_size_retention_keeps_at_least_retention_bytes(rbroker):
    b = rbroker.bootstrap
    topic = unique_topic("ret-bytes")
    create(b, topic, retention_bytes=8192)
    produce(b, topic, 100, "sz", now_ms())  # ~30 KB in 2 KB segments
    wait_until(lambda: earliest(b, topic) > 0, 15, what="log start to move")
    time.sleep(1)  # a few more checks: nothing more may go
    start = earliest(b, topic)
    assert latest(b, topic) == 100
    # Whole segments only: what remains is >= retention.bytes, and less than
    # retention.bytes plus one segment (else the oldest one would have gone too).
    size = partition_size(b, topic)
    assert 8192 <= size < 8192 + 2048, (start, size)
    got = ck.consume(b, topic, 100 - start)
    assert [m[0] for m in got] == list(range(start, 100))


def test_retention_changed_at_run_time_takes_effect(rbroker):
    b = rbroker.bootstrap
    topic = unique_topic("ret-alter")
    conf = create(b, topic)  # retention.ms: 7 days by default
    produce(b, topic, 30, "a", now_ms() - 3 * HOUR_MS)
    produce(b, topic, 5, "b", now_ms())
    time.sleep(1)
    assert earliest(b, topic) == 0
    conf["retention.ms"] = str(HOUR_MS)
    a = ck.admin(b)
    (fut,) = a.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, topic, set_config=conf)],
                             request_timeout=15).values()
    assert ck.future_error(fut) is None
    wait_until(lambda: earliest(b, topic) >= 25, 15, what="old segments to go after AlterConfigs")
    assert earliest(b, topic) <= 30


def test_delete_records_and_errors(rbroker):
    b = rbroker.bootstrap
    topic = unique_topic("delrec")
    compact = unique_topic("delrec-compact")
    create(b, topic)
    create(b, compact, cleanup_policy="compact")
    produce(b, topic, 50, "d", now_ms())
    produce(b, compact, 3, "c", now_ms())
    assert find_coordinator(b, "delrec-group") in (0, 15)  # creates __consumer_offsets
    wait_until(lambda: ck.topic_partitions(b, "__consumer_offsets"), 15, what="__consumer_offsets")

    res = delete_records(b, {topic: [(0, 20), (7, 1)], "no-such-topic": [(0, 1)]}, version=0)
    assert res[(topic, 0)] == (20, 0)
    assert res[(topic, 7)] == (-1, UNKNOWN_TOPIC_OR_PARTITION)
    assert res[("no-such-topic", 0)] == (-1, UNKNOWN_TOPIC_OR_PARTITION)
    assert earliest(b, topic) == 20
    with Conn(b) as c:
        assert fetch_v4(c, topic, 0, 19)[0] == OFFSET_OUT_OF_RANGE
        err, _hw, recs = fetch_v4(c, topic, 0, 20)
        assert err == 0 and recs
    got = ck.consume(b, topic, 30)
    assert [m[0] for m in got] == list(range(20, 50))

    res = delete_records(b, {topic: [(0, 51)], compact: [(0, 1)], "__consumer_offsets": [(0, 0)]},
                         version=1)
    assert res[(topic, 0)] == (-1, OFFSET_OUT_OF_RANGE)
    assert res[(compact, 0)] == (-1, POLICY_VIOLATION)
    assert res[("__consumer_offsets", 0)] == (-1, INVALID_TOPIC)
    # Going back keeps the current start; -1 means the high watermark (flexible v2).
    assert delete_records(b, {topic: [(0, 5)]}, version=2) == {(topic, 0): (20, 0)}
    assert delete_records(b, {topic: [(0, -1)]}, version=2) == {(topic, 0): (50, 0)}
    assert earliest(b, topic) == 50 and latest(b, topic) == 50
    # New records follow; only they are readable.
    assert produce(b, topic, 2, "e", now_ms()) == [50, 51]
    got = ck.consume(b, topic, 2)
    assert [m[0] for m in got] == [50, 51]


def test_delete_records_low_watermark_survives_kill9(slow_checkpoint_broker):
    rbroker = slow_checkpoint_broker
    b = rbroker.bootstrap
    topic = unique_topic("delrec-crash")
    create(b, topic)
    produce(b, topic, 40, "k", now_ms())
    # Mid-segment: the segment holding 23 stays on disk, so only the checkpoint
    # written before the answer keeps the start at 23.
    assert delete_records(b, {topic: [(0, 23)]}) == {(topic, 0): (23, 0)}
    rbroker.restart(clean=False)
    assert earliest(b, topic) == 23
    assert latest(b, topic) == 40
    got = ck.consume(b, topic, 17)
    assert [m[0] for m in got] == list(range(23, 40))


def test_flush_ms_syncs_and_checkpoints_are_written_periodically(rbroker):
    b = rbroker.bootstrap
    synced = unique_topic("flushms")
    lazy = unique_topic("flushms-off")
    # flush.messages > 1: acks=all is answered from the page cache, as in Kafka.
    create(b, synced, flush_messages=1000000, flush_ms=200, retention_bytes=4096)
    create(b, lazy, flush_messages=1000000)
    produce(b, synced, 3, "s", now_ms(), value_size=20)
    produce(b, lazy, 3, "l", now_ms(), value_size=20)
    # The recovery-point checkpoint shows what was fdatasync'ed: flush.ms synced one
    # topic; nothing synced the other.
    wait_until(lambda: checkpoint(rbroker, "recovery-point-offset-checkpoint").get((synced, 0)) == 3,
               15, what="flush.ms to sync and the checkpoint to record it")
    assert checkpoint(rbroker, "recovery-point-offset-checkpoint").get((lazy, 0)) == 0
    # The log start offset moved by retention reaches its checkpoint file without a shutdown.
    produce(b, synced, 40, "t", now_ms(), value_size=200)
    start = wait_until(lambda: earliest(b, synced), 15, what="retention.bytes to apply")
    wait_until(lambda: checkpoint(rbroker, "log-start-offset-checkpoint").get((synced, 0), 0) >= start,
               15, what="log-start-offset-checkpoint to follow")
