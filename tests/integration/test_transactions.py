"""Transactions with confluent-kafka (librdkafka) and, for what it lacks, the wire:

- committed and aborted transactions over two topics x three partitions, read back exactly by
  read_committed and read_uncommitted consumers, with one control batch per transaction and
  partition;
- send_offsets_to_transaction: the group's offsets become visible (OffsetFetch) only when the
  transaction commits, never when it aborts;
- fencing: a second producer with the same transactional.id aborts the first one's open
  transaction and the first gets a fatal fenced error;
- the coordinator aborts a transaction that outlives transaction.timeout.ms: nothing of it is
  read_committed, the last stable offset moves past it, its producer is fenced;
- ListOffsets with read_committed answers the last stable offset while a transaction is open;
- ListTransactions, DescribeTransactions and DescribeProducers (raw wire: the installed
  confluent-kafka has no admin calls for them).
"""

import time

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition

import ck
import kafka_wire
from txn_support import high_watermark, last_stable_offset, read_to_end, values
from util import unique_topic, wait_until

PARTITIONS = 3
OFFSET_INVALID = -1001
TRANSACTIONAL_ID_NOT_FOUND = 105
FENCED_CODES = (KafkaError._FENCED, KafkaError.PRODUCER_FENCED, KafkaError.INVALID_PRODUCER_EPOCH)


def txn_producer(bootstrap, txn_id, **conf):
    c = {
        "bootstrap.servers": bootstrap,
        "transactional.id": txn_id,
        "linger.ms": 5,
        "socket.timeout.ms": 10000,
        "message.timeout.ms": 20000,
        "transaction.timeout.ms": 30000,
    }
    c.update({k.replace("_", "."): v for k, v in conf.items()})
    p = Producer(c)
    p.init_transactions(30)
    return p


def group_consumer(bootstrap, group, isolation="read_uncommitted"):
    return Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "isolation.level": isolation,
        "enable.auto.commit": False,
        "socket.timeout.ms": 10000,
    })


def kafka_error(exc_info):
    e = exc_info.value
    assert isinstance(e, KafkaException), f"not a KafkaException: {e!r}"
    return e.args[0]


def assert_fenced(p, who):
    """commit_transaction fails with a fenced error that is fatal, at once or (librdkafka treats
    a fenced Produce as abortable) when the transaction is then aborted."""
    with pytest.raises(KafkaException) as ei:
        p.commit_transaction(15)
    err = kafka_error(ei)
    print(f"\n[fencing] {who}'s commit: {err.name()} fatal={err.fatal()} abortable={err.txn_requires_abort()} "
          f"({err.str()})")
    assert err.code() in FENCED_CODES, f"{who}: not a fenced error: {err.name()} {err.str()}"
    if not err.fatal():
        assert err.txn_requires_abort(), f"{who}: neither fatal nor abortable: {err.name()} {err.str()}"
        with pytest.raises(KafkaException) as ei:
            p.abort_transaction(15)
        err = kafka_error(ei)
        print(f"[fencing] {who}'s abort: {err.name()} fatal={err.fatal()} ({err.str()})")
        assert err.fatal() and err.code() in FENCED_CODES, f"{who}: abort after fencing: {err.name()} {err.str()}"


def _make_topics(bootstrap, n, prefix, partitions=PARTITIONS):
    names = [unique_topic(f"{prefix}{i}") for i in range(n)]
    for t in names:
        assert ck.create_topic(bootstrap, t, partitions=partitions) is None
    return names


