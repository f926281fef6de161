"""Dynamic broker configs (IncrementalAlterConfigs / AlterConfigs on BROKER resources) and the
produce-path topic settings: compression.type recompression, keys required on compacted topics,
message.timestamp.before/after.max.ms.

Dynamic broker changes affect every topic of a broker, so those tests use a broker of their own.
"""

import struct

from confluent_kafka import KafkaError
from confluent_kafka.admin import ConfigResource, ConfigSource
from kafka.admin import ConfigResource as KpResource, ConfigResourceType

import ck
import kp
from kafka_wire import Conn, Reader, enc_string, stored_batches
from test_configs import (APPEND, BROKER, DELETE, INVALID_CONFIG, INVALID_REQUEST, SET, TOPIC,
                          ck_alter, ck_describe, incremental_alter, source)
from util import Rec, make_records, now_ms, unique_topic

DEFAULT_RESOURCE = ""


def kp_synonyms(bs, topic, key):
    """[(name, value, source)] of a topic config's synonyms, through kafka-python."""
    a = kp.admin(bs)
    try:
        (resp,) = a.describe_configs([KpResource(ConfigResourceType.TOPIC, topic, {key: None})],
                                     include_synonyms=True)
        (res,) = resp.resources
        (entry,) = res[4]
        return [(name, value, src) for name, value, src in entry[5]]
    finally:
        a.close()


def cluster_defaults(bs):
    """{name: value} of the cluster-wide default broker resource (""), by DescribeConfigs v0
    (the Python clients refuse an empty broker resource name)."""
    body = struct.pack(">i", 1) + struct.pack(">b", BROKER) + enc_string(DEFAULT_RESOURCE)
    body += struct.pack(">i", -1)  # all config names
    with Conn(bs) as c:
        _, resp = c.request(32, 0, body)
    r = Reader(resp)
    r.take(">i")  # throttle
    assert r.take(">i") == 1
    err = r.take(">h")
    r.string()  # error message
    r.take(">b")
    r.string()  # resource name
    assert err == 0, err
    out = {}
    for _ in range(r.take(">i")):
        name = r.string()
        value = r.string()
        r.take(">???")  # read_only, is_default, is_sensitive
        out[name] = value
    return out


def topic_entry(bs, topic, key):
    return ck_describe(bs, ConfigResource.Type.TOPIC, topic)[key]


def broker_entry(bs, key, node="1"):
    return ck_describe(bs, ConfigResource.Type.BROKER, node)[key]


