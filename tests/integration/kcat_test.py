"""kcat (librdkafka's command-line client) against the live broker: -L, -P, -C, -Q."""

import json
import subprocess
import time

import pytest

import ck
import kafka_wire
from util import ACKS, CODECS, make_records, now_ms, unique_topic

KCAT_TIMEOUT_S = 30


def kcat(bootstrap, *args, stdin=None, timeout_s=KCAT_TIMEOUT_S):
    """Runs kcat to completion; returns stdout. Fails with its stderr on a non-zero exit."""
    cmd = ["kcat", "-b", bootstrap, "-X", "socket.timeout.ms=10000", *args]
    p = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout_s)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace')}"
    return p.stdout.decode()


def kcat_produce(bootstrap, topic, lines, *opts):
    data = "".join(f"{line}\n" for line in lines).encode()
    kcat(bootstrap, "-P", "-t", topic, "-p", "0", "-K", ":", *opts, stdin=data)


def kcat_consume(bootstrap, topic, *opts):
    """-C -J -e from the given offset options; returns the JSON envelopes."""
    out = kcat(bootstrap, "-C", "-t", topic, "-p", "0", "-J", "-e", "-q", *opts)
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def lines_for(n, tag):
    return [f"{tag}-key-{i % 3}:{tag}-value-{i:04d}-" + "xyz" * 20 for i in range(n)]


def check_envelopes(msgs, lines, first_offset, headers, t0, t1, tstype="create"):
    assert len(msgs) == len(lines), f"consumed {len(msgs)}, produced {len(lines)}"
    for i, (m, line) in enumerate(zip(msgs, lines)):
        key, value = line.split(":", 1)
        where = f"offset {m['offset']}"
        assert m["offset"] == first_offset + i, f"{where}: expected offset {first_offset + i}"
        assert (m["key"], m["payload"]) == (key, value), f"{where}: {m['key']!r}/{m['payload']!r}"
        assert m.get("headers") == headers, f"{where}: headers {m.get('headers')}"
        assert m["tstype"] == tstype, f"{where}: tstype {m['tstype']}"
        assert t0 - 2000 <= m["ts"] <= t1 + 2000, f"{where}: timestamp {m['ts']} outside [{t0}, {t1}]"


def test_metadata_list(broker):
    topic = unique_topic("kcat-L")
    kcat_produce(broker.bootstrap, topic, lines_for(1, "L"))
    md = json.loads(kcat(broker.bootstrap, "-L", "-J", "-t", topic))
    assert [b["name"] for b in md["brokers"]] == [broker.bootstrap], md["brokers"]
    (t,) = md["topics"]
    assert t["topic"] == topic and "error" not in t, t
    assert [p["partition"] for p in t["partitions"]] == list(range(len(t["partitions"])))
    broker_id = md["brokers"][0]["id"]
    assert all(p["leader"] == broker_id for p in t["partitions"])
    everything = json.loads(kcat(broker.bootstrap, "-L", "-J"))
    assert topic in {x["topic"] for x in everything["topics"]}


@pytest.mark.parametrize("acks", ACKS)
@pytest.mark.parametrize("codec", CODECS)
def test_produce_consume_codecs_acks(broker, codec, acks):
    topic = unique_topic(f"kcat-{codec}-{acks}")
    lines = lines_for(25, f"kc{codec}")
    opts = ["-H", "trace=abc", "-H", "empty=", "-H", "trace=second", "-X", f"acks={acks}"]
    if codec != "none":
        opts += ["-z", codec]
    t0 = now_ms()
    kcat_produce(broker.bootstrap, topic, lines, *opts)
    t1 = now_ms()
    msgs = kcat_consume(broker.bootstrap, topic, "-o", "beginning")
    check_envelopes(msgs, lines, 0, ["trace", "abc", "empty", "", "trace", "second"], t0, t1)
    assert {b["codec"] for b in kafka_wire.stored_batches(broker.bootstrap, topic)} == {codec}


