"""Topic and broker configuration at run time: DescribeConfigs, AlterConfigs,
IncrementalAlterConfigs and DescribeLogDirs, through confluent-kafka-python 1.7
(describe_configs, alter_configs), kafka-python 2.0.2 (describe_configs,
alter_configs) and raw requests for what neither client offers
(IncrementalAlterConfigs, DescribeLogDirs)."""

import os
import struct

import pytest
from confluent_kafka import KafkaError, TIMESTAMP_LOG_APPEND_TIME
from confluent_kafka.admin import ConfigResource, ConfigSource
from kafka.admin import ConfigResource as KpResource, ConfigResourceType

import ck
import kp
from kafka_wire import Conn, Reader, enc_compact_string, enc_string, read_compact_string, read_uvarint, skip_tags
from util import make_records, unique_topic

TOPIC, BROKER = 2, 4
SET, DELETE, APPEND, SUBTRACT = 0, 1, 2, 3
INVALID_CONFIG, INVALID_REQUEST, UNKNOWN_TOPIC = 40, 42, 3


def source(entry):
    return ConfigSource(int(getattr(entry.source, "value", entry.source)))


def ck_describe(bootstrap, restype, name):
    """{name: ConfigEntry} of one resource, or the KafkaError code."""
    a = ck.admin(bootstrap)
    fs = a.describe_configs([ConfigResource(restype, name)], request_timeout=15)
    (fut,) = fs.values()
    try:
        return fut.result(timeout=20)
    except Exception as e:
        if e.args and isinstance(e.args[0], KafkaError):
            return e.args[0].code()
        raise


def ck_alter(bootstrap, restype, name, configs, validate_only=False):
    a = ck.admin(bootstrap)
    fs = a.alter_configs([ConfigResource(restype, name, set_config=configs)], request_timeout=15,
                         validate_only=validate_only)
    (fut,) = fs.values()
    return ck.future_error(fut)


# --- raw requests (non-flexible versions, header v1) ---------------------------------------


def enc_nullable(s):
    return struct.pack(">h", -1) if s is None else enc_string(s)


def incremental_alter(bootstrap, resources, validate_only=False):
    """resources: [(type, name, [(key, op, value)])]; returns [(error, message, type, name)]."""
    body = struct.pack(">i", len(resources))
    for rtype, name, configs in resources:
        body += struct.pack(">b", rtype) + enc_string(name) + struct.pack(">i", len(configs))
        for key, op, value in configs:
            body += enc_string(key) + struct.pack(">b", op) + enc_nullable(value)
    body += struct.pack(">?", validate_only)
    with Conn(bootstrap) as c:
        _, resp = c.request(44, 0, body)
    r = Reader(resp)
    r.take(">i")  # throttle
    n = r.take(">i")
    out = []
    for _ in range(n):
        err = r.take(">h")
        msg = r.string()
        rtype = r.take(">b")
        out.append((err, msg, rtype, r.string()))
    return out


def describe_log_dirs_v1(bootstrap):
    """{log_dir: {(topic, partition): size}} for all topics."""
    with Conn(bootstrap) as c:
        _, resp = c.request(35, 1, struct.pack(">i", -1))
    r = Reader(resp)
    r.take(">i")
    out = {}
    for _ in range(r.take(">i")):
        err = r.take(">h")
        assert err == 0
        parts = out.setdefault(r.string(), {})
        for _ in range(r.take(">i")):
            topic = r.string()
            for _ in range(r.take(">i")):
                p, size, lag, future = r.take(">iqq?")
                assert lag == 0 and not future
                parts[(topic, p)] = size
    return out








def describe_log_dirs_v4(bootstrap, topic):
    """[(log_dir, total, usable, {partition: size})] for one topic (flexible v4, header v2)."""
    body = bytes([2]) + enc_compact_string(topic) + bytes([2]) + struct.pack(">i", 0) + bytes([0, 0])
    with Conn(bootstrap) as c:
        corr = 77
        header = struct.pack(">hhi", 35, 4, corr) + enc_string("gregor-it") + bytes([0])
        c.send_raw(struct.pack(">i", len(header) + len(body)) + header + body)
        resp = c.read_frame()
    r = Reader(resp)
    assert r.take(">i") == corr
    skip_tags(r)  # response header v1
    r.take(">i")  # throttle
    assert r.take(">h") == 0
    out = []
    for _ in range(read_uvarint(r) - 1):
        assert r.take(">h") == 0
        log_dir = read_compact_string(r)
        sizes = {}
        for _ in range(read_uvarint(r) - 1):
            name = read_compact_string(r)
            for _ in range(read_uvarint(r) - 1):
                p, size, lag, future = r.take(">iqq?")
                skip_tags(r)
                assert name == topic and lag == 0 and not future
                sizes[p] = size
            skip_tags(r)
        total, usable = r.take(">qq")
        skip_tags(r)
        out.append((log_dir, total, usable, sizes))
    return out




