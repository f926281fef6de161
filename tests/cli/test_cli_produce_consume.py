"""gregor produce and gregor consume against a real broker."""

import time

from cli_util import fails, json_lines, ok, ok_json, run, unique


def produce(broker, topic, lines, *args):
    return ok_json(broker, "produce", topic, *args, input="".join(line + "\n" for line in lines))


def test_round_trip_with_keys_and_headers(broker):
    topic = unique("cli-rt")
    ok(broker, "topic", "create", topic, "-p", "1")
    report = produce(broker, topic, ["k1:v1", "k2:v2", "no-key-here"], "-K", ":", "-H", "source=cli", "-H", "n=1")
    assert report["records"] == 3
    assert report["partitions"] == [{"partition": 0, "count": 3, "first_offset": 0, "last_offset": 2}]

    records = json_lines(ok(broker, "consume", topic, "-e", "-f", "json"))
    assert [(r["key"], r["value"]) for r in records] == [("k1", "v1"), ("k2", "v2"), (None, "no-key-here")]
    assert [r["offset"] for r in records] == [0, 1, 2]
    assert records[0]["headers"] == [{"key": "source", "value": "cli"}, {"key": "n", "value": "1"}]
    assert records[0]["topic"] == topic and records[0]["partition"] == 0
    assert records[0]["timestamp"] > 1_600_000_000_000


def test_format_string(broker):
    topic = unique("cli-fmt")
    produce(broker, topic, ["hello"], "-k", "key1")
    out = ok(broker, "consume", topic, "-e", "-f", r"%t|%p|%o|%k|%v|%K|%V\n")
    assert out == f"{topic}|0|0|key1|hello|4|5\n"
    assert ok(broker, "consume", topic, "-e") == "hello\n"  # default: the value per line


def test_offsets_count_and_timestamps(broker):
    topic = unique("cli-off")
    produce(broker, topic, [str(i) for i in range(10)])
    values = lambda out: out.split()  # noqa: E731
    assert values(ok(broker, "consume", topic, "-e", "-o", "start")) == [str(i) for i in range(10)]
    assert values(ok(broker, "consume", topic, "-e", "-o", "7")) == ["7", "8", "9"]
    assert values(ok(broker, "consume", topic, "-e", "-o", "+8")) == ["8", "9"]
    assert values(ok(broker, "consume", topic, "-e", "-o", "-2")) == ["8", "9"]
    assert values(ok(broker, "consume", topic, "-n", "3")) == ["0", "1", "2"]
    assert values(ok(broker, "consume", topic, "-e", "-o", "end")) == []
    assert values(ok(broker, "consume", topic, "-e", "-o", "@-1h")) == [str(i) for i in range(10)]
    future_ms = int(time.time() * 1000) + 3_600_000
    assert values(ok(broker, "consume", topic, "-e", "-o", f"@{future_ms}")) == []


def test_partitions(broker):
    topic = unique("cli-parts")
    ok(broker, "topic", "create", topic, "-p", "3")
    produce(broker, topic, ["a", "b"], "-p", "2")
    report = produce(broker, topic, ["c"], "-p", "1")
    assert report["partitions"][0]["partition"] == 1
    records = json_lines(ok(broker, "consume", topic, "-e", "-f", "json", "-p", "2"))
    assert [(r["partition"], r["value"]) for r in records] == [(2, "a"), (2, "b")]
    assert len(json_lines(ok(broker, "consume", topic, "-e", "-f", "json"))) == 3


def test_same_key_same_partition(broker):
    topic = unique("cli-keys")
    ok(broker, "topic", "create", topic, "-p", "4")
    produce(broker, topic, [f"user-{i % 3}:{i}" for i in range(30)], "-K", ":")
    by_key = {}
    for r in json_lines(ok(broker, "consume", topic, "-e", "-f", "json")):
        by_key.setdefault(r["key"], set()).add(r["partition"])
    assert len(by_key) == 3 and all(len(p) == 1 for p in by_key.values())


def test_produce_from_file_with_compression_and_rate(broker, tmp_path):
    topic = unique("cli-file")
    path = tmp_path / "records.txt"
    path.write_text("".join(f"line {i}\n" for i in range(50)))
    started = time.monotonic()
    report = ok_json(broker, "produce", topic, "-f", str(path), "-z", "lz4", "--acks", "1", "--rate", "100")
    assert report["records"] == 50
    assert time.monotonic() - started >= 0.4  # 50 records at 100/s
    out = ok(broker, "consume", topic, "-e")
    assert out.splitlines() == [f"line {i}" for i in range(50)]


def test_text_report(broker):
    topic = unique("cli-text")
    out = ok(broker, "produce", topic, input="x\ny\n")
    assert out.startswith(f"Produced 2 record(s) to {topic}\n")


def test_consume_group_commits_offsets(broker):
    topic = unique("cli-cg")
    group = unique("cli-group")
    produce(broker, topic, [str(i) for i in range(6)])
    assert ok(broker, "consume", topic, "-g", group, "-n", "4").split() == ["0", "1", "2", "3"]
    # The group resumes where it committed.
    assert ok(broker, "consume", topic, "-g", group, "-n", "2").split() == ["4", "5"]


def test_errors(broker):
    topic = unique("cli-none")
    assert "unknown topic" in fails(broker, 1, "consume", topic, "-e")
    existing = unique("cli-err")
    ok(broker, "topic", "create", existing, "-p", "1")
    assert "no partition 5" in fails(broker, 1, "consume", existing, "-p", "5", "-e")
    assert "not produced" in fails(broker, 1, "produce", existing, "-p", "5", input="x\n")
    assert "-o" in fails(broker, 2, "consume", existing, "-o", "sometime")
    assert "format" in fails(broker, 2, "consume", existing, "-f", "%x")
    assert "-o" in fails(broker, 2, "consume", existing, "-g", "g1", "-o", "5")
    p = run(broker, "produce", existing, "--acks", "2", input="x\n")
    assert p.returncode == 2


def test_follow_mode_stops_cleanly_on_sigint(broker):
    import signal
    import subprocess
    import threading

    from gregor_broker import broker_binary

    topic = unique("cli-follow")
    group = unique("cli-follow-g")
    produce(broker, topic, ["a", "b"])
    proc = subprocess.Popen(
        [str(broker_binary()), "consume", topic, "-g", group, "--brokers", broker.bootstrap],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, proc.kill)  # bounds the blocking reads below
    watchdog.start()
    try:
        assert proc.stdout.readline() == "a\n"
        assert proc.stdout.readline() == "b\n"
        produce(broker, topic, ["c"])  # follow mode sees records written later
        assert proc.stdout.readline() == "c\n"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    committed = {(o["topic"], o["partition"]): o for o in ok_json(broker, "group", "describe", group)["offsets"]}
    assert committed[(topic, 0)]["current_offset"] == 3
