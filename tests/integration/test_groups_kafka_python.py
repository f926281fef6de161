"""Consumer groups with kafka-python: three consumers share a 6-partition topic with each of
kafka-python's assignors, commit offsets with metadata, rebalance when one leaves, and a
group resumes from its committed offsets after a broker restart (SIGTERM and kill -9).

Each consumer runs in its own thread (kafka-python consumers are not shared between
threads) and commits what it read after every poll, synchronously.
"""

import threading
import time

import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from kafka.structs import OffsetAndMetadata

import kp
from util import Rec, unique_topic, wait_until

PARTITIONS = 6
ASSIGNORS = {
    "range": RangePartitionAssignor,
    "roundrobin": RoundRobinPartitionAssignor,
}
# Not "sticky": kafka-python 2.0.2's StickyPartitionAssignor cannot encode its own
# subscription once it has an assignment (TypeError: 'dict_itemiterator' has no
# len(), in StickyPartitionAssignor.metadata), so its second join fails in the client.


class Member(threading.Thread):
    """One group member polling in its own thread until stopped (bounded by lifetime_s)."""

    def __init__(self, bootstrap, group, topic, name, assignor=RangePartitionAssignor, lifetime_s=120):
        super().__init__(daemon=True, name=name)
        self.conf = dict(
            bootstrap_servers=bootstrap,
            group_id=group,
            client_id=name,
            session_timeout_ms=6000,
            heartbeat_interval_ms=500,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
            request_timeout_ms=15000,
            partition_assignment_strategy=[assignor],
        )
        self.topic, self.name, self.lifetime_s = topic, name, lifetime_s
        self.reads = []  # (time, partition, offset, value)
        self.commits = []  # (time, partition, next offset)
        self.assignments = []
        self.errors = []
        self.stop_ev = threading.Event()
        self.closed = threading.Event()
        self._lock = threading.Lock()

    def run(self):
        try:
            c = KafkaConsumer(self.topic, **self.conf)
        except Exception as e:  # reported by the test through self.errors
            self.errors.append(repr(e))
            self.closed.set()
            return
        deadline = time.monotonic() + self.lifetime_s
        try:
            while not self.stop_ev.is_set() and time.monotonic() < deadline:
                try:
                    batch = c.poll(timeout_ms=100)
                    now = sorted(tp.partition for tp in c.assignment())
                    with self._lock:
                        if not self.assignments or self.assignments[-1] != now:
                            self.assignments.append(now)
                    if not batch:
                        continue
                    offsets = {}
                    for tp, recs in batch.items():
                        for r in recs:
                            with self._lock:
                                self.reads.append((time.time(), tp.partition, r.offset, r.value.decode()))
                        offsets[tp] = OffsetAndMetadata(recs[-1].offset + 1, f"{self.name}:{recs[-1].offset + 1}")
                    c.commit(offsets)
                    t = time.time()
                    with self._lock:
                        self.commits += [(t, tp.partition, om.offset) for tp, om in offsets.items()]
                except Exception as e:  # a failed commit during a rebalance: the records stay uncommitted
                    with self._lock:
                        self.errors.append(repr(e))
        finally:
            try:
                c.close()
            finally:
                self.closed.set()

    def assignment(self):
        with self._lock:
            return self.assignments[-1] if self.assignments else None

    def stop(self, timeout_s=30):
        self.stop_ev.set()
        assert self.closed.wait(timeout_s), f"{self.name} did not close within {timeout_s}s"
        self.join(5)