def test_commit_and_abort_visibility(txn_broker):
    bs = txn_broker.bootstrap
    topics = _make_topics(bs, 2, "txn-vis")
    tps = [(t, p) for t in topics for p in range(PARTITIONS)]
    p = txn_producer(bs, unique_topic("tid-vis"))
    plain = Producer({"bootstrap.servers": bs, "acks": "all", "linger.ms": 1})
    expect_committed = {tp: [] for tp in tps}
    expect_all = {tp: [] for tp in tps}
    for tag, commit in (("c1", True), ("a1", False), ("plain", None), ("c2", True), ("a2", False), ("c3", True)):
        producer = plain if commit is None else p
        if commit is not None:
            p.begin_transaction()
        for t, part in tps:
            for i in range(4):
                v = f"{tag}:{t[-6:]}:{part}:{i}".encode()
                producer.produce(t, value=v, partition=part)
                expect_all[(t, part)].append(v)
                if commit is not False:
                    expect_committed[(t, part)].append(v)
        producer.flush(30)  # the aborted records reach the log too
        if commit is True:
            p.commit_transaction(30)
        elif commit is False:
            p.abort_transaction(30)

    committed = read_to_end(bs, tps, "read_committed")
    uncommitted = read_to_end(bs, tps, "read_uncommitted")
    for tp in tps:
        assert values(committed[tp]) == expect_committed[tp], f"{tp}: read_committed"
        assert values(uncommitted[tp]) == expect_all[tp], f"{tp}: read_uncommitted"
        assert last_stable_offset(bs, *tp) == high_watermark(bs, *tp), f"{tp}: LSO below HW with no open txn"
        batches = kafka_wire.stored_batches(bs, tp[0], tp[1])
        control = [b for b in batches if b["control"]]
        assert len(control) == 5, f"{tp}: {len(control)} control batches for 5 transactions: {batches}"
        assert all(b["transactional"] and b["count"] == 1 for b in control), f"{tp}: markers {control}"
        data_pids = {b["producer_id"] for b in batches if b["transactional"] and not b["control"]}
        assert len(data_pids) == 1 and data_pids == {b["producer_id"] for b in control}


def _committed(bootstrap, group, tps, isolation="read_uncommitted", timeout_s=10):
    c = group_consumer(bootstrap, group, isolation)
    try:
        return {(x.topic, x.partition): x.offset
                for x in c.committed([TopicPartition(t, p) for t, p in tps], timeout=timeout_s)}
    finally:
        c.close()


def test_send_offsets_visible_only_after_commit(txn_broker):
    bs = txn_broker.bootstrap
    src, out = _make_topics(bs, 2, "txn-off", partitions=2)
    group = unique_topic("txn-group")
    tps = [(src, 0), (src, 1)]
    meta_consumer = group_consumer(bs, group)
    try:
        meta = meta_consumer.consumer_group_metadata()
        p = txn_producer(bs, unique_topic("tid-off"))
        p.begin_transaction()
        p.produce(out, value=b"with-offsets-1", partition=0)
        p.send_offsets_to_transaction([TopicPartition(src, 0, 7), TopicPartition(src, 1, 3)], meta, 30)
        p.flush(30)
        assert _committed(bs, group, tps) == {(src, 0): OFFSET_INVALID, (src, 1): OFFSET_INVALID}, (
            "offsets of an open transaction visible to OffsetFetch")
        # A read_committed consumer asks with require_stable: the broker answers
        # UNSTABLE_OFFSET_COMMIT until the transaction ends, librdkafka retries until its timeout.
        t0 = time.monotonic()
        try:
            stable = _committed(bs, group, tps, "read_committed", timeout_s=3)
        except KafkaException as e:
            stable = f"error {e.args[0].name()}"
        print(f"\n[txn offsets] require_stable OffsetFetch during the transaction: {stable} "
              f"after {time.monotonic() - t0:.1f}s")
        assert stable != {(src, 0): 7, (src, 1): 3}, "require_stable OffsetFetch returned pending offsets"
        p.commit_transaction(30)
        # EndTxn answers once the commit is decided; the markers that make the offsets
        # visible are written right after.
        wait_until(lambda: _committed(bs, group, tps) == {(src, 0): 7, (src, 1): 3}, 10,
                   what="the transaction's offsets after the commit")
        assert _committed(bs, group, tps, "read_committed") == {(src, 0): 7, (src, 1): 3}

        p.begin_transaction()
        p.produce(out, value=b"with-offsets-2", partition=0)
        p.send_offsets_to_transaction([TopicPartition(src, 0, 9), TopicPartition(src, 1, 9)], meta, 30)
        p.abort_transaction(30)
        assert _committed(bs, group, tps) == {(src, 0): 7, (src, 1): 3}, "offsets of an aborted transaction"
        assert _committed(bs, group, tps, "read_committed") == {(src, 0): 7, (src, 1): 3}
        got = read_to_end(bs, [(out, 0)], "read_committed")[(out, 0)]
        assert values(got) == [b"with-offsets-1"]
    finally:
        meta_consumer.close()


def test_second_producer_fences_the_first(txn_broker):
    bs = txn_broker.bootstrap
    (topic,) = _make_topics(bs, 1, "txn-fence", partitions=1)
    tid = unique_topic("tid-fence")
    p1 = txn_producer(bs, tid)
    p1.begin_transaction()
    p1.produce(topic, value=b"p1-a", partition=0)
    p1.flush(30)
    p2 = txn_producer(bs, tid)  # aborts p1's open transaction and bumps the epoch
    p2.begin_transaction()
    p2.produce(topic, value=b"p2-a", partition=0)
    p2.commit_transaction(30)

    p1.produce(topic, value=b"p1-b", partition=0)
    assert_fenced(p1, "first producer")

    assert values(read_to_end(bs, [(topic, 0)], "read_committed")[(topic, 0)]) == [b"p2-a"]
    all_values = values(read_to_end(bs, [(topic, 0)], "read_uncommitted")[(topic, 0)])
    assert all_values == [b"p1-a", b"p2-a"], f"log holds {all_values} (a fenced write was stored?)"


