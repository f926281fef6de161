"""gregor topic create|list|describe|delete|add-partitions|alter-config|trim-prefix against a real broker."""

import json
import time

from cli_util import fails, ok, ok_json, run, unique


def test_create_list_describe_delete(broker):
    topic = unique("cli-topic")
    created = ok_json(broker, "topic", "create", topic, "-p", "3", "-r", "1")
    assert created == [{"topic": topic, "status": "created"}]

    listed = {t["name"]: t for t in ok_json(broker, "topic", "list")}
    assert listed[topic]["partitions"] == 3
    assert listed[topic]["replicas"] == 1

    described = ok_json(broker, "topic", "describe", topic)
    assert described["name"] == topic
    assert [p["partition"] for p in described["partitions"]] == [0, 1, 2]
    for p in described["partitions"]:
        assert p["leader"] >= 0
        assert p["replicas"] == [p["leader"]]
        assert p["isr"] == [p["leader"]]
        assert p["log_start_offset"] == 0
        assert p["high_watermark"] == 0
        assert p["size_bytes"] == 0
    assert described["size_bytes"] == 0
    assert "configs_error" not in described and "sizes_error" not in described
    assert {c["name"] for c in described["configs"]} >= {"cleanup.policy", "retention.ms"}

    text = ok(broker, "topic", "describe", topic)
    assert "PARTITION" in text and "HIGH-WATERMARK" in text and "SIZE" in text

    assert ok_json(broker, "topic", "delete", topic) == [{"topic": topic, "status": "deleted"}]
    deadline = time.monotonic() + 10
    while topic in {t["name"] for t in ok_json(broker, "topic", "list")}:
        assert time.monotonic() < deadline, "deleted topic still listed"
        time.sleep(0.2)


def test_create_with_configs_and_text_output(broker):
    topic = unique("cli-cfg")
    out = ok(broker, "topic", "create", topic, "-p", "1", "-c", "retention.ms=3600000", "-c", "segment.bytes=1048576")
    assert out.splitlines() == ["TOPIC" + " " * (len(topic) - 3) + "STATUS", f"{topic}  created"]
    configs = {c["name"]: c for c in ok_json(broker, "topic", "describe", topic)["configs"]}
    assert configs["retention.ms"]["value"] == "3600000"
    assert configs["retention.ms"]["source"] == "DYNAMIC_TOPIC_CONFIG"
    assert configs["segment.bytes"]["value"] == "1048576"


def test_dry_run_creates_nothing(broker):
    topic = unique("cli-dry")
    assert ok_json(broker, "topic", "create", topic, "-p", "2", "--dry-run")[0]["status"] == "valid (dry run)"
    assert topic not in {t["name"] for t in ok_json(broker, "topic", "list")}


def test_create_existing_topic_fails(broker):
    topic = unique("cli-dup")
    ok(broker, "topic", "create", topic)
    err = fails(broker, 1, "topic", "create", topic)
    assert topic in err and "exist" in err


def test_add_partitions(broker):
    topic = unique("cli-grow")
    ok(broker, "topic", "create", topic, "-p", "2")
    ok(broker, "topic", "add-partitions", topic, "--num", "3")
    assert len(ok_json(broker, "topic", "describe", topic)["partitions"]) == 5


def test_unknown_topic_errors(broker):
    topic = unique("cli-missing")
    assert "unknown topic" in fails(broker, 1, "topic", "describe", topic)
    assert topic in fails(broker, 1, "topic", "delete", topic)
    assert "unknown topic" in fails(broker, 1, "topic", "add-partitions", topic, "-n", "1")
    # describe never auto-creates
    assert topic not in {t["name"] for t in ok_json(broker, "topic", "list")}


def test_alter_config(broker):
    topic = unique("cli-alter")
    ok(broker, "topic", "create", topic)
    p = run(broker, "topic", "alter-config", topic, "--set", "retention.ms=7200000")
    assert p.returncode == 0, p.stderr
    configs = {c["name"]: c for c in ok_json(broker, "topic", "describe", topic)["configs"]}
    assert configs["retention.ms"]["value"] == "7200000"
    assert configs["retention.ms"]["source"] == "DYNAMIC_TOPIC_CONFIG"
    assert configs["cleanup.policy"]["source"] == "DEFAULT_CONFIG"


def produce_to(broker, topic, partition, count):
    lines = "".join(f"{partition}-{i}\n" for i in range(count))
    ok(broker, "produce", topic, "-p", str(partition), input=lines)


