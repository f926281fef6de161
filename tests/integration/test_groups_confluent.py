"""Consumer groups with confluent-kafka-python (librdkafka): a group of consumers sharing a
6-partition topic, rebalances on join, leave and kill -9 of a member, every assignor
librdkafka offers, static membership, manual and automatic commits, and resuming from
committed offsets across a broker kill -9.

Each group member is a separate process (this file run as a script, see worker_main),
so that one can be killed with SIGKILL like a crashed application. A member commits
every record synchronously after reading it and reports each event as a JSON line:
what it was assigned, what it read and what the broker confirmed as committed. From
those lines the tests check that no record is lost and that no record is read again
after a commit covering it was confirmed.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import TopicPartition

import ck
from util import unique_topic, wait_until

PARTITIONS = 6
SESSION_MS = 3000  # the group brokers accept >= 1000 (group.min.session.timeout.ms)
HEARTBEAT_MS = 300
WORKER_LIFETIME_S = 150  # a member exits by itself after this, whatever happens


# --------------------------------------------------------------------------------------
# The member process
# --------------------------------------------------------------------------------------


def worker_main(spec):
    """Runs one group member until "quit" on stdin (close: a clean leave) or its lifetime ends."""
    from confluent_kafka import Consumer, KafkaException

    t_end = time.monotonic() + spec.get("lifetime_s", WORKER_LIFETIME_S)
    lock = threading.Lock()

    def emit(ev, **kw):
        kw.update(ev=ev, t=time.time())
        with lock:
            sys.stdout.write(json.dumps(kw) + "\n")
            sys.stdout.flush()

    quit_ev = threading.Event()

    def read_stdin():
        for line in sys.stdin:
            if line.strip() == "quit":
                break
        quit_ev.set()

    threading.Thread(target=read_stdin, daemon=True).start()

    conf = {
        "bootstrap.servers": spec["bootstrap"],
        "group.id": spec["group"],
        "client.id": spec["name"],
        "session.timeout.ms": SESSION_MS,
        "heartbeat.interval.ms": HEARTBEAT_MS,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "enable.partition.eof": False,
        "fetch.wait.max.ms": 100,
        "socket.timeout.ms": 10000,
        "topic.metadata.refresh.interval.ms": 2000,
    }
    conf.update(spec.get("conf", {}))
    auto_commit = conf["enable.auto.commit"] in (True, "true")
    c = Consumer(conf)

    def on_assign(consumer, parts):
        emit("assign_cb", parts=sorted(tp.partition for tp in parts))

    def on_revoke(consumer, parts):
        emit("revoke_cb", parts=sorted(tp.partition for tp in parts))

    def on_lost(consumer, parts):
        emit("lost_cb", parts=sorted(tp.partition for tp in parts))

    c.subscribe([spec["topic"]], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    emit("started")
    last_assignment = None
    try:
        while not quit_ev.is_set() and time.monotonic() < t_end:
            m = c.poll(0.05)
            try:
                now = sorted(tp.partition for tp in c.assignment())
            except KafkaException:
                now = last_assignment
            if now != last_assignment:
                emit("assignment", parts=now)
                last_assignment = now
            if m is None:
                continue
            if m.error():
                emit("error", err=str(m.error()))
                continue
            emit("msg", p=m.partition(), o=m.offset(), v=m.value().decode())
            if not auto_commit:
                try:
                    (tp,) = c.commit(message=m, asynchronous=False)
                    if tp.error is None:
                        emit("committed", p=tp.partition, o=tp.offset)
                    else:
                        emit("commit_failed", p=m.partition(), o=m.offset() + 1, err=str(tp.error))
                except KafkaException as e:
                    emit("commit_failed", p=m.partition(), o=m.offset() + 1, err=str(e))
    finally:
        c.close()
        emit("closed")


# --------------------------------------------------------------------------------------
# The test side
# --------------------------------------------------------------------------------------


class Member:
    """One member process and everything it has reported so far."""

    def __init__(self, bootstrap, group, topic, name, conf=None):
        spec = {"bootstrap": bootstrap, "group": group, "topic": topic, "name": name, "conf": conf or {}}
        self.name = name
        self.events = []
        self.stderr = []
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, True), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, False), daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _read(self, stream, is_events):
        for line in stream:
            with self._lock:
                if is_events:
                    try:
                        self.events.append(json.loads(line))
                    except ValueError:
                        self.stderr.append(line)
                else:
                    self.stderr.append(line)

    def snapshot(self, ev=None):
        with self._lock:
            return [e for e in self.events if ev is None or e["ev"] == ev]

    def assignment(self):
        a = self.snapshot("assignment")
        return a[-1]["parts"] if a else None

    def callbacks(self):
        return [e for e in self.snapshot() if e["ev"] in ("assign_cb", "revoke_cb", "lost_cb")]

    def alive(self):
        return self.proc.poll() is None

    def close(self, timeout_s=30):
        """Asks for a clean close (the member leaves the group) and waits for the exit."""
        if self.alive():
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"{self.name} did not close within {timeout_s}s\n{self.describe()}")
        for t in self._threads:
            t.join(5)
        assert self.proc.returncode == 0, f"{self.name} exited {self.proc.returncode}\n{self.describe()}"

    def kill(self):
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        for t in self._threads:
            t.join(5)

    def describe(self):
        evs = self.snapshot()
        short = [e for e in evs if e["ev"] not in ("msg", "committed")]
        return (
            f"--- {self.name}: {len(evs)} events, {len(self.snapshot('msg'))} records read; "
            f"non-record events: {short[-30:]}\nstderr: {''.join(self.stderr[-20:])}"
        )


class Group:
    """The members of one consumer group on one topic, and checks over all of them."""

    def __init__(self, bootstrap, topic, group, conf=None):
        self.bootstrap, self.topic, self.group, self.conf = bootstrap, topic, group, conf or {}
        self.members = {}
        self.gone = []  # members that closed or were killed, kept for their events

    def start(self, name, conf=None):
        m = Member(self.bootstrap, self.group, self.topic, name, {**self.conf, **(conf or {})})
        self.members[name] = m
        return m

    def stop(self, name, kill=False):
        m = self.members.pop(name)
        m.kill() if kill else m.close()
        self.gone.append(m)
        return m

    def all_members(self):
        return list(self.members.values()) + self.gone

    def describe(self):
        return "\n".join(m.describe() for m in self.all_members())

    def wait_balanced(self, timeout_s=45, shape=None):
        """Waits until the live members own all partitions, disjointly, as evenly as possible."""
        n = len(self.members)
        lo, hi = PARTITIONS // n, -(-PARTITIONS // n)

        def balanced():
            sets = {name: m.assignment() for name, m in self.members.items()}
            if any(s is None for s in sets.values()):
                return None
            flat = [p for s in sets.values() for p in s]
            if sorted(flat) != list(range(PARTITIONS)):
                return None
            if not all(lo <= len(s) <= hi for s in sets.values()):
                return None
            return sets

        try:
            sets = wait_until(balanced, timeout_s, what=f"{n} members to share {PARTITIONS} partitions")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.describe()}") from None
        for m in self.members.values():
            assert m.alive(), f"{m.name} exited\n{m.describe()}"
        if shape:
            for name, s in sets.items():
                assert shape(s, n), f"{name} was assigned {s}, not a {shape.__name__} assignment: {sets}"
        return sets

    def reads(self):
        """[(t, member, partition, offset, value)] over every member, in time order."""
        out = []
        for m in self.all_members():
            out += [(e["t"], m.name, e["p"], e["o"], e["v"]) for e in m.snapshot("msg")]
        return sorted(out)

    def wait_read(self, produced, timeout_s=30):
        """Waits until every produced (partition, offset) has been read by some member."""
        want = set(produced)

        def done():
            missing = want - {(p, o) for _, _, p, o, _ in self.reads()}
            return not missing or None

        try:
            wait_until(done, timeout_s, what=f"{len(want)} records to be read by the group")
        except AssertionError:
            missing = sorted(want - {(p, o) for _, _, p, o, _ in self.reads()})
            raise AssertionError(
                f"{len(missing)} produced records never read, first {missing[:10]}\n{self.describe()}"
            ) from None

    def check_reads(self, produced):
        """Nothing lost, values as produced, and nothing read again after its commit was confirmed."""
        reads = self.reads()
        got = {}
        for t, name, p, o, v in reads:
            got.setdefault((p, o), []).append((t, name, v))
        missing = sorted(set(produced) - set(got))
        assert not missing, f"records never read: {missing[:10]}\n{self.describe()}"
        extra = sorted(set(got) - set(produced))
        assert not extra, f"records read that were never produced: {extra[:10]}"
        for key, rs in got.items():
            assert all(v == produced[key] for _, _, v in rs), f"{key}: read {rs}, produced {produced[key]!r}"
        commits = {}
        for m in self.all_members():
            commits[m.name] = [(e["t"], e["p"], e["o"]) for e in m.snapshot("committed")]
        twice = []
        for (p, o), rs in got.items():
            for (t1, n1, _), (t2, n2, _) in zip(rs, rs[1:]):
                confirmed = [c for c in commits[n1] if c[1] == p and c[2] > o and c[0] < t2]
                if confirmed:
                    twice.append(((p, o), n1, n2, confirmed[0]))
        assert not twice, (
            "records read again after a commit covering them was confirmed "
            f"((partition, offset), first reader, second reader, commit): {twice[:10]}\n{self.describe()}"
        )
        dups = sum(len(rs) - 1 for rs in got.values())
        print(f"\n[groups] {len(got)} records read by {len(self.all_members())} members; {dups} read twice (uncommitted)")

    def close_all(self):
        for name in list(self.members):
            self.stop(name)

    def kill_all(self):
        for name in list(self.members):
            m = self.members.pop(name)
            m.kill()
            self.gone.append(m)


@pytest.fixture
def groups():
    """Yields a factory of Group; every member still running at the end is killed."""
    made = []

    def make(*args, **kw):
        g = Group(*args, **kw)
        made.append(g)
        return g

    yield make
    for g in made:
        g.kill_all()


def produce_spread(bootstrap, topic, per_partition, tag):
    """per_partition records to each partition; returns {(partition, offset): value}."""
    p = ck.producer(bootstrap, linger_ms=2)
    acked, errors = {}, []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(err)
        else:
            acked[(msg.partition(), msg.offset())] = msg.value().decode()

    for i in range(per_partition):
        for part in range(PARTITIONS):
            p.produce(topic, value=f"{tag}-p{part}-{i:04d}".encode(), key=f"k{i}".encode(), partition=part, on_delivery=on_delivery)
        p.poll(0)
    assert p.flush(30) == 0, "records still queued after flush"
    assert not errors, f"delivery errors: {errors[:5]}"
    assert len(acked) == per_partition * PARTITIONS
    return acked


def new_topic(bootstrap, prefix, partitions=PARTITIONS):
    topic = unique_topic(prefix)
    assert ck.create_topic(bootstrap, topic, partitions=partitions) is None
    return topic


def committed(bootstrap, group, topic, partitions=PARTITIONS):
    """The group's committed offsets (OffsetFetch, without joining): {partition: offset}."""
    c = ck.consumer(bootstrap, group_id=group)
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(partitions)], timeout=15)
    finally:
        c.close()
    errs = [(tp.partition, tp.error) for tp in tps if tp.error is not None]
    assert not errs, f"OffsetFetch errors: {errs}"
    return {tp.partition: tp.offset for tp in tps}