def test_coordinator_aborts_a_timed_out_transaction(txn_broker):
    bs = txn_broker.bootstrap
    (topic,) = _make_topics(bs, 1, "txn-timeout", partitions=1)
    tid = unique_topic("tid-timeout")
    p = txn_producer(bs, tid, transaction_timeout_ms=3000, message_timeout_ms=3000, socket_timeout_ms=3000)
    p.begin_transaction()
    for i in range(5):
        p.produce(topic, value=f"stalled-{i}".encode(), partition=0)
    assert p.flush(10) == 0
    t_written = time.monotonic()
    assert high_watermark(bs, topic, 0) == 5
    assert last_stable_offset(bs, topic, 0) == 0, "LSO of a partition whose only transaction is open"
    # The producer stalls; the coordinator must abort within the timeout plus its 500 ms scan.
    wait_until(lambda: last_stable_offset(bs, topic, 0) == 6 and high_watermark(bs, topic, 0) == 6, 20,
               interval_s=0.2, what="the abort marker and the LSO past the stalled transaction")
    took = time.monotonic() - t_written
    print(f"\n[txn timeout] aborted {took:.1f}s after the records were written (timeout 3 s)")
    assert took >= 2.0, f"aborted after {took:.1f}s, before its 3 s timeout"
    # The markers are written before the CompleteAbort record, so the state may lag a little.
    wait_until(lambda: kafka_wire.describe_transactions(bs, [tid])[0]["state"] == "CompleteAbort", 10,
               what=f"CompleteAbort ({kafka_wire.describe_transactions(bs, [tid])})")

    other = txn_producer(bs, unique_topic("tid-after"))
    other.begin_transaction()
    other.produce(topic, value=b"after", partition=0)
    other.commit_transaction(30)
    assert values(read_to_end(bs, [(topic, 0)], "read_committed")[(topic, 0)]) == [b"after"]
    c = Consumer({"bootstrap.servers": bs, "group.id": "gregor-it-unused", "isolation.level": "read_committed",
                  "enable.auto.commit": False, "fetch.wait.max.ms": 100})
    try:
        c.assign([TopicPartition(topic, 0, 0)])
        got = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and c.position([TopicPartition(topic, 0)])[0].offset < 8:
            got += [m.value() for m in c.consume(10, 0.2) if not m.error()]
        pos = c.position([TopicPartition(topic, 0)])[0].offset
    finally:
        c.close()
    assert got == [b"after"] and pos == 8, f"read_committed consumer read {got}, position {pos} (HW 8)"

    assert_fenced(p, "the stalled producer")


def test_list_offsets_read_committed_is_the_lso(txn_broker):
    bs = txn_broker.bootstrap
    (topic,) = _make_topics(bs, 1, "txn-lso", partitions=1)
    plain = Producer({"bootstrap.servers": bs, "acks": "all"})
    for i in range(3):
        plain.produce(topic, value=f"plain-{i}".encode(), partition=0)
    plain.flush(10)
    p = txn_producer(bs, unique_topic("tid-lso"))
    p.begin_transaction()
    for i in range(4):
        p.produce(topic, value=f"open-{i}".encode(), partition=0)
    p.flush(10)
    assert kafka_wire.list_offsets_v2(bs, topic, 0, -1, kafka_wire.READ_UNCOMMITTED) == (0, -1, 7)
    assert kafka_wire.list_offsets_v2(bs, topic, 0, -1, kafka_wire.READ_COMMITTED) == (0, -1, 3)
    assert kafka_wire.list_offsets_v2(bs, topic, 0, -2, kafka_wire.READ_COMMITTED) == (0, -1, 0)
    for isolation, want in (("read_committed", 3), ("read_uncommitted", 7)):
        c = group_consumer(bs, "gregor-it-unused", isolation)
        try:
            low, high = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10, cached=False)
        finally:
            c.close()
        assert (low, high) == (0, want), f"librdkafka {isolation} watermarks {(low, high)}, expected (0, {want})"
    with kafka_wire.Conn(bs) as conn:
        f = kafka_wire.fetch_v4_full(conn, topic, 0, 0, kafka_wire.READ_COMMITTED)
    assert f["error"] == 0 and f["high_watermark"] == 7 and f["last_stable_offset"] == 3, f
    got = [b["last_offset"] for b in kafka_wire.parse_batches(f["records"])]
    assert got and max(got) < 3, f"read_committed Fetch returned batches up to {got} past the LSO 3"
    p.commit_transaction(30)
    wait_until(lambda: kafka_wire.list_offsets_v2(bs, topic, 0, -1, kafka_wire.READ_COMMITTED) == (0, -1, 8), 10,
               what="the LSO at 8 after the commit marker")
    assert values(read_to_end(bs, [(topic, 0)], "read_committed")[(topic, 0)]) == (
        [f"plain-{i}".encode() for i in range(3)] + [f"open-{i}".encode() for i in range(4)])


