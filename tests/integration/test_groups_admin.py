"""Consumer-group administration as Kafka tools do it: list groups (and filter them by
state), describe them (state, protocol, members, client ids, hosts, assignments), read
committed offsets and compute lag from the watermarks, reset offsets, delete committed
offsets of a partition, and delete groups.

Clients: confluent-kafka-python's AdminClient (list_groups: ListGroups + DescribeGroups)
and Consumer (OffsetFetch, OffsetCommit, watermarks), kafka-python's KafkaAdminClient
(list/describe/delete groups, list offsets). What neither exposes (ListGroups v4 with a
state filter, OffsetDelete) is sent as a raw request with kafka_wire.
"""

import struct
import threading
import time

import pytest
from confluent_kafka import KafkaError, KafkaException, TopicPartition
from kafka import errors as kerrors

import ck
import kafka_wire
from kafka_wire import enc_compact_string, read_compact_string, read_uvarint, skip_tags, uvarint
import kp
from util import unique_topic, wait_until

PARTITIONS = 6
PER_PARTITION = 10

NONE = 0
UNKNOWN_MEMBER_ID = 25
NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69
GROUP_SUBSCRIBED_TO_TOPIC = 86

API_LIST_GROUPS = 16
API_OFFSET_DELETE = 47


class LiveMember(threading.Thread):
    """A confluent consumer subscribed in a group, polling in a thread and committing every record."""

    def __init__(self, bootstrap, gid, topic, name, assignor="range"):
        super().__init__(daemon=True, name=name)
        self.c = ck.consumer(
            bootstrap,
            group_id=gid,
            client_id=name,
            session_timeout_ms=6000,
            heartbeat_interval_ms=500,
            auto_offset_reset="earliest",
            partition_assignment_strategy=assignor,
        )
        self.c.subscribe([topic])
        self.name = name
        self.read = 0
        self.assigned = None
        self.stop_ev = threading.Event()
        self.done = threading.Event()
        self.start()

    def run(self):
        deadline = time.monotonic() + 120
        try:
            while not self.stop_ev.is_set() and time.monotonic() < deadline:
                m = self.c.poll(0.05)
                self.assigned = sorted(tp.partition for tp in self.c.assignment())
                if m is None or m.error():
                    continue
                self.read += 1
                self.c.commit(message=m, asynchronous=False)
        finally:
            self.c.close()
            self.done.set()

    def close(self):
        self.stop_ev.set()
        assert self.done.wait(30), f"{self.name} did not close"


@pytest.fixture
def live():
    """Starts LiveMembers; stops the ones still running at the end of the test."""
    started = []

    def start(*a, **kw):
        started.append(LiveMember(*a, **kw))
        return started[-1]

    yield start
    for m in started:
        m.stop_ev.set()
    for m in started:
        m.done.wait(30)


def setup_topic(bs, prefix):
    topic = unique_topic(prefix)
    assert ck.create_topic(bs, topic, partitions=PARTITIONS) is None
    p = ck.producer(bs)
    for part in range(PARTITIONS):
        for i in range(PER_PARTITION):
            p.produce(topic, value=f"{part}-{i}".encode(), partition=part)
    assert p.flush(30) == 0
    return topic


def start_live_group(live, bs, gid, topic, n=3):
    members = [live(bs, gid, topic, f"{gid[-12:]}-c{i}") for i in range(n)]

    def settled():
        sets = [m.assigned for m in members]
        if any(s is None for s in sets) or sorted(p for s in sets for p in s) != list(range(PARTITIONS)):
            return None
        return all(s for s in sets) and sum(m.read for m in members) >= PARTITIONS * PER_PARTITION

    wait_until(settled, 45, what=f"{n} live members to share the partitions and read everything")
    return members


def commit_as_admin(bs, gid, offsets):
    """OffsetCommit from outside the group (generation -1, no member id), as reset tools do.

    offsets: [(topic, partition, offset)]; returns None or the KafkaError code."""
    c = ck.consumer(bs, group_id=gid)
    try:
        res = c.commit(offsets=[TopicPartition(t, p, o) for t, p, o in offsets], asynchronous=False)
        errs = [tp.error.code() for tp in res if tp.error is not None]
        return errs[0] if errs else None
    except KafkaException as e:
        return e.args[0].code()
    finally:
        c.close()


