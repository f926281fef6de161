"""Produce and consume with confluent-kafka-python (librdkafka): codecs, acks,
timestamps, headers, start positions, watermarks and long polling."""

import threading
import time

import pytest
from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, TopicPartition

import ck
import kafka_wire
from util import ACKS, CODECS, assert_same_records, make_records, now_ms, unique_topic


@pytest.mark.parametrize("acks", ACKS)
@pytest.mark.parametrize("codec", CODECS)
def test_codec_and_acks_round_trip(broker, codec, acks):
    topic = unique_topic(f"ck-{codec}-acks{acks}")
    recs = make_records(40, f"{codec}{acks}")
    reports = ck.produce(broker.bootstrap, topic, recs, codec=codec, acks=acks)
    ck.assert_acked(reports, 0, acks)
    got = ck.consume(broker.bootstrap, topic, len(recs))
    assert_same_records(recs, got)
    batches = kafka_wire.stored_batches(broker.bootstrap, topic)
    assert sum(b["count"] for b in batches) == len(recs)
    assert all(b["magic"] == 2 for b in batches)
    assert {b["codec"] for b in batches} == {codec}, f"stored batch codecs {batches}"


def test_multi_partition_order(broker):
    topic = unique_topic("ck-multi")
    assert ck.create_topic(broker.bootstrap, topic, partitions=3) is None
    per_part = {p: make_records(25, f"part{p}") for p in range(3)}
    for p, recs in per_part.items():
        ck.assert_acked(ck.produce(broker.bootstrap, topic, recs, codec="zstd", partition=p), 0, "all")
    for p, recs in per_part.items():
        assert_same_records(recs, ck.consume(broker.bootstrap, topic, len(recs), partition=p))


def test_many_records_many_batches(broker):
    topic = unique_topic("ck-many")
    recs = make_records(3000, "many", value_size=200)
    ck.assert_acked(ck.produce(broker.bootstrap, topic, recs, codec="lz4", batch_num_messages=100), 0, "all")
    got = ck.consume(broker.bootstrap, topic, len(recs), timeout_s=60)
    assert_same_records(recs, got)
    assert len(kafka_wire.stored_batches(broker.bootstrap, topic)) >= 30


def test_large_record(broker):
    topic = unique_topic("ck-large")
    recs = make_records(3, "large", value_size=600_000)
    ck.assert_acked(ck.produce(broker.bootstrap, topic, recs, codec="none"), 0, "all")
    assert_same_records(recs, ck.consume(broker.bootstrap, topic, 3))


def test_log_append_time_topic(broker):
    topic = unique_topic("ck-lat")
    assert ck.create_topic(broker.bootstrap, topic, config={"message.timestamp.type": "LogAppendTime"}) is None
    recs = make_records(10, "lat", base_ts_ms=1_000_000_000_000)  # year 2001: far from now
    t0 = now_ms()
    reports = ck.produce(broker.bootstrap, topic, recs, codec="gzip")
    t1 = now_ms()
    ck.assert_acked(reports, 0, "all")
    for _, off, (ts_type, ts) in reports:
        assert ts_type == "log_append" and t0 - 2000 <= ts <= t1 + 2000, f"produce answer for {off}: {ts_type} {ts}"
    got = ck.consume(broker.bootstrap, topic, len(recs))
    assert_same_records(recs, got, check_ts=False)
    for off, _, _, _, (ts_type, ts) in got:
        assert ts_type == "log_append", f"offset {off}: timestamp type {ts_type}"
        assert t0 - 2000 <= ts <= t1 + 2000, f"offset {off}: LogAppendTime {ts} outside [{t0}, {t1}]"
    assert {b["timestamp_type"] for b in kafka_wire.stored_batches(broker.bootstrap, topic)} == {"log_append"}


def test_start_positions_and_watermarks(broker):
    bs = broker.bootstrap
    topic = unique_topic("ck-pos")
    recs = make_records(20, "pos", base_ts_ms=now_ms() - 100_000)
    ck.assert_acked(ck.produce(bs, topic, recs), 0, "all")

    assert_same_records(recs[7:], ck.consume(bs, topic, 13, offset=7), first_offset=7)
    assert_same_records(recs, ck.consume(bs, topic, 20, offset=OFFSET_BEGINNING))
    tail = ck.consume(bs, topic, 3, offset=-2000 - 3)  # OFFSET_TAIL(3)
    assert_same_records(recs[17:], tail, first_offset=17)

    c = ck.consumer(bs)
    try:
        assert c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False) == (0, 20)
        ts12 = recs[12].timestamp_ms
        queries = {ts12: 12, ts12 + 1: 13, recs[0].timestamp_ms - 5000: 0, recs[-1].timestamp_ms + 5000: OFFSET_END}
        for ts, expected in queries.items():
            (tp,) = c.offsets_for_times([TopicPartition(topic, 0, ts)], timeout=10)
            assert tp.error is None and tp.offset == expected, f"offsets_for_times({ts}) -> {tp.offset}, expected {expected}"
        # Consuming from the offset found for a timestamp starts at that record.
        (tp,) = c.offsets_for_times([TopicPartition(topic, 0, ts12)], timeout=10)
    finally:
        c.close()
    assert_same_records(recs[12:], ck.consume(bs, topic, 8, offset=tp.offset), first_offset=12)


def test_consumer_at_end_gets_new_record_promptly(broker):
    bs = broker.bootstrap
    topic = unique_topic("ck-tail")
    ck.assert_acked(ck.produce(bs, topic, make_records(5, "old")), 0, "all")
    late = make_records(1, "late")
    acked_at = {}

    def produce_later():
        time.sleep(1.5)
        ck.produce(bs, topic, late)
        acked_at["t"] = time.monotonic()

    c = ck.consumer(bs, fetch_wait_max_ms=5000)
    try:
        c.assign([TopicPartition(topic, 0, OFFSET_END)])
        # Let the consumer resolve the end offset and park a fetch before producing.
        c.poll(0.5)
        t = threading.Thread(target=produce_later)
        t.start()
        got = None
        deadline = time.monotonic() + 20
        while got is None and time.monotonic() < deadline:
            m = c.poll(0.1)
            if m is not None and not m.error():
                got = (ck.as_tuple(m), time.monotonic())
        t.join(30)
    finally:
        c.close()
    assert got is not None, "the consumer waiting at the end never received the new record"
    assert_same_records(late, [got[0]], first_offset=5)
    delay = got[1] - acked_at["t"]
    print(f"\n[timing] record reached the consumer waiting at the end {delay * 1000:.0f} ms after its ack")


def test_record_over_max_message_bytes_is_rejected(broker):
    """Kafka's max.message.bytes (default 1048588) bounds a batch; bigger is MSG_SIZE_TOO_LARGE."""
    from confluent_kafka import KafkaError

    topic = unique_topic("ck-toolarge")
    assert ck.create_topic(broker.bootstrap, topic, config={"max.message.bytes": "200000"}) is None
    big = make_records(1, "big", value_size=300_000)
    reports = ck.produce(broker.bootstrap, topic, big, message_max_bytes=2_000_000)
    err = reports[0][0]
    assert err is not None and err.code() == KafkaError.MSG_SIZE_TOO_LARGE, f"produce answer: {err}"
    # The topic still takes records that fit, starting at offset 0.
    ck.assert_acked(ck.produce(broker.bootstrap, topic, make_records(2, "small")), 0, "all")
