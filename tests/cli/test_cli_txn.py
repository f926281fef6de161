"""gregor transaction list|describe and gregor producer describe against a real broker, with
transactions made by a confluent-kafka transactional producer: one committed, one left open."""

import time

from confluent_kafka import Producer

from cli_util import fails, ok, ok_json, unique
from test_cli_completion import complete
from util import wait_until

TXN_TIMEOUT_MS = 60000


def txn_producer(bootstrap, txn_id):
    p = Producer({
        "bootstrap.servers": bootstrap,
        "transactional.id": txn_id,
        "linger.ms": 5,
        "transaction.timeout.ms": TXN_TIMEOUT_MS,
    })
    p.init_transactions(30)
    return p


def send(p, topic, partition, count):
    for i in range(count):
        p.produce(topic, value=f"v{i}".encode(), partition=partition)
    assert p.flush(30) == 0


def test_transactions_and_producers(txn_broker):
    b = txn_broker
    topic = unique("cli-txn")
    ok(b, "topic", "create", topic, "-p", "2")
    committed_id = unique("cli-txn-committed")
    open_id = unique("cli-txn-open")

    committed = txn_producer(b.bootstrap, committed_id)
    committed.begin_transaction()
    send(committed, topic, 0, 3)
    committed.commit_transaction(30)

    before = int(time.time() * 1000)
    pending = txn_producer(b.bootstrap, open_id)
    pending.begin_transaction()
    send(pending, topic, 1, 2)
    try:
        def listed_when_committed():
            # The commit's markers complete it a moment after commit_transaction returns.
            listed = {t["transactional_id"]: t for t in ok_json(b, "transaction", "list")}
            return listed if listed[committed_id]["state"] == "CompleteCommit" else None

        listed = wait_until(listed_when_committed, 20, what="CompleteCommit")
        assert listed[open_id]["state"] == "Ongoing"
        open_pid = listed[open_id]["producer_id"]
        committed_pid = listed[committed_id]["producer_id"]
        assert open_pid != committed_pid and open_pid >= 0

        only_ongoing = ok_json(b, "transaction", "list", "--state", "Ongoing")
        assert open_id in {t["transactional_id"] for t in only_ongoing}
        assert committed_id not in {t["transactional_id"] for t in only_ongoing}
        by_pid = ok_json(b, "transaction", "list", "--producer-id", str(committed_pid))
        assert [t["transactional_id"] for t in by_pid] == [committed_id]
        text = ok(b, "transaction", "list")
        assert text.splitlines()[0].split() == ["TRANSACTIONAL-ID", "PRODUCER-ID", "STATE"]
        assert open_id in text

        described = ok_json(b, "transaction", "describe", open_id)
        assert described["transactional_id"] == open_id
        assert described["state"] == "Ongoing"
        assert described["timeout_ms"] == TXN_TIMEOUT_MS
        assert described["producer_id"] == open_pid
        assert described["producer_epoch"] >= 0
        assert described["start_time_ms"] >= before - 1000
        assert described["partitions"] == [{"topic": topic, "partition": 1}]

        both = ok_json(b, "transaction", "describe", committed_id, open_id)
        assert [d["transactional_id"] for d in both] == [committed_id, open_id]
        assert both[0]["state"] == "CompleteCommit"
        assert both[0]["partitions"] == []
        text = ok(b, "transaction", "describe", open_id)
        assert "Ongoing" in text and topic in text

        producers = ok_json(b, "producer", "describe", topic)
        rows = {(r["partition"], r["producer_id"]): r for r in producers}
        done = rows[(0, committed_pid)]
        assert done["last_sequence"] == 2
        assert done["current_txn_start_offset"] is None
        ongoing = rows[(1, open_pid)]
        assert ongoing["last_sequence"] == 1
        assert ongoing["current_txn_start_offset"] == 0
        assert ongoing["producer_epoch"] == described["producer_epoch"]
        assert ongoing["last_timestamp"] >= before - 1000

        only_p1 = ok_json(b, "producer", "describe", topic, "-p", "1")
        assert {r["partition"] for r in only_p1} == {1}
        text = ok(b, "producer", "describe", topic)
        assert text.splitlines()[0].split() == [
            "PARTITION", "PRODUCER-ID", "EPOCH", "LAST-SEQUENCE", "LAST-TIMESTAMP",
            "COORDINATOR-EPOCH", "TXN-START-OFFSET",
        ]
    finally:
        pending.abort_transaction(30)

    wait_until(lambda: ok_json(b, "transaction", "describe", open_id)["state"] == "CompleteAbort", 20,
               what="CompleteAbort")


def test_unknown_ids_topics_and_partitions(txn_broker):
    b = txn_broker
    missing = unique("cli-txn-missing")
    line = fails(b, 1, "transaction", "describe", missing)
    assert line == f"gregor: unknown transactional id {missing}"
    assert "unknown topic" in fails(b, 1, "producer", "describe", unique("cli-no-topic"))
    topic = unique("cli-txn")
    ok(b, "topic", "create", topic)
    assert "unknown partition" in fails(b, 1, "producer", "describe", topic, "-p", "5")
    assert ok_json(b, "producer", "describe", topic) == []
    assert "PLAINTEXT" in fails(b, 2, "transaction", "list", "-X", "security.protocol=SSL")


def test_unreachable_broker(txn_broker):
    line = fails(txn_broker, 3, "transaction", "list", "--brokers", "127.0.0.1:1", "--timeout", "2",
                 brokers=False)
    assert line.startswith("gregor: ")


def test_completion():
    assert complete("gregor tr") == ["transaction"]
    assert complete("gregor transaction ") == ["list", "describe"]
    assert complete("gregor producer ") == ["describe"]
    assert "--producer-id" in complete("gregor transaction list --p")
    assert complete("gregor transaction list --state On") == ["Ongoing"]
    assert "--partition" in complete("gregor producer describe t --p")
