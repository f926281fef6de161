"""gregor topic create|list|describe|delete|add-partitions|alter-config against a real broker."""

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
    # Brokers without DescribeConfigs still get partitions, with the reason for no configs.
    assert described["configs"] or "does not support" in described["configs_error"]

    text = ok(broker, "topic", "describe", topic)
    assert "PARTITION" in text and "HIGH-WATERMARK" in text

    assert ok_json(broker, "topic", "delete", topic) == [{"topic": topic, "status": "deleted"}]
    deadline = time.monotonic() + 10
    while topic in {t["name"] for t in ok_json(broker, "topic", "list")}:
        assert time.monotonic() < deadline, "deleted topic still listed"
        time.sleep(0.2)


def test_create_with_configs_and_text_output(broker):
    topic = unique("cli-cfg")
    out = ok(broker, "topic", "create", topic, "-p", "1", "-c", "retention.ms=3600000", "-c", "segment.bytes=1048576")
    assert out.splitlines() == ["TOPIC" + " " * (len(topic) - 3) + "STATUS", f"{topic}  created"]
    described = ok_json(broker, "topic", "describe", topic)
    if described["configs"]:
        configs = {c["name"]: c for c in described["configs"]}
        assert configs["retention.ms"]["value"] == "3600000"
        assert configs["retention.ms"]["source"] == "DYNAMIC_TOPIC_CONFIG"


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