def test_cluster_default_and_per_broker_values_reach_topics_and_persist(fresh_broker):
    bs = fresh_broker.bootstrap
    plain, own = unique_topic("dyn-plain"), unique_topic("dyn-own")
    assert ck.create_topic(bs, plain) is None
    assert ck.create_topic(bs, own, config={"retention.ms": "3600000"}) is None

    ok = incremental_alter(bs, [(BROKER, DEFAULT_RESOURCE, [("log.retention.ms", SET, "7200000"),
                                                            ("log.cleanup.policy", APPEND, "compact")])])
    assert ok == [(0, None, BROKER, DEFAULT_RESOURCE)]
    e = topic_entry(bs, plain, "retention.ms")
    assert (e.value, source(e)) == ("7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
    assert topic_entry(bs, plain, "cleanup.policy").value == "delete,compact"
    assert topic_entry(bs, own, "retention.ms").value == "3600000", "a topic override still wins"
    b = broker_entry(bs, "log.retention.ms")
    assert (b.value, source(b), b.is_read_only) == ("7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, False)
    assert sorted(cluster_defaults(bs)) == ["log.cleanup.policy", "log.retention.ms"]

    # This broker's own value wins over the cluster default.
    assert incremental_alter(bs, [(BROKER, "1", [("log.retention.ms", SET, "600000")])])[0][0] == 0
    e = topic_entry(bs, plain, "retention.ms")
    assert (e.value, source(e)) == ("600000", ConfigSource.DYNAMIC_BROKER_CONFIG)
    assert kp_synonyms(bs, plain, "retention.ms")[:2] == [
        ("log.retention.ms", "600000", ConfigSource.DYNAMIC_BROKER_CONFIG.value),
        ("log.retention.ms", "7200000", ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG.value)]

    fresh_broker.restart(clean=False)
    bs = fresh_broker.bootstrap
    assert topic_entry(bs, plain, "retention.ms").value == "600000", "dynamic configs lost by kill -9"
    assert broker_entry(bs, "log.cleanup.policy").value == "delete,compact"

    assert incremental_alter(bs, [(BROKER, "1", [("log.retention.ms", DELETE, None)]),
                                  (BROKER, DEFAULT_RESOURCE, [("log.retention.ms", DELETE, None),
                                                              ("log.cleanup.policy", DELETE, None)])]) == [
        (0, None, BROKER, "1"), (0, None, BROKER, DEFAULT_RESOURCE)]
    e = topic_entry(bs, plain, "retention.ms")
    assert (e.value, source(e)) == ("604800000", ConfigSource.DEFAULT_CONFIG)
    assert cluster_defaults(bs) == {}


def test_refusals_and_validate_only(fresh_broker):
    bs = fresh_broker.bootstrap
    err, msg, _, _ = incremental_alter(bs, [(BROKER, "1", [("num.partitions", SET, "3"),
                                                           ("log.retention.ms", SET, "5")])])[0]
    assert (err, msg) == (INVALID_REQUEST, "Cannot update these configs dynamically: Set(num.partitions)")
    err, msg, _, _ = incremental_alter(bs, [(BROKER, "1", [("log.segment.bytes", SET, "lots")])])[0]
    assert err == INVALID_CONFIG and "log.segment.bytes" in msg
    err, _, _, _ = incremental_alter(bs, [(BROKER, "7", [("log.retention.ms", SET, "5")])])[0]
    assert err == INVALID_REQUEST, "another broker's id"
    assert incremental_alter(bs, [(BROKER, "1", [("log.retention.ms", SET, "5000")])], validate_only=True)[0][0] == 0
    assert source(broker_entry(bs, "log.retention.ms")) != ConfigSource.DYNAMIC_BROKER_CONFIG
    assert broker_entry(bs, "num.partitions").is_read_only


def test_legacy_alter_configs_replaces_the_broker_set(fresh_broker):
    bs = fresh_broker.bootstrap
    assert ck_alter(bs, ConfigResource.Type.BROKER, "1", {"log.retention.bytes": "123456789"}) is None
    assert broker_entry(bs, "log.retention.bytes").value == "123456789"
    assert ck_alter(bs, ConfigResource.Type.BROKER, "1", {"log.segment.bytes": "2000000"}) is None
    e = broker_entry(bs, "log.retention.bytes")
    assert (e.value, source(e)) == ("-1", ConfigSource.DEFAULT_CONFIG), "the previous set was replaced"
    assert ck_alter(bs, ConfigResource.Type.BROKER, "1", {"listeners": "PLAINTEXT://x:1"}) == \
        KafkaError.INVALID_REQUEST


def produce_plain(bs, topic, n, tag, **conf):
    recs = make_records(n, tag)
    reports = ck.produce(bs, topic, recs, codec="none", **conf)
    ck.assert_acked(reports, 0, "all")
    return recs


def test_topic_compression_type_recompresses_and_consumers_read_the_same(broker):
    bs = broker.bootstrap
    for codec in ["gzip", "snappy", "lz4", "zstd"]:
        name = unique_topic(f"cmp-{codec}")
        assert ck.create_topic(bs, name, config={"compression.type": codec}) is None
        recs = produce_plain(bs, name, 50, codec)
        batches = stored_batches(bs, name)
        assert batches and {b["codec"] for b in batches} == {codec}, batches
        got = ck.consume(bs, name, 50)
        assert [(k, v) for _, k, v, *_ in got] == [(r.key, r.value) for r in recs]
    # "uncompressed" stores compressed batches decompressed.
    name = unique_topic("cmp-none")
    assert ck.create_topic(bs, name, config={"compression.type": "uncompressed"}) is None
    recs = make_records(20, "none")
    ck.assert_acked(ck.produce(bs, name, recs, codec="zstd"), 0, "all")
    assert {b["codec"] for b in stored_batches(bs, name)} == {"none"}
    assert [(k, v) for _, k, v, *_ in ck.consume(bs, name, 20)] == [(r.key, r.value) for r in recs]


def test_dynamic_compression_type_applies_to_existing_topics(fresh_broker):
    bs = fresh_broker.bootstrap
    name = unique_topic("cmp-dyn")
    assert ck.create_topic(bs, name) is None
    produce_plain(bs, name, 10, "before")
    assert incremental_alter(bs, [(BROKER, DEFAULT_RESOURCE, [("compression.type", SET, "zstd")])])[0][0] == 0
    recs = make_records(10, "after")
    ck.assert_acked(ck.produce(bs, name, recs), 10, "all")
    codecs = [b["codec"] for b in stored_batches(bs, name)]
    assert codecs[0] == "none" and codecs[-1] == "zstd", codecs


def test_compacted_topic_refuses_records_without_key(broker):
    bs = broker.bootstrap
    name = unique_topic("cmp-nokey")
    assert ck.create_topic(bs, name, config={"cleanup.policy": "compact"}) is None
    reports = ck.produce(bs, name, [Rec(None, b"v", [], now_ms())], retries=0)
    assert reports[0][0] is not None and reports[0][0].code() == KafkaError.INVALID_RECORD, reports
    keyed = ck.produce(bs, name, [Rec(b"k", b"v", [], now_ms())])
    assert keyed[0][0] is None


def test_timestamp_before_and_after_bounds(broker):
    bs = broker.bootstrap
    name = unique_topic("ts-bounds")
    assert ck.create_topic(bs, name, config={"message.timestamp.before.max.ms": "60000",
                                             "message.timestamp.after.max.ms": "60000"}) is None
    now = now_ms()
    for ts, ok in [(now - 3_600_000, False), (now + 3_600_000, False), (now - 1000, True)]:
        reports = ck.produce(bs, name, [Rec(b"k", b"v", [], ts)], retries=0)
        err = reports[0][0]
        if ok:
            assert err is None, (ts, err)
        else:
            assert err is not None and err.code() == KafkaError.INVALID_TIMESTAMP, (ts, err)
