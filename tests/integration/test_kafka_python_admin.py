"""Topics admin through kafka-python's KafkaAdminClient."""

import pytest
from kafka.admin import NewPartitions
from kafka.errors import (
    InvalidConfigurationError,
    InvalidPartitionsError,
    InvalidReplicationFactorError,
    InvalidTopicError,
    TopicAlreadyExistsError,
    UnknownTopicOrPartitionError,
)

import kp
from util import make_records, unique_topic, wait_until


def test_create_list_describe_delete(broker):
    bs = broker.bootstrap
    name = unique_topic("kp-admin")
    assert kp.create_topic(bs, name, partitions=3, config={"cleanup.policy": "delete"}) is None
    a = kp.admin(bs)
    try:
        assert name in a.list_topics()
        (desc,) = a.describe_topics([name])
        assert desc["error_code"] == 0 and desc["topic"] == name
        assert sorted(p["partition"] for p in desc["partitions"]) == [0, 1, 2]
        a.delete_topics([name], timeout_ms=15000)
    finally:
        a.close()
    wait_until(lambda: kp.partitions_of(bs, name) is None, 10, what="topic gone after delete")


def test_validate_only_and_duplicates(broker):
    bs = broker.bootstrap
    name = unique_topic("kp-dup")
    assert kp.create_topic(bs, name, validate_only=True) is None
    assert kp.partitions_of(bs, name) is None, "validate_only created the topic"
    assert kp.create_topic(bs, name) is None
    assert kp.create_topic(bs, name) is TopicAlreadyExistsError
    assert kp.create_topic(bs, name, validate_only=True) is TopicAlreadyExistsError


@pytest.mark.parametrize("bad", ["..", "with space", "x" * 250], ids=["dotdot", "space", "long"])
def test_invalid_names(broker, bad):
    assert kp.create_topic(broker.bootstrap, bad) is InvalidTopicError


def test_invalid_arguments(broker):
    bs = broker.bootstrap
    assert kp.create_topic(bs, unique_topic("kp-p0"), partitions=0) is InvalidPartitionsError
    assert kp.create_topic(bs, unique_topic("kp-rf"), replication=2) is InvalidReplicationFactorError
    bad_cfg = {"cleanup.policy": "bogus"}
    assert kp.create_topic(bs, unique_topic("kp-cfg"), config=bad_cfg) is InvalidConfigurationError


def test_create_partitions(broker):
    bs = broker.bootstrap
    name = unique_topic("kp-parts")
    assert kp.create_topic(bs, name, partitions=2) is None
    a = kp.admin(bs)
    try:
        a.create_partitions({name: NewPartitions(5)}, timeout_ms=15000, validate_only=True)
        assert kp.partitions_of(bs, name) == [0, 1]
        a.create_partitions({name: NewPartitions(5)}, timeout_ms=15000)
        wait_until(lambda: kp.partitions_of(bs, name) == [0, 1, 2, 3, 4], 10, what="5 partitions")
        with pytest.raises(InvalidPartitionsError):
            a.create_partitions({name: NewPartitions(3)}, timeout_ms=15000)
        with pytest.raises(UnknownTopicOrPartitionError):
            a.delete_topics([unique_topic("kp-missing")], timeout_ms=15000)
    finally:
        a.close()
    kp.assert_acked(kp.produce(bs, name, make_records(2, "p4"), partition=4), 0, "all")


def test_auto_create_on_produce(broker):
    name = unique_topic("kp-auto")
    kp.assert_acked(kp.produce(broker.bootstrap, name, make_records(3, "auto")), 0, "all")
    assert kp.partitions_of(broker.bootstrap, name) is not None
