"""confluent-kafka-python (librdkafka) helpers: produce a record set, read it back.

Consumers use explicit partition assignment: the broker has no consumer groups yet,
so group.id is a placeholder that is never joined and nothing is committed.
"""

import time

from confluent_kafka import (
    OFFSET_BEGINNING,
    TIMESTAMP_CREATE_TIME,
    TIMESTAMP_LOG_APPEND_TIME,
    Consumer,
    KafkaError,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

TS_TYPES = {TIMESTAMP_CREATE_TIME: "create", TIMESTAMP_LOG_APPEND_TIME: "log_append"}


def producer(bootstrap, **conf):
    c = {
        "bootstrap.servers": bootstrap,
        "acks": "all",
        "linger.ms": 5,
        "message.timeout.ms": 20000,
        "socket.timeout.ms": 10000,
    }
    c.update({k.replace("_", "."): v for k, v in conf.items()})
    return Producer(c)


def produce(bootstrap, topic, recs, codec="none", acks="all", partition=0, **conf):
    """Produces recs in order and flushes; returns delivery reports [(error, offset, (ts_type, ts))]."""
    p = producer(bootstrap, acks=acks, compression_type=codec, **conf)
    reports = []

    def on_delivery(err, msg):
        ts_type, ts = msg.timestamp()
        reports.append((err, msg.offset(), (TS_TYPES.get(ts_type, ts_type), ts)))

    for r in recs:
        p.produce(
            topic,
            value=r.value,
            key=r.key,
            headers=r.headers,
            timestamp=r.timestamp_ms,
            partition=partition,
            on_delivery=on_delivery,
        )
        p.poll(0)
    left = p.flush(30)
    assert left == 0, f"{left} records still queued after flush"
    return reports


def assert_acked(reports, first_offset, acks):
    errors = [r[0] for r in reports if r[0] is not None]
    assert not errors, f"delivery errors: {errors[:5]}"
    if acks != "0":
        offsets = [r[1] for r in reports]
        assert offsets == list(range(first_offset, first_offset + len(reports))), f"acked offsets {offsets}"


def consumer(bootstrap, **conf):
    c = {
        "bootstrap.servers": bootstrap,
        "group.id": "gregor-it-unused",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": False,
        "fetch.wait.max.ms": 200,
        "socket.timeout.ms": 10000,
    }
    c.update({k.replace("_", "."): v for k, v in conf.items()})
    return Consumer(c)


def as_tuple(m):
    ts_type, ts = m.timestamp()
    return (m.offset(), m.key(), m.value(), m.headers() or [], (TS_TYPES.get(ts_type, ts_type), ts))


def consume(bootstrap, topic, count, partition=0, offset=OFFSET_BEGINNING, timeout_s=20.0, c=None):
    """Reads exactly `count` records from an explicit assignment, or fails at the deadline."""
    own = c is None
    c = c or consumer(bootstrap)
    try:
        c.assign([TopicPartition(topic, partition, offset)])
        out = []
        deadline = time.monotonic() + timeout_s
        while len(out) < count and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                raise AssertionError(f"consume error: {m.error()}")
            out.append(as_tuple(m))
        assert len(out) >= count, f"consumed {len(out)} of {count} records within {timeout_s}s"
        return out
    finally:
        if own:
            c.close()


def admin(bootstrap):
    """An AdminClient; keep a reference until its futures are resolved."""
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def create_topic(bootstrap, name, partitions=1, config=None, validate_only=False):
    """Creates a topic; returns None on success or the KafkaError code."""
    a = admin(bootstrap)  # must outlive the future: destroying it fails the request
    fs = a.create_topics(
        [NewTopic(name, num_partitions=partitions, replication_factor=1, config=config or {})],
        validate_only=validate_only,
        request_timeout=15,
        operation_timeout=15,
    )
    return future_error(fs[name])


def future_error(fut, timeout_s=20):
    try:
        fut.result(timeout=timeout_s)
        return None
    except Exception as e:  # KafkaException carries the KafkaError as args[0]
        if e.args and isinstance(e.args[0], KafkaError):
            return e.args[0].code()
        raise


def topic_partitions(bootstrap, name, timeout_s=10):
    """Partition count from Metadata, or None when the topic does not exist."""
    md = admin(bootstrap).list_topics(timeout=timeout_s)
    t = md.topics.get(name)
    if t is None or t.error is not None:
        return None
    return len(t.partitions)
