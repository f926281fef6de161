"""Idempotent producers: with confluent-kafka (enable.idempotence=true) across broker restarts,
and on the wire, where the producer id, epoch and sequence of each batch are chosen.

Kafka's rules checked here: a retried batch (same producer id, epoch and sequences as one of
the producer's last five) is acknowledged with its original base offset and not stored again;
a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER (45); a batch with an epoch older than the
producer's is INVALID_PRODUCER_EPOCH (47); a new epoch starts at sequence 0. The producer
state survives a clean stop and kill -9, so a retry after a restart is still recognised.
"""

import threading
import time

import pytest
from confluent_kafka import Producer

import ck
import kafka_wire
from txn_support import high_watermark, read_to_end
from util import unique_topic, wait_until

PARTITIONS = 3
OUT_OF_ORDER_SEQUENCE_NUMBER = 45
INVALID_PRODUCER_EPOCH = 47


class OrderedProducer(threading.Thread):
    """An idempotent confluent-kafka producer writing b"<partition>:<n>" to each partition in
    order until stopped; keeps what it produced and every delivery report."""

    def __init__(self, bootstrap, topic):
        super().__init__(daemon=True)
        self.topic = topic
        self.conf = {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 2,
            "message.timeout.ms": 90000,
            "socket.timeout.ms": 10000,
            "reconnect.backoff.ms": 50,
            "reconnect.backoff.max.ms": 500,
            "retry.backoff.ms": 50,
            "log_level": 2,  # refused connections while the broker is down are expected
        }
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.produced = {p: [] for p in range(PARTITIONS)}
        self.acked = {}  # value -> (partition, offset)
        self.errors = []
        self.fatal = None
        self.unflushed = None
        self.failure = None

    def on_delivery(self, err, msg):
        with self.lock:
            if err is None:
                self.acked[msg.value()] = (msg.partition(), msg.offset())
            else:
                self.errors.append(str(err))

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def run(self):
        try:
            p = Producer(self.conf)
            n = 0
            while not self.stopping.is_set():
                for _ in range(30):
                    part = n % PARTITIONS
                    value = f"{part}:{n // PARTITIONS:08d}".encode()
                    p.produce(self.topic, value=value, partition=part, on_delivery=self.on_delivery)
                    self.produced[part].append(value)
                    n += 1
                p.poll(0.003)
                while len(p) > 3000 and not self.stopping.is_set():
                    p.poll(0.05)
            self.unflushed = p.flush(100)
        except Exception as e:  # reported by the test thread
            self.failure = e

    def stop(self):
        self.stopping.set()
        self.join(120)
        assert not self.is_alive(), "the producer did not finish flushing"
        assert self.failure is None, f"producer failed: {self.failure!r}"


def test_idempotent_producer_exactly_once_in_order_across_restarts(fresh_txn_broker):
    b = fresh_txn_broker
    topic = unique_topic("idem-restart")
    assert ck.create_topic(b.bootstrap, topic, partitions=PARTITIONS) is None
    prod = OrderedProducer(b.bootstrap, topic)
    prod.start()
    t0 = time.monotonic()
    try:
        for clean in (True, False, True, False):
            before = prod.acked_count()
            wait_until(lambda: prod.acked_count() >= before + 3000, 40, what="acknowledgements flowing")
            code = b.restart(clean=clean)
            if clean:
                assert code == 0, f"exit code {code} after SIGTERM"
        before = prod.acked_count()
        wait_until(lambda: prod.acked_count() >= before + 3000, 40, what="acknowledgements after the last restart")
    finally:
        prod.stop()
    elapsed = time.monotonic() - t0
    assert prod.unflushed == 0, f"{prod.unflushed} records still queued after the final flush"
    assert not prod.errors, f"{len(prod.errors)} failed deliveries, first {prod.errors[:5]}"

    got = read_to_end(b.bootstrap, [(topic, p) for p in range(PARTITIONS)], "read_uncommitted", timeout_s=60)
    total = 0
    for p in range(PARTITIONS):
        recs = got[(topic, p)]
        stored = [v for _, v in recs]
        produced = prod.produced[p]
        dups = len(stored) - len(set(stored))
        assert dups == 0, f"partition {p}: {dups} records stored twice"
        first_bad = next((i for i, (s, e) in enumerate(zip(stored, produced)) if s != e), None)
        assert first_bad is None, (
            f"partition {p}: record #{first_bad} is {stored[first_bad]!r}, produced {produced[first_bad]!r}: "
            "not in produce order")
        assert len(stored) == len(produced), f"partition {p}: {len(stored)} stored, {len(produced)} produced"
        offsets = dict((v, o) for o, v in recs)
        wrong = [(v, a) for v, a in prod.acked.items() if a[0] == p and offsets.get(v) != a[1]]
        assert not wrong, f"partition {p}: {len(wrong)} records not at their acknowledged offset, first {wrong[:3]}"
        total += len(stored)
    print(f"\n[idempotence] 4 restarts (2 SIGTERM, 2 kill -9) in {elapsed:.1f}s, {total} records produced, "
          f"each stored exactly once in order")


def _produce(conn, topic, values, pid, epoch, seq, partition=0):
    return kafka_wire.produce_v3(conn, topic, partition, kafka_wire.build_batch(values, pid, epoch, seq))


def _stored(bootstrap, topic):
    batches = kafka_wire.stored_batches(bootstrap, topic)
    return [(x["base_offset"], x["last_offset"], x["producer_id"], x["producer_epoch"], x["base_sequence"])
            for x in batches]