def group_description(bootstrap, group):
    """ListGroups + DescribeGroups through AdminClient.list_groups."""
    (g,) = ck.admin(bootstrap).list_groups(group, timeout=15)
    return g


def contiguous(parts, n):
    return parts == list(range(parts[0], parts[0] + len(parts)))


def strided(parts, n):
    return all(b - a == n for a, b in zip(parts, parts[1:]))


def any_shape(parts, n):
    return True


ASSIGNORS = {"range": contiguous, "roundrobin": strided, "cooperative-sticky": any_shape}


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignor", list(ASSIGNORS))
def test_three_members_join_leave_and_kill(group_broker, groups, assignor):
    """Three members share six partitions; a fourth joins, one leaves cleanly, one is killed
    with SIGKILL and its partitions move after session.timeout.ms; no record is lost and none
    is read again after its commit."""
    bs = group_broker.bootstrap
    topic = new_topic(bs, f"grp-{assignor}")
    gid = unique_topic(f"g-{assignor}")
    shape = ASSIGNORS[assignor]
    g = groups(bs, topic, gid, conf={"partition.assignment.strategy": assignor})
    produced = produce_spread(bs, topic, 10, "a")

    g.start("m1")
    g.wait_balanced()
    g.wait_read(produced)
    for name in ("m2", "m3"):
        g.start(name)
    sets = g.wait_balanced(shape=shape)
    assert all(len(s) == 2 for s in sets.values()), sets

    desc = group_description(bs, gid)
    assert desc.state == "Stable", desc.state
    assert desc.protocol_type == "consumer"
    assert desc.protocol == assignor, f"group protocol {desc.protocol!r}, members asked for {assignor!r}"
    assert sorted(m.client_id for m in desc.members) == ["m1", "m2", "m3"]

    if assignor == "cooperative-sticky":
        # Incremental: m1 gave up exactly the partitions that moved, never all of them at once.
        m1 = g.members["m1"]
        revoked = [e["parts"] for e in m1.snapshot("revoke_cb") if e["parts"]]
        assert revoked and all(len(r) < PARTITIONS for r in revoked), f"m1 revocations {revoked}"
        history = [e["parts"] for e in m1.snapshot("assignment")]
        owned = history[next(i for i, a in enumerate(history) if a):]
        assert all(owned), f"m1's assignment went empty during a cooperative rebalance: {history}"

    produced.update(produce_spread(bs, topic, 10, "b"))
    g.wait_read(produced)

    # A clean leave: the others take over at once (well within the session timeout).
    t0 = time.monotonic()
    g.stop("m3")
    g.wait_balanced(timeout_s=SESSION_MS / 1000 * 3, shape=shape)
    print(f"\n[groups] {assignor}: rebalanced {time.monotonic() - t0:.1f}s after a clean leave")
    produced.update(produce_spread(bs, topic, 10, "c"))
    g.wait_read(produced)

    # A join, then kill -9 of a member: only its session timeout tells the group.
    g.start("m4")
    g.wait_balanced(shape=shape)
    before = {n: m.assignment() for n, m in g.members.items()}
    produced.update(produce_spread(bs, topic, 5, "d"))
    g.wait_read(produced)
    t0 = time.monotonic()
    g.stop("m2", kill=True)
    produced.update(produce_spread(bs, topic, 10, "e"))
    after = g.wait_balanced(timeout_s=SESSION_MS / 1000 + 30, shape=shape)
    took = time.monotonic() - t0
    print(f"[groups] {assignor}: partitions of the killed member moved after {took:.1f}s")
    for n in after:
        if assignor == "cooperative-sticky":
            assert set(before[n]) <= set(after[n]), f"{n} lost partitions: {before[n]} -> {after[n]}"
    assert took >= SESSION_MS / 1000 * 0.5, (
        f"the killed member's partitions moved after {took:.1f}s, before its session timeout "
        f"({SESSION_MS} ms) could have expired"
    )
    g.wait_read(produced)
    g.close_all()
    g.check_reads(produced)
    ends = {p: sum(1 for (pp, _) in produced if pp == p) for p in range(PARTITIONS)}
    assert committed(bs, gid, topic) == ends, "committed offsets are not the end of each partition"
    desc = group_description(bs, gid)
    assert desc.state == "Empty" and not desc.members, f"after every member left: {desc.state} {desc.members}"


