"""Thousands of partitions on a broker whose segment descriptors are bounded.

The broker runs with gregor.log.segment.fds.max=64: 2,000 partitions, each
written in several segments, are produced to, read back from memory, restarted
cleanly and read back from their files, and killed and read back again. The
broker's open descriptors (/proc/<pid>/fd) are sampled all along and must stay
within the bound plus what sockets and the process itself need.
"""

import os
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

import gregor_broker
from gregor_broker import GregorBroker

FD_BOUND = 64
# Sockets (listener, clients), epoll/eventfd of each shard, the log, index
# files being written while segments are sealed, and the odd transient one.
FD_SLACK = 64
TOPICS = 2
PER_TOPIC = 1000
RECORDS = 6
VALUE_BYTES = 3000
# Two records per segment: every partition has three segments.
TOPIC_CONFIG = {"segment.bytes": "7000"}


@pytest.fixture
def bounded_broker(_tmp_root, monkeypatch):
    if os.environ.get("GREGOR_BOOTSTRAP"):
        pytest.skip("needs a broker started by the test")
    # A clean stop seals every partition's active segment (a few syncs each,
    # one partition after another per shard), and a start after kill -9
    # recovers every active segment: both take longer than with a handful.
    monkeypatch.setattr(gregor_broker, "STOP_TIMEOUT_S", 240.0)
    monkeypatch.setattr(gregor_broker, "START_TIMEOUT_S", 120.0)
    b = GregorBroker(
        Path(_tmp_root) / "b-many-partitions",
        overrides={"gregor.log.segment.fds.max": str(FD_BOUND), "gregor.shards": "2"},
        name="many-partitions",
    )
    b.start()
    yield b
    code = b.stop()
    assert code in (None, 0), f"broker exited with {code}\n{b.log_tail()}"


class FdSampler:
    """Samples the broker's open descriptors every few milliseconds."""

    def __init__(self, broker):
        self.broker = broker
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            proc = self.broker.proc
            if proc is not None:
                try:
                    self.peak = max(self.peak, len(os.listdir(f"/proc/{proc.pid}/fd")))
                except FileNotFoundError:
                    pass  # between a stop and the next start
            time.sleep(0.005)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


def topic_names():
    return [f"many-{i}" for i in range(TOPICS)]


def value(topic, partition, i):
    head = f"{topic}/{partition}/{i}/".encode()
    return head + bytes([(partition + i) % 251]) * (VALUE_BYTES - len(head))


def produce_all(bootstrap):
    p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
                  "message.timeout.ms": 120000, "queue.buffering.max.messages": 100000})
    failures = []
    acked = []

    def report(err, msg):
        (failures if err else acked).append(err or (msg.topic(), msg.partition(), msg.offset()))

    for i in range(RECORDS):
        for t in topic_names():
            for part in range(PER_TOPIC):
                p.produce(t, value=value(t, part, i), partition=part, on_delivery=report)
                p.poll(0)
    assert p.flush(180) == 0, "produce did not finish in time"
    assert not failures, f"{len(failures)} records failed, e.g. {failures[0]}"
    assert len(acked) == TOPICS * PER_TOPIC * RECORDS


def read_back(bootstrap):
    """Reads every partition from the beginning and checks every record."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "many-partitions-check",
                  "enable.auto.commit": False, "enable.partition.eof": True,
                  "fetch.wait.max.ms": 50})
    c.assign([TopicPartition(t, p, 0) for t in topic_names() for p in range(PER_TOPIC)])
    seen = {}
    eof = set()
    deadline = time.monotonic() + 180
    try:
        while len(eof) < TOPICS * PER_TOPIC and time.monotonic() < deadline:
            for m in c.consume(5000, timeout=1.0):
                if m.error() is None:
                    seen.setdefault((m.topic(), m.partition()), []).append((m.offset(), m.value()))
                elif m.error().code() == KafkaError._PARTITION_EOF:
                    eof.add((m.topic(), m.partition()))
                else:
                    pytest.fail(f"consume error: {m.error()}")
    finally:
        c.close()
    assert len(eof) == TOPICS * PER_TOPIC, f"only {len(eof)} partitions read to the end in time"
    for t in topic_names():
        for part in range(PER_TOPIC):
            got = seen.get((t, part), [])
            want = [(i, value(t, part, i)) for i in range(RECORDS)]
            assert got == want, f"{t}/{part}: read {[(o, v[:24]) for o, v in got]}"


def test_many_partitions_with_bounded_descriptors(bounded_broker):
    b = bounded_broker
    admin = AdminClient({"bootstrap.servers": b.bootstrap})
    futures = admin.create_topics(
        [NewTopic(t, PER_TOPIC, 1, config=TOPIC_CONFIG) for t in topic_names()],
        operation_timeout=180, request_timeout=180,
    )
    for f in futures.values():
        f.result(timeout=200)
    with FdSampler(b) as fds:
        produce_all(b.bootstrap)
        read_back(b.bootstrap)  # mostly from memory (the tail caches)
        assert fds.peak <= FD_BOUND + FD_SLACK, f"{fds.peak} descriptors open while writing"
        b.restart(clean=True)
        read_back(b.bootstrap)  # from the segment files, through the bounded cache
        assert fds.peak <= FD_BOUND + FD_SLACK, f"{fds.peak} descriptors open while reading"
        b.restart(clean=False)
        read_back(b.bootstrap)  # after recovery of every active segment
        assert fds.peak <= FD_BOUND + FD_SLACK, f"{fds.peak} descriptors open after a kill -9"
    print(f"peak open descriptors: {fds.peak} (bound {FD_BOUND} + slack {FD_SLACK})")
