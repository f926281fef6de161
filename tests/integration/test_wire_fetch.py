"""Fetch long polling and ListOffsets seen on the wire (clients hide both).

Timings are printed; the assertions only separate "waits" from "does not wait" and
"wakes on data" from "sleeps the whole max wait", with seconds of slack.
"""

import threading
import time

import ck
import kafka_wire
from util import make_records, now_ms, unique_topic


def _topic_with(broker, n):
    topic = unique_topic("wire")
    ck.assert_acked(ck.produce(broker.bootstrap, topic, make_records(n, "wire")), 0, "all")
    return topic


def test_idle_fetch_returns_after_max_wait(broker):
    topic = _topic_with(broker, 3)
    with kafka_wire.Conn(broker.bootstrap, timeout_s=20) as c:
        for max_wait_ms in (300, 1500):
            t0 = time.monotonic()
            err, hw, recs = kafka_wire.fetch_v4(c, topic, 0, 3, max_wait_ms=max_wait_ms)
            elapsed = time.monotonic() - t0
            print(f"\n[timing] idle Fetch max_wait={max_wait_ms} ms returned after {elapsed * 1000:.0f} ms")
            assert err == 0 and hw == 3 and recs == b"", f"error {err}, hw {hw}, {len(recs)} record bytes"
            assert elapsed >= 0.3 * max_wait_ms / 1000, "idle Fetch returned at once: no long polling"
            assert elapsed <= max_wait_ms / 1000 + 5, "idle Fetch outlived its max wait by seconds"


def test_parked_fetch_wakes_on_new_data(broker):
    topic = _topic_with(broker, 2)
    late = make_records(1, "late")
    produced = {}

    def produce_later():
        time.sleep(0.5)
        ck.produce(broker.bootstrap, topic, late)
        produced["t"] = time.monotonic()

    with kafka_wire.Conn(broker.bootstrap, timeout_s=20) as c:
        t = threading.Thread(target=produce_later)
        t0 = time.monotonic()
        t.start()
        err, hw, recs = kafka_wire.fetch_v4(c, topic, 0, 2, max_wait_ms=8000)
        done = time.monotonic()
        t.join(20)
    print(
        f"\n[timing] parked Fetch (max_wait 8000 ms) returned {(done - t0) * 1000:.0f} ms after it was sent, "
        f"{(done - produced.get('t', done)) * 1000:.0f} ms after the produce ack"
    )
    assert err == 0
    batches = kafka_wire.parse_batches(recs)
    assert batches and batches[0]["base_offset"] == 2, f"parked Fetch returned {batches}"
    assert done - t0 < 6.0, "parked Fetch did not wake up when a record arrived"


def test_fetch_out_of_range(broker):
    topic = _topic_with(broker, 2)
    with kafka_wire.Conn(broker.bootstrap) as c:
        err, hw, recs = kafka_wire.fetch_v4(c, topic, 0, 50)
    assert err == 1, f"Fetch beyond the end: error {err}, expected 1 OFFSET_OUT_OF_RANGE"
    assert recs == b""


def test_list_offsets_earliest_latest_and_by_time(broker):
    topic = unique_topic("wire-lo")
    recs = make_records(6, "lo", base_ts_ms=now_ms() - 100_000)
    ck.assert_acked(ck.produce(broker.bootstrap, topic, recs), 0, "all")
    bs = broker.bootstrap
    assert kafka_wire.list_offsets_v1(bs, topic, 0, -2)[::2] == (0, 0), "earliest"
    assert kafka_wire.list_offsets_v1(bs, topic, 0, -1)[::2] == (0, 6), "latest"
    err, ts, off = kafka_wire.list_offsets_v1(bs, topic, 0, recs[3].timestamp_ms)
    assert (err, ts, off) == (0, recs[3].timestamp_ms, 3)
    err, ts, off = kafka_wire.list_offsets_v1(bs, topic, 0, recs[-1].timestamp_ms + 1)
    assert (err, ts, off) == (0, -1, -1), "a timestamp after every record finds nothing"