@pytest.mark.parametrize("how", ["close", "kill9"])
def test_static_member_restart_without_rebalance(group_broker, groups, how):
    """Static members (group.instance.id): one restarts within the session timeout and gets
    its partitions back; the others see no rebalance and keep theirs."""
    bs = group_broker.bootstrap
    topic = new_topic(bs, f"grp-static-{how}")
    gid = unique_topic("g-static")
    g = groups(bs, topic, gid, conf={"session.timeout.ms": 10000, "partition.assignment.strategy": "range"})
    produced = produce_spread(bs, topic, 5, "a")
    for i in (1, 2, 3):
        g.start(f"s{i}", conf={"group.instance.id": f"{gid}-instance-{i}"})
    sets = g.wait_balanced()
    g.wait_read(produced)
    desc = group_description(bs, gid)
    old_ids = {m.client_id: m.id for m in desc.members}
    time.sleep(1.5)  # let any rebalance still in flight settle before taking the baseline
    baseline = {n: len(m.callbacks()) for n, m in g.members.items()}
    sets = {n: m.assignment() for n, m in g.members.items()}

    g.stop("s2", kill=(how == "kill9"))
    g.start("s2", conf={"group.instance.id": f"{gid}-instance-2"})
    wait_until(lambda: g.members["s2"].assignment(), 20, what="the restarted static member's assignment")
    assert g.members["s2"].assignment() == sets["s2"], (
        f"restarted static member got {g.members['s2'].assignment()}, had {sets['s2']}\n{g.describe()}"
    )
    produced.update(produce_spread(bs, topic, 5, "b"))
    g.wait_read(produced)
    time.sleep(2.0)  # several heartbeats: a rebalance would reach the other members now
    for n in ("s1", "s3"):
        m = g.members[n]
        new_cbs = m.callbacks()[baseline[n]:]
        assert not new_cbs, f"{n} saw a rebalance when a static member restarted: {new_cbs}\n{g.describe()}"
        assert m.assignment() == sets[n]
    desc = group_description(bs, gid)
    new_ids = {m.client_id: m.id for m in desc.members}
    assert desc.state == "Stable" and sorted(new_ids) == ["s1", "s2", "s3"], (desc.state, new_ids)
    assert new_ids["s1"] == old_ids["s1"] and new_ids["s3"] == old_ids["s3"]
    g.close_all()
    g.check_reads(produced)


