"""Compaction of a topic written with transactions (confluent-kafka 1.7): a value written
in an aborted transaction must never make the cleaner drop the committed value before it,
the aborted records themselves are removed, and a committed transaction's values supersede
older ones. Checked with read_committed and read_uncommitted readers once the cleaner (every
200 ms) has compacted the topic, and again after a restart."""

import time

import pytest
from confluent_kafka import OFFSET_BEGINNING, KafkaError, Producer, TopicPartition

import ck
from conftest import TXN_OVERRIDES, _fresh
from txn_support import high_watermark
from util import unique_topic, wait_until

KEYS = 10
FILLERS = 60


@pytest.fixture
def broker(request, _tmp_root):
    yield from _fresh(request, _tmp_root, {**TXN_OVERRIDES, "log.cleaner.backoff.ms": "200"})


def produce(bootstrap, topic, kvs, transactional=None):
    """Produces the (key, value) pairs to partition 0: plainly, or in a transaction that is
    committed (transactional='commit') or aborted ('abort')."""
    conf = {"bootstrap.servers": bootstrap, "linger.ms": 0}
    if transactional:
        conf["transactional.id"] = unique_topic("txid")
    p = Producer(conf)
    if transactional:
        p.init_transactions(30)
        p.begin_transaction()
    for k, v in kvs:
        p.produce(topic, key=k, value=v, partition=0)
    assert p.flush(30) == 0
    if transactional == "commit":
        p.commit_transaction(30)
    elif transactional == "abort":
        p.abort_transaction(30)


def read(bootstrap, topic, isolation, timeout_s=30):
    """[(offset, key, value)] from the beginning up to the high watermark with `isolation`."""
    end = high_watermark(bootstrap, topic, 0)
    c = ck.consumer(bootstrap, **{"isolation.level": isolation, "enable.partition.eof": True})
    out = []
    try:
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        deadline = time.monotonic() + timeout_s
        while True:
            assert time.monotonic() < deadline, f"{isolation} reader did not reach {end}: {len(out)} records"
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                assert m.error().code() == KafkaError._PARTITION_EOF, m.error()
                if m.offset() >= end:
                    return out
                continue
            out.append((m.offset(), m.key(), m.value()))
    finally:
        c.close()


def main_values(records):
    """{key: value} of the K* records, the last one per key winning."""
    return {k: v for _offset, k, v in records if k.startswith(b"K")}


def test_aborted_values_never_replace_committed_ones(broker):
    bootstrap = broker.bootstrap
    topic = unique_topic("txn-compact")
    conf = {"cleanup.policy": "compact", "segment.bytes": "2048", "min.cleanable.dirty.ratio": "0.01"}
    assert ck.create_topic(bootstrap, topic, config=conf) is None

    committed = [(f"K{i}".encode(), f"committed-{i}".encode()) for i in range(KEYS)]
    produce(bootstrap, topic, committed)
    aborted = [(f"K{i}".encode(), f"aborted-{i}".encode()) for i in range(KEYS)]
    produce(bootstrap, topic, aborted + [(b"K-aborted-only", b"aborted")], transactional="abort")
    replaced = [(f"K{i}".encode(), f"txn-{i}".encode()) for i in range(KEYS // 2, KEYS)]
    produce(bootstrap, topic, replaced, transactional="commit")
    produce(bootstrap, topic, [(f"filler-{i}".encode(), b"f" * 100) for i in range(FILLERS)])
    expected = dict(committed)
    expected.update(dict(replaced))

    def compacted():
        got = read(bootstrap, topic, "read_uncommitted")
        return got if not any(v.startswith(b"aborted") for _o, _k, v in got) else None

    wait_until(compacted, 30, interval_s=0.5, what="the aborted records to be compacted away")
    for restart in (False, True):
        if restart:
            assert broker.restart(clean=True) == 0
        for isolation in ("read_committed", "read_uncommitted"):
            got = read(bootstrap, topic, isolation)
            assert main_values(got) == expected, f"{isolation}, restart={restart}: {main_values(got)}"
