"""Exactly-once consume-transform-produce under crashes.

A loop process (this file run as a script, see loop_main) reads an input topic of N numbered
records with a read_committed consumer in a group (static membership, so a restarted loop
takes its partitions back at once), and for each small batch writes one output record per
input record, sends the consumed offsets with send_offsets_to_transaction and commits. The
test SIGKILLs the loop process at random moments (several times) and starts it again, and
also SIGKILLs the broker and restarts it. At the end a read_committed consumer of the output
must see every input record exactly once, and nothing else.
"""

import collections
import json
import os
import random
import subprocess
import sys
import threading
import time

from confluent_kafka import Producer, TopicPartition

import ck
from txn_support import read_to_end
from util import unique_topic

RECORDS = int(os.environ.get("GREGOR_EOS_RECORDS", "20000"))
PARTITIONS = 4
BATCH = 100
LOOP_KILLS = 4
BROKER_KILLS = 2
DEADLINE_S = 150
MAX_OWN_EXITS = 10  # fatal errors in the loop process: each is a failure to report, not retry forever
LOOP_LIFETIME_S = 200  # a loop process exits by itself after this, whatever happens


# --------------------------------------------------------------------------------------
# The loop process
# --------------------------------------------------------------------------------------


def loop_main(spec):
    from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException
    from confluent_kafka import Producer as TxnProducer

    t_end = time.monotonic() + LOOP_LIFETIME_S

    def emit(ev, **kw):
        kw.update(ev=ev, t=round(time.time(), 3))
        sys.stdout.write(json.dumps(kw) + "\n")
        sys.stdout.flush()

    quit_ev = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            if line.strip() == "quit":
                break
        quit_ev.set()

    threading.Thread(target=read_stdin, daemon=True).start()
    common = {"bootstrap.servers": spec["bootstrap"], "socket.timeout.ms": 10000, "log_level": 2,
              "reconnect.backoff.ms": 50, "reconnect.backoff.max.ms": 500}
    producer = TxnProducer({**common, "transactional.id": spec["txn_id"], "linger.ms": 5,
                            "transaction.timeout.ms": 20000, "message.timeout.ms": 20000})
    producer.init_transactions(60)
    emit("initialized")
    consumer = Consumer({**common, "group.id": spec["group"], "group.instance.id": "eos-loop",
                         "isolation.level": "read_committed", "enable.auto.commit": False,
                         "auto.offset.reset": "earliest", "session.timeout.ms": 6000,
                         "heartbeat.interval.ms": 500, "fetch.wait.max.ms": 100})
    consumer.subscribe([spec["input"]])

    def rewind():
        assigned = consumer.assignment()
        for tp in consumer.committed(assigned, timeout=30):
            consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))
        emit("rewound", parts=len(assigned))

    def commit():
        for _ in range(20):
            try:
                producer.commit_transaction(30)
                return
            except KafkaException as e:
                if not e.args[0].retriable():
                    raise
                emit("commit_retry", err=e.args[0].name())
        raise RuntimeError("commit still failing after 20 retries")

    while not quit_ev.is_set() and time.monotonic() < t_end:
        msgs = consumer.consume(BATCH, 0.3)
        for m in msgs:
            if m.error():
                emit("consume_error", err=str(m.error()))
        msgs = [m for m in msgs if not m.error()]
        if not msgs:
            continue
        try:
            producer.begin_transaction()
            ends = {}
            for m in msgs:
                producer.produce(spec["output"], key=m.key(), value=b"out:" + m.value(), partition=m.partition())
                ends[m.partition()] = m.offset() + 1
            offsets = [TopicPartition(spec["input"], p, o) for p, o in sorted(ends.items())]
            producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 30)
            commit()
            emit("commit", n=len(msgs))
        except KafkaException as e:
            err = e.args[0]
            emit("txn_error", err=err.name(), fatal=err.fatal(), abortable=err.txn_requires_abort(), s=err.str())
            if err.fatal():
                sys.exit(3)
            producer.abort_transaction(30)
            rewind()
    consumer.close()
    emit("closed")


# --------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------


class LoopProcess:
    """One run of loop_main as a child process; its JSON lines are collected by a thread."""

    def __init__(self, spec, events):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.events = events
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.events.append(json.loads(line))
            except ValueError:
                self.events.append({"ev": "output", "line": line.rstrip()})

    def kill(self):
        self.proc.kill()
        self.proc.wait(30)
        self.reader.join(10)

    def quit(self, timeout_s=60):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass
        try:
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
        self.reader.join(10)
        return self.proc.returncode


def _committed_total(consumer, tps):
    try:
        return sum(max(tp.offset, 0) for tp in consumer.committed(tps, timeout=5))
    except Exception:  # the broker may be down right now
        return None