def test_manual_commit_then_resume(group_broker, groups):
    """Offsets committed by hand are where the next member of the group starts."""
    bs = group_broker.bootstrap
    topic = new_topic(bs, "grp-manual")
    gid = unique_topic("g-manual")
    produced = produce_spread(bs, topic, 10, "a")
    c = ck.consumer(bs, group_id=gid)
    try:
        c.commit(offsets=[TopicPartition(topic, p, p + 2) for p in range(PARTITIONS)], asynchronous=False)
    finally:
        c.close()
    assert committed(bs, gid, topic) == {p: p + 2 for p in range(PARTITIONS)}
    # A later commit of fewer partitions changes only those.
    c = ck.consumer(bs, group_id=gid)
    try:
        c.commit(offsets=[TopicPartition(topic, 0, 7)], asynchronous=False)
    finally:
        c.close()
    want = {p: p + 2 for p in range(PARTITIONS)}
    want[0] = 7
    assert committed(bs, gid, topic) == want

    g = groups(bs, topic, gid)
    g.start("r1")
    g.wait_balanced()
    expected = {k: v for k, v in produced.items() if k[1] >= want[k[0]]}
    g.wait_read(expected)
    time.sleep(0.5)
    g.close_all()
    firsts = {}
    for _, _, p, o, _ in g.reads():
        firsts.setdefault(p, o)
    assert firsts == want, f"first offsets read per partition {firsts}, committed {want}"
    g.check_reads(expected)
    assert committed(bs, gid, topic) == {p: 10 for p in range(PARTITIONS)}