class Group:
    def __init__(self, bootstrap, topic, gid, assignor=RangePartitionAssignor):
        self.bootstrap, self.topic, self.gid, self.assignor = bootstrap, topic, gid, assignor
        self.members, self.gone = {}, []

    def start(self, name):
        m = Member(self.bootstrap, self.gid, self.topic, name, self.assignor)
        m.start()
        self.members[name] = m

    def stop(self, name):
        m = self.members.pop(name)
        m.stop()
        self.gone.append(m)

    def stop_all(self):
        for n in list(self.members):
            self.stop(n)

    def everyone(self):
        return list(self.members.values()) + self.gone

    def describe(self):
        return "\n".join(
            f"{m.name}: assignments {m.assignments[-8:]}, {len(m.reads)} reads, errors {m.errors[-5:]}" for m in self.everyone()
        )

    def wait_balanced(self, timeout_s=45):
        n = len(self.members)
        lo, hi = PARTITIONS // n, -(-PARTITIONS // n)

        def balanced():
            sets = {k: m.assignment() for k, m in self.members.items()}
            if any(s is None for s in sets.values()):
                return None
            if sorted(p for s in sets.values() for p in s) != list(range(PARTITIONS)):
                return None
            return sets if all(lo <= len(s) <= hi for s in sets.values()) else None

        try:
            return wait_until(balanced, timeout_s, what=f"{n} kafka-python members to share {PARTITIONS} partitions")
        except AssertionError as e:
            raise AssertionError(f"{e}\n{self.describe()}") from None

    def read_keys(self):
        return {(p, o) for m in self.everyone() for _, p, o, _ in list(m.reads)}

    def wait_read(self, produced, timeout_s=30):
        want = set(produced)
        try:
            wait_until(lambda: want <= self.read_keys(), timeout_s, what=f"{len(want)} records read by the group")
        except AssertionError:
            missing = sorted(want - self.read_keys())
            raise AssertionError(f"{len(missing)} records never read, first {missing[:10]}\n{self.describe()}") from None

    def check_reads(self, produced):
        got = {}
        for m in self.everyone():
            for t, p, o, v in m.reads:
                got.setdefault((p, o), []).append((t, m, v))
        assert set(got) == set(produced), f"missing {sorted(set(produced) - set(got))[:10]}, extra {sorted(set(got) - set(produced))[:10]}"
        for key, rs in got.items():
            assert all(v == produced[key] for _, _, v in rs), f"{key}: {rs}"
            rs.sort(key=lambda x: x[0])
            for (t1, m1, _), (t2, m2, _) in zip(rs, rs[1:]):
                done = [c for c in m1.commits if c[1] == key[0] and c[2] > key[1] and c[0] < t2]
                assert not done, f"{key} read by {m2.name} after {m1.name}'s commit {done[0]} covered it\n{self.describe()}"


@pytest.fixture
def groups():
    made = []

    def make(*a, **kw):
        g = Group(*a, **kw)
        made.append(g)
        return g

    yield make
    for g in made:
        for m in list(g.members.values()):
            m.stop_ev.set()
        for m in list(g.members.values()):
            m.closed.wait(20)


def produce_spread(bootstrap, topic, per_partition, tag, first=0):
    """Produces per_partition records to every partition (acks=all) and returns
    {(partition, offset): value}; offsets start at `first` in each partition."""
    out = {}
    for p in range(PARTITIONS):
        values = [f"{tag}-p{p}-{i:04d}" for i in range(per_partition)]
        recs = [Rec(b"k", v.encode(), [], None) for v in values]
        results = kp.produce(bootstrap, topic, recs, partition=p)
        kp.assert_acked(results, first, "all")
        out.update({(p, first + i): v for i, v in enumerate(values)})
    return out


def new_topic(bootstrap, prefix):
    topic = unique_topic(prefix)
    assert kp.create_topic(bootstrap, topic, partitions=PARTITIONS) is None
    return topic


def committed_offsets(bootstrap, gid, topic):
    """{partition: OffsetAndMetadata} through KafkaAdminClient.list_consumer_group_offsets."""
    a = kp.admin(bootstrap)
    try:
        offs = a.list_consumer_group_offsets(gid)
    finally:
        a.close()
    return {tp.partition: om for tp, om in offs.items() if tp.topic == topic}


