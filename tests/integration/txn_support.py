"""Shared pieces of the idempotence and transaction tests: watermarks, the last stable
offset, and reading partitions to their end with either isolation level. Their brokers are
conftest's `txn_broker` / `fresh_txn_broker` (started with conftest.TXN_OVERRIDES)."""

import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

import kafka_wire


def high_watermark(bootstrap, topic, partition):
    err, _, off = kafka_wire.list_offsets_v2(bootstrap, topic, partition, -1, kafka_wire.READ_UNCOMMITTED)
    assert err == 0, f"ListOffsets {topic}-{partition}: error {err}"
    return off


def last_stable_offset(bootstrap, topic, partition):
    err, _, off = kafka_wire.list_offsets_v2(bootstrap, topic, partition, -1, kafka_wire.READ_COMMITTED)
    assert err == 0, f"ListOffsets (read_committed) {topic}-{partition}: error {err}"
    return off


def read_to_end(bootstrap, tps, isolation, timeout_s=30, group="gregor-it-txn-reader"):
    """{(topic, partition): [(offset, value)]} of everything a consumer with `isolation`
    ('read_committed' or 'read_uncommitted') returns from the beginning of each partition up
    to its high watermark (taken now). A read_committed reader only gets there once every
    transaction below it has ended; the deadline fails with what was read."""
    ends = {tp: high_watermark(bootstrap, *tp) for tp in tps}
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "isolation.level": isolation,
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "fetch.wait.max.ms": 100,
        "socket.timeout.ms": 10000,
    })
    out = {tp: [] for tp in tps}
    eof_at = {}
    try:
        c.assign([TopicPartition(t, p, OFFSET_BEGINNING) for t, p in tps])
        deadline = time.monotonic() + timeout_s
        while any(eof_at.get(tp, -1) < ends[tp] for tp in tps):
            assert time.monotonic() < deadline, (
                f"{isolation} reader did not reach the high watermarks {ends} within {timeout_s}s: "
                f"end of partition seen at {eof_at}, read {({tp: len(v) for tp, v in out.items()})}")
            for m in c.consume(500, 0.2):
                tp = (m.topic(), m.partition())
                if m.error():
                    if m.error().code() == KafkaError._PARTITION_EOF:
                        eof_at[tp] = m.offset()
                        continue
                    raise AssertionError(f"consume error on {tp}: {m.error()}")
                out[tp].append((m.offset(), m.value()))
                eof_at.pop(tp, None)
    finally:
        c.close()
    return out


def values(records):
    return [v for _, v in records]
