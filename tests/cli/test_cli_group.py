"""gregor group list|describe|delete|reset-offsets|delete-offsets against a real broker."""

from cli_util import fails, ok, ok_json, unique


def committed_group(broker, records=10, read=4):
    """A topic with `records` records and an empty group that committed after `read`."""
    topic = unique("cli-gt")
    group = unique("cli-g")
    ok(broker, "produce", topic, input="".join(f"{i}\n" for i in range(records)))
    ok(broker, "consume", topic, "-g", group, "-n", str(read))
    return topic, group


def offsets(described):
    return {(o["topic"], o["partition"]): o for o in described["offsets"]}


def test_list_and_describe(broker):
    topic, group = committed_group(broker)
    listed = {g["group"]: g for g in ok_json(broker, "group", "list")}
    assert listed[group]["state"] == "Empty"

    described = ok_json(broker, "group", "describe", group)
    assert described["group"] == group
    assert described["state"] == "Empty"
    assert described["members"] == []
    row = offsets(described)[(topic, 0)]
    assert row["current_offset"] == 4
    assert row["log_end_offset"] == 10
    assert row["lag"] == 6

    text = ok(broker, "group", "describe", group)
    assert "LAG" in text and topic in text


def test_reset_offsets_is_a_dry_run_unless_executed(broker):
    topic, group = committed_group(broker)
    plan = ok_json(broker, "group", "reset-offsets", group, "--topic", topic, "--to-earliest")
    assert plan["executed"] is False
    assert plan["partitions"] == [{"topic": topic, "partition": 0, "current_offset": 4, "new_offset": 0}]
    assert offsets(ok_json(broker, "group", "describe", group))[(topic, 0)]["current_offset"] == 4
    assert "dry run" in ok(broker, "group", "reset-offsets", group, "--topic", topic, "--to-latest")

    cases = [
        (["--to-earliest"], 0),
        (["--to-latest"], 10),
        (["--to-offset", "7"], 7),
        (["--to-offset", "99"], 10),  # kept within the log
        (["--shift-by", "-3"], 7),
        (["--to-timestamp", "0"], 0),
    ]
    for args, expected in cases:
        done = ok_json(broker, "group", "reset-offsets", group, "--topic", f"{topic}:0", *args, "--execute")
        assert done["executed"] is True
        assert done["partitions"][0]["new_offset"] == expected, args
        assert offsets(ok_json(broker, "group", "describe", group))[(topic, 0)]["current_offset"] == expected
    # The group now consumes from where it was reset.
    assert ok(broker, "consume", topic, "-g", group, "-n", "2").split() == ["0", "1"]


def test_reset_all_topics(broker):
    topic, group = committed_group(broker)
    done = ok_json(broker, "group", "reset-offsets", group, "--all-topics", "--to-latest", "--execute")
    assert done["partitions"] == [{"topic": topic, "partition": 0, "current_offset": 4, "new_offset": 10}]


def test_delete_offsets_and_group(broker):
    topic, group = committed_group(broker)
    ok(broker, "group", "delete-offsets", group, "--topic", topic)
    assert offsets(ok_json(broker, "group", "describe", group)).get((topic, 0), {}).get("current_offset") is None
    assert ok_json(broker, "group", "delete", group) == [{"group": group, "status": "deleted"}]
    assert group not in {g["group"] for g in ok_json(broker, "group", "list")}


def test_errors(broker):
    topic, group = committed_group(broker)
    assert fails(broker, 2, "group", "reset-offsets", group, "--topic", topic)  # no target
    assert fails(broker, 2, "group", "reset-offsets", group, "--to-earliest")  # no topic
    assert fails(broker, 2, "group", "reset-offsets", group, "--topic", f"{topic}:x", "--to-earliest")
    assert "unknown topic" in fails(broker, 1, "group", "reset-offsets", group, "--topic", unique("nope"), "--to-earliest")
    assert fails(broker, 1, "group", "delete", unique("no-such-group"))