@pytest.mark.parametrize("assignor", list(ASSIGNORS))
def test_three_members_share_six_partitions(group_broker, groups, assignor):
    bs = group_broker.bootstrap
    topic = new_topic(bs, f"kpg-{assignor}")
    gid = unique_topic(f"kpg-{assignor}")
    g = groups(bs, topic, gid, ASSIGNORS[assignor])
    for n in ("k1", "k2", "k3"):
        g.start(n)
    sets = g.wait_balanced()
    assert all(len(s) == 2 for s in sets.values()), sets
    if assignor == "range":
        assert all(s[1] == s[0] + 1 for s in sets.values()), f"range assignment {sets}"
    if assignor == "roundrobin":
        assert all(s[1] == s[0] + 3 for s in sets.values()), f"roundrobin assignment {sets}"
    produced = produce_spread(bs, topic, 8, "a")
    g.wait_read(produced)

    # The group's protocol is the assignor every member asked for.
    a = kp.admin(bs)
    try:
        (desc,) = a.describe_consumer_groups([gid])
    finally:
        a.close()
    assert desc.state == "Stable" and desc.protocol == assignor, (desc.state, desc.protocol)
    assert sorted(m.client_id for m in desc.members) == ["k1", "k2", "k3"]

    # One leaves cleanly: the other two take its partitions.
    g.stop("k3")
    g.wait_balanced(timeout_s=20)
    produced.update(produce_spread(bs, topic, 4, "b", first=8))
    g.wait_read(produced)
    time.sleep(0.3)
    g.stop_all()
    g.check_reads(produced)

    offs = committed_offsets(bs, gid, topic)
    assert {p: om.offset for p, om in offs.items()} == {p: 12 for p in range(PARTITIONS)}
    # The metadata each commit carried is stored with it: "<member>:<offset>".
    for p, om in offs.items():
        who, off = om.metadata.split(":")
        assert who in ("k1", "k2", "k3") and int(off) == 12, f"partition {p}: metadata {om.metadata!r}"


@pytest.mark.parametrize("clean", [True, False], ids=["sigterm", "kill9"])
def test_commit_and_resume_after_broker_restart(fresh_group_broker, groups, clean):
    b = fresh_group_broker
    topic = new_topic(b.bootstrap, "kpg-restart")
    gid = unique_topic("kpg-restart")
    produced = produce_spread(b.bootstrap, topic, 6, "a")
    # Explicit commits, with metadata, from a consumer that joins the group.
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id=gid, enable_auto_commit=False, request_timeout_ms=15000)
    try:
        c.commit({TopicPartition(topic, p): OffsetAndMetadata(p % 4, f"m{p}") for p in range(PARTITIONS)})
        assert {p: c.committed(TopicPartition(topic, p)) for p in range(PARTITIONS)} == {p: p % 4 for p in range(PARTITIONS)}
    finally:
        c.close()

    code = b.restart(clean=clean)
    if clean:
        assert code == 0, f"broker exit code {code} after SIGTERM"

    def offsets_back():
        try:
            return committed_offsets(b.bootstrap, gid, topic)
        except Exception:  # the coordinator may still be loading
            return None

    offs = wait_until(offsets_back, 30, what="committed offsets after the restart")
    assert {p: (om.offset, om.metadata) for p, om in offs.items()} == {p: (p % 4, f"m{p}") for p in range(PARTITIONS)}

    g = groups(b.bootstrap, topic, gid)
    for n in ("r1", "r2", "r3"):
        g.start(n)
    g.wait_balanced()
    expected = {k: v for k, v in produced.items() if k[1] >= k[0] % 4}
    g.wait_read(expected)
    time.sleep(0.3)
    g.stop_all()
    g.check_reads(expected)
    assert g.read_keys() == set(expected), "the group read records before its committed offsets"
    b.restart(clean=not clean)
    offs = wait_until(offsets_back, 30, what="committed offsets after the second restart")
    assert {p: om.offset for p, om in offs.items()} == {p: 6 for p in range(PARTITIONS)}


def test_committed_offsets_of_unknown_group_are_absent(group_broker):
    """OffsetFetch for a group that never committed answers 'no offset', not an error."""
    bs = group_broker.bootstrap
    topic = new_topic(bs, "kpg-none")
    c = KafkaConsumer(bootstrap_servers=bs, group_id=unique_topic("kpg-none"), request_timeout_ms=15000)
    try:
        assert c.committed(TopicPartition(topic, 0)) is None
    finally:
        c.close()
