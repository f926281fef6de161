"""SIGTERM while requests are parked in the broker: a JoinGroup waiting for a
rebalance that an unresponsive member holds open, and a Fetch long poll. The
broker must still stop cleanly (exit code 0) within a few seconds, not wait for
the rebalance or fetch timeouts, and start again on the same data."""

import socket
import struct
import time

from confluent_kafka.admin import AdminClient, NewTopic

import kafka_wire
from kafka_wire import Conn, Reader, enc_string, frame, header_v1

API_JOIN_GROUP = 11
API_SYNC_GROUP = 14
API_FIND_COORDINATOR = 10

NOT_COORDINATOR = 16
SHUTDOWN_LIMIT_S = 15
PARKED_TIMEOUT_MS = 120_000  # far beyond the shutdown limit


def find_coordinator(bootstrap, group):
    """FindCoordinator v0 until the group coordinator answers (creates __consumer_offsets)."""
    deadline = time.monotonic() + 30
    with Conn(bootstrap) as conn:
        while True:
            _, resp = conn.request(API_FIND_COORDINATOR, 0, enc_string(group))
            err = Reader(resp).take(">h")
            if err == 0:
                return
            assert time.monotonic() < deadline, f"no coordinator for {group}: error {err}"
            time.sleep(0.2)


def join_group_body(group, member_id, session_timeout_ms, rebalance_timeout_ms):
    """JoinGroup v3 with one 'range' protocol and empty subscription metadata."""
    metadata = struct.pack(">hii", 0, 0, -1)  # version 0, no topics, null user data
    body = enc_string(group) + struct.pack(">ii", session_timeout_ms, rebalance_timeout_ms)
    body += enc_string(member_id) + enc_string("consumer")
    body += struct.pack(">i", 1) + enc_string("range") + struct.pack(">i", len(metadata)) + metadata
    return body


def join_as_only_member(conn, group):
    """Joins and syncs one member; returns its member id once the group is Stable."""
    body = join_group_body(group, "", PARKED_TIMEOUT_MS, PARKED_TIMEOUT_MS)
    _, resp = conn.request(API_JOIN_GROUP, 3, body)
    r = Reader(resp)
    _throttle, err, generation = r.take(">ihi")
    assert err == 0, f"JoinGroup error {err}"
    r.string()  # protocol name
    leader, member_id = r.string(), r.string()
    assert leader == member_id
    assignment = struct.pack(">hii", 0, 0, -1)
    sync = enc_string(group) + struct.pack(">i", generation) + enc_string(member_id)
    sync += struct.pack(">i", 1) + enc_string(member_id) + struct.pack(">i", len(assignment)) + assignment
    _, resp = conn.request(API_SYNC_GROUP, 1, sync)
    _throttle, err = Reader(resp).take(">ih")
    assert err == 0, f"SyncGroup error {err}"
    return member_id


def send_without_reading(conn, api_key, api_version, body):
    conn.send_raw(frame(header_v1(api_key, api_version, 999, "gregor-it") + body))


def still_parked(conn):
    """True if the broker has not answered (nor closed) the connection's request yet."""
    conn.sock.settimeout(0.5)
    try:
        conn.sock.recv(1, socket.MSG_PEEK)
    except socket.timeout:
        return True
    return False


def create_topic(bootstrap, topic):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(30)


def test_sigterm_with_parked_join_group_and_fetch(fresh_group_broker):
    broker = fresh_group_broker
    group, topic = "parked-group", "parked-fetch"
    find_coordinator(broker.bootstrap, group)
    create_topic(broker.bootstrap, topic)

    holder = Conn(broker.bootstrap)
    join_as_only_member(holder, group)
    # A second member's JoinGroup waits until the first rejoins, which it never does here.
    joiner = Conn(broker.bootstrap)
    send_without_reading(joiner, API_JOIN_GROUP, 3, join_group_body(group, "", 60_000, PARKED_TIMEOUT_MS))
    # A Fetch on an empty partition waits up to max_wait_ms for data.
    poller = Conn(broker.bootstrap)
    fetch = struct.pack(">iiiib", -1, PARKED_TIMEOUT_MS, 1, 1 << 20, 0)
    fetch += struct.pack(">i", 1) + enc_string(topic) + struct.pack(">i", 1) + struct.pack(">iqi", 0, 0, 1 << 20)
    send_without_reading(poller, kafka_wire.API_FETCH, 4, fetch)
    time.sleep(1.0)
    assert still_parked(joiner), "the second JoinGroup was answered: nothing is parked"
    assert still_parked(poller), "the long-poll Fetch was answered: nothing is parked"

    started = time.monotonic()
    code = broker.stop()
    took = time.monotonic() - started
    assert code == 0, f"exit code {code} on SIGTERM\n{broker.log_tail()}"
    assert took < SHUTDOWN_LIMIT_S, f"SIGTERM took {took:.1f}s with parked requests\n{broker.log_tail()}"
    # Both were answered before the connections closed: the join with NOT_COORDINATOR (the
    # client looks for the coordinator again), the fetch with what the partition has (nothing).
    joined = joiner.read_frame()
    assert joined is not None, "the parked JoinGroup got no answer"
    _corr, _throttle, err = struct.unpack_from(">iih", joined, 0)
    assert err == NOT_COORDINATOR, f"parked JoinGroup answered with error {err}"
    fetched = poller.read_frame()
    assert fetched is not None, "the parked Fetch got no answer"
    for conn in (holder, joiner, poller):
        conn.close()
    print(f"clean stop with a parked JoinGroup and Fetch: {took:.2f}s")

    broker.start()
    with Conn(broker.bootstrap) as conn:
        err, hw, _ = kafka_wire.fetch_v4(conn, topic, 0, 0)
        assert (err, hw) == (0, 0)