def committed(bs, gid, topic):
    c = ck.consumer(bs, group_id=gid)
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=15)
        assert all(tp.error is None for tp in tps), [tp.error for tp in tps]
        return {tp.partition: tp.offset for tp in tps}
    finally:
        c.close()


def decode_assignment(data):
    """ConsumerProtocolAssignment bytes -> {topic: [partitions]}."""
    r = kafka_wire.Reader(data)
    r.take(">h")  # version
    out = {}
    for _ in range(r.take(">i")):
        t = r.string()
        out[t] = sorted(r.take(">i") for _ in range(r.take(">i")))
    return out


def decode_subscription(data):
    r = kafka_wire.Reader(data)
    r.take(">h")
    return [r.string() for _ in range(r.take(">i"))]


# --- raw requests for what the clients do not expose -----------------------------------












def list_groups_v4(bs, states):
    """ListGroups v4 (flexible) with a states filter -> (error, {group: (protocol_type, state)})."""
    body = uvarint(len(states) + 1) + b"".join(enc_compact_string(s) for s in states) + b"\x00"
    with kafka_wire.Conn(bs) as c:
        corr = 77
        c.send_raw(kafka_wire.frame(kafka_wire.header_v1(API_LIST_GROUPS, 4, corr, "gregor-it") + b"\x00" + body))
        resp = c.read_frame()
    assert resp is not None, "broker closed the connection on ListGroups v4"
    r = kafka_wire.Reader(resp)
    assert r.take(">i") == corr
    skip_tags(r)  # response header v1
    r.take(">i")  # throttle
    err = r.take(">h")
    groups = {}
    for _ in range(read_uvarint(r) - 1):
        gid = read_compact_string(r)
        ptype = read_compact_string(r)
        state = read_compact_string(r)
        skip_tags(r)
        groups[gid] = (ptype, state)
    return err, groups


def offset_delete(bs, gid, topic, partitions):
    """OffsetDelete v0 -> (top-level error, {partition: error})."""
    body = kafka_wire.enc_string(gid) + struct.pack(">i", 1) + kafka_wire.enc_string(topic)
    body += struct.pack(">i", len(partitions)) + b"".join(struct.pack(">i", p) for p in partitions)
    with kafka_wire.Conn(bs) as c:
        _, resp = c.request(API_OFFSET_DELETE, 0, body)
    r = kafka_wire.Reader(resp)
    err = r.take(">h")
    r.take(">i")  # throttle
    out = {}
    for _ in range(r.take(">i")):
        r.string()
        for _ in range(r.take(">i")):
            p, e = r.take(">ih")
            out[p] = e
    return err, out


# --- tests -----------------------------------------------------------------------------


def test_list_and_describe_groups(group_broker, live):
    bs = group_broker.bootstrap
    topic = setup_topic(bs, "adm-desc")
    live_gid, empty_gid = unique_topic("adm-live"), unique_topic("adm-empty")
    members = start_live_group(live, bs, live_gid, topic)
    assert commit_as_admin(bs, empty_gid, [(topic, 0, 3)]) is None

    # confluent: ListGroups, then DescribeGroups of one group.
    a = ck.admin(bs)
    listed = {g.id: g for g in a.list_groups(timeout=15)}
    assert live_gid in listed and empty_gid in listed, sorted(listed)
    (g,) = a.list_groups(live_gid, timeout=15)
    assert g.error is None, g.error
    assert (g.state, g.protocol_type, g.protocol) == ("Stable", "consumer", "range")
    by_client = {m.client_id: m for m in g.members}
    assert sorted(by_client) == sorted(m.name for m in members)
    assert len({m.id for m in g.members}) == 3 and all(m.id for m in g.members)
    for lm in members:
        dm = by_client[lm.name]
        assert dm.client_host == "/127.0.0.1", f"client host {dm.client_host!r}"
        assert decode_subscription(dm.metadata) == [topic]
        assert decode_assignment(dm.assignment) == {topic: lm.assigned}, f"{lm.name}: {decode_assignment(dm.assignment)} vs {lm.assigned}"

    # kafka-python: the same through its own requests.
    ka = kp.admin(bs)
    try:
        pairs = dict(ka.list_consumer_groups())
        assert pairs.get(live_gid) == "consumer", pairs.get(live_gid)
        assert empty_gid in pairs
        d_live, d_empty, d_unknown = ka.describe_consumer_groups([live_gid, empty_gid, unique_topic("adm-nope")])
    finally:
        ka.close()
    assert (d_live.state, d_live.protocol_type, d_live.protocol) == ("Stable", "consumer", "range")
    assigned = {m.client_id: dict(m.member_assignment.assignment) for m in d_live.members}
    assert assigned == {lm.name: {topic: lm.assigned} for lm in members}
    assert all(m.client_host == "/127.0.0.1" for m in d_live.members)
    assert d_empty.state == "Empty" and not d_empty.members, d_empty
    assert d_unknown.state == "Dead" and not d_unknown.members, d_unknown

    # ListGroups v4 filtered by state.
    err, stable = list_groups_v4(bs, ["Stable"])
    assert err == NONE and live_gid in stable and empty_gid not in stable
    assert stable[live_gid] == ("consumer", "Stable")
    err, empty = list_groups_v4(bs, ["Empty"])
    assert err == NONE and empty_gid in empty and live_gid not in empty
    err, both = list_groups_v4(bs, ["Empty", "Stable"])
    assert err == NONE and {live_gid, empty_gid} <= set(both)
    err, every = list_groups_v4(bs, [])
    assert err == NONE and {live_gid, empty_gid} <= set(every)

    for m in members:
        m.close()
    (g,) = ck.admin(bs).list_groups(live_gid, timeout=15)
    assert g.state == "Empty" and not g.members, (g.state, g.members)