def produce_n(bootstrap, topic, n, value_size=64, tag="cfg"):
    recs = make_records(n, tag, value_size=value_size)
    reports = ck.produce(bootstrap, topic, recs)
    assert all(err is None for err, _, _ in reports), reports
    return recs


# --- DescribeConfigs ---------------------------------------------------------------------


def test_describe_topic_sources_and_synonyms(broker):
    name = unique_topic("cfg-desc")
    assert ck.create_topic(broker.bootstrap, name, config={"retention.ms": "3600000"}) is None
    entries = ck_describe(broker.bootstrap, ConfigResource.Type.TOPIC, name)
    assert entries["retention.ms"].value == "3600000"
    assert source(entries["retention.ms"]) == ConfigSource.DYNAMIC_TOPIC_CONFIG
    assert not entries["retention.ms"].is_default and not entries["retention.ms"].is_read_only
    syn = entries["retention.ms"].synonyms
    assert "retention.ms" in syn and "log.retention.hours" in syn, sorted(syn)
    assert source(syn["log.retention.hours"]) == ConfigSource.DEFAULT_CONFIG
    assert entries["segment.bytes"].value == "1073741824"
    assert source(entries["segment.bytes"]) == ConfigSource.DEFAULT_CONFIG
    assert entries["cleanup.policy"].value == "delete"
    assert ck_describe(broker.bootstrap, ConfigResource.Type.TOPIC, unique_topic("cfg-none")) == (
        KafkaError.UNKNOWN_TOPIC_OR_PART
    )


def test_describe_broker(broker):
    entries = ck_describe(broker.bootstrap, ConfigResource.Type.BROKER, "1")
    assert entries["num.partitions"].value == "1"
    assert source(entries["num.partitions"]) == ConfigSource.STATIC_BROKER_CONFIG  # the test sets it
    assert source(entries["message.max.bytes"]) == ConfigSource.DEFAULT_CONFIG
    assert entries["message.max.bytes"].value == "1048588"
    assert entries["num.partitions"].is_read_only and entries["listeners"].is_read_only
    assert not entries["log.retention.ms"].is_read_only, "a dynamic broker config"


def test_kafka_python_describe_with_synonyms_and_key_filter(broker):
    name = unique_topic("kp-desc")
    assert kp.create_topic(broker.bootstrap, name, config={"cleanup.policy": "compact"}) is None
    a = kp.admin(broker.bootstrap)
    try:
        (resp,) = a.describe_configs([KpResource(ConfigResourceType.TOPIC, name, {"cleanup.policy": None,
                                                                                  "segment.ms": None})],
                                     include_synonyms=True)
        (res,) = resp.resources
        err, _msg, rtype, rname, configs = res
        assert (err, rtype, rname) == (0, TOPIC, name)
        by_name = {c[0]: c for c in configs}
        assert sorted(by_name) == ["cleanup.policy", "segment.ms"]
        cleanup = by_name["cleanup.policy"]
        assert cleanup[1] == "compact" and cleanup[3] == ConfigSource.DYNAMIC_TOPIC_CONFIG.value
        synonyms = {s[0]: s for s in cleanup[5]}
        assert synonyms["cleanup.policy"][2] == 1 and synonyms["log.cleanup.policy"][2] == 5
        (bresp,) = a.describe_configs([KpResource(ConfigResourceType.BROKER, "1")])
        (bres,) = bresp.resources
        assert bres[0] == 0 and "log.dirs" in {c[0] for c in bres[4]}
    finally:
        a.close()


# --- AlterConfigs ------------------------------------------------------------------------


