"""Produce and consume with kafka-python: codecs, acks, timestamps, headers,
start positions, offsets_for_times, watermarks and a consumer waiting at the end."""

import threading
import time

import pytest
from kafka import TopicPartition

import kafka_wire
import kp
from util import ACKS, CODECS, assert_same_records, make_records, now_ms, unique_topic


@pytest.mark.parametrize("acks", ACKS)
@pytest.mark.parametrize("codec", CODECS)
def test_codec_and_acks_round_trip(broker, codec, acks):
    topic = unique_topic(f"kp-{codec}-acks{acks}")
    recs = make_records(30, f"kp{codec}{acks}")
    kp.assert_acked(kp.produce(broker.bootstrap, topic, recs, codec=codec, acks=acks), 0, acks)
    assert_same_records(recs, kp.consume(broker.bootstrap, topic, len(recs)))
    batches = kafka_wire.stored_batches(broker.bootstrap, topic)
    assert {b["codec"] for b in batches} == {codec}, f"stored batch codecs {batches}"


def test_log_append_time(broker):
    bs = broker.bootstrap
    topic = unique_topic("kp-lat")
    assert kp.create_topic(bs, topic, config={"message.timestamp.type": "LogAppendTime"}) is None
    recs = make_records(5, "kplat", base_ts_ms=1_000_000_000_000)
    t0 = now_ms()
    results = kp.produce(bs, topic, recs, codec="snappy")
    t1 = now_ms()
    kp.assert_acked(results, 0, "all")
    got = kp.consume(bs, topic, len(recs))
    assert_same_records(recs, got, check_ts=False)
    for md, (off, _, _, _, (ts_type, ts)) in zip(results, got):
        assert ts_type == "log_append" and t0 - 2000 <= ts <= t1 + 2000, f"offset {off}: {ts_type} {ts}"
        assert md.timestamp == ts, f"offset {off}: produce answer says {md.timestamp}, fetch says {ts}"


def test_positions_times_and_watermarks(broker):
    bs = broker.bootstrap
    topic = unique_topic("kp-pos")
    recs = make_records(15, "kppos", base_ts_ms=now_ms() - 50_000)
    kp.assert_acked(kp.produce(bs, topic, recs), 0, "all")
    assert_same_records(recs[9:], kp.consume(bs, topic, 6, offset=9), first_offset=9)
    c = kp.consumer(bs)
    try:
        tp = TopicPartition(topic, 0)
        assert c.beginning_offsets([tp]) == {tp: 0}
        assert c.end_offsets([tp]) == {tp: 15}
        found = c.offsets_for_times({tp: recs[4].timestamp_ms})[tp]
        assert (found.offset, found.timestamp) == (4, recs[4].timestamp_ms)
        assert c.offsets_for_times({tp: recs[-1].timestamp_ms + 1})[tp] is None
        c.assign([tp])
        c.seek(tp, found.offset)
        assert_same_records(recs[4:], kp.poll_n(c, 11, 20), first_offset=4)
    finally:
        c.close()


def test_consumer_at_end_gets_new_record(broker):
    bs = broker.bootstrap
    topic = unique_topic("kp-tail")
    kp.assert_acked(kp.produce(bs, topic, make_records(3, "kpold")), 0, "all")
    late = make_records(1, "kplate")
    acked = {}

    def produce_later():
        time.sleep(1.5)
        kp.produce(bs, topic, late)
        acked["t"] = time.monotonic()

    c = kp.consumer(bs, fetch_max_wait_ms=5000)
    try:
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_end(tp)
        c.poll(timeout_ms=300)
        t = threading.Thread(target=produce_later)
        t.start()
        got = kp.poll_n(c, 1, 20)
        received = time.monotonic()
        t.join(30)
    finally:
        c.close()
    assert_same_records(late, got, first_offset=3)
    print(f"\n[timing] kafka-python consumer at the end got the record {(received - acked['t']) * 1000:.0f} ms after its ack")