def test_committed_offsets_and_lag(group_broker):
    bs = group_broker.bootstrap
    topic = setup_topic(bs, "adm-lag")
    gid = unique_topic("adm-lag")
    want = {p: p for p in range(PARTITIONS) if p != 3}  # partition 3: nothing committed
    assert commit_as_admin(bs, gid, [(topic, p, o) for p, o in want.items()]) is None

    c = ck.consumer(bs, group_id=gid)
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=15)
        lag = {}
        for tp in tps:
            assert tp.error is None
            _, high = c.get_watermark_offsets(TopicPartition(topic, tp.partition), timeout=10, cached=False)
            assert high == PER_PARTITION
            lag[tp.partition] = high - tp.offset if tp.offset >= 0 else None
    finally:
        c.close()
    assert lag == {p: (PER_PARTITION - want[p] if p in want else None) for p in range(PARTITIONS)}

    ka = kp.admin(bs)
    try:
        offs = ka.list_consumer_group_offsets(gid)
        only = ka.list_consumer_group_offsets(gid, partitions=[kp.TopicPartition(topic, 2), kp.TopicPartition(topic, 3)])
    finally:
        ka.close()
    assert {tp.partition: om.offset for tp, om in offs.items() if tp.topic == topic} == want
    assert {tp.partition: om.offset for tp, om in only.items()} == {2: 2, 3: -1}
    kc = kp.consumer(bs)
    try:
        ends = kc.end_offsets([kp.TopicPartition(topic, p) for p in want])
    finally:
        kc.close()
    assert {tp.partition: ends[tp] - o for tp, o in ((kp.TopicPartition(topic, p), o) for p, o in want.items())} == {
        p: PER_PARTITION - o for p, o in want.items()
    }


def test_delete_groups(group_broker, live):
    bs = group_broker.bootstrap
    topic = setup_topic(bs, "adm-del")
    live_gid, empty_gid, unknown = unique_topic("adm-del-live"), unique_topic("adm-del-empty"), unique_topic("adm-del-none")
    members = start_live_group(live, bs, live_gid, topic, n=2)
    assert commit_as_admin(bs, empty_gid, [(topic, 1, 5)]) is None
    ka = kp.admin(bs)
    try:
        res = dict(ka.delete_consumer_groups([live_gid, empty_gid, unknown]))
        assert res[live_gid] is kerrors.NonEmptyGroupError, res
        assert res[empty_gid] is kerrors.NoError, res
        assert res[unknown] is kerrors.GroupIdNotFoundError, res
        listed = dict(ka.list_consumer_groups())
        assert live_gid in listed and empty_gid not in listed
        (d,) = ka.describe_consumer_groups([empty_gid])
        assert d.state == "Dead", d
    finally:
        ka.close()
    assert committed(bs, empty_gid, topic)[1] < 0, "committed offsets survived the group's deletion"
    # A deleted group can be used again from scratch.
    assert commit_as_admin(bs, empty_gid, [(topic, 2, 4)]) is None
    assert committed(bs, empty_gid, topic)[2] == 4

    for m in members:
        m.close()
    ka = kp.admin(bs)
    try:
        assert dict(ka.delete_consumer_groups([live_gid]))[live_gid] is kerrors.NoError
        assert live_gid not in dict(ka.list_consumer_groups())
    finally:
        ka.close()
    assert all(o < 0 for o in committed(bs, live_gid, topic).values())