def test_alter_replaces_overrides_and_applies_at_once(broker):
    bs = broker.bootstrap
    name = unique_topic("cfg-alter")
    assert ck.create_topic(bs, name, config={"retention.ms": "3600000"}) is None
    produce_n(bs, name, 3, value_size=3000)
    assert ck_alter(bs, ConfigResource.Type.TOPIC, name, {"max.message.bytes": "1024"}) is None
    entries = ck_describe(bs, ConfigResource.Type.TOPIC, name)
    assert entries["max.message.bytes"].value == "1024"
    assert source(entries["max.message.bytes"]) == ConfigSource.DYNAMIC_TOPIC_CONFIG
    # AlterConfigs replaces the whole set: retention.ms is back to its default.
    assert source(entries["retention.ms"]) == ConfigSource.DEFAULT_CONFIG
    reports = ck.produce(bs, name, make_records(1, "big", value_size=3000), retries=0)
    assert reports[0][0] is not None and reports[0][0].code() == KafkaError.MSG_SIZE_TOO_LARGE, reports
    produce_n(bs, name, 2, value_size=100, tag="small")


def test_alter_validation_errors(broker):
    bs = broker.bootstrap
    name = unique_topic("cfg-bad")
    assert ck.create_topic(bs, name, config={"retention.ms": "3600000"}) is None
    topic = ConfigResource.Type.TOPIC
    assert ck_alter(bs, topic, name, {"segment.bytes": "1"}) == KafkaError.INVALID_CONFIG
    assert ck_alter(bs, topic, name, {"no.such.config": "1"}) == KafkaError.INVALID_CONFIG
    assert ck_alter(bs, topic, name, {"cleanup.policy": "sometimes"}) == KafkaError.INVALID_CONFIG
    assert ck_alter(bs, topic, unique_topic("cfg-missing"), {"retention.ms": "1"}) == (
        KafkaError.UNKNOWN_TOPIC_OR_PART
    )
    assert ck_alter(bs, topic, name, {"retention.ms": "5"}, validate_only=True) is None
    assert ck_alter(bs, ConfigResource.Type.BROKER, "1", {"num.partitions": "3"}) == KafkaError.INVALID_REQUEST
    entries = ck_describe(bs, topic, name)
    assert entries["retention.ms"].value == "3600000", "a refused or validate-only change was applied"


def test_kafka_python_alter_and_error_message(broker):
    bs = broker.bootstrap
    name = unique_topic("kp-alter")
    assert kp.create_topic(bs, name) is None
    a = kp.admin(bs)
    try:
        (resp,) = [a.alter_configs([KpResource(ConfigResourceType.TOPIC, name, {"segment.ms": "60000"})])]
        assert [(r[0], r[3]) for r in resp.resources] == [(0, name)]
        bad = a.alter_configs([KpResource(ConfigResourceType.TOPIC, name, {"segment.bytes": "13"})])
        (err, msg, _t, _n) = bad.resources[0]
        assert err == INVALID_CONFIG
        assert msg == "Invalid value 13 for configuration segment.bytes: Value must be at least 14"
        broker_bad = a.alter_configs([KpResource(ConfigResourceType.BROKER, "1", {"num.partitions": "3"})])
        (err, msg, _t, _n) = broker_bad.resources[0]
        assert err == INVALID_REQUEST and msg == "Cannot update these configs dynamically: Set(num.partitions)"
    finally:
        a.close()
    assert ck_describe(bs, ConfigResource.Type.TOPIC, name)["segment.ms"].value == "60000"


# --- IncrementalAlterConfigs (no client here offers it) ----------------------------------


def test_incremental_set_delete_append_subtract(broker):
    bs = broker.bootstrap
    name = unique_topic("cfg-incr")
    assert ck.create_topic(bs, name, config={"retention.ms": "3600000"}) is None

    def value(key):
        return ck_describe(bs, ConfigResource.Type.TOPIC, name)[key]

    assert incremental_alter(bs, [(TOPIC, name, [("cleanup.policy", APPEND, "compact")])]) == [(0, None, TOPIC, name)]
    assert value("cleanup.policy").value == "delete,compact"
    assert value("retention.ms").value == "3600000", "an incremental change kept the other overrides"
    assert incremental_alter(bs, [(TOPIC, name, [("cleanup.policy", SUBTRACT, "delete")])])[0][0] == 0
    assert value("cleanup.policy").value == "compact"
    assert incremental_alter(bs, [(TOPIC, name, [("retention.ms", DELETE, None), ("segment.ms", SET, "90000")])])[0][0] == 0
    assert source(value("retention.ms")) == ConfigSource.DEFAULT_CONFIG
    assert value("segment.ms").value == "90000"

    err, msg, _, _ = incremental_alter(bs, [(TOPIC, name, [("retention.ms", APPEND, "1")])])[0]
    assert (err, msg) == (INVALID_CONFIG, "Can't APPEND to key retention.ms because its type is not LIST.")
    err, msg, _, _ = incremental_alter(bs, [(TOPIC, name, [("nope", SET, "1")])])[0]
    assert (err, msg) == (INVALID_CONFIG, "Unknown topic config name: nope")
    err, _, _, _ = incremental_alter(bs, [(TOPIC, name, [("segment.ms", SET, "0")])], validate_only=True)[0]
    assert err == INVALID_CONFIG
    assert incremental_alter(bs, [(TOPIC, name, [("segment.ms", SET, "5000")])], validate_only=True)[0][0] == 0
    assert value("segment.ms").value == "90000", "validate_only changed the config"
    err, _, _, _ = incremental_alter(bs, [(TOPIC, unique_topic("cfg-nope"), [("segment.ms", SET, "1")])])[0]
    assert err == UNKNOWN_TOPIC
    err, msg, _, _ = incremental_alter(bs, [(BROKER, "", [("num.partitions", SET, "1")])])[0]
    assert (err, msg) == (INVALID_REQUEST, "Cannot update these configs dynamically: Set(num.partitions)")


