"""kafka-python helpers. The client probes the broker version itself (ApiVersions v0 +
Metadata v0) exactly as it does in the field; nothing is pinned with api_version."""

import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

TS_TYPES = {0: "create", 1: "log_append"}


def producer(bootstrap, **conf):
    c = {
        "bootstrap_servers": bootstrap,
        "acks": "all",
        "linger_ms": 5,
        "request_timeout_ms": 15000,
        "max_block_ms": 15000,
    }
    c.update(conf)
    return KafkaProducer(**c)


def produce(bootstrap, topic, recs, codec="none", acks="all", partition=0, **conf):
    """Sends recs in order; returns RecordMetadata (or the exception) per record."""
    p = producer(bootstrap, acks=acks if acks == "all" else int(acks), compression_type=None if codec == "none" else codec, **conf)
    try:
        futs = [
            p.send(topic, value=r.value, key=r.key, headers=r.headers, partition=partition, timestamp_ms=r.timestamp_ms)
            for r in recs
        ]
        p.flush(timeout=30)
        out = []
        for f in futs:
            try:
                out.append(f.get(timeout=30))
            except Exception as e:  # the test reports which record failed and why
                out.append(e)
        return out
    finally:
        p.close(timeout=10)


def assert_acked(results, first_offset, acks):
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, f"send errors: {errors[:5]}"
    if acks != "0":
        offsets = [r.offset for r in results]
        assert offsets == list(range(first_offset, first_offset + len(results))), f"acked offsets {offsets}"


def consumer(bootstrap, **conf):
    c = {
        "bootstrap_servers": bootstrap,
        "group_id": None,
        "enable_auto_commit": False,
        "fetch_max_wait_ms": 200,
        "request_timeout_ms": 15000,
    }
    c.update(conf)
    return KafkaConsumer(**c)


def as_tuple(r):
    return (r.offset, r.key, r.value, list(r.headers or []), (TS_TYPES.get(r.timestamp_type, r.timestamp_type), r.timestamp))


def poll_n(c, count, timeout_s):
    out = []
    deadline = time.monotonic() + timeout_s
    while len(out) < count and time.monotonic() < deadline:
        for recs in c.poll(timeout_ms=200).values():
            out.extend(as_tuple(r) for r in recs)
    assert len(out) >= count, f"consumed {len(out)} of {count} records within {timeout_s}s"
    return out


def consume(bootstrap, topic, count, partition=0, offset="beginning", timeout_s=20.0):
    """Reads `count` records from offset (an int, 'beginning' or 'end')."""
    c = consumer(bootstrap)
    try:
        tp = TopicPartition(topic, partition)
        c.assign([tp])
        if offset == "beginning":
            c.seek_to_beginning(tp)
        elif offset == "end":
            c.seek_to_end(tp)
        else:
            c.seek(tp, offset)
        return poll_n(c, count, timeout_s)
    finally:
        c.close()


def admin(bootstrap):
    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)


def create_topic(bootstrap, name, partitions=1, config=None, validate_only=False, replication=1):
    """Returns None on success, else the kafka.errors class raised."""
    a = admin(bootstrap)
    try:
        a.create_topics(
            [NewTopic(name, partitions, replication, topic_configs=config or {})], timeout_ms=15000, validate_only=validate_only
        )
        return None
    except Exception as e:
        return type(e)
    finally:
        a.close()


def partitions_of(bootstrap, name):
    """Partition ids of a topic from a fresh Metadata request, or None if unknown."""
    c = consumer(bootstrap)
    try:
        parts = c.partitions_for_topic(name)
        return sorted(parts) if parts else None
    finally:
        c.close()