def test_auto_commit(group_broker, groups):
    """enable.auto.commit: offsets of records handed to the application are committed by the
    client in the background and at close; a new member resumes after them."""
    bs = group_broker.bootstrap
    topic = new_topic(bs, "grp-auto")
    gid = unique_topic("g-auto")
    produced = produce_spread(bs, topic, 8, "a")
    g = groups(bs, topic, gid, conf={"enable.auto.commit": True, "auto.commit.interval.ms": 300})
    g.start("a1")
    g.start("a2")
    g.wait_balanced()
    g.wait_read(produced)
    # The periodic commit gets there without a close.
    wait_until(lambda: committed(bs, gid, topic) == {p: 8 for p in range(PARTITIONS)}, 15,
               what="auto-committed offsets at the end of each partition")
    g.close_all()
    more = produce_spread(bs, topic, 3, "b")
    g2 = groups(bs, topic, gid, conf={"enable.auto.commit": True, "auto.commit.interval.ms": 300})
    g2.start("a3")
    g2.wait_balanced()
    g2.wait_read(more)
    time.sleep(1.0)
    g2.close_all()
    assert sorted((p, o) for _, _, p, o, _ in g2.reads()) == sorted(more), "the new member read records before the committed offsets"
    assert committed(bs, gid, topic) == {p: 11 for p in range(PARTITIONS)}


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_committed_offsets_survive_broker_restart(fresh_group_broker, groups, clean):
    """Commit, restart the broker (SIGTERM or SIGKILL), and the group resumes exactly there."""
    b = fresh_group_broker
    topic = new_topic(b.bootstrap, "grp-restart")
    gid = unique_topic("g-restart")
    produced = produce_spread(b.bootstrap, topic, 10, "a")
    g = groups(b.bootstrap, topic, gid)
    for n in ("r1", "r2", "r3"):
        g.start(n)
    g.wait_balanced()
    g.wait_read(produced)
    g.close_all()
    assert committed(b.bootstrap, gid, topic) == {p: 10 for p in range(PARTITIONS)}
    # Several commits of the same partition: the last one is what must come back.
    c = ck.consumer(b.bootstrap, group_id=gid)
    try:
        for off in (3, 9, 4):
            c.commit(offsets=[TopicPartition(topic, 5, off)], asynchronous=False)
    finally:
        c.close()
    want = {p: 10 for p in range(PARTITIONS)}
    want[5] = 4

    code = b.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"
    assert wait_until(lambda: _committed_or_none(b.bootstrap, gid, topic), 30, what="OffsetFetch after the restart") == want

    more = produce_spread(b.bootstrap, topic, 4, "b")
    expected = {k: v for k, v in {**produced, **more}.items() if k[1] >= want[k[0]]}
    g2 = groups(b.bootstrap, topic, gid)
    for n in ("s1", "s2"):
        g2.start(n)
    g2.wait_balanced()
    g2.wait_read(expected)
    time.sleep(0.5)
    g2.close_all()
    g2.check_reads(expected)
    assert sorted((p, o) for _, _, p, o, _ in g2.reads()) == sorted(expected), "read before the committed offsets"
    # The new commits survive a second restart of the other kind.
    b.restart(clean=not clean)
    assert wait_until(lambda: _committed_or_none(b.bootstrap, gid, topic), 30, what="OffsetFetch after the second restart") == {
        p: 14 for p in range(PARTITIONS)
    }


def test_live_group_survives_broker_kill9(fresh_group_broker, groups):
    """A running group across a broker kill -9: the members find the coordinator again, keep
    consuming, and nothing committed is read again."""
    b = fresh_group_broker
    topic = new_topic(b.bootstrap, "grp-live")
    gid = unique_topic("g-live")
    produced = produce_spread(b.bootstrap, topic, 10, "a")
    g = groups(b.bootstrap, topic, gid, conf={"session.timeout.ms": 6000})
    for n in ("l1", "l2", "l3"):
        g.start(n)
    g.wait_balanced()
    g.wait_read(produced)
    b.restart(clean=False)
    produced.update(produce_spread(b.bootstrap, topic, 10, "b"))
    g.wait_read(produced, timeout_s=60)
    g.wait_balanced()
    g.close_all()
    g.check_reads(produced)
    assert committed(b.bootstrap, gid, topic) == {p: 20 for p in range(PARTITIONS)}


def _committed_or_none(bootstrap, group, topic):
    try:
        return committed(bootstrap, group, topic)
    except Exception:  # the coordinator may still be loading its offsets after a restart
        return None


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--worker":
    worker_main(json.loads(sys.argv[2]))