def test_timestamp_type_change_applies_to_new_appends(broker):
    bs = broker.bootstrap
    name = unique_topic("cfg-ts")
    assert ck.create_topic(bs, name) is None
    produce_n(bs, name, 1, tag="before")
    assert incremental_alter(bs, [(TOPIC, name, [("message.timestamp.type", SET, "LogAppendTime")])])[0][0] == 0
    produce_n(bs, name, 1, tag="after")
    got = ck.consume(bs, name, 2)
    assert [ts[0] for *_, ts in got] == ["create", "log_append"], got


# --- persistence and storage settings ---------------------------------------------------


@pytest.mark.parametrize("clean", [True, False])
def test_changes_survive_restart(fresh_broker, clean):
    bs = fresh_broker.bootstrap
    name = unique_topic("cfg-restart")
    assert ck.create_topic(bs, name, config={"retention.ms": "3600000"}) is None
    assert incremental_alter(bs, [(TOPIC, name, [("cleanup.policy", SET, "compact"),
                                                 ("retention.ms", DELETE, None)])])[0][0] == 0
    fresh_broker.restart(clean=clean)
    bs = fresh_broker.bootstrap
    entries = ck_describe(bs, ConfigResource.Type.TOPIC, name)
    assert entries["cleanup.policy"].value == "compact"
    assert source(entries["cleanup.policy"]) == ConfigSource.DYNAMIC_TOPIC_CONFIG
    assert source(entries["retention.ms"]) == ConfigSource.DEFAULT_CONFIG


def test_segment_bytes_change_rolls_segments(fresh_broker):
    bs = fresh_broker.bootstrap
    name = unique_topic("cfg-seg")
    assert ck.create_topic(bs, name) is None
    produce_n(bs, name, 3, value_size=2000, tag="one")
    part_dir = fresh_broker.data_dir / f"{name}-0"
    assert len(list(part_dir.glob("*.log"))) == 1
    assert ck_alter(bs, ConfigResource.Type.TOPIC, name, {"segment.bytes": "4096"}) is None
    for i in range(4):  # one batch per produce call
        produce_n(bs, name, 1, value_size=3000, tag=f"big{i}")
    assert len(list(part_dir.glob("*.log"))) >= 4, sorted(p.name for p in part_dir.iterdir())
    assert len(ck.consume(bs, name, 7)) == 7


# --- DescribeLogDirs --------------------------------------------------------------------


def test_describe_log_dirs_sizes(fresh_broker):
    bs = fresh_broker.bootstrap
    name = unique_topic("cfg-dirs")
    assert ck.create_topic(bs, name, partitions=2) is None
    produce_n(bs, name, 5, value_size=1000)
    dirs = describe_log_dirs_v1(bs)
    (log_dir,) = dirs
    assert log_dir == os.path.normpath(os.path.abspath(fresh_broker.data_dir))
    sizes = dirs[log_dir]
    assert sizes[(name, 1)] == 0
    assert 5000 < sizes[(name, 0)] < 8000, sizes[(name, 0)]
    (only,) = describe_log_dirs_v4(bs, name)
    got_dir, total, usable, per_partition = only
    assert got_dir == log_dir
    assert total > 0 and 0 <= usable <= total
    assert per_partition == {0: sizes[(name, 0)]}  # only the partition asked for