def test_describe_shows_sizes(broker):
    topic = unique("cli-size")
    ok(broker, "topic", "create", topic, "-p", "2")
    produce_to(broker, topic, 0, 500)
    produce_to(broker, topic, 1, 5)
    described = ok_json(broker, "topic", "describe", topic)
    sizes = [p["size_bytes"] for p in described["partitions"]]
    # 500 records of at least 5 value bytes each take more than 2,500 bytes; 5 records fewer.
    assert sizes[0] > 2500 and 0 < sizes[1] < sizes[0], sizes
    assert described["size_bytes"] == sum(sizes)
    text = ok(broker, "topic", "describe", topic)
    assert "KiB" in text and " B\n" in text


def test_trim_prefix(broker):
    topic = unique("cli-trim")
    ok(broker, "topic", "create", topic, "-p", "3")
    for partition in range(3):
        produce_to(broker, topic, partition, 10)

    trimmed = ok_json(broker, "topic", "trim-prefix", topic, "-o", "4", "-p", "0")
    assert trimmed == [{"topic": topic, "partition": 0, "log_start_offset": 4}]
    out = ok(broker, "consume", topic, "-p", "0", "-o", "start", "-e")
    assert out.split() == [f"0-{i}" for i in range(4, 10)]

    # delete-records is the same command; -o end trims up to the high watermark.
    trimmed = ok_json(broker, "topic", "delete-records", topic, "-o", "end", "-p", "1,2")
    assert trimmed == [
        {"topic": topic, "partition": 1, "log_start_offset": 10},
        {"topic": topic, "partition": 2, "log_start_offset": 10},
    ]
    starts = [p["log_start_offset"] for p in ok_json(broker, "topic", "describe", topic)["partitions"]]
    assert starts == [4, 10, 10]

    # Beyond a high watermark: that partition fails, the others are trimmed, exit 1.
    produce_to(broker, topic, 2, 5)
    p = run(broker, "topic", "trim-prefix", topic, "-o", "12", "--format", "json")
    assert p.returncode == 1, p.stderr
    rows = {r["partition"]: r for r in json.loads(p.stdout)}
    assert "out of range" in rows[0]["error"].lower() and "out of range" in rows[1]["error"].lower()
    assert rows[2]["log_start_offset"] == 12
    assert "2 of 3 partition(s) failed" in p.stderr and len(p.stderr.strip().splitlines()) == 1

    assert "unknown partition" in fails(broker, 1, "topic", "trim-prefix", topic, "-o", "1", "-p", "7")
    assert "unknown topic" in fails(broker, 1, "topic", "trim-prefix", unique("cli-none"), "-o", "1")
    assert "--offset" in fails(broker, 2, "topic", "trim-prefix", topic, "-o", "soon")


def test_bad_arguments_exit_2(broker):
    for args in (
        ["topic", "create"],
        ["topic", "create", "x", "-p", "many"],
        ["topic", "create", unique("cli-bad"), "-c", "novalue"],
        ["topic", "list", "--format", "yaml"],
        ["topic", "list", "-X", "no.such.property=1"],
        ["topic"],
    ):
        p = run(broker, *args)
        assert p.returncode == 2, f"{args}: exit {p.returncode}\n{p.stderr}"


def test_unreachable_broker_is_exit_3_with_one_line(broker):
    p = run(broker, "topic", "list", "--brokers", "127.0.0.1:1", "--timeout", "3", brokers=False, timeout=30)
    assert p.returncode == 3, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gregor: cannot reach the brokers 127.0.0.1:1"), p.stderr


def test_verbose_shows_client_log(broker):
    p = run(broker, "topic", "list", "--brokers", "127.0.0.1:1", "--timeout", "2", "-v", brokers=False, timeout=30)
    assert p.returncode == 3
    assert len(p.stderr.strip().splitlines()) > 1


def test_brokers_from_environment(broker):
    topic = unique("cli-env")
    ok(broker, "topic", "create", topic)
    out = ok(broker, "topic", "list", "--format", "json", brokers=False, env={"GREGOR_BROKERS": broker.bootstrap})
    assert topic in out


def test_help_has_examples(broker):
    for args in (["topic", "create"], ["produce"], ["consume"], ["group", "reset-offsets"], ["bench", "produce"]):
        out = ok(broker, *args, "--help", brokers=False)
        assert "Examples:" in out and "--brokers" in out, args
