"""Records whose payload proves itself, producers that keep every acknowledgement, and the
record-by-record check of a topic against them (crash and full-disk tests).

A payload is b"<producer>:<seq>:<filler>:<crc32 of everything before it, 8 hex>": unique per
(producer, seq), of varying length, and any changed byte breaks its CRC.
"""

import random
import threading
import time
import zlib

from confluent_kafka import Consumer, Producer, TopicPartition

import kafka_wire


def make_value(producer_id, seq, rng, max_filler=300):
    filler = rng.randbytes(rng.randint(0, max_filler // 2)).hex().encode()
    body = f"{producer_id}:{seq:09d}:".encode() + filler + b":"
    return body + f"{zlib.crc32(body):08x}".encode()


def record_id(value):
    """(producer, seq) of an intact payload; raises ValueError on a damaged one."""
    body, _, crc = value.rpartition(b":")
    if not body or f"{zlib.crc32(body + b':'):08x}".encode() != crc:
        raise ValueError(f"payload fails its CRC: {value[:60]!r}")
    producer_id, seq, _ = body.split(b":", 2)
    return producer_id.decode(), int(seq)


class Acked:
    """Every successful delivery report: (partition, offset) -> value. Thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_offset = {}
        self.errors = {}  # error code -> count
        # (partition, offset) acknowledged twice for different records: the first was lost
        # and its offset given again.
        self.reused = []

    def add(self, partition, offset, value):
        with self.lock:
            previous = self.by_offset.setdefault((partition, offset), value)
            if previous != value:
                self.reused.append((partition, offset))

    def add_error(self, code):
        with self.lock:
            self.errors[code] = self.errors.get(code, 0) + 1

    def count(self):
        with self.lock:
            return len(self.by_offset)

    def error_count(self):
        with self.lock:
            return sum(self.errors.values())

    def snapshot(self):
        with self.lock:
            return dict(self.by_offset)

    def max_offsets(self):
        """partition -> highest acknowledged offset."""
        out = {}
        with self.lock:
            for p, o in self.by_offset:
                out[p] = max(out.get(p, -1), o)
        return out


class LoadProducer(threading.Thread):
    """A confluent-kafka producer (acks=all, no idempotence) spreading checkable records over
    `partitions` until stop() is called, recording every delivery report in `acked`."""

    def __init__(self, bootstrap, topic, partitions, acked, producer_id, conf=None, max_queued=2000, pause_s=0.002):
        super().__init__(daemon=True)
        self.topic, self.partitions, self.acked = topic, partitions, acked
        self.producer_id = producer_id
        self.max_queued, self.pause_s = max_queued, pause_s
        self.conf = {
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": False,
            "linger.ms": 2,
            "socket.timeout.ms": 10000,
            "reconnect.backoff.ms": 50,
            "reconnect.backoff.max.ms": 500,
            "retry.backoff.ms": 50,
            "topic.metadata.refresh.interval.ms": 1000,
            "log_level": 2,  # connection refusals while the broker is down are expected
        }
        self.conf.update(conf or {})
        self.rng = random.Random(hash(producer_id))
        self.stopping = threading.Event()
        self.produced = 0
        self.unflushed = 0
        self.failure = None

    def on_delivery(self, err, msg):
        if err is None:
            self.acked.add(msg.partition(), msg.offset(), msg.value())
        else:
            self.acked.add_error(err.code())

    def run(self):
        try:
            p = Producer(self.conf)
            while not self.stopping.is_set():
                for _ in range(20):
                    value = make_value(self.producer_id, self.produced, self.rng)
                    p.produce(self.topic, value=value, partition=self.produced % self.partitions,
                              on_delivery=self.on_delivery)
                    self.produced += 1
                p.poll(self.pause_s)
                while len(p) > self.max_queued and not self.stopping.is_set():
                    p.poll(0.05)
            self.unflushed = p.flush(90)
        except Exception as e:  # reported by the test thread
            self.failure = e

    def stop(self, timeout_s=120):
        self.stopping.set()
        self.join(timeout_s)
        assert not self.is_alive(), f"producer {self.producer_id} did not finish flushing"
        assert self.failure is None, f"producer {self.producer_id} failed: {self.failure!r}"


def high_watermark(bootstrap, topic, partition):
    err, _, high = kafka_wire.list_offsets_v1(bootstrap, topic, partition, -1)
    assert err == 0, f"ListOffsets {topic}-{partition}: error {err}"
    return high


def read_partition(bootstrap, topic, partition, end, timeout_s=60):
    """[(offset, value)] for offsets [0, end), read with a confluent-kafka consumer."""
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "gregor-it-unused",
        "enable.auto.commit": False,
        "enable.partition.eof": False,
        "fetch.wait.max.ms": 100,
        "socket.timeout.ms": 10000,
    })
    out = []
    try:
        c.assign([TopicPartition(topic, partition, 0)])
        deadline = time.monotonic() + timeout_s
        while (not out or out[-1][0] < end - 1) and end > 0:
            assert time.monotonic() < deadline, f"{topic}-{partition}: read {len(out)} of {end} records"
            for m in c.consume(1000, 0.2):
                assert not m.error(), f"consume error: {m.error()}"
                out.append((m.offset(), m.value()))
    finally:
        c.close()
    return [(o, v) for o, v in out if o < end]


def verify(bootstrap, topic, partitions, acked):
    """Reads every partition up to its high watermark and checks it against the acknowledgements:
    offsets dense from 0, every payload intact, every acknowledged record at its offset with its
    exact bytes. Returns figures: records read, acknowledged records checked, duplicates."""
    snapshot = acked.snapshot()
    assert not acked.reused, (
        f"{len(acked.reused)} offsets acknowledged twice for different records (an acknowledged record "
        f"was lost and its offset reused), first {acked.reused[:5]}")
    seen_ids = {}
    read = 0
    for p in range(partitions):
        high = high_watermark(bootstrap, topic, p)
        got = read_partition(bootstrap, topic, p, high)
        offsets = [o for o, _ in got]
        assert offsets == list(range(high)), (
            f"partition {p}: offsets not dense from 0 to {high}: first gap near "
            f"{next((i for i, o in enumerate(offsets) if o != i), len(offsets))}")
        values = dict(got)
        for o, v in got:
            rid = record_id(v)  # raises on a damaged payload
            seen_ids[rid] = seen_ids.get(rid, 0) + 1
        lost = [(pp, o) for (pp, o), v in snapshot.items() if pp == p and values.get(o) != v]
        assert not lost, f"partition {p}: {len(lost)} acknowledged records lost or changed, first {sorted(lost)[:5]}"
        read += len(got)
    duplicates = sum(n - 1 for n in seen_ids.values() if n > 1)
    return {"read": read, "checked": len(snapshot), "duplicates": duplicates, "distinct": len(seen_ids)}


def produce_checked(bootstrap, topic, partitions, acked, producer_id, per_partition, conf=None, timeout_s=20):
    """Produces `per_partition` checkable records to each of `partitions` (acks=all, no retries),
    recording acknowledgements in `acked`; returns the number of failed deliveries."""
    c = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "enable.idempotence": False,
        "retries": 0,
        "linger.ms": 1,
        "message.timeout.ms": int(timeout_s * 1000),
        "socket.timeout.ms": 10000,
    }
    c.update(conf or {})
    p = Producer(c)
    rng = random.Random(hash(producer_id))
    failed = []

    def on_delivery(err, msg):
        if err is None:
            acked.add(msg.partition(), msg.offset(), msg.value())
        else:
            acked.add_error(err.code())
            failed.append(err.code())

    for i in range(per_partition):
        for part in partitions:
            p.produce(topic, value=make_value(producer_id, i * len(partitions) + part, rng), partition=part,
                      on_delivery=on_delivery)
        p.poll(0)
    left = p.flush(timeout_s + 5)
    assert left == 0, f"{left} records still queued after flush"
    return len(failed)
