"""Shared pieces of the idempotence and transaction tests: brokers started with settings
that make transactions quick to test, and reading partitions to their end with either
isolation level.

TXN_OVERRIDES: single-broker replication settings for __transaction_state (and the group
settings of conftest.GROUP_OVERRIDES), and a 500 ms scan for timed-out transactions so a
coordinator abort happens within a second of the timeout.
"""

import os
import sys
import time

import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition

import kafka_wire
from gregor_broker import ExternalBroker, GregorBroker

TXN_OVERRIDES = {
    "group.initial.rebalance.delay.ms": "0",
    "group.min.session.timeout.ms": "1000",
    "offsets.topic.replication.factor": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": "500",
}


def _start(tmp_root, name):
    ext = os.environ.get("GREGOR_BOOTSTRAP")
    b = ExternalBroker(ext) if ext else GregorBroker(os.path.join(tmp_root, name), TXN_OVERRIDES, name)
    b.start()
    return b


def _track(request, b, since):
    request.node._gregor_brokers = getattr(request.node, "_gregor_brokers", []) + [(b, since)]


_shared = {}


@pytest.fixture(scope="session")
def _session_txn_broker(_tmp_root):
    # Every test module that imports this fixture gets its own copy of the definition; they
    # all share one broker, stopped by whichever copy finishes first (at the end of the run).
    if _tmp_root not in _shared:
        _shared[_tmp_root] = _start(_tmp_root, "txn-broker")
    b = _shared[_tmp_root]
    yield b
    code = b.stop()
    if code not in (None, 0):
        print(f"txn broker exited with code {code} on SIGTERM\n{b.log_tail()}", file=sys.stderr)


@pytest.fixture
def txn_broker(request, _session_txn_broker):
    """A shared broker started with TXN_OVERRIDES (restarted if a test kills it)."""
    b = _session_txn_broker
    _track(request, b, b.log_size())
    yield b
    if not b.alive():
        code = b.proc.returncode if getattr(b, "proc", None) else None
        tail = b.log_tail()
        b.proc = None
        b.start()
        pytest.fail(f"the broker process died during this test (exit code {code})\n{tail}")


@pytest.fixture
def fresh_txn_broker(request, _tmp_root):
    """A broker of this test's own with TXN_OVERRIDES; skipped for an external broker."""
    if os.environ.get("GREGOR_BOOTSTRAP"):
        pytest.skip("restart tests need a broker started by the test (GREGOR_BOOTSTRAP is set)")
    name = "b-" + request.node.name.replace("/", "_").replace("[", "-").replace("]", "")[:80]
    b = _start(_tmp_root, name)
    _track(request, b, 0)
    yield b
    code = b.stop()
    if code not in (None, 0):
        pytest.fail(f"broker exited with code {code} on SIGTERM at the end of the test\n{b.log_tail()}")


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