def test_reset_offsets(group_broker, live):
    """Resetting offsets is an OffsetCommit from outside the group: refused while members are
    active (UNKNOWN_MEMBER_ID, as Kafka), accepted once the group is empty."""
    bs = group_broker.bootstrap
    topic = setup_topic(bs, "adm-reset")
    gid = unique_topic("adm-reset")
    members = start_live_group(live, bs, gid, topic, n=2)
    wait_until(lambda: committed(bs, gid, topic) == {p: PER_PARTITION for p in range(PARTITIONS)}, 15, what="commits of the live group")
    assert commit_as_admin(bs, gid, [(topic, 0, 0)]) == KafkaError.UNKNOWN_MEMBER_ID
    assert committed(bs, gid, topic)[0] == PER_PARTITION
    for m in members:
        m.close()
    # to-earliest for some partitions, to an offset for another
    assert commit_as_admin(bs, gid, [(topic, 0, 0), (topic, 1, 0), (topic, 4, 7)]) is None
    want = {p: PER_PARTITION for p in range(PARTITIONS)}
    want.update({0: 0, 1: 0, 4: 7})
    assert committed(bs, gid, topic) == want
    m = live(bs, gid, topic, "after-reset")
    wait_until(lambda: m.read >= 2 * PER_PARTITION + 3, 30, what="the reset records to be read again")
    time.sleep(0.5)
    m.close()
    assert m.read == 2 * PER_PARTITION + 3, f"read {m.read} records after the reset"


def test_offset_delete(group_broker, live):
    bs = group_broker.bootstrap
    topic, other = setup_topic(bs, "adm-odel"), setup_topic(bs, "adm-odel-other")
    gid = unique_topic("adm-odel")
    members = start_live_group(live, bs, gid, topic, n=1)
    # While a member is subscribed to the topic, its offsets cannot be deleted.
    err, parts = offset_delete(bs, gid, topic, [0, 1])
    assert err == NONE and parts == {0: GROUP_SUBSCRIBED_TO_TOPIC, 1: GROUP_SUBSCRIBED_TO_TOPIC}, (err, parts)
    members[0].close()
    assert commit_as_admin(bs, gid, [(other, 0, 4)]) is None
    err, parts = offset_delete(bs, gid, topic, [0, 1])
    assert err == NONE and parts == {0: NONE, 1: NONE}, (err, parts)
    got = committed(bs, gid, topic)
    assert got[0] < 0 and got[1] < 0, got
    assert all(got[p] == PER_PARTITION for p in range(2, PARTITIONS)), got
    c = ck.consumer(bs, group_id=gid)
    try:
        (tp,) = c.committed([TopicPartition(other, 0)], timeout=15)
    finally:
        c.close()
    assert tp.offset == 4
    err, parts = offset_delete(bs, unique_topic("adm-odel-none"), topic, [0])
    assert err == GROUP_ID_NOT_FOUND, (err, parts)


def test_deleting_consumer_offsets_drops_groups_and_recreates_it(fresh_broker):
    """Kafka lets an admin delete __consumer_offsets; its groups and offsets go with it, and the
    next FindCoordinator creates it again, empty."""
    bs = fresh_broker.bootstrap
    topic = setup_topic(bs, "adm-co-del")
    gid = unique_topic("adm-co-del")
    assert commit_as_admin(bs, gid, [(topic, 0, 5)]) is None
    ka = kp.admin(bs)
    try:
        assert "__consumer_offsets" in ka.list_topics()
        ka.delete_topics(["__consumer_offsets"], timeout_ms=15000)
    finally:
        ka.close()
    # The first request after the deletion recreates the topic; the group starts empty.
    assert commit_as_admin(bs, gid, [(topic, 1, 7)]) is None
    ka = kp.admin(bs)
    try:
        got = ka.list_consumer_group_offsets(gid)
    finally:
        ka.close()
    assert {tp.partition: meta.offset for tp, meta in got.items()} == {1: 7}