def test_transaction_admin_apis(txn_broker):
    bs = txn_broker.bootstrap
    (topic,) = _make_topics(bs, 1, "txn-admin", partitions=3)
    tid = unique_topic("tid-admin")
    p = txn_producer(bs, tid, transaction_timeout_ms=45000)
    p.begin_transaction()
    t_begin_ms = int(time.time() * 1000)
    for part in (0, 1):
        p.produce(topic, value=b"x", partition=part)
    p.flush(10)

    (d,) = kafka_wire.describe_transactions(bs, [tid])
    assert d["error"] == 0 and d["transactional_id"] == tid, d
    assert d["state"] == "Ongoing" and d["timeout_ms"] == 45000, d
    assert d["topics"] == {topic: [0, 1]}, d
    assert abs(d["start_time_ms"] - t_begin_ms) < 10000, d
    pid, epoch = d["producer_id"], d["producer_epoch"]
    (stored,) = kafka_wire.stored_batches(bs, topic, 0)
    assert (stored["producer_id"], stored["producer_epoch"]) == (pid, epoch), (stored, d)

    (unknown,) = kafka_wire.describe_transactions(bs, [tid + "-nope"])
    assert unknown["error"] == TRANSACTIONAL_ID_NOT_FOUND, unknown

    err, unknown_states, listed = kafka_wire.list_transactions(bs)
    assert err == 0 and unknown_states == [] and (tid, pid, "Ongoing") in listed, listed
    err, _, listed = kafka_wire.list_transactions(bs, states=["Ongoing"], producer_ids=[pid])
    assert (err, listed) == (0, [(tid, pid, "Ongoing")])
    err, _, listed = kafka_wire.list_transactions(bs, states=["CompleteCommit"], producer_ids=[pid])
    assert (err, listed) == (0, [])
    err, unknown_states, _ = kafka_wire.list_transactions(bs, states=["Bogus"])
    assert err == 0 and unknown_states == ["Bogus"]
    err, _, listed = kafka_wire.list_transactions(bs, producer_ids=[pid], duration_ms=0)
    assert (err, listed) == (0, [(tid, pid, "Ongoing")]), "duration filter 0"
    err, _, listed = kafka_wire.list_transactions(bs, producer_ids=[pid], duration_ms=3_600_000)
    assert (err, listed) == (0, []), "a transaction younger than the duration filter was listed"

    parts = kafka_wire.describe_producers(bs, topic, [0, 1, 2])
    for part in (0, 1):
        perr, active = parts[part]
        assert perr == 0 and len(active) == 1, (part, parts[part])
        a = active[0]
        assert (a["producer_id"], a["producer_epoch"], a["current_txn_start_offset"]) == (pid, epoch, 0), a
        assert a["last_sequence"] == 0 and a["last_timestamp"] > 0, a
    assert parts[2] == (0, []), parts[2]

    p.commit_transaction(30)
    # EndTxn answers in PrepareCommit; CompleteCommit follows once the markers are written.
    wait_until(lambda: kafka_wire.describe_transactions(bs, [tid])[0]["state"] == "CompleteCommit", 10,
               what=f"CompleteCommit ({kafka_wire.describe_transactions(bs, [tid])})")
    (d,) = kafka_wire.describe_transactions(bs, [tid])
    assert d["topics"] == {}, d
    err, _, listed = kafka_wire.list_transactions(bs, producer_ids=[pid])
    assert (err, listed) == (0, [(tid, pid, "CompleteCommit")])
    for part in (0, 1):
        (a,) = kafka_wire.describe_producers(bs, topic, [part])[part][1]
        assert a["current_txn_start_offset"] == -1, a
