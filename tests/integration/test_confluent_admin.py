"""Topics admin through confluent-kafka-python's AdminClient (librdkafka)."""

import pytest
from confluent_kafka import KafkaError
from confluent_kafka.admin import NewPartitions, NewTopic

import ck
from util import assert_same_records, make_records, unique_topic, wait_until


def test_create_list_delete(broker):
    name = unique_topic("ck-admin")
    assert ck.create_topic(broker.bootstrap, name, partitions=3, config={"retention.ms": "3600000"}) is None
    md = ck.admin(broker.bootstrap).list_topics(timeout=10)
    assert name in md.topics, f"created topic missing from metadata: {sorted(md.topics)[:20]}"
    t = md.topics[name]
    assert t.error is None
    assert sorted(t.partitions) == [0, 1, 2]
    for p in t.partitions.values():
        assert p.error is None and p.leader in md.brokers, f"partition {p.id}: leader {p.leader}"
        assert p.replicas == [p.leader] and p.isrs == [p.leader]

    a = ck.admin(broker.bootstrap)
    fs = a.delete_topics([name], operation_timeout=15, request_timeout=15)
    assert ck.future_error(fs[name]) is None
    wait_until(lambda: ck.topic_partitions(broker.bootstrap, name) is None, 10, what="topic gone from metadata")


def test_validate_only_creates_nothing(broker):
    name = unique_topic("ck-validate")
    assert ck.create_topic(broker.bootstrap, name, partitions=2, validate_only=True) is None
    assert ck.topic_partitions(broker.bootstrap, name) is None, "validate_only created the topic"
    assert ck.create_topic(broker.bootstrap, name, partitions=0, validate_only=True) == KafkaError.INVALID_PARTITIONS


def test_duplicate_topic(broker):
    name = unique_topic("ck-dup")
    assert ck.create_topic(broker.bootstrap, name) is None
    assert ck.create_topic(broker.bootstrap, name) == KafkaError.TOPIC_ALREADY_EXISTS
    assert ck.create_topic(broker.bootstrap, name, validate_only=True) == KafkaError.TOPIC_ALREADY_EXISTS


@pytest.mark.parametrize(
    "bad", [".", "..", "has space", "slash/name", "x" * 250, "bad*char"], ids=["dot", "dotdot", "space", "slash", "long", "star"]
)
def test_invalid_topic_names(broker, bad):
    assert ck.create_topic(broker.bootstrap, bad) == KafkaError.TOPIC_EXCEPTION  # INVALID_TOPIC_EXCEPTION (17)


def test_invalid_arguments(broker):
    bs = broker.bootstrap
    assert ck.create_topic(bs, unique_topic("ck-zero"), partitions=0) == KafkaError.INVALID_PARTITIONS
    a = ck.admin(bs)
    name = unique_topic("ck-rf")
    fs = a.create_topics([NewTopic(name, num_partitions=1, replication_factor=3)], request_timeout=15)
    assert ck.future_error(fs[name]) == KafkaError.INVALID_REPLICATION_FACTOR
    bad_cfg = {"message.timestamp.type": "NoSuchType"}
    assert ck.create_topic(bs, unique_topic("ck-cfg"), config=bad_cfg) == KafkaError.INVALID_CONFIG
    assert ck.create_topic(bs, unique_topic("ck-cfg"), config={"no.such.config": "1"}) == KafkaError.INVALID_CONFIG


def test_create_partitions(broker):
    bs = broker.bootstrap
    name = unique_topic("ck-parts")
    assert ck.create_topic(bs, name, partitions=1) is None
    a = ck.admin(bs)
    fs = a.create_partitions([NewPartitions(name, 4)], validate_only=True, request_timeout=15)
    assert ck.future_error(fs[name]) is None
    assert ck.topic_partitions(bs, name) == 1, "validate_only added partitions"
    fs = a.create_partitions([NewPartitions(name, 4)], request_timeout=15)
    assert ck.future_error(fs[name]) is None
    wait_until(lambda: ck.topic_partitions(bs, name) == 4, 10, what="4 partitions in metadata")
    for bad in (4, 2):
        fs = a.create_partitions([NewPartitions(name, bad)], request_timeout=15)
        assert ck.future_error(fs[name]) == KafkaError.INVALID_PARTITIONS, f"new total {bad}"
    missing = unique_topic("ck-parts-missing")
    fs = a.create_partitions([NewPartitions(missing, 2)], request_timeout=15)
    assert ck.future_error(fs[missing]) == KafkaError.UNKNOWN_TOPIC_OR_PART

    # The new partition takes records.
    recs = make_records(3, "p3")
    reports = ck.produce(bs, name, recs, partition=3)
    ck.assert_acked(reports, 0, "all")


def test_delete_unknown_topic(broker):
    name = unique_topic("ck-nodel")
    a = ck.admin(broker.bootstrap)
    fs = a.delete_topics([name], request_timeout=15)
    assert ck.future_error(fs[name]) == KafkaError.UNKNOWN_TOPIC_OR_PART


def test_auto_create_on_produce(broker):
    name = unique_topic("ck-auto")
    reports = ck.produce(broker.bootstrap, name, make_records(2, "auto"))
    ck.assert_acked(reports, 0, "all")
    parts = ck.topic_partitions(broker.bootstrap, name)
    # The fixture starts the broker with num.partitions=1; an external one may differ.
    assert parts == 1 if broker.can_restart else parts >= 1


def test_auto_create_on_metadata_follows_the_request_flag(broker):
    bs = broker.bootstrap
    # A producer asks with allow_auto_topic_creation=true ...
    name = unique_topic("ck-auto-md")
    p = ck.producer(bs)
    md = p.list_topics(topic=name, timeout=10)
    wait_until(lambda: ck.topic_partitions(bs, name) == 1, 10, what="auto-created topic in metadata")
    del md, p
    # ... a consumer with allow.auto.create.topics=false must not create anything.
    other = unique_topic("ck-noauto-md")
    c = ck.consumer(bs, allow_auto_create_topics=False)
    try:
        md = c.list_topics(topic=other, timeout=10)
        t = md.topics.get(other)
        assert t is not None and t.error is not None and t.error.code() == KafkaError.UNKNOWN_TOPIC_OR_PART
    finally:
        c.close()
    assert ck.topic_partitions(bs, other) is None


def test_recreated_topic_starts_empty(broker):
    bs = broker.bootstrap
    name = unique_topic("ck-recreate")
    assert ck.create_topic(bs, name, partitions=2) is None
    ck.assert_acked(ck.produce(bs, name, make_records(5, "old")), 0, "all")
    a = ck.admin(bs)
    assert ck.future_error(a.delete_topics([name], operation_timeout=15, request_timeout=15)[name]) is None
    wait_until(lambda: ck.topic_partitions(bs, name) is None, 10, what="topic gone after delete")
    assert ck.create_topic(bs, name, partitions=1) is None
    assert ck.topic_partitions(bs, name) == 1
    fresh = make_records(2, "new")
    ck.assert_acked(ck.produce(bs, name, fresh), 0, "all")
    assert_same_records(fresh, ck.consume(bs, name, 2))
