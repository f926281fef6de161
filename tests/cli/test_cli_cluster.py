"""gregor cluster info and gregor config get|set against a real broker."""

import json

from cli_util import ok, ok_json, run


def test_cluster_info(broker):
    info = ok_json(broker, "cluster", "info")
    assert info["cluster_id"]
    assert len(info["brokers"]) >= 1
    assert info["controller_id"] in {b["id"] for b in info["brokers"]}
    host, port = broker.bootstrap.rsplit(":", 1)
    assert any(b["port"] == int(port) for b in info["brokers"])
    apis = {a["name"]: a for a in info["api_versions"]}
    assert apis["Produce"]["key"] == 0
    assert apis["Metadata"]["max_version"] >= apis["Metadata"]["min_version"]
    assert "ApiVersions" in apis

    text = ok(broker, "cluster", "info")
    assert "CLUSTER ID" in text and "API VERSIONS" in text and "Produce" in text


def test_config_get_and_set(broker):
    p = run(broker, "config", "get", "--format", "json")
    assert p.returncode == 0, p.stderr
    entries = {e["name"]: e for e in json.loads(p.stdout)}
    assert {"log.retention.ms", "num.partitions", "log.dirs"} <= entries.keys()
    one = ok_json(broker, "config", "get", "num.partitions")
    assert [e["name"] for e in one] == ["num.partitions"]
    # A dynamic broker config (a topic default) changes at run time; it is harmless to the
    # other tests sharing this broker.
    changed = run(broker, "config", "set", "log.cleaner.delete.retention.ms=86400001")
    assert changed.returncode == 0, changed.stderr
    got = ok_json(broker, "config", "get", "log.cleaner.delete.retention.ms")
    assert [e["value"] for e in got] == ["86400001"], got
    assert got[0]["source"] == "DYNAMIC_BROKER_CONFIG", got
    # --delete removes the dynamic value: the static default is back.
    deleted = run(broker, "config", "set", "-d", "log.cleaner.delete.retention.ms")
    assert deleted.returncode == 0, deleted.stderr
    got = ok_json(broker, "config", "get", "log.cleaner.delete.retention.ms")
    assert [e["value"] for e in got] == ["86400000"], got
    # A static one is refused with Kafka's error, on one line.
    refused = run(broker, "config", "set", "num.partitions=3")
    assert refused.returncode == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "Cannot update these configs dynamically" in lines[0], refused.stderr
