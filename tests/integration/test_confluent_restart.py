"""Restart between producing and consuming (SIGTERM and kill -9), with
confluent-kafka-python: acknowledged records, offsets, topics and their configs survive."""

import threading
import time

import pytest

import ck
import kafka_wire
from util import assert_same_records, make_records, now_ms, unique_topic, wait_until


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_restart_keeps_records_offsets_and_topics(fresh_broker, clean):
    b = fresh_broker
    plain, lat = unique_topic("rs-plain"), unique_topic("rs-lat")
    assert ck.create_topic(b.bootstrap, plain, partitions=3, config={"retention.ms": "86400000"}) is None
    assert ck.create_topic(b.bootstrap, lat, config={"message.timestamp.type": "LogAppendTime"}) is None
    per_part = {p: make_records(30, f"rs{p}") for p in range(3)}
    for p, recs in per_part.items():
        ck.assert_acked(ck.produce(b.bootstrap, plain, recs, codec="snappy", partition=p), 0, "all")
    ck.assert_acked(ck.produce(b.bootstrap, lat, make_records(5, "lat")), 0, "all")
    auto = unique_topic("rs-auto")
    auto_recs = make_records(7, "auto")
    ck.assert_acked(ck.produce(b.bootstrap, auto, auto_recs, codec="zstd"), 0, "all")

    code = b.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"

    assert ck.topic_partitions(b.bootstrap, plain) == 3
    assert ck.topic_partitions(b.bootstrap, lat) == 1
    for p, recs in per_part.items():
        assert_same_records(recs, ck.consume(b.bootstrap, plain, len(recs), partition=p))
    assert_same_records(auto_recs, ck.consume(b.bootstrap, auto, len(auto_recs)))

    # Offsets continue where they were.
    more = make_records(2, "after")
    ck.assert_acked(ck.produce(b.bootstrap, plain, more, partition=1), 30, "all")
    ck.assert_acked(ck.produce(b.bootstrap, auto, more), 7, "all")
    # The LogAppendTime config is still in force.
    t0 = now_ms()
    reports = ck.produce(b.bootstrap, lat, make_records(1, "lat2", base_ts_ms=1_000_000_000_000))
    ck.assert_acked(reports, 5, "all")
    _, _, (ts_type, ts) = reports[0]
    assert ts_type == "log_append" and ts >= t0 - 2000, f"after restart: {ts_type} {ts}"
    # A second restart of the other kind changes nothing either.
    b.restart(clean=not clean)
    assert_same_records(per_part[1] + more, ck.consume(b.bootstrap, plain, 32, partition=1))


def _produce_until_killed(bootstrap, topic, acked, stop):
    """Produces acks=all records one small batch at a time, recording every ack."""
    p = ck.producer(bootstrap, linger_ms=2, message_timeout_ms=8000, retries=0)

    def on_delivery(err, msg):
        if err is None:
            acked[msg.offset()] = msg.value()

    i = 0
    while not stop.is_set():
        for _ in range(20):
            p.produce(topic, value=f"load-{i:07d}".encode(), key=b"k", partition=0, on_delivery=on_delivery)
            i += 1
        p.poll(0.01)
        if len(p) > 2000:
            p.flush(0.5)
    p.flush(15)


def test_kill9_under_load_loses_nothing_acknowledged(fresh_broker):
    b = fresh_broker
    topic = unique_topic("rs-load")
    assert ck.create_topic(b.bootstrap, topic) is None
    acked, stop = {}, threading.Event()
    t = threading.Thread(target=_produce_until_killed, args=(b.bootstrap, topic, acked, stop))
    t.start()
    try:
        wait_until(lambda: len(acked) >= 3000, 30, what="3000 acknowledged records before the kill")
        b.kill()
        time.sleep(0.5)
    finally:
        stop.set()
        t.join(60)
    snapshot = dict(acked)
    print(f"\n[kill9] {len(snapshot)} records acknowledged before SIGKILL")
    b.start()

    err, _, high = kafka_wire.list_offsets_v1(b.bootstrap, topic, 0, -1)
    assert err == 0
    assert high > max(snapshot), f"high watermark {high} below the last acknowledged offset {max(snapshot)}"
    got = ck.consume(b.bootstrap, topic, high, timeout_s=60)
    assert [o for o, *_ in got] == list(range(high)), "offsets are not dense after recovery"
    values = {o: v for o, _, v, _, _ in got}
    lost = [o for o, v in snapshot.items() if values.get(o) != v]
    assert not lost, f"{len(lost)} acknowledged records lost or changed, first offsets {sorted(lost)[:10]}"
    ck.assert_acked(ck.produce(b.bootstrap, topic, make_records(1, "next")), high, "all")