def test_wire_duplicates_gaps_and_stale_epochs(fresh_txn_broker):
    b = fresh_txn_broker
    topic = unique_topic("idem-wire")
    assert ck.create_topic(b.bootstrap, topic) is None
    recs = [[f"r{i}-{j}".encode() for j in range(3)] for i in range(8)]
    with kafka_wire.Conn(b.bootstrap) as c:
        err, pid, epoch = kafka_wire.init_producer_id_v1(c)
        assert err == 0 and pid >= 0 and epoch >= 0, f"InitProducerId: error {err}, pid {pid}, epoch {epoch}"
        assert _produce(c, topic, recs[0], pid, epoch, 0)[:2] == (0, 0)
        # The same batch again: the original offset, nothing appended.
        assert _produce(c, topic, recs[0], pid, epoch, 0)[:2] == (0, 0), "duplicate batch not recognised"
        assert high_watermark(b.bootstrap, topic, 0) == 3
        for i in range(1, 5):
            assert _produce(c, topic, recs[i], pid, epoch, 3 * i)[:2] == (0, 3 * i)
        # Any of the last five batches is a duplicate, not only the last one.
        for i in (0, 2, 4):
            err, base, _ = _produce(c, topic, recs[i], pid, epoch, 3 * i)
            assert (err, base) == (0, 3 * i), f"retry of batch {i}: error {err}, base offset {base}"
        assert high_watermark(b.bootstrap, topic, 0) == 15
        # A gap in the sequence.
        err, base, _ = _produce(c, topic, recs[5], pid, epoch, 16)
        assert err == OUT_OF_ORDER_SEQUENCE_NUMBER, f"sequence gap: error {err} (base {base}), expected 45"
        # A new epoch must start at sequence 0; then the old epoch is stale.
        err, _, _ = _produce(c, topic, recs[5], pid, epoch + 1, 15)
        assert err == OUT_OF_ORDER_SEQUENCE_NUMBER, f"new epoch at sequence 15: error {err}, expected 45"
        assert _produce(c, topic, recs[5], pid, epoch + 1, 0)[:2] == (0, 15)
        err, _, _ = _produce(c, topic, recs[6], pid, epoch, 15)
        assert err == INVALID_PRODUCER_EPOCH, f"stale epoch: error {err}, expected 47"
        assert high_watermark(b.bootstrap, topic, 0) == 18
    stored = _stored(b.bootstrap, topic)
    assert [s[:2] for s in stored] == [(3 * i, 3 * i + 2) for i in range(6)], f"stored batches {stored}"
    assert all(s[2] == pid for s in stored)
    got = read_to_end(b.bootstrap, [(topic, 0)], "read_uncommitted")[(topic, 0)]
    assert [v for _, v in got] == [v for i in range(6) for v in recs[i]], "record values stored"

    # The producer state survives a clean stop and a kill -9: a retry is still a duplicate,
    # the next sequence is still expected, and a gap is still refused.
    for clean in (True, False):
        b.restart(clean=clean)
        how = "SIGTERM" if clean else "kill -9"
        hw = high_watermark(b.bootstrap, topic, 0)
        with kafka_wire.Conn(b.bootstrap) as c:
            err, base, _ = _produce(c, topic, recs[5], pid, epoch + 1, 0)
            assert (err, base) == (0, 15), f"after {how}: retry of the epoch's first batch: error {err}, base {base}"
            seq = hw - 15
            err, base, _ = _produce(c, topic, recs[6], pid, epoch + 1, seq + 7)
            assert err == OUT_OF_ORDER_SEQUENCE_NUMBER, f"after {how}: gap: error {err}"
            err, base, _ = _produce(c, topic, recs[6], pid, epoch + 1, seq)
            assert (err, base) == (0, hw), f"after {how}: next batch: error {err}, base {base}, expected {hw}"
            err, base, _ = _produce(c, topic, recs[6], pid, epoch + 1, seq)
            assert (err, base) == (0, hw), f"after {how}: retry of the last batch: error {err}, base {base}"
            err, _, _ = _produce(c, topic, recs[7], pid, epoch, 100)
            assert err == INVALID_PRODUCER_EPOCH, f"after {how}: stale epoch: error {err}"
        assert high_watermark(b.bootstrap, topic, 0) == hw + 3


@pytest.mark.parametrize("codec", ["none", "lz4"])
def test_idempotent_producer_round_trip(txn_broker, codec):
    """Plain produce and flush with enable.idempotence: dense offsets per partition, in order."""
    topic = unique_topic("idem-rt")
    assert ck.create_topic(txn_broker.bootstrap, topic, partitions=2) is None
    p = Producer({"bootstrap.servers": txn_broker.bootstrap, "enable.idempotence": True, "compression.type": codec,
                  "linger.ms": 5, "message.timeout.ms": 20000})
    reports = []
    for i in range(400):
        p.produce(topic, value=f"v{i}".encode(), partition=i % 2,
                  on_delivery=lambda err, m: reports.append((err, m.partition(), m.offset(), m.value())))
        p.poll(0)
    assert p.flush(30) == 0
    assert [r for r in reports if r[0] is not None] == []
    for part in (0, 1):
        mine = [(o, v) for _, pp, o, v in reports if pp == part]
        assert [o for o, _ in mine] == list(range(200)), f"partition {part}: offsets {[o for o, _ in mine][:10]}..."
        got = read_to_end(txn_broker.bootstrap, [(topic, part)], "read_uncommitted")[(topic, part)]
        assert got == mine