def test_eos_loop_survives_loop_and_broker_kills(fresh_txn_broker):
    b = fresh_txn_broker
    rng = random.Random(int(os.environ.get("GREGOR_CRASH_SEED", str(int(time.time())))))
    src, out = unique_topic("eos-in"), unique_topic("eos-out")
    for t in (src, out):
        assert ck.create_topic(b.bootstrap, t, partitions=PARTITIONS) is None
    p = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 5})
    for i in range(RECORDS):
        p.produce(src, key=f"k{i}".encode(), value=f"{i:07d}".encode(), partition=i % PARTITIONS)
        if i % 1000 == 0:
            p.poll(0)
    assert p.flush(60) == 0
    spec = {"bootstrap": b.bootstrap, "input": src, "output": out, "group": unique_topic("eos-group"),
            "txn_id": unique_topic("eos-tid")}
    tps = [TopicPartition(src, part) for part in range(PARTITIONS)]
    watcher = ck.consumer(b.bootstrap, group_id=spec["group"], isolation_level="read_uncommitted")
    events = []
    plan = ["loop"] * LOOP_KILLS + ["broker"] * BROKER_KILLS
    rng.shuffle(plan)
    started = time.monotonic()

    def restart_exited(old):
        """A loop process that exited by itself is started again, unless that keeps happening."""
        exits = sum(1 for e in events if e.get("ev") == "exited")
        events.append({"ev": "exited", "code": old.proc.returncode})
        assert exits < MAX_OWN_EXITS, (
            f"the loop process exited by itself {exits + 1} times (code {old.proc.returncode}); "
            f"last events {events[-8:]}")
        time.sleep(1.0)
        return LoopProcess(spec, events)

    loop = LoopProcess(spec, events)
    loop_starts, restarts_after_exit, done_at = 1, 0, None
    try:
        for i, what in enumerate(plan):
            threshold = RECORDS * (i + 1) // (len(plan) + 2)
            while (_committed_total(watcher, tps) or 0) < threshold:
                assert time.monotonic() - started < DEADLINE_S, (
                    f"only {_committed_total(watcher, tps)} of {RECORDS} input records committed after "
                    f"{DEADLINE_S}s, before kill #{i + 1}; last loop events {events[-8:]}")
                if loop.proc.poll() is not None:  # exited by itself (a fatal error): start again
                    loop, restarts_after_exit = restart_exited(loop), restarts_after_exit + 1
                    loop_starts += 1
                time.sleep(0.1)
            time.sleep(rng.uniform(0.0, 0.5))
            if what == "loop":
                loop.kill()
                loop, loop_starts = LoopProcess(spec, events), loop_starts + 1
            else:
                b.kill()
                b.start()
        while (_committed_total(watcher, tps) or 0) < RECORDS:
            assert time.monotonic() - started < DEADLINE_S, (
                f"only {_committed_total(watcher, tps)} of {RECORDS} input records committed after "
                f"{DEADLINE_S}s; last loop events {events[-8:]}")
            if loop.proc.poll() is not None:
                loop, restarts_after_exit = restart_exited(loop), restarts_after_exit + 1
                loop_starts += 1
            time.sleep(0.2)
        done_at = time.monotonic() - started
    finally:
        code = loop.quit()
        watcher.close()
    assert code == 0, f"the last loop process exited with {code}; last events {events[-8:]}"

    got = read_to_end(b.bootstrap, [(out, part) for part in range(PARTITIONS)], "read_committed", timeout_s=60)
    ids = collections.Counter()
    foreign = []
    for (_, part), recs in got.items():
        for _, v in recs:
            if v.startswith(b"out:") and v[4:].isdigit() and int(v[4:]) < RECORDS and int(v[4:]) % PARTITIONS == part:
                ids[int(v[4:])] += 1
            else:
                foreign.append((part, v))
    missing = [i for i in range(RECORDS) if ids[i] == 0]
    dups = {i: n for i, n in ids.items() if n > 1}
    counts = collections.Counter(e.get("ev") for e in events)
    print(f"\n[eos loop] {RECORDS} records in {done_at:.1f}s; loop killed {plan.count('loop')} times, broker "
          f"killed {plan.count('broker')} times, {loop_starts} loop starts ({restarts_after_exit} after an exit "
          f"of its own); {counts['commit']} commits, {counts['txn_error']} transaction errors, "
          f"{counts['commit_retry']} commit retries; output: {sum(ids.values())} records read_committed")
    for e in [e for e in events if e.get("ev") in ("txn_error", "output")][:10]:
        print(f"  {e}")
    assert not foreign, f"{len(foreign)} output records that are no input record, first {foreign[:5]}"
    assert not missing, f"{len(missing)} input records missing from the output, first {missing[:10]}"
    assert not dups, f"{len(dups)} input records in the output more than once, first {list(dups.items())[:10]}"


if __name__ == "__main__":
    loop_main(json.loads(sys.argv[1]))