def test_offsets_and_query(broker):
    bs = broker.bootstrap
    topic = unique_topic("kcat-pos")
    recs = make_records(12, "kcq", base_ts_ms=now_ms() - 100_000)
    ck.assert_acked(ck.produce(bs, topic, recs), 0, "all")
    assert [m["offset"] for m in kcat_consume(bs, topic, "-o", "5")] == list(range(5, 12))
    assert [m["offset"] for m in kcat_consume(bs, topic, "-o", "-4")] == list(range(8, 12))
    from_ts = kcat_consume(bs, topic, "-o", f"s@{recs[6].timestamp_ms}")
    assert [m["offset"] for m in from_ts] == list(range(6, 12))
    assert from_ts[0]["ts"] == recs[6].timestamp_ms and from_ts[0]["key"] == recs[6].key.decode()
    out = kcat(bs, "-Q", "-t", f"{topic}:0:{recs[3].timestamp_ms}")
    assert f"{topic} [0] offset 3" in out, out
    out = kcat(bs, "-Q", "-t", f"{topic}:0:-1")
    assert f"{topic} [0] offset 12" in out, out
    out = kcat(bs, "-Q", "-t", f"{topic}:0:-2")
    assert f"{topic} [0] offset 0" in out, out


def test_log_append_time_topic(broker):
    topic = unique_topic("kcat-lat")
    assert ck.create_topic(broker.bootstrap, topic, config={"message.timestamp.type": "LogAppendTime"}) is None
    lines = lines_for(4, "kclat")
    t0 = now_ms()
    kcat_produce(broker.bootstrap, topic, lines, "-H", "h=v")
    t1 = now_ms()
    msgs = kcat_consume(broker.bootstrap, topic, "-o", "beginning")
    check_envelopes(msgs, lines, 0, ["h", "v"], t0, t1, tstype="logappend")


def test_consumer_at_end_gets_new_record(broker):
    bs = broker.bootstrap
    topic = unique_topic("kcat-tail")
    kcat_produce(bs, topic, lines_for(2, "old"))
    cmd = ["kcat", "-b", bs, "-C", "-t", topic, "-p", "0", "-o", "end", "-c", "1", "-J", "-q"]
    cmd += ["-X", "fetch.wait.max.ms=5000"]
    consumer = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(2.0)  # kcat resolves the end offset and parks a fetch
        kcat_produce(bs, topic, ["late-key:late-value"])
        acked = time.monotonic()
        out, err = consumer.communicate(timeout=20)
        done = time.monotonic()
    finally:
        if consumer.poll() is None:
            consumer.kill()
            consumer.wait()
    assert consumer.returncode == 0, err.decode(errors="replace")
    (m,) = [json.loads(x) for x in out.decode().splitlines() if x.strip()]
    assert (m["offset"], m["key"], m["payload"]) == (2, "late-key", "late-value")
    print(f"\n[timing] kcat waiting at the end exited {(done - acked) * 1000:.0f} ms after the produce ack")


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_restart_between_produce_and_consume(fresh_broker, clean):
    b = fresh_broker
    topic = unique_topic("kcat-rs")
    lines = lines_for(30, "kcrs")
    t0 = now_ms()
    kcat_produce(b.bootstrap, topic, lines, "-H", "x=y", "-z", "zstd", "-X", "acks=all")
    t1 = now_ms()
    code = b.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"
    check_envelopes(kcat_consume(b.bootstrap, topic, "-o", "beginning"), lines, 0, ["x", "y"], t0, t1)
    more = lines_for(2, "kcrs2")
    t2 = now_ms()
    kcat_produce(b.bootstrap, topic, more, "-H", "x=y")
    check_envelopes(kcat_consume(b.bootstrap, topic, "-o", "30"), more, 30, ["x", "y"], t2, now_ms())
