"""kcat's balanced consumer (-G): a group reads a 6-partition topic, commits what it read, and
the next run of the same group resumes after it; two kcat processes share the partitions."""

import json
import signal
import subprocess
import time

from confluent_kafka import TopicPartition

import ck
from util import unique_topic, wait_until

PARTITIONS = 6
KCAT_TIMEOUT_S = 45
EARLIEST = ("-X", "auto.offset.reset=earliest")


def kcat_group(bootstrap, gid, topic, *opts, timeout_s=KCAT_TIMEOUT_S):
    """kcat -G GROUP TOPIC with opts; returns [(partition, offset, payload)] from its -J output."""
    cmd = ["kcat", "-b", bootstrap, "-X", "socket.timeout.ms=10000", "-X", "session.timeout.ms=6000", "-J", "-q", *opts, "-G", gid, topic]
    p = subprocess.run(cmd, capture_output=True, timeout=timeout_s)
    assert p.returncode == 0, f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode(errors='replace')}"
    return [_envelope(line) for line in p.stdout.decode().splitlines() if line.strip()]


def _envelope(line):
    m = json.loads(line)
    return (m["partition"], m["offset"], m["payload"])


def produce(bootstrap, topic, per_partition, tag):
    p = ck.producer(bootstrap)
    for part in range(PARTITIONS):
        for i in range(per_partition):
            p.produce(topic, value=f"{tag}-{part}-{i}".encode(), partition=part)
    assert p.flush(30) == 0


def committed(bootstrap, gid, topic):
    c = ck.consumer(bootstrap, group_id=gid)
    try:
        tps = c.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=15)
    finally:
        c.close()
    return {tp.partition: tp.offset for tp in tps}


def wait_stable(bootstrap, gid, members, timeout_s=30):
    """Waits until DescribeGroups shows the group Stable with `members` members, each assigned something."""

    def stable():
        try:
            (g,) = ck.admin(bootstrap).list_groups(gid, timeout=10)
        except Exception:
            return None
        ok = g.state == "Stable" and len(g.members) == members and all(len(m.assignment) > 10 for m in g.members)
        return ok or None

    wait_until(stable, timeout_s, interval_s=0.3, what=f"group {gid} Stable with {members} members")


def new_topic(bootstrap, prefix):
    topic = unique_topic(prefix)
    assert ck.create_topic(bootstrap, topic, partitions=PARTITIONS) is None
    return topic


def test_group_reads_everything_then_resumes(group_broker):
    bs = group_broker.bootstrap
    topic, gid = new_topic(bs, "kcatg"), unique_topic("kcatg")
    produce(bs, topic, 5, "a")
    got = kcat_group(bs, gid, topic, *EARLIEST, "-e")
    assert sorted((p, o) for p, o, _ in got) == [(p, o) for p in range(PARTITIONS) for o in range(5)]
    assert all(v == f"a-{p}-{o}" for p, o, v in got)
    assert committed(bs, gid, topic) == {p: 5 for p in range(PARTITIONS)}
    produce(bs, topic, 2, "b")
    # auto.offset.reset only applies where the group has no committed offset (kcat's
    # -o would assign its offset explicitly on every rebalance, committed or not).
    again = kcat_group(bs, gid, topic, *EARLIEST, "-e")
    assert sorted((p, o) for p, o, _ in again) == [(p, o) for p in range(PARTITIONS) for o in (5, 6)]
    assert committed(bs, gid, topic) == {p: 7 for p in range(PARTITIONS)}


def test_count_limit_then_rest(group_broker):
    """-c N stops after N records and commits them; the next run reads exactly the rest."""
    bs = group_broker.bootstrap
    topic, gid = new_topic(bs, "kcatg-c"), unique_topic("kcatg-c")
    produce(bs, topic, 5, "a")
    first = kcat_group(bs, gid, topic, *EARLIEST, "-c", "10")
    assert len(first) == 10
    c = committed(bs, gid, topic)
    assert sum(max(o, 0) for o in c.values()) == 10, f"committed {c} after reading 10 records"
    rest = kcat_group(bs, gid, topic, *EARLIEST, "-e")
    keys = [(p, o) for p, o, _ in first + rest]
    assert len(keys) == len(set(keys)), "a record was read by both runs"
    assert sorted(keys) == [(p, o) for p in range(PARTITIONS) for o in range(5)]


def test_end_offset_reset(group_broker):
    """-o end for a new group: only records produced after it joined are read."""
    bs = group_broker.bootstrap
    topic, gid = new_topic(bs, "kcatg-end"), unique_topic("kcatg-end")
    produce(bs, topic, 3, "old")
    cmd = ["kcat", "-b", bs, "-J", "-q", "-u", "-o", "end", "-c", str(PARTITIONS), "-G", gid, topic]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_stable(bs, gid, 1)
        time.sleep(1.5)  # kcat resolves the end offsets of its partitions
        produce(bs, topic, 1, "new")
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode(errors="replace")
    got = sorted(_envelope(line) for line in out.decode().splitlines() if line.strip())
    assert got == [(p, 3, f"new-{p}-0") for p in range(PARTITIONS)]


def test_two_kcat_processes_share_the_partitions(group_broker):
    bs = group_broker.bootstrap
    topic, gid = new_topic(bs, "kcatg-two"), unique_topic("kcatg-two")
    cmd = ["kcat", "-b", bs, "-J", "-q", "-u", "-o", "beginning", "-X", "session.timeout.ms=6000", "-G", gid, topic]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outs = []
    try:
        wait_stable(bs, gid, 2)  # records produced afterwards are split between them
        produce(bs, topic, 10, "a")
        wait_until(lambda: committed(bs, gid, topic) == {p: 10 for p in range(PARTITIONS)}, 30,
                   what="the two kcat members to commit every partition's end")
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            out, err = p.communicate(timeout=30)
            outs.append([_envelope(line) for line in out.decode().splitlines() if line.strip()])
            assert p.returncode == 0, err.decode(errors="replace")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    keys = [(p, o) for out in outs for p, o, _ in out]
    assert sorted(keys) == [(p, o) for p in range(PARTITIONS) for o in range(10)], "lost or duplicated records"
    parts = [{p for p, _, _ in out} for out in outs]
    assert all(len(s) == 3 for s in parts) and not parts[0] & parts[1], f"partitions read by each: {parts}"
