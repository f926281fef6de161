"""Restart between producing and consuming with kafka-python (SIGTERM and kill -9)."""

import pytest

import kp
from util import assert_same_records, make_records, now_ms, unique_topic


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_restart_keeps_everything_acknowledged(fresh_broker, clean):
    b = fresh_broker
    topic, lat = unique_topic("kp-rs"), unique_topic("kp-rs-lat")
    assert kp.create_topic(b.bootstrap, topic, partitions=2) is None
    assert kp.create_topic(b.bootstrap, lat, config={"message.timestamp.type": "LogAppendTime"}) is None
    recs = make_records(40, "kprs")
    kp.assert_acked(kp.produce(b.bootstrap, topic, recs, codec="gzip", partition=1), 0, "all")
    kp.assert_acked(kp.produce(b.bootstrap, lat, make_records(3, "kplat")), 0, "all")

    code = b.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"

    assert kp.partitions_of(b.bootstrap, topic) == [0, 1]
    assert_same_records(recs, kp.consume(b.bootstrap, topic, len(recs), partition=1))
    more = make_records(3, "kprs-after")
    kp.assert_acked(kp.produce(b.bootstrap, topic, more, partition=1), 40, "all")
    assert_same_records(more, kp.consume(b.bootstrap, topic, 3, partition=1, offset=40), first_offset=40)
    t0 = now_ms()
    (md,) = kp.produce(b.bootstrap, lat, make_records(1, "kplat2", base_ts_ms=1_000_000_000_000))
    assert md.offset == 3 and md.timestamp >= t0 - 2000, f"LogAppendTime config lost: {md}"
