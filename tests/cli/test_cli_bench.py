"""gregor bench: short runs prove it works. Figures are printed, never asserted."""

import csv

from cli_util import ok, ok_json, unique


def test_bench_produce_consume_e2e(broker, tmp_path):
    topic = unique("cli-bench")
    produced = ok_json(broker, "bench", "produce", "-t", topic, "-n", "20000", "-s", "100", "-p", "2")
    print("bench produce:", produced)
    assert produced["records"] == 20000 and produced["errors"] == 0
    assert produced["bytes"] == 20000 * 100
    for key in ("p50", "p90", "p99", "p99.9", "max"):
        assert key in produced["latency_ms"]

    consumed = ok_json(broker, "bench", "consume", "-t", topic, "--consumers", "2")
    print("bench consume:", consumed)
    assert consumed["records"] == 20000

    csv_path = tmp_path / "e2e.csv"
    e2e = ok_json(broker, "bench", "e2e", "-t", topic, "-d", "2s", "--rate", "200", "--csv", str(csv_path))
    print("bench e2e:", e2e)
    assert e2e["records"] > 0 and e2e["errors"] == 0
    rows = list(csv.DictReader(csv_path.open()))
    assert rows and {"second", "records", "p99_ms"} <= set(rows[0])


def test_bench_text_summary(broker):
    out = ok(broker, "bench", "produce", "-t", unique("cli-bench-text"), "-d", "1s", "--acks", "1")
    print(out)
    assert "RECORDS/S" in out and "P99 MS" in out
