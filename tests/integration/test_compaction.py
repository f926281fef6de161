"""Log compaction (cleanup.policy=compact) end to end, with confluent-kafka 1.7: a topic with
small segments, min.cleanable.dirty.ratio=0.01 and a short delete.retention.ms, a broker whose
cleaner looks every 200 ms. Many updates per key and tombstones are produced; once cleaned, a
read from the beginning returns exactly the newest record of every key at the offset it was
produced at; tombstones are kept until delete.retention.ms has passed and a later cleaning
drops them; a restart (clean and after SIGKILL) reads the same."""

import time

import pytest
from confluent_kafka import OFFSET_BEGINNING, TopicPartition

import ck
from conftest import _fresh
from util import unique_topic, wait_until

OVERRIDES = {"log.cleaner.backoff.ms": "200"}
KEYS = 20
ROUNDS = 30
DELETED = 5  # keys K0..K4 end with a tombstone
DELETE_RETENTION_MS = 1500


@pytest.fixture
def cbroker(request, _tmp_root):
    yield from _fresh(request, _tmp_root, OVERRIDES)


def create(bootstrap, topic):
    conf = {
        "cleanup.policy": "compact",
        "segment.bytes": "2048",
        "segment.ms": "600000",
        "min.cleanable.dirty.ratio": "0.01",
        "delete.retention.ms": str(DELETE_RETENTION_MS),
    }
    assert ck.create_topic(bootstrap, topic, config=conf) is None


def produce(bootstrap, topic, kvs):
    """Produces (key, value) pairs one per batch; returns their offsets."""
    p = ck.producer(bootstrap, linger_ms=0, batch_num_messages=1)
    offsets = {}

    def on_delivery(err, msg):
        assert err is None, err
        offsets[(msg.key(), msg.value())] = msg.offset()

    for k, v in kvs:
        p.produce(topic, key=k, value=v, partition=0, on_delivery=on_delivery)
        p.poll(0)
    assert p.flush(30) == 0
    return [offsets[(k, v)] for k, v in kvs]


def fillers(tag, n=40):
    """Distinct keys, enough bytes to roll the active segment past what came before."""
    return [(f"filler-{tag}-{i}".encode(), b"f" * 100) for i in range(n)]


def read_all(bootstrap, topic, timeout_s=20):
    """Every record from the beginning up to the high watermark: [(offset, key, value)]."""
    c = ck.consumer(bootstrap)
    try:
        _low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        out = []
        deadline = time.monotonic() + timeout_s
        while (not out or out[-1][0] < high - 1) and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None:
                continue
            assert not m.error(), m.error()
            out.append((m.offset(), m.key(), m.value()))
        assert out and out[-1][0] == high - 1, f"read {len(out)} records, not up to {high - 1}"
        return out
    finally:
        c.close()


def main_records(records):
    return [r for r in records if r[1].startswith(b"K")]


def test_compaction_keeps_latest_per_key_and_drops_expired_tombstones(cbroker):
    bootstrap = cbroker.bootstrap
    topic = unique_topic("compact")
    create(bootstrap, topic)

    updates = [(f"K{k}".encode(), f"v{r}-{k}-".encode() + b"x" * 60)
               for r in range(ROUNDS) for k in range(KEYS)]
    offsets = produce(bootstrap, topic, updates)
    tombstones = [(f"K{k}".encode(), None) for k in range(DELETED)]
    tomb_offsets = produce(bootstrap, topic, tombstones)
    produce(bootstrap, topic, fillers("a"))

    latest = {}
    for (k, v), off in zip(updates + tombstones, offsets + tomb_offsets):
        latest[k] = (off, k, v)
    expected = sorted(latest.values())

    # Cleaned: exactly the newest record of every key, at its produce-time offset;
    # the tombstones are still there (delete.retention.ms has not passed for them).
    def cleaned():
        got = main_records(read_all(bootstrap, topic))
        return got if got == expected else None

    wait_until(cleaned, 30, interval_s=0.5, what="the compacted log")

    # After delete.retention.ms, a later cleaning (new dirty data) drops the tombstones.
    time.sleep(DELETE_RETENTION_MS / 1000 + 0.5)
    produce(bootstrap, topic, fillers("b"))
    survivors = [r for r in expected if r[2] is not None]

    def tombstones_gone():
        got = main_records(read_all(bootstrap, topic))
        return got if got == survivors else None

    wait_until(tombstones_gone, 30, interval_s=0.5, what="the tombstones to be dropped")
    before_restart = read_all(bootstrap, topic)

    # A restart reads the same, and the next records get the next offsets.
    assert cbroker.restart(clean=True) == 0
    assert read_all(bootstrap, topic) == before_restart
    assert cbroker.restart(clean=False) is not None
    assert read_all(bootstrap, topic) == before_restart
    [next_offset] = produce(bootstrap, topic, [(b"K0", b"again")])
    assert next_offset == before_restart[-1][0] + 1


def test_compact_delete_topic_is_compacted_too(cbroker):
    bootstrap = cbroker.bootstrap
    topic = unique_topic("compact-delete")
    conf = {
        "cleanup.policy": "compact,delete",
        "segment.bytes": "2048",
        "min.cleanable.dirty.ratio": "0.01",
        "retention.ms": "-1",
    }
    assert ck.create_topic(bootstrap, topic, config=conf) is None
    updates = [(f"K{k}".encode(), f"v{r}".encode() + b"y" * 80) for r in range(10) for k in range(5)]
    offsets = produce(bootstrap, topic, updates)
    produce(bootstrap, topic, fillers("a"))
    expected = sorted({k: (off, k, v) for (k, v), off in zip(updates, offsets)}.values())
    wait_until(lambda: main_records(read_all(bootstrap, topic)) == expected, 30, interval_s=0.5,
               what="the compacted log")
